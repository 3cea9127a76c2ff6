//! S3 domain model: plain Rust, no Rhai, no clock of its own.
//!
//! Buckets live in ONE global namespace (a `BTreeMap` keyed by bucket name) and each records
//! its owner account and region, the way S3 names are unique across all accounts of a
//! partition. Each key holds its versions oldest first; the last one is the current version.
//! Object data is kept encrypted (see [`super::sse`]): the model never stores a body in
//! plaintext.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::access::{CannedAcl, ObjectOwnership, PublicAccessBlockConfiguration};
use super::classes::StorageClass;
use super::error::S3Error;
use super::lifecycle::LifecycleConfiguration;
use super::sse::{BucketKey, EncryptionRule, Sealed, Sse};
use crate::policy::Policy;
use crate::world::{AwsError, ErrorCode, SimRng, Timestamp};

/// Every account's S3 resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct S3State {
    /// All buckets of the partition, by name.
    pub buckets: BTreeMap<String, Bucket>,
    /// Account-level Block Public Access (S3 Control `PutPublicAccessBlock`), by account id.
    #[serde(default)]
    pub account_public_access_block: BTreeMap<String, PublicAccessBlockConfiguration>,
    /// When the daily lifecycle pass last ran (lifecycle runs at midnight UTC).
    #[serde(default)]
    pub lifecycle_last_run: Option<Timestamp>,
    /// SSE-KMS bucket keys S3 holds for a while, by `bucket|kms key arn|requester`.
    #[serde(default)]
    pub bucket_keys: BTreeMap<String, BucketKey>,
    /// What the lifecycle passes did, oldest first (`s3::lifecycle_events`).
    #[serde(default)]
    pub lifecycle_events: Vec<super::lifecycle::LifecycleEvent>,
    /// Replications waiting on the clock, in the order they were queued.
    #[serde(default)]
    pub replication_queue: Vec<super::replication::ReplicationTask>,
    /// Batch Replication jobs (S3 Batch Operations `S3ReplicateObject`), by job id.
    #[serde(default)]
    pub replication_jobs: BTreeMap<String, super::replication::ReplicationJob>,
    /// SNS topics, SQS queues and Lambda functions S3 can notify (simple sinks), by ARN.
    #[serde(default)]
    pub event_destinations: BTreeMap<String, super::notifications::EventDestination>,
    /// The last event `sequencer` handed out.
    #[serde(default)]
    pub event_sequencer: u64,
    /// Sequence number of the first audit event whose access log record is not delivered yet.
    #[serde(default)]
    pub log_cursor: Option<u64>,
    /// Set while access logs are being delivered: the deliveries' own events do not set off
    /// another delivery.
    #[serde(skip)]
    pub delivering: bool,
    /// Access points of every account and Region, by ARN.
    #[serde(default)]
    pub access_points: BTreeMap<String, super::access_points::AccessPoint>,
}

/// `Enabled` or `Suspended`; an unversioned bucket has no status at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VersioningStatus {
    Enabled,
    Suspended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MfaDeleteStatus {
    Enabled,
    Disabled,
}

