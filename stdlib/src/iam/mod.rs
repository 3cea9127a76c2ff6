//! IAM, STS and Organizations.
//!
//! What is modelled: users, groups (a user in at most 10, no nesting), roles with trust and
//! permissions policies, service-linked roles, customer managed policies with up to five
//! versions and a default, AWS managed policies with their published documents, inline
//! policies with IAM's per-entity size limits, permissions boundaries, tags, access keys
//! (AKIA ids, 40-character secrets shown once, Active/Inactive, two per user), STS
//! AssumeRole with session policies, durations, role chaining and expiry on the simulated
//! clock, and Organizations with OUs and SCPs (and RCPs). Quotas follow AWS's quota page.
//!
//! This module also gathers, for the world's authorizer, every policy that applies to a
//! principal ([`gather`]), resolves the principals scripts name ([`resolve_principal`]), and
//! answers "who can do what" questions (`simulate`: the policy simulator, `iam::can`,
//! `iam::explain`, access matrices).
//!
//! Identity beyond users and policies lives in its own files: [`mfa`] (virtual MFA devices,
//! GetSessionToken), [`federation`] with [`idp`] (OIDC and SAML providers, the simulated
//! external IdPs, AssumeRoleWithWebIdentity/SAML), [`account`] (password policy, login profiles,
//! console sign-in, credential report, access-key last used, Access Advisor) and [`validate`]
//! with [`catalog`] (Access Analyzer-style policy validation); each module says what it
//! models and what it simplifies.
//!
//! Simplified: names of the few AWS managed policies modelled are listed in [`managed`];
//! managed policy ids of AWS policies are derived, not AWS's.

pub mod account;
pub mod bindings;
pub mod catalog;
mod catalog_data;
pub mod error;
pub mod federation;
pub mod identity_bindings;
pub mod idp;
pub mod managed;
pub mod mfa;
pub mod model;
pub mod ops;
pub mod org;
pub mod simulate;
pub mod sts;
pub mod usage;
pub mod validate;
#[cfg(test)]
mod identity_tests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use model::IamState;

use crate::policy::{Policy, PolicyKind, SourceType};
use crate::world::authz::Gathered;
use crate::world::{Arn, AwsError, ErrorCode, Principal, Timestamp, World};
use error::IamError;
use model::{AccountIam, Credential};

/// How a script names a principal for `as_principal` and `iam::can`.
#[derive(Clone, Debug)]
pub enum PrincipalSpec {
    /// A user name (default account), `root`, `anonymous`, an IAM user/root ARN, an assumed-role
    /// session ARN of an active session, or a service principal (`s3.amazonaws.com`).
    Name(String),
    /// Access key credentials (long-term AKIA or temporary ASIA).
    Credentials { access_key_id: String, secret_access_key: Option<String>, session_token: Option<String> },
}

fn invalid_token() -> AwsError {
    IamError::InvalidClientTokenId.err("The security token included in the request is invalid.")
}

fn user_principal(w: &World, account: &str, name: &str) -> Result<Principal, AwsError> {
    let u = w
        .iam
        .accounts
        .get(account)
        .and_then(|a| a.users.get(&name.to_ascii_lowercase()))
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("The user with name {name} cannot be found.")))?;
    Ok(Principal::User {
        account: account.to_string(),
        name: u.user_name.clone(),
        path: u.path.clone(),
        user_id: u.user_id.clone(),
        mfa_authenticated_at: None,
        session_expiration: None,
    })
}

/// What a request is signed with: an access key id, its secret, and the session token of
/// temporary credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct SigningKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

fn signing_key_from(access_key_id: &str, c: &Credential) -> Option<SigningKey> {
    let (secret_access_key, session_token) = match c {
        Credential::AccessKey { secret_access_key, status, .. } if status == "Active" => (secret_access_key.clone(), None),
        Credential::AccessKey { .. } => return None,
        Credential::Session { secret_access_key, session_token, .. } | Credential::UserSession { secret_access_key, session_token, .. } => {
            (secret_access_key.clone(), Some(session_token.clone()))
        }
    };
    Some(SigningKey { access_key_id: access_key_id.to_string(), secret_access_key, session_token })
}

