//! Streaming search at scale on synthetic scenarios: wall time, CPU time and peak memory
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

/// CPU time this process has used so far (user + system, all threads), in
/// seconds (Linux: `/proc/self/stat`, in ticks of 1/100 s). On a shared
/// machine wall time depends on the load; CPU time much less.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces): state is 3rd.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
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
        "default scenario ({} packages): search median {:.1} ms (15 runs)",
        s.option_space_size(),
        times[7] * 1e3
    );

    println!(
        "| packages | mode | screened | wall (s) | packages/s | CPU (s) | packages/CPU-s | peak RSS (MiB) | passing | frontier |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
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
            let cpu = cpu_seconds();
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
            let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
            let total = r.counts.evaluated + r.counts.pruned;
            println!(
                "| 10^{e} | {} | {} | {wall:.2} | {:.2e} | {} | {} | {} | {} | {} |",
                if prune { "pruned" } else { "exhaustive" },
                r.counts.evaluated,
                total as f64 / wall,
                cpu.map_or("n/a".into(), |c| format!("{c:.2}")),
                cpu.map_or("n/a".into(), |c| format!("{:.2e}", total as f64 / c)),
                peak_rss_mib().map_or("n/a".into(), |m| format!("{m:.0}")),
                r.counts.passing,
                r.counts.frontier
            );
        }
    }
}
