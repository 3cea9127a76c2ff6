//! Who may do what to a bucket: bucket policies (through the one authorizer), legacy ACLs
//! (canned ACLs), Object Ownership and Block Public Access.
//!
//! Decision order for every S3 request (numbered so tests can cite them):
//! 1. Block Public Access in force is the bucket's settings OR'ed with the owner account's.
//! 2. The bucket policy is the resource policy; with `RestrictPublicBuckets` in force, its
//!    public statements count only for principals of the owner account and AWS services.
//! 3. The one authorizer decides with the caller's identity policies and that resource
//!    policy. An explicit deny ends it; an allow ends it.
//! 4. Otherwise ACLs may still grant — unless Object Ownership is `BucketOwnerEnforced` (ACLs
//!    disabled, the default for new buckets since April 2023). Grants to `AllUsers` (anyone,
//!    even anonymous) and `AuthenticatedUsers` (any signed request) are public and are
//!    ignored when `IgnorePublicAcls` is in force. Grants to the owner account are left to
//!    IAM (an account's users still need identity policies).
//! 5. Otherwise AccessDenied (anonymous callers get S3's bare `Access Denied`).
//!
//! A request addressed to an access point ([`super::access_points`]) must first pass the
//! access point (its network origin, then the one authorizer with the access point policy on
//! the access point's ARN); rules 1–5 then decide the bucket side, with Block Public Access
//! in force being the access point's settings OR'ed with the bucket's and the account's, and
//! with the keys `s3:DataAccessPointArn`, `s3:DataAccessPointAccount` and
//! `s3:AccessPointNetworkOrigin` in the request context.
//!
//! A bucket policy is "public" unless every Allow statement either names fixed principals or
//! is limited by a fixed-value condition on one of the keys S3 lists (`aws:SourceIp` CIDRs,
//! `aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`,
//! `aws:SourceAccount`, `s3:x-amz-server-side-encryption-aws-kms-key-id`, `aws:userid`, and
//! the principal keys `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, and
//! `s3:DataAccessPointAccount` and `s3:DataAccessPointArn`)
//! (PublicAccessBlockConfiguration, S3 API Reference). In a bucket policy an
//! `s3:DataAccessPointArn` value may end in `accesspoint/*` (any access point of a fixed account
//! and region); in an access point policy that key does not make a statement non-public, and an
//! access point with a VPC network origin is never public (S3 User Guide, "The meaning of
//! public", Access points). Simplified: the "bad actions" nuance
//! of that definition is not modelled (a wildcard-principal Allow without such a condition is
//! public whatever its actions).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::S3Error;
use super::model::Bucket;
use crate::policy::{ContextValue, EvalDecision, Policy, PolicyKind};
use crate::world::authz::{Authz, access_denied_message};
use crate::world::{AwsError, Call, ErrorCode, Principal};

/// The four Block Public Access settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PublicAccessBlockConfiguration {
    #[serde(default)]
    pub block_public_acls: bool,
    #[serde(default)]
    pub ignore_public_acls: bool,
    #[serde(default)]
    pub block_public_policy: bool,
    #[serde(default)]
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlockConfiguration {
    pub const ALL: PublicAccessBlockConfiguration =
        PublicAccessBlockConfiguration { block_public_acls: true, ignore_public_acls: true, block_public_policy: true, restrict_public_buckets: true };

    pub fn or(self, o: PublicAccessBlockConfiguration) -> Self {
        PublicAccessBlockConfiguration {
            block_public_acls: self.block_public_acls || o.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || o.ignore_public_acls,
            block_public_policy: self.block_public_policy || o.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || o.restrict_public_buckets,
        }
    }
}

/// Object Ownership (`BucketOwnerEnforced` disables ACLs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectOwnership {
    #[default]
    BucketOwnerEnforced,
    BucketOwnerPreferred,
    ObjectWriter,
}

impl ObjectOwnership {
    pub fn parse(s: &str) -> Result<Self, AwsError> {
        match s {
            "BucketOwnerEnforced" => Ok(Self::BucketOwnerEnforced),
            "BucketOwnerPreferred" => Ok(Self::BucketOwnerPreferred),
            "ObjectWriter" => Ok(Self::ObjectWriter),
            o => Err(S3Error::MalformedXML.err(format!(
                "The XML you provided was not well-formed or did not validate against our published schema: ObjectOwnership `{o}` (expected BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter)"
            ))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BucketOwnerEnforced => "BucketOwnerEnforced",
            Self::BucketOwnerPreferred => "BucketOwnerPreferred",
            Self::ObjectWriter => "ObjectWriter",
        }
    }
}

/// The canned ACLs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CannedAcl {
    #[default]
    #[serde(rename = "private")]
    Private,
    #[serde(rename = "public-read")]
    PublicRead,
    #[serde(rename = "public-read-write")]
    PublicReadWrite,
    #[serde(rename = "authenticated-read")]
    AuthenticatedRead,
    #[serde(rename = "aws-exec-read")]
    AwsExecRead,
    #[serde(rename = "bucket-owner-read")]
    BucketOwnerRead,
    #[serde(rename = "bucket-owner-full-control")]
    BucketOwnerFullControl,
    #[serde(rename = "log-delivery-write")]
    LogDeliveryWrite,
}

