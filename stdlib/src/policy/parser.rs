//! Policy documents: the grammar of `reference_policies_grammar`, validated per
//! [`PolicyKind`] (rules P1–P16 in `RULES.md`), compiled for evaluation.
//!
//! The parser works on the positioned tree of [`super::json`], so every [`PolicyError`]
//! names the JSON path of the offending element (`Statement[1].Effect`) and its line and
//! column, and every [`Statement`] knows where it starts and ends (the simulator's
//! `StartPosition` / `EndPosition`). Messages reuse IAM's own `MalformedPolicyDocument`
//! texts where they are known ("Policy statement must contain actions.", "Missing required
//! field Principal", "The policy failed legacy parsing", ...), with the offending input in
//! backticks.

use std::fmt;

use super::conditions::Condition;
use super::json::{self, Json, Member, Node, Pos};
use super::matching::{ArnGlob, Glob};
use super::variables::{Template, template};
use super::{PolicyError, PolicyKind};

/// The policy language version (`Version` element).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2008-10-17`, also what a document without `Version` gets: policy variables are literal text.
    V2008_10_17,
    /// `2012-10-17`: policy variables.
    V2012_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2008_10_17 => "2008-10-17",
            Version::V2012_10_17 => "2012-10-17",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource` values as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patterns {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    pub values: Vec<String>,
}

/// `Principal` / `NotPrincipal` as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Principals {
    /// `NotPrincipal`.
    pub negated: bool,
    /// `"Principal": "*"`.
    pub wildcard: bool,
    pub aws: Vec<String>,
    pub service: Vec<String>,
    pub federated: Vec<String>,
    pub canonical_user: Vec<String>,
}

/// A principal named in an `AWS` entry, compiled (rule M5).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AwsPrincipal {
    /// `"*"`: everyone, anonymous included.
    Anyone,
    /// A 12-digit account id or `arn:aws:iam::ID:root`: the account.
    Account(Box<str>),
    /// A user, role, assumed-role session or federated-user session ARN.
    Arn(Box<str>),
    /// An IAM unique id (`AIDA...`, `AROA...`): what IAM leaves in a policy when the named
    /// entity was deleted. It matches nobody here.
    UniqueId,
}

/// A resource pattern, compiled (rules M2–M4, V6).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ResourcePattern {
    /// No wildcard in the first five segments: one glob over the whole string is exact.
    Whole(Glob),
    Segments(ArnGlob),
    /// With policy variables in the resource part (2012-10-17 only): the first five
    /// segments compiled, the resource part resolved per decision.
    Template { head: Box<[Glob]>, tail: Template },
}

/// One statement, as written plus compiled matchers.
#[derive(Clone, Debug)]
pub struct Statement {
    /// 0-based position in the Statement list.
    pub index: usize,
    /// Shared with the statements it matches (`MatchedStatement`).
    pub sid: Option<std::sync::Arc<str>>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub action: Patterns,
    /// `None` only in role trust policies, which have no Resource element.
    pub resource: Option<Patterns>,
    pub conditions: Vec<Condition>,
    /// 1-based (line, column) of the statement's `{` and `}`.
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub(crate) actions: Box<[Glob]>,
    pub(crate) resources: Box<[ResourcePattern]>,
    pub(crate) aws_principals: Box<[AwsPrincipal]>,
}

/// Statements compare by content, not by position.
impl PartialEq for Statement {
    fn eq(&self, o: &Self) -> bool {
        self.index == o.index
            && self.sid == o.sid
            && self.effect == o.effect
            && self.principal == o.principal
            && self.action == o.action
            && self.resource == o.resource
            && self.conditions == o.conditions
    }
}

/// A whole parsed document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

/// The largest document each kind can be (non-whitespace characters), from the quotas:
/// inline role policies 10,240 (identity), managed policies 6,144 (boundaries), session
/// policies 2,048, trust policies 4,096 (the raised maximum), SCPs/RCPs 5,120, and key
/// policies 32 KB (the largest resource policy). Callers check the exact per-entity quota.
pub fn max_size(kind: PolicyKind) -> usize {
    match kind {
        PolicyKind::Identity => 10_240,
        PolicyKind::Boundary => 6_144,
        PolicyKind::Session => 2_048,
        PolicyKind::Trust => 4_096,
        PolicyKind::ServiceControl | PolicyKind::ResourceControl => 5_120,
        PolicyKind::Resource => 32_768,
    }
}

/// Size as IAM counts it: characters, not counting white space.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

const PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

fn err(message: impl Into<String>, path: &str, pos: Pos) -> PolicyError {
    PolicyError { message: message.into(), path: path.to_string(), line: pos.line, column: pos.column }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Parses and validates a document for `kind`.
pub fn parse(text: &str, kind: PolicyKind) -> Result<(Document, serde_json::Value), PolicyError> {
    check_characters(text)?;
    let size = policy_size(text);
    if size > max_size(kind) {
        return Err(err(
            format!("Cannot exceed quota for PolicySize: {} (the document has {size} characters, not counting white space)", max_size(kind)),
            "",
            Pos { line: 1, column: 1 },
        ));
    }
    let root = json::parse(text).map_err(|e| err(format!("Syntax errors in policy. {}.", e.message), "", e.pos))?;
    check_decoded(&root)?;
    let doc = document(&root, kind)?;
    Ok((doc, root.value.to_value()))
}

/// P2: IAM accepts only tab, line feed, carriage return and U+0020–U+00FF.
fn check_characters(text: &str) -> Result<(), PolicyError> {
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        if !allowed_char(c) {
            return Err(err(bad_char_message(c, false), "", Pos { line, column }));
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    Ok(())
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

fn bad_char_message(c: char, escaped: bool) -> String {
    format!(
        "Invalid character `{}` (U+{:04X}){}: policy documents may contain only tab, line feed, carriage return and U+0020 to U+00FF",
        c.escape_debug(),
        c as u32,
        if escaped { " from a `\\u` escape" } else { "" }
    )
}

/// P2, after decoding: a `\u` escape may not smuggle in what the text may not contain.
fn check_decoded(node: &Node) -> Result<(), PolicyError> {
    let check = |s: &str, pos: Pos| match s.chars().find(|c| !allowed_char(*c)) {
        Some(c) => Err(err(bad_char_message(c, true), "", pos)),
        None => Ok(()),
    };
    match &node.value {
        Json::String(s) => check(s, node.start),
        Json::Array(items) => items.iter().try_for_each(check_decoded),
        Json::Object(members) => members.iter().try_for_each(|m| {
            check(&m.key, m.key_pos)?;
            check_decoded(&m.value)
        }),
        _ => Ok(()),
    }
}

/// P3: duplicate keys in one object are an error.
fn no_duplicates(members: &[Member], path: &str) -> Result<(), PolicyError> {
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|o| o.key == m.key) {
            return Err(err(format!("Duplicate field `{}`: an element may not contain the same key twice", m.key), &join(path, &m.key), m.key_pos));
        }
    }
    Ok(())
}

fn get<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.key == key)
}

fn as_object<'a>(node: &'a Node, path: &str, what: &str) -> Result<&'a [Member], PolicyError> {
    match &node.value {
        Json::Object(m) => Ok(m),
        other => Err(err(format!("Syntax errors in policy. {what} must be an object, not {}.", other.type_name()), path, node.start)),
    }
}

fn as_string<'a>(node: &'a Node, path: &str, what: &str) -> Result<&'a str, PolicyError> {
    match &node.value {
        Json::String(s) => Ok(s),
        other => Err(err(format!("Syntax errors in policy. `{what}` must be a string, not {}.", other.type_name()), path, node.start)),
    }
}

/// A string or a list of strings (the grammar's `[...]` whose brackets are optional for one
/// value), each with its position and path.
fn string_list(node: &Node, path: &str, what: &str) -> Result<Vec<(String, Pos, String)>, PolicyError> {
    match &node.value {
        Json::String(s) => Ok(vec![(s.clone(), node.start, path.to_string())]),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let p = format!("{path}[{i}]");
                as_string(n, &p, what).map(|s| (s.to_string(), n.start, p))
            })
            .collect(),
        other => Err(err(format!("Syntax errors in policy. `{what}` must be a string or a list of strings, not {}.", other.type_name()), path, node.start)),
    }
}

fn document(root: &Node, kind: PolicyKind) -> Result<Document, PolicyError> {
    let members = as_object(root, "", "The policy document")?;
    no_duplicates(members, "")?;
    for m in members {
        if !matches!(m.key.as_str(), "Version" | "Id" | "Statement") {
            return Err(err(format!("Unknown field `{}`", m.key), &m.key, m.key_pos));
        }
    }
    let version = match get(members, "Version") {
        None => Version::V2008_10_17,
        Some(m) => match as_string(&m.value, "Version", "Version")? {
            "2012-10-17" => Version::V2012_10_17,
            "2008-10-17" => Version::V2008_10_17,
            other => {
                return Err(err(format!("The policy failed legacy parsing (Version `{other}` is not \"2012-10-17\" or \"2008-10-17\")"), "Version", m.value.start));
            }
        },
    };
    let id = match get(members, "Id") {
        Some(m) => Some(as_string(&m.value, "Id", "Id")?.to_string()),
        None => None,
    };
    let Some(st) = get(members, "Statement") else {
        return Err(err("Missing required field Statement", "", root.start));
    };
    let variables = version == Version::V2012_10_17;
    let statements = match &st.value.value {
        Json::Object(_) => vec![statement(&st.value, "Statement", 0, kind, variables)?],
        Json::Array(items) if items.is_empty() => return Err(err("Missing required field Statement (the list is empty)", "Statement", st.value.start)),
        Json::Array(items) => items.iter().enumerate().map(|(i, n)| statement(n, &format!("Statement[{i}]"), i, kind, variables)).collect::<Result<Vec<_>, _>>()?,
        other => return Err(err(format!("Syntax errors in policy. `Statement` must be an object or a list of objects, not {}.", other.type_name()), "Statement", st.value.start)),
    };
    // P6: Sids unique within the document.
    for (i, s) in statements.iter().enumerate() {
        if let Some(sid) = s.sid.as_deref().filter(|s| !s.is_empty())
            && statements[..i].iter().any(|o| o.sid.as_deref() == Some(sid))
        {
            let path = if matches!(st.value.value, Json::Array(_)) { format!("Statement[{i}].Sid") } else { "Statement.Sid".into() };
            return Err(err("Statement IDs (SID) in a single policy must be unique.", &path, Pos { line: s.start.0, column: s.start.1 }));
        }
    }
    Ok(Document { version, id, statements })
}

const STATEMENT_KEYS: &[&str] = &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

fn statement(node: &Node, path: &str, index: usize, kind: PolicyKind, variables: bool) -> Result<Statement, PolicyError> {
    let members = as_object(node, path, "A statement")?;
    no_duplicates(members, path)?;
    if let Some(m) = members.iter().find(|m| !STATEMENT_KEYS.contains(&m.key.as_str())) {
        return Err(err(format!("Unknown field `{}`", m.key), &join(path, &m.key), m.key_pos));
    }
    let field = |k: &str| get(members, k);
    let either = |a: &str, b: &str| -> Result<Option<(&Member, bool)>, PolicyError> {
        match (field(a), field(b)) {
            (Some(_), Some(m)) => Err(err(format!("A statement may contain `{a}` or `{b}`, not both"), &join(path, b), m.key_pos)),
            (Some(m), None) => Ok(Some((m, false))),
            (None, Some(m)) => Ok(Some((m, true))),
            (None, None) => Ok(None),
        }
    };

    // P5: Sid.
    let sid = match field("Sid") {
        Some(m) => {
            let s = as_string(&m.value, &join(path, "Sid"), "Sid")?;
            if kind != PolicyKind::Resource && !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(err(
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
                    &join(path, "Sid"),
                    m.value.start,
                ));
            }
            Some(s.to_string())
        }
        None => None,
    };

    // P7: Effect.
    let effect = match field("Effect") {
        None => return Err(err("Missing required field Effect", path, node.start)),
        Some(m) => match &m.value.value {
            Json::String(s) if s == "Allow" => Effect::Allow,
            Json::String(s) if s == "Deny" => Effect::Deny,
            Json::String(s) => {
                return Err(err(format!("The policy failed legacy parsing (Effect must be \"Allow\" or \"Deny\", not `{s}`)"), &join(path, "Effect"), m.value.start));
            }
            other => {
                return Err(err(format!("The policy failed legacy parsing (Effect must be \"Allow\" or \"Deny\", not {})", other.type_name()), &join(path, "Effect"), m.value.start));
            }
        },
    };

    // P8–P10: Principal / NotPrincipal by kind.
    let principal_field = either("Principal", "NotPrincipal")?;
    let identity_style = matches!(kind, PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::ServiceControl);
    let (principal, aws_principals) = match principal_field {
        Some((m, _)) if identity_style => {
            return Err(err("Policy document should not specify a principal.", &join(path, &m.key), m.key_pos));
        }
        Some((m, true)) if matches!(kind, PolicyKind::Trust | PolicyKind::ResourceControl) => {
            return Err(err("Has prohibited field NotPrincipal", &join(path, &m.key), m.key_pos));
        }
        Some((m, negated)) => {
            let (p, compiled) = principals(&m.value, &join(path, &m.key), negated)?;
            (Some(p), compiled)
        }
        None if matches!(kind, PolicyKind::Resource | PolicyKind::Trust) => {
            return Err(err("Missing required field Principal", path, node.start));
        }
        None => (None, Box::default()),
    };

    // P11: Action / NotAction.
    let Some((am, negated)) = either("Action", "NotAction")? else {
        return Err(err("Policy statement must contain actions.", path, node.start));
    };
    let apath = join(path, &am.key);
    let values = string_list(&am.value, &apath, &am.key)?;
    if values.is_empty() {
        return Err(err("Policy statement must contain actions.", &apath, am.value.start));
    }
    for (a, pos, p) in &values {
        check_action(a).map_err(|m| err(m, p, *pos))?;
    }
    let actions = values.iter().map(|(a, _, _)| Glob::new(a, true)).collect();
    let action = Patterns { negated, values: values.into_iter().map(|(a, _, _)| a).collect() };

    // P12: Resource / NotResource (trust policies have none).
    let (resource, resources) = match either("Resource", "NotResource")? {
        Some((m, _)) if kind == PolicyKind::Trust => {
            return Err(err(format!("Has prohibited field {}", m.key), &join(path, &m.key), m.key_pos));
        }
        None if kind == PolicyKind::Trust => (None, Box::default()),
        None => return Err(err("Policy statement must contain resources.", path, node.start)),
        Some((m, negated)) => {
            let rpath = join(path, &m.key);
            let values = string_list(&m.value, &rpath, &m.key)?;
            if values.is_empty() {
                return Err(err("Policy statement must contain resources.", &rpath, m.value.start));
            }
            let mut compiled = Vec::with_capacity(values.len());
            for (r, pos, p) in &values {
                compiled.push(resource_pattern(r, variables).map_err(|m| err(m, p, *pos))?);
            }
            (Some(Patterns { negated, values: values.into_iter().map(|(r, _, _)| r).collect() }), compiled.into_boxed_slice())
        }
    };

    // P13–P15: Condition.
    let conditions = match field("Condition") {
        Some(m) => conditions(&m.value, &join(path, "Condition"), variables)?,
        None => Vec::new(),
    };

    Ok(Statement {
        index,
        sid: sid.map(Into::into),
        effect,
        principal,
        action,
        resource,
        conditions,
        start: node.start.pair(),
        end: node.end.pair(),
        actions,
        resources,
        aws_principals,
    })
}

/// P11: `*`, or `service:action` with a vendor prefix and exactly one colon.
fn check_action(a: &str) -> Result<(), String> {
    if a == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = a.split_once(':') else {
        return Err(format!("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (`{a}`)"));
    };
    if name.contains(':') {
        return Err(format!("Actions/Condition can contain only one colon. (`{a}`)"));
    }
    if vendor.is_empty() || !vendor.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '?')) {
        return Err(format!("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (`{a}`)"));
    }
    if name.is_empty() || name.chars().any(|c| c.is_whitespace()) {
        return Err(format!("Action `{a}` must name an action after the vendor prefix"));
    }
    Ok(())
}

/// P12 and M2–M4: `*` or an ARN whose partition is known (or wildcarded) and whose service
/// is named without wildcards; variables only after the fifth colon (V6).
fn resource_pattern(r: &str, variables: bool) -> Result<ResourcePattern, String> {
    let bad = || format!("Resource `{r}` must be in ARN format or \"*\".");
    if r == "*" {
        return Ok(ResourcePattern::Whole(Glob::Any));
    }
    let segs: Vec<&str> = r.splitn(6, ':').collect();
    if segs[0] != "arn" || segs.len() < 3 {
        return Err(bad());
    }
    if segs.len() < 6 && !r.ends_with('*') {
        return Err(bad());
    }
    let (partition, service) = (segs[1], segs[2]);
    if service.is_empty() || service.contains(['*', '?']) {
        return Err(format!("Resource `{r}` must be in ARN format or \"*\". The service segment can't contain a wildcard."));
    }
    if partition.is_empty() {
        return Err(bad());
    }
    if !partition.contains(['*', '?']) && !PARTITIONS.contains(&partition) {
        return Err(format!("Partition \"{partition}\" is not valid for resource \"{r}\"."));
    }
    if service == "iam" && segs.get(3).is_some_and(|region| !region.is_empty() && !region.contains(['*', '?'])) {
        return Err(format!("IAM resource {r} cannot contain region information."));
    }
    if variables && segs.len() == 6 && let Some(tail) = template(segs[5]) {
        return Ok(ResourcePattern::Template { head: segs[..5].iter().map(|s| Glob::new(s, false)).collect(), tail });
    }
    let head_has_wildcards = segs[..segs.len().min(5)].iter().any(|s| s.contains(['*', '?']));
    Ok(if segs.len() == 6 && !head_has_wildcards || !r.contains(['*', '?']) {
        ResourcePattern::Whole(Glob::new(r, false))
    } else {
        ResourcePattern::Segments(ArnGlob::new(r))
    })
}

/// P9–P10: `"*"` or a map of `AWS`, `Service`, `Federated`, `CanonicalUser` to a string or
/// a list of strings.
fn principals(node: &Node, path: &str, negated: bool) -> Result<(Principals, Box<[AwsPrincipal]>), PolicyError> {
    let invalid = |what: &str, pos: Pos, p: &str| err(format!("Invalid principal in policy: `{what}`"), p, pos);
    let mut out = Principals { negated, ..Principals::default() };
    let mut compiled = Vec::new();
    let members = match &node.value {
        Json::String(s) if s == "*" => {
            out.wildcard = true;
            compiled.push(AwsPrincipal::Anyone);
            return Ok((out, compiled.into_boxed_slice()));
        }
        Json::String(s) => return Err(invalid(s, node.start, path)),
        Json::Object(m) => m,
        other => return Err(err(format!("Invalid principal in policy: a principal must be \"*\" or an object, not {}", other.type_name()), path, node.start)),
    };
    no_duplicates(members, path)?;
    if members.is_empty() {
        return Err(err("Invalid principal in policy: the principal map is empty", path, node.start));
    }
    for m in members {
        let mpath = join(path, &m.key);
        let values = string_list(&m.value, &mpath, &m.key)?;
        if values.is_empty() {
            return Err(err(format!("Invalid principal in policy: `{}` has no values", m.key), &mpath, m.value.start));
        }
        for (v, pos, p) in &values {
            match m.key.as_str() {
                "AWS" => compiled.push(aws_principal(v).ok_or_else(|| invalid(v, *pos, p))?),
                "Service" | "Federated" | "CanonicalUser" => {
                    if v.is_empty() || v.contains(['*', '?']) || v.chars().any(char::is_whitespace) {
                        return Err(invalid(v, *pos, p));
                    }
                }
                _ => return Err(err(format!("Invalid principal in policy: unknown principal type `{}` (use AWS, Service, Federated or CanonicalUser)", m.key), &mpath, m.key_pos)),
            }
        }
        let list: Vec<String> = values.into_iter().map(|(v, _, _)| v).collect();
        match m.key.as_str() {
            "AWS" => out.aws = list,
            "Service" => out.service = list,
            "Federated" => out.federated = list,
            _ => out.canonical_user = list,
        }
    }
    Ok((out, compiled.into_boxed_slice()))
}

/// M5: an `AWS` principal value: `*`, an account id, an account root ARN, or an IAM/STS
/// principal ARN (no partial wildcards: "You cannot use a wildcard to match part of a
/// principal name or ARN").
fn aws_principal(v: &str) -> Option<AwsPrincipal> {
    if v == "*" {
        return Some(AwsPrincipal::Anyone);
    }
    if v.contains(['*', '?']) {
        return None;
    }
    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(AwsPrincipal::Account(v.into()));
    }
    if v.len() >= 16 && v.starts_with('A') && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return Some(AwsPrincipal::UniqueId);
    }
    let parts: Vec<&str> = v.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else { return None };
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if *arn != "arn" || !PARTITIONS.contains(partition) || !region.is_empty() || !account_ok || resource.is_empty() {
        return None;
    }
    match (*service, *resource) {
        ("iam", "root") => Some(AwsPrincipal::Account((*account).into())),
        ("iam", r) if r.starts_with("user/") || r.starts_with("role/") => Some(AwsPrincipal::Arn(v.into())),
        ("sts", r) if r.starts_with("assumed-role/") || r.starts_with("federated-user/") => Some(AwsPrincipal::Arn(v.into())),
        _ => None,
    }
}

/// P13–P15: `{ operator: { key: value(s) } }`.
fn conditions(node: &Node, path: &str, variables: bool) -> Result<Vec<Condition>, PolicyError> {
    let ops = as_object(node, path, "Condition")?;
    no_duplicates(ops, path)?;
    let mut out = Vec::new();
    for op in ops {
        let opath = join(path, &op.key);
        let keys = as_object(&op.value, &opath, "A condition operator's value")?;
        no_duplicates(keys, &opath)?;
        for (i, k) in keys.iter().enumerate() {
            let kpath = join(&opath, &k.key);
            if keys[..i].iter().any(|o| o.key.eq_ignore_ascii_case(&k.key)) {
                return Err(err(format!("Duplicate condition key `{}`: condition key names are case-insensitive", k.key), &kpath, k.key_pos));
            }
            if !k.key.contains(':') || k.key.starts_with(':') {
                return Err(err(format!("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (`{}`)", k.key), &kpath, k.key_pos));
            }
            let values = condition_values(&k.value, &kpath)?;
            let c = Condition::new(&op.key, &k.key, values, variables).map_err(|m| {
                if m.starts_with("Invalid Condition type") { err(m, &opath, op.key_pos) } else { err(m, &kpath, k.value.start) }
            })?;
            out.push(c);
        }
    }
    Ok(out)
}

/// Condition values: strings, numbers or booleans, alone or in a non-empty list.
fn condition_values(node: &Node, path: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |n: &Node, p: &str| match &n.value {
        Json::String(s) => Ok(s.clone()),
        Json::Number(x) => Ok(x.clone()),
        Json::Bool(b) => Ok(b.to_string()),
        other => Err(err(format!("Syntax errors in policy. A condition value must be a string, number or boolean, not {}.", other.type_name()), p, n.start)),
    };
    match &node.value {
        Json::Array(items) if items.is_empty() => Err(err("Syntax errors in policy. A condition key needs at least one value.", path, node.start)),
        Json::Array(items) => items.iter().enumerate().map(|(i, n)| scalar(n, &format!("{path}[{i}]"))).collect(),
        _ => Ok(vec![scalar(node, path)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str, kind: PolicyKind) -> Document {
        parse(text, kind).unwrap_or_else(|e| panic!("{e}")).0
    }

    fn parse_err(text: &str, kind: PolicyKind) -> PolicyError {
        parse(text, kind).map(|_| ()).unwrap_err()
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

    #[test]
    fn parses_the_carlossalazar_policy_with_positions() {
        let d = parse_ok(CARLOS, PolicyKind::Identity);
        assert_eq!(d.version, Version::V2012_10_17);
        assert_eq!(d.statements.len(), 3);
        let s = &d.statements[2];
        assert_eq!((s.index, s.sid.as_deref(), s.effect), (2, Some("DenyS3Logs"), Effect::Deny));
        assert_eq!((d.statements[0].start, d.statements[0].end), ((4, 9), (14, 9)));
        assert_eq!((s.start, s.end), ((24, 9), (29, 9)));
        assert_eq!(d.statements[1].resource.as_ref().unwrap().values, ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]);
        assert_eq!(d.statements[0].action.values.len(), 4);
    }

    #[test]
    fn statement_may_be_a_single_object_and_version_may_be_missing_p4() {
        let d = parse_ok(r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#, PolicyKind::Identity);
        assert_eq!(d.version, Version::V2008_10_17);
        assert_eq!(d.statements.len(), 1);
    }

    #[test]
    fn errors_carry_path_and_position() {
        let e = parse_err("{\n \"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},\n  {\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}", PolicyKind::Identity);
        assert_eq!(e.path, "Statement[1].Effect");
        assert_eq!((e.line, e.column), (4, 14));
        assert!(e.message.starts_with("The policy failed legacy parsing"), "{}", e.message);
        assert!(e.message.contains("`allow`"));
    }

    fn stmt(body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{{body}}}]}}"#)
    }

    #[test]
    fn aws_messages_for_malformed_documents() {
        use PolicyKind::*;
        let cases: &[(PolicyKind, String, &str, &str)] = &[
            (Identity, "{\"Version\": \"2012-10-17\"}".into(), "Missing required field Statement", ""),
            (Identity, "[1]".into(), "Syntax errors in policy.", ""),
            (Identity, "{\"Statement\": []}".into(), "Missing required field Statement", "Statement"),
            (Identity, "{\"Version\": \"2012-10-18\", \"Statement\": []}".into(), "The policy failed legacy parsing", "Version"),
            (Identity, "{\"Statements\": []}".into(), "Unknown field `Statements`", "Statements"),
            (Identity, "{\"Statement\": [], \"Statement\": []}".into(), "Duplicate field `Statement`", "Statement"),
            (Identity, "{\"Version\": \"2012-10-17\",}".into(), "Syntax errors in policy.", ""),
            (Identity, stmt(r#""Action": "s3:*", "Resource": "*""#), "Missing required field Effect", "Statement[0]"),
            (Identity, stmt(r#""Effect": "Allow", "Resource": "*""#), "Policy statement must contain actions.", "Statement[0]"),
            (Identity, stmt(r#""Effect": "Allow", "Action": [], "Resource": "*""#), "Policy statement must contain actions.", "Statement[0].Action"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*""#), "Policy statement must contain resources.", "Statement[0]"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "NotAction": "s3:x", "Resource": "*""#), "not both", "Statement[0].NotAction"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Effect": "Deny""#), "Duplicate field `Effect`", "Statement[0].Effect"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Resources": "*""#), "Unknown field `Resources`", "Statement[0].Resources"),
            (Identity, stmt(r#""Effect": "Permit", "Action": "s3:*", "Resource": "*""#), "The policy failed legacy parsing", "Statement[0].Effect"),
            (Identity, stmt(r#""Effect": "Allow", "Action": 5, "Resource": "*""#), "must be a string or a list of strings, not a number", "Statement[0].Action"),
            (Identity, stmt(r#""Effect": "Allow", "Action": ["s3:*", 1], "Resource": "*""#), "must be a string, not a number", "Statement[0].Action[1]"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "GetObject", "Resource": "*""#), "Actions/Conditions must be prefaced by a vendor", "Statement[0].Action"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*""#), "Actions/Condition can contain only one colon.", "Statement[0].Action"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "bucket""#), "Resource `bucket` must be in ARN format or \"*\".", "Statement[0].Resource"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": ["*", "arn:aws:*:::b"]"#), "The service segment can't contain a wildcard.", "Statement[0].Resource[1]"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws1:s3:::b""#), "Partition \"aws1\" is not valid", "Statement[0].Resource"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam:us-east-1:111122223333:user/x""#), "cannot contain region information", "Statement[0].Resource"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3""#), "must be in ARN format", "Statement[0].Resource"),
            (Identity, stmt(r#""Sid": "my-sid", "Effect": "Allow", "Action": "s3:*", "Resource": "*""#), "Statement IDs (SID) must be alpha-numeric.", "Statement[0].Sid"),
            (Identity, stmt(r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#), "Policy document should not specify a principal.", "Statement[0].Principal"),
            (Boundary, stmt(r#""Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*""#), "Policy document should not specify a principal.", "Statement[0].NotPrincipal"),
            (Resource, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*""#), "Missing required field Principal", "Statement[0]"),
            (Trust, stmt(r#""Effect": "Allow", "Action": "sts:AssumeRole""#), "Missing required field Principal", "Statement[0]"),
            (Trust, stmt(r#""Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole""#), "Has prohibited field NotPrincipal", "Statement[0].NotPrincipal"),
            (Trust, stmt(r#""Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole", "Resource": "*""#), "Has prohibited field Resource", "Statement[0].Resource"),
            (Resource, stmt(r#""Effect": "Allow", "Principal": "bob", "Action": "s3:*", "Resource": "*""#), "Invalid principal in policy", "Statement[0].Principal"),
            (Resource, stmt(r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}, "Action": "s3:*", "Resource": "*""#), "Invalid principal in policy", "Statement[0].Principal.AWS"),
            (Resource, stmt(r#""Effect": "Allow", "Principal": {"AWS": ["111122223333", "1234"]}, "Action": "s3:*", "Resource": "*""#), "Invalid principal in policy: `1234`", "Statement[0].Principal.AWS[1]"),
            (Resource, stmt(r#""Effect": "Allow", "Principal": {"Group": "x"}, "Action": "s3:*", "Resource": "*""#), "unknown principal type `Group`", "Statement[0].Principal.Group"),
            (Resource, stmt(r#""Effect": "Allow", "Principal": {"Service": "*"}, "Action": "s3:*", "Resource": "*""#), "Invalid principal in policy", "Statement[0].Principal.Service"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquls": {"aws:username": "x"}}"#), "Invalid Condition type : `StringEquls`.", "Statement[0].Condition.StringEquls"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"username": "x"}}"#), "must be prefaced by a vendor", "Statement[0].Condition.StringEquals.username"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:a": "x", "AWS:A": "y"}}"#), "Duplicate condition key `AWS:A`", "Statement[0].Condition.StringEquals.AWS:A"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:a": []}}"#), "at least one value", "Statement[0].Condition.StringEquals.aws:a"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:a": {"b": "c"}}}"#), "not an object", "Statement[0].Condition.StringEquals.aws:a"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}"#), "expected a number", "Statement[0].Condition.NumericLessThan.s3:max-keys"),
            (Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": "x""#), "Condition must be an object", "Statement[0].Condition"),
        ];
        for (kind, text, msg, path) in cases {
            let e = parse_err(text, *kind);
            assert!(e.message.contains(msg), "{text}: got {e}");
            assert_eq!(&e.path, path, "{text}: {e}");
            assert!(e.line >= 1 && e.column >= 1, "{text}: {e}");
        }
    }

    #[test]
    fn duplicate_sids_and_invalid_characters_p2_p6() {
        let text = r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#;
        let e = parse_err(text, PolicyKind::Identity);
        assert_eq!(e.message, "Statement IDs (SID) in a single policy must be unique.");
        assert_eq!(e.path, "Statement[1].Sid");
        // "policy documents limited to U+0009, U+000A, U+000D, U+0020–U+00FF"
        let e = parse_err("{\n  \"Statement\": \"✓\"}", PolicyKind::Identity);
        assert_eq!((e.line, e.column), (2, 17));
        assert!(e.message.contains("U+2713"));
        // ... also when it arrives through an escape.
        let e = parse_err("{\"Statement\": \"\\u2713\"}", PolicyKind::Identity);
        assert!(e.message.contains("U+2713) from a `\\u` escape"), "{e}");
        assert_eq!((e.line, e.column), (1, 15));
        // Latin-1 is fine, and resource policies may use spaces in Sids (as KMS key policies do).
        let kms = r#"{"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
        assert_eq!(parse_ok(kms, PolicyKind::Resource).id.as_deref(), Some("key-default-1"));
        parse_ok(&stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::café""#), PolicyKind::Identity);
    }

    #[test]
    fn size_quota_counts_non_white_space_p16() {
        // "IAM does not count white space when calculating the size of a policy".
        assert_eq!(policy_size("{ \"a\" :\n\t1 }"), 7);
        let statement = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/key"}"#;
        let many = |n: usize| format!("{{\"Statement\": [{}]}}", vec![statement; n].join(","));
        let small = many(20);
        assert!(policy_size(&small) < 2048);
        parse_ok(&small, PolicyKind::Session);
        let big = many(40);
        assert!(policy_size(&big) > 2048);
        let e = parse_err(&big, PolicyKind::Session);
        assert!(e.message.starts_with("Cannot exceed quota for PolicySize: 2048"), "{e}");
        parse_ok(&big, PolicyKind::Identity);
        // White space does not count.
        let padded = format!("{}{small}", " ".repeat(5000));
        parse_ok(&padded, PolicyKind::Session);
    }

    #[test]
    fn principals_parse_every_form_p9() {
        let text = stmt(
            r#""Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "999999999999", "arn:aws:iam::123456789012:role/r", "arn:aws:sts::123456789012:assumed-role/r/s", "AROAEXAMPLEID1234567"], "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "Service": ["ecs.amazonaws.com"], "Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:*", "Resource": "*""#,
        );
        let d = parse_ok(&text, PolicyKind::Resource);
        let s = &d.statements[0];
        let p = s.principal.as_ref().unwrap();
        assert_eq!(p.aws.len(), 5);
        assert_eq!(p.service, ["ecs.amazonaws.com"]);
        assert_eq!(p.federated, ["cognito-identity.amazonaws.com"]);
        assert_eq!(p.canonical_user.len(), 1);
        assert_eq!(
            &*s.aws_principals,
            &[
                AwsPrincipal::Account("123456789012".into()),
                AwsPrincipal::Account("999999999999".into()),
                AwsPrincipal::Arn("arn:aws:iam::123456789012:role/r".into()),
                AwsPrincipal::Arn("arn:aws:sts::123456789012:assumed-role/r/s".into()),
                AwsPrincipal::UniqueId,
            ]
        );
        let star = parse_ok(&stmt(r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#), PolicyKind::Resource);
        assert!(star.statements[0].principal.as_ref().unwrap().wildcard);
    }

    /// The fuzz target's round trip (`fuzz/fuzz_targets/policy_parse.rs`) on inputs that
    /// exercise canonical numbers, escapes and element order.
    #[test]
    fn parse_print_parse_round_trips() {
        for (kind, text) in [
            (PolicyKind::Identity, CARLOS.to_string()),
            (PolicyKind::Identity, stmt(r#""Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::caf\u00e9/\/x", "Condition": {"NumericLessThan": {"s3:max-keys": [1e2, -0, 10.50]}, "StringEquals": {"aws:x": [true, "y"]}}"#)),
            (PolicyKind::Resource, stmt(r#""Resource": "*", "Principal": {"AWS": ["111122223333"]}, "Sid": "a b", "Action": ["kms:*"], "Effect": "Deny""#)),
            (PolicyKind::Trust, r#"{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#.to_string()),
        ] {
            let (doc, json) = parse(&text, kind).unwrap_or_else(|e| panic!("{e}"));
            let printed = serde_json::to_string(&json).unwrap();
            let (again, json_again) = parse(&printed, kind).unwrap_or_else(|e| panic!("{e}: {printed}"));
            assert_eq!(doc, again, "{printed}");
            assert_eq!(json, json_again);
        }
    }

    #[test]
    fn resource_patterns_compile_to_the_cheapest_matcher() {
        let c = |r: &str| resource_pattern(r, true).unwrap();
        assert_eq!(c("*"), ResourcePattern::Whole(Glob::Any));
        assert_eq!(c("arn:aws:s3:::b/*"), ResourcePattern::Whole(Glob::Prefix("arn:aws:s3:::b/".into())));
        assert_eq!(c("arn:aws:iam::111122223333:user/Bob"), ResourcePattern::Whole(Glob::Exact("arn:aws:iam::111122223333:user/Bob".into())));
        assert!(matches!(c("arn:aws:sqs:*:111122223333:q"), ResourcePattern::Segments(_)));
        assert!(matches!(c("arn:aws:s3:*"), ResourcePattern::Segments(_)));
        assert!(matches!(c("arn:aws:s3:::b/${aws:username}/*"), ResourcePattern::Template { .. }));
        // Variables are only recognised after the fifth colon, and only in 2012-10-17.
        assert!(matches!(resource_pattern("arn:aws:s3:::b/${aws:username}", false).unwrap(), ResourcePattern::Whole(_)));
        assert!(matches!(c("arn:aws:sqs:us-east-1:${aws:PrincipalAccount}:q"), ResourcePattern::Whole(_)));
    }
}
