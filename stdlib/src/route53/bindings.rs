//! Route 53 script bindings: `route53::...` operations (maps of AWS parameters in, AWS-shaped
//! maps out), positional overloads, zone files, and `Resolver` objects.

use rhai::{Array, Dynamic, Engine, FuncRegistration, Map, NativeCallContext};
use serde_json::json;

use super::domains;
use crate::world::service::ROUTE53_DOMAINS;
use super::model::{GeoLocation, ResourceRecordSet};
use super::ops::{self, Change, ChangeBatch, ChangeResourceRecordSetsRequest};
use super::{DEFAULT_RESOLVER, error::R53Error, internet, zonefile};
use crate::script::{DocMode, Shared};
use crate::script::api::{Api, Handle};
use crate::script::convert::{RhaiResult, audit_params, throw, to_dyn};
use crate::world::service::ROUTE53;
use crate::world::{AwsError, ErrorCode, World};

/// A script's handle on a resolver whose cache lives in the world.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolverHandle {
    pub id: String,
}

fn map(pairs: &[(&str, Dynamic)]) -> Map {
    pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect()
}

fn s(v: &str) -> Dynamic {
    v.to_string().into()
}

fn invalid(msg: impl Into<String>) -> AwsError {
    R53Error::InvalidInput.err(msg)
}

fn values_of(v: &Dynamic) -> Result<Vec<String>, AwsError> {
    if let Some(a) = v.read_lock::<Array>() {
        return a.iter().map(|x| x.clone().into_string().map_err(|_| invalid("record values must be strings"))).collect();
    }
    if let Ok(s) = v.clone().into_string() {
        return Ok(vec![s]);
    }
    Err(invalid(format!("record values must be a string or an array of strings, not {}", v.type_name())))
}

fn location_of(v: &Dynamic) -> Result<GeoLocation, AwsError> {
    if let Ok(text) = v.clone().into_string() {
        let t = text.trim().to_ascii_uppercase();
        return Ok(match t.split_once('-') {
            Some((c, sub)) => GeoLocation { continent_code: None, country_code: Some(c.into()), subdivision_code: Some(sub.into()) },
            None if internet::CONTINENTS.contains(&t.as_str()) && internet::continent_of(&t).is_none() => {
                GeoLocation { continent_code: Some(t), country_code: None, subdivision_code: None }
            }
            None => GeoLocation { continent_code: None, country_code: Some(t), subdivision_code: None },
        });
    }
    rhai::serde::from_dynamic::<GeoLocation>(v).map_err(|e| invalid(format!("Location: {e} (give `\"US-WA\"`, `\"DE\"` or #{{ CountryCode, SubdivisionCode, ContinentCode }})")))
}

/// Runs an operation built in Rust (not from a script map) as one audited call.
fn run_native<Req: serde::Serialize, Resp: serde::Serialize>(
    h: &Handle,
    ctx: &NativeCallContext,
    service: &'static crate::world::Service,
    aws_op: &'static str,
    f: fn(&mut crate::world::Call<'_>, Req) -> Result<Resp, AwsError>,
    req: Req,
) -> RhaiResult {
    let params = rhai::serde::to_dynamic(&req).ok().and_then(|d| d.try_cast::<Map>()).map(|m| audit_params(&m)).unwrap_or_else(|| json!({}).into());
    let r = {
        let mut w = h.shared.lock();
        w.call(service, aws_op, params, |c| f(c, req))
    };
    match r {
        Ok(v) => to_dyn(&v),
        Err(e) => Err(throw(e, ctx.call_position())),
    }
}

fn with_world<T>(h: &Handle, ctx: &NativeCallContext, f: impl FnOnce(&mut World) -> Result<T, AwsError>) -> RhaiResult<T> {
    h.with(ctx, f)
}

/// Registers a method callable as `resolver.name(...)`.
fn method<A: 'static, const N: usize, const X: bool, R: std::any::Any + Clone + Send + Sync, const F: bool, FUNC>(
    api: &mut Api,
    name: &str,
    doc: &str,
    params: &[&str],
    func: FUNC,
) where
    FUNC: rhai::RhaiNativeFunc<A, N, X, R, F> + Send + Sync + 'static,
{
    api.docs
        .describe(FuncRegistration::new(name), doc, params)
        .in_global_namespace()
        .with_volatility(true)
        .set_into_module(&mut api.module, func);
}

