//! `policy_parse`: arbitrary bytes as a policy document of every kind.
//!
//! Checks: parsing never panics; a document that parses prints (`to_json`) to text that
//! parses again to an equal document (parse -> print -> parse); and the engine decides a
//! few requests against it without panicking.

#![no_main]

use cloudbook_stdlib::policy::{Context, ContextValue, Facts, Policy, PolicyKind, PrincipalInfo, PrincipalKind, Source, SourceType, Sources, evaluate};
use libfuzzer_sys::fuzz_target;

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Boundary,
    PolicyKind::Session,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::ServiceControl,
    PolicyKind::ResourceControl,
];

fn decide_some(p: &Policy) {
    let user = PrincipalInfo {
        kind: PrincipalKind::RoleSession,
        arn: "arn:aws:sts::111122223333:assumed-role/r/s".into(),
        role_arn: Some("arn:aws:iam::111122223333:role/r".into()),
        account: "111122223333".into(),
        service: None,
        federated: None,
    };
    let anonymous = PrincipalInfo { kind: PrincipalKind::Anonymous, arn: String::new(), role_arn: None, account: String::new(), service: None, federated: None };
    let mut ctx = Context::new();
    ctx.insert("aws:username", ContextValue::string("alice"));
    ctx.insert("aws:SourceIp", ContextValue::string("203.0.113.7"));
    let src = Source { policy: p, id: "fuzz", ty: SourceType::None };
    let sources = match p.kind() {
        PolicyKind::Resource | PolicyKind::Trust => Sources { resource: Some(Source { ty: SourceType::Resource, ..src }), ..Sources::default() },
        PolicyKind::Boundary => Sources { boundary: Some(src), ..Sources::default() },
        PolicyKind::Session => Sources { session: vec![src], ..Sources::default() },
        PolicyKind::ServiceControl => Sources { scps: vec![vec![src]], ..Sources::default() },
        PolicyKind::ResourceControl => Sources { rcps: vec![vec![src]], ..Sources::default() },
        PolicyKind::Identity => Sources { identity: vec![src], ..Sources::default() },
    };
    for who in [&user, &anonymous] {
        for (action, resource) in [("s3:GetObject", "arn:aws:s3:::b/k"), ("kms:Decrypt", "*"), ("iam:GetUser", "arn:aws:iam::111122223333:user/alice")] {
            for facts in [Facts { same_account: true, resource_policy_must_grant: false }, Facts { same_account: false, resource_policy_must_grant: true }] {
                let _ = evaluate(who, action, resource, &ctx, &sources, facts);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for kind in KINDS {
        let Ok(p) = Policy::parse(&text, kind) else { continue };
        let printed = serde_json::to_string(&p.to_json()).expect("a parsed policy prints");
        match Policy::parse(&printed, kind) {
            Ok(q) => assert_eq!(p.document(), q.document(), "parse -> print -> parse changed the document\n{text}\n{printed}"),
            // Canonical numbers can be longer than the input's (`1e2` prints `100.0`), so a
            // document right at its size quota may print past it.
            Err(e) if e.message.starts_with("Cannot exceed quota") => {}
            Err(e) => panic!("the printed document does not parse: {e}\n{text}\n{printed}"),
        }
        decide_some(&p);
    }
});
