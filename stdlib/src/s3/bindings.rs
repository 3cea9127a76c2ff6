//! S3 script bindings: `s3::create_bucket(#{ Bucket })`, `s3::put_object(#{ Bucket, Key, Body })`,
//! ... one function per AWS operation (AWS's PascalCase parameters in, AWS-shaped maps out),
//! positional overloads for the common calls, and the helpers `generate_presigned_url`,
//! `request`, `storage_classes`, `estimate_storage_cost`, `compare_storage_classes` and
//! `lifecycle_events`.

use rhai::{Dynamic, Engine, Map, NativeCallContext};

use super::access_points::{self, via};
use super::{classes, logging, notifications, object_lock, ops, presign, replication, select, website};
use crate::script::{DocMode, Shared};
use crate::script::api::Api;
use crate::script::convert::{RhaiResult, from_params, throw, to_dyn};
use crate::world::service::S3;

fn m(pairs: &[(&str, Dynamic)]) -> Map {
    pairs.iter().map(|(k, v)| ((*k).into(), v.clone())).collect()
}

pub fn register(engine: &mut Engine, shared: &Shared, docs: DocMode) {
    let mut api = Api::new(shared, &S3, docs);

    // ---- buckets ----
    api.op("create_bucket", "CreateBucket", "Creates a bucket (names are global across accounts; new buckets block public access, disable ACLs and encrypt with SSE-S3).\n```rhai\ns3::create_bucket(#{ Bucket: \"my-bucket\" });\ns3::create_bucket(#{ Bucket: \"eu-logs\", CreateBucketConfiguration: #{ LocationConstraint: \"eu-west-1\" } })\n```", ops::create_bucket);
    api.op("delete_bucket", "DeleteBucket", "Deletes an empty bucket (BucketNotEmpty otherwise).\n```rhai\ns3::delete_bucket(#{ Bucket: \"my-bucket\" })\n```", ops::delete_bucket);
    api.op("head_bucket", "HeadBucket", "Checks a bucket exists and you may use it; returns its region.\n```rhai\ns3::head_bucket(#{ Bucket: \"my-bucket\" }).BucketRegion\n```", ops::head_bucket);
    api.op("list_buckets", "ListBuckets", "Lists the caller's buckets.\n```rhai\ns3::list_buckets().Buckets\n```", ops::list_buckets);
    api.op("get_bucket_location", "GetBucketLocation", "A bucket's region (`()` for us-east-1).\n```rhai\ns3::get_bucket_location(#{ Bucket: \"my-bucket\" })\n```", ops::get_bucket_location);
    api.op("put_bucket_tagging", "PutBucketTagging", "Replaces a bucket's tags.\n```rhai\ns3::put_bucket_tagging(#{ Bucket: \"b\", Tagging: #{ TagSet: [#{ Key: \"team\", Value: \"data\" }] } })\n```", ops::put_bucket_tagging);
    api.op("get_bucket_tagging", "GetBucketTagging", "A bucket's tags (NoSuchTagSet when none).\n```rhai\ns3::get_bucket_tagging(#{ Bucket: \"b\" }).TagSet\n```", ops::get_bucket_tagging);
    api.op("delete_bucket_tagging", "DeleteBucketTagging", "Removes a bucket's tags.\n```rhai\ns3::delete_bucket_tagging(#{ Bucket: \"b\" })\n```", ops::delete_bucket_tagging);
    api.op("put_bucket_versioning", "PutBucketVersioning", "Enables or suspends versioning (a bucket never returns to unversioned); MFA Delete needs the root user and `MFA`.\n```rhai\ns3::put_bucket_versioning(#{ Bucket: \"b\", VersioningConfiguration: #{ Status: \"Enabled\" } })\n```", ops::put_bucket_versioning);
    api.op("get_bucket_versioning", "GetBucketVersioning", "The versioning state (no `Status` when never versioned).\n```rhai\ns3::get_bucket_versioning(#{ Bucket: \"b\" })\n```", ops::get_bucket_versioning);
    api.op("put_bucket_policy", "PutBucketPolicy", "Sets the bucket policy (JSON text or a map); public policies are refused while BlockPublicPolicy is on.\n```rhai\ns3::put_bucket_policy(#{ Bucket: \"b\", Policy: `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}` })\n```", ops::put_bucket_policy);
    api.op("get_bucket_policy", "GetBucketPolicy", "The bucket policy text.\n```rhai\ns3::get_bucket_policy(#{ Bucket: \"b\" }).Policy\n```", ops::get_bucket_policy);
    api.op("delete_bucket_policy", "DeleteBucketPolicy", "Removes the bucket policy.\n```rhai\ns3::delete_bucket_policy(#{ Bucket: \"b\" })\n```", ops::delete_bucket_policy);
    api.op("get_bucket_policy_status", "GetBucketPolicyStatus", "Whether the bucket policy is public.\n```rhai\ns3::get_bucket_policy_status(#{ Bucket: \"b\" }).PolicyStatus.IsPublic\n```", ops::get_bucket_policy_status);
    api.op("put_public_access_block", "PutPublicAccessBlock", "Sets a bucket's four Block Public Access settings.\n```rhai\ns3::put_public_access_block(#{ Bucket: \"b\", PublicAccessBlockConfiguration: #{ BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false } })\n```", ops::put_public_access_block);
    api.op("get_public_access_block", "GetPublicAccessBlock", "A bucket's Block Public Access settings.\n```rhai\ns3::get_public_access_block(#{ Bucket: \"b\" })\n```", ops::get_public_access_block);
    api.op("delete_public_access_block", "DeletePublicAccessBlock", "Removes a bucket's Block Public Access settings.\n```rhai\ns3::delete_public_access_block(#{ Bucket: \"b\" })\n```", ops::delete_public_access_block);
    api.op("put_account_public_access_block", "PutPublicAccessBlock", "Sets the account-wide Block Public Access settings (S3 Control), which apply to every bucket of the account.\n```rhai\ns3::put_account_public_access_block(#{ AccountId: \"111122223333\", PublicAccessBlockConfiguration: #{ BlockPublicPolicy: true } })\n```", ops::put_account_public_access_block);
    api.op("get_account_public_access_block", "GetPublicAccessBlock", "The account-wide Block Public Access settings.\n```rhai\ns3::get_account_public_access_block(#{ AccountId: \"111122223333\" })\n```", ops::get_account_public_access_block);
    api.op("delete_account_public_access_block", "DeletePublicAccessBlock", "Removes the account-wide Block Public Access settings.\n```rhai\ns3::delete_account_public_access_block(#{ AccountId: \"111122223333\" })\n```", ops::delete_account_public_access_block);
    api.op("put_bucket_ownership_controls", "PutBucketOwnershipControls", "Sets Object Ownership (`BucketOwnerEnforced` disables ACLs).\n```rhai\ns3::put_bucket_ownership_controls(#{ Bucket: \"b\", OwnershipControls: #{ Rules: [#{ ObjectOwnership: \"ObjectWriter\" }] } })\n```", ops::put_bucket_ownership_controls);
    api.op("get_bucket_ownership_controls", "GetBucketOwnershipControls", "The bucket's Object Ownership.\n```rhai\ns3::get_bucket_ownership_controls(#{ Bucket: \"b\" })\n```", ops::get_bucket_ownership_controls);
    api.op("put_bucket_acl", "PutBucketAcl", "Sets a canned ACL on a bucket (ACLs must be enabled).\n```rhai\ns3::put_bucket_acl(#{ Bucket: \"b\", ACL: \"public-read\" })\n```", ops::put_bucket_acl);
    api.op("get_bucket_acl", "GetBucketAcl", "A bucket's ACL grants.\n```rhai\ns3::get_bucket_acl(#{ Bucket: \"b\" }).Grants\n```", ops::get_bucket_acl);
    api.op("put_bucket_encryption", "PutBucketEncryption", "Sets default encryption: SSE-S3 (`AES256`), SSE-KMS (`aws:kms`, optionally with a Bucket Key) or DSSE-KMS.\n```rhai\ns3::put_bucket_encryption(#{ Bucket: \"b\", ServerSideEncryptionConfiguration: #{ Rules: [#{ ApplyServerSideEncryptionByDefault: #{ SSEAlgorithm: \"aws:kms\", KMSMasterKeyID: \"alias/data\" }, BucketKeyEnabled: true }] } })\n```", ops::put_bucket_encryption);
    api.op("get_bucket_encryption", "GetBucketEncryption", "The bucket's default encryption.\n```rhai\ns3::get_bucket_encryption(#{ Bucket: \"b\" })\n```", ops::get_bucket_encryption);
    api.op("delete_bucket_encryption", "DeleteBucketEncryption", "Resets default encryption to SSE-S3.\n```rhai\ns3::delete_bucket_encryption(#{ Bucket: \"b\" })\n```", ops::delete_bucket_encryption);
    api.op("put_bucket_lifecycle_configuration", "PutBucketLifecycleConfiguration", "Sets lifecycle rules (transitions down the storage-class waterfall, expirations, noncurrent-version rules); they run at midnight UTC as the clock advances.\n```rhai\ns3::put_bucket_lifecycle_configuration(#{ Bucket: \"b\", LifecycleConfiguration: #{ Rules: [#{ ID: \"archive\", Status: \"Enabled\", Filter: #{ Prefix: \"logs/\" }, Transitions: [#{ Days: 30, StorageClass: \"STANDARD_IA\" }, #{ Days: 90, StorageClass: \"GLACIER\" }], Expiration: #{ Days: 365 } }] } })\n```", ops::put_bucket_lifecycle_configuration);
    api.op("get_bucket_lifecycle_configuration", "GetBucketLifecycleConfiguration", "The lifecycle rules.\n```rhai\ns3::get_bucket_lifecycle_configuration(#{ Bucket: \"b\" }).Rules\n```", ops::get_bucket_lifecycle_configuration);
    api.op("delete_bucket_lifecycle", "DeleteBucketLifecycle", "Removes the lifecycle rules.\n```rhai\ns3::delete_bucket_lifecycle(#{ Bucket: \"b\" })\n```", ops::delete_bucket_lifecycle);

    // ---- objects ----
    api.op("put_object", "PutObject", "Stores an object (Body: a blob or a string), encrypted at rest; returns its ETag and VersionId.\n```rhai\ns3::put_object(#{ Bucket: \"b\", Key: \"hello.txt\", Body: \"hi\", ContentType: \"text/plain\" }).ETag\n```", via::put_object);
    api.op("get_object", "GetObject", "Reads an object (Body is a blob; `Range: \"bytes=0-9\"` reads part of it).\n```rhai\ns3::get_object(#{ Bucket: \"b\", Key: \"hello.txt\" }).Body.as_string()\n```", via::get_object);
    api.op("head_object", "HeadObject", "An object's metadata without its body.\n```rhai\ns3::head_object(#{ Bucket: \"b\", Key: \"hello.txt\" }).ContentLength\n```", via::head_object);
    api.op("delete_object", "DeleteObject", "Deletes an object: adds a delete marker in versioned buckets; with VersionId deletes that version for good.\n```rhai\ns3::delete_object(#{ Bucket: \"b\", Key: \"hello.txt\" })\n```", via::delete_object);
    api.op("delete_objects", "DeleteObjects", "Deletes up to 1,000 objects in one request; errors are reported per key.\n```rhai\ns3::delete_objects(#{ Bucket: \"b\", Delete: #{ Objects: [#{ Key: \"a\" }, #{ Key: \"b\" }] } })\n```", via::delete_objects);
    api.op("copy_object", "CopyObject", "Copies an object (`CopySource: \"bucket/key\"`).\n```rhai\ns3::copy_object(#{ Bucket: \"b\", Key: \"copy.txt\", CopySource: \"b/hello.txt\" })\n```", via::copy_object);
    api.op("list_objects", "ListObjects", "Lists keys with the first version of the listing API (Prefix, Delimiter, Marker, MaxKeys); each entry has its Owner, and NextMarker comes only with a Delimiter.\n```rhai\ns3::list_objects(#{ Bucket: \"b\", Prefix: \"logs/\", Marker: \"logs/2024\" })\n```", via::list_objects);
    api.op("list_objects_v2", "ListObjectsV2", "Lists keys (Prefix, Delimiter, MaxKeys, ContinuationToken).\n```rhai\ns3::list_objects_v2(#{ Bucket: \"b\", Prefix: \"logs/\", Delimiter: \"/\" })\n```", via::list_objects_v2);
    api.op("list_object_versions", "ListObjectVersions", "Lists every version and delete marker.\n```rhai\ns3::list_object_versions(#{ Bucket: \"b\" }).Versions\n```", via::list_object_versions);
    api.op("put_object_acl", "PutObjectAcl", "Sets a canned ACL on an object (ACLs must be enabled).\n```rhai\ns3::put_object_acl(#{ Bucket: \"b\", Key: \"k\", ACL: \"public-read\" })\n```", ops::put_object_acl);
    api.op("get_object_acl", "GetObjectAcl", "An object's ACL grants.\n```rhai\ns3::get_object_acl(#{ Bucket: \"b\", Key: \"k\" }).Grants\n```", ops::get_object_acl);
    api.op("put_object_tagging", "PutObjectTagging", "Replaces an object's tags (at most 10).\n```rhai\ns3::put_object_tagging(#{ Bucket: \"b\", Key: \"k\", Tagging: #{ TagSet: [#{ Key: \"tier\", Value: \"cold\" }] } })\n```", via::put_object_tagging);
    api.op("get_object_tagging", "GetObjectTagging", "An object's tags.\n```rhai\ns3::get_object_tagging(#{ Bucket: \"b\", Key: \"k\" }).TagSet\n```", via::get_object_tagging);
    api.op("delete_object_tagging", "DeleteObjectTagging", "Removes an object's tags.\n```rhai\ns3::delete_object_tagging(#{ Bucket: \"b\", Key: \"k\" })\n```", via::delete_object_tagging);
    api.op("restore_object", "RestoreObject", "Starts restoring a GLACIER or DEEP_ARCHIVE object (tiers Expedited/Standard/Bulk take their documented time on the clock).\n```rhai\ns3::restore_object(#{ Bucket: \"b\", Key: \"k\", RestoreRequest: #{ Days: 2, GlacierJobParameters: #{ Tier: \"Bulk\" } } })\n```", ops::restore_object);
    api.op("create_multipart_upload", "CreateMultipartUpload", "Starts a multipart upload.\n```rhai\nlet id = s3::create_multipart_upload(#{ Bucket: \"b\", Key: \"big\" }).UploadId;\n```", via::create_multipart_upload);
    api.op("upload_part", "UploadPart", "Uploads one part (1–10,000; 5 MiB–5 GiB except the last). `ContentLength` without `Body` declares a part by size only.\n```rhai\ns3::upload_part(#{ Bucket: \"b\", Key: \"big\", UploadId: id, PartNumber: 1, Body: blob(5 * 1024 * 1024, 97) }).ETag\n```", via::upload_part);
    api.op("complete_multipart_upload", "CompleteMultipartUpload", "Assembles the parts (ETag `\"<md5 of md5s>-N\"`).\n```rhai\ns3::complete_multipart_upload(#{ Bucket: \"b\", Key: \"big\", UploadId: id, MultipartUpload: #{ Parts: [#{ PartNumber: 1, ETag: e1 }] } })\n```", via::complete_multipart_upload);
    api.op("abort_multipart_upload", "AbortMultipartUpload", "Abandons a multipart upload and its parts.\n```rhai\ns3::abort_multipart_upload(#{ Bucket: \"b\", Key: \"big\", UploadId: id })\n```", via::abort_multipart_upload);
    api.op("list_parts", "ListParts", "The parts uploaded so far.\n```rhai\ns3::list_parts(#{ Bucket: \"b\", Key: \"big\", UploadId: id }).Parts\n```", via::list_parts);
    api.op("list_multipart_uploads", "ListMultipartUploads", "Uploads in progress.\n```rhai\ns3::list_multipart_uploads(#{ Bucket: \"b\" })\n```", ops::list_multipart_uploads);

    // ---- Object Lock ----
    api.op("put_object_lock_configuration", "PutObjectLockConfiguration", "Enables Object Lock on a versioned bucket and sets its default retention (GOVERNANCE or COMPLIANCE, Days or Years).\n```rhai\ns3::put_object_lock_configuration(#{ Bucket: \"vault\", ObjectLockConfiguration: #{ ObjectLockEnabled: \"Enabled\", Rule: #{ DefaultRetention: #{ Mode: \"GOVERNANCE\", Days: 30 } } } })\n```", object_lock::put_object_lock_configuration);
    api.op("get_object_lock_configuration", "GetObjectLockConfiguration", "A bucket's Object Lock configuration.\n```rhai\ns3::get_object_lock_configuration(#{ Bucket: \"vault\" })\n```", object_lock::get_object_lock_configuration);
    api.op("put_object_retention", "PutObjectRetention", "Sets a version's retention; COMPLIANCE can only be extended, GOVERNANCE shortened only with `BypassGovernanceRetention` and s3:BypassGovernanceRetention.\n```rhai\ns3::put_object_retention(#{ Bucket: \"vault\", Key: \"k\", Retention: #{ Mode: \"COMPLIANCE\", RetainUntilDate: \"2027-01-01T00:00:00Z\" } })\n```", object_lock::put_object_retention);
    api.op("get_object_retention", "GetObjectRetention", "A version's retention.\n```rhai\ns3::get_object_retention(#{ Bucket: \"vault\", Key: \"k\" }).Retention\n```", object_lock::get_object_retention);
    api.op("put_object_legal_hold", "PutObjectLegalHold", "Turns a version's legal hold ON or OFF.\n```rhai\ns3::put_object_legal_hold(#{ Bucket: \"vault\", Key: \"k\", LegalHold: #{ Status: \"ON\" } })\n```", object_lock::put_object_legal_hold);
    api.op("get_object_legal_hold", "GetObjectLegalHold", "A version's legal hold status.\n```rhai\ns3::get_object_legal_hold(#{ Bucket: \"vault\", Key: \"k\" }).LegalHold.Status\n```", object_lock::get_object_legal_hold);

    // ---- Static website hosting ----
    api.op("put_bucket_website", "PutBucketWebsite", "Configures static website hosting (IndexDocument, ErrorDocument, RoutingRules, or RedirectAllRequestsTo).\n```rhai\ns3::put_bucket_website(#{ Bucket: \"www.example.com\", WebsiteConfiguration: #{ IndexDocument: #{ Suffix: \"index.html\" }, ErrorDocument: #{ Key: \"error.html\" } } })\n```", website::put_bucket_website);
    api.op("get_bucket_website", "GetBucketWebsite", "A bucket's website configuration.\n```rhai\ns3::get_bucket_website(#{ Bucket: \"www.example.com\" })\n```", website::get_bucket_website);
    api.op("delete_bucket_website", "DeleteBucketWebsite", "Turns website hosting off.\n```rhai\ns3::delete_bucket_website(#{ Bucket: \"www.example.com\" })\n```", website::delete_bucket_website);
    let h = api.handle();
    api.func(
        "website_url",
        "The website endpoint URL of a bucket (`http://BUCKET.s3-website-REGION.amazonaws.com` or `...s3-website.REGION...` depending on the region); fetch it with `s3::request`.\n```rhai\ns3::request(\"GET\", s3::website_url(\"www.example.com\")).Status\n```",
        &["bucket: &str", "String"],
        move |ctx: NativeCallContext, bucket: &str| -> RhaiResult<String> {
            h.with(&ctx, |w| {
                let b = w.s3.buckets.get(bucket).ok_or_else(|| super::error::no_such_bucket(bucket))?;
                website::endpoint_host(bucket, &b.region)
                    .map(|host| format!("http://{host}/"))
                    .ok_or_else(|| super::error::invalid_argument(format!("The simulator has no website endpoint for region `{}`", b.region)))
            })
        },
    );

    // ---- Event notifications ----
    api.op("put_bucket_notification_configuration", "PutBucketNotificationConfiguration", "Sends a bucket's object events to SNS topics, SQS queues or Lambda functions whose resource policy allows s3.amazonaws.com.\n```rhai\ns3::put_bucket_notification_configuration(#{ Bucket: \"b\", NotificationConfiguration: #{ QueueConfigurations: [#{ QueueArn: q, Events: [\"s3:ObjectCreated:*\"], Filter: #{ Key: #{ FilterRules: [#{ Name: \"suffix\", Value: \".jpg\" }] } } }] } })\n```", notifications::put_bucket_notification_configuration);
    api.op("get_bucket_notification_configuration", "GetBucketNotificationConfiguration", "A bucket's notification configuration.\n```rhai\ns3::get_bucket_notification_configuration(#{ Bucket: \"b\" })\n```", notifications::get_bucket_notification_configuration);
    api.op("create_event_destination", "CreateEventDestination", "Creates a simple SNS topic, SQS queue or Lambda function sink (`Kind`: sns/sqs/lambda) with a resource policy, for S3 event notifications.\n```rhai\nlet q = s3::create_event_destination(#{ Kind: \"sqs\", Name: \"uploads\", Policy: policy }).Arn;\n```", notifications::create_event_destination);
    let h = api.handle();
    api.func(
        "received_events",
        "The messages an event destination received, oldest first (S3 event JSON: `Records[0].s3.object.key`, ...).\n```rhai\ns3::received_events(q)[-1].Records[0].eventName\n```",
        &["arn: &str", "Array"],
        move |ctx: NativeCallContext, arn: &str| -> RhaiResult<rhai::Array> {
            h.with(&ctx, |w| {
                let d = w.s3.event_destinations.get(arn).ok_or_else(|| super::error::invalid_argument(format!("No event destination `{arn}`")))?;
                Ok(d.received.iter().map(crate::script::convert::json_to_dynamic).collect())
            })
        },
    );

    // ---- Server access logging ----
    api.op("put_bucket_logging", "PutBucketLogging", "Turns server access logging on (a target bucket in the same region and account, and a prefix) or off (empty BucketLoggingStatus); the target's policy must allow logging.s3.amazonaws.com to s3:PutObject.\n```rhai\ns3::put_bucket_logging(#{ Bucket: \"app\", BucketLoggingStatus: #{ LoggingEnabled: #{ TargetBucket: \"logs\", TargetPrefix: \"app/\" } } })\n```", logging::put_bucket_logging);
    api.op("get_bucket_logging", "GetBucketLogging", "A bucket's access logging status.\n```rhai\ns3::get_bucket_logging(#{ Bucket: \"app\" })\n```", logging::get_bucket_logging);

    // ---- Replication ----
    api.op("put_bucket_replication", "PutBucketReplication", "Configures replication to other buckets (versioning on both sides, a role S3 can assume); applies to new writes only, on the clock.\n```rhai\ns3::put_bucket_replication(#{ Bucket: \"src\", ReplicationConfiguration: #{ Role: role_arn, Rules: [#{ ID: \"all\", Priority: 1, Status: \"Enabled\", Filter: #{}, DeleteMarkerReplication: #{ Status: \"Disabled\" }, Destination: #{ Bucket: \"arn:aws:s3:::dst\" } }] } })\n```", replication::put_bucket_replication);
    api.op("get_bucket_replication", "GetBucketReplication", "A bucket's replication configuration.\n```rhai\ns3::get_bucket_replication(#{ Bucket: \"src\" }).ReplicationConfiguration.Rules\n```", replication::get_bucket_replication);
    api.op("delete_bucket_replication", "DeleteBucketReplication", "Removes a bucket's replication configuration.\n```rhai\ns3::delete_bucket_replication(#{ Bucket: \"src\" })\n```", replication::delete_bucket_replication);
    api.op("create_job", "CreateJob", "S3 Batch Operations: a Batch Replication job (`S3ReplicateObject`) for objects that existed before replication was configured.\n```rhai\ns3::create_job(#{ AccountId: \"111111111111\", Operation: #{ S3ReplicateObject: #{} }, ManifestGenerator: #{ S3JobManifestGenerator: #{ SourceBucket: \"arn:aws:s3:::src\", Filter: #{ ObjectReplicationStatuses: [\"NONE\", \"FAILED\"] } } }, RoleArn: role_arn, Priority: 10 }).JobId\n```", replication::create_job);
    api.op("describe_job", "DescribeJob", "A Batch Operations job's status and progress.\n```rhai\ns3::describe_job(#{ AccountId: \"111111111111\", JobId: id }).Job.Status\n```", replication::describe_job);

    // ---- Access points (S3 Control) ----
    api.op("create_access_point", "CreateAccessPoint", "Creates an access point on a bucket: its own policy, Block Public Access (all on unless given) and network origin (`VpcConfiguration` makes it reachable only from that VPC). Returns its ARN and bucket-style alias; both work as `Bucket` in object calls.\n```rhai\nlet ap = s3::create_access_point(#{ AccountId: \"111122223333\", Name: \"finance-ap\", Bucket: \"data-lake\" });\ns3::get_object(#{ Bucket: ap.Alias, Key: \"finance/q1.csv\" })\n```", access_points::create_access_point);
    api.op("get_access_point", "GetAccessPoint", "An access point's configuration: bucket, NetworkOrigin (Internet or VPC), VpcConfiguration, Block Public Access, alias, ARN and endpoints.\n```rhai\ns3::get_access_point(#{ AccountId: \"111122223333\", Name: \"finance-ap\" }).NetworkOrigin\n```", access_points::get_access_point);
    api.op("list_access_points", "ListAccessPoints", "The account's access points in this Region (optionally of one `Bucket`; `MaxResults`, `NextToken`).\n```rhai\ns3::list_access_points(#{ AccountId: \"111122223333\", Bucket: \"data-lake\" }).AccessPointList\n```", access_points::list_access_points);
    api.op("delete_access_point", "DeleteAccessPoint", "Deletes an access point (the bucket and its objects stay).\n```rhai\ns3::delete_access_point(#{ AccountId: \"111122223333\", Name: \"finance-ap\" })\n```", access_points::delete_access_point);
    api.op("put_access_point_policy", "PutAccessPointPolicy", "Sets an access point's policy (JSON text or a map; resources are the access point's ARN, objects `<arn>/object/KEY`); public policies are refused while BlockPublicPolicy is on.\n```rhai\ns3::put_access_point_policy(#{ AccountId: \"111122223333\", Name: \"finance-ap\", Policy: `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:us-east-1:111122223333:accesspoint/finance-ap/object/finance/*\"}]}` })\n```", access_points::put_access_point_policy);
    api.op("get_access_point_policy", "GetAccessPointPolicy", "An access point's policy text.\n```rhai\ns3::get_access_point_policy(#{ AccountId: \"111122223333\", Name: \"finance-ap\" }).Policy\n```", access_points::get_access_point_policy);
    api.op("delete_access_point_policy", "DeleteAccessPointPolicy", "Removes an access point's policy.\n```rhai\ns3::delete_access_point_policy(#{ AccountId: \"111122223333\", Name: \"finance-ap\" })\n```", access_points::delete_access_point_policy);
    api.op("get_access_point_policy_status", "GetAccessPointPolicyStatus", "Whether an access point's policy is public (a VPC-only access point never is).\n```rhai\ns3::get_access_point_policy_status(#{ AccountId: \"111122223333\", Name: \"finance-ap\" }).PolicyStatus.IsPublic\n```", access_points::get_access_point_policy_status);

    // ---- S3 Select ----
    api.op("select_object_content", "SelectObjectContent", "Runs an SQL query over one CSV or JSON object in S3 and returns only the matching records, with bytes scanned vs returned (`Payload` is the event stream; `Records` and `Stats` the same content flattened).\n```rhai\nlet r = s3::select_object_content(#{ Bucket: \"b\", Key: \"people.csv\", Expression: \"SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 30\", ExpressionType: \"SQL\", InputSerialization: #{ CSV: #{ FileHeaderInfo: \"USE\" } }, OutputSerialization: #{ JSON: #{} } });\nr.Stats\n```", select::select_object_content_via);
    let h = api.handle();
    api.func(
        "select",
        "S3 Select returning the records as an array of maps (a table): CSV with a header row, or JSON (keys ending in `.json`, `.jsonl`, `.ndjson`).\n```rhai\ns3::select(\"b\", \"people.csv\", \"SELECT s.name, s.city FROM S3Object s LIMIT 5\")\n```",
        &["bucket: &str", "key: &str", "sql: &str", "Array"],
        move |ctx: NativeCallContext, bucket: &str, key: &str, sql: &str| -> RhaiResult<rhai::Array> {
            let lower = key.to_ascii_lowercase();
            let input = if [".json", ".jsonl", ".ndjson"].iter().any(|s| lower.ends_with(s)) {
                m(&[("JSON", Dynamic::from_map(m(&[("Type", "DOCUMENT".into())])))])
            } else {
                m(&[("CSV", Dynamic::from_map(m(&[("FileHeaderInfo", "USE".into())])))])
            };
            let params = m(&[("Bucket", bucket.into()), ("Key", key.into()), ("Expression", sql.into()), ("ExpressionType", "SQL".into()), ("InputSerialization", Dynamic::from_map(input))]);
            select_rows(&h, &ctx, params)
        },
    );
    let h = api.handle();
    api.func(
        "select",
        "S3 Select with SelectObjectContent's parameters (OutputSerialization is set to JSON), returning the records as an array of maps.\n```rhai\ns3::select(#{ Bucket: \"b\", Key: \"log.jsonl\", Expression: \"SELECT * FROM S3Object s WHERE s.status >= 500\", ExpressionType: \"SQL\", InputSerialization: #{ JSON: #{ Type: \"LINES\" } } })\n```",
        &["params: Map", "Array"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult<rhai::Array> { select_rows(&h, &ctx, params) },
    );

    // ---- positional overloads ----
    macro_rules! positional {
        ($name:literal, $op:literal, $f:path, $doc:literal, [$($arg:ident),*], |$($p:ident),*| $build:expr) => {{
            let h = api.handle();
            let params: Vec<String> = vec![$(format!("{}: &str", stringify!($arg))),*, "Map".to_string()];
            let params: Vec<&str> = params.iter().map(|s| s.as_str()).collect();
            api.func($name, $doc, &params, move |ctx: NativeCallContext, $($p: Dynamic),*| -> RhaiResult { h.run(&ctx, $op, $name, $f, $build) });
        }};
    }
    positional!("create_bucket", "CreateBucket", ops::create_bucket, "Creates a bucket in the caller's region.\n```rhai\ns3::create_bucket(\"my-bucket\")\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("delete_bucket", "DeleteBucket", ops::delete_bucket, "Deletes an empty bucket.\n```rhai\ns3::delete_bucket(\"my-bucket\")\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("head_bucket", "HeadBucket", ops::head_bucket, "Checks a bucket.\n```rhai\ns3::head_bucket(\"my-bucket\")\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("put_object", "PutObject", via::put_object, "Stores an object.\n```rhai\ns3::put_object(\"b\", \"hello.txt\", \"hi\")\n```", [bucket, key, body], |b, k, body| m(&[("Bucket", b), ("Key", k), ("Body", body)]));
    positional!("get_object", "GetObject", via::get_object, "Reads an object.\n```rhai\ns3::get_object(\"b\", \"hello.txt\").Body.as_string()\n```", [bucket, key], |b, k| m(&[("Bucket", b), ("Key", k)]));
    positional!("head_object", "HeadObject", via::head_object, "An object's metadata.\n```rhai\ns3::head_object(\"b\", \"hello.txt\")\n```", [bucket, key], |b, k| m(&[("Bucket", b), ("Key", k)]));
    positional!("delete_object", "DeleteObject", via::delete_object, "Deletes an object (a delete marker in versioned buckets).\n```rhai\ns3::delete_object(\"b\", \"hello.txt\")\n```", [bucket, key], |b, k| m(&[("Bucket", b), ("Key", k)]));
    positional!("list_objects", "ListObjects", via::list_objects, "Lists a bucket's keys (ListObjects, version 1).\n```rhai\ns3::list_objects(\"b\").Contents\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("list_objects_v2", "ListObjectsV2", via::list_objects_v2, "Lists a bucket's keys.\n```rhai\ns3::list_objects_v2(\"b\").Contents\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("list_objects_v2", "ListObjectsV2", via::list_objects_v2, "Lists keys under a prefix.\n```rhai\ns3::list_objects_v2(\"b\", \"logs/\")\n```", [bucket, prefix], |b, p| m(&[("Bucket", b), ("Prefix", p)]));
    positional!("list_object_versions", "ListObjectVersions", via::list_object_versions, "Lists versions and delete markers.\n```rhai\ns3::list_object_versions(\"b\")\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("put_bucket_versioning", "PutBucketVersioning", ops::put_bucket_versioning, "Sets versioning to `Enabled` or `Suspended`.\n```rhai\ns3::put_bucket_versioning(\"b\", \"Enabled\")\n```", [bucket, status], |b, s| m(&[("Bucket", b), ("VersioningConfiguration", Dynamic::from_map(m(&[("Status", s)])))]));
    positional!("put_bucket_policy", "PutBucketPolicy", ops::put_bucket_policy, "Sets the bucket policy (JSON text or a map).\n```rhai\ns3::put_bucket_policy(\"b\", policy)\n```", [bucket, policy], |b, p| m(&[("Bucket", b), ("Policy", p)]));
    positional!("get_bucket_policy", "GetBucketPolicy", ops::get_bucket_policy, "The bucket policy.\n```rhai\ns3::get_bucket_policy(\"b\").Policy\n```", [bucket], |b| m(&[("Bucket", b)]));
    positional!("create_access_point", "CreateAccessPoint", access_points::create_access_point, "Creates an access point `name` on `bucket` in the caller's account.\n```rhai\ns3::create_access_point(\"finance-ap\", \"data-lake\").Alias\n```", [name, bucket], |n, b| m(&[("Name", n), ("Bucket", b)]));
    positional!("get_access_point", "GetAccessPoint", access_points::get_access_point, "An access point of the caller's account.\n```rhai\ns3::get_access_point(\"finance-ap\")\n```", [name], |n| m(&[("Name", n)]));
    positional!("delete_access_point", "DeleteAccessPoint", access_points::delete_access_point, "Deletes an access point of the caller's account.\n```rhai\ns3::delete_access_point(\"finance-ap\")\n```", [name], |n| m(&[("Name", n)]));
    positional!("put_access_point_policy", "PutAccessPointPolicy", access_points::put_access_point_policy, "Sets an access point's policy (JSON text or a map).\n```rhai\ns3::put_access_point_policy(\"finance-ap\", policy)\n```", [name, policy], |n, p| m(&[("Name", n), ("Policy", p)]));
    positional!("get_access_point_policy_status", "GetAccessPointPolicyStatus", access_points::get_access_point_policy_status, "Whether an access point's policy is public.\n```rhai\ns3::get_access_point_policy_status(\"finance-ap\").PolicyStatus.IsPublic\n```", [name], |n| m(&[("Name", n)]));
    positional!("delete_access_point_policy", "DeleteAccessPointPolicy", access_points::delete_access_point_policy, "Removes an access point's policy.\n```rhai\ns3::delete_access_point_policy(\"finance-ap\")\n```", [name], |n| m(&[("Name", n)]));
    positional!("get_access_point_policy", "GetAccessPointPolicy", access_points::get_access_point_policy, "An access point's policy.\n```rhai\ns3::get_access_point_policy(\"finance-ap\").Policy\n```", [name], |n| m(&[("Name", n)]));
    positional!("copy_object", "CopyObject", via::copy_object, "Copies `source` (`bucket/key`) to bucket/key.\n```rhai\ns3::copy_object(\"b/hello.txt\", \"b\", \"copy.txt\")\n```", [source, bucket, key], |s, b, k| m(&[("CopySource", s), ("Bucket", b), ("Key", k)]));

    // ---- presigned URLs ----
    let h = api.handle();
    api.func(
        "generate_presigned_url",
        "Builds a SigV4 presigned URL (as boto3's generate_presigned_url does), signed with the current principal's credentials or explicit `Credentials`; it acts with the signer's permissions when used and expires after `ExpiresIn` seconds.\n```rhai\nlet url = s3::generate_presigned_url(#{ ClientMethod: \"get_object\", Params: #{ Bucket: \"b\", Key: \"k\" }, ExpiresIn: 300 });\n```",
        &["params: Map", "String"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult<String> {
            let params = Dynamic::from_map(params);
            let req: presign::PresignRequest = from_params(&params, &S3, "generate_presigned_url").map_err(|e| throw(e, ctx.call_position()))?;
            h.with(&ctx, |w| presign::generate_url(w, &req))
        },
    );
    let h = api.handle();
    api.func(
        "generate_presigned_url",
        "A presigned URL for `client_method` (`get_object`, `put_object`, ...) on bucket/key, valid `expires_in` seconds, signed with the current principal's credentials.\n```rhai\nas_principal(\"alice\", || s3::generate_presigned_url(\"get_object\", \"b\", \"k\", 300))\n```",
        &["client_method: &str", "bucket: &str", "key: &str", "expires_in: i64", "String"],
        move |ctx: NativeCallContext, method: &str, bucket: &str, key: &str, expires_in: i64| -> RhaiResult<String> {
            let req = presign::PresignRequest {
                client_method: method.into(),
                params: presign::PresignParams { bucket: bucket.into(), key: Some(key.into()), ..Default::default() },
                expires_in: Some(expires_in),
                ..Default::default()
            };
            h.with(&ctx, |w| presign::generate_url(w, &req))
        },
    );
    let h = api.handle();
    api.func(
        "presign",
        "Like generate_presigned_url, but returns how the URL was made: `#{ Url, Method, CanonicalRequest, StringToSign, Signature, Expires }`, and `Headers`, the signed headers the request must send, when `Params` asks for any (`ContentType`, `Metadata`, `StorageClass`, SSE-C, `IfMatch`, `IfNoneMatch`, `Range`).\n```rhai\ns3::presign(#{ ClientMethod: \"get_object\", Params: #{ Bucket: \"examplebucket\", Key: \"test.txt\" }, ExpiresIn: 86400, Credentials: #{ AccessKeyId: \"AKIAIOSFODNN7EXAMPLE\", SecretAccessKey: \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\" } }).StringToSign\n```",
        &["params: Map", "Map"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            let params = Dynamic::from_map(params);
            let req: presign::PresignRequest = from_params(&params, &S3, "presign").map_err(|e| throw(e, ctx.call_position()))?;
            let p = h.with(&ctx, |w| presign::generate(w, &req))?;
            to_dyn(&p)
        },
    );
    let h = api.handle();
    api.func(
        "request",
        "Sends an HTTP request to simulated S3 as an unauthenticated client (a presigned URL carries its own signature): `#{ Status, Headers, Body, ErrorCode, ErrorMessage }`.\n```rhai\nlet r = s3::request(\"GET\", url);\nr.Status\n```",
        &["method: &str", "url: &str", "Map"],
        move |ctx: NativeCallContext, method: &str, url: &str| -> RhaiResult {
            let req = presign::HttpRequest { method: method.into(), url: url.into(), ..Default::default() };
            let r = h.with(&ctx, |w| Ok(presign::request(w, req)))?;
            to_dyn(&r)
        },
    );
    let h = api.handle();
    api.func(
        "request",
        "Sends an HTTP request with a body (PUT through a presigned URL).\n```rhai\ns3::request(\"PUT\", url, \"new content\")\n```",
        &["method: &str", "url: &str", "body: Blob", "Map"],
        move |ctx: NativeCallContext, method: &str, url: &str, body: Dynamic| -> RhaiResult {
            let body = blob_of(&body).map_err(|e| throw(e, ctx.call_position()))?;
            let req = presign::HttpRequest { method: method.into(), url: url.into(), body: Some(body), ..Default::default() };
            let r = h.with(&ctx, |w| Ok(presign::request(w, req)))?;
            to_dyn(&r)
        },
    );
    let h = api.handle();
    api.func(
        "request",
        "Sends an HTTP request described by a map: `#{ Method, Url, Body, Headers, SourceIp }`.\n```rhai\ns3::request(#{ Method: \"GET\", Url: url, Headers: #{ Range: \"bytes=0-4\" }, SourceIp: \"198.51.100.7\" })\n```",
        &["request: Map", "Map"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            let req: presign::HttpRequest = from_params(&Dynamic::from_map(params), &S3, "request").map_err(|e| throw(e, ctx.call_position()))?;
            let r = h.with(&ctx, |w| Ok(presign::request(w, req)))?;
            to_dyn(&r)
        },
    );

    // ---- storage classes, costs, lifecycle ----
    api.func(
        "storage_classes",
        "The storage classes with their documented facts: durability, availability, AZs, minimum storage duration and billable size, whether GET needs a restore, and list prices.\n```rhai\ns3::storage_classes()\n```",
        &["Array"],
        move || -> Dynamic {
            classes::ALL_CLASSES
                .iter()
                .map(|c| {
                    let f = c.facts();
                    let p = classes::prices(*c);
                    let mut r = Map::new();
                    r.insert("StorageClass".into(), c.as_str().into());
                    r.insert("Durability".into(), f.durability.into());
                    r.insert("Availability".into(), f.availability.into());
                    r.insert("AvailabilityZones".into(), f.azs.into());
                    r.insert("MinStorageDays".into(), (f.min_storage_days as i64).into());
                    r.insert("MinBillableKB".into(), ((f.min_billable_bytes / 1024) as i64).into());
                    r.insert("ArchiveOverheadKB".into(), (((f.archive_overhead.0 + f.archive_overhead.1) / 1024) as i64).into());
                    r.insert("NeedsRestore".into(), f.needs_restore.into());
                    r.insert("StoragePerGBMonth".into(), p.storage_gb_month.into());
                    Dynamic::from_map(r)
                })
                .collect::<rhai::Array>()
                .into()
        },
    );
    api.func(
        "estimate_storage_cost",
        "Estimates what a workload costs in one storage class with S3's billing rules (minimum size and duration, archive overhead, request and retrieval fees), from the replaceable us-east-1 price table. ESTIMATE, not a bill.\n```rhai\ns3::estimate_storage_cost(#{ StorageClass: \"STANDARD_IA\", Objects: 100000, ObjectSize: 1048576, Days: 365, GetsPerMonth: 10000 })\n```",
        &["workload: Map", "Map"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            let w: classes::Workload = from_params(&Dynamic::from_map(params), &S3, "estimate_storage_cost").map_err(|e| throw(e, ctx.call_position()))?;
            let class = classes::StorageClass::parse(w.storage_class.as_deref().unwrap_or("STANDARD")).map_err(|e| throw(e, ctx.call_position()))?;
            to_dyn(&classes::estimate(class, &w))
        },
    );
    api.func(
        "compare_storage_classes",
        "Prices one workload in every storage class (a table, cheapest first).\n```rhai\ns3::compare_storage_classes(#{ Objects: 100000, ObjectSize: 1048576, Days: 365, GetsPerMonth: 1000 })\n```",
        &["workload: Map", "Array"],
        move |ctx: NativeCallContext, params: Map| -> RhaiResult {
            let w: classes::Workload = from_params(&Dynamic::from_map(params), &S3, "compare_storage_classes").map_err(|e| throw(e, ctx.call_position()))?;
            let mut rows: Vec<classes::Estimate> = classes::ALL_CLASSES.iter().map(|c| classes::estimate(*c, &w)).collect();
            rows.sort_by(|a, b| a.total.total_cmp(&b.total).then(a.storage_class.cmp(&b.storage_class)));
            to_dyn(&rows)
        },
    );
    let h = api.handle();
    api.func(
        "lifecycle_events",
        "What lifecycle rules have done so far in a bucket (transitions, expirations, delete markers), oldest first.\n```rhai\ns3::lifecycle_events(\"b\")\n```",
        &["bucket: &str", "Array"],
        move |bucket: &str| -> RhaiResult {
            let w = h.shared.lock();
            let rows: Vec<_> = w.s3.lifecycle_events.iter().filter(|e| e.bucket == bucket).collect();
            to_dyn(&rows)
        },
    );
    let h = api.handle();
    api.func(
        "storage_summary",
        "Per storage class: how many current and noncurrent object versions a bucket holds and their bytes.\n```rhai\ns3::storage_summary(\"b\")\n```",
        &["bucket: &str", "Array"],
        move |bucket: &str| -> RhaiResult {
            let w = h.shared.lock();
            let mut rows: std::collections::BTreeMap<&'static str, (i64, i64, i64)> = std::collections::BTreeMap::new();
            if let Some(b) = w.s3.buckets.get(bucket) {
                for vs in b.objects.values() {
                    let n = vs.len();
                    for (i, v) in vs.iter().enumerate().filter(|(_, v)| !v.delete_marker) {
                        let e = rows.entry(v.storage_class.as_str()).or_default();
                        if i + 1 == n { e.0 += 1 } else { e.1 += 1 }
                        e.2 += v.size as i64;
                    }
                }
            }
            Ok(rows
                .into_iter()
                .map(|(c, (cur, non, bytes))| {
                    Dynamic::from_map(m(&[("StorageClass", c.into()), ("Current", cur.into()), ("Noncurrent", non.into()), ("Bytes", bytes.into())]))
                })
                .collect::<rhai::Array>()
                .into())
        },
    );
    api.install(engine);
}

/// Runs SelectObjectContent with JSON output and parses each output record into a map.
fn select_rows(h: &crate::script::api::Handle, ctx: &NativeCallContext, mut params: Map) -> RhaiResult<rhai::Array> {
    params.insert("OutputSerialization".into(), Dynamic::from_map(m(&[("JSON", Dynamic::from_map(Map::new()))])));
    let resp = h.run(ctx, "SelectObjectContent", "select", select::select_object_content_via, params)?.cast::<Map>();
    let records = resp.get("Records").and_then(|r| r.clone().into_string().ok()).unwrap_or_default();
    Ok(records
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).map(|v| crate::script::convert::json_to_dynamic(&v)).unwrap_or_else(|_| l.into()))
        .collect())
}

fn blob_of(d: &Dynamic) -> Result<crate::world::Blob, crate::world::AwsError> {
    if let Some(b) = d.read_lock::<rhai::Blob>() {
        return Ok(crate::world::Blob(b.to_vec()));
    }
    if let Some(s) = d.read_lock::<rhai::ImmutableString>() {
        return Ok(crate::world::Blob(s.as_bytes().to_vec()));
    }
    Err(super::error::invalid_argument(format!("a body must be a blob or a string, not a {}", d.type_name())))
}
