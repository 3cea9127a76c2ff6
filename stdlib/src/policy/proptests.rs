//! Property tests: the engine against a small, naive reference evaluator written here from
//! the AWS documentation, sharing nothing with the engine but the parser's output (the
//! statements as written). Policies and requests are drawn from small vocabularies chosen
//! so that every rule of `RULES.md` section E has a fair chance to decide.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::tests::{A, B, Setup, anonymous, role_session, root, service, user};
use super::*;

// ---------------------------------------------------------------------------------------
// Vocabulary.

const ACTIONS: &[&str] = &["s3:GetObject", "s3:PutObject", "s3:ListBucket", "kms:Decrypt", "iam:GetUser"];
const ACTION_PATTERNS: &[&str] = &["*", "s3:*", "s3:*", "s3:Get*", "s3:GetObject", "S3:GETOBJECT", "*:*Object", "kms:?ecrypt", "iam:*", "ec2:*"];
const RESOURCES: &[&str] = &["arn:aws:s3:::b1/k", "arn:aws:s3:::b2/home/alice/x", "arn:aws:kms:us-east-1:111122223333:key/k1", "*"];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "*",
    "arn:aws:s3:::b1/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::b?/*",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:s3:*",
    "arn:aws:s3:::b2/home/${aws:username}/*",
    "arn:aws:kms:us-east-1:*",
];
const CONDITIONS: &[(&str, &str, &[&str])] = &[
    ("StringEquals", "aws:username", &["alice"]),
    ("StringNotEquals", "aws:username", &["alice", "bob"]),
    ("StringLike", "s3:prefix", &["home/*"]),
    ("StringEqualsIfExists", "s3:prefix", &["x"]),
    ("Null", "aws:SourceVpc", &["true"]),
    ("NumericLessThan", "s3:max-keys", &["10"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", &["a", "b"]),
    ("ForAllValues:StringLike", "aws:TagKeys", &["a*"]),
];
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/r"}"#,
    r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
    r#"{"AWS": ["arn:aws:iam::444455556666:user/bob", "444455556666"]}"#,
    r#"{"Service": "s3.amazonaws.com"}"#,
];

fn callers() -> Vec<PrincipalInfo> {
    vec![user("alice", A), user("bob", B), role_session("r", "s", A), role_session("r", "t", A), root(A), root(B), anonymous(), service("s3.amazonaws.com")]
}

// ---------------------------------------------------------------------------------------
// Generated scenarios.

#[derive(Clone, Debug)]
struct GenStatement {
    allow: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    conditions: Vec<usize>,
    principal: usize,
    not_principal: bool,
}

#[derive(Clone, Debug)]
struct Scenario {
    identity: Vec<Vec<GenStatement>>,
    resource: Option<Vec<GenStatement>>,
    boundary: Option<Vec<GenStatement>>,
    session: Option<Vec<GenStatement>>,
    scps: Vec<Vec<GenStatement>>,
    version_2012: bool,
    who: usize,
    action: usize,
    resource_arn: usize,
    must_grant: bool,
    username: Option<&'static str>,
    prefix: Option<&'static str>,
    vpc: bool,
    max_keys: Option<&'static str>,
    tag_keys: Option<Vec<&'static str>>,
}

fn statement() -> impl Strategy<Value = GenStatement> {
    (
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTION_PATTERNS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCE_PATTERNS.len(), 1..3),
        prop::collection::vec(0..CONDITIONS.len(), 0..2),
        0..PRINCIPALS.len(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(allow, not_action, actions, not_resource, resources, mut conditions, principal, not_principal)| {
            // One condition per operator and key: duplicates are a parse error (P3).
            conditions.sort();
            conditions.dedup();
            GenStatement { allow, not_action, actions, not_resource, resources, conditions, principal, not_principal }
        })
}

fn policy() -> impl Strategy<Value = Vec<GenStatement>> {
    prop::collection::vec(statement(), 1..4)
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        (
            prop::collection::vec(policy(), 0..3),
            prop::option::weighted(0.6, policy()),
            prop::option::weighted(0.25, policy()),
            prop::option::weighted(0.25, policy()),
            prop::option::weighted(0.25, policy()).prop_map(|p| p.into_iter().collect::<Vec<_>>()),
            prop::bool::weighted(0.85),
        ),
        (0..callers().len(), 0..ACTIONS.len(), 0..RESOURCES.len(), prop::bool::weighted(0.3)),
        (
            prop::option::of(prop::sample::select(vec!["alice", "bob"])),
            prop::option::of(prop::sample::select(vec!["home/x", "x"])),
            any::<bool>(),
            prop::option::of(prop::sample::select(vec!["5", "50"])),
            prop::option::of(prop::sample::subsequence(vec!["a", "ab", "c"], 0..3)),
        ),
    )
        .prop_map(|((identity, resource, boundary, session, scps, version_2012), (who, action, resource_arn, must_grant), (username, prefix, vpc, max_keys, tag_keys))| Scenario {
            identity,
            resource,
            boundary,
            session,
            scps,
            version_2012,
            who,
            action,
            resource_arn,
            must_grant,
            username,
            prefix,
            vpc,
            max_keys,
            tag_keys,
        })
}

