//! Shared helpers for the benchmarks in `benches/`.

use std::time::{Duration, Instant};

/// Runs `f` repeatedly for about `budget` and returns (iterations, elapsed).
pub fn run_for(budget: Duration, mut f: impl FnMut()) -> (u64, Duration) {
    // Warm up.
    for _ in 0..10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    let mut batch = 1u64;
    while start.elapsed() < budget {
        for _ in 0..batch {
            f();
        }
        n += batch;
        batch = (batch * 2).min(1 << 16);
    }
    (n, start.elapsed())
}

/// Operations per second.
pub fn rate(n: u64, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

/// Prints one figure as `name: value unit` and as a JSON line for scripts to collect.
pub fn report(name: &str, value: f64, unit: &str) {
    println!("{name}: {value:.1} {unit}");
    println!("BENCH_JSON {}", serde_json::json!({ "name": name, "value": value, "unit": unit }));
}
