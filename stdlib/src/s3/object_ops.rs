//! Object-level S3 operations (CloudTrail data events) and multipart uploads.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::access::{self, CannedAcl};
use super::classes::{self, StorageClass};
use super::error::{S3Error, access_denied, delete_marker_not_allowed, invalid_argument, invalid_request, no_such_key, no_such_version};
use super::kms_link;
use super::lifecycle::ceil_midnight;
use super::model::{self, Bucket, MultipartUpload, NULL_VERSION, ObjectVersion, Part, RestoreState, VersioningStatus};
use super::ops::{Owner, TagEntry, Tagging, bucket, bucket_mut, check_acl_allowed, head_error, owner_of, tag_set, validate_tags};
use super::sse::{self, BUCKET_KEY_LIFETIME, BucketKey, CustomerKey, Sealed, Sse, SseRequest, customer_key_of};
use crate::policy::ContextValue;
use crate::world::{AwsError, Blob, Call, Duration, ErrorCode, Timestamp};

// ---------------------------------------------------------------------------------------
// Shared pieces

pub(super) fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// Marks the call as a data event and records the bucket and object.
pub(super) fn data_call(c: &mut Call<'_>, bucket: &str, key: Option<&str>) {
    c.data_event = true;
    c.resource(format!("arn:aws:s3:::{bucket}"), "AWS::S3::Bucket");
    if let Some(k) = key {
        c.resource(object_arn(bucket, k), "AWS::S3::Object");
    }
}

/// `NoSuchKey` when the caller may list the bucket, `AccessDenied` otherwise (GetObject API
/// reference: without `s3:ListBucket` a missing key is a 403).
fn missing_key(c: &Call<'_>, b: &Bucket, key: &str) -> AwsError {
    match access::authorize(c, b, "s3:ListBucket", &b.arn(), None, &[]) {
        Ok(()) => no_such_key(key),
        Err(_) => access_denied(),
    }
}

fn parse_tagging(s: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let mut tags = Vec::new();
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        tags.push(TagEntry { key: super::sigv4::percent_decode(k), value: super::sigv4::percent_decode(v) });
    }
    validate_tags(&tags, model::MAX_OBJECT_TAGS)
}

fn valid_version_id(v: &str) -> Result<(), AwsError> {
    if v == NULL_VERSION || (v.len() == 32 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')) {
        Ok(())
    } else {
        Err(invalid_argument(format!("Invalid version id specified: `{v}`")))
    }
}

/// The ETag a client sends back, with or without quotes.
fn same_etag(a: &str, b: &str) -> bool {
    a.trim_matches('"') == b.trim_matches('"')
}

/// The ETag S3 gives a part or object declared only by its size.
fn synthetic_md5(size: u64) -> String {
    model::md5_hex(format!("cloudbook-synthetic:{size}").as_bytes())
}

// ---------------------------------------------------------------------------------------
// Encryption on write and read

/// What a write wants stored.
pub struct NewObject {
    pub key: String,
    pub data: Vec<u8>,
    pub size: u64,
    pub synthetic: bool,
    pub content_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub acl: CannedAcl,
    pub storage_class: StorageClass,
    pub encryption: Encryption,
    /// Set for multipart uploads (`"<md5>-N"`).
    pub etag: Option<String>,
    pub parts_count: Option<u32>,
}

/// How a write is encrypted.
pub enum Encryption {
    /// Chosen by this write: its SSE parameters (or the bucket's default), or a customer key.
    Requested(SseRequest, Option<CustomerKey>),
    /// Chosen before, with its data key: a multipart upload's, at CreateMultipartUpload.
    Chosen(Sse, Vec<u8>),
}

/// What a write reports back.
#[derive(Clone, Debug, Default)]
pub struct Stored {
    pub version_id: Option<String>,
    pub etag: String,
    pub sse: Option<Sse>,
}

/// The response fields every read and write shares about encryption.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SseFields {
    #[serde(rename = "ServerSideEncryption", skip_serializing_if = "Option::is_none")]
    pub server_side_encryption: Option<String>,
    #[serde(rename = "SSEKMSKeyId", skip_serializing_if = "Option::is_none")]
    pub ssekms_key_id: Option<String>,
    #[serde(rename = "BucketKeyEnabled", skip_serializing_if = "Option::is_none")]
    pub bucket_key_enabled: Option<bool>,
    #[serde(rename = "SSECustomerAlgorithm", skip_serializing_if = "Option::is_none")]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKeyMD5", skip_serializing_if = "Option::is_none")]
    pub sse_customer_key_md5: Option<String>,
}

impl SseFields {
    pub fn of(sse: Option<&Sse>) -> Self {
        match sse {
            None => SseFields::default(),
            Some(Sse::S3 { .. }) => SseFields { server_side_encryption: Some("AES256".into()), ..Default::default() },
            Some(Sse::Kms { algorithm, key_arn, bucket_key, .. }) => SseFields {
                server_side_encryption: Some(algorithm.clone()),
                ssekms_key_id: Some(key_arn.clone()),
                bucket_key_enabled: if *bucket_key { Some(true) } else { None },
                ..Default::default()
            },
            Some(Sse::C { key_md5, .. }) => {
                SseFields { sse_customer_algorithm: Some("AES256".into()), sse_customer_key_md5: Some(key_md5.clone()), ..Default::default() }
            }
        }
    }
}

fn aad(bucket: &str, key: &str) -> Vec<u8> {
    format!("{bucket}/{key}").into_bytes()
}

fn kms_context(extra: &Option<BTreeMap<String, String>>, arn: String) -> BTreeMap<String, String> {
    let mut ctx = extra.clone().unwrap_or_default();
    ctx.insert("aws:s3:arn".into(), arn);
    ctx
}

fn bucket_key_cache_key(c: &Call<'_>, bucket: &str, key: &str) -> String {
    format!("{bucket}|{key}|{}", c.principal().display_name())
}

/// A bucket key for (bucket, KMS key, requester): reused while fresh, else a new one from
/// KMS. Returns (plaintext, KMS ciphertext, key ARN). A new key is remembered under the key
/// id the request named and under its ARN (what reads name).
fn bucket_key_for(c: &mut Call<'_>, bucket: &str, key_id: &str, extra: &Option<BTreeMap<String, String>>) -> Result<(Vec<u8>, Vec<u8>, String), AwsError> {
    let cache_key = bucket_key_cache_key(c, bucket, key_id);
    let now = c.now();
    if let Some(bk) = c.w.s3.bucket_keys.get(&cache_key).filter(|bk| bk.expires > now) {
        return Ok((bk.plaintext.clone(), bk.ciphertext.clone(), bk.kms_key_arn.clone()));
    }
    let ctx = kms_context(extra, format!("arn:aws:s3:::{bucket}"));
    let dk = kms_link::generate_data_key(c, key_id, &ctx).map_err(kms_link::s3_view_of_kms_error)?;
    let entry = BucketKey { kms_key_arn: dk.key_arn.clone(), plaintext: dk.plaintext.clone(), ciphertext: dk.ciphertext.clone(), expires: now.plus(BUCKET_KEY_LIFETIME) };
    let by_arn = bucket_key_cache_key(c, bucket, &dk.key_arn);
    c.w.s3.bucket_keys.insert(by_arn, entry.clone());
    c.w.s3.bucket_keys.insert(cache_key, entry);
    Ok((dk.plaintext, dk.ciphertext, dk.key_arn))
}

