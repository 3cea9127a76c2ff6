//! Presigned URLs and the simulated HTTP client that uses them.
//!
//! `generate` builds a SigV4 query-signed URL exactly as AWS's SDKs do (the S3 API
//! Reference's example reproduces byte for byte; see the tests), signing `host` and the
//! headers its parameters become (metadata, SSE-C, ...), which the request must then send.
//! Generating makes no API call: like boto3, it only signs. `request` plays an HTTP client sending such a URL: it
//! finds the bucket and key in the URL (virtual-hosted or path style), refuses `x-amz-*`
//! headers the URL did not sign (AccessDenied, `HeadersNotSigned`), verifies the
//! signature with the signer's secret (SignatureDoesNotMatch on any tampering), checks the
//! signing window against the simulated clock (`Request has expired`, `Request is not yet
//! valid`), checks temporary credentials (`ExpiredToken`), and only then runs the S3
//! operation AS THE SIGNER — so permissions are those the signer has when the URL is used,
//! not when it was made. A URL without a signature is an anonymous request.
//!
//! A URL stays valid through X-Amz-Date + X-Amz-Expires inclusive; S3 checks only when a
//! request starts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use smallvec::SmallVec;

use super::error::S3Error;
use super::sigv4::{self, ALGORITHM, UNSIGNED_PAYLOAD, percent_decode};
use crate::world::service::S3;
use crate::world::{AmzDate, AwsError, Blob, Caller, ErrorCode, Principal, Timestamp, World};

/// An optional string that borrows from the deserializer when it lends its strings (rhai's
/// does); serde borrows only a bare `Cow<str>` field, and copies an `Option<Cow<str>>`.
fn opt_cow<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Lent<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Lent<'de>>::deserialize(d)?.map(|s| s.0))
}

/// Explicit signing credentials. Read from a script's map, the strings are borrowed, not
/// copied.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Credentials<'a> {
    #[serde(borrow)]
    pub access_key_id: Cow<'a, str>,
    #[serde(borrow)]
    pub secret_access_key: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub session_token: Option<Cow<'a, str>>,
    /// Accepted (and ignored) so `iam::assume_role(...).Credentials` can be passed as is.
    #[serde(default)]
    pub expiration: Option<IgnoredAny>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PresignRequest<'a> {
    /// `get_object`, `put_object`, `head_object`, `delete_object` (or AWS's names).
    #[serde(borrow)]
    pub client_method: Cow<'a, str>,
    #[serde(borrow)]
    pub params: PresignParams<'a>,
    /// Seconds; 3600 by default (S3 accepts 1 to 604,800 when the URL is used).
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub http_method: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub credentials: Option<Credentials<'a>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub region: Option<Cow<'a, str>>,
    /// `virtual` (default; `path` for bucket names with dots, as the SDKs do) or `path`.
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub addressing_style: Option<Cow<'a, str>>,
    /// `https` (default) or `http`.
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub scheme: Option<Cow<'a, str>>,
    /// The S3 endpoint host, e.g. `s3.us-east-1.amazonaws.com` (the regional form of
    /// us-east-1); by default `s3.amazonaws.com` for us-east-1, `s3.<region>.amazonaws.com`
    /// elsewhere.
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub endpoint: Option<Cow<'a, str>>,
}

/// The operation's parameters that a presigned URL carries.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PresignParams<'a> {
    #[serde(borrow)]
    pub bucket: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub key: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub version_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub prefix: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub delimiter: Option<Cow<'a, str>>,
    #[serde(default)]
    pub max_keys: Option<i64>,
    /// ListObjects' page marker.
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub marker: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub continuation_token: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub start_after: Option<Cow<'a, str>>,
    // GetObject's response header overrides travel in the query string.
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub response_cache_control: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub response_content_disposition: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub response_content_encoding: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub response_content_language: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_cow")]
    pub response_content_type: Option<Cow<'a, str>>,
    /// Sent as an HTTP date, as botocore sends it.
    #[serde(default)]
    pub response_expires: Option<Timestamp>,
    // Headers the URL signs, as botocore signs them: the request must then send them with
    // these values (see [`PresignParams::headers`]).
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(rename = "SSECustomerAlgorithm", default)]
    pub sse_customer_algorithm: Option<String>,
    /// 32 raw bytes (base64-encoded into the header, as botocore does) or their base64.
    #[serde(rename = "SSECustomerKey", default)]
    pub sse_customer_key: Option<Blob>,
    /// Computed from the key when not given, as botocore does.
    #[serde(rename = "SSECustomerKeyMD5", default)]
    pub sse_customer_key_md5: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
}

impl PresignParams<'_> {
    /// The HTTP headers these parameters become (lowercase names, sorted): the URL signs them
    /// besides `host`, and the request must send them.
    pub fn headers(&self) -> BTreeMap<String, String> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut h = BTreeMap::new();
        let plain = [
            ("content-type", &self.content_type),
            ("x-amz-storage-class", &self.storage_class),
            ("x-amz-server-side-encryption-customer-algorithm", &self.sse_customer_algorithm),
            ("if-match", &self.if_match),
            ("if-none-match", &self.if_none_match),
            ("range", &self.range),
        ];
        h.extend(plain.into_iter().filter_map(|(k, v)| Some((k.to_string(), v.clone()?))));
        for (k, v) in self.metadata.iter().flatten() {
            h.insert(format!("x-amz-meta-{}", k.to_ascii_lowercase()), v.clone());
        }
        if let Some(Blob(key)) = &self.sse_customer_key {
            let (encoded, raw) = if key.len() == 32 { (b64.encode(key), key.clone()) } else { (String::from_utf8_lossy(key).into_owned(), b64.decode(key).unwrap_or_default()) };
            h.insert("x-amz-server-side-encryption-customer-key".into(), encoded);
            let md5 = self.sse_customer_key_md5.clone().unwrap_or_else(|| b64.encode(<md5::Md5 as md5::Digest>::digest(&raw)));
            h.insert("x-amz-server-side-encryption-customer-key-md5".into(), md5);
        }
        h
    }
}

