//! KMS domain model: plain Rust, no Rhai, no wall clock.
//!
//! Keys live per account and region ([`KmsState::regions`]); each [`Key`] holds its
//! metadata, its key policy, its grants, and every backing key it ever had (rotation
//! appends, never replaces). [`gate`] is the key-state table of the KMS Developer Guide
//! ("Key states of KMS keys"): every operation passes through it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::asymmetric::Spec;
use super::error::KmsError;
use crate::policy::Policy;
use crate::world::{Arn, AwsError, ErrorCode, Timestamp};

/// Every account's KMS resources: account -> region -> keys and aliases.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KmsState {
    pub regions: BTreeMap<String, BTreeMap<String, RegionKms>>,
}

/// The keys and aliases of one account in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionKms {
    pub keys: BTreeMap<String, Key>,
    pub aliases: BTreeMap<String, Alias>,
}

/// Where a key lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyRef {
    pub account: String,
    pub region: String,
    pub key_id: String,
}

impl KmsState {
    pub fn region(&self, account: &str, region: &str) -> Option<&RegionKms> {
        self.regions.get(account)?.get(region)
    }
    pub fn region_mut(&mut self, account: &str, region: &str) -> &mut RegionKms {
        self.regions.entry(account.to_string()).or_default().entry(region.to_string()).or_default()
    }
    pub fn key(&self, r: &KeyRef) -> Option<&Key> {
        self.region(&r.account, &r.region)?.keys.get(&r.key_id)
    }
    pub fn key_mut(&mut self, r: &KeyRef) -> Option<&mut Key> {
        self.regions.get_mut(&r.account)?.get_mut(&r.region)?.keys.get_mut(&r.key_id)
    }
    /// Every key in the world (for the clock hooks).
    pub fn all_keys(&self) -> impl Iterator<Item = &Key> {
        self.regions.values().flat_map(|rs| rs.values()).flat_map(|r| r.keys.values())
    }
    /// The multi-Region keys related to `r` (same account and key id) in other regions.
    pub fn related(&self, r: &KeyRef) -> Vec<KeyRef> {
        let Some(regions) = self.regions.get(&r.account) else { return vec![] };
        regions
            .iter()
            .filter(|(region, reg)| **region != r.region && reg.keys.contains_key(&r.key_id))
            .map(|(region, _)| KeyRef { account: r.account.clone(), region: region.clone(), key_id: r.key_id.clone() })
            .collect()
    }
    /// Sets the primary/replica regions on `r` and every related key.
    pub fn set_links(&mut self, r: &KeyRef, links: &MultiRegionLinks) {
        for k in self.related(r).into_iter().chain([r.clone()]) {
            if let Some(key) = self.key_mut(&k) {
                key.multi_region_links = Some(links.clone());
            }
        }
    }
    /// Copies `r`'s key material (every version) to its related multi-Region keys: related
    /// keys share their material, so a ciphertext of one decrypts with the others.
    pub fn share_materials(&mut self, r: &KeyRef) {
        let Some(materials) = self.key(r).filter(|k| k.multi_region).map(|k| k.materials.clone()) else { return };
        for k in self.related(r) {
            if let Some(key) = self.key_mut(&k) {
                key.materials = materials.clone();
            }
        }
    }
    /// After the replica at `r` was deleted: drops its region from the family's links and,
    /// when it was the last replica of a primary waiting in PendingReplicaDeletion, starts
    /// the primary's own waiting period ("When the last of its replica keys is deleted, the
    /// primary key's state changes to PendingDeletion").
    pub fn forget_replica(&mut self, r: &KeyRef, now: Timestamp) {
        let Some(other) = self.related(r).into_iter().next() else { return };
        let Some(mut links) = self.key(&other).and_then(|k| k.multi_region_links.clone()) else { return };
        links.replica_regions.retain(|x| *x != r.region);
        self.set_links(&other, &links);
        let primary = KeyRef { account: r.account.clone(), region: links.primary_region.clone(), key_id: r.key_id.clone() };
        if let Some(p) = self.key_mut(&primary)
            && p.state == KeyState::PendingReplicaDeletion
            && links.replica_regions.is_empty()
        {
            p.state = KeyState::PendingDeletion;
            p.deletion_date = Some(now.plus(crate::world::Duration::days(p.pending_window_days.unwrap_or(30) as i64)));
        }
    }
    /// Removes a key and every alias that points to it.
    pub fn delete_key(&mut self, r: &KeyRef) {
        if let Some(reg) = self.regions.get_mut(&r.account).and_then(|m| m.get_mut(&r.region)) {
            reg.keys.remove(&r.key_id);
            reg.aliases.retain(|_, a| a.target_key_id != r.key_id);
        }
    }
}

