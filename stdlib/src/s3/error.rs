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
        ObjectLockConfigurationNotFoundError = ("ObjectLockConfigurationNotFoundError", 404),
        OwnershipControlsNotFoundError = ("OwnershipControlsNotFoundError", 404),
        ReplicationConfigurationNotFoundError = ("ReplicationConfigurationNotFoundError", 404),
        RestoreAlreadyInProgress = ("RestoreAlreadyInProgress", 409),
        ServerSideEncryptionConfigurationNotFoundError = ("ServerSideEncryptionConfigurationNotFoundError", 404),
        SignatureDoesNotMatch = ("SignatureDoesNotMatch", 403),
        TooManyAccessPoints = ("TooManyAccessPoints", 400),
        TooManyBuckets = ("TooManyBuckets", 400),
        // S3 Select (the API Reference's "List of SELECT Object Content Error Codes"; all 400).
        AmbiguousFieldName = ("AmbiguousFieldName", 400),
        CastFailed = ("CastFailed", 400),
        CsvEscapingRecordDelimiter = ("CSVEscapingRecordDelimiter", 400),
        CsvParsingError = ("CSVParsingError", 400),
        EvaluatorBindingDoesNotExist = ("EvaluatorBindingDoesNotExist", 400),
        EvaluatorInvalidArguments = ("EvaluatorInvalidArguments", 400),
        EvaluatorInvalidTimestampFormatPatternSymbol = ("EvaluatorInvalidTimestampFormatPatternSymbol", 400),
        EvaluatorLikePatternInvalidEscapeSequence = ("EvaluatorLikePatternInvalidEscapeSequence", 400),
        EvaluatorNegativeLimit = ("EvaluatorNegativeLimit", 400),
        EvaluatorUnterminatedTimestampFormatPatternToken = ("EvaluatorUnterminatedTimestampFormatPatternToken", 400),
        ExpressionTooLong = ("ExpressionTooLong", 400),
        ExternalEvalException = ("ExternalEvalException", 400),
        IllegalSqlFunctionArgument = ("IllegalSqlFunctionArgument", 400),
        IncorrectSqlFunctionArgumentType = ("IncorrectSqlFunctionArgumentType", 400),
        IntegerOverflow = ("IntegerOverflow", 400),
        InvalidCast = ("InvalidCast", 400),
        InvalidColumnIndex = ("InvalidColumnIndex", 400),
        InvalidDataType = ("InvalidDataType", 400),
        InvalidExpressionType = ("InvalidExpressionType", 400),
        InvalidFileHeaderInfo = ("InvalidFileHeaderInfo", 400),
        InvalidJsonType = ("InvalidJsonType", 400),
        InvalidQuoteFields = ("InvalidQuoteFields", 400),
        InvalidRequestParameter = ("InvalidRequestParameter", 400),
        InvalidScanRange = ("InvalidScanRange", 400),
        InvalidTextEncoding = ("InvalidTextEncoding", 400),
        JsonParsingError = ("JSONParsingError", 400),
        LexerInvalidChar = ("LexerInvalidChar", 400),
        LexerInvalidIONLiteral = ("LexerInvalidIONLiteral", 400),
        LexerInvalidLiteral = ("LexerInvalidLiteral", 400),
        LikeInvalidInputs = ("LikeInvalidInputs", 400),
        MaxOperatorsExceeded = ("MaxOperatorsExceeded", 400),
        /// Not in the error-code table, but what the SQL reference says a quoted header that does not exist gives.
        MissingHeaderName = ("MissingHeaderName", 400),
        MissingRequiredParameter = ("MissingRequiredParameter", 400),
        NumberFormatError = ("NumberFormatError", 400),
        ObjectSerializationConflict = ("ObjectSerializationConflict", 400),
        OverMaxRecordSize = ("OverMaxRecordSize", 400),
        ParseAsteriskIsNotAloneInSelectList = ("ParseAsteriskIsNotAloneInSelectList", 400),
        ParseCastArity = ("ParseCastArity", 400),
        ParseEmptySelect = ("ParseEmptySelect", 400),
        ParseExpectedArgumentDelimiter = ("ParseExpectedArgumentDelimiter", 400),
        ParseExpectedDatePart = ("ParseExpectedDatePart", 400),
        ParseExpectedExpression = ("ParseExpectedExpression", 400),
        ParseExpectedIdentForAlias = ("ParseExpectedIdentForAlias", 400),
        ParseExpectedIdentForGroupName = ("ParseExpectedIdentForGroupName", 400),
        ParseExpectedKeyword = ("ParseExpectedKeyword", 400),
        ParseExpectedLeftParenAfterCast = ("ParseExpectedLeftParenAfterCast", 400),
        ParseExpectedNumber = ("ParseExpectedNumber", 400),
        ParseExpectedRightParenBuiltinFunctionCall = ("ParseExpectedRightParenBuiltinFunctionCall", 400),
        ParseExpectedTokenType = ("ParseExpectedTokenType", 400),
        ParseExpectedTypeName = ("ParseExpectedTypeName", 400),
        ParseExpectedWhenClause = ("ParseExpectedWhenClause", 400),
        ParseInvalidContextForWildcardInSelectList = ("ParseInvalidContextForWildcardInSelectList", 400),
        ParseMalformedJoin = ("ParseMalformedJoin", 400),
        ParseNonUnaryAgregateFunctionCall = ("ParseNonUnaryAgregateFunctionCall", 400),
        ParseSelectMissingFrom = ("ParseSelectMissingFrom", 400),
        ParseUnExpectedKeyword = ("ParseUnExpectedKeyword", 400),
        ParseUnexpectedToken = ("ParseUnexpectedToken", 400),
        ParseUnsupportedCallWithStar = ("ParseUnsupportedCallWithStar", 400),
        ParseUnsupportedSelect = ("ParseUnsupportedSelect", 400),
        ParseUnsupportedSyntax = ("ParseUnsupportedSyntax", 400),
        UnsupportedFunction = ("UnsupportedFunction", 400),
        UnsupportedScanRangeInput = ("UnsupportedScanRangeInput", 400),
        UnsupportedSqlStructure = ("UnsupportedSqlStructure", 400),
        UnsupportedStorageClass = ("UnsupportedStorageClass", 400),
        ValueParseFailure = ("ValueParseFailure", 400),
        /// S3's general code for functionality it does not implement (GZIP/BZIP2/Parquet input here).
        NotImplemented = ("NotImplemented", 501),
    }
}

