//! Authoritative name servers: what the root, a TLD or a Route 53 name server answers to
//! one question, including Route 53's routing policies.
//!
//! A server answers only for zones it serves; anything else is `REFUSED` (a lame
//! delegation). Within a zone (RFC 1034 §4.3.2, simplified):
//! 1. NS records below the apex on the way to the name are a delegation: a referral.
//! 2. Record sets of the asked type at the name are chosen by their routing policy.
//! 3. Otherwise a CNAME at the name answers (the resolver restarts at its target).
//! 4. A name with other types only, or with records below it (an empty non-terminal), is
//!    NODATA; otherwise a wildcard `*.<closest encloser>` answers for it (RFC 4592), or the
//!    name does not exist: NXDOMAIN.
//!
//! Negative answers carry the zone's SOA with TTL min(SOA TTL, SOA minimum) (RFC 2308 §3).
//! Servers do not add in-zone CNAME targets to the same response: the resolver asks again.

use serde::{Deserialize, Serialize};

use super::internet::{self, ROOT_SERVERS};
use super::model::{GeoLocation, HostedZone, Policy, ResourceRecordSet, Route53State};
use super::name;
use super::rdata::{self, RrType};
use crate::world::SimRng;

/// One resource record as it travels in a response and sits in a cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rr {
    pub name: String,
    #[serde(rename = "Type")]
    pub rtype: RrType,
    #[serde(rename = "TTL")]
    pub ttl: u32,
    pub value: String,
}

/// What a server answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// Authoritative records (possibly a CNAME the resolver must follow).
    Answer(Vec<Rr>),
    /// Not authoritative: the child zone's name servers.
    Referral { zone: String, ns: Vec<Rr> },
    /// The name does not exist; the SOA carries the negative-caching TTL.
    NxDomain(Rr),
    /// The name exists but has no records of that type (or routing chose none).
    NoData(Rr),
    /// The server does not serve a zone for this name.
    Refused,
}

/// Who is asking, for latency and geolocation routing.
#[derive(Clone, Debug, Default)]
pub struct QueryCtx {
    /// The resolver's region (latency routing).
    pub region: String,
    /// The client's location (geolocation routing); `None` only matches the default.
    pub location: Option<GeoLocation>,
}

/// Alias chains and nested routing stop here.
const MAX_ALIAS_DEPTH: usize = 8;
/// "Route 53 responds to DNS queries with up to eight healthy records" (multivalue answer).
pub const MULTIVALUE_MAX: usize = 8;

/// Asks `server` the question `qname`/`qtype`.
pub fn ask(st: &Route53State, rng: &mut SimRng, server: &str, qname: &str, qtype: RrType, ctx: &QueryCtx) -> Response {
    if ROOT_SERVERS.contains(&server) {
        return root(st, qname, qtype);
    }
    let tlds = internet::tlds_served_by(server);
    if !tlds.is_empty() {
        return match tlds.iter().find(|t| name::in_zone(qname, t)) {
            Some(t) => tld(st, t, qname, qtype),
            None => Response::Refused,
        };
    }
    let zone = st
        .zones
        .values()
        .filter(|z| !z.private && z.name_servers.iter().any(|s| s == server) && name::in_zone(qname, &z.name))
        .max_by_key(|z| name::label_count(&z.name));
    match zone {
        Some(z) => zone_answer(st, rng, z, qname, qtype, ctx),
        None => Response::Refused,
    }
}

fn rr(name: &str, rtype: RrType, ttl: u32, value: impl Into<String>) -> Rr {
    Rr { name: name.to_string(), rtype, ttl, value: value.into() }
}

fn negative_soa(zone: &str, value: &str, ttl: u32) -> Rr {
    let min = rdata::soa_minimum(value).unwrap_or(ttl);
    rr(zone, RrType::Soa, ttl.min(min), value)
}

