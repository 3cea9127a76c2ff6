//! EBS script bindings: `ebs::create_volume(#{ ... })` and the other EC2 operations, the
//! workload simulator, block I/O, waiters and metrics.

use rhai::{Dynamic, Engine, Map, NativeCallContext};
use serde_json::Value;

use super::error::EbsError;
use super::model::{AttachState, Volume, VolumeSpec, VolumeState, VolumeType};
use super::perf::{self, PerfModel};
use super::{CLOUDWATCH, EBS_DIRECT, io, ops, render};
use crate::script::{DocMode, Shared};
use crate::script::api::{Api, Handle};
use crate::script::convert::{RhaiResult, dynamic_to_json, json_to_dynamic};
use crate::world::service::EC2_EBS;
use crate::world::{AwsError, Duration, ErrorCode, World};

fn params(pairs: Vec<(&str, Dynamic)>) -> Map {
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

fn strs(v: &str) -> Dynamic {
    Dynamic::from_array(vec![v.into()])
}

fn bad(msg: impl Into<String>) -> AwsError {
    EbsError::InvalidParameterValue.err(msg)
}

/// The caller's account and region.
fn here(w: &World) -> (String, String) {
    let c = w.caller();
    (c.principal.account().unwrap_or(crate::world::DEFAULT_ACCOUNT).to_string(), c.region.into_owned())
}

fn volume<'a>(w: &'a World, id: &str) -> Result<&'a Volume, AwsError> {
    ops::check_id(id, "vol")?;
    let (a, r) = here(w);
    w.ebs
        .region(&a, &r)
        .and_then(|s| s.volumes.get(id))
        .ok_or_else(|| EbsError::InvalidVolumeNotFound.err(format!("The volume '{id}' does not exist.")))
}

fn volume_mut<'a>(w: &'a mut World, id: &str) -> Result<&'a mut Volume, AwsError> {
    volume(w, id)?;
    let (a, r) = here(w);
    Ok(w.ebs.region_mut(&a, &r).volumes.get_mut(id).expect("checked above"))
}

/// I/O comes from the instance a volume is attached to.
fn attached(v: &Volume) -> Result<(), AwsError> {
    if v.state == VolumeState::InUse && v.attachments.iter().any(|a| a.state == AttachState::Attached) {
        return Ok(());
    }
    Err(EbsError::IncorrectState.err(format!(
        "{} is not attached to an instance (state '{}'): I/O comes from the instance a volume is attached to.",
        v.volume_id,
        v.state.as_str()
    )))
}

/// What a simulation runs on: an existing volume (its spec and current credit balance) or
/// a spec map `#{ VolumeType, Size, Iops, Throughput }` with a full bucket.
fn sim_target(w: &World, target: &Dynamic) -> Result<(PerfModel, f64, String), AwsError> {
    if let Some(id) = target.read_lock::<rhai::ImmutableString>() {
        let v = volume(w, &id)?;
        let bal = io::balance_at(v, w.now(), &|| w.interrupted()).map_err(ops::sim_error)?;
        let title = format!("{} {} {} GiB", v.volume_id, v.spec.volume_type, v.spec.size);
        return Ok((PerfModel::of(&v.spec), bal.unwrap_or(0.0), title));
    }
    let j = dynamic_to_json(target);
    let Some(m) = j.as_object() else {
        return Err(bad("simulate takes a volume id or a spec map such as `#{ VolumeType: \"gp2\", Size: 100 }`"));
    };
    for k in m.keys() {
        if !["VolumeType", "Size", "Iops", "Throughput"].contains(&k.as_str()) {
            return Err(bad(format!("unknown key `{k}` in the volume spec (known: VolumeType, Size, Iops, Throughput)")));
        }
    }
    let int = |k: &str| -> Result<Option<i64>, AwsError> {
        m.get(k).map(|v| v.as_i64().ok_or_else(|| bad(format!("`{k}` must be an integer")))).transpose()
    };
    let t = VolumeType::parse(m.get("VolumeType").and_then(Value::as_str).unwrap_or("gp2"))?;
    let size = int("Size")?.ok_or_else(|| EbsError::MissingParameter.err("The volume spec must contain `Size`"))?;
    let spec = VolumeSpec::validate(t, size, int("Iops")?, int("Throughput")?)?;
    Ok((PerfModel::of(&spec), io::initial_balance(&spec), format!("{t} {size} GiB")))
}