const CREATE_HOSTED_ZONE: &str = "Creates a public hosted zone (or a private one with `VPC`), with Route 53's default SOA and four NS records.\n```rhai\nlet z = route53::create_hosted_zone(#{ Name: \"example.com\", CallerReference: \"demo-1\" });\nz.DelegationSet.NameServers\n```";
const GET_HOSTED_ZONE: &str = "Gets a hosted zone, its delegation set (public) or VPCs (private).\n```rhai\nroute53::get_hosted_zone(#{ Id: zone_id })\n```";
const LIST_HOSTED_ZONES: &str = "Lists the account's hosted zones (`MaxItems`, `Marker`, `HostedZoneType`).\n```rhai\nroute53::list_hosted_zones().HostedZones\n```";
const DELETE_HOSTED_ZONE: &str = "Deletes a hosted zone that holds only its SOA and NS records (else HostedZoneNotEmpty).\n```rhai\nroute53::delete_hosted_zone(#{ Id: zone_id })\n```";
const CHANGE_RRS: &str = "Applies a batch of CREATE / DELETE / UPSERT changes atomically: one bad change rejects the whole batch with InvalidChangeBatch.\n```rhai\nroute53::change_resource_record_sets(#{ HostedZoneId: zone_id, ChangeBatch: #{ Changes: [\n  #{ Action: \"CREATE\", ResourceRecordSet: #{ Name: \"www.example.com\", Type: \"A\", TTL: 300, ResourceRecords: [#{ Value: \"192.0.2.44\" }] } }\n] } })\n```";
const LIST_RRS: &str = "Lists a zone's record sets in Route 53's order (`StartRecordName`, `StartRecordType`, `StartRecordIdentifier`, `MaxItems`).\n```rhai\nroute53::list_resource_record_sets(#{ HostedZoneId: zone_id }).ResourceRecordSets\n```";
const GET_CHANGE: &str = "The status of a change: PENDING, then INSYNC once it has propagated (60 s on the simulated clock).\n```rhai\nroute53::get_change(#{ Id: change.ChangeInfo.Id }).ChangeInfo.Status\n```";
const CREATE_HC: &str = "Creates a health check (HTTP, HTTPS, TCP, ... with IPAddress or FullyQualifiedDomainName). Its status is healthy until `route53::set_health_check_status` says otherwise.\n```rhai\nlet hc = route53::create_health_check(#{ CallerReference: \"web-1\", HealthCheckConfig: #{ Type: \"HTTP\", IPAddress: \"192.0.2.10\", ResourcePath: \"/health\" } });\nhc.HealthCheck.Id\n```";
const TEST_DNS: &str = "Asks one of a zone's name servers, like the TestDNSAnswer API (routing policies applied).\n```rhai\nroute53::test_dns_answer(#{ HostedZoneId: zone_id, RecordName: \"www.example.com\", RecordType: \"A\" }).RecordData\n```";

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    engine.register_type_with_name::<ResolverHandle>("Resolver");
    let mut api = Api::new(shared, &ROUTE53, docs);

    // ---- hosted zones ----
    api.op("create_hosted_zone", "CreateHostedZone", CREATE_HOSTED_ZONE, ops::create_hosted_zone);
    let h = api.handle();
    api.func("create_hosted_zone", CREATE_HOSTED_ZONE, &["name: &str", "Map"], move |ctx: NativeCallContext, name: &str| {
        h.run(&ctx, "CreateHostedZone", "create_hosted_zone", ops::create_hosted_zone, map(&[("Name", s(name))]))
    });
    api.op("get_hosted_zone", "GetHostedZone", GET_HOSTED_ZONE, ops::get_hosted_zone);
    let h = api.handle();
    api.func("get_hosted_zone", GET_HOSTED_ZONE, &["id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "GetHostedZone", "get_hosted_zone", ops::get_hosted_zone, map(&[("Id", s(id))]))
    });
    api.op("list_hosted_zones", "ListHostedZones", LIST_HOSTED_ZONES, ops::list_hosted_zones);
    api.op("delete_hosted_zone", "DeleteHostedZone", DELETE_HOSTED_ZONE, ops::delete_hosted_zone);
    let h = api.handle();
    api.func("delete_hosted_zone", DELETE_HOSTED_ZONE, &["id: &str", "Map"], move |ctx: NativeCallContext, id: &str| {
        h.run(&ctx, "DeleteHostedZone", "delete_hosted_zone", ops::delete_hosted_zone, map(&[("Id", s(id))]))
    });
    api.op("get_change", "GetChange", GET_CHANGE, ops::get_change);
    api.op(
        "associate_vpc_with_hosted_zone",
        "AssociateVPCWithHostedZone",
        "Associates another VPC with a private hosted zone.\n```rhai\nroute53::associate_vpc_with_hosted_zone(#{ HostedZoneId: zone_id, VPC: #{ VPCId: \"vpc-0abc\", VPCRegion: \"us-east-1\" } })\n```",
        ops::associate_vpc_with_hosted_zone,
    );
    api.op(
        "disassociate_vpc_from_hosted_zone",
        "DisassociateVPCFromHostedZone",
        "Disassociates a VPC from a private hosted zone (not the last one: LastVPCAssociation).\n```rhai\nroute53::disassociate_vpc_from_hosted_zone(#{ HostedZoneId: zone_id, VPC: #{ VPCId: \"vpc-0abc\" } })\n```",
        ops::disassociate_vpc_from_hosted_zone,
    );

    // ---- record sets ----
    api.op("change_resource_record_sets", "ChangeResourceRecordSets", CHANGE_RRS, ops::change_resource_record_sets);
    let h = api.handle();
    api.func("change_resource_record_sets", CHANGE_RRS, &["zone_id: &str", "changes: Array", "Map"], move |ctx: NativeCallContext, zone: &str, changes: Array| {
        let batch = map(&[("Changes", changes.into())]);
        h.run(&ctx, "ChangeResourceRecordSets", "change_resource_record_sets", ops::change_resource_record_sets, map(&[("HostedZoneId", s(zone)), ("ChangeBatch", batch.into())]))
    });
    let upsert_doc = "UPSERTs one simple record set: a name, a type, a TTL and one value or an array of values (a ChangeResourceRecordSets call).\n```rhai\nroute53::upsert_record(zone_id, \"www.example.com\", \"A\", 300, \"192.0.2.44\");\nroute53::upsert_record(zone_id, \"example.com\", \"MX\", 3600, [\"10 mail1.example.com\", \"20 mail2.example.com\"]);\n```";
    let h = api.handle();
    api.func(
        "upsert_record",
        upsert_doc,
        &["zone_id: &str", "name: &str", "type: &str", "ttl: i64", "values", "Map"],
        move |ctx: NativeCallContext, zone: &str, name: &str, rtype: &str, ttl: i64, values: Dynamic| -> RhaiResult {
            let vals = values_of(&values).map_err(|e| throw(e, ctx.call_position()))?;
            let refs: Vec<&str> = vals.iter().map(String::as_str).collect();
            let mut set = ResourceRecordSet::simple(name, super::rdata::RrType::A, ttl, &refs);
            set.rr_type = rtype.to_string();
            let req = ChangeResourceRecordSetsRequest {
                hosted_zone_id: zone.to_string(),
                change_batch: ChangeBatch { comment: None, changes: vec![Change { action: "UPSERT".into(), resource_record_set: set }] },
            };
            run_native(&h, &ctx, &ROUTE53, "ChangeResourceRecordSets", ops::change_resource_record_sets, req)
        },
    );
    api.op("list_resource_record_sets", "ListResourceRecordSets", LIST_RRS, ops::list_resource_record_sets);
    let h = api.handle();
    api.func("list_resource_record_sets", LIST_RRS, &["zone_id: &str", "Map"], move |ctx: NativeCallContext, zone: &str| {
        h.run(&ctx, "ListResourceRecordSets", "list_resource_record_sets", ops::list_resource_record_sets, map(&[("HostedZoneId", s(zone))]))
    });
    let h = api.handle();
    api.func(
        "records",
        "A zone's record sets as a table: Name, Type, TTL, Values, Routing, SetIdentifier (a ListResourceRecordSets call).\n```rhai\nroute53::records(zone_id)\n```",
        &["zone_id: &str", "Array"],
        move |ctx: NativeCallContext, zone: &str| -> RhaiResult {
            let req = ops::ListResourceRecordSetsRequest { hosted_zone_id: zone.into(), start_record_name: None, start_record_type: None, start_record_identifier: None, max_items: None };
            let r = {
                let mut w = h.shared.lock();
                w.call(&ROUTE53, "ListResourceRecordSets", json!({ "hostedZoneId": zone }), |c| ops::list_resource_record_sets(c, req))
            }
            .map_err(|e| throw(e, ctx.call_position()))?;
            let rows: Array = r
                .resource_record_sets
                .iter()
                .map(|set| {
                    let values: Vec<String> = match &set.alias_target {
                        Some(a) => vec![format!("ALIAS {} ({})", a.dns_name, a.hosted_zone_id)],
                        None => set.values().map(str::to_string).collect(),
                    };
                    let routing = match set.policy() {
                        super::model::Policy::Weighted => format!("weighted {}", set.weight.unwrap_or(0)),
                        super::model::Policy::Failover => format!("failover {}", set.failover.as_deref().unwrap_or("")),
                        super::model::Policy::Latency => format!("latency {}", set.region.as_deref().unwrap_or("")),
                        p => p.word().to_string(),
                    };
                    Dynamic::from_map(map(&[
                        ("Name", s(&set.name)),
                        ("Type", s(&set.rr_type)),
                        ("TTL", set.ttl.map(Dynamic::from).unwrap_or_else(|| s("alias"))),
                        ("Values", s(&values.join(", "))),
                        ("Routing", s(&routing)),
                        ("SetIdentifier", s(set.set_identifier.as_deref().unwrap_or(""))),
                    ]))
                })
                .collect();
            Ok(rows.into())
        },
    );

    // ---- health checks ----
    api.op("create_health_check", "CreateHealthCheck", CREATE_HC, ops::create_health_check);
    api.op("get_health_check", "GetHealthCheck", "Gets a health check.\n```rhai\nroute53::get_health_check(#{ HealthCheckId: id })\n```", ops::get_health_check);
    api.op("list_health_checks", "ListHealthChecks", "Lists the account's health checks.\n```rhai\nroute53::list_health_checks().HealthChecks\n```", ops::list_health_checks);
    api.op("delete_health_check", "DeleteHealthCheck", "Deletes a health check (records that use it then count as healthy).\n```rhai\nroute53::delete_health_check(#{ HealthCheckId: id })\n```", ops::delete_health_check);
    api.op(
        "get_health_check_status",
        "GetHealthCheckStatus",
        "What Route 53's health checkers last saw.\n```rhai\nroute53::get_health_check_status(#{ HealthCheckId: id }).HealthCheckObservations\n```",
        ops::get_health_check_status,
    );
    let h = api.handle();
    api.func(
        "set_health_check_status",
        "Simulator control (not an AWS API): marks the endpoint behind a health check up (`true`) or down (`false`). Failover, weighted, latency, geolocation and multivalue routing react at once.\n```rhai\nroute53::set_health_check_status(hc.HealthCheck.Id, false);\n```",
        &["id: &str", "healthy: bool", "()"],
        move |ctx: NativeCallContext, id: &str, healthy: bool| -> RhaiResult<()> {
            with_world(&h, &ctx, |w| {
                let now = w.now();
                let hc = w.route53.health_checks.get_mut(id).ok_or_else(|| R53Error::NoSuchHealthCheck.err(format!("A health check with id {id} does not exist.")))?;
                if hc.healthy != healthy {
                    hc.healthy = healthy;
                    hc.status_changed_at = now;
                }
                Ok(())
            })
        },
    );

    // ---- TestDNSAnswer ----
    api.op("test_dns_answer", "TestDNSAnswer", TEST_DNS, ops::test_dns_answer);
    let h = api.handle();
    api.func("test_dns_answer", TEST_DNS, &["zone_id: &str", "name: &str", "type: &str", "Map"], move |ctx: NativeCallContext, zone: &str, name: &str, t: &str| {
        h.run(&ctx, "TestDNSAnswer", "test_dns_answer", ops::test_dns_answer, map(&[("HostedZoneId", s(zone)), ("RecordName", s(name)), ("RecordType", s(t))]))
    });

    // ---- Route 53 Domains ----
    let dom = "Checks whether a domain can be registered: AVAILABLE, UNAVAILABLE (registered) or RESERVED.\n```rhai\nroute53::check_domain_availability(#{ DomainName: \"cloudbook-demo.com\" }).Availability\n```";
    api.op_as(&ROUTE53_DOMAINS, "check_domain_availability", "CheckDomainAvailability", dom, domains::check_domain_availability);
    let h = api.handle();
    api.func("check_domain_availability", dom, &["domain: &str", "Map"], move |ctx: NativeCallContext, d: &str| {
        h.run_as(&ROUTE53_DOMAINS, &ctx, "CheckDomainAvailability", "check_domain_availability", domains::check_domain_availability, map(&[("DomainName", s(d))]))
    });
    let reg = "Registers a domain: checks availability with the TLD, creates its hosted zone (four name servers) and puts those name servers into the TLD's delegation, so resolvers can find it. Returns `#{ OperationId, HostedZoneId, NameServers }` (the last two are the simulator's additions).\n```rhai\nlet d = route53::register_domain(\"cloudbook-demo.com\");\nd.HostedZoneId\n```";
    api.op_as(&ROUTE53_DOMAINS, "register_domain", "RegisterDomain", reg, domains::register_domain);
    let h = api.handle();
    api.func("register_domain", reg, &["domain: &str", "Map"], move |ctx: NativeCallContext, d: &str| {
        h.run_as(&ROUTE53_DOMAINS, &ctx, "RegisterDomain", "register_domain", domains::register_domain, map(&[("DomainName", s(d))]))
    });
    let detail = "A registered domain's details, including the name servers the TLD delegates to.\n```rhai\nroute53::get_domain_detail(\"cloudbook-demo.com\").Nameservers\n```";
    api.op_as(&ROUTE53_DOMAINS, "get_domain_detail", "GetDomainDetail", detail, domains::get_domain_detail);
    let h = api.handle();
    api.func("get_domain_detail", detail, &["domain: &str", "Map"], move |ctx: NativeCallContext, d: &str| {
        h.run_as(&ROUTE53_DOMAINS, &ctx, "GetDomainDetail", "get_domain_detail", domains::get_domain_detail, map(&[("DomainName", s(d))]))
    });
    api.op_as(
        &ROUTE53_DOMAINS,
        "update_domain_nameservers",
        "UpdateDomainNameservers",
        "Points the TLD's delegation for a domain at other name servers.\n```rhai\nroute53::update_domain_nameservers(#{ DomainName: \"cloudbook-demo.com\", Nameservers: [#{ Name: \"ns-1.awsdns-00.com\" }] })\n```",
        domains::update_domain_nameservers,
    );
    api.op_as(&ROUTE53_DOMAINS, "list_domains", "ListDomains", "The account's registered domains.\n```rhai\nroute53::list_domains().Domains\n```", domains::list_domains);
    api.func(
        "tlds",
        "The simulated Internet's TLDs and their name servers (as the root zone delegates them).\n```rhai\nroute53::tlds()\n```",
        &["Array"],
        || -> Dynamic {
            internet::TLDS
                .iter()
                .map(|t| {
                    let servers = internet::tld_servers(&format!("{t}."));
                    Dynamic::from_map(map(&[("Tld", s(&format!("{t}."))), ("NameServers", s(&servers.join(", ")))]))
                })
                .collect::<Array>()
                .into()
        },
    );

    // ---- zone files ----
    let h = api.handle();
    api.func(
        "import_zone_file",
        "Imports an RFC 1035 master file into a hosted zone as one ChangeResourceRecordSets batch of CREATEs ($ORIGIN, $TTL, relative names, multi-line records, comments). Like Route 53's import, the apex SOA and NS are ignored. Returns `#{ ChangeInfo, Imported, Ignored }`.\n```rhai\nroute53::import_zone_file(zone_id, \"$TTL 300\\nwww IN A 192.0.2.44\\n@ IN MX 10 mail\\nmail IN A 192.0.2.25\")\n```",
        &["zone_id: &str", "text: &str", "Map"],
        move |ctx: NativeCallContext, zone: &str, text: &str| -> RhaiResult {
            let zone_name = {
                let w = h.shared.lock();
                w.route53.zones.get(zone.trim_start_matches("/hostedzone/")).map(|z| z.name.clone())
            };
            let Some(zone_name) = zone_name else {
                return Err(throw(R53Error::NoSuchHostedZone.err(format!("No hosted zone found with ID: {zone}")), ctx.call_position()));
            };
            let records = zonefile::parse(text, &zone_name).map_err(|e| throw(invalid(format!("zone file: {e}")), ctx.call_position()))?;
            let sets = zonefile::record_sets(&records);
            let (ignored, sets): (Vec<_>, Vec<_>) = sets.into_iter().partition(|s| zonefile::ignored_on_import(s, &zone_name));
            let n = sets.len();
            let req = ChangeResourceRecordSetsRequest {
                hosted_zone_id: zone.to_string(),
                change_batch: ChangeBatch {
                    comment: Some("Imported zone file".into()),
                    changes: sets.into_iter().map(|s| Change { action: "CREATE".into(), resource_record_set: s }).collect(),
                },
            };
            let resp = run_native(&h, &ctx, &ROUTE53, "ChangeResourceRecordSets", ops::change_resource_record_sets, req)?;
            let mut m = resp.try_cast::<Map>().unwrap_or_default();
            m.insert("Imported".into(), (n as i64).into());
            m.insert("Ignored".into(), ignored.iter().map(|s| Dynamic::from(format!("{} {}", s.name, s.rr_type))).collect::<Array>().into());
            Ok(m.into())
        },
    );
    let h = api.handle();
    api.func(
        "export_zone_file",
        "Exports a hosted zone as an RFC 1035 master file ($ORIGIN, $TTL, multi-line SOA, relative names; alias and routing-policy records as comments).\n```rhai\nprint(route53::export_zone_file(zone_id))\n```",
        &["zone_id: &str", "String"],
        move |ctx: NativeCallContext, zone: &str| -> RhaiResult<String> {
            let mut w = h.shared.lock();
            let id = zone.trim_start_matches("/hostedzone/").to_string();
            w.call(&ROUTE53, "ListResourceRecordSets", json!({ "hostedZoneId": id }), |c| {
                ops::list_resource_record_sets(
                    c,
                    ops::ListResourceRecordSetsRequest { hosted_zone_id: id.clone(), start_record_name: None, start_record_type: None, start_record_identifier: None, max_items: None },
                )?;
                Ok(zonefile::export(&c.w.route53.zones[&id]))
            })
            .map_err(|e| throw(e, ctx.call_position()))
        },
    );

    // ---- resolvers ----
    let resolver_doc = "Creates a recursive resolver with its own TTL cache: `#{ Region, Location, Vpc }` (Region for latency routing, Location such as `\"US-WA\"`, `\"DE\"` or `\"EU\"` for geolocation routing, Vpc to see that VPC's private hosted zones).\n```rhai\nlet r = route53::resolver(#{ Region: \"eu-central-1\", Location: \"DE\" });\nr.resolve(\"www.example.com\", \"A\").Steps\n```";
    let h = api.handle();
    api.func("resolver", resolver_doc, &["config: Map", "Resolver"], move |ctx: NativeCallContext, cfg: Map| -> RhaiResult<ResolverHandle> {
        with_world(&h, &ctx, |w| {
            let mut region = None;
            let mut location = None;
            let mut vpc = None;
            for (k, v) in cfg.iter() {
                match k.as_str() {
                    "Region" => region = Some(v.clone().into_string().map_err(|_| invalid("Region must be a string"))?),
                    "Location" => location = Some(location_of(v)?),
                    "Vpc" | "VPCId" => vpc = Some(v.clone().into_string().map_err(|_| invalid("Vpc must be a string"))?),
                    other => return Err(invalid(format!("route53::resolver: unknown option `{other}` (known: Region, Location, Vpc)"))),
                }
            }
            let id = super::create_resolver(w, region, location, vpc)?;
            Ok(ResolverHandle { id })
        })
    });
    let h = api.handle();
    api.func("resolver", resolver_doc, &["Resolver"], move |ctx: NativeCallContext| -> RhaiResult<ResolverHandle> {
        with_world(&h, &ctx, |w| Ok(ResolverHandle { id: super::create_resolver(w, None, Some(super::default_location()), None)? }))
    });
    let h = api.handle();
    api.func(
        "default_resolver",
        "The resolver `route53::resolve` uses (region: the world's, location: US-VA).\n```rhai\nroute53::default_resolver().stats()\n```",
        &["Resolver"],
        move || {
            super::ensure_default_resolver(&mut h.shared.lock());
            ResolverHandle { id: DEFAULT_RESOLVER.into() }
        },
    );
    let resolve_doc = "Resolves a name like a recursive resolver: from the cache if a live entry answers, else by walking root -> TLD -> the domain's name servers. Returns `#{ Answer, Steps }`: Answer has Outcome (NOERROR, NXDOMAIN, NODATA, SERVFAIL), Name, Type, TTL (remaining), Values, Records (CNAME chain included), FromCache, and for MX the MailExchange it resolved; Steps is a table of the queries (Server, Question, Response, Ttl, Authoritative, FromCache).\n```rhai\nlet r = route53::resolve(\"www.example.com\", \"A\");\nr.Steps\n```";
    {
        let h = api.handle();
        api.func("resolve", resolve_doc, &["name: &str", "type: &str", "Map"], move |ctx: NativeCallContext, q: &str, t: &str| -> RhaiResult {
            let res = with_world(&h, &ctx, |w| super::resolve(w, DEFAULT_RESOLVER, q, t))?;
            to_dyn(&res)
        });
        let h = api.handle();
        api.func("resolve", resolve_doc, &["name: &str", "Map"], move |ctx: NativeCallContext, q: &str| -> RhaiResult {
            let res = with_world(&h, &ctx, |w| super::resolve(w, DEFAULT_RESOLVER, q, "A"))?;
            to_dyn(&res)
        });
    }
    let h = api.handle();
    method(&mut api, "resolve", resolve_doc, &["resolver: Resolver", "name: &str", "type: &str", "Map"], move |ctx: NativeCallContext, r: &mut ResolverHandle, q: &str, t: &str| -> RhaiResult {
        let res = with_world(&h, &ctx, |w| super::resolve(w, &r.id, q, t))?;
        to_dyn(&res)
    });
    let h = api.handle();
    method(&mut api, "resolve", resolve_doc, &["resolver: Resolver", "name: &str", "Map"], move |ctx: NativeCallContext, r: &mut ResolverHandle, q: &str| -> RhaiResult {
        let res = with_world(&h, &ctx, |w| super::resolve(w, &r.id, q, "A"))?;
        to_dyn(&res)
    });
    let h = api.handle();
    method(
        &mut api,
        "stats",
        "The resolver's cache statistics: `#{ Hits, Misses, Queries, Entries, HitRate }` (Entries: live entries now).\n```rhai\nr.stats().Hits\n```",
        &["resolver: Resolver", "Map"],
        move |ctx: NativeCallContext, r: &mut ResolverHandle| -> RhaiResult {
            with_world(&h, &ctx, |w| {
                let now = w.now();
                let res = w.route53.resolvers.get(&r.id).ok_or_else(|| invalid(format!("no resolver `{}`", r.id)))?;
                let st = res.stats;
                let total = st.hits + st.misses;
                Ok(Dynamic::from_map(map(&[
                    ("Hits", (st.hits as i64).into()),
                    ("Misses", (st.misses as i64).into()),
                    ("Queries", (st.queries as i64).into()),
                    ("Entries", (res.entries(now) as i64).into()),
                    ("HitRate", (if total == 0 { 0.0 } else { st.hits as f64 / total as f64 }).into()),
                ])))
            })
        },
    );
    let h = api.handle();
    method(
        &mut api,
        "cache",
        "The resolver's live cache entries as a table: Name, Type, Kind (answer, referral, NXDOMAIN, NODATA), TtlRemaining, ExpiresAt, Values.\n```rhai\nr.cache()\n```",
        &["resolver: Resolver", "Array"],
        move |ctx: NativeCallContext, r: &mut ResolverHandle| -> RhaiResult {
            let rows = with_world(&h, &ctx, |w| {
                let now = w.now();
                Ok(w.route53.resolvers.get(&r.id).ok_or_else(|| invalid(format!("no resolver `{}`", r.id)))?.cache_rows(now))
            })?;
            to_dyn(&rows)
        },
    );
    let h = api.handle();
    method(&mut api, "flush", "Empties the resolver's cache (statistics are kept).\n```rhai\nr.flush()\n```", &["resolver: Resolver", "()"], move |ctx: NativeCallContext, r: &mut ResolverHandle| -> RhaiResult<()> {
        with_world(&h, &ctx, |w| {
            w.route53.resolvers.get_mut(&r.id).ok_or_else(|| invalid(format!("no resolver `{}`", r.id)))?.flush();
            Ok(())
        })
    });
    let h = api.handle();
    method(
        &mut api,
        "chart",
        "The cache over time: cumulative hits and misses and live entries after each resolution, as a chart.\n```rhai\nr.chart()\n```",
        &["resolver: Resolver", "Chart"],
        move |ctx: NativeCallContext, r: &mut ResolverHandle| -> RhaiResult {
            let chart = with_world(&h, &ctx, |w| Ok(w.route53.resolvers.get(&r.id).ok_or_else(|| invalid(format!("no resolver `{}`", r.id)))?.chart()))?;
            Ok(Dynamic::from(chart))
        },
    );
    method(&mut api, "get$id", "The resolver's id.", &["resolver: Resolver", "String"], |r: &mut ResolverHandle| r.id.clone());
    let h = api.handle();
    method(&mut api, "to_string", "The resolver as text.", &["resolver: Resolver", "String"], move |r: &mut ResolverHandle| {
        let w = h.shared.lock();
        match w.route53.resolvers.get(&r.id) {
            Some(res) => format!("Resolver({}, region {}, {} cache entries)", res.id, res.region, res.entries(w.now())),
            None => format!("Resolver({})", r.id),
        }
    });
    method(&mut api, "to_debug", "The resolver as text.", &["resolver: Resolver", "String"], |r: &mut ResolverHandle| format!("Resolver({})", r.id));
    api.install(engine);
}

#[cfg(test)]
mod script_tests;
