//! KMS script bindings: `kms::<operation>(#{ ...AWS parameters... })` for every operation,
//! short positional overloads for the common calls, and helpers that are not KMS API calls
//! (a console-style key policy builder, local AES-GCM with a data key, key-material wrapping).

use rhai::{Dynamic, Engine, ImmutableString, Map, NativeCallContext};

use super::crypto::{self, Wrapping};
use super::error::KmsError;
use super::ops;
use super::policies;
use crate::script::{DocMode, Shared};
use crate::script::api::Api;
use crate::script::convert::{RhaiResult, throw};
use crate::world::{AwsError, ErrorCode};

/// Registers `name(a, b, ...)` building the parameter map `#{ K1: a, K2: b, ... }`.
macro_rules! overload {
    ($api:expr, $name:literal, $aws:literal, $f:path, $doc:expr, [$($p:ident : $t:ty => $k:literal),+]) => {{
        let h = $api.handle();
        $api.func(
            $name,
            $doc,
            &[$(concat!(stringify!($p), ": ", stringify!($t))),+, "Map"],
            move |ctx: NativeCallContext, $($p: $t),+| -> RhaiResult {
                let mut m = Map::new();
                $( m.insert($k.into(), Dynamic::from($p)); )+
                h.run(&ctx, $aws, $name, $f, m)
            },
        );
    }};
}

fn local_error(msg: impl Into<String>) -> AwsError {
    let mut e = KmsError::ValidationException.err(msg);
    e.service = "kms".into();
    e
}

fn bytes_of(d: &Dynamic, what: &str) -> Result<Vec<u8>, AwsError> {
    if let Some(b) = d.read_lock::<rhai::Blob>() {
        return Ok(b.clone());
    }
    if let Some(s) = d.read_lock::<ImmutableString>() {
        return Ok(s.as_bytes().to_vec());
    }
    Err(local_error(format!("{what} must be a blob or a string, not a {}", d.type_name())))
}

fn strings(m: &Map, key: &str) -> Result<Vec<String>, AwsError> {
    match m.get(key) {
        None => Ok(vec![]),
        Some(v) if v.is_string() => Ok(vec![v.clone().into_string().unwrap_or_default()]),
        Some(v) => match v.read_lock::<rhai::Array>() {
            Some(a) => a
                .iter()
                .map(|x| x.clone().into_string().map_err(|_| local_error(format!("kms::key_policy: `{key}` must list names or ARNs as strings"))))
                .collect(),
            None => Err(local_error(format!("kms::key_policy: `{key}` must be a string or an array of strings"))),
        },
    }
}