/// A presigned URL and how it was made.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Presigned {
    pub url: String,
    pub method: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub expires: Timestamp,
    /// The signed headers (besides `host`) the request must send.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

fn bad(msg: impl Into<String>) -> AwsError {
    S3Error::InvalidArgument.err(msg)
}

/// The signer for `access_key_id`: its principal, secret and session token (temporary
/// credentials), from IAM. Inactive keys authenticate nothing.
fn lookup_access_key(w: &World, access_key_id: &str) -> Option<(Principal, String, Option<String>)> {
    let key = crate::iam::signing_key(w, access_key_id)?;
    let spec = crate::iam::PrincipalSpec::Credentials {
        access_key_id: access_key_id.into(),
        secret_access_key: Some(key.secret_access_key.clone()),
        session_token: key.session_token.clone(),
    };
    let p = crate::iam::resolve_principal(w, &spec).ok()?;
    Some((p, key.secret_access_key, key.session_token))
}

/// The current principal's signing credentials: a role session's temporary credentials, or
/// the first active access key of an IAM user (the root user has none unless given).
fn current_credentials(w: &World) -> Result<Credentials<'static>, AwsError> {
    let p = w.caller().principal;
    let found = crate::iam::signing_key_of(w, &p).map(|k| Credentials {
        access_key_id: k.access_key_id.into(),
        secret_access_key: k.secret_access_key.into(),
        session_token: k.session_token.map(Cow::Owned),
        expiration: None,
    });
    found.ok_or_else(|| {
        bad(format!(
            "{} has no access key to sign with: create one (`iam::create_access_key(#{{ UserName: \"...\" }})`) and sign as that user, or pass `Credentials: #{{ AccessKeyId, SecretAccessKey }}`",
            p.display_name()
        ))
    })
}

fn method_of(client_method: &str) -> Result<(&'static str, &'static str), AwsError> {
    Ok(match client_method {
        "get_object" | "GetObject" => ("GET", "GetObject"),
        "put_object" | "PutObject" => ("PUT", "PutObject"),
        "head_object" | "HeadObject" => ("HEAD", "HeadObject"),
        "delete_object" | "DeleteObject" => ("DELETE", "DeleteObject"),
        "list_objects" | "ListObjects" => ("GET", "ListObjects"),
        "list_objects_v2" | "ListObjectsV2" => ("GET", "ListObjectsV2"),
        o => return Err(bad(format!("`{o}` is not a client method this simulator presigns (get_object, put_object, head_object, delete_object, list_objects, list_objects_v2)"))),
    })
}

/// Writes the host of a bucket/key in `region` for an addressing style to `out`, then its
/// canonical (encoded) path; returns where the path starts.
pub fn write_location(out: &mut String, bucket: &str, key: &str, region: &str, style: &str, endpoint: Option<&str>) -> usize {
    if style != "path" {
        out.push_str(bucket);
        out.push('.');
    }
    match endpoint {
        Some(e) => out.push_str(e),
        None if region == "us-east-1" => out.push_str("s3.amazonaws.com"),
        None => ["s3.", region, ".amazonaws.com"].iter().for_each(|p| out.push_str(p)),
    }
    let path_at = out.len();
    out.push('/');
    if style == "path" {
        sigv4::push_uri_encoded(out, bucket, true);
        if !key.is_empty() {
            out.push('/');
        }
    }
    sigv4::push_uri_encoded(out, key, true);
    path_at
}

/// Builds a presigned URL at the world's current time, and shows how it was made.
pub fn generate(w: &World, req: &PresignRequest<'_>) -> Result<Presigned, AwsError> {
    prepare(w, req, |p| {
        let signed = sigv4::sign_with(&p.request(), p.query(), p.secret, &p.amz_date, p.region, "s3");
        let mut url = p.url;
        url.push_str(&signed.signature);
        Presigned {
            url,
            method: p.method.to_string(),
            canonical_request: signed.canonical_request,
            string_to_sign: signed.string_to_sign,
            signature: signed.signature,
            expires: Timestamp::from_secs(p.now.secs() + p.expires_in),
            headers: p.headers,
        }
    })
}

/// [`generate`]'s URL alone (what `generate_presigned_url` returns), signed without building
/// the canonical request and the string to sign as text.
pub fn generate_url(w: &World, req: &PresignRequest<'_>) -> Result<String, AwsError> {
    prepare(w, req, |mut p| {
        let signature = sigv4::signature_of(&p.request(), p.query(), p.secret, &p.amz_date, p.region, "s3");
        p.url.push_str(signature.as_str());
        p.url
    })
}

/// A presigned URL's parts, checked and ready to sign.
struct Parts<'a> {
    /// The URL up to and including `X-Amz-Signature=`; the host, the canonical path and the
    /// canonical query string are parts of it.
    url: String,
    host: std::ops::Range<usize>,
    path: std::ops::Range<usize>,
    query: std::ops::Range<usize>,
    method: &'a str,
    secret: &'a str,
    amz_date: AmzDate,
    region: &'a str,
    now: Timestamp,
    expires_in: i64,
    /// Signed headers besides `host` (usually none).
    headers: BTreeMap<String, String>,
}

