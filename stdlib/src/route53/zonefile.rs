//! RFC 1035 master files ("zone files"): import into and export from a hosted zone, like
//! the Route 53 console's "Import zone file".
//!
//! Supported (RFC 1035 §5.1): `$ORIGIN`, `$TTL` (RFC 2308 §4), `@`, relative names, an
//! omitted owner (the previous one), optional TTL (also BIND units `1h30m`) and class `IN`
//! in either order, parentheses spanning lines, `;` comments, quoted strings with `\"` and
//! `\DDD` escapes. `$INCLUDE` and `$GENERATE` are rejected. Records of one name and type
//! become one record set (with the first record's TTL). Route 53's import ignores the
//! apex SOA and NS records (the zone keeps its own); the caller does that.
//!
//! Export writes `$ORIGIN`, a `$TTL` (the most common TTL), a multi-line SOA, relative
//! names, and comments for what a master file cannot express (alias records, routing
//! policies). The parser never panics; garbage gives an error naming the line.

use std::collections::BTreeMap;

use super::model::{HostedZone, Policy, ResourceRecordSet};
use super::name;
use super::rdata::RrType;

/// One record read from a master file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRecord {
    pub name: String,
    pub ttl: i64,
    pub rtype: RrType,
    pub value: String,
    pub line: usize,
}

/// A token and whether it was quoted.
#[derive(Clone, Debug, PartialEq)]
struct Tok {
    text: String,
    quoted: bool,
}

/// A logical line: its first physical line number, whether it began with blank space
/// (owner omitted), and its tokens.
struct Logical {
    line: usize,
    indented: bool,
    toks: Vec<Tok>,
}

fn lex(text: &str) -> Result<Vec<Logical>, String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur: Option<Logical> = None;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        if cur.is_none() {
            cur = Some(Logical { line: lineno, indented: raw.starts_with([' ', '\t']), toks: Vec::new() });
        }
        let l = cur.as_mut().expect("set above");
        let mut chars = raw.chars().peekable();
        while let Some(&c) = chars.peek() {
            match c {
                ' ' | '\t' | '\r' => {
                    chars.next();
                }
                ';' => break,
                '(' => {
                    depth += 1;
                    chars.next();
                }
                ')' => {
                    if depth == 0 {
                        return Err(format!("line {lineno}: `)` without `(`"));
                    }
                    depth -= 1;
                    chars.next();
                }
                '"' => {
                    chars.next();
                    let mut s = String::new();
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '"' => {
                                closed = true;
                                break;
                            }
                            '\\' => {
                                s.push('\\');
                                if let Some(n) = chars.next() {
                                    s.push(n);
                                }
                            }
                            c => s.push(c),
                        }
                    }
                    if !closed {
                        return Err(format!("line {lineno}: unterminated quoted string"));
                    }
                    l.toks.push(Tok { text: s, quoted: true });
                }
                _ => {
                    let mut s = String::new();
                    while let Some(&c) = chars.peek() {
                        if matches!(c, ' ' | '\t' | '\r' | ';' | '(' | ')' | '"') {
                            break;
                        }
                        s.push(c);
                        chars.next();
                        if c == '\\'
                            && let Some(n) = chars.next() {
                                s.push(n);
                            }
                    }
                    l.toks.push(Tok { text: s, quoted: false });
                }
            }
        }
        if depth == 0 {
            let done = cur.take().expect("set above");
            if !done.toks.is_empty() {
                out.push(done);
            }
        }
    }
    if depth > 0 {
        return Err(format!("line {}: `(` is never closed", cur.map(|c| c.line).unwrap_or(0)));
    }
    Ok(out)
}

/// A TTL: seconds, or BIND units (`1w2d3h4m5s`).
fn parse_ttl(s: &str) -> Option<i64> {
    if s.is_empty() || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let mut total: i64 = 0;
    let mut num: i64 = 0;
    let mut have = false;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            num = num.checked_mul(10)?.checked_add(d as i64)?;
            have = true;
        } else {
            let mul = match c.to_ascii_lowercase() {
                'w' => 604_800,
                'd' => 86_400,
                'h' => 3_600,
                'm' => 60,
                's' => 1,
                _ => return None,
            };
            if !have {
                return None;
            }
            total = total.checked_add(num.checked_mul(mul)?)?;
            num = 0;
            have = false;
        }
    }
    if have {
        total = total.checked_add(num)?;
    }
    Some(total)
}

