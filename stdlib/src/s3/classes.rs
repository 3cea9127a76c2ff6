//! Storage classes: their documented facts (durability, availability, AZs, minimum billable
//! duration and size, retrieval rules), the lifecycle transition waterfall, archive restore
//! tiers, and a cost estimator over a replaceable price table.
//!
//! Facts: S3 User Guide "Using Amazon S3 storage classes" and "Transitioning objects using
//! S3 Lifecycle" (aws-facts §5.3–5.4). Prices: [`PRICES`], us-east-1 list prices from the
//! Amazon S3 pricing page (first storage tier, as published in 2025). They are ESTIMATES for
//! teaching: replace the table to model another region or date.

use serde::{Deserialize, Serialize};

use super::error::S3Error;
use crate::world::{AwsError, Duration, ErrorCode};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum StorageClass {
    #[default]
    STANDARD,
    REDUCED_REDUNDANCY,
    STANDARD_IA,
    ONEZONE_IA,
    INTELLIGENT_TIERING,
    GLACIER_IR,
    GLACIER,
    DEEP_ARCHIVE,
}

use StorageClass::*;

/// The documented facts of one storage class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClassFacts {
    pub class: StorageClass,
    pub durability: &'static str,
    pub availability: &'static str,
    /// Availability Zones the data is stored across (`">= 3"` or `"1"`).
    pub azs: &'static str,
    pub min_storage_days: u32,
    /// Objects smaller than this are billed as this size.
    pub min_billable_bytes: u64,
    /// Extra per-object bytes billed for archived objects (at the class rate / at Standard).
    pub archive_overhead: (u64, u64),
    /// Objects must be restored before GET.
    pub needs_restore: bool,
}

pub const ALL_CLASSES: &[StorageClass] = &[STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, REDUCED_REDUNDANCY];

impl StorageClass {
    pub fn as_str(self) -> &'static str {
        match self {
            STANDARD => "STANDARD",
            REDUCED_REDUNDANCY => "REDUCED_REDUNDANCY",
            STANDARD_IA => "STANDARD_IA",
            ONEZONE_IA => "ONEZONE_IA",
            INTELLIGENT_TIERING => "INTELLIGENT_TIERING",
            GLACIER_IR => "GLACIER_IR",
            GLACIER => "GLACIER",
            DEEP_ARCHIVE => "DEEP_ARCHIVE",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AwsError> {
        ALL_CLASSES.iter().copied().find(|c| c.as_str() == s).ok_or_else(|| super::error::invalid_storage_class(s))
    }

    pub fn facts(self) -> ClassFacts {
        const K128: u64 = 128 * 1024;
        let (durability, availability, azs, min_storage_days, min_billable_bytes, archive_overhead, needs_restore) = match self {
            STANDARD => ("99.999999999%", "99.99%", ">= 3", 0, 0, (0, 0), false),
            REDUCED_REDUNDANCY => ("99.99%", "99.99%", ">= 3", 0, 0, (0, 0), false),
            STANDARD_IA => ("99.999999999%", "99.9%", ">= 3", 30, K128, (0, 0), false),
            ONEZONE_IA => ("99.999999999%", "99.5%", "1", 30, K128, (0, 0), false),
            INTELLIGENT_TIERING => ("99.999999999%", "99.9%", ">= 3", 0, 0, (0, 0), false),
            GLACIER_IR => ("99.999999999%", "99.9%", ">= 3", 90, K128, (0, 0), false),
            GLACIER => ("99.999999999%", "99.99% (after restore)", ">= 3", 90, 0, (32 * 1024, 8 * 1024), true),
            DEEP_ARCHIVE => ("99.999999999%", "99.99% (after restore)", ">= 3", 180, 0, (32 * 1024, 8 * 1024), true),
        };
        ClassFacts { class: self, durability, availability, azs, min_storage_days, min_billable_bytes, archive_overhead, needs_restore }
    }

    /// Whether lifecycle may transition objects from `self` to `to` (the waterfall).
    pub fn can_transition_to(self, to: StorageClass) -> bool {
        match (self, to) {
            (_, STANDARD) | (_, REDUCED_REDUNDANCY) => false,
            (a, b) if a == b => false,
            (STANDARD, _) | (REDUCED_REDUNDANCY, _) => true,
            (STANDARD_IA, _) => true,
            (INTELLIGENT_TIERING, STANDARD_IA) => false,
            (INTELLIGENT_TIERING, _) => true,
            (ONEZONE_IA, GLACIER) | (ONEZONE_IA, DEEP_ARCHIVE) => true,
            (ONEZONE_IA, _) => false,
            (GLACIER_IR, GLACIER) | (GLACIER_IR, DEEP_ARCHIVE) => true,
            (GLACIER, DEEP_ARCHIVE) => true,
            _ => false,
        }
    }
}

/// How long an archive restore takes, per tier (the upper end of AWS's documented range:
/// GLACIER Expedited 1–5 min, Standard 3–5 h, Bulk 5–12 h; DEEP_ARCHIVE Standard within
/// 12 h, Bulk within 48 h, no Expedited).
pub fn restore_time(class: StorageClass, tier: &str) -> Result<Duration, AwsError> {
    match (class, tier) {
        (GLACIER, "Expedited") => Ok(Duration::minutes(5)),
        (GLACIER, "Standard") => Ok(Duration::hours(5)),
        (GLACIER, "Bulk") => Ok(Duration::hours(12)),
        (DEEP_ARCHIVE, "Standard") => Ok(Duration::hours(12)),
        (DEEP_ARCHIVE, "Bulk") => Ok(Duration::hours(48)),
        (DEEP_ARCHIVE, "Expedited") => Err(S3Error::InvalidArgument.err("Expedited retrievals are not available for objects in the DEEP_ARCHIVE storage class")),
        (_, t) => Err(S3Error::MalformedXML.err(format!("`{t}` is not a retrieval tier (expected Expedited, Standard or Bulk)"))),
    }
}

/// One row of the price table (USD).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prices {
    pub class: StorageClass,
    /// Per GB-month.
    pub storage_gb_month: f64,
    /// Per 1,000 PUT, COPY, POST, LIST requests.
    pub put_per_1000: f64,
    /// Per 1,000 GET, SELECT and other requests.
    pub get_per_1000: f64,
    /// Per GB retrieved (standard retrieval for archive classes).
    pub retrieval_gb: f64,
}