/// ACL permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    FullControl,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "READ",
            Permission::Write => "WRITE",
            Permission::ReadAcp => "READ_ACP",
            Permission::WriteAcp => "WRITE_ACP",
            Permission::FullControl => "FULL_CONTROL",
        }
    }
}

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

impl CannedAcl {
    pub const ALL: &'static [CannedAcl] = &[
        CannedAcl::Private,
        CannedAcl::PublicRead,
        CannedAcl::PublicReadWrite,
        CannedAcl::AuthenticatedRead,
        CannedAcl::AwsExecRead,
        CannedAcl::BucketOwnerRead,
        CannedAcl::BucketOwnerFullControl,
        CannedAcl::LogDeliveryWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CannedAcl::Private => "private",
            CannedAcl::PublicRead => "public-read",
            CannedAcl::PublicReadWrite => "public-read-write",
            CannedAcl::AuthenticatedRead => "authenticated-read",
            CannedAcl::AwsExecRead => "aws-exec-read",
            CannedAcl::BucketOwnerRead => "bucket-owner-read",
            CannedAcl::BucketOwnerFullControl => "bucket-owner-full-control",
            CannedAcl::LogDeliveryWrite => "log-delivery-write",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AwsError> {
        CannedAcl::ALL.iter().copied().find(|a| a.as_str() == s).ok_or_else(|| {
            S3Error::InvalidArgument.err(format!(
                "`{s}` is not a canned ACL (expected one of: {})",
                CannedAcl::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// Group grants beyond the owner's FULL_CONTROL: (group URI, permission).
    pub fn group_grants(self) -> &'static [(&'static str, Permission)] {
        match self {
            CannedAcl::PublicRead => &[(ALL_USERS, Permission::Read)],
            CannedAcl::PublicReadWrite => &[(ALL_USERS, Permission::Read), (ALL_USERS, Permission::Write)],
            CannedAcl::AuthenticatedRead => &[(AUTHENTICATED_USERS, Permission::Read)],
            CannedAcl::LogDeliveryWrite => &[(LOG_DELIVERY, Permission::Write), (LOG_DELIVERY, Permission::ReadAcp)],
            _ => &[],
        }
    }

    /// Grants to `AllUsers` or `AuthenticatedUsers` make an ACL public.
    pub fn is_public(self) -> bool {
        self.group_grants().iter().any(|(g, _)| *g == ALL_USERS || *g == AUTHENTICATED_USERS)
    }

    /// Whether a public grant of this ACL gives `p` permission `perm`.
    pub fn public_grant(self, perm: Permission, p: &Principal) -> bool {
        self.group_grants().iter().any(|(g, gp)| {
            *gp == perm && (*g == ALL_USERS || (*g == AUTHENTICATED_USERS && !matches!(p, Principal::Anonymous)))
        })
    }

    /// The ACL as GetBucketAcl / GetObjectAcl show it.
    pub fn grants_json(self, owner_id: &str) -> Vec<Value> {
        let mut out = vec![serde_json::json!({
            "Grantee": { "Type": "CanonicalUser", "ID": owner_id },
            "Permission": "FULL_CONTROL",
        })];
        for (g, perm) in self.group_grants() {
            out.push(serde_json::json!({ "Grantee": { "Type": "Group", "URI": g }, "Permission": perm.as_str() }));
        }
        out
    }
}

/// The ACL permission an S3 action needs, and whether it is read from the object's ACL.
pub fn acl_permission(action: &str) -> Option<(Permission, bool)> {
    Some(match action {
        "s3:GetObject" | "s3:GetObjectVersion" => (Permission::Read, true),
        "s3:GetObjectAcl" | "s3:GetObjectVersionAcl" => (Permission::ReadAcp, true),
        "s3:PutObjectAcl" | "s3:PutObjectVersionAcl" => (Permission::WriteAcp, true),
        "s3:ListBucket" | "s3:ListBucketVersions" | "s3:ListBucketMultipartUploads" => (Permission::Read, false),
        "s3:PutObject" | "s3:DeleteObject" | "s3:DeleteObjectVersion" => (Permission::Write, false),
        "s3:GetBucketAcl" => (Permission::ReadAcp, false),
        "s3:PutBucketAcl" => (Permission::WriteAcp, false),
        _ => return None,
    })
}

/// Block Public Access in force for `bucket` (rule 1), with the access point's settings when
/// the request goes through one ("S3 applies the most restrictive combination of the access
/// point, bucket, and account settings").
pub fn effective_bpa(c: &Call<'_>, bucket: &Bucket) -> PublicAccessBlockConfiguration {
    let b = bucket.public_access_block.unwrap_or_default();
    let a = c.w.s3.account_public_access_block.get(&bucket.owner).copied().unwrap_or_default();
    let ap = super::access_points::in_use(c).filter(|ap| ap.bucket == bucket.name).map(|ap| ap.public_access_block).unwrap_or_default();
    b.or(a).or(ap)
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => vec![],
    }
}

fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
        _ => vec![],
    }
}

