//! `cloudbook grade DIR`: runs every notebook in a folder in-process and reports notebook x
//! lab check, so an instructor can grade a class's copies of a lab (in CI, say).
//!
//! A notebook passes when it runs to the end (an unexpected error fails it) and every check
//! the class's notebooks record passed in it. A check another notebook in the folder records
//! but this one does not counts as failed (`-` in the table): deleting the cell that checks a
//! step must not turn a student's FAIL into a pass. So grade one lab per folder.
//!
//! The text table numbers the checks (names are long) and lists them under it; the CSV
//! (`--csv`) and HTML (`--html`) reports spell them out. The exit code is 1 when any notebook
//! fails, 0 otherwise.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cloudbook_stdlib::lab::CheckResult;
use cloudbook_stdlib::render::escape_html;

use crate::notebook::execute_notebook;

/// Options of `cloudbook grade`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GradeOptions {
    pub dir: PathBuf,
    pub html: Option<PathBuf>,
    pub csv: Option<PathBuf>,
}

/// One notebook's grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The file name.
    pub notebook: String,
    /// Why the run did not finish (unreadable file, unexpected error), if it did not.
    pub error: Option<String>,
    pub checks: Vec<CheckResult>,
}

impl Row {
    fn result(&self, check: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.name == check)
    }
}

