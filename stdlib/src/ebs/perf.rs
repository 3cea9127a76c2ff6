//! EBS performance models and the event-driven workload simulator. Plain Rust: no world,
//! no clock, no Rhai.
//!
//! Each volume type is reduced to a [`PerfModel`]: two sets of [`Limits`] (with credits and
//! without), an optional credit [`Bucket`], and the I/O accounting rule (SSD I/Os count up to
//! 256 KiB, HDD I/Os up to 1 MiB). The numbers are AWS's, as documented in the EBS User
//! Guide (volume types pages) and the EC2 API reference (CreateVolume):
//!
//! - gp2: baseline `clamp(3 × GiB, 100, 16,000)` IOPS; volumes whose baseline is below 3,000
//!   burst to 3,000 IOPS; a bucket of 5.4 million I/O credits that starts full, is spent
//!   one credit per I/O and earns at the baseline rate, so it drains at
//!   `burst − baseline` credits per second while bursting and refills at `baseline − used`.
//!   Throughput: 128 MiB/s up to 170 GiB; 250 MiB/s from 334 GiB; in between 250 MiB/s while
//!   credits last, 128 MiB/s without.
//! - st1 / sc1: throughput credits in MiB. Baseline 40 (st1) / 12 (sc1) MiB/s per TiB,
//!   burst 250 / 80 MiB/s per TiB, capped at 500 / 250 MiB/s (baselines cap at 500 / 192);
//!   a bucket of 1 TiB of credits per TiB of size. Every I/O of 1 MiB or less counts as a
//!   1 MiB I/O, so small random I/O is limited to one I/O per MiB/s of throughput.
//! - gp3, io1, io2: flat — the provisioned IOPS and throughput, sustained indefinitely
//!   (io1: 0.25 MiB/s per IOPS up to 500 MiB/s at ≤ 32,000 IOPS, then 16 KiB per IOPS;
//!   io2 Block Express: 0.256 MiB/s per IOPS up to 4,000 MiB/s).
//! - standard (magnetic, previous generation): modelled flat at its documented upper figures,
//!   200 IOPS and 90 MiB/s (AWS documents a 40–200 IOPS range with "bursts", not a bucket).
//!
//! The simulator is event-driven: within a phase the delivered rate is constant until the
//! bucket empties or fills, so it computes those crossing times exactly and emits one
//! [`Segment`] per constant stretch. Its cost is proportional to the number of phases, not to
//! the simulated time: a year of hourly phases is 8,760 phases, not 31.5 million seconds.
//! [`reference_per_second`] is the naive per-second loop the tests compare it against.

use super::model::{VolumeSpec, VolumeType};

/// gp2's I/O credit bucket capacity (and every gp2 volume's initial balance).
pub const GP2_CREDIT_CAPACITY: f64 = 5_400_000.0;
/// The IOPS a gp2 volume below 1 TiB bursts to.
pub const GP2_BURST_IOPS: f64 = 3_000.0;
/// MiB in a TiB: st1/sc1 hold 1 TiB of throughput credits per TiB of size.
pub const MIB_PER_TIB: f64 = 1_048_576.0;
/// EBS blocks (and snapshot blocks) are 512 KiB.
pub const BLOCK_KIB: f64 = 512.0;

/// What a volume can deliver in one state (with credits, or without).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Counted I/O operations per second (`f64::INFINITY` for HDD, which is bound by MiB/s).
    pub iops: f64,
    /// MiB/s of data (SSD) or of counted 1-MiB I/Os (HDD).
    pub mibps: f64,
}

/// The unit of a credit bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreditUnit {
    /// gp2: one credit per I/O (up to 256 KiB).
    IoCredits,
    /// st1/sc1: MiB of throughput.
    MiB,
}

impl CreditUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            CreditUnit::IoCredits => "I/O credits",
            CreditUnit::MiB => "MiB",
        }
    }
}

/// A credit bucket: its capacity and the rate it earns at (its baseline).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    pub unit: CreditUnit,
    pub capacity: f64,
    /// Credits earned per second (the baseline rate).
    pub earn: f64,
}

