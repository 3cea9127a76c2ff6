//! EBS's use of KMS, in one place: a new data key for a volume or snapshot, decrypting it
//! when a volume is attached, and resolving a key id for the default-key setting.
//!
//! EC2 calls KMS on the caller's behalf: each call is its own audited KMS event with
//! `invokedBy: ec2.amazonaws.com`, decided with the caller's permissions plus
//! `kms:ViaService = ec2.<region>.amazonaws.com` (what the `alias/aws/ebs` key policy
//! requires), in the region of the volume — KMS keys are regional. KMS's errors
//! (`DisabledException`, `NotFoundException`, `AccessDeniedException`, `KMSInvalidStateException`)
//! reach the script unchanged, as the EBS operation's error.

use serde_json::json;

use crate::kms::ops as kms;
use crate::world::service::KMS;
use crate::world::{AwsError, Blob, Call};

/// The AWS managed key EBS uses when no key is named.
pub const EBS_MANAGED_ALIAS: &str = "alias/aws/ebs";

/// Generates a volume data key under `key` (None: `alias/aws/ebs`, created on first use) in
/// `region`; returns the key ARN and the encrypted data key (GenerateDataKeyWithoutPlaintext).
pub fn new_data_key(c: &mut Call, key: Option<&str>, region: &str) -> Result<(String, Vec<u8>), AwsError> {
    let named = key.map(str::to_string);
    let params = json!({ "keyId": named.clone().unwrap_or_else(|| EBS_MANAGED_ALIAS.into()), "keySpec": "AES_256" });
    let r = c.nested_in(region, &KMS, "GenerateDataKeyWithoutPlaintext", params, |kc| {
        let key_id = match named {
            Some(k) => k,
            None => kms::aws_managed_key(kc, EBS_MANAGED_ALIAS)?,
        };
        kms::generate_data_key_without_plaintext(
            kc,
            kms::GenerateDataKeyRequest { key_id, key_spec: Some("AES_256".into()), ..Default::default() },
        )
    })?;
    Ok((r.key_id, r.ciphertext_blob.0))
}

/// Asks KMS to decrypt a volume's data key (at attach time).
pub fn decrypt_data_key(c: &mut Call, key_arn: &str, blob: &[u8], region: &str) -> Result<(), AwsError> {
    let params = json!({ "keyId": key_arn, "ciphertextBlob": "HIDDEN_DUE_TO_SECURITY_REASONS" });
    c.nested_in(region, &KMS, "Decrypt", params, |kc| {
        kms::decrypt(kc, kms::DecryptRequest { ciphertext_blob: Blob(blob.to_vec()), key_id: Some(key_arn.to_string()), ..Default::default() })
    })?;
    Ok(())
}

/// Resolves a key id, ARN or alias to the key ARN (for ModifyEbsDefaultKmsKeyId).
pub fn resolve_key(c: &mut Call, key: &str, region: &str) -> Result<String, AwsError> {
    let r = c.nested_in(region, &KMS, "DescribeKey", json!({ "keyId": key }), |kc| {
        kms::describe_key(kc, kms::DescribeKeyRequest { key_id: key.to_string(), grant_tokens: None })
    })?;
    Ok(r.key_metadata.arn)
}
