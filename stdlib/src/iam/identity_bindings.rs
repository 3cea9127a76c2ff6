//! `iam::` script bindings for federation, account settings, credential reports, Access
//! Advisor and policy validation (kept apart from `bindings.rs`, which registers the core IAM,
//! STS and Organizations operations; both build the same `iam` module).

use rhai::{Dynamic, Map, NativeCallContext};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::account::{self, SIGNIN};
use super::federation;
use super::validate::{self, ACCESS_ANALYZER, PolicyType};
use crate::script::api::{Api, Handle};
use crate::script::convert::{RhaiResult, audit_params, from_params, throw, to_dyn};
use crate::world::service::{IAM, STS, Service};
use crate::world::{AwsError, Call, Principal};

fn map(pairs: Vec<(&str, Dynamic)>) -> Map {
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

/// Runs an operation that takes no AWS credentials (AssumeRoleWithWebIdentity,
/// AssumeRoleWithSAML, the console sign-in) as an unsigned request: whatever
/// `as_principal` says, the request carries no identity of its own.
fn run_unsigned<Req, Resp>(
    h: &Handle,
    ctx: &NativeCallContext,
    service: &'static Service,
    aws_op: &'static str,
    name: &'static str,
    f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>,
    params: Map,
) -> RhaiResult
where
    Req: DeserializeOwned,
    Resp: Serialize,
{
    let audit = audit_params(&params);
    let params = Dynamic::from_map(params);
    let result = {
        let mut w = h.shared.lock();
        let mut caller = w.caller();
        caller.principal = Principal::Anonymous;
        caller.access_key_id = None;
        caller.via_service = None;
        w.call_as(caller, service, aws_op, audit, |c| {
            let req: Req = from_params(&params, service, name)?;
            f(c, req)
        })
    };
    match result {
        Ok(resp) => to_dyn(&resp),
        Err(e) => Err(throw(e, ctx.call_position())),
    }
}

fn unsigned_op<Req, Resp>(api: &mut Api, service: &'static Service, name: &'static str, aws_op: &'static str, doc: &str, f: fn(&mut Call<'_>, Req) -> Result<Resp, AwsError>)
where
    Req: DeserializeOwned + 'static,
    Resp: Serialize + 'static,
{
    let doc = format!("{doc}\n\nAWS operation: {aws_op} ({}). Needs no AWS credentials.", service.event_source);
    let h = api.handle();
    api.func(name, &doc, &["params: Map", "Map"], move |ctx: NativeCallContext, params: Map| run_unsigned(&h, &ctx, service, aws_op, name, f, params));
}

/// Registers a positional overload that builds the params map and runs the op.
macro_rules! positional {
    ($api:expr, $svc:expr, $name:literal, $aws:literal, $f:expr, $doc:expr, [$($arg:ident : $key:literal),+]) => {{
        let h = $api.handle();
        $api.func(
            $name,
            $doc,
            &[$(concat!(stringify!($arg), ": Dynamic")),+, "Map"],
            move |ctx: NativeCallContext, $($arg: Dynamic),+| -> RhaiResult {
                h.run_as($svc, &ctx, $aws, $name, $f, map(vec![$(($key, $arg)),+]))
            },
        );
    }};
}

pub fn register(api: &mut Api) {
    register_federation(api);
    register_account(api);
    register_validation(api);
}