/// A volume's performance model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerfModel {
    pub volume_type: VolumeType,
    /// HDD accounting (every I/O up to 1 MiB counts as 1 MiB of throughput credits).
    pub hdd: bool,
    /// The largest I/O counted as one operation: 256 KiB (SSD) or 1,024 KiB (HDD).
    pub max_io_kib: f64,
    /// Limits while the bucket holds credits (the only limits for flat volumes).
    pub burst: Limits,
    /// Limits with an empty bucket.
    pub baseline: Limits,
    pub bucket: Option<Bucket>,
}

fn tib(size_gib: u32) -> f64 {
    f64::from(size_gib) / 1024.0
}

impl PerfModel {
    pub fn of(spec: &VolumeSpec) -> PerfModel {
        let size = spec.size;
        let iops = f64::from(spec.iops.unwrap_or(0));
        let flat = |iops: f64, mibps: f64, max_io_kib: f64| {
            let l = Limits { iops, mibps };
            PerfModel { volume_type: spec.volume_type, hdd: false, max_io_kib, burst: l, baseline: l, bucket: None }
        };
        match spec.volume_type {
            VolumeType::Gp2 => {
                let base = (3.0 * f64::from(size)).clamp(100.0, 16_000.0);
                let (burst_mibps, base_mibps) = if size <= 170 {
                    (128.0, 128.0)
                } else if size < 334 {
                    (250.0, 128.0)
                } else {
                    (250.0, 250.0)
                };
                PerfModel {
                    volume_type: spec.volume_type,
                    hdd: false,
                    max_io_kib: 256.0,
                    burst: Limits { iops: base.max(GP2_BURST_IOPS), mibps: burst_mibps },
                    baseline: Limits { iops: base, mibps: base_mibps },
                    bucket: Some(Bucket { unit: CreditUnit::IoCredits, capacity: GP2_CREDIT_CAPACITY, earn: base }),
                }
            }
            VolumeType::Gp3 => flat(iops, f64::from(spec.throughput.unwrap_or(125)), 256.0),
            VolumeType::Io1 => {
                let mibps = if iops <= 32_000.0 { (iops / 4.0).min(500.0) } else { iops * 16.0 / 1024.0 };
                flat(iops, mibps, 256.0)
            }
            VolumeType::Io2 => flat(iops, (iops * 0.256).min(4_000.0), 256.0),
            VolumeType::Standard => flat(200.0, 90.0, 1024.0),
            VolumeType::St1 | VolumeType::Sc1 => {
                let t = tib(size);
                let (base_per_tib, burst_per_tib, cap) = if spec.volume_type == VolumeType::St1 { (40.0, 250.0, 500.0) } else { (12.0, 80.0, 250.0) };
                let base = (base_per_tib * t).min(cap);
                let burst = (burst_per_tib * t).min(cap).max(base);
                PerfModel {
                    volume_type: spec.volume_type,
                    hdd: true,
                    max_io_kib: 1024.0,
                    burst: Limits { iops: f64::INFINITY, mibps: burst },
                    baseline: Limits { iops: f64::INFINITY, mibps: base },
                    bucket: Some(Bucket { unit: CreditUnit::MiB, capacity: t * MIB_PER_TIB, earn: base }),
                }
            }
        }
    }

    /// Whether bursting ever raises this volume above its baseline.
    pub fn bursts(&self) -> bool {
        self.bucket.is_some() && (self.burst.iops > self.baseline.iops || self.burst.mibps > self.baseline.mibps)
    }

    /// The figures of AWS's gp2 burst table (and their st1/sc1 analogue): baseline and burst
    /// rates, the seconds a full bucket sustains the burst rate, and the seconds an empty
    /// bucket takes to refill while idle — `None` when the baseline is at or above the burst.
    /// AWS's table rounds to the nearest second (5.4M / 1,998 = 2,702.7 → 2,703).
    pub fn burst_duration(&self) -> BurstDuration {
        let (base, burst) = if self.hdd { (self.baseline.mibps, self.burst.mibps) } else { (self.baseline.iops, self.burst.iops) };
        let (burst_secs, refill_secs) = match self.bucket {
            Some(b) if burst > base => (Some((b.capacity / (burst - base)).round()), Some((b.capacity / b.earn).round())),
            _ => (None, None),
        };
        BurstDuration { baseline: base, burst, burst_secs, refill_secs }
    }
}

