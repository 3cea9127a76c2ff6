//! The IAM policy language and the one evaluation engine.
//!
//! Pure: no world, no clock, no IO. The world's authorizer (`crate::world::authz`) gathers
//! the policies that apply to a request (identity, resource, boundary, session, SCPs) and
//! the request context, and this module decides. Every decision comes with its reasons.
//!
//! API CONTRACT (the rest of the crate codes against these names):
//! - [`Policy::parse`] / [`Policy::from_value`] with a [`PolicyKind`] (validation differs:
//!   identity policies may not name a Principal, resource policies must, ...).
//! - [`Context`]: the request context keys (case-insensitive names), with
//!   [`Context::insert`] and typed values [`ContextValue`].
//! - [`PrincipalInfo`], [`Sources`], [`Facts`] -> [`evaluate`] -> [`Decision`].
//!
//! Layout: [`json`] (a small position-tracking JSON reader), [`parser`] (grammar,
//! per-kind validation, compilation), [`matching`] (wildcards for actions, resources,
//! `...Like`), [`variables`] (policy variables), [`conditions`] (every condition operator),
//! [`eval`] (the decision order). The semantics are written down as numbered rules in
//! `stdlib/src/policy/RULES.md` (P = parsing, M = matching, V = variables, C = conditions,
//! E = evaluation); the tests cite them by number and quote the AWS sentence they check.
//!
//! Design decisions:
//! - patterns are compiled at parse time (actions lowercased once, resources split by ARN
//!   segment only when a wildcard makes it necessary, condition values pre-parsed), so a
//!   decision does no parsing of the policy and allocates only to report results or to
//!   resolve a policy variable;
//! - a [`Policy`] keeps the text it was given: positions in [`MatchedStatement`] refer to it
//!   and saved worlds store it (re-parsed on load);
//! - statements compare by content, documents by (kind, text);
//! - the engine never panics on any input (the parser is fuzzed: `fuzz/`).
//!
//! Simplified, on purpose: `CanonicalUser` principals parse but never match (principals here
//! have no canonical id); IAM's check that named principals exist is the caller's (it knows
//! the world); variables substitute only single-valued keys; `Id` is accepted in every kind
//! (the grammar page says identity policies must not have one; IAM accepts it); SCPs and
//! RCPs get the full statement grammar (conditions, `NotAction`, `NotResource`); action
//! names and services are not checked against a catalogue (IAM does not either), nor trust
//! policy actions restricted to `sts:*`.

pub mod conditions;
pub mod eval;
pub mod json;
pub mod matching;
pub mod parser;
pub mod variables;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// What a policy document is attached to; it decides which elements are required/allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyKind {
    /// Inline or managed identity-based policy (no Principal/NotPrincipal).
    Identity,
    /// A permissions boundary (validated like an identity policy).
    Boundary,
    /// A session policy passed to AssumeRole (identity-style).
    Session,
    /// A resource-based policy: bucket policy, key policy, access point policy, ...
    /// (Principal or NotPrincipal required).
    Resource,
    /// A role trust policy (AssumeRolePolicyDocument): resource-style; NotPrincipal not allowed.
    Trust,
    /// An Organizations service control policy (no Principal; Allow statements may not
    /// have conditions in the classic SCP grammar is NOT enforced — AWS now allows them).
    ServiceControl,
    /// An Organizations resource control policy.
    ResourceControl,
}

/// Why a document is not a valid policy: AWS's MalformedPolicyDocument, with where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyError {
    /// One line: what is wrong, user input in backticks.
    pub message: String,
    /// JSON path of the offending element, e.g. `Statement[1].Effect` (empty for the root).
    pub path: String,
    /// 1-based line and column in the source text (0 when built from a map).
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{} (at {}, line {}, column {})", self.message, if self.path.is_empty() { "the document" } else { &self.path }, self.line, self.column)
        } else if !self.path.is_empty() {
            write!(f, "{} (at {})", self.message, self.path)
        } else {
            f.write_str(&self.message)
        }
    }
}

