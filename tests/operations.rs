//! `src/aws/operations.rs` lists every operation of the EC2, STS and IAM
//! crates this project builds with: generated, and checked here against the
//! crates' own operation metadata, so that an SDK upgrade that adds an
//! operation fails until the list is regenerated.

use awsprof::aws::operations::{EC2, IAM, STS};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn crate_dir(name: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("{name} is a dependency"));
    PathBuf::from(manifest).parent().unwrap().to_path_buf()
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