/// Date of the price table.
pub const PRICES_AS_OF: &str = "2025 (us-east-1 list prices, Amazon S3 pricing page)";

/// us-east-1 list prices, first tier. Intelligent-Tiering shows its Frequent Access tier;
/// its monitoring fee is [`INT_MONITORING_PER_1000_OBJECTS`].
pub const PRICES: &[Prices] = &[
    Prices { class: STANDARD, storage_gb_month: 0.023, put_per_1000: 0.005, get_per_1000: 0.0004, retrieval_gb: 0.0 },
    Prices { class: STANDARD_IA, storage_gb_month: 0.0125, put_per_1000: 0.01, get_per_1000: 0.001, retrieval_gb: 0.01 },
    Prices { class: ONEZONE_IA, storage_gb_month: 0.01, put_per_1000: 0.01, get_per_1000: 0.001, retrieval_gb: 0.01 },
    Prices { class: INTELLIGENT_TIERING, storage_gb_month: 0.023, put_per_1000: 0.005, get_per_1000: 0.0004, retrieval_gb: 0.0 },
    Prices { class: GLACIER_IR, storage_gb_month: 0.004, put_per_1000: 0.02, get_per_1000: 0.01, retrieval_gb: 0.03 },
    Prices { class: GLACIER, storage_gb_month: 0.0036, put_per_1000: 0.03, get_per_1000: 0.0004, retrieval_gb: 0.01 },
    Prices { class: DEEP_ARCHIVE, storage_gb_month: 0.00099, put_per_1000: 0.05, get_per_1000: 0.0004, retrieval_gb: 0.02 },
    Prices { class: REDUCED_REDUNDANCY, storage_gb_month: 0.024, put_per_1000: 0.005, get_per_1000: 0.0004, retrieval_gb: 0.0 },
];

/// Intelligent-Tiering monitoring and automation, per 1,000 objects (>= 128 KB) per month.
pub const INT_MONITORING_PER_1000_OBJECTS: f64 = 0.0025;
/// Intelligent-Tiering's automatic tiers: Infrequent Access after 30 days without access,
/// Archive Instant Access after 90 days (per GB-month).
pub const INT_INFREQUENT_GB_MONTH: f64 = 0.0125;
pub const INT_ARCHIVE_INSTANT_GB_MONTH: f64 = 0.004;

