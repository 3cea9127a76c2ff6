//! S3 access points: named network endpoints attached to one bucket, each with its own
//! policy, Block Public Access settings and network origin (S3 Control `CreateAccessPoint`,
//! `GetAccessPoint`, `ListAccessPoints`, `DeleteAccessPoint`, `Put/Get/DeleteAccessPointPolicy`,
//! `GetAccessPointPolicyStatus`), and requests made through them.
//!
//! Identity (S3 User Guide, "Referencing access points"): the ARN
//! `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME`, objects through it
//! `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY`, the virtual host
//! `NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com`, and a bucket-style alias
//! `[prefix]-[metadata]-s3alias`. AWS's examples (`my-access-point-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias`)
//! show 34 metadata characters: 29 random ones, the region's short code (`use1`) and a letter;
//! the simulator draws them from the world's seeded generator and shortens the prefix so that
//! the alias stays a valid (63-character) bucket name.
//!
//! Requests through an access point: the object operations listed in [`via`] accept an access
//! point ARN or alias in `Bucket`, as the SDKs do. [`through`] resolves it once into the bucket
//! and the access point (recorded on the call), and [`super::access::authorize`] — the one
//! decision path of every S3 request — then requires both:
//! 1. the access point: its network origin first (a VPC-only access point rejects requests
//!    that do not come from its VPC, before any policy), no anonymous callers, then the one
//!    authorizer with the caller's identity policies and the access point policy on the
//!    access point ARN (`.../accesspoint/NAME/object/KEY`, or the access point ARN itself
//!    for `s3:ListBucket`);
//! 2. the bucket: the usual decision on `arn:aws:s3:::bucket/KEY` with the keys
//!    `s3:DataAccessPointArn`, `s3:DataAccessPointAccount` and `s3:AccessPointNetworkOrigin`
//!    in the context, so that a bucket policy can delegate to access points
//!    (`StringEquals s3:DataAccessPointAccount = <owner account>`).
//!
//! Block Public Access in force for such a request is the access point's settings OR'ed with
//! the bucket's and the account's. An access point's settings are fixed at creation (all four
//! default to true); a VPC-only access point is never public.
//!
//! Simplified: Multi-Region Access Points, Object Lambda access points, access points for
//! directory buckets, access point tags and `Scope` are not modelled; presigned URLs and
//! `s3::request` address buckets only; object ACLs, Object Lock and
//! RestoreObject calls take bucket names only. S3 Control's error for an
//! unknown VPC id is not documented: the simulator answers `InvalidRequest`. An access point
//! for another account's bucket (`BucketAccountId`) is accepted, but its bucket side is decided
//! like a direct cross-account request (the caller's identity policies must allow the bucket's
//! resource too); the audit event's request parameters keep the `Bucket` as the caller gave it
//! (CloudTrail shows the bucket name and the access point host). A request goes to the access
//! point's Region whatever the caller's (the SDKs use the ARN's Region).
//! `AccountId` may be omitted in the script API (it defaults to the caller's account).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::access::{self, PublicAccessBlockConfiguration};
use super::error::{S3Error, access_denied, invalid_request, no_such_bucket};
use super::model::{Bucket, S3State};
use super::ops::{self, Empty, policy_text};
use crate::policy::{ContextValue, EvalDecision};
use crate::world::authz::{Authz, access_denied_message};
use crate::world::{AwsError, Call, ErrorCode, Principal, SimRng, Timestamp, places};

/// Access points per account per Region (S3 User Guide, "Access points restrictions and
/// limitations": "You can create a maximum of 10,000 access points per AWS account per Region").
pub const MAX_ACCESS_POINTS: usize = 10_000;
/// Random characters in an alias's metadata part (before the region code and a letter).
const ALIAS_RANDOM_LEN: usize = 29;

/// One access point.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessPoint {
    pub name: String,
    /// The account that owns the access point.
    pub account: String,
    pub region: String,
    pub bucket: String,
    /// The account that owns the bucket.
    pub bucket_account: String,
    /// Set for a VPC-only access point (network origin `VPC`).
    pub vpc_id: Option<String>,
    pub public_access_block: PublicAccessBlockConfiguration,
    pub policy: Option<crate::policy::Policy>,
    pub alias: String,
    pub creation_date: Timestamp,
}

