use clap::Parser;

fn main() {
    let cli = awsprof::cli::Cli::parse();
    let code = match awsprof::commands::run(cli) {
        Ok(()) => awsprof::error::exit::OK,
        Err(awsprof::error::Error::Exit(code)) => code,
        Err(err) => {
            eprintln!("awsprof: error: {err}");
            err.exit_code()
        }
    };
    std::process::exit(code);
}
