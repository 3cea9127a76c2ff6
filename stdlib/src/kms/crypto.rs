//! The cryptography behind the simulated KMS: real AES-256-GCM, a documented ciphertext
//! blob format, and RSA-OAEP for importing key material.
//!
//! Every key, nonce and random byte comes from the world's seeded generator, so the same
//! notebook produces the same ciphertexts byte for byte. This is a simulator: never protect
//! real secrets with it.
//!
//! # Ciphertext blob layout (version 1)
//!
//! All integers are big-endian.
//!
//! | offset    | size | field                                                        |
//! |-----------|------|--------------------------------------------------------------|
//! | 0         | 1    | format version, `0x01`                                       |
//! | 1         | 2    | `n`, the length of the key ARN                               |
//! | 3         | n    | the KMS key ARN (UTF-8): Decrypt finds the key from it       |
//! | 3+n       | 4    | the backing-key version (0 = the key's first material)       |
//! | 7+n       | 12   | the GCM nonce                                                |
//! | 19+n      | 4    | header check: the first 4 bytes of SHA-256 over bytes 0..19+n |
//! | 23+n      | m    | AES-256-GCM ciphertext (as long as the plaintext)            |
//! | 23+n+m    | 16   | GCM tag                                                      |
//!
//! The additional authenticated data is the header (bytes `0..19+n`) followed by the
//! canonical encryption context: its pairs sorted by key, each written as
//! `u32 len(key) || key || u32 len(value) || value`. So changing any byte of the blob, or
//! decrypting with a different encryption context, fails authentication; the header check
//! lets a damaged key ARN fail the same way instead of naming some other key.

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

use crate::world::SimRng;

/// Blob format version written by [`seal`].
pub const BLOB_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const CHECK_LEN: usize = 4;

/// An encryption context: non-secret string pairs bound to the ciphertext.
pub type EncryptionContext = BTreeMap<String, String>;

/// The key-identifying part of a ciphertext blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobHeader {
    pub key_arn: String,
    pub version: u32,
}

fn canonical_context(ec: &EncryptionContext) -> Vec<u8> {
    let mut out = Vec::new();
    for (k, v) in ec {
        out.extend_from_slice(&(k.len() as u32).to_be_bytes());
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(&(v.len() as u32).to_be_bytes());
        out.extend_from_slice(v.as_bytes());
    }
    out
}

fn header_check(header: &[u8]) -> [u8; CHECK_LEN] {
    let d = Sha256::digest(header);
    [d[0], d[1], d[2], d[3]]
}

/// Encrypts `plaintext` under the 256-bit backing key `material` into a blob naming
/// `key_arn` and backing-key `version`.
pub fn seal(material: &[u8], key_arn: &str, version: u32, nonce: [u8; NONCE_LEN], plaintext: &[u8], ec: &EncryptionContext) -> Vec<u8> {
    let mut blob = Vec::with_capacity(23 + key_arn.len() + plaintext.len() + TAG_LEN);
    blob.push(BLOB_VERSION);
    blob.extend_from_slice(&(key_arn.len() as u16).to_be_bytes());
    blob.extend_from_slice(key_arn.as_bytes());
    blob.extend_from_slice(&version.to_be_bytes());
    blob.extend_from_slice(&nonce);
    let header_len = blob.len();
    let check = header_check(&blob);
    let mut aad = blob.clone();
    aad.extend_from_slice(&canonical_context(ec));
    blob.extend_from_slice(&check);
    let body = with_aes256gcm(material, |cipher| cipher.encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext, aad: &aad }))
        .expect("backing keys are 256 bits")
        .expect("AES-GCM encryption of at most 4 KiB cannot fail");
    debug_assert_eq!(blob.len(), header_len + CHECK_LEN);
    blob.extend_from_slice(&body);
    blob
}

