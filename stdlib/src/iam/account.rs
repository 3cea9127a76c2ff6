//! Account settings and credential hygiene: the account password policy, console passwords
//! (login profiles) and sign-in, the credential report, access-key last-used data and
//! Access Advisor (service last accessed).
//!
//! Modelled as the IAM User Guide and API reference document it:
//! - UpdateAccountPasswordPolicy replaces the whole policy ("This operation does not support
//!   partial updates"), every omitted parameter taking its default (MinimumPasswordLength 6,
//!   the Require* flags and AllowUsersToChangePassword false, passwords never expire, no reuse
//!   prevention, HardExpiry false). Without a custom policy the default AWS policy applies:
//!   at least 8 characters, three of the four character types (upper, lower, digits, the
//!   symbols `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`), not the account name or email.
//! - Passwords are checked when set (CreateLoginProfile, UpdateLoginProfile, ChangePassword:
//!   PasswordPolicyViolation "Password does not conform to the account password policy.");
//!   PasswordReusePrevention counts the current password among the previous ones; expiry
//!   (MaxPasswordAge) applies at sign-in at once, even to passwords set before the policy.
//!   Passwords are stored as a random salt and HMAC-SHA256(salt, password), never in clear;
//!   the audit trail hides the Password parameters.
//! - AllowUsersToChangePassword grants every IAM user `iam:ChangePassword` on itself and
//!   `iam:GetAccountPasswordPolicy` without a policy (an explicit deny still wins).
//! - `iam::console_login` plays the console sign-in (CloudTrail `ConsoleLogin` from
//!   `signin.amazonaws.com`): password, MFA code when the user has a device, expiry and
//!   reset-required. A successful sign-in returns console-session credentials (12 hours,
//!   MFA-authenticated when a code was given).
//! - "Last used" data comes from every call made (kept by [`super::usage`] as calls are
//!   recorded, not read from the bounded trail), with AWS's recording granularity: an access
//!   key's use is recorded at most once per 15 minutes, a password's once per 5 minutes;
//!   services without Regions (IAM, S3, Route 53, Organizations) show Region `N/A`.
//! - The credential report has AWS's 22 columns and value formats (`2026-01-01T00:00:00+00:00`,
//!   `true`/`false`, `N/A`, `no_information`, `not_supported`), the `<root_account>` row
//!   first; a new report is generated at most once every four hours (GenerateCredentialReport
//!   answers COMPLETE while the last one is younger), and GetCredentialReport answers
//!   ReportExpired once it is four hours old.
//! - Access Advisor lists the services the entity's permissions policies allow (identity
//!   policies only: "Service last accessed data does not use other policy types") with the
//!   last attempt to use each ("all attempts ..., not just the successful ones") over the
//!   400-day tracking period, and tracked actions for IAM, S3, EC2 at
//!   ACTION_LEVEL granularity.
//!
//! Simplified: reports and jobs are ready at once (no IN_PROGRESS state, no four-hour delay
//! before activity appears); signing certificates do not exist (the cert columns are always
//! `false`/`N/A`); the root user has no password or access keys here; the error for a wrong
//! old password in ChangePassword is AccessDenied (AWS does not document which it uses).

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::catalog;
use super::error::{IamError, IdentityError};
use super::model::{
    AccessAdvisorJob, AccountIam, Credential, CredentialReport, LoginProfile, PasswordHash, PasswordPolicy, ServiceLastAccessed,
    TrackedActionLastAccessed,
};
use super::ops::{Empty, Entity, account_iam, entity_arn_guess, key_user, user_of, validation};
use super::usage::{Attempt, ServiceAttempts, TRACKED};
use crate::policy::{EvalDecision, Policy, PolicyType as DeniedBy};
use crate::world::audit::UserIdentity;
use crate::world::authz::Authz;
use crate::world::service::Service;
use crate::world::{Arn, AwsError, Call, Duration, ErrorCode, Principal, Timestamp, World};

/// The console sign-in service (CloudTrail `ConsoleLogin` events).
pub const SIGNIN: Service = Service {
    module: "iam",
    prefix: "signin",
    event_source: "signin.amazonaws.com",
    access_denied: ("AccessDenied", 403),
    validation: ("ValidationError", 400),
    expired_token: ("ExpiredToken", 403),
    global: true,
};

/// A new credential report at most every four hours; a report is stale after as long.
pub const REPORT_INTERVAL: Duration = Duration::hours(4);
/// Access Advisor's tracking period.
pub const TRACKING_DAYS: i64 = 400;
/// How long a console session lasts.
pub const CONSOLE_SESSION: Duration = Duration::hours(12);

const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";
const VIOLATION: &str = "Password does not conform to the account password policy.";

// ---------------------------------------------------------------------------------------------
// Password policy

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAccountPasswordPolicyRequest {
    #[serde(default)]
    pub minimum_password_length: Option<i64>,
    #[serde(default)]
    pub require_symbols: Option<bool>,
    #[serde(default)]
    pub require_numbers: Option<bool>,
    #[serde(default)]
    pub require_uppercase_characters: Option<bool>,
    #[serde(default)]
    pub require_lowercase_characters: Option<bool>,
    #[serde(default)]
    pub allow_users_to_change_password: Option<bool>,
    #[serde(default)]
    pub max_password_age: Option<i64>,
    #[serde(default)]
    pub password_reuse_prevention: Option<i64>,
    #[serde(default)]
    pub hard_expiry: Option<bool>,
}