/// Timeline rows a script simulation may produce (more: use `Timeline: false`).
const MAX_TIMELINE_ROWS: usize = 100_000;

/// Options: `StartBurstBalance` (percent), `Repeat` (times to play the phases) and
/// `Timeline` (false: the summary only).
struct SimOptions {
    balance: f64,
    repeat: usize,
    timeline: bool,
}

fn sim_options(model: &PerfModel, balance: f64, opts: &Map) -> Result<SimOptions, AwsError> {
    let mut bal = balance;
    let mut repeat = 1usize;
    let mut timeline = true;
    for (k, v) in opts {
        match k.as_str() {
            "StartBurstBalance" => {
                let p = v.as_float().or_else(|_| v.as_int().map(|i| i as f64)).map_err(|_| bad("`StartBurstBalance` must be a number (percent)"))?;
                if !(0.0..=100.0).contains(&p) {
                    return Err(bad("`StartBurstBalance` must be between 0 and 100"));
                }
                bal = model.bucket.map_or(0.0, |b| b.capacity * p / 100.0);
            }
            "Repeat" => {
                let n = v.as_int().map_err(|_| bad("`Repeat` must be an integer"))?;
                if !(1..=1_000_000).contains(&n) {
                    return Err(bad("`Repeat` must be between 1 and 1000000"));
                }
                repeat = n as usize;
            }
            "Timeline" => timeline = v.as_bool().map_err(|_| bad("`Timeline` must be true or false"))?,
            other => return Err(bad(format!("unknown option `{other}` (known: StartBurstBalance, Repeat, Timeline)"))),
        }
    }
    Ok(SimOptions { balance: bal, repeat, timeline })
}

/// Runs a simulation and shapes the result map `#{ Timeline, Summary, Chart }` (only
/// `Summary` when the timeline is not wanted).
fn run_sim(w: &World, model: &PerfModel, phases: &[(Duration, perf::Demand)], o: &SimOptions, title: &str) -> Result<Dynamic, AwsError> {
    let all = (0..o.repeat).flat_map(|_| phases.iter().map(|(d, x)| (d.as_secs_f64(), *x)));
    let max = if o.timeline { MAX_TIMELINE_ROWS } else { 0 };
    let out = perf::simulate_limited(model, o.balance, all, max, &|| w.interrupted()).map_err(ops::sim_error)?;
    let mut j = render::sim_json(model, &out, w.now());
    if !o.timeline {
        j.as_object_mut().map(|m| m.remove("Timeline"));
    }
    let mut m: Map = json_to_dynamic(&j).try_cast::<Map>().unwrap_or_default();
    if o.timeline {
        m.insert("Chart".into(), Dynamic::from(render::sim_chart(model, &out, title)));
    }
    Ok(m.into())
}

const SIMULATE_DOC: &str = r#"Simulates a workload on a volume (its current credit balance) or on a spec, event-driven: returns `#{ Timeline, Summary, Chart }` — the timeline of delivered IOPS and MiB/s, credit balance and BurstBalance % at every change, a summary (`CreditsExhaustedAfterSeconds`, `RefilledAfterSeconds`, `ThrottledSeconds`, `FinalBurstBalance`, ...) and a chart. Phases: `Duration` plus `Iops` or `ThroughputMiBps` (neither: idle), optional `IoSizeKiB`, `Sequential`, `ReadPercent`. Options: `Repeat`, `StartBurstBalance` (percent), `Timeline: false` (summary only; timelines are capped at 100,000 rows).
```rhai
let r = ebs::simulate(#{ VolumeType: "gp2", Size: 100 }, [#{ Duration: "1h", Iops: 3000 }, #{ Duration: "23h" }]);
r.Summary.CreditsExhaustedAfterSeconds   // 2000.0
```"#;

