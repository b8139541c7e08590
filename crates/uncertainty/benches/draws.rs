//! Times `guarantor uncertainty` on the embedded scenario: 10,000 draws with
//! the adaptive choice over every package (the default), 10,000 draws of the
//! deterministic top 10, then the whole analysis (draws, tornado, Sobol', PRIM).
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
    if std::env::var_os("GUARANTOR_BENCH_EXHAUSTIVE").is_some() {
        exhaustive_check(&s);
        exhaustive_check(&guarantor_uncertainty::with_all_red_lines(&s));
        return;
    }
    let adaptive = Options {
        draws: 10_000,
        sampler: Sampler::Lhs,
        seed: 1,
        packages: PackageSet::Adaptive(10),
        tornado_draws: 0,
        sobol_rows: 0,
        ..Options::default()
    };
    let t = Instant::now();
    let r = analyse(&s, &adaptive, &()).expect("runs");
    let adaptive_only = std::env::var_os("GUARANTOR_BENCH_ADAPTIVE_ONLY").is_some();
    let sc = r.screening.as_ref().expect("adaptive");
    println!(
        "10,000 draws, adaptive choice over all {} packages (LHS), all threads: {:.1} s; {} package evaluations ({:.1}% of every package on every draw)",
        sc.candidates,
        t.elapsed().as_secs_f64(),
        sc.evaluations,
        100.0 * sc.evaluations as f64 / sc.exhaustive_evaluations as f64
    );
    for p in r.ranking.iter().take(3) {
        println!(
            "  robust #{}: deterministic #{}, P(pass) {:.1}% ± {:.1}: {}",
            p.rank,
            p.deterministic_rank,
            p.passes.p * 100.0,
            p.passes.se * 100.0,
            p.label
        );
    }
    if let Some(p) = r.ranking.iter().find(|p| p.deterministic_rank == 1) {
        println!(
            "  deterministic #1: robust #{}, P(pass) {:.1}% ± {:.1}: {}",
            p.rank,
            p.passes.p * 100.0,
            p.passes.se * 100.0,
            p.label
        );
    }
    if adaptive_only {
        // `GUARANTOR_BENCH_ADAPTIVE_ONLY=1`: stop here, so that the process's
        // CPU time (e.g. /usr/bin/time) is that of the adaptive run alone.
        return;
    }
    let small_adaptive = Options {
        draws: 400,
        screen_draws: 16,
        ..adaptive.clone()
    };
    let one = analyse(
        &s,
        &Options {
            threads: Some(1),
            ..small_adaptive.clone()
        },
        &(),
    )
    .expect("runs");
    let two = analyse(
        &s,
        &Options {
            threads: Some(2),
            ..small_adaptive
        },
        &(),
    )
    .expect("runs");
    println!(
        "400-draw adaptive run on 1 and 2 threads identical: {}",
        one == two
    );
    assert_eq!(one, two);
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

/// `GUARANTOR_BENCH_EXHAUSTIVE=1`: 1,000 draws of every package (`--packages
/// all`) against the adaptive choice on the same draws: does the adaptive top
/// match the exhaustive one?
fn exhaustive_check(s: &guarantor_model::Scenario) {
    let base = Options {
        draws: 1000,
        tornado_draws: 0,
        sobol_rows: 0,
        ..Options::default()
    };
    let t = Instant::now();
    let all = analyse(
        s,
        &Options {
            packages: PackageSet::All,
            ..base.clone()
        },
        &(),
    )
    .expect("runs");
    let t_all = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let ad = analyse(s, &base, &()).expect("runs");
    let t_ad = t.elapsed().as_secs_f64();
    println!(
        "{} uncertainties, 1,000 draws: all {} packages {t_all:.1} s, adaptive {t_ad:.1} s",
        s.uncertainty.len(),
        all.ranking.len()
    );
    for (name, r) in [("all", &all), ("adaptive", &ad)] {
        for p in r.ranking.iter().take(3) {
            println!(
                "  {name} robust #{}: deterministic #{}, P(pass) {:.1}%: {}",
                p.rank,
                p.deterministic_rank,
                p.passes.p * 100.0,
                p.label
            );
        }
    }
    let exhaustive_rank = |label: &str| {
        all.ranking
            .iter()
            .find(|p| p.label == label)
            .map_or(0, |p| p.rank)
    };
    let ranks: Vec<usize> = ad
        .ranking
        .iter()
        .map(|p| exhaustive_rank(&p.label))
        .collect();
    println!("  adaptive finalists' ranks in the exhaustive run: {ranks:?}");
    if let Some(d) = all.ranking.iter().find(|p| p.deterministic_rank == 1) {
        println!(
            "  deterministic #1: exhaustive robust #{}, P(pass) {:.1}%",
            d.rank,
            d.passes.p * 100.0
        );
    }
}