pub use conditions::{Condition, Operator, OperatorSpec, SetQualifier};
pub use parser::{Document, Effect, Patterns, Principals, Statement, Version, max_size, policy_size};

/// A parsed, validated, pre-compiled policy. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Policy {
    inner: Arc<PolicyInner>,
}

#[derive(Debug)]
struct PolicyInner {
    text: String,
    kind: PolicyKind,
    json: serde_json::Value,
    doc: Document,
}

/// Two policies are equal when they are the same kind and the same text.
impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.inner.kind == other.inner.kind && self.inner.text == other.inner.text
    }
}

impl Policy {
    /// Parses JSON text (as pasted from AWS's docs) and validates it for `kind`.
    pub fn parse(text: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
        let (doc, json) = parser::parse(text, kind)?;
        Ok(Policy { inner: Arc::new(PolicyInner { text: text.to_string(), kind, json, doc }) })
    }
    /// Builds from a JSON value (a Rhai map converted to JSON); its text is the pretty JSON.
    pub fn from_value(v: &serde_json::Value, kind: PolicyKind) -> Result<Policy, PolicyError> {
        let text = serde_json::to_string_pretty(v).map_err(|e| PolicyError { message: format!("Syntax errors in policy. {e}."), path: String::new(), line: 0, column: 0 })?;
        Policy::parse(&text, kind)
    }
    /// The document exactly as given (positions in [`MatchedStatement`] refer to it).
    pub fn text(&self) -> &str {
        &self.inner.text
    }
    pub fn kind(&self) -> PolicyKind {
        self.inner.kind
    }
    /// The document as JSON, members in document order.
    pub fn to_json(&self) -> serde_json::Value {
        self.inner.json.clone()
    }
    /// The parsed document.
    pub fn document(&self) -> &Document {
        &self.inner.doc
    }
    /// The statements, in document order.
    pub fn statements(&self) -> &[Statement] {
        &self.inner.doc.statements
    }
    pub fn version(&self) -> Version {
        self.inner.doc.version
    }
    /// The `Id` element.
    pub fn id(&self) -> Option<&str> {
        self.inner.doc.id.as_deref()
    }
    /// Every context key the document's conditions and variables read, sorted and
    /// deduplicated ignoring case (IAM's `GetContextKeysForCustomPolicy`).
    pub fn context_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for st in self.statements() {
            for c in &st.conditions {
                keys.extend(c.keys().into_iter().map(str::to_string));
            }
            if let Some(r) = &st.resource {
                for v in &r.values {
                    if self.version() == Version::V2012_10_17 && let Some(t) = variables::template(v) {
                        keys.extend(t.keys().map(str::to_string));
                    }
                }
            }
        }
        keys.sort_by_key(|k| k.to_ascii_lowercase());
        keys.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        keys
    }
    /// The size IAM's quotas count: characters excluding white space.
    pub fn size(&self) -> usize {
        policy_size(&self.inner.text)
    }
}

/// Policies serialize as their original text and re-parse on load.
impl Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.kind(), self.text()).serialize(s)
    }
}
impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (kind, text) = <(PolicyKind, String)>::deserialize(d)?;
        Policy::parse(&text, kind).map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

/// The type of a context value, as in the simulator's `ContextKeyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueType {
    String,
    Numeric,
    Boolean,
    Date,
    Ip,
    Binary,
    Arn,
}

/// A request-context value: one or more values of a type (`multi` for `...List` keys such as
/// `aws:TagKeys`, which only `ForAllValues`/`ForAnyValue` treat as sets).
///
/// Every request builds a few of these, most with one value and many with a fixed one
/// (`SYMMETRIC_DEFAULT`, `true`): one value sits inline, and a `&'static str` is not copied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContextValue {
    pub ty: ValueType,
    pub values: ContextValues,
    pub multi: bool,
}

