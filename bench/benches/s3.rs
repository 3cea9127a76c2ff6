//! S3 figures: Put+Get pairs of 1 KiB objects per second from a notebook cell (a Rhai
//! loop through the script API, every call authorized, encrypted with SSE-S3 and audited),
//! and presigned URLs per second (native and from a cell). `bench/s3` runs this and the
//! moto/boto3 side and prints the ratios.

use std::time::Instant;

use cloudbook_bench::report;
use cloudbook_stdlib::s3::presign::{Credentials, PresignParams, PresignRequest, generate};
use cloudbook_stdlib::world::World;

fn main() {
    // `cargo bench --bench s3 -- NAME` runs only the figures whose name contains NAME
    // (for profiling one of them); cargo itself passes `--bench`.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));

    // Put+Get from a cell.
    if wanted("s3_put_get_1kib_pairs_per_sec_cell") {
        report("s3_put_get_1kib_pairs_per_sec_cell", put_get_cell(|e| e), "pairs/s");
    }

    // The interpreter's floor for that cell: the same engine and loop, with the three calls
    // answering copies of real responses at once: the cell's speed if the calls cost no more
    // than copying their responses.
    if wanted("s3_put_get_1kib_pairs_per_sec_floor") {
        let floor = put_get_cell(|mut engine| {
            let real: rhai::Array = engine
                .eval(r#"[s3::create_bucket("floor-bucket"), s3::put_object("floor-bucket", "obj", blob(1024, 120)), s3::get_object("floor-bucket", "obj")]"#)
                .expect("real responses");
            // Answer `Dynamic`s: Rhai 1.27 turns a returned `Map` into a `Dynamic` by rebuilding
            // it through `From<BTreeMap>`, a cost the real bindings (which return `Dynamic`) do
            // not pay.
            let [created, put, got] = [0, 1, 2].map(|i| real[i].clone());
            let mut stub = rhai::Module::new();
            stub.set_native_fn("create_bucket", move |_: &str| Ok(created.clone()));
            stub.set_native_fn("put_object", move |_: &str, _: &str, _: rhai::Blob| Ok(put.clone()));
            stub.set_native_fn("get_object", move |_: &str, _: &str| Ok(got.clone()));
            engine.register_static_module("s3", stub.into());
            engine
        });
        report("s3_put_get_1kib_pairs_per_sec_floor", floor, "pairs/s");
    }

    // The cryptography one Put+Get pair cannot skip, alone: the ETag (MD5 of the body), a
    // fresh SSE-S3 data key wrapped under the bucket's root key, the body sealed under it with
    // AES-256-GCM, then both opened again, through the stdlib's own `sse` functions. With the
    // interpreter's floor it bounds what any implementation of that cell can reach here.
    if wanted("s3_put_get_1kib_pairs_per_sec_crypto_only") {
        use cloudbook_stdlib::s3::{model, sse};
        let mut rng = cloudbook_stdlib::world::SimRng::new(1);
        let root: [u8; 32] = rng.array();
        let body = vec![120u8; 1024];
        let aad = b"arn:aws:s3:::bench-bucket/obj";
        let (n, d) = cloudbook_bench::run_for(std::time::Duration::from_secs(2), || {
            let etag = model::md5_etag(&body);
            let data_key: [u8; 32] = rng.array();
            let wrapped = sse::seal(&mut rng, &root, &data_key, aad);
            let sealed = sse::seal(&mut rng, &data_key, &body, aad);
            let key = sse::open(&root, &wrapped, aad).expect("unwraps");
            let plain = sse::open(&key, &sealed, aad).expect("opens");
            assert_eq!(plain.len(), body.len());
            std::hint::black_box(etag);
        });
        report("s3_put_get_1kib_pairs_per_sec_crypto_only", cloudbook_bench::rate(n, d), "pairs/s");
    }

    // Presigned URLs, native.
    if wanted("s3_presigned_urls_per_sec_native") {
        let mut w = World::default();
        w.advance_to(cloudbook_stdlib::world::Timestamp::parse("2013-05-24T00:00:00Z").unwrap());
        let req = PresignRequest {
            client_method: "get_object".into(),
            params: PresignParams { bucket: "examplebucket".into(), key: Some("test.txt".into()), ..Default::default() },
            expires_in: Some(86400),
            credentials: Some(Credentials {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
                secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
                ..Default::default()
            }),
            region: Some("us-east-1".into()),
            ..Default::default()
        };
        let (n, d) = cloudbook_bench::run_for(std::time::Duration::from_secs(2), || {
            std::hint::black_box(generate(&w, &req).expect("presigns"));
        });
        report(
            "s3_presigned_urls_per_sec_native",
            cloudbook_bench::rate(n, d),
            "urls/s",
        );
    }

    // Presigned URLs from a cell.
    if wanted("s3_presigned_urls_per_sec_cell") {
        let setup = r#"let c = #{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };"#;
        let body = r#"s3::generate_presigned_url(#{ ClientMethod: "get_object", Params: #{ Bucket: "examplebucket", Key: "test.txt" }, ExpiresIn: 3600, Credentials: c });"#;
        report("s3_presigned_urls_per_sec_cell", cell_rate(setup, &format!("for i in 0..{URLS} {{ {body} }}"), URLS), "urls/s");
    }

    // Presigned URLs from a cell, positional form, signed with the caller's own access key.
    if wanted("s3_presigned_urls_per_sec_cell_positional") {
        let setup = r#"s3::create_bucket("examplebucket"); iam::create_user("alice"); iam::create_access_key("alice");"#;
        let body = r#"s3::generate_presigned_url("get_object", "examplebucket", "test.txt", 3600);"#;
        let script = format!(r#"as_principal("alice", || {{ for i in 0..{URLS} {{ {body} }} }});"#);
        report("s3_presigned_urls_per_sec_cell_positional", cell_rate(setup, &script, URLS), "urls/s");
    }
}

/// Put+Get pairs of 1 KiB objects per second from a cell, in a fresh engine (made by
/// `prepare` from the stdlib's) per run; best of three after a warm-up.
fn put_get_cell(prepare: impl Fn(rhai::Engine) -> rhai::Engine) -> f64 {
    let setup = r#"s3::create_bucket("bench-bucket"); let body = blob(1024, 120);"#;
    let pairs = 20_000;
    let script = format!(
        r#"{setup}
        for i in 0..{pairs} {{
            s3::put_object("bench-bucket", "obj", body);
            s3::get_object("bench-bucket", "obj");
        }}"#
    );
    let engine = prepare(cloudbook_stdlib::script::engine().0);
    let ast = engine.compile(&script).expect("bench script compiles");
    engine.run_ast(&ast).expect("warm-up run");
    let mut best = f64::MAX;
    for _ in 0..3 {
        let engine = prepare(cloudbook_stdlib::script::engine().0);
        let t = Instant::now();
        engine.run_ast(&ast).expect("bench run");
        best = best.min(t.elapsed().as_secs_f64());
    }
    pairs as f64 / best
}

/// URLs per cell run.
const URLS: usize = 50_000;

/// Runs `setup` once in a fresh session, then the cell `script` (which does `n` operations)
/// once to warm up and three times timed, as the moto/botocore side warms up before it
/// times; returns the best rate.
fn cell_rate(setup: &str, script: &str, n: usize) -> f64 {
    let (engine, _shared) = cloudbook_stdlib::script::engine();
    let mut scope = rhai::Scope::new();
    engine.run_with_scope(&mut scope, setup).expect("setup runs");
    let ast = engine.compile(script).expect("bench script compiles");
    engine.run_ast_with_scope(&mut scope, &ast).expect("warm-up run");
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        engine.run_ast_with_scope(&mut scope, &ast).expect("bench run");
        best = best.min(t.elapsed().as_secs_f64());
    }
    n as f64 / best
}
