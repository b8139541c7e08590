//! Variance-based sensitivity: first-order and total-order Sobol' indices.
//!
//! Sampling (Saltelli 2002; Saltelli et al. 2010): two independent N × k
//! matrices of uniform quantiles A and B, and for each factor i the matrix
//! A_B⁽ⁱ⁾ (A with column i taken from B): N·(k + 2) model runs. Estimators
//! (Jansen 1999, as recommended in Saltelli et al. 2010, Table 2):
//!
//! - V_i  = V − (1/2N) Σ_j (f(B)_j − f(A_B⁽ⁱ⁾)_j)²,  S_i = V_i / V;
//! - V_Ti = (1/2N) Σ_j (f(A)_j − f(A_B⁽ⁱ⁾)_j)²,      S_Ti = V_Ti / V;
//!
//! with V the variance of f over the 2N rows of A and B. Confidence intervals
//! are percentile bootstrap intervals over the N rows (Archer, Saltelli & Sobol'
//! 1997). Sampling and analysis are one call, so the outputs can never be
//! matched to the wrong rows (SALib's common pitfall).

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::robust::quantile_sorted;
use crate::sample::{Purpose, index_below, stream, uniform};

/// Smallest number of base rows accepted: below it the estimators are too
/// noisy to tell a factor from zero.
pub const MIN_BASE_ROWS: usize = 64;

/// One factor's indices, clipped to 0 ≤ S_i ≤ S_Ti ≤ 1, with 95% bootstrap
/// intervals (of the clipped replicates).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorIndices {
    pub factor: String,
    pub first_order: f64,
    pub first_order_ci: (f64, f64),
    pub total_order: f64,
    pub total_order_ci: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Base rows N.
    pub base_rows: usize,
    /// Model runs: N·(k + 2).
    pub runs: usize,
    pub bootstrap: usize,
    /// Mean and variance of the outcome over A and B.
    pub mean: f64,
    pub variance: f64,
    pub factors: Vec<FactorIndices>,
}

/// Check the sample size before any model run.
pub fn check_base_rows(n: usize) -> Result<(), Error> {
    if n < MIN_BASE_ROWS {
        return Err(Error::SobolSampleSize {
            n,
            min: MIN_BASE_ROWS,
        });
    }
    Ok(())
}

/// Clip raw estimates to 0 ≤ S_i ≤ S_Ti ≤ 1, the bounds that hold for
/// independent factors; sampling noise can cross them (a factor that never
/// changes the outcome has S_Ti = 0 exactly, but a noisy S_i).
fn clip(first: f64, total: f64) -> (f64, f64) {
    let total = total.clamp(0.0, 1.0);
    (first.clamp(0.0, total), total)
}

/// Jansen estimators on the outputs; `rows` selects (with repetition) the base
/// rows used, for the bootstrap. Returns (V, [(S_i, S_Ti)]).
fn estimate(fa: &[f64], fb: &[f64], fab: &[Vec<f64>], rows: &[usize]) -> (f64, Vec<(f64, f64)>) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&j| fa[j] + fb[j]).sum::<f64>() / (2.0 * n);
    let var = rows
        .iter()
        .map(|&j| (fa[j] - mean).powi(2) + (fb[j] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n - 1.0);
    if var.is_nan() || var <= 0.0 {
        return (var, vec![(0.0, 0.0); fab.len()]);
    }
    let idx = fab
        .iter()
        .map(|f| {
            let first = rows.iter().map(|&j| (fb[j] - f[j]).powi(2)).sum::<f64>() / (2.0 * n);
            let total = rows.iter().map(|&j| (fa[j] - f[j]).powi(2)).sum::<f64>() / (2.0 * n);
            clip((var - first) / var, total / var)
        })
        .collect();
    (var, idx)
}

/// First- and total-order indices of `f` over `k` independent factors, each a
/// uniform quantile on [0, 1) (map them to values inside `f`).
pub fn sobol(
    n: usize,
    k: usize,
    names: &[String],
    seed: u64,
    bootstrap: usize,
    f: impl Fn(&[f64]) -> Result<f64, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SobolIndices, Error> {
    check_base_rows(n)?;
    if k == 0 {
        return Err(Error::NoUncertainty {
            scenario: String::new(),
        });
    }
    // Row j of A and B: 2k uniforms from the row's own stream.
    let ab: Vec<(Vec<f64>, Vec<f64>)> = (0..n)
        .map(|j| {
            let mut rng = stream(seed, Purpose::Saltelli, j as u64);
            let a: Vec<f64> = (0..k).map(|_| uniform(&mut rng)).collect();
            let b: Vec<f64> = (0..k).map(|_| uniform(&mut rng)).collect();
            (a, b)
        })
        .collect();
    // Job (m, j): m = 0 → A, 1 → B, 2 + i → A_B⁽ⁱ⁾.
    let jobs: Vec<(usize, usize)> = (0..k + 2)
        .flat_map(|m| (0..n).map(move |j| (m, j)))
        .collect();
    let y: Vec<f64> = jobs
        .par_iter()
        .map(|&(m, j)| {
            let (a, b) = &ab[j];
            let r = match m {
                0 => f(a),
                1 => f(b),
                _ => {
                    let mut u = a.clone();
                    u[m - 2] = b[m - 2];
                    f(&u)
                }
            };
            progress(1);
            r
        })
        .collect::<Result<_, Error>>()?;
    let fa = &y[..n];
    let fb = &y[n..2 * n];
    let fab: Vec<Vec<f64>> = (0..k)
        .map(|i| y[(2 + i) * n..(3 + i) * n].to_vec())
        .collect();
    let all: Vec<usize> = (0..n).collect();
    let (var, point) = estimate(fa, fb, &fab, &all);
    let mean = (fa.iter().sum::<f64>() + fb.iter().sum::<f64>()) / (2 * n) as f64;
    if var.is_nan() || var <= 1e-12 * mean.abs().max(1.0) {
        return Err(Error::NoVariance { mean });
    }
    let reps: Vec<Vec<(f64, f64)>> = (0..bootstrap)
        .into_par_iter()
        .map(|b| {
            let mut rng = stream(seed, Purpose::Bootstrap, b as u64);
            let rows: Vec<usize> = (0..n).map(|_| index_below(&mut rng, n)).collect();
            let (v, idx) = estimate(fa, fb, &fab, &rows);
            if v > 0.0 { idx } else { vec![(0.0, 0.0); k] }
        })
        .collect();
    let ci = |i: usize, total: bool| -> (f64, f64) {
        if reps.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let mut xs: Vec<f64> = reps
            .iter()
            .map(|r| if total { r[i].1 } else { r[i].0 })
            .collect();
        xs.sort_by(f64::total_cmp);
        (
            quantile_sorted(&xs, 0.025).clamp(0.0, 1.0),
            quantile_sorted(&xs, 0.975).clamp(0.0, 1.0),
        )
    };
    let factors = point
        .iter()
        .enumerate()
        .map(|(i, &(s1, st))| FactorIndices {
            factor: names[i].clone(),
            first_order: s1,
            first_order_ci: ci(i, false),
            total_order: st,
            total_order_ci: ci(i, true),
        })
        .collect();
    Ok(SobolIndices {
        base_rows: n,
        runs: n * (k + 2),
        bootstrap,
        mean,
        variance: var,
        factors,
    })
}