fn register_federation(api: &mut Api) {
    use federation as f;
    api.op(
        "create_open_id_connect_provider",
        "CreateOpenIDConnectProvider",
        "Registers an OpenID Connect identity provider by its issuer URL (`https://...`), with client ids (audiences) and certificate thumbprints (fetched from the IdP when omitted).\n```rhai\nlet p = iam::create_open_id_connect_provider(#{ Url: \"https://idp.example.com\", ClientIDList: [\"my-app\"] }).OpenIDConnectProviderArn;\n```",
        f::create_open_id_connect_provider,
    );
    api.op("get_open_id_connect_provider", "GetOpenIDConnectProvider", "Describes an OIDC provider (its Url without the scheme, ClientIDList, ThumbprintList).", f::get_open_id_connect_provider);
    api.op("list_open_id_connect_providers", "ListOpenIDConnectProviders", "Lists the account's OIDC providers.", f::list_open_id_connect_providers);
    api.op("delete_open_id_connect_provider", "DeleteOpenIDConnectProvider", "Deletes an OIDC provider.", f::delete_open_id_connect_provider);
    api.op("add_client_id_to_open_id_connect_provider", "AddClientIDToOpenIDConnectProvider", "Adds a client id (audience) to an OIDC provider.", f::add_client_id_to_open_id_connect_provider);
    api.op("remove_client_id_from_open_id_connect_provider", "RemoveClientIDFromOpenIDConnectProvider", "Removes a client id from an OIDC provider.", f::remove_client_id_from_open_id_connect_provider);
    api.op("update_open_id_connect_provider_thumbprint", "UpdateOpenIDConnectProviderThumbprint", "Replaces an OIDC provider's thumbprints.", f::update_open_id_connect_provider_thumbprint);
    api.op(
        "create_saml_provider",
        "CreateSAMLProvider",
        "Registers a SAML 2.0 identity provider from its metadata document (at least 1,000 characters).\n```rhai\nlet p = iam::create_saml_provider(#{ Name: \"corp\", SAMLMetadataDocument: iam::saml_metadata(\"https://idp.example.com/saml\") }).SAMLProviderArn;\n```",
        f::create_saml_provider,
    );
    api.op("get_saml_provider", "GetSAMLProvider", "Returns a SAML provider's metadata document.", f::get_saml_provider);
    api.op("list_saml_providers", "ListSAMLProviders", "Lists the account's SAML providers.", f::list_saml_providers);
    api.op("update_saml_provider", "UpdateSAMLProvider", "Replaces a SAML provider's metadata document.", f::update_saml_provider);
    api.op("delete_saml_provider", "DeleteSAMLProvider", "Deletes a SAML provider.", f::delete_saml_provider);
    unsigned_op(
        api,
        &STS,
        "assume_role_with_web_identity",
        "AssumeRoleWithWebIdentity",
        "Exchanges an OpenID Connect ID token for role credentials. The token must verify against its issuer's published key, come from an OIDC provider registered in the role's account, be unexpired on the simulated clock and carry one of the provider's client ids; then the role's trust policy decides (`Principal: {Federated: provider-arn}`, keys `<host>:aud`, `<host>:sub`).\n```rhai\nlet s = iam::assume_role_with_web_identity(#{ RoleArn: role, RoleSessionName: \"ci\", WebIdentityToken: token });\nas_principal(s, || whoami())\n```",
        f::assume_role_with_web_identity,
    );
    unsigned_op(
        api,
        &STS,
        "assume_role_with_saml",
        "AssumeRoleWithSAML",
        "Exchanges a SAML 2.0 response (base64) for role credentials. The response must be signed with the key of the provider's metadata, come from its issuer, be addressed to https://signin.aws.amazon.com/saml, be unexpired, name this role and provider in its Role attribute and carry a RoleSessionName; then the trust policy decides (`saml:aud`, `saml:sub`, ...).\n```rhai\nlet s = iam::assume_role_with_saml(#{ RoleArn: role, PrincipalArn: provider, SAMLAssertion: assertion });\n```",
        f::assume_role_with_saml,
    );

    // ---- the simulated external identity providers ----
    let h = api.handle();
    api.func(
        "oidc_token",
        "An ID token (a JWT signed RS256) from the simulated OpenID Connect IdP `Issuer`: `#{ Issuer, Subject, Audience, ExpiresIn (seconds, default 3600), NotBefore (seconds from now), Claims (extra claims), Signed (default true) }`. `iat` and `exp` come from the simulated clock.\n```rhai\nlet token = iam::oidc_token(#{ Issuer: \"https://idp.example.com\", Subject: \"repo:org/app:ref:refs/heads/main\", Audience: \"sts.amazonaws.com\" });\n```",
        &["params: Map", "String"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                let r: f::OidcTokenRequest = from_params(&Dynamic::from_map(params), &IAM, "oidc_token")?;
                f::issue_oidc_token(w, r)
            })
        },
    );
    let h = api.handle();
    api.func(
        "oidc_idp",
        "What the simulated identity provider `issuer` publishes: `#{ Issuer, Kid, Jwks, Thumbprint, PublicKey }` (PublicKey: DER SubjectPublicKeyInfo, for verifying tokens outside STS).",
        &["issuer: &str", "Map"],
        move |ctx: NativeCallContext, issuer: &str| -> RhaiResult {
            let info = h.with(&ctx, |w| f::idp_info(w, issuer))?;
            to_dyn(&info)
        },
    );
    let h = api.handle();
    api.func(
        "saml_assertion",
        "A SAML 2.0 response (base64) from the simulated SAML IdP `Issuer`: `#{ Issuer, Subject, SubjectType (persistent), Roles: [\"role-arn,provider-arn\"], RoleSessionName, SessionDuration, SourceIdentity, Attributes, Audience, Recipient, ExpiresIn (seconds, default 300), Signed (default true), Status }`.\n```rhai\nlet a = iam::saml_assertion(#{ Issuer: \"https://idp.example.com/saml\", Subject: \"alice@example.com\", Roles: [`${role},${provider}`], RoleSessionName: \"alice\" });\n```",
        &["params: Map", "String"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                let r: f::SamlAssertionRequest = from_params(&Dynamic::from_map(params), &IAM, "saml_assertion")?;
                f::issue_saml_assertion(w, r)
            })
        },
    );
    let h = api.handle();
    api.func(
        "saml_metadata",
        "The SAML metadata document (XML) of the simulated IdP `issuer`: what CreateSAMLProvider takes.",
        &["issuer: &str", "String"],
        move |ctx: NativeCallContext, issuer: &str| -> RhaiResult<String> { h.with(&ctx, |w| Ok(f::saml_metadata(w, issuer))) },
    );
}

