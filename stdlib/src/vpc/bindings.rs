//! The `vpc::` script module: every EC2 operation as `vpc::snake_case(#{ PascalCase params })`,
//! short positional overloads for the common calls, and the planning helpers
//! (`plan`, `split`, `summarize`, `overlaps`, `check_plan`, `reserved_addresses`).

use ipnet::Ipv4Net;
use rhai::{Array, Dynamic, Engine, Map, NativeCallContext};
use serde::Deserialize;

use super::cidr;
use super::error::VpcError;
use super::ops;
use crate::script::{DocMode, Shared};
use crate::script::api::{Api, Handle};
use crate::script::convert::{RhaiResult, from_params, throw, to_dyn};
use crate::world::service::EC2_VPC;
use crate::world::{AwsError, ErrorCode, places};

/// The account and region the current caller's calls go to.
fn caller_place(w: &crate::world::World) -> (String, String) {
    let c = w.caller();
    (c.principal.account().unwrap_or(crate::world::DEFAULT_ACCOUNT).to_string(), c.region.into_owned())
}

fn bad(ctx: &NativeCallContext, m: impl Into<String>) -> Box<rhai::EvalAltResult> {
    throw(VpcError::InvalidParameterValue.err(m), ctx.call_position())
}

fn map(pairs: Vec<(&str, Dynamic)>) -> Map {
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

fn name_tag(resource_type: &str, name: &str) -> Dynamic {
    let tag = map(vec![("Key", "Name".into()), ("Value", name.into())]);
    let spec = map(vec![("ResourceType", resource_type.into()), ("Tags", Dynamic::from_array(vec![tag.into()]))]);
    Dynamic::from_array(vec![spec.into()])
}

/// A CIDR argument: `"10.0.0.0/16"` (host bits are dropped, as AWS does).
fn parse_cidr(ctx: &NativeCallContext, s: &str) -> RhaiResult<Ipv4Net> {
    cidr::parse_v4(s).ok_or_else(|| bad(ctx, format!("`{s}` is not an IPv4 CIDR block such as `10.0.0.0/16`")))
}

/// Named ranges from a CIDR string, a `vpc-` id, a map (`#{ Name, Cidr }`, a VPC or subnet
/// as Describe* returns it, or a plan), or an array of any of these.
fn named_ranges(h: &Handle, ctx: &NativeCallContext, d: &Dynamic, out: &mut Vec<(String, Ipv4Net)>) -> RhaiResult<()> {
    if let Some(s) = d.read_lock::<rhai::ImmutableString>() {
        if s.starts_with("vpc-") {
            let v = {
                let w = h.shared.lock();
                let (account, region) = caller_place(&w);
                w.vpc.net(&account, &region).and_then(|n| n.vpcs.get(s.as_str())).cloned()
            };
            let v = v.ok_or_else(|| throw(VpcError::InvalidVpcIdNotFound.err(super::error::msg::vpc_not_found(&s)), ctx.call_position()))?;
            for c in &v.cidrs {
                out.push((v.tags.get("Name").cloned().unwrap_or_else(|| v.id.clone()), c.cidr));
            }
            return Ok(());
        }
        out.push((s.to_string(), parse_cidr(ctx, &s)?));
        return Ok(());
    }
    if let Some(a) = d.read_lock::<Array>() {
        for x in a.iter() {
            named_ranges(h, ctx, x, out)?;
        }
        return Ok(());
    }
    if let Some(m) = d.read_lock::<Map>() {
        let get = |k: &str| m.get(k).and_then(|v| v.clone().into_string().ok());
        if let Some(subnets) = m.get("Subnets").filter(|_| m.contains_key("SubnetPrefix")) {
            if let Some(c) = get("Cidr") {
                out.push(("VPC".into(), parse_cidr(ctx, &c)?));
            }
            return named_ranges(h, ctx, subnets, out);
        }
        let cidr = get("Cidr").or_else(|| get("CidrBlock"));
        let Some(c) = cidr else {
            return Err(bad(ctx, "a range map needs `Cidr` (or `CidrBlock`)"));
        };
        let name = get("Name").or_else(|| get("SubnetId")).or_else(|| get("VpcId")).unwrap_or_else(|| c.clone());
        out.push((name, parse_cidr(ctx, &c)?));
        return Ok(());
    }
    Err(bad(ctx, format!("expected a CIDR string, a map with `Cidr`, or an array of them, not {}", d.type_name())))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Azs {
    Count(i64),
    Names(Vec<String>),
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct PlanParams {
    cidr: String,
    #[serde(default)]
    availability_zones: Option<Azs>,
    #[serde(default)]
    tiers: Option<Vec<String>>,
    #[serde(default)]
    spare: Option<i64>,
    #[serde(default)]
    subnet_prefix: Option<i64>,
    #[serde(default)]
    name_prefix: Option<String>,
}

const PLAN_DOC: &str = "Lays out subnets: one equal block per AZ slot (AZs plus `Spare` slots kept for later), each cut into one subnet per tier; reports sizes, what AWS reserves (5 per subnet), rounding waste and what is left. Defaults: 3 AZs of the current region, tiers reserved/db/app/web, 1 spare AZ slot (the A4L plan: 16 /20s out of a /16).
```rhai
let p = vpc::plan(#{ Cidr: \"10.16.0.0/16\", AvailabilityZones: 3, Tiers: [\"reserved\", \"db\", \"app\", \"web\"], Spare: 1 });
p.Subnets        // a table: Name, AvailabilityZone, Tier, Cidr, Usable, ...
```";

fn plan(h: &Handle, ctx: &NativeCallContext, params: Map) -> RhaiResult {
    let p: PlanParams = from_params(&Dynamic::from_map(params), &EC2_VPC, "plan").map_err(|e| throw(e, ctx.call_position()))?;
    let region = h.shared.lock().caller().region;
    let region_azs = places::availability_zones(&region);
    let azs = match p.availability_zones.unwrap_or(Azs::Count(3)) {
        Azs::Count(n) if n >= 1 && n as usize <= region_azs.len() => region_azs[..n as usize].to_vec(),
        Azs::Count(n) => return Err(bad(ctx, format!("`AvailabilityZones`: {region} has {} Availability Zones, not {n}", region_azs.len()))),
        Azs::Names(v) => v,
    };
    let req = cidr::PlanRequest {
        cidr: parse_cidr(ctx, &p.cidr)?,
        azs,
        tiers: p.tiers.unwrap_or_else(|| ["reserved", "db", "app", "web"].iter().map(|s| s.to_string()).collect()),
        spare_azs: p.spare.unwrap_or(1).clamp(0, 64) as u32,
        subnet_prefix: p.subnet_prefix.map(|n| n.clamp(0, 32) as u8),
        prefix: p.name_prefix.unwrap_or_else(|| "sn".into()),
    };
    let plan = cidr::plan(&req).map_err(|m| bad(ctx, m))?;
    to_dyn(&plan)
}

fn reserved_addresses(h: &Handle, ctx: &NativeCallContext, what: &str) -> RhaiResult {
    let n = if what.starts_with("subnet-") {
        let w = h.shared.lock();
        let (account, region) = caller_place(&w);
        let s = w.vpc.net(&account, &region).and_then(|n| n.subnets.get(what)).map(|s| s.cidr);
        s.ok_or_else(|| throw(VpcError::InvalidSubnetIdNotFound.err(super::error::msg::subnet_not_found(what)), ctx.call_position()))?
    } else {
        let n = parse_cidr(ctx, what)?;
        if !cidr::allowed_prefix(n.prefix_len()) {
            return Err(bad(ctx, format!("`{n}` is not a valid subnet size: subnets are /16 to /28")));
        }
        n
    };
    to_dyn(&cidr::reserved(&n))
}

/// Builds `#{ RouteTableId, DestinationCidrBlock|DestinationIpv6CidrBlock, <TargetParam> }`
/// from a target id, choosing the parameter from the id's prefix.
fn route_params(ctx: &NativeCallContext, rtb: &str, dest: &str, target: &str) -> RhaiResult<Map> {
    let key = match target.split('-').next().unwrap_or("") {
        "igw" | "local" | "vgw" => "GatewayId",
        "nat" => "NatGatewayId",
        "pcx" => "VpcPeeringConnectionId",
        "eigw" => "EgressOnlyInternetGatewayId",
        "eni" => "NetworkInterfaceId",
        "i" => "InstanceId",
        _ => return Err(bad(ctx, format!("`{target}` is not a route target (igw-, nat-, pcx-, eigw-, eni- or i- id)"))),
    };
    let dest_key = if dest.contains(':') { "DestinationIpv6CidrBlock" } else { "DestinationCidrBlock" };
    Ok(map(vec![("RouteTableId", rtb.into()), (dest_key, dest.into()), (key, target.into())]))
}

/// `#{ IpProtocol, FromPort, ToPort, IpRanges|UserIdGroupPairs }` for one port (or -1 = all)
/// and a CIDR or `sg-` peer.
fn permission(protocol: &str, port: i64, peer: &str) -> Map {
    let mut m = map(vec![("IpProtocol", protocol.into())]);
    if protocol != "-1" && protocol != "all" {
        m.insert("FromPort".into(), port.into());
        m.insert("ToPort".into(), port.into());
    } else {
        m.insert("IpProtocol".into(), "-1".into());
    }
    if peer.starts_with("sg-") {
        m.insert("UserIdGroupPairs".into(), Dynamic::from_array(vec![map(vec![("GroupId", peer.into())]).into()]));
    } else if peer.contains(':') {
        m.insert("Ipv6Ranges".into(), Dynamic::from_array(vec![map(vec![("CidrIpv6", peer.into())]).into()]));
    } else {
        m.insert("IpRanges".into(), Dynamic::from_array(vec![map(vec![("CidrIp", peer.into())]).into()]));
    }
    m
}

macro_rules! ops {
    ($api:ident; $($name:literal => $op:literal, $f:path, $doc:literal;)*) => { $( $api.op($name, $op, $doc, $f); )* };
}

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &EC2_VPC, docs);
    ops! { api;
        "create_vpc" => "CreateVpc", ops::create_vpc, "Creates a VPC with an IPv4 block between /16 and /28 (and its main route table, default network ACL and default security group).\n```rhai\nlet v = vpc::create_vpc(#{ CidrBlock: \"10.0.0.0/16\", AmazonProvidedIpv6CidrBlock: true });\nv.Vpc.VpcId\n```";
        "describe_vpcs" => "DescribeVpcs", ops::describe_vpcs, "Lists VPCs (`VpcIds`, `Filters` such as `is-default`, `cidr`, `tag:Name`).\n```rhai\nvpc::describe_vpcs(#{ Filters: [#{ Name: \"is-default\", Values: [\"true\"] }] }).Vpcs\n```";
        "delete_vpc" => "DeleteVpc", ops::delete_vpc, "Deletes a VPC; fails with DependencyViolation while subnets, gateways, custom route tables/ACLs, security groups or interfaces remain.\n```rhai\nvpc::delete_vpc(#{ VpcId: v })\n```";
        "create_default_vpc" => "CreateDefaultVpc", ops::create_default_vpc, "Re-creates the region's default VPC (172.31.0.0/16, a /20 default subnet per AZ, an internet gateway).\n```rhai\nvpc::create_default_vpc()\n```";
        "associate_vpc_cidr_block" => "AssociateVpcCidrBlock", ops::associate_vpc_cidr_block, "Adds a secondary IPv4 block (or an Amazon-provided IPv6 /56) to a VPC; its local route is added to every route table.\n```rhai\nvpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: \"10.1.0.0/16\" })\n```";
        "disassociate_vpc_cidr_block" => "DisassociateVpcCidrBlock", ops::disassociate_vpc_cidr_block, "Removes a secondary block (never the primary one).\n```rhai\nvpc::disassociate_vpc_cidr_block(#{ AssociationId: a })\n```";
        "modify_vpc_attribute" => "ModifyVpcAttribute", ops::modify_vpc_attribute, "Sets `EnableDnsSupport` or `EnableDnsHostnames` (one per call).\n```rhai\nvpc::modify_vpc_attribute(#{ VpcId: v, EnableDnsHostnames: #{ Value: true } })\n```";
        "describe_vpc_attribute" => "DescribeVpcAttribute", ops::describe_vpc_attribute, "Reads `enableDnsSupport` or `enableDnsHostnames`.\n```rhai\nvpc::describe_vpc_attribute(#{ VpcId: v, Attribute: \"enableDnsHostnames\" })\n```";
        "create_dhcp_options" => "CreateDhcpOptions", ops::create_dhcp_options, "Creates an (immutable) DHCP options set.\n```rhai\nvpc::create_dhcp_options(#{ DhcpConfigurations: [#{ Key: \"domain-name\", Values: [\"corp.example\"] }] })\n```";
        "associate_dhcp_options" => "AssociateDhcpOptions", ops::associate_dhcp_options, "Associates a DHCP options set with a VPC (`default` for none).\n```rhai\nvpc::associate_dhcp_options(#{ DhcpOptionsId: d, VpcId: v })\n```";
        "describe_dhcp_options" => "DescribeDhcpOptions", ops::describe_dhcp_options, "Lists DHCP options sets.\n```rhai\nvpc::describe_dhcp_options().DhcpOptions\n```";
        "delete_dhcp_options" => "DeleteDhcpOptions", ops::delete_dhcp_options, "Deletes a DHCP options set no VPC uses.\n```rhai\nvpc::delete_dhcp_options(#{ DhcpOptionsId: d })\n```";
        "create_subnet" => "CreateSubnet", ops::create_subnet, "Creates a subnet (/16-/28) inside the VPC's blocks in one AZ; AvailableIpAddressCount is the size minus the 5 reserved addresses.\n```rhai\nvpc::create_subnet(#{ VpcId: v, CidrBlock: \"10.0.1.0/24\", AvailabilityZone: \"us-east-1a\" }).Subnet.AvailableIpAddressCount   // 251\n```";
        "describe_subnets" => "DescribeSubnets", ops::describe_subnets, "Lists subnets in address order (`Filters`: `vpc-id`, `availability-zone`, `default-for-az`, `tag:Name`, ...).\n```rhai\nvpc::describe_subnets(#{ Filters: [#{ Name: \"vpc-id\", Values: [v] }] }).Subnets\n```";
        "delete_subnet" => "DeleteSubnet", ops::delete_subnet, "Deletes a subnet with no network interfaces left in it.\n```rhai\nvpc::delete_subnet(#{ SubnetId: s })\n```";
        "modify_subnet_attribute" => "ModifySubnetAttribute", ops::modify_subnet_attribute, "Sets `MapPublicIpOnLaunch` or `AssignIpv6AddressOnCreation`.\n```rhai\nvpc::modify_subnet_attribute(#{ SubnetId: s, MapPublicIpOnLaunch: #{ Value: true } })\n```";
        "create_internet_gateway" => "CreateInternetGateway", ops::create_internet_gateway, "Creates an internet gateway (attach it to a VPC, then route 0.0.0.0/0 to it).\n```rhai\nlet igw = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;\n```";
        "attach_internet_gateway" => "AttachInternetGateway", ops::attach_internet_gateway, "Attaches an internet gateway to a VPC (one per VPC).\n```rhai\nvpc::attach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v })\n```";
        "detach_internet_gateway" => "DetachInternetGateway", ops::detach_internet_gateway, "Detaches an internet gateway (not while the VPC has public addresses mapped).\n```rhai\nvpc::detach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v })\n```";
        "delete_internet_gateway" => "DeleteInternetGateway", ops::delete_internet_gateway, "Deletes a detached internet gateway.\n```rhai\nvpc::delete_internet_gateway(#{ InternetGatewayId: igw })\n```";
        "describe_internet_gateways" => "DescribeInternetGateways", ops::describe_internet_gateways, "Lists internet gateways (`Filters`: `attachment.vpc-id`).\n```rhai\nvpc::describe_internet_gateways().InternetGateways\n```";
        "create_egress_only_internet_gateway" => "CreateEgressOnlyInternetGateway", ops::create_egress_only_internet_gateway, "Creates an egress-only internet gateway (outbound-only IPv6).\n```rhai\nvpc::create_egress_only_internet_gateway(#{ VpcId: v })\n```";
        "delete_egress_only_internet_gateway" => "DeleteEgressOnlyInternetGateway", ops::delete_egress_only_internet_gateway, "Deletes an egress-only internet gateway.\n```rhai\nvpc::delete_egress_only_internet_gateway(#{ EgressOnlyInternetGatewayId: g })\n```";
        "allocate_address" => "AllocateAddress", ops::allocate_address, "Allocates an Elastic IP address.\n```rhai\nlet eip = vpc::allocate_address();\neip.PublicIp\n```";
        "associate_address" => "AssociateAddress", ops::associate_address, "Associates an Elastic IP with an instance or network interface.\n```rhai\nvpc::associate_address(#{ AllocationId: eip.AllocationId, InstanceId: i })\n```";
        "disassociate_address" => "DisassociateAddress", ops::disassociate_address, "Disassociates an Elastic IP.\n```rhai\nvpc::disassociate_address(#{ AssociationId: a })\n```";
        "release_address" => "ReleaseAddress", ops::release_address, "Releases an unassociated Elastic IP.\n```rhai\nvpc::release_address(#{ AllocationId: e })\n```";
        "describe_addresses" => "DescribeAddresses", ops::describe_addresses, "Lists Elastic IP addresses.\n```rhai\nvpc::describe_addresses().Addresses\n```";
        "create_nat_gateway" => "CreateNatGateway", ops::create_nat_gateway, "Creates a NAT gateway in a (public) subnet; a public one needs an Elastic IP.\n```rhai\nvpc::create_nat_gateway(#{ SubnetId: public_a, AllocationId: vpc::allocate_address().AllocationId })\n```";
        "delete_nat_gateway" => "DeleteNatGateway", ops::delete_nat_gateway, "Deletes a NAT gateway (routes to it become blackholes).\n```rhai\nvpc::delete_nat_gateway(#{ NatGatewayId: n })\n```";
        "describe_nat_gateways" => "DescribeNatGateways", ops::describe_nat_gateways, "Lists NAT gateways.\n```rhai\nvpc::describe_nat_gateways().NatGateways\n```";
        "create_vpc_peering_connection" => "CreateVpcPeeringConnection", ops::create_vpc_peering_connection, "Requests a peering connection between two VPCs (same account and region); overlapping VPCs fail.\n```rhai\nlet p = vpc::create_vpc_peering_connection(#{ VpcId: a, PeerVpcId: b });\n```";
        "accept_vpc_peering_connection" => "AcceptVpcPeeringConnection", ops::accept_vpc_peering_connection, "Accepts a pending peering connection.\n```rhai\nvpc::accept_vpc_peering_connection(#{ VpcPeeringConnectionId: pcx })\n```";
        "delete_vpc_peering_connection" => "DeleteVpcPeeringConnection", ops::delete_vpc_peering_connection, "Deletes a peering connection.\n```rhai\nvpc::delete_vpc_peering_connection(#{ VpcPeeringConnectionId: pcx })\n```";
        "describe_vpc_peering_connections" => "DescribeVpcPeeringConnections", ops::describe_vpc_peering_connections, "Lists peering connections.\n```rhai\nvpc::describe_vpc_peering_connections().VpcPeeringConnections\n```";
        "create_route_table" => "CreateRouteTable", ops::create_route_table, "Creates a custom route table (local routes only).\n```rhai\nlet rt = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;\n```";
        "delete_route_table" => "DeleteRouteTable", ops::delete_route_table, "Deletes a route table that is not main and has no associations.\n```rhai\nvpc::delete_route_table(#{ RouteTableId: rt })\n```";
        "describe_route_tables" => "DescribeRouteTables", ops::describe_route_tables, "Lists route tables with their routes (and each route's State) and associations.\n```rhai\nvpc::describe_route_tables(#{ Filters: [#{ Name: \"vpc-id\", Values: [v] }] }).RouteTables\n```";
        "create_route" => "CreateRoute", ops::create_route, "Adds a route: a destination CIDR and one target (GatewayId, NatGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId, NetworkInterfaceId, InstanceId).\n```rhai\nvpc::create_route(#{ RouteTableId: rt, DestinationCidrBlock: \"0.0.0.0/0\", GatewayId: igw })\n```";
        "replace_route" => "ReplaceRoute", ops::replace_route, "Points an existing route at a new target.\n```rhai\nvpc::replace_route(#{ RouteTableId: rt, DestinationCidrBlock: \"0.0.0.0/0\", NatGatewayId: nat })\n```";
        "delete_route" => "DeleteRoute", ops::delete_route, "Deletes a route (never a local one).\n```rhai\nvpc::delete_route(#{ RouteTableId: rt, DestinationCidrBlock: \"0.0.0.0/0\" })\n```";
        "associate_route_table" => "AssociateRouteTable", ops::associate_route_table, "Associates a subnet with a route table.\n```rhai\nvpc::associate_route_table(#{ RouteTableId: rt, SubnetId: s })\n```";
        "disassociate_route_table" => "DisassociateRouteTable", ops::disassociate_route_table, "Removes a subnet association (the subnet falls back to the main route table).\n```rhai\nvpc::disassociate_route_table(#{ AssociationId: a })\n```";
        "replace_route_table_association" => "ReplaceRouteTableAssociation", ops::replace_route_table_association, "Moves an association to another table; given the main association, changes the main route table.\n```rhai\nvpc::replace_route_table_association(#{ AssociationId: a, RouteTableId: rt })\n```";
        "create_security_group" => "CreateSecurityGroup", ops::create_security_group, "Creates a security group: no inbound rules, all outbound allowed.\n```rhai\nlet web = vpc::create_security_group(#{ GroupName: \"web\", Description: \"web tier\", VpcId: v }).GroupId;\n```";
        "delete_security_group" => "DeleteSecurityGroup", ops::delete_security_group, "Deletes a security group no interface or rule uses (never `default`).\n```rhai\nvpc::delete_security_group(#{ GroupId: g })\n```";
        "describe_security_groups" => "DescribeSecurityGroups", ops::describe_security_groups, "Lists security groups with their IpPermissions.\n```rhai\nvpc::describe_security_groups(#{ GroupIds: [web] }).SecurityGroups[0].IpPermissions\n```";
        "authorize_security_group_ingress" => "AuthorizeSecurityGroupIngress", ops::authorize_security_group_ingress, "Adds inbound allow rules.\n```rhai\nvpc::authorize_security_group_ingress(#{ GroupId: web, IpPermissions: [#{ IpProtocol: \"tcp\", FromPort: 443, ToPort: 443, IpRanges: [#{ CidrIp: \"0.0.0.0/0\" }] }] })\n```";
        "authorize_security_group_egress" => "AuthorizeSecurityGroupEgress", ops::authorize_security_group_egress, "Adds outbound allow rules.\n```rhai\nvpc::authorize_security_group_egress(#{ GroupId: app, IpPermissions: [#{ IpProtocol: \"tcp\", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [#{ GroupId: db }] }] })\n```";
        "revoke_security_group_ingress" => "RevokeSecurityGroupIngress", ops::revoke_security_group_ingress, "Removes inbound rules.\n```rhai\nvpc::revoke_security_group_ingress(#{ GroupId: web, IpPermissions: [#{ IpProtocol: \"tcp\", FromPort: 22, ToPort: 22, IpRanges: [#{ CidrIp: \"0.0.0.0/0\" }] }] })\n```";
        "revoke_security_group_egress" => "RevokeSecurityGroupEgress", ops::revoke_security_group_egress, "Removes outbound rules.\n```rhai\nvpc::revoke_security_group_egress(#{ GroupId: g, IpPermissions: [#{ IpProtocol: \"-1\", IpRanges: [#{ CidrIp: \"0.0.0.0/0\" }] }] })\n```";
        "create_network_acl" => "CreateNetworkAcl", ops::create_network_acl, "Creates a network ACL, which denies everything until rules are added.\n```rhai\nlet acl = vpc::create_network_acl(#{ VpcId: v }).NetworkAcl.NetworkAclId;\n```";
        "delete_network_acl" => "DeleteNetworkAcl", ops::delete_network_acl, "Deletes a network ACL with no subnets (never the default one).\n```rhai\nvpc::delete_network_acl(#{ NetworkAclId: acl })\n```";
        "describe_network_acls" => "DescribeNetworkAcls", ops::describe_network_acls, "Lists network ACLs with their entries (the `*` rule shows as 32767) and subnet associations.\n```rhai\nvpc::describe_network_acls(#{ NetworkAclIds: [acl] }).NetworkAcls[0].Entries\n```";
        "create_network_acl_entry" => "CreateNetworkAclEntry", ops::create_network_acl_entry, "Adds a numbered rule (1-32766; lowest number first, first match decides).\n```rhai\nvpc::create_network_acl_entry(#{ NetworkAclId: acl, RuleNumber: 100, Protocol: \"6\", RuleAction: \"allow\", Egress: false, CidrBlock: \"0.0.0.0/0\", PortRange: #{ From: 443, To: 443 } })\n```";
        "replace_network_acl_entry" => "ReplaceNetworkAclEntry", ops::replace_network_acl_entry, "Replaces a numbered rule.\n```rhai\nvpc::replace_network_acl_entry(#{ NetworkAclId: acl, RuleNumber: 100, Protocol: \"-1\", RuleAction: \"deny\", Egress: false, CidrBlock: \"0.0.0.0/0\" })\n```";
        "delete_network_acl_entry" => "DeleteNetworkAclEntry", ops::delete_network_acl_entry, "Deletes a numbered rule.\n```rhai\nvpc::delete_network_acl_entry(#{ NetworkAclId: acl, RuleNumber: 100, Egress: false })\n```";
        "replace_network_acl_association" => "ReplaceNetworkAclAssociation", ops::replace_network_acl_association, "Moves a subnet to another network ACL (see also `vpc::associate_network_acl(acl, subnet)`).\n```rhai\nvpc::replace_network_acl_association(#{ AssociationId: a, NetworkAclId: acl })\n```";
        "create_network_interface" => "CreateNetworkInterface", ops::create_network_interface, "Creates a network interface in a subnet (lowest free address; never a reserved one).\n```rhai\nvpc::create_network_interface(#{ SubnetId: s, Groups: [web] }).NetworkInterface.PrivateIpAddress\n```";
        "delete_network_interface" => "DeleteNetworkInterface", ops::delete_network_interface, "Deletes an unattached network interface.\n```rhai\nvpc::delete_network_interface(#{ NetworkInterfaceId: e })\n```";
        "describe_network_interfaces" => "DescribeNetworkInterfaces", ops::describe_network_interfaces, "Lists network interfaces.\n```rhai\nvpc::describe_network_interfaces(#{ Filters: [#{ Name: \"subnet-id\", Values: [s] }] }).NetworkInterfaces\n```";
        "run_instances" => "RunInstances", ops::run_instances, "Launches instances into a subnet with security groups; public IPv4 follows the subnet's MapPublicIpOnLaunch unless a NetworkInterfaces entry says AssociatePublicIpAddress.\n```rhai\nlet i = vpc::run_instances(#{ SubnetId: s, SecurityGroupIds: [web] }).Instances[0];\ni.PrivateIpAddress\n```";
        "terminate_instances" => "TerminateInstances", ops::terminate_instances, "Terminates instances (their interfaces and addresses are freed).\n```rhai\nvpc::terminate_instances(#{ InstanceIds: [i] })\n```";
        "describe_instances" => "DescribeInstances", ops::describe_instances, "Lists instances by reservation.\n```rhai\nvpc::describe_instances().Reservations\n```";
        "create_tags" => "CreateTags", ops::create_tags, "Tags VPC resources.\n```rhai\nvpc::create_tags(#{ Resources: [v], Tags: [#{ Key: \"Name\", Value: \"a4l-vpc1\" }] })\n```";
        "reachable" => "StartNetworkInsightsAnalysis", ops::start_network_insights_analysis, "Decides whether `Source` can connect to `Destination` (instances, interfaces, `igw-` ids, `internet`, IPv4 addresses) and explains the path hop by hop: security groups, network ACLs both ways (stateless, ephemeral ports), route tables (longest prefix), gateways. `Path` is a table; `BlockedBy` names the component and Reachability Analyzer's explanation code.\n```rhai\nlet r = vpc::reachable(#{ Source: \"internet\", Destination: web, Protocol: \"tcp\", Port: 443 });\nr.Reachable\n```";
    }

    // ---- positional overloads ----
    let h = api.handle();
    api.func("create_vpc", "Creates a VPC from a CIDR block.\n```rhai\nvpc::create_vpc(\"10.16.0.0/16\").Vpc.VpcId\n```", &["cidr: &str", "Map"], move |ctx: NativeCallContext, cidr: &str| {
        h.run(&ctx, "CreateVpc", "create_vpc", ops::create_vpc, map(vec![("CidrBlock", cidr.into())]))
    });
    let h = api.handle();
    api.func("create_vpc", "Creates a VPC from a CIDR block with a Name tag.\n```rhai\nvpc::create_vpc(\"10.16.0.0/16\", \"a4l-vpc1\").Vpc.VpcId\n```", &["cidr: &str", "name: &str", "Map"], move |ctx: NativeCallContext, cidr: &str, name: &str| {
        h.run(&ctx, "CreateVpc", "create_vpc", ops::create_vpc, map(vec![("CidrBlock", cidr.into()), ("TagSpecifications", name_tag("vpc", name))]))
    });
    let h = api.handle();
    api.func(
        "create_subnet",
        "Creates a subnet in a VPC and AZ.\n```rhai\nvpc::create_subnet(v, \"10.16.48.0/20\", \"us-east-1a\").Subnet.SubnetId\n```",
        &["vpc_id: &str", "cidr: &str", "az: &str", "Map"],
        move |ctx: NativeCallContext, v: &str, cidr: &str, az: &str| {
            h.run(&ctx, "CreateSubnet", "create_subnet", ops::create_subnet, map(vec![("VpcId", v.into()), ("CidrBlock", cidr.into()), ("AvailabilityZone", az.into())]))
        },
    );
    let h = api.handle();
    api.func(
        "create_subnet",
        "Creates a named subnet in a VPC and AZ.\n```rhai\nvpc::create_subnet(v, \"10.16.48.0/20\", \"us-east-1a\", \"sn-web-A\").Subnet.SubnetId\n```",
        &["vpc_id: &str", "cidr: &str", "az: &str", "name: &str", "Map"],
        move |ctx: NativeCallContext, v: &str, cidr: &str, az: &str, name: &str| {
            h.run(
                &ctx,
                "CreateSubnet",
                "create_subnet",
                ops::create_subnet,
                map(vec![("VpcId", v.into()), ("CidrBlock", cidr.into()), ("AvailabilityZone", az.into()), ("TagSpecifications", name_tag("subnet", name))]),
            )
        },
    );
    let h = api.handle();
    api.func(
        "create_security_group",
        "Creates a security group in a VPC.\n```rhai\nlet web = vpc::create_security_group(v, \"web\", \"web tier\").GroupId;\n```",
        &["vpc_id: &str", "name: &str", "description: &str", "Map"],
        move |ctx: NativeCallContext, v: &str, name: &str, description: &str| {
            h.run(&ctx, "CreateSecurityGroup", "create_security_group", ops::create_security_group, map(vec![("VpcId", v.into()), ("GroupName", name.into()), ("Description", description.into())]))
        },
    );
    for (name, op, egress) in [("authorize_security_group_ingress", "AuthorizeSecurityGroupIngress", false), ("authorize_security_group_egress", "AuthorizeSecurityGroupEgress", true)] {
        let h = api.handle();
        let f = if egress { ops::authorize_security_group_egress } else { ops::authorize_security_group_ingress };
        api.func(
            name,
            &format!("Allows one protocol/port (-1 = all) {} a CIDR or a security group.\n```rhai\nvpc::{name}(web, \"tcp\", 443, \"0.0.0.0/0\")\n```", if egress { "to" } else { "from" }),
            &["group_id: &str", "protocol: &str", "port: i64", "peer: &str", "Map"],
            move |ctx: NativeCallContext, g: &str, proto: &str, port: i64, peer: &str| {
                let perm = permission(proto, port, peer);
                h.run(&ctx, op, name, f, map(vec![("GroupId", g.into()), ("IpPermissions", Dynamic::from_array(vec![perm.into()]))]))
            },
        );
    }
    let h = api.handle();
    api.func(
        "create_route",
        "Adds a route; the target's id says what it is (igw-, nat-, pcx-, eigw-, eni-, i-).\n```rhai\nvpc::create_route(rt, \"0.0.0.0/0\", igw)\n```",
        &["route_table_id: &str", "destination: &str", "target: &str", "Map"],
        move |ctx: NativeCallContext, rt: &str, dest: &str, target: &str| {
            let p = route_params(&ctx, rt, dest, target)?;
            h.run(&ctx, "CreateRoute", "create_route", ops::create_route, p)
        },
    );
    let h = api.handle();
    api.func(
        "create_network_acl_entry",
        "Adds a numbered network ACL rule for one protocol (`tcp`, `udp`, `icmp`, `-1`) and port range `\"from-to\"` (or `\"\"` for all).\n```rhai\nvpc::create_network_acl_entry(acl, 100, \"inbound\", \"allow\", \"tcp\", \"443\", \"0.0.0.0/0\")\n```",
        &["acl_id: &str", "rule_number: i64", "direction: &str", "action: &str", "protocol: &str", "ports: &str", "cidr: &str", "Map"],
        move |ctx: NativeCallContext, acl: &str, n: i64, dir: &str, action: &str, proto: &str, ports: &str, cidr: &str| {
            let egress = match dir {
                "inbound" | "ingress" => false,
                "outbound" | "egress" => true,
                other => return Err(bad(&ctx, format!("direction must be `inbound` or `outbound`, not `{other}`"))),
            };
            let number = super::model::Proto::parse(proto).ok_or_else(|| bad(&ctx, format!("`{proto}` is not a protocol")))?.acl_name();
            let mut m = map(vec![
                ("NetworkAclId", acl.into()),
                ("RuleNumber", n.into()),
                ("Protocol", number.into()),
                ("RuleAction", action.into()),
                ("Egress", egress.into()),
                ("CidrBlock", cidr.into()),
            ]);
            if !ports.is_empty() {
                let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
                let (a, b): (i64, i64) = (a.trim().parse().map_err(|_| bad(&ctx, format!("bad port range `{ports}`")))?, b.trim().parse().map_err(|_| bad(&ctx, format!("bad port range `{ports}`")))?);
                m.insert("PortRange".into(), map(vec![("From", a.into()), ("To", b.into())]).into());
            }
            h.run(&ctx, "CreateNetworkAclEntry", "create_network_acl_entry", ops::create_network_acl_entry, m)
        },
    );
    let h = api.handle();
    api.func(
        "associate_network_acl",
        "Makes `subnet` use network ACL `acl` (finds the subnet's current association and calls ReplaceNetworkAclAssociation).\n```rhai\nvpc::associate_network_acl(acl, s)\n```",
        &["acl_id: &str", "subnet_id: &str", "Map"],
        move |ctx: NativeCallContext, acl: &str, subnet: &str| {
            let assoc = {
                let w = h.shared.lock();
                let (account, region) = caller_place(&w);
                w.vpc.net(&account, &region).and_then(|n| n.network_acls.values().find_map(|a| a.associations.iter().find(|(_, s)| s.as_str() == subnet).map(|(id, _)| id.clone())))
            };
            let assoc = assoc.ok_or_else(|| throw(VpcError::InvalidSubnetIdNotFound.err(super::error::msg::subnet_not_found(subnet)), ctx.call_position()))?;
            h.run(&ctx, "ReplaceNetworkAclAssociation", "associate_network_acl", ops::replace_network_acl_association, map(vec![("AssociationId", assoc.into()), ("NetworkAclId", acl.into())]))
        },
    );
    let h = api.handle();
    api.func(
        "run_instances",
        "Launches one instance into a subnet with security groups.\n```rhai\nlet web1 = vpc::run_instances(s, [web]).Instances[0].InstanceId;\n```",
        &["subnet_id: &str", "security_group_ids: Array", "Map"],
        move |ctx: NativeCallContext, s: &str, groups: Array| h.run(&ctx, "RunInstances", "run_instances", ops::run_instances, map(vec![("SubnetId", s.into()), ("SecurityGroupIds", Dynamic::from_array(groups))])),
    );
    let h = api.handle();
    api.func(
        "reachable",
        "Can `source` open a `protocol` connection to `port` on `destination`? Explains the path.\n```rhai\nvpc::reachable(\"internet\", web1, \"tcp\", 443).Path\n```",
        &["source: &str", "destination: &str", "protocol: &str", "port: i64", "Map"],
        move |ctx: NativeCallContext, s: &str, d: &str, proto: &str, port: i64| {
            h.run(
                &ctx,
                "StartNetworkInsightsAnalysis",
                "reachable",
                ops::start_network_insights_analysis,
                map(vec![("Source", s.into()), ("Destination", d.into()), ("Protocol", proto.into()), ("Port", port.into())]),
            )
        },
    );

    // ---- planning helpers (no API call: not audited) ----
    let h = api.handle();
    api.func("plan", PLAN_DOC, &["params: Map", "Map"], move |ctx: NativeCallContext, params: Map| plan(&h, &ctx, params));
    api.func(
        "split",
        "Splits a CIDR block into blocks of a longer prefix.\n```rhai\nvpc::split(\"10.16.0.0/16\", 18)   // [\"10.16.0.0/18\", \"10.16.64.0/18\", ...]\n```",
        &["cidr: &str", "new_prefix: i64", "Array"],
        |ctx: NativeCallContext, c: &str, p: i64| -> RhaiResult<Array> {
            let n = parse_cidr(&ctx, c)?;
            let parts = cidr::split(&n, p.clamp(0, 64) as u8).map_err(|m| bad(&ctx, m))?;
            Ok(parts.into_iter().map(|p| Dynamic::from(p.to_string())).collect())
        },
    );
    api.func(
        "summarize",
        "The fewest CIDR blocks covering the same addresses.\n```rhai\nvpc::summarize([\"10.0.0.0/24\", \"10.0.1.0/24\"])   // [\"10.0.0.0/23\"]\n```",
        &["cidrs: Array", "Array"],
        |ctx: NativeCallContext, cidrs: Array| -> RhaiResult<Array> {
            let mut nets = Vec::new();
            for c in cidrs {
                let s = c.into_string().map_err(|t| bad(&ctx, format!("expected CIDR strings, got {t}")))?;
                nets.push(parse_cidr(&ctx, &s)?);
            }
            Ok(cidr::summarize(&nets).into_iter().map(|n| Dynamic::from(n.to_string())).collect())
        },
    );
    api.func(
        "overlaps",
        "True when two CIDR blocks share an address.\n```rhai\nvpc::overlaps(\"10.0.0.0/16\", \"10.0.128.0/17\")   // true\n```",
        &["a: &str", "b: &str", "bool"],
        |ctx: NativeCallContext, a: &str, b: &str| -> RhaiResult<bool> { Ok(cidr::overlaps(&parse_cidr(&ctx, a)?, &parse_cidr(&ctx, b)?)) },
    );
    let h = api.handle();
    api.func(
        "check_plan",
        "Checks planned ranges (a plan, CIDRs, `vpc-` ids, maps with `Cidr`) against ranges to avoid (other VPCs, on-premises, partners). Returns `#{ Ok, Conflicts }`; Conflicts is a table.\n```rhai\nvpc::check_plan(p, [#{ Name: \"on-premises\", Cidr: \"192.168.10.0/24\" }, \"10.16.0.0/16\"])\n```",
        &["planned: Dynamic", "avoid: Dynamic", "Map"],
        move |ctx: NativeCallContext, planned: Dynamic, avoid: Dynamic| -> RhaiResult {
            let (mut p, mut a) = (Vec::new(), Vec::new());
            named_ranges(&h, &ctx, &planned, &mut p)?;
            named_ranges(&h, &ctx, &avoid, &mut a)?;
            let conflicts = cidr::check(&p, &a);
            let mut m = Map::new();
            m.insert("Ok".into(), conflicts.is_empty().into());
            m.insert("Conflicts".into(), to_dyn(&conflicts)?);
            Ok(m.into())
        },
    );
    let h = api.handle();
    api.func(
        "reserved_addresses",
        "The five addresses AWS reserves in a subnet (a CIDR or a `subnet-` id), by name: network, router (+1), dns (+2), future (+3), broadcast.\n```rhai\nvpc::reserved_addresses(\"10.0.0.0/24\")\n```",
        &["subnet: &str", "Array"],
        move |ctx: NativeCallContext, s: &str| reserved_addresses(&h, &ctx, s),
    );
    let h = api.handle();
    api.func(
        "set_quota",
        "Raises (or lowers) an adjustable VPC quota for the current account and region, the way a Service Quotas increase would: VpcsPerRegion, SubnetsPerVpc, Ipv4CidrBlocksPerVpc (5, up to 50), Ipv6CidrBlocksPerVpc, InternetGatewaysPerRegion, ElasticIpsPerRegion, RoutesPerRouteTable, RulesPerNetworkAcl, RulesPerSecurityGroup.\n```rhai\nvpc::set_quota(\"Ipv4CidrBlocksPerVpc\", 10)\n```",
        &["name: &str", "value: i64", "()"],
        move |ctx: NativeCallContext, name: &str, value: i64| -> RhaiResult<()> {
            let max = super::model::Quotas::ADJUSTABLE.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
            let names: Vec<&str> = super::model::Quotas::ADJUSTABLE.iter().map(|(n, _)| *n).collect();
            let Some(max) = max else { return Err(bad(&ctx, format!("`{name}` is not an adjustable VPC quota (known: {})", names.join(", ")))) };
            if value < 1 || value > max as i64 {
                return Err(bad(&ctx, format!("`{name}` can be set from 1 to {max}, not {value}")));
            }
            h.with(&ctx, |w| {
                let (account, region) = caller_place(w);
                let net = w.vpc.net_mut(&account, &region, &mut w.rng);
                *net.quotas.get_mut(name).expect("listed quota") = value as u32;
                Ok::<(), AwsError>(())
            })
        },
    );
    api.install(engine);
}
