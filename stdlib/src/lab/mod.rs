//! Lab exercises that grade themselves.
//!
//! `lab::check(name, condition[, hint])`, `lab::expect_error(name, code, || ...)` and
//! `lab::expect_eq(name, actual, expected)` record a result in the world and return it (a
//! notebook shows PASS or FAIL under the cell); `lab::summary()` is the table of every check
//! so far. A check run again under the same name replaces its earlier result, so re-running
//! a cell never double-counts. `cloudbook run --check` fails when any recorded check failed.
//! Failed checks show their hint, not a stack trace.

pub mod bindings;

use std::fmt;

use serde::{Deserialize, Serialize};

/// One check's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckResult {
    pub name: String,
    pub passed: bool,
    /// Shown when the check fails.
    pub hint: Option<String>,
    /// What was observed, for failed checks (`expected 3, got 2`).
    pub detail: Option<String>,
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.passed {
            return write!(f, "PASS  {}", self.name);
        }
        write!(f, "FAIL  {}", self.name)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n      hint: {h}")?;
        }
        Ok(())
    }
}

/// Checks recorded in this world, in the order first run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LabState {
    pub checks: Vec<CheckResult>,
}

impl LabState {
    /// Records a result, replacing an earlier one with the same name in place.
    pub fn record(&mut self, r: CheckResult) {
        match self.checks.iter_mut().find(|c| c.name == r.name) {
            Some(slot) => *slot = r,
            None => self.checks.push(r),
        }
    }
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed).count()
    }
    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, passed: bool) -> CheckResult {
        CheckResult { name: name.into(), passed, hint: None, detail: None }
    }

    #[test]
    fn rerunning_a_check_replaces_it() {
        let mut s = LabState::default();
        s.record(r("a", false));
        s.record(r("b", true));
        s.record(r("a", true));
        assert_eq!(s.checks.len(), 2);
        assert_eq!(s.checks[0].name, "a");
        assert!(s.all_passed());
    }

    #[test]
    fn failed_checks_show_detail_and_hint() {
        let c = CheckResult { name: "bucket is private".into(), passed: false, hint: Some("add a Deny".into()), detail: Some("got 200".into()) };
        assert_eq!(c.to_string(), "FAIL  bucket is private: got 200\n      hint: add a Deny");
    }
}
