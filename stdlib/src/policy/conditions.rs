//! Condition operators (rules C1–C12 in `RULES.md`).
//!
//! Every operator AWS documents in `reference_policies_elements_condition_operators` is
//! here, with its `...IfExists` form and the `ForAllValues:` / `ForAnyValue:` set
//! qualifiers. Policy values are validated and pre-compiled when the policy is parsed
//! (numbers parsed, dates converted to milliseconds, CIDR blocks parsed, base64 decoded,
//! `...Like` patterns compiled), so evaluating a condition only parses the request's value.
//!
//! One evaluation model covers every operator: a *positive* test (does this request value
//! match any of the policy's values?) plus three switches — negation (`...Not...`
//! operators), the set qualifier, and `IfExists`. See [`Condition::holds`].

use std::net::IpAddr;

use base64::Engine as _;
use ipnet::IpNet;

use super::matching::{ArnGlob, Glob};
use super::variables::{Template, template};
use super::Context;

/// The operator families and their members, as AWS spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

use Operator as O;

const OPERATORS: &[(&str, Operator)] = &[
    ("StringEquals", O::StringEquals),
    ("StringNotEquals", O::StringNotEquals),
    ("StringEqualsIgnoreCase", O::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", O::StringNotEqualsIgnoreCase),
    ("StringLike", O::StringLike),
    ("StringNotLike", O::StringNotLike),
    ("NumericEquals", O::NumericEquals),
    ("NumericNotEquals", O::NumericNotEquals),
    ("NumericLessThan", O::NumericLessThan),
    ("NumericLessThanEquals", O::NumericLessThanEquals),
    ("NumericGreaterThan", O::NumericGreaterThan),
    ("NumericGreaterThanEquals", O::NumericGreaterThanEquals),
    ("DateEquals", O::DateEquals),
    ("DateNotEquals", O::DateNotEquals),
    ("DateLessThan", O::DateLessThan),
    ("DateLessThanEquals", O::DateLessThanEquals),
    ("DateGreaterThan", O::DateGreaterThan),
    ("DateGreaterThanEquals", O::DateGreaterThanEquals),
    ("Bool", O::Bool),
    ("BinaryEquals", O::BinaryEquals),
    ("IpAddress", O::IpAddress),
    ("NotIpAddress", O::NotIpAddress),
    ("ArnEquals", O::ArnEquals),
    ("ArnLike", O::ArnLike),
    ("ArnNotEquals", O::ArnNotEquals),
    ("ArnNotLike", O::ArnNotLike),
    ("Null", O::Null),
];

impl Operator {
    /// Every operator, in AWS's documentation order.
    pub fn all() -> impl Iterator<Item = (&'static str, Operator)> {
        OPERATORS.iter().copied()
    }

    pub fn name(self) -> &'static str {
        OPERATORS.iter().find(|(_, o)| *o == self).map(|(n, _)| *n).unwrap_or("Null")
    }

    /// `...Not...` operators: true when the request value matches none of the values (C3).
    pub fn negated(self) -> bool {
        matches!(
            self,
            O::StringNotEquals
                | O::StringNotEqualsIgnoreCase
                | O::StringNotLike
                | O::NumericNotEquals
                | O::DateNotEquals
                | O::NotIpAddress
                | O::ArnNotEquals
                | O::ArnNotLike
        )
    }

    /// Operators whose values may contain policy variables (C10): the string and ARN
    /// operators (reference_policies_variables) and `Bool` (the operators page says so).
    pub fn takes_variables(self) -> bool {
        matches!(
            self,
            O::StringEquals
                | O::StringNotEquals
                | O::StringEqualsIgnoreCase
                | O::StringNotEqualsIgnoreCase
                | O::StringLike
                | O::StringNotLike
                | O::ArnEquals
                | O::ArnLike
                | O::ArnNotEquals
                | O::ArnNotLike
                | O::Bool
        )
    }
}

/// `ForAllValues:` / `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A parsed condition operator name: `[ForAllValues:|ForAnyValue:]Operator[IfExists]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperatorSpec {
    pub qualifier: Option<SetQualifier>,
    pub op: Operator,
    pub if_exists: bool,
}

