//! S3 server access logging: PutBucketLogging and best-effort, delayed log delivery.
//!
//! Modelled as the S3 User Guide ("Logging requests with server access logging") describes:
//! - PutBucketLogging names a target bucket (which must exist, in the same region and owned
//!   by the same account) and a prefix; an empty `BucketLoggingStatus` turns logging off.
//! - The logging service principal `logging.s3.amazonaws.com` writes the log objects, so the
//!   target bucket's policy must allow it `s3:PutObject` (the recommended method, and the only
//!   one when ACLs are disabled) — decided by the one authorizer when logs are delivered; a
//!   refused delivery loses the records (logging is best effort).
//! - Records are AWS's space-delimited format: bucket owner, bucket, `[time]`, remote IP,
//!   requester, request id, operation (`REST.GET.OBJECT`), key, request URI, HTTP status,
//!   error code, bytes sent, object size, total and turnaround time, referer, user agent,
//!   version id, host id, signature version, cipher suite, auth type, host header, TLS version,
//!   access point ARN, ACL required.
//! - Delivery is delayed: every request recorded in the world's audit trail is delivered in a
//!   log object `PREFIX + YYYY-mm-DD-HH-MM-SS-UNIQUE` [`DELIVERY_DELAY`] (one hour) after the
//!   oldest undelivered request (AWS: "within a few hours"; best effort), or earlier when
//!   the trail is about to let undelivered requests go (`World::record`).
//!
//! Simplified: records are derived from the audit trail (every S3 API call on the bucket is
//! one record), so bytes sent, object size and timings are `-`; HTTP status comes from the
//! error's status.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::S3Error;
use super::model::canonical_user_id;
use super::object_ops::{Encryption, NewObject, store_object};
use super::ops::{BucketRequest, Empty, authorize_bucket, bucket, bucket_mut};
use crate::world::service::S3;
use crate::world::{AwsError, Call, Caller, Duration, ErrorCode, Principal, Timestamp, World};

