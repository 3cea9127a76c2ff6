//! AWS Key Management Service, simulated.
//!
//! Keys never leave the service: scripts get key ids, ARNs and ciphertext blobs, and the
//! cryptography is real (AES-256-GCM with the `aes-gcm` crate; RSA-OAEP wrapping keys for
//! imported material with the `rsa` crate). Every key, nonce, data key and random byte comes
//! from the world's seeded generator, so a notebook gives the same ciphertexts on every run.
//! **This is a simulator: its keys are reproducible by design; never protect real data
//! with them.**
//!
//! # What is modelled, as AWS documents it
//! - Symmetric encryption keys (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`), origin `AWS_KMS` or
//!   `EXTERNAL`; full `KeyMetadata`. Aliases (`alias/` prefix, `alias/aws/` reserved, unique per account
//!   and Region, at most 50 per key), tags, descriptions.
//! - The key-state table of the Developer Guide ("Key states of KMS keys") drives every
//!   operation ([`model::gate`]) with AWS's exceptions and messages: `DisabledException:
//!   <key ARN> is disabled.`, `KMSInvalidStateException: <key ARN> is pending deletion.`, `...
//!   is pending import.`, `... is not pending deletion.`.
//! - Encrypt (1–4,096 bytes), Decrypt (the key comes from the blob; a different `KeyId` is an
//!   `IncorrectKeyException`), ReEncrypt, GenerateDataKey(WithoutPlaintext) (`KeySpec` or
//!   `NumberOfBytes` 1–1,024, not both), GenerateRandom. The encryption context is bound as
//!   additional authenticated data and must match exactly (only pair order may differ);
//!   any changed byte of a blob is an `InvalidCiphertextException`. The blob layout is
//!   documented in [`crypto`]. `DryRun: true` checks a request (its parameters, the caller's
//!   access, the key's state and usage) and answers `DryRunOperationException`; on Decrypt
//!   and ReEncrypt, `DryRunModifiers: ["IGNORE_CIPHERTEXT"]` checks access to the key named
//!   by `KeyId`/`SourceKeyId` without a ciphertext.
//! - Key policies: the default policy (`key-default-1`), Get/Put/ListKeyPolicies (policy
//!   name `default`), the policy lockout safety check, and a builder for the console's
//!   policy with key administrators and key users ([`policies`]). Every call is authorized
//!   by the world's one authorizer with the key policy as a resource policy that must grant:
//!   IAM policies count only when the key policy trusts the account; an explicit deny
//!   anywhere wins. Condition keys: `kms:CallerAccount`, `kms:ViaService`,
//!   `kms:EncryptionContext:<key>`, `kms:EncryptionContextKeys`, `kms:EncryptionAlgorithm`,
//!   `kms:GrantOperations`, `kms:GranteePrincipal`, `kms:RetiringPrincipal`,
//!   `kms:GrantIsForAWSResource`, `kms:GrantConstraintType`, `kms:DataKeyPairSpec`, `kms:KeySpec`, `kms:KeyUsage`,
//!   `kms:KeyOrigin`, `kms:MultiRegion`, `kms:RequestAlias`, `kms:ResourceAliases`,
//!   `kms:ReEncryptOnSameKey`, `kms:RotationPeriodInDays`,
//!   `kms:ScheduleKeyDeletionPendingWindowInDays`, `kms:WrappingAlgorithm`,
//!   `kms:WrappingKeySpec`, `kms:ExpirationModel`, `kms:ValidTo`, `kms:SigningAlgorithm`,
//!   `kms:MessageType`, `kms:MacAlgorithm`, `kms:KeyAgreementAlgorithm`,
//!   `kms:BypassPolicyLockoutSafetyCheck`, `aws:ResourceTag/*`, `aws:RequestTag/*`, `aws:TagKeys`.
//! - Grants: CreateGrant / ListGrants / ListRetirableGrants / RetireGrant / RevokeGrant.
//!   A grant allows its grantee (an ARN; a role ARN covers the role's sessions) the listed
//!   operations within its encryption-context constraints; an explicit deny still wins.
//!   Eventual consistency is modelled: a grant works without its token only
//!   [`ops::GRANT_PROPAGATION`] (5 minutes) after creation; passing the `GrantToken`
//!   (up to 10 per call) uses it at once.
//! - Rotation: EnableKeyRotation (`RotationPeriodInDays` 90–2,560, default 365),
//!   GetKeyRotationStatus, automatic rotation when the clock passes the date (a `RotateKey`
//!   service event), RotateKeyOnDemand (25 per key; `ConflictException` within 20 minutes of
//!   an automatic rotation), ListKeyRotations. Old backing keys are kept and the blob names
//!   its version, so old ciphertexts decrypt. A disabled or pending-deletion key is not
//!   rotated; an overdue rotation runs when it is enabled again.
//! - Deletion: ScheduleKeyDeletion (`PendingWindowInDays` 7–30, default 30), the key and its
//!   aliases are gone once the clock passes `DeletionDate` (a `DeleteKey` service event);
//!   CancelKeyDeletion leaves the key Disabled.
//! - Imported material: CreateKey with Origin EXTERNAL (PendingImport), GetParametersForImport
//!   (RSA 2048/3072/4096 wrapping key + import token, valid 24 h; RSAES_OAEP_SHA_256 and
//!   RSAES_OAEP_SHA_1), ImportKeyMaterial (only the same material can be re-imported; optional
//!   `ValidTo` expiry, a `DeleteExpiredKeyMaterial` service event, back to PendingImport),
//!   DeleteImportedKeyMaterial. No automatic or on-demand rotation for such keys.
//! - Asymmetric and HMAC keys ([`asymmetric`], [`ops::get_public_key`], [`ops::sign`], ...):
//!   KeySpec RSA_2048/3072/4096 (ENCRYPT_DECRYPT or SIGN_VERIFY), ECC_NIST_P256/P384/P521
//!   (SIGN_VERIFY or KEY_AGREEMENT), ECC_SECG_P256K1 (SIGN_VERIFY), HMAC_224/256/384/512
//!   (GENERATE_VERIFY_MAC), key pairs generated from the world's seeded generator. GetPublicKey (DER SubjectPublicKeyInfo), Sign/Verify with AWS's
//!   algorithm names and MessageType RAW (1–4,096 bytes) or DIGEST (`Digest is invalid length
//!   for algorithm ...`), KMSInvalidSignatureException; Encrypt/Decrypt with RSAES_OAEP_SHA_1/256
//!   and AWS's per-algorithm plaintext limits (Decrypt needs KeyId and EncryptionAlgorithm; no
//!   encryption context); GenerateMac/VerifyMac, KMSInvalidMacException. Key usage is checked
//!   with AWS's message (`<ARN> key usage is SIGN_VERIFY which is not valid for Encrypt.`);
//!   ReEncrypt from and to RSA ENCRYPT_DECRYPT keys (`SourceKeyId` and
//!   `SourceEncryptionAlgorithm` name an RSA source, `DestinationEncryptionAlgorithm` an RSA
//!   destination; key material ids only for symmetric sides, as Decrypt's `KeyMaterialId`);
//!   such keys never rotate; grants may name only the operations the key supports.
//!   `kms::verify_with_public_key` (not an API) checks a signature with the DER public key only.
//! - Key agreement ([`ops::derive_shared_secret`]): DeriveSharedSecret with `ECDH` between a
//!   KEY_AGREEMENT key and a peer's DER SubjectPublicKeyInfo on the same curve returns the raw
//!   shared secret; `KeyAgreementAlgorithms` in DescribeKey and GetPublicKey; the condition key
//!   `kms:KeyAgreementAlgorithm`. Bytes that are not a public key give ValidationException with
//!   an empty message, AWS's recorded answer (LocalStack's AWS-validated
//!   `test_derive_shared_secret`); a key on another curve gets the same here. The response's
//!   `KeyId` is the key ID, as AWS's CLI example and that recording show for a request naming
//!   the key ID.
//!   `kms::derive_shared_secret_outside` (not an API) is the peer's side outside KMS.
//! - Data key pairs ([`ops::generate_data_key_pair`], [`ops::generate_data_key_pair_without_plaintext`]):
//!   KeyPairSpec RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_SECG_P256K1; the public key
//!   as DER SubjectPublicKeyInfo, the private key as DER PKCS#8, and the private key sealed
//!   under a symmetric encryption key (with the encryption context) for Decrypt to open.
//! - Multi-Region keys ([`ops::replicate_key`], [`ops::update_primary_region`]): `mrk-` ids;
//!   ReplicateKey into another Region of the account (same key id, spec, usage and key
//!   material; its own policy, description, tags, grants, aliases and state); a ciphertext of
//!   one related key decrypts with any other in its own Region; `MultiRegionConfiguration`
//!   (PRIMARY/REPLICA, PrimaryKey, ReplicaKeys) the same on every related key; rotation only
//!   on the primary, its new material reaching the replicas; UpdatePrimaryRegion swaps the
//!   roles (rotation settings move with the primary role); ScheduleKeyDeletion on a primary
//!   with replicas leaves it PendingReplicaDeletion without a DeletionDate until the last
//!   replica is deleted, then its own waiting period starts.
//! - AWS managed keys (`alias/aws/s3`, `alias/aws/ebs`, ...) are created on first use
//!   ([`ops::aws_managed_key`], or any call naming the alias): KeyManager AWS, a policy that
//!   allows use only through the service by principals of the account, yearly rotation, and
//!   no changes by anyone. Until then ListAliases shows their predefined aliases without a
//!   `TargetKeyId`.
//!
//! # Simplified or not modelled
//! - Ed25519, SM2, ML-DSA/ML-KEM keys, imported asymmetric material, custom key stores (CloudHSM, external) and therefore the
//!   `Unavailable` state: CreateKey refuses them with `UnsupportedOperationException` naming
//!   the simulator, as GenerateDataKeyPair refuses the ECC_NIST_EDWARDS25519, ML_KEM_* and
//!   SM2 (China Regions only) key pair specs (before looking up the key or authorizing). AWS lists `kms:EncryptionAlgorithm` for both
//!   actions of ReEncrypt without saying which parameter each sees: here ReEncryptFrom sees
//!   `SourceEncryptionAlgorithm` and ReEncryptTo `DestinationEncryptionAlgorithm`. The
//!   `Recipient` (Nitro Enclaves) parameter (Decrypt, GenerateDataKey*, GenerateRandom, DeriveSharedSecret)
//!   is not modelled (an unknown parameter). secp256k1 signatures from Sign always have the low
//!   `s` (AWS returns either); Verify accepts both. Messages AWS does
//!   not document are the simulator's wording in AWS's style: the RSA plaintext limit, an
//!   encryption context on an RSA key (ValidationException), GetPublicKey on a symmetric or
//!   HMAC key and rotation of an asymmetric key (UnsupportedOperationException), a data key
//!   from an RSA key (`... key spec is RSA_2048 which is not valid for GenerateDataKey.`).
//! - Multi-Region: the Creating and Updating states (replication and primary changes complete
//!   at once), replicating keys with imported material (UnsupportedOperationException),
//!   SynchronizeMultiRegionKey; a replica's GetKeyRotationStatus reports its own (off)
//!   setting. The 2025 flow that imports new material into an EXTERNAL key for on-demand
//!   rotation.
//! - The deletion waiting period is exact (AWS says "might be up to 24 hours longer"); an
//!   on-demand rotation completes at once.
//! - A grant to an account (its root ARN or id) is used by that account's root user only;
//!   a grantee creating grants must ask for a subset of its own grant's operations (its
//!   constraints are not compared). Retiring or revoking a grant takes effect at once.
//! - Principals named in key policies and grants are not checked for existence.
//!
//! # For other services
//! S3 (SSE-KMS) and EBS call the typed operations inside `c.nested(&service::KMS, ...)`:
//! [`ops::generate_data_key`], [`ops::decrypt`], [`ops::encrypt`], [`ops::create_grant`], and
//! [`ops::aws_managed_key`] for `alias/aws/s3` / `alias/aws/ebs`. Inside a nested call
//! `kms:ViaService` is `<service>.<region>.amazonaws.com` and CloudTrail records `invokedBy`.

