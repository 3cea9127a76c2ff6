//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the
//! escapes `${*}`, `${?}`, `${$}` (rules V1–V6 in `RULES.md`).
//!
//! A string that contains a variable is kept as a [`Template`] of parts; everything else is
//! compiled straight to a glob. Templates exist only in `"Version": "2012-10-17"` documents:
//! in older documents (or with no Version) `${...}` is ordinary text (V1). A `${` that does
//! not form a well-shaped variable (no closing brace, spaces inside the key, an unquoted
//! default) stays literal text too, the way IAM stores it.

use super::matching::{Piece, match_pieces, pieces};
use super::Context;

/// One part of a string with variables.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// Policy text: in `...Like` operators and resources its `*` and `?` are wildcards
    /// (`pieces` is the text split at them, compiled once).
    Text { text: String, pieces: Vec<Piece> },
    /// Text that is never a wildcard (`${*}` -> `*`).
    Literal(String),
    /// A request-context key as written (looked up ignoring case), with its default.
    Var { spelled: String, default: Option<String> },
}

/// A string with at least one variable or escape.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
}

/// Parses `s`; `None` when it holds no variable (so callers keep their fast path).
pub fn template(s: &str) -> Option<Template> {
    if !s.contains("${") {
        return None;
    }
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let mut found = false;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        let Some(close) = after.find('}') else { break };
        match variable(&after[..close]) {
            Some(part) => {
                text.push_str(&rest[..at]);
                if !text.is_empty() {
                    parts.push(text_part(std::mem::take(&mut text)));
                }
                parts.push(part);
                found = true;
                rest = &after[close + 1..];
            }
            None => {
                text.push_str(&rest[..at + 2]);
                rest = after;
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(text_part(text));
    }
    found.then_some(Template { parts })
}

fn text_part(text: String) -> Part {
    Part::Text { pieces: pieces(&text, false), text }
}

/// The inside of `${...}`.
fn variable(inner: &str) -> Option<Part> {
    match inner {
        "*" | "?" | "$" => return Some(Part::Literal(inner.to_string())),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            if d.contains('\'') {
                return None;
            }
            (k.trim(), Some(d.to_string()))
        }
        None => (inner.trim(), None),
    };
    let well_formed = !key.is_empty() && key.contains(':') && !key.chars().any(|c| c.is_whitespace() || matches!(c, '\'' | '$' | '{' | '}' | '*' | '?'));
    well_formed.then(|| Part::Var { spelled: key.to_string(), default })
}

