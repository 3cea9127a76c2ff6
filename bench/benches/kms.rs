//! KMS figures: Encrypt+Decrypt pairs per second natively and from a script cell; what bounds
//! the cell (the interpreter's floor, the AES-256-GCM a pair cannot skip, the world's call
//! wrapper); and envelope encryption of 1 GiB against the raw AES-256-GCM throughput of the
//! same crate.
//! `bench/kms` runs this and the moto comparison in one go and prints the ratios.
//!
//! Run: `cargo bench -p cloudbook-bench --bench kms` (add `-- --quick` for a short run,
//! `-- --pairs-only` to skip the 1 GiB part, `-- --gib-only` for only that, `-- --breakdown` for where an Encrypt's time goes).

#![allow(clippy::result_large_err)] // AwsError is the shared error type

use std::time::{Duration, Instant};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use cloudbook_bench::{rate, report, run_for};
use cloudbook_stdlib::kms::{crypto, ops};
use cloudbook_stdlib::world::{Blob, World, service};
use cloudbook_stdlib::{new_shared, register_all};

const PLAINTEXT: &[u8] = b"the quick brown fox jumps over the lazy dog 0123456789abcdef"; // 60 bytes

fn create_key(w: &mut World) -> String {
    w.call(&service::KMS, "CreateKey", serde_json::json!({}), |c| ops::create_key(c, ops::CreateKeyRequest::default()))
        .expect("CreateKey")
        .key_metadata
        .key_id
}

fn native_pairs(budget: Duration) -> f64 {
    let mut w = World::default();
    let key = create_key(&mut w);
    let (n, d) = run_for(budget, || {
        let req = ops::EncryptRequest { key_id: key.clone(), plaintext: Blob(PLAINTEXT.to_vec()), ..Default::default() };
        let c = w.call(&service::KMS, "Encrypt", serde_json::Value::Null, |c| ops::encrypt(c, req)).expect("Encrypt");
        let req = ops::DecryptRequest { ciphertext_blob: c.ciphertext_blob, ..Default::default() };
        let p = w.call(&service::KMS, "Decrypt", serde_json::Value::Null, |c| ops::decrypt(c, req)).expect("Decrypt");
        assert_eq!(p.plaintext.0, PLAINTEXT);
    });
    rate(n, d)
}

/// Encrypt+Decrypt pairs per second from a cell: `let c = kms::encrypt(k, text); let p =
/// kms::decrypt(c.CiphertextBlob); n += p.Plaintext.len();` in a loop, in `engine`.
fn cell_pairs(engine: &rhai::Engine, budget: Duration) -> f64 {
    let mut scope = rhai::Scope::new();
    engine.run_with_scope(&mut scope, "let k = kms::create_key().KeyMetadata.KeyId;").expect("setup");
    let setup_len = scope.len();
    let text = String::from_utf8(PLAINTEXT.to_vec()).unwrap();
    let cell = format!(
        r#"let n = 0; for i in 0..200 {{ let c = kms::encrypt(k, "{text}"); let p = kms::decrypt(c.CiphertextBlob); n += p.Plaintext.len(); }} n"#
    );
    let ast = engine.compile(&cell).expect("compile");
    let (batches, d) = run_for(budget, || {
        let n: i64 = engine.eval_ast_with_scope(&mut scope, &ast).expect("cell");
        assert_eq!(n, 200 * PLAINTEXT.len() as i64);
        // The kernel keeps one entry per name after a cell (a re-run `let n` replaces the
        // old `n`); without this the scope would grow by one `n` per batch, and every
        // variable lookup would scan them all.
        scope.rewind(setup_len);
    });
    rate(batches * 200, d)
}

fn script_pairs(budget: Duration) -> f64 {
    let shared = new_shared(World::default());
    let mut engine = rhai::Engine::new();
    register_all(&mut engine, &shared);
    cell_pairs(&engine, budget)
}

