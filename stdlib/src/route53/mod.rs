//! Route 53: hosted zones, record sets with routing policies, health checks, domain
//! registration, zone files, and recursive resolvers that walk a simulated DNS (root ->
//! TLD -> Route 53 name servers) with a TTL cache on the simulated clock.
//!
//! # What is modelled
//! - **Hosted zones** (CreateHostedZone, GetHostedZone, ListHostedZones, DeleteHostedZone,
//!   GetChange, Associate/DisassociateVPCWithHostedZone): ids `Z` + 20 upper-case
//!   alphanumerics, four seeded `ns-N.awsdns-NN.{com,net,org,co.uk}.` name servers, the
//!   default SOA (`awsdns-hostmaster.amazon.com.`, serial 1, refresh 7200, retry 900, expire
//!   1209600, minimum 86400, TTL 900) and NS (TTL 172800). Changes read PENDING for 60 s
//!   then INSYNC; records answer immediately.
//! - **Record sets** (ChangeResourceRecordSets, ListResourceRecordSets): 13 types, batches
//!   applied atomically against a working copy (later changes see earlier ones, so "delete
//!   the CNAME, create the alias" works); every problem of the batch is reported in one
//!   InvalidChangeBatch message (several are joined as `[a, b]`). Names are canonical
//!   (see [`name`]). Values are validated per type ([`rdata`]).
//! - **Routing** ([`authority`]): simple, weighted (world rng; weight 0 only when nothing
//!   else is healthy), failover, latency (distance between regions), geolocation
//!   (subdivision > country > continent > default), multivalue answer (up to 8 healthy),
//!   and alias records (same-zone targets with the target's TTL and EvaluateTargetHealth;
//!   S3 website endpoints).
//! - **Health checks** (Create/Get/List/Delete/GetHealthCheckStatus): there are no
//!   endpoints to probe, so a script sets a check's status with
//!   `route53::set_health_check_status(id, false)`; it takes effect at once.
//! - **The DNS world** ([`internet`]): the 13 root servers, ten TLDs (ai, app, cloud, co,
//!   com, dev, info, io, net, org) whose zones delegate every domain registered in this
//!   world; Route 53 Domains ([`domains`]: CheckDomainAvailability, RegisterDomain,
//!   GetDomainDetail, UpdateDomainNameservers, ListDomains) registers a domain by creating
//!   its hosted zone and delegating the TLD to the zone's four name servers.
//! - **Resolvers** ([`resolver`]): the walk, CNAME chains, MX following, TTL caching with
//!   RFC 2308 negative caching, statistics, history chart; their state lives in the world.
//! - **TestDNSAnswer** and **zone files** ([`zonefile`]).
//!
//! # Simplified, and why
//! - DNS queries a resolver sends are not CloudTrail events (Route 53 logs them with query
//!   logging, not CloudTrail), so `resolve` is not in `world::trail()`; every API operation
//!   (including TestDNSAnswer and the Route 53 Domains calls) is.
//! - Only domains registered in this world exist; `example.com/net/org` are RESERVED.
//! - Traffic flow, geoproximity, IP-based (CIDR) routing, DNSSEC signing, query logging,
//!   reusable delegation sets and TTL-less resolver prefetch are not modelled.
//! - Alias targets: same-zone records and S3 website endpoints (TTL 60). Like Route 53, the
//!   alias is accepted whatever buckets exist; `s3::request` to the domain then reaches the
//!   bucket named like the domain (NoSuchBucket otherwise), see `s3::website`.
//! - InvalidChangeBatch texts observed from Route 53 are reproduced exactly (already
//!   exists, not found, values do not match, CNAME at apex, CNAME conflicts, not permitted
//!   in zone, non-X set exists, ARRDATA..., CharacterStringTooLong). Codes for other value
//!   problems follow the same `FATAL problem: CODE (description)` pattern but are the
//!   simulator's own names.

pub mod authority;
pub mod bindings;
pub mod domains;
pub mod error;
pub mod internet;
pub mod model;
pub mod name;
pub mod ops;
pub mod rdata;
pub mod resolver;
pub mod zonefile;

pub use model::Route53State;

use crate::world::{AwsError, ErrorCode, Timestamp, World};
use error::R53Error;
use model::GeoLocation;
use rdata::RrType;
use resolver::{Resolution, Resolver};

/// The resolver `route53::resolve` uses.
pub const DEFAULT_RESOLVER: &str = "default";

/// Where the default resolver's clients are: northern Virginia, next to us-east-1.
pub fn default_location() -> GeoLocation {
    GeoLocation { continent_code: None, country_code: Some("US".into()), subdivision_code: Some("VA".into()) }
}

/// Creates a resolver in the world and returns its id.
pub fn create_resolver(w: &mut World, region: Option<String>, location: Option<GeoLocation>, vpc: Option<String>) -> Result<String, AwsError> {
    let region = region.unwrap_or_else(|| w.region.clone());
    if !crate::world::places::is_region(&region) {
        return Err(R53Error::InvalidInput.err(format!("`{region}` is not a region this simulator knows")));
    }
    let mut n = w.route53.resolvers.len();
    let id = loop {
        let id = format!("resolver-{n}");
        if !w.route53.resolvers.contains_key(&id) {
            break id;
        }
        n += 1;
    };
    w.route53.resolvers.insert(id.clone(), Resolver::new(&id, &region, location, vpc));
    Ok(id)
}

/// Makes sure the default resolver exists.
pub fn ensure_default_resolver(w: &mut World) {
    if !w.route53.resolvers.contains_key(DEFAULT_RESOLVER) {
        let r = Resolver::new(DEFAULT_RESOLVER, &w.region.clone(), Some(default_location()), None);
        w.route53.resolvers.insert(DEFAULT_RESOLVER.into(), r);
    }
}

/// Resolves `qname`/`qtype` with resolver `id` at the world's current time.
pub fn resolve(w: &mut World, id: &str, qname: &str, qtype: &str) -> Result<Resolution, AwsError> {
    let t: RrType = qtype.parse().map_err(|e| R53Error::InvalidInput.err(e))?;
    let q = name::canonical(qname).map_err(|e| R53Error::InvalidInput.err(e.fatal()))?;
    if id == DEFAULT_RESOLVER {
        ensure_default_resolver(w);
    }
    // Lend the resolvers out of the state (an O(1) swap) so the resolver can read the zones.
    let mut resolvers = std::mem::take(&mut w.route53.resolvers);
    let now = w.now();
    let res = match resolvers.get_mut(id) {
        Some(r) => Ok(r.resolve(&w.route53, &mut w.rng, now, &q, t)),
        None => Err(R53Error::InvalidInput.err(format!("no resolver `{id}`"))),
    };
    w.route53.resolvers = resolvers;
    res
}

/// When this service next has work due on the clock: never. Cache expiry, change
/// propagation and health are computed from `now` when asked.
pub fn next_due(_w: &World) -> Option<Timestamp> {
    None
}

/// Runs the work due at `now` (none).
pub fn run_due(_w: &mut World, _now: Timestamp) {}
