//! The house rules that the compiler does not enforce, checked on the
//! source: nothing outside `src/store/` changes a file, and the layers'
//! arrows point one way.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` less each `#[cfg(test)]` item (a `mod tests;`
/// line, or an item with its braced body): everything else, code after a
/// test module included, is checked.
fn without_test_items(text: &str) -> String {
    let mut kept = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            kept.push_str(line);
            kept.push('\n');
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        for item_line in lines.by_ref() {
            if item_line.trim_start().starts_with("#[") && !opened {
                continue;
            }
            let (open, close) = braces(item_line);
            depth += open - close;
            opened |= open > 0;
            if (opened && depth <= 0) || (!opened && item_line.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    kept
}

/// The `{` and `}` of a line outside string and char literals and comments.
fn braces(line: &str) -> (i64, i64) {
    let (mut open, mut close) = (0, 0);
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            'r' if !in_string && matches!(chars.peek(), Some('#') | Some('"')) => {
                // A raw string: to its closing quote and as many `#`.
                let mut hashes = 0;
                while chars.peek() == Some(&'#') {
                    chars.next();
                    hashes += 1;
                }
                if chars.next() != Some('"') {
                    continue;
                }
                let closing: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let rest: String = chars.by_ref().collect();
                if let Some(at) = rest.find(&closing) {
                    let after = &rest[at + closing.len()..];
                    let (o, c) = braces(after);
                    return (open + o, close + c);
                }
                break;
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '\'' if !in_string => {
                // A char literal such as '{' or '\\'; a lifetime has no
                // closing quote two or three characters on.
                let rest: String = chars.clone().take(3).collect();
                if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                } else if rest.starts_with('\\') && rest.chars().nth(2) == Some('\'') {
                    chars.nth(2);
                }
            }
            '{' if !in_string => open += 1,
            '}' if !in_string => close += 1,
            _ => {}
        }
    }
    (open, close)
}

#[test]
fn code_after_a_test_module_is_still_checked() {
    let text = "fn a() {}\n#[cfg(test)]\nmod raw {\n    let x = r#\"{{\"a\": {\"#;\n}\nfn d() {}\n#[cfg(test)]\nmod tests;\nfn b() { std::fs::write(\"x\", \"}\"); }\n#[cfg(test)]\nmod more {\n    fn t() { let c = '{'; }\n}\nfn c() { crate::aws::x(); }\n";
    let kept = without_test_items(text);
    assert!(
        kept.contains("fn a()")
            && kept.contains("fn d()")
            && kept.contains("fs::write")
            && kept.contains("crate::aws"),
        "{kept}"
    );
    assert!(
        !kept.contains("mod tests") && !kept.contains("fn t()"),
        "{kept}"
    );
}

/// Every source file under src/ with its text, less its unit tests (which
/// may write fixtures in temporary directories).
fn source_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            (rel, without_test_items(&text))
        })
        .filter(|(rel, _)| !rel.ends_with("/tests.rs"))
        .collect()
}

