//! Multi-Region keys: ReplicateKey and UpdatePrimaryRegion.
//!
//! Related multi-Region keys share a key id (`mrk-...`), key spec, usage and key material
//! ([`crate::kms::model::KmsState::share_materials`]), while each has its own policy, grants,
//! aliases, tags, description and state. Every related key records the same
//! [`crate::kms::model::MultiRegionLinks`], from which `MultiRegionConfiguration` is built.
//! Simplified: a replica is Enabled at once (AWS shows Creating for a few seconds) and a
//! primary-region update completes at once (AWS shows Updating).

use super::*;
use crate::kms::model::MultiRegionLinks;
use crate::world::places;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplicateKeyRequest {
    pub key_id: String,
    pub replica_region: String,
    #[serde(default)]
    pub policy: Option<PolicyDocument>,
    #[serde(default)]
    pub bypass_policy_lockout_safety_check: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicateKeyResponse {
    pub replica_key_metadata: KeyMetadata,
    pub replica_policy: String,
    pub replica_tags: Vec<Tag>,
}

fn not_multi_region(k: &Key) -> AwsError {
    KmsError::UnsupportedOperationException.err(format!("{} is not a multi-Region key.", k.arn))
}

fn not_primary(k: &Key) -> AwsError {
    let primary = k.multi_region_links.as_ref().map(|l| key_arn(&l.primary_region, &k.account, &k.key_id)).unwrap_or_default();
    KmsError::UnsupportedOperationException.err(format!("{} is a multi-Region replica key; call this operation on its primary key {primary}.", k.arn))
}

/// The family links of a multi-Region primary key at `r` (fails for other keys).
fn primary_links(c: &Call, r: &KeyRef) -> Result<MultiRegionLinks, AwsError> {
    let k = key(c, r);
    if !k.multi_region {
        return Err(not_multi_region(k));
    }
    if k.is_replica() {
        return Err(not_primary(k));
    }
    Ok(k.multi_region_links.clone().unwrap_or_else(|| MultiRegionLinks { primary_region: k.region.clone(), replica_regions: vec![] }))
}

/// ReplicateKey: a replica of a multi-Region primary key in another Region of the account,
/// sharing its key id and key material, with its own policy (the default key policy unless
/// given), description and tags.
pub fn replicate_key(c: &mut Call, req: ReplicateKeyRequest) -> Result<ReplicateKeyResponse, AwsError> {
    check_len(req.replica_region.len(), "replicaRegion", 1, 32)?;
    if let Some(d) = &req.description {
        check_len(d.len(), "description", 0, 8192)?;
    }
    let tags = req.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:ReplicateKey").alias(alias.as_deref()).ctx("kms:ReplicaRegion", ContextValue::string(req.replica_region.clone()));
    authorize_key(c, &r, ask)?;
    // "To replicate a key you need kms:CreateKey permission in the replica Region."
    let mut ctx = tag_context(&tags);
    ctx.push(("kms:MultiRegion".into(), ContextValue::bool(true)));
    authorize_plain(c, "kms:CreateKey", "*", ctx)?;
    gate(key(c, &r), Gate::Crypto)?;
    let mut links = primary_links(c, &r)?;
    let region = req.replica_region.clone();
    if !places::is_region(&region) {
        return Err(KmsError::ValidationException.err(format!("{region} is not a valid Region.")));
    }
    let k = key(c, &r);
    if k.origin != Origin::AWS_KMS {
        return Err(KmsError::UnsupportedOperationException.err(format!(
            "{} has imported key material: replicating it (and importing the same material into the replica) is not modelled by this simulator.",
            k.arn
        )));
    }
    if region == r.region || links.replica_regions.contains(&region) {
        return Err(KmsError::AlreadyExistsException.err(format!("{} already exists in {region}.", key_arn(&region, &r.account, &r.key_id))));
    }
    let arn = key_arn(&region, &r.account, &r.key_id);
    let policy = match &req.policy {
        Some(doc) => {
            let p = parse_policy(doc)?;
            lockout_check(c, &arn, &p, req.bypass_policy_lockout_safety_check.unwrap_or(false))?;
            p
        }
        None => Policy::parse(&policies::default_key_policy(&r.account), PolicyKind::Resource).expect("the default key policy parses"),
    };
    let primary = key(c, &r);
    let replica = Key {
        key_id: r.key_id.clone(),
        arn: arn.clone(),
        account: r.account.clone(),
        region: region.clone(),
        creation_date: c.now(),
        state: KeyState::Enabled,
        description: req.description.clone().unwrap_or_default(),
        key_usage: primary.key_usage.clone(),
        key_spec: primary.key_spec.clone(),
        origin: primary.origin,
        key_manager: KeyManager::CUSTOMER,
        multi_region: true,
        deletion_date: None,
        pending_window_days: None,
        policy,
        tags: tags.iter().map(|t| (t.tag_key.clone(), t.tag_value.clone())).collect(),
        materials: primary.materials.clone(),
        rotation: Rotation { period_days: DEFAULT_ROTATION_DAYS, ..Rotation::default() },
        imported: None,
        grants: vec![],
        multi_region_links: None,
    };
    c.w.kms.region_mut(&r.account, &region).keys.insert(r.key_id.clone(), replica);
    links.replica_regions.push(region.clone());
    c.w.kms.set_links(&r, &links);
    c.resource(&arn, KEY_TYPE);
    let replica_ref = KeyRef { account: r.account.clone(), region, key_id: r.key_id.clone() };
    let k = key(c, &replica_ref);
    Ok(ReplicateKeyResponse { replica_key_metadata: metadata(k), replica_policy: k.policy.text().to_string(), replica_tags: tags })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdatePrimaryRegionRequest {
    pub key_id: String,
    pub primary_region: String,
}

/// UpdatePrimaryRegion: the replica in `PrimaryRegion` becomes the primary key and the
/// current primary becomes a replica. The automatic-rotation settings move with the
/// primary role (rotation is managed on the primary).
pub fn update_primary_region(c: &mut Call, req: UpdatePrimaryRegionRequest) -> Result<(), AwsError> {
    check_len(req.primary_region.len(), "primaryRegion", 1, 32)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:UpdatePrimaryRegion").alias(alias.as_deref()).ctx("kms:PrimaryRegion", ContextValue::string(req.primary_region.clone()));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Crypto)?;
    let mut links = primary_links(c, &r)?;
    let target = req.primary_region.clone();
    if !links.replica_regions.contains(&target) {
        return Err(KmsError::NotFoundException.err(format!(
            "{} has no replica key in {target}: the new primary Region must hold a replica.",
            key(c, &r).arn
        )));
    }
    let new_primary = KeyRef { account: r.account.clone(), region: target.clone(), key_id: r.key_id.clone() };
    // AWS asks for kms:UpdatePrimaryRegion on the replica too.
    let ask = Ask::new("kms:UpdatePrimaryRegion").ctx("kms:PrimaryRegion", ContextValue::string(target.clone()));
    authorize_key(c, &new_primary, ask)?;
    gate(key(c, &new_primary), Gate::Crypto)?;
    links.replica_regions.retain(|x| *x != target);
    links.replica_regions.push(r.region.clone());
    links.primary_region = target;
    let rotation = std::mem::replace(&mut key_mut(c, &r).rotation, Rotation { period_days: DEFAULT_ROTATION_DAYS, ..Rotation::default() });
    key_mut(c, &new_primary).rotation = rotation;
    c.w.kms.set_links(&r, &links);
    Ok(())
}
