//! Recursive resolvers with a TTL cache on the simulated clock.
//!
//! A resolver answers a question the way an ISP's resolver does (Route 53 Developer Guide,
//! "How DNS routes traffic to your web application"): from its cache if a live entry
//! answers it, otherwise by walking root -> TLD -> the domain's name servers, following
//! referrals, restarting at a CNAME's target (RFC 1034 §3.6.2, at most
//! [`MAX_CNAME_CHAIN`] times) and, for MX, resolving the preferred exchange.
//!
//! Caching (hickory style: every function takes `now`, nothing reads a clock):
//! - answers live for their TTL: stored at t with TTL 300, an entry answers until
//!   t + 299 s and is gone at t + 300 s;
//! - referrals (a zone's NS set) are cached too, so a warm resolver skips the root and TLD;
//! - negative answers (RFC 2308): NXDOMAIN for the name (any type) and NODATA for the
//!   name and type, for min(SOA TTL, SOA minimum) seconds;
//! - SERVFAIL is not cached.
//!
//! The resolver's state (its cache, statistics and history) lives in the world
//! ([`super::Route53State::resolvers`]), so `world::save()`/`load()` keep warm caches;
//! the script object is a handle holding the resolver's id.
//!
//! A resolver given a `Vpc` plays the VPC's Route 53 Resolver: names inside a private hosted
//! zone associated with that VPC are answered from the zone directly, everything else by the
//! public walk. Name-server host names are reached directly (as if glue were always present).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::authority::{self, QueryCtx, Response, Rr};
use super::internet::ROOT_SERVERS;
use super::model::{GeoLocation, Route53State};
use super::name;
use super::rdata::{self, RrType};
use crate::render::{Chart, Series};
use crate::world::{SimRng, Timestamp};

/// How many CNAMEs a resolution follows before giving up with SERVFAIL.
pub const MAX_CNAME_CHAIN: usize = 8;
/// How many referrals one walk follows.
const MAX_REFERRALS: usize = 16;
/// History points kept for charts.
const MAX_HISTORY: usize = 10_000;

/// What a cache entry holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Answer,
    Referral,
    NxDomain,
    NoData,
}

impl EntryKind {
    pub fn word(self) -> &'static str {
        match self {
            EntryKind::Answer => "answer",
            EntryKind::Referral => "referral",
            EntryKind::NxDomain => "NXDOMAIN",
            EntryKind::NoData => "NODATA",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    pub name: String,
    pub rtype: Option<RrType>,
    pub kind: EntryKind,
    /// The records (for negative entries, the SOA that set the negative TTL).
    pub records: Vec<Rr>,
    /// The records as a step's `Response` text (computed once, when stored).
    pub summary: String,
    pub stored_at: Timestamp,
    pub expires_at: Timestamp,
}

impl CacheEntry {
    pub fn live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
    /// Whole seconds left (rounded up).
    pub fn remaining(&self, now: Timestamp) -> u32 {
        ((self.expires_at.0 - now.0).max(0) as u64).div_ceil(1000) as u32
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheStats {
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that needed the network.
    pub misses: u64,
    /// Queries sent to name servers.
    pub queries: u64,
}

/// One point of the resolver's history (after each resolution), for charts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub at: Timestamp,
    pub hits: u64,
    pub misses: u64,
    pub entries: u64,
}

/// A recursive resolver and its cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resolver {
    pub id: String,
    /// The resolver's region (latency routing).
    pub region: String,
    /// Where its clients are (geolocation routing).
    pub location: Option<GeoLocation>,
    /// Set when this is a VPC's Route 53 Resolver (private hosted zones).
    pub vpc: Option<String>,
    pub cache: BTreeMap<String, CacheEntry>,
    pub stats: CacheStats,
    pub history: Vec<HistoryPoint>,
}

/// One query of a resolution: a row of the walk table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Step {
    pub server: String,
    pub question: String,
    pub response: String,
    pub ttl: u32,
    pub authoritative: bool,
    pub from_cache: bool,
}