/// What `access_key_id` signs with, if it can sign at all (unknown and inactive keys can't).
/// Expiry is the caller's to check: an expired session still has its key, and the request
/// fails later with AWS's expired-token error.
pub fn signing_key(w: &World, access_key_id: &str) -> Option<SigningKey> {
    signing_key_from(access_key_id, w.iam.credentials.get(access_key_id)?)
}

/// What `p` signs with: its role session's temporary credentials, or an IAM user's first
/// active access key. The root user and others have none unless a script passes them.
pub fn signing_key_of(w: &World, p: &Principal) -> Option<SigningKey> {
    w.iam.credentials.iter().find_map(|(akid, c)| {
        let mine = match (c, p) {
            (Credential::Session { session, .. }, Principal::AssumedRole(s)) => session.access_key_id == s.access_key_id,
            (Credential::AccessKey { account, user_name, .. }, Principal::User { account: a, name, session_expiration: None, .. }) => {
                account == a && user_name.eq_ignore_ascii_case(name)
            }
            _ => false,
        };
        if mine { signing_key_from(akid, c) } else { None }
    })
}

/// The role session behind temporary credentials.
pub fn role_session<'w>(w: &'w World, access_key_id: &str) -> Option<&'w crate::world::RoleSession> {
    match w.iam.credentials.get(access_key_id)? {
        Credential::Session { session, .. } => Some(session),
        _ => None,
    }
}

/// Resolves a principal named by a script.
pub fn resolve_principal(w: &World, spec: &PrincipalSpec) -> Result<Principal, AwsError> {
    match spec {
        PrincipalSpec::Name(n) => {
            let n = n.trim();
            match n {
                "root" => return Ok(Principal::root(crate::world::DEFAULT_ACCOUNT)),
                "anonymous" | "*" => return Ok(Principal::Anonymous),
                _ => {}
            }
            if n.ends_with(".amazonaws.com") && !n.contains(':') {
                return Ok(Principal::Service { service: n.to_string() });
            }
            if !n.starts_with("arn:") {
                if crate::world::places::is_account_id(n) {
                    return account_root(w, n);
                }
                return user_principal(w, crate::world::DEFAULT_ACCOUNT, n);
            }
            let arn: Arn = n.parse().map_err(|e: crate::world::arn::ArnError| IamError::InvalidInput.err(e.to_string()))?;
            match (arn.service.as_str(), arn.resource_type()) {
                ("iam", "root") => account_root(w, &arn.account),
                ("iam", "user") => user_principal(w, &arn.account, arn.resource_name()),
                ("iam", "role") => Err(IamError::InvalidInput.err(format!(
                    "`{n}` is a role: assume it first (`let s = iam::assume_role(#{{ RoleArn: \"{n}\", RoleSessionName: \"demo\" }})`) and pass the result to as_principal"
                ))),
                ("sts", "assumed-role") => w
                    .iam
                    .credentials
                    .values()
                    .filter_map(|c| match c {
                        Credential::Session { session, .. } if session.arn() == arn => Some(session),
                        _ => None,
                    })
                    .max_by_key(|s| s.expiration)
                    .map(|s| Principal::AssumedRole(s.clone()))
                    .ok_or_else(|| IamError::InvalidInput.err(format!("no session `{n}` has been created with iam::assume_role"))),
                _ => Err(IamError::InvalidInput.err(format!("`{n}` does not name a principal (a user, root, an assumed-role session or a service)"))),
            }
        }
        PrincipalSpec::Credentials { access_key_id, secret_access_key, session_token } => {
            match w.iam.credentials.get(access_key_id) {
                Some(Credential::AccessKey { account, user_name, secret_access_key: s, status, .. }) => {
                    if status != "Active" {
                        return Err(invalid_token());
                    }
                    if secret_access_key.as_ref().is_some_and(|x| x != s) {
                        return Err(IamError::SignatureDoesNotMatch.err(
                            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                        ));
                    }
                    user_principal(w, account, user_name)
                }
                Some(Credential::UserSession { account, user_name, secret_access_key: s, session_token: t, expiration, mfa_authenticated_at }) => {
                    if secret_access_key.as_ref().is_some_and(|x| x != s) {
                        return Err(IamError::SignatureDoesNotMatch.err(
                            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                        ));
                    }
                    if session_token.as_ref() != Some(t) {
                        return Err(invalid_token());
                    }
                    match user_principal(w, account, user_name)? {
                        Principal::User { account, name, path, user_id, .. } => Ok(Principal::User {
                            account,
                            name,
                            path,
                            user_id,
                            mfa_authenticated_at: *mfa_authenticated_at,
                            session_expiration: Some(*expiration),
                        }),
                        other => Ok(other),
                    }
                }
                Some(Credential::Session { session, secret_access_key: s, session_token: t }) => {
                    if secret_access_key.as_ref().is_some_and(|x| x != s) {
                        return Err(IamError::SignatureDoesNotMatch.err(
                            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                        ));
                    }
                    if session_token.as_ref().is_some_and(|x| x != t) || session_token.is_none() {
                        return Err(invalid_token());
                    }
                    Ok(Principal::AssumedRole(session.clone()))
                }
                None => Err(invalid_token()),
            }
        }
    }
}

