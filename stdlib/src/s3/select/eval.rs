//! Evaluating S3 Select expressions against one record, and the aggregates.
//!
//! Semantics (PartiQL's permissive mode, as S3 Select runs it):
//! 1. A field a record does not have is MISSING; MISSING and NULL propagate through
//!    operators and functions; `WHERE` keeps a record only when its condition is TRUE.
//! 2. `AND`/`OR`/`NOT` are three-valued (`FALSE AND NULL` is FALSE, `TRUE OR NULL` is TRUE).
//! 3. CSV fields are strings ("If CAST is not defined, then all input data is treated as a
//!    string"), and S3 Select does not convert them by itself: ordering or adding a string
//!    and a number is `ExternalEvalException` ("The query cannot be evaluated"), `=` between
//!    different types is FALSE, SUM/AVG of strings is `IncorrectSqlFunctionArgumentType`,
//!    and date functions want timestamps (TO_TIMESTAMP). Two strings compare as text
//!    (`'10' < '9'`): CAST is how a CSV column becomes a number.
//! 4. Integer arithmetic is 8-byte and checked (`IntegerOverflow`); `/` on integers truncates;
//!    division by zero is an evaluation error.
//! 5. CSV columns are named `_1`, `_2`, ... (from 1: `_0` is `InvalidColumnIndex`) or, with
//!    `FileHeaderInfo: USE`, by header: case-insensitively unless double-quoted; a name that
//!    matches two headers is `AmbiguousFieldName`; a name no header has is
//!    `MissingHeaderName` (the SQL reference's example: header `NAME`, `s."name"`). JSON
//!    attributes follow the same case rule and are MISSING when absent.
//! 6. A JSON record is named by the FROM alias, by the last name of the FROM path
//!    (`SELECT price FROM S3Object[*].books[*].price`), or `_1` when the path ends in a
//!    wildcard or is empty (`SELECT _1.dir_name FROM S3Object[*]`).

use chrono::{DateTime, FixedOffset};

use super::sql::{Agg, BinOp, Expr, Func, Name, Step, TrimSpec};
use super::value::{DatePart, Value, parse_timestamp, to_string};
use crate::s3::error::S3Error;
use crate::world::{AwsError, ErrorCode};

/// One input record.
pub enum Record<'a> {
    /// A CSV row and, with `FileHeaderInfo: USE`, the header names.
    Csv { fields: &'a [String], headers: Option<&'a [String]> },
    Json(&'a Value),
}

/// What evaluation needs besides the record.
pub struct Env<'a> {
    pub alias: &'a Name,
    /// The other name of a JSON record (rule 6).
    pub row: &'a str,
    /// UTCNOW(): the world's clock, never the wall clock.
    pub now: DateTime<FixedOffset>,
    /// The aggregate results, when projecting an aggregate query's single row.
    pub aggs: Option<&'a [Value]>,
}

type R = Result<Value, AwsError>;

fn positional(name: &Name) -> Option<Result<usize, AwsError>> {
    let digits = name.text.strip_prefix('_')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match digits.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(S3Error::InvalidColumnIndex.err(format!("The column index in the SQL expression is not valid: `{}` (columns are numbered from _1).", name.text))),
    })
}

fn csv_column(fields: &[String], headers: Option<&[String]>, name: &Name) -> R {
    if let Some(i) = positional(name) {
        return Ok(fields.get(i?).map_or(Value::Missing, |f| Value::Str(f.clone())));
    }
    let Some(headers) = headers else {
        return Err(S3Error::MissingHeaderName.err(format!(
            "The column `{}` does not exist: without `FileHeaderInfo: USE` the columns are named by position (`_1`, `_2`, ...).",
            name.text
        )));
    };
    let hits: Vec<usize> = headers.iter().enumerate().filter(|(_, h)| name.matches(h)).map(|(i, _)| i).collect();
    match hits.as_slice() {
        [] => Err(S3Error::MissingHeaderName.err(format!(
            "The column `{}` does not exist in the file's header{}.",
            name.text,
            if name.quoted { " (a double-quoted name matches its case exactly)" } else { "" }
        ))),
        [i] => Ok(fields.get(*i).map_or(Value::Missing, |f| Value::Str(f.clone()))),
        _ => Err(S3Error::AmbiguousFieldName.err(format!(
            "The field name `{}` matches multiple fields in the file. Check the SQL expression and the file, and try again (double-quote the name to match its case exactly).",
            name.text
        ))),
    }
}

fn field<'v>(fields: &'v [(String, Value)], name: &Name) -> Option<&'v Value> {
    fields.iter().find(|(k, _)| *k == name.text).or_else(|| if name.quoted { None } else { fields.iter().find(|(k, _)| name.matches(k)) }).map(|(_, v)| v)
}

