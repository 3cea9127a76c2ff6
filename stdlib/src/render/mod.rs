//! Rich values and their MIME renderings: what a notebook shows for a script value.
//!
//! [`bundle`] turns any value into a MIME bundle (`mime type -> data`, the shape of Jupyter's
//! `display_data`):
//! - always `text/plain`;
//! - a [`Table`], or an array of maps (the convention for tabular results: a resolution walk,
//!   a timeline, an access matrix), adds `text/html` (a table) and the text is a comfy-table grid;
//! - maps and other arrays add `application/json` (blobs as base64, as the AWS CLI prints them)
//!   and show pretty JSON as text;
//! - a [`Chart`] gives `image/svg+xml` plus a one-line text summary.
//!
//! Script functions ([`register`]): `table(rows)`, `table(rows, columns)`, `chart(spec)` and
//! `chart(rows, x_key, y_keys)`. `display(x)` belongs to the kernel's session (it needs the
//! cell's output sink); it calls [`bundle`] too. Everything here is deterministic: no ids, no
//! clocks, fixed float formatting.

mod chart;
mod table;

use std::collections::BTreeMap;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, Map, NativeCallContext, Position};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use chart::SIZE as CHART_SIZE;
pub use table::{Cell, CellStyle, Table, escape_html};

use crate::script::{DocMode, Shared};
use crate::script::convert::dynamic_to_json;

/// A time-series or x/y chart. Services build these (e.g. an EBS simulation's timeline);
/// the kernel renders them as SVG.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Label of the secondary (right) y axis, used by series with `right_axis`.
    pub y2_label: Option<String>,
    pub series: Vec<Series>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Draw as steps (values hold until the next point) instead of straight segments.
    pub step: bool,
    /// Plot against the secondary y axis.
    pub right_axis: bool,
}

/// MIME type -> data, sorted by type (the order outputs are written in).
pub type MimeBundle = BTreeMap<String, Value>;

/// The MIME bundle for a value (see the module docs). `()` gives an empty bundle: nothing to show.
pub fn bundle(v: &Dynamic) -> MimeBundle {
    let mut b = MimeBundle::new();
    if v.is_unit() {
        return b;
    }
    if let Some(c) = v.read_lock::<Chart>() {
        match c.to_svg() {
            Ok(svg) => {
                b.insert("image/svg+xml".into(), Value::String(svg));
            }
            Err(e) => {
                b.insert("text/plain".into(), Value::String(e));
                return b;
            }
        }
        let title = if c.title.is_empty() { "chart".to_string() } else { format!("chart: {}", c.title) };
        b.insert("text/plain".into(), Value::String(format!("[{title} ({} series, {} points)]", c.series.len(), c.point_count())));
        return b;
    }
    if let Some(t) = v.read_lock::<Table>() {
        b.insert("text/plain".into(), t.to_text().into());
        b.insert("text/html".into(), t.to_html().into());
        return b;
    }
    if let Some(c) = v.read_lock::<crate::lab::CheckResult>() {
        b.insert("text/plain".into(), c.to_string().into());
        b.insert("text/html".into(), lab_check_html(&c).into());
        return b;
    }
    if Table::is_tabular(v) {
        if let Some(rows) = v.read_lock::<Array>()
            && let Ok(t) = Table::from_rows(&rows, None) {
                b.insert("text/plain".into(), t.to_text().into());
                b.insert("text/html".into(), t.to_html().into());
            }
        b.insert("application/json".into(), dynamic_to_json(v));
        return b;
    }
    if v.is_map() || v.is_array() {
        let j = dynamic_to_json(v);
        b.insert("text/plain".into(), serde_json::to_string_pretty(&j).unwrap_or_default().into());
        b.insert("application/json".into(), j);
        return b;
    }
    b.insert("text/plain".into(), plain_text(v).into());
    b
}

/// A lab check as a coloured line: PASS in green, FAIL in red with what was seen and the hint.
fn lab_check_html(c: &crate::lab::CheckResult) -> String {
    let (label, css) = if c.passed { ("PASS", "background:#e6f4ea;color:#137333") } else { ("FAIL", "background:#fce8e6;color:#a50e0e") };
    let mut h = format!(
        "<div class=\"cloudbook-check\"><span style=\"{css};font-weight:bold;padding:0 0.4em\">{label}</span> {}",
        table::escape_html(&c.name)
    );
    if !c.passed {
        if let Some(d) = &c.detail {
            h.push_str(&format!(": {}", table::escape_html(d)));
        }
        if let Some(hint) = &c.hint {
            h.push_str(&format!("<br><i>hint: {}</i>", table::escape_html(hint)));
        }
    }
    h.push_str("</div>");
    h
}

