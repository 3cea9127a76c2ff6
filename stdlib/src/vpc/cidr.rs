//! CIDR arithmetic and the subnet planner: plain Rust over the `ipnet` crate (no Rhai, no
//! world). Every range operation here (containment, splitting, aggregation, covering a gap
//! with the fewest blocks) is ipnet's; this module only adds AWS's rules on top:
//!
//! 1. A VPC or subnet IPv4 block is between /16 and /28 ([VPC-ARCH] `vpc-cidr-blocks.md`).
//! 2. AWS reserves five addresses in every subnet: the network address, base+1 (the VPC
//!    router), base+2 (the Amazon DNS server), base+3 (future use) and the last address
//!    (broadcast, unsupported in a VPC) ([VPC-ARCH] `subnet-sizing.md`). So a subnet of
//!    prefix p has 2^(32-p) - 5 usable addresses.
//! 3. A CIDR given with host bits set is canonicalised ("100.68.0.18/18" -> "100.68.0.0/18").
//!
//! The planner lays subnets out the way the classic multi-tier design does (the
//! "Animals4Life" plan: 10.16.0.0/16, four AZ slots (three used, one spare) times four tiers
//! (reserved, db, app, web) = 16 /20 subnets): the VPC range is cut into one equal block per
//! AZ slot, each AZ block into one subnet per tier, so every AZ has the same shape and a new
//! AZ or tier can be added later without renumbering.

use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv4Subnets};
use serde::{Deserialize, Serialize};

/// Parses an IPv4 CIDR, canonicalising host bits away. `None` if it is not a CIDR.
pub fn parse_v4(s: &str) -> Option<Ipv4Net> {
    let s = s.trim();
    if !s.contains('/') {
        return None;
    }
    s.parse::<Ipv4Net>().ok().map(|n| n.trunc())
}

/// Parses an IPv4 address or CIDR (an address is a /32).
pub fn parse_v4_or_addr(s: &str) -> Option<Ipv4Net> {
    parse_v4(s).or_else(|| s.trim().parse::<Ipv4Addr>().ok().map(Ipv4Net::from))
}

/// True when the two ranges share at least one address.
pub fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// The number of addresses in a block.
pub fn size(n: &Ipv4Net) -> u64 {
    1u64 << (32 - n.prefix_len())
}

/// Addresses a subnet of this size can hand out (rule 2). Blocks smaller than a /28 are not
/// valid subnets; for them this is 0.
pub fn usable(n: &Ipv4Net) -> u64 {
    size(n).saturating_sub(5)
}

/// True if `prefix` is an allowed VPC/subnet IPv4 size (rule 1).
pub fn allowed_prefix(prefix: u8) -> bool {
    (16..=28).contains(&prefix)
}

/// One of the five addresses AWS reserves in a subnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReservedAddress {
    pub address: String,
    pub name: String,
    pub purpose: String,
}

/// The five reserved addresses of a subnet, by name (rule 2).
pub fn reserved(n: &Ipv4Net) -> Vec<ReservedAddress> {
    let base = u32::from(n.network());
    let row = |a: u32, name: &str, purpose: &str| ReservedAddress {
        address: Ipv4Addr::from(a).to_string(),
        name: name.into(),
        purpose: purpose.into(),
    };
    vec![
        row(base, "network", "Network address"),
        row(base + 1, "router", "Reserved by AWS for the VPC router"),
        row(base + 2, "dns", "Reserved by AWS for the Amazon DNS server (base of the range plus two)"),
        row(base + 3, "future", "Reserved by AWS for future use"),
        row(u32::from(n.broadcast()), "broadcast", "Network broadcast address (broadcast is not supported in a VPC)"),
    ]
}

/// True if `a` is one of the subnet's five reserved addresses.
pub fn is_reserved(n: &Ipv4Net, a: Ipv4Addr) -> bool {
    let off = u32::from(a).wrapping_sub(u32::from(n.network()));
    off <= 3 || a == n.broadcast()
}

/// The first and last address an instance can get in the subnet.
pub fn usable_range(n: &Ipv4Net) -> (Ipv4Addr, Ipv4Addr) {
    (Ipv4Addr::from(u32::from(n.network()) + 4), Ipv4Addr::from(u32::from(n.broadcast()) - 1))
}

