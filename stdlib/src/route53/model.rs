//! Route 53 domain model: hosted zones and their record sets, changes, health checks,
//! registered domains and resolvers. Plain Rust, no Rhai.
//!
//! Record sets keep the shape of the API's `ResourceRecordSet` (PascalCase when
//! serialized) so the same value is what a script sends, what the state holds and what
//! `ListResourceRecordSets` returns. Names are canonical (see [`super::name`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::name;
use super::rdata::RrType;
use super::resolver::Resolver;
use crate::world::Timestamp;

/// Every account's Route 53 resources, plus the simulated Internet's registry of domains
/// and the resolvers scripts created (so `world::save()` keeps their caches).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Route53State {
    /// Hosted zones by id (`Z...`, without the `/hostedzone/` prefix). Route 53 is global:
    /// one namespace, each zone owned by one account.
    pub zones: BTreeMap<String, HostedZone>,
    /// Change batches by id (`C...`).
    pub changes: BTreeMap<String, ChangeRecord>,
    /// Health checks by id (a UUID).
    pub health_checks: BTreeMap<String, HealthCheck>,
    /// Registered domains by canonical name: the TLD zones delegate these.
    pub domains: BTreeMap<String, Domain>,
    /// Recursive resolvers by id; `default` is created on first use.
    pub resolvers: BTreeMap<String, Resolver>,
}

/// A hosted zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostedZone {
    pub id: String,
    /// Canonical name, `example.com.`.
    pub name: String,
    pub owner: String,
    pub caller_reference: String,
    pub comment: Option<String>,
    pub private: bool,
    pub vpcs: Vec<Vpc>,
    /// The delegation set (empty for private zones).
    pub name_servers: Vec<String>,
    /// Record sets keyed by [`record_key`] (so they iterate in Route 53's list order).
    pub records: BTreeMap<String, ResourceRecordSet>,
    pub created_at: Timestamp,
}

/// `#{ VPCRegion, VPCId }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    #[serde(rename = "VPCRegion", default, skip_serializing_if = "Option::is_none")]
    pub vpc_region: Option<String>,
    #[serde(rename = "VPCId")]
    pub vpc_id: String,
}

/// One value of a record set: `#{ Value }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ResourceRecord {
    pub value: String,
}

/// `#{ HostedZoneId, DNSName, EvaluateTargetHealth }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasTarget {
    #[serde(rename = "HostedZoneId")]
    pub hosted_zone_id: String,
    #[serde(rename = "DNSName")]
    pub dns_name: String,
    #[serde(rename = "EvaluateTargetHealth", default)]
    pub evaluate_target_health: bool,
}

/// `#{ ContinentCode, CountryCode, SubdivisionCode }`; `CountryCode: "*"` is the default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GeoLocation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continent_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision_code: Option<String>,
}

/// The API's `ResourceRecordSet`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ResourceRecordSet {
    pub name: String,
    #[serde(rename = "Type")]
    pub rr_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_location: Option<GeoLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_value_answer: Option<bool>,
    #[serde(rename = "TTL", default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_records: Option<Vec<ResourceRecord>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_target: Option<AliasTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_id: Option<String>,
}

/// The routing policy a record set uses (decided by which optional fields it has).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Simple,
    Weighted,
    Failover,
    Latency,
    Geolocation,
    MultiValue,
}

impl Policy {
    pub fn word(self) -> &'static str {
        match self {
            Policy::Simple => "simple",
            Policy::Weighted => "weighted",
            Policy::Failover => "failover",
            Policy::Latency => "latency",
            Policy::Geolocation => "geolocation",
            Policy::MultiValue => "multivalue answer",
        }
    }
}

impl ResourceRecordSet {
    /// A simple record set with values.
    pub fn simple(name: &str, t: RrType, ttl: i64, values: &[&str]) -> Self {
        ResourceRecordSet {
            name: name.to_string(),
            rr_type: t.as_str().to_string(),
            set_identifier: None,
            weight: None,
            region: None,
            geo_location: None,
            failover: None,
            multi_value_answer: None,
            ttl: Some(ttl),
            resource_records: Some(values.iter().map(|v| ResourceRecord { value: v.to_string() }).collect()),
            alias_target: None,
            health_check_id: None,
        }
    }