/// Reads the header of a blob; `None` if it is not a well-formed blob of this format.
pub fn parse(blob: &[u8]) -> Option<BlobHeader> {
    let (&version_byte, rest) = blob.split_first()?;
    if version_byte != BLOB_VERSION || rest.len() < 2 {
        return None;
    }
    let n = u16::from_be_bytes([rest[0], rest[1]]) as usize;
    let header_len = 3 + n + 4 + NONCE_LEN;
    if blob.len() < header_len + CHECK_LEN + TAG_LEN {
        return None;
    }
    if header_check(&blob[..header_len]) != blob[header_len..header_len + CHECK_LEN] {
        return None;
    }
    let key_arn = std::str::from_utf8(&blob[3..3 + n]).ok()?.to_string();
    let version = u32::from_be_bytes(blob[3 + n..7 + n].try_into().ok()?);
    Some(BlobHeader { key_arn, version })
}

/// Decrypts a blob whose header [`parse`] accepted, with the backing key it names;
/// `None` when authentication fails (tampering, wrong context, wrong key).
pub fn open(material: &[u8], blob: &[u8], ec: &EncryptionContext) -> Option<Vec<u8>> {
    let n = u16::from_be_bytes([*blob.get(1)?, *blob.get(2)?]) as usize;
    let header_len = 3 + n + 4 + NONCE_LEN;
    let nonce = blob.get(header_len - NONCE_LEN..header_len)?;
    let body = blob.get(header_len + CHECK_LEN..)?;
    let mut aad = blob[..header_len].to_vec();
    aad.extend_from_slice(&canonical_context(ec));
    with_aes256gcm(material, |cipher| cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: &aad }).ok())?
}

/// Runs `f` with the AES-256-GCM cipher of `key` (`None` unless it is 32 bytes). Building a
/// cipher (the AES key schedule, the GHASH key) costs about as much as sealing a small
/// plaintext, and calls mostly reuse a few keys (a KMS key's material, an S3 bucket's root
/// key), so the ciphers of the last few keys used are kept, per thread, the least recently
/// used one making room (an S3 put's one-use data key does not push out its bucket's root
/// key). A call from inside `f` gets a fresh cipher.
pub fn with_aes256gcm<T>(key: &[u8], f: impl FnOnce(&Aes256Gcm) -> T) -> Option<T> {
    /// The kept ciphers, and their slots from the most to the least recently used (the
    /// ciphers themselves stay put: each is about a kilobyte).
    type Kept = ([Option<([u8; 32], Aes256Gcm)>; 4], [usize; 4]);
    thread_local! {
        static KEPT: std::cell::RefCell<Kept> = std::cell::RefCell::new((Default::default(), [0, 1, 2, 3]));
    }
    let key: &[u8; 32] = key.try_into().ok()?;
    KEPT.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            return Some(f(&Aes256Gcm::new(key.into())));
        };
        let (slots, order) = &mut *kept;
        let rank = order.iter().position(|&i| slots[i].as_ref().is_some_and(|(k, _)| k == key)).unwrap_or_else(|| {
            let last = order.len() - 1;
            slots[order[last]] = Some((*key, Aes256Gcm::new(key.into())));
            last
        });
        order[..=rank].rotate_right(1);
        slots[order[0]].as_ref().map(|(_, cipher)| f(cipher))
    })
}

