//! Workloads in, results out: reading a script's phases, and shaping a simulation as a
//! timeline table, a summary map and a chart. Plain Rust over JSON values (the bindings
//! convert them to Rhai values).

use serde_json::{Map, Value, json};

use super::error::EbsError;
use super::perf::{BurstDuration, CreditUnit, Demand, Outcome, PerfModel, Segment};
use crate::render::{Chart, Series};
use crate::world::{AwsError, Duration, ErrorCode, Timestamp};

fn bad(msg: impl Into<String>) -> AwsError {
    EbsError::InvalidParameterValue.err(msg)
}

fn number(v: &Value, key: &str, i: usize) -> Result<f64, AwsError> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(bad(format!("phase {i}: `{key}` must be a number ≥ 0, not `{v}`"))),
    }
}

/// Reads a workload: an array of phases such as `#{ Duration: "1h", Iops: 3000 }` or
/// `#{ Duration: "30m", ThroughputMiBps: 200, IoSizeKiB: 1024 }`. Keys: `Duration` (required:
/// `"90s"`, `"2h"`, or seconds), `Iops` or `ThroughputMiBps` (neither: idle), `IoSizeKiB`
/// (default 16 with Iops, the volume's maximum I/O size with ThroughputMiBps), `Sequential`
/// (default false with Iops, true with ThroughputMiBps), `ReadPercent` (0–100, default 100).
pub fn parse_phases(v: &Value, max_io_kib: f64) -> Result<Vec<(Duration, Demand)>, AwsError> {
    let Some(arr) = v.as_array() else {
        return Err(bad("a workload is an array of phases such as `[#{ Duration: \"1h\", Iops: 3000 }]`"));
    };
    let mut out = Vec::with_capacity(arr.len());
    for (i, p) in arr.iter().enumerate() {
        let Some(m) = p.as_object() else { return Err(bad(format!("phase {i} is not a map"))) };
        for k in m.keys() {
            if !["Duration", "Iops", "ThroughputMiBps", "IoSizeKiB", "Sequential", "ReadPercent"].contains(&k.as_str()) {
                return Err(bad(format!(
                    "phase {i}: unknown key `{k}` (known: Duration, Iops, ThroughputMiBps, IoSizeKiB, Sequential, ReadPercent)"
                )));
            }
        }
        let duration = match m.get("Duration") {
            Some(Value::String(s)) => Duration::parse(s).map_err(|e| bad(format!("phase {i}: {e}")))?,
            Some(Value::Number(n)) => Duration((n.as_f64().unwrap_or(-1.0) * 1000.0).round() as i64),
            Some(other) => return Err(bad(format!("phase {i}: `Duration` must be e.g. \"1h\" or seconds, not `{other}`"))),
            None => return Err(bad(format!("phase {i}: missing `Duration`"))),
        };
        if duration.as_millis() <= 0 {
            return Err(bad(format!("phase {i}: `Duration` must be positive")));
        }
        let iops = m.get("Iops").map(|v| number(v, "Iops", i)).transpose()?;
        let mibps = m.get("ThroughputMiBps").map(|v| number(v, "ThroughputMiBps", i)).transpose()?;
        let size = m.get("IoSizeKiB").map(|v| number(v, "IoSizeKiB", i)).transpose()?;
        if size.is_some_and(|s| s <= 0.0 || s > 16_384.0) {
            return Err(bad(format!("phase {i}: `IoSizeKiB` must be between 1 and 16384")));
        }
        let sequential = match m.get("Sequential") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(bad(format!("phase {i}: `Sequential` must be true or false, not `{other}`"))),
        };
        let read = m.get("ReadPercent").map(|v| number(v, "ReadPercent", i)).transpose()?.unwrap_or(100.0);
        if read > 100.0 {
            return Err(bad(format!("phase {i}: `ReadPercent` must be between 0 and 100")));
        }
        let demand = match (iops, mibps) {
            (Some(_), Some(_)) => return Err(bad(format!("phase {i}: give `Iops` or `ThroughputMiBps`, not both"))),
            (Some(n), None) => Demand { iops: n, io_kib: size.unwrap_or(16.0), sequential: sequential.unwrap_or(false), read_fraction: read / 100.0 },
            (None, Some(t)) => {
                let io_kib = size.unwrap_or(max_io_kib);
                Demand { iops: t * 1024.0 / io_kib, io_kib, sequential: sequential.unwrap_or(true), read_fraction: read / 100.0 }
            }
            (None, None) => Demand::IDLE,
        };
        out.push((duration, demand));
    }
    Ok(out)
}

