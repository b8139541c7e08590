//! Sobol' indices on the Ishigami function match the analytic values; invalid
//! sample sizes are rejected; PRIM recovers a planted box.

use std::f64::consts::PI;

use guarantor_uncertainty::prim::{PrimParams, prim};
use guarantor_uncertainty::sample::{Purpose, stream, uniform};
use guarantor_uncertainty::sobol::{Rows, SobolIndices, sobol};
use guarantor_uncertainty::{Error, Plan, Sampler};

/// Ishigami & Homma (1990), a = 7, b = 0.1, inputs uniform on [−π, π].
fn ishigami(u: &[f64]) -> Result<f64, Error> {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    Ok(x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin())
}

fn names() -> Vec<String> {
    ["x1", "x2", "x3"].iter().map(|s| s.to_string()).collect()
}

fn run(n: usize, threads: usize) -> SobolIndices {
    run_rows(n, threads, 2024, 100, Rows::ScrambledSobol)
}

fn run_rows(n: usize, threads: usize, seed: u64, bootstrap: usize, rows: Rows) -> SobolIndices {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| sobol(n, 3, &names(), seed, bootstrap, rows, ishigami, &|_| {}).unwrap())
}

// Analytic values (Saltelli et al. 2008, Global Sensitivity Analysis, §3.1).
const S1: [f64; 3] = [0.3139, 0.4424, 0.0];
const ST: [f64; 3] = [0.5576, 0.4424, 0.2437];

#[test]
fn scrambled_sobol_rows_beat_monte_carlo_rows_at_equal_cost() {
    // Root-mean-square error of the six raw indices over 8 seeds, N = 1024.
    let rmse = |rows: Rows| {
        let mut e = 0.0;
        for seed in 0..8 {
            let r = run_rows(1024, 2, seed, 0, rows);
            for (i, f) in r.factors.iter().enumerate() {
                e += (f.first_order_raw - S1[i]).powi(2) + (f.total_order_raw - ST[i]).powi(2);
            }
        }
        (e / 48.0).sqrt()
    };
    let (qmc, mc) = (rmse(Rows::ScrambledSobol), rmse(Rows::MonteCarlo));
    println!("RMSE over 8 seeds, N = 1024: Sobol' rows {qmc:.4}, Monte Carlo rows {mc:.4}");
    assert!(
        qmc < 0.5 * mc,
        "RMSE Sobol' rows {qmc:.4}, Monte Carlo rows {mc:.4}"
    );
}

#[test]
fn convergence_shows_the_indices_at_a_quarter_half_and_all_rows() {
    let r = run_rows(1024, 2, 3, 100, Rows::ScrambledSobol);
    assert_eq!(r.rows, Rows::ScrambledSobol);
    assert_eq!(r.bootstrap, 100);
    let sizes: Vec<usize> = r.convergence.iter().map(|c| c.rows).collect();
    assert_eq!(sizes, vec![256, 512, 1024]);
    let last = r.convergence.last().unwrap();
    for (i, f) in r.factors.iter().enumerate() {
        assert_eq!(last.first_order[i], f.first_order);
        assert_eq!(last.total_order[i], f.total_order);
        assert!(
            (last.total_order_width[i] - (f.total_order_ci.1 - f.total_order_ci.0)).abs() < 1e-15
        );
        // Four times the rows: narrower intervals for the factors that matter.
        if ST[i] > 0.1 {
            assert!(
                r.convergence[0].total_order_width[i] > last.total_order_width[i],
                "factor {i}"
            );
        }
        // Clipping only ever moves a raw estimate into [0, S_T] ⊂ [0, 1].
        assert!(f.first_order == f.first_order_raw.clamp(0.0, f.total_order));
    }
}

