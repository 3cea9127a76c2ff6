//! Cloudbook's standard library: a simulated AWS account — IAM, KMS, S3, Route 53, EBS and
//! VPC — that behaves as AWS documents it, deterministically, on a simulated clock.
//!
//! Layout: [`world`] (clock, randomness, ARNs, errors, audit, principals, the call wrapper and
//! the authorizer entry), [`policy`] (the IAM policy language and the one evaluation engine),
//! one module per service (model, ops, bindings), [`render`] (tables and charts) and
//! [`script`] (the Rhai bindings' shared machinery). Nothing here knows about Jupyter.

// Every operation returns `Result<_, AwsError>`; the error carries AWS's code, message,
// service, operation and request id (the map a script's `catch` receives). Errors are the
// cold path of a simulator, so their size is not worth boxing.
#![allow(clippy::result_large_err)]

pub mod ebs;
pub mod iam;
pub mod kms;
pub mod lab;
pub mod policy;
pub mod render;
pub mod route53;
pub mod s3;
pub mod script;
pub mod vpc;
pub mod world;

pub use script::{DocMode, Shared, new_shared, register_all, register_all_with};
pub use world::World;
