//! Amazon S3: general purpose buckets, objects, versioning, access control, encryption,
//! presigned URLs, storage classes, lifecycle and multipart uploads; Object Lock,
//! replication, website hosting, event notifications, access logs, access points and
//! S3 Select.
//!
//! Modelled as AWS documents it:
//! - Buckets: the naming rules (InvalidBucketName), one global namespace across accounts
//!   (BucketAlreadyExists vs BucketAlreadyOwnedByYou, with us-east-1's legacy 200), regions
//!   and location constraints (us-east-1 is the global endpoint, which creates buckets in any
//!   region; `EU` is eu-west-1), tags, BucketNotEmpty. New buckets get today's defaults
//!   (since April 2023): all four Block Public Access settings on, Object Ownership
//!   `BucketOwnerEnforced` (ACLs disabled), SSE-S3 default encryption (since January 2023),
//!   SSE-C blocked (`BlockedEncryptionTypes`, for buckets made from April 6, 2026).
//! - Objects: Put/Get/Head/Delete/Copy, ListObjectsV2 (prefix, delimiter, continuation) and
//!   ListObjects (markers, owners),
//!   metadata (2 KB), keys (1,024 bytes), byte ranges, conditional reads (`IfMatch`,
//!   `IfNoneMatch`, `IfModifiedSince`, `IfUnmodifiedSince` in RFC 7232's order) and writes
//!   (`IfNoneMatch: "*"`, `IfMatch`, the `s3:if-none-match`/`s3:if-match` policy keys; also on
//!   CompleteMultipartUpload, with its 409 ConditionalRequestConflict), HEAD errors as bare statuses (`NotFound`, `Forbidden`, ...), the ETag rules
//!   (MD5 for single-part SSE-S3, not MD5 for SSE-KMS/SSE-C, `-N` for multipart), the 5 GB
//!   single-PUT and 5 TiB object limits, and NoSuchKey vs AccessDenied depending on
//!   `s3:ListBucket`.
//! - Versioning: Unversioned -> Enabled <-> Suspended, version ids, delete markers,
//!   `null` versions, version deletes, ListObjectVersions, MFA Delete (recorded and
//!   enforced on version deletes).
//! - Access ([`access`]): bucket policies through the one authorizer, canned ACLs, Object
//!   Ownership, Block Public Access at bucket and account level.
//! - Encryption ([`sse`]): SSE-S3, SSE-KMS through the kms module (with Bucket Keys),
//!   SSE-C; bodies are stored encrypted.
//! - Presigned URLs ([`presign`], [`sigv4`]): real SigV4 query signing and an HTTP client
//!   (`s3::request`) that verifies signature, expiry and credentials, then authorizes as the
//!   signer at use time, and answers bucket listings with S3's `ListBucketResult` XML.
//! - Storage classes ([`classes`]), restores on the clock, lifecycle ([`lifecycle`]) run at
//!   midnight UTC by [`run_due`], a cost estimator over a replaceable price table.
//! - Multipart uploads with AWS's limits (5 MiB–5 GiB parts, 10,000 parts, 5 TiB), paged
//!   listings with markers, and encryption chosen at CreateMultipartUpload (SSE-KMS: a
//!   GenerateDataKey there and a Decrypt for each part, as the caller; SSE-C: the same key on
//!   every part).
//! - Object Lock ([`object_lock`]): retention modes, legal holds, default retention; WORM
//!   checks on version deletes and lifecycle; retention ends on the clock.
//! - Replication ([`replication`]): SRR/CRR, rules, RTC, delete markers, SSE-KMS, owner
//!   override, Batch Replication; run on the clock as the replication role's session.
//! - Static website hosting ([`website`]): index/error documents, routing rules, redirects,
//!   the regional website endpoints, custom domains through Route 53 aliases.
//! - Event notifications ([`notifications`]) to SNS/SQS/Lambda sinks whose resource policy
//!   must allow S3, with AWS's event JSON.
//! - Server access logs ([`logging`]): AWS's record format, delivered late and best effort
//!   by `logging.s3.amazonaws.com` when the target's policy allows it.
//! - Access points ([`access_points`], S3 Control): named endpoints on a bucket with their own
//!   policy, Block Public Access and network origin (Internet or one VPC), an ARN and a
//!   bucket-style alias; object requests through an access point ARN or alias are decided by
//!   the access point (VPC origin, its policy) and by the bucket (its policy sees
//!   `s3:DataAccessPointAccount` & co., so it can delegate to access points), and audited
//!   with the access point among the resources.
//! - S3 Select ([`select`]): SelectObjectContent over CSV and JSON objects with S3 Select's
//!   SQL subset (SELECT/FROM/WHERE/LIMIT, CAST, CASE, string, date and aggregate functions),
//!   its error codes, ScanRange, and bytes scanned vs returned. AWS closed S3 Select to new
//!   customers on 25 July 2024; existing customers keep it.
//!
//! Simplified (and said so where it matters): one partition (`aws`); no Multi-Region or
//! Object Lambda access points, checksums other than MD5, or S3 Express; S3 Select reads no
//! GZIP/BZIP2 or Parquet input. Sizes can be declared without content (`ContentLength`
//! without a `Body`) so limits such as 5 TiB can be exercised; such objects keep no bytes and
//! their ETag is derived from the size, not the content. Restores take the upper end of each
//! tier's documented time. A Bucket Key lives [`sse::BUCKET_KEY_LIFETIME`].

