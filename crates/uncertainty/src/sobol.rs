//! Variance-based sensitivity: first-order and total-order Sobol' indices.
//!
//! Sampling (Saltelli 2002; Saltelli et al. 2010): two N × k matrices of
//! uniform quantiles A and B, and for each factor i the matrix A_B⁽ⁱ⁾ (A with
//! column i taken from B): N·(k + 2) model runs. Row j of A and B is point j
//! of a scrambled Sobol' sequence in 2k dimensions (A the first k, B the next
//! k; [`crate::qmc`]), as Saltelli et al. (2010) recommend, or with
//! [`Rows::MonteCarlo`] (or more than 64 factors) independent uniforms from
//! the row's own stream. Estimators
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
use crate::qmc::{MAX_DIMS, Scramble, SobolSequence, scrambled_point};
use crate::robust::quantile_sorted;
use crate::sample::{Purpose, index_below, stream, uniform};

/// How the rows of A and B are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rows {
    /// Points of a scrambled Sobol' sequence (Joe–Kuo directions, Matoušek
    /// linear scramble and digital shift).
    ScrambledSobol,
    /// Independent uniforms per row.
    MonteCarlo,
}

/// The indices estimated from the first `rows` base rows only, with the widths
/// of their 95% bootstrap intervals: if they still move between N/4, N/2 and N,
/// more rows are needed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convergence {
    pub rows: usize,
    /// Parallel to the factors.
    pub first_order: Vec<f64>,
    pub first_order_width: Vec<f64>,
    pub total_order: Vec<f64>,
    pub total_order_width: Vec<f64>,
}

/// Smallest number of base rows accepted: below it the estimators are too
/// noisy to tell a factor from zero.
pub const MIN_BASE_ROWS: usize = 64;

/// One factor's indices, clipped to 0 ≤ S_i ≤ S_Ti ≤ 1, with 95% bootstrap
/// intervals (of the clipped replicates), and the raw estimates before clipping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorIndices {
    pub factor: String,
    pub first_order: f64,
    pub first_order_ci: (f64, f64),
    pub total_order: f64,
    pub total_order_ci: (f64, f64),
    /// The Jansen estimates before clipping (may be < 0, or S_i > S_Ti).
    pub first_order_raw: f64,
    pub total_order_raw: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Base rows N.
    pub base_rows: usize,
    /// Model runs: N·(k + 2).
    pub runs: usize,
    /// How the rows of A and B were drawn.
    pub rows: Rows,
    /// Bootstrap replicates behind the intervals.
    pub bootstrap: usize,
    /// The indices from the first N/4, N/2 and N rows.
    pub convergence: Vec<Convergence>,
    /// Mean and variance of the outcome over A and B.
    pub mean: f64,
    pub variance: f64,
    pub factors: Vec<FactorIndices>,
}

/// Row counts of the convergence check: N/4, N/2 and N (those of at least 16
/// rows). With Sobol' rows and N a power of two, each prefix is itself a
/// scrambled net. Example: 256 → [64, 128, 256]; 40 → [20, 40].
pub fn convergence_sizes(n: usize) -> Vec<usize> {
    [n / 4, n / 2, n]
        .into_iter()
        .filter(|&m| m >= 16 || m == n)
        .collect()
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

/// Jansen estimators on the outputs, clipped; `rows` selects (with repetition)
/// the base rows used, for the bootstrap. Returns (V, [(S_i, S_Ti)]).
fn estimate(fa: &[f64], fb: &[f64], fab: &[Vec<f64>], rows: &[usize]) -> (f64, Vec<(f64, f64)>) {
    let (var, raw) = estimate_raw(fa, fb, fab, rows);
    (var, raw.into_iter().map(|(a, b)| clip(a, b)).collect())
}

/// Jansen estimators before clipping (Jansen 1999; Saltelli et al. 2010,
/// Table 2, rows (b) and (f)): S_i = 1 − Σ(f(B) − f(A_B⁽ⁱ⁾))²/(2N·V),
/// S_Ti = Σ(f(A) − f(A_B⁽ⁱ⁾))²/(2N·V), V the variance over the 2N rows of A
/// and B (denominator 2N − 1).
///
/// Unitless shares of variance. Example (hand-checked in the tests): f = x₁
/// on rows A = (0, 1), B = (1, 0), A_B⁽¹⁾ = (1, 0): V = 1/3, S₁ = 1,
/// S_T1 = (1 + 1)/(4 · 1/3) = 1.5 raw (clipped to 1).
fn estimate_raw(
    fa: &[f64],
    fb: &[f64],
    fab: &[Vec<f64>],
    rows: &[usize],
) -> (f64, Vec<(f64, f64)>) {
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
            ((var - first) / var, total / var)
        })
        .collect();
    (var, idx)
}

