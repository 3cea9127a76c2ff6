//! Lifecycle configuration: validation as PutBucketLifecycleConfiguration does it, and the
//! daily lifecycle pass that [`super::run_due`] runs at midnight UTC as the clock advances.
//!
//! Timing (S3 User Guide, "Lifecycle rules: based on an object's age"): S3 adds the rule's
//! days to the object's creation time (or, for noncurrent-version rules, to the time it
//! became noncurrent) and rounds up to the next midnight UTC — an object created
//! 2014-01-15 10:30 UTC with a 3-day rule is eligible on 2014-01-19 00:00 UTC.
//!
//! Precedence: permanent deletion beats transition; transition beats the creation of a
//! delete marker; when several transitions are due the one furthest down the waterfall wins
//! (Glacier over Standard-IA). Objects under 128 KB are not transitioned unless the
//! configuration says `TransitionDefaultMinimumObjectSize: varies_by_storage_class` (then
//! only transitions to Standard-IA, One Zone-IA, Intelligent-Tiering and Glacier IR skip
//! them). Simplified: `Date`-based actions run at the given date's midnight; rules match by
//! prefix, tags and object size as documented; replication and access points are not modelled.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::classes::StorageClass;
use super::error::{S3Error, invalid_argument};
use crate::world::{AwsError, Duration, ErrorCode, Timestamp};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LifecycleConfiguration {
    pub rules: Vec<LifecycleRule>,
    /// `all_storage_classes_128K` (default) or `varies_by_storage_class`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_default_minimum_object_size: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LifecycleRule {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Deprecated top-level prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<Transition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration: Option<Expiration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_transitions: Option<Vec<NoncurrentVersionTransition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_incomplete_multipart_upload: Option<AbortIncompleteMultipartUpload>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_size_greater_than: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_size_less_than: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and: Option<AndFilter>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AndFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_size_greater_than: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_size_less_than: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Transition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub storage_class: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Expiration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_object_delete_marker: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NoncurrentVersionTransition {
    pub noncurrent_days: i64,
    pub storage_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_noncurrent_versions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NoncurrentVersionExpiration {
    pub noncurrent_days: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_noncurrent_versions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AbortIncompleteMultipartUpload {
    pub days_after_initiation: i64,
}

/// The next midnight UTC at or after `t` (lifecycle rounds up to midnight).
pub fn ceil_midnight(t: Timestamp) -> Timestamp {
    let day = 86_400_000;
    Timestamp(t.0.div_euclid(day) * day + if t.0.rem_euclid(day) == 0 { 0 } else { day })
}

/// The first midnight strictly after `t`.
pub fn next_midnight(t: Timestamp) -> Timestamp {
    let day = 86_400_000;
    Timestamp((t.0.div_euclid(day) + 1) * day)
}

/// When an action of `days` (or at `date`) counted from `since` becomes due.
pub fn due(since: Timestamp, days: Option<i64>, date: Option<&str>) -> Option<Timestamp> {
    if let Some(d) = days {
        return Some(ceil_midnight(since.plus(Duration::days(d))));
    }
    date.and_then(|d| Timestamp::parse(d).ok())
}

impl LifecycleRule {
    pub fn enabled(&self) -> bool {
        self.status == "Enabled"
    }

    /// A readable form of the rule's filter, as S3 quotes it in errors: `(prefix=logs/)`.
    pub fn filter_text(&self) -> String {
        let prefix = self.filter.as_ref().and_then(|f| f.prefix.clone().or_else(|| f.and.as_ref().and_then(|a| a.prefix.clone()))).or_else(|| self.prefix.clone());
        match prefix {
            Some(p) => format!("(prefix={p})"),
            None => "()".into(),
        }
    }

    /// Whether the rule applies to an object.
    pub fn matches(&self, key: &str, size: u64, tags: &BTreeMap<String, String>) -> bool {
        if let Some(p) = &self.prefix
            && !key.starts_with(p.as_str()) {
                return false;
            }
        let Some(f) = &self.filter else { return true };
        let size_ok = |gt: Option<u64>, lt: Option<u64>| gt.is_none_or(|g| size > g) && lt.is_none_or(|l| size < l);
        if let Some(a) = &f.and {
            return a.prefix.as_deref().is_none_or(|p| key.starts_with(p))
                && a.tags.iter().flatten().all(|t| tags.get(&t.key) == Some(&t.value))
                && size_ok(a.object_size_greater_than, a.object_size_less_than);
        }
        f.prefix.as_deref().is_none_or(|p| key.starts_with(p))
            && f.tag.as_ref().is_none_or(|t| tags.get(&t.key) == Some(&t.value))
            && size_ok(f.object_size_greater_than, f.object_size_less_than)
    }
}

fn bad(msg: String) -> AwsError {
    invalid_argument(msg)
}

/// Validates a configuration the way PutBucketLifecycleConfiguration does.
pub fn validate(cfg: &LifecycleConfiguration) -> Result<(), AwsError> {
    if cfg.rules.is_empty() || cfg.rules.len() > 1000 {
        return Err(S3Error::MalformedXML.err(format!(
            "The XML you provided was not well-formed or did not validate against our published schema: a lifecycle configuration has 1 to 1,000 rules, not {}",
            cfg.rules.len()
        )));
    }
    if let Some(m) = &cfg.transition_default_minimum_object_size
        && m != "all_storage_classes_128K" && m != "varies_by_storage_class" {
            return Err(bad(format!("`{m}` is not a TransitionDefaultMinimumObjectSize (expected all_storage_classes_128K or varies_by_storage_class)")));
        }
    let mut ids = std::collections::BTreeSet::new();
    for r in &cfg.rules {
        if let Some(id) = &r.id {
            if id.len() > 255 {
                return Err(bad("ID length should not exceed allowed limit of 255".into()));
            }
            if !ids.insert(id.clone()) {
                return Err(bad("Rule ID must be unique. Found same ID for more than one rule".into()));
            }
        }
        if r.status != "Enabled" && r.status != "Disabled" {
            return Err(S3Error::MalformedXML.err(format!("The XML you provided was not well-formed or did not validate against our published schema: Status `{}` (expected Enabled or Disabled)", r.status)));
        }
        if r.filter.is_some() && r.prefix.is_some() {
            return Err(S3Error::MalformedXML.err("The XML you provided was not well-formed or did not validate against our published schema: a rule has either Filter or Prefix, not both"));
        }
        if r.transitions.is_none() && r.expiration.is_none() && r.noncurrent_version_transitions.is_none() && r.noncurrent_version_expiration.is_none() && r.abort_incomplete_multipart_upload.is_none() {
            return Err(S3Error::InvalidRequest.err("At least one action needs to be specified in a rule"));
        }
        let filter = r.filter_text();
        let mut steps: Vec<(i64, StorageClass)> = Vec::new();
        for t in r.transitions.iter().flatten() {
            let class = StorageClass::parse(&t.storage_class).map_err(|_| bad(format!("The storage class you specified in the Transition action is not valid: `{}`", t.storage_class)))?;
            if matches!(class, StorageClass::STANDARD | StorageClass::REDUCED_REDUNDANCY) {
                return Err(bad(format!("'StorageClass' `{}` is not a valid transition target (objects only move down the lifecycle waterfall)", t.storage_class)));
            }
            match (t.days, &t.date) {
                (Some(d), None) => {
                    if d < 0 {
                        return Err(bad("'Days' in Transition action must be nonnegative".into()));
                    }
                    if matches!(class, StorageClass::STANDARD_IA | StorageClass::ONEZONE_IA) && d < 30 {
                        return Err(bad(format!("'Days' in Transition action must be greater than or equal to 30 for storageClass '{}'", class.as_str())));
                    }
                    steps.push((d, class));
                }
                (None, Some(date)) => {
                    Timestamp::parse(date).map_err(|_| bad(format!("`{date}` is not a valid Date in Transition action")))?;
                }
                _ => return Err(bad("A Transition action needs exactly one of Days and Date".into())),
            }
        }
        steps.sort_by_key(|s| s.0);
        for w in steps.windows(2) {
            let ((d1, c1), (d2, c2)) = (w[0], w[1]);
            if c1 == c2 {
                return Err(bad(format!("'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '{filter}'")));
            }
            if !c1.can_transition_to(c2) {
                return Err(bad(format!("Transition from '{}' to '{}' in the same 'Rule' with filter '{filter}' is not allowed", c1.as_str(), c2.as_str())));
            }
            if matches!(c1, StorageClass::STANDARD_IA | StorageClass::ONEZONE_IA) && matches!(c2, StorageClass::GLACIER | StorageClass::DEEP_ARCHIVE) && d2 - d1 < 30 {
                return Err(bad(format!(
                    "'Days' in the Transition action for StorageClass '{}' for filter '{filter}' must be 30 days more than 'filter '{filter}'' in the Transition action for StorageClass '{}'",
                    c2.as_str(),
                    c1.as_str()
                )));
            }
        }
        if let Some(e) = &r.expiration {
            let set = [e.days.is_some(), e.date.is_some(), e.expired_object_delete_marker.is_some()].iter().filter(|x| **x).count();
            if set != 1 {
                return Err(bad("An Expiration action needs exactly one of Days, Date and ExpiredObjectDeleteMarker".into()));
            }
            if let Some(d) = e.days {
                if d <= 0 {
                    return Err(bad("'Days' for Expiration action must be a positive integer".into()));
                }
                if let Some(&(td, _)) = steps.last()
                    && d <= td {
                        return Err(bad(format!("'Days' in the Expiration action for filter '{filter}' must be greater than 'Days' in the Transition action")));
                    }
            }
            if let Some(date) = &e.date {
                Timestamp::parse(date).map_err(|_| bad(format!("`{date}` is not a valid Date in Expiration action")))?;
            }
        }
        let mut nsteps: Vec<(i64, StorageClass)> = Vec::new();
        for t in r.noncurrent_version_transitions.iter().flatten() {
            let class = StorageClass::parse(&t.storage_class).map_err(|_| bad(format!("The storage class you specified in the NoncurrentVersionTransition action is not valid: `{}`", t.storage_class)))?;
            if matches!(class, StorageClass::STANDARD | StorageClass::REDUCED_REDUNDANCY) {
                return Err(bad(format!("'StorageClass' `{}` is not a valid transition target", t.storage_class)));
            }
            if t.noncurrent_days < 0 {
                return Err(bad("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative".into()));
            }
            if matches!(class, StorageClass::STANDARD_IA | StorageClass::ONEZONE_IA) && t.noncurrent_days < 30 {
                return Err(bad(format!(
                    "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '{}'",
                    class.as_str()
                )));
            }
            nsteps.push((t.noncurrent_days, class));
        }
        if let Some(e) = &r.noncurrent_version_expiration {
            if e.noncurrent_days <= 0 {
                return Err(bad("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer".into()));
            }
            if let Some(&(td, _)) = nsteps.iter().max_by_key(|s| s.0)
                && e.noncurrent_days <= td {
                    return Err(bad(format!(
                        "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '{filter}' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action"
                    )));
                }
        }
        if let Some(a) = &r.abort_incomplete_multipart_upload {
            if a.days_after_initiation <= 0 {
                return Err(bad("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer".into()));
            }
            if r.filter.as_ref().is_some_and(|f| f.tag.is_some() || f.and.as_ref().is_some_and(|a| a.tags.is_some())) {
                return Err(bad("AbortIncompleteMultipartUpload cannot be specified with Tags.".into()));
            }
        }
    }
    Ok(())
}

/// Whether the 128 KB default keeps a small object from moving to `to`.
pub fn too_small(cfg: &LifecycleConfiguration, size: u64, to: StorageClass) -> bool {
    if size >= 128 * 1024 {
        return false;
    }
    match cfg.transition_default_minimum_object_size.as_deref() {
        Some("varies_by_storage_class") => matches!(to, StorageClass::STANDARD_IA | StorageClass::ONEZONE_IA | StorageClass::INTELLIGENT_TIERING | StorageClass::GLACIER_IR),
        _ => true,
    }
}

/// One thing the lifecycle pass did (shown by `s3::lifecycle_events`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleEvent {
    pub time: Timestamp,
    pub bucket: String,
    pub key: String,
    pub version_id: String,
    /// `Transition`, `Expire` (permanent), `CreateDeleteMarker`, `RemoveExpiredDeleteMarker`,
    /// `NoncurrentTransition`, `NoncurrentExpire`, `AbortMultipartUpload`.
    pub action: String,
    pub rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_class: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v: serde_json::Value) -> LifecycleConfiguration {
        serde_json::from_value(serde_json::json!({ "Rules": [v] })).unwrap()
    }

    #[test]
    fn rounding_to_midnight_matches_the_documented_example() {
        // "an object created 1/15/2014 10:30 AM UTC with a 3-day rule ... 1/19/2014 00:00 UTC"
        let created = Timestamp::parse("2014-01-15T10:30:00Z").unwrap();
        assert_eq!(due(created, Some(3), None).unwrap().iso(), "2014-01-19T00:00:00Z");
        let midnight = Timestamp::parse("2014-01-15T00:00:00Z").unwrap();
        assert_eq!(ceil_midnight(midnight), midnight);
        assert_eq!(next_midnight(midnight).iso(), "2014-01-16T00:00:00Z");
    }

    #[test]
    fn validation_follows_the_documented_constraints() {
        let ok = rule(serde_json::json!({"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 60, "StorageClass": "GLACIER"}],
            "Expiration": {"Days": 365}}));
        assert!(validate(&ok).is_ok());
        let e = validate(&rule(serde_json::json!({"Status": "Enabled", "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}))).unwrap_err();
        assert_eq!(e.message, "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'");
        // IA then Glacier needs 30 more days.
        let e = validate(&rule(serde_json::json!({"Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 45, "StorageClass": "GLACIER"}]}))).unwrap_err();
        assert!(e.message.contains("must be 30 days more than"), "{}", e.message);
        // Up the waterfall is refused.
        let e = validate(&rule(serde_json::json!({"Status": "Enabled",
            "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}, {"Days": 90, "StorageClass": "STANDARD_IA"}]}))).unwrap_err();
        assert!(e.message.contains("not allowed"), "{}", e.message);
        let e = validate(&rule(serde_json::json!({"Status": "Enabled", "Transitions": [{"Days": 30, "StorageClass": "STANDARD"}]}))).unwrap_err();
        assert_eq!(e.code, "InvalidArgument");
        let e = validate(&rule(serde_json::json!({"Status": "Enabled",
            "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}], "Expiration": {"Days": 60}}))).unwrap_err();
        assert!(e.message.contains("must be greater than 'Days' in the Transition action"));
        let e = validate(&rule(serde_json::json!({"Status": "Enabled"}))).unwrap_err();
        assert_eq!(e.code, "InvalidRequest");
        let e = validate(&rule(serde_json::json!({"Status": "On", "Expiration": {"Days": 1}}))).unwrap_err();
        assert_eq!(e.code, "MalformedXML");
        let e = validate(&rule(serde_json::json!({"Status": "Enabled", "NoncurrentVersionTransitions": [{"NoncurrentDays": 7, "StorageClass": "ONEZONE_IA"}]}))).unwrap_err();
        assert!(e.message.starts_with("'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30"));
        // Glacier and Intelligent-Tiering may be reached on day 0.
        assert!(validate(&rule(serde_json::json!({"Status": "Enabled", "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]}))).is_ok());
    }

    #[test]
    fn filters() {
        let cfg = rule(serde_json::json!({"Status": "Enabled", "Expiration": {"Days": 1},
            "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "tier", "Value": "cold"}], "ObjectSizeGreaterThan": 10}}}));
        let r = &cfg.rules[0];
        let mut tags = BTreeMap::new();
        assert!(!r.matches("logs/a", 100, &tags));
        tags.insert("tier".to_string(), "cold".to_string());
        assert!(r.matches("logs/a", 100, &tags));
        assert!(!r.matches("logs/a", 5, &tags));
        assert!(!r.matches("data/a", 100, &tags));
        assert!(too_small(&cfg, 1000, StorageClass::GLACIER));
        let mut varies = cfg.clone();
        varies.transition_default_minimum_object_size = Some("varies_by_storage_class".into());
        assert!(!too_small(&varies, 1000, StorageClass::GLACIER));
        assert!(too_small(&varies, 1000, StorageClass::STANDARD_IA));
    }
}