/// One general purpose bucket.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    /// The owning account.
    pub owner: String,
    pub region: String,
    /// Created with the legacy `EU` location constraint (in eu-west-1), which GetBucketLocation
    /// still answers.
    #[serde(default)]
    pub eu_constraint: bool,
    pub creation_date: Timestamp,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `None` while the bucket has never been versioned.
    pub versioning: Option<VersioningStatus>,
    pub mfa_delete: Option<MfaDeleteStatus>,
    pub policy: Option<Policy>,
    pub public_access_block: Option<PublicAccessBlockConfiguration>,
    pub ownership: Option<ObjectOwnership>,
    pub acl: CannedAcl,
    pub encryption: EncryptionRule,
    pub lifecycle: Option<LifecycleConfiguration>,
    /// Key -> versions, oldest first (the last is current).
    pub objects: BTreeMap<String, Vec<ObjectVersion>>,
    pub uploads: BTreeMap<String, MultipartUpload>,
    /// The bucket's SSE-S3 root key: wraps every SSE-S3 object's data key.
    #[serde(with = "crate::world::blob::b64")]
    pub sse_s3_root: Vec<u8>,
    /// Object Lock (enabled at creation or later on a versioned bucket; never disabled).
    #[serde(default)]
    pub object_lock: Option<super::object_lock::ObjectLockConfiguration>,
    #[serde(default)]
    pub replication: Option<super::replication::ReplicationConfiguration>,
    #[serde(default)]
    pub website: Option<super::website::WebsiteConfiguration>,
    #[serde(default)]
    pub notifications: Option<super::notifications::NotificationConfiguration>,
    /// Server access logging target.
    #[serde(default)]
    pub logging: Option<super::logging::LoggingEnabled>,
    /// Counts the bucket's writes and uploads: the simulated clock does not move between calls,
    /// so this orders what happened within one instant.
    #[serde(default)]
    pub seq: u64,
}

impl Bucket {
    pub fn arn(&self) -> String {
        format!("arn:aws:s3:::{}", self.name)
    }

    pub fn object_arn(&self, key: &str) -> String {
        format!("arn:aws:s3:::{}/{}", self.name, key)
    }

    /// The current version of `key` (possibly a delete marker).
    pub fn current(&self, key: &str) -> Option<&ObjectVersion> {
        self.objects.get(key).and_then(|v| v.last())
    }

    pub fn version(&self, key: &str, version_id: &str) -> Option<&ObjectVersion> {
        self.objects.get(key).and_then(|vs| vs.iter().find(|v| v.version_id == version_id))
    }

    /// True when the bucket holds no object versions and no delete markers.
    pub fn is_empty(&self) -> bool {
        self.objects.values().all(|v| v.is_empty())
    }

    /// Stores a new version as current, following the versioning state: unversioned and
    /// suspended buckets replace the `null` version, enabled buckets keep every version.
    /// Returns the version this displaced permanently (its data is gone).
    /// The next value of the bucket's write counter.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn insert_version(&mut self, key: &str, mut v: ObjectVersion, now: Timestamp) -> Option<ObjectVersion> {
        v.seq = self.next_seq();
        // Look the key up first: an overwrite (the common case) needs no copy of it.
        if !self.objects.contains_key(key) {
            self.objects.insert(key.to_string(), Vec::new());
        }
        let versions = self.objects.get_mut(key).expect("inserted above");
        if let Some(cur) = versions.last_mut()
            && cur.noncurrent_since.is_none() {
                cur.noncurrent_since = Some(now);
            }
        let mut removed = None;
        if self.versioning != Some(VersioningStatus::Enabled) {
            v.version_id = NULL_VERSION.to_string();
            if let Some(i) = versions.iter().position(|x| x.version_id == NULL_VERSION) {
                removed = Some(versions.remove(i));
            }
        }
        v.noncurrent_since = None;
        versions.push(v);
        removed
    }

    /// Removes one version; the one before it (if any) becomes current again.
    pub fn remove_version(&mut self, key: &str, version_id: &str) -> Option<ObjectVersion> {
        let versions = self.objects.get_mut(key)?;
        let i = versions.iter().position(|v| v.version_id == version_id)?;
        let was_current = i + 1 == versions.len();
        let removed = versions.remove(i);
        if was_current
            && let Some(cur) = versions.last_mut() {
                cur.noncurrent_since = None;
            }
        if versions.is_empty() {
            self.objects.remove(key);
        }
        Some(removed)
    }

    /// `Enabled`, `Suspended` or nothing (never versioned).
    pub fn versioning_status(&self) -> Option<&'static str> {
        self.versioning.map(|s| match s {
            VersioningStatus::Enabled => "Enabled",
            VersioningStatus::Suspended => "Suspended",
        })
    }
}

