//! IAM and STS. (Placeholder: principal resolution for root/anonymous only.)

pub mod bindings;

use serde::{Deserialize, Serialize};

use crate::world::authz::Gathered;
use crate::world::{AwsError, CommonError, ErrorCode, Principal, Timestamp, World};

/// Every account's IAM entities (users, groups, roles, policies, access keys) and the organization.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IamState {}

/// How a script names a principal for `as_principal`.
#[derive(Clone, Debug)]
pub enum PrincipalSpec {
    /// A user name, an ARN, `root` or `anonymous`.
    Name(String),
    /// Access key credentials (long-term AKIA or temporary ASIA).
    Credentials { access_key_id: String, secret_access_key: Option<String>, session_token: Option<String> },
}

/// Resolves a principal named by a script.
pub fn resolve_principal(w: &World, spec: &PrincipalSpec) -> Result<Principal, AwsError> {
    match spec {
        PrincipalSpec::Name(n) if n == "root" => Ok(Principal::root(crate::world::DEFAULT_ACCOUNT)),
        PrincipalSpec::Name(n) if n == "anonymous" => Ok(Principal::Anonymous),
        _ => {
            let _ = w;
            Err(CommonError::ValidationException.err("unknown principal"))
        }
    }
}

/// The policies that apply to `p` (identity, boundary, session, SCPs) and its tags.
pub fn gather(_w: &World, _p: &Principal) -> Gathered {
    Gathered::default()
}

/// The organization id of an account, if it belongs to one.
pub fn org_id_of(_w: &World, _account: &str) -> Option<String> {
    None
}

pub fn next_due(_w: &World) -> Option<Timestamp> {
    None
}

pub fn run_due(_w: &mut World, _now: Timestamp) {}
