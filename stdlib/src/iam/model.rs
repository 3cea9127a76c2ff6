//! IAM, STS and Organizations domain model: plain Rust, no Rhai.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::policy::Policy;
use crate::world::{RoleSession, Timestamp};

/// Every account's IAM entities, the global credential table and the organization.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IamState {
    /// Per account id.
    pub accounts: BTreeMap<String, AccountIam>,
    /// Access key id -> what it authenticates. Access key ids are globally unique.
    pub credentials: BTreeMap<String, Credential>,
    pub organization: Option<Organization>,
    /// Simulated identity providers OUTSIDE AWS (by issuer URL or SAML entity id), which issue
    /// the tokens and assertions the federation calls exchange (see [`super::idp`]).
    #[serde(default)]
    pub external_idps: BTreeMap<String, super::idp::SimIdp>,
    /// What IAM keeps of every call made (last-used data, Access Advisor).
    #[serde(default)]
    pub usage: super::usage::Usage,
}

/// One account's IAM. Entity maps are keyed by the lower-cased name: IAM names are unique
/// case-insensitively ("you cannot create groups named both ADMINS and admins").
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountIam {
    pub users: BTreeMap<String, User>,
    pub groups: BTreeMap<String, Group>,
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies, keyed by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// How many entities each AWS managed policy (by ARN) is attached to in this account.
    #[serde(default)]
    pub aws_attachments: BTreeMap<String, u32>,
    /// Virtual MFA devices by serial number (their ARN).
    #[serde(default)]
    pub mfa_devices: BTreeMap<String, MfaDevice>,
    /// IAM OIDC identity providers, by ARN.
    #[serde(default)]
    pub oidc_providers: BTreeMap<String, OidcProvider>,
    /// IAM SAML identity providers, by ARN.
    #[serde(default)]
    pub saml_providers: BTreeMap<String, SamlProvider>,
    /// The custom account password policy (`None`: IAM's default policy applies).
    #[serde(default)]
    pub password_policy: Option<PasswordPolicy>,
    /// Console passwords, by lower-cased user name.
    #[serde(default)]
    pub login_profiles: BTreeMap<String, LoginProfile>,
    /// The one stored credential report.
    #[serde(default)]
    pub credential_report: Option<CredentialReport>,
    /// Access Advisor jobs (GenerateServiceLastAccessedDetails), by job id.
    #[serde(default)]
    pub access_advisor_jobs: BTreeMap<String, AccessAdvisorJob>,
}

/// An IAM OpenID Connect identity provider.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OidcProvider {
    pub arn: String,
    /// The issuer URL as registered (`https://host/path`).
    pub url: String,
    pub client_ids: Vec<String>,
    /// Lower-case hex SHA-1 thumbprints (at most five).
    pub thumbprints: Vec<String>,
    pub create_date: Timestamp,
    pub tags: BTreeMap<String, String>,
}

/// An IAM SAML identity provider: the IdP's metadata document as uploaded.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlProvider {
    pub arn: String,
    pub name: String,
    pub metadata: String,
    pub uuid: String,
    pub create_date: Timestamp,
    pub valid_until: Option<Timestamp>,
    pub tags: BTreeMap<String, String>,
}

/// The account password policy (UpdateAccountPasswordPolicy's parameters after defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days; `None` means passwords never expire.
    pub max_password_age: Option<u32>,
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: bool,
}

/// A password as stored: a random salt and HMAC-SHA256(salt, password). Never the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordHash {
    #[serde(with = "crate::world::blob::b64")]
    pub salt: Vec<u8>,
    #[serde(with = "crate::world::blob::b64")]
    pub hash: Vec<u8>,
}

/// A user's console password.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoginProfile {
    pub user_name: String,
    pub create_date: Timestamp,
    pub password: PasswordHash,
    pub password_last_changed: Timestamp,
    pub password_reset_required: bool,
    /// Earlier passwords, newest first (for PasswordReusePrevention, at most 24 kept).
    pub history: Vec<PasswordHash>,
}

/// A generated credential report.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialReport {
    pub generated: Timestamp,
    /// The CSV text.
    pub content: String,
}

/// One Access Advisor job, computed when generated.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessAdvisorJob {
    pub job_id: String,
    pub arn: String,
    /// `SERVICE_LEVEL` or `ACTION_LEVEL`.
    pub granularity: String,
    pub created: Timestamp,
    pub services: Vec<ServiceLastAccessed>,
}

/// Access Advisor's ServiceLastAccessed (also the API's response element).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceLastAccessed {
    pub service_name: String,
    pub service_namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_authenticated: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_authenticated_entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_authenticated_region: Option<String>,
    pub total_authenticated_entities: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracked_actions_last_accessed: Option<Vec<TrackedActionLastAccessed>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrackedActionLastAccessed {
    pub action_name: String,
    pub last_accessed_entity: String,
    pub last_accessed_time: Timestamp,
    pub last_accessed_region: String,
}