    /// The type (validated on the way in).
    pub fn rtype(&self) -> RrType {
        self.rr_type.parse().unwrap_or(RrType::A)
    }

    pub fn policy(&self) -> Policy {
        if self.weight.is_some() {
            Policy::Weighted
        } else if self.failover.is_some() {
            Policy::Failover
        } else if self.region.is_some() {
            Policy::Latency
        } else if self.geo_location.is_some() {
            Policy::Geolocation
        } else if self.multi_value_answer.is_some() {
            Policy::MultiValue
        } else {
            Policy::Simple
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.resource_records.iter().flatten().map(|r| r.value.as_str())
    }

    pub fn key(&self) -> String {
        record_key(&self.name, &self.rr_type, self.set_identifier.as_deref())
    }

    /// `[name='www.example.com.', type='A']` with `, set-identifier='x'` when there is one,
    /// as Route 53's InvalidChangeBatch messages name a record set.
    pub fn describe(&self) -> String {
        match &self.set_identifier {
            Some(s) => format!("[name='{}', type='{}', set-identifier='{}']", self.name, self.rr_type, s),
            None => format!("[name='{}', type='{}']", self.name, self.rr_type),
        }
    }
}

/// The key record sets are stored under: reversed name, type, set identifier. Iterating
/// the map gives Route 53's `ListResourceRecordSets` order.
pub fn record_key(name: &str, t: &str, set_id: Option<&str>) -> String {
    format!("{} {} {}", name::reversed(name), t, set_id.unwrap_or(""))
}

impl HostedZone {
    /// `/hostedzone/Z...`.
    pub fn path_id(&self) -> String {
        format!("/hostedzone/{}", self.id)
    }

    pub fn arn(&self) -> String {
        format!("arn:aws:route53:::hostedzone/{}", self.id)
    }

    /// Every record set at `name` (any type).
    pub fn sets_at<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a ResourceRecordSet> + 'a {
        let prefix = format!("{} ", name::reversed(name));
        self.records.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, v)| v)
    }

    /// Record sets at `name` of type `t`.
    pub fn sets_of<'a>(&'a self, name: &str, t: RrType) -> impl Iterator<Item = &'a ResourceRecordSet> + 'a {
        let prefix = format!("{} {} ", name::reversed(name), t.as_str());
        self.records.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, v)| v)
    }

    /// True when some record lies strictly below `name` (an empty non-terminal exists).
    pub fn has_descendants(&self, name: &str) -> bool {
        let rev = name::reversed(name);
        let prefix = if rev.is_empty() { String::new() } else { format!("{rev}.") };
        self.records.range(prefix.clone()..).next().is_some_and(|(k, _)| k.starts_with(&prefix) && !k.starts_with(' '))
    }

    /// The zone's SOA record set.
    pub fn soa(&self) -> Option<&ResourceRecordSet> {
        self.sets_of(&self.name, RrType::Soa).next()
    }

    /// Record sets other than the apex SOA and NS (what DeleteHostedZone refuses to drop).
    pub fn user_record_count(&self) -> usize {
        self.records
            .values()
            .filter(|s| !(s.name == self.name && matches!(s.rtype(), RrType::Soa | RrType::Ns)))
            .count()
    }
}

/// A submitted change batch (`GetChange`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeRecord {
    pub id: String,
    pub submitted_at: Timestamp,
    pub comment: Option<String>,
}

/// Changes reach every Route 53 name server "within 60 seconds" (API reference, GetChange):
/// a change reads `PENDING` until then and `INSYNC` after.
pub const PROPAGATION_SECS: i64 = 60;

/// The API's `HealthCheckConfig` (the fields the simulator keeps).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HealthCheckConfig {
    #[serde(rename = "IPAddress", default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(rename = "Type")]
    pub check_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fully_qualified_domain_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_interval: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// A health check. Its status is set by the script (`route53::set_health_check_status`):