fn register_account(api: &mut Api) {
    use account as a;
    api.op(
        "update_account_password_policy",
        "UpdateAccountPasswordPolicy",
        "Sets the account password policy. Not a partial update: omitted parameters take their defaults (MinimumPasswordLength 6, the Require* flags false, no expiry, no reuse prevention).\n```rhai\niam::update_account_password_policy(#{ MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, MaxPasswordAge: 90, PasswordReusePrevention: 24 })\n```",
        a::update_account_password_policy,
    );
    api.op("get_account_password_policy", "GetAccountPasswordPolicy", "The account password policy (NoSuchEntity when the default policy applies).", a::get_account_password_policy);
    api.op("delete_account_password_policy", "DeleteAccountPasswordPolicy", "Deletes the custom password policy: IAM's default policy applies again.", a::delete_account_password_policy);
    api.op(
        "create_login_profile",
        "CreateLoginProfile",
        "Gives a user a console password (checked against the password policy; stored only as a salted hash).\n```rhai\niam::create_login_profile(#{ UserName: \"alice\", Password: \"Correct-Horse-9\", PasswordResetRequired: true })\n```",
        a::create_login_profile,
    );
    positional!(api, &IAM, "create_login_profile", "CreateLoginProfile", a::create_login_profile, "Gives a user a console password.\n```rhai\niam::create_login_profile(\"alice\", \"Correct-Horse-9\")\n```", [user: "UserName", password: "Password"]);
    api.op("get_login_profile", "GetLoginProfile", "Whether a user has a console password (NoSuchEntity if not), with its creation date.", a::get_login_profile);
    api.op("update_login_profile", "UpdateLoginProfile", "An administrator sets a user's password and/or PasswordResetRequired.", a::update_login_profile);
    api.op("delete_login_profile", "DeleteLoginProfile", "Removes a user's console password.", a::delete_login_profile);
    api.op(
        "change_password",
        "ChangePassword",
        "The calling IAM user changes its own password (needs iam:ChangePassword, or AllowUsersToChangePassword in the password policy).\n```rhai\nas_principal(\"alice\", || iam::change_password(#{ OldPassword: old, NewPassword: new }))\n```",
        a::change_password,
    );
    positional!(api, &IAM, "change_password", "ChangePassword", a::change_password, "The calling IAM user changes its own password.", [old: "OldPassword", new: "NewPassword"]);
    unsigned_op(
        api,
        &SIGNIN,
        "console_login",
        "ConsoleLogin",
        "Signs a user in to the (simulated) console: password, the MFA code if the user has a device, expiry under the password policy. Returns `#{ ConsoleLogin, UserName, MFAUsed, PasswordChangeRequired, Credentials }`; pass `r.Credentials` to `as_principal`. Fails with FailedAuthentication. Recorded as a ConsoleLogin event (what the credential report's password_last_used reads).\n```rhai\nlet s = iam::console_login(#{ UserName: \"alice\", Password: pw, TokenCode: iam::mfa_code(seed) });\n```",
        a::console_login,
    );
    {
        let h = api.handle();
        api.func(
            "console_login",
            "Signs a user in with a password.\n```rhai\niam::console_login(\"alice\", pw)\n```",
            &["user: Dynamic", "password: Dynamic", "Map"],
            move |ctx: NativeCallContext, user: Dynamic, password: Dynamic| -> RhaiResult {
                run_unsigned(&h, &ctx, &SIGNIN, "ConsoleLogin", "console_login", a::console_login, map(vec![("UserName", user), ("Password", password)]))
            },
        );
    }
    api.op(
        "generate_credential_report",
        "GenerateCredentialReport",
        "Starts a credential report (State STARTED), or answers COMPLETE while the last report is younger than four hours.",
        a::generate_credential_report,
    );
    api.op("get_credential_report", "GetCredentialReport", "The last credential report: Content (CSV, a blob), ReportFormat text/csv, GeneratedTime. ReportNotPresent / ReportExpired (after four hours).", a::get_credential_report);
    let h = api.handle();
    api.func(
        "credential_report",
        "The credential report as a table: generates one if needed (at most every four hours, as IAM does) and returns one row per user (`<root_account>` first) with AWS's 22 columns.\n```rhai\niam::credential_report().filter(|r| r.mfa_active == \"false\")\n```",
        &["Array"],
        move |ctx: NativeCallContext| -> RhaiResult {
            let csv = h.with(&ctx, |w| {
                w.call(&IAM, "GenerateCredentialReport", serde_json::json!({}), |c| a::generate_credential_report(c, a::NoParams {}))?;
                let r = w.call(&IAM, "GetCredentialReport", serde_json::json!({}), |c| a::get_credential_report(c, a::NoParams {}))?;
                Ok(String::from_utf8_lossy(&r.content.0).into_owned())
            })?;
            Ok(csv_rows(&csv))
        },
    );
    api.op("get_access_key_last_used", "GetAccessKeyLastUsed", "When, where and with which service an access key was last used (recorded at most once every 15 minutes).", a::get_access_key_last_used);
    api.op(
        "generate_service_last_accessed_details",
        "GenerateServiceLastAccessedDetails",
        "Access Advisor: starts a report of when a user, group, role or managed policy last accessed each service its policies allow (Granularity SERVICE_LEVEL or ACTION_LEVEL). Returns a JobId.",
        a::generate_service_last_accessed_details,
    );
    api.op("get_service_last_accessed_details", "GetServiceLastAccessedDetails", "Access Advisor: a report by JobId (ServicesLastAccessed with LastAuthenticated, LastAuthenticatedEntity, ...).", a::get_service_last_accessed_details);
    let h = api.handle();
    api.func(
        "access_advisor",
        "Access Advisor as a table: one row per service the entity's policies allow, with when it was last accessed (`Not accessed in the tracking period` otherwise), by whom and where.\n```rhai\niam::access_advisor(alice_arn)\n```",
        &["arn: &str", "Array"],
        move |ctx: NativeCallContext, arn: &str| access_advisor(&h, &ctx, arn, "SERVICE_LEVEL"),
    );
    let h = api.handle();
    api.func(
        "access_advisor",
        "Access Advisor as a table at SERVICE_LEVEL or ACTION_LEVEL (ACTION_LEVEL adds a row per tracked IAM, S3 and EC2 action).",
        &["arn: &str", "granularity: &str", "Array"],
        move |ctx: NativeCallContext, arn: &str, granularity: &str| access_advisor(&h, &ctx, arn, granularity),
    );
}

