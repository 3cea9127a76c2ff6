//! What the simulator knows about AWS services as IAM sees them: service prefixes and names,
//! the actions of the modelled services, their resource ARN formats, and (for S3 and KMS)
//! which resource types each action applies to. Policy validation (`validate`) and Access
//! Advisor (`account`) read it.
//!
//! Partial by design: the action lists cover the services the simulator models (IAM, STS,
//! KMS, S3, EC2, Route 53, Route 53 Domains, Organizations; see `catalog_data`); about sixty
//! other common services are known by prefix and name only, so their actions are not checked.
//! Action-to-resource-type knowledge is limited to S3 buckets/objects and KMS keys/aliases.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::catalog_data as data;

/// A service known by its IAM prefix.
#[derive(Debug)]
pub struct ServiceInfo {
    pub prefix: &'static str,
    /// The name Access Advisor shows.
    pub name: &'static str,
    /// Lower-case action name -> AWS's spelling; empty when the actions are not listed.
    pub actions: BTreeMap<String, &'static str>,
}

impl ServiceInfo {
    /// Whether the action list is known (the service is modelled).
    pub fn lists_actions(&self) -> bool {
        !self.actions.is_empty()
    }
}

const MODELLED: &[(&str, &str, &str)] = &[
    ("iam", "AWS Identity and Access Management", data::IAM),
    ("sts", "AWS Security Token Service", data::STS),
    ("kms", "AWS Key Management Service", data::KMS),
    ("s3", "Amazon S3", data::S3),
    ("ec2", "Amazon EC2", data::EC2),
    ("route53", "Amazon Route 53", data::ROUTE53),
    ("route53domains", "Amazon Route 53 Domains", data::ROUTE53DOMAINS),
    ("organizations", "AWS Organizations", data::ORGANIZATIONS),
];

/// Other services, by prefix only (their actions are not checked).
const OTHER: &[(&str, &str)] = &[
    ("access-analyzer", "IAM Access Analyzer"),
    ("account", "AWS Account Management"),
    ("acm", "AWS Certificate Manager"),
    ("apigateway", "Amazon API Gateway"),
    ("appsync", "AWS AppSync"),
    ("athena", "Amazon Athena"),
    ("autoscaling", "Amazon EC2 Auto Scaling"),
    ("backup", "AWS Backup"),
    ("batch", "AWS Batch"),
    ("bedrock", "Amazon Bedrock"),
    ("ce", "AWS Cost Explorer Service"),
    ("cloudformation", "AWS CloudFormation"),
    ("cloudfront", "Amazon CloudFront"),
    ("cloudtrail", "AWS CloudTrail"),
    ("cloudwatch", "Amazon CloudWatch"),
    ("codebuild", "AWS CodeBuild"),
    ("codecommit", "AWS CodeCommit"),
    ("codedeploy", "AWS CodeDeploy"),
    ("codepipeline", "AWS CodePipeline"),
    ("cognito-identity", "Amazon Cognito Identity"),
    ("cognito-idp", "Amazon Cognito User Pools"),
    ("config", "AWS Config"),
    ("dms", "AWS Database Migration Service"),
    ("dynamodb", "Amazon DynamoDB"),
    ("ebs", "Amazon Elastic Block Store"),
    ("ecr", "Amazon Elastic Container Registry"),
    ("ecs", "Amazon Elastic Container Service"),
    ("eks", "Amazon Elastic Kubernetes Service"),
    ("elasticache", "Amazon ElastiCache"),
    ("elasticfilesystem", "Amazon Elastic File System"),
    ("elasticloadbalancing", "Elastic Load Balancing"),
    ("es", "Amazon OpenSearch Service"),
    ("events", "Amazon EventBridge"),
    ("execute-api", "Amazon API Gateway (execute-api)"),
    ("firehose", "Amazon Data Firehose"),
    ("fsx", "Amazon FSx"),
    ("glue", "AWS Glue"),
    ("guardduty", "Amazon GuardDuty"),
    ("health", "AWS Health"),
    ("inspector2", "Amazon Inspector"),
    ("kafka", "Amazon Managed Streaming for Apache Kafka"),
    ("kinesis", "Amazon Kinesis Data Streams"),
    ("lambda", "AWS Lambda"),
    ("logs", "Amazon CloudWatch Logs"),
    ("macie2", "Amazon Macie"),
    ("rds", "Amazon RDS"),
    ("redshift", "Amazon Redshift"),
    ("route53resolver", "Amazon Route 53 Resolver"),
    ("sagemaker", "Amazon SageMaker"),
    ("secretsmanager", "AWS Secrets Manager"),
    ("securityhub", "AWS Security Hub"),
    ("servicequotas", "Service Quotas"),
    ("shield", "AWS Shield"),
    ("sns", "Amazon SNS"),
    ("sqs", "Amazon SQS"),
    ("ssm", "AWS Systems Manager"),
    ("sso", "AWS IAM Identity Center"),
    ("states", "AWS Step Functions"),
    ("support", "AWS Support"),
    ("tag", "Amazon Resource Group Tagging API"),
    ("waf", "AWS WAF Classic"),
    ("wafv2", "AWS WAF"),
    ("xray", "AWS X-Ray"),
];

