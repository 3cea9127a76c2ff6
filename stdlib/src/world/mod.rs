//! The simulated world every service shares: the clock, seeded randomness, accounts and
//! regions, ARNs, the error type, the audit trail, principals, and the call wrapper through
//! which every API operation is authorized and audited.
//!
//! Invariants:
//! - nothing here (or anywhere in stdlib) reads the wall clock or OS randomness;
//! - every API operation runs inside [`World::call`], which records exactly one audit event;
//! - an operation that returns an error has changed no service state (operations validate
//!   before they mutate);
//! - [`World`] serializes completely: `world::save()` then `world::load()` loses nothing.

pub mod arn;
pub mod audit;
pub mod authz;
pub mod blob;
pub mod call;
pub mod clock;
pub mod error;
pub mod memo;
pub mod places;
pub mod principal;
pub mod rng;
pub mod service;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

pub use arn::Arn;
pub use audit::{AuditEvent, AuditTrail, TRAIL_CAPACITY};
pub use blob::Blob;
pub use call::{Call, Caller};
pub use clock::{AmzDate, Clock, Duration, Timestamp};
pub use error::{AwsError, CommonError, ErrorCode};
pub use places::{Account, DEFAULT_ACCOUNT, DEFAULT_REGION};
pub use principal::{Principal, RoleSession};
pub use rng::SimRng;
pub use service::Service;

/// `v` as the static name it equals among `names` (no copy: callers, request contexts and
/// audit events are built on every call, and most of their names come from fixed lists),
/// else a copy.
pub fn static_name(v: &str, names: impl IntoIterator<Item = &'static str>) -> std::borrow::Cow<'static, str> {
    match names.into_iter().find(|n| *n == v) {
        Some(n) => n.into(),
        None => v.to_string().into(),
    }
}

/// The whole simulated AWS: every account's resources in every service, the clock, the
/// random stream and the audit trail.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct World {
    /// Format version of saved worlds.
    pub format: u32,
    pub clock: Clock,
    pub rng: SimRng,
    pub accounts: BTreeMap<String, Account>,
    /// The region calls go to unless a caller says otherwise.
    pub region: String,
    pub trail: AuditTrail,
    pub iam: crate::iam::IamState,
    pub kms: crate::kms::KmsState,
    pub s3: crate::s3::S3State,
    pub route53: crate::route53::Route53State,
    pub ebs: crate::ebs::EbsState,
    pub vpc: crate::vpc::VpcState,
    pub lab: crate::lab::LabState,
    /// The `as_principal` stack; empty means the default account's root user.
    #[serde(skip)]
    pub callers: Vec<Caller>,
    /// Set by the kernel to interrupt long native operations (they poll [`World::interrupted`]).
    #[serde(skip)]
    pub interrupt: Interrupt,
    /// What the call path derived from the last caller (global condition keys, identity).
    #[serde(skip)]
    pub(crate) memo: memo::Memos,
}

/// A shared interrupt flag: the kernel sets it, long native loops check it.
#[derive(Clone, Debug, Default)]
pub struct Interrupt(pub Arc<AtomicBool>);

impl Interrupt {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    pub fn set(&self, v: bool) {
        self.0.store(v, Ordering::Relaxed)
    }
}

pub const SAVE_FORMAT: u32 = 1;

impl Default for World {
    fn default() -> Self {
        World::new(rng::DEFAULT_SEED)
    }
}

impl World {
    pub fn new(seed: u64) -> Self {
        let mut accounts = BTreeMap::new();
        accounts.insert(
            DEFAULT_ACCOUNT.to_string(),
            Account { id: DEFAULT_ACCOUNT.into(), name: "default".into(), email: "admin@example.com".into() },
        );
        World {
            format: SAVE_FORMAT,
            clock: Clock::default(),
            rng: SimRng::new(seed),
            accounts,
            region: DEFAULT_REGION.to_string(),
            trail: AuditTrail::default(),
            iam: Default::default(),
            kms: Default::default(),
            s3: Default::default(),
            route53: Default::default(),
            ebs: Default::default(),
            vpc: Default::default(),
            lab: Default::default(),
            callers: Vec::new(),
            interrupt: Interrupt::default(),
            memo: Default::default(),
        }
    }

    /// Replaces this world with a fresh one seeded with `seed`, keeping the interrupt flag.
    /// A fresh world with `seed`. The session's lab checks stay (they grade the notebook,
    /// not the account; `lab::reset()` clears them), as does the interrupt flag.
    pub fn reset(&mut self, seed: u64) {
        let interrupt = self.interrupt.clone();
        let lab = std::mem::take(&mut self.lab);
        *self = World::new(seed);
        self.interrupt = interrupt;
        self.lab = lab;
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now
    }

    pub fn seed(&self) -> u64 {
        self.rng.seed()
    }

    /// The current caller (top of the `as_principal` stack, or the default root user).
    pub fn caller(&self) -> Caller {
        self.callers.last().cloned().unwrap_or_else(|| Caller::new(Principal::root(DEFAULT_ACCOUNT), &self.region))
    }

    pub fn interrupted(&self) -> bool {
        self.interrupt.is_set()
    }

