//! Helpers for script-level tests: run a script against a fresh world with every module.

use rhai::{Dynamic, EvalAltResult, Map};

use crate::script::convert::as_aws_error;

pub fn run(src: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let (e, _) = crate::script::engine();
    e.eval::<Dynamic>(src)
}

#[track_caller]
pub fn ok(src: &str) -> Dynamic {
    run(src).unwrap_or_else(|e| panic!("script failed: {e}\n{src}"))
}

/// Runs a script against a fresh world whose audit trail keeps only `capacity` events: what
/// must not depend on old events (IAM's last-used data, S3 access logs) is tested with it.
#[track_caller]
pub fn ok_with_trail(src: &str, capacity: usize) -> Dynamic {
    let (e, shared) = crate::script::engine();
    shared.lock().trail.set_capacity(capacity);
    e.eval::<Dynamic>(src).unwrap_or_else(|e| panic!("script failed: {e}\n{src}"))
}

/// The AWS error (code, message) a script throws.
#[track_caller]
pub fn code(src: &str) -> (String, String) {
    let e = run(src).expect_err("expected an AWS error");
    as_aws_error(&e).unwrap_or_else(|| panic!("not an AWS error: {e}"))
}

pub fn s(d: &Dynamic) -> String {
    d.clone().into_string().expect("a string")
}

pub fn map(d: Dynamic) -> Map {
    d.cast::<Map>()
}
