//! The script surface, exercised through a real engine.

use rhai::{Dynamic, Engine, Map};

use crate::world::World;

fn engine() -> Engine {
    let mut e = Engine::new();
    e.set_max_expr_depths(256, 256);
    crate::register_all(&mut e, &crate::new_shared(World::default()));
    e
}

fn run(e: &Engine, script: &str) -> Dynamic {
    e.eval::<Dynamic>(script).unwrap_or_else(|err| panic!("script failed: {err}\n{script}"))
}

#[test]
fn smoke() {
    let e = engine();
    let m = run(&e, r#"route53::create_hosted_zone("example.com")"#).cast::<Map>();
    assert!(m.contains_key("HostedZone"));
}
