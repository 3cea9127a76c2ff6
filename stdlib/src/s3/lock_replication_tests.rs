//! Script-level tests of Object Lock and replication (each cites the AWS rule it pins).

use rhai::Dynamic;

use crate::script::testing::*;

const LOCKED: &str = r#"
    s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true });
    let v1 = s3::put_object(#{ Bucket: "vault", Key: "ledger.csv", Body: "a,b",
        ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: "2026-01-31T00:00:00Z" }).VersionId;
"#;

#[test]
fn object_lock_needs_versioning_and_turns_it_on() {
    // "When you create a bucket with Object Lock enabled, Amazon S3 automatically enables versioning."
    let r = map(ok(r#"s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true }); s3::get_bucket_versioning(#{ Bucket: "vault" })"#));
    assert_eq!(s(&r["Status"]), "Enabled");
    // Versioning can't be suspended on an Object Lock bucket.
    let (c, m) = code(r#"s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true }); s3::put_bucket_versioning("vault", "Suspended")"#);
    assert_eq!((c.as_str(), m.as_str()), ("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."));
    // Enabling it later needs versioning Enabled.
    let (c, _) = code(r#"s3::create_bucket("plain"); s3::put_object_lock_configuration(#{ Bucket: "plain", ObjectLockConfiguration: #{ ObjectLockEnabled: "Enabled" } })"#);
    assert_eq!(c, "InvalidBucketState");
    let r = map(ok(r#"s3::create_bucket("plain"); s3::put_bucket_versioning("plain", "Enabled");
        s3::put_object_lock_configuration(#{ Bucket: "plain", ObjectLockConfiguration: #{ ObjectLockEnabled: "Enabled" } });
        s3::get_object_lock_configuration(#{ Bucket: "plain" }).ObjectLockConfiguration"#));
    assert_eq!(s(&r["ObjectLockEnabled"]), "Enabled");
    // Retention on a bucket without Object Lock: InvalidRequest.
    let (c, m) = code(r#"s3::create_bucket("plain"); s3::put_object("plain", "k", "x");
        s3::put_object_retention(#{ Bucket: "plain", Key: "k", Retention: #{ Mode: "GOVERNANCE", RetainUntilDate: "2027-01-01T00:00:00Z" } })"#);
    assert_eq!((c.as_str(), m.as_str()), ("InvalidRequest", "Bucket is missing Object Lock Configuration"));
    assert_eq!(code(r#"s3::create_bucket("plain"); s3::get_object_lock_configuration(#{ Bucket: "plain" })"#).0, "ObjectLockConfigurationNotFoundError");
    // Days and Years are exclusive; the period must be positive.
    let bad = r#"s3::create_bucket(#{ Bucket: "vault2", ObjectLockEnabledForBucket: true });
        s3::put_object_lock_configuration(#{ Bucket: "vault2", ObjectLockConfiguration: #{ ObjectLockEnabled: "Enabled", Rule: #{ DefaultRetention: #{ Mode: "GOVERNANCE", Days: 0 } } } })"#;
    assert_eq!(code(bad).0, "InvalidArgument");
}

#[test]
fn compliance_retention_binds_even_the_root_user_until_the_clock_passes() {
    // "In compliance mode, a protected object version can't be overwritten or deleted by any
    // user, including the root user in your AWS account."
    let (c, m) = code(&format!(r#"{LOCKED} s3::delete_object(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1, BypassGovernanceRetention: true }})"#));
    assert_eq!((c.as_str(), m.as_str()), ("AccessDenied", "Access Denied because object protected by object lock."));
    // It can't be shortened or removed ...
    let shorten = format!(r#"{LOCKED} s3::put_object_retention(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1, BypassGovernanceRetention: true,
        Retention: #{{ Mode: "COMPLIANCE", RetainUntilDate: "2026-01-15T00:00:00Z" }} }})"#);
    assert_eq!(code(&shorten).1, "Access Denied because object protected by object lock.");
    let weaken = format!(r#"{LOCKED} s3::put_object_retention(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1, BypassGovernanceRetention: true,
        Retention: #{{ Mode: "GOVERNANCE", RetainUntilDate: "2026-02-28T00:00:00Z" }} }})"#);
    assert_eq!(code(&weaken).0, "AccessDenied");
    // ... but it can be extended.
    let r = map(ok(&format!(r#"{LOCKED} s3::put_object_retention(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1,
        Retention: #{{ Mode: "COMPLIANCE", RetainUntilDate: "2026-03-01T00:00:00Z" }} }});
        s3::get_object_retention(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1 }}).Retention"#)));
    assert_eq!(s(&r["RetainUntilDate"]), "2026-03-01T00:00:00Z");
    // A simple DELETE only adds a delete marker: locks protect versions, not keys.
    let r = map(ok(&format!(r#"{LOCKED} s3::delete_object("vault", "ledger.csv")"#)));
    assert!(r["DeleteMarker"].as_bool().unwrap());
    // Retention ends on the clock: then the version can be deleted.
    let r = map(ok(&format!(r#"{LOCKED} clock::set("2026-01-31T00:00:00Z"); s3::delete_object(#{{ Bucket: "vault", Key: "ledger.csv", VersionId: v1 }})"#)));
    assert_eq!(s(&r["VersionId"]).len(), 32);
    // HeadObject reports the lock.
    let h = map(ok(&format!(r#"{LOCKED} s3::head_object("vault", "ledger.csv")"#)));
    assert_eq!(s(&h["ObjectLockMode"]), "COMPLIANCE");
    assert_eq!(s(&h["ObjectLockRetainUntilDate"]), "2026-01-31T00:00:00Z");
    // Dates in the past are refused.
    let past = r#"s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true });
        s3::put_object(#{ Bucket: "vault", Key: "k", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: "2025-01-01T00:00:00Z" })"#;
    assert_eq!(code(past).1, "The retain until date must be in the future!");
}

const GOVERNED: &str = r#"
    s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true });
    s3::put_object_lock_configuration(#{ Bucket: "vault", ObjectLockConfiguration: #{ ObjectLockEnabled: "Enabled",
        Rule: #{ DefaultRetention: #{ Mode: "GOVERNANCE", Days: 30 } } } });
    let v1 = s3::put_object("vault", "report.pdf", "pdf").VersionId;
    iam::create_user("ops");
    iam::put_user_policy(#{ UserName: "ops", PolicyName: "del", PolicyDocument:
        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:DeleteObjectVersion","s3:PutObjectRetention"],"Resource":"arn:aws:s3:::vault/*"}]}` });
"#;

#[test]
fn governance_retention_yields_only_to_the_bypass_permission() {
    // The default retention applies to new versions: 30 days GOVERNANCE.
    let r = map(ok(&format!(r#"{GOVERNED} s3::get_object_retention(#{{ Bucket: "vault", Key: "report.pdf" }}).Retention"#)));
    assert_eq!((s(&r["Mode"]).as_str(), s(&r["RetainUntilDate"]).as_str()), ("GOVERNANCE", "2026-01-31T00:00:00Z"));
    // Without the bypass header: refused, even for the root user.
    let del = r#"s3::delete_object(#{ Bucket: "vault", Key: "report.pdf", VersionId: v1 })"#;
    assert_eq!(code(&format!("{GOVERNED} {del}")).1, "Access Denied because object protected by object lock.");
    // With the header but without s3:BypassGovernanceRetention: refused.
    let bypass = r#"s3::delete_object(#{ Bucket: "vault", Key: "report.pdf", VersionId: v1, BypassGovernanceRetention: true })"#;
    assert_eq!(code(&format!(r#"{GOVERNED} as_principal("ops", || {bypass})"#)).1, "Access Denied because object protected by object lock.");
    // Header and permission: deleted.
    let grant = r#"iam::put_user_policy(#{ UserName: "ops", PolicyName: "bypass", PolicyDocument:
        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::vault/*"}]}` });"#;
    let r = map(ok(&format!(r#"{GOVERNED} {grant} as_principal("ops", || {bypass}); s3::list_object_versions("vault")"#)));
    assert!(!r.contains_key("Versions") || r["Versions"].clone().into_array().unwrap().is_empty());
    // Shortening governance needs the bypass too.
    let shorten = r#"s3::put_object_retention(#{ Bucket: "vault", Key: "report.pdf", Retention: #{ Mode: "GOVERNANCE", RetainUntilDate: "2026-01-02T00:00:00Z" } })"#;
    assert_eq!(code(&format!("{GOVERNED} {shorten}")).0, "AccessDenied");
    // A legal hold has no date and no bypass: it holds until switched OFF.
    let held = format!(
        r#"{GOVERNED} {grant} s3::put_object_legal_hold(#{{ Bucket: "vault", Key: "report.pdf", LegalHold: #{{ Status: "ON" }} }});
           clock::set("2026-06-01T00:00:00Z");"#
    );
    assert_eq!(code(&format!(r#"{held} as_principal("ops", || {bypass})"#)).1, "Access Denied because object protected by object lock.");
    let r = map(ok(&format!(
        r#"{held} s3::put_object_legal_hold(#{{ Bucket: "vault", Key: "report.pdf", LegalHold: #{{ Status: "OFF" }} }}); {del}"#
    )));
    assert_eq!(s(&r["VersionId"]), s(&ok(&format!("{GOVERNED} v1"))));
}

#[test]
fn lifecycle_does_not_expire_locked_versions() {
    let src = format!(
        r#"{LOCKED}
        s3::put_object("vault", "ledger.csv", "newer");
        s3::put_bucket_lifecycle_configuration(#{{ Bucket: "vault", LifecycleConfiguration: #{{ Rules: [#{{ ID: "old", Status: "Enabled", Filter: #{{}},
            NoncurrentVersionExpiration: #{{ NoncurrentDays: 1 }} }}] }} }});
        clock::advance("5d");
        let n1 = s3::list_object_versions("vault").Versions.len();
        clock::set("2026-02-02T00:00:00Z");
        [n1, s3::list_object_versions("vault").Versions.len()]"#
    );
    let r: Vec<i64> = ok(&src).into_array().unwrap().into_iter().map(|d| d.as_int().unwrap()).collect();
    // Locked until Jan 31: kept past its 1 noncurrent day; removed by the first pass after.
    assert_eq!(r, [2, 1]);
}

/// Two versioned buckets in two regions, an object written before replication, a role
/// S3 can assume with the documented replication permissions.
const REPL: &str = r#"
    s3::create_bucket("src");
    s3::put_bucket_versioning("src", "Enabled");
    world::set_region("us-west-2");
    s3::create_bucket(#{ Bucket: "dst", CreateBucketConfiguration: #{ LocationConstraint: "us-west-2" } });
    s3::put_bucket_versioning("dst", "Enabled");
    world::set_region("us-east-1");
    s3::put_object("src", "old.txt", "before");
    let role = iam::create_role("replication", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`).Role.Arn;
    iam::put_role_policy("replication", "replicate", `{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:GetObjectVersionForReplication","s3:GetObjectVersionAcl","s3:GetObjectVersionTagging"],"Resource":"arn:aws:s3:::src/*"},
        {"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Resource":"arn:aws:s3:::dst/*"}]}`);
    fn rule(rtc) {
        let d = #{ Bucket: "arn:aws:s3:::dst" };
        if rtc { d.ReplicationTime = #{ Status: "Enabled", Time: #{ Minutes: 15 } }; d.Metrics = #{ Status: "Enabled", EventThreshold: #{ Minutes: 15 } }; }
        #{ ID: "all", Priority: 1, Status: "Enabled", Filter: #{}, DeleteMarkerReplication: #{ Status: "Enabled" }, Destination: d }
    }
"#;

fn repl(rtc: bool, rest: &str) -> String {
    format!(r#"{REPL} s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [rule({rtc})] }} }}); {rest}"#)
}

#[test]
fn replication_runs_on_the_clock_and_is_not_retroactive() {
    let r = map(ok(&repl(
        false,
        r#"let v = s3::put_object("src", "new.txt", "after").VersionId;
           let pending = s3::head_object("src", "new.txt").ReplicationStatus;
           clock::advance("59m");
           let early = s3::list_object_versions("dst");
           clock::advance("1m");
           let h = s3::head_object("dst", "new.txt");
           #{ v: v, pending: pending, early: (early.Versions ?? []).len(), done: s3::head_object("src", "new.txt").ReplicationStatus,
              replica: h.ReplicationStatus, replica_version: h.VersionId, body: s3::get_object("dst", "new.txt").Body.as_string(),
              keys: s3::list_objects_v2("dst").Contents.map(|o| o.Key),
              old_status: s3::head_object("src", "old.txt").ReplicationStatus ?? "none" }"#,
    )));
    assert_eq!(s(&r["pending"]), "PENDING");
    // Best effort: the simulator's documented delay is one hour.
    assert_eq!(r["early"].as_int().unwrap(), 0);
    assert_eq!(s(&r["done"]), "COMPLETED");
    assert_eq!(s(&r["replica"]), "REPLICA");
    // Replicas keep the source's version id.
    assert_eq!(s(&r["replica_version"]), s(&r["v"]));
    assert_eq!(s(&r["body"]), "after");
    // "Objects that existed before you added the replication configuration" are not replicated.
    let keys: Vec<String> = r["keys"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(keys, ["new.txt"]);
    assert_eq!(s(&r["old_status"]), "none");
}

#[test]
fn rtc_replicates_within_fifteen_minutes_and_audits_as_the_role() {
    let r = map(ok(&repl(
        true,
        r#"s3::put_object("src", "a.txt", "x");
           clock::advance("15m");
           let ev = world::trail().filter(|e| e.eventName == "ReplicateObject");
           let assume = world::trail().filter(|e| e.eventName == "AssumeRole")[-1];
           #{ status: s3::head_object("src", "a.txt").ReplicationStatus, who: ev[0].userIdentity.arn, by: ev[0].userIdentity.invokedBy,
              assumer: assume.userIdentity.invokedBy ?? assume.userIdentity.type, err: assume.errorCode ?? "" }"#,
    )));
    assert_eq!(s(&r["status"]), "COMPLETED");
    assert_eq!(s(&r["who"]), "arn:aws:sts::111122223333:assumed-role/replication/s3-replication");
    assert_eq!(s(&r["by"]), "s3.amazonaws.com");
    assert_eq!(s(&r["err"]), "");
}

#[test]
fn delete_markers_replicate_only_when_enabled_and_version_deletes_never() {
    let r = map(ok(&repl(
        true,
        r#"let v = s3::put_object("src", "a.txt", "x").VersionId;
           clock::advance("15m");
           s3::delete_object("src", "a.txt");
           clock::advance("15m");
           let marker = s3::list_object_versions("dst").DeleteMarkers.len();
           s3::delete_object(#{ Bucket: "src", Key: "a.txt", VersionId: v });
           clock::advance("15m");
           #{ marker: marker, dst_versions: s3::list_object_versions("dst").Versions.len() }"#,
    )));
    assert_eq!(r["marker"].as_int().unwrap(), 1);
    // "If you specify an object version ID to delete ... Amazon S3 deletes that object version
    // in the source bucket. But it doesn't replicate the deletion in the destination buckets."
    assert_eq!(r["dst_versions"].as_int().unwrap(), 1);
    // With DeleteMarkerReplication Disabled the marker stays in the source.
    let off = ok(&format!(
        r#"{REPL} let r = rule(false); r.DeleteMarkerReplication = #{{ Status: "Disabled" }};
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [r] }} }});
           s3::put_object("src", "a.txt", "x"); clock::advance("1h"); s3::delete_object("src", "a.txt"); clock::advance("1h");
           s3::list_object_versions("dst").DeleteMarkers"#
    ));
    assert!(off.is_unit() || off.into_array().unwrap().is_empty());
}

#[test]
fn replication_fails_without_trust_or_permissions_and_batch_replication_catches_up() {
    // A role that trusts only EC2: S3 cannot assume it, the version is FAILED.
    let r = s(&ok(&format!(
        r#"{REPL} iam::update_assume_role_policy(#{{ RoleName: "replication", PolicyDocument:
             `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}}]}}` }});
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [rule(true)] }} }});
           s3::put_object("src", "a.txt", "x"); clock::advance("15m"); s3::head_object("src", "a.txt").ReplicationStatus"#
    )));
    assert_eq!(r, "FAILED");
    // A role without s3:ReplicateObject on the destination: FAILED, and the denial is audited.
    let r = map(ok(&format!(
        r#"{REPL} iam::delete_role_policy(#{{ RoleName: "replication", PolicyName: "replicate" }});
           iam::put_role_policy("replication", "read-only", `{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObjectVersionForReplication","Resource":"arn:aws:s3:::src/*"}}]}}`);
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [rule(true)] }} }});
           s3::put_object("src", "a.txt", "x"); clock::advance("15m");
           #{{ status: s3::head_object("src", "a.txt").ReplicationStatus, err: world::trail().filter(|e| e.eventName == "ReplicateObject")[-1].errorMessage }}"#
    )));
    assert_eq!(s(&r["status"]), "FAILED");
    assert!(s(&r["err"]).contains("s3:ReplicateObject"), "{}", s(&r["err"]));
    // Batch Replication replicates objects that existed before (and failed ones).
    let r = map(ok(&repl(
        false,
        r#"let job = s3::create_job(#{ AccountId: "111122223333", Operation: #{ S3ReplicateObject: #{} }, RoleArn: role, Priority: 10,
               ManifestGenerator: #{ S3JobManifestGenerator: #{ SourceBucket: "arn:aws:s3:::src", Filter: #{ ObjectReplicationStatuses: ["NONE", "FAILED"] } } } }).JobId;
           let before = s3::describe_job(#{ AccountId: "111122223333", JobId: job }).Job;
           clock::advance("1h");
           #{ before: before.Status, after: s3::describe_job(#{ AccountId: "111122223333", JobId: job }).Job,
              body: s3::get_object("dst", "old.txt").Body.as_string() }"#,
    )));
    assert_eq!(s(&r["before"]), "Active");
    let after = map(r["after"].clone());
    assert_eq!(s(&after["Status"]), "Complete");
    assert_eq!(map(after["ProgressSummary"].clone())["NumberOfTasksSucceeded"].as_int().unwrap(), 1);
    assert_eq!(s(&r["body"]), "before");
}

#[test]
fn put_bucket_replication_validates_like_aws() {
    // "Both source and destination buckets must have versioning enabled."
    let (c, m) = code(&format!(
        r#"{REPL} s3::create_bucket("unversioned");
           let r = rule(false); r.Destination.Bucket = "arn:aws:s3:::unversioned";
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [r] }} }})"#
    ));
    assert_eq!((c.as_str(), m.as_str()), ("InvalidRequest", "Destination bucket must have versioning enabled."));
    let (c, m) = code(&format!(
        r#"{REPL} s3::create_bucket("plain");
           s3::put_bucket_replication(#{{ Bucket: "plain", ReplicationConfiguration: #{{ Role: role, Rules: [rule(false)] }} }})"#
    ));
    assert_eq!(c, "InvalidRequest");
    assert!(m.contains("Versioning must be 'Enabled'"));
    // Once configured, the source's versioning can't be suspended.
    assert_eq!(code(&repl(false, r#"s3::put_bucket_versioning("src", "Suspended")"#)).0, "InvalidBucketState");
    // Replicated objects are not replicated again (no chaining), and GET returns the config.
    let r = map(ok(&repl(false, r#"s3::get_bucket_replication(#{ Bucket: "src" }).ReplicationConfiguration"#)));
    assert_eq!(s(&r["Role"]), "arn:aws:iam::111122223333:role/replication");
    assert_eq!(code(r#"s3::create_bucket("bkt"); s3::get_bucket_replication(#{ Bucket: "bkt" })"#).0, "ReplicationConfigurationNotFoundError");
}

#[test]
fn replicas_can_change_storage_class_and_skip_archived_and_unselected_kms_objects() {
    let r = map(ok(&format!(
        r#"{REPL} let r = rule(true); r.Destination.StorageClass = "STANDARD_IA";
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [r] }} }});
           s3::put_object("src", "a.txt", "x");
           s3::put_object(#{{ Bucket: "src", Key: "cold.txt", Body: "x", StorageClass: "GLACIER" }});
           let key = kms::create_key("data").KeyMetadata.Arn;
           s3::put_object(#{{ Bucket: "src", Key: "kms.txt", Body: "x", ServerSideEncryption: "aws:kms", SSEKMSKeyId: key }});
           clock::advance("15m");
           #{{ class: s3::head_object("dst", "a.txt").StorageClass, keys: s3::list_objects_v2("dst").Contents.map(|o| o.Key),
              cold: s3::head_object("src", "cold.txt").ReplicationStatus ?? "none", kms: s3::head_object("src", "kms.txt").ReplicationStatus ?? "none" }}"#
    )));
    assert_eq!(s(&r["class"]), "STANDARD_IA");
    let keys: Vec<String> = r["keys"].clone().into_array().unwrap().iter().map(s).collect();
    assert_eq!(keys, ["a.txt"]);
    assert_eq!(s(&r["cold"]), "none");
    assert_eq!(s(&r["kms"]), "none");
}

#[test]
fn sse_kms_objects_replicate_under_the_replica_key_when_selected() {
    let r = map(ok(&format!(
        r#"{REPL} world::set_region("us-west-2"); let replica_key = kms::create_key("replica").KeyMetadata.Arn; world::set_region("us-east-1");
           let key = kms::create_key("data").KeyMetadata.Arn;
           iam::put_role_policy("replication", "kms", `{{"Version":"2012-10-17","Statement":[
               {{"Effect":"Allow","Action":"kms:Decrypt","Resource":"${{key}}"}},
               {{"Effect":"Allow","Action":["kms:Encrypt","kms:GenerateDataKey"],"Resource":"${{replica_key}}"}}]}}`);
           let r = rule(true);
           r.SourceSelectionCriteria = #{{ SseKmsEncryptedObjects: #{{ Status: "Enabled" }} }};
           r.Destination.EncryptionConfiguration = #{{ ReplicaKmsKeyID: replica_key }};
           s3::put_bucket_replication(#{{ Bucket: "src", ReplicationConfiguration: #{{ Role: role, Rules: [r] }} }});
           s3::put_object(#{{ Bucket: "src", Key: "kms.txt", Body: "secret", ServerSideEncryption: "aws:kms", SSEKMSKeyId: key }});
           clock::advance("15m");
           let h = s3::head_object("dst", "kms.txt");
           #{{ status: s3::head_object("src", "kms.txt").ReplicationStatus, key: h.SSEKMSKeyId, replica: replica_key }}"#
    )));
    assert_eq!(s(&r["status"]), "COMPLETED");
    assert_eq!(s(&r["key"]), s(&r["replica"]));
}

#[test]
fn lock_and_replication_survive_save_and_load() {
    let src = repl(
        false,
        r#"s3::create_bucket(#{ Bucket: "vault", ObjectLockEnabledForBucket: true });
           s3::put_object(#{ Bucket: "vault", Key: "k", Body: "x", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: "2027-01-01T00:00:00Z", ObjectLockLegalHoldStatus: "ON" });
           s3::put_object("src", "queued.txt", "x");
           let saved = world::save(); world::reset(); world::load(saved);
           let again = world::save();
           clock::advance("1h");
           [saved == again, s3::head_object("dst", "queued.txt").ReplicationStatus, s3::get_object_legal_hold(#{ Bucket: "vault", Key: "k" }).LegalHold.Status]"#,
    );
    let r: Vec<Dynamic> = ok(&src).into_array().unwrap();
    assert!(r[0].as_bool().unwrap());
    assert_eq!(s(&r[1]), "REPLICA");
    assert_eq!(s(&r[2]), "ON");
}
