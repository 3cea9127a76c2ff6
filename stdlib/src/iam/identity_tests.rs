//! Script-level tests of federation, account settings, credential reports, Access Advisor
//! and policy validation (each cites the AWS rule or text it pins).

use base64::Engine as _;
use rhai::{Array, Dynamic, EvalAltResult, Map};

use crate::script::convert::as_aws_error;
use crate::script::testing::ok_with_trail;

fn run(src: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    let (e, _) = crate::script::engine();
    e.eval::<Dynamic>(src)
}

#[track_caller]
fn ok(src: &str) -> Dynamic {
    run(src).unwrap_or_else(|e| panic!("script failed: {e}\n{src}"))
}

#[track_caller]
fn code(src: &str) -> (String, String) {
    let e = run(src).expect_err("expected an AWS error");
    as_aws_error(&e).unwrap_or_else(|| panic!("not an AWS error: {e}"))
}

fn s(d: &Dynamic) -> String {
    d.clone().into_string().unwrap_or_else(|_| format!("{d}"))
}

fn strings(d: Dynamic) -> Vec<String> {
    d.cast::<Array>().iter().map(s).collect()
}

// ---------------------------------------------------------------------------------------------
// OIDC federation

/// A provider for the simulated IdP, a role trusting it for one repository, and a token.
const OIDC: &str = r#"
    let issuer = "https://token.actions.example.com";
    let provider = iam::create_open_id_connect_provider(#{ Url: issuer, ClientIDList: ["sts.amazonaws.com"] }).OpenIDConnectProviderArn;
    let trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${provider}"},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"token.actions.example.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.example.com:sub":"repo:org/app:*"}}}]}`;
    let role = iam::create_role("deploy", trust).Role.Arn;
    let token = iam::oidc_token(#{ Issuer: issuer, Subject: "repo:org/app:ref:refs/heads/main", Audience: "sts.amazonaws.com", ExpiresIn: 600 });
"#;

#[test]
fn web_identity_tokens_become_role_sessions() {
    let v = ok(&format!(
        r#"{OIDC}
           let r = iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci-run", WebIdentityToken: token }});
           let ev = world::trail(#{{ eventName: "AssumeRoleWithWebIdentity" }})[0];
           [provider, r.Provider, r.Audience, r.SubjectFromWebIdentityToken, r.AssumedRoleUser.Arn,
            as_principal(r, || iam::get_caller_identity().Arn), ev.userIdentity.type, ev.userIdentity.identityProvider,
            ev.userIdentity.principalId, ev.eventSource, iam::get_open_id_connect_provider(#{{ OpenIDConnectProviderArn: provider }}).Url]"#
    ));
    let v = strings(v);
    assert_eq!(v[0], "arn:aws:iam::111122223333:oidc-provider/token.actions.example.com");
    assert_eq!(v[1], "https://token.actions.example.com");
    assert_eq!(v[2], "sts.amazonaws.com");
    assert_eq!(v[3], "repo:org/app:ref:refs/heads/main");
    assert_eq!(v[4], "arn:aws:sts::111122223333:assumed-role/deploy/ci-run");
    assert_eq!(v[5], v[4], "GetCallerIdentity with the web identity session");
    // CloudTrail: "type": "WebIdentityUser" with the identity provider.
    assert_eq!(v[6], "WebIdentityUser");
    assert_eq!(v[7], "token.actions.example.com");
    assert_eq!(v[8], "token.actions.example.com:sts.amazonaws.com:repo:org/app:ref:refs/heads/main");
    assert_eq!(v[9], "sts.amazonaws.com");
    // GetOpenIDConnectProvider returns the URL without its scheme.
    assert_eq!(v[10], "token.actions.example.com");
}

#[test]
fn federated_sessions_carry_the_provider_in_aws_federated_provider() {
    let v = ok(&format!(
        r#"{OIDC}
           iam::put_role_policy("deploy", "p", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{{"StringEquals":{{"aws:FederatedProvider":"${{provider}}"}}}}}}]}}`);
           let r = iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: token }});
           as_principal(r, || iam::list_roles().Roles.len())"#
    ));
    assert_eq!(v.as_int().unwrap(), 1);
}

/// The web identity error cases AWS documents, each with its code and message.
#[test]
fn web_identity_errors_are_awss() {
    let call = |token: &str| format!(r#"{OIDC} iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: {token} }})"#);
    // aud not among the provider's client ids.
    let (c, m) = code(&call(r#"iam::oidc_token(#{ Issuer: issuer, Subject: "repo:org/app:x", Audience: "other-app" })"#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "Incorrect token audience"));
    // No provider for the issuer in the role's account.
    let (c, m) = code(&call(r#"iam::oidc_token(#{ Issuer: "https://elsewhere.example.com", Subject: "s", Audience: "sts.amazonaws.com" })"#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://elsewhere.example.com"));
    // The trust policy's sub condition does not match.
    let (c, m) = code(&call(r#"iam::oidc_token(#{ Issuer: issuer, Subject: "repo:evil/app:main", Audience: "sts.amazonaws.com" })"#));
    assert_eq!((c.as_str(), m.as_str()), ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
    // Unsigned (alg none).
    let (c, m) = code(&call(r#"iam::oidc_token(#{ Issuer: issuer, Subject: "repo:org/app:x", Audience: "sts.amazonaws.com", Signed: false })"#));
    assert_eq!(c, "InvalidIdentityToken");
    assert!(m.starts_with("The web identity token that was passed could not be validated by AWS"), "{m}");
    // Not a JWT at all.
    let (c, m) = code(&call(r#""definitely-not-a-jwt""#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"));
    // Not valid yet (nbf in the future): the IdP's claim is rejected.
    let (c, _) = code(&call(r#"iam::oidc_token(#{ Issuer: issuer, Subject: "repo:org/app:x", Audience: "sts.amazonaws.com", NotBefore: 600 })"#));
    assert_eq!(c, "IDPRejectedClaim");
}

#[test]
fn web_identity_session_parameters() {
    let call = |extra: &str| format!(r#"{OIDC} iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: token, {extra} }})"#);
    let (c, _) = code(&call(r#"Policy: "{ not json""#));
    assert_eq!(c, "MalformedPolicyDocument");
    let (c, m) = code(&call("DurationSeconds: 7200"));
    assert_eq!((c.as_str(), m.as_str()), ("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    assert_eq!(code(&call("DurationSeconds: 600")).0, "ValidationError", "at least 900 seconds");
    // A source identity claim needs sts:SetSourceIdentity in the trust policy.
    let (c, _) = code(&format!(
        r#"{OIDC} let t = iam::oidc_token(#{{ Issuer: issuer, Subject: "repo:org/app:x", Audience: "sts.amazonaws.com", Claims: #{{ "https://aws.amazon.com/source_identity": "alice" }} }});
           iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: t }})"#
    ));
    assert_eq!(c, "AccessDenied");
    // A session policy limits the session to the intersection with the role's policies.
    let v = strings(ok(&format!(
        r#"{OIDC}
           iam::put_role_policy("deploy", "p", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["iam:ListRoles","iam:ListUsers"],"Resource":"*"}}]}}`);
           let r = iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: token, DurationSeconds: 900,
               Policy: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}}]}}` }});
           let out = [r.Credentials.Expiration];
           for f in [|| iam::list_roles(), || iam::list_users()] {{
               let res = "ok";
               try {{ as_principal(r, f); }} catch (e) {{ res = e.Code; }}
               out.push(res);
           }}
           out"#
    )));
    assert_eq!(v, ["2026-01-01T00:15:00Z", "ok", "AccessDenied"]);
}

#[test]
fn expired_tokens_name_both_times() {
    // "Token expired: current date/time 1624482533 must be before the expiration date/time 1624482335"
    let (c, m) = code(&format!(
        r#"{OIDC} clock::advance("10m"); iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: token }})"#
    ));
    let start = crate::world::clock::DEFAULT_START.secs();
    assert_eq!(c, "ExpiredTokenException");
    assert_eq!(m, format!("Token expired: current date/time {} must be before the expiration date/time {}", start + 600, start + 600));
}

#[test]
fn a_token_edited_after_signing_is_rejected_and_changes_nothing() {
    let token = s(&ok(&format!("{OIDC} token")));
    let parts: Vec<&str> = token.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let claims = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap().replace("repo:org/app:ref:refs/heads/main", "repo:org/app:ref:refs/heads/evil");
    let forged = format!("{}.{}.{}", parts[0], b64.encode(claims), parts[2]);
    let v = ok(&format!(
        r#"{OIDC}
           let before = world::save().len();
           let out = "";
           try {{ iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: "{forged}" }}); }} catch (e) {{ out = e.Code; }}
           let ev = world::trail(#{{ eventName: "AssumeRoleWithWebIdentity" }});
           [out, ev.len(), ev[0].errorCode, ev[0].userIdentity.userName]"#
    ));
    let v = strings(v);
    assert_eq!(v[0], "InvalidIdentityToken");
    assert_eq!(v[1], "1", "a failed call is audited once");
    assert_eq!(v[2], "InvalidIdentityToken");
    assert_eq!(v[3], "repo:org/app:ref:refs/heads/evil", "the trail shows who claimed to be calling");
}

#[test]
fn a_thumbprint_that_does_not_match_the_idp_certificate_fails() {
    let (c, m) = code(
        r#"let issuer = "https://idp.example.com";
           let p = iam::create_open_id_connect_provider(#{ Url: issuer, ClientIDList: ["app"], ThumbprintList: ["0000000000000000000000000000000000000000"] }).OpenIDConnectProviderArn;
           let role = iam::create_role("r", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${p}"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`).Role.Arn;
           iam::assume_role_with_web_identity(#{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: iam::oidc_token(#{ Issuer: issuer, Subject: "u", Audience: "app" }) })"#,
    );
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"));
    // Without ThumbprintList IAM fetches the IdP's own thumbprint.
    let v = strings(ok(r#"let p = iam::create_open_id_connect_provider(#{ Url: "https://idp.example.com", ClientIDList: ["app"] }).OpenIDConnectProviderArn;
           [iam::get_open_id_connect_provider(#{ OpenIDConnectProviderArn: p }).ThumbprintList[0], iam::oidc_idp("https://idp.example.com").Thumbprint]"#));
    assert_eq!(v[0], v[1]);
    assert_eq!(v[0].len(), 40);
}

#[test]
fn oidc_provider_management() {
    let (c, m) = code(r#"iam::create_open_id_connect_provider(#{ Url: "https://idp.example.com", ClientIDList: ["a"] }); iam::create_open_id_connect_provider(#{ Url: "https://idp.example.com" })"#);
    assert_eq!((c.as_str(), m.as_str()), ("EntityAlreadyExists", "Provider with url https://idp.example.com already exists."));
    assert_eq!(code(r#"iam::create_open_id_connect_provider(#{ Url: "http://idp.example.com" })"#).0, "InvalidInput");
    assert_eq!(code(r#"iam::create_open_id_connect_provider(#{ Url: "https://idp.example.com", ThumbprintList: ["abc"] })"#).0, "ValidationError");
    let v = strings(ok(r#"let p = iam::create_open_id_connect_provider(#{ Url: "https://idp.example.com/tenant", ClientIDList: ["a"] }).OpenIDConnectProviderArn;
           iam::add_client_id_to_open_id_connect_provider(#{ OpenIDConnectProviderArn: p, ClientID: "b" });
           let ids = iam::get_open_id_connect_provider(#{ OpenIDConnectProviderArn: p }).ClientIDList;
           let n = iam::list_open_id_connect_providers().OpenIDConnectProviderList.len();
           iam::delete_open_id_connect_provider(#{ OpenIDConnectProviderArn: p });
           let gone = "";
           try { iam::get_open_id_connect_provider(#{ OpenIDConnectProviderArn: p }); } catch (e) { gone = e.Message; }
           [p, ids[0], ids[1], n, gone]"#));
    assert_eq!(v, [
        "arn:aws:iam::111122223333:oidc-provider/idp.example.com/tenant",
        "a",
        "b",
        "1",
        "OpenIDConnect Provider not found for arn arn:aws:iam::111122223333:oidc-provider/idp.example.com/tenant"
    ]);
}

// ---------------------------------------------------------------------------------------------
// SAML federation

const SAML: &str = r#"
    let idp = "https://idp.example.com/saml";
    let provider = iam::create_saml_provider(#{ Name: "corp", SAMLMetadataDocument: iam::saml_metadata(idp) }).SAMLProviderArn;
    let trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${provider}"},"Action":"sts:AssumeRoleWithSAML",
        "Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`;
    let role = iam::create_role("admins", trust).Role.Arn;
    let assertion = iam::saml_assertion(#{ Issuer: idp, Subject: "alice@example.com", Roles: [`${role},${provider}`], RoleSessionName: "alice" });
"#;

#[test]
fn saml_assertions_become_role_sessions() {
    let v = strings(ok(&format!(
        r#"{SAML}
           let r = iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion }});
           let ev = world::trail(#{{ eventName: "AssumeRoleWithSAML" }})[0];
           [provider, r.Subject, r.SubjectType, r.Issuer, r.Audience, r.NameQualifier, as_principal(r, || whoami().Arn),
            ev.userIdentity.type, ev.userIdentity.principalId, iam::list_saml_providers().SAMLProviderList[0].Arn]"#
    )));
    assert_eq!(v[0], "arn:aws:iam::111122223333:saml-provider/corp");
    assert_eq!(v[1], "alice@example.com");
    // "urn:oasis:names:tc:SAML:2.0:nameid-format:transient is returned as transient"
    assert_eq!(v[2], "persistent");
    assert_eq!(v[3], "https://idp.example.com/saml");
    assert_eq!(v[4], "https://signin.aws.amazon.com/saml");
    // NameQualifier: BASE64 ( SHA1 ( issuer + account + "/" + provider name ) )
    let nq = super::federation::name_qualifier("https://idp.example.com/saml", "111122223333", "corp");
    assert_eq!(v[5], nq);
    assert_eq!(v[6], "arn:aws:sts::111122223333:assumed-role/admins/alice");
    assert_eq!(v[7], "SAMLUser");
    assert_eq!(v[8], format!("{nq}:alice@example.com"));
    assert_eq!(v[9], v[0]);
}

/// The SAML troubleshooting page's errors.
#[test]
fn saml_errors_are_awss() {
    let call = |assertion: &str| format!(r#"{SAML} iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: {assertion} }})"#);
    let with = |extra: &str| {
        let name = if extra.contains("RoleSessionName") { "" } else { r#"RoleSessionName: "alice","# };
        call(&format!(r#"iam::saml_assertion(#{{ Issuer: idp, Subject: "alice@example.com", Roles: [`${{role}},${{provider}}`], {name} {extra} }})"#))
    };
    assert_eq!(code(&with("Signed: false")), ("InvalidIdentityToken".into(), "Response signature invalid".into()));
    assert_eq!(code(&with(r#"Audience: "urn:example:other""#)), ("InvalidIdentityToken".into(), "Response does not contain the required audience.".into()));
    assert_eq!(code(&with(r#"Status: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed""#)).0, "IDPRejectedClaim");
    assert_eq!(code(&with("RoleSessionName: \"a b\"")).1, "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}");
    let (c, m) = code(&call(r#"iam::saml_assertion(#{ Issuer: idp, Subject: "alice@example.com", Roles: [`${role},${provider}`] })"#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse"));
    // "This error can occur if the IAM role specified in the SAML response is misspelled or does not exist."
    let (c, m) = code(&call(r#"iam::saml_assertion(#{ Issuer: idp, Subject: "alice@example.com", Roles: [`arn:aws:iam::111122223333:role/other,${provider}`], RoleSessionName: "alice" })"#));
    assert_eq!((c.as_str(), m.as_str()), ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"));
    // An assertion from another IdP does not verify with this provider's key.
    assert_eq!(code(&call(r#"iam::saml_assertion(#{ Issuer: "https://other.example.com/saml", Subject: "a", Roles: [`${role},${provider}`], RoleSessionName: "alice" })"#)).1, "Response signature invalid");
    let (c, m) = code(&format!(r#"{SAML} iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: "arn:aws:iam::111122223333:saml-provider/nope", SAMLAssertion: assertion }})"#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "Specified provider doesn't exist."));
    let (c, _) = code(&format!(r#"{SAML} clock::advance("5m"); iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion }})"#));
    assert_eq!(c, "ExpiredTokenException", "NotOnOrAfter is five minutes after issue");
}

#[test]
fn a_saml_response_edited_after_signing_fails_verification() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let assertion = s(&ok(&format!("{SAML} assertion")));
    let xml = String::from_utf8(b64.decode(&assertion).unwrap()).unwrap();
    assert!(xml.contains("<ds:SignatureValue>"));
    let forged = b64.encode(xml.replace("alice@example.com", "mallory@example.com"));
    let (c, m) = code(&format!(r#"{SAML} iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: "{forged}" }})"#));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidIdentityToken", "Response signature invalid"));
}

#[test]
fn saml_trust_conditions_read_the_assertion_attributes() {
    let v = strings(ok(&format!(
        r#"{SAML}
           let staff = `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"${{provider}}"}},"Action":"sts:AssumeRoleWithSAML",
               "Condition":{{"ForAnyValue:StringEquals":{{"saml:edupersonaffiliation":"staff"}}}}}}]}}`;
           let r2 = iam::create_role("staff-only", staff).Role.Arn;
           let out = [];
           for aff in [["student"], ["student", "staff"]] {{
               let a = iam::saml_assertion(#{{ Issuer: idp, Subject: "bob", Roles: [`${{r2}},${{provider}}`], RoleSessionName: "bob",
                   Attributes: #{{ "urn:oid:1.3.6.1.4.1.5923.1.1.1.1": aff }} }});
               let res = "ok";
               try {{ iam::assume_role_with_saml(#{{ RoleArn: r2, PrincipalArn: provider, SAMLAssertion: a }}); }} catch (e) {{ res = e.Code; }}
               out.push(res);
           }}
           out"#
    )));
    assert_eq!(v, ["AccessDenied", "ok"]);
    // An attribute without values is simply absent from the request context.
    let v = ok(&format!(
        r#"{SAML} let a = iam::saml_assertion(#{{ Issuer: idp, Subject: "bob", Roles: [`${{role}},${{provider}}`], RoleSessionName: "bob",
               Attributes: #{{ "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": [] }} }});
           iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: a }}).Subject"#
    ));
    assert_eq!(s(&v), "bob");
}

#[test]
fn saml_provider_metadata_is_validated() {
    let (c, _) = code(r#"iam::create_saml_provider(#{ Name: "x", SAMLMetadataDocument: "<EntityDescriptor/>" })"#);
    assert_eq!(c, "ValidationError", "the metadata document is at least 1,000 characters");
    let long = format!("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"x\">{}</md:EntityDescriptor>", "<!-- padding -->".repeat(80));
    let (c, m) = code(&format!(r#"iam::create_saml_provider(#{{ Name: "x", SAMLMetadataDocument: `{long}` }})"#));
    assert_eq!(c, "InvalidInput");
    assert!(m.starts_with("Could not parse metadata"), "{m}");
    let (c, m) = code(r#"iam::get_saml_provider(#{ SAMLProviderArn: "arn:aws:iam::111122223333:saml-provider/none" })"#);
    assert_eq!((c.as_str(), m.as_str()), ("NoSuchEntity", "Manifest not found for arn arn:aws:iam::111122223333:saml-provider/none"));
}

// ---------------------------------------------------------------------------------------------
// GetCallerIdentity for every kind of principal

#[test]
fn get_caller_identity_for_every_kind_of_principal() {
    let v = ok(&format!(
        r#"{OIDC}
           iam::create_user("alice");
           let k = iam::create_access_key("alice").AccessKey;
           let st = as_principal(k, || iam::get_session_token(#{{ DurationSeconds: 900 }}));
           let trust_account = `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"111122223333"}},"Action":"sts:AssumeRole"}}]}}`;
           let ar = iam::assume_role(iam::create_role("ops", trust_account).Role.Arn, "s1");
           let web = iam::assume_role_with_web_identity(#{{ RoleArn: role, RoleSessionName: "ci", WebIdentityToken: token }});
           iam::create_login_profile("alice", "Correct-Horse-9");
           let console = iam::console_login("alice", "Correct-Horse-9");
           let rows = [];
           for who in [(), "alice", k, st, ar, web, console.Credentials] {{
               let id = if who == () {{ iam::get_caller_identity() }} else {{ as_principal(who, || iam::get_caller_identity()) }};
               rows.push(`${{id.Arn}} | ${{id.UserId}} | ${{id.Account}}`);
           }}
           let anon = "";
           try {{ as_principal("anonymous", || iam::get_caller_identity()); }} catch (e) {{ anon = e.Code; }}
           rows.push(anon);
           rows"#
    ));
    let v = strings(v);
    assert_eq!(v[0], "arn:aws:iam::111122223333:root | 111122223333 | 111122223333", "root: UserId is the account id");
    assert!(v[1].starts_with("arn:aws:iam::111122223333:user/alice | AIDA"), "{}", v[1]);
    assert_eq!(v[2], v[1], "an access key of the user");
    assert_eq!(v[3], v[1], "GetSessionToken credentials are still the user");
    assert!(v[4].starts_with("arn:aws:sts::111122223333:assumed-role/ops/s1 | AROA") && v[4].contains(":s1 |"), "{}", v[4]);
    assert!(v[5].starts_with("arn:aws:sts::111122223333:assumed-role/deploy/ci | AROA"), "{}", v[5]);
    assert_eq!(v[6], v[1], "a console session is the user");
    assert_eq!(v[7], "InvalidClientTokenId", "an unsigned request has no identity");
}

// ---------------------------------------------------------------------------------------------
// Password policy, login profiles, sign-in

#[test]
fn the_account_password_policy_round_trip() {
    let (c, m) = code("iam::get_account_password_policy()");
    assert_eq!((c.as_str(), m.as_str()), ("NoSuchEntity", "The Password Policy with domain name 111122223333 cannot be found."));
    // "If you do not specify a value for this parameter, then the operation uses the default value of 6."
    let p = ok("iam::update_account_password_policy(#{ RequireNumbers: true }); iam::get_account_password_policy().PasswordPolicy").cast::<Map>();
    assert_eq!(p["MinimumPasswordLength"].as_int().unwrap(), 6);
    assert!(p["RequireNumbers"].as_bool().unwrap());
    assert!(!p["ExpirePasswords"].as_bool().unwrap());
    assert!(!p.contains_key("MaxPasswordAge"));
    // "This operation does not support partial updates": a second update resets RequireNumbers.
    let p = ok("iam::update_account_password_policy(#{ RequireNumbers: true }); iam::update_account_password_policy(#{ MaxPasswordAge: 90 }); iam::get_account_password_policy().PasswordPolicy").cast::<Map>();
    assert!(!p["RequireNumbers"].as_bool().unwrap());
    assert!(p["ExpirePasswords"].as_bool().unwrap());
    assert_eq!(p["MaxPasswordAge"].as_int().unwrap(), 90);
    for bad in ["MinimumPasswordLength: 5", "MinimumPasswordLength: 129", "MaxPasswordAge: 1096", "PasswordReusePrevention: 25"] {
        assert_eq!(code(&format!("iam::update_account_password_policy(#{{ {bad} }})")).0, "ValidationError", "{bad}");
    }
    assert_eq!(code("iam::update_account_password_policy(); iam::delete_account_password_policy(); iam::delete_account_password_policy()").0, "NoSuchEntity");
}

#[test]
fn passwords_must_conform_to_the_policy_in_force() {
    // Without a custom policy the default applies: 8+ characters of three kinds.
    let (c, m) = code(r#"iam::create_user("alice"); iam::create_login_profile("alice", "password")"#);
    assert_eq!((c.as_str(), m.as_str()), ("PasswordPolicyViolation", "Password does not conform to the account password policy."));
    let p = ok(r#"iam::create_user("alice"); iam::create_login_profile("alice", "Passw0rd").LoginProfile"#).cast::<Map>();
    assert_eq!(s(&p["UserName"]), "alice");
    assert!(!p["PasswordResetRequired"].as_bool().unwrap());
    // A custom policy replaces the default.
    let setup = r#"iam::update_account_password_policy(#{ MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true });
                   iam::create_user("alice");"#;
    assert_eq!(code(&format!(r#"{setup} iam::create_login_profile("alice", "Passw0rd")"#)).0, "PasswordPolicyViolation");
    assert_eq!(code(&format!(r#"{setup} iam::create_login_profile("alice", "Correct-Horse-Battery")"#)).0, "PasswordPolicyViolation", "no number");
    let _ = ok(&format!(r#"{setup} iam::create_login_profile("alice", "Correct-Horse-Battery-9")"#));
    assert_eq!(code(r#"iam::create_user("a"); iam::create_login_profile("a", "Passw0rd"); iam::create_login_profile("a", "Passw0rd2")"#).1, "Login Profile for user a already exists.");
    assert_eq!(code(r#"iam::create_user("a"); iam::get_login_profile(#{ UserName: "a" })"#).1, "Login Profile for User a cannot be found.");
}

#[test]
fn a_user_with_a_password_cannot_be_deleted_until_it_is_removed() {
    let (c, m) = code(r#"iam::create_user("alice"); iam::create_login_profile("alice", "Passw0rd!"); iam::delete_user("alice")"#);
    assert_eq!((c.as_str(), m.as_str()), ("DeleteConflict", "Cannot delete entity, must delete login profile first."));
    let _ = ok(r#"iam::create_user("alice"); iam::create_login_profile("alice", "Passw0rd!"); iam::delete_login_profile(#{ UserName: "alice" }); iam::delete_user("alice")"#);
}

#[test]
fn passwords_are_never_stored_or_audited_in_clear() {
    let v = strings(ok(r#"iam::create_user("alice"); iam::create_login_profile("alice", "Sup3r-Secret-Pw");
                          let ev = world::trail(#{ eventName: "CreateLoginProfile" })[0];
                          [world::save().contains("Sup3r-Secret-Pw"), ev.requestParameters.password]"#));
    assert_eq!(v, ["false", "HIDDEN_DUE_TO_SECURITY_REASONS"]);
}

const USER_WITH_PASSWORD: &str = r#"
    iam::create_user("alice");
    iam::create_login_profile("alice", "Initial-Passw0rd");
    iam::put_user_policy("alice", "list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`);
"#;

#[test]
fn users_change_their_own_password_when_the_policy_allows_it() {
    // Without AllowUsersToChangePassword (and no policy), ChangePassword is denied.
    let (c, m) = code(&format!(r#"{USER_WITH_PASSWORD} as_principal("alice", || iam::change_password("Initial-Passw0rd", "Second-Passw0rd"))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("iam:ChangePassword"), "{m}");
    // "This gives users access to the iam:ChangePassword action for only their user".
    let allow = r#"iam::update_account_password_policy(#{ AllowUsersToChangePassword: true, PasswordReusePrevention: 2 });"#;
    let _ = ok(&format!(r#"{USER_WITH_PASSWORD} {allow} as_principal("alice", || iam::change_password("Initial-Passw0rd", "Second-Passw0rd"))"#));
    // Reuse prevention counts the current password.
    assert_eq!(
        code(&format!(r#"{USER_WITH_PASSWORD} {allow} as_principal("alice", || iam::change_password("Initial-Passw0rd", "Initial-Passw0rd"))"#)).0,
        "PasswordPolicyViolation"
    );
    assert_eq!(
        code(&format!(
            r#"{USER_WITH_PASSWORD} {allow} as_principal("alice", || {{ iam::change_password("Initial-Passw0rd", "Second-Passw0rd"); iam::change_password("Second-Passw0rd", "Initial-Passw0rd") }})"#
        ))
        .0,
        "PasswordPolicyViolation",
        "the previous password is among the last two"
    );
    assert_eq!(code(&format!(r#"{USER_WITH_PASSWORD} {allow} as_principal("alice", || iam::change_password("wrong", "Second-Passw0rd"))"#)).0, "AccessDenied");
    // An explicit deny still wins over the account-level permission.
    let deny = r#"iam::put_user_policy("alice", "no", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ChangePassword","Resource":"*"}]}`);"#;
    assert_eq!(code(&format!(r#"{USER_WITH_PASSWORD} {allow} {deny} as_principal("alice", || iam::change_password("Initial-Passw0rd", "Second-Passw0rd"))"#)).0, "AccessDenied");
    // "If this command is called using AWS account (root) credentials, the command returns an InvalidUserType error."
    assert_eq!(code(r#"iam::change_password("a", "b")"#).0, "InvalidUserType");
}

#[test]
fn console_sign_in_checks_password_mfa_and_expiry() {
    let v = strings(ok(&format!(
        r#"{USER_WITH_PASSWORD}
           let out = [];
           try {{ iam::console_login("alice", "wrong"); }} catch (e) {{ out.push(e.Code); }}
           let r = iam::console_login("alice", "Initial-Passw0rd");
           out.push(r.ConsoleLogin); out.push(r.MFAUsed); out.push(as_principal(r.Credentials, || whoami().Arn));
           let ev = world::trail(#{{ eventName: "ConsoleLogin" }});
           out.push(ev[0].eventSource); out.push(ev[0].errorCode); out.push(ev[1].userIdentity.arn);
           // Passwords older than MaxPasswordAge must be changed at the next sign-in.
           iam::update_account_password_policy(#{{ MaxPasswordAge: 30 }});
           clock::advance("31d");
           out.push(iam::console_login("alice", "Initial-Passw0rd").PasswordChangeRequired);
           iam::update_account_password_policy(#{{ MaxPasswordAge: 30, HardExpiry: true }});
           try {{ iam::console_login("alice", "Initial-Passw0rd"); }} catch (e) {{ out.push(e.Code); }}
           out"#
    )));
    assert_eq!(v[0], "FailedAuthentication");
    assert_eq!(v[1..4], ["Success", "No", "arn:aws:iam::111122223333:user/alice"]);
    assert_eq!(v[4], "signin.amazonaws.com");
    assert_eq!(v[5], "FailedAuthentication");
    assert_eq!(v[6], "arn:aws:iam::111122223333:user/alice");
    assert_eq!(v[7], "true");
    assert_eq!(v[8], "FailedAuthentication", "HardExpiry: only an administrator can reset it");
}

#[test]
fn console_sign_in_requires_the_mfa_code_of_an_enabled_device() {
    let v = strings(ok(&format!(
        r#"{USER_WITH_PASSWORD}
           let d = iam::create_virtual_mfa_device(#{{ VirtualMFADeviceName: "alice" }}).VirtualMFADevice;
           let c1 = iam::mfa_code(d.Base32StringSeed); clock::advance("30s"); let c2 = iam::mfa_code(d.Base32StringSeed);
           iam::enable_mfa_device(#{{ UserName: "alice", SerialNumber: d.SerialNumber, AuthenticationCode1: c1, AuthenticationCode2: c2 }});
           clock::advance("30s");
           let out = [];
           try {{ iam::console_login("alice", "Initial-Passw0rd"); }} catch (e) {{ out.push(e.Code); }}
           let r = iam::console_login(#{{ UserName: "alice", Password: "Initial-Passw0rd", TokenCode: iam::mfa_code(d.Base32StringSeed) }});
           out.push(r.MFAUsed);
           out"#
    )));
    assert_eq!(v[0], "FailedAuthentication");
    assert_eq!(v[1], "Yes");
}

// ---------------------------------------------------------------------------------------------
// Credential report, last-used data

#[test]
fn credential_report_columns_and_rows() {
    let v = ok(&format!(
        r#"{USER_WITH_PASSWORD}
           let k = iam::create_access_key("alice").AccessKey;
           iam::create_user("bob");
           clock::advance("1h");
           as_principal(k, || iam::get_caller_identity());
           clock::advance("10m");
           as_principal(k, || iam::list_users());
           iam::console_login("alice", "Initial-Passw0rd");
           let g = iam::generate_credential_report();
           let r = iam::get_credential_report();
           [g.State, g.Description, r.ReportFormat, r.GeneratedTime, iam::credential_report()]"#
    ))
    .cast::<Array>();
    assert_eq!(s(&v[0]), "STARTED");
    assert_eq!(s(&v[1]), "No report exists. Starting a new report generation task");
    assert_eq!(s(&v[2]), "text/csv");
    assert_eq!(s(&v[3]), "2026-01-01T01:10:00Z");
    let rows = v[4].clone().cast::<Array>();
    assert_eq!(rows.len(), 3, "root, alice, bob");
    let row = |i: usize, col: &str| s(&rows[i].clone().cast::<Map>()[col]);
    let root = rows[0].clone().cast::<Map>();
    assert_eq!(root.len(), 22);
    assert_eq!(row(0, "user"), "<root_account>");
    assert_eq!(row(0, "arn"), "arn:aws:iam::111122223333:root");
    assert_eq!(row(0, "password_enabled"), "not_supported");
    assert_eq!(row(1, "user"), "alice");
    assert_eq!(row(1, "user_creation_time"), "2026-01-01T00:00:00+00:00");
    assert_eq!(row(1, "password_enabled"), "true");
    assert_eq!(row(1, "password_last_used"), "2026-01-01T01:10:00+00:00");
    assert_eq!(row(1, "password_last_changed"), "2026-01-01T00:00:00+00:00");
    assert_eq!(row(1, "password_next_rotation"), "N/A", "no rotation policy");
    assert_eq!(row(1, "mfa_active"), "false");
    assert_eq!(row(1, "access_key_1_active"), "true");
    // "When an access key is used more than once in a 15-minute span, only the first use is recorded"
    assert_eq!(row(1, "access_key_1_last_used_date"), "2026-01-01T01:00:00+00:00");
    assert_eq!(row(1, "access_key_1_last_used_service"), "sts");
    assert_eq!(row(1, "access_key_1_last_used_region"), "us-east-1");
    assert_eq!(row(1, "access_key_2_active"), "false");
    assert_eq!(row(1, "access_key_2_last_rotated"), "N/A");
    assert_eq!(row(2, "password_enabled"), "false");
    assert_eq!(row(2, "password_last_used"), "N/A");
    assert_eq!(row(2, "access_key_1_last_used_date"), "N/A");
    assert_eq!(row(2, "cert_1_active"), "false");
    let header = ok(r#"iam::generate_credential_report(); let c = iam::get_credential_report().Content; c"#);
    let csv = String::from_utf8(header.cast::<rhai::Blob>()).unwrap();
    assert_eq!(csv.lines().next().unwrap(), super::account::REPORT_COLUMNS.join(","));
}

#[test]
fn a_new_credential_report_at_most_every_four_hours() {
    let v = strings(ok(r#"
        let out = [];
        try { iam::get_credential_report(); } catch (e) { out.push(e.Code); }
        out.push(iam::generate_credential_report().State);
        iam::create_user("late");
        out.push(iam::generate_credential_report().State);
        out.push(iam::credential_report().len());
        clock::advance("4h");
        try { iam::get_credential_report(); } catch (e) { out.push(e.Code); }
        let again = iam::generate_credential_report();
        out.push(again.State); out.push(again.Description);
        out.push(iam::credential_report().len());
        out"#));
    assert_eq!(v, ["ReportNotPresent", "STARTED", "COMPLETE", "1", "ReportExpired", "STARTED", "", "2"], "no Description once a report existed");
}

#[test]
fn password_rotation_dates_follow_max_password_age() {
    let v = ok(&format!(
        r#"{USER_WITH_PASSWORD} iam::update_account_password_policy(#{{ MaxPasswordAge: 90 }});
           iam::credential_report()[1].password_next_rotation"#
    ));
    assert_eq!(s(&v), "2026-04-01T00:00:00+00:00");
}

#[test]
fn access_key_last_used() {
    let v = ok(r#"iam::create_user("alice"); let k = iam::create_access_key("alice").AccessKey;
                  iam::put_user_policy("alice", "list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","iam:GetUser"],"Resource":"*"}]}`);
                  let before = iam::get_access_key_last_used(#{ AccessKeyId: k.AccessKeyId });
                  clock::advance("5m");
                  as_principal(k, || iam::list_users());
                  let after = iam::get_access_key_last_used(#{ AccessKeyId: k.AccessKeyId });
                  let ev = world::trail(#{ eventName: "ListUsers" })[0];
                  [before, after, ev.userIdentity.accessKeyId == k.AccessKeyId, as_principal("alice", || { iam::get_user(); world::trail().pop().userIdentity.accessKeyId })]"#)
    .cast::<Array>();
    let before = v[0].clone().cast::<Map>();
    assert_eq!(s(&before["UserName"]), "alice");
    let b = before["AccessKeyLastUsed"].clone().cast::<Map>();
    assert!(!b.contains_key("LastUsedDate"));
    assert_eq!((s(&b["ServiceName"]), s(&b["Region"])), ("N/A".into(), "N/A".into()));
    let a = v[1].clone().cast::<Map>()["AccessKeyLastUsed"].clone().cast::<Map>();
    assert_eq!(s(&a["LastUsedDate"]), "2026-01-01T00:05:00Z");
    // IAM is not Region-specific.
    assert_eq!((s(&a["ServiceName"]), s(&a["Region"])), ("iam".into(), "N/A".into()));
    assert!(v[2].as_bool().unwrap(), "CloudTrail records the signing key");
    assert!(v[3].is_unit(), "naming a user signs with no key");
}

// ---------------------------------------------------------------------------------------------
// Access Advisor

#[test]
fn access_advisor_reports_last_attempts_per_allowed_service() {
    let v = ok(r#"
        iam::create_user("alice");
        let arn = iam::get_user("alice").User.Arn;
        iam::put_user_policy("alice", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","route53:*","sts:GetCallerIdentity"],"Resource":"*"}]}`);
        clock::advance("1h");
        as_principal("alice", || iam::get_user());
        clock::advance("1h");
        // A denied attempt counts too: "all attempts ..., not just the successful ones".
        try { as_principal("alice", || iam::create_user("x")); } catch {}
        let job = iam::generate_service_last_accessed_details(#{ Arn: arn }).JobId;
        let r = iam::get_service_last_accessed_details(#{ JobId: job });
        [r.JobStatus, r.JobType, r.ServicesLastAccessed, iam::access_advisor(arn)]"#)
    .cast::<Array>();
    assert_eq!(s(&v[0]), "COMPLETED");
    assert_eq!(s(&v[1]), "SERVICE_LEVEL");
    let services = v[2].clone().cast::<Array>();
    let names: Vec<String> = services.iter().map(|x| s(&x.clone().cast::<Map>()["ServiceNamespace"])).collect();
    assert_eq!(names, ["iam", "route53", "sts"], "the services alice's policies allow");
    let iam = services[0].clone().cast::<Map>();
    assert_eq!(s(&iam["ServiceName"]), "AWS Identity and Access Management");
    assert_eq!(s(&iam["LastAuthenticated"]), "2026-01-01T02:00:00Z", "the denied CreateUser is the last attempt");
    assert_eq!(s(&iam["LastAuthenticatedEntity"]), "arn:aws:iam::111122223333:user/alice");
    assert_eq!(iam["TotalAuthenticatedEntities"].as_int().unwrap(), 1);
    let r53 = services[1].clone().cast::<Map>();
    assert!(!r53.contains_key("LastAuthenticated"), "never used");
    let table = v[3].clone().cast::<Array>();
    assert_eq!(s(&table[1].clone().cast::<Map>()["LastAccessed"]), "Not accessed in the tracking period");
}

#[test]
fn access_advisor_for_roles_groups_and_policies() {
    let v = ok(r#"
        let p = iam::create_policy("r53", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"route53:ListHostedZones","Resource":"*"}]}`).Policy.Arn;
        iam::create_group("ops"); iam::attach_group_policy("ops", p);
        iam::create_user("a"); iam::create_user("b"); iam::add_user_to_group("a", "ops"); iam::add_user_to_group("b", "ops");
        let trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`;
        let role = iam::create_role("reader", trust).Role.Arn; iam::attach_role_policy("reader", p);
        as_principal("a", || route53::list_hosted_zones());
        clock::advance("1m");
        as_principal("b", || route53::list_hosted_zones());
        clock::advance("1m");
        let s = iam::assume_role(role, "sess");
        as_principal(s, || route53::list_hosted_zones());
        let get = |arn| { let j = iam::generate_service_last_accessed_details(#{ Arn: arn }).JobId; iam::get_service_last_accessed_details(#{ JobId: j }).ServicesLastAccessed[0] };
        [get.call(iam::get_group("ops").Group.Arn), get.call(role), get.call(p)]"#)
    .cast::<Array>();
    let m = |i: usize| v[i].clone().cast::<Map>();
    assert_eq!(s(&m(0)["LastAuthenticatedEntity"]), "arn:aws:iam::111122223333:user/b");
    assert_eq!(m(0)["TotalAuthenticatedEntities"].as_int().unwrap(), 2, "both group members");
    assert_eq!(s(&m(1)["LastAuthenticatedEntity"]), "arn:aws:iam::111122223333:role/reader", "a role's sessions count as the role");
    assert_eq!(m(2)["TotalAuthenticatedEntities"].as_int().unwrap(), 3, "a policy: every entity it is attached to");
    assert_eq!(code("iam::generate_service_last_accessed_details(#{ Arn: \"arn:aws:iam::111122223333:user/none\" })").0, "NoSuchEntity");
}

#[test]
fn action_level_access_advisor_tracks_iam_actions() {
    let v = ok(r#"
        iam::create_user("alice");
        iam::put_user_policy("alice", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`);
        as_principal("alice", || { iam::list_users(); iam::get_user(); });
        let j = iam::generate_service_last_accessed_details(#{ Arn: iam::get_user("alice").User.Arn, Granularity: "ACTION_LEVEL" }).JobId;
        iam::get_service_last_accessed_details(#{ JobId: j }).ServicesLastAccessed[0].TrackedActionsLastAccessed.map(|a| a.ActionName)"#);
    assert_eq!(strings(v), ["GetUser", "ListUsers"]);
}

/// Keys, passwords, a user, a role session and a group used across services and the clock,
/// then every answer IAM derives from past calls.
const USAGE_SCENARIO: &str = r#"
    iam::create_user("alice");
    iam::create_login_profile("alice", "Initial-Passw0rd");
    iam::put_user_policy("alice", "p", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","s3:*","route53:*"],"Resource":"*"}]}`);
    iam::create_group("ops"); iam::add_user_to_group("alice", "ops");
    let k = iam::create_access_key("alice").AccessKey;
    let trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`;
    let role = iam::create_role("reader", trust).Role.Arn;
    iam::put_role_policy("reader", "s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}`);
    clock::advance("1h");
    as_principal(k, || { iam::list_users(); s3::list_buckets(); });
    clock::advance("10m");
    as_principal(k, || iam::get_user());
    iam::console_login("alice", "Initial-Passw0rd");
    clock::advance("3m");
    iam::console_login("alice", "Initial-Passw0rd");
    let sess = iam::assume_role(role, "s1");
    as_principal(sess, || s3::list_buckets());
    try { as_principal(sess, || s3::create_bucket("denied-bucket")); } catch {}
    clock::advance("20m");
    as_principal(k, || route53::list_hosted_zones());
    let advisor = |arn| {
        let j = iam::generate_service_last_accessed_details(#{ Arn: arn, Granularity: "ACTION_LEVEL" }).JobId;
        iam::get_service_last_accessed_details(#{ JobId: j }).ServicesLastAccessed
    };
    [iam::get_access_key_last_used(#{ AccessKeyId: k.AccessKeyId }).AccessKeyLastUsed, iam::credential_report()[1],
     advisor.call(iam::get_user("alice").User.Arn), advisor.call(role), advisor.call(iam::get_group("ops").Group.Arn)]"#;

#[test]
fn last_used_data_and_access_advisor_do_not_depend_on_the_trail_keeping_old_events() {
    let whole = ok(USAGE_SCENARIO).cast::<Array>();
    let key = whole[0].clone().cast::<Map>();
    // Uses at 01:00 (two), 01:10 and 01:33: 01:10 falls in the window opened at 01:00.
    assert_eq!((s(&key["LastUsedDate"]), s(&key["ServiceName"]), s(&key["Region"])), ("2026-01-01T01:33:00Z".into(), "route53".into(), "N/A".into()));
    let row = whole[1].clone().cast::<Map>();
    assert_eq!(s(&row["password_last_used"]), "2026-01-01T01:10:00+00:00", "the sign-in 3 minutes later is not recorded");
    let role_s3 = whole[3].clone().cast::<Array>().into_iter().map(|x| x.cast::<Map>()).find(|m| s(&m["ServiceNamespace"]) == "s3").unwrap();
    assert_eq!(s(&role_s3["LastAuthenticated"]), "2026-01-01T01:13:00Z");
    let actions: Vec<String> = role_s3["TrackedActionsLastAccessed"].clone().cast::<Array>().iter().map(|a| s(&a.clone().cast::<Map>()["ActionName"])).collect();
    assert_eq!(actions, ["CreateBucket", "ListBuckets"], "the denied attempt counts");
    // The same answers when the trail keeps only the newest event, or a few.
    for capacity in [1, 5] {
        assert_eq!(format!("{:?}", ok_with_trail(USAGE_SCENARIO, capacity)), format!("{whole:?}"), "trail of {capacity}");
    }
}

#[test]
fn worlds_saved_before_usage_was_kept_apart_rebuild_it_from_their_trail() {
    let (e, shared) = crate::script::engine();
    let _ = e.eval::<Dynamic>(USAGE_SCENARIO).unwrap();
    let w = shared.lock();
    assert!(!w.iam.usage.access_keys.is_empty() && !w.iam.usage.services.is_empty() && !w.iam.usage.passwords.is_empty());
    // Only what the answers read is kept: users' keys (not the session's ASIA key), and a
    // role's sessions together under the role.
    assert!(w.trail.iter().any(|e| e.user_identity.access_key_id.as_deref().is_some_and(|k| k.starts_with("ASIA"))));
    assert!(w.iam.usage.access_keys.keys().all(|k| k.starts_with("AKIA")));
    let who: Vec<&String> = w.iam.usage.services.keys().collect();
    assert_eq!(who, ["arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/reader"]);
    let mut saved = w.save();
    saved["iam"].as_object_mut().unwrap().remove("usage");
    let mut back = crate::world::World::default();
    back.load(saved).unwrap();
    assert_eq!(back.iam.usage, w.iam.usage);
}

// ---------------------------------------------------------------------------------------------
// Policy validation

#[test]
fn validate_policy_returns_a_table_with_locations() {
    let v = ok(r#"iam::validate_policy(`{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObjects", "iam:PassRole"],
      "Resource": "*"
    }
  ]
}`)"#)
    .cast::<Array>();
    let rows: Vec<Map> = v.into_iter().map(|r| r.cast::<Map>()).collect();
    let summary: Vec<(String, String, String, i64, i64)> = rows
        .iter()
        .map(|r| (s(&r["findingType"]), s(&r["issueCode"]), s(&r["path"]), r["line"].as_int().unwrap(), r["column"].as_int().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            ("WARNING".into(), "MISSING_VERSION".into(), "".into(), 1, 0),
            ("ERROR".into(), "INVALID_ACTION".into(), "Statement[0].Action[0]".into(), 5, 17),
            ("SECURITY_WARNING".into(), "PASS_ROLE_WITH_STAR_IN_RESOURCE".into(), "Statement[0].Resource".into(), 6, 18),
        ]
    );
    assert_eq!(s(&rows[1]["findingDetails"]), "The action s3:GetObjects does not exist. Did you mean s3:GetObject?");
}

#[test]
fn validate_policy_with_access_analyzers_parameters() {
    let v = ok(r#"let r = iam::validate_policy(#{ policyDocument: #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] },
                     policyType: "RESOURCE_POLICY", validatePolicyResourceType: "AWS::IAM::AssumeRolePolicyDocument" });
                  [r.findings[0].issueCode, r.findings[0].findingType, r.findings[0].locations[0].path[0].value, world::trail().pop().eventSource]"#);
    assert_eq!(strings(v), ["ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "ERROR", "Statement", "access-analyzer.amazonaws.com"]);
    let (c, m) = code(r#"iam::validate_policy("{}", "BUCKET_POLICY")"#);
    assert_eq!(c, "ValidationException");
    assert!(m.contains("Member must satisfy enum value set"), "{m}");
}

// ---------------------------------------------------------------------------------------------
// Determinism and save/load

#[test]
fn tokens_and_assertions_are_reproducible_and_survive_save_and_load() {
    let script = format!(
        r#"{OIDC} {SAML}
           let saved = world::save();
           world::reset();
           world::load(saved);
           let r = iam::assume_role_with_web_identity(#{{ RoleArn: iam::get_role("deploy").Role.Arn, RoleSessionName: "ci", WebIdentityToken: token }});
           let s = iam::assume_role_with_saml(#{{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion }});
           [token, assertion, r.Credentials.AccessKeyId, s.Credentials.AccessKeyId, world::save() == world::save()]"#
    );
    let a = strings(ok(&script));
    let b = strings(ok(&script));
    assert_eq!(a, b, "same script, same tokens, assertions and credentials");
    assert_eq!(a[4], "true");
}

/// The scenario notebook's code cells, run in order in one engine, succeed (the notebook
/// runs clean; its outputs are filled by `cloudbook run`).
#[test]
fn the_federation_notebook_runs_clean() {
    let nb: serde_json::Value = serde_json::from_str(include_str!("../../../notebooks/iam-federation-mfa.ipynb")).unwrap();
    let (e, _) = crate::script::engine();
    let mut scope = rhai::Scope::new();
    for (i, cell) in nb["cells"].as_array().unwrap().iter().enumerate().filter(|(_, c)| c["cell_type"] == "code") {
        let src: String = cell["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        if let Err(err) = e.eval_with_scope::<Dynamic>(&mut scope, &src) {
            panic!("cell {i} failed: {err}\n{src}");
        }
    }
}