const BURST_DOC: &str = r#"A volume's (or spec's) burst figures, as in AWS's gp2 table: `#{ BaselineIops, BurstIops, BurstSeconds, RefillSeconds, ... }` (BurstSeconds/RefillSeconds are () when the baseline is at or above the burst).
```rhai
ebs::burst_duration(#{ VolumeType: "gp2", Size: 100 })   // BurstSeconds 2000.0, RefillSeconds 18000.0
```"#;

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &EC2_EBS, docs);

    // ---- volumes ----
    api.op("create_volume", "CreateVolume", "Creates an EBS volume (`creating`, then `available` a few seconds later) with AWS's limits per type; `Encrypted: true` uses KMS.\n```rhai\nlet v = ebs::create_volume(#{ AvailabilityZone: \"us-east-1a\", Size: 100, VolumeType: \"gp2\" });\n```", ops::create_volume);
    let h = api.handle();
    api.func(
        "create_volume",
        "Creates a volume: `ebs::create_volume(az, size_gib, volume_type)`.\n```rhai\nebs::create_volume(\"us-east-1a\", 100, \"gp3\")\n```",
        &["availability_zone: &str", "size: i64", "volume_type: &str", "Map"],
        move |ctx: NativeCallContext, az: &str, size: i64, t: &str| {
            h.run(&ctx, "CreateVolume", "create_volume", ops::create_volume, params(vec![("AvailabilityZone", az.into()), ("Size", size.into()), ("VolumeType", t.into())]))
        },
    );
    api.op("describe_volumes", "DescribeVolumes", "Describes volumes: `#{ Volumes: [...] }`, optionally by `VolumeIds` or `Filters` (`volume-type`, `status`, `attachment.instance-id`, `tag:Name`, ...).\n```rhai\nebs::describe_volumes(#{ Filters: [#{ Name: \"volume-type\", Values: [\"gp2\"] }] })\n```", ops::describe_volumes);
    let h = api.handle();
    api.func(
        "describe_volumes",
        "Describes one volume: `ebs::describe_volumes(volume_id).Volumes[0]`.\n```rhai\nebs::describe_volumes(v.VolumeId).Volumes[0].State\n```",
        &["volume_id: &str", "Map"],
        move |ctx: NativeCallContext, id: &str| h.run(&ctx, "DescribeVolumes", "describe_volumes", ops::describe_volumes, params(vec![("VolumeIds", strs(id))])),
    );
    api.op("delete_volume", "DeleteVolume", "Deletes an `available` volume (`deleting`, then gone).\n```rhai\nebs::delete_volume(#{ VolumeId: v.VolumeId })\n```", ops::delete_volume);
    let h = api.handle();
    api.func("delete_volume", "Deletes a volume by id.\n```rhai\nebs::delete_volume(v.VolumeId)\n```", &["volume_id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "DeleteVolume", "delete_volume", ops::delete_volume, params(vec![("VolumeId", id.into())]))
    });
    api.op("attach_volume", "AttachVolume", "Attaches a volume to a running instance in the same AZ as `Device` (`/dev/sdf`...); io1/io2 with Multi-Attach can attach to up to 16 Nitro instances.\n```rhai\nebs::attach_volume(#{ VolumeId: v.VolumeId, InstanceId: i, Device: \"/dev/sdf\" })\n```", ops::attach_volume);
    let h = api.handle();
    api.func(
        "attach_volume",
        "Attaches: `ebs::attach_volume(volume_id, instance_id, device)`.\n```rhai\nebs::attach_volume(v.VolumeId, i, \"/dev/sdf\")\n```",
        &["volume_id: &str", "instance_id: &str", "device: &str", "Map"],
        move |ctx: NativeCallContext, v: &str, i: &str, d: &str| {
            h.run(&ctx, "AttachVolume", "attach_volume", ops::attach_volume, params(vec![("VolumeId", v.into()), ("InstanceId", i.into()), ("Device", d.into())]))
        },
    );
    api.op("detach_volume", "DetachVolume", "Detaches a volume (`detaching`, then `available`); its I/O stops.\n```rhai\nebs::detach_volume(#{ VolumeId: v.VolumeId })\n```", ops::detach_volume);
    let h = api.handle();
    api.func("detach_volume", "Detaches a volume by id.\n```rhai\nebs::detach_volume(v.VolumeId)\n```", &["volume_id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "DetachVolume", "detach_volume", ops::detach_volume, params(vec![("VolumeId", id.into())]))
    });
    api.op("modify_volume", "ModifyVolume", "Changes a volume's type, size, IOPS or throughput (Elastic Volumes): `modifying` → `optimizing` → `completed`; up to four modifications per rolling 24 hours, one at a time.\n```rhai\nebs::modify_volume(#{ VolumeId: v.VolumeId, VolumeType: \"gp3\" })\n```", ops::modify_volume);
    api.op("describe_volumes_modifications", "DescribeVolumesModifications", "The latest modification of each volume.\n```rhai\nebs::describe_volumes_modifications(#{ VolumeIds: [v.VolumeId] })\n```", ops::describe_volumes_modifications);

    // ---- snapshots ----
    api.op("create_snapshot", "CreateSnapshot", "Snapshots a volume's written blocks (point in time, incremental: only blocks no earlier snapshot holds are uploaded); `pending`, then `completed`.\n```rhai\nlet s = ebs::create_snapshot(#{ VolumeId: v.VolumeId, Description: \"nightly\" });\n```", ops::create_snapshot);
    let h = api.handle();
    api.func("create_snapshot", "Snapshots a volume by id.\n```rhai\nlet s = ebs::create_snapshot(v.VolumeId);\n```", &["volume_id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "CreateSnapshot", "create_snapshot", ops::create_snapshot, params(vec![("VolumeId", id.into())]))
    });
    api.op("describe_snapshots", "DescribeSnapshots", "Describes snapshots: `#{ Snapshots: [...] }`, by `SnapshotIds`, `OwnerIds` or `Filters`.\n```rhai\nebs::describe_snapshots(#{ OwnerIds: [\"self\"] })\n```", ops::describe_snapshots);
    let h = api.handle();
    api.func("describe_snapshots", "Describes one snapshot.\n```rhai\nebs::describe_snapshots(s.SnapshotId).Snapshots[0].State\n```", &["snapshot_id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "DescribeSnapshots", "describe_snapshots", ops::describe_snapshots, params(vec![("SnapshotIds", strs(id))]))
    });
    api.op("delete_snapshot", "DeleteSnapshot", "Deletes a snapshot; blocks later snapshots still need are kept (and billed to them).\n```rhai\nebs::delete_snapshot(#{ SnapshotId: s.SnapshotId })\n```", ops::delete_snapshot);
    let h = api.handle();
    api.func("delete_snapshot", "Deletes a snapshot by id.\n```rhai\nebs::delete_snapshot(s.SnapshotId)\n```", &["snapshot_id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "DeleteSnapshot", "delete_snapshot", ops::delete_snapshot, params(vec![("SnapshotId", id.into())]))
    });
    api.op("copy_snapshot", "CopySnapshot", "Copies a completed snapshot to another region (`DestinationRegion`, default the caller's); encrypted copies use a key of the destination region.\n```rhai\nebs::copy_snapshot(#{ SourceRegion: \"us-east-1\", SourceSnapshotId: s.SnapshotId, DestinationRegion: \"us-west-2\" })\n```", ops::copy_snapshot);
    let h = api.handle();
    api.func(
        "copy_snapshot",
        "Copies a snapshot from the caller's region to `destination_region`.\n```rhai\nebs::copy_snapshot(s.SnapshotId, \"us-west-2\")\n```",
        &["snapshot_id: &str", "destination_region: &str", "Map"],
        move |ctx: NativeCallContext, id: &str, dest: &str| {
            let src = h.shared.lock().caller().region.into_owned();
            h.run(&ctx, "CopySnapshot", "copy_snapshot", ops::copy_snapshot, params(vec![("SourceRegion", src.into()), ("SourceSnapshotId", id.into()), ("DestinationRegion", dest.into())]))
        },
    );
    api.op("enable_fast_snapshot_restores", "EnableFastSnapshotRestores", "Enables fast snapshot restore for snapshots in AZs (`optimizing` at 60 minutes per TiB, then `enabled`); restores there are fully initialized while volume creation credits last.\n```rhai\nebs::enable_fast_snapshot_restores(#{ AvailabilityZones: [\"us-east-1a\"], SourceSnapshotIds: [s.SnapshotId] })\n```", ops::enable_fast_snapshot_restores);
    api.op("disable_fast_snapshot_restores", "DisableFastSnapshotRestores", "Disables fast snapshot restore.\n```rhai\nebs::disable_fast_snapshot_restores(#{ AvailabilityZones: [\"us-east-1a\"], SourceSnapshotIds: [s.SnapshotId] })\n```", ops::disable_fast_snapshot_restores);
    api.op("describe_fast_snapshot_restores", "DescribeFastSnapshotRestores", "Fast snapshot restore states and volume creation credits.\n```rhai\nebs::describe_fast_snapshot_restores()\n```", ops::describe_fast_snapshot_restores);

    // ---- encryption by default ----
    api.op("enable_ebs_encryption_by_default", "EnableEbsEncryptionByDefault", "Encrypts every new volume in this region by default.\n```rhai\nebs::enable_ebs_encryption_by_default()\n```", ops::enable_ebs_encryption_by_default);
    api.op("disable_ebs_encryption_by_default", "DisableEbsEncryptionByDefault", "Turns encryption by default off.\n```rhai\nebs::disable_ebs_encryption_by_default()\n```", ops::disable_ebs_encryption_by_default);
    api.op("get_ebs_encryption_by_default", "GetEbsEncryptionByDefault", "Whether encryption by default is on in this region.\n```rhai\nebs::get_ebs_encryption_by_default().EbsEncryptionByDefault\n```", ops::get_ebs_encryption_by_default);
    api.op("get_ebs_default_kms_key_id", "GetEbsDefaultKmsKeyId", "The KMS key EBS encrypts with by default (`alias/aws/ebs` unless changed).\n```rhai\nebs::get_ebs_default_kms_key_id().KmsKeyId\n```", ops::get_ebs_default_kms_key_id);
    api.op("modify_ebs_default_kms_key_id", "ModifyEbsDefaultKmsKeyId", "Sets the default KMS key for EBS encryption in this region.\n```rhai\nebs::modify_ebs_default_kms_key_id(#{ KmsKeyId: \"alias/ebs-key\" })\n```", ops::modify_ebs_default_kms_key_id);
    api.op("reset_ebs_default_kms_key_id", "ResetEbsDefaultKmsKeyId", "Resets the default key to `alias/aws/ebs`.\n```rhai\nebs::reset_ebs_default_kms_key_id()\n```", ops::reset_ebs_default_kms_key_id);

    // ---- instances ----
    api.op("run_instances", "RunInstances", "Launches instances (a light model: id, type, AZ, Nitro or Xen, state, an 8 GiB gp3 root volume); `pending`, then `running`.\n```rhai\nlet i = ebs::run_instances(#{ InstanceType: \"m5.large\", Placement: #{ AvailabilityZone: \"us-east-1a\" } }).Instances[0].InstanceId;\n```", ops::run_instances);
    let h = api.handle();
    api.func(
        "run_instances",
        "Launches one instance: `ebs::run_instances(instance_type, availability_zone)`; returns the reservation.\n```rhai\nlet i = ebs::run_instances(\"m5.large\", \"us-east-1a\").Instances[0].InstanceId;\n```",
        &["instance_type: &str", "availability_zone: &str", "Map"],
        move |ctx: NativeCallContext, t: &str, az: &str| {
            let mut placement = Map::new();
            placement.insert("AvailabilityZone".into(), az.into());
            h.run(&ctx, "RunInstances", "run_instances", ops::run_instances, params(vec![("InstanceType", t.into()), ("Placement", placement.into())]))
        },
    );
    api.op("describe_instances", "DescribeInstances", "Describes instances: `#{ Reservations: [#{ Instances: [...] }] }`.\n```rhai\nebs::describe_instances(#{ InstanceIds: [i] })\n```", ops::describe_instances);
    api.op("terminate_instances", "TerminateInstances", "Terminates instances; their root volumes (DeleteOnTermination) are deleted, other volumes detached.\n```rhai\nebs::terminate_instances(#{ InstanceIds: [i] })\n```", ops::terminate_instances);

    // ---- EBS direct APIs and CloudWatch ----
    api.op_as(&EBS_DIRECT, "list_snapshot_blocks", "ListSnapshotBlocks", "The blocks a snapshot holds (EBS direct API): `#{ Blocks: [#{ BlockIndex, BlockToken }], BlockSize, VolumeSize }`.\n```rhai\nebs::list_snapshot_blocks(#{ SnapshotId: s.SnapshotId }).Blocks\n```", ops::list_snapshot_blocks);
    api.op_as(&EBS_DIRECT, "list_changed_blocks", "ListChangedBlocks", "The blocks that differ between two snapshots of the same volume (EBS direct API).\n```rhai\nebs::list_changed_blocks(#{ FirstSnapshotId: s1.SnapshotId, SecondSnapshotId: s2.SnapshotId }).ChangedBlocks\n```", ops::list_changed_blocks);
    api.op_as(&CLOUDWATCH, "get_metric_statistics", "GetMetricStatistics", "CloudWatch statistics of an AWS/EBS metric (BurstBalance, VolumeReadOps, VolumeWriteOps, VolumeReadBytes, VolumeWriteBytes, VolumeIdleTime) for one volume, from its simulated history.\n```rhai\nebs::get_metric_statistics(#{ Namespace: \"AWS/EBS\", MetricName: \"BurstBalance\", Dimensions: [#{ Name: \"VolumeId\", Value: v }], StartTime: t0, EndTime: clock::now(), Period: 3600, Statistics: [\"Average\"] })\n```", ops::get_metric_statistics);
    let h = api.handle();
    api.func(
        "get_metric_data",
        "A volume's metric as a table of `#{ Timestamp, Value }` (Average for BurstBalance, Sum for the others): `ebs::get_metric_data(volume_id, metric, start, end, period_seconds)`.\n```rhai\nebs::get_metric_data(v, \"BurstBalance\", t0, clock::now(), 3600)\n```",
        &["volume_id: &str", "metric: &str", "start: &str", "end: &str", "period: i64", "Array"],
        move |ctx: NativeCallContext, v: &str, metric: &str, start: &str, end: &str, period: i64| -> RhaiResult {
            let stat = if metric == "BurstBalance" { "Average" } else { "Sum" };
            let mut dim = Map::new();
            dim.insert("Name".into(), "VolumeId".into());
            dim.insert("Value".into(), v.into());
            let p = params(vec![
                ("Namespace", "AWS/EBS".into()),
                ("MetricName", metric.into()),
                ("Dimensions", Dynamic::from_array(vec![dim.into()])),
                ("StartTime", start.into()),
                ("EndTime", end.into()),
                ("Period", period.into()),
                ("Statistics", strs(stat)),
            ]);
            let r = h.run_as(&CLOUDWATCH, &ctx, "GetMetricStatistics", "get_metric_data", ops::get_metric_statistics, p)?;
            let m = r.try_cast::<Map>().unwrap_or_default();
            let pts = m.get("Datapoints").cloned().and_then(|d| d.try_cast::<rhai::Array>()).unwrap_or_default();
            let rows: rhai::Array = pts
                .into_iter()
                .filter_map(|d| d.try_cast::<Map>())
                .map(|d| {
                    let mut row = Map::new();
                    row.insert("Timestamp".into(), d.get("Timestamp").cloned().unwrap_or(Dynamic::UNIT));
                    row.insert("Value".into(), d.get(stat).cloned().unwrap_or(Dynamic::UNIT));
                    row.into()
                })
                .collect();
            Ok(rows.into())
        },
    );

    register_helpers(&mut api);
    api.install(engine);
}

