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