/// `KeyState` (botocore enum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyState {
    Creating,
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Updating,
}

/// Who manages a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub enum KeyManager {
    CUSTOMER,
    AWS,
}

/// Where the key material comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum Origin {
    AWS_KMS,
    EXTERNAL,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::AWS_KMS => "AWS_KMS",
            Origin::EXTERNAL => "EXTERNAL",
        }
    }
}

/// One backing key (one version of the key material).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackingKey {
    /// `KeyMaterialId`: 64 lower-case hex characters.
    pub id: String,
    /// 32 bytes; empty while imported material is deleted or expired.
    #[serde(with = "crate::world::blob::b64")]
    pub material: Vec<u8>,
    /// When this material became current.
    pub created: Timestamp,
    /// `AUTOMATIC` or `ON_DEMAND` for material that came from a rotation.
    pub rotation_type: Option<String>,
}

/// Automatic rotation settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rotation {
    pub enabled: bool,
    pub period_days: u32,
    /// When automatic rotation is next due (kept while the key is disabled or pending
    /// deletion; such a key is not rotated, and an overdue rotation runs when it is enabled).
    pub next: Option<Timestamp>,
    /// On-demand rotations used so far (AWS allows 25 per key).
    pub on_demand_count: u32,
}

/// A wrapping key pair and import token handed out by GetParametersForImport.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportParams {
    #[serde(with = "crate::world::blob::b64")]
    pub token: Vec<u8>,
    #[serde(with = "crate::world::blob::b64")]
    pub private_key: Vec<u8>,
    pub algorithm: String,
    pub valid_to: Timestamp,
}

/// Imported-material bookkeeping for keys with Origin EXTERNAL.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Imported {
    pub params: Vec<ImportParams>,
    /// `KEY_MATERIAL_EXPIRES` or `KEY_MATERIAL_DOES_NOT_EXPIRE` of the current import.
    pub expiration_model: Option<String>,
    pub valid_to: Option<Timestamp>,
}

/// A grant (`GrantListEntry`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Grant {
    pub grant_id: String,
    pub name: Option<String>,
    pub creation_date: Timestamp,
    pub grantee_principal: String,
    pub retiring_principal: Option<String>,
    /// The account that created the grant, as an account root ARN.
    pub issuing_account: String,
    pub operations: Vec<String>,
    pub constraints: Option<GrantConstraints>,
}

/// `GrantConstraints`: encryption-context conditions on a grant's cryptographic operations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GrantConstraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_context_subset: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_context_equals: Option<BTreeMap<String, String>>,
}

impl GrantConstraints {
    /// Whether a request's encryption context satisfies the constraints. In a grant
    /// constraint "the key in each key-value pair is not case sensitive, but the value is".
    pub fn allows(&self, ec: &BTreeMap<String, String>) -> bool {
        let find = |k: &str| ec.iter().find(|(rk, _)| rk.eq_ignore_ascii_case(k)).map(|(_, v)| v);
        let equals = self.encryption_context_equals.as_ref().is_none_or(|eq| eq.len() == ec.len() && eq.iter().all(|(k, v)| find(k) == Some(v)));
        let subset = self.encryption_context_subset.as_ref().is_none_or(|sub| sub.iter().all(|(k, v)| find(k) == Some(v)));
        equals && subset
    }
}

/// An alias (`AliasListEntry`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alias {
    pub name: String,
    pub target_key_id: String,
    pub creation_date: Timestamp,
    pub last_updated_date: Timestamp,
}

