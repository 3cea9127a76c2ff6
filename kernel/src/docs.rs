//! What the engine knows about its functions, for completion, inspect and `help`.
//!
//! The stdlib registers a function with doc comments and parameter info when asked to
//! (`DocMode::Attach`); rhai's `metadata` feature exports them as JSON
//! ([`rhai::Engine::gen_fn_metadata_to_json`]). [`Docs`] is that export read once into a
//! searchable list. The session's own engine is registered without docs, to start quickly;
//! on the first completion, inspect or `help` the session builds a documented twin of it,
//! reads it into [`Docs`] and drops it (see `Session::engine_docs`). Functions defined in
//! notebook cells are added per request from the session's function AST (they change from
//! cell to cell).

use std::collections::BTreeSet;

use serde::Deserialize;

/// One function overload and its documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct FnDoc {
    /// `None` for global functions, `Some("kms")` for `kms::encrypt`.
    pub module: Option<String>,
    pub name: String,
    /// Human-readable signature, e.g. `encrypt(params: Map) -> Map`.
    pub signature: String,
    /// The doc comment text without the `///` markers.
    pub doc: String,
    pub num_params: usize,
}

impl FnDoc {
    /// `kms::encrypt` or `print`.
    pub fn path(&self) -> String {
        match &self.module {
            Some(m) => format!("{m}::{}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetaFn {
    name: String,
    #[serde(default)]
    num_params: usize,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    doc_comments: Vec<String>,
}

#[derive(Deserialize, Default)]
struct MetaModule {
    #[serde(default)]
    functions: Vec<MetaFn>,
    #[serde(default)]
    modules: std::collections::BTreeMap<String, MetaModule>,
}

/// Strips `///` / `/** */` markers from rhai doc comments.
pub fn doc_text(comments: &[impl AsRef<str>]) -> String {
    let mut lines = Vec::new();
    for c in comments {
        let c = c.as_ref();
        if let Some(block) = c.strip_prefix("/**") {
            let block = block.strip_suffix("*/").unwrap_or(block);
            lines.extend(block.lines().map(|l| l.trim().trim_start_matches('*').trim().to_string()));
        } else {
            for l in c.lines() {
                let l = l.trim_start();
                let l = l.strip_prefix("///").unwrap_or(l);
                lines.push(l.strip_prefix(' ').unwrap_or(l).to_string());
            }
        }
    }
    lines.join("\n").trim().to_string()
}

/// A plain identifier (not an operator, not a `get$prop` accessor).
pub fn is_identifier(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_alphabetic() || c == '_') && cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every documented function the engine has, global and per module.
#[derive(Clone, Debug, Default)]
pub struct Docs {
    pub functions: Vec<FnDoc>,
    /// Property names (from `get$name` accessors), offered after a `.`.
    pub properties: BTreeSet<String>,
}

impl Docs {
    pub fn from_engine(engine: &rhai::Engine) -> Docs {
        let json = engine.gen_fn_metadata_to_json(true).unwrap_or_default();
        let root: MetaModule = serde_json::from_str(&json).unwrap_or_default();
        let mut docs = Docs::default();
        docs.add_module(None, &root);
        docs.functions.sort_by(|a, b| (&a.module, &a.name, a.num_params, &a.signature).cmp(&(&b.module, &b.name, b.num_params, &b.signature)));
        docs.functions.dedup();
        docs
    }

    fn add_module(&mut self, path: Option<String>, m: &MetaModule) {
        for f in &m.functions {
            if let Some(prop) = f.name.strip_prefix("get$") {
                self.properties.insert(prop.to_string());
                continue;
            }
            if !is_identifier(&f.name) {
                continue;
            }
            self.functions.push(FnDoc {
                module: path.clone(),
                name: f.name.clone(),
                signature: f.signature.clone(),
                doc: doc_text(&f.doc_comments),
                num_params: f.num_params,
            });
        }
        for (name, sub) in &m.modules {
            let p = match &path {
                Some(parent) => format!("{parent}::{name}"),
                None => name.clone(),
            };
            self.add_module(Some(p), sub);
        }
    }

    /// The overloads named `path` (`"print"`, `"kms::encrypt"`).
    pub fn lookup(&self, path: &str) -> Vec<&FnDoc> {
        let (module, name) = match path.rsplit_once("::") {
            Some((m, n)) => (Some(m), n),
            None => (None, path),
        };
        self.functions.iter().filter(|f| f.name == name && f.module.as_deref() == module).collect()
    }

    /// Names of modules (`kms`, `clock`, ...).
    pub fn modules(&self) -> BTreeSet<&str> {
        self.functions.iter().filter_map(|f| f.module.as_deref()).collect()
    }

    /// Function names in `module` (or the global namespace for `None`).
    pub fn names_in(&self, module: Option<&str>) -> BTreeSet<&str> {
        self.functions.iter().filter(|f| f.module.as_deref() == module).map(|f| f.name.as_str()).collect()
    }

    /// Global functions that can be called as methods (`x.len()`), i.e. take at least one argument.
    pub fn method_names(&self) -> BTreeSet<&str> {
        self.functions.iter().filter(|f| f.module.is_none() && f.num_params >= 1).map(|f| f.name.as_str()).collect()
    }
}

/// Renders overloads as help text: each signature followed by its doc.
pub fn render_help(fns: &[&FnDoc]) -> String {
    let mut out = String::new();
    let mut last_doc = "";
    for f in fns {
        let sig = match &f.module {
            Some(m) => format!("{m}::{}", f.signature),
            None => f.signature.clone(),
        };
        out.push_str(&sig);
        out.push('\n');
        if !f.doc.is_empty() && f.doc != last_doc {
            out.push('\n');
            out.push_str(&f.doc);
            out.push_str("\n\n");
        }
        last_doc = &f.doc;
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_strips_markers() {
        assert_eq!(doc_text(&["/// Line one.\n/// ```rhai\n///   x\n/// ```"]), "Line one.\n```rhai\n  x\n```");
        assert_eq!(doc_text(&["/** Block\n * two */"]), "Block\ntwo");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("encrypt") && is_identifier("_x1"));
        assert!(!is_identifier("+") && !is_identifier("get$x") && !is_identifier("1a") && !is_identifier(""));
    }

    #[test]
    fn reads_engine_metadata_with_modules_and_docs() {
        let mut engine = rhai::Engine::new();
        let shared = cloudbook_stdlib::new_shared(cloudbook_stdlib::World::default());
        cloudbook_stdlib::register_all(&mut engine, &shared);
        let docs = Docs::from_engine(&engine);
        assert!(docs.modules().contains("clock") && docs.modules().contains("world"));
        let adv = docs.lookup("clock::advance");
        assert_eq!(adv.len(), 1);
        assert!(adv[0].doc.starts_with("Moves the simulated clock forward"), "{}", adv[0].doc);
        assert!(adv[0].signature.starts_with("advance(by: Duration)"), "{}", adv[0].signature);
        assert!(!docs.lookup("print").is_empty(), "standard packages are included");
        assert!(docs.names_in(Some("clock")).contains("now"));
        assert!(docs.method_names().contains("len"));
        assert!(docs.properties.contains("title"), "Table.title from the render module");
        assert!(docs.lookup("clock::nope").is_empty());
    }
}
