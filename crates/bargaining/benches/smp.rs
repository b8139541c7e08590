//! Times SMP on every bundled KTAB example (median of several runs) and prints a table
//! beside KTAB's own timings (`smpc`, -O3, `--logmin`, median of 3 runs, 2-vCPU VM).
//!
//! `cargo bench -p guarantor-bargaining --bench smp`

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use std::time::Instant;

use guarantor_bargaining::{SmpOptions, read_ktab_csv, smp};

/// (example, KTAB -O3 --logmin median wall seconds, KTAB steps).
const KTAB: &[(&str, f64, usize)] = &[
    ("dummyData_3Dim", 0.10, 10),
    ("dummyData_3Dim-no-final-comma", 0.07, 10),
    ("SOE-Pol-Comp", 0.73, 27),
    ("SOE-Policy", 2.65, 19),
    ("dummyData_6Dim", 3.41, 29),
    ("SOE-Competitive", 10.54, 35),
    ("dummyData-a040", 9.08, 20),
    ("dummyData-a080", 116.5, 17),
];

fn main() {
    let threads = rayon::current_num_threads();
    println!("SMP on KTAB's examples (rayon threads: {threads})\n");
    println!(
        "| example | actors × dims | steps (ours / KTAB) | Guarantor median s | runs | KTAB -O3 s | speed-up |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &(name, ktab_s, ktab_steps) in KTAB {
        let path = format!(
            "{}/tests/data/ktab/inputs/{name}.csv",
            env!("CARGO_MANIFEST_DIR")
        );
        let scenario = read_ktab_csv(&path).expect("bundled input");
        let opts = SmpOptions::default();
        let first = smp(&scenario, &opts).expect("smp runs");
        let runs = 15;
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let f = smp(&scenario, &opts).expect("smp runs");
                std::hint::black_box(&f);
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times[runs / 2];
        println!(
            "| {name} | {} × {} | {} / {ktab_steps} | {median:.6} | {runs} | {ktab_s:.2} | {:.0}× |",
            scenario.num_actors(),
            scenario.num_dims(),
            first.steps,
            ktab_s / median
        );
    }
}
