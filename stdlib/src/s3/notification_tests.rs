//! Script-level tests of S3 event notifications (each cites the AWS rule it pins).

use crate::script::testing::*;

/// A bucket and a queue whose policy lets S3 (for this bucket and account) send to it.
const SETUP: &str = r#"
    s3::create_bucket("photos");
    s3::put_bucket_versioning("photos", "Enabled");
    let q = s3::create_event_destination(#{ Kind: "sqs", Name: "uploads", Policy: `{"Version":"2012-10-17","Statement":[{
        "Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:uploads",
        "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::photos"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}` }).Arn;
    let open_topic = s3::create_event_destination(#{ Kind: "sns", Name: "no-policy" }).Arn;
    fn cfg(arn, events, suffix) {
        #{ QueueConfigurations: [#{ Id: "jpg-uploads", QueueArn: arn, Events: events, Filter: #{ Key: #{ FilterRules: [#{ Name: "suffix", Value: suffix }] } } }] }
    }
"#;

#[test]
fn destinations_must_allow_s3_or_the_configuration_is_rejected() {
    // "Unable to validate the following destination configurations" when the destination's
    // policy does not grant S3 permission.
    let (c, m) = code(&format!(
        r#"{SETUP} s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: #{{
            TopicConfigurations: [#{{ TopicArn: open_topic, Events: ["s3:ObjectCreated:*"] }}] }} }})"#
    ));
    assert_eq!(c, "InvalidArgument");
    assert!(m.starts_with("Unable to validate the following destination configurations"), "{m}");
    // The queue policy's aws:SourceArn condition names `photos`: another bucket is refused.
    let (c, _) = code(&format!(
        r#"{SETUP} s3::create_bucket("other"); s3::put_bucket_notification_configuration(#{{ Bucket: "other", NotificationConfiguration: cfg(q, ["s3:ObjectCreated:*"], ".jpg") }})"#
    ));
    assert_eq!(c, "InvalidArgument");
    // Unknown event types and overlapping configurations are refused.
    assert!(code(&format!(r#"{SETUP} s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: cfg(q, ["s3:ObjectMoved:*"], ".jpg") }})"#)).1.contains("not supported"));
    let overlap = r#"s3::put_bucket_notification_configuration(#{ Bucket: "photos", NotificationConfiguration: #{ QueueConfigurations: [
        #{ QueueArn: q, Events: ["s3:ObjectCreated:*"] }, #{ QueueArn: q, Events: ["s3:ObjectCreated:Put"] }] } })"#;
    assert_eq!(code(&format!("{SETUP} {overlap}")).1, "Configurations overlap. Configurations on the same bucket cannot share a common event type.");
}

#[test]
fn matching_events_arrive_as_aws_event_json() {
    let r = ok(&format!(
        r#"{SETUP} s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: cfg(q, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], ".jpg") }});
           let v = s3::put_object("photos", "2026/my cat.jpg", "meow").VersionId;
           s3::put_object("photos", "notes.txt", "skip me");
           s3::delete_object("photos", "2026/my cat.jpg");
           [s3::received_events(q), v]"#
    ))
    .into_array()
    .unwrap();
    let events = r[0].clone().into_array().unwrap();
    // The first message is S3's test event, sent when the configuration is accepted.
    assert_eq!(s(&map(events[0].clone())["Event"]), "s3:TestEvent");
    // Then the .jpg upload and its delete marker; the .txt matched no filter.
    assert_eq!(events.len(), 3);
    let rec = map(map(events[1].clone())["Records"].clone().into_array().unwrap()[0].clone());
    assert_eq!(s(&rec["eventVersion"]), "2.1");
    assert_eq!(s(&rec["eventSource"]), "aws:s3");
    assert_eq!(s(&rec["eventName"]), "ObjectCreated:Put");
    let s3m = map(rec["s3"].clone());
    assert_eq!(s(&s3m["configurationId"]), "jpg-uploads");
    assert_eq!(s(&map(s3m["bucket"].clone())["arn"]), "arn:aws:s3:::photos");
    let obj = map(s3m["object"].clone());
    // Keys are URL-encoded in event messages.
    assert_eq!(s(&obj["key"]), "2026/my+cat.jpg");
    assert_eq!(obj["size"].as_int().unwrap(), 4);
    assert_eq!(s(&obj["eTag"]), "4a4be40c96ac6314e91d93f38043a634");
    assert_eq!(s(&obj["versionId"]), s(&r[1]));
    let del = map(map(events[2].clone())["Records"].clone().into_array().unwrap()[0].clone());
    assert_eq!(s(&del["eventName"]), "ObjectRemoved:DeleteMarkerCreated");
    let seq1 = s(&map(s3m["object"].clone())["sequencer"]);
    let seq2 = s(&map(map(del["s3"].clone())["object"].clone())["sequencer"]);
    assert!(seq2 > seq1, "sequencers grow: {seq1} {seq2}");
}

#[test]
fn notification_configuration_survives_save_and_load() {
    let r = ok(&format!(
        r#"{SETUP} s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: cfg(q, ["s3:ObjectCreated:*"], ".jpg") }});
           let saved = world::save(); world::reset(); world::load(saved);
           s3::put_object("photos", "a.jpg", "x");
           [saved.contains("uploads"), s3::received_events(q).len(), s3::get_bucket_notification_configuration(#{{ Bucket: "photos" }}).QueueConfigurations[0].Id]"#
    ))
    .into_array()
    .unwrap();
    assert!(r[0].as_bool().unwrap());
    assert_eq!(r[1].as_int().unwrap(), 2);
    assert_eq!(s(&r[2]), "jpg-uploads");
}

/// The record of each message a destination received after S3's test event.
const RECORDS: &str = r#"fn records(q) { let out = []; for m in s3::received_events(q) { if "Records" in m { out.push(m.Records[0]); } } out }"#;

#[test]
fn tagging_and_restore_events_arrive_with_restore_data_on_the_clock() {
    // "s3:ObjectRestore:Post ... when the restore is initiated ... s3:ObjectRestore:Completed
    // when it completes ... s3:ObjectRestore:Delete when the temporary copy expires"; the
    // Completed message carries glacierEventData.restoreEventData; tagging and restore-delete
    // messages are eventVersion 2.3 (S3 User Guide, "Event notification types" and "Event
    // message structure").
    let r = ok(&format!(
        r#"{SETUP} {RECORDS}
           s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: cfg(q, ["s3:ObjectTagging:*", "s3:ObjectRestore:*"], ".jpg") }});
           let v = s3::put_object(#{{ Bucket: "photos", Key: "old.jpg", Body: "archived", StorageClass: "GLACIER" }}).VersionId;
           s3::put_object_tagging(#{{ Bucket: "photos", Key: "old.jpg", Tagging: #{{ TagSet: [#{{ Key: "k", Value: "v" }}] }} }});
           s3::delete_object_tagging(#{{ Bucket: "photos", Key: "old.jpg" }});
           s3::restore_object(#{{ Bucket: "photos", Key: "old.jpg", RestoreRequest: #{{ Days: 1, GlacierJobParameters: #{{ Tier: "Bulk" }} }} }});
           let at_request = records(q).len();
           clock::advance("12h");
           let at_completion = records(q).len();
           clock::advance("2d");
           [records(q), at_request, at_completion, v]"#
    ))
    .into_array()
    .unwrap();
    let recs: Vec<_> = r[0].clone().into_array().unwrap().into_iter().map(map).collect();
    let names: Vec<String> = recs.iter().map(|m| s(&m["eventName"])).collect();
    assert_eq!(names, ["ObjectTagging:Put", "ObjectTagging:Delete", "ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete"]);
    assert_eq!((r[1].as_int().unwrap(), r[2].as_int().unwrap()), (3, 4), "Completed arrives when the restore finishes, Delete when the copy expires");
    let versions: Vec<&str> = ["2.3", "2.3", "2.1", "2.1", "2.3"].to_vec();
    assert_eq!(recs.iter().map(|m| s(&m["eventVersion"])).collect::<Vec<_>>(), versions);
    // Every message names the version; the clock's events are S3's own.
    for m in &recs {
        assert_eq!(s(&map(map(m["s3"].clone())["object"].clone())["versionId"]), s(&r[3]));
    }
    assert_eq!(s(&map(recs[2]["userIdentity"].clone())["principalId"]), "arn:aws:iam::111122223333:root");
    assert_eq!(s(&map(recs[3]["userIdentity"].clone())["principalId"]), "s3.amazonaws.com");
    let restore = map(map(recs[3]["glacierEventData"].clone())["restoreEventData"].clone());
    assert_eq!(s(&restore["lifecycleRestoreStorageClass"]), "GLACIER");
    // Bulk takes 12 hours; the copy is kept 1 day, rounded up to the next midnight UTC.
    assert_eq!(s(&restore["lifecycleRestorationExpiryTime"]), "2026-01-03T00:00:00Z");
    assert!(!recs[4].contains_key("glacierEventData"));
}

#[test]
fn lifecycle_expirations_and_transitions_are_announced_by_s3() {
    // AWS's example s3:LifecycleExpiration:Delete message: eventVersion 2.3, principalId and
    // sourceIPAddress "s3.amazonaws.com"; transitions carry
    // lifecycleEventData.transitionEventData.destinationStorageClass.
    let r = ok(&format!(
        r#"{SETUP} {RECORDS}
           s3::put_bucket_notification_configuration(#{{ Bucket: "photos", NotificationConfiguration: cfg(q, ["s3:LifecycleExpiration:*", "s3:LifecycleTransition"], ".jpg") }});
           // Lifecycle does not transition objects under 128 KB by default.
           s3::put_object("photos", "a.jpg", blob(140000, 65));
           s3::put_object("photos", "b.txt", "filtered out by the suffix");
           s3::put_bucket_lifecycle_configuration(#{{ Bucket: "photos", LifecycleConfiguration: #{{ Rules: [#{{ ID: "age", Status: "Enabled", Filter: #{{}},
               Transitions: [#{{ Days: 30, StorageClass: "GLACIER" }}], Expiration: #{{ Days: 60 }},
               NoncurrentVersionExpiration: #{{ NoncurrentDays: 1 }} }}] }} }});
           clock::advance("62d");
           records(q)"#
    ))
    .into_array()
    .unwrap();
    let recs: Vec<_> = r.into_iter().map(map).collect();
    let names: Vec<String> = recs.iter().map(|m| s(&m["eventName"])).collect();
    // Day 30: to GLACIER; day 60: a delete marker on the current version; a day later the
    // noncurrent version is deleted for good.
    assert_eq!(names, ["LifecycleTransition", "LifecycleExpiration:DeleteMarkerCreated", "LifecycleExpiration:Delete"]);
    for m in &recs {
        assert_eq!(s(&m["eventVersion"]), "2.3");
        assert_eq!(s(&map(m["userIdentity"].clone())["principalId"]), "s3.amazonaws.com");
        assert_eq!(s(&map(m["requestParameters"].clone())["sourceIPAddress"]), "s3.amazonaws.com");
        assert_eq!(s(&map(map(m["s3"].clone())["object"].clone())["key"]), "a.jpg");
    }
    let to = map(map(recs[0]["lifecycleEventData"].clone())["transitionEventData"].clone());
    assert_eq!(s(&to["destinationStorageClass"]), "GLACIER");
    assert!(!recs[1].contains_key("lifecycleEventData"));
}