impl Parts<'_> {
    fn query(&self) -> &str {
        &self.url[self.query.clone()]
    }

    /// The request to sign: the `host` header and any headers the parameters asked for; no
    /// payload.
    fn request(&self) -> sigv4::Request<'_> {
        let mut headers = vec![("host".into(), self.url[self.host.clone()].into())];
        headers.extend(self.headers.iter().map(|(k, v)| (k.into(), v.into())));
        sigv4::Request { method: self.method, canonical_uri: self.url[self.path.clone()].into(), query: Vec::new(), headers, payload_hash: UNSIGNED_PAYLOAD }
    }
}

/// Checks `req` and hands its parts to `finish`.
fn prepare<T>(w: &World, req: &PresignRequest<'_>, finish: impl FnOnce(Parts<'_>) -> T) -> Result<T, AwsError> {
    let (default_method, op) = method_of(&req.client_method)?;
    let method = req.http_method.as_deref().unwrap_or(default_method);
    let params = &req.params;
    let bucket = &*params.bucket;
    let key = params.key.as_deref().unwrap_or_default();
    let found;
    let creds = match &req.credentials {
        Some(c) => c,
        None => {
            found = current_credentials(w)?;
            &found
        }
    };
    let region = match &req.region {
        Some(r) => r,
        None => w.s3.buckets.get(bucket).map_or(w.region.as_str(), |b| b.region.as_str()),
    };
    let style = match req.addressing_style.as_deref() {
        Some("path") => "path",
        Some("virtual") => "virtual",
        None if bucket.contains('.') => "path",
        None => "virtual",
        Some(o) => return Err(bad(format!("AddressingStyle `{o}` (expected virtual or path)"))),
    };
    let scheme = req.scheme.as_deref().unwrap_or("https");
    if scheme != "https" && scheme != "http" {
        return Err(bad(format!("Scheme `{scheme}` (expected https or http)")));
    }
    if let Some(e) = &req.endpoint {
        let ok = e == "s3.amazonaws.com" || (e.starts_with("s3.") && e.ends_with(".amazonaws.com") && !e.contains('/'));
        if !ok {
            return Err(bad(format!("Endpoint `{e}` is not an S3 endpoint host (s3.amazonaws.com or s3.<region>.amazonaws.com)")));
        }
    }
    let expires_in = req.expires_in.unwrap_or(3600);
    let now = w.now();
    let amz_date = now.amz_date();
    let credential = sigv4::credential(&creds.access_key_id, &amz_date[..8], region, "s3");
    let headers = params.headers();
    let signed_headers = match headers.is_empty() {
        true => Cow::Borrowed("host"),
        false => {
            let mut names: Vec<&str> = headers.keys().map(String::as_str).chain(["host"]).collect();
            names.sort_unstable();
            Cow::Owned(names.join(";"))
        }
    };
    let response_expires = params.response_expires.map(Timestamp::http_date);
    let (mut expires_text, mut max_keys_text) = (itoa::Buffer::new(), itoa::Buffer::new());
    let mut query: SmallVec<[(&str, &str); 12]> = SmallVec::new();
    let optional = [
        ("versionId", &params.version_id),
        ("prefix", &params.prefix),
        ("delimiter", &params.delimiter),
        ("marker", &params.marker),
        ("continuation-token", &params.continuation_token),
        ("start-after", &params.start_after),
        ("response-cache-control", &params.response_cache_control),
        ("response-content-disposition", &params.response_content_disposition),
        ("response-content-encoding", &params.response_content_encoding),
        ("response-content-language", &params.response_content_language),
        ("response-content-type", &params.response_content_type),
    ];
    query.extend(optional.into_iter().filter_map(|(name, v)| Some((name, v.as_deref()?))));
    query.extend(response_expires.as_deref().map(|d| ("response-expires", d)));
    if let Some(n) = params.max_keys {
        query.push(("max-keys", max_keys_text.format(n)));
    }
    if op == "ListObjectsV2" {
        query.push(("list-type", "2"));
    }
    query.extend([("X-Amz-Algorithm", ALGORITHM), ("X-Amz-Credential", &credential), ("X-Amz-Date", &amz_date), ("X-Amz-Expires", expires_text.format(expires_in))]);
    if let Some(t) = &creds.session_token {
        query.push(("X-Amz-Security-Token", t));
    }
    query.push(("X-Amz-SignedHeaders", &signed_headers));

    let mut url = String::with_capacity(200 + bucket.len() + credential.len() + query.iter().map(|(_, v)| 3 * v.len()).sum::<usize>() + 3 * key.len());
    url.push_str(scheme);
    url.push_str("://");
    let host_at = url.len();
    let path_at = write_location(&mut url, bucket, key, region, style, req.endpoint.as_deref());
    let path_end = url.len();
    url.push('?');
    let query_at = url.len();
    sigv4::write_canonical_query(&query, &mut url);
    let query_end = url.len();
    url.push_str("&X-Amz-Signature=");
    let (host, path, query) = (host_at..path_at, path_at..path_end, query_at..query_end);
    Ok(finish(Parts { url, host, path, query, method, secret: &creds.secret_access_key, amz_date, region, now, expires_in, headers }))
}

/// What `s3::request` sends.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub body: Option<Blob>,
    /// Request headers (`Range`, `Content-Type`, `x-amz-meta-*`, SSE-C headers).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The client's address (`aws:SourceIp`); the documentation address by default.
    #[serde(default)]
    pub source_ip: Option<String>,
}

/// What comes back.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Blob,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

struct ParsedUrl {
    secure: bool,
    host: String,
    /// Raw path as sent (still percent-encoded).
    raw_path: String,
    query: Vec<(String, String)>,
    bucket: String,
    key: String,
}

