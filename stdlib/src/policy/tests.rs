//! Rule tests for the evaluation engine (E1–E13, M5–M7, V1/V6), each quoting the AWS
//! sentence it checks, and the worked examples of the IAM User Guide.

use super::*;

pub(super) const A: &str = "111122223333";
pub(super) const B: &str = "444455556666";

pub(super) fn pol(kind: PolicyKind, text: &str) -> Policy {
    Policy::parse(text, kind).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The policies of one scenario, with the ids the simulator would report.
#[derive(Default)]
pub(super) struct Setup {
    pub identity: Vec<(Policy, String)>,
    pub resource: Option<Policy>,
    pub boundary: Option<Policy>,
    pub session: Vec<Policy>,
    pub scps: Vec<Vec<Policy>>,
    pub rcps: Vec<Vec<Policy>>,
}

impl Setup {
    pub fn identity(mut self, id: &str, text: &str) -> Self {
        self.identity.push((pol(PolicyKind::Identity, text), id.to_string()));
        self
    }
    pub fn resource(mut self, kind: PolicyKind, text: &str) -> Self {
        self.resource = Some(pol(kind, text));
        self
    }
    pub fn boundary(mut self, text: &str) -> Self {
        self.boundary = Some(pol(PolicyKind::Boundary, text));
        self
    }
    pub fn session(mut self, text: &str) -> Self {
        self.session.push(pol(PolicyKind::Session, text));
        self
    }
    pub fn scp_level(mut self, texts: &[&str]) -> Self {
        self.scps.push(texts.iter().map(|t| pol(PolicyKind::ServiceControl, t)).collect());
        self
    }
    pub fn rcp_level(mut self, texts: &[&str]) -> Self {
        self.rcps.push(texts.iter().map(|t| pol(PolicyKind::ResourceControl, t)).collect());
        self
    }

    pub fn sources(&self) -> Sources<'_> {
        Sources {
            identity: self.identity.iter().map(|(policy, id)| Source { policy, id, ty: SourceType::UserManaged }).collect(),
            resource: self.resource.as_ref().map(|policy| Source { policy, id: "resource", ty: SourceType::Resource }),
            boundary: self.boundary.as_ref().map(|policy| Source { policy, id: "boundary", ty: SourceType::PermissionsBoundary }),
            session: self.session.iter().map(|policy| Source { policy, id: "session", ty: SourceType::Session }).collect(),
            scps: self.scps.iter().map(|l| l.iter().map(|policy| Source { policy, id: "scp", ty: SourceType::ServiceControl }).collect()).collect(),
            rcps: self.rcps.iter().map(|l| l.iter().map(|policy| Source { policy, id: "rcp", ty: SourceType::ResourceControl }).collect()).collect(),
        }
    }

    pub fn decide(&self, who: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, facts: Facts) -> Decision {
        evaluate(who, action, resource, ctx, &self.sources(), facts)
    }
}

pub(super) fn user(name: &str, account: &str) -> PrincipalInfo {
    PrincipalInfo {
        kind: PrincipalKind::User,
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        role_arn: None,
        account: account.into(),
        service: None,
        federated: None,
    }
}

pub(super) fn role_session(role: &str, session: &str, account: &str) -> PrincipalInfo {
    PrincipalInfo {
        kind: PrincipalKind::RoleSession,
        arn: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        role_arn: Some(format!("arn:aws:iam::{account}:role/{role}")),
        account: account.into(),
        service: None,
        federated: None,
    }
}

pub(super) fn root(account: &str) -> PrincipalInfo {
    PrincipalInfo { kind: PrincipalKind::Root, arn: format!("arn:aws:iam::{account}:root"), role_arn: None, account: account.into(), service: None, federated: None }
}

pub(super) fn anonymous() -> PrincipalInfo {
    PrincipalInfo { kind: PrincipalKind::Anonymous, arn: String::new(), role_arn: None, account: String::new(), service: None, federated: None }
}

pub(super) fn service(name: &str) -> PrincipalInfo {
    PrincipalInfo { kind: PrincipalKind::Service, arn: String::new(), role_arn: None, account: String::new(), service: Some(name.into()), federated: None }
}

pub(super) const SAME: Facts = Facts { same_account: true, resource_policy_must_grant: false };
pub(super) const CROSS: Facts = Facts { same_account: false, resource_policy_must_grant: false };
pub(super) const MUST: Facts = Facts { same_account: true, resource_policy_must_grant: true };

fn allow_all(action: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "All", "Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#)
}

fn resource_allow(principal: &str, action: &str, resource: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "R", "Effect": "Allow", "Principal": {principal}, "Action": "{action}", "Resource": "{resource}"}}]}}"#)
}

fn no_ctx() -> Context {
    Context::new()
}

fn verdict(d: &Decision) -> (EvalDecision, Option<PolicyType>) {
    (d.decision, d.denied_by)
}

