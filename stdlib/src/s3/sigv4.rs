//! AWS Signature Version 4, written from the published algorithm (IAM User Guide "Create a
//! signed AWS API request"; S3 API Reference "Authenticating Requests: Using Query
//! Parameters"), and checked against AWS's worked examples and the official SigV4 test suite
//! (see the tests).
//!
//! The steps: a canonical request (method, canonical URI, canonical query string, canonical
//! headers, signed headers, payload hash, joined by `\n`), a string to sign
//! (`AWS4-HMAC-SHA256`, the request time, the credential scope, the hex SHA-256 of the
//! canonical request), a signing key derived by chained HMACs of the date, region, service
//! and `aws4_request`, and the hex HMAC of the string to sign under that key.
//!
//! S3 specifics: object keys are encoded once and never normalised (`a//b` stays), `/` is
//! kept in the key, and presigned URLs sign the constant payload hash `UNSIGNED-PAYLOAD`.
//! Other services normalise the path (remove `.`/`..` segments, collapse `//`); the test
//! suite vectors exercise both.

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use smallvec::SmallVec;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// SHA-256 of the empty string.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

type HmacSha256 = Hmac<Sha256>;

pub fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().into()
}

pub fn sha256_hex(data: &[u8]) -> String {
    Hex32::of(&Sha256::digest(data).into()).as_str().to_string()
}

/// Lower-case hex of a 32-byte digest, on the stack.
pub struct Hex32([u8; 64]);

impl Hex32 {
    fn of(bytes: &[u8; 32]) -> Hex32 {
        let mut buf = [0u8; 64];
        hex::encode_to_slice(bytes, &mut buf).expect("64 hex digits for 32 bytes");
        Hex32(buf)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

/// Where a canonical request or a string to sign is written: kept as text (to show how a
/// signature was made) or fed straight into the hash that signs it.
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, s: &str) {
        Digest::update(self, s.as_bytes());
    }
}

impl Sink for HmacSha256 {
    fn put(&mut self, s: &str) {
        Mac::update(self, s.as_bytes());
    }
}

/// The bytes `UriEncode()` keeps: `A-Z a-z 0-9 - . _ ~` (a table: every query name and value
/// of every signature is scanned).
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || matches!(b as u8, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    t
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `UriEncode()`: every byte except `A-Z a-z 0-9 - . _ ~` becomes `%XX` (upper-case hex);
/// `/` is kept only when `keep_slash` (object key paths).
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_uri_encoded(&mut out, s, keep_slash);
    out
}

/// Appends [`uri_encode`]`(s, keep_slash)` to `out`.
pub fn push_uri_encoded(out: &mut String, s: &str, keep_slash: bool) {
    let mut plain_from = 0;
    for (i, b) in s.bytes().enumerate() {
        if UNRESERVED[b as usize] || (keep_slash && b == b'/') {
            continue;
        }
        // A run of plain bytes is ASCII, so it starts and ends on character boundaries.
        if i > plain_from {
            out.push_str(&s[plain_from..i]);
        }
        out.extend([b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]].map(char::from));
        plain_from = i + 1;
    }
    if plain_from < s.len() {
        out.push_str(&s[plain_from..]);
    }
}

