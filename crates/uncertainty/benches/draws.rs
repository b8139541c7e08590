//! Times `guarantor uncertainty` on the embedded scenario: 10,000 draws of the
//! top 10 packages, then the whole analysis (draws, tornado, Sobol', PRIM).
//! `cargo bench -p guarantor-uncertainty --bench draws`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use std::time::Instant;

use guarantor_uncertainty::{Options, PackageSet, Sampler, analyse};

fn main() {
    let s = guarantor_model::default_scenario();
    let draws_only = Options {
        draws: 10_000,
        sampler: Sampler::Lhs,
        seed: 1,
        packages: PackageSet::Top(10),
        tornado_draws: 0,
        sobol_rows: 0,
        ..Options::default()
    };
    let t = Instant::now();
    let a = analyse(&s, &draws_only, &()).expect("runs");
    println!(
        "10,000 draws × top 10 packages (LHS), all threads: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let full = Options {
        tornado_draws: 200,
        sobol_rows: 256,
        ..draws_only.clone()
    };
    let t = Instant::now();
    let b = analyse(&s, &full, &()).expect("runs");
    println!(
        "whole analysis (10,000 draws, tornado 200 draws/bar end, Sobol' 256 rows), all threads: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(
        a.ranking, b.ranking,
        "the draws do not depend on the later phases"
    );
    let small = Options {
        draws: 1000,
        tornado_draws: 50,
        sobol_rows: 64,
        ..draws_only.clone()
    };
    let t = Instant::now();
    let one = analyse(
        &s,
        &Options {
            threads: Some(1),
            ..small.clone()
        },
        &(),
    )
    .expect("runs");
    let t1 = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let two = analyse(
        &s,
        &Options {
            threads: Some(2),
            ..small
        },
        &(),
    )
    .expect("runs");
    let t2 = t.elapsed().as_secs_f64();
    println!(
        "1,000-draw analysis: 1 thread {t1:.1} s, 2 threads {t2:.1} s; identical: {}",
        one == two
    );
    assert_eq!(one, two);
}
