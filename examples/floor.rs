//! The floors awsprof's whole-command benchmarks are measured against
//! (benches/commands.sh): the least a program must do for each job.
//!
//!   floor start            a Rust binary that starts and exits
//!   floor read FILE...     reads the files (and looks at every byte once)
//!   floor edit FILE        reads the file, writes a changed copy beside
//!                          it, fsyncs it, renames it over the file and
//!                          fsyncs the directory: an atomic edit, no more
//!   floor backed-up-edit CONFIG CREDENTIALS BACKUPS
//!                          the same edit of CONFIG after the least a
//!                          durable backup of both files needs, its
//!                          flushes side by side: CONFIG's old inode
//!                          linked into a new folder in BACKUPS and its
//!                          data flushed, CREDENTIALS copied and flushed,
//!                          a manifest of both files' sha256 flushed and
//!                          renamed into place, the folders flushed

use sha2::Digest;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// What each edit appends to the config file.
const EDIT: &[u8] = b"[profile floor]\nrole_arn = arn:aws:iam::123456789012:role/bench\n";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("start") => {}
        Some("read") => {
            let headers: usize = args[1..]
                .iter()
                .map(|f| {
                    std::fs::read(f)
                        .expect("readable")
                        .iter()
                        .filter(|&&b| b == b'[')
                        .count()
                })
                .sum();
            std::hint::black_box(headers);
        }
        Some("edit") => edit(Path::new(&args[1])).expect("the edit"),
        Some("backed-up-edit") => backed_up_edit(
            Path::new(&args[1]),
            Path::new(&args[2]),
            Path::new(&args[3]),
        )
        .expect("the backed-up edit"),
        _ => {
            eprintln!(
                "usage: floor start | read FILE... | edit FILE | backed-up-edit CONFIG CREDENTIALS BACKUPS"
            );
            std::process::exit(2);
        }
    }
}

fn edit(path: &Path) -> std::io::Result<()> {
    let bytes = std::fs::read(path)?;
    let staged = write_flushed(&staged_beside(path), &[&bytes, EDIT])?;
    std::fs::rename(&staged, path)?;
    sync_dir(parent(path))
}

fn backed_up_edit(config: &Path, credentials: &Path, backups: &Path) -> std::io::Result<()> {
    let (old_config, old_credentials) = std::thread::scope(|scope| {
        let other = scope.spawn(|| std::fs::read(credentials));
        (std::fs::read(config), other.join().expect("the reader"))
    });
    let (old_config, old_credentials) = (old_config?, old_credentials?);
    std::fs::create_dir_all(backups)?;
    let folder = backups.join("floor-backup");
    std::fs::DirBuilder::new().mode(0o700).create(&folder)?;
    let manifest = folder.join("manifest.json");
    let results = std::thread::scope(|scope| {
        let linked = scope.spawn(|| {
            let stored = folder.join("config");
            std::fs::hard_link(config, &stored)?;
            std::fs::File::open(&stored)?.sync_data()
        });
        let copied =
            scope.spawn(|| write_flushed(&folder.join("credentials"), &[&old_credentials]));
        let staged_manifest = scope.spawn(|| {
            let hashes = std::thread::scope(|inner| {
                let other = inner.spawn(|| sha256_hex(&old_credentials));
                (sha256_hex(&old_config), other.join().expect("the hasher"))
            });
            let text = format!(
                "{{\"config\": \"{}\", \"credentials\": \"{}\"}}\n",
                hashes.0, hashes.1
            );
            write_flushed(&staged_beside(&manifest), &[text.as_bytes()])
        });
        let staged_config = write_flushed(&staged_beside(config), &[&old_config, EDIT]);
        (
            joined(linked),
            joined(copied),
            joined(staged_manifest),
            staged_config,
        )
    });
    let (linked, copied, staged_manifest, staged_config) = results;
    linked?;
    copied?;
    std::fs::rename(staged_manifest?, &manifest)?;
    sync_dir(&folder)?;
    sync_dir(backups)?;
    std::fs::rename(staged_config?, config)?;
    sync_dir(parent(config))
}

fn joined<T>(part: std::thread::ScopedJoinHandle<'_, T>) -> T {
    part.join().expect("a backup part")
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn staged_beside(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    parent(path).join(format!(".{name}.floor.tmp"))
}

/// Writes `pieces`, one after the other, to a new file at `path` and
/// flushes it; returns `path`.
fn write_flushed(path: &Path, pieces: &[&[u8]]) -> std::io::Result<PathBuf> {
    let mut file = std::fs::File::create(path)?;
    for piece in pieces {
        file.write_all(piece)?;
    }
    file.sync_all()?;
    Ok(path.to_path_buf())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