/// Follows `steps` from `v` (no wildcards: those are for FROM and are expanded there).
pub fn walk<'v>(mut v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    for s in steps {
        v = match (s, v) {
            (Step::Field(n), Value::Struct(fs)) => field(fs, n)?,
            (Step::Index(i), Value::List(items)) => items.get(usize::try_from(*i).ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// The whole record as a value (a CSV row becomes a structure named by header or position).
pub fn record_value(rec: &Record) -> Value {
    match rec {
        Record::Json(v) => (*v).clone(),
        Record::Csv { fields, headers } => Value::Struct(
            fields
                .iter()
                .enumerate()
                .map(|(i, f)| (headers.and_then(|h| h.get(i).cloned()).unwrap_or_else(|| format!("_{}", i + 1)), Value::Str(f.clone())))
                .collect(),
        ),
    }
}

fn path(name: &Name, steps: &[Step], rec: &Record, env: &Env) -> R {
    let is_alias = if name.quoted || env.alias.quoted { name.text == env.alias.text } else { name.text.eq_ignore_ascii_case(&env.alias.text) };
    match rec {
        Record::Csv { fields, headers } => {
            let (col, rest) = match (is_alias, steps.first()) {
                (true, Some(Step::Field(f))) => (csv_column(fields, *headers, f)?, &steps[1..]),
                (true, _) => (record_value(rec), steps),
                (false, _) => (csv_column(fields, *headers, name)?, steps),
            };
            Ok(walk(&col, rest).cloned().unwrap_or(Value::Missing))
        }
        Record::Json(v) => {
            let found = if is_alias || name.matches(env.row) {
                walk(v, steps)
            } else {
                match v {
                    Value::Struct(fs) => field(fs, name).and_then(|f| walk(f, steps)),
                    _ => None,
                }
            };
            Ok(found.cloned().unwrap_or(Value::Missing))
        }
    }
}

fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn arg_type(func: &str, v: &Value, want: &str) -> AwsError {
    S3Error::IncorrectSqlFunctionArgumentType.err(format!(
        "An incorrect argument type was specified in a function call in the SQL expression: {func} needs {want}, got {} `{}`.",
        v.type_name(),
        v.to_text()
    ))
}

fn overflow() -> AwsError {
    S3Error::IntegerOverflow.err("An integer overflow or underflow occurred in the SQL expression.")
}

fn arith(op: BinOp, a: &Value, b: &Value) -> R {
    if op == BinOp::Concat {
        return Ok(match (a, b) {
            (Value::Missing, _) | (_, Value::Missing) => Value::Missing,
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
            _ => return Err(arg_type("||", if matches!(a, Value::Str(_)) { b } else { a }, "strings")),
        });
    }
    if a.is_absent() || b.is_absent() {
        return Ok(if *a == Value::Missing || *b == Value::Missing { Value::Missing } else { Value::Null });
    }
    if a.as_f64().is_none() || b.as_f64().is_none() {
        return Err(mismatch("compute with", a, b));
    }
    let (x, y) = (a.clone(), b.clone());
    let div0 = || S3Error::ExternalEvalException.err("The query cannot be evaluated: division by zero.");
    Ok(match (x, y) {
        (Value::Int(x), Value::Int(y)) => Value::Int(match op {
            BinOp::Add => x.checked_add(y).ok_or_else(overflow)?,
            BinOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
            BinOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
            BinOp::Div if y == 0 => return Err(div0()),
            BinOp::Div => x.checked_div(y).ok_or_else(overflow)?,
            BinOp::Mod if y == 0 => return Err(div0()),
            BinOp::Mod => x.checked_rem(y).ok_or_else(overflow)?,
            _ => unreachable!("arithmetic operator"),
        }),
        (x, y) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            if matches!(op, BinOp::Div | BinOp::Mod) && y == 0.0 {
                return Err(div0());
            }
            Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                BinOp::Mod => x % y,
                _ => unreachable!("arithmetic operator"),
            })
        }
    })
}

/// `ExternalEvalException` for an operation on values of types that do not go together
/// (AWS does not convert a CSV string to a number by itself: CAST it).
fn mismatch(what: &str, a: &Value, b: &Value) -> AwsError {
    S3Error::ExternalEvalException.err(format!(
        "The query cannot be evaluated. Check the file and try again: cannot {what} {} `{}` and {} `{}`{}.",
        a.type_name(),
        a.to_text(),
        b.type_name(),
        b.to_text(),
        if matches!(a, Value::Str(_)) != matches!(b, Value::Str(_)) { " (CSV fields are strings: CAST them, e.g. CAST(s.age AS INT))" } else { "" }
    ))
}

/// A comparison: NULL/MISSING propagate; values of different types are never equal, and
/// ordering them is `ExternalEvalException`.
fn compare(op: BinOp, a: &Value, b: &Value) -> R {
    if *a == Value::Missing || *b == Value::Missing {
        return Ok(Value::Missing);
    }
    if a.is_absent() || b.is_absent() {
        return Ok(Value::Null);
    }
    use std::cmp::Ordering::*;
    Ok(match a.compare(b) {
        None if matches!(op, BinOp::Eq) => Value::Bool(false),
        None if matches!(op, BinOp::Ne) => Value::Bool(true),
        None => return Err(mismatch("compare", a, b)),
        Some(o) => Value::Bool(match op {
            BinOp::Eq => o == Equal,
            BinOp::Ne => o != Equal,
            BinOp::Lt => o == Less,
            BinOp::Le => o != Greater,
            BinOp::Gt => o == Greater,
            BinOp::Ge => o != Less,
            _ => unreachable!("comparison operator"),
        }),
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Pat {
    Lit(char),
    One,
    Many,
}

fn compile_like(pattern: &str, escape: Option<char>) -> Result<Vec<Pat>, AwsError> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            match chars.next() {
                Some(n) if n == '%' || n == '_' || Some(n) == escape => out.push(Pat::Lit(n)),
                _ => {
                    return Err(S3Error::EvaluatorLikePatternInvalidEscapeSequence.err(format!(
                        "An argument given to the LIKE expression was not valid: in `{pattern}` the escape character must be followed by `%`, `_` or itself."
                    )));
                }
            }
        } else {
            out.push(match c {
                '%' => Pat::Many,
                '_' => Pat::One,
                c => Pat::Lit(c),
            });
        }
    }
    Ok(out)
}

