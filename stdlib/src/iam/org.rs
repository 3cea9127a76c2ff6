//! AWS Organizations: the organization, member accounts, OUs, and service control policies.
//!
//! SCPs take effect once the SERVICE_CONTROL_POLICY type is enabled on the root; then every
//! root, OU and account carries `FullAWSAccess` unless detached. A request by a principal of a
//! member account (its root user included) must be allowed by some SCP at EVERY level from
//! the root down to the account; SCPs never restrict the management account. New member
//! accounts get `OrganizationAccountAccessRole`, trusted by the management account, with
//! AdministratorAccess — the way AWS creates them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::error::OrgError;
use super::managed;
use super::model::{OrgPolicy, Organization, OrganizationalUnit};
use super::ops::Doc;
use crate::policy::{Policy, PolicyKind};
use crate::world::authz::Authz;
use crate::world::{Account, AwsError, Call, ErrorCode};

pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";

fn org<'a>(c: &'a Call<'_>) -> Result<&'a Organization, AwsError> {
    c.w.iam.organization.as_ref().ok_or_else(|| {
        OrgError::AwsOrganizationsNotInUse.err("Your account is not a member of an organization.")
    })
}

/// Only the management account may manage the organization.
fn management(c: &mut Call<'_>, action: &str) -> Result<Organization, AwsError> {
    let o = org(c)?.clone();
    c.authorize(Authz::new(action, &o.arn))?;
    if c.account() != o.management_account_id {
        return Err(AwsError::new(
            "AccessDeniedException",
            400,
            "You don't have permissions to access this resource. Only the management account can perform this operation.",
        ));
    }
    Ok(o)
}

fn org_mut<'a>(c: &'a mut Call<'_>) -> &'a mut Organization {
    c.w.iam.organization.as_mut().expect("checked")
}

