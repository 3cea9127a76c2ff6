//! The EC2 API operations of the VPC module, one function per operation. Each one runs
//! inside [`crate::world::World::call`]: it makes sure the region's network exists (with its
//! default VPC), authorizes `ec2:<Operation>` on the resource's ARN through the one
//! authorizer, validates everything, and only then mutates.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use super::cidr;
use super::error::{VpcError as E, msg};
use super::model::*;
use super::views::*;
use crate::world::authz::Authz;
use crate::world::{AwsError, Call, ErrorCode, SimRng, places};

// ---------------------------------------------------------------------------------------
// Shared plumbing
// ---------------------------------------------------------------------------------------

fn resource_type(kind: &str) -> &'static str {
    match kind {
        "vpc" => "AWS::EC2::VPC",
        "subnet" => "AWS::EC2::Subnet",
        "route-table" => "AWS::EC2::RouteTable",
        "internet-gateway" => "AWS::EC2::InternetGateway",
        "egress-only-internet-gateway" => "AWS::EC2::EgressOnlyInternetGateway",
        "natgateway" => "AWS::EC2::NatGateway",
        "vpc-peering-connection" => "AWS::EC2::VPCPeeringConnection",
        "security-group" => "AWS::EC2::SecurityGroup",
        "network-acl" => "AWS::EC2::NetworkAcl",
        "dhcp-options" => "AWS::EC2::DHCPOptions",
        "elastic-ip" => "AWS::EC2::EIP",
        "network-interface" => "AWS::EC2::NetworkInterface",
        "instance" => "AWS::EC2::Instance",
        _ => "AWS::EC2::Resource",
    }
}

fn arn(c: &Call<'_>, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{}:{}:{kind}/{id}", c.region(), c.account())
}

/// Records a resource in the call's audit event.
fn record(c: &mut Call<'_>, kind: &str, id: &str) {
    let a = arn(c, kind, id);
    c.resource(a, resource_type(kind));
}

/// Creates the region's network (and default VPC) if this is its first use, then asks the
/// authorizer for `ec2:<action>` on `kind/id` (`*` for a resource about to be created).
fn begin<'a>(c: &'a mut Call<'_>, action: &str, kind: &str, id: &str) -> Result<(&'a mut RegionNet, &'a mut SimRng), AwsError> {
    let (account, region) = (c.account(), c.region());
    {
        let w = &mut *c.w;
        w.vpc.net_mut(&account, &region, &mut w.rng);
    }
    if id != "*" {
        record(c, kind, id);
    }
    let resource = arn(c, kind, id);
    let action = format!("ec2:{action}");
    c.authorize(Authz::new(&action, &resource))?;
    let w = &mut *c.w;
    let net = w.vpc.net_mut(&account, &region, &mut w.rng);
    Ok((net, &mut w.rng))
}

fn invalid(m: impl Into<String>) -> AwsError {
    E::InvalidParameterValue.err(m)
}

fn parse_cidr_param(s: &str, param: &str) -> Result<Ipv4Net, AwsError> {
    cidr::parse_v4(s).ok_or_else(|| invalid(msg::invalid_value(s, param, "This is not a valid CIDR block.")))
}

fn parse_ip(s: &str, param: &str) -> Result<Ipv4Addr, AwsError> {
    s.trim().parse().map_err(|_| invalid(msg::invalid_value(s, param, "This is not a valid IPv4 address.")))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagIn {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagSpecification {
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<TagIn>,
}

fn tags_of(specs: &[TagSpecification]) -> Tags {
    specs.iter().flat_map(|s| s.tags.iter()).map(|t| (t.key.clone(), t.value.clone())).collect()
}

/// A Describe* filter: `#{ Name: "vpc-id", Values: ["vpc-..."] }` (`*` and `?` wildcards).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Filter {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

fn glob(pat: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    go(&pat.chars().collect::<Vec<_>>(), &s.chars().collect::<Vec<_>>())
}

/// Keeps the items every filter matches. `known` lists the filter names the resource
/// supports besides `tag:<key>` and `tag-key`; `values` gives an item's values for a name.
fn filtered<'a, T>(
    items: impl Iterator<Item = &'a T>,
    filters: &[Filter],
    known: &[&str],
    tags: impl Fn(&T) -> &Tags,
    values: impl Fn(&T, &str) -> Vec<String>,
) -> Result<Vec<&'a T>, AwsError> {
    for f in filters {
        if !f.name.starts_with("tag:") && f.name != "tag-key" && !known.contains(&f.name.as_str()) {
            return Err(E::InvalidParameterValue.err(format!("The filter '{}' is invalid", f.name)));
        }
    }
    Ok(items
        .filter(|it| {
            filters.iter().all(|f| {
                let have: Vec<String> = if let Some(k) = f.name.strip_prefix("tag:") {
                    tags(it).get(k).cloned().into_iter().collect()
                } else if f.name == "tag-key" {
                    tags(it).keys().cloned().collect()
                } else {
                    values(it, &f.name)
                };
                f.values.iter().any(|want| have.iter().any(|h| glob(want, h)))
            })
        })
        .collect())
}

fn b(v: bool) -> String {
    v.to_string()
}

/// `#{ Value: true }` as EC2 takes booleans in Modify* operations (a bare bool works too).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(untagged)]
pub enum AttributeBooleanValue {
    Wrapped {
        #[serde(rename = "Value")]
        value: bool,
    },
    Bare(bool),
}

