//! Lab grading, parameters and reports through the real binary: `run --check` fails on a
//! failed lab check, `grade DIR` grades a class (tests/fixtures/grading: alice passes, bob's
//! policy is too broad, carol's notebook throws), `-p` injects parameters, `--md` exports.

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

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cloudbook-lab-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const FIXTURES: &str = "tests/fixtures/grading";

#[test]
fn run_check_fails_on_a_failed_lab_check_even_when_outputs_match() {
    let d = temp_dir("check");
    let blessed = d.join("bob.ipynb");
    // bless the failing notebook first, so only the lab check can fail --check
    let out = cloudbook(&["run", &format!("{FIXTURES}/bob.ipynb"), "--output", blessed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "without --check a failed check is reported, not fatal: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("lab checks: 2 of 3 passed"), "{}", text(&out.stderr));
    let out = cloudbook(&["run", blessed.to_str().unwrap(), "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("outputs match"), "{err}");
    assert!(err.contains("FAIL  alice cannot delete a report\n        hint: grant only the action the task needs (s3:GetObject), not s3:*"), "{err}");
    assert!(err.contains("1 lab check(s) failed"), "{err}");
    // alice's passes
    let good = d.join("alice.ipynb");
    assert!(cloudbook(&["run", &format!("{FIXTURES}/alice.ipynb"), "--output", good.to_str().unwrap()]).status.success());
    let out = cloudbook(&["run", good.to_str().unwrap(), "--check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("lab checks: 3 of 3 passed"));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn grade_prints_a_class_report_and_fails_when_a_student_fails() {
    let d = temp_dir("grade");
    let (csv, html) = (d.join("grades.csv"), d.join("grades.html"));
    let out = cloudbook(&["grade", FIXTURES, "--csv", csv.to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "notebook     #1    #2    #3    passed  result", "{report}");
    assert_eq!(lines[2], "alice.ipynb  PASS  PASS  PASS  3/3     PASS", "{report}");
    assert_eq!(lines[3], "bob.ipynb    PASS  FAIL  PASS  2/3     FAIL", "{report}");
    assert_eq!(lines[4], "carol.ipynb  -     -     -     0/3     ERROR cell 3 (In [2]): MalformedPolicyDocument: Syntax er...", "{report}");
    assert!(report.contains("#2 alice cannot delete a report\n"), "{report}");
    assert!(report.contains("bob.ipynb: FAIL\n  #2 FAIL  alice cannot delete a report\n        hint: grant only"), "{report}");
    assert!(text(&out.stderr).contains("1 of 3 notebooks pass"));
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.starts_with("notebook,result,passed,total,alice can read a report,alice cannot delete a report,alice has one inline policy\r\n"), "{csv}");
    assert!(csv.contains("\r\nbob.ipynb,FAIL,2,3,PASS,FAIL,PASS\r\n"), "{csv}");
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("<td class=\"fail\" title=\"grant only the action the task needs (s3:GetObject), not s3:*\">FAIL</td>"), "{html}");

    // a folder where everyone passes exits 0
    std::fs::copy(root().join(FIXTURES).join("alice.ipynb"), d.join("alice.ipynb")).unwrap();
    let out = cloudbook(&["grade", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn parameters_are_injected_typed_and_never_overwrite_the_template() {
    let d = temp_dir("params");
    let template = d.join("scenario.ipynb");
    let nb = serde_json::json!({ "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        { "cell_type": "code", "id": "p", "source": "let size = 100;\nlet kind = \"gp2\";\nlet ratio = 0.5;\nlet on = false;", "metadata": { "tags": ["parameters"] }, "outputs": [], "execution_count": null },
        { "cell_type": "code", "id": "r", "source": "`${size}:${type_of(size)} ${kind} ${ratio}:${type_of(ratio)} ${on}`", "metadata": {}, "outputs": [], "execution_count": null }
    ] });
    let template_text = serde_json::to_string_pretty(&nb).unwrap();
    std::fs::write(&template, &template_text).unwrap();
    let out_nb = d.join("out.ipynb");
    let md = d.join("report.md");
    let out = cloudbook(&[
        "run", template.to_str().unwrap(), "-p", "size=500", "-p", "kind", "a \"quoted\" ${x} name", "-p", "ratio=1e3", "-p", "on=true",
        "--output", out_nb.to_str().unwrap(), "--md", md.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&template).unwrap(), template_text, "the template is untouched");
    let ran: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_nb).unwrap()).unwrap();
    let cells = ran["cells"].as_array().unwrap();
    assert_eq!(cells[1]["metadata"]["tags"], serde_json::json!(["injected-parameters"]));
    assert_eq!(cells[2]["outputs"][0]["data"]["text/plain"], serde_json::json!(["500:i64 a \"quoted\" ${x} name 1000.0:f64 true"]));
    assert_eq!(ran["metadata"]["cloudbook"]["parameters"]["size"], 500);
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(report.contains("parameters `size = 500`, `kind = \"a \\\"quoted\\\" ${x} name\"`, `ratio = 1000.0`, `on = true`"), "{report}");
    assert!(report.contains("```rhai\n// Parameters (injected by cloudbook run -p)\nlet size = 500;\n"), "{report}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn one_scenario_notebook_many_reports() {
    let d = temp_dir("scenario");
    let nb = "notebooks/ebs-nightly-batch-scenario.ipynb";
    let template = std::fs::read(root().join(nb)).unwrap();
    let out_nb = d.join("gp2-100.ipynb");
    let out = cloudbook(&["run", nb, "-p", "volume_type=gp2", "--output", out_nb.to_str().unwrap(), "--check"]);
    assert_eq!(out.status.code(), Some(1), "a 100 GiB gp2 volume is throttled: the lab check fails");
    let err = text(&out.stderr);
    assert!(err.contains("FAIL  the job is never throttled: expected 0, got 4800"), "{err}");
    let ran = std::fs::read_to_string(&out_nb).unwrap();
    assert!(ran.contains("\"let volume_type = \\\"gp2\\\";\""), "the injected cell");
    let out = cloudbook(&["run", nb, "-p", "volume_type=gp2", "-p", "size=1000", "--output", out_nb.to_str().unwrap()]);
    assert!(text(&out.stderr).contains("lab checks: 2 of 2 passed"), "1,000 GiB of gp2 has a 3,000 IOPS baseline: {}", text(&out.stderr));
    assert_eq!(std::fs::read(root().join(nb)).unwrap(), template, "the template is never rewritten");
    std::fs::remove_dir_all(d).unwrap();
}
