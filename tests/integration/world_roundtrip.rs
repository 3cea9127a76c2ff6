//! World safety (issue 10): `world::save()` / `world::load()` lose nothing. Random sequences
//! of operations across services (IAM users, policies and access keys; KMS keys, encrypt,
//! scheduled deletion; S3 buckets and objects; Route 53 zones and records; VPCs and
//! subnets; clock advances that run the services' timers) build a world; it is saved,
//! loaded into a fresh session, and must re-save to identical JSON, answer the same queries
//! identically, and go on identically (the clock and the random stream are part of it).

use cloudbook_kernel::session::{Session, spawn_engine_thread};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    CreateUser(u8),
    CreateAccessKey(u8),
    CreatePolicy(u8),
    AttachPolicy(u8, u8),
    CreateKey,
    Encrypt(u8),
    ScheduleDeletion(u8),
    CreateBucket(u8),
    PutObject(u8, u8),
    DeleteObject(u8, u8),
    CreateZone(u8),
    AddRecord(u8, u8),
    CreateVpc,
    CreateSubnet(u8, u8),
    Advance(u16),
}

fn op() -> impl Strategy<Value = Op> {
    let n = 0u8..4;
    prop_oneof![
        n.clone().prop_map(Op::CreateUser),
        n.clone().prop_map(Op::CreateAccessKey),
        n.clone().prop_map(Op::CreatePolicy),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::AttachPolicy(a, b)),
        Just(Op::CreateKey),
        n.clone().prop_map(Op::Encrypt),
        n.clone().prop_map(Op::ScheduleDeletion),
        n.clone().prop_map(Op::CreateBucket),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::PutObject(a, b)),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::DeleteObject(a, b)),
        n.clone().prop_map(Op::CreateZone),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::AddRecord(a, b)),
        Just(Op::CreateVpc),
        (n.clone(), n.clone()).prop_map(|(a, b)| Op::CreateSubnet(a, b)),
        (1u16..20_000).prop_map(Op::Advance),
    ]
}

/// The op as a statement. Failures (duplicates, missing resources) are part of the test:
/// they are caught so the sequence goes on, and they must not disturb the round trip.
fn script(op: &Op) -> String {
    let stmt = match op {
        Op::CreateUser(i) => format!("iam::create_user(#{{ UserName: \"u{i}\" }})"),
        Op::CreateAccessKey(i) => format!("iam::create_access_key(#{{ UserName: \"u{i}\" }})"),
        Op::CreatePolicy(i) => format!(
            "policies.push(iam::create_policy(#{{ PolicyName: \"p{i}\", PolicyDocument: #{{ Version: \"2012-10-17\", Statement: [#{{ Effect: \"Allow\", Action: \"s3:GetObject\", Resource: \"arn:aws:s3:::b{i}/*\" }}] }} }}).Policy.Arn)"
        ),
        Op::AttachPolicy(u, p) => format!(
            "iam::attach_user_policy(#{{ UserName: \"u{u}\", PolicyArn: policies[{p} % policies.len()] }})"
        ),
        Op::CreateKey => "keys.push(kms::create_key().KeyMetadata.KeyId)".to_string(),
        Op::Encrypt(i) => format!("kms::encrypt(#{{ KeyId: keys[{i} % keys.len()], Plaintext: \"secret {i}\" }})"),
        Op::ScheduleDeletion(i) => format!("kms::schedule_key_deletion(#{{ KeyId: keys[{i} % keys.len()], PendingWindowInDays: 7 }})"),
        Op::CreateBucket(i) => format!("s3::create_bucket(#{{ Bucket: \"roundtrip-b{i}\" }})"),
        Op::PutObject(b, k) => format!("s3::put_object(#{{ Bucket: \"roundtrip-b{b}\", Key: \"k{k}\", Body: \"body {b} {k}\" }})"),
        Op::DeleteObject(b, k) => format!("s3::delete_object(#{{ Bucket: \"roundtrip-b{b}\", Key: \"k{k}\" }})"),
        Op::CreateZone(i) => format!("zones.push(route53::create_hosted_zone(#{{ Name: \"z{i}.example.com\", CallerReference: `r{i}-${{zones.len()}}` }}).HostedZone.Id)"),
        Op::AddRecord(z, r) => format!(
            "route53::change_resource_record_sets(#{{ HostedZoneId: zones[{z} % zones.len()], ChangeBatch: #{{ Changes: [#{{ Action: \"UPSERT\", ResourceRecordSet: #{{ Name: `www{r}.${{route53::get_hosted_zone(#{{ Id: zones[{z} % zones.len()] }}).HostedZone.Name}}`, Type: \"A\", TTL: 300, ResourceRecords: [#{{ Value: \"192.0.2.{r}\" }}] }} }}] }} }})"
        ),
        Op::CreateVpc => "vpcs.push(vpc::create_vpc(#{ CidrBlock: `10.${vpcs.len()}.0.0/16` }).Vpc.VpcId)".to_string(),
        Op::CreateSubnet(v, s) => format!("vpc::create_subnet(#{{ VpcId: vpcs[{v} % vpcs.len()], CidrBlock: `10.${{{v} % vpcs.len()}}.{s}.0/24` }})"),
        Op::Advance(minutes) => format!("clock::advance(\"{minutes}m\")"),
    };
    format!("try {{ {stmt}; }} catch (e) {{ failures += 1; }}")
}

