//! `iam::` (IAM and STS) and `organizations::` script bindings.

use rhai::{Dynamic, Engine, Map, NativeCallContext};
use serde::Serialize;

use super::ops::{self, Entity};
use super::{PrincipalSpec, org, simulate, sts};
use crate::script::{DocMode, Shared};
use crate::script::api::{Api, Handle};
use crate::script::convert::{RhaiResult, throw, to_dyn};
use crate::world::service::{IAM, ORGANIZATIONS, STS};
use crate::world::{AwsError, Call};

fn map(pairs: Vec<(&str, Dynamic)>) -> Map {
    pairs.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

/// Registers a positional overload that builds the params map and runs the op.
macro_rules! positional {
    ($api:expr, $svc:expr, $name:literal, $aws:literal, $f:expr, $doc:expr, [$($arg:ident : $key:literal),+]) => {{
        let h = $api.handle();
        $api.func(
            $name,
            $doc,
            &[$(concat!(stringify!($arg), ": Dynamic")),+, "Map"],
            move |ctx: NativeCallContext, $($arg: Dynamic),+| -> RhaiResult {
                h.run_as($svc, &ctx, $aws, $name, $f, map(vec![$(($key, $arg)),+]))
            },
        );
    }};
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct EntityPolicyReq {
    #[serde(default)]
    user_name: Option<String>,
    #[serde(default)]
    group_name: Option<String>,
    #[serde(default)]
    role_name: Option<String>,
    #[serde(default)]
    policy_name: Option<String>,
    #[serde(default)]
    policy_document: Option<ops::Doc>,
    #[serde(default)]
    policy_arn: Option<String>,
    #[serde(default)]
    permissions_boundary: Option<String>,
}

impl EntityPolicyReq {
    fn target(&self, e: Entity) -> Result<String, AwsError> {
        let (v, field) = match e {
            Entity::User => (&self.user_name, "UserName"),
            Entity::Group => (&self.group_name, "GroupName"),
            Entity::Role => (&self.role_name, "RoleName"),
        };
        v.clone().ok_or_else(|| missing(field))
    }
}

fn missing(field: &str) -> AwsError {
    AwsError::new("ValidationError", 400, format!("missing required parameter `{field}`"))
}

fn req<T: Clone>(v: &Option<T>, field: &str) -> Result<T, AwsError> {
    v.clone().ok_or_else(|| missing(field))
}

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &IAM, docs);

    // ---- users ----
    api.op("create_user", "CreateUser", "Creates an IAM user in the caller's account.\n```rhai\niam::create_user(#{ UserName: \"alice\", Path: \"/eng/\" })\n```", ops::create_user);
    positional!(api, &IAM, "create_user", "CreateUser", ops::create_user, "Creates an IAM user.\n```rhai\niam::create_user(\"alice\")\n```", [name: "UserName"]);
    api.op("get_user", "GetUser", "Describes a user (the calling user when UserName is omitted).", ops::get_user);
    positional!(api, &IAM, "get_user", "GetUser", ops::get_user, "Describes a user.\n```rhai\niam::get_user(\"alice\").User.Arn\n```", [name: "UserName"]);
    api.op("list_users", "ListUsers", "Lists the account's users.", ops::list_users);
    api.op("delete_user", "DeleteUser", "Deletes a user that has no access keys, policies or group memberships left (DeleteConflict otherwise).", ops::delete_user);
    positional!(api, &IAM, "delete_user", "DeleteUser", ops::delete_user, "Deletes a user.", [name: "UserName"]);

    // ---- groups ----
    api.op("create_group", "CreateGroup", "Creates a group.\n```rhai\niam::create_group(#{ GroupName: \"developers\" })\n```", ops::create_group);
    positional!(api, &IAM, "create_group", "CreateGroup", ops::create_group, "Creates a group.\n```rhai\niam::create_group(\"developers\")\n```", [name: "GroupName"]);
    api.op("get_group", "GetGroup", "Describes a group and lists its users.", ops::get_group);
    positional!(api, &IAM, "get_group", "GetGroup", ops::get_group, "Describes a group and lists its users.", [name: "GroupName"]);
    api.op("list_groups", "ListGroups", "Lists the account's groups.", ops::list_groups);
    api.op("list_groups_for_user", "ListGroupsForUser", "Lists the groups a user belongs to.", ops::list_groups_for_user);
    api.op("delete_group", "DeleteGroup", "Deletes an empty group without policies.", ops::delete_group);
    positional!(api, &IAM, "delete_group", "DeleteGroup", ops::delete_group, "Deletes a group.", [name: "GroupName"]);
    api.op("add_user_to_group", "AddUserToGroup", "Adds a user to a group (at most 10 groups per user; groups don't nest).\n```rhai\niam::add_user_to_group(#{ GroupName: \"developers\", UserName: \"alice\" })\n```", ops::add_user_to_group);
    positional!(api, &IAM, "add_user_to_group", "AddUserToGroup", ops::add_user_to_group, "Adds a user to a group.\n```rhai\niam::add_user_to_group(\"alice\", \"developers\")\n```", [user: "UserName", group: "GroupName"]);
    api.op("remove_user_from_group", "RemoveUserFromGroup", "Removes a user from a group.", ops::remove_user_from_group);
    positional!(api, &IAM, "remove_user_from_group", "RemoveUserFromGroup", ops::remove_user_from_group, "Removes a user from a group.", [user: "UserName", group: "GroupName"]);

    // ---- roles ----
    api.op("create_role", "CreateRole", "Creates a role with a trust policy (AssumeRolePolicyDocument: JSON text or a map).\n```rhai\niam::create_role(#{ RoleName: \"admin\", AssumeRolePolicyDocument: trust })\n```", ops::create_role);
    positional!(api, &IAM, "create_role", "CreateRole", ops::create_role, "Creates a role with a trust policy.\n```rhai\niam::create_role(\"admin\", trust)\n```", [name: "RoleName", trust: "AssumeRolePolicyDocument"]);
    api.op("get_role", "GetRole", "Describes a role, trust policy included.", ops::get_role);
    positional!(api, &IAM, "get_role", "GetRole", ops::get_role, "Describes a role.", [name: "RoleName"]);
    api.op("list_roles", "ListRoles", "Lists the account's roles.", ops::list_roles);
    api.op("delete_role", "DeleteRole", "Deletes a role without policies (service-linked roles: use delete_service_linked_role).", ops::delete_role);
    positional!(api, &IAM, "delete_role", "DeleteRole", ops::delete_role, "Deletes a role.", [name: "RoleName"]);
    api.op("update_assume_role_policy", "UpdateAssumeRolePolicy", "Replaces a role's trust policy.", ops::update_assume_role_policy);
    api.op("create_service_linked_role", "CreateServiceLinkedRole", "Creates the service-linked role of an AWS service (`AWSServiceName`).", ops::create_service_linked_role);
    api.op("delete_service_linked_role", "DeleteServiceLinkedRole", "Deletes a service-linked role once its service no longer uses it.", ops::delete_service_linked_role);

    // ---- inline and managed policies on users, groups, roles ----
    for (e, word) in [(Entity::User, "user"), (Entity::Group, "group"), (Entity::Role, "role")] {
        register_entity_ops(&mut api, e, word);
    }

    // ---- customer managed policies ----
    api.op("create_policy", "CreatePolicy", "Creates a customer managed policy (version v1, the default).\n```rhai\niam::create_policy(#{ PolicyName: \"S3Read\", PolicyDocument: doc }).Policy.Arn\n```", ops::create_policy);
    positional!(api, &IAM, "create_policy", "CreatePolicy", ops::create_policy, "Creates a customer managed policy.\n```rhai\nlet arn = iam::create_policy(\"S3Read\", doc).Policy.Arn;\n```", [name: "PolicyName", doc: "PolicyDocument"]);
    api.op("get_policy", "GetPolicy", "Describes a managed policy (customer or AWS managed).", ops::get_policy);
    positional!(api, &IAM, "get_policy", "GetPolicy", ops::get_policy, "Describes a managed policy.", [arn: "PolicyArn"]);
    api.op("get_policy_version", "GetPolicyVersion", "Returns one version of a managed policy with its document.", ops::get_policy_version);
    api.op("create_policy_version", "CreatePolicyVersion", "Adds a version (at most five; SetAsDefault makes it the one that counts).", ops::create_policy_version);
    api.op("set_default_policy_version", "SetDefaultPolicyVersion", "Makes a version the default.", ops::set_default_policy_version);
    api.op("delete_policy_version", "DeletePolicyVersion", "Deletes a non-default version.", ops::delete_policy_version);
    api.op("list_policy_versions", "ListPolicyVersions", "Lists a policy's versions, newest first.", ops::list_policy_versions);
    api.op("list_policies", "ListPolicies", "Lists managed policies (Scope All | AWS | Local).", ops::list_policies);
    api.op("delete_policy", "DeletePolicy", "Deletes a customer managed policy that is attached nowhere and has one version.", ops::delete_policy);
    positional!(api, &IAM, "delete_policy", "DeletePolicy", ops::delete_policy, "Deletes a customer managed policy.", [arn: "PolicyArn"]);

    // ---- access keys ----
    api.op("create_access_key", "CreateAccessKey", "Creates an access key (AKIA..., secret shown only now). At most two per user.\n```rhai\nlet k = iam::create_access_key(#{ UserName: \"alice\" }).AccessKey;\n```", ops::create_access_key);
    positional!(api, &IAM, "create_access_key", "CreateAccessKey", ops::create_access_key, "Creates an access key for a user.", [user: "UserName"]);
    api.op("list_access_keys", "ListAccessKeys", "Lists a user's access keys (no secrets).", ops::list_access_keys);
    api.op("update_access_key", "UpdateAccessKey", "Sets a key Active or Inactive.", ops::update_access_key);
    api.op("delete_access_key", "DeleteAccessKey", "Deletes an access key.", ops::delete_access_key);

    // ---- STS ----
    api.op_as(&STS, "assume_role", "AssumeRole", "Assumes a role: temporary credentials (ASIA...) valid DurationSeconds (900 s to the role's MaxSessionDuration, default 3600 s) on the simulated clock. Pass the result to `as_principal`.\n```rhai\nlet s = iam::assume_role(#{ RoleArn: arn, RoleSessionName: \"demo\" });\nas_principal(s, || whoami())\n```", sts::assume_role);
    positional!(api, &STS, "assume_role", "AssumeRole", sts::assume_role, "Assumes a role.\n```rhai\nlet s = iam::assume_role(role_arn, \"demo\");\n```", [arn: "RoleArn", session: "RoleSessionName"]);
    api.op_as(&STS, "get_caller_identity", "GetCallerIdentity", "Who is calling: `#{ UserId, Account, Arn }`. Needs no permission.", sts::get_caller_identity);

    // ---- MFA ----
    api.op("create_virtual_mfa_device", "CreateVirtualMFADevice", "Creates a virtual MFA device; its Base32StringSeed is what an authenticator app takes.\n```rhai\nlet d = iam::create_virtual_mfa_device(#{ VirtualMFADeviceName: \"alice\" }).VirtualMFADevice;\n```", super::mfa::create_virtual_mfa_device);
    api.op("enable_mfa_device", "EnableMFADevice", "Enables a device for a user with two consecutive codes.\n```rhai\nlet c1 = iam::mfa_code(d.Base32StringSeed); clock::advance(\"30s\"); let c2 = iam::mfa_code(d.Base32StringSeed);\niam::enable_mfa_device(#{ UserName: \"alice\", SerialNumber: d.SerialNumber, AuthenticationCode1: c1, AuthenticationCode2: c2 })\n```", super::mfa::enable_mfa_device);
    api.op("deactivate_mfa_device", "DeactivateMFADevice", "Removes a device from a user.", super::mfa::deactivate_mfa_device);
    api.op("delete_virtual_mfa_device", "DeleteVirtualMFADevice", "Deletes a device no user has enabled.", super::mfa::delete_virtual_mfa_device);
    api.op("list_mfa_devices", "ListMFADevices", "Lists a user's MFA devices.", super::mfa::list_mfa_devices);
    api.op_as(&STS, "get_session_token", "GetSessionToken", "Temporary credentials for the calling IAM user; with SerialNumber and TokenCode they are MFA-authenticated (aws:MultiFactorAuthPresent).", super::mfa::get_session_token);
    api.func(
        "mfa_code",
        "The 6-digit TOTP code (RFC 6238) a virtual MFA device with this base32 seed shows at the simulated time.\n```rhai\niam::mfa_code(d.Base32StringSeed)\n```",
        &["seed: &str", "String"],
        {
            let h = api.handle();
            move |ctx: NativeCallContext, seed: &str| -> RhaiResult<String> {
                let now = h.shared.lock().now();
                super::mfa::decode_base32(seed)
                    .map(|s| super::mfa::totp(&s, now))
                    .ok_or_else(|| throw(AwsError::new("ValidationError", 400, format!("`{seed}` is not a base32 seed")), ctx.call_position()))
            }
        },
    );

    // ---- simulator and questions ----
    api.op("simulate_principal_policy", "SimulatePrincipalPolicy", "The IAM policy simulator for a user, group or role: EvaluationResults with EvalDecision (allowed | explicitDeny | implicitDeny) and MatchedStatements.\n```rhai\niam::simulate_principal_policy(#{ PolicySourceArn: alice_arn, ActionNames: [\"s3:GetObject\"], ResourceArns: [\"arn:aws:s3:::b/k\"] })\n```", simulate::simulate_principal_policy);
    api.op("simulate_custom_policy", "SimulateCustomPolicy", "Simulates the given policies alone (PolicyInputList).", simulate::simulate_custom_policy);
    register_questions(&mut api);
    // Federation, account settings, credential reports, Access Advisor, policy validation.
    super::identity_bindings::register(&mut api);

    api.install(engine);

    // ---- organizations ----
    let mut o = Api::new(shared, &ORGANIZATIONS, docs);
    o.op("create_organization", "CreateOrganization", "Makes the caller's account the management account of a new organization (all features).", org::create_organization);
    o.op("describe_organization", "DescribeOrganization", "Describes the organization.", org::describe_organization);
    o.op("list_roots", "ListRoots", "The organization's root, with the policy types enabled on it.", org::list_roots);
    o.op("enable_policy_type", "EnablePolicyType", "Enables SERVICE_CONTROL_POLICY (or RESOURCE_CONTROL_POLICY) on the root: FullAWSAccess is attached everywhere.", org::enable_policy_type);
    o.op("create_account", "CreateAccount", "Creates a member account with OrganizationAccountAccessRole.\n```rhai\nlet id = organizations::create_account(#{ AccountName: \"dev\", Email: \"dev@example.com\" }).CreateAccountStatus.AccountId;\n```", org::create_account);
    o.op("list_accounts", "ListAccounts", "Lists the organization's accounts.", org::list_accounts);
    o.op("create_organizational_unit", "CreateOrganizationalUnit", "Creates an OU under the root or another OU.", org::create_organizational_unit);
    o.op("move_account", "MoveAccount", "Moves an account to another OU (or the root).", org::move_account);
    o.op("create_policy", "CreatePolicy", "Creates an SCP (Type SERVICE_CONTROL_POLICY) or RCP.", org::create_policy);
    o.op("attach_policy", "AttachPolicy", "Attaches an SCP to the root, an OU or an account.", org::attach_policy);
    o.op("detach_policy", "DetachPolicy", "Detaches an SCP (every target keeps at least one).", org::detach_policy);
    o.op("list_policies", "ListPolicies", "Lists the organization's policies of a type (Filter).", org::list_policies);
    o.op("delete_policy", "DeletePolicy", "Deletes an SCP attached nowhere.", org::delete_policy);
    o.install(engine);
}