/// Chooses the encryption for a write (request parameters, else the bucket default) and
/// returns how the object is encrypted plus its data key.
fn encrypt_for_write(c: &mut Call<'_>, bucket: &str, key: &str, request: &SseRequest, customer_key: Option<&CustomerKey>) -> Result<(Sse, Vec<u8>), AwsError> {
    if let Some(ck) = customer_key {
        if request.algorithm.is_some() {
            return Err(invalid_argument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified"));
        }
        if !c.caller.secure_transport {
            return Err(invalid_request("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."));
        }
        let fp = ck.fingerprint(c.rng());
        return Ok((fp, ck.key.clone()));
    }
    let default = bucket_ref(c, bucket)?.encryption.clone();
    let (algorithm, key_id, bucket_key, context) = match request.algorithm.as_deref() {
        Some("AES256") => ("AES256".to_string(), None, false, None),
        Some(a @ ("aws:kms" | "aws:kms:dsse")) => {
            (a.to_string(), request.kms_key_id.clone(), request.bucket_key_enabled.unwrap_or(default.bucket_key_enabled && default.algorithm == a), request.context.clone())
        }
        Some(other) => return Err(invalid_argument(format!("The encryption method specified is not supported: `{other}`"))),
        None => {
            if request.kms_key_id.is_some() {
                return Err(invalid_argument("Specifying a KMS key ID requires ServerSideEncryption aws:kms or aws:kms:dsse"));
            }
            (default.algorithm.clone(), default.kms_key_id.clone(), request.bucket_key_enabled.unwrap_or(default.bucket_key_enabled), request.context.clone())
        }
    };
    if algorithm == "AES256" {
        let data_key = c.rng().bytes(32);
        let root = bucket_ref(c, bucket)?.sse_s3_root.clone();
        let wrapped = sse::seal(c.rng(), &root, &data_key, &aad(bucket, key));
        return Ok((Sse::S3 { wrapped_key: wrapped }, data_key));
    }
    let key_arn = kms_link::resolve_key(c, key_id.as_deref()).map_err(kms_link::s3_view_of_kms_error)?;
    // DSSE-KMS does not use bucket keys.
    let bucket_key = bucket_key && algorithm == "aws:kms";
    if bucket_key {
        let (bk_plain, bk_cipher, key_arn) = bucket_key_for(c, bucket, &key_arn, &context)?;
        let salt = c.rng().bytes(16);
        let data_key = sse::derive_from_bucket_key(&bk_plain, &salt);
        let ctx = kms_context(&context, format!("arn:aws:s3:::{bucket}"));
        let ctx_text = serde_json::to_string(&ctx).unwrap_or_default();
        return Ok((Sse::Kms { algorithm, key_arn, encrypted_key: bk_cipher, bucket_key: true, salt, context: ctx_text }, data_key));
    }
    let ctx = kms_context(&context, object_arn(bucket, key));
    let dk = kms_link::generate_data_key(c, &key_arn, &ctx).map_err(kms_link::s3_view_of_kms_error)?;
    let ctx_text = serde_json::to_string(&ctx).unwrap_or_default();
    Ok((Sse::Kms { algorithm, key_arn: dk.key_arn, encrypted_key: dk.ciphertext, bucket_key: false, salt: Vec::new(), context: ctx_text }, dk.plaintext))
}

fn bucket_ref<'a>(c: &'a Call<'_>, name: &str) -> Result<&'a Bucket, AwsError> {
    bucket(c, name)
}

/// Recovers an object's data key (calling KMS for SSE-KMS, checking the customer key for SSE-C).
fn data_key_for_read(c: &mut Call<'_>, bucket: &str, key: &str, sse: &Sse, customer_key: Option<&CustomerKey>) -> Result<Vec<u8>, AwsError> {
    match sse {
        Sse::C { .. } => {
            let ck = customer_key.ok_or_else(sse::sse_c_key_required)?;
            if !c.caller.secure_transport {
                return Err(invalid_request("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."));
            }
            if !ck.matches(sse) {
                return Err(access_denied());
            }
            Ok(ck.key.clone())
        }
        _ if customer_key.is_some() => {
            Err(invalid_request("The encryption parameters are not applicable to this object."))
        }
        Sse::S3 { wrapped_key } => {
            let root = bucket_ref(c, bucket)?.sse_s3_root.clone();
            sse::open(&root, wrapped_key, &aad(bucket, key)).ok_or_else(|| S3Error::InvalidObjectState.err("The object's SSE-S3 data key could not be unwrapped"))
        }
        Sse::Kms { key_arn, encrypted_key, bucket_key, salt, context, .. } => {
            let ctx: BTreeMap<String, String> = serde_json::from_str(context).unwrap_or_default();
            if *bucket_key {
                let cache_key = bucket_key_cache_key(c, bucket, key_arn);
                let now = c.now();
                let cached = c.w.s3.bucket_keys.get(&cache_key).filter(|bk| bk.expires > now && bk.ciphertext == *encrypted_key).map(|bk| bk.plaintext.clone());
                let plain = match cached {
                    Some(p) => p,
                    None => {
                        let p = kms_link::decrypt(c, key_arn, encrypted_key, &ctx).map_err(kms_link::s3_view_of_kms_error)?;
                        c.w.s3.bucket_keys.insert(
                            cache_key,
                            BucketKey { kms_key_arn: key_arn.clone(), plaintext: p.clone(), ciphertext: encrypted_key.clone(), expires: now.plus(BUCKET_KEY_LIFETIME) },
                        );
                        p
                    }
                };
                Ok(sse::derive_from_bucket_key(&plain, salt))
            } else {
                kms_link::decrypt(c, key_arn, encrypted_key, &ctx).map_err(kms_link::s3_view_of_kms_error)
            }
        }
    }
}

/// A write with a customer key into a bucket that blocks SSE-C (the default for buckets made
/// from April 6, 2026): 403, in the words AWS documents.
fn refuse_blocked_sse_c(c: &Call<'_>, bucket_name: &str, key: &str, action: &str) -> Result<(), AwsError> {
    if !bucket(c, bucket_name)?.encryption.blocks_sse_c() {
        return Ok(());
    }
    let reason = "this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type";
    Err(access::denied_because(c, action, &object_arn(bucket_name, key), reason))
}

/// Stores a new version of `o.key` in `bucket` (encrypting it) and returns what a write reports.
pub fn store_object(c: &mut Call<'_>, bucket_name: &str, o: NewObject) -> Result<Stored, AwsError> {
    let (sse, data_key) = match o.encryption {
        Encryption::Requested(ref request, ref customer_key) => encrypt_for_write(c, bucket_name, &o.key, request, customer_key.as_ref())?,
        Encryption::Chosen(ref sse, ref data_key) => (sse.clone(), data_key.clone()),
    };
    let etag = match &o.etag {
        Some(e) => e.clone(),
        None if o.synthetic => format!("\"{}\"", synthetic_md5(o.size)),
        None if sse.etag_is_md5() => model::md5_etag(&o.data),
        None => String::new(),
    };
    let data = sse::seal(c.rng(), &data_key, &o.data, &aad(bucket_name, &o.key));
    let etag = if etag.is_empty() { format!("\"{}\"", model::md5_hex(&data.0)) } else { etag };
    let versioned = bucket_ref(c, bucket_name)?.versioning == Some(VersioningStatus::Enabled);
    let version_id = if versioned { model::new_version_id(c.rng()) } else { NULL_VERSION.to_string() };
    let now = c.now();
    let writer = c.account();
    let v = ObjectVersion {
        version_id,
        delete_marker: false,
        last_modified: now,
        etag: etag.clone(),
        size: o.size,
        storage_class: o.storage_class,
        class_since: now,
        noncurrent_since: None,
        content_type: Some(o.content_type.unwrap_or_else(|| "binary/octet-stream".into())),
        metadata: o.metadata,
        tags: o.tags,
        acl: o.acl,
        owner: writer,
        sse: Some(sse.clone()),
        data,
        parts_count: o.parts_count,
        synthetic: o.synthetic,
        restore: None,
        retention: None,
        legal_hold: false,
        replication_status: None,
        seq: 0, // set when stored
    };
    let b = bucket_mut(c, bucket_name);
    let mut v = v;
    if super::object_lock::enabled(b) {
        v.retention = b.object_lock.as_ref().and_then(|l| l.default_for(now));
    }
    b.insert_version(&o.key, v, now);
    let vid = b.current(&o.key).map(|v| v.version_id.clone()).unwrap_or_default();
    Ok(Stored { version_id: b.versioning.map(|_| vid), etag, sse: Some(sse) })
}

/// Finds the version a read targets, authorizes the read, and checks the object can be read.
pub(super) fn find_for_read(c: &mut Call<'_>, bucket_name: &str, key: &str, version_id: Option<&str>, action: &str) -> Result<ObjectVersion, AwsError> {
    data_call(c, bucket_name, Some(key));
    let b = bucket(c, bucket_name)?;
    if let Some(v) = version_id {
        valid_version_id(v)?;
    }
    let found = match version_id {
        Some(v) => b.version(key, v),
        None => b.current(key),
    };
    let action = if version_id.is_some() && action == "s3:GetObject" { "s3:GetObjectVersion" } else { action };
    let mut ctx: Vec<(Cow<'static, str>, ContextValue)> = Vec::new();
    if let Some(o) = found {
        for (k, v) in &o.tags {
            ctx.push((format!("s3:ExistingObjectTag/{k}").into(), ContextValue::string(v.clone())));
        }
    }
    if let Some(v) = version_id {
        ctx.push(("s3:VersionId".into(), ContextValue::string(v.to_string())));
    }
    access::authorize(c, b, action, &object_arn(bucket_name, key), found.map(|o| o.acl), &ctx)?;
    let Some(o) = found else {
        return Err(match version_id {
            Some(v) => no_such_version(key, v),
            None => missing_key(c, b, key),
        });
    };
    if o.delete_marker {
        return Err(if version_id.is_some() { delete_marker_not_allowed(c.operation) } else { no_such_key(key) });
    }
    Ok(o.clone())
}

fn readable_now(c: &Call<'_>, o: &ObjectVersion) -> Result<(), AwsError> {
    if o.storage_class.facts().needs_restore {
        let restored = o.restore.as_ref().is_some_and(|r| !r.ongoing(c.now()) && r.expiry.is_some());
        if !restored {
            return Err(S3Error::InvalidObjectState.err(format!(
                "The operation is not valid for the object's storage class: `{}` objects must be restored (RestoreObject) before they can be read",
                o.storage_class.as_str()
            )));
        }
    }
    Ok(())
}

/// Decrypts a version's body.
pub(super) fn plaintext_of(c: &mut Call<'_>, bucket_name: &str, key: &str, o: &ObjectVersion, customer_key: Option<&CustomerKey>) -> Result<Vec<u8>, AwsError> {
    let Some(sse) = &o.sse else { return Ok(Vec::new()) };
    let data_key = data_key_for_read(c, bucket_name, key, sse, customer_key)?;
    if o.synthetic {
        return Err(invalid_request(format!(
            "`{key}` was uploaded as {} bytes declared by ContentLength only; the simulator keeps no content for it (HeadObject works)",
            o.size
        )));
    }
    sse::open(&data_key, &o.data, &aad(bucket_name, key)).ok_or_else(access_denied)
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; `None` for a header S3 ignores.
pub fn parse_range(range: &str, size: u64) -> Result<Option<(u64, u64)>, AwsError> {
    let Some(spec) = range.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else { return Ok(None) };
    let unsatisfiable = || super::error::invalid_range(range, size);
    match (a.trim().parse::<u64>().ok(), b.trim().parse::<u64>().ok()) {
        (Some(s), e) if a.trim().len() == a.len() => {
            if !b.is_empty() && e.is_none() {
                return Ok(None);
            }
            if e.is_some_and(|e| e < s) {
                return Ok(None);
            }
            if s >= size {
                return Err(unsatisfiable());
            }
            Ok(Some((s, e.unwrap_or(size - 1).min(size - 1))))
        }
        (None, Some(n)) if a.is_empty() => {
            if n == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            Ok(Some((size.saturating_sub(n), size - 1)))
        }
        _ => Ok(None),
    }
}

// ---------------------------------------------------------------------------------------
// PutObject

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub body: Option<Blob>,
    /// With no Body: an object of this many bytes whose content the simulator does not keep.
    #[serde(default)]
    pub content_length: Option<u64>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(rename = "ContentMD5", default)]
    pub content_md5: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(rename = "ACL", default)]
    pub acl: Option<String>,
    /// URL-encoded tags: `k1=v1&k2=v2`.
    #[serde(default)]
    pub tagging: Option<String>,
    #[serde(default)]
    pub server_side_encryption: Option<String>,
    #[serde(rename = "SSEKMSKeyId", default)]
    pub ssekms_key_id: Option<String>,
    /// Base64 JSON of extra encryption context.
    #[serde(rename = "SSEKMSEncryptionContext", default)]
    pub ssekms_encryption_context: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
    #[serde(default)]
    pub object_lock_mode: Option<String>,
    #[serde(default)]
    pub object_lock_retain_until_date: Option<Timestamp>,
    #[serde(default)]
    pub object_lock_legal_hold_status: Option<String>,
    /// Conditional write: `"*"` writes only if the key has no current object.
    #[serde(default)]
    pub if_none_match: Option<String>,
    /// Conditional write: writes only over a current object with this ETag.
    #[serde(default)]
    pub if_match: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutObjectResponse {
    pub e_tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(flatten)]
    pub sse: SseFields,
}

fn sse_request(alg: &Option<String>, key: &Option<String>, bucket_key: Option<bool>, ctx_b64: &Option<String>) -> Result<SseRequest, AwsError> {
    use base64::Engine as _;
    let context = match ctx_b64 {
        None => None,
        Some(t) => {
            let raw = base64::engine::general_purpose::STANDARD.decode(t).map_err(|_| invalid_argument("SSEKMSEncryptionContext must be base64-encoded JSON"))?;
            Some(serde_json::from_slice::<BTreeMap<String, String>>(&raw).map_err(|_| invalid_argument("SSEKMSEncryptionContext must be a JSON object of strings"))?)
        }
    };
    Ok(SseRequest { algorithm: alg.clone(), kms_key_id: key.clone(), bucket_key_enabled: bucket_key, context })
}

pub(super) fn owner_check(c: &Call<'_>, bucket_name: &str, expected: &Option<String>) -> Result<(), AwsError> {
    if let Some(o) = expected
        && bucket(c, bucket_name)?.owner != *o {
            return Err(access_denied());
        }
    Ok(())
}

