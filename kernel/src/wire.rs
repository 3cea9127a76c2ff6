//! The Jupyter wire format (messaging protocol 5.3): multipart frames <-> typed messages, and
//! HMAC-SHA256 signing. Pure: bytes in, messages out, no IO — so it is unit-tested with
//! hostile input (short, malformed, non-UTF-8 multiparts give an error, never a panic) and
//! fuzzed (`fuzz/fuzz_targets/wire_decode.rs`).
//!
//! A message on the wire is
//! `[identity..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffer...]`
//! where `signature` is the lowercase hex HMAC of the four JSON frames with the connection
//! file's key. Verification is constant-time (`hmac`'s `verify_slice`); an empty key means
//! the connection is unauthenticated, as the spec allows.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::Sha256;

/// The protocol version this kernel speaks.
pub const PROTOCOL_VERSION: &str = "5.3";
const DELIMITER: &[u8] = b"<IDS|MSG>";

/// Why a multipart message was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// No `<IDS|MSG>` frame.
    NoDelimiter,
    /// Fewer than the five frames that must follow the delimiter.
    TooShort(usize),
    /// The signature does not match (or is missing while a key is set).
    BadSignature,
    /// A JSON frame is not valid UTF-8.
    NotUtf8(&'static str),
    /// A JSON frame does not parse, or the header lacks a required field.
    BadJson(&'static str, String),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::NoDelimiter => write!(f, "no <IDS|MSG> delimiter frame"),
            WireError::TooShort(n) => write!(f, "only {n} frames after the delimiter (need 5)"),
            WireError::BadSignature => write!(f, "bad or missing HMAC signature"),
            WireError::NotUtf8(part) => write!(f, "the {part} frame is not UTF-8"),
            WireError::BadJson(part, e) => write!(f, "the {part} frame is not valid: {e}"),
        }
    }
}

impl std::error::Error for WireError {}

/// A message header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub msg_id: String,
    pub session: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub date: String,
    pub msg_type: String,
    #[serde(default)]
    pub version: String,
}

/// A decoded message. `parent_header`, `metadata` and `content` stay JSON: each message type
/// reads the fields it needs from `content` (see `kernel.rs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// ROUTER identities (or the iopub topic when sending).
    pub identities: Vec<Vec<u8>>,
    pub header: Header,
    /// `{}` when there is no parent.
    pub parent_header: Value,
    pub metadata: Value,
    pub content: Value,
    pub buffers: Vec<Vec<u8>>,
}

impl Message {
    pub fn msg_type(&self) -> &str {
        &self.header.msg_type
    }
}

/// Signs and verifies with the connection file's key.
#[derive(Clone)]
pub struct Signer {
    mac: Option<Hmac<Sha256>>,
}

impl Signer {
    /// `key` empty means no authentication. Only `hmac-sha256` is supported.
    pub fn new(key: &[u8], scheme: &str) -> Result<Signer, String> {
        if key.is_empty() {
            return Ok(Signer { mac: None });
        }
        if scheme != "hmac-sha256" {
            return Err(format!("unsupported signature_scheme `{scheme}` (only hmac-sha256)"));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|e| e.to_string())?;
        Ok(Signer { mac: Some(mac) })
    }

    fn mac_of(&self, parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
        let mut mac = self.mac.clone()?;
        for p in parts {
            mac.update(p);
        }
        Some(mac)
    }

    /// The hex signature of the four JSON frames ("" without a key).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        self.mac_of(parts).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default()
    }

    /// Constant-time check of `signature` (hex) against the four JSON frames.
    pub fn verify(&self, signature: &[u8], parts: &[&[u8]]) -> bool {
        let Some(mac) = self.mac_of(parts) else { return true };
        match hex::decode(signature) {
            Ok(sig) => mac.verify_slice(&sig).is_ok(),
            Err(_) => false,
        }
    }
}

fn json_frame(name: &'static str, bytes: &[u8]) -> Result<Value, WireError> {
    let text = std::str::from_utf8(bytes).map_err(|_| WireError::NotUtf8(name))?;
    let v: Value = serde_json::from_str(text).map_err(|e| WireError::BadJson(name, e.to_string()))?;
    if !v.is_object() {
        return Err(WireError::BadJson(name, "not a JSON object".into()));
    }
    Ok(v)
}

/// Decodes and verifies one multipart message.
pub fn decode<F: AsRef<[u8]>>(frames: &[F], signer: &Signer) -> Result<Message, WireError> {
    let delim = frames.iter().position(|f| f.as_ref() == DELIMITER).ok_or(WireError::NoDelimiter)?;
    let rest = &frames[delim + 1..];
    if rest.len() < 5 {
        return Err(WireError::TooShort(rest.len()));
    }
    let parts: [&[u8]; 4] = [rest[1].as_ref(), rest[2].as_ref(), rest[3].as_ref(), rest[4].as_ref()];
    if !signer.verify(rest[0].as_ref(), &parts) {
        return Err(WireError::BadSignature);
    }
    let header = json_frame("header", parts[0])?;
    let header: Header = serde_json::from_value(header).map_err(|e| WireError::BadJson("header", e.to_string()))?;
    Ok(Message {
        identities: frames[..delim].iter().map(|f| f.as_ref().to_vec()).collect(),
        header,
        parent_header: json_frame("parent_header", parts[1])?,
        metadata: json_frame("metadata", parts[2])?,
        content: json_frame("content", parts[3])?,
        buffers: rest[5..].iter().map(|f| f.as_ref().to_vec()).collect(),
    })
}