pub mod asymmetric;
pub mod bindings;
pub mod crypto;
pub mod error;
pub mod model;
pub mod ops;
pub mod policies;

pub use error::KmsError;
pub use model::KmsState;

use crate::world::audit::{AuditEvent, EventResource, JsonText, UserIdentity};
use crate::world::{Duration, Principal, Timestamp, World};

use model::{KeyRef, KeyState, Origin};

/// The key policy of the key a KMS key or alias ARN names, for questions asked without an
/// operation (`iam::can`, `iam::access_matrix`): it must grant, like in every KMS call.
pub fn resource_policy(w: &World, arn: &crate::world::Arn) -> Option<crate::world::authz::ResourcePolicy> {
    let name = model::parse_key_name(&arn.to_string(), &arn.account, &arn.region).ok()?;
    let r = model::find(&w.kms, name).ok()?;
    let k = w.kms.key(&r)?;
    Some(crate::world::authz::ResourcePolicy { policy: k.policy.clone(), id: policies::POLICY_ID.into(), must_grant: true, owner: k.account.clone() })
}

/// What falls due on a key: deletion, expiry of imported material, automatic rotation.
fn due(k: &model::Key) -> Option<Timestamp> {
    let deletion = k.deletion_date.filter(|_| k.state == KeyState::PendingDeletion);
    let expiry = k.imported.as_ref().and_then(|i| i.valid_to).filter(|_| k.current().is_some());
    let rotation = k.rotation.next.filter(|_| k.rotation.enabled && k.state == KeyState::Enabled && k.origin == Origin::AWS_KMS);
    [deletion, expiry, rotation].into_iter().flatten().min()
}

