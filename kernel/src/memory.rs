//! Keeping an idle kernel small: the binary's code pages.
//!
//! A kernel process idles most of its life. Its resident memory is mostly pages of its own
//! executable (about 16 MB of code), not heap, and building the session runs the
//! registration code of every stdlib function once and never again: after it, an idle
//! kernel keeps about 9 MB of code mapped that it will not run. [`release_startup_code`],
//! run once the kernel goes quiet after its first requests (`Handler::when_first_idle`),
//! drops the executable's read-only pages from this
//! process's page tables with `madvise(MADV_DONTNEED)` and returns freed heap to the system
//! (`malloc_trim`). The pages stay in the page cache (other kernels and the next start share
//! them), and a page needed later is mapped back on first touch, a minor fault. Linux still
//! maps up to 64 KiB of cached neighbours on each such fault ("fault-around");
//! `MADV_RANDOM` does not change that (measured: no difference), so it is not used.
//!
//! `MADV_DONTNEED` on a private file mapping also discards the private copies of its pages
//! (read-only data the loader relocated, such as the GOT), and those cannot be read back.
//! `/proc/self/pagemap` tells the two apart page by page, so only clean file pages are
//! released. Elsewhere than Linux this does nothing. `bench/kernel` measures the effect,
//! against ipykernel and a bare echo kernel.

#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

/// A `/proc/self/pagemap` entry's flags (Linux's admin-guide/mm/pagemap): the page is in
/// memory, and it is a page of a file (or shared), not a private anonymous copy.
const PM_PRESENT: u64 = 1 << 63;
const PM_FILE: u64 = 1 << 61;

/// The address ranges of this process's own executable that are mapped read-only.
fn own_read_only_mappings() -> Vec<(usize, usize)> {
    let (Ok(exe), Ok(maps)) = (std::env::current_exe(), std::fs::read_to_string("/proc/self/maps")) else {
        return Vec::new();
    };
    let exe = exe.to_string_lossy();
    maps.lines()
        .filter_map(|line| {
            // "START-END PERMS OFFSET DEV INODE PATH"
            let f: Vec<&str> = line.split_whitespace().collect();
            let (range, perms, path) = (f.first()?, f.get(1)?, f.get(5)?);
            if *path != exe || perms.contains('w') {
                return None;
            }
            let (a, b) = range.split_once('-')?;
            Some((usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?))
        })
        .collect()
}

/// The pagemap entries of the pages of `[start, end)`, or `None` if they cannot be read.
fn pagemap(start: usize, end: usize, page: usize) -> Option<Vec<u64>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open("/proc/self/pagemap").ok()?;
    let mut bytes = vec![0u8; (end - start) / page * 8];
    file.read_exact_at(&mut bytes, (start / page * 8) as u64).ok()?;
    Some(bytes.chunks_exact(8).map(|c| u64::from_ne_bytes(c.try_into().expect("8 bytes"))).collect())
}

/// The runs of pages, from `start` on, that can be dropped and read back from the file:
/// all but the private copies (present and not a file page).
fn releasable_runs(start: usize, page: usize, entries: &[u64]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e & PM_PRESENT != 0 && e & PM_FILE == 0 {
            continue;
        }
        let at = start + i * page;
        match runs.last_mut() {
            Some((_, end)) if *end == at => *end = at + page,
            _ => runs.push((at, at + page)),
        }
    }
    runs
}

/// Unmaps the executable's clean read-only pages (run once the kernel goes quiet after its
/// first requests), so the idle kernel's resident set holds only the code it keeps running.
pub fn release_startup_code() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        for (start, end) in own_read_only_mappings() {
            let Some(entries) = pagemap(start, end, page) else { continue };
            for (a, b) in releasable_runs(start, page, &entries) {
                // SAFETY: the range lies in one of this process's own read-only file mappings
                // and holds no private copy: every page reads back unchanged from the file
                // on its next touch.
                unsafe { libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_DONTNEED) };
            }
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

    const PAGE: usize = 4096;

    /// Resident pages of the executable's read-only mappings: (file pages, private copies).
    fn resident_read_only_pages() -> (usize, usize) {
        let (mut file, mut private) = (0, 0);
        for (start, end) in own_read_only_mappings() {
            for e in pagemap(start, end, PAGE).expect("pagemap is readable") {
                match (e & PM_PRESENT != 0, e & PM_FILE != 0) {
                    (true, true) => file += 1,
                    (true, false) => private += 1,
                    _ => {}
                }
            }
        }
        (file, private)
    }

    #[test]
    fn private_copies_split_the_runs_and_absent_pages_join_them() {
        let (file, private, absent) = (PM_PRESENT | PM_FILE, PM_PRESENT, 0);
        let runs = releasable_runs(0x1000, PAGE, &[file, private, absent, file, private]);
        assert_eq!(runs, vec![(0x1000, 0x2000), (0x3000, 0x5000)]);
        assert!(releasable_runs(0x1000, PAGE, &[private, private]).is_empty());
    }

    #[test]
    fn own_mappings_hold_the_code_this_function_runs_in() {
        let here = own_mappings_hold_the_code_this_function_runs_in as fn() as usize;
        let maps = own_read_only_mappings();
        let &(start, end) = maps.iter().find(|(a, b)| (*a..*b).contains(&here)).unwrap_or_else(|| panic!("{maps:x?}"));
        let entries = pagemap(start, end, PAGE).expect("pagemap is readable");
        let e = entries[(here - start) / PAGE];
        assert!(e & PM_PRESENT != 0 && e & PM_FILE != 0, "running code is a present file page: {e:#x}");
    }

    #[test]
    fn releasing_startup_code_drops_file_pages_keeps_private_copies_and_stays_runnable() {
        let (file_before, private_before) = resident_read_only_pages();
        release_startup_code();
        let (file_after, private_after) = resident_read_only_pages();
        assert!(file_after < file_before, "resident read-only file pages {file_before} -> {file_after}");
        assert_eq!(private_after, private_before, "private copies (relocated data) are never dropped");
        // The code still runs after its pages were released: a real computation, compared.
        let v: Vec<u64> = (1..=20).map(|i| (1..=i).product()).collect();
        assert_eq!(v[19], 2_432_902_008_176_640_000);
    }
}
