//! Sobol' indices on the Ishigami function match the analytic values; invalid
//! sample sizes are rejected; PRIM recovers a planted box.

use std::f64::consts::PI;

use guarantor_uncertainty::prim::{PrimParams, prim};
use guarantor_uncertainty::sample::{Purpose, stream, uniform};
use guarantor_uncertainty::sobol::{SobolIndices, sobol};
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
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| sobol(n, 3, &names(), 2024, 100, ishigami, &|_| {}).unwrap())
}

#[test]
fn ishigami_indices_match_the_analytic_values() {
    // Analytic values (Saltelli et al. 2008, Global Sensitivity Analysis, §3.1).
    let s1 = [0.3139, 0.4424, 0.0];
    let st = [0.5576, 0.4424, 0.2437];
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
    let e = sobol(64, 3, &names(), 1, 10, |_| Ok(1.0), &|_| {}).unwrap_err();
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
