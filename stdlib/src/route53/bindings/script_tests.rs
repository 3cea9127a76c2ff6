//! The script surface, exercised through a real engine: every test runs Rhai the way a
//! notebook cell does and asserts on the AWS-shaped results.

use rhai::{Array, Dynamic, Engine};

use crate::script::convert::{as_aws_error, dynamic_to_json};
use crate::world::World;
use crate::{Shared, new_shared};

fn setup() -> (Engine, Shared) {
    let mut e = Engine::new();
    e.set_max_expr_depths(256, 256);
    let shared = new_shared(World::default());
    crate::register_all(&mut e, &shared);
    (e, shared)
}

fn engine() -> Engine {
    setup().0
}

fn run(e: &Engine, script: &str) -> Dynamic {
    e.eval::<Dynamic>(script).unwrap_or_else(|err| panic!("script failed: {err}\n{script}"))
}

fn json(e: &Engine, script: &str) -> serde_json::Value {
    dynamic_to_json(&run(e, script))
}

/// Runs `script`, expects it to throw an AWS error, returns (Code, Message).
fn err(e: &Engine, script: &str) -> (String, String) {
    let r = e.eval::<Dynamic>(script);
    let er = r.expect_err("expected an error");
    as_aws_error(&er).unwrap_or_else(|| panic!("not an AWS error: {er}"))
}

/// A registered domain with a few records; `z` is its zone id.
const DOMAIN: &str = r#"
let d = route53::register_domain("cloudbook-demo.com");
let z = d.HostedZoneId;
route53::upsert_record(z, "www.cloudbook-demo.com", "A", 300, "192.0.2.44");
route53::upsert_record(z, "cloudbook-demo.com", "MX", 3600, ["20 backup-mx.cloudbook-demo.com", "10 mail.cloudbook-demo.com"]);
route53::upsert_record(z, "mail.cloudbook-demo.com", "A", 600, "192.0.2.25");
route53::upsert_record(z, "backup-mx.cloudbook-demo.com", "A", 600, "192.0.2.26");
route53::upsert_record(z, "docs.cloudbook-demo.com", "CNAME", 60, "www.cloudbook-demo.com");
"#;

fn with_domain(script: &str) -> String {
    format!("{DOMAIN}\n{script}")
}

