//! Command-line parsing and dispatch (kept by hand: four subcommands do not need a parser
//! crate, and start-up time matters for a kernel).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A command line that makes no sense (the usage text is printed after it).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    UsageError(msg.into()).into()
}

/// Runs the command line; returns the process exit code.
pub fn main(args: &[String]) -> Result<u8> {
    let Some(cmd) = args.first() else { return Err(usage("no command")) };
    let rest = &args[1..];
    match cmd.as_str() {
        "--version" | "-V" => {
            println!("cloudbook {}", crate::VERSION);
            Ok(0)
        }
        "--help" | "-h" | "help" => Err(usage("")),
        "install" => {
            let target = match rest {
                [] => InstallTarget::User,
                [f] if f == "--user" => InstallTarget::User,
                [f] if f == "--sys-prefix" => InstallTarget::SysPrefix,
                [f, dir] if f == "--prefix" => InstallTarget::Prefix(PathBuf::from(dir)),
                _ => return Err(usage("install takes one of --user, --sys-prefix, --prefix DIR")),
            };
            let dir = crate::install::install(&target)?;
            println!("Installed the Cloudbook kernelspec in {}", dir.display());
            Ok(0)
        }
        "kernel" => {
            let file = match rest {
                [f, file] if f == "--connection-file" || f == "-f" => PathBuf::from(file),
                [f] if f.starts_with("--connection-file=") => PathBuf::from(&f["--connection-file=".len()..]),
                _ => return Err(usage("kernel takes --connection-file FILE")),
            };
            crate::kernel::run(&file)?;
            Ok(0)
        }
        "run" => {
            let opts = parse_run(rest)?;
            crate::notebook::run_command(&opts)
        }
        path if path.ends_with(".rhai") || Path::new(path).is_file() => {
            if !rest.is_empty() {
                return Err(usage("a script takes no arguments"));
            }
            let src = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
            Ok(crate::script::run_script(src, path.to_string()) as u8)
        }
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

/// Where `cloudbook install` writes the kernelspec.
#[derive(Clone, Debug, PartialEq)]
pub enum InstallTarget {
    /// The user's Jupyter data directory.
    User,
    /// The active virtualenv or conda env (`$VIRTUAL_ENV`, `$CONDA_PREFIX`).
    SysPrefix,
    /// `DIR/share/jupyter/kernels/cloudbook`.
    Prefix(PathBuf),
}

/// Options of `cloudbook run`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunOptions {
    pub notebook: PathBuf,
    pub output: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub check: bool,
}

fn parse_run(args: &[String]) -> Result<RunOptions> {
    let mut o = RunOptions::default();
    let mut notebook = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--output" | "-o" => o.output = Some(it.next().ok_or_else(|| usage("--output needs a file"))?.into()),
            "--html" => o.html = Some(it.next().ok_or_else(|| usage("--html needs a file"))?.into()),
            "--check" => o.check = true,
            f if f.starts_with('-') => return Err(usage(format!("run: unknown option `{f}`"))),
            f => {
                if notebook.replace(PathBuf::from(f)).is_some() {
                    bail!(usage("run takes one notebook"));
                }
            }
        }
    }
    o.notebook = notebook.ok_or_else(|| usage("run needs a notebook"))?;
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn run_options() {
        let o = parse_run(&args("nb.ipynb --output out.ipynb --html r.html --check")).unwrap();
        assert_eq!(
            o,
            RunOptions { notebook: "nb.ipynb".into(), output: Some("out.ipynb".into()), html: Some("r.html".into()), check: true }
        );
        assert!(parse_run(&args("--check")).unwrap_err().to_string().contains("run needs a notebook"));
        assert!(parse_run(&args("a.ipynb b.ipynb")).is_err());
        assert!(parse_run(&args("a.ipynb --frob")).unwrap_err().to_string().contains("unknown option `--frob`"));
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in ["", "frobnicate", "install --everywhere", "kernel"] {
            let e = main(&args(bad)).unwrap_err();
            assert!(e.downcast_ref::<UsageError>().is_some(), "{bad}: {e}");
        }
    }
}
