//! Route 53 resolver throughput: cached resolutions per second (target >= 1M/s natively)
//! and cold walks (root -> TLD -> Route 53 name server) per second.
//!
//! Run: `cargo bench -p cloudbook-bench --bench route53`

// `AwsError` is the world's shared error type, returned by value.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::World;
use cloudbook_stdlib::route53::domains::{self, RegisterDomainRequest};
use cloudbook_stdlib::world::service::ROUTE53_DOMAINS;
use cloudbook_stdlib::route53::model::ResourceRecordSet;
use cloudbook_stdlib::route53::ops::{self, Change, ChangeBatch, ChangeResourceRecordSetsRequest};
use cloudbook_stdlib::route53::rdata::RrType;
use cloudbook_stdlib::route53::{self, DEFAULT_RESOLVER};
use cloudbook_stdlib::world::service::ROUTE53;

fn world() -> World {
    let mut w = World::default();
    let req = RegisterDomainRequest {
        domain_name: "bench-demo.com".into(),
        duration_in_years: None,
        auto_renew: None,
        idn_lang_code: None,
        admin_contact: None,
        registrant_contact: None,
        tech_contact: None,
        privacy_protect_admin_contact: None,
        privacy_protect_registrant_contact: None,
        privacy_protect_tech_contact: None,
    };
    let d = w.call(&ROUTE53_DOMAINS, "RegisterDomain", serde_json::json!({}), |c| domains::register_domain(c, req)).expect("register");
    let set = ResourceRecordSet::simple("www.bench-demo.com.", RrType::A, 300, &["192.0.2.44"]);
    let change = ChangeResourceRecordSetsRequest {
        hosted_zone_id: d.hosted_zone_id,
        change_batch: ChangeBatch { comment: None, changes: vec![Change { action: "CREATE".into(), resource_record_set: set }] },
    };
    w.call(&ROUTE53, "ChangeResourceRecordSets", serde_json::json!({}), |c| ops::change_resource_record_sets(c, change)).expect("records");
    w
}

fn main() {
    let budget = Duration::from_secs(2);
    let mut w = world();
    let first = route53::resolve(&mut w, DEFAULT_RESOLVER, "www.bench-demo.com", "A").expect("resolve");
    assert_eq!(first.steps.len(), 3, "a cold walk is three queries");
    let (n, d) = run_for(budget, || {
        let r = route53::resolve(&mut w, DEFAULT_RESOLVER, "www.bench-demo.com", "A").expect("resolve");
        assert!(r.answer.from_cache);
    });
    report("route53_cached_resolutions_per_sec", rate(n, d), "resolutions/s");

    let mut w = world();
    let (n, d) = run_for(budget, || {
        if let Some(r) = w.route53.resolvers.get_mut(DEFAULT_RESOLVER) {
            r.flush();
        }
        let r = route53::resolve(&mut w, DEFAULT_RESOLVER, "www.bench-demo.com", "A").expect("resolve");
        assert_eq!(r.steps.len(), 3);
    });
    report("route53_cold_walks_per_sec", rate(n, d), "walks/s");
}
