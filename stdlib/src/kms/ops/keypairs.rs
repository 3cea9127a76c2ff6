//! Operations on asymmetric and HMAC keys: GetPublicKey, Sign, Verify, DeriveSharedSecret,
//! GenerateMac, VerifyMac, and the RSA-OAEP paths of Encrypt and Decrypt. The cryptography is in
//! [`crate::kms::asymmetric`]; this file applies the API's order (validate the request,
//! find the key, authorize, key-state table, key usage and algorithm, then compute).

use super::*;
use crate::kms::asymmetric::{self, MAC_ALGORITHMS, SIGNING_ALGORITHMS, Spec, SigningAlgorithm};
use crate::kms::error::{INVALID_MAC, INVALID_SIGNATURE};
use crate::kms::model::require_usage;

/// `MessageType` values.
const MESSAGE_TYPES: &[&str] = &["RAW", "DIGEST", "EXTERNAL_MU"];

/// The key's spec and current private material (asymmetric and HMAC keys always have it:
/// they are created with AWS_KMS origin and never rotate).
fn pair(c: &Call, r: &KeyRef) -> (Spec, Vec<u8>) {
    let k = key(c, r);
    let spec = k.spec().expect("checked: an asymmetric or HMAC key");
    let (_, bk) = k.current().expect("asymmetric keys keep their material");
    (spec, bk.material.clone())
}

/// `Algorithm X is incompatible with key spec Y.`
fn incompatible(alg: &str, k: &Key) -> AwsError {
    KmsError::InvalidKeyUsageException.err(format!("Algorithm {alg} is incompatible with key spec {}.", k.key_spec))
}

/// The digest a Sign/Verify request signs: the hash of a RAW message, or a DIGEST message as
/// given, which must be exactly as long as the algorithm's hash.
fn digest_of(message: &[u8], message_type: &str, alg_name: &str, alg: SigningAlgorithm) -> Result<Vec<u8>, AwsError> {
    match message_type {
        "RAW" => Ok(alg.hash.digest(message)),
        "DIGEST" if message.len() == alg.hash.output_len() => Ok(message.to_vec()),
        "DIGEST" => Err(KmsError::ValidationException.err(format!("Digest is invalid length for algorithm {alg_name}."))),
        other => Err(KmsError::UnsupportedOperationException.err(format!("MessageType {other} is for ML-DSA keys, which this simulator does not model."))),
    }
}

/// Validates the parts of a Sign/Verify request that do not depend on the key.
fn check_sign_request(message: &Blob, message_type: &Option<String>, alg: &str) -> Result<String, AwsError> {
    check_len(message.len(), "message", 1, 4096)?;
    let mt = message_type.clone().unwrap_or_else(|| "RAW".into());
    check_enum(&mt, "messageType", MESSAGE_TYPES)?;
    check_enum(alg, "signingAlgorithm", SIGNING_ALGORITHMS)?;
    Ok(mt)
}

/// After authorization and the key-state table: a SIGN_VERIFY key, an algorithm it supports.
fn signing_key(c: &Call, r: &KeyRef, alg_name: &str, op: &str) -> Result<SigningAlgorithm, AwsError> {
    let k = key(c, r);
    gate(k, Gate::Crypto)?;
    require_usage(k, "SIGN_VERIFY", false, op)?;
    if !k.spec().is_some_and(|s| s.signing_algorithms().iter().any(|a| a == alg_name)) {
        return Err(incompatible(alg_name, k));
    }
    Ok(SigningAlgorithm::parse(alg_name).expect("every algorithm a modelled spec lists is modelled"))
}

/// What Sign and Verify compute with, once the key is found and authorized.
struct SignatureWork {
    r: KeyRef,
    alg: SigningAlgorithm,
    digest: Vec<u8>,
    spec: Spec,
    private: Vec<u8>,
}

