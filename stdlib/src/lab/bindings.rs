//! `lab::` script bindings.

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::CheckResult;
use crate::render::{CellStyle, Table};
use crate::script::{DocMode, Shared};
use crate::script::api::Api;
use crate::script::convert::{RhaiResult, as_aws_error, dynamic_to_json, to_dyn};
use crate::world::service::CLOUDBOOK;

fn short(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 { format!("{}...", s.chars().take(117).collect::<String>()) } else { s }
}

/// JSON equality with numbers compared by value (a script's `2000` and an API's `2000.0`).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::{Array, Number, Object};
    match (a, b) {
        (Number(x), Number(y)) => x.as_f64() == y.as_f64(),
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &CLOUDBOOK, docs);
    engine.register_type_with_name::<CheckResult>("LabCheck").register_fn("to_string", |c: &mut CheckResult| c.to_string());
    engine.register_get("passed", |c: &mut CheckResult| c.passed).register_get("name", |c: &mut CheckResult| c.name.clone());

    let record = {
        let s = shared.clone();
        move |r: CheckResult| -> Dynamic {
            s.lock().lab.record(r.clone());
            Dynamic::from(r)
        }
    };

    let rec = record.clone();
    api.func(
        "check",
        "Records a lab check: passes when `condition` is true.\n```rhai\nlab::check(\"bucket is private\", r.Status == 403)\n```",
        &["name: &str", "condition: bool", "LabCheck"],
        move |name: &str, cond: bool| rec(CheckResult { name: name.into(), passed: cond, hint: None, detail: None }),
    );
    let rec = record.clone();
    api.func(
        "check",
        "Records a lab check with a hint shown when it fails.\n```rhai\nlab::check(\"bucket is private\", r.Status == 403, \"Block Public Access should refuse the public policy\")\n```",
        &["name: &str", "condition: bool", "hint: &str", "LabCheck"],
        move |name: &str, cond: bool, hint: &str| rec(CheckResult { name: name.into(), passed: cond, hint: Some(hint.into()), detail: None }),
    );
    let rec = record.clone();
    let expect_eq = move |name: &str, actual: &Dynamic, expected: &Dynamic, hint: Option<String>| {
        let (a, e) = (dynamic_to_json(actual), dynamic_to_json(expected));
        let passed = same(&a, &e);
        rec(CheckResult { name: name.into(), passed, hint, detail: (!passed).then(|| format!("expected {}, got {}", short(&e), short(&a))) })
    };
    let eq = expect_eq.clone();
    api.func(
        "expect_eq",
        "Records a check that passes when `actual` equals `expected` (compared as JSON; numbers by value, so `2000` equals `2000.0`).\n```rhai\nlab::expect_eq(\"usable addresses\", s.AvailableIpAddressCount, 251)\n```",
        &["name: &str", "actual: Dynamic", "expected: Dynamic", "LabCheck"],
        move |name: &str, actual: Dynamic, expected: Dynamic| eq(name, &actual, &expected, None),
    );
    api.func(
        "expect_eq",
        "`lab::expect_eq` with a hint shown when it fails.",
        &["name: &str", "actual: Dynamic", "expected: Dynamic", "hint: &str", "LabCheck"],
        move |name: &str, actual: Dynamic, expected: Dynamic, hint: &str| expect_eq(name, &actual, &expected, Some(hint.into())),
    );
    let expect_error = move |ctx: &NativeCallContext, name: &str, code: &str, f: &FnPtr, hint: Option<String>| -> RhaiResult {
        let out = f.call_within_context::<Dynamic>(ctx, ());
        let (passed, detail) = match &out {
            Err(e) => match as_aws_error(e) {
                Some((c, _)) if c == code => (true, None),
                Some((c, m)) => (false, Some(format!("expected {code}, got {c}: {m}"))),
                None => match e.as_ref() {
                    // Interrupts and limits are never a lab outcome: let them through.
                    EvalAltResult::ErrorTerminated(..) | EvalAltResult::ErrorTooManyOperations(..) => return Err(out.unwrap_err()),
                    other => (false, Some(format!("expected {code}, got a script error: {}", other.to_string().lines().next().unwrap_or("")))),
                },
            },
            Ok(v) => (false, Some(format!("expected {code}, but the call succeeded and returned {}", short(&dynamic_to_json(v))))),
        };
        Ok(record(CheckResult { name: name.into(), passed, hint, detail }))
    };
    let ee = expect_error.clone();
    api.func(
        "expect_error",
        "Records a check that passes when `f` throws the AWS error `code`.\n```rhai\nlab::expect_error(\"4 KB limit\", \"ValidationException\", || kms::encrypt(key, big))\n```",
        &["name: &str", "code: &str", "f: FnPtr", "LabCheck"],
        move |ctx: NativeCallContext, name: &str, code: &str, f: FnPtr| ee(&ctx, name, code, &f, None),
    );
    api.func(
        "expect_error",
        "`lab::expect_error` with a hint shown when it fails.",
        &["name: &str", "code: &str", "f: FnPtr", "hint: &str", "LabCheck"],
        move |ctx: NativeCallContext, name: &str, code: &str, f: FnPtr, hint: &str| expect_error(&ctx, name, code, &f, Some(hint.into())),
    );
    let s = shared.clone();
    api.func(
        "results",
        "Every check recorded so far: `[#{ Name, Passed, Hint, Detail }]`.",
        &["Array"],
        move || -> RhaiResult { to_dyn(&s.lock().lab.checks) },
    );
    let s = shared.clone();
    api.func(
        "summary",
        "The lab's pass/fail table: one row per check (failed ones with what was seen and their hint), then the totals. Scripts can read it like an array of maps (`lab::summary()[0].Result`).\n```rhai\nlab::summary()\n```",
        &["Table"],
        move || -> Dynamic {
            let w = s.lock();
            let row = |check: String, result: &str, notes: String| -> Dynamic {
                let mut m = Map::new();
                m.insert("Check".into(), check.into());
                m.insert("Result".into(), result.into());
                m.insert("Notes".into(), notes.into());
                Dynamic::from_map(m)
            };
            let mut rows: rhai::Array = w
                .lab
                .checks
                .iter()
                .map(|c| {
                    let note = match (&c.detail, &c.hint) {
                        (Some(d), Some(h)) => format!("{d}; hint: {h}"),
                        (Some(d), None) => d.clone(),
                        (None, Some(h)) if !c.passed => format!("hint: {h}"),
                        _ => String::new(),
                    };
                    row(c.name.clone(), if c.passed { "PASS" } else { "FAIL" }, note)
                })
                .collect();
            let total = format!("{} passed, {} failed", w.lab.passed(), w.lab.failed());
            rows.push(row(format!("{} checks", w.lab.checks.len()), &total, String::new()));
            let all_passed = w.lab.all_passed();
            let t = Table::from_rows(&rows, Some(vec!["Check".into(), "Result".into(), "Notes".into()]))
                .expect("rows are maps")
                .styled(|col, v| {
                    if col != "Result" {
                        return None;
                    }
                    match v.clone().into_string().ok()?.as_str() {
                        "PASS" => Some(CellStyle::Good),
                        "FAIL" => Some(CellStyle::Bad),
                        _ if all_passed => Some(CellStyle::Good),
                        _ => Some(CellStyle::Bad),
                    }
                });
            Dynamic::from(t)
        },
    );
    let s = shared.clone();
    api.func("passed", "True when every recorded check passed.", &["bool"], move || s.lock().lab.all_passed());
    let s = shared.clone();
    api.func("reset", "Forgets every recorded check.", &["()"], move || s.lock().lab.checks.clear());
    api.install_as(engine, "lab");
}

