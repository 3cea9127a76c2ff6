//! S3 event notifications to SNS topics, SQS queues and Lambda functions.
//!
//! Modelled as the S3 User Guide ("Amazon S3 Event Notifications") describes:
//! - PutBucketNotificationConfiguration replaces the whole configuration. Each
//!   `TopicConfigurations` / `QueueConfigurations` / `LambdaFunctionConfigurations` entry has
//!   event types (`s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, `s3:ObjectRemoved:Delete`,
//!   `s3:ObjectRemoved:DeleteMarkerCreated`, ...) and optional `prefix`/`suffix` key filters.
//!   Two configurations whose event types and filters overlap are refused.
//! - S3 validates every destination before accepting: the destination's resource policy must
//!   allow the service principal `s3.amazonaws.com` to `sns:Publish` / `sqs:SendMessage` /
//!   `lambda:InvokeFunction` (decided by the one authorizer, with `aws:SourceArn` = the
//!   bucket's ARN and `aws:SourceAccount` = its owner), otherwise InvalidArgument "Unable to
//!   validate the following destination configurations". An accepted configuration sends an
//!   `s3:TestEvent` to each new destination.
//! - Events are AWS's JSON (`eventVersion` 2.1, `Records[].s3.bucket`, `s3.object` with
//!   `key` (URL-encoded), `size`, `eTag`, `versionId`, `sequencer`).
//!
//! The destinations are simple sinks in the world (this simulator has no SNS, SQS or Lambda
//! service): [`create_event_destination`] makes one with a resource policy, and
//! `s3::received_events(arn)` shows what it received.
//!
//! Emitted: ObjectCreated (Put, Copy, CompleteMultipartUpload), ObjectRemoved (Delete,
//! DeleteMarkerCreated), ObjectTagging (Put, Delete), ObjectRestore (Post; Completed with
//! `glacierEventData` when the restore finishes on the clock; Delete when the restored copy
//! expires), LifecycleExpiration (Delete, DeleteMarkerCreated) and LifecycleTransition (with
//! `lifecycleEventData`). Events S3 itself causes name `s3.amazonaws.com` as principal and
//! source address, as AWS's lifecycle example shows. Simplified: events are delivered at
//! once (S3 delivers "typically in seconds"); EventBridge, Replication, ObjectAcl:Put,
//! ObjectCreated:Post (browser uploads) and IntelligentTiering types are accepted but never
//! emitted.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::error::invalid_argument;
use super::ops::{BucketRequest, Empty, authorize_bucket, bucket, bucket_mut};
use crate::policy::{EvalDecision, Policy, PolicyKind};
use crate::world::authz::{Authz, decide};
use crate::world::{AwsError, Call, Caller, Principal, Timestamp, World};

/// A destination S3 can notify: a topic, a queue or a function, with its resource policy.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventDestination {
    pub arn: String,
    /// `sns`, `sqs` or `lambda`.
    pub kind: String,
    pub policy: Option<Policy>,
    /// What it received, oldest first (each an S3 event message as JSON).
    pub received: Vec<Value>,
}

