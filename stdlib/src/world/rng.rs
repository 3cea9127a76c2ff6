//! Seeded randomness.
//!
//! Every id, key, nonce and random byte in the simulator comes from one [`SimRng`], a
//! ChaCha20 stream seeded by `world::seed(n)`. The same notebook therefore produces the
//! same ids and ciphertexts, byte for byte. Nothing here reads OS randomness: this is a
//! simulator, and its "keys" are reproducible by design, so never use them for real secrets.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// The default seed of a fresh world.
pub const DEFAULT_SEED: u64 = 1;

/// The world's random stream. Serializes as its seed and position, so `world::save()` /
/// `world::load()` resume exactly where the stream was.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SimRng {
    seed: u64,
    inner: ChaCha20Rng,
}

impl Default for SimRng {
    fn default() -> Self {
        SimRng::new(DEFAULT_SEED)
    }
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// IAM unique ids and access key ids use upper-case base32 (A–Z, 2–7).
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const LOWER_HEX: &[u8] = b"0123456789abcdef";
const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl SimRng {
    pub fn new(seed: u64) -> Self {
        SimRng { seed, inner: ChaCha20Rng::seed_from_u64(seed) }
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        self.inner.fill_bytes(buf);
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.fill(&mut v);
        v
    }
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        self.fill(&mut a);
        a
    }
    /// Uniform in `0..n` (n > 0), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
    /// Uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len() as u64) as usize] as char).collect()
    }
    /// A random UUID (version 4 layout) as text, lower-case: `1234abcd-12ab-44cd-96ef-1234567890ab`.
    pub fn uuid(&mut self) -> String {
        self.uuid_v4().to_string()
    }
    /// [`SimRng::uuid`] as 16 bytes (request and event ids: made on every API call).
    pub fn uuid_v4(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.array::<16>()).into_uuid()
    }
    /// An IAM unique id: `prefix` (AIDA, AROA, AGPA, ANPA, AIPA, ...) then upper-case base32
    /// up to 21 characters in all, like `AIDACKCEVSQ6C2EXAMPLE`.
    pub fn iam_unique_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.chars(BASE32, 21 - prefix.len()))
    }
    /// A 20-character access key id: `AKIA` (long-term) or `ASIA` (temporary) + 16.
    pub fn access_key_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.chars(BASE32, 20 - prefix.len()))
    }
    /// A 40-character secret access key.
    pub fn secret_access_key(&mut self) -> String {
        self.chars(SECRET_CHARS, 40)
    }
    /// Upper-case alphanumerics, e.g. CloudFront-style or Route 53 ids.
    pub fn upper_alnum(&mut self, n: usize) -> String {
        self.chars(UPPER_ALNUM, n)
    }
    /// Lower-case hex, e.g. EC2 ids (`vol-` + 17 hex).
    pub fn hex_id(&mut self, n: usize) -> String {
        self.chars(LOWER_HEX, n)
    }
    /// An EC2-style id: `vpc-0a1b2c3d4e5f67890` (prefix + `-` + 17 lower-case hex).
    pub fn ec2_id(&mut self, prefix: &str) -> String {
        format!("{prefix}-{}", self.hex_id(17))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_resume_after_serde() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        assert_eq!(a.uuid(), b.uuid());
        let saved = serde_json::to_string(&a).unwrap();
        let mut c: SimRng = serde_json::from_str(&saved).unwrap();
        assert_eq!(a.bytes(64), c.bytes(64));
        assert_ne!(SimRng::new(1).uuid(), SimRng::new(2).uuid());
    }

    #[test]
    fn id_shapes() {
        let mut r = SimRng::new(7);
        let u = r.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
        assert_eq!([u.find('-'), u[9..].find('-').map(|i| i + 9)], [Some(8), Some(13)]);
        assert_eq!(&u[14..15], "4");
        let id = r.iam_unique_id("AIDA");
        assert_eq!(id.len(), 21);
        assert!(id.starts_with("AIDA"));
        let ak = r.access_key_id("AKIA");
        assert_eq!(ak.len(), 20);
        assert_eq!(r.secret_access_key().len(), 40);
        let v = r.ec2_id("vol");
        assert_eq!(v.len(), 21);
    }
}
