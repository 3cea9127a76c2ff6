//! Route 53 API operations, one function per AWS operation. Each authorizes first, then
//! validates, then mutates: a failed call changes nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::authority::{self, QueryCtx, Response};
use super::error::R53Error;
use super::internet;
use super::model::{
    AliasTarget, ChangeRecord, HealthCheck, HealthCheckConfig, HostedZone, Policy, PROPAGATION_SECS, ResourceRecordSet, Vpc,
};
use super::name;
use super::rdata::{self, RrType};
use crate::policy::{ContextValue, ValueType};
use crate::world::authz::Authz;
use crate::world::{AwsError, Call, Duration, ErrorCode, Timestamp, places};

/// `MaxItems` is a string in Route 53's API; scripts may pass a number.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum MaxItems {
    Int(i64),
    Text(String),
}

impl MaxItems {
    fn get(v: &Option<MaxItems>, default: usize, max: usize) -> Result<usize, AwsError> {
        let n = match v {
            None => return Ok(default),
            Some(MaxItems::Int(i)) => *i,
            Some(MaxItems::Text(s)) => s.trim().parse::<i64>().map_err(|_| R53Error::InvalidInput.err(format!("MaxItems `{s}` is not a number")))?,
        };
        if n < 1 {
            return Err(R53Error::InvalidInput.err(format!("1 validation error detected: Value '{n}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")));
        }
        Ok((n as usize).min(max))
    }
}

/// `#{ Id, Status, SubmittedAt, Comment }`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeInfo {
    pub id: String,
    pub status: String,
    pub submitted_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl ChangeInfo {
    fn of(c: &ChangeRecord, now: Timestamp) -> Self {
        let insync = now >= c.submitted_at.plus(Duration::secs(PROPAGATION_SECS));
        ChangeInfo {
            id: format!("/change/{}", c.id),
            status: if insync { "INSYNC" } else { "PENDING" }.into(),
            submitted_at: c.submitted_at,
            comment: c.comment.clone(),
        }
    }
}

fn new_change(c: &mut Call<'_>, comment: Option<String>) -> ChangeInfo {
    let id = format!("C{}", c.rng().upper_alnum(20));
    let rec = ChangeRecord { id: id.clone(), submitted_at: c.now(), comment };
    let info = ChangeInfo::of(&rec, c.now());
    c.w.route53.changes.insert(id, rec);
    info
}

/// `#{ Comment, PrivateZone }`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HostedZoneConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub private_zone: Option<bool>,
}

/// The API's `HostedZone`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostedZoneOut {
    pub id: String,
    pub name: String,
    pub caller_reference: String,
    pub config: HostedZoneConfig,
    pub resource_record_set_count: i64,
}

