//! Reference data that other repositories own (the AWS SDKs' shared
//! suites, the AWS CLI's and botocore's own cases) is read in place from
//! `../shared/` beside the checkout, never copied into the project.
#![allow(dead_code)]

use std::path::PathBuf;

/// `$AWSPROF_REFERENCE_DIR`, else `../shared` beside the checkout.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("AWSPROF_REFERENCE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// `$AWSPROF_CONFORMANCE_DIR`, else `../shared/conformance`.
pub fn conformance_dir() -> PathBuf {
    match std::env::var_os("AWSPROF_CONFORMANCE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => shared_dir().join("conformance"),
    }
}

/// `peer/` there: the AWS CLI's and botocore's reference data.
pub fn peer_dir() -> PathBuf {
    shared_dir().join("peer")
}

/// Reads a reference file; a missing one fails the test naming where it
/// looked and what to do.
pub fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read reference data {}: {e}. Run scripts/fetch-reference-data.sh, or point \
             AWSPROF_REFERENCE_DIR at it (see README, \"Conformance and reference data\")",
            path.display()
        )
    })
}

pub fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&read(path.clone()))
        .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}
