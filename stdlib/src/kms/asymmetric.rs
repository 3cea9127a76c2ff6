//! The cryptography of asymmetric (RSA, NIST and SECG ECC) and HMAC KMS keys: key generation
//! from the world's seeded generator, signing and verification with AWS's signing-algorithm
//! names, RSA-OAEP encryption with AWS's per-algorithm plaintext limits, ECDH key agreement,
//! and HMAC.
//!
//! Plain Rust, no Rhai. The private half of a key pair is kept as PKCS#8 DER in the key's
//! backing key (`BackingKey::material`); an HMAC key's material is its raw secret. Public
//! keys are DER-encoded X.509 SubjectPublicKeyInfo, what GetPublicKey returns, so they load
//! in OpenSSL or any other library ("outside AWS").
//!
//! Key specs and algorithms, as the KMS Developer Guide's "Key spec reference" lists them:
//!
//! | KeySpec | KeyUsage | algorithms |
//! |---|---|---|
//! | RSA_2048/3072/4096 | ENCRYPT_DECRYPT | RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256 |
//! | RSA_2048/3072/4096 | SIGN_VERIFY | RSASSA_PSS_SHA_256/384/512, RSASSA_PKCS1_V1_5_SHA_256/384/512 |
//! | ECC_NIST_P256 | SIGN_VERIFY | ECDSA_SHA_256 |
//! | ECC_NIST_P384 | SIGN_VERIFY | ECDSA_SHA_384 |
//! | ECC_NIST_P521 | SIGN_VERIFY | ECDSA_SHA_512 |
//! | ECC_SECG_P256K1 | SIGN_VERIFY | ECDSA_SHA_256 |
//! | ECC_NIST_P256/P384/P521 | KEY_AGREEMENT | ECDH |
//! | HMAC_224/256/384/512 | GENERATE_VERIFY_MAC | HMAC_SHA_224/256/384/512 |
//!
//! RSASSA-PSS uses a salt as long as the digest (what KMS does); ECDSA signatures are
//! DER-encoded (ANSI X9.62), as KMS returns them, and deterministic: RFC 6979 nonces, except
//! for P-521, whose nonces come from the world's seeded generator. ECDH gives the raw
//! shared secret, the x-coordinate of the shared point (SEC 1 §3.3.1), as DeriveSharedSecret
//! returns it.

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier, RandomizedPrehashSigner};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::world::SimRng;

/// The key specs this simulator models beyond SYMMETRIC_DEFAULT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spec {
    Rsa(usize),
    P256,
    P384,
    P521,
    /// ECC_SECG_P256K1, the secp256k1 curve of blockchains.
    Secp256k1,
    Hmac(usize),
}

impl Spec {
    pub fn parse(s: &str) -> Option<Spec> {
        Some(match s {
            "RSA_2048" => Spec::Rsa(2048),
            "RSA_3072" => Spec::Rsa(3072),
            "RSA_4096" => Spec::Rsa(4096),
            "ECC_NIST_P256" => Spec::P256,
            "ECC_NIST_P384" => Spec::P384,
            "ECC_NIST_P521" => Spec::P521,
            "ECC_SECG_P256K1" => Spec::Secp256k1,
            "HMAC_224" => Spec::Hmac(224),
            "HMAC_256" => Spec::Hmac(256),
            "HMAC_384" => Spec::Hmac(384),
            "HMAC_512" => Spec::Hmac(512),
            _ => return None,
        })
    }
    /// The key usages AWS allows for the spec.
    pub fn usages(self) -> &'static [&'static str] {
        match self {
            Spec::Rsa(_) => &["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
            Spec::P256 | Spec::P384 | Spec::P521 => &["SIGN_VERIFY", "KEY_AGREEMENT"],
            Spec::Secp256k1 => &["SIGN_VERIFY"],
            Spec::Hmac(_) => &["GENERATE_VERIFY_MAC"],
        }
    }
    pub fn is_hmac(self) -> bool {
        matches!(self, Spec::Hmac(_))
    }
    /// `SigningAlgorithms` of a SIGN_VERIFY key, in AWS's order.
    pub fn signing_algorithms(self) -> Vec<String> {
        let names: &[&str] = match self {
            Spec::Rsa(_) => &[
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
            ],
            Spec::P256 | Spec::Secp256k1 => &["ECDSA_SHA_256"],
            Spec::P384 => &["ECDSA_SHA_384"],
            Spec::P521 => &["ECDSA_SHA_512"],
            Spec::Hmac(_) => &[],
        };
        names.iter().map(|s| s.to_string()).collect()
    }
    /// `EncryptionAlgorithms` of an RSA ENCRYPT_DECRYPT key.
    pub fn encryption_algorithms(self) -> Vec<String> {
        match self {
            Spec::Rsa(_) => vec!["RSAES_OAEP_SHA_1".into(), "RSAES_OAEP_SHA_256".into()],
            _ => vec![],
        }
    }
    /// `KeyAgreementAlgorithms` of a KEY_AGREEMENT key (a NIST curve).
    pub fn key_agreement_algorithms(self) -> Vec<String> {
        match self {
            Spec::P256 | Spec::P384 | Spec::P521 => vec!["ECDH".into()],
            _ => vec![],
        }
    }
    /// `MacAlgorithms` of an HMAC key (one per spec).
    pub fn mac_algorithms(self) -> Vec<String> {
        match self {
            Spec::Hmac(bits) => vec![format!("HMAC_SHA_{bits}")],
            _ => vec![],
        }
    }
}