/// How a resolution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    #[serde(rename = "NOERROR")]
    NoError,
    #[serde(rename = "NXDOMAIN")]
    NxDomain,
    #[serde(rename = "NODATA")]
    NoData,
    #[serde(rename = "SERVFAIL")]
    ServFail,
}

/// The preferred mail exchange of an MX answer and its addresses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MailExchange {
    pub exchange: String,
    pub preference: u16,
    pub addresses: Vec<String>,
}

/// The final answer of a resolution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Answer {
    pub outcome: Outcome,
    /// The name the final records are for (the end of the CNAME chain).
    pub name: String,
    #[serde(rename = "Type")]
    pub rtype: RrType,
    /// Seconds the answer may still be cached (the lowest remaining TTL of the records).
    #[serde(rename = "TTL")]
    pub ttl: u32,
    /// The final records' values.
    pub values: Vec<String>,
    /// Every record of the answer, CNAMEs first, with their remaining TTLs.
    pub records: Vec<Rr>,
    pub from_cache: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_exchange: Option<MailExchange>,
}

/// A resolution: the answer and the steps taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resolution {
    pub answer: Answer,
    pub steps: Vec<Step>,
}

fn key(name: &str, t: RrType) -> String {
    keyed(name, t.as_str())
}
fn nx_key(name: &str) -> String {
    keyed(name, "NXDOMAIN")
}
fn keyed(name: &str, suffix: &str) -> String {
    let mut k = String::with_capacity(name.len() + 1 + suffix.len());
    k.push_str(name);
    k.push(' ');
    k.push_str(suffix);
    k
}
fn referral_key(zone: &str) -> String {
    format!("{zone} DELEGATION")
}

