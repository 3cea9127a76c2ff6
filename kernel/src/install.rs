//! `cloudbook install`: writes the kernelspec (`kernel.json` and a logo) where Jupyter looks.
//!
//! Jupyter finds kernelspecs in `<data dir>/kernels/<name>/`; the data dirs are the user's
//! (`$JUPYTER_DATA_DIR`, else `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on
//! macOS) and `<prefix>/share/jupyter` for the Python environment Jupyter runs in. The spec
//! names this very binary by absolute path, so moving the binary means reinstalling.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::cli::InstallTarget;

pub const KERNEL_NAME: &str = "cloudbook";

const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#232f3e"/><path d="M18 42a9 9 0 0 1 1-18 13 13 0 0 1 25-2 10 10 0 0 1 2 20z" fill="#ff9900"/><text x="32" y="55" font-family="sans-serif" font-size="11" font-weight="bold" fill="#fff" text-anchor="middle">rhai</text></svg>
"##;

/// The kernelspec for the binary at `exe`.
pub fn kernel_json(exe: &Path) -> serde_json::Value {
    json!({
        "argv": [exe.to_string_lossy(), "kernel", "--connection-file", "{connection_file}"],
        "display_name": "Cloudbook (Rhai)",
        "language": "rhai",
        "interrupt_mode": "message",
        "metadata": { "debugger": false }
    })
}

/// The `kernels/cloudbook` directory for a target.
pub fn spec_dir(target: &InstallTarget) -> Result<PathBuf> {
    let data = match target {
        InstallTarget::User => user_data_dir()?,
        InstallTarget::SysPrefix => {
            let prefix = std::env::var_os("VIRTUAL_ENV")
                .or_else(|| std::env::var_os("CONDA_PREFIX"))
                .context("--sys-prefix needs an active virtualenv or conda env ($VIRTUAL_ENV / $CONDA_PREFIX); use --prefix DIR otherwise")?;
            PathBuf::from(prefix).join("share").join("jupyter")
        }
        InstallTarget::Prefix(dir) => dir.join("share").join("jupyter"),
    };
    Ok(data.join("kernels").join(KERNEL_NAME))
}

fn user_data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("JUPYTER_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    let Some(home) = std::env::var_os("HOME") else { bail!("cannot find the user's Jupyter data directory: $HOME is not set") };
    let home = PathBuf::from(home);
    if cfg!(target_os = "macos") {
        return Ok(home.join("Library").join("Jupyter"));
    }
    let base = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".local").join("share"));
    Ok(base.join("jupyter"))
}

/// Writes the kernelspec; returns its directory.
pub fn install(target: &InstallTarget) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find the cloudbook binary's path")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let dir = spec_dir(target)?;
    write_spec(&dir, &exe)?;
    Ok(dir)
}

/// Writes `kernel.json` and the logo into `dir`.
pub fn write_spec(dir: &Path, exe: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let spec = serde_json::to_string_pretty(&kernel_json(exe))? + "\n";
    std::fs::write(dir.join("kernel.json"), spec).with_context(|| format!("cannot write {}", dir.join("kernel.json").display()))?;
    std::fs::write(dir.join("logo-svg.svg"), LOGO_SVG)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_json_names_the_binary_and_message_interrupts() {
        let j = kernel_json(Path::new("/opt/bin/cloudbook"));
        assert_eq!(j["argv"], json!(["/opt/bin/cloudbook", "kernel", "--connection-file", "{connection_file}"]));
        assert_eq!(j["language"], "rhai");
        assert_eq!(j["interrupt_mode"], "message");
    }

    #[test]
    fn prefix_layout_and_files() {
        let tmp = std::env::temp_dir().join(format!("cloudbook-install-test-{}", std::process::id()));
        let dir = spec_dir(&InstallTarget::Prefix(tmp.clone())).unwrap();
        assert_eq!(dir, tmp.join("share/jupyter/kernels/cloudbook"));
        write_spec(&dir, Path::new("/x/cloudbook")).unwrap();
        let j: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).unwrap()).unwrap();
        assert_eq!(j["argv"][0], "/x/cloudbook");
        assert!(std::fs::read_to_string(dir.join("logo-svg.svg")).unwrap().starts_with("<svg"));
        std::fs::remove_dir_all(tmp).unwrap();
    }
}
