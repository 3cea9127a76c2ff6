//! Simulated external identity providers: the other side of federation.
//!
//! AssumeRoleWithWebIdentity and AssumeRoleWithSAML exchange a token issued OUTSIDE AWS for
//! temporary credentials. To exercise that for real, the world keeps a few identity providers
//! of its own ([`SimIdp`]): each has an issuer (`https://idp.example.com`, or a SAML entity
//! id) and an RSA-2048 key drawn from the world's seeded random stream, and it issues
//!
//! - OpenID Connect ID tokens: real JWTs (RFC 7519) signed RS256 (RFC 7515: RSASSA-PKCS1-v1_5
//!   with SHA-256), with `iss`, `sub`, `aud`, `iat`, `exp` on the simulated clock. Their
//!   signing key is published as a JWKS (RFC 7517), so a notebook can verify a token outside
//!   STS; the provider's "TLS certificate thumbprint" (what IAM's `ThumbprintList` pins) is
//!   the SHA-1 of the key's SubjectPublicKeyInfo.
//! - SAML 2.0 responses: base64 XML with the elements and attributes AWS reads (Issuer,
//!   NameID, SubjectConfirmationData `NotOnOrAfter`/`Recipient`, AudienceRestriction, the
//!   `https://aws.amazon.com/SAML/Attributes/Role` and `RoleSessionName` attributes), the
//!   Assertion signed with an enveloped XML signature (RSA-SHA256 over SignedInfo, SHA-256
//!   digest of the Assertion without its Signature). Simplified: the signed bytes are the
//!   elements' text exactly as serialized (the simulated IdP emits them without white space),
//!   not the output of full Exclusive XML Canonicalization; a response edited in any way
//!   after signing fails verification, as with a real IdP. The matching SAML metadata
//!   document publishes the key as `ds:RSAKeyValue` (Modulus, Exponent) rather than inside an
//!   X.509 certificate.
//!
//! Everything here is plain Rust over bytes and strings: no world, no clock (times are
//! arguments), no Rhai. This is a simulator: the keys are reproducible from the seed and must
//! never protect anything real.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::world::Timestamp;

/// RSA modulus size of every simulated IdP key.
pub const KEY_BITS: usize = 2048;

/// The SAML endpoint AWS expects as Recipient and Audience.
pub const AWS_SAML_ENDPOINT: &str = "https://signin.aws.amazon.com/saml";
pub const SAML_ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
pub const SAML_SESSION_NAME_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
pub const SAML_SESSION_DURATION_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
pub const SAML_SOURCE_IDENTITY_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/SourceIdentity";
pub const SAML_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Which protocol a simulated IdP speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdpKind {
    Oidc,
    Saml,
}

/// One simulated external identity provider.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimIdp {
    /// The OIDC issuer URL (`iss`) or the SAML entity id (`Issuer`).
    pub issuer: String,
    pub kind: IdpKind,
    /// The signing key, PKCS#8 DER.
    #[serde(with = "crate::world::blob::b64")]
    pub key: Vec<u8>,
    /// Its public half, DER SubjectPublicKeyInfo (what relying parties verify with).
    #[serde(with = "crate::world::blob::b64")]
    pub public: Vec<u8>,
    /// The JWKS key id (`kid`).
    pub kid: String,
    pub created: Timestamp,
}

impl SimIdp {
    /// A new IdP whose key comes from `seed` (32 bytes from the world's random stream).
    pub fn new(issuer: &str, kind: IdpKind, seed: [u8; 32], created: Timestamp) -> Self {
        let key = generate_key(seed);
        let der = key.to_pkcs8_der().expect("a fresh RSA key encodes").as_bytes().to_vec();
        let public = spki(&key.to_public_key());
        let kid = hex::encode(&Sha256::digest(&public)[..8]);
        SimIdp { issuer: issuer.to_string(), kind, key: der, public, kid, created }
    }

    pub fn private_key(&self) -> RsaPrivateKey {
        RsaPrivateKey::from_pkcs8_der(&self.key).expect("the world stores only keys it generated")
    }

