//! Route 53 Domains: registering a domain in the simulated registry.
//!
//! Registration follows the Route 53 Developer Guide ("Registering a new domain"): check
//! availability with the TLD's registry, then "Route 53 creates a hosted zone that has the
//! same name as the domain, assigns four name servers to the hosted zone, and updates the
//! domain to use those name servers" — i.e. the TLD zone now delegates the domain to the
//! zone's four name servers (NS TTL 172800), which is what makes it resolvable.

use serde::{Deserialize, Serialize};

use super::error::DomainsError;
use super::internet;
use super::model::Domain;
use super::name;
use super::ops::{self, CreateHostedZoneRequest, HostedZoneConfig};
use crate::world::authz::Authz;
use crate::world::service::ROUTE53;
use crate::world::{AwsError, Call, Duration, ErrorCode, Timestamp};

fn domain_name(input: &str) -> Result<String, AwsError> {
    let n = name::canonical(input).map_err(|e| DomainsError::InvalidInput.err(format!("Errors: [Domain name {input} is invalid: {}]", e.desc)))?;
    let tld = format!("{}.", n.trim_end_matches('.').rsplit('.').next().unwrap_or(""));
    if !internet::is_tld(&tld) {
        return Err(DomainsError::UnsupportedTld.err(format!("TLD {} is not supported.", tld.trim_end_matches('.'))));
    }
    if name::label_count(&n) != 2 {
        return Err(DomainsError::InvalidInput.err(format!("Errors: [Domain name {} is invalid: register the domain directly under .{}]", input, tld.trim_end_matches('.'))));
    }
    Ok(n)
}

