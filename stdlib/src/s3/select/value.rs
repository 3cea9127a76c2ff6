//! S3 Select's values and data types ("Data types" in the SQL reference): `bool`,
//! `int`/`integer` (8-byte signed), `string`, `float` (8-byte), `decimal`/`numeric`
//! (kept as 8-byte floats here), `timestamp` (W3C / Ion text with a local offset), plus
//! PartiQL's `NULL` and `MISSING` and the structures and lists of JSON input.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Timelike};

use crate::s3::error::S3Error;
use crate::world::{AwsError, ErrorCode};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An absent field (PartiQL's MISSING): omitted from JSON output, empty in CSV.
    Missing,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Ts(DateTime<FixedOffset>),
    List(Vec<Value>),
    /// A JSON object, keys in document order.
    Struct(Vec<(String, Value)>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SqlType {
    Bool,
    Int,
    String,
    Float,
    Decimal,
    Timestamp,
}

impl SqlType {
    pub fn name(self) -> &'static str {
        match self {
            SqlType::Bool => "BOOL",
            SqlType::Int => "INT",
            SqlType::String => "STRING",
            SqlType::Float => "FLOAT",
            SqlType::Decimal => "DECIMAL",
            SqlType::Timestamp => "TIMESTAMP",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "BOOL" | "BOOLEAN" => SqlType::Bool,
            "INT" | "INTEGER" => SqlType::Int,
            "STRING" | "VARCHAR" | "CHAR" => SqlType::String,
            "FLOAT" | "DOUBLE" | "REAL" => SqlType::Float,
            "DECIMAL" | "NUMERIC" => SqlType::Decimal,
            "TIMESTAMP" => SqlType::Timestamp,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DatePart {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    TimezoneHour,
    TimezoneMinute,
}

impl DatePart {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "year" => DatePart::Year,
            "month" => DatePart::Month,
            "day" => DatePart::Day,
            "hour" => DatePart::Hour,
            "minute" => DatePart::Minute,
            "second" => DatePart::Second,
            "timezone_hour" => DatePart::TimezoneHour,
            "timezone_minute" => DatePart::TimezoneMinute,
            _ => return None,
        })
    }
}

/// Parses a timestamp in the W3C forms the reference lists: `2007T`, `2007-02T`,
/// `2007-02-23` / `2007-02-23T`, `2007-02-23T12:14Z`, `2007-02-23T12:14:33.079-08:00`.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    let utc = FixedOffset::east_opt(0)?;
    let date_only = |y: i32, m: u32, d: u32| utc.from_local_datetime(&NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(0, 0, 0)?).single();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(y) = s.strip_suffix('T') {
        let parts: Vec<&str> = y.split('-').collect();
        if !parts.iter().all(|p| digits(p)) {
            return None;
        }
        return match parts.as_slice() {
            [y] if y.len() == 4 => date_only(y.parse().ok()?, 1, 1),
            [y, m] if y.len() == 4 && m.len() == 2 => date_only(y.parse().ok()?, m.parse().ok()?, 1),
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => date_only(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
            _ => None,
        };
    }
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        return date_only(d.year(), d.month(), d.day());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    // Minute precision or no offset: `2007-02-23T12:14Z`, `...T12:14+01:00`, `...T23:00`
    // (the reference's DATE_DIFF example; no offset is taken as UTC).
    let b = s.as_bytes();
    let n = b.len();
    let (body, off) = if let Some(body) = s.strip_suffix('Z') {
        (body, utc)
    } else if n > 6 && s.is_char_boundary(n - 6) && matches!(b[n - 6], b'+' | b'-') && b[n - 3] == b':' {
        let (h, m) = (&s[n - 5..n - 3], &s[n - 2..]);
        if !digits(h) || !digits(m) {
            return None;
        }
        let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
        (&s[..n - 6], FixedOffset::east_opt(if b[n - 6] == b'-' { -secs } else { secs })?)
    } else {
        (s, utc)
    };
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(body, f).ok())
        .and_then(|naive| off.from_local_datetime(&naive).single())
}

