//! The calls S3 makes to KMS for SSE-KMS, on the caller's behalf (`c.nested`, so each is its
//! own audited KMS event with `invokedBy: s3.amazonaws.com`, and the caller needs the KMS
//! permissions). KMS errors reach the S3 caller the way S3 reports them: `KMS.<code>`
//! (`KMS.DisabledException`), and KMS access denials as S3's `AccessDenied`.

use std::collections::BTreeMap;

use crate::world::{AwsError, Call};

/// A data key from KMS: plaintext, KMS ciphertext, and the key's ARN.
pub struct DataKey {
    pub plaintext: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub key_arn: String,
}

fn not_built() -> AwsError {
    super::error::invalid_argument("SSE-KMS needs the kms module, which this build does not have yet")
}

/// Resolves the KMS key S3 should use: the given id, or the AWS managed key `aws/s3`.
pub fn resolve_key(_c: &mut Call<'_>, _key_id: Option<&str>) -> Result<String, AwsError> {
    Err(not_built())
}

/// `GenerateDataKey` (AES_256) under `key_id` with `context`.
pub fn generate_data_key(_c: &mut Call<'_>, _key_id: &str, _context: &BTreeMap<String, String>) -> Result<DataKey, AwsError> {
    Err(not_built())
}

/// `Decrypt` of a data key S3 stored.
pub fn decrypt(_c: &mut Call<'_>, _key_arn: &str, _ciphertext: &[u8], _context: &BTreeMap<String, String>) -> Result<Vec<u8>, AwsError> {
    Err(not_built())
}

/// How S3 reports an error KMS returned.
pub fn s3_view_of_kms_error(e: AwsError) -> AwsError {
    if e.code == "AccessDeniedException" {
        return AwsError::new("AccessDenied", 403, e.message);
    }
    AwsError::new(&format!("KMS.{}", e.code), e.status_code, e.message)
}
