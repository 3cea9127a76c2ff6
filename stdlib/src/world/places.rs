//! Accounts, regions and Availability Zones.

use serde::{Deserialize, Serialize};

/// The account every world starts with; calls run as its root user by default.
pub const DEFAULT_ACCOUNT: &str = "111122223333";
pub const DEFAULT_REGION: &str = "us-east-1";

/// Regions the simulator knows, with their Availability Zone letters (as of 2026).
pub const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "abcdef"),
    ("us-east-2", "abc"),
    ("us-west-1", "ac"),
    ("us-west-2", "abcd"),
    ("ca-central-1", "abd"),
    ("eu-west-1", "abc"),
    ("eu-west-2", "abc"),
    ("eu-west-3", "abc"),
    ("eu-central-1", "abc"),
    ("eu-north-1", "abc"),
    ("ap-southeast-1", "abc"),
    ("ap-southeast-2", "abc"),
    ("ap-northeast-1", "acd"),
    ("ap-south-1", "abc"),
    ("sa-east-1", "abc"),
];

pub fn is_region(name: &str) -> bool {
    known_region(name).is_some()
}

/// The static name of a region the simulator knows.
pub fn known_region(name: &str) -> Option<&'static str> {
    REGIONS.iter().find(|(r, _)| *r == name).map(|(r, _)| *r)
}

/// A region's name, borrowed when the simulator knows it.
pub fn region_name(region: &str) -> std::borrow::Cow<'static, str> {
    super::static_name(region, REGIONS.iter().map(|(r, _)| *r))
}

/// The AZ names of a region, `us-east-1a` ...; empty for an unknown region.
pub fn availability_zones(region: &str) -> Vec<String> {
    REGIONS
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(r, letters)| letters.chars().map(|c| format!("{r}{c}")).collect())
        .unwrap_or_default()
}

/// The region an AZ name belongs to (`us-east-1a` -> `us-east-1`), if it is a known AZ.
pub fn region_of_az(az: &str) -> Option<&'static str> {
    REGIONS.iter().find_map(|(r, letters)| {
        let rest = az.strip_prefix(r)?;
        let mut cs = rest.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) if letters.contains(c) => Some(*r),
            _ => None,
        }
    })
}

/// A 12-digit AWS account in the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
}

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azs() {
        assert_eq!(availability_zones("us-east-1").len(), 6);
        assert_eq!(availability_zones("us-east-1")[0], "us-east-1a");
        assert_eq!(region_of_az("us-west-2d"), Some("us-west-2"));
        assert_eq!(region_of_az("us-west-2z"), None);
        assert_eq!(region_of_az("us-west-2"), None);
        assert!(is_account_id(DEFAULT_ACCOUNT));
        assert!(!is_account_id("12345"));
    }
}
