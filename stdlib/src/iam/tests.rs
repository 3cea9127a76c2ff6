//! Script-level tests of IAM, STS and Organizations behaviour (each cites the AWS rule it pins).

use rhai::{Dynamic, EvalAltResult, Map};

use crate::script::convert::as_aws_error;

fn run(src: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let (e, _) = crate::script::engine();
    e.eval::<Dynamic>(src)
}

#[track_caller]
fn ok(src: &str) -> Dynamic {
    run(src).unwrap_or_else(|e| panic!("script failed: {e}\n{src}"))
}

/// The AWS error code a script throws.
fn code(src: &str) -> (String, String) {
    let e = run(src).expect_err("expected an AWS error");
    as_aws_error(&e).unwrap_or_else(|| panic!("not an AWS error: {e}"))
}

fn s(d: Dynamic) -> String {
    d.into_string().expect("a string")
}

#[test]
fn users_get_aida_ids_and_arns_with_paths() {
    let u = ok(r#"iam::create_user(#{ UserName: "Bob", Path: "/division_abc/subdivision_xyz/" }).User"#).cast::<Map>();
    assert_eq!(s(u["Arn"].clone()), "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob");
    let id = s(u["UserId"].clone());
    assert!(id.starts_with("AIDA") && id.len() == 21, "{id}");
    assert_eq!(s(u["CreateDate"].clone()), "2026-01-01T00:00:00Z");
}

#[test]
fn names_are_unique_case_insensitively() {
    // "you cannot create groups named both ADMINS and admins" (IAM quotas page)
    let (c, m) = code(r#"iam::create_group("ADMINS"); iam::create_group("admins")"#);
    assert_eq!(c, "EntityAlreadyExists");
    assert_eq!(m, "Group with name admins already exists.");
    assert_eq!(code(r#"iam::create_user("bad name")"#).0, "ValidationError");
}

#[test]
fn a_user_can_be_in_at_most_ten_groups() {
    let (c, m) = code(
        r#"iam::create_user("u");
           for i in 0..11 { iam::create_group(`g${i}`); iam::add_user_to_group("u", `g${i}`); }"#,
    );
    assert_eq!(c, "LimitExceeded");
    assert_eq!(m, "Cannot exceed quota for GroupsPerUser: 10");
}

#[test]
fn deleting_entities_in_use_is_a_delete_conflict() {
    let (c, m) = code(r#"iam::create_user("u"); iam::create_group("g"); iam::add_user_to_group("u", "g"); iam::delete_group("g")"#);
    assert_eq!((c.as_str(), m.as_str()), ("DeleteConflict", "Cannot delete entity, must remove users from group first."));
    let (c, m) = code(r#"iam::create_user("u"); iam::create_access_key("u"); iam::delete_user("u")"#);
    assert_eq!((c.as_str(), m.as_str()), ("DeleteConflict", "Cannot delete entity, must delete access keys first."));
    // A failed call changes nothing: the user is still there.
    let _ = ok(r#"iam::create_user("u"); iam::put_user_policy("u", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`);
          try { iam::delete_user("u") } catch {}
          iam::get_user("u")"#);
}

#[test]
fn access_keys_are_akia_with_40_char_secrets_two_per_user() {
    let k = ok(r#"iam::create_user("u"); iam::create_access_key("u").AccessKey"#).cast::<Map>();
    let id = s(k["AccessKeyId"].clone());
    assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
    assert_eq!(s(k["SecretAccessKey"].clone()).len(), 40);
    assert_eq!(s(k["Status"].clone()), "Active");
    let listed = ok(r#"iam::create_user("u"); iam::create_access_key("u"); iam::list_access_keys(#{ UserName: "u" }).AccessKeyMetadata[0]"#).cast::<Map>();
    assert!(!listed.contains_key("SecretAccessKey"), "secrets are shown once");
    let (c, m) = code(r#"iam::create_user("u"); for i in 0..3 { iam::create_access_key("u") }"#);
    assert_eq!((c.as_str(), m.as_str()), ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2"));
}

#[test]
fn credentials_resolve_to_their_user_and_inactive_keys_stop_working() {
    let who = ok(r#"iam::create_user("alice"); let k = iam::create_access_key("alice").AccessKey; as_principal(k, || whoami().Arn)"#);
    assert_eq!(s(who), "arn:aws:iam::111122223333:user/alice");
    let (c, _) = code(
        r#"iam::create_user("alice"); let k = iam::create_access_key("alice").AccessKey;
           iam::update_access_key(#{ UserName: "alice", AccessKeyId: k.AccessKeyId, Status: "Inactive" });
           as_principal(k, || whoami())"#,
    );
    assert_eq!(c, "InvalidClientTokenId");
    let (c, _) = code(r#"iam::create_user("alice"); let k = iam::create_access_key("alice").AccessKey; k.SecretAccessKey = "x"; as_principal(k, || whoami())"#);
    assert_eq!(c, "SignatureDoesNotMatch");
}

#[test]
fn malformed_policies_are_rejected_with_where() {
    let (c, m) = code(r#"iam::create_user("u"); iam::put_user_policy("u", "p", "{ not json")"#);
    assert_eq!(c, "MalformedPolicyDocument");
    assert!(m.contains("line 1"), "{m}");
}

#[test]
fn inline_policy_size_limit_for_users_is_2048_non_whitespace_characters() {
    // "User policy size cannot exceed 2,048 characters" and "IAM does not count white space".
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":["{}"]}}]}}"#,
        (0..60).map(|i| format!("arn:aws:s3:::bucket-number-{i:03}/*")).collect::<Vec<_>>().join("\",\"")
    );
    let src = format!("iam::create_user(\"u\"); iam::put_user_policy(\"u\", \"p\", `{big}`)");
    let (c, m) = code(&src);
    assert_eq!(c, "LimitExceeded");
    assert_eq!(m, "Maximum policy size of 2048 bytes exceeded for user u");
    // The same document fits a role (10,240).
    let _ = ok(&format!(
        "iam::create_role(\"r\", `{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"ec2.amazonaws.com\"}},\"Action\":\"sts:AssumeRole\"}}]}}`); iam::put_role_policy(\"r\", \"p\", `{big}`)"
    ));
}

#[test]
fn managed_policy_versions_max_five_and_default_moves() {
    let v = ok(r#"
        let doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`;
        let arn = iam::create_policy("p", doc).Policy.Arn;
        for i in 0..4 { iam::create_policy_version(#{ PolicyArn: arn, PolicyDocument: doc, SetAsDefault: i == 3 }) }
        [iam::get_policy(arn).Policy.DefaultVersionId, iam::list_policy_versions(#{ PolicyArn: arn }).Versions.len()]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(s(v[0].clone()), "v5");
    assert_eq!(v[1].as_int().unwrap(), 5);
    let (c, _) = code(r#"
        let doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`;
        let arn = iam::create_policy("p", doc).Policy.Arn;
        for i in 0..5 { iam::create_policy_version(#{ PolicyArn: arn, PolicyDocument: doc }) }"#);
    assert_eq!(c, "LimitExceeded");
    let (c, m) = code(r#"
        let doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`;
        let arn = iam::create_policy("p", doc).Policy.Arn;
        iam::create_user("u"); iam::attach_user_policy("u", arn); iam::delete_policy(arn)"#);
    assert_eq!((c.as_str(), m.as_str()), ("DeleteConflict", "Cannot delete a policy attached to entities."));
}

#[test]
fn aws_managed_policies_have_their_published_documents() {
    let d = ok(r#"iam::get_policy_version(#{ PolicyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", VersionId: "v3" }).PolicyVersion.Document.Statement[0].Action"#);
    assert_eq!(d.to_string(), r#"["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"]"#);
    let n = ok(r#"iam::create_user("u"); iam::attach_user_policy("u", "arn:aws:iam::aws:policy/AdministratorAccess"); iam::get_policy("arn:aws:iam::aws:policy/AdministratorAccess").Policy.AttachmentCount"#);
    assert_eq!(n.as_int().unwrap(), 1);
}

const TRUST_ACCOUNT: &str = r#"`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`"#;

#[test]
fn assume_role_issues_asia_credentials_that_expire_on_the_clock() {
    let src = format!(
        r#"let arn = iam::create_role("admin", {TRUST_ACCOUNT}).Role.Arn;
           let s = iam::assume_role(#{{ RoleArn: arn, RoleSessionName: "demo", DurationSeconds: 900 }});
           let before = as_principal(s, || whoami().Arn);
           clock::advance("15m");
           let after = "still valid";
           try {{ as_principal(s, || iam::get_caller_identity()); }} catch (e) {{ after = e.Code; }}
           [s.Credentials.AccessKeyId, s.Credentials.Expiration, before, after]"#
    );
    let v = ok(&src).cast::<rhai::Array>();
    let id = s(v[0].clone());
    assert!(id.starts_with("ASIA") && id.len() == 20);
    assert_eq!(s(v[1].clone()), "2026-01-01T00:15:00Z");
    assert_eq!(s(v[2].clone()), "arn:aws:sts::111122223333:assumed-role/admin/demo");
    assert_eq!(s(v[3].clone()), "ExpiredToken");
}

#[test]
fn assume_role_duration_limits_and_role_chaining() {
    let (c, m) = code(&format!(r#"let arn = iam::create_role("r", {TRUST_ACCOUNT}).Role.Arn; iam::assume_role(#{{ RoleArn: arn, RoleSessionName: "sess", DurationSeconds: 7200 }})"#));
    assert_eq!((c.as_str(), m.as_str()), ("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    let (c, _) = code(&format!(r#"let arn = iam::create_role("r", {TRUST_ACCOUNT}).Role.Arn; iam::assume_role(#{{ RoleArn: arn, RoleSessionName: "sess", DurationSeconds: 899 }})"#));
    assert_eq!(c, "ValidationError");
    let (c, _) = code(&format!(r#"let arn = iam::create_role("r", {TRUST_ACCOUNT}).Role.Arn; iam::assume_role(#{{ RoleArn: arn, RoleSessionName: "x" }})"#));
    assert_eq!(c, "ValidationError", "session names are 2-64 characters");
}

#[test]
fn organizations_create_member_accounts_with_an_admin_role() {
    let v = ok(r#"
        organizations::create_organization();
        let id = organizations::create_account(#{ AccountName: "dev", Email: "dev@example.com" }).CreateAccountStatus.AccountId;
        let s = iam::assume_role(#{ RoleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`, RoleSessionName: "admin" });
        [id, as_principal(s, || whoami().Account)]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(v[0].to_string(), v[1].to_string());
    assert_eq!(v[0].to_string().len(), 12);
}

#[test]
fn every_call_is_audited_allowed_or_denied() {
    let v = ok(r#"
        iam::create_user("u");
        try { iam::create_user("u") } catch {}
        let t = world::trail();
        [t.len(), t[0].eventName, t[0].eventSource, t[1].errorCode, t[0].userIdentity.type]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(v[0].as_int().unwrap(), 2);
    assert_eq!(s(v[1].clone()), "CreateUser");
    assert_eq!(s(v[2].clone()), "iam.amazonaws.com");
    assert_eq!(s(v[3].clone()), "EntityAlreadyExists");
    assert_eq!(s(v[4].clone()), "Root");
}

#[test]
fn save_and_load_keep_every_iam_entity() {
    let v = ok(&format!(
        r#"iam::create_user("alice"); iam::create_group("g"); iam::add_user_to_group("alice", "g");
           let k = iam::create_access_key("alice").AccessKey;
           iam::create_role("r", {TRUST_ACCOUNT});
           let saved = world::save();
           world::reset();
           let gone = false;
           try {{ iam::get_user("alice"); }} catch {{ gone = true; }}
           world::load(saved);
           let again = world::save();
           [gone, iam::get_group("g").Users[0].UserName, as_principal(k, || whoami().Arn), again == saved]"#
    ))
    .cast::<rhai::Array>();
    assert!(v[0].as_bool().unwrap());
    assert_eq!(s(v[1].clone()), "alice");
    assert_eq!(s(v[2].clone()), "arn:aws:iam::111122223333:user/alice");
    assert!(v[3].as_bool().unwrap(), "save -> load -> save is identical");
}

const MFA_SETUP: &str = r#"
    iam::create_user("alice");
    let k = iam::create_access_key("alice").AccessKey;
    let d = iam::create_virtual_mfa_device(#{ VirtualMFADeviceName: "alice" }).VirtualMFADevice;
    let c1 = iam::mfa_code(d.Base32StringSeed);
    clock::advance("30s");
    let c2 = iam::mfa_code(d.Base32StringSeed);
"#;

#[test]
fn enabling_mfa_takes_two_consecutive_codes() {
    let _ = ok(&format!("{MFA_SETUP} iam::enable_mfa_device(#{{ UserName: \"alice\", SerialNumber: d.SerialNumber, AuthenticationCode1: c1, AuthenticationCode2: c2 }})"));
    // The same code twice is not two consecutive codes.
    let (c, m) = code(&format!("{MFA_SETUP} iam::enable_mfa_device(#{{ UserName: \"alice\", SerialNumber: d.SerialNumber, AuthenticationCode1: c2, AuthenticationCode2: c2 }})"));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidAuthenticationCode", "Authentication code for device is not valid."));
}

#[test]
fn session_tokens_with_mfa_expire_and_codes_cannot_be_replayed() {
    let v = ok(&format!(
        r#"{MFA_SETUP}
           iam::enable_mfa_device(#{{ UserName: "alice", SerialNumber: d.SerialNumber, AuthenticationCode1: c1, AuthenticationCode2: c2 }});
           clock::advance("30s");
           let code = iam::mfa_code(d.Base32StringSeed);
           let s = as_principal(k, || iam::get_session_token(#{{ SerialNumber: d.SerialNumber, TokenCode: code, DurationSeconds: 900 }}));
           let replay = "accepted";
           try {{ as_principal(k, || iam::get_session_token(#{{ SerialNumber: d.SerialNumber, TokenCode: code }})); }} catch (e) {{ replay = e.Code; }}
           let who = as_principal(s.Credentials, || whoami().Arn);
           clock::advance("15m");
           let later = "valid";
           try {{ as_principal(s.Credentials, || iam::get_caller_identity()); }} catch (e) {{ later = e.Code; }}
           [who, replay, later]"#
    ))
    .cast::<rhai::Array>();
    assert_eq!(s(v[0].clone()), "arn:aws:iam::111122223333:user/alice");
    assert_eq!(s(v[1].clone()), "AccessDenied");
    assert_eq!(s(v[2].clone()), "ExpiredToken");
    let (c, _) = code(&format!("{MFA_SETUP} iam::delete_access_key(#{{ UserName: \"alice\", AccessKeyId: k.AccessKeyId }}); iam::enable_mfa_device(#{{ UserName: \"alice\", SerialNumber: d.SerialNumber, AuthenticationCode1: c1, AuthenticationCode2: c2 }}); iam::delete_user(\"alice\")"));
    assert_eq!(c, "DeleteConflict");
}

// ---- decisions through the real engine, with everything the world gathers ----

const S3_READ: &str = r#"`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`"#;

#[test]
fn group_policies_apply_to_members_only() {
    let src = format!(
        r#"iam::create_user("alice"); iam::create_user("bob"); iam::create_group("readers");
           iam::put_group_policy("readers", "read", {S3_READ}); iam::add_user_to_group("alice", "readers");
           [iam::can("alice", "s3:GetObject", "arn:aws:s3:::b/k").Decision, iam::can("bob", "s3:GetObject", "arn:aws:s3:::b/k").Decision,
            iam::can("alice", "s3:PutObject", "arn:aws:s3:::b/k").Decision]"#
    );
    let v = ok(&src).cast::<rhai::Array>();
    assert_eq!(v.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["allowed", "implicitDeny", "implicitDeny"]);
}

#[test]
fn an_explicit_deny_in_any_policy_overrides_allows() {
    // "An explicit deny in any policy overrides any allows." (evaluation logic summary)
    let src = r#"iam::create_user("alice"); iam::attach_user_policy("alice", "arn:aws:iam::aws:policy/AdministratorAccess");
           iam::create_group("g"); iam::add_user_to_group("alice", "g");
           iam::put_group_policy("g", "no-logs", `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLogs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`);
           let r = iam::can("alice", "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/x");
           [r.Decision, r.Reasons[0].Sid, r.Reasons[0].Type, r.Explanation, iam::can("alice", "s3:PutObject", "arn:aws:s3:::carlossalazar/x").Decision]"#.to_string();
    let v = ok(&src).cast::<rhai::Array>();
    assert_eq!(s(v[0].clone()), "explicitDeny");
    assert_eq!(s(v[1].clone()), "DenyLogs");
    assert_eq!(s(v[2].clone()), "group");
    assert_eq!(
        s(v[3].clone()),
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::carlossalazar-logs/x with an explicit deny in an identity-based policy"
    );
    assert_eq!(s(v[4].clone()), "allowed");
}

#[test]
fn a_permissions_boundary_caps_identity_policies() {
    let src = format!(
        r#"let b = iam::create_policy("boundary", {S3_READ}).Policy.Arn;
           iam::create_user(#{{ UserName: "alice", PermissionsBoundary: b }});
           iam::attach_user_policy("alice", "arn:aws:iam::aws:policy/AdministratorAccess");
           [iam::can("alice", "s3:GetObject", "arn:aws:s3:::b/k").Decision, iam::can("alice", "iam:CreateUser", "arn:aws:iam::111122223333:user/x").Decision,
            iam::get_policy(b).Policy.PermissionsBoundaryUsageCount]"#
    );
    let v = ok(&src).cast::<rhai::Array>();
    assert_eq!(s(v[0].clone()), "allowed");
    assert_eq!(s(v[1].clone()), "implicitDeny");
    assert_eq!(v[2].as_int().unwrap(), 1);
}

#[test]
fn the_denied_call_is_refused_with_awss_message_and_audited() {
    let v = ok(r#"
        iam::create_user("bob");
        let k = iam::create_access_key("bob").AccessKey;
        let msg = "";
        try { as_principal(k, || iam::create_user("mallory")); } catch (e) { msg = e.Message; }
        let ev = world::trail(#{ eventName: "CreateUser", errorCode: "AccessDenied" });
        [msg, ev.len(), ev[0].userIdentity.arn]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(
        s(v[0].clone()),
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/mallory because no identity-based policy allows the iam:CreateUser action"
    );
    assert_eq!(v[1].as_int().unwrap(), 1);
    assert_eq!(s(v[2].clone()), "arn:aws:iam::111122223333:user/bob");
}

#[test]
fn a_trust_policy_naming_the_account_needs_an_identity_allow_naming_the_user_does_not() {
    // Role trust policies "must explicitly allow access for principals" (evaluation logic).
    let src = format!(
        r#"iam::create_user("alice"); iam::create_user("bob");
           let ka = iam::create_access_key("alice").AccessKey; let kb = iam::create_access_key("bob").AccessKey;
           let acct_role = iam::create_role("via-account", {TRUST_ACCOUNT}).Role.Arn;
           let bob_role = iam::create_role("for-bob", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:user/bob"}},"Action":"sts:AssumeRole"}}]}}`).Role.Arn;
           let out = [];
           for pair in [[ka, acct_role], [kb, bob_role], [ka, bob_role]] {{
               let r = "ok";
               try {{ as_principal(pair[0], || iam::assume_role(pair[1], "sess")); }} catch (e) {{ r = e.Code; }}
               out.push(r);
           }}
           iam::put_user_policy("alice", "assume", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}]}}`);
           let r = "ok";
           try {{ as_principal(ka, || iam::assume_role(acct_role, "ss")); }} catch (e) {{ r = e.Code; }}
           out.push(r);
           out"#
    );
    let v = ok(&src).cast::<rhai::Array>();
    assert_eq!(v.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["AccessDenied", "ok", "AccessDenied", "ok"]);
}

#[test]
fn scps_restrict_member_accounts_even_their_root_but_never_the_management_account() {
    let v = ok(r#"
        organizations::create_organization();
        let root = organizations::list_roots().Roots[0].Id;
        organizations::enable_policy_type(#{ RootId: root, PolicyType: "SERVICE_CONTROL_POLICY" });
        let id = organizations::create_account(#{ AccountName: "dev", Email: "dev@example.com" }).CreateAccountStatus.AccountId;
        let ou = organizations::create_organizational_unit(#{ ParentId: root, Name: "sandbox" }).OrganizationalUnit.Id;
        organizations::move_account(#{ AccountId: id, SourceParentId: root, DestinationParentId: ou });
        let p = organizations::create_policy(#{ Name: "no-kms", Type: "SERVICE_CONTROL_POLICY",
            Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}` }).Policy.PolicySummary.Id;
        organizations::attach_policy(#{ PolicyId: p, TargetId: ou });
        let member_root = `arn:aws:iam::${id}:root`;
        let mgmt = "arn:aws:iam::111122223333:root";
        [iam::can(member_root, "kms:Encrypt", `arn:aws:kms:us-east-1:${id}:key/k`).Decision,
         iam::can(member_root, "s3:GetObject", "arn:aws:s3:::b/k").Decision,
         iam::can(mgmt, "kms:Encrypt", "arn:aws:kms:us-east-1:111122223333:key/k").Decision]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(v.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["explicitDeny", "allowed", "allowed"]);
}

#[test]
fn the_simulator_reports_matched_statements_with_positions() {
    let v = ok(&format!(
        r#"let arn = iam::create_user("alice").User.Arn;
           iam::put_user_policy("alice", "read", {S3_READ});
           let r = iam::simulate_principal_policy(#{{ PolicySourceArn: arn, ActionNames: ["s3:GetObject", "s3:PutObject"], ResourceArns: ["arn:aws:s3:::b/k"] }}).EvaluationResults;
           [r[0].EvalDecision, r[0].MatchedStatements[0].SourcePolicyId, r[0].MatchedStatements[0].SourcePolicyType, r[0].MatchedStatements[0].StartPosition.Line, r[1].EvalDecision, r[1].MatchedStatements.len()]"#
    ))
    .cast::<rhai::Array>();
    assert_eq!(s(v[0].clone()), "allowed");
    assert_eq!(s(v[1].clone()), "read");
    assert_eq!(s(v[2].clone()), "user");
    assert_eq!(v[3].as_int().unwrap(), 1);
    assert_eq!(s(v[4].clone()), "implicitDeny");
    assert_eq!(v[5].as_int().unwrap(), 0, "implicitly denied actions show no matching statements");
}

#[test]
fn ip_address_conditions_follow_the_callers_source_ip() {
    // The seeds' example: allow only from 10.10.0.0/16.
    let v = ok(r#"
        iam::create_user("alice");
        let k = iam::create_access_key("alice").AccessKey;
        iam::put_user_policy("alice", "office-only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.10.0.0/16"}}}]}`);
        let inside = "ok"; let outside = "ok";
        try { as_principal(#{ Credentials: k, SourceIp: "10.10.4.2" }, || iam::get_user("alice")); } catch (e) { inside = e.Code; }
        try { as_principal(#{ Credentials: k, SourceIp: "192.0.2.7" }, || iam::get_user("alice")); } catch (e) { outside = e.Code; }
        [inside, outside, iam::can("alice", "iam:GetUser", "*", #{ "aws:SourceIp": "10.10.9.9" }).Decision]
    "#)
    .cast::<rhai::Array>();
    assert_eq!(v.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["ok", "AccessDenied", "allowed"]);
}

#[test]
fn explain_shows_what_each_policy_says_and_the_decision() {
    // The decision path, policy by policy: AdministratorAccess allows on its own, the group's
    // Deny does not apply to this bucket, and the boundary (s3:GetObject only) does not allow
    // PutObject — "the effective permissions are the intersection of identity-based policies
    // and the permissions boundary", so the request is implicitly denied.
    let v = ok(r#"
        let b = iam::create_policy("read-only-boundary", `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyRead","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`).Policy.Arn;
        iam::create_user(#{ UserName: "alice", PermissionsBoundary: b });
        iam::attach_user_policy("alice", "arn:aws:iam::aws:policy/AdministratorAccess");
        iam::create_group("g"); iam::add_user_to_group("alice", "g");
        iam::put_group_policy("g", "no-logs", `{"Version":"2012-10-17","Statement":[{"Sid":"DenyLogs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`);
        let put = iam::explain("alice", "s3:PutObject", "arn:aws:s3:::carlossalazar/x");
        let logs = iam::explain("alice", "s3:GetObject", "arn:aws:s3:::carlossalazar-logs/x");
        [put.rows().map(|r| [r.Type, r["On its own"], r["Statements that apply"]]), put.title,
         logs.rows().map(|r| r["On its own"])]
    "#)
    .cast::<rhai::Array>();
    let rows: Vec<Vec<String>> = v[0].clone().cast::<rhai::Array>().into_iter().map(|r| r.cast::<rhai::Array>().into_iter().map(|c| c.to_string()).collect()).collect();
    let kinds: Vec<(&str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        kinds,
        [("aws-managed", "allowed"), ("group", "implicitDeny"), ("permissions-boundary", "implicitDeny"), ("", "implicitDeny")]
    );
    assert_eq!(rows[0][2], "Allow #0 (line 4)", "AdministratorAccess's only statement, at line 4 of its document");
    assert_eq!(rows[1][2], "");
    assert!(rows[3][2].contains("because no permissions boundary allows the s3:PutObject action"), "{}", rows[3][2]);
    assert_eq!(s(v[1].clone()), "arn:aws:iam::111122223333:user/alice → s3:PutObject on arn:aws:s3:::carlossalazar/x: implicitDeny");
    // GetObject on a log bucket: the boundary allows, the group's Deny applies and wins.
    let logs: Vec<String> = v[2].clone().cast::<rhai::Array>().into_iter().map(|c| c.to_string()).collect();
    assert_eq!(logs, ["allowed", "explicitDeny", "allowed", "explicitDeny"]);
}
