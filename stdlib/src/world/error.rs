//! The AWS error every operation returns.
//!
//! Each service declares its error codes as a typed enum whose strings are AWS's exactly
//! (`NotFoundException`, `NoSuchBucket`, `InvalidVpcID.NotFound`) and which knows its HTTP
//! status: see [`aws_error_codes!`]. An operation fails with an [`AwsError`]; the call wrapper
//! ([`crate::world::World::call`]) fills in the service, operation and request id, records
//! the failure in the audit trail, and the bindings throw it into the script as the map
//! `#{ Code, Message, Operation, Service, StatusCode, RequestId }`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A service's error code: AWS's exact string and its HTTP status.
pub trait ErrorCode: Copy {
    fn code(self) -> &'static str;
    fn status(self) -> u16;
    /// Builds the error with a one-line message (user input in backticks, no Rust type names).
    fn err(self, message: impl Into<String>) -> AwsError {
        AwsError::new(self.code(), self.status(), message)
    }
}

/// Declares a typed enum of AWS error codes with their HTTP statuses.
///
/// ```ignore
/// aws_error_codes! { pub enum KmsError {
///     NotFoundException = ("NotFoundException", 400),
///     InvalidVpcIdNotFound = ("InvalidVpcID.NotFound", 400),
/// } }
/// ```
#[macro_export]
macro_rules! aws_error_codes {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = ($code:literal, $status:literal)),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vm])* $variant),* }
        impl $crate::world::error::ErrorCode for $name {
            fn code(self) -> &'static str { match self { $(Self::$variant => $code),* } }
            fn status(self) -> u16 { match self { $(Self::$variant => $status),* } }
        }
        impl $name {
            /// Every code of this service, for docs and tests.
            pub const ALL: &'static [$name] = &[$(Self::$variant),*];
        }
    };
}

/// An AWS API error as a script sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AwsError {
    pub code: String,
    pub message: String,
    pub status_code: u16,
    /// Filled in by the call wrapper.
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub request_id: String,
    /// The elements a service's error document adds for this code (S3's `<Key>` for
    /// NoSuchKey, `<BucketName>` for NoSuchBucket), in document order; a script's `catch (e)`
    /// reads them as `e.Key`, `e.BucketName`, as the SDKs expose them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<(String, String)>,
}

impl AwsError {
    pub fn new(code: &str, status: u16, message: impl Into<String>) -> Self {
        AwsError {
            code: code.to_string(),
            message: message.into(),
            status_code: status,
            service: String::new(),
            operation: String::new(),
            request_id: String::new(),
            details: Vec::new(),
        }
    }

    /// Adds an element to the error document (see [`AwsError::details`]).
    pub fn detail(mut self, name: &str, value: impl Into<String>) -> Self {
        self.details.push((name.to_string(), value.into()));
        self
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AwsError {}

aws_error_codes! {
    /// Errors every service shares (the AWS "common errors").
    pub enum CommonError {
        ValidationException = ("ValidationException", 400),
        ValidationError = ("ValidationError", 400),
        InvalidParameterValue = ("InvalidParameterValue", 400),
        MissingParameter = ("MissingParameter", 400),
        UnknownParameter = ("UnknownParameter", 400),
        InvalidClientTokenId = ("InvalidClientTokenId", 403),
        ExpiredToken = ("ExpiredToken", 403),
        ExpiredTokenException = ("ExpiredTokenException", 400),
        InternalFailure = ("InternalFailure", 500),
        Throttling = ("ThrottlingException", 400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    aws_error_codes! { enum Demo { A = ("InvalidVpcID.NotFound", 400), B = ("NoSuchBucket", 404) } }

    #[test]
    fn codes_keep_aws_spelling_and_status() {
        assert_eq!(Demo::A.code(), "InvalidVpcID.NotFound");
        assert_eq!(Demo::B.status(), 404);
        let e = Demo::B.err("The specified bucket does not exist");
        assert_eq!(e.to_string(), "NoSuchBucket: The specified bucket does not exist");
        assert_eq!(Demo::ALL.len(), 2);
    }
}
