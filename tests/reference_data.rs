//! `scripts/fetch-reference-data.sh`: every file from its pinned upstream,
//! checked by sha256 before it is put where the tests look. Served here
//! from a loopback HTTP server (`--base-url`), so no test needs GitHub.

mod shared_data;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A loopback HTTP server over `root`, stopped on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn serve(root: &Path) -> Server {
        let mut child = Command::new("python3")
            .args([
                "-c",
                "import functools, http.server, sys\n\
                 handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n\
                 server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)\n\
                 print(server.server_address[1], flush=True)\n\
                 server.serve_forever()",
            ])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut port = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        Server {
            child,
            url: format!("http://127.0.0.1:{}", port.trim()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/fetch-reference-data.sh")
}

fn fetch(args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(script())
        .args(args)
        .env_remove("AWSPROF_REFERENCE_DIR")
        .output()
        .expect("bash runs")
}

fn fetch_into(dest: &Path, base_url: &str, manifest: &Path) -> std::process::Output {
    fetch(&[
        "--dest",
        dest.to_str().unwrap(),
        "--base-url",
        base_url,
        "--manifest",
        manifest.to_str().unwrap(),
    ])
}

/// An upstream tree `owner/repo/COMMIT/path` with `files`, and a manifest
/// pinning them (with the hashes given, or the right ones).
fn upstream(root: &Path, files: &[(&str, &[u8], Option<&str>)]) -> PathBuf {
    let mut manifest = String::from("# test manifest\n");
    for (name, bytes, pinned) in files {
        let path = root.join("owner/repo/0123abcd/data").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let sha = pinned.map(String::from).unwrap_or_else(|| sha256(bytes));
        manifest.push_str(&format!(
            "set/{name}\t{sha}\towner/repo\t0123abcd\tdata/{name}\n"
        ));
    }
    let at = root.join("manifest.tsv");
    std::fs::write(&at, manifest).unwrap();
    at
}

#[test]
fn files_are_fetched_checked_and_put_in_place() {
    let served = tempfile::tempdir().unwrap();
    let manifest = upstream(
        served.path(),
        &[
            ("a.json", b"{\"tests\": []}\n", None),
            ("cfg/b", b"[profile b]\n", None),
        ],
    );
    let server = Server::serve(served.path());
    let dest = tempfile::tempdir().unwrap();
    let first = fetch_into(dest.path(), &server.url, &manifest);
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{first:?}");
    assert!(said.contains("2 fetched"), "{said}");
    assert_eq!(
        std::fs::read(dest.path().join("set/cfg/b")).unwrap(),
        b"[profile b]\n"
    );
    let again = fetch_into(dest.path(), &server.url, &manifest);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 fetched, 2 already in place"));
}

#[test]
fn a_file_whose_hash_differs_is_refused_and_not_written() {
    let served = tempfile::tempdir().unwrap();
    let wrong = sha256(b"what the pin was taken of");
    let manifest = upstream(
        served.path(),
        &[
            ("good", b"good\n", None),
            ("tampered", b"changed upstream\n", Some(&wrong)),
        ],
    );
    let server = Server::serve(served.path());
    let dest = tempfile::tempdir().unwrap();
    let out = fetch_into(dest.path(), &server.url, &manifest);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr.contains("tampered") && stderr.contains(&wrong) && stderr.contains("refused"),
        "{stderr}"
    );
    assert!(dest.path().join("set/good").is_file());
    assert!(
        !dest.path().join("set/tampered").exists(),
        "a refused file was written"
    );
    let missing = fetch_into(
        dest.path(),
        &format!("{}/nothing-here", server.url),
        &manifest,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("could not download"));
}

#[test]
fn a_manifest_cannot_write_outside_the_destination() {
    let served = tempfile::tempdir().unwrap();
    let manifest = served.path().join("manifest.tsv");
    std::fs::write(&manifest, "../escape\tabc\towner/repo\t0123\tdata/x\n").unwrap();
    let dest = tempfile::tempdir().unwrap();
    let out = fetch_into(&dest.path().join("in"), "http://127.0.0.1:9", &manifest);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!dest.path().join("escape").exists());
}

/// The pins in the project's manifest are the files the tests read.
#[test]
#[cfg_attr(
    conformance_missing,
    ignore = "the SDK conformance suites were not found"
)]
fn the_projects_pins_match_the_reference_data_in_place() {
    let manifest = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/reference-data.tsv"),
    )
    .unwrap();
    let mut checked = 0;
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert_eq!(fields[3].len(), 40, "a full commit id: {line}");
        let path = shared_data::shared_dir().join(fields[0]);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(sha256(&bytes), fields[1], "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 18);
}
