//! Cross-validated DEU III scores of every model with the paired bootstrap interval of
//! the difference from the weighted mean, and the fitted model's feature ablation
//! (Markdown tables, the figures in `docs/forecast.md`).
//!
//! `cargo run --release -p guarantor-bargaining --example deu3_cv -- [MODE] [path/to/deu3.tsv]`
//!
//! MODE is `all` (default: 10-fold grouped CV on every scoreable issue), `dev` (the same
//! on the development part only: the issues before the first dossier that starts after
//! 70% of the file) or `holdout` (fit on the development part, score the rest once).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example reports on the terminal"
)]

use guarantor_bargaining::cv::{Forecaster, Report, RunOptions, cross_validate, train_test};
use guarantor_bargaining::deu3::{Capability, Deu3, read_deu3};
use guarantor_bargaining::fitted::{FEATURE_NAMES, FitOptions, NUM_FEATURES};

/// Splits at the first dossier boundary after 70% of the issues (file order).
fn split(data: &Deu3) -> (Deu3, Deu3) {
    let mut cut = data.issues.len() * 7 / 10;
    while cut < data.issues.len()
        && cut > 0
        && data.issues[cut].dossier == data.issues[cut - 1].dossier
    {
        cut += 1;
    }
    let mut dev = data.clone();
    let mut rest = data.clone();
    dev.issues.truncate(cut);
    rest.issues.drain(..cut);
    (dev, rest)
}

fn row(label: &str, r: &Report) {
    let d = &r.difference;
    println!(
        "| {label} | {} | {:.2} | {:.2} | {:+.2} | [{:+.2}, {:+.2}] | {} |",
        r.issues,
        r.mae,
        r.baseline_mae,
        d.estimate,
        d.low,
        d.high,
        if d.excludes_zero() { "yes" } else { "no" }
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "all".into());
    let path = args
        .next()
        .unwrap_or_else(|| format!("{}/tests/data/deu3/deu3.tsv", env!("CARGO_MANIFEST_DIR")));
    let data = read_deu3(&path)?;
    let (dev, rest) = split(&data);
    let opts = RunOptions::default();
    let score = |f: &Forecaster| -> Result<Report, Box<dyn std::error::Error>> {
        Ok(match mode.as_str() {
            "all" => cross_validate(&data, f, opts)?,
            "dev" => cross_validate(&dev, f, opts)?,
            "holdout" => train_test(Some(&dev), &rest, f, opts)?,
            other => return Err(format!("unknown mode {other}: all, dev or holdout").into()),
        })
    };
    println!(
        "| model | issues | MAE | weighted mean MAE | difference | 95% interval | excludes 0 |"
    );
    println!("|---|---|---|---|---|---|---|");
    let plain = [
        "compromise",
        "median",
        "smp",
        "eum:scholz-code",
        "eum:literal",
    ];
    let names: Vec<&str> = if std::env::var_os("DEU3_CV_FITTED_ONLY").is_some() {
        vec!["fitted"]
    } else {
        plain.iter().copied().chain(["fitted"]).collect()
    };
    for name in names {
        row(name, &score(&Forecaster::from_name(name)?)?);
    }
    let gdp = RunOptions {
        capability: Capability::Gdp,
        ..opts
    };
    if mode == "all" {
        let r = cross_validate(&data, &Forecaster::from_name("compromise")?, gdp)?;
        row("compromise (GDP capabilities)", &r);
    }
    println!();
    println!("Ablation of the fitted model (each row drops one feature, or keeps only one):");
    println!();
    println!(
        "| features | issues | MAE | weighted mean MAE | difference | 95% interval | excludes 0 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (j, name) in FEATURE_NAMES.iter().enumerate() {
        let without = FitOptions::only((0..NUM_FEATURES).filter(|&k| k != j).collect());
        row(
            &format!("all but {name}"),
            &score(&Forecaster::Fitted(without))?,
        );
    }
    for (j, name) in FEATURE_NAMES.iter().enumerate() {
        let only = FitOptions::only(vec![j]);
        row(&format!("only {name}"), &score(&Forecaster::Fitted(only))?);
    }
    if mode != "holdout" {
        let r = score(&Forecaster::from_name("fitted")?)?;
        println!();
        println!("Chosen hyper-parameters and coefficients per outer fold:");
        println!();
        print!("| fold | loss | λ | features |");
        for n in FEATURE_NAMES {
            print!(" {n} |");
        }
        println!();
        println!("|{}", "---|".repeat(4 + NUM_FEATURES));
        for (k, m) in r.fits.iter().enumerate() {
            let set = if m.hyper.features.len() == NUM_FEATURES {
                "all".to_string()
            } else {
                m.hyper.features.join(", ")
            };
            print!(
                "| {} | {:?} | {} | {set} |",
                k + 1,
                m.hyper.loss,
                m.hyper.lambda
            );
            for (_, b) in &m.coefficients {
                print!(" {b:+.2} |");
            }
            println!();
        }
    }
    Ok(())
}