/// The version id S3 gives objects stored while versioning is off or suspended.
pub const NULL_VERSION: &str = "null";

/// One version of an object, or a delete marker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ObjectVersion {
    pub version_id: String,
    pub delete_marker: bool,
    pub last_modified: Timestamp,
    /// Quoted, as S3 sends it: `"d41d8cd98f00b204e9800998ecf8427e"`.
    pub etag: String,
    pub size: u64,
    pub storage_class: StorageClass,
    /// When the object entered its current storage class.
    pub class_since: Timestamp,
    /// When this version stopped being current.
    pub noncurrent_since: Option<Timestamp>,
    pub content_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub acl: CannedAcl,
    /// The account that wrote this version.
    pub owner: String,
    pub sse: Option<Sse>,
    /// The body, encrypted (nonce + AES-GCM ciphertext).
    pub data: Sealed,
    /// Number of parts when assembled by a multipart upload.
    pub parts_count: Option<u32>,
    /// Parts declared only by their size: the content is not kept (see the module docs).
    #[serde(default)]
    pub synthetic: bool,
    pub restore: Option<RestoreState>,
    /// Object Lock retention on this version.
    #[serde(default)]
    pub retention: Option<super::object_lock::Retention>,
    #[serde(default)]
    pub legal_hold: bool,
    /// `PENDING`, `COMPLETED`, `FAILED` (source) or `REPLICA` (destination).
    #[serde(default)]
    pub replication_status: Option<String>,
    /// The bucket's `seq` when this version was stored.
    #[serde(default)]
    pub seq: u64,
}

/// The state of a RestoreObject request on an archived object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestoreState {
    pub tier: String,
    pub days: u32,
    pub requested: Timestamp,
    /// When the temporary copy becomes readable.
    pub completes: Timestamp,
    /// When the temporary copy goes away (set when the restore completes).
    pub expiry: Option<Timestamp>,
}

impl RestoreState {
    pub fn ongoing(&self, now: Timestamp) -> bool {
        now < self.completes
    }
    /// The `x-amz-restore` header value.
    pub fn header(&self, now: Timestamp) -> String {
        match (self.ongoing(now), self.expiry) {
            (true, _) | (false, None) => "ongoing-request=\"true\"".to_string(),
            (false, Some(e)) => format!("ongoing-request=\"false\", expiry-date=\"{}\"", e.http_date()),
        }
    }
}

/// An in-progress multipart upload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MultipartUpload {
    pub upload_id: String,
    pub key: String,
    pub initiated: Timestamp,
    pub initiator: String,
    pub owner: String,
    pub storage_class: StorageClass,
    pub content_type: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    pub acl: CannedAcl,
    /// The encryption chosen at CreateMultipartUpload (a GenerateDataKey call for SSE-KMS), with
    /// its wrapped data key: parts and the completed object are sealed with that key. Each
    /// UploadPart recovers it as the caller (a KMS Decrypt for SSE-KMS: "the requester needs
    /// permissions for the kms:Decrypt action on the UploadPart ... APIs").
    pub sse: super::sse::Sse,
    /// The same data key, wrapped under the bucket's SSE-S3 root: S3's own copy, with which
    /// CompleteMultipartUpload assembles the object without a KMS call or the customer's key.
    /// (For SSE-C this is the customer's key itself, kept, wrapped, only while the upload lasts
    /// (saved worlds hold it meanwhile): the
    /// simulator stores an object as one sealed body, so it re-seals the parts at completion,
    /// where S3 keeps them as they were sealed.)
    pub data_key: super::sse::Sealed,
    pub parts: BTreeMap<u32, Part>,
    /// The key's current entry when the upload began ([`key_state`]): a conditional completion
    /// conflicts (409) if it changed meanwhile.
    #[serde(default)]
    pub key_at_start: Option<KeyState>,
    /// The bucket's `seq` when the upload began: orders uploads started in the same instant.
    #[serde(default)]
    pub seq: u64,
}

