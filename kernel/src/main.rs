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

/// Cells run on the engine thread, and glibc gives every thread but the first its own
/// arena, which grows its heap one page at a time, each step an `mprotect` call (12,646 of
/// them for 40,000 KMS Encrypt+Decrypt pairs, whose audit events the world keeps). With
/// one arena every thread allocates from the main heap, which grows by `brk` in 128 KiB
/// steps (390 calls for the same cell; the cell ran about 10% faster, same peak memory).
/// The kernel's other threads only move messages, so they do not contend for it.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a glibc tunable; it runs before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

const USAGE: &str = "usage:
  cloudbook install [--user | --sys-prefix | --prefix DIR]
  cloudbook kernel --connection-file FILE
  cloudbook run NOTEBOOK.ipynb [--output OUT.ipynb] [--html REPORT.html] [--md REPORT.md] [--check] [-p NAME=VALUE]...
  cloudbook grade DIR [--html REPORT.html] [--csv REPORT.csv]
  cloudbook SCRIPT.rhai
  cloudbook --version";

fn main() -> ExitCode {
    one_malloc_arena();
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