/// See [`PerfModel::burst_duration`]. For HDD volumes the rates are MiB/s (1 MiB I/Os).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurstDuration {
    pub baseline: f64,
    pub burst: f64,
    pub burst_secs: Option<f64>,
    pub refill_secs: Option<f64>,
}

/// What an application asks of a volume during one phase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Demand {
    /// Application I/Os per second.
    pub iops: f64,
    /// Size of each application I/O.
    pub io_kib: f64,
    /// Sequential I/Os smaller than the maximum I/O size are merged into maximum-size I/Os.
    pub sequential: bool,
    /// Share of the I/Os that are reads (0..=1), for the read/write metrics.
    pub read_fraction: f64,
}

impl Demand {
    pub const IDLE: Demand = Demand { iops: 0.0, io_kib: 16.0, sequential: false, read_fraction: 1.0 };

    pub fn is_idle(&self) -> bool {
        self.iops <= 0.0
    }

    /// Application MiB/s.
    pub fn mibps(&self) -> f64 {
        self.iops * self.io_kib / 1024.0
    }

    /// Counted I/Os per second after EBS merges (sequential, small) or splits (large) them.
    pub fn counted_iops(&self, max_io_kib: f64) -> f64 {
        if self.iops <= 0.0 {
            0.0
        } else if self.io_kib > max_io_kib {
            self.iops * (self.io_kib / max_io_kib).ceil()
        } else if self.sequential {
            self.iops * self.io_kib / max_io_kib
        } else {
            self.iops
        }
    }
}

/// What a volume delivers for a demand in one state, and what that costs its bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delivery {
    /// Delivered fraction of the demand (0..=1).
    pub fraction: f64,
    /// Credits spent per second.
    pub spend: f64,
}

impl PerfModel {
    /// Delivery of `d` under `limits`: the demand scaled down until every limit holds.
    pub fn deliver(&self, d: &Demand, limits: &Limits) -> Delivery {
        let counted = d.counted_iops(self.max_io_kib);
        if counted <= 0.0 {
            return Delivery { fraction: 1.0, spend: 0.0 };
        }
        let mut fraction: f64 = 1.0;
        if self.hdd {
            // Every counted I/O (≤ 1 MiB) uses 1 MiB of the throughput limit and of the bucket.
            fraction = fraction.min(limits.mibps / counted);
            Delivery { fraction, spend: counted * fraction }
        } else {
            fraction = fraction.min(limits.iops / counted).min(limits.mibps / d.mibps());
            Delivery { fraction, spend: counted * fraction }
        }
    }
}

/// One stretch of constant behaviour in a simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    /// Seconds since the start of the simulation.
    pub start: f64,
    pub duration: f64,
    pub demand: Demand,
    /// Delivered fraction of the demand.
    pub fraction: f64,
    /// Bucket balance at the start and end (None for volumes without a bucket).
    pub balance_start: Option<f64>,
    pub balance_end: Option<f64>,
}

impl Segment {
    pub fn end(&self) -> f64 {
        self.start + self.duration
    }
    pub fn delivered_iops(&self) -> f64 {
        self.demand.iops * self.fraction
    }
    pub fn delivered_mibps(&self) -> f64 {
        self.demand.mibps() * self.fraction
    }
    /// Delivered less than asked.
    pub fn throttled(&self) -> bool {
        !self.demand.is_idle() && self.fraction < 1.0 - 1e-9
    }
    /// Bucket balance `at` seconds (within the segment; linear in between).
    pub fn balance_at(&self, at: f64) -> Option<f64> {
        let (a, b) = (self.balance_start?, self.balance_end?);
        if self.duration <= 0.0 {
            return Some(b);
        }
        Some(a + (b - a) * ((at - self.start) / self.duration).clamp(0.0, 1.0))
    }
}

/// A finished simulation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub segments: Vec<Segment>,
    /// First time (seconds) the bucket reached zero.
    pub exhausted_at: Option<f64>,
    /// First time the bucket was full again after it had dropped below full.
    pub refilled_at: Option<f64>,
    pub throttled_secs: f64,
    pub final_balance: Option<f64>,
    pub total_secs: f64,
}

/// Why a simulation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The kernel's interrupt flag was set.
    Interrupted,
    /// The timeline would have more than this many segments.
    TooDetailed(usize),
}