fn register_entity_ops(api: &mut Api, e: Entity, word: &str) {
    // The op names differ per entity (PutUserPolicy, PutGroupPolicy, PutRolePolicy) and the
    // registrar wants 'static names and AWS operation names, so spell them out.
    macro_rules! names {
        ($user:literal, $group:literal, $role:literal) => {
            match e {
                Entity::User => $user,
                Entity::Group => $group,
                Entity::Role => $role,
            }
        };
    }
    let put = names!("put_user_policy", "put_group_policy", "put_role_policy");
    let put_aws = names!("PutUserPolicy", "PutGroupPolicy", "PutRolePolicy");
    let get = names!("get_user_policy", "get_group_policy", "get_role_policy");
    let get_aws = names!("GetUserPolicy", "GetGroupPolicy", "GetRolePolicy");
    let del = names!("delete_user_policy", "delete_group_policy", "delete_role_policy");
    let del_aws = names!("DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy");
    let list = names!("list_user_policies", "list_group_policies", "list_role_policies");
    let list_aws = names!("ListUserPolicies", "ListGroupPolicies", "ListRolePolicies");
    let att = names!("attach_user_policy", "attach_group_policy", "attach_role_policy");
    let att_aws = names!("AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy");
    let det = names!("detach_user_policy", "detach_group_policy", "detach_role_policy");
    let det_aws = names!("DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy");
    let lat = names!("list_attached_user_policies", "list_attached_group_policies", "list_attached_role_policies");
    let lat_aws = names!("ListAttachedUserPolicies", "ListAttachedGroupPolicies", "ListAttachedRolePolicies");

    let h = api.handle();
    let doc = format!("Adds or replaces an inline policy of a {word} (IAM's aggregate inline size limits apply).\n```rhai\niam::{put}(#{{ {}Name: \"x\", PolicyName: \"p\", PolicyDocument: doc }})\n```", capital(word));
    let run_put = reg(api, &h, put, put_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::put_entity_policy(c, e, &format!("iam:{}", action_of(e, "Put", "Policy")), &target, &req(&r.policy_name, "PolicyName")?, &req(&r.policy_document, "PolicyDocument")?).map(to_json)
    });
    let doc = format!("Adds or replaces an inline policy of a {word}.\n```rhai\niam::{put}(\"name\", \"policy-name\", doc)\n```");
    reg3(api, run_put, put, &doc, e, ["PolicyName", "PolicyDocument"]);
    let doc = format!("Returns an inline policy of a {word}, document decoded.");
    reg(api, &h, get, get_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::get_entity_policy(c, e, &format!("iam:{}", action_of(e, "Get", "Policy")), &target, &req(&r.policy_name, "PolicyName")?).map(to_json)
    });
    let doc = format!("Deletes an inline policy of a {word}.");
    reg(api, &h, del, del_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::delete_entity_policy(c, e, &format!("iam:{}", action_of(e, "Delete", "Policy")), &target, &req(&r.policy_name, "PolicyName")?).map(to_json)
    });
    let doc = format!("Lists the names of a {word}'s inline policies.");
    reg(api, &h, list, list_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::list_entity_policies(c, e, &format!("iam:{}", action_of(e, "List", "Policies")), &target).map(to_json)
    });
    let doc = format!("Attaches a managed policy (customer or AWS managed, by ARN) to a {word}; at most 10.\n```rhai\niam::{att}(#{{ {}Name: \"x\", PolicyArn: \"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\" }})\n```", capital(word));
    let run_att = reg(api, &h, att, att_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::attach_entity_policy(c, e, &format!("iam:Attach{}Policy", capital(entity_word(e))), &target, &req(&r.policy_arn, "PolicyArn")?).map(to_json)
    });
    let doc = format!("Attaches a managed policy to a {word}.\n```rhai\niam::{att}(\"name\", \"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\")\n```");
    reg3(api, run_att, att, &doc, e, ["PolicyArn", ""]);
    let doc = format!("Detaches a managed policy from a {word}.");
    let run_det = reg(api, &h, det, det_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::detach_entity_policy(c, e, &format!("iam:Detach{}Policy", capital(entity_word(e))), &target, &req(&r.policy_arn, "PolicyArn")?).map(to_json)
    });
    reg3(api, run_det, det, &format!("Detaches a managed policy from a {word}."), e, ["PolicyArn", ""]);
    let doc = format!("Lists the managed policies attached to a {word}.");
    reg(api, &h, lat, lat_aws, &doc, e, |c, e, r| {
        let target = r.target(e)?;
        ops::list_attached_entity_policies(c, e, &format!("iam:ListAttached{}Policies", capital(entity_word(e))), &target).map(to_json)
    });
    if e != Entity::Group {
        let (pb, pb_aws, db, db_aws, tag, tag_aws, untag, untag_aws) = match e {
            Entity::User => (
                "put_user_permissions_boundary",
                "PutUserPermissionsBoundary",
                "delete_user_permissions_boundary",
                "DeleteUserPermissionsBoundary",
                "tag_user",
                "TagUser",
                "untag_user",
                "UntagUser",
            ),
            _ => (
                "put_role_permissions_boundary",
                "PutRolePermissionsBoundary",
                "delete_role_permissions_boundary",
                "DeleteRolePermissionsBoundary",
                "tag_role",
                "TagRole",
                "untag_role",
                "UntagRole",
            ),
        };
        let doc = format!("Sets a {word}'s permissions boundary (a managed policy ARN): the most its identity policies can grant.");
        reg(api, &h, pb, pb_aws, &doc, e, |c, e, r| {
            let target = r.target(e)?;
            ops::put_permissions_boundary(c, e, &format!("iam:Put{}PermissionsBoundary", capital(entity_word(e))), &target, &req(&r.permissions_boundary, "PermissionsBoundary")?).map(to_json)
        });
        let doc = format!("Removes a {word}'s permissions boundary.");
        reg(api, &h, db, db_aws, &doc, e, |c, e, r| {
            let target = r.target(e)?;
            ops::delete_permissions_boundary(c, e, &format!("iam:Delete{}PermissionsBoundary", capital(entity_word(e))), &target).map(to_json)
        });
        let hh = h.clone();
        let doc = format!("Adds tags to a {word} (they become aws:PrincipalTag/... keys).\n```rhai\niam::{tag}(#{{ {}Name: \"x\", Tags: [#{{ Key: \"team\", Value: \"red\" }}] }})\n```", capital(word));
        api.func(tag, &doc, &["params: Map", "Map"], move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            hh.run(&ctx, tag_aws, tag, tag_fn(e), params)
        });
        let hh = h.clone();
        api.func(untag, &format!("Removes tags from a {word}."), &["params: Map", "Map"], move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            hh.run(&ctx, untag_aws, untag, untag_fn(e), params)
        });
    }
}

