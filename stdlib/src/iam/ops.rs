//! IAM operations: one function per AWS API operation, named as AWS names them.
//!
//! Every operation authorizes first (`iam:<Operation>` on the entity's ARN), then validates,
//! then mutates, so a failed call changes nothing. Names are unique case-insensitively
//! within an account; the ARN keeps the name as created.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::error::IamError;
use super::managed;
use super::model::*;
use crate::policy::{Policy, PolicyKind};
use crate::world::authz::Authz;
use crate::world::{AwsError, Call, ErrorCode, Timestamp};

// ---------------------------------------------------------------------------------------------
// Quotas (IAM User Guide, "IAM and AWS STS quotas"; see aws-facts.md §3.8).

pub const MAX_USERS: usize = 5000;
pub const MAX_GROUPS: usize = 300;
pub const MAX_ROLES: usize = 1000;
pub const MAX_CUSTOMER_POLICIES: usize = 1500;
pub const MAX_GROUPS_PER_USER: usize = 10;
pub const MAX_MANAGED_PER_ENTITY: usize = 10;
pub const MAX_ACCESS_KEYS: usize = 2;
pub const MAX_POLICY_VERSIONS: usize = 5;
pub const MAX_TAGS: usize = 50;
/// Aggregate inline policy sizes (characters, whitespace not counted).
pub const USER_INLINE_SIZE: usize = 2048;
pub const GROUP_INLINE_SIZE: usize = 5120;
pub const ROLE_INLINE_SIZE: usize = 10240;
pub const MANAGED_POLICY_SIZE: usize = 6144;
pub const TRUST_POLICY_SIZE: usize = 2048;

/// A policy document parameter: JSON text as pasted from AWS's docs, or a map.
#[derive(Clone, Debug, Serialize)]
pub struct Doc(pub String);

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Doc(s)),
            v @ Value::Object(_) => Ok(Doc(serde_json::to_string_pretty(&v).unwrap_or_default())),
            other => Err(serde::de::Error::custom(format!("a policy document must be JSON text or a map, not `{other}`"))),
        }
    }
}

/// Characters IAM counts toward a policy's size: everything but white space.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Parses a policy document, failing with MalformedPolicyDocument (where and why).
pub fn parse_doc(doc: &Doc, kind: PolicyKind) -> Result<Policy, AwsError> {
    Policy::parse(&doc.0, kind).map_err(|e| IamError::MalformedPolicyDocument.err(e.to_string()))
}

pub(crate) fn validation(field: &str, value: &str, constraint: &str) -> AwsError {
    IamError::ValidationError.err(format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    ))
}

/// IAM entity names: `[\w+=,.@-]+`, 1..=max characters.
pub fn check_name(field: &str, name: &str, max: usize) -> Result<(), AwsError> {
    if name.is_empty() || name.chars().count() > max {
        return Err(validation(field, name, &format!("Member must have length less than or equal to {max}")));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(validation(field, name, r"Member must satisfy regular expression pattern: [\w+=,.@-]+"));
    }
    Ok(())
}