impl OperatorSpec {
    /// Parses an operator name (case-sensitive, as AWS spells them). `Null` takes neither
    /// `IfExists` nor a set qualifier.
    pub fn parse(name: &str) -> Option<OperatorSpec> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let op = OPERATORS.iter().find(|(n, _)| *n == base).map(|(_, o)| *o)?;
        if op == O::Null && (if_exists || qualifier.is_some()) {
            return None;
        }
        Some(OperatorSpec { qualifier, op, if_exists })
    }
}

/// A string value of a string/ARN/Bool operator, pre-compiled for its operator.
#[derive(Clone, Debug, PartialEq)]
enum StrValue {
    /// The text, its lowercase form (IgnoreCase) and its pattern (Like / Arn).
    Plain { text: Box<str>, lower: Box<str>, glob: Option<Glob>, arn: Option<ArnGlob> },
    Template(Template),
}

/// The policy's values, compiled for the operator.
#[derive(Clone, Debug, PartialEq)]
enum Values {
    Str(Vec<StrValue>),
    Num(Vec<f64>),
    /// Milliseconds since the epoch.
    Date(Vec<i64>),
    Bin(Vec<Vec<u8>>),
    Ip(Vec<IpNet>),
    /// `Null`: `true` means "the key is absent".
    Null(Vec<bool>),
}

/// One condition: an operator, a key and the policy's values for it.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The key as written (names compare case-insensitively).
    pub key: String,
    /// The values as written (numbers and booleans as their JSON text).
    pub values: Vec<String>,
    pub(crate) spec: OperatorSpec,
    compiled: Values,
}

impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.operator == other.operator && self.key == other.key && self.values == other.values
    }
}

impl Condition {
    /// Compiles one condition. `variables` is false for documents older than 2012-10-17
    /// (V1). The error is the message only; the parser adds the path and position.
    pub fn new(operator: &str, key: &str, values: Vec<String>, variables: bool) -> Result<Condition, String> {
        let spec = OperatorSpec::parse(operator).ok_or_else(|| format!("Invalid Condition type : `{operator}`."))?;
        let compiled = compile(spec.op, &values, variables, operator, key)?;
        Ok(Condition { operator: operator.to_string(), key: key.to_string(), values, spec, compiled })
    }

    pub fn spec(&self) -> OperatorSpec {
        self.spec
    }

    /// Context keys this condition reads: its key and any variables in its values.
    pub fn keys(&self) -> Vec<&str> {
        let mut out = vec![self.key.as_str()];
        if let Values::Str(vs) = &self.compiled {
            for v in vs {
                if let StrValue::Template(t) = v {
                    out.extend(t.keys());
                }
            }
        }
        out
    }

    /// Evaluates the condition against the request context (C1–C9). `missing` hears about
    /// every key the condition needed and the request lacked.
    pub fn holds(&self, ctx: &Context, missing: &mut dyn FnMut(&str)) -> bool {
        let value = ctx.get(&self.key).filter(|v| !v.values.is_empty());
        if let Values::Null(wants) = &self.compiled {
            // C8: `true` asks for the key to be absent, `false` for it to be present.
            let present = value.is_some();
            return wants.iter().any(|want_absent| *want_absent != present);
        }
        let negated = self.spec.op.negated();
        let Some(value) = value else {
            missing(&self.key);
            // C2: a missing key matches nothing — negated operators are then true; C6:
            // ...IfExists is true; C7: ForAllValues is true, ForAnyValue false.
            return self.spec.if_exists
                || match self.spec.qualifier {
                    Some(SetQualifier::ForAllValues) => true,
                    Some(SetQualifier::ForAnyValue) => false,
                    None => negated,
                };
        };
        let mut test = |v: &str| self.positive(v, ctx, missing) != negated;
        match (self.spec.qualifier, negated) {
            (Some(SetQualifier::ForAllValues), _) | (None, true) => value.values.iter().all(|v| test(v)),
            (Some(SetQualifier::ForAnyValue), _) | (None, false) => value.values.iter().any(|v| test(v)),
        }
    }

