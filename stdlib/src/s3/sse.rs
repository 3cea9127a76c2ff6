//! Server-side encryption: SSE-S3, SSE-KMS (with S3 Bucket Keys) and SSE-C.
//!
//! Every object body is stored encrypted with AES-256-GCM under a per-object data key, with
//! nonces and keys from the world's seeded generator (so ciphertexts are reproducible: this
//! is a simulator, not a vault).
//! - SSE-S3 (`AES256`): the data key is wrapped by the bucket's SSE-S3 root key.
//! - SSE-KMS (`aws:kms`): the data key comes from KMS `GenerateDataKey` (encryption context:
//!   the object ARN) and only its KMS ciphertext is kept; reading calls KMS `Decrypt`, so a
//!   disabled key or a caller without `kms:Decrypt` cannot read the object. With a Bucket Key,
//!   S3 asks KMS for a bucket-level key (context: the bucket ARN), keeps it for a limited
//!   time per requester ([`BUCKET_KEY_LIFETIME`]; AWS documents no figure, this is the
//!   model's choice), and derives each object's data key from it by HMAC, so most requests
//!   make no KMS call at all.
//! - SSE-C: the caller's 256-bit key encrypts the data; S3 keeps only a randomly salted
//!   HMAC-SHA256 of the key to check later requests, never the key itself.

use aes_gcm::Nonce;
use aes_gcm::aead::{Aead, Payload};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::error::{S3Error, invalid_argument};
use crate::kms::crypto::with_aes256gcm;
use crate::world::{AwsError, Blob, Duration, ErrorCode, SimRng, Timestamp};

/// Nonce followed by AES-256-GCM ciphertext and tag.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sealed(#[serde(with = "crate::world::blob::b64")] pub Vec<u8>);

/// Encrypts `plaintext` under `key` (32 bytes) with a fresh nonce; `aad` is bound to it.
pub fn seal(rng: &mut SimRng, key: &[u8], plaintext: &[u8], aad: &[u8]) -> Sealed {
    let nonce: [u8; 12] = rng.array();
    let ct = with_aes256gcm(key, |cipher| cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad }))
        .expect("32-byte key")
        .expect("AES-GCM encrypts any length we allow");
    let mut out = Vec::with_capacity(12 + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Sealed(out)
}

/// Decrypts what [`seal`] produced; `None` when the key or `aad` is wrong.
pub fn open(key: &[u8], sealed: &Sealed, aad: &[u8]) -> Option<Vec<u8>> {
    if sealed.0.len() < 12 + 16 {
        return None;
    }
    let (nonce, ct) = sealed.0.split_at(12);
    with_aes256gcm(key, |cipher| cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad }).ok())?
}

/// How long S3 keeps using one bucket-level key (model choice; AWS says only "time-limited").
pub const BUCKET_KEY_LIFETIME: Duration = Duration::hours(1);

/// A bucket-level key S3 obtained from KMS for one requester.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BucketKey {
    pub kms_key_arn: String,
    #[serde(with = "crate::world::blob::b64")]
    pub plaintext: Vec<u8>,
    #[serde(with = "crate::world::blob::b64")]
    pub ciphertext: Vec<u8>,
    pub expires: Timestamp,
}

/// A bucket's default encryption rule (`ServerSideEncryptionConfiguration.Rules[0]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EncryptionRule {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: bool,
    /// `BlockedEncryptionTypes`: `SSE-C` (uploads with customer keys are refused) or `NONE`;
    /// `None` for buckets made before the setting existed.
    #[serde(default)]
    pub blocked_encryption_types: Option<Vec<String>>,
}

impl Default for EncryptionRule {
    /// Since January 5, 2023 every bucket encrypts new objects with SSE-S3 by default.
    fn default() -> Self {
        EncryptionRule { algorithm: "AES256".into(), kms_key_id: None, bucket_key_enabled: false, blocked_encryption_types: None }
    }
}