/// Wildcard matching in O(len(s) * len(p)) at worst (no exponential backtracking).
fn like_match(s: &[char], p: &[Pat]) -> bool {
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(Pat::One) => {
                si += 1;
                pi += 1;
            }
            Some(Pat::Lit(c)) if *c == s[si] => {
                si += 1;
                pi += 1;
            }
            Some(Pat::Many) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|x| *x == Pat::Many)
}

fn string_arg<'v>(func: &str, v: &'v Value) -> Result<Option<&'v str>, AwsError> {
    match v {
        Value::Str(s) => Ok(Some(s)),
        v if v.is_absent() => Ok(None),
        v => Err(arg_type(func, v, "a string")),
    }
}

fn int_arg(func: &str, v: &Value) -> Result<Option<i64>, AwsError> {
    match v {
        Value::Int(n) => Ok(Some(*n)),
        Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(Some(f.trunc() as i64)),
        v if v.is_absent() => Ok(None),
        v => Err(arg_type(func, v, "an integer")),
    }
}

fn ts_arg(func: &str, v: &Value) -> Result<Option<DateTime<FixedOffset>>, AwsError> {
    match v {
        Value::Ts(t) => Ok(Some(*t)),
        v if v.is_absent() => Ok(None),
        v => Err(arg_type(func, v, "a timestamp (use TO_TIMESTAMP or CAST(... AS TIMESTAMP))")),
    }
}

/// Propagates MISSING/NULL: `Some(result)` when any of `vals` is absent.
fn absent(vals: &[&Value]) -> Option<Value> {
    if vals.iter().any(|v| **v == Value::Missing) {
        Some(Value::Missing)
    } else if vals.iter().any(|v| **v == Value::Null) {
        Some(Value::Null)
    } else {
        None
    }
}

/// Evaluates `e`. Each kind of expression has its own function so that the recursion
/// (which is as deep as the expression, up to [`super::sql::MAX_OPERATORS`]) keeps small
/// stack frames even in debug builds.
pub fn eval(e: &Expr, rec: &Record, env: &Env) -> R {
    match e {
        Expr::Lit(v) => Ok(v.clone()),
        Expr::Path(name, steps) => path(name, steps, rec, env),
        Expr::Agg { slot, .. } => aggregate(*slot, env),
        Expr::Neg(a) => unary(true, a, rec, env),
        Expr::Not(a) => unary(false, a, rec, env),
        Expr::Bin(op, a, b) => binary(*op, a, b, rec, env),
        Expr::Like { expr, pattern, escape, negated } => like(expr, pattern, escape.as_deref(), *negated, rec, env),
        Expr::Between { expr, lo, hi, negated } => between(expr, lo, hi, *negated, rec, env),
        Expr::In { expr, list, negated } => in_list(expr, list, *negated, rec, env),
        Expr::Is { expr, missing, negated } => is(expr, *missing, *negated, rec, env),
        Expr::Case { operand, whens, default } => case(operand.as_deref(), whens, default.as_deref(), rec, env),
        Expr::Cast(a, ty) => cast(a, *ty, rec, env),
        Expr::Trim { spec, chars, expr } => trim(*spec, chars.as_deref(), expr, rec, env),
        Expr::Extract(part, a) => extract(*part, a, rec, env),
        Expr::DateAdd(part, n, t) => date_add(*part, n, t, rec, env),
        Expr::DateDiff(part, a, b) => date_diff(*part, a, b, rec, env),
        Expr::Call(f, args) => call(*f, args, rec, env),
        Expr::List(items) => items.iter().map(|i| eval(i, rec, env)).collect::<Result<_, _>>().map(Value::List),
    }
}

fn aggregate(slot: usize, env: &Env) -> R {
    match env.aggs {
        Some(a) => Ok(a.get(slot).cloned().unwrap_or(Value::Null)),
        None => Err(S3Error::UnsupportedSqlStructure.err("Aggregate functions are allowed only in the SELECT list.")),
    }
}

fn unary(minus: bool, a: &Expr, rec: &Record, env: &Env) -> R {
    let v = eval(a, rec, env)?;
    if minus { neg(v) } else { Ok(not(v)) }
}

fn binary(op: BinOp, a: &Expr, b: &Expr, rec: &Record, env: &Env) -> R {
    match op {
        BinOp::And | BinOp::Or => logic(op, a, b, rec, env),
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let x = eval(a, rec, env)?;
            compare(op, &x, &eval(b, rec, env)?)
        }
        _ => {
            let x = eval(a, rec, env)?;
            arith(op, &x, &eval(b, rec, env)?)
        }
    }
}

fn is(expr: &Expr, missing: bool, negated: bool, rec: &Record, env: &Env) -> R {
    let v = eval(expr, rec, env)?;
    // `IS NULL` is true for MISSING too (PartiQL); `IS MISSING` only for MISSING.
    let hit = if missing { v == Value::Missing } else { v.is_absent() };
    Ok(Value::Bool(hit != negated))
}

fn cast(a: &Expr, ty: super::value::SqlType, rec: &Record, env: &Env) -> R {
    eval(a, rec, env)?.cast(ty)
}

fn extract(part: DatePart, a: &Expr, rec: &Record, env: &Env) -> R {
    let v = eval(a, rec, env)?;
    Ok(match ts_arg("EXTRACT", &v)? {
        Some(t) => Value::Int(Value::extract(&t, part)),
        None => v,
    })
}

fn neg(v: Value) -> R {
    if let Some(x) = absent(&[&v]) {
        return Ok(x);
    }
    Ok(match v {
        Value::Int(n) => Value::Int(n.checked_neg().ok_or_else(overflow)?),
        Value::Float(f) => Value::Float(-f),
        v => return Err(mismatch("negate", &v, &Value::Int(0))),
    })
}

fn not(v: Value) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::Null,
        _ => Value::Missing,
    }
}

