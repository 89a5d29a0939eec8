//! Questions asked on the controlling terminal (`/dev/tty`), never on
//! stdout (which may carry credentials to another program) and not only on
//! stderr (which credential_process callers swallow).

use std::io::{BufRead, BufReader, Write};

/// Asks `question` and reads one line, echoed. `Err` when there is no
/// terminal to ask on.
pub fn ask(question: &str) -> std::io::Result<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open("/dev/tty")?;
    (&tty).write_all(question.as_bytes())?;
    let mut line = String::new();
    BufReader::new(&tty).read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Asks `question` and reads one line without echo (a secret).
pub fn ask_secret(question: &str) -> std::io::Result<String> {
    rpassword::prompt_password(question).map(|s| s.trim().to_string())
}

/// Whether there is a controlling terminal to ask on.
pub fn available() -> std::io::Result<()> {
    std::fs::File::open("/dev/tty").map(drop)
}
