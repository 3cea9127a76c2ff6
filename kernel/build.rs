//! How the release `cloudbook` binary is linked, to keep an idle kernel small (see
//! `src/memory.rs` and `bench/kernel`).
//!
//! `hot-symbols.txt` lists the functions a kernel runs while it serves requests, then those
//! it runs only while starting (recorded by `bench/hot-symbols`); the linker places them
//! first and side by side, in that order. An idle kernel keeps about 0.7 MB of code resident
//! instead of 64 KiB windows scattered over a 16 MB text section, and a starting kernel maps
//! its start-up code in fewer faults. A listed symbol that no longer exists is skipped: a
//! stale list costs memory and time, never correctness.
//!
//! The binary is also linked position-dependent (`-no-pie`). A PIE build carries about 21,000
//! relocations that the loader applies at every start, writing private copies of 352 kB of
//! read-only data (vtables, function tables); without PIE there are none, a start does half
//! the page faults and about 0.4 ms less work before `main`, and that data stays clean file
//! pages that an idle kernel can release. The cost: the executable's own addresses are not
//! randomised (the stack, heap and shared libraries still are); scripts run in Rhai, which
//! has no raw memory access.
//!
//! Only for release builds on x86_64 Linux with the GNU target and rustc 1.90 or later, which
//! links there with its own LLD (which reads `--symbol-ordering-file`). `CLOUDBOOK_PLAIN_LINK=1` turns both off, for
//! a build with another linker or a PIE.

fn main() {
    println!("cargo:rerun-if-changed=hot-symbols.txt");
    println!("cargo:rerun-if-env-changed=CLOUDBOOK_PLAIN_LINK");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let applies = var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && var("PROFILE") == "release"
        && var("CLOUDBOOK_PLAIN_LINK").is_empty()
        && rustc_links_with_lld(&var("RUSTC"));
    if applies {
        let file = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("hot-symbols.txt");
        for arg in [format!("-Wl,--symbol-ordering-file={}", file.display()), "-Wl,--no-warn-symbol-ordering".into(), "-no-pie".into()] {
            println!("cargo:rustc-link-arg-bin=cloudbook={arg}");
        }
    }
}

/// rustc 1.90+ links x86_64-unknown-linux-gnu programs with its bundled LLD.
fn rustc_links_with_lld(rustc: &str) -> bool {
    let out = std::process::Command::new(rustc).arg("--version").output().ok();
    let version = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let minor = version.split_whitespace().nth(1).and_then(|v| v.split('.').nth(1)).and_then(|m| m.parse::<u32>().ok());
    minor.is_some_and(|m| m >= 90)
}
