//! S3 Select's SQL: a hand-written lexer and recursive-descent parser for the subset the
//! "SQL reference for Amazon S3 Select" documents (`SELECT list FROM S3Object[*].path alias
//! WHERE cond LIMIT n`), producing a small AST and S3 Select's own error codes
//! (`ParseUnexpectedToken`, `ParseExpectedExpression`, ...) with the line and column.
//!
//! Operator precedence follows the reference's table (highest first): unary minus;
//! `* / %`; `+ - ||`; `IN`, `BETWEEN`, `LIKE`, `IS`; `< > <= >=`; `= <> !=`; `NOT`; `AND`;
//! `OR`. Nesting and operator count are capped ([`MAX_OPERATORS`]) so that no input can
//! exhaust the stack: AWS answers `MaxOperatorsExceeded` for overly complex expressions.

use super::value::{DatePart, SqlType, Value, parse_timestamp};
use crate::s3::error::S3Error;
use crate::world::{AwsError, ErrorCode};

/// The simulator's caps on operators and on nesting (parentheses, function calls, NOT and
/// unary minus chains) in one statement. AWS documents the error, `MaxOperatorsExceeded`,
/// but not its numbers; these keep parsing and evaluation within a small stack.
pub const MAX_OPERATORS: usize = 256;
pub const MAX_NESTING: usize = 32;

/// A name as written: quoted names match case-sensitively, bare ones case-insensitively.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub quoted: bool,
}

impl Name {
    pub fn matches(&self, other: &str) -> bool {
        if self.quoted { self.text == other } else { self.text.eq_ignore_ascii_case(other) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Field(Name),
    Index(i64),
    /// `[*]` or `.*` (FROM paths only).
    Wildcard,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Agg {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Func {
    CharLength,
    Lower,
    Upper,
    Coalesce,
    NullIf,
    UtcNow,
    ToTimestamp,
    ToString,
    Substring,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrimSpec {
    Both,
    Leading,
    Trailing,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Lit(Value),
    /// A name (the FROM alias or a field of the record) and the steps after it.
    Path(Name, Vec<Step>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Like { expr: Box<Expr>, pattern: Box<Expr>, escape: Option<Box<Expr>>, negated: bool },
    Between { expr: Box<Expr>, lo: Box<Expr>, hi: Box<Expr>, negated: bool },
    In { expr: Box<Expr>, list: Vec<Expr>, negated: bool },
    /// `IS [NOT] NULL` (`missing` false) or `IS [NOT] MISSING`.
    Is { expr: Box<Expr>, missing: bool, negated: bool },
    Case { operand: Option<Box<Expr>>, whens: Vec<(Expr, Expr)>, default: Option<Box<Expr>> },
    Cast(Box<Expr>, SqlType),
    Call(Func, Vec<Expr>),
    /// A list literal, `[1, 2]`.
    List(Vec<Expr>),
    Trim { spec: TrimSpec, chars: Option<Box<Expr>>, expr: Box<Expr> },
    Extract(DatePart, Box<Expr>),
    DateAdd(DatePart, Box<Expr>, Box<Expr>),
    DateDiff(DatePart, Box<Expr>, Box<Expr>),
    /// An aggregate; `slot` numbers the aggregates of the query; `arg` is `None` for `COUNT(*)`.
    Agg { func: Agg, arg: Option<Box<Expr>>, slot: usize },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub expr: Expr,
    pub alias: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// `None` for `SELECT *`.
    pub items: Option<Vec<Item>>,
    /// The path after `S3Object[*]` (empty for plain `S3Object`); `star` says whether `[*]` was written.
    pub from_path: Vec<Step>,
    pub from_star: bool,
    /// The alias of the FROM clause (`S3Object` when none is given).
    pub alias: Name,
    pub filter: Option<Expr>,
    pub limit: Option<u64>,
    /// How many aggregate slots the select list uses.
    pub aggregates: usize,
}

// ---------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Str(String),
    Int(i64),
    Dec(f64),
    /// A backquoted Ion literal (a timestamp here).
    Ion(String),
    Sym(&'static str),
    Eof,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
    col: usize,
}

fn at(line: usize, col: usize) -> String {
    format!("at line {line}, column {col}")
}

const SYMBOLS: [&str; 19] = ["<>", "!=", "<=", ">=", "||", "(", ")", "[", "]", ",", ".", "*", "+", "-", "/", "%", "=", "<", ">"];

fn lex(src: &str) -> Result<Vec<Token>, AwsError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize| {
        let c = chars[*i];
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let (tl, tc) = (line, col);
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col);
            continue;
        }
        // `--` comments to the end of the line.
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col);
            }
            continue;
        }
        let tok = if c.is_ascii_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                advance(&mut i, &mut line, &mut col);
            }
            Tok::Ident(s)
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let mut s = String::new();
            let mut dec = false;
            while i < chars.len() && (chars[i].is_ascii_digit() || (chars[i] == '.' && !dec)) {
                dec |= chars[i] == '.';
                s.push(chars[i]);
                advance(&mut i, &mut line, &mut col);
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                dec = true;
                s.push('e');
                advance(&mut i, &mut line, &mut col);
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    s.push(chars[i]);
                    advance(&mut i, &mut line, &mut col);
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    s.push(chars[i]);
                    advance(&mut i, &mut line, &mut col);
                }
            }
            if i < chars.len() && (chars[i].is_ascii_alphabetic() || chars[i] == '_') {
                return Err(S3Error::LexerInvalidLiteral.err(format!("Invalid literal `{s}{}` {}.", chars[i], at(tl, tc))));
            }
            if dec {
                let v: f64 = s.parse().map_err(|_| S3Error::LexerInvalidLiteral.err(format!("Invalid number literal `{s}` {}.", at(tl, tc))))?;
                Tok::Dec(v)
            } else {
                let v: i64 = s.parse().map_err(|_| S3Error::NumberFormatError.err(format!("The integer literal `{s}` {} overflows a 64-bit integer.", at(tl, tc))))?;
                Tok::Int(v)
            }
        } else if c == '\'' || c == '"' || c == '`' {
            let close = c;
            let mut s = String::new();
            advance(&mut i, &mut line, &mut col);
            loop {
                let Some(&d) = chars.get(i) else {
                    let what = match close {
                        '\'' => "string literal",
                        '"' => "quoted identifier",
                        _ => "Ion literal",
                    };
                    return Err(S3Error::LexerInvalidLiteral.err(format!("Unterminated {what} starting {}.", at(tl, tc))));
                };
                advance(&mut i, &mut line, &mut col);
                if d == close {
                    // A doubled quote inside quotes stands for one.
                    if close != '`' && chars.get(i) == Some(&close) {
                        s.push(close);
                        advance(&mut i, &mut line, &mut col);
                        continue;
                    }
                    break;
                }
                s.push(d);
            }
            match close {
                '\'' => Tok::Str(s),
                '"' => Tok::Quoted(s),
                _ => Tok::Ion(s),
            }
        } else if let Some(sym) = SYMBOLS.iter().find(|s| chars[i..].iter().take(s.len()).copied().eq(s.chars())) {
            for _ in 0..sym.len() {
                advance(&mut i, &mut line, &mut col);
            }
            Tok::Sym(sym)
        } else {
            return Err(S3Error::LexerInvalidChar.err(format!("Invalid character `{c}` {}.", at(tl, tc))));
        };
        out.push(Token { tok, line: tl, col: tc });
    }
    out.push(Token { tok: Tok::Eof, line, col });
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Parser

