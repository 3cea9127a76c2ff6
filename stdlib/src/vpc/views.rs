//! The model as EC2's API shows it: the response shapes of the Describe* operations
//! (field names as in the EC2 API Reference), with computed fields such as a subnet's
//! `AvailableIpAddressCount` and a route's `State`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::*;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn tags_view(t: &Tags) -> Option<Vec<Tag>> {
    if t.is_empty() { None } else { Some(t.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()) }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct State {
    pub state: String,
}

fn st(s: &str) -> State {
    State { state: s.into() }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CidrBlockAssociation {
    pub association_id: String,
    pub cidr_block: String,
    pub cidr_block_state: State,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6CidrBlockAssociation {
    pub association_id: String,
    pub ipv6_cidr_block: String,
    pub ipv6_cidr_block_state: State,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_border_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_pool: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcView {
    pub vpc_id: String,
    pub owner_id: String,
    pub state: String,
    pub cidr_block: String,
    pub cidr_block_association_set: Vec<CidrBlockAssociation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    pub dhcp_options_id: String,
    pub instance_tenancy: String,
    pub is_default: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn vpc_view(net: &RegionNet, v: &Vpc) -> VpcView {
    VpcView {
        vpc_id: v.id.clone(),
        owner_id: v.owner.clone(),
        state: "available".into(),
        cidr_block: v.primary().to_string(),
        cidr_block_association_set: v
            .cidrs
            .iter()
            .map(|c| CidrBlockAssociation { association_id: c.association_id.clone(), cidr_block: c.cidr.to_string(), cidr_block_state: st("associated") })
            .collect(),
        ipv6_cidr_block_association_set: v
            .ipv6_cidrs
            .iter()
            .map(|c| Ipv6CidrBlockAssociation {
                association_id: c.association_id.clone(),
                ipv6_cidr_block: c.cidr.to_string(),
                ipv6_cidr_block_state: st("associated"),
                network_border_group: Some(net.region.clone()),
                ipv6_pool: Some("Amazon".into()),
            })
            .collect(),
        dhcp_options_id: v.dhcp_options_id.clone(),
        instance_tenancy: v.tenancy.clone(),
        is_default: v.is_default,
        tags: tags_view(&v.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetView {
    pub subnet_id: String,
    pub subnet_arn: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub state: String,
    pub availability_zone: String,
    pub cidr_block: String,
    pub available_ip_address_count: u64,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_address_on_creation: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrBlockAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn subnet_view(net: &RegionNet, s: &Subnet) -> SubnetView {
    SubnetView {
        subnet_id: s.id.clone(),
        subnet_arn: net.arn("subnet", &s.id),
        vpc_id: s.vpc_id.clone(),
        owner_id: s.owner.clone(),
        state: "available".into(),
        availability_zone: s.az.clone(),
        cidr_block: s.cidr.to_string(),
        available_ip_address_count: net.available_ips(s),
        default_for_az: s.default_for_az,
        map_public_ip_on_launch: s.map_public_ip_on_launch,
        assign_ipv6_address_on_creation: s.assign_ipv6_on_creation,
        ipv6_cidr_block_association_set: s
            .ipv6
            .iter()
            .map(|c| Ipv6CidrBlockAssociation {
                association_id: c.association_id.clone(),
                ipv6_cidr_block: c.cidr.to_string(),
                ipv6_cidr_block_state: st("associated"),
                network_border_group: None,
                ipv6_pool: None,
            })
            .collect(),
        tags: tags_view(&s.tags),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    pub origin: String,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableAssociation {
    pub route_table_association_id: String,
    pub route_table_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    pub main: bool,
    pub association_state: State,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableView {
    pub route_table_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub routes: Vec<RouteView>,
    pub associations: Vec<RouteTableAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn route_view(net: &RegionNet, t: &RouteTable, r: &Route) -> RouteView {
    let mut v = RouteView { origin: r.origin.clone(), state: net.route_state(t, r).into(), ..Default::default() };
    match r.dest {
        Dest::V4(n) => v.destination_cidr_block = Some(n.to_string()),
        Dest::V6(n) => v.destination_ipv6_cidr_block = Some(n.to_string()),
    }
    match &r.target {
        Target::Local => v.gateway_id = Some("local".into()),
        Target::Gateway(i) => v.gateway_id = Some(i.clone()),
        Target::EgressOnly(i) => v.egress_only_internet_gateway_id = Some(i.clone()),
        Target::Nat(i) => v.nat_gateway_id = Some(i.clone()),
        Target::Peering(i) => v.vpc_peering_connection_id = Some(i.clone()),
        Target::Interface(i) => v.network_interface_id = Some(i.clone()),
        Target::Instance(i) => v.instance_id = Some(i.clone()),
    }
    v
}

pub fn route_table_view(net: &RegionNet, t: &RouteTable) -> RouteTableView {
    let mut associations: Vec<RouteTableAssociation> = t
        .main_association_id
        .iter()
        .filter(|_| t.main)
        .map(|a| RouteTableAssociation { route_table_association_id: a.clone(), route_table_id: t.id.clone(), subnet_id: None, main: true, association_state: st("associated") })
        .collect();
    associations.extend(t.associations.iter().map(|(a, s)| RouteTableAssociation {
        route_table_association_id: a.clone(),
        route_table_id: t.id.clone(),
        subnet_id: Some(s.clone()),
        main: false,
        association_state: st("associated"),
    }));
    RouteTableView {
        route_table_id: t.id.clone(),
        vpc_id: t.vpc_id.clone(),
        owner_id: t.owner.clone(),
        routes: t.routes.iter().map(|r| route_view(net, t, r)).collect(),
        associations,
        tags: tags_view(&t.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attachment {
    pub vpc_id: String,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGatewayView {
    pub internet_gateway_id: String,
    pub owner_id: String,
    pub attachments: Vec<Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn igw_view(g: &InternetGateway) -> InternetGatewayView {
    InternetGatewayView {
        internet_gateway_id: g.id.clone(),
        owner_id: g.owner.clone(),
        attachments: g.vpc_id.iter().map(|v| Attachment { vpc_id: v.clone(), state: "available".into() }).collect(),
        tags: tags_view(&g.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EgressOnlyInternetGatewayView {
    pub egress_only_internet_gateway_id: String,
    pub attachments: Vec<Attachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn eigw_view(g: &EgressOnlyGateway) -> EgressOnlyInternetGatewayView {
    EgressOnlyInternetGatewayView {
        egress_only_internet_gateway_id: g.id.clone(),
        attachments: vec![Attachment { vpc_id: g.vpc_id.clone(), state: "attached".into() }],
        tags: tags_view(&g.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGatewayAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    pub private_ip: String,
    pub network_interface_id: String,
    pub is_primary: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGatewayView {
    pub nat_gateway_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub state: String,
    pub connectivity_type: String,
    pub nat_gateway_addresses: Vec<NatGatewayAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn nat_view(n: &NatGateway) -> NatGatewayView {
    NatGatewayView {
        nat_gateway_id: n.id.clone(),
        vpc_id: n.vpc_id.clone(),
        subnet_id: n.subnet_id.clone(),
        state: n.state.clone(),
        connectivity_type: n.connectivity.clone(),
        nat_gateway_addresses: vec![NatGatewayAddress {
            allocation_id: n.allocation_id.clone(),
            public_ip: n.public_ip.map(|i| i.to_string()),
            private_ip: n.private_ip.to_string(),
            network_interface_id: n.eni_id.clone(),
            is_primary: true,
        }],
        tags: tags_view(&n.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringVpcInfo {
    pub vpc_id: String,
    pub owner_id: String,
    pub cidr_block: String,
    pub region: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PeeringStatus {
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcPeeringConnectionView {
    pub vpc_peering_connection_id: String,
    pub requester_vpc_info: PeeringVpcInfo,
    pub accepter_vpc_info: PeeringVpcInfo,
    pub status: PeeringStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn peering_view(net: &RegionNet, p: &Peering) -> VpcPeeringConnectionView {
    let info = |id: &str| PeeringVpcInfo {
        vpc_id: id.into(),
        owner_id: net.account.clone(),
        cidr_block: net.vpcs.get(id).map(|v| v.primary().to_string()).unwrap_or_default(),
        region: net.region.clone(),
    };
    VpcPeeringConnectionView {
        vpc_peering_connection_id: p.id.clone(),
        requester_vpc_info: info(&p.requester_vpc),
        accepter_vpc_info: info(&p.accepter_vpc),
        status: PeeringStatus { code: p.status.clone(), message: p.message.clone() },
        tags: tags_view(&p.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipv6Range {
    pub cidr_ipv6: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// EC2's `IpPermission`: one protocol and port range, with any number of peers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IpPermission {
    pub ip_protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ip_ranges: Vec<IpRange>,
    #[serde(default)]
    pub ipv6_ranges: Vec<Ipv6Range>,
    #[serde(default)]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
}

/// Groups rules into `IpPermission`s the way DescribeSecurityGroups does (one per protocol
/// and port range, in the order the rules were added).
pub fn permissions_view(rules: &[SgRule], owner: &str) -> Vec<IpPermission> {
    let mut out: Vec<IpPermission> = Vec::new();
    for r in rules {
        let (from, to) = if r.proto == Proto::All { (None, None) } else { (Some(r.from_port), Some(r.to_port)) };
        let proto = r.proto.sg_name();
        let idx = match out.iter().position(|p| p.ip_protocol == proto && p.from_port == from && p.to_port == to) {
            Some(i) => i,
            None => {
                out.push(IpPermission { ip_protocol: proto, from_port: from, to_port: to, ip_ranges: vec![], ipv6_ranges: vec![], user_id_group_pairs: vec![] });
                out.len() - 1
            }
        };
        let p = &mut out[idx];
        match &r.peer {
            Peer::Cidr(n) => p.ip_ranges.push(IpRange { cidr_ip: n.to_string(), description: r.description.clone() }),
            Peer::Cidr6(n) => p.ipv6_ranges.push(Ipv6Range { cidr_ipv6: n.to_string(), description: r.description.clone() }),
            Peer::Group(g) => p.user_id_group_pairs.push(UserIdGroupPair { group_id: g.clone(), user_id: Some(owner.into()), description: r.description.clone() }),
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupView {
    pub group_id: String,
    pub group_name: String,
    pub description: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub ip_permissions: Vec<IpPermission>,
    pub ip_permissions_egress: Vec<IpPermission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn sg_view(g: &SecurityGroup) -> SecurityGroupView {
    SecurityGroupView {
        group_id: g.id.clone(),
        group_name: g.name.clone(),
        description: g.description.clone(),
        vpc_id: g.vpc_id.clone(),
        owner_id: g.owner.clone(),
        ip_permissions: permissions_view(&g.ingress, &g.owner),
        ip_permissions_egress: permissions_view(&g.egress, &g.owner),
        tags: tags_view(&g.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PortRange {
    pub from: i32,
    pub to: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IcmpTypeCode {
    pub r#type: i32,
    pub code: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AclEntryView {
    pub rule_number: u16,
    pub protocol: String,
    pub rule_action: String,
    pub egress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AclAssociation {
    pub network_acl_association_id: String,
    pub network_acl_id: String,
    pub subnet_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclView {
    pub network_acl_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub is_default: bool,
    pub entries: Vec<AclEntryView>,
    pub associations: Vec<AclAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

fn entry_view(e: &AclEntry) -> AclEntryView {
    let (v4, v6) = match e.cidr {
        Dest::V4(n) => (Some(n.to_string()), None),
        Dest::V6(n) => (None, Some(n.to_string())),
    };
    AclEntryView {
        rule_number: e.rule_number,
        protocol: e.proto.acl_name(),
        rule_action: e.action.name().into(),
        egress: e.egress,
        cidr_block: v4,
        ipv6_cidr_block: v6,
        port_range: e.ports.map(|(a, b)| PortRange { from: a as i32, to: b as i32 }),
        icmp_type_code: e.icmp.map(|(t, c)| IcmpTypeCode { r#type: t, code: c }),
    }
}

/// The entries as AWS lists them: the rules, then the unmodifiable `*` deny (number 32767)
/// per direction (and per address family when the VPC has IPv6).
pub fn acl_view(net: &RegionNet, a: &NetworkAcl) -> NetworkAclView {
    let ipv6 = net.vpcs.get(&a.vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let mut entries = Vec::new();
    for egress in [true, false] {
        entries.extend(a.entries.iter().filter(|e| e.egress == egress).map(entry_view));
        let mut stars = vec![Dest::V4("0.0.0.0/0".parse().unwrap())];
        if ipv6 {
            stars.push(Dest::V6("::/0".parse().unwrap()));
        }
        for d in stars {
            entries.push(entry_view(&AclEntry { rule_number: STAR_RULE, egress, proto: Proto::All, action: AclAction::Deny, cidr: d, ports: None, icmp: None }));
        }
    }
    NetworkAclView {
        network_acl_id: a.id.clone(),
        vpc_id: a.vpc_id.clone(),
        owner_id: a.owner.clone(),
        is_default: a.is_default,
        entries,
        associations: a
            .associations
            .iter()
            .map(|(id, s)| AclAssociation { network_acl_association_id: id.clone(), network_acl_id: a.id.clone(), subnet_id: s.clone() })
            .collect(),
        tags: tags_view(&a.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DhcpConfiguration {
    pub key: String,
    pub values: Vec<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DhcpOptionsView {
    pub dhcp_options_id: String,
    pub owner_id: String,
    pub dhcp_configurations: Vec<DhcpConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn dhcp_view(d: &DhcpOptions) -> DhcpOptionsView {
    DhcpOptionsView {
        dhcp_options_id: d.id.clone(),
        owner_id: d.owner.clone(),
        dhcp_configurations: d
            .config
            .iter()
            .map(|(k, vs)| DhcpConfiguration { key: k.clone(), values: vs.iter().map(|v| BTreeMap::from([("Value".to_string(), v.clone())])).collect() })
            .collect(),
        tags: tags_view(&d.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddressView {
    pub allocation_id: String,
    pub public_ip: String,
    pub domain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn address_view(net: &RegionNet, a: &ElasticIp) -> AddressView {
    let eni = a.eni_id.as_ref().and_then(|e| net.interfaces.get(e));
    AddressView {
        allocation_id: a.allocation_id.clone(),
        public_ip: a.public_ip.to_string(),
        domain: "vpc".into(),
        association_id: a.association_id.clone(),
        network_interface_id: a.eni_id.clone(),
        instance_id: eni.and_then(|e| e.instance_id.clone()),
        private_ip_address: eni.map(|e| e.private_ip.to_string()),
        tags: tags_view(&a.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: String,
    pub group_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateIpAddressView {
    pub private_ip_address: String,
    pub private_dns_name: String,
    pub primary: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InterfaceAssociation {
    pub public_ip: String,
    pub public_dns_name: String,
    pub ip_owner_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterfaceView {
    pub network_interface_id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    pub owner_id: String,
    pub interface_type: String,
    pub description: String,
    pub status: String,
    pub private_ip_address: String,
    pub private_dns_name: String,
    pub private_ip_addresses: Vec<PrivateIpAddressView>,
    pub groups: Vec<GroupIdentifier>,
    pub source_dest_check: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<InterfaceAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

fn public_dns(net: &RegionNet, vpc_id: &str, ip: std::net::Ipv4Addr) -> String {
    if net.vpcs.get(vpc_id).is_some_and(|v| v.enable_dns_hostnames && v.enable_dns_support) { net.public_dns_name(ip) } else { String::new() }
}

pub fn groups_view(net: &RegionNet, groups: &[String]) -> Vec<GroupIdentifier> {
    groups
        .iter()
        .map(|g| GroupIdentifier { group_id: g.clone(), group_name: net.security_groups.get(g).map(|s| s.name.clone()).unwrap_or_default() })
        .collect()
}

pub fn eni_view(net: &RegionNet, e: &NetworkInterface) -> NetworkInterfaceView {
    NetworkInterfaceView {
        network_interface_id: e.id.clone(),
        subnet_id: e.subnet_id.clone(),
        vpc_id: e.vpc_id.clone(),
        availability_zone: e.az.clone(),
        owner_id: e.owner.clone(),
        interface_type: e.interface_type.clone(),
        description: e.description.clone(),
        status: if e.instance_id.is_some() || e.interface_type != "interface" { "in-use".into() } else { "available".into() },
        private_ip_address: e.private_ip.to_string(),
        private_dns_name: net.private_dns_name(e.private_ip),
        private_ip_addresses: e
            .addresses()
            .enumerate()
            .map(|(i, a)| PrivateIpAddressView { private_ip_address: a.to_string(), private_dns_name: net.private_dns_name(a), primary: i == 0 })
            .collect(),
        groups: groups_view(net, &e.groups),
        source_dest_check: e.source_dest_check,
        association: e.public_ip.map(|ip| InterfaceAssociation {
            public_ip: ip.to_string(),
            public_dns_name: public_dns(net, &e.vpc_id, ip),
            ip_owner_id: if e.public_ip_auto { "amazon".into() } else { e.owner.clone() },
        }),
        attachment: e.instance_id.as_ref().map(|i| {
            BTreeMap::from([("InstanceId".to_string(), i.clone()), ("DeviceIndex".to_string(), "0".to_string()), ("Status".to_string(), "attached".to_string())])
        }),
        tags: tags_view(&e.tags),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceState {
    pub code: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Placement {
    pub availability_zone: String,
    pub tenancy: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceView {
    pub instance_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub state: InstanceState,
    pub launch_time: String,
    pub placement: Placement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip_address: Option<String>,
    pub private_dns_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip_address: Option<String>,
    pub public_dns_name: String,
    pub security_groups: Vec<GroupIdentifier>,
    pub network_interfaces: Vec<NetworkInterfaceView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

pub fn instance_view(net: &RegionNet, i: &Instance) -> InstanceView {
    let eni = net.interfaces.get(&i.eni_id).filter(|_| i.state == "running");
    let tenancy = net.vpcs.get(&i.vpc_id).map(|v| v.tenancy.clone()).unwrap_or_else(|| "default".into());
    InstanceView {
        instance_id: i.id.clone(),
        image_id: i.image_id.clone(),
        instance_type: i.instance_type.clone(),
        state: if i.state == "running" { InstanceState { code: 16, name: "running".into() } } else { InstanceState { code: 48, name: "terminated".into() } },
        launch_time: i.launch_time.clone(),
        placement: Placement { availability_zone: i.az.clone(), tenancy },
        subnet_id: eni.map(|_| i.subnet_id.clone()),
        vpc_id: eni.map(|_| i.vpc_id.clone()),
        private_ip_address: eni.map(|e| e.private_ip.to_string()),
        private_dns_name: eni.map(|e| net.private_dns_name(e.private_ip)).unwrap_or_default(),
        public_ip_address: eni.and_then(|e| e.public_ip).map(|p| p.to_string()),
        public_dns_name: eni.and_then(|e| e.public_ip).map(|p| public_dns(net, &i.vpc_id, p)).unwrap_or_default(),
        security_groups: eni.map(|e| groups_view(net, &e.groups)).unwrap_or_default(),
        network_interfaces: eni.map(|e| vec![eni_view(net, e)]).unwrap_or_default(),
        tags: tags_view(&i.tags),
    }
}
