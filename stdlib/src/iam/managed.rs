//! AWS managed policies the labs use, with their real documents and default version ids as
//! published in the AWS Managed Policy Reference (docs.aws.amazon.com/aws-managed-policy,
//! read 2026-11). AWS edits these over time; the version id says which edition this is.
//! Organizations' own managed policies (FullAWSAccess, RCPFullAWSAccess) are here too.

use std::sync::OnceLock;

use crate::policy::{Policy, PolicyKind};

pub struct AwsManaged {
    pub name: &'static str,
    pub path: &'static str,
    pub version_id: &'static str,
    pub create_date: &'static str,
    pub update_date: &'static str,
    pub description: &'static str,
    pub document: &'static str,
}

impl AwsManaged {
    /// The policy's id. AWS's real ids are not published for every policy, so the simulator
    /// derives a stable `ANPA...` id from the name (same id in every world).
    pub fn policy_id(&self) -> String {
        use sha2::Digest;
        const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let h = sha2::Sha256::digest(self.name.as_bytes());
        format!("ANPA{}", h.iter().take(17).map(|b| B32[(*b % 32) as usize] as char).collect::<String>())
    }
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

pub const AWS_MANAGED: &[AwsManaged] = &[
    AwsManaged {
        name: "AdministratorAccess",
        path: "/",
        version_id: "v1",
        create_date: "2015-02-06T18:39:46Z",
        update_date: "2015-02-06T18:39:46Z",
        description: "Provides full access to AWS services and resources.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "PowerUserAccess",
        path: "/",
        version_id: "v12",
        create_date: "2015-02-06T18:39:47Z",
        update_date: "2026-02-12T17:59:00Z",
        description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "NotAction": [
        "iam:*",
        "organizations:*",
        "account:*"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "account:GetAccountInformation",
        "account:GetGovCloudAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeEffectivePolicy",
        "organizations:DescribeOrganization"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        version_id: "v3",
        create_date: "2015-02-06T18:40:59Z",
        update_date: "2023-08-10T21:31:00Z",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:Get*",
        "s3:List*",
        "s3:Describe*",
        "s3-object-lambda:Get*",
        "s3-object-lambda:List*"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "AmazonS3FullAccess",
        path: "/",
        version_id: "v2",
        create_date: "2015-02-06T18:40:58Z",
        update_date: "2021-09-27T20:16:37Z",
        description: "Provides full access to all buckets via the AWS Management Console.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:*",
        "s3-object-lambda:*"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "IAMFullAccess",
        path: "/",
        version_id: "v2",
        create_date: "2015-02-06T18:40:38Z",
        update_date: "2019-06-21T19:40:00Z",
        description: "Provides full access to IAM via the AWS Management Console.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:*",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListChildren",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "IAMReadOnlyAccess",
        path: "/",
        version_id: "v4",
        create_date: "2015-02-06T18:40:39Z",
        update_date: "2018-01-25T19:11:00Z",
        description: "Provides read only access to IAM via the AWS Management Console.",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:GenerateCredentialReport",
        "iam:GenerateServiceLastAccessedDetails",
        "iam:Get*",
        "iam:List*",
        "iam:SimulateCustomPolicy",
        "iam:SimulatePrincipalPolicy"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
    AwsManaged {
        name: "AWSKeyManagementServicePowerUser",
        path: "/",
        version_id: "v2",
        create_date: "2015-02-06T18:40:40Z",
        update_date: "2017-03-07T00:55:00Z",
        description: "Provides access to AWS Key Management Service (KMS).",
        document: r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "kms:CreateAlias",
        "kms:CreateKey",
        "kms:DeleteAlias",
        "kms:Describe*",
        "kms:GenerateRandom",
        "kms:Get*",
        "kms:List*",
        "kms:TagResource",
        "kms:UntagResource",
        "iam:ListGroups",
        "iam:ListRoles",
        "iam:ListUsers"
      ],
      "Resource": "*"
    }
  ]
}"#,
    },
];

/// Organizations' AWS managed policies (attached automatically; `FullAWSAccess` can be detached,
/// `RCPFullAWSAccess` cannot).
pub const FULL_AWS_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;

pub const RCP_FULL_AWS_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;

/// The AWS managed policy with this ARN and its parsed document.
pub fn find(arn: &str) -> Option<(&'static AwsManaged, Policy)> {
    static PARSED: OnceLock<Vec<Policy>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        AWS_MANAGED
            .iter()
            .map(|m| Policy::parse(m.document, PolicyKind::Identity).expect("AWS managed policy documents parse"))
            .collect()
    });
    AWS_MANAGED.iter().zip(parsed).find(|(m, _)| m.arn() == arn).map(|(m, p)| (m, p.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_managed_policy_parses_and_is_found_by_arn() {
        for m in AWS_MANAGED {
            let (found, p) = find(&m.arn()).expect("found");
            assert_eq!(found.name, m.name);
            assert_eq!(p.text(), m.document);
        }
        assert!(find("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
        assert_eq!(AWS_MANAGED[0].arn(), "arn:aws:iam::aws:policy/AdministratorAccess");
    }
}