    pub fn public_key(&self) -> RsaPublicKey {
        RsaPublicKey::from_public_key_der(&self.public).expect("the world stores only keys it generated")
    }

    /// The provider's certificate thumbprint as IAM's ThumbprintList holds it: 40 lower-case
    /// hex digits (SHA-1 of the key's SubjectPublicKeyInfo, standing in for the CA certificate).
    pub fn thumbprint(&self) -> String {
        hex::encode(sha1::Sha1::digest(&self.public))
    }

    /// The JSON Web Key Set the provider publishes at its `jwks_uri`.
    pub fn jwks(&self) -> Value {
        let pk = self.public_key();
        json!({ "keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(pk.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(pk.e().to_bytes_be()),
        }]})
    }
}

fn generate_key(seed: [u8; 32]) -> RsaPrivateKey {
    let mut rng = ChaCha20Rng::from_seed(seed);
    RsaPrivateKey::new(&mut rng, KEY_BITS).expect("RSA key generation succeeds for 2048 bits")
}

/// DER SubjectPublicKeyInfo of a public key.
pub fn spki(pk: &RsaPublicKey) -> Vec<u8> {
    pk.to_public_key_der().expect("an RSA public key encodes").as_bytes().to_vec()
}

fn sign(key: &RsaPrivateKey, msg: &[u8]) -> Vec<u8> {
    SigningKey::<Sha256>::new(key.clone()).sign(msg).to_vec()
}

fn verify(pk: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    match Signature::try_from(sig) {
        Ok(s) => VerifyingKey::<Sha256>::new(pk.clone()).verify(msg, &s).is_ok(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Web Tokens

/// A JWT split into its parts (not yet verified).
#[derive(Clone, Debug)]
pub struct Jwt {
    pub header: serde_json::Map<String, Value>,
    pub claims: serde_json::Map<String, Value>,
    /// `base64url(header) "." base64url(claims)`: the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

impl Jwt {
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
    /// A NumericDate claim (`exp`, `iat`, `nbf`): seconds since the epoch, integer or float.
    pub fn claim_time(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f.floor() as i64)))
    }
    /// `aud`: one string or a list of strings.
    pub fn audiences(&self) -> Vec<String> {
        match self.claims.get("aud") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    }
    /// Whether the RS256 signature verifies with `pk`.
    pub fn verify(&self, pk: &RsaPublicKey) -> bool {
        self.alg() == "RS256" && verify(pk, self.signing_input.as_bytes(), &self.signature)
    }
}

/// Signs `claims` as an RS256 JWT with key id `kid`.
pub fn sign_jwt(key: &RsaPrivateKey, kid: &str, claims: &Value) -> String {
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": kid });
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let sig = sign(key, input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// An unsigned JWT (`"alg": "none"`, empty signature), as a careless IdP would issue.
pub fn unsigned_jwt(claims: &Value) -> String {
    let header = json!({ "alg": "none", "typ": "JWT" });
    format!("{}.{}.", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()))
}

/// Splits and decodes a compact JWT; `None` if it is not one (three base64url parts whose
/// first two are JSON objects).
pub fn parse_jwt(token: &str) -> Option<Jwt> {
    let mut parts = token.trim().split('.');
    let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let obj = |part: &str| -> Option<serde_json::Map<String, Value>> {
        let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            Value::Object(m) => Some(m),
            _ => None,
        }
    };
    Some(Jwt {
        header: obj(h)?,
        claims: obj(c)?,
        signing_input: format!("{h}.{c}"),
        signature: URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?,
    })
}

/// The public key a JWKS publishes under `kid` (RSA keys only).
pub fn jwks_key(jwks: &Value, kid: Option<&str>) -> Option<RsaPublicKey> {
    let keys = jwks.get("keys")?.as_array()?;
    let k = keys.iter().find(|k| kid.is_none() || k.get("kid").and_then(Value::as_str) == kid)?;
    let n = URL_SAFE_NO_PAD.decode(k.get("n")?.as_str()?).ok()?;
    let e = URL_SAFE_NO_PAD.decode(k.get("e")?.as_str()?).ok()?;
    RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).ok()
}

