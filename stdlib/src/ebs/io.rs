//! A volume's I/O over time: its performance history (credit bucket and CloudWatch-style
//! metrics, recomputed from the scheduled workload), block reads and writes, and snapshot
//! block accounting. Plain Rust over the model types: no Rhai, no calls.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Block, PerfEpoch, ScheduledPhase, Snapshot, Volume, VolumeSpec, VolumeType};
use super::perf::{self, Demand, PerfModel, Segment, SimError};
use crate::world::{Duration, Timestamp};

/// The balance a new bucket starts with: every gp2 volume "receives an initial I/O credit
/// balance of 5.4 million I/O credits"; st1/sc1 buckets are taken to start full too
/// (AWS does not document their initial balance). 0 for volumes without a bucket.
pub fn initial_balance(spec: &VolumeSpec) -> f64 {
    PerfModel::of(spec).bucket.map_or(0.0, |b| b.capacity)
}

/// The balance a volume keeps when its spec changes at a modification: a gp2 → gp2 or
/// st1/sc1 → st1/sc1 change keeps its credits (clamped to the new capacity); a change into
/// a bucket type from another type starts with a full bucket.
pub fn carried_balance(from: &VolumeSpec, balance: f64, to: &VolumeSpec) -> f64 {
    let hdd = |t: VolumeType| matches!(t, VolumeType::St1 | VolumeType::Sc1);
    let same_family = from.volume_type == to.volume_type || (hdd(from.volume_type) && hdd(to.volume_type));
    let cap = initial_balance(to);
    if same_family { balance.min(cap) } else { cap }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A phase's demand.
pub fn demand_of(p: &ScheduledPhase) -> Demand {
    Demand { iops: p.iops, io_kib: p.io_size_kib, sequential: p.sequential, read_fraction: p.read_fraction }
}

/// A simulated stretch of a volume's life, with absolute times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stretch {
    pub start: Timestamp,
    pub seg: Segment,
    pub model: PerfModel,
}

impl Stretch {
    pub fn end(&self) -> Timestamp {
        self.start.plus(Duration((self.seg.duration * 1000.0).round() as i64))
    }
    /// BurstBalance (percent of the bucket) `at` (absolute), if the volume has a bucket.
    pub fn burst_balance_at(&self, at: Timestamp) -> Option<f64> {
        let cap = self.model.bucket?.capacity;
        let s = self.seg.start + secs(at.since(self.start));
        Some(100.0 * self.seg.balance_at(s)? / cap)
    }
}

/// The volume's performance from creation until `until`: one stretch per constant stretch
/// of behaviour, across its performance epochs (modifications) and scheduled workload.
pub fn history(v: &Volume, until: Timestamp, interrupted: &dyn Fn() -> bool) -> Result<Vec<Stretch>, SimError> {
    let mut out = Vec::new();
    for (i, e) in v.epochs.iter().enumerate() {
        let end = v.epochs.get(i + 1).map_or(until, |n| n.at).min(until);
        if end <= e.at {
            continue;
        }
        let model = PerfModel::of(&e.spec);
        let phases = phases_between(&v.workload, e.at, end);
        let outcome = perf::simulate(&model, e.balance, phases.into_iter().map(|(d, dem)| (secs(d), dem)), interrupted)?;
        out.extend(outcome.segments.into_iter().map(|seg| Stretch { start: e.at.plus(Duration((seg.start * 1000.0).round() as i64)), seg, model }));
    }
    Ok(out)
}

/// The workload between `from` and `to` as (duration, demand) phases, idle in the gaps.
fn phases_between(workload: &[ScheduledPhase], from: Timestamp, to: Timestamp) -> Vec<(Duration, Demand)> {
    let mut out = Vec::new();
    let mut t = from;
    for p in workload.iter().filter(|p| p.end > from && p.start < to) {
        let s = p.start.max(from);
        if s > t {
            out.push((s.since(t), Demand::IDLE));
        }
        let e = p.end.min(to);
        out.push((e.since(s), demand_of(p)));
        t = e;
    }
    if to > t {
        out.push((to.since(t), Demand::IDLE));
    }
    out
}

/// The bucket balance (credits) at `at`, or None for volumes without a bucket.
pub fn balance_at(v: &Volume, at: Timestamp, interrupted: &dyn Fn() -> bool) -> Result<Option<f64>, SimError> {
    let epoch = v.epochs.iter().rev().find(|e| e.at <= at);
    let Some(epoch) = epoch else { return Ok(None) };
    if PerfModel::of(&epoch.spec).bucket.is_none() {
        return Ok(None);
    }
    let h = history(v, at, interrupted)?;
    Ok(Some(h.last().and_then(|s| s.seg.balance_end).unwrap_or(epoch.balance)))
}