impl AttributeBooleanValue {
    pub fn get(self) -> bool {
        match self {
            AttributeBooleanValue::Wrapped { value } | AttributeBooleanValue::Bare(value) => value,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoolValue {
    pub value: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReturnResponse {
    #[serde(rename = "Return")]
    pub ret: bool,
}

const OK: ReturnResponse = ReturnResponse { ret: true };

fn vpc_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a Vpc, AwsError> {
    net.vpcs.get(id).ok_or_else(|| E::InvalidVpcIdNotFound.err(msg::vpc_not_found(id)))
}

fn subnet_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a Subnet, AwsError> {
    net.subnets.get(id).ok_or_else(|| E::InvalidSubnetIdNotFound.err(msg::subnet_not_found(id)))
}

fn rtb_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a RouteTable, AwsError> {
    net.route_tables.get(id).ok_or_else(|| E::InvalidRouteTableIdNotFound.err(format!("The routeTable ID '{id}' does not exist")))
}

fn sg_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a SecurityGroup, AwsError> {
    net.security_groups.get(id).ok_or_else(|| E::InvalidGroupNotFound.err(format!("The security group '{id}' does not exist")))
}

fn acl_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a NetworkAcl, AwsError> {
    net.network_acls.get(id).ok_or_else(|| E::InvalidNetworkAclIdNotFound.err(format!("The network acl ID '{id}' does not exist")))
}

fn igw_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a InternetGateway, AwsError> {
    net.internet_gateways.get(id).ok_or_else(|| E::InvalidInternetGatewayIdNotFound.err(format!("The internetGateway ID '{id}' does not exist")))
}

fn instance_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a Instance, AwsError> {
    net.instances.get(id).ok_or_else(|| E::InvalidInstanceIdNotFound.err(format!("The instance ID '{id}' does not exist")))
}

fn eni_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a NetworkInterface, AwsError> {
    net.interfaces.get(id).ok_or_else(|| E::InvalidNetworkInterfaceIdNotFound.err(format!("The networkInterface ID '{id}' does not exist")))
}

fn eip_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a ElasticIp, AwsError> {
    net.addresses.get(id).ok_or_else(|| E::InvalidAllocationIdNotFound.err(format!("The allocation ID '{id}' does not exist")))
}

fn peering_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a Peering, AwsError> {
    net.peerings
        .get(id)
        .filter(|p| p.status != "deleted")
        .ok_or_else(|| E::InvalidVpcPeeringConnectionIdNotFound.err(format!("The vpcPeeringConnection ID '{id}' does not exist")))
}

fn nat_ref<'a>(net: &'a RegionNet, id: &str) -> Result<&'a NatGateway, AwsError> {
    net.nat_gateways.get(id).ok_or_else(|| E::NatGatewayNotFound.err(format!("NAT gateway {id} was not found")))
}

/// Looks every id up (failing on the first unknown one), or takes everything.
fn pick<'a, T>(ids: &[String], all: impl Iterator<Item = &'a T>, get: impl Fn(&str) -> Result<&'a T, AwsError>) -> Result<Vec<&'a T>, AwsError> {
    if ids.is_empty() { Ok(all.collect()) } else { ids.iter().map(|i| get(i)).collect() }
}

// ---------------------------------------------------------------------------------------
// VPCs
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateVpcRequest {
    pub cidr_block: String,
    #[serde(default)]
    pub instance_tenancy: Option<String>,
    #[serde(default)]
    pub amazon_provided_ipv6_cidr_block: bool,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVpcResponse {
    pub vpc: VpcView,
}

/// Why a VPC block is never allowed: size outside /16-/28, or link-local.
fn check_vpc_block(given: &str, n: &Ipv4Net) -> Result<(), AwsError> {
    let link_local: Ipv4Net = "169.254.0.0/16".parse().unwrap();
    if !cidr::allowed_prefix(n.prefix_len()) || cidr::overlaps(n, &link_local) {
        return Err(E::InvalidVpcRange.err(format!("The CIDR '{given}' is invalid.")));
    }
    Ok(())
}

pub fn create_vpc(c: &mut Call<'_>, req: CreateVpcRequest) -> Result<CreateVpcResponse, AwsError> {
    let (net, rng) = begin(c, "CreateVpc", "vpc", "*")?;
    let block = parse_cidr_param(&req.cidr_block, "cidrBlock")?;
    check_vpc_block(req.cidr_block.trim(), &block)?;
    let tenancy = req.instance_tenancy.unwrap_or_else(|| "default".into());
    if tenancy != "default" && tenancy != "dedicated" {
        return Err(invalid(msg::invalid_value(&tenancy, "instanceTenancy", "Valid values are default and dedicated.")));
    }
    if net.vpcs.len() as u32 >= net.quotas.vpcs_per_region {
        return Err(E::VpcLimitExceeded.err("The maximum number of VPCs has been reached."));
    }
    let id = net.insert_vpc(rng, block, &tenancy, req.amazon_provided_ipv6_cidr_block, false, tags_of(&req.tag_specifications));
    let view = vpc_view(net, &net.vpcs[&id]);
    record(c, "vpc", &id);
    Ok(CreateVpcResponse { vpc: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateDefaultVpcRequest {}

pub fn create_default_vpc(c: &mut Call<'_>, _req: CreateDefaultVpcRequest) -> Result<CreateVpcResponse, AwsError> {
    let (net, rng) = begin(c, "CreateDefaultVpc", "vpc", "*")?;
    if net.default_vpc().is_some() {
        return Err(E::DefaultVpcAlreadyExists.err("A Default VPC already exists for this account in this region."));
    }
    if net.vpcs.len() as u32 >= net.quotas.vpcs_per_region {
        return Err(E::VpcLimitExceeded.err("The maximum number of VPCs has been reached."));
    }
    let id = net.create_default_vpc(rng);
    let view = vpc_view(net, &net.vpcs[&id]);
    record(c, "vpc", &id);
    Ok(CreateVpcResponse { vpc: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeVpcsRequest {
    #[serde(default)]
    pub vpc_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcsResponse {
    pub vpcs: Vec<VpcView>,
}

pub fn describe_vpcs(c: &mut Call<'_>, req: DescribeVpcsRequest) -> Result<DescribeVpcsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeVpcs", "vpc", "*")?;
    let net = &*net;
    let items = pick(&req.vpc_ids, net.vpcs.values(), |i| vpc_ref(net, i))?;
    let items = filtered(
        items.into_iter(),
        &req.filters,
        &["vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default", "isDefault", "dhcp-options-id", "owner-id", "state"],
        |v| &v.tags,
        |v, name| match name {
            "vpc-id" => vec![v.id.clone()],
            "cidr" => vec![v.primary().to_string()],
            "cidr-block-association.cidr-block" => v.cidrs.iter().map(|c| c.cidr.to_string()).collect(),
            "is-default" | "isDefault" => vec![b(v.is_default)],
            "dhcp-options-id" => vec![v.dhcp_options_id.clone()],
            "owner-id" => vec![v.owner.clone()],
            _ => vec!["available".into()],
        },
    )?;
    Ok(DescribeVpcsResponse { vpcs: items.into_iter().map(|v| vpc_view(net, v)).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteVpcRequest {
    pub vpc_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Empty {}

/// What keeps a VPC from being deleted (AWS requires deleting or detaching everything
/// except the main route table, the default network ACL and the default security group).
fn vpc_dependencies(net: &RegionNet, id: &str) -> Vec<String> {
    let mut d: Vec<String> = net.subnets.values().filter(|s| s.vpc_id == id).map(|s| s.id.clone()).collect();
    d.extend(net.internet_gateways.values().filter(|g| g.vpc_id.as_deref() == Some(id)).map(|g| g.id.clone()));
    d.extend(net.egress_only_gateways.values().filter(|g| g.vpc_id == id).map(|g| g.id.clone()));
    d.extend(net.security_groups.values().filter(|g| g.vpc_id == id && g.name != "default").map(|g| g.id.clone()));
    d.extend(net.route_tables.values().filter(|t| t.vpc_id == id && !t.main).map(|t| t.id.clone()));
    d.extend(net.network_acls.values().filter(|a| a.vpc_id == id && !a.is_default).map(|a| a.id.clone()));
    d.extend(net.interfaces.values().filter(|e| e.vpc_id == id).map(|e| e.id.clone()));
    d
}

pub fn delete_vpc(c: &mut Call<'_>, req: DeleteVpcRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteVpc", "vpc", &req.vpc_id)?;
    vpc_ref(net, &req.vpc_id)?;
    if !vpc_dependencies(net, &req.vpc_id).is_empty() {
        return Err(E::DependencyViolation.err(msg::dependencies("vpc", &req.vpc_id)));
    }
    let id = req.vpc_id;
    net.route_tables.retain(|_, t| t.vpc_id != id);
    net.network_acls.retain(|_, a| a.vpc_id != id);
    net.security_groups.retain(|_, g| g.vpc_id != id);
    for p in net.peerings.values_mut().filter(|p| p.other(&id).is_some() && p.status != "deleted") {
        p.status = "deleted".into();
        p.message = "Deleted".into();
    }
    net.vpcs.remove(&id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssociateVpcCidrBlockRequest {
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub amazon_provided_ipv6_cidr_block: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateVpcCidrBlockResponse {
    pub vpc_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block_association: Option<CidrBlockAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block_association: Option<Ipv6CidrBlockAssociation>,
}

/// The address families of the 2023 association-restriction table ([VPC-ARCH]
/// `vpc-cidr-blocks.md`, "IPv4 CIDR block association restrictions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Ten,
    OneSevenTwo,
    OneNineTwo,
    Benchmark,
    Public,
}

fn family(n: &Ipv4Net) -> Family {
    let within = |s: &str| s.parse::<Ipv4Net>().unwrap().contains(n);
    if within("10.0.0.0/8") {
        Family::Ten
    } else if within("172.16.0.0/12") {
        Family::OneSevenTwo
    } else if within("192.168.0.0/16") {
        Family::OneNineTwo
    } else if within("198.19.0.0/16") {
        Family::Benchmark
    } else {
        Family::Public
    }
}

/// True when `new` may not be added to a VPC whose blocks are `existing` (primary first).
fn restricted(existing: &[Ipv4Net], new: &Ipv4Net) -> bool {
    use Family::*;
    let rfc1918 = |f| matches!(f, Ten | OneSevenTwo | OneNineTwo);
    let primary = family(&existing[0]);
    let f = family(new);
    match primary {
        Ten => {
            matches!(f, OneSevenTwo | OneNineTwo | Benchmark)
                || (existing.iter().any(|e| "10.0.0.0/15".parse::<Ipv4Net>().unwrap().contains(e)) && "10.0.0.0/16".parse::<Ipv4Net>().unwrap().contains(new))
        }
        OneSevenTwo => matches!(f, Ten | OneNineTwo | Benchmark) || cidr::overlaps(new, &"172.31.0.0/16".parse().unwrap()),
        OneNineTwo => matches!(f, Ten | OneSevenTwo | Benchmark),
        Benchmark => rfc1918(f),
        Public => rfc1918(f) || f == Benchmark,
    }
}

pub fn associate_vpc_cidr_block(c: &mut Call<'_>, req: AssociateVpcCidrBlockRequest) -> Result<AssociateVpcCidrBlockResponse, AwsError> {
    let (net, rng) = begin(c, "AssociateVpcCidrBlock", "vpc", &req.vpc_id)?;
    let vpc = vpc_ref(net, &req.vpc_id)?.clone();
    match (&req.cidr_block, req.amazon_provided_ipv6_cidr_block) {
        (Some(given), false) => {
            let block = parse_cidr_param(given, "cidrBlock")?;
            check_vpc_block(given.trim(), &block)?;
            let existing: Vec<Ipv4Net> = vpc.cidrs.iter().map(|c| c.cidr).collect();
            if let Some(clash) = existing.iter().find(|e| cidr::overlaps(e, &block)) {
                return Err(E::InvalidVpcRange.err(format!("The CIDR '{given}' conflicts with the CIDR '{clash}' of the VPC.")));
            }
            if restricted(&existing, &block) {
                return Err(E::InvalidVpcRange.err(format!(
                    "The CIDR '{given}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR."
                )));
            }
            // "The CIDR block must not be the same or larger than a destination CIDR range in a
            // route in any of the VPC route tables."
            for t in net.route_tables.values().filter(|t| t.vpc_id == vpc.id) {
                if let Some(r) = t.routes.iter().find(|r| matches!(r.dest, Dest::V4(d) if block.contains(&d))) {
                    return Err(E::InvalidVpcRange.err(format!("The CIDR '{given}' conflicts with the route to {} in route table {}.", r.dest, t.id)));
                }
            }
            if vpc.cidrs.len() as u32 >= net.quotas.ipv4_cidr_blocks_per_vpc {
                return Err(E::CidrLimitExceeded.err(format!("This network '{}' has met its maximum number of allowed CIDRs: {}", vpc.id, net.quotas.ipv4_cidr_blocks_per_vpc)));
            }
            let assoc = CidrAssociation { association_id: rng.ec2_id("vpc-cidr-assoc"), cidr: block };
            for t in net.route_tables.values_mut().filter(|t| t.vpc_id == vpc.id) {
                t.routes.push(Route { dest: Dest::V4(block), target: Target::Local, origin: "CreateRouteTable".into() });
            }
            net.vpcs.get_mut(&vpc.id).unwrap().cidrs.push(assoc.clone());
            Ok(AssociateVpcCidrBlockResponse {
                vpc_id: vpc.id,
                cidr_block_association: Some(CidrBlockAssociation { association_id: assoc.association_id, cidr_block: block.to_string(), cidr_block_state: State { state: "associated".into() } }),
                ipv6_cidr_block_association: None,
            })
        }
        (None, true) => {
            if vpc.ipv6_cidrs.len() as u32 >= net.quotas.ipv6_cidr_blocks_per_vpc {
                return Err(E::CidrLimitExceeded.err(format!("This network '{}' has met its maximum number of allowed CIDRs: {}", vpc.id, net.quotas.ipv6_cidr_blocks_per_vpc)));
            }
            let block = net.fresh_ipv6_block(rng);
            let assoc = Ipv6Association { association_id: rng.ec2_id("vpc-cidr-assoc"), cidr: block };
            for t in net.route_tables.values_mut().filter(|t| t.vpc_id == vpc.id) {
                t.routes.push(Route { dest: Dest::V6(block), target: Target::Local, origin: "CreateRouteTable".into() });
            }
            net.vpcs.get_mut(&vpc.id).unwrap().ipv6_cidrs.push(assoc.clone());
            Ok(AssociateVpcCidrBlockResponse {
                vpc_id: vpc.id,
                cidr_block_association: None,
                ipv6_cidr_block_association: Some(Ipv6CidrBlockAssociation {
                    association_id: assoc.association_id,
                    ipv6_cidr_block: block.to_string(),
                    ipv6_cidr_block_state: State { state: "associated".into() },
                    network_border_group: Some(net.region.clone()),
                    ipv6_pool: Some("Amazon".into()),
                }),
            })
        }
        _ => Err(E::InvalidParameterCombination.err("Specify exactly one of CidrBlock and AmazonProvidedIpv6CidrBlock.")),
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DisassociateVpcCidrBlockRequest {
    pub association_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DisassociateVpcCidrBlockResponse {
    pub vpc_id: String,
    pub association_id: String,
}

pub fn disassociate_vpc_cidr_block(c: &mut Call<'_>, req: DisassociateVpcCidrBlockRequest) -> Result<DisassociateVpcCidrBlockResponse, AwsError> {
    let (net, _) = begin(c, "DisassociateVpcCidrBlock", "vpc", "*")?;
    let id = &req.association_id;
    let found = net.vpcs.values().find_map(|v| {
        if let Some(i) = v.cidrs.iter().position(|a| a.association_id == *id) {
            Some((v.id.clone(), i, Dest::V4(v.cidrs[i].cidr)))
        } else {
            v.ipv6_cidrs.iter().position(|a| a.association_id == *id).map(|i| (v.id.clone(), usize::MAX - i, Dest::V6(v.ipv6_cidrs[i].cidr)))
        }
    });
    let Some((vpc_id, idx, dest)) = found else {
        return Err(E::InvalidVpcCidrBlockAssociationIdNotFound.err(format!("The vpc CIDR block association ID '{id}' does not exist")));
    };
    if idx == 0 {
        return Err(E::OperationNotPermitted.err(format!(
            "The vpc CIDR block with association ID {id} may not be disassociated. It is the primary IPv4 CIDR block of the VPC"
        )));
    }
    let in_use = net.subnets.values().any(|s| {
        s.vpc_id == vpc_id
            && match dest {
                Dest::V4(n) => n.contains(&s.cidr),
                Dest::V6(n) => s.ipv6.as_ref().is_some_and(|a| n.contains(&a.cidr)),
            }
    });
    if in_use {
        return Err(E::DependencyViolation.err(msg::dependencies("vpc CIDR block", id)));
    }
    let v = net.vpcs.get_mut(&vpc_id).unwrap();
    v.cidrs.retain(|a| a.association_id != *id);
    v.ipv6_cidrs.retain(|a| a.association_id != *id);
    for t in net.route_tables.values_mut().filter(|t| t.vpc_id == vpc_id) {
        t.routes.retain(|r| !(r.dest == dest && r.target == Target::Local));
    }
    Ok(DisassociateVpcCidrBlockResponse { vpc_id, association_id: id.clone() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ModifyVpcAttributeRequest {
    pub vpc_id: String,
    #[serde(default)]
    pub enable_dns_support: Option<AttributeBooleanValue>,
    #[serde(default)]
    pub enable_dns_hostnames: Option<AttributeBooleanValue>,
}

pub fn modify_vpc_attribute(c: &mut Call<'_>, req: ModifyVpcAttributeRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "ModifyVpcAttribute", "vpc", &req.vpc_id)?;
    vpc_ref(net, &req.vpc_id)?;
    let v = net.vpcs.get_mut(&req.vpc_id).unwrap();
    match (req.enable_dns_support, req.enable_dns_hostnames) {
        (Some(s), None) => v.enable_dns_support = s.get(),
        (None, Some(h)) => v.enable_dns_hostnames = h.get(),
        _ => return Err(E::InvalidParameterCombination.err("Specify exactly one attribute: EnableDnsSupport or EnableDnsHostnames (one attribute per request).")),
    }
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeVpcAttributeRequest {
    pub vpc_id: String,
    pub attribute: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcAttributeResponse {
    pub vpc_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<BoolValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<BoolValue>,
}

pub fn describe_vpc_attribute(c: &mut Call<'_>, req: DescribeVpcAttributeRequest) -> Result<DescribeVpcAttributeResponse, AwsError> {
    let (net, _) = begin(c, "DescribeVpcAttribute", "vpc", &req.vpc_id)?;
    let v = vpc_ref(net, &req.vpc_id)?;
    let mut r = DescribeVpcAttributeResponse { vpc_id: v.id.clone(), enable_dns_support: None, enable_dns_hostnames: None };
    match req.attribute.as_str() {
        "enableDnsSupport" => r.enable_dns_support = Some(BoolValue { value: v.enable_dns_support }),
        "enableDnsHostnames" => r.enable_dns_hostnames = Some(BoolValue { value: v.enable_dns_hostnames }),
        other => return Err(invalid(msg::invalid_value(other, "attribute", "Valid values are enableDnsSupport and enableDnsHostnames."))),
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------
// DHCP options
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NewDhcpConfiguration {
    pub key: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateDhcpOptionsRequest {
    pub dhcp_configurations: Vec<NewDhcpConfiguration>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDhcpOptionsResponse {
    pub dhcp_options: DhcpOptionsView,
}

const DHCP_KEYS: &[&str] = &["domain-name", "domain-name-servers", "ntp-servers", "netbios-name-servers", "netbios-node-type", "ipv6-address-preferred-lease-time"];

pub fn create_dhcp_options(c: &mut Call<'_>, req: CreateDhcpOptionsRequest) -> Result<CreateDhcpOptionsResponse, AwsError> {
    let (net, rng) = begin(c, "CreateDhcpOptions", "dhcp-options", "*")?;
    let mut config = BTreeMap::new();
    for d in &req.dhcp_configurations {
        if !DHCP_KEYS.contains(&d.key.as_str()) {
            return Err(invalid(msg::invalid_value(&d.key, "dhcpConfiguration.key", &format!("Valid keys are {}.", DHCP_KEYS.join(", ")))));
        }
        if d.values.is_empty() {
            return Err(invalid(format!("The DHCP option `{}` needs at least one value.", d.key)));
        }
        if d.key == "domain-name-servers" && d.values.len() > 4 {
            return Err(invalid("You can specify up to four domain name servers."));
        }
        config.insert(d.key.clone(), d.values.clone());
    }
    let id = rng.ec2_id("dopt");
    let d = DhcpOptions { id: id.clone(), owner: net.account.clone(), config, tags: tags_of(&req.tag_specifications) };
    let view = dhcp_view(&d);
    net.dhcp_options.insert(id.clone(), d);
    record(c, "dhcp-options", &id);
    Ok(CreateDhcpOptionsResponse { dhcp_options: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssociateDhcpOptionsRequest {
    pub dhcp_options_id: String,
    pub vpc_id: String,
}

/// Associates a DHCP options set with a VPC (`default` associates none). Sets are
/// immutable: to change an option, create a new set and associate it.
pub fn associate_dhcp_options(c: &mut Call<'_>, req: AssociateDhcpOptionsRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "AssociateDhcpOptions", "vpc", &req.vpc_id)?;
    vpc_ref(net, &req.vpc_id)?;
    if req.dhcp_options_id != "default" && !net.dhcp_options.contains_key(&req.dhcp_options_id) {
        return Err(E::InvalidDhcpOptionIdNotFound.err(format!("The dhcpOption ID '{}' does not exist", req.dhcp_options_id)));
    }
    net.vpcs.get_mut(&req.vpc_id).unwrap().dhcp_options_id = req.dhcp_options_id;
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeDhcpOptionsRequest {
    #[serde(default)]
    pub dhcp_options_ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDhcpOptionsResponse {
    pub dhcp_options: Vec<DhcpOptionsView>,
}

pub fn describe_dhcp_options(c: &mut Call<'_>, req: DescribeDhcpOptionsRequest) -> Result<DescribeDhcpOptionsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeDhcpOptions", "dhcp-options", "*")?;
    let net = &*net;
    let items = pick(&req.dhcp_options_ids, net.dhcp_options.values(), |i| {
        net.dhcp_options.get(i).ok_or_else(|| E::InvalidDhcpOptionIdNotFound.err(format!("The dhcpOption ID '{i}' does not exist")))
    })?;
    Ok(DescribeDhcpOptionsResponse { dhcp_options: items.into_iter().map(dhcp_view).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteDhcpOptionsRequest {
    pub dhcp_options_id: String,
}

pub fn delete_dhcp_options(c: &mut Call<'_>, req: DeleteDhcpOptionsRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteDhcpOptions", "dhcp-options", &req.dhcp_options_id)?;
    let id = &req.dhcp_options_id;
    if !net.dhcp_options.contains_key(id) {
        return Err(E::InvalidDhcpOptionIdNotFound.err(format!("The dhcpOption ID '{id}' does not exist")));
    }
    if net.vpcs.values().any(|v| v.dhcp_options_id == *id) {
        return Err(E::DependencyViolation.err(msg::dependencies("dhcpOptions", id)));
    }
    net.dhcp_options.remove(id);
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Subnets
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateSubnetRequest {
    pub vpc_id: String,
    pub cidr_block: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSubnetResponse {
    pub subnet: SubnetView,
}

/// Creates a subnet in one AZ: a /16-/28 block inside one of the VPC's CIDR blocks that
/// overlaps no other subnet; optionally a /64 from the VPC's IPv6 /56.
pub fn create_subnet(c: &mut Call<'_>, req: CreateSubnetRequest) -> Result<CreateSubnetResponse, AwsError> {
    let region = c.region();
    let (net, rng) = begin(c, "CreateSubnet", "subnet", "*")?;
    let vpc = vpc_ref(net, &req.vpc_id)?.clone();
    let given = req.cidr_block.trim();
    let block = parse_cidr_param(given, "cidrBlock")?;
    if !cidr::allowed_prefix(block.prefix_len()) || !vpc.cidrs.iter().any(|c| c.cidr.contains(&block)) {
        return Err(E::InvalidSubnetRange.err(format!("The CIDR '{given}' is invalid.")));
    }
    if net.subnets.values().any(|s| s.vpc_id == vpc.id && cidr::overlaps(&s.cidr, &block)) {
        return Err(E::InvalidSubnetConflict.err(format!("The CIDR '{given}' conflicts with another subnet")));
    }
    let azs = places::availability_zones(&region);
    let az = match &req.availability_zone {
        Some(az) if azs.contains(az) => az.clone(),
        Some(az) => {
            return Err(invalid(format!(
                "Value ({az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.",
                azs.join(", ")
            )));
        }
        None => azs.first().cloned().unwrap_or_default(),
    };
    let ipv6 = match &req.ipv6_cidr_block {
        None => None,
        Some(s) => {
            let n: Ipv6Net = s.trim().parse::<Ipv6Net>().map_err(|_| invalid(msg::invalid_value(s, "ipv6CidrBlock", "This is not a valid IPv6 CIDR block.")))?.trunc();
            if n.prefix_len() != 64 || !vpc.ipv6_cidrs.iter().any(|c| c.cidr.contains(&n)) {
                return Err(E::InvalidSubnetRange.err(format!("The IPv6 CIDR '{s}' is invalid.")));
            }
            if net.subnets.values().any(|x| x.ipv6.as_ref().is_some_and(|a| a.cidr == n)) {
                return Err(E::InvalidSubnetConflict.err(format!("The IPv6 CIDR '{s}' conflicts with another subnet")));
            }
            Some(n)
        }
    };
    if net.subnets.values().filter(|s| s.vpc_id == vpc.id).count() as u32 >= net.quotas.subnets_per_vpc {
        return Err(E::SubnetLimitExceeded.err("The maximum number of subnets has been reached."));
    }
    let id = net.insert_subnet(rng, &vpc.id, &az, block, ipv6, false);
    net.subnets.get_mut(&id).expect("just inserted").tags = tags_of(&req.tag_specifications);
    let view = subnet_view(net, &net.subnets[&id]);
    record(c, "subnet", &id);
    Ok(CreateSubnetResponse { subnet: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeSubnetsRequest {
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSubnetsResponse {
    pub subnets: Vec<SubnetView>,
}

pub fn describe_subnets(c: &mut Call<'_>, req: DescribeSubnetsRequest) -> Result<DescribeSubnetsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeSubnets", "subnet", "*")?;
    let net = &*net;
    let items = pick(&req.subnet_ids, net.subnets.values(), |i| subnet_ref(net, i))?;
    let items = filtered(
        items.into_iter(),
        &req.filters,
        &["subnet-id", "vpc-id", "availability-zone", "cidr-block", "default-for-az", "defaultForAz", "map-public-ip-on-launch", "state"],
        |s| &s.tags,
        |s, name| match name {
            "subnet-id" => vec![s.id.clone()],
            "vpc-id" => vec![s.vpc_id.clone()],
            "availability-zone" => vec![s.az.clone()],
            "cidr-block" => vec![s.cidr.to_string()],
            "default-for-az" | "defaultForAz" => vec![b(s.default_for_az)],
            "map-public-ip-on-launch" => vec![b(s.map_public_ip_on_launch)],
            _ => vec!["available".into()],
        },
    )?;
    let mut subnets: Vec<SubnetView> = items.into_iter().map(|s| subnet_view(net, s)).collect();
    // List in VPC and address order (ids are random, addresses are meaningful).
    subnets.sort_by_key(|s| (s.vpc_id.clone(), cidr::parse_v4(&s.cidr_block)));
    Ok(DescribeSubnetsResponse { subnets })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteSubnetRequest {
    pub subnet_id: String,
}

pub fn delete_subnet(c: &mut Call<'_>, req: DeleteSubnetRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteSubnet", "subnet", &req.subnet_id)?;
    subnet_ref(net, &req.subnet_id)?;
    if net.interfaces.values().any(|e| e.subnet_id == req.subnet_id) {
        return Err(E::DependencyViolation.err(msg::dependencies("subnet", &req.subnet_id)));
    }
    for t in net.route_tables.values_mut() {
        t.associations.retain(|_, s| *s != req.subnet_id);
    }
    for a in net.network_acls.values_mut() {
        a.associations.retain(|_, s| *s != req.subnet_id);
    }
    net.subnets.remove(&req.subnet_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ModifySubnetAttributeRequest {
    pub subnet_id: String,
    #[serde(default)]
    pub map_public_ip_on_launch: Option<AttributeBooleanValue>,
    #[serde(default)]
    pub assign_ipv6_address_on_creation: Option<AttributeBooleanValue>,
}

pub fn modify_subnet_attribute(c: &mut Call<'_>, req: ModifySubnetAttributeRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "ModifySubnetAttribute", "subnet", &req.subnet_id)?;
    subnet_ref(net, &req.subnet_id)?;
    let s = net.subnets.get_mut(&req.subnet_id).unwrap();
    match (req.map_public_ip_on_launch, req.assign_ipv6_address_on_creation) {
        (Some(v), None) => s.map_public_ip_on_launch = v.get(),
        (None, Some(v)) => s.assign_ipv6_on_creation = v.get(),
        _ => return Err(E::InvalidParameterCombination.err("Specify exactly one attribute per request.")),
    }
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Internet gateways (and egress-only)
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateInternetGatewayRequest {
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateInternetGatewayResponse {
    pub internet_gateway: InternetGatewayView,
}

pub fn create_internet_gateway(c: &mut Call<'_>, req: CreateInternetGatewayRequest) -> Result<CreateInternetGatewayResponse, AwsError> {
    let (net, rng) = begin(c, "CreateInternetGateway", "internet-gateway", "*")?;
    if net.internet_gateways.len() as u32 >= net.quotas.internet_gateways_per_region {
        return Err(E::InternetGatewayLimitExceeded.err("The maximum number of internet gateways has been reached."));
    }
    let id = rng.ec2_id("igw");
    let g = InternetGateway { id: id.clone(), owner: net.account.clone(), vpc_id: None, tags: tags_of(&req.tag_specifications) };
    let view = igw_view(&g);
    net.internet_gateways.insert(id.clone(), g);
    record(c, "internet-gateway", &id);
    Ok(CreateInternetGatewayResponse { internet_gateway: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InternetGatewayVpcRequest {
    pub internet_gateway_id: String,
    pub vpc_id: String,
}

pub fn attach_internet_gateway(c: &mut Call<'_>, req: InternetGatewayVpcRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "AttachInternetGateway", "internet-gateway", &req.internet_gateway_id)?;
    let g = igw_ref(net, &req.internet_gateway_id)?;
    vpc_ref(net, &req.vpc_id)?;
    if let Some(v) = &g.vpc_id {
        return Err(E::ResourceAlreadyAssociated.err(format!("resource {} is already attached to network {v}", g.id)));
    }
    if let Some(other) = net.internet_gateways.values().find(|x| x.vpc_id.as_deref() == Some(&req.vpc_id)) {
        return Err(E::ResourceAlreadyAssociated.err(format!("resource {} already has an internet gateway attached: {}", req.vpc_id, other.id)));
    }
    net.internet_gateways.get_mut(&req.internet_gateway_id).unwrap().vpc_id = Some(req.vpc_id);
    Ok(Empty {})
}

pub fn detach_internet_gateway(c: &mut Call<'_>, req: InternetGatewayVpcRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DetachInternetGateway", "internet-gateway", &req.internet_gateway_id)?;
    let g = igw_ref(net, &req.internet_gateway_id)?;
    if g.vpc_id.as_deref() != Some(&req.vpc_id) {
        return Err(E::GatewayNotAttached.err(format!("resource {} is not attached to network {}", g.id, req.vpc_id)));
    }
    if net.interfaces.values().any(|e| e.vpc_id == req.vpc_id && e.public_ip.is_some()) {
        return Err(E::DependencyViolation.err(format!(
            "Network {} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.",
            req.vpc_id
        )));
    }
    net.internet_gateways.get_mut(&req.internet_gateway_id).unwrap().vpc_id = None;
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteInternetGatewayRequest {
    pub internet_gateway_id: String,
}

pub fn delete_internet_gateway(c: &mut Call<'_>, req: DeleteInternetGatewayRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteInternetGateway", "internet-gateway", &req.internet_gateway_id)?;
    let g = igw_ref(net, &req.internet_gateway_id)?;
    if g.vpc_id.is_some() {
        return Err(E::DependencyViolation.err(msg::dependencies("internetGateway", &g.id)));
    }
    net.internet_gateways.remove(&req.internet_gateway_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeInternetGatewaysRequest {
    #[serde(default)]
    pub internet_gateway_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInternetGatewaysResponse {
    pub internet_gateways: Vec<InternetGatewayView>,
}

pub fn describe_internet_gateways(c: &mut Call<'_>, req: DescribeInternetGatewaysRequest) -> Result<DescribeInternetGatewaysResponse, AwsError> {
    let (net, _) = begin(c, "DescribeInternetGateways", "internet-gateway", "*")?;
    let net = &*net;
    let items = pick(&req.internet_gateway_ids, net.internet_gateways.values(), |i| igw_ref(net, i))?;
    let items = filtered(items.into_iter(), &req.filters, &["internet-gateway-id", "attachment.vpc-id"], |g| &g.tags, |g, name| match name {
        "internet-gateway-id" => vec![g.id.clone()],
        _ => g.vpc_id.iter().cloned().collect(),
    })?;
    Ok(DescribeInternetGatewaysResponse { internet_gateways: items.into_iter().map(igw_view).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateEgressOnlyInternetGatewayRequest {
    pub vpc_id: String,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateEgressOnlyInternetGatewayResponse {
    pub egress_only_internet_gateway: EgressOnlyInternetGatewayView,
}

pub fn create_egress_only_internet_gateway(c: &mut Call<'_>, req: CreateEgressOnlyInternetGatewayRequest) -> Result<CreateEgressOnlyInternetGatewayResponse, AwsError> {
    let (net, rng) = begin(c, "CreateEgressOnlyInternetGateway", "egress-only-internet-gateway", "*")?;
    vpc_ref(net, &req.vpc_id)?;
    let id = rng.ec2_id("eigw");
    let g = EgressOnlyGateway { id: id.clone(), vpc_id: req.vpc_id, tags: tags_of(&req.tag_specifications) };
    let view = eigw_view(&g);
    net.egress_only_gateways.insert(id.clone(), g);
    record(c, "egress-only-internet-gateway", &id);
    Ok(CreateEgressOnlyInternetGatewayResponse { egress_only_internet_gateway: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteEgressOnlyInternetGatewayRequest {
    pub egress_only_internet_gateway_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReturnCodeResponse {
    pub return_code: bool,
}

pub fn delete_egress_only_internet_gateway(c: &mut Call<'_>, req: DeleteEgressOnlyInternetGatewayRequest) -> Result<ReturnCodeResponse, AwsError> {
    let id = req.egress_only_internet_gateway_id;
    let (net, _) = begin(c, "DeleteEgressOnlyInternetGateway", "egress-only-internet-gateway", &id)?;
    if net.egress_only_gateways.remove(&id).is_none() {
        return Err(E::InvalidGatewayIdNotFound.err(format!("The eigw ID '{id}' does not exist")));
    }
    Ok(ReturnCodeResponse { return_code: true })
}

// ---------------------------------------------------------------------------------------
// Elastic IPs
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AllocateAddressRequest {
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocateAddressResponse {
    pub allocation_id: String,
    pub public_ip: String,
    pub domain: String,
}

pub fn allocate_address(c: &mut Call<'_>, req: AllocateAddressRequest) -> Result<AllocateAddressResponse, AwsError> {
    let (net, rng) = begin(c, "AllocateAddress", "elastic-ip", "*")?;
    if let Some(d) = req.domain.as_deref().filter(|d| *d != "vpc") {
        return Err(invalid(msg::invalid_value(d, "domain", "Only `vpc` addresses exist (EC2-Classic is retired).")));
    }
    if net.addresses.len() as u32 >= net.quotas.elastic_ips_per_region {
        return Err(E::AddressLimitExceeded.err("The maximum number of addresses has been reached."));
    }
    let ip = net.fresh_public_ip(rng);
    let id = rng.ec2_id("eipalloc");
    net.addresses.insert(id.clone(), ElasticIp { allocation_id: id.clone(), public_ip: ip, eni_id: None, association_id: None, tags: tags_of(&req.tag_specifications) });
    record(c, "elastic-ip", &id);
    Ok(AllocateAddressResponse { allocation_id: id, public_ip: ip.to_string(), domain: "vpc".into() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssociateAddressRequest {
    pub allocation_id: String,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateAddressResponse {
    pub association_id: String,
}

pub fn associate_address(c: &mut Call<'_>, req: AssociateAddressRequest) -> Result<AssociateAddressResponse, AwsError> {
    let (net, rng) = begin(c, "AssociateAddress", "elastic-ip", &req.allocation_id)?;
    let eip = eip_ref(net, &req.allocation_id)?.clone();
    let eni_id = match (&req.instance_id, &req.network_interface_id) {
        (Some(i), None) => {
            let inst = instance_ref(net, i)?;
            if inst.state != "running" {
                return Err(E::IncorrectState.err(format!("The instance '{i}' is not in a valid state for this operation.")));
            }
            inst.eni_id.clone()
        }
        (None, Some(e)) => eni_ref(net, e)?.id.clone(),
        _ => return Err(E::InvalidParameterCombination.err("Specify exactly one of InstanceId and NetworkInterfaceId.")),
    };
    if eip.eni_id.is_some() {
        return Err(E::ResourceAlreadyAssociated.err(format!("resource {} is already associated with associate-id {}", eip.allocation_id, eip.association_id.unwrap_or_default())));
    }
    let eni = &net.interfaces[&eni_id];
    if !net.internet_gateways.values().any(|g| g.vpc_id.as_deref() == Some(&eni.vpc_id)) {
        return Err(E::GatewayNotAttached.err(format!("Network {} is not attached to any internet gateway", eni.vpc_id)));
    }
    // An address already held by the interface (auto-assigned, or another Elastic IP) is replaced.
    for a in net.addresses.values_mut().filter(|a| a.eni_id.as_deref() == Some(&eni_id)) {
        a.eni_id = None;
        a.association_id = None;
    }
    let assoc = rng.ec2_id("eipassoc");
    let a = net.addresses.get_mut(&req.allocation_id).unwrap();
    a.eni_id = Some(eni_id.clone());
    a.association_id = Some(assoc.clone());
    let e = net.interfaces.get_mut(&eni_id).unwrap();
    e.public_ip = Some(eip.public_ip);
    e.public_ip_auto = false;
    Ok(AssociateAddressResponse { association_id: assoc })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DisassociateAddressRequest {
    pub association_id: String,
}

pub fn disassociate_address(c: &mut Call<'_>, req: DisassociateAddressRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DisassociateAddress", "elastic-ip", "*")?;
    let Some(a) = net.addresses.values().find(|a| a.association_id.as_deref() == Some(&req.association_id)).cloned() else {
        return Err(E::InvalidAssociationIdNotFound.err(format!("The association ID '{}' does not exist", req.association_id)));
    };
    if a.eni_id.as_ref().and_then(|e| net.interfaces.get(e)).is_some_and(|e| e.interface_type == "nat_gateway") {
        return Err(E::OperationNotPermitted.err(format!("The address {} is used by a NAT gateway; delete the NAT gateway first.", a.public_ip)));
    }
    if let Some(e) = a.eni_id.as_ref().and_then(|e| net.interfaces.get_mut(e)) {
        e.public_ip = None;
    }
    let a = net.addresses.get_mut(&a.allocation_id).unwrap();
    a.eni_id = None;
    a.association_id = None;
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReleaseAddressRequest {
    pub allocation_id: String,
}

pub fn release_address(c: &mut Call<'_>, req: ReleaseAddressRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "ReleaseAddress", "elastic-ip", &req.allocation_id)?;
    let a = eip_ref(net, &req.allocation_id)?;
    if a.eni_id.is_some() {
        return Err(E::InvalidIpAddressInUse.err(format!("Address {} is in use.", a.public_ip)));
    }
    net.addresses.remove(&req.allocation_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeAddressesRequest {
    #[serde(default)]
    pub allocation_ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAddressesResponse {
    pub addresses: Vec<AddressView>,
}

pub fn describe_addresses(c: &mut Call<'_>, req: DescribeAddressesRequest) -> Result<DescribeAddressesResponse, AwsError> {
    let (net, _) = begin(c, "DescribeAddresses", "elastic-ip", "*")?;
    let net = &*net;
    let items = pick(&req.allocation_ids, net.addresses.values(), |i| eip_ref(net, i))?;
    Ok(DescribeAddressesResponse { addresses: items.into_iter().map(|a| address_view(net, a)).collect() })
}

// ---------------------------------------------------------------------------------------
// NAT gateways
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateNatGatewayRequest {
    pub subnet_id: String,
    #[serde(default)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub connectivity_type: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateNatGatewayResponse {
    pub nat_gateway: NatGatewayView,
}

/// A NAT gateway lives in one subnet and takes one private address from it (through a
/// requester-managed network interface); a public one also holds an Elastic IP. It is
/// `available` at once (AWS takes a few minutes; the simulator does not wait).
pub fn create_nat_gateway(c: &mut Call<'_>, req: CreateNatGatewayRequest) -> Result<CreateNatGatewayResponse, AwsError> {
    let (net, rng) = begin(c, "CreateNatGateway", "natgateway", "*")?;
    let subnet = subnet_ref(net, &req.subnet_id)?.clone();
    let connectivity = req.connectivity_type.clone().unwrap_or_else(|| "public".into());
    let (allocation, public_ip) = match (connectivity.as_str(), &req.allocation_id) {
        ("public", Some(a)) => {
            let eip = eip_ref(net, a)?;
            if eip.eni_id.is_some() {
                return Err(E::ResourceAlreadyAssociated.err(format!("Elastic IP address [{a}] is already associated")));
            }
            (Some(a.clone()), Some(eip.public_ip))
        }
        ("public", None) => return Err(E::MissingParameter.err("The request must contain the parameter AllocationId (a public NAT gateway needs an Elastic IP address)")),
        ("private", None) => (None, None),
        ("private", Some(_)) => return Err(E::InvalidParameterCombination.err("A private NAT gateway cannot have an Elastic IP address.")),
        (other, _) => return Err(invalid(msg::invalid_value(other, "connectivityType", "Valid values are public and private."))),
    };
    let Some(ip) = net.next_free_ip(&subnet) else {
        return Err(E::InsufficientFreeAddressesInSubnet.err(format!("There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.", subnet.id)));
    };
    let id = rng.ec2_id("nat");
    let eni_id = rng.ec2_id("eni");
    net.interfaces.insert(
        eni_id.clone(),
        NetworkInterface {
            id: eni_id.clone(),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            az: subnet.az.clone(),
            owner: net.account.clone(),
            private_ip: ip,
            secondary_ips: vec![],
            groups: vec![],
            public_ip,
            public_ip_auto: false,
            instance_id: None,
            interface_type: "nat_gateway".into(),
            description: format!("Interface for NAT Gateway {id}"),
            source_dest_check: false,
            tags: Tags::new(),
        },
    );
    if let Some(a) = &allocation {
        let assoc = rng.ec2_id("eipassoc");
        let e = net.addresses.get_mut(a).unwrap();
        e.eni_id = Some(eni_id.clone());
        e.association_id = Some(assoc);
    }
    let n = NatGateway {
        id: id.clone(),
        vpc_id: subnet.vpc_id,
        subnet_id: subnet.id,
        connectivity,
        allocation_id: allocation,
        public_ip,
        eni_id,
        private_ip: ip,
        state: "available".into(),
        tags: tags_of(&req.tag_specifications),
    };
    let view = nat_view(&n);
    net.nat_gateways.insert(id.clone(), n);
    record(c, "natgateway", &id);
    Ok(CreateNatGatewayResponse { nat_gateway: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteNatGatewayRequest {
    pub nat_gateway_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteNatGatewayResponse {
    pub nat_gateway_id: String,
}

pub fn delete_nat_gateway(c: &mut Call<'_>, req: DeleteNatGatewayRequest) -> Result<DeleteNatGatewayResponse, AwsError> {
    let (net, _) = begin(c, "DeleteNatGateway", "natgateway", &req.nat_gateway_id)?;
    let n = nat_ref(net, &req.nat_gateway_id)?.clone();
    if n.state != "deleted" {
        net.interfaces.remove(&n.eni_id);
        for a in net.addresses.values_mut().filter(|a| a.eni_id.as_deref() == Some(&n.eni_id)) {
            a.eni_id = None;
            a.association_id = None;
        }
        net.nat_gateways.get_mut(&n.id).unwrap().state = "deleted".into();
    }
    Ok(DeleteNatGatewayResponse { nat_gateway_id: n.id })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeNatGatewaysRequest {
    #[serde(default)]
    pub nat_gateway_ids: Vec<String>,
    #[serde(default)]
    pub filter: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNatGatewaysResponse {
    pub nat_gateways: Vec<NatGatewayView>,
}

pub fn describe_nat_gateways(c: &mut Call<'_>, req: DescribeNatGatewaysRequest) -> Result<DescribeNatGatewaysResponse, AwsError> {
    let (net, _) = begin(c, "DescribeNatGateways", "natgateway", "*")?;
    let net = &*net;
    let items = pick(&req.nat_gateway_ids, net.nat_gateways.values(), |i| nat_ref(net, i))?;
    let items = filtered(items.into_iter(), &req.filter, &["nat-gateway-id", "vpc-id", "subnet-id", "state"], |n| &n.tags, |n, name| match name {
        "nat-gateway-id" => vec![n.id.clone()],
        "vpc-id" => vec![n.vpc_id.clone()],
        "subnet-id" => vec![n.subnet_id.clone()],
        _ => vec![n.state.clone()],
    })?;
    Ok(DescribeNatGatewaysResponse { nat_gateways: items.into_iter().map(nat_view).collect() })
}

// ---------------------------------------------------------------------------------------
// VPC peering
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateVpcPeeringConnectionRequest {
    pub vpc_id: String,
    pub peer_vpc_id: String,
    #[serde(default)]
    pub peer_owner_id: Option<String>,
    #[serde(default)]
    pub peer_region: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcPeeringConnectionResponse {
    pub vpc_peering_connection: VpcPeeringConnectionView,
}

/// Requests a peering between two VPCs of the same account and region. VPCs whose CIDR
/// blocks overlap cannot be peered: the request comes back `failed`.
pub fn create_vpc_peering_connection(c: &mut Call<'_>, req: CreateVpcPeeringConnectionRequest) -> Result<VpcPeeringConnectionResponse, AwsError> {
    let (account, region) = (c.account(), c.region());
    let (net, rng) = begin(c, "CreateVpcPeeringConnection", "vpc-peering-connection", "*")?;
    if req.peer_owner_id.as_ref().is_some_and(|o| *o != account) || req.peer_region.as_ref().is_some_and(|r| *r != region) {
        return Err(invalid("The simulator models peering within one account and Region only."));
    }
    let a = vpc_ref(net, &req.vpc_id)?;
    let b = vpc_ref(net, &req.peer_vpc_id)?;
    if a.id == b.id {
        return Err(invalid("A VPC cannot be peered with itself."));
    }
    let overlap = a.cidrs.iter().any(|x| b.cidrs.iter().any(|y| cidr::overlaps(&x.cidr, &y.cidr)));
    let id = rng.ec2_id("pcx");
    let (status, message) = if overlap { ("failed", "Overlapping CIDR range".to_string()) } else { ("pending-acceptance", format!("Pending Acceptance by {account}")) };
    let p = Peering {
        id: id.clone(),
        requester_vpc: req.vpc_id,
        accepter_vpc: req.peer_vpc_id,
        status: status.into(),
        message,
        tags: tags_of(&req.tag_specifications),
    };
    let view = peering_view(net, &p);
    net.peerings.insert(id.clone(), p);
    record(c, "vpc-peering-connection", &id);
    Ok(VpcPeeringConnectionResponse { vpc_peering_connection: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VpcPeeringConnectionIdRequest {
    pub vpc_peering_connection_id: String,
}

pub fn accept_vpc_peering_connection(c: &mut Call<'_>, req: VpcPeeringConnectionIdRequest) -> Result<VpcPeeringConnectionResponse, AwsError> {
    let (net, _) = begin(c, "AcceptVpcPeeringConnection", "vpc-peering-connection", &req.vpc_peering_connection_id)?;
    let p = peering_ref(net, &req.vpc_peering_connection_id)?;
    if p.status != "pending-acceptance" {
        return Err(E::InvalidStateTransition.err(format!("VpcPeeringConnectionID {} is not in the correct state for the request.", p.id)));
    }
    let p = net.peerings.get_mut(&req.vpc_peering_connection_id).unwrap();
    p.status = "active".into();
    p.message = "Active".into();
    let p = p.clone();
    Ok(VpcPeeringConnectionResponse { vpc_peering_connection: peering_view(net, &p) })
}

pub fn delete_vpc_peering_connection(c: &mut Call<'_>, req: VpcPeeringConnectionIdRequest) -> Result<ReturnResponse, AwsError> {
    let (net, _) = begin(c, "DeleteVpcPeeringConnection", "vpc-peering-connection", &req.vpc_peering_connection_id)?;
    peering_ref(net, &req.vpc_peering_connection_id)?;
    let p = net.peerings.get_mut(&req.vpc_peering_connection_id).unwrap();
    p.status = "deleted".into();
    p.message = "Deleted".into();
    Ok(OK)
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeVpcPeeringConnectionsRequest {
    #[serde(default)]
    pub vpc_peering_connection_ids: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcPeeringConnectionsResponse {
    pub vpc_peering_connections: Vec<VpcPeeringConnectionView>,
}

pub fn describe_vpc_peering_connections(c: &mut Call<'_>, req: DescribeVpcPeeringConnectionsRequest) -> Result<DescribeVpcPeeringConnectionsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeVpcPeeringConnections", "vpc-peering-connection", "*")?;
    let net = &*net;
    let items = pick(&req.vpc_peering_connection_ids, net.peerings.values(), |i| peering_ref(net, i))?;
    Ok(DescribeVpcPeeringConnectionsResponse { vpc_peering_connections: items.into_iter().map(|p| peering_view(net, p)).collect() })
}

// ---------------------------------------------------------------------------------------
// Route tables
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateRouteTableRequest {
    pub vpc_id: String,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRouteTableResponse {
    pub route_table: RouteTableView,
}

/// A custom route table starts with the local routes (one per VPC CIDR block) only.
pub fn create_route_table(c: &mut Call<'_>, req: CreateRouteTableRequest) -> Result<CreateRouteTableResponse, AwsError> {
    let (net, rng) = begin(c, "CreateRouteTable", "route-table", "*")?;
    let vpc = vpc_ref(net, &req.vpc_id)?;
    let mut routes: Vec<Route> = vpc.cidrs.iter().map(|c| Route { dest: Dest::V4(c.cidr), target: Target::Local, origin: "CreateRouteTable".into() }).collect();
    routes.extend(vpc.ipv6_cidrs.iter().map(|c| Route { dest: Dest::V6(c.cidr), target: Target::Local, origin: "CreateRouteTable".into() }));
    let id = rng.ec2_id("rtb");
    let t = RouteTable {
        id: id.clone(),
        vpc_id: req.vpc_id,
        owner: net.account.clone(),
        main: false,
        main_association_id: None,
        routes,
        associations: BTreeMap::new(),
        tags: tags_of(&req.tag_specifications),
    };
    let view = route_table_view(net, &t);
    net.route_tables.insert(id.clone(), t);
    record(c, "route-table", &id);
    Ok(CreateRouteTableResponse { route_table: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteRouteTableRequest {
    pub route_table_id: String,
}

pub fn delete_route_table(c: &mut Call<'_>, req: DeleteRouteTableRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteRouteTable", "route-table", &req.route_table_id)?;
    let t = rtb_ref(net, &req.route_table_id)?;
    if t.main || !t.associations.is_empty() {
        return Err(E::DependencyViolation.err(msg::dependencies("routeTable", &t.id)));
    }
    net.route_tables.remove(&req.route_table_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeRouteTablesRequest {
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRouteTablesResponse {
    pub route_tables: Vec<RouteTableView>,
}

pub fn describe_route_tables(c: &mut Call<'_>, req: DescribeRouteTablesRequest) -> Result<DescribeRouteTablesResponse, AwsError> {
    let (net, _) = begin(c, "DescribeRouteTables", "route-table", "*")?;
    let net = &*net;
    let items = pick(&req.route_table_ids, net.route_tables.values(), |i| rtb_ref(net, i))?;
    let items = filtered(
        items.into_iter(),
        &req.filters,
        &["route-table-id", "vpc-id", "association.subnet-id", "association.main", "route.gateway-id", "route.nat-gateway-id"],
        |t| &t.tags,
        |t, name| match name {
            "route-table-id" => vec![t.id.clone()],
            "vpc-id" => vec![t.vpc_id.clone()],
            "association.subnet-id" => t.associations.values().cloned().collect(),
            "association.main" => vec![b(t.main)],
            "route.gateway-id" => t.routes.iter().filter(|r| matches!(r.target, Target::Gateway(_) | Target::Local)).map(|r| r.target.id().to_string()).collect(),
            _ => t.routes.iter().filter(|r| matches!(r.target, Target::Nat(_))).map(|r| r.target.id().to_string()).collect(),
        },
    )?;
    Ok(DescribeRouteTablesResponse { route_tables: items.into_iter().map(|t| route_table_view(net, t)).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RouteRequest {
    pub route_table_id: String,
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    #[serde(default)]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
}

fn route_dest(req: &RouteRequest) -> Result<Dest, AwsError> {
    match (&req.destination_cidr_block, &req.destination_ipv6_cidr_block) {
        (Some(s), None) => cidr::parse_v4(s).map(Dest::V4).ok_or_else(|| invalid(msg::invalid_value(s, "destinationCidrBlock", "This is not a valid CIDR block."))),
        (None, Some(s)) => Dest::parse(s).filter(|d| matches!(d, Dest::V6(_))).ok_or_else(|| invalid(msg::invalid_value(s, "destinationIpv6CidrBlock", "This is not a valid CIDR block."))),
        (None, None) => Err(E::MissingParameter.err("The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock")),
        _ => Err(E::InvalidParameterCombination.err("Specify only one of DestinationCidrBlock and DestinationIpv6CidrBlock.")),
    }
}

/// The one target a CreateRoute/ReplaceRoute names, checked against the route table's VPC.
fn route_target(net: &RegionNet, t: &RouteTable, dest: &Dest, req: &RouteRequest) -> Result<Target, AwsError> {
    let given: Vec<Target> = [
        req.gateway_id.clone().map(|g| if g == "local" { Target::Local } else { Target::Gateway(g) }),
        req.egress_only_internet_gateway_id.clone().map(Target::EgressOnly),
        req.nat_gateway_id.clone().map(Target::Nat),
        req.vpc_peering_connection_id.clone().map(Target::Peering),
        req.network_interface_id.clone().map(Target::Interface),
        req.instance_id.clone().map(Target::Instance),
    ]
    .into_iter()
    .flatten()
    .collect();
    let target = match given.as_slice() {
        [one] => one.clone(),
        [] => return Err(E::MissingParameter.err("The request must contain exactly one route target (GatewayId, NatGatewayId, VpcPeeringConnectionId, EgressOnlyInternetGatewayId, NetworkInterfaceId or InstanceId)")),
        _ => return Err(E::InvalidParameterCombination.err("Specify only one route target.")),
    };
    let vpc = &net.vpcs[&t.vpc_id];
    let different = |what: &str| invalid(format!("route table {} and network gateway {what} belong to different networks", t.id));
    match &target {
        Target::Local => return Err(invalid("Local routes are created with the VPC's CIDR blocks; they cannot be added.")),
        Target::Gateway(g) => {
            if g.starts_with("vgw-") {
                return Err(invalid("Virtual private gateways are not modelled."));
            }
            let gw = igw_ref(net, g)?;
            if gw.vpc_id.as_deref() != Some(&t.vpc_id) {
                return Err(different(g));
            }
        }
        Target::EgressOnly(g) => {
            let gw = net.egress_only_gateways.get(g).ok_or_else(|| E::InvalidGatewayIdNotFound.err(format!("The eigw ID '{g}' does not exist")))?;
            if gw.vpc_id != t.vpc_id {
                return Err(different(g));
            }
            if matches!(dest, Dest::V4(_)) {
                return Err(invalid("An egress-only internet gateway carries IPv6 traffic only; use DestinationIpv6CidrBlock."));
            }
        }
        Target::Nat(n) => {
            let nat = nat_ref(net, n)?;
            if nat.vpc_id != t.vpc_id || nat.state != "available" {
                return Err(different(n));
            }
        }
        Target::Peering(p) => {
            let pcx = peering_ref(net, p)?;
            if pcx.other(&t.vpc_id).is_none() {
                return Err(invalid(format!("route table {} and peering connection {p} belong to different networks", t.id)));
            }
        }
        Target::Interface(e) => {
            if eni_ref(net, e)?.vpc_id != t.vpc_id {
                return Err(different(e));
            }
        }
        Target::Instance(i) => {
            if instance_ref(net, i)?.vpc_id != t.vpc_id {
                return Err(different(i));
            }
        }
    }
    // Routes into the VPC's own range are allowed only to middlebox targets.
    let inside = match dest {
        Dest::V4(d) => vpc.cidrs.iter().any(|c| c.cidr.contains(d)),
        Dest::V6(d) => vpc.ipv6_cidrs.iter().any(|c| c.cidr.contains(d)),
    };
    if inside && !matches!(target, Target::Interface(_) | Target::Instance(_) | Target::Nat(_)) {
        return Err(invalid(format!(
            "The destination CIDR block {dest} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance."
        )));
    }
    Ok(target)
}

pub fn create_route(c: &mut Call<'_>, req: RouteRequest) -> Result<ReturnResponse, AwsError> {
    let (net, _) = begin(c, "CreateRoute", "route-table", &req.route_table_id)?;
    let t = rtb_ref(net, &req.route_table_id)?;
    let dest = route_dest(&req)?;
    if t.routes.iter().any(|r| r.dest == dest) {
        return Err(E::RouteAlreadyExists.err(format!("The route identified by {dest} already exists.")));
    }
    let target = route_target(net, t, &dest, &req)?;
    if t.routes.len() as u32 >= net.quotas.routes_per_route_table {
        return Err(E::RouteLimitExceeded.err(format!("The maximum number of routes ({}) has been reached.", net.quotas.routes_per_route_table)));
    }
    net.route_tables.get_mut(&req.route_table_id).unwrap().routes.push(Route { dest, target, origin: "CreateRoute".into() });
    Ok(OK)
}

pub fn replace_route(c: &mut Call<'_>, req: RouteRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "ReplaceRoute", "route-table", &req.route_table_id)?;
    let t = rtb_ref(net, &req.route_table_id)?;
    let dest = route_dest(&req)?;
    let Some(i) = t.routes.iter().position(|r| r.dest == dest && r.target != Target::Local) else {
        return Err(invalid(format!("There is no route defined for '{dest}' in the route table. Use CreateRoute instead.")));
    };
    let target = route_target(net, t, &dest, &req)?;
    let r = &mut net.route_tables.get_mut(&req.route_table_id).unwrap().routes[i];
    r.target = target;
    r.origin = "CreateRoute".into();
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteRouteRequest {
    pub route_table_id: String,
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
}

pub fn delete_route(c: &mut Call<'_>, req: DeleteRouteRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteRoute", "route-table", &req.route_table_id)?;
    let t = rtb_ref(net, &req.route_table_id)?;
    let dest = route_dest(&RouteRequest {
        route_table_id: req.route_table_id.clone(),
        destination_cidr_block: req.destination_cidr_block.clone(),
        destination_ipv6_cidr_block: req.destination_ipv6_cidr_block.clone(),
        ..Default::default()
    })?;
    let Some(r) = t.routes.iter().find(|r| r.dest == dest) else {
        return Err(E::InvalidRouteNotFound.err(format!("no route with destination-cidr-block {dest} in route table {}", t.id)));
    };
    if r.target == Target::Local {
        return Err(invalid(format!("cannot remove local route {dest} in route table {}", t.id)));
    }
    net.route_tables.get_mut(&req.route_table_id).unwrap().routes.retain(|r| r.dest != dest);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssociateRouteTableRequest {
    pub route_table_id: String,
    pub subnet_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateRouteTableResponse {
    pub association_id: String,
    pub association_state: State,
}

/// Associates a subnet with a route table (a subnet uses exactly one table: its explicit
/// association, or else the VPC's main table).
pub fn associate_route_table(c: &mut Call<'_>, req: AssociateRouteTableRequest) -> Result<AssociateRouteTableResponse, AwsError> {
    let (net, rng) = begin(c, "AssociateRouteTable", "route-table", &req.route_table_id)?;
    let t = rtb_ref(net, &req.route_table_id)?;
    let s = subnet_ref(net, &req.subnet_id)?;
    if s.vpc_id != t.vpc_id {
        return Err(invalid(format!("route table {} and subnet {} belong to different networks", t.id, s.id)));
    }
    if let Some(other) = net.route_tables.values().find(|x| x.associations.values().any(|v| *v == s.id)) {
        return Err(E::ResourceAlreadyAssociated.err(format!("the specified association for route table {} conflicts with an existing association", other.id)));
    }
    let assoc = rng.ec2_id("rtbassoc");
    net.route_tables.get_mut(&req.route_table_id).unwrap().associations.insert(assoc.clone(), req.subnet_id);
    Ok(AssociateRouteTableResponse { association_id: assoc, association_state: State { state: "associated".into() } })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DisassociateRouteTableRequest {
    pub association_id: String,
}

fn rtb_association_not_found(id: &str) -> AwsError {
    E::InvalidAssociationIdNotFound.err(format!("The association ID '{id}' does not exist"))
}

pub fn disassociate_route_table(c: &mut Call<'_>, req: DisassociateRouteTableRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DisassociateRouteTable", "route-table", "*")?;
    let id = &req.association_id;
    if net.route_tables.values().any(|t| t.main && t.main_association_id.as_deref() == Some(id)) {
        return Err(invalid(format!("cannot disassociate the main route table association {id}")));
    }
    let Some(t) = net.route_tables.values_mut().find(|t| t.associations.contains_key(id)) else {
        return Err(rtb_association_not_found(id));
    };
    t.associations.remove(id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplaceRouteTableAssociationRequest {
    pub association_id: String,
    pub route_table_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplaceAssociationResponse {
    pub new_association_id: String,
}

/// Moves a subnet's association to another table, or (given the main association) makes
/// another table the VPC's main route table.
pub fn replace_route_table_association(c: &mut Call<'_>, req: ReplaceRouteTableAssociationRequest) -> Result<ReplaceAssociationResponse, AwsError> {
    let (net, rng) = begin(c, "ReplaceRouteTableAssociation", "route-table", &req.route_table_id)?;
    let id = &req.association_id;
    let new_table = rtb_ref(net, &req.route_table_id)?.clone();
    let new_id = rng.ec2_id("rtbassoc");
    if let Some(old) = net.route_tables.values().find(|t| t.main && t.main_association_id.as_deref() == Some(id)).cloned() {
        if old.vpc_id != new_table.vpc_id {
            return Err(invalid(format!("route table {} belongs to a different network", new_table.id)));
        }
        let o = net.route_tables.get_mut(&old.id).unwrap();
        o.main = false;
        o.main_association_id = None;
        let n = net.route_tables.get_mut(&new_table.id).unwrap();
        n.main = true;
        n.main_association_id = Some(new_id.clone());
        return Ok(ReplaceAssociationResponse { new_association_id: new_id });
    }
    let Some(old) = net.route_tables.values().find(|t| t.associations.contains_key(id)).cloned() else {
        return Err(rtb_association_not_found(id));
    };
    if old.vpc_id != new_table.vpc_id {
        return Err(invalid(format!("route table {} belongs to a different network", new_table.id)));
    }
    let subnet = old.associations[id].clone();
    net.route_tables.get_mut(&old.id).unwrap().associations.remove(id);
    net.route_tables.get_mut(&new_table.id).unwrap().associations.insert(new_id.clone(), subnet);
    Ok(ReplaceAssociationResponse { new_association_id: new_id })
}

// ---------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateSecurityGroupRequest {
    pub group_name: String,
    pub description: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecurityGroupResponse {
    pub group_id: String,
}

fn default_vpc_id(net: &RegionNet) -> Result<String, AwsError> {
    net.default_vpc().map(|v| v.id.clone()).ok_or_else(|| E::VpcIdNotSpecified.err("No default VPC for this user"))
}

/// A new security group allows all outbound traffic and no inbound traffic.
pub fn create_security_group(c: &mut Call<'_>, req: CreateSecurityGroupRequest) -> Result<CreateSecurityGroupResponse, AwsError> {
    let (net, rng) = begin(c, "CreateSecurityGroup", "security-group", "*")?;
    let vpc_id = match &req.vpc_id {
        Some(v) => vpc_ref(net, v)?.id.clone(),
        None => default_vpc_id(net)?,
    };
    let name = req.group_name.trim().to_string();
    if name.is_empty() || name.len() > 255 {
        return Err(invalid(msg::invalid_value(&name, "groupName", "Group names must be 1 to 255 characters.")));
    }
    if name.starts_with("sg-") {
        return Err(invalid("Group names may not be in the format sg-*."));
    }
    if name == "default" {
        return Err(E::InvalidGroupReserved.err("The security group 'default' is reserved"));
    }
    if net.security_groups.values().any(|g| g.vpc_id == vpc_id && g.name == name) {
        return Err(E::InvalidGroupDuplicate.err(format!("The security group '{name}' already exists for VPC '{vpc_id}'")));
    }
    let ipv6 = !net.vpcs[&vpc_id].ipv6_cidrs.is_empty();
    let id = rng.ec2_id("sg");
    let mut egress = vec![SgRule { id: rng.ec2_id("sgr"), proto: Proto::All, from_port: -1, to_port: -1, peer: Peer::Cidr("0.0.0.0/0".parse().unwrap()), description: None }];
    if ipv6 {
        egress.push(SgRule { id: rng.ec2_id("sgr"), proto: Proto::All, from_port: -1, to_port: -1, peer: Peer::Cidr6("::/0".parse().unwrap()), description: None });
    }
    net.security_groups.insert(
        id.clone(),
        SecurityGroup {
            id: id.clone(),
            name,
            description: req.description,
            vpc_id,
            owner: net.account.clone(),
            ingress: vec![],
            egress,
            tags: tags_of(&req.tag_specifications),
        },
    );
    record(c, "security-group", &id);
    Ok(CreateSecurityGroupResponse { group_id: id })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteSecurityGroupRequest {
    pub group_id: String,
}

pub fn delete_security_group(c: &mut Call<'_>, req: DeleteSecurityGroupRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteSecurityGroup", "security-group", &req.group_id)?;
    let g = sg_ref(net, &req.group_id)?;
    if g.name == "default" {
        return Err(E::CannotDelete.err(format!("the specified group: \"{}\" name: \"default\" cannot be deleted by a user", g.id)));
    }
    let referenced = net
        .security_groups
        .values()
        .any(|o| o.id != g.id && o.ingress.iter().chain(o.egress.iter()).any(|r| r.peer == Peer::Group(g.id.clone())));
    if referenced || net.interfaces.values().any(|e| e.groups.contains(&g.id)) {
        return Err(E::DependencyViolation.err(format!("resource {} has a dependent object", g.id)));
    }
    net.security_groups.remove(&req.group_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeSecurityGroupsRequest {
    #[serde(default)]
    pub group_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityGroupsResponse {
    pub security_groups: Vec<SecurityGroupView>,
}

pub fn describe_security_groups(c: &mut Call<'_>, req: DescribeSecurityGroupsRequest) -> Result<DescribeSecurityGroupsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeSecurityGroups", "security-group", "*")?;
    let net = &*net;
    let items = pick(&req.group_ids, net.security_groups.values(), |i| sg_ref(net, i))?;
    let items = filtered(items.into_iter(), &req.filters, &["group-id", "group-name", "vpc-id", "description"], |g| &g.tags, |g, name| match name {
        "group-id" => vec![g.id.clone()],
        "group-name" => vec![g.name.clone()],
        "vpc-id" => vec![g.vpc_id.clone()],
        _ => vec![g.description.clone()],
    })?;
    Ok(DescribeSecurityGroupsResponse { security_groups: items.into_iter().map(sg_view).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SecurityGroupRulesRequest {
    pub group_id: String,
    #[serde(default)]
    pub ip_permissions: Vec<IpPermission>,
    /// The older single-rule form: `IpProtocol`, `FromPort`, `ToPort`, `CidrIp`.
    #[serde(default)]
    pub ip_protocol: Option<String>,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub cidr_ip: Option<String>,
    #[serde(default)]
    pub source_security_group_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRuleView {
    pub security_group_rule_id: String,
    pub group_id: String,
    pub is_egress: bool,
    pub ip_protocol: String,
    pub from_port: i32,
    pub to_port: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ipv4: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_ipv6: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referenced_group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizeResponse {
    #[serde(rename = "Return")]
    pub ret: bool,
    pub security_group_rules: Vec<SecurityGroupRuleView>,
}

/// Turns the request's permissions into rules (without ids), validating each.
fn requested_rules(net: &RegionNet, req: &SecurityGroupRulesRequest) -> Result<Vec<SgRule>, AwsError> {
    let mut perms = req.ip_permissions.clone();
    if let Some(p) = &req.ip_protocol {
        perms.push(IpPermission {
            ip_protocol: p.clone(),
            from_port: req.from_port,
            to_port: req.to_port,
            ip_ranges: req.cidr_ip.iter().map(|c| IpRange { cidr_ip: c.clone(), description: None }).collect(),
            ipv6_ranges: vec![],
            user_id_group_pairs: req.source_security_group_id.iter().map(|g| UserIdGroupPair { group_id: g.clone(), user_id: None, description: None }).collect(),
        });
    }
    if perms.is_empty() {
        return Err(E::MissingParameter.err("The request must contain the parameter ipPermissions"));
    }
    let mut out = Vec::new();
    for p in perms {
        let proto = Proto::parse(&p.ip_protocol).ok_or_else(|| invalid(format!("Invalid value '{}' for IP protocol. Unknown protocol.", p.ip_protocol)))?;
        let (from, to) = if proto == Proto::All {
            (-1, -1)
        } else if proto.has_ports() {
            match (p.from_port, p.to_port) {
                (Some(a), Some(b)) if (0..=65535).contains(&a) && (0..=65535).contains(&b) && a <= b => (a, b),
                (Some(a), Some(b)) => return Err(invalid(format!("Invalid value '{a}-{b}' for portRange. Ports must be 0-65535 with from <= to."))),
                _ => return Err(E::InvalidPermissionMalformed.err("Must specify both from and to ports with TCP/UDP.")),
            }
        } else {
            (p.from_port.unwrap_or(-1), p.to_port.unwrap_or(-1))
        };
        let mut peers = Vec::new();
        for r in &p.ip_ranges {
            let n = r.cidr_ip.trim().parse::<Ipv4Net>().map_err(|_| invalid(msg::invalid_value(&r.cidr_ip, "cidrIp", "This is not a valid CIDR block.")))?;
            peers.push((Peer::Cidr(n.trunc()), r.description.clone()));
        }
        for r in &p.ipv6_ranges {
            let n = r.cidr_ipv6.trim().parse::<Ipv6Net>().map_err(|_| invalid(msg::invalid_value(&r.cidr_ipv6, "cidrIpv6", "This is not a valid CIDR block.")))?;
            peers.push((Peer::Cidr6(n.trunc()), r.description.clone()));
        }
        for g in &p.user_id_group_pairs {
            sg_ref(net, &g.group_id)?;
            peers.push((Peer::Group(g.group_id.clone()), g.description.clone()));
        }
        if peers.is_empty() {
            return Err(E::MissingParameter.err("The request must name a peer: IpRanges, Ipv6Ranges or UserIdGroupPairs"));
        }
        for (peer, description) in peers {
            out.push(SgRule { id: String::new(), proto, from_port: from, to_port: to, peer, description });
        }
    }
    Ok(out)
}

fn rule_view(group: &str, egress: bool, r: &SgRule) -> SecurityGroupRuleView {
    SecurityGroupRuleView {
        security_group_rule_id: r.id.clone(),
        group_id: group.into(),
        is_egress: egress,
        ip_protocol: r.proto.sg_name(),
        from_port: r.from_port,
        to_port: r.to_port,
        cidr_ipv4: if let Peer::Cidr(n) = &r.peer { Some(n.to_string()) } else { None },
        cidr_ipv6: if let Peer::Cidr6(n) = &r.peer { Some(n.to_string()) } else { None },
        referenced_group_id: if let Peer::Group(g) = &r.peer { Some(g.clone()) } else { None },
        description: r.description.clone(),
    }
}

fn authorize(c: &mut Call<'_>, req: SecurityGroupRulesRequest, egress: bool) -> Result<AuthorizeResponse, AwsError> {
    let action = if egress { "AuthorizeSecurityGroupEgress" } else { "AuthorizeSecurityGroupIngress" };
    let (net, rng) = begin(c, action, "security-group", &req.group_id)?;
    let g = sg_ref(net, &req.group_id)?.clone();
    let new = requested_rules(net, &req)?;
    let existing = if egress { &g.egress } else { &g.ingress };
    for (i, r) in new.iter().enumerate() {
        if existing.iter().chain(new[..i].iter()).any(|e| e.same(r)) {
            return Err(E::InvalidPermissionDuplicate.err(format!("the specified rule \"{}\" already exists", r.ec2_text())));
        }
    }
    if (existing.len() + new.len()) as u32 > net.quotas.rules_per_security_group {
        return Err(E::RulesPerSecurityGroupLimitExceeded.err("The maximum number of rules per security group has been reached."));
    }
    let sg = net.security_groups.get_mut(&req.group_id).unwrap();
    let mut views = Vec::new();
    for mut r in new {
        r.id = rng.ec2_id("sgr");
        views.push(rule_view(&sg.id, egress, &r));
        if egress { sg.egress.push(r) } else { sg.ingress.push(r) }
    }
    Ok(AuthorizeResponse { ret: true, security_group_rules: views })
}

pub fn authorize_security_group_ingress(c: &mut Call<'_>, req: SecurityGroupRulesRequest) -> Result<AuthorizeResponse, AwsError> {
    authorize(c, req, false)
}

pub fn authorize_security_group_egress(c: &mut Call<'_>, req: SecurityGroupRulesRequest) -> Result<AuthorizeResponse, AwsError> {
    authorize(c, req, true)
}

fn revoke(c: &mut Call<'_>, req: SecurityGroupRulesRequest, egress: bool) -> Result<ReturnResponse, AwsError> {
    let action = if egress { "RevokeSecurityGroupEgress" } else { "RevokeSecurityGroupIngress" };
    let (net, _) = begin(c, action, "security-group", &req.group_id)?;
    let g = sg_ref(net, &req.group_id)?.clone();
    let gone = requested_rules(net, &req)?;
    let existing = if egress { &g.egress } else { &g.ingress };
    if !gone.iter().all(|r| existing.iter().any(|e| e.same(r))) {
        return Err(E::InvalidPermissionNotFound.err("The specified rule does not exist in this security group."));
    }
    let sg = net.security_groups.get_mut(&req.group_id).unwrap();
    let list = if egress { &mut sg.egress } else { &mut sg.ingress };
    list.retain(|e| !gone.iter().any(|r| e.same(r)));
    Ok(OK)
}

pub fn revoke_security_group_ingress(c: &mut Call<'_>, req: SecurityGroupRulesRequest) -> Result<ReturnResponse, AwsError> {
    revoke(c, req, false)
}

pub fn revoke_security_group_egress(c: &mut Call<'_>, req: SecurityGroupRulesRequest) -> Result<ReturnResponse, AwsError> {
    revoke(c, req, true)
}

// ---------------------------------------------------------------------------------------
// Network ACLs
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateNetworkAclRequest {
    pub vpc_id: String,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateNetworkAclResponse {
    pub network_acl: NetworkAclView,
}

/// A new network ACL has only the final `*` deny rules: it blocks everything until rules are
/// added, and serves no subnet until one is associated.
pub fn create_network_acl(c: &mut Call<'_>, req: CreateNetworkAclRequest) -> Result<CreateNetworkAclResponse, AwsError> {
    let (net, rng) = begin(c, "CreateNetworkAcl", "network-acl", "*")?;
    vpc_ref(net, &req.vpc_id)?;
    let id = rng.ec2_id("acl");
    let a = NetworkAcl {
        id: id.clone(),
        vpc_id: req.vpc_id,
        owner: net.account.clone(),
        is_default: false,
        entries: vec![],
        associations: BTreeMap::new(),
        tags: tags_of(&req.tag_specifications),
    };
    let view = acl_view(net, &a);
    net.network_acls.insert(id.clone(), a);
    record(c, "network-acl", &id);
    Ok(CreateNetworkAclResponse { network_acl: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteNetworkAclRequest {
    pub network_acl_id: String,
}

pub fn delete_network_acl(c: &mut Call<'_>, req: DeleteNetworkAclRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteNetworkAcl", "network-acl", &req.network_acl_id)?;
    let a = acl_ref(net, &req.network_acl_id)?;
    if a.is_default {
        return Err(invalid(format!("cannot delete default network ACL {}", a.id)));
    }
    if !a.associations.is_empty() {
        return Err(E::DependencyViolation.err(msg::dependencies("networkAcl", &a.id)));
    }
    net.network_acls.remove(&req.network_acl_id);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeNetworkAclsRequest {
    #[serde(default)]
    pub network_acl_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNetworkAclsResponse {
    pub network_acls: Vec<NetworkAclView>,
}

pub fn describe_network_acls(c: &mut Call<'_>, req: DescribeNetworkAclsRequest) -> Result<DescribeNetworkAclsResponse, AwsError> {
    let (net, _) = begin(c, "DescribeNetworkAcls", "network-acl", "*")?;
    let net = &*net;
    let items = pick(&req.network_acl_ids, net.network_acls.values(), |i| acl_ref(net, i))?;
    let items = filtered(items.into_iter(), &req.filters, &["network-acl-id", "vpc-id", "default", "association.subnet-id"], |a| &a.tags, |a, name| match name {
        "network-acl-id" => vec![a.id.clone()],
        "vpc-id" => vec![a.vpc_id.clone()],
        "default" => vec![b(a.is_default)],
        _ => a.associations.values().cloned().collect(),
    })?;
    Ok(DescribeNetworkAclsResponse { network_acls: items.into_iter().map(|a| acl_view(net, a)).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NetworkAclEntryRequest {
    pub network_acl_id: String,
    pub rule_number: i64,
    pub protocol: String,
    pub rule_action: String,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<String>,
    #[serde(default)]
    pub port_range: Option<PortRange>,
    #[serde(default)]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

fn acl_entry(req: &NetworkAclEntryRequest) -> Result<AclEntry, AwsError> {
    if !(1..=MAX_ACL_RULE as i64).contains(&req.rule_number) {
        return Err(invalid(msg::invalid_value(&req.rule_number.to_string(), "ruleNumber", "Rule numbers must be between 1 and 32766.")));
    }
    let proto = Proto::parse(&req.protocol).ok_or_else(|| invalid(msg::invalid_value(&req.protocol, "protocol", "Use a protocol number, or -1 for all.")))?;
    let action = match req.rule_action.to_ascii_lowercase().as_str() {
        "allow" => AclAction::Allow,
        "deny" => AclAction::Deny,
        other => return Err(invalid(msg::invalid_value(other, "ruleAction", "Valid values are allow and deny."))),
    };
    let cidr = match (&req.cidr_block, &req.ipv6_cidr_block) {
        (Some(s), None) => Dest::V4(parse_cidr_param(s, "cidrBlock")?),
        (None, Some(s)) => Dest::parse(s).filter(|d| matches!(d, Dest::V6(_))).ok_or_else(|| invalid(msg::invalid_value(s, "ipv6CidrBlock", "This is not a valid CIDR block.")))?,
        _ => return Err(E::InvalidParameterCombination.err("Specify exactly one of CidrBlock and Ipv6CidrBlock.")),
    };
    let ports = if proto.has_ports() {
        let Some(p) = &req.port_range else {
            return Err(E::MissingParameter.err("The request must contain the parameter portRange (required for TCP and UDP rules)"));
        };
        if !(0..=65535).contains(&p.from) || !(0..=65535).contains(&p.to) || p.from > p.to {
            return Err(invalid(format!("Invalid value '{}-{}' for portRange. Ports must be 0-65535 with from <= to.", p.from, p.to)));
        }
        Some((p.from as u16, p.to as u16))
    } else {
        None
    };
    let icmp = if proto == ICMP { Some(req.icmp_type_code.as_ref().map(|i| (i.r#type, i.code)).unwrap_or((-1, -1))) } else { None };
    Ok(AclEntry { rule_number: req.rule_number as u16, egress: req.egress, proto, action, cidr, ports, icmp })
}

fn insert_sorted(a: &mut NetworkAcl, e: AclEntry) {
    a.entries.push(e);
    a.entries.sort_by_key(|e| (e.egress, e.rule_number));
}

pub fn create_network_acl_entry(c: &mut Call<'_>, req: NetworkAclEntryRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "CreateNetworkAclEntry", "network-acl", &req.network_acl_id)?;
    let a = acl_ref(net, &req.network_acl_id)?;
    let e = acl_entry(&req)?;
    if a.entries.iter().any(|x| x.egress == e.egress && x.rule_number == e.rule_number) {
        return Err(E::NetworkAclEntryAlreadyExists.err(format!("The network acl entry identified by {} already exists.", e.rule_number)));
    }
    let family = |d: &Dest| matches!(d, Dest::V4(_));
    if a.entries.iter().filter(|x| x.egress == e.egress && family(&x.cidr) == family(&e.cidr)).count() as u32 >= net.quotas.rules_per_network_acl {
        return Err(E::NetworkAclEntryLimitExceeded.err("The maximum number of entries per network ACL has been reached."));
    }
    insert_sorted(net.network_acls.get_mut(&req.network_acl_id).unwrap(), e);
    Ok(Empty {})
}

pub fn replace_network_acl_entry(c: &mut Call<'_>, req: NetworkAclEntryRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "ReplaceNetworkAclEntry", "network-acl", &req.network_acl_id)?;
    let a = acl_ref(net, &req.network_acl_id)?;
    let e = acl_entry(&req)?;
    if !a.entries.iter().any(|x| x.egress == e.egress && x.rule_number == e.rule_number) {
        return Err(E::InvalidNetworkAclEntryNotFound.err(format!("The network acl entry identified by {} does not exist.", e.rule_number)));
    }
    let a = net.network_acls.get_mut(&req.network_acl_id).unwrap();
    a.entries.retain(|x| !(x.egress == e.egress && x.rule_number == e.rule_number));
    insert_sorted(a, e);
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteNetworkAclEntryRequest {
    pub network_acl_id: String,
    pub rule_number: i64,
    pub egress: bool,
}

pub fn delete_network_acl_entry(c: &mut Call<'_>, req: DeleteNetworkAclEntryRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteNetworkAclEntry", "network-acl", &req.network_acl_id)?;
    let a = acl_ref(net, &req.network_acl_id)?;
    if !a.entries.iter().any(|x| x.egress == req.egress && x.rule_number as i64 == req.rule_number) {
        return Err(E::InvalidNetworkAclEntryNotFound.err(format!("The network acl entry identified by {} does not exist.", req.rule_number)));
    }
    net.network_acls.get_mut(&req.network_acl_id).unwrap().entries.retain(|x| !(x.egress == req.egress && x.rule_number as i64 == req.rule_number));
    Ok(Empty {})
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ReplaceNetworkAclAssociationRequest {
    pub association_id: String,
    pub network_acl_id: String,
}

/// Moves a subnet to another network ACL (every subnet always has exactly one).
pub fn replace_network_acl_association(c: &mut Call<'_>, req: ReplaceNetworkAclAssociationRequest) -> Result<ReplaceAssociationResponse, AwsError> {
    let (net, rng) = begin(c, "ReplaceNetworkAclAssociation", "network-acl", &req.network_acl_id)?;
    let target = acl_ref(net, &req.network_acl_id)?.clone();
    let Some(old) = net.network_acls.values().find(|a| a.associations.contains_key(&req.association_id)).cloned() else {
        return Err(E::InvalidAssociationIdNotFound.err(format!("The association ID '{}' does not exist", req.association_id)));
    };
    if old.vpc_id != target.vpc_id {
        return Err(invalid(format!("network ACL {} and the associated subnet belong to different networks", target.id)));
    }
    let subnet = old.associations[&req.association_id].clone();
    let new_id = rng.ec2_id("aclassoc");
    net.network_acls.get_mut(&old.id).unwrap().associations.remove(&req.association_id);
    net.network_acls.get_mut(&target.id).unwrap().associations.insert(new_id.clone(), subnet);
    Ok(ReplaceAssociationResponse { new_association_id: new_id })
}

// ---------------------------------------------------------------------------------------
// Network interfaces and instances
// ---------------------------------------------------------------------------------------

/// Picks the private address of a new interface: the requested one (never a reserved or a
/// used one), else the lowest free address.
fn choose_ip(net: &RegionNet, s: &Subnet, wanted: Option<&str>, taken: &[Ipv4Addr]) -> Result<Ipv4Addr, AwsError> {
    if let Some(w) = wanted {
        let ip = parse_ip(w, "privateIpAddress")?;
        if !s.cidr.contains(&ip) {
            return Err(invalid(format!("Address {ip} does not fall within the subnet's address range")));
        }
        if cidr::is_reserved(&s.cidr, ip) {
            return Err(invalid(format!("Address {ip} is in subnet's reserved address range")));
        }
        if net.used_ips(&s.id).contains(&ip) || taken.contains(&ip) {
            return Err(E::InvalidIpAddressInUse.err(format!("Address {ip} is in use.")));
        }
        return Ok(ip);
    }
    let used = net.used_ips(&s.id);
    let (first, last) = cidr::usable_range(&s.cidr);
    (u32::from(first)..=u32::from(last))
        .map(Ipv4Addr::from)
        .find(|a| !used.contains(a) && !taken.contains(a))
        .ok_or_else(|| E::InsufficientFreeAddressesInSubnet.err(format!("There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.", s.id)))
}

fn check_groups(net: &RegionNet, groups: &[String], s: &Subnet) -> Result<(), AwsError> {
    for g in groups {
        let sg = sg_ref(net, g)?;
        if sg.vpc_id != s.vpc_id {
            return Err(E::InvalidParameter.err(format!("Security group {g} and subnet {} belong to different networks.", s.id)));
        }
    }
    Ok(())
}

fn default_group(net: &RegionNet, vpc_id: &str) -> Vec<String> {
    net.security_groups.values().filter(|g| g.vpc_id == vpc_id && g.name == "default").map(|g| g.id.clone()).collect()
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateNetworkInterfaceRequest {
    pub subnet_id: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub secondary_private_ip_address_count: Option<u32>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateNetworkInterfaceResponse {
    pub network_interface: NetworkInterfaceView,
}

pub fn create_network_interface(c: &mut Call<'_>, req: CreateNetworkInterfaceRequest) -> Result<CreateNetworkInterfaceResponse, AwsError> {
    let (net, rng) = begin(c, "CreateNetworkInterface", "network-interface", "*")?;
    let s = subnet_ref(net, &req.subnet_id)?.clone();
    let groups = if req.groups.is_empty() { default_group(net, &s.vpc_id) } else { req.groups.clone() };
    check_groups(net, &groups, &s)?;
    let mut taken = vec![choose_ip(net, &s, req.private_ip_address.as_deref(), &[])?];
    for _ in 0..req.secondary_private_ip_address_count.unwrap_or(0) {
        taken.push(choose_ip(net, &s, None, &taken)?);
    }
    let id = rng.ec2_id("eni");
    let e = NetworkInterface {
        id: id.clone(),
        subnet_id: s.id.clone(),
        vpc_id: s.vpc_id.clone(),
        az: s.az.clone(),
        owner: net.account.clone(),
        private_ip: taken[0],
        secondary_ips: taken[1..].to_vec(),
        groups,
        public_ip: None,
        public_ip_auto: false,
        instance_id: None,
        interface_type: "interface".into(),
        description: req.description.unwrap_or_default(),
        source_dest_check: true,
        tags: tags_of(&req.tag_specifications),
    };
    let view = eni_view(net, &e);
    net.interfaces.insert(id.clone(), e);
    record(c, "network-interface", &id);
    Ok(CreateNetworkInterfaceResponse { network_interface: view })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteNetworkInterfaceRequest {
    pub network_interface_id: String,
}

pub fn delete_network_interface(c: &mut Call<'_>, req: DeleteNetworkInterfaceRequest) -> Result<Empty, AwsError> {
    let (net, _) = begin(c, "DeleteNetworkInterface", "network-interface", &req.network_interface_id)?;
    let e = eni_ref(net, &req.network_interface_id)?;
    if e.instance_id.is_some() || e.interface_type != "interface" {
        return Err(E::InvalidNetworkInterfaceInUse.err(format!("The network interface '{}' is currently in use.", e.id)));
    }
    release_interface(net, &req.network_interface_id);
    Ok(Empty {})
}

/// Removes an interface, unhooking any Elastic IP from it.
fn release_interface(net: &mut RegionNet, id: &str) {
    net.interfaces.remove(id);
    for a in net.addresses.values_mut().filter(|a| a.eni_id.as_deref() == Some(id)) {
        a.eni_id = None;
        a.association_id = None;
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeNetworkInterfacesRequest {
    #[serde(default)]
    pub network_interface_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNetworkInterfacesResponse {
    pub network_interfaces: Vec<NetworkInterfaceView>,
}

pub fn describe_network_interfaces(c: &mut Call<'_>, req: DescribeNetworkInterfacesRequest) -> Result<DescribeNetworkInterfacesResponse, AwsError> {
    let (net, _) = begin(c, "DescribeNetworkInterfaces", "network-interface", "*")?;
    let net = &*net;
    let items = pick(&req.network_interface_ids, net.interfaces.values(), |i| eni_ref(net, i))?;
    let items = filtered(
        items.into_iter(),
        &req.filters,
        &["network-interface-id", "subnet-id", "vpc-id", "interface-type", "attachment.instance-id", "private-ip-address", "group-id"],
        |e| &e.tags,
        |e, name| match name {
            "network-interface-id" => vec![e.id.clone()],
            "subnet-id" => vec![e.subnet_id.clone()],
            "vpc-id" => vec![e.vpc_id.clone()],
            "interface-type" => vec![e.interface_type.clone()],
            "attachment.instance-id" => e.instance_id.iter().cloned().collect(),
            "private-ip-address" => e.addresses().map(|a| a.to_string()).collect(),
            _ => e.groups.clone(),
        },
    )?;
    Ok(DescribeNetworkInterfacesResponse { network_interfaces: items.into_iter().map(|e| eni_view(net, e)).collect() })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InstanceNetworkInterfaceSpecification {
    #[serde(default)]
    pub device_index: Option<i64>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub associate_public_ip_address: Option<bool>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub delete_on_termination: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RunInstancesRequest {
    #[serde(default)]
    pub image_id: Option<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
    #[serde(default)]
    pub min_count: Option<u32>,
    #[serde(default)]
    pub max_count: Option<u32>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub network_interfaces: Vec<InstanceNetworkInterfaceSpecification>,
    #[serde(default)]
    pub tag_specifications: Vec<TagSpecification>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reservation {
    pub reservation_id: String,
    pub owner_id: String,
    pub instances: Vec<InstanceView>,
}

/// Launches instances into a subnet (the default subnet of the first AZ when none is
/// named). Each gets a primary network interface with the lowest free private address (or
/// the one asked for — never one of the five reserved), the named security groups (the
/// VPC's default group when none), and a public address when the subnet maps one on
/// launch or the request asks for one.
pub fn run_instances(c: &mut Call<'_>, req: RunInstancesRequest) -> Result<Reservation, AwsError> {
    let now = c.now().iso();
    let (net, rng) = begin(c, "RunInstances", "instance", "*")?;
    let nic = req.network_interfaces.first().cloned().unwrap_or_default();
    if req.network_interfaces.len() > 1 {
        return Err(invalid("The simulator models one network interface per instance."));
    }
    if nic.subnet_id.is_some() && req.subnet_id.is_some() {
        return Err(E::InvalidParameterCombination.err("Network interfaces and an instance-level subnet ID may not be specified on the same request"));
    }
    let subnet = match nic.subnet_id.as_ref().or(req.subnet_id.as_ref()) {
        Some(s) => subnet_ref(net, s)?.clone(),
        None => {
            let vpc = default_vpc_id(net)?;
            let first = net.subnets.values().filter(|s| s.vpc_id == vpc && s.default_for_az).min_by_key(|s| s.az.clone());
            first.cloned().ok_or_else(|| E::MissingParameter.err("No default subnet for availability zone: name a SubnetId"))?
        }
    };
    let mut groups = if nic.groups.is_empty() { req.security_group_ids.clone() } else { nic.groups.clone() };
    if groups.is_empty() {
        groups = default_group(net, &subnet.vpc_id);
    }
    check_groups(net, &groups, &subnet)?;
    let (min, max) = (req.min_count.unwrap_or(1), req.max_count.unwrap_or(1));
    if min == 0 || max < min {
        return Err(invalid(format!("Invalid instance count: MinCount {min}, MaxCount {max}.")));
    }
    let wanted = nic.private_ip_address.as_ref().or(req.private_ip_address.as_ref());
    if wanted.is_some() && max > 1 {
        return Err(E::InvalidParameterCombination.err("A private IP address can only be specified when launching one instance."));
    }
    let public = nic.associate_public_ip_address.unwrap_or(subnet.map_public_ip_on_launch);
    let mut ips: Vec<Ipv4Addr> = Vec::new();
    for _ in 0..max {
        match choose_ip(net, &subnet, wanted.map(|s| s.as_str()), &ips) {
            Ok(ip) => ips.push(ip),
            Err(_) if ips.len() as u32 >= min => break,
            Err(e) => return Err(e),
        }
    }
    let reservation = rng.ec2_id("r");
    let tags = tags_of(&req.tag_specifications);
    let mut views = Vec::new();
    for ip in ips {
        let id = rng.ec2_id("i");
        let eni = rng.ec2_id("eni");
        let public_ip = if public { Some(net.fresh_public_ip(rng)) } else { None };
        net.interfaces.insert(
            eni.clone(),
            NetworkInterface {
                id: eni.clone(),
                subnet_id: subnet.id.clone(),
                vpc_id: subnet.vpc_id.clone(),
                az: subnet.az.clone(),
                owner: net.account.clone(),
                private_ip: ip,
                secondary_ips: vec![],
                groups: groups.clone(),
                public_ip,
                public_ip_auto: public_ip.is_some(),
                instance_id: Some(id.clone()),
                interface_type: "interface".into(),
                description: String::new(),
                source_dest_check: true,
                tags: Tags::new(),
            },
        );
        let inst = Instance {
            id: id.clone(),
            reservation_id: reservation.clone(),
            owner: net.account.clone(),
            image_id: req.image_id.clone().unwrap_or_else(|| "ami-0abcdef1234567890".into()),
            instance_type: req.instance_type.clone().unwrap_or_else(|| "t3.micro".into()),
            subnet_id: subnet.id.clone(),
            vpc_id: subnet.vpc_id.clone(),
            az: subnet.az.clone(),
            eni_id: eni,
            state: "running".into(),
            launch_time: now.clone(),
            tags: tags.clone(),
        };
        views.push(instance_view(net, &inst));
        net.instances.insert(id, inst);
    }
    for v in &views {
        record(c, "instance", &v.instance_id);
    }
    let owner = c.account();
    Ok(Reservation { reservation_id: reservation, owner_id: owner, instances: views })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InstanceIdsRequest {
    #[serde(default)]
    pub instance_ids: Vec<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceStateChange {
    pub instance_id: String,
    pub current_state: InstanceState,
    pub previous_state: InstanceState,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminateInstancesResponse {
    pub terminating_instances: Vec<InstanceStateChange>,
}

/// Terminates instances: their primary interfaces are deleted, which frees their private
/// addresses and releases auto-assigned public addresses (Elastic IPs stay allocated).
pub fn terminate_instances(c: &mut Call<'_>, req: InstanceIdsRequest) -> Result<TerminateInstancesResponse, AwsError> {
    if req.instance_ids.is_empty() {
        return Err(E::MissingParameter.err("The request must contain the parameter InstanceIds"));
    }
    let first = req.instance_ids[0].clone();
    let (net, _) = begin(c, "TerminateInstances", "instance", &first)?;
    for i in &req.instance_ids {
        instance_ref(net, i)?;
    }
    let mut out = Vec::new();
    for i in &req.instance_ids {
        let inst = net.instances[i].clone();
        let running = inst.state == "running";
        if running {
            release_interface(net, &inst.eni_id);
            net.instances.get_mut(i).unwrap().state = "terminated".into();
        }
        let state = |running: bool| if running { InstanceState { code: 16, name: "running".into() } } else { InstanceState { code: 48, name: "terminated".into() } };
        out.push(InstanceStateChange { instance_id: i.clone(), current_state: state(false), previous_state: state(running) });
    }
    Ok(TerminateInstancesResponse { terminating_instances: out })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesResponse {
    pub reservations: Vec<Reservation>,
}

pub fn describe_instances(c: &mut Call<'_>, req: InstanceIdsRequest) -> Result<DescribeInstancesResponse, AwsError> {
    let (net, _) = begin(c, "DescribeInstances", "instance", "*")?;
    let net = &*net;
    let items = pick(&req.instance_ids, net.instances.values(), |i| instance_ref(net, i))?;
    let items = filtered(
        items.into_iter(),
        &req.filters,
        &["instance-id", "subnet-id", "vpc-id", "instance-state-name", "availability-zone"],
        |i| &i.tags,
        |i, name| match name {
            "instance-id" => vec![i.id.clone()],
            "subnet-id" => vec![i.subnet_id.clone()],
            "vpc-id" => vec![i.vpc_id.clone()],
            "instance-state-name" => vec![i.state.clone()],
            _ => vec![i.az.clone()],
        },
    )?;
    let mut by_reservation: BTreeMap<String, Vec<InstanceView>> = BTreeMap::new();
    for i in items {
        by_reservation.entry(i.reservation_id.clone()).or_default().push(instance_view(net, i));
    }
    Ok(DescribeInstancesResponse {
        reservations: by_reservation.into_iter().map(|(id, instances)| Reservation { reservation_id: id, owner_id: net.account.clone(), instances }).collect(),
    })
}

// ---------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateTagsRequest {
    pub resources: Vec<String>,
    pub tags: Vec<TagIn>,
}

fn tags_mut<'a>(net: &'a mut RegionNet, id: &str) -> Option<&'a mut Tags> {
    Some(match id.split('-').next()? {
        "vpc" => &mut net.vpcs.get_mut(id)?.tags,
        "subnet" => &mut net.subnets.get_mut(id)?.tags,
        "rtb" => &mut net.route_tables.get_mut(id)?.tags,
        "igw" => &mut net.internet_gateways.get_mut(id)?.tags,
        "eigw" => &mut net.egress_only_gateways.get_mut(id)?.tags,
        "nat" => &mut net.nat_gateways.get_mut(id)?.tags,
        "pcx" => &mut net.peerings.get_mut(id)?.tags,
        "sg" => &mut net.security_groups.get_mut(id)?.tags,
        "acl" => &mut net.network_acls.get_mut(id)?.tags,
        "dopt" => &mut net.dhcp_options.get_mut(id)?.tags,
        "eipalloc" => &mut net.addresses.get_mut(id)?.tags,
        "eni" => &mut net.interfaces.get_mut(id)?.tags,
        "i" => &mut net.instances.get_mut(id)?.tags,
        _ => return None,
    })
}

pub fn create_tags(c: &mut Call<'_>, req: CreateTagsRequest) -> Result<Empty, AwsError> {
    let first = req.resources.first().cloned().unwrap_or_else(|| "*".into());
    let (net, _) = begin(c, "CreateTags", "resource", &first)?;
    for r in &req.resources {
        if tags_mut(net, r).is_none() {
            return Err(E::InvalidParameterValue.err(format!("The ID '{r}' is not valid or does not exist")));
        }
    }
    for r in &req.resources {
        let t = tags_mut(net, r).unwrap();
        for tag in &req.tags {
            t.insert(tag.key.clone(), tag.value.clone());
        }
    }
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------
// Reachability (Reachability Analyzer's StartNetworkInsightsAnalysis, in one call)
// ---------------------------------------------------------------------------------------

/// Analyses whether `Source` can open a connection to `Destination` and explains the path:
/// see [`super::reach`] for the rules.
pub fn start_network_insights_analysis(c: &mut Call<'_>, req: super::reach::ReachableRequest) -> Result<super::reach::ReachableResponse, AwsError> {
    let (net, _) = begin(c, "StartNetworkInsightsAnalysis", "network-insights-path", "*")?;
    super::reach::analyze(net, &req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_ec2_filters() {
        assert!(glob("vpc-*", "vpc-0abc"));
        assert!(glob("10.0.?.0/24", "10.0.1.0/24"));
        assert!(!glob("web", "web-1"));
    }

    #[test]
    fn association_restrictions_follow_the_2023_table() {
        // [VPC-ARCH] vpc-cidr-blocks.md, "IPv4 CIDR block association restrictions".
        let n = |s: &str| cidr::parse_v4(s).unwrap();
        assert!(restricted(&[n("10.2.0.0/16")], &n("172.16.0.0/16")));
        assert!(restricted(&[n("10.2.0.0/16")], &n("192.168.0.0/16")));
        assert!(restricted(&[n("10.2.0.0/16")], &n("198.19.0.0/16")));
        assert!(!restricted(&[n("10.2.0.0/16")], &n("10.3.0.0/16")));
        assert!(!restricted(&[n("10.2.0.0/16")], &n("100.64.0.0/16")));
        // 10.0.0.0/15 in use: nothing from 10.0.0.0/16 may be added.
        assert!(restricted(&[n("10.1.0.0/16")], &n("10.0.0.0/24")));
        // 172.16.0.0/12 VPCs may not add 172.31.0.0/16 blocks.
        assert!(restricted(&[n("172.20.0.0/16")], &n("172.31.0.0/20")));
        assert!(!restricted(&[n("172.20.0.0/16")], &n("172.21.0.0/16")));
        assert!(restricted(&[n("100.70.0.0/16")], &n("10.0.0.0/16")));
        assert!(!restricted(&[n("100.70.0.0/16")], &n("100.71.0.0/16")));
    }
}
