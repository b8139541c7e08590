//! One-at-a-time sensitivity (tornado): the chance a package passes when one
//! factor is pinned at its low (5th percentile) or high (95th percentile)
//! value — a red line at relaxed and at holding — and every other factor
//! still varies.
//!
//! The low and high runs reuse the same base draws (common random numbers), so
//! the difference between them reflects the pinned factor, not sampling noise
//! in the others.

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::sample::Plan;

/// Quantiles at which a numeric factor is pinned.
pub const LOW_QUANTILE: f64 = 0.05;
pub const HIGH_QUANTILE: f64 = 0.95;
/// Quantiles at which a yes/no factor (a red line) is pinned: relaxed, holds.
pub const NO_QUANTILE: f64 = 0.0;
pub const YES_QUANTILE: f64 = 1.0 - 1e-12;

/// One bar of the tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub factor: String,
    /// The pinned values, per parameter of the factor: (name, low, high).
    pub values: Vec<(String, f64, f64)>,
    /// P(outcome) with the factor at its 5th percentile.
    pub low: f64,
    /// P(outcome) with the factor at its 95th percentile.
    pub high: f64,
    /// |high − low|.
    pub swing: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tornado {
    /// Base draws per bar end.
    pub draws: usize,
    /// P(outcome) over the same base draws, nothing pinned.
    pub base: f64,
    /// Bars, widest first.
    pub bars: Vec<Bar>,
}

/// Tornado of a yes/no outcome `f` (given factor quantiles) over the first
/// `draws` draws of `plan`. `ends[f]` are the (low, high) quantiles of factor
/// f; `describe(f)` gives its parameters' (name, low, high) values.
pub fn tornado(
    plan: &Plan,
    draws: usize,
    names: &[String],
    ends: &[(f64, f64)],
    describe: impl Fn(usize) -> Vec<(String, f64, f64)>,
    f: impl Fn(&[f64]) -> Result<bool, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Tornado, Error> {
    let k = plan.factors;
    let m = draws.min(plan.n);
    let rows: Vec<Vec<f64>> = (0..m).map(|i| plan.draw(i)).collect();
    // Job j: factor j / 2, low if j is even; job 2k: nothing pinned.
    let jobs: Vec<(usize, usize)> = (0..=2 * k)
        .flat_map(|j| (0..m).map(move |i| (j, i)))
        .collect();
    let hits: Vec<bool> = jobs
        .par_iter()
        .map(|&(j, i)| {
            let mut u = rows[i].clone();
            if j < 2 * k {
                let (lo, hi) = ends[j / 2];
                u[j / 2] = if j % 2 == 0 { lo } else { hi };
            }
            let r = f(&u);
            progress(1);
            r
        })
        .collect::<Result<_, Error>>()?;
    let share =
        |j: usize| hits[j * m..(j + 1) * m].iter().filter(|&&h| h).count() as f64 / m as f64;
    let mut bars: Vec<Bar> = (0..k)
        .map(|fi| {
            let (low, high) = (share(2 * fi), share(2 * fi + 1));
            Bar {
                factor: names[fi].clone(),
                values: describe(fi),
                low,
                high,
                swing: (high - low).abs(),
            }
        })
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing).then(a.factor.cmp(&b.factor)));
    Ok(Tornado {
        draws: m,
        base: share(2 * k),
        bars,
    })
}
