//! Policy validation in the manner of IAM Access Analyzer's ValidatePolicy.
//!
//! The validator reads the document with the policy module's position-tracking JSON reader
//! (not the policy parser: a policy with errors still gets every finding, not just the first),
//! walks it and reports findings with Access Analyzer's `findingType` (ERROR,
//! SECURITY_WARNING, WARNING, SUGGESTION), `issueCode`, `findingDetails` (the texts of
//! Access Analyzer's policy check reference), `learnMoreLink` and `locations` (JSON path and
//! span: lines from 1, columns and offsets from 0, end exclusive, as the API reports them).
//!
//! Checks (issue codes as Access Analyzer names them): JSON_SYNTAX_ERROR,
//! DATA_TYPE_MISMATCH, INVALID_POLICY_ELEMENT, MISSING_VERSION, INVALID_VERSION,
//! MISSING_STATEMENT, MISSING_EFFECT, INVALID_EFFECT, MISSING_ACTION, MISSING_RESOURCE,
//! MISSING_PRINCIPAL, UNIQUE_SIDS_REQUIRED / UNIQUE_SIDS_RECOMMENDED, EMPTY_SID_VALUE,
//! INVALID_ACTION, INVALID_SERVICE_IN_ACTION, WILDCARD_IN_SERVICE_NAME, REDUNDANT_ACTION,
//! REDUNDANT_RESOURCE, REDUNDANT_STATEMENT, EMPTY_ARRAY_ACTION, EMPTY_ARRAY_RESOURCE,
//! EMPTY_ARRAY_PRINCIPAL, EMPTY_OBJECT_PRINCIPAL, EMPTY_OBJECT_CONDITION,
//! EMPTY_ARRAY_CONDITION, INVALID_ARN_PREFIX, MISSING_ARN_FIELD, INVALID_PARTITION,
//! INVALID_ARN_SERVICE_CASE, INVALID_ARN_ACCOUNT, MISSING_ARN_REGION, INVALID_ARN_REGION,
//! INVALID_ARN_RESOURCE, UNSUPPORTED_PRINCIPAL, SCP_SYNTAX_ERROR_PRINCIPAL,
//! INVALID_PRINCIPAL_KEY, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, ALLOW_WITH_NOT_PRINCIPAL,
//! ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL, ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE,
//! ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL,
//! MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL, PASS_ROLE_WITH_STAR_IN_RESOURCE,
//! PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE, PASS_ROLE_WITH_NOT_RESOURCE,
//! PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE, INVALID_CONDITION_OPERATOR,
//! INVALID_GLOBAL_CONDITION_KEY, INVALID_SERVICE, WILDCARD_WITHOUT_LIKE_OPERATOR,
//! PRIVATE_IP_ADDRESS, PRIVATE_NOT_IP_ADDRESS, VARIABLE_UNSUPPORTED_IN_VERSION,
//! POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA, POLICY_SIZE_EXCEEDS_SCP_QUOTA,
//! POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA.
//!
//! Two checks are Cloudbook's own, not among Access Analyzer's documented checks, and say so
//! in their learn-more link: ACTION_RESOURCE_MISMATCH (ERROR: an S3 or KMS action whose
//! statement lists no resource of a type the action applies to, such as `s3:GetObject` on a
//! bucket ARN, so the action grants nothing) and PUBLIC_ACCESS (SECURITY_WARNING: a resource
//! policy that allows `"Principal": "*"` without any condition, what Access Analyzer's
//! CheckNoPublicAccess would fail).
//!
//! Partial: actions are checked against the catalog (`catalog`), which lists the actions of
//! the modelled services only; unknown services are reported only when their prefix is a
//! near miss of a known one. Condition keys of services are not checked one by one.

use serde::{Deserialize, Serialize};

use super::catalog;
use super::ops::Doc;
use crate::world::authz::Authz;
use crate::world::service::Service;
use crate::world::{AwsError, Call};
use crate::policy::OperatorSpec;
use crate::policy::json::{self, Json, Member, Node, Pos};
use crate::policy::matching::Glob;

/// ValidatePolicy's `policyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyType {
    Identity,
    Resource,
    ServiceControl,
    ResourceControl,
}

impl PolicyType {
    pub fn parse(s: &str) -> Option<PolicyType> {
        match s {
            "IDENTITY_POLICY" => Some(PolicyType::Identity),
            "RESOURCE_POLICY" => Some(PolicyType::Resource),
            "SERVICE_CONTROL_POLICY" => Some(PolicyType::ServiceControl),
            "RESOURCE_CONTROL_POLICY" => Some(PolicyType::ResourceControl),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            PolicyType::Identity => "IDENTITY_POLICY",
            PolicyType::Resource => "RESOURCE_POLICY",
            PolicyType::ServiceControl => "SERVICE_CONTROL_POLICY",
            PolicyType::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }
}

/// The resource type that makes a resource policy a role trust policy.
pub const TRUST_POLICY_RESOURCE_TYPE: &str = "AWS::IAM::AssumeRolePolicyDocument";

/// One finding, shaped like ValidatePolicy's.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub finding_details: String,
    pub finding_type: &'static str,
    pub issue_code: &'static str,
    pub learn_more_link: String,
    pub locations: Vec<Location>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Location {
    pub path: Vec<PathElement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PathElement {
    Index(usize),
    Key(String),
    Value(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Line from 1, column and offset (in characters) from 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Location {
    /// `Statement[0].Action[1]` (`Condition.StringEquals.{aws:SourceIp}` for a key).
    pub fn path_text(&self) -> String {
        let mut s = String::new();
        for p in &self.path {
            match p {
                PathElement::Index(i) => s.push_str(&format!("[{i}]")),
                PathElement::Value(v) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(v);
                }
                PathElement::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(&format!("{{{k}}}"));
                }
            }
        }
        s
    }
}

const ERROR: &str = "ERROR";
const SECURITY_WARNING: &str = "SECURITY_WARNING";
const WARNING: &str = "WARNING";
const SUGGESTION: &str = "SUGGESTION";

const CHECKS_PAGE: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

fn learn_more(finding_type: &str, code: &str) -> String {
    match code {
        "ACTION_RESOURCE_MISMATCH" => {
            "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html (Cloudbook check)".into()
        }
        "PUBLIC_ACCESS" => "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_elements_principal.html#principal-anonymous (Cloudbook check)".into(),
        _ => {
            let kind = match finding_type {
                ERROR => "error",
                SECURITY_WARNING => "security-warning",
                WARNING => "general-warning",
                _ => "suggestion",
            };
            format!("{CHECKS_PAGE}#access-analyzer-reference-policy-checks-{kind}-{}", code.to_ascii_lowercase().replace('_', "-"))
        }
    }
}

type Path = Vec<PathElement>;

fn with(path: &Path, e: PathElement) -> Path {
    let mut p = path.clone();
    p.push(e);
    p
}

fn v(s: &str) -> PathElement {
    PathElement::Value(s.to_string())
}

/// A string value of the document with where it is.
struct Text<'a> {
    value: &'a str,
    node: &'a Node,
    path: Path,
}

struct Validator<'t> {
    ty: PolicyType,
    trust: bool,
    variables: bool,
    /// Character offset of each line's first character.
    line_starts: Vec<usize>,
    text: &'t str,
    findings: Vec<Finding>,
}