pub mod access;
pub mod access_points;
pub mod bindings;
pub mod classes;
pub mod error;
pub mod kms_link;
pub mod lifecycle;
pub mod logging;
pub mod model;
pub mod notifications;
pub mod object_lock;
pub mod replication;
pub mod select;
pub mod object_ops;
pub mod ops;
pub mod presign;
pub mod sigv4;
pub mod sse;
pub mod website;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod lock_replication_tests;
#[cfg(test)]
mod website_tests;
#[cfg(test)]
mod notification_tests;
#[cfg(test)]
mod logging_tests;
#[cfg(test)]
mod access_points_tests;

pub use model::S3State;

use lifecycle::{LifecycleEvent, ceil_midnight, due, next_midnight, too_small};
use model::{ObjectVersion, VersioningStatus};
use classes::StorageClass;
use crate::world::{Duration, Timestamp, World};

/// When the daily lifecycle pass is next due, if any bucket has an enabled rule.
fn lifecycle_due(w: &World) -> Option<Timestamp> {
    let active = w.s3.buckets.values().any(|b| b.lifecycle.as_ref().is_some_and(|l| l.rules.iter().any(|r| r.enabled())));
    if !active {
        return None;
    }
    let candidate = ceil_midnight(w.now());
    Some(match w.s3.lifecycle_last_run {
        Some(last) if last >= candidate => next_midnight(last),
        _ => candidate,
    })
}

/// When this service next has work due on the clock: a restore completing, a restored copy
/// expiring, or the daily lifecycle pass.
pub fn next_due(w: &World) -> Option<Timestamp> {
    let mut best = [lifecycle_due(w), replication::next_due(w), logging::next_due(w)].into_iter().flatten().min();
    for b in w.s3.buckets.values() {
        for vs in b.objects.values() {
            for v in vs {
                if let Some(r) = &v.restore {
                    let t = r.expiry.unwrap_or(r.completes);
                    best = Some(best.map_or(t, |x| x.min(t)));
                }
            }
        }
    }
    best
}

/// Runs the work due at `now`.
pub fn run_due(w: &mut World, now: Timestamp) {
    // Restores finishing and restored copies expiring, each an event for notifications.
    let mut restores: Vec<(String, String, String, &str, Option<serde_json::Value>)> = Vec::new();
    for b in w.s3.buckets.values_mut() {
        for (key, vs) in b.objects.iter_mut() {
            for v in vs.iter_mut() {
                let Some(r) = &mut v.restore else { continue };
                match r.expiry {
                    None if r.completes <= now => {
                        let expiry = ceil_midnight(r.completes.plus(Duration::days(r.days as i64)));
                        r.expiry = Some(expiry);
                        let data = serde_json::json!({ "restoreEventData": {
                            "lifecycleRestorationExpiryTime": expiry.iso(), "lifecycleRestoreStorageClass": v.storage_class.as_str() } });
                        restores.push((b.name.clone(), key.clone(), v.version_id.clone(), "ObjectRestore:Completed", Some(data)));
                    }
                    Some(e) if e <= now => {
                        v.restore = None;
                        restores.push((b.name.clone(), key.clone(), v.version_id.clone(), "ObjectRestore:Delete", None));
                    }
                    _ => {}
                }
            }
        }
    }
    for (bucket, key, version, event, data) in restores {
        notifications::deliver(w, &notifications::Initiator::S3, now, &bucket, &key, event, Some(&version), data.map(|d| ("glacierEventData", d)));
    }
    if replication::next_due(w).is_some_and(|t| t <= now) {
        replication::run_due(w, now);
    }
    if logging::next_due(w).is_some_and(|t| t <= now) {
        logging::run_due(w, now);
    }
    if lifecycle_due(w).is_some_and(|t| t <= now) {
        lifecycle_pass(w, now);
        w.s3.lifecycle_last_run = Some(now);
    }
}

