//! Record types and record values, validated the way Route 53 validates
//! `ResourceRecords[].Value` in ChangeResourceRecordSets.
//!
//! A bad value fails the whole change batch with `InvalidChangeBatch` and a message of the
//! form `Invalid Resource Record: FATAL problem: CODE (description) encountered with 'value'`.
//! The codes observed from Route 53 are `ARRDATAIllegalIPv4Address`, `ARRDATANotSingleField`
//! and `CharacterStringTooLong`; the others follow the same pattern (see the module docs).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::name;

/// The record types Route 53 supports (Developer Guide, "Supported DNS record types").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RrType {
    A,
    Aaaa,
    Caa,
    Cname,
    Ds,
    Mx,
    Naptr,
    Ns,
    Ptr,
    Soa,
    Spf,
    Srv,
    Txt,
}

impl RrType {
    pub const ALL: [RrType; 13] = [
        RrType::A,
        RrType::Aaaa,
        RrType::Caa,
        RrType::Cname,
        RrType::Ds,
        RrType::Mx,
        RrType::Naptr,
        RrType::Ns,
        RrType::Ptr,
        RrType::Soa,
        RrType::Spf,
        RrType::Srv,
        RrType::Txt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RrType::A => "A",
            RrType::Aaaa => "AAAA",
            RrType::Caa => "CAA",
            RrType::Cname => "CNAME",
            RrType::Ds => "DS",
            RrType::Mx => "MX",
            RrType::Naptr => "NAPTR",
            RrType::Ns => "NS",
            RrType::Ptr => "PTR",
            RrType::Soa => "SOA",
            RrType::Spf => "SPF",
            RrType::Srv => "SRV",
            RrType::Txt => "TXT",
        }
    }

    /// Types whose value is (or ends in) a domain name a resolver may follow.
    pub fn names_a_host(self) -> bool {
        matches!(self, RrType::Cname | RrType::Ns | RrType::Ptr | RrType::Mx | RrType::Srv)
    }
}

impl fmt::Display for RrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for RrType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RrType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for RrType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RrType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("`{s}` is not a record type Route 53 supports (A, AAAA, CAA, CNAME, DS, MX, NAPTR, NS, PTR, SOA, SPF, SRV, TXT)"))
    }
}

fn fatal(code: &str, desc: &str, value: &str) -> String {
    format!("Invalid Resource Record: FATAL problem: {code} ({desc}) encountered with '{value}'")
}

/// Splits TXT/SPF/CAA-style text into RFC 1035 character-strings: quoted strings (with
/// `\"`, `\\` and `\DDD` escapes) or unquoted runs without spaces.
pub fn character_strings(value: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut s = String::new();
        if c == '"' {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        let d: String = chars.clone().take(3).collect();
                        if d.len() == 3 && d.chars().all(|c| c.is_ascii_digit()) {
                            let v: u32 = d.parse().unwrap_or(256);
                            if v > 255 {
                                return Err("InvalidCharacterString");
                            }
                            s.push(char::from(v as u8));
                            for _ in 0..3 {
                                chars.next();
                            }
                        } else if let Some(n) = chars.next() {
                            s.push(n);
                        }
                    }
                    c => s.push(c),
                }
            }
            if !closed {
                return Err("InvalidCharacterString");
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '"' {
                    return Err("InvalidCharacterString");
                }
                s.push(c);
                chars.next();
            }
        }
        out.push(s);
    }
    Ok(out)
}

fn fields(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}

fn u16_field(s: &str) -> Option<u16> {
    s.parse::<u16>().ok()
}

/// Validates one record value of type `t`, returning Route 53's message on failure.
pub fn validate(t: RrType, value: &str) -> Result<(), String> {
    validate_inner(t, value.trim())
}

