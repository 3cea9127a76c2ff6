//! S3 Object Lock: write-once-read-many protection of object *versions*.
//!
//! Modelled as the S3 User Guide ("Locking objects with Object Lock") and the API reference
//! describe it:
//! - Object Lock is enabled at CreateBucket (`ObjectLockEnabledForBucket`, which also
//!   enables versioning) or later with PutObjectLockConfiguration on a bucket whose
//!   versioning is `Enabled`; it can never be disabled, and versioning can no longer be
//!   suspended (`InvalidBucketState`).
//! - A version carries a retention (`GOVERNANCE` or `COMPLIANCE` until a date) and/or a legal
//!   hold (`ON`/`OFF`, no date). The bucket's default retention (`Days` or `Years`) is applied
//!   to new versions that name none.
//! - A protected version cannot be deleted (DeleteObject with a VersionId, lifecycle
//!   noncurrent expiration) until its retention date passes on the clock and its legal hold is
//!   off. Deleting without a VersionId still adds a delete marker: locks protect versions, not
//!   keys.
//! - COMPLIANCE retention can be extended but never shortened or removed, not even by the
//!   root user. GOVERNANCE retention can be shortened, removed or deleted through only with
//!   `BypassGovernanceRetention: true` and the `s3:BypassGovernanceRetention` permission.
//!   Protected operations fail with `AccessDenied` "Access Denied because object protected by
//!   object lock.".
//!
//! Simplified: `Years` are 365 days; the Content-MD5 requirement for PUTs with Object Lock
//! headers is not enforced; changing GOVERNANCE to COMPLIANCE counts as altering a governance
//! lock (it needs the bypass).

use serde::{Deserialize, Serialize};

use super::error::{S3Error, invalid_argument, invalid_request};
use super::model::{Bucket, ObjectVersion};
use super::object_ops::{ObjectRequest, data_call, object_arn, version_index};
use super::ops::{BucketRequest, Empty, authorize_bucket, bucket, bucket_mut};
use crate::world::{AwsError, Call, Duration, ErrorCode, Timestamp};

/// `GOVERNANCE` or `COMPLIANCE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LockMode {
    GOVERNANCE,
    COMPLIANCE,
}

impl LockMode {
    pub fn parse(s: &str) -> Result<Self, AwsError> {
        match s {
            "GOVERNANCE" => Ok(LockMode::GOVERNANCE),
            "COMPLIANCE" => Ok(LockMode::COMPLIANCE),
            o => Err(malformed(&format!("Mode `{o}` (expected GOVERNANCE or COMPLIANCE)"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LockMode::GOVERNANCE => "GOVERNANCE",
            LockMode::COMPLIANCE => "COMPLIANCE",
        }
    }
}

/// A version's retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub mode: LockMode,
    pub retain_until: Timestamp,
}

impl Retention {
    /// Whether the retention still protects at `now` (it ends on the clock).
    pub fn active(&self, now: Timestamp) -> bool {
        now < self.retain_until
    }
}

/// `DefaultRetention`: a mode and exactly one of Days or Years.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DefaultRetention {
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ObjectLockRule {
    pub default_retention: DefaultRetention,
}

/// The bucket's Object Lock configuration, as Get/PutObjectLockConfiguration shape it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ObjectLockConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock_enabled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<ObjectLockRule>,
}

impl ObjectLockConfiguration {
    pub fn enabled() -> Self {
        ObjectLockConfiguration { object_lock_enabled: Some("Enabled".into()), rule: None }
    }

