//! Simulated time.
//!
//! Nothing in the simulator reads the wall clock. Time is a [`Timestamp`] (milliseconds since
//! the Unix epoch, UTC) held by the world's [`Clock`]; it only moves when a script calls
//! `clock::advance` / `clock::set`. Every time-based rule (TTLs, URL expiry, key rotation,
//! lifecycle, credit buckets) takes `now` from here, the way hickory's resolver cache takes
//! `now` as an argument instead of reading a clock.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The default start of every world: 2026-01-01T00:00:00Z.
pub const DEFAULT_START: Timestamp = Timestamp(1_767_225_600_000);

/// A point in simulated time, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_secs(s: i64) -> Self {
        Timestamp(s * 1000)
    }
    pub const fn millis(self) -> i64 {
        self.0
    }
    /// Whole seconds since the epoch (floor).
    pub const fn secs(self) -> i64 {
        self.0.div_euclid(1000)
    }
    pub fn plus(self, d: Duration) -> Self {
        Timestamp(self.0.saturating_add(d.0))
    }
    pub fn minus(self, d: Duration) -> Self {
        Timestamp(self.0.saturating_sub(d.0))
    }
    /// `self - earlier` as a duration (negative if `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration(self.0 - earlier.0)
    }
    pub fn to_chrono(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
    /// ISO-8601 UTC, `2026-01-01T00:00:00Z`; milliseconds are shown only when non-zero.
    pub fn iso(self) -> String {
        let fmt = if self.0 % 1000 == 0 { SecondsFormat::Secs } else { SecondsFormat::Millis };
        self.to_chrono().to_rfc3339_opts(fmt, true)
    }
    /// SigV4's basic format, `20130524T000000Z`, on the stack (written digit by digit: every
    /// presigned URL needs one, and chrono's formatter was a visible part of presigning).
    pub fn amz_date(self) -> AmzDate {
        use chrono::{Datelike, Timelike};
        let d = self.to_chrono();
        let year = d.year().clamp(0, 9999) as u32;
        let mut out = [b'T'; 16];
        for (at, n) in [(0, year / 100), (2, year % 100), (4, d.month()), (6, d.day()), (9, d.hour()), (11, d.minute()), (13, d.second())] {
            out[at] = b'0' + (n / 10 % 10) as u8;
            out[at + 1] = b'0' + (n % 10) as u8;
        }
        out[15] = b'Z';
        AmzDate(out)
    }
    /// `20130524`.
    pub fn yyyymmdd(self) -> String {
        self.to_chrono().format("%Y%m%d").to_string()
    }
    /// RFC 7231 HTTP date, `Fri, 24 May 2013 00:00:00 GMT`.
    pub fn http_date(self) -> String {
        self.to_chrono().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    }

    /// Parses ISO-8601 / RFC 3339 (`2026-01-01T00:00:00Z`, with offset or fraction), a bare
    /// date (`2026-01-01`, midnight UTC), a naive date-time (taken as UTC), SigV4's
    /// `20130524T000000Z` or an HTTP date (`Fri, 24 May 2013 00:00:00 GMT`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(s).or_else(|_| DateTime::parse_from_rfc2822(s)) {
            return Ok(Timestamp(dt.timestamp_millis()));
        }
        for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y%m%dT%H%M%SZ"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, f) {
                return Ok(Timestamp(dt.and_utc().timestamp_millis()));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Timestamp(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis()));
        }
        Err(format!("`{s}` is not an ISO-8601 date-time (expected e.g. `2026-01-01T00:00:00Z`)"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Duration(pub i64);

impl Duration {
    pub const ZERO: Duration = Duration(0);
    pub const fn secs(s: i64) -> Self {
        Duration(s * 1000)
    }
    pub const fn minutes(m: i64) -> Self {
        Duration(m * 60_000)
    }
    pub const fn hours(h: i64) -> Self {
        Duration(h * 3_600_000)
    }
    pub const fn days(d: i64) -> Self {
        Duration(d * 86_400_000)
    }
    pub const fn as_millis(self) -> i64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    pub const fn whole_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Parses `"90s"`, `"15m"`, `"2h"`, `"30d"`, `"1w"`, `"500ms"`, combinations such as
    /// `"1h30m"`, and a bare number of seconds (`"90"`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || {
            format!("`{s}` is not a duration (expected seconds or e.g. `90s`, `15m`, `2h`, `30d`, `1h30m`)")
        };
        if t.is_empty() {
            return Err(bad());
        }
        if let Ok(n) = t.parse::<i64>() {
            return n.checked_mul(1000).map(Duration).ok_or_else(bad);
        }
        if let Ok(x) = t.parse::<f64>() {
            return if x.is_finite() && x.abs() < 9.0e15 { Ok(Duration((x * 1000.0).round() as i64)) } else { Err(bad()) };
        }
        let mut total: i64 = 0;
        let mut rest = t;
        while !rest.is_empty() {
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
            if num_len == 0 {
                return Err(bad());
            }
            let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
            rest = &rest[num_len..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
            let unit = rest[..unit_len].trim();
            rest = &rest[unit_len..];
            let ms: f64 = match unit {
                "ms" => 1.0,
                "s" | "sec" | "secs" | "second" | "seconds" => 1000.0,
                "m" | "min" | "mins" | "minute" | "minutes" => 60_000.0,
                "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000.0,
                "d" | "day" | "days" => 86_400_000.0,
                "w" | "week" | "weeks" => 604_800_000.0,
                _ => return Err(bad()),
            };
            let add = n * ms;
            if !add.is_finite() || add > 9.0e15 {
                return Err(bad());
            }
            total = total.checked_add(add.round() as i64).ok_or_else(bad)?;
        }
        Ok(Duration(total))
    }

    /// Human form used in tables: `90s`, `15m`, `2h30m`, `30d`.
    pub fn human(self) -> String {
        if self.0 % 1000 != 0 {
            return format!("{}ms", self.0);
        }
        let mut s = self.0 / 1000;
        if s == 0 {
            return "0s".into();
        }
        let neg = s < 0;
        s = s.abs();
        let mut out = String::new();
        if neg {
            out.push('-');
        }
        for (unit, n) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if s >= n {
                out.push_str(&format!("{}{unit}", s / n));
                s %= n;
            }
        }
        out
    }
}

