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
    (&tty).write_all(escape_controls(question).as_bytes())?;
    let mut line = String::new();
    BufReader::new(&tty).read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Asks `question` and reads one line without echo (a secret).
pub fn ask_secret(question: &str) -> std::io::Result<String> {
    rpassword::prompt_password(escape_controls(question)).map(|s| s.trim().to_string())
}

/// Whether there is a controlling terminal to ask on.
pub fn available() -> std::io::Result<()> {
    std::fs::File::open("/dev/tty").map(drop)
}

/// `text` with every control character but newline and tab written as
/// `\xNN`: text from a file, a manifest or AWS may carry escape sequences
/// that would retitle, clear or recolour the user's terminal.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// C0 controls but newline and tab, DEL, and the C1 controls (which some
/// terminals obey as well).
fn is_control(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t') || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// Writes `text` to stdout with its control characters escaped.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout()
        .lock()
        .write_all(escape_controls(text).as_bytes());
}

/// Writes `text` to stderr with its control characters escaped.
pub fn write_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr()
        .lock()
        .write_all(escape_controls(text).as_bytes());
}

/// `println!` for anything that may hold text awsprof did not write.
#[macro_export]
macro_rules! outln {
    () => { $crate::terminal::write_stdout("\n") };
    ($($arg:tt)*) => { $crate::terminal::write_stdout(&(format!($($arg)*) + "\n")) };
}

/// `print!`, escaped as [`outln!`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::terminal::write_stdout(&format!($($arg)*)) };
}

/// `eprintln!`, escaped as [`outln!`].
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::terminal::write_stderr(&(format!($($arg)*) + "\n")) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            escape_controls("evil\u{1b}[31m\u{7}x\ty\n\u{9b}2J\u{7f}é"),
            "evil\\x1b[31m\\x07x\ty\n\\x9b2J\\x7fé"
        );
        assert_eq!(escape_controls("plain"), "plain");
    }
}
