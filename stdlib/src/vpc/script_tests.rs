//! Scenario tests of the `vpc::` script surface, run through a real engine with every
//! module registered. Each test quotes the AWS documentation it checks.

use rhai::Engine;
use serde_json::Value;

use crate::script::convert::dynamic_to_json;
use crate::{World, new_shared, register_all};

fn new_engine() -> (Engine, crate::Shared) {
    let mut engine = Engine::new();
    engine.set_max_expr_depths(0, 0);
    let shared = new_shared(World::default());
    register_all(&mut engine, &shared);
    (engine, shared)
}

/// Runs a script on a fresh world and returns its value as JSON.
fn run(script: &str) -> Value {
    let (engine, _) = new_engine();
    run_on(&engine, script)
}

fn run_on(engine: &Engine, script: &str) -> Value {
    match engine.eval::<rhai::Dynamic>(script) {
        Ok(v) => dynamic_to_json(&v),
        Err(e) => panic!("script failed: {e}\n{script}"),
    }
}

/// `Code: Message` of the error `body` throws ("no error" if none).
fn err(prelude: &str, body: &str) -> String {
    let script = format!("{prelude}\nlet r = \"no error\";\ntry {{ {body}; }} catch (e) {{ r = e.Code + \": \" + e.Message; }}\nr");
    run(&script).as_str().unwrap().to_string()
}

const VPC: &str = r#"let v = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;"#;