/// S3 Select's reserved keywords (the SQL reference's "Reserved keywords" list): as a column
/// or attribute name they must be double-quoted (`s."CAST"`), "Otherwise a 400 parse error
/// will result".
const RESERVED: &[&str] = &[
    "absolute", "action", "add", "all", "allocate", "alter", "and", "any", "are", "as", "asc", "assertion",
    "at", "authorization", "avg", "bag", "begin", "between", "bit", "bit_length", "blob", "bool", "boolean",
    "both", "by", "cascade", "cascaded", "case", "cast", "catalog", "char", "char_length", "character",
    "character_length", "check", "clob", "close", "coalesce", "collate", "collation", "column", "commit",
    "connect", "connection", "constraint", "constraints", "continue", "convert", "corresponding", "count",
    "create", "cross", "current", "current_date", "current_time", "current_timestamp", "current_user",
    "cursor", "date", "day", "deallocate", "dec", "decimal", "declare", "default", "deferrable", "deferred",
    "delete", "desc", "describe", "descriptor", "diagnostics", "disconnect", "distinct", "domain", "double",
    "drop", "else", "end", "end-exec", "escape", "except", "exception", "exec", "execute", "exists",
    "external", "extract", "false", "fetch", "first", "float", "for", "foreign", "found", "from", "full",
    "get", "global", "go", "goto", "grant", "group", "having", "hour", "identity", "immediate", "in",
    "indicator", "initially", "inner", "input", "insensitive", "insert", "int", "integer", "intersect",
    "interval", "into", "is", "isolation", "join", "key", "language", "last", "leading", "left", "level",
    "like", "limit", "list", "local", "lower", "match", "max", "min", "minute", "missing", "module", "month",
    "names", "national", "natural", "nchar", "next", "no", "not", "null", "nullif", "numeric", "octet_length",
    "of", "on", "only", "open", "option", "or", "order", "outer", "output", "overlaps", "pad", "partial",
    "pivot", "position", "precision", "prepare", "preserve", "primary", "prior", "privileges", "procedure",
    "public", "read", "real", "references", "relative", "restrict", "revoke", "right", "rollback", "rows",
    "schema", "scroll", "second", "section", "select", "session", "session_user", "set", "sexp", "size",
    "smallint", "some", "space", "sql", "sqlcode", "sqlerror", "sqlstate", "string", "struct", "substring",
    "sum", "symbol", "system_user", "table", "temporary", "then", "time", "timestamp", "timezone_hour",
    "timezone_minute", "to", "trailing", "transaction", "translate", "translation", "trim", "true", "tuple",
    "union", "unique", "unknown", "unpivot", "update", "upper", "usage", "user", "using", "value", "values",
    "varchar", "varying", "view", "when", "whenever", "where", "with", "work", "write", "year", "zone",
];

/// The functions S3 Select has (some are reserved words, which only stand as calls).
const FUNCTIONS: &[&str] = &[
    "AVG", "CAST", "CHAR_LENGTH", "CHARACTER_LENGTH", "COALESCE", "COUNT", "DATE_ADD", "DATE_DIFF", "EXTRACT", "LOWER", "MAX", "MIN", "NULLIF",
    "SUBSTRING", "SUM", "TO_STRING", "TO_TIMESTAMP", "TRIM", "UPPER", "UTCNOW",
];

fn keyword_error(word: &str, line: usize, col: usize) -> AwsError {
    S3Error::ParseUnExpectedKeyword.err(format!(
        "The SQL expression contains an unexpected keyword: `{word}` {} is reserved; double-quote a column or attribute with that name (`s.\"{word}\"`).",
        at(line, col)
    ))
}

