//! `cloudbook run`: executes a notebook in-process (no Python, no ZeroMQ) through the same
//! [`Session`] the kernel uses, writes outputs and execution counts back in nbformat 4, and
//! optionally renders a self-contained HTML report or checks the outputs against those stored
//! in the notebook.
//!
//! Running is [`execute_notebook`] (notebook JSON in, notebook JSON with outputs out, plus a
//! per-cell record and the world's seed, clock and lab checks); writing, checking (outputs
//! and lab checks), reporting (crate::report), parameters (crate::params) and grading
//! (crate::grade) are separate functions over it.
//!
//! Rules, matching nbclient: cells run in order in one session; a cell tagged
//! `raises-exception` may fail, any other error stops the run (later cells keep no outputs)
//! and makes the command fail. Consecutive stream outputs of the same name are merged.
//! Output is deterministic: the world is seeded, keys are written sorted, one-space indent,
//! text split into lines, as Jupyter itself writes notebooks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use parking_lot::Mutex;
use serde_json::{Map, Value, json};

use cloudbook_stdlib::lab::CheckResult;

use crate::cli::RunOptions;
use crate::session::{Output, Session, spawn_engine_thread};

/// What happened to one code cell.
#[derive(Clone, Debug, PartialEq)]
pub struct CellRecord {
    /// Index of the cell in the notebook.
    pub index: usize,
    pub execution_count: u32,
    pub error: Option<String>,
    pub millis: u128,
}

/// A notebook after a run.
pub struct RunResult {
    pub notebook: Value,
    pub cells: Vec<CellRecord>,
    /// The first unexpected error (a cell not tagged `raises-exception`), if any.
    pub failed: Option<String>,
    /// The world's seed, clock and lab checks before and after the run.
    pub world: WorldInfo,
}

/// What a report says about the world a notebook ran in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorldInfo {
    /// The seed the world started with (also in the notebook metadata).
    pub seed: u64,
    /// The seed at the end (differs when the notebook called `world::seed(n)`).
    pub final_seed: u64,
    /// The simulated clock before the first cell and after the last, ISO 8601.
    pub clock_start: String,
    pub clock_end: String,
    /// Lab checks recorded in the world at the end, in the order first run.
    pub checks: Vec<CheckResult>,
}

impl WorldInfo {
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

/// A cell's `source` (a string or a list of lines) as one string.
pub fn joined(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// Splits text into Jupyter's list-of-lines form (each line keeps its `\n`).
fn lines(s: &str) -> Value {
    Value::Array(s.split_inclusive('\n').map(|l| Value::String(l.to_string())).collect())
}

fn has_tag(cell: &Value, tag: &str) -> bool {
    cell.pointer("/metadata/tags").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == tag))
}

/// Turns a bundle into nbformat `data`: text types as lists of lines, JSON as is.
fn nb_data(data: &cloudbook_stdlib::render::MimeBundle) -> Value {
    let mut m = Map::new();
    for (k, v) in data {
        let v = match v {
            Value::String(s) if is_text_mime(k) => lines(s),
            v => v.clone(),
        };
        m.insert(k.clone(), v);
    }
    Value::Object(m)
}

/// Collects a cell's outputs in nbformat shape as they arrive.
#[derive(Default)]
struct Collector {
    outputs: Vec<Value>,
    /// display id -> indexes of outputs showing it.
    displays: Vec<(String, usize)>,
    clear_pending: bool,
}

impl Collector {
    fn push(&mut self, out: Value) {
        if self.clear_pending {
            self.outputs.clear();
            self.displays.clear();
            self.clear_pending = false;
        }
        // merge consecutive streams of the same name
        if let (Some(last), Some("stream")) = (self.outputs.last_mut(), out["output_type"].as_str())
            && last["output_type"] == "stream" && last["name"] == out["name"] {
                let text = joined(&last["text"]) + joined(&out["text"]).as_str();
                last["text"] = lines(&text);
                return;
            }
        self.outputs.push(out);
    }

    fn take(&mut self, o: Output) {
        match o {
            Output::Stream { name, text } => self.push(json!({ "output_type": "stream", "name": name.as_str(), "text": lines(&text) })),
            Output::Display { data, display_id, update: false } => {
                self.push(json!({ "output_type": "display_data", "data": nb_data(&data), "metadata": {} }));
                if let Some(id) = display_id {
                    self.displays.push((id, self.outputs.len() - 1));
                }
            }
            Output::Display { data, display_id: Some(id), update: true } => {
                for (d, i) in &self.displays {
                    if *d == id {
                        self.outputs[*i]["data"] = nb_data(&data);
                    }
                }
            }
            Output::Display { update: true, display_id: None, .. } => {}
            Output::ClearOutput { wait: true } => self.clear_pending = true,
            Output::ClearOutput { wait: false } => {
                self.outputs.clear();
                self.displays.clear();
            }
        }
    }
}