/// the simulator has no endpoints to probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub id: String,
    pub owner: String,
    pub caller_reference: String,
    pub config: HealthCheckConfig,
    pub version: i64,
    pub healthy: bool,
    pub status_changed_at: Timestamp,
}

impl HealthCheck {
    /// What Route 53 acts on: `Inverted` flips the status; a `Disabled` check is always
    /// considered healthy (API reference, HealthCheckConfig).
    pub fn effective_healthy(&self) -> bool {
        if self.config.disabled == Some(true) {
            return true;
        }
        self.healthy != (self.config.inverted == Some(true))
    }
}

/// A domain registered through Route 53 Domains (or present in the simulated registry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub name: String,
    pub owner: String,
    /// The name servers the TLD delegates to.
    pub name_servers: Vec<String>,
    pub hosted_zone_id: Option<String>,
    pub registered_at: Timestamp,
    pub expires_at: Timestamp,
    pub auto_renew: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> HostedZone {
        let mut z = HostedZone {
            id: "ZTEST".into(),
            name: "example.com.".into(),
            owner: "111122223333".into(),
            caller_reference: "r".into(),
            comment: None,
            private: false,
            vpcs: vec![],
            name_servers: vec![],
            records: BTreeMap::new(),
            created_at: Timestamp(0),
        };
        for s in [
            ResourceRecordSet::simple("example.com.", RrType::Soa, 900, &["ns. host. 1 7200 900 1209600 86400"]),
            ResourceRecordSet::simple("example.com.", RrType::Ns, 172800, &["ns-1.awsdns-00.com."]),
            ResourceRecordSet::simple("www.example.com.", RrType::A, 300, &["192.0.2.1"]),
            ResourceRecordSet::simple("a.b.example.com.", RrType::A, 300, &["192.0.2.2"]),
        ] {
            z.records.insert(s.key(), s);
        }
        z
    }

    #[test]
    fn records_list_in_route53_order_apex_first() {
        let z = zone();
        let names: Vec<_> = z.records.values().map(|s| format!("{} {}", s.name, s.rr_type)).collect();
        assert_eq!(names, ["example.com. NS", "example.com. SOA", "a.b.example.com. A", "www.example.com. A"]);
    }

    #[test]
    fn lookups_by_name_and_type() {
        let z = zone();
        assert_eq!(z.sets_at("example.com.").count(), 2);
        assert_eq!(z.sets_of("example.com.", RrType::Ns).count(), 1);
        assert_eq!(z.sets_of("www.example.com.", RrType::Aaaa).count(), 0);
        assert!(z.has_descendants("b.example.com."));
        assert!(!z.has_descendants("www.example.com."));
        assert_eq!(z.sets_at("b.example.com.").count(), 0);
        assert_eq!(z.user_record_count(), 2);
        assert!(z.soa().is_some());
    }

    #[test]
    fn policy_follows_the_fields_present() {
        let mut s = ResourceRecordSet::simple("x.", RrType::A, 1, &["192.0.2.1"]);
        assert_eq!(s.policy(), Policy::Simple);
        s.weight = Some(10);
        assert_eq!(s.policy(), Policy::Weighted);
        s.set_identifier = Some("one".into());
        assert_eq!(s.describe(), "[name='x.', type='A', set-identifier='one']");
    }

    #[test]
    fn inverted_and_disabled_health_checks() {
        let mut hc = HealthCheck {
            id: "h".into(),
            owner: "o".into(),
            caller_reference: "r".into(),
            config: HealthCheckConfig {
                ip_address: None,
                port: None,
                check_type: "HTTP".into(),
                resource_path: None,
                fully_qualified_domain_name: None,
                search_string: None,
                request_interval: None,
                failure_threshold: None,
                inverted: Some(true),
                disabled: None,
            },
            version: 1,
            healthy: true,
            status_changed_at: Timestamp(0),
        };
        assert!(!hc.effective_healthy());
        hc.config.disabled = Some(true);
        assert!(hc.effective_healthy());
    }
}
