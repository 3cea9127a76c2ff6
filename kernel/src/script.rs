//! `cloudbook SCRIPT.rhai`: runs a script as one cell and prints what it produced.

use std::io::Write;

use crate::session::{Output, Session, StreamName, spawn_engine_thread};

/// Runs `src` and writes streams and the final value to stdout/stderr; returns the exit code
/// (0, or 1 when the script failed).
pub fn run_script(src: String, label: String) -> i32 {
    spawn_engine_thread("cloudbook-script", move || {
        let mut session = Session::new();
        let r = session.execute(
            &src,
            false,
            Box::new(|out| match out {
                Output::Stream { name: StreamName::Stdout, text } => {
                    let _ = std::io::stdout().write_all(text.as_bytes());
                }
                Output::Stream { name: StreamName::Stderr, text } => {
                    let _ = std::io::stderr().write_all(text.as_bytes());
                }
                Output::Display { data, .. } => {
                    if let Some(t) = data.get("text/plain").and_then(|t| t.as_str()) {
                        println!("{t}");
                    }
                }
                Output::ClearOutput { .. } => {}
            }),
        );
        for page in &r.pages {
            if let Some(t) = page.get("text/plain").and_then(|t| t.as_str()) {
                println!("{t}");
            }
        }
        if let Some(v) = r.value.as_ref().and_then(|b| b.get("text/plain")).and_then(|t| t.as_str()) {
            println!("{v}");
        }
        match r.error {
            Some(e) => {
                for line in &e.traceback {
                    eprintln!("{}", line.replace("In [ ]", &label));
                }
                1
            }
            None => 0,
        }
    })
    .join()
    .unwrap_or(1)
}
