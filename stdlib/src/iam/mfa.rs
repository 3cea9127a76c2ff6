//! Virtual MFA devices and MFA-authenticated sessions.
//!
//! A virtual MFA device holds a 20-byte seed from the world's random stream; its codes are
//! RFC 6238 TOTP values (HMAC-SHA1, 30-second steps, 6 digits) computed from the SIMULATED
//! clock, so `iam::mfa_code(seed)` gives the code an authenticator app would show "now".
//! EnableMFADevice takes two consecutive codes; GetSessionToken with SerialNumber and
//! TokenCode returns temporary credentials whose requests carry
//! `aws:MultiFactorAuthPresent = true` and `aws:MultiFactorAuthAge`. A code is accepted once
//! (no replay) and within one step of clock skew.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};

use super::error::IamError;
use super::model::{Credential, MfaDevice};
use super::ops::{account_iam, check_name, check_path, user_of};
use super::sts::Credentials;
use crate::world::authz::Authz;
use crate::world::{AwsError, Call, Duration, ErrorCode, Principal, Timestamp};

/// RFC 6238 time step.
pub const STEP_SECONDS: i64 = 30;

/// RFC 4226 HOTP with HMAC-SHA1, truncated to `digits` decimal digits.
pub fn hotp(seed: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(seed).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    bin % 10u32.pow(digits)
}

/// The 6-digit TOTP code for the 30-second step containing `t`.
pub fn totp(seed: &[u8], t: Timestamp) -> String {
    format!("{:06}", hotp(seed, t.secs().div_euclid(STEP_SECONDS) as u64, 6))
}

fn step_of(t: Timestamp) -> i64 {
    t.secs().div_euclid(STEP_SECONDS)
}

fn code_at(seed: &[u8], step: i64) -> String {
    format!("{:06}", hotp(seed, step as u64, 6))
}

/// Base32 (RFC 4648, no padding) as authenticator apps take seeds.
pub fn base32(seed: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(seed)
}