#[test]
fn vpc_sizes_are_slash_16_to_slash_28() {
    // [VPC-ARCH] vpc-cidr-blocks.md: "The allowed block size is between a /16 netmask (65,536
    // IP addresses) and /28 netmask (16 IP addresses)."
    assert_eq!(err("", r#"vpc::create_vpc("10.0.0.0/8")"#), "InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid.");
    assert_eq!(err("", r#"vpc::create_vpc("10.0.0.0/29")"#), "InvalidVpc.Range: The CIDR '10.0.0.0/29' is invalid.");
    assert_eq!(err("", r#"vpc::create_vpc("169.254.0.0/16")"#), "InvalidVpc.Range: The CIDR '169.254.0.0/16' is invalid.");
    assert_eq!(err("", r#"vpc::create_vpc("10.0.0.0/28")"#), "no error");
    assert_eq!(err("", r#"vpc::create_vpc("10.0.0.0/16")"#), "no error");
    assert!(err("", r#"vpc::create_vpc("10.0.0/16")"#).starts_with("InvalidParameterValue: Value (10.0.0/16) for parameter cidrBlock is invalid."));
    assert!(err("", r#"vpc::create_vpc(#{ CidrBlock: "10.0.0.0/16", InstanceTenancy: "host" })"#).starts_with("InvalidParameterValue: Value (host) for parameter instanceTenancy"));
    // "if you specify 100.68.0.18/18 for the CIDR block, we create a CIDR block of 100.68.0.0/18."
    let v = run(r#"vpc::create_vpc("100.68.0.18/18").Vpc"#);
    assert_eq!(v["CidrBlock"], "100.68.0.0/18");
    assert_eq!(v["IsDefault"], false);
    assert_eq!(v["InstanceTenancy"], "default");
    // Quota: 5 VPCs per Region, the default VPC included.
    let e = err("", r#"for i in 0..5 { vpc::create_vpc(`10.${i}.0.0/16`); }"#);
    assert_eq!(e, "VpcLimitExceeded: The maximum number of VPCs has been reached.");
}

#[test]
fn subnets_are_inside_the_vpc_disjoint_and_lose_five_addresses() {
    // [VPC-ARCH] subnet-sizing.md: subnets between /28 and /16, inside the VPC, not
    // overlapping; "The first four IP addresses and the last IP address in each subnet CIDR
    // block are not available for your use".
    let r = run(&format!(
        r#"{VPC}
        let a = vpc::create_subnet(v, "10.0.1.0/24", "us-east-1a").Subnet;
        let b = vpc::create_subnet(v, "10.0.2.0/28", "us-east-1b").Subnet;
        let c = vpc::create_subnet(v, "10.0.128.0/17", "us-east-1c").Subnet;
        [a.AvailableIpAddressCount, b.AvailableIpAddressCount, c.AvailableIpAddressCount, a.AvailabilityZone, a.MapPublicIpOnLaunch, a.DefaultForAz]"#
    ));
    assert_eq!(r, serde_json::json!([251, 11, 32763, "us-east-1a", false, false]));
    // The edges moto gets wrong: a /29 and a /30 are InvalidSubnet.Range, not accepted or a crash.
    assert_eq!(err(VPC, r#"vpc::create_subnet(v, "10.0.0.0/29", "us-east-1a")"#), "InvalidSubnet.Range: The CIDR '10.0.0.0/29' is invalid.");
    assert_eq!(err(VPC, r#"vpc::create_subnet(v, "10.0.0.0/30", "us-east-1a")"#), "InvalidSubnet.Range: The CIDR '10.0.0.0/30' is invalid.");
    assert_eq!(err(VPC, r#"vpc::create_subnet(v, "10.1.0.0/24", "us-east-1a")"#), "InvalidSubnet.Range: The CIDR '10.1.0.0/24' is invalid.");
    assert_eq!(err(VPC, r#"vpc::create_subnet(v, "10.0.0.0/15", "us-east-1a")"#), "InvalidSubnet.Range: The CIDR '10.0.0.0/15' is invalid.");
    let pre = format!("{VPC}\nvpc::create_subnet(v, \"10.0.1.0/24\", \"us-east-1a\");");
    assert_eq!(err(&pre, r#"vpc::create_subnet(v, "10.0.1.128/25", "us-east-1b")"#), "InvalidSubnet.Conflict: The CIDR '10.0.1.128/25' conflicts with another subnet");
    assert_eq!(err(&pre, r#"vpc::create_subnet(v, "10.0.0.0/23", "us-east-1b")"#), "InvalidSubnet.Conflict: The CIDR '10.0.0.0/23' conflicts with another subnet");
    let e = err(VPC, r#"vpc::create_subnet(v, "10.0.9.0/24", "us-west-2a")"#);
    assert!(e.starts_with("InvalidParameterValue: Value (us-west-2a) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b"), "{e}");
    assert_eq!(err(VPC, r#"vpc::create_subnet("vpc-0000000000000000f", "10.0.0.0/24", "us-east-1a")"#), "InvalidVpcID.NotFound: The vpc ID 'vpc-0000000000000000f' does not exist");
}

#[test]
fn reserved_addresses_are_named_and_never_handed_out() {
    // [VPC-ARCH] subnet-sizing.md, 10.0.0.0/24: .0 network, .1 VPC router, .2 DNS, .3 future
    // use, .255 broadcast.
    let r = run(r#"vpc::reserved_addresses("10.0.0.0/24").map(|r| r.Name + "=" + r.Address)"#);
    assert_eq!(r, serde_json::json!(["network=10.0.0.0", "router=10.0.0.1", "dns=10.0.0.2", "future=10.0.0.3", "broadcast=10.0.0.255"]));
    let pre = format!("{VPC}\nlet s = vpc::create_subnet(v, \"10.0.1.0/28\", \"us-east-1a\").Subnet.SubnetId;");
    let r = run(&format!(
        r#"{pre}
        let ips = [];
        for i in 0..11 {{ ips.push(vpc::run_instances(s, []).Instances[0].PrivateIpAddress); }}
        let left = vpc::describe_subnets(#{{ SubnetIds: [s] }}).Subnets[0].AvailableIpAddressCount;
        [ips[0], ips[10], left]"#
    ));
    assert_eq!(r, serde_json::json!(["10.0.1.4", "10.0.1.14", 0]));
    let full = format!("{pre}\nfor i in 0..11 {{ vpc::run_instances(s, []); }}");
    assert!(err(&full, "vpc::run_instances(s, [])").starts_with("InsufficientFreeAddressesInSubnet:"));
    assert_eq!(err(&pre, r#"vpc::run_instances(#{ SubnetId: s, PrivateIpAddress: "10.0.1.1" })"#), "InvalidParameterValue: Address 10.0.1.1 is in subnet's reserved address range");
    assert_eq!(err(&pre, r#"vpc::run_instances(#{ SubnetId: s, PrivateIpAddress: "10.0.1.15" })"#), "InvalidParameterValue: Address 10.0.1.15 is in subnet's reserved address range");
    assert_eq!(err(&pre, r#"vpc::run_instances(#{ SubnetId: s, PrivateIpAddress: "10.0.2.7" })"#), "InvalidParameterValue: Address 10.0.2.7 does not fall within the subnet's address range");
    let taken = format!("{pre}\nvpc::run_instances(#{{ SubnetId: s, PrivateIpAddress: \"10.0.1.9\" }});");
    assert_eq!(err(&taken, r#"vpc::create_network_interface(#{ SubnetId: s, PrivateIpAddress: "10.0.1.9" })"#), "InvalidIPAddress.InUse: Address 10.0.1.9 is in use.");
    // Terminating frees the address; the subnet can then be deleted.
    let r = run(&format!(
        r#"{pre}
        let i = vpc::run_instances(s, []).Instances[0].InstanceId;
        let before = vpc::describe_subnets(#{{ SubnetIds: [s] }}).Subnets[0].AvailableIpAddressCount;
        let blocked = "";
        try {{ vpc::delete_subnet(#{{ SubnetId: s }}); }} catch (e) {{ blocked = e.Message; }}
        vpc::terminate_instances(#{{ InstanceIds: [i] }});
        let after = vpc::describe_subnets(#{{ SubnetIds: [s] }}).Subnets[0].AvailableIpAddressCount;
        vpc::delete_subnet(#{{ SubnetId: s }});
        [before, after, blocked, vpc::describe_subnets(#{{ Filters: [#{{ Name: "vpc-id", Values: [v] }}] }}).Subnets.len()]"#
    ));
    assert_eq!(r[0], 10);
    assert_eq!(r[1], 11);
    assert!(r[2].as_str().unwrap().starts_with("The subnet 'subnet-") && r[2].as_str().unwrap().ends_with("' has dependencies and cannot be deleted."));
    assert_eq!(r[3], 0);
}

#[test]
fn default_vpc_has_aws_defaults_and_can_be_deleted_and_recreated() {
    // [VPC-ARCH] default-vpc.md: 172.31.0.0/16, "a size /20 default subnet in each
    // Availability Zone", an internet gateway, public IPs on launch, DNS hostnames on.
    let r = run(
        r#"let d = vpc::describe_vpcs(#{ Filters: [#{ Name: "is-default", Values: ["true"] }] }).Vpcs[0];
        let subnets = vpc::describe_subnets(#{ Filters: [#{ Name: "vpc-id", Values: [d.VpcId] }] }).Subnets;
        let igws = vpc::describe_internet_gateways(#{ Filters: [#{ Name: "attachment.vpc-id", Values: [d.VpcId] }] }).InternetGateways;
        let rt = vpc::describe_route_tables(#{ Filters: [#{ Name: "vpc-id", Values: [d.VpcId] }] }).RouteTables[0];
        let custom = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;
        #{ cidr: d.CidrBlock, n: subnets.len(), first: subnets[0].CidrBlock, second: subnets[1].CidrBlock,
           free: subnets[0].AvailableIpAddressCount, public_ips: subnets.all(|s| s.MapPublicIpOnLaunch && s.DefaultForAz),
           igws: igws.len(), routes: rt.Routes.map(|r| r.DestinationCidrBlock + "->" + r.GatewayId), main: rt.Associations[0].Main,
           hostnames: vpc::describe_vpc_attribute(#{ VpcId: d.VpcId, Attribute: "enableDnsHostnames" }).EnableDnsHostnames.Value,
           support: vpc::describe_vpc_attribute(#{ VpcId: d.VpcId, Attribute: "enableDnsSupport" }).EnableDnsSupport.Value,
           custom_hostnames: vpc::describe_vpc_attribute(#{ VpcId: custom, Attribute: "enableDnsHostnames" }).EnableDnsHostnames.Value,
           custom_support: vpc::describe_vpc_attribute(#{ VpcId: custom, Attribute: "enableDnsSupport" }).EnableDnsSupport.Value }"#,
    );
    assert_eq!(r["cidr"], "172.31.0.0/16");
    assert_eq!(r["n"], 6);
    assert_eq!(r["first"], "172.31.0.0/20");
    assert_eq!(r["second"], "172.31.16.0/20");
    assert_eq!(r["free"], 4091);
    assert_eq!(r["public_ips"], true);
    assert_eq!(r["igws"], 1);
    assert_eq!(r["routes"][0], "172.31.0.0/16->local");
    assert!(r["routes"][1].as_str().unwrap().starts_with("0.0.0.0/0->igw-"));
    assert_eq!(r["main"], true);
    // [VPC-ARCH] vpc-dns.md: enableDnsSupport defaults to true; enableDnsHostnames "is false
    // unless the VPC is a default VPC".
    assert_eq!((r["hostnames"].as_bool(), r["support"].as_bool()), (Some(true), Some(true)));
    assert_eq!((r["custom_hostnames"].as_bool(), r["custom_support"].as_bool()), (Some(false), Some(true)));

    let pre = r#"let d = vpc::describe_vpcs(#{ Filters: [#{ Name: "isDefault", Values: ["true"] }] }).Vpcs[0].VpcId;"#;
    assert!(err(pre, "vpc::delete_vpc(#{ VpcId: d })").ends_with("has dependencies and cannot be deleted."));
    assert_eq!(err(pre, "vpc::create_default_vpc()"), "DefaultVpcAlreadyExists: A Default VPC already exists for this account in this region.");
    let r = run(&format!(
        r#"{pre}
        for s in vpc::describe_subnets(#{{ Filters: [#{{ Name: "vpc-id", Values: [d] }}] }}).Subnets {{ vpc::delete_subnet(#{{ SubnetId: s.SubnetId }}); }}
        let g = vpc::describe_internet_gateways().InternetGateways[0].InternetGatewayId;
        vpc::detach_internet_gateway(#{{ InternetGatewayId: g, VpcId: d }});
        vpc::delete_internet_gateway(#{{ InternetGatewayId: g }});
        vpc::delete_vpc(#{{ VpcId: d }});
        let none = vpc::describe_vpcs().Vpcs.len();
        let no_default = "";
        try {{ vpc::create_security_group(#{{ GroupName: "x", Description: "x" }}); }} catch (e) {{ no_default = e.Code; }}
        let again = vpc::create_default_vpc().Vpc;
        [none, no_default, again.CidrBlock, again.IsDefault, again.VpcId != d, vpc::describe_subnets().Subnets.len()]"#
    ));
    assert_eq!(r, serde_json::json!([0, "VPCIdNotSpecified", "172.31.0.0/16", true, true, 6]));
}

#[test]
fn the_default_vpc_exists_per_region_lazily() {
    // Another region gets its own default VPC with that region's AZs (us-west-2 has 4).
    let r = run(r#"as_principal(#{ Region: "us-west-2" }, || vpc::describe_subnets().Subnets.map(|s| s.AvailabilityZone))"#);
    assert_eq!(r, serde_json::json!(["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]));
}

#[test]
fn secondary_cidrs_quota_restrictions_and_ipv6() {
    // [VPC-ARCH] vpc-cidr-blocks.md: "When you associate a CIDR block with your VPC, a route is
    // automatically added to your VPC route tables"; the primary block can't be disassociated.
    let r = run(&format!(
        r#"{VPC}
        let a = vpc::associate_vpc_cidr_block(#{{ VpcId: v, CidrBlock: "10.1.0.0/16" }}).CidrBlockAssociation;
        let s = vpc::create_subnet(v, "10.1.0.0/24", "us-east-1a").Subnet.AvailableIpAddressCount;
        let rt = vpc::describe_route_tables(#{{ Filters: [#{{ Name: "vpc-id", Values: [v] }}] }}).RouteTables[0];
        [a.CidrBlock, a.CidrBlockState.State, s, rt.Routes.map(|r| r.DestinationCidrBlock + ":" + r.GatewayId)]"#
    ));
    assert_eq!(r, serde_json::json!(["10.1.0.0/16", "associated", 251, ["10.0.0.0/16:local", "10.1.0.0/16:local"]]));
    // The 2023 restriction table: a 10/8 VPC can't add 192.168/16 blocks.
    let e = err(VPC, r#"vpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: "192.168.0.0/16" })"#);
    assert!(e.starts_with("InvalidVpc.Range: The CIDR '192.168.0.0/16' is restricted."), "{e}");
    assert!(err(VPC, r#"vpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: "10.0.128.0/17" })"#).starts_with("InvalidVpc.Range:"));
    assert!(err(VPC, r#"vpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: "10.1.0.0/29" })"#).starts_with("InvalidVpc.Range:"));
    // Quota: 5 IPv4 blocks per VPC (the primary counts), adjustable.
    let four = format!("{VPC}\nfor i in 1..5 {{ vpc::associate_vpc_cidr_block(#{{ VpcId: v, CidrBlock: `10.${{i}}.0.0/16` }}); }}");
    let e = err(&four, r#"vpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: "10.9.0.0/16" })"#);
    assert!(e.starts_with("CidrLimitExceeded: This network 'vpc-") && e.ends_with("has met its maximum number of allowed CIDRs: 5"), "{e}");
    assert_eq!(err(&four, r#"vpc::set_quota("Ipv4CidrBlocksPerVpc", 6); vpc::associate_vpc_cidr_block(#{ VpcId: v, CidrBlock: "10.9.0.0/16" })"#), "no error");
    assert!(err("", r#"vpc::set_quota("Ipv4CidrBlocksPerVpc", 51)"#).contains("from 1 to 50"));
    let pre = format!("{VPC}\nlet primary = vpc::describe_vpcs(#{{ VpcIds: [v] }}).Vpcs[0].CidrBlockAssociationSet[0].AssociationId;");
    assert!(err(&pre, "vpc::disassociate_vpc_cidr_block(#{ AssociationId: primary })").starts_with("OperationNotPermitted:"));
    let with_subnet = format!("{VPC}\nlet a = vpc::associate_vpc_cidr_block(#{{ VpcId: v, CidrBlock: \"10.1.0.0/16\" }}).CidrBlockAssociation.AssociationId;\nvpc::create_subnet(v, \"10.1.0.0/24\", \"us-east-1a\");");
    assert!(err(&with_subnet, "vpc::disassociate_vpc_cidr_block(#{ AssociationId: a })").starts_with("DependencyViolation:"));
    // IPv6: an Amazon-provided /56 per VPC; subnets take /64s from it.
    let r = run(
        r#"let v = vpc::create_vpc(#{ CidrBlock: "10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true }).Vpc;
        let block = v.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock;
        let base = block.sub_string(0, block.index_of("::"));
        let s = vpc::create_subnet(#{ VpcId: v.VpcId, CidrBlock: "10.0.0.0/24", Ipv6CidrBlock: base + "::/64" }).Subnet;
        let bad = "";
        try { vpc::create_subnet(#{ VpcId: v.VpcId, CidrBlock: "10.0.1.0/24", Ipv6CidrBlock: base + "::/63" }); } catch (e) { bad = e.Code; }
        let rt = vpc::describe_route_tables(#{ Filters: [#{ Name: "vpc-id", Values: [v.VpcId] }] }).RouteTables[0];
        [block.ends_with("/56"), s.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock, base + "::/64", bad, rt.Routes[1].DestinationIpv6CidrBlock == block]"#,
    );
    assert_eq!(r[0], true);
    assert_eq!(r[1], r[2]);
    assert_eq!(r[3], "InvalidSubnet.Range");
    assert_eq!(r[4], true);
}

#[test]
fn dhcp_options_are_replaced_not_edited() {
    let r = run(&format!(
        r#"{VPC}
        let before = vpc::describe_vpcs(#{{ VpcIds: [v] }}).Vpcs[0].DhcpOptionsId;
        let d = vpc::create_dhcp_options(#{{ DhcpConfigurations: [#{{ Key: "domain-name", Values: ["corp.example"] }}, #{{ Key: "domain-name-servers", Values: ["AmazonProvidedDNS"] }}] }}).DhcpOptions.DhcpOptionsId;
        vpc::associate_dhcp_options(#{{ DhcpOptionsId: d, VpcId: v }});
        let after = vpc::describe_vpcs(#{{ VpcIds: [v] }}).Vpcs[0].DhcpOptionsId;
        let default_domain = vpc::describe_dhcp_options(#{{ DhcpOptionsIds: [before] }}).DhcpOptions[0].DhcpConfigurations[0].Values[0].Value;
        let in_use = "";
        try {{ vpc::delete_dhcp_options(#{{ DhcpOptionsId: d }}); }} catch (e) {{ in_use = e.Code; }}
        [before != d, after == d, default_domain, in_use]"#
    ));
    assert_eq!(r, serde_json::json!([true, true, "ec2.internal", "DependencyViolation"]));
    assert!(err("", r#"vpc::create_dhcp_options(#{ DhcpConfigurations: [#{ Key: "domain-nam", Values: ["x"] }] })"#).starts_with("InvalidParameterValue:"));
}

#[test]
fn route_table_rules() {
    let pre = format!(
        "{VPC}\nlet igw = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;\nlet rt = vpc::create_route_table(#{{ VpcId: v }}).RouteTable.RouteTableId;"
    );
    // A gateway that is not attached to the table's VPC can't be a target.
    assert!(err(&pre, r#"vpc::create_route(rt, "0.0.0.0/0", igw)"#).contains("belong to different networks"));
    let attached = format!("{pre}\nvpc::attach_internet_gateway(#{{ InternetGatewayId: igw, VpcId: v }});\nvpc::create_route(rt, \"0.0.0.0/0\", igw);");
    assert_eq!(err(&attached, r#"vpc::create_route(rt, "0.0.0.0/0", igw)"#), "RouteAlreadyExists: The route identified by 0.0.0.0/0 already exists.");
    assert!(err(&attached, r#"vpc::create_route(rt, "10.0.5.0/24", igw)"#).contains("is equal to or more specific than one of this VPC's CIDR blocks"));
    assert!(err(&attached, r#"vpc::delete_route(#{ RouteTableId: rt, DestinationCidrBlock: "10.0.0.0/16" })"#).starts_with("InvalidParameterValue: cannot remove local route 10.0.0.0/16"));
    assert!(err(&attached, r#"vpc::delete_route(#{ RouteTableId: rt, DestinationCidrBlock: "8.8.8.0/24" })"#).starts_with("InvalidRoute.NotFound: no route with destination-cidr-block 8.8.8.0/24"));
    assert!(err(&attached, r#"vpc::attach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v })"#).starts_with("Resource.AlreadyAssociated:"));
    assert!(err(&attached, r#"vpc::delete_internet_gateway(#{ InternetGatewayId: igw })"#).starts_with("DependencyViolation: The internetGateway 'igw-"));
    // Detaching the gateway turns the route into a blackhole.
    let r = run(&format!(
        r#"{attached}
        vpc::detach_internet_gateway(#{{ InternetGatewayId: igw, VpcId: v }});
        vpc::describe_route_tables(#{{ RouteTableIds: [rt] }}).RouteTables[0].Routes.map(|r| r.State)"#
    ));
    assert_eq!(r, serde_json::json!(["active", "blackhole"]));
    // The main route table can be swapped; then the old one can be deleted.
    let r = run(&format!(
        r#"{pre}
        let main = vpc::describe_route_tables(#{{ Filters: [#{{ Name: "vpc-id", Values: [v] }}, #{{ Name: "association.main", Values: ["true"] }}] }}).RouteTables[0];
        let blocked = "";
        try {{ vpc::delete_route_table(#{{ RouteTableId: main.RouteTableId }}); }} catch (e) {{ blocked = e.Code; }}
        vpc::replace_route_table_association(#{{ AssociationId: main.Associations[0].RouteTableAssociationId, RouteTableId: rt }});
        vpc::delete_route_table(#{{ RouteTableId: main.RouteTableId }});
        [blocked, vpc::describe_route_tables(#{{ RouteTableIds: [rt] }}).RouteTables[0].Associations[0].Main]"#
    ));
    assert_eq!(r, serde_json::json!(["DependencyViolation", true]));
}

#[test]
fn security_group_defaults_duplicates_and_deletion() {
    // [VPC-ARCH] default-security-group.md: inbound from the group itself, outbound to
    // 0.0.0.0/0; security-groups.md: a new group has "only an outbound rule that allows all
    // traffic to leave".
    let r = run(&format!(
        r#"{VPC}
        let d = vpc::describe_security_groups(#{{ Filters: [#{{ Name: "vpc-id", Values: [v] }}, #{{ Name: "group-name", Values: ["default"] }}] }}).SecurityGroups[0];
        let g = vpc::create_security_group(v, "web", "web tier").GroupId;
        let n = vpc::describe_security_groups(#{{ GroupIds: [g] }}).SecurityGroups[0];
        [d.IpPermissions[0].IpProtocol, d.IpPermissions[0].UserIdGroupPairs[0].GroupId == d.GroupId, d.IpPermissionsEgress[0].IpRanges[0].CidrIp,
         n.IpPermissions.len(), n.IpPermissionsEgress[0].IpProtocol]"#
    ));
    assert_eq!(r, serde_json::json!(["-1", true, "0.0.0.0/0", 0, "-1"]));
    let pre = format!("{VPC}\nlet g = vpc::create_security_group(v, \"web\", \"web tier\").GroupId;\nvpc::authorize_security_group_ingress(g, \"tcp\", 22, \"0.0.0.0/0\");");
    assert_eq!(
        err(&pre, r#"vpc::authorize_security_group_ingress(g, "tcp", 22, "0.0.0.0/0")"#),
        "InvalidPermission.Duplicate: the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" already exists"
    );
    assert_eq!(err(&pre, r#"vpc::authorize_security_group_egress(g, "-1", 0, "0.0.0.0/0")"#), "InvalidPermission.Duplicate: the specified rule \"peer: 0.0.0.0/0, ALL, ALLOW\" already exists");
    assert!(err(&pre, r#"vpc::revoke_security_group_ingress(#{ GroupId: g, IpPermissions: [#{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [#{ CidrIp: "0.0.0.0/0" }] }] })"#).starts_with("InvalidPermission.NotFound:"));
    assert!(err(&pre, r#"vpc::create_security_group(v, "web", "again")"#).starts_with("InvalidGroup.Duplicate: The security group 'web' already exists for VPC 'vpc-"));
    assert!(err(&pre, r#"vpc::create_security_group(v, "sg-web", "x")"#).contains("sg-*"));
    let default = format!("{VPC}\nlet d = vpc::describe_security_groups(#{{ Filters: [#{{ Name: \"vpc-id\", Values: [v] }}] }}).SecurityGroups[0].GroupId;");
    let e = err(&default, "vpc::delete_security_group(#{ GroupId: d })");
    assert!(e.starts_with("CannotDelete: the specified group: \"sg-") && e.ends_with("\" name: \"default\" cannot be deleted by a user"), "{e}");
    let s = format!("{pre}\nlet s = vpc::create_subnet(v, \"10.0.0.0/24\", \"us-east-1a\").Subnet.SubnetId;\nvpc::run_instances(s, [g]);");
    assert!(err(&s, "vpc::delete_security_group(#{ GroupId: g })").starts_with("DependencyViolation: resource sg-"));
    let referenced = format!("{pre}\nlet g2 = vpc::create_security_group(v, \"app\", \"app\").GroupId;\nvpc::authorize_security_group_ingress(g2, \"tcp\", 80, g);");
    assert!(err(&referenced, "vpc::delete_security_group(#{ GroupId: g })").starts_with("DependencyViolation:"));
    assert_eq!(err(&referenced, "vpc::delete_security_group(#{ GroupId: g2 }); vpc::delete_security_group(#{ GroupId: g })"), "no error");
}

#[test]
fn network_acl_defaults_and_rule_numbers() {
    // [VPC-ARCH] vpc-network-acls.md: the default ACL allows all in and out (rule 100) and ends
    // with `*` deny; "a network ACL that you create blocks all inbound and outbound traffic
    // until you add rules"; rule numbers "from 1 to 32766".
    let r = run(&format!(
        r#"{VPC}
        let d = vpc::describe_network_acls(#{{ Filters: [#{{ Name: "vpc-id", Values: [v] }}, #{{ Name: "default", Values: ["true"] }}] }}).NetworkAcls[0];
        let c = vpc::create_network_acl(#{{ VpcId: v }}).NetworkAcl;
        [d.Entries.map(|e| `${{e.Egress}} ${{e.RuleNumber}} ${{e.RuleAction}} ${{e.Protocol}} ${{e.CidrBlock}}`), c.Entries.map(|e| `${{e.RuleNumber}} ${{e.RuleAction}}`), c.Associations.len()]"#
    ));
    assert_eq!(
        r,
        serde_json::json!([
            ["true 100 allow -1 0.0.0.0/0", "true 32767 deny -1 0.0.0.0/0", "false 100 allow -1 0.0.0.0/0", "false 32767 deny -1 0.0.0.0/0"],
            ["32767 deny", "32767 deny"],
            0
        ])
    );
    let pre = format!("{VPC}\nlet acl = vpc::create_network_acl(#{{ VpcId: v }}).NetworkAcl.NetworkAclId;");
    assert!(err(&pre, r#"vpc::create_network_acl_entry(acl, 0, "inbound", "allow", "tcp", "80", "0.0.0.0/0")"#).contains("ruleNumber"));
    assert!(err(&pre, r#"vpc::create_network_acl_entry(acl, 32767, "inbound", "allow", "tcp", "80", "0.0.0.0/0")"#).contains("between 1 and 32766"));
    assert_eq!(err(&pre, r#"vpc::create_network_acl_entry(acl, 32766, "inbound", "allow", "tcp", "80", "0.0.0.0/0")"#), "no error");
    assert!(err(&pre, r#"vpc::create_network_acl_entry(#{ NetworkAclId: acl, RuleNumber: 10, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" })"#).starts_with("MissingParameter:"));
    let one = format!("{pre}\nvpc::create_network_acl_entry(acl, 100, \"inbound\", \"allow\", \"tcp\", \"80\", \"0.0.0.0/0\");");
    assert_eq!(err(&one, r#"vpc::create_network_acl_entry(acl, 100, "inbound", "deny", "-1", "", "0.0.0.0/0")"#), "NetworkAclEntryAlreadyExists: The network acl entry identified by 100 already exists.");
    assert_eq!(err(&one, r#"vpc::create_network_acl_entry(acl, 100, "outbound", "allow", "-1", "", "0.0.0.0/0")"#), "no error");
    let used = format!("{one}\nlet s = vpc::create_subnet(v, \"10.0.0.0/24\", \"us-east-1a\").Subnet.SubnetId;\nvpc::associate_network_acl(acl, s);");
    assert!(err(&used, "vpc::delete_network_acl(#{ NetworkAclId: acl })").starts_with("DependencyViolation: The networkAcl 'acl-"));
    let r = run(&format!("{used}\nvpc::describe_network_acls(#{{ Filters: [#{{ Name: \"association.subnet-id\", Values: [s] }}] }}).NetworkAcls[0].NetworkAclId == acl"));
    assert_eq!(r, true);
}

/// The three-tier VPC of the notebook: a public web subnet (route to an internet gateway),
/// a private app subnet (route to a NAT gateway), a private DB subnet (no gateway).
const THREE_TIER: &str = r#"
let v = vpc::create_vpc("10.0.0.0/16", "three-tier").Vpc.VpcId;
let igw = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;
vpc::attach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v });
let pub_a = vpc::create_subnet(v, "10.0.0.0/24", "us-east-1a", "web-a").Subnet.SubnetId;
let app_a = vpc::create_subnet(v, "10.0.1.0/24", "us-east-1a", "app-a").Subnet.SubnetId;
let db_a = vpc::create_subnet(v, "10.0.2.0/24", "us-east-1a", "db-a").Subnet.SubnetId;
let rt_pub = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;
vpc::create_route(rt_pub, "0.0.0.0/0", igw);
vpc::associate_route_table(#{ RouteTableId: rt_pub, SubnetId: pub_a });
let nat = vpc::create_nat_gateway(#{ SubnetId: pub_a, AllocationId: vpc::allocate_address().AllocationId }).NatGateway.NatGatewayId;
let rt_app = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;
vpc::create_route(rt_app, "0.0.0.0/0", nat);
vpc::associate_route_table(#{ RouteTableId: rt_app, SubnetId: app_a });
let rt_db = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;
vpc::associate_route_table(#{ RouteTableId: rt_db, SubnetId: db_a });
let web = vpc::create_security_group(v, "web", "web tier").GroupId;
vpc::authorize_security_group_ingress(web, "tcp", 443, "0.0.0.0/0");
let app = vpc::create_security_group(v, "app", "app tier").GroupId;
vpc::authorize_security_group_ingress(app, "tcp", 8080, web);
let db = vpc::create_security_group(v, "db", "db tier").GroupId;
vpc::authorize_security_group_ingress(db, "tcp", 5432, app);
let web1 = vpc::run_instances(#{ NetworkInterfaces: [#{ DeviceIndex: 0, SubnetId: pub_a, Groups: [web], AssociatePublicIpAddress: true }] }).Instances[0].InstanceId;
let app1 = vpc::run_instances(app_a, [app]).Instances[0].InstanceId;
let db1 = vpc::run_instances(db_a, [db]).Instances[0].InstanceId;
fn verdict(r) { if r.Reachable { "reachable" } else { r.BlockedBy.ExplanationCode + " at " + r.BlockedBy.Type + " (" + r.BlockedBy.Direction + ")" } }
"#;

fn verdicts(extra: &str, checks: &str) -> Value {
    run(&format!("{THREE_TIER}\n{extra}\n[{checks}]"))
}

#[test]
fn three_tier_reachability_succeeds_and_fails_for_the_right_reason() {
    let r = verdicts(
        "",
        r#"verdict(vpc::reachable("internet", web1, "tcp", 443)),
           verdict(vpc::reachable("internet", web1, "tcp", 22)),
           verdict(vpc::reachable(web1, app1, "tcp", 8080)),
           verdict(vpc::reachable(web1, db1, "tcp", 5432)),
           verdict(vpc::reachable(app1, db1, "tcp", 5432)),
           verdict(vpc::reachable(app1, "internet", "tcp", 443)),
           verdict(vpc::reachable(db1, "internet", "tcp", 443)),
           verdict(vpc::reachable("internet", app1, "tcp", 8080)),
           verdict(vpc::reachable(igw, web1, "tcp", 443)),
           verdict(vpc::reachable(web1, "internet", "udp", 53))"#,
    );
    assert_eq!(
        r,
        serde_json::json!([
            "reachable",
            "ENI_SG_RULES_MISMATCH at security group (forward)",
            "reachable",
            "ENI_SG_RULES_MISMATCH at security group (forward)",
            "reachable",
            "reachable",
            "NO_ROUTE_TO_DESTINATION at route table (forward)",
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS at internet gateway (forward)",
            "reachable",
            "reachable"
        ])
    );
}

#[test]
fn a_path_names_each_rule_that_decided() {
    let r = run(&format!(
        r#"{THREE_TIER}
        let p = vpc::reachable(app1, "internet", "tcp", 443).Path;
        p.map(|h| h.Direction + " " + h.Type + " " + h.Decision)"#
    ));
    let hops: Vec<&str> = r.as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert_eq!(
        hops,
        [
            "forward instance pass",
            "forward security group allow",
            "forward network ACL allow",
            "forward route table route",
            "forward network ACL allow",
            "forward NAT gateway pass",
            "forward route table route",
            "forward network ACL allow",
            "forward internet gateway pass",
            "forward internet pass",
            "return network ACL allow",
            "return NAT gateway pass",
            "return network ACL allow",
            "return network ACL allow",
            "return security group allow",
        ]
    );
    let r = run(&format!(
        r#"{THREE_TIER}
        let r = vpc::reachable("internet", web1, "tcp", 443);
        [r.Path.filter(|h| h.Type == "security group" && h.Direction == "forward")[0].Detail, r.Path.filter(|h| h.Type == "route table")[0].Detail]"#
    ));
    assert!(r[0].as_str().unwrap().starts_with("web: sgr-") && r[0].as_str().unwrap().ends_with("tcp 443 from 0.0.0.0/0"), "{r}");
    assert!(r[1].as_str().unwrap().starts_with("203.0.113.10 matches 0.0.0.0/0 -> igw-"), "{r}");
}

#[test]
fn network_acls_are_stateless_and_ordered() {
    // [VPC-ARCH] vpc-network-acls.md: "responses to allowed inbound traffic are subject to the
    // rules for outbound traffic"; rules are evaluated "starting with the lowest numbered rule".
    let acl = r#"let acl = vpc::create_network_acl(#{ VpcId: v }).NetworkAcl.NetworkAclId;
        vpc::create_network_acl_entry(acl, 100, "inbound", "allow", "tcp", "443", "0.0.0.0/0");
        vpc::create_network_acl_entry(acl, 100, "outbound", "allow", "tcp", "443", "0.0.0.0/0");
        vpc::associate_network_acl(acl, pub_a);"#;
    let r = verdicts(
        acl,
        r#"verdict(vpc::reachable("internet", web1, "tcp", 443)),
           vpc::reachable("internet", web1, "tcp", 443).BlockedBy.Explanation"#,
    );
    assert_eq!(r[0], "SUBNET_ACL_RESTRICTION at network ACL (return)");
    assert!(r[1].as_str().unwrap().contains("does not allow outbound tcp ports 1024-65535 to 203.0.113.10 (return traffic"), "{r}");
    let with_ephemeral = format!("{acl}\nvpc::create_network_acl_entry(acl, 110, \"outbound\", \"allow\", \"tcp\", \"1024-65535\", \"0.0.0.0/0\");");
    let r = verdicts(
        &with_ephemeral,
        r#"verdict(vpc::reachable("internet", web1, "tcp", 443)),
           verdict(vpc::reachable(#{ Source: "internet", Destination: web1, Protocol: "tcp", Port: 443, EphemeralPorts: "32768-60999" }))"#,
    );
    assert_eq!(r, serde_json::json!(["reachable", "reachable"]));
    // A lower-numbered deny wins over a later allow.
    let deny = format!("{with_ephemeral}\nvpc::create_network_acl_entry(acl, 90, \"inbound\", \"deny\", \"tcp\", \"443\", \"203.0.113.0/24\");");
    let r = verdicts(&deny, r#"verdict(vpc::reachable("internet", web1, "tcp", 443)), vpc::reachable("internet", web1, "tcp", 443).BlockedBy.Component == acl, verdict(vpc::reachable("198.51.100.7", web1, "tcp", 443))"#);
    assert_eq!(r, serde_json::json!(["SUBNET_ACL_RESTRICTION at network ACL (forward)", true, "reachable"]));
    // A new network ACL denies everything; traffic inside one subnet never meets an ACL.
    let r = verdicts(
        r#"let deny_all = vpc::create_network_acl(#{ VpcId: v }).NetworkAcl.NetworkAclId;
           vpc::associate_network_acl(deny_all, app_a);
           let app2 = vpc::run_instances(app_a, [app, web]).Instances[0].InstanceId;"#,
        r#"verdict(vpc::reachable(web1, app1, "tcp", 8080)), verdict(vpc::reachable(app2, app1, "tcp", 8080))"#,
    );
    assert_eq!(r, serde_json::json!(["SUBNET_ACL_RESTRICTION at network ACL (forward)", "reachable"]));
}

#[test]
fn public_needs_a_public_ip_and_an_igw_route() {
    let r = verdicts(
        r#"let no_ip = vpc::run_instances(pub_a, [web]).Instances[0].InstanceId;
           let stray = vpc::run_instances(#{ NetworkInterfaces: [#{ DeviceIndex: 0, SubnetId: app_a, Groups: [web], AssociatePublicIpAddress: true }] }).Instances[0].InstanceId;"#,
        r#"verdict(vpc::reachable("internet", no_ip, "tcp", 443)),
           verdict(vpc::reachable(no_ip, "internet", "tcp", 443)),
           verdict(vpc::reachable("internet", stray, "tcp", 443))"#,
    );
    assert_eq!(
        r,
        serde_json::json!([
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS at internet gateway (forward)",
            "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS at internet gateway (forward)",
            "NO_ROUTE_TO_DESTINATION at route target (return)"
        ])
    );
}

#[test]
fn deleted_targets_become_blackholes() {
    let r = verdicts(
        "vpc::delete_nat_gateway(#{ NatGatewayId: nat });",
        r#"verdict(vpc::reachable(app1, "internet", "tcp", 443)),
           vpc::describe_route_tables(#{ RouteTableIds: [rt_app] }).RouteTables[0].Routes[1].State"#,
    );
    assert_eq!(r, serde_json::json!(["BAD_STATE_ROUTE at route table (forward)", "blackhole"]));
}

#[test]
fn peering_is_not_transitive() {
    // [VPC-ARCH] VPC_Route_Tables.md longest-prefix example and peering's no-transit rule.
    let peering = r#"
        let b = vpc::create_vpc("10.1.0.0/16").Vpc.VpcId;
        let c = vpc::create_vpc("10.2.0.0/16").Vpc.VpcId;
        let sb = vpc::create_subnet(b, "10.1.0.0/24", "us-east-1a").Subnet.SubnetId;
        let sc = vpc::create_subnet(c, "10.2.0.0/24", "us-east-1a").Subnet.SubnetId;
        let gb = vpc::create_security_group(b, "b", "b").GroupId;
        vpc::authorize_security_group_ingress(gb, "tcp", 22, "10.0.0.0/16");
        let gc = vpc::create_security_group(c, "c", "c").GroupId;
        vpc::authorize_security_group_ingress(gc, "tcp", 22, "10.0.0.0/8");
        let hb = vpc::run_instances(sb, [gb]).Instances[0].InstanceId;
        let hc = vpc::run_instances(sc, [gc]).Instances[0].InstanceId;
        let ab = vpc::create_vpc_peering_connection(#{ VpcId: v, PeerVpcId: b }).VpcPeeringConnection.VpcPeeringConnectionId;
        vpc::accept_vpc_peering_connection(#{ VpcPeeringConnectionId: ab });
        let bc = vpc::create_vpc_peering_connection(#{ VpcId: b, PeerVpcId: c }).VpcPeeringConnection.VpcPeeringConnectionId;
        vpc::accept_vpc_peering_connection(#{ VpcPeeringConnectionId: bc });
        let before = verdict(vpc::reachable(app1, hb, "tcp", 22));
        vpc::create_route(rt_app, "10.1.0.0/16", ab);
        let main_b = vpc::describe_route_tables(#{ Filters: [#{ Name: "vpc-id", Values: [b] }] }).RouteTables[0].RouteTableId;
        let one_way = verdict(vpc::reachable(app1, hb, "tcp", 22));
        vpc::create_route(main_b, "10.0.0.0/16", ab);
        vpc::create_route(main_b, "10.2.0.0/16", bc);
        vpc::create_route(rt_app, "10.2.0.0/16", ab);
    "#;
    let r = verdicts(
        peering,
        r#"before, one_way, verdict(vpc::reachable(app1, hb, "tcp", 22)), verdict(vpc::reachable(app1, hc, "tcp", 22)),
           vpc::describe_route_tables(#{ RouteTableIds: [rt_app] }).RouteTables[0].Routes.map(|r| r.DestinationCidrBlock)"#,
    );
    assert_eq!(r[0], "NO_ROUTE_TO_DESTINATION at route target (forward)");
    assert_eq!(r[1], "NO_ROUTE_TO_DESTINATION at route table (return)");
    assert_eq!(r[2], "reachable");
    assert_eq!(r[3], "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR at peering connection (forward)");
    // Longest prefix: 10.1.0.0/16 and 10.2.0.0/16 go to the peering, the rest to the NAT gateway.
    assert_eq!(r[4], serde_json::json!(["10.0.0.0/16", "0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16"]));
    // Overlapping VPCs cannot be peered.
    let r = verdicts(
        r#"let o = vpc::create_vpc("10.0.128.0/17").Vpc.VpcId;"#,
        r#"vpc::create_vpc_peering_connection(#{ VpcId: v, PeerVpcId: o }).VpcPeeringConnection.Status.Code"#,
    );
    assert_eq!(r[0], "failed");
}

#[test]
fn planner_and_cidr_helpers() {
    let r = run(
        r#"let p = vpc::plan(#{ Cidr: "10.16.0.0/16" });
        [p.SubnetPrefix, p.Subnets.len(), p.Subnets[3].Name, p.Subnets[3].Cidr, p.Subnets[3].AvailabilityZone, p.Subnets[15].Spare, p.Left, p.AwsReservedAddresses,
         vpc::plan(#{ Cidr: "10.16.0.0/18", AvailabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"], Tiers: ["reserved", "db", "app", "web"], Spare: 1 }).Subnets[1].Cidr,
         vpc::split("10.16.0.0/16", 18), vpc::summarize(["10.0.0.0/24", "10.0.1.0/24"]), vpc::overlaps("10.0.0.0/16", "10.0.200.0/24"), vpc::overlaps("10.0.0.0/16", "10.1.0.0/16")]"#,
    );
    assert_eq!(r[0], 20);
    assert_eq!(r[1], 16);
    assert_eq!(r[2], "sn-web-A");
    assert_eq!(r[3], "10.16.48.0/20");
    assert_eq!(r[4], "us-east-1a");
    assert_eq!(r[5], true);
    assert_eq!(r[6], serde_json::json!(["10.16.192.0/18"]));
    assert_eq!(r[7], 60);
    assert_eq!(r[8], "10.16.4.0/22");
    assert_eq!(r[9], serde_json::json!(["10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18", "10.16.192.0/18"]));
    assert_eq!(r[10], serde_json::json!(["10.0.0.0/23"]));
    assert_eq!((r[11].as_bool(), r[12].as_bool()), (Some(true), Some(false)));
    let r = run(
        r#"let p = vpc::plan(#{ Cidr: "10.16.0.0/16" });
        let existing = vpc::create_vpc("10.16.0.0/20", "legacy").Vpc.VpcId;
        let c = vpc::check_plan(p, [#{ Name: "on-premises", Cidr: "192.168.10.0/24" }, existing]);
        [c.Ok, c.Conflicts.map(|x| x.PlannedName + " vs " + x.AvoidName), vpc::check_plan("10.17.0.0/16", ["192.168.0.0/16"]).Ok]"#,
    );
    assert_eq!(r, serde_json::json!([false, ["VPC vs legacy", "sn-reserved-A vs legacy"], true]));
    assert!(err("", r#"vpc::plan(#{ Cidr: "10.0.0.0/24", Tiers: ["a", "b", "c", "d", "e", "f", "g", "h"] })"#).contains("/28"));
    assert!(err("", r#"vpc::plan(#{ Cidr: "10.0.0.0/16", Bogus: 1 })"#).contains("unknown parameter `Bogus`"));
}

#[test]
fn every_call_is_audited_and_failures_change_nothing() {
    let r = run(&format!(
        r#"{VPC}
        let before = world::save();
        try {{ vpc::create_subnet(v, "10.0.0.0/30", "us-east-1a"); }} catch (e) {{ }}
        let after = world::save();
        let ev = world::trail(#{{ eventName: "CreateSubnet" }});
        let created = world::trail(#{{ eventName: "CreateVpc" }})[0];
        [ev.len(), ev[0].errorCode, ev[0].eventSource, created.resources[0].ARN.starts_with("arn:aws:ec2:us-east-1:111122223333:vpc/vpc-"),
         world::trail().filter(|e| e.eventSource == "ec2.amazonaws.com").len(), before.len() < after.len()]"#
    ));
    assert_eq!(r[0], 1);
    assert_eq!(r[1], "InvalidSubnet.Range");
    assert_eq!(r[2], "ec2.amazonaws.com");
    assert_eq!(r[3], true);
    assert_eq!(r[4], 2);
    // The only thing the failed call added is its audit event: compare VPC state directly.
    let (engine, shared) = new_engine();
    run_on(&engine, VPC);
    let before = serde_json::to_value(&shared.lock().vpc).unwrap();
    let _ = engine.eval::<rhai::Dynamic>(r#"let v = vpc::describe_vpcs().Vpcs[1].VpcId; vpc::create_subnet(v, "10.9.0.0/24", "us-east-1a")"#);
    assert_eq!(serde_json::to_value(&shared.lock().vpc).unwrap(), before);
}

#[test]
fn callers_without_permission_are_refused_and_audited() {
    let r = run(
        r#"let r = "";
        try { as_principal("anonymous", || vpc::create_vpc("10.9.0.0/16")); } catch (e) { r = e.Code; }
        [r, world::trail(#{ eventName: "CreateVpc" })[0].errorCode, vpc::describe_vpcs().Vpcs.len()]"#,
    );
    assert_eq!(r, serde_json::json!(["UnauthorizedOperation", "UnauthorizedOperation", 1]));
}

#[test]
fn save_load_round_trip_loses_nothing_and_runs_are_deterministic() {
    let (engine, shared) = new_engine();
    let before = run_on(&engine, &format!("{THREE_TIER}\nvpc::reachable(app1, \"internet\", \"tcp\", 443)"));
    let saved = shared.lock().save();
    let (engine2, shared2) = new_engine();
    shared2.lock().load(saved.clone()).unwrap();
    assert_eq!(shared2.lock().save(), saved);
    let vars = r#"let app1 = vpc::describe_instances(#{ Filters: [#{ Name: "subnet-id", Values: [vpc::describe_subnets(#{ Filters: [#{ Name: "tag:Name", Values: ["app-a"] }] }).Subnets[0].SubnetId] }] }).Reservations[0].Instances[0].InstanceId;"#;
    let after = run_on(&engine2, &format!("{vars}\nvpc::reachable(app1, \"internet\", \"tcp\", 443)"));
    assert_eq!(before, after);
    // Same script, same world, byte for byte.
    let (engine3, shared3) = new_engine();
    run_on(&engine3, &format!("{THREE_TIER}\nvpc::reachable(app1, \"internet\", \"tcp\", 443)"));
    assert_eq!(serde_json::to_string(&shared3.lock().save()).unwrap(), serde_json::to_string(&saved).unwrap());
}

#[test]
fn iam_policies_decide_ec2_actions() {
    // Every operation authorizes `ec2:<Operation>` through the one authorizer: an identity
    // policy allows, no policy denies implicitly, an explicit deny wins.
    let pre = r#"
        iam::create_user("alice");
        iam::put_user_policy(#{ UserName: "alice", PolicyName: "net", PolicyDocument: `{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["ec2:CreateVpc","ec2:Describe*","ec2:DeleteVpc"],"Resource":"*"},
            {"Effect":"Deny","Action":"ec2:DeleteVpc","Resource":"*"}]}` });
        let v = as_principal("alice", || vpc::create_vpc("10.0.0.0/16").Vpc.VpcId);"#;
    assert_eq!(err(pre, r#"as_principal("alice", || vpc::describe_vpcs(#{ VpcIds: [v] }))"#), "no error");
    let e = err(pre, r#"as_principal("alice", || vpc::create_subnet(v, "10.0.0.0/24", "us-east-1a"))"#);
    assert_eq!(
        e,
        "UnauthorizedOperation: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: ec2:CreateSubnet on resource: arn:aws:ec2:us-east-1:111122223333:subnet/* because no identity-based policy allows the ec2:CreateSubnet action"
    );
    let e = err(pre, r#"as_principal("alice", || vpc::delete_vpc(#{ VpcId: v }))"#);
    assert!(e.starts_with("UnauthorizedOperation: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:us-east-1:111122223333:vpc/vpc-"), "{e}");
    assert!(e.ends_with("with an explicit deny in an identity-based policy"), "{e}");
    // A refused call changes nothing: the VPC is still there.
    assert_eq!(run(&format!("{pre}\ntry {{ as_principal(\"alice\", || vpc::delete_vpc(#{{ VpcId: v }})); }} catch (e) {{}}\nvpc::describe_vpcs(#{{ VpcIds: [v] }}).Vpcs.len()")), 1);
}

/// The notebook's code cells, run in order in one scope (as the kernel runs them): it must
/// run clean, and its conclusions must hold.
#[test]
fn the_subnet_planning_notebook_runs_and_says_what_it_claims() {
    let nb: Value = serde_json::from_str(include_str!("../../../notebooks/vpc-subnet-planning.ipynb")).unwrap();
    let (engine, _) = new_engine();
    let mut scope = rhai::Scope::new();
    let mut out = Vec::new();
    for cell in nb["cells"].as_array().unwrap().iter().filter(|c| c["cell_type"] == "code") {
        let src: String = cell["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        match engine.eval_with_scope::<rhai::Dynamic>(&mut scope, &src) {
            Ok(v) => out.push(dynamic_to_json(&v)),
            Err(e) => panic!("notebook cell failed: {e}\n{src}"),
        }
    }
    let outcomes: Vec<&str> = out[0].as_array().unwrap().iter().map(|a| a["Outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid.", "created", "created", "InvalidVpc.Range: The CIDR '10.16.0.0/29' is invalid."]);
    assert_eq!(out[2].as_array().unwrap().len(), 16);
    assert_eq!(out[3]["AwsReserved"], 60);
    assert_eq!(out[7][0]["ClashesWith"], "legacy");
    assert_eq!(out[8], true);
    assert_eq!(out[11]["FirstInstance"], "10.16.48.4");
    let reachable: Vec<bool> = out[17].as_array().unwrap().iter().map(|r| r["Reachable"].as_bool().unwrap()).collect();
    assert_eq!(reachable, [true, false, true, false, true, true, false, false]);
    assert_eq!((out[18]["Reachable"].as_bool(), out[18]["Direction"].as_str()), (Some(false), Some("return")));
    assert_eq!(out[19], serde_json::json!({ "InternetToWeb": true, "AppToInternet": true }));
}

#[test]
fn public_addresses_dns_names_and_elastic_ips() {
    // [VPC-ARCH] vpc-dns.md: public DNS hostnames only when both DNS attributes are on;
    // the us-east-1 form is ec2-<ip-dashed>.compute-1.amazonaws.com.
    let pre = format!(
        r#"{VPC}
        let igw = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;
        vpc::attach_internet_gateway(#{{ InternetGatewayId: igw, VpcId: v }});
        let s = vpc::create_subnet(v, "10.0.0.0/24", "us-east-1a").Subnet.SubnetId;
        vpc::modify_subnet_attribute(#{{ SubnetId: s, MapPublicIpOnLaunch: #{{ Value: true }} }});
        let i = vpc::run_instances(s, []).Instances[0];"#
    );
    let r = run(&format!(
        r#"{pre}
        let off = vpc::describe_instances(#{{ InstanceIds: [i.InstanceId] }}).Reservations[0].Instances[0].PublicDnsName;
        vpc::modify_vpc_attribute(#{{ VpcId: v, EnableDnsHostnames: true }});
        let on = vpc::describe_instances(#{{ InstanceIds: [i.InstanceId] }}).Reservations[0].Instances[0];
        let eip = vpc::allocate_address();
        vpc::associate_address(#{{ AllocationId: eip.AllocationId, InstanceId: i.InstanceId }});
        let dashed = on.PublicIpAddress;
        dashed.replace(".", "-");
        let now = vpc::describe_instances(#{{ InstanceIds: [i.InstanceId] }}).Reservations[0].Instances[0].PublicIpAddress;
        [i.PublicIpAddress != (), off, on.PublicDnsName == "ec2-" + dashed + ".compute-1.amazonaws.com", i.PrivateDnsName, now == eip.PublicIp]"#
    ));
    assert_eq!(r, serde_json::json!([true, "", true, "ip-10-0-0-4.ec2.internal", true]));
    let e = err(&pre, "vpc::detach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v })");
    assert!(e.starts_with("DependencyViolation: Network vpc-") && e.ends_with("has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."), "{e}");
    let assoc = format!("{pre}\nlet eip = vpc::allocate_address();\nlet a = vpc::associate_address(#{{ AllocationId: eip.AllocationId, InstanceId: i.InstanceId }}).AssociationId;");
    assert!(err(&assoc, "vpc::release_address(#{ AllocationId: eip.AllocationId })").starts_with("InvalidIPAddress.InUse:"));
    assert_eq!(err(&assoc, "vpc::disassociate_address(#{ AssociationId: a }); vpc::release_address(#{ AllocationId: eip.AllocationId })"), "no error");
    // Quota: 5 Elastic IPs per Region.
    assert_eq!(err("", "for n in 0..6 { vpc::allocate_address(); }"), "AddressLimitExceeded: The maximum number of addresses has been reached.");
}

#[test]
fn egress_only_gateways_filters_and_parameters() {
    let pre = r#"let v = vpc::create_vpc(#{ CidrBlock: "10.0.0.0/16", AmazonProvidedIpv6CidrBlock: true }).Vpc.VpcId;
        let eigw = vpc::create_egress_only_internet_gateway(#{ VpcId: v }).EgressOnlyInternetGateway.EgressOnlyInternetGatewayId;
        let rt = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;"#;
    assert_eq!(err(pre, r#"vpc::create_route(rt, "::/0", eigw)"#), "no error");
    assert!(err(pre, r#"vpc::create_route(rt, "0.0.0.0/0", eigw)"#).contains("IPv6 traffic only"));
    assert_eq!(err(pre, r#"vpc::describe_vpcs(#{ Filters: [#{ Name: "bogus", Values: ["x"] }] })"#), "InvalidParameterValue: The filter 'bogus' is invalid");
    assert!(err(pre, r#"vpc::create_vpc(#{ CidrBlock: "10.0.0.0/16", Cidr: "x" })"#).contains("unknown parameter `Cidr`"));
    assert!(err(pre, r#"vpc::create_subnet(#{ VpcId: v })"#).contains("missing required parameter `CidrBlock`"));
    let r = run(&format!(r#"{pre} vpc::describe_vpcs(#{{ Filters: [#{{ Name: "cidr", Values: ["10.0.*"] }}] }}).Vpcs.map(|x| x.VpcId == v)"#));
    assert_eq!(r, serde_json::json!([true]));
}

#[test]
fn instances_in_unpeered_vpcs_meet_over_the_internet() {
    // Without peering, two VPCs talk through their internet gateways, public address to
    // public address: both ends' gateways, ACLs and groups appear in the path.
    let r = run(&format!(
        r#"{THREE_TIER}
        let w = vpc::create_vpc("10.50.0.0/16").Vpc.VpcId;
        let wg = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;
        vpc::attach_internet_gateway(#{{ InternetGatewayId: wg, VpcId: w }});
        let ws = vpc::create_subnet(w, "10.50.0.0/24", "us-east-1b").Subnet.SubnetId;
        let main = vpc::describe_route_tables(#{{ Filters: [#{{ Name: "vpc-id", Values: [w] }}] }}).RouteTables[0].RouteTableId;
        vpc::create_route(main, "0.0.0.0/0", wg);
        let g = vpc::create_security_group(w, "api", "api").GroupId;
        vpc::authorize_security_group_ingress(g, "tcp", 443, "0.0.0.0/0");
        let api = vpc::run_instances(#{{ NetworkInterfaces: [#{{ DeviceIndex: 0, SubnetId: ws, Groups: [g], AssociatePublicIpAddress: true }}] }}).Instances[0].InstanceId;
        let r = vpc::reachable(app1, api, "tcp", 443);
        let gws = r.Path.filter(|h| h.Type == "internet gateway").map(|h| h.Component);
        let blocked = vpc::reachable(app1, api, "tcp", 22);
        [r.Reachable, gws.contains(igw), gws.contains(wg), r.Path.some(|h| h.Type == "NAT gateway"), blocked.BlockedBy.Component == g]
        "#
    ));
    assert_eq!(r, serde_json::json!([true, true, true, true, true]));
}

#[test]
fn not_found_messages_match_ec2() {
    assert_eq!(err("", r#"vpc::delete_nat_gateway(#{ NatGatewayId: "nat-0f23ac5d3265a98ff" })"#), "NatGatewayNotFound: NAT gateway nat-0f23ac5d3265a98ff was not found");
    assert_eq!(err("", r#"vpc::delete_subnet(#{ SubnetId: "subnet-04c3d15c" })"#), "InvalidSubnetID.NotFound: The subnet ID 'subnet-04c3d15c' does not exist");
    assert_eq!(err("", r#"vpc::delete_security_group(#{ GroupId: "sg-8b3b99f3" })"#), "InvalidGroup.NotFound: The security group 'sg-8b3b99f3' does not exist");
    assert_eq!(err("", r#"vpc::delete_route_table(#{ RouteTableId: "rtb-1" })"#), "InvalidRouteTableID.NotFound: The routeTable ID 'rtb-1' does not exist");
}
