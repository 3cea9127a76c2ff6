//! VPC domain model: plain Rust, no Rhai. Every account's networks per region, and the rules
//! that decide traffic (security group and network ACL matching, longest-prefix route
//! lookup), which the reachability analysis builds on.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use super::cidr;
use crate::world::{SimRng, places};

/// Every account's VPC resources, keyed `account/region`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpcState {
    pub regions: BTreeMap<String, RegionNet>,
}

impl VpcState {
    pub fn key(account: &str, region: &str) -> String {
        format!("{account}/{region}")
    }

    /// The network of `account` in `region`, created (with its default VPC) on first use.
    pub fn net_mut(&mut self, account: &str, region: &str, rng: &mut SimRng) -> &mut RegionNet {
        let net = self.regions.entry(Self::key(account, region)).or_insert_with(|| RegionNet::new(account, region));
        if !net.bootstrapped {
            net.bootstrapped = true;
            net.create_default_vpc(rng);
        }
        net
    }

    /// Read-only view (no default VPC is created).
    pub fn net(&self, account: &str, region: &str) -> Option<&RegionNet> {
        self.regions.get(&Self::key(account, region))
    }
}

/// Service quotas of one account and region (defaults from [VPC-ARCH] `amazon-vpc-limits.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Quotas {
    pub vpcs_per_region: u32,
    pub subnets_per_vpc: u32,
    pub ipv4_cidr_blocks_per_vpc: u32,
    pub ipv6_cidr_blocks_per_vpc: u32,
    pub internet_gateways_per_region: u32,
    pub elastic_ips_per_region: u32,
    pub routes_per_route_table: u32,
    pub rules_per_network_acl: u32,
    pub rules_per_security_group: u32,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            vpcs_per_region: 5,
            subnets_per_vpc: 200,
            ipv4_cidr_blocks_per_vpc: 5,
            ipv6_cidr_blocks_per_vpc: 5,
            internet_gateways_per_region: 5,
            elastic_ips_per_region: 5,
            routes_per_route_table: 50,
            rules_per_network_acl: 20,
            rules_per_security_group: 60,
        }
    }
}

impl Quotas {
    /// (name, maximum it can be raised to) of every adjustable quota.
    pub const ADJUSTABLE: &'static [(&'static str, u32)] = &[
        ("VpcsPerRegion", 5000),
        ("SubnetsPerVpc", 5000),
        ("Ipv4CidrBlocksPerVpc", 50),
        ("Ipv6CidrBlocksPerVpc", 50),
        ("InternetGatewaysPerRegion", 5000),
        ("ElasticIpsPerRegion", 5000),
        ("RoutesPerRouteTable", 1000),
        ("RulesPerNetworkAcl", 40),
        ("RulesPerSecurityGroup", 1000),
    ];

    pub fn get_mut(&mut self, name: &str) -> Option<&mut u32> {
        Some(match name {
            "VpcsPerRegion" => &mut self.vpcs_per_region,
            "SubnetsPerVpc" => &mut self.subnets_per_vpc,
            "Ipv4CidrBlocksPerVpc" => &mut self.ipv4_cidr_blocks_per_vpc,
            "Ipv6CidrBlocksPerVpc" => &mut self.ipv6_cidr_blocks_per_vpc,
            "InternetGatewaysPerRegion" => &mut self.internet_gateways_per_region,
            "ElasticIpsPerRegion" => &mut self.elastic_ips_per_region,
            "RoutesPerRouteTable" => &mut self.routes_per_route_table,
            "RulesPerNetworkAcl" => &mut self.rules_per_network_acl,
            "RulesPerSecurityGroup" => &mut self.rules_per_security_group,
            _ => return None,
        })
    }
}

pub type Tags = BTreeMap<String, String>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CidrAssociation {
    pub association_id: String,
    pub cidr: Ipv4Net,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ipv6Association {
    pub association_id: String,
    pub cidr: Ipv6Net,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub owner: String,
    /// The primary block first, then secondary blocks in association order.
    pub cidrs: Vec<CidrAssociation>,
    pub ipv6_cidrs: Vec<Ipv6Association>,
    pub tenancy: String,
    pub is_default: bool,
    pub dhcp_options_id: String,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub tags: Tags,
}

impl Vpc {
    pub fn primary(&self) -> Ipv4Net {
        self.cidrs[0].cidr
    }
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.cidr.contains(&ip))
    }
    /// The Amazon DNS server: the primary range's base plus two.
    pub fn dns_server(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.primary().network()) + 2)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub owner: String,
    pub az: String,
    pub cidr: Ipv4Net,
    pub ipv6: Option<Ipv6Association>,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_on_creation: bool,
    pub default_for_az: bool,
    pub tags: Tags,
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Local,
    /// An internet gateway (`igw-`).
    Gateway(String),
    /// An egress-only internet gateway (`eigw-`), IPv6 only.
    EgressOnly(String),
    Nat(String),
    Peering(String),
    Interface(String),
    Instance(String),
}

