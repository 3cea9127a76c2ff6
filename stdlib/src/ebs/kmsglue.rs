//! EBS's use of KMS, in one place: a new data key for a volume or snapshot, decrypting it
//! when a volume is attached, and resolving a key id for the default-key setting.
//!
//! EC2 calls KMS on the caller's behalf (CloudTrail `invokedBy: ec2.amazonaws.com`), in the
//! region of the volume: KMS keys are regional.
//!
//! PENDING: the KMS module is being built in parallel; until it lands these calls fail with
//! `UnsupportedOperation`, so encrypted volumes cannot be created yet.

use crate::world::{AwsError, Call};

fn kms_missing() -> AwsError {
    AwsError::new("UnsupportedOperation", 400, "EBS encryption needs the KMS module, which this build does not include yet.")
}

/// Generates a volume data key under `key` (None: `alias/aws/ebs`, created on first use) in
/// `region`; returns the key ARN and the encrypted data key.
pub fn new_data_key(_c: &mut Call, _key: Option<&str>, _region: &str) -> Result<(String, Vec<u8>), AwsError> {
    Err(kms_missing())
}

/// Asks KMS to decrypt a volume's data key (at attach time).
pub fn decrypt_data_key(_c: &mut Call, _key_arn: &str, _blob: &[u8], _region: &str) -> Result<(), AwsError> {
    Err(kms_missing())
}

/// Resolves a key id, ARN or alias to the key ARN (for ModifyEbsDefaultKmsKeyId).
pub fn resolve_key(_c: &mut Call, _key: &str, _region: &str) -> Result<String, AwsError> {
    Err(kms_missing())
}
