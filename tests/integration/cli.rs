//! The command line: scripts, `run --check` on the committed notebooks, usage errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cloudbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudbook")).args(args).current_dir(root()).output().unwrap()
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("cloudbook-cli-{}-{name}", std::process::id()))
}

/// Every notebook's outputs and lab checks pass `--check`, and re-running it writes the
/// committed file byte for byte (the committed file was itself a run: two runs, same bytes).
#[test]
fn every_committed_notebook_passes_run_check() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("notebooks")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "ipynb") {
            let rerun = temp(&format!("rerun-{}", p.file_name().unwrap().to_string_lossy()));
            let out = cloudbook(&["run", p.to_str().unwrap(), "--check", "--output", rerun.to_str().unwrap()]);
            assert!(out.status.success(), "{}: {}", p.display(), text(&out.stderr));
            assert!(text(&out.stderr).contains("outputs match"), "{}", text(&out.stderr));
            let (committed, again) = (std::fs::read(&p).unwrap(), std::fs::read(&rerun).unwrap());
            assert!(committed == again, "{}: a re-run is not byte-identical to the committed file", p.display());
            // nbformat 4.5: every cell has an id, and no two cells share one.
            let nb: serde_json::Value = serde_json::from_slice(&committed).unwrap();
            let ids: Vec<&str> = nb["cells"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap_or("")).collect();
            let unique: std::collections::BTreeSet<&str> = ids.iter().copied().filter(|i| !i.is_empty()).collect();
            assert_eq!(unique.len(), ids.len(), "{}: missing or repeated cell ids {ids:?}", p.display());
            std::fs::remove_file(rerun).unwrap();
            n += 1;
        }
    }
    assert!(n >= 1, "notebooks/ has the tour at least");
}

#[test]
fn run_check_fails_with_a_readable_diff_when_an_output_changed() {
    let nb = std::fs::read_to_string(root().join("notebooks/tour.ipynb")).unwrap();
    assert!(nb.contains("\"42\""), "the tour's first result");
    let edited = temp("edited.ipynb");
    std::fs::write(&edited, nb.replacen("\"42\"", "\"41\"", 1)).unwrap();
    let out = cloudbook(&["run", edited.to_str().unwrap(), "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("1 cell(s) differ"), "{err}");
    assert!(err.contains("- stored: \"text/plain\": \"41\"") && err.contains("+ now:    \"text/plain\": \"42\""), "{err}");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), nb.replacen("\"42\"", "\"41\"", 1), "--check alone writes nothing");
    std::fs::remove_file(edited).unwrap();
}

#[test]
fn run_writes_the_same_bytes_as_committed_and_an_html_report() {
    let out_nb = temp("tour-out.ipynb");
    let html = temp("tour.html");
    let out = cloudbook(&["run", "notebooks/tour.ipynb", "--output", out_nb.to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let committed = std::fs::read_to_string(root().join("notebooks/tour.ipynb")).unwrap();
    assert_eq!(std::fs::read_to_string(&out_nb).unwrap(), committed, "outputs are byte-identical between runs");
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(h.starts_with("<!DOCTYPE html>") && h.contains("<svg") && h.contains("<table"), "charts and tables inline");
    assert!(!h.contains("<script") && !h.contains("<link"), "self-contained");
    std::fs::remove_file(out_nb).unwrap();
    std::fs::remove_file(html).unwrap();
}

#[test]
fn a_script_prints_its_output_and_value() {
    let script = temp("ok.rhai");
    std::fs::write(&script, "print(\"hi\");\nlet t = clock::advance(\"1h\");\nt").unwrap();
    let out = cloudbook(&[script.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "hi\n2026-01-01T01:00:00Z\n");
    std::fs::write(&script, "let x = 1;\nclock::advance(\"later\")").unwrap();
    let out = cloudbook(&[script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("ValidationException: `later` is not a duration"), "{err}");
    assert!(err.contains(&format!("at {} line 2, column 8", script.display())), "{err}");
    std::fs::remove_file(script).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let out = cloudbook(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown command `frobnicate`") && text(&out.stderr).contains("usage:"));
}
