//! Tells the conformance tests whether the AWS SDKs' shared suites are
//! where they look (`$AWSPROF_CONFORMANCE_DIR`, else `../shared/conformance`
//! beside the checkout). They are reference data from another repository,
//! so the project does not carry them. Outside CI, missing suites turn the
//! conformance tests into ignored ones, with one warning that says where to
//! get them; under CI (`CI=true`) the tests run and fail, naming the path.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(conformance_missing)");
    println!("cargo::rerun-if-env-changed=AWSPROF_CONFORMANCE_DIR");
    println!("cargo::rerun-if-env-changed=CI");
    let dir = match std::env::var_os("AWSPROF_CONFORMANCE_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"))
            .join("../shared/conformance"),
    };
    let suite = dir.join("profile-parser-tests.json");
    println!("cargo::rerun-if-changed={}", suite.display());
    let under_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !suite.is_file() && !under_ci {
        println!("cargo::rustc-cfg=conformance_missing");
        println!(
            "cargo::warning=the AWS SDK conformance suites were not found in {}: their tests are ignored \
             (65 + 9 + 28 cases do not run). Get them from smithy-lang/smithy-rs (paths and commit in \
             ../shared/conformance/README.md) and set AWSPROF_CONFORMANCE_DIR to their directory.",
            dir.display()
        );
    }
}