/// One KMS key and everything attached to it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    pub key_id: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    pub creation_date: Timestamp,
    pub state: KeyState,
    pub description: String,
    pub key_usage: String,
    pub key_spec: String,
    pub origin: Origin,
    pub key_manager: KeyManager,
    pub multi_region: bool,
    pub deletion_date: Option<Timestamp>,
    pub pending_window_days: Option<u32>,
    pub policy: Policy,
    pub tags: BTreeMap<String, String>,
    /// Backing keys, oldest first; the index is the version written into ciphertexts.
    pub materials: Vec<BackingKey>,
    pub rotation: Rotation,
    pub imported: Option<Imported>,
    /// Grants in creation order.
    pub grants: Vec<Grant>,
    /// For a multi-Region key: where its primary and replicas are (the same on every
    /// related key, kept in step by ReplicateKey, UpdatePrimaryRegion and deletion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_region_links: Option<MultiRegionLinks>,
}

/// The regions of a family of related multi-Region keys (same key id, same account).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MultiRegionLinks {
    pub primary_region: String,
    /// Replica regions in the order they were created.
    pub replica_regions: Vec<String>,
}

impl Key {
    pub fn key_ref(&self) -> KeyRef {
        KeyRef { account: self.account.clone(), region: self.region.clone(), key_id: self.key_id.clone() }
    }
    /// The current backing key, if the key has usable material.
    pub fn current(&self) -> Option<(u32, &BackingKey)> {
        let last = self.materials.last()?;
        (!last.material.is_empty()).then(|| (self.materials.len() as u32 - 1, last))
    }
    pub fn is_aws_managed(&self) -> bool {
        self.key_manager == KeyManager::AWS
    }
    /// The asymmetric or HMAC key spec; `None` for SYMMETRIC_DEFAULT.
    pub fn spec(&self) -> Option<Spec> {
        Spec::parse(&self.key_spec)
    }
    pub fn is_symmetric(&self) -> bool {
        self.key_spec == "SYMMETRIC_DEFAULT"
    }
    /// Whether this is a multi-Region replica key (not the primary).
    pub fn is_replica(&self) -> bool {
        self.multi_region_links.as_ref().is_some_and(|l| l.primary_region != self.region)
    }
    /// `GetKeyRotationStatus.KeyRotationEnabled`: false while pending deletion.
    pub fn rotation_enabled(&self) -> bool {
        self.rotation.enabled && self.state != KeyState::PendingDeletion
    }
}

/// AWS's key-state messages (Developer Guide "Key states", footnotes).
pub fn disabled(arn: &str) -> AwsError {
    KmsError::DisabledException.err(format!("{arn} is disabled."))
}
pub fn pending_deletion(arn: &str) -> AwsError {
    KmsError::KmsInvalidStateException.err(format!("{arn} is pending deletion."))
}
pub fn pending_import(arn: &str) -> AwsError {
    KmsError::KmsInvalidStateException.err(format!("{arn} is pending import."))
}
pub fn not_pending_deletion(arn: &str) -> AwsError {
    KmsError::KmsInvalidStateException.err(format!("{arn} is not pending deletion."))
}
pub fn wrong_origin(arn: &str, origin: Origin) -> AwsError {
    KmsError::UnsupportedOperationException.err(format!("{arn} origin is {} which is not valid for this operation.", origin.as_str()))
}
/// `<key ARN> key usage is SIGN_VERIFY which is not valid for Encrypt.` (AWS's wording).
pub fn wrong_usage(key: &Key, op: &str) -> AwsError {
    KmsError::InvalidKeyUsageException.err(format!("{} key usage is {} which is not valid for {op}.", key.arn, key.key_usage))
}
/// An operation that needs a symmetric encryption key, on an asymmetric or HMAC key with
/// the right usage (an RSA ENCRYPT_DECRYPT key asked for a data key).
pub fn wrong_spec(key: &Key, op: &str) -> AwsError {
    KmsError::InvalidKeyUsageException.err(format!("{} key spec is {} which is not valid for {op}.", key.arn, key.key_spec))
}
/// Fails unless `key` has `usage` (and, for symmetric-only operations, SYMMETRIC_DEFAULT).
pub fn require_usage(key: &Key, usage: &str, symmetric_only: bool, op: &str) -> Result<(), AwsError> {
    if key.key_usage != usage {
        return Err(wrong_usage(key, op));
    }
    if symmetric_only && !key.is_symmetric() {
        return Err(wrong_spec(key, op));
    }
    Ok(())
}
fn other_state(arn: &str, s: KeyState) -> AwsError {
    let word = match s {
        KeyState::Unavailable => "unavailable",
        KeyState::Creating => "creating",
        KeyState::Updating => "updating",
        _ => "in an invalid state",
    };
    KmsError::KmsInvalidStateException.err(format!("{arn} is {word}."))
}