/// Runs every code cell of `nb`; returns the notebook with fresh outputs.
pub fn execute_notebook(mut nb: Value, progress: bool) -> Result<RunResult> {
    if nb.get("nbformat").and_then(Value::as_u64) != Some(4) {
        bail!("not an nbformat 4 notebook");
    }
    let Some(cells) = nb.get_mut("cells").and_then(Value::as_array_mut) else { bail!("the notebook has no `cells` list") };
    let sources: Vec<Option<(String, bool)>> = cells
        .iter()
        .map(|c| (c["cell_type"] == "code").then(|| (joined(&c["source"]), has_tag(c, "raises-exception"))))
        .collect();
    let total = sources.iter().flatten().count();
    type CellRun = (Vec<Value>, u32, Option<String>, u128);
    let (runs, world): (Vec<Option<CellRun>>, WorldInfo) = spawn_engine_thread("cloudbook-run", move || {
        let mut session = Session::new();
        let (seed, clock_start) = {
            let w = session.shared().lock();
            (w.seed(), w.now().iso())
        };
        let mut stopped = false;
        let mut n = 0;
        let runs = sources
            .into_iter()
            .map(|src| {
                let (code, may_fail) = src?;
                if stopped {
                    return None;
                }
                n += 1;
                let started = Instant::now();
                let col = Arc::new(Mutex::new(Collector::default()));
                let c2 = col.clone();
                let r = session.execute(&code, true, Box::new(move |o| c2.lock().take(o)));
                let mut col = std::mem::take(&mut *col.lock());
                for page in &r.pages {
                    col.push(json!({ "output_type": "display_data", "data": nb_data(page), "metadata": {} }));
                }
                let count = session.execution_count();
                if let Some(v) = &r.value {
                    col.push(json!({ "output_type": "execute_result", "execution_count": count, "data": nb_data(v), "metadata": {} }));
                }
                let mut err = None;
                if let Some(e) = &r.error {
                    col.push(json!({ "output_type": "error", "ename": e.ename, "evalue": e.evalue, "traceback": e.traceback }));
                    if !may_fail {
                        stopped = true;
                        err = Some(format!("{}: {}", e.ename, e.evalue));
                    }
                }
                let ms = started.elapsed().as_millis();
                if progress && ms >= 1000 {
                    eprintln!("cloudbook run: [{n}/{total}] In [{count}] took {:.1}s", ms as f64 / 1000.0);
                }
                Some((col.outputs, count, err, ms))
            })
            .collect();
        let w = session.shared().lock();
        let info = WorldInfo { seed, final_seed: w.seed(), clock_start, clock_end: w.now().iso(), checks: w.lab.checks.clone() };
        drop(w);
        (runs, info)
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the engine thread panicked"))?;

    let mut records = Vec::new();
    let mut failed = None;
    let cells = nb["cells"].as_array_mut().expect("checked above");
    for (i, (cell, run)) in cells.iter_mut().zip(runs).enumerate() {
        if cell["cell_type"] != "code" {
            continue;
        }
        let obj = cell.as_object_mut().expect("cells are objects");
        match run {
            Some((outputs, count, err, millis)) => {
                obj.insert("outputs".into(), Value::Array(outputs));
                obj.insert("execution_count".into(), count.into());
                if let (Some(e), None) = (&err, &failed) {
                    failed = Some(format!("cell {i} (In [{count}]): {e}"));
                }
                records.push(CellRecord { index: i, execution_count: count, error: err, millis });
            }
            None => {
                obj.insert("outputs".into(), Value::Array(Vec::new()));
                obj.insert("execution_count".into(), Value::Null);
            }
        }
        obj.entry("metadata").or_insert_with(|| json!({}));
    }
    stamp_metadata(&mut nb, world.seed);
    add_missing_ids(&mut nb);
    Ok(RunResult { notebook: nb, cells: records, failed, world })
}

/// Kernel and language info, and the Cloudbook version and world seed, in the notebook metadata.
fn stamp_metadata(nb: &mut Value, seed: u64) {
    let meta = nb.as_object_mut().expect("a notebook is an object").entry("metadata").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    meta["kernelspec"] = json!({ "name": crate::install::KERNEL_NAME, "display_name": "Cloudbook (Rhai)", "language": "rhai" });
    meta["language_info"] = crate::kernel::kernel_info()["language_info"].clone();
    // Merged, so `cloudbook.parameters` (see crate::params) stays.
    if !meta["cloudbook"].is_object() {
        meta["cloudbook"] = json!({});
    }
    meta["cloudbook"]["version"] = crate::VERSION.into();
    meta["cloudbook"]["seed"] = seed.into();
}

/// nbformat 4.5+ requires unique cell ids: give missing ones a stable id from the cell's
/// position (`cell-3`), or a suffixed one (`cell-3-1`) when a cell inserted before others
/// would take an id they already have.
fn add_missing_ids(nb: &mut Value) {
    if nb.get("nbformat_minor").and_then(Value::as_u64).unwrap_or(0) < 5 {
        return;
    }
    let Some(cells) = nb["cells"].as_array_mut() else { return };
    let id = |c: &Value| c.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let mut used: std::collections::BTreeSet<String> = cells.iter().filter_map(id).collect();
    for (i, c) in cells.iter_mut().enumerate() {
        if id(c).is_none() {
            let fresh = std::iter::once(format!("cell-{i}")).chain((1..).map(|n| format!("cell-{i}-{n}"))).find(|x| !used.contains(x)).expect("an unused id");
            used.insert(fresh.clone());
            c["id"] = fresh.into();
        }
    }
}

/// Sorts object keys recursively (Jupyter writes notebooks with sorted keys).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        v => v.clone(),
    }
}