/// Splits `n` into blocks of `new_prefix`.
pub fn split(n: &Ipv4Net, new_prefix: u8) -> Result<Vec<Ipv4Net>, String> {
    if new_prefix < n.prefix_len() || new_prefix > 32 {
        return Err(format!("cannot split `{n}` into /{new_prefix} blocks: the new prefix must be between /{} and /32", n.prefix_len()));
    }
    let count = 1u64 << (new_prefix - n.prefix_len());
    if count > 65_536 {
        return Err(format!("splitting `{n}` into /{new_prefix} gives {count} blocks; at most 65,536 are listed"));
    }
    Ok(n.subnets(new_prefix).map_err(|e| e.to_string())?.collect())
}

/// The smallest set of CIDRs covering exactly the same addresses.
pub fn summarize(nets: &[Ipv4Net]) -> Vec<Ipv4Net> {
    Ipv4Net::aggregate(&nets.to_vec())
}

/// The parts of `outer` not covered by `used`, as the fewest CIDR blocks, in address order.
pub fn free_space(outer: &Ipv4Net, used: &[Ipv4Net]) -> Vec<Ipv4Net> {
    let mut used: Vec<Ipv4Net> = summarize(&used.iter().filter(|u| overlaps(outer, u)).copied().collect::<Vec<_>>());
    used.sort();
    let mut out = Vec::new();
    let mut next = u64::from(u32::from(outer.network()));
    let end = u64::from(u32::from(outer.broadcast()));
    for u in used {
        let (s, e) = (u64::from(u32::from(u.network())), u64::from(u32::from(u.broadcast())));
        if s > next {
            out.extend(Ipv4Subnets::new(Ipv4Addr::from(next as u32), Ipv4Addr::from((s - 1) as u32), outer.prefix_len()));
        }
        next = next.max(e + 1);
    }
    if next <= end {
        out.extend(Ipv4Subnets::new(Ipv4Addr::from(next as u32), Ipv4Addr::from(end as u32), outer.prefix_len()));
    }
    out
}

/// The smallest power of two at least `n` (n >= 1), as a number of bits.
fn bits_for(n: u64) -> u8 {
    let mut b = 0u8;
    while (1u64 << b) < n {
        b += 1;
    }
    b
}

/// What the planner is asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    pub cidr: Ipv4Net,
    /// AZ names in use (`us-east-1a`, ...), in order.
    pub azs: Vec<String>,
    /// Tier names, in address order within each AZ (`reserved`, `db`, `app`, `web`).
    pub tiers: Vec<String>,
    /// AZ slots kept free for later (their ranges are reported, not allocated).
    pub spare_azs: u32,
    /// Force the subnet size instead of the largest that fits.
    pub subnet_prefix: Option<u8>,
    /// Name prefix of the subnets (`sn`).
    pub prefix: String,
}

/// One row of a plan (a subnet, or a spare slot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlannedSubnet {
    pub name: String,
    pub availability_zone: String,
    pub tier: String,
    pub cidr: String,
    pub addresses: u64,
    pub usable: u64,
    pub first_usable: String,
    pub last_usable: String,
    pub router: String,
    pub dns: String,
    pub spare: bool,
}

/// A laid-out plan: the subnets, their size, what AWS reserves, and what is left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Plan {
    pub cidr: String,
    pub subnet_prefix: u8,
    pub az_block_prefix: u8,
    pub subnets: Vec<PlannedSubnet>,
    /// Addresses in the VPC range.
    pub total_addresses: u64,
    /// Addresses in allocated (non-spare) subnets.
    pub allocated_addresses: u64,
    /// Usable addresses in allocated subnets (5 fewer per subnet).
    pub usable_addresses: u64,
    /// Addresses AWS reserves in allocated subnets (5 per subnet).
    pub aws_reserved_addresses: u64,
    /// Addresses in slots that rounding to powers of two leaves unused (neither allocated
    /// nor a named spare slot).
    pub rounding_waste: u64,
    /// Addresses in spare AZ slots.
    pub spare_addresses: u64,
    /// Ranges not allocated to a subnet (spare slots and rounding waste), summarized.
    pub left: Vec<String>,
}

