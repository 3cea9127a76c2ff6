//! The policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy) and the world-wide
//! questions built on the same engine: `iam::can` (decide with everything in the world:
//! resource policies, grants, SCPs, boundaries) and access matrices.
//!
//! Like AWS's simulator, SimulatePrincipalPolicy evaluates the entity's identity policies
//! (a user's own and its groups'), its permissions boundary and the SCPs above its account,
//! plus an optional ResourcePolicy; it performs no operation. `iam::can` instead looks up
//! the resource's real policy in the world.

use serde::{Deserialize, Serialize};

use super::PrincipalSpec;
use super::error::IamError;
use super::ops::{Doc, parse_doc};
use crate::policy::{Context, ContextValue, Decision, EvalDecision, MatchedStatement, PolicyKind, SourceType, ValueType};
use crate::world::authz::{self, Authz, Gathered};
use crate::world::{Arn, AwsError, Call, Caller, ErrorCode, Principal, RoleSession, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ContextEntry {
    pub context_key_name: String,
    pub context_key_values: Vec<String>,
    pub context_key_type: String,
}

/// ContextEntries as the engine's context (they override the world's values).
pub fn context_of(entries: &[ContextEntry]) -> Result<Context, AwsError> {
    let mut c = Context::new();
    for e in entries {
        let (ty, multi) = match e.context_key_type.as_str() {
            "string" => (ValueType::String, false),
            "stringList" => (ValueType::String, true),
            "numeric" => (ValueType::Numeric, false),
            "numericList" => (ValueType::Numeric, true),
            "boolean" => (ValueType::Boolean, false),
            "booleanList" => (ValueType::Boolean, true),
            "ip" => (ValueType::Ip, false),
            "ipList" => (ValueType::Ip, true),
            "binary" => (ValueType::Binary, false),
            "binaryList" => (ValueType::Binary, true),
            "date" => (ValueType::Date, false),
            "dateList" => (ValueType::Date, true),
            other => {
                return Err(IamError::InvalidInput.err(format!(
                    "Invalid ContextKeyType `{other}`: expected one of string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList"
                )));
            }
        };
        if !multi && e.context_key_values.len() != 1 {
            return Err(IamError::InvalidInput.err(format!(
                "Context key `{}` of type {} takes exactly one value",
                e.context_key_name, e.context_key_type
            )));
        }
        c.insert(e.context_key_name.clone(), ContextValue { ty, values: e.context_key_values.iter().map(|v| v.clone().into()).collect(), multi });
    }
    Ok(c)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub source_policy_id: String,
    pub source_policy_type: &'static str,
    pub start_position: Position,
    pub end_position: Position,
}

/// The simulator's words for where a statement came from.
pub fn source_type_word(t: SourceType) -> &'static str {
    match t {
        SourceType::User => "user",
        SourceType::Group => "group",
        SourceType::Role => "role",
        SourceType::AwsManaged => "aws-managed",
        SourceType::UserManaged => "user-managed",
        SourceType::Resource => "resource",
        SourceType::PermissionsBoundary => "permissions-boundary",
        SourceType::ServiceControl => "service-control",
        SourceType::ResourceControl => "resource-control",
        SourceType::Session => "session",
        SourceType::None => "none",
    }
}