const CREATE_KEY: &str = "Creates a KMS key and returns `#{ KeyMetadata }`: symmetric by default (AES-256-GCM, SYMMETRIC_DEFAULT), or, with the `KeyUsage` these require, `KeySpec` RSA_2048/3072/4096 (ENCRYPT_DECRYPT or SIGN_VERIFY), ECC_NIST_P256/P384/P521 (SIGN_VERIFY or KEY_AGREEMENT), ECC_SECG_P256K1 (SIGN_VERIFY), HMAC_224/256/384/512 (GENERATE_VERIFY_MAC); `MultiRegion: true` for an `mrk-` key. Without `Policy` the key gets the default key policy, which lets IAM policies of the account grant access.\n```rhai\nlet k = kms::create_key(#{ Description: \"demo\", Tags: [#{ TagKey: \"team\", TagValue: \"web\" }] });\nlet signer = kms::create_key(#{ KeySpec: \"ECC_NIST_P256\", KeyUsage: \"SIGN_VERIFY\" });\n```";
const GET_PUBLIC_KEY: &str = "Returns the public key of an asymmetric KMS key (`PublicKey`: DER SubjectPublicKeyInfo, usable outside AWS) with its `KeySpec`, `KeyUsage` and `SigningAlgorithms` or `EncryptionAlgorithms`.\n```rhai\nlet pk = kms::get_public_key(\"alias/signer\");\npk.PublicKey.len()\n```";
const SIGN: &str = "Signs a message (`MessageType` RAW, up to 4,096 bytes, the default) or a digest (`MessageType: \"DIGEST\"`) with an asymmetric SIGN_VERIFY key; returns `#{ Signature, SigningAlgorithm, KeyId }`.\n```rhai\nlet s = kms::sign(#{ KeyId: \"alias/signer\", Message: \"release 1.2\", SigningAlgorithm: \"ECDSA_SHA_256\" });\n```";
const VERIFY: &str = "Verifies a signature inside KMS: returns `#{ SignatureValid: true, ... }` or throws KMSInvalidSignatureException.\n```rhai\nkms::verify(#{ KeyId: \"alias/signer\", Message: \"release 1.2\", Signature: s.Signature, SigningAlgorithm: \"ECDSA_SHA_256\" }).SignatureValid\n```";
const GENERATE_MAC: &str = "Computes an HMAC of a message (up to 4,096 bytes) with an HMAC key; returns `#{ Mac, MacAlgorithm, KeyId }`.\n```rhai\nlet m = kms::generate_mac(#{ KeyId: \"alias/mac\", Message: \"token\", MacAlgorithm: \"HMAC_SHA_256\" });\n```";
const DERIVE_SHARED_SECRET: &str = "Derives a raw shared secret with ECDH from the private key of a KEY_AGREEMENT key pair (ECC_NIST_P256/P384/P521) and your peer's public key (DER SubjectPublicKeyInfo on the same curve): `SharedSecret`, `KeyId`, `KeyAgreementAlgorithm` (`ECDH`, the only one), `KeyOrigin`. The peer computes the same secret with its private key and this key's public key.\n```rhai\nlet s = kms::derive_shared_secret(#{ KeyId: \"alias/alice\", KeyAgreementAlgorithm: \"ECDH\", PublicKey: bob_public });\n```";
const VERIFY_MAC: &str = "Verifies an HMAC: returns `#{ MacValid: true, ... }` or throws KMSInvalidMacException.\n```rhai\nkms::verify_mac(#{ KeyId: \"alias/mac\", Message: \"token\", Mac: m.Mac, MacAlgorithm: \"HMAC_SHA_256\" }).MacValid\n```";
const REPLICATE_KEY: &str = "Replicates a multi-Region primary key (`mrk-...`) into another Region of the account: the replica shares the key id and key material (a ciphertext from one Region decrypts in the other) and has its own policy, description and tags. Returns `#{ ReplicaKeyMetadata, ReplicaPolicy, ReplicaTags }`.\n```rhai\nlet k = kms::create_key(#{ MultiRegion: true }).KeyMetadata;\nkms::replicate_key(k.KeyId, \"eu-west-1\")\n```";
const UPDATE_PRIMARY_REGION: &str = "Makes the replica in `PrimaryRegion` the primary key; the old primary becomes a replica.\n```rhai\nkms::update_primary_region(#{ KeyId: k.KeyId, PrimaryRegion: \"eu-west-1\" })\n```";
const DESCRIBE_KEY: &str = "Returns `#{ KeyMetadata }` of a key named by key id, key ARN, alias name or alias ARN (works in every key state).\n```rhai\nkms::describe_key(\"alias/demo\").KeyMetadata.KeyState\n```";
const ENCRYPT: &str = "Encrypts up to 4,096 bytes under a KMS key; returns `#{ CiphertextBlob, KeyId, EncryptionAlgorithm }`. An `EncryptionContext` map is bound to the ciphertext and must be given again to decrypt.\n```rhai\nlet c = kms::encrypt(#{ KeyId: \"alias/demo\", Plaintext: \"hello\", EncryptionContext: #{ purpose: \"demo\" } });\n```";
const DECRYPT: &str = "Decrypts a ciphertext blob; the key is read from the blob (an RSA ciphertext needs `KeyId` and `EncryptionAlgorithm`). Returns `#{ Plaintext, KeyId, EncryptionAlgorithm, KeyMaterialId }` (`KeyMaterialId` only from a symmetric encryption key).\n```rhai\nlet p = kms::decrypt(#{ CiphertextBlob: c.CiphertextBlob, EncryptionContext: #{ purpose: \"demo\" } });\np.Plaintext.as_string()\n```";
const RE_ENCRYPT: &str = "Decrypts a ciphertext and encrypts it under another key without exposing the plaintext; returns `#{ CiphertextBlob, SourceKeyId, KeyId, ... }`.\n```rhai\nkms::re_encrypt(#{ CiphertextBlob: c.CiphertextBlob, DestinationKeyId: \"alias/new\" })\n```";
const GENERATE_DATA_KEY: &str = "Returns a fresh data key in plaintext and encrypted under the KMS key (`KeySpec` AES_256/AES_128 or `NumberOfBytes` 1-1024): encrypt locally with `Plaintext`, discard it, store `CiphertextBlob` with the data.\n```rhai\nlet dk = kms::generate_data_key(#{ KeyId: \"alias/demo\", KeySpec: \"AES_256\" });\n```";
const GENERATE_DATA_KEY_WP: &str = "Returns a data key encrypted under the KMS key only (decrypt it later with `kms::decrypt`).\n```rhai\nkms::generate_data_key_without_plaintext(#{ KeyId: \"alias/demo\", KeySpec: \"AES_256\" })\n```";
const GENERATE_DATA_KEY_PAIR: &str = "Returns a fresh key pair for use outside KMS (`KeyPairSpec` RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_SECG_P256K1): `PublicKey` (DER SubjectPublicKeyInfo), `PrivateKeyPlaintext` (DER PKCS#8) and `PrivateKeyCiphertextBlob`, the private key encrypted under the symmetric KMS key: keep the encrypted copy, and get the private key back with `kms::decrypt` when you need it.\n```rhai\nlet kp = kms::generate_data_key_pair(#{ KeyId: \"alias/demo\", KeyPairSpec: \"ECC_NIST_P256\" });\n```";
const GENERATE_DATA_KEY_PAIR_WP: &str = "Returns a fresh key pair's `PublicKey` and its private key encrypted under the symmetric KMS key only (`PrivateKeyCiphertextBlob`; decrypt it with `kms::decrypt` when you need it).\n```rhai\nlet kp = kms::generate_data_key_pair_without_plaintext(\"alias/demo\", \"RSA_2048\");\n```";
const GENERATE_RANDOM: &str = "Returns `#{ Plaintext }`: 1-1,024 random bytes (from the world's seeded generator: reproducible, never secret).\n```rhai\nkms::generate_random(#{ NumberOfBytes: 32 }).Plaintext\n```";
const LIST_KEYS: &str = "Lists the keys of the account in the region: `#{ Keys: [#{ KeyId, KeyArn }], Truncated }`.\n```rhai\nkms::list_keys().Keys\n```";
const ENABLE_KEY: &str = "Enables a disabled key (a rotation that fell due while it was disabled happens now).\n```rhai\nkms::enable_key(\"alias/demo\")\n```";
const DISABLE_KEY: &str = "Disables a key: cryptographic operations fail with DisabledException until it is enabled again.\n```rhai\nkms::disable_key(\"alias/demo\")\n```";
const UPDATE_DESCRIPTION: &str = "Changes a key's description.\n```rhai\nkms::update_key_description(#{ KeyId: \"alias/demo\", Description: \"new text\" })\n```";
const SCHEDULE_DELETION: &str = "Schedules deletion after a 7-30 day waiting period (default 30): the key is PendingDeletion, unusable, and deleted with its aliases when the clock passes `DeletionDate`.\n```rhai\nkms::schedule_key_deletion(#{ KeyId: \"alias/demo\", PendingWindowInDays: 7 })\n```";
const CANCEL_DELETION: &str = "Cancels a scheduled deletion; the key is left Disabled (enable it with `kms::enable_key`).\n```rhai\nkms::cancel_key_deletion(\"alias/demo\")\n```";
const CREATE_ALIAS: &str = "Creates an alias (`alias/...`, not `alias/aws/...`) for a key in the same account and region.\n```rhai\nkms::create_alias(#{ AliasName: \"alias/demo\", TargetKeyId: k.KeyMetadata.KeyId })\n```";
const UPDATE_ALIAS: &str = "Points an existing alias at another key (manual key rotation).\n```rhai\nkms::update_alias(#{ AliasName: \"alias/demo\", TargetKeyId: k2.KeyMetadata.KeyId })\n```";
const DELETE_ALIAS: &str = "Deletes an alias (the key stays).\n```rhai\nkms::delete_alias(\"alias/demo\")\n```";
const LIST_ALIASES: &str = "Lists aliases, optionally of one key: `#{ Aliases: [#{ AliasName, AliasArn, TargetKeyId, ... }] }`. The predefined AWS aliases (`alias/aws/s3`, ...) are listed without `TargetKeyId` until their service first uses them.\n```rhai\nkms::list_aliases().Aliases\n```";
const GET_KEY_POLICY: &str = "Returns `#{ Policy, PolicyName }`: the key policy as JSON text (policy name `default`).\n```rhai\nprint(kms::get_key_policy(\"alias/demo\").Policy)\n```";
const PUT_KEY_POLICY: &str = "Replaces the key policy (JSON text or a map). Fails if the new policy would lock the caller out, unless `BypassPolicyLockoutSafetyCheck: true`.\n```rhai\nkms::put_key_policy(#{ KeyId: \"alias/demo\", Policy: kms::key_policy(#{ Admins: [\"alice\"], Users: [\"bob\"] }) })\n```";
const LIST_KEY_POLICIES: &str = "Lists the key's policy names (always `[\"default\"]`).\n```rhai\nkms::list_key_policies(#{ KeyId: \"alias/demo\" })\n```";
const TAG_RESOURCE: &str = "Adds or replaces tags on a key.\n```rhai\nkms::tag_resource(#{ KeyId: \"alias/demo\", Tags: [#{ TagKey: \"env\", TagValue: \"prod\" }] })\n```";
const UNTAG_RESOURCE: &str = "Removes tags from a key.\n```rhai\nkms::untag_resource(#{ KeyId: \"alias/demo\", TagKeys: [\"env\"] })\n```";
const LIST_TAGS: &str = "Lists a key's tags: `#{ Tags: [#{ TagKey, TagValue }] }`.\n```rhai\nkms::list_resource_tags(#{ KeyId: \"alias/demo\" }).Tags\n```";
const ENABLE_ROTATION: &str = "Turns on automatic rotation every `RotationPeriodInDays` (90-2560, default 365); old key material stays so old ciphertexts decrypt.\n```rhai\nkms::enable_key_rotation(#{ KeyId: \"alias/demo\", RotationPeriodInDays: 90 })\n```";
const DISABLE_ROTATION: &str = "Turns off automatic rotation.\n```rhai\nkms::disable_key_rotation(\"alias/demo\")\n```";
const ROTATION_STATUS: &str = "Returns `#{ KeyRotationEnabled, RotationPeriodInDays, NextRotationDate }` of a key.\n```rhai\nkms::get_key_rotation_status(\"alias/demo\")\n```";
const ROTATE_NOW: &str = "Rotates the key material now (at most 25 times per key); the automatic schedule is unchanged.\n```rhai\nkms::rotate_key_on_demand(\"alias/demo\")\n```";
const LIST_ROTATIONS: &str = "Lists a key's rotations (or every key material with `IncludeKeyMaterial: \"ALL_KEY_MATERIAL\"`), oldest first.\n```rhai\nkms::list_key_rotations(\"alias/demo\").Rotations\n```";
const CREATE_GRANT: &str = "Adds a grant: `GranteePrincipal` may perform `Operations` on the key (within optional `Constraints`). Returns `#{ GrantId, GrantToken }`; pass the token in `GrantTokens` to use the grant before it has propagated (5 minutes).\n```rhai\nlet g = kms::create_grant(#{ KeyId: \"alias/demo\", GranteePrincipal: \"arn:aws:iam::111122223333:user/bob\", Operations: [\"Encrypt\", \"Decrypt\"] });\n```";
const LIST_GRANTS: &str = "Lists the grants of a key: `#{ Grants: [...] }`.\n```rhai\nkms::list_grants(\"alias/demo\").Grants\n```";
const LIST_RETIRABLE: &str = "Lists the grants in the account and region that a principal may retire.\n```rhai\nkms::list_retirable_grants(#{ RetiringPrincipal: \"arn:aws:iam::111122223333:user/bob\" })\n```";
const RETIRE_GRANT: &str = "Retires a grant by its token, or by `KeyId` and `GrantId` (by the retiring principal, the grantee if the grant allows RetireGrant, or the account).\n```rhai\nkms::retire_grant(#{ GrantToken: g.GrantToken })\n```";
const REVOKE_GRANT: &str = "Revokes a grant (needs kms:RevokeGrant on the key).\n```rhai\nkms::revoke_grant(#{ KeyId: \"alias/demo\", GrantId: g.GrantId })\n```";
const GET_IMPORT_PARAMS: &str = "Returns a wrapping public key and an import token for a key with Origin EXTERNAL, valid for 24 hours.\n```rhai\nlet p = kms::get_parameters_for_import(#{ KeyId: id, WrappingAlgorithm: \"RSAES_OAEP_SHA_256\", WrappingKeySpec: \"RSA_2048\" });\n```";
const IMPORT_MATERIAL: &str = "Imports 256-bit key material wrapped with the public key of `kms::get_parameters_for_import`; the key becomes Enabled until `ValidTo` (or for good with `ExpirationModel: \"KEY_MATERIAL_DOES_NOT_EXPIRE\"`).\n```rhai\nkms::import_key_material(#{ KeyId: id, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: \"KEY_MATERIAL_DOES_NOT_EXPIRE\" })\n```";
const DELETE_MATERIAL: &str = "Deletes imported key material: the key is PendingImport until the same material is imported again.\n```rhai\nkms::delete_imported_key_material(#{ KeyId: id })\n```";

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &crate::world::service::KMS, docs);

    api.op("create_key", "CreateKey", CREATE_KEY, ops::create_key);
    overload!(api, "create_key", "CreateKey", ops::create_key, "Creates a symmetric encryption KMS key with a description.\n```rhai\nkms::create_key(\"payments\")\n```", [description: ImmutableString => "Description"]);
    api.op("describe_key", "DescribeKey", DESCRIBE_KEY, ops::describe_key);
    overload!(api, "describe_key", "DescribeKey", ops::describe_key, DESCRIBE_KEY, [key_id: ImmutableString => "KeyId"]);
    api.op("list_keys", "ListKeys", LIST_KEYS, ops::list_keys);
    api.op("update_key_description", "UpdateKeyDescription", UPDATE_DESCRIPTION, ops::update_key_description);

    api.op("encrypt", "Encrypt", ENCRYPT, ops::encrypt);
    overload!(api, "encrypt", "Encrypt", ops::encrypt, "Encrypts a string or blob under a key.\n```rhai\nlet c = kms::encrypt(\"alias/demo\", \"hello\");\n```", [key_id: ImmutableString => "KeyId", plaintext: Dynamic => "Plaintext"]);
    overload!(api, "encrypt", "Encrypt", ops::encrypt, "Encrypts under a key with an encryption context.\n```rhai\nkms::encrypt(\"alias/demo\", \"hello\", #{ purpose: \"demo\" })\n```", [key_id: ImmutableString => "KeyId", plaintext: Dynamic => "Plaintext", context: Map => "EncryptionContext"]);
    api.op("decrypt", "Decrypt", DECRYPT, ops::decrypt);
    overload!(api, "decrypt", "Decrypt", ops::decrypt, "Decrypts a ciphertext blob (the key is read from the blob).\n```rhai\nkms::decrypt(c.CiphertextBlob).Plaintext.as_string()\n```", [blob: rhai::Blob => "CiphertextBlob"]);
    overload!(api, "decrypt", "Decrypt", ops::decrypt, "Decrypts a ciphertext blob made with an encryption context.\n```rhai\nkms::decrypt(c.CiphertextBlob, #{ purpose: \"demo\" })\n```", [blob: rhai::Blob => "CiphertextBlob", context: Map => "EncryptionContext"]);
    api.op("re_encrypt", "ReEncrypt", RE_ENCRYPT, ops::re_encrypt);
    overload!(api, "re_encrypt", "ReEncrypt", ops::re_encrypt, RE_ENCRYPT, [blob: rhai::Blob => "CiphertextBlob", destination: ImmutableString => "DestinationKeyId"]);
    api.op("generate_data_key", "GenerateDataKey", GENERATE_DATA_KEY, ops::generate_data_key);
    overload!(api, "generate_data_key", "GenerateDataKey", ops::generate_data_key, "Returns a 256-bit data key (`KeySpec: \"AES_256\"`) in plaintext and encrypted.\n```rhai\nlet dk = kms::generate_data_key(\"alias/demo\");\n```", [key_id: ImmutableString => "KeyId", spec: ImmutableString => "KeySpec"]);
    {
        let h = api.handle();
        api.func("generate_data_key", "Returns a 256-bit data key in plaintext and encrypted under the KMS key.\n```rhai\nlet dk = kms::generate_data_key(\"alias/demo\");\n```", &["key_id: ImmutableString", "Map"], move |ctx: NativeCallContext, key_id: ImmutableString| -> RhaiResult {
            let mut m = Map::new();
            m.insert("KeyId".into(), key_id.into());
            m.insert("KeySpec".into(), "AES_256".into());
            h.run(&ctx, "GenerateDataKey", "generate_data_key", ops::generate_data_key, m)
        });
        let h = api.handle();
        api.func("generate_data_key_without_plaintext", GENERATE_DATA_KEY_WP, &["key_id: ImmutableString", "Map"], move |ctx: NativeCallContext, key_id: ImmutableString| -> RhaiResult {
            let mut m = Map::new();
            m.insert("KeyId".into(), key_id.into());
            m.insert("KeySpec".into(), "AES_256".into());
            h.run(&ctx, "GenerateDataKeyWithoutPlaintext", "generate_data_key_without_plaintext", ops::generate_data_key_without_plaintext, m)
        });
    }
    api.op("generate_data_key_without_plaintext", "GenerateDataKeyWithoutPlaintext", GENERATE_DATA_KEY_WP, ops::generate_data_key_without_plaintext);
    api.op("generate_data_key_pair", "GenerateDataKeyPair", GENERATE_DATA_KEY_PAIR, ops::generate_data_key_pair);
    overload!(api, "generate_data_key_pair", "GenerateDataKeyPair", ops::generate_data_key_pair, GENERATE_DATA_KEY_PAIR, [key_id: ImmutableString => "KeyId", spec: ImmutableString => "KeyPairSpec"]);
    api.op("generate_data_key_pair_without_plaintext", "GenerateDataKeyPairWithoutPlaintext", GENERATE_DATA_KEY_PAIR_WP, ops::generate_data_key_pair_without_plaintext);
    overload!(api, "generate_data_key_pair_without_plaintext", "GenerateDataKeyPairWithoutPlaintext", ops::generate_data_key_pair_without_plaintext, GENERATE_DATA_KEY_PAIR_WP, [key_id: ImmutableString => "KeyId", spec: ImmutableString => "KeyPairSpec"]);
    api.op("generate_random", "GenerateRandom", GENERATE_RANDOM, ops::generate_random);
    overload!(api, "generate_random", "GenerateRandom", ops::generate_random, GENERATE_RANDOM, [n: i64 => "NumberOfBytes"]);

    // EnableKey runs the clock hooks at the current instant afterwards, so a rotation that
    // fell due while the key was disabled happens as the key is enabled.
    for positional in [false, true] {
        let h = api.handle();
        let run = move |ctx: &NativeCallContext, m: Map| -> RhaiResult {
            let r = h.run(ctx, "EnableKey", "enable_key", ops::enable_key, m)?;
            let mut w = h.shared.lock();
            let now = w.now();
            w.advance_to(now);
            Ok(r)
        };
        if positional {
            api.func("enable_key", ENABLE_KEY, &["key_id: ImmutableString", "()"], move |ctx: NativeCallContext, key_id: ImmutableString| {
                let mut m = Map::new();
                m.insert("KeyId".into(), key_id.into());
                run(&ctx, m)
            });
        } else {
            api.func("enable_key", ENABLE_KEY, &["params: Map", "()"], move |ctx: NativeCallContext, m: Map| run(&ctx, m));
        }
    }
    api.op("disable_key", "DisableKey", DISABLE_KEY, ops::disable_key);
    overload!(api, "disable_key", "DisableKey", ops::disable_key, DISABLE_KEY, [key_id: ImmutableString => "KeyId"]);
    api.op("schedule_key_deletion", "ScheduleKeyDeletion", SCHEDULE_DELETION, ops::schedule_key_deletion);
    overload!(api, "schedule_key_deletion", "ScheduleKeyDeletion", ops::schedule_key_deletion, SCHEDULE_DELETION, [key_id: ImmutableString => "KeyId"]);
    overload!(api, "schedule_key_deletion", "ScheduleKeyDeletion", ops::schedule_key_deletion, SCHEDULE_DELETION, [key_id: ImmutableString => "KeyId", days: i64 => "PendingWindowInDays"]);
    api.op("cancel_key_deletion", "CancelKeyDeletion", CANCEL_DELETION, ops::cancel_key_deletion);
    overload!(api, "cancel_key_deletion", "CancelKeyDeletion", ops::cancel_key_deletion, CANCEL_DELETION, [key_id: ImmutableString => "KeyId"]);

    api.op("create_alias", "CreateAlias", CREATE_ALIAS, ops::create_alias);
    overload!(api, "create_alias", "CreateAlias", ops::create_alias, CREATE_ALIAS, [alias: ImmutableString => "AliasName", key_id: ImmutableString => "TargetKeyId"]);
    api.op("update_alias", "UpdateAlias", UPDATE_ALIAS, ops::update_alias);
    overload!(api, "update_alias", "UpdateAlias", ops::update_alias, UPDATE_ALIAS, [alias: ImmutableString => "AliasName", key_id: ImmutableString => "TargetKeyId"]);
    api.op("delete_alias", "DeleteAlias", DELETE_ALIAS, ops::delete_alias);
    overload!(api, "delete_alias", "DeleteAlias", ops::delete_alias, DELETE_ALIAS, [alias: ImmutableString => "AliasName"]);
    api.op("list_aliases", "ListAliases", LIST_ALIASES, ops::list_aliases);

    api.op("get_key_policy", "GetKeyPolicy", GET_KEY_POLICY, ops::get_key_policy);
    overload!(api, "get_key_policy", "GetKeyPolicy", ops::get_key_policy, GET_KEY_POLICY, [key_id: ImmutableString => "KeyId"]);
    api.op("put_key_policy", "PutKeyPolicy", PUT_KEY_POLICY, ops::put_key_policy);
    overload!(api, "put_key_policy", "PutKeyPolicy", ops::put_key_policy, PUT_KEY_POLICY, [key_id: ImmutableString => "KeyId", policy: Dynamic => "Policy"]);
    api.op("list_key_policies", "ListKeyPolicies", LIST_KEY_POLICIES, ops::list_key_policies);

    api.op("tag_resource", "TagResource", TAG_RESOURCE, ops::tag_resource);
    api.op("untag_resource", "UntagResource", UNTAG_RESOURCE, ops::untag_resource);
    api.op("list_resource_tags", "ListResourceTags", LIST_TAGS, ops::list_resource_tags);

    api.op("enable_key_rotation", "EnableKeyRotation", ENABLE_ROTATION, ops::enable_key_rotation);
    overload!(api, "enable_key_rotation", "EnableKeyRotation", ops::enable_key_rotation, ENABLE_ROTATION, [key_id: ImmutableString => "KeyId"]);
    overload!(api, "enable_key_rotation", "EnableKeyRotation", ops::enable_key_rotation, ENABLE_ROTATION, [key_id: ImmutableString => "KeyId", days: i64 => "RotationPeriodInDays"]);
    api.op("disable_key_rotation", "DisableKeyRotation", DISABLE_ROTATION, ops::disable_key_rotation);
    overload!(api, "disable_key_rotation", "DisableKeyRotation", ops::disable_key_rotation, DISABLE_ROTATION, [key_id: ImmutableString => "KeyId"]);
    api.op("get_key_rotation_status", "GetKeyRotationStatus", ROTATION_STATUS, ops::get_key_rotation_status);
    overload!(api, "get_key_rotation_status", "GetKeyRotationStatus", ops::get_key_rotation_status, ROTATION_STATUS, [key_id: ImmutableString => "KeyId"]);
    api.op("rotate_key_on_demand", "RotateKeyOnDemand", ROTATE_NOW, ops::rotate_key_on_demand);
    overload!(api, "rotate_key_on_demand", "RotateKeyOnDemand", ops::rotate_key_on_demand, ROTATE_NOW, [key_id: ImmutableString => "KeyId"]);
    api.op("list_key_rotations", "ListKeyRotations", LIST_ROTATIONS, ops::list_key_rotations);
    overload!(api, "list_key_rotations", "ListKeyRotations", ops::list_key_rotations, LIST_ROTATIONS, [key_id: ImmutableString => "KeyId"]);

    api.op("create_grant", "CreateGrant", CREATE_GRANT, ops::create_grant);
    api.op("list_grants", "ListGrants", LIST_GRANTS, ops::list_grants);
    overload!(api, "list_grants", "ListGrants", ops::list_grants, LIST_GRANTS, [key_id: ImmutableString => "KeyId"]);
    api.op("list_retirable_grants", "ListRetirableGrants", LIST_RETIRABLE, ops::list_retirable_grants);
    api.op("retire_grant", "RetireGrant", RETIRE_GRANT, ops::retire_grant);
    overload!(api, "retire_grant", "RetireGrant", ops::retire_grant, RETIRE_GRANT, [token: ImmutableString => "GrantToken"]);
    api.op("revoke_grant", "RevokeGrant", REVOKE_GRANT, ops::revoke_grant);
    overload!(api, "revoke_grant", "RevokeGrant", ops::revoke_grant, REVOKE_GRANT, [key_id: ImmutableString => "KeyId", grant_id: ImmutableString => "GrantId"]);

    api.op("get_public_key", "GetPublicKey", GET_PUBLIC_KEY, ops::get_public_key);
    overload!(api, "get_public_key", "GetPublicKey", ops::get_public_key, GET_PUBLIC_KEY, [key_id: ImmutableString => "KeyId"]);
    api.op("sign", "Sign", SIGN, ops::sign);
    overload!(api, "sign", "Sign", ops::sign, "Signs a RAW message with an asymmetric key and algorithm.\n```rhai\nlet s = kms::sign(\"alias/signer\", \"release 1.2\", \"ECDSA_SHA_256\");\n```", [key_id: ImmutableString => "KeyId", message: Dynamic => "Message", algorithm: ImmutableString => "SigningAlgorithm"]);
    api.op("verify", "Verify", VERIFY, ops::verify);
    overload!(api, "verify", "Verify", ops::verify, "Verifies a signature over a RAW message inside KMS.\n```rhai\nkms::verify(\"alias/signer\", \"release 1.2\", s.Signature, \"ECDSA_SHA_256\").SignatureValid\n```", [key_id: ImmutableString => "KeyId", message: Dynamic => "Message", signature: rhai::Blob => "Signature", algorithm: ImmutableString => "SigningAlgorithm"]);
    api.op("derive_shared_secret", "DeriveSharedSecret", DERIVE_SHARED_SECRET, ops::derive_shared_secret);
    overload!(api, "derive_shared_secret", "DeriveSharedSecret", ops::derive_shared_secret, "Derives a raw shared secret (ECDH) from a KEY_AGREEMENT key and a peer's DER public key.\n```rhai\nkms::derive_shared_secret(\"alias/alice\", \"ECDH\", bob_public).SharedSecret\n```", [key_id: ImmutableString => "KeyId", algorithm: ImmutableString => "KeyAgreementAlgorithm", public_key: rhai::Blob => "PublicKey"]);
    api.op("generate_mac", "GenerateMac", GENERATE_MAC, ops::generate_mac);
    api.op("verify_mac", "VerifyMac", VERIFY_MAC, ops::verify_mac);

    api.op("replicate_key", "ReplicateKey", REPLICATE_KEY, ops::replicate_key);
    overload!(api, "replicate_key", "ReplicateKey", ops::replicate_key, REPLICATE_KEY, [key_id: ImmutableString => "KeyId", region: ImmutableString => "ReplicaRegion"]);
    api.op("update_primary_region", "UpdatePrimaryRegion", UPDATE_PRIMARY_REGION, ops::update_primary_region);
    overload!(api, "update_primary_region", "UpdatePrimaryRegion", ops::update_primary_region, UPDATE_PRIMARY_REGION, [key_id: ImmutableString => "KeyId", region: ImmutableString => "PrimaryRegion"]);

    api.op("get_parameters_for_import", "GetParametersForImport", GET_IMPORT_PARAMS, ops::get_parameters_for_import);
    api.op("import_key_material", "ImportKeyMaterial", IMPORT_MATERIAL, ops::import_key_material);
    api.op("delete_imported_key_material", "DeleteImportedKeyMaterial", DELETE_MATERIAL, ops::delete_imported_key_material);

    register_helpers(&mut api);
    api.install(engine);
}

