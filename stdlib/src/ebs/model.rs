//! EBS domain model: volume types and their limits, volumes, snapshots, the light EC2
//! instance model, and the per-account, per-region state. Plain Rust, no Rhai.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::EbsError;
use crate::world::{AwsError, ErrorCode, Timestamp};

/// An EBS volume type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VolumeType {
    Gp2,
    Gp3,
    Io1,
    Io2,
    St1,
    Sc1,
    Standard,
}

impl VolumeType {
    pub const ALL: [VolumeType; 7] =
        [VolumeType::Standard, VolumeType::Io1, VolumeType::Io2, VolumeType::Gp2, VolumeType::Sc1, VolumeType::St1, VolumeType::Gp3];

    pub fn as_str(self) -> &'static str {
        match self {
            VolumeType::Gp2 => "gp2",
            VolumeType::Gp3 => "gp3",
            VolumeType::Io1 => "io1",
            VolumeType::Io2 => "io2",
            VolumeType::St1 => "st1",
            VolumeType::Sc1 => "sc1",
            VolumeType::Standard => "standard",
        }
    }

    /// Parses AWS's spelling; anything else is EC2's InvalidParameterValue.
    pub fn parse(s: &str) -> Result<VolumeType, AwsError> {
        VolumeType::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            let allowed: Vec<&str> = VolumeType::ALL.iter().map(|t| t.as_str()).collect();
            EbsError::InvalidParameterValue
                .err(format!("Value ({s}) for parameter volumeType is invalid. Allowed values are: {}.", allowed.join(", ")))
        })
    }

    /// Size range in GiB ([BOTO-MODEL] ec2 CreateVolume `Size`, 2025-09 text):
    /// "gp2: 1 - 16,384 GiB; gp3: 1 - 65,536 GiB; io1: 4 - 16,384 GiB; io2: 4 - 65,536 GiB;
    /// st1 and sc1: 125 - 16,384 GiB; standard: 1 - 1024 GiB".
    pub fn size_range(self) -> (u32, u32) {
        match self {
            VolumeType::Gp2 => (1, 16_384),
            VolumeType::Gp3 => (1, 65_536),
            VolumeType::Io1 => (4, 16_384),
            VolumeType::Io2 => (4, 65_536),
            VolumeType::St1 | VolumeType::Sc1 => (125, 16_384),
            VolumeType::Standard => (1, 1_024),
        }
    }

    /// Provisioned IOPS range and the maximum IOPS per GiB, for the types that take `Iops`:
    /// "gp3: 3,000 (default) - 80,000 IOPS; io1: 100 - 64,000 IOPS; io2: 100 - 256,000 IOPS";
    /// ratios 500:1 (gp3), 50:1 (io1), 1,000:1 (io2).
    pub fn iops_range(self) -> Option<(u32, u32, u32)> {
        match self {
            VolumeType::Gp3 => Some((3_000, 80_000, 500)),
            VolumeType::Io1 => Some((100, 64_000, 50)),
            VolumeType::Io2 => Some((100, 256_000, 1_000)),
            _ => None,
        }
    }

    pub fn is_ssd(self) -> bool {
        !matches!(self, VolumeType::St1 | VolumeType::Sc1 | VolumeType::Standard)
    }

    /// Multi-Attach is supported only on Provisioned IOPS SSD volumes.
    pub fn supports_multi_attach(self) -> bool {
        matches!(self, VolumeType::Io1 | VolumeType::Io2)
    }
}

impl fmt::Display for VolumeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// gp3's baseline (and default) IOPS and throughput.
pub const GP3_DEFAULT_IOPS: u32 = 3_000;
pub const GP3_DEFAULT_THROUGHPUT: u32 = 125;
/// gp3 throughput range and ratio: "Valid Range: 125 - 2000 MiB/s", 0.25 MiB/s per IOPS.
pub const GP3_MAX_THROUGHPUT: u32 = 2_000;
pub const GP3_MIBPS_PER_IOPS: f64 = 0.25;

/// A volume's type, size and provisioned performance, validated against AWS's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeSpec {
    pub volume_type: VolumeType,
    /// GiB.
    pub size: u32,
    /// Provisioned IOPS (gp3, io1, io2); None for the other types.
    pub iops: Option<u32>,
    /// Provisioned throughput in MiB/s (gp3 only).
    pub throughput: Option<u32>,
}