impl Template {
    /// The context keys the template reads (original spelling).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { spelled, .. } => Some(spelled.as_str()),
            _ => None,
        })
    }

    /// The value of a variable (V3–V5): a single-valued key's value, else the default;
    /// `None` when unresolved (a missing key without default, or a multivalued key).
    fn value<'c>(spelled: &str, default: &'c Option<String>, ctx: &'c Context, missing: &mut dyn FnMut(&str)) -> Option<&'c str> {
        match ctx.get(spelled) {
            Some(v) if !v.multi && v.values.len() == 1 => Some(&*v.values[0]),
            Some(v) if !v.values.is_empty() => default.as_deref(),
            _ => {
                missing(spelled);
                default.as_deref()
            }
        }
    }

    /// Resolves to plain text (for `StringEqualsIgnoreCase` and `Bool`); wildcards are not special.
    pub fn resolve_text(&self, ctx: &Context, missing: &mut dyn FnMut(&str)) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text { text: t, .. } | Part::Literal(t) => out.push_str(t),
                Part::Var { spelled, default } => out.push_str(Template::value(spelled, default, ctx, missing)?),
            }
        }
        Some(out)
    }

    /// Is the resolved text exactly `v`? (`StringEquals`, without building the text.)
    pub fn equals(&self, v: &str, ctx: &Context, missing: &mut dyn FnMut(&str)) -> bool {
        let mut rest = v;
        for p in &self.parts {
            let t = match p {
                Part::Text { text: t, .. } | Part::Literal(t) => t.as_str(),
                Part::Var { spelled, default } => match Template::value(spelled, default, ctx, missing) {
                    Some(t) => t,
                    None => return false,
                },
            };
            match rest.strip_prefix(t) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// Resolves to a wildcard pattern borrowing from the template and the context: `*`/`?`
    /// in the policy's own text stay wildcards, substituted values and escapes are literal.
    pub fn resolve_pieces<'a>(&'a self, ctx: &'a Context, missing: &mut dyn FnMut(&str)) -> Option<Vec<Piece<&'a str>>> {
        let mut out = Vec::with_capacity(self.parts.len() + 2);
        for p in &self.parts {
            match p {
                Part::Text { pieces, .. } => out.extend(pieces.iter().map(|p| match p {
                    Piece::Text(t) => Piece::Text(&**t),
                    Piece::Star => Piece::Star,
                    Piece::Quest => Piece::Quest,
                })),
                Part::Literal(t) => out.push(Piece::Text(t.as_str())),
                Part::Var { spelled, default } => out.push(Piece::Text(Template::value(spelled, default, ctx, missing)?)),
            }
        }
        Some(out)
    }

    /// Does the resolved pattern match `v`? `false` when a variable is unresolved (V5).
    pub fn like(&self, v: &str, ctx: &Context, missing: &mut dyn FnMut(&str)) -> bool {
        self.resolve_pieces(ctx, missing).is_some_and(|p| match_pieces(&p, v, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{ContextValue, ValueType};

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("aws:username", ContextValue::string("David"));
        c.insert("aws:PrincipalTag/team", ContextValue::string("yellow"));
        c.insert("aws:TagKeys", ContextValue::list(ValueType::String, ["a", "b"]));
        c
    }

    fn text(s: &str) -> Option<String> {
        template(s).unwrap().resolve_text(&ctx(), &mut |_| {})
    }

    #[test]
    fn substitutes_keys_case_insensitively_v2() {
        // "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to AWS:currenttime."
        assert_eq!(text("home/${aws:username}/").as_deref(), Some("home/David/"));
        assert_eq!(text("home/${AWS:UserName}/").as_deref(), Some("home/David/"));
        assert_eq!(text("${aws:PrincipalTag/team}-${aws:username}").as_deref(), Some("yellow-David"));
    }

    #[test]
    fn defaults_apply_when_the_key_is_missing_v4() {
        // "DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" (reference_policies_variables)
        assert_eq!(text("b-${aws:PrincipalTag/team, 'company-wide'}").as_deref(), Some("b-yellow"));
        assert_eq!(text("b-${aws:PrincipalTag/dept, 'company-wide'}").as_deref(), Some("b-company-wide"));
    }

    #[test]
    fn unresolved_variables_resolve_to_nothing_v5() {
        let mut missing = Vec::new();
        let t = template("home/${aws:PrincipalTag/dept}").unwrap();
        assert_eq!(t.resolve_text(&ctx(), &mut |k| missing.push(k.to_string())), None);
        assert_eq!(missing, ["aws:PrincipalTag/dept"]);
        // "You can't use a multivalued condition key as a variable."
        assert_eq!(text("${aws:TagKeys}"), None);
    }

    #[test]
    fn escapes_are_literal_v3() {
        // "${*} - use where you need an * (asterisk) character."
        let t = template("a${*}b${?}c${$}d").unwrap();
        assert_eq!(t.resolve_text(&ctx(), &mut |_| {}).as_deref(), Some("a*b?c$d"));
        assert!(t.like("a*b?c$d", &ctx(), &mut |_| {}));
        assert!(!t.like("aXbYc$d", &ctx(), &mut |_| {}));
        assert!(t.equals("a*b?c$d", &ctx(), &mut |_| {}));
        assert!(!t.equals("a*b?c$", &ctx(), &mut |_| {}));
        // While the policy's own wildcards stay wildcards.
        let t = template("home/${aws:username}/*").unwrap();
        assert!(t.like("home/David/x/y", &ctx(), &mut |_| {}));
        assert!(!t.like("home/Davidx/y", &ctx(), &mut |_| {}));
        assert!(!t.equals("home/David/x", &ctx(), &mut |_| {}));
        assert!(t.equals("home/David/*", &ctx(), &mut |_| {}));
    }

    #[test]
    fn malformed_variables_stay_literal() {
        assert_eq!(template("no vars"), None);
        assert_eq!(template("${aws:username"), None);
        assert_eq!(template("${not a key}"), None);
        assert_eq!(template("${aws:x, default}"), None);
        assert_eq!(template("${}"), None);
        assert_eq!(text("$${aws:username}}").as_deref(), Some("$David}"));
        assert_eq!(text("${bad key}${aws:username}").as_deref(), Some("${bad key}David"));
    }
}