/// Cloudbook helpers that are not AWS API calls (not audited): simulation, I/O, waiters.
fn register_helpers(api: &mut Api) {
    let h = api.handle();
    api.func("simulate", SIMULATE_DOC, &["target: Dynamic", "phases: Array", "Map"], move |ctx: NativeCallContext, target: Dynamic, phases: rhai::Array| {
        simulate(&h, &ctx, target, phases, Map::new())
    });
    let h = api.handle();
    api.func("simulate", SIMULATE_DOC, &["target: Dynamic", "phases: Array", "options: Map", "Map"], move |ctx: NativeCallContext, target: Dynamic, phases: rhai::Array, opts: Map| {
        simulate(&h, &ctx, target, phases, opts)
    });
    let h = api.handle();
    api.func("burst_duration", BURST_DOC, &["target: Dynamic", "Map"], move |ctx: NativeCallContext, target: Dynamic| -> RhaiResult {
        h.with(&ctx, |w| {
            let (model, _, _) = sim_target(w, &target)?;
            Ok(json_to_dynamic(&render::burst_duration_json(&model, &model.burst_duration())))
        })
    });
    let h = api.handle();
    api.func(
        "start_workload",
        "Runs a workload on an attached volume from now on, as the clock advances (replacing any workload still scheduled): its credit balance and CloudWatch metrics follow it. Returns the projected simulation (`#{ Timeline, Summary, Chart }`). Options: `Repeat`.\n```rhai\nebs::start_workload(v, [#{ Duration: \"1h\", Iops: 3000 }, #{ Duration: \"23h\" }], #{ Repeat: 7 });\nclock::advance(\"7d\");\n```",
        &["volume_id: &str", "phases: Array", "options: Map", "Map"],
        {
            let h = h.clone();
            move |ctx: NativeCallContext, id: &str, phases: rhai::Array, opts: Map| start_workload(&h, &ctx, id, phases, opts)
        },
    );
    api.func("start_workload", "Runs a workload on an attached volume from now on (see the three-argument form).\n```rhai\nebs::start_workload(v, [#{ Duration: \"1h\", Iops: 3000 }])\n```", &["volume_id: &str", "phases: Array", "Map"], move |ctx: NativeCallContext, id: &str, phases: rhai::Array| {
        start_workload(&h, &ctx, id, phases, Map::new())
    });
    let h = api.handle();
    api.func(
        "burst_balance",
        "A volume's BurstBalance now: the percentage of its credit bucket left (() for volumes without a bucket).\n```rhai\nebs::burst_balance(v)   // 100.0\n```",
        &["volume_id: &str", "Dynamic"],
        move |ctx: NativeCallContext, id: &str| -> RhaiResult {
            h.with(&ctx, |w| {
                let v = volume(w, id)?;
                let bal = io::balance_at(v, w.now(), &|| w.interrupted()).map_err(ops::sim_error)?;
                let cap = PerfModel::of(&v.spec).bucket.map(|b| b.capacity);
                Ok(match bal.zip(cap) {
                    Some((b, c)) => Dynamic::from_float(ops::round3(100.0 * b / c)),
                    None => Dynamic::UNIT,
                })
            })
        },
    );
    let h = api.handle();
    api.func(
        "write_blocks",
        "Writes data (a string or blob, up to 512 KiB) into one 512 KiB block of an attached volume, by block index.\n```rhai\nebs::write_blocks(v, 0, \"hello\")\n```",
        &["volume_id: &str", "block_index: i64", "data: Dynamic", "Map"],
        {
            let h = h.clone();
            move |ctx: NativeCallContext, id: &str, index: i64, data: Dynamic| -> RhaiResult {
                let bytes = if let Some(s) = data.read_lock::<rhai::ImmutableString>() {
                    s.as_bytes().to_vec()
                } else if data.is_blob() {
                    data.clone().cast::<rhai::Blob>()
                } else if data.is_int() {
                    return write_generated(&h, &ctx, id, index, data.as_int().unwrap_or(0));
                } else {
                    return h.with(&ctx, |_| Err(bad("write_blocks takes a string or blob to write, or a block count")));
                };
                h.with(&ctx, |w| {
                    if bytes.len() > 512 * 1024 {
                        return Err(bad("a block holds at most 512 KiB"));
                    }
                    write(w, id, index, 1, |_| bytes.clone())
                })
            }
        },
    );
    let h = api.handle();
    api.func(
        "read_blocks",
        "Reads `count` blocks of an attached volume from `start`: `#{ Blocks: [#{ BlockIndex, Source, Data }], LazyLoadedBlocks }` — a restored block's first read comes from the snapshot in S3 (lazy loading) unless fast snapshot restore initialized it.\n```rhai\nebs::read_blocks(v, 0, 4).LazyLoadedBlocks\n```",
        &["volume_id: &str", "start: i64", "count: i64", "Map"],
        move |ctx: NativeCallContext, id: &str, start: i64, count: i64| -> RhaiResult {
            h.with(&ctx, |w| {
                let v = volume_mut(w, id)?;
                attached(v)?;
                check_range(v, start, count, 10_000)?;
                let mut rows = rhai::Array::new();
                let mut lazy = 0i64;
                for i in start as u64..(start + count) as u64 {
                    let (b, src) = io::read_block(v, i);
                    lazy += i64::from(src == io::BlockSource::Snapshot);
                    let mut row = Map::new();
                    row.insert("BlockIndex".into(), (i as i64).into());
                    row.insert("Source".into(), src.as_str().into());
                    row.insert("Data".into(), b.map_or(Dynamic::UNIT, |b| Dynamic::from_blob(b.data)));
                    rows.push(row.into());
                }
                let mut m = Map::new();
                m.insert("VolumeId".into(), id.into());
                m.insert("Blocks".into(), rows.into());
                m.insert("LazyLoadedBlocks".into(), lazy.into());
                Ok(m.into())
            })
        },
    );
    let h = api.handle();
    api.func(
        "wait",
        "Advances the clock until a waiter is satisfied, like `aws ec2 wait`: `volume-available`, `volume-in-use`, `volume-deleted`, `snapshot-completed`, `instance-running`, `instance-terminated`, `volume-modification-completed`. Returns the time.\n```rhai\nebs::wait(\"volume-available\", v.VolumeId)\n```",
        &["waiter: &str", "id: &str", "String"],
        move |ctx: NativeCallContext, name: &str, id: &str| -> RhaiResult<String> { h.with(&ctx, |w| super::wait(w, name, id).map(|t| t.iso())) },
    );
    let h = api.handle();
    api.func(
        "snapshot_storage",
        "Snapshot storage in this region as EBS bills it: one row per snapshot with its blocks and the blocks billed to it (a block version is stored once, billed to the oldest snapshot holding it).\n```rhai\nebs::snapshot_storage()\n```",
        &["Array"],
        move |ctx: NativeCallContext| -> RhaiResult {
            h.with(&ctx, |w| {
                let (a, r) = here(w);
                let Some(st) = w.ebs.region(&a, &r) else { return Ok(Dynamic::from_array(vec![])) };
                let bill = io::snapshot_billing(st.snapshots.values());
                let mut snaps: Vec<_> = st.snapshots.values().collect();
                snaps.sort_by(|x, y| (x.start_time, &x.snapshot_id).cmp(&(y.start_time, &y.snapshot_id)));
                let rows: rhai::Array = snaps
                    .into_iter()
                    .map(|s| {
                        let (blocks, billed) = bill[&s.snapshot_id];
                        let mut m = Map::new();
                        m.insert("SnapshotId".into(), s.snapshot_id.clone().into());
                        m.insert("VolumeId".into(), s.volume_id.clone().into());
                        m.insert("StartTime".into(), s.start_time.iso().into());
                        m.insert("Blocks".into(), (blocks as i64).into());
                        m.insert("BilledBlocks".into(), (billed as i64).into());
                        m.insert("BilledBytes".into(), (billed as i64 * 512 * 1024).into());
                        m.into()
                    })
                    .collect();
                Ok(rows.into())
            })
        },
    );
}