/// A figure rounded to 3 decimals; whole numbers as integers (AWS's tables say 1,862, not
/// 1862.0).
fn r3(x: f64) -> Value {
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 && r.abs() < 9.0e15 { json!(r as i64) } else { json!(r) }
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, r3)
}

/// BurstDuration as the script sees it: `#{ BaselineIops, BurstIops, BurstSeconds,
/// RefillSeconds, ... }`; HDD volumes report MiB/s (1 MiB I/Os) and their bucket in MiB.
pub fn burst_duration_json(model: &PerfModel, d: &BurstDuration) -> Value {
    let mut m = Map::new();
    m.insert("VolumeType".into(), json!(model.volume_type.as_str()));
    if model.hdd {
        m.insert("BaselineThroughputMiBps".into(), r3(d.baseline));
        m.insert("BurstThroughputMiBps".into(), r3(d.burst));
        m.insert("BaselineIops".into(), r3(d.baseline));
        m.insert("BurstIops".into(), r3(d.burst));
    } else {
        m.insert("BaselineIops".into(), r3(d.baseline));
        m.insert("BurstIops".into(), r3(d.burst));
        m.insert("BaselineThroughputMiBps".into(), r3(model.baseline.mibps));
        m.insert("BurstThroughputMiBps".into(), r3(model.burst.mibps));
    }
    m.insert("BurstSeconds".into(), opt(d.burst_secs));
    m.insert("RefillSeconds".into(), opt(d.refill_secs));
    m.insert("CreditCapacity".into(), opt(model.bucket.map(|b| b.capacity)));
    m.insert("CreditUnit".into(), model.bucket.map_or(Value::Null, |b| json!(b.unit.as_str())));
    Value::Object(m)
}

/// A simulation as `#{ Timeline, Summary }` (the chart is built by [`sim_chart`]). Timeline
/// rows mark every change: phase boundaries and the moments the bucket empties or fills.
pub fn sim_json(model: &PerfModel, out: &Outcome, start: Timestamp) -> Value {
    let cap = model.bucket.map(|b| b.capacity);
    let pct = |b: Option<f64>| b.zip(cap).map(|(b, c)| 100.0 * b / c);
    let at = |s: f64| start.plus(Duration((s * 1000.0).round() as i64));
    let mut rows: Vec<Value> = out
        .segments
        .iter()
        .map(|s| {
            json!({
                "Time": at(s.start).iso(),
                "Elapsed": Duration((s.start * 1000.0).round() as i64).human(),
                "DemandIops": r3(s.demand.iops),
                "DeliveredIops": r3(s.delivered_iops()),
                "DeliveredMiBps": r3(s.delivered_mibps()),
                "CreditBalance": opt(s.balance_start),
                "BurstBalance": opt(pct(s.balance_start)),
                "Throttled": s.throttled(),
            })
        })
        .collect();
    rows.push(json!({
        "Time": at(out.total_secs).iso(),
        "Elapsed": Duration((out.total_secs * 1000.0).round() as i64).human(),
        "DemandIops": Value::Null,
        "DeliveredIops": Value::Null,
        "DeliveredMiBps": Value::Null,
        "CreditBalance": opt(out.final_balance),
        "BurstBalance": opt(pct(out.final_balance)),
        "Throttled": Value::Null,
    }));
    let d = model.burst_duration();
    json!({
        "Timeline": rows,
        "Summary": {
            "VolumeType": model.volume_type.as_str(),
            "BaselineIops": if model.hdd { Value::Null } else { r3(d.baseline) },
            "BurstIops": if model.hdd { Value::Null } else { r3(d.burst) },
            "SimulatedSeconds": r3(out.total_secs),
            "CreditsExhaustedAfterSeconds": opt(out.exhausted_at),
            "RefilledAfterSeconds": opt(out.refilled_at),
            "ThrottledSeconds": r3(out.throttled_secs),
            "FinalCreditBalance": opt(out.final_balance),
            "FinalBurstBalance": opt(pct(out.final_balance)),
            "CreditUnit": model.bucket.map_or(Value::Null, |b| json!(b.unit.as_str())),
        }
    })
}