pub fn decode_base32(s: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(s.trim().trim_end_matches('=').to_ascii_uppercase().as_bytes()).ok()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateVirtualMfaDeviceRequest {
    #[serde(rename = "VirtualMFADeviceName")]
    pub virtual_mfa_device_name: String,
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMfaDeviceView {
    pub serial_number: String,
    /// The seed as authenticator apps take it (AWS returns these base32 characters as a blob;
    /// the simulator hands back the text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base32_string_seed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_date: Option<Timestamp>,
}

#[derive(Debug, Serialize)]
pub struct CreateVirtualMfaDeviceResponse {
    #[serde(rename = "VirtualMFADevice")]
    pub virtual_mfa_device: VirtualMfaDeviceView,
}

pub fn create_virtual_mfa_device(c: &mut Call<'_>, r: CreateVirtualMfaDeviceRequest) -> Result<CreateVirtualMfaDeviceResponse, AwsError> {
    let account = c.account();
    let path = r.path.unwrap_or_else(|| "/".into());
    let serial = format!("arn:aws:iam::{account}:mfa{path}{}", r.virtual_mfa_device_name);
    c.authorize(Authz::new("iam:CreateVirtualMFADevice", &serial))?;
    check_name("virtualMFADeviceName", &r.virtual_mfa_device_name, 226)?;
    check_path(&path)?;
    if account_iam(c, &account).mfa_devices.contains_key(&serial) {
        return Err(IamError::EntityAlreadyExists.err(format!("MFADevice entity at the same path and name already exists: {serial}")));
    }
    let seed = c.rng().bytes(20);
    let view = VirtualMfaDeviceView { serial_number: serial.clone(), base32_string_seed: Some(base32(&seed)), user: None, enable_date: None };
    account_iam(c, &account)
        .mfa_devices
        .insert(serial.clone(), MfaDevice { serial_number: serial.clone(), seed, user: None, enable_date: None, last_used_step: None });
    c.resource(&serial, "AWS::IAM::VirtualMFADevice");
    Ok(CreateVirtualMfaDeviceResponse { virtual_mfa_device: view })
}

fn invalid_code() -> AwsError {
    AwsError::new("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct EnableMfaDeviceRequest {
    pub user_name: String,
    pub serial_number: String,
    pub authentication_code1: String,
    pub authentication_code2: String,
}

/// Associates a device with a user. The two codes must be consecutive (code 1 one step
/// before code 2), with code 2 from the current step or the one before (clock skew).
pub fn enable_mfa_device(c: &mut Call<'_>, r: EnableMfaDeviceRequest) -> Result<super::ops::Empty, AwsError> {
    let account = c.account();
    let user = user_of(c, &account, &r.user_name);
    let arn = user.as_ref().map(|u| u.arn.clone()).unwrap_or_default();
    c.authorize(Authz::new("iam:EnableMFADevice", &arn))?;
    let user = user?;
    let dev = account_iam(c, &account)
        .mfa_devices
        .get(&r.serial_number)
        .cloned()
        .ok_or_else(|| IamError::NoSuchEntity.err(format!("VirtualMFADevice with serial number {} doesn't exist.", r.serial_number)))?;
    if dev.user.is_some() {
        return Err(IamError::EntityAlreadyExists.err("MFA Device is already in use."));
    }
    if user.mfa_devices.len() >= 8 {
        return Err(IamError::LimitExceeded.err("Cannot exceed quota for MFADevicesPerUser: 8"));
    }
    let now = step_of(c.now());
    let ok = [now, now - 1]
        .iter()
        .find(|s| code_at(&dev.seed, **s) == r.authentication_code2 && code_at(&dev.seed, **s - 1) == r.authentication_code1)
        .copied();
    let Some(step) = ok else { return Err(invalid_code()) };
    let now_t = c.now();
    let iam = account_iam(c, &account);
    let d = iam.mfa_devices.get_mut(&r.serial_number).expect("exists");
    d.user = Some(user.user_name.clone());
    d.enable_date = Some(now_t);
    d.last_used_step = Some(step);
    iam.users.get_mut(&user.user_name.to_ascii_lowercase()).expect("exists").mfa_devices.push(r.serial_number.clone());
    c.resource(&r.serial_number, "AWS::IAM::VirtualMFADevice");
    Ok(super::ops::Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeactivateMfaDeviceRequest {
    pub user_name: String,
    pub serial_number: String,
}

pub fn deactivate_mfa_device(c: &mut Call<'_>, r: DeactivateMfaDeviceRequest) -> Result<super::ops::Empty, AwsError> {
    let account = c.account();
    let user = user_of(c, &account, &r.user_name);
    let arn = user.as_ref().map(|u| u.arn.clone()).unwrap_or_default();
    c.authorize(Authz::new("iam:DeactivateMFADevice", &arn))?;
    let user = user?;
    if !user.mfa_devices.contains(&r.serial_number) {
        return Err(IamError::NoSuchEntity.err(format!("MFA Device with serial number {} does not exist.", r.serial_number)));
    }
    let iam = account_iam(c, &account);
    if let Some(d) = iam.mfa_devices.get_mut(&r.serial_number) {
        d.user = None;
        d.enable_date = None;
    }
    iam.users.get_mut(&user.user_name.to_ascii_lowercase()).expect("exists").mfa_devices.retain(|s| s != &r.serial_number);
    Ok(super::ops::Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeleteVirtualMfaDeviceRequest {
    pub serial_number: String,
}

pub fn delete_virtual_mfa_device(c: &mut Call<'_>, r: DeleteVirtualMfaDeviceRequest) -> Result<super::ops::Empty, AwsError> {
    let account = c.account();
    c.authorize(Authz::new("iam:DeleteVirtualMFADevice", &r.serial_number))?;
    let iam = account_iam(c, &account);
    match iam.mfa_devices.get(&r.serial_number) {
        None => Err(IamError::NoSuchEntity.err(format!("VirtualMFADevice with serial number {} doesn't exist.", r.serial_number))),
        Some(d) if d.user.is_some() => Err(IamError::DeleteConflict.err("MFA device is still in use.")),
        Some(_) => {
            iam.mfa_devices.remove(&r.serial_number);
            Ok(super::ops::Empty {})
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListMfaDevicesRequest {
    #[serde(default)]
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDeviceView {
    pub user_name: String,
    pub serial_number: String,
    pub enable_date: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMfaDevicesResponse {
    #[serde(rename = "MFADevices")]
    pub mfa_devices: Vec<MfaDeviceView>,
    pub is_truncated: bool,
}

pub fn list_mfa_devices(c: &mut Call<'_>, r: ListMfaDevicesRequest) -> Result<ListMfaDevicesResponse, AwsError> {
    let account = c.account();
    let name = match (&r.user_name, c.principal()) {
        (Some(n), _) => n.clone(),
        (None, Principal::User { name, .. }) => name.clone(),
        (None, _) => return Err(IamError::ValidationError.err("Must specify userName when calling with non-User credentials")),
    };
    let user = user_of(c, &account, &name);
    let arn = user.as_ref().map(|u| u.arn.clone()).unwrap_or_default();
    c.authorize(Authz::new("iam:ListMFADevices", &arn))?;
    let user = user?;
    let iam = account_iam(c, &account);
    let mfa_devices = user
        .mfa_devices
        .iter()
        .filter_map(|s| iam.mfa_devices.get(s))
        .map(|d| MfaDeviceView { user_name: user.user_name.clone(), serial_number: d.serial_number.clone(), enable_date: d.enable_date.unwrap_or_default() })
        .collect();
    Ok(ListMfaDevicesResponse { mfa_devices, is_truncated: false })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetSessionTokenRequest {
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub token_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSessionTokenResponse {
    pub credentials: Credentials,
}

/// Temporary credentials for an IAM user (900–129,600 s, default 43,200; the root user at
/// most 3,600), MFA-authenticated when SerialNumber and TokenCode are given and valid.
pub fn get_session_token(c: &mut Call<'_>, r: GetSessionTokenRequest) -> Result<GetSessionTokenResponse, AwsError> {
    let (account, user_name, is_root) = match c.principal() {
        Principal::User { account, name, session_expiration: None, .. } => (account.clone(), Some(name.clone()), false),
        Principal::Root { account } => (account.clone(), None, true),
        _ => {
            return Err(IamError::AccessDenied.err("Cannot call GetSessionToken with session credentials"));
        }
    };
    let duration = r.duration_seconds.unwrap_or(if is_root { 3600 } else { 43200 });
    let max = if is_root { 3600 } else { 129_600 };
    if !(900..=max).contains(&duration) {
        return Err(IamError::ValidationError.err(format!(
            "1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and {max}"
        )));
    }
    let now = c.now();
    let mfa_at = match (&r.serial_number, &r.token_code) {
        (None, None) => None,
        (Some(serial), Some(code)) => {
            let dev = c.w.iam.accounts.get(&account).and_then(|a| a.mfa_devices.get(serial)).cloned();
            let dev = dev.filter(|d| d.user.is_some() && d.user == user_name);
            let Some(dev) = dev else {
                return Err(IamError::AccessDenied.err(
                    "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.",
                ));
            };
            let step = step_of(now);
            let hit = [step, step - 1].into_iter().find(|s| code_at(&dev.seed, *s) == *code && dev.last_used_step.is_none_or(|u| *s > u));
            let Some(hit) = hit else {
                return Err(IamError::AccessDenied.err("MultiFactorAuthentication failed with invalid MFA one time pass code."));
            };
            if let Some(d) = account_iam(c, &account).mfa_devices.get_mut(serial) {
                d.last_used_step = Some(hit);
            }
            Some(now)
        }
        _ => return Err(IamError::ValidationError.err("SerialNumber and TokenCode must be supplied together.")),
    };
    let Some(user_name) = user_name else {
        return Err(IamError::InvalidInput.err("The simulator issues session tokens to IAM users; the root user should not be used for everyday work."));
    };
    let key_id = c.rng().access_key_id("ASIA");
    let secret = c.rng().secret_access_key();
    let token = format!("IQoJb3JpZ2luX2VjE{}", base64::engine::general_purpose::STANDARD.encode(c.rng().bytes(192)));
    let expiration = now.plus(Duration::secs(duration));
    c.w.iam.credentials.insert(
        key_id.clone(),
        Credential::UserSession {
            account,
            user_name,
            secret_access_key: secret.clone(),
            session_token: token.clone(),
            expiration,
            mfa_authenticated_at: mfa_at,
        },
    );
    Ok(GetSessionTokenResponse { credentials: Credentials { access_key_id: key_id, secret_access_key: secret, session_token: token, expiration } })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows (seed "12345678901234567890", 8 digits).
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = b"12345678901234567890";
        for (t, want) in [
            (59_i64, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(seed, (t / 30) as u64, 8), want, "T = {t}");
        }
        assert_eq!(totp(seed, Timestamp::from_secs(59)), "287082");
    }

    #[test]
    fn base32_round_trip() {
        let seed = b"12345678901234567890";
        let s = base32(seed);
        assert_eq!(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(decode_base32(&s).unwrap(), seed);
        assert_eq!(decode_base32(&s.to_lowercase()).unwrap(), seed);
    }
}
