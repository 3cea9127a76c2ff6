//! VPC domain model: plain Rust, no Rhai.

use serde::{Deserialize, Serialize};

/// Every account's VPC resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpcState {}