/// A virtual MFA device: a TOTP seed (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDevice {
    pub serial_number: String,
    /// The shared secret (20 bytes).
    #[serde(with = "crate::world::blob::b64")]
    pub seed: Vec<u8>,
    /// The user it is enabled for.
    pub user: Option<String>,
    pub enable_date: Option<Timestamp>,
    /// The last 30-second step whose code was accepted (codes can't be replayed).
    pub last_used_step: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct User {
    pub user_name: String,
    pub path: String,
    pub user_id: String,
    pub arn: String,
    pub create_date: Timestamp,
    pub inline: BTreeMap<String, Policy>,
    /// Attached managed policy ARNs, in attachment order.
    pub attached: Vec<String>,
    /// Group names (as created), in the order joined.
    pub groups: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub permissions_boundary: Option<String>,
    /// Access key ids (at most two).
    pub access_keys: Vec<String>,
    /// Serial numbers of enabled MFA devices.
    #[serde(default)]
    pub mfa_devices: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub group_name: String,
    pub path: String,
    pub group_id: String,
    pub arn: String,
    pub create_date: Timestamp,
    pub inline: BTreeMap<String, Policy>,
    pub attached: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub role_name: String,
    pub path: String,
    pub role_id: String,
    pub arn: String,
    pub create_date: Timestamp,
    pub assume_role_policy_document: Policy,
    pub description: Option<String>,
    /// Seconds, 3600–43200 (default 3600).
    pub max_session_duration: i64,
    pub inline: BTreeMap<String, Policy>,
    pub attached: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub permissions_boundary: Option<String>,
    /// Service-linked roles (path `/aws-service-role/<service>/`) can't be edited and can be
    /// deleted only when no resource uses them.
    pub service_linked: Option<String>,
    pub role_last_used: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersion {
    pub version_id: String,
    pub document: Policy,
    pub is_default_version: bool,
    pub create_date: Timestamp,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    pub policy_name: String,
    pub path: String,
    pub policy_id: String,
    pub arn: String,
    pub description: Option<String>,
    pub create_date: Timestamp,
    pub update_date: Timestamp,
    /// Oldest first; at most five.
    pub versions: Vec<PolicyVersion>,
    /// The next version number to assign (`v{n}`); IAM never reuses version ids.
    pub next_version: u32,
    pub attachment_count: u32,
    pub permissions_boundary_usage_count: u32,
}

impl ManagedPolicy {
    pub fn default_version(&self) -> &PolicyVersion {
        self.versions.iter().find(|v| v.is_default_version).unwrap_or(&self.versions[0])
    }
}

/// What an access key id authenticates.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "Kind")]
pub enum Credential {
    /// A long-term access key of an IAM user.
    AccessKey {
        account: String,
        user_name: String,
        secret_access_key: String,
        /// `Active` or `Inactive`.
        status: String,
        create_date: Timestamp,
        last_used: Option<Timestamp>,
    },
    /// Temporary credentials of a role session.
    Session { session: RoleSession, secret_access_key: String, session_token: String },
    /// Temporary credentials of an IAM user from GetSessionToken (with MFA when a code was given).
    UserSession {
        account: String,
        user_name: String,
        secret_access_key: String,
        session_token: String,
        expiration: Timestamp,
        mfa_authenticated_at: Option<Timestamp>,
    },
}

/// An AWS Organization: a management account, OUs, SCPs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub management_account_id: String,
    pub root_id: String,
    /// OU id -> OU.
    pub units: BTreeMap<String, OrganizationalUnit>,
    /// Account id -> its parent (root id or OU id).
    pub account_parent: BTreeMap<String, String>,
    /// Policy id -> SCP.
    pub policies: BTreeMap<String, OrgPolicy>,
    /// Target id (root, OU or account) -> attached policy ids.
    pub attachments: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub parent_id: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrgPolicy {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub policy_type: String,
    pub aws_managed: bool,
    pub content: Policy,
}

impl Organization {
    /// The chain of targets from the root down to `account` (root id, OU ids..., account id).
    pub fn chain(&self, account: &str) -> Vec<String> {
        let mut chain = vec![account.to_string()];
        let mut cur = self.account_parent.get(account).cloned();
        let mut guard = 0;
        while let Some(p) = cur {
            chain.push(p.clone());
            cur = self.units.get(&p).map(|u| u.parent_id.clone());
            guard += 1;
            if guard > 32 {
                break;
            }
        }
        chain.reverse();
        chain
    }
}