/// Lines of `text` that contain any of `needles`, outside comments.
fn hits(text: &str, needles: &[&str]) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| needles.iter().any(|n| l.contains(n)))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn only_the_store_writes_renames_or_chmods_files() {
    const MUTATIONS: &[&str] = &[
        "fs::write",
        "fs::rename",
        "fs::remove_file",
        "fs::copy",
        "set_permissions",
        "File::create",
        "OpenOptions",
        "persist(",
        "chown",
    ];
    let mut found = Vec::new();
    for (path, text) in source_files() {
        // terminal.rs opens /dev/tty to ask a question; it writes no file.
        if path.starts_with("src/store/") || path == "src/terminal.rs" {
            continue;
        }
        for line in hits(&text, MUTATIONS) {
            found.push(format!("{path}: {line}"));
        }
    }
    assert!(
        found.is_empty(),
        "file changes outside src/store/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_layers_arrows_point_one_way() {
    // (folder, what it must never name)
    let rules: &[(&str, &[&str])] = &[
        (
            "src/document/",
            &["crate::profiles", "crate::aws", "crate::store", "std::fs"],
        ),
        (
            "src/profiles/",
            &["crate::aws", "crate::store", "crate::cli"],
        ),
        (
            "src/chain/",
            &["crate::aws", "crate::store", "crate::cli", "std::fs"],
        ),
        ("src/edits/", &["crate::aws", "crate::store", "crate::cli"]),
        ("src/aws/", &["crate::cli", "clap::"]),
        ("src/export/", &["crate::aws", "crate::store", "std::fs"]),
        // The vault keeps keys; it never prints one, and knows no AWS.
        (
            "src/vault/",
            &[
                "crate::aws",
                "crate::cli",
                "crate::commands",
                "out!(",
                "outln!(",
                "println!(",
            ],
        ),
        // Protocols take plain values and return plain results: they
        // never see clap or a command, and print nothing but a warning.
        (
            "src/operations/",
            &[
                "crate::cli",
                "clap::",
                "crate::commands",
                "out!(",
                "outln!(",
            ],
        ),
    ];
    let mut found = Vec::new();
    for (path, text) in source_files() {
        for (folder, banned) in rules {
            if path.starts_with(folder) {
                for line in hits(&text, banned) {
                    found.push(format!("{path}: {line}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "arrows the wrong way:\n{}",
        found.join("\n")
    );
}

#[test]
fn command_files_only_translate() {
    // A command file builds a request, calls one operation and prints its
    // result: the protocols live in src/operations/.
    let mut long = Vec::new();
    for (path, text) in source_files() {
        let protocol_commands = ["src/commands/iam/", "src/commands/key/rotate.rs"];
        if protocol_commands.iter().any(|f| path.starts_with(f)) && text.lines().count() > 100 {
            long.push(format!("{path}: {} lines", text.lines().count()));
        }
    }
    assert!(
        long.is_empty(),
        "command files holding protocols:\n{}",
        long.join("\n")
    );
}

/// build.rs packs the binary's relative relocations (`DT_RELR`) where the
/// linker and glibc can (BENCHMARKS.md, "packed relocations"): what its
/// probe found is what the binary carries, and a machine with GNU ld 2.38
/// and glibc 2.36 or later finds it.
#[test]
fn relative_relocations_are_packed_where_the_toolchain_can() {
    let packed = env!("AWSPROF_RELOCATIONS_PACKED") == "true";
    for (binary, dynamic) in dynamic_sections() {
        let carries_relr = dynamic.contains("(RELR)");
        assert_eq!(
            carries_relr, packed,
            "build.rs said packed={packed}, the dynamic section of {binary} disagrees"
        );
    }
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        let glibc = glibc_version();
        let ld = gnu_ld_version();
        if glibc >= (2, 36) && ld >= (2, 38) {
            assert!(
                packed,
                "glibc {glibc:?} and GNU ld {ld:?} can pack relocations; build.rs's probe said no"
            );
        }
    }
}

/// build.rs links GCC's unwinder into the binaries instead of loading
/// `libgcc_s.so.1` where a probe shows that works (BENCHMARKS.md, "the
/// unwinder linked in"): what its probe found is what the binaries carry,
/// and a GNU toolchain that has `libgcc_eh.a` finds it.
#[test]
fn the_unwinder_is_linked_in_where_the_toolchain_can() {
    let linked_in = env!("AWSPROF_UNWINDER_LINKED_IN") == "true";
    for (binary, dynamic) in dynamic_sections() {
        let loads_libgcc_s = dynamic.contains("[libgcc_s.so");
        assert_eq!(
            loads_libgcc_s, !linked_in,
            "build.rs said linked_in={linked_in}, the dynamic section of {binary} disagrees"
        );
    }
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        let found = std::process::Command::new("cc")
            .arg("-print-file-name=libgcc_eh.a")
            .output()
            .expect("cc runs");
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        if std::path::Path::new(&path).is_absolute() && std::path::Path::new(&path).is_file() {
            assert!(
                linked_in,
                "{path} is there; build.rs's probe did not link the unwinder in"
            );
        }
    }
}

/// Each binary with its `readelf --dynamic`.
fn dynamic_sections() -> impl Iterator<Item = (&'static str, String)> {
    [
        env!("CARGO_BIN_EXE_awsprof"),
        env!("CARGO_BIN_EXE_awsprof-full"),
    ]
    .into_iter()
    .map(|binary| {
        let dynamic = std::process::Command::new("readelf")
            .args(["--dynamic", binary])
            .output()
            .expect("readelf (binutils) runs");
        assert!(dynamic.status.success(), "readelf failed: {dynamic:?}");
        (
            binary,
            String::from_utf8_lossy(&dynamic.stdout).into_owned(),
        )
    })
}

fn major_minor(text: &str) -> (u32, u32) {
    let mut parts = text.trim().split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    });
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

fn glibc_version() -> (u32, u32) {
    let output = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .expect("getconf runs");
    // "glibc 2.36"
    let text = String::from_utf8_lossy(&output.stdout);
    major_minor(text.split_whitespace().last().unwrap_or(""))
}

fn gnu_ld_version() -> (u32, u32) {
    let Ok(output) = std::process::Command::new("ld").arg("--version").output() else {
        return (0, 0);
    };
    // "GNU ld (GNU Binutils for Debian) 2.40"
    let text = String::from_utf8_lossy(&output.stdout);
    let first = text.lines().next().unwrap_or("");
    if !first.starts_with("GNU ld") {
        return (0, 0);
    }
    major_minor(first.split_whitespace().last().unwrap_or(""))
}
