//! The floors awsprof's whole-command benchmarks are measured against
//! (benches/commands.sh): the least a program must do for each job.
//!
//!   floor start            a Rust binary that starts and exits
//!   floor read FILE...     reads the files (and looks at every byte once)
//!   floor parse CONFIG CREDENTIALS
//!                          reads each file on a thread of its own into
//!                          its sections (name, and each key and value
//!                          with its line), sorts each file's sections by
//!                          name and merges the two lists: the least a
//!                          reader that holds every profile by name does,
//!                          with no check of any line (for files such
//!                          as the generated ones: `\n` endings, no
//!                          continuation lines)
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
        Some("parse") if args.len() == 3 => {
            // The second reader starts at once on another CPU, as awsprof's
            // do (a plain scoped thread may wait its turn behind this one).
            let (config, credentials) = awsprof::threads::side_by_side(
                || parsed(Path::new(&args[1]), b"profile "),
                || parsed(Path::new(&args[2]), b""),
            );
            std::hint::black_box(merged_names(&config, &credentials));
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
                "usage: floor start | read FILE... | parse CONFIG CREDENTIALS | edit FILE | backed-up-edit CONFIG CREDENTIALS BACKUPS"
            );
            std::process::exit(2);
        }
    }
}

/// One file's sections: each name and the range of its properties in
/// `properties`, sorted by name; each property's key, value and line.
struct Sections {
    text: String,
    sections: Vec<(std::ops::Range<u32>, std::ops::Range<u32>)>,
    properties: Vec<(std::ops::Range<u32>, std::ops::Range<u32>, u32)>,
}

impl Sections {
    fn name(&self, at: usize) -> &str {
        let span = &self.sections[at].0;
        &self.text[span.start as usize..span.end as usize]
    }
}

/// `path` read into its sections; `prefix` is stripped from a header's
/// name (the config file's `profile `).
fn parsed(path: &Path, prefix: &[u8]) -> Sections {
    let text = std::fs::read_to_string(path).expect("a UTF-8 file");
    let bytes = text.as_bytes();
    let mut out = Sections {
        sections: Vec::with_capacity(memchr::memchr_iter(b'[', bytes).count()),
        properties: Vec::new(),
        text: String::new(),
    };
    let (mut start, mut line) = (0usize, 0u32);
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        line += 1;
        let (from, to) = trimmed(bytes, start, end);
        match bytes.get(from) {
            None | Some(b'#') | Some(b';') => {}
            Some(b'[') => {
                let close = memchr::memchr(b']', &bytes[from..to]).map_or(to, |i| from + i);
                let mut name = from + 1;
                if bytes[name..close].starts_with(prefix) {
                    name += prefix.len();
                }
                let count = out.properties.len() as u32;
                out.sections.push((name as u32..close as u32, count..count));
            }
            Some(_) => {
                if let Some(eq) = memchr::memchr(b'=', &bytes[from..to]) {
                    let (k0, k1) = trimmed(bytes, from, from + eq);
                    let (v0, v1) = trimmed(bytes, from + eq + 1, to);
                    out.properties
                        .push((k0 as u32..k1 as u32, v0 as u32..v1 as u32, line));
                    if let Some(last) = out.sections.last_mut() {
                        last.1.end = out.properties.len() as u32;
                    }
                }
            }
        }
        start = end + 1;
    }
    out.sections.sort_unstable_by(|a, b| {
        bytes[a.0.start as usize..a.0.end as usize]
            .cmp(&bytes[b.0.start as usize..b.0.end as usize])
    });
    out.text = text;
    out
}

fn trimmed(bytes: &[u8], mut from: usize, mut to: usize) -> (usize, usize) {
    while from < to && bytes[from].is_ascii_whitespace() {
        from += 1;
    }
    while to > from && bytes[to - 1].is_ascii_whitespace() {
        to -= 1;
    }
    (from, to)
}

/// How many names the two sorted lists hold together.
fn merged_names(a: &Sections, b: &Sections) -> usize {
    let (mut i, mut j, mut names) = (0, 0, 0);
    while i < a.sections.len() && j < b.sections.len() {
        match a.name(i).cmp(b.name(j)) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j) = (i + 1, j + 1),
        }
        names += 1;
    }
    names + (a.sections.len() - i) + (b.sections.len() - j)
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