/// The part of Sign and Verify after the request checks: find the key, authorize `op` (with
/// the signing algorithm and message type as condition keys), the key-state table, usage and
/// algorithm, the digest, then DryRun.
#[allow(clippy::too_many_arguments)]
fn signature_work(
    c: &mut Call,
    op: &'static str,
    key_id: &str,
    message: &Blob,
    message_type: &str,
    alg_name: &str,
    grant_tokens: &Option<Vec<String>>,
    dry: Option<bool>,
) -> Result<SignatureWork, AwsError> {
    let tokens = read_tokens(grant_tokens)?;
    let (r, alias) = resolve(c, key_id)?;
    let action = format!("kms:{op}");
    let ask = Ask::new(&action)
        .grant(op, &tokens)
        .alias(alias.as_deref())
        .ctx("kms:SigningAlgorithm", ContextValue::string(alg_name.to_string()))
        .ctx("kms:MessageType", ContextValue::string(message_type.to_string()));
    authorize_key(c, &r, ask)?;
    let alg = signing_key(c, &r, alg_name, op)?;
    let digest = digest_of(&message.0, message_type, alg_name, alg)?;
    dry_run(dry)?;
    let (spec, private) = pair(c, &r);
    Ok(SignatureWork { r, alg, digest, spec, private })
}