impl AccessPoint {
    pub fn arn_of(region: &str, account: &str, name: &str) -> String {
        format!("arn:aws:s3:{region}:{account}:accesspoint/{name}")
    }

    pub fn arn(&self) -> String {
        Self::arn_of(&self.region, &self.account, &self.name)
    }

    /// `Internet` or `VPC`.
    pub fn network_origin(&self) -> &'static str {
        if self.vpc_id.is_some() { "VPC" } else { "Internet" }
    }

    /// The virtual-hosted endpoint requests through this access point are sent to.
    pub fn host(&self) -> String {
        format!("{}-{}.s3-accesspoint.{}.amazonaws.com", self.name, self.account, self.region)
    }

    /// The resource a request names through this access point, for the resource it names on
    /// the bucket: `arn:aws:s3:::bucket/KEY` -> `<access point ARN>/object/KEY`, the bucket
    /// itself -> the access point ARN.
    pub fn resource_for(&self, bucket_resource: &str) -> String {
        let object_prefix = format!("arn:aws:s3:::{}/", self.bucket);
        match bucket_resource.strip_prefix(&object_prefix) {
            Some(key) => format!("{}/object/{key}", self.arn()),
            None => self.arn(),
        }
    }

    /// Adds the condition keys S3 sets for requests through an access point.
    pub fn condition_keys<'a>(&self, req: Authz<'a>) -> Authz<'a> {
        req.ctx_str("s3:DataAccessPointArn", self.arn())
            .ctx_str("s3:DataAccessPointAccount", self.account.clone())
            .ctx_str("s3:AccessPointNetworkOrigin", self.network_origin())
    }

    /// Whether the access point policy is public ("An access point that has a VPC network
    /// origin is always considered non-public, regardless of the contents of its access point
    /// policy").
    pub fn is_public(&self) -> bool {
        self.vpc_id.is_none() && self.policy.as_ref().is_some_and(|p| access::access_point_policy_is_public(&p.to_json()))
    }
}

fn no_such_access_point(name: &str) -> AwsError {
    S3Error::NoSuchAccessPoint.err("The specified accesspoint does not exist").detail("AccessPointName", name)
}

/// The naming rules (S3 User Guide, "Rules for naming Amazon S3 access points"): 3–50
/// characters, lowercase letters, digits and hyphens, beginning with a letter or digit, not
/// ending with a hyphen or `-s3alias`; like bucket names, no `xn--` prefix.
pub fn validate_name(name: &str) -> Result<(), AwsError> {
    if !(3..=50).contains(&name.len()) || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(S3Error::InvalidURI.err(format!("Couldn't parse the specified URI: access point name `{name}`")));
    }
    if name.starts_with('-') || name.ends_with('-') || name.ends_with("-s3alias") || name.starts_with("xn--") {
        return Err(invalid_request(format!("Your Amazon S3 AccessPoint name is invalid: `{name}`")));
    }
    Ok(())
}

/// A region's short code as aliases show it: `us-east-1` -> `use1`, `ap-southeast-2` -> `apse2`,
/// `eu-north-1` -> `eun1`.
fn region_code(region: &str) -> String {
    let mut parts = region.split('-');
    let mut out = parts.next().unwrap_or_default().to_string();
    for p in parts {
        let compound = ["north", "south"].iter().find_map(|d| p.strip_prefix(d).map(|rest| (&d[..1], rest)));
        match compound {
            _ if p.bytes().all(|b| b.is_ascii_digit()) => out.push_str(p),
            Some((d, rest)) => {
                out.push_str(d);
                out.push_str(&rest[..rest.len().min(1)]);
            }
            None => out.push_str(&p[..p.len().min(1)]),
        }
    }
    out
}

/// A new alias `[prefix]-[29 random][region code][letter]-s3alias`, at most 63 characters.
fn new_alias(rng: &mut SimRng, name: &str, region: &str) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut meta: String = (0..ALIAS_RANDOM_LEN).map(|_| CHARS[rng.below(36) as usize] as char).collect();
    meta.push_str(&region_code(region));
    meta.push(CHARS[rng.below(26) as usize] as char);
    let room = 63 - "-s3alias".len() - 1 - meta.len();
    let prefix = name[..name.len().min(room)].trim_end_matches('-');
    format!("{prefix}-{meta}-s3alias")
}

