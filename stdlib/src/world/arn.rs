//! Amazon Resource Names.
//!
//! `arn:partition:service:region:account-id:resource`. The resource part may itself contain
//! colons (`arn:aws:logs:...:log-group:name:*`), so only the first five separators split.
//! IAM and S3 ARNs have no region; S3 bucket ARNs have no account either
//! (`arn:aws:s3:::bucket/key`), which is why S3 names are global.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl Arn {
    pub fn new(service: &str, region: &str, account: &str, resource: impl Into<String>) -> Self {
        Arn {
            partition: "aws".into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        }
    }
    /// `arn:aws:iam::ACCOUNT:root`
    pub fn account_root(account: &str) -> Self {
        Arn::new("iam", "", account, "root")
    }
    /// The resource type before the first `/` or `:` (`key`, `user`, `role`, `alias`, ...).
    pub fn resource_type(&self) -> &str {
        let end = self.resource.find(['/', ':']).unwrap_or(self.resource.len());
        &self.resource[..end]
    }
    /// The part after the resource type's separator (`1234abcd-...` for `key/1234abcd-...`).
    pub fn resource_id(&self) -> &str {
        resource_id(&self.resource)
    }
    /// The last path segment (the name of a user with a path, `user/division/alice` -> `alice`).
    pub fn resource_name(&self) -> &str {
        self.resource.rsplit('/').next().unwrap_or(&self.resource)
    }
}

/// An ARN's fields `[partition, service, region, account, resource]` read in place, without
/// building an [`Arn`] (for the call path); `None` unless it starts with `arn:` and has a
/// non-empty resource.
pub fn fields(s: &str) -> Option<[&str; 5]> {
    let mut it = s.splitn(6, ':');
    (it.next()? == "arn").then_some(())?;
    let f = [it.next()?, it.next()?, it.next()?, it.next()?, it.next()?];
    (!f[4].is_empty()).then_some(f)
}

/// The part of an ARN's resource field after the resource type's separator (see
/// [`Arn::resource_id`]).
pub fn resource_id(resource: &str) -> &str {
    resource.split_once(['/', ':']).map_or(resource, |(_, id)| id)
}

/// The account field of an ARN (`arn:partition:service:region:ACCOUNT:resource`); see [`fields`].
pub fn account_of(s: &str) -> Option<&str> {
    fields(s).map(|[_, _, _, account, _]| account)
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arn:{}:{}:{}:{}:{}", self.partition, self.service, self.region, self.account, self.resource)
    }
}

/// Why a string is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a valid ARN: {why}")]
pub struct ArnError {
    pub input: String,
    pub why: &'static str,
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Self, ArnError> {
        let err = |why| ArnError { input: s.to_string(), why };
        let mut parts = s.splitn(6, ':');
        if parts.next() != Some("arn") {
            return Err(err("it must start with `arn:`"));
        }
        let partition = parts.next().ok_or_else(|| err("the partition is missing"))?;
        let service = parts.next().ok_or_else(|| err("the service is missing"))?;
        let region = parts.next().ok_or_else(|| err("the region is missing"))?;
        let account = parts.next().ok_or_else(|| err("the account is missing"))?;
        let resource = parts.next().ok_or_else(|| err("the resource is missing"))?;
        if partition.is_empty() {
            return Err(err("the partition is empty"));
        }
        if service.is_empty() {
            return Err(err("the service is empty"));
        }
        if resource.is_empty() {
            return Err(err("the resource is empty"));
        }
        Ok(Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        })
    }
}

impl Serialize for Arn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Arn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_of_reads_the_fifth_field_of_whole_arns_only() {
        assert_eq!(account_of("arn:aws:kms:us-east-1:111122223333:key/k1"), Some("111122223333"));
        assert_eq!(account_of("arn:aws:s3:::bucket/a:b"), Some(""));
        assert_eq!(account_of("arn:aws:kms:us-east-1:111122223333"), None, "no resource");
        assert_eq!(account_of("arn:aws:kms:us-east-1:111122223333:"), None, "empty resource");
        assert_eq!(account_of("urn:aws:kms:us-east-1:111122223333:key/k1"), None);
        assert_eq!(account_of("*"), None);
        assert_eq!(fields("arn:aws:kms:us-east-1:111122223333:key/k1"), Some(["aws", "kms", "us-east-1", "111122223333", "key/k1"]));
    }

    #[test]
    fn round_trips_and_keeps_colons_in_the_resource() {
        for s in [
            "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/Bob",
            "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*",
            "arn:aws:logs:us-east-1:111122223333:log-group:my:group:*",
            "arn:aws:sts::111122223333:assumed-role/examplerole/session",
        ] {
            let a: Arn = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
        }
        let a: Arn = "arn:aws:iam::111122223333:user/division_abc/Bob".parse().unwrap();
        assert_eq!(a.resource_type(), "user");
        assert_eq!(a.resource_name(), "Bob");
        let k: Arn = "arn:aws:kms:us-east-1:111122223333:key/abc".parse().unwrap();
        assert_eq!(k.resource_id(), "abc");
    }

    #[test]
    fn rejects_non_arns() {
        for s in ["", "arn", "arn:aws", "arn:aws:s3", "foo:aws:s3:::b", "arn::s3:::b", "arn:aws:s3:::"] {
            assert!(s.parse::<Arn>().is_err(), "{s}");
        }
    }
}