/// How long after a request its log record is delivered (best effort).
pub const DELIVERY_DELAY: Duration = Duration::hours(1);
/// The service principal that delivers access logs.
pub const LOGGING_SERVICE: &str = "logging.s3.amazonaws.com";

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LoggingEnabled {
    pub target_bucket: String,
    pub target_prefix: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct BucketLoggingStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging_enabled: Option<LoggingEnabled>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketLoggingRequest {
    pub bucket: String,
    pub bucket_logging_status: BucketLoggingStatus,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

fn invalid_target(msg: &str) -> AwsError {
    AwsError::new("InvalidTargetBucketForLogging", 400, msg)
}

pub fn put_bucket_logging(c: &mut Call<'_>, req: PutBucketLoggingRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketLogging")?;
    let src = bucket(c, &req.bucket)?;
    if let Some(l) = &req.bucket_logging_status.logging_enabled {
        let Some(t) = c.w.s3.buckets.get(&l.target_bucket) else {
            return Err(invalid_target("The target bucket for logging does not exist"));
        };
        if t.region != src.region {
            return Err(S3Error::IllegalLocationConstraintException.err("The target bucket for logging must be in the same region as the source bucket"));
        }
        if t.owner != src.owner {
            return Err(invalid_target("The owner for the bucket to be logged and the target bucket must be the same."));
        }
    }
    let _ = &req.expected_bucket_owner;
    bucket_mut(c, &req.bucket).logging = req.bucket_logging_status.logging_enabled;
    // Requests before logging was enabled (this one included: its audit event is recorded
    // right after it returns) are not logged.
    if c.w.s3.log_cursor.is_none() {
        c.w.s3.log_cursor = Some(c.w.trail.total() + 1);
    }
    Ok(Empty {})
}

pub fn get_bucket_logging(c: &mut Call<'_>, req: BucketRequest) -> Result<BucketLoggingStatus, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketLogging")?;
    Ok(BucketLoggingStatus { logging_enabled: bucket(c, &req.bucket)?.logging.clone() })
}

fn any_logging(w: &World) -> bool {
    w.s3.buckets.values().any(|b| b.logging.is_some())
}

/// When the next delivery is due: an hour after the oldest undelivered request.
pub fn next_due(w: &World) -> Option<Timestamp> {
    let cursor = w.s3.log_cursor?;
    if !any_logging(w) {
        return None;
    }
    w.trail.since(cursor).next().map(|e| e.event_time.plus(DELIVERY_DELAY))
}

fn s3_operation(event: &str) -> String {
    let (verb, what) = match event {
        "GetObject" => ("GET", "OBJECT"),
        "HeadObject" => ("HEAD", "OBJECT"),
        "PutObject" => ("PUT", "OBJECT"),
        "DeleteObject" => ("DELETE", "OBJECT"),
        "CopyObject" => ("COPY", "OBJECT"),
        "ListObjectsV2" | "ListObjects" => ("GET", "BUCKET"),
        "HeadBucket" => ("HEAD", "BUCKET"),
        other => {
            let verb = ["Get", "Put", "Delete", "List", "Head", "Create", "Complete", "Upload", "Abort", "Restore", "Select"]
                .iter()
                .find(|p| other.starts_with(*p))
                .map_or("POST", |p| match *p {
                    "Get" | "List" | "Select" => "GET",
                    "Put" | "Create" | "Upload" => "PUT",
                    "Delete" | "Abort" => "DELETE",
                    "Head" => "HEAD",
                    _ => "POST",
                });
            let noun = ["Get", "Put", "Delete", "List", "Head", "Create", "Complete", "Upload", "Abort", "Restore", "Select"]
                .iter()
                .find_map(|p| other.strip_prefix(p))
                .unwrap_or(other);
            let noun = noun.strip_prefix("Bucket").filter(|n| !n.is_empty()).unwrap_or(noun);
            return format!("REST.{verb}.{}", noun.to_ascii_uppercase());
        }
    };
    format!("REST.{verb}.{what}")
}

fn field(v: &str) -> String {
    if v.is_empty() { "-".into() } else { v.to_string() }
}

/// One access log record for an audit event whose request parameters are `p` (AWS's field
/// order).
pub fn record(owner: &str, bucket: &str, e: &crate::world::audit::AuditEvent, p: &Value) -> String {
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let key = s("key");
    let version = s("versionId");
    let requester = e.user_identity.arn.clone().unwrap_or_else(|| if e.user_identity.kind == "AWSService" { e.user_identity.invoked_by.clone().unwrap_or_default() } else { "-".into() });
    let status = match e.error_code.as_deref() {
        None => 200,
        Some("NotModified") => 304,
        Some("AccessDenied" | "Forbidden" | "InvalidObjectState" | "SignatureDoesNotMatch" | "InvalidAccessKeyId") => 403,
        Some(c) if c.starts_with("NoSuch") || c == "NotFound" => 404,
        Some("MethodNotAllowed") => 405,
        Some("BucketNotEmpty" | "BucketAlreadyExists" | "BucketAlreadyOwnedByYou" | "InvalidBucketState" | "Conflict") => 409,
        Some("PreconditionFailed") => 412,
        Some("InvalidRange" | "RequestedRangeNotSatisfiable") => 416,
        Some("NotImplemented") => 501,
        Some(_) => 400,
    };
    let op = s3_operation(&e.event_name);
    let verb = op.split('.').nth(1).unwrap_or("GET");
    let uri = if key.is_empty() { format!("/{bucket}") } else { format!("/{bucket}/{}", super::sigv4::uri_encode(&key, true)) };
    let time = e.event_time.to_chrono().format("[%d/%b/%Y:%H:%M:%S +0000]").to_string();
    format!(
        "{} {bucket} {time} {} {requester} {} {op} {} \"{verb} {uri} HTTP/1.1\" {status} {} - - - - \"-\" \"cloudbook\" {} c2ltdWxhdGVkLWhvc3QtaWQ= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader {bucket}.s3.{}.amazonaws.com TLSv1.3 - -",
        canonical_user_id(owner),
        field(&e.source_ip_address),
        &e.request_id.simple().encode_upper(&mut crate::world::audit::Uuid::encode_buffer())[..16],
        field(&key),
        field(e.error_code.as_deref().unwrap_or("")),
        field(&version),
        e.aws_region,
    )
}

/// Delivers every undelivered request's record to its bucket's target (best effort).
pub fn run_due(w: &mut World, now: Timestamp) {
    let Some(cursor) = w.s3.log_cursor else { return };
    let mut per_target: std::collections::BTreeMap<(String, String, String), Vec<String>> = Default::default();
    for e in w.trail.since(cursor) {
        if e.event_source != "s3.amazonaws.com" {
            continue;
        }
        let p = e.request_parameters.value();
        let Some(name) = p.get("bucket").or_else(|| p.get("bucketName")).and_then(Value::as_str) else { continue };
        let Some(b) = w.s3.buckets.get(name) else { continue };
        let Some(l) = &b.logging else { continue };
        per_target.entry((l.target_bucket.clone(), l.target_prefix.clone(), b.region.clone())).or_default().push(record(&b.owner, name, e, &p));
    }
    let end = w.trail.total();
    w.s3.log_cursor = Some(end);
    w.s3.delivering = true;
    for ((target, prefix, region), lines) in per_target {
        let stamp = now.to_chrono().format("%Y-%m-%d-%H-%M-%S").to_string();
        let unique: String = w.rng.bytes(8).iter().map(|b| format!("{b:02X}")).collect();
        let key = format!("{prefix}{stamp}-{unique}");
        let body = lines.join("\n") + "\n";
        let mut caller = Caller::new(Principal::Service { service: LOGGING_SERVICE.into() }, &region);
        caller.source_ip = None;
        let params = json!({ "bucket": target, "key": key });
        // A refused delivery is dropped: server access logging is best effort.
        let _ = w.call_as(caller, &S3, "PutObject", params, |c| deliver(c, &target, &key, body.into_bytes()));
    }
    // The deliveries themselves are not logged.
    w.s3.log_cursor = Some(w.trail.total());
    w.s3.delivering = false;
}

fn deliver(c: &mut Call<'_>, target: &str, key: &str, data: Vec<u8>) -> Result<(), AwsError> {
    super::object_ops::data_call(c, target, Some(key));
    let t = bucket(c, target)?;
    let arn = super::object_ops::object_arn(target, key);
    let owner = t.owner.clone();
    let source_ctx = [("aws:SourceAccount".into(), crate::policy::ContextValue::string(owner))];
    super::access::authorize(c, t, "s3:PutObject", &arn, None, &source_ctx)?;
    let size = data.len() as u64;
    store_object(
        c,
        target,
        NewObject {
            key: key.to_string(),
            data,
            size,
            synthetic: false,
            content_type: Some("text/plain".into()),
            metadata: Default::default(),
            tags: Default::default(),
            acl: Default::default(),
            storage_class: Default::default(),
            encryption: Encryption::Requested(Default::default(), None),
            etag: None,
            parts_count: None,
        },
    )?;
    Ok(())
}
