//! The simulated Internet's fixed facts: the root and TLD name servers, Route 53's name
//! server naming, S3 website endpoints (alias targets), where regions are (latency
//! routing) and which continent a country is on (geolocation routing).

use super::model::Domain;

/// The 13 root server names (`a.root-servers.net.` ... `m.root-servers.net.`).
pub const ROOT_SERVERS: [&str; 13] = [
    "a.root-servers.net.",
    "b.root-servers.net.",
    "c.root-servers.net.",
    "d.root-servers.net.",
    "e.root-servers.net.",
    "f.root-servers.net.",
    "g.root-servers.net.",
    "h.root-servers.net.",
    "i.root-servers.net.",
    "j.root-servers.net.",
    "k.root-servers.net.",
    "l.root-servers.net.",
    "m.root-servers.net.",
];

/// The root zone's SOA (as served by the root servers) and its TTL.
pub const ROOT_SOA: &str = "a.root-servers.net. nstld.verisign-grs.com. 2026010100 1800 900 604800 86400";
pub const ROOT_SOA_TTL: u32 = 86400;
/// TTL of the NS records the root serves for each TLD, and TLDs serve for each domain.
pub const DELEGATION_TTL: u32 = 172800;
/// TTL of the root's own NS records.
pub const ROOT_NS_TTL: u32 = 518400;

/// The TLDs the simulated registry runs. `com` and `net` are served by Verisign's
/// `*.gtld-servers.net.`; the others by four `?.nic.<tld>.` servers.
pub const TLDS: [&str; 10] = ["ai", "app", "cloud", "co", "com", "dev", "info", "io", "net", "org"];

/// Names IANA reserves (RFC 2606): never available for registration.
pub const RESERVED: [&str; 3] = ["example.com.", "example.net.", "example.org."];

/// True when `tld` (canonical, `com.`) is a TLD of the world.
pub fn is_tld(tld: &str) -> bool {
    tld.strip_suffix('.').is_some_and(|t| TLDS.contains(&t))
}

/// The name servers of a TLD (canonical `com.`).
pub fn tld_servers(tld: &str) -> Vec<String> {
    let t = tld.trim_end_matches('.');
    if t == "com" || t == "net" {
        (b'a'..=b'm').map(|c| format!("{}.gtld-servers.net.", c as char)).collect()
    } else {
        ["a", "b", "c", "d"].iter().map(|c| format!("{c}.nic.{t}.")).collect()
    }
}

/// A TLD's SOA record value and TTL. For `com`/`net` these are Verisign's values
/// (negative answers cached min(900, 86400) = 900 s).
pub fn tld_soa(tld: &str) -> (String, u32) {
    let t = tld.trim_end_matches('.');
    if t == "com" || t == "net" {
        ("a.gtld-servers.net. nstld.verisign-grs.com. 1767225600 1800 900 604800 86400".into(), 900)
    } else {
        (format!("a.nic.{t}. hostmaster.nic.{t}. 1767225600 1800 900 604800 3600"), 3600)
    }
}

/// Which TLD a server serves (`a.gtld-servers.net.` serves `com.` and `net.`).
pub fn tlds_served_by(server: &str) -> Vec<String> {
    TLDS.iter().map(|t| format!("{t}.")).filter(|t| tld_servers(t).iter().any(|s| s == server)).collect()
}

/// The registrable domain of `name` under its TLD (`www.shop.example.com.` ->
/// `example.com.`), if the TLD is the world's.
pub fn registrable(name: &str) -> Option<String> {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    if labels.len() < 2 || !TLDS.contains(labels.last()?) {
        return None;
    }
    Some(format!("{}.{}.", labels[labels.len() - 2], labels[labels.len() - 1]))
}

/// Route 53 assigns each public zone four name servers, one in each of `.com`, `.net`,
/// `.org` and `.co.uk` (Developer Guide, "NS and SOA records"). Server numbers run
/// 0-511 in `.com`, 512-1023 in `.net`, 1024-1535 in `.org` and 1536-2047 in `.co.uk`,
/// and the `awsdns-NN` part is (number mod 512) / 8, as in the observed
/// `ns-1860.awsdns-40.co.uk.`.
pub fn awsdns_name(n: u32) -> String {
    let tld = ["com", "net", "org", "co.uk"][(n / 512).min(3) as usize];
    format!("ns-{n}.awsdns-{:02}.{tld}.", (n % 512) / 8)
}

