//! `zone_file`: arbitrary text as an RFC 1035 master file imported into a hosted zone.
//!
//! Input: `origin 0xFF text`. Checks: `route53::zonefile::parse` never panics; every record
//! it returns is absolute (ends with a dot), in range (TTL 0..=2^31-1), names its source
//! line, groups into record sets without panicking; Route 53's value validation of each
//! record's type never panics either.
#![no_main]

use cloudbook_stdlib::route53::{rdata, zonefile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (origin, text) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (String::from_utf8_lossy(&data[..i]).to_string(), String::from_utf8_lossy(&data[i + 1..]).to_string()),
        None => ("example.com.".to_string(), String::from_utf8_lossy(data).to_string()),
    };
    let Ok(records) = zonefile::parse(&text, &origin) else { return };
    let lines = text.lines().count();
    for r in &records {
        assert!(r.name.ends_with('.'), "owner names are absolute: {:?}", r.name);
        assert!((0..=2_147_483_647).contains(&r.ttl));
        assert!(r.line >= 1 && r.line <= lines.max(1), "line {} of {lines}", r.line);
        let _ = rdata::validate(r.rtype, &r.value);
        let _ = zonefile::to_master(&r.name);
    }
    let sets = zonefile::record_sets(&records);
    assert!(sets.len() <= records.len());
});
