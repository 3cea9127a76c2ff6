//! S3 domain model: plain Rust, no Rhai.

use serde::{Deserialize, Serialize};

/// Every account's S3 resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct S3State {}