/// Client-side ("local") authenticated encryption with a plaintext data key, the way the
/// AWS Encryption SDK uses one: AES-GCM (128- or 256-bit key), output `nonce || ciphertext || tag`.
/// Not a KMS operation. Returns `None` for a key that is neither 16 nor 32 bytes.
// `#[inline]` lets the caller's crate compile the AES-GCM loop: measured 25% faster across
// crates (bench/benches/kms.rs, envelope vs raw).
#[inline]
pub fn local_encrypt(data_key: &[u8], nonce: [u8; NONCE_LEN], data: &[u8]) -> Option<Vec<u8>> {
    // One copy of the data, encrypted in place (as fast as the crate's own `encrypt`).
    let mut out = Vec::with_capacity(NONCE_LEN + data.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(data);
    let n = Nonce::from_slice(&nonce);
    let body = &mut out[NONCE_LEN..];
    let tag = match data_key.len() {
        32 => Aes256Gcm::new_from_slice(data_key).ok()?.encrypt_in_place_detached(n, b"", body).ok()?,
        16 => Aes128Gcm::new_from_slice(data_key).ok()?.encrypt_in_place_detached(n, b"", body).ok()?,
        _ => return None,
    };
    out.extend_from_slice(&tag);
    Some(out)
}

/// Reverses [`local_encrypt`]; `None` if the key is wrong or the data was changed.
#[inline]
pub fn local_decrypt(data_key: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::from_slice(nonce);
    match data_key.len() {
        32 => Aes256Gcm::new_from_slice(data_key).ok()?.decrypt(nonce, body).ok(),
        16 => Aes128Gcm::new_from_slice(data_key).ok()?.decrypt(nonce, body).ok(),
        _ => None,
    }
}

/// A CSPRNG-typed generator seeded from the world's stream (the `rsa` crate asks for one).
fn seeded(rng: &mut SimRng) -> ChaCha20Rng {
    ChaCha20Rng::from_seed(rng.array::<32>())
}

/// The RSA wrapping algorithms modelled for key import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wrapping {
    OaepSha1,
    OaepSha256,
}

impl Wrapping {
    pub fn parse(s: &str) -> Option<Wrapping> {
        match s {
            "RSAES_OAEP_SHA_1" => Some(Wrapping::OaepSha1),
            "RSAES_OAEP_SHA_256" => Some(Wrapping::OaepSha256),
            _ => None,
        }
    }
    fn padding(self) -> Oaep {
        match self {
            Wrapping::OaepSha1 => Oaep::new::<sha1::Sha1>(),
            Wrapping::OaepSha256 => Oaep::new::<Sha256>(),
        }
    }
}

/// A fresh RSA wrapping key pair: (PKCS#8 DER private key, X.509 SubjectPublicKeyInfo DER public key).
pub fn wrapping_key_pair(rng: &mut SimRng, bits: usize) -> (Vec<u8>, Vec<u8>) {
    let mut r = seeded(rng);
    let private = RsaPrivateKey::new(&mut r, bits).expect("RSA key generation with a supported size");
    let public = RsaPublicKey::from(&private);
    let private_der = private.to_pkcs8_der().expect("PKCS#8 encoding").as_bytes().to_vec();
    let public_der = public.to_public_key_der().expect("SPKI encoding").as_bytes().to_vec();
    (private_der, public_der)
}

/// Encrypts key material with a wrapping public key (what `openssl pkeyutl` does in AWS's
/// import instructions). `None` if the public key is not DER SubjectPublicKeyInfo RSA or the
/// material is too long for the key.
pub fn wrap(rng: &mut SimRng, public_der: &[u8], alg: Wrapping, material: &[u8]) -> Option<Vec<u8>> {
    let public = RsaPublicKey::from_public_key_der(public_der).ok()?;
    let mut r = seeded(rng);
    public.encrypt(&mut r, alg.padding(), material).ok()
}

/// Decrypts wrapped key material with the private half of a wrapping key pair.
pub fn unwrap(private_der: &[u8], alg: Wrapping, wrapped: &[u8]) -> Option<Vec<u8>> {
    let private = RsaPrivateKey::from_pkcs8_der(private_der).ok()?;
    private.decrypt(alg.padding(), wrapped).ok()
}

