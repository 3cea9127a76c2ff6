//! Reports of a notebook run.
//!
//! HTML ([`html`]): one self-contained page: inline CSS, charts as inline SVG, markdown cells
//! rendered with pulldown-cmark (headings get ids, and the page starts with a table of contents
//! of the level 1-3 headings), a header with the Cloudbook version, the world's seed, the
//! simulated clock at start and end, the parameters, and the lab checks' result. Nothing is
//! fetched from the network.
//!
//! Markdown ([`markdown`]): markdown cells as they are, code in ```` ```rhai ```` fences,
//! text outputs (streams, results, tables' text form, errors) in plain fences. Charts are
//! written as SVG files beside the report, in `REPORT_files/` (nbconvert's convention), and
//! linked as images: data URIs would keep one file but GitHub and most viewers do not show
//! them.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use cloudbook_stdlib::render::escape_html;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::notebook::{WorldInfo, joined};

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}\
pre{margin:0;padding:.6em .8em;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap}\
.cell{margin:1em 0}.in{display:flex;gap:.5em}.prompt{min-width:4.5em;color:#6e7781;font:12px ui-monospace,monospace;padding-top:.7em;text-align:right}\
.src{flex:1;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px}.out{margin-left:5em}.out>*{margin:.3em 0}\
.stderr{background:#fff0f0}.error{background:#fff0f0;color:#a40e26;border-left:3px solid #cf222e}\
table.cloudbook-table{border-collapse:collapse;font-size:13px}table.cloudbook-table td,table.cloudbook-table th{border:1px solid #d0d7de;padding:.25em .6em}\
table.cloudbook-table th{background:#f6f8fa}.md h1,.md h2{border-bottom:1px solid #d8dee4;padding-bottom:.2em}svg{max-width:100%;height:auto}\
header.run{font-size:13px;color:#57606a;border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em}header.run dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0}\
header.run dt{font-weight:600}header.run dd{margin:0}.pass{color:#116329}.fail{color:#a40e26}nav.toc{font-size:14px}nav.toc ul{margin:.2em 0}";

/// Renders one output.
fn output_html(o: &Value, out: &mut String) {
    match o["output_type"].as_str().unwrap_or("") {
        "stream" => {
            let class = if o["name"] == "stderr" { "stream stderr" } else { "stream" };
            let _ = write!(out, "<pre class=\"{class}\">{}</pre>", escape_html(&joined(&o["text"])));
        }
        "error" => {
            let tb: Vec<&str> = o["traceback"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let _ = write!(out, "<pre class=\"error\">{}</pre>", escape_html(&strip_ansi(&tb.join("\n"))));
        }
        "display_data" | "execute_result" => {
            let data = &o["data"];
            if let Some(svg) = data.get("image/svg+xml") {
                let _ = write!(out, "<div class=\"svg\">{}</div>", joined(svg));
            } else if let Some(h) = data.get("text/html") {
                let _ = write!(out, "<div class=\"html\">{}</div>", joined(h));
            } else if let Some(t) = data.get("text/plain") {
                let _ = write!(out, "<pre class=\"text\">{}</pre>", escape_html(&joined(t)));
            }
        }
        _ => {}
    }
}

/// Removes ANSI colour escapes (other kernels' tracebacks carry them).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Lowercase words joined by `-` (GitHub's heading anchors, roughly).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Renders a markdown cell, giving headings unique ids; appends (level, id, text) to `toc`.
fn markdown_html(src: &str, toc: &mut Vec<(u8, String, String)>) -> String {
    let mut events: Vec<Event> = Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, .. }) = &events[i] {
            let level = *level as u8;
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slug(&text);
            let base = if base.is_empty() { "section".to_string() } else { base };
            let mut id = base.clone();
            let mut n = 1;
            while toc.iter().any(|(_, x, _)| *x == id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(id.clone().into());
            }
            toc.push((level, id, text));
            i = j;
        }
        i += 1;
    }
    let mut h = String::new();
    pulldown_cmark::html::push_html(&mut h, events.into_iter());
    h
}

/// The run's facts: version, seed, clock, parameters, lab result.
fn header_html(nb: &Value, world: &WorldInfo) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let version = nb.pointer("/metadata/cloudbook/version").and_then(Value::as_str).unwrap_or(crate::VERSION);
    rows.push(("Cloudbook", escape_html(version)));
    let seed = if world.final_seed == world.seed {
        world.seed.to_string()
    } else {
        format!("{} (re-seeded to {} by the notebook)", world.seed, world.final_seed)
    };
    rows.push(("World seed", seed));
    rows.push(("Simulated clock", format!("{} → {}", escape_html(&world.clock_start), escape_html(&world.clock_end))));
    if let Some(Value::Object(p)) = nb.pointer("/metadata/cloudbook/parameters") {
        let list: Vec<String> = p.iter().map(|(k, v)| format!("<code>{}</code> = <code>{}</code>", escape_html(k), escape_html(&v.to_string()))).collect();
        rows.push(("Parameters", list.join(", ")));
    }
    if !world.checks.is_empty() {
        let failed: Vec<String> = world.failed_checks().map(|c| escape_html(&c.name)).collect();
        let passed = world.checks.len() - failed.len();
        let line = if failed.is_empty() {
            format!("<span class=\"pass\">all {passed} passed</span>")
        } else {
            format!("<span class=\"fail\">{passed} of {} passed; failed: {}</span>", world.checks.len(), failed.join("; "))
        };
        rows.push(("Lab checks", line));
    }
    let mut h = String::from("<header class=\"run\"><dl>");
    for (k, v) in rows {
        let _ = write!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl></header>\n");
    h
}

/// The report for a notebook (with outputs) and the world it ran in.
pub fn html(nb: &Value, title: &str, world: &WorldInfo) -> String {
    let mut body = String::new();
    let mut toc = Vec::new();
    for cell in nb["cells"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let src = joined(&cell["source"]);
        match cell["cell_type"].as_str().unwrap_or("") {
            "markdown" => {
                let _ = writeln!(body, "<div class=\"cell md\">{}</div>", markdown_html(&src, &mut toc));
            }
            "code" => {
                let prompt = match cell["execution_count"].as_u64() {
                    Some(n) => format!("In [{n}]:"),
                    None => "In [ ]:".into(),
                };
                let _ = write!(body, "<div class=\"cell code\"><div class=\"in\"><div class=\"prompt\">{prompt}</div><pre class=\"src\">{}</pre></div><div class=\"out\">", escape_html(&src));
                for o in cell["outputs"].as_array().map(Vec::as_slice).unwrap_or_default() {
                    output_html(o, &mut body);
                }
                body.push_str("</div></div>\n");
            }
            _ => {}
        }
    }
    let mut nav = String::new();
    let shown: Vec<_> = toc.iter().filter(|(l, _, _)| *l <= 3).collect();
    if shown.len() >= 2 {
        nav.push_str("<nav class=\"toc\"><strong>Contents</strong><ul>");
        for (level, id, text) in shown {
            let _ = write!(nav, "<li style=\"margin-left:{}em\"><a href=\"#{id}\">{}</a></li>", level - 1, escape_html(text));
        }
        nav.push_str("</ul></nav>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{CSS}</style></head><body>\n{head}{nav}{body}</body></html>\n",
        t = escape_html(title),
        head = header_html(nb, world),
    )
}

/// A fence that the text cannot close.
fn fenced(info: &str, text: &str) -> String {
    let mut fence = "```".to_string();
    while text.contains(&fence) {
        fence.push('`');
    }
    let nl = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}\n{text}{nl}{fence}\n")
}

/// The Markdown report and the SVG files it links (relative name, content).
pub fn markdown(nb: &Value, title: &str, world: &WorldInfo, files_dir: &str) -> (String, Vec<(String, String)>) {
    let mut md = String::new();
    let mut files = Vec::new();
    let version = nb.pointer("/metadata/cloudbook/version").and_then(Value::as_str).unwrap_or(crate::VERSION);
    let mut facts = vec![format!("Cloudbook {version}"), format!("world seed {}", world.seed)];
    if world.final_seed != world.seed {
        facts.push(format!("re-seeded to {}", world.final_seed));
    }
    facts.push(format!("simulated clock {} → {}", world.clock_start, world.clock_end));
    if let Some(Value::Object(p)) = nb.pointer("/metadata/cloudbook/parameters") {
        let list: Vec<String> = p.iter().map(|(k, v)| format!("`{k} = {v}`")).collect();
        facts.push(format!("parameters {}", list.join(", ")));
    }
    if !world.checks.is_empty() {
        let failed: Vec<String> = world.failed_checks().map(|c| c.name.clone()).collect();
        let n = world.checks.len();
        facts.push(if failed.is_empty() {
            format!("lab checks: all {n} passed")
        } else {
            format!("lab checks: {} of {n} passed, failed: {}", n - failed.len(), failed.join("; "))
        });
    }
    let _ = writeln!(md, "> {title}: {}", facts.join(" · "));
    for (i, cell) in nb["cells"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let src = joined(&cell["source"]);
        match cell["cell_type"].as_str().unwrap_or("") {
            "markdown" => {
                let _ = write!(md, "\n{}\n", src.trim_end());
            }
            "code" => {
                let _ = write!(md, "\n{}", fenced("rhai", &src));
                for (k, o) in cell["outputs"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                    let text = match o["output_type"].as_str().unwrap_or("") {
                        "stream" => Some(joined(&o["text"])),
                        "error" => {
                            let tb: Vec<&str> = o["traceback"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
                            Some(strip_ansi(&tb.join("\n")))
                        }
                        "display_data" | "execute_result" => {
                            if let Some(svg) = o["data"].get("image/svg+xml") {
                                let name = format!("{files_dir}/cell{i}-{k}.svg");
                                let _ = write!(md, "\n![chart]({})\n", name.replace(' ', "%20"));
                                files.push((name, joined(svg)));
                                None
                            } else {
                                o["data"].get("text/plain").map(joined)
                            }
                        }
                        _ => None,
                    };
                    if let Some(t) = text {
                        let _ = write!(md, "\n{}", fenced("", &t));
                    }
                }
            }
            _ => {}
        }
    }
    (md, files)
}

/// Writes the Markdown report at `path` and its charts in `STEM_files/` beside it.
pub fn write_markdown(nb: &Value, title: &str, world: &WorldInfo, path: &Path) -> Result<()> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "report".into());
    let dir_name = format!("{stem}_files");
    let (md, files) = markdown(nb, title, world, &dir_name);
    std::fs::write(path, md).with_context(|| format!("cannot write {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(""));
    if !files.is_empty() {
        let dir = base.join(&dir_name);
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (name, svg) in files {
        let p = base.join(&name);
        std::fs::write(&p, svg).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_markdown_code_outputs_and_escapes() {
        let nb = json!({ "metadata": { "cloudbook": { "version": "9.9", "seed": 3 } }, "cells": [
            { "cell_type": "markdown", "source": ["# Tour\n", "*hi*"] },
            { "cell_type": "code", "execution_count": 2, "source": "x < 1", "outputs": [
                { "output_type": "stream", "name": "stderr", "text": ["<warn>\n"] },
                { "output_type": "execute_result", "data": { "text/plain": ["p"], "image/svg+xml": ["<svg>", "</svg>"] } },
                { "output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\u{1b}[31mE: v\u{1b}[0m"] }
            ] }
        ] });
        let h = html(&nb, "tour <1>", &WorldInfo { seed: 3, final_seed: 3, ..Default::default() });
        assert!(h.contains("<title>tour &lt;1&gt;</title>"));
        assert!(h.contains("<h1 id=\"tour\">Tour</h1>") && h.contains("<em>hi</em>"));
        assert!(h.contains("In [2]:") && h.contains("<pre class=\"src\">x &lt; 1</pre>"));
        assert!(h.contains("<pre class=\"stream stderr\">&lt;warn&gt;\n</pre>"));
        assert!(h.contains("<div class=\"svg\"><svg></svg></div>"), "SVG preferred over text");
        assert!(h.contains("<pre class=\"error\">E: v</pre>"));
        assert!(h.contains("<dt>Cloudbook</dt><dd>9.9</dd><dt>World seed</dt><dd>3</dd>"), "{h}");
        assert!(!h.contains("http://") && !h.contains("https://"), "self-contained");
    }

    fn world() -> WorldInfo {
        WorldInfo {
            seed: 7,
            final_seed: 42,
            clock_start: "2026-01-01T00:00:00Z".into(),
            clock_end: "2026-01-02T00:00:00Z".into(),
            checks: vec![
                cloudbook_stdlib::lab::CheckResult { name: "a".into(), passed: true, hint: None, detail: None },
                cloudbook_stdlib::lab::CheckResult { name: "b <x>".into(), passed: false, hint: Some("h".into()), detail: None },
            ],
        }
    }

    #[test]
    fn header_has_seed_clock_parameters_checks_and_a_toc() {
        let nb = json!({ "metadata": { "cloudbook": { "version": "1.2", "seed": 7, "parameters": { "size": 500, "kind": "gp3" } } }, "cells": [
            { "cell_type": "markdown", "source": "# Sizing `gp3`\n\ntext\n\n## Step one\n" },
            { "cell_type": "markdown", "source": "## Step one\n#### deep" },
        ] });
        let h = html(&nb, "t", &world());
        assert!(h.contains("<dt>World seed</dt><dd>7 (re-seeded to 42 by the notebook)</dd>"), "{h}");
        assert!(h.contains("<dd>2026-01-01T00:00:00Z → 2026-01-02T00:00:00Z</dd>"));
        assert!(h.contains("<code>size</code> = <code>500</code>, <code>kind</code> = <code>&quot;gp3&quot;</code>"), "{h}");
        assert!(h.contains("<span class=\"fail\">1 of 2 passed; failed: b &lt;x&gt;</span>"), "{h}");
        assert!(h.contains("<h1 id=\"sizing-gp3\">Sizing <code>gp3</code></h1>"), "{h}");
        assert!(h.contains("<h2 id=\"step-one\">") && h.contains("<h2 id=\"step-one-1\">"), "unique ids: {h}");
        assert!(h.contains("<a href=\"#sizing-gp3\">Sizing gp3</a>") && h.contains("<a href=\"#step-one-1\">"), "{h}");
        assert!(!h.contains("href=\"#deep\""), "level 4 stays out of the contents");
    }

    #[test]
    fn markdown_export_fences_outputs_and_links_charts() {
        let nb = json!({ "metadata": { "cloudbook": { "version": "1.2" } }, "cells": [
            { "cell_type": "markdown", "source": ["# T\n", "para"] },
            { "cell_type": "code", "execution_count": 1, "source": "let s = \"```\";\ns", "outputs": [
                { "output_type": "stream", "name": "stdout", "text": ["hi\n"] },
                { "output_type": "execute_result", "data": { "text/plain": ["```"] } },
                { "output_type": "display_data", "data": { "text/plain": ["[chart]"], "image/svg+xml": ["<svg/>"] } },
                { "output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\u{1b}[31mE: v\u{1b}[0m"] }
            ] }
        ] });
        let (md, files) = markdown(&nb, "r", &world(), "r_files");
        let expected = "> r: Cloudbook 1.2 · world seed 7 · re-seeded to 42 · simulated clock 2026-01-01T00:00:00Z → 2026-01-02T00:00:00Z · lab checks: 1 of 2 passed, failed: b <x>\n\
            \n# T\npara\n\
            \n````rhai\nlet s = \"```\";\ns\n````\n\
            \n```\nhi\n```\n\
            \n````\n```\n````\n\
            \n![chart](r_files/cell1-2.svg)\n\
            \n```\nE: v\n```\n";
        assert_eq!(md, expected);
        assert_eq!(files, [("r_files/cell1-2.svg".to_string(), "<svg/>".to_string())]);
    }
}
