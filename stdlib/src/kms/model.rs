//! KMS domain model: plain Rust, no Rhai.

use serde::{Deserialize, Serialize};

/// Every account's KMS resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct KmsState {}