/// Order of the classes down the waterfall (a due transition further down wins).
fn depth(c: StorageClass) -> u8 {
    match c {
        StorageClass::STANDARD | StorageClass::REDUCED_REDUNDANCY => 0,
        StorageClass::STANDARD_IA => 1,
        StorageClass::INTELLIGENT_TIERING => 2,
        StorageClass::ONEZONE_IA => 3,
        StorageClass::GLACIER_IR => 4,
        StorageClass::GLACIER => 5,
        StorageClass::DEEP_ARCHIVE => 6,
    }
}

/// One daily lifecycle pass over every bucket with a configuration (see [`lifecycle`]).
fn lifecycle_pass(w: &mut World, now: Timestamp) {
    let World { s3, rng, .. } = w;
    let mut events: Vec<LifecycleEvent> = Vec::new();
    for b in s3.buckets.values_mut() {
        let Some(cfg) = b.lifecycle.clone() else { continue };
        let rules: Vec<_> = cfg.rules.iter().filter(|r| r.enabled()).collect();
        if rules.is_empty() {
            continue;
        }
        let bucket_name = b.name.clone();
        let ev = |key: &str, v: &ObjectVersion, action: &str, rule: &lifecycle::LifecycleRule, from: Option<StorageClass>, to: Option<StorageClass>| LifecycleEvent {
            time: now,
            bucket: bucket_name.clone(),
            key: key.to_string(),
            version_id: v.version_id.clone(),
            action: action.into(),
            rule_id: rule.id.clone().unwrap_or_default(),
            from_class: from.map(|c| c.as_str().to_string()),
            to_class: to.map(|c| c.as_str().to_string()),
        };
        let keys: Vec<String> = b.objects.keys().cloned().collect();
        for key in keys {
            // Noncurrent versions first (newest noncurrent has index n-2).
            let n = b.objects.get(&key).map_or(0, |v| v.len());
            let mut remove: Vec<String> = Vec::new();
            if n > 1 {
                let vs = b.objects.get_mut(&key).expect("key listed");
                for i in (0..n - 1).rev() {
                    let newer_noncurrent = (n - 2 - i) as u32;
                    let v = &mut vs[i];
                    let Some(since) = v.noncurrent_since else { continue };
                    let mut done = false;
                    for r in rules.iter().filter(|r| r.matches(&key, v.size, &v.tags)) {
                        if let Some(e) = &r.noncurrent_version_expiration {
                            let keep = e.newer_noncurrent_versions.unwrap_or(0);
                            // Lifecycle never removes a version Object Lock protects.
                            if due(since, Some(e.noncurrent_days), None).is_some_and(|t| t <= now)
                                && newer_noncurrent >= keep
                                && object_lock::may_delete(v, now, false)
                            {
                                events.push(ev(&key, v, "NoncurrentExpire", r, Some(v.storage_class), None));
                                remove.push(v.version_id.clone());
                                done = true;
                                break;
                            }
                        }
                    }
                    if done || v.delete_marker {
                        continue;
                    }
                    let mut best: Option<(StorageClass, &lifecycle::LifecycleRule)> = None;
                    for r in rules.iter().filter(|r| r.matches(&key, v.size, &v.tags)) {
                        for t in r.noncurrent_version_transitions.iter().flatten() {
                            let Ok(to) = StorageClass::parse(&t.storage_class) else { continue };
                            let keep = t.newer_noncurrent_versions.unwrap_or(0);
                            if due(since, Some(t.noncurrent_days), None).is_some_and(|d| d <= now)
                                && newer_noncurrent >= keep
                                && v.storage_class.can_transition_to(to)
                                && !too_small(&cfg, v.size, to)
                                && best.is_none_or(|(c, _)| depth(to) > depth(c))
                            {
                                best = Some((to, r));
                            }
                        }
                    }
                    if let Some((to, r)) = best {
                        events.push(ev(&key, v, "NoncurrentTransition", r, Some(v.storage_class), Some(to)));
                        v.storage_class = to;
                        v.class_since = now;
                        v.restore = None;
                    }
                }
            }
            for id in remove {
                b.remove_version(&key, &id);
            }
            // The current version.
            let Some(cur) = b.current(&key).cloned() else { continue };
            let matching: Vec<_> = rules.iter().filter(|r| r.matches(&key, cur.size, &cur.tags)).collect();
            if cur.delete_marker {
                let only = b.objects.get(&key).is_some_and(|v| v.len() == 1);
                if only
                    && let Some(r) = matching.iter().find(|r| r.expiration.as_ref().is_some_and(|e| e.expired_object_delete_marker == Some(true))) {
                        events.push(ev(&key, &cur, "RemoveExpiredDeleteMarker", r, None, None));
                        b.objects.remove(&key);
                    }
                continue;
            }
            let expire = matching
                .iter()
                .find(|r| r.expiration.as_ref().is_some_and(|e| due(cur.last_modified, e.days, e.date.as_deref()).is_some_and(|t| t <= now)))
                .copied();
            if let (Some(r), None) = (expire, b.versioning) {
                events.push(ev(&key, &cur, "Expire", r, Some(cur.storage_class), None));
                b.objects.remove(&key);
                continue;
            }
            let mut best: Option<(StorageClass, &lifecycle::LifecycleRule)> = None;
            for r in &matching {
                for t in r.transitions.iter().flatten() {
                    let Ok(to) = StorageClass::parse(&t.storage_class) else { continue };
                    if due(cur.last_modified, t.days, t.date.as_deref()).is_some_and(|d| d <= now)
                        && cur.storage_class.can_transition_to(to)
                        && !too_small(&cfg, cur.size, to)
                        && best.is_none_or(|(c, _)| depth(to) > depth(c))
                    {
                        best = Some((to, r));
                    }
                }
            }
            if let Some((to, r)) = best {
                events.push(ev(&key, &cur, "Transition", r, Some(cur.storage_class), Some(to)));
                let v = b.objects.get_mut(&key).and_then(|v| v.last_mut()).expect("current");
                v.storage_class = to;
                v.class_since = now;
                v.restore = None;
                continue;
            }
            if let Some(r) = expire {
                let id = if b.versioning == Some(VersioningStatus::Enabled) { model::new_version_id(rng) } else { model::NULL_VERSION.to_string() };
                object_ops::add_delete_marker(b, &key, id, now);
                let marker = b.current(&key).cloned().expect("marker");
                events.push(ev(&key, &marker, "CreateDeleteMarker", r, None, None));
            }
        }
        // Incomplete multipart uploads.
        let ids: Vec<String> = b.uploads.keys().cloned().collect();
        for id in ids {
            let u = &b.uploads[&id];
            let hit = rules.iter().find(|r| {
                r.abort_incomplete_multipart_upload.as_ref().is_some_and(|a| due(u.initiated, Some(a.days_after_initiation), None).is_some_and(|t| t <= now))
                    && r.matches(&u.key, 0, &Default::default())
            });
            if let Some(r) = hit {
                events.push(LifecycleEvent {
                    time: now,
                    bucket: bucket_name.clone(),
                    key: u.key.clone(),
                    version_id: id.clone(),
                    action: "AbortMultipartUpload".into(),
                    rule_id: r.id.clone().unwrap_or_default(),
                    from_class: None,
                    to_class: None,
                });
                b.uploads.remove(&id);
            }
        }
    }
    // The lifecycle actions S3 notifications announce (S3 User Guide, "Configuring S3
    // Lifecycle event notifications").
    for e in &events {
        let (event, data) = match e.action.as_str() {
            "Expire" | "NoncurrentExpire" | "RemoveExpiredDeleteMarker" => ("LifecycleExpiration:Delete", None),
            "CreateDeleteMarker" => ("LifecycleExpiration:DeleteMarkerCreated", None),
            "Transition" | "NoncurrentTransition" => {
                let to = e.to_class.clone().unwrap_or_default();
                ("LifecycleTransition", Some(("lifecycleEventData", serde_json::json!({ "transitionEventData": { "destinationStorageClass": to } }))))
            }
            _ => continue,
        };
        notifications::deliver(w, &notifications::Initiator::S3, now, &e.bucket, &e.key, event, Some(&e.version_id), data);
    }
    w.s3.lifecycle_events.extend(events);
}
