//! The KMS script surface, exercised the way a notebook uses it. Each test cites the AWS
//! documentation it checks ([KMS-ARCH] = KMS Developer Guide, [BOTO-MODEL] = the API model;
//! see shared/aws-facts.md §4).

use rhai::{Dynamic, Engine, EvalAltResult};

use crate::script::convert::as_aws_error;
use crate::script::{Shared, new_shared, register_all};
use crate::world::World;

struct Nb {
    engine: Engine,
    scope: rhai::Scope<'static>,
    shared: Shared,
}

impl Nb {
    fn new() -> Nb {
        let shared = new_shared(World::default());
        let mut engine = Engine::new();
        engine.set_max_expr_depths(256, 256);
        register_all(&mut engine, &shared);
        Nb { engine, scope: rhai::Scope::new(), shared }
    }
    /// Runs a cell; variables persist across cells like a notebook.
    fn try_run(&mut self, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        self.engine.eval_with_scope::<Dynamic>(&mut self.scope, script)
    }
    fn run(&mut self, script: &str) -> Dynamic {
        self.try_run(script).unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }
    fn exec(&mut self, script: &str) {
        let _ = self.run(script);
    }
    fn s(&mut self, script: &str) -> String {
        self.run(script).to_string()
    }
    /// The AWS error a cell throws: (Code, Message).
    fn err(&mut self, script: &str) -> (String, String) {
        match self.try_run(script) {
            Ok(v) => panic!("expected an error, got {v}\n{script}"),
            Err(e) => as_aws_error(&e).unwrap_or_else(|| panic!("not an AWS error: {e}")),
        }
    }
    fn code(&mut self, script: &str) -> String {
        self.err(script).0
    }
}

