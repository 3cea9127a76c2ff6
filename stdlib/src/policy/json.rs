//! A small JSON reader that remembers where every value starts and ends.
//!
//! Policy errors and the simulator's `MatchedStatements` report line/column positions, so
//! the policy parser needs a JSON tree whose nodes carry them; `serde_json` forgets them.
//! This reader is deliberately small (one pass over the bytes, no recursion deeper than
//! [`MAX_DEPTH`], no panics on any input) so that it can be fuzzed exhaustively
//! (`fuzz/fuzz_targets/policy_parse.rs`).
//!
//! Decisions:
//! - strict RFC 8259 JSON: no comments, no trailing commas, no single quotes, no bare
//!   control characters inside strings, lone UTF-16 surrogates in `\u` escapes rejected;
//! - objects keep their members in document order, duplicates included — the policy
//!   grammar forbids duplicate keys, and the policy parser reports them with a position;
//! - numbers are kept as their canonical text (`serde_json::Number`'s rendering), so a
//!   document printed back out and parsed again is identical;
//! - positions are 1-based; columns count characters, not bytes.

use std::fmt;

/// Deepest nesting accepted. Policies nest at most six levels
/// (document, Statement list, statement, Condition, operator, value list).
pub const MAX_DEPTH: usize = 32;

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn pair(self) -> (usize, usize) {
        (self.line, self.column)
    }
}

/// A JSON value with its position: `start` is its first character, `end` its last.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Json,
    pub start: Pos,
    pub end: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Canonical text of the number.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Json {
    /// The JSON type's name as error messages use it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// As `serde_json`, in document order.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => n.parse::<serde_json::Number>().map(Value::Number).unwrap_or_else(|_| Value::String(n.clone())),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => Value::Array(items.iter().map(|n| n.value.to_value()).collect()),
            Json::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.insert(m.key.clone(), m.value.value.to_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// Why the text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {}, column {}", self.message, self.pos.line, self.pos.column)
    }
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut r = Reader { text, s: text.as_bytes(), i: 0, line: 1, col: 1 };
    r.skip_ws();
    let node = r.value(0)?;
    r.skip_ws();
    if r.i < r.s.len() {
        return Err(r.err("unexpected text after the end of the document"));
    }
    Ok(node)
}

struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    line: usize,
    col: usize,
}