/// The plain text for a scalar: strings as they are, blobs as base64, timestamps as ISO-8601.
pub fn plain_text(v: &Dynamic) -> String {
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return s.to_string();
    }
    if (v.is_blob() || v.is::<crate::world::Timestamp>())
        && let Value::String(s) = dynamic_to_json(v) {
            return s;
        }
    v.to_string()
}

fn err(msg: impl Into<String>, pos: Position) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(msg.into().into(), pos))
}

fn strings(a: &Array, what: &str, pos: Position) -> Result<Vec<String>, Box<EvalAltResult>> {
    a.iter().map(|c| c.clone().into_string().map_err(|t| err(format!("{what} must be strings, found a {t}"), pos))).collect()
}

fn number(v: &Dynamic) -> Option<f64> {
    v.as_float().ok().or_else(|| v.as_int().ok().map(|i| i as f64))
}

fn flag(m: &Map, k: &str, pos: Position) -> Result<bool, Box<EvalAltResult>> {
    match m.get(k) {
        None => Ok(false),
        Some(v) => v.as_bool().map_err(|t| err(format!("chart: `{k}` must be true or false, found a {t}"), pos)),
    }
}

fn text(m: &Map, k: &str) -> String {
    m.get(k).map(plain_text).unwrap_or_default()
}

/// `chart(#{ title, x_label, y_label, y2_label, series: [#{ name, points: [[x, y], ...], step, right_axis }] })`
fn chart_from_spec(spec: &Map, pos: Position) -> Result<Chart, Box<EvalAltResult>> {
    const KEYS: [&str; 5] = ["title", "x_label", "y_label", "y2_label", "series"];
    if let Some(k) = spec.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(err(format!("chart: unknown key `{k}` (known: {})", KEYS.join(", ")), pos));
    }
    let series = match spec.get("series") {
        None => Array::new(),
        Some(s) => s.read_lock::<Array>().map(|a| a.clone()).ok_or_else(|| err("chart: `series` must be an array of maps", pos))?,
    };
    let series = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let m = s.read_lock::<Map>().ok_or_else(|| err(format!("chart: series {i} must be a map"), pos))?;
            let points = m.get("points").and_then(|p| p.read_lock::<Array>().map(|a| a.clone())).unwrap_or_default();
            let points = points
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    let pair = p.read_lock::<Array>().filter(|a| a.len() == 2).and_then(|a| Some((number(&a[0])?, number(&a[1])?)));
                    pair.ok_or_else(|| err(format!("chart: series {i} point {j} must be [x, y] with two numbers"), pos))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Series { name: text(&m, "name"), points, step: flag(&m, "step", pos)?, right_axis: flag(&m, "right_axis", pos)? })
        })
        .collect::<Result<Vec<_>, Box<EvalAltResult>>>()?;
    Ok(Chart {
        title: text(spec, "title"),
        x_label: text(spec, "x_label"),
        y_label: text(spec, "y_label"),
        y2_label: spec.get("y2_label").map(plain_text),
        series,
    })
}

/// `chart(rows, x_key, y_keys)`: one series per y key, read from an array of maps.
fn chart_from_rows(rows: &Array, x_key: &str, y_keys: &[String], pos: Position) -> Result<Chart, Box<EvalAltResult>> {
    let mut series: Vec<Series> = y_keys.iter().map(|k| Series { name: k.clone(), ..Default::default() }).collect();
    for (i, r) in rows.iter().enumerate() {
        let m = r.read_lock::<Map>().ok_or_else(|| err(format!("chart: row {i} is a {}, not a map", r.type_name()), pos))?;
        let x = m.get(x_key).and_then(number).ok_or_else(|| err(format!("chart: row {i} has no number `{x_key}`"), pos))?;
        for s in &mut series {
            if let Some(y) = m.get(s.name.as_str()).and_then(number) {
                s.points.push((x, y));
            }
        }
    }
    Ok(Chart { title: String::new(), x_label: x_key.to_string(), y_label: y_keys.join(", "), y2_label: None, series })
}

