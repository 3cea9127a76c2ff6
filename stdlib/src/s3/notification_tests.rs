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
