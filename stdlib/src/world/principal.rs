//! Who is calling.
//!
//! Every API call is made by a [`Principal`]. Scripts run as the root user of the default
//! account unless they wrap calls in `as_principal(p, || ...)`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::arn::Arn;
use super::clock::Timestamp;

/// A temporary session from `sts:AssumeRole` (and the federation calls).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleSession {
    pub account: String,
    pub role_name: String,
    /// The role's path, `/` by default.
    pub role_path: String,
    /// The role's unique id, `AROA...`.
    pub role_id: String,
    pub session_name: String,
    /// The temporary access key id (`ASIA...`) of this session.
    pub access_key_id: String,
    pub expiration: Timestamp,
    /// Inline session policy passed to AssumeRole, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_policy: Option<crate::policy::Policy>,
    /// Managed session policy ARNs passed to AssumeRole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub session_policy_arns: Vec<String>,
    /// Session tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Set when the session was created with MFA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_authenticated_at: Option<Timestamp>,
    /// The principal that assumed the role (its ARN), for CloudTrail's sessionIssuer chain.
    #[serde(default)]
    pub source_arn: String,
    /// `Federated` provider ARN for web-identity / SAML sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federated_provider: Option<String>,
}

impl RoleSession {
    pub fn role_arn(&self) -> Arn {
        Arn::new("iam", "", &self.account, format!("role{}{}", self.role_path, self.role_name))
    }
    pub fn arn(&self) -> Arn {
        Arn::new("sts", "", &self.account, format!("assumed-role/{}/{}", self.role_name, self.session_name))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "Type")]
pub enum Principal {
    /// The account's root user.
    Root { account: String },
    /// An IAM user (possibly with MFA in a session from GetSessionToken).
    User {
        account: String,
        name: String,
        path: String,
        user_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mfa_authenticated_at: Option<Timestamp>,
        /// Set for temporary credentials from GetSessionToken: when they stop working.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_expiration: Option<Timestamp>,
    },
    /// An assumed-role session.
    AssumedRole(RoleSession),
    /// An AWS service acting for itself (`s3.amazonaws.com`), e.g. replication or log delivery.
    Service { service: String },
    /// An unauthenticated caller (a presigned-URL-less HTTP request, a public website).
    Anonymous,
}

impl Principal {
    pub fn root(account: &str) -> Self {
        Principal::Root { account: account.to_string() }
    }

    /// The principal's ARN (`arn:aws:iam::111122223333:root`, `...:user/bob`,
    /// `arn:aws:sts::...:assumed-role/r/s`); services and anonymous callers have none.
    pub fn arn(&self) -> Option<Arn> {
        match self {
            Principal::Root { account } => Some(Arn::account_root(account)),
            Principal::User { account, name, path, .. } => Some(Arn::new("iam", "", account, format!("user{path}{name}"))),
            Principal::AssumedRole(s) => Some(s.arn()),
            Principal::Service { .. } | Principal::Anonymous => None,
        }
    }

    /// The ARN as text, or the service name / `*` (anonymous) for principals without one.
    pub fn display_name(&self) -> String {
        match self {
            Principal::Service { service } => service.clone(),
            Principal::Anonymous => "anonymous".to_string(),
            p => p.arn().map(|a| a.to_string()).unwrap_or_default(),
        }
    }

    /// The account the principal belongs to (none for services and anonymous callers).
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Root { account } | Principal::User { account, .. } => Some(account),
            Principal::AssumedRole(s) => Some(&s.account),
            Principal::Service { .. } | Principal::Anonymous => None,
        }
    }

    /// CloudTrail's `userIdentity.type`.
    pub fn identity_type(&self) -> &'static str {
        match self {
            Principal::Root { .. } => "Root",
            Principal::User { .. } => "IAMUser",
            Principal::AssumedRole(_) => "AssumedRole",
            Principal::Service { .. } => "AWSService",
            Principal::Anonymous => "AWSAccount",
        }
    }

    /// `aws:userid`: the account id for root, `AIDA...` for users, `AROA...:session` for
    /// role sessions, `anonymous` for anonymous callers.
    pub fn user_id(&self) -> String {
        match self {
            Principal::Root { account } => account.clone(),
            Principal::User { user_id, .. } => user_id.clone(),
            Principal::AssumedRole(s) => format!("{}:{}", s.role_id, s.session_name),
            Principal::Service { service } => service.clone(),
            Principal::Anonymous => "anonymous".to_string(),
        }
    }

    /// When this principal's MFA authentication happened, if it did.
    pub fn mfa_authenticated_at(&self) -> Option<Timestamp> {
        match self {
            Principal::User { mfa_authenticated_at, .. } => *mfa_authenticated_at,
            Principal::AssumedRole(s) => s.mfa_authenticated_at,
            _ => None,
        }
    }

    /// When temporary credentials behind this principal expire (role sessions and
    /// GetSessionToken sessions); `None` for long-term credentials.
    pub fn expiration(&self) -> Option<Timestamp> {
        match self {
            Principal::User { session_expiration, .. } => *session_expiration,
            Principal::AssumedRole(s) => Some(s.expiration),
            _ => None,
        }
    }

    pub fn is_root(&self) -> bool {
        matches!(self, Principal::Root { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        assert_eq!(Principal::root("111122223333").arn().unwrap().to_string(), "arn:aws:iam::111122223333:root");
        let u = Principal::User {
            account: "111122223333".into(),
            name: "bob".into(),
            path: "/eng/".into(),
            user_id: "AIDAX".into(),
            mfa_authenticated_at: None,
            session_expiration: None,
        };
        assert_eq!(u.arn().unwrap().to_string(), "arn:aws:iam::111122223333:user/eng/bob");
        assert_eq!(u.identity_type(), "IAMUser");
    }
}