fn account_root(w: &World, account: &str) -> Result<Principal, AwsError> {
    if w.accounts.contains_key(account) {
        Ok(Principal::root(account))
    } else {
        Err(IamError::NoSuchEntity.err(format!("The account {account} does not exist in this world (create it with organizations::create_account).")))
    }
}

/// A managed policy's document, for `account` (AWS managed or that account's own).
fn managed_doc(a: Option<&AccountIam>, arn: &str) -> Option<(Policy, String, SourceType)> {
    if let Some((m, p)) = managed::find(arn) {
        return Some((p, m.name.to_string(), SourceType::AwsManaged));
    }
    a.and_then(|a| a.policies.get(arn)).map(|p| (p.default_version().document.clone(), p.policy_name.clone(), SourceType::UserManaged))
}

/// The document of a managed policy (AWS managed, or `a`'s customer managed) by ARN.
pub fn managed_document(a: &AccountIam, arn: &str) -> Option<Policy> {
    managed_doc(Some(a), arn).map(|(p, _, _)| p)
}

/// Every policy that applies to `p`: identity policies (a user's own and its groups', a
/// role's), its permissions boundary, session policies, the SCP/RCP levels above its account,
/// and its tags.
pub fn gather(w: &World, p: &Principal) -> Gathered {
    let mut g = Gathered::default();
    match p {
        Principal::User { account, name, .. } => {
            let a = w.iam.accounts.get(account);
            if let Some(u) = a.and_then(|a| a.users.get(&name.to_ascii_lowercase())) {
                entity_policies(&mut g, a, &u.inline, &u.attached, SourceType::User);
                for gname in &u.groups {
                    if let Some(grp) = a.and_then(|a| a.groups.get(&gname.to_ascii_lowercase())) {
                        entity_policies(&mut g, a, &grp.inline, &grp.attached, SourceType::Group);
                    }
                }
                g.boundary = u.permissions_boundary.as_ref().and_then(|b| managed_doc(a, b)).map(|(p, id, _)| (p, id));
                g.principal_tags = u.tags.clone();
            }
            org_levels(w, account, &mut g);
        }
        Principal::AssumedRole(s) => {
            let a = w.iam.accounts.get(&s.account);
            if let Some(r) = a.and_then(|a| a.roles.get(&s.role_name.to_ascii_lowercase())) {
                entity_policies(&mut g, a, &r.inline, &r.attached, SourceType::Role);
                g.boundary = r.permissions_boundary.as_ref().and_then(|b| managed_doc(a, b)).map(|(p, id, _)| (p, id));
            }
            if let Some(sp) = &s.session_policy {
                g.session.push((sp.clone(), "SessionPolicy".into()));
            }
            for arn in &s.session_policy_arns {
                if let Some((p, id, _)) = managed_doc(a, arn) {
                    g.session.push((p, id));
                }
            }
            g.principal_tags = s.tags.clone();
            org_levels(w, &s.account, &mut g);
        }
        Principal::Root { account } => org_levels(w, account, &mut g),
        Principal::Service { .. } | Principal::Anonymous => {}
    }
    g
}

