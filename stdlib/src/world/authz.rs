//! The authorizer entry point every service calls before acting.
//!
//! It gathers everything that applies to a request — the principal's identity policies (a
//! user's own and its groups', a role's), its permissions boundary, session policies, the
//! SCPs above its account, the resource's policy (key policy, bucket policy, trust policy)
//! and KMS grants — builds the request context (global keys from the caller, the clock and
//! the principal, plus the operation's own keys), and hands it all to the one policy
//! engine, [`crate::policy::evaluate`]. The engine decides; this module only gathers.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::policy::{
    self, Context, ContextValue, Decision, EvalDecision, Facts, MatchedStatement, Policy, PrincipalInfo, PrincipalKind,
    Source, SourceType, Sources, ValueType,
};

use super::call::Caller;
use super::principal::Principal;
use super::World;

/// What an operation asks the authorizer.
#[derive(Clone, Debug)]
pub struct Authz<'a> {
    /// `kms:Encrypt`, `s3:GetObject`, ...
    pub action: &'a str,
    /// The resource ARN (or `*` for actions without a resource, like `s3:ListAllMyBuckets`).
    pub resource: &'a str,
    /// The account that owns the resource; `None` means the ARN's account, or the caller's
    /// when the ARN has none (S3). Decides same-account vs cross-account evaluation.
    pub resource_account: Option<&'a str>,
    /// The resource-based policy, with the id the simulator reports for it.
    pub resource_policy: Option<(&'a Policy, &'a str)>,
    /// KMS key policies and role trust policies must grant explicitly (see the policy docs).
    pub must_grant: bool,
    /// The operation's own condition keys (`s3:prefix`, `kms:EncryptionContext:...`).
    pub context: Context,
    /// Set when a KMS grant allows this operation for this caller (the grant id).
    pub grant: Option<String>,
    /// Extra context entries from the caller (simulate_principal_policy's ContextEntries);
    /// they override the world's values.
    pub overrides: Option<&'a Context>,
}

impl<'a> Authz<'a> {
    pub fn new(action: &'a str, resource: &'a str) -> Self {
        Authz {
            action,
            resource,
            resource_account: None,
            resource_policy: None,
            must_grant: false,
            context: Context::new(),
            grant: None,
            overrides: None,
        }
    }
    pub fn policy(mut self, p: Option<&'a Policy>, id: &'a str) -> Self {
        self.resource_policy = p.map(|p| (p, id));
        self
    }
    pub fn must_grant(mut self) -> Self {
        self.must_grant = true;
        self
    }
    pub fn owner(mut self, account: &'a str) -> Self {
        self.resource_account = Some(account);
        self
    }
    pub fn ctx(mut self, key: impl Into<Cow<'static, str>>, v: ContextValue) -> Self {
        self.context.insert(key, v);
        self
    }
    pub fn ctx_str(self, key: impl Into<Cow<'static, str>>, v: impl Into<Cow<'static, str>>) -> Self {
        self.ctx(key, ContextValue::string(v))
    }
    pub fn grant(mut self, grant_id: Option<String>) -> Self {
        self.grant = grant_id;
        self
    }
}

/// The policies that apply to a principal, gathered from IAM and Organizations.
#[derive(Clone, Debug, Default)]
pub struct Gathered {
    /// (policy, SourcePolicyId, type)
    pub identity: Vec<(Policy, String, SourceType)>,
    pub boundary: Option<(Policy, String)>,
    pub session: Vec<(Policy, String)>,
    /// One Vec per level from the organization root down to the account.
    pub scps: Vec<Vec<(Policy, String)>>,
    pub rcps: Vec<Vec<(Policy, String)>>,
    /// `aws:PrincipalTag/...` values.
    pub principal_tags: BTreeMap<String, String>,
}

/// A resource's policy as the authorizer needs it.
#[derive(Clone, Debug)]
pub struct ResourcePolicy {
    pub policy: Policy,
    /// `SourcePolicyId` in simulator results.
    pub id: String,
    /// KMS key policies and role trust policies must grant explicitly.
    pub must_grant: bool,
    /// The account that owns the resource.
    pub owner: String,
}

/// The policy attached to the resource an ARN names, for questions asked without an
/// operation (`iam::can`, access matrices). Each service that has resource policies
/// answers for its ARNs.
pub fn resource_policy_of(w: &World, resource: &str) -> Option<ResourcePolicy> {
    let arn: super::Arn = resource.parse().ok()?;
    match arn.service.as_str() {
        "iam" => crate::iam::resource_policy(w, &arn),
        "kms" => crate::kms::resource_policy(w, &arn),
        _ => None,
    }
}