/// The values of a [`ContextValue`].
pub type ContextValues = smallvec::SmallVec<[Cow<'static, str>; 1]>;

impl ContextValue {
    pub fn string(v: impl Into<Cow<'static, str>>) -> Self {
        ContextValue::typed(ValueType::String, v)
    }
    pub fn typed(ty: ValueType, v: impl Into<Cow<'static, str>>) -> Self {
        ContextValue { ty, values: smallvec::smallvec![v.into()], multi: false }
    }
    pub fn list<V: Into<Cow<'static, str>>>(ty: ValueType, vs: impl IntoIterator<Item = V>) -> Self {
        ContextValue { ty, values: vs.into_iter().map(Into::into).collect(), multi: true }
    }
    pub fn bool(b: bool) -> Self {
        ContextValue::typed(ValueType::Boolean, if b { "true" } else { "false" })
    }
}

/// The request context: condition keys (names compared case-insensitively) and their values.
///
/// A context may sit on a shared `base` (the world keeps the global keys of a caller — time,
/// source IP, principal — in one `Arc` and layers each operation's own keys on top), so a
/// request does not rebuild the dozen global keys every call. Keys set on the context shadow
/// the base's; `remove` hides a base key too.
///
/// A request has a few keys of its own, most with fixed names (`kms:KeySpec`), so they sit in
/// a vector searched ignoring case, and a `&'static str` name is kept without copying it.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// (key as spelled, value); `None` hides a base key.
    keys: Vec<(Cow<'static, str>, Option<ContextValue>)>,
    base: Option<Arc<Context>>,
}

impl Context {
    pub fn new() -> Self {
        Context::default()
    }
    /// An empty context layered on `base`.
    pub fn with_base(base: Arc<Context>) -> Self {
        Context { keys: Vec::new(), base: Some(base) }
    }
    /// Puts this context's keys on top of `base` (replacing any earlier base).
    pub fn set_base(&mut self, base: Arc<Context>) {
        self.base = Some(base);
    }
    fn slot(&mut self, key: Cow<'static, str>, v: Option<ContextValue>) {
        if self.keys.capacity() == 0 {
            // Room for a request's usual keys at once, rather than growing 4, 8, 16.
            self.keys.reserve(12);
        }
        match self.keys.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            Some(slot) => *slot = (key, v),
            None => self.keys.push((key, v)),
        }
    }
    /// Sets `key` (e.g. `aws:SourceIp`, `kms:EncryptionContext:purpose`); replaces any value.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, v: ContextValue) {
        self.slot(key.into(), Some(v));
    }
    /// The value of `key`, compared ignoring case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        match self.keys.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, v)) => v.as_ref(),
            None => self.base.as_ref()?.get(key),
        }
    }
    /// Removes `key`; returns whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        let present = self.get(key).is_some();
        if self.base.as_ref().is_some_and(|b| b.get(key).is_some()) {
            self.slot(Cow::Owned(key.to_string()), None);
        } else {
            self.keys.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        }
        present
    }
    pub fn len(&self) -> usize {
        self.iter().count()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Keys with their original spelling, in lower-cased key order (base keys included
    /// unless shadowed).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.flat().into_iter().map(|(_, (k, v))| (k, v))
    }

    fn flat(&self) -> BTreeMap<String, (&str, &ContextValue)> {
        let mut out = match &self.base {
            Some(b) => b.flat(),
            None => BTreeMap::new(),
        };
        for (key, v) in &self.keys {
            match v {
                Some(v) => {
                    out.insert(key.to_ascii_lowercase(), (key.as_ref(), v));
                }
                None => {
                    out.remove(&key.to_ascii_lowercase());
                }
            }
        }
        out
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Self) -> bool {
        self.flat() == other.flat()
    }
}

