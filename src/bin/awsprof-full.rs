//! `awsprof-full`: every command of awsprof. The `awsprof` binary in
//! front of it answers the hot ones itself and hands the rest here under
//! its own name (see `awsprof::front`); run directly, this answers all.

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    awsprof::front::start();
    if let Some(refused) = awsprof::front::check_front_source() {
        return refused;
    }
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
    awsprof::front::exit_code(awsprof::commands::run(cli))
}