fn logic(op: BinOp, a: &Expr, b: &Expr, rec: &Record, env: &Env) -> R {
    let x = eval(a, rec, env)?;
    let stop = op == BinOp::Or;
    if truth(&x) == Some(stop) {
        return Ok(Value::Bool(stop));
    }
    let y = eval(b, rec, env)?;
    Ok(match (truth(&x), truth(&y)) {
        (_, Some(v)) if v == stop => Value::Bool(stop),
        (Some(_), Some(_)) => Value::Bool(!stop),
        _ if x == Value::Null || y == Value::Null => Value::Null,
        _ => Value::Missing,
    })
}

fn like(expr: &Expr, pattern: &Expr, escape: Option<&Expr>, negated: bool, rec: &Record, env: &Env) -> R {
    let v = eval(expr, rec, env)?;
    let p = eval(pattern, rec, env)?;
    let esc = match escape {
        Some(x) => match eval(x, rec, env)? {
            Value::Str(s) if s.chars().count() == 1 => s.chars().next(),
            other => {
                return Err(S3Error::LikeInvalidInputs.err(format!(
                    "The argument given to the LIKE clause in the SQL expression is not valid: ESCAPE must be a single character, got `{}`.",
                    other.to_text()
                )));
            }
        },
        None => None,
    };
    if let Some(x) = absent(&[&v, &p]) {
        return Ok(x);
    }
    let Value::Str(pat) = &p else {
        return Err(S3Error::LikeInvalidInputs.err(format!("The argument given to the LIKE clause in the SQL expression is not valid: the pattern must be a string, got {}.", p.type_name())));
    };
    let Value::Str(s) = &v else { return Ok(Value::Missing) };
    let compiled = compile_like(pat, esc)?;
    let chars: Vec<char> = s.chars().collect();
    Ok(Value::Bool(like_match(&chars, &compiled) != negated))
}

fn between(expr: &Expr, lo: &Expr, hi: &Expr, negated: bool, rec: &Record, env: &Env) -> R {
    let v = eval(expr, rec, env)?;
    let ge = compare(BinOp::Ge, &v, &eval(lo, rec, env)?)?;
    let le = compare(BinOp::Le, &v, &eval(hi, rec, env)?)?;
    Ok(match (truth(&ge), truth(&le)) {
        (Some(a), Some(b)) => Value::Bool((a && b) != negated),
        _ => absent(&[&ge, &le]).unwrap_or(Value::Missing),
    })
}

fn in_list(expr: &Expr, list: &[Expr], negated: bool, rec: &Record, env: &Env) -> R {
    let v = eval(expr, rec, env)?;
    if let Some(x) = absent(&[&v]) {
        return Ok(x);
    }
    let mut saw_null = false;
    for item in list {
        match compare(BinOp::Eq, &v, &eval(item, rec, env)?)? {
            Value::Bool(true) => return Ok(Value::Bool(!negated)),
            Value::Null => saw_null = true,
            _ => {}
        }
    }
    Ok(if saw_null { Value::Null } else { Value::Bool(negated) })
}

fn case(operand: Option<&Expr>, whens: &[(Expr, Expr)], default: Option<&Expr>, rec: &Record, env: &Env) -> R {
    let subject = match operand {
        Some(o) => Some(eval(o, rec, env)?),
        None => None,
    };
    for (cond, then) in whens {
        let c = eval(cond, rec, env)?;
        let hit = match &subject {
            Some(s) => compare(BinOp::Eq, s, &c)? == Value::Bool(true),
            None => c == Value::Bool(true),
        };
        if hit {
            return eval(then, rec, env);
        }
    }
    match default {
        Some(d) => eval(d, rec, env),
        None => Ok(Value::Null),
    }
}

fn trim(spec: TrimSpec, chars: Option<&Expr>, expr: &Expr, rec: &Record, env: &Env) -> R {
    let v = eval(expr, rec, env)?;
    let set = match chars {
        Some(c) => eval(c, rec, env)?,
        None => Value::Str(" ".into()),
    };
    if let Some(x) = absent(&[&v, &set]) {
        return Ok(x);
    }
    let (Some(s), Some(set)) = (string_arg("TRIM", &v)?, string_arg("TRIM", &set)?) else { return Ok(Value::Null) };
    let pred = |c: char| set.contains(c);
    Ok(Value::Str(
        match spec {
            TrimSpec::Both => s.trim_matches(pred),
            TrimSpec::Leading => s.trim_start_matches(pred),
            TrimSpec::Trailing => s.trim_end_matches(pred),
        }
        .to_string(),
    ))
}

fn date_add(part: DatePart, n: &Expr, t: &Expr, rec: &Record, env: &Env) -> R {
    let (n, t) = (eval(n, rec, env)?, eval(t, rec, env)?);
    if let Some(x) = absent(&[&n, &t]) {
        return Ok(x);
    }
    let (Some(n), Some(t)) = (int_arg("DATE_ADD", &n)?, ts_arg("DATE_ADD", &t)?) else { return Ok(Value::Null) };
    Value::date_add(&t, part, n)
        .map(Value::Ts)
        .ok_or_else(|| S3Error::IllegalSqlFunctionArgument.err("An illegal argument was used in the SQL function: DATE_ADD's result is out of range or the date part cannot be added."))
}

fn date_diff(part: DatePart, a: &Expr, b: &Expr, rec: &Record, env: &Env) -> R {
    let (a, b) = (eval(a, rec, env)?, eval(b, rec, env)?);
    if let Some(x) = absent(&[&a, &b]) {
        return Ok(x);
    }
    let (Some(a), Some(b)) = (ts_arg("DATE_DIFF", &a)?, ts_arg("DATE_DIFF", &b)?) else { return Ok(Value::Null) };
    Value::date_diff(&a, &b, part)
        .map(Value::Int)
        .ok_or_else(|| S3Error::IllegalSqlFunctionArgument.err("An illegal argument was used in the SQL function: DATE_DIFF takes year, month, day, hour, minute or second."))
}