const ALLOWED: (EvalDecision, Option<PolicyType>) = (EvalDecision::Allowed, None);
fn implicit(t: PolicyType) -> (EvalDecision, Option<PolicyType>) {
    (EvalDecision::ImplicitDeny, Some(t))
}
fn explicit(t: PolicyType) -> (EvalDecision, Option<PolicyType>) {
    (EvalDecision::ExplicitDeny, Some(t))
}

const CARLOS: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowS3ListRead",
            "Effect": "Allow",
            "Action": [
                "s3:GetBucketLocation",
                "s3:GetAccountPublicAccessBlock",
                "s3:ListAccessPoints",
                "s3:ListAllMyBuckets"
            ],
            "Resource": "arn:aws:s3:::*"
        },
        {
            "Sid": "AllowS3Self",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": [
                "arn:aws:s3:::carlossalazar/*",
                "arn:aws:s3:::carlossalazar"
            ]
        },
        {
            "Sid": "DenyS3Logs",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::*log*"
        }
    ]
}"#;

const CARLOS_BUCKET: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": "arn:aws:iam::123456789012:user/carlossalazar"
            },
            "Action": "s3:*",
            "Resource": [
                "arn:aws:s3:::carlossalazar/*",
                "arn:aws:s3:::carlossalazar"
            ]
        }
    ]
}"#;

