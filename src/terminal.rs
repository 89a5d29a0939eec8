//! Questions asked on the controlling terminal (`/dev/tty`), never on
//! stdout (which may carry credentials to another program) and not only on
//! stderr (which credential_process callers swallow).

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI32, Ordering};

/// Asks `question` and reads one line, echoed. `Err` when there is no
/// terminal to ask on. Ctrl-C exits 130 with nothing written.
pub fn ask(question: &str) -> std::io::Result<String> {
    let tty = open_tty()?;
    (&tty).write_all(escape_controls(question).as_bytes())?;
    let _interrupt = InterruptGuard::install(None)?;
    let mut line = String::new();
    BufReader::new(&tty).read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Asks `question` and reads one line without echo (a secret). Ctrl-C
/// restores the echo and exits 130.
pub fn ask_secret(question: &str) -> std::io::Result<String> {
    let tty = open_tty()?;
    let mut line = String::new();
    {
        // Echo off before the question shows: what is typed the moment it
        // appears must not be echoed either.
        let _hidden = InterruptGuard::install(Some(tty.as_raw_fd()))?;
        (&tty).write_all(escape_controls(question).as_bytes())?;
        BufReader::new(&tty).read_line(&mut line)?;
    }
    (&tty).write_all(b"\n")?;
    Ok(line.trim().to_string())
}

/// Writes `text` on the terminal (a note between prompts).
pub fn ask_notice(text: &str) -> std::io::Result<()> {
    (&open_tty()?).write_all(escape_controls(text).as_bytes())
}

/// Whether standard input is a terminal (a person typing, not a pipe).
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
}

/// Shows `instructions` on the terminal and reads standard input (a
/// terminal) to its end (Ctrl-D) without echo: pasted keys stay off the
/// screen and out of the scrollback.
pub fn read_stdin_hidden(instructions: &str) -> std::io::Result<String> {
    let tty = open_tty()?;
    let stdin = std::io::stdin();
    let mut text = String::new();
    {
        let _hidden = InterruptGuard::install(Some(stdin.as_raw_fd()))?;
        (&tty).write_all(escape_controls(instructions).as_bytes())?;
        stdin.lock().read_to_string(&mut text)?;
    }
    (&tty).write_all(b"\n")?;
    Ok(text)
}

fn open_tty() -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open("/dev/tty")
}

/// Whether there is a controlling terminal to ask on.
pub fn available() -> std::io::Result<()> {
    std::fs::File::open("/dev/tty").map(drop)
}

/// The terminal whose echo the signal handler must restore (-1: none),
/// and its settings before the echo was turned off.
static HIDDEN_FD: AtomicI32 = AtomicI32::new(-1);
static mut SAVED_TERMIOS: std::mem::MaybeUninit<libc::termios> = std::mem::MaybeUninit::uninit();