fn services() -> &'static BTreeMap<&'static str, ServiceInfo> {
    static S: OnceLock<BTreeMap<&'static str, ServiceInfo>> = OnceLock::new();
    S.get_or_init(|| {
        let mut m = BTreeMap::new();
        for (prefix, name, list) in MODELLED {
            let actions = list.split_whitespace().map(|a| (a.to_ascii_lowercase(), a)).collect();
            m.insert(*prefix, ServiceInfo { prefix, name, actions });
        }
        for (prefix, name) in OTHER {
            m.insert(*prefix, ServiceInfo { prefix, name, actions: BTreeMap::new() });
        }
        m
    })
}

/// The service with this exact (lower-case) prefix.
pub fn service(prefix: &str) -> Option<&'static ServiceInfo> {
    services().get(prefix)
}

/// Every known service, by prefix.
pub fn all_services() -> impl Iterator<Item = &'static ServiceInfo> {
    services().values()
}

/// Levenshtein distance (for "Did you mean ...?").
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest known prefix to `prefix` (same letters in another case, or within two edits).
pub fn suggest_service(prefix: &str) -> Option<&'static str> {
    let lower = prefix.to_ascii_lowercase();
    if let Some(s) = service(&lower) {
        return Some(s.prefix);
    }
    services().keys().map(|k| (distance(&lower, k), *k)).filter(|(d, _)| *d <= 2).min().map(|(_, k)| k)
}

/// The closest action of a listed service (within two edits, ignoring case).
pub fn suggest_action(s: &ServiceInfo, action: &str) -> Option<&'static str> {
    let lower = action.to_ascii_lowercase();
    s.actions.iter().map(|(k, v)| (distance(&lower, k), *v)).filter(|(d, _)| *d <= 2).min().map(|(_, v)| v)
}

// ---------------------------------------------------------------------------------------------
// Resource types

/// Services whose ARNs have no Region (the credential report shows their last-used Region as
/// `N/A`: "The last used service is not Region-specific, such as Amazon S3").
pub const GLOBAL_SERVICES: &[&str] = &["iam", "s3", "route53", "route53domains", "organizations", "cloudfront"];

const EC2_TYPES: &[&str] = &[
    "capacity-reservation", "carrier-gateway", "client-vpn-endpoint", "customer-gateway", "dedicated-host", "dhcp-options",
    "egress-only-internet-gateway", "elastic-gpu", "elastic-ip", "export-image-task", "export-instance-task", "fleet",
    "fpga-image", "host-reservation", "image", "import-image-task", "import-snapshot-task", "instance", "instance-event-window",
    "internet-gateway", "ipam", "ipam-pool", "ipam-scope", "ipv4pool-ec2", "ipv6pool-ec2", "key-pair", "launch-template",
    "local-gateway", "natgateway", "network-acl", "network-insights-analysis", "network-insights-path", "network-interface",
    "placement-group", "prefix-list", "replace-root-volume-task", "reserved-instances", "route-table", "security-group",
    "security-group-rule", "snapshot", "spot-fleet-request", "spot-instances-request", "subnet", "traffic-mirror-filter",
    "traffic-mirror-session", "traffic-mirror-target", "transit-gateway", "transit-gateway-attachment",
    "transit-gateway-route-table", "verified-access-endpoint", "verified-access-group", "verified-access-instance", "volume",
    "vpc", "vpc-endpoint", "vpc-endpoint-service", "vpc-flow-log", "vpc-peering-connection", "vpn-connection", "vpn-gateway",
];