fn reserved(s: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    operators: usize,
    aggregates: usize,
    /// Whether aggregates are allowed where the parser is (the select list, outside another aggregate).
    agg_ok: bool,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Quoted(s) => format!("`\"{s}\"`"),
        Tok::Str(s) => format!("the string `'{s}'`"),
        Tok::Int(n) => format!("the number `{n}`"),
        Tok::Dec(n) => format!("the number `{n}`"),
        Tok::Ion(s) => format!("the literal `` `{s}` ``"),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::Eof => "the end of the expression".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn here(&self) -> String {
        let t = self.peek();
        at(t.line, t.col)
    }
    fn err(&self, code: S3Error, why: &str) -> AwsError {
        code.err(format!("{why} {}, found {}.", self.here(), describe(&self.peek().tok)))
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.next();
        }
        hit
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), AwsError> {
        if self.eat_kw(kw) { Ok(()) } else { Err(self.err(S3Error::ParseExpectedKeyword, &format!("Expected the keyword {kw}"))) }
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Sym(x) if *x == s)
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        let hit = self.is_sym(s);
        if hit {
            self.next();
        }
        hit
    }
    fn close_paren(&mut self) -> Result<(), AwsError> {
        if self.eat_sym(")") { Ok(()) } else { Err(self.err(S3Error::ParseExpectedRightParenBuiltinFunctionCall, "Expected `)`")) }
    }
    fn open_paren(&mut self, after: &str) -> Result<(), AwsError> {
        if self.eat_sym("(") {
            Ok(())
        } else if after == "CAST" {
            Err(self.err(S3Error::ParseExpectedLeftParenAfterCast, "Expected `(` after CAST"))
        } else {
            Err(self.err(S3Error::ParseExpectedTokenType, &format!("Expected `(` after {after}")))
        }
    }
    fn operator(&mut self) -> Result<(), AwsError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS || self.depth > MAX_NESTING {
            return Err(S3Error::MaxOperatorsExceeded.err(format!(
                "Failed to parse SQL expression, try reducing complexity: more than {MAX_OPERATORS} operators or {MAX_NESTING} levels of nesting {}.",
                self.here()
            )));
        }
        Ok(())
    }

    fn query(&mut self) -> Result<Query, AwsError> {
        if !self.eat_kw("SELECT") {
            return Err(self.err(S3Error::ParseUnexpectedToken, "Expected SELECT (S3 Select runs only SELECT statements)"));
        }
        if self.is_kw("DISTINCT") || self.is_kw("ALL") {
            return Err(self.err(S3Error::ParseUnsupportedSyntax, "SELECT DISTINCT/ALL is not supported by S3 Select"));
        }
        let items = if self.eat_sym("*") {
            if self.is_sym(",") {
                return Err(self.err(S3Error::ParseAsteriskIsNotAloneInSelectList, "Other expressions are not allowed in the SELECT list when `*` is used"));
            }
            None
        } else {
            if self.is_kw("FROM") {
                return Err(self.err(S3Error::ParseEmptySelect, "The SELECT list is empty"));
            }
            let mut items = Vec::new();
            loop {
                if self.is_sym("*") {
                    return Err(self.err(S3Error::ParseAsteriskIsNotAloneInSelectList, "Other expressions are not allowed in the SELECT list when `*` is used"));
                }
                self.agg_ok = true;
                let expr = self.expr()?;
                self.agg_ok = false;
                let bare = matches!(&self.peek().tok, Tok::Ident(s) if !reserved(s)) || matches!(self.peek().tok, Tok::Quoted(_));
                let alias = if self.eat_kw("AS") || bare { Some(self.alias()?) } else { None };
                items.push(Item { expr, alias });
                if !self.eat_sym(",") {
                    break;
                }
            }
            Some(items)
        };
        if !self.eat_kw("FROM") {
            return Err(self.err(S3Error::ParseSelectMissingFrom, "Expected FROM after the SELECT list"));
        }
        let table = self.next();
        match &table.tok {
            Tok::Ident(s) if s.eq_ignore_ascii_case("S3Object") => {}
            Tok::Sym("(") => return Err(S3Error::ParseUnsupportedSelect.err(format!("Subqueries are not supported by S3 Select {}.", at(table.line, table.col)))),
            other => {
                return Err(S3Error::ParseUnexpectedToken.err(format!(
                    "The FROM clause must name S3Object {}, found {}.",
                    at(table.line, table.col),
                    describe(other)
                )));
            }
        }
        let mut from_path = Vec::new();
        let mut from_star = false;
        if self.is_sym("[") {
            let t = self.peek().clone();
            self.next();
            if !self.eat_sym("*") || !self.eat_sym("]") {
                return Err(S3Error::ParseUnexpectedToken.err(format!("Expected `S3Object[*]` {}.", at(t.line, t.col))));
            }
            from_star = true;
            from_path = self.steps(true)?;
        }
        let alias = if self.eat_kw("AS") {
            Name { text: self.alias()?, quoted: false }
        } else {
            match &self.peek().tok {
                Tok::Ident(s) if !reserved(s) => {
                    let s = s.clone();
                    self.next();
                    Name { text: s, quoted: false }
                }
                Tok::Quoted(s) => {
                    let s = s.clone();
                    self.next();
                    Name { text: s, quoted: true }
                }
                _ => Name { text: "S3Object".into(), quoted: false },
            }
        };
        if self.is_sym(",") || self.is_kw("JOIN") || self.is_kw("INNER") || self.is_kw("LEFT") || self.is_kw("RIGHT") || self.is_kw("FULL") {
            return Err(self.err(S3Error::ParseMalformedJoin, "JOIN is not supported by S3 Select (one object per query)"));
        }
        let filter = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        if self.is_kw("GROUP") {
            return Err(self.err(S3Error::ParseExpectedIdentForGroupName, "GROUP BY is not supported by S3 Select"));
        }
        if self.is_kw("ORDER") || self.is_kw("HAVING") || self.is_kw("UNION") || self.is_kw("OFFSET") {
            return Err(self.err(S3Error::ParseUnsupportedSyntax, "S3 Select supports only SELECT, FROM, WHERE and LIMIT clauses"));
        }
        let limit = if self.eat_kw("LIMIT") {
            if self.is_sym("-") && matches!(self.peek_at(1), Tok::Int(_)) {
                return Err(self.err(S3Error::EvaluatorNegativeLimit, "LIMIT must not be negative"));
            }
            match self.peek().tok {
                Tok::Int(n) => {
                    self.next();
                    Some(n as u64)
                }
                _ => return Err(self.err(S3Error::ParseExpectedNumber, "Expected a whole number after LIMIT")),
            }
        } else {
            None
        };
        if self.peek().tok != Tok::Eof {
            let (code, why) = match &self.peek().tok {
                Tok::Ident(s) if reserved(s) => (S3Error::ParseUnExpectedKeyword, "Unexpected keyword"),
                _ => (S3Error::ParseUnexpectedToken, "Unexpected token"),
            };
            return Err(self.err(code, why));
        }
        if let Some(items) = &items
            && self.aggregates > 0
            && let Some(bad) = items.iter().find(|i| has_bare_path(&i.expr))
        {
            return Err(S3Error::UnsupportedSqlStructure.err(format!(
                "The SELECT list mixes aggregate functions with per-record values (`{}`); S3 Select has no GROUP BY, so with an aggregate every projection must be an aggregate or a constant.",
                bad.alias.clone().unwrap_or_else(|| "expression".into())
            )));
        }
        Ok(Query { items, from_path, from_star, alias, filter, limit, aggregates: self.aggregates })
    }

    fn alias(&mut self) -> Result<String, AwsError> {
        match self.peek().tok.clone() {
            Tok::Ident(s) if !reserved(&s) => {
                self.next();
                Ok(s)
            }
            Tok::Quoted(s) => {
                self.next();
                Ok(s)
            }
            _ => Err(self.err(S3Error::ParseExpectedIdentForAlias, "Expected an identifier for the alias")),
        }
    }

    /// Path steps after a name: `.name`, `."Name"`, `[3]`, `['name']`, and (FROM only) `[*]`, `.*`.
    fn steps(&mut self, wildcards: bool) -> Result<Vec<Step>, AwsError> {
        let mut steps = Vec::new();
        loop {
            if self.is_sym(".") {
                self.next();
                let t = self.next();
                match t.tok {
                    Tok::Ident(s) if reserved(&s) => return Err(keyword_error(&s, t.line, t.col)),
                    Tok::Ident(s) => steps.push(Step::Field(Name { text: s, quoted: false })),
                    Tok::Quoted(s) => steps.push(Step::Field(Name { text: s, quoted: true })),
                    Tok::Sym("*") if wildcards => steps.push(Step::Wildcard),
                    Tok::Sym("*") => {
                        return Err(S3Error::ParseInvalidContextForWildcardInSelectList.err(format!("`.*` is only allowed in the FROM clause {}.", at(t.line, t.col))));
                    }
                    other => return Err(S3Error::ParseUnexpectedToken.err(format!("Expected a field name after `.` {}, found {}.", at(t.line, t.col), describe(&other)))),
                }
            } else if self.is_sym("[") {
                self.next();
                let t = self.next();
                match t.tok {
                    Tok::Int(n) => steps.push(Step::Index(n)),
                    Tok::Str(s) => steps.push(Step::Field(Name { text: s, quoted: true })),
                    Tok::Sym("*") if wildcards => steps.push(Step::Wildcard),
                    Tok::Sym("*") => {
                        return Err(S3Error::ParseInvalidContextForWildcardInSelectList.err(format!("`[*]` is only allowed in the FROM clause {}.", at(t.line, t.col))));
                    }
                    other => return Err(S3Error::ParseUnexpectedToken.err(format!("Expected an index, a quoted name or `*` inside `[]` {}, found {}.", at(t.line, t.col), describe(&other)))),
                }
                if !self.eat_sym("]") {
                    return Err(self.err(S3Error::ParseUnexpectedToken, "Expected `]`"));
                }
            } else {
                return Ok(steps);
            }
        }
    }

    fn expr(&mut self) -> Result<Expr, AwsError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(S3Error::MaxOperatorsExceeded.err(format!("Failed to parse SQL expression, try reducing complexity: nesting deeper than {MAX_NESTING} levels {}.", self.here())));
        }
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.and()?;
        while self.eat_kw("OR") {
            self.operator()?;
            e = Expr::Bin(BinOp::Or, Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.not()?;
        while self.eat_kw("AND") {
            self.operator()?;
            e = Expr::Bin(BinOp::And, Box::new(e), Box::new(self.not()?));
        }
        Ok(e)
    }

    fn not(&mut self) -> Result<Expr, AwsError> {
        if self.eat_kw("NOT") {
            self.operator()?;
            self.depth += 1;
            let inner = self.not();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        self.equality()
    }

    fn equality(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.comparison()?;
        loop {
            let op = if self.is_sym("=") {
                BinOp::Eq
            } else if self.is_sym("<>") || self.is_sym("!=") {
                BinOp::Ne
            } else {
                return Ok(e);
            };
            self.next();
            self.operator()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.comparison()?));
        }
    }

    fn comparison(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.predicate()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("<") => BinOp::Lt,
                Tok::Sym("<=") => BinOp::Le,
                Tok::Sym(">") => BinOp::Gt,
                Tok::Sym(">=") => BinOp::Ge,
                _ => return Ok(e),
            };
            self.next();
            self.operator()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.predicate()?));
        }
    }

    /// `IS [NOT] NULL|MISSING`, `[NOT] IN (...)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE p [ESCAPE e]`.
    fn predicate(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.additive()?;
        loop {
            if self.eat_kw("IS") {
                self.operator()?;
                let negated = self.eat_kw("NOT");
                let missing = if self.eat_kw("NULL") {
                    false
                } else if self.eat_kw("MISSING") {
                    true
                } else {
                    return Err(self.err(S3Error::ParseExpectedKeyword, "Expected NULL or MISSING after IS"));
                };
                e = Expr::Is { expr: Box::new(e), missing, negated };
                continue;
            }
            let negated = self.is_kw("NOT") && matches!(self.peek_at(1), Tok::Ident(s) if ["IN", "BETWEEN", "LIKE"].iter().any(|k| k.eq_ignore_ascii_case(s)));
            if negated {
                self.next();
            }
            if self.eat_kw("IN") {
                self.operator()?;
                if !self.eat_sym("(") {
                    return Err(self.err(S3Error::ParseExpectedTokenType, "Expected `(` after IN"));
                }
                if self.is_kw("SELECT") {
                    return Err(self.err(S3Error::ParseUnsupportedSelect, "Subqueries are not supported by S3 Select"));
                }
                let mut list = vec![self.expr()?];
                while self.eat_sym(",") {
                    list.push(self.expr()?);
                }
                self.close_paren()?;
                e = Expr::In { expr: Box::new(e), list, negated };
            } else if self.eat_kw("BETWEEN") {
                self.operator()?;
                let lo = self.additive()?;
                self.expect_kw("AND")?;
                let hi = self.additive()?;
                e = Expr::Between { expr: Box::new(e), lo: Box::new(lo), hi: Box::new(hi), negated };
            } else if self.eat_kw("LIKE") {
                self.operator()?;
                let pattern = self.additive()?;
                let escape = if self.eat_kw("ESCAPE") { Some(Box::new(self.additive()?)) } else { None };
                e = Expr::Like { expr: Box::new(e), pattern: Box::new(pattern), escape, negated };
            } else {
                return Ok(e);
            }
        }
    }

    fn additive(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.multiplicative()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("+") => BinOp::Add,
                Tok::Sym("-") => BinOp::Sub,
                Tok::Sym("||") => BinOp::Concat,
                _ => return Ok(e),
            };
            self.next();
            self.operator()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, AwsError> {
        let mut e = self.unary()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Sym("*") => BinOp::Mul,
                Tok::Sym("/") => BinOp::Div,
                Tok::Sym("%") => BinOp::Mod,
                _ => return Ok(e),
            };
            self.next();
            self.operator()?;
            e = Expr::Bin(op, Box::new(e), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, AwsError> {
        if self.is_sym("-") || self.is_sym("+") {
            let neg = self.is_sym("-");
            self.next();
            self.operator()?;
            self.depth += 1;
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            return Ok(match (neg, inner) {
                (true, Expr::Lit(Value::Int(n))) => Expr::Lit(Value::Int(-n)),
                (true, Expr::Lit(Value::Float(f))) => Expr::Lit(Value::Float(-f)),
                (true, e) => Expr::Neg(Box::new(e)),
                (false, e) => e,
            });
        }
        self.primary()
    }

    fn date_part(&mut self) -> Result<DatePart, AwsError> {
        let part = match &self.peek().tok {
            Tok::Ident(s) => DatePart::parse(s),
            _ => None,
        };
        match part {
            Some(p) => {
                self.next();
                Ok(p)
            }
            None => Err(self.err(S3Error::ParseExpectedDatePart, "Expected a date part (year, month, day, hour, minute, second, timezone_hour, timezone_minute)")),
        }
    }

    fn comma(&mut self) -> Result<(), AwsError> {
        if self.eat_sym(",") { Ok(()) } else { Err(self.err(S3Error::ParseExpectedArgumentDelimiter, "Expected `,` between the arguments")) }
    }

    fn args(&mut self) -> Result<Vec<Expr>, AwsError> {
        let mut args = Vec::new();
        if self.eat_sym(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat_sym(")") {
                return Ok(args);
            }
            if !self.is_sym(",") {
                return Err(self.err(S3Error::ParseExpectedRightParenBuiltinFunctionCall, "Expected `,` or `)` in the argument list"));
            }
            self.next();
        }
    }

    fn primary(&mut self) -> Result<Expr, AwsError> {
        let t = self.peek().clone();
        let (line, col) = (t.line, t.col);
        match t.tok {
            Tok::Int(n) => {
                self.next();
                Ok(Expr::Lit(Value::Int(n)))
            }
            Tok::Dec(f) => {
                self.next();
                Ok(Expr::Lit(Value::Float(f)))
            }
            Tok::Str(s) => {
                self.next();
                Ok(Expr::Lit(Value::Str(s)))
            }
            Tok::Ion(s) => {
                self.next();
                let ts = parse_timestamp(&s).ok_or_else(|| S3Error::LexerInvalidIONLiteral.err(format!("`` `{s}` `` {} is not a timestamp literal (e.g. `2010-01-01T`).", at(line, col))))?;
                Ok(Expr::Lit(Value::Ts(ts)))
            }
            Tok::Sym("[") => {
                self.next();
                self.depth += 1;
                let mut items = Vec::new();
                let r = loop {
                    if self.eat_sym("]") {
                        break Ok(Expr::List(items));
                    }
                    if !items.is_empty() && !self.eat_sym(",") {
                        break Err(self.err(S3Error::ParseUnexpectedToken, "Expected `,` or `]` in a list"));
                    }
                    match self.expr() {
                        Ok(e) => items.push(e),
                        Err(e) => break Err(e),
                    }
                };
                self.depth -= 1;
                r
            }
            Tok::Sym("(") => {
                self.next();
                if self.is_kw("SELECT") {
                    return Err(self.err(S3Error::ParseUnsupportedSelect, "Subqueries are not supported by S3 Select"));
                }
                let e = self.expr()?;
                if !self.eat_sym(")") {
                    return Err(self.err(S3Error::ParseUnexpectedToken, "Expected `)`"));
                }
                Ok(e)
            }
            Tok::Quoted(s) => {
                self.next();
                let steps = self.steps(false)?;
                Ok(Expr::Path(Name { text: s, quoted: true }, steps))
            }
            Tok::Ident(word) => {
                let up = word.to_ascii_uppercase();
                let call = self.peek_at(1) == &Tok::Sym("(");
                match up.as_str() {
                    "TRUE" | "FALSE" => {
                        self.next();
                        Ok(Expr::Lit(Value::Bool(up == "TRUE")))
                    }
                    "NULL" => {
                        self.next();
                        Ok(Expr::Lit(Value::Null))
                    }
                    "MISSING" => {
                        self.next();
                        Ok(Expr::Lit(Value::Missing))
                    }
                    "CASE" => {
                        self.next();
                        self.case()
                    }
                    "CAST" => {
                        self.next();
                        self.open_paren("CAST")?;
                        let e = self.expr()?;
                        if !self.eat_kw("AS") {
                            return Err(self.err(S3Error::ParseCastArity, "CAST takes one expression and a type: `CAST(expr AS type)`; expected AS"));
                        }
                        let ty = match &self.peek().tok {
                            Tok::Ident(s) => SqlType::parse(s).ok_or_else(|| self.err(S3Error::InvalidDataType, "Expected a data type (BOOL, INT, INTEGER, STRING, FLOAT, DECIMAL, NUMERIC, TIMESTAMP)"))?,
                            _ => return Err(self.err(S3Error::ParseExpectedTypeName, "Expected a type name")),
                        };
                        self.next();
                        if !self.eat_sym(")") {
                            return Err(self.err(S3Error::ParseCastArity, "Expected `)` to close CAST"));
                        }
                        Ok(Expr::Cast(Box::new(e), ty))
                    }
                    _ if call && (FUNCTIONS.contains(&up.as_str()) || !reserved(&word)) => {
                        self.next();
                        self.next();
                        self.depth += 1;
                        let r = self.call(&up, line, col);
                        self.depth -= 1;
                        r
                    }
                    _ if reserved(&word) => Err(keyword_error(&word, line, col)),
                    _ => {
                        self.next();
                        let steps = self.steps(false)?;
                        Ok(Expr::Path(Name { text: word, quoted: false }, steps))
                    }
                }
            }
            Tok::Sym("*") => Err(self.err(S3Error::ParseInvalidContextForWildcardInSelectList, "`*` is not an expression here")),
            Tok::Sym(_) | Tok::Eof => Err(self.err(S3Error::ParseExpectedExpression, "Expected an expression")),
        }
    }

    fn case(&mut self) -> Result<Expr, AwsError> {
        if self.is_kw("END") || self.is_kw("ELSE") {
            return Err(self.err(S3Error::ParseExpectedWhenClause, "Expected WHEN in CASE"));
        }
        let operand = if self.is_kw("WHEN") { None } else { Some(Box::new(self.expr()?)) };
        if !self.is_kw("WHEN") {
            return Err(self.err(S3Error::ParseExpectedWhenClause, "Expected WHEN in CASE"));
        }
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            self.operator()?;
            let cond = self.expr()?;
            self.expect_kw("THEN")?;
            whens.push((cond, self.expr()?));
        }
        let default = if self.eat_kw("ELSE") { Some(Box::new(self.expr()?)) } else { None };
        self.expect_kw("END")?;
        Ok(Expr::Case { operand, whens, default })
    }

    /// A function call; the name and `(` are consumed.
    fn call(&mut self, name: &str, line: usize, col: usize) -> Result<Expr, AwsError> {
        let arity = |args: &[Expr], ok: &dyn Fn(usize) -> bool, want: &str| -> Result<(), AwsError> {
            if ok(args.len()) {
                Ok(())
            } else {
                Err(S3Error::EvaluatorInvalidArguments.err(format!("{name} takes {want} argument(s), got {} {}.", args.len(), at(line, col))))
            }
        };
        let agg = match name {
            "COUNT" => Some(Agg::Count),
            "SUM" => Some(Agg::Sum),
            "AVG" => Some(Agg::Avg),
            "MIN" => Some(Agg::Min),
            "MAX" => Some(Agg::Max),
            _ => None,
        };
        if let Some(func) = agg {
            if !self.agg_ok {
                return Err(S3Error::UnsupportedSqlStructure.err(format!(
                    "The aggregate function {name} {} is allowed only in the SELECT list, and not inside another aggregate.",
                    at(line, col)
                )));
            }
            if self.eat_sym("*") {
                if func != Agg::Count {
                    return Err(S3Error::ParseUnsupportedCallWithStar.err(format!("Only COUNT accepts `*` as its argument {}.", at(line, col))));
                }
                self.close_paren()?;
                let slot = self.aggregates;
                self.aggregates += 1;
                return Ok(Expr::Agg { func, arg: None, slot });
            }
            self.agg_ok = false;
            let args = self.args();
            self.agg_ok = true;
            let mut args = args?;
            if args.len() != 1 {
                return Err(S3Error::ParseNonUnaryAgregateFunctionCall.err(format!("{name} takes exactly one argument, got {} {}.", args.len(), at(line, col))));
            }
            let slot = self.aggregates;
            self.aggregates += 1;
            return Ok(Expr::Agg { func, arg: Some(Box::new(args.remove(0))), slot });
        }
        match name {
            "EXTRACT" => {
                let part = self.date_part()?;
                self.expect_kw("FROM")?;
                let e = self.expr()?;
                self.close_paren()?;
                Ok(Expr::Extract(part, Box::new(e)))
            }
            "DATE_ADD" | "DATE_DIFF" => {
                let part = self.date_part()?;
                self.comma()?;
                let a = self.expr()?;
                self.comma()?;
                let b = self.expr()?;
                self.close_paren()?;
                Ok(if name == "DATE_ADD" { Expr::DateAdd(part, Box::new(a), Box::new(b)) } else { Expr::DateDiff(part, Box::new(a), Box::new(b)) })
            }
            "TRIM" => {
                let spec = if self.eat_kw("LEADING") {
                    Some(TrimSpec::Leading)
                } else if self.eat_kw("TRAILING") {
                    Some(TrimSpec::Trailing)
                } else if self.eat_kw("BOTH") {
                    Some(TrimSpec::Both)
                } else {
                    None
                };
                let (chars, expr) = if spec.is_some() && self.eat_kw("FROM") {
                    (None, self.expr()?)
                } else {
                    let first = self.expr()?;
                    if self.eat_kw("FROM") { (Some(Box::new(first)), self.expr()?) } else { (None, first) }
                };
                self.close_paren()?;
                Ok(Expr::Trim { spec: spec.unwrap_or(TrimSpec::Both), chars, expr: Box::new(expr) })
            }
            "SUBSTRING" => {
                let s = self.expr()?;
                let mut args = vec![s];
                if self.eat_kw("FROM") {
                    args.push(self.expr()?);
                    if self.eat_kw("FOR") {
                        args.push(self.expr()?);
                    }
                    self.close_paren()?;
                } else {
                    if !self.is_sym(",") {
                        return Err(self.err(S3Error::ParseExpectedArgumentDelimiter, "Expected `,` or FROM in SUBSTRING"));
                    }
                    self.next();
                    let rest = self.args()?;
                    args.extend(rest);
                }
                arity(&args, &|n| n == 2 || n == 3, "2 or 3")?;
                Ok(Expr::Call(Func::Substring, args))
            }
            _ => {
                let func = match name {
                    "CHAR_LENGTH" | "CHARACTER_LENGTH" => Func::CharLength,
                    "LOWER" => Func::Lower,
                    "UPPER" => Func::Upper,
                    "COALESCE" => Func::Coalesce,
                    "NULLIF" => Func::NullIf,
                    "UTCNOW" => Func::UtcNow,
                    "TO_TIMESTAMP" => Func::ToTimestamp,
                    "TO_STRING" => Func::ToString,
                    _ => return Err(S3Error::UnsupportedFunction.err(format!("`{name}` {} is not a function S3 Select supports.", at(line, col)))),
                };
                let args = self.args()?;
                match func {
                    Func::CharLength | Func::Lower | Func::Upper | Func::ToTimestamp => arity(&args, &|n| n == 1, "1")?,
                    Func::Coalesce => arity(&args, &|n| n >= 1, "1 or more")?,
                    Func::NullIf | Func::ToString => arity(&args, &|n| n == 2, "2")?,
                    Func::UtcNow => arity(&args, &|n| n == 0, "no")?,
                    Func::Substring => unreachable!("handled above"),
                }
                Ok(Expr::Call(func, args))
            }
        }
    }
}

