//! The evaluation engine: AWS's documented decision order, rules E1–E13 of `RULES.md`.
//!
//! One pass over every supplied policy decides which statements apply (E1) and records the
//! applicable denies and the allows that could grant; the decision is then a small
//! function of those facts (E2–E10). Nothing here allocates unless something must be
//! reported: a deny, a granting statement, or a missing context key.

use super::matching::match_arn_head;
use super::parser::{AwsPrincipal, Effect, Principals, ResourcePattern, Statement};
use super::{Context, Decision, EvalDecision, Facts, MatchedStatement, PolicyType, PrincipalInfo, PrincipalKind, Source, Sources};

/// How a resource policy's `Principal` names the caller (M6); the order is strength.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Grant {
    /// The caller's account (account id or root ARN): delegates to the account's IAM policies.
    Account,
    /// The role (or federating user) the caller's session comes from.
    Role,
    /// The caller itself (its user/session ARN, its service or identity provider, or `*`);
    /// also every statement of a policy without Principal elements.
    Direct,
}

struct Eval<'r> {
    who: &'r PrincipalInfo,
    action: &'r str,
    resource: &'r str,
    ctx: &'r Context,
    missing: Vec<String>,
}

type Hit<'a> = (PolicyType, Source<'a>, &'a Statement);
/// The applicable denies or granting allows of one request: nearly always none or one.
type Hits<'a> = smallvec::SmallVec<[Hit<'a>; 2]>;

impl Eval<'_> {
    fn note_missing(missing: &mut Vec<String>, key: &str) {
        if !missing.iter().any(|k| k == key) {
            missing.push(key.to_string());
        }
    }

    /// E1: the statement applies to the request; `Some(how the caller is named)`.
    fn applies(&mut self, st: &Statement) -> Option<Grant> {
        if st.actions.iter().any(|g| g.matches(self.action, true)) == st.action.negated {
            return None;
        }
        let missing = &mut self.missing;
        let mut note = |k: &str| Eval::note_missing(missing, k);
        if let Some(r) = &st.resource {
            let any = st.resources.iter().any(|p| match p {
                ResourcePattern::Whole(g) => g.matches(self.resource, false),
                ResourcePattern::Segments(a) => a.matches(self.resource),
                // V6: a variable without a value makes the pattern match no resource.
                ResourcePattern::Template { head, tail } => match_arn_head(head, self.resource).is_some_and(|rest| tail.like(rest, self.ctx, &mut note)),
            });
            if any == r.negated {
                return None;
            }
        }
        let grant = match &st.principal {
            None => Grant::Direct,
            Some(p) if p.negated => not_principal_applies(st, p, self.who).then_some(Grant::Direct)?,
            Some(p) => named(st, p, self.who)?,
        };
        // C1: all conditions must hold. Every one is evaluated (no short cut) so that
        // MissingContextValues does not depend on their order.
        let mut ok = true;
        for c in &st.conditions {
            ok &= c.holds(self.ctx, &mut note);
        }
        ok.then_some(grant)
    }

    /// Applies every statement of `src`: denies go to `denies`, allows to `grants` (when
    /// given). Returns the strongest grant among the applicable allows.
    fn scan<'a>(&mut self, ty: PolicyType, src: Source<'a>, denies: &mut Hits<'a>, mut grants: Option<&mut Hits<'a>>) -> Option<Grant> {
        let mut best = None;
        for st in src.policy.statements() {
            let Some(g) = self.applies(st) else { continue };
            match st.effect {
                Effect::Deny => denies.push((ty, src, st)),
                Effect::Allow => {
                    best = best.max(Some(g));
                    if let Some(gr) = grants.as_deref_mut() {
                        gr.push((ty, src, st));
                    }
                }
            }
        }
        best
    }

    /// Every level must have an applicable allow (E3, E4); all levels are scanned for denies.
    fn levels<'a>(&mut self, ty: PolicyType, levels: &[Vec<Source<'a>>], denies: &mut Hits<'a>) -> bool {
        let mut all = true;
        for level in levels {
            let mut level_ok = false;
            for src in level {
                level_ok |= self.scan(ty, *src, denies, None).is_some();
            }
            all &= level_ok;
        }
        all
    }
}

