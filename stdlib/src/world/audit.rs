//! The audit trail: one CloudTrail-shaped event per API call, allowed or denied.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
pub use uuid::Uuid;

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

/// A resource an event touched. Its `accountId` is read from the ARN when the event is shown.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct EventResource {
    #[serde(rename = "ARN")]
    pub arn: String,
    #[serde(rename = "type", default)]
    pub kind: Option<Cow<'static, str>>,
}

impl EventResource {
    /// The account in the ARN (none for S3 buckets and objects, whose ARNs name none).
    pub fn account_id(&self) -> Option<&str> {
        super::arn::account_of(&self.arn).filter(|a| !a.is_empty())
    }
}

impl Serialize for EventResource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let account = self.account_id();
        let mut st = s.serialize_struct("EventResource", 1 + account.is_some() as usize + self.kind.is_some() as usize)?;
        st.serialize_field("ARN", &self.arn)?;
        if let Some(a) = account {
            st.serialize_field("accountId", a)?;
        }
        if let Some(k) = &self.kind {
            st.serialize_field("type", k)?;
        }
        st.end()
    }
}

/// A JSON value kept as its compact text (`requestParameters`, `responseElements`): the trail
/// keeps 100,000 events, and a parsed object costs several allocations per key. It is shown,
/// saved and compared as the JSON value itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JsonText(Option<Box<str>>);

impl JsonText {
    /// JSON `null`.
    pub const NULL: JsonText = JsonText(None);

    /// Compact JSON text the caller has already written (it must be valid JSON).
    pub fn from_text(text: String) -> JsonText {
        JsonText(Some(text.into_boxed_str()))
    }

    pub fn is_null(&self) -> bool {
        self.0.is_none()
    }

    /// The text (`null` for null).
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("null")
    }

    /// The value, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.as_str()).unwrap_or_default()
    }
}

impl From<Value> for JsonText {
    fn from(v: Value) -> JsonText {
        if v.is_null() { JsonText::NULL } else { JsonText::from_text(v.to_string()) }
    }
}

impl Serialize for JsonText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<JsonText, D::Error> {
        Value::deserialize(d).map(JsonText::from)
    }
}

/// One CloudTrail event, kept compact (the trail keeps 100,000 of them): the fields that are
/// fixed per service and operation (`eventSource`, `eventName`, ...) and the common
/// region, address and account borrow static names rather than copying them, ids are 16
/// bytes, and the parameters are JSON text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub event_version: Cow<'static, str>,
    pub event_time: Timestamp,
    pub event_source: Cow<'static, str>,
    pub event_name: Cow<'static, str>,
    pub aws_region: Cow<'static, str>,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: Cow<'static, str>,
    /// Shared by the events of one caller.
    pub user_identity: Arc<UserIdentity>,
    pub request_parameters: JsonText,
    #[serde(skip_serializing_if = "JsonText::is_null", default)]
    pub response_elements: JsonText,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    pub request_id: Uuid,
    pub event_id: Uuid,
    pub read_only: bool,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub resources: Vec<EventResource>,
    /// `AwsApiCall` for management events, data events too (CloudTrail marks those with
    /// `eventCategory: Data`).
    pub event_type: Cow<'static, str>,
    pub event_category: Cow<'static, str>,
    pub recipient_account_id: Cow<'static, str>,
}

/// How many events the trail keeps: the latest 100,000 (about 80 MB). Older events are let
/// go as new ones arrive, the way CloudTrail's event history keeps only the last 90 days, so
/// a cell that makes millions of calls cannot exhaust the kernel's memory. What AWS derives
/// from its own records is kept apart and stays exact however long the trail grows: IAM's
/// last-used data and Access Advisor (`iam::usage`); S3 delivers server access logs for
/// events it has not logged yet before they go (`s3::logging`).
pub const TRAIL_CAPACITY: usize = 100_000;

/// The world's trail, oldest first, bounded by its capacity.
///
/// Every event has a sequence number: its position among all the events ever recorded
/// (the first is 0). Numbers stay put when old events are let go, so a cursor into the
/// trail (S3's next undelivered log record) is a sequence number.
///
/// Events are boxed: a cell can add a million events, and moving a queue of pointers copies
/// 8 bytes per event instead of the whole event.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditTrail {
    events: VecDeque<Box<AuditEvent>>,
    /// How many of the oldest events were let go: the sequence number of the oldest kept.
    #[serde(default)]
    dropped: u64,
    #[serde(skip, default = "default_capacity")]
    capacity: usize,
}