fn root(st: &Route53State, qname: &str, qtype: RrType) -> Response {
    let _ = st;
    if qname == "." {
        return match qtype {
            RrType::Ns => Response::Answer(ROOT_SERVERS.iter().map(|s| rr(".", RrType::Ns, internet::ROOT_NS_TTL, *s)).collect()),
            RrType::Soa => Response::Answer(vec![rr(".", RrType::Soa, internet::ROOT_SOA_TTL, internet::ROOT_SOA)]),
            _ => Response::NoData(negative_soa(".", internet::ROOT_SOA, internet::ROOT_SOA_TTL)),
        };
    }
    let tld = qname.rsplit('.').nth(1).map(|t| format!("{t}.")).unwrap_or_default();
    if internet::is_tld(&tld) {
        let ns = internet::tld_servers(&tld).iter().map(|s| rr(&tld, RrType::Ns, internet::DELEGATION_TTL, s.as_str())).collect();
        Response::Referral { zone: tld, ns }
    } else {
        Response::NxDomain(negative_soa(".", internet::ROOT_SOA, internet::ROOT_SOA_TTL))
    }
}

fn tld(st: &Route53State, t: &str, qname: &str, qtype: RrType) -> Response {
    let (soa, soa_ttl) = internet::tld_soa(t);
    if qname == t {
        return match qtype {
            RrType::Ns => Response::Answer(internet::tld_servers(t).iter().map(|s| rr(t, RrType::Ns, internet::DELEGATION_TTL, s.as_str())).collect()),
            RrType::Soa => Response::Answer(vec![rr(t, RrType::Soa, soa_ttl, soa)]),
            _ => Response::NoData(negative_soa(t, &soa, soa_ttl)),
        };
    }
    let want = name::label_count(t) + 1;
    let mut domain = qname;
    while name::label_count(domain) > want {
        domain = name::parent(domain).unwrap_or(".");
    }
    match st.domains.get(domain) {
        Some(d) if internet::delegated(d) => Response::Referral {
            zone: domain.to_string(),
            ns: d.name_servers.iter().map(|s| rr(domain, RrType::Ns, internet::DELEGATION_TTL, s.as_str())).collect(),
        },
        _ => Response::NxDomain(negative_soa(t, &soa, soa_ttl)),
    }
}

/// The zone's negative answer SOA.
fn zone_soa(z: &HostedZone) -> Rr {
    match z.soa() {
        Some(s) => negative_soa(&z.name, s.values().next().unwrap_or_default(), s.ttl.unwrap_or(900) as u32),
        None => rr(&z.name, RrType::Soa, 0, ""),
    }
}

/// What a hosted zone's name servers answer (also TestDNSAnswer and private-zone lookups).
pub fn zone_answer(st: &Route53State, rng: &mut SimRng, z: &HostedZone, qname: &str, qtype: RrType, ctx: &QueryCtx) -> Response {
    if !name::in_zone(qname, &z.name) {
        return Response::Refused;
    }
    // 1. Delegations between the apex and the name, closest to the apex first.
    let mut path = Vec::new();
    let mut n = qname;
    while n != z.name {
        path.push(n);
        n = name::parent(n).unwrap_or(".");
        if n == "." && z.name != "." {
            break;
        }
    }
    for cut in path.iter().rev() {
        if *cut == qname && qtype == RrType::Ds {
            continue;
        }
        let ns: Vec<Rr> = z
            .sets_of(cut, RrType::Ns)
            .flat_map(|s| s.values().map(|v| rr(cut, RrType::Ns, s.ttl.unwrap_or(0) as u32, v)).collect::<Vec<_>>())
            .collect();
        if !ns.is_empty() {
            return Response::Referral { zone: cut.to_string(), ns };
        }
    }
    // 2-4.
    if z.sets_at(qname).next().is_some() {
        return answer_at(st, rng, z, qname, qname, qtype, ctx);
    }
    if z.has_descendants(qname) {
        return Response::NoData(zone_soa(z));
    }
    let mut encloser = name::parent(qname).unwrap_or(".");
    while encloser != z.name && z.sets_at(encloser).next().is_none() && !z.has_descendants(encloser) {
        encloser = name::parent(encloser).unwrap_or(&z.name);
    }
    let wc = name::wildcard_of(encloser);
    if wc != qname && z.sets_at(&wc).next().is_some() {
        return answer_at(st, rng, z, &wc, qname, qtype, ctx);
    }
    Response::NxDomain(zone_soa(z))
}

/// Answers at `at` (the name itself or the wildcard standing in for it) as owner `owner`.
fn answer_at(st: &Route53State, rng: &mut SimRng, z: &HostedZone, at: &str, owner: &str, qtype: RrType, ctx: &QueryCtx) -> Response {
    let typed: Vec<&ResourceRecordSet> = z.sets_of(at, qtype).collect();
    let sets = if !typed.is_empty() {
        typed
    } else if qtype != RrType::Cname {
        z.sets_of(at, RrType::Cname).collect()
    } else {
        Vec::new()
    };
    if sets.is_empty() {
        return Response::NoData(zone_soa(z));
    }
    let records = records_of(st, rng, z, &sets, owner, ctx, 0);
    if records.is_empty() { Response::NoData(zone_soa(z)) } else { Response::Answer(records) }
}