/// CSV text (no quoted commas in the credential report) as rows of column -> value.
fn csv_rows(csv: &str) -> Dynamic {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let rows: rhai::Array = lines
        .filter(|l| !l.is_empty())
        .map(|l| Dynamic::from_map(header.iter().zip(l.split(',')).map(|(k, v)| ((*k).into(), Dynamic::from(v.to_string()))).collect()))
        .collect();
    rows.into()
}

fn access_advisor(h: &Handle, ctx: &NativeCallContext, arn: &str, granularity: &str) -> RhaiResult {
    let job = h.with(ctx, |w| {
        let req = account::GenerateServiceLastAccessedDetailsRequest { arn: arn.to_string(), granularity: Some(granularity.to_string()) };
        let params = serde_json::json!({ "arn": arn, "granularity": granularity });
        let id = w.call(&IAM, "GenerateServiceLastAccessedDetails", params, |c| account::generate_service_last_accessed_details(c, req))?.job_id;
        let req = account::GetServiceLastAccessedDetailsRequest { job_id: id.clone(), max_items: Some(1000), marker: None };
        w.call(&IAM, "GetServiceLastAccessedDetails", serde_json::json!({ "jobId": id }), |c| account::get_service_last_accessed_details(c, req))
    })?;
    let mut rows = rhai::Array::new();
    let row = |service: &str, action: &str, at: Option<String>, who: Option<String>, region: Option<String>| {
        let mut m = Map::new();
        m.insert("Service".into(), service.to_string().into());
        m.insert("Action".into(), action.to_string().into());
        m.insert("LastAccessed".into(), at.unwrap_or_else(|| "Not accessed in the tracking period".into()).into());
        m.insert("Entity".into(), who.map(Dynamic::from).unwrap_or(Dynamic::UNIT));
        m.insert("Region".into(), region.map(Dynamic::from).unwrap_or(Dynamic::UNIT));
        Dynamic::from_map(m)
    };
    for s in &job.services_last_accessed {
        rows.push(row(&s.service_namespace, "", s.last_authenticated.map(|t| t.iso()), s.last_authenticated_entity.clone(), s.last_authenticated_region.clone()));
        for a in s.tracked_actions_last_accessed.iter().flatten() {
            rows.push(row(&s.service_namespace, &a.action_name, Some(a.last_accessed_time.iso()), Some(a.last_accessed_entity.clone()), Some(a.last_accessed_region.clone())));
        }
    }
    Ok(rows.into())
}

