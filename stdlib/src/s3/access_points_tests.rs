//! Script-level tests of S3 access points (each cites the AWS rule it pins: S3 User Guide,
//! "Configuring IAM policies for using access points", "Creating access points restricted to a
//! virtual private cloud", "Managing public access to access points", "Referencing access
//! points", and the S3 Control API Reference).

use rhai::Dynamic;

use crate::script::testing::*;

/// A data-lake bucket whose policy delegates to the account's access points, two users with
/// no identity policies, and an access point `finance-ap` whose policy lets alice read and
/// write `finance/` through it.
const LAKE: &str = r#"
    s3::create_bucket("data-lake");
    s3::put_object("data-lake", "finance/q1.csv", "revenue,42");
    s3::put_object("data-lake", "hr/people.csv", "alice,bob");
    iam::create_user("alice");
    iam::create_user("bob");
    s3::put_bucket_policy("data-lake", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",
        "Resource":["arn:aws:s3:::data-lake","arn:aws:s3:::data-lake/*"],
        "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`);
    let ap = s3::create_access_point(#{ AccountId: "111122223333", Name: "finance-ap", Bucket: "data-lake" });
    s3::put_access_point_policy("finance-ap", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["s3:GetObject","s3:PutObject"],
        "Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/finance/*"}]}`);
"#;

fn src(body: &str) -> String {
    format!("{LAKE}\n{body}")
}

#[test]
fn create_returns_the_arn_and_an_alias_and_get_shows_the_configuration() {
    let r = map(ok(&src(r#"#{ ap: ap, get: s3::get_access_point(#{ AccountId: "111122223333", Name: "finance-ap" }) }"#)));
    let ap = map(r["ap"].clone());
    assert_eq!(s(&ap["AccessPointArn"]), "arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap");
    let alias = s(&ap["Alias"]);
    // "[Access point prefix]-[Metadata]-s3alias", e.g. my-access-point-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias.
    assert!(alias.starts_with("finance-ap-") && alias.ends_with("-s3alias"), "{alias}");
    assert_eq!(alias.len(), "finance-ap-".len() + 34 + "-s3alias".len(), "{alias}");
    let get = map(r["get"].clone());
    assert_eq!(s(&get["Alias"]), alias);
    assert_eq!(s(&get["Bucket"]), "data-lake");
    assert_eq!(s(&get["BucketAccountId"]), "111122223333");
    assert_eq!(s(&get["NetworkOrigin"]), "Internet");
    assert!(!get.contains_key("VpcConfiguration"));
    // "All block public access settings are enabled by default for access points."
    let bpa = map(get["PublicAccessBlockConfiguration"].clone());
    for k in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
        assert!(bpa[k].as_bool().unwrap(), "{k}");
    }
    assert_eq!(s(&get["CreationDate"]), "2026-01-01T00:00:00Z");
    let ep = map(get["Endpoints"].clone());
    assert_eq!(s(&ep["ipv4"]), "s3-accesspoint.us-east-1.amazonaws.com");
    assert_eq!(s(&ep["fips_dualstack"]), "s3-accesspoint-fips.dualstack.us-east-1.amazonaws.com");
}

#[test]
fn control_plane_errors_are_s3_controls() {
    let e = code(&src(r#"s3::create_access_point("finance-ap", "data-lake")"#));
    assert_eq!(e, ("AccessPointAlreadyOwnedByYou".into(), "Your previous request to create the named accesspoint succeeded and you already own it.".into()));
    assert_eq!(code(&src(r#"s3::get_access_point("nope")"#)).0, "NoSuchAccessPoint");
    assert!(code(&src(r#"s3::get_access_point("nope")"#)).1.starts_with("The specified accesspoint does not exist"));
    assert!(code(&src(r#"s3::create_access_point("other-ap", "no-such-bucket")"#)).1.starts_with("Amazon S3 AccessPoint can only be created for existing bucket"));
    assert_eq!(code(&src(r#"s3::create_access_point("Bad_Name", "data-lake")"#)).0, "InvalidURI");
    assert_eq!(code(&src(r#"s3::create_access_point("lake-s3alias", "data-lake")"#)).0, "InvalidRequest");
    assert_eq!(code(&src(r#"s3::get_access_point_policy_status("finance-ap"); s3::delete_access_point_policy("finance-ap"); s3::get_access_point_policy("finance-ap")"#)).0, "NoSuchAccessPointPolicy");
    // "APIs that control access point functionality ... don't support cross-account calls."
    assert_eq!(code(&src(r#"s3::get_access_point(#{ AccountId: "444455556666", Name: "finance-ap" })"#)).0, "AccessDenied");
    // Same name, another bucket after a delete: "you can delete an access point and then
    // create another one with the same name associated with a different bucket".
    let b = ok(&src(r#"s3::create_bucket("other"); s3::delete_access_point("finance-ap"); s3::create_access_point("finance-ap", "other"); s3::get_access_point("finance-ap").Bucket"#));
    assert_eq!(s(&b), "other");
}

#[test]
fn the_delegating_bucket_policy_is_not_public() {
    // "s3:DataAccessPointAccount" is one of the keys whose fixed values make a bucket policy
    // non-public, so BlockPublicPolicy (on for new buckets) accepts the delegation policy.
    let r = ok(&src(r#"s3::get_bucket_policy_status(#{ Bucket: "data-lake" }).PolicyStatus.IsPublic"#));
    assert!(!r.as_bool().unwrap());
}

#[test]
fn requests_through_the_access_point_need_the_access_point_and_the_bucket() {
    // "For an application or user to be able to access objects through an access point, both
    // the access point and the underlying bucket must permit the request."
    let r = map(ok(&src(r#"
        let by_arn = as_principal("alice", || s3::get_object(ap.AccessPointArn, "finance/q1.csv").Body.as_string());
        let by_alias = as_principal("alice", || s3::get_object(#{ Bucket: ap.Alias, Key: "finance/q1.csv" }).Body.as_string());
        as_principal("alice", || s3::put_object(ap.Alias, "finance/q2.csv", "revenue,43"));
        #{ by_arn: by_arn, by_alias: by_alias, q2: s3::get_object("data-lake", "finance/q2.csv").Body.as_string() }"#)));
    assert_eq!(s(&r["by_arn"]), "revenue,42");
    assert_eq!(s(&r["by_alias"]), "revenue,42");
    assert_eq!(s(&r["q2"]), "revenue,43");
    // Outside the prefix the access point policy grants: denied on the access point's object ARN.
    let (c, m) = code(&src(r#"as_principal("alice", || s3::get_object(ap.Alias, "hr/people.csv"))"#));
    assert_eq!(c, "AccessDenied");
    assert_eq!(m, "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/hr/people.csv because no identity-based policy allows the s3:GetObject action");
    // bob is in no policy.
    assert_eq!(code(&src(r#"as_principal("bob", || s3::get_object(ap.Alias, "finance/q1.csv"))"#)).0, "AccessDenied");
    // "Restrictions that you include in an access point policy apply only to requests made
    // through that access point": directly, the delegating bucket policy does not apply
    // (no s3:DataAccessPointAccount), so alice has no access.
    let (c, m) = code(&src(r#"as_principal("alice", || s3::get_object("data-lake", "finance/q1.csv"))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("on resource: arn:aws:s3:::data-lake/finance/q1.csv"), "{m}");
}

#[test]
fn without_delegation_the_bucket_must_allow_too() {
    // "Permissions granted in an access point policy are only effective if the underlying
    // bucket also allows the same access."
    let denied = code(&src(r#"s3::delete_bucket_policy(#{ Bucket: "data-lake" }); as_principal("alice", || s3::get_object(ap.Alias, "finance/q1.csv"))"#));
    assert_eq!(denied.0, "AccessDenied");
    assert!(denied.1.contains("on resource: arn:aws:s3:::data-lake/finance/q1.csv"), "{}", denied.1);
    // "... you can add the following policy to the underlying bucket to grant the necessary
    // permissions to Alice. Note that the Resource entry differs".
    let body = ok(&src(r#"s3::put_bucket_policy("data-lake", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data-lake/finance/*"}]}`);
        as_principal("alice", || s3::get_object(ap.Alias, "finance/q1.csv").Body.as_string())"#));
    assert_eq!(s(&body), "revenue,42");
    // A bucket-policy deny for access points of another network origin wins over everything.
    let e = code(&src(r#"s3::put_bucket_policy("data-lake", `{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data-lake","arn:aws:s3:::data-lake/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}},
            {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*","Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}]}`);
        as_principal("alice", || s3::get_object(ap.Alias, "finance/q1.csv"))"#));
    assert!(e.1.ends_with("with an explicit deny in a resource-based policy"), "{}", e.1);
}

#[test]
fn identity_policies_on_the_access_point_arn_work_like_the_access_point_policy() {
    // bob gets an identity policy on the access point's objects; the bucket delegates.
    let body = ok(&src(r#"iam::put_user_policy(#{ UserName: "bob", PolicyName: "ap", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/*"}]}` });
        as_principal("bob", || s3::get_object(ap.Alias, "hr/people.csv").Body.as_string())"#));
    assert_eq!(s(&body), "alice,bob");
}