impl VolumeSpec {
    /// Validates a requested spec the way CreateVolume / ModifyVolume do: size range per
    /// type; `Iops` required for io1/io2, optional for gp3 (default 3,000), refused for the
    /// others; IOPS range and IOPS:GiB ratio; `Throughput` only for gp3, 125–2,000 MiB/s and
    /// at most 0.25 MiB/s per provisioned IOPS.
    pub fn validate(volume_type: VolumeType, size: i64, iops: Option<i64>, throughput: Option<i64>) -> Result<VolumeSpec, AwsError> {
        let (min, max) = volume_type.size_range();
        if size < i64::from(min) {
            return Err(EbsError::InvalidParameterValue.err(format!(
                "The volume size is invalid for {volume_type} volumes: {size} GiB. {volume_type} volumes must be at least {min} GiB in size. Please specify a volume size above the minimum limit."
            )));
        }
        if size > i64::from(max) {
            return Err(EbsError::InvalidParameterValue
                .err(format!("Volume of {size}GiB is too large for volume type {volume_type}; maximum is {max}GiB")));
        }
        let size = size as u32;
        let iops = match (volume_type.iops_range(), iops) {
            (None, Some(_)) => {
                return Err(EbsError::InvalidParameterCombination.err(format!("The parameter iops is not supported for {volume_type} volumes.")));
            }
            (None, None) => None,
            (Some(_), None) if volume_type == VolumeType::Gp3 => Some(GP3_DEFAULT_IOPS),
            (Some(_), None) => {
                return Err(EbsError::InvalidParameterCombination.err(format!("The parameter iops must be specified for {volume_type} volumes.")));
            }
            (Some((lo, hi, ratio)), Some(n)) => {
                if n < i64::from(lo) {
                    return Err(EbsError::InvalidParameterValue.err(format!("Volume iops of {n} is too low; minimum is {lo}.")));
                }
                if n > i64::from(hi) {
                    return Err(EbsError::InvalidParameterValue.err(format!("Volume iops of {n} is too high; maximum is {hi}.")));
                }
                // gp3's 3,000 IOPS baseline is available at any size; the ratio limits what
                // can be provisioned above it.
                let free = if volume_type == VolumeType::Gp3 { i64::from(GP3_DEFAULT_IOPS) } else { 0 };
                if n > free && n > i64::from(ratio) * i64::from(size) {
                    return Err(EbsError::InvalidParameterValue.err(format!(
                        "Iops to volume size ratio of {:.6} is too high; maximum is {ratio}",
                        n as f64 / f64::from(size)
                    )));
                }
                Some(n as u32)
            }
        };
        let throughput = match (volume_type, throughput) {
            (VolumeType::Gp3, None) => Some(GP3_DEFAULT_THROUGHPUT),
            (VolumeType::Gp3, Some(t)) => {
                if t < i64::from(GP3_DEFAULT_THROUGHPUT) {
                    return Err(EbsError::InvalidParameterValue.err(format!("Volume throughput of {t} is too low; minimum is {GP3_DEFAULT_THROUGHPUT}.")));
                }
                if t > i64::from(GP3_MAX_THROUGHPUT) {
                    return Err(EbsError::InvalidParameterValue.err(format!("Volume throughput of {t} is too high; maximum is {GP3_MAX_THROUGHPUT}.")));
                }
                let iops = f64::from(iops.unwrap_or(GP3_DEFAULT_IOPS));
                if t > i64::from(GP3_DEFAULT_THROUGHPUT) && t as f64 > GP3_MIBPS_PER_IOPS * iops {
                    return Err(EbsError::InvalidParameterValue.err(format!(
                        "Throughput (MiBps) to iops ratio of {:.6} is too high; maximum is {GP3_MIBPS_PER_IOPS:.6} MiBps per iops.",
                        t as f64 / iops
                    )));
                }
                Some(t as u32)
            }
            (_, None) => None,
            (_, Some(_)) => {
                return Err(EbsError::InvalidParameterCombination.err(format!("The parameter throughput is not supported for {volume_type} volumes.")));
            }
        };
        Ok(VolumeSpec { volume_type, size, iops, throughput })
    }

    /// Blocks of 512 KiB in a volume of this size.
    pub fn blocks(&self) -> u64 {
        u64::from(self.size) * 2048
    }
}

/// A key/value tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The contents of one 512 KiB block. `version` identifies one write (every write makes a
/// new version), which is what snapshots compare and count; `data` is what the script wrote
/// (or a short generated token standing for 512 KiB of data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Block {
    pub version: u64,
    #[serde(with = "crate::world::blob::b64")]
    pub data: Vec<u8>,
}

