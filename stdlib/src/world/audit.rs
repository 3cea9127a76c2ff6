//! The audit trail: one CloudTrail-shaped event per API call, allowed or denied.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clock::Timestamp;
use super::principal::Principal;

/// CloudTrail's `userIdentity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    #[serde(rename = "type")]
    pub kind: String,
    pub principal_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<String>,
    /// For `WebIdentityUser` / `SAMLUser` identities: the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
}

impl UserIdentity {
    pub fn of(p: &Principal) -> Self {
        let (access_key_id, user_name) = match p {
            Principal::AssumedRole(s) => (Some(s.access_key_id.clone()), None),
            Principal::User { name, .. } => (None, Some(name.clone())),
            _ => (None, None),
        };
        UserIdentity {
            kind: p.identity_type().to_string(),
            principal_id: match p {
                Principal::Anonymous => String::new(),
                _ => p.user_id(),
            },
            arn: p.arn().map(|a| a.to_string()),
            account_id: match p {
                Principal::Anonymous => Some("ANONYMOUS_PRINCIPAL".into()),
                _ => p.account().map(str::to_string),
            },
            access_key_id,
            user_name,
            invoked_by: match p {
                Principal::Service { service } => Some(service.clone()),
                _ => None,
            },
            identity_provider: None,
        }
    }
}

/// A resource an event touched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventResource {
    #[serde(rename = "ARN")]
    pub arn: String,
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// One CloudTrail event. The fields that are fixed per service and operation
/// (`eventSource`, `eventName`, ...) borrow the static names rather than copying them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub event_version: Cow<'static, str>,
    pub event_time: Timestamp,
    pub event_source: Cow<'static, str>,
    pub event_name: Cow<'static, str>,
    pub aws_region: String,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    /// Shared by the events of one caller.
    pub user_identity: Arc<UserIdentity>,
    pub request_parameters: Value,
    #[serde(skip_serializing_if = "Value::is_null", default)]
    pub response_elements: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    pub request_id: String,
    pub event_id: String,
    pub read_only: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub resources: Vec<EventResource>,
    /// `AwsApiCall` for management events, data events too (CloudTrail marks those with
    /// `eventCategory: Data`).
    pub event_type: Cow<'static, str>,
    pub event_category: Cow<'static, str>,
    pub recipient_account_id: String,
}

/// The world's trail, oldest first.
///
/// Events are boxed: the trail only grows (a cell can add a million events), and growing a
/// vector of pointers copies 8 bytes per event instead of the whole event.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuditTrail {
    pub events: Vec<Box<AuditEvent>>,
}

impl AuditTrail {
    pub fn push(&mut self, e: AuditEvent) {
        self.events.push(Box::new(e));
    }
    /// The events, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &AuditEvent> + '_ {
        self.events.iter().map(|e| &**e)
    }
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