/// True when `server` looks like a Route 53 name server.
pub fn is_awsdns(server: &str) -> bool {
    server.starts_with("ns-") && server.contains(".awsdns-")
}

/// S3 website endpoints by region: (region, endpoint, hosted zone id) — the alias targets
/// for buckets configured as websites (Route 53 / S3 endpoint tables).
pub const S3_WEBSITE: &[(&str, &str, &str)] = &[
    ("us-east-1", "s3-website-us-east-1.amazonaws.com.", "Z3AQBSTGFYJSTF"),
    ("us-east-2", "s3-website.us-east-2.amazonaws.com.", "Z2O1EMRO9K5GLX"),
    ("us-west-1", "s3-website-us-west-1.amazonaws.com.", "Z2F56UZL2M1ACD"),
    ("us-west-2", "s3-website-us-west-2.amazonaws.com.", "Z3BJ6K6RIION7M"),
    ("ca-central-1", "s3-website.ca-central-1.amazonaws.com.", "Z1QDHH18159H29"),
    ("eu-west-1", "s3-website-eu-west-1.amazonaws.com.", "Z1BKCTXD74EZPE"),
    ("eu-west-2", "s3-website.eu-west-2.amazonaws.com.", "Z3GKZC51ZF0DB4"),
    ("eu-west-3", "s3-website.eu-west-3.amazonaws.com.", "Z3R1K369G5AVDG"),
    ("eu-central-1", "s3-website.eu-central-1.amazonaws.com.", "Z21DNDUVLTQW6Q"),
    ("eu-north-1", "s3-website.eu-north-1.amazonaws.com.", "Z3BAZG2TWCNX0D"),
    ("ap-southeast-1", "s3-website-ap-southeast-1.amazonaws.com.", "Z3O0J2DXBE1FTB"),
    ("ap-southeast-2", "s3-website-ap-southeast-2.amazonaws.com.", "Z1WCIGYICN2BYD"),
    ("ap-northeast-1", "s3-website-ap-northeast-1.amazonaws.com.", "Z2M4EHUR26P7ZW"),
    ("ap-south-1", "s3-website.ap-south-1.amazonaws.com.", "Z11RGJOFQNVJUP"),
    ("sa-east-1", "s3-website-sa-east-1.amazonaws.com.", "Z7KQH4QJS55SO"),
];

/// The S3 website endpoint with this alias hosted zone id.
pub fn s3_website(zone_id: &str) -> Option<(&'static str, &'static str)> {
    S3_WEBSITE.iter().find(|(_, _, z)| *z == zone_id).map(|(r, e, _)| (*r, *e))
}

/// The address an S3 website endpoint answers with in the simulation (one stable
/// documentation-style address per region inside 52.216.0.0/15).
pub fn s3_website_address(region: &str) -> String {
    let i = S3_WEBSITE.iter().position(|(r, _, _)| *r == region).unwrap_or(0);
    format!("52.217.{}.{}", 10 + i, 20 + i)
}

/// The TTL the simulator gives answers for AWS-resource alias targets (Route 53 uses the
/// resource's own TTL; the simulator uses 60 s for all of them).
pub const AWS_TARGET_TTL: u32 = 60;

/// Approximate location (latitude, longitude) of each region, for latency routing: the
/// simulated latency between two regions grows with their great-circle distance.
pub const REGION_COORDS: &[(&str, f64, f64)] = &[
    ("us-east-1", 38.9, -77.4),
    ("us-east-2", 40.0, -83.0),
    ("us-west-1", 37.4, -121.9),
    ("us-west-2", 45.8, -119.7),
    ("ca-central-1", 45.5, -73.6),
    ("eu-west-1", 53.3, -6.3),
    ("eu-west-2", 51.5, -0.1),
    ("eu-west-3", 48.9, 2.4),
    ("eu-central-1", 50.1, 8.7),
    ("eu-north-1", 59.3, 18.1),
    ("ap-southeast-1", 1.3, 103.8),
    ("ap-southeast-2", -33.9, 151.2),
    ("ap-northeast-1", 35.7, 139.7),
    ("ap-south-1", 19.1, 72.9),
    ("sa-east-1", -23.5, -46.6),
];

