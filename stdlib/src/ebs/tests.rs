//! Script-level tests of the `ebs` module: the Rhai surface, run through an engine with
//! every module registered, against a fresh world.

use rhai::{Dynamic, Engine, Map};

use crate::script::convert::{as_aws_error, dynamic_to_json};
use crate::{Shared, World, new_shared, register_all};

fn engine() -> (Engine, Shared) {
    let shared = new_shared(World::default());
    let mut e = Engine::new();
    e.set_max_expr_depths(256, 256);
    register_all(&mut e, &shared);
    (e, shared)
}

fn run(e: &Engine, script: &str) -> Dynamic {
    e.eval::<Dynamic>(script).unwrap_or_else(|err| panic!("script failed: {err}\n{script}"))
}

fn exec(e: &Engine, script: &str) {
    let _ = run(e, script);
}

/// Runs `script`, which must throw an AWS error; returns (Code, Message).
fn err(e: &Engine, script: &str) -> (String, String) {
    let r = e.eval::<Dynamic>(script);
    match r {
        Ok(v) => panic!("expected an error, got {v:?}\n{script}"),
        Err(x) => as_aws_error(&x).unwrap_or_else(|| panic!("not an AWS error: {x}")),
    }
}

fn json(d: &Dynamic) -> serde_json::Value {
    dynamic_to_json(d)
}

/// A running m5.large in us-east-1a and an available 100 GiB gp2 volume there:
/// `let i = ...; let v = ...;` prefix for scripts.
const SETUP: &str = r#"
    let i = ebs::run_instances("m5.large", "us-east-1a").Instances[0].InstanceId;
    let v = ebs::create_volume("us-east-1a", 100, "gp2").VolumeId;
    ebs::wait("instance-running", i);
    ebs::wait("volume-available", v);
"#;