/// The class report: rows in file-name order, checks in the order first seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub checks: Vec<String>,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn new(rows: Vec<Row>) -> Report {
        let mut checks: Vec<String> = Vec::new();
        for c in rows.iter().flat_map(|r| &r.checks) {
            if !checks.contains(&c.name) {
                checks.push(c.name.clone());
            }
        }
        Report { checks, rows }
    }

    /// How many of the class's checks a row passed.
    pub fn passed(&self, row: &Row) -> usize {
        self.checks.iter().filter(|c| row.result(c).is_some_and(|r| r.passed)).count()
    }

    pub fn row_passes(&self, row: &Row) -> bool {
        row.error.is_none() && !self.checks.is_empty() && self.passed(row) == self.checks.len()
    }

    pub fn all_pass(&self) -> bool {
        !self.rows.is_empty() && self.rows.iter().all(|r| self.row_passes(r))
    }

    fn status(&self, row: &Row) -> String {
        match &row.error {
            Some(e) => format!("ERROR {e}"),
            None if self.checks.is_empty() => "no lab checks".into(),
            None if self.row_passes(row) => "PASS".into(),
            None => "FAIL".into(),
        }
    }

    fn cell(&self, row: &Row, check: &str) -> &'static str {
        match row.result(check) {
            Some(r) if r.passed => "PASS",
            Some(_) => "FAIL",
            None => "-",
        }
    }

    /// The text report: a table with numbered checks, the legend, then each failure's hint.
    pub fn to_text(&self) -> String {
        let mut head = vec!["notebook".to_string()];
        head.extend((1..=self.checks.len()).map(|i| format!("#{i}")));
        head.extend(["passed".to_string(), "result".to_string()]);
        let mut rows = vec![head];
        for r in &self.rows {
            let mut line = vec![r.notebook.clone()];
            line.extend(self.checks.iter().map(|c| self.cell(r, c).to_string()));
            line.push(format!("{}/{}", self.passed(r), self.checks.len()));
            // the table shows the start of an error; the details below show all of it
            let status = self.status(r);
            line.push(if status.chars().count() > 60 { format!("{}...", status.chars().take(57).collect::<String>()) } else { status });
            rows.push(line);
        }
        let widths: Vec<usize> =
            (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for (n, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
            if n == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                let _ = writeln!(out, "{}", rule.join("  "));
            }
        }
        if !self.checks.is_empty() {
            out.push('\n');
        }
        for (i, c) in self.checks.iter().enumerate() {
            let _ = writeln!(out, "#{} {c}", i + 1);
        }
        for r in self.rows.iter().filter(|r| !self.row_passes(r)) {
            let _ = writeln!(out, "\n{}: {}", r.notebook, self.status(r));
            for (i, c) in self.checks.iter().enumerate() {
                match r.result(c) {
                    Some(res) if !res.passed => {
                        let _ = writeln!(out, "  #{} {}", i + 1, res.to_string().replace('\n', "\n  "));
                    }
                    None if r.error.is_none() => {
                        let _ = writeln!(out, "  #{} MISSING  {c}: this notebook does not run the check", i + 1);
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// One line per notebook, one column per check (PASS, FAIL or empty when missing).
    pub fn to_csv(&self) -> String {
        let mut head = vec!["notebook".to_string(), "result".into(), "passed".into(), "total".into()];
        head.extend(self.checks.iter().cloned());
        let mut out = csv_line(&head);
        for r in &self.rows {
            let mut line = vec![r.notebook.clone(), self.status(r), self.passed(r).to_string(), self.checks.len().to_string()];
            line.extend(self.checks.iter().map(|c| self.cell(r, c).replace('-', "")));
            out.push_str(&csv_line(&line));
        }
        out
    }

    /// A self-contained page: the table with coloured cells, hints as tooltips and below.
    pub fn to_html(&self, title: &str) -> String {
        let mut t = String::from("<table class=\"grade\"><thead><tr><th>notebook</th>");
        for c in &self.checks {
            let _ = write!(t, "<th>{}</th>", escape_html(c));
        }
        t.push_str("<th>passed</th><th>result</th></tr></thead><tbody>\n");
        for r in &self.rows {
            let _ = write!(t, "<tr><td>{}</td>", escape_html(&r.notebook));
            for c in &self.checks {
                let cell = self.cell(r, c);
                let tip = r.result(c).and_then(|x| x.hint.clone().or(x.detail.clone())).filter(|_| cell != "PASS");
                let tip = tip.map(|h| format!(" title=\"{}\"", escape_html(&h))).unwrap_or_default();
                let _ = write!(t, "<td class=\"{}\"{tip}>{cell}</td>", cell.to_lowercase().replace('-', "missing"));
            }
            let status = self.status(r);
            let class = if self.row_passes(r) { "pass" } else { "fail" };
            let _ = writeln!(t, "<td>{}/{}</td><td class=\"{class}\">{}</td></tr>", self.passed(r), self.checks.len(), escape_html(&status));
        }
        t.push_str("</tbody></table>\n");
        let text = escape_html(&self.to_text());
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{CSS}</style></head><body>\n<h1>{title}</h1>\n{t}<h2>Details</h2>\n<pre>{text}</pre>\n</body></html>\n",
            title = escape_html(title),
        )
    }
}

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2em;color:#1f2328}\
table.grade{border-collapse:collapse;font-size:13px}table.grade td,table.grade th{border:1px solid #d0d7de;padding:.25em .6em}\
table.grade th{background:#f6f8fa;max-width:12em}.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}\
.missing{background:#fff8c5}pre{font:12px ui-monospace,monospace;background:#f6f8fa;padding:.6em}";

fn csv_line(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() })
        .collect();
    quoted.join(",") + "\r\n"
}

/// The notebooks of a folder, sorted by name (checkpoints and hidden files skipped).
fn notebooks_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read the folder {}", dir.display()))? {
        let p = entry?.path();
        let hidden = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && p.is_file() && p.extension().is_some_and(|e| e == "ipynb") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

/// Runs one notebook and records its checks.
pub fn grade_notebook(path: &Path) -> Row {
    let notebook = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let run = std::fs::read_to_string(path)
        .with_context(|| "cannot read it".to_string())
        .and_then(|t| serde_json::from_str(&t).context("not JSON"))
        .and_then(|nb| execute_notebook(nb, false));
    match run {
        Ok(r) => Row { notebook, error: r.failed, checks: r.world.checks },
        Err(e) => Row { notebook, error: Some(format!("{e:#}")), checks: Vec::new() },
    }
}

/// `cloudbook grade`.
pub fn grade_command(o: &GradeOptions) -> Result<u8> {
    let files = notebooks_in(&o.dir)?;
    if files.is_empty() {
        anyhow::bail!("no notebooks (*.ipynb) in {}", o.dir.display());
    }
    let rows = files
        .iter()
        .map(|f| {
            eprintln!("cloudbook grade: running {}", f.display());
            grade_notebook(f)
        })
        .collect();
    let report = Report::new(rows);
    print!("{}", report.to_text());
    if let Some(p) = &o.csv {
        std::fs::write(p, report.to_csv()).with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &o.html {
        let title = format!("Lab grades: {}", o.dir.display());
        std::fs::write(p, report.to_html(&title)).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let failing = report.rows.iter().filter(|r| !report.row_passes(r)).count();
    eprintln!("cloudbook grade: {} of {} notebooks pass", report.rows.len() - failing, report.rows.len());
    Ok(u8::from(!report.all_pass()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, passed: bool, hint: Option<&str>) -> CheckResult {
        CheckResult { name: name.into(), passed, hint: hint.map(String::from), detail: None }
    }

    fn class() -> Report {
        Report::new(vec![
            Row { notebook: "alice.ipynb".into(), error: None, checks: vec![check("a", true, None), check("b", true, None)] },
            Row { notebook: "bob.ipynb".into(), error: None, checks: vec![check("a", true, None), check("b", false, Some("add a Deny"))] },
            Row { notebook: "carol.ipynb".into(), error: None, checks: vec![check("a", true, None)] },
            Row { notebook: "dan.ipynb".into(), error: Some("cell 3 (In [2]): RuntimeError: bad".into()), checks: vec![] },
        ])
    }

    #[test]
    fn missing_checks_and_errors_fail_the_notebook() {
        let r = class();
        assert_eq!(r.checks, ["a", "b"]);
        let pass: Vec<bool> = r.rows.iter().map(|x| r.row_passes(x)).collect();
        assert_eq!(pass, [true, false, false, false]);
        assert!(!r.all_pass());
        assert_eq!(r.passed(&r.rows[2]), 1);
        let only_alice = Report::new(vec![r.rows[0].clone()]);
        assert!(only_alice.all_pass());
        let none = Report::new(vec![Row { notebook: "x.ipynb".into(), error: None, checks: vec![] }]);
        assert!(!none.all_pass(), "a notebook without checks grades nothing");
    }

    #[test]
    fn text_report_table_legend_and_hints() {
        let t = class().to_text();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "notebook     #1    #2    passed  result");
        assert_eq!(lines[2], "alice.ipynb  PASS  PASS  2/2     PASS");
        assert_eq!(lines[3], "bob.ipynb    PASS  FAIL  1/2     FAIL");
        assert_eq!(lines[4], "carol.ipynb  PASS  -     1/2     FAIL");
        assert_eq!(lines[5], "dan.ipynb    -     -     0/2     ERROR cell 3 (In [2]): RuntimeError: bad");
        let mut long = class();
        long.rows[3].error = Some("x".repeat(100));
        let t2 = long.to_text();
        assert!(t2.contains(&format!("0/2     ERROR {}...\n", "x".repeat(51))), "{t2}");
        assert!(t2.contains(&format!("dan.ipynb: ERROR {}\n", "x".repeat(100))), "{t2}");
        assert!(t.contains("\n#1 a\n#2 b\n"), "{t}");
        assert!(t.contains("bob.ipynb: FAIL\n  #2 FAIL  b\n        hint: add a Deny\n"), "{t}");
        assert!(t.contains("carol.ipynb: FAIL\n  #2 MISSING  b: this notebook does not run the check\n"), "{t}");
        assert!(!t.contains("alice.ipynb: "), "passing notebooks get no details");
    }

    #[test]
    fn csv_and_html() {
        let mut r = class();
        r.checks[1] = "b, \"quoted\"".into();
        r.rows[1].checks[1].name = r.checks[1].clone();
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "notebook,result,passed,total,a,\"b, \"\"quoted\"\"\"");
        assert_eq!(lines[2], "bob.ipynb,FAIL,1,2,PASS,FAIL");
        assert_eq!(lines[3], "carol.ipynb,FAIL,1,2,PASS,");
        let h = r.to_html("grades <1>");
        assert!(h.contains("<title>grades &lt;1&gt;</title>"));
        assert!(h.contains("<td class=\"fail\" title=\"add a Deny\">FAIL</td>"), "{h}");
        assert!(h.contains("<td class=\"missing\">-</td>"));
        assert!(!h.contains("<script") && !h.contains("http"));
    }
}
