//! `cloudbook`: the Jupyter kernel and CLI. (Placeholder: runs a script file.)

fn main() {
    let mut engine = rhai::Engine::new();
    let shared = cloudbook_stdlib::new_shared(cloudbook_stdlib::World::default());
    cloudbook_stdlib::register_all(&mut engine, &shared);
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cloudbook SCRIPT.rhai");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2)
    });
    match engine.eval::<rhai::Dynamic>(&src) {
        Ok(v) if !v.is_unit() => println!("{v}"),
        Ok(_) => {}
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