fn tag_fn(e: Entity) -> fn(&mut Call<'_>, ops::TagEntityRequest) -> Result<ops::Empty, AwsError> {
    match e {
        Entity::User => |c, r| {
            let n = req(&r.user_name, "UserName")?;
            ops::tag_entity(c, Entity::User, "iam:TagUser", &n, &r.tags)
        },
        _ => |c, r| {
            let n = req(&r.role_name, "RoleName")?;
            ops::tag_entity(c, Entity::Role, "iam:TagRole", &n, &r.tags)
        },
    }
}

fn untag_fn(e: Entity) -> fn(&mut Call<'_>, ops::UntagEntityRequest) -> Result<ops::Empty, AwsError> {
    match e {
        Entity::User => |c, r| {
            let n = req(&r.user_name, "UserName")?;
            ops::untag_entity(c, Entity::User, "iam:UntagUser", &n, &r.tag_keys)
        },
        _ => |c, r| {
            let n = req(&r.role_name, "RoleName")?;
            ops::untag_entity(c, Entity::Role, "iam:UntagRole", &n, &r.tag_keys)
        },
    }
}

fn entity_word(e: Entity) -> &'static str {
    match e {
        Entity::User => "user",
        Entity::Group => "group",
        Entity::Role => "role",
    }
}