/// Starts a new performance epoch at `at` with `spec` (a modification took effect).
pub fn push_epoch(v: &mut Volume, at: Timestamp, spec: VolumeSpec) {
    let prev = v.epochs.last().map(|e| e.spec).unwrap_or(spec);
    let bal = balance_at(v, at, &|| false).ok().flatten().unwrap_or(0.0);
    v.epochs.push(PerfEpoch { at, spec, balance: carried_balance(&prev, bal, &spec) });
}

/// Replaces the volume's workload from `at` on with `phases` (starting at `at`).
pub fn schedule(v: &mut Volume, at: Timestamp, phases: &[(Duration, Demand)]) {
    v.workload.retain(|p| p.start < at);
    if let Some(last) = v.workload.last_mut() {
        last.end = last.end.min(at);
    }
    let mut t = at;
    for (d, dem) in phases {
        let end = t.plus(*d);
        if !dem.is_idle() && end > t {
            v.workload.push(ScheduledPhase {
                start: t,
                end,
                iops: dem.iops,
                io_size_kib: dem.io_kib,
                sequential: dem.sequential,
                read_fraction: dem.read_fraction,
            });
        }
        t = end;
    }
}

/// Stops the volume's I/O at `at` (it was detached).
pub fn stop_workload(v: &mut Volume, at: Timestamp) {
    schedule(v, at, &[]);
}

/// CloudWatch metrics EBS publishes for a volume (namespace `AWS/EBS`).
pub const METRICS: &[&str] = &["BurstBalance", "VolumeReadOps", "VolumeWriteOps", "VolumeReadBytes", "VolumeWriteBytes", "VolumeIdleTime"];

/// One period's statistics of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Datapoint {
    pub timestamp: Timestamp,
    pub average: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub sum: f64,
    /// Samples: one per simulated minute in the period.
    pub sample_count: f64,
}

/// `metric` over [start, end) in periods of `period`, from the stretches of a history. Only
/// periods the volume existed in produce datapoints; BurstBalance exists only for volumes
/// with a bucket. Each metric is what CloudWatch would aggregate from one-minute samples:
/// BurstBalance is a level (average/min/max of the percentage), the Ops/Bytes metrics are
/// totals per minute, VolumeIdleTime the idle seconds per minute.
pub fn metric(stretches: &[Stretch], name: &str, start: Timestamp, end: Timestamp, period: Duration) -> Vec<Datapoint> {
    let mut out = Vec::new();
    let Some(first) = stretches.first() else { return out };
    let last_end = stretches.last().map_or(first.start, Stretch::end);
    let minute = Duration::minutes(1);
    let mut p = start;
    while p < end {
        let p_end = p.plus(period).min(end);
        let (a, b) = (p.max(first.start), p_end.min(last_end));
        if a < b {
            let mut samples = Vec::new();
            let mut m = a;
            while m < b {
                let m_end = m.plus(minute).min(b);
                if let Some(v) = minute_sample(stretches, name, m, m_end) {
                    samples.push(v);
                }
                m = m_end;
            }
            if !samples.is_empty() {
                let sum: f64 = samples.iter().sum();
                out.push(Datapoint {
                    timestamp: p,
                    average: sum / samples.len() as f64,
                    minimum: samples.iter().copied().fold(f64::INFINITY, f64::min),
                    maximum: samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    sum,
                    sample_count: samples.len() as f64,
                });
            }
        }
        p = p_end;
    }
    out
}

/// One sample of `name` over [a, b) (a minute, or less at the edges).
fn minute_sample(stretches: &[Stretch], name: &str, a: Timestamp, b: Timestamp) -> Option<f64> {
    let first = stretches.partition_point(|s| s.end() <= a);
    let over = stretches[first..].iter().take_while(|s| s.start < b);
    if name == "BurstBalance" {
        // The time-weighted average level over the sample.
        let (mut acc, mut weight) = (0.0, 0.0);
        for s in over {
            let (x, y) = (s.start.max(a), s.end().min(b));
            let w = secs(y.since(x));
            let mid = x.plus(Duration(y.since(x).as_millis() / 2));
            acc += s.burst_balance_at(mid)? * w;
            weight += w;
        }
        return (weight > 0.0).then(|| acc / weight);
    }
    let mut total = 0.0;
    for s in over {
        let w = secs(s.end().min(b).since(s.start.max(a)));
        let d = &s.seg.demand;
        let reads = s.seg.fraction * d.iops * d.read_fraction;
        let writes = s.seg.fraction * d.iops * (1.0 - d.read_fraction);
        total += w * match name {
            "VolumeReadOps" => reads,
            "VolumeWriteOps" => writes,
            "VolumeReadBytes" => reads * d.io_kib * 1024.0,
            "VolumeWriteBytes" => writes * d.io_kib * 1024.0,
            "VolumeIdleTime" => {
                if d.is_idle() {
                    1.0
                } else {
                    0.0
                }
            }
            _ => return None,
        };
    }
    Some(total)
}