/// The row of the key-state table an operation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, CreateGrant.
    Crypto,
    /// DescribeKey, GetKeyPolicy, PutKeyPolicy, ListGrants, ListKeyPolicies, ListResourceTags,
    /// RetireGrant, RevokeGrant, DeleteAlias, ListKeyRotations: every state.
    Any,
    CancelKeyDeletion,
    /// CreateAlias, ScheduleKeyDeletion, TagResource, UntagResource, UpdateKeyDescription,
    /// the destination of UpdateAlias: everything but PendingDeletion.
    NotPendingDeletion,
    /// EnableKey / DisableKey.
    EnableDisable,
    /// EnableKeyRotation, DisableKeyRotation.
    Rotation,
    /// RotateKeyOnDemand: [`Gate::Rotation`], except that a key pending import is refused for
    /// its state before its origin (as AWS answers it).
    RotateOnDemand,
    GetKeyRotationStatus,
    /// GetParametersForImport / ImportKeyMaterial.
    Import,
    DeleteImportedKeyMaterial,
}

/// Applies the key-state table: `Ok` when `key`'s state (and origin) allows the operation.
pub fn gate(key: &Key, g: Gate) -> Result<(), AwsError> {
    let arn = key.arn.as_str();
    let s = key.state;
    let unusual = matches!(s, KeyState::Unavailable | KeyState::Creating | KeyState::Updating);
    match g {
        Gate::Any => Ok(()),
        Gate::Crypto => match s {
            KeyState::Enabled => Ok(()),
            KeyState::Disabled => Err(disabled(arn)),
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Err(pending_deletion(arn)),
            KeyState::PendingImport => Err(pending_import(arn)),
            _ => Err(other_state(arn, s)),
        },
        Gate::CancelKeyDeletion => match s {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Ok(()),
            _ => Err(not_pending_deletion(arn)),
        },
        Gate::NotPendingDeletion => match s {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Err(pending_deletion(arn)),
            _ => Ok(()),
        },
        Gate::EnableDisable => match s {
            KeyState::Enabled | KeyState::Disabled => Ok(()),
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Err(pending_deletion(arn)),
            KeyState::PendingImport => Err(pending_import(arn)),
            _ => Err(other_state(arn, s)),
        },
        Gate::RotateOnDemand if s == KeyState::PendingImport => Err(pending_import(arn)),
        Gate::RotateOnDemand => gate(key, Gate::Rotation),
        Gate::Rotation | Gate::GetKeyRotationStatus if !key.is_symmetric() => Err(KmsError::UnsupportedOperationException
            .err(format!("{arn} key spec is {} which is not valid for this operation: only symmetric encryption keys rotate.", key.key_spec))),
        Gate::Rotation if key.is_replica() => Err(KmsError::UnsupportedOperationException
            .err(format!("{arn} is a multi-Region replica key: rotation is managed on its primary key."))),
        Gate::Rotation => {
            if key.origin == Origin::EXTERNAL {
                return Err(wrong_origin(arn, key.origin));
            }
            match s {
                KeyState::Enabled => Ok(()),
                KeyState::Disabled => Err(disabled(arn)),
                KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Err(pending_deletion(arn)),
                _ => Err(other_state(arn, s)),
            }
        }
        Gate::GetKeyRotationStatus => {
            if key.origin == Origin::EXTERNAL || unusual {
                return Err(wrong_origin(arn, key.origin));
            }
            Ok(())
        }
        Gate::Import => {
            if key.origin != Origin::EXTERNAL {
                return Err(wrong_origin(arn, key.origin));
            }
            match s {
                KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => Err(pending_deletion(arn)),
                KeyState::Enabled | KeyState::Disabled | KeyState::PendingImport => Ok(()),
                _ => Err(other_state(arn, s)),
            }
        }
        Gate::DeleteImportedKeyMaterial => {
            if key.origin != Origin::EXTERNAL {
                return Err(wrong_origin(arn, key.origin));
            }
            if unusual { Err(other_state(arn, s)) } else { Ok(()) }
        }
    }
}

