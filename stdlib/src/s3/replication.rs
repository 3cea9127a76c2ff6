//! S3 Replication (same-region SRR and cross-region CRR, same or other account) and Batch
//! Replication of existing objects.
//!
//! Modelled as the S3 User Guide ("Replicating objects within and across Regions") describes:
//! - PutBucketReplication needs versioning `Enabled` on the source and on every destination
//!   that exists, `iam:PassRole` on the role, and a valid rule set (unique IDs and
//!   priorities, `DeleteMarkerReplication` with the V2 `Filter` schema, none with tag
//!   filters, RTC only together with metrics, `ReplicaKmsKeyID` exactly when SSE-KMS objects
//!   are selected). Versioning can no longer be suspended while the configuration exists.
//! - Replication is one-directional and NOT retroactive: only versions written after the
//!   configuration are queued (PutObject, CopyObject, CompleteMultipartUpload, and delete
//!   markers when `DeleteMarkerReplication` is `Enabled`). Existing objects need Batch
//!   Replication ([`create_job`] with `S3ReplicateObject`).
//! - Skipped, as AWS skips them: replicas (no chaining A→B→C), versions deleted by version id,
//!   lifecycle actions, objects in GLACIER or DEEP_ARCHIVE, SSE-KMS objects unless the rule
//!   selects `SseKmsEncryptedObjects` (they are re-encrypted under `ReplicaKmsKeyID`).
//! - When several rules match for the same destination, the highest `Priority` wins.
//! - The work happens on the clock ([`super::run_due`]): S3 assumes the rule's role as
//!   `s3.amazonaws.com` (the trust policy must allow it: an audited `sts:AssumeRole`), then
//!   reads the source version and writes the replica AS THAT ROLE SESSION (audited
//!   `ReplicateObject` with `invokedBy: s3.amazonaws.com`): `s3:GetObjectVersionForReplication`
//!   on the source, `s3:ReplicateObject` / `s3:ReplicateDelete` on the destination (whose
//!   bucket policy must trust the role when it is in another account) and
//!   `s3:ObjectOwnerOverrideToBucketOwner` for owner override; KMS calls for SSE-KMS objects are
//!   made as the role too. Any refusal marks the source version `FAILED` (not retried);
//!   success marks it `COMPLETED` and the replica `REPLICA`, with the same version id, ETag,
//!   last-modified time, metadata, tags and Object Lock settings.
//! - Timing: with Replication Time Control, AWS's SLA is 15 minutes; the simulator completes
//!   RTC replications exactly [`RTC_DELAY`] (15 minutes) after the write. Without RTC
//!   replication is best effort; the simulator uses [`BEST_EFFORT_DELAY`] (1 hour).
//!   Batch Replication tasks run [`BEST_EFFORT_DELAY`] after the job is created.
//!
//! Simplified: SSE-C objects are not replicated; `ExistingObjectReplication` and
//! `ReplicaModifications` are accepted and recorded only; a Batch Replication job uses the
//! bucket's replication role and reports no completion report.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::access;
use super::classes::StorageClass;
use super::error::{S3Error, invalid_argument, invalid_request};
use super::model::{ObjectVersion, VersioningStatus};
use super::object_ops::{self, NewObject, object_arn};
use super::ops::{BucketRequest, Empty, TagEntry, authorize_bucket, bucket, bucket_mut};
use super::sse::{Sse, SseRequest};
use crate::world::authz::Authz;
use crate::world::service::{S3, STS};
use crate::world::{AwsError, Call, Caller, Duration, ErrorCode, Principal, Timestamp, World};

/// How long an RTC replication takes in the simulator (AWS's SLA bound).
pub const RTC_DELAY: Duration = Duration::minutes(15);
/// How long a best-effort replication takes in the simulator.
pub const BEST_EFFORT_DELAY: Duration = Duration::hours(1);
/// The service principal S3 replication acts as.
pub const S3_SERVICE: &str = "s3.amazonaws.com";

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StatusOnly {
    pub status: String,
}