// ---------------------------------------------------------------------------------------------
// A small XML reader (enough for SAML responses and metadata)

/// An XML element with its byte span in the source (`start` at `<`, `end` after `>`).
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// Deepest nesting the reader accepts (SAML responses nest about ten levels).
const MAX_XML_DEPTH: usize = 64;

impl Element {
    /// The name without its namespace prefix (`saml:Assertion` -> `Assertion`).
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    /// The first child element with local name `local`.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local() == local)
    }
    /// Follows a path of local names from this element.
    pub fn path(&self, locals: &[&str]) -> Option<&Element> {
        locals.iter().try_fold(self, |e, l| e.child(l))
    }
    /// The concatenated text content (direct children only), trimmed.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s.trim().to_string()
    }
}

/// Parses one XML document: an optional declaration, comments, then a single root element.
/// Document type declarations are refused (no entity expansion of any kind).
pub fn parse_xml(src: &str) -> Result<Element, String> {
    let mut r = XmlReader { s: src, i: 0 };
    r.skip_misc()?;
    let root = r.element(0)?;
    r.skip_misc()?;
    if r.i < src.len() {
        return Err(format!("unexpected content after the root element at byte {}", r.i));
    }
    Ok(root)
}

struct XmlReader<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> XmlReader<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
    fn skip_ws(&mut self) {
        let t = self.rest();
        self.i += t.len() - t.trim_start().len();
    }
    fn skip_until(&mut self, end: &str) -> Result<(), String> {
        match self.rest().find(end) {
            Some(p) => {
                self.i += p + end.len();
                Ok(())
            }
            None => Err(format!("unterminated construct (missing `{end}`)")),
        }
    }
    /// White space, the XML declaration, processing instructions and comments.
    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            let t = self.rest();
            if t.starts_with("<?") {
                self.skip_until("?>")?;
            } else if t.starts_with("<!--") {
                self.skip_until("-->")?;
            } else if t.starts_with("<!") {
                return Err("document type declarations are not accepted".into());
            } else {
                return Ok(());
            }
        }
    }
    fn name(&mut self) -> Result<String, String> {
        let t = self.rest();
        let n = t.find(|c: char| c.is_whitespace() || "/>=".contains(c)).unwrap_or(t.len());
        if n == 0 {
            return Err(format!("expected a name at byte {}", self.i));
        }
        self.i += n;
        Ok(t[..n].to_string())
    }
    fn element(&mut self, depth: usize) -> Result<Element, String> {
        if depth > MAX_XML_DEPTH {
            return Err("elements nested too deeply".into());
        }
        let start = self.i;
        if !self.rest().starts_with('<') {
            return Err(format!("expected `<` at byte {}", self.i));
        }
        self.i += 1;
        let name = self.name()?;
        let mut attrs = Vec::new();
        loop {
            self.skip_ws();
            let t = self.rest();
            if t.starts_with("/>") {
                self.i += 2;
                return Ok(Element { name, attrs, children: Vec::new(), start, end: self.i });
            }
            if t.starts_with('>') {
                self.i += 1;
                break;
            }
            let key = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(format!("attribute `{key}` has no value"));
            }
            self.i += 1;
            self.skip_ws();
            let quote = self.rest().chars().next().filter(|c| *c == '"' || *c == '\'').ok_or_else(|| format!("attribute `{key}` value is not quoted"))?;
            self.i += 1;
            let len = self.rest().find(quote).ok_or_else(|| format!("attribute `{key}` value is not terminated"))?;
            let raw = &self.rest()[..len];
            if raw.contains('<') {
                return Err(format!("`<` in the value of attribute `{key}`"));
            }
            attrs.push((key, unescape(raw)?));
            self.i += len + 1;
        }
        let mut children = Vec::new();
        loop {
            let t = self.rest();
            if t.is_empty() {
                return Err(format!("element `{name}` is not closed"));
            }
            if let Some(after) = t.strip_prefix("</") {
                let n = after.find('>').ok_or_else(|| format!("element `{name}` is not closed"))?;
                if after[..n].trim() != name {
                    return Err(format!("`</{}>` closes `<{name}>`", after[..n].trim()));
                }
                self.i += 2 + n + 1;
                return Ok(Element { name, attrs, children, start, end: self.i });
            }
            if t.starts_with("<!--") {
                self.skip_until("-->")?;
            } else if let Some(after) = t.strip_prefix("<![CDATA[") {
                let n = after.find("]]>").ok_or("unterminated CDATA section")?;
                children.push(Node::Text(after[..n].to_string()));
                self.i += 9 + n + 3;
            } else if t.starts_with('<') {
                children.push(Node::Element(self.element(depth + 1)?));
            } else {
                let n = t.find('<').unwrap_or(t.len());
                children.push(Node::Text(unescape(&t[..n])?));
                self.i += n;
            }
        }
    }
}