/// A context serializes as its flattened keys (original spellings) and values.
impl Serialize for Context {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let flat = self.flat();
        let mut m = s.serialize_map(Some(flat.len()))?;
        for (_, (k, v)) in flat {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = BTreeMap::<String, ContextValue>::deserialize(d)?;
        let mut c = Context::new();
        for (k, v) in m {
            c.insert(k, v);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod context_tests {
    use super::*;

    #[test]
    fn layers_shadow_and_hide_base_keys() {
        let mut base = Context::new();
        base.insert("aws:SourceIp", ContextValue::string("10.0.0.1"));
        base.insert("aws:username", ContextValue::string("alice"));
        let base = Arc::new(base);
        let mut c = Context::with_base(base.clone());
        c.insert("AWS:SourceIP", ContextValue::string("10.0.0.2"));
        c.insert("s3:prefix", ContextValue::string("home/"));
        assert_eq!(c.get("aws:sourceip").unwrap().values[..], ["10.0.0.2"]);
        assert_eq!(base.get("aws:sourceip").unwrap().values[..], ["10.0.0.1"], "the base is not changed");
        assert_eq!(c.get("aws:username").unwrap().values[..], ["alice"]);
        assert!(c.remove("aws:username"));
        assert!(c.get("aws:username").is_none());
        assert_eq!(c.len(), 2);
        let keys: Vec<&str> = c.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["AWS:SourceIP", "s3:prefix"]);
        let json = serde_json::to_string(&c).unwrap();
        let back: Context = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }
}

/// What kind of principal is asking: it changes how resource-policy allows combine with
/// implicit denies elsewhere (see the evaluation rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalKind {
    Root,
    User,
    /// An assumed-role session.
    RoleSession,
    /// A federated user session (GetFederationToken).
    FederatedUser,
    /// A web-identity / SAML caller before it has a session (AssumeRoleWithWebIdentity's trust check).
    FederatedIdentity,
    Service,
    Anonymous,
}

/// The principal as the policy language sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrincipalInfo {
    pub kind: PrincipalKind,
    /// The principal's ARN (`arn:aws:sts::...:assumed-role/r/s` for sessions); empty for
    /// anonymous and service callers.
    pub arn: String,
    /// For role sessions: the role's ARN (a resource policy naming the role matches its
    /// sessions). For federated-user sessions: the ARN of the IAM user who federated (a
    /// resource policy naming that user is limited like one naming a role, rule M6).
    pub role_arn: Option<String>,
    /// The 12-digit account (empty for anonymous/service).
    pub account: String,
    /// Service principal name (`s3.amazonaws.com`) for `Service`.
    pub service: Option<String>,
    /// Identity provider (`arn:aws:iam::...:oidc-provider/...` or `cognito-identity.amazonaws.com`) for `FederatedIdentity`.
    pub federated: Option<String>,
}

/// Which kind of policy a statement came from, in the simulator's words
/// (`SourcePolicyType`: user | group | role | aws-managed | user-managed | resource | none)
/// extended with the policy types the AccessDenied message names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceType {
    /// Inline policy of a user.
    User,
    /// Inline policy of a group.
    Group,
    /// Inline policy of a role.
    Role,
    AwsManaged,
    UserManaged,
    Resource,
    PermissionsBoundary,
    ServiceControl,
    ResourceControl,
    Session,
    /// Policies supplied to simulate_custom_policy.
    None,
}

/// One policy document in play, named the way the simulator names it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub policy: &'a Policy,
    /// `SourcePolicyId`: the policy name, managed policy ARN, `PolicyInputList.1`, ...
    pub id: &'a str,
    pub ty: SourceType,
}

/// All policies that apply to one request.
#[derive(Clone, Debug, Default)]
pub struct Sources<'a> {
    /// Identity-based policies of the principal (a user's own, its groups', a role's).
    pub identity: Vec<Source<'a>>,
    /// The resource's policy (bucket policy, key policy, trust policy...), if any.
    pub resource: Option<Source<'a>>,
    /// The principal's permissions boundary, if any.
    pub boundary: Option<Source<'a>>,
    /// Session policies, when the principal is a session created with them.
    pub session: Vec<Source<'a>>,
    /// SCPs, one inner Vec per level from the organization root down to the account: every
    /// level must allow. Empty when the account is in no organization or is the management account.
    pub scps: Vec<Vec<Source<'a>>>,
    /// RCPs likewise (they never grant; only their denies and missing allows matter).
    pub rcps: Vec<Vec<Source<'a>>>,
}