#[test]
fn worked_example_carlossalazar_e2_e10() {
    // reference_policies_evaluation-logic: "AWS first checks for a Deny statement that
    // applies to the context of the request. It finds one, because the identity-based policy
    // explicitly denies Carlos access to any S3 buckets used for logging. Carlos is denied
    // access." ... "Both the identity-based policy and the resource-based policy allow the
    // request. Therefore, AWS allows the request."
    let carlos = user("carlossalazar", "123456789012");
    let logs = Setup::default().identity("carlossalazar", CARLOS);
    let d = logs.decide(&carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/report.txt", &no_ctx(), SAME);
    assert_eq!(verdict(&d), explicit(PolicyType::IdentityBased));
    assert_eq!(d.matched.len(), 1);
    let m = &d.matched[0];
    assert_eq!((m.source_policy_id.as_str(), m.sid.as_deref(), &*m.effect, m.index), ("carlossalazar", Some("DenyS3Logs"), "Deny", 2));
    // The statement's braces in the document above.
    assert_eq!((m.start, m.end), ((24, 9), (29, 9)));

    let own = Setup::default().identity("carlossalazar", CARLOS).resource(PolicyKind::Resource, CARLOS_BUCKET);
    let d = own.decide(&carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/report.txt", &no_ctx(), SAME);
    assert_eq!(verdict(&d), ALLOWED);
    let granted: Vec<_> = d.matched.iter().map(|m| (m.source_policy_id.as_str(), m.sid.as_deref())).collect();
    assert_eq!(granted, [("resource", None), ("carlossalazar", Some("AllowS3Self"))]);
    // "If one of the policy types allows the request and the other doesn't, the request is still allowed."
    let only_bucket = Setup::default().resource(PolicyKind::Resource, CARLOS_BUCKET);
    assert_eq!(verdict(&only_bucket.decide(&carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/x", &no_ctx(), SAME)), ALLOWED);
    let only_identity = Setup::default().identity("carlossalazar", CARLOS);
    assert_eq!(verdict(&only_identity.decide(&carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/x", &no_ctx(), SAME)), ALLOWED);
}

#[test]
fn worked_example_get_list_with_deny_reports_e2_e7() {
    // "The AllowGetList statement allows read-only access to IAM actions that begin with the
    // prefixes Get and List. All other actions in IAM, such as iam:CreatePolicy are
    // implicitly denied. The DenyReports statement explicitly denies access to IAM reports
    // ... such as iam:GetOrganizationsAccessReport."
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
        {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}]}"#;
    // "If someone adds another policy to this principal to grant them access to IAM reports,
    // such as iam:GenerateCredentialReport, report-related requests are still denied".
    let s = Setup::default().identity("p", text).identity("reports", &allow_all("iam:GenerateCredentialReport"));
    let u = user("u", A);
    let d = s.decide(&u, "iam:CreatePolicy", "*", &no_ctx(), SAME);
    assert_eq!(verdict(&d), implicit(PolicyType::IdentityBased));
    assert!(d.matched.is_empty(), "implicit denies list no statements (E11)");
    let d = s.decide(&u, "iam:GetOrganizationsAccessReport", "*", &no_ctx(), SAME);
    assert_eq!(verdict(&d), explicit(PolicyType::IdentityBased));
    assert_eq!(d.matched[0].sid.as_deref(), Some("DenyReports"));
    assert_eq!(verdict(&s.decide(&u, "iam:GenerateCredentialReport", "*", &no_ctx(), SAME)), explicit(PolicyType::IdentityBased));
    assert_eq!(verdict(&s.decide(&u, "iam:GetUser", "*", &no_ctx(), SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&u, "IAM:listusers", "*", &no_ctx(), SAME)), ALLOWED);
}

#[test]
fn root_has_full_access_in_its_account_e6() {
    // "By default, all requests are implicitly denied with the exception of the AWS account
    // root user, which has full access."
    let d = Setup::default().decide(&root(A), "kms:ScheduleKeyDeletion", "arn:aws:kms:us-east-1:111122223333:key/k", &no_ctx(), SAME);
    assert_eq!(verdict(&d), ALLOWED);
    assert!(d.matched.is_empty());
    // "An explicit deny in any policy overrides any allows."
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let s = Setup::default().resource(PolicyKind::Resource, deny);
    assert_eq!(verdict(&s.decide(&root(A), "s3:DeleteBucket", "arn:aws:s3:::b", &no_ctx(), SAME)), explicit(PolicyType::ResourceBased));
    // Cross-account, the root user needs the other account's resource policy.
    assert_eq!(verdict(&Setup::default().decide(&root(B), "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(&format!(r#"{{"AWS": "{B}"}}"#), "s3:GetObject", "arn:aws:s3:::b/*"));
    assert_eq!(verdict(&s.decide(&root(B), "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), ALLOWED);
}

const DEFAULT_KEY_POLICY: &str = r#"{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : { "AWS" : "arn:aws:iam::111122223333:root" },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}"#;

const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[test]
fn key_policies_must_grant_e9() {
    // KMS key-policies: "When the principal in a key policy statement is the account
    // principal, the policy statement doesn't give any IAM users or roles permission to use
    // the KMS key. Instead, it allows the account to use IAM policies to delegate the
    // permissions" ... "Without this permission, IAM policies that allow access to the key
    // are ineffective, although IAM policies that deny access to the key are still effective."
    let bob = user("bob", A);
    let with_iam = Setup::default().resource(PolicyKind::Resource, DEFAULT_KEY_POLICY).identity("bob-kms", &allow_all("kms:Encrypt"));
    let d = with_iam.decide(&bob, "kms:Encrypt", KEY, &no_ctx(), MUST);
    assert_eq!(verdict(&d), ALLOWED);
    assert_eq!(d.matched.len(), 2, "the key policy statement and the IAM statement");
    let without_iam = Setup::default().resource(PolicyKind::Resource, DEFAULT_KEY_POLICY);
    assert_eq!(verdict(&without_iam.decide(&bob, "kms:Encrypt", KEY, &no_ctx(), MUST)), implicit(PolicyType::IdentityBased));
    // A key policy that does not trust the account: IAM allows are ineffective...
    let only_alice = resource_allow(r#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#, "kms:*", "*");
    let s = Setup::default().resource(PolicyKind::Resource, &only_alice).identity("bob-kms", &allow_all("kms:*"));
    assert_eq!(verdict(&s.decide(&bob, "kms:Encrypt", KEY, &no_ctx(), MUST)), implicit(PolicyType::ResourceBased));
    // ...even for the account's root user.
    assert_eq!(verdict(&s.decide(&root(A), "kms:PutKeyPolicy", KEY, &no_ctx(), MUST)), implicit(PolicyType::ResourceBased));
    assert_eq!(verdict(&with_iam.decide(&root(A), "kms:PutKeyPolicy", KEY, &no_ctx(), MUST)), ALLOWED);
    // ...while the user the key policy names needs no IAM policy.
    assert_eq!(verdict(&s.decide(&user("alice", A), "kms:Decrypt", KEY, &no_ctx(), MUST)), ALLOWED);
    // ...and IAM denies are still effective.
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}]}"#;
    let s = Setup::default().resource(PolicyKind::Resource, &only_alice).identity("deny", deny);
    assert_eq!(verdict(&s.decide(&user("alice", A), "kms:Decrypt", KEY, &no_ctx(), MUST)), explicit(PolicyType::IdentityBased));
    // No key policy at all (must grant): nothing allows.
    assert_eq!(verdict(&Setup::default().identity("a", &allow_all("kms:*")).decide(&bob, "kms:Encrypt", KEY, &no_ctx(), MUST)), implicit(PolicyType::ResourceBased));
}

#[test]
fn trust_policies_must_grant_e9() {
    // "IAM role trust policies and KMS key policies are exceptions to this logic, because they
    // must explicitly allow access for principals."
    let role = "arn:aws:iam::111122223333:role/admin";
    let trust_user = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "sts:AssumeRole"}]}"#;
    let trust_account = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}"#;
    let bob = user("bob", A);
    assert_eq!(verdict(&Setup::default().resource(PolicyKind::Trust, trust_user).decide(&bob, "sts:AssumeRole", role, &no_ctx(), MUST)), ALLOWED);
    let s = Setup::default().resource(PolicyKind::Trust, trust_account);
    assert_eq!(verdict(&s.decide(&bob, "sts:AssumeRole", role, &no_ctx(), MUST)), implicit(PolicyType::IdentityBased));
    let s = s.identity("assume", &allow_all("sts:AssumeRole"));
    assert_eq!(verdict(&s.decide(&bob, "sts:AssumeRole", role, &no_ctx(), MUST)), ALLOWED);
    // Cross-account: both sides (E8).
    let eve = user("eve", B);
    assert_eq!(verdict(&s.decide(&eve, "sts:AssumeRole", role, &no_ctx(), Facts { same_account: false, resource_policy_must_grant: true })), implicit(PolicyType::ResourceBased));
}

#[test]
fn resource_policy_principal_types_same_account_e10_m6() {
    let bucket = "arn:aws:s3:::b/k";
    let deny_all_boundary = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}"#;
    // "IAM user – Within the same account, resource-based policies that grant permissions to an
    // IAM user ARN ... are not limited by an implicit deny in an identity-based policy or
    // permissions boundary."
    let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#"{"AWS": "arn:aws:iam::111122223333:user/bob"}"#, "s3:GetObject", "arn:aws:s3:::b/*")).boundary(deny_all_boundary);
    let d = s.decide(&user("bob", A), "s3:GetObject", bucket, &no_ctx(), SAME);
    assert_eq!(verdict(&d), ALLOWED);
    assert!(!d.allowed_by_boundary, "the simulator still reports the boundary's verdict (E12)");
    // "IAM role – Resource-based policies that grant permissions to an IAM role ARN are limited
    // by an implicit deny in a permissions boundary or session policy."
    let by_role = resource_allow(r#"{"AWS": "arn:aws:iam::111122223333:role/r"}"#, "s3:GetObject", "arn:aws:s3:::b/*");
    let sess = role_session("r", "s", A);
    assert_eq!(verdict(&Setup::default().resource(PolicyKind::Resource, &by_role).decide(&sess, "s3:GetObject", bucket, &no_ctx(), SAME)), ALLOWED);
    let s = Setup::default().resource(PolicyKind::Resource, &by_role).boundary(deny_all_boundary);
    assert_eq!(verdict(&s.decide(&sess, "s3:GetObject", bucket, &no_ctx(), SAME)), implicit(PolicyType::PermissionsBoundary));
    let s = Setup::default().resource(PolicyKind::Resource, &by_role).session(&allow_all("ec2:*"));
    assert_eq!(verdict(&s.decide(&sess, "s3:GetObject", bucket, &no_ctx(), SAME)), implicit(PolicyType::SessionPolicy));
    // "IAM role session – ... Permissions granted directly to a session are not limited by an
    // implicit deny in an identity-based policy, a permissions boundary, or session policy."
    let by_session = resource_allow(r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"}"#, "s3:GetObject", "arn:aws:s3:::b/*");
    let s = Setup::default().resource(PolicyKind::Resource, &by_session).boundary(deny_all_boundary).session(&allow_all("ec2:*"));
    assert_eq!(verdict(&s.decide(&sess, "s3:GetObject", bucket, &no_ctx(), SAME)), ALLOWED);
    // Another session of the same role is not named.
    assert_eq!(verdict(&s.decide(&role_session("r", "other", A), "s3:GetObject", bucket, &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
    // The account principal delegates to IAM: "The account ARN and the shortened account ID
    // behave the same way. Both delegate permissions to the account."
    for p in [format!(r#"{{"AWS": "{A}"}}"#), format!(r#"{{"AWS": "arn:aws:iam::{A}:root"}}"#)] {
        let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(&p, "s3:GetObject", "arn:aws:s3:::b/*"));
        assert_eq!(verdict(&s.decide(&user("bob", A), "s3:GetObject", bucket, &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
        let s = s.identity("get", &allow_all("s3:GetObject"));
        assert_eq!(verdict(&s.decide(&user("bob", A), "s3:GetObject", bucket, &no_ctx(), SAME)), ALLOWED);
    }
    // "For IAM users and role principals within your account, no other permissions are required."
    let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#""*""#, "s3:GetObject", "arn:aws:s3:::b/*"));
    assert_eq!(verdict(&s.decide(&user("bob", A), "s3:GetObject", bucket, &no_ctx(), SAME)), ALLOWED);
}

#[test]
fn federated_user_sessions_e7_m6() {
    // Session step: "If there is no session policy, the code checks whether the principal is a
    // role session. If the principal is a role session, then the request is Allowed.
    // Otherwise, the request is implicitly denied".
    let fed = PrincipalInfo {
        kind: PrincipalKind::FederatedUser,
        arn: format!("arn:aws:sts::{A}:federated-user/carol"),
        role_arn: Some(format!("arn:aws:iam::{A}:user/bob")),
        account: A.into(),
        service: None,
        federated: None,
    };
    let s = Setup::default().identity("bob", &allow_all("s3:*"));
    assert_eq!(verdict(&s.decide(&fed, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), implicit(PolicyType::SessionPolicy));
    let s = s.session(&allow_all("s3:GetObject"));
    assert_eq!(verdict(&s.decide(&fed, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&fed, "s3:PutObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), implicit(PolicyType::SessionPolicy));
    // "if a resource-based policy grants permission to the ARN of the IAM user who federated,
    // then requests made by the federated user during the session are limited by an implicit
    // deny in a permission boundary or session policy."
    let by_user = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#"{"AWS": "arn:aws:iam::111122223333:user/bob"}"#, "s3:*", "*"));
    assert_eq!(verdict(&by_user.decide(&fed, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), implicit(PolicyType::SessionPolicy));
    let by_session = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#"{"AWS": "arn:aws:sts::111122223333:federated-user/carol"}"#, "s3:*", "*"));
    assert_eq!(verdict(&by_session.decide(&fed, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), ALLOWED);
}

#[test]
fn boundaries_and_session_policies_intersect_e7() {
    // "the entity can perform only the actions that are allowed by both its identity-based
    // policies and its permissions boundaries."
    let s = Setup::default().identity("all", &allow_all("*")).boundary(&allow_all("s3:*"));
    let u = user("u", A);
    let d = s.decide(&u, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME);
    assert_eq!(verdict(&d), ALLOWED);
    assert!(d.allowed_by_boundary);
    assert_eq!(d.matched.len(), 1, "the boundary limits, it does not grant (E11)");
    let d = s.decide(&u, "ec2:RunInstances", "*", &no_ctx(), SAME);
    assert_eq!(verdict(&d), implicit(PolicyType::PermissionsBoundary));
    assert!(!d.allowed_by_boundary);
    // "the resulting session's permissions are the intersection of the IAM entity's
    // identity-based policy and the session policies."
    let s = Setup::default().identity("all", &allow_all("*")).session(&allow_all("s3:Get*"));
    let sess = role_session("r", "s", A);
    assert_eq!(verdict(&s.decide(&sess, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&sess, "s3:PutObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), implicit(PolicyType::SessionPolicy));
    // A role session without session policies: identity policies alone.
    assert_eq!(verdict(&Setup::default().identity("all", &allow_all("*")).decide(&sess, "s3:PutObject", "x", &no_ctx(), SAME)), ALLOWED);
    // Denies in a boundary or a session policy are explicit.
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}"#;
    let s = Setup::default().identity("all", &allow_all("*")).boundary(deny);
    assert_eq!(verdict(&s.decide(&sess, "s3:PutObject", "x", &no_ctx(), SAME)), explicit(PolicyType::PermissionsBoundary));
    let s = Setup::default().identity("all", &allow_all("*")).session(deny);
    assert_eq!(verdict(&s.decide(&sess, "s3:PutObject", "x", &no_ctx(), SAME)), explicit(PolicyType::SessionPolicy));
}

#[test]
fn cross_account_needs_both_sides_e8() {
    // reference_policies_evaluation-logic-cross-account: "the requester in the trusted
    // AccountA must have an identity-based policy ... Additionally, the resource-based policy
    // in AccountB must allow the requester in AccountA ... The request is allowed only if both
    // evaluations return a decision of Allow."
    let eve = user("eve", B);
    let bucket_names_b = resource_allow(&format!(r#"{{"AWS": "{B}"}}"#), "s3:GetObject", "arn:aws:s3:::b/*");
    let both = Setup::default().resource(PolicyKind::Resource, &bucket_names_b).identity("get", &allow_all("s3:GetObject"));
    let d = both.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS);
    assert_eq!(verdict(&d), ALLOWED);
    assert_eq!(d.matched.len(), 2);
    let no_identity = Setup::default().resource(PolicyKind::Resource, &bucket_names_b);
    assert_eq!(verdict(&no_identity.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::IdentityBased));
    let no_bucket = Setup::default().identity("get", &allow_all("s3:GetObject"));
    assert_eq!(verdict(&no_bucket.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    // "For principals in other accounts, they must also have identity-based permissions".
    let public = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#""*""#, "s3:GetObject", "*"));
    assert_eq!(verdict(&public.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::IdentityBased));
    // A policy naming another account does not name eve's.
    let other = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#"{"AWS": "999999999999"}"#, "s3:*", "*")).identity("get", &allow_all("s3:*"));
    assert_eq!(verdict(&other.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    // A boundary limits the trusted side.
    let bounded = Setup::default().resource(PolicyKind::Resource, &bucket_names_b).identity("get", &allow_all("s3:GetObject")).boundary(&allow_all("ec2:*"));
    assert_eq!(verdict(&bounded.decide(&eve, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::PermissionsBoundary));
}

#[test]
fn anonymous_and_service_callers_e5() {
    // "For resource-based policies, using a wildcard (*) with an Allow effect grants access to
    // all users, including anonymous users (public access)." / "For anonymous users, the
    // following elements are equivalent: "Principal": "*" / "Principal" : { "AWS" : "*" }"
    for p in [r#""*""#, r#"{"AWS": "*"}"#] {
        let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(p, "s3:GetObject", "arn:aws:s3:::site/*"));
        assert_eq!(verdict(&s.decide(&anonymous(), "s3:GetObject", "arn:aws:s3:::site/index.html", &no_ctx(), CROSS)), ALLOWED);
        assert_eq!(verdict(&s.decide(&anonymous(), "s3:PutObject", "arn:aws:s3:::site/index.html", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    }
    let account_only = Setup::default().resource(PolicyKind::Resource, &resource_allow(&format!(r#"{{"AWS": "{A}"}}"#), "s3:*", "*"));
    assert_eq!(verdict(&account_only.decide(&anonymous(), "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    let logs = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#"{"Service": "logging.s3.amazonaws.com"}"#, "s3:PutObject", "arn:aws:s3:::logs/*"));
    assert_eq!(verdict(&logs.decide(&service("logging.s3.amazonaws.com"), "s3:PutObject", "arn:aws:s3:::logs/x", &no_ctx(), CROSS)), ALLOWED);
    assert_eq!(verdict(&logs.decide(&service("ec2.amazonaws.com"), "s3:PutObject", "arn:aws:s3:::logs/x", &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    // A web-identity caller is named by its provider (trust policy `Federated`).
    let web = PrincipalInfo { kind: PrincipalKind::FederatedIdentity, federated: Some("accounts.google.com".into()), ..anonymous() };
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}]}"#;
    let s = Setup::default().resource(PolicyKind::Trust, trust);
    assert_eq!(verdict(&s.decide(&web, "sts:AssumeRoleWithWebIdentity", "arn:aws:iam::111122223333:role/r", &no_ctx(), MUST)), ALLOWED);
}

const FULL_ACCESS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

#[test]
fn scps_must_allow_at_every_level_e3() {
    // "If the enforcement code does not find any applicable Allow statements in the SCPs, the
    // request is explicitly denied, even if the denial is implicit." / "The SCP maximum
    // applies to principals in member accounts, including each AWS account root user."
    let s = Setup::default().identity("all", FULL_ACCESS).scp_level(&[FULL_ACCESS]).scp_level(&[&allow_all("s3:*")]);
    let u = user("u", A);
    let d = s.decide(&u, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME);
    assert_eq!(verdict(&d), ALLOWED);
    assert!(d.allowed_by_organizations);
    let d = s.decide(&u, "ec2:RunInstances", "*", &no_ctx(), SAME);
    assert_eq!(verdict(&d), implicit(PolicyType::ServiceControlPolicy));
    assert!(!d.allowed_by_organizations);
    assert_eq!(verdict(&s.decide(&root(A), "ec2:RunInstances", "*", &no_ctx(), SAME)), implicit(PolicyType::ServiceControlPolicy));
    // A level without any policy allows nothing.
    let empty_level = Setup { scps: vec![vec![]], ..Setup::default() }.identity("all", FULL_ACCESS);
    assert_eq!(verdict(&empty_level.decide(&u, "s3:GetObject", "x", &no_ctx(), SAME)), implicit(PolicyType::ServiceControlPolicy));
    // SCP denies are explicit and named first (E2).
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}"#;
    let s = Setup::default().identity("all", FULL_ACCESS).identity("deny", deny).scp_level(&[FULL_ACCESS, deny]);
    let d = s.decide(&u, "s3:DeleteBucket", "arn:aws:s3:::b", &no_ctx(), SAME);
    assert_eq!(verdict(&d), explicit(PolicyType::ServiceControlPolicy));
    assert_eq!(d.matched.len(), 2, "every applicable deny is listed");
    assert!(!d.allowed_by_organizations);
    // SCPs never grant: an SCP allow without an identity allow is still an implicit deny.
    let s = Setup::default().scp_level(&[FULL_ACCESS]);
    assert_eq!(verdict(&s.decide(&u, "s3:GetObject", "x", &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
}

#[test]
fn rcps_restrict_resources_e4() {
    let rcp_full = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    let rcp_deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}]}"#;
    let s = Setup::default().resource(PolicyKind::Resource, &resource_allow(r#""*""#, "s3:GetObject", "*")).rcp_level(&[rcp_full, rcp_deny]);
    assert_eq!(verdict(&s.decide(&anonymous(), "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), CROSS)), explicit(PolicyType::ResourceControlPolicy));
    let mut org = Context::new();
    org.insert("aws:PrincipalOrgID", ContextValue::string("o-abc"));
    let u = user("u", A);
    assert_eq!(verdict(&s.decide(&u, "s3:GetObject", "arn:aws:s3:::b/k", &org, SAME)), ALLOWED);
    let missing_full = Setup::default().identity("all", FULL_ACCESS).rcp_level(&[rcp_deny]);
    assert_eq!(verdict(&missing_full.decide(&u, "s3:GetObject", "x", &org, SAME)), implicit(PolicyType::ResourceControlPolicy));
}

#[test]
fn not_principal_lists_the_whole_chain_m7() {
    // reference_policies_elements_notprincipal: "If the NotPrincipal element contained only
    // Bob's ARN, the effect of the policy might be to explicitly deny access to the AWS
    // account that contains the user Bob."
    let both = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]}, "Action": "s3:*", "Resource": ["arn:aws:s3:::BUCKETNAME", "arn:aws:s3:::BUCKETNAME/*"]},
        {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:*", "Resource": "arn:aws:s3:::BUCKETNAME/*"}]}"#;
    let s = Setup::default().resource(PolicyKind::Resource, both).identity("all", &allow_all("s3:*"));
    let k = "arn:aws:s3:::BUCKETNAME/k";
    assert_eq!(verdict(&s.decide(&user("Bob", B), "s3:GetObject", k, &no_ctx(), CROSS)), ALLOWED);
    assert_eq!(verdict(&s.decide(&user("Alice", B), "s3:GetObject", k, &no_ctx(), CROSS)), explicit(PolicyType::ResourceBased));
    assert_eq!(verdict(&s.decide(&anonymous(), "s3:GetObject", k, &no_ctx(), CROSS)), explicit(PolicyType::ResourceBased));
    let only_bob = both.replace(r#", "arn:aws:iam::444455556666:root""#, "");
    let s = Setup::default().resource(PolicyKind::Resource, &only_bob).identity("all", &allow_all("s3:*"));
    assert_eq!(verdict(&s.decide(&user("Bob", B), "s3:GetObject", k, &no_ctx(), CROSS)), explicit(PolicyType::ResourceBased));
    // Sessions: the session, the role and the account must all be listed.
    let session_chain = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": [
        "arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/cross-account-audit-app",
        "arn:aws:iam::444455556666:role/cross-account-read-only-role",
        "arn:aws:iam::444455556666:root"]}, "Action": "s3:*", "Resource": "*"}]}"#;
    let s = Setup::default().resource(PolicyKind::Resource, session_chain);
    let app = role_session("cross-account-read-only-role", "cross-account-audit-app", B);
    assert_eq!(verdict(&s.decide(&app, "s3:GetObject", k, &no_ctx(), CROSS)), implicit(PolicyType::ResourceBased));
    let other = role_session("cross-account-read-only-role", "someone-else", B);
    assert_eq!(verdict(&s.decide(&other, "s3:GetObject", k, &no_ctx(), CROSS)), explicit(PolicyType::ResourceBased));
}

#[test]
fn not_action_and_not_resource_m4() {
    // reference_policies_elements_notaction: this statement "does not allow ... ListAllMyBuckets"
    // (which needs the resource `*`) nor other services' actions.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}]}"#;
    let s = Setup::default().identity("p", text);
    let u = user("u", A);
    assert_eq!(verdict(&s.decide(&u, "s3:GetObject", "arn:aws:s3:::b/k", &no_ctx(), SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&u, "s3:DeleteBucket", "arn:aws:s3:::b", &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
    assert_eq!(verdict(&s.decide(&u, "s3:ListAllMyBuckets", "*", &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
    assert_eq!(verdict(&s.decide(&u, "iam:ListUsers", "arn:aws:iam::111122223333:user/x", &no_ctx(), SAME)), implicit(PolicyType::IdentityBased));
    // "explicitly matches every resource except those specified".
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::home/*"]},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
    let s = Setup::default().identity("p", text);
    assert_eq!(verdict(&s.decide(&u, "s3:GetObject", "arn:aws:s3:::home/x", &no_ctx(), SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&u, "s3:GetObject", "arn:aws:s3:::work/x", &no_ctx(), SAME)), explicit(PolicyType::IdentityBased));
}

#[test]
fn variables_in_resources_v1_v6() {
    let text = |version: &str| {
        format!(r#"{{{version}"Statement": [{{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::mybucket/${{aws:username}}/*"]}}]}}"#)
    };
    let mut ctx = Context::new();
    ctx.insert("aws:username", ContextValue::string("David"));
    let david = user("David", A);
    // "When this policy is evaluated, IAM replaces the variable ${aws:username} with the
    // friendly name of the actual current user."
    let s = Setup::default().identity("p", &text(r#""Version": "2012-10-17", "#));
    assert_eq!(verdict(&s.decide(&david, "s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", &ctx, SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&david, "s3:GetObject", "arn:aws:s3:::mybucket/Adele/notes.txt", &ctx, SAME)), implicit(PolicyType::IdentityBased));
    // "a resource that includes a policy variable with no value will not match any resource."
    let d = s.decide(&role_session("r", "s", A), "s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", &no_ctx(), SAME);
    assert_eq!(verdict(&d), implicit(PolicyType::IdentityBased));
    assert_eq!(d.missing_context, ["aws:username"]);
    // "If you don't include the Version element ..., variables like ${aws:username} are
    // treated as literal strings in the policy."
    let s = Setup::default().identity("p", &text(""));
    assert_eq!(verdict(&s.decide(&david, "s3:GetObject", "arn:aws:s3:::mybucket/David/notes.txt", &ctx, SAME)), implicit(PolicyType::IdentityBased));
    assert_eq!(verdict(&s.decide(&david, "s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/notes.txt", &ctx, SAME)), ALLOWED);
    // Defaults: "DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}".
    let team = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}"}]}"#;
    let s = Setup::default().identity("p", team);
    assert_eq!(verdict(&s.decide(&david, "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide", &no_ctx(), SAME)), ALLOWED);
    let mut yellow = Context::new();
    yellow.insert("aws:PrincipalTag/team", ContextValue::string("yellow"));
    assert_eq!(verdict(&s.decide(&david, "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow", &yellow, SAME)), ALLOWED);
    assert_eq!(verdict(&s.decide(&david, "s3:ListBucket", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide", &yellow, SAME)), implicit(PolicyType::IdentityBased));
}

#[test]
fn conditions_decide_applicability_and_report_missing_keys_e1_e13() {
    // "If you are using an "Effect": "Deny" element with a negated condition operator like
    // StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}, "StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}},
        {"Sid": "Tagged", "Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"ec2:ResourceTag/env": "dev"}}}]}"#;
    let s = Setup::default().identity("p", text);
    let u = user("u", A);
    let mut ctx = Context::new();
    ctx.insert("aws:SecureTransport", ContextValue::bool(true));
    let d = s.decide(&u, "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", &ctx, SAME);
    assert_eq!(verdict(&d), explicit(PolicyType::IdentityBased));
    assert_eq!(d.missing_context, ["aws:RequestedRegion", "ec2:ResourceTag/env"]);
    ctx.insert("ec2:ResourceTag/env", ContextValue::string("dev"));
    let d = s.decide(&u, "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", &ctx, SAME);
    assert_eq!(verdict(&d), ALLOWED);
    assert_eq!(d.missing_context, ["aws:RequestedRegion"]);
    // Conditions AND together (C1): the Bool condition fails over plain HTTP.
    ctx.insert("aws:SecureTransport", ContextValue::bool(false));
    assert_eq!(verdict(&s.decide(&u, "ec2:DescribeInstances", "*", &ctx, SAME)), implicit(PolicyType::IdentityBased));
    // Keys of statements whose action does not match are not reported.
    assert!(s.decide(&u, "s3:GetObject", "*", &no_ctx(), SAME).missing_context.is_empty());
}

#[test]
fn context_keys_lists_conditions_and_variables() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "private", "AWS:UserName": "${aws:PrincipalTag/team}"}, "Bool": {"aws:SecureTransport": "true"}}}]}"#;
    assert_eq!(pol(PolicyKind::Identity, text).context_keys(), ["aws:PrincipalTag/team", "aws:SecureTransport", "AWS:UserName", "s3:x-amz-acl"]);
}

#[test]
fn decisions_display_their_reasons() {
    let s = Setup::default().identity("carlossalazar", CARLOS);
    let d = s.decide(&user("carlossalazar", A), "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/x", &no_ctx(), SAME);
    assert_eq!(d.to_string(), "explicitDeny (identity-based: Deny carlossalazar[2] (DenyS3Logs) at line 24)");
    let d = s.decide(&user("carlossalazar", A), "ec2:RunInstances", "*", &no_ctx(), SAME);
    assert_eq!(d.to_string(), "implicitDeny (no identity-based policy allows)");
}

#[test]
fn policies_compare_by_kind_and_text_and_round_trip_through_serde() {
    let a = pol(PolicyKind::Identity, FULL_ACCESS);
    assert_eq!(a, pol(PolicyKind::Identity, FULL_ACCESS));
    assert_ne!(a, pol(PolicyKind::Boundary, FULL_ACCESS));
    assert_ne!(a, pol(PolicyKind::Identity, &FULL_ACCESS.replace(' ', "")));
    let json = serde_json::to_string(&a).unwrap();
    let back: Policy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert_eq!(back.statements(), a.statements());
    // from_value: a map becomes pretty JSON text, which is what positions refer to.
    let v = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    let p = Policy::from_value(&v, PolicyKind::Identity).unwrap();
    assert_eq!(p.to_json(), v);
    assert_eq!(p.statements()[0].start, (4, 5));
    assert_eq!(p.version(), Version::V2012_10_17);
    assert_eq!(p.size(), policy_size(p.text()));
    // to_json keeps document order.
    let text = r#"{"Statement": [{"Resource": "*", "Action": "s3:*", "Effect": "Allow"}], "Version": "2012-10-17"}"#;
    assert_eq!(serde_json::to_string(&pol(PolicyKind::Identity, text).to_json()).unwrap(), text.replace(", ", ",").replace(": ", ":"));
}
