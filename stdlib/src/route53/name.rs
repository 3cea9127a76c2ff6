//! DNS names the way Route 53 stores them.
//!
//! Route 53 names are fully qualified (trailing dot), lower-case (DNS names are
//! case-insensitive, RFC 4343), and any byte other than `a-z`, `0-9`, `-` and `_` is written
//! as a backslash and a three-digit **octal** code: a wildcard `*.example.com` is stored and
//! listed as `\052.example.com.`. Input may use the raw character or the escape.
//! Labels are at most 63 bytes and a name at most 255 bytes in wire form (RFC 1035 §2.3.4).

/// Why a name is not a valid DNS name, with Route 53's problem code and description
/// (`FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'a..b'`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    pub code: &'static str,
    pub desc: &'static str,
    pub input: String,
}

impl NameError {
    fn new(code: &'static str, desc: &'static str, input: &str) -> Self {
        NameError { code, desc, input: input.to_string() }
    }
    /// `FATAL problem: CODE (desc) encountered with 'input'`.
    pub fn fatal(&self) -> String {
        format!("FATAL problem: {} ({}) encountered with '{}'", self.code, self.desc, self.input)
    }
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.fatal())
    }
}

/// Splits a name (without its trailing dot) into raw label bytes, decoding Route 53's
/// `\ooo` octal escapes and `\X` character escapes.
fn raw_labels(body: &str, input: &str) -> Result<Vec<Vec<u8>>, NameError> {
    let mut labels = Vec::new();
    let mut cur = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            let rest = &bytes[i + 1..];
            if rest.len() >= 3 && rest[..3].iter().all(|d| (b'0'..=b'7').contains(d)) {
                let v = (rest[0] - b'0') as u32 * 64 + (rest[1] - b'0') as u32 * 8 + (rest[2] - b'0') as u32;
                if v > 255 {
                    return Err(NameError::new("InvalidEscape", "Escape code is out of range", input));
                }
                cur.push(v as u8);
                i += 4;
            } else if let Some(&c) = rest.first() {
                cur.push(c);
                i += 2;
            } else {
                return Err(NameError::new("InvalidEscape", "Name ends with a backslash", input));
            }
        } else if b == b'.' {
            labels.push(std::mem::take(&mut cur));
            i += 1;
        } else {
            cur.push(b);
            i += 1;
        }
    }
    labels.push(cur);
    Ok(labels)
}

/// The canonical Route 53 form of `input`: lower-case, escaped, with a trailing dot.
/// `"."` is the root.
pub fn canonical(input: &str) -> Result<String, NameError> {
    let s = input.trim();
    if s == "." {
        return Ok(".".to_string());
    }
    if s.is_empty() {
        return Err(NameError::new("DomainLabelEmpty", "Domain label is empty", input));
    }
    let body = if s.ends_with('.') && !s.ends_with("\\.") { &s[..s.len() - 1] } else { s };
    if let Some(fast) = plain(body) {
        return Ok(fast);
    }
    let labels = raw_labels(body, input)?;
    let mut out = String::with_capacity(s.len() + 1);
    let mut wire = 1usize;
    for label in &labels {
        if label.is_empty() {
            return Err(NameError::new("DomainLabelEmpty", "Domain label is empty", input));
        }
        if label.len() > 63 {
            return Err(NameError::new("DomainLabelTooLong", "Domain label is too long", input));
        }
        wire += label.len() + 1;
        for &b in label {
            match b {
                b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => out.push(b as char),
                b'A'..=b'Z' => out.push(b.to_ascii_lowercase() as char),
                _ => out.push_str(&format!("\\{b:03o}")),
            }
        }
        out.push('.');
    }
    if wire > 255 {
        return Err(NameError::new("DomainNameTooLong", "Domain name is too long", input));
    }
    Ok(out)
}

/// Fast path for names that are already lower-case letters, digits, `-` and `_` in
/// well-sized labels: no decoding or escaping needed.
fn plain(body: &str) -> Option<String> {
    let b = body.as_bytes();
    if b.is_empty() || b.len() > 253 {
        return None;
    }
    let mut label = 0usize;
    for &c in b {
        match c {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => label += 1,
            b'.' if label > 0 => label = 0,
            _ => return None,
        }
        if label > 63 {
            return None;
        }
    }
    if label == 0 {
        return None;
    }
    let mut out = String::with_capacity(b.len() + 1);
    out.push_str(body);
    out.push('.');
    Some(out)
}

