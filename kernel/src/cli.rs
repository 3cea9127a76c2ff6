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
        "grade" => {
            let opts = parse_grade(rest)?;
            crate::grade::grade_command(&opts)
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
    /// Markdown export (`--md REPORT.md`; charts go to `REPORT_files/`).
    pub md: Option<PathBuf>,
    pub check: bool,
    /// `-p name=value` (or `-p name value`), in order; see [`crate::params`].
    pub params: Vec<(String, String)>,
}

fn parse_run(args: &[String]) -> Result<RunOptions> {
    let mut o = RunOptions::default();
    let mut notebook = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--output" | "-o" => o.output = Some(it.next().ok_or_else(|| usage("--output needs a file"))?.into()),
            "--html" => o.html = Some(it.next().ok_or_else(|| usage("--html needs a file"))?.into()),
            "--md" => o.md = Some(it.next().ok_or_else(|| usage("--md needs a file"))?.into()),
            "--check" => o.check = true,
            "-p" | "--parameter" => {
                let p = it.next().ok_or_else(|| usage("-p needs name=value"))?;
                let (name, value) = match p.split_once('=') {
                    Some((n, v)) => (n.to_string(), v.to_string()),
                    None => (p.clone(), it.next().ok_or_else(|| usage(format!("-p {p} needs a value")))?.clone()),
                };
                crate::params::check_name(&name).map_err(usage)?;
                o.params.push((name, value));
            }
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

fn parse_grade(args: &[String]) -> Result<crate::grade::GradeOptions> {
    let mut o = crate::grade::GradeOptions::default();
    let mut dir = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--html" => o.html = Some(it.next().ok_or_else(|| usage("--html needs a file"))?.into()),
            "--csv" => o.csv = Some(it.next().ok_or_else(|| usage("--csv needs a file"))?.into()),
            f if f.starts_with('-') => return Err(usage(format!("grade: unknown option `{f}`"))),
            f => {
                if dir.replace(PathBuf::from(f)).is_some() {
                    bail!(usage("grade takes one folder"));
                }
            }
        }
    }
    o.dir = dir.ok_or_else(|| usage("grade needs a folder of notebooks"))?;
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
        let o = parse_run(&args("nb.ipynb --output out.ipynb --html r.html --md r.md --check -p seed=7 -p name bob")).unwrap();
        assert_eq!(
            o,
            RunOptions {
                notebook: "nb.ipynb".into(),
                output: Some("out.ipynb".into()),
                html: Some("r.html".into()),
                md: Some("r.md".into()),
                check: true,
                params: vec![("seed".into(), "7".into()), ("name".into(), "bob".into())],
            }
        );
        assert_eq!(parse_run(&args("nb.ipynb -p msg=a=b")).unwrap().params, [("msg".to_string(), "a=b".to_string())]);
        assert!(parse_run(&args("nb.ipynb -p 2x=1")).unwrap_err().to_string().contains("`2x` is not a Rhai variable name"));
        assert!(parse_run(&args("nb.ipynb -p x")).unwrap_err().to_string().contains("-p x needs a value"));
        assert!(parse_run(&args("--check")).unwrap_err().to_string().contains("run needs a notebook"));
        assert!(parse_run(&args("a.ipynb b.ipynb")).is_err());
        assert!(parse_run(&args("a.ipynb --frob")).unwrap_err().to_string().contains("unknown option `--frob`"));
    }

    #[test]
    fn grade_options() {
        let o = parse_grade(&args("class/ --csv g.csv --html g.html")).unwrap();
        assert_eq!(o, crate::grade::GradeOptions { dir: "class/".into(), csv: Some("g.csv".into()), html: Some("g.html".into()) });
        assert!(parse_grade(&args("")).unwrap_err().to_string().contains("needs a folder"));
        assert!(parse_grade(&args("a b")).is_err());
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in ["", "frobnicate", "install --everywhere", "kernel", "grade", "grade --csv"] {
            let e = main(&args(bad)).unwrap_err();
            assert!(e.downcast_ref::<UsageError>().is_some(), "{bad}: {e}");
        }
    }
}
