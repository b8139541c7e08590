//! Shared helpers for the integration tests: paths to the bundled data and a
//! comparison of an SMP run with KTAB's recorded outputs.
#![allow(dead_code)]

use std::path::PathBuf;

use guarantor_bargaining::{Forecast, SmpOptions, read_ktab_csv, smp};

pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// Parses a simple CSV with a header; returns the rows as cells (no quoting needed).
pub fn csv_rows(rel: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(data(rel)).expect("bundled data file");
    text.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// How an SMP run compares with KTAB's outputs for one example.
#[derive(Debug)]
pub struct KtabComparison {
    pub ktab_steps: usize,
    pub our_steps: usize,
    pub max_position_dev: f64,
    pub first_divergent_turn: Option<usize>,
    pub max_win_prob_dev: f64,
    pub max_risk_dev: f64,
}

pub fn num_steps(example: &str) -> usize {
    let summary =
        std::fs::read_to_string(data(&format!("ktab/outputs/{example}/summary.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    v["num_steps"].as_u64().unwrap() as usize
}

pub fn run_example(example: &str) -> Forecast {
    let scenario =
        read_ktab_csv(data(&format!("ktab/inputs/{example}.csv"))).expect("KTAB input parses");
    smp(&scenario, &SmpOptions::default()).expect("smp runs")
}

pub fn compare_with_ktab(example: &str) -> KtabComparison {
    let f = run_example(example);
    let mut max_position_dev: f64 = 0.0;
    let mut first_divergent_turn: Option<usize> = None;
    for row in csv_rows(&format!("ktab/outputs/{example}/positions.csv")) {
        let t: usize = row[0].parse().unwrap();
        let i: usize = row[1].parse().unwrap();
        let k: usize = row[row.len() - 3].parse().unwrap();
        let v: f64 = row[row.len() - 1].parse().unwrap();
        let ours = f
            .turns
            .get(t)
            .map(|turn| turn.positions[i].1[k])
            .unwrap_or(f64::NAN);
        let dev = (ours - v).abs();
        if dev.is_nan() || dev > 1e-6 {
            first_divergent_turn = Some(first_divergent_turn.map_or(t, |f| f.min(t)));
        }
        max_position_dev = max_position_dev.max(if dev.is_nan() { f64::INFINITY } else { dev });
    }
    let mut max_win_prob_dev: f64 = 0.0;
    for row in csv_rows(&format!("ktab/outputs/{example}/position_win_prob.csv")) {
        let t: usize = row[0].parse().unwrap();
        let i: usize = row[1].parse().unwrap();
        let v: f64 = row[row.len() - 1].parse().unwrap();
        let ours = f
            .win_probability_history
            .get(t)
            .map(|w| w[i])
            .unwrap_or(f64::NAN);
        let dev = (ours - v).abs();
        max_win_prob_dev = max_win_prob_dev.max(if dev.is_nan() { f64::INFINITY } else { dev });
    }
    let mut max_risk_dev: f64 = 0.0;
    for row in csv_rows(&format!("ktab/outputs/{example}/risk_attitudes.csv")) {
        let t: usize = row[0].parse().unwrap();
        let i: usize = row[1].parse().unwrap();
        let v: f64 = row[row.len() - 1].parse().unwrap();
        let ours = f.risk_attitudes.get(t).map(|w| w[i]).unwrap_or(f64::NAN);
        let dev = (ours - v).abs();
        max_risk_dev = max_risk_dev.max(if dev.is_nan() { f64::INFINITY } else { dev });
    }
    KtabComparison {
        ktab_steps: num_steps(example),
        our_steps: f.steps,
        max_position_dev,
        first_divergent_turn,
        max_win_prob_dev,
        max_risk_dev,
    }
}

/// Asserts KTAB parity: steps exact, positions within 1e-6 (0–100), win
/// probabilities within 1.5e-4, risk attitudes within 1.5e-3.
pub fn assert_matches_ktab(example: &str) {
    let c = compare_with_ktab(example);
    eprintln!("{example}: {c:?}");
    assert_eq!(c.our_steps, c.ktab_steps, "{example}: number of steps");
    assert!(
        c.max_position_dev <= 1e-6,
        "{example}: positions diverge from turn {:?} (max |Δ| {})",
        c.first_divergent_turn,
        c.max_position_dev
    );
    assert!(
        c.max_win_prob_dev <= 1.5e-4,
        "{example}: win probabilities off by {}",
        c.max_win_prob_dev
    );
    assert!(
        c.max_risk_dev <= 1.5e-3,
        "{example}: risk attitudes off by {}",
        c.max_risk_dev
    );
}