// ---------------------------------------------------------------------------------------
// Requests through an access point

/// The access point the current call goes through, if any.
pub fn in_use<'a>(c: &'a Call<'_>) -> Option<&'a AccessPoint> {
    c.access_point.as_ref().and_then(|arn| c.w.s3.access_points.get(arn))
}

/// What a `Bucket` parameter names: `Some(access point ARN)` for an access point ARN or alias,
/// `None` for a bucket name (left to the operation).
pub fn resolve(s3: &S3State, bucket_param: &str) -> Result<Option<String>, AwsError> {
    if bucket_param.starts_with("arn:") && bucket_param.contains(":accesspoint/") {
        return match s3.access_points.contains_key(bucket_param) {
            true => Ok(Some(bucket_param.to_string())),
            false => Err(no_such_access_point(bucket_param.rsplit('/').next().unwrap_or(bucket_param))),
        };
    }
    if bucket_param.ends_with("-s3alias") {
        // Aliases live in the bucket namespace: an unknown one is an unknown bucket.
        return s3.access_points.iter().find(|(_, ap)| ap.alias == bucket_param).map(|(arn, _)| Some(arn.clone())).ok_or_else(|| no_such_bucket(bucket_param));
    }
    Ok(None)
}

/// A request whose `Bucket` may name an access point.
pub trait BucketParam {
    fn bucket_param(&mut self) -> &mut String;
}

/// Runs object operation `f`, first resolving an access point ARN or alias in `Bucket` into
/// the bucket and recording the access point on the call (and in its audit event, as
/// CloudTrail lists the access point among the resources).
pub fn through<Req: BucketParam, Resp>(c: &mut Call<'_>, mut req: Req, f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>) -> Result<Resp, AwsError> {
    let Some(arn) = resolve(&c.w.s3, req.bucket_param())? else { return f(c, req) };
    *req.bucket_param() = c.w.s3.access_points[&arn].bucket.clone();
    c.access_point = Some(arn.clone());
    let result = f(c, req);
    c.resource(&arn, "AWS::S3::AccessPoint");
    result
}

