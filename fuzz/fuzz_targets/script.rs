//! `script`: arbitrary bytes as a Rhai cell, run by the kernel's own session (the full
//! stdlib, the kernel's limits) on an engine thread with the kernel's stack.
//!
//! Checks: no panic escapes a binding — the session turns a caught panic into an
//! `InternalError`, which this target treats as a crash; the session then still runs a
//! trivial cell. The operation limit is lowered to 200,000 so `loop {}` ends quickly.
#![no_main]

use std::sync::mpsc;
use std::sync::OnceLock;

use cloudbook_kernel::session::{Session, spawn_engine_thread};
use libfuzzer_sys::fuzz_target;

type Job = (String, mpsc::Sender<Option<String>>);

/// One session for the whole run (building the stdlib per input would dominate), on a
/// thread with the kernel's stack. Each input returns the `InternalError` text, if any.
fn engine() -> &'static std::sync::Mutex<mpsc::Sender<Job>> {
    static TX: OnceLock<std::sync::Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    TX.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        spawn_engine_thread("fuzz-engine", move || {
            let fresh = || {
                let mut s = Session::new();
                s.set_max_operations(200_000);
                s
            };
            let mut s = fresh();
            for (n, (code, reply)) in rx.into_iter().enumerate() {
                // a fresh world now and then, so state (and memory) does not pile up
                if n % 500 == 499 {
                    s = fresh();
                }
                let r = s.execute(&code, true, Box::new(|_| {}));
                let mut bad = r.error.filter(|e| e.ename == "InternalError").map(|e| e.traceback.join("\n"));
                if bad.is_none() {
                    let ok = s.execute("1 + 1", true, Box::new(|_| {}));
                    if ok.error.is_some() {
                        bad = Some(format!("the session no longer runs cells: {:?}", ok.error));
                    }
                }
                let _ = reply.send(bad);
            }
        });
        std::sync::Mutex::new(tx)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else { return };
    let (tx, rx) = mpsc::channel();
    engine().lock().unwrap().send((code.to_string(), tx)).unwrap();
    if let Some(bad) = rx.recv().expect("the engine thread died") {
        panic!("a panic escaped a binding:\n{bad}\n--- script ---\n{code}");
    }
});
