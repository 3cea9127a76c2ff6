//! Notebook parameters, the way papermill does them: a cell tagged `parameters` holds the
//! defaults; `cloudbook run NB -p name=value ...` inserts a cell tagged
//! `injected-parameters` right after it with one Rhai `let` per parameter, so the later
//! `let` shadows the default. A previously injected cell is replaced, not stacked. With no
//! `parameters` cell the injected one goes first (papermill does the same, with a warning).
//!
//! Values are typed from their text: `true`/`false` are booleans, `42` and `-3` integers,
//! `2.5` and `1e3` floats (finite ones), anything else a string literal with every character
//! that could end or change the literal escaped, so `-p name='"; world::reset(); "'` stays a
//! string. The parameters are also recorded in the notebook metadata (`cloudbook.parameters`).

use anyhow::Result;
use serde_json::{Map, Value, json};

/// The tag papermill and Cloudbook put on the cell they insert.
pub const INJECTED_TAG: &str = "injected-parameters";
pub const PARAMETERS_TAG: &str = "parameters";

const KEYWORDS: &[&str] = &[
    "as", "break", "call", "catch", "const", "continue", "curry", "debug", "do", "else", "eval", "export", "false", "fn", "Fn",
    "for", "global", "if", "import", "in", "is_def_fn", "is_def_var", "is_shared", "let", "loop", "print", "private", "return",
    "switch", "this", "throw", "true", "try", "type_of", "until", "while",
];

/// Accepts a Rhai variable name (ASCII letters, digits, `_`; not a digit first; not a keyword).
pub fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name);
    if ok { Ok(()) } else { Err(format!("`{name}` is not a Rhai variable name")) }
}

/// A parameter's value, typed from its command-line text.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl ParamValue {
    pub fn parse(text: &str) -> ParamValue {
        match text {
            "true" => return ParamValue::Bool(true),
            "false" => return ParamValue::Bool(false),
            _ => {}
        }
        let numeric = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
        if numeric {
            if let Ok(i) = text.parse::<i64>() {
                return ParamValue::Int(i);
            }
            if let Ok(f) = text.parse::<f64>()
                && f.is_finite()
            {
                return ParamValue::Float(f);
            }
        }
        ParamValue::Str(text.to_string())
    }

    /// The Rhai literal.
    pub fn to_rhai(&self) -> String {
        match self {
            ParamValue::Bool(b) => b.to_string(),
            ParamValue::Int(i) => i.to_string(),
            ParamValue::Float(f) => {
                // `{:?}` keeps a `.0` on whole numbers; Rhai wants a digit-dot-digit mantissa.
                let s = format!("{f:?}");
                match s.split_once('e') {
                    Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
                    _ => s,
                }
            }
            ParamValue::Str(s) => rhai_string(s),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            ParamValue::Bool(b) => json!(b),
            ParamValue::Int(i) => json!(i),
            ParamValue::Float(f) => json!(f),
            ParamValue::Str(s) => json!(s),
        }
    }
}

/// A double-quoted Rhai string literal for any text.
pub fn rhai_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn has_tag(cell: &Value, tag: &str) -> bool {
    cell.pointer("/metadata/tags").and_then(Value::as_array).is_some_and(|t| t.iter().any(|x| x == tag))
}

/// The source of the injected cell.
pub fn injected_source(params: &[(String, String)]) -> String {
    let mut s = String::from("// Parameters (injected by cloudbook run -p)\n");
    for (name, value) in params {
        s.push_str(&format!("let {name} = {};\n", ParamValue::parse(value).to_rhai()));
    }
    s.pop();
    s
}