/// PutObject: limits (5 GB single PUT, 1,024-byte keys, 2 KB metadata), encryption, ETag
/// rules, versioning, ACL rules under Object Ownership and Block Public Access.
pub fn put_object(c: &mut Call<'_>, req: PutObjectRequest) -> Result<PutObjectResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    let arn = object_arn(&req.bucket, &req.key);
    let mut ctx: Vec<(Cow<'static, str>, ContextValue)> = Vec::new();
    if let Some(a) = &req.acl {
        ctx.push(("s3:x-amz-acl".into(), ContextValue::string(a.clone())));
    }
    if let Some(a) = &req.server_side_encryption {
        ctx.push(("s3:x-amz-server-side-encryption".into(), ContextValue::string(a.clone())));
    }
    if let Some(k) = &req.ssekms_key_id {
        ctx.push(("s3:x-amz-server-side-encryption-aws-kms-key-id".into(), ContextValue::string(k.clone())));
    }
    if let Some(s) = &req.storage_class {
        ctx.push(("s3:x-amz-storage-class".into(), ContextValue::string(s.clone())));
    }
    let tag_ctx: Vec<(String, String)> = match &req.tagging {
        Some(t) => parse_tagging(t).unwrap_or_default().into_iter().collect(),
        None => vec![],
    };
    for (k, v) in &tag_ctx {
        ctx.push((format!("s3:RequestObjectTag/{k}").into(), ContextValue::string(v.clone())));
    }
    ctx.extend(conditional_write_keys(&req.if_match, &req.if_none_match));
    access::authorize(c, b, "s3:PutObject", &arn, None, &ctx)?;
    owner_check(c, &req.bucket, &req.expected_bucket_owner)?;
    model::validate_key(&req.key)?;
    let metadata = req.metadata.clone().unwrap_or_default();
    model::validate_metadata(&metadata)?;
    let (data, size, synthetic) = match (&req.body, req.content_length) {
        (Some(body), Some(n)) if n != body.len() as u64 => {
            return Err(AwsError::new("IncompleteBody", 400, format!("You did not provide the number of bytes specified by the Content-Length HTTP header: {n} declared, {} sent", body.len())));
        }
        (Some(body), _) => (body.0.clone(), body.len() as u64, false),
        (None, Some(n)) => (Vec::new(), n, n > 0),
        (None, None) => (Vec::new(), 0, false),
    };
    if size > model::MAX_PUT_SIZE {
        return Err(S3Error::EntityTooLarge.err(format!("Your proposed upload exceeds the maximum allowed object size: {size} bytes in one PUT (the limit is 5 GB; use a multipart upload)")));
    }
    if let Some(md5) = &req.content_md5 {
        use base64::Engine as _;
        let given = base64::engine::general_purpose::STANDARD.decode(md5).map_err(|_| S3Error::InvalidDigest.err("The Content-MD5 you specified was invalid."))?;
        if given.len() != 16 {
            return Err(S3Error::InvalidDigest.err("The Content-MD5 you specified was invalid."));
        }
        if hex::encode(given) != model::md5_hex(&data) {
            return Err(AwsError::new("BadDigest", 400, "The Content-MD5 you specified did not match what we received."));
        }
    }
    let storage_class = req.storage_class.as_deref().map(StorageClass::parse).transpose()?.unwrap_or_default();
    let acl = req.acl.as_deref().map(CannedAcl::parse).transpose()?.unwrap_or_default();
    if req.acl.is_some() {
        let b = bucket(c, &req.bucket)?;
        check_acl_allowed(c, b, acl, "s3:PutObjectAcl", &arn)?;
    }
    let tags = match &req.tagging {
        Some(t) => parse_tagging(t)?,
        None => BTreeMap::new(),
    };
    let customer_key = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    if customer_key.is_some() {
        refuse_blocked_sse_c(c, &req.bucket, &req.key, "s3:PutObject")?;
    }
    let sse = sse_request(&req.server_side_encryption, &req.ssekms_key_id, req.bucket_key_enabled, &req.ssekms_encryption_context)?;
    let lock = super::object_lock::lock_for_put(
        bucket(c, &req.bucket)?,
        c.now(),
        req.object_lock_mode.as_deref(),
        req.object_lock_retain_until_date,
        req.object_lock_legal_hold_status.as_deref(),
    )?;
    // Lock headers need their own permissions (PutObject API reference).
    for (asked, action) in [(req.object_lock_mode.is_some(), "s3:PutObjectRetention"), (req.object_lock_legal_hold_status.is_some(), "s3:PutObjectLegalHold")] {
        if asked {
            access::authorize(c, bucket(c, &req.bucket)?, action, &arn, None, &[])?;
        }
    }
    // Last, once the request is otherwise valid and allowed: a failed precondition says only
    // that the key is (or is not) there.
    write_preconditions(&req.key, bucket(c, &req.bucket)?.current(&req.key).filter(|v| !v.delete_marker), &req.if_match, &req.if_none_match)?;
    let stored = store_object(
        c,
        &req.bucket,
        NewObject {
            key: req.key.clone(),
            data,
            size,
            synthetic,
            content_type: req.content_type,
            metadata,
            tags,
            acl,
            storage_class,
            encryption: Encryption::Requested(sse, customer_key),
            etag: None,
            parts_count: None,
        },
    )?;
    if let Some(v) = bucket_mut(c, &req.bucket).objects.get_mut(&req.key).and_then(|vs| vs.last_mut()) {
        v.retention = lock.0;
        v.legal_hold = lock.1;
    }
    super::replication::enqueue(c.w, &req.bucket, &req.key, None);
    super::notifications::emit(c, &req.bucket, &req.key, "ObjectCreated:Put", None);
    Ok(PutObjectResponse { e_tag: stored.etag, version_id: stored.version_id, sse: SseFields::of(stored.sse.as_ref()) })
}

// ---------------------------------------------------------------------------------------
// GetObject / HeadObject

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetObjectRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub if_modified_since: Option<Timestamp>,
    #[serde(default)]
    pub if_unmodified_since: Option<Timestamp>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
    #[serde(default)]
    pub part_number: Option<i64>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
    #[serde(default)]
    pub response_cache_control: Option<String>,
    #[serde(default)]
    pub response_content_disposition: Option<String>,
    #[serde(default)]
    pub response_content_encoding: Option<String>,
    #[serde(default)]
    pub response_content_language: Option<String>,
    #[serde(default)]
    pub response_content_type: Option<String>,
    #[serde(default)]
    pub response_expires: Option<Timestamp>,
}