fn parse_url(url: &str) -> Result<ParsedUrl, AwsError> {
    let invalid = || AwsError::new("InvalidURI", 400, format!("Couldn't parse the specified URI: `{url}`"));
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let secure = match scheme {
        "https" => true,
        "http" => false,
        _ => return Err(invalid()),
    };
    let (hostpath, q) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, raw_path) = match hostpath.find('/') {
        Some(i) => (&hostpath[..i], &hostpath[i..]),
        None => (hostpath, "/"),
    };
    let host = host.to_ascii_lowercase();
    let query: Vec<(String, String)> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    let path = percent_decode(raw_path);
    let is_endpoint = |h: &str| h == "s3.amazonaws.com" || (h.starts_with("s3.") && h.ends_with(".amazonaws.com"));
    let (bucket, key) = if is_endpoint(&host) {
        let p = path.trim_start_matches('/');
        let (b, k) = p.split_once('/').unwrap_or((p, ""));
        (b.to_string(), k.to_string())
    } else if let Some(i) = host.find(".s3.").or_else(|| host.find(".s3-")) {
        if !host.ends_with(".amazonaws.com") {
            return Err(invalid());
        }
        (host[..i].to_string(), path.strip_prefix('/').unwrap_or(&path).to_string())
    } else {
        return Err(invalid());
    };
    if bucket.is_empty() {
        return Err(invalid());
    }
    Ok(ParsedUrl { secure, host, raw_path: raw_path.to_string(), query, bucket, key })
}

fn query_get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn qp_error(msg: impl Into<String>) -> AwsError {
    S3Error::AuthorizationQueryParametersError.err(msg)
}