#[test]
fn create_volume_is_aws_shaped_and_becomes_available_on_the_clock() {
    let (e, shared) = engine();
    let r = json(&run(&e, r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 100 })"#));
    assert_eq!(r["VolumeType"], "gp2", "CreateVolume's VolumeType defaults to gp2");
    assert_eq!(r["Iops"], 300, "DescribeVolumes reports gp2's baseline IOPS");
    assert_eq!(r["State"], "creating");
    assert_eq!(r["Encrypted"], false);
    assert_eq!(r["CreateTime"], "2026-01-01T00:00:00Z");
    let id = r["VolumeId"].as_str().unwrap().to_string();
    assert!(id.starts_with("vol-") && id.len() == 21, "{id}");
    let t = run(&e, &format!(r#"ebs::wait("volume-available", "{id}")"#));
    assert_eq!(t.to_string(), "2026-01-01T00:00:05Z");
    let d = json(&run(&e, &format!(r#"ebs::describe_volumes("{id}")"#)));
    assert_eq!(d["Volumes"][0]["State"], "available");
    // One audit event per call, EC2's event source, the volume as its resource.
    let w = shared.lock();
    let ev = w.trail.iter().find(|e| e.event_name == "CreateVolume").expect("audited");
    assert_eq!(ev.event_source, "ec2.amazonaws.com");
    assert_eq!(ev.resources[0].arn, format!("arn:aws:ec2:us-east-1:111122223333:volume/{id}"));
    assert_eq!(ev.request_parameters.value()["availabilityZone"], "us-east-1a");
}

#[test]
fn bad_volume_requests_get_ec2_errors() {
    let (e, _) = engine();
    let cases = [
        (r#"ebs::create_volume("us-east-1a", 100, "bogus")"#, "InvalidParameterValue"),
        (r#"ebs::create_volume("us-east-1a", 20000, "gp2")"#, "InvalidParameterValue"),
        (r#"ebs::create_volume("us-east-1a", 100, "io1")"#, "InvalidParameterCombination"),
        (r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 100, Iops: 500 })"#, "InvalidParameterCombination"),
        (r#"ebs::create_volume("us-west-2a", 100, "gp2")"#, "InvalidParameterValue"),
        (r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a" })"#, "MissingParameter"),
        (r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 10, Sise: 5 })"#, "InvalidParameterValue"),
        (r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 10, VolumeType: "gp2", MultiAttachEnabled: true })"#, "InvalidParameterCombination"),
        (r#"ebs::describe_volumes("vol-0123456789abcdef0")"#, "InvalidVolume.NotFound"),
        (r#"ebs::describe_volumes("volume-1")"#, "InvalidVolumeID.Malformed"),
        (r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 10, DryRun: true })"#, "DryRunOperation"),
    ];
    for (script, code) in cases {
        assert_eq!(err(&e, script).0, code, "{script}");
    }
    assert_eq!(err(&e, r#"ebs::describe_volumes("vol-0123456789abcdef0")"#).1, "The volume 'vol-0123456789abcdef0' does not exist.");
    assert_eq!(err(&e, r#"ebs::create_volume("us-west-2a", 100, "gp2")"#).1, "Invalid availability zone: [us-west-2a]");
    // Nothing was created by the failed calls.
    assert_eq!(json(&run(&e, "ebs::describe_volumes()"))["Volumes"], serde_json::json!([]));
}

#[test]
fn attach_rules_state_zone_device_and_multi_attach() {
    let (e, shared) = engine();
    let s = format!(
        "{SETUP}
        let j = ebs::run_instances(\"m5.large\", \"us-east-1b\").Instances[0].InstanceId;
        let x = ebs::run_instances(\"c4.large\", \"us-east-1a\").Instances[0].InstanceId;
        ebs::wait(\"instance-running\", j); ebs::wait(\"instance-running\", x);
        let fresh = ebs::create_volume(\"us-east-1a\", 10, \"gp3\").VolumeId;
        let m = ebs::create_volume(#{{ AvailabilityZone: \"us-east-1a\", Size: 100, VolumeType: \"io2\", Iops: 1000, MultiAttachEnabled: true }}).VolumeId;
        [i, v, j, x, fresh, m]"
    );
    let ids: Vec<String> = run(&e, &s).cast::<rhai::Array>().into_iter().map(|d| d.to_string()).collect();
    let [i, v, j, x, fresh, m] = &ids[..] else { panic!() };
    let before = shared.lock().ebs.clone();
    // "IncorrectState: vol-deadbeef is not 'available'." for a volume still creating.
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{fresh}", "{i}", "/dev/sdf")"#)), ("IncorrectState".into(), format!("{fresh} is not 'available'.")));
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{v}", "{j}", "/dev/sdf")"#)).0, "InvalidVolume.ZoneMismatch");
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{v}", "{i}", "sdf")"#)).0, "InvalidParameterValue");
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{v}", "{i}", "/dev/xvda")"#)).1, "Invalid value '/dev/xvda' for unixDevice. Attachment point /dev/xvda is already in use");
    assert_eq!(shared.lock().ebs, before, "failed attaches change nothing");
    let a = json(&run(&e, &format!(r#"ebs::attach_volume("{v}", "{i}", "/dev/sdf")"#)));
    assert_eq!(a["State"], "attaching");
    assert_eq!(run(&e, &format!(r#"ebs::wait("volume-in-use", "{v}"); ebs::describe_volumes("{v}").Volumes[0].Attachments[0].State"#)).to_string(), "attached");
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{v}", "{x}", "/dev/sdg")"#)), ("VolumeInUse".into(), format!("{v} is already attached to an instance")));
    assert_eq!(err(&e, &format!(r#"ebs::delete_volume("{v}")"#)), ("VolumeInUse".into(), format!("Volume {v} is currently attached to {i}")));
    // Multi-Attach: io2 on two Nitro instances; not on a Xen (c4) instance.
    exec(&e, &format!(r#"ebs::wait("volume-available", "{m}"); ebs::attach_volume("{m}", "{i}", "/dev/sdh")"#));
    assert_eq!(err(&e, &format!(r#"ebs::attach_volume("{m}", "{x}", "/dev/sdh")"#)).0, "UnsupportedOperation");
    exec(&e, &format!(
        r#"let k = ebs::run_instances("m6i.large", "us-east-1a").Instances[0].InstanceId; ebs::wait("instance-running", k); ebs::attach_volume("{m}", k, "/dev/sdh")"#
    ));
    assert_eq!(json(&run(&e, &format!(r#"ebs::describe_volumes("{m}")"#)))["Volumes"][0]["Attachments"].as_array().unwrap().len(), 2);
    // Detach, then delete: deleting, then gone.
    exec(&e, &format!(r#"ebs::detach_volume("{v}"); ebs::wait("volume-available", "{v}"); ebs::delete_volume("{v}"); ebs::wait("volume-deleted", "{v}")"#));
    assert_eq!(err(&e, &format!(r#"ebs::describe_volumes("{v}")"#)).0, "InvalidVolume.NotFound");
    assert_eq!(err(&e, &format!(r#"ebs::detach_volume("{fresh}")"#)).0, "InvalidAttachment.NotFound");
}

#[test]
fn terminating_an_instance_deletes_its_root_volume_and_frees_others() {
    let (e, _) = engine();
    let r = json(&run(&e, &format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        let root = ebs::describe_instances(#{{ InstanceIds: [i] }}).Reservations[0].Instances[0].BlockDeviceMappings.filter(|m| m.DeviceName == "/dev/xvda")[0].Ebs.VolumeId;
        ebs::terminate_instances(#{{ InstanceIds: [i] }});
        ebs::wait("instance-terminated", i);
        ebs::wait("volume-deleted", root);
        #{{ v: ebs::describe_volumes(v).Volumes[0].State, n: ebs::describe_volumes().Volumes.len() }}"#
    )));
    assert_eq!(r["v"], "available");
    assert_eq!(r["n"], 1);
}

#[test]
fn modify_volume_goes_through_optimizing_and_is_rate_limited() {
    let (e, _) = engine();
    let r = json(&run(&e, &format!(
        r#"{SETUP}
        let m = ebs::modify_volume(#{{ VolumeId: v, VolumeType: "gp3" }}).VolumeModification;
        let during = ebs::describe_volumes(v).Volumes[0].VolumeType;
        ebs::wait("volume-modification-completed", v);
        let after = ebs::describe_volumes(v).Volumes[0];
        #{{ m: m, during: during, after: after }}"#
    )));
    assert_eq!(r["m"]["ModificationState"], "modifying");
    assert_eq!((r["m"]["OriginalVolumeType"].as_str(), r["m"]["TargetVolumeType"].as_str()), (Some("gp2"), Some("gp3")));
    // Switching to gp3 without Iops/Throughput gives 3,000 IOPS and 125 MiB/s.
    assert_eq!((r["m"]["TargetIops"].as_i64(), r["m"]["TargetThroughput"].as_i64()), (Some(3000), Some(125)));
    assert_eq!(r["during"], "gp2");
    assert_eq!((r["after"]["VolumeType"].as_str(), r["after"]["Iops"].as_i64()), (Some("gp3"), Some(3000)));
    let v = run(&e, r#"ebs::describe_volumes().Volumes.filter(|x| x.Size == 100)[0].VolumeId"#).to_string();
    let (code, msg) = err(&e, &format!(r#"ebs::modify_volume(#{{ VolumeId: "{v}", Size: 50 }})"#));
    assert_eq!(code, "InvalidParameterValue", "{msg}");
    let (code, _) = err(&e, &format!(r#"ebs::modify_volume(#{{ VolumeId: "{v}", VolumeType: "gp3" }})"#));
    assert_eq!(code, "InvalidParameterCombination", "no change");
    // One at a time ("you must wait for that modification to reach the completed state"),
    // and at most four in a rolling 24 hours.
    let modify = |size: i64| format!(r#"ebs::modify_volume(#{{ VolumeId: "{v}", Size: {size} }})"#);
    exec(&e, &modify(101));
    assert_eq!(err(&e, &modify(102)).0, "IncorrectModificationState");
    for size in [102, 103] {
        exec(&e, &format!(r#"ebs::wait("volume-modification-completed", "{v}"); {}"#, modify(size)));
    }
    exec(&e, &format!(r#"ebs::wait("volume-modification-completed", "{v}")"#));
    assert_eq!(err(&e, &modify(104)).0, "VolumeModificationRateExceeded");
    // A day after the first modification, a slot frees up.
    exec(&e, &format!(r#"clock::advance("1d"); {}"#, modify(104)));
}

#[test]
fn snapshots_are_incremental_restores_lazy_and_copies_regional() {
    let (e, _) = engine();
    let r = json(&run(&e, &format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        ebs::write_blocks(v, 0, 10);                    // 10 blocks of data
        let s1 = ebs::create_snapshot(v).SnapshotId;
        ebs::wait("snapshot-completed", s1);
        ebs::write_blocks(v, 2, 4);                     // change 4 of them
        ebs::write_blocks(v, 7, "hello");               // and one more
        let s2 = ebs::create_snapshot(v).SnapshotId;
        ebs::wait("snapshot-completed", s2);
        let storage = ebs::snapshot_storage();
        let changed = ebs::list_changed_blocks(#{{ FirstSnapshotId: s1, SecondSnapshotId: s2 }}).ChangedBlocks;
        ebs::delete_snapshot(s1);
        let after_delete = ebs::snapshot_storage();
        let r = ebs::create_volume(#{{ AvailabilityZone: "us-east-1b", SnapshotId: s2 }}).VolumeId;
        let j = ebs::run_instances("m5.large", "us-east-1b").Instances[0].InstanceId;
        ebs::wait("instance-running", j); ebs::wait("volume-available", r);
        ebs::attach_volume(r, j, "/dev/sdf"); ebs::wait("volume-in-use", r);
        let first = ebs::read_blocks(r, 0, 10);
        let second = ebs::read_blocks(r, 0, 10);
        let c = ebs::copy_snapshot(s2, "us-west-2").SnapshotId;
        let west = as_principal(#{{ Region: "us-west-2" }}, || ebs::describe_snapshots(c).Snapshots[0]);
        #{{ storage: storage, changed: changed, after_delete: after_delete, restored: ebs::describe_volumes(r).Volumes[0],
           first: first.LazyLoadedBlocks, second: second.LazyLoadedBlocks, hello: first.Blocks[7].Data.as_string(),
           source7: first.Blocks[7].Source, west: west, here: ebs::describe_snapshots(#{{ SnapshotIds: [s2] }}).Snapshots.len() }}"#
    )));
    // First snapshot stores its 10 blocks; the second only the 5 that changed.
    let billed: Vec<i64> = r["storage"].as_array().unwrap().iter().map(|x| x["BilledBlocks"].as_i64().unwrap()).collect();
    assert_eq!(billed, vec![10, 5]);
    assert_eq!(r["changed"].as_array().unwrap().iter().map(|b| b["BlockIndex"].as_i64().unwrap()).collect::<Vec<_>>(), vec![2, 3, 4, 5, 7]);
    // Deleting the first keeps what the second needs: all 10 blocks are now billed to it.
    assert_eq!(r["after_delete"][0]["BilledBlocks"], 10);
    assert_eq!(r["after_delete"][0]["Blocks"], 10);
    // Restored in another AZ, lazily: first reads come from S3, second reads do not.
    assert_eq!(r["restored"]["FastRestored"], false);
    assert_eq!(r["restored"]["Size"], 100);
    assert_eq!((r["first"].as_i64(), r["second"].as_i64()), (Some(10), Some(0)));
    assert_eq!(r["hello"], "hello");
    assert_eq!(r["source7"], "snapshot (first read, lazy-loaded from S3)");
    assert_eq!(r["west"]["State"], "pending");
    assert_eq!(r["west"]["VolumeSize"], 100);
    assert_eq!(r["here"], 1);
}

#[test]
fn fast_snapshot_restore_initializes_restores_while_credits_last() {
    let (e, _) = engine();
    // AZs are validated for the whole request first.
    let (code, _) = err(&e, r#"ebs::enable_fast_snapshot_restores(#{ AvailabilityZones: ["us-east-1z"], SourceSnapshotIds: ["snap-0123456789abcdef0"] })"#);
    assert_eq!(code, "InvalidParameterValue");
    let (e2, _) = engine();
    let r2 = json(&run(&e2, &format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        ebs::write_blocks(v, 0, 3);
        let s = ebs::create_snapshot(v).SnapshotId; ebs::wait("snapshot-completed", s);
        let en = ebs::enable_fast_snapshot_restores(#{{ AvailabilityZones: ["us-east-1a"], SourceSnapshotIds: [s, "snap-0123456789abcdef0"] }});
        let early = ebs::create_volume(#{{ AvailabilityZone: "us-east-1a", SnapshotId: s }}).FastRestored;
        clock::advance("2h");
        let d = ebs::describe_fast_snapshot_restores().FastSnapshotRestores[0];
        let vols = [];
        for n in 0..12 {{ vols.push(ebs::create_volume(#{{ AvailabilityZone: "us-east-1a", SnapshotId: s }}).FastRestored); }}
        #{{ en: en, early: early, d: d, vols: vols }}"#
    )));
    assert_eq!(r2["en"]["Successful"][0]["State"], "optimizing");
    assert_eq!(r2["en"]["Unsuccessful"][0]["FastSnapshotRestoreStateErrors"][0]["Error"]["Code"], "InvalidSnapshot.NotFound");
    assert_eq!(r2["early"], false, "optimizing is not yet enabled");
    assert_eq!(r2["d"]["State"], "enabled");
    // A 100 GiB snapshot: bucket of MIN(10, 1024/100) = 10 credits, starting empty and
    // filling at 10.24 → 10 credits per hour: full after an hour. Ten fast restores, then lazy.
    assert_eq!(r2["d"]["CreditsBalance"], 10.0);
    let fast: Vec<bool> = r2["vols"].as_array().unwrap().iter().map(|b| b.as_bool().unwrap()).collect();
    assert_eq!(fast, [vec![true; 10], vec![false; 2]].concat());
    assert_eq!(super::ops::fsr_bucket(128), (8.0, 8.0), "AWS's example: 128 GiB fills 8 credits per hour, holds 8");
    assert_eq!(super::ops::fsr_bucket(4096), (0.25, 1.0), "AWS's example: a 4 TiB snapshot holds 1 credit");
}

#[test]
fn burst_table_and_simulation_from_a_script() {
    let (e, _) = engine();
    let r = json(&run(&e, r#"
        let rows = [];
        for size in [1, 33, 100, 334, 750, 1000, 5334] {
            let b = ebs::burst_duration(#{ VolumeType: "gp2", Size: size });
            rows.push([size, b.BaselineIops, b.BurstSeconds, b.RefillSeconds]);
        }
        let sim = ebs::simulate(#{ VolumeType: "gp2", Size: 100 }, [#{ Duration: "1h", Iops: 3000 }, #{ Duration: "23h" }], #{ Repeat: 2 });
        let gp3 = ebs::simulate(#{ VolumeType: "gp3", Size: 100 }, [#{ Duration: "1h", Iops: 3000 }]);
        #{ rows: rows, summary: sim.Summary, n: sim.Timeline.len(), chart: type_of(sim.Chart), gp3: gp3.Summary }
    "#));
    // AWS's gp2 table rows.
    assert_eq!(
        r["rows"],
        serde_json::json!([
            [1, 100, 1862, 54000],
            [33, 100, 1862, 54000],
            [100, 300, 2000, 18000],
            [334, 1002, 2703, 5389],
            [750, 2250, 7200, 2400],
            [1000, 3000, null, null],
            [5334, 16000, null, null]
        ])
    );
    assert_eq!(r["summary"]["CreditsExhaustedAfterSeconds"], 2000);
    assert_eq!(r["summary"]["RefilledAfterSeconds"], 21600);
    assert_eq!(r["summary"]["ThrottledSeconds"], 3200, "1,600 s throttled each night");
    assert_eq!(r["summary"]["FinalBurstBalance"], 100);
    assert_eq!(r["n"], 9, "four changes a day plus the end row");
    assert!(r["chart"].as_str().unwrap().ends_with("Chart"), "{}", r["chart"]);
    assert_eq!(r["gp3"]["CreditsExhaustedAfterSeconds"], serde_json::Value::Null);
    assert_eq!(r["gp3"]["ThrottledSeconds"], 0.0);
    assert_eq!(err(&e, r#"ebs::simulate(#{ VolumeType: "gp2", Size: 100 }, [#{ Duration: "1h", Iopz: 5 }])"#).0, "InvalidParameterValue");
    assert_eq!(err(&e, r#"ebs::burst_duration(#{ VolumeType: "gp2", Size: 20000 })"#).0, "InvalidParameterValue");
    // A year of alternating one-second phases: too detailed for a timeline, fine as a summary.
    let year = r#"let p = [#{ Duration: 1, Iops: 3000 }, #{ Duration: 1, Iops: 100 }];"#;
    let (code, msg) = err(&e, &format!(r#"{year} ebs::simulate(#{{ VolumeType: "gp2", Size: 100 }}, p, #{{ Repeat: 200000 }})"#));
    assert_eq!(code, "InvalidParameterValue");
    assert!(msg.contains("Timeline: false"), "{msg}");
    let r = json(&run(&e, &format!(r#"{year} ebs::simulate(#{{ VolumeType: "gp2", Size: 100 }}, p, #{{ Repeat: 200000, Timeline: false }})"#)));
    assert_eq!(r["Timeline"], serde_json::Value::Null);
    assert_eq!(r["Summary"]["SimulatedSeconds"], 400_000.0);
    // Each 2 s pair earns 600 credits and spends 3,100 (net −2,500);
    // after 2,159 pairs 2,500 credits remain, gone 2,500 / 2,700 s into the next burst second.
    assert_eq!(r["Summary"]["CreditsExhaustedAfterSeconds"], 4318.0 + 0.926);
}

#[test]
fn a_running_workload_drains_the_bucket_and_cloudwatch_shows_it() {
    let (e, _) = engine();
    let r = json(&run(&e, &format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        let t0 = clock::now();
        ebs::start_workload(v, [#{{ Duration: "1h", Iops: 3000 }}, #{{ Duration: "23h" }}], #{{ Repeat: 2 }});
        clock::advance("40m");
        let mid = ebs::burst_balance(v);
        clock::advance("2d");
        let bb = ebs::get_metric_data(v, "BurstBalance", t0, clock::now(), 3600);
        let ops = ebs::get_metric_data(v, "VolumeReadOps", t0, clock::now(), 3600);
        #{{ mid: mid, bb: bb, ops: ops, now: ebs::burst_balance(v) }}"#
    )));
    // 40 minutes in: empty since 2,000 s (33m20s).
    assert_eq!(r["mid"], 0.0);
    let bb = r["bb"].as_array().unwrap();
    // 2 days and 40 minutes of hourly periods.
    assert_eq!(bb.len(), 49);
    // Drained in the first hour, refilled from empty in 18,000 s after it: full from hour 6.
    assert!(bb[5]["Value"].as_f64().unwrap() < 100.0);
    assert_eq!(bb[6]["Value"], 100.0);
    // Hour 1: from 100 % down to 0 at 33m20s; hour 2: refilling 0 → 20 %, averaging 10 %.
    assert!(bb[0]["Value"].as_f64().unwrap() < 50.0);
    assert_eq!(bb[1]["Value"], 10.0);
    assert_eq!(r["ops"][0]["Value"], 2000.0 * 3000.0 + 1600.0 * 300.0);
    assert_eq!(r["ops"][2]["Value"], 0.0);
    assert_eq!(r["now"], 100.0);
    let (code, _) = err(&e, r#"let v = ebs::create_volume("us-east-1a", 10, "gp2").VolumeId; ebs::wait("volume-available", v); ebs::start_workload(v, [#{ Duration: "1h", Iops: 10 }])"#);
    assert_eq!(code, "IncorrectState", "I/O needs an attached volume");
}

#[test]
fn save_and_load_keep_every_ebs_resource() {
    let (e, shared) = engine();
    exec(&e, &format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        ebs::write_blocks(v, 0, "data"); let s = ebs::create_snapshot(v).SnapshotId;
        ebs::start_workload(v, [#{{ Duration: "1h", Iops: 2000 }}]);
        ebs::modify_volume(#{{ VolumeId: v, Size: 200 }});
        ebs::enable_fast_snapshot_restores(#{{ AvailabilityZones: ["us-east-1a"], SourceSnapshotIds: [s] }});
        clock::advance("10m");"#
    ));
    let w = shared.lock();
    let saved = w.save();
    let mut back = World::default();
    back.load(saved.clone()).unwrap();
    assert_eq!(back.ebs, w.ebs);
    assert_eq!(back.save(), saved);
    assert!(!back.ebs.region("111122223333", "us-east-1").unwrap().volumes.is_empty());
}

#[test]
fn same_script_same_output_byte_for_byte() {
    let script = format!(
        r#"{SETUP}
        ebs::attach_volume(v, i, "/dev/sdf"); ebs::wait("volume-in-use", v);
        ebs::write_blocks(v, 0, 5); let s = ebs::create_snapshot(v);
        let sim = ebs::simulate(v, [#{{ Duration: "2h", Iops: 2500 }}]);
        #{{ s: s, v: ebs::describe_volumes(), t: sim.Timeline, trail: world::trail().len() }}"#
    );
    let out = || {
        let (e, _) = engine();
        serde_json::to_string(&json(&run(&e, &script))).unwrap()
    };
    assert_eq!(out(), out());
}

#[test]
fn every_operation_is_documented_and_registered() {
    let (e, _) = engine();
    let mut ops = Map::new();
    for name in [
        "create_volume", "describe_volumes", "delete_volume", "attach_volume", "detach_volume", "modify_volume",
        "describe_volumes_modifications", "create_snapshot", "describe_snapshots", "delete_snapshot", "copy_snapshot",
        "enable_fast_snapshot_restores", "disable_fast_snapshot_restores", "describe_fast_snapshot_restores",
        "enable_ebs_encryption_by_default", "disable_ebs_encryption_by_default", "get_ebs_encryption_by_default",
        "get_ebs_default_kms_key_id", "run_instances", "describe_instances", "terminate_instances",
        "list_snapshot_blocks", "list_changed_blocks", "get_metric_statistics",
    ] {
        ops.insert(name.into(), Dynamic::TRUE);
    }
    let sigs: Vec<String> = e.gen_fn_signatures(true);
    for name in ops.keys() {
        assert!(sigs.iter().any(|s| s.contains(&format!("ebs::{name}("))), "{name} missing from {sigs:?}");
    }
    let r = json(&run(&e, "ebs::enable_ebs_encryption_by_default(); ebs::get_ebs_encryption_by_default()"));
    assert_eq!(r["EbsEncryptionByDefault"], true);
    assert_eq!(json(&run(&e, "ebs::get_ebs_default_kms_key_id()"))["KmsKeyId"], "arn:aws:kms:us-east-1:111122223333:alias/aws/ebs");
}

#[test]
fn iam_policies_decide_who_may_use_ebs() {
    let (e, shared) = engine();
    exec(&e, r#"
        iam::create_user("alice");
        iam::put_user_policy(#{ UserName: "alice", PolicyName: "ebs", PolicyDocument: `{
            "Version": "2012-10-17",
            "Statement": [
                { "Effect": "Allow", "Action": ["ec2:CreateVolume", "ec2:DescribeVolumes", "ec2:DeleteVolume"], "Resource": "*" },
                { "Effect": "Deny", "Action": "ec2:DeleteVolume", "Resource": "*", "Condition": { "StringEquals": { "aws:RequestedRegion": "us-east-1" } } }
            ]
        }` });
        iam::create_user("bob");
    "#);
    let v = run(&e, r#"as_principal("alice", || ebs::create_volume("us-east-1a", 10, "gp3")).VolumeId"#).to_string();
    let (code, msg) = err(&e, r#"as_principal("bob", || ebs::create_volume("us-east-1a", 10, "gp3"))"#);
    assert_eq!(code, "UnauthorizedOperation");
    assert_eq!(
        msg,
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: ec2:CreateVolume on resource: arn:aws:ec2:us-east-1:111122223333:volume/* because no identity-based policy allows the ec2:CreateVolume action"
    );
    let (code, msg) = err(&e, &format!(r#"ebs::wait("volume-available", "{v}"); as_principal("alice", || ebs::delete_volume("{v}"))"#));
    assert_eq!(code, "UnauthorizedOperation");
    assert!(msg.contains("ec2:DeleteVolume") && msg.ends_with("with an explicit deny in an identity-based policy"), "{msg}");
    // The denied call is audited with its error, and changed nothing.
    let w = shared.lock();
    let ev = w.trail.iter().rev().find(|e| e.event_name == "DeleteVolume").expect("audited");
    assert_eq!(ev.error_code.as_deref(), Some("UnauthorizedOperation"));
    assert!(w.ebs.region("111122223333", "us-east-1").unwrap().volumes[&v].state == super::model::VolumeState::Available);
}

/// The code cells of a committed notebook, in order.
fn notebook_cells(name: &str) -> Vec<String> {
    let path = format!("{}/../notebooks/{name}", env!("CARGO_MANIFEST_DIR"));
    let nb: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    nb["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| c["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect())
        .collect()
}

/// Runs a notebook's cells in one session (one scope), returning each cell's value.
fn run_notebook(name: &str) -> Vec<serde_json::Value> {
    let (e, _) = engine();
    let mut scope = rhai::Scope::new();
    notebook_cells(name)
        .iter()
        .map(|src| {
            let v = e.eval_with_scope::<Dynamic>(&mut scope, src).unwrap_or_else(|err| panic!("{name}: cell failed: {err}\n{src}"));
            json(&v)
        })
        .collect()
}

#[test]
fn burst_credits_notebook_runs_and_says_what_its_text_says() {
    let out = run_notebook("ebs-gp2-burst-credits.ipynb");
    let table = out[0].as_array().unwrap();
    assert_eq!(table[2]["Burst duration at 3,000 IOPS (s)"], 2000.0);
    assert_eq!(table[3]["Time to refill empty bucket (s)"], 5389.0);
    assert_eq!(out[1]["CreditsExhaustedAfterSeconds"], 2000.0);
    assert_eq!(out[1]["ThrottledSeconds"], 3.0 * 1600.0);
    assert_eq!(out[4]["ThrottledSeconds"], 5200.0, "the 2-hour job");
    assert_eq!(out[5]["ThrottledSeconds"], 0.0, "gp3");
    let bb = out[8].as_array().unwrap();
    assert_eq!(bb.len(), 24);
    assert!((bb[0]["Value"].as_f64().unwrap() - 27.778).abs() < 0.001);
    assert!(bb[5]["Value"].as_f64().unwrap() < 100.0 && bb[6]["Value"] == 100.0);
    assert_eq!(out[9][0]["Value"], 6_480_000.0);
}

#[test]
fn snapshots_notebook_runs_and_says_what_its_text_says() {
    let out = run_notebook("ebs-snapshots.ipynb");
    let billed = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|r| (r["Blocks"].as_i64().unwrap(), r["BilledBlocks"].as_i64().unwrap())).collect::<Vec<_>>();
    assert_eq!(billed(&out[1]), vec![(1001, 1001), (1001, 50)]);
    assert_eq!(out[2]["Changed"], 50);
    assert_eq!(billed(&out[3]), vec![(1001, 1001)]);
    assert_eq!((out[4]["FirstRead"].as_i64(), out[4]["SecondRead"].as_i64()), (Some(3), Some(0)));
    assert_eq!(out[4]["Config"], "config v2");
    assert_eq!(out[7]["FastRestored"], true);
    assert_eq!(out[7]["Credits"], 9.0);
    assert_eq!(out[8]["State"], "completed");
}

#[test]
fn encrypted_volumes_use_kms_and_a_disabled_key_blocks_attach() {
    let (e, shared) = engine();
    let r = json(&run(&e, &format!(
        r#"{SETUP}
        let d = ebs::create_volume(#{{ AvailabilityZone: "us-east-1a", Size: 10, Encrypted: true }});
        let k = kms::create_key("ebs data").KeyMetadata.Arn;
        let c = ebs::create_volume(#{{ AvailabilityZone: "us-east-1a", Size: 10, Encrypted: true, KmsKeyId: k }}).VolumeId;
        ebs::wait("volume-available", c);
        ebs::attach_volume(c, i, "/dev/sdf"); ebs::wait("volume-in-use", c);
        ebs::write_blocks(c, 0, "secret");
        let s = ebs::create_snapshot(c); ebs::wait("snapshot-completed", s.SnapshotId);
        let restored = ebs::create_volume(#{{ AvailabilityZone: "us-east-1a", SnapshotId: s.SnapshotId }});
        ebs::detach_volume(c); ebs::wait("volume-available", c);
        kms::disable_key(k);
        let denied = "";
        try {{ ebs::attach_volume(c, i, "/dev/sdg"); }} catch (err) {{ denied = err.Code; }}
        kms::enable_key(k);
        ebs::attach_volume(c, i, "/dev/sdg");
        let copy = ebs::copy_snapshot(s.SnapshotId, "us-west-2").SnapshotId;
        let west = as_principal(#{{ Region: "us-west-2" }}, || ebs::describe_snapshots(copy).Snapshots[0]);
        #{{ d: d, k: k, s: s, restored: restored, denied: denied, west: west }}"#
    )));
    // Default key: the AWS managed alias/aws/ebs key, created on first use.
    assert_eq!(r["d"]["Encrypted"], true);
    let managed = r["d"]["KmsKeyId"].as_str().unwrap();
    assert!(managed.starts_with("arn:aws:kms:us-east-1:111122223333:key/"), "{managed}");
    assert_ne!(managed, r["k"].as_str().unwrap());
    // Snapshots of encrypted volumes are encrypted with the same key; so are their restores.
    assert_eq!((r["s"]["Encrypted"].as_bool(), r["s"]["KmsKeyId"].as_str()), (Some(true), r["k"].as_str()));
    assert_eq!(r["restored"]["Encrypted"], true);
    // A disabled key: attach fails with KMS's error.
    assert_eq!(r["denied"], "DisabledException");
    // A copy to another region is encrypted under that region's key.
    assert!(r["west"]["KmsKeyId"].as_str().unwrap().starts_with("arn:aws:kms:us-west-2:"), "{}", r["west"]);
    // EC2 calls KMS on the caller's behalf: audited as KMS events invoked by EC2.
    let w = shared.lock();
    let generated = w.trail.iter().find(|e| e.event_name == "GenerateDataKeyWithoutPlaintext").expect("audited");
    assert_eq!(generated.event_source, "kms.amazonaws.com");
    assert_eq!(generated.user_identity.invoked_by.as_deref(), Some("ec2.amazonaws.com"));
    assert!(w.trail.iter().any(|e| e.event_name == "Decrypt" && e.error_code.as_deref() == Some("DisabledException")));
}

#[test]
fn encryption_by_default_and_the_default_key() {
    let (e, _) = engine();
    let r = json(&run(&e, r#"
        ebs::enable_ebs_encryption_by_default();
        let a = ebs::create_volume("us-east-1a", 10, "gp3");
        let k = kms::create_key("team key").KeyMetadata.KeyId;
        let set = ebs::modify_ebs_default_kms_key_id(#{ KmsKeyId: k }).KmsKeyId;
        let b = ebs::create_volume("us-east-1a", 10, "gp3");
        #{ a: a, set: set, b: b }
    "#));
    assert_eq!(r["a"]["Encrypted"], true);
    assert_eq!(r["set"], r["b"]["KmsKeyId"]);
    assert!(r["set"].as_str().unwrap().starts_with("arn:aws:kms:us-east-1:111122223333:key/"));
    assert_eq!(err(&e, r#"ebs::create_volume(#{ AvailabilityZone: "us-east-1a", Size: 10, KmsKeyId: "alias/x" })"#).0, "InvalidParameterDependency");
    assert_eq!(err(&e, r#"ebs::modify_ebs_default_kms_key_id(#{ KmsKeyId: "alias/nope" })"#).0, "NotFoundException");
}

#[test]
fn instances_launched_by_the_vpc_module_take_volumes_too() {
    let (e, shared) = engine();
    let r = json(&run(&e, r#"
        let net = vpc::create_vpc(#{ CidrBlock: "10.0.0.0/16" }).Vpc.VpcId;
        let s = vpc::create_subnet(#{ VpcId: net, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1b" }).Subnet.SubnetId;
        let g = vpc::create_security_group(#{ GroupName: "app", Description: "app", VpcId: net }).GroupId;
        let i = vpc::run_instances(s, [g]).Instances[0].InstanceId;
        let far = ebs::create_volume("us-east-1a", 10, "gp3").VolumeId;
        let near = ebs::create_volume("us-east-1b", 10, "gp3").VolumeId;
        ebs::wait("volume-available", far);
        ebs::wait("volume-available", near);
        let mismatch = "";
        try { ebs::attach_volume(far, i, "/dev/sdf"); } catch (err) { mismatch = err.Code; }
        #{ mismatch: mismatch, i: i, near: near }
    "#));
    assert_eq!(r["mismatch"], "InvalidVolume.ZoneMismatch");
    // A failed attach records nothing: the vpc instance is not copied into EBS's state.
    let count = |s: &Shared| s.lock().ebs.region("111122223333", "us-east-1").map_or(0, |st| st.instances.len());
    assert_eq!(count(&shared), 0);
    let a = json(&run(&e, &format!(r#"ebs::attach_volume("{}", "{}", "/dev/sdf")"#, r["near"].as_str().unwrap(), r["i"].as_str().unwrap())));
    assert_eq!((a["State"].as_str(), a["InstanceId"].as_str()), (Some("attaching"), r["i"].as_str()));
    assert_eq!(count(&shared), 1);
}