/// Simulates `phases` (duration in seconds, demand) on `model`, starting with `balance`
/// credits (clamped to the bucket; ignored for volumes without one), keeping every segment.
/// `interrupted` is polled every few thousand phases.
pub fn simulate(
    model: &PerfModel,
    balance: f64,
    phases: impl IntoIterator<Item = (f64, Demand)>,
    interrupted: &dyn Fn() -> bool,
) -> Result<Outcome, SimError> {
    simulate_limited(model, balance, phases, usize::MAX, interrupted)
}

/// [`simulate`] keeping at most `max_segments` timeline segments (more is
/// [`SimError::TooDetailed`]); with 0 it keeps none and computes only the summary.
pub fn simulate_limited(
    model: &PerfModel,
    balance: f64,
    phases: impl IntoIterator<Item = (f64, Demand)>,
    max_segments: usize,
    interrupted: &dyn Fn() -> bool,
) -> Result<Outcome, SimError> {
    let mut out = Outcome::default();
    let mut b = model.bucket.map(|k| balance.clamp(0.0, k.capacity));
    let mut t = 0.0;
    let mut was_below_full = b.zip(model.bucket).is_some_and(|(b, k)| b < k.capacity);
    if b == Some(0.0) {
        out.exhausted_at = Some(0.0);
    }
    for (i, (duration, demand)) in phases.into_iter().enumerate() {
        if i % 4096 == 4095 && interrupted() {
            return Err(SimError::Interrupted);
        }
        let mut remaining = duration.max(0.0);
        while remaining > 0.0 {
            let (seg_len, fraction, b_end) = match (b, model.bucket) {
                (Some(bal), Some(k)) => {
                    let burst = model.deliver(&demand, &model.burst);
                    let mut net = k.earn - burst.spend;
                    let mut fraction = burst.fraction;
                    if bal <= 0.0 && net < 0.0 {
                        // Empty and asking for more than the bucket earns: the volume delivers
                        // exactly what it earns (spend = earn), the balance stays at zero. For
                        // most volumes that is the baseline limit itself; where the limits
                        // without credits are lower than the earn rate (gp2 between 170 and
                        // 334 GiB: 128 MiB/s), AWS alternates between the two states every
                        // time a credit arrives, and this is their time average.
                        fraction *= k.earn / burst.spend;
                        net = 0.0;
                    }
                    if net < 0.0 {
                        let to_empty = bal / -net;
                        if to_empty <= remaining {
                            (to_empty, fraction, 0.0)
                        } else {
                            (remaining, fraction, bal + net * remaining)
                        }
                    } else if net > 0.0 && bal < k.capacity {
                        let to_full = (k.capacity - bal) / net;
                        if to_full <= remaining {
                            (to_full, fraction, k.capacity)
                        } else {
                            (remaining, fraction, bal + net * remaining)
                        }
                    } else {
                        (remaining, fraction, bal)
                    }
                }
                _ => (remaining, model.deliver(&demand, &model.burst).fraction, 0.0),
            };
            let seg = Segment {
                start: t,
                duration: seg_len,
                demand,
                fraction,
                balance_start: b,
                balance_end: b.map(|_| b_end),
            };
            if seg.throttled() {
                out.throttled_secs += seg_len;
            }
            if let (Some(bal), Some(k)) = (b, model.bucket) {
                if b_end <= 0.0 && bal > 0.0 && out.exhausted_at.is_none() {
                    out.exhausted_at = Some(t + seg_len);
                }
                if b_end < k.capacity {
                    was_below_full = true;
                } else if was_below_full && bal < k.capacity && out.refilled_at.is_none() {
                    out.refilled_at = Some(t + seg_len);
                }
                b = Some(b_end);
            }
            if max_segments > 0 {
                push_merged(&mut out.segments, seg);
                if out.segments.len() > max_segments {
                    return Err(SimError::TooDetailed(max_segments));
                }
            }
            t += seg_len;
            remaining -= seg_len;
            if seg_len <= 0.0 {
                // A crossing exactly at the current instant: the next pass sees the new state.
                continue;
            }
        }
    }
    out.final_balance = b;
    out.total_secs = t;
    Ok(out)
}

