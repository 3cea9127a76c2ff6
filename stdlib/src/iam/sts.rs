//! STS: AssumeRole and GetCallerIdentity.
//!
//! AssumeRole is authorized by the one authorizer with the role's trust policy as a resource
//! policy that must grant explicitly (a trust policy naming the account delegates to the
//! caller's identity policies, which must then allow `sts:AssumeRole`). Sessions last
//! `DurationSeconds` (900 s up to the role's MaxSessionDuration, default 3600 s; at most one
//! hour when a role session assumes another role — role chaining) on the simulated clock;
//! after that every call with the session's credentials fails with ExpiredToken.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::IamError;
use super::model::{Credential, Role};
use super::ops::{Doc, Tag, parse_doc, policy_size};
use crate::policy::{ContextValue, PolicyKind};
use crate::world::authz::Authz;
use crate::world::{Arn, AwsError, Call, Duration, ErrorCode, Principal, RoleSession, Timestamp};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyArnType {
    pub arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AssumeRoleRequest {
    pub role_arn: String,
    pub role_session_name: String,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    #[serde(default)]
    pub policy: Option<Doc>,
    #[serde(default)]
    pub policy_arns: Vec<PolicyArnType>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub source_identity: Option<String>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub token_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumedRoleUser {
    pub assumed_role_id: String,
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleResponse {
    pub credentials: Credentials,
    pub assumed_role_user: AssumedRoleUser,
    pub packed_policy_size: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

fn validation(field: &str, value: &str, constraint: &str) -> AwsError {
    IamError::ValidationError.err(format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"))
}

/// Session policies may be at most 2,048 characters in all (inline plus managed ARNs count
/// toward the packed size; this simulator counts the inline document's characters).
const SESSION_POLICY_SIZE: usize = 2048;

pub fn assume_role(c: &mut Call<'_>, r: AssumeRoleRequest) -> Result<AssumeRoleResponse, AwsError> {
    let role_arn: Arn = r
        .role_arn
        .parse()
        .map_err(|_| validation("roleArn", &r.role_arn, "Member must have length greater than or equal to 20"))?;
    let role_account = role_arn.account.clone();
    let role_name = role_arn.resource_name().to_string();
    let role = c
        .w
        .iam
        .accounts
        .get(&role_account)
        .and_then(|a| a.roles.get(&role_name.to_ascii_lowercase()))
        .filter(|x| x.arn == r.role_arn)
        .cloned();
    let mut authz = Authz::new("sts:AssumeRole", &r.role_arn)
        .must_grant()
        .owner(&role_account)
        .ctx_str("sts:RoleSessionName", r.role_session_name.clone());
    if let Some(x) = &r.external_id {
        authz = authz.ctx_str("sts:ExternalId", x.clone());
    }
    if let Some(x) = &r.source_identity {
        authz = authz.ctx_str("sts:SourceIdentity", x.clone());
    }
    for t in &r.tags {
        authz = authz.ctx_str(format!("aws:RequestTag/{}", t.key), t.value.clone());
    }
    if !r.tags.is_empty() {
        authz = authz.ctx(
            "aws:TagKeys",
            ContextValue::list(crate::policy::ValueType::String, r.tags.iter().map(|t| t.key.clone())),
        );
    }
    // A role that doesn't exist has no trust policy, so nothing can grant: AccessDenied, as AWS
    // answers (it never confirms whether a role exists).
    let trust = role.as_ref().map(|x| x.assume_role_policy_document.clone());
    let authz = authz.policy(trust.as_ref(), "AssumeRolePolicyDocument");
    c.authorize(authz)?;
    let role = role.expect("authorized, so the trust policy exists");

    check_session_name("roleSessionName", &r.role_session_name)?;
    let chaining = matches!(c.principal(), Principal::AssumedRole(_));
    let duration = r.duration_seconds.unwrap_or(3600);
    if duration < 900 {
        return Err(validation("durationSeconds", &duration.to_string(), "Member must have value greater than or equal to 900"));
    }
    if duration > 43200 {
        return Err(validation("durationSeconds", &duration.to_string(), "Member must have value less than or equal to 43200"));
    }
    if chaining && duration > 3600 {
        return Err(IamError::ValidationError.err("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
    }
    let mfa = match (&r.serial_number, &r.token_code) {
        (Some(_), Some(_)) => Some(c.now()),
        (None, None) => None,
        _ => return Err(IamError::ValidationError.err("SerialNumber and TokenCode must be supplied together.")),
    };

    let mut tags = role.tags.clone();
    for t in &r.tags {
        tags.insert(t.key.clone(), t.value.clone());
    }
    c.resource(&role.arn, "AWS::IAM::Role");
    let grant = SessionGrant {
        role: &role,
        session_name: &r.role_session_name,
        duration,
        policy: r.policy.as_ref(),
        policy_arns: &r.policy_arns,
        tags,
        mfa_authenticated_at: mfa.or_else(|| c.principal().mfa_authenticated_at()),
        source_arn: c.principal().display_name(),
        federated_provider: None,
    };
    let (credentials, assumed_role_user, packed_policy_size) = issue_session(c, grant)?;
    Ok(AssumeRoleResponse { credentials, assumed_role_user, packed_policy_size, source_identity: r.source_identity })
}

/// `RoleSessionName` (and the SAML/web-identity session names): 2–64 characters of `[\w+=,.@-]`.
pub(super) fn check_session_name(field: &str, name: &str) -> Result<(), AwsError> {
    let n = name.chars().count();
    if !(2..=64).contains(&n) {
        return Err(validation(field, name, "Member must have length between 2 and 64"));
    }
    if !name.chars().all(|ch| ch.is_ascii_alphanumeric() || "_+=,.@-".contains(ch)) {
        return Err(validation(field, name, r"Member must satisfy regular expression pattern: [\w+=,.@-]*"));
    }
    Ok(())
}

/// A role session to issue, whichever call asked for it (AssumeRole,
/// AssumeRoleWithWebIdentity, AssumeRoleWithSAML), once that call has authorized it.
pub(super) struct SessionGrant<'a> {
    pub role: &'a Role,
    pub session_name: &'a str,
    pub duration: i64,
    pub policy: Option<&'a Doc>,
    pub policy_arns: &'a [PolicyArnType],
    /// The role's tags with the session tags over them.
    pub tags: BTreeMap<String, String>,
    pub mfa_authenticated_at: Option<Timestamp>,
    /// Who created the session: the calling principal, or the identity provider.
    pub source_arn: String,
    pub federated_provider: Option<String>,
}

/// Checks what every role session must satisfy (the role's MaxSessionDuration, the session
/// policy's packed size, at most 10 existing managed session policies), then creates the
/// temporary credentials, records the session and the role's last use, and sets the audit
/// event's response elements. Returns the credentials, the assumed-role user and the packed
/// policy size in percent.
pub(super) fn issue_session(c: &mut Call<'_>, g: SessionGrant<'_>) -> Result<(Credentials, AssumedRoleUser, u32), AwsError> {
    let role = g.role;
    if g.duration > role.max_session_duration {
        return Err(IamError::ValidationError.err("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    }
    let session_policy = match g.policy {
        Some(doc) => {
            let p = parse_doc(doc, PolicyKind::Session)?;
            if policy_size(p.text()) > SESSION_POLICY_SIZE {
                return Err(IamError::PackedPolicyTooLarge.err(format!(
                    "Packed policy consumes {}% of allotted space, please use smaller policy.",
                    policy_size(p.text()) * 100 / SESSION_POLICY_SIZE
                )));
            }
            Some(p)
        }
        None => None,
    };
    let account = role.arn.parse::<Arn>().map(|a| a.account).unwrap_or_default();
    if g.policy_arns.len() > 10 {
        return Err(validation("policyArns", &format!("{} items", g.policy_arns.len()), "Member must have length less than or equal to 10"));
    }
    for pa in g.policy_arns {
        if super::managed::find(&pa.arn).is_none() && !c.w.iam.accounts.get(&account).is_some_and(|a| a.policies.contains_key(&pa.arn)) {
            return Err(IamError::ValidationError.err(format!("Policy {} does not exist or is not attachable.", pa.arn)));
        }
    }
    let key_id = c.rng().access_key_id("ASIA");
    let secret = c.rng().secret_access_key();
    let token = format!("IQoJb3JpZ2luX2VjE{}", base64::engine::general_purpose::STANDARD.encode(c.rng().bytes(192)));
    let expiration = c.now().plus(Duration::secs(g.duration));
    let packed = session_policy.as_ref().map(|p| (policy_size(p.text()) * 100 / SESSION_POLICY_SIZE) as u32).unwrap_or(0);
    let session = RoleSession {
        account: account.clone(),
        role_name: role.role_name.clone(),
        role_path: role.path.clone(),
        role_id: role.role_id.clone(),
        session_name: g.session_name.to_string(),
        access_key_id: key_id.clone(),
        expiration,
        session_policy,
        session_policy_arns: g.policy_arns.iter().map(|p| p.arn.clone()).collect(),
        tags: g.tags,
        mfa_authenticated_at: g.mfa_authenticated_at,
        source_arn: g.source_arn,
        federated_provider: g.federated_provider,
    };
    let arn = session.arn().to_string();
    let assumed_role_id = format!("{}:{}", role.role_id, g.session_name);
    c.w.iam.credentials.insert(key_id.clone(), Credential::Session { session, secret_access_key: secret.clone(), session_token: token.clone() });
    let now = c.now();
    if let Some(x) = c.w.iam.accounts.get_mut(&account).and_then(|a| a.roles.get_mut(&role.role_name.to_ascii_lowercase())) {
        x.role_last_used = Some(now);
    }
    c.response_elements = json!({
        "credentials": { "accessKeyId": key_id, "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "expiration": expiration.iso() },
        "assumedRoleUser": { "assumedRoleId": assumed_role_id, "arn": arn },
    });
    Ok((Credentials { access_key_id: key_id, secret_access_key: secret, session_token: token, expiration }, AssumedRoleUser { assumed_role_id, arn }, packed))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetCallerIdentityRequest {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCallerIdentityResponse {
    pub user_id: String,
    pub account: String,
    pub arn: String,
}

/// "No permissions are required to perform this operation": even an explicit deny of
/// `sts:GetCallerIdentity` does not stop it.
pub fn get_caller_identity(c: &mut Call<'_>, _r: GetCallerIdentityRequest) -> Result<GetCallerIdentityResponse, AwsError> {
    let p = c.principal().clone();
    if matches!(p, Principal::Anonymous) {
        return Err(IamError::InvalidClientTokenId.err("The security token included in the request is invalid."));
    }
    Ok(GetCallerIdentityResponse { user_id: p.user_id(), account: p.account().unwrap_or_default().to_string(), arn: p.display_name() })
}
