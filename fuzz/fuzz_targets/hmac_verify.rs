//! `hmac_verify`: the connection key signs and verifies the four JSON frames.
//!
//! Input: `[key_len, key..., flip_at (2 bytes), frames separated by 0xFF...]`. Checks: a
//! signature made with the key verifies; changing any one byte of any frame or of the
//! signature makes verification fail; arbitrary bytes as a signature never verify unless
//! they are the signature; a different key never verifies; nothing panics.
#![no_main]

use cloudbook_kernel::wire::Signer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&klen, rest)) = data.split_first() else { return };
    let klen = (klen as usize % 65).min(rest.len());
    let (key, rest) = rest.split_at(klen);
    if key.is_empty() || rest.len() < 2 {
        return;
    }
    let flip_at = u16::from_le_bytes([rest[0], rest[1]]) as usize;
    let mut parts: Vec<Vec<u8>> = rest[2..].split(|b| *b == 0xFF).map(<[u8]>::to_vec).collect();
    parts.resize(4, Vec::new());
    parts.truncate(4);
    let s = Signer::new(key, "hmac-sha256").expect("any non-empty key is a valid HMAC key");
    let p: [&[u8]; 4] = [&parts[0], &parts[1], &parts[2], &parts[3]];
    let [a, b, c, d] = p;
    let sig = s.sign(&[a, b, c, d]);
    assert_eq!(sig.len(), 64, "hex of a SHA-256 MAC");
    assert!(s.verify(sig.as_bytes(), &[a, b, c, d]));
    // the raw input as a signature: only the real one verifies
    assert_eq!(s.verify(rest, &[a, b, c, d]), rest == sig.as_bytes());

    // one changed byte anywhere
    let total: usize = parts.iter().map(Vec::len).sum::<usize>() + sig.len();
    let mut i = flip_at % total.max(1);
    let mut tampered = parts.clone();
    let mut tsig = sig.clone().into_bytes();
    let mut done = false;
    for p in tampered.iter_mut() {
        if i < p.len() {
            p[i] ^= 0x01;
            done = true;
            break;
        }
        i -= p.len();
    }
    if !done && i < tsig.len() {
        // stay within hex digits so the signature still decodes: '0' <-> '1', 'a' <-> '`'
        tsig[i] = if tsig[i] == b'0' { b'1' } else if tsig[i] == b'1' { b'0' } else { tsig[i] ^ 0x01 };
    }
    let t: [&[u8]; 4] = [&tampered[0], &tampered[1], &tampered[2], &tampered[3]];
    assert!(!s.verify(&tsig, &t), "a changed byte must fail verification");

    // another key
    let mut other = key.to_vec();
    other[0] ^= 0x80;
    let o = Signer::new(&other, "hmac-sha256").unwrap();
    assert!(!o.verify(sig.as_bytes(), &[a, b, c, d]), "a different key must not verify");
});