fn lower_alnum(c: &mut Call<'_>, n: usize) -> String {
    c.rng().hex_id(n)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationView {
    pub id: String,
    pub arn: String,
    pub feature_set: &'static str,
    pub master_account_arn: String,
    pub master_account_id: String,
    pub master_account_email: String,
}

fn view(o: &Organization, email: String) -> OrganizationView {
    OrganizationView {
        id: o.id.clone(),
        arn: o.arn.clone(),
        feature_set: "ALL",
        master_account_arn: format!("arn:aws:organizations::{}:account/{}/{}", o.management_account_id, o.id, o.management_account_id),
        master_account_id: o.management_account_id.clone(),
        master_account_email: email,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationResponse {
    pub organization: OrganizationView,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateOrganizationRequest {
    #[serde(default)]
    pub feature_set: Option<String>,
}

pub fn create_organization(c: &mut Call<'_>, r: CreateOrganizationRequest) -> Result<OrganizationResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("organizations:CreateOrganization", "*"))?;
    if r.feature_set.as_deref().is_some_and(|f| f != "ALL") {
        return Err(OrgError::InvalidInput.err("This simulator models organizations with all features (FeatureSet ALL)."));
    }
    if c.w.iam.organization.is_some() {
        return Err(OrgError::AlreadyInOrganization.err("The provided account is already a member of an organization."));
    }
    let id = format!("o-{}", lower_alnum(c, 10));
    let root_id = format!("r-{}", lower_alnum(c, 4));
    let o = Organization {
        arn: format!("arn:aws:organizations::{account}:organization/{id}"),
        id,
        management_account_id: account.clone(),
        root_id: root_id.clone(),
        units: BTreeMap::new(),
        account_parent: [(account.clone(), root_id)].into_iter().collect(),
        policies: BTreeMap::new(),
        attachments: BTreeMap::new(),
    };
    let email = c.w.accounts.get(&account).map(|a| a.email.clone()).unwrap_or_default();
    let v = view(&o, email);
    c.w.iam.organization = Some(o);
    Ok(OrganizationResponse { organization: v })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

pub fn describe_organization(c: &mut Call<'_>, _r: NoParams) -> Result<OrganizationResponse, AwsError> {
    let o = org(c)?.clone();
    c.authorize(Authz::new("organizations:DescribeOrganization", &o.arn))?;
    let email = c.w.accounts.get(&o.management_account_id).map(|a| a.email.clone()).unwrap_or_default();
    Ok(OrganizationResponse { organization: view(&o, email) })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootView {
    pub id: String,
    pub arn: String,
    pub name: &'static str,
    pub policy_types: Vec<PolicyTypeSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyTypeSummary {
    #[serde(rename = "Type")]
    pub kind: String,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRootsResponse {
    pub roots: Vec<RootView>,
}

/// The policy types enabled on the root are recorded as attachments of the marker id
/// `type:<TYPE>` on the root target.
fn type_enabled(o: &Organization, ty: &str) -> bool {
    o.attachments.get(&format!("type:{}", o.root_id)).is_some_and(|s| s.contains(ty))
}

pub fn list_roots(c: &mut Call<'_>, _r: NoParams) -> Result<ListRootsResponse, AwsError> {
    let o = org(c)?.clone();
    c.authorize(Authz::new("organizations:ListRoots", &o.arn))?;
    let policy_types = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
        .iter()
        .filter(|t| type_enabled(&o, t))
        .map(|t| PolicyTypeSummary { kind: t.to_string(), status: "ENABLED" })
        .collect();
    Ok(ListRootsResponse {
        roots: vec![RootView {
            arn: format!("arn:aws:organizations::{}:root/{}/{}", o.management_account_id, o.id, o.root_id),
            id: o.root_id.clone(),
            name: "Root",
            policy_types,
        }],
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EnablePolicyTypeRequest {
    pub root_id: String,
    pub policy_type: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnablePolicyTypeResponse {
    pub root: RootView,
}

fn all_targets(o: &Organization) -> Vec<String> {
    let mut t = vec![o.root_id.clone()];
    t.extend(o.units.keys().cloned());
    t.extend(o.account_parent.keys().cloned());
    t
}

/// Enables SCPs (or RCPs) on the root and attaches the AWS managed full-access policy of that
/// type to every root, OU and account, as Organizations does.
pub fn enable_policy_type(c: &mut Call<'_>, r: EnablePolicyTypeRequest) -> Result<EnablePolicyTypeResponse, AwsError> {
    let o = management(c, "organizations:EnablePolicyType")?;
    if r.root_id != o.root_id {
        return Err(OrgError::ParentNotFound.err(format!("We can't find a root with the ID `{}`.", r.root_id)));
    }
    let (pid, text) = match r.policy_type.as_str() {
        "SERVICE_CONTROL_POLICY" => (FULL_AWS_ACCESS_ID, managed::FULL_AWS_ACCESS),
        "RESOURCE_CONTROL_POLICY" => ("p-RCPFullAWSAccess", managed::RCP_FULL_AWS_ACCESS),
        other => return Err(OrgError::InvalidInput.err(format!("This simulator models SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY, not `{other}`."))),
    };
    if type_enabled(&o, &r.policy_type) {
        return Err(AwsError::new("PolicyTypeAlreadyEnabledException", 400, "The specified policy type is already enabled."));
    }
    let kind = if r.policy_type == "SERVICE_CONTROL_POLICY" { PolicyKind::ServiceControl } else { PolicyKind::ResourceControl };
    let content = Policy::parse(text, kind).map_err(|e| OrgError::MalformedPolicyDocument.err(e.to_string()))?;
    let mgmt = o.management_account_id.clone();
    let org_id = o.id.clone();
    let om = org_mut(c);
    om.policies.insert(
        pid.to_string(),
        OrgPolicy {
            id: pid.to_string(),
            arn: format!("arn:aws:organizations::aws:policy/{}/{pid}", r.policy_type.to_ascii_lowercase()),
            name: pid.trim_start_matches("p-").to_string(),
            description: "Allows access to every operation".into(),
            policy_type: r.policy_type.clone(),
            aws_managed: true,
            content,
        },
    );
    let _ = (mgmt, org_id);
    for t in all_targets(om) {
        om.attachments.entry(t).or_default().insert(pid.to_string());
    }
    let root = om.root_id.clone();
    om.attachments.entry(format!("type:{root}")).or_default().insert(r.policy_type.clone());
    let roots = list_roots_view(c)?;
    Ok(EnablePolicyTypeResponse { root: roots })
}

fn list_roots_view(c: &Call<'_>) -> Result<RootView, AwsError> {
    let o = org(c)?;
    Ok(RootView {
        arn: format!("arn:aws:organizations::{}:root/{}/{}", o.management_account_id, o.id, o.root_id),
        id: o.root_id.clone(),
        name: "Root",
        policy_types: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
            .iter()
            .filter(|t| type_enabled(o, t))
            .map(|t| PolicyTypeSummary { kind: t.to_string(), status: "ENABLED" })
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateAccountRequest {
    pub account_name: String,
    pub email: String,
    #[serde(default)]
    pub role_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountStatus {
    pub id: String,
    pub account_name: String,
    pub state: &'static str,
    pub account_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountResponse {
    pub create_account_status: CreateAccountStatus,
}

/// Creates a member account (immediately SUCCEEDED in the simulator) under the root, with
/// `OrganizationAccountAccessRole` trusting the management account.
pub fn create_account(c: &mut Call<'_>, r: CreateAccountRequest) -> Result<CreateAccountResponse, AwsError> {
    let o = management(c, "organizations:CreateAccount")?;
    if r.account_name.is_empty() || r.account_name.chars().count() > 50 {
        return Err(OrgError::InvalidInput.err("AccountName must be 1 to 50 characters."));
    }
    if !r.email.contains('@') || r.email.len() < 6 || r.email.len() > 64 {
        return Err(OrgError::InvalidInput.err(format!("`{}` is not a valid email address.", r.email)));
    }
    if c.w.accounts.values().any(|a| a.email.eq_ignore_ascii_case(&r.email)) {
        return Err(AwsError::new("DuplicateAccountException", 400, "That account already exists."));
    }
    let role_name = r.role_name.unwrap_or_else(|| "OrganizationAccountAccessRole".into());
    super::ops::check_name("roleName", &role_name, 64)?;
    let id = loop {
        let n = c.rng().below(900_000_000_000) + 100_000_000_000;
        let id = n.to_string();
        if !c.w.accounts.contains_key(&id) {
            break id;
        }
    };
    c.w.accounts.insert(id.clone(), Account { id: id.clone(), name: r.account_name.clone(), email: r.email.clone() });
    let root_id = o.root_id.clone();
    let inherited: BTreeSet<String> = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
        .iter()
        .filter(|t| type_enabled(&o, t))
        .map(|t| if *t == "SERVICE_CONTROL_POLICY" { FULL_AWS_ACCESS_ID.to_string() } else { "p-RCPFullAWSAccess".to_string() })
        .collect();
    let om = org_mut(c);
    om.account_parent.insert(id.clone(), root_id);
    if !inherited.is_empty() {
        om.attachments.insert(id.clone(), inherited);
    }
    // The cross-account admin role AWS creates in every new member account.
    let mgmt = o.management_account_id.clone();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{mgmt}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let trust = Policy::parse(&trust, PolicyKind::Trust).map_err(|e| OrgError::MalformedPolicyDocument.err(e.to_string()))?;
    let arn = format!("arn:aws:iam::{id}:role/{role_name}");
    let role = super::model::Role {
        role_name: role_name.clone(),
        path: "/".into(),
        role_id: c.rng().iam_unique_id("AROA"),
        arn,
        create_date: c.now(),
        assume_role_policy_document: trust,
        description: None,
        max_session_duration: 3600,
        inline: BTreeMap::new(),
        attached: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
        tags: BTreeMap::new(),
        permissions_boundary: None,
        service_linked: None,
        role_last_used: None,
    };
    let acct = c.w.iam.accounts.entry(id.clone()).or_default();
    acct.roles.insert(role_name.to_ascii_lowercase(), role);
    *acct.aws_attachments.entry("arn:aws:iam::aws:policy/AdministratorAccess".into()).or_default() += 1;
    let status_id = format!("car-{}", c.rng().hex_id(32));
    Ok(CreateAccountResponse {
        create_account_status: CreateAccountStatus { id: status_id, account_name: r.account_name, state: "SUCCEEDED", account_id: id },
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountView {
    pub id: String,
    pub arn: String,
    pub email: String,
    pub name: String,
    pub status: &'static str,
    pub joined_method: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountsResponse {
    pub accounts: Vec<AccountView>,
}

pub fn list_accounts(c: &mut Call<'_>, _r: NoParams) -> Result<ListAccountsResponse, AwsError> {
    let o = management(c, "organizations:ListAccounts")?;
    let accounts = o
        .account_parent
        .keys()
        .filter_map(|id| c.w.accounts.get(id))
        .map(|a| AccountView {
            id: a.id.clone(),
            arn: format!("arn:aws:organizations::{}:account/{}/{}", o.management_account_id, o.id, a.id),
            email: a.email.clone(),
            name: a.name.clone(),
            status: "ACTIVE",
            joined_method: if a.id == o.management_account_id { "INVITED" } else { "CREATED" },
        })
        .collect();
    Ok(ListAccountsResponse { accounts })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateOuRequest {
    pub parent_id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OuResponse {
    pub organizational_unit: OuView,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OuView {
    pub id: String,
    pub arn: String,
    pub name: String,
}

fn is_parent(o: &Organization, id: &str) -> bool {
    id == o.root_id || o.units.contains_key(id)
}

pub fn create_organizational_unit(c: &mut Call<'_>, r: CreateOuRequest) -> Result<OuResponse, AwsError> {
    let o = management(c, "organizations:CreateOrganizationalUnit")?;
    if !is_parent(&o, &r.parent_id) {
        return Err(OrgError::ParentNotFound.err(format!("We can't find a root or OU with the ID `{}`.", r.parent_id)));
    }
    if r.name.is_empty() || r.name.chars().count() > 128 {
        return Err(OrgError::InvalidInput.err("Name must be 1 to 128 characters."));
    }
    if o.units.values().any(|u| u.parent_id == r.parent_id && u.name == r.name) {
        return Err(OrgError::DuplicateOrganizationalUnit.err("An OU with the same name already exists."));
    }
    let root_suffix = o.root_id.trim_start_matches("r-").to_string();
    let id = format!("ou-{root_suffix}-{}", lower_alnum(c, 8));
    let arn = format!("arn:aws:organizations::{}:ou/{}/{id}", o.management_account_id, o.id);
    let inherited: BTreeSet<String> = ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
        .iter()
        .filter(|t| type_enabled(&o, t))
        .map(|t| if *t == "SERVICE_CONTROL_POLICY" { FULL_AWS_ACCESS_ID.to_string() } else { "p-RCPFullAWSAccess".to_string() })
        .collect();
    let om = org_mut(c);
    om.units.insert(id.clone(), OrganizationalUnit { id: id.clone(), arn: arn.clone(), name: r.name.clone(), parent_id: r.parent_id });
    if !inherited.is_empty() {
        om.attachments.insert(id.clone(), inherited);
    }
    Ok(OuResponse { organizational_unit: OuView { id, arn, name: r.name } })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MoveAccountRequest {
    pub account_id: String,
    pub source_parent_id: String,
    pub destination_parent_id: String,
}

pub fn move_account(c: &mut Call<'_>, r: MoveAccountRequest) -> Result<super::ops::Empty, AwsError> {
    let o = management(c, "organizations:MoveAccount")?;
    let Some(cur) = o.account_parent.get(&r.account_id) else {
        return Err(OrgError::AccountNotFound.err(format!("We can't find an account with the ID `{}`.", r.account_id)));
    };
    if *cur != r.source_parent_id {
        return Err(AwsError::new("SourceParentNotFoundException", 400, format!("The account is not in the parent `{}`.", r.source_parent_id)));
    }
    if !is_parent(&o, &r.destination_parent_id) {
        return Err(AwsError::new("DestinationParentNotFoundException", 400, format!("We can't find a root or OU with the ID `{}`.", r.destination_parent_id)));
    }
    org_mut(c).account_parent.insert(r.account_id, r.destination_parent_id);
    Ok(super::ops::Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreatePolicyRequest {
    pub content: Doc,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "Type")]
    pub policy_type: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicySummary {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    #[serde(rename = "Type")]
    pub policy_type: String,
    pub aws_managed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyView {
    pub policy_summary: PolicySummary,
    pub content: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyResponse {
    pub policy: PolicyView,
}

fn summary(p: &OrgPolicy) -> PolicySummary {
    PolicySummary {
        id: p.id.clone(),
        arn: p.arn.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        policy_type: p.policy_type.clone(),
        aws_managed: p.aws_managed,
    }
}

/// SCP documents are limited to 5,120 characters.
const SCP_SIZE: usize = 5120;

pub fn create_policy(c: &mut Call<'_>, r: CreatePolicyRequest) -> Result<PolicyResponse, AwsError> {
    let o = management(c, "organizations:CreatePolicy")?;
    let kind = match r.policy_type.as_str() {
        "SERVICE_CONTROL_POLICY" => PolicyKind::ServiceControl,
        "RESOURCE_CONTROL_POLICY" => PolicyKind::ResourceControl,
        other => return Err(OrgError::InvalidInput.err(format!("This simulator models SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY, not `{other}`."))),
    };
    let content = Policy::parse(&r.content.0, kind).map_err(|e| OrgError::MalformedPolicyDocument.err(e.to_string()))?;
    if r.content.0.chars().count() > SCP_SIZE {
        return Err(AwsError::new("ConstraintViolationException", 400, "You attempted to create a policy larger than the maximum size (5,120 characters)."));
    }
    if r.name.is_empty() || r.name.chars().count() > 128 {
        return Err(OrgError::InvalidInput.err("Name must be 1 to 128 characters."));
    }
    if o.policies.values().any(|p| p.name == r.name && p.policy_type == r.policy_type) {
        return Err(AwsError::new("DuplicatePolicyException", 400, "A policy with the same name already exists."));
    }
    let id = format!("p-{}", lower_alnum(c, 8));
    let p = OrgPolicy {
        arn: format!("arn:aws:organizations::{}:policy/{}/{}/{id}", o.management_account_id, o.id, r.policy_type.to_ascii_lowercase()),
        id: id.clone(),
        name: r.name,
        description: r.description,
        policy_type: r.policy_type,
        aws_managed: false,
        content,
    };
    let out = PolicyView { policy_summary: summary(&p), content: r.content.0 };
    org_mut(c).policies.insert(id, p);
    Ok(PolicyResponse { policy: out })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttachPolicyRequest {
    pub policy_id: String,
    pub target_id: String,
}

fn is_target(o: &Organization, id: &str) -> bool {
    is_parent(o, id) || o.account_parent.contains_key(id)
}

pub fn attach_policy(c: &mut Call<'_>, r: AttachPolicyRequest) -> Result<super::ops::Empty, AwsError> {
    let o = management(c, "organizations:AttachPolicy")?;
    let Some(p) = o.policies.get(&r.policy_id) else {
        return Err(OrgError::PolicyNotFound.err(format!("We can't find a policy with the PolicyId `{}`.", r.policy_id)));
    };
    if !type_enabled(&o, &p.policy_type) {
        return Err(AwsError::new("PolicyTypeNotEnabledException", 400, "This operation can be performed only for enabled policy types."));
    }
    if !is_target(&o, &r.target_id) {
        return Err(OrgError::TargetNotFound.err(format!("We can't find a root, OU, or account with the TargetId `{}`.", r.target_id)));
    }
    if o.attachments.get(&r.target_id).is_some_and(|s| s.contains(&r.policy_id)) {
        return Err(OrgError::DuplicatePolicyAttachment.err("A policy with the same name is already attached."));
    }
    org_mut(c).attachments.entry(r.target_id).or_default().insert(r.policy_id);
    Ok(super::ops::Empty {})
}

pub fn detach_policy(c: &mut Call<'_>, r: AttachPolicyRequest) -> Result<super::ops::Empty, AwsError> {
    let o = management(c, "organizations:DetachPolicy")?;
    if !o.policies.contains_key(&r.policy_id) {
        return Err(OrgError::PolicyNotFound.err(format!("We can't find a policy with the PolicyId `{}`.", r.policy_id)));
    }
    if !o.attachments.get(&r.target_id).is_some_and(|s| s.contains(&r.policy_id)) {
        return Err(OrgError::PolicyNotAttached.err("The policy isn't attached to the specified target in the specified root."));
    }
    if r.policy_id == "p-RCPFullAWSAccess" {
        return Err(AwsError::new("ConstraintViolationException", 400, "You can't detach the RCPFullAWSAccess policy."));
    }
    // Every target must keep at least one SCP attached.
    let p = &o.policies[&r.policy_id];
    let remaining = o.attachments[&r.target_id].iter().filter(|id| *id != &r.policy_id && o.policies.get(*id).is_some_and(|q| q.policy_type == p.policy_type)).count();
    if p.policy_type == "SERVICE_CONTROL_POLICY" && remaining == 0 {
        return Err(AwsError::new(
            "ConstraintViolationException",
            400,
            "You can't detach the last SCP from a root, OU or account: every target must have at least one SCP attached.",
        ));
    }
    org_mut(c).attachments.get_mut(&r.target_id).expect("checked").remove(&r.policy_id);
    Ok(super::ops::Empty {})
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListPoliciesRequest {
    #[serde(default)]
    pub filter: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesResponse {
    pub policies: Vec<PolicySummary>,
}

pub fn list_policies(c: &mut Call<'_>, r: ListPoliciesRequest) -> Result<ListPoliciesResponse, AwsError> {
    let o = management(c, "organizations:ListPolicies")?;
    let filter = r.filter.unwrap_or_else(|| "SERVICE_CONTROL_POLICY".into());
    Ok(ListPoliciesResponse { policies: o.policies.values().filter(|p| p.policy_type == filter).map(summary).collect() })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyIdRequest {
    pub policy_id: String,
}

pub fn delete_policy(c: &mut Call<'_>, r: PolicyIdRequest) -> Result<super::ops::Empty, AwsError> {
    let o = management(c, "organizations:DeletePolicy")?;
    let Some(p) = o.policies.get(&r.policy_id) else {
        return Err(OrgError::PolicyNotFound.err(format!("We can't find a policy with the PolicyId `{}`.", r.policy_id)));
    };
    if p.aws_managed {
        return Err(AwsError::new("ConstraintViolationException", 400, "You can't delete an AWS managed policy."));
    }
    if o.attachments.iter().any(|(t, s)| !t.starts_with("type:") && s.contains(&r.policy_id)) {
        return Err(OrgError::PolicyInUse.err("The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation."));
    }
    org_mut(c).policies.remove(&r.policy_id);
    Ok(super::ops::Empty {})
}
