//! Opening a URL in the user's browser: each command of `$BROWSER` (a
//! `:`-separated list, as xdg-utils reads it; `%s` stands for the URL,
//! else it is appended), else the platform's opener (`open` on macOS,
//! `xdg-open` elsewhere). The URL goes to the opener's arguments only,
//! never to a terminal.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A browser still running this long after its start has taken the URL.
const SETTLED: Duration = Duration::from_secs(3);

/// The command that took `url`, or why none did.
pub fn open(url: &str) -> Result<String, String> {
    let mut tried = Vec::new();
    for line in openers() {
        let mut words: Vec<String> = line.split_whitespace().map(String::from).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for word in &mut words {
                *word = word.replace("%s", url);
            }
        } else {
            words.push(url.to_string());
        }
        let program = words.remove(0);
        match started(&program, &words) {
            Ok(()) => return Ok(program),
            Err(why) => tried.push(format!("{program}: {why}")),
        }
    }
    Err(if tried.is_empty() {
        "no browser opener is known here ($BROWSER is empty)".to_string()
    } else {
        tried.join("; ")
    })
}

fn openers() -> Vec<String> {
    match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(list) => list.split(':').map(String::from).collect(),
        None if cfg!(target_os = "macos") => vec!["open".to_string()],
        None => vec!["xdg-open".to_string()],
    }
}

/// Runs the opener: it succeeded when it exited 0, or is still running
/// (a browser itself) after `SETTLED`.
fn started(program: &str, args: &[String]) -> Result<(), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => return Ok(()),
            Some(status) => return Err(format!("exited with {status}")),
            None if start.elapsed() >= SETTLED => return Ok(()),
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}
