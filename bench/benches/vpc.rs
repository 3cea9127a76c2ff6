//! VPC figures: the subnet planner, one reachability analysis (native and from a script),
//! and a network ACL evaluation over the whole ephemeral port range.
//!
//! `cargo bench -p cloudbook-bench --bench vpc`

use std::time::Duration;

use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::vpc::{cidr, reach};
use cloudbook_stdlib::{World, new_shared, register_all};

const THREE_TIER: &str = r#"
let v = vpc::create_vpc("10.0.0.0/16", "three-tier").Vpc.VpcId;
let igw = vpc::create_internet_gateway().InternetGateway.InternetGatewayId;
vpc::attach_internet_gateway(#{ InternetGatewayId: igw, VpcId: v });
let pub_a = vpc::create_subnet(v, "10.0.0.0/24", "us-east-1a", "web-a").Subnet.SubnetId;
let app_a = vpc::create_subnet(v, "10.0.1.0/24", "us-east-1a", "app-a").Subnet.SubnetId;
let rt_pub = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;
vpc::create_route(rt_pub, "0.0.0.0/0", igw);
vpc::associate_route_table(#{ RouteTableId: rt_pub, SubnetId: pub_a });
let nat = vpc::create_nat_gateway(#{ SubnetId: pub_a, AllocationId: vpc::allocate_address().AllocationId }).NatGateway.NatGatewayId;
let rt_app = vpc::create_route_table(#{ VpcId: v }).RouteTable.RouteTableId;
vpc::create_route(rt_app, "0.0.0.0/0", nat);
vpc::associate_route_table(#{ RouteTableId: rt_app, SubnetId: app_a });
let app = vpc::create_security_group(v, "app", "app tier").GroupId;
let app1 = vpc::run_instances(app_a, [app]).Instances[0].InstanceId;
app1
"#;

fn main() {
    let budget = Duration::from_secs(2);

    let req = cidr::PlanRequest {
        cidr: "10.16.0.0/16".parse().unwrap(),
        azs: vec!["us-east-1a".into(), "us-east-1b".into(), "us-east-1c".into()],
        tiers: ["reserved", "db", "app", "web"].iter().map(|s| s.to_string()).collect(),
        spare_azs: 1,
        subnet_prefix: None,
        prefix: "sn".into(),
    };
    let (n, d) = run_for(budget, || {
        std::hint::black_box(cidr::plan(std::hint::black_box(&req)).unwrap());
    });
    report("vpc_plan_a4l_16_subnets", rate(n, d), "plans/s");

    let mut engine = rhai::Engine::new();
    engine.set_max_expr_depths(0, 0);
    let shared = new_shared(World::default());
    register_all(&mut engine, &shared);
    let app1: String = engine.eval(THREE_TIER).unwrap();
    let analysis = reach::ReachableRequest {
        source: app1.clone(),
        destination: "internet".into(),
        protocol: Some("tcp".into()),
        port: Some(443),
        ephemeral_ports: None,
    };
    let world = shared.lock().clone();
    let net = world.vpc.regions.values().next().unwrap();
    let (n, d) = run_for(budget, || {
        let r = reach::analyze(std::hint::black_box(net), &analysis).unwrap();
        assert!(r.reachable);
    });
    report("vpc_reachability_native_instance_to_internet_via_nat", rate(n, d), "analyses/s");

    let script = format!(r#"vpc::reachable("{app1}", "internet", "tcp", 443).Reachable"#);
    let ast = engine.compile(&script).unwrap();
    let (n, d) = run_for(budget, || {
        assert!(engine.eval_ast::<bool>(&ast).unwrap());
    });
    report("vpc_reachability_script_call_audited", rate(n, d), "calls/s");

    let acl = net.network_acls.values().next().unwrap();
    let (n, d) = run_for(budget, || {
        std::hint::black_box(acl.evaluate(true, cloudbook_stdlib::vpc::model::TCP, "203.0.113.10".parse().unwrap(), 1024, 65535));
    });
    report("vpc_nacl_evaluate_ephemeral_range", rate(n, d), "evaluations/s");
}