impl EventDestination {
    fn action(&self) -> &'static str {
        match self.kind.as_str() {
            "sns" => "sns:Publish",
            "sqs" => "sqs:SendMessage",
            _ => "lambda:InvokeFunction",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct FilterRule {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct KeyFilter {
    #[serde(default)]
    pub filter_rules: Vec<FilterRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NotificationFilter {
    pub key: KeyFilter,
}

/// One destination configuration; exactly one of the ARNs is set.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DestinationConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_function_arn: Option<String>,
    pub events: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<NotificationFilter>,
}

impl DestinationConfiguration {
    fn arn(&self) -> &str {
        self.topic_arn.as_deref().or(self.queue_arn.as_deref()).or(self.lambda_function_arn.as_deref()).unwrap_or("")
    }
    fn rule(&self, name: &str) -> &str {
        self.filter.as_ref().and_then(|f| f.key.filter_rules.iter().find(|r| r.name.eq_ignore_ascii_case(name))).map_or("", |r| r.value.as_str())
    }
    fn matches_key(&self, key: &str) -> bool {
        key.starts_with(self.rule("prefix")) && key.ends_with(self.rule("suffix"))
    }
}

/// A bucket's notification configuration, shaped like Get/PutBucketNotificationConfiguration.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NotificationConfiguration {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_configurations: Vec<DestinationConfiguration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queue_configurations: Vec<DestinationConfiguration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lambda_function_configurations: Vec<DestinationConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_bridge_configuration: Option<Value>,
}

impl NotificationConfiguration {
    fn all(&self) -> impl Iterator<Item = &DestinationConfiguration> {
        self.topic_configurations.iter().chain(&self.queue_configurations).chain(&self.lambda_function_configurations)
    }
}

/// The event types S3 notifications support (S3 User Guide, "Event notification types").
const EVENT_TYPES: &[&str] = &[
    "s3:TestEvent",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
];

/// Whether a configured event type (possibly `...:*`) covers `event` (`s3:ObjectCreated:Put`).
fn covers(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(p) => event.starts_with(p),
        None => pattern == event,
    }
}

fn overlap(a: &DestinationConfiguration, b: &DestinationConfiguration) -> bool {
    let types = a.events.iter().any(|x| b.events.iter().any(|y| covers(x, y) || covers(y, x)));
    let prefixes = a.rule("prefix").starts_with(b.rule("prefix")) || b.rule("prefix").starts_with(a.rule("prefix"));
    let suffixes = a.rule("suffix").ends_with(b.rule("suffix")) || b.rule("suffix").ends_with(a.rule("suffix"));
    types && prefixes && suffixes
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketNotificationConfigurationRequest {
    pub bucket: String,
    pub notification_configuration: NotificationConfiguration,
    #[serde(default)]
    pub skip_destination_validation: Option<bool>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// PutBucketNotificationConfiguration: validated (event types, filters, overlaps, and each
/// destination's policy allowing S3), then a test event to each destination.
pub fn put_bucket_notification_configuration(c: &mut Call<'_>, req: PutBucketNotificationConfigurationRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketNotification")?;
    let cfg = req.notification_configuration;
    let all: Vec<&DestinationConfiguration> = cfg.all().collect();
    for (i, d) in all.iter().enumerate() {
        if d.events.is_empty() {
            return Err(invalid_argument("A notification configuration must name at least one event"));
        }
        if let Some(e) = d.events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
            return Err(invalid_argument(format!("The event is not supported for notifications: `{e}`")));
        }
        if let Some(f) = &d.filter {
            for r in &f.key.filter_rules {
                if !r.name.eq_ignore_ascii_case("prefix") && !r.name.eq_ignore_ascii_case("suffix") {
                    return Err(invalid_argument(format!("filter rule name must be either prefix or suffix: `{}`", r.name)));
                }
            }
        }
        if all[..i].iter().any(|o| overlap(o, d)) {
            return Err(invalid_argument("Configurations overlap. Configurations on the same bucket cannot share a common event type."));
        }
    }
    let b = bucket(c, &req.bucket)?;
    let (bucket_arn, owner, region) = (b.arn(), b.owner.clone(), b.region.clone());
    if req.skip_destination_validation != Some(true) {
        let failed: Vec<&str> = all.iter().map(|d| d.arn()).filter(|arn| !s3_may_deliver(c.w, arn, &bucket_arn, &owner, &region)).collect();
        if !failed.is_empty() {
            return Err(invalid_argument(format!("Unable to validate the following destination configurations: {}", failed.join(", "))));
        }
    }
    let _ = &req.expected_bucket_owner;
    let now = c.now();
    let request_id = c.request_id;
    let old: Vec<String> = bucket(c, &req.bucket)?.notifications.as_ref().map(|n| n.all().map(|d| d.arn().to_string()).collect()).unwrap_or_default();
    for d in &all {
        let arn = d.arn().to_string();
        if !old.contains(&arn)
            && let Some(dest) = c.w.s3.event_destinations.get_mut(&arn) {
                dest.received.push(json!({ "Service": "Amazon S3", "Event": "s3:TestEvent", "Time": now, "Bucket": req.bucket, "RequestId": request_id, "HostId": "c2ltdWxhdGVkLWhvc3QtaWQ=" }));
            }
    }
    bucket_mut(c, &req.bucket).notifications = Some(cfg);
    Ok(Empty {})
}

pub fn get_bucket_notification_configuration(c: &mut Call<'_>, req: BucketRequest) -> Result<NotificationConfiguration, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketNotification")?;
    Ok(bucket(c, &req.bucket)?.notifications.clone().unwrap_or_default())
}

/// Whether `arn`'s resource policy lets S3 deliver this bucket's events (the one authorizer,
/// as the service principal, with the source conditions S3 sends).
pub fn s3_may_deliver(w: &World, arn: &str, bucket_arn: &str, owner: &str, region: &str) -> bool {
    let Some(d) = w.s3.event_destinations.get(arn) else { return false };
    let caller = Caller::new(Principal::Service { service: "s3.amazonaws.com".into() }, region);
    let req = Authz::new(d.action(), arn).policy(d.policy.as_ref(), "resource-policy").must_grant().ctx_str("aws:SourceArn", bucket_arn.to_string()).ctx_str("aws:SourceAccount", owner.to_string());
    decide(w, &caller, &req).decision == EvalDecision::Allowed
}

/// Who caused an event, as its message shows it.
pub enum Initiator {
    /// The caller of a request.
    Caller { principal_id: String, source_ip: String, request_id: String },
    /// S3 itself, for what happens on the clock (lifecycle actions, restores finishing):
    /// AWS's example lifecycle message shows `s3.amazonaws.com` as principal and address.
    S3,
}

impl Initiator {
    /// The caller of the current request.
    pub fn of(c: &Call<'_>) -> Initiator {
        Initiator::Caller {
            principal_id: c.principal().arn().map(|a| a.to_string()).unwrap_or_else(|| "Anonymous".into()),
            source_ip: c.caller.source_ip.as_deref().unwrap_or_default().to_string(),
            request_id: c.request_id.to_string(),
        }
    }
}

/// The message version of an event type: 2.2 for replication events; 2.3 for S3 Lifecycle,
/// Intelligent-Tiering, object ACL, object tagging and restore deletion events; 2.1 for the
/// rest (S3 User Guide, "Event message structure").
fn event_version(event: &str) -> &'static str {
    if event.starts_with("Replication:") {
        "2.2"
    } else if ["Lifecycle", "IntelligentTiering", "ObjectAcl:", "ObjectTagging:", "ObjectRestore:Delete"].iter().any(|p| event.starts_with(p)) {
        "2.3"
    } else {
        "2.1"
    }
}

/// Sends `event` (`ObjectCreated:Put`, `ObjectRemoved:DeleteMarkerCreated`, ...) caused by the
/// current request about the current (or given) version of `key` to every matching
/// destination.
pub fn emit(c: &mut Call<'_>, bucket_name: &str, key: &str, event: &str, version_id: Option<&str>) {
    // Every object write passes here: most buckets notify nobody, so stop before building
    // the initiator's strings.
    if c.w.s3.buckets.get(bucket_name).is_none_or(|b| b.notifications.is_none()) {
        return;
    }
    let who = Initiator::of(c);
    let now = c.now();
    deliver(c.w, &who, now, bucket_name, key, event, version_id, None);
}

/// Sends `event` about `key` (the given version, else the current one) to every destination
/// of `bucket_name` whose event types and key filters match, when its policy still lets S3
/// deliver. `extra` is an event-specific member of the record (`glacierEventData`,
/// `lifecycleEventData`).
#[allow(clippy::too_many_arguments)]
pub fn deliver(w: &mut World, who: &Initiator, now: Timestamp, bucket_name: &str, key: &str, event: &str, version_id: Option<&str>, extra: Option<(&str, Value)>) {
    let Some(b) = w.s3.buckets.get(bucket_name) else { return };
    let Some(cfg) = &b.notifications else { return };
    let full = format!("s3:{event}");
    let targets: Vec<(String, Option<String>)> = cfg.all().filter(|d| d.events.iter().any(|e| covers(e, &full)) && d.matches_key(key)).map(|d| (d.arn().to_string(), d.id.clone())).collect();
    if targets.is_empty() {
        return;
    }
    let (arn, owner, region) = (b.arn(), b.owner.clone(), b.region.clone());
    let (principal_id, source_ip, request_id) = match who {
        Initiator::Caller { principal_id, source_ip, request_id } => (principal_id.clone(), source_ip.clone(), request_id.clone()),
        // Drawn only when there is someone to tell, so configurations that match nothing
        // leave the world's random sequence alone.
        Initiator::S3 => ("s3.amazonaws.com".to_string(), "s3.amazonaws.com".to_string(), w.rng.uuid()),
    };
    let b = &w.s3.buckets[bucket_name];
    let v = match version_id {
        Some(id) => b.version(key, id),
        None => b.current(key),
    };
    let mut object = json!({ "key": super::sigv4::uri_encode(key, true).replace("%20", "+"), "sequencer": "" });
    if let Some(v) = v {
        // Only creation events carry the object's size and ETag.
        if !v.delete_marker && event.starts_with("ObjectCreated") {
            object["size"] = json!(v.size);
            object["eTag"] = json!(v.etag.trim_matches('"'));
        }
    }
    // A version that is gone (expired by lifecycle) is still named by its id.
    if b.versioning.is_some()
        && let Some(id) = v.map(|v| v.version_id.as_str()).or(version_id)
    {
        object["versionId"] = json!(id);
    }
    w.s3.event_sequencer += 1;
    object["sequencer"] = json!(format!("{:016X}", w.s3.event_sequencer));
    for (dest, id) in targets {
        if !s3_may_deliver(w, &dest, &arn, &owner, &region) {
            continue;
        }
        let mut record = json!({
            "eventVersion": event_version(event),
            "eventSource": "aws:s3",
            "awsRegion": region,
            "eventTime": now,
            "eventName": event,
            "userIdentity": { "principalId": principal_id },
            "requestParameters": { "sourceIPAddress": source_ip },
            "responseElements": { "x-amz-request-id": request_id, "x-amz-id-2": "c2ltdWxhdGVkLWhvc3QtaWQ=" },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": id.unwrap_or_default(),
                "bucket": { "name": bucket_name, "ownerIdentity": { "principalId": super::model::canonical_user_id(&owner) }, "arn": arn },
                "object": object,
            },
        });
        if let Some((k, v)) = &extra {
            record[*k] = v.clone();
        }
        if let Some(d) = w.s3.event_destinations.get_mut(&dest) {
            d.received.push(json!({ "Records": [record] }));
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateEventDestinationRequest {
    /// `sns`, `sqs` or `lambda`.
    pub kind: String,
    pub name: String,
    /// The resource policy (JSON text or a map); none means S3 may not deliver.
    #[serde(default)]
    pub policy: Option<Value>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateEventDestinationResponse {
    pub arn: String,
}

/// Creates (or replaces the policy of) a topic, queue or function sink in the caller's
/// account and region.
pub fn create_event_destination(c: &mut Call<'_>, req: CreateEventDestinationRequest) -> Result<CreateEventDestinationResponse, AwsError> {
    let (acct, region) = (c.account(), c.region());
    let arn = match req.kind.as_str() {
        "sns" => format!("arn:aws:sns:{region}:{acct}:{}", req.name),
        "sqs" => format!("arn:aws:sqs:{region}:{acct}:{}", req.name),
        "lambda" => format!("arn:aws:lambda:{region}:{acct}:function:{}", req.name),
        o => return Err(invalid_argument(format!("Kind `{o}` (expected sns, sqs or lambda)"))),
    };
    if req.name.is_empty() || !req.name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
        return Err(invalid_argument(format!("Invalid name `{}`", req.name)));
    }
    let policy = match &req.policy {
        Some(p) => Some(Policy::parse(&super::ops::policy_text(p), PolicyKind::Resource).map_err(|e| invalid_argument(e.to_string()))?),
        None => None,
    };
    c.resource(&arn, "AWS::S3::EventDestination");
    let received = c.w.s3.event_destinations.get(&arn).map(|d| d.received.clone()).unwrap_or_default();
    c.w.s3.event_destinations.insert(arn.clone(), EventDestination { arn: arn.clone(), kind: req.kind, policy, received });
    Ok(CreateEventDestinationResponse { arn })
}