/// Volume lifecycle states (EC2 `VolumeState`; `error` is not modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeState {
    Creating,
    Available,
    InUse,
    Deleting,
    Deleted,
}

impl VolumeState {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeState::Creating => "creating",
            VolumeState::Available => "available",
            VolumeState::InUse => "in-use",
            VolumeState::Deleting => "deleting",
            VolumeState::Deleted => "deleted",
        }
    }
}

/// Attachment states (EC2 `VolumeAttachmentState`; `busy` is not modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttachState {
    Attaching,
    Attached,
    Detaching,
    Detached,
}

impl AttachState {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachState::Attaching => "attaching",
            AttachState::Attached => "attached",
            AttachState::Detaching => "detaching",
            AttachState::Detached => "detached",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    pub instance_id: String,
    pub device: String,
    pub state: AttachState,
    pub attach_time: Timestamp,
    pub delete_on_termination: bool,
    /// When `attaching` becomes `attached` or `detaching` ends.
    pub until: Option<Timestamp>,
}

/// ModifyVolume progress (`modifying` → `optimizing` → `completed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModState {
    Modifying,
    Optimizing,
    Completed,
}

impl ModState {
    pub fn as_str(self) -> &'static str {
        match self {
            ModState::Modifying => "modifying",
            ModState::Optimizing => "optimizing",
            ModState::Completed => "completed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Modification {
    pub original: VolumeSpec,
    pub target: VolumeSpec,
    pub original_multi_attach: bool,
    pub target_multi_attach: bool,
    pub state: ModState,
    pub start_time: Timestamp,
    /// When `modifying` turns `optimizing` (the new spec takes effect then).
    pub optimizing_at: Timestamp,
    pub end_time: Timestamp,
}

/// A scheduled stretch of I/O on a volume (from `ebs::start_workload`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduledPhase {
    pub start: Timestamp,
    pub end: Timestamp,
    pub iops: f64,
    pub io_size_kib: f64,
    pub sequential: bool,
    pub read_fraction: f64,
}

/// From `at` on, the volume had `spec` and (for bucket volumes) started with `balance`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PerfEpoch {
    pub at: Timestamp,
    pub spec: VolumeSpec,
    pub balance: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Volume {
    pub volume_id: String,
    pub availability_zone: String,
    pub spec: VolumeSpec,
    pub state: VolumeState,
    pub create_time: Timestamp,
    /// When `creating` turns `available`, or `deleting` ends.
    pub until: Option<Timestamp>,
    pub snapshot_id: Option<String>,
    pub encrypted: bool,
    /// The KMS key ARN for encrypted volumes.
    pub kms_key_id: Option<String>,
    /// The volume's data key, encrypted under the KMS key (what EC2 stores with the volume).
    #[serde(default, with = "opt_b64")]
    pub encrypted_data_key: Option<Vec<u8>>,
    pub multi_attach_enabled: bool,
    pub fast_restored: bool,
    pub attachments: Vec<Attachment>,
    pub tags: Vec<Tag>,
    /// Written blocks by index (sparse).
    pub blocks: BTreeMap<u64, Block>,
    /// Blocks restored from a snapshot that have not been read or written yet (lazy loading).
    pub unloaded: BTreeSet<u64>,
    pub modifications: Vec<Modification>,
    /// Performance history (for the credit bucket and the metrics).
    pub epochs: Vec<PerfEpoch>,
    pub workload: Vec<ScheduledPhase>,
}

impl Volume {
    pub fn latest_modification(&self) -> Option<&Modification> {
        self.modifications.last()
    }
}

/// Snapshot states (`recoverable`/`recovering` and `error` are not modelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotState {
    Pending,
    Completed,
}

/// Fast snapshot restore states for one snapshot in one AZ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FsrState {
    Optimizing,
    Enabled,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Fsr {
    pub state: FsrState,
    pub enabling_time: Timestamp,
    pub enabled_time: Timestamp,
    /// Volume creation credits at `credits_at` (the bucket starts empty when enabled).
    pub credits: f64,
    pub credits_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Snapshot {
    pub snapshot_id: String,
    pub volume_id: String,
    pub volume_size: u32,
    pub description: String,
    pub owner_id: String,
    pub start_time: Timestamp,
    pub state: SnapshotState,
    pub completion_time: Timestamp,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    #[serde(default, with = "opt_b64")]
    pub encrypted_data_key: Option<Vec<u8>>,
    pub tags: Vec<Tag>,
    /// The volume's blocks at the moment of the snapshot (point in time).
    pub blocks: BTreeMap<u64, Block>,
    /// Fast snapshot restore by AZ.
    pub fsr: BTreeMap<String, Fsr>,
    /// For copies: the snapshot this one was copied from (`region:snap-...`).
    pub source: Option<String>,
}

/// Instance states (EC2 `InstanceStateName`) with their codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
}