/// Paths: `/` or `/.../` with printable ASCII, at most 512 characters.
pub fn check_path(path: &str) -> Result<(), AwsError> {
    let ok = path.len() <= 512
        && path.starts_with('/')
        && path.ends_with('/')
        && path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    if ok {
        Ok(())
    } else {
        Err(validation("path", path, r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)"))
    }
}

fn no_such(kind: &str, name: &str) -> AwsError {
    IamError::NoSuchEntity.err(format!("The {kind} with name {name} cannot be found."))
}

fn exists(kind: &str, name: &str) -> AwsError {
    IamError::EntityAlreadyExists.err(format!("{kind} with name {name} already exists."))
}

fn quota(what: &str, n: usize) -> AwsError {
    IamError::LimitExceeded.err(format!("Cannot exceed quota for {what}: {n}"))
}

pub(crate) fn tags_map(tags: &[Tag]) -> Result<BTreeMap<String, String>, AwsError> {
    if tags.len() > MAX_TAGS {
        return Err(quota("TagsPerEntity", MAX_TAGS));
    }
    let mut m = BTreeMap::new();
    for t in tags {
        if t.key.is_empty() || t.key.chars().count() > 128 {
            return Err(validation("tags.member.key", &t.key, "Member must have length less than or equal to 128"));
        }
        if t.value.chars().count() > 256 {
            return Err(validation("tags.member.value", &t.value, "Member must have length less than or equal to 256"));
        }
        if m.insert(t.key.clone(), t.value.clone()).is_some() {
            return Err(IamError::InvalidInput.err(format!("Duplicate tag key `{}`", t.key)));
        }
    }
    Ok(m)
}

pub(crate) fn tags_list(m: &BTreeMap<String, String>) -> Vec<Tag> {
    m.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn iam_arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

/// The account's IAM, created on first use.
pub fn account_iam<'a>(c: &'a mut Call<'_>, account: &str) -> &'a mut AccountIam {
    c.w.iam.accounts.entry(account.to_string()).or_default()
}

fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn authorize(c: &mut Call<'_>, action: &str, arn: &str) -> Result<(), AwsError> {
    c.authorize(Authz::new(action, arn))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Views: entities as AWS's API returns them.

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoundaryView {
    pub permissions_boundary_type: &'static str,
    pub permissions_boundary_arn: String,
}

fn boundary_view(b: &Option<String>) -> Option<BoundaryView> {
    b.as_ref().map(|arn| BoundaryView { permissions_boundary_type: "Policy", permissions_boundary_arn: arn.clone() })
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserView {
    pub path: String,
    pub user_name: String,
    pub user_id: String,
    pub arn: String,
    pub create_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            path: u.path.clone(),
            user_name: u.user_name.clone(),
            user_id: u.user_id.clone(),
            arn: u.arn.clone(),
            create_date: u.create_date,
            permissions_boundary: boundary_view(&u.permissions_boundary),
            tags: tags_list(&u.tags),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupView {
    pub path: String,
    pub group_name: String,
    pub group_id: String,
    pub arn: String,
    pub create_date: Timestamp,
}

impl From<&Group> for GroupView {
    fn from(g: &Group) -> Self {
        GroupView { path: g.path.clone(), group_name: g.group_name.clone(), group_id: g.group_id.clone(), arn: g.arn.clone(), create_date: g.create_date }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleView {
    pub path: String,
    pub role_name: String,
    pub role_id: String,
    pub arn: String,
    pub create_date: Timestamp,
    /// The trust policy, decoded (as boto3 returns it).
    pub assume_role_policy_document: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub max_session_duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl From<&Role> for RoleView {
    fn from(r: &Role) -> Self {
        RoleView {
            path: r.path.clone(),
            role_name: r.role_name.clone(),
            role_id: r.role_id.clone(),
            arn: r.arn.clone(),
            create_date: r.create_date,
            assume_role_policy_document: r.assume_role_policy_document.to_json(),
            description: r.description.clone(),
            max_session_duration: r.max_session_duration,
            permissions_boundary: boundary_view(&r.permissions_boundary),
            tags: tags_list(&r.tags),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyView {
    pub policy_name: String,
    pub policy_id: String,
    pub arn: String,
    pub path: String,
    pub default_version_id: String,
    pub attachment_count: u32,
    pub permissions_boundary_usage_count: u32,
    pub is_attachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub create_date: Timestamp,
    pub update_date: Timestamp,
}

impl From<&ManagedPolicy> for PolicyView {
    fn from(p: &ManagedPolicy) -> Self {
        PolicyView {
            policy_name: p.policy_name.clone(),
            policy_id: p.policy_id.clone(),
            arn: p.arn.clone(),
            path: p.path.clone(),
            default_version_id: p.default_version().version_id.clone(),
            attachment_count: p.attachment_count,
            permissions_boundary_usage_count: p.permissions_boundary_usage_count,
            is_attachable: true,
            description: p.description.clone(),
            create_date: p.create_date,
            update_date: p.update_date,
        }
    }
}

fn aws_policy_view(m: &managed::AwsManaged, attachments: u32) -> PolicyView {
    PolicyView {
        policy_name: m.name.into(),
        policy_id: m.policy_id(),
        arn: m.arn(),
        path: m.path.into(),
        default_version_id: m.version_id.into(),
        attachment_count: attachments,
        permissions_boundary_usage_count: 0,
        is_attachable: true,
        description: Some(m.description.into()),
        create_date: Timestamp::parse(m.create_date).unwrap_or_default(),
        update_date: Timestamp::parse(m.update_date).unwrap_or_default(),
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
}

// ---------------------------------------------------------------------------------------------
// Users

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    pub user_name: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserResponse {
    pub user: UserView,
}

pub fn create_user(c: &mut Call<'_>, r: CreateUserRequest) -> Result<UserResponse, AwsError> {
    let account = c.account();
    let path = r.path.unwrap_or_else(|| "/".into());
    let arn = iam_arn(&account, "user", &path, &r.user_name);
    authorize(c, "iam:CreateUser", &arn)?;
    check_name("userName", &r.user_name, 64)?;
    check_path(&path)?;
    let tags = tags_map(&r.tags)?;
    if let Some(b) = &r.permissions_boundary {
        boundary_policy(c, &account, b)?;
    }
    let iam = account_iam(c, &account);
    if iam.users.contains_key(&key(&r.user_name)) {
        return Err(exists("User", &r.user_name));
    }
    if iam.users.len() >= MAX_USERS {
        return Err(quota("UsersPerAccount", MAX_USERS));
    }
    let user_id = c.rng().iam_unique_id("AIDA");
    let user = User {
        user_name: r.user_name.clone(),
        path,
        user_id,
        arn: arn.clone(),
        create_date: c.now(),
        inline: BTreeMap::new(),
        attached: vec![],
        groups: vec![],
        tags,
        permissions_boundary: None,
        access_keys: vec![],
        mfa_devices: vec![],
    };
    let view = UserView::from(&user);
    account_iam(c, &account).users.insert(key(&r.user_name), user);
    if let Some(b) = r.permissions_boundary {
        set_boundary(c, &account, Entity::User, &r.user_name, Some(b));
    }
    c.resource(&arn, "AWS::IAM::User");
    let user = &account_iam(c, &account).users[&key(&r.user_name)];
    Ok(UserResponse { user: UserView { permissions_boundary: boundary_view(&user.permissions_boundary), ..view } })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserNameRequest {
    #[serde(default)]
    pub user_name: Option<String>,
}

/// The user named in a request, or (GetUser without a name) the calling user.
pub fn user_of(c: &Call<'_>, account: &str, name: &str) -> Result<User, AwsError> {
    c.w.iam
        .accounts
        .get(account)
        .and_then(|a| a.users.get(&key(name)))
        .cloned()
        .ok_or_else(|| no_such("user", name))
}

pub fn get_user(c: &mut Call<'_>, r: UserNameRequest) -> Result<UserResponse, AwsError> {
    let account = c.account();
    let name = match (&r.user_name, c.principal()) {
        (Some(n), _) => n.clone(),
        (None, crate::world::Principal::User { name, .. }) => name.clone(),
        (None, _) => {
            return Err(IamError::ValidationError.err("Must specify userName when calling with non-User credentials"));
        }
    };
    let arn = user_of(c, &account, &name).map(|u| u.arn).unwrap_or_else(|_| iam_arn(&account, "user", "/", &name));
    authorize(c, "iam:GetUser", &arn)?;
    let u = user_of(c, &account, &name)?;
    Ok(UserResponse { user: UserView::from(&u) })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListRequest {
    #[serde(default)]
    pub path_prefix: Option<String>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersResponse {
    pub users: Vec<UserView>,
    pub is_truncated: bool,
}

pub fn list_users(c: &mut Call<'_>, r: ListRequest) -> Result<ListUsersResponse, AwsError> {
    let account = c.account();
    authorize(c, "iam:ListUsers", &format!("arn:aws:iam::{account}:user/"))?;
    let prefix = r.path_prefix.unwrap_or_else(|| "/".into());
    let users = c
        .w
        .iam
        .accounts
        .get(&account)
        .map(|a| a.users.values().filter(|u| u.path.starts_with(&prefix)).map(UserView::from).collect())
        .unwrap_or_default();
    Ok(ListUsersResponse { users, is_truncated: false })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteUserRequest {
    pub user_name: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Empty {}

pub fn delete_user(c: &mut Call<'_>, r: DeleteUserRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let u = user_of(c, &account, &r.user_name);
    let arn = u.as_ref().map(|u| u.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "user", "/", &r.user_name));
    authorize(c, "iam:DeleteUser", &arn)?;
    let u = u?;
    // IAM refuses to delete a user that still has attachments (the CLI's delete-user does not
    // clean up for you).
    if c.w.iam.accounts.get(&account).is_some_and(|a| super::account::has_login_profile(a, &u.user_name)) {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete login profile first."));
    }
    if !u.access_keys.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete access keys first."));
    }
    if !u.mfa_devices.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete MFA device first."));
    }
    if !u.inline.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete policies first."));
    }
    if !u.attached.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must detach all policies first."));
    }
    if !u.groups.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must remove users from group first."));
    }
    if let Some(b) = &u.permissions_boundary {
        adjust_boundary_count(c, &account, b, -1);
    }
    account_iam(c, &account).users.remove(&key(&r.user_name));
    c.resource(&arn, "AWS::IAM::User");
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// Groups

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateGroupRequest {
    pub group_name: String,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupResponse {
    pub group: GroupView,
}

pub fn create_group(c: &mut Call<'_>, r: CreateGroupRequest) -> Result<GroupResponse, AwsError> {
    let account = c.account();
    let path = r.path.unwrap_or_else(|| "/".into());
    let arn = iam_arn(&account, "group", &path, &r.group_name);
    authorize(c, "iam:CreateGroup", &arn)?;
    check_name("groupName", &r.group_name, 128)?;
    check_path(&path)?;
    let iam = account_iam(c, &account);
    if iam.groups.contains_key(&key(&r.group_name)) {
        return Err(exists("Group", &r.group_name));
    }
    if iam.groups.len() >= MAX_GROUPS {
        return Err(quota("GroupsPerAccount", MAX_GROUPS));
    }
    let group = Group {
        group_name: r.group_name.clone(),
        path,
        group_id: c.rng().iam_unique_id("AGPA"),
        arn: arn.clone(),
        create_date: c.now(),
        inline: BTreeMap::new(),
        attached: vec![],
    };
    let view = GroupView::from(&group);
    account_iam(c, &account).groups.insert(key(&r.group_name), group);
    c.resource(&arn, "AWS::IAM::Group");
    Ok(GroupResponse { group: view })
}

fn group_of(c: &Call<'_>, account: &str, name: &str) -> Result<Group, AwsError> {
    c.w.iam.accounts.get(account).and_then(|a| a.groups.get(&key(name))).cloned().ok_or_else(|| no_such("group", name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GroupNameRequest {
    pub group_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupResponse {
    pub group: GroupView,
    pub users: Vec<UserView>,
    pub is_truncated: bool,
}

pub fn get_group(c: &mut Call<'_>, r: GroupNameRequest) -> Result<GetGroupResponse, AwsError> {
    let account = c.account();
    let g = group_of(c, &account, &r.group_name);
    let arn = g.as_ref().map(|g| g.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "group", "/", &r.group_name));
    authorize(c, "iam:GetGroup", &arn)?;
    let g = g?;
    let users = c.w.iam.accounts[&account]
        .users
        .values()
        .filter(|u| u.groups.iter().any(|n| n.eq_ignore_ascii_case(&g.group_name)))
        .map(UserView::from)
        .collect();
    Ok(GetGroupResponse { group: GroupView::from(&g), users, is_truncated: false })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsResponse {
    pub groups: Vec<GroupView>,
    pub is_truncated: bool,
}

pub fn list_groups(c: &mut Call<'_>, r: ListRequest) -> Result<ListGroupsResponse, AwsError> {
    let account = c.account();
    authorize(c, "iam:ListGroups", &format!("arn:aws:iam::{account}:group/"))?;
    let prefix = r.path_prefix.unwrap_or_else(|| "/".into());
    let groups = c
        .w
        .iam
        .accounts
        .get(&account)
        .map(|a| a.groups.values().filter(|g| g.path.starts_with(&prefix)).map(GroupView::from).collect())
        .unwrap_or_default();
    Ok(ListGroupsResponse { groups, is_truncated: false })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListGroupsForUserRequest {
    pub user_name: String,
}

pub fn list_groups_for_user(c: &mut Call<'_>, r: ListGroupsForUserRequest) -> Result<ListGroupsResponse, AwsError> {
    let account = c.account();
    let u = user_of(c, &account, &r.user_name);
    let arn = u.as_ref().map(|u| u.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "user", "/", &r.user_name));
    authorize(c, "iam:ListGroupsForUser", &arn)?;
    let u = u?;
    let a = &c.w.iam.accounts[&account];
    let groups = u.groups.iter().filter_map(|g| a.groups.get(&key(g))).map(GroupView::from).collect();
    Ok(ListGroupsResponse { groups, is_truncated: false })
}

pub fn delete_group(c: &mut Call<'_>, r: GroupNameRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let g = group_of(c, &account, &r.group_name);
    let arn = g.as_ref().map(|g| g.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "group", "/", &r.group_name));
    authorize(c, "iam:DeleteGroup", &arn)?;
    let g = g?;
    let has_users = c.w.iam.accounts[&account].users.values().any(|u| u.groups.iter().any(|n| n.eq_ignore_ascii_case(&g.group_name)));
    if has_users {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must remove users from group first."));
    }
    if !g.inline.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete policies first."));
    }
    if !g.attached.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must detach all policies first."));
    }
    account_iam(c, &account).groups.remove(&key(&r.group_name));
    c.resource(&arn, "AWS::IAM::Group");
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserGroupRequest {
    pub group_name: String,
    pub user_name: String,
}

pub fn add_user_to_group(c: &mut Call<'_>, r: UserGroupRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let g = group_of(c, &account, &r.group_name);
    let arn = g.as_ref().map(|g| g.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "group", "/", &r.group_name));
    authorize(c, "iam:AddUserToGroup", &arn)?;
    let g = g?;
    let u = user_of(c, &account, &r.user_name)?;
    if u.groups.iter().any(|n| n.eq_ignore_ascii_case(&g.group_name)) {
        return Ok(Empty {});
    }
    if u.groups.len() >= MAX_GROUPS_PER_USER {
        return Err(quota("GroupsPerUser", MAX_GROUPS_PER_USER));
    }
    account_iam(c, &account).users.get_mut(&key(&r.user_name)).expect("user exists").groups.push(g.group_name.clone());
    c.resource(&arn, "AWS::IAM::Group");
    c.resource(&u.arn, "AWS::IAM::User");
    Ok(Empty {})
}

pub fn remove_user_from_group(c: &mut Call<'_>, r: UserGroupRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let g = group_of(c, &account, &r.group_name);
    let arn = g.as_ref().map(|g| g.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "group", "/", &r.group_name));
    authorize(c, "iam:RemoveUserFromGroup", &arn)?;
    let g = g?;
    let u = user_of(c, &account, &r.user_name)?;
    if !u.groups.iter().any(|n| n.eq_ignore_ascii_case(&g.group_name)) {
        return Err(no_such("user", &r.user_name).with_message(format!(
            "The user with name {} cannot be found in group {}.",
            r.user_name, g.group_name
        )));
    }
    account_iam(c, &account).users.get_mut(&key(&r.user_name)).expect("user exists").groups.retain(|n| !n.eq_ignore_ascii_case(&g.group_name));
    c.resource(&arn, "AWS::IAM::Group");
    Ok(Empty {})
}

trait WithMessage {
    fn with_message(self, m: String) -> Self;
}
impl WithMessage for AwsError {
    fn with_message(mut self, m: String) -> Self {
        self.message = m;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Roles

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateRoleRequest {
    pub role_name: String,
    pub assume_role_policy_document: Doc,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub max_session_duration: Option<i64>,
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleResponse {
    pub role: RoleView,
}

pub fn create_role(c: &mut Call<'_>, r: CreateRoleRequest) -> Result<RoleResponse, AwsError> {
    let account = c.account();
    let path = r.path.clone().unwrap_or_else(|| "/".into());
    let arn = iam_arn(&account, "role", &path, &r.role_name);
    authorize(c, "iam:CreateRole", &arn)?;
    check_name("roleName", &r.role_name, 64)?;
    check_path(&path)?;
    let trust = parse_doc(&r.assume_role_policy_document, PolicyKind::Trust)?;
    if policy_size(trust.text()) > TRUST_POLICY_SIZE {
        return Err(quota("ACLSizePerRole", TRUST_POLICY_SIZE));
    }
    let max = r.max_session_duration.unwrap_or(3600);
    if !(3600..=43200).contains(&max) {
        return Err(validation(
            "maxSessionDuration",
            &max.to_string(),
            if max < 3600 { "Member must have value greater than or equal to 3600" } else { "Member must have value less than or equal to 43200" },
        ));
    }
    let tags = tags_map(&r.tags)?;
    if let Some(b) = &r.permissions_boundary {
        boundary_policy(c, &account, b)?;
    }
    let iam = account_iam(c, &account);
    if iam.roles.contains_key(&key(&r.role_name)) {
        return Err(exists("Role", &r.role_name));
    }
    if iam.roles.len() >= MAX_ROLES {
        return Err(quota("RolesPerAccount", MAX_ROLES));
    }
    let role = Role {
        role_name: r.role_name.clone(),
        path: path.clone(),
        role_id: c.rng().iam_unique_id("AROA"),
        arn: arn.clone(),
        create_date: c.now(),
        assume_role_policy_document: trust,
        description: r.description,
        max_session_duration: max,
        inline: BTreeMap::new(),
        attached: vec![],
        tags,
        permissions_boundary: None,
        service_linked: path.strip_prefix("/aws-service-role/").map(|s| s.trim_end_matches('/').to_string()),
        role_last_used: None,
    };
    account_iam(c, &account).roles.insert(key(&r.role_name), role);
    if let Some(b) = r.permissions_boundary {
        set_boundary(c, &account, Entity::Role, &r.role_name, Some(b));
    }
    c.resource(&arn, "AWS::IAM::Role");
    let role = &account_iam(c, &account).roles[&key(&r.role_name)];
    Ok(RoleResponse { role: RoleView::from(role) })
}

pub fn role_of(c: &Call<'_>, account: &str, name: &str) -> Result<Role, AwsError> {
    c.w.iam.accounts.get(account).and_then(|a| a.roles.get(&key(name))).cloned().ok_or_else(|| no_such("role", name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RoleNameRequest {
    pub role_name: String,
}

pub fn get_role(c: &mut Call<'_>, r: RoleNameRequest) -> Result<RoleResponse, AwsError> {
    let account = c.account();
    let role = role_of(c, &account, &r.role_name);
    let arn = role.as_ref().map(|x| x.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "role", "/", &r.role_name));
    authorize(c, "iam:GetRole", &arn)?;
    Ok(RoleResponse { role: RoleView::from(&role?) })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesResponse {
    pub roles: Vec<RoleView>,
    pub is_truncated: bool,
}

pub fn list_roles(c: &mut Call<'_>, r: ListRequest) -> Result<ListRolesResponse, AwsError> {
    let account = c.account();
    authorize(c, "iam:ListRoles", &format!("arn:aws:iam::{account}:role/"))?;
    let prefix = r.path_prefix.unwrap_or_else(|| "/".into());
    let roles = c
        .w
        .iam
        .accounts
        .get(&account)
        .map(|a| a.roles.values().filter(|x| x.path.starts_with(&prefix)).map(RoleView::from).collect())
        .unwrap_or_default();
    Ok(ListRolesResponse { roles, is_truncated: false })
}

pub fn delete_role(c: &mut Call<'_>, r: RoleNameRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let role = role_of(c, &account, &r.role_name);
    let arn = role.as_ref().map(|x| x.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "role", "/", &r.role_name));
    authorize(c, "iam:DeleteRole", &arn)?;
    let role = role?;
    if let Some(service) = &role.service_linked {
        return Err(IamError::UnmodifiableEntity.err(format!(
            "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS (use DeleteServiceLinkedRole; {service} must not be using it)",
            role.role_name
        )));
    }
    if !role.inline.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must delete policies first."));
    }
    if !role.attached.is_empty() {
        return Err(IamError::DeleteConflict.err("Cannot delete entity, must detach all policies first."));
    }
    if let Some(b) = &role.permissions_boundary {
        adjust_boundary_count(c, &account, b, -1);
    }
    account_iam(c, &account).roles.remove(&key(&r.role_name));
    c.resource(&arn, "AWS::IAM::Role");
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAssumeRolePolicyRequest {
    pub role_name: String,
    pub policy_document: Doc,
}

pub fn update_assume_role_policy(c: &mut Call<'_>, r: UpdateAssumeRolePolicyRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let role = role_of(c, &account, &r.role_name);
    let arn = role.as_ref().map(|x| x.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "role", "/", &r.role_name));
    authorize(c, "iam:UpdateAssumeRolePolicy", &arn)?;
    let role = role?;
    if role.service_linked.is_some() {
        return Err(IamError::UnmodifiableEntity.err(format!(
            "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
            role.role_name
        )));
    }
    let trust = parse_doc(&r.policy_document, PolicyKind::Trust)?;
    if policy_size(trust.text()) > TRUST_POLICY_SIZE {
        return Err(quota("ACLSizePerRole", TRUST_POLICY_SIZE));
    }
    account_iam(c, &account).roles.get_mut(&key(&r.role_name)).expect("role exists").assume_role_policy_document = trust;
    c.resource(&arn, "AWS::IAM::Role");
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateServiceLinkedRoleRequest {
    #[serde(rename = "AWSServiceName")]
    pub aws_service_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub custom_suffix: Option<String>,
}

/// Service-linked role names AWS uses for the services the simulator models.
fn service_linked_name(service: &str) -> Option<&'static str> {
    Some(match service {
        "s3.amazonaws.com" => "AWSServiceRoleForS3",
        "replication.s3.amazonaws.com" => "AWSServiceRoleForS3Replication",
        "ec2.amazonaws.com" => "AWSServiceRoleForEC2",
        "autoscaling.amazonaws.com" => "AWSServiceRoleForAutoScaling",
        "elasticloadbalancing.amazonaws.com" => "AWSServiceRoleForElasticLoadBalancing",
        "organizations.amazonaws.com" => "AWSServiceRoleForOrganizations",
        "kms.amazonaws.com" => "AWSServiceRoleForKeyManagementServiceMultiRegionKeys",
        "route53.amazonaws.com" => "AWSServiceRoleForRoute53",
        "rds.amazonaws.com" => "AWSServiceRoleForRDS",
        _ => return None,
    })
}

pub fn create_service_linked_role(c: &mut Call<'_>, r: CreateServiceLinkedRoleRequest) -> Result<RoleResponse, AwsError> {
    let account = c.account();
    let Some(base) = service_linked_name(&r.aws_service_name) else {
        let arn = format!("arn:aws:iam::{account}:role/aws-service-role/");
        authorize(c, "iam:CreateServiceLinkedRole", &arn)?;
        return Err(IamError::InvalidInput.err(format!("Invalid ServiceName: {}", r.aws_service_name)));
    };
    let name = match &r.custom_suffix {
        Some(s) => format!("{base}_{s}"),
        None => base.to_string(),
    };
    let path = format!("/aws-service-role/{}/", r.aws_service_name);
    let arn = iam_arn(&account, "role", &path, &name);
    authorize(c, "iam:CreateServiceLinkedRole", &arn)?;
    if account_iam(c, &account).roles.contains_key(&key(&name)) {
        return Err(IamError::InvalidInput.err(format!("Service role name {name} has been taken in this account, please try a different suffix.")));
    }
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{}"}},"Action":"sts:AssumeRole"}}]}}"#,
        r.aws_service_name
    );
    let trust = Policy::parse(&trust, PolicyKind::Trust).map_err(|e| IamError::MalformedPolicyDocument.err(e.to_string()))?;
    let role = Role {
        role_name: name.clone(),
        path,
        role_id: c.rng().iam_unique_id("AROA"),
        arn: arn.clone(),
        create_date: c.now(),
        assume_role_policy_document: trust,
        description: r.description,
        max_session_duration: 3600,
        inline: BTreeMap::new(),
        attached: vec![],
        tags: BTreeMap::new(),
        permissions_boundary: None,
        service_linked: Some(r.aws_service_name.clone()),
        role_last_used: None,
    };
    let view = RoleView::from(&role);
    account_iam(c, &account).roles.insert(key(&name), role);
    c.resource(&arn, "AWS::IAM::Role");
    Ok(RoleResponse { role: view })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletionTaskResponse {
    pub deletion_task_id: String,
}

/// Deletes a service-linked role unless the world still has resources of that service using
/// it (the service refuses, and the deletion task fails with the resources named).
pub fn delete_service_linked_role(c: &mut Call<'_>, r: RoleNameRequest) -> Result<DeletionTaskResponse, AwsError> {
    let account = c.account();
    let role = role_of(c, &account, &r.role_name);
    let arn = role.as_ref().map(|x| x.arn.clone()).unwrap_or_else(|_| iam_arn(&account, "role", "/", &r.role_name));
    authorize(c, "iam:DeleteServiceLinkedRole", &arn)?;
    let role = role?;
    let Some(service) = role.service_linked.clone() else {
        return Err(IamError::InvalidInput.err(format!("Role {} is not a service-linked role.", role.role_name)));
    };
    if let Some(used_by) = super::service_linked_role_in_use(c.w, &account, &role.arn) {
        return Err(IamError::DeleteConflict.err(format!(
            "Cannot delete the service-linked role {}: {service} is still using it ({used_by}).",
            role.role_name
        )));
    }
    account_iam(c, &account).roles.remove(&key(&r.role_name));
    c.resource(&arn, "AWS::IAM::Role");
    let id = c.rng().uuid();
    Ok(DeletionTaskResponse { deletion_task_id: format!("task/aws-service-role/{service}/{}/{id}", role.role_name) })
}

// ---------------------------------------------------------------------------------------------
// Entities that hold policies

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    User,
    Group,
    Role,
}

impl Entity {
    fn word(self) -> &'static str {
        match self {
            Entity::User => "user",
            Entity::Group => "group",
            Entity::Role => "role",
        }
    }
    fn inline_limit(self) -> usize {
        match self {
            Entity::User => USER_INLINE_SIZE,
            Entity::Group => GROUP_INLINE_SIZE,
            Entity::Role => ROLE_INLINE_SIZE,
        }
    }
}

/// (arn, inline, attached, service-linked) of an entity.
type EntityParts = (String, BTreeMap<String, Policy>, Vec<String>, bool);

fn entity_parts(c: &Call<'_>, account: &str, e: Entity, name: &str) -> Result<EntityParts, AwsError> {
    let a = c.w.iam.accounts.get(account);
    match e {
        Entity::User => a.and_then(|a| a.users.get(&key(name))).map(|u| (u.arn.clone(), u.inline.clone(), u.attached.clone(), false)),
        Entity::Group => a.and_then(|a| a.groups.get(&key(name))).map(|g| (g.arn.clone(), g.inline.clone(), g.attached.clone(), false)),
        Entity::Role => a
            .and_then(|a| a.roles.get(&key(name)))
            .map(|r| (r.arn.clone(), r.inline.clone(), r.attached.clone(), r.service_linked.is_some())),
    }
    .ok_or_else(|| no_such(e.word(), name))
}

fn with_entity<R>(c: &mut Call<'_>, account: &str, e: Entity, name: &str, f: impl FnOnce(&mut BTreeMap<String, Policy>, &mut Vec<String>) -> R) -> R {
    let a = account_iam(c, account);
    match e {
        Entity::User => {
            let u = a.users.get_mut(&key(name)).expect("checked");
            f(&mut u.inline, &mut u.attached)
        }
        Entity::Group => {
            let g = a.groups.get_mut(&key(name)).expect("checked");
            f(&mut g.inline, &mut g.attached)
        }
        Entity::Role => {
            let r = a.roles.get_mut(&key(name)).expect("checked");
            f(&mut r.inline, &mut r.attached)
        }
    }
}

pub(crate) fn entity_arn_guess(c: &Call<'_>, account: &str, e: Entity, name: &str) -> String {
    entity_parts(c, account, e, name).map(|p| p.0).unwrap_or_else(|_| iam_arn(account, e.word(), "/", name))
}

fn unmodifiable(name: &str) -> AwsError {
    IamError::UnmodifiableEntity.err(format!("Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"))
}

/// PutUserPolicy / PutGroupPolicy / PutRolePolicy.
pub fn put_entity_policy(c: &mut Call<'_>, e: Entity, action: &str, name: &str, policy_name: &str, doc: &Doc) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, inline, _, slr) = entity_parts(c, &account, e, name)?;
    if slr {
        return Err(unmodifiable(name));
    }
    check_name("policyName", policy_name, 128)?;
    let policy = parse_doc(doc, PolicyKind::Identity)?;
    let total: usize = inline.iter().filter(|(n, _)| *n != policy_name).map(|(_, p)| policy_size(p.text())).sum::<usize>() + policy_size(policy.text());
    if total > e.inline_limit() {
        return Err(IamError::LimitExceeded.err(format!("Maximum policy size of {} bytes exceeded for {} {name}", e.inline_limit(), e.word())));
    }
    with_entity(c, &account, e, name, |inline, _| inline.insert(policy_name.to_string(), policy));
    c.resource(&arn, format!("AWS::IAM::{}", capitalize(e.word())));
    Ok(Empty {})
}

fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    cs.next().map(|c| c.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEntityPolicyResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    pub policy_name: String,
    pub policy_document: Value,
}

pub fn get_entity_policy(c: &mut Call<'_>, e: Entity, action: &str, name: &str, policy_name: &str) -> Result<GetEntityPolicyResponse, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, inline, _, _) = entity_parts(c, &account, e, name)?;
    let p = inline
        .get(policy_name)
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("The {} policy with name {policy_name} cannot be found.", e.word())))?;
    let n = Some(name.to_string());
    Ok(GetEntityPolicyResponse {
        user_name: if e == Entity::User { n.clone() } else { None },
        group_name: if e == Entity::Group { n.clone() } else { None },
        role_name: if e == Entity::Role { n } else { None },
        policy_name: policy_name.to_string(),
        policy_document: p.to_json(),
    })
}

pub fn delete_entity_policy(c: &mut Call<'_>, e: Entity, action: &str, name: &str, policy_name: &str) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, inline, _, slr) = entity_parts(c, &account, e, name)?;
    if slr {
        return Err(unmodifiable(name));
    }
    if !inline.contains_key(policy_name) {
        return Err(IamError::NoSuchEntity.err(format!("The {} policy with name {policy_name} cannot be found.", e.word())));
    }
    with_entity(c, &account, e, name, |inline, _| inline.remove(policy_name));
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyNamesResponse {
    pub policy_names: Vec<String>,
    pub is_truncated: bool,
}

pub fn list_entity_policies(c: &mut Call<'_>, e: Entity, action: &str, name: &str) -> Result<ListPolicyNamesResponse, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, inline, _, _) = entity_parts(c, &account, e, name)?;
    Ok(ListPolicyNamesResponse { policy_names: inline.keys().cloned().collect(), is_truncated: false })
}

/// The name of a managed policy (customer or AWS) by ARN, if it exists for `account`.
fn managed_name(c: &Call<'_>, account: &str, arn: &str) -> Option<String> {
    if let Some((m, _)) = managed::find(arn) {
        return Some(m.name.to_string());
    }
    let owner = arn.parse::<crate::world::Arn>().ok()?.account;
    c.w.iam.accounts.get(&owner).and_then(|a| a.policies.get(arn)).filter(|_| owner == account).map(|p| p.policy_name.clone())
}

fn adjust_attachment(c: &mut Call<'_>, account: &str, arn: &str, delta: i64) {
    let iam = account_iam(c, account);
    if let Some(p) = iam.policies.get_mut(arn) {
        p.attachment_count = (p.attachment_count as i64 + delta).max(0) as u32;
    } else {
        let n = iam.aws_attachments.entry(arn.to_string()).or_default();
        *n = (*n as i64 + delta).max(0) as u32;
    }
}

/// AttachUserPolicy / AttachGroupPolicy / AttachRolePolicy.
pub fn attach_entity_policy(c: &mut Call<'_>, e: Entity, action: &str, name: &str, policy_arn: &str) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, _, attached, slr) = entity_parts(c, &account, e, name)?;
    if slr {
        return Err(unmodifiable(name));
    }
    if policy_arn.parse::<crate::world::Arn>().is_err() {
        return Err(IamError::InvalidInput.err(format!("ARN {policy_arn} is not valid.")));
    }
    if managed_name(c, &account, policy_arn).is_none() {
        return Err(IamError::NoSuchEntity.err(format!("Policy {policy_arn} does not exist or is not attachable.")));
    }
    if attached.iter().any(|a| a == policy_arn) {
        return Ok(Empty {});
    }
    if attached.len() >= MAX_MANAGED_PER_ENTITY {
        let what = match e {
            Entity::User => "PoliciesPerUser",
            Entity::Group => "PoliciesPerGroup",
            Entity::Role => "PoliciesPerRole",
        };
        return Err(quota(what, MAX_MANAGED_PER_ENTITY));
    }
    with_entity(c, &account, e, name, |_, attached| attached.push(policy_arn.to_string()));
    adjust_attachment(c, &account, policy_arn, 1);
    c.resource(&arn, format!("AWS::IAM::{}", capitalize(e.word())));
    c.resource(policy_arn, "AWS::IAM::ManagedPolicy");
    Ok(Empty {})
}

pub fn detach_entity_policy(c: &mut Call<'_>, e: Entity, action: &str, name: &str, policy_arn: &str) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, _, attached, slr) = entity_parts(c, &account, e, name)?;
    if slr {
        return Err(unmodifiable(name));
    }
    if !attached.iter().any(|a| a == policy_arn) {
        return Err(IamError::NoSuchEntity.err(format!("Policy {policy_arn} was not found.")));
    }
    with_entity(c, &account, e, name, |_, attached| attached.retain(|a| a != policy_arn));
    adjust_attachment(c, &account, policy_arn, -1);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedResponse {
    pub attached_policies: Vec<AttachedPolicy>,
    pub is_truncated: bool,
}

pub fn list_attached_entity_policies(c: &mut Call<'_>, e: Entity, action: &str, name: &str) -> Result<ListAttachedResponse, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, _, attached, _) = entity_parts(c, &account, e, name)?;
    let attached_policies = attached
        .iter()
        .map(|a| AttachedPolicy { policy_name: managed_name(c, &account, a).unwrap_or_default(), policy_arn: a.clone() })
        .collect();
    Ok(ListAttachedResponse { attached_policies, is_truncated: false })
}

// ---------------------------------------------------------------------------------------------
// Permissions boundaries

/// The managed policy a boundary ARN names (it must exist).
fn boundary_policy(c: &Call<'_>, account: &str, arn: &str) -> Result<Policy, AwsError> {
    if let Some((_, p)) = managed::find(arn) {
        return Ok(p);
    }
    c.w.iam
        .accounts
        .get(account)
        .and_then(|a| a.policies.get(arn))
        .map(|p| p.default_version().document.clone())
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("Scope ARN: {arn} does not exist or is not attachable.")))
}

fn adjust_boundary_count(c: &mut Call<'_>, account: &str, arn: &str, delta: i64) {
    if let Some(p) = account_iam(c, account).policies.get_mut(arn) {
        p.permissions_boundary_usage_count = (p.permissions_boundary_usage_count as i64 + delta).max(0) as u32;
    }
}

fn set_boundary(c: &mut Call<'_>, account: &str, e: Entity, name: &str, arn: Option<String>) {
    let iam = account_iam(c, account);
    let slot = match e {
        Entity::User => &mut iam.users.get_mut(&key(name)).expect("checked").permissions_boundary,
        Entity::Role => &mut iam.roles.get_mut(&key(name)).expect("checked").permissions_boundary,
        Entity::Group => unreachable!("groups have no boundary"),
    };
    let old = std::mem::replace(slot, arn.clone());
    if let Some(o) = old {
        adjust_boundary_count(c, account, &o, -1);
    }
    if let Some(n) = arn {
        adjust_boundary_count(c, account, &n, 1);
    }
}

pub fn put_permissions_boundary(c: &mut Call<'_>, e: Entity, action: &str, name: &str, boundary: &str) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    let (_, _, _, slr) = entity_parts(c, &account, e, name)?;
    if slr {
        return Err(unmodifiable(name));
    }
    boundary_policy(c, &account, boundary)?;
    set_boundary(c, &account, e, name, Some(boundary.to_string()));
    Ok(Empty {})
}

pub fn delete_permissions_boundary(c: &mut Call<'_>, e: Entity, action: &str, name: &str) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    entity_parts(c, &account, e, name)?;
    set_boundary(c, &account, e, name, None);
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// Customer managed policies

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreatePolicyRequest {
    pub policy_name: String,
    pub policy_document: Doc,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyResponse {
    pub policy: PolicyView,
}

fn check_managed_size(p: &Policy) -> Result<(), AwsError> {
    if policy_size(p.text()) > MANAGED_POLICY_SIZE {
        return Err(quota("PolicySize", MANAGED_POLICY_SIZE));
    }
    Ok(())
}

pub fn create_policy(c: &mut Call<'_>, r: CreatePolicyRequest) -> Result<PolicyResponse, AwsError> {
    let account = c.account();
    let path = r.path.unwrap_or_else(|| "/".into());
    let arn = iam_arn(&account, "policy", &path, &r.policy_name);
    authorize(c, "iam:CreatePolicy", &arn)?;
    check_name("policyName", &r.policy_name, 128)?;
    check_path(&path)?;
    tags_map(&r.tags)?;
    let doc = parse_doc(&r.policy_document, PolicyKind::Identity)?;
    check_managed_size(&doc)?;
    let iam = account_iam(c, &account);
    if iam.policies.values().any(|p| p.policy_name.eq_ignore_ascii_case(&r.policy_name) && p.path == path) {
        return Err(IamError::EntityAlreadyExists.err(format!("A policy called {} already exists. Duplicate names are not allowed.", r.policy_name)));
    }
    if iam.policies.len() >= MAX_CUSTOMER_POLICIES {
        return Err(quota("PoliciesPerAccount", MAX_CUSTOMER_POLICIES));
    }
    let now = c.now();
    let policy = ManagedPolicy {
        policy_name: r.policy_name,
        path,
        policy_id: c.rng().iam_unique_id("ANPA"),
        arn: arn.clone(),
        description: r.description,
        create_date: now,
        update_date: now,
        versions: vec![PolicyVersion { version_id: "v1".into(), document: doc, is_default_version: true, create_date: now }],
        next_version: 2,
        attachment_count: 0,
        permissions_boundary_usage_count: 0,
    };
    let view = PolicyView::from(&policy);
    account_iam(c, &account).policies.insert(arn.clone(), policy);
    c.resource(&arn, "AWS::IAM::ManagedPolicy");
    Ok(PolicyResponse { policy: view })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyArnRequest {
    pub policy_arn: String,
}

fn customer_policy(c: &Call<'_>, arn: &str) -> Result<(String, ManagedPolicy), AwsError> {
    let owner = arn.parse::<crate::world::Arn>().map_err(|_| IamError::InvalidInput.err(format!("ARN {arn} is not valid.")))?.account;
    c.w.iam
        .accounts
        .get(&owner)
        .and_then(|a| a.policies.get(arn))
        .cloned()
        .map(|p| (owner, p))
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("Policy {arn} was not found.")))
}

pub fn get_policy(c: &mut Call<'_>, r: PolicyArnRequest) -> Result<PolicyResponse, AwsError> {
    authorize(c, "iam:GetPolicy", &r.policy_arn)?;
    if let Some((m, _)) = managed::find(&r.policy_arn) {
        let account = c.account();
        let n = c.w.iam.accounts.get(&account).and_then(|a| a.aws_attachments.get(&r.policy_arn)).copied().unwrap_or(0);
        return Ok(PolicyResponse { policy: aws_policy_view(m, n) });
    }
    let (_, p) = customer_policy(c, &r.policy_arn)?;
    Ok(PolicyResponse { policy: PolicyView::from(&p) })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyVersionRequest {
    pub policy_arn: String,
    pub version_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VersionView {
    pub document: Value,
    pub version_id: String,
    pub is_default_version: bool,
    pub create_date: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionResponse {
    pub policy_version: VersionView,
}

pub fn get_policy_version(c: &mut Call<'_>, r: PolicyVersionRequest) -> Result<PolicyVersionResponse, AwsError> {
    authorize(c, "iam:GetPolicyVersion", &r.policy_arn)?;
    if let Some((m, p)) = managed::find(&r.policy_arn) {
        if r.version_id != m.version_id {
            return Err(IamError::NoSuchEntity.err(format!("Policy {} version {} does not exist or is not attachable.", r.policy_arn, r.version_id)));
        }
        return Ok(PolicyVersionResponse {
            policy_version: VersionView {
                document: p.to_json(),
                version_id: m.version_id.into(),
                is_default_version: true,
                create_date: Timestamp::parse(m.update_date).unwrap_or_default(),
            },
        });
    }
    let (_, p) = customer_policy(c, &r.policy_arn)?;
    let v = p
        .versions
        .iter()
        .find(|v| v.version_id == r.version_id)
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("Policy {} version {} does not exist or is not attachable.", r.policy_arn, r.version_id)))?;
    Ok(PolicyVersionResponse {
        policy_version: VersionView { document: v.document.to_json(), version_id: v.version_id.clone(), is_default_version: v.is_default_version, create_date: v.create_date },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreatePolicyVersionRequest {
    pub policy_arn: String,
    pub policy_document: Doc,
    #[serde(default)]
    pub set_as_default: bool,
}

pub fn create_policy_version(c: &mut Call<'_>, r: CreatePolicyVersionRequest) -> Result<PolicyVersionResponse, AwsError> {
    authorize(c, "iam:CreatePolicyVersion", &r.policy_arn)?;
    if managed::find(&r.policy_arn).is_some() {
        return Err(IamError::AccessDenied.err("AWS managed policies can't be edited."));
    }
    let (owner, p) = customer_policy(c, &r.policy_arn)?;
    let doc = parse_doc(&r.policy_document, PolicyKind::Identity)?;
    check_managed_size(&doc)?;
    if p.versions.len() >= MAX_POLICY_VERSIONS {
        return Err(IamError::LimitExceeded.err(
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
        ));
    }
    let now = c.now();
    let version_id = format!("v{}", p.next_version);
    let pol = account_iam(c, &owner).policies.get_mut(&r.policy_arn).expect("exists");
    if r.set_as_default {
        pol.versions.iter_mut().for_each(|v| v.is_default_version = false);
    }
    pol.versions.push(PolicyVersion { version_id: version_id.clone(), document: doc.clone(), is_default_version: r.set_as_default, create_date: now });
    pol.next_version += 1;
    pol.update_date = now;
    Ok(PolicyVersionResponse { policy_version: VersionView { document: doc.to_json(), version_id, is_default_version: r.set_as_default, create_date: now } })
}

pub fn set_default_policy_version(c: &mut Call<'_>, r: PolicyVersionRequest) -> Result<Empty, AwsError> {
    authorize(c, "iam:SetDefaultPolicyVersion", &r.policy_arn)?;
    let (owner, p) = customer_policy(c, &r.policy_arn)?;
    if !p.versions.iter().any(|v| v.version_id == r.version_id) {
        return Err(IamError::NoSuchEntity.err(format!("Policy {} version {} does not exist or is not attachable.", r.policy_arn, r.version_id)));
    }
    let now = c.now();
    let pol = account_iam(c, &owner).policies.get_mut(&r.policy_arn).expect("exists");
    pol.versions.iter_mut().for_each(|v| v.is_default_version = v.version_id == r.version_id);
    pol.update_date = now;
    Ok(Empty {})
}

pub fn delete_policy_version(c: &mut Call<'_>, r: PolicyVersionRequest) -> Result<Empty, AwsError> {
    authorize(c, "iam:DeletePolicyVersion", &r.policy_arn)?;
    let (owner, p) = customer_policy(c, &r.policy_arn)?;
    let v = p
        .versions
        .iter()
        .find(|v| v.version_id == r.version_id)
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("Policy {} version {} does not exist or is not attachable.", r.policy_arn, r.version_id)))?;
    if v.is_default_version {
        return Err(IamError::DeleteConflict.err("Cannot delete the default version of a policy."));
    }
    account_iam(c, &owner).policies.get_mut(&r.policy_arn).expect("exists").versions.retain(|v| v.version_id != r.version_id);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsResponse {
    pub versions: Vec<VersionView>,
    pub is_truncated: bool,
}

pub fn list_policy_versions(c: &mut Call<'_>, r: PolicyArnRequest) -> Result<ListPolicyVersionsResponse, AwsError> {
    authorize(c, "iam:ListPolicyVersions", &r.policy_arn)?;
    let (_, p) = customer_policy(c, &r.policy_arn)?;
    // Newest first, as IAM lists them.
    let versions = p
        .versions
        .iter()
        .rev()
        .map(|v| VersionView { document: v.document.to_json(), version_id: v.version_id.clone(), is_default_version: v.is_default_version, create_date: v.create_date })
        .collect();
    Ok(ListPolicyVersionsResponse { versions, is_truncated: false })
}

pub fn delete_policy(c: &mut Call<'_>, r: PolicyArnRequest) -> Result<Empty, AwsError> {
    authorize(c, "iam:DeletePolicy", &r.policy_arn)?;
    let (owner, p) = customer_policy(c, &r.policy_arn)?;
    if p.attachment_count > 0 || p.permissions_boundary_usage_count > 0 {
        return Err(IamError::DeleteConflict.err("Cannot delete a policy attached to entities."));
    }
    if p.versions.len() > 1 {
        return Err(IamError::DeleteConflict.err("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy."));
    }
    account_iam(c, &owner).policies.remove(&r.policy_arn);
    Ok(Empty {})
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListPoliciesRequest {
    /// `All` (default), `AWS` or `Local`.
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub only_attached: bool,
    #[serde(default)]
    pub path_prefix: Option<String>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesResponse {
    pub policies: Vec<PolicyView>,
    pub is_truncated: bool,
}

pub fn list_policies(c: &mut Call<'_>, r: ListPoliciesRequest) -> Result<ListPoliciesResponse, AwsError> {
    let account = c.account();
    authorize(c, "iam:ListPolicies", &format!("arn:aws:iam::{account}:policy/"))?;
    let scope = r.scope.unwrap_or_else(|| "All".into());
    if !["All", "AWS", "Local"].contains(&scope.as_str()) {
        return Err(validation("scope", &scope, "Member must satisfy enum value set: [All, AWS, Local]"));
    }
    let prefix = r.path_prefix.unwrap_or_else(|| "/".into());
    let mut out = vec![];
    let iam = c.w.iam.accounts.get(&account);
    if scope != "Local" {
        for m in managed::AWS_MANAGED {
            let n = iam.and_then(|a| a.aws_attachments.get(&m.arn())).copied().unwrap_or(0);
            out.push(aws_policy_view(m, n));
        }
    }
    if scope != "AWS"
        && let Some(a) = iam
    {
        out.extend(a.policies.values().map(PolicyView::from));
    }
    out.retain(|p| p.path.starts_with(&prefix) && (!r.only_attached || p.attachment_count > 0));
    Ok(ListPoliciesResponse { policies: out, is_truncated: false })
}

// ---------------------------------------------------------------------------------------------
// Access keys

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessKeyUserRequest {
    #[serde(default)]
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyView {
    pub user_name: String,
    pub access_key_id: String,
    pub status: String,
    /// Shown once, at creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<String>,
    pub create_date: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyResponse {
    pub access_key: AccessKeyView,
}

/// The user a key operation is about: the named one, or the calling user.
pub(crate) fn key_user(c: &Call<'_>, name: &Option<String>) -> Result<String, AwsError> {
    match (name, c.principal()) {
        (Some(n), _) => Ok(n.clone()),
        (None, crate::world::Principal::User { name, .. }) => Ok(name.clone()),
        (None, _) => Err(IamError::ValidationError.err("Must specify userName when calling with non-User credentials")),
    }
}

pub fn create_access_key(c: &mut Call<'_>, r: AccessKeyUserRequest) -> Result<CreateAccessKeyResponse, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = entity_arn_guess(c, &account, Entity::User, &name);
    authorize(c, "iam:CreateAccessKey", &arn)?;
    let u = user_of(c, &account, &name)?;
    if u.access_keys.len() >= MAX_ACCESS_KEYS {
        return Err(quota("AccessKeysPerUser", MAX_ACCESS_KEYS));
    }
    let id = c.rng().access_key_id("AKIA");
    let secret = c.rng().secret_access_key();
    let now = c.now();
    c.w.iam.credentials.insert(
        id.clone(),
        Credential::AccessKey {
            account: account.clone(),
            user_name: u.user_name.clone(),
            secret_access_key: secret.clone(),
            status: "Active".into(),
            create_date: now,
            last_used: None,
        },
    );
    account_iam(c, &account).users.get_mut(&key(&name)).expect("exists").access_keys.push(id.clone());
    c.response_elements = json!({ "accessKey": { "accessKeyId": id, "status": "Active", "userName": u.user_name } });
    Ok(CreateAccessKeyResponse {
        access_key: AccessKeyView { user_name: u.user_name, access_key_id: id, status: "Active".into(), secret_access_key: Some(secret), create_date: now },
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysResponse {
    pub access_key_metadata: Vec<AccessKeyView>,
    pub is_truncated: bool,
}

pub fn list_access_keys(c: &mut Call<'_>, r: AccessKeyUserRequest) -> Result<ListAccessKeysResponse, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = entity_arn_guess(c, &account, Entity::User, &name);
    authorize(c, "iam:ListAccessKeys", &arn)?;
    let u = user_of(c, &account, &name)?;
    let access_key_metadata = u
        .access_keys
        .iter()
        .filter_map(|id| match c.w.iam.credentials.get(id) {
            Some(Credential::AccessKey { status, create_date, .. }) => Some(AccessKeyView {
                user_name: u.user_name.clone(),
                access_key_id: id.clone(),
                status: status.clone(),
                secret_access_key: None,
                create_date: *create_date,
            }),
            _ => None,
        })
        .collect();
    Ok(ListAccessKeysResponse { access_key_metadata, is_truncated: false })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAccessKeyRequest {
    #[serde(default)]
    pub user_name: Option<String>,
    pub access_key_id: String,
    pub status: String,
}

fn owned_key(c: &Call<'_>, account: &str, user: &str, id: &str) -> Result<(), AwsError> {
    match c.w.iam.credentials.get(id) {
        Some(Credential::AccessKey { account: a, user_name, .. }) if a == account && user_name.eq_ignore_ascii_case(user) => Ok(()),
        _ => Err(IamError::NoSuchEntity.err(format!("The Access Key with id {id} cannot be found."))),
    }
}

pub fn update_access_key(c: &mut Call<'_>, r: UpdateAccessKeyRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = entity_arn_guess(c, &account, Entity::User, &name);
    authorize(c, "iam:UpdateAccessKey", &arn)?;
    if r.status != "Active" && r.status != "Inactive" {
        return Err(validation("status", &r.status, "Member must satisfy enum value set: [Active, Inactive]"));
    }
    user_of(c, &account, &name)?;
    owned_key(c, &account, &name, &r.access_key_id)?;
    if let Some(Credential::AccessKey { status, .. }) = c.w.iam.credentials.get_mut(&r.access_key_id) {
        *status = r.status;
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteAccessKeyRequest {
    #[serde(default)]
    pub user_name: Option<String>,
    pub access_key_id: String,
}

pub fn delete_access_key(c: &mut Call<'_>, r: DeleteAccessKeyRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = entity_arn_guess(c, &account, Entity::User, &name);
    authorize(c, "iam:DeleteAccessKey", &arn)?;
    user_of(c, &account, &name)?;
    owned_key(c, &account, &name, &r.access_key_id)?;
    c.w.iam.credentials.remove(&r.access_key_id);
    account_iam(c, &account).users.get_mut(&key(&name)).expect("exists").access_keys.retain(|k| k != &r.access_key_id);
    Ok(Empty {})
}

// ---------------------------------------------------------------------------------------------
// Tags

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagEntityRequest {
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub role_name: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UntagEntityRequest {
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub role_name: Option<String>,
    pub tag_keys: Vec<String>,
}

fn tags_slot<'a>(c: &'a mut Call<'_>, account: &str, e: Entity, name: &str) -> &'a mut BTreeMap<String, String> {
    let iam = account_iam(c, account);
    match e {
        Entity::User => &mut iam.users.get_mut(&key(name)).expect("checked").tags,
        Entity::Role => &mut iam.roles.get_mut(&key(name)).expect("checked").tags,
        Entity::Group => unreachable!("IAM groups have no tags"),
    }
}

pub fn tag_entity(c: &mut Call<'_>, e: Entity, action: &str, name: &str, tags: &[Tag]) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    entity_parts(c, &account, e, name)?;
    let new = tags_map(tags)?;
    let mut merged = tags_slot(c, &account, e, name).clone();
    merged.extend(new);
    if merged.len() > MAX_TAGS {
        return Err(quota("TagsPerEntity", MAX_TAGS));
    }
    *tags_slot(c, &account, e, name) = merged;
    Ok(Empty {})
}

pub fn untag_entity(c: &mut Call<'_>, e: Entity, action: &str, name: &str, keys: &[String]) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = entity_arn_guess(c, &account, e, name);
    authorize(c, action, &arn)?;
    entity_parts(c, &account, e, name)?;
    let slot = tags_slot(c, &account, e, name);
    for k in keys {
        slot.remove(k);
    }
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert!(check_name("userName", "alice", 64).is_ok());
        assert!(check_name("userName", "a.b+c=d,e@f_g-h", 64).is_ok());
        let e = check_name("userName", "bad name", 64).unwrap_err();
        assert_eq!(e.code, "ValidationError");
        assert!(e.message.contains("Value 'bad name' at 'userName'"), "{}", e.message);
        assert!(check_name("userName", &"x".repeat(65), 64).is_err());
        assert!(check_path("/").is_ok());
        assert!(check_path("/division_abc/subdivision_xyz/").is_ok());
        assert!(check_path("division").is_err());
        assert!(check_path("/a b/").is_err());
    }

    #[test]
    fn iam_does_not_count_white_space() {
        assert_eq!(policy_size("{ \"a\" :\n 1 }"), 7);
    }
}