fn describe(rrs: &[Rr]) -> String {
    let shown: Vec<String> = rrs.iter().take(4).map(|r| format!("{} {}", r.rtype, r.value)).collect();
    let more = if rrs.len() > 4 { format!(" (+{} more)", rrs.len() - 4) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn min_ttl(rrs: &[Rr]) -> u32 {
    rrs.iter().map(|r| r.ttl).min().unwrap_or(0)
}

/// What one network lookup (private zone or public walk) produced.
enum Found {
    Answer(Vec<Rr>),
    NxDomain(Rr),
    NoData(Rr),
    ServFail,
}

impl Resolver {
    pub fn new(id: &str, region: &str, location: Option<GeoLocation>, vpc: Option<String>) -> Self {
        Resolver { id: id.to_string(), region: region.to_string(), location, vpc, cache: BTreeMap::new(), stats: CacheStats::default(), history: Vec::new() }
    }

    fn ctx(&self) -> QueryCtx {
        QueryCtx { region: self.region.clone(), location: self.location.clone() }
    }

    /// Caches `records` for their lowest TTL (a TTL of 0 is not cached).
    fn store(&mut self, key: String, name: &str, rtype: Option<RrType>, kind: EntryKind, records: Vec<Rr>, now: Timestamp) {
        let ttl = min_ttl(&records);
        if ttl == 0 {
            return;
        }
        let expires_at = now.plus(crate::world::Duration::secs(ttl as i64));
        let summary = match kind {
            EntryKind::Answer => describe(&records),
            EntryKind::Referral => format!("referral: {}", describe(&records)),
            EntryKind::NxDomain => "NXDOMAIN".into(),
            EntryKind::NoData => "NODATA".into(),
        };
        self.cache.insert(key, CacheEntry { name: name.to_string(), rtype, kind, records, summary, stored_at: now, expires_at });
    }

    fn live(&self, key: &str, now: Timestamp) -> Option<&CacheEntry> {
        self.cache.get(key).filter(|e| e.live(now))
    }

    /// Drops expired entries.
    pub fn purge(&mut self, now: Timestamp) {
        self.cache.retain(|_, e| e.live(now));
    }

    /// Live entries.
    pub fn entries(&self, now: Timestamp) -> usize {
        self.cache.values().filter(|e| e.live(now)).count()
    }

    pub fn flush(&mut self) {
        self.cache.clear();
    }

    /// Resolves `qname`/`qtype` at `now`.
    pub fn resolve(&mut self, st: &Route53State, rng: &mut SimRng, now: Timestamp, qname: &str, qtype: RrType) -> Resolution {
        let mut steps = Vec::new();
        let mut answer = self.lookup(st, rng, now, qname, qtype, &mut steps);
        if qtype == RrType::Mx && answer.outcome == Outcome::NoError {
            let best = answer.records.iter().filter(|r| r.rtype == RrType::Mx).filter_map(|r| rdata::mx(&r.value)).min_by_key(|(p, _)| *p);
            if let Some((preference, exchange)) = best {
                let a = self.lookup(st, rng, now, &exchange, RrType::A, &mut steps);
                answer.mail_exchange = Some(MailExchange { exchange, preference, addresses: a.values });
            }
        }
        let entries = self.entries(now) as u64;
        if self.history.len() >= MAX_HISTORY {
            self.history.drain(..MAX_HISTORY / 2);
        }
        self.history.push(HistoryPoint { at: now, hits: self.stats.hits, misses: self.stats.misses, entries });
        Resolution { answer, steps }
    }

    fn lookup(&mut self, st: &Route53State, rng: &mut SimRng, now: Timestamp, qname: &str, qtype: RrType, steps: &mut Vec<Step>) -> Answer {
        let mut chain: Vec<Rr> = Vec::new();
        let mut name = qname.to_string();
        let mut all_cached = true;
        let finish = |outcome: Outcome, name: String, chain: Vec<Rr>, from_cache: bool| {
            let finals: Vec<&Rr> = chain.iter().filter(|r| r.rtype == qtype).collect();
            Answer {
                outcome,
                name,
                rtype: qtype,
                ttl: if finals.is_empty() { min_ttl(&chain) } else { finals.iter().map(|r| r.ttl).min().unwrap_or(0) },
                values: finals.iter().map(|r| r.value.clone()).collect(),
                records: chain,
                from_cache,
                mail_exchange: None,
            }
        };
        for _ in 0..=MAX_CNAME_CHAIN {
            // 1. The cache.
            if let Some(e) = self.live(&nx_key(&name), now) {
                let ttl = e.remaining(now);
                steps.push(cache_step(&name, qtype, "NXDOMAIN".into(), ttl));
                self.stats.hits += 1;
                return finish(Outcome::NxDomain, name, chain, all_cached);
            }
            let k = key(&name, qtype);
            if let Some(e) = self.live(&k, now) {
                let ttl = e.remaining(now);
                let kind = e.kind;
                let summary = e.summary.clone();
                let mut recs = if kind == EntryKind::NoData { Vec::new() } else { e.records.clone() };
                self.stats.hits += 1;
                steps.push(Step { server: "cache".into(), question: k, response: summary, ttl, authoritative: false, from_cache: true });
                if kind == EntryKind::NoData {
                    return finish(Outcome::NoData, name, chain, all_cached);
                }
                recs.iter_mut().for_each(|r| r.ttl = ttl);
                chain.extend(recs);
                return finish(Outcome::NoError, name, chain, all_cached);
            }
            if qtype != RrType::Cname
                && let Some(e) = self.live(&key(&name, RrType::Cname), now) {
                    let ttl = e.remaining(now);
                    let mut recs = e.records.clone();
                    self.stats.hits += 1;
                    recs.iter_mut().for_each(|r| r.ttl = ttl);
                    steps.push(cache_step(&name, RrType::Cname, describe(&recs), ttl));
                    let target = recs.first().and_then(|r| rdata::host(&r.value)).unwrap_or_default();
                    chain.extend(recs);
                    name = target;
                    continue;
                }
            // 2. The network.
            self.stats.misses += 1;
            all_cached = false;
            self.purge(now);
            let found = match self.private_answer(st, rng, &name, qtype, steps) {
                Some(f) => f,
                None => self.walk(st, rng, now, &name, qtype, steps),
            };
            match found {
                Found::Answer(rrs) => {
                    let is_cname = qtype != RrType::Cname && rrs.first().is_some_and(|r| r.rtype == RrType::Cname);
                    let t = if is_cname { RrType::Cname } else { qtype };
                    self.store(key(&name, t), &name, Some(t), EntryKind::Answer, rrs.clone(), now);
                    if is_cname {
                        let target = rrs.first().and_then(|r| rdata::host(&r.value)).unwrap_or_default();
                        chain.extend(rrs);
                        name = target;
                        continue;
                    }
                    chain.extend(rrs);
                    return finish(Outcome::NoError, name, chain, false);
                }
                Found::NxDomain(soa) => {
                    self.store(nx_key(&name), &name, None, EntryKind::NxDomain, vec![soa], now);
                    return finish(Outcome::NxDomain, name, chain, false);
                }
                Found::NoData(soa) => {
                    self.store(key(&name, qtype), &name, Some(qtype), EntryKind::NoData, vec![soa], now);
                    return finish(Outcome::NoData, name, chain, false);
                }
                Found::ServFail => return finish(Outcome::ServFail, name, chain, false),
            }
        }
        // A CNAME chain longer than the limit (or a loop).
        steps.push(Step {
            server: "resolver".into(),
            question: format!("{name} {qtype}"),
            response: format!("SERVFAIL: more than {MAX_CNAME_CHAIN} CNAMEs"),
            ttl: 0,
            authoritative: false,
            from_cache: false,
        });
        finish(Outcome::ServFail, name, chain, false)
    }

    /// A VPC resolver answers names of its private hosted zones itself.
    fn private_answer(&mut self, st: &Route53State, rng: &mut SimRng, qname: &str, qtype: RrType, steps: &mut Vec<Step>) -> Option<Found> {
        let vpc = self.vpc.as_deref()?;
        let z = st
            .zones
            .values()
            .filter(|z| z.private && z.vpcs.iter().any(|v| v.vpc_id == vpc) && name::in_zone(qname, &z.name))
            .max_by_key(|z| name::label_count(&z.name))?;
        let resp = authority::zone_answer(st, rng, z, qname, qtype, &self.ctx());
        let server = format!("Route 53 Resolver ({vpc}, private zone {})", z.name);
        self.stats.queries += 1;
        let (text, ttl, found) = match resp {
            Response::Answer(rrs) => (describe(&rrs), min_ttl(&rrs), Found::Answer(rrs)),
            Response::NxDomain(soa) => ("NXDOMAIN".into(), soa.ttl, Found::NxDomain(soa)),
            Response::NoData(soa) => ("NODATA".into(), soa.ttl, Found::NoData(soa)),
            Response::Referral { .. } | Response::Refused => return None,
        };
        steps.push(Step { server, question: format!("{qname} {qtype}"), response: text, ttl, authoritative: true, from_cache: false });
        Some(found)
    }

    /// Iterative resolution from the closest cached delegation (or the root hints).
    fn walk(&mut self, st: &Route53State, rng: &mut SimRng, now: Timestamp, qname: &str, qtype: RrType, steps: &mut Vec<Step>) -> Found {
        let mut zone = ".".to_string();
        let mut servers: Vec<String> = ROOT_SERVERS.iter().map(|s| s.to_string()).collect();
        let mut n = Some(qname);
        while let Some(cut) = n {
            if cut == "." {
                break;
            }
            if let Some(e) = self.live(&referral_key(cut), now) {
                steps.push(Step {
                    server: "cache".into(),
                    question: format!("{cut} NS"),
                    response: format!("referral: {}", describe(&e.records)),
                    ttl: e.remaining(now),
                    authoritative: false,
                    from_cache: true,
                });
                zone = cut.to_string();
                servers = e.records.iter().map(|r| name::fqdn(&r.value)).collect();
                break;
            }
            n = name::parent(cut);
        }
        let ctx = self.ctx();
        let question = format!("{qname} {qtype}");
        'hops: for _ in 0..MAX_REFERRALS {
            let mut candidates = servers.clone();
            while !candidates.is_empty() {
                let server = candidates.remove(rng.below(candidates.len() as u64) as usize);
                self.stats.queries += 1;
                let step = |response: String, ttl: u32, authoritative: bool| Step {
                    server: server.clone(),
                    question: question.clone(),
                    response,
                    ttl,
                    authoritative,
                    from_cache: false,
                };
                match authority::ask(st, rng, &server, qname, qtype, &ctx) {
                    Response::Refused => steps.push(step("REFUSED".into(), 0, false)),
                    Response::Referral { zone: child, ns } => {
                        let ttl = min_ttl(&ns);
                        steps.push(step(format!("referral: {}", describe(&ns)), ttl, false));
                        // A referral must lead downwards, towards the name.
                        if !(name::in_zone(qname, &child) && name::label_count(&child) > name::label_count(&zone)) {
                            break 'hops;
                        }
                        self.store(referral_key(&child), &child, Some(RrType::Ns), EntryKind::Referral, ns.clone(), now);
                        servers = ns.iter().map(|r| name::fqdn(&r.value)).collect();
                        zone = child;
                        continue 'hops;
                    }
                    Response::Answer(rrs) => {
                        steps.push(step(describe(&rrs), min_ttl(&rrs), true));
                        return Found::Answer(rrs);
                    }
                    Response::NxDomain(soa) => {
                        steps.push(step("NXDOMAIN".into(), soa.ttl, true));
                        return Found::NxDomain(soa);
                    }
                    Response::NoData(soa) => {
                        steps.push(step("NODATA".into(), soa.ttl, true));
                        return Found::NoData(soa);
                    }
                }
            }
            // Every server of the zone refused.
            break;
        }
        Found::ServFail
    }

    /// The cache as table rows.
    pub fn cache_rows(&self, now: Timestamp) -> Vec<CacheRow> {
        self.cache
            .values()
            .filter(|e| e.live(now))
            .map(|e| CacheRow {
                name: e.name.clone(),
                rtype: e.rtype.map(|t| t.as_str().to_string()).unwrap_or_else(|| "*".into()),
                kind: e.kind.word().to_string(),
                ttl_remaining: e.remaining(now),
                expires_at: e.expires_at,
                values: e.records.iter().map(|r| r.value.clone()).collect(),
            })
            .collect()
    }

    /// The cache over time: live entries, cumulative hits and misses, per resolution.
    pub fn chart(&self) -> Chart {
        let t0 = self.history.first().map(|p| p.at).unwrap_or_default();
        let x = |p: &HistoryPoint| p.at.since(t0).as_secs_f64();
        let series = |name: &str, f: &dyn Fn(&HistoryPoint) -> u64, right: bool| Series {
            name: name.into(),
            points: self.history.iter().map(|p| (x(p), f(p) as f64)).collect(),
            step: true,
            right_axis: right,
        };
        Chart {
            title: format!("Resolver {} cache", self.id),
            x_label: "seconds since first query".into(),
            y_label: "lookups (cumulative)".into(),
            y2_label: Some("live cache entries".into()),
            series: vec![series("hits", &|p| p.hits, false), series("misses", &|p| p.misses, false), series("entries", &|p| p.entries, true)],
        }
    }
}

fn cache_step(name: &str, t: RrType, response: String, ttl: u32) -> Step {
    Step { server: "cache".into(), question: format!("{name} {t}"), response, ttl, authoritative: false, from_cache: true }
}

/// One row of `resolver.cache()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheRow {
    pub name: String,
    #[serde(rename = "Type")]
    pub rtype: String,
    pub kind: String,
    pub ttl_remaining: u32,
    pub expires_at: Timestamp,
    pub values: Vec<String>,
}