/// Verifies a presigned request and returns the signer as a caller.
fn authenticate(w: &World, u: &ParsedUrl, method: &str, headers: &BTreeMap<String, String>, source_ip: Option<String>) -> Result<Caller, (AwsError, Option<Caller>)> {
    let region_of_bucket = w.s3.buckets.get(&u.bucket).map(|b| b.region.clone()).unwrap_or_else(|| w.region.clone());
    let base = |p: Principal| Caller {
        principal: p,
        source_ip: Some(source_ip.clone().map_or(crate::world::call::DEFAULT_SOURCE_IP.into(), Into::into)),
        secure_transport: u.secure,
        region: region_of_bucket.clone().into(),
        source_vpc: None,
        source_vpce: None,
        via_service: None,
        access_key_id: None,
    };
    let Some(signature) = query_get(&u.query, "X-Amz-Signature") else {
        if query_get(&u.query, "X-Amz-Credential").is_some() || query_get(&u.query, "X-Amz-Algorithm").is_some() {
            return Err((qp_error("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."), None));
        }
        return Ok(base(Principal::Anonymous));
    };
    let e = |err: AwsError| (err, None);
    let need = |k: &str| {
        query_get(&u.query, k).ok_or_else(|| {
            e(qp_error("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."))
        })
    };
    if need("X-Amz-Algorithm")? != ALGORITHM {
        return Err(e(qp_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")));
    }
    let credential = need("X-Amz-Credential")?;
    let amz_date = need("X-Amz-Date")?;
    let expires = need("X-Amz-Expires")?;
    let signed_headers = need("X-Amz-SignedHeaders")?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [akid, date, region, service, term] = parts.as_slice() else {
        return Err(e(qp_error(format!("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\". (`{credential}`)"))));
    };
    if *service != "s3" || *term != "aws4_request" {
        return Err(e(qp_error(format!("Error parsing the X-Amz-Credential parameter; incorrect service \"{service}\". This endpoint belongs to \"s3\"."))));
    }
    let signed_at = (amz_date.len() == 16).then(|| Timestamp::parse(amz_date).ok()).flatten().ok_or_else(|| {
        e(qp_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""))
    })?;
    if !amz_date.starts_with(date) {
        return Err(e(qp_error(format!("Error parsing the X-Amz-Credential parameter; the date `{date}` does not match X-Amz-Date `{amz_date}`"))));
    }
    if *region != region_of_bucket {
        return Err(e(qp_error(format!("Error parsing the X-Amz-Credential parameter; the region '{region}' is wrong; expecting '{region_of_bucket}'"))));
    }
    let expires: i64 = expires.parse().map_err(|_| e(qp_error("X-Amz-Expires should be a number")))?;
    if expires < 0 {
        return Err(e(qp_error("X-Amz-Expires must be non-negative")));
    }
    if expires > 604_800 {
        return Err(e(qp_error("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")));
    }
    let Some((principal, secret, token)) = lookup_access_key(w, akid) else {
        return Err(e(S3Error::InvalidAccessKeyId.err("The Amazon Web Services access key ID you provided does not exist in our records.")));
    };
    // "Any x-amz-* headers that you plan to add to the request" must be signed; S3 checks
    // this before the signature and names the culprits, lowercase, comma-separated.
    let signed_names: Vec<&str> = signed_headers.split(';').collect();
    let mut unsigned: Vec<String> =
        headers.keys().map(|k| k.to_ascii_lowercase()).filter(|k| k.starts_with("x-amz-") && k != "x-amz-content-sha256" && !signed_names.contains(&k.as_str())).collect();
    if !unsigned.is_empty() {
        unsigned.sort_unstable();
        return Err(e(S3Error::AccessDenied.err("There were headers present in the request which were not signed").detail("HeadersNotSigned", unsigned.join(", "))));
    }
    // Recompute the signature over exactly what arrived.
    let query = u.query.iter().filter(|(k, _)| k != "X-Amz-Signature").map(|(k, v)| (k.into(), v.into())).collect();
    // A signed header that was not sent signs as empty, and so does not match.
    let signed = signed_names.iter().map(|h| {
        let v = if *h == "host" { Some(&u.host) } else { headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(h)).map(|(_, v)| v) };
        ((*h).into(), v.map_or("", String::as_str).into())
    });
    let r = sigv4::Request { method, canonical_uri: sigv4::canonical_uri(&percent_decode(&u.raw_path), false).into(), query, headers: signed.collect(), payload_hash: UNSIGNED_PAYLOAD };
    let want = sigv4::sign(&r, &secret, amz_date, region, "s3");
    if !sigv4::signatures_equal(&want.signature, signature) {
        return Err(e(S3Error::SignatureDoesNotMatch.err("The request signature we calculated does not match the signature you provided. Check your key and signing method.")));
    }
    // From here on the signer is known: failures are recorded as theirs (with the key).
    let signer = Caller { access_key_id: Some(akid.to_string()), ..base(principal.clone()) };
    let e = |err: AwsError| (err, Some(signer.clone()));
    let now = w.now();
    if now < signed_at {
        return Err(e(S3Error::AccessDenied.err("Request is not yet valid")));
    }
    let expiry = signed_at.plus(crate::world::Duration::secs(expires));
    if now > expiry {
        let expired = S3Error::AccessDenied.err("Request has expired").detail("X-Amz-Expires", expires.to_string()).detail("Expires", expiry.iso()).detail("ServerTime", now.iso());
        return Err(e(expired));
    }
    if let Some(tok) = token
        && query_get(&u.query, "X-Amz-Security-Token") != Some(tok.as_str()) {
            return Err(e(AwsError::new("InvalidToken", 400, "The provided token is malformed or otherwise invalid.")));
        }
    if principal.expiration().is_some_and(|exp| now >= exp) {
        // An expired session cannot be the caller of record (the call wrapper refuses it).
        return Err((S3Error::ExpiredToken.err("The provided token has expired."), None));
    }
    Ok(base(principal))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The `HostId` of every simulated answer.
const HOST_ID: &str = "c2ltdWxhdGVkLWhvc3QtaWQ=";

/// S3's XML error document.
fn error_xml(e: &AwsError) -> String {
    let mut s = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>", xml_escape(&e.code), xml_escape(&e.message));
    for (k, v) in &e.details {
        s.push_str(&format!("<{k}>{}</{k}>", xml_escape(v)));
    }
    s.push_str(&format!("<RequestId>{}</RequestId><HostId>{HOST_ID}</HostId></Error>", xml_escape(&e.request_id)));
    s
}

/// Appends `<name>text</name>`, the text escaped.
fn xml_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&xml_escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The start of a `ListBucketResult` document, up to its first elements.
fn list_result_start(name: &str, prefix: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    xml_element(&mut out, "Name", name);
    xml_element(&mut out, "Prefix", prefix);
    out
}

/// The end of a `ListBucketResult`: the delimiter and truncation flag, the keys, the common
/// prefixes.
fn list_result_end(mut out: String, delimiter: &Option<String>, truncated: bool, contents: &[super::ops::ObjectSummary], prefixes: &[super::ops::CommonPrefix]) -> String {
    if let Some(d) = delimiter {
        xml_element(&mut out, "Delimiter", d);
    }
    xml_element(&mut out, "IsTruncated", if truncated { "true" } else { "false" });
    for o in contents {
        out.push_str("<Contents>");
        xml_element(&mut out, "Key", &o.key);
        xml_element(&mut out, "LastModified", &o.last_modified.to_chrono().to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        xml_element(&mut out, "ETag", &o.e_tag);
        xml_element(&mut out, "Size", &o.size.to_string());
        xml_element(&mut out, "StorageClass", &o.storage_class);
        if let Some(owner) = &o.owner {
            out.push_str("<Owner>");
            xml_element(&mut out, "ID", &owner.id);
            xml_element(&mut out, "DisplayName", &owner.display_name);
            out.push_str("</Owner>");
        }
        out.push_str("</Contents>");
    }
    for p in prefixes {
        out.push_str("<CommonPrefixes>");
        xml_element(&mut out, "Prefix", &p.prefix);
        out.push_str("</CommonPrefixes>");
    }
    out.push_str("</ListBucketResult>");
    out
}

/// ListObjectsV2's XML answer (`GET /?list-type=2`).
fn list_v2_xml(r: &super::ops::ListObjectsV2Response) -> String {
    let mut out = list_result_start(&r.name, &r.prefix);
    let optional = [("ContinuationToken", &r.continuation_token), ("NextContinuationToken", &r.next_continuation_token), ("StartAfter", &r.start_after)];
    for (name, v) in optional {
        if let Some(v) = v {
            xml_element(&mut out, name, v);
        }
    }
    xml_element(&mut out, "KeyCount", &r.key_count.to_string());
    xml_element(&mut out, "MaxKeys", &r.max_keys.to_string());
    list_result_end(out, &r.delimiter, r.is_truncated, &r.contents, &r.common_prefixes)
}

/// ListObjects' XML answer (a plain `GET /` on a bucket).
fn list_v1_xml(r: &super::ops::ListObjectsResponse) -> String {
    let mut out = list_result_start(&r.name, &r.prefix);
    xml_element(&mut out, "Marker", &r.marker);
    if let Some(m) = &r.next_marker {
        xml_element(&mut out, "NextMarker", m);
    }
    xml_element(&mut out, "MaxKeys", &r.max_keys.to_string());
    list_result_end(out, &r.delimiter, r.is_truncated, &r.contents, &r.common_prefixes)
}

fn header_map(v: &Value) -> BTreeMap<String, String> {
    let mut h = BTreeMap::new();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let pairs = [
        ("ETag", "ETag"),
        ("ContentType", "Content-Type"),
        ("CacheControl", "Cache-Control"),
        ("ContentDisposition", "Content-Disposition"),
        ("ContentEncoding", "Content-Encoding"),
        ("ContentLanguage", "Content-Language"),
        ("Expires", "Expires"),
        ("VersionId", "x-amz-version-id"),
        ("ServerSideEncryption", "x-amz-server-side-encryption"),
        ("SSEKMSKeyId", "x-amz-server-side-encryption-aws-kms-key-id"),
        ("SSECustomerAlgorithm", "x-amz-server-side-encryption-customer-algorithm"),
        ("SSECustomerKeyMD5", "x-amz-server-side-encryption-customer-key-MD5"),
        ("StorageClass", "x-amz-storage-class"),
        ("ContentRange", "Content-Range"),
        ("AcceptRanges", "Accept-Ranges"),
        ("Restore", "x-amz-restore"),
        ("LastModified", "Last-Modified"),
    ];
    for (field, header) in pairs {
        if let Some(x) = s(field) {
            let x = if matches!(field, "LastModified" | "Expires") { Timestamp::parse(&x).map(|t| t.http_date()).unwrap_or(x) } else { x };
            h.insert(header.to_string(), x);
        }
    }
    if v.get("BucketKeyEnabled").and_then(|b| b.as_bool()) == Some(true) {
        h.insert("x-amz-server-side-encryption-bucket-key-enabled".into(), "true".into());
    }
    if v.get("DeleteMarker").and_then(|b| b.as_bool()) == Some(true) {
        h.insert("x-amz-delete-marker".into(), "true".into());
    }
    if let Some(n) = v.get("ContentLength").and_then(|n| n.as_u64()) {
        h.insert("Content-Length".into(), n.to_string());
    }
    if let Some(m) = v.get("Metadata").and_then(|m| m.as_object()) {
        for (k, x) in m {
            h.insert(format!("x-amz-meta-{k}"), x.as_str().unwrap_or_default().to_string());
        }
    }
    h
}

/// A failed request's answer: S3's XML error document, except for HEAD and 304, which have
/// no body.
fn error_response(method: &str, e: &AwsError) -> HttpResponse {
    let body = if method == "HEAD" || e.status_code == 304 { Vec::new() } else { error_xml(e).into_bytes() };
    let mut headers = BTreeMap::new();
    headers.insert("x-amz-request-id".into(), e.request_id.clone());
    if !body.is_empty() {
        headers.insert("Content-Type".into(), "application/xml".into());
    }
    HttpResponse { status: e.status_code, headers, body: Blob(body), error_code: Some(e.code.clone()), error_message: Some(e.message.clone()) }
}

/// HTTP header names are case-insensitive: headers named alike are one header whose values
/// are joined with commas (RFC 9110 §5.3), kept under the lowercase name.
fn fold_headers(headers: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in headers {
        match out.entry(k.to_ascii_lowercase()) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                e.get_mut().push(',');
                e.get_mut().push_str(&v);
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(v);
            }
        }
    }
    out
}