fn statement_json(s: &GenStatement, sid: &str, resource_kind: bool) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("Sid".into(), json!(sid));
    m.insert("Effect".into(), json!(if s.allow { "Allow" } else { "Deny" }));
    if resource_kind {
        let p: Value = serde_json::from_str(PRINCIPALS[s.principal]).unwrap();
        m.insert(if s.not_principal { "NotPrincipal" } else { "Principal" }.into(), p);
    }
    let actions: Vec<&str> = s.actions.iter().map(|&i| ACTION_PATTERNS[i]).collect();
    m.insert(if s.not_action { "NotAction" } else { "Action" }.into(), json!(actions));
    let resources: Vec<&str> = s.resources.iter().map(|&i| RESOURCE_PATTERNS[i]).collect();
    m.insert(if s.not_resource { "NotResource" } else { "Resource" }.into(), json!(resources));
    if !s.conditions.is_empty() {
        let mut c = serde_json::Map::new();
        for &i in &s.conditions {
            let (op, key, vals) = CONDITIONS[i];
            c.entry(op.to_string()).or_insert_with(|| json!({})).as_object_mut().unwrap().insert(key.into(), json!(vals));
        }
        m.insert("Condition".into(), Value::Object(c));
    }
    Value::Object(m)
}

fn policy_json(stmts: &[GenStatement], tag: &str, resource_kind: bool, version_2012: bool) -> Value {
    let statements: Vec<Value> = stmts.iter().enumerate().map(|(i, s)| statement_json(s, &format!("{tag}{i}"), resource_kind)).collect();
    if version_2012 { json!({"Version": "2012-10-17", "Statement": statements}) } else { json!({"Statement": statements}) }
}

/// Builds the policies; `reverse` reverses every statement list and every policy list.
fn setup(sc: &Scenario, reverse: bool) -> Setup {
    let v = sc.version_2012;
    // Sids stay attached to their statement when the order changes.
    let build = |stmts: &[GenStatement], tag: &str, resource_kind: bool, kind: PolicyKind| {
        let mut numbered: Vec<(usize, &GenStatement)> = stmts.iter().enumerate().collect();
        if reverse {
            numbered.reverse();
        }
        let statements: Vec<Value> = numbered.iter().map(|(i, s)| statement_json(s, &format!("{tag}{i}"), resource_kind)).collect();
        let doc = if v { json!({"Version": "2012-10-17", "Statement": statements}) } else { json!({"Statement": statements}) };
        Policy::from_value(&doc, kind).unwrap_or_else(|e| panic!("{e}: {doc}"))
    };
    let mut identity: Vec<(Policy, String)> = sc.identity.iter().enumerate().map(|(i, p)| (build(p, &format!("I{i}S"), false, PolicyKind::Identity), format!("identity{i}"))).collect();
    let mut scps: Vec<Vec<Policy>> = sc.scps.iter().enumerate().map(|(i, p)| vec![build(p, &format!("O{i}S"), false, PolicyKind::ServiceControl)]).collect();
    if reverse {
        identity.reverse();
        // Levels are an order (root to account) but the rule treats them symmetrically.
        scps.reverse();
    }
    Setup {
        identity,
        resource: sc.resource.as_ref().map(|p| build(p, "RS", true, PolicyKind::Resource)),
        boundary: sc.boundary.as_ref().map(|p| build(p, "BS", false, PolicyKind::Boundary)),
        session: sc.session.iter().map(|p| build(p, "SS", false, PolicyKind::Session)).collect(),
        scps,
        rcps: Vec::new(),
    }
}