/// Is `s` a key id KMS could have issued: a UUID, or `mrk-` and 32 hex digits?
pub fn is_key_id(s: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(rest) = s.strip_prefix("mrk-") {
        return rest.len() == 32 && hex(rest);
    }
    let mut parts = s.split('-');
    [8, 4, 4, 4, 12].into_iter().all(|n| parts.next().is_some_and(|p| p.len() == n && hex(p))) && parts.next().is_none()
}

/// How a `KeyId` parameter names a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyName {
    /// A key id or key ARN (account, region, id).
    Key { account: String, region: String, key_id: String },
    /// An alias name or alias ARN (account, region, `alias/...`).
    Alias { account: String, region: String, name: String },
}

/// Reads a `KeyId` parameter: key id, key ARN, alias name (`alias/...`) or alias ARN.
/// Ids and alias names refer to the caller's account and region.
pub fn parse_key_name(s: &str, account: &str, region: &str) -> Result<KeyName, AwsError> {
    if s.starts_with("arn:") {
        let arn: Arn = s.parse().map_err(|_| KmsError::NotFoundException.err(format!("Invalid arn {s}")))?;
        if arn.service != "kms" {
            return Err(KmsError::NotFoundException.err(format!("Invalid arn {s}")));
        }
        if arn.region != region {
            return Err(KmsError::NotFoundException.err(format!("Invalid arn {}", arn.region)));
        }
        return match arn.resource_type() {
            "key" => Ok(KeyName::Key { account: arn.account.clone(), region: arn.region.clone(), key_id: arn.resource_id().to_string() }),
            "alias" => Ok(KeyName::Alias { account: arn.account.clone(), region: arn.region.clone(), name: arn.resource.clone() }),
            _ => Err(KmsError::NotFoundException.err(format!("Invalid arn {s}"))),
        };
    }
    if s.starts_with("alias/") {
        return Ok(KeyName::Alias { account: account.into(), region: region.into(), name: s.into() });
    }
    if !is_key_id(s) {
        return Err(KmsError::NotFoundException.err(format!("Invalid keyId '{s}'")));
    }
    Ok(KeyName::Key { account: account.into(), region: region.into(), key_id: s.into() })
}

pub fn key_arn(region: &str, account: &str, key_id: &str) -> String {
    Arn::new("kms", region, account, format!("key/{key_id}")).to_string()
}

pub fn alias_arn(region: &str, account: &str, alias: &str) -> String {
    Arn::new("kms", region, account, alias).to_string()
}

/// `Alias arn:aws:kms:...:alias/x is not found.`
pub fn alias_not_found(region: &str, account: &str, alias: &str) -> AwsError {
    KmsError::NotFoundException.err(format!("Alias {} is not found.", alias_arn(region, account, alias)))
}

/// `Key 'arn:aws:kms:...:key/...' does not exist`
pub fn key_not_found(arn: &str) -> AwsError {
    KmsError::NotFoundException.err(format!("Key '{arn}' does not exist"))
}

/// Resolves a parsed name to an existing key.
pub fn find(state: &KmsState, name: KeyName) -> Result<KeyRef, AwsError> {
    match name {
        KeyName::Key { account, region, key_id } => {
            let r = KeyRef { account, region, key_id };
            if state.key(&r).is_some() { Ok(r) } else { Err(key_not_found(&key_arn(&r.region, &r.account, &r.key_id))) }
        }
        KeyName::Alias { account, region, name } => {
            let a = state
                .region(&account, &region)
                .and_then(|r| r.aliases.get(&name))
                .ok_or_else(|| alias_not_found(&region, &account, &name))?;
            let key_id = a.target_key_id.clone();
            Ok(KeyRef { account, region, key_id })
        }
    }
}