fn is_wildcard_principal(p: &Value) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(m) => m.get("AWS").map(|v| strings(v).contains(&"*")).unwrap_or(false),
        _ => false,
    }
}

const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "aws:userid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Whether a condition block limits a statement to fixed values of a restricting key (in an
/// access point policy when `access_point`).
fn condition_restricts(cond: &Value, access_point: bool) -> bool {
    let Some(ops) = cond.as_object() else { return false };
    ops.iter().any(|(op, keys)| {
        let op_l = op.to_ascii_lowercase();
        let positive = !op_l.contains("not") && !op_l.ends_with("ifexists") && op_l != "null";
        positive
            && keys.as_object().is_some_and(|keys| {
                keys.iter().any(|(k, v)| {
                    let k = k.to_ascii_lowercase();
                    if !RESTRICTING_KEYS.contains(&k.as_str()) || (access_point && k == "s3:dataaccesspointarn") {
                        return false;
                    }
                    let vals = strings(v);
                    !vals.is_empty()
                        && vals.iter().all(|s| {
                            // "arn:aws:s3:us-west-2:123456789012:accesspoint/*" keeps a bucket
                            // policy non-public: the account is fixed.
                            let s: &str = s;
                            let s = if k == "s3:dataaccesspointarn" { s.strip_suffix("accesspoint/*").unwrap_or(s) } else { s };
                            let fixed = !s.contains('*') && !s.contains('?') && !s.contains("${");
                            let not_everything = k != "aws:sourceip" || !s.ends_with("/0");
                            fixed && not_everything
                        })
                        && (k != "aws:userid" || vals.iter().all(|s| !s.ends_with(":*")))
                })
            })
    })
}

/// Whether one statement makes a policy public.
fn statement_is_public(st: &Value, access_point: bool) -> bool {
    if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
        return false;
    }
    let wildcard = st.get("Principal").map(is_wildcard_principal).unwrap_or(false) || st.get("NotPrincipal").is_some();
    wildcard && !st.get("Condition").is_some_and(|c| condition_restricts(c, access_point))
}

/// Whether a bucket policy document grants public access.
pub fn policy_is_public(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| statement_is_public(s, false))
}

/// Whether an access point policy document grants public access (`s3:DataAccessPointArn`
/// does not limit it; the caller treats VPC-origin access points as never public).
pub fn access_point_policy_is_public(doc: &Value) -> bool {
    statements(doc).into_iter().any(|s| statement_is_public(s, true))
}

/// The policy without its public statements (what `RestrictPublicBuckets` leaves in force
/// for callers outside the owner account); `None` when nothing remains.
pub(super) fn without_public_statements(p: &Policy, access_point: bool) -> Option<Policy> {
    let mut doc = p.to_json();
    let kept: Vec<Value> = statements(&doc).into_iter().filter(|s| !statement_is_public(s, access_point)).cloned().collect();
    if kept.is_empty() {
        return None;
    }
    doc["Statement"] = Value::Array(kept);
    Policy::from_value(&doc, PolicyKind::Resource).ok()
}

/// Checks a bucket policy as PutBucketPolicy does and parses it.
pub fn validate_bucket_policy(bucket: &str, text: &str) -> Result<Policy, AwsError> {
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    validate_resource_policy(text, |r| r == bucket_arn || r.starts_with(&format!("{bucket_arn}/")) || wildcard_covers_bucket(r, &bucket_arn))
}