/// Helpers that are not KMS operations (they are not audited and need no permission).
fn register_helpers(api: &mut Api) {
    let h = api.handle();
    api.func(
        "key_policy",
        "Builds the key policy the KMS console writes (not a KMS call): the account statement (unless `IncludeRoot: false`), key administrators (`Admins`) and key users (`Users`), named by user name, `role/name` or ARN. Returns JSON text for `Policy`.\n```rhai\nlet p = kms::key_policy(#{ Admins: [\"alice\"], Users: [\"bob\", \"role/app\"] });\nkms::create_key(#{ Policy: p })\n```",
        &["spec: Map", "String"],
        move |ctx: NativeCallContext, spec: Map| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                for k in spec.keys() {
                    if !["Admins", "Users", "IncludeRoot", "Account"].contains(&k.as_str()) {
                        return Err(local_error(format!("kms::key_policy: unknown option `{k}` (known: Admins, Users, IncludeRoot, Account)")));
                    }
                }
                let account = match spec.get("Account") {
                    Some(a) => a.clone().into_string().map_err(|_| local_error("kms::key_policy: `Account` must be a string"))?,
                    None => w.caller().principal.account().unwrap_or(crate::world::DEFAULT_ACCOUNT).to_string(),
                };
                let root = match spec.get("IncludeRoot") {
                    Some(v) => v.as_bool().map_err(|_| local_error("kms::key_policy: `IncludeRoot` must be true or false"))?,
                    None => true,
                };
                let v = policies::console_key_policy(&account, &strings(&spec, "Admins")?, &strings(&spec, "Users")?, root);
                Ok(serde_json::to_string_pretty(&v).unwrap_or_default())
            })
        },
    );
    let h = api.handle();
    api.func(
        "local_encrypt",
        "Encrypts data on the client with a plaintext data key (not a KMS call: AES-GCM, 256- or 128-bit key, a fresh nonce from the world's seeded generator). Returns `nonce || ciphertext || tag` as a blob.\n```rhai\nlet dk = kms::generate_data_key(\"alias/demo\");\nlet sealed = kms::local_encrypt(dk.Plaintext, \"a large document ...\");\n```",
        &["data_key: Blob", "data: Dynamic", "Blob"],
        move |ctx: NativeCallContext, key: rhai::Blob, data: Dynamic| -> RhaiResult<rhai::Blob> {
            h.with(&ctx, |w| {
                let data = bytes_of(&data, "kms::local_encrypt: the data")?;
                let nonce = w.rng.array::<12>();
                crypto::local_encrypt(&key, nonce, &data).ok_or_else(|| local_error(format!("kms::local_encrypt: a data key must be 16 or 32 bytes, not {}", key.len())))
            })
        },
    );
    api.func(
        "local_decrypt",
        "Decrypts what `kms::local_encrypt` produced with the same plaintext data key (not a KMS call).\n```rhai\nlet dk2 = kms::decrypt(stored_key);\nkms::local_decrypt(dk2.Plaintext, sealed).as_string()\n```",
        &["data_key: Blob", "sealed: Blob", "Blob"],
        move |ctx: NativeCallContext, key: rhai::Blob, sealed: rhai::Blob| -> RhaiResult<rhai::Blob> {
            crypto::local_decrypt(&key, &sealed).ok_or_else(|| {
                let mut e = KmsError::InvalidCiphertextException.err("kms::local_decrypt: AES-GCM authentication failed: the data key is wrong or the data was changed");
                e.service = "kms".into();
                throw(e, ctx.call_position())
            })
        },
    );
    api.func(
        "verify_with_public_key",
        "Checks a signature with only a DER public key from `kms::get_public_key`, the way a client outside AWS does (not a KMS call: no permission, no audit event). `message` is the RAW message; returns true or false.\n```rhai\nlet pk = kms::get_public_key(\"alias/signer\").PublicKey;\nkms::verify_with_public_key(pk, \"release 1.2\", s.Signature, \"ECDSA_SHA_256\")\n```",
        &["public_key: Blob", "message: Dynamic", "signature: Blob", "algorithm: &str", "bool"],
        move |ctx: NativeCallContext, public: rhai::Blob, message: Dynamic, signature: rhai::Blob, alg: &str| -> RhaiResult<bool> {
            let message = bytes_of(&message, "kms::verify_with_public_key: the message").map_err(|e| throw(e, ctx.call_position()))?;
            ops::verify_outside(&public, &message, "RAW", &signature, alg).map_err(|mut e| {
                e.service = "kms".into();
                throw(e, ctx.call_position())
            })
        },
    );
    api.func(
        "derive_shared_secret_outside",
        "The peer's side of `kms::derive_shared_secret`, the way a client outside AWS computes it (not a KMS call: no permission, no audit event): ECDH between a DER PKCS#8 private key (P-256, P-384 or P-521, such as `PrivateKeyPlaintext` from `kms::generate_data_key_pair`) and a KMS key's public key from `kms::get_public_key`.\n```rhai\nlet alice_public = kms::get_public_key(\"alias/alice\").PublicKey;\nkms::derive_shared_secret_outside(bob.PrivateKeyPlaintext, alice_public)\n```",
        &["private_key: Blob", "peer_public_key: Blob", "Blob"],
        move |ctx: NativeCallContext, private: rhai::Blob, peer: rhai::Blob| -> RhaiResult<rhai::Blob> {
            ops::derive_shared_secret_outside(&private, &peer).map_err(|mut e| {
                e.service = "kms".into();
                throw(e, ctx.call_position())
            })
        },
    );
    let h = api.handle();
    api.func(
        "wrap_key_material",
        "Wraps key material with the public key from `kms::get_parameters_for_import`, as `openssl pkeyutl` does in AWS's import instructions (not a KMS call). `algorithm` is RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1.\n```rhai\nlet material = kms::generate_random(32).Plaintext;\nlet wrapped = kms::wrap_key_material(p.PublicKey, material, \"RSAES_OAEP_SHA_256\");\n```",
        &["public_key: Blob", "material: Blob", "algorithm: &str", "Blob"],
        move |ctx: NativeCallContext, public: rhai::Blob, material: rhai::Blob, alg: &str| -> RhaiResult<rhai::Blob> {
            h.with(&ctx, |w| {
                let alg = Wrapping::parse(alg).ok_or_else(|| local_error(format!("kms::wrap_key_material: `{alg}` is not RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1")))?;
                crypto::wrap(&mut w.rng, &public, alg, &material)
                    .ok_or_else(|| local_error("kms::wrap_key_material: the public key is not an RSA SubjectPublicKeyInfo, or the material is too long for it"))
            })
        },
    );
}

#[cfg(test)]
mod script_tests;
