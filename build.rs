//! Tells the tests that read reference data whether it is where they look.
//! The data belongs to other repositories (the AWS SDKs' shared suites,
//! the AWS CLI's and botocore's cases), so the project does not carry it:
//! it lives in `$AWSPROF_REFERENCE_DIR`, else `../shared` beside the
//! checkout (the SDK suites may also be named by `$AWSPROF_CONFORMANCE_DIR`).
//!
//! Outside CI, missing data turns those tests into ignored ones, with one
//! warning saying how to get it (`scripts/fetch-reference-data.sh`); under
//! CI (`CI=true`) the tests run and fail, naming the path.
//!
//! It also packs the binary's relative relocations where the linker and
//! the C library can (see `packs_relative_relocations`).

use std::path::{Path, PathBuf};
use std::process::Command;

const FETCH: &str = "Run scripts/fetch-reference-data.sh, or set AWSPROF_REFERENCE_DIR";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(conformance_missing)");
    println!("cargo::rustc-check-cfg=cfg(botocore_missing)");
    println!("cargo::rustc-check-cfg=cfg(awscli_cases_missing)");
    for var in ["AWSPROF_REFERENCE_DIR", "AWSPROF_CONFORMANCE_DIR", "CI"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    // Any change under src/ gives both binaries a new source id (see
    // `source_id`).
    println!("cargo::rerun-if-changed=src");
    println!("cargo::rustc-env=AWSPROF_SOURCE_ID={}", source_id());
    let packed = packs_relative_relocations();
    if packed {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo::rustc-env=AWSPROF_RELOCATIONS_PACKED={packed}");
    let unwinder_linked_in = links_unwinder_statically();
    if unwinder_linked_in {
        println!("cargo::rustc-link-lib=static:-bundle=gcc_eh");
    }
    println!("cargo::rustc-env=AWSPROF_UNWINDER_LINKED_IN={unwinder_linked_in}");
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

/// Whether the binary can be linked with its relative relocations packed
/// (`DT_RELR`). A position-independent awsprof carries some 40,000 of
/// them, one per pointer in its read-only data; as 24-byte `RELA` entries
/// the loader reads 0.9 MB and runs half a million instructions on every
/// start (BENCHMARKS.md, "packed relocations"). Packed, they take a few
/// kilobytes, and the executable keeps its randomised address.
///
/// It needs GNU ld 2.38 or lld and glibc 2.36 where the binary runs, so a
/// tiny program is linked the same way, with warnings fatal (an older ld
/// only warns about the option), and run (an older loader refuses it).
/// Only when building for the machine that builds: a cross build is left
/// as it was.
fn packs_relative_relocations() -> bool {
    linked_probe(
        "relr_probe",
        "fn main() {}\n",
        &[
            "-Crelocation-model=pie",
            "-Clink-arg=-Wl,-z,pack-relative-relocs",
            "-Clink-arg=-Wl,--fatal-warnings",
        ],
    )
    .is_some_and(|program| runs(&program))
}

/// Whether the binaries can carry GCC's unwinder themselves (the static
/// `libgcc_eh`) instead of loading `libgcc_s.so.1`. Loading it costs every
/// start a shared object's mapping and relocations, and its constructor
/// asks the processor for its features with `cpuid` a dozen times, each
/// a trap to the hypervisor on a virtual machine: 0.06 to 0.09 ms of a
/// start of 0.6 to 0.8 ms (BENCHMARKS.md, "the unwinder linked in").
/// Linked before the standard library's `-lgcc_s`, the archive defines
/// the unwinder's symbols and `--as-needed` drops the shared object. A
/// tiny program that catches a panic is linked that way and run, and is
/// kept only when it unwinds and no longer names `libgcc_s`; otherwise
/// the build is left as it was.
fn links_unwinder_statically() -> bool {
    let probe = "fn main() {\n    let caught = std::panic::catch_unwind(|| panic!(\"probe\")).is_err();\n    std::process::exit(if caught { 0 } else { 1 });\n}\n";
    let names_shared = |binary: &[u8]| binary.windows(9).any(|w| w == b"libgcc_s.");
    linked_probe("unwinder_probe", probe, &["-lstatic=gcc_eh"]).is_some_and(|program| {
        runs(&program) && std::fs::read(&program).is_ok_and(|binary| !names_shared(&binary))
    })
}

/// `source` compiled and linked with `args` into OUT_DIR as `name`, with
/// the build's own flags (a linker chosen in .cargo/config, say); `None`
/// where it does not link, and for any build but a native linux-gnu one
/// (a cross build is left as it was).
fn linked_probe(name: &str, source: &str, args: &[&str]) -> Option<PathBuf> {
    let var = |name| std::env::var(name).unwrap_or_default();
    if var("TARGET") != var("HOST")
        || var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
    {
        return None;
    }
    let out = PathBuf::from(var("OUT_DIR"));
    let (source_path, program) = (out.join(format!("{name}.rs")), out.join(name));
    std::fs::write(&source_path, source).ok()?;
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let linked = Command::new(rustc())
        .args(flags.split('\x1f').filter(|f| !f.is_empty()))
        .arg("--edition=2021")
        .args(args)
        .arg("-o")
        .arg(&program)
        .arg(&source_path)
        .output()
        .is_ok_and(|o| o.status.success());
    linked.then_some(program)
}

/// A hash of every file under src/: the `awsprof` front hands a line over
/// only to an `awsprof-full` built from the same sources. `cargo run`
/// builds the front alone, and would otherwise run an older
/// `awsprof-full` left in target/ without a word.
fn source_id() -> String {
    use std::hash::{Hash, Hasher};
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut found = Vec::new();
    files(&root.join("src"), &mut found);
    found.sort();
    // SipHash with its fixed keys: the same sources give the same id.
    let mut hasher = std::hash::DefaultHasher::new();
    for path in found {
        path.strip_prefix(&root).unwrap_or(&path).hash(&mut hasher);
        std::fs::read(&path).unwrap_or_default().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn rustc() -> PathBuf {
    std::env::var_os("RUSTC").map_or_else(|| "rustc".into(), PathBuf::from)
}

fn runs(program: &Path) -> bool {
    Command::new(program)
        .output()
        .is_ok_and(|o| o.status.success())
}
