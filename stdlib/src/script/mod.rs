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
use rhai::{Engine, FuncRegistration};

use crate::world::World;

/// The world shared by the engine's bindings (and the kernel, for interrupts and reports).
pub type Shared = Arc<Mutex<World>>;

pub fn new_shared(world: World) -> Shared {
    Arc::new(Mutex::new(world))
}

/// Whether registering a function attaches its documentation: the doc text and parameter
/// names that completion, inspect and `help` read back from the engine's metadata.
///
/// Formatting and storing the docs was half the work of registering the stdlib, and their
/// text ~0.2 MB of heap. A kernel registers the engine that runs its cells with
/// [`DocMode::Skip`] and reads the docs from a second, documented engine that it builds the
/// first time they are asked for (the same registration code, so the two cannot differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocMode {
    Attach,
    Skip,
}

impl DocMode {
    /// `reg` with `doc` (markdown) as its doc comment and `params` as its signature
    /// (`["name: Type", ..., "ReturnType"]`; empty leaves it unnamed), when attaching.
    pub fn describe(self, reg: FuncRegistration, doc: &str, params: &[&str]) -> FuncRegistration {
        if self == DocMode::Skip {
            return reg;
        }
        let comment = doc.trim().lines().map(|l| format!("/// {l}").trim_end().to_string()).collect::<Vec<_>>().join("\n");
        let reg = reg.with_comments([comment]);
        if params.is_empty() { reg } else { reg.with_params_info(params.iter().copied()) }
    }
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

/// Installs every stdlib module into `engine`, documented.
pub fn register_all(engine: &mut Engine, shared: &Shared) {
    register_all_with(engine, shared, DocMode::Attach);
}

/// Installs every stdlib module into `engine`, with or without their docs.
pub fn register_all_with(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    world_api::register(engine, shared, docs);
    crate::render::register(engine, shared, docs);
    crate::iam::bindings::register(engine, shared, docs);
    crate::kms::bindings::register(engine, shared, docs);
    crate::s3::bindings::register(engine, shared, docs);
    crate::route53::bindings::register(engine, shared, docs);
    crate::ebs::bindings::register(engine, shared, docs);
    crate::vpc::bindings::register(engine, shared, docs);
    crate::lab::bindings::register(engine, shared, docs);
}