/// A hash function named by a signing or MAC algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha224 => 28,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha224 => Sha224::digest(data).to_vec(),
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// The signing algorithm family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Pss,
    Pkcs1,
    Ecdsa,
}

/// A signing algorithm (`SigningAlgorithmSpec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningAlgorithm {
    pub scheme: Scheme,
    pub hash: Hash,
}

/// Every `SigningAlgorithmSpec` value of the API model (for enum validation).
pub const SIGNING_ALGORITHMS: &[&str] = &[
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512",
    "ED25519_PH_SHA_512",
];

/// Every `MacAlgorithmSpec` value.
pub const MAC_ALGORITHMS: &[&str] = &["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"];

impl SigningAlgorithm {
    /// The modelled algorithms (SM2DSA, ML-DSA and Ed25519 need specs not modelled here).
    pub fn parse(s: &str) -> Option<SigningAlgorithm> {
        let (scheme, hash) = match s {
            "RSASSA_PSS_SHA_256" => (Scheme::Pss, Hash::Sha256),
            "RSASSA_PSS_SHA_384" => (Scheme::Pss, Hash::Sha384),
            "RSASSA_PSS_SHA_512" => (Scheme::Pss, Hash::Sha512),
            "RSASSA_PKCS1_V1_5_SHA_256" => (Scheme::Pkcs1, Hash::Sha256),
            "RSASSA_PKCS1_V1_5_SHA_384" => (Scheme::Pkcs1, Hash::Sha384),
            "RSASSA_PKCS1_V1_5_SHA_512" => (Scheme::Pkcs1, Hash::Sha512),
            "ECDSA_SHA_256" => (Scheme::Ecdsa, Hash::Sha256),
            "ECDSA_SHA_384" => (Scheme::Ecdsa, Hash::Sha384),
            "ECDSA_SHA_512" => (Scheme::Ecdsa, Hash::Sha512),
            _ => return None,
        };
        Some(SigningAlgorithm { scheme, hash })
    }
}

/// Hash of a MAC algorithm name (`HMAC_SHA_256` -> SHA-256).
pub fn mac_hash(alg: &str) -> Option<Hash> {
    Some(match alg {
        "HMAC_SHA_224" => Hash::Sha224,
        "HMAC_SHA_256" => Hash::Sha256,
        "HMAC_SHA_384" => Hash::Sha384,
        "HMAC_SHA_512" => Hash::Sha512,
        _ => return None,
    })
}

/// A CSPRNG-typed generator seeded from the world's stream (the crates ask for one).
fn seeded(rng: &mut SimRng) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(rng.array::<32>())
}

