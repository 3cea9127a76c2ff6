//! One function per AWS operation (EC2's EBS operations, the light instance model, the EBS
//! direct APIs and CloudWatch's GetMetricStatistics for EBS metrics). Each authorizes first,
//! then validates, then mutates; a failed call changes nothing.

use serde::{Deserialize, Serialize};

use super::error::EbsError;
use super::io;
use super::model::*;
use super::perf::BLOCK_KIB;
use super::{CLOUDWATCH, EBS_DIRECT, kmsglue, timing};
use crate::world::authz::Authz;
use crate::world::{AwsError, Call, Duration, ErrorCode, Timestamp, places};

// ---------------------------------------------------------------------------------------
// Shared request pieces and helpers

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagSpecification {
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Filter {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

fn tags_for(specs: &Option<Vec<TagSpecification>>, resource_type: &str) -> Result<Vec<Tag>, AwsError> {
    let mut out = Vec::new();
    for s in specs.iter().flatten() {
        match s.resource_type.as_deref() {
            Some(t) if t == resource_type => out.extend(s.tags.iter().cloned()),
            Some(t) => {
                return Err(EbsError::InvalidParameterValue.err(format!("'{t}' is not a valid taggable resource type for this operation.")));
            }
            None => return Err(EbsError::MissingParameter.err("The request must contain the parameter ResourceType")),
        }
    }
    for t in &out {
        if t.key.starts_with("aws:") {
            return Err(EbsError::InvalidParameterValue.err(format!("Tag keys starting with 'aws:' are reserved for internal use: `{}`", t.key)));
        }
    }
    Ok(out)
}

fn dry_run(dry: Option<bool>) -> Result<(), AwsError> {
    if dry == Some(true) {
        return Err(AwsError::new("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set."));
    }
    Ok(())
}

/// Checks an EC2 id's shape (`vol-` + 8 or 17 hex digits).
pub fn check_id(id: &str, prefix: &str) -> Result<(), AwsError> {
    let ok = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')).is_some_and(|h| {
        (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        return Ok(());
    }
    let code = match prefix {
        "vol" => EbsError::InvalidVolumeIdMalformed,
        "snap" => EbsError::InvalidSnapshotIdMalformed,
        _ => EbsError::InvalidInstanceIdMalformed,
    };
    Err(code.err(format!("Invalid id: \"{id}\" (expecting \"{prefix}-...\")")))
}

pub fn volume_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:volume/{id}")
}
/// Snapshot ARNs have no account field.
pub fn snapshot_arn(region: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}::snapshot/{id}")
}
pub fn instance_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:instance/{id}")
}

fn no_volume(id: &str) -> AwsError {
    EbsError::InvalidVolumeNotFound.err(format!("The volume '{id}' does not exist."))
}
fn no_snapshot(id: &str) -> AwsError {
    EbsError::InvalidSnapshotNotFound.err(format!("The snapshot '{id}' does not exist."))
}
fn no_instance(id: &str) -> AwsError {
    EbsError::InvalidInstanceIdNotFound.err(format!("The instance ID '{id}' does not exist"))
}

/// The instance `id` as EBS sees it: one of EBS's light instances (`ebs::run_instances`), or
/// one the vpc module launched into a subnet (`vpc::run_instances`) — one EC2, whose
/// instances either module can launch. A vpc instance is viewed here, and recorded in EBS's
/// state only when an attach succeeds.
fn find_instance(w: &crate::world::World, account: &str, region: &str, id: &str) -> Option<Instance> {
    if let Some(i) = w.ebs.region(account, region).and_then(|st| st.instances.get(id)) {
        return Some(i.clone());
    }
    let v = crate::vpc::instance(w, account, region, id)?;
    Some(Instance {
        instance_id: v.id.clone(),
        reservation_id: v.reservation_id.clone(),
        instance_type: v.instance_type.clone(),
        image_id: v.image_id.clone(),
        availability_zone: v.az.clone(),
        nitro: nitro_instance_type(&v.instance_type).unwrap_or(true),
        state: if v.state == "running" { InstanceState::Running } else { InstanceState::Terminated },
        launch_time: Timestamp::parse(&v.launch_time).unwrap_or(w.clock.now),
        until: None,
        tags: Vec::new(),
    })
}

fn here(c: &Call) -> (String, String) {
    (c.account(), c.region())
}

/// Authorizes `action` on a resource ARN and records the resource in the event.
fn allow(c: &mut Call, action: &str, arn: &str, kind: &'static str) -> Result<(), AwsError> {
    c.authorize(Authz::new(action, arn))?;
    if !arn.ends_with('*') {
        c.resource(arn, kind);
    }
    Ok(())
}

fn check_az(c: &Call, az: &str) -> Result<(), AwsError> {
    if places::region_of_az(az) != Some(c.region().as_str()) {
        return Err(EbsError::InvalidParameterValue.err(format!("Invalid availability zone: [{az}]")));
    }
    Ok(())
}

fn opt_int(v: Option<i64>, name: &str) -> Result<Option<i64>, AwsError> {
    match v {
        Some(n) if n < 0 => Err(EbsError::InvalidParameterValue.err(format!("Value ({n}) for parameter {name} is invalid. It must be a non-negative integer."))),
        v => Ok(v),
    }
}

// ---------------------------------------------------------------------------------------
// Response shapes

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeAttachmentOut {
    pub attach_time: Timestamp,
    pub device: String,
    pub instance_id: String,
    pub state: String,
    pub volume_id: String,
    pub delete_on_termination: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeOut {
    pub attachments: Vec<VolumeAttachmentOut>,
    pub availability_zone: String,
    pub create_time: Timestamp,
    pub encrypted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    pub size: u32,
    pub snapshot_id: String,
    pub state: String,
    pub volume_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    pub volume_type: String,
    pub multi_attach_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fast_restored: Option<bool>,
}

fn attachment_out(volume_id: &str, a: &Attachment) -> VolumeAttachmentOut {
    VolumeAttachmentOut {
        attach_time: a.attach_time,
        device: a.device.clone(),
        instance_id: a.instance_id.clone(),
        state: a.state.as_str().into(),
        volume_id: volume_id.into(),
        delete_on_termination: a.delete_on_termination,
    }
}

pub fn volume_out(v: &Volume) -> VolumeOut {
    // DescribeVolumes reports a gp2 volume's baseline IOPS as its Iops.
    let iops = match v.spec.volume_type {
        VolumeType::Gp2 => Some((3 * v.spec.size).clamp(100, 16_000)),
        _ => v.spec.iops,
    };
    VolumeOut {
        attachments: v.attachments.iter().map(|a| attachment_out(&v.volume_id, a)).collect(),
        availability_zone: v.availability_zone.clone(),
        create_time: v.create_time,
        encrypted: v.encrypted,
        kms_key_id: v.kms_key_id.clone(),
        size: v.spec.size,
        snapshot_id: v.snapshot_id.clone().unwrap_or_default(),
        state: v.state.as_str().into(),
        volume_id: v.volume_id.clone(),
        iops,
        tags: v.tags.clone(),
        volume_type: v.spec.volume_type.as_str().into(),
        multi_attach_enabled: v.multi_attach_enabled,
        throughput: v.spec.throughput,
        fast_restored: v.snapshot_id.as_ref().map(|_| v.fast_restored),
    }
}

// ---------------------------------------------------------------------------------------
// Volumes

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateVolumeRequest {
    pub availability_zone: String,
    pub size: Option<i64>,
    pub snapshot_id: Option<String>,
    pub volume_type: Option<String>,
    pub iops: Option<i64>,
    pub throughput: Option<i64>,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub multi_attach_enabled: Option<bool>,
    pub tag_specifications: Option<Vec<TagSpecification>>,
    pub client_token: Option<String>,
    pub dry_run: Option<bool>,
}

pub fn create_volume(c: &mut Call, req: CreateVolumeRequest) -> Result<VolumeOut, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:CreateVolume", &volume_arn(&region, &account, "*"), "AWS::EC2::Volume")?;
    if let Some(s) = &req.snapshot_id {
        allow(c, "ec2:CreateVolume", &snapshot_arn(&region, s), "AWS::EC2::Snapshot")?;
    }
    dry_run(req.dry_run)?;
    check_az(c, &req.availability_zone)?;
    let volume_type = VolumeType::parse(req.volume_type.as_deref().unwrap_or("gp2"))?;
    let (by_default, default_key) = {
        let st = c.w.ebs.region_mut(&account, &region);
        (st.encryption_by_default, st.default_kms_key_id.clone())
    };
    let snapshot = match &req.snapshot_id {
        Some(id) => {
            check_id(id, "snap")?;
            let s = c.w.ebs.region_mut(&account, &region).snapshots.get(id).ok_or_else(|| no_snapshot(id))?;
            if s.state != SnapshotState::Completed {
                return Err(EbsError::IncorrectState.err("Snapshot is in invalid state - pending"));
            }
            Some(s.clone())
        }
        None => None,
    };
    let size = match (opt_int(req.size, "size")?, &snapshot) {
        (Some(n), Some(s)) if n < i64::from(s.volume_size) => {
            return Err(EbsError::InvalidParameterValue.err(format!(
                "Volume of size {n}GB is smaller than snapshot '{}', expect size>= {}GB",
                s.snapshot_id, s.volume_size
            )));
        }
        (Some(n), _) => n,
        (None, Some(s)) => i64::from(s.volume_size),
        (None, None) => return Err(EbsError::MissingParameter.err("The request must contain the parameter size or snapshotId")),
    };
    let spec = VolumeSpec::validate(volume_type, size, opt_int(req.iops, "iops")?, opt_int(req.throughput, "throughput")?)?;
    let multi = req.multi_attach_enabled.unwrap_or(false);
    if multi && !volume_type.supports_multi_attach() {
        return Err(EbsError::InvalidParameterCombination.err(format!("Multi-Attach is supported only for io1 and io2 volumes, not {volume_type}.")));
    }
    if req.kms_key_id.is_some() && req.encrypted != Some(true) {
        return Err(AwsError::new("InvalidParameterDependency", 400, "The parameter KmsKeyId requires the parameter Encrypted to be set."));
    }
    let tags = tags_for(&req.tag_specifications, "volume")?;
    // Encryption: asked for, inherited from an encrypted snapshot, or by the region's default.
    let from_encrypted = snapshot.as_ref().is_some_and(|s| s.encrypted);
    let encrypted = req.encrypted == Some(true) || from_encrypted || by_default;
    let key = if encrypted {
        let wanted = req
            .kms_key_id
            .clone()
            .or_else(|| snapshot.as_ref().and_then(|s| s.kms_key_id.clone()))
            .or(default_key);
        Some(kmsglue::new_data_key(c, wanted.as_deref(), &region)?)
    } else {
        None
    };
    let now = c.now();
    let id = c.rng().ec2_id("vol");
    let mut v = new_volume(&id, &req.availability_zone, spec, now, tags);
    v.until = Some(now.plus(timing::VOLUME_CREATE));
    v.multi_attach_enabled = multi;
    if let Some((arn, dk)) = key {
        v.encrypted = true;
        v.kms_key_id = Some(arn);
        v.encrypted_data_key = Some(dk);
    }
    if let Some(s) = &snapshot {
        v.snapshot_id = Some(s.snapshot_id.clone());
        v.blocks = s.blocks.clone();
        v.fast_restored = take_fsr_credit(c.w.ebs.region_mut(&account, &region), &s.snapshot_id, &req.availability_zone, now);
        if !v.fast_restored {
            v.unloaded = s.blocks.keys().copied().collect();
        }
    }
    c.resource(volume_arn(&region, &account, &id), "AWS::EC2::Volume");
    let out = volume_out(&v);
    c.w.ebs.region_mut(&account, &region).volumes.insert(id, v);
    Ok(out)
}