impl StatusOnly {
    fn on(s: &Option<StatusOnly>) -> bool {
        s.as_ref().is_some_and(|s| s.status == "Enabled")
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FilterAnd {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplicationFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<TagEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and: Option<FilterAnd>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Minutes {
    pub minutes: i64,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplicationTime {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Minutes>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Metrics {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_threshold: Option<Minutes>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessControlTranslation {
    pub owner: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EncryptionConfiguration {
    #[serde(rename = "ReplicaKmsKeyID", default, skip_serializing_if = "Option::is_none")]
    pub replica_kms_key_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Destination {
    /// The destination bucket's ARN.
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control_translation: Option<AccessControlTranslation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_configuration: Option<EncryptionConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_time: Option<ReplicationTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SourceSelectionCriteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_kms_encrypted_objects: Option<StatusOnly>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_modifications: Option<StatusOnly>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplicationRule {
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    pub status: String,
    /// The V1 schema's rule-level prefix (deprecated; use `Filter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<ReplicationFilter>,
    pub destination: Destination,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_marker_replication: Option<StatusOnly>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_selection_criteria: Option<SourceSelectionCriteria>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_object_replication: Option<StatusOnly>,
}

impl ReplicationRule {
    fn prefix(&self) -> &str {
        let f = self.filter.as_ref();
        f.and_then(|f| f.prefix.as_deref().or(f.and.as_ref().and_then(|a| a.prefix.as_deref())))
            .or(self.prefix.as_deref())
            .unwrap_or("")
    }

    fn tags(&self) -> Vec<&TagEntry> {
        let Some(f) = &self.filter else { return vec![] };
        f.tag.iter().chain(f.and.iter().flat_map(|a| a.tags.iter())).collect()
    }

    /// Whether the rule selects an object with this key and these tags.
    pub fn matches(&self, key: &str, tags: &BTreeMap<String, String>) -> bool {
        self.status == "Enabled" && key.starts_with(self.prefix()) && self.tags().iter().all(|t| tags.get(&t.key) == Some(&t.value))
    }

    fn rtc(&self) -> bool {
        self.destination.replication_time.as_ref().is_some_and(|t| t.status == "Enabled")
    }

    fn kms_selected(&self) -> bool {
        StatusOnly::on(&self.source_selection_criteria.as_ref().and_then(|s| s.sse_kms_encrypted_objects.clone()))
    }

    pub fn destination_bucket(&self) -> &str {
        self.destination.bucket.strip_prefix("arn:aws:s3:::").unwrap_or(&self.destination.bucket)
    }
}

/// A bucket's replication configuration.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplicationConfiguration {
    pub role: String,
    pub rules: Vec<ReplicationRule>,
}

/// One version waiting to be replicated to one destination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationTask {
    pub source_bucket: String,
    pub key: String,
    pub version_id: String,
    /// Index of the rule in the source configuration at queue time.
    pub rule: ReplicationRule,
    pub role: String,
    pub queued: Timestamp,
    pub due: Timestamp,
    #[serde(default)]
    pub job_id: Option<String>,
}

/// A Batch Replication job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicationJob {
    pub job_id: String,
    pub source_bucket: String,
    pub created: Timestamp,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
}

fn malformed(what: &str) -> AwsError {
    S3Error::MalformedXML.err(format!("The XML you provided was not well-formed or did not validate against our published schema: {what}"))
}

/// Checks a configuration as PutBucketReplication does (everything but the buckets).
pub fn validate(cfg: &ReplicationConfiguration) -> Result<(), AwsError> {
    let role: Result<crate::world::Arn, _> = cfg.role.parse();
    if !role.is_ok_and(|a| a.service == "iam" && a.resource.starts_with("role/")) {
        return Err(invalid_argument(format!("Invalid ReplicationConfiguration role ARN: `{}`", cfg.role)));
    }
    if cfg.rules.is_empty() || cfg.rules.len() > 1000 {
        return Err(malformed("a replication configuration has 1 to 1,000 rules"));
    }
    let v2 = cfg.rules.iter().any(|r| r.filter.is_some());
    let mut ids = std::collections::BTreeSet::new();
    let mut priorities = std::collections::BTreeSet::new();
    for r in &cfg.rules {
        if !matches!(r.status.as_str(), "Enabled" | "Disabled") {
            return Err(malformed(&format!("Status `{}` (expected Enabled or Disabled)", r.status)));
        }
        if let Some(id) = &r.id {
            if id.chars().count() > 255 {
                return Err(invalid_argument("The ID of a replication rule is at most 255 characters"));
            }
            if !ids.insert(id.clone()) {
                return Err(invalid_argument(format!("Rule Id must be unique. Found same ID for more than one rule: `{id}`")));
            }
        }
        if r.filter.is_some() && r.prefix.is_some() {
            return Err(malformed("a rule has either Prefix (V1) or Filter (V2), not both"));
        }
        if v2 {
            if r.filter.is_none() {
                return Err(malformed("all rules of a configuration use the same schema (Filter)"));
            }
            if r.delete_marker_replication.is_none() {
                return Err(invalid_request("DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema."));
            }
            if cfg.rules.len() > 1 && r.priority.is_none() {
                return Err(invalid_request("Priority must be specified for this version of Cross Region Replication configuration schema."));
            }
            if let Some(p) = r.priority
                && !priorities.insert(p) {
                    return Err(invalid_request(format!("Found duplicate priority {p}. Priority must be unique among all rules.")));
                }
        }
        if let Some(f) = &r.filter {
            let n = f.prefix.is_some() as u8 + f.tag.is_some() as u8 + f.and.is_some() as u8;
            if n > 1 {
                return Err(malformed("a Filter has one of Prefix, Tag or And"));
            }
        }
        if !r.tags().is_empty() && StatusOnly::on(&r.delete_marker_replication) {
            return Err(invalid_request("Delete marker replication is not supported if any Tag filter is specified."));
        }
        let d = &r.destination;
        if !d.bucket.starts_with("arn:aws:s3:::") {
            return Err(invalid_argument(format!("Invalid Destination bucket ARN: `{}`", d.bucket)));
        }
        if let Some(sc) = &d.storage_class {
            StorageClass::parse(sc)?;
        }
        if let Some(act) = &d.access_control_translation {
            if act.owner != "Destination" {
                return Err(malformed(&format!("AccessControlTranslation Owner `{}` (expected Destination)", act.owner)));
            }
            if d.account.is_none() {
                return Err(invalid_request("Destination Account must be specified when AccessControlTranslation is specified"));
            }
        }
        if r.rtc() {
            if d.metrics.as_ref().is_none_or(|m| m.status != "Enabled") {
                return Err(invalid_request("Replication Time Control must be used in conjunction with metrics."));
            }
            if d.replication_time.as_ref().and_then(|t| t.time.as_ref()).is_none_or(|t| t.minutes != 15) {
                return Err(invalid_request("ReplicationTime Time Minutes must be 15"));
            }
        }
        let replica_key = d.encryption_configuration.as_ref().and_then(|e| e.replica_kms_key_id.as_ref());
        match (r.kms_selected(), replica_key) {
            (true, None) => return Err(invalid_request("ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.")),
            (false, Some(_)) => return Err(invalid_request("SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present.")),
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// PutBucketReplication / GetBucketReplication / DeleteBucketReplication

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketReplicationRequest {
    pub bucket: String,
    pub replication_configuration: ReplicationConfiguration,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// PutBucketReplication: validated as AWS does; applies to versions written from now on.
pub fn put_bucket_replication(c: &mut Call<'_>, req: PutBucketReplicationRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutReplicationConfiguration")?;
    let cfg = req.replication_configuration;
    // Passing a role to a service needs iam:PassRole on it.
    c.authorize(Authz::new("iam:PassRole", &cfg.role).ctx_str("iam:PassedToService", S3_SERVICE))?;
    validate(&cfg)?;
    let b = bucket(c, &req.bucket)?;
    if b.versioning != Some(VersioningStatus::Enabled) {
        return Err(invalid_request("Versioning must be 'Enabled' on the bucket to apply a replication configuration"));
    }
    for r in &cfg.rules {
        let dest = r.destination_bucket();
        if dest == req.bucket {
            return Err(invalid_request("Destination bucket cannot be the same as the source bucket."));
        }
        match c.w.s3.buckets.get(dest) {
            None => return Err(invalid_request(format!("Destination bucket must exist: `{dest}`"))),
            Some(d) if d.versioning != Some(VersioningStatus::Enabled) => {
                return Err(invalid_request("Destination bucket must have versioning enabled."));
            }
            _ => {}
        }
    }
    let _ = (&req.token, &req.expected_bucket_owner);
    bucket_mut(c, &req.bucket).replication = Some(cfg);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketReplicationResponse {
    pub replication_configuration: ReplicationConfiguration,
}

pub fn get_bucket_replication(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketReplicationResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetReplicationConfiguration")?;
    match &bucket(c, &req.bucket)?.replication {
        Some(r) => Ok(GetBucketReplicationResponse { replication_configuration: r.clone() }),
        None => Err(S3Error::ReplicationConfigurationNotFoundError.err("The replication configuration was not found")),
    }
}

pub fn delete_bucket_replication(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutReplicationConfiguration")?;
    bucket_mut(c, &req.bucket).replication = None;
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Queueing

/// Whether a version is eligible at all (rules aside).
fn eligible(v: &ObjectVersion) -> bool {
    v.replication_status.as_deref() != Some("REPLICA")
        && !matches!(v.storage_class, StorageClass::GLACIER | StorageClass::DEEP_ARCHIVE)
        && !matches!(v.sse, Some(Sse::C { .. }))
}

/// The rules that apply to a version: per destination, the highest-priority matching rule.
fn rules_for(cfg: &ReplicationConfiguration, key: &str, v: &ObjectVersion) -> Vec<ReplicationRule> {
    let kms = matches!(v.sse, Some(Sse::Kms { .. }));
    let mut best: BTreeMap<String, &ReplicationRule> = BTreeMap::new();
    for r in &cfg.rules {
        let ok = if v.delete_marker { StatusOnly::on(&r.delete_marker_replication) && r.matches(key, &BTreeMap::new()) } else { r.matches(key, &v.tags) && (!kms || r.kms_selected()) };
        if !ok {
            continue;
        }
        let d = r.destination_bucket().to_string();
        if best.get(&d).is_none_or(|b| r.priority.unwrap_or(0) > b.priority.unwrap_or(0)) {
            best.insert(d, r);
        }
    }
    best.into_values().cloned().collect()
}

/// Queues the current version of `key` for replication (called after a write or a delete
/// marker). Returns the number of destinations it was queued for.
pub fn enqueue(w: &mut World, bucket_name: &str, key: &str, job_id: Option<&str>) -> usize {
    let Some(b) = w.s3.buckets.get(bucket_name) else { return 0 };
    let Some(v) = b.current(key) else { return 0 };
    let version_id = v.version_id.clone();
    enqueue_version(w, bucket_name, key, &version_id, job_id)
}

fn enqueue_version(w: &mut World, bucket_name: &str, key: &str, version_id: &str, job_id: Option<&str>) -> usize {
    let now = w.now();
    let Some(b) = w.s3.buckets.get_mut(bucket_name) else { return 0 };
    let Some(cfg) = b.replication.clone() else { return 0 };
    let Some(v) = b.objects.get_mut(key).and_then(|vs| vs.iter_mut().find(|v| v.version_id == version_id)) else { return 0 };
    if !eligible(v) {
        return 0;
    }
    let rules = rules_for(&cfg, key, v);
    if !v.delete_marker && !rules.is_empty() {
        v.replication_status = Some("PENDING".into());
    }
    let n = rules.len();
    for rule in rules {
        let delay = if job_id.is_none() && rule.rtc() { RTC_DELAY } else { BEST_EFFORT_DELAY };
        w.s3.replication_queue.push(ReplicationTask {
            source_bucket: bucket_name.to_string(),
            key: key.to_string(),
            version_id: version_id.to_string(),
            rule,
            role: cfg.role.clone(),
            queued: now,
            due: now.plus(delay),
            job_id: job_id.map(str::to_string),
        });
    }
    n
}

/// When the next replication is due.
pub fn next_due(w: &World) -> Option<Timestamp> {
    w.s3.replication_queue.iter().map(|t| t.due).min()
}

/// Runs every replication due at `now`, oldest first.
pub fn run_due(w: &mut World, now: Timestamp) {
    let (due, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut w.s3.replication_queue).into_iter().partition(|t| t.due <= now);
    w.s3.replication_queue = rest;
    for t in due {
        let ok = replicate(w, &t).is_ok();
        let still_pending = w.s3.replication_queue.iter().any(|o| o.source_bucket == t.source_bucket && o.key == t.key && o.version_id == t.version_id);
        if let Some(v) = w.s3.buckets.get_mut(&t.source_bucket).and_then(|b| b.objects.get_mut(&t.key)).and_then(|vs| vs.iter_mut().find(|v| v.version_id == t.version_id))
            && !v.delete_marker {
                let failed = !ok || v.replication_status.as_deref() == Some("FAILED");
                v.replication_status = Some(if failed { "FAILED" } else if still_pending { "PENDING" } else { "COMPLETED" }.into());
            }
        if let Some(id) = &t.job_id
            && let Some(j) = w.s3.replication_jobs.get_mut(id) {
                if ok { j.succeeded += 1 } else { j.failed += 1 }
            }
    }
}

/// S3 assumes the replication role as `s3.amazonaws.com` (audited AssumeRole; the trust
/// policy must allow the service) and returns the session's caller.
fn assume_role(w: &mut World, role_arn: &str, region: &str) -> Result<Caller, AwsError> {
    let mut svc = Caller::new(Principal::Service { service: S3_SERVICE.into() }, region);
    svc.source_ip = None;
    svc.via_service = Some(S3_SERVICE.into());
    let req = crate::iam::sts::AssumeRoleRequest {
        role_arn: role_arn.to_string(),
        role_session_name: "s3-replication".into(),
        duration_seconds: None,
        policy: None,
        policy_arns: vec![],
        tags: vec![],
        external_id: None,
        source_identity: None,
        serial_number: None,
        token_code: None,
    };
    let params = json!({ "roleArn": role_arn, "roleSessionName": "s3-replication" });
    let resp = w.call_as(svc, &STS, "AssumeRole", params, |c| crate::iam::sts::assume_role(c, req))?;
    let key = resp.credentials.access_key_id;
    let Some(session) = crate::iam::role_session(w, &key) else {
        return Err(super::error::access_denied());
    };
    let mut caller = Caller::new(Principal::AssumedRole(session.clone()), region);
    caller.source_ip = None;
    caller.via_service = Some(S3_SERVICE.into());
    caller.access_key_id = Some(key);
    Ok(caller)
}

/// Replicates one version, as the role's session.
fn replicate(w: &mut World, t: &ReplicationTask) -> Result<(), AwsError> {
    let region = w.s3.buckets.get(&t.source_bucket).map(|b| b.region.clone()).unwrap_or_default();
    let caller = assume_role(w, &t.role, &region)?;
    let params = json!({ "bucket": t.source_bucket, "key": t.key, "versionId": t.version_id, "destinationBucket": t.rule.destination_bucket() });
    w.call_as(caller, &S3, "ReplicateObject", params, |c| replicate_as_role(c, t))
}

fn replicate_as_role(c: &mut Call<'_>, t: &ReplicationTask) -> Result<(), AwsError> {
    c.data_event = true;
    let dest_name = t.rule.destination_bucket().to_string();
    let src_arn = object_arn(&t.source_bucket, &t.key);
    let dest_arn = object_arn(&dest_name, &t.key);
    c.resource(&src_arn, "AWS::S3::Object");
    c.resource(&dest_arn, "AWS::S3::Object");
    let src = bucket(c, &t.source_bucket)?;
    let Some(v) = src.version(&t.key, &t.version_id).cloned() else {
        return Err(super::error::no_such_version(&t.key, &t.version_id));
    };
    access::authorize(c, src, "s3:GetObjectVersionForReplication", &src_arn, None, &[])?;
    let dest = bucket(c, &dest_name)?;
    let action = if v.delete_marker { "s3:ReplicateDelete" } else { "s3:ReplicateObject" };
    access::authorize(c, dest, action, &dest_arn, None, &[])?;
    let override_owner = t.rule.destination.access_control_translation.is_some();
    if override_owner {
        access::authorize(c, dest, "s3:ObjectOwnerOverrideToBucketOwner", &dest_arn, None, &[])?;
        if t.rule.destination.account.as_deref() != Some(dest.owner.as_str()) {
            return Err(S3Error::AccessDenied.err("The destination bucket is not owned by the Destination Account of the rule"));
        }
    }
    if dest.versioning != Some(VersioningStatus::Enabled) {
        return Err(invalid_request("Destination bucket must have versioning enabled."));
    }
    // Already replicated (a batch job re-running a version): nothing to do.
    if dest.version(&t.key, &v.version_id).is_some() {
        return Ok(());
    }
    let dest_owner = dest.owner.clone();
    let dest_region = dest.region.clone();
    let now = c.now();
    if v.delete_marker {
        object_ops::add_delete_marker(bucket_mut(c, &dest_name), &t.key, v.version_id.clone(), now);
        return Ok(());
    }
    let data = object_ops::plaintext_of(c, &t.source_bucket, &t.key, &v, None)?;
    let sse = match &v.sse {
        Some(Sse::Kms { algorithm, .. }) => SseRequest {
            algorithm: Some(algorithm.clone()),
            kms_key_id: t.rule.destination.encryption_configuration.as_ref().and_then(|e| e.replica_kms_key_id.clone()),
            ..Default::default()
        },
        _ => SseRequest::default(),
    };
    // The replica is written (and its KMS key used) in the destination's region.
    c.caller.region = crate::world::places::region_name(&dest_region);
    let storage_class = t.rule.destination.storage_class.as_deref().map(StorageClass::parse).transpose()?.unwrap_or(v.storage_class);
    object_ops::store_object(
        c,
        &dest_name,
        NewObject {
            key: t.key.clone(),
            data,
            size: v.size,
            synthetic: v.synthetic,
            content_type: v.content_type.clone(),
            metadata: v.metadata.clone(),
            tags: v.tags.clone(),
            acl: v.acl,
            storage_class,
            encryption: object_ops::Encryption::Requested(sse, None),
            etag: Some(v.etag.clone()),
            parts_count: v.parts_count,
        },
    )?;
    let r = bucket_mut(c, &dest_name).objects.get_mut(&t.key).and_then(|vs| vs.last_mut()).expect("just stored");
    r.version_id = v.version_id.clone();
    r.last_modified = v.last_modified;
    r.owner = if override_owner { dest_owner } else { v.owner.clone() };
    r.replication_status = Some("REPLICA".into());
    r.retention = v.retention;
    r.legal_hold = v.legal_hold;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Batch Replication (S3 Batch Operations CreateJob with S3ReplicateObject)

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateJobRequest {
    pub account_id: String,
    /// `#{ S3ReplicateObject: #{} }` (the only operation modelled).
    pub operation: Value,
    /// `#{ S3JobManifestGenerator: #{ SourceBucket, Filter: #{ EligibleForReplication,
    /// ObjectReplicationStatuses } } }`.
    pub manifest_generator: Value,
    pub role_arn: String,
    pub priority: i64,
    #[serde(default)]
    pub report: Option<Value>,
    #[serde(default)]
    pub confirmation_required: Option<bool>,
    #[serde(default)]
    pub client_request_token: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateJobResponse {
    pub job_id: String,
}

/// CreateJob (S3 Control) for Batch Replication: queues the existing versions of the source
/// bucket whose replication status is in `ObjectReplicationStatuses` (`NONE`, `FAILED`,
/// `COMPLETED`; default `NONE` and `FAILED`).
pub fn create_job(c: &mut Call<'_>, req: CreateJobRequest) -> Result<CreateJobResponse, AwsError> {
    c.authorize(Authz::new("s3:CreateJob", "*").owner(&req.account_id))?;
    c.authorize(Authz::new("iam:PassRole", &req.role_arn).ctx_str("iam:PassedToService", "batchoperations.s3.amazonaws.com"))?;
    if req.operation.get("S3ReplicateObject").is_none() {
        return Err(invalid_request("Only the S3ReplicateObject operation is modelled by the simulator"));
    }
    let generator = req.manifest_generator.get("S3JobManifestGenerator").ok_or_else(|| invalid_request("ManifestGenerator.S3JobManifestGenerator is required"))?;
    let source = generator.get("SourceBucket").and_then(|v| v.as_str()).ok_or_else(|| invalid_request("S3JobManifestGenerator.SourceBucket is required"))?;
    let name = source.strip_prefix("arn:aws:s3:::").unwrap_or(source).to_string();
    let statuses: Vec<String> = generator
        .pointer("/Filter/ObjectReplicationStatuses")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_else(|| vec!["NONE".into(), "FAILED".into()]);
    if !(0..=2_147_483_647).contains(&req.priority) {
        return Err(invalid_argument("Priority must be between 0 and 2147483647"));
    }
    let b = bucket(c, &name)?;
    if b.owner != req.account_id {
        return Err(super::error::access_denied());
    }
    if b.replication.is_none() {
        return Err(invalid_request("The source bucket has no replication configuration"));
    }
    let mut targets: Vec<(String, String)> = Vec::new();
    for (key, vs) in &b.objects {
        for v in vs {
            let status = v.replication_status.clone().unwrap_or_else(|| "NONE".into());
            if status != "REPLICA" && statuses.contains(&status) {
                targets.push((key.clone(), v.version_id.clone()));
            }
        }
    }
    let _ = (&req.report, &req.confirmation_required, &req.client_request_token, &req.description);
    let job_id = c.rng().uuid();
    let now = c.now();
    let mut total = 0;
    for (key, vid) in targets {
        if let Some(v) = bucket_mut(c, &name).objects.get_mut(&key).and_then(|vs| vs.iter_mut().find(|v| v.version_id == vid)) {
            v.replication_status = None;
        }
        total += enqueue_version(c.w, &name, &key, &vid, Some(&job_id)) as u64;
    }
    c.w.s3.replication_jobs.insert(job_id.clone(), ReplicationJob { job_id: job_id.clone(), source_bucket: name, created: now, total, succeeded: 0, failed: 0 });
    Ok(CreateJobResponse { job_id })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeJobRequest {
    pub account_id: String,
    pub job_id: String,
}

/// DescribeJob: status (`Active` until every task ran, then `Complete`) and progress.
pub fn describe_job(c: &mut Call<'_>, req: DescribeJobRequest) -> Result<Value, AwsError> {
    c.authorize(Authz::new("s3:DescribeJob", "*").owner(&req.account_id))?;
    let j = c.w.s3.replication_jobs.get(&req.job_id).ok_or_else(|| AwsError::new("NotFoundException", 404, format!("Job `{}` was not found", req.job_id)))?;
    let done = j.succeeded + j.failed;
    Ok(json!({ "Job": {
        "JobId": j.job_id,
        "Status": if done >= j.total { "Complete" } else { "Active" },
        "CreationTime": j.created,
        "Operation": { "S3ReplicateObject": {} },
        "ProgressSummary": { "TotalNumberOfTasks": j.total, "NumberOfTasksSucceeded": j.succeeded, "NumberOfTasksFailed": j.failed },
    }}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(v: Value) -> ReplicationRule {
        serde_json::from_value(v).expect("a rule")
    }

    #[test]
    fn filters_and_priorities() {
        let logs = rule(json!({"ID": "logs", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Destination": {"Bucket": "arn:aws:s3:::dst"}, "DeleteMarkerReplication": {"Status": "Disabled"}}));
        let tagged = rule(json!({"ID": "pii", "Priority": 2, "Status": "Enabled", "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "pii", "Value": "no"}]}},
            "Destination": {"Bucket": "arn:aws:s3:::dst", "StorageClass": "STANDARD_IA"}, "DeleteMarkerReplication": {"Status": "Disabled"}}));
        let mut tags = BTreeMap::new();
        assert!(logs.matches("logs/a", &tags) && !logs.matches("img/a", &tags));
        assert!(!tagged.matches("logs/a", &tags));
        tags.insert("pii".to_string(), "no".to_string());
        assert!(tagged.matches("logs/a", &tags));
        let cfg = ReplicationConfiguration { role: "arn:aws:iam::111111111111:role/r".into(), rules: vec![logs.clone(), tagged.clone()] };
        assert!(validate(&cfg).is_ok());
        // Two duplicate priorities are refused.
        let mut dup = cfg.clone();
        dup.rules[1].priority = Some(1);
        assert!(validate(&dup).unwrap_err().message.contains("duplicate priority"));
        // "If you specify a Filter with a Tag, DeleteMarkerReplication must be Disabled" (S3 API Reference, DeleteMarkerReplication).
        let mut dm = cfg.clone();
        dm.rules[1].delete_marker_replication = Some(StatusOnly { status: "Enabled".into() });
        assert!(validate(&dm).unwrap_err().message.contains("Tag filter"));
        // V2 rules need DeleteMarkerReplication.
        let mut no_dm = cfg;
        no_dm.rules[0].delete_marker_replication = None;
        assert_eq!(validate(&no_dm).unwrap_err().code, "InvalidRequest");
    }

    #[test]
    fn rtc_needs_metrics_and_kms_needs_a_replica_key() {
        let base = json!({"ID": "r", "Status": "Enabled", "Filter": {}, "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": "arn:aws:s3:::dst", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}});
        let cfg = |r: ReplicationRule| ReplicationConfiguration { role: "arn:aws:iam::111111111111:role/r".into(), rules: vec![r] };
        let e = validate(&cfg(rule(base.clone()))).unwrap_err();
        assert_eq!(e.message, "Replication Time Control must be used in conjunction with metrics.");
        let mut ok = base.clone();
        ok["Destination"]["Metrics"] = json!({"Status": "Enabled", "EventThreshold": {"Minutes": 15}});
        assert!(validate(&cfg(rule(ok.clone()))).is_ok());
        let mut kms = ok.clone();
        kms["SourceSelectionCriteria"] = json!({"SseKmsEncryptedObjects": {"Status": "Enabled"}});
        assert_eq!(validate(&cfg(rule(kms.clone()))).unwrap_err().message, "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.");
        kms["Destination"]["EncryptionConfiguration"] = json!({"ReplicaKmsKeyID": "arn:aws:kms:us-west-2:111111111111:key/k"});
        assert!(validate(&cfg(rule(kms))).is_ok());
        let mut bad_role = cfg(rule(ok));
        bad_role.role = "arn:aws:iam::111111111111:user/bob".into();
        assert_eq!(validate(&bad_role).unwrap_err().code, "InvalidArgument");
    }
}
