//! `src/aws/operations.rs` lists every operation of the EC2, STS and IAM
//! crates this project builds with: generated, and checked here against the
//! crates' own operation metadata, so that an SDK upgrade that adds an
//! operation fails until the list is regenerated.

use awsprof::aws::operations::{EC2, IAM, STS};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The source of a dependency as this build compiled it: its version from
/// Cargo.lock, its files in Cargo's registry (no `cargo metadata`, which
/// would want every platform's crates).
fn crate_dir(name: &str) -> PathBuf {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains(&format!("name = \"{name}\"\n")))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_string())
        .unwrap_or_else(|| panic!("{name} is in Cargo.lock"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registry = cargo_home.join("registry/src");
    std::fs::read_dir(&registry)
        .unwrap_or_else(|e| panic!("{}: {e}", registry.display()))
        .filter_map(Result::ok)
        .map(|index| index.path().join(format!("{name}-{version}")))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("{name} {version} is not in {}", registry.display()))
}

/// The names in `Metadata::new("Name", "Service")` of every operation file.
fn sdk_operations(name: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(crate_dir(name).join("src/operation")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (at, _) in text.match_indices("Metadata::new(") {
            let rest = text[at + "Metadata::new(".len()..].trim_start();
            if let Some(quoted) = rest.strip_prefix('"') {
                let name: String = quoted.chars().take_while(|c| *c != '"').collect();
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn the_operation_lists_match_the_sdk_crates() {
    for (krate, listed) in [
        ("aws-sdk-ec2", EC2),
        ("aws-sdk-sts", STS),
        ("aws-sdk-iam", IAM),
    ] {
        let sdk = sdk_operations(krate);
        let ours: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
        assert!(sdk.len() > 5, "{krate}: no operations found");
        let missing: Vec<_> = sdk.difference(&ours).collect();
        let extra: Vec<_> = ours.difference(&sdk).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{krate}: run scripts/gen-operations.sh; missing {missing:?}, not in the crate {extra:?}"
        );
    }
}
