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
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            (rel, text.to_string())
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
