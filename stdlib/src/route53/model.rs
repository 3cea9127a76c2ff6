//! Route 53 domain model: plain Rust, no Rhai.

use serde::{Deserialize, Serialize};

/// Every account's Route 53 resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Route53State {}