// S3's fixed messages (S3 API Reference, "Error codes"); what was missing is a detail of
// the error document, as S3 sends it.

pub fn no_such_bucket(name: &str) -> AwsError {
    S3Error::NoSuchBucket.err("The specified bucket does not exist.").detail("BucketName", name)
}

pub fn no_such_key(key: &str) -> AwsError {
    S3Error::NoSuchKey.err("The specified key does not exist.").detail("Key", key)
}

pub fn no_such_version(key: &str, version_id: &str) -> AwsError {
    // The code table describes it as "Indicates that the version ID specified in the request
    // does not match an existing version."; the error document S3 sends says this.
    S3Error::NoSuchVersion.err("The specified version does not exist.").detail("Key", key).detail("VersionId", version_id)
}

/// Operation `operation` by version id on a delete marker (405, `x-amz-delete-marker: true`).
pub fn delete_marker_not_allowed(operation: &str) -> AwsError {
    let method = match operation {
        "RestoreObject" | "SelectObjectContent" => "POST",
        "CopyObject" | "UploadPartCopy" => "PUT",
        op if op.starts_with("Head") => "HEAD",
        op if op.starts_with("Put") => "PUT",
        op if op.starts_with("Delete") => "DELETE",
        _ => "GET",
    };
    S3Error::MethodNotAllowed.err("The specified method is not allowed against this resource.").detail("Method", method).detail("ResourceType", "DeleteMarker")
}

pub fn invalid_bucket_name(name: &str) -> AwsError {
    S3Error::InvalidBucketName.err("The specified bucket is not valid.").detail("BucketName", name)
}

/// A Range header that starts at or past the end of the object (416).
pub fn invalid_range(range: &str, size: u64) -> AwsError {
    S3Error::InvalidRange.err("The requested range is not satisfiable").detail("RangeRequested", range).detail("ActualObjectSize", size.to_string())
}

pub fn invalid_storage_class(requested: &str) -> AwsError {
    S3Error::InvalidStorageClass.err("The storage class you specified is not valid").detail("StorageClassRequested", requested)
}

pub fn invalid_location_constraint(constraint: &str) -> AwsError {
    S3Error::InvalidLocationConstraint.err("The specified location-constraint is not valid").detail("LocationConstraint", constraint)
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