/// First- and total-order indices of `f` over `k` independent factors, each a
/// uniform quantile on [0, 1) (map them to values inside `f`).
#[allow(clippy::too_many_arguments)]
pub fn sobol(
    n: usize,
    k: usize,
    names: &[String],
    seed: u64,
    bootstrap: usize,
    rows: Rows,
    f: impl Fn(&[f64]) -> Result<f64, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<SobolIndices, Error> {
    sobol_multi(
        n,
        k,
        names,
        seed,
        bootstrap,
        rows,
        |u| f(u).map(|y| vec![y]),
        progress,
    )?
    .remove(0)
}

/// Indices of several outcomes of the same runs: `f` returns one value per
/// outcome (always as many). Each outcome gets its indices, or its own error
/// (an outcome that never varies); errors of the runs themselves end it all.
#[allow(clippy::too_many_arguments)]
pub fn sobol_multi(
    n: usize,
    k: usize,
    names: &[String],
    seed: u64,
    bootstrap: usize,
    rows: Rows,
    f: impl Fn(&[f64]) -> Result<Vec<f64>, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Result<SobolIndices, Error>>, Error> {
    sobol_multi_design(n, k, names, seed, bootstrap, rows, f, progress, false).map(|r| r.0)
}

/// The Saltelli design and its outputs: run r is matrix `matrix[r]` (0 = A,
/// 1 = B, 2 + i = A with column i from B), row `row[r]`, at quantiles
/// `quantiles[r]`, with outputs `outputs[r]` (one per outcome of `f`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Design {
    pub matrix: Vec<u32>,
    pub row: Vec<u32>,
    pub quantiles: Vec<Vec<f64>>,
    pub outputs: Vec<Vec<f64>>,
}

/// Indices per outcome, and the design when asked for.
pub type IndicesAndDesign = (Vec<Result<SobolIndices, Error>>, Option<Design>);

/// [`sobol_multi`], also returning the design and its outputs when `keep`.
#[allow(
    clippy::too_many_arguments,
    reason = "sobol_multi's arguments and one flag"
)]
pub fn sobol_multi_design(
    n: usize,
    k: usize,
    names: &[String],
    seed: u64,
    bootstrap: usize,
    rows: Rows,
    f: impl Fn(&[f64]) -> Result<Vec<f64>, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
    keep: bool,
) -> Result<IndicesAndDesign, Error> {
    check_base_rows(n)?;
    if k == 0 {
        return Err(Error::NoUncertainty {
            scenario: String::new(),
        });
    }
    // Row j of A and B: point j of the scrambled Sobol' sequence in 2k
    // dimensions, or 2k uniforms from the row's own stream.
    let rows = if 2 * k > MAX_DIMS {
        Rows::MonteCarlo
    } else {
        rows
    };
    let ab: Vec<(Vec<f64>, Vec<f64>)> = match rows {
        Rows::ScrambledSobol => {
            let seq = SobolSequence::new(2 * k)?;
            let scr = Scramble::new(seed, 2 * k);
            (0..n)
                .map(|j| {
                    let mut p = scrambled_point(&seq, &scr, j);
                    let b = p.split_off(k);
                    (p, b)
                })
                .collect()
        }
        Rows::MonteCarlo => (0..n)
            .map(|j| {
                let mut rng = stream(seed, Purpose::Saltelli, j as u64);
                let a: Vec<f64> = (0..k).map(|_| uniform(&mut rng)).collect();
                let b: Vec<f64> = (0..k).map(|_| uniform(&mut rng)).collect();
                (a, b)
            })
            .collect(),
    };
    // Job (m, j): m = 0 → A, 1 → B, 2 + i → A_B⁽ⁱ⁾.
    let jobs: Vec<(usize, usize)> = (0..k + 2)
        .flat_map(|m| (0..n).map(move |j| (m, j)))
        .collect();
    let y: Vec<Vec<f64>> = jobs
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
    let outcomes = y.first().map_or(0, Vec::len);
    let indices = (0..outcomes)
        .map(|o| {
            let yo: Vec<f64> = y.iter().map(|v| v[o]).collect();
            indices_of(&yo, n, k, names, seed, bootstrap, rows)
        })
        .collect();
    let design = keep.then(|| Design {
        matrix: jobs.iter().map(|&(m, _)| m as u32).collect(),
        row: jobs.iter().map(|&(_, j)| j as u32).collect(),
        quantiles: jobs
            .iter()
            .map(|&(m, j)| {
                let (a, b) = &ab[j];
                match m {
                    0 => a.clone(),
                    1 => b.clone(),
                    _ => {
                        let mut u = a.clone();
                        u[m - 2] = b[m - 2];
                        u
                    }
                }
            })
            .collect(),
        outputs: y,
    });
    Ok((indices, design))
}

