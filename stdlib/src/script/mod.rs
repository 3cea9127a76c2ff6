//! Rhai bindings: the only part of stdlib that knows about the scripting language.
//!
//! [`register_all`] installs every module (`clock`, `world`, `iam`, `kms`, `s3`, `route53`,
//! `ebs`, `vpc`, `lab`, rendering helpers) into an engine over one shared [`World`].
//! Service bindings follow one pattern, [`api::Api::op`]: a map of AWS parameters in, a map
//! shaped like AWS's response out, errors thrown as AWS error maps.

pub mod api;
pub mod convert;
pub mod world_api;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;

use parking_lot::Mutex;
use rhai::Engine;

use crate::world::World;

/// The world shared by the engine's bindings (and the kernel, for interrupts and reports).
pub type Shared = Arc<Mutex<World>>;

pub fn new_shared(world: World) -> Shared {
    Arc::new(Mutex::new(world))
}

/// Doc text as Rhai `///` comment lines.
pub(crate) fn api_doc(doc: &str) -> String {
    doc.trim().lines().map(|l| format!("/// {l}").trim_end().to_string()).collect::<Vec<_>>().join("\n")
}

/// A fresh engine with every stdlib module over a fresh world (tests, benchmarks, and the
/// kernel's starting point; the kernel adds its own limits and display functions).
pub fn engine() -> (Engine, Shared) {
    let mut e = Engine::new();
    e.set_max_expr_depths(256, 256);
    let shared = new_shared(World::default());
    register_all(&mut e, &shared);
    (e, shared)
}

/// Installs every stdlib module into `engine`.
pub fn register_all(engine: &mut Engine, shared: &Shared) {
    world_api::register(engine, shared);
    crate::render::register(engine, shared);
    crate::iam::bindings::register(engine, shared);
    crate::kms::bindings::register(engine, shared);
    crate::s3::bindings::register(engine, shared);
    crate::route53::bindings::register(engine, shared);
    crate::ebs::bindings::register(engine, shared);
    crate::vpc::bindings::register(engine, shared);
    crate::lab::bindings::register(engine, shared);
}
