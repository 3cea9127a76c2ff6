//! Any bytes, split into frames, must decode to a message or an error — never a panic.
#![no_main]

use cloudbook_kernel::wire::{Signer, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Frames are separated by 0x00 0xFF so the fuzzer can build multiparts of any shape.
    let frames: Vec<&[u8]> = data.split(|b| *b == 0xFF).collect();
    let _ = decode(&frames, &Signer::new(b"", "").unwrap());
    let _ = decode(&frames, &Signer::new(b"key", "hmac-sha256").unwrap());
});