/// New private key material for `spec`: PKCS#8 DER for a key pair, the raw secret for HMAC.
pub fn generate(rng: &mut SimRng, spec: Spec) -> Vec<u8> {
    let der = match spec {
        Spec::Rsa(bits) => RsaPrivateKey::new(&mut seeded(rng), bits).expect("RSA key generation with a supported size").to_pkcs8_der(),
        Spec::P256 => p256::SecretKey::random(&mut seeded(rng)).to_pkcs8_der(),
        Spec::P384 => p384::SecretKey::random(&mut seeded(rng)).to_pkcs8_der(),
        Spec::P521 => p521::SecretKey::random(&mut seeded(rng)).to_pkcs8_der(),
        Spec::Secp256k1 => k256::SecretKey::random(&mut seeded(rng)).to_pkcs8_der(),
        Spec::Hmac(bits) => return rng.bytes(bits / 8),
    };
    der.expect("PKCS#8 encoding").as_bytes().to_vec()
}

/// The DER SubjectPublicKeyInfo of a key pair's private material; `None` for HMAC keys.
pub fn public_der(spec: Spec, private: &[u8]) -> Option<Vec<u8>> {
    let der = match spec {
        Spec::Rsa(_) => RsaPublicKey::from(RsaPrivateKey::from_pkcs8_der(private).ok()?).to_public_key_der(),
        Spec::P256 => p256::SecretKey::from_pkcs8_der(private).ok()?.public_key().to_public_key_der(),
        Spec::P384 => p384::SecretKey::from_pkcs8_der(private).ok()?.public_key().to_public_key_der(),
        Spec::P521 => p521::SecretKey::from_pkcs8_der(private).ok()?.public_key().to_public_key_der(),
        Spec::Secp256k1 => k256::SecretKey::from_pkcs8_der(private).ok()?.public_key().to_public_key_der(),
        Spec::Hmac(_) => return None,
    };
    Some(der.ok()?.as_bytes().to_vec())
}

/// ECDH (the cofactor Diffie-Hellman primitive; every curve here has cofactor 1) between the
/// private key of a KEY_AGREEMENT key pair and a peer's DER SubjectPublicKeyInfo: the raw
/// shared secret, the shared point's x-coordinate. `None` if the peer key is not a valid
/// point of the same curve (or `spec` is not a NIST curve).
pub fn ecdh(spec: Spec, private: &[u8], peer: &[u8]) -> Option<Vec<u8>> {
    macro_rules! dh {
        ($curve:ident) => {{
            let secret = $curve::SecretKey::from_pkcs8_der(private).ok()?;
            let peer = $curve::PublicKey::from_public_key_der(peer).ok()?;
            $curve::ecdh::diffie_hellman(secret.to_nonzero_scalar(), peer.as_affine()).raw_secret_bytes().to_vec()
        }};
    }
    Some(match spec {
        Spec::P256 => dh!(p256),
        Spec::P384 => dh!(p384),
        Spec::P521 => dh!(p521),
        _ => return None,
    })
}

/// The `KeyPairSpec`s GenerateDataKeyPair(WithoutPlaintext) generates here: every one AWS
/// lists outside the China Regions except ECC_NIST_EDWARDS25519 and ML_KEM_512/768/1024.
pub const DATA_KEY_PAIR_SPECS: &[&str] =
    &["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"];

/// A fresh data key pair of `spec` (one of [`DATA_KEY_PAIR_SPECS`], else `None`): the private
/// key as DER PKCS#8 PrivateKeyInfo and the public key as DER SubjectPublicKeyInfo, the
/// encodings GenerateDataKeyPair returns.
pub fn data_key_pair(rng: &mut SimRng, spec: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let spec = Spec::parse(spec).filter(|s| !s.is_hmac())?;
    let private = generate(rng, spec);
    let public = public_der(spec, &private).expect("a key pair just generated");
    Some((private, public))
}