/// Validates an alias name the way CreateAlias does.
pub fn check_alias_name(name: &str) -> Result<(), AwsError> {
    if name.is_empty() || name.len() > 256 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b":/_-".contains(&b)) {
        return Err(super::error::constraint(
            Some(name),
            "aliasName",
            "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ));
    }
    if !name.starts_with("alias/") || name.len() == "alias/".len() {
        return Err(KmsError::ValidationException.err(
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        ));
    }
    if name.starts_with("alias/aws/") {
        return Err(KmsError::NotAuthorizedException.err(format!(
            "`{name}`: the alias/aws/ prefix is reserved for AWS managed keys; an alias name cannot begin with it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids() {
        // [KMS-ARCH] concepts.md: `1234abcd-12ab-34cd-56ef-1234567890ab`, `mrk-1234abcd12ab34cd56ef1234567890ab`.
        assert!(is_key_id("1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert!(is_key_id("mrk-1234abcd12ab34cd56ef1234567890ab"));
        assert!(!is_key_id("1234abcd-12ab-34cd-56ef"));
        assert!(!is_key_id("mrk-1234"));
        assert!(!is_key_id("not-a-key"));
        assert!(!is_key_id("1234abcd-12ab-34cd-56ef-1234567890ab-00"), "a sixth group");
    }

    #[test]
    fn key_names() {
        let a = "111122223333";
        let r = "us-east-1";
        assert_eq!(
            parse_key_name("arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab", a, r).unwrap(),
            KeyName::Key { account: "444455556666".into(), region: r.into(), key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into() }
        );
        assert_eq!(
            parse_key_name("alias/demo", a, r).unwrap(),
            KeyName::Alias { account: a.into(), region: r.into(), name: "alias/demo".into() }
        );
        assert_eq!(
            parse_key_name("arn:aws:kms:us-east-1:111122223333:alias/demo", a, r).unwrap(),
            KeyName::Alias { account: a.into(), region: r.into(), name: "alias/demo".into() }
        );
        let e = parse_key_name("bogus", a, r).unwrap_err();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("NotFoundException", "Invalid keyId 'bogus'"));
        let e = parse_key_name("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", a, r).unwrap_err();
        assert_eq!(e.message, "Invalid arn us-west-2");
    }

    #[test]
    fn alias_names() {
        // [KMS-ARCH] alias-about.md: "must begin with alias/", pattern ^[a-zA-Z0-9:/_-]+$,
        // "The alias name cannot begin with alias/aws/".
        assert!(check_alias_name("alias/my-key_1").is_ok());
        assert_eq!(check_alias_name("my-key").unwrap_err().code, "ValidationException");
        assert_eq!(check_alias_name("alias/has space").unwrap_err().code, "ValidationException");
        assert_eq!(check_alias_name("alias/aws/s3").unwrap_err().code, "NotAuthorizedException");
        assert!(check_alias_name(&format!("alias/{}", "a".repeat(251))).is_err());
    }

    #[test]
    fn grant_constraints_keys_case_insensitive_values_exact() {
        let ec = |p: &[(&str, &str)]| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>();
        let sub = GrantConstraints { encryption_context_subset: Some(ec(&[("Dept", "IT")])), encryption_context_equals: None };
        assert!(sub.allows(&ec(&[("dept", "IT"), ("x", "y")])));
        assert!(!sub.allows(&ec(&[("dept", "it")])));
        assert!(!sub.allows(&ec(&[])));
        let eq = GrantConstraints { encryption_context_subset: None, encryption_context_equals: Some(ec(&[("Dept", "IT")])) };
        assert!(eq.allows(&ec(&[("DEPT", "IT")])));
        assert!(!eq.allows(&ec(&[("Dept", "IT"), ("x", "y")])));
    }

    fn key(state: KeyState, origin: Origin) -> Key {
        Key {
            key_id: "1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            arn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            creation_date: Timestamp::default(),
            state,
            description: String::new(),
            key_usage: "ENCRYPT_DECRYPT".into(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            origin,
            key_manager: KeyManager::CUSTOMER,
            multi_region: false,
            deletion_date: None,
            pending_window_days: None,
            policy: Policy::parse(&super::super::policies::default_key_policy("111122223333"), crate::policy::PolicyKind::Resource).unwrap(),
            tags: BTreeMap::new(),
            materials: vec![],
            rotation: Rotation::default(),
            imported: None,
            grants: vec![],
            multi_region_links: None,
        }
    }

    /// The key-state table ([KMS-ARCH] key-state.md, aws-facts §4.2), row by row: the
    /// expected error code for each state (`-` = succeeds), AWS_KMS origin unless noted.
    #[test]
    fn key_state_table() {
        use KeyState::*;
        let states = [Enabled, Disabled, PendingDeletion, PendingImport];
        let rows: &[(Gate, Origin, [&str; 4])] = &[
            (Gate::Crypto, Origin::AWS_KMS, ["-", "DisabledException", "KMSInvalidStateException", "KMSInvalidStateException"]),
            (Gate::Any, Origin::AWS_KMS, ["-", "-", "-", "-"]),
            (Gate::CancelKeyDeletion, Origin::AWS_KMS, ["KMSInvalidStateException", "KMSInvalidStateException", "-", "KMSInvalidStateException"]),
            (Gate::NotPendingDeletion, Origin::AWS_KMS, ["-", "-", "KMSInvalidStateException", "-"]),
            (Gate::EnableDisable, Origin::AWS_KMS, ["-", "-", "KMSInvalidStateException", "KMSInvalidStateException"]),
            (Gate::Rotation, Origin::AWS_KMS, ["-", "DisabledException", "KMSInvalidStateException", "KMSInvalidStateException"]),
            (Gate::Rotation, Origin::EXTERNAL, ["UnsupportedOperationException"; 4]),
            (Gate::RotateOnDemand, Origin::AWS_KMS, ["-", "DisabledException", "KMSInvalidStateException", "KMSInvalidStateException"]),
            (Gate::RotateOnDemand, Origin::EXTERNAL, ["UnsupportedOperationException", "UnsupportedOperationException", "UnsupportedOperationException", "KMSInvalidStateException"]),
            (Gate::GetKeyRotationStatus, Origin::AWS_KMS, ["-", "-", "-", "-"]),
            (Gate::GetKeyRotationStatus, Origin::EXTERNAL, ["UnsupportedOperationException"; 4]),
            (Gate::Import, Origin::EXTERNAL, ["-", "-", "KMSInvalidStateException", "-"]),
            (Gate::Import, Origin::AWS_KMS, ["UnsupportedOperationException"; 4]),
            (Gate::DeleteImportedKeyMaterial, Origin::EXTERNAL, ["-", "-", "-", "-"]),
            (Gate::DeleteImportedKeyMaterial, Origin::AWS_KMS, ["UnsupportedOperationException"; 4]),
        ];
        for (g, origin, want) in rows {
            for (state, want) in states.iter().zip(want) {
                let got = gate(&key(*state, *origin), *g).err().map(|e| e.code).unwrap_or_else(|| "-".into());
                assert_eq!(got, *want, "{g:?} {origin:?} {state:?}");
            }
        }
        let arn = key(Enabled, Origin::AWS_KMS).arn;
        assert_eq!(gate(&key(Disabled, Origin::AWS_KMS), Gate::Crypto).unwrap_err().message, format!("{arn} is disabled."));
        assert_eq!(gate(&key(PendingImport, Origin::EXTERNAL), Gate::Crypto).unwrap_err().message, format!("{arn} is pending import."));
        assert_eq!(
            gate(&key(PendingImport, Origin::EXTERNAL), Gate::Rotation).unwrap_err().message,
            format!("{arn} origin is EXTERNAL which is not valid for this operation.")
        );
        assert_eq!(gate(&key(Unavailable, Origin::AWS_KMS), Gate::Crypto).unwrap_err().message, format!("{arn} is unavailable."));
    }
}