fn capital(s: &str) -> String {
    let mut cs = s.chars();
    cs.next().map(|c| c.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
}

fn action_of(e: Entity, verb: &str, noun: &str) -> String {
    format!("{verb}{}{noun}", capital(entity_word(e)))
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

type EntityFn = fn(&mut Call<'_>, Entity, EntityPolicyReq) -> Result<serde_json::Value, AwsError>;

type Runner = std::sync::Arc<dyn Fn(&NativeCallContext, Map) -> RhaiResult + Send + Sync>;

/// Registers `name(params)` for an entity op whose body is `f`; returns the runner so
/// positional overloads can share it.
fn reg(api: &mut Api, h: &Handle, name: &'static str, aws: &'static str, doc: &str, e: Entity, f: EntityFn) -> Runner {
    let h = h.clone();
    let runner = move |ctx: &NativeCallContext, params: Map| -> RhaiResult {
        let audit = crate::script::convert::audit_params(&params);
        let params = Dynamic::from_map(params);
        let service = h.service;
        let r = {
            let mut w = h.shared.lock();
            w.call(service, aws, audit, |c| {
                let r: EntityPolicyReq = crate::script::convert::from_params(&params, service, name)?;
                f(c, e, r)
            })
        };
        match r {
            Ok(v) => Ok(crate::script::convert::json_to_dynamic(&v)),
            Err(err) => Err(throw(err, ctx.call_position())),
        }
    };
    let runner: Runner = std::sync::Arc::new(runner);
    let r = runner.clone();
    api.func(name, doc, &["params: Map", "Map"], move |ctx: NativeCallContext, params: Map| r(&ctx, params));
    runner
}

/// Positional overload `name(entity, a[, b])` for an entity op already registered with `reg`.
fn reg3(api: &mut Api, run: Runner, name: &'static str, doc: &str, e: Entity, keys: [&'static str; 2]) {
    let field = match e {
        Entity::User => "UserName",
        Entity::Group => "GroupName",
        Entity::Role => "RoleName",
    };
    if keys[1].is_empty() {
        api.func(name, doc, &["name: &str", "value: Dynamic", "Map"], move |ctx: NativeCallContext, target: Dynamic, a: Dynamic| -> RhaiResult {
            run(&ctx, map(vec![(field, target), (keys[0], a)]))
        });
    } else {
        api.func(
            name,
            doc,
            &["name: &str", "a: Dynamic", "b: Dynamic", "Map"],
            move |ctx: NativeCallContext, target: Dynamic, a: Dynamic, b: Dynamic| -> RhaiResult {
                run(&ctx, map(vec![(field, target), (keys[0], a), (keys[1], b)]))
            },
        );
    }
}

fn register_questions(api: &mut Api) {
    let h = api.handle();
    api.func(
        "can",
        "Would `principal` be allowed to perform `action` on `resource`? Decides with everything in the world (identity policies, the resource's own policy, SCPs, boundaries, session policies) without performing anything. Returns `#{ Decision, Allowed, Reasons, Explanation }`; Decision is allowed | explicitDeny | implicitDeny.\n```rhai\niam::can(\"alice\", \"s3:GetObject\", \"arn:aws:s3:::reports/q1.csv\")\n```",
        &["principal: Dynamic", "action: &str", "resource: &str", "Map"],
        move |ctx: NativeCallContext, who: Dynamic, action: &str, resource: &str| -> RhaiResult { can(&h, &ctx, who, action, resource, Map::new()) },
    );
    let h = api.handle();
    api.func(
        "can",
        "`iam::can` with extra request context, e.g. `#{ \"aws:SourceIp\": \"10.10.1.5\", \"aws:MultiFactorAuthPresent\": true }` (values: strings, numbers, booleans or arrays).",
        &["principal: Dynamic", "action: &str", "resource: &str", "context: Map", "Map"],
        move |ctx: NativeCallContext, who: Dynamic, action: &str, resource: &str, context: Map| -> RhaiResult { can(&h, &ctx, who, action, resource, context) },
    );
    let h = api.handle();
    api.func(
        "explain",
        "Explains a decision as a table: one row per policy in play (SCPs, the resource's policy, identity policies, the permissions boundary, session policies) with what it says on its own and the statements that apply, then the decision of all of them together.\n```rhai\niam::explain(\"alice\", \"s3:DeleteObject\", \"arn:aws:s3:::reports/q1.csv\")\n```",
        &["principal: Dynamic", "action: &str", "resource: &str", "Table"],
        move |ctx: NativeCallContext, who: Dynamic, action: &str, resource: &str| -> RhaiResult { explain(&h, &ctx, who, action, resource, Map::new()) },
    );
    let h = api.handle();
    api.func(
        "explain",
        "`iam::explain` with extra request context (as for `iam::can`).",
        &["principal: Dynamic", "action: &str", "resource: &str", "context: Map", "Table"],
        move |ctx: NativeCallContext, who: Dynamic, action: &str, resource: &str, context: Map| -> RhaiResult { explain(&h, &ctx, who, action, resource, context) },
    );
    let h = api.handle();
    api.func(
        "access_matrix",
        "Decides every principal x action x resource combination with `iam::can` and returns a table with one row per combination: Principal, Action, Resource, Decision (allowed | explicitDeny | implicitDeny, coloured) and Reason. Index it like an array of maps (`m[0].Decision`) or get the maps with `m.rows()`.\n```rhai\niam::access_matrix([\"alice\", \"bob\"], [\"kms:Encrypt\"], [key_a, key_b])\n```",
        &["principals: Array", "actions: Array", "resources: Array", "Table"],
        move |ctx: NativeCallContext, principals: rhai::Array, actions: rhai::Array, resources: rhai::Array| -> RhaiResult {
            let mut rows = rhai::Array::new();
            for p in &principals {
                for a in &actions {
                    for r in &resources {
                        let a = a.clone().into_string().map_err(|t| throw(AwsError::new("ValidationError", 400, format!("actions must be strings, not {t}")), ctx.call_position()))?;
                        let r = r.clone().into_string().map_err(|t| throw(AwsError::new("ValidationError", 400, format!("resources must be strings, not {t}")), ctx.call_position()))?;
                        let out = can(&h, &ctx, p.clone(), &a, &r, Map::new())?;
                        let out = out.cast::<Map>();
                        let label = p.clone().into_string().unwrap_or_else(|_| p.to_string());
                        rows.push(Dynamic::from_map(map(vec![
                            ("Principal", label.into()),
                            ("Action", a.into()),
                            ("Resource", r.into()),
                            ("Decision", out.get("Decision").cloned().unwrap_or_default()),
                            ("Reason", out.get("Explanation").cloned().unwrap_or_default()),
                        ])));
                    }
                }
            }
            let t = crate::render::Table::from_rows(&rows, Some(["Principal", "Action", "Resource", "Decision", "Reason"].map(String::from).to_vec()))
                .map_err(|e| throw(AwsError::new("ValidationError", 400, e), ctx.call_position()))?
                .styled(|col, v| match (col, v.clone().into_string().ok().as_deref()) {
                    ("Decision", Some("allowed")) => Some(crate::render::CellStyle::Good),
                    ("Decision", Some("explicitDeny")) => Some(crate::render::CellStyle::Bad),
                    ("Decision", Some("implicitDeny")) => Some(crate::render::CellStyle::Warn),
                    _ => None,
                });
            Ok(Dynamic::from(t))
        },
    );
}

fn context_from_map(m: &Map) -> Result<crate::policy::Context, AwsError> {
    use crate::policy::{ContextValue, ValueType};
    let mut c = crate::policy::Context::new();
    for (k, v) in m {
        let one = |v: &Dynamic| -> Result<(ValueType, String), AwsError> {
            if let Ok(b) = v.as_bool() {
                return Ok((ValueType::Boolean, b.to_string()));
            }
            if let Ok(i) = v.as_int() {
                return Ok((ValueType::Numeric, i.to_string()));
            }
            if let Ok(f) = v.as_float() {
                return Ok((ValueType::Numeric, f.to_string()));
            }
            if let Ok(s) = v.clone().into_string() {
                let ty = if k.eq_ignore_ascii_case("aws:SourceIp") {
                    ValueType::Ip
                } else if k.eq_ignore_ascii_case("aws:CurrentTime") {
                    ValueType::Date
                } else {
                    ValueType::String
                };
                return Ok((ty, s));
            }
            Err(AwsError::new("ValidationError", 400, format!("context value for `{k}` must be a string, number, boolean or array")))
        };
        if let Some(a) = v.read_lock::<rhai::Array>() {
            let vals = a.iter().map(one).collect::<Result<Vec<_>, _>>()?;
            let ty = vals.first().map(|x| x.0).unwrap_or(ValueType::String);
            c.insert(k.to_string(), ContextValue::list(ty, vals.into_iter().map(|x| x.1)));
        } else {
            let (ty, s) = one(v)?;
            c.insert(k.to_string(), ContextValue::typed(ty, s));
        }
    }
    Ok(c)
}

/// The principal a script names (a user/role name or ARN, or credentials) and its request context.
fn principal_and_context(w: &crate::World, ctx: &NativeCallContext, who: &Dynamic, context: &Map) -> Result<(crate::world::Principal, crate::policy::Context), Box<rhai::EvalAltResult>> {
    let spec = if let Some(s) = who.read_lock::<rhai::ImmutableString>() {
        PrincipalSpec::Name(s.to_string())
    } else if let Some(m) = who.read_lock::<Map>() {
        let creds = m.get("Credentials").and_then(|c| c.read_lock::<Map>().map(|c| c.clone())).unwrap_or_else(|| m.clone());
        let get = |k: &str| creds.get(k).and_then(|v| v.clone().into_string().ok());
        match get("AccessKeyId") {
            Some(id) => PrincipalSpec::Credentials { access_key_id: id, secret_access_key: get("SecretAccessKey"), session_token: get("SessionToken") },
            None => return Err(throw(AwsError::new("ValidationError", 400, "a principal map must hold credentials (AccessKeyId, ...)"), ctx.call_position())),
        }
    } else {
        return Err(throw(AwsError::new("ValidationError", 400, format!("name a principal with a string or credentials, not a {}", who.type_name())), ctx.call_position()));
    };
    let p = super::resolve_principal(w, &spec).map_err(|e| throw(e, ctx.call_position()))?;
    let c = context_from_map(context).map_err(|e| throw(e, ctx.call_position()))?;
    Ok((p, c))
}

fn can(h: &Handle, ctx: &NativeCallContext, who: Dynamic, action: &str, resource: &str, context: Map) -> RhaiResult {
    let w = h.shared.lock();
    let (p, c) = principal_and_context(&w, ctx, &who, &context)?;
    to_dyn(&simulate::can(&w, &p, action, resource, &c))
}

/// `iam::explain`: one row per policy in play (what it says on its own, and which statements
/// applied), then the decision of all of them together.
fn explain(h: &Handle, ctx: &NativeCallContext, who: Dynamic, action: &str, resource: &str, context: Map) -> RhaiResult {
    use crate::render::{CellStyle, Table};
    let w = h.shared.lock();
    let (p, c) = principal_and_context(&w, ctx, &who, &context)?;
    let (out, verdicts) = simulate::explain(&w, &p, action, resource, &c);
    let statements = |m: &[crate::policy::MatchedStatement]| {
        m.iter()
            .map(|s| format!("{} {} (line {})", s.effect, s.sid.as_ref().map_or_else(|| format!("#{}", s.index), |sid| format!("`{sid}`")), s.start.0))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut rows: rhai::Array = verdicts
        .iter()
        .map(|v| {
            Dynamic::from_map(map(vec![
                ("Policy", v.id.clone().into()),
                ("Type", simulate::source_type_word(v.ty).into()),
                ("On its own", v.decision.as_str().into()),
                ("Statements that apply", statements(&v.matched).into()),
            ]))
        })
        .collect();
    rows.push(Dynamic::from_map(map(vec![
        ("Policy", "all policies together".into()),
        ("Type", "".into()),
        ("On its own", out.decision.as_str().into()),
        ("Statements that apply", out.explanation.clone().into()),
    ])));
    let mut t = Table::from_rows(&rows, Some(["Policy", "Type", "On its own", "Statements that apply"].map(String::from).to_vec()))
        .map_err(|e| throw(AwsError::new("ValidationError", 400, e), ctx.call_position()))?
        .styled(|col, v| match (col, v.clone().into_string().ok().as_deref()) {
            ("On its own", Some("allowed")) => Some(CellStyle::Good),
            ("On its own", Some("explicitDeny")) => Some(CellStyle::Bad),
            _ => None,
        });
    t.title = Some(format!("{} → {action} on {resource}: {}", p.display_name(), out.decision.as_str()));
    Ok(Dynamic::from(t))
}