fn validate_inner(t: RrType, v: &str) -> Result<(), String> {
    let f = fields(v);
    let tn = t.as_str();
    if v.is_empty() {
        return Err(fatal(&format!("{tn}RRDATAEmpty"), "Value is empty", v));
    }
    match t {
        RrType::A => {
            if f.len() != 1 {
                return Err(fatal("ARRDATANotSingleField", "Value contains spaces", v));
            }
            Ipv4Addr::from_str(v).map(|_| ()).map_err(|_| fatal("ARRDATAIllegalIPv4Address", "Value is not a valid IPv4 address", v))
        }
        RrType::Aaaa => {
            if f.len() != 1 {
                return Err(fatal("AAAARRDATANotSingleField", "Value contains spaces", v));
            }
            Ipv6Addr::from_str(v).map(|_| ()).map_err(|_| fatal("AAAARRDATAIllegalIPv6Address", "Value is not a valid IPv6 address", v))
        }
        RrType::Cname | RrType::Ns | RrType::Ptr => {
            if f.len() != 1 {
                return Err(fatal(&format!("{tn}RRDATANotSingleField"), "Value contains spaces", v));
            }
            host_ok(f[0], v)
        }
        RrType::Mx => {
            if f.len() != 2 {
                return Err(fatal("MXRRDATANotTwoFields", "Value does not contain two fields", v));
            }
            if u16_field(f[0]).is_none() {
                return Err(fatal("MXRRDATAIllegalPreference", "Preference is not an integer between 0 and 65535", v));
            }
            host_ok(f[1], v)
        }
        RrType::Srv => {
            if f.len() != 4 {
                return Err(fatal("SRVRRDATANotFourFields", "Value does not contain four fields", v));
            }
            if f[..3].iter().any(|x| u16_field(x).is_none()) {
                return Err(fatal("SRVRRDATAIllegalNumber", "Priority, weight and port must be integers between 0 and 65535", v));
            }
            host_ok(f[3], v)
        }
        RrType::Txt | RrType::Spf => {
            if v.chars().count() > 4000 {
                return Err(fatal("TXTRDATATooLong", "Value is too long", v));
            }
            let parts = character_strings(v).map_err(|code| fatal(code, "Value should be enclosed in quotation marks", v))?;
            if parts.iter().any(|p| p.len() > 255) {
                return Err(fatal("CharacterStringTooLong", "Value is too long", v));
            }
            Ok(())
        }
        RrType::Soa => {
            if f.len() != 7 {
                return Err(fatal("SOARRDATANotSevenFields", "Value does not contain seven fields", v));
            }
            host_ok(f[0], v)?;
            host_ok(f[1], v)?;
            if f[2..].iter().any(|x| x.parse::<u32>().is_err()) {
                return Err(fatal("SOARRDATAIllegalNumber", "Serial, refresh, retry, expire and minimum must be integers between 0 and 4294967295", v));
            }
            Ok(())
        }
        RrType::Caa => {
            let parts = character_strings(v).map_err(|code| fatal(code, "Value should be enclosed in quotation marks", v))?;
            if parts.len() != 3 {
                return Err(fatal("CAARRDATANotThreeFields", "Value does not contain three fields", v));
            }
            if parts[0].parse::<u8>().is_err() {
                return Err(fatal("CAARRDATAIllegalFlags", "Flags must be an integer between 0 and 255", v));
            }
            if parts[1].is_empty() || !parts[1].chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(fatal("CAARRDATAIllegalTag", "Tag must be letters and digits, such as issue, issuewild or iodef", v));
            }
            Ok(())
        }
        RrType::Naptr => {
            let parts = character_strings(v).map_err(|code| fatal(code, "Value should be enclosed in quotation marks", v))?;
            if parts.len() != 6 {
                return Err(fatal("NAPTRRRDATANotSixFields", "Value does not contain six fields", v));
            }
            if parts[..2].iter().any(|x| u16_field(x).is_none()) {
                return Err(fatal("NAPTRRRDATAIllegalNumber", "Order and preference must be integers between 0 and 65535", v));
            }
            if parts[5] != "." {
                host_ok(&parts[5], v)?;
            }
            Ok(())
        }
        RrType::Ds => {
            if f.len() != 4 {
                return Err(fatal("DSRRDATANotFourFields", "Value does not contain four fields", v));
            }
            if u16_field(f[0]).is_none() || f[1].parse::<u8>().is_err() || f[2].parse::<u8>().is_err() {
                return Err(fatal("DSRRDATAIllegalNumber", "Key tag, algorithm and digest type must be integers", v));
            }
            if f[3].is_empty() || !f[3].len().is_multiple_of(2) || !f[3].chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(fatal("DSRRDATAIllegalDigest", "Digest must be hexadecimal", v));
            }
            Ok(())
        }
    }
}

fn host_ok(host: &str, value: &str) -> Result<(), String> {
    name::canonical(host).map(|_| ()).map_err(|e| format!("Invalid Resource Record: FATAL problem: {} ({}) encountered with '{}'", e.code, e.desc, value))
}

