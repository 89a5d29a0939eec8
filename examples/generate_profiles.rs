//! Writes the benchmark inputs: `generate_profiles DIR [N...]` creates
//! config-{100,1000,10000}, credentials-10000, config-chain-50 and
//! config-chain-loop-10000, and config-N for each further size asked for
//! (the growth benchmark's 100,000).

#[path = "../benches/support/generate.rs"]
mod generate;

const USAGE: &str = "usage: generate_profiles DIR [N...]\n\
  writes config-100, config-1000, config-10000, credentials-10000,\n\
  config-chain-50 and config-chain-loop-10000 into DIR (created if\n\
  missing), and config-N for each further N";

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(());
    }
    let usage_error = |why: String| -> ! {
        eprintln!("generate_profiles: {why}\n{USAGE}");
        std::process::exit(2)
    };
    let dir = std::path::PathBuf::from(args.first().map_or(".", String::as_str));
    if dir.to_string_lossy().starts_with('-') {
        usage_error(format!("unknown option {}", dir.display()));
    }
    let extra: Vec<usize> = args
        .iter()
        .skip(1)
        .map(|a| {
            a.parse()
                .unwrap_or_else(|_| usage_error(format!("{a} is not a number of profiles")))
        })
        .collect();
    std::fs::create_dir_all(&dir)?;
    for n in [100, 1_000, 10_000].into_iter().chain(extra) {
        std::fs::write(dir.join(format!("config-{n}")), generate::config(n))?;
    }
    std::fs::write(dir.join("credentials-10000"), generate::credentials(10_000))?;
    std::fs::write(dir.join("config-chain-50"), generate::chain(50))?;
    std::fs::write(
        dir.join("config-chain-loop-10000"),
        generate::chain_and_loop(10_000),
    )?;
    Ok(())
}