/// The world's clock.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Clock {
    /// Current simulated time.
    pub now: Timestamp,
    /// Where this world's clock started (shown in reports).
    pub start: Timestamp,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { now: DEFAULT_START, start: DEFAULT_START }
    }
}

/// A time in SigV4's basic format, `20130524T000000Z` ([`Timestamp::amz_date`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmzDate([u8; 16]);

impl std::ops::Deref for AmzDate {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.0).expect("digits, T and Z are ASCII")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_2026_new_year() {
        assert_eq!(DEFAULT_START.iso(), "2026-01-01T00:00:00Z");
        assert_eq!(Timestamp::parse("2026-01-01T00:00:00Z").unwrap(), DEFAULT_START);
        assert_eq!(Timestamp::parse("2026-01-01").unwrap(), DEFAULT_START);
        assert_eq!(Timestamp::parse("20260101T000000Z").unwrap(), DEFAULT_START);
    }

    #[test]
    fn durations_in_the_forms_the_design_names() {
        assert_eq!(Duration::parse("90s").unwrap(), Duration::secs(90));
        assert_eq!(Duration::parse("15m").unwrap(), Duration::minutes(15));
        assert_eq!(Duration::parse("2h").unwrap(), Duration::hours(2));
        assert_eq!(Duration::parse("30d").unwrap(), Duration::days(30));
        assert_eq!(Duration::parse("1h30m").unwrap(), Duration::minutes(90));
        assert_eq!(Duration::parse("300").unwrap(), Duration::secs(300));
        assert_eq!(Duration::parse("1.5s").unwrap(), Duration(1500));
        for bad in ["", "abc", "5x", "m", "1e400", "99999999999999999999"] {
            assert!(Duration::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(Duration::minutes(150).human(), "2h30m");
    }

    #[test]
    fn amz_date_matches_chronos_format() {
        for t in ["2013-05-24T00:00:00Z", "2026-12-31T23:59:59Z", "1999-01-02T03:04:05Z"] {
            let t = Timestamp::parse(t).unwrap();
            assert_eq!(&*t.amz_date(), t.to_chrono().format("%Y%m%dT%H%M%SZ").to_string());
        }
    }

    #[test]
    fn formats() {
        let t = Timestamp::parse("2013-05-24T00:00:00Z").unwrap();
        assert_eq!(&*t.amz_date(), "20130524T000000Z");
        assert_eq!(t.yyyymmdd(), "20130524");
        assert_eq!(t.http_date(), "Fri, 24 May 2013 00:00:00 GMT");
        assert_eq!(Timestamp::parse(&t.http_date()), Ok(t), "HTTP dates read back");
        assert_eq!(Timestamp(1500).iso(), "1970-01-01T00:00:01.500Z");
    }
}