fn default_capacity() -> usize {
    TRAIL_CAPACITY
}

impl Default for AuditTrail {
    fn default() -> Self {
        AuditTrail { events: VecDeque::new(), dropped: 0, capacity: TRAIL_CAPACITY }
    }
}

impl AuditTrail {
    /// Appends an event, letting the oldest go if the trail is full. [`World::record`]
    /// is the way calls record theirs (it keeps what must outlive the event first).
    ///
    /// [`World::record`]: super::World::record
    pub(super) fn push(&mut self, e: AuditEvent) {
        while self.events.len() >= self.capacity.max(1) {
            self.events.pop_front();
            self.dropped += 1;
        }
        self.events.push_back(Box::new(e));
    }
    /// The sequence number of the oldest event kept after `n` more pushes.
    pub fn first_seq_after(&self, n: u64) -> u64 {
        (self.total() + n).saturating_sub(self.capacity.max(1) as u64).max(self.dropped)
    }
    /// How many events the trail keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// Changes how many events the trail keeps (tests use small trails), letting the oldest
    /// go at the next push if it holds more.
    pub fn set_capacity(&mut self, n: usize) {
        self.capacity = n;
    }
    /// The events kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &AuditEvent> + ExactSizeIterator + '_ {
        self.events.iter().map(|e| &**e)
    }
    /// The events kept from sequence number `seq` on (all kept ones if `seq` was let go).
    pub fn since(&self, seq: u64) -> impl Iterator<Item = &AuditEvent> + '_ {
        let skip = seq.saturating_sub(self.dropped).min(self.events.len() as u64) as usize;
        self.events.range(skip..).map(|e| &**e)
    }
    /// The newest event.
    pub fn last(&self) -> Option<&AuditEvent> {
        self.events.back().map(|e| &**e)
    }
    /// The sequence number of the oldest event kept.
    pub fn first_seq(&self) -> u64 {
        self.dropped
    }
    /// How many events were ever recorded: the sequence number the next one gets.
    pub fn total(&self) -> u64 {
        self.dropped + self.events.len() as u64
    }
    /// How many events are kept.
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_shows_saves_and_loads_as_its_value() {
        let v = serde_json::json!({ "bucketName": "b", "n": [1, 2], "deep": { "z": 1, "a": null } });
        let t = JsonText::from(v.clone());
        assert_eq!(t.as_str(), r#"{"bucketName":"b","n":[1,2],"deep":{"z":1,"a":null}}"#);
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
        assert_eq!(serde_json::from_value::<JsonText>(v.clone()).unwrap(), t);
        let shown = rhai::serde::to_dynamic(&t).unwrap();
        assert_eq!(shown.cast::<rhai::Map>()["bucketName"].clone().into_string().unwrap(), "b");
        assert!(JsonText::from(Value::Null).is_null());
        assert_eq!(serde_json::to_string(&JsonText::NULL).unwrap(), "null");
    }

    #[test]
    fn resources_show_the_account_of_their_arn() {
        let key = EventResource { arn: "arn:aws:kms:us-east-1:111122223333:key/k".into(), kind: Some("AWS::KMS::Key".into()) };
        let bucket = EventResource { arn: "arn:aws:s3:::b".into(), kind: None };
        assert_eq!(
            serde_json::to_string(&[&key, &bucket]).unwrap(),
            r#"[{"ARN":"arn:aws:kms:us-east-1:111122223333:key/k","accountId":"111122223333","type":"AWS::KMS::Key"},{"ARN":"arn:aws:s3:::b"}]"#
        );
        let back: EventResource = serde_json::from_str(r#"{"ARN":"arn:aws:s3:::b","accountId":"999","type":"AWS::S3::Bucket"}"#).unwrap();
        assert_eq!((back.arn.as_str(), back.kind.as_deref(), back.account_id()), ("arn:aws:s3:::b", Some("AWS::S3::Bucket"), None));
    }
}
