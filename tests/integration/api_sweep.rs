//! Hostile arguments to every built-in function (issue 10, "no panic escapes a binding"):
//! the script fuzz target's property, run deterministically on every test run. Each
//! documented function of the engine is called with every argument shape below, at its
//! arity; a call may fail with any AWS-style or script error, but never with the
//! `InternalError` the session reports when a native function panics.

use cloudbook_kernel::session::{Session, spawn_engine_thread};

/// Argument values that break naive code: unit, empty and odd strings, extreme and negative
/// numbers, empty and garbage maps and arrays.
const HOSTILE: &[&str] = &[
    "()",
    "\"\"",
    "-1",
    "0",
    "9223372036854775807",
    "-9223372036854775808",
    "1.0e308",
    "\"\\u{0}/../..%00*?\"",
    "\"255.255.255.255/32\"",
    "\"0.0.0.0/0\"",
    "\"-5s\"",
    "\"99999999999999999d\"",
    "#{}",
    "#{ KeyId: (), Name: -1, Bucket: \"\", UserName: \"\\u{0}\", CidrBlock: \"1.2.3.4/99\" }",
    "[]",
    "[(), -1, #{}]",
    "blob(3)",
];

/// (module::name, arity) of every documented function, minus those whose contract is to
/// take time or reset things the sweep relies on.
fn functions(s: &mut Session) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = s
        .docs()
        .into_iter()
        .filter_map(|f| f.module.map(|m| (format!("{m}::{}", f.name), f.num_params)))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn no_builtin_panics_on_hostile_arguments() {
    let (calls, failures, names) = spawn_engine_thread("sweep", || {
        let mut s = Session::new();
        let fns = functions(&mut s);
        let mut calls = 0usize;
        let mut panics = Vec::new();
        for (name, arity) in &fns {
            for (i, v) in HOSTILE.iter().enumerate() {
                // all arguments the same hostile value, and a mix (each position a different one)
                for mix in [false, true] {
                    if (*arity == 0 && i > 0) || (*arity < 2 && mix) {
                        continue;
                    }
                    let args: Vec<&str> = (0..*arity).map(|p| if mix { HOSTILE[(i + p) % HOSTILE.len()] } else { v }).collect();
                    let code = format!("{name}({})", args.join(", "));
                    let r = s.execute(&code, false, Box::new(|_| {}));
                    calls += 1;
                    if let Some(e) = r.error.filter(|e| e.ename == "InternalError") {
                        panics.push(format!("{code}: {}", e.evalue));
                    }
                }
            }
        }
        (calls, panics, fns.len())
    })
    .join()
    .unwrap();
    eprintln!("api sweep: {names} functions, {calls} hostile calls, {} panics", failures.len());
    assert!(names > 100, "the sweep sees the whole stdlib ({names} functions)");
    assert!(failures.is_empty(), "built-ins panicked:\n{}", failures.join("\n"));
}

/// Regressions found by the sweep, kept as named tests.
#[test]
fn clock_advance_by_a_huge_number_of_seconds_is_a_validation_error() {
    // Found by the sweep: `Duration::secs(i64::MAX)` overflowed ("attempt to multiply with
    // overflow") in `clock::advance`; now the number goes through the duration parser.
    let r = spawn_engine_thread("regress", || {
        let mut s = Session::new();
        ["clock::advance(9223372036854775807)", "clock::advance(-9223372036854775808)", "clock::advance(90)"]
            .map(|c| s.execute(c, true, Box::new(|_| {})))
    })
    .join()
    .unwrap();
    for e in [&r[0], &r[1]] {
        let e = e.error.as_ref().expect("an error");
        assert_eq!(e.ename, "ValidationException", "{e:?}");
        assert!(e.evalue.contains("is not a duration"), "{}", e.evalue);
    }
    assert_eq!(r[2].value.as_ref().unwrap()["text/plain"], "2026-01-01T00:01:30Z");
}
