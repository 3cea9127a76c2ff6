//! Wildcard matching for actions, resources, `StringLike` and `ArnLike` (rules M1–M6 in
//! `RULES.md`).
//!
//! Patterns are compiled once, when the policy is parsed, into a [`Glob`]: the common shapes
//! (`*`, an exact string, `prefix*`) get a fast path that is a single comparison; everything
//! else runs the classic greedy wildcard matcher over pre-split literal pieces, which
//! backtracks only to the last `*` and so is linear in practice. Case-insensitive matching
//! (actions) lowercases the pattern once and compares the text byte by byte with ASCII case
//! folding, so a decision never allocates to lowercase an action name.

/// One piece of a wildcard pattern; `S` holds its text (owned in compiled patterns,
/// borrowed in patterns resolved from a template for one decision).
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<S = Box<str>> {
    /// Literal text (lowercased already when the pattern is case-insensitive).
    Text(S),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    Quest,
}

/// A compiled wildcard pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Glob {
    /// `*` alone.
    Any,
    Exact(Box<str>),
    /// `text*`.
    Prefix(Box<str>),
    General(Box<[Piece]>),
}

/// Splits a pattern into pieces; `*` and `?` are wildcards, everything else is literal.
pub fn pieces(pattern: &str, lowercase: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    for c in pattern.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut lit).into()));
                }
                // `**` is the same as `*`.
                if c == '*' {
                    if out.last() != Some(&Piece::Star) {
                        out.push(Piece::Star);
                    }
                } else {
                    out.push(Piece::Quest);
                }
            }
            c if lowercase => lit.push(c.to_ascii_lowercase()),
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Text(lit.into()));
    }
    out
}

impl Glob {
    /// Compiles `pattern`; with `case_insensitive` it matches ignoring ASCII case.
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        Glob::from_pieces(pieces(pattern, case_insensitive))
    }

    pub fn from_pieces(mut p: Vec<Piece>) -> Glob {
        match p.as_slice() {
            [Piece::Star] => Glob::Any,
            [] => Glob::Exact("".into()),
            [Piece::Text(t)] => Glob::Exact(t.clone()),
            [Piece::Text(t), Piece::Star] => Glob::Prefix(t.clone()),
            _ => {
                p.shrink_to_fit();
                Glob::General(p.into_boxed_slice())
            }
        }
    }

    /// A pattern that matches only `text` itself (wildcard characters included literally).
    pub fn literal(text: &str) -> Glob {
        Glob::Exact(text.into())
    }

    /// Matches `text`; `case_insensitive` must be the flag the glob was compiled with.
    #[inline]
    pub fn matches(&self, text: &str, case_insensitive: bool) -> bool {
        match self {
            Glob::Any => true,
            Glob::Exact(e) => eq(text.as_bytes(), e.as_bytes(), case_insensitive),
            Glob::Prefix(p) => text.len() >= p.len() && eq(&text.as_bytes()[..p.len()], p.as_bytes(), case_insensitive),
            Glob::General(pieces) => match_pieces(pieces, text, case_insensitive),
        }
    }
}

#[inline]
fn eq(text: &[u8], pattern: &[u8], ci: bool) -> bool {
    if ci {
        text.len() == pattern.len() && text.iter().zip(pattern).all(|(t, p)| t.to_ascii_lowercase() == *p)
    } else {
        text == pattern
    }
}

/// Byte length of the character starting at `i` (`i` is always a character boundary).
#[inline]
fn char_len(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    }
}

/// The greedy wildcard matcher: on a mismatch, go back to the most recent `*` and let it
/// swallow one more character. Text pieces are runs of single-character literals, so this
/// is the textbook algorithm and is exact.
pub fn match_pieces<S: AsRef<str>>(pieces: &[Piece<S>], text: &str, ci: bool) -> bool {
    let bytes = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(piece) = pieces.get(pi) {
            match piece {
                Piece::Star => {
                    star = Some((pi + 1, ti));
                    pi += 1;
                    continue;
                }
                Piece::Quest if ti < bytes.len() => {
                    ti += char_len(text, ti);
                    pi += 1;
                    continue;
                }
                Piece::Text(t) if bytes.len() - ti >= t.as_ref().len() && eq(&bytes[ti..ti + t.as_ref().len()], t.as_ref().as_bytes(), ci) => {
                    ti += t.as_ref().len();
                    pi += 1;
                    continue;
                }
                _ => {}
            }
        } else if ti == bytes.len() {
            return true;
        }
        match star {
            Some((sp, st)) if st < bytes.len() => {
                let next = st + char_len(text, st);
                star = Some((sp, next));
                pi = sp;
                ti = next;
            }
            _ => return false,
        }
    }
}

