//! Times a full `run` of the embedded scenario: every package sized, allocated
//! and judged. `cargo bench -p guarantor-engine --bench run`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use std::time::Instant;

use guarantor_engine::{EvalOptions, evaluate};

/// Peak resident set size of this process, from /proc (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let start = Instant::now();
    let s = guarantor_model::default_scenario();
    let parse = start.elapsed();
    let runs = 15;
    for threads in [Some(1), None] {
        let mut times = Vec::new();
        let mut evaluated = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let e = evaluate(
                &s,
                &EvalOptions {
                    threads,
                    ..EvalOptions::default()
                },
            )
            .expect("evaluates");
            times.push(t.elapsed().as_secs_f64());
            evaluated = e.counts.evaluated;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "default scenario, threads {:>7}: {evaluated} packages, median {:.1} ms, min {:.1} ms, max {:.1} ms ({runs} runs)",
            threads.map_or("all".to_string(), |n| n.to_string()),
            times[runs / 2] * 1e3,
            times[0] * 1e3,
            times[runs - 1] * 1e3
        );
    }
    println!("parse + validate: {:.2} ms", parse.as_secs_f64() * 1e3);
    if let Some(rss) = peak_rss_mib() {
        println!("peak RSS: {rss:.1} MiB");
    }
}
