//! Bucket-level S3 operations, one function per AWS operation. Object-level operations and
//! multipart uploads are in [`super::object_ops`] (re-exported here).
//!
//! Every operation looks the bucket up (NoSuchBucket), authorizes through
//! [`super::access::authorize`] (the one authorizer with the bucket policy, then ACLs and
//! Block Public Access), validates, and only then changes state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::object_ops::*;

use super::access::{self, CannedAcl, ObjectOwnership, PublicAccessBlockConfiguration};
use super::error::{S3Error, no_such_bucket};
use super::lifecycle::{self, LifecycleConfiguration, LifecycleRule};
use super::model::{self, Bucket, MAX_BUCKET_TAGS, MAX_BUCKETS_PER_ACCOUNT, MfaDeleteStatus, VersioningStatus, canonical_user_id};
use super::sse::EncryptionRule;
use crate::world::{AwsError, Call, ErrorCode, Principal, Timestamp, places};

/// A bucket that exists (NoSuchBucket otherwise).
pub fn bucket<'a>(c: &'a Call<'_>, name: &str) -> Result<&'a Bucket, AwsError> {
    c.w.s3.buckets.get(name).ok_or_else(|| no_such_bucket(name))
}

/// The bucket, for mutation after checks passed.
pub fn bucket_mut<'a>(c: &'a mut Call<'_>, name: &str) -> &'a mut Bucket {
    c.w.s3.buckets.get_mut(name).expect("bucket checked before mutation")
}