/// Chooses among `sets` (all of one name and type) by their routing policy and returns the
/// chosen records, aliases resolved.
fn records_of(st: &Route53State, rng: &mut SimRng, z: &HostedZone, sets: &[&ResourceRecordSet], owner: &str, ctx: &QueryCtx, depth: usize) -> Vec<Rr> {
    if depth > MAX_ALIAS_DEPTH {
        return Vec::new();
    }
    select(st, rng, z, sets, ctx).into_iter().flat_map(|s| expand(st, rng, z, s, owner, ctx, depth)).collect()
}

/// The records one chosen set contributes.
fn expand(st: &Route53State, rng: &mut SimRng, z: &HostedZone, s: &ResourceRecordSet, owner: &str, ctx: &QueryCtx, depth: usize) -> Vec<Rr> {
    let t = s.rtype();
    match &s.alias_target {
        None => s.values().map(|v| rr(owner, t, s.ttl.unwrap_or(0) as u32, v)).collect(),
        Some(a) if a.hosted_zone_id == z.id => {
            // "If an alias record points to another record in the same hosted zone, Route 53
            // uses the TTL of the record that the alias record points to."
            let target = name::fqdn(&a.dns_name);
            let tsets: Vec<&ResourceRecordSet> = z.sets_of(&target, t).collect();
            records_of(st, rng, z, &tsets, &target, ctx, depth + 1)
                .into_iter()
                .map(|mut r| {
                    r.name = owner.to_string();
                    r
                })
                .collect()
        }
        Some(a) => match internet::s3_website(&a.hosted_zone_id) {
            Some((region, _)) if t == RrType::A => vec![rr(owner, t, internet::AWS_TARGET_TTL, internet::s3_website_address(region))],
            _ => Vec::new(),
        },
    }
}

/// Whether Route 53 considers a record set healthy: its health check (none = healthy) and,
/// for an alias with EvaluateTargetHealth, at least one healthy target.
pub fn healthy(st: &Route53State, z: &HostedZone, s: &ResourceRecordSet, depth: usize) -> bool {
    if let Some(id) = &s.health_check_id
        && let Some(hc) = st.health_checks.get(id)
            && !hc.effective_healthy() {
                return false;
            }
    match &s.alias_target {
        Some(a) if a.evaluate_target_health && a.hosted_zone_id == z.id && depth < MAX_ALIAS_DEPTH => {
            let target = name::fqdn(&a.dns_name);
            z.sets_of(&target, s.rtype()).any(|t| healthy(st, z, t, depth + 1))
        }
        _ => true,
    }
}

/// A geolocation match rule, from the smallest region to the default.
type GeoTier<'a> = Box<dyn Fn(&GeoLocation) -> bool + 'a>;