impl InstanceState {
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
        }
    }
    pub fn code(self) -> i64 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
        }
    }
}

/// The light EC2 instance model EBS needs: where it runs and whether it is built on Nitro.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: String,
    pub reservation_id: String,
    pub instance_type: String,
    pub image_id: String,
    pub availability_zone: String,
    pub nitro: bool,
    pub state: InstanceState,
    pub launch_time: Timestamp,
    pub until: Option<Timestamp>,
    pub tags: Vec<Tag>,
}

/// Instance families built on the Xen hypervisor (everything current-generation else is
/// Nitro), from the EC2 "Instances built on the Nitro System" page.
const XEN_FAMILIES: &[&str] = &["t1", "t2", "m1", "m2", "m3", "m4", "c1", "c3", "c4", "r3", "r4", "x1", "x1e", "d2", "i2", "i3", "g3", "g3s", "p2", "p3", "f1", "h1"];

/// Whether an instance type is built on the Nitro System, or None if it is not a valid
/// instance type name (`family.size`).
pub fn nitro_instance_type(t: &str) -> Option<bool> {
    let (family, size) = t.split_once('.')?;
    let ok = |s: &str, extra: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c));
    if !ok(family, "-") || !ok(size, "") || !family.starts_with(|c: char| c.is_ascii_lowercase()) || !family.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(!XEN_FAMILIES.contains(&family) || size == "metal")
}

/// One account's EBS resources in one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionEbs {
    pub volumes: BTreeMap<String, Volume>,
    pub snapshots: BTreeMap<String, Snapshot>,
    pub instances: BTreeMap<String, Instance>,
    pub encryption_by_default: bool,
    /// The default KMS key for EBS encryption (None: `alias/aws/ebs`).
    pub default_kms_key_id: Option<String>,
}

/// Every account's EBS resources: account id → region → resources.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EbsState {
    pub accounts: BTreeMap<String, BTreeMap<String, RegionEbs>>,
    /// The next block version (one per block write, across the world).
    pub next_block_version: u64,
}

impl EbsState {
    pub fn region(&self, account: &str, region: &str) -> Option<&RegionEbs> {
        self.accounts.get(account)?.get(region)
    }
    pub fn region_mut(&mut self, account: &str, region: &str) -> &mut RegionEbs {
        self.accounts.entry(account.to_string()).or_default().entry(region.to_string()).or_default()
    }
    /// Every region's resources, in account then region order.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str, &RegionEbs)> {
        self.accounts.iter().flat_map(|(a, rs)| rs.iter().map(move |(r, e)| (a.as_str(), r.as_str(), e)))
    }
}

/// `Option<Vec<u8>>` as optional base64 text in saved worlds.
mod opt_b64 {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&base64::engine::general_purpose::STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| base64::engine::general_purpose::STANDARD.decode(s).map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(t: VolumeType, size: i64, iops: Option<i64>, tp: Option<i64>) -> Result<VolumeSpec, AwsError> {
        VolumeSpec::validate(t, size, iops, tp)
    }

    #[test]
    fn size_ranges_per_type_are_awss() {
        use VolumeType::*;
        for (t, lo, hi) in [(Gp2, 1, 16_384), (Gp3, 1, 65_536), (Io1, 4, 16_384), (Io2, 4, 65_536), (St1, 125, 16_384), (Sc1, 125, 16_384), (Standard, 1, 1_024)] {
            let iops = if matches!(t, Io1 | Io2) { Some(100) } else { None };
            assert!(v(t, lo, iops, None).is_ok(), "{t} {lo}");
            assert!(v(t, hi, iops, None).is_ok(), "{t} {hi}");
            let e = v(t, lo - 1, iops, None).unwrap_err();
            assert_eq!(e.code, "InvalidParameterValue");
            let e = v(t, hi + 1, iops, None).unwrap_err();
            assert_eq!(e.message, format!("Volume of {}GiB is too large for volume type {t}; maximum is {hi}GiB", hi + 1));
        }
        // The message AWS returns for a 0 GiB gp2 volume.
        assert_eq!(
            v(Gp2, 0, None, None).unwrap_err().message,
            "The volume size is invalid for gp2 volumes: 0 GiB. gp2 volumes must be at least 1 GiB in size. Please specify a volume size above the minimum limit."
        );
        // moto accepts a 20,000 GiB gp2; AWS does not.
        assert!(v(Gp2, 20_000, None, None).is_err());
    }