/// SHA-256 as lower-case hex: key material ids for imported material (derived from the
/// key id and the material, as AWS describes).
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /// Kept ciphers are the ciphers of their keys, whichever slot they were kept in and
    /// however many other keys came between, and a call from inside another gets one too.
    #[test]
    fn kept_ciphers_encrypt_as_fresh_ones() {
        let nonce = Nonce::from_slice(&[9u8; NONCE_LEN]);
        for round in 0..3 {
            for k in [0u8, 1, 2, 3, 4, 5, 0, 5, 1] {
                let key = [k; 32];
                let kept = with_aes256gcm(&key, |c| c.encrypt(nonce, b"plaintext".as_slice()).unwrap()).unwrap();
                let fresh = Aes256Gcm::new_from_slice(&key).unwrap().encrypt(nonce, b"plaintext".as_slice()).unwrap();
                assert_eq!(kept, fresh, "key {k}, round {round}");
            }
        }
        assert!(with_aes256gcm(&[1u8; 16], |_| ()).is_none(), "AES-256 takes 32-byte keys only");
        let nested = with_aes256gcm(&[1u8; 32], |_| with_aes256gcm(&[2u8; 32], |c| c.encrypt(nonce, b"plaintext".as_slice()).unwrap()));
        assert_eq!(nested.flatten().unwrap(), Aes256Gcm::new_from_slice(&[2u8; 32]).unwrap().encrypt(nonce, b"plaintext".as_slice()).unwrap());
    }

    fn ec(pairs: &[(&str, &str)]) -> EncryptionContext {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn round_trip_and_header() {
        let key = [7u8; 32];
        let c = ec(&[("purpose", "test"), ("dept", "IT")]);
        let blob = seal(&key, ARN, 3, [1; 12], b"hello", &c);
        assert_eq!(blob.len(), 23 + ARN.len() + 5 + 16);
        assert_eq!(parse(&blob), Some(BlobHeader { key_arn: ARN.into(), version: 3 }));
        assert_eq!(open(&key, &blob, &c).unwrap(), b"hello");
    }

    #[test]
    fn any_changed_byte_or_context_fails() {
        let key = [9u8; 32];
        let c = ec(&[("k", "v")]);
        let blob = seal(&key, ARN, 0, [2; 12], b"secret data", &c);
        for i in 0..blob.len() {
            let mut t = blob.clone();
            t[i] ^= 0x01;
            let ok = parse(&t).is_some_and(|_| open(&key, &t, &c).is_some());
            assert!(!ok, "flipping byte {i} went unnoticed");
        }
        // "Only the order of the key-value pairs in the encryption context can vary."
        assert!(open(&key, &blob, &ec(&[("k", "V")])).is_none());
        assert!(open(&key, &blob, &ec(&[])).is_none());
        assert!(open(&key, &blob, &ec(&[("k", "v"), ("x", "y")])).is_none());
        assert!(open(&[8u8; 32], &blob, &c).is_none());
        assert!(parse(&blob[..10]).is_none());
        assert!(parse(b"").is_none());
    }

    #[test]
    fn local_envelope_both_key_sizes() {
        for len in [16, 32] {
            let k = vec![5u8; len];
            let s = local_encrypt(&k, [3; 12], b"payload").unwrap();
            assert_eq!(local_decrypt(&k, &s).unwrap(), b"payload");
            let mut t = s.clone();
            t[20] ^= 1;
            assert!(local_decrypt(&k, &t).is_none());
        }
        assert!(local_encrypt(&[0; 24], [0; 12], b"x").is_none());
    }

    #[test]
    fn rsa_oaep_wrap_unwrap() {
        let mut rng = SimRng::new(5);
        let (private, public) = wrapping_key_pair(&mut rng, 2048);
        for alg in [Wrapping::OaepSha1, Wrapping::OaepSha256] {
            let w = wrap(&mut rng, &public, alg, &[42u8; 32]).unwrap();
            assert_eq!(w.len(), 256);
            assert_eq!(unwrap(&private, alg, &w).unwrap(), vec![42u8; 32]);
        }
        let w = wrap(&mut rng, &public, Wrapping::OaepSha1, &[1u8; 32]).unwrap();
        assert!(unwrap(&private, Wrapping::OaepSha256, &w).is_none(), "the algorithm must match");
    }
}