/// Where a block read was served from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockSource {
    /// Already on the volume.
    Volume,
    /// Fetched from the snapshot in S3 on first access (lazy loading: a slow first read).
    Snapshot,
    /// Never written: reads as zeros.
    Unwritten,
}

impl BlockSource {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockSource::Volume => "volume",
            BlockSource::Snapshot => "snapshot (first read, lazy-loaded from S3)",
            BlockSource::Unwritten => "unwritten (zeros)",
        }
    }
}

/// Reads a block: a restored block not yet loaded is fetched from the snapshot now.
pub fn read_block(v: &mut Volume, index: u64) -> (Option<Block>, BlockSource) {
    let lazy = v.unloaded.remove(&index);
    match v.blocks.get(&index) {
        Some(b) => (Some(b.clone()), if lazy { BlockSource::Snapshot } else { BlockSource::Volume }),
        None => (None, BlockSource::Unwritten),
    }
}

/// Writes a block with a new version.
pub fn write_block(v: &mut Volume, index: u64, data: Vec<u8>, version: u64) {
    v.unloaded.remove(&index);
    v.blocks.insert(index, Block { version, data });
}

/// Snapshot storage the way EBS bills it: a block version is stored once per region however
/// many snapshots reference it, and is billed to the oldest remaining snapshot that holds it.
/// Deleting a snapshot only frees the versions no other snapshot references; the others move
/// to the next snapshot that holds them. Returns, per snapshot id, (blocks, billed blocks).
pub fn snapshot_billing<'a>(snaps: impl IntoIterator<Item = &'a Snapshot>) -> BTreeMap<String, (u64, u64)> {
    let mut ordered: Vec<&Snapshot> = snaps.into_iter().collect();
    ordered.sort_by(|a, b| (a.start_time, &a.snapshot_id).cmp(&(b.start_time, &b.snapshot_id)));
    let mut seen = BTreeSet::new();
    let mut out = BTreeMap::new();
    for s in ordered {
        let billed = s.blocks.values().filter(|b| seen.insert(b.version)).count() as u64;
        out.insert(s.snapshot_id.clone(), (s.blocks.len() as u64, billed));
    }
    out
}