fn context(sc: &Scenario) -> Context {
    let mut c = Context::new();
    if let Some(u) = sc.username {
        c.insert("aws:username", ContextValue::string(u));
    }
    if let Some(p) = sc.prefix {
        c.insert("s3:prefix", ContextValue::string(p));
    }
    if sc.vpc {
        c.insert("aws:SourceVpc", ContextValue::string("vpc-1"));
    }
    if let Some(k) = sc.max_keys {
        c.insert("s3:max-keys", ContextValue::typed(ValueType::Numeric, k));
    }
    if let Some(t) = &sc.tag_keys {
        c.insert("aws:TagKeys", ContextValue::list(ValueType::String, t.iter().map(|s| s.to_string())));
    }
    c
}

fn facts(sc: &Scenario) -> Facts {
    let who = &callers()[sc.who];
    Facts { same_account: who.account == A, resource_policy_must_grant: sc.must_grant }
}

// ---------------------------------------------------------------------------------------
// The reference evaluator: written from the documentation, as directly as possible.

fn glob(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
        Some('?') => !t.is_empty() && glob(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && glob(&p[1..], &t[1..]),
    }
}

fn glob_str(p: &str, t: &str) -> bool {
    glob(&p.chars().collect::<Vec<_>>(), &t.chars().collect::<Vec<_>>())
}

fn ref_action(pattern: &str, action: &str) -> bool {
    glob_str(&pattern.to_lowercase(), &action.to_lowercase())
}

fn ref_resource(pattern: &str, resource: &str, ctx: &Context, v2012: bool) -> bool {
    if pattern == "*" {
        return true;
    }
    let mut pattern = pattern.to_string();
    if v2012 && pattern.contains("${aws:username}") {
        match ctx.get("aws:username") {
            Some(v) => pattern = pattern.replace("${aws:username}", &v.values[0]),
            None => return false,
        }
    }
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let r: Vec<&str> = resource.splitn(6, ':').collect();
    if p.len() == 6 || !pattern.ends_with('*') {
        return p.len() == r.len() && p.iter().zip(&r).all(|(a, b)| glob_str(a, b));
    }
    // A shorter pattern ending in `*`: its last segment takes the rest of the ARN.
    let k = p.len() - 1;
    r.len() > k && p[..k].iter().zip(&r[..k]).all(|(a, b)| glob_str(a, b)) && glob_str(p[k], &r[k..].join(":"))
}