/// How the policy language sees a principal.
pub fn principal_info(p: &Principal) -> PrincipalInfo {
    let (kind, role_arn, service) = match p {
        Principal::Root { .. } => (PrincipalKind::Root, None, None),
        Principal::User { .. } => (PrincipalKind::User, None, None),
        Principal::AssumedRole(s) => (PrincipalKind::RoleSession, Some(s.role_arn().to_string()), None),
        Principal::Service { service } => (PrincipalKind::Service, None, Some(service.clone())),
        Principal::Anonymous => (PrincipalKind::Anonymous, None, None),
    };
    PrincipalInfo {
        kind,
        arn: p.arn().map(|a| a.to_string()).unwrap_or_default(),
        role_arn,
        account: p.account().unwrap_or_default().to_string(),
        service,
        federated: None,
    }
}

/// The global condition keys of a request by `caller` at the world's current time.
pub fn global_context(w: &World, caller: &Caller, tags: &BTreeMap<String, String>) -> Context {
    let mut c = Context::new();
    let now = w.clock.now;
    c.insert("aws:CurrentTime", ContextValue::typed(ValueType::Date, now.iso()));
    c.insert("aws:EpochTime", ContextValue::typed(ValueType::Numeric, now.secs().to_string()));
    c.insert("aws:SecureTransport", ContextValue::bool(caller.secure_transport));
    c.insert("aws:RequestedRegion", ContextValue::string(caller.region.clone()));
    if let Some(ip) = &caller.source_ip {
        c.insert("aws:SourceIp", ContextValue::typed(ValueType::Ip, ip.clone()));
    }
    if let Some(v) = &caller.source_vpc {
        c.insert("aws:SourceVpc", ContextValue::string(v.clone()));
    }
    if let Some(v) = &caller.source_vpce {
        c.insert("aws:SourceVpce", ContextValue::string(v.clone()));
    }
    if let Some(via) = &caller.via_service {
        c.insert("aws:ViaAWSService", ContextValue::bool(true));
        c.insert("aws:CalledVia", ContextValue::list(ValueType::String, vec![via.clone()]));
    } else {
        c.insert("aws:ViaAWSService", ContextValue::bool(false));
    }
    let p = &caller.principal;
    c.insert("aws:PrincipalType", ContextValue::string(p.identity_type()));
    c.insert("aws:userid", ContextValue::string(p.user_id()));
    c.insert("aws:PrincipalIsAWSService", ContextValue::bool(matches!(p, Principal::Service { .. })));
    if let Some(arn) = p.arn() {
        // For a role session, aws:PrincipalArn is the role's ARN.
        let principal_arn = match p {
            Principal::AssumedRole(s) => s.role_arn().to_string(),
            _ => arn.to_string(),
        };
        c.insert("aws:PrincipalArn", ContextValue::typed(ValueType::Arn, principal_arn));
    }
    if let Some(acct) = p.account() {
        c.insert("aws:PrincipalAccount", ContextValue::string(acct.to_string()));
        if let Some(org) = crate::iam::org_id_of(w, acct) {
            c.insert("aws:PrincipalOrgID", ContextValue::string(org.to_string()));
        }
    }
    if let Principal::User { name, .. } = p {
        c.insert("aws:username", ContextValue::string(name.clone()));
    }
    // aws:MultiFactorAuthPresent is present only for temporary credentials (role sessions,
    // GetSessionToken); requests signed with long-term access keys don't carry it.
    if p.expiration().is_some() {
        c.insert("aws:MultiFactorAuthPresent", ContextValue::bool(p.mfa_authenticated_at().is_some()));
    }
    if let Principal::AssumedRole(s) = p
        && let Some(f) = &s.federated_provider
    {
        c.insert("aws:FederatedProvider", ContextValue::string(f.clone()));
    }
    if let Some(at) = p.mfa_authenticated_at() {
        c.insert("aws:MultiFactorAuthPresent", ContextValue::bool(true));
        c.insert("aws:MultiFactorAuthAge", ContextValue::typed(ValueType::Numeric, now.since(at).whole_secs().to_string()));
    }
    for (k, v) in tags {
        c.insert(format!("aws:PrincipalTag/{k}"), ContextValue::string(v.clone()));
    }
    c
}

/// The key of the memo of global condition keys: they only change when the caller, the
/// clock, the caller's tags or its account's organization do.
pub type GlobalsKey = (Caller, crate::world::Timestamp, BTreeMap<String, String>, Option<String>);