fn statements(m: &[MatchedStatement]) -> Vec<Statement> {
    m.iter()
        .map(|s| Statement {
            source_policy_id: s.source_policy_id.clone(),
            source_policy_type: source_type_word(s.source_policy_type),
            start_position: Position { line: s.start.0, column: s.start.1 },
            end_position: Position { line: s.end.0, column: s.end.1 },
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationsDecisionDetail {
    pub allowed_by_organizations: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundaryDecisionDetail {
    pub allowed_by_permissions_boundary: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationResult {
    pub eval_action_name: String,
    pub eval_resource_name: String,
    pub eval_decision: EvalDecision,
    pub matched_statements: Vec<Statement>,
    pub missing_context_values: Vec<String>,
    pub organizations_decision_detail: OrganizationsDecisionDetail,
    pub permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulatePolicyResponse {
    pub evaluation_results: Vec<EvaluationResult>,
    pub is_truncated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SimulatePrincipalPolicyRequest {
    pub policy_source_arn: String,
    pub action_names: Vec<String>,
    #[serde(default)]
    pub resource_arns: Vec<String>,
    #[serde(default)]
    pub policy_input_list: Vec<Doc>,
    #[serde(default)]
    pub permissions_boundary_policy_input_list: Vec<Doc>,
    #[serde(default)]
    pub resource_policy: Option<Doc>,
    #[serde(default)]
    pub resource_owner: Option<String>,
    #[serde(default)]
    pub caller_arn: Option<String>,
    #[serde(default)]
    pub context_entries: Vec<ContextEntry>,
    #[serde(default)]
    pub resource_handling_option: Option<String>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub marker: Option<String>,
}

/// A principal standing for an IAM entity in a simulation: a user as itself; a role as a
/// session of that role (a simulation doesn't expire).
fn entity_principal(w: &World, arn: &Arn) -> Result<Principal, AwsError> {
    let a = w.iam.accounts.get(&arn.account);
    let name = arn.resource_name();
    match arn.resource_type() {
        "user" => super::resolve_principal(w, &PrincipalSpec::Name(arn.to_string())),
        "role" => {
            let r = a.and_then(|a| a.roles.get(&name.to_ascii_lowercase())).ok_or_else(|| {
                IamError::NoSuchEntity.err(format!("The role with name {name} cannot be found."))
            })?;
            Ok(Principal::AssumedRole(RoleSession {
                account: arn.account.clone(),
                role_name: r.role_name.clone(),
                role_path: r.path.clone(),
                role_id: r.role_id.clone(),
                session_name: "SimulatedSession".into(),
                access_key_id: String::new(),
                expiration: crate::world::Timestamp(i64::MAX / 2),
                session_policy: None,
                session_policy_arns: vec![],
                tags: r.tags.clone(),
                mfa_authenticated_at: None,
                source_arn: String::new(),
                federated_provider: None,
            }))
        }
        "group" => Ok(Principal::User {
            account: arn.account.clone(),
            name: format!("{name}-member"),
            path: "/".into(),
            user_id: "AIDASIMULATEDGROUPMEMBER".into(),
            mfa_authenticated_at: None,
            session_expiration: None,
        }),
        _ => Err(IamError::InvalidInput.err(format!("PolicySourceArn `{arn}` must be a user, group or role ARN"))),
    }
}

/// One simulation: who, with which policies, over which actions and resources.
struct Simulation<'a> {
    principal: Principal,
    policies: Gathered,
    actions: &'a [String],
    resources: &'a [String],
    resource_policy: Option<&'a crate::policy::Policy>,
    resource_owner: Option<&'a str>,
    overrides: &'a Context,
}

fn simulate(w: &World, region: &str, sim: Simulation<'_>) -> Vec<EvaluationResult> {
    let Simulation { principal, policies: g, actions, resources, resource_policy, resource_owner, overrides } = sim;
    let caller = Caller::new(principal, region);
    let resources: Vec<String> = if resources.is_empty() { vec!["*".into()] } else { resources.to_vec() };
    let mut out = vec![];
    for action in actions {
        for resource in &resources {
            let mut req = Authz::new(action, resource).policy(resource_policy, "ResourcePolicy");
            req.overrides = Some(overrides);
            if let Some(o) = resource_owner {
                req.resource_account = Some(o);
            }
            let d = authz::decide_with(w, &caller, &req, &g);
            out.push(result(action, resource, &d));
        }
    }
    out
}

fn result(action: &str, resource: &str, d: &Decision) -> EvaluationResult {
    EvaluationResult {
        eval_action_name: action.to_string(),
        eval_resource_name: resource.to_string(),
        eval_decision: d.decision,
        matched_statements: statements(&d.matched),
        missing_context_values: d.missing_context.clone(),
        organizations_decision_detail: OrganizationsDecisionDetail { allowed_by_organizations: d.allowed_by_organizations },
        permissions_boundary_decision_detail: PermissionsBoundaryDecisionDetail { allowed_by_permissions_boundary: d.allowed_by_boundary },
    }
}

fn check_actions(actions: &[String]) -> Result<(), AwsError> {
    if actions.is_empty() {
        return Err(IamError::InvalidInput.err("ActionNames must name at least one action, e.g. `s3:GetObject`."));
    }
    for a in actions {
        let ok = a.split_once(':').is_some_and(|(svc, name)| !svc.is_empty() && !name.is_empty() && !svc.contains('*'));
        if !ok {
            return Err(IamError::InvalidInput.err(format!("Action `{a}` is not of the form `service:Action`.")));
        }
    }
    Ok(())
}

pub fn simulate_principal_policy(c: &mut Call<'_>, r: SimulatePrincipalPolicyRequest) -> Result<SimulatePolicyResponse, AwsError> {
    c.authorize(Authz::new("iam:SimulatePrincipalPolicy", &r.policy_source_arn))?;
    let arn: Arn = r
        .policy_source_arn
        .parse()
        .map_err(|_| IamError::InvalidInput.err(format!("PolicySourceArn `{}` is not an ARN.", r.policy_source_arn)))?;
    check_actions(&r.action_names)?;
    let principal = entity_principal(c.w, &arn)?;
    let mut g = super::gather(c.w, &principal);
    if arn.resource_type() == "group" {
        // A group's own policies only.
        g = Gathered::default();
        let a = c.w.iam.accounts.get(&arn.account);
        let grp = a
            .and_then(|a| a.groups.get(&arn.resource_name().to_ascii_lowercase()))
            .ok_or_else(|| IamError::NoSuchEntity.err(format!("The group with name {} cannot be found.", arn.resource_name())))?;
        for (name, p) in &grp.inline {
            g.identity.push((p.clone(), name.clone(), SourceType::Group));
        }
        for pa in &grp.attached {
            if let Some((m, p)) = super::managed::find(pa) {
                g.identity.push((p, m.name.into(), SourceType::AwsManaged));
            } else if let Some(p) = a.and_then(|a| a.policies.get(pa)) {
                g.identity.push((p.default_version().document.clone(), p.policy_name.clone(), SourceType::UserManaged));
            }
        }
    }
    for (i, d) in r.policy_input_list.iter().enumerate() {
        g.identity.push((parse_doc(d, PolicyKind::Identity)?, format!("PolicyInputList.{}", i + 1), SourceType::None));
    }
    if r.permissions_boundary_policy_input_list.len() > 1 {
        return Err(IamError::InvalidInput.err("PermissionsBoundaryPolicyInputList takes at most one policy."));
    }
    if let Some(d) = r.permissions_boundary_policy_input_list.first() {
        g.boundary = Some((parse_doc(d, PolicyKind::Boundary)?, "PermissionsBoundaryPolicyInputList.1".into()));
    }
    let rp = r.resource_policy.as_ref().map(|d| parse_doc(d, PolicyKind::Resource)).transpose()?;
    let ctx = context_of(&r.context_entries)?;
    let region = c.region();
    let sim = Simulation {
        principal,
        policies: g,
        actions: &r.action_names,
        resources: &r.resource_arns,
        resource_policy: rp.as_ref(),
        resource_owner: r.resource_owner.as_deref(),
        overrides: &ctx,
    };
    let evaluation_results = simulate(c.w, &region, sim);
    Ok(SimulatePolicyResponse { evaluation_results, is_truncated: false })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SimulateCustomPolicyRequest {
    pub policy_input_list: Vec<Doc>,
    pub action_names: Vec<String>,
    #[serde(default)]
    pub resource_arns: Vec<String>,
    #[serde(default)]
    pub permissions_boundary_policy_input_list: Vec<Doc>,
    #[serde(default)]
    pub resource_policy: Option<Doc>,
    #[serde(default)]
    pub resource_owner: Option<String>,
    #[serde(default)]
    pub caller_arn: Option<String>,
    #[serde(default)]
    pub context_entries: Vec<ContextEntry>,
    #[serde(default)]
    pub resource_handling_option: Option<String>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub marker: Option<String>,
}

/// Evaluates the given identity policies alone (no entity, no SCPs), as the API does.
pub fn simulate_custom_policy(c: &mut Call<'_>, r: SimulateCustomPolicyRequest) -> Result<SimulatePolicyResponse, AwsError> {
    c.authorize(Authz::new("iam:SimulateCustomPolicy", "*"))?;
    check_actions(&r.action_names)?;
    if r.policy_input_list.is_empty() {
        return Err(IamError::InvalidInput.err("PolicyInputList must contain at least one policy."));
    }
    let mut g = Gathered::default();
    for (i, d) in r.policy_input_list.iter().enumerate() {
        g.identity.push((parse_doc(d, PolicyKind::Identity)?, format!("PolicyInputList.{}", i + 1), SourceType::None));
    }
    if let Some(d) = r.permissions_boundary_policy_input_list.first() {
        g.boundary = Some((parse_doc(d, PolicyKind::Boundary)?, "PermissionsBoundaryPolicyInputList.1".into()));
    }
    let rp = r.resource_policy.as_ref().map(|d| parse_doc(d, PolicyKind::Resource)).transpose()?;
    let account = c.account();
    let principal = match &r.caller_arn {
        Some(a) => {
            let arn: Arn = a.parse().map_err(|_| IamError::InvalidInput.err(format!("CallerArn `{a}` is not an ARN.")))?;
            Principal::User {
                account: arn.account.clone(),
                name: arn.resource_name().to_string(),
                path: "/".into(),
                user_id: "AIDASIMULATEDCALLER00".into(),
                mfa_authenticated_at: None,
                session_expiration: None,
            }
        }
        None => Principal::User { account, name: "SimulatedUser".into(), path: "/".into(), user_id: "AIDASIMULATEDCALLER00".into(), mfa_authenticated_at: None, session_expiration: None },
    };
    let ctx = context_of(&r.context_entries)?;
    let region = c.region();
    let sim = Simulation {
        principal,
        policies: g,
        actions: &r.action_names,
        resources: &r.resource_arns,
        resource_policy: rp.as_ref(),
        resource_owner: r.resource_owner.as_deref(),
        overrides: &ctx,
    };
    let evaluation_results = simulate(c.w, &region, sim);
    Ok(SimulatePolicyResponse { evaluation_results, is_truncated: false })
}

/// One reason behind a decision, for `iam::can`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Reason {
    pub policy: String,
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub sid: Option<String>,
    pub effect: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CanResponse {
    pub decision: EvalDecision,
    pub allowed: bool,
    pub reasons: Vec<Reason>,
    /// One sentence: what decided.
    pub explanation: String,
}

/// A sentence saying what decided `d`.
pub fn explain_sentence(principal: &Principal, action: &str, resource: &str, d: &Decision) -> String {
    match d.decision {
        EvalDecision::Allowed => {
            let by: Vec<String> = d
                .matched
                .iter()
                .map(|m| match &m.sid {
                    Some(s) => format!("statement `{s}` of {} ({})", m.source_policy_id, source_type_word(m.source_policy_type)),
                    None => format!("{} ({})", m.source_policy_id, source_type_word(m.source_policy_type)),
                })
                .collect();
            if by.is_empty() {
                format!("{} may perform {action} on {resource}", principal.display_name())
            } else {
                format!("allowed by {}", by.join(" and "))
            }
        }
        _ => authz::access_denied_message(principal, action, resource, d),
    }
}

/// Decides a request the way the world would, without performing it: the principal's
/// policies, the resource's own policy (looked up from the ARN), SCPs and boundaries.
pub fn can(w: &World, principal: &Principal, action: &str, resource: &str, ctx: &Context) -> CanResponse {
    let d = with_request(w, principal, action, resource, ctx, |caller, req| authz::decide(w, caller, req));
    can_response(principal, action, resource, &d)
}

/// `iam::explain`: the decision, and what each policy in play says about the request on its own.
pub fn explain(w: &World, principal: &Principal, action: &str, resource: &str, ctx: &Context) -> (CanResponse, Vec<authz::PolicyVerdict>) {
    let (d, verdicts) = with_request(w, principal, action, resource, ctx, |caller, req| authz::explain(w, caller, req, &super::gather(w, principal)));
    (can_response(principal, action, resource, &d), verdicts)
}

/// Runs `f` on the request `iam::can` decides: the resource's own policy found in the world,
/// the caller's context overrides.
fn with_request<R>(w: &World, principal: &Principal, action: &str, resource: &str, ctx: &Context, f: impl FnOnce(&Caller, &Authz<'_>) -> R) -> R {
    let caller = Caller::new(principal.clone(), &w.region);
    let rp = authz::resource_policy_of(w, resource);
    let mut req = Authz::new(action, resource);
    if let Some(rp) = &rp {
        req.resource_policy = Some((&rp.policy, rp.id.as_str()));
        req.must_grant = rp.must_grant;
        req.resource_account = Some(rp.owner.as_str());
    }
    req.overrides = Some(ctx);
    f(&caller, &req)
}

fn can_response(principal: &Principal, action: &str, resource: &str, d: &Decision) -> CanResponse {
    CanResponse {
        decision: d.decision,
        allowed: d.decision == EvalDecision::Allowed,
        reasons: d
            .matched
            .iter()
            .map(|m| Reason { policy: m.source_policy_id.clone(), kind: source_type_word(m.source_policy_type), sid: m.sid.as_deref().map(str::to_string), effect: m.effect.to_string() })
            .collect(),
        explanation: explain_sentence(principal, action, resource, d),
    }
}