/// A resource (or `ArnLike`) pattern matched segment by segment (rule M3): the first five
/// colon-separated segments (`arn`, partition, service, region, account) match separately,
/// so a `*` there never crosses a `:`; the sixth, the resource, matches the whole rest of
/// the ARN, colons included. A pattern with fewer segments whose last segment ends in `*`
/// lets that `*` run past the colons to the end (the documented "trailing `*` expands
/// beyond the colon boundaries").
#[derive(Clone, Debug, PartialEq)]
pub struct ArnGlob {
    /// Compiled segments, 1 to 6 of them.
    segs: Box<[Glob]>,
    open_tail: bool,
}

impl ArnGlob {
    pub fn new(pattern: &str) -> ArnGlob {
        ArnGlob::from_segments(pattern.splitn(6, ':').map(|s| Glob::new(s, false)).collect(), pattern.ends_with('*'))
    }

    /// From already compiled segments (the last may come from a resolved template).
    pub fn from_segments(segs: Vec<Glob>, ends_with_star: bool) -> ArnGlob {
        let open_tail = segs.len() < 6 && ends_with_star;
        ArnGlob { segs: segs.into_boxed_slice(), open_tail }
    }

    /// From a resolved template's pieces: literal text splits at its first five colons.
    pub fn from_pieces<S: AsRef<str>>(pieces: &[Piece<S>]) -> ArnGlob {
        let ends_with_star = matches!(pieces.last(), Some(Piece::Star));
        let mut segs: Vec<Vec<Piece>> = vec![Vec::new()];
        for p in pieces {
            match p {
                Piece::Text(t) if segs.len() < 6 => {
                    let mut parts = t.as_ref().splitn(7 - segs.len(), ':');
                    if let Some(first) = parts.next().filter(|f| !f.is_empty()) {
                        segs.last_mut().expect("one segment").push(Piece::Text(first.into()));
                    }
                    for part in parts {
                        segs.push(if part.is_empty() { Vec::new() } else { vec![Piece::Text(part.into())] });
                    }
                }
                Piece::Text(t) => segs.last_mut().expect("one segment").push(Piece::Text(t.as_ref().into())),
                Piece::Star => segs.last_mut().expect("one segment").push(Piece::Star),
                Piece::Quest => segs.last_mut().expect("one segment").push(Piece::Quest),
            }
        }
        ArnGlob::from_segments(segs.into_iter().map(Glob::from_pieces).collect(), ends_with_star)
    }

    pub fn matches(&self, arn: &str) -> bool {
        let last = self.segs.len() - 1;
        let mut rest = arn;
        for (i, seg) in self.segs.iter().enumerate() {
            if i == last {
                // Six segments: the resource part takes everything left. Fewer: only an
                // open tail may swallow further colons.
                if i == 5 || self.open_tail {
                    return seg.matches(rest, false);
                }
                return !rest.contains(':') && seg.matches(rest, false);
            }
            let Some((head, tail)) = rest.split_once(':') else { return false };
            if !seg.matches(head, false) {
                return false;
            }
            rest = tail;
        }
        false
    }
}