/// Installs `table`, `chart` and the `Table` / `Chart` types.
pub fn register(engine: &mut Engine, _shared: &Shared, docs: DocMode) {
    engine
        .register_type_with_name::<Table>("Table")
        .register_get_set("title", |t: &mut Table| t.title.clone().unwrap_or_default(), |t: &mut Table, s: String| t.title = Some(s))
        .register_get("columns", |t: &mut Table| t.columns.iter().map(|c| Dynamic::from(c.clone())).collect::<Array>())
        .register_fn("len", |t: &mut Table| t.rows.len() as i64)
        .register_fn("rows", |t: &mut Table| t.rows_array())
        .register_indexer_get(|ctx: NativeCallContext, t: &mut Table, i: i64| -> Result<Dynamic, Box<EvalAltResult>> {
            let n = t.source.len() as i64;
            let k = if i < 0 { n + i } else { i };
            t.source
                .get(usize::try_from(k).unwrap_or(usize::MAX))
                .map(|m| Dynamic::from_map(m.clone()))
                .ok_or_else(|| Box::new(EvalAltResult::ErrorIndexNotFound(i.into(), ctx.call_position())))
        })
        .register_iterator::<Table>()
        .register_fn("filter", |ctx: NativeCallContext, t: &mut Table, f: rhai::FnPtr| -> Result<Table, Box<EvalAltResult>> {
            // Keeps the rows `f` accepts, with their styles; the result is still a table.
            let mut out = Table { title: t.title.clone(), columns: t.columns.clone(), rows: vec![], source: vec![] };
            for (row, src) in t.rows.iter().zip(&t.source) {
                if f.call_within_context::<bool>(&ctx, (Dynamic::from_map(src.clone()),))? {
                    out.rows.push(row.clone());
                    out.source.push(src.clone());
                }
            }
            Ok(out)
        })
        .register_fn("map", |ctx: NativeCallContext, t: &mut Table, f: rhai::FnPtr| -> Result<Array, Box<EvalAltResult>> {
            t.source.iter().map(|m| f.call_within_context::<Dynamic>(&ctx, (Dynamic::from_map(m.clone()),))).collect()
        })
        .register_fn("to_string", |t: &mut Table| t.to_text())
        .register_fn("to_debug", |t: &mut Table| t.to_text());
    engine
        .register_type_with_name::<Chart>("Chart")
        .register_get_set("title", |c: &mut Chart| c.title.clone(), |c: &mut Chart, s: String| c.title = s)
        .register_fn("to_string", |c: &mut Chart| format!("[chart: {} ({} series)]", c.title, c.series.len()))
        .register_fn("to_debug", |c: &mut Chart| format!("[chart: {} ({} series)]", c.title, c.series.len()))
        .register_fn("to_svg", |ctx: NativeCallContext, c: &mut Chart| c.to_svg().map_err(|e| err(e, ctx.call_position())));

    docs.describe(FuncRegistration::new("table"), "A table from an array of maps: one row per map, one column per key (all keys, in first-seen order). A cell given as `#{ value, style }` with style `\"good\"`, `\"bad\"` or `\"warn\"` is highlighted. Set `.title` for a caption. Arrays of maps shown as a cell's value already render as tables; use this to pick columns or add a title.\n```rhai\nlet t = table([#{ user: \"alice\", allowed: true }, #{ user: \"bob\", allowed: false }]);\nt.title = \"Who can decrypt\";\nt\n```", &["rows: Array", "Table"])
        .with_volatility(true)
        .register_into_engine(engine, |ctx: NativeCallContext, rows: Array| Table::from_rows(&rows, None).map_err(|e| err(e, ctx.call_position())));
    docs.describe(FuncRegistration::new("table"), "A table from an array of maps with the given columns, in that order (keys not listed are left out).\n```rhai\ntable(world::trail(), [\"eventName\", \"errorCode\"])\n```", &["rows: Array", "columns: Array", "Table"])
        .with_volatility(true)
        .register_into_engine(engine, |ctx: NativeCallContext, rows: Array, columns: Array| {
            let cols = strings(&columns, "table: columns", ctx.call_position())?;
            Table::from_rows(&rows, Some(cols)).map_err(|e| err(e, ctx.call_position()))
        });
    docs.describe(FuncRegistration::new("chart"), "A line chart (rendered as SVG) from a spec: `#{ title, x_label, y_label, y2_label, series: [#{ name, points: [[x, y], ...], step, right_axis }] }`. `step: true` holds each value until the next point; `right_axis: true` plots against the secondary axis labelled `y2_label`.\n```rhai\nchart(#{ title: \"Balance\", x_label: \"s\", y_label: \"credits\", series: [#{ name: \"gp2\", points: [[0, 5.4e6], [600, 3.6e6]] }] })\n```", &["spec: Map", "Chart"])
        .with_volatility(true)
        .register_into_engine(engine, |ctx: NativeCallContext, spec: Map| chart_from_spec(&spec, ctx.call_position()));
    docs.describe(FuncRegistration::new("chart"), "A line chart from an array of maps: x from `x_key`, one series per key in `y_keys`.\n```rhai\nlet rows = [#{ t: 0, iops: 3000 }, #{ t: 60, iops: 100 }];\nchart(rows, \"t\", [\"iops\"])\n```", &["rows: Array", "x_key: &str", "y_keys: Array", "Chart"])
        .with_volatility(true)
        .register_into_engine(engine, |ctx: NativeCallContext, rows: Array, x_key: &str, y_keys: Array| {
            let keys = strings(&y_keys, "chart: y_keys", ctx.call_position())?;
            chart_from_rows(&rows, x_key, &keys, ctx.call_position())
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let mut e = Engine::new();
        register(&mut e, &crate::new_shared(crate::World::default()), DocMode::Attach);
        e
    }

    #[test]
    fn scalars_are_plain_text_only() {
        assert_eq!(bundle(&Dynamic::from(42_i64)), MimeBundle::from([("text/plain".into(), "42".into())]));
        assert_eq!(bundle(&Dynamic::from("hi")), MimeBundle::from([("text/plain".into(), "hi".into())]));
        assert!(bundle(&Dynamic::UNIT).is_empty());
        let blob = Dynamic::from_blob(b"hi".to_vec());
        assert_eq!(bundle(&blob)["text/plain"], "aGk=");
    }

    #[test]
    fn maps_are_json_with_pretty_text() {
        let v = engine().eval::<Dynamic>(r#"#{ b: [1, 2], a: "x" }"#).unwrap();
        let b = bundle(&v);
        assert_eq!(b["application/json"], serde_json::json!({ "a": "x", "b": [1, 2] }));
        assert_eq!(b["text/plain"], "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}");
        assert!(!b.contains_key("text/html"));
    }

    #[test]
    fn arrays_of_maps_are_tables() {
        let v = engine().eval::<Dynamic>(r#"[#{ name: "a", n: 1 }, #{ name: "b", n: 2 }]"#).unwrap();
        let b = bundle(&v);
        assert!(b["text/html"].as_str().unwrap().starts_with("<table"));
        assert!(b["text/plain"].as_str().unwrap().contains("│ 1 ┆ a    │"));
        assert_eq!(b["application/json"][1]["name"], "b");
        // an array with a non-map is plain JSON
        let v = engine().eval::<Dynamic>(r#"[#{ name: "a" }, 3]"#).unwrap();
        assert!(!bundle(&v).contains_key("text/html"));
    }

    #[test]
    fn table_function_picks_columns_and_title() {
        let v = engine().eval::<Dynamic>(r#"let t = table([#{ a: 1, b: 2 }], ["b"]); t.title = "T"; t"#).unwrap();
        let t = v.read_lock::<Table>().unwrap();
        assert_eq!((t.title.as_deref(), t.columns.clone()), (Some("T"), vec!["b".to_string()]));
        let e = engine().eval::<Dynamic>("table([1])").unwrap_err();
        assert!(e.to_string().contains("table: row 0 is a i64, not a map"), "{e}");
    }

    #[test]
    fn chart_from_spec_and_rows() {
        let e = engine();
        let c = e
            .eval::<Chart>(r#"chart(#{ title: "T", x_label: "s", y_label: "v", series: [#{ name: "a", points: [[0, 1], [1.5, 2]], step: true }] })"#)
            .unwrap();
        assert_eq!(c.series[0].points, vec![(0.0, 1.0), (1.5, 2.0)]);
        assert!(c.series[0].step && !c.series[0].right_axis);
        let c = e.eval::<Chart>(r#"chart([#{ t: 0, a: 1, b: 5 }, #{ t: 60, a: 2 }], "t", ["a", "b"])"#).unwrap();
        assert_eq!(c.series[0].points, vec![(0.0, 1.0), (60.0, 2.0)]);
        assert_eq!(c.series[1].points, vec![(0.0, 5.0)]);
        let b = bundle(&Dynamic::from(c));
        assert!(b["image/svg+xml"].as_str().unwrap().starts_with("<svg"));
        assert_eq!(b["text/plain"], "[chart (2 series, 3 points)]");
    }

    #[test]
    fn chart_rejects_bad_specs() {
        let e = engine();
        let msg = |s: &str| e.eval::<Dynamic>(s).unwrap_err().to_string();
        assert!(msg(r#"chart(#{ titel: "x" })"#).contains("unknown key `titel`"));
        assert!(msg(r#"chart(#{ series: [#{ points: [[1]] }] })"#).contains("series 0 point 0 must be [x, y]"));
        assert!(msg(r#"chart([#{ y: 1 }], "t", ["y"])"#).contains("row 0 has no number `t`"));
        assert!(msg(r#"chart(#{ series: [#{ step: 1 }] })"#).contains("`step` must be true or false"));
    }
}