/// Blocks that differ between two block maps (EBS direct ListChangedBlocks): indexes whose
/// version differs or that exist in only one of them.
pub fn changed_blocks(first: &BTreeMap<u64, Block>, second: &BTreeMap<u64, Block>) -> Vec<u64> {
    let idx: BTreeSet<u64> = first.keys().chain(second.keys()).copied().collect();
    idx.into_iter().filter(|i| first.get(i).map(|b| b.version) != second.get(i).map(|b| b.version)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ebs::model::*;

    fn volume(spec: VolumeSpec, at: Timestamp) -> Volume {
        Volume {
            volume_id: "vol-1".into(),
            availability_zone: "us-east-1a".into(),
            spec,
            state: VolumeState::InUse,
            create_time: at,
            until: None,
            snapshot_id: None,
            encrypted: false,
            kms_key_id: None,
            encrypted_data_key: None,
            multi_attach_enabled: false,
            fast_restored: false,
            attachments: vec![],
            tags: vec![],
            blocks: BTreeMap::new(),
            unloaded: BTreeSet::new(),
            modifications: vec![],
            epochs: vec![PerfEpoch { at, spec, balance: initial_balance(&spec) }],
            workload: vec![],
        }
    }
    const T0: Timestamp = crate::world::clock::DEFAULT_START;
    fn gp2_100() -> VolumeSpec {
        VolumeSpec { volume_type: VolumeType::Gp2, size: 100, iops: None, throughput: None }
    }
    const NEVER: &dyn Fn() -> bool = &|| false;

    #[test]
    fn scheduled_workload_drains_and_the_metric_shows_it() {
        let mut v = volume(gp2_100(), T0);
        let busy = Demand { iops: 3000.0, ..Demand::IDLE };
        schedule(&mut v, T0.plus(Duration::hours(1)), &[(Duration::hours(1), busy)]);
        // 1 h idle, then 2,000 s at 3,000 IOPS empties the 5.4M bucket (100 GiB).
        let at = T0.plus(Duration::secs(3600 + 2000));
        assert_eq!(balance_at(&v, at, NEVER).unwrap(), Some(0.0));
        let h = history(&v, T0.plus(Duration::hours(3)), NEVER).unwrap();
        let bb = metric(&h, "BurstBalance", T0, T0.plus(Duration::hours(3)), Duration::hours(1));
        assert_eq!(bb.len(), 3);
        assert_eq!(bb[0].average, 100.0);
        assert_eq!(bb[1].minimum, 0.0);
        // Third hour: refilling at 300 credits/s from 0, 3,600 × 300 / 5.4M = 20 % by its end;
        // samples are one-minute averages, so the last one is 20 − 1/6 %, and the hour's
        // average is 10 %.
        assert!((bb[2].maximum - (20.0 - 1.0 / 6.0)).abs() < 1e-9, "{:?}", bb[2]);
        assert!((bb[2].average - 10.0).abs() < 1e-9, "{:?}", bb[2]);
        let ops = metric(&h, "VolumeReadOps", T0, T0.plus(Duration::hours(3)), Duration::hours(1));
        // 2,000 s at 3,000 then 1,600 s at the 300 baseline.
        assert!((ops[1].sum - (2000.0 * 3000.0 + 1600.0 * 300.0)).abs() < 1e-3, "{:?}", ops[1]);
        // No datapoints before the volume existed.
        assert!(metric(&h, "BurstBalance", T0.minus(Duration::hours(2)), T0, Duration::hours(1)).is_empty());
    }

    #[test]
    fn modification_epochs_carry_or_reset_the_bucket() {
        let gp3 = VolumeSpec { volume_type: VolumeType::Gp3, size: 100, iops: Some(3000), throughput: Some(125) };
        assert_eq!(carried_balance(&gp2_100(), 1000.0, &VolumeSpec { size: 200, ..gp2_100() }), 1000.0);
        assert_eq!(carried_balance(&gp3, 0.0, &gp2_100()), perf::GP2_CREDIT_CAPACITY);
        let mut v = volume(gp2_100(), T0);
        push_epoch(&mut v, T0.plus(Duration::hours(1)), gp3);
        assert_eq!(balance_at(&v, T0.plus(Duration::hours(2)), NEVER).unwrap(), None);
    }

    #[test]
    fn snapshot_billing_is_incremental_and_survives_deletes() {
        let block = |v| Block { version: v, data: vec![] };
        let snap = |id: &str, at: i64, versions: &[(u64, u64)]| Snapshot {
            snapshot_id: id.into(),
            volume_id: "vol-1".into(),
            volume_size: 1,
            description: String::new(),
            owner_id: String::new(),
            start_time: T0.plus(Duration::secs(at)),
            state: SnapshotState::Completed,
            completion_time: T0,
            encrypted: false,
            kms_key_id: None,
            encrypted_data_key: None,
            tags: vec![],
            blocks: versions.iter().map(|(i, v)| (*i, block(*v))).collect(),
            fsr: BTreeMap::new(),
            source: None,
        };
        // AWS's example: snap A holds 10 blocks; 4 change; snap B bills only those 4.
        let a = snap("snap-a", 0, &(0..10).map(|i| (i, i)).collect::<Vec<_>>());
        let b_blocks: Vec<(u64, u64)> = (0..10).map(|i| (i, if i < 4 { 100 + i } else { i })).collect();
        let b = snap("snap-b", 10, &b_blocks);
        let bill = snapshot_billing([&a, &b]);
        assert_eq!(bill["snap-a"], (10, 10));
        assert_eq!(bill["snap-b"], (10, 4));
        // Deleting A moves the 6 unchanged blocks B needs onto B.
        assert_eq!(snapshot_billing([&b])["snap-b"], (10, 10));
        assert_eq!(changed_blocks(&a.blocks, &b.blocks), vec![0, 1, 2, 3]);
    }

    #[test]
    fn lazy_loaded_blocks_are_slow_only_on_first_read() {
        let mut v = volume(gp2_100(), T0);
        v.blocks.insert(3, Block { version: 1, data: b"x".to_vec() });
        v.unloaded.insert(3);
        assert_eq!(read_block(&mut v, 3).1, BlockSource::Snapshot);
        assert_eq!(read_block(&mut v, 3).1, BlockSource::Volume);
        assert_eq!(read_block(&mut v, 4).1, BlockSource::Unwritten);
    }
}
