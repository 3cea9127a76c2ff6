//! Script-level tests of static website hosting (each cites the AWS rule it pins).

use rhai::Dynamic;

use crate::script::testing::*;

/// A website bucket with public read (Block Public Access off, a public-read policy).
const SITE: &str = r#"
    s3::create_bucket("www.cloudbook-demo.com");
    s3::put_object(#{ Bucket: "www.cloudbook-demo.com", Key: "index.html", Body: "<h1>home</h1>", ContentType: "text/html" });
    s3::put_object(#{ Bucket: "www.cloudbook-demo.com", Key: "error.html", Body: "<h1>oops</h1>", ContentType: "text/html" });
    s3::put_object(#{ Bucket: "www.cloudbook-demo.com", Key: "docs/index.html", Body: "docs home", ContentType: "text/html" });
    s3::put_bucket_website(#{ Bucket: "www.cloudbook-demo.com", WebsiteConfiguration: #{
        IndexDocument: #{ Suffix: "index.html" }, ErrorDocument: #{ Key: "error.html" },
        RoutingRules: [#{ Condition: #{ KeyPrefixEquals: "old/" }, Redirect: #{ ReplaceKeyPrefixWith: "docs/" } }] } });
    let url = s3::website_url("www.cloudbook-demo.com");
    fn make_public() {
        s3::delete_public_access_block(#{ Bucket: "www.cloudbook-demo.com" });
        s3::put_bucket_policy("www.cloudbook-demo.com", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www.cloudbook-demo.com/*"}]}`);
    }
"#;

#[test]
fn website_endpoints_follow_the_region_table() {
    // "s3-website dash (-) Region" for older regions, "s3-website dot (.) Region" for others.
    let r = map(ok(r#"s3::create_bucket("a-site");
        world::set_region("eu-central-1"); s3::create_bucket(#{ Bucket: "b-site", CreateBucketConfiguration: #{ LocationConstraint: "eu-central-1" } });
        #{ a: s3::website_url("a-site"), b: s3::website_url("b-site") }"#));
    assert_eq!(s(&r["a"]), "http://a-site.s3-website-us-east-1.amazonaws.com/");
    assert_eq!(s(&r["b"]), "http://b-site.s3-website.eu-central-1.amazonaws.com/");
}

#[test]
fn the_configuration_is_validated() {
    assert_eq!(
        code(r#"s3::create_bucket("site"); s3::put_bucket_website(#{ Bucket: "site", WebsiteConfiguration: #{ IndexDocument: #{ Suffix: "a/index.html" } } })"#).1,
        "The IndexDocument Suffix is not well formed"
    );
    assert_eq!(code(r#"s3::create_bucket("site"); s3::put_bucket_website(#{ Bucket: "site", WebsiteConfiguration: #{ ErrorDocument: #{ Key: "e.html" } } })"#).0, "InvalidArgument");
    assert_eq!(
        code(r#"s3::create_bucket("site"); s3::put_bucket_website(#{ Bucket: "site", WebsiteConfiguration: #{ IndexDocument: #{ Suffix: "index.html" }, RedirectAllRequestsTo: #{ HostName: "example.org" } } })"#).1,
        "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."
    );
    assert_eq!(code(r#"s3::create_bucket("site"); s3::get_bucket_website(#{ Bucket: "site" })"#).0, "NoSuchWebsiteConfiguration");
}

#[test]
fn website_needs_public_read_then_serves_index_and_error_documents() {
    // Not public yet (Block Public Access on, no policy): 403, and the error document is not
    // readable either, so S3's own HTML error page.
    let r = map(ok(&format!(r#"{SITE} s3::request("GET", url)"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 403);
    assert_eq!(s(&r["ErrorCode"]), "AccessDenied");
    assert!(String::from_utf8(r["Body"].clone().cast::<rhai::Blob>()).unwrap().contains("<h1>403 Forbidden</h1>"));
    let r = map(ok(&format!(r#"{SITE} make_public(); s3::request("GET", url)"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 200);
    assert_eq!(r["Body"].clone().cast::<rhai::Blob>(), b"<h1>home</h1>".to_vec());
    // A folder gets its index document; without the slash, a 302 to the folder.
    let both: Vec<Dynamic> = ok(&format!(r#"{SITE} make_public(); [s3::request("GET", url + "docs/"), s3::request("GET", url + "docs")]"#)).into_array().unwrap();
    let (folder, bare) = (map(both[0].clone()), map(both[1].clone()));
    assert_eq!(folder["Body"].clone().cast::<rhai::Blob>(), b"docs home".to_vec());
    assert_eq!(bare["Status"].as_int().unwrap(), 302);
    assert_eq!(s(&map(bare["Headers"].clone())["Location"]), "/docs/");
    // A missing key: anonymous callers may not list, so 403 (as for the REST API) with the
    // error document; with s3:ListBucket granted it is a 404.
    let r = map(ok(&format!(r#"{SITE} make_public(); s3::request("GET", url + "nope.html")"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 403);
    let r = map(ok(&format!(
        r#"{SITE} s3::delete_public_access_block(#{{ Bucket: "www.cloudbook-demo.com" }});
           s3::put_bucket_policy("www.cloudbook-demo.com", `{{"Version":"2012-10-17","Statement":[
             {{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www.cloudbook-demo.com/*"}},
             {{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::www.cloudbook-demo.com"}}]}}`);
           s3::request("GET", url + "nope.html")"#
    )));
    assert_eq!(r["Status"].as_int().unwrap(), 404);
    assert_eq!(r["Body"].clone().cast::<rhai::Blob>(), b"<h1>oops</h1>".to_vec());
    // Website endpoints only serve GET and HEAD.
    let r = map(ok(&format!(r#"{SITE} make_public(); s3::request("PUT", url + "x", "data")"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 405);
}

#[test]
fn routing_rules_and_redirect_all() {
    let r = map(ok(&format!(r#"{SITE} make_public(); s3::request("GET", url + "old/guide.html")"#)));
    assert_eq!(r["Status"].as_int().unwrap(), 301);
    assert_eq!(s(&map(r["Headers"].clone())["Location"]), "http://www.cloudbook-demo.com.s3-website-us-east-1.amazonaws.com/docs/guide.html");
    let r = map(ok(r#"s3::create_bucket("cloudbook-demo.com");
        s3::put_bucket_website(#{ Bucket: "cloudbook-demo.com", WebsiteConfiguration: #{ RedirectAllRequestsTo: #{ HostName: "www.cloudbook-demo.com", Protocol: "https" } } });
        s3::request("GET", s3::website_url("cloudbook-demo.com") + "a/b.html")"#));
    assert_eq!(r["Status"].as_int().unwrap(), 301);
    assert_eq!(s(&map(r["Headers"].clone())["Location"]), "https://www.cloudbook-demo.com/a/b.html");
}

#[test]
fn a_route53_alias_reaches_the_bucket_named_like_the_domain() {
    let zone = r#"let z = route53::register_domain("cloudbook-demo.com").HostedZoneId;
        fn alias(z, name) {
            route53::change_resource_record_sets(#{ HostedZoneId: z, ChangeBatch: #{ Changes: [#{ Action: "CREATE", ResourceRecordSet: #{
                Name: name, Type: "A", AliasTarget: #{ HostedZoneId: "Z3AQBSTGFYJSTF", DNSName: "s3-website-us-east-1.amazonaws.com", EvaluateTargetHealth: false } } }] } });
        }"#;
    let r = map(ok(&format!(
        r#"{SITE} make_public(); {zone} alias(z, "www.cloudbook-demo.com"); alias(z, "blog.cloudbook-demo.com");
           #{{ www: s3::request("GET", "http://www.cloudbook-demo.com/"), blog: s3::request("GET", "http://blog.cloudbook-demo.com/") }}"#
    )));
    let www = map(r["www"].clone());
    assert_eq!(www["Status"].as_int().unwrap(), 200);
    assert_eq!(www["Body"].clone().cast::<rhai::Blob>(), b"<h1>home</h1>".to_vec());
    // "The bucket name must match the name of the website": no bucket `blog.cloudbook-demo.com`.
    let blog = map(r["blog"].clone());
    assert_eq!(blog["Status"].as_int().unwrap(), 404);
    assert_eq!(s(&blog["ErrorCode"]), "NoSuchBucket");
}