/// While a prompt waits: SIGINT, SIGTERM and SIGHUP restore the terminal
/// (when its echo is off) and exit 128+signal at once, before anything is
/// written; dropping it restores the echo and the previous handlers.
struct InterruptGuard {
    hidden_fd: Option<i32>,
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

const PROMPT_SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

extern "C" fn restore_and_exit(signal: libc::c_int) {
    let fd = HIDDEN_FD.load(Ordering::SeqCst);
    // SAFETY: tcsetattr, write and _exit are async-signal-safe; the saved
    // settings were written before HIDDEN_FD was set.
    unsafe {
        if fd >= 0 {
            libc::tcsetattr(fd, libc::TCSANOW, std::ptr::addr_of!(SAVED_TERMIOS).cast());
        }
        libc::write(libc::STDERR_FILENO, b"\n".as_ptr().cast(), 1);
        libc::_exit(128 + signal);
    }
}

impl InterruptGuard {
    fn install(hidden_fd: Option<i32>) -> std::io::Result<Self> {
        let mut guard = Self {
            hidden_fd: None,
            previous: Vec::new(),
        };
        if let Some(fd) = hidden_fd {
            // SAFETY: a zeroed termios is a valid out-parameter; the static
            // is only written here, while no handler is installed.
            unsafe {
                let mut settings: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(fd, &mut settings) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                std::ptr::addr_of_mut!(SAVED_TERMIOS).write(std::mem::MaybeUninit::new(settings));
                HIDDEN_FD.store(fd, Ordering::SeqCst);
                guard.hidden_fd = Some(fd);
                let mut hidden = settings;
                hidden.c_lflag &= !(libc::ECHO | libc::ECHONL);
                hidden.c_lflag |= libc::ICANON;
                if libc::tcsetattr(fd, libc::TCSANOW, &hidden) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
        }
        for signal in PROMPT_SIGNALS {
            // SAFETY: the handler only calls async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = restore_and_exit as *const () as usize;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &action, &mut previous) == 0 {
                    guard.previous.push((signal, previous));
                }
            }
        }
        Ok(guard)
    }
}

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        // SAFETY: restores what install saved.
        unsafe {
            if let Some(fd) = self.hidden_fd {
                libc::tcsetattr(fd, libc::TCSANOW, std::ptr::addr_of!(SAVED_TERMIOS).cast());
                HIDDEN_FD.store(-1, Ordering::SeqCst);
            }
            for (signal, previous) in &self.previous {
                libc::sigaction(*signal, previous, std::ptr::null_mut());
            }
        }
    }
}

/// `text` with every control character but newline and tab written as
/// `\xNN`: text from a file, a manifest or AWS may carry escape sequences
/// that would retitle, clear or recolour the user's terminal. Text with
/// none is handed back as it is, not copied.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !may_hold_controls(text) || !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `text` may hold a control character, by its bytes: a C0
/// control or DEL is one byte, and every C1 control is encoded as 0xC2
/// followed by 0x80 to 0x9F, so text without those bytes holds none
/// (lint writes megabytes through here: 34.9 M instructions -> 21.3 M).
fn may_hold_controls(text: &str) -> bool {
    // Without short-circuits, so that a block's check is vector code.
    let flagged = |b: u8| ((b < b' ') & (b != b'\n') & (b != b'\t')) | (b == 0x7f) | (b == 0xc2);
    let mut blocks = text.as_bytes().chunks_exact(64);
    blocks
        .by_ref()
        .any(|block| block.iter().fold(false, |any, &b| any | flagged(b)))
        || blocks.remainder().iter().any(|&b| flagged(b))
}

/// C0 controls but newline and tab, DEL, and the C1 controls (which some
/// terminals obey as well).
fn is_control(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t') || is_del_or_c1(c)
}

/// DEL and the C1 controls: the controls past C0, which JSON writers
/// (serde_json among them) leave unescaped.
pub fn is_del_or_c1(c: char) -> bool {
    ('\u{7f}'..='\u{9f}').contains(&c)
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

    #[test]
    fn the_byte_check_never_misses_a_control_character() {
        let mut buf = [0; 4];
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text: &str = c.encode_utf8(&mut buf);
            if is_control(c) {
                assert!(may_hold_controls(text), "{:x}", c as u32);
                assert_ne!(escape_controls(text), text);
            } else {
                assert_eq!(escape_controls(text), text);
            }
        }
        assert!(!may_hold_controls("profile tanaka\tregion = é\n"));
    }

    #[test]
    fn the_byte_check_sees_a_control_anywhere_in_a_long_text() {
        let plain = "x".repeat(200);
        assert!(!may_hold_controls(&plain));
        for at in 0..plain.len() {
            for control in ["\u{1b}", "\u{7f}", "\u{9b}", "\0"] {
                let text = format!("{}{control}{}", &plain[..at], &plain[at..]);
                assert!(may_hold_controls(&text), "{at} {control:?}");
            }
        }
    }
}