/// When new general purpose buckets began to block SSE-C: "Starting on April 6, 2026" (rolled out
/// region by region during April; the simulator takes the first day everywhere, and does not
/// model the one-time change to existing buckets of accounts without SSE-C objects).
pub const SSE_C_BLOCKED_FROM: Timestamp = Timestamp::from_secs(1_775_433_600);

impl EncryptionRule {
    /// A new bucket's rule: SSE-S3, and SSE-C blocked for buckets made from April 6, 2026. (AWS
    /// left new buckets in Middle East (Bahrain) and (UAE) unblocked; the simulator has neither
    /// region.)
    pub fn for_new_bucket(now: Timestamp) -> Self {
        let blocks = now >= SSE_C_BLOCKED_FROM;
        EncryptionRule { blocked_encryption_types: blocks.then(|| vec!["SSE-C".to_string()]), ..Default::default() }
    }

    pub fn blocks_sse_c(&self) -> bool {
        self.blocked_encryption_types.as_ref().is_some_and(|t| t.iter().any(|x| x == "SSE-C"))
    }
}

/// What a request asked for (PutObject / CopyObject / CreateMultipartUpload parameters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SseRequest {
    pub algorithm: Option<String>,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
    /// Extra encryption context pairs (`SSEKMSEncryptionContext`).
    pub context: Option<std::collections::BTreeMap<String, String>>,
}

/// How one object version is encrypted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Sse {
    /// SSE-S3: the data key wrapped by the bucket's root key.
    S3 { wrapped_key: Sealed },
    /// SSE-KMS / DSSE-KMS.
    Kms {
        algorithm: String,
        key_arn: String,
        /// The KMS ciphertext of the data key, or of the bucket key when `bucket_key`.
        #[serde(with = "crate::world::blob::b64")]
        encrypted_key: Vec<u8>,
        bucket_key: bool,
        /// Per-object salt that derives the data key from a bucket key.
        #[serde(with = "crate::world::blob::b64")]
        salt: Vec<u8>,
        /// The encryption context KMS was called with (JSON object text).
        context: String,
    },
    /// SSE-C: only a salted HMAC of the customer's key is kept.
    C {
        /// Base64 MD5 of the key, echoed in responses as `SSECustomerKeyMD5`.
        key_md5: String,
        #[serde(with = "crate::world::blob::b64")]
        salt: Vec<u8>,
        #[serde(with = "crate::world::blob::b64")]
        hmac: Vec<u8>,
    },
}

impl Sse {
    /// `x-amz-server-side-encryption` (none for SSE-C, which reports its algorithm apart).
    pub fn header(&self) -> Option<&str> {
        match self {
            Sse::S3 { .. } => Some("AES256"),
            Sse::Kms { algorithm, .. } => Some(algorithm),
            Sse::C { .. } => None,
        }
    }
    /// Objects whose ETag is the MD5 of their data: single-part SSE-S3 (and plaintext).
    pub fn etag_is_md5(&self) -> bool {
        matches!(self, Sse::S3 { .. })
    }
}

/// A customer-provided key from SSE-C parameters, checked.
#[derive(Clone, Debug)]
pub struct CustomerKey {
    pub key: Vec<u8>,
    /// Base64 MD5 of the key.
    pub md5: String,
}

/// A request's `SSECustomer*` parameters, read ([`CustomerKey::from_params`]).
pub fn customer_key_of(algorithm: &Option<String>, key: &Option<Blob>, md5: &Option<String>) -> Result<Option<CustomerKey>, AwsError> {
    CustomerKey::from_params(algorithm.as_deref(), key.as_ref().map(|b| b.0.as_slice()), md5.as_deref())
}

