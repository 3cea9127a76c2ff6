//! Script-level tests of server access logging (each cites the AWS rule it pins).

use crate::script::testing::*;

const SETUP: &str = r#"
    s3::create_bucket("app-data");
    s3::create_bucket("app-logs");
    s3::put_bucket_logging(#{ Bucket: "app-data", BucketLoggingStatus: #{ LoggingEnabled: #{ TargetBucket: "app-logs", TargetPrefix: "access/" } } });
    fn allow_logging() {
        s3::put_bucket_policy("app-logs", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},
            "Action":"s3:PutObject","Resource":"arn:aws:s3:::app-logs/access/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`);
    }
    fn logs() { (s3::list_objects_v2("app-logs", "access/").Contents ?? []).map(|o| o.Key) }
"#;

#[test]
fn the_target_must_exist_in_the_same_region_and_account() {
    let (c, _) = code(r#"s3::create_bucket("app-data"); s3::put_bucket_logging(#{ Bucket: "app-data", BucketLoggingStatus: #{ LoggingEnabled: #{ TargetBucket: "nope-logs", TargetPrefix: "x/" } } })"#);
    assert_eq!(c, "InvalidTargetBucketForLogging");
    let (c, _) = code(r#"s3::create_bucket("app-data"); world::set_region("eu-west-1");
        s3::create_bucket(#{ Bucket: "eu-logs", CreateBucketConfiguration: #{ LocationConstraint: "eu-west-1" } }); world::set_region("us-east-1");
        s3::put_bucket_logging(#{ Bucket: "app-data", BucketLoggingStatus: #{ LoggingEnabled: #{ TargetBucket: "eu-logs", TargetPrefix: "x/" } } })"#);
    assert_eq!(c, "IllegalLocationConstraintException");
}

#[test]
fn records_arrive_late_in_the_access_log_format() {
    let r = ok(&format!(
        r#"{SETUP} allow_logging();
           s3::put_object("app-data", "report.csv", "a,b");
           s3::get_object("app-data", "report.csv");
           try {{ s3::get_object("app-data", "missing.csv"); }} catch {{}}
           let early = logs().len();
           clock::advance("1h");
           let keys = logs();
           let body = s3::get_object("app-logs", keys[0]).Body.as_string();
           [early, keys.len(), keys[0], body]"#
    ))
    .into_array()
    .unwrap();
    assert_eq!(r[0].as_int().unwrap(), 0, "delivery is delayed");
    assert_eq!(r[1].as_int().unwrap(), 1);
    assert!(r[2].clone().into_string().unwrap().starts_with("access/2026-01-01-01-00-00-"));
    let body = r[3].clone().into_string().unwrap();
    let lines: Vec<&str> = body.lines().collect();
    // PutObject, GetObject, GetObject (404); the policy change on app-logs is not app-data's.
    assert_eq!(lines.len(), 3, "{body}");
    let f: Vec<&str> = lines[1].split(' ').collect();
    assert_eq!(f[1], "app-data");
    assert_eq!(f[2], "[01/Jan/2026:00:00:00");
    assert_eq!(f[4], "203.0.113.10");
    assert_eq!(f[5], "arn:aws:iam::111122223333:root");
    assert_eq!(f[7], "REST.GET.OBJECT");
    assert_eq!(f[8], "report.csv");
    assert!(lines[1].contains("\"GET /app-data/report.csv HTTP/1.1\" 200 -"), "{}", lines[1]);
    assert!(lines[2].contains(" 404 NoSuchKey "), "{}", lines[2]);
}

#[test]
fn without_the_logging_service_permission_logs_are_lost() {
    let r = ok(&format!(
        r#"{SETUP} s3::put_object("app-data", "k", "v"); clock::advance("2h");
           [logs().len(), world::trail().filter(|e| e.userIdentity.invokedBy == "logging.s3.amazonaws.com" || e.userIdentity.principalId == "logging.s3.amazonaws.com")[-1].errorCode]"#
    ))
    .into_array()
    .unwrap();
    assert_eq!(r[0].as_int().unwrap(), 0);
    assert_eq!(r[1].clone().into_string().unwrap(), "AccessDenied");
}

#[test]
fn records_of_events_the_trail_lets_go_are_delivered_first() {
    // The trail keeps the latest events only; S3 delivers the logs of events it is about to
    // let go early instead of losing them. A trail of 4 events makes that happen often.
    let script = format!(
        r#"{SETUP} allow_logging();
           for i in 0..10 {{ s3::put_object("app-data", `k${{i}}`, "v"); }}
           let last = world::trail()[-1];
           clock::advance("2h");
           let lines = [];
           for k in logs() {{ for l in s3::get_object("app-logs", k).Body.as_string().split("\n") {{ if l != "" {{ lines.push(l); }} }} }}
           [world::trail().len(), lines.map(|l| l.split(" ")[8]), last.eventName, last.requestParameters.key, last.userIdentity.type]"#
    );
    let r = ok_with_trail(&script, 4).into_array().unwrap();
    assert_eq!(r[0].as_int().unwrap(), 4, "the trail keeps 4 events");
    // Deliveries come before the event of the call that set them off, which stays the last.
    assert_eq!((s(&r[2]), s(&r[3]), s(&r[4])), ("PutObject".into(), "k9".into(), "Root".into()));
    // Several log objects are delivered at one instant; their keys end in a random part.
    let sorted = |d: &rhai::Dynamic| {
        let mut v: Vec<String> = d.clone().into_array().unwrap().iter().map(s).collect();
        v.sort();
        v
    };
    let want: Vec<String> = (0..10).map(|i| format!("k{i}")).collect();
    assert_eq!(sorted(&r[1]), want, "every PutObject is logged, once");
    let full = ok(&script).into_array().unwrap();
    assert_eq!(sorted(&full[1]), want, "as with the whole trail");
}