    /// Moves the clock forward to `target`, running everything that falls due on the way
    /// (key rotations and deletions, lifecycle rules, replication, ...) in time order.
    /// Each service exposes `next_due(&World)` and `run_due(&mut World, now)`; a service whose
    /// work is due at the same instant as another's runs in the order of [`TIMERS`].
    pub fn advance_to(&mut self, target: Timestamp) {
        if target < self.clock.now {
            // Moving backwards runs nothing (clock::set into the past is allowed for
            // reproducing documented examples).
            self.clock.now = target;
            return;
        }
        let mut guard = 0usize;
        loop {
            let next = TIMERS
                .iter()
                .filter_map(|t| (t.next_due)(self).map(|at| (at, t)))
                .filter(|(at, _)| *at <= target)
                .min_by_key(|(at, _)| *at);
            let Some((at, timer)) = next else { break };
            if at > self.clock.now {
                self.clock.now = at;
            }
            (timer.run_due)(self, self.clock.now);
            guard += 1;
            // A service that keeps reporting work due at the same instant would loop forever;
            // the cap bounds it (a bug, not a user error) and the interrupt flag stops it.
            if guard > 10_000_000 || self.interrupted() {
                break;
            }
        }
        self.clock.now = target;
    }

    /// Serializes the whole world.
    pub fn save(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the world always serializes")
    }

    /// Restores a saved world (keeping this world's interrupt flag).
    pub fn load(&mut self, v: serde_json::Value) -> Result<(), String> {
        let mut w: World = serde_json::from_value(v).map_err(|e| format!("not a saved Cloudbook world: {e}"))?;
        if w.format != SAVE_FORMAT {
            return Err(format!("saved world has format {}, this Cloudbook reads format {SAVE_FORMAT}", w.format));
        }
        if w.iam.usage == Default::default() {
            // Saved before IAM kept its usage data apart: the trail then kept every event.
            w.iam.usage = crate::iam::usage::Usage::rebuild((w.trail.first_seq()..).zip(w.trail.iter()));
        }
        w.interrupt = self.interrupt.clone();
        *self = w;
        Ok(())
    }
}

/// A service's hooks into the clock.
pub struct Timer {
    pub name: &'static str,
    pub next_due: fn(&World) -> Option<Timestamp>,
    pub run_due: fn(&mut World, Timestamp),
}

/// Every service's clock hooks, in the order they run when due at the same instant.
pub const TIMERS: &[Timer] = &[
    Timer { name: "iam", next_due: crate::iam::next_due, run_due: crate::iam::run_due },
    Timer { name: "kms", next_due: crate::kms::next_due, run_due: crate::kms::run_due },
    Timer { name: "s3", next_due: crate::s3::next_due, run_due: crate::s3::run_due },
    Timer { name: "route53", next_due: crate::route53::next_due, run_due: crate::route53::run_due },
    Timer { name: "ebs", next_due: crate::ebs::next_due, run_due: crate::ebs::run_due },
    Timer { name: "vpc", next_due: crate::vpc::next_due, run_due: crate::vpc::run_due },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_round_trip_keeps_clock_rng_and_trail() {
        let mut w = World::new(9);
        w.advance_to(w.now().plus(Duration::hours(2)));
        let _ = w.rng.uuid();
        let saved = w.save();
        let mut back = World::default();
        back.load(saved.clone()).unwrap();
        assert_eq!(back.save(), saved);
        assert_eq!(back.rng.uuid(), w.rng.uuid());
    }

    #[test]
    fn the_trail_keeps_its_newest_events_and_numbers_them_all() {
        let mut w = World::default();
        w.trail.set_capacity(3);
        let names = ["ListKeys", "ListAliases", "DescribeKey", "GetKeyPolicy", "ListGrants"];
        for name in names {
            w.call(&service::KMS, name, serde_json::Value::Null, |_| Ok(())).unwrap();
        }
        let kept = |it: &mut dyn Iterator<Item = &AuditEvent>| it.map(|e| e.event_name.to_string()).collect::<Vec<_>>();
        assert_eq!(kept(&mut w.trail.iter()), names[2..], "the oldest two were let go");
        assert_eq!((w.trail.len(), w.trail.first_seq(), w.trail.total()), (3, 2, 5));
        assert_eq!((w.trail.first_seq_after(0), w.trail.first_seq_after(1), w.trail.first_seq_after(2)), (2, 3, 4));
        assert_eq!(kept(&mut w.trail.since(0)), names[2..], "from a number let go: every event kept");
        assert_eq!(kept(&mut w.trail.since(4)), names[4..]);
        assert_eq!(kept(&mut w.trail.since(9)), Vec::<String>::new());
        assert_eq!(w.trail.last().unwrap().event_name, "ListGrants");
        let mut back = World::default();
        back.load(w.save()).unwrap();
        assert_eq!((back.trail.first_seq(), back.trail.total()), (2, 5), "saved worlds keep the numbering");
    }

    #[test]
    fn a_world_keeps_at_most_trail_capacity_events() {
        let mut w = World::default();
        for _ in 0..TRAIL_CAPACITY + 10 {
            w.call(&service::KMS, "ListKeys", serde_json::Value::Null, |_| Ok(())).unwrap();
        }
        assert_eq!((w.trail.len(), w.trail.total()), (TRAIL_CAPACITY, TRAIL_CAPACITY as u64 + 10));
    }

    #[test]
    fn load_rejects_garbage() {
        let mut w = World::default();
        assert!(w.load(serde_json::json!({"format": 1})).is_err());
        assert!(w.load(serde_json::json!([1, 2])).is_err());
    }
}