/// Route 53's routing policies (Developer Guide, "Choosing a routing policy").
fn select<'z>(st: &Route53State, rng: &mut SimRng, z: &HostedZone, sets: &[&'z ResourceRecordSet], ctx: &QueryCtx) -> Vec<&'z ResourceRecordSet> {
    let Some(first) = sets.first() else { return Vec::new() };
    let ok = |s: &ResourceRecordSet| healthy(st, z, s, 0);
    match first.policy() {
        Policy::Simple => vec![first],
        Policy::Weighted => {
            let w = |s: &ResourceRecordSet| s.weight.unwrap_or(0).max(0) as u64;
            let healthy: Vec<&ResourceRecordSet> = sets.iter().copied().filter(|s| ok(s)).collect();
            // Healthy non-zero weights first; then healthy zero-weight records (equal
            // chance); if every record is unhealthy Route 53 acts as if all were healthy.
            let pool: Vec<&ResourceRecordSet> = [
                healthy.iter().copied().filter(|s| w(s) > 0).collect::<Vec<_>>(),
                healthy.clone(),
                sets.iter().copied().filter(|s| w(s) > 0).collect(),
                sets.to_vec(),
            ]
            .into_iter()
            .find(|p| !p.is_empty())
            .unwrap_or_default();
            let total: u64 = pool.iter().map(|s| w(s)).sum();
            if total == 0 {
                // "If you set Weight to 0 for all ... traffic is routed to all resources with
                // equal probability."
                return vec![pool[rng.below(pool.len() as u64) as usize]];
            }
            let mut x = rng.below(total);
            for s in &pool {
                if x < w(s) {
                    return vec![s];
                }
                x -= w(s);
            }
            vec![pool[pool.len() - 1]]
        }
        Policy::Failover => {
            let primary = sets.iter().copied().find(|s| s.failover.as_deref() == Some("PRIMARY"));
            let secondary = sets.iter().copied().find(|s| s.failover.as_deref() == Some("SECONDARY"));
            // Primary when healthy; secondary when the primary is unhealthy and the secondary
            // is healthy; "if the secondary is unhealthy, Route 53 routes to the primary".
            let chosen = match (primary, secondary) {
                (Some(p), _) if ok(p) => p,
                (Some(p), Some(s)) => {
                    if ok(s) {
                        s
                    } else {
                        p
                    }
                }
                (Some(p), None) => p,
                (None, Some(s)) => s,
                (None, None) => return Vec::new(),
            };
            vec![chosen]
        }
        Policy::Latency => {
            let mut by_distance: Vec<&ResourceRecordSet> = sets.to_vec();
            by_distance.sort_by(|a, b| {
                let da = internet::region_distance(&ctx.region, a.region.as_deref().unwrap_or(""));
                let db = internet::region_distance(&ctx.region, b.region.as_deref().unwrap_or(""));
                da.total_cmp(&db).then_with(|| a.set_identifier.cmp(&b.set_identifier))
            });
            let chosen = by_distance.iter().copied().find(|s| ok(s)).unwrap_or(by_distance[0]);
            vec![chosen]
        }
        Policy::Geolocation => {
            let loc = ctx.location.clone().unwrap_or_default();
            let country = loc.country_code.as_deref();
            let continent = loc.continent_code.as_deref().or_else(|| country.and_then(internet::continent_of));
            let g = |s: &ResourceRecordSet| s.geo_location.clone().unwrap_or_default();
            // Smallest region first: subdivision, country, continent, then the default `*`.
            // An unhealthy record hands over to the next larger region.
            let tiers: [GeoTier<'_>; 4] = [
                Box::new(|l| l.subdivision_code.is_some() && l.country_code.as_deref() == country && l.subdivision_code == loc.subdivision_code),
                Box::new(|l| l.subdivision_code.is_none() && l.country_code.is_some() && l.country_code.as_deref() == country && country != Some("*")),
                Box::new(|l| l.continent_code.is_some() && l.continent_code.as_deref() == continent),
                Box::new(|l| l.country_code.as_deref() == Some("*")),
            ];
            let matched: Vec<&ResourceRecordSet> =
                tiers.iter().filter_map(|tier| sets.iter().copied().find(|s| tier(&g(s)))).collect();
            match matched.iter().copied().find(|s| ok(s)).or_else(|| matched.first().copied()) {
                Some(s) => vec![s],
                None => Vec::new(),
            }
        }
        Policy::MultiValue => {
            let healthy: Vec<&ResourceRecordSet> = sets.iter().copied().filter(|s| ok(s)).collect();
            let mut pool = if healthy.is_empty() { sets.to_vec() } else { healthy };
            if pool.len() > MULTIVALUE_MAX {
                for i in 0..MULTIVALUE_MAX {
                    let j = i + rng.below((pool.len() - i) as u64) as usize;
                    pool.swap(i, j);
                }
                pool.truncate(MULTIVALUE_MAX);
            }
            pool
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route53::model::{AliasTarget, Domain, HealthCheck, HealthCheckConfig};
    use crate::world::Timestamp;
    use std::collections::BTreeMap;

    fn zone(sets: Vec<ResourceRecordSet>) -> HostedZone {
        let mut z = HostedZone {
            id: "ZEXAMPLE".into(),
            name: "example.com.".into(),
            owner: "111122223333".into(),
            caller_reference: "r".into(),
            comment: None,
            private: false,
            vpcs: vec![],
            name_servers: vec!["ns-1.awsdns-00.com.".into()],
            records: BTreeMap::new(),
            created_at: Timestamp(0),
        };
        let base = [
            ResourceRecordSet::simple("example.com.", RrType::Soa, 900, &["ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"]),
            ResourceRecordSet::simple("example.com.", RrType::Ns, 172800, &["ns-1.awsdns-00.com."]),
        ];
        for s in base.into_iter().chain(sets) {
            z.records.insert(s.key(), s);
        }
        z
    }

    fn state(z: HostedZone) -> Route53State {
        let mut st = Route53State::default();
        st.zones.insert(z.id.clone(), z);
        st
    }

    fn values(r: &Response) -> Vec<String> {
        match r {
            Response::Answer(rs) => rs.iter().map(|r| r.value.clone()).collect(),
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    fn q(st: &Route53State, name: &str, t: RrType, ctx: &QueryCtx) -> Response {
        let mut rng = SimRng::new(1);
        zone_answer(st, &mut rng, &st.zones["ZEXAMPLE"], name, t, ctx)
    }

    fn weighted(id: &str, w: i64, v: &str) -> ResourceRecordSet {
        let mut s = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &[v]);
        s.set_identifier = Some(id.into());
        s.weight = Some(w);
        s
    }

    #[test]
    fn root_refers_to_tld_and_tld_to_registered_domains() {
        let mut st = Route53State::default();
        let mut rng = SimRng::new(1);
        let ctx = QueryCtx::default();
        match ask(&st, &mut rng, "a.root-servers.net.", "www.example.com.", RrType::A, &ctx) {
            Response::Referral { zone, ns } => {
                assert_eq!(zone, "com.");
                assert_eq!(ns.len(), 13);
                assert_eq!(ns[0].ttl, 172800);
            }
            r => panic!("{r:?}"),
        }
        assert!(matches!(ask(&st, &mut rng, "a.root-servers.net.", "x.nosuchtld.", RrType::A, &ctx), Response::NxDomain(_)));
        // Unregistered under .com: NXDOMAIN with Verisign's SOA, negative TTL min(900, 86400).
        match ask(&st, &mut rng, "a.gtld-servers.net.", "www.example.com.", RrType::A, &ctx) {
            Response::NxDomain(soa) => assert_eq!(soa.ttl, 900),
            r => panic!("{r:?}"),
        }
        st.domains.insert(
            "example.com.".into(),
            Domain {
                name: "example.com.".into(),
                owner: "o".into(),
                name_servers: vec!["ns-1.awsdns-00.com.".into()],
                hosted_zone_id: None,
                registered_at: Timestamp(0),
                expires_at: Timestamp(0),
                auto_renew: true,
            },
        );
        match ask(&st, &mut rng, "a.gtld-servers.net.", "www.example.com.", RrType::A, &ctx) {
            Response::Referral { zone, ns } => {
                assert_eq!(zone, "example.com.");
                assert_eq!(ns[0].value, "ns-1.awsdns-00.com.");
            }
            r => panic!("{r:?}"),
        }
        // No hosted zone on that server: REFUSED (lame delegation).
        assert_eq!(ask(&st, &mut rng, "ns-1.awsdns-00.com.", "www.example.com.", RrType::A, &ctx), Response::Refused);
    }

    #[test]
    fn zone_answers_nodata_nxdomain_cname_wildcard_and_delegation() {
        let mut cname = ResourceRecordSet::simple("docs.example.com.", RrType::Cname, 300, &["www.example.com"]);
        cname.ttl = Some(300);
        let st = state(zone(vec![
            ResourceRecordSet::simple("www.example.com.", RrType::A, 300, &["192.0.2.1"]),
            cname,
            ResourceRecordSet::simple("\\052.apps.example.com.", RrType::A, 60, &["192.0.2.9"]),
            ResourceRecordSet::simple("deep.sub.example.com.", RrType::Txt, 60, &["\"x\""]),
            ResourceRecordSet::simple("dev.example.com.", RrType::Ns, 172800, &["ns-9.awsdns-01.com."]),
        ]));
        let ctx = QueryCtx::default();
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx)), ["192.0.2.1"]);
        // NODATA: the name exists, not with that type. RFC 2308: SOA TTL min(900, 86400).
        match q(&st, "www.example.com.", RrType::Aaaa, &ctx) {
            Response::NoData(soa) => assert_eq!(soa.ttl, 900),
            r => panic!("{r:?}"),
        }
        assert!(matches!(q(&st, "nope.example.com.", RrType::A, &ctx), Response::NxDomain(_)));
        // Empty non-terminal: NODATA, not NXDOMAIN.
        assert!(matches!(q(&st, "sub.example.com.", RrType::A, &ctx), Response::NoData(_)));
        // A CNAME answers any type at its name.
        match q(&st, "docs.example.com.", RrType::Mx, &ctx) {
            Response::Answer(rs) => assert_eq!((rs[0].rtype, rs[0].value.as_str()), (RrType::Cname, "www.example.com")),
            r => panic!("{r:?}"),
        }
        // Wildcard synthesises the asked name.
        match q(&st, "shop.apps.example.com.", RrType::A, &ctx) {
            Response::Answer(rs) => assert_eq!((rs[0].name.as_str(), rs[0].value.as_str()), ("shop.apps.example.com.", "192.0.2.9")),
            r => panic!("{r:?}"),
        }
        // Delegated subdomain: referral.
        assert!(matches!(q(&st, "x.dev.example.com.", RrType::A, &ctx), Response::Referral { ref zone, .. } if zone == "dev.example.com."));
    }

    #[test]
    fn weighted_routing_honours_weights_over_many_queries() {
        // Developer Guide: weights 1 and 255 route 1/256 and 255/256 of the traffic. Here 1:3.
        let st = state(zone(vec![weighted("a", 1, "192.0.2.1"), weighted("b", 3, "192.0.2.2"), weighted("z", 0, "192.0.2.3")]));
        let mut rng = SimRng::new(7);
        let z = &st.zones["ZEXAMPLE"];
        let mut counts = BTreeMap::new();
        for _ in 0..8000 {
            *counts.entry(values(&zone_answer(&st, &mut rng, z, "www.example.com.", RrType::A, &QueryCtx::default()))[0].clone()).or_insert(0) += 1;
        }
        let a = counts["192.0.2.1"] as f64 / 8000.0;
        assert!((a - 0.25).abs() < 0.03, "{counts:?}");
        assert!(!counts.contains_key("192.0.2.3"), "weight 0 is never returned while others are healthy");
    }

    fn hc(st: &mut Route53State, id: &str, healthy: bool) {
        st.health_checks.insert(
            id.into(),
            HealthCheck {
                id: id.into(),
                owner: "o".into(),
                caller_reference: id.into(),
                config: HealthCheckConfig {
                    ip_address: None,
                    port: None,
                    check_type: "HTTP".into(),
                    resource_path: None,
                    fully_qualified_domain_name: None,
                    search_string: None,
                    request_interval: None,
                    failure_threshold: None,
                    inverted: None,
                    disabled: None,
                },
                version: 1,
                healthy,
                status_changed_at: Timestamp(0),
            },
        );
    }

    #[test]
    fn failover_follows_health() {
        let mut p = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &["192.0.2.1"]);
        p.set_identifier = Some("p".into());
        p.failover = Some("PRIMARY".into());
        p.health_check_id = Some("hp".into());
        let mut s = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &["192.0.2.2"]);
        s.set_identifier = Some("s".into());
        s.failover = Some("SECONDARY".into());
        s.health_check_id = Some("hs".into());
        let mut st = state(zone(vec![p, s]));
        let ctx = QueryCtx::default();
        hc(&mut st, "hp", true);
        hc(&mut st, "hs", true);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx)), ["192.0.2.1"]);
        hc(&mut st, "hp", false);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx)), ["192.0.2.2"]);
        // Both unhealthy: "Route 53 routes traffic to the primary".
        hc(&mut st, "hs", false);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx)), ["192.0.2.1"]);
    }

    #[test]
    fn latency_picks_the_nearest_healthy_region() {
        let mk = |region: &str, v: &str| {
            let mut s = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &[v]);
            s.set_identifier = Some(region.into());
            s.region = Some(region.into());
            s
        };
        let mut eu = mk("eu-west-1", "192.0.2.20");
        eu.health_check_id = Some("eu".into());
        let mut st = state(zone(vec![mk("us-east-1", "192.0.2.10"), eu, mk("ap-southeast-2", "192.0.2.30")]));
        hc(&mut st, "eu", true);
        let ctx = |r: &str| QueryCtx { region: r.into(), location: None };
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx("us-east-2"))), ["192.0.2.10"]);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx("eu-central-1"))), ["192.0.2.20"]);
        hc(&mut st, "eu", false);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &ctx("eu-central-1"))), ["192.0.2.10"]);
    }

    #[test]
    fn geolocation_prefers_the_smallest_region_then_default() {
        let mk = |id: &str, g: GeoLocation, v: &str| {
            let mut s = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &[v]);
            s.set_identifier = Some(id.into());
            s.geo_location = Some(g);
            s
        };
        let geo = |k: Option<&str>, c: Option<&str>, s: Option<&str>| GeoLocation {
            continent_code: k.map(Into::into),
            country_code: c.map(Into::into),
            subdivision_code: s.map(Into::into),
        };
        let st = state(zone(vec![
            mk("wa", geo(None, Some("US"), Some("WA")), "192.0.2.1"),
            mk("us", geo(None, Some("US"), None), "192.0.2.2"),
            mk("eu", geo(Some("EU"), None, None), "192.0.2.3"),
            mk("default", geo(None, Some("*"), None), "192.0.2.4"),
        ]));
        let at = |c: Option<&str>, s: Option<&str>| QueryCtx { region: "us-east-1".into(), location: Some(geo(None, c, s)) };
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &at(Some("US"), Some("WA")))), ["192.0.2.1"]);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &at(Some("US"), Some("CA")))), ["192.0.2.2"]);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &at(Some("DE"), None))), ["192.0.2.3"]);
        assert_eq!(values(&q(&st, "www.example.com.", RrType::A, &at(Some("JP"), None))), ["192.0.2.4"]);
        let no_default = state(zone(vec![mk("us", geo(None, Some("US"), None), "192.0.2.2")]));
        // Without a default record Route 53 returns "no answer".
        assert!(matches!(q(&no_default, "www.example.com.", RrType::A, &at(Some("JP"), None)), Response::NoData(_)));
    }

    #[test]
    fn multivalue_returns_up_to_eight_healthy_values() {
        let mut sets = Vec::new();
        for i in 0..10 {
            let mut s = ResourceRecordSet::simple("www.example.com.", RrType::A, 60, &[&format!("192.0.2.{i}")]);
            s.set_identifier = Some(format!("m{i}"));
            s.multi_value_answer = Some(true);
            if i == 0 {
                s.health_check_id = Some("down".into());
            }
            sets.push(s);
        }
        let mut st = state(zone(sets));
        hc(&mut st, "down", false);
        let v = values(&q(&st, "www.example.com.", RrType::A, &QueryCtx::default()));
        assert_eq!(v.len(), 8);
        assert!(!v.contains(&"192.0.2.0".to_string()));
    }

    #[test]
    fn alias_uses_the_target_ttl_and_evaluates_target_health() {
        let mut alias = ResourceRecordSet::simple("example.com.", RrType::A, 0, &[]);
        alias.ttl = None;
        alias.resource_records = None;
        alias.alias_target = Some(AliasTarget { hosted_zone_id: "ZEXAMPLE".into(), dns_name: "www.example.com".into(), evaluate_target_health: true });
        let mut s3 = ResourceRecordSet::simple("static.example.com.", RrType::A, 0, &[]);
        s3.ttl = None;
        s3.resource_records = None;
        s3.alias_target = Some(AliasTarget { hosted_zone_id: "Z3AQBSTGFYJSTF".into(), dns_name: "s3-website-us-east-1.amazonaws.com".into(), evaluate_target_health: false });
        let mut www = ResourceRecordSet::simple("www.example.com.", RrType::A, 120, &["192.0.2.1"]);
        www.health_check_id = Some("w".into());
        let mut st = state(zone(vec![alias, www, s3]));
        hc(&mut st, "w", true);
        match q(&st, "example.com.", RrType::A, &QueryCtx::default()) {
            Response::Answer(rs) => assert_eq!((rs[0].name.as_str(), rs[0].ttl, rs[0].value.as_str()), ("example.com.", 120, "192.0.2.1")),
            r => panic!("{r:?}"),
        }
        let z = &st.zones["ZEXAMPLE"];
        assert!(healthy(&st, z, z.sets_of("example.com.", RrType::A).next().unwrap(), 0));
        hc(&mut st, "w", false);
        let z = &st.zones["ZEXAMPLE"];
        assert!(!healthy(&st, z, z.sets_of("example.com.", RrType::A).next().unwrap(), 0));
        assert_eq!(values(&q(&st, "static.example.com.", RrType::A, &QueryCtx::default())), [internet::s3_website_address("us-east-1")]);
    }
}