#[test]
fn listing_through_an_access_point_uses_the_access_point_arn() {
    // "Example Access point policy allowing bucket listing": s3:ListBucket on the access point ARN.
    let keys = ok(&src(r#"s3::put_access_point_policy("finance-ap", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap"}]}`);
        as_principal("bob", || s3::list_objects_v2(ap.Alias).Contents.map(|o| o.Key))"#));
    let keys: Vec<String> = keys.into_array().unwrap().iter().map(s).collect();
    assert_eq!(keys, vec!["finance/q1.csv", "hr/people.csv"]);
}

#[test]
fn vpc_only_access_points_reject_requests_from_elsewhere() {
    let setup = src(r#"
        let vpc_id = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;
        let vap = s3::create_access_point(#{ AccountId: "111122223333", Name: "analytics-vpc", Bucket: "data-lake", VpcConfiguration: #{ VpcId: vpc_id } });
        s3::put_access_point_policy("analytics-vpc", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/analytics-vpc/object/*"}]}`);
    "#);
    // "If an access point has a VPC configuration specified, its network origin is VPC."
    let g = map(ok(&format!(r#"{setup} s3::get_access_point("analytics-vpc")"#)));
    assert_eq!(s(&g["NetworkOrigin"]), "VPC");
    assert!(s(&map(g["VpcConfiguration"].clone())["VpcId"]).starts_with("vpc-"));
    // "Amazon S3 rejects any request made to the access point that doesn't originate from that VPC."
    let (c, m) = code(&format!(r#"{setup} as_principal("bob", || s3::get_object(vap.Alias, "hr/people.csv"))"#));
    assert_eq!(c, "AccessDenied");
    assert_eq!(m, "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:GetObject on resource: arn:aws:s3:us-east-1:111122223333:accesspoint/analytics-vpc/object/hr/people.csv with an explicit deny in a resource-based policy");
    // Another VPC is no better; the right one works.
    let other = code(&format!(r#"{setup} as_principal(#{{ Principal: "bob", SourceVpc: "vpc-0123456789abcdef0" }}, || s3::get_object(vap.Alias, "hr/people.csv"))"#));
    assert_eq!(other.0, "AccessDenied");
    let body = ok(&format!(r#"{setup} as_principal(#{{ Principal: "bob", SourceVpc: vpc_id }}, || s3::get_object(vap.Alias, "hr/people.csv").Body.as_string())"#));
    assert_eq!(s(&body), "alice,bob");
    // The VPC must exist.
    assert_eq!(code(&src(r#"s3::create_access_point(#{ Name: "x-ap", Bucket: "data-lake", VpcConfiguration: #{ VpcId: "vpc-0000000000000000f" } })"#)).0, "InvalidRequest");
}

#[test]
fn block_public_access_applies_to_access_point_policies() {
    let public = r#"`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/NAME/object/*"}]}`"#;
    // BlockPublicPolicy (on by default) rejects a public access point policy.
    let e = code(&src(&format!(r#"s3::put_access_point_policy("finance-ap", {})"#, public.replace("NAME", "finance-ap"))));
    assert_eq!(e.0, "AccessDenied");
    assert!(e.1.contains("BlockPublicPolicy"), "{}", e.1);
    // With the access point's setting off, the bucket's (same account) still applies:
    // "Setting this option to TRUE for a bucket also causes Amazon S3 to reject calls to PUT
    // access point policy for all of the bucket's same-account access points".
    let open = r#"s3::create_access_point(#{ Name: "open-ap", Bucket: "data-lake", PublicAccessBlockConfiguration: #{ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } });"#;
    let e = code(&src(&format!(r#"{open} s3::put_access_point_policy("open-ap", {})"#, public.replace("NAME", "open-ap"))));
    assert_eq!(e.0, "AccessDenied");
    let status = ok(&src(&format!(
        r#"{open} s3::put_public_access_block(#{{ Bucket: "data-lake", PublicAccessBlockConfiguration: #{{ BlockPublicPolicy: false }} }});
        s3::put_access_point_policy("open-ap", {}); s3::get_access_point_policy_status("open-ap").PolicyStatus.IsPublic"#,
        public.replace("NAME", "open-ap")
    )));
    assert!(status.as_bool().unwrap());
    // "An access point that has a VPC network origin is always considered non-public".
    let vpc = ok(&src(&format!(
        r#"let v = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;
        s3::create_access_point(#{{ Name: "vpc-ap", Bucket: "data-lake", VpcConfiguration: #{{ VpcId: v }} }});
        s3::put_access_point_policy("vpc-ap", {}); s3::get_access_point_policy_status("vpc-ap").PolicyStatus.IsPublic"#,
        public.replace("NAME", "vpc-ap")
    )));
    assert!(!vpc.as_bool().unwrap());
    // Access point policies name the access point's resources only.
    assert_eq!(code(&src(r#"s3::put_access_point_policy("finance-ap", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*"}]}`)"#)).1, "Policy has invalid resource");
}

#[test]
fn access_points_take_no_anonymous_callers() {
    // "Access points don't support anonymous access."
    let e = code(&src(r#"as_principal("anonymous", || s3::get_object(ap.Alias, "finance/q1.csv"))"#));
    assert_eq!(e, ("AccessDenied".into(), "Access Denied".into()));
}

#[test]
fn unknown_access_points_in_bucket_parameters() {
    assert_eq!(code(&src(r#"s3::get_object("arn:aws:s3:us-east-1:111122223333:accesspoint/nope", "k")"#)).0, "NoSuchAccessPoint");
    assert_eq!(code(&src(r#"s3::get_object("nope-abcdefghijabcdefghijabcdefghiuse1a-s3alias", "k")"#)).0, "NoSuchBucket");
}

#[test]
fn list_access_points_by_bucket_with_pages() {
    let r = map(ok(&src(r#"s3::create_bucket("other"); s3::create_access_point("b-ap", "other"); s3::create_access_point("a-ap", "data-lake");
        let all = s3::list_access_points().AccessPointList.map(|a| a.Name);
        let lake = s3::list_access_points(#{ Bucket: "data-lake" }).AccessPointList.map(|a| a.Name);
        let p1 = s3::list_access_points(#{ MaxResults: 2 });
        let p2 = s3::list_access_points(#{ MaxResults: 2, NextToken: p1.NextToken });
        #{ all: all, lake: lake, p1: p1.AccessPointList.map(|a| a.Name), p2: p2.AccessPointList.map(|a| a.Name), more: p2.NextToken }"#)));
    let names = |k: &str| -> Vec<String> { r[k].clone().into_array().unwrap().iter().map(s).collect() };
    assert_eq!(names("all"), vec!["a-ap", "b-ap", "finance-ap"]);
    assert_eq!(names("lake"), vec!["a-ap", "finance-ap"]);
    assert_eq!(names("p1"), vec!["a-ap", "b-ap"]);
    assert_eq!(names("p2"), vec!["finance-ap"]);
    assert!(r["more"].is_unit());
}

#[test]
fn the_audit_event_names_the_access_point_the_bucket_and_the_object() {
    // "CloudTrail log entries for requests made through access points will include the access
    // point ARN in the resources section of the log."
    let r = ok(&src(r#"as_principal("alice", || s3::get_object(ap.Alias, "finance/q1.csv"));
        let e = world::trail(#{ eventName: "GetObject" }).filter(|e| e.userIdentity.type == "IAMUser")[0];
        #{ category: e.eventCategory, resources: e.resources.map(|r| r.type + " " + r.ARN) }"#));
    let r = map(r);
    assert_eq!(s(&r["category"]), "Data");
    let res: Vec<String> = r["resources"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(
        res,
        vec![
            "AWS::S3::Bucket arn:aws:s3:::data-lake",
            "AWS::S3::Object arn:aws:s3:::data-lake/finance/q1.csv",
            "AWS::S3::AccessPoint arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap",
        ]
    );
}

#[test]
fn a_service_control_policy_can_require_vpc_access_points() {
    // The documented SCP denies s3:CreateAccessPoint unless s3:AccessPointNetworkOrigin is VPC;
    // here the same statement as alice's identity policy.
    let setup = src(r#"iam::put_user_policy(#{ UserName: "alice", PolicyName: "ap", PolicyDocument: `{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:CreateAccessPoint","Resource":"*"},
        {"Effect":"Deny","Action":"s3:CreateAccessPoint","Resource":"*","Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}]}` });
        let v = vpc::create_vpc("10.0.0.0/16").Vpc.VpcId;"#);
    assert_eq!(code(&format!(r#"{setup} as_principal("alice", || s3::create_access_point("alice-ap", "data-lake"))"#)).0, "AccessDenied");
    let origin = ok(&format!(
        r#"{setup} as_principal("alice", || s3::create_access_point(#{{ Name: "alice-ap", Bucket: "data-lake", VpcConfiguration: #{{ VpcId: v }} }})); s3::get_access_point("alice-ap").NetworkOrigin"#
    ));
    assert_eq!(s(&origin), "VPC");
}

#[test]
fn save_and_load_keep_access_points() {
    let r = map(ok(&src(r#"let before = world::save();
        world::reset(); world::load(before);
        #{ same: world::save() == before, alias: s3::get_access_point("finance-ap").Alias == ap.Alias,
           read: as_principal("alice", || s3::get_object(ap.Alias, "finance/q1.csv").Body.as_string()) }"#)));
    assert!(r["same"].as_bool().unwrap());
    assert!(r["alias"].as_bool().unwrap());
    assert_eq!(s(&r["read"]), "revenue,42");
}

#[test]
fn the_same_script_gives_the_same_aliases() {
    let a: Dynamic = ok(&src("ap.Alias"));
    let b: Dynamic = ok(&src("ap.Alias"));
    assert_eq!(s(&a), s(&b));
}

#[test]
fn head_delete_and_multipart_uploads_go_through_the_access_point_too() {
    let r = map(ok(&src(r#"s3::put_access_point_policy("finance-ap", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],
            "Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/finance/*"}]}`);
        let size = as_principal("alice", || s3::head_object(ap.Alias, "finance/q1.csv").ContentLength);
        let id = as_principal("alice", || s3::create_multipart_upload(#{ Bucket: ap.Alias, Key: "finance/big.bin" }).UploadId);
        let e1 = as_principal("alice", || s3::upload_part(#{ Bucket: ap.Alias, Key: "finance/big.bin", UploadId: id, PartNumber: 1, Body: "tail" }).ETag);
        as_principal("alice", || s3::complete_multipart_upload(#{ Bucket: ap.Alias, Key: "finance/big.bin", UploadId: id, MultipartUpload: #{ Parts: [#{ PartNumber: 1, ETag: e1 }] } }));
        as_principal("alice", || s3::delete_object(ap.AccessPointArn, "finance/q1.csv"));
        #{ size: size, big: s3::get_object("data-lake", "finance/big.bin").Body.as_string(), left: s3::list_objects_v2("data-lake").Contents.map(|o| o.Key) }"#)));
    assert_eq!(r["size"].as_int().unwrap(), 10);
    assert_eq!(s(&r["big"]), "tail");
    let left: Vec<String> = r["left"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(left, vec!["finance/big.bin", "hr/people.csv"]);
    // The access point policy's prefix holds for deletes as well.
    assert_eq!(code(&src(r#"as_principal("alice", || s3::delete_object(ap.Alias, "hr/people.csv"))"#)).0, "AccessDenied");
}

#[test]
fn restrict_public_buckets_keeps_a_public_access_point_policy_to_its_account() {
    // RestrictPublicBuckets "restricts access to an access point or bucket with a public policy
    // to only AWS service principals and authorized users within the bucket owner's account
    // and access point owner's account".
    let setup = src(r#"s3::put_public_access_block(#{ Bucket: "data-lake", PublicAccessBlockConfiguration: #{ BlockPublicPolicy: false } });
        fn open_ap(name, restrict) {
            s3::create_access_point(#{ Name: name, Bucket: "data-lake", PublicAccessBlockConfiguration: #{ BlockPublicPolicy: false, RestrictPublicBuckets: restrict } });
            s3::put_access_point_policy(name, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
                "Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/${name}/object/*"}]}`);
            s3::get_access_point(name).Alias
        }
        let restricted = open_ap("restricted-ap", true);
        let open = open_ap("open-ap", false);
        organizations::create_organization();
        let other = organizations::create_account(#{ AccountName: "partner", Email: "partner@example.com" }).CreateAccountStatus.AccountId;
        let outsider = `arn:aws:iam::${other}:root`;"#);
    let body = ok(&format!(r#"{setup} as_principal(outsider, || s3::get_object(open, "hr/people.csv").Body.as_string())"#));
    assert_eq!(s(&body), "alice,bob");
    assert_eq!(code(&format!(r#"{setup} as_principal(outsider, || s3::get_object(restricted, "hr/people.csv"))"#)).0, "AccessDenied");
    let body = ok(&format!(r#"{setup} as_principal("bob", || s3::get_object(restricted, "hr/people.csv").Body.as_string())"#));
    assert_eq!(s(&body), "alice,bob");
}

#[test]
fn copy_object_reads_and_writes_through_access_points() {
    // CopySource "arn:aws:s3:<Region>:<account-id>:accesspoint/<access-point-name>/object/<key>"
    // (CopyObject API Reference) reads the source through that access point.
    let r = map(ok(&src(r#"as_principal("alice", || s3::copy_object(#{ Bucket: ap.Alias, Key: "finance/copy.csv", CopySource: ap.AccessPointArn + "/object/finance/q1.csv" }));
        as_principal("alice", || s3::copy_object(ap.Alias + "/finance/q1.csv", ap.Alias, "finance/copy2.csv"));
        #{ a: s3::get_object("data-lake", "finance/copy.csv").Body.as_string(), b: s3::get_object("data-lake", "finance/copy2.csv").Body.as_string() }"#)));
    assert_eq!(s(&r["a"]), "revenue,42");
    assert_eq!(s(&r["b"]), "revenue,42");
    // The source outside alice's prefix is refused on the access point's object ARN.
    let (c, m) = code(&src(r#"as_principal("alice", || s3::copy_object(#{ Bucket: ap.Alias, Key: "finance/copy.csv", CopySource: ap.AccessPointArn + "/object/hr/people.csv" }))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("accesspoint/finance-ap/object/hr/people.csv"), "{m}");
    // A source named by bucket is read directly, not through the destination's access point:
    // alice has no direct access to the bucket.
    let (c, m) = code(&src(r#"as_principal("alice", || s3::copy_object("data-lake/finance/q1.csv", ap.Alias, "finance/copy.csv"))"#));
    assert_eq!(c, "AccessDenied");
    assert!(m.contains("on resource: arn:aws:s3:::data-lake/finance/q1.csv"), "{m}");
}