/// The resource type an ARN's parts name, for the services whose ARN formats the simulator
/// knows (`Some("object")` for `arn:aws:s3:::b/k`). `Err(())` when the ARN fits none of the
/// service's formats; `Ok(None)` when the service's formats are not known (or wildcards make
/// the type undecidable).
#[allow(clippy::result_unit_err)]
pub fn resource_type(service: &str, region: &str, account: &str, resource: &str) -> Result<Option<&'static str>, ()> {
    let kind_end = resource.find(['/', ':']).unwrap_or(resource.len());
    let kind = &resource[..kind_end];
    if kind.contains(['*', '?', '$']) {
        return Ok(None);
    }
    let has_id = kind_end < resource.len() && kind_end + 1 < resource.len();
    let pick = |types: &[&'static str]| types.iter().find(|t| **t == kind).copied().filter(|_| has_id).ok_or(());
    match service {
        "s3" => match (region.is_empty(), account.is_empty()) {
            (true, true) if resource.is_empty() => Err(()),
            (true, true) => Ok(Some(if resource.contains('/') { "object" } else { "bucket" })),
            (true, false) if kind == "accesspoint" && has_id => Ok(Some("multiregionaccesspoint")),
            (false, false) => pick(&["accesspoint", "job", "storage-lens", "storage-lens-group", "access-grants"]).map(Some),
            _ => Err(()),
        },
        "kms" => pick(&["key", "alias"]).map(Some),
        "iam" if resource == "root" => Ok(Some("root")),
        "iam" => pick(&[
            "user", "group", "role", "policy", "instance-profile", "mfa", "oidc-provider", "saml-provider", "server-certificate",
            "sms-mfa", "access-report",
        ])
        .map(Some),
        "sts" => pick(&["assumed-role", "federated-user", "self"]).map(Some),
        "ec2" => pick(EC2_TYPES).map(Some),
        "route53" => pick(&["hostedzone", "change", "healthcheck", "delegationset", "trafficpolicy", "trafficpolicyinstance", "queryloggingconfig", "cidrcollection"]).map(Some),
        "organizations" => pick(&["account", "ou", "policy", "root", "organization", "handshake", "awspolicy", "resourcepolicy"]).map(Some),
        _ => Ok(None),
    }
}

/// Whether the service's ARNs carry a Region.
pub fn needs_region(service: &str) -> bool {
    matches!(service, "kms" | "ec2")
}

/// An ARN format for messages.
pub fn arn_format(service: &str, ty: &str) -> &'static str {
    match (service, ty) {
        ("s3", "bucket") => "arn:${Partition}:s3:::${BucketName}",
        ("s3", "object") => "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
        ("kms", "key") => "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
        ("kms", "alias") => "arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}",
        _ => "",
    }
}

fn set(list: &'static str) -> BTreeSet<String> {
    list.split_whitespace().map(str::to_ascii_lowercase).collect()
}

/// S3 actions on objects, and S3 actions that take no resource (`*`); the remaining bucket
/// configuration actions apply to buckets. Access point, job, Storage Lens and Multi-Region
/// Access Point actions are not classified.
const S3_OBJECT: &str = "AbortMultipartUpload BypassGovernanceRetention DeleteObject DeleteObjectTagging DeleteObjectVersion \
    DeleteObjectVersionTagging GetObject GetObjectAcl GetObjectAttributes GetObjectLegalHold GetObjectRetention GetObjectTagging \
    GetObjectTorrent GetObjectVersion GetObjectVersionAcl GetObjectVersionAttributes GetObjectVersionForReplication \
    GetObjectVersionTagging GetObjectVersionTorrent InitiateReplication ListMultipartUploadParts ObjectOwnerOverrideToBucketOwner \
    PutObject PutObjectAcl PutObjectLegalHold PutObjectRetention PutObjectTagging PutObjectVersionAcl PutObjectVersionTagging \
    ReplicateDelete ReplicateObject ReplicateTags RestoreObject";
const S3_BUCKET: &str = "CreateBucket DeleteBucket DeleteBucketOwnershipControls DeleteBucketPolicy DeleteBucketWebsite \
    GetAccelerateConfiguration GetAnalyticsConfiguration GetBucketAcl GetBucketCORS GetBucketLocation GetBucketLogging \
    GetBucketNotification GetBucketObjectLockConfiguration GetBucketOwnershipControls GetBucketPolicy GetBucketPolicyStatus \
    GetBucketPublicAccessBlock GetBucketRequestPayment GetBucketTagging GetBucketVersioning GetBucketWebsite \
    GetEncryptionConfiguration GetIntelligentTieringConfiguration GetInventoryConfiguration GetLifecycleConfiguration \
    GetMetricsConfiguration GetReplicationConfiguration ListBucket ListBucketMultipartUploads ListBucketVersions \
    PutAccelerateConfiguration PutAnalyticsConfiguration PutBucketAcl PutBucketCORS PutBucketLogging PutBucketNotification \
    PutBucketObjectLockConfiguration PutBucketOwnershipControls PutBucketPolicy PutBucketPublicAccessBlock \
    PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite PutEncryptionConfiguration \
    PutIntelligentTieringConfiguration PutInventoryConfiguration PutLifecycleConfiguration PutMetricsConfiguration \
    PutReplicationConfiguration";