/// Looks the bucket up, records it in the audit event and authorizes `action` on it.
pub fn authorize_bucket(c: &mut Call<'_>, name: &str, action: &str) -> Result<(), AwsError> {
    let arn = format!("arn:aws:s3:::{name}");
    c.resource(&arn, "AWS::S3::Bucket");
    let b = bucket(c, name)?;
    access::authorize(c, b, action, &arn, None, &[])
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Empty {}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Owner {
    #[serde(rename = "ID")]
    pub id: String,
    pub display_name: String,
}

pub fn owner_of(account: &str) -> Owner {
    Owner { id: canonical_user_id(account), display_name: format!("account-{account}") }
}

// ---------------------------------------------------------------------------------------
// CreateBucket / DeleteBucket / HeadBucket / ListBuckets / GetBucketLocation

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateBucketConfiguration {
    #[serde(default)]
    pub location_constraint: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateBucketRequest {
    pub bucket: String,
    #[serde(default)]
    pub create_bucket_configuration: Option<CreateBucketConfiguration>,
    #[serde(rename = "ACL", default)]
    pub acl: Option<String>,
    #[serde(default)]
    pub object_ownership: Option<String>,
    #[serde(default)]
    pub object_lock_enabled_for_bucket: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucketResponse {
    pub location: String,
    #[serde(rename = "BucketArn")]
    pub bucket_arn: String,
}

/// CreateBucket: S3's naming rules, one global namespace, the 2023 defaults (Block Public
/// Access on, ACLs disabled, SSE-S3).
pub fn create_bucket(c: &mut Call<'_>, req: CreateBucketRequest) -> Result<CreateBucketResponse, AwsError> {
    let arn = format!("arn:aws:s3:::{}", req.bucket);
    c.resource(&arn, "AWS::S3::Bucket");
    c.authorize(crate::world::authz::Authz::new("s3:CreateBucket", &arn))?;
    model::validate_bucket_name(&req.bucket)?;
    let account = c.account();
    let endpoint = c.region();
    let constraint = req.create_bucket_configuration.as_ref().and_then(|b| b.location_constraint.clone());
    // "Configurations using the value EU will create a bucket in eu-west-1."
    let wanted = match constraint.as_deref() {
        Some("EU") => Some("eu-west-1"),
        Some(lc) => places::known_region(lc).filter(|r| *r != "us-east-1"),
        None => Some("us-east-1"),
    };
    // us-east-1 is the global endpoint (`s3.amazonaws.com`, where SDKs set to us-east-1 send
    // CreateBucket): it creates buckets in any region and refuses only invalid constraints. A
    // regional endpoint refuses every constraint but its own, invalid ones included.
    let region = match wanted {
        Some(r) if endpoint == "us-east-1" || r == endpoint => r.to_string(),
        _ if endpoint == "us-east-1" => {
            let lc = constraint.as_deref().unwrap_or_default();
            return Err(super::error::invalid_location_constraint(lc));
        }
        _ => {
            let lc = constraint.as_deref().unwrap_or("unspecified");
            return Err(S3Error::IllegalLocationConstraintException.err(format!(
                "The {lc} location constraint is incompatible for the region specific endpoint this request was sent to."
            )));
        }
    };
    if let Some(existing) = c.w.s3.buckets.get(&req.bucket) {
        if existing.owner != account {
            return Err(S3Error::BucketAlreadyExists.err(
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            ));
        }
        if existing.region == "us-east-1" && region == "us-east-1" {
            // Legacy us-east-1 behaviour: 200 OK, ACL reset.
            let b = bucket_mut(c, &req.bucket);
            b.acl = CannedAcl::Private;
            return Ok(CreateBucketResponse { location: format!("/{}", req.bucket), bucket_arn: arn });
        }
        return Err(S3Error::BucketAlreadyOwnedByYou.err("Your previous request to create the named bucket succeeded and you already own it."));
    }
    let owned = c.w.s3.buckets.values().filter(|b| b.owner == account).count();
    if owned >= MAX_BUCKETS_PER_ACCOUNT {
        return Err(S3Error::TooManyBuckets.err(format!("You have attempted to create more buckets than allowed ({MAX_BUCKETS_PER_ACCOUNT})")));
    }
    let ownership = req.object_ownership.as_deref().map(ObjectOwnership::parse).transpose()?.unwrap_or_default();
    let acl = req.acl.as_deref().map(CannedAcl::parse).transpose()?.unwrap_or_default();
    if acl != CannedAcl::Private && ownership == ObjectOwnership::BucketOwnerEnforced {
        return Err(S3Error::InvalidBucketAclWithObjectOwnership.err("Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"));
    }
    if acl.is_public() {
        // New buckets have every Block Public Access setting on.
        return Err(access::blocked_by_bpa(c, "s3:PutBucketAcl", &arn, "BlockPublicAcls", "ACLs"));
    }
    // "When you create a bucket with Object Lock enabled, Amazon S3 automatically enables
    // versioning for the bucket."
    let object_lock = (req.object_lock_enabled_for_bucket == Some(true)).then(super::object_lock::ObjectLockConfiguration::enabled);
    let root = c.rng().bytes(32);
    let b = Bucket {
        name: req.bucket.clone(),
        owner: account,
        region: region.clone(),
        eu_constraint: constraint.as_deref() == Some("EU"),
        creation_date: c.now(),
        tags: BTreeMap::new(),
        versioning: object_lock.as_ref().map(|_| VersioningStatus::Enabled),
        mfa_delete: None,
        policy: None,
        public_access_block: Some(PublicAccessBlockConfiguration::ALL),
        ownership: Some(ownership),
        acl,
        encryption: EncryptionRule::for_new_bucket(c.now()),
        lifecycle: None,
        objects: BTreeMap::new(),
        uploads: BTreeMap::new(),
        sse_s3_root: root,
        object_lock,
        replication: None,
        website: None,
        notifications: None,
        logging: None,
        seq: 0,
    };
    c.w.s3.buckets.insert(req.bucket.clone(), b);
    let location = if region == "us-east-1" { format!("/{}", req.bucket) } else { format!("http://{}.s3.amazonaws.com/", req.bucket) };
    Ok(CreateBucketResponse { location, bucket_arn: arn })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct BucketRequest {
    pub bucket: String,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

fn check_expected_owner(c: &Call<'_>, req: &BucketRequest) -> Result<(), AwsError> {
    if let Some(o) = &req.expected_bucket_owner
        && bucket(c, &req.bucket)?.owner != *o {
            return Err(super::error::access_denied());
        }
    Ok(())
}

/// DeleteBucket: only empty buckets (no versions, no delete markers).
pub fn delete_bucket(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:DeleteBucket")?;
    check_expected_owner(c, &req)?;
    if !bucket(c, &req.bucket)?.is_empty() {
        return Err(S3Error::BucketNotEmpty.err("The bucket you tried to delete is not empty.").detail("BucketName", &req.bucket));
    }
    c.w.s3.buckets.remove(&req.bucket);
    let prefix = format!("{}|", req.bucket);
    c.w.s3.bucket_keys.retain(|k, _| !k.starts_with(&prefix));
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HeadBucketResponse {
    pub bucket_region: String,
    pub bucket_arn: String,
    pub access_point_alias: bool,
}

/// HeadBucket: the bucket's region, or a bare status (`NotFound`, `Forbidden`; [`head_error`]).
pub fn head_bucket(c: &mut Call<'_>, req: BucketRequest) -> Result<HeadBucketResponse, AwsError> {
    let head = |c: &mut Call<'_>| {
        authorize_bucket(c, &req.bucket, "s3:ListBucket")?;
        check_expected_owner(c, &req)?;
        let b = bucket(c, &req.bucket)?;
        Ok(HeadBucketResponse { bucket_region: b.region.clone(), bucket_arn: b.arn(), access_point_alias: false })
    };
    head(c).map_err(head_error)
}

/// A HEAD response carries no error body, so an SDK sees only the status ([BOTO-MODEL]
/// HeadObject: "It's not possible to retrieve the exact exception of these error codes"):
/// the error becomes the status's name (`NotFound`, `Forbidden`, `BadRequest`,
/// `PreconditionFailed`, ...), with S3's own code kept in the message as a hint.
pub fn head_error(mut e: AwsError) -> AwsError {
    let (name, reason) = match e.status_code {
        304 => ("NotModified", "Not Modified"),
        400 => ("BadRequest", "Bad Request"),
        403 => ("Forbidden", "Forbidden"),
        404 => ("NotFound", "Not Found"),
        405 => ("MethodNotAllowed", "Method Not Allowed"),
        409 => ("Conflict", "Conflict"),
        412 => ("PreconditionFailed", "Precondition Failed"),
        416 => ("RequestedRangeNotSatisfiable", "Requested Range Not Satisfiable"),
        _ => return e,
    };
    // Nor the elements of that body (`<Key>`, `<Condition>`, ...).
    e.details.clear();
    if e.code == name && e.message.starts_with(reason) {
        return e; // mapped already
    }
    e.message = if e.code == name { reason.to_string() } else { format!("{reason} ({})", e.code) };
    e.code = name.to_string();
    e
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListBucketsRequest {
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub bucket_region: Option<String>,
    #[serde(default)]
    pub max_buckets: Option<i64>,
    #[serde(default)]
    pub continuation_token: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketSummary {
    pub name: String,
    pub creation_date: Timestamp,
    pub bucket_region: String,
    pub bucket_arn: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListBucketsResponse {
    pub buckets: Vec<BucketSummary>,
    pub owner: Owner,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
}

/// ListBuckets: the caller's account's buckets, by name.
pub fn list_buckets(c: &mut Call<'_>, req: ListBucketsRequest) -> Result<ListBucketsResponse, AwsError> {
    c.authorize(crate::world::authz::Authz::new("s3:ListAllMyBuckets", "*"))?;
    let account = c.account();
    let max = req.max_buckets.unwrap_or(10_000);
    if !(1..=10_000).contains(&max) {
        return Err(super::error::invalid_argument("MaxBuckets must be between 1 and 10000"));
    }
    let after = req.continuation_token.clone().unwrap_or_default();
    let mut buckets: Vec<BucketSummary> = c
        .w
        .s3
        .buckets
        .values()
        .filter(|b| b.owner == account && b.name > after)
        .filter(|b| req.prefix.as_deref().is_none_or(|p| b.name.starts_with(p)))
        .filter(|b| req.bucket_region.as_deref().is_none_or(|r| b.region == r))
        .map(|b| BucketSummary { name: b.name.clone(), creation_date: b.creation_date, bucket_region: b.region.clone(), bucket_arn: b.arn() })
        .collect();
    let token = if buckets.len() as i64 > max {
        buckets.truncate(max as usize);
        buckets.last().map(|b| b.name.clone())
    } else {
        None
    };
    Ok(ListBucketsResponse { buckets, owner: owner_of(&account), continuation_token: token, prefix: req.prefix })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketLocationResponse {
    /// `null` for us-east-1, as S3 reports it.
    pub location_constraint: Option<String>,
}

pub fn get_bucket_location(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketLocationResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketLocation")?;
    let b = bucket(c, &req.bucket)?;
    // "Buckets in Region us-east-1 have a LocationConstraint of null. Buckets with a
    // LocationConstraint of EU reside in eu-west-1."
    let location_constraint = match b.region.as_str() {
        "us-east-1" => None,
        _ if b.eu_constraint => Some("EU".to_string()),
        r => Some(r.to_string()),
    };
    Ok(GetBucketLocationResponse { location_constraint })
}

// ---------------------------------------------------------------------------------------
// Tagging

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagEntry {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tagging {
    pub tag_set: Vec<TagEntry>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketTaggingRequest {
    pub bucket: String,
    pub tagging: Tagging,
}

/// Checks a tag set: unique keys, key 1–128 and value 0–256 characters, no `aws:` prefix,
/// at most `max` tags.
pub fn validate_tags(tags: &[TagEntry], max: usize) -> Result<BTreeMap<String, String>, AwsError> {
    let invalid = |m: String| S3Error::InvalidTag.err(m);
    if tags.len() > max {
        return Err(S3Error::InvalidTag.err(format!("Object tags cannot be greater than {max}")));
    }
    let mut out = BTreeMap::new();
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 {
            return Err(invalid(format!("The TagKey you have provided is invalid: `{}`", t.key)));
        }
        if t.value.chars().count() > 256 {
            return Err(invalid(format!("The TagValue you have provided is invalid: `{}`", t.value)));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid(format!("Your TagKey cannot be prefixed with aws: `{}`", t.key)));
        }
        if out.insert(t.key.clone(), t.value.clone()).is_some() {
            return Err(invalid(format!("Cannot provide multiple Tags with the same key: `{}`", t.key)));
        }
    }
    Ok(out)
}

pub fn tag_set(tags: &BTreeMap<String, String>) -> Vec<TagEntry> {
    tags.iter().map(|(k, v)| TagEntry { key: k.clone(), value: v.clone() }).collect()
}

pub fn put_bucket_tagging(c: &mut Call<'_>, req: PutBucketTaggingRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketTagging")?;
    let tags = validate_tags(&req.tagging.tag_set, MAX_BUCKET_TAGS)?;
    bucket_mut(c, &req.bucket).tags = tags;
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTaggingResponse {
    pub tag_set: Vec<TagEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

pub fn get_bucket_tagging(c: &mut Call<'_>, req: BucketRequest) -> Result<GetTaggingResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketTagging")?;
    let b = bucket(c, &req.bucket)?;
    if b.tags.is_empty() {
        return Err(S3Error::NoSuchTagSet.err("The TagSet does not exist"));
    }
    Ok(GetTaggingResponse { tag_set: tag_set(&b.tags), version_id: None })
}

pub fn delete_bucket_tagging(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketTagging")?;
    bucket_mut(c, &req.bucket).tags.clear();
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Versioning

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VersioningConfiguration {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(rename = "MFADelete", default)]
    pub mfa_delete: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketVersioningRequest {
    pub bucket: String,
    pub versioning_configuration: VersioningConfiguration,
    /// `serial-number code` of the root user's MFA device (required to change MFA Delete).
    #[serde(rename = "MFA", default)]
    pub mfa: Option<String>,
}

/// PutBucketVersioning: Unversioned -> Enabled <-> Suspended, never back. MFA Delete can be
/// changed only by the bucket owner's root user with an MFA code, and is recorded.
pub fn put_bucket_versioning(c: &mut Call<'_>, req: PutBucketVersioningRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketVersioning")?;
    let malformed = |what: &str, v: &str| {
        S3Error::MalformedXML.err(format!(
            "The XML you provided was not well-formed or did not validate against our published schema: {what} `{v}` (expected Enabled or {})",
            if what == "Status" { "Suspended" } else { "Disabled" }
        ))
    };
    let status = match req.versioning_configuration.status.as_deref() {
        None => None,
        Some("Enabled") => Some(VersioningStatus::Enabled),
        Some("Suspended") => Some(VersioningStatus::Suspended),
        Some(o) => return Err(malformed("Status", o)),
    };
    let mfa_delete = match req.versioning_configuration.mfa_delete.as_deref() {
        None => None,
        Some("Enabled") => Some(MfaDeleteStatus::Enabled),
        Some("Disabled") => Some(MfaDeleteStatus::Disabled),
        Some(o) => return Err(malformed("MFADelete", o)),
    };
    let b = bucket(c, &req.bucket)?;
    if status == Some(VersioningStatus::Suspended) && b.versioning == Some(VersioningStatus::Enabled) {
        if super::object_lock::enabled(b) {
            return Err(S3Error::InvalidBucketState.err("An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."));
        }
        if b.replication.is_some() {
            return Err(S3Error::InvalidBucketState.err("A replication configuration is present on this bucket, so the versioning state cannot be changed."));
        }
    }
    let owner = b.owner.clone();
    if mfa_delete.is_some() {
        if !matches!(c.principal(), Principal::Root { account } if *account == owner) {
            return Err(S3Error::AccessDenied.err("Only the bucket owner's root user can change MFA Delete"));
        }
        if req.mfa.as_deref().is_none_or(|m| m.split_whitespace().count() != 2) {
            return Err(S3Error::AccessDenied.err("Mfa Authentication must be used for this request"));
        }
        if status.is_none() {
            return Err(S3Error::IllegalVersioningConfigurationException.err("The versioning configuration specified in the request is invalid: MFADelete needs a Status"));
        }
    }
    let b = bucket_mut(c, &req.bucket);
    if let Some(s) = status {
        b.versioning = Some(s);
    }
    if mfa_delete.is_some() {
        b.mfa_delete = mfa_delete;
    }
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketVersioningResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "MFADelete", skip_serializing_if = "Option::is_none")]
    pub mfa_delete: Option<String>,
}

/// GetBucketVersioning: no Status at all for a never-versioned bucket.
pub fn get_bucket_versioning(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketVersioningResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketVersioning")?;
    let b = bucket(c, &req.bucket)?;
    Ok(GetBucketVersioningResponse {
        status: b.versioning_status().map(str::to_string),
        mfa_delete: b.mfa_delete.map(|m| if m == MfaDeleteStatus::Enabled { "Enabled".into() } else { "Disabled".into() }),
    })
}

// ---------------------------------------------------------------------------------------
// Bucket policy

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketPolicyRequest {
    pub bucket: String,
    /// JSON text or a map.
    pub policy: Value,
    #[serde(default)]
    pub confirm_remove_self_bucket_access: Option<bool>,
}

/// The policy text of a parameter given as JSON text or as a map.
pub fn policy_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// PutBucketPolicy: validated (no groups as principals, resources in this bucket, S3
/// actions), refused when public and `BlockPublicPolicy` is in force.
pub fn put_bucket_policy(c: &mut Call<'_>, req: PutBucketPolicyRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketPolicy")?;
    let text = policy_text(&req.policy);
    let policy = access::validate_bucket_policy(&req.bucket, &text)?;
    let b = bucket(c, &req.bucket)?;
    if access::effective_bpa(c, b).block_public_policy && access::policy_is_public(&policy.to_json()) {
        let arn = b.arn();
        return Err(access::blocked_by_bpa(c, "s3:PutBucketPolicy", &arn, "BlockPublicPolicy", "policies"));
    }
    let _ = req.confirm_remove_self_bucket_access;
    bucket_mut(c, &req.bucket).policy = Some(policy);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketPolicyResponse {
    pub policy: String,
}

pub fn get_bucket_policy(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketPolicyResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketPolicy")?;
    match &bucket(c, &req.bucket)?.policy {
        Some(p) => Ok(GetBucketPolicyResponse { policy: p.text().to_string() }),
        None => Err(S3Error::NoSuchBucketPolicy.err("The bucket policy does not exist")),
    }
}

pub fn delete_bucket_policy(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:DeleteBucketPolicy")?;
    bucket_mut(c, &req.bucket).policy = None;
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyStatus {
    pub is_public: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketPolicyStatusResponse {
    pub policy_status: PolicyStatus,
}

/// GetBucketPolicyStatus: whether the bucket policy is public (see [`access`]).
pub fn get_bucket_policy_status(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketPolicyStatusResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketPolicyStatus")?;
    match &bucket(c, &req.bucket)?.policy {
        Some(p) => Ok(GetBucketPolicyStatusResponse { policy_status: PolicyStatus { is_public: access::policy_is_public(&p.to_json()) } }),
        None => Err(S3Error::NoSuchBucketPolicy.err("The bucket policy does not exist")),
    }
}

// ---------------------------------------------------------------------------------------
// Block Public Access (bucket and account), Object Ownership, ACLs

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutPublicAccessBlockRequest {
    pub bucket: String,
    pub public_access_block_configuration: PublicAccessBlockConfiguration,
}

pub fn put_public_access_block(c: &mut Call<'_>, req: PutPublicAccessBlockRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketPublicAccessBlock")?;
    bucket_mut(c, &req.bucket).public_access_block = Some(req.public_access_block_configuration);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPublicAccessBlockResponse {
    pub public_access_block_configuration: PublicAccessBlockConfiguration,
}

fn no_bpa() -> AwsError {
    S3Error::NoSuchPublicAccessBlockConfiguration.err("The public access block configuration was not found")
}

pub fn get_public_access_block(c: &mut Call<'_>, req: BucketRequest) -> Result<GetPublicAccessBlockResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketPublicAccessBlock")?;
    let cfg = bucket(c, &req.bucket)?.public_access_block.ok_or_else(no_bpa)?;
    Ok(GetPublicAccessBlockResponse { public_access_block_configuration: cfg })
}

pub fn delete_public_access_block(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketPublicAccessBlock")?;
    bucket_mut(c, &req.bucket).public_access_block = None;
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutAccountPublicAccessBlockRequest {
    pub account_id: String,
    pub public_access_block_configuration: PublicAccessBlockConfiguration,
}

/// S3 Control PutPublicAccessBlock: account-wide settings, OR'ed with every bucket's.
pub fn put_account_public_access_block(c: &mut Call<'_>, req: PutAccountPublicAccessBlockRequest) -> Result<Empty, AwsError> {
    c.authorize(crate::world::authz::Authz::new("s3:PutAccountPublicAccessBlock", "*").owner(&req.account_id))?;
    if !places::is_account_id(&req.account_id) {
        return Err(super::error::invalid_argument(format!("`{}` is not a 12-digit account id", req.account_id)));
    }
    if c.account() != req.account_id {
        return Err(super::error::access_denied());
    }
    c.w.s3.account_public_access_block.insert(req.account_id, req.public_access_block_configuration);
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccountRequest {
    pub account_id: String,
}

pub fn get_account_public_access_block(c: &mut Call<'_>, req: AccountRequest) -> Result<GetPublicAccessBlockResponse, AwsError> {
    c.authorize(crate::world::authz::Authz::new("s3:GetAccountPublicAccessBlock", "*").owner(&req.account_id))?;
    let cfg = c.w.s3.account_public_access_block.get(&req.account_id).copied().ok_or_else(no_bpa)?;
    Ok(GetPublicAccessBlockResponse { public_access_block_configuration: cfg })
}

pub fn delete_account_public_access_block(c: &mut Call<'_>, req: AccountRequest) -> Result<Empty, AwsError> {
    c.authorize(crate::world::authz::Authz::new("s3:PutAccountPublicAccessBlock", "*").owner(&req.account_id))?;
    c.w.s3.account_public_access_block.remove(&req.account_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OwnershipRule {
    pub object_ownership: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OwnershipControls {
    pub rules: Vec<OwnershipRule>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketOwnershipControlsRequest {
    pub bucket: String,
    pub ownership_controls: OwnershipControls,
}

pub fn put_bucket_ownership_controls(c: &mut Call<'_>, req: PutBucketOwnershipControlsRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketOwnershipControls")?;
    let [rule] = req.ownership_controls.rules.as_slice() else {
        return Err(S3Error::MalformedXML.err("The XML you provided was not well-formed or did not validate against our published schema: exactly one ownership rule"));
    };
    let o = ObjectOwnership::parse(&rule.object_ownership)?;
    bucket_mut(c, &req.bucket).ownership = Some(o);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketOwnershipControlsResponse {
    pub ownership_controls: OwnershipControls,
}

pub fn get_bucket_ownership_controls(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketOwnershipControlsResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketOwnershipControls")?;
    match bucket(c, &req.bucket)?.ownership {
        Some(o) => Ok(GetBucketOwnershipControlsResponse { ownership_controls: OwnershipControls { rules: vec![OwnershipRule { object_ownership: o.as_str().into() }] } }),
        None => Err(S3Error::OwnershipControlsNotFoundError.err("The bucket ownership controls were not found")),
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketAclRequest {
    pub bucket: String,
    #[serde(rename = "ACL")]
    pub acl: String,
}

/// The error S3 returns when ACLs are disabled (Object Ownership `BucketOwnerEnforced`).
pub fn acls_disabled() -> AwsError {
    S3Error::AccessControlListNotSupported.err("The bucket does not allow ACLs")
}

/// Checks an ACL a request wants to set: ACLs enabled, not public under `BlockPublicAcls`.
pub fn check_acl_allowed(c: &Call<'_>, b: &Bucket, acl: CannedAcl, action: &str, resource: &str) -> Result<(), AwsError> {
    if b.ownership.unwrap_or_default() == ObjectOwnership::BucketOwnerEnforced && acl != CannedAcl::BucketOwnerFullControl && acl != CannedAcl::Private {
        return Err(acls_disabled());
    }
    if acl.is_public() && access::effective_bpa(c, b).block_public_acls {
        return Err(access::blocked_by_bpa(c, action, resource, "BlockPublicAcls", "ACLs"));
    }
    Ok(())
}

pub fn put_bucket_acl(c: &mut Call<'_>, req: PutBucketAclRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketAcl")?;
    let acl = CannedAcl::parse(&req.acl)?;
    let b = bucket(c, &req.bucket)?;
    check_acl_allowed(c, b, acl, "s3:PutBucketAcl", &b.arn())?;
    bucket_mut(c, &req.bucket).acl = acl;
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAclResponse {
    pub owner: Owner,
    pub grants: Vec<Value>,
}

pub fn get_bucket_acl(c: &mut Call<'_>, req: BucketRequest) -> Result<GetAclResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketAcl")?;
    let b = bucket(c, &req.bucket)?;
    Ok(GetAclResponse { owner: owner_of(&b.owner), grants: b.acl.grants_json(&canonical_user_id(&b.owner)) })
}

// ---------------------------------------------------------------------------------------
// Default encryption

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ApplyServerSideEncryptionByDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: String,
    #[serde(rename = "KMSMasterKeyID", default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EncryptionRuleShape {
    pub apply_server_side_encryption_by_default: ApplyServerSideEncryptionByDefault,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_encryption_types: Option<BlockedEncryptionTypes>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct BlockedEncryptionTypes {
    /// `SSE-C` or `NONE`.
    #[serde(default)]
    pub encryption_type: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ServerSideEncryptionConfiguration {
    pub rules: Vec<EncryptionRuleShape>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketEncryptionRequest {
    pub bucket: String,
    pub server_side_encryption_configuration: ServerSideEncryptionConfiguration,
}

/// PutBucketEncryption: the bucket's default (SSE-S3, SSE-KMS with or without a Bucket Key,
/// DSSE-KMS).
pub fn put_bucket_encryption(c: &mut Call<'_>, req: PutBucketEncryptionRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutEncryptionConfiguration")?;
    let [rule] = req.server_side_encryption_configuration.rules.as_slice() else {
        return Err(S3Error::MalformedXML.err("The XML you provided was not well-formed or did not validate against our published schema: exactly one encryption rule"));
    };
    let d = &rule.apply_server_side_encryption_by_default;
    match d.sse_algorithm.as_str() {
        "AES256" => {
            if d.kms_master_key_id.is_some() {
                return Err(super::error::invalid_argument("a KMSMasterKeyID is allowed only when SSEAlgorithm is aws:kms or aws:kms:dsse"));
            }
        }
        "aws:kms" | "aws:kms:dsse" => {}
        o => return Err(S3Error::MalformedXML.err(format!("The XML you provided was not well-formed or did not validate against our published schema: SSEAlgorithm `{o}` (expected AES256, aws:kms or aws:kms:dsse)"))),
    }
    let blocked = rule.blocked_encryption_types.as_ref().map(|b| b.encryption_type.clone());
    if let Some(t) = blocked.iter().flatten().find(|t| !matches!(t.as_str(), "SSE-C" | "NONE")) {
        return Err(S3Error::MalformedXML.err(format!("The XML you provided was not well-formed or did not validate against our published schema: EncryptionType `{t}` (expected SSE-C or NONE)")));
    }
    let b = bucket_mut(c, &req.bucket);
    // A rule without BlockedEncryptionTypes leaves the bucket's setting as it was.
    let blocked_encryption_types = blocked.or_else(|| b.encryption.blocked_encryption_types.clone());
    b.encryption = EncryptionRule {
        algorithm: d.sse_algorithm.clone(),
        kms_key_id: d.kms_master_key_id.clone(),
        bucket_key_enabled: rule.bucket_key_enabled.unwrap_or(false),
        blocked_encryption_types,
    };
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketEncryptionResponse {
    pub server_side_encryption_configuration: ServerSideEncryptionConfiguration,
}

pub fn get_bucket_encryption(c: &mut Call<'_>, req: BucketRequest) -> Result<GetBucketEncryptionResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetEncryptionConfiguration")?;
    let e = bucket(c, &req.bucket)?.encryption.clone();
    Ok(GetBucketEncryptionResponse {
        server_side_encryption_configuration: ServerSideEncryptionConfiguration {
            rules: vec![EncryptionRuleShape {
                apply_server_side_encryption_by_default: ApplyServerSideEncryptionByDefault { sse_algorithm: e.algorithm, kms_master_key_id: e.kms_key_id },
                bucket_key_enabled: Some(e.bucket_key_enabled),
                blocked_encryption_types: e.blocked_encryption_types.map(|t| BlockedEncryptionTypes { encryption_type: t }),
            }],
        },
    })
}

/// DeleteBucketEncryption: back to the SSE-S3 default (buckets are never unencrypted); an SSE-C
/// block stays.
pub fn delete_bucket_encryption(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutEncryptionConfiguration")?;
    let b = bucket_mut(c, &req.bucket);
    b.encryption = EncryptionRule { blocked_encryption_types: b.encryption.blocked_encryption_types.take(), ..EncryptionRule::default() };
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Lifecycle

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LifecycleRules {
    pub rules: Vec<LifecycleRule>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketLifecycleConfigurationRequest {
    pub bucket: String,
    pub lifecycle_configuration: LifecycleRules,
    #[serde(default)]
    pub transition_default_minimum_object_size: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketLifecycleConfigurationResponse {
    pub transition_default_minimum_object_size: String,
}

/// PutBucketLifecycleConfiguration: validated, then run daily at midnight UTC by the clock.
pub fn put_bucket_lifecycle_configuration(
    c: &mut Call<'_>,
    req: PutBucketLifecycleConfigurationRequest,
) -> Result<PutBucketLifecycleConfigurationResponse, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutLifecycleConfiguration")?;
    let cfg = LifecycleConfiguration { rules: req.lifecycle_configuration.rules, transition_default_minimum_object_size: req.transition_default_minimum_object_size };
    lifecycle::validate(&cfg)?;
    let min = cfg.transition_default_minimum_object_size.clone().unwrap_or_else(|| "all_storage_classes_128K".into());
    bucket_mut(c, &req.bucket).lifecycle = Some(cfg);
    Ok(PutBucketLifecycleConfigurationResponse { transition_default_minimum_object_size: min })
}

pub fn get_bucket_lifecycle_configuration(c: &mut Call<'_>, req: BucketRequest) -> Result<LifecycleConfiguration, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetLifecycleConfiguration")?;
    bucket(c, &req.bucket)?
        .lifecycle
        .clone()
        .map(|mut l| {
            l.transition_default_minimum_object_size.get_or_insert_with(|| "all_storage_classes_128K".into());
            l
        })
        .ok_or_else(|| S3Error::NoSuchLifecycleConfiguration.err("The lifecycle configuration does not exist"))
}

pub fn delete_bucket_lifecycle(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutLifecycleConfiguration")?;
    bucket_mut(c, &req.bucket).lifecycle = None;
    Ok(Empty {})
}
