use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which turns `awsprof profile list | head -1` into
    // a panic on the next print; die quietly like other Unix tools instead.
    // SAFETY: called before any other thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // `AWSPROF_COMPLETE=bash awsprof -- ...`, as the scripts of `awsprof
    // completions` call it on Tab: print the candidates and exit.
    clap_complete::CompleteEnv::with_factory(awsprof::cli::command)
        .var(awsprof::completion::VAR)
        .complete();
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match awsprof::cli_narrowed::parse(&args).map_or_else(
        || awsprof::cli::parse_with(awsprof::cli::command(), &args),
        Ok,
    ) {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<String> = args
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let unexpected = matches!(
                e.kind(),
                clap::error::ErrorKind::UnknownArgument | clap::error::ErrorKind::InvalidValue
            );
            if let Some(fixed) = unexpected
                .then(|| awsprof::commands::exec_missing_separator(&args))
                .flatten()
            {
                awsprof::errln!(
                    "awsprof: error: the command to run goes after `--`, so that its own flags are not taken for awsprof's:\n  {fixed}"
                );
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    let code = match awsprof::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            awsprof::errln!("awsprof: error: {err}");
            err.exit_code()
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
