//! The floors awsprof's whole-command benchmarks are measured against
//! (benches/commands.sh): the least a program must do for each job.
//!
//!   floor start            a Rust binary that starts and exits
//!   floor read FILE...     reads the files (and looks at every byte once)
//!   floor edit FILE        reads the file, writes a changed copy beside
//!                          it, fsyncs it, renames it over the file and
//!                          fsyncs the directory: an atomic edit, no more

use std::io::Write;
use std::path::Path;

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
        _ => {
            eprintln!("usage: floor start | read FILE... | edit FILE");
            std::process::exit(2);
        }
    }
}

fn edit(path: &Path) -> std::io::Result<()> {
    let mut bytes = std::fs::read(path)?;
    bytes.extend_from_slice(b"[profile floor]\nrole_arn = arn:aws:iam::123456789012:role/bench\n");
    let dir = path.parent().unwrap_or(Path::new("."));
    let staged = dir.join(".floor-edit.tmp");
    let mut file = std::fs::File::create(&staged)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    std::fs::rename(&staged, path)?;
    std::fs::File::open(dir)?.sync_all()
}