/// A master-file name (RFC 1035 `\DDD` decimal escapes) in Route 53's escape form.
fn from_master(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let digits: String = chars.clone().take(3).collect();
        if digits.len() == 3 && digits.chars().all(|d| d.is_ascii_digit()) {
            let v: u32 = digits.parse().unwrap_or(0);
            out.push_str(&format!("\\{:03o}", v.min(255)));
            for _ in 0..3 {
                chars.next();
            }
        } else if let Some(n) = chars.next() {
            if n.is_ascii() {
                out.push_str(&format!("\\{:03o}", n as u32));
            } else {
                out.push(n);
            }
        }
    }
    out
}

/// A Route 53 name in master-file form: `\052` becomes `*`, other escapes decimal.
pub fn to_master(n: &str) -> String {
    let mut out = String::new();
    let b = n.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.len() >= i + 4 && b[i + 1..i + 4].iter().all(|d| (b'0'..=b'7').contains(d)) {
            let v = u32::from_str_radix(&n[i + 1..i + 4], 8).unwrap_or(0);
            if v == 42 {
                out.push('*');
            } else {
                out.push_str(&format!("\\{v:03}"));
            }
            i += 4;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn absolute(n: &str, origin: &str, line: usize) -> Result<String, String> {
    let full = if n == "@" {
        origin.to_string()
    } else if n.ends_with('.') && !n.ends_with("\\.") {
        n.to_string()
    } else if origin == "." {
        format!("{n}.")
    } else {
        format!("{n}.{origin}")
    };
    name::canonical(&from_master(&full)).map_err(|e| format!("line {line}: {}", e.fatal()))
}

/// Which fields of a type's RDATA are domain names (made absolute against the origin).
fn host_fields(t: RrType) -> &'static [usize] {
    match t {
        RrType::Cname | RrType::Ns | RrType::Ptr => &[0],
        RrType::Mx => &[1],
        RrType::Srv => &[3],
        RrType::Soa => &[0, 1],
        RrType::Naptr => &[5],
        _ => &[],
    }
}

fn quote(s: &str) -> String {
    format!("\"{s}\"")
}

/// Parses a master file; `origin` is the zone's name (used until a `$ORIGIN`).
pub fn parse(text: &str, origin: &str) -> Result<Vec<FileRecord>, String> {
    let mut origin = name::canonical(origin).map_err(|e| e.fatal())?;
    let mut default_ttl: Option<i64> = None;
    let mut last_ttl: Option<i64> = None;
    let mut owner: Option<String> = None;
    let mut out = Vec::new();
    for l in lex(text)? {
        let line = l.line;
        let first = &l.toks[0];
        if !first.quoted && first.text.starts_with('$') {
            let arg = l.toks.get(1).map(|t| t.text.as_str());
            match first.text.to_ascii_uppercase().as_str() {
                "$ORIGIN" => {
                    let a = arg.ok_or_else(|| format!("line {line}: $ORIGIN needs a name"))?;
                    origin = absolute(a, &origin, line)?;
                }
                "$TTL" => {
                    let a = arg.ok_or_else(|| format!("line {line}: $TTL needs a value"))?;
                    default_ttl = Some(parse_ttl(a).ok_or_else(|| format!("line {line}: `{a}` is not a TTL"))?);
                }
                other => return Err(format!("line {line}: {other} is not supported (only $ORIGIN and $TTL)")),
            }
            continue;
        }
        let mut toks = l.toks.iter().peekable();
        let name = if l.indented {
            owner.clone().ok_or_else(|| format!("line {line}: the record has no owner name and there is no previous one"))?
        } else {
            let t = toks.next().expect("non-empty");
            absolute(&t.text, &origin, line)?
        };
        let mut ttl = None;
        while let Some(t) = toks.peek() {
            if t.quoted {
                break;
            }
            if let Some(v) = parse_ttl(&t.text) {
                ttl = Some(v);
            } else if t.text.eq_ignore_ascii_case("IN") {
            } else if ["CH", "HS", "CS"].iter().any(|c| t.text.eq_ignore_ascii_case(c)) {
                return Err(format!("line {line}: class {} is not supported (Route 53 serves class IN)", t.text));
            } else {
                break;
            }
            toks.next();
        }
        let tt = toks.next().ok_or_else(|| format!("line {line}: missing record type"))?;
        let rtype: RrType = tt.text.parse().map_err(|e| format!("line {line}: {e}"))?;
        let mut fields: Vec<String> = toks.map(|t| if t.quoted { quote(&t.text) } else { t.text.clone() }).collect();
        if fields.is_empty() {
            return Err(format!("line {line}: {rtype} record without data"));
        }
        for &i in host_fields(rtype) {
            if let Some(f) = fields.get_mut(i)
                && !(rtype == RrType::Naptr && f == ".") {
                    *f = absolute(f.trim_matches('"'), &origin, line)?;
                }
        }
        let value = fields.join(" ");
        let ttl = ttl.or(default_ttl).or(last_ttl).ok_or_else(|| format!("line {line}: no TTL (give one or a $TTL)"))?;
        if !(0..=2_147_483_647).contains(&ttl) {
            return Err(format!("line {line}: TTL {ttl} is out of range"));
        }
        last_ttl = Some(ttl);
        owner = Some(name.clone());
        out.push(FileRecord { name, ttl, rtype, value, line });
    }
    Ok(out)
}

/// Groups records into record sets (one per name and type), in first-seen order.
pub fn record_sets(records: &[FileRecord]) -> Vec<ResourceRecordSet> {
    let mut order: Vec<(String, RrType)> = Vec::new();
    let mut sets: BTreeMap<(String, RrType), ResourceRecordSet> = BTreeMap::new();
    for r in records {
        let k = (r.name.clone(), r.rtype);
        match sets.get_mut(&k) {
            Some(s) => {
                let values = s.resource_records.get_or_insert_with(Vec::new);
                if !values.iter().any(|v| v.value == r.value) {
                    values.push(super::model::ResourceRecord { value: r.value.clone() });
                }
            }
            None => {
                order.push(k.clone());
                sets.insert(k, ResourceRecordSet::simple(&r.name, r.rtype, r.ttl, &[&r.value]));
            }
        }
    }
    order.into_iter().filter_map(|k| sets.remove(&k)).collect()
}

fn fqdn_hosts(t: RrType, value: &str) -> String {
    let hf = host_fields(t);
    if hf.is_empty() {
        return value.to_string();
    }
    let parts: Vec<&str> = if t == RrType::Naptr {
        // Only the last field (replacement) is a name; the quoted middle may hold spaces.
        match value.rsplit_once(' ') {
            Some((head, last)) => {
                let last = if last == "." { ".".to_string() } else { name::fqdn(last) };
                return format!("{head} {last}");
            }
            None => return value.to_string(),
        }
    } else {
        value.split_whitespace().collect()
    };
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if hf.contains(&i) { to_master(&name::fqdn(p)) } else { p.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the zone as a master file.
pub fn export(z: &HostedZone) -> String {
    let origin = &z.name;
    let mut ttls: BTreeMap<i64, usize> = BTreeMap::new();
    for s in z.records.values() {
        if let Some(t) = s.ttl {
            *ttls.entry(t).or_default() += 1;
        }
    }
    let default_ttl = ttls.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t))).map(|(t, _)| *t).unwrap_or(300);
    let mut out = format!("; {} exported from hosted zone {}\n$ORIGIN {}\n$TTL {default_ttl}\n", origin, z.id, to_master(origin));
    let rel = |n: &str| to_master(&name::relative(n, origin));
    let sorted = z.records.values().filter(|s| s.rtype() == RrType::Soa).chain(z.records.values().filter(|s| s.rtype() != RrType::Soa));
    for s in sorted {
        let t = s.rtype();
        let ttl_field = |ttl: Option<i64>| match ttl {
            Some(v) if v != default_ttl => format!("{v} "),
            _ => String::new(),
        };
        if let Some(a) = &s.alias_target {
            out.push_str(&format!(
                "; {} {} ALIAS {} {} (alias records cannot be written in a master file)\n",
                rel(&s.name),
                t,
                a.hosted_zone_id,
                a.dns_name
            ));
            continue;
        }
        let policy = s.policy();
        let prefix = if policy == Policy::Simple { String::new() } else { "; ".into() };
        for v in s.values() {
            if t == RrType::Soa {
                let f: Vec<&str> = v.split_whitespace().collect();
                if f.len() == 7 {
                    out.push_str(&format!(
                        "{prefix}{} {}IN SOA {} {} (\n\t\t{}\t; serial\n\t\t{}\t; refresh\n\t\t{}\t\t; retry\n\t\t{}\t; expire\n\t\t{} )\t; minimum\n",
                        rel(&s.name),
                        ttl_field(s.ttl),
                        to_master(&name::fqdn(f[0])),
                        to_master(&name::fqdn(f[1])),
                        f[2],
                        f[3],
                        f[4],
                        f[5],
                        f[6]
                    ));
                    continue;
                }
            }
            let note = match policy {
                Policy::Simple => String::new(),
                _ => format!(" ; {} record, SetIdentifier {}", policy.word(), s.set_identifier.as_deref().unwrap_or("")),
            };
            out.push_str(&format!("{prefix}{} {}IN {} {}{note}\n", rel(&s.name), ttl_field(s.ttl), t, fqdn_hosts(t, v)));
        }
    }
    out
}

