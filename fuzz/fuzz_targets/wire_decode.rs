//! `wire_decode`: any bytes, split into frames, must decode to a message or an error —
//! never a panic; and a message built from the input survives encode -> decode unchanged.
#![no_main]

use cloudbook_kernel::wire::{Header, Message, Signer, decode, encode};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    // Frames are separated by 0xFF so the fuzzer can build multiparts of any shape.
    let frames: Vec<&[u8]> = data.split(|b| *b == 0xFF).collect();
    let keyed = Signer::new(b"key", "hmac-sha256").unwrap();
    let _ = decode(&frames, &Signer::new(b"", "").unwrap());
    let _ = decode(&frames, &keyed);

    // decode(encode(m)) == m, with the input's pieces as identities, header strings, code
    // and buffers (an identity equal to the delimiter is not something ZeroMQ produces).
    let text = |i: usize| frames.get(i).map(|f| String::from_utf8_lossy(f).to_string()).unwrap_or_default();
    let m = Message {
        identities: frames.iter().take(2).map(|f| f.to_vec()).filter(|f| f != b"<IDS|MSG>").collect(),
        header: Header { msg_id: text(0), session: text(1), username: text(2), date: text(3), msg_type: text(4), version: text(5) },
        parent_header: json!({ "msg_id": text(6) }),
        metadata: json!({}),
        content: json!({ "code": text(7), "n": data.len(), "silent": data.len() % 2 == 0 }),
        buffers: frames.iter().skip(8).map(|f| f.to_vec()).collect(),
    };
    for signer in [&keyed, &Signer::new(b"", "").unwrap()] {
        let back = decode(&encode(&m, signer), signer).expect("an encoded message decodes");
        assert_eq!(back, m);
    }
});