/// M6: the strongest way the `Principal` element names `who`, if it does.
fn named(st: &Statement, p: &Principals, who: &PrincipalInfo) -> Option<Grant> {
    let mut best = None;
    let has_account = matches!(who.kind, PrincipalKind::Root | PrincipalKind::User | PrincipalKind::RoleSession | PrincipalKind::FederatedUser);
    for ap in st.aws_principals.iter() {
        let g = match ap {
            AwsPrincipal::Anyone => Some(Grant::Direct),
            AwsPrincipal::Arn(a) if !who.arn.is_empty() && **a == who.arn => Some(Grant::Direct),
            AwsPrincipal::Arn(a) if who.role_arn.as_deref() == Some(&**a) => Some(Grant::Role),
            AwsPrincipal::Account(a) if has_account && **a == who.account => Some(Grant::Account),
            _ => None,
        };
        best = best.max(g);
    }
    let by_name = |names: &[String], name: &Option<String>| name.as_ref().is_some_and(|n| names.iter().any(|x| x == n));
    let other = match who.kind {
        PrincipalKind::Service => by_name(&p.service, &who.service),
        PrincipalKind::FederatedIdentity => by_name(&p.federated, &who.federated),
        _ => false,
    };
    if other {
        best = Some(Grant::Direct);
    }
    best
}

/// M7: a `NotPrincipal` statement applies unless every identity in the caller's chain —
/// the account, the role (for sessions) and the caller itself — is listed.
fn not_principal_applies(st: &Statement, p: &Principals, who: &PrincipalInfo) -> bool {
    if st.aws_principals.contains(&AwsPrincipal::Anyone) {
        return false;
    }
    let arn_listed = |arn: &str| st.aws_principals.iter().any(|a| matches!(a, AwsPrincipal::Arn(x) if **x == *arn));
    let account_listed = st.aws_principals.iter().any(|a| matches!(a, AwsPrincipal::Account(x) if **x == *who.account));
    let listed = |names: &[String], name: &Option<String>| name.as_ref().is_some_and(|n| names.iter().any(|x| x == n));
    match who.kind {
        PrincipalKind::Anonymous => true,
        PrincipalKind::Service => !listed(&p.service, &who.service),
        PrincipalKind::FederatedIdentity => !listed(&p.federated, &who.federated),
        PrincipalKind::Root => !account_listed,
        PrincipalKind::User => !arn_listed(&who.arn) || !account_listed,
        PrincipalKind::RoleSession | PrincipalKind::FederatedUser => {
            !arn_listed(&who.arn) || who.role_arn.as_deref().is_some_and(|r| !arn_listed(r)) || !account_listed
        }
    }
}