/// The notebook as Jupyter writes it: sorted keys, one-space indent, a final newline.
pub fn to_ipynb_text(nb: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, serde_json::ser::PrettyFormatter::with_indent(b" "));
    sorted(nb).serialize(&mut ser).expect("JSON values always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8") + "\n"
}

/// Whether nbformat stores this MIME type as text (a list of lines).
fn is_text_mime(mime: &str) -> bool {
    mime.starts_with("text/") || mime == "image/svg+xml"
}

/// A code cell's outputs in comparable form: text joined into one string (nbformat allows a
/// string or a list of lines), execution counts left out.
fn comparable(outputs: &Value) -> Vec<Value> {
    let outs = outputs.as_array().cloned().unwrap_or_default();
    outs.into_iter()
        .map(|mut o| {
            if let Some(m) = o.as_object_mut() {
                m.remove("execution_count");
                if let Some(t) = m.get_mut("text") {
                    *t = Value::String(joined(t));
                }
                if let Some(Value::Object(data)) = m.get_mut("data") {
                    for (k, v) in data.iter_mut() {
                        if is_text_mime(k) {
                            *v = Value::String(joined(v));
                        }
                    }
                }
            }
            o
        })
        .collect()
}

/// Differences between the outputs stored in `stored` and those of `fresh`, readable.
pub fn diff_outputs(stored: &Value, fresh: &Value) -> Vec<String> {
    let empty = Vec::new();
    let a = stored["cells"].as_array().unwrap_or(&empty);
    let b = fresh["cells"].as_array().unwrap_or(&empty);
    let mut diffs = Vec::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x["cell_type"] != "code" {
            continue;
        }
        let (ox, oy) = (comparable(&x["outputs"]), comparable(&y["outputs"]));
        if ox == oy {
            continue;
        }
        let mut d = format!("cell {i} (In [{}]): outputs differ\n", y["execution_count"]);
        let src = joined(&x["source"]);
        let first = src.lines().next().unwrap_or("");
        d.push_str(&format!("  source: {first}\n"));
        let show = |o: &[Value]| o.iter().map(|v| serde_json::to_string_pretty(v).unwrap_or_default()).collect::<Vec<_>>().join("\n");
        let (sx, sy) = (show(&ox), show(&oy));
        let (lx, ly): (Vec<&str>, Vec<&str>) = (sx.lines().collect(), sy.lines().collect());
        let mut shown = 0;
        for k in 0..lx.len().max(ly.len()) {
            let (p, q) = (lx.get(k), ly.get(k));
            if p != q {
                if let Some(p) = p {
                    d.push_str(&format!("  - stored: {}\n", p.trim()));
                }
                if let Some(q) = q {
                    d.push_str(&format!("  + now:    {}\n", q.trim()));
                }
                shown += 1;
                if shown >= 8 {
                    d.push_str("  ...\n");
                    break;
                }
            }
        }
        diffs.push(d);
    }
    if a.len() != b.len() {
        diffs.push(format!("the notebook has {} cells, the run produced {}", a.len(), b.len()));
    }
    diffs
}