/// Matches the first five segments of `arn` against `head` (one glob per segment) and
/// returns the resource part that follows, or `None`.
pub fn match_arn_head<'a>(head: &[Glob], arn: &'a str) -> Option<&'a str> {
    let mut rest = arn;
    for g in head {
        let (seg, tail) = rest.split_once(':')?;
        if !g.matches(seg, false) {
            return None;
        }
        rest = tail;
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_ignoring_case_m1() {
        // "The prefix and the action name are case insensitive. For example,
        // iam:ListAccessKeys is the same as IAM:listaccesskeys." (reference_policies_elements_action)
        let g = Glob::new("iam:ListAccessKeys", true);
        assert!(g.matches("IAM:listaccesskeys", true));
        assert!(g.matches("iam:ListAccessKeys", true));
        assert!(!g.matches("iam:ListAccessKey", true));
        let g = Glob::new("iam:*AccessKey*", true);
        assert!(g.matches("iam:CreateAccessKey", true));
        assert!(g.matches("iam:ListAccessKeys", true));
        assert!(!g.matches("iam:ListUsers", true));
        let g = Glob::new("s3:Get*", true);
        assert_eq!(g, Glob::Prefix("s3:get".into()));
        assert!(g.matches("S3:GETOBJECT", true));
        assert!(!g.matches("s3:PutObject", true));
        assert!(Glob::new("iam:*Report", true).matches("iam:GetOrganizationsAccessReport", true));
        assert!(!Glob::new("iam:*Report", true).matches("iam:GetReports", true));
        let q = Glob::new("ec2:?escribe*", true);
        assert!(q.matches("ec2:DescribeVolumes", true));
        assert!(!q.matches("ec2:escribe", true));
    }

    #[test]
    fn strings_match_case_sensitively_with_wildcards_anywhere() {
        let g = Glob::new("home/${x}/*", false);
        assert!(g.matches("home/${x}/a", false));
        let g = Glob::new("a*b?c*", false);
        assert!(g.matches("aXXbYc", false));
        assert!(g.matches("abbbcc", false));
        assert!(!g.matches("aXXbc", false));
        assert!(!g.matches("AXXbYc", false));
        assert!(Glob::new("", false).matches("", false));
        assert!(!Glob::new("", false).matches("x", false));
        assert!(Glob::new("**", false).matches("", false));
        // `?` takes one character, not one byte.
        assert!(Glob::new("caf?", false).matches("café", false));
        assert!(Glob::new("*é", false).matches("aéé", false));
        assert!(!Glob::new("??", false).matches("é", false));
    }

    fn arn(p: &str, r: &str) -> bool {
        ArnGlob::new(p).matches(r)
    }

    #[test]
    fn s3_resource_examples_m3() {
        // reference_policies_elements_resource: "The asterisk (*) character can expand to
        // replace everything within a segment, including characters like a forward slash (/)".
        let p = "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*";
        for ok in ["1/test/object.jpg", "1/2/test/object.jpg", "1///test///object.jpg", "1/test/.jpg", "/test/object.jpg", "1/test/"] {
            assert!(arn(p, &format!("arn:aws:s3:::DOC-EXAMPLE-BUCKET/{ok}")), "{ok}");
        }
        for bad in ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"] {
            assert!(!arn(p, &format!("arn:aws:s3:::DOC-EXAMPLE-BUCKET/{bad}")), "{bad}");
        }
    }

    #[test]
    fn arn_segments_match_separately_m3() {
        // reference_policies_elements_condition_operators, ARN operators: "With an ArnLike
        // condition, which matches elements between colons, the match fails."
        let p = "arn:aws:someservice:*:111122223333:finance/*";
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(!arn(p, v));
        assert!(Glob::new(p, false).matches(v, false), "StringLike matches the same pair");
        assert!(arn(p, "arn:aws:someservice:us-east-2:111122223333:finance/document.txt"));
        // The resource segment keeps its own colons.
        assert!(arn("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:111122223333:log-group:my:group:log-stream:x"));
        assert!(arn("arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar-logs"));
        assert!(!arn("arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar"));
        // Case-sensitive: "In the Resource element, the IAM user name is case sensitive."
        assert!(!arn("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob"));
        assert!(!arn("arn:aws:s3:::b", "*"));
    }

    #[test]
    fn from_pieces_splits_like_new() {
        for p in ["arn:aws:s3:::b/*", "arn:aws:s3:*", "arn:aws:logs:*:*:log-group:a:b*", "arn:aws:sqs:us-?-1:1:q"] {
            assert_eq!(ArnGlob::from_pieces(&pieces(p, false)), ArnGlob::new(p), "{p}");
        }
    }

    #[test]
    fn a_trailing_star_expands_beyond_colons_m3() {
        // "If the * wildcard is the last character of a resource ARN segment, it can expand
        // to match beyond the colon boundaries."
        assert!(arn("arn:aws:s3:*", "arn:aws:s3:::bucket/key"));
        assert!(arn("arn:aws:sqs:us-east-1:*", "arn:aws:sqs:us-east-1:111122223333:queue"));
        assert!(!arn("arn:aws:sqs:us-east-1:111122223333", "arn:aws:sqs:us-east-1:111122223333:queue"));
        // A * in the middle of the pattern stays inside its segment.
        assert!(!arn("arn:aws:sqs:us-*:111122223333:q", "arn:aws:sqs:us-east-1:x:111122223333:q"));
        assert!(arn("arn:aws:sqs:us-*:111122223333:q", "arn:aws:sqs:us-east-1:111122223333:q"));
    }
}