/// The chart: delivered (and demanded) IOPS — MiB/s for HDD volumes — as step series, and
/// BurstBalance % on the right axis. X is hours since the start.
pub fn sim_chart(model: &PerfModel, out: &Outcome, title: &str) -> Chart {
    let hours = |s: f64| s / 3600.0;
    type Rate = fn(&Segment) -> f64;
    let (unit, delivered, demanded): (&str, Rate, Rate) = if model.hdd {
        ("MiB/s", |s| s.delivered_mibps(), |s| s.demand.mibps())
    } else {
        ("IOPS", |s| s.delivered_iops(), |s| s.demand.iops)
    };
    let step = |name: String, f: Rate| {
        let mut points: Vec<(f64, f64)> = out.segments.iter().map(|s| (hours(s.start), f(s))).collect();
        if let Some(last) = out.segments.last() {
            points.push((hours(last.end()), f(last)));
        }
        Series { name, points, step: true, right_axis: false }
    };
    let mut series = vec![step(format!("Delivered {unit}"), delivered), step(format!("Demanded {unit}"), demanded)];
    if let Some(b) = model.bucket {
        let mut points = Vec::new();
        for s in &out.segments {
            points.push((hours(s.start), 100.0 * s.balance_start.unwrap_or(0.0) / b.capacity));
        }
        if let Some(last) = out.segments.last() {
            points.push((hours(last.end()), 100.0 * last.balance_end.unwrap_or(0.0) / b.capacity));
        }
        series.push(Series { name: "BurstBalance %".into(), points, step: false, right_axis: true });
    }
    let unit_word = match model.bucket.map(|b| b.unit) {
        Some(CreditUnit::MiB) => "throughput credits",
        Some(CreditUnit::IoCredits) => "I/O credits",
        None => "no burst bucket",
    };
    Chart {
        title: format!("{title} ({unit_word})"),
        x_label: "hours".into(),
        y_label: unit.into(),
        y2_label: model.bucket.map(|_| "BurstBalance %".into()),
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ebs::model::{VolumeSpec, VolumeType};
    use crate::ebs::perf::simulate;

    #[test]
    fn phases_parse_with_defaults_and_reject_nonsense() {
        let p = parse_phases(&json!([{"Duration": "1h", "Iops": 3000}, {"Duration": 60, "ThroughputMiBps": 200}, {"Duration": "2h"}]), 1024.0).unwrap();
        assert_eq!(p[0].0, Duration::hours(1));
        assert_eq!((p[0].1.iops, p[0].1.io_kib, p[0].1.sequential), (3000.0, 16.0, false));
        assert_eq!((p[1].1.iops, p[1].1.io_kib, p[1].1.sequential), (200.0, 1024.0, true));
        assert!(p[2].1.is_idle());
        for bad in [
            json!({"Duration": "1h"}),
            json!([{"Iops": 5}]),
            json!([{"Duration": "1h", "Iops": -5}]),
            json!([{"Duration": "1h", "Iops": 5, "ThroughputMiBps": 5}]),
            json!([{"Duration": "1h", "Ips": 5}]),
            json!([{"Duration": "0s", "Iops": 5}]),
            json!([{"Duration": "1h", "ReadPercent": 150}]),
        ] {
            assert!(parse_phases(&bad, 256.0).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeline_marks_the_exhaustion_and_the_summary_says_when() {
        let m = PerfModel::of(&VolumeSpec { volume_type: VolumeType::Gp2, size: 100, iops: None, throughput: None });
        let phases = parse_phases(&json!([{"Duration": "1h", "Iops": 3000}, {"Duration": "23h"}]), 256.0).unwrap();
        let out = simulate(&m, 5.4e6, phases.iter().map(|(d, x)| (d.as_secs_f64(), *x)), &|| false).unwrap();
        let j = sim_json(&m, &out, crate::world::clock::DEFAULT_START);
        let rows = j["Timeline"].as_array().unwrap();
        // Bursting, throttled at the baseline, idle refilling, idle full, and the end row.
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[1]["Time"], "2026-01-01T00:33:20Z");
        assert_eq!(rows[1]["DeliveredIops"], json!(300));
        assert_eq!(rows[1]["Throttled"], true);
        assert_eq!(j["Summary"]["CreditsExhaustedAfterSeconds"], json!(2000));
        // Refill from empty at 300/s takes 18,000 s, starting at 3,600 s.
        assert_eq!(j["Summary"]["RefilledAfterSeconds"], json!(21_600));
        assert_eq!(j["Summary"]["ThrottledSeconds"], json!(1600));
        assert_eq!(j["Summary"]["FinalBurstBalance"], json!(100));
        let c = sim_chart(&m, &out, "gp2 100 GiB");
        assert_eq!(c.series.len(), 3);
        assert!(c.series[2].right_axis && !c.series[2].step);
        assert_eq!(c.series[0].points[1], (2000.0 / 3600.0, 300.0));
    }
}