/// Timestamps print as RFC 3339 with their own offset (`Z` for UTC).
pub fn format_timestamp(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Floats print with at most 15 significant digits (so `10 * 47.27` is `472.7`, not
/// `472.7000000000001`), whole ones with a `.0`.
fn format_float(f: f64) -> String {
    let f = if f.is_finite() { format!("{f:.14e}").parse().unwrap_or(f) } else { f };
    if f.is_finite() && f == f.trunc() && f.abs() < 1e15 { format!("{f:.1}") } else { format!("{f}") }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Missing => "MISSING",
            Value::Null => "NULL",
            Value::Bool(_) => "BOOL",
            Value::Int(_) => "INT",
            Value::Float(_) => "FLOAT",
            Value::Str(_) => "STRING",
            Value::Ts(_) => "TIMESTAMP",
            Value::List(_) => "LIST",
            Value::Struct(_) => "STRUCT",
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Missing | Value::Null)
    }

    /// The text of a scalar as CSV output writes it (NULL and MISSING are empty; lists and
    /// structures, which CSV output refuses, as JSON for messages).
    pub fn to_text(&self) -> String {
        match self {
            Value::Missing | Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Str(s) => s.clone(),
            Value::Ts(t) => format_timestamp(t),
            Value::List(_) | Value::Struct(_) => {
                let mut s = String::new();
                self.write_json(&mut s);
                s
            }
        }
    }

    /// Appends this value as JSON (MISSING fields are left out of structures).
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Missing | Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => out.push_str(&n.to_string()),
            Value::Float(f) if f.is_finite() => out.push_str(&format_float(*f)),
            Value::Float(_) => out.push_str("null"),
            Value::Str(s) => out.push_str(&serde_json::Value::String(s.clone()).to_string()),
            Value::Ts(t) => out.push_str(&serde_json::Value::String(format_timestamp(t)).to_string()),
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Value::Struct(fields) => write_object(fields.iter().map(|(k, v)| (k.as_str(), v)), out),
        }
    }

    /// From parsed JSON input (key order kept).
    pub fn from_json(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Struct(o.into_iter().map(|(k, v)| (k, Value::from_json(v))).collect()),
        }
    }

    /// The number in a value, reading strings as numbers (CSV fields are strings).
    pub fn as_number(&self) -> Option<Value> {
        match self {
            Value::Int(_) | Value::Float(_) => Some(self.clone()),
            Value::Str(s) => {
                let t = s.trim();
                t.parse::<i64>().map(Value::Int).ok().or_else(|| t.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float))
            }
            _ => None,
        }
    }

    /// CAST(value AS ty): `CastFailed` when the value cannot be converted.
    pub fn cast(&self, ty: SqlType) -> Result<Value, AwsError> {
        let fail = || {
            S3Error::CastFailed.err(format!(
                "Attempt to convert from one data type to another using CAST failed in the SQL expression: cannot cast {} `{}` to {}.",
                self.type_name(),
                self.to_text(),
                ty.name()
            ))
        };
        if self.is_absent() {
            return Ok(self.clone());
        }
        Ok(match ty {
            SqlType::String => Value::Str(self.to_text()),
            SqlType::Int => match self {
                Value::Int(n) => Value::Int(*n),
                Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
                Value::Bool(b) => Value::Int(*b as i64),
                Value::Str(_) => match self.as_number().ok_or_else(fail)? {
                    Value::Float(f) if f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
                    Value::Int(n) => Value::Int(n),
                    _ => return Err(fail()),
                },
                _ => return Err(fail()),
            },
            SqlType::Float | SqlType::Decimal => match self {
                Value::Int(n) => Value::Float(*n as f64),
                Value::Float(f) => Value::Float(*f),
                Value::Bool(b) => Value::Float(*b as i64 as f64),
                Value::Str(_) => match self.as_number().ok_or_else(fail)? {
                    Value::Int(n) => Value::Float(n as f64),
                    v => v,
                },
                _ => return Err(fail()),
            },
            SqlType::Bool => match self {
                Value::Bool(b) => Value::Bool(*b),
                Value::Int(n) => Value::Bool(*n != 0),
                Value::Str(s) if s.trim().eq_ignore_ascii_case("true") => Value::Bool(true),
                Value::Str(s) if s.trim().eq_ignore_ascii_case("false") => Value::Bool(false),
                _ => return Err(fail()),
            },
            SqlType::Timestamp => match self {
                Value::Ts(t) => Value::Ts(*t),
                Value::Str(s) => Value::Ts(parse_timestamp(s).ok_or_else(fail)?),
                _ => return Err(fail()),
            },
        })
    }

    /// Orders two values of the same kind (numbers, strings, booleans, timestamps, lists for
    /// equality); `None` when they do not compare.
    pub fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        use Value::*;
        match (self, other) {
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Int(_) | Float(_), Int(_) | Float(_)) => self.as_f64()?.partial_cmp(&other.as_f64()?),
            (Str(a), Str(b)) => Some(a.cmp(b)),
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (Ts(a), Ts(b)) => Some(a.cmp(b)),
            (List(a), List(b)) if a.len() == b.len() => {
                a.iter().zip(b).all(|(x, y)| x.compare(y) == Some(std::cmp::Ordering::Equal)).then_some(std::cmp::Ordering::Equal)
            }
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// `EXTRACT(part FROM ts)`.
    pub fn extract(t: &DateTime<FixedOffset>, part: DatePart) -> i64 {
        let off = t.offset().local_minus_utc() as i64;
        match part {
            DatePart::Year => t.year() as i64,
            DatePart::Month => t.month() as i64,
            DatePart::Day => t.day() as i64,
            DatePart::Hour => t.hour() as i64,
            DatePart::Minute => t.minute() as i64,
            DatePart::Second => t.second() as i64,
            DatePart::TimezoneHour => off / 3600,
            DatePart::TimezoneMinute => (off % 3600) / 60,
        }
    }

    /// `DATE_ADD(part, n, ts)`.
    pub fn date_add(t: &DateTime<FixedOffset>, part: DatePart, n: i64) -> Option<DateTime<FixedOffset>> {
        let months = |m: i64| {
            if m >= 0 { t.checked_add_months(chrono::Months::new(u32::try_from(m).ok()?)) } else { t.checked_sub_months(chrono::Months::new(u32::try_from(-m).ok()?)) }
        };
        match part {
            DatePart::Year => months(n.checked_mul(12)?),
            DatePart::Month => months(n),
            DatePart::Day => t.checked_add_signed(chrono::TimeDelta::try_days(n)?),
            DatePart::Hour => t.checked_add_signed(chrono::TimeDelta::try_hours(n)?),
            DatePart::Minute => t.checked_add_signed(chrono::TimeDelta::try_minutes(n)?),
            DatePart::Second => t.checked_add_signed(chrono::TimeDelta::try_seconds(n)?),
            DatePart::TimezoneHour | DatePart::TimezoneMinute => None,
        }
    }

    /// `DATE_DIFF(part, a, b)`: whole `part`s from `a` to `b`.
    pub fn date_diff(a: &DateTime<FixedOffset>, b: &DateTime<FixedOffset>, part: DatePart) -> Option<i64> {
        let secs = b.timestamp() - a.timestamp();
        let months = || {
            let (a, b) = (a.naive_utc(), b.naive_utc());
            let mut m = (b.year() as i64 - a.year() as i64) * 12 + (b.month() as i64 - a.month() as i64);
            // A partial month does not count.
            let rest_a = (a.day(), a.time());
            let rest_b = (b.day(), b.time());
            if m > 0 && rest_b < rest_a {
                m -= 1;
            } else if m < 0 && rest_b > rest_a {
                m += 1;
            }
            m
        };
        Some(match part {
            DatePart::Year => months() / 12,
            DatePart::Month => months(),
            DatePart::Day => secs / 86_400,
            DatePart::Hour => secs / 3_600,
            DatePart::Minute => secs / 60,
            DatePart::Second => secs,
            DatePart::TimezoneHour | DatePart::TimezoneMinute => return None,
        })
    }
}

