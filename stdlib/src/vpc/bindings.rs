//! VPC script bindings.

use rhai::Engine;

use crate::script::Shared;

pub fn register(_engine: &mut Engine, _shared: &Shared) {}
