//! Writes the benchmark inputs: `generate_profiles DIR [N...]` creates
//! config-{100,1000,10000}, credentials-10000, config-chain-50 and
//! config-chain-loop-10000, and config-N for each further size asked for
//! (the growth benchmark's 100,000).

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let extra: Vec<usize> = std::env::args()
        .skip(2)
        .filter_map(|a| a.parse().ok())
        .collect();
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