/// AVAILABLE, UNAVAILABLE (registered) or RESERVED (RFC 2606 names).
pub fn availability(st: &super::Route53State, n: &str) -> &'static str {
    if internet::RESERVED.contains(&n) {
        "RESERVED"
    } else if st.domains.contains_key(n) {
        "UNAVAILABLE"
    } else {
        "AVAILABLE"
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DomainNameRequest {
    pub domain_name: String,
    #[serde(default)]
    pub idn_lang_code: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckDomainAvailabilityResponse {
    pub availability: String,
}

pub fn check_domain_availability(c: &mut Call<'_>, req: DomainNameRequest) -> Result<CheckDomainAvailabilityResponse, AwsError> {
    c.authorize(Authz::new("route53domains:CheckDomainAvailability", "*"))?;
    let n = domain_name(&req.domain_name)?;
    Ok(CheckDomainAvailabilityResponse { availability: availability(&c.w.route53, &n).into() })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RegisterDomainRequest {
    pub domain_name: String,
    #[serde(default)]
    pub duration_in_years: Option<i64>,
    #[serde(default)]
    pub auto_renew: Option<bool>,
    #[serde(default)]
    pub idn_lang_code: Option<String>,
    /// Contacts are accepted and not kept (the simulator has no WHOIS).
    #[serde(default)]
    pub admin_contact: Option<serde_json::Value>,
    #[serde(default)]
    pub registrant_contact: Option<serde_json::Value>,
    #[serde(default)]
    pub tech_contact: Option<serde_json::Value>,
    #[serde(default)]
    pub privacy_protect_admin_contact: Option<bool>,
    #[serde(default)]
    pub privacy_protect_registrant_contact: Option<bool>,
    #[serde(default)]
    pub privacy_protect_tech_contact: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterDomainResponse {
    pub operation_id: String,
    /// Not in AWS's response: the hosted zone Route 53 created for the domain.
    pub hosted_zone_id: String,
    /// Not in AWS's response: the name servers the TLD now delegates to.
    pub name_servers: Vec<String>,
}

pub fn register_domain(c: &mut Call<'_>, req: RegisterDomainRequest) -> Result<RegisterDomainResponse, AwsError> {
    c.authorize(Authz::new("route53domains:RegisterDomain", "*"))?;
    let n = domain_name(&req.domain_name)?;
    let years = req.duration_in_years.unwrap_or(1);
    if !(1..=10).contains(&years) {
        return Err(DomainsError::InvalidInput.err(format!("Errors: [DurationInYears {years} is invalid: a domain is registered for 1 to 10 years]")));
    }
    match availability(&c.w.route53, &n) {
        "AVAILABLE" => {}
        other => return Err(DomainsError::InvalidInput.err(format!("Errors: [Domain {} is not available for registration (availability: {other})]", n.trim_end_matches('.')))),
    }
    let reference = format!("RegisterDomain-{}", c.rng().uuid());
    let zreq = CreateHostedZoneRequest {
        name: n.clone(),
        caller_reference: Some(reference.clone()),
        vpc: None,
        hosted_zone_config: Some(HostedZoneConfig { comment: Some("HostedZone created by Route53 Registrar".into()), private_zone: Some(false) }),
        delegation_set_id: None,
    };
    let params = serde_json::json!({ "name": n, "callerReference": reference });
    let zone = c.nested(&ROUTE53, "CreateHostedZone", params, |c| ops::create_hosted_zone(c, zreq))?;
    let zone_id = zone.hosted_zone.id.trim_start_matches("/hostedzone/").to_string();
    let name_servers = c.w.route53.zones.get(&zone_id).map(|z| z.name_servers.clone()).unwrap_or_default();
    let now = c.now();
    let domain = Domain {
        name: n.clone(),
        owner: c.account(),
        name_servers: name_servers.clone(),
        hosted_zone_id: Some(zone_id.clone()),
        registered_at: now,
        expires_at: now.plus(Duration::days(365 * years)),
        auto_renew: req.auto_renew.unwrap_or(true),
    };
    c.w.route53.domains.insert(n, domain);
    Ok(RegisterDomainResponse {
        operation_id: c.rng().uuid(),
        hosted_zone_id: zone_id,
        name_servers: name_servers.iter().map(|s| s.trim_end_matches('.').to_string()).collect(),
    })
}

fn owned_domain<'a>(c: &'a Call<'_>, input: &str) -> Result<&'a Domain, AwsError> {
    let n = domain_name(input)?;
    let acct = c.account();
    c.w.route53.domains.get(&n).filter(|d| d.owner == acct).ok_or_else(|| DomainsError::InvalidInput.err(format!("Errors: [Domain {} not found in account {acct}]", n.trim_end_matches('.'))))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Nameserver {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glue_ips: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDomainDetailResponse {
    pub domain_name: String,
    pub nameservers: Vec<Nameserver>,
    pub auto_renew: bool,
    pub creation_date: Timestamp,
    pub expiration_date: Timestamp,
    pub registrar_name: String,
    pub status_list: Vec<String>,
}

pub fn get_domain_detail(c: &mut Call<'_>, req: DomainNameRequest) -> Result<GetDomainDetailResponse, AwsError> {
    c.authorize(Authz::new("route53domains:GetDomainDetail", "*"))?;
    let d = owned_domain(c, &req.domain_name)?;
    Ok(GetDomainDetailResponse {
        domain_name: d.name.trim_end_matches('.').to_string(),
        nameservers: d.name_servers.iter().map(|s| Nameserver { name: s.trim_end_matches('.').to_string(), glue_ips: None }).collect(),
        auto_renew: d.auto_renew,
        creation_date: d.registered_at,
        expiration_date: d.expires_at,
        registrar_name: "Amazon Registrar, Inc.".into(),
        status_list: vec!["clientTransferProhibited".into()],
    })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateDomainNameserversRequest {
    pub domain_name: String,
    pub nameservers: Vec<Nameserver>,
    #[serde(default)]
    pub fi_auth_key: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperationResponse {
    pub operation_id: String,
}

/// Points the TLD's delegation at other name servers (for example a new hosted zone's).
pub fn update_domain_nameservers(c: &mut Call<'_>, req: UpdateDomainNameserversRequest) -> Result<OperationResponse, AwsError> {
    c.authorize(Authz::new("route53domains:UpdateDomainNameservers", "*"))?;
    let n = owned_domain(c, &req.domain_name)?.name.clone();
    if req.nameservers.is_empty() || req.nameservers.len() > 6 {
        return Err(DomainsError::InvalidInput.err("Errors: [A domain has 1 to 6 name servers]"));
    }
    let mut servers = Vec::new();
    for ns in &req.nameservers {
        servers.push(name::canonical(&ns.name).map_err(|e| DomainsError::InvalidInput.err(format!("Errors: [Name server {} is invalid: {}]", ns.name, e.desc)))?);
    }
    if let Some(d) = c.w.route53.domains.get_mut(&n) {
        d.name_servers = servers;
    }
    Ok(OperationResponse { operation_id: c.rng().uuid() })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainSummary {
    pub domain_name: String,
    pub auto_renew: bool,
    pub transfer_lock: bool,
    pub expiry: Timestamp,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDomainsResponse {
    pub domains: Vec<DomainSummary>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListDomainsRequest {
    #[serde(default)]
    pub max_items: Option<i64>,
}

pub fn list_domains(c: &mut Call<'_>, req: ListDomainsRequest) -> Result<ListDomainsResponse, AwsError> {
    c.authorize(Authz::new("route53domains:ListDomains", "*"))?;
    let acct = c.account();
    let max = req.max_items.unwrap_or(20).clamp(1, 100) as usize;
    Ok(ListDomainsResponse {
        domains: c
            .w
            .route53
            .domains
            .values()
            .filter(|d| d.owner == acct)
            .take(max)
            .map(|d| DomainSummary { domain_name: d.name.trim_end_matches('.').to_string(), auto_renew: d.auto_renew, transfer_lock: true, expiry: d.expires_at })
            .collect(),
    })
}