    /// Does one request value match any of the policy's values under the operator's
    /// positive form (C3: multiple values are ORed)?
    fn positive(&self, v: &str, ctx: &Context, missing: &mut dyn FnMut(&str)) -> bool {
        match &self.compiled {
            Values::Str(vals) => vals.iter().any(|pv| str_match(self.spec.op, pv, v, ctx, missing)),
            Values::Num(nums) => {
                let Some(x) = parse_number(v) else { return false };
                nums.iter().any(|n| compare(self.spec.op, x.partial_cmp(n)))
            }
            Values::Date(dates) => {
                let Some(x) = parse_date(v) else { return false };
                dates.iter().any(|d| compare(self.spec.op, Some(x.cmp(d))))
            }
            Values::Bin(bins) => {
                let decoded = base64::engine::general_purpose::STANDARD.decode(v.trim());
                let bytes = decoded.as_deref().unwrap_or(v.as_bytes());
                bins.iter().any(|b| b.as_slice() == bytes)
            }
            Values::Ip(nets) => match parse_ip(v) {
                Some(req) => nets.iter().any(|n| n.contains(&req)),
                None => false,
            },
            Values::Null(_) => false,
        }
    }
}

/// Numeric/date comparison by the operator (its positive form for `...NotEquals`).
fn compare(op: Operator, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    let Some(ord) = ord else { return false };
    match op {
        O::NumericEquals | O::NumericNotEquals | O::DateEquals | O::DateNotEquals => ord == Equal,
        O::NumericLessThan | O::DateLessThan => ord == Less,
        O::NumericLessThanEquals | O::DateLessThanEquals => ord != Greater,
        O::NumericGreaterThan | O::DateGreaterThan => ord == Greater,
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

fn str_match(op: Operator, pv: &StrValue, v: &str, ctx: &Context, missing: &mut dyn FnMut(&str)) -> bool {
    match pv {
        StrValue::Plain { text, lower, glob, arn } => match op {
            O::StringEquals | O::StringNotEquals => v == &**text,
            O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => eq_ignore_case(v, lower),
            O::StringLike | O::StringNotLike => glob.as_ref().is_some_and(|g| g.matches(v, false)),
            O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => arn.as_ref().is_some_and(|a| a.matches(v)),
            O::Bool => v.eq_ignore_ascii_case(text),
            _ => false,
        },
        // V5: an unresolved variable has no value, so nothing equals or is like it.
        StrValue::Template(t) => match op {
            O::StringEquals | O::StringNotEquals => t.equals(v, ctx, missing),
            O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => t.resolve_text(ctx, missing).is_some_and(|s| eq_ignore_case(v, &s.to_lowercase())),
            O::StringLike | O::StringNotLike => t.like(v, ctx, missing),
            O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => t.resolve_pieces(ctx, missing).is_some_and(|p| ArnGlob::from_pieces(&p).matches(v)),
            O::Bool => t.resolve_text(ctx, missing).is_some_and(|s| v.eq_ignore_ascii_case(&s)),
            _ => false,
        },
    }
}

/// Case-insensitive equality against an already-lowercased string.
fn eq_ignore_case(v: &str, lower: &str) -> bool {
    if v.is_ascii() && lower.is_ascii() {
        v.len() == lower.len() && v.bytes().zip(lower.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b)
    } else {
        v.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

fn compile(op: Operator, values: &[String], variables: bool, operator: &str, key: &str) -> Result<Values, String> {
    let bad = |v: &str, what: &str| {
        if v.contains("${") && !op.takes_variables() {
            format!("Invalid value `{v}` for `{operator}` on key `{key}`: policy variables can't be used with the {} operator", op.name())
        } else {
            format!("Invalid value `{v}` for `{operator}` on key `{key}`: expected {what}")
        }
    };
    Ok(match op {
        O::NumericEquals | O::NumericNotEquals | O::NumericLessThan | O::NumericLessThanEquals | O::NumericGreaterThan | O::NumericGreaterThanEquals => {
            Values::Num(values.iter().map(|v| parse_number(v).ok_or_else(|| bad(v, "a number"))).collect::<Result<_, _>>()?)
        }
        O::DateEquals | O::DateNotEquals | O::DateLessThan | O::DateLessThanEquals | O::DateGreaterThan | O::DateGreaterThanEquals => Values::Date(
            values.iter().map(|v| parse_date(v).ok_or_else(|| bad(v, "an ISO 8601 date (`2026-01-01T00:00:00Z`) or epoch seconds"))).collect::<Result<_, _>>()?,
        ),
        O::BinaryEquals => Values::Bin(
            values.iter().map(|v| base64::engine::general_purpose::STANDARD.decode(v.trim()).map_err(|_| bad(v, "base64-encoded bytes"))).collect::<Result<_, _>>()?,
        ),
        O::IpAddress | O::NotIpAddress => Values::Ip(values.iter().map(|v| parse_net(v).ok_or_else(|| bad(v, "an IP address or CIDR block"))).collect::<Result<_, _>>()?),
        O::Null => Values::Null(values.iter().map(|v| parse_bool(v).ok_or_else(|| bad(v, "`true` or `false`"))).collect::<Result<_, _>>()?),
        _ => Values::Str(
            values
                .iter()
                .map(|v| {
                    if variables && let Some(t) = template(v) {
                        return Ok(StrValue::Template(t));
                    }
                    if op == O::Bool && parse_bool(v).is_none() {
                        return Err(bad(v, "`true` or `false`"));
                    }
                    let like = matches!(op, O::StringLike | O::StringNotLike);
                    let arn = matches!(op, O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike);
                    Ok(StrValue::Plain {
                        text: v.as_str().into(),
                        lower: v.to_lowercase().into(),
                        glob: like.then(|| Glob::new(v, false)),
                        arn: arn.then(|| ArnGlob::new(v)),
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}

fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A decimal number (`10`, `-2.5`, `1e3`); no hex, no `inf`/`NaN`.
pub fn parse_number(v: &str) -> Option<f64> {
    let v = v.trim();
    let ok = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if !ok {
        return None;
    }
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// An address or network; an address without a prefix is a /32 (IPv4) or /128 (IPv6) (C9).
fn parse_net(v: &str) -> Option<IpNet> {
    let v = v.trim();
    v.parse::<IpNet>().ok().or_else(|| v.parse::<IpAddr>().ok().map(IpNet::from))
}

/// The request's address (a value with a prefix counts as its network address).
fn parse_ip(v: &str) -> Option<IpAddr> {
    let v = v.trim();
    v.parse::<IpAddr>().ok().or_else(|| v.parse::<IpNet>().ok().map(|n| n.addr()))
}

/// A date as the W3C profile of ISO 8601 writes it (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`,
/// `YYYY-MM-DDThh:mm[:ss[.s]]TZD` with `TZD` = `Z` or `±hh:mm`; no zone means UTC), or
/// epoch seconds (C5); four digits alone are a year. Milliseconds since the epoch.
pub fn parse_date(v: &str) -> Option<i64> {
    let v = v.trim();
    if v.len() != 4 && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs = v.parse::<f64>().ok()?;
        let ms = (secs * 1000.0).round();
        return (ms.is_finite() && ms.abs() < 9.0e15).then_some(ms as i64);
    }
    let b = v.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let s = b.get(from..from + len)?;
        s.iter().all(u8::is_ascii_digit).then(|| s.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0')))
    };
    let year = num(0, 4)? as i32;
    let (month, day) = match b.len() {
        4 => (1, 1),
        7 if b[4] == b'-' => (num(5, 2)?, 1),
        _ if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' => (num(5, 2)?, num(8, 2)?),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    let mut ms = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
    if b.len() <= 10 {
        return Some(ms);
    }
    if !matches!(b[10], b'T' | b't') || b.get(13) != Some(&b':') {
        return None;
    }
    let (h, m) = (num(11, 2)?, num(14, 2)?);
    let mut i = 16;
    let mut s = 0;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b':') {
        s = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            let digits = &v[start..i.min(start + 3)];
            frac_ms = format!("{digits:0<3}").parse().ok()?;
        }
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    ms += i64::from(h) * 3_600_000 + i64::from(m) * 60_000 + i64::from(s) * 1000 + frac_ms;
    let zone = &v[i..];
    let offset_min = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let zb = zone.as_bytes();
            let sign = match zb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let rest = &zone[1..];
            let (oh, om) = match rest.len() {
                5 if rest.as_bytes()[2] == b':' => (rest[..2].parse::<i64>().ok()?, rest[3..].parse::<i64>().ok()?),
                4 => (rest[..2].parse::<i64>().ok()?, rest[2..].parse::<i64>().ok()?),
                _ => return None,
            };
            if oh > 23 || om > 59 || !rest.bytes().filter(|c| *c != b':').all(|c| c.is_ascii_digit()) {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    Some(ms - offset_min * 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{ContextValue, ValueType};

    fn cond(op: &str, key: &str, vals: &[&str]) -> Condition {
        Condition::new(op, key, vals.iter().map(|s| s.to_string()).collect(), true).unwrap()
    }

    fn holds(c: &Condition, ctx: &Context) -> bool {
        c.holds(ctx, &mut |_| {})
    }

    fn one(key: &'static str, ty: ValueType, v: &str) -> Context {
        let mut c = Context::new();
        c.insert(key, ContextValue::typed(ty, v.to_string()));
        c
    }

    fn many(key: &'static str, vs: &[&str]) -> Context {
        let mut c = Context::new();
        c.insert(key, ContextValue::list(ValueType::String, vs.iter().map(|s| s.to_string())));
        c
    }

    #[test]
    fn operator_names_parse_with_qualifiers_and_if_exists() {
        let s = OperatorSpec::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!((s.qualifier, s.op, s.if_exists), (Some(SetQualifier::ForAnyValue), O::StringLike, true));
        assert_eq!(OperatorSpec::parse("StringEquals").unwrap().op, O::StringEquals);
        for bad in ["stringequals", "StringEqual", "NullIfExists", "ForAllValues:Null", "ForSomeValues:StringLike", "IfExists", ""] {
            assert!(OperatorSpec::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Operator::all().count(), 27);
        for (name, op) in Operator::all() {
            assert_eq!(op.name(), name);
            assert_eq!(OperatorSpec::parse(&format!("{name}IfExists")).is_some(), op != O::Null);
        }
        assert_eq!(Condition::new("StringEquls", "aws:x", vec!["a".into()], true).unwrap_err(), "Invalid Condition type : `StringEquls`.");
    }

    #[test]
    fn string_operators_c4() {
        let ctx = one("aws:PrincipalTag/job-category", ValueType::String, "iamuser-admin");
        assert!(holds(&cond("StringEquals", "aws:PrincipalTag/job-category", &["iamuser-admin"]), &ctx));
        assert!(!holds(&cond("StringEquals", "aws:PrincipalTag/job-category", &["IAMUSER-ADMIN"]), &ctx));
        assert!(holds(&cond("StringEqualsIgnoreCase", "aws:PrincipalTag/job-category", &["IAMUSER-Admin"]), &ctx));
        assert!(!holds(&cond("StringNotEqualsIgnoreCase", "aws:PrincipalTag/job-category", &["IAMUSER-Admin"]), &ctx));
        assert!(holds(&cond("StringNotEquals", "aws:PrincipalTag/job-category", &["x", "y"]), &ctx));
        assert!(holds(&cond("StringLike", "aws:PrincipalTag/job-category", &["iam*-?dmin"]), &ctx));
        assert!(!holds(&cond("StringNotLike", "aws:PrincipalTag/job-category", &["iam*"]), &ctx));
        // Key names are case-insensitive (C1): "aws:SourceIP ... is equivalent to ... AWS:SourceIp".
        assert!(holds(&cond("StringEquals", "AWS:principaltag/JOB-category", &["iamuser-admin"]), &ctx));
        // Unicode case folding for IgnoreCase.
        let ctx = one("aws:x", ValueType::String, "ÉCOLE");
        assert!(holds(&cond("StringEqualsIgnoreCase", "aws:x", &["école"]), &ctx));
    }

    #[test]
    fn multiple_values_or_and_negation_means_none_c3() {
        // "If a single condition operator includes multiple values for one key, that
        // condition operator is evaluated using a logical OR." / "When multiple values are
        // listed ... for negated matching condition operators ... the effective permissions
        // work like a logical AND."
        let ctx = one("aws:PrincipalAccount", ValueType::String, "123456789012");
        assert!(holds(&cond("StringEquals", "aws:PrincipalAccount", &["111122223333", "123456789012"]), &ctx));
        assert!(!holds(&cond("StringNotEquals", "aws:PrincipalAccount", &["111122223333", "123456789012"]), &ctx));
        assert!(holds(&cond("StringNotEquals", "aws:PrincipalAccount", &["111122223333", "444455556666"]), &ctx));
    }

    #[test]
    fn missing_keys_c2_c6() {
        // "If the key that you specify in a policy condition is not present in the request
        // context, the values do not match and the condition is false. If the policy
        // condition requires that the key is not matched, such as StringNotLike or
        // ArnNotLike, and the right key is not present, the condition is true."
        let empty = Context::new();
        let mut missing = Vec::new();
        assert!(!cond("StringLike", "aws:SourceArn", &["*"]).holds(&empty, &mut |k| missing.push(k.to_string())));
        assert_eq!(missing, ["aws:SourceArn"]);
        assert!(holds(&cond("StringNotLike", "aws:SourceArn", &["x"]), &empty));
        assert!(holds(&cond("ArnNotLike", "aws:SourceArn", &["arn:aws:s3:::x"]), &empty));
        assert!(!holds(&cond("NumericLessThan", "s3:max-keys", &["10"]), &empty));
        assert!(!holds(&cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24"]), &empty));
        assert!(holds(&cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]), &empty));
        // "If the key is not present, evaluate the condition element as true."
        assert!(holds(&cond("StringLikeIfExists", "ec2:InstanceType", &["t1.*"]), &empty));
        assert!(holds(&cond("StringNotEqualsIfExists", "ec2:InstanceType", &["t1.micro"]), &empty));
        // ...and when present, IfExists tests it as usual.
        let ctx = one("ec2:InstanceType", ValueType::String, "m5.large");
        assert!(!holds(&cond("StringLikeIfExists", "ec2:InstanceType", &["t1.*", "t2.*", "m3.*"]), &ctx));
        assert!(holds(&cond("StringLikeIfExists", "ec2:InstanceType", &["m5.*"]), &ctx));
    }

    #[test]
    fn null_checks_presence_c8() {
        // "use either true (the key doesn't exist — it is null) or false (the key exists and its value is not null)"
        let c_true = cond("Null", "aws:TokenIssueTime", &["true"]);
        let c_false = cond("Null", "aws:TokenIssueTime", &["false"]);
        let present = one("aws:TokenIssueTime", ValueType::Date, "2026-01-01T00:00:00Z");
        assert!(holds(&c_true, &Context::new()));
        assert!(!holds(&c_true, &present));
        assert!(!holds(&c_false, &Context::new()));
        assert!(holds(&c_false, &present));
        // An empty list is a null data set.
        assert!(holds(&c_true, &many("aws:TokenIssueTime", &[])));
    }

    #[test]
    fn set_qualifiers_c7() {
        // The DynamoDB example of reference_policies_multi-value-conditions.
        let all = cond("ForAllValues:StringEquals", "dynamodb:Attributes", &["ID", "Message", "Tags"]);
        assert!(holds(&all, &many("dynamodb:Attributes", &["Message", "Tags"])));
        assert!(holds(&all, &many("dynamodb:Attributes", &["ID", "Message", "Tags"])));
        assert!(!holds(&all, &many("dynamodb:Attributes", &["Message", "UserName"])));
        // "It also returns true if there are no keys in the request".
        assert!(holds(&all, &Context::new()));
        assert!(holds(&all, &many("dynamodb:Attributes", &[])));
        let any = cond("ForAnyValue:StringEquals", "dynamodb:Attributes", &["ID", "PostDateTime"]);
        assert!(holds(&any, &many("dynamodb:Attributes", &["PostDateTime", "Message"])));
        assert!(!holds(&any, &many("dynamodb:Attributes", &["UserName"])));
        // "For no matching key or a null dataset, the condition returns false."
        assert!(!holds(&any, &Context::new()));
        // Negated with qualifiers: every / some request value matches none of the values.
        let not_all = cond("ForAllValues:StringNotEquals", "aws:TagKeys", &["secret"]);
        assert!(holds(&not_all, &many("aws:TagKeys", &["a", "b"])));
        assert!(!holds(&not_all, &many("aws:TagKeys", &["a", "secret"])));
        let not_any = cond("ForAnyValue:StringNotEquals", "aws:TagKeys", &["secret"]);
        assert!(holds(&not_any, &many("aws:TagKeys", &["a", "secret"])));
        assert!(!holds(&not_any, &many("aws:TagKeys", &["secret"])));
    }

    #[test]
    fn numeric_operators_c4() {
        let ctx = one("s3:max-keys", ValueType::Numeric, "10");
        assert!(holds(&cond("NumericLessThanEquals", "s3:max-keys", &["10"]), &ctx));
        assert!(!holds(&cond("NumericLessThan", "s3:max-keys", &["10"]), &ctx));
        assert!(holds(&cond("NumericEquals", "s3:max-keys", &["10.0"]), &ctx));
        assert!(!holds(&cond("NumericNotEquals", "s3:max-keys", &["10"]), &ctx));
        assert!(holds(&cond("NumericGreaterThan", "s3:max-keys", &["9.5"]), &ctx));
        assert!(holds(&cond("NumericGreaterThanEquals", "s3:max-keys", &["10"]), &ctx));
        // A request value that is not a number matches nothing.
        assert!(!holds(&cond("NumericEquals", "s3:max-keys", &["10"]), &one("s3:max-keys", ValueType::String, "ten")));
        assert!(Condition::new("NumericEquals", "s3:max-keys", vec!["ten".into()], true).unwrap_err().contains("expected a number"));
        assert!(Condition::new("NumericEquals", "s3:max-keys", vec!["${aws:x}".into()], true).unwrap_err().contains("policy variables can't be used"));
    }

    #[test]
    fn date_operators_accept_iso_8601_and_epoch_c5() {
        // "You must specify date/time values with one of the W3C implementations of the ISO
        // 8601 date formats ... or in epoch (UNIX) time."
        assert_eq!(parse_date("2020-01-01T00:00:01Z"), Some(1_577_836_801_000));
        assert_eq!(parse_date("1577836801"), Some(1_577_836_801_000));
        assert_eq!(parse_date("2020"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020-01"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020-01-01"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020-01-01T01:00+01:00"), Some(1_577_836_800_000));
        assert_eq!(parse_date("2020-01-01T00:00:00.5Z"), Some(1_577_836_800_500));
        assert_eq!(parse_date("2020-01-01T00:00:00.123456-0000"), Some(1_577_836_800_123));
        for bad in ["2020-13-01", "2020-02-30", "2020-1-01", "2020-01-01T25:00Z", "yesterday", "", "2020-01-01T00:00:00+1:00", "*"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let c = cond("DateGreaterThan", "aws:TokenIssueTime", &["2020-01-01T00:00:01Z"]);
        assert!(holds(&c, &one("aws:TokenIssueTime", ValueType::Date, "2020-06-01T00:00:00Z")));
        assert!(!holds(&c, &one("aws:TokenIssueTime", ValueType::Date, "2020-01-01T00:00:01Z")));
        assert!(holds(&cond("DateLessThanEquals", "aws:EpochTime", &["2020-01-01T00:00:01Z"]), &one("aws:EpochTime", ValueType::Numeric, "1577836801")));
        assert!(holds(&cond("DateNotEquals", "aws:CurrentTime", &["2020-01-01"]), &one("aws:CurrentTime", ValueType::Date, "2026-01-01T00:00:00Z")));
        // "Wildcards are not permitted for date condition operators."
        assert!(Condition::new("DateEquals", "aws:CurrentTime", vec!["2020-*".into()], true).is_err());
    }

    #[test]
    fn bool_binary_ip_c4_c9() {
        let c = cond("Bool", "aws:SecureTransport", &["false"]);
        assert!(holds(&c, &one("aws:SecureTransport", ValueType::Boolean, "false")));
        assert!(!holds(&c, &one("aws:SecureTransport", ValueType::Boolean, "true")));
        assert!(Condition::new("Bool", "aws:SecureTransport", vec!["yes".into()], true).is_err());
        // BinaryEquals compares bytes against the policy's base64.
        let c = cond("BinaryEquals", "aws:key", &["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]);
        assert!(holds(&c, &one("aws:key", ValueType::Binary, "QmluYXJ5VmFsdWVJbkJhc2U2NA==")));
        assert!(!holds(&c, &one("aws:key", ValueType::Binary, "QQ==")));
        // "If you specify an IP address without the associated routing prefix, IAM uses the
        // default prefix value of /32."
        let c = cond("IpAddress", "aws:SourceIp", &["203.0.113.0/24", "2001:DB8:1234:5678::/64", "198.51.100.7"]);
        assert!(holds(&c, &one("aws:SourceIp", ValueType::Ip, "203.0.113.77")));
        assert!(holds(&c, &one("aws:SourceIp", ValueType::Ip, "2001:db8:1234:5678::1")));
        assert!(holds(&c, &one("aws:SourceIp", ValueType::Ip, "198.51.100.7")));
        assert!(!holds(&c, &one("aws:SourceIp", ValueType::Ip, "198.51.100.8")));
        assert!(!holds(&c, &one("aws:SourceIp", ValueType::Ip, "not an ip")));
        assert!(!holds(&cond("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]), &one("aws:SourceIp", ValueType::Ip, "203.0.113.1")));
        assert!(Condition::new("IpAddress", "aws:SourceIp", vec!["203.0.113.0/33".into()], true).is_err());
    }

    #[test]
    fn arn_like_versus_string_like_c11() {
        // reference_policies_elements_condition_operators: "With a StringLike condition, the
        // match succeeds ... With an ArnLike condition, which matches elements between
        // colons, the match fails."
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        let ctx = one("aws:SourceArn", ValueType::Arn, v);
        let pattern = "arn:aws:someservice:*:111122223333:finance/*";
        assert!(holds(&cond("StringLike", "aws:SourceArn", &[pattern]), &ctx));
        assert!(!holds(&cond("ArnLike", "aws:SourceArn", &[pattern]), &ctx));
        assert!(!holds(&cond("ArnEquals", "aws:SourceArn", &[pattern]), &ctx));
        assert!(holds(&cond("ArnNotLike", "aws:SourceArn", &[pattern]), &ctx));
        let ok = one("aws:SourceArn", ValueType::Arn, "arn:aws:sns:us-east-1:123456789012:topic");
        assert!(holds(&cond("ArnEquals", "aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:topic"]), &ok));
        assert!(!holds(&cond("ArnNotEquals", "aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:topic"]), &ok));
    }

    #[test]
    fn variables_in_condition_values_c10() {
        let mut ctx = one("s3:prefix", ValueType::String, "home/David/notes");
        ctx.insert("aws:username", ContextValue::string("David"));
        assert!(holds(&cond("StringLike", "s3:prefix", &["", "home/", "home/${aws:username}/*"]), &ctx));
        ctx.insert("aws:username", ContextValue::string("Eve"));
        assert!(!holds(&cond("StringLike", "s3:prefix", &["", "home/", "home/${aws:username}/*"]), &ctx));
        // "Inverted condition operators like StringNotEquals or StringNotLike do match against
        // a null value".
        let mut ctx = one("s3:ExistingObjectTag/Team", ValueType::String, "blue");
        assert!(!holds(&cond("StringEquals", "s3:ExistingObjectTag/Team", &["${aws:PrincipalTag/Team}"]), &ctx));
        assert!(holds(&cond("StringNotEquals", "s3:ExistingObjectTag/Team", &["${aws:PrincipalTag/Team}"]), &ctx));
        ctx.insert("aws:PrincipalTag/Team", ContextValue::string("blue"));
        assert!(holds(&cond("StringEquals", "s3:ExistingObjectTag/Team", &["${aws:PrincipalTag/Team}"]), &ctx));
        // Keys read by the condition, for MissingContextValues.
        assert_eq!(cond("StringEquals", "s3:x", &["${aws:PrincipalTag/Team}"]).keys(), ["s3:x", "aws:PrincipalTag/Team"]);
        // Without variables (2008-10-17) the text is literal.
        let lit = Condition::new("StringEquals", "s3:prefix", vec!["${aws:username}".into()], false).unwrap();
        assert!(holds(&lit, &one("s3:prefix", ValueType::String, "${aws:username}")));
    }
}