fn rsa_scheme_sign(alg: SigningAlgorithm, key: &RsaPrivateKey, rng: &mut SimRng, digest: &[u8]) -> Option<Vec<u8>> {
    let mut r = seeded(rng);
    let sig = match (alg.scheme, alg.hash) {
        (Scheme::Pss, Hash::Sha256) => key.sign_with_rng(&mut r, Pss::new::<Sha256>(), digest),
        (Scheme::Pss, Hash::Sha384) => key.sign_with_rng(&mut r, Pss::new::<Sha384>(), digest),
        (Scheme::Pss, Hash::Sha512) => key.sign_with_rng(&mut r, Pss::new::<Sha512>(), digest),
        (Scheme::Pkcs1, Hash::Sha256) => key.sign(Pkcs1v15Sign::new::<Sha256>(), digest),
        (Scheme::Pkcs1, Hash::Sha384) => key.sign(Pkcs1v15Sign::new::<Sha384>(), digest),
        (Scheme::Pkcs1, Hash::Sha512) => key.sign(Pkcs1v15Sign::new::<Sha512>(), digest),
        _ => return None,
    };
    sig.ok()
}

/// Signs a digest (already the algorithm's hash of the message) with a key pair's private
/// material. `None` if the algorithm does not fit the key.
pub fn sign(rng: &mut SimRng, spec: Spec, private: &[u8], alg: SigningAlgorithm, digest: &[u8]) -> Option<Vec<u8>> {
    match (spec, alg.scheme) {
        (Spec::Rsa(_), Scheme::Pss | Scheme::Pkcs1) => rsa_scheme_sign(alg, &RsaPrivateKey::from_pkcs8_der(private).ok()?, rng, digest),
        (Spec::P256, Scheme::Ecdsa) if alg.hash == Hash::Sha256 => {
            let k = p256::ecdsa::SigningKey::from_pkcs8_der(private).ok()?;
            let s: p256::ecdsa::Signature = k.sign_prehash(digest).ok()?;
            Some(s.to_der().as_bytes().to_vec())
        }
        (Spec::P384, Scheme::Ecdsa) if alg.hash == Hash::Sha384 => {
            let k = p384::ecdsa::SigningKey::from_pkcs8_der(private).ok()?;
            let s: p384::ecdsa::Signature = k.sign_prehash(digest).ok()?;
            Some(s.to_der().as_bytes().to_vec())
        }
        (Spec::P521, Scheme::Ecdsa) if alg.hash == Hash::Sha512 => {
            let k = p521::ecdsa::SigningKey::from_bytes(&p521::SecretKey::from_pkcs8_der(private).ok()?.to_bytes()).ok()?;
            // p521 0.13 has no RFC 6979 signer: the nonce comes from the world's generator.
            let s: p521::ecdsa::Signature = k.sign_prehash_with_rng(&mut seeded(rng), digest).ok()?;
            Some(s.to_der().as_bytes().to_vec())
        }
        (Spec::Secp256k1, Scheme::Ecdsa) if alg.hash == Hash::Sha256 => {
            let k = k256::ecdsa::SigningKey::from_pkcs8_der(private).ok()?;
            let s: k256::ecdsa::Signature = k.sign_prehash(digest).ok()?;
            Some(s.to_der().as_bytes().to_vec())
        }
        _ => None,
    }
}

/// Verifies a signature over a digest with a DER SubjectPublicKeyInfo public key (RSA, P-256,
/// P-384, P-521 or secp256k1, whichever the DER holds). False for a bad signature, a key that
/// does not fit the algorithm, or undecodable input.
pub fn verify(public: &[u8], alg: SigningAlgorithm, digest: &[u8], signature: &[u8]) -> bool {
    match alg.scheme {
        Scheme::Pss | Scheme::Pkcs1 => {
            let Ok(k) = RsaPublicKey::from_public_key_der(public) else { return false };
            let r = match (alg.scheme, alg.hash) {
                (Scheme::Pss, Hash::Sha256) => k.verify(Pss::new::<Sha256>(), digest, signature),
                (Scheme::Pss, Hash::Sha384) => k.verify(Pss::new::<Sha384>(), digest, signature),
                (Scheme::Pss, Hash::Sha512) => k.verify(Pss::new::<Sha512>(), digest, signature),
                (Scheme::Pkcs1, Hash::Sha256) => k.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature),
                (Scheme::Pkcs1, Hash::Sha384) => k.verify(Pkcs1v15Sign::new::<Sha384>(), digest, signature),
                (Scheme::Pkcs1, Hash::Sha512) => k.verify(Pkcs1v15Sign::new::<Sha512>(), digest, signature),
                _ => return false,
            };
            r.is_ok()
        }
        Scheme::Ecdsa => {
            // The DER's curve decides; ECDSA_SHA_256 serves two curves. ECDSA accepts s and n - s
            // alike (KMS's secp256k1 signatures are not normalized), but k256 takes only the low
            // one (Bitcoin's rule), so a high s is normalized first.
            macro_rules! ecdsa {
                ($curve:ident) => {
                    match ($curve::PublicKey::from_public_key_der(public), $curve::ecdsa::Signature::from_der(signature)) {
                        (Ok(k), Ok(s)) => {
                            let s = s.normalize_s().unwrap_or(s);
                            Some($curve::ecdsa::VerifyingKey::from_affine(*k.as_affine()).is_ok_and(|k| k.verify_prehash(digest, &s).is_ok()))
                        }
                        (Ok(_), Err(_)) => Some(false),
                        (Err(_), _) => None,
                    }
                };
            }
            let verdict = match alg.hash {
                Hash::Sha256 => ecdsa!(p256).or_else(|| ecdsa!(k256)),
                Hash::Sha384 => ecdsa!(p384),
                Hash::Sha512 => ecdsa!(p521),
                Hash::Sha224 => None,
            };
            verdict.unwrap_or(false)
        }
    }
}

