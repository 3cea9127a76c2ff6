//! KMS error codes, with the HTTP statuses of the KMS API reference (every KMS error is a
//! 400 except the internal ones), and the messages AWS documents for them.

use crate::aws_error_codes;
use crate::world::{AwsError, ErrorCode};

aws_error_codes! {
    /// The error codes KMS returns (botocore `kms/2014-11-01` model, operation `errors`).
    pub enum KmsError {
        AlreadyExistsException = ("AlreadyExistsException", 400),
        ConflictException = ("ConflictException", 400),
        DisabledException = ("DisabledException", 400),
        DryRunOperationException = ("DryRunOperationException", 400),
        ExpiredImportTokenException = ("ExpiredImportTokenException", 400),
        IncorrectKeyException = ("IncorrectKeyException", 400),
        IncorrectKeyMaterialException = ("IncorrectKeyMaterialException", 400),
        InvalidAliasNameException = ("InvalidAliasNameException", 400),
        InvalidArnException = ("InvalidArnException", 400),
        InvalidCiphertextException = ("InvalidCiphertextException", 400),
        InvalidGrantIdException = ("InvalidGrantIdException", 400),
        InvalidGrantTokenException = ("InvalidGrantTokenException", 400),
        InvalidImportTokenException = ("InvalidImportTokenException", 400),
        InvalidKeyUsageException = ("InvalidKeyUsageException", 400),
        InvalidMarkerException = ("InvalidMarkerException", 400),
        KmsInternalException = ("KMSInternalException", 500),
        KmsInvalidStateException = ("KMSInvalidStateException", 400),
        KmsInvalidSignatureException = ("KMSInvalidSignatureException", 400),
        KmsInvalidMacException = ("KMSInvalidMacException", 400),
        LimitExceededException = ("LimitExceededException", 400),
        MalformedPolicyDocumentException = ("MalformedPolicyDocumentException", 400),
        /// Returned when a script tries to create or change an alias under the reserved
        /// `alias/aws/` prefix (not in the API model; what the service answers).
        NotAuthorizedException = ("NotAuthorizedException", 400),
        NotFoundException = ("NotFoundException", 400),
        TagException = ("TagException", 400),
        UnsupportedOperationException = ("UnsupportedOperationException", 400),
        ValidationException = ("ValidationException", 400),
        AccessDeniedException = ("AccessDeniedException", 400),
    }
}

/// AWS's wording for a value that breaks a model constraint:
/// `1 validation error detected: Value '5000' at 'numberOfBytes' failed to satisfy
/// constraint: Member must have value less than or equal to 1024`.
pub fn constraint(value: Option<&str>, field: &str, rule: &str) -> AwsError {
    let value = match value {
        Some(v) => format!("Value '{v}' "),
        None => "Value ".to_string(),
    };
    KmsError::ValidationException.err(format!("1 validation error detected: {value}at '{field}' failed to satisfy constraint: Member must {rule}"))
}

/// The one-line message AWS gives for InvalidCiphertextException (the API model's text).
pub const INVALID_CIPHERTEXT: &str = "The request was rejected because the specified ciphertext, or additional authenticated data incorporated into the ciphertext, such as the encryption context, is corrupted, missing, or otherwise invalid.";

/// KMSInvalidSignatureException's text in the API model.
pub const INVALID_SIGNATURE: &str = "The request was rejected because the signature verification failed. Signature verification fails when it cannot confirm that signature was produced by signing the specified message with the specified KMS key and signing algorithm.";

/// KMSInvalidMacException's text in the API model.
pub const INVALID_MAC: &str = "The request was rejected because the HMAC verification failed. HMAC verification fails when the HMAC computed by using the specified message, HMAC KMS key, and MAC algorithm does not match the HMAC specified in the request.";

/// IncorrectKeyException's documented text.
pub const INCORRECT_KEY: &str = "The key ID in the request does not identify a CMK that can perform this operation.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_aws_spellings() {
        assert_eq!(KmsError::KmsInvalidStateException.code(), "KMSInvalidStateException");
        assert_eq!(KmsError::KmsInternalException.status(), 500);
        let e = constraint(Some("5000"), "numberOfBytes", "have value less than or equal to 1024");
        assert_eq!(
            e.message,
            "1 validation error detected: Value '5000' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"
        );
    }
}