fn unescape(s: &str) -> Result<String, String> {
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let end = after.find(';').ok_or("`&` without `;`")?;
        let ent = &after[..end];
        let ch = match ent {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()
                } else if let Some(d) = ent.strip_prefix('#') {
                    d.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32).ok_or_else(|| format!("unknown entity `&{ent};`"))?
            }
        };
        out.push(ch);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SAML 2.0

const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

/// What a simulated IdP puts into a SAML response.
#[derive(Clone, Debug, Default)]
pub struct SamlClaims {
    pub issuer: String,
    pub name_id: String,
    /// Full NameID Format URI.
    pub name_id_format: String,
    pub recipient: String,
    pub audience: String,
    pub issue_instant: Timestamp,
    pub not_on_or_after: Timestamp,
    /// `role-arn,provider-arn` pairs.
    pub roles: Vec<String>,
    pub session_name: Option<String>,
    pub session_duration: Option<i64>,
    pub source_identity: Option<String>,
    /// Other attributes: name -> values.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// The top-level StatusCode (`...:status:Success` when the user authenticated).
    pub status: String,
    pub response_id: String,
    pub assertion_id: String,
}

fn attribute_xml(name: &str, values: &[String]) -> String {
    let vals: String = values.iter().map(|v| format!("<saml:AttributeValue>{}</saml:AttributeValue>", escape(v))).collect();
    format!("<saml:Attribute Name=\"{}\">{vals}</saml:Attribute>", escape(name))
}