fn ref_condition(c: &Condition, ctx: &Context) -> bool {
    let values = ctx.get(&c.key).map(|v| v.values.clone()).filter(|v| !v.is_empty());
    let op = c.operator.as_str();
    if op == "Null" {
        return (c.values[0] == "true") == values.is_none();
    }
    let Some(vals) = values else {
        return op.ends_with("IfExists") || op.starts_with("ForAllValues:") || op.contains("Not");
    };
    let one = |v: &str| match op.trim_start_matches("ForAnyValue:").trim_start_matches("ForAllValues:").trim_end_matches("IfExists") {
        "StringEquals" => c.values.iter().any(|p| p == v),
        "StringNotEquals" => c.values.iter().all(|p| p != v),
        "StringLike" => c.values.iter().any(|p| glob_str(p, v)),
        "NumericLessThan" => c.values.iter().any(|p| v.parse::<f64>().unwrap() < p.parse::<f64>().unwrap()),
        other => panic!("reference lacks {other}"),
    };
    if op.starts_with("ForAllValues:") {
        vals.iter().all(|v| one(v))
    } else if op.starts_with("ForAnyValue:") || !op.contains("Not") {
        vals.iter().any(|v| one(v))
    } else {
        vals.iter().all(|v| one(v))
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Named {
    direct: bool,
    role: bool,
    account: bool,
}

fn ref_principal(p: &Principals, who: &PrincipalInfo) -> Named {
    let mut n = Named::default();
    let with_account = !who.account.is_empty();
    let account_of = |v: &str| -> Option<String> {
        if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
            Some(v.to_string())
        } else {
            v.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")).map(str::to_string)
        }
    };
    if p.wildcard {
        n.direct = true;
    }
    for v in &p.aws {
        if v == "*" {
            n.direct = true;
        } else if let Some(acct) = account_of(v) {
            n.account |= with_account && acct == who.account;
        } else if *v == who.arn {
            n.direct = true;
        } else if Some(v) == who.role_arn.as_ref() {
            n.role = true;
        }
    }
    if who.service.as_ref().is_some_and(|s| p.service.contains(s)) {
        n.direct = true;
    }
    if p.negated {
        // Excluded only when the whole chain is listed.
        let listed = |x: &str| p.aws.iter().any(|v| v == x);
        let all_listed = p.wildcard
            || p.aws.iter().any(|v| v == "*")
            || match who.kind {
                PrincipalKind::Anonymous => false,
                PrincipalKind::Service => who.service.as_ref().is_some_and(|s| p.service.contains(s)),
                _ => {
                    p.aws.iter().any(|v| account_of(v).as_deref() == Some(&who.account))
                        && (who.kind == PrincipalKind::Root || listed(&who.arn))
                        && who.role_arn.as_ref().is_none_or(|r| listed(r))
                }
            };
        return Named { direct: !all_listed, role: false, account: false };
    }
    n
}

/// Does the statement apply, and how does it name the caller?
fn ref_applies(st: &Statement, who: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, v2012: bool) -> Option<Named> {
    let a = st.action.values.iter().any(|p| ref_action(p, action)) != st.action.negated;
    let r = st.resource.as_ref().is_none_or(|res| res.values.iter().any(|p| ref_resource(p, resource, ctx, v2012)) != res.negated);
    let c = st.conditions.iter().all(|c| ref_condition(c, ctx));
    let n = match &st.principal {
        None => Named { direct: true, ..Named::default() },
        Some(p) => ref_principal(p, who),
    };
    (a && r && c && (n.direct || n.role || n.account)).then_some(n)
}

struct RefPolicy<'a> {
    policy: &'a Policy,
}

impl RefPolicy<'_> {
    fn hits(&self, who: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, effect: Effect) -> Vec<Named> {
        let v2012 = self.policy.version() == Version::V2012_10_17;
        self.policy.statements().iter().filter(|s| s.effect == effect).filter_map(|s| ref_applies(s, who, action, resource, ctx, v2012)).collect()
    }
}

fn reference(s: &Setup, who: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, facts: Facts) -> (EvalDecision, Option<PolicyType>) {
    let denies = |p: &Policy| !RefPolicy { policy: p }.hits(who, action, resource, ctx, Effect::Deny).is_empty();
    let allows = |p: &Policy| RefPolicy { policy: p }.hits(who, action, resource, ctx, Effect::Allow);
    // 1. Deny evaluation, in the order the AccessDenied message prefers.
    let typed: Vec<(PolicyType, &Policy)> = s
        .scps
        .iter()
        .flatten()
        .map(|p| (PolicyType::ServiceControlPolicy, p))
        .chain(s.resource.iter().map(|p| (PolicyType::ResourceBased, p)))
        .chain(s.identity.iter().map(|(p, _)| (PolicyType::IdentityBased, p)))
        .chain(s.boundary.iter().map(|p| (PolicyType::PermissionsBoundary, p)))
        .chain(s.session.iter().map(|p| (PolicyType::SessionPolicy, p)))
        .collect();
    if let Some((t, _)) = typed.iter().find(|(_, p)| denies(p)) {
        return (EvalDecision::ExplicitDeny, Some(*t));
    }
    let deny = |t| (EvalDecision::ImplicitDeny, Some(t));
    // 2. SCPs: every level allows.
    if !s.scps.iter().all(|level| level.iter().any(|p| !allows(p).is_empty())) {
        return deny(PolicyType::ServiceControlPolicy);
    }
    // 3. Resource-based policy: how it names the caller.
    let res: Vec<Named> = s.resource.iter().flat_map(&allows).collect();
    let (direct, role, account) = (res.iter().any(|n| n.direct), res.iter().any(|n| n.role), res.iter().any(|n| n.account));
    let res_any = direct || role || account;
    if matches!(who.kind, PrincipalKind::Anonymous | PrincipalKind::Service | PrincipalKind::FederatedIdentity) {
        return if res_any { (EvalDecision::Allowed, None) } else { deny(PolicyType::ResourceBased) };
    }
    // 4.-6. Identity, boundary, session.
    let identity = who.kind == PrincipalKind::Root || s.identity.iter().any(|(p, _)| !allows(p).is_empty());
    let boundary = s.boundary.as_ref().is_none_or(|p| !allows(p).is_empty());
    let session = match who.kind {
        PrincipalKind::RoleSession | PrincipalKind::FederatedUser if !s.session.is_empty() => s.session.iter().any(|p| !allows(p).is_empty()),
        PrincipalKind::FederatedUser => false,
        _ => true,
    };
    let identity_side = identity && boundary && session;
    let first_failure = if !identity {
        PolicyType::IdentityBased
    } else if !boundary {
        PolicyType::PermissionsBoundary
    } else {
        PolicyType::SessionPolicy
    };
    let limit_failure = if !boundary { PolicyType::PermissionsBoundary } else { PolicyType::SessionPolicy };
    let allowed = if !facts.same_account {
        res_any && identity_side
    } else if facts.resource_policy_must_grant {
        direct || (role && boundary && session) || (account && identity_side)
    } else {
        direct || (role && boundary && session) || identity_side
    };
    if allowed {
        (EvalDecision::Allowed, None)
    } else if !res_any && (!facts.same_account || facts.resource_policy_must_grant) {
        deny(PolicyType::ResourceBased)
    } else if facts.same_account && role && !direct {
        deny(limit_failure)
    } else {
        deny(first_failure)
    }
}