/// Whether `e` reads the record outside any aggregate.
fn has_bare_path(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Agg { .. } => false,
        Expr::Path(..) => true,
        Expr::Neg(a) | Expr::Not(a) | Expr::Cast(a, _) | Expr::Extract(_, a) => has_bare_path(a),
        Expr::Bin(_, a, b) | Expr::DateAdd(_, a, b) | Expr::DateDiff(_, a, b) => has_bare_path(a) || has_bare_path(b),
        Expr::Like { expr, pattern, escape, .. } => has_bare_path(expr) || has_bare_path(pattern) || escape.as_deref().is_some_and(has_bare_path),
        Expr::Between { expr, lo, hi, .. } => has_bare_path(expr) || has_bare_path(lo) || has_bare_path(hi),
        Expr::In { expr, list, .. } => has_bare_path(expr) || list.iter().any(has_bare_path),
        Expr::Is { expr, .. } => has_bare_path(expr),
        Expr::Case { operand, whens, default } => {
            operand.as_deref().is_some_and(has_bare_path) || whens.iter().any(|(a, b)| has_bare_path(a) || has_bare_path(b)) || default.as_deref().is_some_and(has_bare_path)
        }
        Expr::Call(_, args) | Expr::List(args) => args.iter().any(has_bare_path),
        Expr::Trim { chars, expr, .. } => chars.as_deref().is_some_and(has_bare_path) || has_bare_path(expr),
    }
}

