//! A notebook as one self-contained HTML page: inline CSS, charts as inline SVG, markdown cells
//! rendered with pulldown-cmark. Nothing is fetched from the network.

use std::fmt::Write as _;

use cloudbook_stdlib::render::escape_html;
use serde_json::Value;

use crate::notebook::joined;

const CSS: &str = "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}\
pre{margin:0;padding:.6em .8em;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap}\
.cell{margin:1em 0}.in{display:flex;gap:.5em}.prompt{min-width:4.5em;color:#6e7781;font:12px ui-monospace,monospace;padding-top:.7em;text-align:right}\
.src{flex:1;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px}.out{margin-left:5em}.out>*{margin:.3em 0}\
.stderr{background:#fff0f0}.error{background:#fff0f0;color:#a40e26;border-left:3px solid #cf222e}\
table.cloudbook-table{border-collapse:collapse;font-size:13px}table.cloudbook-table td,table.cloudbook-table th{border:1px solid #d0d7de;padding:.25em .6em}\
table.cloudbook-table th{background:#f6f8fa}.md h1,.md h2{border-bottom:1px solid #d8dee4;padding-bottom:.2em}svg{max-width:100%;height:auto}";

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

/// The report for a notebook (with outputs).
pub fn html(nb: &Value, title: &str) -> String {
    let mut body = String::new();
    for cell in nb["cells"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let src = joined(&cell["source"]);
        match cell["cell_type"].as_str().unwrap_or("") {
            "markdown" => {
                let mut h = String::new();
                let opts = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
                pulldown_cmark::html::push_html(&mut h, pulldown_cmark::Parser::new_ext(&src, opts));
                let _ = writeln!(body, "<div class=\"cell md\">{h}</div>");
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
    let version = nb.pointer("/metadata/cloudbook/version").and_then(Value::as_str).unwrap_or(crate::VERSION);
    let seed = nb.pointer("/metadata/cloudbook/seed").map(|s| s.to_string()).unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{CSS}</style></head><body>\n{body}<footer style=\"color:#6e7781;font-size:12px;margin-top:3em\">Cloudbook {v}, world seed {seed}</footer>\n</body></html>\n",
        t = escape_html(title),
        v = escape_html(version),
        seed = escape_html(&seed),
    )
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
        let h = html(&nb, "tour <1>");
        assert!(h.contains("<title>tour &lt;1&gt;</title>"));
        assert!(h.contains("<h1>Tour</h1>") && h.contains("<em>hi</em>"));
        assert!(h.contains("In [2]:") && h.contains("<pre class=\"src\">x &lt; 1</pre>"));
        assert!(h.contains("<pre class=\"stream stderr\">&lt;warn&gt;\n</pre>"));
        assert!(h.contains("<div class=\"svg\"><svg></svg></div>"), "SVG preferred over text");
        assert!(h.contains("<pre class=\"error\">E: v</pre>"));
        assert!(h.contains("Cloudbook 9.9, world seed 3"));
        assert!(!h.contains("http://") && !h.contains("https://"), "self-contained");
    }
}