fn in_range(field: &str, v: Option<i64>, lo: i64, hi: i64) -> Result<Option<u32>, AwsError> {
    match v {
        None => Ok(None),
        Some(n) if n < lo => Err(validation(field, &n.to_string(), &format!("Member must have value greater than or equal to {lo}"))),
        Some(n) if n > hi => Err(validation(field, &n.to_string(), &format!("Member must have value less than or equal to {hi}"))),
        Some(n) => Ok(Some(n as u32)),
    }
}

pub fn update_account_password_policy(c: &mut Call<'_>, r: UpdateAccountPasswordPolicyRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:UpdateAccountPasswordPolicy", "*"))?;
    let policy = PasswordPolicy {
        minimum_password_length: in_range("minimumPasswordLength", r.minimum_password_length, 6, 128)?.unwrap_or(6),
        require_symbols: r.require_symbols.unwrap_or(false),
        require_numbers: r.require_numbers.unwrap_or(false),
        require_uppercase_characters: r.require_uppercase_characters.unwrap_or(false),
        require_lowercase_characters: r.require_lowercase_characters.unwrap_or(false),
        allow_users_to_change_password: r.allow_users_to_change_password.unwrap_or(false),
        max_password_age: in_range("maxPasswordAge", r.max_password_age, 1, 1095)?,
        password_reuse_prevention: in_range("passwordReusePrevention", r.password_reuse_prevention, 1, 24)?,
        hard_expiry: r.hard_expiry.unwrap_or(false),
    };
    account_iam(c, &account).password_policy = Some(policy);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyView {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// True when MaxPasswordAge is set.
    pub expire_passwords: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_password_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccountPasswordPolicyResponse {
    pub password_policy: PasswordPolicyView,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

fn no_policy(account: &str) -> AwsError {
    IamError::NoSuchEntity.err(format!("The Password Policy with domain name {account} cannot be found."))
}

/// Authorizes an action that AllowUsersToChangePassword grants IAM users without a policy:
/// allowed when only the missing identity-policy allow stood in the way.
fn authorize_self_service(c: &mut Call<'_>, action: &str, resource: &str, account: &str) -> Result<(), AwsError> {
    let granted = matches!(c.principal(), Principal::User { .. })
        && c.w.iam.accounts.get(account).and_then(|a| a.password_policy.as_ref()).is_some_and(|p| p.allow_users_to_change_password);
    let req = Authz::new(action, resource);
    let d = c.decide(&req);
    if granted && d.decision == EvalDecision::ImplicitDeny && d.denied_by == Some(DeniedBy::IdentityBased) {
        return Ok(());
    }
    c.authorize(req).map(|_| ())
}

pub fn get_account_password_policy(c: &mut Call<'_>, _r: NoParams) -> Result<GetAccountPasswordPolicyResponse, AwsError> {
    let account = c.account();
    authorize_self_service(c, "iam:GetAccountPasswordPolicy", "*", &account)?;
    let p = c.w.iam.accounts.get(&account).and_then(|a| a.password_policy.clone()).ok_or_else(|| no_policy(&account))?;
    Ok(GetAccountPasswordPolicyResponse {
        password_policy: PasswordPolicyView {
            minimum_password_length: p.minimum_password_length,
            require_symbols: p.require_symbols,
            require_numbers: p.require_numbers,
            require_uppercase_characters: p.require_uppercase_characters,
            require_lowercase_characters: p.require_lowercase_characters,
            allow_users_to_change_password: p.allow_users_to_change_password,
            expire_passwords: p.max_password_age.is_some(),
            max_password_age: p.max_password_age,
            password_reuse_prevention: p.password_reuse_prevention,
            hard_expiry: p.hard_expiry,
        },
    })
}

pub fn delete_account_password_policy(c: &mut Call<'_>, _r: NoParams) -> Result<Empty, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:DeleteAccountPasswordPolicy", "*"))?;
    let iam = account_iam(c, &account);
    if iam.password_policy.take().is_none() {
        return Err(no_policy(&account));
    }
    Ok(Empty {})
}

/// The API's own constraint on every password parameter: 1–128 characters from tab, line
/// feed, carriage return and U+0020–U+00FF.
fn check_password_chars(field: &str, pw: &str) -> Result<(), AwsError> {
    let n = pw.chars().count();
    if n == 0 || n > 128 {
        return Err(validation(field, "*****", "Member must have length between 1 and 128"));
    }
    if !pw.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')) {
        return Err(validation(field, "*****", r"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+"));
    }
    Ok(())
}

/// Whether `pw` satisfies the account's policy (or, without one, the default policy).
pub fn conforms(policy: Option<&PasswordPolicy>, pw: &str, account_name: &str, email: &str) -> bool {
    let len = pw.chars().count();
    let upper = pw.chars().any(|c| c.is_ascii_uppercase());
    let lower = pw.chars().any(|c| c.is_ascii_lowercase());
    let digit = pw.chars().any(|c| c.is_ascii_digit());
    let symbol = pw.chars().any(|c| SYMBOLS.contains(c));
    match policy {
        Some(p) => {
            len >= p.minimum_password_length as usize
                && (!p.require_uppercase_characters || upper)
                && (!p.require_lowercase_characters || lower)
                && (!p.require_numbers || digit)
                && (!p.require_symbols || symbol)
        }
        None => {
            let kinds = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
            len >= 8 && kinds >= 3 && pw != account_name && pw != email
        }
    }
}

fn hash_with(salt: &[u8], pw: &str) -> Vec<u8> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(salt).expect("HMAC takes any key length");
    mac.update(pw.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hash_password(c: &mut Call<'_>, pw: &str) -> PasswordHash {
    let salt = c.rng().bytes(16);
    let hash = hash_with(&salt, pw);
    PasswordHash { salt, hash }
}

fn matches_hash(h: &PasswordHash, pw: &str) -> bool {
    hash_with(&h.salt, pw) == h.hash
}

/// Checks a new password against the policy and, for changes, against reuse.
fn check_new_password(c: &Call<'_>, account: &str, pw: &str, profile: Option<&LoginProfile>) -> Result<(), AwsError> {
    let a = c.w.iam.accounts.get(account);
    let policy = a.and_then(|a| a.password_policy.as_ref());
    let (name, email) = c.w.accounts.get(account).map(|x| (x.name.as_str(), x.email.as_str())).unwrap_or_default();
    if !conforms(policy, pw, name, email) {
        return Err(IdentityError::PasswordPolicyViolation.err(VIOLATION));
    }
    if let (Some(n), Some(profile)) = (policy.and_then(|p| p.password_reuse_prevention), profile) {
        let previous = std::iter::once(&profile.password).chain(profile.history.iter()).take(n as usize);
        if previous.clone().any(|h| matches_hash(h, pw)) {
            return Err(IdentityError::PasswordPolicyViolation.err(VIOLATION));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Login profiles

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateLoginProfileRequest {
    #[serde(default)]
    pub user_name: Option<String>,
    pub password: String,
    #[serde(default)]
    pub password_reset_required: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoginProfileView {
    pub user_name: String,
    pub create_date: Timestamp,
    pub password_reset_required: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoginProfileResponse {
    pub login_profile: LoginProfileView,
}

fn user_arn_guess(c: &Call<'_>, account: &str, name: &str) -> String {
    entity_arn_guess(c, account, Entity::User, name)
}

fn no_profile(name: &str) -> AwsError {
    IamError::NoSuchEntity.err(format!("Login Profile for User {name} cannot be found."))
}

fn profile_of(c: &Call<'_>, account: &str, name: &str) -> Option<LoginProfile> {
    c.w.iam.accounts.get(account).and_then(|a| a.login_profiles.get(&name.to_ascii_lowercase())).cloned()
}

pub fn create_login_profile(c: &mut Call<'_>, r: CreateLoginProfileRequest) -> Result<LoginProfileResponse, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = user_arn_guess(c, &account, &name);
    c.authorize(Authz::new("iam:CreateLoginProfile", &arn))?;
    check_password_chars("password", &r.password)?;
    let user = user_of(c, &account, &name)?;
    if profile_of(c, &account, &name).is_some() {
        return Err(IamError::EntityAlreadyExists.err(format!("Login Profile for user {} already exists.", user.user_name)));
    }
    check_new_password(c, &account, &r.password, None)?;
    let now = c.now();
    let password = hash_password(c, &r.password);
    let profile = LoginProfile {
        user_name: user.user_name.clone(),
        create_date: now,
        password,
        password_last_changed: now,
        password_reset_required: r.password_reset_required.unwrap_or(false),
        history: Vec::new(),
    };
    let view = LoginProfileView { user_name: user.user_name.clone(), create_date: now, password_reset_required: profile.password_reset_required };
    account_iam(c, &account).login_profiles.insert(user.user_name.to_ascii_lowercase(), profile);
    c.resource(&user.arn, "AWS::IAM::User");
    Ok(LoginProfileResponse { login_profile: view })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserNameRequest {
    #[serde(default)]
    pub user_name: Option<String>,
}

pub fn get_login_profile(c: &mut Call<'_>, r: UserNameRequest) -> Result<LoginProfileResponse, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = user_arn_guess(c, &account, &name);
    c.authorize(Authz::new("iam:GetLoginProfile", &arn))?;
    user_of(c, &account, &name)?;
    let p = profile_of(c, &account, &name).ok_or_else(|| no_profile(&name))?;
    Ok(LoginProfileResponse { login_profile: LoginProfileView { user_name: p.user_name, create_date: p.create_date, password_reset_required: p.password_reset_required } })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateLoginProfileRequest {
    pub user_name: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_reset_required: Option<bool>,
}

/// Sets a new password on a profile, keeping the previous ones for reuse prevention.
fn set_password(c: &mut Call<'_>, account: &str, name: &str, pw: &str) {
    let now = c.now();
    let hash = hash_password(c, pw);
    if let Some(p) = account_iam(c, account).login_profiles.get_mut(&name.to_ascii_lowercase()) {
        let old = std::mem::replace(&mut p.password, hash);
        p.history.insert(0, old);
        p.history.truncate(24);
        p.password_last_changed = now;
    }
}

pub fn update_login_profile(c: &mut Call<'_>, r: UpdateLoginProfileRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let arn = user_arn_guess(c, &account, &r.user_name);
    c.authorize(Authz::new("iam:UpdateLoginProfile", &arn))?;
    if let Some(pw) = &r.password {
        check_password_chars("password", pw)?;
    }
    user_of(c, &account, &r.user_name)?;
    let profile = profile_of(c, &account, &r.user_name).ok_or_else(|| no_profile(&r.user_name))?;
    if let Some(pw) = &r.password {
        check_new_password(c, &account, pw, Some(&profile))?;
        set_password(c, &account, &r.user_name, pw);
    }
    if let Some(reset) = r.password_reset_required
        && let Some(p) = account_iam(c, &account).login_profiles.get_mut(&r.user_name.to_ascii_lowercase())
    {
        p.password_reset_required = reset;
    }
    c.resource(&arn, "AWS::IAM::User");
    Ok(Empty {})
}

pub fn delete_login_profile(c: &mut Call<'_>, r: UserNameRequest) -> Result<Empty, AwsError> {
    let account = c.account();
    let name = key_user(c, &r.user_name)?;
    let arn = user_arn_guess(c, &account, &name);
    c.authorize(Authz::new("iam:DeleteLoginProfile", &arn))?;
    user_of(c, &account, &name)?;
    if account_iam(c, &account).login_profiles.remove(&name.to_ascii_lowercase()).is_none() {
        return Err(no_profile(&name));
    }
    c.resource(&arn, "AWS::IAM::User");
    Ok(Empty {})
}

/// Whether a user still has a console password (DeleteUser refuses while one exists).
pub fn has_login_profile(a: &AccountIam, user_name: &str) -> bool {
    a.login_profiles.contains_key(&user_name.to_ascii_lowercase())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// ChangePassword: the calling IAM user changes its own password.
pub fn change_password(c: &mut Call<'_>, r: ChangePasswordRequest) -> Result<Empty, AwsError> {
    let Principal::User { account, name, .. } = c.principal().clone() else {
        return Err(IdentityError::InvalidUserType.err("ChangePassword can be called only by IAM users, not by the root user or role sessions."));
    };
    let arn = user_arn_guess(c, &account, &name);
    authorize_self_service(c, "iam:ChangePassword", &arn, &account)?;
    check_password_chars("oldPassword", &r.old_password)?;
    check_password_chars("newPassword", &r.new_password)?;
    let profile = profile_of(c, &account, &name).ok_or_else(|| no_profile(&name))?;
    if !matches_hash(&profile.password, &r.old_password) {
        return Err(IamError::AccessDenied.err("The old password is incorrect."));
    }
    check_new_password(c, &account, &r.new_password, Some(&profile))?;
    set_password(c, &account, &name, &r.new_password);
    if let Some(p) = account_iam(c, &account).login_profiles.get_mut(&name.to_ascii_lowercase()) {
        p.password_reset_required = false;
    }
    c.resource(&arn, "AWS::IAM::User");
    Ok(Empty {})
}

/// When a password expires under the account's policy, if it does.
pub fn password_expiry(policy: Option<&PasswordPolicy>, p: &LoginProfile) -> Option<Timestamp> {
    policy.and_then(|x| x.max_password_age).map(|days| p.password_last_changed.plus(Duration::days(days as i64)))
}

// ---------------------------------------------------------------------------------------------
// Console sign-in

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ConsoleLoginRequest {
    pub user_name: String,
    pub password: String,
    /// The MFA device's current code (required when the user has a device).
    #[serde(default)]
    pub token_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsoleLoginResponse {
    /// `Success`.
    pub console_login: &'static str,
    pub user_name: String,
    /// `Yes` or `No`.
    #[serde(rename = "MFAUsed")]
    pub mfa_used: &'static str,
    /// The password expired or an administrator required a new one: the user must call
    /// ChangePassword before using the console (no session credentials are issued).
    pub password_change_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<super::sts::Credentials>,
}

fn failed(msg: &str) -> AwsError {
    AwsError::new("FailedAuthentication", 401, msg)
}

/// The console sign-in of an IAM user (run as an unsigned call; audited as ConsoleLogin by
/// that user).
pub fn console_login(c: &mut Call<'_>, r: ConsoleLoginRequest) -> Result<ConsoleLoginResponse, AwsError> {
    let account = crate::world::DEFAULT_ACCOUNT.to_string();
    let user = user_of(c, &account, &r.user_name);
    if let Ok(u) = &user {
        let p = Principal::User {
            account: account.clone(),
            name: u.user_name.clone(),
            path: u.path.clone(),
            user_id: u.user_id.clone(),
            mfa_authenticated_at: None,
            session_expiration: None,
        };
        c.user_identity = Some(UserIdentity::of(&p));
        c.resource(&u.arn, "AWS::IAM::User");
    }
    let user = user.map_err(|_| failed("Failed authentication"))?;
    let profile = profile_of(c, &account, &user.user_name).ok_or_else(|| failed("Failed authentication"))?;
    if !matches_hash(&profile.password, &r.password) {
        return Err(failed("Failed authentication"));
    }
    let now = c.now();
    // MFA: a user with a device must give its current code (checked now, consumed only
    // once the sign-in succeeds: a failed sign-in changes nothing).
    let mut mfa = None;
    if let Some(serial) = user.mfa_devices.first().cloned() {
        let Some(code) = &r.token_code else { return Err(failed("Failed authentication (MFA code required)")) };
        let dev = c.w.iam.accounts.get(&account).and_then(|a| a.mfa_devices.get(&serial)).cloned();
        let Some(dev) = dev else { return Err(failed("Failed authentication")) };
        let step = now.secs().div_euclid(super::mfa::STEP_SECONDS);
        let hit = [step, step - 1]
            .into_iter()
            .find(|s| format!("{:06}", super::mfa::hotp(&dev.seed, *s as u64, 6)) == *code && dev.last_used_step.is_none_or(|u| *s > u));
        let Some(hit) = hit else { return Err(failed("Failed authentication (invalid MFA code)")) };
        mfa = Some((serial, hit));
    }
    let policy = c.w.iam.accounts.get(&account).and_then(|a| a.password_policy.clone());
    let expired = password_expiry(policy.as_ref(), &profile).is_some_and(|t| now >= t);
    if expired && policy.as_ref().is_some_and(|p| p.hard_expiry) {
        return Err(failed("Failed authentication (the password has expired and must be reset by an administrator)"));
    }
    let mfa_at = mfa.as_ref().map(|_| now);
    if let Some((serial, step)) = mfa
        && let Some(d) = account_iam(c, &account).mfa_devices.get_mut(&serial)
    {
        d.last_used_step = Some(step);
    }
    let change_required = expired || profile.password_reset_required;
    let credentials = if change_required {
        None
    } else {
        let key_id = c.rng().access_key_id("ASIA");
        let secret = c.rng().secret_access_key();
        let token = format!("IQoJb3JpZ2luX2VjE{}", base64::engine::general_purpose::STANDARD.encode(c.rng().bytes(192)));
        let expiration = now.plus(CONSOLE_SESSION);
        c.w.iam.credentials.insert(
            key_id.clone(),
            Credential::UserSession {
                account: account.clone(),
                user_name: user.user_name.clone(),
                secret_access_key: secret.clone(),
                session_token: token.clone(),
                expiration,
                mfa_authenticated_at: mfa_at,
            },
        );
        Some(super::sts::Credentials { access_key_id: key_id, secret_access_key: secret, session_token: token, expiration })
    };
    c.response_elements = json!({ "ConsoleLogin": "Success" });
    Ok(ConsoleLoginResponse {
        console_login: "Success",
        user_name: user.user_name,
        mfa_used: if mfa_at.is_some() { "Yes" } else { "No" },
        password_change_required: change_required,
        credentials,
    })
}

// ---------------------------------------------------------------------------------------------
// Last-used data (kept by `usage` as calls are recorded)

pub use super::usage::LastUse;

/// When and where an access key was last used to sign a request (15-minute granularity).
pub fn access_key_last_used(w: &World, key_id: &str) -> Option<LastUse> {
    w.iam.usage.access_keys.get(key_id).cloned()
}

/// When a user's password was last used to sign in (5-minute granularity).
pub fn password_last_used(w: &World, user_arn: &str) -> Option<Timestamp> {
    w.iam.usage.passwords.get(user_arn).copied()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetAccessKeyLastUsedRequest {
    pub access_key_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyLastUsedView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<Timestamp>,
    pub service_name: String,
    pub region: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyLastUsedResponse {
    pub user_name: String,
    pub access_key_last_used: AccessKeyLastUsedView,
}

pub fn get_access_key_last_used(c: &mut Call<'_>, r: GetAccessKeyLastUsedRequest) -> Result<GetAccessKeyLastUsedResponse, AwsError> {
    let owner = match c.w.iam.credentials.get(&r.access_key_id) {
        Some(Credential::AccessKey { account, user_name, .. }) => Some((account.clone(), user_name.clone())),
        _ => None,
    };
    let arn = owner.as_ref().map(|(a, u)| user_arn_guess(c, a, u)).unwrap_or_else(|| "*".into());
    c.authorize(Authz::new("iam:GetAccessKeyLastUsed", &arn))?;
    let Some((_, user_name)) = owner else {
        return Err(IamError::NoSuchEntity.err(format!("The Access Key with id {} cannot be found.", r.access_key_id)));
    };
    let last = access_key_last_used(c.w, &r.access_key_id);
    Ok(GetAccessKeyLastUsedResponse {
        user_name,
        access_key_last_used: AccessKeyLastUsedView {
            last_used_date: last.as_ref().map(|l| l.at),
            service_name: last.as_ref().map(|l| l.service.clone()).unwrap_or_else(|| "N/A".into()),
            region: last.map(|l| l.region).unwrap_or_else(|| "N/A".into()),
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Credential report

/// The report's columns, in AWS's order.
pub const REPORT_COLUMNS: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// The report's date format: `2026-01-01T00:00:00+00:00`.
pub fn report_time(t: Timestamp) -> String {
    t.to_chrono().format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn tf(b: bool) -> String {
    if b { "true".into() } else { "false".into() }
}

/// Builds the CSV for `account` as the world is now.
pub fn credential_report_csv(w: &World, account: &str) -> String {
    let mut rows = vec![REPORT_COLUMNS.join(",")];
    let na = || "N/A".to_string();
    let mut root = vec![
        "<root_account>".to_string(),
        Arn::account_root(account).to_string(),
        report_time(w.clock.start),
        "not_supported".into(),
        "no_information".into(),
        "not_supported".into(),
        "not_supported".into(),
        "false".into(),
    ];
    root.extend(["false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "N/A", "N/A", "N/A", "false", "N/A", "false", "N/A"].map(String::from));
    rows.push(root.join(","));
    let Some(a) = w.iam.accounts.get(account) else { return rows.join("\n") + "\n" };
    for u in a.users.values() {
        let profile = a.login_profiles.get(&u.user_name.to_ascii_lowercase());
        let mut row = vec![u.user_name.clone(), u.arn.clone(), report_time(u.create_date)];
        match profile {
            None => row.extend([tf(false), na(), na(), na()]),
            Some(p) => {
                row.push(tf(true));
                row.push(password_last_used(w, &u.arn).map(report_time).unwrap_or_else(|| "no_information".into()));
                row.push(report_time(p.password_last_changed));
                row.push(password_expiry(a.password_policy.as_ref(), p).map(report_time).unwrap_or_else(na));
            }
        }
        row.push(tf(!u.mfa_devices.is_empty()));
        for i in 0..2 {
            match u.access_keys.get(i).and_then(|id| w.iam.credentials.get(id).map(|c| (id, c))) {
                Some((id, Credential::AccessKey { status, create_date, .. })) => {
                    let last = access_key_last_used(w, id);
                    row.push(tf(status == "Active"));
                    row.push(report_time(*create_date));
                    row.push(last.as_ref().map(|l| report_time(l.at)).unwrap_or_else(na));
                    row.push(last.as_ref().map(|l| l.region.clone()).unwrap_or_else(na));
                    row.push(last.map(|l| l.service).unwrap_or_else(na));
                }
                _ => row.extend([tf(false), na(), na(), na(), na()]),
            }
        }
        row.extend([tf(false), na(), tf(false), na()]);
        rows.push(row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
    }
    rows.join("\n") + "\n"
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateCredentialReportResponse {
    /// `STARTED` (a new report) or `COMPLETE` (the last one is younger than four hours).
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'static str>,
}

pub fn generate_credential_report(c: &mut Call<'_>, _r: NoParams) -> Result<GenerateCredentialReportResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:GenerateCredentialReport", "*"))?;
    let now = c.now();
    let existing = c.w.iam.accounts.get(&account).and_then(|a| a.credential_report.as_ref()).map(|r| r.generated);
    if existing.is_some_and(|t| now < t.plus(REPORT_INTERVAL)) {
        return Ok(GenerateCredentialReportResponse { state: "COMPLETE", description: None });
    }
    let content = credential_report_csv(c.w, &account);
    account_iam(c, &account).credential_report = Some(CredentialReport { generated: now, content });
    Ok(GenerateCredentialReportResponse {
        state: "STARTED",
        description: existing.is_none().then_some("No report exists. Starting a new report generation task"),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCredentialReportResponse {
    /// The CSV (a blob; base64 when shown).
    pub content: crate::world::Blob,
    pub report_format: &'static str,
    pub generated_time: Timestamp,
}

pub fn get_credential_report(c: &mut Call<'_>, _r: NoParams) -> Result<GetCredentialReportResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:GetCredentialReport", "*"))?;
    let Some(report) = c.w.iam.accounts.get(&account).and_then(|a| a.credential_report.clone()) else {
        return Err(IdentityError::ReportNotPresent
            .err("The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport."));
    };
    if c.now() >= report.generated.plus(REPORT_INTERVAL) {
        return Err(IdentityError::ReportExpired.err(
            "The request was rejected because the most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport.",
        ));
    }
    Ok(GetCredentialReportResponse { content: crate::world::Blob(report.content.into_bytes()), report_format: "text/csv", generated_time: report.generated })
}

// ---------------------------------------------------------------------------------------------
// Access Advisor

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenerateServiceLastAccessedDetailsRequest {
    pub arn: String,
    #[serde(default)]
    pub granularity: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateServiceLastAccessedDetailsResponse {
    pub job_id: String,
}

/// Who an Access Advisor report is about: the permissions policies that apply and the
/// principals whose activity counts (user ARNs, and role ARNs for their sessions).
struct Subject {
    policies: Vec<Policy>,
    users: BTreeSet<String>,
    roles: BTreeSet<String>,
}

fn policies_of(a: &AccountIam, inline: &BTreeMap<String, Policy>, attached: &[String], out: &mut Vec<Policy>) {
    out.extend(inline.values().cloned());
    out.extend(attached.iter().filter_map(|arn| super::managed_document(a, arn)));
}

fn subject(w: &World, arn: &Arn) -> Result<Subject, AwsError> {
    let missing = || IamError::NoSuchEntity.err(format!("The entity {arn} cannot be found."));
    let a = w.iam.accounts.get(&arn.account).ok_or_else(missing)?;
    let name = arn.resource_name().to_ascii_lowercase();
    let mut s = Subject { policies: Vec::new(), users: BTreeSet::new(), roles: BTreeSet::new() };
    match arn.resource_type() {
        "user" => {
            let u = a.users.get(&name).filter(|u| u.arn == arn.to_string()).ok_or_else(missing)?;
            policies_of(a, &u.inline, &u.attached, &mut s.policies);
            for g in u.groups.iter().filter_map(|g| a.groups.get(&g.to_ascii_lowercase())) {
                policies_of(a, &g.inline, &g.attached, &mut s.policies);
            }
            s.users.insert(u.arn.clone());
        }
        "role" => {
            let r = a.roles.get(&name).filter(|r| r.arn == arn.to_string()).ok_or_else(missing)?;
            policies_of(a, &r.inline, &r.attached, &mut s.policies);
            s.roles.insert(r.arn.clone());
        }
        "group" => {
            let g = a.groups.get(&name).filter(|g| g.arn == arn.to_string()).ok_or_else(missing)?;
            policies_of(a, &g.inline, &g.attached, &mut s.policies);
            s.users.extend(a.users.values().filter(|u| u.groups.iter().any(|x| x.eq_ignore_ascii_case(&g.group_name))).map(|u| u.arn.clone()));
        }
        "policy" => {
            let p = super::managed_document(a, &arn.to_string()).ok_or_else(missing)?;
            s.policies.push(p);
            let target = arn.to_string();
            for u in a.users.values() {
                let via_group = u.groups.iter().filter_map(|g| a.groups.get(&g.to_ascii_lowercase())).any(|g| g.attached.contains(&target));
                if u.attached.contains(&target) || via_group {
                    s.users.insert(u.arn.clone());
                }
            }
            s.roles.extend(a.roles.values().filter(|r| r.attached.contains(&target)).map(|r| r.arn.clone()));
        }
        _ => return Err(IamError::InvalidInput.err(format!("`{arn}` is not the ARN of a user, group, role or managed policy."))),
    }
    Ok(s)
}

/// Whether any Allow statement of `policies` allows some action of `prefix`.
fn allows_service(policies: &[Policy], prefix: &str) -> bool {
    use crate::policy::matching::Glob;
    let covers = |pattern: &str| -> bool {
        let p = pattern.to_ascii_lowercase();
        match p.split_once(':') {
            None => p == "*",
            Some((svc, _)) => Glob::new(svc, true).matches(prefix, true),
        }
    };
    policies.iter().flat_map(|p| p.statements()).filter(|s| s.effect == crate::policy::Effect::Allow).any(|s| {
        if s.action.negated {
            // NotAction allows every service it does not exclude entirely.
            !s.action.values.iter().any(|v| v.eq_ignore_ascii_case(&format!("{prefix}:*")) || v == "*")
        } else {
            s.action.values.iter().any(|v| covers(v))
        }
    })
}

/// The entity (user ARN, or role ARN) that `arn` (a user, or a role's sessions as
/// `usage` keeps them) stands for, if it is one of the subject's.
fn entity_of(arn: &str, s: &Subject) -> Option<String> {
    if s.users.contains(arn) {
        return Some(arn.to_string());
    }
    let a: Arn = arn.parse().ok()?;
    let role_name = a.resource.strip_prefix("assumed-role/")?;
    s.roles.iter().find(|r| r.parse::<Arn>().ok().is_some_and(|ra| ra.account == a.account && ra.resource_name() == role_name)).cloned()
}

fn last_accessed(w: &World, s: &Subject, action_level: bool) -> Vec<ServiceLastAccessed> {
    let since = w.clock.now.minus(Duration::days(TRACKING_DAYS));
    // The subject's entities' attempts at each service in the tracking period.
    let mut by_service: BTreeMap<&str, Vec<(String, &ServiceAttempts)>> = BTreeMap::new();
    for (arn, services) in &w.iam.usage.services {
        let Some(who) = entity_of(arn, s) else { continue };
        for (ns, attempts) in services {
            if attempts.last.as_ref().is_some_and(|a| a.at >= since) {
                by_service.entry(ns.as_str()).or_default().push((who.clone(), attempts));
            }
        }
    }
    let latest = |a: &&(&Attempt, &String)| (a.0.at, a.0.seq);
    let mut out = Vec::new();
    for info in catalog::all_services() {
        if !allows_service(&s.policies, info.prefix) {
            continue;
        }
        let mine = by_service.get(info.prefix).map(Vec::as_slice).unwrap_or_default();
        let lasts: Vec<(&Attempt, &String)> = mine.iter().filter_map(|(who, a)| a.last.as_ref().map(|l| (l, who))).collect();
        let last = lasts.iter().max_by_key(latest);
        let entities: BTreeSet<&String> = mine.iter().map(|(who, _)| who).collect();
        let tracked = (action_level && TRACKED.contains(&info.prefix)).then(|| {
            let mut by_action: BTreeMap<&str, Vec<(&Attempt, &String)>> = BTreeMap::new();
            for (who, a) in mine {
                for (name, at) in &a.actions {
                    by_action.entry(name.as_str()).or_default().push((at, who));
                }
            }
            by_action
                .into_iter()
                .filter_map(|(name, tries)| {
                    let (at, who) = tries.iter().filter(|(a, _)| a.at >= since).max_by_key(latest)?;
                    Some(TrackedActionLastAccessed {
                        action_name: name.to_string(),
                        last_accessed_entity: (*who).clone(),
                        last_accessed_time: at.at,
                        last_accessed_region: at.region.clone(),
                    })
                })
                .collect()
        });
        out.push(ServiceLastAccessed {
            service_name: info.name.to_string(),
            service_namespace: info.prefix.to_string(),
            last_authenticated: last.map(|(a, _)| a.at),
            last_authenticated_entity: last.map(|(_, who)| (*who).clone()),
            last_authenticated_region: last.map(|(a, _)| a.region.clone()),
            total_authenticated_entities: entities.len() as u32,
            tracked_actions_last_accessed: tracked,
        });
    }
    out
}

pub fn generate_service_last_accessed_details(
    c: &mut Call<'_>,
    r: GenerateServiceLastAccessedDetailsRequest,
) -> Result<GenerateServiceLastAccessedDetailsResponse, AwsError> {
    c.authorize(Authz::new("iam:GenerateServiceLastAccessedDetails", &r.arn))?;
    let granularity = r.granularity.unwrap_or_else(|| "SERVICE_LEVEL".into());
    if granularity != "SERVICE_LEVEL" && granularity != "ACTION_LEVEL" {
        return Err(validation("granularity", &granularity, "Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]"));
    }
    let arn: Arn = r.arn.parse().map_err(|_| IamError::InvalidInput.err(format!("`{}` is not an ARN.", r.arn)))?;
    let s = subject(c.w, &arn)?;
    let services = last_accessed(c.w, &s, granularity == "ACTION_LEVEL");
    let job_id = c.rng().uuid();
    let now = c.now();
    account_iam(c, &arn.account)
        .access_advisor_jobs
        .insert(job_id.clone(), AccessAdvisorJob { job_id: job_id.clone(), arn: r.arn, granularity, created: now, services });
    Ok(GenerateServiceLastAccessedDetailsResponse { job_id })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetServiceLastAccessedDetailsRequest {
    pub job_id: String,
    #[serde(default)]
    pub max_items: Option<i64>,
    #[serde(default)]
    pub marker: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetServiceLastAccessedDetailsResponse {
    pub job_status: &'static str,
    pub job_type: String,
    pub job_creation_date: Timestamp,
    pub services_last_accessed: Vec<ServiceLastAccessed>,
    pub job_completion_date: Timestamp,
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

pub fn get_service_last_accessed_details(c: &mut Call<'_>, r: GetServiceLastAccessedDetailsRequest) -> Result<GetServiceLastAccessedDetailsResponse, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:GetServiceLastAccessedDetails", "*"))?;
    let job = c
        .w
        .iam
        .accounts
        .get(&account)
        .and_then(|a| a.access_advisor_jobs.get(&r.job_id))
        .cloned()
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("No job found for JobId {}.", r.job_id)))?;
    let max = in_range("maxItems", r.max_items, 1, 1000)?.unwrap_or(100) as usize;
    let start = match &r.marker {
        None => 0,
        Some(m) => m.parse::<usize>().ok().filter(|i| *i <= job.services.len()).ok_or_else(|| IamError::InvalidInput.err(format!("Invalid Marker `{m}`.")))?,
    };
    let end = (start + max).min(job.services.len());
    let is_truncated = end < job.services.len();
    Ok(GetServiceLastAccessedDetailsResponse {
        job_status: "COMPLETED",
        job_type: job.granularity,
        job_creation_date: job.created,
        services_last_accessed: job.services[start..end].to_vec(),
        job_completion_date: job.created,
        is_truncated,
        marker: is_truncated.then(|| end.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(min: u32) -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: min,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        }
    }

    #[test]
    fn the_default_policy_wants_eight_characters_of_three_kinds() {
        // "Minimum password length of 8 characters ... Minimum of three of the following mix of
        // character types: uppercase, lowercase, numbers, and non-alphanumeric character"
        assert!(conforms(None, "Abcdefg1", "default", "admin@example.com"));
        assert!(!conforms(None, "Abcdef1", "default", "admin@example.com"), "seven characters");
        assert!(!conforms(None, "abcdefgh1", "default", "admin@example.com"), "two kinds");
        assert!(conforms(None, "abcdefg1!", "default", "admin@example.com"));
        assert!(!conforms(None, "Admin@example.com", "x", "Admin@example.com"), "not the account email");
    }

    #[test]
    fn a_custom_policy_checks_each_requirement() {
        let p = policy(12);
        assert!(conforms(Some(&p), "Correct-Horse-9", "", ""));
        assert!(!conforms(Some(&p), "Correct-Horse", "", ""), "no number");
        assert!(!conforms(Some(&p), "correct-horse-9", "", ""), "no upper case");
        assert!(!conforms(Some(&p), "CorrectHorse99", "", ""), "no symbol");
        assert!(!conforms(Some(&p), "C-h-9", "", ""), "too short");
    }

    #[test]
    fn report_times_use_the_plus_zero_offset() {
        assert_eq!(report_time(Timestamp::parse("2026-01-01T00:00:00Z").unwrap()), "2026-01-01T00:00:00+00:00");
        assert_eq!(REPORT_COLUMNS.len(), 22);
    }
}