/// Validates `text` as a policy of type `ty` (`trust`: a role trust policy, ValidatePolicy's
/// `AWS::IAM::AssumeRolePolicyDocument` resource type).
pub fn validate(text: &str, ty: PolicyType, trust: bool) -> Vec<Finding> {
    let mut line_starts = vec![0];
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            line_starts.push(i + 1);
        }
    }
    let mut val = Validator { ty, trust, variables: true, line_starts, text, findings: Vec::new() };
    match json::parse(text) {
        Err(e) => {
            let at = val.pos(e.pos);
            val.push(
                ERROR,
                "JSON_SYNTAX_ERROR",
                format!("Fix the JSON syntax error at index {} line {} column {}.", at.offset, at.line, at.column),
                vec![Location { path: Vec::new(), span: Span { start: at, end: at } }],
            );
        }
        Ok(root) => val.document(&root),
    }
    let mut findings = val.findings;
    findings.sort_by_key(|f| f.locations.first().map(|l| (l.span.start.offset, l.span.end.offset)).unwrap_or_default());
    findings
}

impl Validator<'_> {
    fn pos(&self, p: Pos) -> Position {
        let line = p.line.max(1);
        let column = p.column.saturating_sub(1);
        let offset = self.line_starts.get(line - 1).copied().unwrap_or(0) + column;
        Position { line, column, offset }
    }

    /// A node's span (end exclusive).
    fn span(&self, n: &Node) -> Span {
        let end = self.pos(n.end);
        Span { start: self.pos(n.start), end: Position { line: end.line, column: end.column + 1, offset: end.offset + 1 } }
    }

    fn key_span(&self, m: &Member) -> Span {
        let start = self.pos(m.key_pos);
        let len = m.key.chars().count() + 2;
        Span { start, end: Position { line: start.line, column: start.column + len, offset: start.offset + len } }
    }

    fn push(&mut self, finding_type: &'static str, code: &'static str, details: impl Into<String>, locations: Vec<Location>) {
        self.findings.push(Finding { finding_details: details.into(), finding_type, issue_code: code, learn_more_link: learn_more(finding_type, code), locations });
    }

    fn at_node(&mut self, finding_type: &'static str, code: &'static str, details: impl Into<String>, path: Path, node: &Node) {
        let span = self.span(node);
        self.push(finding_type, code, details, vec![Location { path, span }]);
    }

    fn at_key(&mut self, finding_type: &'static str, code: &'static str, details: impl Into<String>, path: Path, m: &Member) {
        let span = self.key_span(m);
        self.push(finding_type, code, details, vec![Location { path, span }]);
    }

    fn type_mismatch(&mut self, want: &str, path: Path, node: &Node) {
        self.at_node(ERROR, "DATA_TYPE_MISMATCH", format!("The text does not match the expected JSON data type {want}."), path, node);
    }

    /// A string or list of strings; reports other types. `None` when the element is unusable.
    fn strings<'a>(&mut self, node: &'a Node, path: &Path) -> Option<Vec<Text<'a>>> {
        match &node.value {
            Json::String(s) => Some(vec![Text { value: s, node, path: path.clone() }]),
            Json::Array(items) => {
                let mut out = Vec::new();
                for (i, n) in items.iter().enumerate() {
                    match &n.value {
                        Json::String(s) => out.push(Text { value: s, node: n, path: with(path, PathElement::Index(i)) }),
                        _ => self.type_mismatch("String", with(path, PathElement::Index(i)), n),
                    }
                }
                Some(out)
            }
            _ => {
                self.type_mismatch("Array", path.clone(), node);
                None
            }
        }
    }

    fn document(&mut self, root: &Node) {
        let Json::Object(members) = &root.value else {
            self.type_mismatch("Object", Vec::new(), root);
            return;
        };
        for m in members {
            if !matches!(m.key.as_str(), "Version" | "Id" | "Statement") {
                self.at_key(ERROR, "INVALID_POLICY_ELEMENT", format!("The policy element {} is not valid.", m.key), vec![PathElement::Key(m.key.clone())], m);
            }
        }
        let get = |k: &str| members.iter().find(|m| m.key == k);
        match get("Version") {
            None => {
                self.variables = false;
                let span = self.span(root);
                let start = Span { start: span.start, end: Position { column: span.start.column + 1, offset: span.start.offset + 1, ..span.start } };
                self.push(
                    WARNING,
                    "MISSING_VERSION",
                    "We recommend that you specify the Version element to help you with debugging permission issues.",
                    vec![Location { path: Vec::new(), span: start }],
                );
            }
            Some(m) => match &m.value.value {
                Json::String(s) if s == "2012-10-17" => {}
                Json::String(s) if s == "2008-10-17" => self.variables = false,
                _ => {
                    let shown = match &m.value.value {
                        Json::String(s) => s.clone(),
                        other => other.to_value().to_string(),
                    };
                    self.at_node(
                        ERROR,
                        "INVALID_VERSION",
                        format!("The version {shown} is not valid. Use one of the following versions: 2012-10-17, 2008-10-17"),
                        vec![v("Version")],
                        &m.value,
                    );
                }
            },
        }
        self.size_checks(root);
        let Some(st) = get("Statement") else {
            self.at_node(ERROR, "MISSING_STATEMENT", "Add a statement to the policy", Vec::new(), root);
            return;
        };
        let statements: Vec<(Path, &Node)> = match &st.value.value {
            Json::Object(_) => vec![(vec![v("Statement")], &st.value)],
            Json::Array(items) if items.is_empty() => {
                self.at_node(ERROR, "MISSING_STATEMENT", "Add a statement to the policy", vec![v("Statement")], &st.value);
                return;
            }
            Json::Array(items) => items.iter().enumerate().map(|(i, n)| (vec![v("Statement"), PathElement::Index(i)], n)).collect(),
            _ => {
                self.type_mismatch("Array", vec![v("Statement")], &st.value);
                return;
            }
        };
        let mut sids: Vec<(String, Path, &Node)> = Vec::new();
        let mut seen: Vec<(serde_json::Value, usize)> = Vec::new();
        for (n, (path, node)) in statements.iter().enumerate() {
            let Json::Object(members) = &node.value else {
                self.type_mismatch("Object", path.clone(), node);
                continue;
            };
            if let Some(sid) = members.iter().find(|m| m.key == "Sid")
                && let Json::String(s) = &sid.value.value
                && !s.is_empty()
            {
                sids.push((s.clone(), with(path, v("Sid")), &sid.value));
            }
            self.statement(members, path, node);
            // REDUNDANT_STATEMENT: the same statement (Sid aside) twice.
            let mut content = node.value.to_value();
            if let Some(o) = content.as_object_mut() {
                o.remove("Sid");
            }
            if seen.iter().any(|(c, _)| *c == content) {
                self.at_node(
                    SUGGESTION,
                    "REDUNDANT_STATEMENT",
                    "The statements are redundant because they provide identical permissions. Update the policy to remove the redundant statement.",
                    path.clone(),
                    node,
                );
            } else {
                seen.push((content, n));
            }
        }
        for (i, (sid, path, node)) in sids.iter().enumerate() {
            if sids[..i].iter().any(|(s, _, _)| s == sid) {
                if matches!(self.ty, PolicyType::Identity | PolicyType::ServiceControl | PolicyType::ResourceControl) || self.trust {
                    self.at_node(
                        ERROR,
                        "UNIQUE_SIDS_REQUIRED",
                        "Duplicate statement IDs are not supported for this policy type. Update the Sid value.",
                        path.clone(),
                        node,
                    );
                } else {
                    self.at_node(
                        WARNING,
                        "UNIQUE_SIDS_RECOMMENDED",
                        "We recommend that you use statement IDs that are unique to your policy. Update the Sid value.",
                        path.clone(),
                        node,
                    );
                }
            }
        }
    }

    fn size_checks(&mut self, root: &Node) {
        let size = crate::policy::policy_size(self.text);
        let (ty, code, quota, what): (&'static str, &'static str, usize, &str) = match self.ty {
            PolicyType::Identity => (WARNING, "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", 6144, "identity policy, excluding whitespace,"),
            PolicyType::ServiceControl => (ERROR, "POLICY_SIZE_EXCEEDS_SCP_QUOTA", 5120, "service control policy (SCP)"),
            PolicyType::Resource if !self.trust => (WARNING, "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", 20480, "resource policy"),
            _ => return,
        };
        if size > quota {
            let details = match code {
                "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" => format!(
                    "The {size} characters in the {what} exceed the {quota} character maximum for inline and managed policies. We recommend that you use multiple granular policies."
                ),
                "POLICY_SIZE_EXCEEDS_SCP_QUOTA" => format!("The {size} characters in the {what} exceed the {quota} character maximum for SCPs. We recommend that you use multiple granular policies."),
                _ => format!("The {size} characters in the {what} exceed the {quota} character maximum for resource policies. We recommend that you use multiple granular policies."),
            };
            self.at_node(ty, code, details, Vec::new(), root);
        }
    }

    fn statement(&mut self, members: &[Member], path: &Path, node: &Node) {
        const KEYS: &[&str] = &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];
        for m in members {
            if !KEYS.contains(&m.key.as_str()) {
                self.at_key(ERROR, "INVALID_POLICY_ELEMENT", format!("The policy element {} is not valid.", m.key), with(path, PathElement::Key(m.key.clone())), m);
            }
        }
        let get = |k: &str| members.iter().find(|m| m.key == k);
        if let Some(sid) = get("Sid") {
            match &sid.value.value {
                Json::String(s) if s.is_empty() => {
                    self.at_node(SUGGESTION, "EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.", with(path, v("Sid")), &sid.value)
                }
                Json::String(_) => {}
                _ => self.type_mismatch("String", with(path, v("Sid")), &sid.value),
            }
        }
        let allow = match get("Effect") {
            None => {
                self.at_node(ERROR, "MISSING_EFFECT", "Add an Effect element to the policy statement with a value of Allow or Deny.", path.clone(), node);
                false
            }
            Some(m) => match &m.value.value {
                Json::String(s) if s == "Allow" => true,
                Json::String(s) if s == "Deny" => false,
                other => {
                    let shown = match other {
                        Json::String(s) => s.clone(),
                        o => o.to_value().to_string(),
                    };
                    self.at_node(ERROR, "INVALID_EFFECT", format!("The effect {shown} is not valid. Use Allow or Deny."), with(path, v("Effect")), &m.value);
                    false
                }
            },
        };
        let condition = get("Condition");
        self.principal(get("Principal"), get("NotPrincipal"), allow, condition, path, node);

        // Action / NotAction.
        let action_member = get("Action").or_else(|| get("NotAction"));
        let not_action = get("Action").is_none() && get("NotAction").is_some();
        let mut actions: Vec<Text<'_>> = Vec::new();
        match action_member {
            None => self.at_node(ERROR, "MISSING_ACTION", "Add an Action or NotAction element to the policy statement.", path.clone(), node),
            Some(m) => {
                let apath = with(path, v(&m.key));
                if let Some(list) = self.strings(&m.value, &apath) {
                    if list.is_empty() {
                        self.at_node(SUGGESTION, "EMPTY_ARRAY_ACTION", "This statement includes no actions and does not affect the policy. Specify actions.", apath, &m.value);
                    }
                    actions = list;
                }
            }
        }
        for a in &actions {
            self.action(a);
        }
        self.redundant(&actions, true);

        // Resource / NotResource.
        let resource_member = get("Resource").or_else(|| get("NotResource"));
        let not_resource = get("Resource").is_none() && get("NotResource").is_some();
        let mut resources: Vec<Text<'_>> = Vec::new();
        match resource_member {
            Some(m) if self.trust => self.at_key(
                ERROR,
                "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
                "Role trust policies apply to the role that they are attached to. You cannot specify a resource. Remove the Resource or NotResource element.",
                with(path, PathElement::Key(m.key.clone())),
                m,
            ),
            None if !self.trust => self.at_node(ERROR, "MISSING_RESOURCE", "Add a Resource or NotResource element to the policy statement.", path.clone(), node),
            None => {}
            Some(m) => {
                let rpath = with(path, v(&m.key));
                if let Some(list) = self.strings(&m.value, &rpath) {
                    if list.is_empty() {
                        self.at_node(SUGGESTION, "EMPTY_ARRAY_RESOURCE", "This statement includes no resources and does not affect the policy. Specify resources.", rpath, &m.value);
                    }
                    resources = list;
                }
            }
        }
        let mut typed = Vec::new();
        for r in &resources {
            typed.push(self.resource(r));
        }
        self.redundant(&resources, false);

        if !not_action && !not_resource {
            self.action_resource_fit(&actions, &typed);
        }
        let passed_to_service = condition.is_some_and(|c| c.value.value.to_value().to_string().to_ascii_lowercase().contains("iam:passedtoservice"));
        if allow && !passed_to_service {
            self.pass_role(&actions, not_action, &resources, not_resource, resource_member, path, node);
        }
        if let Some(c) = condition {
            self.condition(c, path);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pass_role(&mut self, actions: &[Text<'_>], not_action: bool, resources: &[Text<'_>], not_resource: bool, resource_member: Option<&Member>, path: &Path, node: &Node) {
        let covers = |a: &Text<'_>| Glob::new(&a.value.to_ascii_lowercase(), true).matches("iam:passrole", true);
        let star_action = actions.iter().any(|a| covers(a) && a.value.contains('*'));
        let explicit = actions.iter().any(|a| a.value.eq_ignore_ascii_case("iam:PassRole"));
        if not_action {
            if not_resource {
                self.at_node(
                    SECURITY_WARNING,
                    "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
                    "Using NotAction with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources.. We recommend that you specify resource ARNs instead.",
                    path.clone(),
                    node,
                );
            }
            return;
        }
        if !(star_action || explicit) {
            return;
        }
        if not_resource {
            let (code, details) = if explicit {
                ("PASS_ROLE_WITH_NOT_RESOURCE", "Using the iam:PassRole action with NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.")
            } else {
                ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", "Using an action with a wildcard (*) and NotResource can be overly permissive because it can allow iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs instead.")
            };
            if let Some(m) = resource_member {
                self.at_key(SECURITY_WARNING, code, details, with(path, PathElement::Key(m.key.clone())), m);
            }
            return;
        }
        if let Some(star) = resources.iter().find(|r| r.value == "*") {
            let (code, details) = if explicit {
                ("PASS_ROLE_WITH_STAR_IN_RESOURCE", "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.")
            } else {
                ("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", "Using wildcards (*) in the action and the resource can be overly permissive because it allows iam:PassRole permissions on all resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.")
            };
            let p = star.path.clone();
            self.at_node(SECURITY_WARNING, code, details, p, star.node);
        }
    }

    fn action(&mut self, a: &Text<'_>) {
        let value = a.value;
        if value == "*" {
            return;
        }
        let Some((svc, name)) = value.split_once(':') else {
            self.at_node(ERROR, "INVALID_ACTION", format!("The action {value} does not exist."), a.path.clone(), a.node);
            return;
        };
        if svc.contains(['*', '?']) {
            self.at_node(
                SUGGESTION,
                "WILDCARD_IN_SERVICE_NAME",
                "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.",
                a.path.clone(),
                a.node,
            );
            return;
        }
        let Some(info) = catalog::service(svc) else {
            let hint = catalog::suggest_service(svc).map(|s| format!(" Did you mean {s}?")).unwrap_or_default();
            self.at_node(ERROR, "INVALID_SERVICE_IN_ACTION", format!("The service {svc} specified in the action does not exist.{hint}"), a.path.clone(), a.node);
            return;
        };
        if !info.lists_actions() {
            return;
        }
        let known = if name.contains(['*', '?']) {
            let g = Glob::new(&name.to_ascii_lowercase(), true);
            info.actions.keys().any(|k| g.matches(k, true))
        } else {
            info.actions.contains_key(&name.to_ascii_lowercase())
        };
        if !known {
            let hint = if name.contains(['*', '?']) { None } else { catalog::suggest_action(info, name) };
            let hint = hint.map(|s| format!(" Did you mean {svc}:{s}?")).unwrap_or_default();
            self.at_node(ERROR, "INVALID_ACTION", format!("The action {value} does not exist.{hint}"), a.path.clone(), a.node);
        }
    }

    /// REDUNDANT_ACTION / REDUNDANT_RESOURCE: values another value of the same element covers.
    fn redundant(&mut self, items: &[Text<'_>], actions: bool) {
        let redundant: Vec<&Text<'_>> = items
            .iter()
            .enumerate()
            .filter(|(i, t)| {
                items.iter().enumerate().any(|(j, o)| {
                    if *i == j {
                        return false;
                    }
                    let (a, b) = if actions { (t.value.to_ascii_lowercase(), o.value.to_ascii_lowercase()) } else { (t.value.to_string(), o.value.to_string()) };
                    // An exact duplicate counts once (the later one is redundant).
                    if a == b {
                        return j < *i;
                    }
                    Glob::new(&b, actions).matches(&a, actions)
                })
            })
            .map(|(_, t)| t)
            .collect();
        let Some(first) = redundant.first() else { return };
        let locations = redundant.iter().map(|t| Location { path: t.path.clone(), span: self.span(t.node) }).collect();
        let n = redundant.len();
        if actions {
            self.push(
                SUGGESTION,
                "REDUNDANT_ACTION",
                format!("The {n} action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: {}.", first.value),
                locations,
            );
        } else {
            self.push(SUGGESTION, "REDUNDANT_RESOURCE", format!("The {n} resource ARN(s) are redundant because they reference the same resource. Review the use of wildcards (*)"), locations);
        }
    }

    /// Checks one Resource value; returns its (service, resource type) when known (`None` for
    /// `*`, wildcards, variables and ARNs already reported as invalid: they fit any action).
    fn resource(&mut self, r: &Text<'_>) -> Option<(String, Option<&'static str>)> {
        let value = r.value;
        if value == "*" {
            return None;
        }
        if !value.starts_with("arn:") {
            self.at_node(ERROR, "INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN.", r.path.clone(), r.node);
            return None;
        }
        if self.variables && value.contains("${") {
            // Variables are checked by IAM at request time; the ARN shape cannot be.
            return None;
        }
        let parts: Vec<&str> = value.splitn(6, ':').collect();
        if parts.len() < 6 {
            self.at_node(
                ERROR,
                "MISSING_ARN_FIELD",
                "Resource ARNs must include at least 6 fields in the following structure: arn:partition:service:region:account:resource",
                r.path.clone(),
                r.node,
            );
            return None;
        }
        let (partition, svc, region, account, res) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
        let wild = |s: &str| s.contains(['*', '?']);
        if !wild(partition) && !["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"].contains(&partition) {
            self.at_node(
                ERROR,
                "INVALID_PARTITION",
                format!("The resource ARN for the service {svc} does not support the partition {partition}. Use the supported values: aws, aws-cn, aws-us-gov"),
                r.path.clone(),
                r.node,
            );
            return None;
        }
        if svc.chars().any(|c| c.is_ascii_uppercase()) {
            self.at_node(ERROR, "INVALID_ARN_SERVICE_CASE", format!("Update the service name {svc} in the resource ARN to use all lowercase letters."), r.path.clone(), r.node);
            return None;
        }
        if wild(svc) {
            self.at_node(
                SUGGESTION,
                "WILDCARD_IN_SERVICE_NAME",
                "Avoid using wildcards (*, ?) in the service name because it might grant unintended access to other AWS services with similar names.",
                r.path.clone(),
                r.node,
            );
            return None;
        }
        let account_ok = account.is_empty() || wild(account) || account == "aws" || crate::world::places::is_account_id(account);
        if !account_ok {
            self.at_node(ERROR, "INVALID_ARN_ACCOUNT", format!("The resource ARN account ID {account} is not valid. Provide a 12-digit account ID."), r.path.clone(), r.node);
            return None;
        }
        if catalog::needs_region(svc) {
            if region.is_empty() {
                self.at_node(ERROR, "MISSING_ARN_REGION", format!("Add a Region to the {svc} resource ARN."), r.path.clone(), r.node);
                return None;
            }
            if !wild(region) && !crate::world::places::is_region(region) {
                self.at_node(ERROR, "INVALID_ARN_REGION", format!("The Region {region} is not valid for this resource. Update the resource ARN to include a supported Region."), r.path.clone(), r.node);
                return None;
            }
        }
        match catalog::resource_type(svc, region, account, res) {
            Err(()) => {
                self.at_node(ERROR, "INVALID_ARN_RESOURCE", "Resource ARN does not match the expected ARN format. Update the resource portion of the ARN.", r.path.clone(), r.node);
                None
            }
            Ok(ty) => Some((svc.to_string(), ty)),
        }
    }

    /// ACTION_RESOURCE_MISMATCH (Cloudbook's check): an S3/KMS action none of whose resource
    /// types the statement's resources have.
    fn action_resource_fit(&mut self, actions: &[Text<'_>], typed: &[Option<(String, Option<&'static str>)>]) {
        if typed.is_empty() {
            return;
        }
        for a in actions {
            let Some((svc, name)) = a.value.split_once(':') else { continue };
            if name.contains(['*', '?']) {
                continue;
            }
            let Some(types) = catalog::action_resource_types(svc, name).filter(|t| !t.is_empty()) else { continue };
            let fits = typed.iter().any(|t| match t {
                None => true,
                Some((rs, ty)) => rs == svc && ty.is_none_or(|ty| types.contains(&ty)),
            });
            if !fits {
                let canonical = catalog::service(svc).and_then(|s| s.actions.get(&name.to_ascii_lowercase())).copied().unwrap_or(name);
                let formats: Vec<&str> = types.iter().map(|t| catalog::arn_format(svc, t)).collect();
                self.at_node(
                    ERROR,
                    "ACTION_RESOURCE_MISMATCH",
                    format!(
                        "The action {svc}:{canonical} does not apply to any resource in this statement, so it grants nothing here. It applies to {} resources: {}.",
                        types.join(" and "),
                        formats.join(", ")
                    ),
                    a.path.clone(),
                    a.node,
                );
            }
        }
    }

    fn principal(&mut self, principal: Option<&Member>, not_principal: Option<&Member>, allow: bool, condition: Option<&Member>, path: &Path, node: &Node) {
        let m = principal.or(not_principal);
        match self.ty {
            PolicyType::Identity => {
                if let Some(m) = m {
                    self.at_key(
                        ERROR,
                        "UNSUPPORTED_PRINCIPAL",
                        "The policy type IDENTITY_POLICY does not support the Principal element. Remove the Principal element.",
                        with(path, PathElement::Key(m.key.clone())),
                        m,
                    );
                }
                return;
            }
            PolicyType::ServiceControl => {
                if let Some(m) = m {
                    self.at_key(
                        ERROR,
                        "SCP_SYNTAX_ERROR_PRINCIPAL",
                        "SCPs do not support specifying principals. Remove the Principal or NotPrincipal element.",
                        with(path, PathElement::Key(m.key.clone())),
                        m,
                    );
                }
                return;
            }
            PolicyType::ResourceControl | PolicyType::Resource => {}
        }
        let Some(m) = m else {
            self.at_node(ERROR, "MISSING_PRINCIPAL", "Add a Principal element to the policy statement.", path.clone(), node);
            return;
        };
        let ppath = with(path, v(&m.key));
        let negated = principal.is_none();
        if negated {
            if self.trust {
                self.at_key(
                    ERROR,
                    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
                    "Role trust policies do not support NotPrincipal. Update the policy to use a Principal element instead.",
                    with(path, PathElement::Key(m.key.clone())),
                    m,
                );
            } else if allow {
                self.at_key(
                    SECURITY_WARNING,
                    "ALLOW_WITH_NOT_PRINCIPAL",
                    "Using Allow with NotPrincipal can be overly permissive. We recommend that you use Principal instead.",
                    with(path, PathElement::Key(m.key.clone())),
                    m,
                );
            }
        }
        let mut everyone = None;
        let mut federated: Vec<String> = Vec::new();
        match &m.value.value {
            Json::String(s) if s == "*" => everyone = Some((ppath.clone(), &m.value)),
            Json::String(_) => {
                self.at_node(ERROR, "INVALID_PRINCIPAL_FORMAT", "The Principal element contents are not valid. Specify a key-value pair in the Principal element.", ppath.clone(), &m.value)
            }
            Json::Object(entries) if entries.is_empty() => self.at_node(
                SUGGESTION,
                "EMPTY_OBJECT_PRINCIPAL",
                "This statement includes no principals and does not affect the policy. Specify principals.",
                ppath.clone(),
                &m.value,
            ),
            Json::Object(entries) => {
                for e in entries {
                    let epath = with(&ppath, v(&e.key));
                    if !matches!(e.key.as_str(), "AWS" | "Service" | "Federated" | "CanonicalUser") {
                        self.at_key(ERROR, "INVALID_PRINCIPAL_KEY", format!("The principal key {} is not valid.", e.key), with(&ppath, PathElement::Key(e.key.clone())), e);
                        continue;
                    }
                    let Some(values) = self.strings(&e.value, &epath) else { continue };
                    if values.is_empty() {
                        self.at_node(
                            SUGGESTION,
                            "EMPTY_ARRAY_PRINCIPAL",
                            "This statement includes no principals and does not affect the policy. Specify principals.",
                            epath.clone(),
                            &e.value,
                        );
                    }
                    for t in values {
                        if e.key == "AWS" && t.value == "*" {
                            everyone = Some((t.path.clone(), t.node));
                        } else if t.value.contains(['*', '?']) {
                            self.at_node(
                                ERROR,
                                "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                                format!("Wildcards (*, ?) are not supported with the principal key {}. Replace the wildcard with a valid principal value.", e.key),
                                t.path.clone(),
                                t.node,
                            );
                        } else if e.key == "Federated" && !t.value.contains(":saml-provider/") {
                            federated.push(t.value.to_string());
                        }
                    }
                }
            }
            _ => self.type_mismatch("Object", ppath.clone(), &m.value),
        }
        if let Some((epath, enode)) = everyone {
            if self.trust {
                self.at_node(
                    ERROR,
                    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
                    "\"Principal:\" \"*\" is not supported in the principal element of a role trust policy. Replace the wildcard with a valid principal value.",
                    epath,
                    enode,
                );
            } else if allow && !negated && condition.is_none() {
                self.at_node(
                    SECURITY_WARNING,
                    "PUBLIC_ACCESS",
                    "This statement allows access to everyone, anonymous callers included (\"Principal\": \"*\" without a condition). Name the principals that need access, or add a condition such as aws:PrincipalOrgID or aws:SourceVpce.",
                    epath,
                    enode,
                );
            }
        }
        // A trust policy trusting an OIDC provider must restrict who, with the provider's keys.
        if self.trust && allow && !federated.is_empty() {
            let keys = condition.map(|c| condition_keys(&c.value)).unwrap_or_default();
            for f in federated {
                let provider = f.split_once(":oidc-provider/").map(|(_, p)| p.to_string()).unwrap_or(f.clone());
                let prefix = format!("{}:", provider.to_ascii_lowercase());
                if !keys.iter().any(|k| k.to_ascii_lowercase().starts_with(&prefix)) {
                    self.at_key(
                        SECURITY_WARNING,
                        "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL",
                        "Using an Open ID Connect principal without a condition can be overly permissive. Add condition keys with a prefix that matches your federated OIDC principals to ensure that only the intended identity provider assumes the role.",
                        with(path, PathElement::Key(m.key.clone())),
                        m,
                    );
                }
            }
        }
    }

    fn condition(&mut self, c: &Member, path: &Path) {
        let cpath = with(path, v("Condition"));
        let Json::Object(ops) = &c.value.value else {
            self.type_mismatch("Object", cpath, &c.value);
            return;
        };
        if ops.is_empty() {
            self.at_node(SUGGESTION, "EMPTY_OBJECT_CONDITION", "This condition block is empty and it does not affect the policy. Specify conditions.", cpath, &c.value);
            return;
        }
        for op in ops {
            let opath = with(&cpath, v(&op.key));
            let Some(spec) = OperatorSpec::parse(&op.key) else {
                self.at_key(
                    ERROR,
                    "INVALID_CONDITION_OPERATOR",
                    format!("The condition operator {} is not valid. Use a valid condition operator.", op.key),
                    with(&cpath, PathElement::Key(op.key.clone())),
                    op,
                );
                continue;
            };
            let Json::Object(keys) = &op.value.value else {
                self.type_mismatch("Object", opath, &op.value);
                continue;
            };
            for k in keys {
                let kpath = with(&opath, v(&k.key));
                self.condition_key(k, &opath);
                let values: Vec<(String, &Node, Path)> = match &k.value.value {
                    Json::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (scalar_text(&n.value), n, with(&kpath, PathElement::Index(i))))
                        .collect(),
                    other => vec![(scalar_text(other), &k.value, kpath.clone())],
                };
                if values.is_empty() {
                    self.at_node(
                        SUGGESTION,
                        "EMPTY_ARRAY_CONDITION",
                        format!("There are no values for the condition key {} and it does not affect the policy. Specify conditions.", k.key),
                        kpath.clone(),
                        &k.value,
                    );
                    continue;
                }
                use crate::policy::Operator as O;
                let exact_string = matches!(spec.op, O::StringEquals | O::StringNotEquals | O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase);
                if exact_string {
                    for (text, n, p) in &values {
                        if text.replace("${*}", "").replace("${?}", "").contains(['*', '?']) {
                            self.at_node(
                                WARNING,
                                "WILDCARD_WITHOUT_LIKE_OPERATOR",
                                "Your condition value includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to include Like.",
                                p.clone(),
                                n,
                            );
                        }
                    }
                }
                if k.key.eq_ignore_ascii_case("aws:SourceIp") && matches!(spec.op, O::IpAddress | O::NotIpAddress) && values.iter().all(|(t, _, _)| private_ip(t)) {
                    let (code, details) = if spec.op == O::IpAddress {
                        ("PRIVATE_IP_ADDRESS", "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect. Update the value to include only public IP addresses.")
                    } else {
                        ("PRIVATE_NOT_IP_ADDRESS", "The values for condition key aws:SourceIp include only private IP addresses and has no effect. aws:SourceIp works only for public IP address ranges. Update the value to include only public IP addresses.")
                    };
                    self.at_node(ERROR, code, details, kpath.clone(), &k.value);
                }
                if !self.variables {
                    for (text, n, p) in &values {
                        if text.contains("${") {
                            self.at_node(ERROR, "VARIABLE_UNSUPPORTED_IN_VERSION", "To include variables in your policy, use the policy version 2012-10-17 or later.", p.clone(), n);
                        }
                    }
                }
            }
        }
    }

    fn condition_key(&mut self, k: &Member, opath: &Path) {
        let key = k.key.as_str();
        let Some((prefix, _)) = key.split_once(':') else { return };
        if prefix.eq_ignore_ascii_case("aws") {
            if !global_key(key) {
                self.at_key(
                    ERROR,
                    "INVALID_GLOBAL_CONDITION_KEY",
                    format!("The condition key {key} does not exist. Use a valid condition key."),
                    with(opath, PathElement::Key(key.to_string())),
                    k,
                );
            }
            return;
        }
        // Identity-provider keys (`accounts.google.com:aud`, `saml:sub`) and keys of services
        // the catalog knows pass; a near miss of a known prefix is a typo.
        if prefix.contains('.') || prefix.eq_ignore_ascii_case("saml") || catalog::service(prefix).is_some() {
            return;
        }
        if catalog::suggest_service(prefix).is_some() {
            self.at_key(
                ERROR,
                "INVALID_SERVICE",
                format!("The service {prefix} does not exist. Use a valid service name."),
                with(opath, PathElement::Key(key.to_string())),
                k,
            );
        }
    }
}