// ---------------------------------------------------------------------------------------
// GetPublicKey
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GetPublicKeyRequest {
    pub key_id: String,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPublicKeyResponse {
    pub key_id: String,
    /// DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).
    pub public_key: Blob,
    pub customer_master_key_spec: String,
    pub key_spec: String,
    pub key_usage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_algorithms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_agreement_algorithms: Option<Vec<String>>,
}

/// GetPublicKey: the public half of an asymmetric key, usable outside KMS.
pub fn get_public_key(c: &mut Call, req: GetPublicKeyRequest) -> Result<GetPublicKeyResponse, AwsError> {
    let tokens = read_tokens(&req.grant_tokens)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    authorize_key(c, &r, Ask::new("kms:GetPublicKey").grant("GetPublicKey", &tokens).alias(alias.as_deref()))?;
    let k = key(c, &r);
    gate(k, Gate::Crypto)?;
    if k.spec().is_none_or(Spec::is_hmac) {
        return Err(KmsError::UnsupportedOperationException.err(format!("{} key spec {} is not valid for GetPublicKey: it has no public key.", k.arn, k.key_spec)));
    }
    let (spec, private) = pair(c, &r);
    let k = key(c, &r);
    Ok(GetPublicKeyResponse {
        key_id: k.arn.clone(),
        public_key: Blob(asymmetric::public_der(spec, &private).expect("stored key pairs decode")),
        customer_master_key_spec: k.key_spec.clone(),
        key_spec: k.key_spec.clone(),
        key_usage: k.key_usage.clone(),
        encryption_algorithms: algorithms(k, ENCRYPT_DECRYPT),
        signing_algorithms: algorithms(k, "SIGN_VERIFY"),
        key_agreement_algorithms: algorithms(k, KEY_AGREEMENT),
    })
}

// ---------------------------------------------------------------------------------------
// Sign / Verify
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SignRequest {
    pub key_id: String,
    pub message: Blob,
    #[serde(default)]
    pub message_type: Option<String>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    pub signing_algorithm: String,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignResponse {
    pub key_id: String,
    pub signature: Blob,
    pub signing_algorithm: String,
}

/// Sign: a signature over a message (RAW, up to 4,096 bytes, hashed by KMS) or over a
/// digest (DIGEST, as long as the algorithm's hash).
pub fn sign(c: &mut Call, req: SignRequest) -> Result<SignResponse, AwsError> {
    let mt = check_sign_request(&req.message, &req.message_type, &req.signing_algorithm)?;
    let SignatureWork { r, alg, digest, spec, private } = signature_work(c, "Sign", &req.key_id, &req.message, &mt, &req.signing_algorithm, &req.grant_tokens, req.dry_run)?;
    let signature = asymmetric::sign(c.rng(), spec, &private, alg, &digest).expect("the algorithm fits the key");
    Ok(SignResponse { key_id: key(c, &r).arn.clone(), signature: Blob(signature), signing_algorithm: req.signing_algorithm })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VerifyRequest {
    pub key_id: String,
    pub message: Blob,
    #[serde(default)]
    pub message_type: Option<String>,
    pub signature: Blob,
    pub signing_algorithm: String,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyResponse {
    pub key_id: String,
    pub signature_valid: bool,
    pub signing_algorithm: String,
}

/// Verify: `SignatureValid: true`, or KMSInvalidSignatureException ("If the signature
/// verification fails, the Verify operation fails with an KMSInvalidSignatureException").
pub fn verify(c: &mut Call, req: VerifyRequest) -> Result<VerifyResponse, AwsError> {
    let mt = check_sign_request(&req.message, &req.message_type, &req.signing_algorithm)?;
    check_len(req.signature.len(), "signature", 1, 6144)?;
    let SignatureWork { r, alg, digest, spec, private } = signature_work(c, "Verify", &req.key_id, &req.message, &mt, &req.signing_algorithm, &req.grant_tokens, req.dry_run)?;
    let public = asymmetric::public_der(spec, &private).expect("stored key pairs decode");
    if !asymmetric::verify(&public, alg, &digest, &req.signature.0) {
        return Err(KmsError::KmsInvalidSignatureException.err(INVALID_SIGNATURE));
    }
    Ok(VerifyResponse { key_id: key(c, &r).arn.clone(), signature_valid: true, signing_algorithm: req.signing_algorithm })
}

// ---------------------------------------------------------------------------------------
// DeriveSharedSecret
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeriveSharedSecretRequest {
    pub key_id: String,
    pub key_agreement_algorithm: String,
    /// The peer's public key, DER SubjectPublicKeyInfo on the KMS key's curve.
    pub public_key: Blob,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeriveSharedSecretResponse {
    pub key_id: String,
    pub shared_secret: Blob,
    pub key_agreement_algorithm: String,
    pub key_origin: String,
}

/// DeriveSharedSecret: ECDH between the private key of a KEY_AGREEMENT key pair and a peer's
/// public key on the same curve; the raw shared secret.
pub fn derive_shared_secret(c: &mut Call, req: DeriveSharedSecretRequest) -> Result<DeriveSharedSecretResponse, AwsError> {
    check_enum(&req.key_agreement_algorithm, "keyAgreementAlgorithm", &["ECDH"])?;
    check_len(req.public_key.len(), "publicKey", 1, 8192)?;
    let tokens = read_tokens(&req.grant_tokens)?;
    let (r, alias) = resolve(c, &req.key_id)?;
    let ask = Ask::new("kms:DeriveSharedSecret")
        .grant("DeriveSharedSecret", &tokens)
        .alias(alias.as_deref())
        .ctx("kms:KeyAgreementAlgorithm", ContextValue::string(req.key_agreement_algorithm.clone()));
    authorize_key(c, &r, ask)?;
    let k = key(c, &r);
    gate(k, Gate::Crypto)?;
    require_usage(k, KEY_AGREEMENT, false, "DeriveSharedSecret")?;
    let (spec, private) = pair(c, &r);
    // Decoding the peer key is the last check and ECDH the work, in one step. Bytes that are not
    // a public key get ValidationException with an empty message (AWS's answer, recorded in
    // LocalStack's AWS-validated snapshot of `test_derive_shared_secret`); so does a key on
    // another curve here.
    let secret = asymmetric::ecdh(spec, &private, &req.public_key.0).ok_or_else(|| KmsError::ValidationException.err(""))?;
    dry_run(req.dry_run)?;
    let k = key(c, &r);
    // The key ID, where Sign and Verify return the ARN: AWS's CLI example and LocalStack's
    // AWS-recorded response (both for a request naming the key ID) show the key ID. What AWS
    // returns for a request naming an ARN or alias is not documented.
    Ok(DeriveSharedSecretResponse {
        key_id: k.key_id.clone(),
        shared_secret: Blob(secret),
        key_agreement_algorithm: req.key_agreement_algorithm,
        key_origin: k.origin.as_str().into(),
    })
}

/// The other peer's side of DeriveSharedSecret, outside KMS: ECDH between a PKCS#8 private key
/// (P-256, P-384 or P-521) and a DER SubjectPublicKeyInfo on the same curve.
pub fn derive_shared_secret_outside(private_pkcs8: &[u8], peer_public: &[u8]) -> Result<Vec<u8>, AwsError> {
    [Spec::P256, Spec::P384, Spec::P521].into_iter().find_map(|spec| asymmetric::ecdh(spec, private_pkcs8, peer_public)).ok_or_else(|| {
        KmsError::ValidationException.err("kms::derive_shared_secret_outside: the private key is not a DER PKCS#8 P-256, P-384 or P-521 key, or the public key is not a SubjectPublicKeyInfo on its curve")
    })
}

// ---------------------------------------------------------------------------------------
// GenerateMac / VerifyMac
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenerateMacRequest {
    pub message: Blob,
    pub key_id: String,
    pub mac_algorithm: String,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateMacResponse {
    pub mac: Blob,
    pub mac_algorithm: String,
    pub key_id: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VerifyMacRequest {
    pub message: Blob,
    pub key_id: String,
    pub mac_algorithm: String,
    pub mac: Blob,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyMacResponse {
    pub key_id: String,
    pub mac_valid: bool,
    pub mac_algorithm: String,
}

/// The shared steps of GenerateMac and VerifyMac: (hash, secret) of the HMAC key.
fn mac_key(c: &mut Call, key_id: &str, alg: &str, tokens: &Option<Vec<String>>, message: &Blob, op: &'static str) -> Result<(KeyRef, asymmetric::Hash, Vec<u8>), AwsError> {
    check_len(message.len(), "message", 1, 4096)?;
    check_enum(alg, "macAlgorithm", MAC_ALGORITHMS)?;
    let tokens = read_tokens(tokens)?;
    let (r, alias) = resolve(c, key_id)?;
    let action = format!("kms:{op}");
    let ask = Ask::new(&action).grant(op, &tokens).alias(alias.as_deref()).ctx("kms:MacAlgorithm", ContextValue::string(alg.to_string()));
    authorize_key(c, &r, ask)?;
    let k = key(c, &r);
    gate(k, Gate::Crypto)?;
    require_usage(k, "GENERATE_VERIFY_MAC", false, op)?;
    if !k.spec().is_some_and(|s| s.mac_algorithms().iter().any(|a| a == alg)) {
        return Err(incompatible(alg, k));
    }
    let (_, secret) = pair(c, &r);
    Ok((r, asymmetric::mac_hash(alg).expect("listed MAC algorithms are modelled"), secret))
}

/// GenerateMac: an HMAC of a message of up to 4,096 bytes with an HMAC key.
pub fn generate_mac(c: &mut Call, req: GenerateMacRequest) -> Result<GenerateMacResponse, AwsError> {
    let (r, hash, secret) = mac_key(c, &req.key_id, &req.mac_algorithm, &req.grant_tokens, &req.message, "GenerateMac")?;
    dry_run(req.dry_run)?;
    let mac = asymmetric::mac(hash, &secret, &req.message.0);
    Ok(GenerateMacResponse { mac: Blob(mac), mac_algorithm: req.mac_algorithm, key_id: key(c, &r).arn.clone() })
}

/// VerifyMac: `MacValid: true`, or KMSInvalidMacException.
pub fn verify_mac(c: &mut Call, req: VerifyMacRequest) -> Result<VerifyMacResponse, AwsError> {
    check_len(req.mac.len(), "mac", 1, 6144)?;
    let (r, hash, secret) = mac_key(c, &req.key_id, &req.mac_algorithm, &req.grant_tokens, &req.message, "VerifyMac")?;
    dry_run(req.dry_run)?;
    if !asymmetric::mac_matches(hash, &secret, &req.message.0, &req.mac.0) {
        return Err(KmsError::KmsInvalidMacException.err(INVALID_MAC));
    }
    Ok(VerifyMacResponse { key_id: key(c, &r).arn.clone(), mac_valid: true, mac_algorithm: req.mac_algorithm })
}

// ---------------------------------------------------------------------------------------
// RSA encryption (the asymmetric paths of Encrypt and Decrypt)
// ---------------------------------------------------------------------------------------

/// The RSA-OAEP algorithm of a request on an RSA ENCRYPT_DECRYPT key (it must be named:
/// the default SYMMETRIC_DEFAULT does not fit), and no encryption context ("not supported
/// with asymmetric keys").
fn rsa_algorithm(k: &Key, alg: &Option<String>, ec: &EncryptionContext) -> Result<String, AwsError> {
    let alg = alg.clone().unwrap_or_else(|| SYMMETRIC_DEFAULT.into());
    if !k.spec().is_some_and(|s| s.encryption_algorithms().contains(&alg)) {
        return Err(incompatible(&alg, k));
    }
    if !ec.is_empty() {
        return Err(KmsError::ValidationException.err(format!("{} is an asymmetric KMS key: an encryption context is supported only with symmetric encryption keys.", k.arn)));
    }
    Ok(alg)
}

/// Checks an RSA key for the encrypting or decrypting side of `op`: usage ENCRYPT_DECRYPT,
/// an RSA-OAEP algorithm the key supports, no encryption context. Returns the algorithm.
pub(super) fn rsa_check(k: &Key, alg: &Option<String>, ec: &EncryptionContext, op: &str) -> Result<String, AwsError> {
    require_usage(k, ENCRYPT_DECRYPT, false, op)?;
    rsa_algorithm(k, alg, ec)
}

/// AWS's per-algorithm plaintext limit for RSA-OAEP with the key (RSA_2048: 214 bytes with
/// SHA-1, 190 with SHA-256).
pub(super) fn rsa_fits(k: &Key, alg: &str, len: usize) -> Result<(), AwsError> {
    let Some(Spec::Rsa(bits)) = k.spec() else { unreachable!("only RSA keys encrypt asymmetrically") };
    let max = asymmetric::oaep_max_plaintext(bits, alg);
    if len > max {
        return Err(KmsError::ValidationException.err(format!("Algorithm {alg} and key spec {} cannot encrypt data larger than {max} bytes.", k.key_spec)));
    }
    Ok(())
}

/// RSA-OAEP encryption under the key (checked with [`rsa_check`] and [`rsa_fits`]).
pub(super) fn rsa_seal(c: &mut Call, r: &KeyRef, alg: &str, plaintext: &[u8]) -> Vec<u8> {
    let (_, private) = pair(c, r);
    asymmetric::rsa_encrypt(c.rng(), &private, alg, plaintext).expect("the plaintext fits the key")
}

/// RSA-OAEP decryption with the key (checked with [`rsa_check`]); InvalidCiphertextException
/// when the ciphertext was not made with this key and algorithm.
pub(super) fn rsa_open(c: &Call, r: &KeyRef, alg: &str, ciphertext: &[u8]) -> Result<Vec<u8>, AwsError> {
    let (_, private) = pair(c, r);
    asymmetric::rsa_decrypt(&private, alg, ciphertext).ok_or_else(|| KmsError::InvalidCiphertextException.err(INVALID_CIPHERTEXT))
}

/// Encrypt with an RSA key (already authorized and gated).
pub(super) fn rsa_encrypt(c: &mut Call, r: &KeyRef, req: &EncryptRequest, ec: &EncryptionContext) -> Result<EncryptResponse, AwsError> {
    let k = key(c, r);
    let alg = rsa_check(k, &req.encryption_algorithm, ec, "Encrypt")?;
    rsa_fits(k, &alg, req.plaintext.len())?;
    dry_run(req.dry_run)?;
    let blob = rsa_seal(c, r, &alg, &req.plaintext.0);
    Ok(EncryptResponse { ciphertext_blob: Blob(blob), key_id: key(c, r).arn.clone(), encryption_algorithm: alg })
}

/// Decrypt with an RSA key named by the request's KeyId ("required when you decrypt with
/// an asymmetric KMS key"; the ciphertext does not name its key).
pub(super) fn rsa_decrypt(c: &mut Call, r: &KeyRef, alias: Option<&str>, req: &DecryptRequest, ec: &EncryptionContext, tokens: &[(String, String)]) -> Result<DecryptResponse, AwsError> {
    let alg_ctx = req.encryption_algorithm.clone().unwrap_or_else(|| SYMMETRIC_DEFAULT.into());
    let ask = Ask::new("kms:Decrypt").grant("Decrypt", tokens).alias(alias).ctx("kms:EncryptionAlgorithm", ContextValue::string(alg_ctx));
    authorize_key(c, r, ask)?;
    let k = key(c, r);
    gate(k, Gate::Crypto)?;
    let alg = rsa_check(k, &req.encryption_algorithm, ec, "Decrypt")?;
    dry_run(req.dry_run)?;
    let plain = rsa_open(c, r, &alg, &req.ciphertext_blob.0)?;
    Ok(DecryptResponse { key_id: key(c, r).arn.clone(), plaintext: Blob(plain), encryption_algorithm: alg, key_material_id: None })
}

/// Checks a public key DER and signature outside KMS (the script helper
/// `kms::verify_with_public_key`): what a client does with the output of GetPublicKey.
/// `Err` only for an unknown algorithm or message type or a digest of the wrong length.
pub fn verify_outside(public_der: &[u8], message: &[u8], message_type: &str, signature: &[u8], alg_name: &str) -> Result<bool, AwsError> {
    let alg = SigningAlgorithm::parse(alg_name)
        .ok_or_else(|| constraint(Some(alg_name), "signingAlgorithm", "be one of RSASSA_PSS_SHA_256/384/512, RSASSA_PKCS1_V1_5_SHA_256/384/512, ECDSA_SHA_256/384/512"))?;
    let digest = digest_of(message, message_type, alg_name, alg)?;
    Ok(asymmetric::verify(public_der, alg, &digest, signature))
}

// ---------------------------------------------------------------------------------------
// Data key pairs (GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext)
// ---------------------------------------------------------------------------------------

/// `DataKeyPairSpec`, every value of the API (those generated here are
/// [`asymmetric::DATA_KEY_PAIR_SPECS`]).
const DATA_KEY_PAIR_SPEC_ENUM: &[&str] = &[
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2",
    "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024",
];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenerateDataKeyPairRequest {
    pub key_id: String,
    pub key_pair_spec: String,
    #[serde(default)]
    pub encryption_context: Option<EncryptionContext>,
    #[serde(default)]
    pub grant_tokens: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairResponse {
    pub private_key_ciphertext_blob: Blob,
    pub private_key_plaintext: Blob,
    pub public_key: Blob,
    pub key_id: String,
    pub key_pair_spec: String,
    pub key_material_id: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairWithoutPlaintextResponse {
    pub private_key_ciphertext_blob: Blob,
    pub public_key: Blob,
    pub key_id: String,
    pub key_pair_spec: String,
    pub key_material_id: String,
}

/// The shared body of the two operations: a fresh key pair for use outside KMS, its private
/// key encrypted under a symmetric encryption KMS key (decrypt it later with Decrypt, with
/// the same encryption context).
fn data_key_pair(c: &mut Call, req: GenerateDataKeyPairRequest, op: &'static str, action: &'static str) -> Result<GenerateDataKeyPairResponse, AwsError> {
    check_enum(&req.key_pair_spec, "keyPairSpec", DATA_KEY_PAIR_SPEC_ENUM)?;
    if !asymmetric::DATA_KEY_PAIR_SPECS.contains(&req.key_pair_spec.as_str()) {
        return Err(KmsError::UnsupportedOperationException.err(format!(
            "KeyPairSpec {} is not modelled by this simulator: it generates {} data key pairs.",
            req.key_pair_spec,
            asymmetric::DATA_KEY_PAIR_SPECS.join(", ")
        )));
    }
    let tokens = read_tokens(&req.grant_tokens)?;
    let ec = context_of(&req.encryption_context);
    let (r, alias) = resolve(c, &req.key_id)?;
    let spec = crate::world::static_name(&req.key_pair_spec, asymmetric::DATA_KEY_PAIR_SPECS.iter().copied());
    let ask = Ask::new(action)
        .grant(op, &tokens)
        .ec(&ec)
        .alias(alias.as_deref())
        .ctx("kms:DataKeyPairSpec", ContextValue::string(spec))
        .ctx("kms:EncryptionAlgorithm", ContextValue::string(SYMMETRIC_DEFAULT));
    authorize_key(c, &r, ask)?;
    gate(key(c, &r), Gate::Crypto)?;
    require_usage(key(c, &r), ENCRYPT_DECRYPT, true, op)?;
    dry_run(req.dry_run)?;
    let (private, public) = asymmetric::data_key_pair(c.rng(), &req.key_pair_spec).expect("a modelled spec");
    let (blob, arn, material_id) = seal_with(c, &r, &private, &ec);
    Ok(GenerateDataKeyPairResponse {
        private_key_ciphertext_blob: Blob(blob),
        private_key_plaintext: Blob(private),
        public_key: Blob(public),
        key_id: arn,
        key_pair_spec: req.key_pair_spec,
        key_material_id: material_id,
    })
}

/// GenerateDataKeyPair: a data key pair's public key, its private key in plaintext, and the
/// private key encrypted under the KMS key.
pub fn generate_data_key_pair(c: &mut Call, req: GenerateDataKeyPairRequest) -> Result<GenerateDataKeyPairResponse, AwsError> {
    data_key_pair(c, req, "GenerateDataKeyPair", "kms:GenerateDataKeyPair")
}

/// GenerateDataKeyPairWithoutPlaintext: the public key and the encrypted private key only.
pub fn generate_data_key_pair_without_plaintext(c: &mut Call, req: GenerateDataKeyPairRequest) -> Result<GenerateDataKeyPairWithoutPlaintextResponse, AwsError> {
    let r = data_key_pair(c, req, "GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyPairWithoutPlaintext")?;
    Ok(GenerateDataKeyPairWithoutPlaintextResponse {
        private_key_ciphertext_blob: r.private_key_ciphertext_blob,
        public_key: r.public_key,
        key_id: r.key_id,
        key_pair_spec: r.key_pair_spec,
        key_material_id: r.key_material_id,
    })
}