fn az_label(az: &str, i: usize) -> String {
    match az.chars().last() {
        Some(c) if c.is_ascii_alphabetic() && az.len() > 1 => c.to_ascii_uppercase().to_string(),
        _ => ((b'A' + (i % 26) as u8) as char).to_string(),
    }
}

/// Lays out subnets: AZ-major (one equal block per AZ slot), then one subnet per tier.
pub fn plan(req: &PlanRequest) -> Result<Plan, String> {
    if req.tiers.is_empty() {
        return Err("`Tiers` must name at least one tier".into());
    }
    if req.azs.is_empty() {
        return Err("`AvailabilityZones` must name at least one Availability Zone".into());
    }
    let az_slots = req.azs.len() as u64 + u64::from(req.spare_azs);
    let az_bits = bits_for(az_slots);
    let tier_bits = bits_for(req.tiers.len() as u64);
    let natural = req.cidr.prefix_len() as u32 + az_bits as u32 + tier_bits as u32;
    let subnet_prefix = match req.subnet_prefix {
        Some(p) => {
            if (p as u32) < natural {
                return Err(format!(
                    "{} AZ slots x {} tiers need at least {} subnets per AZ slot of /{}: a /{p} subnet is too large to fit them in `{}` (the largest that fits is /{natural})",
                    az_slots,
                    req.tiers.len(),
                    1u64 << tier_bits,
                    req.cidr.prefix_len() as u32 + az_bits as u32,
                    req.cidr
                ));
            }
            p as u32
        }
        None => natural,
    };
    if subnet_prefix > 28 {
        return Err(format!(
            "{} AZ slots x {} tiers do not fit in `{}`: each subnet would be a /{subnet_prefix}, and the smallest subnet AWS allows is a /28",
            az_slots,
            req.tiers.len(),
            req.cidr
        ));
    }
    let subnet_prefix = subnet_prefix.max(16) as u8;
    if !allowed_prefix(subnet_prefix) {
        return Err(format!("subnets must be between /16 and /28, not /{subnet_prefix}"));
    }
    let az_block_prefix = subnet_prefix - tier_bits;
    let az_blocks: Vec<Ipv4Net> = req.cidr.subnets(az_block_prefix.max(req.cidr.prefix_len())).map_err(|e| e.to_string())?.collect();
    let mut rows = Vec::new();
    let mut allocated = Vec::new();
    let mut spare_addresses = 0;
    for (slot, &block) in az_blocks.iter().take(az_slots as usize).enumerate() {
        let spare = slot >= req.azs.len();
        let az = if spare { format!("spare-{}", slot - req.azs.len() + 1) } else { req.azs[slot].clone() };
        let label = if spare { az_label("", slot) } else { az_label(&az, slot) };
        let subnets: Vec<Ipv4Net> = block.subnets(subnet_prefix).map_err(|e| e.to_string())?.collect();
        for (t, tier) in req.tiers.iter().enumerate() {
            let n = subnets[t];
            let (first, last) = usable_range(&n);
            let base = u32::from(n.network());
            if spare {
                spare_addresses += size(&n);
            } else {
                allocated.push(n);
            }
            rows.push(PlannedSubnet {
                name: format!("{}-{}-{}", req.prefix, tier, label),
                availability_zone: az.clone(),
                tier: tier.clone(),
                cidr: n.to_string(),
                addresses: size(&n),
                usable: usable(&n),
                first_usable: first.to_string(),
                last_usable: last.to_string(),
                router: Ipv4Addr::from(base + 1).to_string(),
                dns: Ipv4Addr::from(base + 2).to_string(),
                spare,
            });
        }
    }
    let allocated_addresses: u64 = allocated.iter().map(size).sum();
    let total = size(&req.cidr);
    let left = free_space(&req.cidr, &allocated);
    Ok(Plan {
        cidr: req.cidr.to_string(),
        subnet_prefix,
        az_block_prefix,
        total_addresses: total,
        allocated_addresses,
        usable_addresses: allocated.iter().map(usable).sum(),
        aws_reserved_addresses: 5 * allocated.len() as u64,
        rounding_waste: total - allocated_addresses - spare_addresses,
        spare_addresses,
        left: left.iter().map(|n| n.to_string()).collect(),
        subnets: rows,
    })
}