/// A new volume in the `creating` state with a fresh credit bucket.
pub fn new_volume(id: &str, az: &str, spec: VolumeSpec, now: Timestamp, tags: Vec<Tag>) -> Volume {
    Volume {
        volume_id: id.to_string(),
        availability_zone: az.to_string(),
        spec,
        state: VolumeState::Creating,
        create_time: now,
        until: None,
        snapshot_id: None,
        encrypted: false,
        kms_key_id: None,
        encrypted_data_key: None,
        multi_attach_enabled: false,
        fast_restored: false,
        attachments: Vec::new(),
        tags,
        blocks: Default::default(),
        unloaded: Default::default(),
        modifications: Vec::new(),
        epochs: vec![PerfEpoch { at: now, spec, balance: io::initial_balance(&spec) }],
        workload: Vec::new(),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeVolumesRequest {
    pub volume_ids: Option<Vec<String>>,
    pub filters: Option<Vec<Filter>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVolumesResponse {
    pub volumes: Vec<VolumeOut>,
}

fn tag_filter(name: &str, values: &[String], tags: &[Tag]) -> Option<bool> {
    if let Some(k) = name.strip_prefix("tag:") {
        return Some(tags.iter().any(|t| t.key == k && values.contains(&t.value)));
    }
    if name == "tag-key" {
        return Some(tags.iter().any(|t| values.contains(&t.key)));
    }
    None
}

fn bad_filter(name: &str) -> AwsError {
    EbsError::InvalidParameterValue.err(format!("The filter '{name}' is invalid"))
}

fn volume_matches(v: &Volume, f: &Filter) -> Result<bool, AwsError> {
    let has = |s: &str| f.values.iter().any(|x| x == s);
    let any_att = |g: &dyn Fn(&Attachment) -> String| v.attachments.iter().any(|a| has(&g(a)));
    if let Some(r) = tag_filter(&f.name, &f.values, &v.tags) {
        return Ok(r);
    }
    Ok(match f.name.as_str() {
        "volume-id" => has(&v.volume_id),
        "volume-type" => has(v.spec.volume_type.as_str()),
        "status" => has(v.state.as_str()),
        "availability-zone" => has(&v.availability_zone),
        "size" => has(&v.spec.size.to_string()),
        "snapshot-id" => has(v.snapshot_id.as_deref().unwrap_or("")),
        "encrypted" => has(&v.encrypted.to_string()),
        "multi-attach-enabled" => has(&v.multi_attach_enabled.to_string()),
        "fast-restored" => has(&v.fast_restored.to_string()),
        "attachment.instance-id" => any_att(&|a| a.instance_id.clone()),
        "attachment.device" => any_att(&|a| a.device.clone()),
        "attachment.status" => any_att(&|a| a.state.as_str().to_string()),
        "attachment.delete-on-termination" => any_att(&|a| a.delete_on_termination.to_string()),
        other => return Err(bad_filter(other)),
    })
}

pub fn describe_volumes(c: &mut Call, req: DescribeVolumesRequest) -> Result<DescribeVolumesResponse, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:DescribeVolumes", "*", "")?;
    dry_run(req.dry_run)?;
    let empty = RegionEbs::default();
    let st = c.w.ebs.region(&account, &region).unwrap_or(&empty);
    let mut vols: Vec<&Volume> = match &req.volume_ids {
        Some(ids) => {
            let mut out = Vec::new();
            for id in ids {
                check_id(id, "vol")?;
                out.push(st.volumes.get(id).ok_or_else(|| no_volume(id))?);
            }
            out
        }
        None => st.volumes.values().collect(),
    };
    for f in req.filters.iter().flatten() {
        let mut keep = Vec::new();
        for v in vols {
            if volume_matches(v, f)? {
                keep.push(v);
            }
        }
        vols = keep;
    }
    Ok(DescribeVolumesResponse { volumes: vols.into_iter().map(volume_out).collect() })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VolumeIdRequest {
    pub volume_id: String,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Empty {}

pub fn delete_volume(c: &mut Call, req: VolumeIdRequest) -> Result<Empty, AwsError> {
    let (account, region) = here(c);
    check_id(&req.volume_id, "vol")?;
    allow(c, "ec2:DeleteVolume", &volume_arn(&region, &account, &req.volume_id), "AWS::EC2::Volume")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let v = st.volumes.get_mut(&req.volume_id).ok_or_else(|| no_volume(&req.volume_id))?;
    match v.state {
        VolumeState::Available => {}
        VolumeState::InUse => {
            let on = v.attachments.first().map(|a| a.instance_id.clone()).unwrap_or_default();
            return Err(EbsError::VolumeInUse.err(format!("Volume {} is currently attached to {on}", v.volume_id)));
        }
        _ => return Err(EbsError::IncorrectState.err(format!("{} is not 'available'.", v.volume_id))),
    }
    v.state = VolumeState::Deleting;
    v.until = Some(now.plus(timing::VOLUME_DELETE));
    Ok(Empty {})
}

/// Linux device names EC2 accepts for EBS attachments.
fn valid_device(d: &str) -> bool {
    let rest = d.strip_prefix("/dev/sd").or_else(|| d.strip_prefix("/dev/xvd"));
    match rest {
        Some(r) => {
            let letters: String = r.chars().take_while(|c| c.is_ascii_lowercase()).collect();
            let digits = &r[letters.len()..];
            (1..=2).contains(&letters.len())
                && (digits.is_empty() || digits.parse::<u32>().is_ok_and(|n| (1..=15).contains(&n)))
        }
        None => false,
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttachVolumeRequest {
    pub device: String,
    pub instance_id: String,
    pub volume_id: String,
    pub dry_run: Option<bool>,
}

/// Multi-Attach: up to 16 Nitro instances in the same AZ.
pub const MULTI_ATTACH_MAX: usize = 16;

pub fn attach_volume(c: &mut Call, req: AttachVolumeRequest) -> Result<VolumeAttachmentOut, AwsError> {
    let (account, region) = here(c);
    check_id(&req.volume_id, "vol")?;
    check_id(&req.instance_id, "i")?;
    allow(c, "ec2:AttachVolume", &volume_arn(&region, &account, &req.volume_id), "AWS::EC2::Volume")?;
    allow(c, "ec2:AttachVolume", &instance_arn(&region, &account, &req.instance_id), "AWS::EC2::Instance")?;
    dry_run(req.dry_run)?;
    let inst = find_instance(c.w, &account, &region, &req.instance_id).ok_or_else(|| no_instance(&req.instance_id))?;
    let st = c.w.ebs.region_mut(&account, &region);
    let v = st.volumes.get(&req.volume_id).ok_or_else(|| no_volume(&req.volume_id))?;
    if !matches!(inst.state, InstanceState::Running) {
        return Err(EbsError::IncorrectInstanceState.err(format!("Instance '{}' is not 'running'.", inst.instance_id)));
    }
    if !valid_device(&req.device) {
        return Err(EbsError::InvalidParameterValue.err(format!(
            "Value ({}) for parameter device is invalid. {} is not a valid EBS device name.",
            req.device, req.device
        )));
    }
    match v.state {
        VolumeState::Available => {}
        VolumeState::InUse if v.multi_attach_enabled => {
            if v.attachments.iter().any(|a| a.instance_id == inst.instance_id) {
                return Err(EbsError::VolumeInUse.err(format!("{} is already attached to {}", v.volume_id, inst.instance_id)));
            }
            if v.attachments.len() >= MULTI_ATTACH_MAX {
                return Err(EbsError::AttachmentLimitExceeded
                    .err(format!("A Multi-Attach volume can be attached to at most {MULTI_ATTACH_MAX} instances; {} already is.", v.volume_id)));
            }
        }
        VolumeState::InUse => return Err(EbsError::VolumeInUse.err(format!("{} is already attached to an instance", v.volume_id))),
        _ => return Err(EbsError::IncorrectState.err(format!("{} is not 'available'.", v.volume_id))),
    }
    if v.availability_zone != inst.availability_zone {
        return Err(EbsError::InvalidVolumeZoneMismatch.err(format!(
            "The volume '{}' is not in the same availability zone as instance '{}'",
            v.volume_id, inst.instance_id
        )));
    }
    if v.multi_attach_enabled && !inst.nitro {
        return Err(EbsError::UnsupportedOperation
            .err(format!("Multi-Attach volumes can be attached only to instances built on the Nitro System; {} is not.", inst.instance_type)));
    }
    let busy = st.volumes.values().any(|o| o.attachments.iter().any(|a| a.instance_id == inst.instance_id && a.device == req.device));
    if busy {
        return Err(EbsError::InvalidParameterValue
            .err(format!("Invalid value '{}' for unixDevice. Attachment point {} is already in use", req.device, req.device)));
    }
    let key = v.kms_key_id.clone().zip(v.encrypted_data_key.clone());
    if let Some((key, dk)) = key {
        // EC2 asks KMS to decrypt the volume's data key for the instance's host.
        kmsglue::decrypt_data_key(c, &key, &dk, &region)?;
    }
    let now = c.now();
    let a = Attachment {
        instance_id: req.instance_id.clone(),
        device: req.device.clone(),
        state: AttachState::Attaching,
        attach_time: now,
        delete_on_termination: false,
        until: Some(now.plus(timing::ATTACH)),
    };
    let out = attachment_out(&req.volume_id, &a);
    let st = c.w.ebs.region_mut(&account, &region);
    st.instances.entry(inst.instance_id.clone()).or_insert(inst);
    let v = st.volumes.get_mut(&req.volume_id).expect("checked above");
    v.attachments.push(a);
    v.state = VolumeState::InUse;
    Ok(out)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DetachVolumeRequest {
    pub volume_id: String,
    pub instance_id: Option<String>,
    pub device: Option<String>,
    pub force: Option<bool>,
    pub dry_run: Option<bool>,
}

pub fn detach_volume(c: &mut Call, req: DetachVolumeRequest) -> Result<VolumeAttachmentOut, AwsError> {
    let (account, region) = here(c);
    check_id(&req.volume_id, "vol")?;
    allow(c, "ec2:DetachVolume", &volume_arn(&region, &account, &req.volume_id), "AWS::EC2::Volume")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let v = st.volumes.get(&req.volume_id).ok_or_else(|| no_volume(&req.volume_id))?;
    let live: Vec<&Attachment> = v.attachments.iter().filter(|a| a.state != AttachState::Detaching).collect();
    let a = match &req.instance_id {
        Some(i) => live.iter().find(|a| &a.instance_id == i).copied(),
        None if live.len() > 1 => {
            return Err(EbsError::InvalidParameterCombination
                .err(format!("{} is attached to several instances: specify InstanceId to detach it from one.", v.volume_id)));
        }
        None => live.first().copied(),
    };
    let Some(a) = a else {
        let on = req.instance_id.clone().unwrap_or_else(|| "any instance".into());
        return Err(EbsError::InvalidAttachmentNotFound.err(format!("Volume {} can not be detached from {on} because it is not attached", v.volume_id)));
    };
    if let Some(d) = req.device.as_ref().filter(|d| **d != a.device) {
        return Err(EbsError::InvalidAttachmentNotFound
            .err(format!("The volume {} is not attached to instance {} as device {d}", v.volume_id, a.instance_id)));
    }
    if a.device == ROOT_DEVICE && st.instances.get(&a.instance_id).is_some_and(|i| i.state == InstanceState::Running) && req.force != Some(true) {
        return Err(EbsError::IncorrectState
            .err(format!("Unable to detach root volume '{}' from instance '{}'", v.volume_id, a.instance_id)));
    }
    let instance = a.instance_id.clone();
    let v = st.volumes.get_mut(&req.volume_id).expect("checked above");
    let a = v.attachments.iter_mut().find(|a| a.instance_id == instance && a.state != AttachState::Detaching).expect("found above");
    a.state = AttachState::Detaching;
    a.until = Some(now.plus(timing::DETACH));
    let out = attachment_out(&v.volume_id, a);
    io::stop_workload(v, now);
    Ok(out)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ModifyVolumeRequest {
    pub volume_id: String,
    pub size: Option<i64>,
    pub volume_type: Option<String>,
    pub iops: Option<i64>,
    pub throughput: Option<i64>,
    pub multi_attach_enabled: Option<bool>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeModificationOut {
    pub volume_id: String,
    pub modification_state: String,
    pub target_size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_iops: Option<u32>,
    pub target_volume_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_throughput: Option<u32>,
    pub target_multi_attach_enabled: bool,
    pub original_size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_iops: Option<u32>,
    pub original_volume_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_throughput: Option<u32>,
    pub original_multi_attach_enabled: bool,
    pub progress: i64,
    pub start_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyVolumeResponse {
    pub volume_modification: VolumeModificationOut,
}

fn modification_out(volume_id: &str, m: &Modification, now: Timestamp) -> VolumeModificationOut {
    let progress = match m.state {
        ModState::Completed => 100,
        ModState::Modifying => 0,
        ModState::Optimizing => {
            let total = m.end_time.since(m.optimizing_at).as_millis().max(1);
            (now.since(m.optimizing_at).as_millis() * 100 / total).clamp(0, 99)
        }
    };
    VolumeModificationOut {
        volume_id: volume_id.into(),
        modification_state: m.state.as_str().into(),
        target_size: m.target.size,
        target_iops: m.target.iops,
        target_volume_type: m.target.volume_type.as_str().into(),
        target_throughput: m.target.throughput,
        target_multi_attach_enabled: m.target_multi_attach,
        original_size: m.original.size,
        original_iops: m.original.iops,
        original_volume_type: m.original.volume_type.as_str().into(),
        original_throughput: m.original.throughput,
        original_multi_attach_enabled: m.original_multi_attach,
        progress,
        start_time: m.start_time,
        end_time: (m.state == ModState::Completed).then_some(m.end_time),
    }
}

/// Modifications allowed per volume in a rolling 24 hours (EC2 API reference, ModifyVolume,
/// 2026: "You can modify a volume up to four times within a rolling 24-hour period"; before
/// January 2026 the rule was one modification per six hours).
pub const MODIFICATIONS_PER_DAY: usize = 4;

pub fn modify_volume(c: &mut Call, req: ModifyVolumeRequest) -> Result<ModifyVolumeResponse, AwsError> {
    let (account, region) = here(c);
    check_id(&req.volume_id, "vol")?;
    allow(c, "ec2:ModifyVolume", &volume_arn(&region, &account, &req.volume_id), "AWS::EC2::Volume")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let v = st.volumes.get(&req.volume_id).ok_or_else(|| no_volume(&req.volume_id))?;
    if !matches!(v.state, VolumeState::Available | VolumeState::InUse) {
        return Err(EbsError::IncorrectState.err(format!("{} is not 'available' or 'in-use'.", v.volume_id)));
    }
    if let Some(m) = v.latest_modification().filter(|m| m.state != ModState::Completed) {
        return Err(EbsError::IncorrectModificationState.err(format!(
            "Volume {} is already being modified (state '{}'): a new modification can start once it is 'completed'.",
            v.volume_id,
            m.state.as_str()
        )));
    }
    let day_ago = now.minus(Duration::days(1));
    if v.modifications.iter().filter(|m| m.start_time > day_ago).count() >= MODIFICATIONS_PER_DAY {
        return Err(EbsError::VolumeModificationRateExceeded.err(
            "You've reached the maximum modification rate per volume limit. You can modify a volume up to four times within a rolling 24-hour period.",
        ));
    }
    let cur = v.spec;
    let volume_type = match &req.volume_type {
        Some(t) => VolumeType::parse(t)?,
        None => cur.volume_type,
    };
    let size = opt_int(req.size, "size")?.unwrap_or(i64::from(cur.size));
    if size < i64::from(cur.size) {
        return Err(EbsError::InvalidParameterValue.err(format!("New size ({size}GiB) cannot be smaller than the existing size ({}GiB).", cur.size)));
    }
    // "The existing value is retained if you keep the same volume type. If you change the
    // volume type to io1, io2, or gp3, the default is 3,000."
    let iops = match opt_int(req.iops, "iops")? {
        Some(n) => Some(n),
        None if volume_type.iops_range().is_none() => None,
        None if volume_type == cur.volume_type => cur.iops.map(i64::from),
        None => Some(3_000),
    };
    let throughput = match opt_int(req.throughput, "throughput")? {
        Some(n) => Some(n),
        None if volume_type == VolumeType::Gp3 && cur.volume_type == VolumeType::Gp3 => cur.throughput.map(i64::from),
        None => None,
    };
    let target = VolumeSpec::validate(volume_type, size, iops, throughput)?;
    let multi = req.multi_attach_enabled.unwrap_or(v.multi_attach_enabled);
    if multi && !volume_type.supports_multi_attach() {
        return Err(EbsError::InvalidParameterCombination.err(format!("Multi-Attach is supported only for io1 and io2 volumes, not {volume_type}.")));
    }
    if target == cur && multi == v.multi_attach_enabled {
        return Err(EbsError::InvalidParameterCombination.err(format!("The modification request for {} does not change the volume.", v.volume_id)));
    }
    let optimizing_at = now.plus(timing::MODIFYING);
    let m = Modification {
        original: cur,
        target,
        original_multi_attach: v.multi_attach_enabled,
        target_multi_attach: multi,
        state: ModState::Modifying,
        start_time: now,
        optimizing_at,
        end_time: optimizing_at.plus(timing::optimizing(target.size)),
    };
    let out = modification_out(&req.volume_id, &m, now);
    st.volumes.get_mut(&req.volume_id).expect("checked above").modifications.push(m);
    Ok(ModifyVolumeResponse { volume_modification: out })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeVolumesModificationsRequest {
    pub volume_ids: Option<Vec<String>>,
    pub filters: Option<Vec<Filter>>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVolumesModificationsResponse {
    pub volumes_modifications: Vec<VolumeModificationOut>,
}

pub fn describe_volumes_modifications(c: &mut Call, req: DescribeVolumesModificationsRequest) -> Result<DescribeVolumesModificationsResponse, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:DescribeVolumesModifications", "*", "")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let empty = RegionEbs::default();
    let st = c.w.ebs.region(&account, &region).unwrap_or(&empty);
    if let Some(ids) = &req.volume_ids {
        for id in ids {
            check_id(id, "vol")?;
            if !st.volumes.contains_key(id) {
                return Err(no_volume(id));
            }
        }
    }
    let mut out = Vec::new();
    for v in st.volumes.values() {
        if req.volume_ids.as_ref().is_some_and(|ids| !ids.contains(&v.volume_id)) {
            continue;
        }
        if let Some(m) = v.latest_modification() {
            let o = modification_out(&v.volume_id, m, now);
            let mut keep = true;
            for f in req.filters.iter().flatten() {
                keep &= match f.name.as_str() {
                    "modification-state" => f.values.contains(&o.modification_state),
                    "volume-id" => f.values.contains(&o.volume_id),
                    "target-volume-type" => f.values.contains(&o.target_volume_type),
                    "original-volume-type" => f.values.contains(&o.original_volume_type),
                    other => return Err(bad_filter(other)),
                };
            }
            if keep {
                out.push(o);
            }
        }
    }
    Ok(DescribeVolumesModificationsResponse { volumes_modifications: out })
}

// ---------------------------------------------------------------------------------------
// Snapshots

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnapshotOut {
    pub description: String,
    pub encrypted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    pub owner_id: String,
    pub progress: String,
    pub snapshot_id: String,
    pub start_time: Timestamp,
    pub state: String,
    pub volume_id: String,
    pub volume_size: u32,
    pub storage_tier: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<Timestamp>,
    /// Bytes of data the snapshot holds (written blocks × 512 KiB).
    pub full_snapshot_size_in_bytes: u64,
}

pub fn snapshot_out(s: &Snapshot, now: Timestamp) -> SnapshotOut {
    let progress = match s.state {
        SnapshotState::Completed => 100,
        SnapshotState::Pending => {
            let total = s.completion_time.since(s.start_time).as_millis().max(1);
            (now.since(s.start_time).as_millis() * 100 / total).clamp(0, 99)
        }
    };
    SnapshotOut {
        description: s.description.clone(),
        encrypted: s.encrypted,
        kms_key_id: s.kms_key_id.clone(),
        owner_id: s.owner_id.clone(),
        progress: format!("{progress}%"),
        snapshot_id: s.snapshot_id.clone(),
        start_time: s.start_time,
        state: if s.state == SnapshotState::Completed { "completed".into() } else { "pending".into() },
        volume_id: s.volume_id.clone(),
        volume_size: s.volume_size,
        storage_tier: "standard".into(),
        tags: s.tags.clone(),
        completion_time: (s.state == SnapshotState::Completed).then_some(s.completion_time),
        full_snapshot_size_in_bytes: s.blocks.len() as u64 * BLOCK_KIB as u64 * 1024,
    }
}

/// Block versions already stored by snapshots in a region: what a new snapshot (or copy)
/// does not need to upload again.
fn stored_versions(st: &RegionEbs) -> std::collections::BTreeSet<u64> {
    st.snapshots.values().flat_map(|s| s.blocks.values().map(|b| b.version)).collect()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateSnapshotRequest {
    pub volume_id: String,
    pub description: Option<String>,
    pub tag_specifications: Option<Vec<TagSpecification>>,
    pub dry_run: Option<bool>,
}

pub fn create_snapshot(c: &mut Call, req: CreateSnapshotRequest) -> Result<SnapshotOut, AwsError> {
    let (account, region) = here(c);
    check_id(&req.volume_id, "vol")?;
    allow(c, "ec2:CreateSnapshot", &volume_arn(&region, &account, &req.volume_id), "AWS::EC2::Volume")?;
    allow(c, "ec2:CreateSnapshot", &snapshot_arn(&region, "*"), "AWS::EC2::Snapshot")?;
    dry_run(req.dry_run)?;
    let tags = tags_for(&req.tag_specifications, "snapshot")?;
    let description = req.description.unwrap_or_default();
    if description.len() > 255 {
        return Err(EbsError::InvalidParameterValue.err("The description of a snapshot can be at most 255 characters."));
    }
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let v = st.volumes.get(&req.volume_id).ok_or_else(|| no_volume(&req.volume_id))?;
    if !matches!(v.state, VolumeState::Available | VolumeState::InUse) {
        return Err(EbsError::IncorrectState.err(format!("{} is not 'available' or 'in-use'.", v.volume_id)));
    }
    let stored = stored_versions(st);
    let v = &st.volumes[&req.volume_id];
    let new_blocks = v.blocks.values().filter(|b| !stored.contains(&b.version)).count() as u64;
    let mut s = Snapshot {
        snapshot_id: String::new(),
        volume_id: v.volume_id.clone(),
        volume_size: v.spec.size,
        description,
        owner_id: account.clone(),
        start_time: now,
        state: SnapshotState::Pending,
        completion_time: now.plus(timing::snapshot(new_blocks)),
        encrypted: v.encrypted,
        kms_key_id: v.kms_key_id.clone(),
        encrypted_data_key: v.encrypted_data_key.clone(),
        tags,
        blocks: v.blocks.clone(),
        fsr: Default::default(),
        source: None,
    };
    s.snapshot_id = c.rng().ec2_id("snap");
    c.resource(snapshot_arn(&region, &s.snapshot_id), "AWS::EC2::Snapshot");
    let out = snapshot_out(&s, now);
    c.w.ebs.region_mut(&account, &region).snapshots.insert(s.snapshot_id.clone(), s);
    Ok(out)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeSnapshotsRequest {
    pub snapshot_ids: Option<Vec<String>>,
    pub owner_ids: Option<Vec<String>>,
    pub filters: Option<Vec<Filter>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSnapshotsResponse {
    pub snapshots: Vec<SnapshotOut>,
}

pub fn describe_snapshots(c: &mut Call, req: DescribeSnapshotsRequest) -> Result<DescribeSnapshotsResponse, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:DescribeSnapshots", "*", "")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let empty = RegionEbs::default();
    let st = c.w.ebs.region(&account, &region).unwrap_or(&empty);
    let mut snaps: Vec<&Snapshot> = match &req.snapshot_ids {
        Some(ids) => {
            let mut out = Vec::new();
            for id in ids {
                check_id(id, "snap")?;
                out.push(st.snapshots.get(id).ok_or_else(|| no_snapshot(id))?);
            }
            out
        }
        None => st.snapshots.values().collect(),
    };
    if let Some(owners) = &req.owner_ids {
        snaps.retain(|s| owners.iter().any(|o| o == &s.owner_id || o == "self"));
    }
    let mut out = Vec::new();
    for s in snaps {
        let o = snapshot_out(s, now);
        let mut keep = true;
        for f in req.filters.iter().flatten() {
            keep &= match tag_filter(&f.name, &f.values, &s.tags) {
                Some(r) => r,
                None => match f.name.as_str() {
                    "snapshot-id" => f.values.contains(&o.snapshot_id),
                    "volume-id" => f.values.contains(&o.volume_id),
                    "status" => f.values.contains(&o.state),
                    "owner-id" => f.values.contains(&o.owner_id),
                    "encrypted" => f.values.contains(&o.encrypted.to_string()),
                    "description" => f.values.contains(&o.description),
                    "volume-size" => f.values.contains(&o.volume_size.to_string()),
                    other => return Err(bad_filter(other)),
                },
            };
        }
        if keep {
            out.push(o);
        }
    }
    Ok(DescribeSnapshotsResponse { snapshots: out })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SnapshotIdRequest {
    pub snapshot_id: String,
    pub dry_run: Option<bool>,
}

pub fn delete_snapshot(c: &mut Call, req: SnapshotIdRequest) -> Result<Empty, AwsError> {
    let (account, region) = here(c);
    check_id(&req.snapshot_id, "snap")?;
    allow(c, "ec2:DeleteSnapshot", &snapshot_arn(&region, &req.snapshot_id), "AWS::EC2::Snapshot")?;
    dry_run(req.dry_run)?;
    let st = c.w.ebs.region_mut(&account, &region);
    if st.snapshots.remove(&req.snapshot_id).is_none() {
        return Err(no_snapshot(&req.snapshot_id));
    }
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CopySnapshotRequest {
    pub source_region: String,
    pub source_snapshot_id: String,
    pub destination_region: Option<String>,
    pub description: Option<String>,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub tag_specifications: Option<Vec<TagSpecification>>,
    pub presigned_url: Option<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopySnapshotResponse {
    pub snapshot_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

pub fn copy_snapshot(c: &mut Call, req: CopySnapshotRequest) -> Result<CopySnapshotResponse, AwsError> {
    let account = c.account();
    let dest = req.destination_region.clone().unwrap_or_else(|| c.region());
    check_id(&req.source_snapshot_id, "snap")?;
    allow(c, "ec2:CopySnapshot", &snapshot_arn(&req.source_region, &req.source_snapshot_id), "AWS::EC2::Snapshot")?;
    allow(c, "ec2:CopySnapshot", &snapshot_arn(&dest, "*"), "AWS::EC2::Snapshot")?;
    dry_run(req.dry_run)?;
    for r in [&req.source_region, &dest] {
        if !places::is_region(r) {
            return Err(EbsError::InvalidRegion.err(format!("The region '{r}' does not exist or is not available.")));
        }
    }
    if req.kms_key_id.is_some() && req.encrypted != Some(true) {
        return Err(AwsError::new("InvalidParameterDependency", 400, "The parameter KmsKeyId requires the parameter Encrypted to be set."));
    }
    let tags = tags_for(&req.tag_specifications, "snapshot")?;
    let src = c
        .w
        .ebs
        .region(&account, &req.source_region)
        .and_then(|st| st.snapshots.get(&req.source_snapshot_id))
        .cloned()
        .ok_or_else(|| no_snapshot(&req.source_snapshot_id))?;
    if src.state != SnapshotState::Completed {
        return Err(EbsError::IncorrectState.err(format!("Snapshot {} is not 'completed'; only completed snapshots can be copied.", src.snapshot_id)));
    }
    let encrypted = src.encrypted || req.encrypted == Some(true);
    // A copy in another region is encrypted under a key of that region (KMS keys are regional).
    let key = if encrypted {
        let wanted = req.kms_key_id.clone().or_else(|| {
            if dest == req.source_region { src.kms_key_id.clone() } else { c.w.ebs.region(&account, &dest).and_then(|s| s.default_kms_key_id.clone()) }
        });
        Some(kmsglue::new_data_key(c, wanted.as_deref(), &dest)?)
    } else {
        None
    };
    let now = c.now();
    let new_blocks = {
        let stored = c.w.ebs.region(&account, &dest).map(stored_versions).unwrap_or_default();
        src.blocks.values().filter(|b| !stored.contains(&b.version)).count() as u64
    };
    let id = c.rng().ec2_id("snap");
    let (kms_key_id, encrypted_data_key) = key.map_or((None, None), |(a, d)| (Some(a), Some(d)));
    let s = Snapshot {
        snapshot_id: id.clone(),
        description: req.description.unwrap_or_else(|| format!("[Copied {} from {}]", src.snapshot_id, req.source_region)),
        start_time: now,
        state: SnapshotState::Pending,
        completion_time: now.plus(timing::snapshot(new_blocks)),
        encrypted,
        kms_key_id,
        encrypted_data_key,
        tags: tags.clone(),
        fsr: Default::default(),
        source: Some(format!("{}:{}", req.source_region, src.snapshot_id)),
        ..src
    };
    c.resource(snapshot_arn(&dest, &id), "AWS::EC2::Snapshot");
    c.w.ebs.region_mut(&account, &dest).snapshots.insert(id.clone(), s);
    Ok(CopySnapshotResponse { snapshot_id: id, tags })
}

// ---------------------------------------------------------------------------------------
// Fast snapshot restore

/// Snapshots that may have fast snapshot restore enabled at once in a Region ("You can
/// enable up to 5 snapshots for fast snapshot restore per Region", EBS User Guide).
pub const FSR_SNAPSHOTS_PER_REGION: usize = 5;

/// A snapshot's volume creation credit bucket: fill rate MIN(10, 1024 ÷ size GiB) credits per
/// hour, capacity MAX(1, MIN(10, 1024 ÷ size GiB)) (EBS User Guide, "volume creation credits").
pub fn fsr_bucket(size_gib: u32) -> (f64, f64) {
    let r = (1024.0 / f64::from(size_gib.max(1))).min(10.0);
    (r, r.max(1.0))
}

fn fsr_credits(f: &Fsr, size: u32, now: Timestamp) -> f64 {
    let (rate, cap) = fsr_bucket(size);
    let hours = now.since(f.credits_at).as_secs_f64().max(0.0) / 3600.0;
    (f.credits + rate * hours).min(cap)
}

/// Uses one volume creation credit if fast snapshot restore is enabled for `snap` in `az`.
fn take_fsr_credit(st: &mut RegionEbs, snap: &str, az: &str, now: Timestamp) -> bool {
    let Some(s) = st.snapshots.get_mut(snap) else { return false };
    let size = s.volume_size;
    let Some(f) = s.fsr.get_mut(az) else { return false };
    let credits = fsr_credits(f, size, now);
    if f.state != FsrState::Enabled || credits < 1.0 {
        return false;
    }
    f.credits = credits - 1.0;
    f.credits_at = now;
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FastSnapshotRestoresRequest {
    pub availability_zones: Vec<String>,
    pub source_snapshot_ids: Vec<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FsrOut {
    pub snapshot_id: String,
    pub availability_zone: String,
    pub state: String,
    pub state_transition_reason: String,
    pub owner_id: String,
    pub enabling_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimizing_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabling_time: Option<Timestamp>,
    /// Volume creation credits available now (CloudWatch's FastSnapshotRestoreCreditsBalance).
    pub credits_balance: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FsrErrorItem {
    pub snapshot_id: String,
    pub fast_snapshot_restore_state_errors: Vec<FsrStateError>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FsrStateError {
    pub availability_zone: String,
    pub error: FsrErrorDetail,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FsrErrorDetail {
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FsrResponse {
    pub successful: Vec<FsrOut>,
    pub unsuccessful: Vec<FsrErrorItem>,
}

fn fsr_out(s: &Snapshot, az: &str, f: &Fsr, now: Timestamp) -> FsrOut {
    let enabled = f.state == FsrState::Enabled;
    FsrOut {
        snapshot_id: s.snapshot_id.clone(),
        availability_zone: az.into(),
        state: if enabled { "enabled".into() } else { "optimizing".into() },
        state_transition_reason: if enabled { "Client.UserInitiated - Lifecycle state transition".into() } else { "Client.UserInitiated".into() },
        owner_id: s.owner_id.clone(),
        enabling_time: f.enabling_time,
        optimizing_time: Some(f.enabling_time),
        enabled_time: enabled.then_some(f.enabled_time),
        disabling_time: None,
        credits_balance: (fsr_credits(f, s.volume_size, now) * 1000.0).floor() / 1000.0,
    }
}

fn fsr_error(items: &mut Vec<FsrErrorItem>, snap: &str, az: &str, code: &str, message: String) {
    let e = FsrStateError { availability_zone: az.into(), error: FsrErrorDetail { code: code.into(), message } };
    match items.iter_mut().find(|i| i.snapshot_id == snap) {
        Some(i) => i.fast_snapshot_restore_state_errors.push(e),
        None => items.push(FsrErrorItem { snapshot_id: snap.into(), fast_snapshot_restore_state_errors: vec![e] }),
    }
}

pub fn enable_fast_snapshot_restores(c: &mut Call, req: FastSnapshotRestoresRequest) -> Result<FsrResponse, AwsError> {
    let (account, region) = here(c);
    for s in &req.source_snapshot_ids {
        allow(c, "ec2:EnableFastSnapshotRestores", &snapshot_arn(&region, s), "AWS::EC2::Snapshot")?;
    }
    dry_run(req.dry_run)?;
    if req.availability_zones.is_empty() || req.source_snapshot_ids.is_empty() {
        return Err(EbsError::MissingParameter.err("The request must contain the parameters AvailabilityZones and SourceSnapshotIds"));
    }
    for az in &req.availability_zones {
        check_az(c, az)?;
    }
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let mut resp = FsrResponse { successful: vec![], unsuccessful: vec![] };
    for id in &req.source_snapshot_ids {
        for az in &req.availability_zones {
            let enabled_snaps = st.snapshots.values().filter(|s| !s.fsr.is_empty()).count();
            let Some(s) = st.snapshots.get_mut(id) else {
                fsr_error(&mut resp.unsuccessful, id, az, "InvalidSnapshot.NotFound", format!("The snapshot '{id}' does not exist."));
                continue;
            };
            if s.fsr.is_empty() && enabled_snaps >= FSR_SNAPSHOTS_PER_REGION {
                fsr_error(
                    &mut resp.unsuccessful,
                    id,
                    az,
                    "FastSnapshotRestoreLimitExceeded",
                    format!("You can enable fast snapshot restore for up to {FSR_SNAPSHOTS_PER_REGION} snapshots per Region."),
                );
                continue;
            }
            let f = s.fsr.entry(az.clone()).or_insert_with(|| Fsr {
                state: FsrState::Optimizing,
                enabling_time: now,
                enabled_time: now.plus(timing::fsr_optimizing(s.volume_size)),
                credits: 0.0,
                credits_at: now,
            });
            let f = f.clone();
            resp.successful.push(fsr_out(s, az, &f, now));
        }
    }
    Ok(resp)
}

pub fn disable_fast_snapshot_restores(c: &mut Call, req: FastSnapshotRestoresRequest) -> Result<FsrResponse, AwsError> {
    let (account, region) = here(c);
    for s in &req.source_snapshot_ids {
        allow(c, "ec2:DisableFastSnapshotRestores", &snapshot_arn(&region, s), "AWS::EC2::Snapshot")?;
    }
    dry_run(req.dry_run)?;
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    let mut resp = FsrResponse { successful: vec![], unsuccessful: vec![] };
    for id in &req.source_snapshot_ids {
        for az in &req.availability_zones {
            let Some(s) = st.snapshots.get_mut(id) else {
                fsr_error(&mut resp.unsuccessful, id, az, "InvalidSnapshot.NotFound", format!("The snapshot '{id}' does not exist."));
                continue;
            };
            match s.fsr.remove(az) {
                Some(f) => {
                    let mut o = fsr_out(s, az, &f, now);
                    o.state = "disabling".into();
                    o.disabling_time = Some(now);
                    resp.successful.push(o);
                }
                None => fsr_error(
                    &mut resp.unsuccessful,
                    id,
                    az,
                    "InvalidParameterValue",
                    format!("Fast snapshot restore is not enabled for snapshot {id} in {az}."),
                ),
            }
        }
    }
    Ok(resp)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeFastSnapshotRestoresRequest {
    pub filters: Option<Vec<Filter>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeFastSnapshotRestoresResponse {
    pub fast_snapshot_restores: Vec<FsrOut>,
}

pub fn describe_fast_snapshot_restores(c: &mut Call, req: DescribeFastSnapshotRestoresRequest) -> Result<DescribeFastSnapshotRestoresResponse, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:DescribeFastSnapshotRestores", "*", "")?;
    dry_run(req.dry_run)?;
    let now = c.now();
    let empty = RegionEbs::default();
    let st = c.w.ebs.region(&account, &region).unwrap_or(&empty);
    let mut out = Vec::new();
    for s in st.snapshots.values() {
        for (az, f) in &s.fsr {
            let o = fsr_out(s, az, f, now);
            let mut keep = true;
            for flt in req.filters.iter().flatten() {
                keep &= match flt.name.as_str() {
                    "snapshot-id" => flt.values.contains(&o.snapshot_id),
                    "availability-zone" => flt.values.contains(&o.availability_zone),
                    "state" => flt.values.contains(&o.state),
                    "owner-id" => flt.values.contains(&o.owner_id),
                    other => return Err(bad_filter(other)),
                };
            }
            if keep {
                out.push(o);
            }
        }
    }
    Ok(DescribeFastSnapshotRestoresResponse { fast_snapshot_restores: out })
}

// ---------------------------------------------------------------------------------------
// Encryption by default

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DryRunRequest {
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionByDefault {
    pub ebs_encryption_by_default: bool,
}

fn set_encryption_by_default(c: &mut Call, action: &str, dry: Option<bool>, on: Option<bool>) -> Result<EncryptionByDefault, AwsError> {
    let (account, region) = here(c);
    allow(c, action, "*", "")?;
    dry_run(dry)?;
    let st = c.w.ebs.region_mut(&account, &region);
    if let Some(on) = on {
        st.encryption_by_default = on;
    }
    Ok(EncryptionByDefault { ebs_encryption_by_default: st.encryption_by_default })
}

pub fn enable_ebs_encryption_by_default(c: &mut Call, req: DryRunRequest) -> Result<EncryptionByDefault, AwsError> {
    set_encryption_by_default(c, "ec2:EnableEbsEncryptionByDefault", req.dry_run, Some(true))
}
pub fn disable_ebs_encryption_by_default(c: &mut Call, req: DryRunRequest) -> Result<EncryptionByDefault, AwsError> {
    set_encryption_by_default(c, "ec2:DisableEbsEncryptionByDefault", req.dry_run, Some(false))
}
pub fn get_ebs_encryption_by_default(c: &mut Call, req: DryRunRequest) -> Result<EncryptionByDefault, AwsError> {
    set_encryption_by_default(c, "ec2:GetEbsEncryptionByDefault", req.dry_run, None)
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DefaultKmsKey {
    pub kms_key_id: String,
}

fn default_key_out(c: &Call, account: &str, region: &str) -> DefaultKmsKey {
    let key = c.w.ebs.region(account, region).and_then(|s| s.default_kms_key_id.clone());
    DefaultKmsKey { kms_key_id: key.unwrap_or_else(|| format!("arn:aws:kms:{region}:{account}:alias/aws/ebs")) }
}

pub fn get_ebs_default_kms_key_id(c: &mut Call, req: DryRunRequest) -> Result<DefaultKmsKey, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:GetEbsDefaultKmsKeyId", "*", "")?;
    dry_run(req.dry_run)?;
    Ok(default_key_out(c, &account, &region))
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ModifyDefaultKeyRequest {
    pub kms_key_id: String,
    pub dry_run: Option<bool>,
}

pub fn modify_ebs_default_kms_key_id(c: &mut Call, req: ModifyDefaultKeyRequest) -> Result<DefaultKmsKey, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:ModifyEbsDefaultKmsKeyId", "*", "")?;
    dry_run(req.dry_run)?;
    let arn = kmsglue::resolve_key(c, &req.kms_key_id, &region)?;
    c.w.ebs.region_mut(&account, &region).default_kms_key_id = Some(arn);
    Ok(default_key_out(c, &account, &region))
}

pub fn reset_ebs_default_kms_key_id(c: &mut Call, req: DryRunRequest) -> Result<DefaultKmsKey, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:ResetEbsDefaultKmsKeyId", "*", "")?;
    dry_run(req.dry_run)?;
    c.w.ebs.region_mut(&account, &region).default_kms_key_id = None;
    Ok(default_key_out(c, &account, &region))
}

// ---------------------------------------------------------------------------------------
// The light instance model

/// Where EC2 attaches the root volume of the instances this model launches.
pub const ROOT_DEVICE: &str = "/dev/xvda";
/// The root volume every launched instance gets (an 8 GiB gp3, deleted on termination, as
/// for Amazon Linux 2023 AMIs).
pub const ROOT_VOLUME_GIB: i64 = 8;
/// The AMI used when a script names none (a placeholder id).
pub const DEFAULT_IMAGE: &str = "ami-0abcdef1234567890";

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Placement {
    pub availability_zone: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RunInstancesRequest {
    pub image_id: Option<String>,
    pub instance_type: Option<String>,
    pub min_count: Option<i64>,
    pub max_count: Option<i64>,
    pub placement: Option<Placement>,
    pub tag_specifications: Option<Vec<TagSpecification>>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceStateOut {
    pub code: i64,
    pub name: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EbsMappingOut {
    pub attach_time: Timestamp,
    pub delete_on_termination: bool,
    pub status: String,
    pub volume_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlockDeviceMappingOut {
    pub device_name: String,
    pub ebs: EbsMappingOut,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlacementOut {
    pub availability_zone: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceOut {
    pub instance_id: String,
    pub instance_type: String,
    pub image_id: String,
    pub placement: PlacementOut,
    pub state: InstanceStateOut,
    pub launch_time: Timestamp,
    /// `nitro` or `xen` (DescribeInstanceTypes' Hypervisor).
    pub hypervisor: String,
    pub root_device_name: String,
    pub root_device_type: String,
    pub block_device_mappings: Vec<BlockDeviceMappingOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

fn instance_out(i: &Instance, st: &RegionEbs) -> InstanceOut {
    let mut maps: Vec<BlockDeviceMappingOut> = st
        .volumes
        .values()
        .flat_map(|v| v.attachments.iter().filter(|a| a.instance_id == i.instance_id).map(move |a| (v, a)))
        .map(|(v, a)| BlockDeviceMappingOut {
            device_name: a.device.clone(),
            ebs: EbsMappingOut { attach_time: a.attach_time, delete_on_termination: a.delete_on_termination, status: a.state.as_str().into(), volume_id: v.volume_id.clone() },
        })
        .collect();
    maps.sort_by(|a, b| a.device_name.cmp(&b.device_name));
    InstanceOut {
        instance_id: i.instance_id.clone(),
        instance_type: i.instance_type.clone(),
        image_id: i.image_id.clone(),
        placement: PlacementOut { availability_zone: i.availability_zone.clone() },
        state: InstanceStateOut { code: i.state.code(), name: i.state.name().into() },
        launch_time: i.launch_time,
        hypervisor: if i.nitro { "nitro".into() } else { "xen".into() },
        root_device_name: ROOT_DEVICE.into(),
        root_device_type: "ebs".into(),
        block_device_mappings: maps,
        tags: i.tags.clone(),
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    pub reservation_id: String,
    pub owner_id: String,
    pub instances: Vec<InstanceOut>,
}

pub fn run_instances(c: &mut Call, req: RunInstancesRequest) -> Result<Reservation, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:RunInstances", &instance_arn(&region, &account, "*"), "AWS::EC2::Instance")?;
    dry_run(req.dry_run)?;
    let instance_type = req.instance_type.clone().unwrap_or_else(|| "m1.small".into());
    let nitro = nitro_instance_type(&instance_type)
        .ok_or_else(|| EbsError::InvalidParameterValue.err(format!("Invalid value '{instance_type}' for InstanceType.")))?;
    let max = req.max_count.unwrap_or(1);
    let min = req.min_count.unwrap_or(max);
    if min < 1 || max < min || max > 20 {
        return Err(EbsError::InvalidParameterValue
            .err(format!("MinCount ({min}) and MaxCount ({max}) must satisfy 1 <= MinCount <= MaxCount <= 20 in this simulator.")));
    }
    let az = match req.placement.and_then(|p| p.availability_zone) {
        Some(az) => {
            check_az(c, &az)?;
            az
        }
        None => places::availability_zones(&region).into_iter().next().unwrap_or_default(),
    };
    let tags = tags_for(&req.tag_specifications, "instance")?;
    let image_id = req.image_id.unwrap_or_else(|| DEFAULT_IMAGE.into());
    let root_spec = VolumeSpec::validate(VolumeType::Gp3, ROOT_VOLUME_GIB, None, None)?;
    let encrypt_root = c.w.ebs.region(&account, &region).is_some_and(|s| s.encryption_by_default);
    let default_key = c.w.ebs.region(&account, &region).and_then(|s| s.default_kms_key_id.clone());
    let now = c.now();
    let reservation_id = c.rng().ec2_id("r");
    let mut out = Reservation { reservation_id, owner_id: account.clone(), instances: vec![] };
    for _ in 0..max {
        let key = if encrypt_root { Some(kmsglue::new_data_key(c, default_key.as_deref(), &region)?) } else { None };
        let id = c.rng().ec2_id("i");
        let vol_id = c.rng().ec2_id("vol");
        let inst = Instance {
            instance_id: id.clone(),
            reservation_id: out.reservation_id.clone(),
            instance_type: instance_type.clone(),
            image_id: image_id.clone(),
            availability_zone: az.clone(),
            nitro,
            state: InstanceState::Pending,
            launch_time: now,
            until: Some(now.plus(timing::INSTANCE_START)),
            tags: tags.clone(),
        };
        let mut root = new_volume(&vol_id, &az, root_spec, now, vec![]);
        root.state = VolumeState::InUse;
        if let Some((arn, dk)) = key {
            root.encrypted = true;
            root.kms_key_id = Some(arn);
            root.encrypted_data_key = Some(dk);
        }
        root.attachments.push(Attachment {
            instance_id: id.clone(),
            device: ROOT_DEVICE.into(),
            state: AttachState::Attached,
            attach_time: now,
            delete_on_termination: true,
            until: None,
        });
        c.resource(instance_arn(&region, &account, &id), "AWS::EC2::Instance");
        let st = c.w.ebs.region_mut(&account, &region);
        st.volumes.insert(vol_id, root);
        st.instances.insert(id.clone(), inst);
        let st = c.w.ebs.region(&account, &region).expect("just inserted");
        out.instances.push(instance_out(&st.instances[&id], st));
    }
    Ok(out)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeInstancesRequest {
    pub instance_ids: Option<Vec<String>>,
    pub filters: Option<Vec<Filter>>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesResponse {
    pub reservations: Vec<Reservation>,
}

pub fn describe_instances(c: &mut Call, req: DescribeInstancesRequest) -> Result<DescribeInstancesResponse, AwsError> {
    let (account, region) = here(c);
    allow(c, "ec2:DescribeInstances", "*", "")?;
    dry_run(req.dry_run)?;
    let empty = RegionEbs::default();
    let st = c.w.ebs.region(&account, &region).unwrap_or(&empty);
    if let Some(ids) = &req.instance_ids {
        for id in ids {
            check_id(id, "i")?;
            if !st.instances.contains_key(id) {
                return Err(no_instance(id));
            }
        }
    }
    let mut out = Vec::new();
    for i in st.instances.values() {
        if req.instance_ids.as_ref().is_some_and(|ids| !ids.contains(&i.instance_id)) {
            continue;
        }
        let mut keep = true;
        for f in req.filters.iter().flatten() {
            keep &= match tag_filter(&f.name, &f.values, &i.tags) {
                Some(r) => r,
                None => match f.name.as_str() {
                    "instance-id" => f.values.contains(&i.instance_id),
                    "instance-type" => f.values.contains(&i.instance_type),
                    "availability-zone" => f.values.contains(&i.availability_zone),
                    "instance-state-name" => f.values.iter().any(|v| v == i.state.name()),
                    other => return Err(bad_filter(other)),
                },
            };
        }
        if keep {
            out.push(Reservation { reservation_id: i.reservation_id.clone(), owner_id: account.clone(), instances: vec![instance_out(i, st)] });
        }
    }
    Ok(DescribeInstancesResponse { reservations: out })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InstanceIdsRequest {
    pub instance_ids: Vec<String>,
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceStateChange {
    pub instance_id: String,
    pub current_state: InstanceStateOut,
    pub previous_state: InstanceStateOut,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminateInstancesResponse {
    pub terminating_instances: Vec<InstanceStateChange>,
}

/// Terminates instances: their volumes are detached, and those marked DeleteOnTermination
/// (the root volumes) are deleted.
pub fn terminate_instances(c: &mut Call, req: InstanceIdsRequest) -> Result<TerminateInstancesResponse, AwsError> {
    let (account, region) = here(c);
    for id in &req.instance_ids {
        check_id(id, "i")?;
        allow(c, "ec2:TerminateInstances", &instance_arn(&region, &account, id), "AWS::EC2::Instance")?;
    }
    dry_run(req.dry_run)?;
    let now = c.now();
    let st = c.w.ebs.region_mut(&account, &region);
    for id in &req.instance_ids {
        if !st.instances.contains_key(id) {
            return Err(no_instance(id));
        }
    }
    let mut out = Vec::new();
    for id in &req.instance_ids {
        let i = st.instances.get_mut(id).expect("checked above");
        let prev = i.state;
        if !matches!(prev, InstanceState::ShuttingDown | InstanceState::Terminated) {
            i.state = InstanceState::ShuttingDown;
            i.until = Some(now.plus(timing::INSTANCE_TERMINATE));
        }
        let cur = i.state;
        out.push(InstanceStateChange {
            instance_id: id.clone(),
            current_state: InstanceStateOut { code: cur.code(), name: cur.name().into() },
            previous_state: InstanceStateOut { code: prev.code(), name: prev.name().into() },
        });
        for v in st.volumes.values_mut() {
            let Some(pos) = v.attachments.iter().position(|a| &a.instance_id == id) else { continue };
            let a = v.attachments.remove(pos);
            io::stop_workload(v, now);
            if v.attachments.is_empty() {
                v.state = VolumeState::Available;
            }
            if a.delete_on_termination && v.attachments.is_empty() {
                v.state = VolumeState::Deleting;
                v.until = Some(now.plus(timing::VOLUME_DELETE));
            }
        }
    }
    Ok(TerminateInstancesResponse { terminating_instances: out })
}

// ---------------------------------------------------------------------------------------
// EBS direct APIs (ebs.amazonaws.com): read a snapshot's block list and diffs

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListSnapshotBlocksRequest {
    pub snapshot_id: String,
    pub starting_block_index: Option<i64>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlockOut {
    pub block_index: u64,
    pub block_token: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSnapshotBlocksResponse {
    pub blocks: Vec<BlockOut>,
    pub block_size: u64,
    pub volume_size: u32,
}

/// A block token: opaque to scripts, stable for one block version.
pub fn block_token(version: u64) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let h = sha2::Sha256::digest(format!("cloudbook-ebs-block-{version}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(&h[..24])
}

fn direct_snapshot(c: &mut Call, id: &str, action: &str) -> Result<Snapshot, AwsError> {
    let (account, region) = here(c);
    allow(c, action, &snapshot_arn(&region, id), "AWS::EC2::Snapshot")?;
    let s = c
        .w
        .ebs
        .region(&account, &region)
        .and_then(|st| st.snapshots.get(id))
        .cloned()
        .ok_or_else(|| EbsError::ResourceNotFoundException.err(format!("The snapshot '{id}' does not exist.")))?;
    if s.state != SnapshotState::Completed {
        return Err(EbsError::ValidationException.err(format!("The snapshot '{id}' is not in the 'completed' state.")));
    }
    Ok(s)
}

fn page(max: Option<i64>, start: Option<i64>) -> Result<(usize, u64), AwsError> {
    let max = max.unwrap_or(10_000);
    if !(100..=10_000).contains(&max) {
        return Err(EbsError::ValidationException.err(format!("MaxResults must be between 100 and 10000, not {max}.")));
    }
    let start = start.unwrap_or(0);
    if start < 0 {
        return Err(EbsError::ValidationException.err("StartingBlockIndex must not be negative."));
    }
    Ok((max as usize, start as u64))
}

pub fn list_snapshot_blocks(c: &mut Call, req: ListSnapshotBlocksRequest) -> Result<ListSnapshotBlocksResponse, AwsError> {
    debug_assert_eq!(c.service.event_source, EBS_DIRECT.event_source);
    c.data_event = true;
    let (max, start) = page(req.max_results, req.starting_block_index)?;
    let s = direct_snapshot(c, &req.snapshot_id, "ebs:ListSnapshotBlocks")?;
    let blocks = s.blocks.range(start..).take(max).map(|(i, b)| BlockOut { block_index: *i, block_token: block_token(b.version) }).collect();
    Ok(ListSnapshotBlocksResponse { blocks, block_size: BLOCK_KIB as u64 * 1024, volume_size: s.volume_size })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListChangedBlocksRequest {
    pub first_snapshot_id: Option<String>,
    pub second_snapshot_id: String,
    pub starting_block_index: Option<i64>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangedBlockOut {
    pub block_index: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_block_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_block_token: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChangedBlocksResponse {
    pub changed_blocks: Vec<ChangedBlockOut>,
    pub block_size: u64,
    pub volume_size: u32,
}

pub fn list_changed_blocks(c: &mut Call, req: ListChangedBlocksRequest) -> Result<ListChangedBlocksResponse, AwsError> {
    c.data_event = true;
    let (max, start) = page(req.max_results, req.starting_block_index)?;
    let second = direct_snapshot(c, &req.second_snapshot_id, "ebs:ListChangedBlocks")?;
    let first = match &req.first_snapshot_id {
        Some(id) => {
            let f = direct_snapshot(c, id, "ebs:ListChangedBlocks")?;
            if f.volume_id != second.volume_id {
                return Err(EbsError::ValidationException
                    .err(format!("The snapshots '{id}' and '{}' must be created from the same volume.", second.snapshot_id)));
            }
            if f.start_time > second.start_time {
                return Err(EbsError::ValidationException.err(format!("The first snapshot '{id}' must be older than the second snapshot.")));
            }
            Some(f)
        }
        None => None,
    };
    let empty = Default::default();
    let first_blocks = first.as_ref().map_or(&empty, |f| &f.blocks);
    let changed = io::changed_blocks(first_blocks, &second.blocks)
        .into_iter()
        .filter(|i| *i >= start)
        .take(max)
        .map(|i| ChangedBlockOut {
            block_index: i,
            first_block_token: first_blocks.get(&i).map(|b| block_token(b.version)),
            second_block_token: second.blocks.get(&i).map(|b| block_token(b.version)),
        })
        .collect();
    Ok(ListChangedBlocksResponse { changed_blocks: changed, block_size: BLOCK_KIB as u64 * 1024, volume_size: second.volume_size })
}

// ---------------------------------------------------------------------------------------
// CloudWatch: the AWS/EBS metrics of a volume

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetMetricStatisticsRequest {
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<Dimension>,
    pub start_time: Timestamp,
    pub end_time: Timestamp,
    pub period: i64,
    pub statistics: Vec<String>,
    pub unit: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DatapointOut {
    pub timestamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_count: Option<f64>,
    pub unit: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMetricStatisticsResponse {
    pub label: String,
    pub datapoints: Vec<DatapointOut>,
}

/// CloudWatch returns at most 1,440 datapoints per call.
pub const MAX_DATAPOINTS: i64 = 1_440;

pub fn get_metric_statistics(c: &mut Call, req: GetMetricStatisticsRequest) -> Result<GetMetricStatisticsResponse, AwsError> {
    debug_assert_eq!(c.service.event_source, CLOUDWATCH.event_source);
    let (account, region) = here(c);
    allow(c, "cloudwatch:GetMetricStatistics", "*", "")?;
    let invalid = |m: String| AwsError::new("InvalidParameterValue", 400, m);
    if req.namespace != "AWS/EBS" {
        return Err(invalid(format!("This simulator publishes only the AWS/EBS namespace, not `{}`.", req.namespace)));
    }
    if !io::METRICS.contains(&req.metric_name.as_str()) {
        return Err(invalid(format!("`{}` is not an AWS/EBS metric this simulator publishes (known: {}).", req.metric_name, io::METRICS.join(", "))));
    }
    let volume_id = match req.dimensions.as_slice() {
        [d] if d.name == "VolumeId" => d.value.clone(),
        _ => return Err(invalid("AWS/EBS volume metrics take exactly one dimension, VolumeId.".into())),
    };
    if req.period < 60 || req.period % 60 != 0 {
        return Err(invalid(format!("The parameter Period must be a multiple of 60, not {}.", req.period)));
    }
    if req.end_time <= req.start_time {
        return Err(invalid("The parameter StartTime must be less than the parameter EndTime.".into()));
    }
    let span = req.end_time.since(req.start_time).whole_secs();
    let requested = (span + req.period - 1) / req.period;
    if requested > MAX_DATAPOINTS {
        return Err(AwsError::new(
            "InvalidParameterCombination",
            400,
            format!("You have requested up to {requested} datapoints, which exceeds the limit of {MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range."),
        ));
    }
    const STATS: &[&str] = &["Average", "Minimum", "Maximum", "Sum", "SampleCount"];
    if req.statistics.is_empty() || req.statistics.iter().any(|s| !STATS.contains(&s.as_str())) {
        return Err(invalid(format!("Statistics must name one or more of {}.", STATS.join(", "))));
    }
    let now = c.now();
    let interrupt = c.w.interrupt.clone();
    let stretches = match c.w.ebs.region(&account, &region).and_then(|st| st.volumes.get(&volume_id)) {
        Some(v) => io::history(v, now.min(req.end_time), &|| interrupt.is_set()).map_err(sim_error)?,
        None => Vec::new(),
    };
    let unit = match req.metric_name.as_str() {
        "BurstBalance" => "Percent",
        "VolumeIdleTime" => "Seconds",
        m if m.ends_with("Bytes") => "Bytes",
        _ => "Count",
    };
    let want = |s: &str| req.statistics.iter().any(|x| x == s);
    let datapoints = io::metric(&stretches, &req.metric_name, req.start_time, req.end_time.min(now), Duration::secs(req.period))
        .into_iter()
        .map(|d| DatapointOut {
            timestamp: d.timestamp,
            average: want("Average").then_some(round3(d.average)),
            minimum: want("Minimum").then_some(round3(d.minimum)),
            maximum: want("Maximum").then_some(round3(d.maximum)),
            sum: want("Sum").then_some(round3(d.sum)),
            sample_count: want("SampleCount").then_some(d.sample_count),
            unit: unit.into(),
        })
        .collect();
    Ok(GetMetricStatisticsResponse { label: req.metric_name, datapoints })
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A simulation that could not finish, as the script sees it.
pub fn sim_error(e: super::perf::SimError) -> AwsError {
    match e {
        super::perf::SimError::Interrupted => AwsError::new("Interrupted", 400, "Interrupted: the simulation was stopped by a kernel interrupt."),
        super::perf::SimError::TooDetailed(n) => EbsError::InvalidParameterValue.err(format!(
            "The simulation's timeline would exceed {n} rows: use fewer phases, or pass `#{{ Timeline: false }}` for the summary only."
        )),
    }
}