fn entity_policies(g: &mut Gathered, a: Option<&AccountIam>, inline: &BTreeMap<String, Policy>, attached: &[String], inline_type: SourceType) {
    for (name, p) in inline {
        g.identity.push((p.clone(), name.clone(), inline_type));
    }
    for arn in attached {
        if let Some(doc) = managed_doc(a, arn) {
            g.identity.push(doc);
        }
    }
}

/// SCP and RCP levels (root, OUs, account) for a member account; none for the management
/// account or an account outside the organization.
fn org_levels(w: &World, account: &str, g: &mut Gathered) {
    let Some(o) = &w.iam.organization else { return };
    if account == o.management_account_id || !o.account_parent.contains_key(account) {
        return;
    }
    let enabled = |ty: &str| o.attachments.get(&format!("type:{}", o.root_id)).is_some_and(|s| s.contains(ty));
    for (ty, out) in [("SERVICE_CONTROL_POLICY", &mut g.scps), ("RESOURCE_CONTROL_POLICY", &mut g.rcps)] {
        if !enabled(ty) {
            continue;
        }
        for target in o.chain(account) {
            let level = o
                .attachments
                .get(&target)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|id| o.policies.get(id))
                        .filter(|p| p.policy_type == ty)
                        .map(|p| (p.content.clone(), p.name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            out.push(level);
        }
    }
}

/// The organization id of an account, if it belongs to one.
pub fn org_id_of<'w>(w: &'w World, account: &str) -> Option<&'w str> {
    w.iam.organization.as_ref().filter(|o| o.account_parent.contains_key(account)).map(|o| o.id.as_str())
}

/// IAM's own resource policies: a role's trust policy (for `sts:AssumeRole`).
pub fn resource_policy(w: &World, arn: &Arn) -> Option<crate::world::authz::ResourcePolicy> {
    if arn.service != "iam" || arn.resource_type() != "role" {
        return None;
    }
    let r = w.iam.accounts.get(&arn.account)?.roles.get(&arn.resource_name().to_ascii_lowercase())?;
    Some(crate::world::authz::ResourcePolicy {
        policy: r.assume_role_policy_document.clone(),
        id: "AssumeRolePolicyDocument".into(),
        must_grant: true,
        owner: arn.account.clone(),
    })
}

/// Whether a resource in the world still uses a service-linked role (none of the modelled
/// services keeps one yet).
pub fn service_linked_role_in_use(_w: &World, _account: &str, _role_arn: &str) -> Option<String> {
    None
}

/// A policy document (JSON text or a map already converted to text) for `kind`.
pub fn parse_policy_text(text: &str, kind: PolicyKind) -> Result<Policy, AwsError> {
    Policy::parse(text, kind).map_err(|e| IamError::MalformedPolicyDocument.err(e.to_string()))
}

/// Nothing in IAM is due on the clock: sessions expire by their Expiration, checked on use.
pub fn next_due(_w: &World) -> Option<Timestamp> {
    None
}

pub fn run_due(_w: &mut World, _now: Timestamp) {}
