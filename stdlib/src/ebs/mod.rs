//! EBS: volumes with AWS's limits and performance models, snapshots, encryption through
//! KMS, and the light EC2 instance model volumes attach to.
//!
//! # What is modelled (and where AWS's numbers come from)
//! - **Volume types and limits** ([`model::VolumeSpec::validate`]): sizes, IOPS ranges and
//!   IOPS:GiB ratios, gp3 throughput and its 0.25 MiB/s-per-IOPS ratio, `Iops` required /
//!   optional / refused per type, with EC2's error codes and messages. Limits are today's
//!   (EC2 API reference as of 2025-09 / 2026-01): gp3 up to 65,536 GiB, 80,000 IOPS and
//!   2,000 MiB/s (raised in September 2025 from 16 TiB / 16,000 / 1,000); io2 up to
//!   65,536 GiB and 256,000 IOPS at 1,000:1 (all io2 are Block Express since November 2023);
//!   gp2 up to 16,000 IOPS (10,000 before December 2018).
//! - **Performance** ([`perf`]): gp2's I/O credit bucket, st1/sc1 throughput buckets, flat
//!   gp3/io1/io2, I/O size accounting (256 KiB SSD, 1 MiB HDD; merges and splits), throughput
//!   caps bounding IOPS for large I/Os. `ebs::simulate` runs a workload event-driven and
//!   returns a timeline, a summary and a chart; `ebs::burst_duration` reproduces AWS's gp2
//!   burst table exactly.
//! - **Time**: volumes go `creating` → `available` → `in-use` → `deleting`; attachments
//!   `attaching` → `attached` → `detaching`; modifications `modifying` → `optimizing` →
//!   `completed`; snapshots `pending` → `completed`; instances `pending` → `running`;
//!   fast snapshot restore `optimizing` → `enabled` — all on the world's clock
//!   ([`next_due`] / [`run_due`]). A volume's workload (`ebs::start_workload`) plays out on
//!   the clock too: its credit balance and its CloudWatch metrics (BurstBalance,
//!   VolumeRead/WriteOps/Bytes, VolumeIdleTime) are recomputed from its history.
//! - **Snapshots**: point-in-time copies of the volume's written 512 KiB blocks; storage is
//!   incremental (a block version is stored once per region and billed to the oldest
//!   snapshot holding it, so deleting a snapshot keeps the blocks later ones need); restores
//!   are lazy (first reads come from S3) unless fast snapshot restore is enabled in that AZ
//!   and a volume creation credit is available; copies go to other regions; the EBS direct
//!   APIs ListSnapshotBlocks / ListChangedBlocks read the block lists.
//! - **Encryption**: encrypted volumes get a data key from KMS (GenerateDataKeyWithoutPlaintext
//!   under the chosen key, default `alias/aws/ebs`, created on first use); attaching asks KMS
//!   to Decrypt it, so a disabled or deleted key, or a key policy that denies the caller,
//!   makes the attach fail with KMS's error. Snapshots of encrypted volumes are encrypted;
//!   encryption by default is a per-region switch.
//!
//! # Simplified (say so in notebooks)
//! - Transition times are the simulator's choice, not AWS's (AWS documents none): see
//!   [`timing`]. Snapshots copy changed data at 100 MiB/s; optimizing takes 6 s per GiB
//!   (5 minutes to 24 hours).
//! - The new spec of a modification takes effect when it enters `optimizing` (AWS delivers
//!   performance "between the source and target" while optimizing). A modification that
//!   changes a gp2 volume's size keeps its credits; changing into gp2/st1/sc1 from another
//!   type starts with a full bucket. st1/sc1 buckets start full (AWS documents gp2's initial
//!   5.4 million credits only).
//! - Instance-level EBS limits (EBS-optimized bandwidth, Xen's 32,000 IOPS cap) are not
//!   modelled; `standard` volumes are flat at 200 IOPS / 90 MiB/s.
//! - Block contents are what scripts write (or a short token standing for 512 KiB of data);
//!   data is not really encrypted at rest, only the key workflow is modelled.
//! - Fast snapshot restore's quota is AWS's documented 5 snapshots per Region; its
//!   `FastSnapshotRestoreLimitExceeded` error code is the simulator's name.

pub mod bindings;
pub mod error;
pub mod io;
pub mod kmsglue;
pub mod model;
pub mod ops;
pub mod perf;
pub mod render;

pub use model::EbsState;

use crate::world::service::Service;
use crate::world::{AwsError, ErrorCode, Timestamp, World};
use error::EbsError;
use model::{AttachState, FsrState, InstanceState, ModState, SnapshotState, VolumeState};