/// The interpreter's floor for that cell: the same engine and loop, with `kms::create_key`,
/// `kms::encrypt` and `kms::decrypt` answering copies of real responses at once: the
/// cell's speed if the two calls cost no more than copying their responses.
fn script_floor(budget: Duration) -> f64 {
    let shared = new_shared(World::default());
    let mut engine = rhai::Engine::new();
    register_all(&mut engine, &shared);
    let text = String::from_utf8(PLAINTEXT.to_vec()).unwrap();
    let real: rhai::Array = engine
        .eval(&format!(r#"let k = kms::create_key(); let c = kms::encrypt(k.KeyMetadata.KeyId, "{text}"); [k, c, kms::decrypt(c.CiphertextBlob)]"#))
        .expect("real responses");
    // Answer `Dynamic`s: Rhai 1.27 turns a returned `Map` into a `Dynamic` by rebuilding it
    // through `From<BTreeMap>`, a cost the real bindings (which return `Dynamic`) do not pay.
    let [key, enc, dec] = [0, 1, 2].map(|i| real[i].clone());
    let mut stub = rhai::Module::new();
    stub.set_native_fn("create_key", move || Ok(key.clone()));
    stub.set_native_fn("encrypt", move |_: &str, _: &str| Ok(enc.clone()));
    stub.set_native_fn("decrypt", move |_: rhai::Blob| Ok(dec.clone()));
    engine.register_static_module("kms", stub.into());
    cell_pairs(&engine, budget)
}

/// The cryptography one pair cannot skip, alone: AES-256-GCM sealing the cell's 60-byte
/// plaintext and opening it again, with a 64-byte header as additional authenticated data
/// (a blob's header names its key by ARN), one cipher built once, a fresh nonce per seal.
/// No header check, no encryption context, no key lookup: the cheapest a real seal and
/// open can be with the aes-gcm crate.
fn crypto_only_pairs(budget: Duration) -> f64 {
    let cipher = Aes256Gcm::new_from_slice(&[7u8; 32]).unwrap();
    let header = [b'h'; 64];
    let mut rng = cloudbook_stdlib::world::SimRng::new(1);
    let (n, d) = run_for(budget, || {
        let nonce = rng.array::<12>();
        let payload = aes_gcm::aead::Payload { msg: PLAINTEXT, aad: &header };
        let sealed = cipher.encrypt(Nonce::from_slice(&nonce), payload).unwrap();
        let payload = aes_gcm::aead::Payload { msg: &sealed, aad: &header };
        let opened = cipher.decrypt(Nonce::from_slice(&nonce), payload).unwrap();
        assert_eq!(opened.len(), PLAINTEXT.len());
    });
    rate(n, d)
}

/// The world's call wrapper alone, twice per pair (an Encrypt and a Decrypt that do
/// nothing): the audit event and request id every call gets, with no authorization.
fn wrapper_only_pairs(budget: Duration) -> f64 {
    use cloudbook_stdlib::world::AwsError;
    let mut w = World::default();
    let (n, d) = run_for(budget, || {
        w.call(&service::KMS, "Encrypt", serde_json::Value::Null, |_| Ok::<(), AwsError>(())).unwrap();
        w.call(&service::KMS, "Decrypt", serde_json::Value::Null, |_| Ok::<(), AwsError>(())).unwrap();
    });
    rate(n, d)
}

const GIB: usize = 1 << 30;
const CHUNK: usize = 64 << 20;

/// Raw AES-256-GCM over 1 GiB in 64 MiB chunks, one nonce per chunk: bytes per second.
fn raw_gcm(data: &[u8]) -> f64 {
    let key = [7u8; 32];
    let start = Instant::now();
    let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
    let mut total = 0usize;
    for (i, chunk) in data.chunks(CHUNK).enumerate() {
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
        let out = cipher.encrypt(Nonce::from_slice(&nonce), chunk).unwrap();
        total += out.len();
    }
    assert!(total > data.len());
    data.len() as f64 / start.elapsed().as_secs_f64()
}

/// Envelope encryption of the same 1 GiB: GenerateDataKey through KMS, then local AES-GCM
/// with the plaintext data key (kms::local_encrypt's code), one fresh nonce per chunk from
/// the world's generator; the encrypted data key is what gets stored.
fn envelope(data: &[u8]) -> f64 {
    let mut w = World::default();
    let key = create_key(&mut w);
    let start = Instant::now();
    let req = ops::GenerateDataKeyRequest { key_id: key, key_spec: Some("AES_256".into()), ..Default::default() };
    let dk = w.call(&service::KMS, "GenerateDataKey", serde_json::Value::Null, |c| ops::generate_data_key(c, req)).expect("GenerateDataKey");
    let mut total = 0usize;
    for chunk in data.chunks(CHUNK) {
        let nonce = w.rng.array::<12>();
        total += crypto::local_encrypt(&dk.plaintext.0, nonce, chunk).expect("256-bit data key").len();
    }
    assert!(total > data.len() && !dk.ciphertext_blob.is_empty());
    data.len() as f64 / start.elapsed().as_secs_f64()
}

/// Where an Encrypt's time goes (`-- --breakdown`): the call wrapper alone (audit event,
/// request ids), the wrapper plus a bare authorization, a whole Encrypt, and the crypto alone.
fn breakdown() {
    use cloudbook_stdlib::world::AwsError;
    use cloudbook_stdlib::world::authz::Authz;
    let budget = Duration::from_secs(1);
    let mut w = World::default();
    let key = create_key(&mut w);
    let arn = format!("arn:aws:kms:us-east-1:111122223333:key/{key}");
    let per_call = |n: u64, d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    let (n, d) = run_for(budget, || {
        let _ = w.call(&service::KMS, "Encrypt", serde_json::Value::Null, |_| Ok::<(), AwsError>(()));
    });
    report("kms_breakdown_empty_call_us", per_call(n, d), "us");
    let (n, d) = run_for(budget, || {
        let _ = w.call(&service::KMS, "Encrypt", serde_json::Value::Null, |c| c.authorize(Authz::new("kms:Encrypt", &arn)).map(|_| ()));
    });
    report("kms_breakdown_call_plus_authorize_us", per_call(n, d), "us");
    let (n, d) = run_for(budget, || {
        let req = ops::EncryptRequest { key_id: key.clone(), plaintext: Blob(PLAINTEXT.to_vec()), ..Default::default() };
        let _ = w.call(&service::KMS, "Encrypt", serde_json::Value::Null, |c| ops::encrypt(c, req)).expect("Encrypt");
    });
    report("kms_breakdown_encrypt_us", per_call(n, d), "us");
    let mut rng = cloudbook_stdlib::world::SimRng::new(1);
    let (n, d) = run_for(budget, || {
        let nonce = rng.array::<12>();
        std::hint::black_box(crypto::seal(&[1u8; 32], &arn, 0, nonce, PLAINTEXT, &Default::default()));
    });
    report("kms_breakdown_seal_only_us", per_call(n, d), "us");
}

fn main() {
    let gib_only = std::env::args().any(|a| a == "--gib-only");
    if std::env::args().any(|a| a == "--breakdown") {
        breakdown();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let budget = Duration::from_secs(if quick { 1 } else { 5 });
    if !gib_only {
        let native = native_pairs(budget);
        report("kms_native_encrypt_decrypt_pairs_per_sec", native, "pairs/s");
        let script = script_pairs(budget);
        report("kms_script_encrypt_decrypt_pairs_per_sec", script, "pairs/s");
        report("kms_script_floor_pairs_per_sec", script_floor(budget), "pairs/s");
        report("kms_crypto_only_pairs_per_sec", crypto_only_pairs(budget), "pairs/s");
        report("kms_call_wrapper_only_pairs_per_sec", wrapper_only_pairs(budget), "pairs/s");
    }

    if std::env::args().any(|a| a == "--pairs-only") {
        return;
    }
    let data: Vec<u8> = (0..GIB).map(|i| (i % 251) as u8).collect();
    // Alternate the two measurements so neither always runs on a quieter machine (it is
    // shared); keep the best of 5.
    let (mut raw, mut env) = (0f64, 0f64);
    for _ in 0..if quick { 1 } else { 5 } {
        raw = raw.max(raw_gcm(&data));
        env = env.max(envelope(&data));
    }
    report("aes256gcm_raw_1gib_mib_per_sec", raw / (1 << 20) as f64, "MiB/s");
    report("kms_envelope_1gib_mib_per_sec", env / (1 << 20) as f64, "MiB/s");
    report("kms_envelope_vs_raw_ratio", env / raw, "x");
}
