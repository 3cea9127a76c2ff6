//! Script-level tests of S3 behaviour through `register_all` (each cites the AWS rule it pins).

use rhai::Dynamic;

use crate::script::convert::as_aws_error;
use crate::script::testing::*;

/// Setup shared by the access tests: a bucket whose Block Public Access is off, a user
/// `alice` with an access key, and a helper to presign as her.
const ALICE: &str = r#"
    s3::create_bucket("media");
    s3::put_object("media", "cat.jpg", "meow");
    iam::create_user("alice");
    let key = iam::create_access_key("alice").AccessKey;
    iam::put_user_policy(#{ UserName: "alice", PolicyName: "read", PolicyDocument:
        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}]}` });
    let url = as_principal("alice", || s3::generate_presigned_url(#{ ClientMethod: "get_object", Params: #{ Bucket: "media", Key: "cat.jpg" }, ExpiresIn: 300 }));
"#;

#[test]
fn bucket_names_and_the_global_namespace() {
    // "Bucket names must be between 3 (min) and 63 (max) characters long" ... InvalidBucketName.
    assert_eq!(code(r#"s3::create_bucket("Doc_Example")"#).0, "InvalidBucketName");
    // us-east-1 re-creation by the owner: 200 OK (legacy); elsewhere BucketAlreadyOwnedByYou.
    let _ = ok(r#"s3::create_bucket("bk1"); s3::create_bucket("bk1")"#);
    let (c, _) = code(
        r#"world::set_region("eu-west-1");
           s3::create_bucket(#{ Bucket: "bk2", CreateBucketConfiguration: #{ LocationConstraint: "eu-west-1" } });
           s3::create_bucket(#{ Bucket: "bk2", CreateBucketConfiguration: #{ LocationConstraint: "eu-west-1" } })"#,
    );
    assert_eq!(c, "BucketAlreadyOwnedByYou");
    // Another account: BucketAlreadyExists (409).
    let e = run(
        r#"s3::create_bucket("shared-name");
           organizations::create_organization(); let acct = organizations::create_account(#{ AccountName: "dev", Email: "dev@example.com" }).CreateAccountStatus.AccountId;
           as_principal(acct, || s3::create_bucket("shared-name"))"#,
    )
    .unwrap_err();
    let m = e.to_string();
    assert!(m.contains("BucketAlreadyExists") || as_aws_error(&e).is_some_and(|(c, _)| c == "BucketAlreadyExists"), "{m}");
    // A bucket with an object cannot be deleted.
    assert_eq!(code(r#"s3::create_bucket("full"); s3::put_object("full", "k", "ver"); s3::delete_bucket("full")"#).0, "BucketNotEmpty");
    let r = map(ok(r#"s3::create_bucket("xx1"); s3::create_bucket("xx0"); s3::list_buckets()"#));
    let names: Vec<String> = r["Buckets"].clone().into_array().unwrap().into_iter().map(|b| s(&map(b)["Name"])).collect();
    assert_eq!(names, ["xx0", "xx1"]);
    // The documented location constraint for us-east-1 is "no constraint".
    assert_eq!(code(r#"s3::create_bucket(#{ Bucket: "bk3", CreateBucketConfiguration: #{ LocationConstraint: "us-east-1" } })"#).0, "InvalidLocationConstraint");
}

/// [BOTO-MODEL] CreateBucket: "If you send your CreateBucket request to the s3.amazonaws.com
/// global endpoint, the request goes to the us-east-1 Region ... even if the location
/// constraint in the request specifies another Region where the bucket is to be created";
/// `LocationConstraint`: "Configurations using the value EU will create a bucket in
/// eu-west-1"; GetBucketLocation: "Buckets with a LocationConstraint of EU reside in eu-west-1".
#[test]
fn location_constraints_and_endpoints() {
    let where_ = |script: &str| {
        let r = map(ok(&format!(r#"{script}; let b = s3::list_buckets().Buckets[0]; #{{ Region: b.BucketRegion, Location: s3::get_bucket_location(#{{ Bucket: b.Name }}).LocationConstraint }}"#)));
        (s(&r["Region"]), r["Location"].clone().into_string().ok())
    };
    // From us-east-1 (the global endpoint), any region.
    assert_eq!(where_(r#"s3::create_bucket(#{ Bucket: "bk-eu", CreateBucketConfiguration: #{ LocationConstraint: "eu-west-1" } })"#), ("eu-west-1".into(), Some("eu-west-1".into())));
    assert_eq!(where_(r#"s3::create_bucket("bk-us")"#), ("us-east-1".into(), None));
    // EU is eu-west-1, and GetBucketLocation keeps answering EU.
    assert_eq!(where_(r#"s3::create_bucket(#{ Bucket: "bk-legacy", CreateBucketConfiguration: #{ LocationConstraint: "EU" } })"#), ("eu-west-1".into(), Some("EU".into())));
    assert_eq!(
        where_(r#"world::set_region("eu-west-1"); s3::create_bucket(#{ Bucket: "bk-legacy", CreateBucketConfiguration: #{ LocationConstraint: "EU" } })"#),
        ("eu-west-1".into(), Some("EU".into()))
    );
    // A regional endpoint creates only its own region's buckets.
    assert_eq!(
        code(r#"world::set_region("eu-central-1"); s3::create_bucket(#{ Bucket: "bk-x", CreateBucketConfiguration: #{ LocationConstraint: "eu-west-1" } })"#),
        ("IllegalLocationConstraintException".into(), "The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.".into())
    );
    assert_eq!(code(r#"world::set_region("eu-central-1"); s3::create_bucket("bk-x")"#).1, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.");
    assert_eq!(code(r#"world::set_region("us-east-2"); s3::create_bucket(#{ Bucket: "bk-x", CreateBucketConfiguration: #{ LocationConstraint: "EU" } })"#).0, "IllegalLocationConstraintException");
    // An invalid constraint: InvalidLocationConstraint at the global endpoint, Illegal... at a regional one.
    assert_eq!(code(r#"s3::create_bucket(#{ Bucket: "bk-x", CreateBucketConfiguration: #{ LocationConstraint: "bar" } })"#).0, "InvalidLocationConstraint");
    assert_eq!(code(r#"world::set_region("eu-west-1"); s3::create_bucket(#{ Bucket: "bk-x", CreateBucketConfiguration: #{ LocationConstraint: "bar" } })"#).0, "IllegalLocationConstraintException");
}

#[test]
fn objects_etags_ranges_and_metadata() {
    let r = map(ok(r#"s3::create_bucket("bkt");
        s3::put_object(#{ Bucket: "bkt", Key: "test$file.text", Body: "Welcome to Amazon S3.", Metadata: #{ owner: "me" }, ContentType: "text/plain" })"#));
    // SSE-S3 single-part ETag is the MD5 of the data (aws-facts §5.6).
    assert_eq!(s(&r["ETag"]), "\"d447d0e8f289f16a12ff6027ce77c258\"");
    assert_eq!(s(&r["ServerSideEncryption"]), "AES256");
    let g = map(ok(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "0123456789abcdef", Metadata: #{ owner: "me" } });
        s3::get_object(#{ Bucket: "bkt", Key: "k", Range: "bytes=0-9" })"#));
    assert_eq!(g["Body"].clone().cast::<rhai::Blob>(), b"0123456789");
    assert_eq!(s(&g["ContentRange"]), "bytes 0-9/16");
    assert_eq!(g["ContentLength"].as_int().unwrap(), 10);
    assert_eq!(s(&map(g["Metadata"].clone())["owner"]), "me");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "k", "x"); s3::get_object(#{ Bucket: "bkt", Key: "k", Range: "bytes=5-" })"#).0, "InvalidRange");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::get_object("bkt", "nope")"#).0, "NoSuchKey");
    assert_eq!(code(r#"s3::get_object("nobucket", "k")"#).0, "NoSuchBucket");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::head_object("bkt", "nope")"#), ("NotFound".into(), "Not Found (NoSuchKey)".into()));
    // [BOTO-MODEL] HeadObject: a HEAD error is "a generic code, such as 400 Bad Request, 403
    // Forbidden, 404 Not Found, 405 Method Not Allowed, 412 Precondition Failed" without a body.
    let put = r#"s3::create_bucket("bkt"); s3::put_object("bkt", "k", "x");"#;
    assert_eq!(code(&format!(r#"{put} s3::head_object(#{{ Bucket: "bkt", Key: "k", IfMatch: "\"0\"" }})"#)), ("PreconditionFailed".into(), "Precondition Failed".into()));
    assert_eq!(
        code(&format!(r#"{put} s3::head_object(#{{ Bucket: "bkt", Key: "k", Range: "bytes=5-" }})"#)),
        ("RequestedRangeNotSatisfiable".into(), "Requested Range Not Satisfiable (InvalidRange)".into())
    );
    assert_eq!(
        code(&format!(r#"{put} iam::create_user("eve"); as_principal("eve", || s3::head_object("bkt", "k"))"#)),
        ("Forbidden".into(), "Forbidden (AccessDenied)".into())
    );
    assert_eq!(code(r#"iam::create_user("eve"); s3::create_bucket("bkt"); as_principal("eve", || s3::head_bucket("bkt"))"#).0, "Forbidden");
    assert_eq!(code(r#"s3::head_bucket("nobucket")"#), ("NotFound".into(), "Not Found (NoSuchBucket)".into()));
    // A single PUT is limited to 5 GB.
    let (c, m) = code(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "big", ContentLength: 5 * 1024 * 1024 * 1024 + 1 })"#);
    assert_eq!(c, "EntityTooLarge", "{m}");
    let _ = ok(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "big", ContentLength: 5 * 1024 * 1024 * 1024 })"#);
    // Copy keeps content; copying onto itself without changes is illegal.
    let c2 = ok(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "a", "data"); s3::copy_object("bkt/a", "bkt", "c"); s3::get_object("bkt", "c").Body.as_string()"#);
    assert_eq!(s(&c2), "data");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "a", "data"); s3::copy_object("bkt/a", "bkt", "a")"#).0, "InvalidRequest");
}

#[test]
fn missing_keys_are_403_without_list_permission() {
    // GetObject: "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP
    // status code 403 Access Denied error."
    let src = format!("{ALICE} as_principal(\"alice\", || s3::get_object(\"media\", \"missing.jpg\"))");
    assert_eq!(code(&src).0, "AccessDenied");
    let src = format!(
        "{ALICE} iam::put_user_policy(#{{ UserName: \"alice\", PolicyName: \"list\", PolicyDocument: `{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::media\"}}]}}` }});
         as_principal(\"alice\", || s3::get_object(\"media\", \"missing.jpg\"))"
    );
    assert_eq!(code(&src).0, "NoSuchKey");
}

