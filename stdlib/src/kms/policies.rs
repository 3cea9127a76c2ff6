//! The key policies KMS writes itself: the default key policy of API-created keys, the
//! console's policy with key administrators and key users, and the policies of AWS managed
//! keys.

use serde_json::{Value, json};

/// The name of the one policy a KMS key has.
pub const POLICY_NAME: &str = "default";
/// How the authorizer and `iam::can` name a key policy in their reasons.
pub const POLICY_ID: &str = "key policy";

/// The policy CreateKey attaches when the request has none ([KMS-ARCH] `key-policy-default.md`),
/// in the layout GetKeyPolicy returns it.
pub fn default_key_policy(account: &str) -> String {
    format!(
        r#"{{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {{
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {{
      "AWS" : "arn:aws:iam::{account}:root"
    }},
    "Action" : "kms:*",
    "Resource" : "*"
  }} ]
}}"#
    )
}

/// What a key administrator may do in the console's default policy
/// ([KMS-ARCH] `key-policy-default.md`, "Allows key administrators to administer the KMS key").
pub const ADMIN_ACTIONS: &[&str] = &[
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
];

/// What a key user may do with a symmetric encryption key ("Allows key users to use the KMS key").
pub const USER_ACTIONS: &[&str] = &["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/// Key users may also let AWS services use the key through grants.
pub const USER_GRANT_ACTIONS: &[&str] = &["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];

/// A principal named in a helper: a user name (`alice`), `role/name`, `root`, an account id,
/// or an ARN, as an ARN of `account`.
pub fn principal_arn(account: &str, who: &str) -> String {
    if who.starts_with("arn:") {
        who.to_string()
    } else if who == "root" {
        format!("arn:aws:iam::{account}:root")
    } else if who.len() == 12 && who.bytes().all(|b| b.is_ascii_digit()) {
        format!("arn:aws:iam::{who}:root")
    } else if let Some(role) = who.strip_prefix("role/") {
        format!("arn:aws:iam::{account}:role/{role}")
    } else {
        format!("arn:aws:iam::{account}:user/{}", who.strip_prefix("user/").unwrap_or(who))
    }
}

fn principals(account: &str, who: &[String]) -> Value {
    let arns: Vec<Value> = who.iter().map(|w| Value::String(principal_arn(account, w))).collect();
    if arns.len() == 1 { json!({ "AWS": arns[0] }) } else { json!({ "AWS": arns }) }
}

/// The console-style key policy: the account statement (when `trust_account`), then key
/// administrators and key users, as the KMS console writes it (Id `key-consolepolicy-3`).
pub fn console_key_policy(account: &str, admins: &[String], users: &[String], trust_account: bool) -> Value {
    let mut statements = Vec::new();
    if trust_account {
        statements.push(json!({
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:aws:iam::{account}:root") },
            "Action": "kms:*",
            "Resource": "*"
        }));
    }
    if !admins.is_empty() {
        statements.push(json!({
            "Sid": "Allow access for Key Administrators",
            "Effect": "Allow",
            "Principal": principals(account, admins),
            "Action": ADMIN_ACTIONS,
            "Resource": "*"
        }));
    }
    if !users.is_empty() {
        statements.push(json!({
            "Sid": "Allow use of the key",
            "Effect": "Allow",
            "Principal": principals(account, users),
            "Action": USER_ACTIONS,
            "Resource": "*"
        }));
        statements.push(json!({
            "Sid": "Allow attachment of persistent resources",
            "Effect": "Allow",
            "Principal": principals(account, users),
            "Action": USER_GRANT_ACTIONS,
            "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": "true" } }
        }));
    }
    json!({ "Version": "2012-10-17", "Id": "key-consolepolicy-3", "Statement": statements })
}

/// An AWS managed key's service: its alias, the service endpoint prefix `kms:ViaService`
/// names, and what the key's description says it protects.
pub struct ManagedKeySpec {
    pub alias: &'static str,
    pub service: &'static str,
    pub display: &'static str,
    pub protects: &'static str,
    /// The service may create grants on the key (EBS does, for attached volumes).
    pub grants: bool,
}