/// Encodes and signs a message into frames.
pub fn encode(msg: &Message, signer: &Signer) -> Vec<Vec<u8>> {
    let header = serde_json::to_vec(&msg.header).unwrap_or_default();
    let parent = serde_json::to_vec(&msg.parent_header).unwrap_or_default();
    let metadata = serde_json::to_vec(&msg.metadata).unwrap_or_default();
    let content = serde_json::to_vec(&msg.content).unwrap_or_default();
    let sig = signer.sign(&[&header, &parent, &metadata, &content]);
    let mut frames = msg.identities.clone();
    frames.push(DELIMITER.to_vec());
    frames.push(sig.into_bytes());
    frames.extend([header, parent, metadata, content]);
    frames.extend(msg.buffers.iter().cloned());
    frames
}

/// Builds the messages a kernel sends: fresh ids, its session, the current time.
#[derive(Clone, Debug)]
pub struct Builder {
    pub session: String,
    pub username: String,
}

impl Builder {
    pub fn new() -> Builder {
        Builder { session: uuid::Uuid::new_v4().to_string(), username: "kernel".into() }
    }

    pub fn header(&self, msg_type: &str) -> Header {
        Header {
            msg_id: uuid::Uuid::new_v4().to_string(),
            session: self.session.clone(),
            username: self.username.clone(),
            date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            msg_type: msg_type.to_string(),
            version: PROTOCOL_VERSION.to_string(),
        }
    }

    /// A reply to `parent` on the same socket (same identities).
    pub fn reply(&self, parent: &Message, msg_type: &str, content: Value) -> Message {
        Message {
            identities: parent.identities.clone(),
            header: self.header(msg_type),
            parent_header: serde_json::to_value(&parent.header).unwrap_or_else(|_| json!({})),
            metadata: Value::Object(Map::new()),
            content,
            buffers: Vec::new(),
        }
    }

    /// An iopub message caused by `parent` (or by nothing), with its type as the topic.
    pub fn iopub(&self, parent: Option<&Header>, msg_type: &str, content: Value) -> Message {
        Message {
            identities: vec![msg_type.as_bytes().to_vec()],
            header: self.header(msg_type),
            parent_header: parent.and_then(|p| serde_json::to_value(p).ok()).unwrap_or_else(|| json!({})),
            metadata: Value::Object(Map::new()),
            content,
            buffers: Vec::new(),
        }
    }
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn signer() -> Signer {
        Signer::new(b"secret-key", "hmac-sha256").unwrap()
    }

    fn sample() -> Message {
        let b = Builder::new();
        let mut m = b.iopub(None, "execute_request", json!({ "code": "1 + 1", "silent": false }));
        m.identities = vec![b"client-1".to_vec()];
        m
    }

    #[test]
    fn round_trip() {
        let m = sample();
        let frames = encode(&m, &signer());
        assert_eq!(frames[1], DELIMITER);
        assert_eq!(decode(&frames, &signer()).unwrap(), m);
    }