/// Records of an import that Route 53 ignores: the apex SOA and NS.
pub fn ignored_on_import(s: &ResourceRecordSet, zone: &str) -> bool {
    s.name == zone && matches!(s.rtype(), RrType::Soa | RrType::Ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_STYLE: &str = r#"
$ORIGIN example.com.
$TTL 1h
@   IN  SOA ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. (
            1          ; serial
            7200       ; refresh
            900        ; retry
            1209600    ; expire
            86400 )    ; minimum
    IN  NS  ns-1.awsdns-00.com.
@   300 IN A 192.0.2.1
www     IN  CNAME @
mail 600 IN A 192.0.2.25
        IN  AAAA 2001:db8::25
@       IN  MX 10 mail
@       IN  MX 20 mail.backup.net.
@       IN  TXT "v=spf1 mx -all" "second; string"
*.apps  IN  A 192.0.2.9
_sip._tcp IN SRV 10 60 5060 sip
"#;

    #[test]
    fn parses_origin_ttl_relative_names_and_multiline_soa() {
        let rs = parse(RFC_STYLE, "example.com").unwrap();
        let soa = &rs[0];
        assert_eq!((soa.name.as_str(), soa.rtype, soa.ttl), ("example.com.", RrType::Soa, 3600));
        assert_eq!(soa.value, "ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400");
        // Omitted owner = previous owner.
        assert_eq!((rs[1].name.as_str(), rs[1].rtype), ("example.com.", RrType::Ns));
        assert_eq!(rs[2].ttl, 300);
        assert_eq!(rs[3].value, "example.com.");
        assert_eq!((rs[5].name.as_str(), rs[5].rtype, rs[5].ttl), ("mail.example.com.", RrType::Aaaa, 3600));
        assert_eq!(rs[6].value, "10 mail.example.com.");
        assert_eq!(rs[7].value, "20 mail.backup.net.");
        assert_eq!(rs[8].value, "\"v=spf1 mx -all\" \"second; string\"");
        assert_eq!(rs[9].name, "\\052.apps.example.com.");
        assert_eq!(rs[10].value, "10 60 5060 sip.example.com.");
        let sets = record_sets(&rs);
        assert_eq!(sets.iter().filter(|s| s.rr_type == "MX").count(), 1);
        assert_eq!(sets.iter().find(|s| s.rr_type == "MX").unwrap().values().count(), 2);
        for r in &rs {
            assert!(crate::route53::rdata::validate(r.rtype, &r.value).is_ok(), "{r:?}");
        }
    }

    #[test]
    fn errors_name_the_line_and_never_panic() {
        assert!(parse("www IN A 192.0.2.1", "example.com").unwrap_err().contains("line 1: no TTL"));
        assert!(parse("$TTL 60\nwww IN BOGUS x", "example.com").unwrap_err().starts_with("line 2:"));
        assert!(parse("$TTL 60\n@ IN SOA a. b. ( 1 2", "example.com").unwrap_err().contains("never closed"));
        assert!(parse("$INCLUDE other.zone", "example.com").unwrap_err().contains("not supported"));
        assert!(parse("$TTL 60\n  IN A 192.0.2.1", "example.com").unwrap_err().contains("no owner"));
        assert!(parse("$TTL 60\nx IN TXT \"open", "example.com").unwrap_err().contains("unterminated"));
        assert!(parse("$TTL 60\nx CH A 1.2.3.4", "example.com").unwrap_err().contains("class CH"));
        for garbage in ["(((", ")", "\\", "\"", "$ORIGIN", "@ 99999999999999999999 IN A 1.2.3.4", "a..b 1 IN A 1", "\u{0}\u{1}", "$TTL 1x"] {
            let _ = parse(garbage, "example.com");
        }
    }

    #[test]
    fn bind_ttl_units() {
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("1w"), Some(604800));
        assert_eq!(parse_ttl("300"), Some(300));
        assert_eq!(parse_ttl("h"), None);
        assert_eq!(parse_ttl("IN"), None);
    }

    #[test]
    fn master_names_convert_escapes() {
        assert_eq!(to_master("\\052.example.com."), "*.example.com.");
        assert_eq!(from_master("a\\032b"), "a\\040b");
        assert_eq!(to_master("a\\040b.example.com."), "a\\032b.example.com.");
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
            let _ = parse(&s, "example.com");
        }
        #[test]
        fn parser_never_panics_on_zone_like_text(s in "[ \t\n();\"\\\\$@a-zA-Z0-9.*]{0,200}") {
            let _ = parse(&s, "example.com");
        }
    }
}