const S3_NONE: &str = "CreateJob GetAccountPublicAccessBlock ListAccessPoints ListAllMyBuckets ListJobs ListMultiRegionAccessPoints \
    ListStorageLensConfigurations ListStorageLensGroups PutAccountPublicAccessBlock";
/// KMS actions without a resource; alias actions apply to the alias and the key.
const KMS_NONE: &str = "ConnectCustomKeyStore CreateCustomKeyStore CreateKey DeleteCustomKeyStore DescribeCustomKeyStores \
    DisconnectCustomKeyStore GenerateRandom ListAliases ListKeys ListRetirableGrants UpdateCustomKeyStore";
const KMS_ALIAS: &str = "CreateAlias DeleteAlias UpdateAlias";

/// The resource types an action applies to (empty: it takes `*` only), for S3 and KMS
/// actions; `None` when the simulator does not know.
pub fn action_resource_types(svc: &str, action: &str) -> Option<&'static [&'static str]> {
    struct Sets {
        s3_object: BTreeSet<String>,
        s3_bucket: BTreeSet<String>,
        s3_none: BTreeSet<String>,
        kms_none: BTreeSet<String>,
        kms_alias: BTreeSet<String>,
    }
    static SETS: OnceLock<Sets> = OnceLock::new();
    let s = SETS.get_or_init(|| Sets { s3_object: set(S3_OBJECT), s3_bucket: set(S3_BUCKET), s3_none: set(S3_NONE), kms_none: set(KMS_NONE), kms_alias: set(KMS_ALIAS) });
    let a = action.to_ascii_lowercase();
    match svc {
        "s3" if s.s3_object.contains(&a) => Some(&["object"]),
        "s3" if s.s3_bucket.contains(&a) => Some(&["bucket"]),
        "s3" if s.s3_none.contains(&a) => Some(&[]),
        "kms" if s.kms_none.contains(&a) => Some(&[]),
        "kms" if s.kms_alias.contains(&a) => Some(&["alias", "key"]),
        "kms" if service("kms").is_some_and(|k| k.actions.contains_key(&a)) => Some(&["key"]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modelled_services_list_their_actions() {
        let s3 = service("s3").unwrap();
        assert_eq!(s3.actions.get("getobject"), Some(&"GetObject"));
        assert!(service("iam").unwrap().actions.contains_key("passrole"));
        assert!(service("kms").unwrap().actions.contains_key("reencryptfrom"));
        assert!(!service("kms").unwrap().actions.contains_key("reencrypt"), "kms:ReEncrypt is not an action; ReEncryptFrom/To are");
        assert!(service("ec2").unwrap().actions.contains_key("createvolume"));
        assert!(!service("lambda").unwrap().lists_actions());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_service("S3"), Some("s3"));
        assert_eq!(suggest_service("kmss"), Some("kms"));
        assert_eq!(suggest_service("zzzzzzzz"), None);
        assert_eq!(suggest_action(service("s3").unwrap(), "GetObjects"), Some("GetObject"));
        assert_eq!(suggest_action(service("iam").unwrap(), "getuser"), Some("GetUser"));
    }

    #[test]
    fn resource_types_follow_arn_formats() {
        assert_eq!(resource_type("s3", "", "", "bucket/key"), Ok(Some("object")));
        assert_eq!(resource_type("s3", "", "", "bucket"), Ok(Some("bucket")));
        assert_eq!(resource_type("s3", "us-east-1", "", "bucket"), Err(()));
        assert_eq!(resource_type("kms", "us-east-1", "111122223333", "key/1234"), Ok(Some("key")));
        assert_eq!(resource_type("kms", "us-east-1", "111122223333", "keys/1234"), Err(()));
        assert_eq!(resource_type("iam", "", "111122223333", "user/alice"), Ok(Some("user")));
        assert_eq!(resource_type("iam", "", "111122223333", "root"), Ok(Some("root")));
        assert_eq!(resource_type("iam", "", "111122223333", "*"), Ok(None));
        assert_eq!(resource_type("lambda", "us-east-1", "111122223333", "function:f"), Ok(None));
        assert_eq!(action_resource_types("s3", "GetObject"), Some(&["object"][..]));
        assert_eq!(action_resource_types("s3", "ListBucket"), Some(&["bucket"][..]));
        assert_eq!(action_resource_types("s3", "ListAllMyBuckets"), Some(&[][..]));
        assert_eq!(action_resource_types("kms", "Decrypt"), Some(&["key"][..]));
        assert_eq!(action_resource_types("iam", "GetUser"), None);
    }
}