/// Inserts the `injected-parameters` cell (see the module docs); returns false when the
/// notebook has no `parameters` cell (the cell then goes first).
pub fn inject(nb: &mut Value, params: &[(String, String)]) -> Result<bool> {
    for (name, _) in params {
        check_name(name).map_err(anyhow::Error::msg)?;
    }
    let Some(cells) = nb.get_mut("cells").and_then(Value::as_array_mut) else { anyhow::bail!("the notebook has no `cells` list") };
    cells.retain(|c| !has_tag(c, INJECTED_TAG));
    let at = cells.iter().position(|c| has_tag(c, PARAMETERS_TAG));
    let src = injected_source(params);
    let lines: Vec<Value> = src.split_inclusive('\n').map(|l| json!(l)).collect();
    let cell = json!({
        "cell_type": "code",
        "execution_count": null,
        "id": INJECTED_TAG,
        "metadata": { "tags": [INJECTED_TAG] },
        "outputs": [],
        "source": lines,
    });
    cells.insert(at.map_or(0, |i| i + 1), cell);
    let meta = nb.as_object_mut().expect("a notebook is an object").entry("metadata").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    let cb = meta.as_object_mut().expect("made an object").entry("cloudbook").or_insert_with(|| json!({}));
    if !cb.is_object() {
        *cb = json!({});
    }
    let recorded: Map<String, Value> = params.iter().map(|(n, v)| (n.clone(), ParamValue::parse(v).to_json())).collect();
    cb["parameters"] = Value::Object(recorded);
    Ok(at.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed() {
        let lit = |s: &str| ParamValue::parse(s).to_rhai();
        assert_eq!(lit("42"), "42");
        assert_eq!(lit("-3"), "-3");
        assert_eq!(lit("true"), "true");
        assert_eq!(lit("2.5"), "2.5");
        assert_eq!(lit("3.0"), "3.0");
        assert_eq!(lit("1e3"), "1000.0");
        assert_eq!(lit("1e-7"), "1.0e-7");
        assert_eq!(lit("99999999999999999999"), "1.0e20", "beyond i64: a float");
        assert_eq!(lit("inf"), "\"inf\"", "not a finite number: a string");
        assert_eq!(lit("NaN"), "\"NaN\"");
        assert_eq!(lit("1.2.3"), "\"1.2.3\"");
        assert_eq!(lit(""), "\"\"");
        assert_eq!(lit("gp3"), "\"gp3\"");
        assert_eq!(lit("True"), "\"True\"", "Rhai booleans are lower case");
    }

    #[test]
    fn strings_cannot_escape_their_literal() {
        assert_eq!(rhai_string("say \"hi\"\\n\n\t\u{7}é"), "\"say \\\"hi\\\"\\\\n\\n\\t\\u0007é\"");
    }

    #[test]
    fn names_must_be_variables() {
        assert!(check_name("volume_size").is_ok() && check_name("_x1").is_ok());
        for bad in ["", "2x", "a-b", "let", "_", "x y", "ä"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    fn code(src: &str, tags: &[&str]) -> Value {
        json!({ "cell_type": "code", "source": src, "metadata": { "tags": tags }, "outputs": [], "execution_count": null })
    }

    #[test]
    fn injects_after_the_parameters_cell_and_replaces_an_earlier_injection() {
        let mut nb = json!({ "metadata": {}, "cells": [code("intro", &[]), code("let size = 100;", &["parameters"]), code("size", &[])] });
        let p = |n: &str, v: &str| (n.to_string(), v.to_string());
        assert!(inject(&mut nb, &[p("size", "500"), p("kind", "gp3")]).unwrap());
        let cells = nb["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 4);
        assert_eq!(cells[2]["metadata"]["tags"], json!(["injected-parameters"]));
        assert_eq!(
            cells[2]["source"],
            json!(["// Parameters (injected by cloudbook run -p)\n", "let size = 500;\n", "let kind = \"gp3\";"])
        );
        assert_eq!(nb["metadata"]["cloudbook"]["parameters"], json!({ "size": 500, "kind": "gp3" }));
        assert!(inject(&mut nb, &[p("size", "8")]).unwrap());
        let cells = nb["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 4, "replaced, not stacked");
        assert_eq!(cells[2]["source"][1], "let size = 8;");
        assert_eq!(nb["metadata"]["cloudbook"]["parameters"], json!({ "size": 8 }));
    }

    #[test]
    fn without_a_parameters_cell_the_injection_goes_first() {
        let mut nb = json!({ "cells": [code("1", &[])] });
        assert!(!inject(&mut nb, &[("x".into(), "1".into())]).unwrap());
        assert_eq!(nb["cells"][0]["id"], "injected-parameters");
        assert!(inject(&mut nb, &[("let".into(), "1".into())]).is_err());
    }
}