impl HostedZoneOut {
    fn of(z: &HostedZone) -> Self {
        HostedZoneOut {
            id: z.path_id(),
            name: z.name.clone(),
            caller_reference: z.caller_reference.clone(),
            config: HostedZoneConfig { comment: z.comment.clone(), private_zone: Some(z.private) },
            resource_record_set_count: z.records.len() as i64,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelegationSet {
    pub name_servers: Vec<String>,
}

fn delegation_set(z: &HostedZone) -> Option<DelegationSet> {
    (!z.private).then(|| DelegationSet { name_servers: z.name_servers.iter().map(|s| s.trim_end_matches('.').to_string()).collect() })
}

/// Strips `/hostedzone/`.
fn zone_id(id: &str) -> String {
    id.trim().trim_start_matches("/hostedzone/").to_string()
}

fn zone_arn(id: &str) -> String {
    format!("arn:aws:route53:::hostedzone/{}", zone_id(id))
}

fn no_such_zone(id: &str) -> AwsError {
    R53Error::NoSuchHostedZone.err(format!("No hosted zone found with ID: {}", zone_id(id)))
}

/// The caller's zone `id` (other accounts' zones do not exist for the caller).
fn owned_zone<'a>(c: &'a Call<'_>, id: &str) -> Result<&'a HostedZone, AwsError> {
    let acct = c.account();
    c.w.route53.zones.get(&zone_id(id)).filter(|z| z.owner == acct).ok_or_else(|| no_such_zone(id))
}

fn authorize_zone(c: &mut Call<'_>, action: &str, id: &str) -> Result<(), AwsError> {
    let arn = zone_arn(id);
    let owner = c.w.route53.zones.get(&zone_id(id)).map(|z| z.owner.clone()).unwrap_or_else(|| c.account());
    c.resource(&arn, "AWS::Route53::HostedZone");
    c.authorize(Authz::new(action, &arn).owner(&owner))?;
    Ok(())
}

// ---------------------------------------------------------------- hosted zones

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateHostedZoneRequest {
    pub name: String,
    /// Required by AWS; the simulator generates one (a UUID) when omitted.
    #[serde(default)]
    pub caller_reference: Option<String>,
    #[serde(rename = "VPC", default)]
    pub vpc: Option<Vpc>,
    #[serde(default)]
    pub hosted_zone_config: Option<HostedZoneConfig>,
    #[serde(default)]
    pub delegation_set_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateHostedZoneResponse {
    pub hosted_zone: HostedZoneOut,
    pub change_info: ChangeInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegation_set: Option<DelegationSet>,
    #[serde(rename = "VPC", skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Vpc>,
    pub location: String,
}

/// The default SOA every zone starts with (Developer Guide, "NS and SOA records that
/// Route 53 creates for a public hosted zone").
pub const SOA_TTL: i64 = 900;
pub const NS_TTL: i64 = 172_800;
pub fn default_soa(primary_ns: &str) -> String {
    format!("{primary_ns} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400")
}

/// Private zones list these fixed name servers.
const PRIVATE_NS: [&str; 4] = ["ns-0.awsdns-00.com.", "ns-512.awsdns-00.net.", "ns-1024.awsdns-00.org.", "ns-1536.awsdns-00.co.uk."];

fn check_vpc(c: &Call<'_>, v: &Vpc) -> Result<Vpc, AwsError> {
    let id = v.vpc_id.trim();
    let hex = id.strip_prefix("vpc-").unwrap_or("");
    if hex.is_empty() || !hex.chars().all(|ch| ch.is_ascii_hexdigit()) {
        return Err(R53Error::InvalidVpcId.err("Invalid or missing VPC Id."));
    }
    let region = v.vpc_region.clone().unwrap_or_else(|| c.region());
    if !places::is_region(&region) {
        return Err(R53Error::InvalidInput.err(format!("Invalid VPC region: `{region}`")));
    }
    // The VPC must exist in the caller's account in that region (the API reference's text
    // for InvalidVPCId).
    if !crate::vpc::vpc_exists(c.w, &c.account(), &region, id) {
        return Err(R53Error::InvalidVpcId.err(
            "The VPC ID that you specified either isn't a valid ID or the current account is not authorized to access this VPC.",
        ));
    }
    Ok(Vpc { vpc_region: Some(region), vpc_id: id.to_string() })
}

pub fn create_hosted_zone(c: &mut Call<'_>, req: CreateHostedZoneRequest) -> Result<CreateHostedZoneResponse, AwsError> {
    c.authorize(Authz::new("route53:CreateHostedZone", "*"))?;
    let zname = name::canonical(&req.name).map_err(|e| R53Error::InvalidDomainName.err(format!("{} is not a valid domain name: {}", req.name, e.desc)))?;
    if zname == "." || internet::is_tld(&zname) {
        return Err(R53Error::InvalidDomainName.err(format!("{zname} is reserved by AWS!")));
    }
    if req.delegation_set_id.is_some() {
        return Err(R53Error::InvalidInput.err("Reusable delegation sets are not modelled by the simulator; omit `DelegationSetId`"));
    }
    let config = req.hosted_zone_config.clone().unwrap_or_default();
    let private = config.private_zone.unwrap_or(false) || req.vpc.is_some();
    let vpc = match &req.vpc {
        Some(v) => Some(check_vpc(c, v)?),
        None if private => {
            return Err(R53Error::InvalidInput.err(
                "When you're creating a private hosted zone (when you specify true for PrivateZone), you must also specify values for VPCId and VPCRegion.",
            ));
        }
        None => None,
    };
    let acct = c.account();
    if let Some(r) = &req.caller_reference {
        if r.is_empty() || r.len() > 128 {
            return Err(R53Error::InvalidInput.err("CallerReference must be 1 to 128 characters"));
        }
        if c.w.route53.zones.values().any(|z| z.owner == acct && &z.caller_reference == r) {
            return Err(R53Error::HostedZoneAlreadyExists.err("A hosted zone has already been created with the specified caller reference."));
        }
    }
    // Mutations start here.
    let caller_reference = req.caller_reference.clone().unwrap_or_else(|| c.rng().uuid());
    let id = format!("Z{}", c.rng().upper_alnum(20));
    let name_servers: Vec<String> = if private {
        PRIVATE_NS.iter().map(|s| s.to_string()).collect()
    } else {
        (0..4u32).map(|i| internet::awsdns_name(i * 512 + c.rng().below(512) as u32)).collect()
    };
    let mut zone = HostedZone {
        id: id.clone(),
        name: zname.clone(),
        owner: acct,
        caller_reference,
        comment: config.comment.clone(),
        private,
        vpcs: vpc.iter().cloned().collect(),
        name_servers: name_servers.clone(),
        records: BTreeMap::new(),
        created_at: c.now(),
    };
    let soa = ResourceRecordSet::simple(&zname, RrType::Soa, SOA_TTL, &[&default_soa(&name_servers[0])]);
    let ns_values: Vec<&str> = name_servers.iter().map(String::as_str).collect();
    let ns = ResourceRecordSet::simple(&zname, RrType::Ns, NS_TTL, &ns_values);
    zone.records.insert(soa.key(), soa);
    zone.records.insert(ns.key(), ns);
    c.resource(zone.arn(), "AWS::Route53::HostedZone");
    let change_info = new_change(c, None);
    let resp = CreateHostedZoneResponse {
        hosted_zone: HostedZoneOut::of(&zone),
        change_info,
        delegation_set: delegation_set(&zone),
        vpc,
        location: format!("https://route53.amazonaws.com/2013-04-01/hostedzone/{id}"),
    };
    c.w.route53.zones.insert(id, zone);
    Ok(resp)
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IdRequest {
    pub id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetHostedZoneResponse {
    pub hosted_zone: HostedZoneOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegation_set: Option<DelegationSet>,
    #[serde(rename = "VPCs", skip_serializing_if = "Option::is_none")]
    pub vpcs: Option<Vec<Vpc>>,
}

pub fn get_hosted_zone(c: &mut Call<'_>, req: IdRequest) -> Result<GetHostedZoneResponse, AwsError> {
    authorize_zone(c, "route53:GetHostedZone", &req.id)?;
    let z = owned_zone(c, &req.id)?;
    Ok(GetHostedZoneResponse {
        hosted_zone: HostedZoneOut::of(z),
        delegation_set: delegation_set(z),
        vpcs: z.private.then(|| z.vpcs.clone()),
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListHostedZonesRequest {
    #[serde(default)]
    pub marker: Option<String>,
    #[serde(default)]
    pub max_items: Option<MaxItems>,
    #[serde(default)]
    pub hosted_zone_type: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHostedZonesResponse {
    pub hosted_zones: Vec<HostedZoneOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    pub max_items: String,
}

pub fn list_hosted_zones(c: &mut Call<'_>, req: ListHostedZonesRequest) -> Result<ListHostedZonesResponse, AwsError> {
    c.authorize(Authz::new("route53:ListHostedZones", "*"))?;
    let max = MaxItems::get(&req.max_items, 100, 100)?;
    let private_filter = match req.hosted_zone_type.as_deref() {
        None => None,
        Some("PrivateHostedZone") => Some(true),
        Some(other) => {
            return Err(R53Error::InvalidInput.err(format!("HostedZoneType `{other}` is not valid (PrivateHostedZone)")));
        }
    };
    let acct = c.account();
    let start = req.marker.as_deref().map(zone_id).unwrap_or_default();
    let mut zones = c.w.route53.zones.range(start..).map(|(_, z)| z).filter(|z| z.owner == acct && private_filter.is_none_or(|p| z.private == p));
    let page: Vec<HostedZoneOut> = zones.by_ref().take(max).map(HostedZoneOut::of).collect();
    let next = zones.next().map(|z| z.id.clone());
    Ok(ListHostedZonesResponse { hosted_zones: page, marker: req.marker, is_truncated: next.is_some(), next_marker: next, max_items: max.to_string() })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeInfoResponse {
    pub change_info: ChangeInfo,
}

pub fn delete_hosted_zone(c: &mut Call<'_>, req: IdRequest) -> Result<ChangeInfoResponse, AwsError> {
    authorize_zone(c, "route53:DeleteHostedZone", &req.id)?;
    let z = owned_zone(c, &req.id)?;
    if z.user_record_count() > 0 {
        return Err(R53Error::HostedZoneNotEmpty.err("The hosted zone contains resource records that are not SOA or NS records."));
    }
    let id = z.id.clone();
    c.w.route53.zones.remove(&id);
    Ok(ChangeInfoResponse { change_info: new_change(c, None) })
}

pub fn get_change(c: &mut Call<'_>, req: IdRequest) -> Result<ChangeInfoResponse, AwsError> {
    let id = req.id.trim().trim_start_matches("/change/").to_string();
    let arn = format!("arn:aws:route53:::change/{id}");
    c.authorize(Authz::new("route53:GetChange", &arn))?;
    let rec = c.w.route53.changes.get(&id).ok_or_else(|| R53Error::NoSuchChange.err(format!("A change with the specified change ID does not exist: {id}")))?;
    Ok(ChangeInfoResponse { change_info: ChangeInfo::of(rec, c.now()) })
}

// ---------------------------------------------------------------- record sets

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Change {
    pub action: String,
    pub resource_record_set: ResourceRecordSet,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ChangeBatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ChangeResourceRecordSetsRequest {
    pub hosted_zone_id: String,
    pub change_batch: ChangeBatch,
}

/// Route 53 limits a change batch to 1,000 ResourceRecord elements.
pub const MAX_CHANGE_RECORDS: usize = 1000;

fn describe_change(action: &str, s: &ResourceRecordSet) -> String {
    format!(
        "[Action={action}, Name={}, Type={}, SetIdentifier={}]",
        s.name,
        s.rr_type,
        s.set_identifier.as_deref().unwrap_or("null")
    )
}

fn constraint(i: usize, field: &str, v: i64, rule: &str) -> AwsError {
    R53Error::InvalidInput.err(format!(
        "1 validation error detected: Value '{v}' at 'changeBatch.changes.{i}.member.resourceRecordSet.{field}' failed to satisfy constraint: Member must have value {rule}"
    ))
}

/// Checks a change's shape (InvalidInput / NoSuchHealthCheck problems) and returns the record
/// set with its name and type canonical.
fn shape(c: &Call<'_>, i: usize, ch: &Change) -> Result<(RrType, ResourceRecordSet), AwsError> {
    if !matches!(ch.action.as_str(), "CREATE" | "DELETE" | "UPSERT") {
        return Err(R53Error::InvalidInput.err(format!(
            "Invalid XML ; cvc-enumeration-valid: Value '{}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.",
            ch.action
        )));
    }
    let mut s = ch.resource_record_set.clone();
    let t: RrType = s.rr_type.parse().map_err(|_| {
        R53Error::InvalidInput.err(format!(
            "Invalid XML ; cvc-enumeration-valid: Value '{}' is not facet-valid with respect to enumeration '[SOA, A, TXT, NS, CNAME, MX, NAPTR, PTR, SRV, SPF, AAAA, CAA, DS]'. It must be a value from the enumeration.",
            s.rr_type
        ))
    })?;
    s.rr_type = t.as_str().to_string();
    let has_alias = s.alias_target.is_some();
    let has_records = s.ttl.is_some() || s.resource_records.is_some();
    let complete = s.ttl.is_some() && s.resource_records.is_some();
    if has_alias == has_records || (!has_alias && !complete) {
        let found = if has_alias && has_records { "more than one" } else { "none" };
        return Err(R53Error::InvalidInput.err(format!(
            "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found {found} in Change with {}",
            describe_change(&ch.action, &s)
        )));
    }
    if let Some(ttl) = s.ttl {
        if ttl < 0 {
            return Err(constraint(i, "tTL", ttl, "greater than or equal to 0"));
        }
        if ttl > 2_147_483_647 {
            return Err(constraint(i, "tTL", ttl, "less than or equal to 2147483647"));
        }
    }
    if s.resource_records.as_ref().is_some_and(|r| r.is_empty()) {
        return Err(R53Error::InvalidInput.err(format!(
            "1 validation error detected: Value '[]' at 'changeBatch.changes.{i}.member.resourceRecordSet.resourceRecords' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )));
    }
    if let Some(w) = s.weight {
        if w < 0 {
            return Err(constraint(i, "weight", w, "greater than or equal to 0"));
        }
        if w > 255 {
            return Err(constraint(i, "weight", w, "less than or equal to 255"));
        }
    }
    let policies = [s.weight.is_some(), s.failover.is_some(), s.region.is_some(), s.geo_location.is_some(), s.multi_value_answer.is_some()];
    if policies.iter().filter(|p| **p).count() > 1 {
        return Err(R53Error::InvalidInput.err(format!(
            "Invalid request: a record set has one routing policy (Weight, Failover, Region, GeoLocation or MultiValueAnswer), but found several in Change with {}",
            describe_change(&ch.action, &s)
        )));
    }
    let routed = s.policy() != Policy::Simple;
    match (&s.set_identifier, routed) {
        (None, true) => {
            return Err(R53Error::InvalidInput.err(format!("Invalid request: Missing field 'SetIdentifier' in Change with {}", describe_change(&ch.action, &s))));
        }
        (Some(_), false) => {
            return Err(R53Error::InvalidInput.err(format!(
                "Invalid request: Unexpected SetIdentifier: it is allowed only with a routing policy (Weight, Failover, Region, GeoLocation or MultiValueAnswer) in Change with {}",
                describe_change(&ch.action, &s)
            )));
        }
        (Some(id), true) if id.is_empty() || id.len() > 128 => {
            return Err(R53Error::InvalidInput.err("SetIdentifier must be 1 to 128 characters"));
        }
        _ => {}
    }
    if let Some(f) = &s.failover
        && f != "PRIMARY" && f != "SECONDARY" {
            return Err(R53Error::InvalidInput.err(format!(
                "Invalid XML ; cvc-enumeration-valid: Value '{f}' is not facet-valid with respect to enumeration '[PRIMARY, SECONDARY]'. It must be a value from the enumeration."
            )));
        }
    if let Some(r) = &s.region
        && !places::is_region(r) {
            return Err(R53Error::InvalidInput.err(format!("Invalid request: `{r}` is not a region (latency records name an AWS Region)")));
        }
    if let Some(g) = &s.geo_location {
        let cc = g.country_code.as_deref();
        match (&g.continent_code, cc, &g.subdivision_code) {
            (Some(k), None, None) if internet::CONTINENTS.contains(&k.as_str()) => {}
            (None, Some("*"), None) => {}
            (None, Some(cc), sub) if cc.len() == 2 && cc.chars().all(|ch| ch.is_ascii_uppercase()) && (sub.is_none() || cc == "US") => {}
            _ => {
                return Err(R53Error::InvalidInput.err(format!(
                    "Invalid request: GeoLocation takes a ContinentCode (AF, AN, AS, EU, NA, OC, SA), a CountryCode (\"*\" for the default), or CountryCode US with a SubdivisionCode; got {g:?} in Change with {}",
                    describe_change(&ch.action, &s)
                )));
            }
        }
    }
    if s.multi_value_answer == Some(false) {
        return Err(R53Error::InvalidInput.err("Invalid request: MultiValueAnswer must be true when present"));
    }
    if s.multi_value_answer.is_some() && has_alias {
        return Err(R53Error::InvalidInput.err(format!("Invalid request: a multivalue answer record can't be an alias, in Change with {}", describe_change(&ch.action, &s))));
    }
    if let Some(id) = &s.health_check_id
        && !c.w.route53.health_checks.contains_key(id) {
            return Err(R53Error::NoSuchHealthCheck.err(format!("A health check with id {id} does not exist.")));
        }
    Ok((t, s))
}

/// Checks a CREATE/UPSERT against the zone as the batch has left it so far (`working`),
/// pushing Route 53's InvalidChangeBatch messages into `errs`.
fn check_upsert(z: &HostedZone, working: &BTreeMap<String, ResourceRecordSet>, t: RrType, s: &ResourceRecordSet, create: bool, errs: &mut Vec<String>) {
    let n = &s.name;
    if !name::in_zone(n, &z.name) {
        errs.push(format!("RRSet with DNS name {n} is not permitted in zone {}", z.name));
        return;
    }
    let at_apex = *n == z.name;
    if t == RrType::Cname && at_apex {
        errs.push(format!("RRSet of type CNAME with DNS name {n} is not permitted at apex in zone {}", z.name));
        return;
    }
    if t == RrType::Soa && !at_apex {
        errs.push(format!("RRSet of type SOA with DNS name {n} is not permitted: a zone has one SOA record, at its apex {}", z.name));
        return;
    }
    let values: Vec<&str> = s.values().collect();
    for v in &values {
        if let Err(e) = rdata::validate(t, v) {
            errs.push(e);
        }
    }
    for (i, v) in values.iter().enumerate() {
        if values[..i].iter().any(|w| w.trim() == v.trim()) {
            errs.push(format!("Duplicate Resource Record: '{}'", v.trim()));
        }
    }
    if matches!(t, RrType::Cname | RrType::Soa) && values.len() > 1 {
        errs.push(format!("RRSet of type {t} with DNS name {n} has more than one resource record; a {t} record set holds exactly one value"));
    }
    if s.multi_value_answer.is_some() && values.len() > 1 {
        errs.push(format!("RRSet with DNS name {n}, type {t}, SetIdentifier {} has more than one resource record; a multivalue answer record holds one value", s.set_identifier.as_deref().unwrap_or("")));
    }
    if let Some(a) = &s.alias_target {
        check_alias(z, working, t, s, a, errs);
    }
    let key = s.key();
    if create && working.contains_key(&key) {
        errs.push(format!("Tried to create resource record set {} but it already exists", s.describe()));
        return;
    }
    let prefix = format!("{} ", name::reversed(n));
    let others: Vec<&ResourceRecordSet> = working.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).filter(|(k, _)| **k != key).map(|(_, v)| v).collect();
    if t == RrType::Cname && others.iter().any(|o| o.rtype() != RrType::Cname) {
        errs.push(format!("RRSet of type CNAME with DNS name {n} is not permitted as it conflicts with other records with the same DNS name in zone {}", z.name));
        return;
    }
    if t != RrType::Cname && others.iter().any(|o| o.rtype() == RrType::Cname) {
        // (The double space is Route 53's.)
        errs.push(format!("RRSet of type {t} with DNS name {n} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone {}", z.name));
        return;
    }
    let same_type: Vec<&&ResourceRecordSet> = others.iter().filter(|o| o.rtype() == t).collect();
    let policy = s.policy();
    if let Some(o) = same_type.iter().find(|o| o.policy() != policy) {
        match &s.set_identifier {
            Some(id) => errs.push(format!("RRSet with DNS name {n}, type {t}, SetIdentifier {id} cannot be created as a non-{} set exists with the same name and type.", policy.word())),
            None => errs.push(format!("RRSet with DNS name {n}, type {t} cannot be created as other RRSets exist with the same name and type (a {} set).", o.policy().word())),
        }
        return;
    }
    if policy == Policy::Failover
        && let Some(o) = same_type.iter().find(|o| o.failover == s.failover) {
            errs.push(format!(
                "RRSet with DNS name {n}, type {t}, SetIdentifier {} cannot be created because a {} failover record ({}) already exists with the same name and type.",
                s.set_identifier.as_deref().unwrap_or(""),
                s.failover.as_deref().unwrap_or(""),
                o.set_identifier.as_deref().unwrap_or("")
            ));
        }
    if policy == Policy::Weighted && same_type.len() >= 100 {
        errs.push(format!("RRSet with DNS name {n}, type {t}: at most 100 weighted records may share a name and type"));
    }
}

fn check_alias(z: &HostedZone, working: &BTreeMap<String, ResourceRecordSet>, t: RrType, s: &ResourceRecordSet, a: &AliasTarget, errs: &mut Vec<String>) {
    let target = match name::canonical(&a.dns_name) {
        Ok(n) => n,
        Err(e) => {
            errs.push(e.fatal());
            return;
        }
    };
    let lies_outside = || format!("Tried to create an alias that targets {target}, type {t} in zone {}, but the alias target name does not lie within the target zone", a.hosted_zone_id);
    if a.hosted_zone_id == z.id {
        if !name::in_zone(&target, &z.name) {
            errs.push(lies_outside());
            return;
        }
        let prefix = format!("{} {} ", name::reversed(&target), t.as_str());
        let exists = working.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).any(|(k, _)| *k != s.key());
        if !exists {
            errs.push(format!("Tried to create an alias that targets {target}, type {t} in zone {}, but that target was not found", a.hosted_zone_id));
        }
    } else if let Some((_, endpoint)) = internet::s3_website(&a.hosted_zone_id) {
        // Route 53 accepts the alias whether or not a bucket of that name exists (AWS does not
        // check either): the website endpoint picks the bucket from the Host header, so a
        // request to a name without a matching bucket gets NoSuchBucket (see s3::website).
        if target != endpoint || t != RrType::A {
            errs.push(lies_outside());
        }
    } else {
        errs.push(lies_outside());
    }
}

/// Applies a batch to a copy of the zone's records; returns the new records or every
/// problem found.
pub fn apply_batch(c: &Call<'_>, z: &HostedZone, batch: &ChangeBatch) -> Result<BTreeMap<String, ResourceRecordSet>, AwsError> {
    if batch.changes.is_empty() {
        return Err(R53Error::InvalidInput.err(
            "1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    let value_count: usize = batch.changes.iter().map(|ch| ch.resource_record_set.values().count().max(1)).sum();
    if value_count > MAX_CHANGE_RECORDS {
        return Err(R53Error::InvalidChangeBatch.err(format!("Number of records limit of {MAX_CHANGE_RECORDS} exceeded.")));
    }
    let mut working = z.records.clone();
    let mut errs = Vec::new();
    let mut touched: BTreeMap<String, &str> = BTreeMap::new();
    for (i, ch) in batch.changes.iter().enumerate() {
        let (t, mut s) = shape(c, i + 1, ch)?;
        match name::canonical(&s.name) {
            Ok(n) => s.name = n,
            Err(e) => {
                errs.push(e.fatal());
                continue;
            }
        }
        let key = s.key();
        if let Some(prev) = touched.insert(key.clone(), ch.action.as_str()) {
            // One DELETE then one CREATE of a set is a replacement; anything else repeats.
            if !(prev == "DELETE" && ch.action == "CREATE") {
                errs.push(format!("The request contains an invalid set of changes for a resource record set '{} {}'", s.rr_type, s.name));
                continue;
            }
        }
        match ch.action.as_str() {
            "DELETE" => match working.get(&key) {
                None => errs.push(format!("Tried to delete resource record set {} but it was not found", s.describe())),
                Some(cur) if *cur != s => errs.push(format!("Tried to delete resource record set {} but the values provided do not match the current values", s.describe())),
                Some(_) if s.name == z.name && t == RrType::Soa => errs.push("A HostedZone must contain exactly one SOA record.".into()),
                Some(_) if s.name == z.name && t == RrType::Ns => errs.push("A HostedZone must contain at least one NS record for the zone itself.".into()),
                Some(_) => {
                    working.remove(&key);
                }
            },
            action => {
                let before = errs.len();
                check_upsert(z, &working, t, &s, action == "CREATE", &mut errs);
                if errs.len() == before {
                    working.insert(key, s);
                }
            }
        }
    }
    match errs.len() {
        0 => Ok(working),
        1 => Err(R53Error::InvalidChangeBatch.err(errs.remove(0))),
        _ => Err(R53Error::InvalidChangeBatch.err(format!("[{}]", errs.join(", ")))),
    }
}

pub fn change_resource_record_sets(c: &mut Call<'_>, req: ChangeResourceRecordSetsRequest) -> Result<ChangeInfoResponse, AwsError> {
    let arn = zone_arn(&req.hosted_zone_id);
    let owner = c.w.route53.zones.get(&zone_id(&req.hosted_zone_id)).map(|z| z.owner.clone()).unwrap_or_else(|| c.account());
    c.resource(&arn, "AWS::Route53::HostedZone");
    let list = |f: &dyn Fn(&Change) -> String| {
        let mut v: Vec<String> = req.change_batch.changes.iter().map(f).collect();
        v.sort();
        v.dedup();
        ContextValue::list(ValueType::String, v)
    };
    c.authorize(
        Authz::new("route53:ChangeResourceRecordSets", &arn)
            .owner(&owner)
            .ctx("route53:ChangeResourceRecordSetsNormalizedRecordNames", list(&|ch| name::fqdn(&ch.resource_record_set.name).trim_end_matches('.').to_string()))
            .ctx("route53:ChangeResourceRecordSetsRecordTypes", list(&|ch| ch.resource_record_set.rr_type.to_ascii_uppercase()))
            .ctx("route53:ChangeResourceRecordSetsActions", list(&|ch| ch.action.clone())),
    )?;
    let z = owned_zone(c, &req.hosted_zone_id)?;
    let records = apply_batch(c, z, &req.change_batch)?;
    let id = z.id.clone();
    if let Some(z) = c.w.route53.zones.get_mut(&id) {
        z.records = records;
    }
    Ok(ChangeInfoResponse { change_info: new_change(c, req.change_batch.comment.clone()) })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListResourceRecordSetsRequest {
    pub hosted_zone_id: String,
    #[serde(default)]
    pub start_record_name: Option<String>,
    #[serde(default)]
    pub start_record_type: Option<String>,
    #[serde(default)]
    pub start_record_identifier: Option<String>,
    #[serde(default)]
    pub max_items: Option<MaxItems>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceRecordSetsResponse {
    pub resource_record_sets: Vec<ResourceRecordSet>,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_record_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_record_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_record_identifier: Option<String>,
    pub max_items: String,
}

pub fn list_resource_record_sets(c: &mut Call<'_>, req: ListResourceRecordSetsRequest) -> Result<ListResourceRecordSetsResponse, AwsError> {
    authorize_zone(c, "route53:ListResourceRecordSets", &req.hosted_zone_id)?;
    let max = MaxItems::get(&req.max_items, 300, 300)?;
    if req.start_record_type.is_some() && req.start_record_name.is_none() {
        return Err(R53Error::InvalidInput.err("The input is not valid: StartRecordType requires StartRecordName"));
    }
    let start_type = match &req.start_record_type {
        Some(t) => t.parse::<RrType>().map_err(|e| R53Error::InvalidInput.err(e))?.as_str().to_string(),
        None => String::new(),
    };
    let start = match &req.start_record_name {
        Some(n) => {
            let n = name::canonical(n).map_err(|e| R53Error::InvalidInput.err(e.fatal()))?;
            format!("{} {} {}", name::reversed(&n), start_type, req.start_record_identifier.as_deref().unwrap_or(""))
        }
        None => String::new(),
    };
    let z = owned_zone(c, &req.hosted_zone_id)?;
    let mut it = z.records.range(start..).map(|(_, s)| s);
    let page: Vec<ResourceRecordSet> = it.by_ref().take(max).cloned().collect();
    let next = it.next();
    Ok(ListResourceRecordSetsResponse {
        resource_record_sets: page,
        is_truncated: next.is_some(),
        next_record_name: next.map(|s| s.name.clone()),
        next_record_type: next.map(|s| s.rr_type.clone()),
        next_record_identifier: next.and_then(|s| s.set_identifier.clone()),
        max_items: max.to_string(),
    })
}

// ---------------------------------------------------------------- health checks

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateHealthCheckRequest {
    pub caller_reference: String,
    pub health_check_config: HealthCheckConfig,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthCheckOut {
    pub id: String,
    pub caller_reference: String,
    pub health_check_config: HealthCheckConfig,
    pub health_check_version: i64,
}

impl HealthCheckOut {
    fn of(h: &HealthCheck) -> Self {
        HealthCheckOut { id: h.id.clone(), caller_reference: h.caller_reference.clone(), health_check_config: h.config.clone(), health_check_version: h.version }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateHealthCheckResponse {
    pub health_check: HealthCheckOut,
    pub location: String,
}

const CHECK_TYPES: [&str; 8] = ["HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC", "RECOVERY_CONTROL"];

fn normalize_check(mut cfg: HealthCheckConfig) -> Result<HealthCheckConfig, AwsError> {
    if !CHECK_TYPES.contains(&cfg.check_type.as_str()) {
        return Err(R53Error::InvalidInput.err(format!(
            "Invalid XML ; cvc-enumeration-valid: Value '{}' is not facet-valid with respect to enumeration '[HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL]'. It must be a value from the enumeration.",
            cfg.check_type
        )));
    }
    let endpoint = !matches!(cfg.check_type.as_str(), "CALCULATED" | "CLOUDWATCH_METRIC" | "RECOVERY_CONTROL");
    if endpoint {
        if cfg.ip_address.is_none() && cfg.fully_qualified_domain_name.is_none() {
            return Err(R53Error::InvalidInput.err("Invalid parameter: an endpoint health check needs IPAddress or FullyQualifiedDomainName"));
        }
        if let Some(ip) = &cfg.ip_address
            && ip.parse::<std::net::IpAddr>().is_err() {
                return Err(R53Error::InvalidInput.err(format!("Invalid IP address: {ip}")));
            }
        let https = cfg.check_type.starts_with("HTTPS");
        let port = cfg.port.unwrap_or(if https { 443 } else { 80 });
        if !(1..=65535).contains(&port) {
            return Err(R53Error::InvalidInput.err(format!("1 validation error detected: Value '{port}' at 'healthCheckConfig.port' failed to satisfy constraint: Member must have value between 1 and 65535")));
        }
        cfg.port = Some(port);
        if cfg.check_type.ends_with("STR_MATCH") && cfg.search_string.is_none() {
            return Err(R53Error::InvalidInput.err("Invalid parameter: a string-matching health check needs SearchString"));
        }
    }
    let interval = cfg.request_interval.unwrap_or(30);
    if interval != 10 && interval != 30 {
        return Err(R53Error::InvalidInput.err(format!("Invalid parameter: RequestInterval must be 10 or 30 seconds, got {interval}")));
    }
    cfg.request_interval = Some(interval);
    let threshold = cfg.failure_threshold.unwrap_or(3);
    if !(1..=10).contains(&threshold) {
        return Err(R53Error::InvalidInput.err(format!("1 validation error detected: Value '{threshold}' at 'healthCheckConfig.failureThreshold' failed to satisfy constraint: Member must have value between 1 and 10")));
    }
    cfg.failure_threshold = Some(threshold);
    Ok(cfg)
}

pub fn create_health_check(c: &mut Call<'_>, req: CreateHealthCheckRequest) -> Result<CreateHealthCheckResponse, AwsError> {
    c.authorize(Authz::new("route53:CreateHealthCheck", "*"))?;
    let cfg = normalize_check(req.health_check_config)?;
    let acct = c.account();
    if let Some(h) = c.w.route53.health_checks.values().find(|h| h.owner == acct && h.caller_reference == req.caller_reference) {
        // Same reference and settings: Route 53 returns the existing check.
        if h.config == cfg {
            return Ok(CreateHealthCheckResponse { health_check: HealthCheckOut::of(h), location: format!("https://route53.amazonaws.com/2013-04-01/healthcheck/{}", h.id) });
        }
        return Err(R53Error::HealthCheckAlreadyExists.err(format!(
            "A health check with the caller reference {} already exists, with different settings.",
            req.caller_reference
        )));
    }
    let id = c.rng().uuid();
    let h = HealthCheck { id: id.clone(), owner: acct, caller_reference: req.caller_reference, config: cfg, version: 1, healthy: true, status_changed_at: c.now() };
    c.resource(format!("arn:aws:route53:::healthcheck/{id}"), "AWS::Route53::HealthCheck");
    let out = HealthCheckOut::of(&h);
    c.w.route53.health_checks.insert(id.clone(), h);
    Ok(CreateHealthCheckResponse { health_check: out, location: format!("https://route53.amazonaws.com/2013-04-01/healthcheck/{id}") })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HealthCheckIdRequest {
    pub health_check_id: String,
}

fn owned_check<'a>(c: &'a Call<'_>, id: &str) -> Result<&'a HealthCheck, AwsError> {
    let acct = c.account();
    c.w.route53.health_checks.get(id).filter(|h| h.owner == acct).ok_or_else(|| R53Error::NoSuchHealthCheck.err(format!("A health check with id {id} does not exist.")))
}

fn authorize_check(c: &mut Call<'_>, action: &str, id: &str) -> Result<(), AwsError> {
    let arn = format!("arn:aws:route53:::healthcheck/{id}");
    c.resource(&arn, "AWS::Route53::HealthCheck");
    c.authorize(Authz::new(action, &arn))?;
    Ok(())
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetHealthCheckResponse {
    pub health_check: HealthCheckOut,
}

pub fn get_health_check(c: &mut Call<'_>, req: HealthCheckIdRequest) -> Result<GetHealthCheckResponse, AwsError> {
    authorize_check(c, "route53:GetHealthCheck", &req.health_check_id)?;
    Ok(GetHealthCheckResponse { health_check: HealthCheckOut::of(owned_check(c, &req.health_check_id)?) })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHealthChecksResponse {
    pub health_checks: Vec<HealthCheckOut>,
    pub is_truncated: bool,
    pub max_items: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListHealthChecksRequest {
    #[serde(default)]
    pub max_items: Option<MaxItems>,
}

pub fn list_health_checks(c: &mut Call<'_>, req: ListHealthChecksRequest) -> Result<ListHealthChecksResponse, AwsError> {
    c.authorize(Authz::new("route53:ListHealthChecks", "*"))?;
    let max = MaxItems::get(&req.max_items, 100, 1000)?;
    let acct = c.account();
    let all: Vec<HealthCheckOut> = c.w.route53.health_checks.values().filter(|h| h.owner == acct).map(HealthCheckOut::of).collect();
    Ok(ListHealthChecksResponse { is_truncated: all.len() > max, health_checks: all.into_iter().take(max).collect(), max_items: max.to_string() })
}

#[derive(Clone, Debug, Serialize)]
pub struct Empty {}

/// Route 53 does not stop you from deleting a health check that records still use; those
/// records are then treated as healthy.
pub fn delete_health_check(c: &mut Call<'_>, req: HealthCheckIdRequest) -> Result<Empty, AwsError> {
    authorize_check(c, "route53:DeleteHealthCheck", &req.health_check_id)?;
    owned_check(c, &req.health_check_id)?;
    c.w.route53.health_checks.remove(&req.health_check_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusReport {
    pub status: String,
    pub checked_time: Timestamp,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Observation {
    pub region: String,
    #[serde(rename = "IPAddress")]
    pub ip_address: String,
    pub status_report: StatusReport,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetHealthCheckStatusResponse {
    pub health_check_observations: Vec<Observation>,
}

/// The health checker regions reported (a subset of Route 53's eight) and their addresses.
const CHECKERS: [(&str, &str); 3] = [("us-east-1", "15.177.2.10"), ("us-west-1", "15.177.10.10"), ("eu-west-1", "15.177.62.10")];

pub fn get_health_check_status(c: &mut Call<'_>, req: HealthCheckIdRequest) -> Result<GetHealthCheckStatusResponse, AwsError> {
    authorize_check(c, "route53:GetHealthCheckStatus", &req.health_check_id)?;
    let h = owned_check(c, &req.health_check_id)?;
    let status = if h.healthy { "Success: HTTP Status Code 200, OK" } else { "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall." };
    let checked = c.now();
    Ok(GetHealthCheckStatusResponse {
        health_check_observations: CHECKERS
            .iter()
            .map(|(r, ip)| Observation { region: r.to_string(), ip_address: ip.to_string(), status_report: StatusReport { status: status.into(), checked_time: checked } })
            .collect(),
    })
}

// ---------------------------------------------------------------- TestDNSAnswer

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestDnsAnswerRequest {
    #[serde(rename = "HostedZoneId")]
    pub hosted_zone_id: String,
    #[serde(rename = "RecordName")]
    pub record_name: String,
    #[serde(rename = "RecordType")]
    pub record_type: String,
    #[serde(rename = "ResolverIP", default)]
    pub resolver_ip: Option<String>,
    #[serde(rename = "EDNS0ClientSubnetIP", default)]
    pub edns0_client_subnet_ip: Option<String>,
    #[serde(rename = "EDNS0ClientSubnetMask", default)]
    pub edns0_client_subnet_mask: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TestDnsAnswerResponse {
    pub nameserver: String,
    pub record_name: String,
    pub record_type: String,
    pub record_data: Vec<String>,
    pub response_code: String,
    pub protocol: String,
}

/// TestDNSAnswer: what one of the zone's name servers answers, routing policies included.
pub fn test_dns_answer(c: &mut Call<'_>, req: TestDnsAnswerRequest) -> Result<TestDnsAnswerResponse, AwsError> {
    c.authorize(Authz::new("route53:TestDNSAnswer", "*"))?;
    for ip in [&req.resolver_ip, &req.edns0_client_subnet_ip].into_iter().flatten() {
        if ip.parse::<std::net::IpAddr>().is_err() {
            return Err(R53Error::InvalidInput.err(format!("Invalid IP address: {ip}")));
        }
    }
    let t: RrType = req.record_type.parse().map_err(|e| R53Error::InvalidInput.err(e))?;
    let qname = name::canonical(&req.record_name).map_err(|e| R53Error::InvalidInput.err(e.fatal()))?;
    let z = owned_zone(c, &req.hosted_zone_id)?.clone();
    let ctx = QueryCtx { region: c.region(), location: None };
    let (code, data) = {
        let w = &mut *c.w;
        match authority::zone_answer(&w.route53, &mut w.rng, &z, &qname, t, &ctx) {
            Response::Answer(rrs) => ("NOERROR", rrs.into_iter().map(|r| r.value).collect()),
            Response::Referral { ns, .. } => ("NOERROR", ns.into_iter().map(|r| r.value).collect()),
            Response::NoData(_) => ("NOERROR", Vec::new()),
            Response::NxDomain(_) => ("NXDOMAIN", Vec::new()),
            Response::Refused => ("REFUSED", Vec::new()),
        }
    };
    Ok(TestDnsAnswerResponse {
        nameserver: z.name_servers.first().map(|s| s.trim_end_matches('.').to_string()).unwrap_or_default(),
        record_name: qname,
        record_type: t.as_str().into(),
        record_data: data,
        response_code: code.into(),
        protocol: "UDP".into(),
    })
}

// ---------------------------------------------------------------- private zone VPCs

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VpcAssociationRequest {
    pub hosted_zone_id: String,
    #[serde(rename = "VPC")]
    pub vpc: Vpc,
    #[serde(default)]
    pub comment: Option<String>,
}

pub fn associate_vpc_with_hosted_zone(c: &mut Call<'_>, req: VpcAssociationRequest) -> Result<ChangeInfoResponse, AwsError> {
    authorize_zone(c, "route53:AssociateVPCWithHostedZone", &req.hosted_zone_id)?;
    let vpc = check_vpc(c, &req.vpc)?;
    let z = owned_zone(c, &req.hosted_zone_id)?;
    if !z.private {
        return Err(R53Error::PublicZoneVpcAssociation.err(
            "You're trying to associate a VPC with a public hosted zone. Amazon Route 53 doesn't support associating a VPC with a public hosted zone.",
        ));
    }
    if z.vpcs.iter().any(|v| v.vpc_id == vpc.vpc_id) {
        return Err(R53Error::ConflictingDomainExists.err(format!("The VPC {} is already associated with the hosted zone {}", vpc.vpc_id, z.id)));
    }
    let id = z.id.clone();
    if let Some(z) = c.w.route53.zones.get_mut(&id) {
        z.vpcs.push(vpc);
    }
    Ok(ChangeInfoResponse { change_info: new_change(c, req.comment) })
}

pub fn disassociate_vpc_from_hosted_zone(c: &mut Call<'_>, req: VpcAssociationRequest) -> Result<ChangeInfoResponse, AwsError> {
    authorize_zone(c, "route53:DisassociateVPCFromHostedZone", &req.hosted_zone_id)?;
    let z = owned_zone(c, &req.hosted_zone_id)?;
    if !z.vpcs.iter().any(|v| v.vpc_id == req.vpc.vpc_id) {
        return Err(R53Error::VpcAssociationNotFound.err(format!("The specified VPC {} is not associated with the hosted zone {}", req.vpc.vpc_id, z.id)));
    }
    if z.vpcs.len() == 1 {
        return Err(R53Error::LastVpcAssociation.err(
            "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone. Amazon Route 53 doesn't support disassociating the last VPC from a hosted zone.",
        ));
    }
    let id = z.id.clone();
    if let Some(z) = c.w.route53.zones.get_mut(&id) {
        z.vpcs.retain(|v| v.vpc_id != req.vpc.vpc_id);
    }
    Ok(ChangeInfoResponse { change_info: new_change(c, req.comment) })
}