/// A key's current entry, as a racing write or delete changes it: its version id and when
/// (in the bucket's write order) it was stored.
pub type KeyState = (String, u64);

pub fn key_state(b: &Bucket, key: &str) -> Option<KeyState> {
    b.current(key).map(|v| (v.version_id.clone(), v.seq))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    pub size: u64,
    pub etag: String,
    /// MD5 of the part's bytes, hex.
    pub md5: String,
    pub last_modified: Timestamp,
    /// Sealed with the upload's data key.
    pub data: Sealed,
    pub synthetic: bool,
}

// ---------------------------------------------------------------------------------------
// Limits (aws-facts §5.5; S3 User Guide "Amazon S3 multipart upload limits").

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;
pub const GIB: u64 = 1024 * MIB;
pub const TIB: u64 = 1024 * GIB;
/// Largest single PUT: 5 GiB.
pub const MAX_PUT_SIZE: u64 = 5 * GIB;
/// Largest object: 5 TiB.
pub const MAX_OBJECT_SIZE: u64 = 5 * TIB;
pub const MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PART_SIZE: u64 = 5 * GIB;
pub const MAX_PARTS: u32 = 10_000;
/// Object keys are at most 1,024 bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;
/// User-defined metadata is limited to 2 KB (names and values, UTF-8).
pub const MAX_METADATA_BYTES: usize = 2 * 1024;
/// General purpose buckets per account (default quota since November 2024).
pub const MAX_BUCKETS_PER_ACCOUNT: usize = 10_000;
pub const MAX_BUCKET_TAGS: usize = 50;
pub const MAX_OBJECT_TAGS: usize = 10;

// ---------------------------------------------------------------------------------------
// Names, ids, digests.