impl CustomerKey {
    /// Reads `SSECustomerAlgorithm`, `SSECustomerKey` (32 raw bytes, or their base64 as the
    /// HTTP header carries them) and the optional `SSECustomerKeyMD5`.
    pub fn from_params(algorithm: Option<&str>, key: Option<&[u8]>, md5: Option<&str>) -> Result<Option<CustomerKey>, AwsError> {
        let (alg, key) = match (algorithm, key) {
            (None, None) => return Ok(None),
            (Some(a), Some(k)) => (a, k),
            (None, Some(_)) => {
                return Err(invalid_argument(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
                ));
            }
            (Some(_), None) => {
                return Err(invalid_argument(
                    "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.",
                ));
            }
        };
        if alg != "AES256" {
            return Err(invalid_argument(format!("The encryption algorithm `{alg}` is not valid for SSE-C, must be AES256.")));
        }
        let raw = if key.len() == 32 {
            key.to_vec()
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(key)
                .ok()
                .filter(|k| k.len() == 32)
                .ok_or_else(|| invalid_argument("The secret key was invalid for the specified algorithm."))?
        };
        let digest = base64::engine::general_purpose::STANDARD.encode(<md5::Md5 as md5::Digest>::digest(&raw));
        if let Some(m) = md5
            && m != digest {
                return Err(invalid_argument("The calculated MD5 hash of the key did not match the hash that was provided."));
            }
        Ok(Some(CustomerKey { key: raw, md5: digest }))
    }

    /// The salted HMAC S3 keeps in place of the key.
    pub fn fingerprint(&self, rng: &mut SimRng) -> Sse {
        let salt = rng.bytes(16);
        let hmac = super::sigv4::hmac(&salt, &self.key).to_vec();
        Sse::C { key_md5: self.md5.clone(), salt, hmac }
    }

    /// Whether this key is the one an object was stored with.
    pub fn matches(&self, stored: &Sse) -> bool {
        match stored {
            Sse::C { salt, hmac, .. } => super::sigv4::signatures_equal(&hex::encode(super::sigv4::hmac(salt, &self.key)), &hex::encode(hmac)),
            _ => false,
        }
    }
}

/// Derives an object's data key from a bucket key and the object's salt.
pub fn derive_from_bucket_key(bucket_key: &[u8], salt: &[u8]) -> Vec<u8> {
    super::sigv4::hmac(bucket_key, salt).to_vec()
}

/// The error S3 returns when an SSE-C object is read without its key.
pub fn sse_c_key_required() -> AwsError {
    S3Error::InvalidRequest.err("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let mut rng = SimRng::new(1);
        let key = rng.bytes(32);
        let s = seal(&mut rng, &key, b"hello", b"aad");
        assert_ne!(&s.0[12..17], b"hello", "data at rest must not be plaintext");
        assert_eq!(open(&key, &s, b"aad").unwrap(), b"hello");
        assert!(open(&key, &s, b"other").is_none());
        let mut bad = s.clone();
        bad.0[13] ^= 1;
        assert!(open(&key, &bad, b"aad").is_none());
        assert!(open(&rng.bytes(32), &s, b"aad").is_none());
    }

    #[test]
    fn customer_keys_raw_or_base64_and_md5_checked() {
        let raw = [7u8; 32];
        let k = CustomerKey::from_params(Some("AES256"), Some(&raw), None).unwrap().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(raw);
        let k2 = CustomerKey::from_params(Some("AES256"), Some(b64.as_bytes()), Some(&k.md5)).unwrap().unwrap();
        assert_eq!(k.key, k2.key);
        assert!(CustomerKey::from_params(Some("AES256"), Some(&raw), Some("AAAA")).unwrap_err().message.contains("MD5"));
        assert!(CustomerKey::from_params(Some("AES256"), Some(b"short"), None).unwrap_err().message.contains("secret key was invalid"));
        assert!(CustomerKey::from_params(Some("DES"), Some(&raw), None).is_err());
        assert!(CustomerKey::from_params(None, None, None).unwrap().is_none());
        let mut rng = SimRng::new(2);
        let stored = k.fingerprint(&mut rng);
        assert!(k.matches(&stored));
        let other = CustomerKey::from_params(Some("AES256"), Some(&[8u8; 32]), None).unwrap().unwrap();
        assert!(!other.matches(&stored));
        // The stored fingerprint does not contain the key.
        let Sse::C { salt, hmac, .. } = &stored else { panic!() };
        assert!(!hmac.windows(32).any(|w| w == raw) && !salt.windows(16).any(|w| w == &raw[..16]));
    }
}
