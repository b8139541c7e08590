//! Streaming search at scale on synthetic scenarios: wall time and peak memory
//! for 10⁵, 10⁶ and 10⁷ packages (30 contributors, 8 capabilities, 20 other
//! actors), exhaustive and pruned, plus the default scenario.
//!
//! `cargo bench -p guarantor-engine --bench search` (all sizes), or
//! `cargo bench -p guarantor-engine --bench search -- 5 6` for 10⁵ and 10⁶ only.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use std::time::Instant;

use guarantor_engine::{SearchOptions, search};
use guarantor_model::synth::{SynthParams, synth};

/// Peak resident set size of this process since the last reset, in MiB (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Reset the peak so that each size reports its own (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let exponents: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let exponents = if exponents.is_empty() {
        vec![5, 6, 7]
    } else {
        exponents
    };

    let s = guarantor_model::default_scenario();
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        search(&s, &SearchOptions::default()).expect("searches");
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "default scenario (2,160 packages): search median {:.1} ms (15 runs)",
        times[7] * 1e3
    );

    println!("| packages | mode | wall (s) | packages/s | peak RSS (MiB) | passing | frontier |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    for e in exponents {
        // 10 options per component: 10^e packages exactly.
        let p = SynthParams {
            components: e as usize,
            options: 10,
            contributors: 30,
            capabilities: 8,
            actors: 20,
            seed: 2025,
        };
        let s =
            guarantor_model::load("synthetic.toml", &synth(&p)).expect("valid synthetic scenario");
        for prune in [false, true] {
            reset_peak();
            let t = Instant::now();
            let r = search(
                &s,
                &SearchOptions {
                    prune,
                    ..SearchOptions::default()
                },
            )
            .expect("searches");
            let wall = t.elapsed().as_secs_f64();
            let total = r.counts.evaluated + r.counts.pruned;
            println!(
                "| 10^{e} | {} | {wall:.2} | {:.2e} | {} | {} | {} |",
                if prune { "pruned" } else { "exhaustive" },
                total as f64 / wall,
                peak_rss_mib().map_or("n/a".into(), |m| format!("{m:.0}")),
                r.counts.passing,
                r.counts.frontier
            );
        }
    }
}
