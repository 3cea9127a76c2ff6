//! What IAM keeps of every call after the audit trail lets the event go: when each access
//! key and each console password was last used, and when each user and role session last
//! tried each service and action (Access Advisor's data). AWS derives these from its own
//! records of authenticated requests; here [`Usage::observe`] folds each audit event in as
//! it is recorded ([`crate::world::World::record`]), so the answers do not depend on how
//! much of the trail is still kept.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog;
use crate::world::audit::AuditEvent;
use crate::world::{Duration, Timestamp};

/// "When an access key is used more than once in a 15-minute span, only the first use is
/// recorded" (IAM User Guide, credential reports); console sign-ins likewise every 5 minutes.
const ACCESS_KEY_GRANULARITY: Duration = Duration::minutes(15);
const PASSWORD_GRANULARITY: Duration = Duration::minutes(5);

/// Services whose actions Access Advisor tracks one by one (ACTION_LEVEL).
pub const TRACKED: &[&str] = &["iam", "s3", "ec2", "lambda"];

/// Errors that mean the request never authenticated: Access Advisor does not count them.
const CREDENTIAL_ERRORS: &[&str] = &["ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId"];

/// A credential's last recorded use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastUse {
    pub at: Timestamp,
    pub region: String,
    pub service: String,
}

/// The latest attempt of some kind: when, where, and its sequence number in the trail
/// (which breaks ties between attempts at the same instant: the later one is the last).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: Timestamp,
    pub seq: u64,
    pub region: String,
}

impl Attempt {
    fn of(e: &AuditEvent, seq: u64) -> Attempt {
        Attempt { at: e.event_time, seq, region: e.aws_region.to_string() }
    }

    /// Becomes event `e` (number `seq`) if that is later, by time and then by number.
    fn update(&mut self, e: &AuditEvent, seq: u64) {
        if (e.event_time, seq) >= (self.at, self.seq) {
            (self.at, self.seq) = (e.event_time, seq);
            if self.region != e.aws_region {
                self.region = e.aws_region.to_string();
            }
        }
    }

    fn fold(slot: &mut Option<Attempt>, e: &AuditEvent, seq: u64) {
        match slot {
            Some(a) => a.update(e, seq),
            None => *slot = Some(Attempt::of(e, seq)),
        }
    }
}

/// The entry for `k`, made empty if there is none (copying the key only then).
fn slot<'m, V: Default>(m: &'m mut BTreeMap<String, V>, k: &str) -> &'m mut V {
    if !m.contains_key(k) {
        m.insert(k.to_string(), V::default());
    }
    m.get_mut(k).expect("inserted above")
}

/// One identity's attempts at one service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceAttempts {
    pub last: Option<Attempt>,
    /// By action (the event name), for the services in [`TRACKED`]; data events not counted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, Attempt>,
}

/// Everything IAM keeps of the calls made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// A user's access key id (`AKIA...`) -> its last recorded use. Temporary keys are not
    /// kept: nothing reports their use.
    pub access_keys: BTreeMap<String, LastUse>,
    /// User ARN -> its last recorded console sign-in.
    pub passwords: BTreeMap<String, Timestamp>,
    /// A user's ARN, or a role's sessions' ARN without the session name
    /// (`arn:aws:sts::111122223333:assumed-role/reader`) -> service namespace -> attempts.
    pub services: BTreeMap<String, BTreeMap<String, ServiceAttempts>>,
}

/// The IAM service prefix of an event (`kms.amazonaws.com` -> `kms`).
pub fn namespace(e: &AuditEvent) -> &str {
    e.event_source.strip_suffix(".amazonaws.com").unwrap_or(&e.event_source)
}

/// Records `at` unless it is within `window` of the use recorded last.
fn record_use(last: Option<Timestamp>, at: Timestamp, window: Duration) -> bool {
    last.is_none_or(|l| at >= l.plus(window))
}

impl Usage {
    /// Folds in event number `seq` of the trail.
    pub fn observe(&mut self, e: &AuditEvent, seq: u64) {
        let who = &e.user_identity;
        if let Some(key) = who.access_key_id.as_ref().filter(|k| k.starts_with("AKIA"))
            && record_use(self.access_keys.get(key.as_str()).map(|u| u.at), e.event_time, ACCESS_KEY_GRANULARITY)
        {
            let service = namespace(e).to_string();
            let region = if catalog::GLOBAL_SERVICES.contains(&service.as_str()) { "N/A".to_string() } else { e.aws_region.to_string() };
            self.access_keys.insert(key.clone(), LastUse { at: e.event_time, region, service });
        }
        if e.event_name == "ConsoleLogin"
            && e.error_code.is_none()
            && let Some(arn) = &who.arn
            && record_use(self.passwords.get(arn.as_str()).copied(), e.event_time, PASSWORD_GRANULARITY)
        {
            self.passwords.insert(arn.clone(), e.event_time);
        }
        // Access Advisor reports users and roles (through their sessions).
        if !matches!(who.kind.as_str(), "IAMUser" | "AssumedRole") || e.error_code.as_deref().is_some_and(|c| CREDENTIAL_ERRORS.contains(&c)) {
            return;
        }
        let Some(arn) = &who.arn else { return };
        // Access Advisor reports a role, not its sessions.
        let arn = if who.kind == "AssumedRole" { arn.rsplit_once('/').map_or(arn.as_str(), |(role, _)| role) } else { arn.as_str() };
        let ns = namespace(e);
        let attempts = slot(slot(&mut self.services, arn), ns);
        Attempt::fold(&mut attempts.last, e, seq);
        if TRACKED.contains(&ns) && e.event_category != "Data" {
            match attempts.actions.get_mut(e.event_name.as_ref()) {
                Some(a) => a.update(e, seq),
                None => {
                    attempts.actions.insert(e.event_name.to_string(), Attempt::of(e, seq));
                }
            }
        }
    }

    /// Rebuilds everything from the events of a trail (for worlds saved before IAM kept
    /// its usage apart, which kept every event).
    pub fn rebuild<'a>(events: impl Iterator<Item = (u64, &'a AuditEvent)>) -> Usage {
        let mut u = Usage::default();
        for (seq, e) in events {
            u.observe(e, seq);
        }
        u
    }
}
