//! EBS workload simulation speed: the event-driven simulator over a year of phases, natively
//! and from a script cell, against the naive per-second loop it replaces.
//!
//! Run: `cargo bench -p cloudbook-bench --bench ebs`

use std::time::{Duration, Instant};

use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::ebs::model::{VolumeSpec, VolumeType};
use cloudbook_stdlib::ebs::perf::{self, Demand, GP2_CREDIT_CAPACITY, PerfModel};

fn main() {
    let gp2 = PerfModel::of(&VolumeSpec { volume_type: VolumeType::Gp2, size: 100, iops: None, throughput: None });
    let never = || false;
    let busy = |iops: f64| Demand { iops, ..Demand::IDLE };

    // 1. A year of hourly phases (8,760), demand varying every hour: a worst case for merging.
    let hourly: Vec<(f64, Demand)> = (0..8760).map(|h| (3600.0, busy([0.0, 250.0, 3000.0, 1200.0, 5000.0][h % 5]))).collect();
    let (n, d) = run_for(Duration::from_secs(2), || {
        let out = perf::simulate(&gp2, GP2_CREDIT_CAPACITY, hourly.iter().copied(), &never).unwrap();
        std::hint::black_box(out.segments.len());
    });
    report("ebs_sim_year_hourly_phases_ms", 1000.0 / rate(n, d), "ms per simulation (8,760 phases, 1 year)");

    // 2. A year of a nightly batch job: 1 h at 3,000 IOPS, 23 h idle, 365 times.
    let nightly: Vec<(f64, Demand)> = (0..365).flat_map(|_| [(3600.0, busy(3000.0)), (82_800.0, Demand::IDLE)]).collect();
    let (n, d) = run_for(Duration::from_secs(2), || {
        let out = perf::simulate(&gp2, GP2_CREDIT_CAPACITY, nightly.iter().copied(), &never).unwrap();
        std::hint::black_box(out.segments.len());
    });
    report("ebs_sim_year_nightly_ms", 1000.0 / rate(n, d), "ms per simulation (730 phases, 1 year)");

    // 3. A year of one-second phases (31,536,000 phases, demand changing every second), summary
    // only: 31.5 million distinct rows could not be a timeline anyway.
    let t = Instant::now();
    let secs = 365 * 86_400usize;
    let phases = (0..secs).map(|s| (1.0, busy(if s % 2 == 0 { 3000.0 } else { 100.0 })));
    let out = perf::simulate_limited(&gp2, GP2_CREDIT_CAPACITY, phases, 0, &never).unwrap();
    std::hint::black_box(out.final_balance);
    report("ebs_sim_year_one_second_phases_summary_ms", t.elapsed().as_secs_f64() * 1000.0, "ms (31,536,000 distinct one-second phases, summary only)");

    // 4. The naive per-second loop over the same hourly year, for comparison.
    let hourly_u: Vec<(u64, Demand)> = hourly.iter().map(|(s, d)| (*s as u64, *d)).collect();
    let t = Instant::now();
    let r = perf::reference_per_second(&gp2, GP2_CREDIT_CAPACITY, &hourly_u);
    std::hint::black_box(r);
    report("ebs_per_second_loop_year_ms", t.elapsed().as_secs_f64() * 1000.0, "ms (31,536,000 steps, the loop the simulator replaces)");

    // 5. From a script cell: ebs::simulate with a year of nightly phases, timeline and chart included.
    let shared = cloudbook_stdlib::new_shared(cloudbook_stdlib::World::default());
    let mut engine = rhai::Engine::new();
    cloudbook_stdlib::register_all(&mut engine, &shared);
    let ast = engine
        .compile(r#"ebs::simulate(#{ VolumeType: "gp2", Size: 100 }, [#{ Duration: "1h", Iops: 3000 }, #{ Duration: "23h" }], #{ Repeat: 365 }).Timeline.len()"#)
        .unwrap();
    let (n, d) = run_for(Duration::from_secs(2), || {
        let rows: i64 = engine.eval_ast(&ast).unwrap();
        std::hint::black_box(rows);
    });
    report("ebs_script_simulate_year_nightly_ms", 1000.0 / rate(n, d), "ms per ebs::simulate call from a cell (1 year, 1,461 timeline rows)");
}