/// An RSA encryption algorithm (`EncryptionAlgorithmSpec` RSAES_OAEP_SHA_1 / _256).
pub fn oaep(alg: &str) -> Option<Oaep> {
    match alg {
        "RSAES_OAEP_SHA_1" => Some(Oaep::new::<sha1::Sha1>()),
        "RSAES_OAEP_SHA_256" => Some(Oaep::new::<Sha256>()),
        _ => None,
    }
}

/// The largest plaintext RSA-OAEP encrypts with a `bits`-bit key: k - 2·hLen - 2 bytes
/// (RFC 8017 §7.1.1), which gives AWS's table (RSA_2048: 214 with SHA-1, 190 with SHA-256).
pub fn oaep_max_plaintext(bits: usize, alg: &str) -> usize {
    let h = if alg == "RSAES_OAEP_SHA_1" { 20 } else { 32 };
    bits / 8 - 2 * h - 2
}

/// RSA-OAEP encryption with the public half of a key pair's private material.
pub fn rsa_encrypt(rng: &mut SimRng, private: &[u8], alg: &str, plaintext: &[u8]) -> Option<Vec<u8>> {
    let public = RsaPublicKey::from(RsaPrivateKey::from_pkcs8_der(private).ok()?);
    public.encrypt(&mut seeded(rng), oaep(alg)?, plaintext).ok()
}

/// RSA-OAEP decryption; `None` if the ciphertext was not made with this key and algorithm.
pub fn rsa_decrypt(private: &[u8], alg: &str, ciphertext: &[u8]) -> Option<Vec<u8>> {
    let key = RsaPrivateKey::from_pkcs8_der(private).ok()?;
    if ciphertext.len() != key.size() {
        return None;
    }
    key.decrypt(oaep(alg)?, ciphertext).ok()
}

/// HMAC of `message` with the key `secret`.
pub fn mac(hash: Hash, secret: &[u8], message: &[u8]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(secret: &[u8], message: &[u8]) -> Vec<u8> {
        let mut m = <M as hmac::digest::KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
        m.update(message);
        m.finalize().into_bytes().to_vec()
    }
    match hash {
        Hash::Sha224 => run::<Hmac<Sha224>>(secret, message),
        Hash::Sha256 => run::<Hmac<Sha256>>(secret, message),
        Hash::Sha384 => run::<Hmac<Sha384>>(secret, message),
        Hash::Sha512 => run::<Hmac<Sha512>>(secret, message),
    }
}