/// [`global_context`], shared while nothing it depends on changes.
pub fn global_context_cached(w: &World, caller: &Caller, tags: &BTreeMap<String, String>) -> Arc<Context> {
    let now = w.clock.now;
    let org = caller.principal.account().and_then(|a| crate::iam::org_id_of(w, a));
    w.memo.globals.get(
        |(c, t, g, o)| c == caller && *t == now && g == tags && o.as_deref() == org,
        || ((caller.clone(), now, tags.clone(), org.map(str::to_string)), Arc::new(global_context(w, caller, tags))),
    )
}

/// Decides `req` for `caller` with everything in the world.
pub fn decide(w: &World, caller: &Caller, req: &Authz<'_>) -> Decision {
    let g = crate::iam::gather(w, &caller.principal);
    decide_with(w, caller, req, &g)
}

/// Decides `req` for `caller` with the given policies (the policy simulator supplies its own).
pub fn decide_with(w: &World, caller: &Caller, req: &Authz<'_>, g: &Gathered) -> Decision {
    decide_owned(w, caller, req.clone(), g)
}

/// [`decide_with`] taking the request by value, so its context keys are layered over the
/// caller's cached global keys without being copied (the path every API call takes).
pub fn decide_owned(w: &World, caller: &Caller, mut req: Authz<'_>, g: &Gathered) -> Decision {
    let (info, sources, facts) = prepare(w, caller, &mut req, g);
    let mut d = policy::evaluate(&info, req.action, req.resource, &req.context, &sources, facts);
    // A KMS grant allows its operations like a resource-policy allow; an explicit deny still wins.
    if let Some(grant_id) = &req.grant
        && d.decision == EvalDecision::ImplicitDeny
        && d.allowed_by_organizations
    {
        {
            d.decision = EvalDecision::Allowed;
            d.denied_by = None;
            d.matched = vec![MatchedStatement {
                source_policy_id: format!("grant/{grant_id}"),
                source_policy_type: SourceType::Resource,
                sid: None,
                effect: "Allow".into(),
                index: 0,
                start: (0, 0),
                end: (0, 0),
            }];
        }
    }
    d
}

/// The request's context (global keys under the operation's own, then the caller's
/// overrides), the principal as the engine sees it, the policies in play and the facts.
fn prepare<'s, 'r: 's>(w: &World, caller: &Caller, req: &mut Authz<'r>, g: &'s Gathered) -> (Arc<PrincipalInfo>, Sources<'s>, Facts) {
    req.context.set_base(global_context_cached(w, caller, &g.principal_tags));
    if let Some(o) = req.overrides {
        for (k, v) in o.iter() {
            req.context.insert(k.to_string(), v.clone());
        }
    }
    let p = &caller.principal;
    let info = w.memo.principal.get(|q| q == p, || (p.clone(), Arc::new(principal_info(p))));
    let resource_account = req
        .resource_account
        // ARNs without an account (S3) or owned by AWS itself (`arn:aws:iam::aws:policy/...`)
        // are evaluated in the caller's account: only identity policies decide.
        .or_else(|| super::arn::account_of(req.resource).filter(|a| !a.is_empty() && *a != "aws"))
        .unwrap_or(&info.account);
    let sources = Sources {
        identity: g.identity.iter().map(|(policy, id, ty)| Source { policy, id, ty: *ty }).collect(),
        resource: req.resource_policy.map(|(policy, id)| Source { policy, id, ty: SourceType::Resource }),
        boundary: g.boundary.as_ref().map(|(policy, id)| Source { policy, id, ty: SourceType::PermissionsBoundary }),
        session: g.session.iter().map(|(policy, id)| Source { policy, id, ty: SourceType::Session }).collect(),
        scps: g.scps.iter().map(|lvl| lvl.iter().map(|(policy, id)| Source { policy, id, ty: SourceType::ServiceControl }).collect()).collect(),
        rcps: g.rcps.iter().map(|lvl| lvl.iter().map(|(policy, id)| Source { policy, id, ty: SourceType::ResourceControl }).collect()).collect(),
    };
    let facts = Facts { same_account: info.account == resource_account, resource_policy_must_grant: req.must_grant };
    (info, sources, facts)
}

/// What one policy in play says about a request on its own.
#[derive(Clone, Debug)]
pub struct PolicyVerdict {
    pub ty: SourceType,
    pub id: String,
    /// allowed: one of its Allow statements applies (and none of its Denies); explicitDeny: a
    /// Deny applies; implicitDeny: none applies.
    pub decision: EvalDecision,
    /// The statements that applied.
    pub matched: Vec<MatchedStatement>,
}