#[cfg(test)]
mod tests {
    fn run(src: &str) -> rhai::Dynamic {
        let (e, _) = crate::script::engine();
        e.eval::<rhai::Dynamic>(src).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn checks_record_pass_and_fail_with_hints() {
        let out = run(r#"
            lab::check("one", 1 + 1 == 2);
            lab::check("two", false, "think again");
            lab::expect_eq("three", [1, 2], [1, 2]);
            lab::expect_eq("four", #{ a: 1 }, #{ a: 2 });
            let r = lab::results();
            [r.len(), r[0].Passed, r[1].Passed, r[1].Hint, r[2].Passed, r[3].Detail, lab::passed()]
        "#)
        .cast::<rhai::Array>();
        assert_eq!(out[0].as_int().unwrap(), 4);
        assert!(out[1].as_bool().unwrap());
        assert!(!out[2].as_bool().unwrap());
        assert_eq!(out[3].to_string(), "think again");
        assert!(out[4].as_bool().unwrap());
        assert_eq!(out[5].to_string(), r#"expected {"a":2}, got {"a":1}"#);
        assert!(!out[6].as_bool().unwrap());
    }

    #[test]
    fn expect_eq_compares_numbers_by_value_but_not_across_types() {
        let out = run(r#"
            [lab::expect_eq("int vs float", [2000, #{ n: 0 }], [2000.0, #{ n: 0.0 }]).passed,
             lab::expect_eq("different value", 2000, 2000.5).passed,
             lab::expect_eq("number vs string", 1, "1").passed,
             lab::expect_eq("extra key", #{ a: 1, b: 2 }, #{ a: 1 }).passed]
        "#)
        .cast::<rhai::Array>();
        let got: Vec<bool> = out.iter().map(|d| d.as_bool().unwrap()).collect();
        assert_eq!(got, [true, false, false, false]);
    }

    #[test]
    fn expect_error_matches_the_aws_code_only() {
        let out = run(r#"
            iam::create_user("u");
            let a = lab::expect_error("dup", "EntityAlreadyExists", || iam::create_user("u"));
            let b = lab::expect_error("wrong code", "NoSuchEntity", || iam::create_user("u"));
            let c = lab::expect_error("no error", "NoSuchEntity", || iam::get_user("u"));
            let d = lab::expect_error("script error", "NoSuchEntity", || 1 / 0);
            [a.passed, b.passed, c.passed, d.passed, lab::results()[1].Detail, lab::results()[2].Detail]
        "#)
        .cast::<rhai::Array>();
        assert!(out[0].as_bool().unwrap());
        assert!(!out[1].as_bool().unwrap());
        assert!(!out[2].as_bool().unwrap());
        assert!(!out[3].as_bool().unwrap());
        assert_eq!(out[4].to_string(), "expected NoSuchEntity, got EntityAlreadyExists: User with name u already exists.");
        assert!(out[5].to_string().starts_with("expected NoSuchEntity, but the call succeeded"), "{}", out[5]);
    }

    #[test]
    fn summary_has_a_row_per_check_and_totals() {
        let out = run(r#"lab::check("a", true); lab::check("b", false, "h"); let t = lab::summary(); [t.len(), t[-1].Result, t[1].Notes, t.columns]"#).cast::<rhai::Array>();
        assert_eq!(out[0].as_int().unwrap(), 3);
        assert_eq!(out[1].to_string(), "1 passed, 1 failed");
        assert_eq!(out[2].to_string(), "hint: h");
        assert_eq!(out[3].to_string(), r#"["Check", "Result", "Notes"]"#);
    }
}

