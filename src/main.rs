use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which turns `awsprof profile list | head -1` into
    // a panic on the next print; die quietly like other Unix tools instead.
    // SAFETY: called before any other thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = awsprof::cli::Cli::parse();
    let code = match awsprof::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            awsprof::errln!("awsprof: error: {err}");
            err.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
