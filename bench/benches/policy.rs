//! Policy engine throughput: decisions per second for a realistic principal — an IAM user
//! with three managed policies (10 statements, with conditions and a policy variable)
//! asking about an S3 bucket that has a bucket policy — plus parse throughput.
//!
//! Run: `cargo bench -p cloudbook-bench --bench policy`

use std::hint::black_box;
use std::time::Duration;

use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::policy::{
    Context, ContextValue, EvalDecision, Facts, Policy, PolicyKind, PrincipalInfo, PrincipalKind, Source, SourceType, Sources, ValueType, evaluate,
};

const DATA: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadAppData", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
     "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]},
    {"Sid": "OwnUploads", "Effect": "Allow", "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::app-data/uploads/${aws:username}/*"},
    {"Sid": "NoBucketDeletes", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
  ]
}"#;

const KEYS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "UseAppKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
     "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
     "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
    {"Sid": "DescribeKeys", "Effect": "Allow", "Action": ["kms:Describe*", "kms:List*"], "Resource": "*"}
  ]
}"#;

const BASELINE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
    {"Sid": "TlsOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "Self", "Effect": "Allow", "Action": ["iam:GetUser", "iam:ListAccessKeys", "iam:*MFADevice*"],
     "Resource": "arn:aws:iam::111122223333:user/${aws:username}"},
    {"Sid": "OfficeOnly", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}},
    {"Sid": "Assume", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/deploy"}
  ]
}"#;

const BUCKET: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Deploy", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/deploy"},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data/*"},
    {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}"#;

fn main() {
    let budget = Duration::from_secs(2);
    let identity = [("AppData", DATA), ("AppKeys", KEYS), ("Baseline", BASELINE)].map(|(id, t)| (Policy::parse(t, PolicyKind::Identity).expect("valid"), id));
    let bucket = Policy::parse(BUCKET, PolicyKind::Resource).expect("valid");
    let alice = PrincipalInfo {
        kind: PrincipalKind::User,
        arn: "arn:aws:iam::111122223333:user/alice".into(),
        role_arn: None,
        account: "111122223333".into(),
        service: None,
        federated: None,
    };
    let mut ctx = Context::new();
    ctx.insert("aws:username", ContextValue::string("alice"));
    ctx.insert("aws:userid", ContextValue::string("AIDAEXAMPLEALICE"));
    ctx.insert("aws:SecureTransport", ContextValue::bool(true));
    ctx.insert("aws:SourceIp", ContextValue::typed(ValueType::Ip, "203.0.113.10"));
    ctx.insert("aws:CurrentTime", ContextValue::typed(ValueType::Date, "2026-01-01T00:00:00Z"));
    ctx.insert("aws:PrincipalArn", ContextValue::typed(ValueType::Arn, "arn:aws:iam::111122223333:user/alice"));
    ctx.insert("kms:ViaService", ContextValue::string("s3.us-east-1.amazonaws.com"));

    let requests: [(&str, &str, bool, EvalDecision); 6] = [
        ("s3:GetObject", "arn:aws:s3:::app-data/reports/q1.csv", true, EvalDecision::Allowed),
        ("s3:PutObject", "arn:aws:s3:::app-data/uploads/alice/photo.jpg", true, EvalDecision::Allowed),
        ("s3:PutObject", "arn:aws:s3:::app-data/uploads/bob/photo.jpg", true, EvalDecision::ImplicitDeny),
        ("s3:DeleteBucket", "arn:aws:s3:::app-data", true, EvalDecision::ExplicitDeny),
        ("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", false, EvalDecision::Allowed),
        ("ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", false, EvalDecision::ImplicitDeny),
    ];
    let sources_for = |with_bucket: bool| Sources {
        identity: identity.iter().map(|(policy, id)| Source { policy, id, ty: SourceType::UserManaged }).collect(),
        resource: with_bucket.then_some(Source { policy: &bucket, id: "app-data", ty: SourceType::Resource }),
        ..Sources::default()
    };
    let with_bucket = sources_for(true);
    let without_bucket = sources_for(false);
    let facts = Facts { same_account: true, resource_policy_must_grant: false };
    for (action, resource, b, want) in requests {
        let d = evaluate(&alice, action, resource, &ctx, if b { &with_bucket } else { &without_bucket }, facts);
        assert_eq!(d.decision, want, "{action} {resource}: {d}");
    }

    let mut i = 0usize;
    let (n, t) = run_for(budget, || {
        let (action, resource, b, _) = requests[i % requests.len()];
        i += 1;
        let d = evaluate(black_box(&alice), black_box(action), black_box(resource), &ctx, if b { &with_bucket } else { &without_bucket }, facts);
        black_box(d);
    });
    report("policy.evaluate.mixed (3 identity policies, 10 statements, bucket policy)", rate(n, t), "decisions/s");

    for (action, resource, b, want) in requests {
        let sources = if b { &with_bucket } else { &without_bucket };
        let (n, t) = run_for(budget, || {
            black_box(evaluate(black_box(&alice), black_box(action), black_box(resource), &ctx, sources, facts));
        });
        let short = resource.splitn(6, ':').last().unwrap_or(resource);
        report(&format!("policy.evaluate.{action} {short} ({})", want.as_str()), rate(n, t), "decisions/s");
    }

    let (n, t) = run_for(budget, || {
        black_box(Policy::parse(black_box(BASELINE), PolicyKind::Identity).expect("valid"));
    });
    report("policy.parse (5-statement identity policy)", rate(n, t), "policies/s");
}