fn call(f: Func, args: &[Expr], rec: &Record, env: &Env) -> R {
    let vals: Vec<Value> = args.iter().map(|a| eval(a, rec, env)).collect::<Result<_, _>>()?;
    let refs: Vec<&Value> = vals.iter().collect();
    Ok(match f {
        Func::UtcNow => Value::Ts(env.now),
        Func::Coalesce => vals.iter().find(|v| !v.is_absent()).cloned().unwrap_or(Value::Null),
        // NULLIF(missing, null) and NULLIF(null, 1) are null; NULLIF(1, '1') is 1.
        Func::NullIf => match compare(BinOp::Eq, &vals[0], &vals[1])? {
            Value::Bool(true) => Value::Null,
            _ if vals[0].is_absent() => Value::Null,
            _ => vals[0].clone(),
        },
        _ if absent(&refs).is_some() => absent(&refs).unwrap_or(Value::Null),
        Func::CharLength => Value::Int(string_arg("CHAR_LENGTH", &vals[0])?.map_or(0, |s| s.chars().count()) as i64),
        Func::Lower => Value::Str(string_arg("LOWER", &vals[0])?.unwrap_or_default().to_lowercase()),
        Func::Upper => Value::Str(string_arg("UPPER", &vals[0])?.unwrap_or_default().to_uppercase()),
        Func::ToTimestamp => {
            let s = string_arg("TO_TIMESTAMP", &vals[0])?.unwrap_or_default();
            Value::Ts(parse_timestamp(s).ok_or_else(|| S3Error::ValueParseFailure.err(format!("A timestamp parse failure occurred in the SQL expression: `{s}`.")))?)
        }
        Func::ToString => {
            let t = ts_arg("TO_STRING", &vals[0])?.ok_or_else(|| arg_type("TO_STRING", &vals[0], "a timestamp"))?;
            let p = string_arg("TO_STRING", &vals[1])?.unwrap_or_default();
            Value::Str(to_string(&t, p)?)
        }
        Func::Substring => {
            // SQL: characters from `start` (1-based; may be < 1) for `len` characters.
            let chars: Vec<char> = string_arg("SUBSTRING", &vals[0])?.unwrap_or_default().chars().collect();
            let start = int_arg("SUBSTRING", &vals[1])?.unwrap_or(1);
            let end = match vals.get(2) {
                Some(l) => {
                    let len = int_arg("SUBSTRING", l)?.unwrap_or(0);
                    if len < 0 {
                        return Err(S3Error::EvaluatorInvalidArguments.err(format!("SUBSTRING's length must not be negative, got {len}.")));
                    }
                    start.saturating_add(len)
                }
                None => i64::MAX,
            };
            let from = (start.max(1) - 1) as usize;
            let to = (end.max(1) - 1).min(chars.len() as i64) as usize;
            Value::Str(if from < to { chars[from..to].iter().collect() } else { String::new() })
        }
    })
}

/// One aggregate's running state.
#[derive(Clone, Debug)]
pub enum Acc {
    Count(i64),
    Sum(Option<Value>),
    Avg(f64, i64),
    Min(Option<Value>),
    Max(Option<Value>),
}

impl Acc {
    pub fn new(f: Agg) -> Self {
        match f {
            Agg::Count => Acc::Count(0),
            Agg::Sum => Acc::Sum(None),
            Agg::Avg => Acc::Avg(0.0, 0),
            Agg::Min => Acc::Min(None),
            Agg::Max => Acc::Max(None),
        }
    }