/// The SAML response XML; the Assertion is signed when `key` is given.
pub fn build_saml_response(c: &SamlClaims, key: Option<&RsaPrivateKey>) -> String {
    let mut attrs = String::new();
    if !c.roles.is_empty() {
        attrs.push_str(&attribute_xml(SAML_ROLE_ATTRIBUTE, &c.roles));
    }
    if let Some(n) = &c.session_name {
        attrs.push_str(&attribute_xml(SAML_SESSION_NAME_ATTRIBUTE, std::slice::from_ref(n)));
    }
    if let Some(d) = c.session_duration {
        attrs.push_str(&attribute_xml(SAML_SESSION_DURATION_ATTRIBUTE, &[d.to_string()]));
    }
    if let Some(s) = &c.source_identity {
        attrs.push_str(&attribute_xml(SAML_SOURCE_IDENTITY_ATTRIBUTE, std::slice::from_ref(s)));
    }
    for (k, v) in &c.attributes {
        attrs.push_str(&attribute_xml(k, v));
    }
    let instant = c.issue_instant.iso();
    let not_after = c.not_on_or_after.iso();
    let body = format!(
        "<saml:Issuer>{issuer}</saml:Issuer>\
         <saml:Subject><saml:NameID Format=\"{fmt}\">{sub}</saml:NameID>\
         <saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">\
         <saml:SubjectConfirmationData NotOnOrAfter=\"{not_after}\" Recipient=\"{recipient}\"/></saml:SubjectConfirmation></saml:Subject>\
         <saml:Conditions NotBefore=\"{instant}\" NotOnOrAfter=\"{not_after}\"><saml:AudienceRestriction><saml:Audience>{aud}</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
         <saml:AuthnStatement AuthnInstant=\"{instant}\" SessionIndex=\"{aid}\"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
         <saml:AttributeStatement>{attrs}</saml:AttributeStatement>",
        issuer = escape(&c.issuer),
        fmt = escape(&c.name_id_format),
        sub = escape(&c.name_id),
        recipient = escape(&c.recipient),
        aud = escape(&c.audience),
        aid = escape(&c.assertion_id),
    );
    let open = format!("<saml:Assertion xmlns:saml=\"{NS_ASSERTION}\" ID=\"{}\" IssueInstant=\"{instant}\" Version=\"2.0\">", escape(&c.assertion_id));
    let unsigned = format!("{open}{body}</saml:Assertion>");
    let assertion = match key {
        None => unsigned,
        Some(k) => {
            let digest = STANDARD.encode(Sha256::digest(unsigned.as_bytes()));
            let signed_info = format!(
                "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
                 <ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
                 <ds:Reference URI=\"#{}\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\
                 <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>\
                 <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>",
                escape(&c.assertion_id)
            );
            let sig = STANDARD.encode(sign(k, signed_info.as_bytes()));
            let signature = format!("<ds:Signature xmlns:ds=\"{NS_DSIG}\">{signed_info}<ds:SignatureValue>{sig}</ds:SignatureValue></ds:Signature>");
            // Enveloped signature: right after the Assertion's Issuer, as SAML requires.
            let issuer_end = open.len() + body.find("</saml:Issuer>").expect("the body starts with the issuer") + "</saml:Issuer>".len();
            format!("{}{signature}{}</saml:Assertion>", &unsigned[..issuer_end], &unsigned[issuer_end..unsigned.len() - "</saml:Assertion>".len()])
        }
    };
    format!(
        "<samlp:Response xmlns:samlp=\"{NS_PROTOCOL}\" ID=\"{rid}\" Version=\"2.0\" IssueInstant=\"{instant}\" Destination=\"{dest}\">\
         <saml:Issuer xmlns:saml=\"{NS_ASSERTION}\">{issuer}</saml:Issuer>\
         <samlp:Status><samlp:StatusCode Value=\"{status}\"/></samlp:Status>{assertion}</samlp:Response>",
        rid = escape(&c.response_id),
        dest = escape(&c.recipient),
        issuer = escape(&c.issuer),
        status = escape(&c.status),
    )
}

/// Whether an assertion's XML signature checks out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Invalid,
    Missing,
}

/// What STS reads from a SAML response.
#[derive(Clone, Debug, Default)]
pub struct SamlResponse {
    pub status: String,
    pub issuer: String,
    pub name_id: Option<String>,
    pub name_id_format: Option<String>,
    pub recipient: Option<String>,
    pub not_on_or_after: Option<Timestamp>,
    pub audiences: Vec<String>,
    /// Attribute name -> values, in document order.
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl SamlResponse {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).and_then(|v| v.first()).map(String::as_str)
    }
}