/// Facts about the request the evaluation logic needs beyond the policies.
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    /// The resource is owned by the principal's account.
    pub same_account: bool,
    /// The resource policy must grant explicitly and only counts IAM policies when it trusts
    /// the account (KMS key policies, role trust policies).
    pub resource_policy_must_grant: bool,
}

/// The simulator's `EvalDecision`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EvalDecision {
    #[serde(rename = "allowed")]
    Allowed,
    #[serde(rename = "explicitDeny")]
    ExplicitDeny,
    #[serde(rename = "implicitDeny")]
    ImplicitDeny,
}

impl EvalDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalDecision::Allowed => "allowed",
            EvalDecision::ExplicitDeny => "explicitDeny",
            EvalDecision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// The policy type that decided a denial, as AccessDenied messages name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyType {
    IdentityBased,
    ResourceBased,
    PermissionsBoundary,
    ServiceControlPolicy,
    ResourceControlPolicy,
    SessionPolicy,
}

impl PolicyType {
    /// `identity-based`, `resource-based`, `permissions boundary`, `service control`,
    /// `resource control`, `session` — the words of AWS's AccessDenied message.
    pub fn words(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity-based",
            PolicyType::ResourceBased => "resource-based",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::ServiceControlPolicy => "service control",
            PolicyType::ResourceControlPolicy => "resource control",
            PolicyType::SessionPolicy => "session",
        }
    }
}

/// A statement that matched the request, with where it is in its document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatchedStatement {
    pub source_policy_id: String,
    pub source_policy_type: SourceType,
    pub sid: Option<Arc<str>>,
    /// `Allow` or `Deny`.
    pub effect: Cow<'static, str>,
    /// 0-based index in the policy's Statement list.
    pub index: usize,
    /// 1-based (line, column) of the statement's start and end in the policy text.
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// The decision and its reasons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub decision: EvalDecision,
    /// For denials: the policy type AWS's message names (the explicit deny's source, or the
    /// type that failed to allow). `None` when allowed.
    pub denied_by: Option<PolicyType>,
    /// Statements that decided: the explicit denies when denied explicitly, the allows that
    /// granted when allowed, empty for implicit denies.
    pub matched: Vec<MatchedStatement>,
    /// Context keys that conditions referenced but the request lacked.
    pub missing_context: Vec<String>,
    pub allowed_by_organizations: bool,
    pub allowed_by_boundary: bool,
}

/// Decides one request: AWS's documented evaluation order, rules E1–E13 of `RULES.md`.
pub fn evaluate(principal: &PrincipalInfo, action: &str, resource: &str, ctx: &Context, sources: &Sources<'_>, facts: Facts) -> Decision {
    eval::evaluate(principal, action, resource, ctx, sources, facts)
}

impl fmt::Display for MatchedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}[{}]", self.effect, self.source_policy_id, self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        write!(f, " at line {}", self.start.0)
    }
}

/// `allowed`, `implicitDeny (no identity-based policy allows)`, or
/// `explicitDeny (identity-based: Deny policy1[2] (DenyS3Logs) at line 24)`.
impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.decision.as_str())?;
        match (self.decision, self.denied_by) {
            (EvalDecision::ExplicitDeny, Some(t)) => {
                write!(f, " ({}:", t.words())?;
                for (i, m) in self.matched.iter().enumerate() {
                    write!(f, "{} {m}", if i > 0 { ";" } else { "" })?;
                }
                f.write_str(")")
            }
            (EvalDecision::ImplicitDeny, Some(t)) => write!(f, " (no {} policy allows)", t.words()),
            _ => Ok(()),
        }
    }
}