    /// Adds one record's value (`None` for COUNT(*)). SUM, AVG, MIN and MAX take numbers (the
    /// reference's argument types: INT, FLOAT, DECIMAL); NULL and MISSING are skipped.
    pub fn add(&mut self, v: Option<Value>) -> Result<(), AwsError> {
        let Some(v) = v else {
            if let Acc::Count(n) = self {
                *n += 1;
            }
            return Ok(());
        };
        if v.is_absent() {
            return Ok(());
        }
        let number = |name: &str, v: &Value| match v {
            Value::Int(_) | Value::Float(_) => Ok(v.clone()),
            _ => Err(S3Error::IncorrectSqlFunctionArgumentType.err(format!(
                "An incorrect argument type was specified in a function call in the SQL expression: {name} needs numbers, got {} `{}` (CSV fields are strings: use CAST(... AS INT) or CAST(... AS FLOAT)).",
                v.type_name(),
                v.to_text()
            ))),
        };
        match self {
            Acc::Count(n) => *n += 1,
            Acc::Sum(s) => {
                let x = number("SUM", &v)?;
                *s = Some(match s.take() {
                    None => x,
                    Some(acc) => arith(BinOp::Add, &acc, &x)?,
                });
            }
            Acc::Avg(sum, n) => {
                *sum += number("AVG", &v)?.as_f64().unwrap_or(0.0);
                *n += 1;
            }
            Acc::Min(m) => {
                let x = number("MIN", &v)?;
                if m.as_ref().is_none_or(|cur| x.compare(cur) == Some(std::cmp::Ordering::Less)) {
                    *m = Some(x);
                }
            }
            Acc::Max(m) => {
                let x = number("MAX", &v)?;
                if m.as_ref().is_none_or(|cur| x.compare(cur) == Some(std::cmp::Ordering::Greater)) {
                    *m = Some(x);
                }
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Value {
        match self {
            Acc::Count(n) => Value::Int(n),
            Acc::Sum(s) | Acc::Min(s) | Acc::Max(s) => s.unwrap_or(Value::Null),
            Acc::Avg(_, 0) => Value::Null,
            Acc::Avg(sum, n) => Value::Float(sum / n as f64),
        }
    }
}

/// The aggregates of an expression tree, by slot: (function, argument).
pub fn collect_aggregates<'e>(e: &'e Expr, out: &mut Vec<(usize, Agg, Option<&'e Expr>)>) {
    match e {
        Expr::Agg { func, arg, slot } => out.push((*slot, *func, arg.as_deref())),
        Expr::Lit(_) | Expr::Path(..) => {}
        Expr::Neg(a) | Expr::Not(a) | Expr::Cast(a, _) | Expr::Extract(_, a) => collect_aggregates(a, out),
        Expr::Bin(_, a, b) | Expr::DateAdd(_, a, b) | Expr::DateDiff(_, a, b) => {
            collect_aggregates(a, out);
            collect_aggregates(b, out);
        }
        Expr::Like { expr, pattern, escape, .. } => {
            collect_aggregates(expr, out);
            collect_aggregates(pattern, out);
            if let Some(x) = escape {
                collect_aggregates(x, out);
            }
        }
        Expr::Between { expr, lo, hi, .. } => {
            collect_aggregates(expr, out);
            collect_aggregates(lo, out);
            collect_aggregates(hi, out);
        }
        Expr::In { expr, list, .. } => {
            collect_aggregates(expr, out);
            list.iter().for_each(|x| collect_aggregates(x, out));
        }
        Expr::Is { expr, .. } => collect_aggregates(expr, out),
        Expr::Case { operand, whens, default } => {
            if let Some(o) = operand {
                collect_aggregates(o, out);
            }
            for (a, b) in whens {
                collect_aggregates(a, out);
                collect_aggregates(b, out);
            }
            if let Some(d) = default {
                collect_aggregates(d, out);
            }
        }
        Expr::Call(_, args) | Expr::List(args) => args.iter().for_each(|x| collect_aggregates(x, out)),
        Expr::Trim { chars, expr, .. } => {
            if let Some(c) = chars {
                collect_aggregates(c, out);
            }
            collect_aggregates(expr, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::select::sql::parse;

    fn env_now() -> DateTime<FixedOffset> {
        parse_timestamp("2026-01-01T00:00Z").unwrap()
    }

    /// Evaluates the first projection of `SELECT <expr> FROM S3Object s` on a JSON record.
    fn ev(expr: &str, json: &str) -> Result<Value, AwsError> {
        let q = parse(&format!("SELECT {expr} FROM S3Object s")).unwrap();
        let rec = Value::from_json(serde_json::from_str(json).unwrap());
        let env = Env { alias: &q.alias, row: "_1", now: env_now(), aggs: None };
        eval(&q.items.unwrap()[0].expr, &Record::Json(&rec), &env)
    }

    fn ok(expr: &str) -> Value {
        ev(expr, r#"{"a": 1, "Name": "Ada", "n": null, "tags": ["x", "y"], "o": {"p": {"q": 5}}}"#).unwrap()
    }

    #[test]
    fn operators_follow_the_reference() {
        assert_eq!(ok("1 + 2 * 3"), Value::Int(7));
        assert_eq!(ok("7 / 2"), Value::Int(3));
        assert_eq!(ok("7 % 4"), Value::Int(3));
        assert_eq!(ok("7.0 / 2"), Value::Float(3.5));
        assert_eq!(ok("'a' || 'b'"), Value::Str("ab".into()));
        assert_eq!(ok("2 BETWEEN 1 AND 3"), Value::Bool(true));
        assert_eq!(ok("2 NOT BETWEEN 1 AND 3"), Value::Bool(false));
        assert_eq!(ok("'b' IN ('a', 'b', 'c')"), Value::Bool(true));
        assert_eq!(ok("s.n IS NULL"), Value::Bool(true));
        assert_eq!(ok("s.nope IS MISSING"), Value::Bool(true));
        assert_eq!(ok("s.n IS MISSING"), Value::Bool(false));
        assert_eq!(ok("s.a IS NOT NULL"), Value::Bool(true));
        // Three-valued logic.
        assert_eq!(ok("FALSE AND NULL"), Value::Bool(false));
        assert_eq!(ok("TRUE OR NULL"), Value::Bool(true));
        assert_eq!(ok("TRUE AND NULL"), Value::Null);
        assert_eq!(ok("NOT NULL"), Value::Null);
        assert_eq!(ev("9223372036854775807 + 1", "{}").unwrap_err().code, "IntegerOverflow");
        assert_eq!(ev("1 / 0", "{}").unwrap_err().code, "ExternalEvalException");
        // No implicit conversion: "all input data is treated as a string. It must be cast".
        assert_eq!(ev("'36' > 30", "{}").unwrap_err().code, "ExternalEvalException");
        assert_eq!(ev("'36' + 1", "{}").unwrap_err().code, "ExternalEvalException");
        assert_eq!(ev("-'3'", "{}").unwrap_err().code, "ExternalEvalException");
        assert_eq!(ok("'36' = 36"), Value::Bool(false));
        assert_eq!(ok("'36' <> 36"), Value::Bool(true));
        assert_eq!(ok("CAST('36' AS INT) > 30"), Value::Bool(true));
        assert_eq!(ok("'10' < '9'"), Value::Bool(true));
        // The longest chain the parser accepts evaluates (on a test thread's small stack).
        let chain = vec!["1"; crate::s3::select::sql::MAX_OPERATORS].join(" + ");
        assert_eq!(ev(&chain, "{}").unwrap(), Value::Int(crate::s3::select::sql::MAX_OPERATORS as i64));
        let nested = format!("{}1{}", "(-".repeat(15), ")".repeat(15));
        assert_eq!(ev(&nested, "{}").unwrap(), Value::Int(-1));
    }

    #[test]
    fn like_handles_wildcards_and_escape() {
        // "LIKE: _ (Matches any character), % (Matches any sequence of characters)".
        assert_eq!(ok("'Ada' LIKE 'A%'"), Value::Bool(true));
        assert_eq!(ok("'Ada' LIKE '_d_'"), Value::Bool(true));
        assert_eq!(ok("'Ada' LIKE '_d'"), Value::Bool(false));
        assert_eq!(ok("'50%' LIKE '50!%' ESCAPE '!'"), Value::Bool(true));
        assert_eq!(ok("'50x' LIKE '50!%' ESCAPE '!'"), Value::Bool(false));
        assert_eq!(ok("'abc' NOT LIKE '%b%'"), Value::Bool(false));
        assert_eq!(ev("'a' LIKE 'a' ESCAPE '!!'", "{}").unwrap_err().code, "LikeInvalidInputs");
        assert_eq!(ev("'a' LIKE 'a!' ESCAPE '!'", "{}").unwrap_err().code, "EvaluatorLikePatternInvalidEscapeSequence");
        // A long pattern against a long string stays polynomial.
        let s = "a".repeat(3000);
        assert_eq!(ev(&format!("'{s}' LIKE '{}b'", "%a".repeat(50)), "{}").unwrap(), Value::Bool(false));
    }

    #[test]
    fn functions_match_the_reference_examples() {
        // CHAR_LENGTH('') = 0, CHAR_LENGTH('abcdefg') = 7; LOWER('AbCdEfG!@#$') = 'abcdefg!@#$'.
        assert_eq!(ok("CHAR_LENGTH('abcdefg')"), Value::Int(7));
        assert_eq!(ok("CHARACTER_LENGTH('')"), Value::Int(0));
        assert_eq!(ok("LOWER('AbCdEfG!@#$')"), Value::Str("abcdefg!@#$".into()));
        assert_eq!(ok("UPPER('AbCdEfG!@#$')"), Value::Str("ABCDEFG!@#$".into()));
        // SUBSTRING("123456789", 0) = "123456789"; ("123456789", 1) = "123456789";
        // ("123456789", 2) = "23456789"; ("123456789", -4) = "123456789";
        // ("123456789", 0, 999) = "123456789"; ("123456789", 1, 5) = "12345".
        assert_eq!(ok("SUBSTRING('123456789', 0)"), Value::Str("123456789".into()));
        assert_eq!(ok("SUBSTRING('123456789', 2)"), Value::Str("23456789".into()));
        assert_eq!(ok("SUBSTRING('123456789', -4)"), Value::Str("123456789".into()));
        assert_eq!(ok("SUBSTRING('123456789', 0, 999)"), Value::Str("123456789".into()));
        assert_eq!(ok("SUBSTRING('123456789', 1, 5)"), Value::Str("12345".into()));
        assert_eq!(ok("SUBSTRING('123456789' FROM 2 FOR 3)"), Value::Str("234".into()));
        // TRIM('       foobar         ') = 'foobar'; TRIM(LEADING FROM '  foobar  ') = 'foobar  ';
        // TRIM(BOTH '12' FROM '1112211foobar22211122') = 'foobar'.
        assert_eq!(ok("TRIM('       foobar         ')"), Value::Str("foobar".into()));
        assert_eq!(ok("TRIM(LEADING FROM '  foobar  ')"), Value::Str("foobar  ".into()));
        assert_eq!(ok("TRIM(TRAILING FROM '  foobar  ')"), Value::Str("  foobar".into()));
        assert_eq!(ok("TRIM(BOTH '12' FROM '1112211foobar22211122')"), Value::Str("foobar".into()));
        // COALESCE(null, null, 1) = 1; COALESCE(missing, 1) = 1; NULLIF(1, 1) = null; NULLIF(1, 2) = 1.
        assert_eq!(ok("COALESCE(null, null, 1)"), Value::Int(1));
        assert_eq!(ok("COALESCE(missing, 1)"), Value::Int(1));
        assert_eq!(ok("NULLIF(1, 1)"), Value::Null);
        assert_eq!(ok("NULLIF(1, 2)"), Value::Int(1));
        // The rest of the reference's COALESCE and NULLIF examples.
        assert_eq!(ok("COALESCE(1)"), Value::Int(1));
        assert_eq!(ok("COALESCE(null)"), Value::Null);
        assert_eq!(ok("COALESCE(missing, missing)"), Value::Null);
        assert_eq!(ok("COALESCE(null, 'string')"), Value::Str("string".into()));
        assert_eq!(ok("NULLIF(1.0, 1)"), Value::Null);
        assert_eq!(ok("NULLIF(1, '1')"), Value::Int(1));
        assert_eq!(ok("NULLIF([1], [1])"), Value::Null);
        assert_eq!(ok("NULLIF(1, NULL)"), Value::Int(1));
        assert_eq!(ok("NULLIF(NULL, 1)"), Value::Null);
        assert_eq!(ok("NULLIF(missing, null)"), Value::Null);
        assert_eq!(ok("NULLIF(missing, missing)"), Value::Null);
        // CASE.
        assert_eq!(ok("CASE WHEN s.a > 0 THEN 'pos' ELSE 'neg' END"), Value::Str("pos".into()));
        assert_eq!(ok("CASE s.a WHEN 2 THEN 'two' WHEN 1 THEN 'one' END"), Value::Str("one".into()));
        assert_eq!(ok("CASE s.a WHEN 2 THEN 'two' END"), Value::Null);
        // EXTRACT(YEAR FROM `2010-01-01T`) = 2010; UTCNOW() is the world clock.
        assert_eq!(ok("EXTRACT(YEAR FROM `2010-01-01T`)"), Value::Int(2010));
        assert_eq!(ok("UTCNOW()"), Value::Ts(env_now()));
        assert_eq!(ok("TO_TIMESTAMP('2007T')"), Value::Ts(parse_timestamp("2007T").unwrap()));
        assert_eq!(ev("TO_TIMESTAMP('soon')", "{}").unwrap_err().code, "ValueParseFailure");
        assert_eq!(ev("LOWER(5)", "{}").unwrap_err().code, "IncorrectSqlFunctionArgumentType");
        assert_eq!(ev("CAST('x' AS INT)", "{}").unwrap_err().code, "CastFailed");
    }

    #[test]
    fn paths_read_json_attributes() {
        assert_eq!(ok("s.o.p.q"), Value::Int(5));
        assert_eq!(ok("s.tags[1]"), Value::Str("y".into()));
        assert_eq!(ok("s['Name']"), Value::Str("Ada".into()));
        // Case-insensitive unless double-quoted.
        assert_eq!(ok("s.name"), Value::Str("Ada".into()));
        assert_eq!(ok("s.\"name\""), Value::Missing);
        assert_eq!(ok("s.\"Name\""), Value::Str("Ada".into()));
        assert_eq!(ok("name"), Value::Str("Ada".into()));
        assert_eq!(ok("s.tags[7]"), Value::Missing);
    }

    #[test]
    fn csv_columns_by_position_and_header() {
        let q = parse("SELECT s._2, s.city, city, s.\"City\" FROM S3Object s").unwrap();
        let fields = vec!["Ada".to_string(), "Paris".to_string()];
        let headers = vec!["name".to_string(), "City".to_string()];
        let env = Env { alias: &q.alias, row: "_1", now: env_now(), aggs: None };
        let rec = Record::Csv { fields: &fields, headers: Some(&headers) };
        for item in q.items.as_ref().unwrap() {
            assert_eq!(eval(&item.expr, &rec, &env).unwrap(), Value::Str("Paris".into()));
        }
        let one = |sql: &str, headers: Option<&[String]>| {
            let q = parse(sql).unwrap();
            let env = Env { alias: &q.alias, row: "_1", now: env_now(), aggs: None };
            eval(&q.items.as_ref().unwrap()[0].expr, &Record::Csv { fields: &fields, headers }, &env)
        };
        assert_eq!(one("SELECT s._0 FROM S3Object s", None).unwrap_err().code, "InvalidColumnIndex");
        assert_eq!(one("SELECT s._9 FROM S3Object s", None).unwrap(), Value::Missing);
        assert_eq!(one("SELECT s.city FROM S3Object s", None).unwrap_err().code, "MissingHeaderName");
        assert_eq!(one("SELECT s.zip FROM S3Object s", Some(&headers)).unwrap_err().code, "MissingHeaderName");
        // "The object being queried has header/attribute NAME ... SELECT s.\"name\" ... results in a
        // 400 error MissingHeaderName".
        let upper = vec!["NAME".to_string(), "City".to_string()];
        assert_eq!(one("SELECT s.\"name\" FROM S3Object s", Some(&upper)).unwrap_err().code, "MissingHeaderName");
        assert_eq!(one("SELECT s.name FROM S3Object s", Some(&upper)).unwrap(), Value::Str("Ada".into()));
        let dup = vec!["NAME".to_string(), "name".to_string()];
        // "An error is thrown in cases of ambiguity" (headers NAME and name).
        assert_eq!(one("SELECT s.name FROM S3Object s", Some(&dup)).unwrap_err().code, "AmbiguousFieldName");
        assert_eq!(one("SELECT s.\"NAME\" FROM S3Object s", Some(&dup)).unwrap(), Value::Str("Ada".into()));
    }

    #[test]
    fn aggregates_accumulate() {
        let mut sum = Acc::new(Agg::Sum);
        let mut avg = Acc::new(Agg::Avg);
        let mut min = Acc::new(Agg::Min);
        let mut count = Acc::new(Agg::Count);
        for v in [Value::Int(3), Value::Null, Value::Int(5), Value::Float(1.5)] {
            sum.add(Some(v.clone())).unwrap();
            avg.add(Some(v.clone())).unwrap();
            min.add(Some(v.clone())).unwrap();
            count.add(Some(v)).unwrap();
        }
        assert_eq!(sum.finish(), Value::Float(9.5));
        assert_eq!(avg.finish().as_f64().unwrap(), 9.5 / 3.0);
        assert_eq!(min.finish(), Value::Float(1.5));
        assert_eq!(count.finish(), Value::Int(3));
        assert_eq!(Acc::new(Agg::Sum).finish(), Value::Null);
        assert_eq!(Acc::new(Agg::Sum).add(Some(Value::Str("4".into()))).unwrap_err().code, "IncorrectSqlFunctionArgumentType");
        assert_eq!(Acc::new(Agg::Max).add(Some(Value::Str("Ada".into()))).unwrap_err().code, "IncorrectSqlFunctionArgumentType");
        // "Aggregate functions ... skip MISSING values."
        let mut max = Acc::new(Agg::Max);
        max.add(Some(Value::Missing)).unwrap();
        max.add(Some(Value::Int(2))).unwrap();
        assert_eq!(max.finish(), Value::Int(2));
    }
}
