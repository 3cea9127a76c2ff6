//! Keeping an idle kernel small: the binary's code pages.
//!
//! A kernel process idles most of its life. Its resident memory is mostly pages of its own
//! executable (about 16 MB of code), not heap, and building the session runs the
//! registration code of every stdlib function once and never again: after it, an idle
//! kernel keeps about 9 MB of code mapped that it will not run. [`release_startup_code`],
//! called once the session is built, drops the executable's read-only pages from this
//! process's page tables with `madvise(MADV_DONTNEED)` and returns freed heap to the system
//! (`malloc_trim`). The pages stay in the page cache (other kernels and the next start share
//! them), and a page needed later is mapped back on first touch, a minor fault. Linux still
//! maps up to 64 KiB of cached neighbours on each such fault ("fault-around");
//! `MADV_RANDOM` does not change that (measured: no difference), so it is not used.
//!
//! `MADV_DONTNEED` on a private file mapping discards private copies of its pages, so only
//! mappings that cannot have any are released: not writable, and with no anonymous pages
//! (read-only data relocated by the loader has private copies and is skipped). Elsewhere
//! than Linux this does nothing. `bench/kernel` measures the effect, against ipykernel and a
//! bare echo kernel.

#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

/// One of the executable's mappings as `/proc/self/smaps` lists it.
#[derive(Debug)]
struct Mapping {
    start: usize,
    end: usize,
    perms: String,
    /// Resident kilobytes, and those of them that are private copies (anonymous).
    rss_kb: u64,
    anon_kb: u64,
}

/// The mappings of this process's own executable.
fn own_mappings() -> Vec<Mapping> {
    let (Ok(exe), Ok(smaps)) = (std::env::current_exe(), std::fs::read_to_string("/proc/self/smaps")) else {
        return Vec::new();
    };
    let exe = exe.to_string_lossy();
    let mut out = Vec::new();
    let mut ours = false;
    for line in smaps.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let kb = || f.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        match f.first() {
            // A mapping's header: "START-END PERMS OFFSET DEV INODE [PATH]".
            Some(range) if !range.ends_with(':') => {
                let bounds = range.split_once('-').and_then(|(a, b)| Some((usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?)));
                ours = false;
                if let (Some((start, end)), Some(perms), Some(path)) = (bounds, f.get(1), f.get(5)) {
                    ours = *path == exe;
                    if ours {
                        out.push(Mapping { start, end, perms: perms.to_string(), rss_kb: 0, anon_kb: 0 });
                    }
                }
            }
            Some(&"Rss:") if ours => out.last_mut().into_iter().for_each(|m| m.rss_kb = kb()),
            Some(&"Anonymous:") if ours => out.last_mut().into_iter().for_each(|m| m.anon_kb = kb()),
            _ => {}
        }
    }
    out
}

/// Unmaps the executable's read-only pages once the session is built, so the idle kernel's
/// resident set holds only the code it keeps running.
pub fn release_startup_code() {
    #[cfg(target_os = "linux")]
    for m in own_mappings() {
        if !m.perms.contains('w') && m.anon_kb == 0 {
            // SAFETY: the range is one of this process's own read-only file mappings as the
            // kernel lists it, with no private page in it: every page reads back unchanged
            // from the file on its next touch.
            unsafe { libc::madvise(m.start as *mut libc::c_void, m.end - m.start, libc::MADV_DONTNEED) };
        }
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn resident_read_only_kb() -> u64 {
        own_mappings().iter().filter(|m| !m.perms.contains('w')).map(|m| m.rss_kb).sum()
    }

    #[test]
    fn own_mappings_finds_the_code_this_function_runs_in() {
        let here = own_mappings_finds_the_code_this_function_runs_in as fn() as usize;
        let maps = own_mappings();
        assert!(maps.iter().any(|m| (m.start..m.end).contains(&here) && m.perms.contains('x') && m.rss_kb > 0), "{maps:?}");
    }

    #[test]
    fn releasing_startup_code_shrinks_the_resident_code_and_keeps_it_runnable() {
        let before = resident_read_only_kb();
        release_startup_code();
        let after = resident_read_only_kb();
        assert!(after < before, "resident read-only pages {before} kB -> {after} kB");
        // The code still runs after its pages were released: a real computation, compared.
        let v: Vec<u64> = (1..=20).map(|i| (1..=i).product()).collect();
        assert_eq!(v[19], 2_432_902_008_176_640_000);
    }
}