fn matched(hits: &[Hit<'_>]) -> Vec<MatchedStatement> {
    hits.iter()
        .map(|(_, src, st)| MatchedStatement {
            source_policy_id: src.id.to_string(),
            source_policy_type: src.ty,
            sid: st.sid.clone(),
            effect: st.effect.as_str().into(),
            index: st.index,
            start: st.start,
            end: st.end,
        })
        .collect()
}

/// Decides one request (see `RULES.md`, E1–E13).
pub fn evaluate(who: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, sources: &Sources<'_>, facts: Facts) -> Decision {
    let mut ev = Eval { who, action, resource, ctx, missing: Vec::new() };
    let mut denies = Hits::new();
    let mut grants = Hits::new();

    // E1: one pass over everything, in the order E2 names denying policy types.
    let scps_allow = ev.levels(PolicyType::ServiceControlPolicy, &sources.scps, &mut denies);
    let rcps_allow = ev.levels(PolicyType::ResourceControlPolicy, &sources.rcps, &mut denies);
    let resource_grant = sources.resource.and_then(|src| ev.scan(PolicyType::ResourceBased, src, &mut denies, Some(&mut grants)));
    let mut identity_allows = false;
    for src in &sources.identity {
        identity_allows |= ev.scan(PolicyType::IdentityBased, *src, &mut denies, Some(&mut grants)).is_some();
    }
    let boundary_allows = sources.boundary.map(|src| ev.scan(PolicyType::PermissionsBoundary, src, &mut denies, None).is_some());
    let mut session_allows = None;
    for src in &sources.session {
        let a = ev.scan(PolicyType::SessionPolicy, *src, &mut denies, None).is_some();
        session_allows = Some(session_allows.unwrap_or(false) | a);
    }

    // E12: the simulator's decision details.
    let denied_in = |t: PolicyType| denies.iter().any(|(ty, _, _)| *ty == t);
    let allowed_by_organizations =
        scps_allow && rcps_allow && !denied_in(PolicyType::ServiceControlPolicy) && !denied_in(PolicyType::ResourceControlPolicy);
    let allowed_by_boundary = boundary_allows.unwrap_or(true) && !denied_in(PolicyType::PermissionsBoundary);

    let mut missing = std::mem::take(&mut ev.missing);
    // E13: sorted, one spelling per key (the smallest), order-independent.
    missing.sort_by(|a, b| a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()).then_with(|| a.cmp(b)));
    missing.dedup_by(|a, b| a.eq_ignore_ascii_case(b));

    let decide = |decision: EvalDecision, denied_by: Option<PolicyType>, matched: Vec<MatchedStatement>, missing: Vec<String>| Decision {
        decision,
        denied_by,
        matched,
        missing_context: missing,
        allowed_by_organizations,
        allowed_by_boundary,
    };

    // E2: an applicable explicit deny anywhere wins.
    if let Some((ty, _, _)) = denies.first() {
        return decide(EvalDecision::ExplicitDeny, Some(*ty), matched(&denies), missing);
    }
    // E3, E4: every SCP and RCP level must allow.
    if !scps_allow {
        return decide(EvalDecision::ImplicitDeny, Some(PolicyType::ServiceControlPolicy), Vec::new(), missing);
    }
    if !rcps_allow {
        return decide(EvalDecision::ImplicitDeny, Some(PolicyType::ResourceControlPolicy), Vec::new(), missing);
    }

    let outcome = match who.kind {
        // E5: callers without identity policies depend on the resource policy alone.
        PrincipalKind::Anonymous | PrincipalKind::Service | PrincipalKind::FederatedIdentity => {
            if resource_grant.is_some() { Ok(()) } else { Err(PolicyType::ResourceBased) }
        }
        _ => {
            // E6, E7: the identity side. Root has full access in its own account.
            let root = who.kind == PrincipalKind::Root;
            let boundary_ok = boundary_allows.unwrap_or(true);
            let session_ok = match who.kind {
                PrincipalKind::RoleSession => session_allows.unwrap_or(true),
                PrincipalKind::FederatedUser => session_allows.unwrap_or(false),
                _ => true,
            };
            let limits = if !boundary_ok {
                Err(PolicyType::PermissionsBoundary)
            } else if !session_ok {
                Err(PolicyType::SessionPolicy)
            } else {
                Ok(())
            };
            let identity_side = if root || identity_allows { limits } else { Err(PolicyType::IdentityBased) };
            match (facts.same_account, resource_grant) {
                // E8: cross-account needs both sides.
                (false, None) => Err(PolicyType::ResourceBased),
                (false, Some(_)) => identity_side,
                // E9, E10: same account.
                (true, Some(Grant::Direct)) => Ok(()),
                (true, Some(Grant::Role)) => limits,
                (true, Some(Grant::Account)) => identity_side,
                (true, None) if facts.resource_policy_must_grant => Err(PolicyType::ResourceBased),
                (true, None) => identity_side,
            }
        }
    };
    match outcome {
        // E11: the allows that granted.
        Ok(()) => decide(EvalDecision::Allowed, None, matched(&grants), missing),
        Err(ty) => decide(EvalDecision::ImplicitDeny, Some(ty), Vec::new(), missing),
    }
}
