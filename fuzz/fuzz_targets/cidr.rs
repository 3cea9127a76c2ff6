//! `cidr`: arbitrary strings and prefix lengths into the VPC CIDR arithmetic and planner.
//!
//! Input: `prefix, azs, tiers, spare, text` (text split at 0xFF into CIDRs). Checks: parsing
//! never panics and canonicalises (no host bits); for every block AWS allows (/16../28):
//! sizes add up (5 reserved, usable = size - 5, usable range inside the block), `split`
//! into any prefix either errors or yields blocks that tile the original exactly,
//! `summarize`/`free_space` cover exactly the complement, and `plan` either errors or
//! returns non-overlapping subnets inside the VPC range.
#![no_main]

use cloudbook_stdlib::vpc::cidr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let (prefix, azs, tiers, spare) = (data[0], data[1] % 8, data[2] % 8, data[3] % 4);
    let text = String::from_utf8_lossy(&data[4..]).to_string();
    let nets: Vec<_> = text.split('\u{FFFD}').filter_map(cidr::parse_v4_or_addr).collect();
    for n in &nets {
        assert_eq!(n.network(), n.trunc().network(), "canonical: no host bits");
        assert!(cidr::size(n) >= 1);
    }
    let Some(n) = nets.iter().copied().find(|n| cidr::allowed_prefix(n.prefix_len())) else { return };
    assert_eq!(cidr::usable(&n), cidr::size(&n) - 5);
    let reserved = cidr::reserved(&n);
    assert_eq!(reserved.len(), 5);
    let (first, last) = cidr::usable_range(&n);
    assert!(n.contains(&first) && n.contains(&last) && first <= last);
    assert!(!cidr::is_reserved(&n, first) && !cidr::is_reserved(&n, last));
    match cidr::split(&n, prefix) {
        Ok(parts) => {
            assert_eq!(parts.iter().map(cidr::size).sum::<u64>(), cidr::size(&n), "split tiles the block");
            assert_eq!(cidr::summarize(&parts), vec![n], "and aggregates back");
            // free space around one used part is everything else
            if let Some(used) = parts.get(parts.len() / 2) {
                let free = cidr::free_space(&n, &[*used]);
                assert_eq!(free.iter().map(cidr::size).sum::<u64>() + cidr::size(used), cidr::size(&n));
                assert!(free.iter().all(|f| !cidr::overlaps(f, used) && n.contains(f)));
            }
        }
        Err(e) => assert!(!e.is_empty()),
    }
    let req = cidr::PlanRequest {
        cidr: n,
        azs: (0..azs).map(|i| format!("us-east-1{}", (b'a' + i) as char)).collect(),
        tiers: (0..tiers).map(|i| format!("tier{i}")).collect(),
        spare_azs: u32::from(spare),
        subnet_prefix: (prefix % 2 == 0).then_some(prefix % 40),
        prefix: "sn".into(),
    };
    if let Ok(plan) = cidr::plan(&req) {
        let subnets: Vec<_> = plan.subnets.iter().filter(|s| !s.spare).filter_map(|s| cidr::parse_v4(&s.cidr)).collect();
        assert_eq!(subnets.len(), (azs as usize) * (tiers as usize));
        for (i, a) in subnets.iter().enumerate() {
            assert!(n.contains(a), "{a} inside {n}");
            assert!(cidr::allowed_prefix(a.prefix_len()));
            for b in &subnets[i + 1..] {
                assert!(!cidr::overlaps(a, b), "{a} overlaps {b}");
            }
        }
    }
});
