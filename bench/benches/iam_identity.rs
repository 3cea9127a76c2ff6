//! IAM identity figures: simulated IdP key generation, AssumeRoleWithWebIdentity and
//! AssumeRoleWithSAML calls per second (signature verification, trust policy, session issue,
//! audit event), Access Analyzer-style policy validations per second, and credential report
//! generation for 500 users.
//!
//! Run: `cargo bench -p cloudbook-bench --bench iam_identity`

// `AwsError` is the world's shared error type, returned by value.
#![allow(clippy::result_large_err)]

use std::time::{Duration, Instant};

use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::World;
use cloudbook_stdlib::iam::federation::{self, OidcTokenRequest, SamlAssertionRequest};
use cloudbook_stdlib::iam::idp::{IdpKind, SimIdp};
use cloudbook_stdlib::iam::ops::{self, CreateRoleRequest, Doc};
use cloudbook_stdlib::iam::{account, validate};
use cloudbook_stdlib::world::service::{IAM, STS};
use cloudbook_stdlib::world::{Caller, Principal, Timestamp};
use serde_json::json;

const ISSUER: &str = "https://token.actions.example.com";
const SAML_ISSUER: &str = "https://adfs.example.com/adfs/services/trust";

fn role(w: &mut World, name: &str, trust: String) -> String {
    let req = CreateRoleRequest {
        role_name: name.into(),
        assume_role_policy_document: Doc(trust),
        path: None,
        description: None,
        max_session_duration: None,
        permissions_boundary: None,
        tags: vec![],
    };
    w.call(&IAM, "CreateRole", json!({}), |c| ops::create_role(c, req)).expect("role").role.arn
}

fn unsigned(w: &World) -> Caller {
    Caller { principal: Principal::Anonymous, ..w.caller() }
}

fn main() {
    let budget = Duration::from_secs(2);

    // One RSA-2048 key per simulated IdP, from the seeded stream.
    let start = Instant::now();
    for i in 0..3u8 {
        let _ = SimIdp::new("https://idp.example.com", IdpKind::Oidc, [i; 32], Timestamp::from_secs(0));
    }
    report("iam_idp_rsa2048_keygen_ms", start.elapsed().as_secs_f64() * 1000.0 / 3.0, "ms/key");

    // AssumeRoleWithWebIdentity.
    let mut w = World::default();
    let provider = w
        .call(&IAM, "CreateOpenIDConnectProvider", json!({}), |c| {
            federation::create_open_id_connect_provider(
                c,
                federation::CreateOpenIdConnectProviderRequest { url: ISSUER.into(), client_id_list: vec!["sts.amazonaws.com".into()], thumbprint_list: vec![], tags: vec![] },
            )
        })
        .expect("provider")
        .arn;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.example.com:aud":"sts.amazonaws.com"}},"StringLike":{{"token.actions.example.com:sub":"repo:acme/*"}}}}}}]}}"#
    );
    let deploy = role(&mut w, "deploy", trust);
    let token = federation::issue_oidc_token(
        &mut w,
        OidcTokenRequest { issuer: ISSUER.into(), subject: "repo:acme/app:main".into(), audience: json!("sts.amazonaws.com"), expires_in: Some(86400), not_before: None, claims: None, signed: None },
    )
    .expect("token");
    let (n, d) = run_for(budget, || {
        let req = federation::AssumeRoleWithWebIdentityRequest {
            role_arn: deploy.clone(),
            role_session_name: "ci".into(),
            web_identity_token: token.clone(),
            provider_id: None,
            policy_arns: vec![],
            policy: None,
            duration_seconds: None,
        };
        let caller = unsigned(&w);
        w.call_as(caller, &STS, "AssumeRoleWithWebIdentity", json!({}), |c| federation::assume_role_with_web_identity(c, req)).expect("assume");
    });
    report("iam_assume_role_with_web_identity_per_sec", rate(n, d), "calls/s");

    // AssumeRoleWithSAML.
    let mut w = World::default();
    let metadata = federation::saml_metadata(&mut w, SAML_ISSUER);
    let provider = w
        .call(&IAM, "CreateSAMLProvider", json!({}), |c| {
            federation::create_saml_provider(c, federation::CreateSamlProviderRequest { name: "adfs".into(), saml_metadata_document: metadata, tags: vec![] })
        })
        .expect("saml provider")
        .arn;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":"sts:AssumeRoleWithSAML","Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}}]}}"#
    );
    let admins = role(&mut w, "admins", trust);
    let assertion = federation::issue_saml_assertion(
        &mut w,
        SamlAssertionRequest {
            issuer: SAML_ISSUER.into(),
            subject: "alice@example.com".into(),
            subject_type: None,
            roles: vec![json!(format!("{admins},{provider}"))],
            role_session_name: Some("alice".into()),
            session_duration: None,
            source_identity: None,
            attributes: None,
            audience: None,
            recipient: None,
            expires_in: Some(86400),
            signed: None,
            status: None,
        },
    )
    .expect("assertion");
    let (n, d) = run_for(budget, || {
        let req = federation::AssumeRoleWithSamlRequest {
            role_arn: admins.clone(),
            principal_arn: provider.clone(),
            saml_assertion: assertion.clone(),
            policy_arns: vec![],
            policy: None,
            duration_seconds: None,
        };
        let caller = unsigned(&w);
        w.call_as(caller, &STS, "AssumeRoleWithSAML", json!({}), |c| federation::assume_role_with_saml(c, req)).expect("assume");
    });
    report("iam_assume_role_with_saml_per_sec", rate(n, d), "calls/s");

    // Policy validation of a 20-statement policy.
    let statements: Vec<String> = (0..20)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","kms:Decrypt","iam:Get*"],"Resource":["arn:aws:s3:::bucket-{i}","arn:aws:s3:::bucket-{i}/*","arn:aws:kms:us-east-1:111122223333:key/{i}"],"Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"t{i}"}}}}}}"#
            )
        })
        .collect();
    let doc = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let (n, d) = run_for(budget, || {
        let f = validate::validate(&doc, validate::PolicyType::Identity, false);
        assert!(f.is_empty(), "{f:?}");
    });
    report("iam_validate_policy_20_statements_per_sec", rate(n, d), "validations/s");

    // A credential report for 500 users with an access key each, after 5,000 audited calls.
    let mut w = World::default();
    for i in 0..500 {
        let name = format!("user{i}");
        w.call(&IAM, "CreateUser", json!({}), |c| {
            ops::create_user(c, ops::CreateUserRequest { user_name: name.clone(), path: None, permissions_boundary: None, tags: vec![] })
        })
        .expect("user");
        w.call(&IAM, "CreateAccessKey", json!({}), |c| ops::create_access_key(c, ops::AccessKeyUserRequest { user_name: Some(name.clone()) })).expect("key");
    }
    for _ in 0..4000 {
        w.call(&IAM, "ListUsers", json!({}), |c| ops::list_users(c, ops::ListRequest::default())).expect("list");
    }
    let start = Instant::now();
    let csv = account::credential_report_csv(&w, "111122223333");
    report("iam_credential_report_500_users_ms", start.elapsed().as_secs_f64() * 1000.0, "ms");
    assert_eq!(csv.lines().count(), 502);
}
