//! One function per KMS API operation.
//!
//! Each runs inside [`crate::world::World::call`] and follows the same order: check the
//! request against the API model's constraints, find the key, authorize (the key policy is
//! the resource policy and must grant; grants can allow too), apply the key-state table
//! ([`super::model::gate`]), validate what depends on the key, and only then change state.
//! A failed call therefore changes nothing.
//!
//! Requests and responses are AWS's shapes (PascalCase). Other services call these
//! functions directly with typed requests through `c.nested(&service::KMS, ...)`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize};

use super::asymmetric;
use super::model::require_usage;

mod keypairs;
mod multi_region;
pub use keypairs::*;
pub use multi_region::*;
use super::crypto::{self, EncryptionContext, Wrapping};
use super::error::{INCORRECT_KEY, INVALID_CIPHERTEXT, KmsError, constraint};
use super::model::{
    self, Alias, BackingKey, Gate, Grant, GrantConstraints, ImportParams, Imported, Key, KeyManager, KeyName, KeyRef, KeyState,
    Origin, Rotation, alias_arn, gate, key_arn,
};
use super::policies::{self, POLICY_ID, POLICY_NAME};
use crate::policy::{ContextValue, Decision, EvalDecision, Policy, PolicyKind, PolicyType, ValueType};
use crate::world::authz::{Authz, access_denied_message};
use crate::world::{AwsError, Blob, Call, Duration, ErrorCode, Principal, Timestamp};

/// How long a new grant takes to reach every KMS host ("usually less than five minutes"):
/// until then only a request that passes its grant token can use it.
pub const GRANT_PROPAGATION: Duration = Duration::minutes(5);
/// Import tokens and wrapping keys "are valid for 24 hours".
pub const IMPORT_PARAMETERS_VALID: Duration = Duration::hours(24);
/// "You can perform on-demand key rotation a maximum of 25 times per KMS key."
pub const ON_DEMAND_ROTATION_LIMIT: u32 = 25;
/// Quotas ([KMS-ARCH] `resource-limits.md`).
pub const ALIASES_PER_KEY: usize = 50;
pub const GRANTS_PER_KEY: usize = 50_000;
pub const TAGS_PER_KEY: usize = 50;
pub const KEY_POLICY_MAX_BYTES: usize = 32_768;
/// RotationPeriodInDays: "min 90, max 2560, default 365".
pub const DEFAULT_ROTATION_DAYS: u32 = 365;

const SYMMETRIC_DEFAULT: &str = "SYMMETRIC_DEFAULT";
const ENCRYPT_DECRYPT: &str = "ENCRYPT_DECRYPT";
const KEY_AGREEMENT: &str = "KEY_AGREEMENT";
const KEY_TYPE: &str = "AWS::KMS::Key";

/// A policy document given as JSON text or as a map (a script's `#{ Version: ..., Statement: [...] }`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PolicyDocument(pub String);

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(PolicyDocument(s)),
            v => Ok(PolicyDocument(serde_json::to_string_pretty(&v).map_err(serde::de::Error::custom)?)),
        }
    }
}

/// `Tag`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    pub tag_key: String,
    pub tag_value: String,
}

// ---------------------------------------------------------------------------------------
// Shared steps
// ---------------------------------------------------------------------------------------

fn check_range(v: i64, field: &str, min: i64, max: i64) -> Result<(), AwsError> {
    if v < min {
        return Err(constraint(Some(&v.to_string()), field, &format!("have value greater than or equal to {min}")));
    }
    if v > max {
        return Err(constraint(Some(&v.to_string()), field, &format!("have value less than or equal to {max}")));
    }
    Ok(())
}

fn check_len(len: usize, field: &str, min: usize, max: usize) -> Result<(), AwsError> {
    if len < min {
        return Err(constraint(None, field, &format!("have length greater than or equal to {min}")));
    }
    if len > max {
        return Err(constraint(None, field, &format!("have length less than or equal to {max}")));
    }
    Ok(())
}

const KEY_USAGES: &[&str] = &["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"];
const KEY_SPECS: &[&str] = &[
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT",
    "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519",
    "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024",
];

fn check_enum(v: &str, field: &str, allowed: &[&str]) -> Result<(), AwsError> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(constraint(Some(v), field, &format!("satisfy enum value set: [{}]", allowed.join(", "))))
    }
}

fn check_algorithm(alg: &Option<String>, field: &str) -> Result<(), AwsError> {
    if let Some(a) = alg {
        check_enum(a, field, &["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"])?;
    }
    Ok(())
}

/// A symmetric encryption operation's algorithm must be SYMMETRIC_DEFAULT (or absent).
fn symmetric_algorithm(k: &Key, alg: &Option<String>) -> Result<(), AwsError> {
    match alg {
        Some(a) if a != SYMMETRIC_DEFAULT => Err(KmsError::InvalidKeyUsageException.err(format!("Algorithm {a} is incompatible with key spec {}.", k.key_spec))),
        _ => Ok(()),
    }
}

/// A grant token names its key and grant (base64 of `G 1 len(arn) arn grant-id nonce`).
fn make_token(c: &mut Call, key_arn: &str, grant_id: &str) -> String {
    let mut raw = vec![b'G', 1];
    raw.extend_from_slice(&(key_arn.len() as u16).to_be_bytes());
    raw.extend_from_slice(key_arn.as_bytes());
    raw.extend_from_slice(&hex::decode(grant_id).unwrap_or_default());
    raw.extend_from_slice(&c.rng().bytes(16));
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// (key ARN, grant id) of a token; `None` when it is not a grant token.
fn parse_token(t: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
    if raw.len() < 4 || raw[0] != b'G' || raw[1] != 1 {
        return None;
    }
    let n = u16::from_be_bytes([raw[2], raw[3]]) as usize;
    if raw.len() != 4 + n + 32 + 16 {
        return None;
    }
    let arn = std::str::from_utf8(&raw[4..4 + n]).ok()?.to_string();
    Some((arn, hex::encode(&raw[4 + n..4 + n + 32])))
}

/// Validates `GrantTokens` (0–10 tokens, each a grant token) and reads them.
fn read_tokens(tokens: &Option<Vec<String>>) -> Result<Vec<(String, String)>, AwsError> {
    let Some(ts) = tokens else { return Ok(vec![]) };
    if ts.len() > 10 {
        return Err(constraint(None, "grantTokens", "have length less than or equal to 10"));
    }
    ts.iter()
        .map(|t| {
            check_len(t.len(), "grantTokens.member", 1, 8192)?;
            parse_token(t).ok_or_else(|| KmsError::InvalidGrantTokenException.err(format!("The grant token `{t}` is not valid.")))
        })
        .collect()
}

/// Whether `p` is the principal a grant or a helper names by `spec` (an ARN; a role ARN
/// also names the role's sessions; an account id or root ARN names the account root).
pub fn principal_matches(p: &Principal, spec: &str) -> bool {
    if p.arn().is_some_and(|a| a.to_string() == spec) {
        return true;
    }
    match p {
        Principal::AssumedRole(s) => s.role_arn().to_string() == spec,
        Principal::Root { account } => spec == account,
        _ => false,
    }
}

/// The grant that lets the caller perform `op` on `key` now, if there is one.
fn usable_grant(c: &Call, key: &Key, op: &str, ec: &EncryptionContext, tokens: &[(String, String)], ops_wanted: Option<&[String]>) -> Option<String> {
    let now = c.now();
    key.grants
        .iter()
        .find(|g| {
            principal_matches(c.principal(), &g.grantee_principal)
                && g.operations.iter().any(|o| o == op)
                && ops_wanted.is_none_or(|w| w.iter().all(|o| g.operations.contains(o)))
                && g.constraints.as_ref().is_none_or(|k| k.allows(ec))
                && (now >= g.creation_date.plus(GRANT_PROPAGATION) || tokens.iter().any(|(arn, id)| *arn == key.arn && *id == g.grant_id))
        })
        .map(|g| g.grant_id.clone())
}

/// What an operation asks of a key's authorization.
struct Ask<'a> {
    action: &'a str,
    /// The grant operation that can allow this action, with the request's encryption
    /// context and grant tokens.
    grant_op: Option<&'a str>,
    ec: Option<&'a EncryptionContext>,
    tokens: &'a [(String, String)],
    /// For CreateGrant: the operations the new grant would allow.
    grant_ops: Option<&'a [String]>,
    /// The alias named in the request's KeyId (`kms:RequestAlias`).
    request_alias: Option<&'a str>,
    extra: Keys,
}

/// An operation's own condition keys; most names are fixed (`kms:KeySpec`) and not copied.
type Keys = Vec<(Cow<'static, str>, ContextValue)>;

impl<'a> Ask<'a> {
    fn new(action: &'a str) -> Self {
        Ask { action, grant_op: None, ec: None, tokens: &[], grant_ops: None, request_alias: None, extra: vec![] }
    }
    fn grant(mut self, op: &'a str, tokens: &'a [(String, String)]) -> Self {
        self.grant_op = Some(op);
        self.tokens = tokens;
        self
    }
    fn ec(mut self, ec: &'a EncryptionContext) -> Self {
        self.ec = Some(ec);
        self
    }
    fn alias(mut self, a: Option<&'a str>) -> Self {
        self.request_alias = a;
        self
    }
    fn ctx(mut self, k: impl Into<Cow<'static, str>>, v: ContextValue) -> Self {
        self.extra.push((k.into(), v));
        self
    }
}

/// `kms:ViaService` for a call that an AWS service makes on the caller's behalf
/// (`s3.amazonaws.com` calling in us-east-1 -> `s3.us-east-1.amazonaws.com`).
fn via_service(c: &Call) -> Option<String> {
    c.caller.via_service.as_ref().map(|v| format!("{}.{}.amazonaws.com", v.trim_end_matches(".amazonaws.com"), c.caller.region))
}

/// Authorizes `ask` on the key at `r` with its key policy (which must grant) and its grants,
/// and records the key in the audit event.
fn authorize_key(c: &mut Call, r: &KeyRef, ask: Ask<'_>) -> Result<(), AwsError> {
    let key = c.w.kms.key(r).expect("resolved keys exist");
    let empty = EncryptionContext::new();
    let grant = ask.grant_op.and_then(|op| usable_grant(c, key, op, ask.ec.unwrap_or(&empty), ask.tokens, ask.grant_ops));
    let arn = key.arn.clone();
    let policy = key.policy.clone();
    let mut authz = Authz::new(ask.action, &arn)
        .policy(Some(&policy), POLICY_ID)
        .must_grant()
        .grant(grant)
        .ctx("kms:CallerAccount", ContextValue::string(c.account()))
        .ctx("kms:KeySpec", ContextValue::string(crate::world::static_name(&key.key_spec, KEY_SPECS.iter().copied())))
        .ctx("kms:KeyUsage", ContextValue::string(crate::world::static_name(&key.key_usage, KEY_USAGES.iter().copied())))
        .ctx("kms:KeyOrigin", ContextValue::string(key.origin.as_str()))
        .ctx("kms:MultiRegion", ContextValue::bool(key.multi_region));
    if let Some(v) = via_service(c) {
        authz = authz.ctx("kms:ViaService", ContextValue::string(v));
    }
    for (k, v) in &key.tags {
        authz = authz.ctx(format!("aws:ResourceTag/{k}"), ContextValue::string(v.clone()));
    }
    let aliases: Vec<String> = c
        .w
        .kms
        .region(&r.account, &r.region)
        .map(|reg| reg.aliases.values().filter(|a| a.target_key_id == r.key_id).map(|a| a.name.clone()).collect())
        .unwrap_or_default();
    if !aliases.is_empty() {
        authz = authz.ctx("kms:ResourceAliases", ContextValue::list(ValueType::String, aliases));
    }
    if let Some(a) = ask.request_alias {
        authz = authz.ctx("kms:RequestAlias", ContextValue::string(a.to_string()));
    }
    if let Some(ec) = ask.ec {
        for (k, v) in ec {
            authz = authz.ctx(format!("kms:EncryptionContext:{k}"), ContextValue::string(v.clone()));
        }
        authz = authz.ctx("kms:EncryptionContextKeys", ContextValue::list(ValueType::String, ec.keys().cloned()));
    }
    for (k, v) in ask.extra {
        authz = authz.ctx(k, v);
    }
    c.resource(&arn, KEY_TYPE);
    c.authorize(authz).map(|_| ())
}

/// Authorizes an action that has no key (CreateKey, ListKeys, an alias): IAM policies decide.
fn authorize_plain(c: &mut Call, action: &str, resource: &str, extra: Keys) -> Result<(), AwsError> {
    let mut authz = Authz::new(action, resource);
    for (k, v) in extra {
        authz = authz.ctx(k, v);
    }
    c.authorize(authz).map(|_| ())
}

/// AWS managed keys' policies allow no changes to the key; this is the denial the policy
/// engine gives for them, kept as a guard so the rule holds whatever the caller's policies.
fn refuse_managed(c: &Call, key: &Key, action: &str) -> Result<(), AwsError> {
    if !key.is_aws_managed() {
        return Ok(());
    }
    let d = Decision {
        decision: EvalDecision::ImplicitDeny,
        denied_by: Some(PolicyType::ResourceBased),
        matched: vec![],
        missing_context: vec![],
        allowed_by_organizations: true,
        allowed_by_boundary: true,
    };
    Err(KmsError::AccessDeniedException.err(access_denied_message(c.principal(), action, &key.arn, &d)))
}

/// Finds the key a `KeyId` parameter names (creating an AWS managed key on first use of its
/// predefined alias, as AWS services do through DescribeKey).
fn resolve(c: &mut Call, key_id: &str) -> Result<(KeyRef, Option<String>), AwsError> {
    let name = model::parse_key_name(key_id, &c.account(), &c.region())?;
    let alias = match &name {
        KeyName::Alias { account, region, name: alias } => {
            if *account == c.account()
                && let Some(spec) = policies::managed_key_spec(alias)
            {
                managed_key_in(c, account, region, spec);
            }
            Some(alias.clone())
        }
        KeyName::Key { .. } => None,
    };
    Ok((model::find(&c.w.kms, name)?, alias))
}

fn key<'c>(c: &'c Call, r: &KeyRef) -> &'c Key {
    c.w.kms.key(r).expect("resolved keys exist")
}

