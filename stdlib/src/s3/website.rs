//! S3 static website hosting: PutBucketWebsite and the website endpoint.
//!
//! Modelled as the S3 User Guide ("Hosting a static website using Amazon S3") describes:
//! - The configuration has an `IndexDocument` (a suffix without `/`, appended to requests
//!   for the root or a "folder" ending in `/`), an optional `ErrorDocument`, optional
//!   `RoutingRules` (conditions on a key prefix and/or the HTTP error code, redirects that
//!   replace the key or its prefix, host, protocol and code), or `RedirectAllRequestsTo`
//!   alone.
//! - The endpoint is `http://BUCKET.s3-website-REGION.amazonaws.com` in the older regions
//!   and `http://BUCKET.s3-website.REGION.amazonaws.com` in the others (the table is
//!   Route 53's alias-target table, [`crate::route53::internet::S3_WEBSITE`]).
//! - Website endpoints serve anonymous GET and HEAD only: content must be publicly readable
//!   (Block Public Access off and a bucket policy granting `s3:GetObject` to `*`), otherwise
//!   403. A missing key is 404 only when anonymous callers may list the bucket, else 403, as
//!   for the REST API. Errors use the error document (with the error's status) when it is
//!   readable, else S3's HTML error page. A key without a trailing slash whose
//!   `key/INDEX` exists is redirected (302) to `key/`.
//! - A custom domain works when its DNS name resolves (through the world's Route 53) to the
//!   region's website endpoint and a bucket has exactly the domain's name: S3 picks the
//!   bucket from the Host header, so a mismatch is `NoSuchBucket`.
//!
//! Simplified: HTTPS is not served by website endpoints (AWS needs CloudFront for it), so an
//! `https://` website URL is refused; the region of the endpoint is not checked against the
//! bucket's; `Content-Type` is the object's own.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::error::{S3Error, invalid_argument};
use super::ops::{BucketRequest, Empty, GetObjectRequest, authorize_bucket, bucket, bucket_mut};
use super::presign::{HttpRequest, HttpResponse};
use super::sigv4::percent_decode;
use crate::route53::internet::{S3_WEBSITE, s3_website_address};
use crate::world::service::S3;
use crate::world::{AwsError, Blob, Call, Caller, ErrorCode, Principal, World};

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IndexDocument {
    pub suffix: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ErrorDocument {
    pub key: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RedirectAllRequestsTo {
    pub host_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix_equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_error_code_returned_equals: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Redirect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_redirect_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_key_prefix_with: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_key_with: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RoutingRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    pub redirect: Redirect,
}

/// A bucket's website configuration, shaped like Get/PutBucketWebsite.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WebsiteConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_document: Option<IndexDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_document: Option<ErrorDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_all_requests_to: Option<RedirectAllRequestsTo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routing_rules: Vec<RoutingRule>,
}

/// At most 50 routing rules per configuration.
pub const MAX_ROUTING_RULES: usize = 50;

fn check(cfg: &WebsiteConfiguration) -> Result<(), AwsError> {
    if let Some(r) = &cfg.redirect_all_requests_to {
        if cfg.index_document.is_some() || cfg.error_document.is_some() || !cfg.routing_rules.is_empty() {
            return Err(invalid_argument("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."));
        }
        if let Some(p) = &r.protocol
            && p != "http" && p != "https" {
                return Err(invalid_argument(format!("Invalid protocol, protocol can be http or https. Given: `{p}`")));
            }
        return Ok(());
    }
    let Some(index) = &cfg.index_document else {
        return Err(invalid_argument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"));
    };
    if index.suffix.is_empty() || index.suffix.contains('/') {
        return Err(invalid_argument("The IndexDocument Suffix is not well formed"));
    }
    if cfg.routing_rules.len() > MAX_ROUTING_RULES {
        return Err(invalid_argument(format!("A website configuration has at most {MAX_ROUTING_RULES} routing rules")));
    }
    for r in &cfg.routing_rules {
        let d = &r.redirect;
        if d.replace_key_prefix_with.is_some() && d.replace_key_with.is_some() {
            return Err(invalid_argument("You can only define ReplaceKeyPrefix or ReplaceKey but not both."));
        }
        if let Some(code) = &d.http_redirect_code
            && !matches!(code.parse::<u16>(), Ok(300..=399)) {
                return Err(invalid_argument(format!("The provided HTTP redirect code ({code}) is not valid. Valid codes are 3XX except 300.")));
            }
    }
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutBucketWebsiteRequest {
    pub bucket: String,
    pub website_configuration: WebsiteConfiguration,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_website(c: &mut Call<'_>, req: PutBucketWebsiteRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:PutBucketWebsite")?;
    check(&req.website_configuration)?;
    let _ = &req.expected_bucket_owner;
    bucket_mut(c, &req.bucket).website = Some(req.website_configuration);
    Ok(Empty {})
}

fn no_website() -> AwsError {
    S3Error::NoSuchWebsiteConfiguration.err("The specified bucket does not have a website configuration")
}

pub fn get_bucket_website(c: &mut Call<'_>, req: BucketRequest) -> Result<WebsiteConfiguration, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:GetBucketWebsite")?;
    bucket(c, &req.bucket)?.website.clone().ok_or_else(no_website)
}

pub fn delete_bucket_website(c: &mut Call<'_>, req: BucketRequest) -> Result<Empty, AwsError> {
    authorize_bucket(c, &req.bucket, "s3:DeleteBucketWebsite")?;
    bucket_mut(c, &req.bucket).website = None;
    Ok(Empty {})
}

/// The website endpoint host of a bucket in `region` (`None` for regions without one).
pub fn endpoint_host(bucket: &str, region: &str) -> Option<String> {
    S3_WEBSITE.iter().find(|(r, _, _)| *r == region).map(|(_, e, _)| format!("{bucket}.{}", e.trim_end_matches('.')))
}

/// The bucket a website endpoint host names (`BUCKET.s3-website[-.]REGION.amazonaws.com`).
fn bucket_of_endpoint(host: &str) -> Option<String> {
    S3_WEBSITE.iter().find_map(|(_, e, _)| host.strip_suffix(&format!(".{}", e.trim_end_matches('.'))).map(str::to_string))
}

/// The bucket a request is for when its host is a website endpoint or a custom domain that
/// resolves to one; `None` for other hosts (the REST endpoints).
fn website_bucket(w: &mut World, host: &str) -> Option<String> {
    if let Some(b) = bucket_of_endpoint(host) {
        return Some(b);
    }
    if host.ends_with(".amazonaws.com") {
        return None;
    }
    let res = crate::route53::resolve(w, crate::route53::DEFAULT_RESOLVER, host, "A").ok()?;
    let website_ips: Vec<String> = S3_WEBSITE.iter().map(|(r, _, _)| s3_website_address(r)).collect();
    res.answer.values.iter().any(|v| website_ips.contains(v)).then(|| host.to_string())
}

fn html_error(status: u16, code: &str, message: &str, extra: &[(&str, &str)], request_id: &str) -> String {
    let reason = match status {
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut items = format!("<li>Code: {code}</li>\n<li>Message: {message}</li>\n");
    for (k, v) in extra {
        items.push_str(&format!("<li>{k}: {v}</li>\n"));
    }
    format!(
        "<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<h1>{status} {reason}</h1>\n<ul>\n{items}<li>RequestId: {request_id}</li>\n<li>HostId: c2ltdWxhdGVkLWhvc3QtaWQ=</li>\n</ul>\n<hr/>\n</body>\n</html>\n"
    )
}

fn response(status: u16, headers: BTreeMap<String, String>, body: Vec<u8>, err: Option<(&str, &str)>) -> HttpResponse {
    HttpResponse { status, headers, body: Blob(body), error_code: err.map(|e| e.0.to_string()), error_message: err.map(|e| e.1.to_string()) }
}

fn redirect(code: u16, location: String) -> HttpResponse {
    let mut h = BTreeMap::new();
    h.insert("Location".to_string(), location);
    response(code, h, Vec::new(), None)
}

fn redirect_for(r: &Redirect, key: &str, matched_prefix: &str, host: &str) -> HttpResponse {
    let new_key = match (&r.replace_key_with, &r.replace_key_prefix_with) {
        (Some(k), _) => k.clone(),
        (None, Some(p)) => format!("{p}{}", &key[matched_prefix.len().min(key.len())..]),
        (None, None) => key.to_string(),
    };
    let code = r.http_redirect_code.as_deref().and_then(|c| c.parse().ok()).unwrap_or(301);
    let location = format!("{}://{}/{new_key}", r.protocol.as_deref().unwrap_or("http"), r.host_name.as_deref().unwrap_or(host));
    redirect(code, location)
}

/// Reads an object as the anonymous website visitor (an audited GetObject).
fn anonymous_get(w: &mut World, bucket: &str, key: &str, head: bool, source_ip: Option<String>) -> Result<super::ops::GetObjectResponse, AwsError> {
    let mut caller = Caller::new(Principal::Anonymous, &w.region.clone());
    if source_ip.is_some() {
        caller.source_ip = source_ip.map(Into::into);
    }
    let req = GetObjectRequest { bucket: bucket.to_string(), key: key.to_string(), ..Default::default() };
    let op = if head { "HeadObject" } else { "GetObject" };
    let f = if head { super::ops::head_object } else { super::ops::get_object };
    w.call_as(caller, &S3, op, json!({ "bucketName": bucket, "key": key, "website": true }), |c| f(c, req))
}

/// Serves a request to a website endpoint (or a domain pointing at one); `None` when the
/// URL is not a website URL.
pub fn serve(w: &mut World, req: &HttpRequest) -> Option<HttpResponse> {
    let (scheme, rest) = req.url.split_once("://")?;
    let (hostpath, _query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = match hostpath.find('/') {
        Some(i) => (&hostpath[..i], &hostpath[i..]),
        None => (hostpath, "/"),
    };
    let host = host.to_ascii_lowercase();
    let bucket_name = website_bucket(w, &host)?;
    let rid = w.rng.uuid();
    let err = |status: u16, code: &str, msg: &str, extra: &[(&str, &str)]| {
        let mut h = BTreeMap::new();
        h.insert("Content-Type".to_string(), "text/html; charset=utf-8".to_string());
        response(status, h, html_error(status, code, msg, extra, &rid).into_bytes(), Some((code, msg)))
    };
    if scheme != "http" {
        return Some(err(400, "InvalidRequest", "Website endpoints do not support HTTPS", &[]));
    }
    let method = req.method.to_ascii_uppercase();
    let head = method == "HEAD";
    if !head && method != "GET" {
        return Some(err(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", &[("Method", &method)]));
    }
    let Some(b) = w.s3.buckets.get(&bucket_name) else {
        return Some(err(404, "NoSuchBucket", "The specified bucket does not exist", &[("BucketName", &bucket_name)]));
    };
    let Some(cfg) = b.website.clone() else {
        return Some(err(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", &[("BucketName", &bucket_name)]));
    };
    let raw_key = percent_decode(path.trim_start_matches('/'));
    if let Some(all) = &cfg.redirect_all_requests_to {
        return Some(redirect(301, format!("{}://{}/{raw_key}", all.protocol.as_deref().unwrap_or("http"), all.host_name)));
    }
    let suffix = cfg.index_document.as_ref().map(|i| i.suffix.clone()).unwrap_or_default();
    for r in &cfg.routing_rules {
        let c = r.condition.clone().unwrap_or_default();
        if c.http_error_code_returned_equals.is_none() && c.key_prefix_equals.as_deref().is_none_or(|p| raw_key.starts_with(p)) {
            return Some(redirect_for(&r.redirect, &raw_key, c.key_prefix_equals.as_deref().unwrap_or(""), &host));
        }
    }
    let key = if raw_key.is_empty() || raw_key.ends_with('/') { format!("{raw_key}{suffix}") } else { raw_key.clone() };
    let ip = req.source_ip.clone();
    let e = match anonymous_get(w, &bucket_name, &key, head, ip.clone()) {
        Ok(o) => {
            let mut h = BTreeMap::new();
            if let Some(ct) = &o.content_type {
                h.insert("Content-Type".into(), ct.clone());
            }
            h.insert("ETag".into(), o.e_tag.clone());
            h.insert("Last-Modified".into(), o.last_modified.http_date());
            h.insert("Content-Length".into(), o.content_length.to_string());
            return Some(response(200, h, o.body.map(|b| b.0).unwrap_or_default(), None));
        }
        Err(e) => e,
    };
    let status = e.status_code;
    // "folder" without its slash: redirect to it when its index document exists (S3 checks
    // this itself, so listing permission does not matter).
    if (status == 404 || status == 403) && !raw_key.is_empty() && !raw_key.ends_with('/') && anonymous_get(w, &bucket_name, &format!("{raw_key}/{suffix}"), true, ip.clone()).is_ok() {
        return Some(redirect(302, format!("/{raw_key}/")));
    }
    for r in &cfg.routing_rules {
        let c = r.condition.clone().unwrap_or_default();
        if c.http_error_code_returned_equals.as_deref() == Some(&status.to_string()) && c.key_prefix_equals.as_deref().is_none_or(|p| raw_key.starts_with(p)) {
            return Some(redirect_for(&r.redirect, &raw_key, c.key_prefix_equals.as_deref().unwrap_or(""), &host));
        }
    }
    if let Some(doc) = &cfg.error_document
        && let Ok(o) = anonymous_get(w, &bucket_name, &doc.key, head, ip) {
            let mut h = BTreeMap::new();
            h.insert("Content-Type".into(), o.content_type.clone().unwrap_or_else(|| "text/html".into()));
            return Some(response(status, h, o.body.map(|b| b.0).unwrap_or_default(), Some((e.code.as_str(), e.message.as_str()))));
        }
    let code = match status {
        404 => "NoSuchKey",
        403 => "AccessDenied", // a HEAD's bare `Forbidden` (head_error)
        _ => e.code.as_str(),
    };
    let msg = if status == 404 { "The specified key does not exist." } else { "Access Denied" };
    Some(err(status, code, msg, &[("Key", &key)]))
}