fn check_range(v: &Volume, start: i64, count: i64, max: i64) -> Result<(), AwsError> {
    let blocks = v.spec.blocks() as i64;
    if start < 0 || count < 1 || count > max || start + count > blocks {
        return Err(bad(format!(
            "blocks {start}..{} are outside {} ({} blocks of 512 KiB; at most {max} per call)",
            start + count,
            v.volume_id,
            blocks
        )));
    }
    Ok(())
}

/// Writes `count` blocks from `start` of an attached volume, each a new version.
fn write(w: &mut World, id: &str, start: i64, count: i64, data: impl Fn(u64) -> Vec<u8>) -> Result<Dynamic, AwsError> {
    let first = w.ebs.next_block_version;
    let v = volume_mut(w, id)?;
    attached(v)?;
    check_range(v, start, count, 1_000_000)?;
    for (n, i) in (start as u64..(start + count) as u64).enumerate() {
        let version = first + n as u64 + 1;
        io::write_block(v, i, data(version), version);
    }
    w.ebs.next_block_version = first + count as u64;
    let mut m = Map::new();
    m.insert("VolumeId".into(), id.into());
    m.insert("BlocksWritten".into(), count.into());
    Ok(m.into())
}

/// `write_blocks(volume, start, count)`: `count` blocks of new data (each stands for 512 KiB
/// of fresh content, stored as a short token).
fn write_generated(h: &Handle, ctx: &NativeCallContext, id: &str, start: i64, count: i64) -> RhaiResult {
    h.with(ctx, |w| write(w, id, start, count, |version| format!("data v{version}").into_bytes()))
}