/// Reads a SAML response (XML text) and checks the Assertion's signature with `key`.
pub fn read_saml_response(xml: &str, key: &RsaPublicKey) -> Result<(SamlResponse, SignatureCheck), String> {
    let root = parse_xml(xml)?;
    if root.local() != "Response" {
        return Err(format!("the root element is `{}`, not a SAML Response", root.name));
    }
    let status = root.path(&["Status", "StatusCode"]).and_then(|s| s.attr("Value")).unwrap_or_default().to_string();
    let assertion = root.child("Assertion").ok_or("the response has no Assertion")?;
    let issuer = assertion.child("Issuer").or_else(|| root.child("Issuer")).map(Element::text).unwrap_or_default();
    let subject = assertion.child("Subject");
    let name_id = subject.and_then(|s| s.child("NameID"));
    let confirmation = subject.and_then(|s| s.path(&["SubjectConfirmation", "SubjectConfirmationData"]));
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(stmt) = assertion.child("AttributeStatement") {
        for a in stmt.elements().filter(|e| e.local() == "Attribute") {
            let name = a.attr("Name").unwrap_or_default().to_string();
            attributes.entry(name).or_default().extend(a.elements().filter(|v| v.local() == "AttributeValue").map(Element::text));
        }
    }
    let audiences = assertion
        .path(&["Conditions", "AudienceRestriction"])
        .map(|r| r.elements().filter(|e| e.local() == "Audience").map(Element::text).collect())
        .unwrap_or_default();
    let resp = SamlResponse {
        status,
        issuer,
        name_id: name_id.map(Element::text),
        name_id_format: name_id.and_then(|n| n.attr("Format")).map(str::to_string),
        recipient: confirmation.and_then(|c| c.attr("Recipient")).map(str::to_string),
        not_on_or_after: confirmation.and_then(|c| c.attr("NotOnOrAfter")).and_then(|t| Timestamp::parse(t).ok()),
        audiences,
        attributes,
    };
    Ok((resp, check_signature(xml, assertion, key)))
}

/// Enveloped-signature check: the Reference names the Assertion, the digest is SHA-256 of the
/// Assertion without its Signature element, and SignatureValue is RSA-SHA256 over SignedInfo.
fn check_signature(xml: &str, assertion: &Element, key: &RsaPublicKey) -> SignatureCheck {
    let Some(sig) = assertion.child("Signature") else { return SignatureCheck::Missing };
    let ok = (|| {
        let signed_info = sig.child("SignedInfo")?;
        let reference = signed_info.child("Reference")?;
        if reference.attr("URI")? != format!("#{}", assertion.attr("ID")?) {
            return None;
        }
        let digest = STANDARD.decode(reference.child("DigestValue")?.text()).ok()?;
        let mut without = String::with_capacity(assertion.end - assertion.start);
        without.push_str(xml.get(assertion.start..sig.start)?);
        without.push_str(xml.get(sig.end..assertion.end)?);
        if Sha256::digest(without.as_bytes()).as_slice() != digest.as_slice() {
            return None;
        }
        let value = STANDARD.decode(sig.child("SignatureValue")?.text()).ok()?;
        Some(verify(key, xml.get(signed_info.start..signed_info.end)?.as_bytes(), &value))
    })();
    if ok == Some(true) { SignatureCheck::Valid } else { SignatureCheck::Invalid }
}

/// The SAML metadata document of an IdP: its entity id, SSO endpoint and signing key.
pub fn saml_metadata(entity_id: &str, key: &RsaPublicKey, valid_until: Timestamp) -> String {
    let modulus = STANDARD.encode(key.n().to_bytes_be());
    let exponent = STANDARD.encode(key.e().to_bytes_be());
    let host = entity_id.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <md:EntityDescriptor xmlns:md=\"{NS_METADATA}\" entityID=\"{eid}\" validUntil=\"{until}\">\n\
         <md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n\
         <md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"{NS_DSIG}\"><ds:KeyValue><ds:RSAKeyValue>\
         <ds:Modulus>{modulus}</ds:Modulus><ds:Exponent>{exponent}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue></ds:KeyInfo></md:KeyDescriptor>\n\
         <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n\
         <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>\n\
         <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n\
         <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://{host}/sso/saml\"/>\n\
         <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://{host}/sso/saml\"/>\n\
         </md:IDPSSODescriptor>\n\
         </md:EntityDescriptor>\n",
        eid = escape(entity_id),
        until = valid_until.iso(),
        host = escape(host),
    )
}

/// What IAM keeps from a metadata document.
#[derive(Clone, Debug)]
pub struct Metadata {
    pub entity_id: String,
    pub key: RsaPublicKey,
    pub valid_until: Option<Timestamp>,
}