/// Checks an S3 resource policy (bucket or access point policy) and parses it: 20 KB, JSON,
/// a Principal, S3 actions and resources `resource_ok` accepts in every statement.
pub fn validate_resource_policy(text: &str, resource_ok: impl Fn(&str) -> bool) -> Result<Policy, AwsError> {
    let malformed = |m: String| S3Error::MalformedPolicy.err(m);
    if text.len() > 20 * 1024 {
        return Err(malformed(format!("Policies must be less than 20 KB (this one is {} bytes)", text.len())));
    }
    let doc: Value = serde_json::from_str(text).map_err(|_| malformed("Policies must be valid JSON and the first byte must be '{'".into()))?;
    if !doc.is_object() {
        return Err(malformed("Policies must be valid JSON and the first byte must be '{'".into()));
    }
    let sts = statements(&doc);
    if sts.is_empty() {
        return Err(malformed("Missing required field Statement".into()));
    }
    for st in sts {
        let principal = st.get("Principal").or_else(|| st.get("NotPrincipal")).ok_or_else(|| malformed("Missing required field Principal".into()))?;
        let names: Vec<&str> = match principal {
            Value::Object(m) => m.values().flat_map(strings).collect(),
            other => strings(other),
        };
        if names.iter().any(|n| n.contains(":group/")) {
            return Err(malformed("Invalid principal in policy".into()));
        }
        let actions: Vec<&str> = st.get("Action").or_else(|| st.get("NotAction")).map(strings).unwrap_or_default();
        if actions.is_empty() {
            return Err(malformed("Missing required field Action".into()));
        }
        if actions.iter().any(|a| *a != "*" && !a.to_ascii_lowercase().starts_with("s3:")) {
            return Err(malformed("Policy has invalid action".into()));
        }
        let resources: Vec<&str> = st.get("Resource").or_else(|| st.get("NotResource")).map(strings).unwrap_or_default();
        if resources.is_empty() {
            return Err(malformed("Missing required field Resource".into()));
        }
        for r in resources {
            if !resource_ok(r) {
                return Err(malformed("Policy has invalid resource".into()));
            }
        }
    }
    Policy::parse(text, PolicyKind::Resource).map_err(|e| malformed(e.to_string()))
}

/// `arn:aws:s3:::*` style resources that can match this bucket.
fn wildcard_covers_bucket(pattern: &str, bucket_arn: &str) -> bool {
    let prefix_end = pattern.find(['*', '?']).unwrap_or(pattern.len());
    pattern.starts_with("arn:aws:s3:::") && prefix_end < pattern.len() && bucket_arn.starts_with(&pattern[..prefix_end])
}