    /// The retention a new version gets when its PUT names none.
    pub fn default_for(&self, now: Timestamp) -> Option<Retention> {
        let d = &self.rule.as_ref()?.default_retention;
        let days = d.days.or(d.years.map(|y| y * 365))?;
        Some(Retention { mode: LockMode::parse(&d.mode).ok()?, retain_until: now.plus(Duration::days(days)) })
    }
}

fn malformed(what: &str) -> AwsError {
    S3Error::MalformedXML.err(format!("The XML you provided was not well-formed or did not validate against our published schema: {what}"))
}

/// The AccessDenied S3 returns when a lock refuses an operation.
pub fn locked() -> AwsError {
    S3Error::AccessDenied.err("Access Denied because object protected by object lock.")
}

fn missing_config() -> AwsError {
    invalid_request("Bucket is missing Object Lock Configuration")
}

/// Whether the bucket has Object Lock enabled.
pub fn enabled(b: &Bucket) -> bool {
    b.object_lock.as_ref().is_some_and(|l| l.object_lock_enabled.as_deref() == Some("Enabled"))
}

/// Whether `v` may be permanently deleted at `now`: no legal hold, and no retention in force
/// unless it is GOVERNANCE and the caller bypasses (`bypass_allowed`).
pub fn may_delete(v: &ObjectVersion, now: Timestamp, bypass_allowed: bool) -> bool {
    if v.legal_hold {
        return false;
    }
    match v.retention {
        Some(r) if r.active(now) => r.mode == LockMode::GOVERNANCE && bypass_allowed,
        _ => true,
    }
}

/// Whether the caller asked to bypass governance retention AND may
/// (`s3:BypassGovernanceRetention` on the object).
pub fn bypass_allowed(c: &Call<'_>, bucket_name: &str, key: &str, asked: Option<bool>) -> bool {
    if asked != Some(true) {
        return false;
    }
    let Ok(b) = bucket(c, bucket_name) else { return false };
    super::access::authorize(c, b, "s3:BypassGovernanceRetention", &object_arn(bucket_name, key), None, &[]).is_ok()
}

/// Checks the Object Lock headers of a PUT and returns the retention and legal hold the new
/// version gets (the bucket default when the request names no retention).
pub fn lock_for_put(
    b: &Bucket,
    now: Timestamp,
    mode: Option<&str>,
    until: Option<Timestamp>,
    legal_hold: Option<&str>,
) -> Result<(Option<Retention>, bool), AwsError> {
    let asked = mode.is_some() || until.is_some() || legal_hold.is_some();
    if !enabled(b) {
        return if asked { Err(missing_config()) } else { Ok((None, false)) };
    }
    let retention = match (mode, until) {
        (Some(m), Some(u)) => {
            if u <= now {
                return Err(invalid_argument("The retain until date must be in the future!"));
            }
            Some(Retention { mode: LockMode::parse(m)?, retain_until: u })
        }
        (None, None) => b.object_lock.as_ref().and_then(|l| l.default_for(now)),
        _ => return Err(invalid_argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")),
    };
    let hold = match legal_hold {
        None | Some("OFF") => false,
        Some("ON") => true,
        Some(o) => return Err(invalid_argument(format!("Legal hold status `{o}` (expected ON or OFF)"))),
    };
    Ok((retention, hold))
}

// ---------------------------------------------------------------------------------------
// PutObjectLockConfiguration / GetObjectLockConfiguration

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectLockConfigurationRequest {
    pub bucket: String,
    pub object_lock_configuration: ObjectLockConfiguration,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// PutObjectLockConfiguration: enables Object Lock on a versioned bucket and sets (or
/// clears) its default retention.
pub fn put_object_lock_configuration(c: &mut Call<'_>, req: PutObjectLockConfigurationRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketObjectLockConfiguration")?;
    let cfg = req.object_lock_configuration;
    if cfg.object_lock_enabled.as_deref() != Some("Enabled") {
        return Err(malformed("ObjectLockEnabled must be `Enabled`"));
    }
    if let Some(rule) = &cfg.rule {
        let d = &rule.default_retention;
        LockMode::parse(&d.mode)?;
        match (d.days, d.years) {
            (Some(_), Some(_)) | (None, None) => return Err(malformed("DefaultRetention needs exactly one of Days and Years")),
            (Some(n), None) | (None, Some(n)) if n <= 0 => {
                return Err(invalid_argument("Default retention period must be a positive integer value"));
            }
            _ => {}
        }
    }
    let b = bucket(c, &req.bucket)?;
    if b.versioning != Some(super::model::VersioningStatus::Enabled) {
        return Err(S3Error::InvalidBucketState.err("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"));
    }
    let _ = (&req.token, &req.expected_bucket_owner);
    bucket_mut(c, &req.bucket).object_lock = Some(cfg);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetObjectLockConfigurationResponse {
    pub object_lock_configuration: ObjectLockConfiguration,
}

pub fn get_object_lock_configuration(c: &mut Call<'_>, req: BucketRequest) -> Result<GetObjectLockConfigurationResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketObjectLockConfiguration")?;
    match &bucket(c, &req.bucket)?.object_lock {
        Some(l) => Ok(GetObjectLockConfigurationResponse { object_lock_configuration: l.clone() }),
        None => Err(S3Error::ObjectLockConfigurationNotFoundError.err("Object Lock configuration does not exist for this bucket")),
    }
}

// ---------------------------------------------------------------------------------------
// PutObjectRetention / GetObjectRetention

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RetentionShape {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retain_until_date: Option<Timestamp>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectRetentionRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    /// An empty `Retention` (no Mode, no date) removes the retention.
    pub retention: RetentionShape,
    #[serde(default)]
    pub bypass_governance_retention: Option<bool>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// Finds the version an Object Lock operation targets (after authorizing `action`) and checks
/// the bucket has Object Lock.
fn lock_target(c: &mut Call<'_>, bucket_name: &str, key: &str, version_id: Option<&str>, action: &str) -> Result<usize, AwsError> {
    let i = version_index(c, bucket_name, key, version_id, action)?;
    let b = bucket(c, bucket_name)?;
    if !enabled(b) {
        return Err(missing_config());
    }
    if b.objects[key][i].delete_marker {
        return Err(super::error::delete_marker_not_allowed(c.operation));
    }
    Ok(i)
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// PutObjectRetention: sets, extends, shortens or removes a version's retention. Extending
/// is always allowed; COMPLIANCE can never be shortened, removed or weakened to GOVERNANCE;
/// GOVERNANCE can with the bypass.
pub fn put_object_retention(c: &mut Call<'_>, req: PutObjectRetentionRequest) -> Result<VersionResponse, AwsError> {
    let i = lock_target(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:PutObjectRetention")?;
    let now = c.now();
    let new = match (&req.retention.mode, req.retention.retain_until_date) {
        (Some(m), Some(u)) => {
            if u <= now {
                return Err(invalid_argument("The retain until date must be in the future!"));
            }
            Some(Retention { mode: LockMode::parse(m)?, retain_until: u })
        }
        (None, None) => None,
        _ => return Err(malformed("Retention needs both Mode and RetainUntilDate (or neither, to remove it)")),
    };
    let bypass = bypass_allowed(c, &req.bucket, &req.key, req.bypass_governance_retention);
    let old = bucket(c, &req.bucket)?.objects[&req.key][i].retention.filter(|r| r.active(now));
    if let Some(old) = old {
        let extends = new.is_some_and(|n| n.mode == old.mode && n.retain_until >= old.retain_until);
        let ok = match old.mode {
            LockMode::COMPLIANCE => extends,
            LockMode::GOVERNANCE => extends || bypass,
        };
        if !ok {
            return Err(locked());
        }
    }
    let _ = &req.expected_bucket_owner;
    let v = &mut bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i];
    v.retention = new;
    Ok(VersionResponse { version_id: Some(v.version_id.clone()) })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetObjectRetentionResponse {
    pub retention: RetentionShape,
}

pub fn get_object_retention(c: &mut Call<'_>, req: ObjectRequest) -> Result<GetObjectRetentionResponse, AwsError> {
    let i = lock_target(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObjectRetention")?;
    match bucket(c, &req.bucket)?.objects[&req.key][i].retention {
        Some(r) => Ok(GetObjectRetentionResponse { retention: RetentionShape { mode: Some(r.mode.as_str().into()), retain_until_date: Some(r.retain_until) } }),
        None => Err(S3Error::NoSuchObjectLockConfiguration.err("The specified object does not have a ObjectLock configuration")),
    }
}

// ---------------------------------------------------------------------------------------
// PutObjectLegalHold / GetObjectLegalHold

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LegalHold {
    pub status: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectLegalHoldRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    pub legal_hold: LegalHold,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// PutObjectLegalHold: `ON` protects the version until someone with
/// `s3:PutObjectLegalHold` sets it `OFF`; independent of retention.
pub fn put_object_legal_hold(c: &mut Call<'_>, req: PutObjectLegalHoldRequest) -> Result<VersionResponse, AwsError> {
    let i = lock_target(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:PutObjectLegalHold")?;
    let on = match req.legal_hold.status.as_str() {
        "ON" => true,
        "OFF" => false,
        o => return Err(malformed(&format!("Status `{o}` (expected ON or OFF)"))),
    };
    let _ = &req.expected_bucket_owner;
    let v = &mut bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i];
    v.legal_hold = on;
    Ok(VersionResponse { version_id: Some(v.version_id.clone()) })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetObjectLegalHoldResponse {
    pub legal_hold: LegalHold,
}

pub fn get_object_legal_hold(c: &mut Call<'_>, req: ObjectRequest) -> Result<GetObjectLegalHoldResponse, AwsError> {
    let i = lock_target(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObjectLegalHold")?;
    let on = bucket(c, &req.bucket)?.objects[&req.key][i].legal_hold;
    data_call(c, &req.bucket, Some(&req.key));
    Ok(GetObjectLegalHoldResponse { legal_hold: LegalHold { status: if on { "ON".into() } else { "OFF".into() } } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(retention: Option<Retention>, hold: bool) -> ObjectVersion {
        let mut v: ObjectVersion = serde_json::from_value(serde_json::json!({
            "version_id": "v", "delete_marker": false, "last_modified": "2026-01-01T00:00:00Z", "etag": "\"x\"", "size": 1,
            "storage_class": "STANDARD", "class_since": "2026-01-01T00:00:00Z", "noncurrent_since": null, "content_type": null,
            "metadata": {}, "tags": {}, "acl": "private", "owner": "111111111111", "sse": null, "data": "", "parts_count": null,
            "restore": null
        }))
        .expect("a version");
        v.retention = retention;
        v.legal_hold = hold;
        v
    }

    #[test]
    fn who_may_delete_a_locked_version() {
        let t0 = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let until = t0.plus(Duration::days(1));
        let gov = Some(Retention { mode: LockMode::GOVERNANCE, retain_until: until });
        let comp = Some(Retention { mode: LockMode::COMPLIANCE, retain_until: until });
        // "In governance mode, users can't overwrite or delete an object version ... unless
        // they have special permissions."
        assert!(!may_delete(&version(gov, false), t0, false));
        assert!(may_delete(&version(gov, false), t0, true));
        // "In compliance mode, a protected object version can't be overwritten or deleted by
        // any user, including the root user".
        assert!(!may_delete(&version(comp, false), t0, true));
        // Retention ends on the clock.
        assert!(may_delete(&version(comp, false), until, false));
        // "A legal hold ... remains in effect until removed", whatever the retention.
        assert!(!may_delete(&version(None, true), until, true));
        assert!(may_delete(&version(None, false), t0, false));
    }

    #[test]
    fn default_retention_days_and_years() {
        let t0 = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
        let mut cfg = ObjectLockConfiguration::enabled();
        assert_eq!(cfg.default_for(t0), None);
        cfg.rule = Some(ObjectLockRule { default_retention: DefaultRetention { mode: "COMPLIANCE".into(), days: Some(30), years: None } });
        assert_eq!(cfg.default_for(t0), Some(Retention { mode: LockMode::COMPLIANCE, retain_until: t0.plus(Duration::days(30)) }));
        cfg.rule = Some(ObjectLockRule { default_retention: DefaultRetention { mode: "GOVERNANCE".into(), days: None, years: Some(1) } });
        assert_eq!(cfg.default_for(t0).unwrap().retain_until, t0.plus(Duration::days(365)));
    }
}
