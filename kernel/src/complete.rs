//! Tab completion and the name under the cursor (for inspect), over plain data: the engine's
//! documented functions, the functions defined in cells, the scope's variables. Cursor
//! positions are in Unicode code points, as the protocol (5.2+) counts them.

use std::collections::BTreeSet;

use crate::docs::Docs;

/// Rhai's keywords (completed at the start of a name).
pub const KEYWORDS: &[&str] = &[
    "let", "const", "if", "else", "switch", "do", "while", "loop", "until", "for", "in", "continue", "break", "return", "throw", "try",
    "catch", "fn", "private", "import", "export", "as", "true", "false", "this", "global", "Fn", "call", "curry", "is_def_var",
    "is_def_fn", "is_shared", "type_of", "print", "debug", "eval",
];

/// What completion can offer besides the engine's functions.
#[derive(Default)]
pub struct Sources<'a> {
    pub variables: Vec<String>,
    pub cell_functions: Vec<String>,
    pub docs: Option<&'a Docs>,
}

/// A completion: replace `code[start..end]` (code points) with one of `matches`.
#[derive(Debug, PartialEq)]
pub struct Completion {
    pub matches: Vec<String>,
    pub cursor_start: usize,
    pub cursor_end: usize,
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Completes the name before `cursor`. After `module::` it offers that module's functions;
/// after `.` methods and properties; otherwise variables, functions (the engine's and the
/// cells'), modules (as `kms::`) and keywords. Matches replace only the last name segment.
pub fn complete(code: &str, cursor: usize, src: &Sources) -> Completion {
    let chars: Vec<char> = code.chars().collect();
    let cursor = cursor.min(chars.len());
    let mut start = cursor;
    while start > 0 && is_ident_char(chars[start - 1]) {
        start -= 1;
    }
    let word: String = chars[start..cursor].iter().collect();
    let before: String = chars[..start].iter().collect();
    let mut cands: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = before.strip_suffix("::") {
        let tail: Vec<char> = path.chars().rev().take_while(|c| is_ident_char(*c) || *c == ':').collect();
        let module: String = tail.into_iter().rev().collect::<String>().trim_start_matches(':').to_string();
        if let Some(d) = src.docs {
            cands.extend(d.names_in(Some(&module)).into_iter().map(String::from));
        }
    } else if before.trim_end().ends_with('.') && !before.trim_end().ends_with("..") {
        if let Some(d) = src.docs {
            cands.extend(d.method_names().into_iter().map(String::from));
            cands.extend(d.properties.iter().cloned());
        }
    } else {
        cands.extend(src.variables.iter().cloned());
        cands.extend(src.cell_functions.iter().cloned());
        cands.extend(KEYWORDS.iter().map(|k| k.to_string()));
        if let Some(d) = src.docs {
            cands.extend(d.names_in(None).into_iter().map(String::from));
            cands.extend(d.modules().into_iter().filter(|m| !m.contains("::")).map(|m| format!("{m}::")));
        }
    }
    let matches = cands.into_iter().filter(|c| c.starts_with(&word) && *c != word).collect();
    Completion { matches, cursor_start: start, cursor_end: cursor }
}

/// The name (with its module path) at `cursor`: `kms::encrypt` for a cursor anywhere in it or
/// just after it, or inside the parentheses of a call to it (`kms::encrypt(|`).
pub fn name_at(code: &str, cursor: usize) -> Option<String> {
    let chars: Vec<char> = code.chars().collect();
    let cursor = cursor.min(chars.len());
    let is_path = |i: usize| is_ident_char(chars[i]) || chars[i] == ':';
    let mut end = cursor;
    while end < chars.len() && is_path(end) {
        end += 1;
    }
    let mut start = cursor.min(end);
    while start > 0 && is_path(start - 1) {
        start -= 1;
    }
    let name: String = chars[start..end].iter().collect::<String>().trim_matches(':').to_string();
    if !name.is_empty() && name.chars().next().is_some_and(|c| !c.is_ascii_digit()) {
        return Some(name);
    }
    // Inside a call: find the unclosed '(' before the cursor and take the name before it.
    let mut depth = 0i32;
    let mut i = cursor;
    while i > 0 {
        i -= 1;
        match chars[i] {
            ')' => depth += 1,
            '(' if depth == 0 => return name_at(&chars[..i].iter().collect::<String>(), i).filter(|n| !n.is_empty()),
            '(' => depth -= 1,
            ';' | '{' | '}' => return None,
            _ => {}
        }
    }
    None
}

/// Converts a code-point offset to a byte offset in `s`.
pub fn byte_offset(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map(|(b, _)| b).unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::FnDoc;

    fn docs() -> Docs {
        let f = |m: Option<&str>, n: &str, p: usize| FnDoc { module: m.map(String::from), name: n.into(), signature: format!("{n}()"), doc: String::new(), num_params: p };
        Docs {
            functions: vec![
                f(Some("kms"), "encrypt", 1),
                f(Some("kms"), "enable_key", 1),
                f(Some("kms"), "decrypt", 1),
                f(Some("clock"), "now", 0),
                f(None, "len", 1),
                f(None, "print", 1),
                f(None, "pi", 0),
            ],
            properties: ["title".to_string()].into(),
        }
    }

    fn matches(code: &str, vars: &[&str]) -> (Vec<String>, usize, usize) {
        let d = docs();
        let src = Sources { variables: vars.iter().map(|s| s.to_string()).collect(), cell_functions: vec!["my_fn".into()], docs: Some(&d) };
        let c = complete(code, code.chars().count(), &src);
        (c.matches, c.cursor_start, c.cursor_end)
    }

    #[test]
    fn module_functions_after_double_colon() {
        assert_eq!(matches("let r = kms::en", &[]), (vec!["enable_key".into(), "encrypt".into()], 13, 15));
        assert_eq!(matches("kms::", &[]).0, ["decrypt", "enable_key", "encrypt"]);
    }

    #[test]
    fn variables_functions_modules_and_keywords() {
        assert_eq!(matches("pr", &["price"]).0, ["price", "print", "private"]);
        assert_eq!(matches("km", &[]).0, ["kms::"]);
        assert_eq!(matches("my", &[]).0, ["my_fn"]);
        assert_eq!(matches("x + lo", &[]), (vec!["loop".into()], 4, 6));
    }

    #[test]
    fn methods_and_properties_after_a_dot() {
        assert_eq!(matches("t.", &[]).0, ["len", "print", "title"]);
        assert_eq!(matches("t.ti", &[]).0, ["title"]);
    }

    #[test]
    fn unicode_cursor_positions_are_code_points() {
        assert_eq!(matches("let é = 1; pr", &["price"]), (vec!["price".into(), "print".into(), "private".into()], 11, 13));
        assert_eq!(byte_offset("é1", 1), 2);
    }

    #[test]
    fn names_under_the_cursor() {
        assert_eq!(name_at("kms::encrypt", 3).as_deref(), Some("kms::encrypt"));
        assert_eq!(name_at("x = kms::encrypt", 16).as_deref(), Some("kms::encrypt"));
        assert_eq!(name_at("kms::encrypt(\"a\", f(1), ", 24).as_deref(), Some("kms::encrypt"));
        assert_eq!(name_at("let abc = 1", 6).as_deref(), Some("abc"));
        assert_eq!(name_at("1 + ", 4), None);
    }
}