#[test]
fn listing_with_prefix_delimiter_and_continuation() {
    let r = map(ok(r#"s3::create_bucket("bkt");
        for k in ["a/1", "a/2", "bkt/1", "c", "d"] { s3::put_object("bkt", k, "x"); }
        s3::list_objects_v2(#{ Bucket: "bkt", Delimiter: "/" })"#));
    let cps: Vec<String> = r["CommonPrefixes"].clone().into_array().unwrap().into_iter().map(|c| s(&map(c)["Prefix"])).collect();
    assert_eq!(cps, ["a/", "bkt/"]);
    let keys: Vec<String> = r["Contents"].clone().into_array().unwrap().into_iter().map(|c| s(&map(c)["Key"])).collect();
    assert_eq!(keys, ["c", "d"]);
    assert_eq!(r["KeyCount"].as_int().unwrap(), 4);
    // Pages of 2 walk every key exactly once.
    let all = ok(r#"s3::create_bucket("bkt");
        for k in ["a/1", "a/2", "bkt/1", "c", "d"] { s3::put_object("bkt", k, "x"); }
        let out = []; let token = ();
        loop {
            let p = #{ Bucket: "bkt", MaxKeys: 2 };
            if token != () { p.ContinuationToken = token; }
            let r = s3::list_objects_v2(p);
            for o in r.Contents ?? [] { out.push(o.Key); }
            if !r.IsTruncated { break; }
            token = r.NextContinuationToken;
        }
        out"#);
    let all: Vec<String> = all.into_array().unwrap().iter().map(s).collect();
    assert_eq!(all, ["a/1", "a/2", "bkt/1", "c", "d"]);
    // `MaxKeys: 0` lists nothing and is not truncated (ceph/s3-tests, written against AWS:
    // test_bucket_listv2_maxkeys_zero), so a paginator stops.
    let z = ok(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "a", "x"); s3::put_bucket_versioning("bkt", "Enabled");
        let l = s3::list_objects_v2(#{ Bucket: "bkt", MaxKeys: 0 }); let v = s3::list_object_versions(#{ Bucket: "bkt", MaxKeys: 0 });
        [l.KeyCount, l.IsTruncated, "NextContinuationToken" in l, v.IsTruncated, (v.Versions ?? []).len()]"#);
    assert_eq!(z.to_string(), "[0, false, false, false, 0]");
    let p = map(ok(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "logs/x", "1"); s3::put_object("bkt", "data/y", "1"); s3::list_objects_v2("bkt", "logs/")"#));
    assert_eq!(p["KeyCount"].as_int().unwrap(), 1);
}

/// [BOTO-MODEL] GetObject: "The response headers that you can override for the GetObject
/// response are Cache-Control, Content-Disposition, Content-Encoding, Content-Language,
/// Content-Type, and Expires" ... "These parameters cannot be used with an unsigned (anonymous)
/// request" (live answer: 400 InvalidRequest "Request specific response headers cannot be used
/// for anonymous GET requests.", aws/aws-sdk-ruby#2273).
#[test]
fn response_header_overrides() {
    let r = map(ok(&format!(
        r#"{ALICE} s3::get_object(#{{ Bucket: "media", Key: "cat.jpg", ResponseContentType: "image/jpeg", ResponseContentDisposition: "attachment; filename=\"cat.jpg\"", ResponseExpires: "2026-02-01T00:00:00Z" }})"#
    )));
    assert_eq!((s(&r["ContentType"]), s(&r["ContentDisposition"]), s(&r["Expires"])), ("image/jpeg".into(), "attachment; filename=\"cat.jpg\"".into(), "2026-02-01T00:00:00Z".into()));
    assert!(!r.contains_key("CacheControl"), "only what was asked for");
    assert_eq!(s(&map(ok(&format!(r#"{ALICE} s3::head_object(#{{ Bucket: "media", Key: "cat.jpg", ResponseCacheControl: "no-store" }})"#)))["CacheControl"]), "no-store");
    // A presigned download that saves under another name: the overrides are in the signed query.
    let r = map(ok(&format!(
        r#"{ALICE} let u = as_principal("alice", || s3::generate_presigned_url(#{{ ClientMethod: "get_object", ExpiresIn: 300,
            Params: #{{ Bucket: "media", Key: "cat.jpg", ResponseContentDisposition: "attachment; filename=kitty.jpg", ResponseExpires: "2026-02-01T00:00:00Z" }} }}));
           let r = s3::request("GET", u); #{{ url: u, status: r.Status, cd: r.Headers["Content-Disposition"], exp: r.Headers["Expires"] }}"#
    )));
    assert!(s(&r["url"]).contains("response-content-disposition=attachment%3B%20filename%3Dkitty.jpg&response-expires=Sun%2C%2001%20Feb%202026%2000%3A00%3A00%20GMT&"), "{}", s(&r["url"]));
    assert_eq!((r["status"].as_int().unwrap(), s(&r["cd"]), s(&r["exp"])), (200, "attachment; filename=kitty.jpg".into(), "Sun, 01 Feb 2026 00:00:00 GMT".into()));
    // Anonymous: refused, even where the object is public.
    let public = r#"s3::create_bucket("site"); s3::put_object("site", "f", "x"); s3::put_public_access_block(#{ Bucket: "site", PublicAccessBlockConfiguration: #{} });
        s3::put_bucket_policy("site", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`);"#;
    let st = |q: &str| map(ok(&format!(r#"{public} let r = s3::request("GET", "https://site.s3.amazonaws.com/f{q}"); #{{ s: r.Status, c: r.ErrorCode ?? "" }}"#)));
    assert_eq!(st("")["s"].as_int().unwrap(), 200);
    let r = st("?response-content-type=text/plain");
    assert_eq!((r["s"].as_int().unwrap(), s(&r["c"])), (400, "InvalidRequest".into()));
}

/// S3's error document names what was missing: `<Key>` for NoSuchKey, `<BucketName>` for
/// NoSuchBucket, `<RangeRequested>`/`<ActualObjectSize>` for InvalidRange (S3 API Reference,
/// "Error responses", and the sample NoSuchKey body in "REST error responses").
#[test]
fn http_error_documents_carry_their_details() {
    let setup = r#"s3::create_bucket("site"); s3::put_object("site", "f", "abcd"); s3::put_public_access_block(#{ Bucket: "site", PublicAccessBlockConfiguration: #{} });
        s3::put_bucket_policy("site", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::site","arn:aws:s3:::site/*"]}]}`);"#;
    let body = |url: &str, headers: &str| {
        let r = map(ok(&format!(r#"{setup} s3::request(#{{ Method: "GET", Url: "{url}", Headers: #{{ {headers} }} }})"#)));
        String::from_utf8(r["Body"].clone().cast::<rhai::Blob>()).unwrap()
    };
    assert!(body("https://site.s3.amazonaws.com/nope", "").contains("</Message><Key>nope</Key><RequestId>"));
    assert!(body("https://gone-bucket.s3.amazonaws.com/f", "").contains("<BucketName>gone-bucket</BucketName>"));
    let xml = body("https://site.s3.amazonaws.com/f", r#"Range: "bytes=100-""#);
    assert!(xml.contains("<Code>InvalidRange</Code>") && xml.contains("<RangeRequested>bytes=100-</RangeRequested><ActualObjectSize>4</ActualObjectSize><RequestId>"), "{xml}");
    assert_eq!(xml.matches("<RangeRequested>").count(), 1, "each element once: {xml}");
}

/// The other messages S3 sends with what they name: InvalidBucketName (`<BucketName>`),
/// InvalidRange (`<RangeRequested>`, `<ActualObjectSize>`), InvalidStorageClass
/// (`<StorageClassRequested>`), InvalidLocationConstraint (`<LocationConstraint>`),
/// NoSuchAccessPoint (`<AccessPointName>`).
#[test]
fn validation_messages_are_s3s_and_name_the_value() {
    let v = ok(r#"
        let out = [];
        try { s3::create_bucket("Doc_Example"); } catch (e) { out.push(e); }
        s3::create_bucket("bkt"); s3::put_object("bkt", "k", "abcd");
        try { s3::get_object(#{ Bucket: "bkt", Key: "k", Range: "bytes=10-20" }); } catch (e) { out.push(e); }
        try { s3::put_object(#{ Bucket: "bkt", Key: "k2", Body: "x", StorageClass: "COLD" }); } catch (e) { out.push(e); }
        try { s3::create_bucket(#{ Bucket: "bk-x", CreateBucketConfiguration: #{ LocationConstraint: "bar" } }); } catch (e) { out.push(e); }
        try { s3::get_access_point("nope"); } catch (e) { out.push(e); }
        out"#)
    .cast::<rhai::Array>();
    let errs: Vec<rhai::Map> = v.into_iter().map(map).collect();
    let f = |i: usize, k: &str| errs[i].get(k).map(s).unwrap_or_default();
    assert_eq!((f(0, "Code"), f(0, "Message"), f(0, "BucketName")), ("InvalidBucketName".into(), "The specified bucket is not valid.".into(), "Doc_Example".into()));
    assert_eq!((f(1, "Code"), f(1, "Message")), ("InvalidRange".into(), "The requested range is not satisfiable".into()));
    assert_eq!((f(1, "RangeRequested"), f(1, "ActualObjectSize")), ("bytes=10-20".into(), "4".into()));
    assert_eq!(errs[1]["StatusCode"].as_int(), Ok(416));
    assert_eq!((f(2, "Code"), f(2, "Message"), f(2, "StorageClassRequested")), ("InvalidStorageClass".into(), "The storage class you specified is not valid".into(), "COLD".into()));
    assert_eq!((f(3, "Code"), f(3, "Message"), f(3, "LocationConstraint")), ("InvalidLocationConstraint".into(), "The specified location-constraint is not valid".into(), "bar".into()));
    assert_eq!((f(4, "Code"), f(4, "Message"), f(4, "AccessPointName")), ("NoSuchAccessPoint".into(), "The specified accesspoint does not exist".into(), "nope".into()));
}

/// S3's messages are fixed per code (S3 API Reference, "Error codes"); what was missing comes
/// as its own element (`<Key>`, `<BucketName>`, `<VersionId>`, `<Method>`/`<ResourceType>`),
/// which a script reads from the caught error as the SDKs expose it.
#[test]
fn error_messages_are_s3s_and_details_are_fields() {
    let v = ok(r#"
        s3::create_bucket("bkt"); s3::put_bucket_versioning("bkt", "Enabled");
        s3::put_object("bkt", "k", "v"); let dm = s3::delete_object("bkt", "k").VersionId;
        let other = s3::put_object("bkt", "o", "x").VersionId;
        let out = [];
        try { s3::get_object("nope-bucket", "k"); } catch (e) { out.push(e); }
        try { s3::get_object("bkt", "missing"); } catch (e) { out.push(e); }
        try { s3::get_object("bkt", "k"); } catch (e) { out.push(e); }
        try { s3::get_object(#{ Bucket: "bkt", Key: "k", VersionId: other }); } catch (e) { out.push(e); }
        try { s3::get_object(#{ Bucket: "bkt", Key: "k", VersionId: dm }); } catch (e) { out.push(e); }
        try { s3::delete_bucket("bkt"); } catch (e) { out.push(e); }
        let r = s3::request("PATCH", "https://bkt.s3.amazonaws.com/k");
        [out, r.Body.as_string(), other]"#)
    .cast::<rhai::Array>();
    let errs: Vec<rhai::Map> = v[0].clone().cast::<rhai::Array>().into_iter().map(map).collect();
    let f = |i: usize, k: &str| errs[i].get(k).map(s).unwrap_or_default();
    assert_eq!((f(0, "Code"), f(0, "Message"), f(0, "BucketName")), ("NoSuchBucket".into(), "The specified bucket does not exist.".into(), "nope-bucket".into()));
    assert_eq!((f(1, "Code"), f(1, "Message"), f(1, "Key")), ("NoSuchKey".into(), "The specified key does not exist.".into(), "missing".into()));
    assert_eq!((f(2, "Code"), f(2, "Key")), ("NoSuchKey".into(), "k".into()), "the current version is a delete marker");
    assert_eq!((f(3, "Code"), f(3, "Key")), ("NoSuchVersion".into(), "k".into()), "a version of another key");
    assert_eq!(f(3, "VersionId"), s(&v[2]));
    assert_eq!(f(3, "Message"), "The specified version does not exist.");
    assert_eq!((f(4, "Code"), f(4, "Message")), ("MethodNotAllowed".into(), "The specified method is not allowed against this resource.".into()));
    assert_eq!((f(4, "Method"), f(4, "ResourceType")), ("GET".into(), "DeleteMarker".into()));
    assert_eq!((f(5, "Code"), f(5, "Message"), f(5, "BucketName")), ("BucketNotEmpty".into(), "The bucket you tried to delete is not empty.".into(), "bkt".into()));
    let xml = s(&v[1]);
    assert!(xml.contains("<Message>The specified method is not allowed against this resource.</Message><Method>PATCH</Method><ResourceType>OBJECT</ResourceType><RequestId>"), "{xml}");
}

/// "The following headers are required in the signature calculations: The HTTP host header.
/// Any x-amz-* headers that you plan to add to the request." (S3 API Reference, "Authenticating
/// Requests: Using Query Parameters"). S3's answer otherwise (live responses, e.g. in
/// aws/aws-sdk-js#896): 403 AccessDenied "There were headers present in the request which were
/// not signed", `<HeadersNotSigned>` listing them lowercase, comma-separated;
/// `x-amz-content-sha256` is exempt.
#[test]
fn presigned_requests_sign_their_x_amz_headers() {
    let txt = |d: Option<&Dynamic>| d.map(|d| d.to_string()).unwrap_or_default();
    let get = |headers: &str| {
        let r = map(ok(&format!(r#"{ALICE} s3::request(#{{ Method: "GET", Url: url, Headers: #{{ {headers} }} }})"#)));
        let body = String::from_utf8(r["Body"].clone().cast::<rhai::Blob>()).unwrap();
        (r["Status"].as_int().unwrap(), txt(r.get("ErrorCode")), txt(r.get("ErrorMessage")), body)
    };
    let (status, c, m, body) = get(r#""X-Amz-Storage-Class": "STANDARD", "x-amz-meta-note": "hi", Range: "bytes=0-1""#);
    assert_eq!((status, c.as_str(), m.as_str()), (403, "AccessDenied", "There were headers present in the request which were not signed"));
    assert!(body.contains("<HeadersNotSigned>x-amz-meta-note, x-amz-storage-class</HeadersNotSigned>"), "{body}");
    assert_eq!(get(r#""x-amz-content-sha256": "UNSIGNED-PAYLOAD""#).0, 200, "exempt");
    assert_eq!(get(r#"Range: "bytes=0-1""#).0, 206, "headers that are not x-amz-* need no signature");
    // Signed headers: the URL names them, and the request must send them as signed.
    let setup = format!(
        r#"{ALICE} iam::put_user_policy(#{{ UserName: "alice", PolicyName: "write", PolicyDocument:
            `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::media/*"}}]}}` }});
        let key = blob(32, 7);
        let p = as_principal("alice", || s3::presign(#{{ ClientMethod: "put_object", ExpiresIn: 300,
            Params: #{{ Bucket: "media", Key: "note.txt", Metadata: #{{ Author: "alice" }}, SSECustomerAlgorithm: "AES256", SSECustomerKey: key }} }}));"#
    );
    let r = map(ok(&format!("{setup} p")));
    let url = s(&r["Url"]);
    assert!(
        url.contains("X-Amz-SignedHeaders=host%3Bx-amz-meta-author%3Bx-amz-server-side-encryption-customer-algorithm%3Bx-amz-server-side-encryption-customer-key%3Bx-amz-server-side-encryption-customer-key-md5&"),
        "{url}"
    );
    let headers = map(r["Headers"].clone());
    assert_eq!(s(&headers["x-amz-server-side-encryption-customer-key-md5"]), "y4HAEFCYWuvAXWFTtA1Qpg==", "botocore computes the MD5 (base64 of MD5 of 32 bytes of 7)");
    let put = |change: &str| {
        let r = map(ok(&format!(r#"{setup} let h = p.Headers; {change} s3::request(#{{ Method: "PUT", Url: p.Url, Headers: h, Body: "hello" }})"#)));
        (r["Status"].as_int().unwrap(), txt(r.get("ErrorCode")), txt(r.get("ErrorMessage")))
    };
    assert_eq!(put("").0, 200);
    let stored = map(ok(&format!(
        r#"{setup} s3::request(#{{ Method: "PUT", Url: p.Url, Headers: p.Headers, Body: "hello" }});
           let o = s3::get_object(#{{ Bucket: "media", Key: "note.txt", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }}); #{{ Body: o.Body.as_string(), Meta: o.Metadata }}"#
    )));
    assert_eq!(s(&stored["Body"]), "hello");
    assert_eq!(s(&map(stored["Meta"].clone())["author"]), "alice");
    let mismatch = (403, "SignatureDoesNotMatch".to_string(), "The request signature we calculated does not match the signature you provided. Check your key and signing method.".to_string());
    assert_eq!(put(r#"h.remove("x-amz-meta-author");"#), mismatch, "a signed header not sent");
    assert_eq!(put(r#"h["x-amz-meta-author"] = "mallory";"#), mismatch, "a signed header changed");
    assert_eq!(put(r#"h["x-amz-meta-extra"] = "1";"#).1, "AccessDenied", "an unsigned one added");
    // Header names are case-insensitive: a second spelling adds a value, it doesn't slip past.
    assert_eq!(put(r#"h["X-Amz-Meta-Author"] = "mallory";"#), mismatch, "the same header twice");
}

/// [BOTO-MODEL] GetObject: `IfModifiedSince` "otherwise, return a 304 (not modified) error",
/// `IfUnmodifiedSince` "otherwise, return a 412 (precondition failed) error"; "If both of the
/// If-Match and If-Unmodified-Since headers are present ... If-Match condition evaluates to
/// true, and; If-Unmodified-Since condition evaluates to false; then, S3 returns 200 OK";
/// "If both of the If-None-Match and If-Modified-Since headers are present ... If-None-Match
/// condition evaluates to false, and; If-Modified-Since condition evaluates to true; then, S3
/// returns 304 Not Modified".
#[test]
fn conditional_reads() {
    // The object is written at noon on 1 March; `before`/`after` bracket that second.
    let setup = r#"s3::create_bucket("bkt"); clock::set("2026-03-01T12:00:00.250Z"); let etag = s3::put_object("bkt", "k", "x").ETag;
        clock::advance("1d"); let before = "2026-03-01T11:59:59Z"; let at = "2026-03-01T12:00:00Z";"#;
    let get = |cond: &str| code(&format!(r#"{setup} s3::get_object(#{{ Bucket: "bkt", Key: "k", {cond} }})"#)).0;
    let body = |cond: &str| ok(&format!(r#"{setup} s3::get_object(#{{ Bucket: "bkt", Key: "k", {cond} }}).Body.as_string()"#)).into_string().unwrap();
    assert_eq!(body("IfModifiedSince: before"), "x");
    assert_eq!(get("IfModifiedSince: at"), "NotModified", "dates compare at whole seconds");
    assert_eq!(body("IfUnmodifiedSince: at"), "x");
    assert_eq!(get("IfUnmodifiedSince: before"), "PreconditionFailed");
    assert_eq!(body(r#"IfModifiedSince: "2027-01-01T00:00:00Z""#), "x", "a date in the future is ignored");
    // The two mixed cases the reference spells out.
    assert_eq!(body("IfMatch: etag, IfUnmodifiedSince: before"), "x");
    assert_eq!(get("IfNoneMatch: etag, IfModifiedSince: before"), "NotModified");
    // A non-matching If-None-Match decides alone: If-Modified-Since is not consulted.
    assert_eq!(body(r#"IfNoneMatch: "\"other\"", IfModifiedSince: at"#), "x");
    // Lists of ETags, as HTTP allows.
    assert_eq!(body(r#"IfMatch: "\"other\", " + etag"#), "x");
    // HEAD: the same rules, bare statuses.
    assert_eq!(code(&format!(r#"{setup} s3::head_object(#{{ Bucket: "bkt", Key: "k", IfModifiedSince: at }})"#)).0, "NotModified");
    // Over HTTP: HTTP dates, 304 without a body, 412 with S3's error document.
    // (ALICE's `cat.jpg`, "meow", is written at the default start, 2026-01-01T00:00:00Z.)
    let st = |headers: &str| {
        let r = map(ok(&format!(r#"{ALICE} s3::request(#{{ Method: "GET", Url: url, Headers: #{{ {headers} }} }})"#)));
        (r["Status"].as_int().unwrap(), r["Body"].clone().cast::<rhai::Blob>().len())
    };
    assert_eq!(st(r#""If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT""#), (304, 0));
    assert_eq!(st(r#""If-Modified-Since": "Wed, 31 Dec 2025 23:59:59 GMT""#), (200, 4));
    assert_eq!(st(r#""If-Modified-Since": "not a date""#), (200, 4), "an unreadable date is ignored");
    let (status, len) = st(r#""If-Unmodified-Since": "Wed, 31 Dec 2025 23:59:59 GMT""#);
    assert!(status == 412 && len > 0, "{status} {len}");
    assert_eq!(st(r#""If-None-Match": s3::head_object("media", "cat.jpg").ETag"#), (304, 0));
    // RFC 7232 §4.1: a 304 carries the ETag a 200 would have sent (the cache revalidates by it).
    let r = map(ok(&format!(r#"{ALICE} let r = s3::request(#{{ Method: "GET", Url: url, Headers: #{{ "If-None-Match": "*" }} }}); #{{ status: r.Status, etag: r.Headers.ETag ?? "(none)", head: s3::head_object("media", "cat.jpg").ETag }}"#)));
    assert_eq!((r["status"].as_int().unwrap(), s(&r["etag"])), (304, s(&r["head"])));
}

#[test]
fn conditional_writes() {
    // S3 User Guide, "How to prevent object overwrites with conditional writes".
    let setup = r#"s3::create_bucket("bkt"); s3::put_bucket_versioning("bkt", "Enabled");
        let first = s3::put_object(#{ Bucket: "bkt", Key: "lock", Body: "me", IfNoneMatch: "*" });"#;
    let (c, m) = code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "you", IfNoneMatch: "*" }})"#));
    assert_eq!((c.as_str(), m.as_str()), ("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"));
    // Over a delete marker there is no current object: the create succeeds.
    let v = ok(&format!(r#"{setup} s3::delete_object("bkt", "lock"); s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "again", IfNoneMatch: "*" }}); s3::get_object("bkt", "lock").Body.as_string()"#));
    assert_eq!(s(&v), "again");
    // If-Match: compare-and-swap on the ETag.
    let v = ok(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "swapped", IfMatch: first.ETag }}); s3::get_object("bkt", "lock").Body.as_string()"#));
    assert_eq!(s(&v), "swapped");
    assert_eq!(code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "x", IfMatch: "\"0123\"" }})"#)).0, "PreconditionFailed");
    assert_eq!(code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "none", Body: "x", IfMatch: first.ETag }})"#)).0, "NoSuchKey");
    assert_eq!(code(&format!(r#"{setup} s3::delete_object("bkt", "lock"); s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "x", IfMatch: first.ETag }})"#)).0, "NoSuchKey", "over a delete marker");
    // Validation comes before the precondition: a bad request is refused as such.
    assert_eq!(code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "x", IfNoneMatch: "*", StorageClass: "NOPE" }})"#)).0, "InvalidStorageClass");
    assert_eq!(code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "new", Body: "x", IfNoneMatch: first.ETag }})"#)).0, "NotImplemented");
    // A failed precondition writes nothing.
    let n = ok(&format!(r#"{setup} try {{ s3::put_object(#{{ Bucket: "bkt", Key: "lock", Body: "no", IfNoneMatch: "*" }}); }} catch {{}} s3::list_object_versions("bkt").Versions.len()"#));
    assert_eq!(n.as_int().unwrap(), 1);
    // A bucket policy can require them ("Enforce conditional writes"): s3:if-none-match.
    let policy = r#"s3::put_bucket_policy("bkt", #{ Version: "2012-10-17", Statement: [#{ Effect: "Deny", Principal: "*", Action: "s3:PutObject",
        Resource: "arn:aws:s3:::bkt/*", Condition: #{ Null: #{ "s3:if-none-match": "true" } } }] });"#;
    assert_eq!(code(&format!(r#"{setup} {policy} s3::put_object("bkt", "plain", "x")"#)).0, "AccessDenied");
    assert!(ok(&format!(r#"{setup} {policy} s3::put_object(#{{ Bucket: "bkt", Key: "plain", Body: "x", IfNoneMatch: "*" }}).ETag"#)).is_string());
}

/// [BOTO-MODEL] CompleteMultipartUpload `IfNoneMatch`: "Uploads the object only if the object
/// key name does not already exist ... Otherwise, Amazon S3 returns a 412 Precondition Failed
/// error. If a conflicting operation occurs during the upload S3 returns a 409
/// ConditionalRequestConflict response"; `IfMatch` likewise with the ETag. Behaviour recorded
/// against AWS (LocalStack's validated snapshots, `TestS3ObjectWritePrecondition`): the upload
/// survives a 412 and a 404; a delete or an overwrite after CreateMultipartUpload is a 409.
#[test]
fn conditional_multipart_completion() {
    let setup = r#"s3::create_bucket("bkt");
        fn start(key) { let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: key }).UploadId;
            let e = s3::upload_part(#{ Bucket: "bkt", Key: key, UploadId: id, PartNumber: 1, Body: "part" }).ETag; [id, e] }
        fn done(key, u, cond) { let r = #{ Bucket: "bkt", Key: key, UploadId: u[0], MultipartUpload: #{ Parts: [#{ PartNumber: 1, ETag: u[1] }] } };
            r += cond; s3::complete_multipart_upload(r) }"#;
    let run_code = |body: &str| code(&format!("{setup} {body}"));
    // If-None-Match: a new key completes; over an existing one 412, and the upload lives on.
    assert!(ok(&format!(r#"{setup} let u = start("new"); done("new", u, #{{ IfNoneMatch: "*" }}).ETag"#)).is_string());
    let (c, m) = run_code(r#"s3::put_object("bkt", "taken", "x"); let u = start("taken"); done("taken", u, #{ IfNoneMatch: "*" })"#);
    assert_eq!((c.as_str(), m.as_str()), ("PreconditionFailed", "At least one of the pre-conditions you specified did not hold"));
    let retried = ok(&format!(
        r#"{setup} s3::put_object("bkt", "taken", "x"); let u = start("taken"); try {{ done("taken", u, #{{ IfNoneMatch: "*" }}); }} catch {{}}
           done("taken", u, #{{}}); s3::get_object("bkt", "taken").Body.as_string()"#
    ));
    assert_eq!(retried.into_string().unwrap(), "part", "the upload survives a 412");
    // A delete while the upload was in progress: 409.
    let (c, m) = run_code(r#"s3::put_object("bkt", "k", "x"); let u = start("k"); s3::delete_object("bkt", "k"); done("k", u, #{ IfNoneMatch: "*" })"#);
    assert_eq!((c.as_str(), m.as_str()), ("ConditionalRequestConflict", "The conditional request cannot succeed due to a conflicting operation against this resource."));
    // If-Match: the current ETag completes; a stale one 412; no object 404; an overwrite
    // during the upload 409, even with the same content, within the same simulated instant.
    let etag = r#"let etag = s3::put_object("bkt", "k", "x").ETag;"#;
    assert!(ok(&format!(r#"{setup} {etag} let u = start("k"); done("k", u, #{{ IfMatch: etag }}).ETag"#)).is_string());
    assert_eq!(run_code(&format!(r#"{etag} let u = start("k"); done("k", u, #{{ IfMatch: "\"0123\"" }})"#)).0, "PreconditionFailed");
    assert_eq!(run_code(&format!(r#"{etag} let u = start("k"); s3::delete_object("bkt", "k"); done("k", u, #{{ IfMatch: etag }})"#)).0, "NoSuchKey");
    assert_eq!(
        run_code(&format!(r#"{etag} let u = start("k"); let e2 = s3::put_object("bkt", "k", "x").ETag; done("k", u, #{{ IfMatch: e2 }})"#)).0,
        "ConditionalRequestConflict"
    );
    assert_eq!(run_code(r#"let u = start("k"); done("k", u, #{ IfMatch: "\"0\"", IfNoneMatch: "*" })"#).0, "NotImplemented", "both headers");
    // A bucket policy that requires conditional writes now lets a conditional completion through.
    let policy = r#"s3::put_bucket_policy("bkt", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:if-none-match":"true"}}}]}`);"#;
    assert!(ok(&format!(r#"{setup} let u = start("locked"); {policy} done("locked", u, #{{ IfNoneMatch: "*" }}).ETag"#)).is_string());
    assert_eq!(run_code(&format!(r#"let u = start("locked"); {policy} done("locked", u, #{{}})"#)).0, "AccessDenied");
}

/// [BOTO-MODEL] ListParts: "returns a maximum of 1,000 uploaded parts ... an IsTruncated field
/// with the value of true, and a NextPartNumberMarker element"; `PartNumberMarker`: "Only parts
/// with higher part numbers will be listed". ListMultipartUploads: sorted by key, then by
/// initiation time; `KeyMarker`/`UploadIdMarker` as documented ("If key-marker is not specified,
/// the upload-id-marker parameter is ignored"). AWS recordings (LocalStack's validated
/// snapshots): NextPartNumberMarker names the last part even when not truncated (0 for none);
/// an upload-id-marker of another key is InvalidArgument "Invalid uploadId marker".
#[test]
fn multipart_listings_page_with_markers() {
    let setup = r#"s3::create_bucket("bkt"); iam::create_user("ann"); iam::attach_user_policy("ann", "arn:aws:iam::aws:policy/AmazonS3FullAccess");
        let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "big" }).UploadId;
        for n in 1..=3 { s3::upload_part(#{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: n, Body: "p" }); }
        fn parts(id, extra) { let r = #{ Bucket: "bkt", Key: "big", UploadId: id }; r += extra; let l = s3::list_parts(r);
            #{ Numbers: (l.Parts ?? []).map(|p| p.PartNumber), Next: l.NextPartNumberMarker, Truncated: l.IsTruncated, Marker: l.PartNumberMarker } }"#;
    let parts = |extra: &str| ok(&format!("{setup} parts(id, #{{ {extra} }})")).to_string();
    assert_eq!(parts(""), r#"#{"Marker": 0, "Next": 3, "Numbers": [1, 2, 3], "Truncated": false}"#);
    assert_eq!(parts("MaxParts: 2"), r#"#{"Marker": 0, "Next": 2, "Numbers": [1, 2], "Truncated": true}"#);
    assert_eq!(parts("MaxParts: 2, PartNumberMarker: 2"), r#"#{"Marker": 2, "Next": 3, "Numbers": [3], "Truncated": false}"#);
    assert_eq!(parts("PartNumberMarker: 10"), r#"#{"Marker": 10, "Next": 0, "Numbers": [], "Truncated": false}"#);
    // Initiator and Owner: an IAM user's ARN and name; the account.
    let who = map(ok(&format!(
        r#"{setup} let id2 = as_principal("ann", || s3::create_multipart_upload(#{{ Bucket: "bkt", Key: "ann.bin" }}).UploadId);
           let l = s3::list_parts(#{{ Bucket: "bkt", Key: "ann.bin", UploadId: id2 }}); #{{ I: l.Initiator, O: l.Owner, Root: s3::list_parts(#{{ Bucket: "bkt", Key: "big", UploadId: id }}).Initiator }}"#
    )));
    let (initiator, owner, root) = (map(who["I"].clone()), map(who["O"].clone()), map(who["Root"].clone()));
    assert_eq!((s(&initiator["ID"]), s(&initiator["DisplayName"])), ("arn:aws:iam::111122223333:user/ann".into(), "ann".into()));
    assert_eq!(s(&root["ID"]), s(&owner["ID"]), "the account's own uploads: the Owner");
    // ListMultipartUploads: key order, then initiation order; markers; delimiter roll-up.
    let uploads = r#"s3::create_bucket("ups");
        let ids = [];
        for k in ["b", "a", "b", "dir/x", "dir/y", "c"] { ids.push(s3::create_multipart_upload(#{ Bucket: "ups", Key: k }).UploadId); }
        fn page(extra) { let r = #{ Bucket: "ups" }; r += extra; let l = s3::list_multipart_uploads(r);
            #{ Keys: (l.Uploads ?? []).map(|u| u.Key), Prefixes: (l.CommonPrefixes ?? []).map(|p| p.Prefix), NextKey: l.NextKeyMarker, NextId: l.NextUploadIdMarker, Truncated: l.IsTruncated } }"#;
    let page = |extra: &str| map(ok(&format!("{uploads} page(#{{ {extra} }})")));
    let keys = |m: &rhai::Map| m["Keys"].to_string();
    let all = page("");
    assert_eq!(keys(&all), r#"["a", "b", "b", "c", "dir/x", "dir/y"]"#);
    assert_eq!(s(&all["NextKey"]), "dir/y", "set even when not truncated");
    let first = page("MaxUploads: 2");
    assert_eq!((keys(&first), first["Truncated"].as_bool().unwrap(), s(&first["NextKey"])), (r#"["a", "b"]"#.into(), true, "b".into()));
    // The page after ("b", the first b upload) holds the second b upload: initiation order,
    // even within one simulated instant.
    let second = map(ok(&format!(r#"{uploads} let f = s3::list_multipart_uploads(#{{ Bucket: "ups", MaxUploads: 2 }});
        let l = s3::list_multipart_uploads(#{{ Bucket: "ups", MaxUploads: 2, KeyMarker: f.NextKeyMarker, UploadIdMarker: f.NextUploadIdMarker }});
        #{{ Ids: l.Uploads.map(|u| u.UploadId), Want: [ids[2], ids[5]] }}"#)));
    assert_eq!(second["Ids"].to_string(), second["Want"].to_string());
    assert_eq!(keys(&page(r#"KeyMarker: "b""#)), r#"["c", "dir/x", "dir/y"]"#, "a key marker alone skips the key");
    assert_eq!(keys(&page(r#"UploadIdMarker: "whatever""#)), keys(&all), "an upload-id marker without a key marker is ignored");
    let rolled = page(r#"Delimiter: "/""#);
    assert_eq!((keys(&rolled), rolled["Prefixes"].to_string()), (r#"["a", "b", "b", "c"]"#.into(), r#"["dir/"]"#.into()));
    let rolled = page(r#"Delimiter: "/", KeyMarker: "c", MaxUploads: 1"#);
    assert_eq!((rolled["Prefixes"].to_string(), s(&rolled["NextKey"])), (r#"["dir/"]"#.into(), "dir/".into()));
    assert_eq!(page(r#"Delimiter: "/", KeyMarker: "dir/""#)["Prefixes"].to_string(), "[]", "a prefix not after the key marker is left out");
    // Listing and aborting page by page: the marker names an upload that has ended.
    let left = ok(&format!(
        r#"{uploads} let seen = []; let p = #{{ Bucket: "ups", MaxUploads: 2 }};
           loop {{ let l = s3::list_multipart_uploads(p);
               for u in l.Uploads ?? [] {{ seen.push(u.Key); s3::abort_multipart_upload(#{{ Bucket: "ups", Key: u.Key, UploadId: u.UploadId }}); }}
               if !l.IsTruncated {{ break; }} p.KeyMarker = l.NextKeyMarker; p.UploadIdMarker = l.NextUploadIdMarker; }}
           #{{ seen: seen, left: (s3::list_multipart_uploads(#{{ Bucket: "ups" }}).Uploads ?? []).len() }}"#
    ));
    assert_eq!(left.to_string(), r#"#{"left": 0, "seen": ["a", "b", "b", "c", "dir/x", "dir/y"]}"#);
    let (c, m) = code(&format!(r#"{uploads} s3::list_multipart_uploads(#{{ Bucket: "ups", KeyMarker: "c", UploadIdMarker: ids[0] }})"#));
    assert_eq!(c, "InvalidArgument");
    assert!(m.starts_with("Invalid uploadId marker"), "{m}");
}

#[test]
fn versioning_delete_markers_and_null_versions() {
    // "After you version-enable a bucket, it can never return to an unversioned state."
    assert_eq!(code(r#"s3::create_bucket("ver"); s3::put_bucket_versioning("ver", "Enabled"); s3::put_bucket_versioning("ver", "Off")"#).0, "MalformedXML");
    // Objects stored before versioning have version id null.
    let r = map(ok(r#"s3::create_bucket("ver"); s3::put_object("ver", "k", "one");
        s3::put_bucket_versioning("ver", "Enabled");
        let v2 = s3::put_object("ver", "k", "two").VersionId;
        let d = s3::delete_object("ver", "k");
        let err = ""; try { s3::get_object("ver", "k"); } catch (e) { err = e.Code; }
        let old = s3::get_object(#{ Bucket: "ver", Key: "k", VersionId: "null" }).Body.as_string();
        let versions = s3::list_object_versions("ver");
        s3::delete_object(#{ Bucket: "ver", Key: "k", VersionId: d.VersionId });
        let back = s3::get_object("ver", "k").Body.as_string();
        #{ v2: v2, marker: d.DeleteMarker, err: err, old: old, nv: versions.Versions.len(), nm: versions.DeleteMarkers.len(), latest_marker: versions.DeleteMarkers[0].IsLatest, back: back }"#));
    assert_eq!(s(&r["v2"]).len(), 32);
    assert!(r["marker"].as_bool().unwrap());
    assert_eq!(s(&r["err"]), "NoSuchKey");
    assert_eq!(s(&r["old"]), "one");
    assert_eq!((r["nv"].as_int().unwrap(), r["nm"].as_int().unwrap()), (2, 1));
    assert!(r["latest_marker"].as_bool().unwrap());
    assert_eq!(s(&r["back"]), "two");
    // GET of a delete marker by version id: 405.
    assert_eq!(
        code(r#"s3::create_bucket("ver"); s3::put_bucket_versioning("ver", "Enabled"); s3::put_object("ver", "k", "a");
            let d = s3::delete_object("ver", "k"); s3::get_object(#{ Bucket: "ver", Key: "k", VersionId: d.VersionId })"#)
        .0,
        "MethodNotAllowed"
    );
    // Suspended: new objects get the null version, overwriting the previous null version;
    // older non-null versions stay; a simple DELETE leaves a null delete marker.
    let r = map(ok(r#"s3::create_bucket("ver"); s3::put_bucket_versioning("ver", "Enabled");
        s3::put_object("ver", "k", "enabled-1");
        s3::put_bucket_versioning("ver", "Suspended");
        let a = s3::put_object("ver", "k", "null-1").VersionId;
        s3::put_object("ver", "k", "null-2");
        let vs = s3::list_object_versions("ver").Versions;
        let d = s3::delete_object("ver", "k");
        let after = s3::list_object_versions("ver");
        #{ a: a, n: vs.len(), d: d.VersionId, nv: after.Versions.len(), nm: after.DeleteMarkers.len(), status: s3::get_bucket_versioning(#{ Bucket: "ver" }).Status }"#));
    assert_eq!(s(&r["a"]), "null");
    assert_eq!(r["n"].as_int().unwrap(), 2);
    assert_eq!(s(&r["d"]), "null");
    assert_eq!((r["nv"].as_int().unwrap(), r["nm"].as_int().unwrap()), (1, 1), "the null version was removed, the enabled one kept");
    assert_eq!(s(&r["status"]), "Suspended");
    // Never versioned: no Status at all.
    let g = map(ok(r#"s3::create_bucket("ver"); s3::get_bucket_versioning(#{ Bucket: "ver" })"#));
    assert!(!g.contains_key("Status"));
}

#[test]
fn mfa_delete_is_recorded_and_enforced() {
    assert_eq!(
        code(r#"s3::create_bucket("ver"); s3::put_bucket_versioning(#{ Bucket: "ver", VersioningConfiguration: #{ Status: "Enabled", MFADelete: "Enabled" } })"#).1,
        "Mfa Authentication must be used for this request"
    );
    let src = r#"s3::create_bucket("ver");
        s3::put_bucket_versioning(#{ Bucket: "ver", VersioningConfiguration: #{ Status: "Enabled", MFADelete: "Enabled" }, MFA: "arn:aws:iam::111122223333:mfa/root 123456" });
        let v = s3::put_object("ver", "k", "x").VersionId;"#;
    assert_eq!(s(&map(ok(&format!("{src} s3::get_bucket_versioning(#{{ Bucket: \"ver\" }})")))["MFADelete"]), "Enabled");
    assert_eq!(code(&format!("{src} s3::delete_object(#{{ Bucket: \"ver\", Key: \"k\", VersionId: v }})")).0, "AccessDenied");
    let _ = ok(&format!("{src} s3::delete_object(#{{ Bucket: \"ver\", Key: \"k\", VersionId: v, MFA: \"arn:aws:iam::111122223333:mfa/root 123456\" }})"));
}

const PUBLIC_READ: &str = r#"`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`"#;

#[test]
fn private_by_default_and_block_public_access() {
    // New buckets have every Block Public Access setting on: a public policy is refused.
    let (c, m) = code(&format!(r#"s3::create_bucket("site"); s3::put_bucket_policy("site", {PUBLIC_READ})"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("BlockPublicPolicy"), "{m}");
    // Anonymous requests fail on a private bucket.
    let r = map(ok(r#"s3::create_bucket("site"); s3::put_object("site", "index.html", "hi"); s3::request("GET", "https://site.s3.amazonaws.com/index.html")"#));
    assert_eq!(r["Status"].as_int().unwrap(), 403);
    assert_eq!(s(&r["ErrorCode"]), "AccessDenied");
    // With BPA off the public policy works for anonymous callers...
    let open = format!(
        r#"s3::create_bucket("site"); s3::put_object("site", "index.html", "hi");
        s3::put_public_access_block(#{{ Bucket: "site", PublicAccessBlockConfiguration: #{{}} }});
        s3::put_bucket_policy("site", {PUBLIC_READ});"#
    );
    let r = map(ok(&format!(r#"{open} s3::request("GET", "https://site.s3.amazonaws.com/index.html")"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 200);
    assert_eq!(r["Body"].clone().cast::<rhai::Blob>(), b"hi");
    assert!(ok(&format!(r#"{open} s3::get_bucket_policy_status(#{{ Bucket: "site" }}).PolicyStatus.IsPublic"#)).as_bool().unwrap());
    // ...until RestrictPublicBuckets (here at account level) restricts it to the owner account.
    let r = map(ok(&format!(
        r#"{open} s3::put_account_public_access_block(#{{ AccountId: "111122223333", PublicAccessBlockConfiguration: #{{ RestrictPublicBuckets: true }} }});
        s3::request("GET", "https://site.s3.amazonaws.com/index.html")"#
    )));
    assert_eq!(r["Status"].as_int().unwrap(), 403);
    // A resource policy cannot name a group.
    let (c, m) = code(
        r#"s3::create_bucket("site"); iam::create_group("devs");
        s3::put_bucket_policy("site", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/devs"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)"#,
    );
    assert_eq!((c.as_str(), m.as_str()), ("MalformedPolicy", "Invalid principal in policy"));
}

#[test]
fn bucket_policy_conditions_source_ip_and_secure_transport() {
    let setup = r#"s3::create_bucket("site"); s3::put_object("site", "f", "x");
        s3::put_public_access_block(#{ Bucket: "site", PublicAccessBlockConfiguration: #{} });
        s3::put_bucket_policy("site", `{"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}},
          {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::site/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`);"#;
    let st = |extra: &str| map(ok(&format!("{setup} {extra}")))["Status"].as_int().unwrap();
    assert_eq!(st(r#"s3::request(#{ Method: "GET", Url: "https://site.s3.amazonaws.com/f", SourceIp: "198.51.100.7" })"#), 200);
    assert_eq!(st(r#"s3::request(#{ Method: "GET", Url: "https://site.s3.amazonaws.com/f", SourceIp: "203.0.113.9" })"#), 403);
    assert_eq!(st(r#"s3::request(#{ Method: "GET", Url: "http://site.s3.amazonaws.com/f", SourceIp: "198.51.100.7" })"#), 403);
    // Limited to a CIDR: not public, so BlockPublicPolicy would have accepted it.
    assert!(!ok(&format!("{setup} s3::get_bucket_policy_status(#{{ Bucket: \"site\" }}).PolicyStatus.IsPublic")).as_bool().unwrap());
}

#[test]
fn acls_are_disabled_by_default_and_public_acls_obey_bpa() {
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "x", ACL: "public-read" })"#).0, "AccessControlListNotSupported");
    let setup = r#"s3::create_bucket("bkt");
        s3::put_bucket_ownership_controls(#{ Bucket: "bkt", OwnershipControls: #{ Rules: [#{ ObjectOwnership: "ObjectWriter" }] } });"#;
    // BlockPublicAcls (on by default) refuses a public ACL.
    assert_eq!(code(&format!(r#"{setup} s3::put_object(#{{ Bucket: "bkt", Key: "k", Body: "x", ACL: "public-read" }})"#)).0, "AccessDenied");
    let open = format!(
        r#"{setup} s3::put_public_access_block(#{{ Bucket: "bkt", PublicAccessBlockConfiguration: #{{}} }});
        s3::put_object(#{{ Bucket: "bkt", Key: "k", Body: "x", ACL: "public-read" }});"#
    );
    assert_eq!(map(ok(&format!(r#"{open} s3::request("GET", "https://bkt.s3.amazonaws.com/k")"#)))["Status"].as_int().unwrap(), 200);
    // IgnorePublicAcls: the ACL stays but no longer grants.
    let r = map(ok(&format!(
        r#"{open} s3::put_public_access_block(#{{ Bucket: "bkt", PublicAccessBlockConfiguration: #{{ IgnorePublicAcls: true }} }});
        s3::request("GET", "https://bkt.s3.amazonaws.com/k")"#
    )));
    assert_eq!(r["Status"].as_int().unwrap(), 403);
    let grants = ok(&format!(r#"{open} s3::get_object_acl(#{{ Bucket: "bkt", Key: "k" }}).Grants.len()"#));
    assert_eq!(grants.as_int().unwrap(), 2);
}

#[test]
fn sse_c_keeps_only_a_salted_hmac_of_the_key() {
    let setup = r#"s3::create_bucket("bkt"); let key = blob(32, 7);
        let p = s3::put_object(#{ Bucket: "bkt", Key: "secret", Body: "top secret payload", SSECustomerAlgorithm: "AES256", SSECustomerKey: key });"#;
    let r = map(ok(&format!("{setup} p")));
    // "The entity tag (ETag) in the response is not the MD5 hash of the object data."
    assert_ne!(s(&r["ETag"]), format!("\"{}\"", super::model::md5_hex(b"top secret payload")));
    assert_eq!(s(&r["SSECustomerAlgorithm"]), "AES256");
    assert!(!r.contains_key("ServerSideEncryption"));
    assert_eq!(code(&format!(r#"{setup} s3::get_object("bkt", "secret")"#)).0, "InvalidRequest");
    assert_eq!(code(&format!(r#"{setup} s3::get_object(#{{ Bucket: "bkt", Key: "secret", SSECustomerAlgorithm: "AES256", SSECustomerKey: blob(32, 8) }})"#)).0, "AccessDenied");
    let body = ok(&format!(r#"{setup} s3::get_object(#{{ Bucket: "bkt", Key: "secret", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }}).Body.as_string()"#));
    assert_eq!(s(&body), "top secret payload");
    // Neither the plaintext nor the key is in the saved world.
    let saved = s(&ok(&format!("{setup} world::save()")));
    use base64::Engine as _;
    assert!(!saved.contains("top secret payload"));
    assert!(!saved.contains(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])));
    // SSE-C needs HTTPS.
    let (c, _) = code(r#"s3::create_bucket("bkt"); as_principal(#{ SecureTransport: false }, || s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "x", SSECustomerAlgorithm: "AES256", SSECustomerKey: blob(32, 1) }))"#);
    assert_eq!(c, "InvalidRequest");
}

#[test]
fn bodies_are_encrypted_at_rest_and_worlds_round_trip() {
    let src = r#"s3::create_bucket("bkt"); s3::put_bucket_versioning("bkt", "Enabled");
        s3::put_object("bkt", "k", "plaintext-marker-123"); s3::put_object("bkt", "k", "second");
        s3::put_bucket_tagging(#{ Bucket: "bkt", Tagging: #{ TagSet: [#{ Key: "t", Value: "ver" }] } });
        s3::put_bucket_lifecycle_configuration(#{ Bucket: "bkt", LifecycleConfiguration: #{ Rules: [#{ Status: "Enabled", Expiration: #{ Days: 10 } }] } });
        let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "mp" }).UploadId;
        s3::upload_part(#{ Bucket: "bkt", Key: "mp", UploadId: id, PartNumber: 1, Body: "part" });
        let saved = world::save();
        world::reset();
        world::load(saved);
        let again = world::save();
        #{ same: saved == again, text: saved, body: s3::get_object(#{ Bucket: "bkt", Key: "k", VersionId: s3::list_object_versions("bkt").Versions[1].VersionId }).Body.as_string() }"#;
    let r = map(ok(src));
    assert!(r["same"].as_bool().unwrap(), "save -> load -> save must be identical");
    assert!(!s(&r["text"]).contains("plaintext-marker-123"));
    assert_eq!(s(&r["body"]), "plaintext-marker-123");
}

#[test]
fn presigned_urls_verify_signature_expiry_and_use_time_permissions() {
    let st = |extra: &str| {
        let r = map(ok(&format!("{ALICE} {extra}")));
        (r["Status"].as_int().unwrap(), r.get("ErrorCode").map(s).unwrap_or_default(), r.get("ErrorMessage").map(s).unwrap_or_default(), r)
    };
    let (status, _, _, r) = st(r#"s3::request("GET", url)"#);
    assert_eq!(status, 200);
    // The positional form signs the same URL.
    let same = ok(&format!(r#"{ALICE} url == as_principal("alice", || s3::generate_presigned_url("get_object", "media", "cat.jpg", 300))"#));
    assert!(same.as_bool().unwrap());
    assert_eq!(r["Body"].clone().cast::<rhai::Blob>(), b"meow");
    // Tampered: another key, same signature.
    let (status, c, _, _) = st(r#"let u = url; u.replace("cat.jpg", "dog.jpg"); s3::request("GET", u)"#);
    assert_eq!((status, c.as_str()), (403, "SignatureDoesNotMatch"));
    let (status, c, _, _) = st(r#"let u = url; let i = u.index_of("X-Amz-Signature=") + 16; let ch = u.sub_string(i, 1); u = u.sub_string(0, i) + (if ch == "a" { "bkt" } else { "a" }) + u.sub_string(i + 1); s3::request("GET", u)"#);
    assert_eq!((status, c.as_str()), (403, "SignatureDoesNotMatch"));
    // Valid through X-Amz-Date + X-Amz-Expires; one second later "Request has expired".
    let (status, _, _, _) = st(r#"clock::advance("300s"); s3::request("GET", url)"#);
    assert_eq!(status, 200);
    let (status, c, m, r) = st(r#"clock::advance("301s"); s3::request("GET", url)"#);
    assert_eq!((status, c.as_str(), m.as_str()), (403, "AccessDenied", "Request has expired"));
    let xml = String::from_utf8(r["Body"].clone().cast::<rhai::Blob>()).unwrap();
    assert!(xml.contains("<X-Amz-Expires>300</X-Amz-Expires><Expires>2026-01-01T00:05:00Z</Expires><ServerTime>2026-01-01T00:05:01Z</ServerTime>"), "{xml}");
    // Permissions are checked when the URL is used: revoke, and the old URL fails.
    let (status, c, _, _) = st(r#"iam::delete_user_policy(#{ UserName: "alice", PolicyName: "read" }); s3::request("GET", url)"#);
    assert_eq!((status, c.as_str()), (403, "AccessDenied"));
    // A deactivated key fails too.
    let (status, c, _, _) = st(r#"iam::update_access_key(#{ UserName: "alice", AccessKeyId: key.AccessKeyId, Status: "Inactive" }); s3::request("GET", url)"#);
    assert_eq!((status, c.as_str()), (403, "InvalidAccessKeyId"));
    // More than seven days is refused at use.
    let (status, c, m, _) = st(r#"let u = as_principal("alice", || s3::generate_presigned_url(#{ ClientMethod: "get_object", Params: #{ Bucket: "media", Key: "cat.jpg" }, ExpiresIn: 604801 })); s3::request("GET", u)"#);
    assert_eq!((status, c.as_str()), (400, "AuthorizationQueryParametersError"), "{m}");
    // A presigned PUT stores what is sent.
    let (status, _, _, _) = st(r#"iam::put_user_policy(#{ UserName: "alice", PolicyName: "w", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::media/*"}]}` });
        let u = as_principal("alice", || s3::generate_presigned_url(#{ ClientMethod: "put_object", Params: #{ Bucket: "media", Key: "new.txt" } }));
        s3::request("PUT", u, "uploaded")"#);
    assert_eq!(status, 200);
    // Every request is in the trail as a data event by the signer.
    let ev = map(ok(&format!(r#"{ALICE} s3::request("GET", url); world::trail().filter(|e| e.eventName == "GetObject")[-1]"#)));
    assert_eq!(s(&ev["eventCategory"]), "Data");
    assert_eq!(s(&map(ev["userIdentity"].clone())["userName"]), "alice");
}

#[test]
fn presigned_urls_from_role_sessions_expire_with_the_session() {
    // "If you created a presigned URL using a temporary credential, the URL expires when the
    // credential expires, even if the URL was created with a later expiration time."
    let src = format!(
        r#"{ALICE}
        let trust = `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"sts:AssumeRole"}}]}}`;
        let role = iam::create_role("reader", trust).Role.Arn;
        iam::put_role_policy(#{{ RoleName: "reader", PolicyName: "r", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}}]}}` }});
        let sess = iam::assume_role(#{{ RoleArn: role, RoleSessionName: "demo", DurationSeconds: 900 }});
        let u = as_principal(sess, || s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "media", Key: "cat.jpg" }}, ExpiresIn: 3600 }}));
        let before = s3::request("GET", u);
        clock::advance("901s");
        let after = s3::request("GET", u);
        #{{ u: u, before: before.Status, after: after.Status, code: after.ErrorCode }}"#
    );
    let r = map(ok(&src));
    assert!(s(&r["u"]).contains("X-Amz-Security-Token="));
    assert_eq!(r["before"].as_int().unwrap(), 200);
    assert_eq!((r["after"].as_int().unwrap(), s(&r["code"]).as_str()), (400, "ExpiredToken"));
}

#[test]
fn archived_objects_need_a_restore_that_takes_tier_time() {
    let setup = r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "old", Body: "archived", StorageClass: "GLACIER" });"#;
    assert_eq!(code(&format!(r#"{setup} s3::get_object("bkt", "old")"#)).0, "InvalidObjectState");
    let r = map(ok(&format!(
        r#"{setup}
        let first = s3::restore_object(#{{ Bucket: "bkt", Key: "old", RestoreRequest: #{{ Days: 1, GlacierJobParameters: #{{ Tier: "Bulk" }} }} }});
        let again = ""; try {{ s3::restore_object(#{{ Bucket: "bkt", Key: "old", RestoreRequest: #{{ Days: 1 }} }}); }} catch (e) {{ again = e.Code; }}
        clock::advance("11h");
        let early = ""; try {{ s3::get_object("bkt", "old"); }} catch (e) {{ early = e.Code; }}
        let ongoing = s3::head_object("bkt", "old").Restore;
        clock::advance("1h");
        let body = s3::get_object("bkt", "old").Body.as_string();
        let restore = s3::head_object("bkt", "old").Restore;
        clock::advance("2d");
        let gone = ""; try {{ s3::get_object("bkt", "old"); }} catch (e) {{ gone = e.Code; }}
        #{{ status: first.ResponseMetadata.HTTPStatusCode, again: again, early: early, ongoing: ongoing, body: body, restore: restore, gone: gone }}"#
    )));
    assert_eq!(r["status"].as_int().unwrap(), 202);
    assert_eq!(s(&r["again"]), "RestoreAlreadyInProgress");
    assert_eq!(s(&r["early"]), "InvalidObjectState");
    assert_eq!(s(&r["ongoing"]), "ongoing-request=\"true\"");
    assert_eq!(s(&r["body"]), "archived");
    // Bulk = 12 h (done 12:00 on Jan 1); + 1 day = Jan 2 12:00, rounded up to midnight UTC.
    assert_eq!(s(&r["restore"]), "ongoing-request=\"false\", expiry-date=\"Sat, 03 Jan 2026 00:00:00 GMT\"");
    assert_eq!(s(&r["gone"]), "InvalidObjectState");
    assert_eq!(code(&format!(r#"{setup} s3::put_object("bkt", "hot", "x"); s3::restore_object(#{{ Bucket: "bkt", Key: "hot", RestoreRequest: #{{ Days: 1 }} }})"#)).0, "InvalidObjectState");
}

#[test]
fn lifecycle_runs_on_the_clock() {
    let r = map(ok(r#"s3::create_bucket("logs");
        s3::put_object(#{ Bucket: "logs", Key: "logs/big", ContentLength: 1048576 });
        s3::put_object(#{ Bucket: "logs", Key: "logs/small", Body: "tiny" });
        s3::put_object(#{ Bucket: "logs", Key: "keep/big", ContentLength: 1048576 });
        s3::put_bucket_lifecycle_configuration(#{ Bucket: "logs", LifecycleConfiguration: #{ Rules: [#{ ID: "age-out", Status: "Enabled", Filter: #{ Prefix: "logs/" },
            Transitions: [#{ Days: 30, StorageClass: "STANDARD_IA" }, #{ Days: 90, StorageClass: "GLACIER" }], Expiration: #{ Days: 365 } }] } });
        clock::advance("29d");
        let d29 = s3::head_object("logs", "logs/big").StorageClass;
        clock::advance("2d");
        let d31 = s3::head_object("logs", "logs/big").StorageClass;
        let small = s3::head_object("logs", "logs/small").StorageClass;
        clock::advance("60d");
        let d91 = s3::head_object("logs", "logs/big").StorageClass;
        clock::advance("300d");
        let left = s3::list_objects_v2("logs").Contents.map(|o| o.Key);
        let ev = s3::lifecycle_events("logs");
        #{ d29: d29, d31: d31, small: small, d91: d91, left: left, actions: ev.map(|e| e.Action + ":" + e.Key), first: ev[0].Time }"#));
    assert!(r["d29"].is_unit(), "STANDARD is not reported");
    assert_eq!(s(&r["d31"]), "STANDARD_IA");
    // Objects under 128 KB are not transitioned by default.
    assert!(r["small"].is_unit());
    assert_eq!(s(&r["d91"]), "GLACIER");
    let left: Vec<String> = r["left"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(left, ["keep/big"]);
    let actions: Vec<String> = r["actions"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(actions, ["Transition:logs/big", "Transition:logs/big", "Expire:logs/big", "Expire:logs/small"]);
    // Created 2026-01-01 00:00 + 30 days = Jan 31 00:00 (already midnight).
    assert_eq!(s(&r["first"]), "2026-01-31T00:00:00Z");
    let (c, m) = code(r#"s3::create_bucket("lcy"); s3::put_bucket_lifecycle_configuration(#{ Bucket: "lcy", LifecycleConfiguration: #{ Rules: [#{ Status: "Enabled", Transitions: [#{ Days: 7, StorageClass: "ONEZONE_IA" }] }] } })"#);
    assert_eq!((c.as_str(), m.as_str()), ("InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass 'ONEZONE_IA'"));
}

#[test]
fn lifecycle_on_versioned_buckets() {
    // Expiration of a current version in a versioned bucket adds a delete marker;
    // NoncurrentVersionExpiration removes versions for good.
    let r = map(ok(r#"s3::create_bucket("ver"); s3::put_bucket_versioning("ver", "Enabled");
        s3::put_object("ver", "k", "one"); s3::put_object("ver", "k", "two");
        s3::put_bucket_lifecycle_configuration(#{ Bucket: "ver", LifecycleConfiguration: #{ Rules: [#{ ID: "r", Status: "Enabled",
            Expiration: #{ Days: 10 }, NoncurrentVersionExpiration: #{ NoncurrentDays: 5 } }] } });
        clock::advance("6d");
        let after6 = s3::list_object_versions("ver");
        clock::advance("5d");
        let after11 = s3::list_object_versions("ver");
        #{ v6: after6.Versions.len(), m6: (after6.DeleteMarkers ?? []).len(), v11: after11.Versions.len(), m11: after11.DeleteMarkers.len() }"#));
    assert_eq!((r["v6"].as_int().unwrap(), r["m6"].as_int().unwrap()), (1, 0));
    assert_eq!((r["v11"].as_int().unwrap(), r["m11"].as_int().unwrap()), (1, 1));
}

#[test]
fn multipart_limits_and_etag() {
    let setup = r#"s3::create_bucket("bkt"); let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "big" }).UploadId;
        let e1 = s3::upload_part(#{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: 1, Body: blob(5 * 1024 * 1024, 97) }).ETag;
        let e2 = s3::upload_part(#{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: 2, Body: "hello world" }).ETag;"#;
    // aws-facts §5.6: 5 MiB of 'a' + "hello world" -> "4ba54d90a25d93d94b7b41c987352341-2".
    let r = map(ok(&format!(
        r#"{setup} let c = s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 1, ETag: e1 }}, #{{ PartNumber: 2, ETag: e2 }}] }} }});
        #{{ etag: c.ETag, len: s3::get_object("bkt", "big").Body.len(), parts: s3::head_object("bkt", "big").PartsCount }}"#
    )));
    assert_eq!(s(&r["etag"]), "\"4ba54d90a25d93d94b7b41c987352341-2\"");
    assert_eq!(r["len"].as_int().unwrap(), 5 * 1024 * 1024 + 11);
    assert_eq!(r["parts"].as_int().unwrap(), 2);
    assert_eq!(code(&format!(r#"{setup} s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 2, ETag: e2 }}, #{{ PartNumber: 1, ETag: e1 }}] }} }})"#)).0, "InvalidPartOrder");
    assert_eq!(code(&format!(r#"{setup} s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 1, ETag: e2 }}] }} }})"#)).0, "InvalidPart");
    assert_eq!(code(&format!(r#"{setup} s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 2, ETag: e2 }}, #{{ PartNumber: 3, ETag: s3::upload_part(#{{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: 3, Body: "x" }}).ETag }}] }} }})"#)).0, "EntityTooSmall");
    assert_eq!(code(&format!(r#"{setup} s3::upload_part(#{{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: 10001, Body: "x" }})"#)).0, "InvalidArgument");
    assert_eq!(code(&format!(r#"{setup} s3::upload_part(#{{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: 3, ContentLength: 5 * 1024 * 1024 * 1024 + 1 }})"#)).0, "EntityTooLarge");
    assert_eq!(code(&format!(r#"{setup} s3::abort_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id }}); s3::list_parts(#{{ Bucket: "bkt", Key: "big", UploadId: id }})"#)).0, "NoSuchUpload");
    // 5 TiB: 1,024 parts of 5 GiB reach it exactly; one more part exceeds it.
    let big = r#"s3::create_bucket("bkt"); let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "huge" }).UploadId;
        let parts = [];
        for n in 1..=1025 { parts.push(#{ PartNumber: n, ETag: s3::upload_part(#{ Bucket: "bkt", Key: "huge", UploadId: id, PartNumber: n, ContentLength: 5 * 1024 * 1024 * 1024 }).ETag }); }"#;
    assert_eq!(code(&format!(r#"{big} s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "huge", UploadId: id, MultipartUpload: #{{ Parts: parts }} }})"#)).0, "EntityTooLarge");
    let ok_size = ok(&format!(
        r#"{big} parts.pop(); s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "huge", UploadId: id, MultipartUpload: #{{ Parts: parts }} }}); s3::head_object("bkt", "huge").ContentLength"#
    ));
    assert_eq!(ok_size.as_int().unwrap(), 5 * 1024 * 1024 * 1024 * 1024);
}

#[test]
fn object_calls_are_data_events_and_denials_are_audited() {
    let r = map(ok(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "k", "ver");
        let denied = ""; try { as_principal("anonymous", || s3::get_object("bkt", "k")); } catch (e) { denied = e.Code; }
        let t = world::trail();
        #{ create: t[0].eventCategory, put: t[1].eventCategory, put_res: t[1].resources.len(), denied: denied, last: t[-1].errorCode, n: t.len() }"#));
    assert_eq!(s(&r["create"]), "Management");
    assert_eq!(s(&r["put"]), "Data");
    assert_eq!(r["put_res"].as_int().unwrap(), 2);
    assert_eq!(s(&r["denied"]), "AccessDenied");
    assert_eq!(s(&r["last"]), "AccessDenied");
    assert_eq!(r["n"].as_int().unwrap(), 3);
}

#[test]
fn unknown_parameters_and_bad_values_are_errors_not_panics() {
    assert_eq!(code(r#"s3::create_bucket(#{ Bucket: "bkt", Bogus: 1 })"#).0, "InvalidArgument");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "k", StorageClass: "COLD" })"#).0, "InvalidStorageClass");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::put_object(#{ Bucket: "bkt", Key: "k", Tagging: "a=1&a=2" })"#).0, "InvalidTag");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::get_object(#{ Bucket: "bkt", Key: "k", VersionId: "bad!" })"#).0, "InvalidArgument");
    let r = map(ok(r#"s3::request("GET", "not a url")"#));
    assert_eq!(r["Status"].as_int().unwrap(), 400);
    let costs = ok(r#"s3::compare_storage_classes(#{ Objects: 1000, ObjectSize: 1048576, Days: 365, GetsPerMonth: 100 })"#).into_array().unwrap();
    assert_eq!(costs.len(), 8);
}

#[test]
fn the_documented_presigned_url_from_a_cell() {
    // S3 API Reference, "Authenticating Requests: Using Query Parameters" example.
    let url = ok(r#"clock::set("2013-05-24T00:00:00Z");
        s3::generate_presigned_url(#{ ClientMethod: "get_object", Params: #{ Bucket: "examplebucket", Key: "test.txt" }, ExpiresIn: 86400,
            Credentials: #{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } })"#);
    assert_eq!(
        s(&url),
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
    // Keys unknown to this world's IAM: InvalidAccessKeyId, recorded in the trail.
    let r = map(ok(&format!(r#"s3::create_bucket("examplebucket"); clock::set("2013-05-24T00:00:00Z"); let r = s3::request("GET", "{}"); #{{ code: r.ErrorCode, trail: world::trail()[-1].errorCode }}"#, s(&url))));
    assert_eq!(s(&r["code"]), "InvalidAccessKeyId");
    assert_eq!(s(&r["trail"]), "InvalidAccessKeyId");
    // Root has no access keys to sign with unless given.
    assert_eq!(code(r#"s3::generate_presigned_url(#{ ClientMethod: "get_object", Params: #{ Bucket: "bkt", Key: "k" } })"#).0, "InvalidArgument");
}

/// A presigned URL's `Params` are read as typed fields: unknown or missing ones are named,
/// listing parameters go into the signed query.
#[test]
fn presign_params_are_checked_from_a_cell() {
    let creds = r#"Credentials: #{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }"#;
    let (c, m) = code(&format!(r#"s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Key: "k" }}, {creds} }})"#));
    assert_eq!(c, "InvalidArgument");
    assert!(m.contains("`Params`: missing required parameter `Bucket`"), "{m}");
    let (c, m) = code(&format!(r#"s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "b", Key: "k", ACL: "public-read" }}, {creds} }})"#));
    assert_eq!(c, "InvalidArgument");
    assert!(m.contains("`Params`: unknown parameter `ACL`, valid parameters are `Bucket`, `Key`"), "{m}");
    let (c, m) = code(&format!(r#"s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "b", Key: 7 }}, {creds} }})"#));
    assert_eq!(c, "InvalidArgument");
    assert!(m.contains("Params.Key"), "{m}");
    let url = s(&ok(&format!(
        r#"clock::set("2013-05-24T00:00:00Z"); s3::generate_presigned_url(#{{ ClientMethod: "list_objects_v2", Params: #{{ Bucket: "examplebucket", Prefix: "logs/", MaxKeys: 10 }}, ExpiresIn: 60, {creds} }})"#
    )));
    assert!(
        url.starts_with("https://examplebucket.s3.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&list-type=2&max-keys=10&prefix=logs%2F&X-Amz-Signature="),
        "{url}"
    );
    // What is signed is what the HTTP side verifies: escaped keys, listing parameters.
    let r = ok(&format!(
        r#"{ALICE} s3::put_object("media", "a b/ü~x.txt", "hi");
        iam::put_user_policy(#{{ UserName: "alice", PolicyName: "list", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::media"}}]}}` }});
        let g = as_principal("alice", || s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "media", Key: "a b/ü~x.txt" }} }}));
        let l = as_principal("alice", || s3::generate_presigned_url(#{{ ClientMethod: "list_objects_v2", Params: #{{ Bucket: "media", Prefix: "a b/", MaxKeys: 5 }} }}));
        let get = s3::request("GET", g);
        let list = s3::request("GET", l);
        [get.Status, get.Body.as_string(), list.Status, list.Body.as_string().contains("<Key>a b/ü~x.txt</Key>"), g.contains("/a%20b/%C3%BC~x.txt?")]"#
    ))
    .into_array()
    .unwrap();
    assert_eq!(r.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["200", "hi", "200", "true", "true"]);
}

/// `aws:PrincipalOrgID` follows the organization as it is now: a caller whose account joins
/// one is seen as a member on its next call, at the same simulated instant.
#[test]
fn principal_org_id_follows_the_organization_at_one_instant() {
    let r = ok(r#"
        s3::create_bucket("shared"); s3::put_object("shared", "k", "v");
        s3::put_bucket_policy("shared", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*","Condition":{"Null":{"aws:PrincipalOrgID":"true"}}}]}`);
        let get = || { let code = "allowed"; try { s3::get_object("shared", "k"); } catch (e) { code = e.Code; } code };
        let before = get.call();
        organizations::create_organization();
        [before, get.call()]"#)
    .into_array()
    .unwrap();
    assert_eq!(r.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["AccessDenied", "allowed"]);
}

#[test]
fn presigned_urls_are_not_valid_before_their_date() {
    let r = map(ok(&format!(r#"{ALICE} clock::set("2025-12-31T23:00:00Z"); s3::request("GET", url)"#)));
    assert_eq!(s(&r["ErrorMessage"]), "Request is not yet valid");
    let r = map(ok(&format!(r#"{ALICE} let u = url; u.replace("https://media.s3.amazonaws.com/", "https://s3.amazonaws.com/media/"); s3::request("GET", u)"#)));
    assert_eq!(s(&r["ErrorCode"]), "SignatureDoesNotMatch", "the host is signed: path style is a different request");
}

/// Runs every code cell of a notebook in one session (one scope, like the kernel) and
/// returns each cell's value as text.
fn run_notebook(name: &str) -> Vec<String> {
    let path = format!("{}/../notebooks/{name}.ipynb", env!("CARGO_MANIFEST_DIR"));
    let nb: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("notebook exists")).expect("notebook is JSON");
    let (engine, _) = crate::script::engine();
    let mut scope = rhai::Scope::new();
    let mut outs = Vec::new();
    for cell in nb["cells"].as_array().expect("cells").iter().filter(|c| c["cell_type"] == "code") {
        let src: String = cell["source"].as_array().expect("source").iter().map(|l| l.as_str().unwrap_or_default()).collect();
        let v = engine.eval_with_scope::<Dynamic>(&mut scope, &src).unwrap_or_else(|e| panic!("{name}: cell failed: {e}\n{src}"));
        outs.push(v.to_string());
    }
    outs
}

#[test]
fn notebooks_run_clean() {
    let p = run_notebook("s3-presigned-url-expiry");
    assert_eq!(p[2], "true", "the documented signature");
    assert!(p.iter().any(|o| o.contains("Request has expired")));
    let v = run_notebook("s3-versioning");
    assert!(v.iter().any(|o| o.contains("NoSuchKey")));
    let c = run_notebook("s3-storage-classes-lifecycle");
    assert!(c.iter().any(|o| o.contains("GLACIER")));
    let e = run_notebook("s3-encryption");
    assert!(e.iter().any(|o| o.contains("KMS.DisabledException")));
    assert!(e.iter().any(|o| o.contains("plaintext_in_save: false") || o.contains("\"plaintext_in_save\": false")), "{e:?}");
}

#[test]
fn lifecycle_noncurrent_transitions_markers_and_uploads() {
    // NoncurrentVersionTransitions keep the newest N noncurrent versions where they are;
    // ExpiredObjectDeleteMarker removes a marker left alone; AbortIncompleteMultipartUpload
    // cleans up uploads.
    let r = map(ok(r#"s3::create_bucket("ver"); s3::put_bucket_versioning("ver", "Enabled");
        for i in 0..4 { s3::put_object(#{ Bucket: "ver", Key: "doc", ContentLength: 200000 }); }
        s3::put_object("ver", "gone", "x");
        let v = s3::list_object_versions("ver").Versions.filter(|x| x.Key == "gone")[0].VersionId;
        s3::delete_object("ver", "gone");
        s3::delete_object(#{ Bucket: "ver", Key: "gone", VersionId: v });
        s3::create_multipart_upload(#{ Bucket: "ver", Key: "stale" });
        s3::put_bucket_lifecycle_configuration(#{ Bucket: "ver", LifecycleConfiguration: #{ Rules: [#{ ID: "nc", Status: "Enabled",
            NoncurrentVersionTransitions: [#{ NoncurrentDays: 30, StorageClass: "GLACIER", NewerNoncurrentVersions: 1 }],
            Expiration: #{ ExpiredObjectDeleteMarker: true },
            AbortIncompleteMultipartUpload: #{ DaysAfterInitiation: 7 } }] } });
        clock::advance("8d");
        let uploads = (s3::list_multipart_uploads(#{ Bucket: "ver" }).Uploads ?? []).len();
        let markers = (s3::list_object_versions("ver").DeleteMarkers ?? []).len();
        clock::advance("30d");
        let classes = s3::list_object_versions("ver").Versions.filter(|x| x.Key == "doc").map(|x| x.StorageClass);
        #{ uploads: uploads, markers: markers, classes: classes }"#));
    assert_eq!(r["uploads"].as_int().unwrap(), 0);
    assert_eq!(r["markers"].as_int().unwrap(), 0);
    let classes: Vec<String> = r["classes"].clone().into_array().unwrap().iter().map(s).collect();
    // Newest first: current, newest noncurrent (kept), two older noncurrent (moved).
    assert_eq!(classes, ["STANDARD", "STANDARD", "GLACIER", "GLACIER"]);
}

#[test]
fn cross_account_access_needs_the_bucket_policy() {
    let setup = r#"s3::create_bucket("shared-data"); s3::put_object("shared-data", "f", "x");
        organizations::create_organization();
        let other = organizations::create_account(#{ AccountName: "partner", Email: "p@example.com" }).CreateAccountStatus.AccountId;"#;
    assert_eq!(code(&format!(r#"{setup} as_principal(other, || s3::get_object("shared-data", "f"))"#)).0, "AccessDenied");
    let body = ok(&format!(
        r#"{setup} s3::put_bucket_policy("shared-data", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::${{other}}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}}]}}`);
        as_principal(other, || s3::get_object("shared-data", "f")).Body.as_string()"#
    ));
    assert_eq!(s(&body), "x");
}

#[test]
fn delete_objects_reports_per_key() {
    let r = map(ok(r#"s3::create_bucket("bkt"); s3::put_bucket_versioning("bkt", "Enabled");
        s3::put_object("bkt", "a", "1"); s3::put_object("bkt", "b", "2");
        s3::delete_objects(#{ Bucket: "bkt", Delete: #{ Objects: [#{ Key: "a" }, #{ Key: "b" }, #{ Key: "c", VersionId: "bad!" }] } })"#));
    let deleted = r["Deleted"].clone().into_array().unwrap();
    assert_eq!(deleted.len(), 2);
    assert!(map(deleted[0].clone())["DeleteMarker"].as_bool().unwrap());
    let errors = r["Errors"].clone().into_array().unwrap();
    assert_eq!(s(&map(errors[0].clone())["Code"]), "InvalidArgument");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::delete_objects(#{ Bucket: "bkt", Delete: #{ Objects: [] } })"#).0, "MalformedXML");
}

#[test]
fn presigned_urls_in_every_addressing_style_work() {
    for opts in [r#"AddressingStyle: "path""#, r#"Endpoint: "s3.us-east-1.amazonaws.com""#, r#"AddressingStyle: "path", Endpoint: "s3.us-east-1.amazonaws.com""#] {
        let r = map(ok(&format!(
            r#"{ALICE} let u = as_principal("alice", || s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "media", Key: "cat.jpg" }}, {opts} }}));
            let r = s3::request("GET", u); #{{ status: r.Status, url: u }}"#
        )));
        assert_eq!(r["status"].as_int().unwrap(), 200, "{}", s(&r["url"]));
    }
    // Signed for the wrong region: S3 names the region it expected.
    let r = map(ok(&format!(r#"{ALICE} let u = as_principal("alice", || s3::generate_presigned_url(#{{ ClientMethod: "get_object", Params: #{{ Bucket: "media", Key: "cat.jpg" }}, Region: "eu-west-1" }})); s3::request("GET", u)"#)));
    assert_eq!(s(&r["ErrorCode"]), "AuthorizationQueryParametersError");
    assert!(s(&r["ErrorMessage"]).contains("expecting 'us-east-1'"));
}

/// A customer managed key with an alias, and a bucket whose default is SSE-KMS with it.
const KMS_BUCKET: &str = r#"
    let key = kms::create_key("s3 data").KeyMetadata;
    kms::create_alias("alias/data", key.KeyId);
    s3::create_bucket("secure");
    s3::put_bucket_encryption(#{ Bucket: "secure", ServerSideEncryptionConfiguration: #{ Rules: [#{
        ApplyServerSideEncryptionByDefault: #{ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/data" } }] } });
"#;

#[test]
fn sse_kms_really_calls_kms() {
    let r = map(ok(&format!(
        r#"{KMS_BUCKET}
        let p = s3::put_object("secure", "card.txt", "4111 1111 1111 1111");
        let body = s3::get_object("secure", "card.txt").Body.as_string();
        let kms_events = world::trail().filter(|e| e.eventSource == "kms.amazonaws.com").map(|e| e.eventName + "/" + (e.userIdentity.invokedBy ?? ""));
        #{{ p: p, body: body, kms: kms_events, arn: key.Arn, saved: world::save() }}"#
    )));
    let p = map(r["p"].clone());
    assert_eq!(s(&p["ServerSideEncryption"]), "aws:kms");
    assert_eq!(s(&p["SSEKMSKeyId"]), s(&r["arn"]));
    // "SSE-C or SSE-KMS => ETag that is not an MD5 digest".
    assert_ne!(s(&p["ETag"]), format!("\"{}\"", super::model::md5_hex(b"4111 1111 1111 1111")));
    assert_eq!(s(&r["body"]), "4111 1111 1111 1111");
    let kms: Vec<String> = r["kms"].clone().into_array().unwrap().iter().map(s).collect();
    assert!(kms.contains(&"GenerateDataKey/s3.amazonaws.com".to_string()), "{kms:?}");
    assert!(kms.contains(&"Decrypt/s3.amazonaws.com".to_string()), "{kms:?}");
    assert!(!s(&r["saved"]).contains("4111 1111"));
}

#[test]
fn a_disabled_key_makes_get_fail_with_the_kms_error() {
    let (c, m) = code(&format!(r#"{KMS_BUCKET} s3::put_object("secure", "k", "v"); kms::disable_key(key.KeyId); s3::get_object("secure", "k")"#));
    assert_eq!(c, "KMS.DisabledException", "{m}");
    // Writes fail too: no data key can be generated.
    assert_eq!(code(&format!(r#"{KMS_BUCKET} kms::disable_key(key.KeyId); s3::put_object("secure", "k", "v")"#)).0, "KMS.DisabledException");
}

#[test]
fn sse_kms_needs_kms_permissions_too() {
    // alice may read the object in S3 but has no kms:Decrypt: the read fails.
    let src = format!(
        r#"{KMS_BUCKET} s3::put_object("secure", "k", "v");
        iam::create_user("alice");
        iam::put_user_policy(#{{ UserName: "alice", PolicyName: "s3", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::secure/*"}}]}}` }});"#
    );
    let (c, m) = code(&format!(r#"{src} as_principal("alice", || s3::get_object("secure", "k"))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("kms:Decrypt"), "{m}");
    let body = ok(&format!(
        r#"{src} iam::put_user_policy(#{{ UserName: "alice", PolicyName: "kms", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}]}}` }});
        as_principal("alice", || s3::get_object("secure", "k")).Body.as_string()"#
    ));
    assert_eq!(s(&body), "v");
}

/// [BOTO-MODEL] UploadPart/CreateMultipartUpload: "The requester must also have permissions for
/// the kms:GenerateDataKey action for the CreateMultipartUpload API. Then, the requester needs
/// permissions for the kms:Decrypt action on the UploadPart and UploadPartCopy APIs";
/// `CreateMultipartUploadOutput`/`UploadPartOutput` carry `ServerSideEncryption` and
/// `SSEKMSKeyId`. CompleteMultipartUpload needs kms:Decrypt only with additional checksums
/// (not modelled), so it makes no KMS call.
#[test]
fn multipart_sse_kms_calls_kms_at_create_and_each_part() {
    let r = map(ok(&format!(
        r#"{KMS_BUCKET}
        let start = world::trail().len();
        let up = s3::create_multipart_upload(#{{ Bucket: "secure", Key: "big" }});
        let p1 = s3::upload_part(#{{ Bucket: "secure", Key: "big", UploadId: up.UploadId, PartNumber: 1, Body: blob(5 * 1024 * 1024, 97) }});
        let p2 = s3::upload_part(#{{ Bucket: "secure", Key: "big", UploadId: up.UploadId, PartNumber: 2, Body: "secret-tail" }});
        let before_complete = world::trail().len();
        s3::complete_multipart_upload(#{{ Bucket: "secure", Key: "big", UploadId: up.UploadId, MultipartUpload: #{{ Parts: [#{{ PartNumber: 1, ETag: p1.ETag }}, #{{ PartNumber: 2, ETag: p2.ETag }}] }} }});
        fn kms_calls(from, to) {{ world::trail().extract(from, to - from).filter(|e| e.eventSource == "kms.amazonaws.com").map(|e| e.eventName) }}
        #{{ up: up, part: p1, arn: key.Arn, before: kms_calls(start, before_complete), during: kms_calls(before_complete, world::trail().len()),
            body: s3::get_object("secure", "big").Body, saved: world::save() }}"#
    )));
    let (up, part) = (map(r["up"].clone()), map(r["part"].clone()));
    for m in [&up, &part] {
        assert_eq!((s(&m["ServerSideEncryption"]), s(&m["SSEKMSKeyId"])), ("aws:kms".into(), s(&r["arn"])));
    }
    assert_eq!(r["before"].to_string(), r#"["GenerateDataKey", "Decrypt", "Decrypt"]"#);
    assert_eq!(r["during"].to_string(), "[]", "completion makes no KMS call");
    let body = r["body"].clone().cast::<rhai::Blob>();
    assert_eq!((body.len(), &body[5 * 1024 * 1024..]), (5 * 1024 * 1024 + 11, &b"secret-tail"[..]));
    assert!(!s(&r["saved"]).contains("secret-tail"), "parts and object are stored encrypted");
    // kms:GenerateDataKey alone starts an upload; its parts then need kms:Decrypt.
    let setup = format!(
        r#"{KMS_BUCKET} iam::create_user("bob");
        iam::put_user_policy(#{{ UserName: "bob", PolicyName: "p", PolicyDocument: `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:PutObject","kms:GenerateDataKey"],"Resource":"*"}}]}}` }});
        let id = as_principal("bob", || s3::create_multipart_upload(#{{ Bucket: "secure", Key: "big" }}).UploadId);"#
    );
    let (c, m) = code(&format!(r#"{setup} as_principal("bob", || s3::upload_part(#{{ Bucket: "secure", Key: "big", UploadId: id, PartNumber: 1, Body: "x" }}))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("kms:Decrypt"), "{m}");
    // A disabled key stops the upload at its start.
    assert_eq!(code(&format!(r#"{KMS_BUCKET} kms::disable_key(key.KeyId); s3::create_multipart_upload(#{{ Bucket: "secure", Key: "big" }})"#)).0, "KMS.DisabledException");
}

/// "Starting on April 6, 2026 ... SSE-C will be disabled by default on all new S3 general purpose
/// buckets" (AWS Storage Blog, 19 Nov 2025); "When SSE-C is blocked for a bucket, any PutObject,
/// CopyObject, PostObject, Multipart Upload, or replication request that specifies SSE-C
/// encryption will be rejected with an HTTP 403 AccessDenied error", with the message of the
/// User Guide's "Access denied due to Blocked Encryption Type"; "you can still read them with
/// GetObject or HeadObject"; the setting is `ServerSideEncryptionRule.BlockedEncryptionTypes`
/// ([BOTO-MODEL]).
#[test]
fn new_buckets_block_sse_c_from_april_2026() {
    let ssec = r#"let key = blob(32, 7);
        fn put_c(b, key) { s3::put_object(#{ Bucket: b, Key: "k", Body: "x", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }) }
        fn blocked(b) { s3::get_bucket_encryption(#{ Bucket: b }).ServerSideEncryptionConfiguration.Rules[0].BlockedEncryptionTypes }"#;
    // Before the change: no setting, SSE-C accepted.
    let r = map(ok(&format!(r#"{ssec} s3::create_bucket("old-bkt"); #{{ b: blocked("old-bkt"), etag: put_c("old-bkt", key).ETag }}"#)));
    assert!(r["b"].is_unit());
    // From April 6, 2026: blocked, with AWS's message; other encryption still works.
    let after = format!(r#"{ssec} clock::set("2026-04-06T00:00:00Z"); s3::create_bucket("new-bkt");"#);
    assert_eq!(ok(&format!(r#"{after} blocked("new-bkt")"#)).to_string(), r#"#{"EncryptionType": ["SSE-C"]}"#);
    let (c, m) = code(&format!(r#"{after} put_c("new-bkt", key)"#));
    assert_eq!(
        (c.as_str(), m.as_str()),
        ("AccessDenied", "User: arn:aws:iam::111122223333:root is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::new-bkt/k\" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type")
    );
    assert!(ok(&format!(r#"{after} s3::put_object("new-bkt", "plain", "x").ETag"#)).is_string());
    let (c, m) = code(&format!(r#"{after} s3::put_object("new-bkt", "src", "x"); s3::copy_object(#{{ CopySource: "new-bkt/src", Bucket: "new-bkt", Key: "k", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }})"#));
    assert!(c == "AccessDenied" && m.contains("s3:CopyObject"), "{c}: {m}");
    // Unblocking with NONE; a rule without the element keeps the setting; a later block leaves
    // existing SSE-C objects readable with their key.
    let rule = |extra: &str| format!(r#"s3::put_bucket_encryption(#{{ Bucket: "new-bkt", ServerSideEncryptionConfiguration: #{{ Rules: [#{{ ApplyServerSideEncryptionByDefault: #{{ SSEAlgorithm: "AES256" }} {extra} }}] }} }});"#);
    let (none, sse_c, plain) = (rule(r#", BlockedEncryptionTypes: #{ EncryptionType: ["NONE"] }"#), rule(r#", BlockedEncryptionTypes: #{ EncryptionType: ["SSE-C"] }"#), rule(""));
    let r = ok(&format!(
        r#"{after} {none} {plain} put_c("new-bkt", key); let b = blocked("new-bkt"); {sse_c}
           #{{ b: b, body: s3::get_object(#{{ Bucket: "new-bkt", Key: "k", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }}).Body.as_string() }}"#
    ));
    assert_eq!(r.to_string(), r#"#{"b": #{"EncryptionType": ["NONE"]}, "body": "x"}"#);
    assert_eq!(code(&format!("{after} {}", rule(r#", BlockedEncryptionTypes: #{ EncryptionType: ["SSE-KMS"] }"#))).0, "MalformedXML");
}

/// [BOTO-MODEL] UploadPart: "If you requested server-side encryption using a customer-provided
/// encryption key (SSE-C) in your initiate multipart upload request, you must provide identical
/// encryption information in each part upload request"; CompleteMultipartUpload needs the key
/// "only when the object was created using a checksum algorithm". Errors recorded against AWS
/// (LocalStack's validated snapshots): 400 InvalidRequest for a part without the key (or with
/// one on an upload without SSE-C) and for another key.
#[test]
fn multipart_sse_c() {
    let setup = r#"s3::create_bucket("bkt"); let key = blob(32, 7); let other = blob(32, 8);
        let id = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "big", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }).UploadId;
        fn part(id, n, k) { let r = #{ Bucket: "bkt", Key: "big", UploadId: id, PartNumber: n, Body: "p" + n };
            if k != () { r.SSECustomerAlgorithm = "AES256"; r.SSECustomerKey = k; } s3::upload_part(r) }"#;
    let r = map(ok(&format!(
        r#"{setup} let p = part(id, 1, key);
           s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 1, ETag: p.ETag }}] }} }});
           #{{ part: p, body: s3::get_object(#{{ Bucket: "bkt", Key: "big", SSECustomerAlgorithm: "AES256", SSECustomerKey: key }}).Body.as_string() }}"#
    )));
    assert_eq!(s(&map(r["part"].clone())["SSECustomerKeyMD5"]), "y4HAEFCYWuvAXWFTtA1Qpg==");
    assert_eq!(s(&r["body"]), "p1");
    assert_eq!(code(&format!(r#"{setup} part(id, 1, key); s3::get_object("bkt", "big")"#)).0, "NoSuchKey", "not complete yet");
    let initiate = "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.";
    assert_eq!(code(&format!(r#"{setup} part(id, 1, ())"#)), ("InvalidRequest".into(), initiate.into()));
    assert_eq!(code(&format!(r#"{setup} part(id, 1, other)"#)), ("InvalidRequest".into(), "The provided encryption parameters did not match the ones used originally.".into()));
    let plain = r#"let id2 = s3::create_multipart_upload(#{ Bucket: "bkt", Key: "big" }).UploadId;"#;
    assert_eq!(code(&format!(r#"{setup} {plain} part(id2, 1, key)"#)), ("InvalidRequest".into(), initiate.into()));
    // The completed object needs its key, like any SSE-C object.
    assert_eq!(
        code(&format!(r#"{setup} let p = part(id, 1, key); s3::complete_multipart_upload(#{{ Bucket: "bkt", Key: "big", UploadId: id, MultipartUpload: #{{ Parts: [#{{ PartNumber: 1, ETag: p.ETag }}] }} }}); s3::get_object("bkt", "big")"#)).0,
        "InvalidRequest"
    );
    // A bucket that blocks SSE-C refuses the upload at its start, and parts of an upload begun
    // before the block.
    assert_eq!(code(&format!(r#"clock::set("2026-05-01"); {setup}"#)).0, "AccessDenied");
    let block = r#"s3::put_bucket_encryption(#{ Bucket: "bkt", ServerSideEncryptionConfiguration: #{ Rules: [#{
        ApplyServerSideEncryptionByDefault: #{ SSEAlgorithm: "AES256" }, BlockedEncryptionTypes: #{ EncryptionType: ["SSE-C"] } }] } });"#;
    assert_eq!(code(&format!(r#"{setup} {block} part(id, 1, key)"#)).0, "AccessDenied");
}

#[test]
fn aws_managed_key_when_no_key_is_named() {
    let r = map(ok(r#"s3::create_bucket("mk-bucket"); let p = s3::put_object(#{ Bucket: "mk-bucket", Key: "k", Body: "v", ServerSideEncryption: "aws:kms" });
        #{ key: p.SSEKMSKeyId, alias: kms::list_aliases().Aliases.filter(|a| a.AliasName == "alias/aws/s3")[0].TargetKeyId }"#));
    assert!(s(&r["key"]).ends_with(&s(&r["alias"])), "{r:?}");
}

#[test]
fn bucket_keys_cut_kms_requests() {
    // "S3 Bucket Keys ... can reduce AWS KMS request costs by up to 99 percent".
    let count = |bucket_key: bool| {
        ok(&format!(
            r#"{KMS_BUCKET}
            s3::put_bucket_encryption(#{{ Bucket: "secure", ServerSideEncryptionConfiguration: #{{ Rules: [#{{
                ApplyServerSideEncryptionByDefault: #{{ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/data" }}, BucketKeyEnabled: {bucket_key} }}] }} }});
            let before = world::trail().filter(|e| e.eventSource == "kms.amazonaws.com").len();
            for i in 0..50 {{ s3::put_object("secure", `obj-${{i}}`, "data"); s3::get_object("secure", `obj-${{i}}`); }}
            world::trail().filter(|e| e.eventSource == "kms.amazonaws.com").len() - before"#
        ))
        .as_int()
        .unwrap()
    };
    assert_eq!(count(false), 100, "one GenerateDataKey per PUT and one Decrypt per GET");
    assert_eq!(count(true), 1, "one GenerateDataKey for the bucket key, then none");
    // The bucket key is time-limited: after it expires S3 asks KMS again.
    let n = ok(&format!(
        r#"{KMS_BUCKET}
        s3::put_bucket_encryption(#{{ Bucket: "secure", ServerSideEncryptionConfiguration: #{{ Rules: [#{{
            ApplyServerSideEncryptionByDefault: #{{ SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/data" }}, BucketKeyEnabled: true }}] }} }});
        s3::put_object("secure", "a", "1");
        clock::advance("2h");
        s3::put_object("secure", "b", "2");
        s3::get_object("secure", "a");
        world::trail().filter(|e| e.eventSource == "kms.amazonaws.com" && e.eventName != "CreateKey" && e.eventName != "CreateAlias").map(|e| e.eventName)"#
    ));
    let names: Vec<String> = n.into_array().unwrap().iter().map(s).collect();
    assert_eq!(names, ["GenerateDataKey", "GenerateDataKey", "Decrypt"]);
}

/// [S3-API ListObjects] "Marker: Marker is where you want Amazon S3 to start listing from.
/// Amazon S3 starts listing after this specified key"; NextMarker: "This element is returned
/// only if you have the delimiter request parameter specified. If the response does not
/// include the NextMarker element and it is truncated, you can use the value of the last Key
/// element in the response as the marker parameter"; each entry carries its Owner.
#[test]
fn list_objects_version_1_pages_with_markers() {
    let setup = r#"s3::create_bucket("bkt");
        for k in ["a/1", "a/2", "b", "c", "gone"] { s3::put_object("bkt", k, "x"); }
        s3::put_bucket_versioning("bkt", "Enabled"); s3::delete_object("bkt", "gone");"#;
    let page = |params: &str| {
        let r = ok(&format!("{setup} let r = s3::list_objects(#{{ Bucket: \"bkt\", {params} }}); #{{ Contents: (r.Contents ?? []).map(|o| o.Key), Prefixes: (r.CommonPrefixes ?? []).map(|c| c.Prefix), Truncated: r.IsTruncated, Marker: r.Marker, Next: r.NextMarker ?? \"(none)\", Owner: (r.Contents ?? [#{{ Owner: #{{ ID: \"\" }} }}])[0].Owner.ID }}"));
        let m = map(r);
        (m["Contents"].to_string(), m["Prefixes"].to_string(), m["Truncated"].as_bool().unwrap(), s(&m["Marker"]), s(&m["Next"]), s(&m["Owner"]))
    };
    // No delimiter: truncated without NextMarker; the last key is the next marker. The key
    // whose current version is a delete marker is not listed.
    let (keys, prefixes, truncated, marker, next, owner) = page("MaxKeys: 2");
    assert_eq!((keys.as_str(), prefixes.as_str(), truncated, marker.as_str(), next.as_str()), (r#"["a/1", "a/2"]"#, "[]", true, "", "(none)"));
    assert_eq!(owner.len(), 64, "Owner.ID is the account's canonical user id: {owner}");
    let (keys, _, truncated, marker, ..) = page(r#"MaxKeys: 2, Marker: "a/2""#);
    assert_eq!((keys.as_str(), truncated, marker.as_str()), (r#"["b", "c"]"#, false, "a/2"));
    // With a delimiter: NextMarker names the last entry, here a common prefix, and the next
    // page starts after everything under it.
    let (keys, prefixes, truncated, _, next, _) = page(r#"MaxKeys: 1, Delimiter: "/""#);
    assert_eq!((keys.as_str(), prefixes.as_str(), truncated, next.as_str()), ("[]", r#"["a/"]"#, true, "a/"));
    let (keys, _, truncated, _, next, _) = page(r#"MaxKeys: 1, Delimiter: "/", Marker: "a/""#);
    assert_eq!((keys.as_str(), truncated, next.as_str()), (r#"["b"]"#, true, "b"));
    // The same s3:ListBucket decision as ListObjectsV2, with its s3:prefix key.
    let policy = r#"iam::put_user_policy(#{ UserName: "alice", PolicyName: "logs", PolicyDocument:
            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::media","Condition":{"StringEquals":{"s3:prefix":"logs/"}}}]}` });"#;
    let listed = ok(&format!(r#"{ALICE} {policy} as_principal("alice", || s3::list_objects(#{{ Bucket: "media", Prefix: "logs/" }})).Name"#));
    assert_eq!(s(&listed), "media");
    assert_eq!(code(&format!(r#"{ALICE} {policy} as_principal("alice", || s3::list_objects("media"))"#)).0, "AccessDenied");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::list_objects(#{ Bucket: "bkt", MaxKeys: -1 })"#).0, "InvalidArgument");
}

/// A folder object (`logs/`, as the console creates) is a key like any other: a marker or
/// StartAfter naming it, or naming the prefix itself, skips only what sorts before it; a
/// marker that is a common prefix of the listing skips the keys under it.
#[test]
fn markers_that_name_a_folder_object_or_the_prefix() {
    let setup = r#"s3::create_bucket("bkt"); for k in ["logs/", "logs/a", "logs/b", "logs/x/1", "zz"] { s3::put_object("bkt", k, "x"); }"#;
    let keys = |call: &str| {
        let r = map(ok(&format!("{setup} let r = {call}; #{{ keys: (r.Contents ?? []).map(|o| o.Key) + (r.CommonPrefixes ?? []).map(|c| c.Prefix), next: r.NextMarker ?? \"(none)\" }}")));
        (r["keys"].to_string(), s(&r["next"]))
    };
    // Page by page through a folder: its object first, then what is under it.
    assert_eq!(keys(r#"s3::list_objects(#{ Bucket: "bkt", Prefix: "logs/", Delimiter: "/", MaxKeys: 1 })"#), (r#"["logs/"]"#.into(), "logs/".into()));
    assert_eq!(keys(r#"s3::list_objects(#{ Bucket: "bkt", Prefix: "logs/", Delimiter: "/", MaxKeys: 1, Marker: "logs/" })"#), (r#"["logs/a"]"#.into(), "logs/a".into()));
    assert_eq!(keys(r#"s3::list_objects(#{ Bucket: "bkt", Prefix: "logs/", Delimiter: "/", Marker: "logs/b" })"#), (r#"["logs/x/"]"#.into(), "(none)".into()));
    // StartAfter equal to the prefix skips the folder object only.
    assert_eq!(keys(r#"s3::list_objects_v2(#{ Bucket: "bkt", Prefix: "logs/", StartAfter: "logs/" })"#).0, r#"["logs/a", "logs/b", "logs/x/1"]"#);
    // At the top level `logs/` is a common prefix: a marker naming it skips everything under it.
    assert_eq!(keys(r#"s3::list_objects(#{ Bucket: "bkt", Delimiter: "/", Marker: "logs/" })"#).0, r#"["zz"]"#);
    // An empty delimiter groups nothing, so a marker skips only what sorts before it.
    assert_eq!(keys(r#"s3::list_objects(#{ Bucket: "bkt", Delimiter: "", Marker: "logs/a" })"#).0, r#"["logs/b", "logs/x/1", "zz"]"#);
}

/// [S3-API ListObjects, ListObjectsV2] Over HTTP a bucket listing is a `ListBucketResult`
/// XML document: a plain `GET /` is ListObjects (with `<Marker>` and each entry's `<Owner>`),
/// `GET /?list-type=2` is ListObjectsV2 (with `<KeyCount>`, no owners unless fetch-owner).
#[test]
fn bucket_listings_over_http_are_xml() {
    let r = map(ok(r#"s3::create_bucket("bkt"); s3::put_object("bkt", "logs/a&b.txt", "hi"); s3::put_object("bkt", "top", "x");
        let id = s3::list_objects("bkt").Contents[0].Owner.ID;
        iam::create_user("lister"); iam::create_access_key("lister");
        iam::put_user_policy(#{ UserName: "lister", PolicyName: "list", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}]}` });
        let presign = |params| as_principal("lister", || s3::generate_presigned_url(params));
        let v1 = presign.call(#{ ClientMethod: "list_objects", Params: #{ Bucket: "bkt", Prefix: "logs/" } });
        let v2 = presign.call(#{ ClientMethod: "list_objects_v2", Params: #{ Bucket: "bkt", Delimiter: "/", MaxKeys: 1 } });
        let v1 = s3::request("GET", v1); let v2 = s3::request("GET", v2);
        let bad = s3::request("GET", presign.call(#{ ClientMethod: "list_objects", Params: #{ Bucket: "bkt", MaxKeys: -3 } }));
        #{ id: id, v1: v1.Body.as_string(), v1type: v1.Headers["Content-Type"], v2: v2.Body.as_string(), v2status: v2.Status, bad: bad.ErrorCode,
           event: world::trail().filter(|e| e.eventSource == "s3.amazonaws.com").map(|e| e.eventName).filter(|n| n.starts_with("List")) }"#));
    let id = s(&r["id"]);
    assert_eq!(
        s(&r["v1"]),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name><Prefix>logs/</Prefix><Marker></Marker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>logs/a&amp;b.txt</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;49f68a5c8493ec2c0bf489821c21fc3b&quot;</ETag><Size>2</Size><StorageClass>STANDARD</StorageClass><Owner><ID>{id}</ID><DisplayName>account-111122223333</DisplayName></Owner></Contents></ListBucketResult>"
        )
    );
    assert_eq!(s(&r["v1type"]), "application/xml");
    assert_eq!(r["v2status"].as_int().unwrap(), 200);
    let v2 = s(&r["v2"]);
    assert!(v2.contains("<Name>bkt</Name><Prefix></Prefix><NextContinuationToken>"), "{v2}");
    assert!(v2.contains("<KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>logs/</Prefix></CommonPrefixes></ListBucketResult>"), "{v2}");
    assert!(!v2.contains("<Marker>") && !v2.contains("<Owner>"), "{v2}");
    assert_eq!(s(&r["bad"]), "InvalidArgument");
    // Over HTTP both versions are audited as ListObjects (the script binding of V2 records
    // ListObjectsV2).
    assert_eq!(r["event"].to_string(), r#"["ListObjects", "ListObjects", "ListObjects", "ListObjects"]"#);
}

/// A 412's error document names the condition that did not hold (`<Condition>If-Match</Condition>`);
/// a HEAD error has no body, so nothing but its status reaches the caller.
#[test]
fn precondition_failures_name_their_condition() {
    let v = ok(r#"
        s3::create_bucket("bkt"); let etag = s3::put_object("bkt", "k", "x").ETag; clock::advance("1d");
        let out = [];
        for p in [#{ IfMatch: "\"0\"" }, #{ IfUnmodifiedSince: "2025-01-01T00:00:00Z" }] {
            p.Bucket = "bkt"; p.Key = "k";
            try { s3::get_object(p); } catch (e) { out.push(e); }
        }
        try { s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "y", IfNoneMatch: "*" }); } catch (e) { out.push(e); }
        try { s3::put_object(#{ Bucket: "bkt", Key: "k", Body: "y", IfMatch: "\"0\"" }); } catch (e) { out.push(e); }
        try { s3::head_object(#{ Bucket: "bkt", Key: "k", IfMatch: "\"0\"" }); } catch (e) { out.push(e); }
        try { s3::head_object("bkt", "nope"); } catch (e) { out.push(e); }
        out"#)
    .cast::<rhai::Array>();
    let errs: Vec<rhai::Map> = v.into_iter().map(map).collect();
    let condition = |i: usize| errs[i].get("Condition").map(s);
    assert_eq!(s(&errs[0]["Code"]), "PreconditionFailed");
    assert_eq!((condition(0), condition(1)), (Some("If-Match".into()), Some("If-Unmodified-Since".into())));
    assert_eq!((condition(2), condition(3)), (Some("If-None-Match".into()), Some("If-Match".into())));
    assert_eq!((s(&errs[4]["Code"]), condition(4)), ("PreconditionFailed".into(), None), "HEAD: no body, no details");
    assert_eq!((s(&errs[5]["Code"]), errs[5].contains_key("Key")), ("NotFound".into(), false));
}