fn key_mut<'c>(c: &'c mut Call, r: &KeyRef) -> &'c mut Key {
    c.w.kms.key_mut(r).expect("resolved keys exist")
}

fn new_backing_key(c: &mut Call, rotation_type: Option<&str>) -> BackingKey {
    let material = c.rng().bytes(32);
    let id = c.rng().hex_id(64);
    BackingKey { id, material, created: c.now(), rotation_type: rotation_type.map(str::to_string) }
}

fn parse_policy(doc: &PolicyDocument) -> Result<Policy, AwsError> {
    if doc.0.len() > KEY_POLICY_MAX_BYTES {
        return Err(KmsError::LimitExceededException.err(format!(
            "The key policy is {} bytes; a key policy can be at most {KEY_POLICY_MAX_BYTES} bytes.",
            doc.0.len()
        )));
    }
    Policy::parse(&doc.0, PolicyKind::Resource).map_err(|e| KmsError::MalformedPolicyDocumentException.err(e.to_string()))
}

/// The policy lockout safety check: unless bypassed, the caller must still be able to
/// change the key policy under the new one.
fn lockout_check(c: &Call, arn: &str, policy: &Policy, bypass: bool) -> Result<(), AwsError> {
    if bypass {
        return Ok(());
    }
    let authz = Authz::new("kms:PutKeyPolicy", arn).policy(Some(policy), POLICY_ID).must_grant();
    if c.decide(&authz).decision != EvalDecision::Allowed {
        return Err(KmsError::MalformedPolicyDocumentException.err("The new key policy will not allow you to update the key policy in the future."));
    }
    Ok(())
}

/// A request's tags: at most 50, keys unique, none reserved (AWS's TagException texts).
fn check_tags(tags: &[Tag]) -> Result<(), AwsError> {
    if tags.len() > TAGS_PER_KEY {
        return Err(KmsError::TagException.err("Too many tags"));
    }
    if tags.iter().enumerate().any(|(i, t)| tags[..i].iter().any(|u| u.tag_key == t.tag_key)) {
        return Err(KmsError::TagException.err("Duplicate tag keys"));
    }
    for (i, t) in tags.iter().enumerate() {
        check_len(t.tag_key.len(), &format!("tags.{}.member.tagKey", i + 1), 1, 128)?;
        check_len(t.tag_value.len(), &format!("tags.{}.member.tagValue", i + 1), 0, 256)?;
        if t.tag_key.to_ascii_lowercase().starts_with("aws:") {
            return Err(KmsError::TagException.err("Tags beginning with aws: are reserved"));
        }
    }
    Ok(())
}

fn tag_context(tags: &[Tag]) -> Keys {
    let mut v: Keys = tags.iter().map(|t| (format!("aws:RequestTag/{}", t.tag_key).into(), ContextValue::string(t.tag_value.clone()))).collect();
    if !tags.is_empty() {
        v.push(("aws:TagKeys".into(), ContextValue::list(ValueType::String, tags.iter().map(|t| t.tag_key.clone()))));
    }
    v
}

/// One page of `items`: (page, NextMarker, Truncated). Markers are opaque offsets. `Limit`
/// defaults to `default` and may be 1 to `max` (each operation's documented range).
fn page<T>(items: Vec<T>, limit: Option<i64>, marker: &Option<String>, default: i64, max: i64) -> Result<(Vec<T>, Option<String>, bool), AwsError> {
    let limit = limit.unwrap_or(default);
    check_range(limit, "limit", 1, max)?;
    let start = match marker {
        None => 0,
        Some(m) => m
            .parse::<usize>()
            .ok()
            .filter(|s| *s <= items.len())
            .ok_or_else(|| KmsError::InvalidMarkerException.err(format!("The marker `{m}` is not valid.")))?,
    };
    let end = (start + limit as usize).min(items.len());
    let truncated = end < items.len();
    let page = items.into_iter().skip(start).take(end - start).collect();
    Ok((page, truncated.then(|| end.to_string()), truncated))
}

/// CloudTrail writes response elements with camelCase names (`keyMetadata.keyId`).
fn camel_keys(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let mut cs = k.chars();
                    let k = cs.next().map(|c| c.to_ascii_lowercase().to_string() + cs.as_str()).unwrap_or_default();
                    (k, camel_keys(v))
                })
                .collect(),
        ),
        serde_json::Value::Array(a) => serde_json::Value::Array(a.into_iter().map(camel_keys).collect()),
        v => v,
    }
}

fn dry_run(d: Option<bool>) -> Result<(), AwsError> {
    if d == Some(true) {
        return Err(KmsError::DryRunOperationException.err("The request would have succeeded, but the DryRun option is set."));
    }
    Ok(())
}

/// Whether a Decrypt or ReEncrypt request is a dry run that ignores the ciphertext
/// (`DryRun: true` with `DryRunModifiers: ["IGNORE_CIPHERTEXT"]`): it checks only the
/// caller's access to the key the request names in `named_field`, which is then required.
/// Modifiers without `DryRun: true` change nothing.
fn ignores_ciphertext(dry_run: Option<bool>, modifiers: &Option<Vec<String>>, named: &Option<String>, named_field: &str) -> Result<bool, AwsError> {
    for m in modifiers.iter().flatten() {
        check_enum(m, "dryRunModifiers.member", &["IGNORE_CIPHERTEXT"])?;
    }
    let ignore = dry_run == Some(true) && modifiers.iter().flatten().any(|m| m == "IGNORE_CIPHERTEXT");
    if ignore && named.is_none() {
        return Err(KmsError::ValidationException.err(format!("{named_field} is required when DryRun is true and DryRunModifiers is IGNORE_CIPHERTEXT.")));
    }
    Ok(ignore)
}