/// The AWS managed keys the simulator can create on first use.
pub const MANAGED_KEYS: &[ManagedKeySpec] = &[
    ManagedKeySpec { alias: "alias/aws/s3", service: "s3", display: "S3", protects: "S3 objects", grants: false },
    ManagedKeySpec { alias: "alias/aws/ebs", service: "ec2", display: "EBS", protects: "EBS volumes", grants: true },
    ManagedKeySpec { alias: "alias/aws/rds", service: "rds", display: "RDS", protects: "RDS database volumes", grants: true },
    ManagedKeySpec { alias: "alias/aws/lambda", service: "lambda", display: "Lambda", protects: "Lambda functions", grants: true },
    ManagedKeySpec { alias: "alias/aws/secretsmanager", service: "secretsmanager", display: "Secrets Manager", protects: "Secrets Manager secrets", grants: true },
    ManagedKeySpec { alias: "alias/aws/ssm", service: "ssm", display: "SSM", protects: "SSM parameters", grants: false },
    ManagedKeySpec { alias: "alias/aws/dynamodb", service: "dynamodb", display: "DynamoDB", protects: "DynamoDB tables", grants: true },
];

pub fn managed_key_spec(alias: &str) -> Option<&'static ManagedKeySpec> {
    MANAGED_KEYS.iter().find(|m| m.alias == alias)
}

/// The policy of an AWS managed key: use through the service by principals of the account,
/// direct read-only access to the key's metadata for the account. Not editable.
pub fn managed_key_policy(spec: &ManagedKeySpec, account: &str, region: &str) -> Value {
    let mut use_actions = vec!["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
    if spec.grants {
        use_actions.push("kms:CreateGrant");
    }
    use_actions.push("kms:DescribeKey");
    let mut meta_actions = vec!["kms:Describe*", "kms:Get*", "kms:List*"];
    if spec.grants {
        meta_actions.push("kms:RevokeGrant");
    }
    let short = spec.alias.trim_start_matches("alias/aws/");
    json!({
        "Version": "2012-10-17",
        "Id": format!("auto-{short}-2"),
        "Statement": [
            {
                "Sid": format!("Allow access through {} for all principals in the account that are authorized to use {}", spec.display, spec.display),
                "Effect": "Allow",
                "Principal": { "AWS": "*" },
                "Action": use_actions,
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": account,
                        "kms:ViaService": format!("{}.{region}.amazonaws.com", spec.service)
                    }
                }
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{account}:root") },
                "Action": meta_actions,
                "Resource": "*"
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_awss_document() {
        // [KMS-ARCH] key-policy-default.md / aws-facts §4.5: Id key-default-1, one statement
        // "Enable IAM User Permissions" giving the account root kms:* on "*".
        let v: Value = serde_json::from_str(&default_key_policy("111122223333")).unwrap();
        assert_eq!(v["Id"], "key-default-1");
        assert_eq!(v["Statement"][0]["Sid"], "Enable IAM User Permissions");
        assert_eq!(v["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::111122223333:root");
        assert_eq!(v["Statement"][0]["Action"], "kms:*");
        assert_eq!(v["Statement"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn console_policy_statements() {
        let v = console_key_policy("111122223333", &["alice".into()], &["bob".into(), "role/app".into()], true);
        let st = v["Statement"].as_array().unwrap();
        assert_eq!(st.len(), 4);
        assert_eq!(st[1]["Principal"]["AWS"], "arn:aws:iam::111122223333:user/alice");
        assert_eq!(st[2]["Principal"]["AWS"][1], "arn:aws:iam::111122223333:role/app");
        assert_eq!(st[3]["Condition"]["Bool"]["kms:GrantIsForAWSResource"], "true");
        let v = console_key_policy("111122223333", &[], &["bob".into()], false);
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2, "no account statement, no admin statement");
    }

    #[test]
    fn managed_policy_names_the_service_endpoint() {
        let v = managed_key_policy(managed_key_spec("alias/aws/ebs").unwrap(), "111122223333", "us-east-1");
        assert_eq!(v["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"], "ec2.us-east-1.amazonaws.com");
        assert_eq!(v["Statement"][0]["Condition"]["StringEquals"]["kms:CallerAccount"], "111122223333");
        assert!(managed_key_spec("alias/aws/nope").is_none());
    }
}