/// Writes `{"k":v,...}` leaving out MISSING values.
pub fn write_object<'a>(fields: impl Iterator<Item = (&'a str, &'a Value)>, out: &mut String) {
    out.push('{');
    let mut first = true;
    for (k, v) in fields {
        if *v == Value::Missing {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&serde_json::Value::String(k.to_string()).to_string());
        out.push(':');
        v.write_json(out);
    }
    out.push('}');
}

/// `TO_STRING(ts, pattern)` for the common pattern letters of the reference's table
/// (`y yy yyyy M MM MMM MMMM d dd H HH h hh a m mm s ss S... X XX XXX x xx xxx`, `'text'`).
pub fn to_string(t: &DateTime<FixedOffset>, pattern: &str) -> Result<String, AwsError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let end = chars[i + 1..].iter().position(|&d| d == '\'').map(|p| p + i + 1).ok_or_else(|| {
                S3Error::EvaluatorUnterminatedTimestampFormatPatternToken.err("The timestamp format pattern contains an unterminated token in the SQL expression.")
            })?;
            out.extend(&chars[i + 1..end]);
            i = end + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i..].iter().take_while(|&&d| d == c).count();
        i += n;
        let off = t.offset().local_minus_utc();
        // X/x: `+08` (minutes only when not zero), XX: `+0800`, XXX: `+08:00`, XXXX: `+0800`,
        // XXXXX: `+08:00`; the X forms write `Z` for UTC.
        let zone = |n: usize, z: bool| {
            let sign = if off < 0 { '-' } else { '+' };
            let (h, m) = (off.abs() / 3600, (off.abs() % 3600) / 60);
            match n {
                _ if off == 0 && z => "Z".to_string(),
                1 if m == 0 => format!("{sign}{h:02}"),
                3 | 5 => format!("{sign}{h:02}:{m:02}"),
                _ => format!("{sign}{h:02}{m:02}"),
            }
        };
        let s = match (c, n) {
            ('y', 2) => format!("{:02}", t.year() % 100),
            ('y', _) => format!("{:0width$}", t.year(), width = n),
            ('M', 1) => t.month().to_string(),
            ('M', 2) => format!("{:02}", t.month()),
            ('M', 3) => t.format("%b").to_string(),
            ('M', _) => t.format("%B").to_string(),
            ('d', _) => format!("{:0width$}", t.day(), width = n),
            ('H', _) => format!("{:0width$}", t.hour(), width = n),
            ('h', _) => format!("{:0width$}", (t.hour() + 11) % 12 + 1, width = n),
            ('a', _) => (if t.hour() < 12 { "AM" } else { "PM" }).to_string(),
            ('m', _) => format!("{:0width$}", t.minute(), width = n),
            ('s', _) => format!("{:0width$}", t.second(), width = n),
            ('S', _) => format!("{:09}", t.nanosecond() % 1_000_000_000)[..n.min(9)].to_string(),
            ('X' | 'x', 1..=5) => zone(n, c == 'X'),
            _ => {
                return Err(S3Error::EvaluatorInvalidTimestampFormatPatternSymbol.err(format!(
                    "The timestamp format pattern contains a symbol in the SQL expression that is not valid: `{}`.",
                    c.to_string().repeat(n)
                )));
            }
        };
        out.push_str(&s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_follow_the_w3c_forms_of_the_reference() {
        // "2007-02-23T12:14:33.079-08:00" and the shorter forms "2007T", "2007-02-23T".
        let t = parse_timestamp("2007-02-23T12:14:33.079-08:00").unwrap();
        assert_eq!(Value::extract(&t, DatePart::Hour), 12);
        assert_eq!(Value::extract(&t, DatePart::TimezoneHour), -8);
        assert_eq!(format_timestamp(&parse_timestamp("2007T").unwrap()), "2007-01-01T00:00:00Z");
        assert_eq!(format_timestamp(&parse_timestamp("2007-02-23T").unwrap()), "2007-02-23T00:00:00Z");
        assert_eq!(format_timestamp(&parse_timestamp("2007-02-23T12:14Z").unwrap()), "2007-02-23T12:14:00Z");
        assert!(parse_timestamp("2007-13-01T").is_none());
        assert!(parse_timestamp("yesterday").is_none());
        // Any text is safe (multi-byte characters where an offset would be).
        for bad in ["2007-02-23T12:14é", "2007-02-23T12é14+0", "é", "+08:00", "T", "2007-02-23T12:14+ab:cd"] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn date_functions_match_the_reference_examples() {
        let ts = |s: &str| parse_timestamp(s).unwrap();
        // DATE_ADD(year, 5, `2010-01-01T`) = 2015-01-01 ; DATE_ADD(month, 1, `2010T`) = 2010-02.
        assert_eq!(format_timestamp(&Value::date_add(&ts("2010-01-01T"), DatePart::Year, 5).unwrap()), "2015-01-01T00:00:00Z");
        assert_eq!(format_timestamp(&Value::date_add(&ts("2010T"), DatePart::Month, 1).unwrap()), "2010-02-01T00:00:00Z");
        // DATE_DIFF(year, `2010-01-01T`, `2011-01-01T`) = 1 ; (month, `2010T`, `2010-05T`) = 4 ;
        // (day, `2010-01-01T23:00Z`, `2010-01-02T01:00Z`) = 0.
        assert_eq!(Value::date_diff(&ts("2010-01-01T"), &ts("2011-01-01T"), DatePart::Year), Some(1));
        assert_eq!(Value::date_diff(&ts("2010T"), &ts("2010-05T"), DatePart::Month), Some(4));
        assert_eq!(Value::date_diff(&ts("2010T"), &ts("2011T"), DatePart::Month), Some(12));
        assert_eq!(Value::date_diff(&ts("2011T"), &ts("2010T"), DatePart::Month), Some(-12));
        assert_eq!(Value::date_diff(&ts("2010-01-01T23:00"), &ts("2010-01-02T01:00"), DatePart::Day), Some(0));
        // DATE_ADD(month, 13, `2010T`) = 2011-02T; DATE_ADD(day, -1, `2017-01-10T`) = 2017-01-09;
        // DATE_ADD(second, 1, `2017-01-02T03:04:05.006Z`) = 2017-01-02T03:04:06.006Z.
        assert_eq!(format_timestamp(&Value::date_add(&ts("2010T"), DatePart::Month, 13).unwrap()), "2011-02-01T00:00:00Z");
        assert_eq!(format_timestamp(&Value::date_add(&ts("2017-01-10T"), DatePart::Day, -1).unwrap()), "2017-01-09T00:00:00Z");
        assert_eq!(format_timestamp(&Value::date_add(&ts("2017-01-02T03:04:05.006Z"), DatePart::Second, 1).unwrap()), "2017-01-02T03:04:06.006Z");
        // EXTRACT(TIMEZONE_HOUR FROM `2017-01-02T03:04:05+07:08`) = 7, TIMEZONE_MINUTE = 8.
        assert_eq!(Value::extract(&ts("2017-01-02T03:04:05+07:08"), DatePart::TimezoneHour), 7);
        assert_eq!(Value::extract(&ts("2017-01-02T03:04:05+07:08"), DatePart::TimezoneMinute), 8);
        assert_eq!(Value::extract(&ts("2010-10T"), DatePart::Month), 10);
        // TO_STRING(`1969-07-20T20:18Z`, 'MMMM d, y') = "July 20, 1969".
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "MMMM d, y").unwrap(), "July 20, 1969");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "MMM d, yyyy").unwrap(), "Jul 20, 1969");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "M-d-yy").unwrap(), "7-20-69");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "MM-d-y").unwrap(), "07-20-1969");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "MMMM d, y h:m a").unwrap(), "July 20, 1969 8:18 PM");
        // 'y-MM-dd''T''H:m:ssXXXX' -> "1969-07-20T20:18:00+0800"; XXXXX -> "+08:00".
        assert_eq!(to_string(&ts("1969-07-20T20:18+08:00"), "y-MM-dd'T'H:m:ssXXXX").unwrap(), "1969-07-20T20:18:00+0800");
        assert_eq!(to_string(&ts("1969-07-20T20:18+08:00"), "y-MM-dd'T'H:m:ssXXXXX").unwrap(), "1969-07-20T20:18:00+08:00");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "yyyy-MM-dd'T'HH:mm:ssX").unwrap(), "1969-07-20T20:18:00Z");
        assert_eq!(to_string(&ts("1969-07-20T20:18Z"), "q").unwrap_err().code, "EvaluatorInvalidTimestampFormatPatternSymbol");
    }

    /// Random text never panics the timestamp parser or TO_STRING's pattern reader.
    #[test]
    fn random_timestamps_and_patterns_never_panic() {
        let alphabet: Vec<char> = "0123456789-+:TZ.yMdHhmsSaXx' é".chars().collect();
        let mut rng = crate::world::SimRng::new(5);
        let t = parse_timestamp("2017-01-02T03:04:05.006+07:08").unwrap();
        for _ in 0..5000 {
            let n = rng.below(30) as usize;
            let text: String = (0..n).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
            if let Some(p) = parse_timestamp(&text) {
                assert!(!format_timestamp(&p).is_empty());
            }
            let _ = to_string(&t, &text);
        }
    }

    #[test]
    fn casts_convert_or_fail_with_cast_failed() {
        let s = |x: &str| Value::Str(x.into());
        assert_eq!(s("42").cast(SqlType::Int).unwrap(), Value::Int(42));
        assert_eq!(s(" 3.7 ").cast(SqlType::Int).unwrap(), Value::Int(3));
        assert_eq!(s("2.5").cast(SqlType::Float).unwrap(), Value::Float(2.5));
        assert_eq!(s("TRUE").cast(SqlType::Bool).unwrap(), Value::Bool(true));
        assert_eq!(Value::Int(7).cast(SqlType::String).unwrap(), s("7"));
        assert_eq!(Value::Null.cast(SqlType::Int).unwrap(), Value::Null);
        assert_eq!(s("abc").cast(SqlType::Int).unwrap_err().code, "CastFailed");
        assert_eq!(s("abc").cast(SqlType::Timestamp).unwrap_err().code, "CastFailed");
    }

    #[test]
    fn floats_print_with_15_significant_digits() {
        assert_eq!(Value::Float(10.0 * 47.27).to_text(), "472.7");
        assert_eq!(Value::Float(3.0).to_text(), "3.0");
        assert_eq!(Value::Float(0.1 + 0.2).to_text(), "0.3");
        assert_eq!(Value::Float(1.0 / 3.0).to_text(), "0.333333333333333");
    }

    #[test]
    fn only_values_of_one_kind_compare() {
        // Strings compare as text, so '10' < '9'; a string and a number do not compare.
        assert_eq!(Value::Str("10".into()).compare(&Value::Str("9".into())), Some(std::cmp::Ordering::Less));
        assert_eq!(Value::Str("10".into()).compare(&Value::Int(9)), None);
        assert_eq!(Value::Int(2).compare(&Value::Float(2.0)), Some(std::cmp::Ordering::Equal));
    }
}