fn context_of(ec: &Option<EncryptionContext>) -> EncryptionContext {
    ec.clone().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// AWS managed keys
// ---------------------------------------------------------------------------------------

/// Creates (once) the AWS managed key behind a predefined alias in `account`/`region`.
fn managed_key_in(c: &mut Call, account: &str, region: &str, spec: &policies::ManagedKeySpec) -> KeyRef {
    if let Some(a) = c.w.kms.region(account, region).and_then(|r| r.aliases.get(spec.alias)) {
        return KeyRef { account: account.into(), region: region.into(), key_id: a.target_key_id.clone() };
    }
    let key_id = c.rng().uuid();
    let arn = key_arn(region, account, &key_id);
    let text = serde_json::to_string_pretty(&policies::managed_key_policy(spec, account, region)).expect("json");
    let policy = Policy::parse(&text, PolicyKind::Resource).expect("the managed key policy parses");
    let material = new_backing_key(c, None);
    let now = c.now();
    let key = Key {
        key_id: key_id.clone(),
        arn,
        account: account.into(),
        region: region.into(),
        creation_date: now,
        state: KeyState::Enabled,
        description: format!("Default key that protects my {} when no other key is defined", spec.protects),
        key_usage: ENCRYPT_DECRYPT.into(),
        key_spec: SYMMETRIC_DEFAULT.into(),
        origin: Origin::AWS_KMS,
        key_manager: KeyManager::AWS,
        multi_region: false,
        deletion_date: None,
        pending_window_days: None,
        policy,
        tags: BTreeMap::new(),
        materials: vec![material],
        rotation: Rotation { enabled: true, period_days: DEFAULT_ROTATION_DAYS, next: Some(now.plus(Duration::days(365))), on_demand_count: 0 },
        imported: None,
        grants: vec![],
        multi_region_links: None,
    };
    let reg = c.w.kms.region_mut(account, region);
    reg.keys.insert(key_id.clone(), key);
    reg.aliases.insert(
        spec.alias.into(),
        Alias { name: spec.alias.into(), target_key_id: key_id.clone(), creation_date: now, last_updated_date: now },
    );
    KeyRef { account: account.into(), region: region.into(), key_id }
}

/// The key ARN of the AWS managed key behind `alias` (`alias/aws/s3`, `alias/aws/ebs`, ...)
/// in the caller's account and region, creating it on first use as AWS does: KeyManager
/// AWS, a policy that allows use only through the service (`kms:ViaService`) by principals
/// of the account (`kms:CallerAccount`), rotation every year.
pub fn aws_managed_key(c: &mut Call, alias: &str) -> Result<String, AwsError> {
    let spec = policies::managed_key_spec(alias).ok_or_else(|| model::alias_not_found(&c.region(), &c.account(), alias))?;
    let (account, region) = (c.account(), c.region());
    let r = managed_key_in(c, &account, &region, spec);
    Ok(key(c, &r).arn.clone())
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateKeyRequest {
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub key_usage: Option<String>,
    #[serde(default)]
    pub customer_master_key_spec: Option<String>,
    #[serde(default)]
    pub key_spec: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
    #[serde(default)]
    pub bypass_policy_lockout_safety_check: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<Tag>>,
    #[serde(default)]
    pub multi_region: Option<bool>,
}

/// `MultiRegionConfiguration`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MultiRegionConfiguration {
    pub multi_region_key_type: String,
    pub primary_key: MultiRegionKey,
    pub replica_keys: Vec<MultiRegionKey>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MultiRegionKey {
    pub arn: String,
    pub region: String,
}

/// `KeyMetadata`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyMetadata {
    #[serde(rename = "AWSAccountId")]
    pub aws_account_id: String,
    pub key_id: String,
    pub arn: String,
    pub creation_date: Timestamp,
    pub enabled: bool,
    pub description: String,
    pub key_usage: String,
    pub key_state: KeyState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Timestamp>,
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_model: Option<String>,
    pub key_manager: KeyManager,
    pub customer_master_key_spec: String,
    pub key_spec: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_agreement_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac_algorithms: Option<Vec<String>>,
    pub multi_region: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multi_region_configuration: Option<MultiRegionConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_deletion_window_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_key_material_id: Option<String>,
}

/// The algorithms a key of `usage` lists in KeyMetadata and GetPublicKey (`None` when the
/// key has another usage: AWS omits the field).
pub fn algorithms(k: &Key, usage: &str) -> Option<Vec<String>> {
    if k.key_usage != usage {
        return None;
    }
    Some(match (k.spec(), usage) {
        (None, _) => vec![SYMMETRIC_DEFAULT.into()],
        (Some(p), ENCRYPT_DECRYPT) => p.encryption_algorithms(),
        (Some(p), "SIGN_VERIFY") => p.signing_algorithms(),
        (Some(p), KEY_AGREEMENT) => p.key_agreement_algorithms(),
        (Some(p), _) => p.mac_algorithms(),
    })
}

/// `MultiRegionConfiguration`: the same primary and replica list on every related key.
fn multi_region_configuration(k: &Key) -> Option<MultiRegionConfiguration> {
    let links = k.multi_region_links.clone().filter(|_| k.multi_region).unwrap_or_else(|| model::MultiRegionLinks { primary_region: k.region.clone(), replica_regions: vec![] });
    if !k.multi_region {
        return None;
    }
    let entry = |region: &str| MultiRegionKey { arn: key_arn(region, &k.account, &k.key_id), region: region.to_string() };
    Some(MultiRegionConfiguration {
        multi_region_key_type: if k.is_replica() { "REPLICA".into() } else { "PRIMARY".into() },
        primary_key: entry(&links.primary_region),
        replica_keys: links.replica_regions.iter().map(|r| entry(r)).collect(),
    })
}

pub fn metadata(k: &Key) -> KeyMetadata {
    KeyMetadata {
        aws_account_id: k.account.clone(),
        key_id: k.key_id.clone(),
        arn: k.arn.clone(),
        creation_date: k.creation_date,
        enabled: k.state == KeyState::Enabled,
        description: k.description.clone(),
        key_usage: k.key_usage.clone(),
        key_state: k.state,
        deletion_date: k.deletion_date,
        valid_to: k.imported.as_ref().and_then(|i| i.valid_to),
        origin: k.origin,
        expiration_model: k.imported.as_ref().and_then(|i| i.expiration_model.clone()),
        key_manager: k.key_manager,
        customer_master_key_spec: k.key_spec.clone(),
        key_spec: k.key_spec.clone(),
        encryption_algorithms: algorithms(k, ENCRYPT_DECRYPT),
        signing_algorithms: algorithms(k, "SIGN_VERIFY"),
        key_agreement_algorithms: algorithms(k, KEY_AGREEMENT),
        mac_algorithms: algorithms(k, "GENERATE_VERIFY_MAC"),
        multi_region: k.multi_region,
        multi_region_configuration: multi_region_configuration(k),
        // Shown only while a primary waits for its replicas; a key pending deletion shows its
        // DeletionDate instead.
        pending_deletion_window_in_days: k.pending_window_days.filter(|_| k.state == KeyState::PendingReplicaDeletion),
        current_key_material_id: k.current().map(|(_, b)| b.id.clone()),
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateKeyResponse {
    pub key_metadata: KeyMetadata,
}

pub fn create_key(c: &mut Call, req: CreateKeyRequest) -> Result<CreateKeyResponse, AwsError> {
    if let Some(d) = &req.description {
        check_len(d.len(), "description", 0, 8192)?;
    }
    if let Some(usage) = &req.key_usage {
        check_enum(usage, "keyUsage", KEY_USAGES)?;
    }
    if req.key_spec.is_some() && req.customer_master_key_spec.is_some() {
        return Err(KmsError::ValidationException.err("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated."));
    }
    let spec = req.key_spec.clone().or(req.customer_master_key_spec.clone()).unwrap_or_else(|| SYMMETRIC_DEFAULT.into());
    check_enum(&spec, "keySpec", KEY_SPECS)?;
    let usage = match req.key_usage.clone() {
        Some(usage) => usage,
        None if spec == SYMMETRIC_DEFAULT => ENCRYPT_DECRYPT.into(),
        None => return Err(KmsError::ValidationException.err("You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.")),
    };
    let origin = req.origin.clone().unwrap_or_else(|| "AWS_KMS".into());
    check_enum(&origin, "origin", &["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])?;
    let tags = req.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let multi_region = req.multi_region.unwrap_or(false);

    let mut ctx = vec![
        ("kms:KeySpec".into(), ContextValue::string(spec.clone())),
        ("kms:KeyUsage".into(), ContextValue::string(usage.clone())),
        ("kms:KeyOrigin".into(), ContextValue::string(origin.clone())),
        ("kms:MultiRegion".into(), ContextValue::bool(multi_region)),
        ("kms:BypassPolicyLockoutSafetyCheck".into(), ContextValue::bool(req.bypass_policy_lockout_safety_check.unwrap_or(false))),
    ];
    if let Some(v) = via_service(c) {
        ctx.push(("kms:ViaService".into(), ContextValue::string(v)));
    }
    ctx.extend(tag_context(&tags));
    authorize_plain(c, "kms:CreateKey", "*", ctx)?;

    let pair_spec = asymmetric::Spec::parse(&spec);
    let usages: &[&str] = match pair_spec {
        Some(p) => p.usages(),
        None if spec == SYMMETRIC_DEFAULT => &[ENCRYPT_DECRYPT],
        None => {
            return Err(KmsError::UnsupportedOperationException.err(format!(
                "KeySpec `{spec}` is not modelled by this simulator: it models SYMMETRIC_DEFAULT, RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_SECG_P256K1 and HMAC_224/256/384/512"
            )));
        }
    };
    if !usages.contains(&usage.as_str()) {
        return Err(KmsError::ValidationException.err(format!("KeyUsage {usage} is not compatible with KeySpec {spec}")));
    }
    if pair_spec.is_some() && origin != "AWS_KMS" {
        return Err(KmsError::UnsupportedOperationException.err(format!(
            "Origin `{origin}` with KeySpec {spec}: this simulator imports key material into symmetric encryption keys only"
        )));
    }
    let origin = match origin.as_str() {
        "AWS_KMS" => Origin::AWS_KMS,
        "EXTERNAL" => Origin::EXTERNAL,
        o => {
            return Err(KmsError::UnsupportedOperationException.err(format!(
                "Origin `{o}` needs a custom key store, which this simulator does not model"
            )));
        }
    };
    let account = c.account();
    let region = c.region();
    let key_id = if multi_region { format!("mrk-{}", c.rng().hex_id(32)) } else { c.rng().uuid() };
    let arn = key_arn(&region, &account, &key_id);
    let policy = match &req.policy {
        Some(doc) => {
            let p = parse_policy(doc)?;
            lockout_check(c, &arn, &p, req.bypass_policy_lockout_safety_check.unwrap_or(false))?;
            p
        }
        None => Policy::parse(&policies::default_key_policy(&account), PolicyKind::Resource).expect("the default key policy parses"),
    };
    let (state, materials, imported) = match origin {
        Origin::AWS_KMS => {
            let mut material = new_backing_key(c, None);
            if let Some(p) = pair_spec {
                material.material = asymmetric::generate(c.rng(), p);
            }
            (KeyState::Enabled, vec![material], None)
        }
        Origin::EXTERNAL => (KeyState::PendingImport, vec![], Some(Imported::default())),
    };
    let key = Key {
        key_id: key_id.clone(),
        arn: arn.clone(),
        account: account.clone(),
        region: region.clone(),
        creation_date: c.now(),
        state,
        description: req.description.unwrap_or_default(),
        key_usage: usage,
        key_spec: spec,
        origin,
        key_manager: KeyManager::CUSTOMER,
        multi_region,
        deletion_date: None,
        pending_window_days: None,
        policy,
        tags: tags.into_iter().map(|t| (t.tag_key, t.tag_value)).collect(),
        materials,
        rotation: Rotation { period_days: DEFAULT_ROTATION_DAYS, ..Rotation::default() },
        imported,
        grants: vec![],
        multi_region_links: multi_region.then(|| model::MultiRegionLinks { primary_region: region.clone(), replica_regions: vec![] }),
    };
    let meta = metadata(&key);
    c.w.kms.region_mut(&account, &region).keys.insert(key_id, key);
    c.resource(&arn, KEY_TYPE);
    c.response_elements = serde_json::json!({ "keyMetadata": camel_keys(serde_json::to_value(&meta).unwrap_or_default()) });
    Ok(CreateKeyResponse { key_metadata: meta })
}

/// The request of every operation that takes only a key.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct KeyIdRequest {
    pub key_id: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeKeyRequest {
    pub key_id: String,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeKeyResponse {
    pub key_metadata: KeyMetadata,
}

pub fn describe_key(c: &mut Call, req: DescribeKeyRequest) -> Result<DescribeKeyResponse, AwsError> {
    let tokens = read_tokens(&req.grant_tokens)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:DescribeKey").grant("DescribeKey", &tokens).alias(alias.as_deref()))?;
    gate(key(c, &r), Gate::Any)?;
    Ok(DescribeKeyResponse { key_metadata: metadata(key(c, &r)) })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListRequest {
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyListEntry {
    pub key_id: String,
    pub key_arn: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeysResponse {
    pub keys: Vec<KeyListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub truncated: bool,
}

pub fn list_keys(c: &mut Call, req: ListRequest) -> Result<ListKeysResponse, AwsError> {
    authorize_plain(c, "kms:ListKeys", "*", vec![])?;
    let keys: Vec<KeyListEntry> = c
        .w
        .kms
        .region(&c.account(), &c.region())
        .map(|r| r.keys.values().map(|k| KeyListEntry { key_id: k.key_id.clone(), key_arn: k.arn.clone() }).collect())
        .unwrap_or_default();
    let (keys, next_marker, truncated) = page(keys, req.limit, &req.marker, 100, 1000)?;
    Ok(ListKeysResponse { keys, next_marker, truncated })
}

/// EnableKey: Enabled again (an automatic rotation that fell due while the key was
/// disabled runs as soon as the clock hooks next run, which the script binding does at once).
pub fn enable_key(c: &mut Call, req: KeyIdRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:EnableKey").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:EnableKey")?;
    gate(key(c, &r), Gate::EnableDisable)?;
    key_mut(c, &r).state = KeyState::Enabled;
    Ok(())
}

pub fn disable_key(c: &mut Call, req: KeyIdRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:DisableKey").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:DisableKey")?;
    gate(key(c, &r), Gate::EnableDisable)?;
    key_mut(c, &r).state = KeyState::Disabled;
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateKeyDescriptionRequest {
    pub key_id: String,
    pub description: String,
}

pub fn update_key_description(c: &mut Call, req: UpdateKeyDescriptionRequest) -> Result<(), AwsError> {
    check_len(req.description.len(), "description", 0, 8192)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:UpdateKeyDescription").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:UpdateKeyDescription")?;
    gate(key(c, &r), Gate::NotPendingDeletion)?;
    key_mut(c, &r).description = req.description;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Deletion
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScheduleKeyDeletionRequest {
    pub key_id: String,
    #[serde(default)]
    pub pending_window_in_days: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionResponse {
    pub key_id: String,
    /// Absent for a multi-Region primary key with replicas: "The deletion date for the
    /// primary key isn't known until its last replica key is deleted."
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_date: Option<Timestamp>,
    pub key_state: KeyState,
    pub pending_window_in_days: u32,
}

pub fn schedule_key_deletion(c: &mut Call, req: ScheduleKeyDeletionRequest) -> Result<ScheduleKeyDeletionResponse, AwsError> {
    let days = req.pending_window_in_days.unwrap_or(30);
    check_range(days, "pendingWindowInDays", 1, 365)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:ScheduleKeyDeletion")
        .alias(alias.as_deref())
        .ctx("kms:ScheduleKeyDeletionPendingWindowInDays", ContextValue::typed(ValueType::Numeric, days.to_string()));
    authorize_key(c, &r, ask)?;
    refuse_managed(c, key(c, &r), "kms:ScheduleKeyDeletion")?;
    gate(key(c, &r), Gate::NotPendingDeletion)?;
    // "If you include a value, it must be between 7 and 30, inclusive."
    if !(7..=30).contains(&days) {
        return Err(KmsError::ValidationException.err("PendingWindowInDays must be between 7 and 30"));
    }
    // A multi-Region primary with replicas waits in PendingReplicaDeletion until its last
    // replica is deleted; only then does its own waiting period start.
    let has_replicas = key(c, &r).multi_region_links.as_ref().is_some_and(|l| l.primary_region == r.region && !l.replica_regions.is_empty());
    let (state, when) = if has_replicas { (KeyState::PendingReplicaDeletion, None) } else { (KeyState::PendingDeletion, Some(c.now().plus(Duration::days(days)))) };
    let k = key_mut(c, &r);
    k.state = state;
    k.deletion_date = when;
    k.pending_window_days = Some(days as u32);
    let arn = k.arn.clone();
    Ok(ScheduleKeyDeletionResponse { key_id: arn, deletion_date: when, key_state: state, pending_window_in_days: days as u32 })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdResponse {
    pub key_id: String,
}

/// CancelKeyDeletion: "When this operation succeeds, the key state of the KMS key is Disabled."
pub fn cancel_key_deletion(c: &mut Call, req: KeyIdRequest) -> Result<KeyIdResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:CancelKeyDeletion").alias(alias.as_deref()))?;
    gate(key(c, &r), Gate::CancelKeyDeletion)?;
    let k = key_mut(c, &r);
    k.state = KeyState::Disabled;
    k.deletion_date = None;
    k.pending_window_days = None;
    Ok(KeyIdResponse { key_id: k.arn.clone() })
}

// ---------------------------------------------------------------------------------------
// Cryptography
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EncryptRequest {
    pub key_id: String,
    pub plaintext: Blob,
    #[serde(default)]
    pub encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub encryption_algorithm: Option<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptResponse {
    pub ciphertext_blob: Blob,
    pub key_id: String,
    pub encryption_algorithm: String,
}

/// Encrypts under the key's current backing key; (blob, key ARN, backing key id).
fn seal_with(c: &mut Call, r: &KeyRef, plaintext: &[u8], ec: &EncryptionContext) -> (Vec<u8>, String, String) {
    let nonce = c.rng().array::<12>();
    let k = key(c, r);
    let (version, bk) = k.current().expect("enabled keys have material");
    (crypto::seal(&bk.material, &k.arn, version, nonce, plaintext, ec), k.arn.clone(), bk.id.clone())
}

pub fn encrypt(c: &mut Call, req: EncryptRequest) -> Result<EncryptResponse, AwsError> {
    check_len(req.plaintext.len(), "plaintext", 1, 4096)?;
    check_algorithm(&req.encryption_algorithm, "encryptionAlgorithm")?;
    let tokens = read_tokens(&req.grant_tokens)?;
    let ec = context_of(&req.encryption_context);
    let (r, alias) = resolve(c, &req.key_id)?;
    let alg = req.encryption_algorithm.clone().unwrap_or_else(|| SYMMETRIC_DEFAULT.into());
    let ask = Ask::new("kms:Encrypt")
        .grant("Encrypt", &tokens)
        .ec(&ec)
        .alias(alias.as_deref())
        .ctx("kms:EncryptionAlgorithm", ContextValue::string(alg));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Crypto)?;
    if !key(c, &r).is_symmetric() {
        return keypairs::rsa_encrypt(c, &r, &req, &ec);
    }
    require_usage(key(c, &r), ENCRYPT_DECRYPT, true, "Encrypt")?;
    symmetric_algorithm(key(c, &r), &req.encryption_algorithm)?;
    dry_run(req.dry_run)?;
    let (blob, arn, _) = seal_with(c, &r, &req.plaintext.0, &ec);
    Ok(EncryptResponse { ciphertext_blob: Blob(blob), key_id: arn, encryption_algorithm: SYMMETRIC_DEFAULT.into() })
}

/// Reads a ciphertext blob's key; the blob must name an existing key in the caller's region.
fn blob_key(c: &Call, blob: &[u8]) -> Result<(KeyRef, u32), AwsError> {
    let h = crypto::parse(blob).ok_or_else(|| KmsError::InvalidCiphertextException.err(INVALID_CIPHERTEXT))?;
    let missing = || {
        KmsError::AccessDeniedException
            .err("The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.")
    };
    let Some([_, _, region, account, resource]) = crate::world::arn::fields(&h.key_arn) else {
        return Err(missing());
    };
    let key_id = crate::world::arn::resource_id(resource);
    let mut r = KeyRef { account: account.to_string(), region: region.to_string(), key_id: key_id.to_string() };
    // A related multi-Region key in the caller's region decrypts a ciphertext of any of its
    // relatives: they share key material and key id.
    if r.key_id.starts_with("mrk-") {
        r.region = c.region();
    }
    if r.region != c.caller.region || c.w.kms.key(&r).is_none() {
        return Err(missing());
    }
    Ok((r, h.version))
}

/// Decrypts a blob with the key at `r` (already authorized and gated).
fn open_with(c: &Call, r: &KeyRef, version: u32, blob: &[u8], ec: &EncryptionContext) -> Result<(Vec<u8>, String), AwsError> {
    let invalid = || KmsError::InvalidCiphertextException.err(INVALID_CIPHERTEXT);
    let k = key(c, r);
    let bk = k.materials.get(version as usize).filter(|b| !b.material.is_empty()).ok_or_else(invalid)?;
    let plain = crypto::open(&bk.material, blob, ec).ok_or_else(invalid)?;
    Ok((plain, bk.id.clone()))
}

/// Where the ciphertext of a Decrypt or ReEncrypt request gets its key.
enum CiphertextKey {
    /// An RSA encryption key named by the request: an RSA ciphertext does not name its key.
    Rsa(KeyRef),
    /// A symmetric encryption key and the backing-key version the blob names (0 in a dry run
    /// that ignores the ciphertext, which stops before decrypting).
    Symmetric(KeyRef, u32),
}

/// The key of a Decrypt or ReEncrypt request's ciphertext. The key the request names
/// (`KeyId`, `SourceKeyId`) is resolved once: an RSA encryption key decrypts an RSA
/// ciphertext; otherwise the blob names its key, which a named key must be
/// (IncorrectKeyException when it differs, as for an HMAC or signing key). A dry run that
/// ignores the ciphertext takes the named key, which must then be a symmetric encryption key.
/// Also the alias the request named the key by, for `kms:RequestAlias`.
fn ciphertext_key(c: &mut Call, named: &Option<String>, blob: &[u8], ignore: bool, op: &str) -> Result<(CiphertextKey, Option<String>), AwsError> {
    let (named, alias) = match named {
        Some(id) => {
            let (r, alias) = resolve(c, id)?;
            (Some(r), alias)
        }
        None => (None, None),
    };
    let found = match named {
        Some(r) if !key(c, &r).is_symmetric() && key(c, &r).key_usage == ENCRYPT_DECRYPT => CiphertextKey::Rsa(r),
        Some(r) if ignore => {
            require_usage(key(c, &r), ENCRYPT_DECRYPT, true, op)?;
            CiphertextKey::Symmetric(r, 0)
        }
        named => {
            let (r, version) = blob_key(c, blob)?;
            if named.is_some_and(|n| n != r) {
                return Err(KmsError::IncorrectKeyException.err(INCORRECT_KEY));
            }
            CiphertextKey::Symmetric(r, version)
        }
    };
    Ok((found, alias))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DecryptRequest {
    /// Absent only in a dry run that ignores the ciphertext.
    #[serde(default)]
    pub ciphertext_blob: Blob,
    #[serde(default)]
    pub encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub encryption_algorithm: Option<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub dry_run_modifiers: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptResponse {
    pub key_id: String,
    pub plaintext: Blob,
    pub encryption_algorithm: String,
    /// Present only when a symmetric encryption key decrypted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

pub fn decrypt(c: &mut Call, req: DecryptRequest) -> Result<DecryptResponse, AwsError> {
    let ignore = ignores_ciphertext(req.dry_run, &req.dry_run_modifiers, &req.key_id, "KeyId")?;
    if !ignore || !req.ciphertext_blob.is_empty() {
        check_len(req.ciphertext_blob.len(), "ciphertextBlob", 1, 6144)?;
    }
    check_algorithm(&req.encryption_algorithm, "encryptionAlgorithm")?;
    let tokens = read_tokens(&req.grant_tokens)?;
    let ec = context_of(&req.encryption_context);
    let (found, alias) = ciphertext_key(c, &req.key_id, &req.ciphertext_blob.0, ignore, "Decrypt")?;
    let (r, version) = match found {
        CiphertextKey::Rsa(r) => return keypairs::rsa_decrypt(c, &r, alias.as_deref(), &req, &ec, &tokens),
        CiphertextKey::Symmetric(r, version) => (r, version),
    };
    let ask = Ask::new("kms:Decrypt").grant("Decrypt", &tokens).alias(alias.as_deref()).ec(&ec).ctx("kms:EncryptionAlgorithm", ContextValue::string(SYMMETRIC_DEFAULT));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Crypto)?;
    symmetric_algorithm(key(c, &r), &req.encryption_algorithm)?;
    dry_run(req.dry_run)?;
    let (plain, material_id) = open_with(c, &r, version, &req.ciphertext_blob.0, &ec)?;
    Ok(DecryptResponse { key_id: key(c, &r).arn.clone(), plaintext: Blob(plain), encryption_algorithm: SYMMETRIC_DEFAULT.into(), key_material_id: Some(material_id) })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReEncryptRequest {
    /// Absent only in a dry run that ignores the ciphertext.
    #[serde(default)]
    pub ciphertext_blob: Blob,
    #[serde(default)]
    pub source_encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub source_key_id: Option<String>,
    pub destination_key_id: String,
    #[serde(default)]
    pub destination_encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub source_encryption_algorithm: Option<String>,
    #[serde(default)]
    pub destination_encryption_algorithm: Option<String>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
    #[serde(default)]
    pub dry_run_modifiers: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptResponse {
    pub ciphertext_blob: Blob,
    pub source_key_id: String,
    pub key_id: String,
    pub source_encryption_algorithm: String,
    pub destination_encryption_algorithm: String,
    /// Present only when the source is a symmetric encryption key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_key_material_id: Option<String>,
    /// Present only when the destination is a symmetric encryption key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_key_material_id: Option<String>,
}

/// ReEncrypt: decrypts under the source key and encrypts under the destination key without
/// the plaintext leaving KMS. Needs `kms:ReEncryptFrom` on the source and `kms:ReEncryptTo`
/// on the destination. Either side may be an RSA ENCRYPT_DECRYPT key: an RSA ciphertext does
/// not name its key, so `SourceKeyId` and `SourceEncryptionAlgorithm` must; an RSA
/// destination needs `DestinationEncryptionAlgorithm`, and neither RSA side takes an
/// encryption context.
pub fn re_encrypt(c: &mut Call, req: ReEncryptRequest) -> Result<ReEncryptResponse, AwsError> {
    let ignore = ignores_ciphertext(req.dry_run, &req.dry_run_modifiers, &req.source_key_id, "SourceKeyId")?;
    if !ignore || !req.ciphertext_blob.is_empty() {
        check_len(req.ciphertext_blob.len(), "ciphertextBlob", 1, 6144)?;
    }
    check_algorithm(&req.source_encryption_algorithm, "sourceEncryptionAlgorithm")?;
    check_algorithm(&req.destination_encryption_algorithm, "destinationEncryptionAlgorithm")?;
    let tokens = read_tokens(&req.grant_tokens)?;
    let src_ec = context_of(&req.source_encryption_context);
    let dst_ec = context_of(&req.destination_encryption_context);
    // The source and, for a symmetric source, the backing-key version the blob names.
    let (found, src_alias) = ciphertext_key(c, &req.source_key_id, &req.ciphertext_blob.0, ignore, "ReEncrypt")?;
    let (src, version) = match found {
        CiphertextKey::Rsa(r) => (r, None),
        CiphertextKey::Symmetric(r, version) => (r, Some(version)),
    };
    let (dst, dst_alias) = resolve(c, &req.destination_key_id)?;
    let same = ContextValue::bool(src == dst);
    let src_alg = req.source_encryption_algorithm.as_deref().unwrap_or(SYMMETRIC_DEFAULT);
    let dst_alg = req.destination_encryption_algorithm.as_deref().unwrap_or(SYMMETRIC_DEFAULT);
    let ask = Ask::new("kms:ReEncryptFrom")
        .grant("ReEncryptFrom", &tokens)
        .alias(src_alias.as_deref())
        .ec(&src_ec)
        .ctx("kms:ReEncryptOnSameKey", same.clone())
        .ctx("kms:EncryptionAlgorithm", ContextValue::string(src_alg.to_string()));
    authorize_key(c, &src, ask)?;
    let ask = Ask::new("kms:ReEncryptTo")
        .grant("ReEncryptTo", &tokens)
        .ec(&dst_ec)
        .alias(dst_alias.as_deref())
        .ctx("kms:ReEncryptOnSameKey", same)
        .ctx("kms:EncryptionAlgorithm", ContextValue::string(dst_alg.to_string()));
    authorize_key(c, &dst, ask)?;
    gate(key(c, &src), Gate::Crypto)?;
    gate(key(c, &dst), Gate::Crypto)?;
    let src_alg = match version {
        Some(_) => symmetric_algorithm(key(c, &src), &req.source_encryption_algorithm).map(|_| SYMMETRIC_DEFAULT.to_string())?,
        None => keypairs::rsa_check(key(c, &src), &req.source_encryption_algorithm, &src_ec, "ReEncrypt")?,
    };
    let dst_rsa = !key(c, &dst).is_symmetric();
    let dst_alg = if dst_rsa {
        keypairs::rsa_check(key(c, &dst), &req.destination_encryption_algorithm, &dst_ec, "ReEncrypt")?
    } else {
        require_usage(key(c, &dst), ENCRYPT_DECRYPT, true, "ReEncrypt")?;
        symmetric_algorithm(key(c, &dst), &req.destination_encryption_algorithm)?;
        SYMMETRIC_DEFAULT.to_string()
    };
    dry_run(req.dry_run)?;
    let (plain, src_material) = match version {
        Some(v) => open_with(c, &src, v, &req.ciphertext_blob.0, &src_ec).map(|(p, id)| (p, Some(id)))?,
        None => (keypairs::rsa_open(c, &src, &src_alg, &req.ciphertext_blob.0)?, None),
    };
    let (blob, dst_material) = if dst_rsa {
        keypairs::rsa_fits(key(c, &dst), &dst_alg, plain.len())?;
        (keypairs::rsa_seal(c, &dst, &dst_alg, &plain), None)
    } else {
        let (blob, _, material) = seal_with(c, &dst, &plain, &dst_ec);
        (blob, Some(material))
    };
    Ok(ReEncryptResponse {
        ciphertext_blob: Blob(blob),
        source_key_id: key(c, &src).arn.clone(),
        key_id: key(c, &dst).arn.clone(),
        source_encryption_algorithm: src_alg,
        destination_encryption_algorithm: dst_alg,
        source_key_material_id: src_material,
        destination_key_material_id: dst_material,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenerateDataKeyRequest {
    pub key_id: String,
    #[serde(default)]
    pub encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub number_of_bytes: Option<i64>,
    #[serde(default)]
    pub key_spec: Option<String>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyResponse {
    pub ciphertext_blob: Blob,
    pub plaintext: Blob,
    pub key_id: String,
    pub key_material_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyWithoutPlaintextResponse {
    pub ciphertext_blob: Blob,
    pub key_id: String,
    pub key_material_id: String,
}

/// The shared body of GenerateDataKey and GenerateDataKeyWithoutPlaintext.
fn data_key(c: &mut Call, req: GenerateDataKeyRequest, action: &'static str, grant_op: &'static str) -> Result<GenerateDataKeyResponse, AwsError> {
    if let Some(s) = &req.key_spec {
        check_enum(s, "keySpec", &["AES_256", "AES_128"])?;
    }
    if let Some(n) = req.number_of_bytes {
        check_range(n, "numberOfBytes", 1, 1024)?;
    }
    // "You must specify either the KeySpec or the NumberOfBytes parameter (but not both)."
    let len = match (&req.key_spec, req.number_of_bytes) {
        (Some(s), None) => if s == "AES_128" { 16 } else { 32 },
        (None, Some(n)) => n as usize,
        _ => return Err(KmsError::ValidationException.err("Please specify either number of bytes or key spec.")),
    };
    let tokens = read_tokens(&req.grant_tokens)?;
    let ec = context_of(&req.encryption_context);
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new(action)
        .grant(grant_op, &tokens)
        .ec(&ec)
        .alias(alias.as_deref())
        .ctx("kms:EncryptionAlgorithm", ContextValue::string(SYMMETRIC_DEFAULT));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Crypto)?;
    require_usage(key(c, &r), ENCRYPT_DECRYPT, true, grant_op)?;
    dry_run(req.dry_run)?;
    let plain = c.rng().bytes(len);
    let (blob, arn, material_id) = seal_with(c, &r, &plain, &ec);
    Ok(GenerateDataKeyResponse { ciphertext_blob: Blob(blob), plaintext: Blob(plain), key_id: arn, key_material_id: material_id })
}

/// GenerateDataKey: a fresh data key, in plaintext and encrypted under the KMS key. Use the
/// plaintext to encrypt data locally, discard it, keep the encrypted copy with the data.
pub fn generate_data_key(c: &mut Call, req: GenerateDataKeyRequest) -> Result<GenerateDataKeyResponse, AwsError> {
    data_key(c, req, "kms:GenerateDataKey", "GenerateDataKey")
}

pub fn generate_data_key_without_plaintext(c: &mut Call, req: GenerateDataKeyRequest) -> Result<GenerateDataKeyWithoutPlaintextResponse, AwsError> {
    let r = data_key(c, req, "kms:GenerateDataKeyWithoutPlaintext", "GenerateDataKeyWithoutPlaintext")?;
    Ok(GenerateDataKeyWithoutPlaintextResponse { ciphertext_blob: r.ciphertext_blob, key_id: r.key_id, key_material_id: r.key_material_id })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenerateRandomRequest {
    #[serde(default)]
    pub number_of_bytes: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateRandomResponse {
    pub plaintext: Blob,
}

/// GenerateRandom: bytes from the world's seeded generator (a simulator: reproducible, not secret).
pub fn generate_random(c: &mut Call, req: GenerateRandomRequest) -> Result<GenerateRandomResponse, AwsError> {
    let n = req.number_of_bytes.ok_or_else(|| KmsError::ValidationException.err("NumberOfBytes is required."))?;
    check_range(n, "numberOfBytes", 1, 1024)?;
    authorize_plain(c, "kms:GenerateRandom", "*", vec![])?;
    Ok(GenerateRandomResponse { plaintext: Blob(c.rng().bytes(n as usize)) })
}

// ---------------------------------------------------------------------------------------
// Aliases
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AliasRequest {
    pub alias_name: String,
    pub target_key_id: String,
}

/// Resolves an alias's target, which must be a key id or key ARN (not another alias).
fn alias_target(c: &mut Call, target: &str) -> Result<KeyRef, AwsError> {
    match model::parse_key_name(target, &c.account(), &c.region())? {
        KeyName::Alias { .. } => Err(KmsError::ValidationException.err("Aliases must refer to keys. Not aliases")),
        name => model::find(&c.w.kms, name),
    }
}

pub fn create_alias(c: &mut Call, req: AliasRequest) -> Result<(), AwsError> {
    check_len(req.alias_name.len(), "aliasName", 1, 256)?;
    check_len(req.target_key_id.len(), "targetKeyId", 1, 2048)?;
    let (account, region) = (c.account(), c.region());
    let r = alias_target(c, &req.target_key_id)?;
    if r.account != account {
        return Err(model::key_not_found(&key(c, &r).arn));
    }
    let aarn = alias_arn(&region, &account, &req.alias_name);
    authorize_plain(c, "kms:CreateAlias", &aarn, vec![])?;
    authorize_key(c, &r, Ask::new("kms:CreateAlias"))?;
    refuse_managed(c, key(c, &r), "kms:CreateAlias")?;
    model::check_alias_name(&req.alias_name)?;
    gate(key(c, &r), Gate::NotPendingDeletion)?;
    let reg = c.w.kms.region_mut(&account, &region);
    if reg.aliases.contains_key(&req.alias_name) {
        return Err(KmsError::AlreadyExistsException.err(format!("An alias with the name {aarn} already exists")));
    }
    if reg.aliases.values().filter(|a| a.target_key_id == r.key_id).count() >= ALIASES_PER_KEY {
        return Err(KmsError::LimitExceededException.err(format!("A KMS key can have at most {ALIASES_PER_KEY} aliases.")));
    }
    let now = c.now();
    c.w.kms.region_mut(&account, &region).aliases.insert(
        req.alias_name.clone(),
        Alias { name: req.alias_name, target_key_id: r.key_id, creation_date: now, last_updated_date: now },
    );
    Ok(())
}

/// UpdateAlias: points an existing alias at another key (manual rotation: applications that
/// use the alias move to the new key; the old key still decrypts what it encrypted).
pub fn update_alias(c: &mut Call, req: AliasRequest) -> Result<(), AwsError> {
    check_len(req.alias_name.len(), "aliasName", 1, 256)?;
    let (account, region) = (c.account(), c.region());
    let old = c
        .w
        .kms
        .region(&account, &region)
        .and_then(|r| r.aliases.get(&req.alias_name))
        .map(|a| KeyRef { account: account.clone(), region: region.clone(), key_id: a.target_key_id.clone() })
        .ok_or_else(|| model::alias_not_found(&region, &account, &req.alias_name))?;
    let new = alias_target(c, &req.target_key_id)?;
    if new.account != account {
        return Err(model::key_not_found(&key(c, &new).arn));
    }
    authorize_plain(c, "kms:UpdateAlias", &alias_arn(&region, &account, &req.alias_name), vec![])?;
    authorize_key(c, &old, Ask::new("kms:UpdateAlias"))?;
    authorize_key(c, &new, Ask::new("kms:UpdateAlias"))?;
    model::check_alias_name(&req.alias_name)?;
    refuse_managed(c, key(c, &new), "kms:UpdateAlias")?;
    gate(key(c, &new), Gate::NotPendingDeletion)?;
    let now = c.now();
    let a = c.w.kms.region_mut(&account, &region).aliases.get_mut(&req.alias_name).expect("checked above");
    a.target_key_id = new.key_id;
    a.last_updated_date = now;
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteAliasRequest {
    pub alias_name: String,
}

pub fn delete_alias(c: &mut Call, req: DeleteAliasRequest) -> Result<(), AwsError> {
    let (account, region) = (c.account(), c.region());
    let target = c
        .w
        .kms
        .region(&account, &region)
        .and_then(|r| r.aliases.get(&req.alias_name))
        .map(|a| KeyRef { account: account.clone(), region: region.clone(), key_id: a.target_key_id.clone() })
        .ok_or_else(|| model::alias_not_found(&region, &account, &req.alias_name))?;
    authorize_plain(c, "kms:DeleteAlias", &alias_arn(&region, &account, &req.alias_name), vec![])?;
    authorize_key(c, &target, Ask::new("kms:DeleteAlias"))?;
    model::check_alias_name(&req.alias_name)?;
    c.w.kms.region_mut(&account, &region).aliases.remove(&req.alias_name);
    Ok(())
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListAliasesRequest {
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasListEntry {
    pub alias_name: String,
    pub alias_arn: String,
    /// Absent for a predefined AWS alias not yet associated with a key (as are the dates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated_date: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAliasesResponse {
    pub aliases: Vec<AliasListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub truncated: bool,
}

pub fn list_aliases(c: &mut Call, req: ListAliasesRequest) -> Result<ListAliasesResponse, AwsError> {
    authorize_plain(c, "kms:ListAliases", "*", vec![])?;
    let (account, region) = (c.account(), c.region());
    let filter = match &req.key_id {
        Some(id) => Some(resolve(c, id)?.0.key_id),
        None => None,
    };
    let existing = c.w.kms.region(&account, &region).map(|r| &r.aliases);
    let mut aliases: Vec<AliasListEntry> = existing
        .into_iter()
        .flat_map(|a| a.values())
        .filter(|a| filter.as_ref().is_none_or(|k| *k == a.target_key_id))
        .map(|a| AliasListEntry {
            alias_name: a.name.clone(),
            alias_arn: alias_arn(&region, &account, &a.name),
            target_key_id: Some(a.target_key_id.clone()),
            creation_date: Some(a.creation_date),
            last_updated_date: Some(a.last_updated_date),
        })
        .collect();
    // "The response might also include aliases that have no TargetKeyId field. These are
    // predefined aliases that Amazon Web Services has created but has not yet associated
    // with a KMS key": the AWS managed keys' aliases, until a service first uses one.
    if filter.is_none() {
        let unassociated = policies::MANAGED_KEYS.iter().filter(|m| existing.is_none_or(|a| !a.contains_key(m.alias)));
        aliases.extend(unassociated.map(|m| AliasListEntry {
            alias_name: m.alias.to_string(),
            alias_arn: alias_arn(&region, &account, m.alias),
            target_key_id: None,
            creation_date: None,
            last_updated_date: None,
        }));
        aliases.sort_by(|a, b| a.alias_name.cmp(&b.alias_name));
    }
    let (aliases, next_marker, truncated) = page(aliases, req.limit, &req.marker, 50, 100)?;
    Ok(ListAliasesResponse { aliases, next_marker, truncated })
}

// ---------------------------------------------------------------------------------------
// Key policies
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetKeyPolicyRequest {
    pub key_id: String,
    #[serde(default)]
    pub policy_name: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyPolicyResponse {
    pub policy: String,
    pub policy_name: String,
}

pub fn get_key_policy(c: &mut Call, req: GetKeyPolicyRequest) -> Result<GetKeyPolicyResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:GetKeyPolicy").alias(alias.as_deref()))?;
    if req.policy_name.as_deref().is_some_and(|n| n != POLICY_NAME) {
        return Err(KmsError::NotFoundException.err("No such policy exists"));
    }
    Ok(GetKeyPolicyResponse { policy: key(c, &r).policy.text().to_string(), policy_name: POLICY_NAME.into() })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutKeyPolicyRequest {
    pub key_id: String,
    #[serde(default)]
    pub policy_name: Option<String>,
    pub policy: PolicyDocument,
    #[serde(default)]
    pub bypass_policy_lockout_safety_check: Option<bool>,
}

pub fn put_key_policy(c: &mut Call, req: PutKeyPolicyRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:PutKeyPolicy").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:PutKeyPolicy")?;
    if req.policy_name.as_deref().is_some_and(|n| n != POLICY_NAME) {
        return Err(KmsError::UnsupportedOperationException.err("Only default policy is supported"));
    }
    let policy = parse_policy(&req.policy)?;
    lockout_check(c, &key(c, &r).arn, &policy, req.bypass_policy_lockout_safety_check.unwrap_or(false))?;
    key_mut(c, &r).policy = policy;
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListKeyPoliciesRequest {
    pub key_id: String,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyPoliciesResponse {
    pub policy_names: Vec<String>,
    pub truncated: bool,
}

pub fn list_key_policies(c: &mut Call, req: ListKeyPoliciesRequest) -> Result<ListKeyPoliciesResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:ListKeyPolicies").alias(alias.as_deref()))?;
    let (names, _, truncated) = page(vec![POLICY_NAME.to_string()], req.limit, &req.marker, 100, 1000)?;
    Ok(ListKeyPoliciesResponse { policy_names: names, truncated })
}

// ---------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagResourceRequest {
    pub key_id: String,
    pub tags: Vec<Tag>,
}

pub fn tag_resource(c: &mut Call, req: TagResourceRequest) -> Result<(), AwsError> {
    check_tags(&req.tags)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let mut ask = Ask::new("kms:TagResource").alias(alias.as_deref());
    ask.extra = tag_context(&req.tags);
    authorize_key(c, &r, ask)?;
    refuse_managed(c, key(c, &r), "kms:TagResource")?;
    gate(key(c, &r), Gate::NotPendingDeletion)?;
    let mut tags = key(c, &r).tags.clone();
    tags.extend(req.tags.into_iter().map(|t| (t.tag_key, t.tag_value)));
    if tags.len() > TAGS_PER_KEY {
        return Err(KmsError::LimitExceededException.err(format!("A KMS key can have at most {TAGS_PER_KEY} tags.")));
    }
    key_mut(c, &r).tags = tags;
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UntagResourceRequest {
    pub key_id: String,
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(c: &mut Call, req: UntagResourceRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:UntagResource")
        .alias(alias.as_deref())
        .ctx("aws:TagKeys", ContextValue::list(ValueType::String, req.tag_keys.clone()));
    authorize_key(c, &r, ask)?;
    refuse_managed(c, key(c, &r), "kms:UntagResource")?;
    gate(key(c, &r), Gate::NotPendingDeletion)?;
    let k = key_mut(c, &r);
    for t in &req.tag_keys {
        k.tags.remove(t);
    }
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceTagsResponse {
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub truncated: bool,
}

pub fn list_resource_tags(c: &mut Call, req: ListKeyPoliciesRequest) -> Result<ListResourceTagsResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:ListResourceTags").alias(alias.as_deref()))?;
    let tags: Vec<Tag> = key(c, &r).tags.iter().map(|(k, v)| Tag { tag_key: k.clone(), tag_value: v.clone() }).collect();
    let (tags, next_marker, truncated) = page(tags, req.limit, &req.marker, 50, 50)?;
    Ok(ListResourceTagsResponse { tags, next_marker, truncated })
}

// ---------------------------------------------------------------------------------------
// Rotation
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EnableKeyRotationRequest {
    pub key_id: String,
    #[serde(default)]
    pub rotation_period_in_days: Option<i64>,
}

pub fn enable_key_rotation(c: &mut Call, req: EnableKeyRotationRequest) -> Result<(), AwsError> {
    let days = req.rotation_period_in_days.unwrap_or(DEFAULT_ROTATION_DAYS as i64);
    check_range(days, "rotationPeriodInDays", 90, 2560)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:EnableKeyRotation")
        .alias(alias.as_deref())
        .ctx("kms:RotationPeriodInDays", ContextValue::typed(ValueType::Numeric, days.to_string()));
    authorize_key(c, &r, ask)?;
    refuse_managed(c, key(c, &r), "kms:EnableKeyRotation")?;
    gate(key(c, &r), Gate::Rotation)?;
    let now = c.now();
    let k = key_mut(c, &r);
    let period = Duration::days(days);
    // A new schedule starts now; a changed period keeps the schedule's anchor (the last
    // rotation, or when rotation was enabled) but never falls in the past.
    let next = match (k.rotation.enabled, k.rotation.next) {
        (true, Some(next)) => next.minus(Duration::days(k.rotation.period_days as i64)).plus(period).max(now),
        _ => now.plus(period),
    };
    k.rotation.enabled = true;
    k.rotation.period_days = days as u32;
    k.rotation.next = Some(next);
    Ok(())
}

pub fn disable_key_rotation(c: &mut Call, req: KeyIdRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:DisableKeyRotation").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:DisableKeyRotation")?;
    gate(key(c, &r), Gate::Rotation)?;
    let k = key_mut(c, &r);
    k.rotation.enabled = false;
    k.rotation.next = None;
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyRotationStatusResponse {
    pub key_rotation_enabled: bool,
    pub key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_period_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_rotation_date: Option<Timestamp>,
}

pub fn get_key_rotation_status(c: &mut Call, req: KeyIdRequest) -> Result<GetKeyRotationStatusResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:GetKeyRotationStatus").alias(alias.as_deref()))?;
    let k = key(c, &r);
    gate(k, Gate::GetKeyRotationStatus)?;
    let on = k.rotation_enabled();
    Ok(GetKeyRotationStatusResponse {
        key_rotation_enabled: on,
        key_id: k.arn.clone(),
        rotation_period_in_days: on.then_some(k.rotation.period_days),
        next_rotation_date: if on { k.rotation.next } else { None },
    })
}

/// RotateKeyOnDemand: rotates now (in the simulator the rotation completes at once), without
/// changing the automatic schedule; at most 25 times per key.
pub fn rotate_key_on_demand(c: &mut Call, req: KeyIdRequest) -> Result<KeyIdResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:RotateKeyOnDemand").alias(alias.as_deref()))?;
    refuse_managed(c, key(c, &r), "kms:RotateKeyOnDemand")?;
    let k = key(c, &r);
    gate(k, Gate::RotateOnDemand)?;
    if k.rotation.on_demand_count >= ON_DEMAND_ROTATION_LIMIT {
        return Err(KmsError::LimitExceededException.err(format!(
            "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {}",
            k.arn
        )));
    }
    if k.rotation_enabled() && k.rotation.next.is_some_and(|n| n <= c.now().plus(Duration::minutes(20))) {
        return Err(KmsError::ConflictException.err(
            "An automatic rotation of this key is currently in progress or scheduled to begin within the next 20 minutes.",
        ));
    }
    // A new backing key; the old ones stay, so old ciphertexts still decrypt.
    let fresh = new_backing_key(c, Some("ON_DEMAND"));
    let k = key_mut(c, &r);
    k.materials.push(fresh);
    k.rotation.on_demand_count += 1;
    let arn = k.arn.clone();
    c.w.kms.share_materials(&r);
    Ok(KeyIdResponse { key_id: arn })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListKeyRotationsRequest {
    pub key_id: String,
    #[serde(default)]
    pub include_key_material: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationsListEntry {
    pub key_id: String,
    pub key_material_id: String,
    pub key_material_state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_date: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_type: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyRotationsResponse {
    pub rotations: Vec<RotationsListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub truncated: bool,
}

/// ListKeyRotations: completed rotations (ROTATIONS_ONLY, the default) or every key
/// material the key has had (ALL_KEY_MATERIAL), oldest first.
pub fn list_key_rotations(c: &mut Call, req: ListKeyRotationsRequest) -> Result<ListKeyRotationsResponse, AwsError> {
    let include = req.include_key_material.clone().unwrap_or_else(|| "ROTATIONS_ONLY".into());
    check_enum(&include, "includeKeyMaterial", &["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"])?;
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:ListKeyRotations").alias(alias.as_deref()))?;
    let k = key(c, &r);
    let last = k.materials.len().saturating_sub(1);
    let rows: Vec<RotationsListEntry> = k
        .materials
        .iter()
        .enumerate()
        .filter(|(_, b)| include == "ALL_KEY_MATERIAL" || b.rotation_type.is_some())
        .map(|(i, b)| RotationsListEntry {
            key_id: k.arn.clone(),
            key_material_id: b.id.clone(),
            key_material_state: if i == last { "CURRENT" } else { "NON_CURRENT" }.into(),
            rotation_date: b.rotation_type.as_ref().map(|_| b.created),
            rotation_type: b.rotation_type.clone(),
        })
        .collect();
    let (rotations, next_marker, truncated) = page(rows, req.limit, &req.marker, 100, 1000)?;
    Ok(ListKeyRotationsResponse { rotations, next_marker, truncated })
}

// ---------------------------------------------------------------------------------------
// Grants
// ---------------------------------------------------------------------------------------

/// The grant operations of the API model.
pub const GRANT_OPERATIONS: &[&str] = &[
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify",
    "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac", "VerifyMac", "DeriveSharedSecret", "Encapsulate", "Decapsulate",
];

/// The grant operations a symmetric encryption key supports.
const SYMMETRIC_GRANT_OPERATIONS: &[&str] = &[
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant",
    "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
];

/// The grant operations a key supports, by key spec and usage (Developer Guide "Grant
/// operations": a grant for an operation the key cannot perform is a ValidationError).
fn grant_operations_for(k: &Key) -> &'static [&'static str] {
    match k.key_usage.as_str() {
        _ if k.is_symmetric() => SYMMETRIC_GRANT_OPERATIONS,
        ENCRYPT_DECRYPT => &["Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey"],
        "SIGN_VERIFY" => &["Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey"],
        KEY_AGREEMENT => &["DeriveSharedSecret", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey"],
        _ => &["GenerateMac", "VerifyMac", "CreateGrant", "RetireGrant", "DescribeKey"],
    }
}

fn check_principal(p: &str, field: &str) -> Result<(), AwsError> {
    check_len(p.len(), field, 1, 256)?;
    let account_id = p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit());
    let arn_ok = p.parse::<crate::world::Arn>().is_ok_and(|a| matches!(a.service.as_str(), "iam" | "sts"));
    if account_id || arn_ok {
        Ok(())
    } else {
        Err(KmsError::InvalidArnException.err(format!("`{p}` is not a valid principal: use an AWS account ID or the ARN of an IAM user, role or assumed-role session")))
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateGrantRequest {
    pub key_id: String,
    pub grantee_principal: String,
    #[serde(default)]
    pub retiring_principal: Option<String>,
    pub operations: Vec<String>,
    #[serde(default)]
    pub constraints: Option<GrantConstraints>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGrantResponse {
    pub grant_token: String,
    pub grant_id: String,
}

/// CreateGrant. The grant allows its grantee the listed operations (within its encryption
/// context constraints) once it has propagated ([`GRANT_PROPAGATION`]), or at once for a
/// request that passes the returned grant token. A grantee whose grant allows CreateGrant
/// may create grants for the same or fewer operations.
pub fn create_grant(c: &mut Call, req: CreateGrantRequest) -> Result<CreateGrantResponse, AwsError> {
    check_principal(&req.grantee_principal, "granteePrincipal")?;
    if let Some(p) = &req.retiring_principal {
        check_principal(p, "retiringPrincipal")?;
    }
    if req.operations.is_empty() {
        return Err(constraint(None, "operations", "have length greater than or equal to 1"));
    }
    for o in &req.operations {
        check_enum(o, "operations.member", GRANT_OPERATIONS)?;
    }
    if let Some(n) = &req.name {
        check_len(n.len(), "name", 1, 256)?;
        if !n.bytes().all(|b| b.is_ascii_alphanumeric() || b":/_-".contains(&b)) {
            return Err(constraint(Some(n), "name", "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"));
        }
    }
    if let Some(k) = &req.constraints {
        for m in [&k.encryption_context_subset, &k.encryption_context_equals].into_iter().flatten() {
            if m.len() > 8 || m.values().any(|v| v.len() > 384) {
                return Err(KmsError::ValidationException.err("A grant constraint can have at most 8 encryption context pairs, each value at most 384 characters."));
            }
        }
    }
    let tokens = read_tokens(&req.grant_tokens)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let mut ask = Ask::new("kms:CreateGrant")
        .grant("CreateGrant", &tokens)
        .alias(alias.as_deref())
        .ctx("kms:GrantOperations", ContextValue::list(ValueType::String, req.operations.clone()))
        .ctx("kms:GranteePrincipal", ContextValue::string(req.grantee_principal.clone()))
        .ctx("kms:GrantIsForAWSResource", ContextValue::bool(c.caller.via_service.is_some()));
    ask.grant_ops = Some(&req.operations);
    if let Some(p) = &req.retiring_principal {
        ask = ask.ctx("kms:RetiringPrincipal", ContextValue::string(p.clone()));
    }
    if let Some(k) = &req.constraints {
        let mut types = vec![];
        if k.encryption_context_equals.is_some() {
            types.push("EncryptionContextEquals".to_string());
        }
        if k.encryption_context_subset.is_some() {
            types.push("EncryptionContextSubset".to_string());
        }
        ask = ask.ctx("kms:GrantConstraintType", ContextValue::list(ValueType::String, types));
    }
    authorize_key(c, &r, ask)?;
    let k = key(c, &r);
    gate(k, Gate::Crypto)?;
    let valid = grant_operations_for(k);
    let unsupported: Vec<&String> = req.operations.iter().filter(|o| !valid.contains(&o.as_str())).collect();
    if !unsupported.is_empty() {
        return Err(crate::world::CommonError::ValidationError.err(format!(
            "Grant operations {unsupported:?} are not valid for a KMS key with KeySpec {} and KeyUsage {}",
            k.key_spec, k.key_usage
        )));
    }
    if k.grants.len() >= GRANTS_PER_KEY {
        return Err(KmsError::LimitExceededException.err(format!("A KMS key can have at most {GRANTS_PER_KEY} grants.")));
    }
    dry_run(req.dry_run)?;
    let issuing_account = format!("arn:aws:iam::{}:root", c.account());
    let mut ops = req.operations.clone();
    ops.dedup();
    // A retried CreateGrant with the same Name and parameters returns the same grant.
    let existing = req.name.as_ref().and_then(|n| {
        k.grants
            .iter()
            .find(|g| {
                g.name.as_ref() == Some(n)
                    && g.grantee_principal == req.grantee_principal
                    && g.retiring_principal == req.retiring_principal
                    && g.operations == ops
                    && g.constraints == req.constraints
            })
            .map(|g| g.grant_id.clone())
    });
    let arn = k.arn.clone();
    let grant_id = match existing {
        Some(id) => id,
        None => {
            let id = c.rng().hex_id(64);
            let g = Grant {
                grant_id: id.clone(),
                name: req.name.clone(),
                creation_date: c.now(),
                grantee_principal: req.grantee_principal.clone(),
                retiring_principal: req.retiring_principal.clone(),
                issuing_account,
                operations: ops,
                constraints: req.constraints.clone(),
            };
            key_mut(c, &r).grants.push(g);
            id
        }
    };
    let grant_token = make_token(c, &arn, &grant_id);
    c.response_elements = serde_json::json!({ "grantId": grant_id });
    Ok(CreateGrantResponse { grant_token, grant_id })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListGrantsRequest {
    pub key_id: String,
    #[serde(default)]
    pub grant_id: Option<String>,
    #[serde(default)]
    pub grantee_principal: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

/// `GrantListEntry`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GrantListEntry {
    pub key_id: String,
    pub grant_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub creation_date: Timestamp,
    pub grantee_principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retiring_principal: Option<String>,
    pub issuing_account: String,
    pub operations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<GrantConstraints>,
}

fn grant_entry(key_arn: &str, g: &Grant) -> GrantListEntry {
    GrantListEntry {
        key_id: key_arn.to_string(),
        grant_id: g.grant_id.clone(),
        name: g.name.clone(),
        creation_date: g.creation_date,
        grantee_principal: g.grantee_principal.clone(),
        retiring_principal: g.retiring_principal.clone(),
        issuing_account: g.issuing_account.clone(),
        operations: g.operations.clone(),
        constraints: g.constraints.clone(),
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantsResponse {
    pub grants: Vec<GrantListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub truncated: bool,
}

pub fn list_grants(c: &mut Call, req: ListGrantsRequest) -> Result<ListGrantsResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:ListGrants").alias(alias.as_deref()))?;
    let k = key(c, &r);
    if let Some(id) = &req.grant_id
        && !k.grants.iter().any(|g| g.grant_id == *id)
    {
        return Err(KmsError::InvalidGrantIdException.err(format!("Grant ID `{id}` does not identify a grant of this KMS key.")));
    }
    let rows: Vec<GrantListEntry> = k
        .grants
        .iter()
        .filter(|g| req.grant_id.as_ref().is_none_or(|id| *id == g.grant_id))
        .filter(|g| req.grantee_principal.as_ref().is_none_or(|p| *p == g.grantee_principal))
        .map(|g| grant_entry(&k.arn, g))
        .collect();
    let (grants, next_marker, truncated) = page(rows, req.limit, &req.marker, 50, 100)?;
    Ok(ListGrantsResponse { grants, next_marker, truncated })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListRetirableGrantsRequest {
    pub retiring_principal: String,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

/// ListRetirableGrants: the grants of every key in the caller's account and region whose
/// retiring principal is the one given.
pub fn list_retirable_grants(c: &mut Call, req: ListRetirableGrantsRequest) -> Result<ListGrantsResponse, AwsError> {
    check_principal(&req.retiring_principal, "retiringPrincipal")?;
    authorize_plain(c, "kms:ListRetirableGrants", "*", vec![])?;
    let rows: Vec<GrantListEntry> = c
        .w
        .kms
        .region(&c.account(), &c.region())
        .map(|reg| {
            reg.keys
                .values()
                .flat_map(|k| k.grants.iter().filter(|g| g.retiring_principal.as_ref() == Some(&req.retiring_principal)).map(|g| grant_entry(&k.arn, g)))
                .collect()
        })
        .unwrap_or_default();
    let (grants, next_marker, truncated) = page(rows, req.limit, &req.marker, 50, 100)?;
    Ok(ListGrantsResponse { grants, next_marker, truncated })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RetireGrantRequest {
    #[serde(default)]
    pub grant_token: Option<String>,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub grant_id: Option<String>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

fn find_grant(c: &Call, r: &KeyRef, grant_id: &str) -> Result<Grant, AwsError> {
    key(c, r)
        .grants
        .iter()
        .find(|g| g.grant_id == grant_id)
        .cloned()
        .ok_or_else(|| KmsError::InvalidGrantIdException.err(format!("Grant ID `{grant_id}` does not identify a grant of this KMS key.")))
}

/// RetireGrant: by the grant's retiring principal, by its grantee when the grant allows
/// RetireGrant, or by principals of the account allowed `kms:RetireGrant`.
pub fn retire_grant(c: &mut Call, req: RetireGrantRequest) -> Result<(), AwsError> {
    let (r, grant_id) = match (&req.grant_token, &req.key_id, &req.grant_id) {
        (Some(t), _, _) => {
            let (arn, id) = read_tokens(&Some(vec![t.clone()]))?.remove(0);
            let (r, _) = resolve(c, &arn)?;
            if let Some(k) = &req.key_id
                && resolve(c, k)?.0 != r
            {
                return Err(KmsError::ValidationException.err("The grant token and the KeyId name different KMS keys."));
            }
            (r, id)
        }
        (None, Some(k), Some(id)) => (resolve(c, k)?.0, id.clone()),
        _ => return Err(KmsError::ValidationException.err("Grant token OR (grant ID, key ID) must be specified")),
    };
    let g = find_grant(c, &r, &grant_id)?;
    let p = c.principal().clone();
    let by_grant = g.retiring_principal.as_ref().is_some_and(|rp| principal_matches(&p, rp))
        || (principal_matches(&p, &g.grantee_principal) && g.operations.iter().any(|o| o == "RetireGrant"));
    let key_arn = key(c, &r).arn.clone();
    let policy = key(c, &r).policy.clone();
    c.resource(&key_arn, KEY_TYPE);
    let authz = Authz::new("kms:RetireGrant", &key_arn).policy(Some(&policy), POLICY_ID).must_grant().grant(by_grant.then(|| grant_id.clone()));
    c.authorize(authz)?;
    dry_run(req.dry_run)?;
    key_mut(c, &r).grants.retain(|g| g.grant_id != grant_id);
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RevokeGrantRequest {
    pub key_id: String,
    pub grant_id: String,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

pub fn revoke_grant(c: &mut Call, req: RevokeGrantRequest) -> Result<(), AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:RevokeGrant").alias(alias.as_deref()))?;
    find_grant(c, &r, &req.grant_id)?;
    dry_run(req.dry_run)?;
    key_mut(c, &r).grants.retain(|g| g.grant_id != req.grant_id);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Imported key material
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetParametersForImportRequest {
    pub key_id: String,
    pub wrapping_algorithm: String,
    pub wrapping_key_spec: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersForImportResponse {
    pub key_id: String,
    pub import_token: Blob,
    pub public_key: Blob,
    pub parameters_valid_to: Timestamp,
}

/// GetParametersForImport: an RSA wrapping public key (DER SubjectPublicKeyInfo) and an
/// import token, both valid for 24 hours on the simulated clock.
pub fn get_parameters_for_import(c: &mut Call, req: GetParametersForImportRequest) -> Result<GetParametersForImportResponse, AwsError> {
    check_enum(
        &req.wrapping_algorithm,
        "wrappingAlgorithm",
        &["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"],
    )?;
    check_enum(&req.wrapping_key_spec, "wrappingKeySpec", &["RSA_2048", "RSA_3072", "RSA_4096", "SM2"])?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:GetParametersForImport")
        .alias(alias.as_deref())
        .ctx("kms:WrappingAlgorithm", ContextValue::string(req.wrapping_algorithm.clone()))
        .ctx("kms:WrappingKeySpec", ContextValue::string(req.wrapping_key_spec.clone()));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Import)?;
    if Wrapping::parse(&req.wrapping_algorithm).is_none() {
        return Err(KmsError::UnsupportedOperationException.err(format!(
            "Wrapping algorithm `{}` is not modelled by this simulator; use RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1",
            req.wrapping_algorithm
        )));
    }
    let bits = match req.wrapping_key_spec.as_str() {
        "RSA_2048" => 2048,
        "RSA_3072" => 3072,
        "RSA_4096" => 4096,
        s => return Err(KmsError::UnsupportedOperationException.err(format!("Wrapping key spec `{s}` is not modelled by this simulator"))),
    };
    let (private_key, public_key) = crypto::wrapping_key_pair(c.rng(), bits);
    let token = c.rng().bytes(96);
    let now = c.now();
    let valid_to = now.plus(IMPORT_PARAMETERS_VALID);
    let k = key_mut(c, &r);
    let imported = k.imported.get_or_insert_with(Imported::default);
    imported.params.retain(|p| p.valid_to > now);
    imported.params.push(ImportParams { token: token.clone(), private_key, algorithm: req.wrapping_algorithm, valid_to });
    Ok(GetParametersForImportResponse { key_id: k.arn.clone(), import_token: Blob(token), public_key: Blob(public_key), parameters_valid_to: valid_to })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ImportKeyMaterialRequest {
    pub key_id: String,
    pub import_token: Blob,
    pub encrypted_key_material: Blob,
    #[serde(default)]
    pub valid_to: Option<Timestamp>,
    #[serde(default)]
    pub expiration_model: Option<String>,
    #[serde(default)]
    pub import_type: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportKeyMaterialResponse {
    pub key_id: String,
    pub key_material_id: String,
}

/// ImportKeyMaterial: unwraps the material with the wrapping key of the import token,
/// checks it (256 bits; the same material as any earlier import of this key), and makes the
/// key usable (PendingImport -> Enabled) until `ValidTo`, when KMS deletes the material.
pub fn import_key_material(c: &mut Call, req: ImportKeyMaterialRequest) -> Result<ImportKeyMaterialResponse, AwsError> {
    check_len(req.import_token.len(), "importToken", 1, 6144)?;
    check_len(req.encrypted_key_material.len(), "encryptedKeyMaterial", 1, 6144)?;
    let model_name = req.expiration_model.clone().unwrap_or_else(|| "KEY_MATERIAL_EXPIRES".into());
    check_enum(&model_name, "expirationModel", &["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"])?;
    if let Some(t) = &req.import_type {
        check_enum(t, "importType", &["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"])?;
    }
    let (r, alias) = resolve(c, &req.key_id)?;
    let mut ask = Ask::new("kms:ImportKeyMaterial").alias(alias.as_deref()).ctx("kms:ExpirationModel", ContextValue::string(model_name.clone()));
    if let Some(v) = req.valid_to {
        ask = ask.ctx("kms:ValidTo", ContextValue::typed(ValueType::Numeric, v.secs().to_string()));
    }
    authorize_key(c, &r, ask)?;
    let now = c.now();
    let k = key(c, &r);
    gate(k, Gate::Import)?;
    match (model_name.as_str(), req.valid_to) {
        ("KEY_MATERIAL_EXPIRES", None) => {
            return Err(KmsError::ValidationException.err("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"));
        }
        ("KEY_MATERIAL_DOES_NOT_EXPIRE", Some(_)) => {
            return Err(KmsError::ValidationException.err("A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE"));
        }
        (_, Some(v)) if v <= now || v > now.plus(Duration::days(365)) => {
            return Err(KmsError::ValidationException.err(format!(
                "ValidTo `{v}` must be in the future and at most 365 days from now ({now})"
            )));
        }
        _ => {}
    }
    let imported = k.imported.clone().unwrap_or_default();
    let params = imported
        .params
        .iter()
        .find(|p| p.token == req.import_token.0)
        .ok_or_else(|| KmsError::InvalidImportTokenException.err("The import token is invalid or is associated with a different KMS key."))?;
    if params.valid_to <= now {
        return Err(KmsError::ExpiredImportTokenException.err(format!("The import token expired at {}.", params.valid_to)));
    }
    let alg = Wrapping::parse(&params.algorithm).expect("only modelled algorithms are handed out");
    let material = crypto::unwrap(&params.private_key, alg, &req.encrypted_key_material.0)
        .ok_or_else(|| KmsError::InvalidCiphertextException.err("The encrypted key material could not be decrypted with the wrapping key of this import token."))?;
    if material.len() != 32 {
        return Err(KmsError::IncorrectKeyMaterialException.err(format!(
            "Key material for a SYMMETRIC_DEFAULT key must be 256 bits (32 bytes), not {} bytes.",
            material.len()
        )));
    }
    let id = crypto::sha256_hex(&[k.key_id.as_bytes(), &material]);
    match (k.materials.first(), req.import_type.as_deref()) {
        (Some(prev), _) if prev.id != id => {
            return Err(KmsError::IncorrectKeyMaterialException.err(
                "The key material is not the same key material that was previously imported into this KMS key.",
            ));
        }
        (Some(_), Some("NEW_KEY_MATERIAL")) => {
            return Err(KmsError::IncorrectKeyMaterialException.err(
                "KMS expected new key material but the key material being imported is already associated with the KMS key.",
            ));
        }
        (None, Some("EXISTING_KEY_MATERIAL")) => {
            return Err(KmsError::IncorrectKeyMaterialException.err("No key material has been imported into this KMS key yet."));
        }
        _ => {}
    }
    let k = key_mut(c, &r);
    match k.materials.first_mut() {
        Some(bk) => bk.material = material,
        None => k.materials.push(BackingKey { id: id.clone(), material, created: now, rotation_type: None }),
    }
    if k.state == KeyState::PendingImport {
        k.state = KeyState::Enabled;
    }
    let im = k.imported.get_or_insert_with(Imported::default);
    im.expiration_model = Some(model_name);
    im.valid_to = req.valid_to;
    Ok(ImportKeyMaterialResponse { key_id: k.arn.clone(), key_material_id: id })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteImportedKeyMaterialResponse {
    pub key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_material_id: Option<String>,
}

/// Deletes imported material: the key becomes PendingImport (unchanged when pending
/// deletion) until the same material is imported again.
pub fn delete_imported_key_material(c: &mut Call, req: KeyIdRequest) -> Result<DeleteImportedKeyMaterialResponse, AwsError> {
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:DeleteImportedKeyMaterial").alias(alias.as_deref()))?;
    gate(key(c, &r), Gate::DeleteImportedKeyMaterial)?;
    let k = key_mut(c, &r);
    let id = delete_material(k);
    Ok(DeleteImportedKeyMaterialResponse { key_id: k.arn.clone(), key_material_id: id })
}

/// Removes imported material (kept: its id, so only the same material can come back).
pub(super) fn delete_material(k: &mut Key) -> Option<String> {
    let bk = k.materials.first_mut()?;
    bk.material.clear();
    if k.state != KeyState::PendingDeletion {
        k.state = KeyState::PendingImport;
    }
    if let Some(im) = k.imported.as_mut() {
        im.expiration_model = None;
        im.valid_to = None;
    }
    Some(bk.id.clone())
}
