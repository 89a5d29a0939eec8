//! How the process takes memory from the kernel when it reads large files.
//!
//! Reading a 10,000-profile config and a 10,000-profile credentials file
//! touches about 20 MB of fresh heap. In 4 KiB pages that is over 5,000
//! page faults, a third of `lint`'s time there; in the 2 MiB pages the
//! kernel hands out where a program asks for them (transparent huge
//! pages), lint takes 840 in all. glibc's malloc asks only when told by an
//! environment variable, which a program cannot set for itself, so for a
//! large input the heap is prepared here: grown once, up front, by more
//! than the reading will use, never given back, and advised as huge.
//! Small inputs keep the defaults: a first huge page costs more to clear
//! than their whole reading touches. `tests/heap.rs` checks the heap.

/// Inputs from this size on (both files together) get the prepared heap:
/// about 4,000 profiles, which touch some 8 MB.
pub const LARGE_INPUT_BYTES: u64 = 1024 * 1024;

/// Prepares the heap for reading `bytes` of profile files, once per
/// process, when they are [`LARGE_INPUT_BYTES`] or more. Call it before
/// reading them, on the main thread, whose heap this is (elsewhere only
/// the thresholds change), and before it starts any reader thread.
pub fn prepare_for_input(bytes: u64) {
    if bytes < LARGE_INPUT_BYTES {
        return;
    }
    static PREPARED: std::sync::Once = std::sync::Once::new();
    PREPARED.call_once(|| {
        // What the files become in memory (lines, profiles, findings),
        // with room to spare; reserving address space costs nothing
        // until a page is touched.
        let reserve = usize::try_from(bytes.saturating_mul(16))
            .unwrap_or(usize::MAX)
            .clamp(64 << 20, 1 << 30);
        heap::prepare(reserve);
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod heap {
    /// Past this size glibc maps each block on its own (32 MiB is the
    /// largest threshold it accepts): below it, a file's text and its
    /// lines come from the prepared heap.
    const OWN_MAPPING_FROM: libc::c_int = 32 << 20;
    /// A request larger than anything left at the top of a young heap,
    /// below [`OWN_MAPPING_FROM`]: glibc grows the heap to serve it.
    const GROW_PROBE: usize = 16 << 20;

    pub(super) fn prepare(reserve: usize) {
        let pad = libc::c_int::try_from(reserve).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes glibc's thresholds; malloc, free
        // and sbrk(0) are used as documented (sbrk(0) only reads the break);
        // madvise is given a range inside the heap, which stays mapped:
        // the trim threshold below keeps glibc from shrinking it.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM);
            libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
            libc::mallopt(libc::M_TOP_PAD, pad);
            // The second reader thread takes from this heap too, instead
            // of an arena of its own that nobody advised.
            libc::mallopt(libc::M_ARENA_MAX, 1);
            let probe = libc::malloc(GROW_PROBE);
            if probe.is_null() {
                return;
            }
            let start = probe as usize & !(page_size() - 1);
            let end = libc::sbrk(0) as usize;
            libc::free(probe);
            // Only when the probe came from the break's heap, just grown
            // (glibc falls back to a mapping of its own where the break
            // cannot move); a refusal leaves ordinary pages.
            if end > start && end - start <= GROW_PROBE + reserve + (4 << 20) {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }

    fn page_size() -> usize {
        // SAFETY: sysconf only reads a system constant.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size).unwrap_or(4096).max(1)
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod heap {
    pub(super) fn prepare(_reserve: usize) {}
}