fn scalar_text(j: &Json) -> String {
    match j {
        Json::String(s) => s.clone(),
        other => other.to_value().to_string(),
    }
}

/// Every condition key named anywhere in a Condition block.
fn condition_keys(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if let Json::Object(ops) = &node.value {
        for op in ops {
            if let Json::Object(keys) = &op.value.value {
                out.extend(keys.iter().map(|k| k.key.clone()));
            }
        }
    }
    out
}

/// The global condition keys (`aws:` prefix) AWS documents.
fn global_key(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime", "aws:FederatedProvider",
        "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalIsAWSService",
        "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType",
        "aws:Referer", "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:SecureTransport",
        "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths",
        "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid",
        "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:AssumedRoot", "aws:ChatbotSourceArn",
    ];
    const TAG_PREFIXES: &[&str] = &["aws:PrincipalTag/", "aws:RequestTag/", "aws:ResourceTag/"];
    KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || TAG_PREFIXES.iter().any(|p| key.len() > p.len() && key[..p.len()].eq_ignore_ascii_case(p))
}

/// Whether an address or CIDR lies in a private range (RFC 1918, loopback, link-local, IPv6
/// unique-local).
fn private_ip(text: &str) -> bool {
    let net: Option<ipnet::IpNet> = text.parse().ok().or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from));
    let Some(net) = net else { return false };
    const PRIVATE: &[&str] = &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"];
    PRIVATE.iter().any(|p| p.parse::<ipnet::IpNet>().is_ok_and(|p| p.contains(&net)))
}