    #[test]
    fn volume_type_strings() {
        assert_eq!(VolumeType::parse("gp3").unwrap(), VolumeType::Gp3);
        let e = VolumeType::parse("bogus").unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(e.message.contains("Value (bogus) for parameter volumeType is invalid"), "{}", e.message);
    }

    #[test]
    fn iops_required_optional_or_forbidden_per_type() {
        use VolumeType::*;
        assert_eq!(v(Gp3, 10, None, None).unwrap().iops, Some(3000));
        assert_eq!(v(Gp3, 10, None, None).unwrap().throughput, Some(125));
        let e = v(Io1, 100, None, None).unwrap_err();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("InvalidParameterCombination", "The parameter iops must be specified for io1 volumes."));
        for t in [Gp2, St1, Sc1, Standard] {
            let e = v(t, 500, Some(1000), None).unwrap_err();
            assert_eq!(e.code, "InvalidParameterCombination");
            assert_eq!(e.message, format!("The parameter iops is not supported for {t} volumes."));
        }
    }

    #[test]
    fn iops_ranges_and_ratios() {
        use VolumeType::*;
        // gp3: 3,000–80,000 at 500 IOPS/GiB (80,000 needs 160 GiB).
        assert!(v(Gp3, 160, Some(80_000), None).is_ok());
        assert_eq!(v(Gp3, 159, Some(80_000), None).unwrap_err().message, "Iops to volume size ratio of 503.144654 is too high; maximum is 500");
        assert_eq!(v(Gp3, 200, Some(80_001), None).unwrap_err().message, "Volume iops of 80001 is too high; maximum is 80000.");
        assert_eq!(v(Gp3, 1, Some(2_999), None).unwrap_err().message, "Volume iops of 2999 is too low; minimum is 3000.");
        assert!(v(Gp3, 1, Some(3_000), None).is_ok(), "the 3,000 IOPS baseline needs no ratio");
        // The error AWS returned for 15,000 IOPS on a 20 GiB gp3.
        assert_eq!(v(Gp3, 20, Some(15_000), None).unwrap_err().message, "Iops to volume size ratio of 750.000000 is too high; maximum is 500");
        // io1: 100–64,000 at 50:1 (64,000 needs 1,280 GiB).
        assert!(v(Io1, 1280, Some(64_000), None).is_ok());
        assert!(v(Io1, 1279, Some(64_000), None).is_err());
        assert!(v(Io1, 4, Some(99), None).is_err());
        // io2: 100–256,000 at 1,000:1 (256,000 needs 256 GiB).
        assert!(v(Io2, 256, Some(256_000), None).is_ok());
        assert!(v(Io2, 255, Some(256_000), None).is_err());
        assert!(v(Io2, 1000, Some(256_001), None).is_err());
    }

    #[test]
    fn gp3_throughput_range_and_ratio() {
        use VolumeType::*;
        // 2,000 MiB/s needs 8,000 IOPS (0.25 MiB/s per IOPS).
        assert!(v(Gp3, 100, Some(8_000), Some(2_000)).is_ok());
        assert_eq!(
            v(Gp3, 100, Some(6_000), Some(2_000)).unwrap_err().message,
            "Throughput (MiBps) to iops ratio of 0.333333 is too high; maximum is 0.250000 MiBps per iops."
        );
        assert!(v(Gp3, 100, Some(10_000), Some(2_001)).is_err());
        assert!(v(Gp3, 100, None, Some(124)).is_err());
        assert!(v(Gp3, 100, None, Some(750)).is_ok(), "3,000 IOPS allow 750 MiB/s");
        assert_eq!(v(Io2, 100, Some(1000), Some(200)).unwrap_err().code, "InvalidParameterCombination");
    }

    #[test]
    fn nitro_detection() {
        assert_eq!(nitro_instance_type("m5.large"), Some(true));
        assert_eq!(nitro_instance_type("t3.micro"), Some(true));
        assert_eq!(nitro_instance_type("c4.xlarge"), Some(false));
        assert_eq!(nitro_instance_type("t2.micro"), Some(false));
        assert_eq!(nitro_instance_type("i3.metal"), Some(true));
        assert_eq!(nitro_instance_type("bogus"), None);
        assert_eq!(nitro_instance_type("m5."), None);
    }
}