/// When KMS next has work due on the clock.
pub fn next_due(w: &World) -> Option<Timestamp> {
    w.kms.all_keys().filter_map(due).min()
}

/// Runs the work due at `now`: deletes keys whose waiting period is over, deletes expired
/// imported material, rotates keys whose rotation date has come. Each is a CloudTrail
/// service event (`DeleteKey`, `DeleteExpiredKeyMaterial`, `RotateKey`).
pub fn run_due(w: &mut World, now: Timestamp) {
    let refs: Vec<KeyRef> = w.kms.all_keys().filter(|k| due(k).is_some_and(|d| d <= now)).map(|k| k.key_ref()).collect();
    for r in refs {
        let Some(k) = w.kms.key(&r) else { continue };
        let arn = k.arn.clone();
        if k.state == KeyState::PendingDeletion && k.deletion_date.is_some_and(|d| d <= now) {
            w.kms.delete_key(&r);
            w.kms.forget_replica(&r, now);
            service_event(w, &r, &arn, "DeleteKey", now);
            continue;
        }
        if k.imported.as_ref().and_then(|i| i.valid_to).is_some_and(|v| v <= now) && k.current().is_some() {
            if let Some(k) = w.kms.key_mut(&r) {
                ops::delete_material(k);
            }
            service_event(w, &r, &arn, "DeleteExpiredKeyMaterial", now);
            continue;
        }
        // Automatic rotation: a new backing key, the old ones kept.
        let fresh = model::BackingKey { material: w.rng.bytes(32), id: w.rng.hex_id(64), created: now, rotation_type: Some("AUTOMATIC".into()) };
        if let Some(k) = w.kms.key_mut(&r) {
            let scheduled = k.rotation.next.unwrap_or(now);
            k.materials.push(fresh);
            k.rotation.next = Some(scheduled.plus(Duration::days(k.rotation.period_days as i64)));
        }
        w.kms.share_materials(&r);
        service_event(w, &r, &arn, "RotateKey", now);
    }
}

/// A CloudTrail event KMS records for work it does on its own (`eventType: AwsServiceEvent`).
fn service_event(w: &mut World, r: &KeyRef, arn: &str, name: &'static str, at: Timestamp) {
    let request_id = w.rng.uuid_v4();
    let event_id = w.rng.uuid_v4();
    let service = Principal::Service { service: "kms.amazonaws.com".into() };
    let mut identity = UserIdentity::of(&service);
    identity.account_id = Some(r.account.clone());
    w.record(AuditEvent {
        event_version: "1.09".into(),
        event_time: at,
        event_source: "kms.amazonaws.com".into(),
        event_name: name.into(),
        aws_region: r.region.clone().into(),
        source_ip_address: "kms.amazonaws.com".into(),
        user_identity: std::sync::Arc::new(identity),
        request_parameters: JsonText::NULL,
        response_elements: JsonText::NULL,
        error_code: None,
        error_message: None,
        request_id,
        event_id,
        read_only: false,
        resources: vec![EventResource { arn: arn.into(), kind: Some("AWS::KMS::Key".into()) }],
        event_type: "AwsServiceEvent".into(),
        event_category: "Management".into(),
        recipient_account_id: r.account.clone().into(),
    }, true);
}