/// The EBS direct APIs (ListSnapshotBlocks, ListChangedBlocks): service `ebs`, audited as
/// CloudTrail data events of `ebs.amazonaws.com`.
pub const EBS_DIRECT: Service = Service {
    module: "ebs",
    prefix: "ebs",
    event_source: "ebs.amazonaws.com",
    access_denied: ("AccessDeniedException", 403),
    validation: ("ValidationException", 400),
    expired_token: ("ExpiredTokenException", 400),
    global: false,
};

/// CloudWatch, for the AWS/EBS metrics (`ebs::get_metric_statistics`).
pub const CLOUDWATCH: Service = Service {
    module: "ebs",
    prefix: "cloudwatch",
    event_source: "monitoring.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("InvalidParameterValue", 400),
    expired_token: ("ExpiredToken", 403),
    global: false,
};

/// How long the simulator's transitions take. AWS documents none of these except fast
/// snapshot restore's optimizing (60 minutes per TiB); the others are plausible choices.
pub mod timing {
    use crate::world::Duration;

    pub const VOLUME_CREATE: Duration = Duration::secs(5);
    pub const VOLUME_DELETE: Duration = Duration::secs(5);
    pub const ATTACH: Duration = Duration::secs(5);
    pub const DETACH: Duration = Duration::secs(5);
    pub const INSTANCE_START: Duration = Duration::secs(15);
    pub const INSTANCE_TERMINATE: Duration = Duration::secs(30);
    /// `modifying` before `optimizing`.
    pub const MODIFYING: Duration = Duration::secs(60);
    /// Snapshots upload blocks no earlier snapshot in the region holds at this rate.
    pub const SNAPSHOT_MIBPS: f64 = 100.0;

    /// `optimizing` lasts 6 s per GiB of the target size, between 5 minutes and 24 hours.
    pub fn optimizing(size_gib: u32) -> Duration {
        Duration::secs((6 * i64::from(size_gib)).clamp(300, 86_400))
    }

    /// A snapshot that uploads `new_blocks` 512 KiB blocks: at least 5 seconds.
    pub fn snapshot(new_blocks: u64) -> Duration {
        let secs = new_blocks as f64 * 0.5 / SNAPSHOT_MIBPS;
        Duration(((secs * 1000.0).ceil() as i64).max(5_000))
    }

    /// Fast snapshot restore optimizes at 60 minutes per TiB of snapshot (at least a minute).
    pub fn fsr_optimizing(size_gib: u32) -> Duration {
        Duration(((f64::from(size_gib) / 1024.0 * 3_600_000.0).round() as i64).max(60_000))
    }
}

/// When this service next has work due on the clock: the earliest pending transition.
pub fn next_due(w: &World) -> Option<Timestamp> {
    let mut due: Option<Timestamp> = None;
    let mut at = |t: Timestamp| due = Some(due.map_or(t, |d| d.min(t)));
    for (_, _, st) in w.ebs.all() {
        for v in st.volumes.values() {
            if matches!(v.state, VolumeState::Creating | VolumeState::Deleting) {
                v.until.map(&mut at);
            }
            for a in &v.attachments {
                if matches!(a.state, AttachState::Attaching | AttachState::Detaching) {
                    a.until.map(&mut at);
                }
            }
            match v.latest_modification() {
                Some(m) if m.state == ModState::Modifying => at(m.optimizing_at),
                Some(m) if m.state == ModState::Optimizing => at(m.end_time),
                _ => {}
            }
        }
        for s in st.snapshots.values() {
            if s.state == SnapshotState::Pending {
                at(s.completion_time);
            }
            for f in s.fsr.values() {
                if f.state == FsrState::Optimizing {
                    at(f.enabled_time);
                }
            }
        }
        for i in st.instances.values() {
            if matches!(i.state, InstanceState::Pending | InstanceState::ShuttingDown) {
                i.until.map(&mut at);
            }
        }
    }
    due
}