/// Orders two strings as their [`uri_encode`]`(_, false)` forms order, without encoding them:
/// the forms agree up to the first byte where the strings differ; there, an escaped byte
/// (`%` is below every kept byte) sorts first, and two escaped or two kept bytes sort as the
/// bytes do (escapes are two upper-case hex digits).
fn cmp_encoded(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    match a.iter().zip(b).position(|(x, y)| x != y) {
        None => a.len().cmp(&b.len()),
        Some(i) => {
            let (x, y) = (a[i], b[i]);
            UNRESERVED[x as usize].cmp(&UNRESERVED[y as usize]).then(x.cmp(&y))
        }
    }
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`). Invalid escapes are kept as text.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len()
            && let (Some(h), Some(l)) = ((b[i + 1] as char).to_digit(16), (b[i + 2] as char).to_digit(16)) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986 dot-segment removal plus collapsing of empty segments, as SigV4 does for every
/// service but S3.
pub fn normalize_path(path: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let trailing = path.ends_with('/') && !segs.is_empty();
    let mut out = format!("/{}", segs.join("/"));
    if trailing {
        out.push('/');
    }
    out
}

/// The canonical URI of a raw (unencoded) path: encoded once, `/` kept; normalised first
/// unless the service is S3.
pub fn canonical_uri(raw_path: &str, normalize: bool) -> String {
    let p = if raw_path.is_empty() { "/" } else { raw_path };
    if normalize { uri_encode(&normalize_path(p), true) } else { uri_encode(p, true) }
}

/// The canonical query string of raw (decoded) name/value pairs: each encoded, then sorted by
/// name and then value (byte order of the encoded text); an empty value keeps its `=`.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 8).sum());
    write_canonical_query(pairs, &mut out);
    out
}

/// Appends [`canonical_query`]`(pairs)` to `out`.
pub fn write_canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)], out: &mut String) {
    let mut sorted: SmallVec<[(&str, &str); 12]> = pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
    sorted.sort_unstable_by(|a, b| cmp_encoded(a.0, b.0).then_with(|| cmp_encoded(a.1, b.1)));
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_uri_encoded(out, k, false);
        out.push('=');
        push_uri_encoded(out, v, false);
    }
}

/// Writes the canonical headers, a blank line and the signed-headers list to `out`: names
/// lower-cased and sorted, values trimmed with inner runs of spaces collapsed, repeated
/// headers joined with commas in the order given.
fn write_canonical_headers<'h>(headers: &'h [(Cow<'_, str>, Cow<'_, str>)], out: &mut impl Sink) {
    let lower = |k: &'h str| -> Cow<'h, str> { if k.bytes().any(|b| b.is_ascii_uppercase()) { k.to_ascii_lowercase().into() } else { k.into() } };
    let mut named: SmallVec<[(Cow<'h, str>, &str); 8]> = headers.iter().map(|(k, v)| (lower(k), v.as_ref())).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0)); // stable: repeated headers keep their order
    for (i, (k, v)) in named.iter().enumerate() {
        let repeat = i > 0 && named[i - 1].0 == *k;
        if repeat {
            out.put(","); // the previous value goes on, comma-separated
        } else {
            if i > 0 {
                out.put("\n");
            }
            out.put(k);
            out.put(":");
        }
        for (j, word) in v.split_whitespace().enumerate() {
            if j > 0 {
                out.put(" ");
            }
            out.put(word);
        }
    }
    if !named.is_empty() {
        out.put("\n");
    }
    out.put("\n");
    for (i, (k, _)) in named.iter().enumerate() {
        if i > 0 && named[i - 1].0 == *k {
            continue;
        }
        if i > 0 {
            out.put(";");
        }
        out.put(k);
    }
}

/// One request to sign.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// Already canonical (see [`canonical_uri`]).
    pub canonical_uri: Cow<'a, str>,
    /// Raw (decoded) query pairs, without `X-Amz-Signature`.
    pub query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Headers to sign (name, value).
    pub headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub payload_hash: &'a str,
}

pub fn canonical_request(r: &Request<'_>) -> String {
    canonical_request_with(r, &canonical_query(&r.query))
}

/// The canonical request when the canonical query string is already known.
pub fn canonical_request_with(r: &Request<'_>, canonical_query: &str) -> String {
    let mut out = String::with_capacity(r.canonical_uri.len() + canonical_query.len() + 160);
    write_canonical_request(r, canonical_query, &mut out);
    out
}

fn write_canonical_request(r: &Request<'_>, canonical_query: &str, out: &mut impl Sink) {
    for part in [r.method, "\n", &r.canonical_uri, "\n", canonical_query, "\n"] {
        out.put(part);
    }
    write_canonical_headers(&r.headers, out);
    out.put("\n");
    out.put(r.payload_hash);
}

/// `AKID/YYYYMMDD/region/service/aws4_request`: X-Amz-Credential's value.
pub fn credential(access_key_id: &str, date: &str, region: &str, service: &str) -> String {
    let mut out = String::with_capacity(access_key_id.len() + date.len() + region.len() + service.len() + 16);
    out.push_str(access_key_id);
    out.push('/');
    write_scope(date, region, service, &mut out);
    out
}

/// Writes `YYYYMMDD/region/service/aws4_request`, the credential scope.
fn write_scope(date: &str, region: &str, service: &str, out: &mut impl Sink) {
    for part in [date, "/", region, "/", service, "/aws4_request"] {
        out.put(part);
    }
}

/// The string to sign (the algorithm, the request time, the credential scope and the
/// canonical request's hash), written to `out`.
fn write_string_to_sign(amz_date: &str, region: &str, service: &str, request_hash: &Hex32, out: &mut impl Sink) {
    let date = &amz_date[..8.min(amz_date.len())];
    for part in [ALGORITHM, "\n", amz_date, "\n"] {
        out.put(part);
    }
    write_scope(date, region, service, out);
    out.put("\n");
    out.put(request_hash.as_str());
}

pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    keyed(secret, date, region, service).0
}

/// The signing key and an HMAC already keyed with it. Like the SDKs, keep the last one
/// derived: it only changes with the day, the region, the service or the secret.
fn keyed(secret: &str, date: &str, region: &str, service: &str) -> ([u8; 32], HmacSha256) {
    type Cached = ([String; 4], [u8; 32], HmacSha256);
    thread_local! {
        static LAST: std::cell::RefCell<Option<Cached>> = const { std::cell::RefCell::new(None) };
    }
    let id = [secret, date, region, service];
    if let Some(hit) = LAST.with(|l| l.borrow().as_ref().filter(|(i, ..)| *i == id).map(|(_, k, m)| (*k, m.clone()))) {
        return hit;
    }
    let key = derive_signing_key(secret, date, region, service);
    let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key length");
    LAST.with(|l| *l.borrow_mut() = Some((id.map(str::to_string), key, mac.clone())));
    (key, mac)
}

fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(["AWS4", secret].concat().as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// Compares two signatures without an early exit.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Everything a presigned URL's signature is made of, for teaching and tests.
#[derive(Clone, Debug, PartialEq)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// Signs `r` for `secret` at `amz_date` (`20130524T000000Z`) in `region`/`service`.
pub fn sign(r: &Request<'_>, secret: &str, amz_date: &str, region: &str, service: &str) -> Signed {
    sign_with(r, &canonical_query(&r.query), secret, amz_date, region, service)
}

/// [`sign`] when the canonical query string is already known.
pub fn sign_with(r: &Request<'_>, canonical_query: &str, secret: &str, amz_date: &str, region: &str, service: &str) -> Signed {
    let creq = canonical_request_with(r, canonical_query);
    let request_hash = Hex32::of(&Sha256::digest(creq.as_bytes()).into());
    let mut sts = String::with_capacity(160);
    write_string_to_sign(amz_date, region, service, &request_hash, &mut sts);
    let signature = signature(&request_hash, secret, amz_date, region, service).as_str().to_string();
    Signed { canonical_request: creq, string_to_sign: sts, signature }
}

/// [`sign_with`]'s signature alone: the canonical request goes straight into its hash, never
/// built as text.
pub fn signature_of(r: &Request<'_>, canonical_query: &str, secret: &str, amz_date: &str, region: &str, service: &str) -> Hex32 {
    let mut hasher = Sha256::new();
    write_canonical_request(r, canonical_query, &mut hasher);
    signature(&Hex32::of(&hasher.finalize().into()), secret, amz_date, region, service)
}

/// The hex HMAC of the string to sign (written straight into the HMAC) under the signing key.
fn signature(request_hash: &Hex32, secret: &str, amz_date: &str, region: &str, service: &str) -> Hex32 {
    let mut mac = keyed(secret, &amz_date[..8.min(amz_date.len())], region, service).1;
    write_string_to_sign(amz_date, region, service, request_hash, &mut mac);
    Hex32::of(&mac.finalize().into_bytes().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S3_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn pairs<'a>(v: &[(&'a str, &'a str)]) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
        v.iter().map(|&(a, b)| (a.into(), b.into())).collect()
    }

    /// S3 API Reference, "Authenticating Requests: Using Query Parameters", example
    /// (aws-facts §1.2): the presigned GET of examplebucket/test.txt.
    #[test]
    fn s3_presigned_get_example() {
        let r = Request {
            method: "GET",
            canonical_uri: canonical_uri("/test.txt", false).into(),
            query: pairs(&[
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
                ("X-Amz-Date", "20130524T000000Z"),
                ("X-Amz-Expires", "86400"),
                ("X-Amz-SignedHeaders", "host"),
            ]),
            headers: pairs(&[("Host", "examplebucket.s3.amazonaws.com")]),
            payload_hash: UNSIGNED_PAYLOAD,
        };
        let s = sign(&r, S3_SECRET, "20130524T000000Z", "us-east-1", "s3");
        assert_eq!(
            s.canonical_request,
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
        );
        assert_eq!(
            s.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
        );
        assert_eq!(hex::encode(signing_key(S3_SECRET, "20130524", "us-east-1", "s3")), "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
        assert_eq!(s.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    }

    fn header_example(method: &str, path: &str, query: &[(&str, &str)], extra: &[(&str, &str)], payload: &str) -> Signed {
        let mut headers = pairs(&[("Host", "examplebucket.s3.amazonaws.com")]);
        headers.extend(pairs(extra));
        headers.push(("x-amz-content-sha256".into(), payload.into()));
        headers.push(("x-amz-date".into(), "20130524T000000Z".into()));
        let r = Request { method, canonical_uri: canonical_uri(path, false).into(), query: pairs(query), headers, payload_hash: payload };
        sign(&r, S3_SECRET, "20130524T000000Z", "us-east-1", "s3")
    }

    /// S3 API Reference, "Signature Calculations for the Authorization Header" examples
    /// (aws-facts §1.3 a–d).
    #[test]
    fn s3_authorization_header_examples() {
        let a = header_example("GET", "/test.txt", &[], &[("Range", "bytes=0-9")], EMPTY_SHA256);
        assert_eq!(sha256_hex(a.canonical_request.as_bytes()), "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
        assert_eq!(a.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

        let body_hash = sha256_hex(b"Welcome to Amazon S3.");
        assert_eq!(body_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        let b = header_example(
            "PUT",
            "/test$file.text",
            &[],
            &[("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            &body_hash,
        );
        assert!(b.canonical_request.starts_with("PUT\n/test%24file.text\n"));
        assert_eq!(sha256_hex(b.canonical_request.as_bytes()), "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
        assert_eq!(b.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");

        let c = header_example("GET", "/", &[("lifecycle", "")], &[], EMPTY_SHA256);
        assert!(c.canonical_request.contains("\nlifecycle=\n"));
        assert_eq!(sha256_hex(c.canonical_request.as_bytes()), "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
        assert_eq!(c.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

        let d = header_example("GET", "/", &[("max-keys", "2"), ("prefix", "J")], &[], EMPTY_SHA256);
        assert_eq!(sha256_hex(d.canonical_request.as_bytes()), "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
        assert_eq!(d.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const SUITE_DATE: &str = "20150830T123600Z";

    /// One header-signed case of the official SigV4 test suite (awslabs/aws-c-auth
    /// `tests/aws-signing-test-suite/v4/<case>`, same values as botocore's
    /// `aws4_testsuite`): service `service`, host `example.amazonaws.com`.
    fn suite_header(method: &str, path: &str, normalize: bool, query: &[(&str, &str)], extra: &[(&str, &str)]) -> Signed {
        let mut headers = pairs(&[("Host", "example.amazonaws.com")]);
        headers.extend(pairs(extra));
        headers.push(("X-Amz-Date".into(), SUITE_DATE.into()));
        let r = Request { method, canonical_uri: canonical_uri(path, normalize).into(), query: pairs(query), headers, payload_hash: EMPTY_SHA256 };
        sign(&r, SUITE_SECRET, SUITE_DATE, "us-east-1", "service")
    }

    #[test]
    fn official_suite_signing_key() {
        assert_eq!(hex::encode(signing_key(SUITE_SECRET, "20150830", "us-east-1", "service")), "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
    }

    #[test]
    fn official_suite_header_cases() {
        let cases: &[(&str, Signed, &str)] = &[
            ("get-vanilla", suite_header("GET", "/", true, &[], &[]), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            (
                "get-vanilla-query-order-key-case",
                suite_header("GET", "/", true, &[("Param2", "value2"), ("Param1", "value1")], &[]),
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
            ),
            (
                "get-vanilla-query-order-encoded",
                suite_header("GET", "/", true, &[("Param-3", "Value3"), ("Param", "Value2"), ("\u{1234}", "Value1")], &[]),
                "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac",
            ),
            (
                "get-vanilla-query-unreserved",
                suite_header(
                    "GET",
                    "/",
                    true,
                    &[(
                        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                    )],
                    &[],
                ),
                "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
            ),
            ("get-vanilla-utf8-query", suite_header("GET", "/", true, &[("\u{1234}", "bar")], &[]), "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
            ("get-utf8", suite_header("GET", "/\u{1234}", true, &[], &[]), "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
            (
                "get-unreserved",
                suite_header("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", true, &[], &[]),
                "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
            ),
            ("get-space-normalized", suite_header("GET", "/example space/", true, &[], &[]), "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
            ("get-slashes-normalized", suite_header("GET", "//example//", true, &[], &[]), "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
            ("get-slashes-unnormalized", suite_header("GET", "//example//", false, &[], &[]), "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"),
            (
                "get-relative-relative-normalized",
                suite_header("GET", "/example1/example2/../..", true, &[], &[]),
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            ),
            (
                "get-relative-relative-unnormalized",
                suite_header("GET", "/example1/example2/../..", false, &[], &[]),
                "dc33e0856fd4baca4d7aa2146c38958283844764f38c74252a333df5e613003b",
            ),
            (
                "get-header-value-trim",
                suite_header("GET", "/", true, &[], &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")]),
                "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
            ),
            (
                "get-header-key-duplicate",
                suite_header("GET", "/", true, &[], &[("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")]),
                "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
            ),
            (
                "get-vanilla-with-session-token",
                suite_header("GET", "/", true, &[], &[("X-Amz-Security-Token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")]),
                "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
            ),
            ("post-vanilla", suite_header("POST", "/", true, &[], &[]), "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
            ("post-vanilla-query", suite_header("POST", "/", true, &[("Param1", "value1")], &[]), "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
            ("post-header-key-sort", suite_header("POST", "/", true, &[], &[("My-Header1", "value1")]), "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
            ("post-header-value-case", suite_header("POST", "/", true, &[], &[("My-Header1", "VALUE1")]), "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        ];
        for (name, got, want) in cases {
            assert_eq!(got.signature, *want, "{name}\n{}", got.canonical_request);
        }
    }

    /// The suite's query-signed variant of get-vanilla-query-order-key-case (aws-facts §1.5
    /// gives its canonical query string and signature).
    #[test]
    fn official_suite_query_case() {
        let r = Request {
            method: "GET",
            canonical_uri: "/".into(),
            query: pairs(&[
                ("Param2", "value2"),
                ("Param1", "value1"),
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                ("X-Amz-Credential", "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"),
                ("X-Amz-Date", SUITE_DATE),
                ("X-Amz-Expires", "3600"),
                ("X-Amz-SignedHeaders", "host"),
            ]),
            headers: pairs(&[("Host", "example.amazonaws.com")]),
            payload_hash: EMPTY_SHA256,
        };
        let s = sign(&r, SUITE_SECRET, SUITE_DATE, "us-east-1", "service");
        assert!(s.canonical_request.contains(
            "\nParam1=value1&Param2=value2&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n"
        ));
        assert_eq!(s.signature, "86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5");
    }

    proptest::proptest! {
        /// Names and values sort by their encoded form; `cmp_encoded` finds that order
        /// without encoding.
        #[test]
        fn sorts_as_the_encoded_text_sorts(a in "[a-zA-Z0-9 %/+~._\\-\u{e9}\u{1234}]{0,6}", b in "[a-zA-Z0-9 %/+~._\\-\u{e9}\u{1234}]{0,6}") {
            proptest::prop_assert_eq!(cmp_encoded(&a, &b), uri_encode(&a, false).cmp(&uri_encode(&b, false)), "{:?} {:?}", a, b);
        }
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(uri_encode("a b~c/d", true), "a%20b~c/d");
        assert_eq!(uri_encode("a b~c/d", false), "a%20b~c%2Fd");
        assert_eq!(uri_encode("\u{1234}", false), "%E1%88%B4");
        // S3 keeps double slashes and dot segments in keys.
        assert_eq!(canonical_uri("/my-object//example//photo.user", false), "/my-object//example//photo.user");
        assert_eq!(percent_decode("a%20b%2Fc%zz"), "a b/c%zz");
        // Duplicate keys sort by value, byte order (botocore suite, get-vanilla-query-order-value).
        assert_eq!(canonical_query(&pairs(&[("Param1", "value2"), ("Param1", "Value1")])), "Param1=Value1&Param1=value2");
        assert!(signatures_equal("abc", "abc"));
        assert!(!signatures_equal("abc", "abd"));
    }
}