/// `canonical` for names that are known to be fine, such as the world's own; falls back
/// to a lower-cased copy with a trailing dot.
pub fn fqdn(input: &str) -> String {
    canonical(input).unwrap_or_else(|_| {
        let mut s = input.trim().to_ascii_lowercase();
        if !s.ends_with('.') {
            s.push('.');
        }
        s
    })
}

/// True when canonical `name` equals canonical `zone` or lies below it.
pub fn in_zone(name: &str, zone: &str) -> bool {
    zone == "." || name == zone || (name.len() > zone.len() && name.ends_with(zone) && name.as_bytes()[name.len() - zone.len() - 1] == b'.')
}

/// The parent of a canonical name (`www.example.com.` -> `example.com.`, `com.` -> `.`);
/// `None` for the root.
pub fn parent(name: &str) -> Option<&str> {
    if name == "." {
        return None;
    }
    match name.find('.') {
        Some(i) if i + 1 < name.len() => Some(&name[i + 1..]),
        _ => Some("."),
    }
}

/// Number of labels (`www.example.com.` has 3; the root has 0).
pub fn label_count(name: &str) -> usize {
    if name == "." { 0 } else { name.matches('.').count() }
}

/// The sort key Route 53 lists records in: labels reversed (`www.example.com.` ->
/// `com.example.www`), so a zone's records list apex first and subdomains grouped.
pub fn reversed(name: &str) -> String {
    let body = name.strip_suffix('.').unwrap_or(name);
    if body.is_empty() {
        return String::new();
    }
    body.rsplit('.').collect::<Vec<_>>().join(".")
}

/// The wildcard name directly below `name`: `\052.example.com.`.
pub fn wildcard_of(name: &str) -> String {
    if name == "." { "\\052.".to_string() } else { format!("\\052.{name}") }
}

/// The name relative to `origin` for zone files: `@` for the origin itself, `www` for
/// `www.example.com.`, the absolute name otherwise.
pub fn relative(name: &str, origin: &str) -> String {
    if name == origin {
        "@".into()
    } else if in_zone(name, origin) && origin != "." {
        name[..name.len() - origin.len() - 1].to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_lowercases_and_adds_the_trailing_dot() {
        assert_eq!(canonical("WWW.Example.COM").unwrap(), "www.example.com.");
        assert_eq!(canonical("www.example.com.").unwrap(), "www.example.com.");
        assert_eq!(canonical(".").unwrap(), ".");
    }

    #[test]
    fn special_characters_use_route53_octal_escapes() {
        // Route 53 Developer Guide, "DNS domain name format": "*" is \052; a wildcard record
        // lists as \052.example.com.
        assert_eq!(canonical("*.example.com").unwrap(), "\\052.example.com.");
        assert_eq!(canonical("\\052.example.com").unwrap(), "\\052.example.com.");
        assert_eq!(canonical("a b.example.com").unwrap(), "a\\040b.example.com.");
        assert_eq!(canonical("_dmarc.example.com").unwrap(), "_dmarc.example.com.");
    }

    #[test]
    fn bad_names_report_route53_problem_codes() {
        let e = canonical("foo..example.com").unwrap_err();
        assert_eq!(e.fatal(), "FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'foo..example.com'");
        let long = format!("{}.example.com", "a".repeat(64));
        assert_eq!(canonical(&long).unwrap_err().code, "DomainLabelTooLong");
        let huge = vec!["abcdefghij"; 30].join(".");
        assert_eq!(canonical(&huge).unwrap_err().code, "DomainNameTooLong");
        assert_eq!(canonical("").unwrap_err().code, "DomainLabelEmpty");
        assert!(canonical("ab\\").is_err());
    }

    #[test]
    fn zone_relations() {
        assert!(in_zone("www.example.com.", "example.com."));
        assert!(in_zone("example.com.", "example.com."));
        assert!(!in_zone("badexample.com.", "example.com."));
        assert!(in_zone("com.", "."));
        assert_eq!(parent("www.example.com."), Some("example.com."));
        assert_eq!(parent("com."), Some("."));
        assert_eq!(parent("."), None);
        assert_eq!(label_count("www.example.com."), 3);
        assert_eq!(reversed("www.example.com."), "com.example.www");
        assert_eq!(relative("www.example.com.", "example.com."), "www");
        assert_eq!(relative("example.com.", "example.com."), "@");
        assert_eq!(relative("mail.other.net.", "example.com."), "mail.other.net.");
    }
}
