//! A large input is read into a heap grown once and advised as huge pages;
//! a small one into the heap as glibc left it (see `src/memory.rs`).
//! Without libtest's harness: its tests run on threads whose arenas are
//! not the main heap, and awsprof reads on the main thread.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn main() {
    use awsprof::profiles::{Locations, ProfileFiles};

    let dir = tempfile::tempdir().unwrap();
    let locations = Locations {
        config: dir.path().join("config"),
        credentials: dir.path().join("credentials"),
    };
    let profiles = |count: usize| {
        (0..count)
            .map(|i| format!("[profile p{i}]\nregion = eu-west-1\noutput = json\n\n"))
            .collect::<String>()
    };
    std::fs::write(&locations.credentials, "").unwrap();

    std::fs::write(&locations.config, profiles(100)).unwrap();
    let break_before = program_break();
    let small = ProfileFiles::load(&locations).unwrap();
    assert_eq!(small.set.profiles.keys().count(), 100);
    let (_, flags) = main_heap_mapping();
    assert!(!flags.contains("hg"), "a small input advised: {flags}");
    assert!(
        program_break() < break_before + (8 << 20),
        "a small input grew the heap by {} bytes",
        program_break() - break_before
    );

    let text = profiles(30_000);
    assert!(text.len() as u64 >= awsprof::memory::LARGE_INPUT_BYTES);
    std::fs::write(&locations.config, &text).unwrap();
    let large = ProfileFiles::load(&locations).unwrap();
    assert_eq!(large.set.profiles.keys().count(), 30_000);
    assert!(
        program_break() >= break_before + (64 << 20),
        "the heap was not grown up front"
    );
    // Read on the second reader thread, into the same heap.
    let ((heap_start, heap_end), flags) = main_heap_mapping();
    let text_at = large.config.original().as_ptr() as usize;
    assert!(
        (heap_start..heap_end).contains(&text_at),
        "the config's text at {text_at:#x} is outside the heap {heap_start:#x}-{heap_end:#x}"
    );
    if huge_pages_offered() {
        assert!(flags.contains("hg"), "not advised as huge pages: {flags}");
    } else {
        assert!(!flags.contains("hg"), "{flags}");
    }

    // Freed and read again: the same heap serves it, nothing grows.
    drop(large);
    let grown = program_break();
    let again = ProfileFiles::load(&locations).unwrap();
    assert_eq!(again.set.profiles.keys().count(), 30_000);
    assert_eq!(program_break(), grown, "the heap grew again");
    println!("heap: a small input left as it was, a large one prepared: ok");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() {}

fn program_break() -> usize {
    // SAFETY: sbrk(0) only reads the break.
    unsafe { libc::sbrk(0) as usize }
}

/// The mapping that ends at the program break (glibc's main heap): its
/// range and its `VmFlags`.
fn main_heap_mapping() -> ((usize, usize), String) {
    let address = program_break() - 1;
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut inside = None;
    for line in smaps.lines() {
        let range = line.split_once(' ').map_or(line, |(range, _)| range);
        if let Some((start, end)) = range.split_once('-') {
            if let (Ok(start), Ok(end)) = (
                usize::from_str_radix(start, 16),
                usize::from_str_radix(end, 16),
            ) {
                inside = (start..end).contains(&address).then_some((start, end));
                continue;
            }
        }
        if let (Some(range), Some(flags)) = (inside, line.strip_prefix("VmFlags:")) {
            return (range, flags.trim().to_string());
        }
    }
    panic!("no mapping holds the heap's last byte {address:#x}")
}

fn huge_pages_offered() -> bool {
    std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
        .is_ok_and(|modes| !modes.contains("[never]"))
}
