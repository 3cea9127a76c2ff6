//! S3's error codes, with AWS's exact spellings and HTTP statuses (the S3 API Reference's
//! error-code table, aws-facts §5.9) and the messages S3 sends with them.

use crate::aws_error_codes;
use crate::world::{AwsError, ErrorCode};

aws_error_codes! {
    /// Every error code the simulated S3 returns.
    pub enum S3Error {
        AccessDenied = ("AccessDenied", 403),
        AccessPointAlreadyOwnedByYou = ("AccessPointAlreadyOwnedByYou", 409),
        AccessControlListNotSupported = ("AccessControlListNotSupported", 400),
        AuthorizationQueryParametersError = ("AuthorizationQueryParametersError", 400),
        BucketAlreadyExists = ("BucketAlreadyExists", 409),
        BucketAlreadyOwnedByYou = ("BucketAlreadyOwnedByYou", 409),
        BucketNotEmpty = ("BucketNotEmpty", 409),
        EntityTooLarge = ("EntityTooLarge", 400),
        EntityTooSmall = ("EntityTooSmall", 400),
        ExpiredToken = ("ExpiredToken", 400),
        IllegalLocationConstraintException = ("IllegalLocationConstraintException", 400),
        IllegalVersioningConfigurationException = ("IllegalVersioningConfigurationException", 400),
        InvalidAccessKeyId = ("InvalidAccessKeyId", 403),
        InvalidArgument = ("InvalidArgument", 400),
        InvalidBucketAclWithObjectOwnership = ("InvalidBucketAclWithObjectOwnership", 400),
        InvalidBucketName = ("InvalidBucketName", 400),
        InvalidBucketState = ("InvalidBucketState", 409),
        InvalidDigest = ("InvalidDigest", 400),
        InvalidLocationConstraint = ("InvalidLocationConstraint", 400),
        InvalidObjectState = ("InvalidObjectState", 403),
        InvalidPart = ("InvalidPart", 400),
        InvalidPartOrder = ("InvalidPartOrder", 400),
        InvalidRange = ("InvalidRange", 416),
        InvalidRequest = ("InvalidRequest", 400),
        InvalidStorageClass = ("InvalidStorageClass", 400),
        InvalidTag = ("InvalidTag", 400),
        InvalidURI = ("InvalidURI", 400),
        KeyTooLongError = ("KeyTooLongError", 400),
        MalformedPolicy = ("MalformedPolicy", 400),
        MalformedXML = ("MalformedXML", 400),
        MetadataTooLarge = ("MetadataTooLarge", 400),
        MethodNotAllowed = ("MethodNotAllowed", 405),
        NoSuchAccessPoint = ("NoSuchAccessPoint", 404),
        NoSuchAccessPointPolicy = ("NoSuchAccessPointPolicy", 404),
        NoSuchBucket = ("NoSuchBucket", 404),
        NoSuchBucketPolicy = ("NoSuchBucketPolicy", 404),
        NoSuchKey = ("NoSuchKey", 404),
        NoSuchObjectLockConfiguration = ("NoSuchObjectLockConfiguration", 404),
        NoSuchLifecycleConfiguration = ("NoSuchLifecycleConfiguration", 404),
        NoSuchPublicAccessBlockConfiguration = ("NoSuchPublicAccessBlockConfiguration", 404),
        NoSuchTagSet = ("NoSuchTagSet", 404),
        NoSuchUpload = ("NoSuchUpload", 404),
        NoSuchVersion = ("NoSuchVersion", 404),
        NoSuchWebsiteConfiguration = ("NoSuchWebsiteConfiguration", 404),
        /// HEAD requests carry no body, so SDKs report a bare `NotFound`.
        NotFound = ("NotFound", 404),
        ObjectLockConfigurationNotFoundError = ("ObjectLockConfigurationNotFoundError", 404),
        OwnershipControlsNotFoundError = ("OwnershipControlsNotFoundError", 404),
        ReplicationConfigurationNotFoundError = ("ReplicationConfigurationNotFoundError", 404),
        RestoreAlreadyInProgress = ("RestoreAlreadyInProgress", 409),
        ServerSideEncryptionConfigurationNotFoundError = ("ServerSideEncryptionConfigurationNotFoundError", 404),
        SignatureDoesNotMatch = ("SignatureDoesNotMatch", 403),
        TooManyAccessPoints = ("TooManyAccessPoints", 400),
        TooManyBuckets = ("TooManyBuckets", 400),
    }
}

pub fn no_such_bucket(name: &str) -> AwsError {
    S3Error::NoSuchBucket.err(format!("The specified bucket does not exist: `{name}`"))
}

pub fn no_such_key(key: &str) -> AwsError {
    S3Error::NoSuchKey.err(format!("The specified key does not exist: `{key}`"))
}

pub fn invalid_argument(msg: impl Into<String>) -> AwsError {
    S3Error::InvalidArgument.err(msg)
}

pub fn invalid_request(msg: impl Into<String>) -> AwsError {
    S3Error::InvalidRequest.err(msg)
}

pub fn access_denied() -> AwsError {
    S3Error::AccessDenied.err("Access Denied")
}
