//! Tells the tests that read reference data whether it is where they look.
//! The data belongs to other repositories (the AWS SDKs' shared suites,
//! the AWS CLI's and botocore's cases), so the project does not carry it:
//! it lives in `$AWSPROF_REFERENCE_DIR`, else `../shared` beside the
//! checkout (the SDK suites may also be named by `$AWSPROF_CONFORMANCE_DIR`).
//!
//! Outside CI, missing data turns those tests into ignored ones, with one
//! warning saying how to get it (`scripts/fetch-reference-data.sh`); under
//! CI (`CI=true`) the tests run and fail, naming the path.

use std::path::PathBuf;

const FETCH: &str = "Run scripts/fetch-reference-data.sh, or set AWSPROF_REFERENCE_DIR";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(conformance_missing)");
    println!("cargo::rustc-check-cfg=cfg(botocore_missing)");
    println!("cargo::rustc-check-cfg=cfg(awscli_cases_missing)");
    for var in ["AWSPROF_REFERENCE_DIR", "AWSPROF_CONFORMANCE_DIR", "CI"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let set = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let reference = set("AWSPROF_REFERENCE_DIR").unwrap_or_else(|| {
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"))
            .join("../shared")
    });
    let conformance =
        set("AWSPROF_CONFORMANCE_DIR").unwrap_or_else(|| reference.join("conformance"));
    let under_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let checks = [
        (
            "conformance_missing",
            conformance.join("profile-parser-tests.json"),
            "the AWS SDK conformance suites",
            FETCH,
        ),
        (
            "botocore_missing",
            reference.join("peer/botocore_cfg/aws_bad_profile"),
            "botocore's config fixtures",
            FETCH,
        ),
        (
            "awscli_cases_missing",
            reference.join("peer/awscli_writer_cases.json"),
            "the AWS CLI's writer and export cases",
            "They are extracted from the AWS CLI's tests, not fetched: set AWSPROF_REFERENCE_DIR to a directory holding peer/ as ../shared does",
        ),
    ];
    for (cfg, marker, what, how) in checks {
        println!("cargo::rerun-if-changed={}", marker.display());
        if !marker.is_file() && !under_ci {
            println!("cargo::rustc-cfg={cfg}");
            println!(
                "cargo::warning={what} were not found ({} is missing): their tests are ignored. {how} \
                 (README, \"Conformance and reference data\").",
                marker.display()
            );
        }
    }
}