/// The access point side of a request through `ap` (step 1 of the module docs); the bucket
/// side follows in [`access::authorize`].
pub(super) fn authorize_through(
    c: &Call<'_>,
    ap: &AccessPoint,
    bucket: &Bucket,
    action: &str,
    resource: &str,
    ctx: &[(Cow<'static, str>, ContextValue)],
) -> Result<(), AwsError> {
    let ap_resource = ap.resource_for(resource);
    let principal = &c.caller.principal;
    // "Amazon S3 rejects any request made to the access point that doesn't originate from
    // that VPC" — before any policy is evaluated, as an explicit deny.
    if let Some(vpc) = &ap.vpc_id
        && c.caller.source_vpc.as_deref() != Some(vpc.as_str())
    {
        return Err(S3Error::AccessDenied.err(format!(
            "User: {} is not authorized to perform: {action} on resource: {ap_resource} with an explicit deny in a resource-based policy",
            principal.display_name()
        )));
    }
    // "Access points don't support anonymous access."
    if matches!(principal, Principal::Anonymous) {
        return Err(access_denied());
    }
    let bpa = access::effective_bpa(c, bucket);
    let insider = principal.account() == Some(ap.account.as_str()) || matches!(principal, Principal::Service { .. });
    let filtered;
    let policy = match &ap.policy {
        Some(p) if bpa.restrict_public_buckets && !insider && ap.is_public() => {
            filtered = access::without_public_statements(p, true);
            filtered.as_ref()
        }
        other => other.as_ref(),
    };
    let mut req = Authz::new(action, &ap_resource).policy(policy, "access-point-policy").owner(&ap.account);
    for (k, v) in ctx {
        req = req.ctx(k.clone(), v.clone());
    }
    let d = c.decide(&ap.condition_keys(req));
    match d.decision {
        EvalDecision::Allowed => Ok(()),
        _ => Err(S3Error::AccessDenied.err(access_denied_message(principal, action, &ap_resource, &d))),
    }
}

macro_rules! bucket_params {
    ($($req:ty),* $(,)?) => {
        $(impl BucketParam for $req {
            fn bucket_param(&mut self) -> &mut String {
                &mut self.bucket
            }
        })*
    };
}

bucket_params!(
    ops::GetObjectRequest,
    ops::PutObjectRequest,
    ops::DeleteObjectRequest,
    ops::DeleteObjectsRequest,
    ops::CopyObjectRequest,
    ops::ListObjectsRequest,
    ops::ListObjectsV2Request,
    ops::ListObjectVersionsRequest,
    ops::ObjectRequest,
    ops::PutObjectTaggingRequest,
    ops::CreateMultipartUploadRequest,
    ops::UploadPartRequest,
    ops::CompleteMultipartUploadRequest,
    ops::UploadRequest,
);

macro_rules! via_ops {
    ($($op:ident($req:ty) -> $resp:ty;)*) => {
        $(
            pub fn $op(c: &mut Call<'_>, req: $req) -> Result<$resp, AwsError> {
                through(c, req, ops::$op)
            }
        )*
    };
}

/// The object operations that accept an access point ARN or alias in `Bucket` (the script
/// API registers these).
pub mod via {
    use super::*;

    via_ops! {
        get_object(ops::GetObjectRequest) -> ops::GetObjectResponse;
        head_object(ops::GetObjectRequest) -> ops::GetObjectResponse;
        put_object(ops::PutObjectRequest) -> ops::PutObjectResponse;
        delete_object(ops::DeleteObjectRequest) -> ops::DeleteObjectResponse;
        delete_objects(ops::DeleteObjectsRequest) -> ops::DeleteObjectsResponse;
        list_objects(ops::ListObjectsRequest) -> ops::ListObjectsResponse;
        list_objects_v2(ops::ListObjectsV2Request) -> ops::ListObjectsV2Response;
        list_object_versions(ops::ListObjectVersionsRequest) -> ops::ListObjectVersionsResponse;
        get_object_tagging(ops::ObjectRequest) -> ops::GetTaggingResponse;
        put_object_tagging(ops::PutObjectTaggingRequest) -> ops::GetTaggingResponse;
        delete_object_tagging(ops::ObjectRequest) -> ops::GetTaggingResponse;
        create_multipart_upload(ops::CreateMultipartUploadRequest) -> ops::CreateMultipartUploadResponse;
        upload_part(ops::UploadPartRequest) -> ops::UploadPartResponse;
        complete_multipart_upload(ops::CompleteMultipartUploadRequest) -> ops::CompleteMultipartUploadResponse;
        abort_multipart_upload(ops::UploadRequest) -> Empty;
        list_parts(ops::UploadRequest) -> ops::ListPartsResponse;
    }

    /// CopyObject with access points on either side: `Bucket` as above, and a `CopySource`
    /// naming the object through an access point — `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/KEY`
    /// (the CopyObject API Reference's form) or `ALIAS/KEY` — which is read through that
    /// access point.
    pub fn copy_object(c: &mut Call<'_>, mut req: ops::CopyObjectRequest) -> Result<ops::CopyObjectResponse, AwsError> {
        let source = req.copy_source.strip_prefix('/').unwrap_or(&req.copy_source).to_string();
        let split = match source.find("/object/") {
            Some(i) if source.starts_with("arn:") => Some((&source[..i], &source[i + "/object/".len()..])),
            _ => source.split_once('/'),
        };
        let Some((head, rest)) = split else { return through(c, req, ops::copy_object) };
        let source_ap = resolve(&c.w.s3, head)?;
        if let Some(arn) = &source_ap {
            req.copy_source = format!("{}/{rest}", c.w.s3.access_points[arn].bucket);
            req.copy_source_access_point = Some(arn.clone());
        }
        let result = through(c, req, ops::copy_object);
        if let Some(arn) = source_ap {
            c.resource(&arn, "AWS::S3::AccessPoint");
        }
        result
    }
}

// ---------------------------------------------------------------------------------------
// S3 Control operations

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VpcConfiguration {
    pub vpc_id: String,
}

/// Block Public Access settings as CreateAccessPoint takes them: each one omitted is `true`.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessPointPublicAccessBlock {
    #[serde(default)]
    pub block_public_acls: Option<bool>,
    #[serde(default)]
    pub ignore_public_acls: Option<bool>,
    #[serde(default)]
    pub block_public_policy: Option<bool>,
    #[serde(default)]
    pub restrict_public_buckets: Option<bool>,
}

impl AccessPointPublicAccessBlock {
    fn settings(self) -> PublicAccessBlockConfiguration {
        PublicAccessBlockConfiguration {
            block_public_acls: self.block_public_acls.unwrap_or(true),
            ignore_public_acls: self.ignore_public_acls.unwrap_or(true),
            block_public_policy: self.block_public_policy.unwrap_or(true),
            restrict_public_buckets: self.restrict_public_buckets.unwrap_or(true),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateAccessPointRequest {
    #[serde(default)]
    pub account_id: Option<String>,
    pub name: String,
    pub bucket: String,
    #[serde(default)]
    pub bucket_account_id: Option<String>,
    #[serde(default)]
    pub vpc_configuration: Option<VpcConfiguration>,
    #[serde(default)]
    pub public_access_block_configuration: Option<AccessPointPublicAccessBlock>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessPointResponse {
    pub access_point_arn: String,
    pub alias: String,
}

/// The account an S3 Control request addresses (the caller's when omitted) and the access
/// point's ARN, recorded in the audit event.
fn target(c: &mut Call<'_>, account_id: &Option<String>, name: &str) -> (String, String) {
    let account = account_id.clone().unwrap_or_else(|| c.account());
    let arn = AccessPoint::arn_of(&c.region(), &account, name);
    c.resource(&arn, "AWS::S3::AccessPoint");
    (account, arn)
}

/// "APIs that control access point functionality ... don't support cross-account calls."
fn same_account(c: &Call<'_>, account: &str) -> Result<(), AwsError> {
    if !places::is_account_id(account) {
        return Err(super::error::invalid_argument(format!("`{account}` is not a 12-digit account id")));
    }
    if c.account() != account {
        return Err(access_denied());
    }
    Ok(())
}

/// CreateAccessPoint: a named access point on an existing bucket of the same Region, with an
/// optional VPC restriction and Block Public Access settings (all on by default).
pub fn create_access_point(c: &mut Call<'_>, req: CreateAccessPointRequest) -> Result<CreateAccessPointResponse, AwsError> {
    let (account, arn) = target(c, &req.account_id, &req.name);
    let origin = if req.vpc_configuration.is_some() { "VPC" } else { "Internet" };
    c.authorize(
        Authz::new("s3:CreateAccessPoint", &arn)
            .owner(&account)
            .ctx_str("s3:AccessPointNetworkOrigin", origin)
            .ctx_str("s3:DataAccessPointAccount", account.clone())
            .ctx_str("s3:DataAccessPointArn", arn.clone()),
    )?;
    same_account(c, &account)?;
    validate_name(&req.name)?;
    let region = c.region();
    if let Some(v) = &req.vpc_configuration
        && !crate::vpc::vpc_exists(c.w, &account, &region, &v.vpc_id)
    {
        return Err(invalid_request(format!("The VPC `{}` does not exist in account {account} in {region}", v.vpc_id)));
    }
    let b = c.w.s3.buckets.get(&req.bucket).ok_or_else(|| invalid_request(format!("Amazon S3 AccessPoint can only be created for existing bucket: `{}`", req.bucket)))?;
    if b.region != region {
        return Err(invalid_request(format!("Amazon S3 AccessPoint can only be created for bucket in the same region: `{}` is in {}", req.bucket, b.region)));
    }
    let bucket_account = req.bucket_account_id.clone().unwrap_or_else(|| account.clone());
    if b.owner != bucket_account {
        return Err(invalid_request("BucketAccountId parameter should be same as the AWS Account Id of bucket owner"));
    }
    if c.w.s3.access_points.contains_key(&arn) {
        return Err(S3Error::AccessPointAlreadyOwnedByYou.err("Your previous request to create the named accesspoint succeeded and you already own it."));
    }
    let count = c.w.s3.access_points.values().filter(|ap| ap.account == account && ap.region == region).count();
    if count >= MAX_ACCESS_POINTS {
        return Err(S3Error::TooManyAccessPoints.err(format!("You have attempted to create more access points than allowed ({MAX_ACCESS_POINTS} per account per Region)")));
    }
    let alias = loop {
        let a = new_alias(c.rng(), &req.name, &region);
        if !c.w.s3.buckets.contains_key(&a) && !c.w.s3.access_points.values().any(|ap| ap.alias == a) {
            break a;
        }
    };
    let ap = AccessPoint {
        name: req.name.clone(),
        account,
        region,
        bucket: req.bucket.clone(),
        bucket_account,
        vpc_id: req.vpc_configuration.map(|v| v.vpc_id),
        public_access_block: req.public_access_block_configuration.unwrap_or_default().settings(),
        policy: None,
        alias: alias.clone(),
        creation_date: c.now(),
    };
    c.w.s3.access_points.insert(arn.clone(), ap);
    Ok(CreateAccessPointResponse { access_point_arn: arn, alias })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessPointRequest {
    #[serde(default)]
    pub account_id: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessPointResponse {
    pub name: String,
    pub bucket: String,
    pub network_origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_configuration: Option<VpcConfiguration>,
    pub public_access_block_configuration: PublicAccessBlockConfiguration,
    pub creation_date: Timestamp,
    pub alias: String,
    pub access_point_arn: String,
    /// `ipv4`, `fips`, `dualstack`, `fips_dualstack`: the regional access point endpoints.
    pub endpoints: BTreeMap<String, String>,
    pub bucket_account_id: String,
}

/// Authorizes an S3 Control action on an existing access point of the caller's account.
fn authorize_on<'a>(c: &'a mut Call<'_>, req: &AccessPointRequest, action: &str) -> Result<&'a AccessPoint, AwsError> {
    let (account, arn) = target(c, &req.account_id, &req.name);
    let policy = c.w.s3.access_points.get(&arn).and_then(|ap| ap.policy.clone());
    c.authorize(Authz::new(action, &arn).policy(policy.as_ref(), "access-point-policy").owner(&account))?;
    same_account(c, &account)?;
    c.w.s3.access_points.get(&arn).ok_or_else(|| no_such_access_point(&req.name))
}

/// GetAccessPoint: the configuration, ARN, alias and endpoints.
pub fn get_access_point(c: &mut Call<'_>, req: AccessPointRequest) -> Result<GetAccessPointResponse, AwsError> {
    let ap = authorize_on(c, &req, "s3:GetAccessPoint")?;
    let endpoint = |prefix: &str| format!("{prefix}.{}.amazonaws.com", ap.region);
    let endpoints = [
        ("ipv4", endpoint("s3-accesspoint")),
        ("fips", endpoint("s3-accesspoint-fips")),
        ("dualstack", endpoint("s3-accesspoint.dualstack")),
        ("fips_dualstack", endpoint("s3-accesspoint-fips.dualstack")),
    ];
    Ok(GetAccessPointResponse {
        name: ap.name.clone(),
        bucket: ap.bucket.clone(),
        network_origin: ap.network_origin().into(),
        vpc_configuration: ap.vpc_id.clone().map(|vpc_id| VpcConfiguration { vpc_id }),
        public_access_block_configuration: ap.public_access_block,
        creation_date: ap.creation_date,
        alias: ap.alias.clone(),
        access_point_arn: ap.arn(),
        endpoints: endpoints.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        bucket_account_id: ap.bucket_account.clone(),
    })
}

/// DeleteAccessPoint.
pub fn delete_access_point(c: &mut Call<'_>, req: AccessPointRequest) -> Result<Empty, AwsError> {
    let arn = authorize_on(c, &req, "s3:DeleteAccessPoint")?.arn();
    c.w.s3.access_points.remove(&arn);
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListAccessPointsRequest {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub bucket: Option<String>,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

/// One row of ListAccessPoints.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessPointSummary {
    pub name: String,
    pub network_origin: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_configuration: Option<VpcConfiguration>,
    pub bucket: String,
    pub access_point_arn: String,
    pub alias: String,
    pub bucket_account_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessPointsResponse {
    pub access_point_list: Vec<AccessPointSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// ListAccessPoints: the account's access points in this Region, optionally of one bucket,
/// by name, at most `MaxResults` (1–1,000) per page.
pub fn list_access_points(c: &mut Call<'_>, req: ListAccessPointsRequest) -> Result<ListAccessPointsResponse, AwsError> {
    let account = req.account_id.clone().unwrap_or_else(|| c.account());
    c.authorize(Authz::new("s3:ListAccessPoints", "*").owner(&account))?;
    same_account(c, &account)?;
    let max = req.max_results.unwrap_or(1000);
    if !(1..=1000).contains(&max) {
        return Err(invalid_request(format!("MaxResults must be between 1 and 1000: `{max}`")));
    }
    let region = c.region();
    let mut rows = c
        .w
        .s3
        .access_points
        .values()
        .filter(|ap| ap.account == account && ap.region == region)
        .filter(|ap| req.bucket.as_ref().is_none_or(|b| *b == ap.bucket))
        .filter(|ap| req.next_token.as_ref().is_none_or(|after| ap.name > *after))
        .map(|ap| AccessPointSummary {
            name: ap.name.clone(),
            network_origin: ap.network_origin().into(),
            vpc_configuration: ap.vpc_id.clone().map(|vpc_id| VpcConfiguration { vpc_id }),
            bucket: ap.bucket.clone(),
            access_point_arn: ap.arn(),
            alias: ap.alias.clone(),
            bucket_account_id: ap.bucket_account.clone(),
        });
    let page: Vec<AccessPointSummary> = rows.by_ref().take(max as usize).collect();
    let next_token = match rows.next() {
        Some(_) => page.last().map(|r| r.name.clone()),
        None => None,
    };
    Ok(ListAccessPointsResponse { access_point_list: page, next_token })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutAccessPointPolicyRequest {
    #[serde(default)]
    pub account_id: Option<String>,
    pub name: String,
    /// JSON text or a map.
    pub policy: Value,
}

/// Whether a policy `Resource` can name something of the access point `arn`.
fn names_access_point(r: &str, arn: &str) -> bool {
    let wild = r.find(['*', '?']);
    r == arn || r.starts_with(&format!("{arn}/")) || wild.is_some_and(|i| arn.starts_with(&r[..i]) || r[..i].starts_with(&format!("{arn}/")))
}

/// PutAccessPointPolicy: validated like a bucket policy (resources must be the access point's),
/// refused when public while BlockPublicPolicy is on for the access point, its bucket (same
/// account) or the account.
pub fn put_access_point_policy(c: &mut Call<'_>, req: PutAccessPointPolicyRequest) -> Result<Empty, AwsError> {
    let ap_req = AccessPointRequest { account_id: req.account_id.clone(), name: req.name.clone() };
    let ap = authorize_on(c, &ap_req, "s3:PutAccessPointPolicy")?.clone();
    let arn = ap.arn();
    let policy = access::validate_resource_policy(&policy_text(&req.policy), |r| names_access_point(r, &arn))?;
    let mut bpa = ap.public_access_block.or(c.w.s3.account_public_access_block.get(&ap.account).copied().unwrap_or_default());
    if let Some(b) = c.w.s3.buckets.get(&ap.bucket).filter(|b| b.owner == ap.account) {
        bpa = bpa.or(b.public_access_block.unwrap_or_default());
    }
    if bpa.block_public_policy && ap.vpc_id.is_none() && access::access_point_policy_is_public(&policy.to_json()) {
        return Err(access::blocked_by_bpa(c, "s3:PutAccessPointPolicy", &arn, "BlockPublicPolicy", "policies"));
    }
    if let Some(ap) = c.w.s3.access_points.get_mut(&arn) {
        ap.policy = Some(policy);
    }
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessPointPolicyResponse {
    pub policy: String,
}

fn no_policy(name: &str) -> AwsError {
    S3Error::NoSuchAccessPointPolicy.err("The specified accesspoint policy does not exist").detail("AccessPointName", name)
}

/// GetAccessPointPolicy: the policy text (NoSuchAccessPointPolicy when none).
pub fn get_access_point_policy(c: &mut Call<'_>, req: AccessPointRequest) -> Result<GetAccessPointPolicyResponse, AwsError> {
    let ap = authorize_on(c, &req, "s3:GetAccessPointPolicy")?;
    let p = ap.policy.as_ref().ok_or_else(|| no_policy(&req.name))?;
    Ok(GetAccessPointPolicyResponse { policy: p.text().to_string() })
}

/// DeleteAccessPointPolicy.
pub fn delete_access_point_policy(c: &mut Call<'_>, req: AccessPointRequest) -> Result<Empty, AwsError> {
    let arn = authorize_on(c, &req, "s3:DeleteAccessPointPolicy")?.arn();
    if let Some(ap) = c.w.s3.access_points.get_mut(&arn) {
        ap.policy = None;
    }
    Ok(Empty {})
}

/// GetAccessPointPolicyStatus: whether the access point policy is public.
pub fn get_access_point_policy_status(c: &mut Call<'_>, req: AccessPointRequest) -> Result<ops::GetBucketPolicyStatusResponse, AwsError> {
    let ap = authorize_on(c, &req, "s3:GetAccessPointPolicyStatus")?;
    if ap.policy.is_none() {
        return Err(no_policy(&req.name));
    }
    Ok(ops::GetBucketPolicyStatusResponse { policy_status: ops::PolicyStatus { is_public: ap.is_public() } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_access_point_naming_rules() {
        for ok in ["abc", "finance-ap", "a1-b2", &"a".repeat(50)] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
        // "Must be between 3 and 50 characters long"; "Can't contain underscores, uppercase
        // letters, or periods".
        for bad in ["ab", &"a".repeat(51), "Finance", "fin_ance", "fin.ance"] {
            assert_eq!(validate_name(bad).unwrap_err().code, "InvalidURI", "{bad}");
        }
        // "Can't begin or end with a dash"; "Can't end with the suffix -s3alias".
        for bad in ["-abc", "abc-", "data-s3alias", "xn--abc"] {
            assert_eq!(validate_name(bad).unwrap_err().code, "InvalidRequest", "{bad}");
        }
    }

    #[test]
    fn aliases_have_the_documented_shape_and_fit_a_bucket_name() {
        let mut rng = SimRng::new(7);
        let a = new_alias(&mut rng, "my-access-point", "us-east-1");
        // `my-access-point-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias`: 34 metadata characters.
        let meta = a.strip_prefix("my-access-point-").and_then(|m| m.strip_suffix("-s3alias")).unwrap();
        assert_eq!(meta.len(), 34, "{a}");
        assert!(meta[..33].ends_with("use1"), "{a}");
        // "An access point alias name meets all the requirements of a valid Amazon S3 bucket
        // name" — except the `-s3alias` suffix, which bucket names may not use.
        assert!(a.len() <= 63 && a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{a}");
        assert_eq!(crate::s3::model::validate_bucket_name(&a).unwrap_err().code, "InvalidBucketName");
        let long = new_alias(&mut rng, &"n".repeat(50), "ap-southeast-2");
        assert!(long.len() <= 63 && long.contains("apse2"), "{long}");
        assert_eq!(region_code("eu-west-1"), "euw1");
        assert_eq!(region_code("ap-northeast-1"), "apne1");
        assert_eq!(region_code("eu-north-1"), "eun1");
        assert_eq!(region_code("ap-south-1"), "aps1");
    }

    #[test]
    fn resources_through_an_access_point() {
        let ap = AccessPoint {
            name: "test".into(),
            account: "123456789012".into(),
            region: "us-west-2".into(),
            bucket: "b".into(),
            bucket_account: "123456789012".into(),
            vpc_id: None,
            public_access_block: PublicAccessBlockConfiguration::ALL,
            policy: None,
            alias: String::new(),
            creation_date: Timestamp::default(),
        };
        // "arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/unit-01 represents the
        // object unit-01, accessed through the access point named test".
        assert_eq!(ap.resource_for("arn:aws:s3:::b/unit-01"), "arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/unit-01");
        assert_eq!(ap.resource_for("arn:aws:s3:::b"), "arn:aws:s3:us-west-2:123456789012:accesspoint/test");
        assert_eq!(ap.host(), "test-123456789012.s3-accesspoint.us-west-2.amazonaws.com");
        assert!(names_access_point("arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/Alice/*", &ap.arn()));
        assert!(names_access_point("arn:aws:s3:us-west-2:123456789012:accesspoint/*", &ap.arn()));
        assert!(!names_access_point("arn:aws:s3:us-west-2:123456789012:accesspoint/other/object/*", &ap.arn()));
        assert!(!names_access_point("arn:aws:s3:::b/*", &ap.arn()));
    }
}
