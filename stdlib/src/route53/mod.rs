//! Route 53. (Not built yet: this module is a placeholder that holds the service's state.)

pub mod bindings;
pub mod model;

pub use model::Route53State;

use crate::world::{Timestamp, World};

/// When this service next has work due on the clock.
pub fn next_due(_w: &World) -> Option<Timestamp> {
    None
}

/// Runs the work due at `now`.
pub fn run_due(_w: &mut World, _now: Timestamp) {}