/// Decides one S3 request (rules 1–5) and fails with AccessDenied unless allowed.
pub fn authorize(
    c: &Call<'_>,
    bucket: &Bucket,
    action: &str,
    resource: &str,
    object_acl: Option<super::access::CannedAcl>,
    ctx: &[(Cow<'static, str>, ContextValue)],
) -> Result<(), AwsError> {
    let through = super::access_points::in_use(c).filter(|ap| ap.bucket == bucket.name);
    if let Some(ap) = through {
        super::access_points::authorize_through(c, ap, bucket, action, resource, ctx)?;
    }
    let bpa = effective_bpa(c, bucket);
    let principal = &c.caller.principal;
    let insider = principal.account() == Some(bucket.owner.as_str()) || matches!(principal, Principal::Service { .. });
    let filtered;
    let policy = match &bucket.policy {
        Some(p) if bpa.restrict_public_buckets && !insider && policy_is_public(&p.to_json()) => {
            filtered = without_public_statements(p, false);
            filtered.as_ref()
        }
        other => other.as_ref(),
    };
    let mut req = Authz::new(action, resource).policy(policy, "bucket-policy").owner(&bucket.owner);
    for (k, v) in ctx {
        req = req.ctx(k.clone(), v.clone());
    }
    if let Some(ap) = through {
        req = ap.condition_keys(req);
    }
    let d = c.decide(&req);
    match d.decision {
        EvalDecision::Allowed => return Ok(()),
        EvalDecision::ExplicitDeny => return Err(denied(c, action, resource, &d)),
        EvalDecision::ImplicitDeny => {}
    }
    if bucket.ownership.unwrap_or_default() != ObjectOwnership::BucketOwnerEnforced && !bpa.ignore_public_acls
        && let Some((perm, on_object)) = acl_permission(action) {
            let acl = if on_object { object_acl } else { Some(bucket.acl) };
            if acl.is_some_and(|a| a.public_grant(perm, principal)) {
                return Ok(());
            }
        }
    Err(denied(c, action, resource, &d))
}

fn denied(c: &Call<'_>, action: &str, resource: &str, d: &crate::policy::Decision) -> AwsError {
    match c.caller.principal {
        Principal::Anonymous => super::error::access_denied(),
        ref p => S3Error::AccessDenied.err(access_denied_message(p, action, resource, d)),
    }
}

/// The AccessDenied S3 returns when Block Public Access rejects a public policy or ACL.
pub fn blocked_by_bpa(c: &Call<'_>, action: &str, resource: &str, setting: &str, what: &str) -> AwsError {
    denied_because(c, action, resource, &format!("public {what} are blocked by the {setting} block public access setting."))
}

/// S3's 403 for a request a bucket setting refuses: "User: ... is not authorized to perform:
/// <action> on resource: "<arn>" because <reason>".
pub fn denied_because(c: &Call<'_>, action: &str, resource: &str, reason: &str) -> AwsError {
    S3Error::AccessDenied.err(format!("User: {} is not authorized to perform: {action} on resource: \"{resource}\" because {reason}", c.caller.principal.display_name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn public(doc: Value) -> bool {
        policy_is_public(&doc)
    }

    #[test]
    fn the_meaning_of_public() {
        let read_all = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]});
        assert!(public(read_all));
        assert!(public(json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}})));
        // Limited to a set of CIDRs with aws:SourceIp: not public.
        assert!(!public(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]})));
        // ... but 0.0.0.0/0 is everyone.
        assert!(public(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}]})));
        // A fixed aws:SourceVpce: not public; a wildcard one is.
        assert!(!public(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]})));
        assert!(public(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringLike": {"aws:SourceVpce": "vpce-*"}}}]})));
        // A negated condition does not limit to fixed values.
        assert!(public(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]})));
        // Fixed principals and denies are not public.
        assert!(!public(json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]})));
        assert!(!public(json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]})));
    }

    #[test]
    fn access_point_keys_in_the_meaning_of_public() {
        let st = |cond: Value| json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*", "Condition": cond}]});
        // Fixed values of s3:DataAccessPointAccount / s3:DataAccessPointArn make a bucket policy
        // non-public; "this value can contain a wildcard for the access point name without
        // rendering the policy public, as long as the account id is fixed".
        assert!(!public(st(json!({"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}}))));
        assert!(!public(st(json!({"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}))));
        assert!(public(st(json!({"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:*:accesspoint/*"}}))));
        // "An access point policy that grants access to a set of access points using
        // s3:DataAccessPointArn is considered public."
        assert!(access_point_policy_is_public(&st(json!({"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}))));
        assert!(!access_point_policy_is_public(&st(json!({"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}}))));
    }

    #[test]
    fn bucket_policies_are_checked_like_put_bucket_policy() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert!(validate_bucket_policy("b", ok).is_ok());
        let group = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/devs"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let e = validate_bucket_policy("b", group).unwrap_err();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("MalformedPolicy", "Invalid principal in policy"));
        let other_bucket = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}"#;
        assert_eq!(validate_bucket_policy("b", other_bucket).unwrap_err().message, "Policy has invalid resource");
        let kms = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert_eq!(validate_bucket_policy("b", kms).unwrap_err().message, "Policy has invalid action");
        assert_eq!(validate_bucket_policy("b", "nope").unwrap_err().code, "MalformedPolicy");
        let no_principal = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert!(validate_bucket_policy("b", no_principal).unwrap_err().message.contains("Principal"));
        let wildcard = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}]}"#;
        assert!(validate_bucket_policy("b", wildcard).is_ok());
    }

    #[test]
    fn canned_acls() {
        assert!(CannedAcl::PublicRead.is_public());
        assert!(CannedAcl::AuthenticatedRead.is_public());
        assert!(!CannedAcl::Private.is_public() && !CannedAcl::BucketOwnerFullControl.is_public());
        assert!(CannedAcl::PublicRead.public_grant(Permission::Read, &Principal::Anonymous));
        assert!(!CannedAcl::PublicRead.public_grant(Permission::Write, &Principal::Anonymous));
        assert!(!CannedAcl::AuthenticatedRead.public_grant(Permission::Read, &Principal::Anonymous));
        assert!(CannedAcl::AuthenticatedRead.public_grant(Permission::Read, &Principal::root("444455556666")));
        assert_eq!(CannedAcl::parse("public-read").unwrap(), CannedAcl::PublicRead);
        assert_eq!(CannedAcl::parse("public").unwrap_err().code, "InvalidArgument");
        assert_eq!(CannedAcl::PublicReadWrite.grants_json("abc").len(), 3);
    }
}