fn register_validation(api: &mut Api) {
    api.op_as(
        &ACCESS_ANALYZER,
        "validate_policy",
        "ValidatePolicy",
        "IAM Access Analyzer's policy validation with its own parameter names: `#{ policyDocument, policyType, validatePolicyResourceType }` -> `#{ findings: [...] }` (findingType, issueCode, findingDetails, learnMoreLink, locations).",
        validate::validate_policy,
    );
    let docs = [
        "Validates a policy (JSON text or a map) as an identity policy, the way IAM Access Analyzer's ValidatePolicy does, and returns its findings as a table: `findingType` (ERROR, SECURITY_WARNING, WARNING, SUGGESTION), `issueCode`, `findingDetails`, and where (`path`, `line`, `column` from 0).\n```rhai\niam::validate_policy(`{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjects\",\"Resource\":\"*\"}]}`)\n```",
        "Validates a policy of type IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY and returns the findings as a table.",
        "Validates a RESOURCE_POLICY for a resource type, e.g. `AWS::IAM::AssumeRolePolicyDocument` for a role trust policy.",
    ];
    let h = api.handle();
    api.func("validate_policy", docs[0], &["doc: Dynamic", "Array"], move |ctx: NativeCallContext, doc: Dynamic| {
        findings_table(&h, &ctx, doc, PolicyType::Identity.name(), None)
    });
    let h = api.handle();
    api.func("validate_policy", docs[1], &["doc: Dynamic", "policy_type: &str", "Array"], move |ctx: NativeCallContext, doc: Dynamic, ty: &str| {
        findings_table(&h, &ctx, doc, ty, None)
    });
    let h = api.handle();
    api.func(
        "validate_policy",
        docs[2],
        &["doc: Dynamic", "policy_type: &str", "resource_type: &str", "Array"],
        move |ctx: NativeCallContext, doc: Dynamic, ty: &str, rt: &str| findings_table(&h, &ctx, doc, ty, Some(rt)),
    );
}

fn findings_table(h: &Handle, ctx: &NativeCallContext, doc: Dynamic, ty: &str, resource_type: Option<&str>) -> RhaiResult {
    let mut params = map(vec![("policyDocument", doc), ("policyType", ty.into())]);
    if let Some(rt) = resource_type {
        params.insert("validatePolicyResourceType".into(), rt.into());
    }
    let audit = audit_params(&params);
    let params = Dynamic::from_map(params);
    let resp = h.with(ctx, |w| {
        w.call(&ACCESS_ANALYZER, "ValidatePolicy", audit, |c| {
            let req = from_params(&params, &ACCESS_ANALYZER, "validate_policy")?;
            validate::validate_policy(c, req)
        })
    })?;
    let rows: rhai::Array = resp
        .findings
        .iter()
        .map(|f| {
            let loc = f.locations.first();
            let mut m = Map::new();
            m.insert("findingType".into(), f.finding_type.into());
            m.insert("issueCode".into(), f.issue_code.into());
            m.insert("findingDetails".into(), f.finding_details.clone().into());
            m.insert("path".into(), loc.map(|l| l.path_text()).unwrap_or_default().into());
            m.insert("line".into(), loc.map(|l| l.span.start.line as i64).unwrap_or_default().into());
            m.insert("column".into(), loc.map(|l| l.span.start.column as i64).unwrap_or_default().into());
            Dynamic::from_map(m)
        })
        .collect();
    Ok(rows.into())
}