    #[test]
    fn signature_is_hmac_sha256_hex_of_the_four_json_frames() {
        // Known vector: HMAC-SHA256(key = "key", "The quick brown fox jumps over the lazy dog")
        // (RFC 4231-style check from the HMAC Wikipedia page), split over frames.
        let s = Signer::new(b"key", "hmac-sha256").unwrap();
        assert_eq!(
            s.sign(&[b"The quick brown ", b"fox jumps over ", b"the lazy ", b"dog"]),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn a_tampered_or_missing_signature_is_rejected() {
        let mut frames = encode(&sample(), &signer());
        frames[5] = br#"{"code":"evil()"}"#.to_vec();
        assert_eq!(decode(&frames, &signer()), Err(WireError::BadSignature));
        let mut frames = encode(&sample(), &signer());
        frames[2] = Vec::new();
        assert_eq!(decode(&frames, &signer()), Err(WireError::BadSignature));
        let mut frames = encode(&sample(), &signer());
        frames[2] = b"not hex!".to_vec();
        assert_eq!(decode(&frames, &signer()), Err(WireError::BadSignature));
        // signed with another key
        let other = Signer::new(b"other", "hmac-sha256").unwrap();
        assert_eq!(decode(&encode(&sample(), &other), &signer()), Err(WireError::BadSignature));
    }

    #[test]
    fn an_empty_key_means_no_authentication() {
        let none = Signer::new(b"", "").unwrap();
        let frames = encode(&sample(), &none);
        assert!(frames[2].is_empty());
        assert!(decode(&frames, &none).is_ok());
        assert!(Signer::new(b"k", "hmac-md5").is_err());
    }

    #[test]
    fn malformed_multiparts_are_errors() {
        let s = signer();
        let empty: Vec<Vec<u8>> = vec![];
        assert_eq!(decode(&empty, &s), Err(WireError::NoDelimiter));
        assert_eq!(decode(&[b"id".to_vec(), DELIMITER.to_vec(), b"sig".to_vec()], &s), Err(WireError::TooShort(1)));
        let bad_utf8 = vec![vec![0xff, 0xfe]; 4];
        let sig = s.sign(&[&bad_utf8[0], &bad_utf8[1], &bad_utf8[2], &bad_utf8[3]]);
        let mut frames = vec![DELIMITER.to_vec(), sig.into_bytes()];
        frames.extend(bad_utf8);
        assert_eq!(decode(&frames, &s), Err(WireError::NotUtf8("header")));
        let parts: [&[u8]; 4] = [b"{\"msg_id\": 1}", b"{}", b"{}", b"{}"];
        let mut frames = vec![DELIMITER.to_vec(), s.sign(&parts).into_bytes()];
        frames.extend(parts.iter().map(|p| p.to_vec()));
        assert!(matches!(decode(&frames, &s), Err(WireError::BadJson("header", _))));
        let parts: [&[u8]; 4] = [br#"{"msg_id":"a","session":"s","msg_type":"x"}"#, b"{}", b"{}", b"[1]"];
        let mut frames = vec![DELIMITER.to_vec(), s.sign(&parts).into_bytes()];
        frames.extend(parts.iter().map(|p| p.to_vec()));
        assert_eq!(decode(&frames, &s), Err(WireError::BadJson("content", "not a JSON object".into())));
    }

    #[test]
    fn lenient_header_fields_and_buffers() {
        let s = signer();
        let parts: [&[u8]; 4] = [br#"{"msg_id":"a","session":"s","msg_type":"kernel_info_request"}"#, b"{}", b"{}", b"{}"];
        let mut frames = vec![b"id1".to_vec(), b"id2".to_vec(), DELIMITER.to_vec(), s.sign(&parts).into_bytes()];
        frames.extend(parts.iter().map(|p| p.to_vec()));
        frames.push(b"\x00binary".to_vec());
        let m = decode(&frames, &s).unwrap();
        assert_eq!(m.identities, vec![b"id1".to_vec(), b"id2".to_vec()]);
        assert_eq!(m.header.version, "");
        assert_eq!(m.buffers, vec![b"\x00binary".to_vec()]);
    }

    #[test]
    fn replies_carry_the_parent_header_and_identities() {
        let b = Builder::new();
        let req = sample();
        let r = b.reply(&req, "execute_reply", json!({ "status": "ok" }));
        assert_eq!(r.identities, req.identities);
        assert_eq!(r.parent_header["msg_id"], req.header.msg_id.as_str());
        assert_eq!(r.header.version, "5.3");
        assert!(r.header.date.ends_with('Z'));
        let idle = b.iopub(None, "status", json!({ "execution_state": "idle" }));
        assert_eq!(idle.parent_header, json!({}));
        assert_eq!(idle.identities, vec![b"status".to_vec()]);
    }

    proptest! {
        // The fuzz property, run on every test: any multipart decodes or errors, never panics.
        #[test]
        fn arbitrary_frames_never_panic(frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..9), with_delim in any::<bool>(), at in 0usize..9) {
            let mut frames = frames;
            if with_delim {
                let i = at.min(frames.len());
                frames.insert(i, DELIMITER.to_vec());
            }
            let _ = decode(&frames, &signer());
            let _ = decode(&frames, &Signer::new(b"", "").unwrap());
        }

        // The hmac_verify fuzz property: what a key signs verifies, and one changed byte in
        // any frame fails.
        #[test]
        fn any_changed_byte_fails_verification(key in proptest::collection::vec(any::<u8>(), 1..80), parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..50), 4), at in any::<usize>()) {
            let s = Signer::new(&key, "hmac-sha256").unwrap();
            let p: [&[u8]; 4] = [&parts[0], &parts[1], &parts[2], &parts[3]];
            let sig = s.sign(&p);
            prop_assert!(s.verify(sig.as_bytes(), &p));
            let total: usize = parts.iter().map(Vec::len).sum();
            prop_assume!(total > 0);
            let mut t = parts.clone();
            let mut i = at % total;
            for f in t.iter_mut() {
                if i < f.len() {
                    f[i] ^= 0x20;
                    break;
                }
                i -= f.len();
            }
            let q: [&[u8]; 4] = [&t[0], &t[1], &t[2], &t[3]];
            prop_assert!(!s.verify(sig.as_bytes(), &q));
        }

        #[test]
        fn signed_garbage_never_panics(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..60), 4..6)) {
            let none = Signer::new(b"", "").unwrap();
            let mut frames = vec![DELIMITER.to_vec(), Vec::new()];
            frames.extend(parts);
            let _ = decode(&frames, &none);
        }
    }
}