// ---------------------------------------------------------------------------------------
// Properties.

fn run(sc: &Scenario, s: &Setup) -> Decision {
    s.decide(&callers()[sc.who], ACTIONS[sc.action], RESOURCES[sc.resource_arn], &context(sc), facts(sc))
}

fn matched_set(d: &Decision) -> Vec<(String, Option<String>, String)> {
    let mut v: Vec<_> = d.matched.iter().map(|m| (m.source_policy_id.clone(), m.sid.as_deref().map(str::to_string), m.effect.to_string())).collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// E1–E10: the engine decides exactly as the reference.
    #[test]
    fn engine_equals_the_reference(sc in scenario()) {
        let s = setup(&sc, false);
        let d = run(&sc, &s);
        let r = reference(&s, &callers()[sc.who], ACTIONS[sc.action], RESOURCES[sc.resource_arn], &context(&sc), facts(&sc));
        prop_assert_eq!((d.decision, d.denied_by), r, "{:#?}", sc);
        // E11: denies list denies, allows list allows, implicit denies list nothing.
        let want = match d.decision { EvalDecision::ExplicitDeny => Some("Deny"), EvalDecision::Allowed => Some("Allow"), EvalDecision::ImplicitDeny => None };
        prop_assert!(d.matched.iter().all(|m| Some(&*m.effect) == want));
        prop_assert_eq!(d.decision == EvalDecision::ImplicitDeny, d.decision != EvalDecision::Allowed && d.matched.is_empty());
    }

    /// E2: an applicable explicit deny always wins, wherever it is.
    #[test]
    fn an_applicable_explicit_deny_always_wins(sc in scenario(), place in 0usize..5) {
        let mut s = setup(&sc, false);
        let action = ACTIONS[sc.action];
        let deny = |principal: bool| {
            let p = if principal { r#""Principal": "*","# } else { "" };
            format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "Deny", "Effect": "Deny", {p} "Action": "{action}", "Resource": "*"}}]}}"#)
        };
        match place {
            0 => s.identity.push((Policy::parse(&deny(false), PolicyKind::Identity).unwrap(), "deny".into())),
            1 => s.resource = Some(Policy::parse(&deny(true), PolicyKind::Resource).unwrap()),
            2 => s.boundary = Some(Policy::parse(&deny(false), PolicyKind::Boundary).unwrap()),
            3 => s.session.push(Policy::parse(&deny(false), PolicyKind::Session).unwrap()),
            _ => s.scps.push(vec![Policy::parse(&deny(false), PolicyKind::ServiceControl).unwrap()]),
        }
        let d = run(&sc, &s);
        prop_assert_eq!(d.decision, EvalDecision::ExplicitDeny);
        prop_assert!(d.matched.iter().any(|m| m.sid.as_deref() == Some("Deny")));
    }

    /// Statement order and policy order never matter (decision, reasons, missing keys).
    #[test]
    fn order_never_matters(sc in scenario()) {
        let a = run(&sc, &setup(&sc, false));
        let b = run(&sc, &setup(&sc, true));
        prop_assert_eq!((a.decision, a.denied_by), (b.decision, b.denied_by));
        prop_assert_eq!(matched_set(&a), matched_set(&b));
        prop_assert_eq!(&a.missing_context, &b.missing_context);
        prop_assert_eq!((a.allowed_by_boundary, a.allowed_by_organizations), (b.allowed_by_boundary, b.allowed_by_organizations));
    }

    /// Adding an Allow statement to a policy never turns an Allow into a Deny.
    #[test]
    fn adding_an_allow_never_denies(sc in scenario(), extra in statement(), target in 0usize..4) {
        let before = run(&sc, &setup(&sc, false));
        let mut sc2 = sc.clone();
        let extra = GenStatement { allow: true, ..extra };
        match target {
            0 if !sc2.identity.is_empty() => sc2.identity[0].push(extra),
            1 if sc2.resource.is_some() => sc2.resource.as_mut().unwrap().push(extra),
            2 if !sc2.scps.is_empty() => sc2.scps[0].push(extra),
            _ => sc2.identity.push(vec![extra]),
        }
        let after = run(&sc2, &setup(&sc2, false));
        if before.decision == EvalDecision::Allowed {
            prop_assert_eq!(after.decision, EvalDecision::Allowed, "{:#?}", sc2);
        }
    }

    /// With no applicable statement anywhere, the request is implicitly denied — except for
    /// the root user in its own account with nothing restricting it (E6; a boundary, which
    /// IAM never gives the root user, would still limit it).
    #[test]
    fn no_applicable_statement_is_an_implicit_deny(sc in scenario()) {
        let who = &callers()[sc.who];
        let (action, resource, ctx) = (ACTIONS[sc.action], RESOURCES[sc.resource_arn], context(&sc));
        let keep = |stmts: &Vec<GenStatement>, resource_kind: bool, kind: PolicyKind| -> Option<Vec<GenStatement>> {
            let kept: Vec<GenStatement> = stmts
                .iter()
                .filter(|g| {
                    let p = Policy::from_value(&policy_json(std::slice::from_ref(*g), "X", resource_kind, sc.version_2012), kind).unwrap();
                    ref_applies(&p.statements()[0], who, action, resource, &ctx, sc.version_2012).is_none()
                })
                .cloned()
                .collect();
            (!kept.is_empty()).then_some(kept)
        };
        let mut sc2 = sc.clone();
        sc2.identity = sc.identity.iter().filter_map(|p| keep(p, false, PolicyKind::Identity)).collect();
        sc2.resource = sc.resource.as_ref().and_then(|p| keep(p, true, PolicyKind::Resource));
        sc2.boundary = sc.boundary.as_ref().and_then(|p| keep(p, false, PolicyKind::Boundary));
        sc2.session = sc.session.as_ref().and_then(|p| keep(p, false, PolicyKind::Session));
        sc2.scps = sc.scps.iter().map(|p| keep(p, false, PolicyKind::ServiceControl).unwrap_or_else(|| vec![GenStatement {
            // A level whose policies no longer apply: keep one statement that cannot apply.
            allow: true, not_action: false, actions: vec![ACTION_PATTERNS.len() - 1], not_resource: false, resources: vec![0], conditions: vec![], principal: 0, not_principal: false,
        }])).collect();
        let d = run(&sc2, &setup(&sc2, false));
        prop_assert!(d.matched.is_empty());
        let root_unrestricted = who.kind == PrincipalKind::Root && sc2.scps.is_empty() && sc2.boundary.is_none() && facts(&sc2).same_account && !sc2.must_grant;
        let want = if root_unrestricted { EvalDecision::Allowed } else { EvalDecision::ImplicitDeny };
        prop_assert_eq!(d.decision, want, "{:#?}", sc2);
    }
}

#[test]
fn the_reference_agrees_on_the_worked_examples() {
    // Spot checks that the reference itself reads the documentation the same way.
    assert!(ref_resource("arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/2/test/object.jpg", &Context::new(), true));
    assert!(!ref_resource("arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/2/test.jpg", &Context::new(), true));
    assert!(!ref_resource("arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", &Context::new(), true));
    assert!(ref_action("iam:*AccessKey*", "IAM:createaccesskey"));
}