impl GetObjectRequest {
    /// Whether the request overrides response headers (`Response*`).
    fn overrides_headers(&self) -> bool {
        let texts = [&self.response_cache_control, &self.response_content_disposition, &self.response_content_encoding, &self.response_content_language, &self.response_content_type];
        texts.iter().any(|t| t.is_some()) || self.response_expires.is_some()
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetObjectResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Blob>,
    pub content_length: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_range: Option<String>,
    pub accept_ranges: String,
    pub e_tag: String,
    pub last_modified: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    pub metadata: BTreeMap<String, String>,
    #[serde(flatten)]
    pub sse: SseFields,
    /// Absent for STANDARD, as S3 omits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_lock_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_lock_retain_until_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_lock_legal_hold_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_status: Option<String>,
}

fn read_response(c: &Call<'_>, bucket_name: &str, o: &ObjectVersion, body: Option<Vec<u8>>, range: Option<(u64, u64)>) -> GetObjectResponse {
    let versioned = c.w.s3.buckets.get(bucket_name).is_some_and(|b| b.versioning.is_some());
    let (body, len, content_range) = match (body, range) {
        (Some(b), Some((s, e))) => (Some(Blob(b[s as usize..=e as usize].to_vec())), e - s + 1, Some(format!("bytes {s}-{e}/{}", o.size))),
        (Some(b), None) => (Some(Blob(b)), o.size, None),
        (None, Some((s, e))) => (None, e - s + 1, Some(format!("bytes {s}-{e}/{}", o.size))),
        (None, None) => (None, o.size, None),
    };
    GetObjectResponse {
        body,
        content_length: len,
        content_type: o.content_type.clone(),
        cache_control: None,
        content_disposition: None,
        content_encoding: None,
        content_language: None,
        expires: None,
        content_range,
        accept_ranges: "bytes".into(),
        e_tag: o.etag.clone(),
        last_modified: o.last_modified,
        version_id: if versioned || o.version_id != NULL_VERSION { Some(o.version_id.clone()) } else { None },
        metadata: o.metadata.clone(),
        sse: SseFields::of(o.sse.as_ref()),
        storage_class: (o.storage_class != StorageClass::STANDARD).then(|| o.storage_class.as_str().to_string()),
        restore: o.restore.as_ref().map(|r| r.header(c.now())),
        parts_count: o.parts_count,
        tag_count: (!o.tags.is_empty()).then_some(o.tags.len()),
        object_lock_mode: o.retention.map(|r| r.mode.as_str().to_string()),
        object_lock_retain_until_date: o.retention.map(|r| r.retain_until),
        object_lock_legal_hold_status: o.legal_hold.then(|| "ON".to_string()),
        replication_status: o.replication_status.clone(),
    }
}

/// GetObject/HeadObject's `Response*` parameters: "These parameters cannot be used with an
/// unsigned (anonymous) request." (AWS documents this for GET; the simulator applies it to HEAD,
/// whose error has no body anyway.)
fn check_overrides(c: &Call<'_>, req: &GetObjectRequest) -> Result<(), AwsError> {
    if req.overrides_headers() && matches!(c.principal(), crate::world::Principal::Anonymous) {
        return Err(invalid_request("Request specific response headers cannot be used for anonymous GET requests."));
    }
    Ok(())
}

/// "The response headers that you can override for the GetObject response are Cache-Control,
/// Content-Disposition, Content-Encoding, Content-Language, Content-Type, and Expires."
fn with_overrides(mut r: GetObjectResponse, req: &GetObjectRequest) -> GetObjectResponse {
    let pairs = [
        (&mut r.cache_control, &req.response_cache_control),
        (&mut r.content_disposition, &req.response_content_disposition),
        (&mut r.content_encoding, &req.response_content_encoding),
        (&mut r.content_language, &req.response_content_language),
        (&mut r.content_type, &req.response_content_type),
    ];
    for (field, value) in pairs {
        if value.is_some() {
            field.clone_from(value);
        }
    }
    r.expires = req.response_expires.or(r.expires);
    r
}

/// 412, naming the header whose condition did not hold (`<Condition>` in the error document).
fn precondition_failed(condition: &str) -> AwsError {
    AwsError::new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold").detail("Condition", condition)
}

/// Whether an `If-Match`/`If-None-Match` value (`*`, one ETag or a comma-separated list of
/// them) names `etag`.
fn etag_listed(value: &str, etag: &str) -> bool {
    value.split(',').map(str::trim).any(|m| m == "*" || same_etag(m, etag))
}

/// GetObject/HeadObject's conditional reads, in RFC 7232's order, which the GetObject
/// reference spells out for its two mixed cases: a true `If-Match` makes `If-Unmodified-Since`
/// irrelevant (200), and a present `If-None-Match` decides alone (a match is 304 whatever
/// `If-Modified-Since` says). Dates compare at whole seconds, as HTTP dates carry them; an
/// `If-Modified-Since` in the future is ignored (RFC 2616 §14.25 called it invalid; S3 was
/// recorded answering 200).
fn read_preconditions(o: &ObjectVersion, req: &GetObjectRequest, now: Timestamp) -> Result<(), AwsError> {
    let modified = o.last_modified.secs();
    let failed = match (&req.if_match, req.if_unmodified_since) {
        (Some(m), _) => (!etag_listed(m, &o.etag)).then_some("If-Match"),
        (None, Some(t)) => (modified > t.secs()).then_some("If-Unmodified-Since"),
        (None, None) => None,
    };
    if let Some(condition) = failed {
        return Err(precondition_failed(condition));
    }
    let not_modified = match (&req.if_none_match, req.if_modified_since) {
        (Some(m), _) => etag_listed(m, &o.etag),
        (None, Some(t)) => t <= now && modified <= t.secs(),
        (None, None) => false,
    };
    if not_modified {
        return Err(AwsError::new("NotModified", 304, "Not Modified"));
    }
    Ok(())
}

/// The keys a bucket policy uses to enforce conditional writes (PutObject,
/// CompleteMultipartUpload).
fn conditional_write_keys(if_match: &Option<String>, if_none_match: &Option<String>) -> Vec<(Cow<'static, str>, ContextValue)> {
    let keys = [("s3:if-none-match", if_none_match), ("s3:if-match", if_match)];
    keys.into_iter().filter_map(|(key, v)| Some((key.into(), ContextValue::string(v.clone()?)))).collect()
}

/// A conditional write's preconditions against the key's current object (`None` when there is
/// none or it is a delete marker), as the S3 User Guide's "Conditional write behavior" gives
/// them: `If-None-Match: *` fails with 412 over an object; `If-Match` fails with 412 over an
/// object with another ETag and with 404 where there is no object.
fn write_preconditions(key: &str, current: Option<&ObjectVersion>, if_match: &Option<String>, if_none_match: &Option<String>) -> Result<(), AwsError> {
    if if_match.is_some() && if_none_match.is_some() {
        return Err(S3Error::NotImplemented.err("A header you provided implies functionality that is not implemented: If-Match and If-None-Match (multiple conditional request headers present in the request)"));
    }
    if let Some(m) = if_none_match {
        if m != "*" {
            return Err(S3Error::NotImplemented.err(format!("A header you provided implies functionality that is not implemented: If-None-Match `{m}` (conditional writes take only `*`)")));
        }
        if current.is_some() {
            return Err(precondition_failed("If-None-Match"));
        }
    }
    if let Some(m) = if_match {
        match current {
            None => return Err(no_such_key(key)),
            Some(o) if !same_etag(m, &o.etag) => return Err(precondition_failed("If-Match")),
            Some(_) => {}
        }
    }
    Ok(())
}

/// GetObject: versions, delete markers (404), archived objects (InvalidObjectState until
/// restored), SSE-C keys, byte ranges.
pub fn get_object(c: &mut Call<'_>, req: GetObjectRequest) -> Result<GetObjectResponse, AwsError> {
    check_overrides(c, &req)?;
    let o = find_for_read(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObject")?;
    owner_check(c, &req.bucket, &req.expected_bucket_owner)?;
    read_preconditions(&o, &req, c.now())?;
    readable_now(c, &o)?;
    if req.part_number.is_some() {
        return Err(invalid_argument("PartNumber reads are not modelled by the simulator"));
    }
    let ck = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    let range = match &req.range {
        Some(r) => parse_range(r, o.size)?,
        None => None,
    };
    let body = plaintext_of(c, &req.bucket, &req.key, &o, ck.as_ref())?;
    Ok(with_overrides(read_response(c, &req.bucket, &o, Some(body), range), &req))
}

/// HeadObject: GetObject's metadata without the body; errors are bare statuses ([`head_error`]).
pub fn head_object(c: &mut Call<'_>, req: GetObjectRequest) -> Result<GetObjectResponse, AwsError> {
    head_object_inner(c, req).map_err(head_error)
}

fn head_object_inner(c: &mut Call<'_>, req: GetObjectRequest) -> Result<GetObjectResponse, AwsError> {
    check_overrides(c, &req)?;
    let o = find_for_read(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObject")?;
    owner_check(c, &req.bucket, &req.expected_bucket_owner)?;
    read_preconditions(&o, &req, c.now())?;
    let ck = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    if let Some(sse @ Sse::C { .. }) = &o.sse {
        let ck = ck.ok_or_else(sse::sse_c_key_required)?;
        if !ck.matches(sse) {
            return Err(access_denied());
        }
    }
    let range = match &req.range {
        Some(r) => parse_range(r, o.size)?,
        None => None,
    };
    Ok(with_overrides(read_response(c, &req.bucket, &o, None, range), &req))
}

// ---------------------------------------------------------------------------------------
// DeleteObject

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteObjectRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(rename = "MFA", default)]
    pub mfa: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
    /// Lets callers with `s3:BypassGovernanceRetention` delete GOVERNANCE-locked versions.
    #[serde(default)]
    pub bypass_governance_retention: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_marker: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

fn delete_marker(version_id: String, now: Timestamp, owner: String) -> ObjectVersion {
    ObjectVersion {
        version_id,
        delete_marker: true,
        last_modified: now,
        etag: String::new(),
        size: 0,
        storage_class: StorageClass::STANDARD,
        class_since: now,
        noncurrent_since: None,
        content_type: None,
        metadata: BTreeMap::new(),
        tags: BTreeMap::new(),
        acl: CannedAcl::Private,
        owner,
        sse: None,
        data: Sealed::default(),
        parts_count: None,
        synthetic: false,
        restore: None,
        retention: None,
        legal_hold: false,
        replication_status: None,
        seq: 0, // set when stored
    }
}

/// Adds a delete marker as the current version of `key` (a new id when versioning is
/// enabled, `null` when suspended, which also removes the null version). Returns its id.
pub fn add_delete_marker(b: &mut Bucket, key: &str, version_id: String, now: Timestamp) -> String {
    let owner = b.owner.clone();
    b.insert_version(key, delete_marker(version_id, now, owner), now);
    b.current(key).map(|v| v.version_id.clone()).unwrap_or_default()
}

/// DeleteObject: unversioned buckets delete; enabled buckets add a delete marker; suspended
/// buckets replace the null version with a null delete marker; a VersionId deletes that
/// version for good (with MFA when MFA Delete is enabled).
pub fn delete_object(c: &mut Call<'_>, req: DeleteObjectRequest) -> Result<DeleteObjectResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let action = if req.version_id.is_some() { "s3:DeleteObjectVersion" } else { "s3:DeleteObject" };
    let b = bucket(c, &req.bucket)?;
    let mut ctx = Vec::new();
    if let Some(v) = &req.version_id {
        ctx.push(("s3:VersionId".into(), ContextValue::string(v.clone())));
    }
    access::authorize(c, b, action, &object_arn(&req.bucket, &req.key), None, &ctx)?;
    owner_check(c, &req.bucket, &req.expected_bucket_owner)?;
    let now = c.now();
    if let Some(v) = &req.version_id {
        valid_version_id(v)?;
        if b.mfa_delete == Some(super::model::MfaDeleteStatus::Enabled) && req.mfa.as_deref().is_none_or(|m| m.split_whitespace().count() != 2) {
            return Err(S3Error::AccessDenied.err("Mfa Authentication must be used for this request"));
        }
        if let Some(found) = b.version(&req.key, v) {
            let bypass = super::object_lock::bypass_allowed(c, &req.bucket, &req.key, req.bypass_governance_retention);
            if !super::object_lock::may_delete(found, now, bypass) {
                return Err(super::object_lock::locked());
            }
        }
        super::notifications::emit(c, &req.bucket, &req.key, "ObjectRemoved:Delete", Some(v));
        let removed = bucket_mut(c, &req.bucket).remove_version(&req.key, v);
        return Ok(DeleteObjectResponse { delete_marker: removed.filter(|r| r.delete_marker).map(|_| true), version_id: Some(v.clone()) });
    }
    match b.versioning {
        None => {
            super::notifications::emit(c, &req.bucket, &req.key, "ObjectRemoved:Delete", None);
            bucket_mut(c, &req.bucket).objects.remove(&req.key);
            Ok(DeleteObjectResponse::default())
        }
        Some(VersioningStatus::Enabled) => {
            let id = model::new_version_id(c.rng());
            let id = add_delete_marker(bucket_mut(c, &req.bucket), &req.key, id, now);
            super::replication::enqueue(c.w, &req.bucket, &req.key, None);
            super::notifications::emit(c, &req.bucket, &req.key, "ObjectRemoved:DeleteMarkerCreated", None);
            Ok(DeleteObjectResponse { delete_marker: Some(true), version_id: Some(id) })
        }
        Some(VersioningStatus::Suspended) => {
            add_delete_marker(bucket_mut(c, &req.bucket), &req.key, NULL_VERSION.into(), now);
            super::notifications::emit(c, &req.bucket, &req.key, "ObjectRemoved:DeleteMarkerCreated", None);
            Ok(DeleteObjectResponse { delete_marker: Some(true), version_id: Some(NULL_VERSION.into()) })
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ObjectIdentifier {
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Delete {
    pub objects: Vec<ObjectIdentifier>,
    #[serde(default)]
    pub quiet: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteObjectsRequest {
    pub bucket: String,
    pub delete: Delete,
    #[serde(rename = "MFA", default)]
    pub mfa: Option<String>,
    #[serde(default)]
    pub bypass_governance_retention: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletedObject {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_marker: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_marker_version_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteError {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectsResponse {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<DeletedObject>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<DeleteError>,
}

/// DeleteObjects: up to 1,000 keys in one request, each deleted (and authorized) as
/// DeleteObject would; failures are reported per key (Quiet mode lists only errors).
pub fn delete_objects(c: &mut Call<'_>, req: DeleteObjectsRequest) -> Result<DeleteObjectsResponse, AwsError> {
    data_call(c, &req.bucket, None);
    bucket(c, &req.bucket)?;
    if req.delete.objects.is_empty() || req.delete.objects.len() > 1000 {
        return Err(S3Error::MalformedXML.err(format!(
            "The XML you provided was not well-formed or did not validate against our published schema: 1 to 1,000 objects per request, not {}",
            req.delete.objects.len()
        )));
    }
    let quiet = req.delete.quiet.unwrap_or(false);
    let mut out = DeleteObjectsResponse { deleted: Vec::new(), errors: Vec::new() };
    for o in req.delete.objects {
        let one = DeleteObjectRequest { bucket: req.bucket.clone(), key: o.key.clone(), version_id: o.version_id.clone(), mfa: req.mfa.clone(), expected_bucket_owner: None, bypass_governance_retention: req.bypass_governance_retention };
        match delete_object(c, one) {
            Ok(r) if !quiet => out.deleted.push(DeletedObject {
                key: o.key,
                version_id: o.version_id.clone(),
                delete_marker: r.delete_marker,
                delete_marker_version_id: if o.version_id.is_none() { r.version_id.filter(|_| r.delete_marker == Some(true)) } else { None },
            }),
            Ok(_) => {}
            Err(e) => out.errors.push(DeleteError { key: o.key, version_id: o.version_id, code: e.code, message: e.message }),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// CopyObject

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CopyObjectRequest {
    pub bucket: String,
    pub key: String,
    /// `source-bucket/key`, optionally `?versionId=...`.
    pub copy_source: String,
    /// The access point the source is read through (set by
    /// [`super::access_points::via::copy_object`] from an access point `CopySource`).
    #[serde(skip)]
    pub copy_source_access_point: Option<String>,
    #[serde(default)]
    pub metadata_directive: Option<String>,
    #[serde(default)]
    pub tagging_directive: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(rename = "ACL", default)]
    pub acl: Option<String>,
    #[serde(default)]
    pub tagging: Option<String>,
    #[serde(default)]
    pub server_side_encryption: Option<String>,
    #[serde(rename = "SSEKMSKeyId", default)]
    pub ssekms_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
    #[serde(rename = "CopySourceSSECustomerAlgorithm", default)]
    pub copy_source_sse_customer_algorithm: Option<String>,
    #[serde(rename = "CopySourceSSECustomerKey", default)]
    pub copy_source_sse_customer_key: Option<Blob>,
    #[serde(rename = "CopySourceSSECustomerKeyMD5", default)]
    pub copy_source_sse_customer_key_md5: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyObjectResult {
    pub e_tag: String,
    pub last_modified: Timestamp,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyObjectResponse {
    pub copy_object_result: CopyObjectResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_source_version_id: Option<String>,
    #[serde(flatten)]
    pub sse: SseFields,
}

fn parse_copy_source(s: &str) -> Result<(String, String, Option<String>), AwsError> {
    let s = s.strip_prefix('/').unwrap_or(s);
    let (path, version) = match s.split_once("?versionId=") {
        Some((p, v)) => (p, Some(v.to_string())),
        None => (s, None),
    };
    let (b, k) = path.split_once('/').ok_or_else(|| invalid_argument(format!("Invalid copy source object key: `{s}` (expected bucket/key)")))?;
    if b.is_empty() || k.is_empty() {
        return Err(invalid_argument(format!("Invalid copy source object key: `{s}` (expected bucket/key)")));
    }
    Ok((b.to_string(), super::sigv4::percent_decode(k), version))
}

/// CopyObject: reads the source as GetObject would (same permissions, SSE-C key), writes the
/// destination as PutObject would; copying an object onto itself needs a change.
pub fn copy_object(c: &mut Call<'_>, req: CopyObjectRequest) -> Result<CopyObjectResponse, AwsError> {
    let (src_bucket, src_key, src_version) = parse_copy_source(&req.copy_source)?;
    // The source is read through its own access point (or none), the destination written
    // through the call's.
    let dst_access_point = std::mem::replace(&mut c.access_point, req.copy_source_access_point.clone());
    let src = find_for_read(c, &src_bucket, &src_key, src_version.as_deref(), "s3:GetObject");
    c.access_point = dst_access_point;
    let src = src?;
    data_call(c, &req.bucket, Some(&req.key));
    let dst = bucket(c, &req.bucket)?;
    access::authorize(c, dst, "s3:PutObject", &object_arn(&req.bucket, &req.key), None, &[])?;
    model::validate_key(&req.key)?;
    readable_now(c, &src)?;
    let replace_meta = match req.metadata_directive.as_deref() {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(o) => return Err(invalid_argument(format!("Unknown metadata directive: `{o}` (expected COPY or REPLACE)"))),
    };
    let replace_tags = match req.tagging_directive.as_deref() {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(o) => return Err(invalid_argument(format!("Unknown tagging directive: `{o}` (expected COPY or REPLACE)"))),
    };
    let changes = replace_meta || req.storage_class.is_some() || req.server_side_encryption.is_some() || req.sse_customer_key.is_some() || req.ssekms_key_id.is_some();
    if src_bucket == req.bucket && src_key == req.key && src_version.is_none() && !changes {
        return Err(invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        ));
    }
    // A destination that blocks SSE-C refuses before the source is read.
    let customer_key = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    if customer_key.is_some() {
        refuse_blocked_sse_c(c, &req.bucket, &req.key, "s3:CopyObject")?;
    }
    let src_ck = customer_key_of(&req.copy_source_sse_customer_algorithm, &req.copy_source_sse_customer_key, &req.copy_source_sse_customer_key_md5)?;
    let data = plaintext_of(c, &src_bucket, &src_key, &src, src_ck.as_ref())?;
    let metadata = if replace_meta { req.metadata.clone().unwrap_or_default() } else { src.metadata.clone() };
    model::validate_metadata(&metadata)?;
    let tags = if replace_tags {
        match &req.tagging {
            Some(t) => parse_tagging(t)?,
            None => BTreeMap::new(),
        }
    } else {
        src.tags.clone()
    };
    let acl = req.acl.as_deref().map(CannedAcl::parse).transpose()?.unwrap_or_default();
    let storage_class = req.storage_class.as_deref().map(StorageClass::parse).transpose()?.unwrap_or_default();
    let content_type = if replace_meta { req.content_type.clone() } else { src.content_type.clone() };
    let size = data.len() as u64;
    let stored = store_object(
        c,
        &req.bucket,
        NewObject {
            key: req.key.clone(),
            data,
            size,
            synthetic: false,
            content_type,
            metadata,
            tags,
            acl,
            storage_class,
            encryption: Encryption::Requested(
                SseRequest { algorithm: req.server_side_encryption.clone(), kms_key_id: req.ssekms_key_id.clone(), bucket_key_enabled: req.bucket_key_enabled, context: None },
                customer_key,
            ),
            etag: None,
            parts_count: None,
        },
    )?;
    super::replication::enqueue(c.w, &req.bucket, &req.key, None);
    super::notifications::emit(c, &req.bucket, &req.key, "ObjectCreated:Copy", None);
    let src_versioned = c.w.s3.buckets.get(&src_bucket).is_some_and(|b| b.versioning.is_some());
    Ok(CopyObjectResponse {
        copy_object_result: CopyObjectResult { e_tag: stored.etag, last_modified: c.now() },
        version_id: stored.version_id,
        copy_source_version_id: src_versioned.then(|| src.version_id.clone()),
        sse: SseFields::of(stored.sse.as_ref()),
    })
}

// ---------------------------------------------------------------------------------------
// Listing

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListObjectsV2Request {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub max_keys: Option<i64>,
    #[serde(default)]
    pub continuation_token: Option<String>,
    #[serde(default)]
    pub start_after: Option<String>,
    #[serde(default)]
    pub fetch_owner: Option<bool>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectSummary {
    pub key: String,
    pub last_modified: Timestamp,
    pub e_tag: String,
    pub size: u64,
    pub storage_class: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommonPrefix {
    pub prefix: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListObjectsV2Response {
    pub name: String,
    pub prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub max_keys: i64,
    pub key_count: usize,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<ObjectSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub common_prefixes: Vec<CommonPrefix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_after: Option<String>,
}

fn encode_token(marker: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("cloudbook:{marker}"))
}

fn decode_token(t: &str) -> Result<String, AwsError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(t)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("cloudbook:").map(str::to_string))
        .ok_or_else(|| invalid_argument("The continuation token provided is incorrect"))
}

fn check_max_keys(m: Option<i64>) -> Result<i64, AwsError> {
    let m = m.unwrap_or(1000);
    if m < 0 {
        return Err(invalid_argument("Provided max-keys not an integer or within integer range"));
    }
    Ok(m.min(1000))
}

/// Walks keys in order from after `marker`, grouping by `delimiter` after `prefix`; calls
/// `take(key_or_prefix, is_prefix)` until it returns false. A marker that is one of this
/// listing's common prefixes (the prefix, then text up to and including the first
/// delimiter) skips every key under it: they would roll up into that prefix, already listed.
/// Any other marker (the prefix itself, a folder object such as `logs/` listed as a key)
/// only skips what sorts before it. An empty delimiter groups nothing.
fn walk_keys<'a>(
    keys: impl Iterator<Item = &'a String>,
    prefix: &str,
    delimiter: Option<&str>,
    marker: &str,
    mut take: impl FnMut(&'a str, Option<String>) -> bool,
) {
    let delimiter = delimiter.filter(|d| !d.is_empty());
    let marker_is_common_prefix = match (delimiter, marker.strip_prefix(prefix)) {
        (Some(d), Some(rest)) => rest.find(d).is_some_and(|i| i + d.len() == rest.len()),
        _ => false,
    };
    let mut last_cp: Option<String> = None;
    for k in keys {
        if !k.starts_with(prefix) || k.as_str() <= marker || (marker_is_common_prefix && k.starts_with(marker)) {
            continue;
        }
        let cp = delimiter.and_then(|d| k[prefix.len()..].find(d).map(|i| k[..prefix.len() + i + d.len()].to_string()));
        if let Some(cp) = &cp {
            if last_cp.as_deref() == Some(cp.as_str()) {
                continue;
            }
            last_cp = Some(cp.clone());
        }
        if !take(k, cp) {
            break;
        }
    }
}

/// Authorizes a listing of `bucket_name` (`s3:ListBucket` with the listing's condition keys)
/// and checks the expected owner: what ListObjects and ListObjectsV2 share before reading.
/// Returns the bucket to read.
fn authorize_listing<'c>(c: &'c mut Call<'_>, bucket_name: &str, prefix: &str, delimiter: &Option<String>, max_keys: Option<i64>, expected_owner: &Option<String>) -> Result<&'c Bucket, AwsError> {
    c.resource(format!("arn:aws:s3:::{bucket_name}"), "AWS::S3::Bucket");
    let c = &*c;
    let b = bucket(c, bucket_name)?;
    let mut ctx = vec![("s3:prefix".into(), ContextValue::string(prefix.to_string()))];
    if let Some(d) = delimiter {
        ctx.push(("s3:delimiter".into(), ContextValue::string(d.clone())));
    }
    if let Some(m) = max_keys {
        ctx.push(("s3:max-keys".into(), ContextValue::typed(crate::policy::ValueType::Numeric, m.to_string())));
    }
    access::authorize(c, b, "s3:ListBucket", &b.arn(), None, &ctx)?;
    owner_check(c, bucket_name, expected_owner)?;
    Ok(b)
}

/// One page of a bucket's live keys (current version not a delete marker) after `marker`,
/// grouped by `delimiter` (common prefixes count toward `max`).
struct KeyPage {
    contents: Vec<ObjectSummary>,
    common_prefixes: Vec<CommonPrefix>,
    truncated: bool,
    /// The last key or common prefix on the page.
    last: String,
}

fn key_page(b: &Bucket, prefix: &str, delimiter: Option<&str>, max: i64, marker: &str, owners: bool) -> KeyPage {
    let mut page = KeyPage { contents: Vec::new(), common_prefixes: Vec::new(), truncated: false, last: String::new() };
    let live_keys = b.objects.iter().filter(|(_, vs)| vs.last().is_some_and(|v| !v.delete_marker)).map(|(k, _)| k);
    walk_keys(live_keys, prefix, delimiter, marker, |k, cp| {
        if (page.contents.len() + page.common_prefixes.len()) as i64 >= max {
            // `MaxKeys: 0` asks for nothing and is not a truncated listing (a token would lead
            // back here, and a paginator would never stop).
            page.truncated = max > 0;
            return false;
        }
        match cp {
            Some(p) => {
                page.last = p.clone();
                page.common_prefixes.push(CommonPrefix { prefix: p });
            }
            None => {
                let v = b.current(k).expect("live key");
                page.last = k.to_string();
                page.contents.push(ObjectSummary {
                    key: k.to_string(),
                    last_modified: v.last_modified,
                    e_tag: v.etag.clone(),
                    size: v.size,
                    storage_class: v.storage_class.as_str().into(),
                    owner: owners.then(|| owner_of(&v.owner)),
                });
            }
        }
        true
    });
    page
}

/// ListObjectsV2: keys whose current version is not a delete marker, with prefix, delimiter
/// (common prefixes count toward MaxKeys), StartAfter and continuation tokens.
pub fn list_objects_v2(c: &mut Call<'_>, req: ListObjectsV2Request) -> Result<ListObjectsV2Response, AwsError> {
    let prefix = req.prefix.clone().unwrap_or_default();
    let b = authorize_listing(c, &req.bucket, &prefix, &req.delimiter, req.max_keys, &req.expected_bucket_owner)?;
    let max = check_max_keys(req.max_keys)?;
    let marker = match (&req.continuation_token, &req.start_after) {
        (Some(t), _) => decode_token(t)?,
        (None, Some(s)) => s.clone(),
        (None, None) => String::new(),
    };
    let page = key_page(b, &prefix, req.delimiter.as_deref(), max, &marker, req.fetch_owner.unwrap_or(false));
    Ok(ListObjectsV2Response {
        name: req.bucket.clone(),
        prefix,
        delimiter: req.delimiter.clone(),
        max_keys: max,
        key_count: page.contents.len() + page.common_prefixes.len(),
        is_truncated: page.truncated,
        contents: page.contents,
        common_prefixes: page.common_prefixes,
        continuation_token: req.continuation_token.clone(),
        next_continuation_token: page.truncated.then(|| encode_token(&page.last)),
        start_after: req.start_after.clone(),
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListObjectsRequest {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub marker: Option<String>,
    #[serde(default)]
    pub max_keys: Option<i64>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListObjectsResponse {
    pub name: String,
    pub prefix: String,
    /// The request's marker, empty when it sent none (S3's XML always has `<Marker>`).
    pub marker: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub max_keys: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<ObjectSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub common_prefixes: Vec<CommonPrefix>,
}

/// ListObjects, the first version of the listing (what a plain `GET /` on a bucket asks for):
/// keys after `Marker`, each with its `Owner`. `NextMarker` is returned only when the request
/// has a delimiter, as the API Reference says; without one, the next page starts after the
/// last key.
pub fn list_objects(c: &mut Call<'_>, req: ListObjectsRequest) -> Result<ListObjectsResponse, AwsError> {
    let prefix = req.prefix.clone().unwrap_or_default();
    let b = authorize_listing(c, &req.bucket, &prefix, &req.delimiter, req.max_keys, &req.expected_bucket_owner)?;
    let max = check_max_keys(req.max_keys)?;
    let marker = req.marker.clone().unwrap_or_default();
    let page = key_page(b, &prefix, req.delimiter.as_deref(), max, &marker, true);
    Ok(ListObjectsResponse {
        name: req.bucket.clone(),
        prefix,
        marker,
        next_marker: (page.truncated && req.delimiter.as_deref().is_some_and(|d| !d.is_empty())).then_some(page.last),
        max_keys: max,
        delimiter: req.delimiter.clone(),
        is_truncated: page.truncated,
        contents: page.contents,
        common_prefixes: page.common_prefixes,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListObjectVersionsRequest {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub max_keys: Option<i64>,
    #[serde(default)]
    pub key_marker: Option<String>,
    #[serde(default)]
    pub version_id_marker: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionEntry {
    pub key: String,
    pub version_id: String,
    pub is_latest: bool,
    pub last_modified: Timestamp,
    pub e_tag: String,
    pub size: u64,
    pub storage_class: String,
    pub owner: Owner,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMarkerEntry {
    pub key: String,
    pub version_id: String,
    pub is_latest: bool,
    pub last_modified: Timestamp,
    pub owner: Owner,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListObjectVersionsResponse {
    pub name: String,
    pub prefix: String,
    pub key_marker: String,
    pub version_id_marker: String,
    pub max_keys: i64,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub delete_markers: Vec<DeleteMarkerEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub common_prefixes: Vec<CommonPrefix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_key_marker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_version_id_marker: Option<String>,
}

/// ListObjectVersions: every version and delete marker, newest first within a key.
pub fn list_object_versions(c: &mut Call<'_>, req: ListObjectVersionsRequest) -> Result<ListObjectVersionsResponse, AwsError> {
    c.resource(format!("arn:aws:s3:::{}", req.bucket), "AWS::S3::Bucket");
    let b = bucket(c, &req.bucket)?;
    let prefix = req.prefix.clone().unwrap_or_default();
    access::authorize(c, b, "s3:ListBucketVersions", &b.arn(), None, &[("s3:prefix".into(), ContextValue::string(prefix.clone()))])?;
    let max = check_max_keys(req.max_keys)?;
    let key_marker = req.key_marker.clone().unwrap_or_default();
    let vid_marker = req.version_id_marker.clone().unwrap_or_default();
    let mut versions = Vec::new();
    let mut markers = Vec::new();
    let mut prefixes = Vec::new();
    let mut count = 0i64;
    let mut next: Option<(String, String)> = None;
    let mut last_cp: Option<String> = None;
    // `MaxKeys: 0` lists nothing and is not truncated (as in ListObjectsV2).
    'keys: for (k, vs) in b.objects.range(key_marker.clone()..).take_while(|_| max > 0) {
        if !k.starts_with(&prefix) {
            continue;
        }
        let resume_in_key = *k == key_marker && !vid_marker.is_empty();
        if *k == key_marker && !resume_in_key {
            continue;
        }
        if let Some(d) = req.delimiter.as_deref().filter(|d| !d.is_empty())
            && let Some(i) = k[prefix.len()..].find(d) {
                let cp = k[..prefix.len() + i + d.len()].to_string();
                if last_cp.as_deref() != Some(cp.as_str()) {
                    if count >= max {
                        next = Some((k.clone(), String::new()));
                        break;
                    }
                    last_cp = Some(cp.clone());
                    prefixes.push(CommonPrefix { prefix: cp });
                    count += 1;
                }
                continue;
            }
        let n = vs.len();
        let mut skipping = resume_in_key;
        for (i, v) in vs.iter().enumerate().rev() {
            if skipping {
                if v.version_id == vid_marker {
                    skipping = false;
                }
                continue;
            }
            if count >= max {
                next = Some((k.clone(), v.version_id.clone()));
                break 'keys;
            }
            let is_latest = i + 1 == n;
            if v.delete_marker {
                markers.push(DeleteMarkerEntry { key: k.clone(), version_id: v.version_id.clone(), is_latest, last_modified: v.last_modified, owner: owner_of(&v.owner) });
            } else {
                versions.push(VersionEntry {
                    key: k.clone(),
                    version_id: v.version_id.clone(),
                    is_latest,
                    last_modified: v.last_modified,
                    e_tag: v.etag.clone(),
                    size: v.size,
                    storage_class: v.storage_class.as_str().into(),
                    owner: owner_of(&v.owner),
                });
            }
            count += 1;
        }
    }
    // S3's markers name the last entry returned; resuming continues after it.
    let (next_key, next_vid) = match &next {
        Some(_) => {
            let last_v = versions.last().map(|v| (v.key.clone(), v.version_id.clone(), v.last_modified));
            let last_m = markers.last().map(|m| (m.key.clone(), m.version_id.clone(), m.last_modified));
            let last = [last_v, last_m].into_iter().flatten().max_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
            match last {
                Some((k, v, _)) => (Some(k), Some(v)),
                None => (None, None),
            }
        }
        None => (None, None),
    };
    Ok(ListObjectVersionsResponse {
        name: req.bucket.clone(),
        prefix,
        key_marker,
        version_id_marker: vid_marker,
        max_keys: max,
        is_truncated: next.is_some(),
        versions,
        delete_markers: markers,
        common_prefixes: prefixes,
        next_key_marker: next_key,
        next_version_id_marker: next_vid,
    })
}

// ---------------------------------------------------------------------------------------
// Object ACLs and tags

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ObjectRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectAclRequest {
    pub bucket: String,
    pub key: String,
    #[serde(rename = "ACL")]
    pub acl: String,
    #[serde(default)]
    pub version_id: Option<String>,
}

/// Finds a version for a metadata operation (tags, ACL) after authorizing `action`.
pub(super) fn version_index(c: &mut Call<'_>, bucket_name: &str, key: &str, version_id: Option<&str>, action: &str) -> Result<usize, AwsError> {
    data_call(c, bucket_name, Some(key));
    let b = bucket(c, bucket_name)?;
    let vs = b.objects.get(key);
    let idx = match version_id {
        Some(v) => vs.and_then(|vs| vs.iter().position(|x| x.version_id == v)),
        None => vs.map(|vs| vs.len() - 1),
    };
    let acl = idx.and_then(|i| vs.map(|vs| vs[i].acl));
    access::authorize(c, b, action, &object_arn(bucket_name, key), acl, &[])?;
    match idx {
        Some(i) if !vs.expect("found")[i].delete_marker => Ok(i),
        Some(_) => Err(delete_marker_not_allowed(c.operation)),
        None => Err(match version_id {
            Some(v) => no_such_version(key, v),
            None => no_such_key(key),
        }),
    }
}

pub fn put_object_acl(c: &mut Call<'_>, req: PutObjectAclRequest) -> Result<super::ops::Empty, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:PutObjectAcl")?;
    let acl = CannedAcl::parse(&req.acl)?;
    let b = bucket(c, &req.bucket)?;
    check_acl_allowed(c, b, acl, "s3:PutObjectAcl", &object_arn(&req.bucket, &req.key))?;
    bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i].acl = acl;
    Ok(super::ops::Empty {})
}

pub fn get_object_acl(c: &mut Call<'_>, req: ObjectRequest) -> Result<super::ops::GetAclResponse, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObjectAcl")?;
    let v = &bucket(c, &req.bucket)?.objects[&req.key][i];
    Ok(super::ops::GetAclResponse { owner: owner_of(&v.owner), grants: v.acl.grants_json(&model::canonical_user_id(&v.owner)) })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutObjectTaggingRequest {
    pub bucket: String,
    pub key: String,
    pub tagging: Tagging,
    #[serde(default)]
    pub version_id: Option<String>,
}

pub fn put_object_tagging(c: &mut Call<'_>, req: PutObjectTaggingRequest) -> Result<super::ops::GetTaggingResponse, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:PutObjectTagging")?;
    let tags = validate_tags(&req.tagging.tag_set, model::MAX_OBJECT_TAGS)?;
    let v = &mut bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i];
    v.tags = tags;
    let version_id = v.version_id.clone();
    super::notifications::emit(c, &req.bucket, &req.key, "ObjectTagging:Put", Some(&version_id));
    Ok(super::ops::GetTaggingResponse { tag_set: vec![], version_id: Some(version_id) })
}

pub fn get_object_tagging(c: &mut Call<'_>, req: ObjectRequest) -> Result<super::ops::GetTaggingResponse, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:GetObjectTagging")?;
    let v = &bucket(c, &req.bucket)?.objects[&req.key][i];
    Ok(super::ops::GetTaggingResponse { tag_set: tag_set(&v.tags), version_id: Some(v.version_id.clone()) })
}

pub fn delete_object_tagging(c: &mut Call<'_>, req: ObjectRequest) -> Result<super::ops::GetTaggingResponse, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:DeleteObjectTagging")?;
    let v = &mut bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i];
    v.tags.clear();
    let version_id = v.version_id.clone();
    super::notifications::emit(c, &req.bucket, &req.key, "ObjectTagging:Delete", Some(&version_id));
    Ok(super::ops::GetTaggingResponse { tag_set: vec![], version_id: Some(version_id) })
}

// ---------------------------------------------------------------------------------------
// RestoreObject

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GlacierJobParameters {
    pub tier: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RestoreRequest {
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub glacier_job_parameters: Option<GlacierJobParameters>,
    #[serde(default)]
    pub tier: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RestoreObjectRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub restore_request: RestoreRequest,
}

#[derive(Clone, Debug, Serialize)]
pub struct ResponseMetadata {
    #[serde(rename = "HTTPStatusCode")]
    pub http_status_code: u16,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreObjectResponse {
    /// 202 Accepted for a new restore, 200 OK when the copy exists (its expiry is extended).
    pub response_metadata: ResponseMetadata,
    /// When the restored copy will be readable, on the simulated clock.
    pub restore_completes: Timestamp,
}

/// RestoreObject: a temporary readable copy of a GLACIER / DEEP_ARCHIVE object after the
/// tier's retrieval time; it expires `Days` after completion (rounded up to midnight UTC).
pub fn restore_object(c: &mut Call<'_>, req: RestoreObjectRequest) -> Result<RestoreObjectResponse, AwsError> {
    let i = version_index(c, &req.bucket, &req.key, req.version_id.as_deref(), "s3:RestoreObject")?;
    let now = c.now();
    let v = bucket(c, &req.bucket)?.objects[&req.key][i].clone();
    if !v.storage_class.facts().needs_restore {
        return Err(S3Error::InvalidObjectState.err(format!("Restore is not allowed for the object's current storage class: `{}`", v.storage_class.as_str())));
    }
    let days = req.restore_request.days.ok_or_else(|| S3Error::MalformedXML.err("The XML you provided was not well-formed or did not validate against our published schema: RestoreRequest needs Days"))?;
    if days < 1 {
        return Err(invalid_argument("Days must be a positive integer"));
    }
    let tier = req.restore_request.glacier_job_parameters.as_ref().map(|g| g.tier.clone()).or(req.restore_request.tier.clone()).unwrap_or_else(|| "Standard".into());
    let took = classes::restore_time(v.storage_class, &tier)?;
    let target = &mut bucket_mut(c, &req.bucket).objects.get_mut(&req.key).expect("found")[i];
    match &mut target.restore {
        Some(r) if r.ongoing(now) => Err(S3Error::RestoreAlreadyInProgress.err("Object restore is already in progress")),
        Some(r) if r.expiry.is_some() => {
            r.days = days as u32;
            r.expiry = Some(ceil_midnight(now.plus(Duration::days(days))));
            Ok(RestoreObjectResponse { response_metadata: ResponseMetadata { http_status_code: 200 }, restore_completes: r.completes })
        }
        _ => {
            let completes = now.plus(took);
            target.restore = Some(RestoreState { tier, days: days as u32, requested: now, completes, expiry: None });
            super::notifications::emit(c, &req.bucket, &req.key, "ObjectRestore:Post", Some(&v.version_id));
            Ok(RestoreObjectResponse { response_metadata: ResponseMetadata { http_status_code: 202 }, restore_completes: completes })
        }
    }
}

// ---------------------------------------------------------------------------------------
// Multipart upload

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateMultipartUploadRequest {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(rename = "ACL", default)]
    pub acl: Option<String>,
    #[serde(default)]
    pub tagging: Option<String>,
    #[serde(default)]
    pub server_side_encryption: Option<String>,
    #[serde(rename = "SSEKMSKeyId", default)]
    pub ssekms_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMultipartUploadResponse {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    #[serde(flatten)]
    pub sse: SseFields,
}

pub fn create_multipart_upload(c: &mut Call<'_>, req: CreateMultipartUploadRequest) -> Result<CreateMultipartUploadResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    access::authorize(c, b, "s3:PutObject", &object_arn(&req.bucket, &req.key), None, &[])?;
    model::validate_key(&req.key)?;
    let metadata = req.metadata.unwrap_or_default();
    model::validate_metadata(&metadata)?;
    let storage_class = req.storage_class.as_deref().map(StorageClass::parse).transpose()?.unwrap_or_default();
    let acl = req.acl.as_deref().map(CannedAcl::parse).transpose()?.unwrap_or_default();
    if req.acl.is_some() {
        check_acl_allowed(c, b, acl, "s3:PutObjectAcl", &object_arn(&req.bucket, &req.key))?;
    }
    let tags = match &req.tagging {
        Some(t) => parse_tagging(t)?,
        None => BTreeMap::new(),
    };
    let key_at_start = model::key_state(b, &req.key);
    let customer_key = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    if customer_key.is_some() {
        refuse_blocked_sse_c(c, &req.bucket, &req.key, "s3:PutObject")?;
    }
    // The upload's data key is made now (a GenerateDataKey call for SSE-KMS, as the caller; the
    // customer's key for SSE-C).
    let request = SseRequest { algorithm: req.server_side_encryption, kms_key_id: req.ssekms_key_id, bucket_key_enabled: req.bucket_key_enabled, context: None };
    let (sse, data_key) = encrypt_for_write(c, &req.bucket, &req.key, &request, customer_key.as_ref())?;
    let upload_id = model::new_upload_id(c.rng());
    let root = bucket(c, &req.bucket)?.sse_s3_root.clone();
    let data_key = sse::seal(c.rng(), &root, &data_key, upload_id.as_bytes());
    let upload = MultipartUpload {
        upload_id: upload_id.clone(),
        key: req.key.clone(),
        initiated: c.now(),
        initiator: c.principal().display_name(),
        owner: c.account(),
        storage_class,
        content_type: req.content_type,
        metadata,
        tags,
        acl,
        sse: sse.clone(),
        data_key,
        parts: BTreeMap::new(),
        key_at_start,
        seq: bucket_mut(c, &req.bucket).next_seq(),
    };
    bucket_mut(c, &req.bucket).uploads.insert(upload_id.clone(), upload);
    Ok(CreateMultipartUploadResponse { bucket: req.bucket, key: req.key, upload_id, sse: SseFields::of(Some(&sse)) })
}

/// The additional authenticated data sealing one part of an upload.
fn part_aad(bucket: &str, upload_id: &str, part_number: i64) -> String {
    format!("{bucket}/{upload_id}#{part_number}")
}

fn no_such_upload(id: &str) -> AwsError {
    S3Error::NoSuchUpload.err(format!(
        "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed: `{id}`"
    ))
}

fn upload<'a>(b: &'a Bucket, key: &str, id: &str) -> Result<&'a MultipartUpload, AwsError> {
    b.uploads.get(id).filter(|u| u.key == key).ok_or_else(|| no_such_upload(id))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UploadPartRequest {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub part_number: i64,
    #[serde(default)]
    pub body: Option<Blob>,
    /// With no Body: a part of this many bytes whose content the simulator does not keep.
    #[serde(default)]
    pub content_length: Option<u64>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadPartResponse {
    pub e_tag: String,
    #[serde(flatten)]
    pub sse: SseFields,
}

/// UploadPart: part numbers 1–10,000, parts up to 5 GiB (the 5 MiB minimum is checked at
/// completion, since only then is the last part known).
pub fn upload_part(c: &mut Call<'_>, req: UploadPartRequest) -> Result<UploadPartResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    access::authorize(c, b, "s3:PutObject", &object_arn(&req.bucket, &req.key), None, &[])?;
    let encryption = upload(b, &req.key, &req.upload_id)?.sse.clone();
    if !(1..=model::MAX_PARTS as i64).contains(&req.part_number) {
        return Err(invalid_argument("Part number must be an integer between 1 and 10000, inclusive"));
    }
    let (data, size, synthetic) = match (&req.body, req.content_length) {
        (Some(body), Some(n)) if n != body.len() as u64 => {
            return Err(AwsError::new("IncompleteBody", 400, format!("You did not provide the number of bytes specified by the Content-Length HTTP header: {n} declared, {} sent", body.len())));
        }
        (Some(body), _) => (body.0.clone(), body.len() as u64, false),
        (None, Some(n)) => (Vec::new(), n, true),
        (None, None) => (Vec::new(), 0, false),
    };
    if size > model::MAX_PART_SIZE {
        return Err(S3Error::EntityTooLarge.err(format!("Your proposed upload exceeds the maximum allowed object size: a part of {size} bytes (parts are at most 5 GiB)")));
    }
    let md5 = if synthetic { synthetic_md5(size) } else { model::md5_hex(&data) };
    // SSE-C: "you must provide identical encryption information in each part upload request";
    // a bucket that blocks SSE-C refuses parts that carry it, whenever the upload began.
    let customer_key = customer_key_of(&req.sse_customer_algorithm, &req.sse_customer_key, &req.sse_customer_key_md5)?;
    if customer_key.is_some() {
        refuse_blocked_sse_c(c, &req.bucket, &req.key, "s3:PutObject")?;
    }
    match (&encryption, &customer_key) {
        (Sse::C { .. }, None) | (Sse::S3 { .. } | Sse::Kms { .. }, Some(_)) => {
            return Err(invalid_request("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters."));
        }
        (sse @ Sse::C { .. }, Some(ck)) if !ck.matches(sse) => {
            return Err(invalid_request("The provided encryption parameters did not match the ones used originally."));
        }
        _ => {}
    }
    let data_key = data_key_for_read(c, &req.bucket, &req.key, &encryption, customer_key.as_ref())?;
    let sealed = sse::seal(c.rng(), &data_key, &data, part_aad(&req.bucket, &req.upload_id, req.part_number).as_bytes());
    let etag = format!("\"{md5}\"");
    let now = c.now();
    let u = bucket_mut(c, &req.bucket).uploads.get_mut(&req.upload_id).expect("checked");
    u.parts.insert(req.part_number as u32, Part { size, etag: etag.clone(), md5, last_modified: now, data: sealed, synthetic });
    Ok(UploadPartResponse { e_tag: etag, sse: SseFields::of(Some(&encryption)) })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CompletedPart {
    pub part_number: i64,
    pub e_tag: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CompletedMultipartUpload {
    #[serde(default)]
    pub parts: Vec<CompletedPart>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CompleteMultipartUploadRequest {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    #[serde(default)]
    pub multipart_upload: CompletedMultipartUpload,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompleteMultipartUploadResponse {
    pub location: String,
    pub bucket: String,
    pub key: String,
    pub e_tag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    #[serde(flatten)]
    pub sse: SseFields,
}

/// CompleteMultipartUpload: parts in ascending order, each uploaded with the given ETag,
/// every part but the last at least 5 MiB, the object at most 5 TiB; the ETag is the MD5 of
/// the parts' MD5s followed by `-N`.
pub fn complete_multipart_upload(c: &mut Call<'_>, req: CompleteMultipartUploadRequest) -> Result<CompleteMultipartUploadResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    let ctx = conditional_write_keys(&req.if_match, &req.if_none_match);
    access::authorize(c, b, "s3:PutObject", &object_arn(&req.bucket, &req.key), None, &ctx)?;
    let u = upload(b, &req.key, &req.upload_id)?;
    let parts = &req.multipart_upload.parts;
    if parts.is_empty() {
        return Err(S3Error::MalformedXML.err("The XML you provided was not well-formed or did not validate against our published schema: no parts"));
    }
    if parts.windows(2).any(|w| w[1].part_number <= w[0].part_number) {
        return Err(S3Error::InvalidPartOrder.err("The list of parts was not in ascending order. Parts must be ordered by part number."));
    }
    let invalid_part = || {
        S3Error::InvalidPart.err("One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
    };
    let mut chosen: Vec<&Part> = Vec::new();
    for p in parts {
        let Ok(n) = u32::try_from(p.part_number) else { return Err(invalid_part()) };
        let part = u.parts.get(&n).filter(|x| same_etag(&x.etag, &p.e_tag)).ok_or_else(invalid_part)?;
        chosen.push(part);
    }
    for (i, p) in chosen.iter().enumerate() {
        if i + 1 < chosen.len() && p.size < model::MIN_PART_SIZE {
            return Err(S3Error::EntityTooSmall.err(format!(
                "Your proposed upload is smaller than the minimum allowed object size: part {} has {} bytes (every part but the last needs at least 5 MiB)",
                parts[i].part_number, p.size
            )));
        }
    }
    let total: u64 = chosen.iter().map(|p| p.size).sum();
    if total > model::MAX_OBJECT_SIZE {
        return Err(S3Error::EntityTooLarge.err(format!("Your proposed upload exceeds the maximum allowed object size: {total} bytes (the limit is 5 TiB)")));
    }
    complete_preconditions(b, u, &req)?;
    let synthetic = chosen.iter().any(|p| p.synthetic);
    let etag = model::multipart_etag(&chosen.iter().map(|p| p.md5.clone()).collect::<Vec<_>>());
    // S3 assembles the parts with its own copy of the data key: no KMS call.
    let data_key = sse::open(&b.sse_s3_root, &u.data_key, req.upload_id.as_bytes()).ok_or_else(invalid_part)?;
    let mut data = Vec::new();
    if !synthetic {
        for (p, part) in parts.iter().zip(&chosen) {
            let bytes = sse::open(&data_key, &part.data, part_aad(&req.bucket, &req.upload_id, p.part_number).as_bytes()).ok_or_else(invalid_part)?;
            data.extend_from_slice(&bytes);
        }
    }
    let u = u.clone();
    let stored = store_object(
        c,
        &req.bucket,
        NewObject {
            key: req.key.clone(),
            data,
            size: total,
            synthetic,
            content_type: u.content_type,
            metadata: u.metadata,
            tags: u.tags,
            acl: u.acl,
            storage_class: u.storage_class,
            encryption: Encryption::Chosen(u.sse, data_key),
            etag: Some(etag),
            parts_count: Some(parts.len() as u32),
        },
    )?;
    bucket_mut(c, &req.bucket).uploads.remove(&req.upload_id);
    super::replication::enqueue(c.w, &req.bucket, &req.key, None);
    super::notifications::emit(c, &req.bucket, &req.key, "ObjectCreated:CompleteMultipartUpload", None);
    Ok(CompleteMultipartUploadResponse {
        location: format!("https://{}.s3.amazonaws.com/{}", req.bucket, super::sigv4::uri_encode(&req.key, true)),
        bucket: req.bucket,
        key: req.key,
        e_tag: stored.etag,
        version_id: stored.version_id,
        sse: SseFields::of(stored.sse.as_ref()),
    })
}

/// CompleteMultipartUpload's conditional write: PutObject's rules against the current object,
/// then S3's 409 ConditionalRequestConflict when the key was written or deleted while the
/// upload was in progress (its current entry is not the one the upload began with). The
/// upload survives a failed precondition and can be completed again.
fn complete_preconditions(b: &Bucket, u: &MultipartUpload, req: &CompleteMultipartUploadRequest) -> Result<(), AwsError> {
    write_preconditions(&req.key, b.current(&req.key).filter(|v| !v.delete_marker), &req.if_match, &req.if_none_match)?;
    let conditional = req.if_match.is_some() || req.if_none_match.is_some();
    if conditional && model::key_state(b, &req.key) != u.key_at_start {
        return Err(AwsError::new("ConditionalRequestConflict", 409, "The conditional request cannot succeed due to a conflicting operation against this resource."));
    }
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UploadRequest {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    #[serde(default)]
    pub max_parts: Option<i64>,
    #[serde(default)]
    pub part_number_marker: Option<i64>,
}

pub fn abort_multipart_upload(c: &mut Call<'_>, req: UploadRequest) -> Result<super::ops::Empty, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    access::authorize(c, b, "s3:AbortMultipartUpload", &object_arn(&req.bucket, &req.key), None, &[])?;
    upload(b, &req.key, &req.upload_id)?;
    bucket_mut(c, &req.bucket).uploads.remove(&req.upload_id);
    Ok(super::ops::Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PartSummary {
    pub part_number: u32,
    pub last_modified: Timestamp,
    pub e_tag: String,
    pub size: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPartsResponse {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub part_number_marker: i64,
    /// The last part listed (0 when none), truncated or not.
    pub next_part_number_marker: u32,
    pub max_parts: i64,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartSummary>,
    pub initiator: Owner,
    pub owner: Owner,
    pub storage_class: String,
}

/// Who started an upload: "If the initiator is an Amazon Web Services account, this element
/// provides the same information as the Owner element. If the initiator is an IAM User, this
/// element provides the user ARN" (and its name).
fn initiator_of(u: &MultipartUpload) -> Owner {
    match u.initiator.rsplit_once('/') {
        Some((_, name)) if u.initiator.starts_with("arn:") => Owner { id: u.initiator.clone(), display_name: name.to_string() },
        _ => owner_of(&u.owner),
    }
}

/// ListParts: up to 1,000 parts per page after `PartNumberMarker`.
pub fn list_parts(c: &mut Call<'_>, req: UploadRequest) -> Result<ListPartsResponse, AwsError> {
    data_call(c, &req.bucket, Some(&req.key));
    let b = bucket(c, &req.bucket)?;
    access::authorize(c, b, "s3:ListMultipartUploadParts", &object_arn(&req.bucket, &req.key), None, &[])?;
    let u = upload(b, &req.key, &req.upload_id)?;
    let max = req.max_parts.unwrap_or(1000).clamp(0, 1000);
    let after = req.part_number_marker.unwrap_or(0);
    let mut later = u.parts.iter().filter(|(n, _)| i64::from(**n) > after);
    let parts: Vec<PartSummary> =
        later.by_ref().take(max as usize).map(|(n, p)| PartSummary { part_number: *n, last_modified: p.last_modified, e_tag: p.etag.clone(), size: p.size }).collect();
    // `MaxParts: 0` lists nothing and is not truncated (as in ListObjectsV2).
    let truncated = max > 0 && later.next().is_some();
    Ok(ListPartsResponse {
        bucket: req.bucket.clone(),
        key: req.key.clone(),
        upload_id: req.upload_id.clone(),
        part_number_marker: after,
        next_part_number_marker: parts.last().map_or(0, |p| p.part_number),
        parts,
        max_parts: max,
        is_truncated: truncated,
        initiator: initiator_of(u),
        owner: owner_of(&u.owner),
        storage_class: u.storage_class.as_str().into(),
    })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListMultipartUploadsRequest {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub key_marker: Option<String>,
    #[serde(default)]
    pub upload_id_marker: Option<String>,
    #[serde(default)]
    pub max_uploads: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadSummary {
    pub upload_id: String,
    pub key: String,
    pub initiated: Timestamp,
    pub storage_class: String,
    pub owner: Owner,
    pub initiator: Owner,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMultipartUploadsResponse {
    pub bucket: String,
    pub key_marker: String,
    pub upload_id_marker: String,
    /// Where the next page starts: the last upload (or common prefix) listed, truncated or not.
    pub next_key_marker: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    pub next_upload_id_marker: String,
    pub max_uploads: i64,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uploads: Vec<UploadSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub common_prefixes: Vec<CommonPrefix>,
}

/// ListMultipartUploads: uploads sorted by key, then by initiation time; pages of up to 1,000
/// entries (uploads and common prefixes) after `KeyMarker` (and, for that key, after the
/// upload `UploadIdMarker`, which is ignored without a key marker). The next markers name the
/// last entry listed; when that is a common prefix, `NextKeyMarker` is the prefix, so the next
/// page starts after it (AWS was recorded answering empty markers there, which restarts a
/// paginator).
pub fn list_multipart_uploads(c: &mut Call<'_>, req: ListMultipartUploadsRequest) -> Result<ListMultipartUploadsResponse, AwsError> {
    c.resource(format!("arn:aws:s3:::{}", req.bucket), "AWS::S3::Bucket");
    let b = bucket(c, &req.bucket)?;
    access::authorize(c, b, "s3:ListBucketMultipartUploads", &b.arn(), None, &[])?;
    let max = req.max_uploads.unwrap_or(1000).clamp(0, 1000) as usize;
    let prefix = req.prefix.as_deref().unwrap_or_default();
    let mut all: Vec<&MultipartUpload> = b.uploads.values().filter(|u| u.key.starts_with(prefix)).collect();
    all.sort_by(|a, b| a.key.cmp(&b.key).then(a.initiated.cmp(&b.initiated)).then(a.seq.cmp(&b.seq)));
    let key_marker = req.key_marker.clone().unwrap_or_default();
    let id_marker = if key_marker.is_empty() { String::new() } else { req.upload_id_marker.clone().unwrap_or_default() };
    // Where listing starts: after the marked upload of the marked key, or after the key.
    let start = match id_marker.as_str() {
        "" => all.partition_point(|u| u.key.as_str() <= key_marker.as_str()),
        id => match b.uploads.get(id) {
            Some(u) if u.key != key_marker => return Err(invalid_argument(format!("Invalid uploadId marker: `{id}`"))),
            Some(_) => all.iter().position(|u| u.upload_id == id).map_or_else(|| all.partition_point(|u| u.key.as_str() <= key_marker.as_str()), |i| i + 1),
            // An upload that has ended since (a list-and-abort loop): the key's remaining uploads.
            None => all.partition_point(|u| u.key.as_str() < key_marker.as_str()),
        },
    };
    let mut uploads = Vec::new();
    let mut common_prefixes: Vec<CommonPrefix> = Vec::new();
    let mut rest = all[start..].iter().peekable();
    let mut truncated = false;
    // The last entry listed: an upload (key, id), or a common prefix (prefix, "").
    let mut last = (String::new(), String::new());
    while let Some(u) = rest.peek() {
        if uploads.len() + common_prefixes.len() >= max {
            truncated = max > 0;
            break;
        }
        let rolled = req.delimiter.as_deref().filter(|d| !d.is_empty()).and_then(|d| u.key[prefix.len()..].find(d).map(|i| u.key[..prefix.len() + i + d.len()].to_string()));
        match rolled {
            // A common prefix stands for all its uploads, and must come after the key marker.
            Some(p) => {
                while rest.peek().is_some_and(|u| u.key.starts_with(&p)) {
                    rest.next();
                }
                if p.as_str() > key_marker.as_str() {
                    last = (p.clone(), String::new());
                    common_prefixes.push(CommonPrefix { prefix: p });
                }
            }
            None => {
                let u = rest.next().expect("peeked");
                let (owner, initiator) = (owner_of(&u.owner), initiator_of(u));
                last = (u.key.clone(), u.upload_id.clone());
                uploads.push(UploadSummary { upload_id: u.upload_id.clone(), key: u.key.clone(), initiated: u.initiated, storage_class: u.storage_class.as_str().into(), owner, initiator });
            }
        }
    }
    let (next_key_marker, next_upload_id_marker) = last;
    Ok(ListMultipartUploadsResponse {
        bucket: req.bucket.clone(),
        key_marker,
        upload_id_marker: id_marker,
        next_key_marker,
        prefix: req.prefix.clone(),
        delimiter: req.delimiter.clone(),
        next_upload_id_marker,
        max_uploads: max as i64,
        is_truncated: truncated,
        uploads,
        common_prefixes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100).unwrap(), Some((0, 9)));
        assert_eq!(parse_range("bytes=90-", 100).unwrap(), Some((90, 99)));
        assert_eq!(parse_range("bytes=-5", 100).unwrap(), Some((95, 99)));
        assert_eq!(parse_range("bytes=95-200", 100).unwrap(), Some((95, 99)));
        assert_eq!(parse_range("bytes=100-", 100).unwrap_err().status_code, 416);
        assert_eq!(parse_range("items=0-1", 100).unwrap(), None);
        assert_eq!(parse_range("bytes=5-1", 100).unwrap(), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100).unwrap(), None);
    }

    #[test]
    fn copy_sources() {
        assert_eq!(parse_copy_source("b/k/x").unwrap(), ("b".into(), "k/x".into(), None));
        assert_eq!(parse_copy_source("/b/a%20b?versionId=v1").unwrap(), ("b".into(), "a b".into(), Some("v1".into())));
        assert!(parse_copy_source("nokey").is_err());
    }
}