fn simulate(h: &Handle, ctx: &NativeCallContext, target: Dynamic, phases: rhai::Array, opts: Map) -> RhaiResult {
    h.with(ctx, |w| {
        let (model, balance, title) = sim_target(w, &target)?;
        let o = sim_options(&model, balance, &opts)?;
        let phases = render::parse_phases(&dynamic_to_json(&Dynamic::from_array(phases)), model.max_io_kib)?;
        run_sim(w, &model, &phases, &o, &title)
    })
}

fn start_workload(h: &Handle, ctx: &NativeCallContext, id: &str, phases: rhai::Array, opts: Map) -> RhaiResult {
    h.with(ctx, |w| {
        let v = volume(w, id)?;
        attached(v)?;
        let (model, balance, title) = sim_target(w, &Dynamic::from(id.to_string()))?;
        let o = sim_options(&model, balance, &opts)?;
        if opts.contains_key("StartBurstBalance") {
            return Err(bad("`StartBurstBalance` applies to ebs::simulate only: a running volume starts from its real balance"));
        }
        let phases = render::parse_phases(&dynamic_to_json(&Dynamic::from_array(phases)), model.max_io_kib)?;
        let all: Vec<_> = (0..o.repeat).flat_map(|_| phases.iter().copied()).collect();
        let now = w.now();
        io::schedule(volume_mut(w, id)?, now, &all);
        run_sim(w, &model, &all, &SimOptions { repeat: 1, ..o }, &title)
    })
}