/// Great-circle distance in km between two regions (unknown regions are far away).
pub fn region_distance(a: &str, b: &str) -> f64 {
    let find = |r: &str| REGION_COORDS.iter().find(|(n, _, _)| *n == r).map(|(_, la, lo)| (*la, *lo));
    let (Some((la1, lo1)), Some((la2, lo2))) = (find(a), find(b)) else { return 40_000.0 };
    let (p1, p2) = (la1.to_radians(), la2.to_radians());
    let dp = p2 - p1;
    let dl = (lo2 - lo1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Route 53's continent codes.
pub const CONTINENTS: [&str; 7] = ["AF", "AN", "AS", "EU", "NA", "OC", "SA"];

/// Countries the simulator places on a continent (ISO 3166-1 alpha-2).
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AE", "AS"), ("AR", "SA"), ("AT", "EU"), ("AU", "OC"), ("BE", "EU"), ("BR", "SA"), ("CA", "NA"),
    ("CH", "EU"), ("CL", "SA"), ("CN", "AS"), ("CO", "SA"), ("CZ", "EU"), ("DE", "EU"), ("DK", "EU"),
    ("EG", "AF"), ("ES", "EU"), ("FI", "EU"), ("FR", "EU"), ("GB", "EU"), ("GR", "EU"), ("HK", "AS"),
    ("ID", "AS"), ("IE", "EU"), ("IL", "AS"), ("IN", "AS"), ("IT", "EU"), ("JP", "AS"), ("KE", "AF"),
    ("KR", "AS"), ("MX", "NA"), ("NG", "AF"), ("NL", "EU"), ("NO", "EU"), ("NZ", "OC"), ("PE", "SA"),
    ("PL", "EU"), ("PT", "EU"), ("SE", "EU"), ("SG", "AS"), ("TH", "AS"), ("TR", "EU"), ("TW", "AS"),
    ("UA", "EU"), ("US", "NA"), ("VN", "AS"), ("ZA", "AF"),
];

pub fn continent_of(country: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(c, _)| c.eq_ignore_ascii_case(country)).map(|(_, k)| *k)
}

/// True when the domain is present in the simulated registry and delegated.
pub fn delegated(d: &Domain) -> bool {
    !d.name_servers.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awsdns_names_match_the_observed_pattern() {
        // Observed in a Route 53 zone export: ns-1860.awsdns-40.co.uk.
        assert_eq!(awsdns_name(1860), "ns-1860.awsdns-40.co.uk.");
        assert_eq!(awsdns_name(0), "ns-0.awsdns-00.com.");
        assert_eq!(awsdns_name(512), "ns-512.awsdns-00.net.");
        assert_eq!(awsdns_name(1024), "ns-1024.awsdns-00.org.");
        assert!(is_awsdns("ns-0.awsdns-00.com."));
    }

    #[test]
    fn tld_facts() {
        assert!(is_tld("com."));
        assert!(!is_tld("example."));
        assert_eq!(tld_servers("com.").len(), 13);
        assert_eq!(tlds_served_by("a.gtld-servers.net."), vec!["com.", "net."]);
        assert_eq!(tlds_served_by("b.nic.io."), vec!["io."]);
        assert_eq!(registrable("www.shop.example.com."), Some("example.com.".into()));
        assert_eq!(registrable("example.zz."), None);
        assert_eq!(tld_soa("com.").1, 900);
    }

    #[test]
    fn geography() {
        assert!(region_distance("us-east-1", "us-east-2") < region_distance("us-east-1", "eu-west-1"));
        assert!(region_distance("eu-central-1", "eu-west-3") < region_distance("eu-central-1", "us-west-2"));
        assert_eq!(continent_of("de"), Some("EU"));
        assert_eq!(s3_website("Z3AQBSTGFYJSTF"), Some(("us-east-1", "s3-website-us-east-1.amazonaws.com.")));
    }
}
