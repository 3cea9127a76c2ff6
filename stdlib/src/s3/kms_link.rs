//! The calls S3 makes to KMS for SSE-KMS, on the caller's behalf (`c.nested`, so each is its
//! own audited KMS event with `invokedBy: s3.amazonaws.com`, `kms:ViaService`, and the caller
//! needs the KMS permissions). KMS errors reach the S3 caller the way S3 reports them:
//! `KMS.<code>` (`KMS.DisabledException`), and KMS access denials as S3's `AccessDenied`.

use std::collections::BTreeMap;

use serde_json::json;

use crate::kms::ops::{DecryptRequest, GenerateDataKeyRequest};
use crate::world::service::KMS;
use crate::world::{AwsError, Blob, Call};

/// A data key from KMS: plaintext, KMS ciphertext, and the key's ARN.
pub struct DataKey {
    pub plaintext: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub key_arn: String,
}

/// The KMS key S3 should use: the given id, or the AWS managed key `aws/s3` (created on
/// first use).
pub fn resolve_key(c: &mut Call<'_>, key_id: Option<&str>) -> Result<String, AwsError> {
    match key_id {
        Some(k) => Ok(k.to_string()),
        None => crate::kms::ops::aws_managed_key(c, "alias/aws/s3"),
    }
}

/// `GenerateDataKey` (AES_256) under `key_id` with `context`.
pub fn generate_data_key(c: &mut Call<'_>, key_id: &str, context: &BTreeMap<String, String>) -> Result<DataKey, AwsError> {
    let params = json!({ "keyId": key_id, "encryptionContext": context, "keySpec": "AES_256" });
    let req = GenerateDataKeyRequest { key_id: key_id.to_string(), encryption_context: Some(context.clone()), key_spec: Some("AES_256".into()), ..Default::default() };
    let r = c.nested(&KMS, "GenerateDataKey", params, |k| crate::kms::ops::generate_data_key(k, req))?;
    Ok(DataKey { plaintext: r.plaintext.0, ciphertext: r.ciphertext_blob.0, key_arn: r.key_id })
}

/// `Decrypt` of a data key S3 stored.
pub fn decrypt(c: &mut Call<'_>, key_arn: &str, ciphertext: &[u8], context: &BTreeMap<String, String>) -> Result<Vec<u8>, AwsError> {
    let params = json!({ "keyId": key_arn, "encryptionContext": context, "encryptionAlgorithm": "SYMMETRIC_DEFAULT" });
    let req = DecryptRequest { ciphertext_blob: Blob(ciphertext.to_vec()), encryption_context: Some(context.clone()), key_id: Some(key_arn.to_string()), ..Default::default() };
    c.nested(&KMS, "Decrypt", params, |k| crate::kms::ops::decrypt(k, req)).map(|r| r.plaintext.0)
}

/// How S3 reports an error KMS returned.
pub fn s3_view_of_kms_error(e: AwsError) -> AwsError {
    if e.code == "AccessDeniedException" {
        return AwsError::new("AccessDenied", 403, e.message);
    }
    AwsError::new(&format!("KMS.{}", e.code), e.status_code, e.message)
}