const QUERY: &str = r#"[
    iam::list_users(), iam::list_policies(#{ Scope: "Local" }), kms::list_keys(), s3::list_buckets(),
    route53::list_hosted_zones(), vpc::describe_vpcs(), vpc::describe_subnets(), clock::now(),
    kms::create_key().KeyMetadata.KeyId
]"#;

/// Runs the ops, then returns (saved JSON, the query's answer, the failure count) from the
/// original, and (re-saved JSON, the query's answer) from a fresh session that loaded it.
fn round_trip(ops: Vec<Op>) -> (String, String, String, String, i64) {
    spawn_engine_thread("roundtrip", move || {
        let mut a = Session::new();
        let setup = a.execute("let keys = []; let zones = []; let vpcs = []; let policies = []; let failures = 0;", true, Box::new(|_| {}));
        assert!(setup.error.is_none());
        let body: Vec<String> = ops.iter().map(script).collect();
        let r = a.execute(&body.join("\n"), true, Box::new(|_| {}));
        assert!(r.error.is_none(), "{:?}", r.error);
        let failures = a.execute("failures", true, Box::new(|_| {})).value.unwrap()["text/plain"].as_str().unwrap().parse().unwrap();
        let saved = a.shared().lock().save();
        let mut b = Session::new();
        b.shared().lock().load(saved.clone()).expect("a saved world loads");
        let resaved = b.shared().lock().save();
        let answer = |s: &mut Session| {
            let r = s.execute(QUERY, true, Box::new(|_| {}));
            assert!(r.error.is_none(), "{:?}", r.error);
            serde_json::to_string(&r.value.unwrap()).unwrap()
        };
        let (qa, qb) = (answer(&mut a), answer(&mut b));
        (saved.to_string(), resaved.to_string(), qa, qb, failures)
    })
    .join()
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn save_then_load_loses_nothing(ops in proptest::collection::vec(op(), 1..40)) {
        let (saved, resaved, qa, qb, failures) = round_trip(ops.clone());
        prop_assert!(saved == resaved, "load(save(w)) re-saves differently after {ops:?}");
        prop_assert_eq!(qa, qb, "the loaded world answers differently after {:?} ({} ops failed)", ops, failures);
    }
}

/// The generator reaches every service: one fixed sequence, checked to have built real state.
#[test]
fn a_fixed_sequence_builds_state_in_every_service() {
    use Op::*;
    let ops = vec![
        CreateUser(1), CreateAccessKey(1), CreatePolicy(1), AttachPolicy(1, 0), CreateKey, Encrypt(0), CreateBucket(1),
        PutObject(1, 1), PutObject(1, 2), DeleteObject(1, 2), CreateZone(1), AddRecord(0, 1), CreateVpc, CreateSubnet(0, 3),
        ScheduleDeletion(0), Advance(7 * 24 * 60 + 1),
    ];
    let (saved, resaved, qa, qb, failures) = round_trip(ops);
    assert_eq!(failures, 0, "every op of the fixed sequence succeeds");
    assert_eq!(saved, resaved);
    assert_eq!(qa, qb);
    let w: serde_json::Value = serde_json::from_str(&saved).unwrap();
    for needle in ["u1", "roundtrip-b1", "z1.example.com.", "www1.z1.example.com.", "10.0.0.0/16", "10.0.3.0/24"] {
        assert!(saved.contains(needle), "{needle} is in the saved world");
    }
    assert!(w["trail"]["events"].as_array().unwrap().len() >= 16);
}