/// Reads an IdP metadata document: entity id, signing key (RSAKeyValue of at least 1024
/// bits), validUntil.
pub fn read_metadata(xml: &str) -> Result<Metadata, String> {
    let root = parse_xml(xml)?;
    if root.local() != "EntityDescriptor" {
        return Err(format!("the root element is `{}`, not an EntityDescriptor", root.name));
    }
    let entity_id = root.attr("entityID").filter(|s| !s.is_empty()).ok_or("the EntityDescriptor has no entityID")?.to_string();
    let idp = root.child("IDPSSODescriptor").ok_or("there is no IDPSSODescriptor")?;
    let rsa = idp
        .elements()
        .filter(|e| e.local() == "KeyDescriptor" && e.attr("use").is_none_or(|u| u == "signing"))
        .find_map(|kd| kd.path(&["KeyInfo", "KeyValue", "RSAKeyValue"]))
        .ok_or("there is no signing key (KeyDescriptor/KeyInfo/KeyValue/RSAKeyValue)")?;
    let num = |local: &str| -> Result<BigUint, String> {
        let text: String = rsa.child(local).ok_or(format!("RSAKeyValue has no {local}"))?.text().split_whitespace().collect();
        STANDARD.decode(text).map(|b| BigUint::from_bytes_be(&b)).map_err(|_| format!("{local} is not base64"))
    };
    let key = RsaPublicKey::new(num("Modulus")?, num("Exponent")?).map_err(|e| format!("the signing key is not a valid RSA key: {e}"))?;
    if key.size() * 8 < 1024 {
        return Err("the signing key must be at least 1024 bits".into());
    }
    let valid_until = root.attr("validUntil").and_then(|t| Timestamp::parse(t).ok());
    Ok(Metadata { entity_id, key, valid_until })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idp() -> SimIdp {
        SimIdp::new("https://idp.example.com", IdpKind::Oidc, [7; 32], Timestamp::from_secs(0))
    }

    #[test]
    fn keys_are_reproducible_from_the_seed() {
        let a = idp();
        let b = idp();
        assert_eq!(a.key, b.key);
        assert_eq!(a.thumbprint().len(), 40);
        assert_ne!(SimIdp::new("x", IdpKind::Oidc, [8; 32], Timestamp::from_secs(0)).key, a.key);
        assert_eq!(a.public_key().size() * 8, KEY_BITS);
    }

    #[test]
    fn rs256_jwt_round_trip_and_tampering() {
        let i = idp();
        let claims = json!({ "iss": "https://idp.example.com", "sub": "alice", "aud": ["app", "other"], "exp": 100 });
        let t = sign_jwt(&i.private_key(), &i.kid, &claims);
        let j = parse_jwt(&t).unwrap();
        assert_eq!(j.alg(), "RS256");
        assert_eq!(j.kid(), Some(i.kid.as_str()));
        assert_eq!(j.audiences(), ["app", "other"]);
        assert_eq!(j.claim_time("exp"), Some(100));
        // Verified with the key the JWKS publishes (what a relying party does).
        let pk = jwks_key(&i.jwks(), j.kid()).unwrap();
        assert!(j.verify(&pk));
        // Changing one claim breaks the signature.
        let parts: Vec<&str> = t.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(json!({ "iss": "https://idp.example.com", "sub": "mallory", "aud": "app", "exp": 100 }).to_string());
        let j2 = parse_jwt(&format!("{}.{forged}.{}", parts[0], parts[2])).unwrap();
        assert!(!j2.verify(&pk));
        // alg none never verifies.
        assert!(!parse_jwt(&unsigned_jwt(&claims)).unwrap().verify(&pk));
        assert!(parse_jwt("not-a-jwt").is_none());
        assert!(parse_jwt("a.b.c.d").is_none());
    }

    #[test]
    fn xml_reader_handles_entities_comments_and_refuses_doctypes() {
        let e = parse_xml("<?xml version=\"1.0\"?><!-- c --><a x='1 &amp; 2'><b>t&lt;u</b><c/><![CDATA[<raw>]]></a>").unwrap();
        assert_eq!(e.attr("x"), Some("1 & 2"));
        assert_eq!(e.child("b").unwrap().text(), "t<u");
        assert!(e.child("c").unwrap().children.is_empty());
        assert_eq!(e.text(), "<raw>");
        assert!(parse_xml("<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>").is_err());
        assert!(parse_xml("<a><b></a>").is_err());
        assert!(parse_xml("<a>").is_err());
        assert!(parse_xml(&"<a>".repeat(100)).is_err());
    }

    fn claims() -> SamlClaims {
        SamlClaims {
            issuer: "https://idp.example.com/saml".into(),
            name_id: "alice@example.com".into(),
            name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
            recipient: AWS_SAML_ENDPOINT.into(),
            audience: AWS_SAML_ENDPOINT.into(),
            issue_instant: Timestamp::from_secs(1000),
            not_on_or_after: Timestamp::from_secs(1300),
            roles: vec!["arn:aws:iam::111122223333:role/r,arn:aws:iam::111122223333:saml-provider/p".into()],
            session_name: Some("alice".into()),
            status: SAML_SUCCESS.into(),
            response_id: "_r1".into(),
            assertion_id: "_a1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn saml_responses_are_signed_and_tampering_is_detected() {
        let i = idp();
        let xml = build_saml_response(&claims(), Some(&i.private_key()));
        let (r, sig) = read_saml_response(&xml, &i.public_key()).unwrap();
        assert_eq!(sig, SignatureCheck::Valid);
        assert_eq!(r.issuer, "https://idp.example.com/saml");
        assert_eq!(r.name_id.as_deref(), Some("alice@example.com"));
        assert_eq!(r.recipient.as_deref(), Some(AWS_SAML_ENDPOINT));
        assert_eq!(r.not_on_or_after, Some(Timestamp::from_secs(1300)));
        assert_eq!(r.attribute(SAML_SESSION_NAME_ATTRIBUTE), Some("alice"));
        assert_eq!(r.audiences, [AWS_SAML_ENDPOINT]);
        // Editing the role attribute after signing breaks the digest.
        let tampered = xml.replace("role/r,", "role/admin,");
        assert_eq!(read_saml_response(&tampered, &i.public_key()).unwrap().1, SignatureCheck::Invalid);
        // Another IdP's key does not verify it.
        let other = SimIdp::new("o", IdpKind::Saml, [9; 32], Timestamp::from_secs(0));
        assert_eq!(read_saml_response(&xml, &other.public_key()).unwrap().1, SignatureCheck::Invalid);
        let unsigned = build_saml_response(&claims(), None);
        assert_eq!(read_saml_response(&unsigned, &i.public_key()).unwrap().1, SignatureCheck::Missing);
    }

    proptest::proptest! {
        /// Untrusted input never panics the readers (it is what scripts hand to STS).
        #[test]
        fn readers_never_panic(s in "\\PC{0,200}", t in "[<>/=\"'a-z:!?\\[\\]&; -]{0,120}") {
            let _ = parse_xml(&s);
            let _ = parse_xml(&t);
            let _ = parse_jwt(&s);
            let _ = read_metadata(&t);
        }
    }

    #[test]
    fn metadata_round_trip() {
        let i = idp();
        let md = saml_metadata("https://idp.example.com/saml", &i.public_key(), Timestamp::from_secs(86400));
        assert!(md.len() >= 1000, "CreateSAMLProvider takes documents of at least 1,000 characters: {}", md.len());
        let m = read_metadata(&md).unwrap();
        assert_eq!(m.entity_id, "https://idp.example.com/saml");
        assert_eq!(m.key, i.public_key());
        assert_eq!(m.valid_until, Some(Timestamp::from_secs(86400)));
        assert!(read_metadata("<md:EntityDescriptor entityID=\"x\"/>").is_err());
    }
}