/// IAM Access Analyzer, the service ValidatePolicy belongs to.
pub const ACCESS_ANALYZER: Service = Service {
    module: "iam",
    prefix: "access-analyzer",
    event_source: "access-analyzer.amazonaws.com",
    access_denied: ("AccessDeniedException", 403),
    validation: ("ValidationException", 400),
    expired_token: ("ExpiredTokenException", 403),
    global: false,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidatePolicyRequest {
    pub policy_document: Doc,
    pub policy_type: String,
    #[serde(default)]
    pub validate_policy_resource_type: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ValidatePolicyResponse {
    pub findings: Vec<Finding>,
}

/// Access Analyzer's ValidatePolicy.
pub fn validate_policy(c: &mut Call<'_>, r: ValidatePolicyRequest) -> Result<ValidatePolicyResponse, AwsError> {
    c.authorize(Authz::new("access-analyzer:ValidatePolicy", "*"))?;
    let invalid = |field: &str, value: &str, allowed: &str| {
        AwsError::new("ValidationException", 400, format!("1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{allowed}]"))
    };
    let ty = PolicyType::parse(&r.policy_type)
        .ok_or_else(|| invalid("policyType", &r.policy_type, "IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY"))?;
    const RESOURCE_TYPES: &[&str] = &[
        "AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPoint", "AWS::S3ObjectLambda::AccessPoint", TRUST_POLICY_RESOURCE_TYPE, "AWS::DynamoDB::Table",
    ];
    if let Some(rt) = &r.validate_policy_resource_type {
        if !RESOURCE_TYPES.contains(&rt.as_str()) {
            return Err(invalid("validatePolicyResourceType", rt, &RESOURCE_TYPES.join(", ")));
        }
        if ty != PolicyType::Resource {
            return Err(AwsError::new("ValidationException", 400, "validatePolicyResourceType can be given only for policyType RESOURCE_POLICY"));
        }
    }
    if r.locale.as_deref().is_some_and(|l| l != "EN") {
        return Err(AwsError::new("ValidationException", 400, "The simulator reports findings in English only (locale EN)"));
    }
    let trust = r.validate_policy_resource_type.as_deref() == Some(TRUST_POLICY_RESOURCE_TYPE);
    Ok(ValidatePolicyResponse { findings: validate(&r.policy_document.0, ty, trust) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(doc: &str, ty: PolicyType, trust: bool) -> Vec<&'static str> {
        validate(doc, ty, trust).into_iter().map(|f| f.issue_code).collect()
    }

    fn identity(doc: &str) -> Vec<&'static str> {
        codes(doc, PolicyType::Identity, false)
    }

    #[test]
    fn a_clean_policy_has_no_findings() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#;
        assert!(validate(doc, PolicyType::Identity, false).is_empty(), "{:?}", validate(doc, PolicyType::Identity, false));
    }

    #[test]
    fn syntax_errors_point_at_the_character() {
        let f = validate("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ }", PolicyType::Identity, false);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].issue_code, "JSON_SYNTAX_ERROR");
        assert_eq!(f[0].finding_type, "ERROR");
        let at = f[0].locations[0].span.start;
        assert_eq!((at.line, at.column), (3, 17));
        assert_eq!(f[0].finding_details, format!("Fix the JSON syntax error at index {} line 3 column 17.", at.offset));
    }

    #[test]
    fn unknown_actions_and_services_with_suggestions() {
        // "The action {{action}} does not exist. Did you mean {{valid_action}}?"
        let f = validate(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObjects","s4:GetObject","iam:*","lambda:Anything"],"Resource":"*"}}"#, PolicyType::Identity, false);
        let by_code = |c: &str| f.iter().find(|x| x.issue_code == c).unwrap();
        assert_eq!(by_code("INVALID_ACTION").finding_details, "The action s3:GetObjects does not exist. Did you mean s3:GetObject?");
        assert_eq!(by_code("INVALID_ACTION").locations[0].path_text(), "Statement.Action[0]");
        assert_eq!(by_code("INVALID_SERVICE_IN_ACTION").finding_details, "The service s4 specified in the action does not exist. Did you mean s3?");
        // lambda's actions are not listed; iam:* on "*" is a PassRole security warning.
        assert_eq!(f.iter().map(|x| x.issue_code).collect::<Vec<_>>(), ["INVALID_ACTION", "INVALID_SERVICE_IN_ACTION", "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"]);
    }

    #[test]
    fn missing_version_is_a_warning_and_locations_are_zero_based_columns() {
        let f = validate(r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#, PolicyType::Identity, false);
        assert_eq!(f.iter().map(|x| (x.finding_type, x.issue_code)).collect::<Vec<_>>(), [("WARNING", "MISSING_VERSION")]);
        assert_eq!(f[0].locations[0].span.start, Position { line: 1, column: 0, offset: 0 });
        assert!(f[0].learn_more_link.ends_with("#access-analyzer-reference-policy-checks-general-warning-missing-version"));
    }

    #[test]
    fn pass_role_with_star_is_a_security_warning() {
        let f = identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#);
        assert_eq!(f, ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]);
        let f = identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#);
        assert_eq!(f, ["PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE"]);
        let f = identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}"#);
        assert!(f.is_empty(), "{f:?}");
        let f = identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"}]}"#);
        assert!(f.is_empty(), "a Deny is never overly permissive: {f:?}");
    }

    #[test]
    fn redundancy_suggestions() {
        let f = validate(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/k"]},{"Effect":"Allow","Action":["s3:Get*","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/k"]}]}"#,
            PolicyType::Identity,
            false,
        );
        let codes: Vec<_> = f.iter().map(|x| x.issue_code).collect();
        assert_eq!(codes.iter().filter(|c| **c == "REDUNDANT_ACTION").count(), 2);
        assert_eq!(codes.iter().filter(|c| **c == "REDUNDANT_RESOURCE").count(), 2);
        let st = f.iter().find(|x| x.issue_code == "REDUNDANT_STATEMENT").unwrap();
        assert_eq!(st.locations[0].path_text(), "Statement[1]");
        let ra = f.iter().find(|x| x.issue_code == "REDUNDANT_ACTION").unwrap();
        assert_eq!(ra.finding_details, "The 1 action(s) are redundant because they provide similar permissions. Update the policy to remove the redundant action such as: s3:GetObject.");
    }

    #[test]
    fn resource_arns_must_fit_the_action() {
        // s3:GetObject applies to objects; a bucket ARN gives it nothing.
        let f = validate(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b"}]}"#, PolicyType::Identity, false);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].issue_code, "ACTION_RESOURCE_MISMATCH");
        assert_eq!(f[0].locations[0].path_text(), "Statement[0].Action[0]");
        assert!(f[0].finding_details.contains("arn:${Partition}:s3:::${BucketName}/${ObjectName}"), "{}", f[0].finding_details);
        assert!(f[0].learn_more_link.contains("Cloudbook check"));
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:keys/1"}]}"#), ["INVALID_ARN_RESOURCE"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms::111122223333:key/1"}]}"#), ["MISSING_ARN_REGION"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:1111:key/1"}]}"#), ["INVALID_ARN_ACCOUNT"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"key/1"}]}"#), ["INVALID_ARN_PREFIX"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3"}]}"#), ["MISSING_ARN_FIELD"]);
    }

    #[test]
    fn resource_policy_principals() {
        let f = codes(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#, PolicyType::Resource, false);
        assert_eq!(f, ["ALLOW_WITH_NOT_PRINCIPAL"]);
        let f = codes(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#, PolicyType::Resource, false);
        assert_eq!(f, ["PUBLIC_ACCESS"]);
        let f = codes(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}"#, PolicyType::Resource, false);
        assert!(f.is_empty(), "{f:?}");
        let f = codes(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#, PolicyType::Resource, false);
        assert_eq!(f, ["MISSING_PRINCIPAL"]);
        let f = identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#);
        assert_eq!(f, ["UNSUPPORTED_PRINCIPAL"]);
    }

    #[test]
    fn trust_policy_checks() {
        let oidc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
        assert_eq!(codes(oidc, PolicyType::Resource, true), ["MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL"]);
        let scoped = oidc.replace(r#""Action":"sts:AssumeRoleWithWebIdentity""#, r#""Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#);
        assert!(codes(&scoped, PolicyType::Resource, true).is_empty());
        let star = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
        assert_eq!(codes(star, PolicyType::Resource, true), ["ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE"]);
    }

    #[test]
    fn structural_errors() {
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[]}"#), ["MISSING_STATEMENT"]);
        assert_eq!(identity(r#"{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#), ["INVALID_VERSION"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}]}"#), ["INVALID_EFFECT"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Resource":"*"}]}"#), ["MISSING_EFFECT"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#), ["MISSING_ACTION"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#), ["MISSING_RESOURCE"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":[]}]}"#), ["EMPTY_ARRAY_ACTION", "EMPTY_ARRAY_RESOURCE"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statment":[]}"#), ["MISSING_STATEMENT", "INVALID_POLICY_ELEMENT"]);
        let dup = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#;
        assert_eq!(identity(dup), ["UNIQUE_SIDS_REQUIRED"]);
        let dup_resource = dup.replace(r#""Resource":"*"}"#, r#""Principal":{"AWS":"111122223333"},"Resource":"arn:aws:s3:::b/*"}"#);
        assert_eq!(codes(&dup_resource, PolicyType::Resource, false), ["UNIQUE_SIDS_RECOMMENDED"]);
    }

    proptest::proptest! {
        /// Any text gets findings, never a panic.
        #[test]
        fn validation_never_panics(s in "[{}\\[\\]\":, a-zA-Z0-9*$?/-]{0,160}") {
            for ty in [PolicyType::Identity, PolicyType::Resource, PolicyType::ServiceControl] {
                let _ = validate(&s, ty, false);
                let _ = validate(&s, ty, true);
            }
        }
    }

    #[test]
    fn condition_checks() {
        let f = identity(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"dev*","aws:SourceIP2":"x"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.1"]},"StringEqualz":{"s3:prefix":"a"}}}]}"#,
        );
        assert_eq!(f, ["WILDCARD_WITHOUT_LIKE_OPERATOR", "INVALID_GLOBAL_CONDITION_KEY", "PRIVATE_IP_ADDRESS", "INVALID_CONDITION_OPERATOR"]);
        assert_eq!(identity(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{}}]}"#), ["EMPTY_OBJECT_CONDITION"]);
        assert!(private_ip("172.20.1.1") && !private_ip("203.0.113.0/24"));
    }
}