impl Target {
    pub fn id(&self) -> &str {
        match self {
            Target::Local => "local",
            Target::Gateway(i) | Target::EgressOnly(i) | Target::Nat(i) | Target::Peering(i) | Target::Interface(i) | Target::Instance(i) => i,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dest {
    V4(Ipv4Net),
    V6(Ipv6Net),
}

impl Dest {
    pub fn parse(s: &str) -> Option<Dest> {
        if s.contains(':') {
            s.trim().parse::<Ipv6Net>().ok().map(|n| Dest::V6(n.trunc()))
        } else {
            cidr::parse_v4(s).map(Dest::V4)
        }
    }
    pub fn prefix_len(&self) -> u8 {
        match self {
            Dest::V4(n) => n.prefix_len(),
            Dest::V6(n) => n.prefix_len(),
        }
    }
}

impl std::fmt::Display for Dest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dest::V4(n) => n.fmt(f),
            Dest::V6(n) => n.fmt(f),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub dest: Dest,
    pub target: Target,
    /// `CreateRouteTable` (the local routes) or `CreateRoute`.
    pub origin: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    pub owner: String,
    pub main: bool,
    /// The main association's id (for ReplaceRouteTableAssociation), when `main`.
    pub main_association_id: Option<String>,
    pub routes: Vec<Route>,
    /// association id -> subnet id
    pub associations: BTreeMap<String, String>,
    pub tags: Tags,
}

impl RouteTable {
    /// Longest-prefix match for an IPv4 destination.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| matches!(r.dest, Dest::V4(n) if n.contains(&dst)))
            .max_by_key(|r| r.dest.prefix_len())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub owner: String,
    pub vpc_id: Option<String>,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EgressOnlyGateway {
    pub id: String,
    pub vpc_id: String,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// `public` or `private`.
    pub connectivity: String,
    pub allocation_id: Option<String>,
    pub public_ip: Option<Ipv4Addr>,
    pub eni_id: String,
    pub private_ip: Ipv4Addr,
    /// `available` or `deleted`.
    pub state: String,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peering {
    pub id: String,
    pub requester_vpc: String,
    pub accepter_vpc: String,
    /// `pending-acceptance`, `active`, `failed`, `rejected`, `deleted`.
    pub status: String,
    pub message: String,
    pub tags: Tags,
}

impl Peering {
    /// The VPC at the other end from `vpc`, if this peering connects it.
    pub fn other(&self, vpc: &str) -> Option<&str> {
        if self.requester_vpc == vpc {
            Some(&self.accepter_vpc)
        } else if self.accepter_vpc == vpc {
            Some(&self.requester_vpc)
        } else {
            None
        }
    }
}

/// An IP protocol: all (`-1`) or one protocol number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Proto {
    All,
    Num(u8),
}

pub const TCP: Proto = Proto::Num(6);
pub const UDP: Proto = Proto::Num(17);
pub const ICMP: Proto = Proto::Num(1);

impl Proto {
    /// Accepts `-1`/`all`, names (`tcp`, `udp`, `icmp`, `icmpv6`) and numbers.
    pub fn parse(s: &str) -> Option<Proto> {
        match s.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(Proto::All),
            "tcp" => Some(TCP),
            "udp" => Some(UDP),
            "icmp" => Some(ICMP),
            "icmpv6" => Some(Proto::Num(58)),
            n => n.parse::<u8>().ok().map(Proto::Num),
        }
    }
    /// The name security groups use (`tcp`, `-1`, ...).
    pub fn sg_name(self) -> String {
        match self {
            Proto::All => "-1".into(),
            Proto::Num(6) => "tcp".into(),
            Proto::Num(17) => "udp".into(),
            Proto::Num(1) => "icmp".into(),
            Proto::Num(58) => "icmpv6".into(),
            Proto::Num(n) => n.to_string(),
        }
    }
    /// The number network ACLs use (`6`, `-1`, ...).
    pub fn acl_name(self) -> String {
        match self {
            Proto::All => "-1".into(),
            Proto::Num(n) => n.to_string(),
        }
    }
    /// Upper-case label for messages (`TCP`, `ALL`).
    pub fn label(self) -> String {
        match self {
            Proto::All => "ALL".into(),
            p => p.sg_name().to_ascii_uppercase(),
        }
    }
    pub fn has_ports(self) -> bool {
        self == TCP || self == UDP
    }
    pub fn covers(self, p: Proto) -> bool {
        self == Proto::All || self == p
    }
}

/// The other side of a security group rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Peer {
    Cidr(Ipv4Net),
    Cidr6(Ipv6Net),
    Group(String),
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Peer::Cidr(n) => n.fmt(f),
            Peer::Cidr6(n) => n.fmt(f),
            Peer::Group(g) => f.write_str(g),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgRule {
    pub id: String,
    pub proto: Proto,
    /// tcp/udp: port range; icmp: type and code (-1 = all); all protocols: -1, -1.
    pub from_port: i32,
    pub to_port: i32,
    pub peer: Peer,
    pub description: Option<String>,
}

impl SgRule {
    /// Same permission (protocol, ports, peer), ignoring id and description.
    pub fn same(&self, o: &SgRule) -> bool {
        self.proto == o.proto && self.from_port == o.from_port && self.to_port == o.to_port && self.peer == o.peer
    }

    /// Does this rule admit `proto`/`port` traffic with `peer_ip` (in `peer_groups`)?
    pub fn admits(&self, proto: Proto, port: u16, peer_ip: Ipv4Addr, peer_groups: &[String]) -> bool {
        if !self.proto.covers(proto) {
            return false;
        }
        if self.proto != Proto::All && proto.has_ports() && !(self.from_port <= port as i32 && port as i32 <= self.to_port) {
            return false;
        }
        if self.proto == ICMP && self.from_port != -1 && self.from_port != port as i32 {
            return false;
        }
        match &self.peer {
            Peer::Cidr(n) => n.contains(&peer_ip),
            Peer::Cidr6(_) => false,
            Peer::Group(g) => peer_groups.iter().any(|x| x == g),
        }
    }

    /// `tcp 22 from 0.0.0.0/0`, `all traffic to sg-...`.
    pub fn describe(&self, inbound: bool) -> String {
        let what = match self.proto {
            Proto::All => "all traffic".to_string(),
            p if p.has_ports() && self.from_port == self.to_port => format!("{} {}", p.sg_name(), self.from_port),
            p if p.has_ports() => format!("{} {}-{}", p.sg_name(), self.from_port, self.to_port),
            p => p.sg_name(),
        };
        format!("{} {what} {} {}", self.id, if inbound { "from" } else { "to" }, self.peer)
    }

    /// EC2's wording of a rule in InvalidPermission messages:
    /// `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`.
    pub fn ec2_text(&self) -> String {
        if self.proto == Proto::All {
            format!("peer: {}, ALL, ALLOW", self.peer)
        } else {
            format!("peer: {}, {}, from port: {}, to port: {}, ALLOW", self.peer, self.proto.label(), self.from_port, self.to_port)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub owner: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    pub tags: Tags,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AclAction {
    Allow,
    Deny,
}

impl AclAction {
    pub fn name(self) -> &'static str {
        match self {
            AclAction::Allow => "allow",
            AclAction::Deny => "deny",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AclEntry {
    pub rule_number: u16,
    pub egress: bool,
    pub proto: Proto,
    pub action: AclAction,
    pub cidr: Dest,
    /// tcp/udp port range; `None` means all ports.
    pub ports: Option<(u16, u16)>,
    /// icmp type and code; `None` or -1 means all.
    pub icmp: Option<(i32, i32)>,
}

impl AclEntry {
    fn admits_peer_proto(&self, proto: Proto, peer: Ipv4Addr) -> bool {
        self.proto.covers(proto) && matches!(self.cidr, Dest::V4(n) if n.contains(&peer))
    }

    pub fn describe(&self) -> String {
        let ports = match (self.proto, self.ports) {
            (Proto::All, _) => "all traffic".to_string(),
            (p, Some((a, b))) if a == b => format!("{} {a}", p.sg_name()),
            (p, Some((a, b))) => format!("{} {a}-{b}", p.sg_name()),
            (p, None) => p.sg_name(),
        };
        format!("rule {}: {} {ports} {} {}", self.rule_number, self.action.name(), if self.egress { "to" } else { "from" }, self.cidr)
    }
}

/// The highest rule number AWS lets you use; the catch-all `*` rule is shown as 32767.
pub const MAX_ACL_RULE: u16 = 32766;
pub const STAR_RULE: u16 = 32767;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    pub owner: String,
    pub is_default: bool,
    /// Entries sorted by (egress, rule number).
    pub entries: Vec<AclEntry>,
    /// association id -> subnet id
    pub associations: BTreeMap<String, String>,
    pub tags: Tags,
}

/// A run of ports and what the ACL decided for it.
#[derive(Clone, Debug, PartialEq)]
pub struct PortVerdict {
    pub lo: u16,
    pub hi: u16,
    pub allowed: bool,
    /// The deciding rule's number (32767 for `*`) and description.
    pub rule_number: u16,
    pub rule: String,
}

impl NetworkAcl {
    /// Evaluates traffic of `proto` with `peer` (the far address) on destination ports
    /// `lo..=hi`, rule by rule from the lowest number: the first matching rule decides each
    /// port; ports no rule matches fall to the final `*` deny.
    pub fn evaluate(&self, egress: bool, proto: Proto, peer: Ipv4Addr, lo: u16, hi: u16) -> Vec<PortVerdict> {
        let mut open: Vec<(u16, u16)> = vec![(lo, hi)];
        let mut out = Vec::new();
        for e in self.entries.iter().filter(|e| e.egress == egress) {
            if open.is_empty() {
                break;
            }
            if !e.admits_peer_proto(proto, peer) {
                continue;
            }
            if proto == ICMP && e.icmp.is_some_and(|(t, _)| t != -1 && t != lo as i32) {
                continue;
            }
            let (rlo, rhi) = if e.proto != Proto::All && proto.has_ports() { e.ports.unwrap_or((0, 65535)) } else { (0, 65535) };
            let mut rest = Vec::new();
            for (a, b) in open {
                let (s, t) = (a.max(rlo), b.min(rhi));
                if s > t {
                    rest.push((a, b));
                    continue;
                }
                out.push(PortVerdict { lo: s, hi: t, allowed: e.action == AclAction::Allow, rule_number: e.rule_number, rule: e.describe() });
                if a < s {
                    rest.push((a, s - 1));
                }
                if t < b {
                    rest.push((t + 1, b));
                }
            }
            open = rest;
        }
        for (a, b) in open {
            out.push(PortVerdict {
                lo: a,
                hi: b,
                allowed: false,
                rule_number: STAR_RULE,
                rule: format!("rule *: deny all traffic {} 0.0.0.0/0", if egress { "to" } else { "from" }),
            });
        }
        out.sort_by_key(|v| v.lo);
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub owner: String,
    /// key (`domain-name`, `domain-name-servers`, `ntp-servers`, ...) -> values
    pub config: BTreeMap<String, Vec<String>>,
    pub tags: Tags,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElasticIp {
    pub allocation_id: String,
    pub public_ip: Ipv4Addr,
    /// The network interface it is associated with (an instance's primary ENI, or a NAT gateway's).
    pub eni_id: Option<String>,
    pub association_id: Option<String>,
    pub tags: Tags,
}

/// A network interface: the thing that has addresses and security groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub az: String,
    pub owner: String,
    pub private_ip: Ipv4Addr,
    pub secondary_ips: Vec<Ipv4Addr>,
    pub groups: Vec<String>,
    /// The public IPv4 address (auto-assigned or an Elastic IP).
    pub public_ip: Option<Ipv4Addr>,
    /// True when `public_ip` is an auto-assigned address (released when the ENI goes).
    pub public_ip_auto: bool,
    /// The instance it is attached to.
    pub instance_id: Option<String>,
    /// `interface` or `nat_gateway`.
    pub interface_type: String,
    pub description: String,
    pub source_dest_check: bool,
    pub tags: Tags,
}

impl NetworkInterface {
    pub fn addresses(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        std::iter::once(self.private_ip).chain(self.secondary_ips.iter().copied())
    }
}

/// A minimal EC2 instance, enough for addressing and reachability: it lives in one subnet
/// with one primary network interface (which holds its private/public IPs and security
/// groups). Volumes are the EBS module's concern: `ebs::attach_volume` accepts these
/// instances too (it views them through `ebs::ops::find_instance`; both models use `i-` ids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub reservation_id: String,
    pub owner: String,
    pub image_id: String,
    pub instance_type: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub az: String,
    pub eni_id: String,
    /// `running` or `terminated`.
    pub state: String,
    pub launch_time: String,
    pub tags: Tags,
}

/// One account's network in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionNet {
    pub account: String,
    pub region: String,
    /// The default VPC has been created (once, on first use of the region).
    pub bootstrapped: bool,
    /// The region's default DHCP options set (`domain-name` + AmazonProvidedDNS).
    pub default_dhcp_options: Option<String>,
    pub quotas: Quotas,
    pub vpcs: BTreeMap<String, Vpc>,
    pub subnets: BTreeMap<String, Subnet>,
    pub route_tables: BTreeMap<String, RouteTable>,
    pub internet_gateways: BTreeMap<String, InternetGateway>,
    pub egress_only_gateways: BTreeMap<String, EgressOnlyGateway>,
    pub nat_gateways: BTreeMap<String, NatGateway>,
    pub peerings: BTreeMap<String, Peering>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    pub network_acls: BTreeMap<String, NetworkAcl>,
    pub dhcp_options: BTreeMap<String, DhcpOptions>,
    pub addresses: BTreeMap<String, ElasticIp>,
    pub interfaces: BTreeMap<String, NetworkInterface>,
    pub instances: BTreeMap<String, Instance>,
}

/// The public pool auto-assigned and Elastic IPs come from (an Amazon range in us-east-1).
const PUBLIC_POOL: &str = "54.160.0.0/11";
/// Amazon-provided IPv6 /56 blocks come out of this /32.
const IPV6_POOL: &str = "2600:1f18::/32";

impl RegionNet {
    pub fn new(account: &str, region: &str) -> Self {
        RegionNet { account: account.into(), region: region.into(), ..Default::default() }
    }

    pub fn arn(&self, kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:{}:{}:{kind}/{id}", self.region, self.account)
    }

    /// `ec2.internal` in us-east-1, `<region>.compute.internal` elsewhere.
    pub fn internal_domain(&self) -> String {
        if self.region == "us-east-1" { "ec2.internal".into() } else { format!("{}.compute.internal", self.region) }
    }

    pub fn private_dns_name(&self, ip: Ipv4Addr) -> String {
        format!("ip-{}.{}", ip.to_string().replace('.', "-"), self.internal_domain())
    }

    pub fn public_dns_name(&self, ip: Ipv4Addr) -> String {
        let dashed = ip.to_string().replace('.', "-");
        if self.region == "us-east-1" {
            format!("ec2-{dashed}.compute-1.amazonaws.com")
        } else {
            format!("ec2-{dashed}.{}.compute.amazonaws.com", self.region)
        }
    }

    pub fn default_vpc(&self) -> Option<&Vpc> {
        self.vpcs.values().find(|v| v.is_default)
    }

    /// The route table a subnet uses: its explicit association, else its VPC's main table.
    pub fn route_table_of(&self, subnet: &Subnet) -> Option<&RouteTable> {
        self.route_tables
            .values()
            .find(|t| t.associations.values().any(|s| *s == subnet.id))
            .or_else(|| self.route_tables.values().find(|t| t.vpc_id == subnet.vpc_id && t.main))
    }

    /// The network ACL a subnet uses: its association, else its VPC's default ACL.
    pub fn acl_of(&self, subnet: &Subnet) -> Option<&NetworkAcl> {
        self.network_acls
            .values()
            .find(|a| a.associations.values().any(|s| *s == subnet.id))
            .or_else(|| self.network_acls.values().find(|a| a.vpc_id == subnet.vpc_id && a.is_default))
    }

    /// `active`, or `blackhole` when the target is gone or detached.
    pub fn route_state(&self, table: &RouteTable, r: &Route) -> &'static str {
        let ok = match &r.target {
            Target::Local => true,
            Target::Gateway(id) => self.internet_gateways.get(id).is_some_and(|g| g.vpc_id.as_deref() == Some(&table.vpc_id)),
            Target::EgressOnly(id) => self.egress_only_gateways.contains_key(id),
            Target::Nat(id) => self.nat_gateways.get(id).is_some_and(|n| n.state == "available"),
            Target::Peering(id) => self.peerings.get(id).is_some_and(|p| p.status == "active"),
            Target::Interface(id) => self.interfaces.contains_key(id),
            Target::Instance(id) => self.instances.get(id).is_some_and(|i| i.state == "running"),
        };
        if ok { "active" } else { "blackhole" }
    }

    /// Private addresses in use in a subnet.
    pub fn used_ips(&self, subnet_id: &str) -> Vec<Ipv4Addr> {
        self.interfaces.values().filter(|e| e.subnet_id == subnet_id).flat_map(|e| e.addresses()).collect()
    }

    /// Usable addresses left in a subnet: size - 5 reserved - addresses in use.
    pub fn available_ips(&self, s: &Subnet) -> u64 {
        cidr::usable(&s.cidr).saturating_sub(self.used_ips(&s.id).len() as u64)
    }

    /// The lowest free address that is not one of the five reserved ones.
    pub fn next_free_ip(&self, s: &Subnet) -> Option<Ipv4Addr> {
        let used = self.used_ips(&s.id);
        let (first, last) = cidr::usable_range(&s.cidr);
        (u32::from(first)..=u32::from(last)).map(Ipv4Addr::from).find(|a| !used.contains(a))
    }

    /// The network interface holding a private address in a VPC.
    pub fn interface_by_private_ip(&self, vpc_id: &str, ip: Ipv4Addr) -> Option<&NetworkInterface> {
        self.interfaces.values().find(|e| e.vpc_id == vpc_id && e.addresses().any(|a| a == ip))
    }

    pub fn interface_by_public_ip(&self, ip: Ipv4Addr) -> Option<&NetworkInterface> {
        self.interfaces.values().find(|e| e.public_ip == Some(ip))
    }

    fn public_ip_in_use(&self, ip: Ipv4Addr) -> bool {
        self.addresses.values().any(|a| a.public_ip == ip) || self.interfaces.values().any(|e| e.public_ip == Some(ip))
    }

    /// A fresh public IPv4 address from the pool.
    pub fn fresh_public_ip(&self, rng: &mut SimRng) -> Ipv4Addr {
        let pool: Ipv4Net = PUBLIC_POOL.parse().expect("pool");
        loop {
            let off = rng.below(cidr::size(&pool)) as u32;
            let ip = Ipv4Addr::from(u32::from(pool.network()) + off);
            let last = ip.octets()[3];
            if last != 0 && last != 255 && !self.public_ip_in_use(ip) {
                return ip;
            }
        }
    }

    /// A fresh Amazon-provided IPv6 /56.
    pub fn fresh_ipv6_block(&self, rng: &mut SimRng) -> Ipv6Net {
        let pool: Ipv6Net = IPV6_POOL.parse().expect("pool");
        loop {
            let off = rng.below(1 << 24) as u128;
            let base = u128::from(pool.network()) | (off << (128 - 56));
            let n = Ipv6Net::new(Ipv6Addr::from(base), 56).expect("/56");
            if !self.vpcs.values().any(|v| v.ipv6_cidrs.iter().any(|c| c.cidr == n)) {
                return n;
            }
        }
    }

    /// The region's default DHCP options set, created on first need.
    fn default_dhcp_options(&mut self, rng: &mut SimRng) -> String {
        if let Some(id) = self.default_dhcp_options.as_ref().filter(|id| self.dhcp_options.contains_key(*id)) {
            return id.clone();
        }
        let id = rng.ec2_id("dopt");
        let mut config = BTreeMap::new();
        config.insert("domain-name".to_string(), vec![self.internal_domain()]);
        config.insert("domain-name-servers".to_string(), vec!["AmazonProvidedDNS".to_string()]);
        self.dhcp_options.insert(id.clone(), DhcpOptions { id: id.clone(), owner: self.account.clone(), config, tags: Tags::new() });
        self.default_dhcp_options = Some(id.clone());
        id
    }

    /// Creates a VPC with what every VPC gets: the main route table (with the local route),
    /// the default network ACL (allow all both ways) and the default security group.
    pub fn insert_vpc(&mut self, rng: &mut SimRng, cidr: Ipv4Net, tenancy: &str, ipv6: bool, is_default: bool, tags: Tags) -> String {
        let id = rng.ec2_id("vpc");
        let assoc = rng.ec2_id("vpc-cidr-assoc");
        let ipv6_cidrs = if ipv6 {
            let block = self.fresh_ipv6_block(rng);
            vec![Ipv6Association { association_id: rng.ec2_id("vpc-cidr-assoc"), cidr: block }]
        } else {
            vec![]
        };
        let dhcp = self.default_dhcp_options(rng);
        let vpc = Vpc {
            id: id.clone(),
            owner: self.account.clone(),
            cidrs: vec![CidrAssociation { association_id: assoc, cidr }],
            ipv6_cidrs,
            tenancy: tenancy.into(),
            is_default,
            dhcp_options_id: dhcp,
            enable_dns_support: true,
            enable_dns_hostnames: is_default,
            tags,
        };
        let mut routes = vec![Route { dest: Dest::V4(cidr), target: Target::Local, origin: "CreateRouteTable".into() }];
        for c in &vpc.ipv6_cidrs {
            routes.push(Route { dest: Dest::V6(c.cidr), target: Target::Local, origin: "CreateRouteTable".into() });
        }
        let rtb = rng.ec2_id("rtb");
        let main_assoc = rng.ec2_id("rtbassoc");
        self.route_tables.insert(
            rtb.clone(),
            RouteTable {
                id: rtb,
                vpc_id: id.clone(),
                owner: self.account.clone(),
                main: true,
                main_association_id: Some(main_assoc),
                routes,
                associations: BTreeMap::new(),
                tags: Tags::new(),
            },
        );
        let acl = rng.ec2_id("acl");
        let mut entries = Vec::new();
        for egress in [false, true] {
            entries.push(AclEntry { rule_number: 100, egress, proto: Proto::All, action: AclAction::Allow, cidr: Dest::V4("0.0.0.0/0".parse().unwrap()), ports: None, icmp: None });
            if ipv6 {
                entries.push(AclEntry { rule_number: 101, egress, proto: Proto::All, action: AclAction::Allow, cidr: Dest::V6("::/0".parse().unwrap()), ports: None, icmp: None });
            }
        }
        entries.sort_by_key(|e| (e.egress, e.rule_number));
        self.network_acls.insert(
            acl.clone(),
            NetworkAcl { id: acl, vpc_id: id.clone(), owner: self.account.clone(), is_default: true, entries, associations: BTreeMap::new(), tags: Tags::new() },
        );
        let sg = rng.ec2_id("sg");
        let ingress = vec![SgRule { id: rng.ec2_id("sgr"), proto: Proto::All, from_port: -1, to_port: -1, peer: Peer::Group(sg.clone()), description: None }];
        let mut egress = vec![SgRule { id: rng.ec2_id("sgr"), proto: Proto::All, from_port: -1, to_port: -1, peer: Peer::Cidr("0.0.0.0/0".parse().unwrap()), description: None }];
        if ipv6 {
            egress.push(SgRule { id: rng.ec2_id("sgr"), proto: Proto::All, from_port: -1, to_port: -1, peer: Peer::Cidr6("::/0".parse().unwrap()), description: None });
        }
        self.security_groups.insert(
            sg.clone(),
            SecurityGroup {
                id: sg,
                name: "default".into(),
                description: "default VPC security group".into(),
                vpc_id: id.clone(),
                owner: self.account.clone(),
                ingress,
                egress,
                tags: Tags::new(),
            },
        );
        self.vpcs.insert(id.clone(), vpc);
        id
    }

    /// Creates a subnet, associated with its VPC's default network ACL (every subnet has
    /// exactly one ACL association; the main route table needs none).
    pub fn insert_subnet(&mut self, rng: &mut SimRng, vpc_id: &str, az: &str, cidr: Ipv4Net, ipv6: Option<Ipv6Net>, default_for_az: bool) -> String {
        let id = rng.ec2_id("subnet");
        let ipv6 = ipv6.map(|c| Ipv6Association { association_id: rng.ec2_id("subnet-cidr-assoc"), cidr: c });
        let acl_assoc = rng.ec2_id("aclassoc");
        if let Some(acl) = self.network_acls.values_mut().find(|a| a.vpc_id == vpc_id && a.is_default) {
            acl.associations.insert(acl_assoc, id.clone());
        }
        self.subnets.insert(
            id.clone(),
            Subnet {
                id: id.clone(),
                vpc_id: vpc_id.into(),
                owner: self.account.clone(),
                az: az.into(),
                cidr,
                ipv6,
                map_public_ip_on_launch: default_for_az,
                assign_ipv6_on_creation: false,
                default_for_az,
                tags: Tags::new(),
            },
        );
        id
    }

    /// The default VPC as AWS sets it up ([VPC-ARCH] `default-vpc.md`): 172.31.0.0/16, a /20
    /// default subnet per AZ (public IPs on launch), an internet gateway with a 0.0.0.0/0
    /// route in the main route table, the default security group and network ACL, and both
    /// DNS attributes on.
    pub fn create_default_vpc(&mut self, rng: &mut SimRng) -> String {
        let cidr: Ipv4Net = "172.31.0.0/16".parse().unwrap();
        let vpc = self.insert_vpc(rng, cidr, "default", false, true, Tags::new());
        let igw = rng.ec2_id("igw");
        self.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: self.account.clone(), vpc_id: Some(vpc.clone()), tags: Tags::new() });
        if let Some(t) = self.route_tables.values_mut().find(|t| t.vpc_id == vpc && t.main) {
            t.routes.push(Route { dest: Dest::V4("0.0.0.0/0".parse().unwrap()), target: Target::Gateway(igw), origin: "CreateRoute".into() });
        }
        let azs = places::availability_zones(&self.region);
        for (az, block) in azs.iter().zip(cidr.subnets(20).expect("/20s")) {
            self.insert_subnet(rng, &vpc, az, block, None, true);
        }
        vpc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> (RegionNet, SimRng) {
        let mut rng = SimRng::new(1);
        let mut st = VpcState::default();
        st.net_mut("111122223333", "us-east-1", &mut rng);
        (st.regions.into_values().next().unwrap(), rng)
    }

    #[test]
    fn default_vpc_matches_the_docs() {
        // [VPC-ARCH] default-vpc.md: a /16 (172.31.0.0/16), a /20 default subnet per AZ, an
        // internet gateway routed from the main table, DNS hostnames on.
        let (n, _) = net();
        let v = n.default_vpc().unwrap();
        assert_eq!(v.primary().to_string(), "172.31.0.0/16");
        assert!(v.enable_dns_hostnames && v.enable_dns_support);
        let subnets: Vec<_> = n.subnets.values().collect();
        assert_eq!(subnets.len(), 6);
        assert!(subnets.iter().all(|s| s.cidr.prefix_len() == 20 && s.default_for_az && s.map_public_ip_on_launch));
        let a = subnets.iter().find(|s| s.az == "us-east-1a").unwrap();
        assert_eq!(a.cidr.to_string(), "172.31.0.0/20");
        assert_eq!(n.available_ips(a), 4091);
        let rt = n.route_table_of(a).unwrap();
        assert!(rt.main);
        let r = rt.lookup("8.8.8.8".parse().unwrap()).unwrap();
        assert!(matches!(r.target, Target::Gateway(_)));
        assert_eq!(n.route_state(rt, r), "active");
        assert_eq!(rt.lookup("172.31.5.5".parse().unwrap()).unwrap().target, Target::Local);
        assert_eq!(v.dns_server().to_string(), "172.31.0.2");
    }

    #[test]
    fn longest_prefix_wins() {
        // [VPC-ARCH] VPC_Route_Tables.md: 10.0.0.0/16 local, 172.31.0.0/16 pcx, 0.0.0.0/0 igw:
        // traffic for 172.31.x.x goes to the peering connection.
        let route = |d: &str, t: Target| Route { dest: Dest::parse(d).unwrap(), target: t, origin: "CreateRoute".into() };
        let rt = RouteTable {
            id: "rtb-1".into(),
            vpc_id: "vpc-1".into(),
            owner: String::new(),
            main: true,
            main_association_id: None,
            routes: vec![
                route("10.0.0.0/16", Target::Local),
                route("172.31.0.0/16", Target::Peering("pcx-11223344556677889".into())),
                route("0.0.0.0/0", Target::Gateway("igw-12345678901234567".into())),
            ],
            associations: BTreeMap::new(),
            tags: Tags::new(),
        };
        assert_eq!(rt.lookup("172.31.9.9".parse().unwrap()).unwrap().target.id(), "pcx-11223344556677889");
        assert_eq!(rt.lookup("10.0.3.3".parse().unwrap()).unwrap().target, Target::Local);
        assert_eq!(rt.lookup("1.1.1.1".parse().unwrap()).unwrap().target.id(), "igw-12345678901234567");
    }

    #[test]
    fn acl_lowest_rule_first_and_star_deny() {
        let e = |n: u16, act: AclAction, lo: u16, hi: u16| AclEntry {
            rule_number: n,
            egress: false,
            proto: TCP,
            action: act,
            cidr: Dest::parse("0.0.0.0/0").unwrap(),
            ports: Some((lo, hi)),
            icmp: None,
        };
        let acl = NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            owner: String::new(),
            is_default: false,
            entries: vec![e(100, AclAction::Deny, 22, 22), e(110, AclAction::Allow, 0, 65535)],
            associations: BTreeMap::new(),
            tags: Tags::new(),
        };
        let peer = "1.2.3.4".parse().unwrap();
        let v = acl.evaluate(false, TCP, peer, 22, 22);
        assert_eq!((v[0].allowed, v[0].rule_number), (false, 100));
        let v = acl.evaluate(false, TCP, peer, 80, 80);
        assert_eq!((v[0].allowed, v[0].rule_number), (true, 110));
        let v = acl.evaluate(false, UDP, peer, 53, 53);
        assert_eq!((v[0].allowed, v[0].rule_number), (false, STAR_RULE));
        let v = acl.evaluate(false, TCP, peer, 20, 30);
        assert_eq!(v.iter().map(|v| (v.lo, v.hi, v.allowed)).collect::<Vec<_>>(), [(20, 21, true), (22, 22, false), (23, 30, true)]);
    }

    #[test]
    fn ip_allocation_skips_reserved_and_used() {
        let (mut n, mut rng) = net();
        let s = n.subnets.values().find(|s| s.az == "us-east-1a").unwrap().clone();
        assert_eq!(n.next_free_ip(&s).unwrap().to_string(), "172.31.0.4");
        let eni = NetworkInterface {
            id: rng.ec2_id("eni"),
            subnet_id: s.id.clone(),
            vpc_id: s.vpc_id.clone(),
            az: s.az.clone(),
            owner: String::new(),
            private_ip: "172.31.0.4".parse().unwrap(),
            secondary_ips: vec![],
            groups: vec![],
            public_ip: None,
            public_ip_auto: false,
            instance_id: None,
            interface_type: "interface".into(),
            description: String::new(),
            source_dest_check: true,
            tags: Tags::new(),
        };
        n.interfaces.insert(eni.id.clone(), eni);
        assert_eq!(n.next_free_ip(&s).unwrap().to_string(), "172.31.0.5");
        assert_eq!(n.available_ips(&s), 4090);
    }

    #[test]
    fn sg_rule_matching() {
        let r = SgRule { id: "sgr-1".into(), proto: TCP, from_port: 80, to_port: 443, peer: Peer::Cidr("10.0.0.0/16".parse().unwrap()), description: None };
        let ip = "10.0.1.1".parse().unwrap();
        assert!(r.admits(TCP, 80, ip, &[]));
        assert!(r.admits(TCP, 443, ip, &[]));
        assert!(!r.admits(TCP, 22, ip, &[]));
        assert!(!r.admits(UDP, 80, ip, &[]));
        assert!(!r.admits(TCP, 80, "10.1.0.1".parse().unwrap(), &[]));
        let g = SgRule { peer: Peer::Group("sg-1".into()), proto: Proto::All, from_port: -1, to_port: -1, ..r };
        assert!(g.admits(UDP, 53, ip, &["sg-1".into()]));
        assert!(!g.admits(UDP, 53, ip, &["sg-2".into()]));
        assert_eq!(g.ec2_text(), "peer: sg-1, ALL, ALLOW");
    }
}
