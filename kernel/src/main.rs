//! `cloudbook`: the Jupyter kernel and the command line.
//!
//! ```text
//! cloudbook install [--user | --sys-prefix | --prefix DIR]   write the kernelspec
//! cloudbook kernel --connection-file FILE                   run as a Jupyter kernel
//! cloudbook run NOTEBOOK.ipynb [--output OUT] [--html REPORT.html] [--md REPORT.md] [--check] [-p NAME=VALUE]...
//! cloudbook grade DIR [--html REPORT.html] [--csv REPORT.csv]              grade a folder of lab notebooks
//! cloudbook SCRIPT.rhai                                     run a script, print its results
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage:
  cloudbook install [--user | --sys-prefix | --prefix DIR]
  cloudbook kernel --connection-file FILE
  cloudbook run NOTEBOOK.ipynb [--output OUT.ipynb] [--html REPORT.html] [--md REPORT.md] [--check] [-p NAME=VALUE]...
  cloudbook grade DIR [--html REPORT.html] [--csv REPORT.csv]
  cloudbook SCRIPT.rhai
  cloudbook --version";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cloudbook_kernel::cli::main(&args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("cloudbook: {e:#}");
            if e.downcast_ref::<cloudbook_kernel::cli::UsageError>().is_some() {
                eprintln!("{USAGE}");
            }
            ExitCode::from(2)
        }
    }
}