/// Appends `seg`, extending the previous segment instead when nothing observable changes
/// (same demand and delivery, and the balance continues on the same line).
fn push_merged(segments: &mut Vec<Segment>, seg: Segment) {
    if seg.duration <= 0.0 {
        return;
    }
    if let Some(last) = segments.last_mut() {
        let same_slope = match (last.balance_start, last.balance_end, seg.balance_start, seg.balance_end) {
            (Some(a0), Some(a1), Some(b0), Some(b1)) => {
                let s1 = (a1 - a0) / last.duration;
                let s2 = (b1 - b0) / seg.duration;
                (s1 - s2).abs() <= 1e-9 * (1.0 + s1.abs()) && (a1 - b0).abs() <= 1e-6
            }
            (None, None, None, None) => true,
            _ => false,
        };
        if same_slope && last.demand == seg.demand && (last.fraction - seg.fraction).abs() <= 1e-12 {
            last.duration += seg.duration;
            last.balance_end = seg.balance_end;
            return;
        }
    }
    segments.push(seg);
}

/// The naive model: one step per second, choosing the state by the balance at the start of
/// each second. Only for tests (it is what the event-driven simulator must agree with).
pub fn reference_per_second(model: &PerfModel, balance: f64, phases: &[(u64, Demand)]) -> (Option<u64>, f64) {
    let Some(k) = model.bucket else { return (None, 0.0) };
    let mut b = balance;
    let mut t = 0u64;
    let mut exhausted = None;
    for (secs, d) in phases {
        for _ in 0..*secs {
            let burst = model.deliver(d, &model.burst);
            let spend = if b > 0.0 || k.earn - burst.spend >= 0.0 { burst.spend } else { model.deliver(d, &model.baseline).spend };
            let before = b;
            b = (b + k.earn - spend).clamp(0.0, k.capacity);
            t += 1;
            if before > 0.0 && b <= 0.0 && exhausted.is_none() {
                exhausted = Some(t);
            }
        }
    }
    (exhausted, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gp2(size: u32) -> PerfModel {
        PerfModel::of(&VolumeSpec { volume_type: VolumeType::Gp2, size, iops: None, throughput: None })
    }
    fn iops(n: f64) -> Demand {
        Demand { iops: n, ..Demand::IDLE }
    }
    const NEVER: &dyn Fn() -> bool = &|| false;

    /// AWS, EBS User Guide, "General Purpose SSD volumes", gp2 table "Burst duration at
    /// 3,000 IOPS (seconds)" / "Time to refill empty credit balance (seconds)":
    /// 1 to 33.33 GiB: 100 IOPS, 1,862 s, 54,000 s; 100: 300, 2,000, 18,000;
    /// 334: 1,002, 2,703, 5,389; 750: 2,250, 7,200, 2,400; 1,000: 3,000, N/A, N/A;
    /// 5,334 and larger: 16,000, N/A, N/A.
    #[test]
    fn gp2_burst_table_rows_exactly() {
        let rows: &[(u32, f64, Option<f64>, Option<f64>)] = &[
            (1, 100.0, Some(1862.0), Some(54_000.0)),
            (33, 100.0, Some(1862.0), Some(54_000.0)),
            (100, 300.0, Some(2000.0), Some(18_000.0)),
            (334, 1002.0, Some(2703.0), Some(5389.0)),
            (750, 2250.0, Some(7200.0), Some(2400.0)),
            (1000, 3000.0, None, None),
            (5334, 16_000.0, None, None),
            (16_384, 16_000.0, None, None),
        ];
        for &(size, base, burst, refill) in rows {
            let d = gp2(size).burst_duration();
            assert_eq!((d.baseline, d.burst_secs, d.refill_secs), (base, burst, refill), "{size} GiB");
        }
        assert_eq!(gp2(100).burst_duration().burst, 3000.0);
        assert_eq!(gp2(1000).burst_duration().burst, 3000.0);
    }

    #[test]
    fn gp2_throughput_limits_by_size() {
        // "170 GiB and smaller deliver a maximum throughput of 128 MiB/s"; between 170 and 334
        // GiB 250 MiB/s "if burst credits are available"; 334 GiB and larger 250 MiB/s.
        assert_eq!((gp2(170).burst.mibps, gp2(170).baseline.mibps), (128.0, 128.0));
        assert_eq!((gp2(200).burst.mibps, gp2(200).baseline.mibps), (250.0, 128.0));
        assert_eq!((gp2(334).burst.mibps, gp2(334).baseline.mibps), (250.0, 250.0));
    }

    #[test]
    fn hdd_baselines_and_bursts_match_aws_tables() {
        let m = |t, size| PerfModel::of(&VolumeSpec { volume_type: t, size, iops: None, throughput: None });
        // st1 1 TiB: 40 / 250 MiB/s; 2 TiB: 80 / 500; 12.5 TiB baseline 500. sc1 1 TiB: 12 / 80;
        // 3.125 TiB burst 250; 16 TiB baseline 192.
        let st1 = m(VolumeType::St1, 1024);
        assert_eq!((st1.baseline.mibps, st1.burst.mibps), (40.0, 250.0));
        assert_eq!(st1.bucket.unwrap().capacity, MIB_PER_TIB);
        assert_eq!(m(VolumeType::St1, 2048).burst.mibps, 500.0);
        assert_eq!(m(VolumeType::St1, 12_800).baseline.mibps, 500.0);
        let sc1 = m(VolumeType::Sc1, 1024);
        assert_eq!((sc1.baseline.mibps, sc1.burst.mibps), (12.0, 80.0));
        assert_eq!(m(VolumeType::Sc1, 3200).burst.mibps, 250.0);
        assert_eq!(m(VolumeType::Sc1, 16_384).baseline.mibps, 192.0);
        // Derived: a full 1 TiB st1 bucket sustains 250 MiB/s for 1,048,576 / 210 ≈ 4,993 s.
        assert_eq!(st1.burst_duration().burst_secs, Some(4993.0));
    }

    #[test]
    fn io_size_accounting() {
        // "I/O size is capped at 256 KiB for SSD volumes and 1,024 KiB for HDD volumes";
        // larger I/Os are split, small sequential I/Os merged.
        let d = Demand { iops: 100.0, io_kib: 1024.0, sequential: false, read_fraction: 1.0 };
        assert_eq!(d.counted_iops(256.0), 400.0);
        let seq = Demand { iops: 1600.0, io_kib: 64.0, sequential: true, read_fraction: 1.0 };
        assert_eq!(seq.counted_iops(1024.0), 100.0);
        assert_eq!(Demand { sequential: false, ..seq }.counted_iops(1024.0), 1600.0);
        // AWS's example: a gp2 volume under 1,000 GiB with credits has 3,000 IOPS and 250 MiB/s;
        // with 256 KiB I/Os it reaches the throughput limit at 1,000 IOPS.
        let m = gp2(500);
        let big = Demand { iops: 3000.0, io_kib: 256.0, sequential: false, read_fraction: 1.0 };
        let got = m.deliver(&big, &m.burst);
        assert!((big.iops * got.fraction - 1000.0).abs() < 1e-9);
        // st1: 16 KiB random I/Os each count as 1 MiB, so a 1 TiB st1 bursts to 250 of them.
        let st1 = PerfModel::of(&VolumeSpec { volume_type: VolumeType::St1, size: 1024, iops: None, throughput: None });
        let small = Demand { iops: 1000.0, io_kib: 16.0, sequential: false, read_fraction: 1.0 };
        assert!((small.iops * st1.deliver(&small, &st1.burst).fraction - 250.0).abs() < 1e-9);
    }

    #[test]
    fn gp2_bucket_drains_at_burst_minus_baseline_then_throttles_to_baseline() {
        let m = gp2(100);
        let out = simulate(&m, GP2_CREDIT_CAPACITY, [(3600.0, iops(3000.0))], NEVER).unwrap();
        assert_eq!(out.exhausted_at, Some(2000.0));
        assert_eq!(out.throttled_secs, 1600.0);
        assert_eq!(out.final_balance, Some(0.0));
        assert_eq!(out.segments.len(), 2);
        assert_eq!(out.segments[1].delivered_iops(), 300.0);
        // Idle refills at the baseline: 18,000 s for 100 GiB.
        let out = simulate(&m, 0.0, [(20_000.0, Demand::IDLE)], NEVER).unwrap();
        assert_eq!(out.refilled_at, Some(18_000.0));
        assert_eq!(out.final_balance, Some(GP2_CREDIT_CAPACITY));
    }

    #[test]
    fn demand_at_or_below_baseline_never_throttles_even_when_empty() {
        let out = simulate(&gp2(100), 0.0, [(600.0, iops(250.0))], NEVER).unwrap();
        assert_eq!(out.throttled_secs, 0.0);
        assert!((out.final_balance.unwrap() - 50.0 * 600.0).abs() < 1e-6);
    }

    #[test]
    fn flat_volumes_have_no_bucket_and_cap_at_provisioned() {
        let gp3 = PerfModel::of(&VolumeSpec { volume_type: VolumeType::Gp3, size: 100, iops: Some(3000), throughput: Some(125) });
        let out = simulate(&gp3, 0.0, [(3600.0, iops(5000.0))], NEVER).unwrap();
        assert_eq!(out.exhausted_at, None);
        assert_eq!(out.final_balance, None);
        assert_eq!(out.segments[0].delivered_iops(), 3000.0);
        assert_eq!(out.throttled_secs, 3600.0);
    }

    #[test]
    fn event_driven_agrees_with_the_per_second_loop() {
        // A deterministic pseudo-random mix of phases on several volume types.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for (t, size) in [(VolumeType::Gp2, 100), (VolumeType::Gp2, 250), (VolumeType::St1, 500), (VolumeType::Sc1, 2048)] {
            let m = PerfModel::of(&VolumeSpec { volume_type: t, size, iops: None, throughput: None });
            let phases: Vec<(u64, Demand)> = (0..40)
                .map(|_| {
                    let d = Demand { iops: next(4000) as f64, io_kib: [16.0, 64.0, 256.0, 1024.0][next(4) as usize], sequential: next(2) == 1, read_fraction: 1.0 };
                    (60 + next(3000), d)
                })
                .collect();
            let cap = m.bucket.unwrap().capacity;
            let (ref_exhausted, ref_final) = reference_per_second(&m, cap, &phases);
            let out = simulate(&m, cap, phases.iter().map(|(s, d)| (*s as f64, *d)), NEVER).unwrap();
            // The per-second loop may flip between states around zero: it can be off by
            // one second's worth of credits there.
            let one_second = if m.hdd { m.burst.mibps } else { m.burst.iops };
            assert!((out.final_balance.unwrap() - ref_final).abs() <= one_second + 1e-6 * cap, "{t:?} {size}: {:?} vs {ref_final}", out.final_balance);
            match (out.exhausted_at, ref_exhausted) {
                (Some(a), Some(b)) => assert!(a <= b as f64 && b as f64 - a < 1.0 + 1e-6, "{t:?}: {a} vs {b}"),
                (a, b) => assert_eq!(a.map(|_| ()), b.map(|_| ()), "{t:?}"),
            }
        }
    }

    #[test]
    fn a_year_of_hourly_phases_stays_small_when_nothing_changes() {
        // An idle volume for a year: one merged segment.
        let out = simulate(&gp2(100), GP2_CREDIT_CAPACITY, std::iter::repeat_n((3600.0, Demand::IDLE), 8760), NEVER).unwrap();
        assert_eq!(out.segments.len(), 1);
        assert_eq!(out.total_secs, 8760.0 * 3600.0);
    }

    #[test]
    fn interrupt_stops_long_simulations() {
        let r = simulate(&gp2(100), 0.0, std::iter::repeat_n((1.0, iops(3000.0)), 100_000), &|| true);
        assert_eq!(r, Err(SimError::Interrupted));
    }

    #[test]
    fn summary_only_and_segment_limits() {
        let alternating = (0..1000).map(|s| (1.0, iops(if s % 2 == 0 { 3000.0 } else { 100.0 })));
        let full = simulate(&gp2(100), GP2_CREDIT_CAPACITY, alternating.clone(), NEVER).unwrap();
        assert_eq!(full.segments.len(), 1000);
        let summary = simulate_limited(&gp2(100), GP2_CREDIT_CAPACITY, alternating.clone(), 0, NEVER).unwrap();
        assert!(summary.segments.is_empty());
        assert_eq!((summary.final_balance, summary.throttled_secs), (full.final_balance, full.throttled_secs));
        assert_eq!(simulate_limited(&gp2(100), GP2_CREDIT_CAPACITY, alternating, 10, NEVER), Err(SimError::TooDetailed(10)));
    }
}