/// `cloudbook run`.
pub fn run_command(o: &RunOptions) -> Result<u8> {
    let text = std::fs::read_to_string(&o.notebook).with_context(|| format!("cannot read {}", o.notebook.display()))?;
    let mut stored: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", o.notebook.display()))?;
    if !o.params.is_empty() && !crate::params::inject(&mut stored, &o.params)? {
        eprintln!("cloudbook run: no cell is tagged `parameters`; the parameters go in a first cell");
    }
    let started = Instant::now();
    let run = execute_notebook(stored.clone(), true)?;
    let out_text = to_ipynb_text(&run.notebook);
    // A parameterized run never overwrites its template.
    let target = match (&o.output, o.check || !o.params.is_empty()) {
        (Some(p), _) => Some(p.as_path()),
        (None, false) => Some(o.notebook.as_path()),
        (None, true) => None,
    };
    if let Some(p) = target {
        std::fs::write(p, &out_text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let title = o.notebook.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    if let Some(h) = &o.html {
        std::fs::write(h, crate::report::html(&run.notebook, &title, &run.world)).with_context(|| format!("cannot write {}", h.display()))?;
    }
    if let Some(m) = &o.md {
        crate::report::write_markdown(&run.notebook, &title, &run.world, m)?;
    }
    eprintln!(
        "cloudbook run: {} code cells of {} in {:.2}s",
        run.cells.len(),
        o.notebook.display(),
        started.elapsed().as_secs_f64()
    );
    let mut code = 0;
    if let Some(f) = &run.failed {
        eprintln!("cloudbook run: stopped at an unexpected error in {f}");
        code = 1;
    }
    let checks = &run.world.checks;
    if !checks.is_empty() {
        let failed: Vec<&CheckResult> = run.world.failed_checks().collect();
        eprintln!("cloudbook run: lab checks: {} of {} passed", checks.len() - failed.len(), checks.len());
        for c in &failed {
            eprintln!("  {}", c.to_string().replace('\n', "\n  "));
        }
        if o.check && !failed.is_empty() {
            eprintln!("cloudbook run --check: {} lab check(s) failed in {}", failed.len(), o.notebook.display());
            code = 1;
        }
    }
    if o.check {
        let diffs = diff_outputs(&stored, &run.notebook);
        if diffs.is_empty() {
            eprintln!("cloudbook run --check: outputs match {}", o.notebook.display());
        } else {
            eprintln!("cloudbook run --check: {} cell(s) differ from {}:", diffs.len(), o.notebook.display());
            for d in diffs {
                eprint!("{d}");
            }
            code = 1;
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nb(cells: &[(&str, &str)]) -> Value {
        let cells: Vec<Value> = cells
            .iter()
            .map(|(t, src)| {
                if *t == "raises" {
                    json!({ "cell_type": "code", "source": src, "metadata": { "tags": ["raises-exception"] }, "outputs": [], "execution_count": null })
                } else if *t == "code" {
                    json!({ "cell_type": "code", "source": src, "metadata": {}, "outputs": [], "execution_count": null })
                } else {
                    json!({ "cell_type": "markdown", "source": src, "metadata": {} })
                }
            })
            .collect();
        json!({ "nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells })
    }

    #[test]
    fn runs_cells_in_one_session_with_counts_and_outputs() {
        let r = execute_notebook(nb(&[("markdown", "# T"), ("code", "let x = 2;\nprint(\"a\");\nprint(\"b\");"), ("code", "x * 21")]), false).unwrap();
        let cells = r.notebook["cells"].as_array().unwrap();
        assert_eq!(cells[1]["execution_count"], 1);
        assert_eq!(cells[1]["outputs"], json!([{ "output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"] }]));
        assert_eq!(cells[2]["outputs"][0]["data"]["text/plain"], json!(["42"]));
        assert_eq!(cells[2]["outputs"][0]["execution_count"], 2);
        assert_eq!(cells[0]["id"], "cell-0");
        assert_eq!(r.notebook["metadata"]["kernelspec"]["name"], "cloudbook");
        assert!(r.failed.is_none());
    }

    #[test]
    fn cells_inserted_without_ids_get_ids_no_other_cell_has() {
        // A cell inserted at position 1 would be `cell-1`, which the next cell already is.
        let mut n = nb(&[("code", "1"), ("code", "2"), ("code", "3")]);
        n["cells"][0]["id"] = "cell-0".into();
        n["cells"][2]["id"] = "cell-1".into();
        n["cells"][1].as_object_mut().unwrap().remove("id");
        add_missing_ids(&mut n);
        let ids: Vec<&str> = n["cells"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["cell-0", "cell-1-1", "cell-1"]);
    }

    #[test]
    fn an_unexpected_error_stops_the_run_an_expected_one_does_not() {
        let r = execute_notebook(nb(&[("raises", "nope"), ("code", "1"), ("code", "throw \"bad\""), ("code", "2")]), false).unwrap();
        let cells = r.notebook["cells"].as_array().unwrap();
        assert_eq!(cells[0]["outputs"][0]["ename"], "VariableNotFound");
        assert_eq!(cells[1]["outputs"][0]["data"]["text/plain"], json!(["1"]));
        assert_eq!(cells[2]["outputs"][0]["ename"], "RuntimeError");
        assert_eq!(cells[3]["outputs"], json!([]));
        assert_eq!(cells[3]["execution_count"], Value::Null);
        assert_eq!(r.failed.as_deref(), Some("cell 2 (In [3]): RuntimeError: bad"));
    }

    #[test]
    fn clear_and_update_display() {
        let r = execute_notebook(
            nb(&[("code", "print(\"gone\"); clear_output(); display(1, \"p\"); update_display(2, \"p\"); print(\"x\"); clear_output(true); print(\"y\")")]),
            false,
        )
        .unwrap();
        let outs = &r.notebook["cells"][0]["outputs"];
        assert_eq!(outs, &json!([{ "output_type": "stream", "name": "stdout", "text": ["y\n"] }]));
        let r = execute_notebook(nb(&[("code", "display(1, \"p\"); update_display(2, \"p\");")]), false).unwrap();
        assert_eq!(r.notebook["cells"][0]["outputs"][0]["data"]["text/plain"], json!(["2"]));
    }

    #[test]
    fn output_is_byte_identical_between_runs() {
        let book = nb(&[("code", "world::seed(7); [#{ a: 1, b: \"x\" }]"), ("code", "chart(#{ series: [#{ name: \"s\", points: [[0, 1], [1, 2]] }] })")]);
        let a = to_ipynb_text(&execute_notebook(book.clone(), false).unwrap().notebook);
        let b = to_ipynb_text(&execute_notebook(book, false).unwrap().notebook);
        assert_eq!(a, b);
        assert!(a.contains("\n \"cells\": ["), "one-space indent");
        assert!(a.ends_with("}\n"));
    }

    #[test]
    fn check_reports_changed_outputs() {
        let ran = execute_notebook(nb(&[("code", "1 + 1"), ("code", "print(\"same\")")]), false).unwrap().notebook;
        assert!(diff_outputs(&ran, &ran).is_empty());
        // re-serialized with text as one string instead of lines is still equal
        let mut joined_form = ran.clone();
        joined_form["cells"][1]["outputs"][0]["text"] = json!("same\n");
        assert!(diff_outputs(&joined_form, &ran).is_empty());
        let mut edited = ran.clone();
        edited["cells"][0]["outputs"][0]["data"]["text/plain"] = json!(["3"]);
        let d = diff_outputs(&edited, &ran);
        assert_eq!(d.len(), 1);
        assert!(d[0].starts_with("cell 0 (In [1]): outputs differ\n  source: 1 + 1\n"), "{}", d[0]);
        assert!(d[0].contains("  - stored: \"text/plain\": \"3\"\n  + now:    \"text/plain\": \"2\"\n"), "{}", d[0]);
    }

    #[test]
    fn lab_checks_clock_and_seed_are_reported_and_survive_world_reset() {
        let r = execute_notebook(
            nb(&[
                ("code", "lab::check(\"before\", true); clock::advance(\"1h\");"),
                ("code", "world::reset(); world::seed(9); lab::expect_eq(\"after\", 1, 2, \"hint\")"),
            ]),
            false,
        )
        .unwrap();
        let w = &r.world;
        assert_eq!((w.seed, w.final_seed), (1, 9));
        assert_eq!((w.clock_start.as_str(), w.clock_end.as_str()), ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), "reset restarts the clock");
        let names: Vec<(&str, bool)> = w.checks.iter().map(|c| (c.name.as_str(), c.passed)).collect();
        assert_eq!(names, [("before", true), ("after", false)]);
        assert_eq!(w.failed_checks().next().unwrap().hint.as_deref(), Some("hint"));
        assert_eq!(r.notebook["metadata"]["cloudbook"]["seed"], 1);
    }

    #[test]
    fn rejects_non_notebooks() {
        assert!(execute_notebook(json!({ "nbformat": 3 }), false).is_err());
        assert!(execute_notebook(json!({ "nbformat": 4 }), false).is_err());
    }
}