/// Checks a general purpose bucket name against S3's naming rules (aws-facts §5.1). S3's
/// error names the bucket, not the rule broken.
pub fn validate_bucket_name(name: &str) -> Result<(), AwsError> {
    let b = name.as_bytes();
    let valid = (3..=63).contains(&b.len())
        && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        // Begins and ends with a letter or number; no two adjacent periods.
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
        // Not formatted as an IP address; none of the reserved prefixes and suffixes.
        && name.parse::<std::net::Ipv4Addr>().is_err()
        && !["xn--", "sthree-", "amzn-s3-demo-"].iter().any(|p| name.starts_with(p))
        && !["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].iter().any(|s| name.ends_with(s));
    if valid { Ok(()) } else { Err(super::error::invalid_bucket_name(name)) }
}

/// Checks an object key: non-empty, at most 1,024 bytes.
pub fn validate_key(key: &str) -> Result<(), AwsError> {
    if key.is_empty() {
        return Err(S3Error::InvalidArgument.err("Object keys must be at least one character long"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(S3Error::KeyTooLongError.err(format!("Your key is too long: {} bytes (the limit is {MAX_KEY_BYTES})", key.len())));
    }
    Ok(())
}

/// Checks user-defined metadata: at most 2 KB of names and values.
pub fn validate_metadata(m: &BTreeMap<String, String>) -> Result<(), AwsError> {
    let size: usize = m.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_METADATA_BYTES {
        return Err(S3Error::MetadataTooLarge.err(format!(
            "Your metadata headers exceed the maximum allowed metadata size: {size} bytes (the limit is {MAX_METADATA_BYTES})"
        )));
    }
    Ok(())
}

const VERSION_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";

/// A version id in S3's shape: 32 URL-safe characters.
pub fn new_version_id(rng: &mut SimRng) -> String {
    rng.bytes(32).into_iter().map(|b| VERSION_ID_ALPHABET[(b & 63) as usize] as char).collect()
}

/// A multipart upload id (S3's are long opaque URL-safe strings).
pub fn new_upload_id(rng: &mut SimRng) -> String {
    rng.bytes(64).into_iter().map(|b| VERSION_ID_ALPHABET[(b & 63) as usize] as char).collect()
}

pub fn md5_hex(data: &[u8]) -> String {
    hex::encode(Md5::digest(data))
}

/// The ETag of a single-part upload stored in plaintext or with SSE-S3: the MD5 of the data.
pub fn md5_etag(data: &[u8]) -> String {
    format!("\"{}\"", md5_hex(data))
}

/// The ETag of a multipart upload: MD5 of the concatenated binary part MD5s, `-` and the
/// number of parts (S3 User Guide, "Checking object integrity").
pub fn multipart_etag(part_md5s_hex: &[String]) -> String {
    let mut h = Md5::new();
    for m in part_md5s_hex {
        h.update(hex::decode(m).unwrap_or_default());
    }
    format!("\"{}-{}\"", hex::encode(h.finalize()), part_md5s_hex.len())
}

/// The canonical user id S3 shows as an account's `Owner.ID` (64 hex digits), derived from
/// the account id so it is stable across worlds.
pub fn canonical_user_id(account: &str) -> String {
    hex::encode(Sha256::digest(format!("cloudbook-s3-canonical-user:{account}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_the_documented_examples() {
        // S3 User Guide, "General purpose bucket naming rules": valid and invalid examples.
        for ok in ["docexamplebucket1", "log-delivery-march-2020", "my-hosted-content", "docexamplewebsite.com", "my.example.s3.bucket", "abc"] {
            assert!(validate_bucket_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "doc_example_bucket",
            "DocExampleBucket",
            "doc-example-bucket-",
            "ab",
            &"a".repeat(64),
            "my..bucket",
            "192.168.5.4",
            "xn--bucket",
            "sthree-bucket",
            "amzn-s3-demo-bucket",
            "bucket-s3alias",
            "bucket--ol-s3",
            "bucket.mrap",
            "bucket--x-s3",
            "bucket--table-s3",
            ".bucket",
        ] {
            let e = validate_bucket_name(bad).unwrap_err();
            assert_eq!(e.code, "InvalidBucketName", "{bad}");
            assert_eq!(e.status_code, 400);
        }
        assert!(validate_bucket_name(&"a".repeat(63)).is_ok());
        // Looks like an IP but has 5 parts: allowed.
        assert!(validate_bucket_name("1.2.3.4.5").is_ok());
    }

    #[test]
    fn etags_match_the_documented_rule() {
        // aws-facts §5.6: computed from S3's ETag rules.
        assert_eq!(md5_etag(b"Welcome to Amazon S3."), "\"d447d0e8f289f16a12ff6027ce77c258\"");
        assert_eq!(md5_etag(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
        let a = md5_hex(&vec![b'a'; 5 * 1024 * 1024]);
        assert_eq!(a, "79b281060d337b9b2b84ccf390adcf74");
        let b = md5_hex(b"hello world");
        assert_eq!(multipart_etag(&[a, b]), "\"4ba54d90a25d93d94b7b41c987352341-2\"");
    }

    #[test]
    fn key_and_metadata_limits() {
        assert!(validate_key(&"k".repeat(1024)).is_ok());
        assert_eq!(validate_key(&"k".repeat(1025)).unwrap_err().code, "KeyTooLongError");
        assert_eq!(validate_key("").unwrap_err().code, "InvalidArgument");
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), "x".repeat(2047));
        assert!(validate_metadata(&m).is_ok());
        m.insert("b".to_string(), "y".to_string());
        assert_eq!(validate_metadata(&m).unwrap_err().code, "MetadataTooLarge");
    }

    #[test]
    fn version_ids_are_32_url_safe_chars_and_seeded() {
        let mut r = SimRng::new(3);
        let v = new_version_id(&mut r);
        assert_eq!(v.len(), 32);
        assert!(v.bytes().all(|b| VERSION_ID_ALPHABET.contains(&b)));
        assert_eq!(new_version_id(&mut SimRng::new(3)), v);
    }
}