impl Reader<'_> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.col }
    }

    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { message: message.into(), pos: self.pos() }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Moves past one byte, keeping line and column (columns count characters: UTF-8
    /// continuation bytes do not advance them).
    fn bump(&mut self) {
        if let Some(&b) = self.s.get(self.i) {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }

    /// The position of the character just consumed (for `end` positions).
    fn last_pos(&self) -> Pos {
        Pos { line: self.line, column: self.col.saturating_sub(1).max(1) }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, what: &str) -> SyntaxError {
        match self.text.get(self.i..).and_then(|rest| rest.chars().next()) {
            Some(c) => self.err(format!("expected {what} but found `{}`", c.escape_debug())),
            None if self.i >= self.s.len() => self.err(format!("expected {what} but the document ended")),
            None => self.err(format!("expected {what}")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.err(format!("the document nests more than {MAX_DEPTH} levels deep")));
        }
        let start = self.pos();
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Json::String(self.string()?),
            Some(b't') => self.literal("true", Json::Bool(true))?,
            Some(b'f') => self.literal("false", Json::Bool(false))?,
            Some(b'n') => self.literal("null", Json::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node { value, start, end: self.last_pos() })
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, SyntaxError> {
        for &b in word.as_bytes() {
            if self.peek() != Some(b) {
                return Err(self.unexpected(&format!("`{word}`")));
            }
            self.bump();
        }
        Ok(v)
    }

    fn object(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        self.bump(); // {
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a quoted key"));
            }
            let key_pos = self.pos();
            let key = self.string()?;
            self.skip_ws();
            self.expect(b':', "`:`")?;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, key_pos, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        self.bump(); // [
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<Json, SyntaxError> {
        let start_pos = self.pos();
        let begin = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.bump();
                }
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit after `.`"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.bump();
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit in the exponent"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.bump();
            }
        }
        // The slice is ASCII digits and signs only.
        let raw = std::str::from_utf8(&self.s[begin..self.i]).unwrap_or("0");
        match raw.parse::<serde_json::Number>() {
            Ok(n) => Ok(Json::Number(n.to_string())),
            Err(_) => Err(SyntaxError { message: format!("the number `{raw}` is out of range"), pos: start_pos }),
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.unexpected("four hex digits after `\\u`")),
            };
            v = v * 16 + u32::from(d);
            self.bump();
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.bump(); // opening quote
        let mut out = String::new();
        loop {
            // Copy a run of plain bytes at once.
            let run_start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            if self.i > run_start {
                // The input is a &str and the run stops only at ASCII bytes, so it is UTF-8.
                out.push_str(std::str::from_utf8(&self.s[run_start..self.i]).unwrap_or_default());
            }
            match self.peek() {
                None => return Err(self.err("a string is not terminated (missing `\"`)")),
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc_pos = self.pos();
                    self.bump();
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.bump();
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.peek() != Some(b'\\') {
                                    return Err(SyntaxError { message: "a `\\u` escape is an unpaired UTF-16 surrogate".into(), pos: esc_pos });
                                }
                                self.bump();
                                self.expect(b'u', "`u` (the second half of a surrogate pair)")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(SyntaxError { message: "a `\\u` escape is an unpaired UTF-16 surrogate".into(), pos: esc_pos });
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(c) => {
                                    out.push(c);
                                    continue;
                                }
                                None => return Err(SyntaxError { message: "a `\\u` escape is an unpaired UTF-16 surrogate".into(), pos: esc_pos }),
                            }
                        }
                        _ => return Err(self.unexpected("an escape character after `\\`")),
                    };
                    self.bump();
                    out.push(c);
                }
                Some(_) => return Err(self.err("a control character must be escaped inside a string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let doc = parse("{\n  \"a\": [1, \"é\", true],\n  \"b\": {\"c\": null}\n}").unwrap();
        assert_eq!((doc.start, doc.end), (p(1, 1), p(4, 1)));
        let Json::Object(m) = &doc.value else { panic!("object") };
        assert_eq!(m[0].key, "a");
        assert_eq!(m[0].key_pos, p(2, 3));
        assert_eq!((m[0].value.start, m[0].value.end), (p(2, 8), p(2, 21)));
        let Json::Array(items) = &m[0].value.value else { panic!("array") };
        // "é" is two bytes but one column: `true` starts at column 17.
        assert_eq!(items[2].start, p(2, 17));
        assert_eq!(m[1].value.start, p(3, 8));
    }

    #[test]
    fn keeps_duplicates_and_order() {
        let doc = parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let Json::Object(m) = doc.value else { panic!() };
        let keys: Vec<_> = m.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
    }

    #[test]
    fn strings_decode_every_escape() {
        let doc = parse(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(doc.value, Json::String("a\"\\/\u{8}\u{c}\n\r\té😀".into()));
    }

    #[test]
    fn numbers_keep_canonical_text() {
        for (src, canon) in [("10", "10"), ("-0", "-0.0"), ("1.5", "1.5"), ("1e2", "100.0"), ("-12.50", "-12.5")] {
            assert_eq!(parse(src).unwrap().value, Json::Number(canon.into()), "{src}");
        }
    }

    #[test]
    fn rejects_what_rfc_8259_rejects_with_a_position() {
        for (src, line, col) in [
            ("{\"a\":1,}", 1, 8),
            ("[1,]", 1, 4),
            ("{'a':1}", 1, 2),
            ("{\"a\" 1}", 1, 6),
            ("01", 1, 2),
            ("1.", 1, 3),
            ("\"a\nb\"", 1, 3),
            ("\"\\ud800\"", 1, 2),
            ("\"\\x\"", 1, 3),
            ("[1] x", 1, 5),
            ("", 1, 1),
            ("\"abc", 1, 5),
            ("tru", 1, 4),
            ("{\"a\":1\n,\"b\":}", 2, 6),
            ("1e999", 1, 1),
        ] {
            let e = parse(src).unwrap_err();
            assert_eq!((e.pos.line, e.pos.column), (line, col), "{src:?}: {e}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep).unwrap_err().message.contains("nests more than"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn to_value_keeps_order() {
        let doc = parse(r#"{"z":1,"a":[true,null,"x"]}"#).unwrap();
        assert_eq!(serde_json::to_string(&doc.value.to_value()).unwrap(), r#"{"z":1,"a":[true,null,"x"]}"#);
    }
}