pub fn prices(class: StorageClass) -> Prices {
    *PRICES.iter().find(|p| p.class == class).expect("every class has prices")
}

const GB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Billing months are taken as 30 days.
const DAYS_PER_MONTH: f64 = 30.0;

/// A workload to price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Workload {
    #[serde(default)]
    pub storage_class: Option<String>,
    /// Number of objects stored.
    pub objects: u64,
    /// Average object size in bytes.
    pub object_size: u64,
    /// How long the objects are kept (days); 365 by default.
    #[serde(default)]
    pub days: Option<u64>,
    /// GET requests per month (each reads a whole object).
    #[serde(default)]
    pub gets_per_month: Option<u64>,
    /// PUT requests per month beyond the initial upload of every object.
    #[serde(default)]
    pub puts_per_month: Option<u64>,
}

/// A cost estimate, line by line (USD).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Estimate {
    pub storage_class: String,
    pub billable_bytes_per_object: u64,
    pub billed_days: u64,
    pub storage_gb_months: f64,
    pub storage: f64,
    pub requests: f64,
    pub retrieval: f64,
    pub monitoring: f64,
    pub total: f64,
    pub note: String,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Prices `w` in `class` with S3's billing rules: the minimum billable size (128 KB for the
/// IA classes and Glacier IR), the 40 KB per-object archive overhead (32 KB at the class
/// rate, 8 KB at Standard) for GLACIER and DEEP_ARCHIVE, the minimum storage duration (an
/// object deleted earlier is billed for the minimum), per-request and per-GB retrieval fees,
/// and Intelligent-Tiering's monitoring fee and automatic tiers (objects never read move to
/// Infrequent Access after 30 days and Archive Instant Access after 90).
pub fn estimate(class: StorageClass, w: &Workload) -> Estimate {
    let f = class.facts();
    let p = prices(class);
    let days = w.days.unwrap_or(365);
    let billed_days = days.max(f.min_storage_days as u64);
    let size = w.object_size.max(f.min_billable_bytes) + f.archive_overhead.0;
    let gb = |bytes: u64| bytes as f64 * w.objects as f64 / GB;
    let months = billed_days as f64 / DAYS_PER_MONTH;
    let gets = w.gets_per_month.unwrap_or(0);
    let (storage, mut note) = if class == INTELLIGENT_TIERING && gets == 0 && w.object_size >= 128 * 1024 {
        let d = billed_days as f64;
        let fa = d.min(30.0);
        let ia = (d.min(90.0) - 30.0).max(0.0);
        let aia = (d - 90.0).max(0.0);
        let cost = gb(size) * (fa * p.storage_gb_month + ia * INT_INFREQUENT_GB_MONTH + aia * INT_ARCHIVE_INSTANT_GB_MONTH) / DAYS_PER_MONTH;
        (cost, "never read: Frequent 30 d, Infrequent to day 90, then Archive Instant".to_string())
    } else {
        (gb(size) * p.storage_gb_month * months, String::new())
    };
    let overhead_standard = gb(f.archive_overhead.1) * prices(STANDARD).storage_gb_month * months;
    let month_count = days as f64 / DAYS_PER_MONTH;
    let puts = w.objects as f64 + w.puts_per_month.unwrap_or(0) as f64 * month_count;
    let get_count = gets as f64 * month_count;
    let requests = puts / 1000.0 * p.put_per_1000 + get_count / 1000.0 * p.get_per_1000;
    let retrieval = if f.needs_restore {
        0.0
    } else {
        get_count * w.object_size as f64 / GB * p.retrieval_gb
    };
    let monitoring = if class == INTELLIGENT_TIERING && w.object_size >= 128 * 1024 {
        w.objects as f64 / 1000.0 * INT_MONITORING_PER_1000_OBJECTS * month_count
    } else {
        0.0
    };
    if f.needs_restore && gets > 0 {
        note = "GETs need RestoreObject first (restore fees not included)".into();
    }
    if billed_days > days {
        let extra = format!("billed the {}-day minimum", f.min_storage_days);
        note = if note.is_empty() { extra } else { format!("{note}; {extra}") };
    }
    let storage = storage + overhead_standard;
    Estimate {
        storage_class: class.as_str().into(),
        billable_bytes_per_object: size + f.archive_overhead.1,
        billed_days,
        storage_gb_months: round4(gb(size + f.archive_overhead.1) * months),
        storage: round4(storage),
        requests: round4(requests),
        retrieval: round4(retrieval),
        monitoring: round4(monitoring),
        total: round4(storage + requests + retrieval + monitoring),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_minimums() {
        assert_eq!(STANDARD_IA.facts().min_storage_days, 30);
        assert_eq!(ONEZONE_IA.facts().min_storage_days, 30);
        assert_eq!(GLACIER_IR.facts().min_storage_days, 90);
        assert_eq!(GLACIER.facts().min_storage_days, 90);
        assert_eq!(DEEP_ARCHIVE.facts().min_storage_days, 180);
        assert_eq!(STANDARD_IA.facts().min_billable_bytes, 128 * 1024);
        assert_eq!(ONEZONE_IA.facts().azs, "1");
        let (a, b) = GLACIER.facts().archive_overhead;
        assert_eq!(a + b, 40 * 1024);
        assert!(GLACIER.facts().needs_restore && DEEP_ARCHIVE.facts().needs_restore && !GLACIER_IR.facts().needs_restore);
        assert_eq!(StorageClass::parse("GLACIER_IR").unwrap(), GLACIER_IR);
        assert_eq!(StorageClass::parse("COLD").unwrap_err().code, "InvalidStorageClass");
    }

    #[test]
    fn the_waterfall() {
        // S3 User Guide, "Supported lifecycle transitions".
        for to in [STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE] {
            assert!(STANDARD.can_transition_to(to), "{to:?}");
        }
        for (from, to) in [
            (STANDARD_IA, STANDARD),
            (GLACIER, STANDARD_IA),
            (INTELLIGENT_TIERING, STANDARD_IA),
            (ONEZONE_IA, INTELLIGENT_TIERING),
            (ONEZONE_IA, STANDARD_IA),
            (ONEZONE_IA, GLACIER_IR),
            (DEEP_ARCHIVE, GLACIER),
            (STANDARD, REDUCED_REDUNDANCY),
        ] {
            assert!(!from.can_transition_to(to), "{from:?} -> {to:?}");
        }
        assert!(GLACIER_IR.can_transition_to(GLACIER));
        assert!(GLACIER.can_transition_to(DEEP_ARCHIVE));
        assert!(ONEZONE_IA.can_transition_to(DEEP_ARCHIVE));
    }

    #[test]
    fn billing_rules() {
        // A 1 KB object in Standard-IA is billed as 128 KB, and for 30 days even if kept 10.
        let w = Workload { storage_class: None, objects: 1_000_000, object_size: 1024, days: Some(10), gets_per_month: None, puts_per_month: None };
        let e = estimate(STANDARD_IA, &w);
        assert_eq!(e.billable_bytes_per_object, 128 * 1024);
        assert_eq!(e.billed_days, 30);
        let expected = 1_000_000.0 * 128.0 * 1024.0 / GB * 0.0125;
        assert!((e.storage - round4(expected)).abs() < 1e-4, "{} vs {expected}", e.storage);
        assert!(e.note.contains("30-day minimum"));
        // Standard bills the real size for the real time.
        let s = estimate(STANDARD, &w);
        assert_eq!(s.billable_bytes_per_object, 1024);
        assert_eq!(s.billed_days, 10);
        // Glacier adds 32 KB at its rate and 8 KB at Standard.
        let g = estimate(GLACIER, &Workload { days: Some(365), ..w.clone() });
        assert_eq!(g.billable_bytes_per_object, 1024 + 40 * 1024);
        // Deep Archive minimum: 180 days.
        assert_eq!(estimate(DEEP_ARCHIVE, &w).billed_days, 180);
        // Requests: one PUT per object at the class's rate.
        assert!((s.requests - 1000.0 * 0.005).abs() < 1e-9);
    }

    #[test]
    fn restore_tiers() {
        assert_eq!(restore_time(GLACIER, "Expedited").unwrap(), Duration::minutes(5));
        assert_eq!(restore_time(DEEP_ARCHIVE, "Bulk").unwrap(), Duration::hours(48));
        assert!(restore_time(DEEP_ARCHIVE, "Expedited").is_err());
        assert!(restore_time(GLACIER, "Fast").is_err());
    }
}