/// The decision, and what each policy in play says on its own (for `iam::explain`): the one
/// engine decides each policy alone (a resource policy in the resource slot, any other in the
/// identity slot, same account), in AWS's order: SCPs, RCPs, the resource policy, identity
/// policies, the permissions boundary, session policies.
pub fn explain(w: &World, caller: &Caller, req: &Authz<'_>, g: &Gathered) -> (Decision, Vec<PolicyVerdict>) {
    let decision = decide_with(w, caller, req, g);
    let mut req = req.clone();
    let (info, all, facts) = prepare(w, caller, &mut req, g);
    let alone = |src: &Source<'_>| {
        let sources = if src.ty == SourceType::Resource {
            Sources { resource: Some(*src), ..Sources::default() }
        } else {
            Sources { identity: vec![*src], ..Sources::default() }
        };
        let d = policy::evaluate(&info, req.action, req.resource, &req.context, &sources, Facts { same_account: true, ..facts });
        PolicyVerdict { ty: src.ty, id: src.id.to_string(), decision: d.decision, matched: d.matched }
    };
    let ordered = all.scps.iter().flatten().chain(all.rcps.iter().flatten()).chain(&all.resource).chain(&all.identity).chain(&all.boundary).chain(&all.session);
    (decision, ordered.map(alone).collect())
}

/// The policy type as AWS's AccessDenied messages name it, with its article:
/// ("an", "identity-based policy"), ("a", "permissions boundary"), ...
fn policy_phrase(t: crate::policy::PolicyType) -> (&'static str, &'static str) {
    use crate::policy::PolicyType::*;
    match t {
        IdentityBased => ("an", "identity-based policy"),
        ResourceBased => ("a", "resource-based policy"),
        PermissionsBoundary => ("a", "permissions boundary"),
        ServiceControlPolicy => ("a", "service control policy"),
        ResourceControlPolicy => ("a", "resource control policy"),
        SessionPolicy => ("a", "session policy"),
    }
}

/// AWS's current AccessDenied message: "User: arn:... is not authorized to perform: kms:Encrypt
/// on resource: arn:... because no identity-based policy allows the kms:Encrypt action", or
/// "... with an explicit deny in a resource-based policy" ("in a permissions boundary",
/// "because no permissions boundary allows ...", as AWS words them).
pub fn access_denied_message(p: &Principal, action: &str, resource: &str, d: &Decision) -> String {
    let who = match p {
        Principal::Anonymous => "Anonymous".to_string(),
        Principal::Service { service } => format!("Service: {service}"),
        _ => format!("User: {}", p.display_name()),
    };
    let (article, phrase) = policy_phrase(d.denied_by.unwrap_or(crate::policy::PolicyType::IdentityBased));
    match d.decision {
        EvalDecision::ExplicitDeny => {
            format!("{who} is not authorized to perform: {action} on resource: {resource} with an explicit deny in {article} {phrase}")
        }
        _ => format!("{who} is not authorized to perform: {action} on resource: {resource} because no {phrase} allows the {action} action"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyType;

    fn d(decision: EvalDecision, t: PolicyType) -> Decision {
        Decision {
            decision,
            denied_by: Some(t),
            matched: vec![],
            missing_context: vec![],
            allowed_by_organizations: true,
            allowed_by_boundary: true,
        }
    }

    #[test]
    fn messages_word_each_policy_type_as_aws_does() {
        let p = Principal::root("111122223333");
        let m = |e, t| access_denied_message(&p, "s3:ListAllMyBuckets", "*", &d(e, t));
        assert!(m(EvalDecision::ExplicitDeny, PolicyType::IdentityBased).ends_with("with an explicit deny in an identity-based policy"));
        assert!(m(EvalDecision::ExplicitDeny, PolicyType::PermissionsBoundary).ends_with("with an explicit deny in a permissions boundary"));
        assert!(m(EvalDecision::ImplicitDeny, PolicyType::PermissionsBoundary).ends_with("because no permissions boundary allows the s3:ListAllMyBuckets action"));
        assert!(m(EvalDecision::ImplicitDeny, PolicyType::ServiceControlPolicy).ends_with("because no service control policy allows the s3:ListAllMyBuckets action"));
        assert!(m(EvalDecision::ExplicitDeny, PolicyType::SessionPolicy).ends_with("with an explicit deny in a session policy"));
    }
}