/// The indices from one outcome's N(k + 2) outputs (A, B, then each A_B⁽ⁱ⁾).
fn indices_of(
    y: &[f64],
    n: usize,
    k: usize,
    names: &[String],
    seed: u64,
    bootstrap: usize,
    rows: Rows,
) -> Result<SobolIndices, Error> {
    let fa = &y[..n];
    let fb = &y[n..2 * n];
    let fab: Vec<Vec<f64>> = (0..k)
        .map(|i| y[(2 + i) * n..(3 + i) * n].to_vec())
        .collect();
    let all: Vec<usize> = (0..n).collect();
    let (var, raw) = estimate_raw(fa, fb, &fab, &all);
    let mean = (fa.iter().sum::<f64>() + fb.iter().sum::<f64>()) / (2 * n) as f64;
    if var.is_nan() || var <= 1e-12 * mean.abs().max(1.0) {
        return Err(Error::NoVariance { mean });
    }
    // Percentile bootstrap intervals from the first m rows.
    let intervals = |m: usize| -> Vec<((f64, f64), (f64, f64))> {
        let reps: Vec<Vec<(f64, f64)>> = (0..bootstrap)
            .into_par_iter()
            .map(|b| {
                let mut rng = stream(seed, Purpose::Bootstrap, b as u64);
                let rows: Vec<usize> = (0..m).map(|_| index_below(&mut rng, m)).collect();
                let (v, idx) = estimate(fa, fb, &fab, &rows);
                if v > 0.0 { idx } else { vec![(0.0, 0.0); k] }
            })
            .collect();
        (0..k)
            .map(|i| {
                let ci = |total: bool| -> (f64, f64) {
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
                (ci(false), ci(true))
            })
            .collect()
    };
    let cis = intervals(n);
    let factors = raw
        .iter()
        .enumerate()
        .map(|(i, &(r1, rt))| {
            let (s1, st) = clip(r1, rt);
            FactorIndices {
                factor: names[i].clone(),
                first_order: s1,
                first_order_ci: cis[i].0,
                total_order: st,
                total_order_ci: cis[i].1,
                first_order_raw: r1,
                total_order_raw: rt,
            }
        })
        .collect();
    let convergence = convergence_sizes(n)
        .into_iter()
        .map(|m| {
            let rows: Vec<usize> = (0..m).collect();
            let (_, point) = estimate(fa, fb, &fab, &rows);
            let ci = if m == n { cis.clone() } else { intervals(m) };
            Convergence {
                rows: m,
                first_order: point.iter().map(|p| p.0).collect(),
                first_order_width: ci.iter().map(|c| c.0.1 - c.0.0).collect(),
                total_order: point.iter().map(|p| p.1).collect(),
                total_order_width: ci.iter().map(|c| c.1.1 - c.1.0).collect(),
            }
        })
        .collect();
    Ok(SobolIndices {
        base_rows: n,
        runs: n * (k + 2),
        rows,
        bootstrap,
        convergence,
        mean,
        variance: var,
        factors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jansen_estimates_match_a_hand_computation() {
        // f = x₁ on A = (0, 1), B = (1, 0), so A_B⁽¹⁾ = B's column: (1, 0).
        let fa = [0.0, 1.0];
        let fb = [1.0, 0.0];
        let fab = vec![vec![1.0, 0.0]];
        let (v, raw) = estimate_raw(&fa, &fb, &fab, &[0, 1]);
        // Mean 0.5, V = 4 · 0.25 / 3 = 1/3.
        assert!((v - 1.0 / 3.0).abs() < 1e-12);
        // S₁ = 1 − 0/(2·2·V) = 1; S_T1 = (1 + 1)/(2·2) / V = 1.5.
        assert!((raw[0].0 - 1.0).abs() < 1e-12);
        assert!((raw[0].1 - 1.5).abs() < 1e-12);
        let (_, clipped) = estimate(&fa, &fb, &fab, &[0, 1]);
        assert_eq!(clipped[0], (1.0, 1.0));
        assert_eq!(convergence_sizes(256), vec![64, 128, 256]);
        assert_eq!(convergence_sizes(40), vec![20, 40]);
    }
}