#[test]
fn ishigami_indices_match_the_analytic_values() {
    let (s1, st) = (S1, ST);
    let r = run(1 << 14, 2);
    for (i, f) in r.factors.iter().enumerate() {
        assert!(
            (f.first_order - s1[i]).abs() < 0.03,
            "S1 of {}: {} vs {}",
            f.factor,
            f.first_order,
            s1[i]
        );
        assert!(
            (f.total_order - st[i]).abs() < 0.03,
            "ST of {}: {} vs {}",
            f.factor,
            f.total_order,
            st[i]
        );
        assert!(f.first_order_ci.0 <= f.first_order && f.first_order <= f.first_order_ci.1);
        assert!(f.total_order_ci.0 <= f.total_order && f.total_order <= f.total_order_ci.1);
    }
    assert_eq!(r.runs, (1 << 14) * 5);
}

#[test]
fn sobol_does_not_depend_on_the_thread_count() {
    assert_eq!(run(256, 1), run(256, 2));
}

#[test]
fn too_few_base_rows_are_rejected_before_any_run() {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let e = sobol(
        10,
        3,
        &names(),
        1,
        10,
        Rows::ScrambledSobol,
        |u| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            ishigami(u)
        },
        &|_| {},
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::SobolSampleSize { n: 10, min: 64 }),
        "{e}"
    );
    assert!(e.to_string().contains("at least 64"));
    assert_eq!(calls.into_inner(), 0);
}

#[test]
fn a_constant_outcome_has_no_indices() {
    let e = sobol(
        64,
        3,
        &names(),
        1,
        10,
        Rows::ScrambledSobol,
        |_| Ok(1.0),
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(e, Error::NoVariance { .. }), "{e}");
}

#[test]
fn prim_recovers_a_planted_box() {
    // Four uniform inputs and one yes/no input; failures where x0 < 0.3 and
    // x2 > 0.6, plus 3% noise everywhere.
    let n = 5000;
    let plan = Plan::new(Sampler::Mc, 77, n, 5);
    let mut noise = stream(77, Purpose::Bootstrap, 0);
    let x: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut r = plan.draw(i);
            r[4] = if r[4] < 0.5 { 0.0 } else { 1.0 };
            r
        })
        .collect();
    let y: Vec<bool> = x
        .iter()
        .map(|r| (r[0] < 0.3 && r[2] > 0.6) || uniform(&mut noise) < 0.03)
        .collect();
    let boxes = prim(&x, &y, &PrimParams::default());
    let b = &boxes[0];
    let dims: Vec<usize> = b.restrictions.iter().map(|r| r.dim).collect();
    assert_eq!(dims, vec![0, 2], "{b:?}");
    let r0 = &b.restrictions[0];
    let r2 = &b.restrictions[1];
    assert!(
        r0.lower.is_none() && (r0.upper.unwrap() - 0.3).abs() < 0.03,
        "{r0:?}"
    );
    assert!(
        r2.upper.is_none() && (r2.lower.unwrap() - 0.6).abs() < 0.03,
        "{r2:?}"
    );
    assert!(b.density > 0.9, "density {}", b.density);
    assert!(b.coverage > 0.75, "coverage {}", b.coverage);
    assert!((b.mass - 0.12).abs() < 0.02, "mass {}", b.mass);
    // Both restrictions matter: dropping either would make this box's failure
    // count very unlikely.
    assert!(r0.quasi_p < 1e-6 && r2.quasi_p < 1e-6, "{r0:?} {r2:?}");
}

#[test]
fn prim_finds_nothing_in_pure_noise() {
    let n = 3000;
    let plan = Plan::new(Sampler::Mc, 5, n, 3);
    let x: Vec<Vec<f64>> = (0..n).map(|i| plan.draw(i)).collect();
    let mut noise = stream(5, Purpose::Bootstrap, 1);
    let y: Vec<bool> = (0..n).map(|_| uniform(&mut noise) < 0.2).collect();
    let boxes = prim(&x, &y, &PrimParams::default());
    for b in &boxes {
        assert!(b.density < 0.4, "a spurious box should stay weak: {b:?}");
    }
}
