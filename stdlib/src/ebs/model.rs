//! EBS domain model: plain Rust, no Rhai.

use serde::{Deserialize, Serialize};

/// Every account's EBS resources.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EbsState {}