/// One clash between a planned range and a range to avoid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Conflict {
    pub planned: String,
    pub planned_name: String,
    pub avoid: String,
    pub avoid_name: String,
    /// The addresses both ranges hold (the smaller of the two ranges).
    pub overlap: String,
}

/// Checks named planned ranges against named ranges to avoid.
pub fn check(planned: &[(String, Ipv4Net)], avoid: &[(String, Ipv4Net)]) -> Vec<Conflict> {
    let mut out = Vec::new();
    for (pn, p) in planned {
        for (an, a) in avoid {
            if overlaps(p, a) {
                let overlap = if p.prefix_len() >= a.prefix_len() { p } else { a };
                out.push(Conflict {
                    planned: p.to_string(),
                    planned_name: pn.clone(),
                    avoid: a.to_string(),
                    avoid_name: an.clone(),
                    overlap: overlap.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Ipv4Net {
        parse_v4(s).unwrap()
    }

    #[test]
    fn canonicalises_like_aws() {
        // [VPC-ARCH] vpc-cidr-blocks.md: "if you specify 100.68.0.18/18 for the CIDR block, we
        // create a CIDR block of 100.68.0.0/18."
        assert_eq!(n("100.68.0.18/18").to_string(), "100.68.0.0/18");
        assert_eq!(parse_v4("10.0.0.0"), None);
        assert_eq!(parse_v4("10.0.0.0/33"), None);
        assert_eq!(parse_v4("banana"), None);
        assert_eq!(parse_v4_or_addr("10.0.0.7").unwrap().to_string(), "10.0.0.7/32");
    }

    #[test]
    fn five_reserved_addresses_of_the_doc_example() {
        // [VPC-ARCH] subnet-sizing.md, for 10.0.0.0/24: 10.0.0.0 network, .1 router, .2 DNS,
        // .3 future use, 10.0.0.255 broadcast.
        let r = reserved(&n("10.0.0.0/24"));
        let addrs: Vec<_> = r.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255"]);
        assert_eq!(r[1].name, "router");
        assert_eq!(r[2].name, "dns");
        assert!(is_reserved(&n("10.0.0.0/24"), "10.0.0.3".parse().unwrap()));
        assert!(is_reserved(&n("10.0.0.0/24"), "10.0.0.255".parse().unwrap()));
        assert!(!is_reserved(&n("10.0.0.0/24"), "10.0.0.4".parse().unwrap()));
        assert!(!is_reserved(&n("10.0.0.0/24"), "10.0.0.254".parse().unwrap()));
        assert_eq!(usable_range(&n("10.0.0.0/24")), ("10.0.0.4".parse().unwrap(), "10.0.0.254".parse().unwrap()));
    }

    #[test]
    fn usable_is_size_minus_five() {
        assert_eq!(usable(&n("10.0.0.0/28")), 11);
        assert_eq!(usable(&n("10.0.0.0/24")), 251);
        assert_eq!(usable(&n("10.0.0.0/20")), 4091);
        assert_eq!(usable(&n("10.0.0.0/16")), 65_531);
        assert!(allowed_prefix(16) && allowed_prefix(28));
        assert!(!allowed_prefix(15) && !allowed_prefix(29));
    }

    #[test]
    fn split_summarize_free() {
        let parts = split(&n("10.16.0.0/16"), 18).unwrap();
        assert_eq!(parts.iter().map(|p| p.to_string()).collect::<Vec<_>>(), ["10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18", "10.16.192.0/18"]);
        assert!(split(&n("10.0.0.0/24"), 23).is_err());
        assert!(split(&n("10.0.0.0/8"), 32).is_err());
        assert_eq!(summarize(&[n("10.0.0.0/24"), n("10.0.1.0/24"), n("10.0.2.0/24")]), vec![n("10.0.0.0/23"), n("10.0.2.0/24")]);
        let free = free_space(&n("10.0.0.0/24"), &[n("10.0.0.0/26"), n("10.0.0.128/26")]);
        assert_eq!(free, vec![n("10.0.0.64/26"), n("10.0.0.192/26")]);
        assert_eq!(free_space(&n("10.0.0.0/24"), &[]), vec![n("10.0.0.0/24")]);
        assert_eq!(free_space(&n("10.0.0.0/24"), &[n("10.0.0.0/16")]), vec![]);
        assert!(overlaps(&n("10.0.0.0/16"), &n("10.0.5.0/24")));
        assert!(!overlaps(&n("10.0.0.0/16"), &n("10.1.0.0/16")));
    }

    fn a4l(cidr: &str) -> PlanRequest {
        PlanRequest {
            cidr: n(cidr),
            azs: vec!["us-east-1a".into(), "us-east-1b".into(), "us-east-1c".into()],
            tiers: ["reserved", "db", "app", "web"].iter().map(|s| s.to_string()).collect(),
            spare_azs: 1,
            subnet_prefix: None,
            prefix: "sn".into(),
        }
    }

    #[test]
    fn a4l_plan_is_sixteen_slash_twenties() {
        // The seed's plan: 4 AZ slots (3 + 1 spare) x 4 tiers = 16 subnets, /20s out of a /16.
        let p = plan(&a4l("10.16.0.0/16")).unwrap();
        assert_eq!(p.subnet_prefix, 20);
        assert_eq!(p.az_block_prefix, 18);
        assert_eq!(p.subnets.len(), 16);
        let first: Vec<_> = p.subnets.iter().take(5).map(|s| (s.name.as_str(), s.cidr.as_str())).collect();
        assert_eq!(
            first,
            [("sn-reserved-A", "10.16.0.0/20"), ("sn-db-A", "10.16.16.0/20"), ("sn-app-A", "10.16.32.0/20"), ("sn-web-A", "10.16.48.0/20"), ("sn-reserved-B", "10.16.64.0/20")]
        );
        assert_eq!(p.subnets[15].cidr, "10.16.240.0/20");
        assert!(p.subnets[15].spare);
        assert_eq!(p.subnets[3].usable, 4091);
        assert_eq!(p.subnets[3].dns, "10.16.48.2");
        assert_eq!(p.allocated_addresses, 12 * 4096);
        assert_eq!(p.aws_reserved_addresses, 60);
        assert_eq!(p.spare_addresses, 4 * 4096);
        assert_eq!(p.rounding_waste, 0);
        assert_eq!(p.left, ["10.16.192.0/18"]);
    }

    #[test]
    fn a4l_plan_in_a_slash_eighteen_gives_slash_twenty_twos() {
        let p = plan(&a4l("10.16.0.0/18")).unwrap();
        assert_eq!(p.subnet_prefix, 22);
        assert_eq!(p.subnets[1].cidr, "10.16.4.0/22");
        assert_eq!(p.subnets[1].usable, 1019);
    }

    #[test]
    fn plan_rounds_up_and_reports_waste() {
        let mut r = a4l("10.0.0.0/16");
        r.tiers = vec!["web".into(), "app".into(), "db".into()];
        r.spare_azs = 0;
        let p = plan(&r).unwrap();
        // 3 AZs -> 4 slots (/18), 3 tiers -> 4 per slot (/20); one /18 and three /20s unused.
        assert_eq!(p.subnet_prefix, 20);
        assert_eq!(p.rounding_waste, 65_536 - 9 * 4096);
        assert_eq!(p.left, ["10.0.48.0/20", "10.0.112.0/20", "10.0.176.0/20", "10.0.192.0/18"]);
    }

    #[test]
    fn plan_rejects_what_does_not_fit() {
        let mut r = a4l("10.0.0.0/24");
        r.tiers = (0..8).map(|i| format!("t{i}")).collect();
        let e = plan(&r).unwrap_err();
        assert!(e.contains("/29") && e.contains("/28"), "{e}");
        let mut r = a4l("10.0.0.0/16");
        r.subnet_prefix = Some(17);
        assert!(plan(&r).unwrap_err().contains("too large"));
        let mut r = a4l("10.0.0.0/16");
        r.subnet_prefix = Some(24);
        assert_eq!(plan(&r).unwrap().subnets[1].cidr, "10.0.1.0/24");
    }

    #[test]
    fn check_finds_overlaps() {
        let planned = vec![("prod".to_string(), n("10.16.0.0/16")), ("dev".to_string(), n("10.17.0.0/16"))];
        let avoid = vec![("on-premises".to_string(), n("10.17.128.0/17")), ("partner".to_string(), n("192.168.10.0/24"))];
        let c = check(&planned, &avoid);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].planned_name, "dev");
        assert_eq!(c[0].overlap, "10.17.128.0/17");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn block() -> impl Strategy<Value = Ipv4Net> {
        (any::<u32>(), 8u8..=28).prop_map(|(a, p)| Ipv4Net::new(Ipv4Addr::from(a), p).unwrap().trunc())
    }

    proptest! {
        /// Free space and the used blocks partition the outer block: disjoint, inside, and
        /// together exactly its size.
        #[test]
        fn free_space_partitions(outer in block(), picks in proptest::collection::vec((any::<u32>(), 0u8..=6), 0..8)) {
            let used: Vec<Ipv4Net> = picks
                .iter()
                .map(|(off, extra)| {
                    let p = (outer.prefix_len() + extra).min(32);
                    let addr = u32::from(outer.network()) | (off & !u32::from(outer.netmask()));
                    Ipv4Net::new(Ipv4Addr::from(addr), p).unwrap().trunc()
                })
                .collect();
            let used = summarize(&used);
            let free = free_space(&outer, &used);
            let total: u64 = used.iter().chain(free.iter()).map(size).sum();
            prop_assert_eq!(total, size(&outer));
            for f in &free {
                prop_assert!(outer.contains(f));
                prop_assert!(!used.iter().any(|u| overlaps(u, f)));
            }
        }

        /// Summarizing never changes which addresses are covered.
        #[test]
        fn summarize_keeps_the_addresses(nets in proptest::collection::vec(block(), 1..6), probe in any::<u32>()) {
            let probe = Ipv4Addr::from(probe);
            let before = nets.iter().any(|n| n.contains(&probe));
            let after = summarize(&nets).iter().any(|n| n.contains(&probe));
            prop_assert_eq!(before, after);
        }

        /// A plan's subnets are inside the VPC, of the chosen size, pairwise disjoint, each
        /// with size - 5 usable addresses; what is left is exactly the unallocated space.
        #[test]
        fn plans_are_disjoint_and_accounted(prefix in 16u8..=24, azs in 1usize..=6, spare in 0u32..=2, tiers in 1usize..=6) {
            let cidr = Ipv4Net::new(Ipv4Addr::new(10, 16, 0, 0), prefix).unwrap().trunc();
            let req = PlanRequest {
                cidr,
                azs: (0..azs).map(|i| format!("us-east-1{}", (b'a' + i as u8) as char)).collect(),
                tiers: (0..tiers).map(|i| format!("t{i}")).collect(),
                spare_azs: spare,
                subnet_prefix: None,
                prefix: "sn".into(),
            };
            let Ok(p) = plan(&req) else { return Ok(()) };
            let nets: Vec<Ipv4Net> = p.subnets.iter().map(|s| s.cidr.parse().unwrap()).collect();
            prop_assert_eq!(nets.len(), (azs + spare as usize) * tiers);
            for (i, n) in nets.iter().enumerate() {
                prop_assert!(cidr.contains(n));
                prop_assert_eq!(n.prefix_len(), p.subnet_prefix);
                prop_assert_eq!(p.subnets[i].usable, size(n) - 5);
                prop_assert!(!nets[..i].iter().any(|m| overlaps(m, n)));
            }
            let left: u64 = p.left.iter().map(|s| size(&s.parse().unwrap())).sum();
            prop_assert_eq!(left + p.allocated_addresses, p.total_addresses);
            prop_assert_eq!(p.spare_addresses + p.rounding_waste + p.allocated_addresses, p.total_addresses);
        }
    }
}