/// AWS's documented maximum length of an SQL expression: 256 KB.
pub const MAX_EXPRESSION_BYTES: usize = 256 * 1024;

/// Parses one S3 Select statement.
pub fn parse(sql: &str) -> Result<Query, AwsError> {
    if sql.len() > MAX_EXPRESSION_BYTES {
        return Err(S3Error::ExpressionTooLong.err(format!(
            "The SQL expression is too long: {} bytes. The maximum byte-length for an SQL expression is 256 KB.",
            sql.len()
        )));
    }
    let toks = lex(sql)?;
    let mut p = Parser { toks, pos: 0, depth: 0, operators: 0, aggregates: 0, agg_ok: false };
    p.query()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(sql: &str) -> String {
        parse(sql).expect_err(sql).code
    }

    #[test]
    fn the_reference_forms_parse() {
        let q = parse("SELECT s.name, CAST(s.age AS INT) AS age FROM S3Object s WHERE s.city = 'Paris' LIMIT 5").unwrap();
        let items = q.items.unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].alias.as_deref(), Some("age"));
        assert_eq!(q.alias.text, "s");
        assert_eq!(q.limit, Some(5));
        let q = parse("select * from s3object").unwrap();
        assert!(q.items.is_none());
        assert_eq!(q.alias.text, "S3Object");
        // "FROM S3Object[*].path alias" for JSON documents.
        let q = parse("SELECT r.id FROM S3Object[*].Rules[*] r").unwrap();
        assert_eq!(q.from_path, vec![Step::Field(Name { text: "Rules".into(), quoted: false }), Step::Wildcard]);
        assert!(q.from_star);
    }

    #[test]
    fn precedence_follows_the_reference_table() {
        // * binds tighter than +, AND tighter than OR.
        let q = parse("SELECT 1 + 2 * 3 FROM S3Object WHERE a = 1 OR b = 2 AND c = 3").unwrap();
        match &q.items.unwrap()[0].expr {
            Expr::Bin(BinOp::Add, _, r) => assert!(matches!(**r, Expr::Bin(BinOp::Mul, _, _))),
            e => panic!("{e:?}"),
        }
        assert!(matches!(q.filter, Some(Expr::Bin(BinOp::Or, _, _))));
    }

    #[test]
    fn errors_carry_s3_select_codes_and_positions() {
        // `FORM` reads as an alias without AS, so FROM is missing where `S3Object` stands.
        let e = parse("SELECT s.a FORM S3Object s").unwrap_err();
        assert_eq!(e.code, "ParseSelectMissingFrom");
        assert!(e.message.contains("line 1, column 17"), "{}", e.message);
        let e = parse("SELECT s.a\nFROM S3Object s WHERE").unwrap_err();
        assert_eq!(e.code, "ParseExpectedExpression");
        assert!(e.message.contains("line 2, column 22"), "{}", e.message);
        assert_eq!(code("SELECT FROM S3Object"), "ParseEmptySelect");
        assert_eq!(code("SELECT a"), "ParseSelectMissingFrom");
        assert_eq!(code("SELECT *, a FROM S3Object"), "ParseAsteriskIsNotAloneInSelectList");
        assert_eq!(code("SELECT SUM(*) FROM S3Object"), "ParseUnsupportedCallWithStar");
        assert_eq!(code("SELECT SUM(a, b) FROM S3Object"), "ParseNonUnaryAgregateFunctionCall");
        assert_eq!(code("SELECT LOWER(a, b) FROM S3Object"), "EvaluatorInvalidArguments");
        assert_eq!(code("SELECT FOO(a) FROM S3Object"), "UnsupportedFunction");
        assert_eq!(code("SELECT CAST a AS INT) FROM S3Object"), "ParseExpectedLeftParenAfterCast");
        assert_eq!(code("SELECT CAST(a AS BLOB) FROM S3Object"), "InvalidDataType");
        assert_eq!(code("SELECT * FROM S3Object LIMIT -1"), "EvaluatorNegativeLimit");
        assert_eq!(code("SELECT * FROM S3Object LIMIT x"), "ParseExpectedNumber");
        assert_eq!(code("SELECT * FROM S3Object GROUP BY a"), "ParseExpectedIdentForGroupName");
        assert_eq!(code("SELECT * FROM S3Object a, S3Object b"), "ParseMalformedJoin");
        assert_eq!(code("SELECT * FROM S3Object WHERE a IN (SELECT 1 FROM S3Object)"), "ParseUnsupportedSelect");
        assert_eq!(code("SELECT a # b FROM S3Object"), "LexerInvalidChar");
        assert_eq!(code("SELECT 'abc FROM S3Object"), "LexerInvalidLiteral");
        assert_eq!(code("SELECT CASE END FROM S3Object"), "ParseExpectedWhenClause");
        assert_eq!(code("SELECT a, COUNT(*) FROM S3Object"), "UnsupportedSqlStructure");
        assert_eq!(code("SELECT * FROM S3Object WHERE COUNT(*) > 1"), "UnsupportedSqlStructure");
        assert_eq!(code("SELECT * FROM S3Object s WHERE s.a[*] = 1"), "ParseInvalidContextForWildcardInSelectList");
        assert_eq!(code("SELECT 99999999999999999999 FROM S3Object"), "NumberFormatError");
        assert_eq!(code("UPDATE S3Object SET a = 1"), "ParseUnexpectedToken");
        assert_eq!(code("SELECT * FROM S3Object WHERE EXTRACT(week FROM a) = 1"), "ParseExpectedDatePart");
    }

    #[test]
    fn limits_are_enforced() {
        // "The maximum byte-length for an SQL expression is 256 KB."
        let long = format!("SELECT * FROM S3Object WHERE s = '{}'", "x".repeat(MAX_EXPRESSION_BYTES));
        assert_eq!(code(&long), "ExpressionTooLong");
        let deep = format!("SELECT {}1{} FROM S3Object", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(code(&deep), "MaxOperatorsExceeded");
        let wide = format!("SELECT {} FROM S3Object", vec!["1"; 5000].join(" + "));
        assert_eq!(code(&wide), "MaxOperatorsExceeded");
        let nots = format!("SELECT * FROM S3Object WHERE {} TRUE", "NOT ".repeat(5000));
        assert_eq!(code(&nots), "MaxOperatorsExceeded");
        let negs = format!("SELECT {}1 FROM S3Object", "- ".repeat(5000));
        assert_eq!(code(&negs), "MaxOperatorsExceeded");
        // Just under the caps parses (and evaluates, see eval's tests).
        assert!(parse(&format!("SELECT {} FROM S3Object", vec!["1"; MAX_OPERATORS].join(" + "))).is_ok());
        assert!(parse(&format!("SELECT {}1{} FROM S3Object", "(".repeat(MAX_NESTING - 1), ")".repeat(MAX_NESTING - 1))).is_ok());
    }

    /// Random and mutated SQL never panics: every input parses or gives an AWS error.
    #[test]
    fn mutated_sql_never_panics() {
        let seeds = [
            "SELECT s.name, CAST(s.age AS INT) AS age FROM S3Object s WHERE s.city LIKE 'P%' ESCAPE '!' LIMIT 5",
            "SELECT COUNT(*), AVG(CAST(s._2 AS FLOAT)) FROM S3Object s WHERE s._3 BETWEEN 'a' AND 'm'",
            "SELECT CASE WHEN a IS NOT MISSING THEN UPPER(TRIM(LEADING 'x' FROM a)) ELSE COALESCE(b, NULLIF(c, 1)) END FROM S3Object[*].x[0].y r",
            "SELECT SUBSTRING(a FROM 2 FOR 3), DATE_ADD(day, 1, `2020-01-01T`), EXTRACT(year FROM UTCNOW()) FROM S3Object WHERE x IN (1, 2.5, 'q') AND NOT y = -3 % 2",
        ];
        let alphabet: Vec<char> = "SELECTFROMWHERE s.*,()[]'\"`-+/%<>=!|_0123456789aAzZ \n\té".chars().collect();
        let mut rng = crate::world::SimRng::new(7);
        for round in 0..4000 {
            let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
            for _ in 0..=rng.below(6) {
                let pos = rng.below(chars.len() as u64 + 1) as usize;
                match rng.below(3) {
                    0 if pos < chars.len() => {
                        chars.remove(pos);
                    }
                    1 if pos < chars.len() => chars[pos] = alphabet[rng.below(alphabet.len() as u64) as usize],
                    _ => chars.insert(pos, alphabet[rng.below(alphabet.len() as u64) as usize]),
                }
            }
            let sql: String = chars.into_iter().collect();
            if let Err(e) = parse(&sql) {
                assert_eq!(e.status_code, 400, "{sql}: {e:?}");
                assert!(!e.code.is_empty());
            }
        }
        // Pure noise too.
        for _ in 0..2000 {
            let n = rng.below(40) as usize;
            let sql: String = (0..n).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
            let _ = parse(&sql);
        }
    }
}