/// Sends one HTTP request to simulated S3.
pub fn request(w: &mut World, mut req: HttpRequest) -> HttpResponse {
    req.headers = fold_headers(std::mem::take(&mut req.headers));
    if let Some(r) = super::website::serve(w, &req) {
        return r;
    }
    let method = req.method.to_ascii_uppercase();
    let fail = |w: &mut World, caller: Caller, op: &'static str, e: AwsError, params: Value| -> HttpResponse {
        let e = w.call_as(caller, &S3, op, params, |c| -> Result<(), AwsError> {
            c.data_event = true;
            Err(e)
        });
        error_response(&method, &e.expect_err("failing call"))
    };
    let anonymous = Caller { principal: Principal::Anonymous, ..Caller::new(Principal::Anonymous, &w.region.clone()) };
    let u = match parse_url(&req.url) {
        Ok(u) => u,
        Err(e) => return fail(w, anonymous, "GetObject", e, json!({ "url": req.url })),
    };
    let op: &'static str = match (method.as_str(), u.key.is_empty()) {
        ("GET", false) => "GetObject",
        ("HEAD", false) => "HeadObject",
        ("PUT", false) => "PutObject",
        ("DELETE", false) => "DeleteObject",
        ("GET", true) => "ListObjects",
        ("HEAD", true) => "HeadBucket",
        _ => {
            let e = S3Error::MethodNotAllowed
                .err("The specified method is not allowed against this resource.")
                .detail("Method", method.as_str())
                .detail("ResourceType", if u.key.is_empty() { "BUCKET" } else { "OBJECT" });
            return fail(w, anonymous, "GetObject", e, json!({ "bucketName": u.bucket, "key": u.key }));
        }
    };
    let params = json!({ "bucketName": u.bucket, "Host": u.host, "key": if u.key.is_empty() { Value::Null } else { Value::String(u.key.clone()) } });
    let caller = match authenticate(w, &u, &method, &req.headers, req.source_ip.clone()) {
        Ok(c) => c,
        Err((e, who)) => return fail(w, who.unwrap_or(anonymous), op, e, params),
    };
    let h = |k: &str| req.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
    let q = |k: &str| query_get(&u.query, k).map(str::to_string);
    let version_id = q("versionId");
    let sse_c_key = h("x-amz-server-side-encryption-customer-key").map(|k| Blob(k.into_bytes()));
    let mut body_out: Vec<u8> = Vec::new();
    let result: Result<Value, AwsError> = {
        let bucket = u.bucket.clone();
        let key = u.key.clone();
        match op {
            "GetObject" | "HeadObject" => {
                let r = super::ops::GetObjectRequest {
                    bucket,
                    key,
                    version_id: version_id.clone(),
                    range: h("Range"),
                    if_match: h("If-Match"),
                    if_none_match: h("If-None-Match"),
                    // An unreadable HTTP date is ignored, as RFC 7232 has it.
                    if_modified_since: h("If-Modified-Since").and_then(|d| Timestamp::parse(&d).ok()),
                    if_unmodified_since: h("If-Unmodified-Since").and_then(|d| Timestamp::parse(&d).ok()),
                    response_cache_control: q("response-cache-control"),
                    response_content_disposition: q("response-content-disposition"),
                    response_content_encoding: q("response-content-encoding"),
                    response_content_language: q("response-content-language"),
                    response_content_type: q("response-content-type"),
                    response_expires: q("response-expires").and_then(|d| Timestamp::parse(&d).ok()),
                    sse_customer_algorithm: h("x-amz-server-side-encryption-customer-algorithm"),
                    sse_customer_key: sse_c_key,
                    sse_customer_key_md5: h("x-amz-server-side-encryption-customer-key-MD5"),
                    ..Default::default()
                };
                let f = if op == "GetObject" { super::ops::get_object } else { super::ops::head_object };
                w.call_as(caller, &S3, op, params, |c| f(c, r)).map(|mut x| {
                    body_out = x.body.take().map(|b| b.0).unwrap_or_default();
                    serde_json::to_value(&x).unwrap_or_default()
                })
            }
            "PutObject" => {
                let metadata: BTreeMap<String, String> = req
                    .headers
                    .iter()
                    .filter_map(|(k, v)| k.to_ascii_lowercase().strip_prefix("x-amz-meta-").map(|m| (m.to_string(), v.clone())))
                    .collect();
                let r = super::ops::PutObjectRequest {
                    bucket,
                    key,
                    body: Some(req.body.clone().unwrap_or_default()),
                    content_type: h("Content-Type"),
                    metadata: (!metadata.is_empty()).then_some(metadata),
                    storage_class: h("x-amz-storage-class"),
                    sse_customer_algorithm: h("x-amz-server-side-encryption-customer-algorithm"),
                    sse_customer_key: sse_c_key,
                    sse_customer_key_md5: h("x-amz-server-side-encryption-customer-key-MD5"),
                    if_none_match: h("If-None-Match"),
                    if_match: h("If-Match"),
                    ..Default::default()
                };
                w.call_as(caller, &S3, op, params, |c| super::ops::put_object(c, r)).map(|x| serde_json::to_value(&x).unwrap_or_default())
            }
            "DeleteObject" => {
                let r = super::ops::DeleteObjectRequest { bucket, key, version_id: version_id.clone(), ..Default::default() };
                w.call_as(caller, &S3, op, params, |c| super::ops::delete_object(c, r)).map(|x| serde_json::to_value(&x).unwrap_or_default())
            }
            "HeadBucket" => {
                let r = super::ops::BucketRequest { bucket, expected_bucket_owner: None };
                w.call_as(caller, &S3, op, params, |c| super::ops::head_bucket(c, r)).map(|x| serde_json::to_value(&x).unwrap_or_default())
            }
            _ => {
                // An unreadable max-keys is S3's InvalidArgument, as a negative one is.
                let max_keys = q("max-keys").map(|m| m.parse().unwrap_or(-1));
                // CloudTrail names both versions ListObjects; `list-type=2` asks for the second.
                if q("list-type").as_deref() == Some("2") {
                    let r = super::ops::ListObjectsV2Request {
                        bucket,
                        prefix: q("prefix"),
                        delimiter: q("delimiter"),
                        max_keys,
                        continuation_token: q("continuation-token"),
                        start_after: q("start-after"),
                        fetch_owner: q("fetch-owner").map(|f| f == "true"),
                        ..Default::default()
                    };
                    w.call_as(caller, &S3, "ListObjects", params, |c| super::ops::list_objects_v2(c, r)).map(|x| {
                        body_out = list_v2_xml(&x).into_bytes();
                        Value::Null
                    })
                } else {
                    let r = super::ops::ListObjectsRequest { bucket, prefix: q("prefix"), delimiter: q("delimiter"), marker: q("marker"), max_keys, ..Default::default() };
                    w.call_as(caller, &S3, "ListObjects", params, |c| super::ops::list_objects(c, r)).map(|x| {
                        body_out = list_v1_xml(&x).into_bytes();
                        Value::Null
                    })
                }
            }
        }
    };
    match result {
        Ok(v) => {
            let mut headers = header_map(&v);
            let mut status = 200;
            let body = match op {
                "GetObject" => {
                    if v.get("ContentRange").is_some() {
                        status = 206;
                    }
                    std::mem::take(&mut body_out)
                }
                "ListObjects" => {
                    headers.insert("Content-Type".into(), "application/xml".into());
                    std::mem::take(&mut body_out)
                }
                "DeleteObject" => {
                    status = 204;
                    Vec::new()
                }
                _ => Vec::new(),
            };
            if op == "HeadBucket"
                && let Some(r) = v.get("BucketRegion").and_then(|r| r.as_str()) {
                    headers.insert("x-amz-bucket-region".into(), r.into());
                }
            if let Some(ev) = w.trail.last() {
                headers.insert("x-amz-request-id".into(), ev.request_id.to_string());
            }
            HttpResponse { status, headers, body: Blob(body), error_code: None, error_message: None }
        }
        Err(e) => {
            // The version asked for (or the current one), if any.
            let entry = w.s3.buckets.get(&u.bucket).and_then(|b| match &version_id {
                Some(id) => b.version(&u.key, id),
                None => b.current(&u.key),
            });
            let mut r = error_response(&method, &e);
            // RFC 7232 §4.1: a 304 carries the ETag a 200 would have sent.
            if let Some(v) = entry.filter(|_| e.status_code == 304) {
                r.headers.insert("ETag".into(), v.etag.clone());
            }
            // A delete marker answers with its headers even on a 404/405.
            if let Some(v) = entry.filter(|v| v.delete_marker && matches!(e.status_code, 404 | 405)) {
                r.headers.insert("x-amz-delete-marker".into(), "true".into());
                r.headers.insert("x-amz-version-id".into(), v.version_id.clone());
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds<'a>(akid: &'a str, secret: &'a str) -> Credentials<'a> {
        Credentials { access_key_id: akid.into(), secret_access_key: secret.into(), ..Default::default() }
    }

    fn presign_req<'a>(method: &'a str, bucket: &'a str, key: &'a str, expires: i64, c: Credentials<'a>) -> PresignRequest<'a> {
        PresignRequest {
            client_method: method.into(),
            params: PresignParams { bucket: bucket.into(), key: Some(key.into()), ..Default::default() },
            expires_in: Some(expires),
            credentials: Some(c),
            region: Some("us-east-1".into()),
            ..Default::default()
        }
    }

    /// S3 API Reference, "Authenticating Requests: Using Query Parameters": the documented
    /// URL, byte for byte, with the clock set to the example's date.
    #[test]
    fn reproduces_the_documented_presigned_url() {
        let mut w = World::default();
        w.advance_to(Timestamp::parse("2013-05-24T00:00:00Z").unwrap());
        let p = generate(&w, &presign_req("get_object", "examplebucket", "test.txt", 86400, creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))).unwrap();
        assert_eq!(
            p.url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
        assert_eq!(p.expires.iso(), "2013-05-25T00:00:00Z");
    }

    #[test]
    fn path_style_and_regions() {
        let location = |bucket, key, region, style, endpoint| {
            let mut out = String::new();
            let path_at = write_location(&mut out, bucket, key, region, style, endpoint);
            (out[..path_at].to_string(), out[path_at..].to_string())
        };
        assert_eq!(location("b", "k/x", "us-east-1", "virtual", None), ("b.s3.amazonaws.com".into(), "/k/x".into()));
        assert_eq!(location("b", "k", "eu-west-1", "virtual", None), ("b.s3.eu-west-1.amazonaws.com".into(), "/k".into()));
        assert_eq!(location("b", "k", "us-east-1", "path", None), ("s3.amazonaws.com".into(), "/b/k".into()));
        assert_eq!(location("b", "", "us-east-1", "path", None), ("s3.amazonaws.com".into(), "/b".into()));
        assert_eq!(location("b", "", "us-east-1", "virtual", None), ("b.s3.amazonaws.com".into(), "/".into()));
        assert_eq!(location("b", "a b/ü", "us-east-1", "virtual", None), ("b.s3.amazonaws.com".into(), "/a%20b/%C3%BC".into()));
        assert_eq!(location("b", "k", "us-east-1", "virtual", Some("s3.us-east-1.amazonaws.com")), ("b.s3.us-east-1.amazonaws.com".into(), "/k".into()));
        let u = parse_url("https://s3.eu-west-1.amazonaws.com/my.bucket/a%20b/c?x=1").unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str(), u.secure), ("my.bucket", "a b/c", true));
        let u = parse_url("http://b.s3.amazonaws.com/k").unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str(), u.secure), ("b", "k", false));
        assert!(parse_url("ftp://b.s3.amazonaws.com/k").is_err());
        assert!(parse_url("https://example.com/k").is_err());
    }

    #[test]
    fn temporary_credentials_add_the_security_token() {
        let w = World::default();
        let mut c = creds("ASIAEXAMPLE", "secret");
        c.session_token = Some("TOKEN/with+chars".into());
        let p = generate(&w, &presign_req("get_object", "b", "k", 60, c)).unwrap();
        assert!(p.url.contains("&X-Amz-Security-Token=TOKEN%2Fwith%2Bchars&"), "{}", p.url);
        assert!(p.canonical_request.contains("X-Amz-Security-Token=TOKEN%2Fwith%2Bchars"));
    }

    /// `generate_url` signs without building the canonical request as text; it must give the
    /// URL `generate` shows its workings for, whatever is in the request.
    #[test]
    fn the_url_alone_is_the_url_generate_shows() {
        let mut w = World::default();
        w.advance_to(Timestamp::parse("2013-05-24T00:00:00Z").unwrap());
        let c = creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        let mut token = c.clone();
        token.session_token = Some("TOKEN/with+chars".into());
        let mut listing = presign_req("list_objects_v2", "my.bucket", "", 60, c.clone());
        (listing.params.prefix, listing.params.max_keys) = (Some("logs/2013 05".into()), Some(10));
        let mut put = presign_req("put_object", "b", "a b/ü~x.txt", 300, token);
        (put.addressing_style, put.scheme, put.region) = (Some("path".into()), Some("http".into()), Some("eu-west-1".into()));
        let mut head = presign_req("get_object", "b", "k", 60, c);
        head.http_method = Some("HEAD".into());
        for req in [presign_req("get_object", "examplebucket", "test.txt", 86400, creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")), listing, put, head] {
            let shown = generate(&w, &req).unwrap();
            assert_eq!(generate_url(&w, &req).unwrap(), shown.url, "{}", shown.canonical_request);
        }
        let first = generate_url(&w, &presign_req("get_object", "examplebucket", "test.txt", 86400, creds("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))).unwrap();
        assert!(first.ends_with("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"), "{first}");
    }
}
