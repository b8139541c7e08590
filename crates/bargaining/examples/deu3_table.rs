//! Prints the DEU III mean absolute error of every model (Markdown table).
//!
//! `cargo run --release -p guarantor-bargaining --example deu3_table [path/to/deu3.tsv]`
//! (defaults to the copy bundled in `tests/data/deu3/`).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use guarantor_bargaining::Model;
use guarantor_bargaining::deu3::{Capability, read_deu3, validate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("{}/tests/data/deu3/deu3.tsv", env!("CARGO_MANIFEST_DIR")));
    let data = read_deu3(&path)?;
    println!("| model | capability | issues | MAE (all) | MAE (test, last 30%) | seconds |");
    println!("|---|---|---|---|---|---|");
    let models = [
        "compromise",
        "median",
        "smp",
        "eum:scholz-code",
        "eum:literal",
    ];
    for name in models {
        for cap in [Capability::Equal, Capability::Gdp] {
            let start = std::time::Instant::now();
            let v = validate(&data, &Model::from_name(name)?, cap)?;
            println!(
                "| {} | {:?} | {} | {:.2} | {:.2} (n={}) | {:.2} |",
                v.model,
                cap,
                v.rows.len(),
                v.mae,
                v.test_mae,
                v.test_n,
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