#[test]
fn create_hosted_zone_has_route53_defaults() {
    // Developer Guide, "NS and SOA records that Route 53 creates for a public hosted zone":
    // four name servers (one each in .com, .net, .org, .co.uk), SOA
    // "... awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" with TTL 900, NS TTL 172800.
    let e = engine();
    let v = json(
        &e,
        r#"let z = route53::create_hosted_zone(#{ Name: "Example.COM", CallerReference: "c1" });
           #{ z: z, recs: route53::list_resource_record_sets(z.HostedZone.Id).ResourceRecordSets }"#,
    );
    let z = &v["z"];
    let id = z["HostedZone"]["Id"].as_str().unwrap();
    assert!(id.starts_with("/hostedzone/Z") && id.len() == "/hostedzone/".len() + 21, "{id}");
    assert!(id["/hostedzone/Z".len()..].chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(z["HostedZone"]["Name"], "example.com.");
    assert_eq!(z["HostedZone"]["Config"]["PrivateZone"], false);
    assert_eq!(z["HostedZone"]["ResourceRecordSetCount"], 2);
    assert_eq!(z["ChangeInfo"]["Status"], "PENDING");
    assert!(z["ChangeInfo"]["Id"].as_str().unwrap().starts_with("/change/C"));
    let ns: Vec<&str> = z["DelegationSet"]["NameServers"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(ns.len(), 4);
    for (n, tld) in ns.iter().zip([".com", ".net", ".org", ".co.uk"]) {
        assert!(n.starts_with("ns-") && n.contains(".awsdns-") && n.ends_with(tld), "{n}");
    }
    let recs = v["recs"].as_array().unwrap();
    assert_eq!(recs[0]["Type"], "NS");
    assert_eq!(recs[0]["TTL"], 172800);
    assert_eq!(recs[0]["ResourceRecords"].as_array().unwrap().len(), 4);
    assert_eq!(recs[1]["Type"], "SOA");
    assert_eq!(recs[1]["TTL"], 900);
    assert_eq!(recs[1]["ResourceRecords"][0]["Value"], format!("{}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400", ns[0]));
}

#[test]
fn changes_go_insync_after_sixty_seconds() {
    let e = engine();
    let v = json(
        &e,
        r#"let z = route53::create_hosted_zone("example.com");
           let id = z.ChangeInfo.Id;
           let a = route53::get_change(#{ Id: id }).ChangeInfo.Status;
           clock::advance("59s");
           let b = route53::get_change(#{ Id: id }).ChangeInfo.Status;
           clock::advance("1s");
           [a, b, route53::get_change(#{ Id: id }).ChangeInfo.Status]"#,
    );
    assert_eq!(v, serde_json::json!(["PENDING", "PENDING", "INSYNC"]));
    let (code, _) = err(&e, r#"route53::get_change(#{ Id: "/change/CNOPE" })"#);
    assert_eq!(code, "NoSuchChange");
}

#[test]
fn hosted_zone_errors() {
    let e = engine();
    let _ = run(&e, r#"route53::create_hosted_zone(#{ Name: "example.com", CallerReference: "same" })"#);
    let (code, msg) = err(&e, r#"route53::create_hosted_zone(#{ Name: "example.org", CallerReference: "same" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("HostedZoneAlreadyExists", "A hosted zone has already been created with the specified caller reference."));
    assert_eq!(err(&e, r#"route53::create_hosted_zone("com")"#), ("InvalidDomainName".into(), "com. is reserved by AWS!".into()));
    assert_eq!(err(&e, r#"route53::create_hosted_zone("a..b.com")"#).0, "InvalidDomainName");
    assert_eq!(err(&e, r#"route53::create_hosted_zone(#{ Name: "p.example", HostedZoneConfig: #{ PrivateZone: true } })"#).0, "InvalidInput");
    assert_eq!(
        err(&e, r#"route53::create_hosted_zone(#{ Name: "p.example", VPC: #{ VPCId: "vpc-xyz", VPCRegion: "us-east-1" } })"#),
        ("InvalidVPCId".into(), "Invalid or missing VPC Id.".into())
    );
    assert_eq!(err(&e, r#"route53::get_hosted_zone("ZNOPE")"#), ("NoSuchHostedZone".into(), "No hosted zone found with ID: ZNOPE".into()));
    assert_eq!(err(&e, r#"route53::create_hosted_zone(#{ Name: "x.com", Bogus: 1 })"#).0, "InvalidInput");
}

#[test]
fn delete_hosted_zone_refuses_while_records_remain() {
    let e = engine();
    let (code, msg) = err(
        &e,
        r#"let z = route53::create_hosted_zone("example.com").HostedZone.Id;
           route53::upsert_record(z, "www.example.com", "A", 60, "192.0.2.1");
           route53::delete_hosted_zone(z)"#,
    );
    assert_eq!((code.as_str(), msg.as_str()), ("HostedZoneNotEmpty", "The hosted zone contains resource records that are not SOA or NS records."));
    let v = json(
        &e,
        r#"let z = route53::list_hosted_zones().HostedZones[0].Id;
           route53::change_resource_record_sets(z, [#{ Action: "DELETE", ResourceRecordSet: #{ Name: "www.example.com.", Type: "A", TTL: 60, ResourceRecords: [#{ Value: "192.0.2.1" }] } }]);
           route53::delete_hosted_zone(z);
           route53::list_hosted_zones().HostedZones.len()"#,
    );
    assert_eq!(v, 0);
}

fn batch(zone_expr: &str, changes: &str) -> String {
    format!("route53::change_resource_record_sets(#{{ HostedZoneId: {zone_expr}, ChangeBatch: #{{ Changes: [{changes}] }} }});")
}

fn a(name: &str, action: &str, ttl: i64, value: &str) -> String {
    format!(r#"#{{ Action: "{action}", ResourceRecordSet: #{{ Name: "{name}", Type: "A", TTL: {ttl}, ResourceRecords: [#{{ Value: "{value}" }}] }} }}"#)
}

fn rr(name: &str, t: &str, action: &str, value: &str) -> String {
    format!(r#"#{{ Action: "{action}", ResourceRecordSet: #{{ Name: "{name}", Type: "{t}", TTL: 300, ResourceRecords: [#{{ Value: "{value}" }}] }} }}"#)
}

const ZONE: &str = r#"let z = route53::create_hosted_zone("example.com").HostedZone.Id;"#;

fn zone_err(changes: &str) -> (String, String) {
    let e = engine();
    err(&e, &format!("{ZONE}\n{}", batch("z", changes)))
}

#[test]
fn change_batch_messages_match_route53() {
    // Messages observed from Route 53 (quoted in aws-facts and public bug reports).
    assert_eq!(
        zone_err(&format!("{}, {}", a("www.example.com", "CREATE", 60, "192.0.2.1"), a("www.example.com", "UPSERT", 60, "192.0.2.2"))).1,
        "The request contains an invalid set of changes for a resource record set 'A www.example.com.'"
    );
    let e = engine();
    let _ = run(&e, &format!("{ZONE}\n{}", batch("z", &a("www.example.com", "CREATE", 60, "192.0.2.1"))));
    let z = "route53::list_hosted_zones().HostedZones[0].Id";
    assert_eq!(
        err(&e, &batch(z, &a("www.example.com", "CREATE", 60, "192.0.2.9"))),
        ("InvalidChangeBatch".into(), "Tried to create resource record set [name='www.example.com.', type='A'] but it already exists".into())
    );
    assert_eq!(
        err(&e, &batch(z, &a("k.example.com", "DELETE", 60, "192.0.2.9"))).1,
        "Tried to delete resource record set [name='k.example.com.', type='A'] but it was not found"
    );
    assert_eq!(
        err(&e, &batch(z, &a("www.example.com", "DELETE", 60, "192.0.2.9"))).1,
        "Tried to delete resource record set [name='www.example.com.', type='A'] but the values provided do not match the current values"
    );
    assert_eq!(
        err(&e, &batch(z, &rr("example.com", "CNAME", "CREATE", "other.example.net"))).1,
        "RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com."
    );
    assert_eq!(
        err(&e, &batch(z, &rr("www.example.com", "CNAME", "CREATE", "other.example.net"))).1,
        "RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com."
    );
    let _ = run(&e, &batch(z, &rr("docs.example.com", "CNAME", "CREATE", "www.example.com")));
    assert_eq!(
        err(&e, &batch(z, &rr("docs.example.com", "TXT", "CREATE", "\\\"hello\\\""))).1,
        "RRSet of type TXT with DNS name docs.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com."
    );
    assert_eq!(err(&e, &batch(z, &a("www.other.org", "CREATE", 60, "192.0.2.1"))).1, "RRSet with DNS name www.other.org. is not permitted in zone example.com.");
    assert_eq!(
        err(&e, &batch(z, &a("x.example.com", "CREATE", 60, "ns-738.awsdns-28.net."))).1,
        "Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'ns-738.awsdns-28.net.'"
    );
    assert_eq!(
        err(&e, &batch(z, r#"#{ Action: "DELETE", ResourceRecordSet: #{ Name: "example.com", Type: "SOA", TTL: 900, ResourceRecords: [#{ Value: "x" }] } }"#)).1,
        "Tried to delete resource record set [name='example.com.', type='SOA'] but the values provided do not match the current values"
    );
    let (code, msg) = err(&e, &batch(z, &a("x.example.com", "CREATE", -1, "192.0.2.1")));
    assert_eq!(code, "InvalidInput");
    assert_eq!(msg, "1 validation error detected: Value '-1' at 'changeBatch.changes.1.member.resourceRecordSet.tTL' failed to satisfy constraint: Member must have value greater than or equal to 0");
    let (code, msg) = err(&e, &batch(z, r#"#{ Action: "CREATE", ResourceRecordSet: #{ Name: "x.example.com", Type: "A", ResourceRecords: [#{ Value: "192.0.2.1" }] } }"#));
    assert_eq!(code, "InvalidInput");
    assert_eq!(msg, "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=CREATE, Name=x.example.com, Type=A, SetIdentifier=null]");
    assert_eq!(err(&e, &batch(z, &rr("x.example.com", "A", "MODIFY", "192.0.2.1"))).0, "InvalidInput");
    assert_eq!(err(&e, &batch(z, &rr("x.example.com", "TLSB", "CREATE", "1"))).0, "InvalidInput");
    // Several problems are reported together.
    let (_, msg) = err(&e, &batch(z, &format!("{}, {}", a("a.example.com", "CREATE", 60, "1.2.3"), a("b.example.com", "DELETE", 60, "192.0.2.1"))));
    assert!(msg.starts_with("[Invalid Resource Record") && msg.contains(", Tried to delete resource record set [name='b.example.com.', type='A']"), "{msg}");
}

#[test]
fn apex_soa_and_ns_cannot_be_deleted() {
    let e = engine();
    let v = json(&e, &format!("{ZONE}\nroute53::list_resource_record_sets(z).ResourceRecordSets"));
    let soa = v[1]["ResourceRecords"][0]["Value"].as_str().unwrap().to_string();
    let first = r#"route53::list_hosted_zones().HostedZones[0].Id"#;
    assert_eq!(
        err(&e, &batch(first, &format!(r#"#{{ Action: "DELETE", ResourceRecordSet: #{{ Name: "example.com", Type: "SOA", TTL: 900, ResourceRecords: [#{{ Value: "{soa}" }}] }} }}"#))).1,
        "A HostedZone must contain exactly one SOA record."
    );
    let ns = &v[0];
    let values: Vec<String> = ns["ResourceRecords"].as_array().unwrap().iter().map(|r| format!("#{{ Value: \"{}\" }}", r["Value"].as_str().unwrap())).collect();
    assert_eq!(
        err(&e, &batch(first, &format!(r#"#{{ Action: "DELETE", ResourceRecordSet: #{{ Name: "example.com", Type: "NS", TTL: 172800, ResourceRecords: [{}] }} }}"#, values.join(", ")))).1,
        "A HostedZone must contain at least one NS record for the zone itself."
    );
}

#[test]
fn a_bad_change_rejects_the_whole_batch_and_is_audited() {
    let e = engine();
    let v = json(
        &e,
        &format!(
            "{ZONE}\ntry {{ {} }} catch (err) {{ }}\n#{{ n: route53::list_resource_record_sets(z).ResourceRecordSets.len(), t: world::trail(#{{ eventName: \"ChangeResourceRecordSets\" }}) }}",
            batch("z", &format!("{}, {}", a("good.example.com", "CREATE", 60, "192.0.2.1"), a("bad.example.com", "CREATE", 60, "999.0.0.1")))
        ),
    );
    assert_eq!(v["n"], 2, "only SOA and NS: nothing of the batch was applied");
    let t = v["t"].as_array().unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0]["errorCode"], "InvalidChangeBatch");
    assert_eq!(t[0]["eventSource"], "route53.amazonaws.com");
    assert_eq!(t[0]["awsRegion"], "us-east-1");
    assert!(t[0]["resources"][0]["ARN"].as_str().unwrap().starts_with("arn:aws:route53:::hostedzone/Z"));
}

#[test]
fn delete_then_create_in_one_batch_replaces_atomically() {
    // API reference: a batch that "deletes the CNAME record for www.example.com and creates
    // an alias resource record set for www.example.com" succeeds as one operation.
    let e = engine();
    let v = json(
        &e,
        &format!(
            "{ZONE}\n{}\n{}\nroute53::records(z)",
            batch("z", &format!("{}, {}", rr("www.example.com", "CNAME", "CREATE", "web.example.com"), a("web.example.com", "CREATE", 60, "192.0.2.7"))),
            batch(
                "z",
                &format!(
                    r#"{}, #{{ Action: "CREATE", ResourceRecordSet: #{{ Name: "www.example.com", Type: "A", AliasTarget: #{{ HostedZoneId: z.sub_string(12), DNSName: "web.example.com", EvaluateTargetHealth: false }} }} }}"#,
                    rr("www.example.com", "CNAME", "DELETE", "web.example.com")
                )
            )
        ),
    );
    let rows = v.as_array().unwrap();
    let www: Vec<_> = rows.iter().filter(|r| r["Name"] == "www.example.com.").collect();
    assert_eq!(www.len(), 1);
    assert_eq!(www[0]["Type"], "A");
    assert_eq!(www[0]["TTL"], "alias");
}

#[test]
fn alias_rules() {
    let e = engine();
    let zid = "z.sub_string(12)";
    let alias = |name: &str, target: &str, zone: &str, extra: &str| {
        format!(r#"#{{ Action: "CREATE", ResourceRecordSet: #{{ Name: "{name}", Type: "A", {extra} AliasTarget: #{{ HostedZoneId: {zone}, DNSName: "{target}", EvaluateTargetHealth: false }} }} }}"#)
    };
    // "You can't create a CNAME record for example.com, but you can create an alias record."
    let v = json(&e, &format!("{ZONE}\n{}\n{}\nroute53::test_dns_answer(z, \"example.com\", \"A\")", batch("z", &a("www.example.com", "CREATE", 120, "192.0.2.1")), batch("z", &alias("example.com", "www.example.com", zid, ""))));
    assert_eq!(v["RecordData"], serde_json::json!(["192.0.2.1"]));
    let first = "route53::list_hosted_zones().HostedZones[0].Id";
    let (code, _) = err(&e, &format!("let z = {first};\n{}", batch("z", &alias("api.example.com", "www.example.com", zid, "TTL: 60,"))));
    assert_eq!(code, "InvalidInput", "an alias has no TTL of its own");
    assert_eq!(
        err(&e, &format!("let z = {first};\n{}", batch("z", &alias("api.example.com", "nope.example.com", zid, "")))).1,
        format!("Tried to create an alias that targets nope.example.com., type A in zone {}, but that target was not found", json(&e, &format!("{first}.sub_string(12)")).as_str().unwrap())
    );
    // S3 website endpoint (us-east-1, hosted zone Z3AQBSTGFYJSTF).
    let v = json(
        &e,
        &format!("let z = {first};\n{}\nroute53::test_dns_answer(z, \"static.example.com\", \"A\").RecordData", batch("z", &alias("static.example.com", "s3-website-us-east-1.amazonaws.com", "\"Z3AQBSTGFYJSTF\"", ""))),
    );
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert!(err(&e, &format!("let z = {first};\n{}", batch("z", &alias("s2.example.com", "s3-website-us-west-2.amazonaws.com", "\"Z3AQBSTGFYJSTF\"", "")))).1.contains("does not lie within the target zone"));
}

#[test]
fn routing_policy_records_cannot_mix() {
    let e = engine();
    let weighted = |id: &str, w: i64, v: &str| {
        format!(r#"#{{ Action: "CREATE", ResourceRecordSet: #{{ Name: "www.example.com", Type: "A", SetIdentifier: "{id}", Weight: {w}, TTL: 60, ResourceRecords: [#{{ Value: "{v}" }}] }} }}"#)
    };
    let _ = run(&e, &format!("{ZONE}\n{}", batch("z", &a("www.example.com", "CREATE", 60, "192.0.2.1"))));
    let first = "route53::list_hosted_zones().HostedZones[0].Id";
    // Observed: "RRSet with DNS name x., type A, SetIdentifier bananas cannot be created as a
    // non-weighted set exists with the same name and type."
    assert_eq!(
        err(&e, &batch(first, &weighted("blue", 1, "192.0.2.2"))).1,
        "RRSet with DNS name www.example.com., type A, SetIdentifier blue cannot be created as a non-weighted set exists with the same name and type."
    );
    assert_eq!(
        err(&e, &batch(first, r#"#{ Action: "CREATE", ResourceRecordSet: #{ Name: "w.example.com", Type: "A", Weight: 1, TTL: 60, ResourceRecords: [#{ Value: "192.0.2.2" }] } }"#)).1,
        "Invalid request: Missing field 'SetIdentifier' in Change with [Action=CREATE, Name=w.example.com, Type=A, SetIdentifier=null]"
    );
    assert!(err(&e, &batch(first, &weighted("x", 256, "192.0.2.2").replace("www.", "v."))).1.contains("Member must have value less than or equal to 255"));
}

#[test]
fn weighted_and_failover_routing_through_test_dns_answer() {
    let e = engine();
    let v = json(
        &e,
        r#"let z = route53::create_hosted_zone("example.com").HostedZone.Id;
           let ch = [];
           for x in [["blue", 1, "192.0.2.1"], ["green", 3, "192.0.2.2"]] {
             ch.push(#{ Action: "CREATE", ResourceRecordSet: #{ Name: "www.example.com", Type: "A", SetIdentifier: x[0], Weight: x[1], TTL: 60, ResourceRecords: [#{ Value: x[2] }] } });
           }
           route53::change_resource_record_sets(z, ch);
           let blue = 0;
           for i in 0..2000 { if route53::test_dns_answer(z, "www.example.com", "A").RecordData[0] == "192.0.2.1" { blue += 1; } }
           blue"#,
    );
    let blue = v.as_i64().unwrap() as f64 / 2000.0;
    assert!((blue - 0.25).abs() < 0.04, "weight 1 of 4 got {blue}");

    let v = json(
        &e,
        r#"let z = route53::create_hosted_zone("fail.example").HostedZone.Id;
           let hc = route53::create_health_check(#{ CallerReference: "p", HealthCheckConfig: #{ Type: "HTTP", IPAddress: "192.0.2.10", ResourcePath: "/health" } }).HealthCheck.Id;
           route53::change_resource_record_sets(z, [
             #{ Action: "CREATE", ResourceRecordSet: #{ Name: "app.fail.example", Type: "A", SetIdentifier: "primary", Failover: "PRIMARY", HealthCheckId: hc, TTL: 60, ResourceRecords: [#{ Value: "192.0.2.10" }] } },
             #{ Action: "CREATE", ResourceRecordSet: #{ Name: "app.fail.example", Type: "A", SetIdentifier: "secondary", Failover: "SECONDARY", TTL: 60, ResourceRecords: [#{ Value: "198.51.100.10" }] } }]);
           let before = route53::test_dns_answer(z, "app.fail.example", "A").RecordData[0];
           route53::set_health_check_status(hc, false);
           let status = route53::get_health_check_status(#{ HealthCheckId: hc }).HealthCheckObservations[0].StatusReport.Status;
           let after = route53::test_dns_answer(z, "app.fail.example", "A").RecordData[0];
           [before, after, status.sub_string(0, 7)]"#,
    );
    assert_eq!(v, serde_json::json!(["192.0.2.10", "198.51.100.10", "Failure"]));
}

#[test]
fn health_check_validation() {
    let e = engine();
    assert_eq!(err(&e, r#"route53::create_health_check(#{ CallerReference: "x", HealthCheckConfig: #{ Type: "PING", IPAddress: "192.0.2.1" } })"#).0, "InvalidInput");
    assert_eq!(err(&e, r#"route53::create_health_check(#{ CallerReference: "x", HealthCheckConfig: #{ Type: "HTTP" } })"#).0, "InvalidInput");
    assert_eq!(err(&e, r#"route53::create_health_check(#{ CallerReference: "x", HealthCheckConfig: #{ Type: "TCP", IPAddress: "192.0.2.1", RequestInterval: 15 } })"#).0, "InvalidInput");
    let v = json(&e, r#"route53::create_health_check(#{ CallerReference: "x", HealthCheckConfig: #{ Type: "HTTPS", IPAddress: "192.0.2.1" } }).HealthCheck.HealthCheckConfig"#);
    assert_eq!((v["Port"].as_i64(), v["RequestInterval"].as_i64(), v["FailureThreshold"].as_i64()), (Some(443), Some(30), Some(3)));
    assert_eq!(err(&e, r#"route53::create_health_check(#{ CallerReference: "x", HealthCheckConfig: #{ Type: "HTTP", IPAddress: "192.0.2.1" } })"#).0, "HealthCheckAlreadyExists");
    assert_eq!(
        err(&e, &format!("{ZONE}\n{}", batch("z", r#"#{ Action: "CREATE", ResourceRecordSet: #{ Name: "h.example.com", Type: "A", HealthCheckId: "nope", TTL: 60, ResourceRecords: [#{ Value: "192.0.2.1" }] } }"#))),
        ("NoSuchHealthCheck".into(), "A health check with id nope does not exist.".into())
    );
}

#[test]
fn list_resource_record_sets_pages_in_route53_order() {
    let e = engine();
    let v = json(
        &e,
        r#"let z = route53::create_hosted_zone("example.com").HostedZone.Id;
           for n in ["b", "a", "c.a"] { route53::upsert_record(z, n + ".example.com", "A", 60, "192.0.2.1"); }
           let p1 = route53::list_resource_record_sets(#{ HostedZoneId: z, MaxItems: "3" });
           let p2 = route53::list_resource_record_sets(#{ HostedZoneId: z, StartRecordName: p1.NextRecordName, StartRecordType: p1.NextRecordType });
           #{ p1: p1, p2: p2 }"#,
    );
    let names = |p: &serde_json::Value| p["ResourceRecordSets"].as_array().unwrap().iter().map(|s| format!("{} {}", s["Name"].as_str().unwrap(), s["Type"].as_str().unwrap())).collect::<Vec<_>>();
    assert_eq!(names(&v["p1"]), ["example.com. NS", "example.com. SOA", "a.example.com. A"]);
    assert_eq!(v["p1"]["IsTruncated"], true);
    assert_eq!(v["p1"]["MaxItems"], "3");
    assert_eq!(names(&v["p2"]), ["c.a.example.com. A", "b.example.com. A"]);
    assert_eq!(v["p2"]["IsTruncated"], false);
}

fn steps(v: &serde_json::Value) -> Vec<(String, String, bool, bool)> {
    v["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["Server"].as_str().unwrap().to_string(), s["Response"].as_str().unwrap().to_string(), s["Authoritative"].as_bool().unwrap(), s["FromCache"].as_bool().unwrap()))
        .collect()
}

#[test]
fn cold_walk_then_cache_then_ttl_expiry() {
    let e = engine();
    let v = json(
        &e,
        &with_domain(
            r#"let r = route53::resolver(#{ Region: "us-east-1" });
               let cold = r.resolve("www.cloudbook-demo.com", "A");
               let warm = r.resolve("www.cloudbook-demo.com", "A");
               clock::advance("299s");
               let edge = r.resolve("www.cloudbook-demo.com", "A");
               clock::advance("1s");
               let expired = r.resolve("www.cloudbook-demo.com", "A");
               #{ cold: cold, warm: warm, edge: edge, expired: expired, stats: r.stats(), ns: d.NameServers }"#,
        ),
    );
    let cold = steps(&v["cold"]);
    // Root -> .com -> one of the domain's four Route 53 name servers.
    assert_eq!(cold.len(), 3, "{cold:?}");
    assert!(cold[0].0.ends_with(".root-servers.net.") && cold[0].1.starts_with("referral: NS ") && cold[0].1.contains("gtld-servers.net."));
    assert!(cold[1].0.ends_with(".gtld-servers.net.") && cold[1].1.contains("awsdns"));
    assert!(!cold[0].2 && !cold[1].2, "referrals are not authoritative");
    let ns: Vec<String> = v["ns"].as_array().unwrap().iter().map(|s| format!("{}.", s.as_str().unwrap())).collect();
    assert!(ns.contains(&cold[2].0), "asked one of the zone's name servers");
    assert_eq!((cold[2].1.as_str(), cold[2].2, cold[2].3), ("A 192.0.2.44", true, false));
    assert_eq!(v["cold"]["Answer"]["Outcome"], "NOERROR");
    assert_eq!(v["cold"]["Answer"]["Values"], serde_json::json!(["192.0.2.44"]));
    assert_eq!(v["cold"]["Answer"]["TTL"], 300);
    assert_eq!(v["cold"]["Steps"][1]["Ttl"], 172800, "TLD delegations carry TTL 172800");
    // Warm: one step, from cache.
    assert_eq!(steps(&v["warm"]), vec![("cache".into(), "A 192.0.2.44".into(), false, true)]);
    assert_eq!(v["warm"]["Answer"]["FromCache"], true);
    // 299 s later: still a hit, 1 s left.
    assert_eq!(v["edge"]["Answer"]["TTL"], 1);
    assert_eq!(v["edge"]["Answer"]["FromCache"], true);
    // At 300 s: expired; the delegation is still cached, so only the authoritative query.
    let ex = steps(&v["expired"]);
    assert_eq!(ex.len(), 2, "{ex:?}");
    assert_eq!((ex[0].0.as_str(), ex[0].3), ("cache", true));
    assert!(ex[0].1.starts_with("referral:"));
    assert!(ex[1].2 && !ex[1].3);
    assert_eq!(v["expired"]["Answer"]["TTL"], 300);
    assert_eq!(v["stats"]["Hits"], 2);
    assert_eq!(v["stats"]["Misses"], 2);
    assert_eq!(v["stats"]["Queries"], 4);
}

#[test]
fn a_cached_resolver_does_not_see_a_change_until_the_ttl_passes() {
    let e = engine();
    let v = json(
        &e,
        &with_domain(
            r#"let r = route53::resolver();
               let before = r.resolve("www.cloudbook-demo.com").Answer.Values[0];
               route53::upsert_record(z, "www.cloudbook-demo.com", "A", 300, "192.0.2.99");
               let fresh = route53::resolver().resolve("www.cloudbook-demo.com").Answer.Values[0];
               clock::advance("120s");
               let stale = r.resolve("www.cloudbook-demo.com").Answer.Values[0];
               clock::advance("180s");
               let updated = r.resolve("www.cloudbook-demo.com").Answer.Values[0];
               [before, fresh, stale, updated]"#,
        ),
    );
    assert_eq!(v, serde_json::json!(["192.0.2.44", "192.0.2.99", "192.0.2.44", "192.0.2.99"]));
}

#[test]
fn negative_answers_are_cached_for_the_soa_minimum_or_ttl() {
    // RFC 2308 §3 / Route 53 SOA: negative TTL = min(SOA TTL 900, minimum 86400) = 900.
    let e = engine();
    let v = json(
        &e,
        &with_domain(
            r#"let r = route53::resolver();
               let nx = r.resolve("nope.cloudbook-demo.com", "A");
               let nx_other_type = r.resolve("nope.cloudbook-demo.com", "TXT");
               let nodata = r.resolve("www.cloudbook-demo.com", "AAAA");
               clock::advance("899s");
               let still = r.resolve("nope.cloudbook-demo.com", "A");
               clock::advance("1s");
               let gone = r.resolve("nope.cloudbook-demo.com", "A");
               let tld = r.resolve("unregistered-name.com", "A");
               #{ nx: nx, nx2: nx_other_type, nodata: nodata, still: still, gone: gone, tld: tld }"#,
        ),
    );
    assert_eq!(v["nx"]["Answer"]["Outcome"], "NXDOMAIN");
    assert_eq!(v["nx"]["Steps"].as_array().unwrap().last().unwrap()["Ttl"], 900);
    assert_eq!(v["nx2"]["Answer"]["FromCache"], true, "NXDOMAIN covers every type of the name");
    assert_eq!(v["nodata"]["Answer"]["Outcome"], "NODATA");
    assert_eq!(v["still"]["Answer"]["FromCache"], true);
    assert_eq!(v["still"]["Steps"][0]["Ttl"], 1);
    assert_eq!(v["gone"]["Answer"]["FromCache"], false);
    assert_eq!(v["tld"]["Answer"]["Outcome"], "NXDOMAIN");
    assert!(v["tld"]["Steps"].as_array().unwrap().last().unwrap()["Server"].as_str().unwrap().ends_with("gtld-servers.net."));
}

#[test]
fn cname_chains_are_followed_with_a_limit() {
    let e = engine();
    let v = json(
        &e,
        &with_domain(
            r#"route53::upsert_record(z, "loop1.cloudbook-demo.com", "CNAME", 60, "loop2.cloudbook-demo.com");
               route53::upsert_record(z, "loop2.cloudbook-demo.com", "CNAME", 60, "loop1.cloudbook-demo.com");
               let r = route53::resolver();
               #{ docs: r.resolve("docs.cloudbook-demo.com", "A"), cname: r.resolve("docs.cloudbook-demo.com", "CNAME"), looped: r.resolve("loop1.cloudbook-demo.com", "A") }"#,
        ),
    );
    let d = &v["docs"]["Answer"];
    assert_eq!(d["Outcome"], "NOERROR");
    assert_eq!(d["Name"], "www.cloudbook-demo.com.");
    assert_eq!(d["Values"], serde_json::json!(["192.0.2.44"]));
    assert_eq!(d["Records"][0]["Type"], "CNAME");
    assert_eq!(d["TTL"], 300);
    // Asking for the CNAME itself does not restart (RFC 1034 §3.6.2).
    assert_eq!(v["cname"]["Answer"]["Values"], serde_json::json!(["www.cloudbook-demo.com"]));
    assert_eq!(v["looped"]["Answer"]["Outcome"], "SERVFAIL");
    assert!(v["looped"]["Steps"].as_array().unwrap().last().unwrap()["Response"].as_str().unwrap().contains("more than 8 CNAMEs"));
}

#[test]
fn mx_resolution_picks_the_lowest_preference_and_resolves_it() {
    let e = engine();
    let v = json(&e, &with_domain(r#"route53::resolve("cloudbook-demo.com", "MX").Answer"#));
    assert_eq!(v["Values"].as_array().unwrap().len(), 2);
    assert_eq!(v["MailExchange"]["Exchange"], "mail.cloudbook-demo.com.");
    assert_eq!(v["MailExchange"]["Preference"], 10);
    assert_eq!(v["MailExchange"]["Addresses"], serde_json::json!(["192.0.2.25"]));
}

#[test]
fn latency_and_geolocation_follow_the_resolver() {
    let e = engine();
    let v = json(
        &e,
        &with_domain(
            r#"let ch = [];
               for r in [["us-east-1", "192.0.2.1"], ["eu-central-1", "192.0.2.2"]] {
                 ch.push(#{ Action: "CREATE", ResourceRecordSet: #{ Name: "api.cloudbook-demo.com", Type: "A", SetIdentifier: r[0], Region: r[0], TTL: 60, ResourceRecords: [#{ Value: r[1] }] } });
               }
               ch.push(#{ Action: "CREATE", ResourceRecordSet: #{ Name: "geo.cloudbook-demo.com", Type: "A", SetIdentifier: "de", GeoLocation: #{ CountryCode: "DE" }, TTL: 60, ResourceRecords: [#{ Value: "192.0.2.49" }] } });
               ch.push(#{ Action: "CREATE", ResourceRecordSet: #{ Name: "geo.cloudbook-demo.com", Type: "A", SetIdentifier: "any", GeoLocation: #{ CountryCode: "*" }, TTL: 60, ResourceRecords: [#{ Value: "192.0.2.1" }] } });
               route53::change_resource_record_sets(z, ch);
               let eu = route53::resolver(#{ Region: "eu-west-3", Location: "DE" });
               let us = route53::resolver(#{ Region: "us-west-2", Location: "US-OR" });
               [eu.resolve("api.cloudbook-demo.com").Answer.Values[0], us.resolve("api.cloudbook-demo.com").Answer.Values[0],
                eu.resolve("geo.cloudbook-demo.com").Answer.Values[0], us.resolve("geo.cloudbook-demo.com").Answer.Values[0]]"#,
        ),
    );
    assert_eq!(v, serde_json::json!(["192.0.2.2", "192.0.2.1", "192.0.2.49", "192.0.2.1"]));
    assert_eq!(err(&e, r#"route53::resolver(#{ Region: "mars-1" })"#).0, "InvalidInput");
    assert_eq!(err(&e, r#"route53::resolver(#{ Colour: "red" })"#).0, "InvalidInput");
}

#[test]
fn private_zones_answer_only_inside_their_vpc() {
    let e = engine();
    let v = json(
        &e,
        r#"let vid = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;
           let p = route53::create_hosted_zone(#{ Name: "corp.internal", VPC: #{ VPCId: vid, VPCRegion: "us-east-1" } });
           route53::upsert_record(p.HostedZone.Id, "db.corp.internal", "A", 60, "10.0.1.5");
           let inside = route53::resolver(#{ Vpc: vid }).resolve("db.corp.internal");
           let outside = route53::resolve("db.corp.internal", "A");
           #{ vid: vid, p: p, inside: inside, outside: outside }"#,
    );
    let vid = v["vid"].as_str().unwrap().to_string();
    assert_eq!(v["p"]["HostedZone"]["Config"]["PrivateZone"], true);
    assert!(v["p"].get("DelegationSet").is_none());
    assert_eq!(v["inside"]["Answer"]["Values"], serde_json::json!(["10.0.1.5"]));
    assert!(v["inside"]["Steps"][0]["Server"].as_str().unwrap().starts_with(&format!("Route 53 Resolver ({vid}")));
    assert_eq!(v["outside"]["Answer"]["Outcome"], "NXDOMAIN", "the root knows no .internal TLD");
    let (code, _) = err(&e, &format!(r#"route53::disassociate_vpc_from_hosted_zone(#{{ HostedZoneId: route53::list_hosted_zones().HostedZones[0].Id, VPC: #{{ VPCId: "{vid}" }} }})"#));
    assert_eq!(code, "LastVPCAssociation");
    // A well-formed id of a VPC that doesn't exist in the account.
    let (code, _) = err(&e, r#"route53::create_hosted_zone(#{ Name: "other.internal", VPC: #{ VPCId: "vpc-0a1b2c3d4e5f67890", VPCRegion: "us-east-1" } })"#);
    assert_eq!(code, "InvalidVPCId");
}

#[test]
fn register_domain_follows_the_registrar_process() {
    let e = engine();
    let v = json(
        &e,
        r#"let before = route53::check_domain_availability("cloudbook-demo.com").Availability;
           let d = route53::register_domain("cloudbook-demo.com");
           #{ before: before, after: route53::check_domain_availability("cloudbook-demo.com").Availability,
              reserved: route53::check_domain_availability("example.com").Availability,
              d: d, detail: route53::get_domain_detail("cloudbook-demo.com"),
              zone: route53::get_hosted_zone(d.HostedZoneId),
              trail: world::trail().map(|e| [e.eventSource, e.eventName, e.userIdentity.invokedBy]) }"#,
    );
    assert_eq!((v["before"].as_str(), v["after"].as_str(), v["reserved"].as_str()), (Some("AVAILABLE"), Some("UNAVAILABLE"), Some("RESERVED")));
    let ns = &v["zone"]["DelegationSet"]["NameServers"];
    assert_eq!(&v["d"]["NameServers"], ns);
    let detail_ns: Vec<&serde_json::Value> = v["detail"]["Nameservers"].as_array().unwrap().iter().map(|n| &n["Name"]).collect();
    assert_eq!(detail_ns, ns.as_array().unwrap().iter().collect::<Vec<_>>());
    assert_eq!(v["zone"]["HostedZone"]["Config"]["Comment"], "HostedZone created by Route53 Registrar");
    let trail = v["trail"].as_array().unwrap();
    let names: Vec<String> = trail.iter().map(|t| format!("{} {}", t[0].as_str().unwrap(), t[1].as_str().unwrap())).collect();
    assert!(names.contains(&"route53domains.amazonaws.com RegisterDomain".to_string()), "{names:?}");
    let nested = trail.iter().find(|t| t[1] == "CreateHostedZone").unwrap();
    assert_eq!(nested[2], "route53domains.amazonaws.com", "the zone is created on the caller's behalf");
    assert_eq!(err(&e, r#"route53::register_domain("cloudbook-demo.com")"#).0, "InvalidInput");
    assert_eq!(err(&e, r#"route53::register_domain("example.zz")"#), ("UnsupportedTLD".into(), "TLD zz is not supported.".into()));
}

#[test]
fn a_deleted_zone_leaves_a_lame_delegation() {
    let e = engine();
    let v = json(
        &e,
        r#"let d = route53::register_domain("lame-demo.io");
           route53::delete_hosted_zone(d.HostedZoneId);
           route53::resolve("www.lame-demo.io", "A")"#,
    );
    assert_eq!(v["Answer"]["Outcome"], "SERVFAIL");
    let refused = v["Steps"].as_array().unwrap().iter().filter(|s| s["Response"] == "REFUSED").count();
    assert_eq!(refused, 4, "each of the four name servers refuses");
}

#[test]
fn update_domain_nameservers_moves_the_delegation() {
    let e = engine();
    let v = json(
        &e,
        r#"let d = route53::register_domain("move-demo.dev");
           route53::upsert_record(d.HostedZoneId, "www.move-demo.dev", "A", 60, "192.0.2.1");
           let z2 = route53::create_hosted_zone("move-demo.dev");
           route53::upsert_record(z2.HostedZone.Id, "www.move-demo.dev", "A", 60, "192.0.2.2");
           let r = route53::resolver();
           let old = r.resolve("www.move-demo.dev").Answer.Values[0];
           route53::update_domain_nameservers(#{ DomainName: "move-demo.dev", Nameservers: z2.DelegationSet.NameServers.map(|n| #{ Name: n }) });
           r.flush();
           [old, r.resolve("www.move-demo.dev").Answer.Values[0]]"#,
    );
    assert_eq!(v, serde_json::json!(["192.0.2.1", "192.0.2.2"]));
}

#[test]
fn zone_file_import_export_round_trip() {
    let e = engine();
    let v = json(
        &e,
        r#"let text = `$ORIGIN example.com.
$TTL 3600
@ IN SOA ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. ( 1 7200 900 1209600 86400 )
@ IN NS ns-1.awsdns-00.com.
@ 300 IN A 192.0.2.1
www IN CNAME @ ; the apex
@ IN MX 10 mail
mail IN A 192.0.2.25
@ IN TXT "v=spf1 mx -all"
*.apps 60 IN A 192.0.2.9
`;
           let a = route53::create_hosted_zone("example.com").HostedZone.Id;
           let imported = route53::import_zone_file(a, text);
           let exported = route53::export_zone_file(a);
           let b = route53::create_hosted_zone("example.com").HostedZone.Id;
           route53::import_zone_file(b, exported);
           let strip = |rows| rows.filter(|r| r.Type != "SOA" && r.Type != "NS");
           #{ imported: imported, exported: exported, a: strip.call(route53::records(a)), b: strip.call(route53::records(b)) }"#,
    );
    assert_eq!(v["imported"]["Imported"], 6);
    assert_eq!(v["imported"]["Ignored"], serde_json::json!(["example.com. SOA", "example.com. NS"]));
    assert_eq!(v["a"], v["b"], "export then import gives the same records");
    assert_eq!(v["a"].as_array().unwrap().len(), 6);
    let text = v["exported"].as_str().unwrap();
    assert!(text.contains("$ORIGIN example.com.\n$TTL "), "{text}");
    assert!(text.contains("IN SOA ") && text.contains("; serial"), "multi-line SOA: {text}");
    assert!(text.contains("\nwww IN CNAME example.com.\n") || text.contains("\nwww 3600 IN CNAME example.com.\n"), "{text}");
    assert!(text.contains("*.apps 60 IN A 192.0.2.9"), "{text}");
    let (code, msg) = err(&e, r#"route53::import_zone_file(route53::list_hosted_zones().HostedZones[0].Id, "$TTL 60\nwww IN A 1.2.3")"#);
    assert_eq!(code, "InvalidChangeBatch");
    assert!(msg.contains("ARRDATAIllegalIPv4Address"), "{msg}");
    assert!(err(&e, r#"route53::import_zone_file(route53::list_hosted_zones().HostedZones[0].Id, "www IN A 192.0.2.1")"#).1.contains("line 1"));
}

#[test]
fn save_and_load_keep_zones_checks_domains_and_warm_caches() {
    let (e, shared) = setup();
    let _ = run(
        &e,
        &with_domain(
            r#"route53::create_health_check(#{ CallerReference: "h", HealthCheckConfig: #{ Type: "TCP", IPAddress: "192.0.2.1", Port: 22 } });
               let r = route53::resolver(#{ Region: "eu-west-1", Location: "EU" });
               r.resolve("www.cloudbook-demo.com");
               route53::resolve("cloudbook-demo.com", "MX");"#,
        ),
    );
    let saved = shared.lock().save();
    let mut back = World::default();
    back.load(saved.clone()).unwrap();
    assert_eq!(back.save(), saved);
    assert_eq!(back.route53.zones.len(), 1);
    assert_eq!(back.route53.health_checks.len(), 1);
    assert_eq!(back.route53.domains.len(), 1);
    assert_eq!(back.route53.resolvers.len(), 2);
    // The restored resolver's cache still answers.
    let res = super::super::resolve(&mut back, "resolver-0", "www.cloudbook-demo.com", "A").unwrap();
    assert!(res.answer.from_cache);
}

#[test]
fn same_script_same_output() {
    let script = with_domain(
        r#"let r = route53::resolver();
           let out = [];
           for i in 0..3 { out.push(r.resolve("www.cloudbook-demo.com")); clock::advance("200s"); }
           #{ out: out, zones: route53::list_hosted_zones(), trail: world::trail() }"#,
    );
    let a = serde_json::to_string(&json(&engine(), &script)).unwrap();
    let b = serde_json::to_string(&json(&engine(), &script)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn resolver_tables_and_chart() {
    let e = engine();
    let v = run(
        &e,
        &with_domain(
            r#"let r = route53::resolver();
               r.resolve("www.cloudbook-demo.com");
               clock::advance("10s");
               r.resolve("www.cloudbook-demo.com");
               [r.cache(), r.stats(), r.chart(), r.id, `${r}`]"#,
        ),
    );
    let arr = v.cast::<Array>();
    let cache = dynamic_to_json(&arr[0]);
    let kinds: Vec<&str> = cache.as_array().unwrap().iter().map(|r| r["Kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"answer") && kinds.contains(&"referral"), "{kinds:?}");
    let www = cache.as_array().unwrap().iter().find(|r| r["Name"] == "www.cloudbook-demo.com.").unwrap();
    assert_eq!(www["TtlRemaining"], 290);
    assert_eq!(dynamic_to_json(&arr[1])["HitRate"], 0.5);
    let chart = arr[2].clone().cast::<crate::render::Chart>();
    assert_eq!(chart.series.len(), 3);
    assert_eq!(chart.series[0].points, vec![(0.0, 0.0), (10.0, 1.0)]);
    assert_eq!(arr[3].clone().into_string().unwrap(), "resolver-0");
    assert!(arr[4].clone().into_string().unwrap().starts_with("Resolver(resolver-0, region us-east-1"));
    let rows = json(&e, r#"route53::resolve("www.cloudbook-demo.com").Steps"#);
    for row in rows.as_array().unwrap() {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Authoritative", "FromCache", "Question", "Response", "Server", "Ttl"]);
    }
}

#[test]
fn errors_are_catchable_maps() {
    let e = engine();
    let v = json(&e, r#"let c = ""; try { route53::get_hosted_zone("ZX") } catch (err) { c = err.Code + "/" + err.Service + "/" + err.Operation } c"#);
    assert_eq!(v, "NoSuchHostedZone/route53/GetHostedZone");
}

/// The scenario notebook runs clean cell by cell (one scope, as the kernel keeps it) and
/// shows what its narrative says.
#[test]
fn dns_resolution_walk_notebook_runs_clean() {
    let nb: serde_json::Value = serde_json::from_str(include_str!("../../../../notebooks/dns-resolution-walk.ipynb")).unwrap();
    let e = engine();
    let mut scope = rhai::Scope::new();
    let mut outs = Vec::new();
    for cell in nb["cells"].as_array().unwrap().iter().filter(|c| c["cell_type"] == "code") {
        let src: String = cell["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        let v = e.eval_with_scope::<Dynamic>(&mut scope, &src).unwrap_or_else(|err| panic!("cell failed: {err}\n{src}"));
        outs.push(v);
    }
    let j: Vec<serde_json::Value> = outs.iter().map(dynamic_to_json).collect();
    // Cold walk: three steps; warm: one cached step.
    assert_eq!(j[3].as_array().unwrap().len(), 3);
    assert_eq!(j[5][0]["FromCache"], true);
    assert_eq!(j[6], 1, "TTL 1 s left at t = 299 s");
    assert_eq!(j[8]["cached"], serde_json::json!(["192.0.2.44"]));
    assert_eq!(j[8]["fresh_resolver"], serde_json::json!(["192.0.2.99"]));
    assert_eq!(j[9]["Values"], serde_json::json!(["192.0.2.99"]));
    assert_eq!(j[11]["Exchange"], "mail.cloudbook-demo.com.");
    let blue = j[14]["blue"].as_i64().unwrap();
    assert!((200..=300).contains(&blue), "weight 1 of 4 over 1000 answers: {blue}");
    assert_eq!(j[15], serde_json::json!(["192.0.2.30"]));
    assert_eq!(j[16]["still_cached"], serde_json::json!(["192.0.2.30"]));
    assert_eq!(j[16]["after_ttl"], serde_json::json!(["198.51.100.30"]));
    assert!(outs.iter().any(|o| o.clone().try_cast::<crate::render::Chart>().is_some()), "the walk's chart");
}

#[test]
fn iam_decides_route53_calls_with_its_condition_keys() {
    // IAM: route53:ChangeResourceRecordSetsRecordTypes lets a policy allow only some record
    // types; every call is authorized before it validates.
    let e = engine();
    let v = json(
        &e,
        r#"iam::create_user("alice");
           iam::put_user_policy(#{ UserName: "alice", PolicyName: "txt-only", PolicyDocument: `{
             "Version": "2012-10-17",
             "Statement": [{ "Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets", "route53:GetHostedZone"],
               "Resource": "arn:aws:route53:::hostedzone/*",
               "Condition": { "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] } } }] }` });
           let z = route53::create_hosted_zone("example.com").HostedZone.Id;
           let ok = as_principal("alice", || route53::upsert_record(z, "example.com", "TXT", 300, "\"hello\"")).ChangeInfo.Status;
           let denied = "";
           try { as_principal("alice", || route53::upsert_record(z, "www.example.com", "A", 300, "192.0.2.1")); } catch (err) { denied = err.Code + ": " + err.Message; }
           let create = "";
           try { as_principal("alice", || route53::create_hosted_zone("other.com")); } catch (err) { create = err.Code; }
           #{ ok: ok, denied: denied, create: create, zone: z.sub_string(12), records: route53::list_resource_record_sets(z).ResourceRecordSets.len() }"#,
    );
    assert_eq!(v["ok"], "PENDING");
    let zone = v["zone"].as_str().unwrap();
    assert_eq!(
        v["denied"],
        format!("AccessDenied: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: route53:ChangeResourceRecordSets on resource: arn:aws:route53:::hostedzone/{zone} because no identity-based policy allows the route53:ChangeResourceRecordSets action")
    );
    assert_eq!(v["create"], "AccessDenied");
    assert_eq!(v["records"], 3, "SOA, NS and the allowed TXT only");
}