/// `(preference, exchange)` of an MX value (exchange canonical).
pub fn mx(value: &str) -> Option<(u16, String)> {
    let f = fields(value);
    if f.len() != 2 {
        return None;
    }
    Some((u16_field(f[0])?, name::canonical(f[1]).ok()?))
}

/// The host a CNAME/NS/PTR value names, canonical.
pub fn host(value: &str) -> Option<String> {
    name::canonical(value.trim()).ok()
}

/// The seven SOA fields: `(mname, rname, serial, refresh, retry, expire, minimum)`.
pub fn soa_minimum(value: &str) -> Option<u32> {
    fields(value).get(6)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_case_insensitively_and_reject_unknowns() {
        assert_eq!("aaaa".parse::<RrType>().unwrap(), RrType::Aaaa);
        assert!("TLSB".parse::<RrType>().is_err());
        assert_eq!(RrType::ALL.len(), 13);
    }

    #[test]
    fn a_record_messages_match_route53() {
        // Observed Route 53 responses: "Invalid Resource Record: FATAL problem:
        // ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with
        // 'ns-738.awsdns-28.net.'" and "... ARRDATANotSingleField (Value contains spaces)
        // encountered with '88.112.107.181, 88.112.107.181'".
        assert_eq!(
            validate(RrType::A, "ns-738.awsdns-28.net.").unwrap_err(),
            "Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with 'ns-738.awsdns-28.net.'"
        );
        assert_eq!(
            validate(RrType::A, "88.112.107.181, 88.112.107.181").unwrap_err(),
            "Invalid Resource Record: FATAL problem: ARRDATANotSingleField (Value contains spaces) encountered with '88.112.107.181, 88.112.107.181'"
        );
        assert!(validate(RrType::A, "192.0.2.44").is_ok());
        assert!(validate(RrType::A, "256.0.0.1").is_err());
    }

    #[test]
    fn each_type_accepts_its_format_and_rejects_others() {
        let ok = [
            (RrType::Aaaa, "2001:db8::1"),
            (RrType::Cname, "www.example.com"),
            (RrType::Mx, "10 mail.example.com"),
            (RrType::Txt, "\"v=spf1 include:_spf.example.com ~all\""),
            (RrType::Txt, "\"part one\" \"part two\""),
            (RrType::Spf, "\"v=spf1 -all\""),
            (RrType::Ns, "ns-1.awsdns-00.com."),
            (RrType::Soa, "ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"),
            (RrType::Srv, "1 10 5269 xmpp-server.example.com."),
            (RrType::Caa, "0 issue \"amazon.com\""),
            (RrType::Ptr, "www.example.com"),
            (RrType::Naptr, "100 100 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."),
            (RrType::Ds, "12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE"),
        ];
        for (t, v) in ok {
            assert!(validate(t, v).is_ok(), "{t} {v}: {:?}", validate(t, v));
        }
        let bad = [
            (RrType::Aaaa, "192.0.2.1"),
            (RrType::Cname, "a b"),
            (RrType::Mx, "mail.example.com"),
            (RrType::Mx, "70000 mail.example.com"),
            (RrType::Txt, "\"unterminated"),
            (RrType::Soa, "ns. host. 1 2 3"),
            (RrType::Srv, "1 10 port host."),
            (RrType::Caa, "0 issue"),
            (RrType::Ds, "12345 8 2 XYZ"),
            (RrType::Cname, "a..b"),
            (RrType::A, ""),
        ];
        for (t, v) in bad {
            assert!(validate(t, v).is_err(), "{t} {v} should be rejected");
        }
    }

    #[test]
    fn txt_strings_over_255_characters_are_too_long() {
        // Route 53: "CharacterStringTooLong (Value is too long)" for a single string > 255.
        let long = format!("\"{}\"", "a".repeat(256));
        assert!(validate(RrType::Txt, &long).unwrap_err().contains("CharacterStringTooLong (Value is too long)"));
        let split = format!("\"{}\" \"{}\"", "a".repeat(255), "b".repeat(10));
        assert!(validate(RrType::Txt, &split).is_ok());
        assert_eq!(character_strings("\"a \\\"q\\\"\" b").unwrap(), vec!["a \"q\"", "b"]);
    }

    #[test]
    fn mx_and_host_helpers() {
        assert_eq!(mx("10 Mail.Example.com"), Some((10, "mail.example.com.".into())));
        assert_eq!(host("target.example.net"), Some("target.example.net.".into()));
        assert_eq!(soa_minimum("a. b. 1 7200 900 1209600 86400"), Some(86400));
    }
}