fn with_key() -> Nb {
    let mut nb = Nb::new();
    nb.exec(r#"let k = kms::create_key("demo"); let id = k.KeyMetadata.KeyId; let arn = k.KeyMetadata.Arn; kms::create_alias("alias/demo", id);"#);
    nb
}

#[test]
fn create_key_metadata_and_default_policy() {
    let mut nb = Nb::new();
    nb.exec("let k = kms::create_key(#{ Description: \"payments\", Tags: [#{ TagKey: \"team\", TagValue: \"web\" }] }).KeyMetadata;");
    assert_eq!(nb.s("k.KeyState"), "Enabled");
    assert_eq!(nb.s("k.KeyManager"), "CUSTOMER");
    assert_eq!(nb.s("k.Origin"), "AWS_KMS");
    assert_eq!(nb.s("k.KeySpec"), "SYMMETRIC_DEFAULT");
    assert_eq!(nb.s("k.KeyUsage"), "ENCRYPT_DECRYPT");
    assert_eq!(nb.s("k.EncryptionAlgorithms[0]"), "SYMMETRIC_DEFAULT");
    assert_eq!(nb.s("k.AWSAccountId"), "111122223333");
    assert_eq!(nb.s("k.CreationDate"), "2026-01-01T00:00:00Z", "CreationDate comes from the simulated clock");
    assert!(nb.run("k.Enabled").as_bool().unwrap());
    let id = nb.s("k.KeyId");
    assert!(crate::kms::model::is_key_id(&id), "{id}");
    assert_eq!(nb.s("k.Arn"), format!("arn:aws:kms:us-east-1:111122223333:key/{id}"));
    assert_eq!(nb.s("k.CurrentKeyMaterialId").len(), 64);
    // [KMS-ARCH] key-policy-default.md: the default policy, name `default`.
    let p = nb.s("kms::get_key_policy(k.KeyId).Policy");
    assert!(p.contains("\"Id\" : \"key-default-1\"") && p.contains("\"Sid\" : \"Enable IAM User Permissions\""), "{p}");
    assert!(p.contains("arn:aws:iam::111122223333:root"));
    assert_eq!(nb.s("kms::get_key_policy(k.KeyId).PolicyName"), "default");
    assert_eq!(nb.s("kms::list_key_policies(#{ KeyId: k.KeyId }).PolicyNames[0]"), "default");
    assert_eq!(nb.code("kms::get_key_policy(#{ KeyId: k.KeyId, PolicyName: \"other\" })"), "NotFoundException");
    assert_eq!(nb.s("kms::list_resource_tags(#{ KeyId: k.KeyId }).Tags[0].TagValue"), "web");
    // Multi-Region keys get `mrk-` ids.
    assert!(nb.s("kms::create_key(#{ MultiRegion: true }).KeyMetadata.KeyId").starts_with("mrk-"));
    assert_eq!(nb.s("kms::create_key(#{ MultiRegion: true }).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType"), "PRIMARY");
}

#[test]
fn create_key_rejects_what_is_not_modelled_or_invalid() {
    let mut nb = Nb::new();
    assert_eq!(nb.code(r#"kms::create_key(#{ KeySpec: "ECC_NIST_EDWARDS25519", KeyUsage: "SIGN_VERIFY" })"#), "UnsupportedOperationException");
    let (code, msg) = nb.err(r#"kms::create_key(#{ KeySpec: "AES_999" })"#);
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("1 validation error detected: Value 'AES_999' at 'keySpec'"), "{msg}");
    assert_eq!(nb.code(r#"kms::create_key(#{ KeyUsage: "SIGN_VERIFY" })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_key(#{ Origin: "AWS_CLOUDHSM" })"#), "UnsupportedOperationException");
    assert_eq!(nb.code(r#"kms::create_key(#{ Tags: [#{ TagKey: "aws:x", TagValue: "y" }] })"#), "TagException");
    assert_eq!(nb.code(r#"kms::create_key(#{ Policy: "{ not json" })"#), "MalformedPolicyDocumentException");
    assert_eq!(nb.code(r#"kms::create_key(#{ Bogus: 1 })"#), "ValidationException");
    assert_eq!(nb.run("kms::list_keys().Keys.len()").as_int().unwrap(), 0, "failed calls create nothing");
}

#[test]
fn encrypt_decrypt_round_trip_and_the_4kb_limit() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt("alias/demo", "hello world");"#);
    assert_eq!(nb.s("c.KeyId"), nb.s("arn"));
    assert_eq!(nb.s("c.EncryptionAlgorithm"), "SYMMETRIC_DEFAULT");
    // [BOTO-MODEL] Decrypt: for symmetric keys "KMS can get this information from metadata
    // that it adds to the symmetric ciphertext blob": no KeyId needed.
    assert_eq!(nb.s("kms::decrypt(c.CiphertextBlob).Plaintext.as_string()"), "hello world");
    assert_eq!(nb.s("kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: \"alias/demo\" }).KeyId"), nb.s("arn"));
    // [BOTO-MODEL] Encrypt: "Encrypts plaintext of up to 4,096 bytes".
    assert!(nb.run("kms::encrypt(id, blob(4096, 7)).CiphertextBlob.len()").as_int().unwrap() > 4096);
    let (code, msg) = nb.err("kms::encrypt(id, blob(4097, 7))");
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
    assert_eq!(nb.code("kms::encrypt(id, \"\")"), "ValidationException");
    assert_eq!(nb.code(r#"kms::encrypt(#{ KeyId: id, Plaintext: "x", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#), "InvalidKeyUsageException");
}

#[test]
fn encryption_context_must_match_exactly() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt(id, "data", #{ purpose: "test", dept: "IT" });"#);
    // "Only the order of the key-value pairs in the encryption context can vary."
    assert_eq!(nb.s(r#"kms::decrypt(c.CiphertextBlob, #{ dept: "IT", purpose: "test" }).Plaintext.as_string()"#), "data");
    // "Otherwise, the request to decrypt fails with an InvalidCiphertextException."
    for ec in [r#"#{ purpose: "test" }"#, r#"#{ purpose: "Test", dept: "IT" }"#, r#"#{ purpose: "test", dept: "IT", x: "y" }"#, "#{}"] {
        assert_eq!(nb.code(&format!("kms::decrypt(c.CiphertextBlob, {ec})")), "InvalidCiphertextException", "{ec}");
    }
    assert_eq!(nb.code("kms::decrypt(c.CiphertextBlob)"), "InvalidCiphertextException");
}

#[test]
fn tampered_blobs_and_wrong_keys() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt(id, "data").CiphertextBlob; let n = c.len();"#);
    for i in [0, 2, 10, 40, 60] {
        let (code, msg) = nb.err(&format!("let t = c; t[{i}] = (t[{i}] + 1) % 256; kms::decrypt(t)"));
        assert_eq!(code, "InvalidCiphertextException", "byte {i}");
        assert_eq!(msg, crate::kms::error::INVALID_CIPHERTEXT);
    }
    assert_eq!(nb.code("let t = c; t[n - 1] = (t[n - 1] + 1) % 256; kms::decrypt(t)"), "InvalidCiphertextException");
    assert_eq!(nb.code("let t = c; t[n - 20] = (t[n - 20] + 1) % 256; kms::decrypt(t)"), "InvalidCiphertextException");
    assert_eq!(nb.code(r#"kms::decrypt(blob(10, 1))"#), "InvalidCiphertextException");
    // [BOTO-MODEL] IncorrectKeyException: "The KeyId in a Decrypt request and the SourceKeyId in
    // a ReEncrypt request must identify the same KMS key that was used to encrypt the ciphertext."
    nb.exec("let other = kms::create_key().KeyMetadata.KeyId;");
    assert_eq!(nb.code("kms::decrypt(#{ CiphertextBlob: c, KeyId: other })"), "IncorrectKeyException");
    assert_eq!(nb.code("kms::re_encrypt(#{ CiphertextBlob: c, SourceKeyId: other, DestinationKeyId: other })"), "IncorrectKeyException");
}

#[test]
fn unknown_keys_and_aliases_are_not_found() {
    let mut nb = Nb::new();
    let (code, msg) = nb.err(r#"kms::describe_key("1234abcd-12ab-34cd-56ef-1234567890ab")"#);
    assert_eq!(code, "NotFoundException");
    assert_eq!(msg, "Key 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist");
    let (code, msg) = nb.err(r#"kms::encrypt("alias/nope", "x")"#);
    assert_eq!(code, "NotFoundException");
    assert_eq!(msg, "Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.");
    assert_eq!(nb.err(r#"kms::describe_key("nope")"#).1, "Invalid keyId 'nope'");
}

#[test]
fn reencrypt_moves_ciphertext_between_keys() {
    let mut nb = with_key();
    nb.exec(r#"let k2 = kms::create_key().KeyMetadata.KeyId; let c = kms::encrypt(id, "moving", #{ a: "1" });"#);
    nb.exec(r#"let r = kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceEncryptionContext: #{ a: "1" }, DestinationKeyId: k2, DestinationEncryptionContext: #{ b: "2" } });"#);
    assert_eq!(nb.s("r.SourceKeyId"), nb.s("arn"));
    assert!(nb.s("r.KeyId").ends_with(&nb.s("k2")));
    assert_eq!(nb.s(r#"kms::decrypt(r.CiphertextBlob, #{ b: "2" }).Plaintext.as_string()"#), "moving");
    assert_eq!(nb.code(r#"kms::decrypt(#{ CiphertextBlob: r.CiphertextBlob, EncryptionContext: #{ b: "2" }, KeyId: id })"#), "IncorrectKeyException");
}

#[test]
fn data_keys_and_envelope_encryption() {
    let mut nb = with_key();
    nb.exec(r#"let dk = kms::generate_data_key(#{ KeyId: "alias/demo", KeySpec: "AES_256", EncryptionContext: #{ file: "report.pdf" } });"#);
    assert_eq!(nb.run("dk.Plaintext.len()").as_int().unwrap(), 32);
    assert_eq!(nb.run(r#"kms::generate_data_key(#{ KeyId: id, KeySpec: "AES_128" }).Plaintext.len()"#).as_int().unwrap(), 16);
    assert_eq!(nb.run(r#"kms::generate_data_key(#{ KeyId: id, NumberOfBytes: 64 }).Plaintext.len()"#).as_int().unwrap(), 64);
    // "You must specify either the KeySpec or the NumberOfBytes parameter (but not both)".
    assert_eq!(nb.code(r#"kms::generate_data_key(#{ KeyId: id, KeySpec: "AES_256", NumberOfBytes: 32 })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::generate_data_key(#{ KeyId: id })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::generate_data_key(#{ KeyId: id, NumberOfBytes: 1025 })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::generate_data_key(#{ KeyId: id, KeySpec: "AES_512" })"#), "ValidationException");
    // The encrypted copy decrypts to the same data key.
    assert!(nb.run(r#"kms::decrypt(dk.CiphertextBlob, #{ file: "report.pdf" }).Plaintext == dk.Plaintext"#).as_bool().unwrap());
    // Envelope: encrypt 100 KB locally (far beyond Encrypt's 4 KB), keep only the encrypted key.
    nb.exec(r#"let doc = blob(100000, 42); let sealed = kms::local_encrypt(dk.Plaintext, doc); let stored = dk.CiphertextBlob; dk = ();"#);
    assert!(nb.run(r#"let again = kms::decrypt(stored, #{ file: "report.pdf" }).Plaintext; kms::local_decrypt(again, sealed) == doc"#).as_bool().unwrap());
    assert_eq!(nb.code(r#"kms::local_decrypt(kms::generate_random(32).Plaintext, sealed)"#), "InvalidCiphertextException");
    let wp = nb.run(r#"kms::generate_data_key_without_plaintext("alias/demo")"#);
    let m = wp.read_lock::<rhai::Map>().unwrap();
    assert!(m.contains_key("CiphertextBlob") && !m.contains_key("Plaintext"));
}

#[test]
fn generate_random_bounds() {
    let mut nb = Nb::new();
    assert_eq!(nb.run("kms::generate_random(1024).Plaintext.len()").as_int().unwrap(), 1024);
    assert_eq!(nb.err("kms::generate_random(1025)").1, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    assert_eq!(nb.code("kms::generate_random(0)"), "ValidationException");
    assert_eq!(nb.code("kms::generate_random()"), "ValidationException");
}

#[test]
fn disabled_keys_refuse_crypto_until_enabled() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt(id, "x"); kms::disable_key(id);"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "Disabled");
    // [KMS-ARCH] key-state.md footnote [1]: "DisabledException: <key ARN> is disabled."
    let arn = nb.s("arn");
    for call in [r#"kms::encrypt(id, "x")"#, "kms::decrypt(c.CiphertextBlob)", "kms::generate_data_key(id)", "kms::re_encrypt(c.CiphertextBlob, id)"] {
        assert_eq!(nb.err(call), ("DisabledException".to_string(), format!("{arn} is disabled.")), "{call}");
    }
    assert_eq!(
        nb.code(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: "arn:aws:iam::111122223333:user/bob", Operations: ["Encrypt"] })"#),
        "DisabledException"
    );
    // Management calls still work on a disabled key.
    nb.exec(r#"kms::describe_key(id); kms::get_key_policy(id); kms::tag_resource(#{ KeyId: id, Tags: [#{ TagKey: "a", TagValue: "b" }] });"#);
    nb.exec("kms::enable_key(id);");
    assert_eq!(nb.s("kms::decrypt(c.CiphertextBlob).Plaintext.as_string()"), "x");
}

#[test]
fn deletion_window_cancel_and_deletion() {
    let mut nb = with_key();
    // [BOTO-MODEL] ScheduleKeyDeletion: "it must be between 7 and 30, inclusive"; the message of
    // a live response (aws-sdk-go log in Skyscanner/kms-issuer#8).
    let (code, msg) = nb.err("kms::schedule_key_deletion(id, 3)");
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "PendingWindowInDays must be between 7 and 30"));
    assert_eq!(nb.code("kms::schedule_key_deletion(id, 31)"), "ValidationException");
    assert_eq!(nb.code("kms::schedule_key_deletion(id, 0)"), "ValidationException");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "Enabled", "a refused window changes nothing");
    nb.exec("let s = kms::schedule_key_deletion(id);");
    assert_eq!(nb.run("s.PendingWindowInDays").as_int().unwrap(), 30, "defaults to 30");
    assert_eq!(nb.s("s.DeletionDate"), "2026-01-31T00:00:00Z");
    assert_eq!(nb.s("s.KeyState"), "PendingDeletion");
    // [BOTO-MODEL] KeyMetadata.PendingDeletionWindowInDays: "present only when the KeyState of
    // the KMS key is PendingReplicaDeletion"; a key pending deletion shows its DeletionDate.
    nb.exec("let m = kms::describe_key(id).KeyMetadata;");
    assert_eq!(nb.s("m.DeletionDate"), "2026-01-31T00:00:00Z");
    assert!(!nb.run(r#""PendingDeletionWindowInDays" in m"#).as_bool().unwrap());
    let arn = nb.s("arn");
    // [KMS-ARCH] key-state.md [3]: "KMSInvalidStateException: <key ARN> is pending deletion."
    assert_eq!(nb.err(r#"kms::encrypt(id, "x")"#), ("KMSInvalidStateException".into(), format!("{arn} is pending deletion.")));
    assert_eq!(nb.code("kms::schedule_key_deletion(id)"), "KMSInvalidStateException");
    assert_eq!(nb.code("kms::enable_key(id)"), "KMSInvalidStateException");
    // CancelKeyDeletion: "When this operation succeeds, the key state of the KMS key is Disabled."
    assert_eq!(nb.s("kms::cancel_key_deletion(id).KeyId"), arn);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "Disabled");
    assert_eq!(nb.err("kms::cancel_key_deletion(id)").1, format!("{arn} is not pending deletion."));
    nb.exec("kms::schedule_key_deletion(id, 7); clock::advance(\"6d\");");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "PendingDeletion");
    nb.exec("clock::advance(\"1d\");");
    // After the waiting period: the key, its material and its aliases are gone.
    assert_eq!(nb.err("kms::describe_key(id)"), ("NotFoundException".into(), format!("Key '{arn}' does not exist")));
    assert_eq!(nb.code(r#"kms::describe_key("alias/demo")"#), "NotFoundException");
    assert_eq!(nb.run(r#"world::trail(#{ eventName: "DeleteKey", eventType: "AwsServiceEvent" }).len()"#).as_int().unwrap(), 1);
    assert_eq!(nb.s(r#"world::trail(#{ eventName: "DeleteKey" })[0].eventTime"#), "2026-01-08T00:00:00Z");
}

#[test]
fn decrypting_after_the_key_is_deleted_is_refused() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt(id, "gone"); kms::schedule_key_deletion(id, 7); clock::advance("7d");"#);
    let (code, msg) = nb.err("kms::decrypt(c.CiphertextBlob)");
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.starts_with("The ciphertext refers to a customer master key that does not exist"), "{msg}");
}

#[test]
fn aliases_name_one_key_and_move_with_update_alias() {
    let mut nb = with_key();
    // [KMS-ARCH] alias-about.md: unique in the account and Region; alias/aws/ reserved.
    let (code, msg) = nb.err(r#"kms::create_alias("alias/demo", id)"#);
    assert_eq!(code, "AlreadyExistsException");
    assert_eq!(msg, "An alias with the name arn:aws:kms:us-east-1:111122223333:alias/demo already exists");
    assert_eq!(nb.code(r#"kms::create_alias("alias/aws/mine", id)"#), "NotAuthorizedException");
    assert_eq!(nb.code(r#"kms::create_alias("demo", id)"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_alias("alias/bad name", id)"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_alias("alias/other", "alias/demo")"#), "ValidationException");
    // A key can have several aliases.
    nb.exec(r#"kms::create_alias("alias/second", id);"#);
    assert_eq!(nb.run("kms::list_aliases(#{ KeyId: id }).Aliases.len()").as_int().unwrap(), 2);
    // Manual rotation: point the alias at a new key; old ciphertexts still decrypt.
    nb.exec(r#"let old = kms::encrypt("alias/demo", "v1").CiphertextBlob; let k2 = kms::create_key().KeyMetadata.KeyId; clock::advance("1h"); kms::update_alias("alias/demo", k2);"#);
    assert!(nb.s(r#"kms::encrypt("alias/demo", "v2").KeyId"#).ends_with(&nb.s("k2")));
    assert_eq!(nb.s("kms::decrypt(old).Plaintext.as_string()"), "v1");
    nb.exec(r#"let a = kms::list_aliases().Aliases.filter(|a| a.AliasName == "alias/demo")[0];"#);
    assert_eq!(nb.s("a.LastUpdatedDate"), "2026-01-01T01:00:00Z");
    assert_eq!(nb.s("a.AliasArn"), "arn:aws:kms:us-east-1:111122223333:alias/demo");
    assert_eq!(nb.code(r#"kms::update_alias("alias/none", k2)"#), "NotFoundException");
    nb.exec(r#"kms::delete_alias("alias/second");"#);
    assert_eq!(nb.code(r#"kms::describe_key("alias/second")"#), "NotFoundException");
    // An alias can't point at a key pending deletion.
    nb.exec("let k3 = kms::create_key().KeyMetadata.KeyId; kms::schedule_key_deletion(k3, 7);");
    assert_eq!(nb.code(r#"kms::update_alias("alias/demo", k3)"#), "KMSInvalidStateException");
    assert_eq!(nb.code(r#"kms::create_alias("alias/third", k3)"#), "KMSInvalidStateException");
}

#[test]
fn rotation_keeps_old_material_and_follows_the_clock() {
    let mut nb = with_key();
    nb.exec(r#"let c0 = kms::encrypt(id, "before"); let m0 = kms::describe_key(id).KeyMetadata.CurrentKeyMaterialId;"#);
    // RotationPeriodInDays: min 90, max 2560 ([BOTO-MODEL] EnableKeyRotation, 2024-04).
    assert_eq!(nb.code("kms::enable_key_rotation(id, 89)"), "ValidationException");
    assert_eq!(nb.code("kms::enable_key_rotation(id, 2561)"), "ValidationException");
    assert!(!nb.run("kms::get_key_rotation_status(id).KeyRotationEnabled").as_bool().unwrap());
    nb.exec("kms::enable_key_rotation(id, 90);");
    assert_eq!(nb.s("kms::get_key_rotation_status(id).NextRotationDate"), "2026-04-01T00:00:00Z");
    nb.exec("kms::enable_key_rotation(id);");
    assert_eq!(nb.run("kms::get_key_rotation_status(id).RotationPeriodInDays").as_int().unwrap(), 365, "default 365");
    nb.exec("kms::enable_key_rotation(id, 90);");
    nb.exec(r#"clock::advance("89d");"#);
    assert_eq!(nb.run("kms::list_key_rotations(id).Rotations.len()").as_int().unwrap(), 0);
    nb.exec(r#"clock::advance("1d");"#);
    nb.exec("let rot = kms::list_key_rotations(id).Rotations;");
    assert_eq!(nb.run("rot.len()").as_int().unwrap(), 1);
    assert_eq!(nb.s("rot[0].RotationType"), "AUTOMATIC");
    assert_eq!(nb.s("rot[0].RotationDate"), "2026-04-01T00:00:00Z");
    assert_eq!(nb.s("kms::get_key_rotation_status(id).NextRotationDate"), "2026-06-30T00:00:00Z");
    // New ciphertexts use the new material; old ones still decrypt with the old one.
    assert_ne!(nb.s("kms::describe_key(id).KeyMetadata.CurrentKeyMaterialId"), nb.s("m0"));
    assert_eq!(nb.s("kms::decrypt(c0.CiphertextBlob).KeyMaterialId"), nb.s("m0"));
    assert_eq!(nb.s("kms::decrypt(c0.CiphertextBlob).Plaintext.as_string()"), "before");
    assert_eq!(nb.s(r#"kms::decrypt(kms::encrypt(id, "after").CiphertextBlob).KeyMaterialId"#), nb.s("rot[0].KeyMaterialId"));
    assert_eq!(nb.s(r#"world::trail(#{ eventName: "RotateKey" })[0].eventType"#), "AwsServiceEvent");
    // A long jump rotates once per period.
    nb.exec(r#"clock::advance("365d");"#);
    assert_eq!(nb.run("kms::list_key_rotations(id).Rotations.len()").as_int().unwrap(), 5);
    assert_eq!(nb.run(r#"kms::list_key_rotations(#{ KeyId: id, IncludeKeyMaterial: "ALL_KEY_MATERIAL" }).Rotations.len()"#).as_int().unwrap(), 6);
    assert_eq!(nb.s("kms::decrypt(c0.CiphertextBlob).Plaintext.as_string()"), "before");
}

#[test]
fn disabled_keys_are_not_rotated_until_enabled() {
    let mut nb = with_key();
    nb.exec(r#"kms::enable_key_rotation(id, 90); kms::disable_key(id); clock::advance("120d");"#);
    assert_eq!(nb.run("kms::list_key_rotations(id).Rotations.len()").as_int().unwrap(), 0, "a disabled key isn't rotated");
    // Rotation calls on a disabled key: DisabledException ([KMS-ARCH] key-state.md [1]).
    assert_eq!(nb.code("kms::enable_key_rotation(id)"), "DisabledException");
    assert_eq!(nb.code("kms::rotate_key_on_demand(id)"), "DisabledException");
    nb.exec("kms::enable_key(id);");
    nb.exec("let rot = kms::list_key_rotations(id).Rotations;");
    assert_eq!(nb.run("rot.len()").as_int().unwrap(), 1, "the overdue rotation runs when the key is enabled");
    assert_eq!(nb.s("rot[0].RotationDate"), "2026-05-01T00:00:00Z");
    // Pending deletion: rotation status reads false; cancel restores it.
    nb.exec("kms::schedule_key_deletion(id, 7);");
    assert!(!nb.run("kms::get_key_rotation_status(id).KeyRotationEnabled").as_bool().unwrap());
    nb.exec("kms::cancel_key_deletion(id);");
    assert!(nb.run("kms::get_key_rotation_status(id).KeyRotationEnabled").as_bool().unwrap());
}

#[test]
fn on_demand_rotation_limit_and_conflict() {
    let mut nb = with_key();
    nb.exec("let c0 = kms::encrypt(id, \"first\"); for i in 0..25 { kms::rotate_key_on_demand(id); }");
    assert_eq!(nb.run("kms::list_key_rotations(#{ KeyId: id, Limit: 1000 }).Rotations.len()").as_int().unwrap(), 25);
    assert_eq!(nb.s("kms::list_key_rotations(id).Rotations[0].RotationType"), "ON_DEMAND");
    // "You can perform on-demand key rotation a maximum of 25 times per KMS key." AWS's message,
    // recorded by LocalStack's AWS-validated test_key_rotations_limits.
    let arn = nb.s("arn");
    assert_eq!(
        nb.err("kms::rotate_key_on_demand(id)"),
        ("LimitExceededException".into(), format!("The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {arn}"))
    );
    // A key waiting for imported material is refused for its state (LocalStack's AWS-validated
    // test_rotate_key_on_demand_on_external_key_with_no_key_material).
    nb.exec(r#"let ext = kms::create_key(#{ Origin: "EXTERNAL" }).KeyMetadata;"#);
    assert_eq!(nb.err("kms::rotate_key_on_demand(ext.KeyId)"), ("KMSInvalidStateException".into(), format!("{} is pending import.", nb.s("ext.Arn"))));
    assert_eq!(nb.s("kms::decrypt(c0.CiphertextBlob).Plaintext.as_string()"), "first");
    // On-demand rotation doesn't change the automatic schedule; near it, ConflictException.
    nb.exec(r#"let k2 = kms::create_key().KeyMetadata.KeyId; kms::enable_key_rotation(k2, 90); clock::advance("89d"); clock::advance("23h50m");"#);
    assert_eq!(nb.code("kms::rotate_key_on_demand(k2)"), "ConflictException");
    assert_eq!(nb.s("kms::get_key_rotation_status(k2).NextRotationDate"), "2026-04-01T00:00:00Z");
}

#[test]
fn aws_managed_keys_are_created_on_first_use_and_locked() {
    let mut nb = Nb::new();
    nb.exec(r#"let m = kms::describe_key("alias/aws/s3").KeyMetadata;"#);
    assert_eq!(nb.s("m.KeyManager"), "AWS");
    assert_eq!(nb.s("m.Description"), "Default key that protects my S3 objects when no other key is defined");
    assert_eq!(nb.s(r#"kms::describe_key("alias/aws/s3").KeyMetadata.KeyId"#), nb.s("m.KeyId"), "created once");
    assert!(nb.run("kms::get_key_rotation_status(m.KeyId).KeyRotationEnabled").as_bool().unwrap(), "AWS managed keys rotate every year");
    assert_eq!(nb.run("kms::get_key_rotation_status(m.KeyId).RotationPeriodInDays").as_int().unwrap(), 365);
    assert!(nb.s("kms::get_key_policy(m.KeyId).Policy").contains("s3.us-east-1.amazonaws.com"));
    for call in [
        r#"kms::put_key_policy(m.KeyId, kms::key_policy(#{ Users: ["bob"] }))"#,
        "kms::schedule_key_deletion(m.KeyId)",
        "kms::disable_key(m.KeyId)",
        "kms::disable_key_rotation(m.KeyId)",
        "kms::rotate_key_on_demand(m.KeyId)",
        r#"kms::create_alias("alias/mine", m.KeyId)"#,
    ] {
        let (code, msg) = nb.err(call);
        assert_eq!(code, "AccessDeniedException", "{call}");
        assert!(msg.contains("because no resource-based policy allows"), "{msg}");
    }
    assert_eq!(nb.code(r#"kms::describe_key("alias/aws/unknown")"#), "NotFoundException");
}

#[test]
fn imported_key_material_lifecycle() {
    let mut nb = Nb::new();
    nb.exec(r#"let k = kms::create_key(#{ Origin: "EXTERNAL" }).KeyMetadata; let id = k.KeyId;"#);
    assert_eq!(nb.s("k.KeyState"), "PendingImport");
    assert_eq!(nb.s("k.Origin"), "EXTERNAL");
    let arn = nb.s("k.Arn");
    assert_eq!(nb.err(r#"kms::encrypt(id, "x")"#), ("KMSInvalidStateException".into(), format!("{arn} is pending import.")));
    // [KMS-ARCH] key-state.md [6]: rotation of an EXTERNAL key.
    assert_eq!(nb.err("kms::enable_key_rotation(id)"), ("UnsupportedOperationException".into(), format!("{arn} origin is EXTERNAL which is not valid for this operation.")));
    nb.exec(r#"let p = kms::get_parameters_for_import(#{ KeyId: id, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });"#);
    // "Each public key and import token set is valid for 24 hours."
    assert_eq!(nb.s("p.ParametersValidTo"), "2026-01-02T00:00:00Z");
    nb.exec(r#"let material = kms::generate_random(32).Plaintext; let wrapped = kms::wrap_key_material(p.PublicKey, material, "RSAES_OAEP_SHA_256");"#);
    assert_eq!(nb.code("kms::import_key_material(#{ KeyId: id, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped })"), "ValidationException", "KEY_MATERIAL_EXPIRES needs ValidTo");
    assert_eq!(nb.code("kms::import_key_material(#{ KeyId: id, ImportToken: blob(96, 1), EncryptedKeyMaterial: wrapped, ExpirationModel: \"KEY_MATERIAL_DOES_NOT_EXPIRE\" })"), "InvalidImportTokenException");
    nb.exec(r#"let r = kms::import_key_material(#{ KeyId: id, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped, ValidTo: "2026-01-11T00:00:00Z" });"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "Enabled");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.ExpirationModel"), "KEY_MATERIAL_EXPIRES");
    nb.exec(r#"let c = kms::encrypt(id, "imported");"#);
    // When the material expires KMS deletes it: back to PendingImport.
    nb.exec(r#"clock::advance("10d");"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "PendingImport");
    assert_eq!(nb.run(r#"world::trail(#{ eventName: "DeleteExpiredKeyMaterial" }).len()"#).as_int().unwrap(), 1);
    assert_eq!(nb.code("kms::decrypt(c.CiphertextBlob)"), "KMSInvalidStateException");
    // The import token has expired by now too.
    assert_eq!(nb.code(r#"kms::import_key_material(#{ KeyId: id, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })"#), "ExpiredImportTokenException");
    nb.exec(r#"let p2 = kms::get_parameters_for_import(#{ KeyId: id, WrappingAlgorithm: "RSAES_OAEP_SHA_1", WrappingKeySpec: "RSA_2048" });"#);
    // Only the same material can be imported again.
    nb.exec(r#"let other = kms::wrap_key_material(p2.PublicKey, kms::generate_random(32).Plaintext, "RSAES_OAEP_SHA_1");"#);
    assert_eq!(nb.code(r#"kms::import_key_material(#{ KeyId: id, ImportToken: p2.ImportToken, EncryptedKeyMaterial: other, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" })"#), "IncorrectKeyMaterialException");
    nb.exec(r#"let again = kms::wrap_key_material(p2.PublicKey, material, "RSAES_OAEP_SHA_1"); let r2 = kms::import_key_material(#{ KeyId: id, ImportToken: p2.ImportToken, EncryptedKeyMaterial: again, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" });"#);
    assert_eq!(nb.s("r2.KeyMaterialId"), nb.s("r.KeyMaterialId"));
    assert_eq!(nb.s("kms::decrypt(c.CiphertextBlob).Plaintext.as_string()"), "imported", "old ciphertexts decrypt after re-import");
    nb.exec("kms::delete_imported_key_material(#{ KeyId: id });");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "PendingImport");
    // Import calls on a key with AWS_KMS origin.
    nb.exec("let normal = kms::create_key().KeyMetadata.KeyId;");
    assert_eq!(nb.code(r#"kms::get_parameters_for_import(#{ KeyId: normal, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" })"#), "UnsupportedOperationException");
    assert_eq!(nb.code("kms::delete_imported_key_material(#{ KeyId: normal })"), "UnsupportedOperationException");
    assert_eq!(nb.code(r#"kms::get_parameters_for_import(#{ KeyId: id, WrappingAlgorithm: "RSAES_PKCS1_V1_5", WrappingKeySpec: "RSA_2048" })"#), "UnsupportedOperationException");
}

#[test]
fn grants_by_token_and_listing() {
    let mut nb = with_key();
    nb.exec(r#"let bob = "arn:aws:iam::111122223333:user/bob"; let g = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, RetiringPrincipal: bob, Operations: ["Encrypt", "Decrypt"], Name: "for-bob" });"#);
    assert_eq!(nb.s("g.GrantId").len(), 64);
    nb.exec("let gs = kms::list_grants(id).Grants;");
    assert_eq!(nb.run("gs.len()").as_int().unwrap(), 1);
    assert_eq!(nb.s("gs[0].GranteePrincipal"), "arn:aws:iam::111122223333:user/bob");
    assert_eq!(nb.s("gs[0].IssuingAccount"), "arn:aws:iam::111122223333:root");
    assert_eq!(nb.s("gs[0].KeyId"), nb.s("arn"));
    // Same Name and parameters: the same grant, a new token.
    nb.exec(r#"let g2 = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, RetiringPrincipal: bob, Operations: ["Encrypt", "Decrypt"], Name: "for-bob" });"#);
    assert_eq!(nb.s("g2.GrantId"), nb.s("g.GrantId"));
    assert_ne!(nb.s("g2.GrantToken"), nb.s("g.GrantToken"));
    assert_eq!(nb.run("kms::list_retirable_grants(#{ RetiringPrincipal: bob }).Grants.len()").as_int().unwrap(), 1);
    assert_eq!(nb.code(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: "bob", Operations: ["Encrypt"] })"#), "InvalidArnException");
    assert_eq!(nb.code(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["Fly"] })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["Sign"] })"#), "ValidationError");
    assert_eq!(nb.code(r#"kms::encrypt(#{ KeyId: id, Plaintext: "x", GrantTokens: ["not-a-token"] })"#), "InvalidGrantTokenException");
    // GrantTokens: "list 0-10".
    let (code, msg) = nb.err(r#"let ts = []; for i in 0..11 { ts.push(g.GrantToken); } kms::encrypt(#{ KeyId: id, Plaintext: "x", GrantTokens: ts })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10"));
    assert_eq!(nb.code("kms::list_grants(#{ KeyId: id, GrantId: \"00\" })"), "InvalidGrantIdException");
    nb.exec("kms::retire_grant(g.GrantToken);");
    assert_eq!(nb.run("kms::list_grants(id).Grants.len()").as_int().unwrap(), 0);
    nb.exec(r#"let g3 = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["Decrypt"] }); kms::revoke_grant(id, g3.GrantId);"#);
    assert_eq!(nb.run("kms::list_grants(id).Grants.len()").as_int().unwrap(), 0);
    assert_eq!(nb.code("kms::revoke_grant(id, g3.GrantId)"), "InvalidGrantIdException");
    assert_eq!(nb.code("kms::retire_grant(#{ GrantId: g3.GrantId })"), "ValidationException");
}

#[test]
fn pagination_and_markers() {
    let mut nb = Nb::new();
    nb.exec("for i in 0..5 { kms::create_key(); }");
    nb.exec("let p1 = kms::list_keys(#{ Limit: 2 });");
    assert!(nb.run("p1.Truncated").as_bool().unwrap());
    nb.exec("let p2 = kms::list_keys(#{ Limit: 2, Marker: p1.NextMarker }); let p3 = kms::list_keys(#{ Limit: 2, Marker: p2.NextMarker });");
    assert_eq!(nb.run("p3.Keys.len()").as_int().unwrap(), 1);
    assert!(!nb.run("p3.Truncated").as_bool().unwrap());
    assert_ne!(nb.s("p1.Keys[0].KeyId"), nb.s("p2.Keys[0].KeyId"));
    assert_eq!(nb.code(r#"kms::list_keys(#{ Marker: "zzz" })"#), "InvalidMarkerException");
    assert_eq!(nb.code("kms::list_keys(#{ Limit: 0 })"), "ValidationException");
    // Each operation's documented Limit ([BOTO-MODEL]): ListKeys 1-1000 (default 100),
    // ListAliases and ListGrants 1-100 (default 50), ListResourceTags 1-50 (default 50).
    assert!(nb.try_run("kms::list_keys(#{ Limit: 1000 })").is_ok());
    nb.exec(r#"let keys = kms::list_keys().Keys; for i in 0..60 { kms::create_alias("alias/a" + i, keys[i % 5].KeyId); }"#);
    nb.exec("let a1 = kms::list_aliases(#{});");
    assert_eq!((nb.run("a1.Aliases.len()").as_int().unwrap(), nb.run("a1.Truncated").as_bool().unwrap()), (50, true));
    // 60 aliases and the 7 predefined AWS aliases not yet associated with a key.
    assert_eq!(nb.run("kms::list_aliases(#{ Marker: a1.NextMarker }).Aliases.len()").as_int().unwrap(), 17);
    assert!(nb.try_run("kms::list_aliases(#{ Limit: 100 })").is_ok());
    let id = nb.s("kms::list_keys().Keys[0].KeyId");
    for call in ["kms::list_aliases(#{ Limit: 101 })", &format!(r#"kms::list_grants(#{{ KeyId: "{id}", Limit: 101 }})"#), &format!(r#"kms::list_resource_tags(#{{ KeyId: "{id}", Limit: 51 }})"#)] {
        assert_eq!(nb.code(call), "ValidationException", "{call}");
    }
}

#[test]
fn every_call_is_audited_with_kms_event_names() {
    let mut nb = with_key();
    nb.exec(r#"let c = kms::encrypt(id, "x"); kms::decrypt(c.CiphertextBlob); try { kms::encrypt(id, "") } catch (e) {}"#);
    nb.exec(r#"let ev = world::trail().filter(|e| e.eventSource == "kms.amazonaws.com");"#);
    let names = nb.s("ev.map(|e| e.eventName)");
    assert_eq!(names, r#"["CreateKey", "CreateAlias", "Encrypt", "Decrypt", "Encrypt"]"#);
    assert_eq!(nb.s("ev[2].resources[0].ARN"), nb.s("arn"));
    assert_eq!(nb.s("ev[2].resources[0].type"), "AWS::KMS::Key");
    assert_eq!(nb.s("ev[2].requestParameters.plaintext"), "HIDDEN_DUE_TO_SECURITY_REASONS");
    assert_eq!(nb.s("ev[4].errorCode"), "ValidationException");
    assert_eq!(nb.s("ev[0].responseElements.keyMetadata.keyId"), nb.s("id"));
}

#[test]
fn same_seed_same_ciphertexts() {
    let script = r#"world::seed(7); let k = kms::create_key().KeyMetadata.KeyId; let c = kms::encrypt(k, "x", #{ a: "b" }).CiphertextBlob; let d = kms::generate_data_key(k); [k, c, d.Plaintext, d.CiphertextBlob]"#;
    let a = Nb::new().s(script);
    let b = Nb::new().s(script);
    assert_eq!(a, b);
    let c = Nb::new().s(&script.replace("seed(7)", "seed(8)"));
    assert_ne!(a, c);
}

#[test]
fn save_and_load_keep_every_kms_resource() {
    let mut nb = with_key();
    nb.exec(r#"
        kms::enable_key_rotation(id, 90);
        kms::rotate_key_on_demand(id);
        let c = kms::encrypt(id, "kept", #{ a: "1" });
        kms::create_grant(#{ KeyId: id, GranteePrincipal: "arn:aws:iam::111122223333:user/bob", Operations: ["Decrypt"], Constraints: #{ EncryptionContextSubset: #{ a: "1" } } });
        kms::tag_resource(#{ KeyId: id, Tags: [#{ TagKey: "env", TagValue: "prod" }] });
        let ext = kms::create_key(#{ Origin: "EXTERNAL" }).KeyMetadata.KeyId;
        let p = kms::get_parameters_for_import(#{ KeyId: ext, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" });
        kms::describe_key("alias/aws/ebs");
        let saved = world::save();
    "#);
    let saved = nb.s("saved");
    nb.exec("world::reset(); world::load(saved);");
    assert_eq!(nb.s("world::save()"), saved, "save -> load -> save is byte-identical");
    assert_eq!(nb.s(r#"kms::decrypt(c.CiphertextBlob, #{ a: "1" }).Plaintext.as_string()"#), "kept");
    assert_eq!(nb.run("kms::list_grants(id).Grants[0].Constraints.EncryptionContextSubset.a").to_string(), "1");
    assert_eq!(nb.s("kms::get_key_rotation_status(id).NextRotationDate"), "2026-04-01T00:00:00Z");
    // The import token and its wrapping key survive too.
    nb.exec(r#"let w = kms::wrap_key_material(p.PublicKey, kms::generate_random(32).Plaintext, "RSAES_OAEP_SHA_256"); kms::import_key_material(#{ KeyId: ext, ImportToken: p.ImportToken, EncryptedKeyMaterial: w, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" });"#);
    assert_eq!(nb.s("kms::describe_key(ext).KeyMetadata.KeyState"), "Enabled");
    let w = nb.shared.lock();
    assert_eq!(w.kms.all_keys().count(), 3);
}

#[test]
fn key_policy_helper_builds_console_policy() {
    let mut nb = Nb::new();
    nb.exec(r#"let p = parse_json(kms::key_policy(#{ Admins: ["alice"], Users: ["bob", "role/app"] }));"#);
    assert_eq!(nb.s("p.Statement.len()"), "4");
    assert_eq!(nb.s("p.Statement[1].Sid"), "Allow access for Key Administrators");
    assert_eq!(nb.s("p.Statement[2].Principal.AWS[1]"), "arn:aws:iam::111122223333:role/app");
    assert_eq!(nb.code(r#"kms::key_policy(#{ Admin: ["alice"] })"#), "ValidationException");
    // Policies are accepted as maps too.
    nb.exec(r#"let k = kms::create_key(#{ Policy: p }).KeyMetadata.KeyId;"#);
    assert!(nb.s("kms::get_key_policy(k).Policy").contains("Allow use of the key"));
}

#[test]
fn tags_are_validated() {
    let mut nb = with_key();
    assert_eq!(nb.code(r#"kms::tag_resource(#{ KeyId: id, Tags: [#{ TagKey: "aws:owner", TagValue: "x" }] })"#), "TagException");
    // AWS's texts, recorded by LocalStack's AWS-validated tests
    // (test_create_key_with_too_many_tags_raises_error, test_tag_key_with_duplicate_tag_keys_raises_error).
    nb.exec(r#"let many = []; for i in 0..51 { many.push(#{ TagKey: "k" + i, TagValue: "v" }); }"#);
    assert_eq!(nb.err("kms::create_key(#{ Tags: many })"), ("TagException".into(), "Too many tags".into()));
    assert_eq!(
        nb.err(r#"kms::tag_resource(#{ KeyId: id, Tags: [#{ TagKey: "a", TagValue: "1" }, #{ TagKey: "a", TagValue: "2" }] })"#),
        ("TagException".into(), "Duplicate tag keys".into())
    );
    nb.exec(r#"kms::tag_resource(#{ KeyId: id, Tags: [#{ TagKey: "a", TagValue: "1" }, #{ TagKey: "b", TagValue: "2" }] }); kms::untag_resource(#{ KeyId: id, TagKeys: ["a"] });"#);
    assert_eq!(nb.s("kms::list_resource_tags(#{ KeyId: id }).Tags.map(|t| t.TagKey)"), r#"["b"]"#);
}

#[test]
fn anonymous_callers_are_denied_with_awss_message() {
    let mut nb = with_key();
    let (code, msg) = nb.err(r#"as_principal("anonymous", || kms::encrypt(id, "x"))"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-1:111122223333:key/"), "{msg}");
}

#[test]
fn grants_authorize_the_grantee_after_propagation_or_with_the_token() {
    let mut nb = with_key();
    nb.exec(r#"let bob = iam::create_user("bob").User.Arn; let carol = iam::create_user("carol").User.Arn;"#);
    // Bob has no IAM policy and the key policy names only the account: denied.
    let (code, msg) = nb.err(r#"as_principal("bob", || kms::encrypt(id, "x"))"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.starts_with("User: arn:aws:iam::111122223333:user/bob is not authorized to perform: kms:Encrypt on resource: "), "{msg}");
    nb.exec(r#"let g = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["Encrypt", "Decrypt"] });"#);
    // [BOTO-MODEL] CreateGrant: "to use the permissions in the grant immediately, use the GrantToken".
    assert_eq!(nb.code(r#"as_principal("bob", || kms::encrypt(id, "x"))"#), "AccessDeniedException", "not propagated yet");
    nb.exec(r#"let c = as_principal("bob", || kms::encrypt(#{ KeyId: id, Plaintext: "from bob", GrantTokens: [g.GrantToken] }));"#);
    assert_eq!(nb.s(r#"as_principal("bob", || kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, GrantTokens: [g.GrantToken] })).Plaintext.as_string()"#), "from bob");
    // Operations the grant doesn't list stay denied; other principals can't use the token.
    assert_eq!(nb.code(r#"as_principal("bob", || kms::generate_data_key(#{ KeyId: id, KeySpec: "AES_256", GrantTokens: [g.GrantToken] }))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("carol", || kms::encrypt(#{ KeyId: id, Plaintext: "x", GrantTokens: [g.GrantToken] }))"#), "AccessDeniedException");
    // "usually less than five minutes": after that, no token needed.
    nb.exec(r#"clock::advance("5m");"#);
    assert_eq!(nb.s(r#"as_principal("bob", || kms::decrypt(c.CiphertextBlob)).Plaintext.as_string()"#), "from bob");
    // Retired (by the account) -> gone.
    nb.exec("kms::retire_grant(#{ KeyId: id, GrantId: g.GrantId });");
    assert_eq!(nb.code(r#"as_principal("bob", || kms::decrypt(c.CiphertextBlob))"#), "AccessDeniedException");
}

#[test]
fn grant_constraints_and_retiring_principals() {
    let mut nb = with_key();
    nb.exec(r#"let bob = iam::create_user("bob").User.Arn; let carol = iam::create_user("carol").User.Arn;"#);
    nb.exec(r#"let g = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, RetiringPrincipal: carol, Operations: ["Encrypt"], Constraints: #{ EncryptionContextSubset: #{ Dept: "IT" } } }); clock::advance("5m");"#);
    // EncryptionContextSubset: the request's context must include the pair (key case-insensitive).
    nb.exec(r#"as_principal("bob", || kms::encrypt(id, "ok", #{ dept: "IT", other: "x" }));"#);
    assert_eq!(nb.code(r#"as_principal("bob", || kms::encrypt(id, "no", #{ dept: "Sales" }))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("bob", || kms::encrypt(id, "no"))"#), "AccessDeniedException");
    // The grantee can't retire it (RetireGrant isn't in its operations); the retiring principal can.
    assert_eq!(nb.code(r#"as_principal("bob", || kms::retire_grant(g.GrantToken))"#), "AccessDeniedException");
    nb.exec(r#"as_principal("carol", || kms::retire_grant(g.GrantToken));"#);
    assert_eq!(nb.run("kms::list_grants(id).Grants.len()").as_int().unwrap(), 0);
    // A grantee with CreateGrant may pass on the same or fewer operations, not more.
    nb.exec(r#"let g2 = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["CreateGrant", "Decrypt"] });"#);
    nb.exec(r#"as_principal("bob", || kms::create_grant(#{ KeyId: id, GranteePrincipal: carol, Operations: ["Decrypt"], GrantTokens: [g2.GrantToken] }));"#);
    assert_eq!(nb.code(r#"as_principal("bob", || kms::create_grant(#{ KeyId: id, GranteePrincipal: carol, Operations: ["Encrypt"], GrantTokens: [g2.GrantToken] }))"#), "AccessDeniedException");
}

/// The seed's worked example: three keys, four users, `kms:Encrypt`. CMK-A has the default
/// key policy (the account root, so IAM policies count), CMK-B's key policy allows Bob and
/// Charlie and not the account, CMK-C trusts the account, gives Alice full access and
/// explicitly denies Bob, Charlie and David. IAM: Alice may use A and B, Bob has nothing,
/// Charlie may Encrypt with A, David may use B and C. ([KMS-ARCH] key-policy-default.md:
/// "Without this permission, IAM policies that allow access to the key are ineffective";
/// an explicit deny in any policy overrides any allow.)
const SEED_MATRIX: &str = include_str!("seed_matrix.rhai");

#[test]
fn seed_access_matrix_every_cell_and_its_reason() {
    let mut nb = Nb::new();
    nb.exec(SEED_MATRIX);
    nb.exec(r#"let rows = iam::access_matrix(["alice", "bob", "charlie", "david"], ["kms:Encrypt"], [cmk_a, cmk_b, cmk_c]);"#);
    let keys = ["cmk_a", "cmk_b", "cmk_c"];
    // (user, key, decision, words the reason must contain)
    let want: [(&str, usize, &str, &str); 12] = [
        ("alice", 0, "allowed", "kms-a-and-b (user)"),
        ("alice", 1, "implicitDeny", "because no resource-based policy allows the kms:Encrypt action"),
        ("alice", 2, "allowed", "statement `Full access for Alice` of key policy (resource)"),
        ("bob", 0, "implicitDeny", "because no identity-based policy allows the kms:Encrypt action"),
        ("bob", 1, "allowed", "statement `Allow Bob and Charlie` of key policy (resource)"),
        ("bob", 2, "explicitDeny", "with an explicit deny in a resource-based policy"),
        ("charlie", 0, "allowed", "encrypt-a (user)"),
        ("charlie", 1, "allowed", "statement `Allow Bob and Charlie` of key policy (resource)"),
        ("charlie", 2, "explicitDeny", "with an explicit deny in a resource-based policy"),
        ("david", 0, "implicitDeny", "because no identity-based policy allows the kms:Encrypt action"),
        ("david", 1, "implicitDeny", "because no resource-based policy allows the kms:Encrypt action"),
        ("david", 2, "explicitDeny", "with an explicit deny in a resource-based policy"),
    ];
    for (i, (user, k, decision, reason)) in want.iter().enumerate() {
        assert_eq!(nb.s(&format!("rows[{i}].Principal")), *user);
        assert_eq!(nb.s(&format!("rows[{i}].Resource")), nb.s(keys[*k]));
        assert_eq!(nb.s(&format!("rows[{i}].Decision")), *decision, "{user} x {}", keys[*k]);
        let why = nb.s(&format!("rows[{i}].Reason"));
        assert!(why.contains(reason), "{user} x {}: {why}", keys[*k]);
        // The real call agrees with the simulator, with AWS's AccessDenied wording.
        let real = nb.try_run(&format!(r#"as_principal("{user}", || kms::encrypt({}, "x"))"#, keys[*k]));
        match (*decision, real) {
            ("allowed", Ok(_)) => {}
            (_, Err(e)) if *decision != "allowed" => {
                let (code, msg) = as_aws_error(&e).expect("an AWS error");
                assert_eq!(code, "AccessDeniedException");
                assert!(msg.contains(reason), "{msg}");
            }
            (d, r) => panic!("{user} x {}: simulator says {d}, the call gave {:?}", keys[*k], r.map(|_| ())),
        }
    }
}

#[test]
fn a_deny_in_the_key_policy_stops_even_the_root_user() {
    // moto encrypts anyway; AWS doesn't: "An explicit deny in any policy overrides any allows."
    let mut nb = with_key();
    nb.exec(r#"kms::put_key_policy(id, #{ Version: "2012-10-17", Statement: [
        #{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
        #{ Sid: "No encryption", Effect: "Deny", Principal: "*", Action: "kms:Encrypt", Resource: "*" } ] });"#);
    let (code, msg) = nb.err(r#"kms::encrypt(id, "x")"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.ends_with("with an explicit deny in a resource-based policy"), "{msg}");
    nb.exec("kms::generate_data_key(id);");
}

#[test]
fn console_policy_separates_key_administrators_from_key_users() {
    let mut nb = with_key();
    nb.exec(r#"iam::create_user("alice"); iam::create_user("bob"); kms::put_key_policy(id, kms::key_policy(#{ Admins: ["alice"], Users: ["bob"] }));"#);
    // Key users use the key; they don't manage it.
    nb.exec(r#"let c = as_principal("bob", || kms::encrypt(id, "for bob"));"#);
    assert_eq!(nb.s(r#"as_principal("bob", || kms::decrypt(c.CiphertextBlob)).Plaintext.as_string()"#), "for bob");
    assert_eq!(nb.code(r#"as_principal("bob", || kms::disable_key(id))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("bob", || kms::schedule_key_deletion(id))"#), "AccessDeniedException");
    // Key administrators manage the key; they can't use it.
    assert_eq!(nb.code(r#"as_principal("alice", || kms::encrypt(id, "x"))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("alice", || kms::decrypt(c.CiphertextBlob))"#), "AccessDeniedException");
    nb.exec(r#"as_principal("alice", || kms::disable_key(id)); as_principal("alice", || kms::enable_key(id)); as_principal("alice", || kms::enable_key_rotation(id));"#);
    // Key users may create grants only for AWS resources (kms:GrantIsForAWSResource).
    assert_eq!(nb.code(r#"as_principal("bob", || kms::create_grant(#{ KeyId: id, GranteePrincipal: "arn:aws:iam::111122223333:user/alice", Operations: ["Decrypt"] }))"#), "AccessDeniedException");
}

#[test]
fn policy_lockout_safety_check() {
    let mut nb = with_key();
    nb.exec(r#"iam::create_user("alice"); iam::put_user_policy(#{ UserName: "alice", PolicyName: "kms-admin", PolicyDocument: #{ Version: "2012-10-17", Statement: [#{ Effect: "Allow", Action: "kms:*", Resource: "*" }] } });"#);
    // A policy that doesn't let Alice change it again is refused unless she bypasses the check.
    nb.exec(r#"let only_bob = kms::key_policy(#{ Users: ["bob"], IncludeRoot: false });"#);
    let (code, msg) = nb.err(r#"as_principal("alice", || kms::create_key(#{ Policy: only_bob }))"#);
    assert_eq!((code.as_str(), msg.as_str()), ("MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future."));
    assert_eq!(nb.code(r#"as_principal("alice", || kms::put_key_policy(id, only_bob))"#), "MalformedPolicyDocumentException");
    nb.exec(r#"as_principal("alice", || kms::put_key_policy(#{ KeyId: id, Policy: only_bob, BypassPolicyLockoutSafetyCheck: true }));"#);
    // Now nobody in the account can manage the key, not even the root user.
    assert_eq!(nb.code("kms::get_key_policy(id)"), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("alice", || kms::get_key_policy(id))"#), "AccessDeniedException");
}

#[test]
fn encryption_context_condition_keys_in_key_policies() {
    let mut nb = with_key();
    nb.exec(r#"iam::create_user("app"); kms::put_key_policy(id, #{ Version: "2012-10-17", Statement: [
        #{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
        #{ Sid: "App with its context", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:user/app" }, Action: ["kms:Encrypt", "kms:Decrypt"], Resource: "*",
           Condition: #{ StringEquals: #{ "kms:EncryptionContext:app": "billing" } } } ] });"#);
    nb.exec(r#"let c = as_principal("app", || kms::encrypt(id, "ok", #{ app: "billing" }));"#);
    assert_eq!(nb.code(r#"as_principal("app", || kms::encrypt(id, "no", #{ app: "crm" }))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"as_principal("app", || kms::encrypt(id, "no"))"#), "AccessDeniedException");
    assert_eq!(nb.s(r#"as_principal("app", || kms::decrypt(c.CiphertextBlob, #{ app: "billing" })).Plaintext.as_string()"#), "ok");
}

#[test]
fn aws_managed_keys_are_usable_only_through_their_service() {
    use crate::kms::ops;
    use crate::world::service;
    let mut nb = Nb::new();
    // Directly, even the root user can't encrypt with alias/aws/s3: the policy requires kms:ViaService.
    let (code, msg) = nb.err(r#"kms::encrypt("alias/aws/s3", "x")"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("because no resource-based policy allows the kms:Encrypt action"), "{msg}");
    // Through S3 (a nested call, as SSE-KMS makes it) it works, and CloudTrail says who invoked it.
    let mut w = nb.shared.lock();
    let r = w.call(&service::S3, "PutObject", serde_json::Value::Null, |c| {
        let key = ops::aws_managed_key(c, "alias/aws/s3")?;
        let req = ops::GenerateDataKeyRequest { key_id: key, key_spec: Some("AES_256".into()), ..Default::default() };
        c.nested(&service::KMS, "GenerateDataKey", serde_json::json!({ "keySpec": "AES_256" }), |c| ops::generate_data_key(c, req))
    });
    let dk = r.expect("allowed through S3");
    assert_eq!(dk.plaintext.len(), 32);
    let ev = w.trail.iter().find(|e| e.event_name == "GenerateDataKey").unwrap();
    assert_eq!(ev.user_identity.invoked_by.as_deref(), Some("s3.amazonaws.com"));
    // The EBS key allows EC2, not S3.
    let r = w.call(&service::S3, "PutObject", serde_json::Value::Null, |c| {
        let key = ops::aws_managed_key(c, "alias/aws/ebs")?;
        let req = ops::GenerateDataKeyRequest { key_id: key, key_spec: Some("AES_256".into()), ..Default::default() };
        c.nested(&service::KMS, "GenerateDataKey", serde_json::Value::Null, |c| ops::generate_data_key(c, req))
    });
    assert_eq!(r.unwrap_err().code, "AccessDeniedException");
}

// ---------------------------------------------------------------------------------------
// Asymmetric and HMAC keys (issue 12)
// ---------------------------------------------------------------------------------------

#[test]
fn asymmetric_and_hmac_key_specs_and_usages() {
    // [KMS-ARCH] "Key spec reference": RSA keys ENCRYPT_DECRYPT or SIGN_VERIFY, NIST ECC
    // SIGN_VERIFY, HMAC keys GENERATE_VERIFY_MAC.
    let mut nb = Nb::new();
    let m = nb.run(r#"kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }).KeyMetadata"#).cast::<rhai::Map>();
    assert_eq!(m["KeySpec"].to_string(), "ECC_NIST_P256");
    assert_eq!(m["CustomerMasterKeySpec"].to_string(), "ECC_NIST_P256");
    assert_eq!(m["SigningAlgorithms"].to_string(), r#"["ECDSA_SHA_256"]"#);
    assert!(!m.contains_key("EncryptionAlgorithms"), "AWS omits EncryptionAlgorithms for SIGN_VERIFY keys");
    let m = nb.run(r#"kms::create_key(#{ KeySpec: "RSA_3072", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata"#).cast::<rhai::Map>();
    assert_eq!(m["EncryptionAlgorithms"].to_string(), r#"["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]"#);
    assert!(!m.contains_key("SigningAlgorithms"));
    let m = nb.run(r#"kms::create_key(#{ KeySpec: "HMAC_384", KeyUsage: "GENERATE_VERIFY_MAC" }).KeyMetadata"#).cast::<rhai::Map>();
    assert_eq!(m["MacAlgorithms"].to_string(), r#"["HMAC_SHA_384"]"#);
    // [BOTO-MODEL] CreateKey KeyUsage: "optional when you are creating a symmetric encryption
    // KMS key; otherwise, it is required" (AWS's message, recorded by LocalStack's AWS-validated
    // test_hmac_create_key_invalid_operations).
    for spec in ["ECC_NIST_P256", "RSA_2048", "HMAC_256"] {
        let (code, msg) = nb.err(&format!(r#"kms::create_key(#{{ KeySpec: "{spec}" }})"#));
        assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."));
    }
    let (code, msg) = nb.err(r#"kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "ENCRYPT_DECRYPT" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256"));
    assert_eq!(nb.code(r#"kms::create_key(#{ KeySpec: "HMAC_256", KeyUsage: "SIGN_VERIFY" })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "GENERATE_VERIFY_MAC" })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY", Origin: "EXTERNAL" })"#), "UnsupportedOperationException");
    assert_eq!(nb.run("kms::list_keys().Keys.len()").as_int().unwrap(), 3, "failed calls create nothing");
}

#[test]
fn ecdsa_sign_verify_inside_and_outside_kms() {
    let mut nb = Nb::new();
    nb.exec(r#"
        let k = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }).KeyMetadata;
        kms::create_alias("alias/signer", k.KeyId);
        let s = kms::sign("alias/signer", "release 1.2", "ECDSA_SHA_256");
        let pk = kms::get_public_key("alias/signer");
    "#);
    assert_eq!(nb.s("s.SigningAlgorithm"), "ECDSA_SHA_256");
    assert_eq!(nb.s("s.KeyId"), nb.s("k.Arn"), "Sign returns the key ARN");
    // GetPublicKey: "The public key is a DER-encoded X.509 SubjectPublicKeyInfo (SPKI)";
    // a P-256 SPKI is 91 bytes (SEQUENCE, the id-ecPublicKey/prime256v1 OIDs, a 65-byte point).
    assert_eq!(nb.run("pk.PublicKey.len()").as_int().unwrap(), 91);
    assert_eq!(nb.run("pk.PublicKey[0]").as_int().unwrap(), 0x30);
    assert_eq!(nb.s("pk.KeyUsage"), "SIGN_VERIFY");
    assert_eq!(nb.s("pk.SigningAlgorithms"), r#"["ECDSA_SHA_256"]"#);
    assert_eq!(nb.run("s.Signature[0]").as_int().unwrap(), 0x30, "ECDSA signatures are DER-encoded (ANSI X9.62)");
    assert!(nb.run(r#"kms::verify("alias/signer", "release 1.2", s.Signature, "ECDSA_SHA_256").SignatureValid"#).as_bool().unwrap());
    assert!(nb.run(r#"kms::verify_with_public_key(pk.PublicKey, "release 1.2", s.Signature, "ECDSA_SHA_256")"#).as_bool().unwrap());
    assert!(!nb.run(r#"kms::verify_with_public_key(pk.PublicKey, "release 1.3", s.Signature, "ECDSA_SHA_256")"#).as_bool().unwrap());
    // Verify: "If the signature verification fails, the Verify operation fails with an KMSInvalidSignatureException".
    let (code, msg) = nb.err(r#"kms::verify("alias/signer", "release 1.3", s.Signature, "ECDSA_SHA_256")"#);
    assert_eq!(code, "KMSInvalidSignatureException");
    assert!(msg.starts_with("The request was rejected because the signature verification failed."), "{msg}");
    let (code, msg) = nb.err(r#"kms::sign(#{ KeyId: "alias/signer", Message: "short", MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256."));
    let (code, msg) = nb.err(r#"kms::sign("alias/signer", "m", "ECDSA_SHA_384")"#);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidKeyUsageException", "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256."));
    assert_eq!(nb.code(r#"kms::sign("alias/signer", "m", "ECDSA_SHA_999")"#), "ValidationException");
    assert_eq!(nb.code(r#"let big = blob(4097, 1); kms::sign("alias/signer", big, "ECDSA_SHA_256")"#), "ValidationException");
    let (code, msg) = nb.err(r#"kms::encrypt("alias/signer", "x")"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert_eq!(msg, format!("{} key usage is SIGN_VERIFY which is not valid for Encrypt.", nb.s("k.Arn")));
    assert_eq!(nb.code(r#"kms::enable_key_rotation("alias/signer")"#), "UnsupportedOperationException", "asymmetric keys do not rotate");
    nb.exec(r#"kms::disable_key("alias/signer");"#);
    assert_eq!(nb.code(r#"kms::sign("alias/signer", "m", "ECDSA_SHA_256")"#), "DisabledException");
}

#[test]
fn sign_digest_matches_raw_and_is_deterministic() {
    let mut nb = Nb::new();
    nb.exec(r#"
        let id = kms::create_key(#{ KeySpec: "ECC_NIST_P384", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;
        let raw = kms::sign(id, "abc", "ECDSA_SHA_384").Signature;
        let again = kms::sign(id, "abc", "ECDSA_SHA_384").Signature;
    "#);
    assert_eq!(nb.s("raw == again"), "true", "ECDSA in KMS-sim is deterministic (RFC 6979)");
    // SHA-384("abc") (FIPS 180-2 example), signed as a DIGEST, gives the RAW signature.
    nb.exec(r#"
        let digest = blob();
        for h in ["cb00753f45a35e8b", "b5a03d699ac65007", "272c32ab0eded163", "1a8b605a43ff5bed", "8086072ba1e7cc23", "58baeca134c825a7"] {
            for i in 0..8 { digest.push(parse_int(h.sub_string(i * 2, 2), 16)); }
        }
        let d = kms::sign(#{ KeyId: id, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_384" }).Signature;
    "#);
    assert_eq!(nb.s("d == raw"), "true");
    assert!(nb.run(r#"kms::verify(#{ KeyId: id, Message: digest, MessageType: "DIGEST", Signature: raw, SigningAlgorithm: "ECDSA_SHA_384" }).SignatureValid"#).as_bool().unwrap());
}

#[test]
fn rsa_signing_pss_and_pkcs1() {
    let mut nb = Nb::new();
    nb.exec(r#"let id = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId; let pk = kms::get_public_key(id).PublicKey;"#);
    assert_eq!(nb.s("kms::get_public_key(id).SigningAlgorithms.len()"), "6");
    for alg in ["RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512"] {
        nb.exec(&format!(r#"let s = kms::sign(id, "doc", "{alg}").Signature;"#));
        assert_eq!(nb.run("s.len()").as_int().unwrap(), 256, "{alg}: a 2048-bit signature");
        assert!(nb.run(&format!(r#"kms::verify_with_public_key(pk, "doc", s, "{alg}")"#)).as_bool().unwrap(), "{alg}");
        assert!(nb.run(&format!(r#"kms::verify(id, "doc", s, "{alg}").SignatureValid"#)).as_bool().unwrap(), "{alg}");
    }
    // A PKCS#1 v1.5 signature is not a valid PSS signature.
    assert_eq!(nb.code(r#"kms::verify(id, "doc", s, "RSASSA_PSS_SHA_512")"#), "KMSInvalidSignatureException");
    assert_eq!(nb.code(r#"kms::sign(id, "doc", "ECDSA_SHA_256")"#), "InvalidKeyUsageException");
    assert_eq!(nb.code(r#"kms::encrypt(#{ KeyId: id, Plaintext: "x", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#), "InvalidKeyUsageException");
}

#[test]
fn rsa_encryption_limits_and_decrypt_rules() {
    let mut nb = Nb::new();
    nb.exec(r#"let id = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;"#);
    // aws-facts §4.4: RSA_2048 with RSAES_OAEP_SHA_256 encrypts at most 190 bytes, with SHA-1 214.
    nb.exec(r#"let c = kms::encrypt(#{ KeyId: id, Plaintext: blob(190, 7), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });"#);
    assert_eq!(nb.run("c.CiphertextBlob.len()").as_int().unwrap(), 256);
    assert_eq!(nb.s("c.EncryptionAlgorithm"), "RSAES_OAEP_SHA_256");
    let (code, msg) = nb.err(r#"kms::encrypt(#{ KeyId: id, Plaintext: blob(191, 7), EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#);
    // AWS's text, recorded by LocalStack's AWS-validated test_encrypt_validate_plaintext_size_per_key_type.
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes."));
    assert!(nb.try_run(r#"kms::encrypt(#{ KeyId: id, Plaintext: blob(214, 7), EncryptionAlgorithm: "RSAES_OAEP_SHA_1" })"#).is_ok());
    assert_eq!(nb.code(r#"kms::encrypt(#{ KeyId: id, Plaintext: blob(215, 7), EncryptionAlgorithm: "RSAES_OAEP_SHA_1" })"#), "ValidationException");
    // The default SYMMETRIC_DEFAULT does not fit an RSA key.
    let (code, msg) = nb.err(r#"kms::encrypt(id, "x")"#);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048."));
    assert_eq!(nb.code(r#"kms::encrypt(#{ KeyId: id, Plaintext: "x", EncryptionAlgorithm: "RSAES_OAEP_SHA_1", EncryptionContext: #{ a: "b" } })"#), "ValidationException");
    // Decrypt: KeyId and EncryptionAlgorithm are needed for an asymmetric ciphertext.
    let p = nb.run(r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: id, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }).Plaintext"#).cast::<rhai::Blob>();
    assert_eq!(p, vec![7u8; 190]);
    assert_eq!(nb.code(r#"kms::decrypt(c.CiphertextBlob)"#), "InvalidCiphertextException");
    assert_eq!(nb.code(r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: id, EncryptionAlgorithm: "RSAES_OAEP_SHA_1" })"#), "InvalidCiphertextException");
    assert_eq!(nb.code(r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: id })"#), "InvalidKeyUsageException");
    // Data keys come only from symmetric encryption keys.
    let (code, msg) = nb.err(r#"kms::generate_data_key(id)"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert!(msg.ends_with("key spec is RSA_2048 which is not valid for GenerateDataKey."), "{msg}");
    assert_eq!(nb.code(r#"kms::sign(id, "m", "RSASSA_PSS_SHA_256")"#), "InvalidKeyUsageException");
    assert_eq!(nb.code(r#"kms::get_key_rotation_status(id)"#), "UnsupportedOperationException");
    // Grants must name operations the key can perform ([KMS-ARCH] grants: ValidationError).
    assert_eq!(nb.code(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: "111122223333", Operations: ["GenerateDataKey"] })"#), "ValidationError");
    assert!(nb.try_run(r#"kms::create_grant(#{ KeyId: id, GranteePrincipal: "111122223333", Operations: ["Decrypt", "GetPublicKey"] })"#).is_ok());
}

#[test]
fn hmac_generate_and_verify() {
    let mut nb = Nb::new();
    nb.exec(r#"
        let id = kms::create_key(#{ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }).KeyMetadata.KeyId;
        let m = kms::generate_mac(#{ KeyId: id, Message: "token", MacAlgorithm: "HMAC_SHA_256" });
    "#);
    assert_eq!(nb.run("m.Mac.len()").as_int().unwrap(), 32);
    assert!(nb.run(r#"kms::verify_mac(#{ KeyId: id, Message: "token", Mac: m.Mac, MacAlgorithm: "HMAC_SHA_256" }).MacValid"#).as_bool().unwrap());
    let (code, msg) = nb.err(r#"kms::verify_mac(#{ KeyId: id, Message: "tokeN", Mac: m.Mac, MacAlgorithm: "HMAC_SHA_256" })"#);
    assert_eq!(code, "KMSInvalidMacException");
    assert!(msg.starts_with("The request was rejected because the HMAC verification failed."), "{msg}");
    assert_eq!(nb.code(r#"kms::generate_mac(#{ KeyId: id, Message: "t", MacAlgorithm: "HMAC_SHA_512" })"#), "InvalidKeyUsageException");
    assert_eq!(nb.code(r#"kms::generate_mac(#{ KeyId: id, Message: "t", MacAlgorithm: "HMAC_MD5" })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::get_public_key(id)"#), "UnsupportedOperationException");
    assert_eq!(nb.code(r#"kms::encrypt(id, "x")"#), "InvalidKeyUsageException");
    nb.exec(r#"let sym = kms::create_key("s").KeyMetadata.KeyId;"#);
    let (code, msg) = nb.err(r#"kms::generate_mac(#{ KeyId: sym, Message: "t", MacAlgorithm: "HMAC_SHA_256" })"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert!(msg.ends_with("key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac."), "{msg}");
    assert_eq!(nb.code(r#"kms::get_public_key(sym)"#), "UnsupportedOperationException");
}

#[test]
fn key_pairs_survive_save_and_load() {
    let mut nb = Nb::new();
    nb.exec(r#"
        let id = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;
        let pk = kms::get_public_key(id).PublicKey;
        let saved = world::save();
        world::reset();
        world::load(saved);
    "#);
    assert_eq!(nb.s("world::save() == saved"), "true", "save -> load -> save is identical");
    assert_eq!(nb.s("kms::get_public_key(id).PublicKey == pk"), "true");
    assert!(nb.run(r#"kms::verify_with_public_key(pk, "m", kms::sign(id, "m", "ECDSA_SHA_256").Signature, "ECDSA_SHA_256")"#).as_bool().unwrap());
}

// ---------------------------------------------------------------------------------------
// Multi-Region keys (issue 12)
// ---------------------------------------------------------------------------------------

fn with_mrk() -> Nb {
    let mut nb = Nb::new();
    nb.exec(r#"
        let k = kms::create_key(#{ MultiRegion: true, Description: "orders" }).KeyMetadata;
        let id = k.KeyId;
        let rep = kms::replicate_key(#{ KeyId: id, ReplicaRegion: "eu-west-1", Description: "orders (EU)" });
    "#);
    nb
}

#[test]
fn replicate_key_shares_id_and_material() {
    let mut nb = with_mrk();
    // [KMS-ARCH] multi-region-keys-overview: related keys have "the same key ID and key material".
    assert!(nb.s("id").starts_with("mrk-") && nb.s("id").len() == 36);
    assert_eq!(nb.s("rep.ReplicaKeyMetadata.KeyId"), nb.s("id"));
    assert_eq!(nb.s("rep.ReplicaKeyMetadata.Arn"), format!("arn:aws:kms:eu-west-1:111122223333:key/{}", nb.s("id")));
    assert_eq!(nb.s("rep.ReplicaKeyMetadata.MultiRegionConfiguration.MultiRegionKeyType"), "REPLICA");
    assert_eq!(nb.s("rep.ReplicaKeyMetadata.MultiRegionConfiguration.PrimaryKey.Region"), "us-east-1");
    assert_eq!(nb.s("rep.ReplicaKeyMetadata.Description"), "orders (EU)");
    assert!(nb.s("rep.ReplicaPolicy").contains("key-default-1"));
    // The primary now lists its replica.
    let cfg = nb.run("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration").cast::<rhai::Map>();
    assert_eq!(cfg["MultiRegionKeyType"].to_string(), "PRIMARY");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.ReplicaKeys[0].Region"), "eu-west-1");
    // A ciphertext from us-east-1 decrypts in eu-west-1 and back.
    nb.exec(r#"let c = kms::encrypt(id, "order 42", #{ tenant: "a" }); world::set_region("eu-west-1");"#);
    assert_eq!(nb.s(r#"kms::decrypt(c.CiphertextBlob, #{ tenant: "a" }).Plaintext.as_string()"#), "order 42");
    assert_eq!(nb.s(r#"kms::decrypt(c.CiphertextBlob, #{ tenant: "a" }).KeyId"#), nb.s("rep.ReplicaKeyMetadata.Arn"), "decrypted by the replica");
    nb.exec(r#"let back = kms::encrypt(id, "from the EU"); world::set_region("us-east-1");"#);
    assert_eq!(nb.s("kms::decrypt(back.CiphertextBlob).Plaintext.as_string()"), "from the EU");
    // A single-Region key's ciphertext does not decrypt in another Region.
    nb.exec(r#"let single = kms::create_key("single").KeyMetadata.KeyId; let c2 = kms::encrypt(single, "x"); world::set_region("eu-west-1");"#);
    assert_eq!(nb.code("kms::decrypt(c2.CiphertextBlob)"), "AccessDeniedException");
}

#[test]
fn replicate_key_errors() {
    let mut nb = with_mrk();
    assert_eq!(nb.code(r#"kms::replicate_key(id, "eu-west-1")"#), "AlreadyExistsException");
    assert_eq!(nb.code(r#"kms::replicate_key(id, "us-east-1")"#), "AlreadyExistsException");
    assert_eq!(nb.code(r#"kms::replicate_key(id, "mars-north-1")"#), "ValidationException");
    nb.exec(r#"let single = kms::create_key("single").KeyMetadata.KeyId;"#);
    let (code, msg) = nb.err(r#"kms::replicate_key(single, "eu-west-1")"#);
    assert_eq!(code, "UnsupportedOperationException");
    assert!(msg.ends_with("is not a multi-Region key."), "{msg}");
    // A replica cannot be replicated, and it is not rotated on its own.
    nb.exec(r#"world::set_region("eu-west-1");"#);
    assert_eq!(nb.code(r#"kms::replicate_key(id, "us-west-2")"#), "UnsupportedOperationException");
    assert_eq!(nb.code(r#"kms::enable_key_rotation(id)"#), "UnsupportedOperationException");
    nb.exec(r#"world::set_region("us-east-1"); kms::disable_key(id);"#);
    assert_eq!(nb.code(r#"kms::replicate_key(id, "us-west-2")"#), "DisabledException");
    nb.exec(r#"world::set_region("us-west-2");"#);
    assert_eq!(nb.run("kms::list_keys().Keys.len()").as_int().unwrap(), 0, "failed replications create nothing");
}

#[test]
fn rotation_of_the_primary_reaches_replicas() {
    let mut nb = with_mrk();
    nb.exec(r#"kms::rotate_key_on_demand(id); let c = kms::encrypt(id, "after rotation"); world::set_region("eu-west-1");"#);
    assert_eq!(nb.s("kms::decrypt(c.CiphertextBlob).Plaintext.as_string()"), "after rotation");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.CurrentKeyMaterialId"), {
        nb.exec(r#"world::set_region("us-east-1");"#);
        nb.s("kms::describe_key(id).KeyMetadata.CurrentKeyMaterialId")
    });
}

#[test]
fn update_primary_region_swaps_roles() {
    let mut nb = with_mrk();
    nb.exec(r#"kms::enable_key_rotation(id); kms::update_primary_region(id, "eu-west-1");"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType"), "REPLICA");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.PrimaryKey.Region"), "eu-west-1");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.ReplicaKeys[0].Region"), "us-east-1");
    assert_eq!(nb.code(r#"kms::update_primary_region(id, "eu-west-1")"#), "UnsupportedOperationException", "only the primary can hand over");
    nb.exec(r#"world::set_region("eu-west-1");"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType"), "PRIMARY");
    assert_eq!(nb.s("kms::get_key_rotation_status(id).KeyRotationEnabled"), "true", "rotation moves with the primary role");
    assert_eq!(nb.code(r#"kms::update_primary_region(id, "ap-south-1")"#), "NotFoundException");
}

#[test]
fn deleting_a_primary_waits_for_its_replicas() {
    // [KMS-ARCH] key-state: "PendingReplicaDeletion ... until its replica keys are deleted";
    // ScheduleKeyDeletion: the deletion date "isn't known until its last replica key is deleted".
    let mut nb = with_mrk();
    let r = nb.run("kms::schedule_key_deletion(id, 7)").cast::<rhai::Map>();
    assert_eq!(r["KeyState"].to_string(), "PendingReplicaDeletion");
    assert!(!r.contains_key("DeletionDate"));
    // [BOTO-MODEL] KeyMetadata.PendingDeletionWindowInDays: present only in this state.
    assert_eq!(nb.run("kms::describe_key(id).KeyMetadata.PendingDeletionWindowInDays").as_int().unwrap(), 7);
    assert_eq!(nb.code(r#"kms::encrypt(id, "x")"#), "KMSInvalidStateException");
    nb.exec(r#"world::set_region("eu-west-1"); kms::schedule_key_deletion(id, 7); clock::advance("7d");"#);
    assert_eq!(nb.code("kms::describe_key(id)"), "NotFoundException", "the replica is gone after its 7 days");
    nb.exec(r#"world::set_region("us-east-1");"#);
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.KeyState"), "PendingDeletion");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.DeletionDate"), "2026-01-15T00:00:00Z", "its own 7 days start when the last replica is deleted");
    assert_eq!(nb.run("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.ReplicaKeys.len()").as_int().unwrap(), 0);
    nb.exec(r#"clock::advance("7d");"#);
    assert_eq!(nb.code("kms::describe_key(id)"), "NotFoundException");
}

#[test]
fn multi_region_keys_survive_save_and_load() {
    let mut nb = with_mrk();
    nb.exec(r#"let c = kms::encrypt(id, "kept"); let saved = world::save(); world::reset(); world::load(saved);"#);
    assert_eq!(nb.s("world::save() == saved"), "true");
    nb.exec(r#"world::set_region("eu-west-1");"#);
    assert_eq!(nb.s("kms::decrypt(c.CiphertextBlob).Plaintext.as_string()"), "kept");
    assert_eq!(nb.s("kms::describe_key(id).KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType"), "REPLICA");
}

#[test]
fn sign_and_verify_are_separate_permissions() {
    // [KMS-ARCH] "kms:Sign" and "kms:Verify" are separate actions; kms:SigningAlgorithm is a
    // condition key of both.
    let mut nb = Nb::new();
    nb.exec(r#"
        let id = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;
        let s = kms::sign(id, "m", "ECDSA_SHA_256").Signature;
        iam::create_user("vera");
        iam::put_user_policy(#{ UserName: "vera", PolicyName: "verify-only", PolicyDocument: #{
            Version: "2012-10-17",
            Statement: [#{ Effect: "Allow", Action: ["kms:Verify", "kms:GetPublicKey"], Resource: "*",
                           Condition: #{ StringEquals: #{ "kms:SigningAlgorithm": "ECDSA_SHA_256" } } },
                        #{ Effect: "Allow", Action: "kms:GetPublicKey", Resource: "*" }] } });
    "#);
    assert!(nb.run(r#"as_principal("vera", || kms::verify(id, "m", s, "ECDSA_SHA_256")).SignatureValid"#).as_bool().unwrap());
    assert_eq!(nb.run(r#"as_principal("vera", || kms::get_public_key(id)).PublicKey.len()"#).as_int().unwrap(), 91);
    let (code, msg) = nb.err(r#"as_principal("vera", || kms::sign(id, "m", "ECDSA_SHA_256"))"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("is not authorized to perform: kms:Sign on resource: "), "{msg}");
}

/// [KMS-API ListAliases] "The response might also include aliases that have no TargetKeyId
/// field. These are predefined aliases that Amazon Web Services has created but has not yet
/// associated with a KMS key."; an AWS managed key is created on first use by its service.
#[test]
fn predefined_aliases_are_listed_until_associated() {
    let mut nb = Nb::new();
    nb.exec("let fresh = kms::list_aliases().Aliases;");
    assert_eq!(
        nb.run("fresh.map(|a| a.AliasName)").to_string(),
        r#"["alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/lambda", "alias/aws/rds", "alias/aws/s3", "alias/aws/secretsmanager", "alias/aws/ssm"]"#
    );
    assert_eq!(nb.run("fresh.filter(|a| a.TargetKeyId != () || a.CreationDate != () || a.LastUpdatedDate != ()).len()").as_int().unwrap(), 0);
    assert_eq!(nb.s("fresh[4].AliasArn"), "arn:aws:kms:us-east-1:111122223333:alias/aws/s3");
    // S3 uses its AWS managed key: the alias now names it, in its place in the order.
    nb.exec(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "x", ServerSideEncryption: "aws:kms" });
        let now = kms::list_aliases().Aliases; let mine = kms::create_key().KeyMetadata.KeyId; kms::create_alias("alias/app", mine);"#);
    assert_eq!(nb.run("now.len()").as_int().unwrap(), 7);
    assert_eq!(nb.s("now[4].AliasName"), "alias/aws/s3");
    assert_eq!(nb.s("now[4].TargetKeyId"), nb.s(r#"kms::describe_key("alias/aws/s3").KeyMetadata.KeyId"#));
    assert_eq!(nb.run("kms::list_aliases().Aliases[0].AliasName").to_string(), "alias/app");
    // Listing one key's aliases shows only that key's.
    assert_eq!(nb.run("kms::list_aliases(#{ KeyId: mine }).Aliases.map(|a| a.AliasName)").to_string(), r#"["alias/app"]"#);
}

// ---------------------------------------------------------------------------------------
// Data key pairs and ReEncrypt with RSA keys
// ---------------------------------------------------------------------------------------

/// The DER SubjectPublicKeyInfo of a DER PKCS#8 private key of `spec`, computed here with the
/// curve crates directly (not through the code under test).
fn public_of(spec: &str, private: &[u8]) -> Vec<u8> {
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let der = match spec {
        "RSA_2048" => rsa::RsaPublicKey::from(rsa::RsaPrivateKey::from_pkcs8_der(private).unwrap()).to_public_key_der(),
        "ECC_NIST_P256" => p256::SecretKey::from_pkcs8_der(private).unwrap().public_key().to_public_key_der(),
        "ECC_NIST_P384" => p384::SecretKey::from_pkcs8_der(private).unwrap().public_key().to_public_key_der(),
        "ECC_NIST_P521" => p521::SecretKey::from_pkcs8_der(private).unwrap().public_key().to_public_key_der(),
        "ECC_SECG_P256K1" => k256::SecretKey::from_pkcs8_der(private).unwrap().public_key().to_public_key_der(),
        other => panic!("no such spec {other}"),
    };
    der.unwrap().as_bytes().to_vec()
}

#[test]
fn data_key_pairs_of_rsa_2048_and_every_curve() {
    // [BOTO-MODEL] GenerateDataKeyPair: "The public key is a DER-encoded X.509
    // SubjectPublicKeyInfo ... The private key is a DER-encoded PKCS8 PrivateKeyInfo", and a
    // copy of the private key encrypted under the symmetric KMS key, decrypted with Decrypt.
    let mut nb = with_key();
    for spec in ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"] {
        nb.exec(&format!(r#"let kp = kms::generate_data_key_pair(#{{ KeyId: "alias/demo", KeyPairSpec: "{spec}", EncryptionContext: #{{ app: "signer" }} }});"#));
        assert_eq!(nb.s("kp.KeyPairSpec"), spec);
        assert_eq!(nb.s("kp.KeyId"), nb.s("arn"));
        assert_eq!(nb.s("kp.KeyMaterialId"), nb.s("kms::list_key_rotations(#{ KeyId: id, IncludeKeyMaterial: \"ALL_KEY_MATERIAL\" }).Rotations[0].KeyMaterialId"));
        let private = nb.run("kp.PrivateKeyPlaintext").cast::<rhai::Blob>();
        let public = nb.run("kp.PublicKey").cast::<rhai::Blob>();
        assert_eq!(public_of(spec, &private), public, "{spec}: the public key is the private key's");
        assert!(nb.run(r#"kms::decrypt(kp.PrivateKeyCiphertextBlob, #{ app: "signer" }).Plaintext == kp.PrivateKeyPlaintext"#).as_bool().unwrap());
        assert_eq!(nb.code("kms::decrypt(kp.PrivateKeyCiphertextBlob)"), "InvalidCiphertextException", "the context is bound");
        // Without plaintext: the public key and the encrypted private key only.
        nb.exec(&format!(r#"let wp = kms::generate_data_key_pair_without_plaintext(id, "{spec}");"#));
        assert_eq!(nb.s("wp.keys()"), r#"["KeyId", "KeyMaterialId", "KeyPairSpec", "PrivateKeyCiphertextBlob", "PublicKey"]"#);
        let private = nb.run("kms::decrypt(wp.PrivateKeyCiphertextBlob).Plaintext").cast::<rhai::Blob>();
        assert_eq!(public_of(spec, &private), nb.run("wp.PublicKey").cast::<rhai::Blob>());
        assert_eq!(nb.s("wp.PublicKey != kp.PublicKey"), "true", "every call makes a new pair");
    }
    let bits = {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let der = nb.run(r#"kms::decrypt(kms::generate_data_key_pair_without_plaintext(id, "RSA_2048").PrivateKeyCiphertextBlob).Plaintext"#).cast::<rhai::Blob>();
        rsa::RsaPrivateKey::from_pkcs8_der(&der).unwrap().size() * 8
    };
    assert_eq!(bits, 2048);
    // The same seed gives the same pair (a simulator: reproducible, never secret).
    let mut again = with_key();
    let first = |nb: &mut Nb| nb.run(r#"kms::generate_data_key_pair(id, "ECC_NIST_P256").PublicKey"#).cast::<rhai::Blob>();
    assert_eq!(first(&mut with_key()), first(&mut again));
}

#[test]
fn data_key_pair_errors_conditions_grants_and_audit() {
    let mut nb = with_key();
    // Every KeyPairSpec of the API is validated; those not modelled are refused plainly.
    let (code, msg) = nb.err(r#"kms::generate_data_key_pair(id, "RSA_1024")"#);
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048,"), "{msg}");
    for spec in ["SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_768"] {
        assert_eq!(nb.code(&format!(r#"kms::generate_data_key_pair(id, "{spec}")"#)), "UnsupportedOperationException", "{spec}");
    }
    assert_eq!(nb.code(r#"kms::generate_data_key_pair(#{ KeyId: id })"#), "ValidationException", "KeyPairSpec is required");
    // "You cannot use an asymmetric KMS key": InvalidKeyUsageException, as for GenerateDataKey.
    nb.exec(r#"let rsa_key = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;
               let mac_key = kms::create_key(#{ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }).KeyMetadata.KeyId;"#);
    let (code, msg) = nb.err(r#"kms::generate_data_key_pair(rsa_key, "ECC_NIST_P256")"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert!(msg.ends_with("key spec is RSA_2048 which is not valid for GenerateDataKeyPair."), "{msg}");
    let (code, msg) = nb.err(r#"kms::generate_data_key_pair_without_plaintext(mac_key, "ECC_NIST_P256")"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert!(msg.ends_with("key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyPairWithoutPlaintext."), "{msg}");
    assert_eq!(nb.code(r#"kms::generate_data_key_pair(#{ KeyId: id, KeyPairSpec: "ECC_NIST_P256", DryRun: true })"#), "DryRunOperationException");
    nb.exec("kms::disable_key(id);");
    assert_eq!(nb.code(r#"kms::generate_data_key_pair(id, "ECC_NIST_P256")"#), "DisabledException");
    nb.exec("kms::enable_key(id);");
    // kms:DataKeyPairSpec is the request's KeyPairSpec; kms:EncryptionAlgorithm is
    // SYMMETRIC_DEFAULT for every GenerateDataKey* operation ([KMS-ARCH] conditions-kms).
    nb.exec(r#"iam::create_user("app"); kms::put_key_policy(id, #{ Version: "2012-10-17", Statement: [
        #{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
        #{ Sid: "ECC signing pairs only", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:user/app" }, Action: "kms:GenerateDataKeyPair*", Resource: "*",
           Condition: #{ StringEquals: #{ "kms:DataKeyPairSpec": "ECC_NIST_P256", "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT" } } },
        #{ Sid: "Data keys", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:user/app" }, Action: "kms:GenerateDataKey", Resource: "*",
           Condition: #{ StringEquals: #{ "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT" } } } ] });"#);
    assert!(nb.try_run(r#"as_principal("app", || kms::generate_data_key_pair(id, "ECC_NIST_P256"))"#).is_ok());
    assert!(nb.try_run(r#"as_principal("app", || kms::generate_data_key(id))"#).is_ok());
    let (code, msg) = nb.err(r#"as_principal("app", || kms::generate_data_key_pair(id, "RSA_2048"))"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("is not authorized to perform: kms:GenerateDataKeyPair on resource: "), "{msg}");
    // A grant for GenerateDataKeyPairWithoutPlaintext allows that and nothing else.
    nb.exec(r#"let bob = iam::create_user("bob").User.Arn; let g = kms::create_grant(#{ KeyId: id, GranteePrincipal: bob, Operations: ["GenerateDataKeyPairWithoutPlaintext"] });"#);
    assert!(nb.try_run(r#"as_principal("bob", || kms::generate_data_key_pair_without_plaintext(#{ KeyId: id, KeyPairSpec: "ECC_NIST_P384", GrantTokens: [g.GrantToken] }))"#).is_ok());
    assert_eq!(nb.code(r#"as_principal("bob", || kms::generate_data_key_pair(#{ KeyId: id, KeyPairSpec: "ECC_NIST_P384", GrantTokens: [g.GrantToken] }))"#), "AccessDeniedException");
    // CloudTrail: the operation's name and parameters, never the keys.
    nb.exec(r#"kms::generate_data_key_pair(#{ KeyId: "alias/demo", KeyPairSpec: "ECC_NIST_P521", EncryptionContext: #{ app: "audit" } });
               let ev = world::trail()[-1];"#);
    assert_eq!(nb.s("ev.eventName"), "GenerateDataKeyPair");
    assert_eq!(nb.s("[ev.requestParameters.keyId, ev.requestParameters.keyPairSpec, ev.requestParameters.encryptionContext.app]"), r#"["alias/demo", "ECC_NIST_P521", "audit"]"#);
    assert_eq!(nb.s("ev.resources[0].ARN"), nb.s("arn"));
    assert_eq!(nb.s("[ev.readOnly, ev.responseElements]"), "[true, ()]");
}

#[test]
fn reencrypt_from_and_to_rsa_keys() {
    // [BOTO-MODEL] ReEncrypt: "If your ciphertext was encrypted under an asymmetric KMS key,
    // you must use the SourceKeyId parameter ... You must also supply the encryption
    // algorithm"; "If the destination KMS key is an asymmetric KMS key, you must also provide
    // the encryption algorithm"; the key material ids are "present only when" the side is a
    // symmetric encryption key.
    let mut nb = with_key();
    nb.exec(r#"let rsa_key = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;
               let c = kms::encrypt(#{ KeyId: rsa_key, Plaintext: "for the record", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" });"#);
    // RSA -> symmetric.
    nb.exec(r#"let r = kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_256",
               DestinationKeyId: "alias/demo", DestinationEncryptionContext: #{ dept: "audit" } });"#);
    assert_eq!(nb.s("[r.SourceEncryptionAlgorithm, r.DestinationEncryptionAlgorithm]"), r#"["RSAES_OAEP_SHA_256", "SYMMETRIC_DEFAULT"]"#);
    assert_eq!(nb.s(r#"[r.contains("SourceKeyMaterialId"), r.DestinationKeyMaterialId.len()]"#), "[false, 64]");
    assert!(nb.s("r.SourceKeyId").ends_with(&nb.s("rsa_key")));
    assert_eq!(nb.s("r.KeyId"), nb.s("arn"));
    assert_eq!(nb.s(r#"kms::decrypt(r.CiphertextBlob, #{ dept: "audit" }).Plaintext.as_string()"#), "for the record");
    // What the RSA source needs: its key, its algorithm, no context.
    assert_eq!(nb.code(r#"kms::re_encrypt(c.CiphertextBlob, id)"#), "InvalidCiphertextException", "an RSA ciphertext names no key");
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceKeyId: rsa_key, DestinationKeyId: id })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048."));
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_1", DestinationKeyId: id })"#), "InvalidCiphertextException");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_256", SourceEncryptionContext: #{ a: "b" }, DestinationKeyId: id })"#), "ValidationException");
    // A symmetric blob named with an RSA SourceKeyId is not that key's RSA ciphertext.
    nb.exec(r#"let sym = kms::encrypt(id, "short");"#);
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_256", DestinationKeyId: id })"#), "InvalidCiphertextException");
    // Symmetric -> RSA: the destination algorithm is required, no destination context.
    let (code, msg) = nb.err(r#"kms::re_encrypt(sym.CiphertextBlob, rsa_key)"#);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048."));
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_1", DestinationEncryptionContext: #{ a: "b" } })"#), "ValidationException");
    nb.exec(r#"let r2 = kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_1" });"#);
    assert_eq!(nb.s(r#"[r2.SourceKeyMaterialId.len(), r2.contains("DestinationKeyMaterialId"), r2.DestinationEncryptionAlgorithm, r2.CiphertextBlob.len()]"#), r#"[64, false, "RSAES_OAEP_SHA_1", 256]"#);
    assert_eq!(nb.s(r#"kms::decrypt(#{ CiphertextBlob: r2.CiphertextBlob, KeyId: rsa_key, EncryptionAlgorithm: "RSAES_OAEP_SHA_1" }).Plaintext.as_string()"#), "short");
    // RSA -> RSA on the same key, changing the algorithm.
    nb.exec(r#"let r3 = kms::re_encrypt(#{ CiphertextBlob: r2.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_1", DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_256" });"#);
    assert_eq!(nb.s(r#"kms::decrypt(#{ CiphertextBlob: r3.CiphertextBlob, KeyId: rsa_key, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }).Plaintext.as_string()"#), "short");
    // The plaintext must fit the destination: RSA_2048 with SHA-256 takes at most 190 bytes.
    nb.exec(r#"let big = kms::encrypt(id, blob(191, 1));"#);
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: big.CiphertextBlob, DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes."));
    // Decrypt with an RSA key reports no KeyMaterialId; with a symmetric key it does.
    assert_eq!(nb.s(r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: rsa_key, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }).contains("KeyMaterialId")"#), "false");
    assert_eq!(nb.s(r#"kms::decrypt(sym.CiphertextBlob).KeyMaterialId.len()"#), "64");
    // A key that cannot have made the ciphertext, named as its source: IncorrectKeyException
    // (LocalStack's test_re_encrypt_incorrect_source_key, recorded against AWS), for ReEncrypt
    // and Decrypt alike.
    nb.exec(r#"let mac_key = kms::create_key(#{ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }).KeyMetadata.KeyId;"#);
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, SourceKeyId: mac_key, DestinationKeyId: id })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation."));
    assert_eq!(nb.code(r#"kms::decrypt(#{ CiphertextBlob: sym.CiphertextBlob, KeyId: mac_key })"#), "IncorrectKeyException");
    // A SIGN_VERIFY key is neither a source nor a destination.
    nb.exec(r#"let signer = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;"#);
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, DestinationKeyId: signer, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert!(msg.ends_with("key usage is SIGN_VERIFY which is not valid for ReEncrypt."), "{msg}");
}

#[test]
fn reencrypt_encryption_algorithm_condition_is_per_side() {
    // kms:EncryptionAlgorithm on ReEncrypt: the simulator compares the source algorithm for
    // kms:ReEncryptFrom and the destination algorithm for kms:ReEncryptTo (AWS lists the key
    // for both actions without saying which parameter each sees).
    let mut nb = with_key();
    nb.exec(r#"let rsa_key = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;
               kms::put_key_policy(rsa_key, #{ Version: "2012-10-17", Statement: [
        #{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: #{ AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" },
        #{ Sid: "No SHA-1", Effect: "Deny", Principal: "*", Action: "kms:ReEncrypt*", Resource: "*",
           Condition: #{ StringEquals: #{ "kms:EncryptionAlgorithm": "RSAES_OAEP_SHA_1" } } } ] });
               let sym = kms::encrypt(id, "x");"#);
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_1" })"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("kms:ReEncryptTo") && msg.contains("with an explicit deny"), "{msg}");
    nb.exec(r#"let ok = kms::re_encrypt(#{ CiphertextBlob: sym.CiphertextBlob, DestinationKeyId: rsa_key, DestinationEncryptionAlgorithm: "RSAES_OAEP_SHA_256" });"#);
    // Out of the RSA key: the source side's algorithm is what counts.
    assert!(nb.try_run(r#"kms::re_encrypt(#{ CiphertextBlob: ok.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_256", DestinationKeyId: id })"#).is_ok());
    nb.exec(r#"let old = kms::encrypt(#{ KeyId: rsa_key, Plaintext: "x", EncryptionAlgorithm: "RSAES_OAEP_SHA_1" });"#);
    let (code, msg) = nb.err(r#"kms::re_encrypt(#{ CiphertextBlob: old.CiphertextBlob, SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_1", DestinationKeyId: id })"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("kms:ReEncryptFrom") && msg.contains("with an explicit deny"), "{msg}");
}

#[test]
fn dry_runs_that_ignore_the_ciphertext() {
    // [BOTO-MODEL] Decrypt/ReEncrypt DryRunModifiers: "When set to IGNORE_CIPHERTEXT, KMS
    // performs only authorization validation without ciphertext validation"; KeyId
    // (SourceKeyId) "is required ... when DryRun is true and DryRunModifiers is set to
    // IGNORE_CIPHERTEXT"; the modifiers "only apply when DryRun is set to true".
    let mut nb = with_key();
    let dry = r#"#{ KeyId: id, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] }"#;
    let (code, msg) = nb.err(&format!("kms::decrypt({dry})"));
    assert_eq!((code.as_str(), msg.as_str()), ("DryRunOperationException", "The request would have succeeded, but the DryRun option is set."));
    let (code, msg) = nb.err(r#"kms::decrypt(#{ DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "KeyId is required when DryRun is true and DryRunModifiers is IGNORE_CIPHERTEXT."));
    assert_eq!(nb.code(r#"kms::decrypt(#{ KeyId: id, DryRun: true, DryRunModifiers: ["IGNORE_KEY"] })"#), "ValidationException");
    // A ciphertext that is given is still validated; the named key must be able to decrypt.
    assert_eq!(nb.code(r#"kms::decrypt(#{ KeyId: id, CiphertextBlob: blob(7000, 1), DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "ValidationException");
    nb.exec(r#"let mac_key = kms::create_key(#{ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }).KeyMetadata.KeyId;"#);
    assert_eq!(nb.code(r#"kms::decrypt(#{ KeyId: mac_key, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "InvalidKeyUsageException");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ SourceKeyId: mac_key, DestinationKeyId: id, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "InvalidKeyUsageException");
    // Without DryRun the ciphertext is needed; without the modifier a dry run reads it.
    let (code, msg) = nb.err(r#"kms::decrypt(#{ KeyId: id, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("at 'ciphertextBlob' failed to satisfy constraint"), "{msg}");
    assert_eq!(nb.code(r#"kms::decrypt(#{ KeyId: id, CiphertextBlob: blob(40, 1), DryRun: true })"#), "InvalidCiphertextException");
    // It still checks access: Bob may not decrypt with the key.
    nb.exec(r#"iam::create_user("bob");"#);
    assert_eq!(nb.code(&format!(r#"as_principal("bob", || kms::decrypt({dry}))"#)), "AccessDeniedException");
    // ReEncrypt: SourceKeyId names the source; the destination is checked as usual.
    nb.exec(r#"let k2 = kms::create_key().KeyMetadata.KeyId;"#);
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ SourceKeyId: id, DestinationKeyId: k2, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "DryRunOperationException");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ DestinationKeyId: k2, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "ValidationException");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ SourceKeyId: id, DestinationKeyId: "alias/none", DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "NotFoundException");
    nb.exec("kms::disable_key(k2);");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ SourceKeyId: id, DestinationKeyId: k2, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "DisabledException");
    // An RSA source works the same way.
    nb.exec(r#"let rsa_key = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;"#);
    assert_eq!(nb.code(r#"kms::decrypt(#{ KeyId: rsa_key, EncryptionAlgorithm: "RSAES_OAEP_SHA_256", DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "DryRunOperationException");
    assert_eq!(nb.code(r#"kms::re_encrypt(#{ SourceKeyId: rsa_key, SourceEncryptionAlgorithm: "RSAES_OAEP_SHA_1", DestinationKeyId: id, DryRun: true, DryRunModifiers: ["IGNORE_CIPHERTEXT"] })"#), "DryRunOperationException");
}

// ---------------------------------------------------------------------------------------
// P-521 and secp256k1 signing keys; key agreement (DeriveSharedSecret)
// ---------------------------------------------------------------------------------------

#[test]
fn p521_and_secp256k1_signing_keys() {
    // [KMS-ARCH] "Key spec reference": ECC_NIST_P521 signs with ECDSA_SHA_512, ECC_SECG_P256K1
    // with ECDSA_SHA_256 (AWS's recorded DescribeKey of a P-521 key: LocalStack's
    // test_import_key_ecc_keys[ECC_NIST_P521]).
    use p256::ecdsa::signature::Verifier;
    use rsa::pkcs8::DecodePublicKey;
    let mut nb = Nb::new();
    for (spec, alg) in [("ECC_NIST_P521", "ECDSA_SHA_512"), ("ECC_SECG_P256K1", "ECDSA_SHA_256")] {
        nb.exec(&format!(r#"let k = kms::create_key(#{{ KeySpec: "{spec}", KeyUsage: "SIGN_VERIFY" }}).KeyMetadata;
            let s = kms::sign(k.KeyId, "release 2.0", "{alg}"); let pk = kms::get_public_key(k.KeyId);"#));
        assert_eq!(nb.s("[k.KeySpec, k.CustomerMasterKeySpec, k.KeyUsage]"), format!(r#"["{spec}", "{spec}", "SIGN_VERIFY"]"#));
        assert_eq!(nb.s("k.SigningAlgorithms"), format!(r#"["{alg}"]"#));
        assert_eq!(nb.s("pk.SigningAlgorithms"), format!(r#"["{alg}"]"#));
        assert_eq!(nb.s("[k.keys().contains(\"KeyAgreementAlgorithms\"), pk.keys().contains(\"KeyAgreementAlgorithms\")]"), "[false, false]");
        assert!(nb.run(&format!(r#"kms::verify(k.KeyId, "release 2.0", s.Signature, "{alg}").SignatureValid"#)).as_bool().unwrap());
        assert!(nb.run(&format!(r#"kms::verify_with_public_key(pk.PublicKey, "release 2.0", s.Signature, "{alg}")"#)).as_bool().unwrap());
        assert!(!nb.run(&format!(r#"kms::verify_with_public_key(pk.PublicKey, "release 2.1", s.Signature, "{alg}")"#)).as_bool().unwrap());
        assert_eq!(nb.code(&format!(r#"kms::verify(k.KeyId, "release 2.1", s.Signature, "{alg}")"#)), "KMSInvalidSignatureException");
        // The curve crates themselves accept the signature over the message (they hash it).
        let public = nb.run("pk.PublicKey").cast::<rhai::Blob>();
        let sig = nb.run("s.Signature").cast::<rhai::Blob>();
        let ok = match spec {
            "ECC_NIST_P521" => {
                let k = p521::ecdsa::VerifyingKey::from_affine(*p521::PublicKey::from_public_key_der(&public).unwrap().as_affine()).unwrap();
                k.verify(b"release 2.0", &p521::ecdsa::Signature::from_der(&sig).unwrap()).is_ok()
            }
            _ => k256::ecdsa::VerifyingKey::from_public_key_der(&public).unwrap().verify(b"release 2.0", &k256::ecdsa::Signature::from_der(&sig).unwrap()).is_ok(),
        };
        assert!(ok, "{spec}");
    }
    // ECDSA accepts (r, n - s) as well as (r, s): a secp256k1 signature made elsewhere with the
    // high s verifies too (k256 alone would refuse it, as Bitcoin does).
    let low = k256::ecdsa::Signature::from_der(&nb.run("s.Signature").cast::<rhai::Blob>()).unwrap();
    let (r, s_low) = low.split_scalars();
    let high = k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s_low.as_ref()).to_bytes()).unwrap();
    assert_eq!(high.normalize_s(), Some(low), "the high twin of the low signature");
    nb.scope.push("high", high.to_der().as_bytes().to_vec());
    assert!(nb.run(r#"kms::verify(k.KeyId, "release 2.0", high, "ECDSA_SHA_256").SignatureValid"#).as_bool().unwrap());
    assert!(nb.run(r#"kms::verify_with_public_key(pk.PublicKey, "release 2.0", high, "ECDSA_SHA_256")"#).as_bool().unwrap());
    assert!(!nb.run(r#"kms::verify_with_public_key(pk.PublicKey, "release 2.1", high, "ECDSA_SHA_256")"#).as_bool().unwrap());
    // P-521 signs a 64-byte SHA-512 DIGEST as it signs the RAW message (the signatures differ:
    // its nonces are random, from the world's generator).
    nb.exec(r#"let p521 = kms::create_key(#{ KeySpec: "ECC_NIST_P521", KeyUsage: "SIGN_VERIFY" }).KeyMetadata.KeyId;
        let raw = kms::sign(p521, "abc", "ECDSA_SHA_512").Signature;"#);
    let digest = <sha2::Sha512 as sha2::Digest>::digest(b"abc").to_vec();
    nb.scope.push("digest", digest);
    assert!(nb.run(r#"kms::verify(#{ KeyId: p521, Message: digest, MessageType: "DIGEST", Signature: raw, SigningAlgorithm: "ECDSA_SHA_512" }).SignatureValid"#).as_bool().unwrap());
    nb.exec(r#"let d = kms::sign(#{ KeyId: p521, Message: digest, MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_512" }).Signature;"#);
    assert!(nb.run(r#"kms::verify(p521, "abc", d, "ECDSA_SHA_512").SignatureValid"#).as_bool().unwrap());
    assert_eq!(nb.code(r#"kms::sign(#{ KeyId: p521, Message: blob(32, 1), MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_512" })"#), "ValidationException");
    let (code, msg) = nb.err(r#"kms::sign(k.KeyId, "m", "ECDSA_SHA_512")"#);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidKeyUsageException", "Algorithm ECDSA_SHA_512 is incompatible with key spec ECC_SECG_P256K1."));
    // secp256k1 is a signing curve only; key agreement takes the NIST curves.
    let (code, msg) = nb.err(r#"kms::create_key(#{ KeySpec: "ECC_SECG_P256K1", KeyUsage: "KEY_AGREEMENT" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1"));
}

/// ECDH computed here with the curve crate directly (not through the code under test).
fn ecdh_p256(private_pkcs8: &[u8], peer_spki: &[u8]) -> Vec<u8> {
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
    let secret = p256::SecretKey::from_pkcs8_der(private_pkcs8).unwrap();
    let peer = p256::PublicKey::from_public_key_der(peer_spki).unwrap();
    p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine()).raw_secret_bytes().to_vec()
}

#[test]
fn derive_shared_secret_both_ways_and_with_a_peer_outside_kms() {
    // [KMS-API DeriveSharedSecret]: Alice and Bob each hold a KEY_AGREEMENT key pair on the
    // same NIST curve, exchange public keys, and derive the same raw secret (the shared
    // point's x-coordinate: 32, 48 and 66 bytes).
    let mut nb = Nb::new();
    for (spec, len) in [("ECC_NIST_P256", 32), ("ECC_NIST_P384", 48), ("ECC_NIST_P521", 66)] {
        nb.exec(&format!(r#"
            let a = kms::create_key(#{{ KeySpec: "{spec}", KeyUsage: "KEY_AGREEMENT" }}).KeyMetadata;
            let b = kms::create_key(#{{ KeySpec: "{spec}", KeyUsage: "KEY_AGREEMENT" }}).KeyMetadata;
            let a_pub = kms::get_public_key(a.KeyId); let b_pub = kms::get_public_key(b.KeyId);
            let ab = kms::derive_shared_secret(#{{ KeyId: a.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: b_pub.PublicKey }});
            let ba = kms::derive_shared_secret(b.Arn, "ECDH", a_pub.PublicKey);
        "#));
        assert_eq!(nb.s("[a.KeyUsage, a.KeyAgreementAlgorithms, a_pub.KeyAgreementAlgorithms]"), r#"["KEY_AGREEMENT", ["ECDH"], ["ECDH"]]"#, "{spec}");
        assert_eq!(nb.s("[a.keys().contains(\"SigningAlgorithms\"), a_pub.keys().contains(\"SigningAlgorithms\")]"), "[false, false]");
        assert_eq!(nb.run("ab.SharedSecret.len()").as_int().unwrap(), len, "{spec}");
        assert_eq!(nb.s("ab.SharedSecret == ba.SharedSecret"), "true", "{spec}: both sides derive the same secret");
        assert_eq!(nb.s("ab.keys()"), r#"["KeyAgreementAlgorithm", "KeyId", "KeyOrigin", "SharedSecret"]"#);
        // For a request naming the key ID, AWS's CLI example and recorded response show the key
        // ID (not the ARN Sign returns); then ECDH and the key's origin.
        assert_eq!(nb.s("[ab.KeyId == a.KeyId, ab.KeyAgreementAlgorithm, ab.KeyOrigin]"), r#"[true, "ECDH", "AWS_KMS"]"#);
    }
    // A peer outside KMS: Bob's key pair comes from GenerateDataKeyPair; he computes the secret
    // with his private key and Alice's public key, Alice inside KMS with his public key.
    nb.exec(r#"
        let alice = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" }).KeyMetadata.KeyId;
        kms::create_alias("alias/alice", alice);
        let wrap = kms::create_key().KeyMetadata.KeyId;
        let bob = kms::generate_data_key_pair(wrap, "ECC_NIST_P256");
        let alice_public = kms::get_public_key("alias/alice").PublicKey;
        let inside = kms::derive_shared_secret("alias/alice", "ECDH", bob.PublicKey).SharedSecret;
        let outside = kms::derive_shared_secret_outside(bob.PrivateKeyPlaintext, alice_public);
    "#);
    assert_eq!(nb.s("inside == outside"), "true");
    let bob_private = nb.run("bob.PrivateKeyPlaintext").cast::<rhai::Blob>();
    let alice_public = nb.run("alice_public").cast::<rhai::Blob>();
    assert_eq!(nb.run("inside").cast::<rhai::Blob>(), ecdh_p256(&bob_private, &alice_public), "the curve crate agrees");
    // The outside helper wants a private key and a public key on the same curve.
    nb.exec(r#"let p384 = kms::generate_data_key_pair(wrap, "ECC_NIST_P384");"#);
    let (code, msg) = nb.err("kms::derive_shared_secret_outside(p384.PrivateKeyPlaintext, alice_public)");
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("kms::derive_shared_secret_outside: the private key is not"), "{msg}");
    // The secret is the same each time.
    assert_eq!(nb.s(r#"kms::derive_shared_secret("alias/alice", "ECDH", bob.PublicKey).SharedSecret == inside"#), "true");
}

#[test]
fn derive_shared_secret_errors_conditions_grants_and_audit() {
    let mut nb = Nb::new();
    nb.exec(r#"
        let ka = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" }).KeyMetadata;
        let peer = kms::get_public_key(kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "KEY_AGREEMENT" }).KeyMetadata.KeyId).PublicKey;
        let p384_peer = kms::get_public_key(kms::create_key(#{ KeySpec: "ECC_NIST_P384", KeyUsage: "KEY_AGREEMENT" }).KeyMetadata.KeyId).PublicKey;
        let signer = kms::create_key(#{ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }).KeyMetadata;
        let sym = kms::create_key().KeyMetadata;
    "#);
    // AWS's answers, recorded by LocalStack's AWS-validated test_derive_shared_secret.
    let (code, msg) = nb.err(r#"kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "KEY_AGREEMENT" })"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048"));
    let (code, msg) = nb.err(r#"kms::derive_shared_secret(signer.KeyId, "ECDH", peer)"#);
    assert_eq!(code, "InvalidKeyUsageException");
    assert_eq!(msg, format!("{} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.", nb.s("signer.Arn")));
    let (code, msg) = nb.err(r#"kms::derive_shared_secret(sym.KeyId, "ECDH", peer)"#);
    assert_eq!((code, msg), ("InvalidKeyUsageException".to_string(), format!("{} key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.", nb.s("sym.Arn"))));
    let (code, msg) = nb.err(r#"kms::derive_shared_secret(ka.KeyId, "INVALID", peer)"#);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ValidationException", "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]")
    );
    let (code, msg) = nb.err(r#"kms::derive_shared_secret(ka.KeyId, "ECDH", blob(16, 0x41))"#);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", ""), "AWS answers a bad public key with an empty message");
    // Not recorded: a key on another curve gets the same answer here.
    assert_eq!(nb.err(r#"kms::derive_shared_secret(ka.KeyId, "ECDH", p384_peer)"#), ("ValidationException".into(), "".into()), "a key on another curve");
    assert_eq!(nb.code(r#"kms::derive_shared_secret(ka.KeyId, "ECDH", blob())"#), "ValidationException", "PublicKey: at least 1 byte");
    assert_eq!(nb.code(r#"kms::derive_shared_secret(#{ KeyId: ka.KeyId, PublicKey: peer })"#), "ValidationException", "KeyAgreementAlgorithm is required");
    assert_eq!(nb.code(r#"kms::derive_shared_secret(#{ KeyId: ka.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer, DryRun: true })"#), "DryRunOperationException");
    // The key usage also keeps the other operations away.
    assert_eq!(nb.code(r#"kms::encrypt(ka.KeyId, "x")"#), "InvalidKeyUsageException");
    assert_eq!(nb.code(r#"kms::sign(ka.KeyId, "x", "ECDSA_SHA_256")"#), "InvalidKeyUsageException");
    // The key-state table applies as for the other cryptographic operations.
    nb.exec("kms::disable_key(ka.KeyId);");
    assert_eq!(nb.code(r#"kms::derive_shared_secret(ka.KeyId, "ECDH", peer)"#), "DisabledException");
    nb.exec("kms::enable_key(ka.KeyId);");
    // kms:KeyAgreementAlgorithm is the request's algorithm: a Deny on it stops Dave, and Carol
    // is allowed on it.
    nb.exec(r#"
        iam::create_user("carol"); iam::create_user("dave");
        iam::put_user_policy(#{ UserName: "carol", PolicyName: "ecdh", PolicyDocument: #{ Version: "2012-10-17", Statement: [
            #{ Effect: "Allow", Action: "kms:DeriveSharedSecret", Resource: "*", Condition: #{ StringEquals: #{ "kms:KeyAgreementAlgorithm": "ECDH" } } }] } });
        iam::put_user_policy(#{ UserName: "dave", PolicyName: "ecdh", PolicyDocument: #{ Version: "2012-10-17", Statement: [
            #{ Effect: "Allow", Action: "kms:DeriveSharedSecret", Resource: "*" },
            #{ Effect: "Deny", Action: "kms:*", Resource: "*", Condition: #{ StringEquals: #{ "kms:KeyAgreementAlgorithm": "ECDH" } } }] } });
    "#);
    assert_eq!(nb.run(r#"as_principal("carol", || kms::derive_shared_secret(ka.KeyId, "ECDH", peer)).SharedSecret.len()"#).as_int().unwrap(), 32);
    let (code, msg) = nb.err(r#"as_principal("dave", || kms::derive_shared_secret(ka.KeyId, "ECDH", peer))"#);
    assert_eq!(code, "AccessDeniedException");
    assert!(msg.contains("kms:DeriveSharedSecret on resource: ") && msg.contains("with an explicit deny"), "{msg}");
    // Grants: DeriveSharedSecret is a grant operation of KEY_AGREEMENT keys; Sign is not.
    nb.exec(r#"let erin = iam::create_user("erin").User.Arn; let g = kms::create_grant(#{ KeyId: ka.KeyId, GranteePrincipal: erin, Operations: ["DeriveSharedSecret"] });"#);
    assert!(nb.try_run(r#"as_principal("erin", || kms::derive_shared_secret(#{ KeyId: ka.KeyId, KeyAgreementAlgorithm: "ECDH", PublicKey: peer, GrantTokens: [g.GrantToken] }))"#).is_ok());
    assert_eq!(nb.code(r#"as_principal("erin", || kms::get_public_key(#{ KeyId: ka.KeyId, GrantTokens: [g.GrantToken] }))"#), "AccessDeniedException");
    assert_eq!(nb.code(r#"kms::create_grant(#{ KeyId: ka.KeyId, GranteePrincipal: erin, Operations: ["Sign"] })"#), "ValidationError", "AWS's code for a grant operation the key cannot perform");
    // CloudTrail: the event name and the algorithm; the secret is never recorded.
    nb.exec(r#"kms::derive_shared_secret(ka.KeyId, "ECDH", peer); let ev = world::trail()[-1];"#);
    assert_eq!(nb.s("[ev.eventName, ev.eventSource, ev.requestParameters.keyAgreementAlgorithm, ev.responseElements]"), r#"["DeriveSharedSecret", "kms.amazonaws.com", "ECDH", ()]"#);
    assert_eq!(nb.s("ev.resources[0].ARN"), nb.s("ka.Arn"));
}

#[test]
fn request_alias_is_the_alias_that_named_the_key_in_decrypt_and_reencrypt() {
    // [KMS-ARCH] conditions-kms, kms:RequestAlias: the alias in the request's KeyId, for the
    // cryptographic operations, Decrypt and ReEncrypt included (their KeyId / SourceKeyId are
    // optional, so a request without them has no kms:RequestAlias).
    let mut nb = with_key();
    nb.exec(r#"
        kms::create_alias("alias/blocked", id);
        let rsa = kms::create_key(#{ KeySpec: "RSA_2048", KeyUsage: "ENCRYPT_DECRYPT" }).KeyMetadata.KeyId;
        kms::create_alias("alias/blocked-rsa", rsa);
        let c = kms::encrypt(id, "secret");
        let rc = kms::encrypt(#{ KeyId: rsa, Plaintext: "secret", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" }).CiphertextBlob;
        iam::create_user("app");
        iam::put_user_policy(#{ UserName: "app", PolicyName: "kms", PolicyDocument: #{ Version: "2012-10-17", Statement: [
            #{ Effect: "Allow", Action: "kms:*", Resource: "*" },
            #{ Effect: "Deny", Action: "kms:*", Resource: "*", Condition: #{ StringLike: #{ "kms:RequestAlias": "alias/blocked*" } } }] } });
    "#);
    let denied = |nb: &mut Nb, call: &str| {
        let (code, msg) = nb.err(&format!(r#"as_principal("app", || {call})"#));
        assert_eq!(code, "AccessDeniedException", "{call}");
        assert!(msg.contains("with an explicit deny"), "{call}: {msg}");
    };
    let allowed = |nb: &mut Nb, call: &str| assert!(nb.try_run(&format!(r#"as_principal("app", || {call})"#)).is_ok(), "{call}");
    allowed(&mut nb, r#"kms::decrypt(c.CiphertextBlob)"#);
    allowed(&mut nb, r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: "alias/demo" })"#);
    denied(&mut nb, r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: "alias/blocked" })"#);
    denied(&mut nb, r#"kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, KeyId: "arn:aws:kms:us-east-1:111122223333:alias/blocked" })"#);
    allowed(&mut nb, r#"kms::decrypt(#{ CiphertextBlob: rc, KeyId: rsa, EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#);
    denied(&mut nb, r#"kms::decrypt(#{ CiphertextBlob: rc, KeyId: "alias/blocked-rsa", EncryptionAlgorithm: "RSAES_OAEP_SHA_256" })"#);
    allowed(&mut nb, r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, DestinationKeyId: id })"#);
    denied(&mut nb, r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, SourceKeyId: "alias/blocked", DestinationKeyId: id })"#);
    denied(&mut nb, r#"kms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, DestinationKeyId: "alias/blocked" })"#);
    denied(&mut nb, r#"kms::encrypt("alias/blocked", "x")"#);
}