/// Runs every transition due at or before `now`.
pub fn run_due(w: &mut World, now: Timestamp) {
    for regions in w.ebs.accounts.values_mut() {
        for st in regions.values_mut() {
            st.volumes.retain(|_, v| !(v.state == VolumeState::Deleting && v.until.is_some_and(|t| t <= now)));
            for v in st.volumes.values_mut() {
                if v.state == VolumeState::Creating && v.until.is_some_and(|t| t <= now) {
                    v.state = VolumeState::Available;
                    v.until = None;
                }
                for a in v.attachments.iter_mut() {
                    if a.state == AttachState::Attaching && a.until.is_some_and(|t| t <= now) {
                        a.state = AttachState::Attached;
                        a.until = None;
                    }
                }
                let before = v.attachments.len();
                v.attachments.retain(|a| !(a.state == AttachState::Detaching && a.until.is_some_and(|t| t <= now)));
                if before != v.attachments.len() && v.attachments.is_empty() && v.state == VolumeState::InUse {
                    v.state = VolumeState::Available;
                }
                let Some(m) = v.modifications.last().cloned() else { continue };
                if m.state == ModState::Modifying && m.optimizing_at <= now {
                    io::push_epoch(v, m.optimizing_at, m.target);
                    v.spec = m.target;
                    v.multi_attach_enabled = m.target_multi_attach;
                    v.modifications.last_mut().expect("present").state = ModState::Optimizing;
                }
                let m = v.modifications.last_mut().expect("present");
                if m.state == ModState::Optimizing && m.end_time <= now {
                    m.state = ModState::Completed;
                }
            }
            for s in st.snapshots.values_mut() {
                if s.state == SnapshotState::Pending && s.completion_time <= now {
                    s.state = SnapshotState::Completed;
                }
                for f in s.fsr.values_mut() {
                    if f.state == FsrState::Optimizing && f.enabled_time <= now {
                        f.state = FsrState::Enabled;
                    }
                }
            }
            for i in st.instances.values_mut() {
                if i.until.is_some_and(|t| t <= now) {
                    i.state = match i.state {
                        InstanceState::Pending => InstanceState::Running,
                        InstanceState::ShuttingDown => InstanceState::Terminated,
                        s => s,
                    };
                    i.until = None;
                }
            }
        }
    }
}

/// The AWS CLI waiters this module offers (`ebs::wait`), with AWS's names.
pub const WAITERS: &[&str] = &[
    "volume-available",
    "volume-in-use",
    "volume-deleted",
    "snapshot-completed",
    "instance-running",
    "instance-terminated",
    "volume-modification-completed",
];

/// Whether waiter `name`'s condition holds for `id` in (account, region).
fn waiter_done(w: &World, account: &str, region: &str, name: &str, id: &str) -> Result<bool, AwsError> {
    let st = w.ebs.region(account, region);
    let vol = st.and_then(|s| s.volumes.get(id));
    let missing = |what: &str| EbsError::InvalidParameterValue.err(format!("Waiter {name}: the {what} '{id}' does not exist."));
    Ok(match name {
        "volume-available" => vol.ok_or_else(|| missing("volume"))?.state == VolumeState::Available,
        "volume-in-use" => {
            let v = vol.ok_or_else(|| missing("volume"))?;
            v.state == VolumeState::InUse && v.attachments.iter().any(|a| a.state == AttachState::Attached)
        }
        "volume-deleted" => vol.is_none(),
        "volume-modification-completed" => {
            vol.ok_or_else(|| missing("volume"))?.latest_modification().is_none_or(|m| m.state == ModState::Completed)
        }
        "snapshot-completed" => {
            st.and_then(|s| s.snapshots.get(id)).ok_or_else(|| missing("snapshot"))?.state == SnapshotState::Completed
        }
        "instance-running" => st.and_then(|s| s.instances.get(id)).ok_or_else(|| missing("instance"))?.state == InstanceState::Running,
        "instance-terminated" => {
            st.and_then(|s| s.instances.get(id)).ok_or_else(|| missing("instance"))?.state == InstanceState::Terminated
        }
        other => {
            return Err(EbsError::InvalidParameterValue.err(format!("`{other}` is not a waiter (known: {}).", WAITERS.join(", "))));
        }
    })
}

/// Advances the clock until waiter `name` is satisfied for `id` (like `aws ec2 wait`), and
/// returns the time it was. Fails if nothing scheduled would ever satisfy it.
pub fn wait(w: &mut World, name: &str, id: &str) -> Result<Timestamp, AwsError> {
    let name = name.replace('_', "-");
    let caller = w.caller();
    let account = caller.principal.account().unwrap_or(crate::world::DEFAULT_ACCOUNT).to_string();
    let region = caller.region;
    for _ in 0..1_000 {
        if waiter_done(w, &account, &region, &name, id)? {
            return Ok(w.now());
        }
        match next_due(w) {
            Some(t) if !w.interrupted() => w.advance_to(t.max(w.now())),
            _ => break,
        }
    }
    Err(EbsError::IncorrectState.err(format!("Waiter {name} failed: nothing scheduled will bring '{id}' to that state.")))
}

#[cfg(test)]
mod tests;