/// Constant-time comparison of a MAC with the expected one.
pub fn mac_matches(hash: Hash, secret: &[u8], message: &[u8], tag: &[u8]) -> bool {
    let expected = mac(hash, secret, message);
    expected.len() == tag.len() && expected.iter().zip(tag).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alg(s: &str) -> SigningAlgorithm {
        SigningAlgorithm::parse(s).unwrap()
    }

    #[test]
    fn oaep_limits_match_aws_table() {
        // aws-facts §4.4: RSA_2048 OAEP_SHA_1 214 / OAEP_SHA_256 190; RSA_3072 342 / 318; RSA_4096 470 / 446.
        let table = [(2048, 214, 190), (3072, 342, 318), (4096, 470, 446)];
        for (bits, sha1, sha256) in table {
            assert_eq!(oaep_max_plaintext(bits, "RSAES_OAEP_SHA_1"), sha1);
            assert_eq!(oaep_max_plaintext(bits, "RSAES_OAEP_SHA_256"), sha256);
        }
    }

    #[test]
    fn ecdsa_sign_verify_deterministic_and_der() {
        for (spec, name) in [(Spec::P256, "ECDSA_SHA_256"), (Spec::P384, "ECDSA_SHA_384")] {
            let mut rng = SimRng::new(1);
            let private = generate(&mut rng, spec);
            assert_eq!(generate(&mut SimRng::new(1), spec), private, "same seed, same key");
            let public = public_der(spec, &private).unwrap();
            let a = alg(name);
            let d = a.hash.digest(b"message");
            let s = sign(&mut rng, spec, &private, a, &d).unwrap();
            assert_eq!(s[0], 0x30, "DER SEQUENCE");
            assert_eq!(sign(&mut rng, spec, &private, a, &d).unwrap(), s, "RFC 6979: deterministic");
            assert!(verify(&public, a, &d, &s));
            assert!(!verify(&public, a, &a.hash.digest(b"messagE"), &s));
            let mut bad = s.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(!verify(&public, a, &d, &bad));
            assert!(sign(&mut rng, spec, &private, alg("RSASSA_PSS_SHA_256"), &d).is_none());
        }
    }

    #[test]
    fn rsa_sign_verify_every_algorithm_and_oaep() {
        let mut rng = SimRng::new(2);
        let private = generate(&mut rng, Spec::Rsa(2048));
        let public = public_der(Spec::Rsa(2048), &private).unwrap();
        for name in Spec::Rsa(2048).signing_algorithms() {
            let a = alg(&name);
            let d = a.hash.digest(b"hello");
            let s = sign(&mut rng, Spec::Rsa(2048), &private, a, &d).unwrap();
            assert_eq!(s.len(), 256, "{name}");
            assert!(verify(&public, a, &d, &s), "{name}");
            assert!(!verify(&public, a, &a.hash.digest(b"hellO"), &s), "{name}");
        }
        // PSS and PKCS#1 v1.5 signatures are not interchangeable.
        let d = Hash::Sha256.digest(b"x");
        let s = sign(&mut rng, Spec::Rsa(2048), &private, alg("RSASSA_PSS_SHA_256"), &d).unwrap();
        assert!(!verify(&public, alg("RSASSA_PKCS1_V1_5_SHA_256"), &d, &s));
        for a in ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] {
            let max = oaep_max_plaintext(2048, a);
            let c = rsa_encrypt(&mut rng, &private, a, &vec![7u8; max]).unwrap();
            assert_eq!(rsa_decrypt(&private, a, &c).unwrap(), vec![7u8; max]);
            assert!(rsa_encrypt(&mut rng, &private, a, &vec![7u8; max + 1]).is_none());
        }
        let c = rsa_encrypt(&mut rng, &private, "RSAES_OAEP_SHA_1", b"x").unwrap();
        assert!(rsa_decrypt(&private, "RSAES_OAEP_SHA_256", &c).is_none());
    }

    #[test]
    fn hmac_rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let m = mac(Hash::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(&m), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(mac(Hash::Sha224, b"Jefe", b"what do ya want for nothing?").len(), 28);
        assert!(mac_matches(Hash::Sha256, b"Jefe", b"what do ya want for nothing?", &m));
        assert!(!mac_matches(Hash::Sha256, b"Jefe", b"what do ya want for nothing!", &m));
        assert!(!mac_matches(Hash::Sha256, b"Jefe", b"what do ya want for nothing?", &m[..31]));
        assert_eq!(generate(&mut SimRng::new(3), Spec::Hmac(384)).len(), 48);
    }
}
