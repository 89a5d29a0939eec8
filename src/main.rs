//! `awsprof`: answers the hot commands itself and hands the rest to
//! `awsprof-full` beside it (see `awsprof::front`).

use std::process::ExitCode;

fn main() -> ExitCode {
    awsprof::front::start();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    awsprof::front::run(&args)
}
