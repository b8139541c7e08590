//! Morris elementary effects: a cheap screen of which factors matter, in
//! r(k + 1) runs for k factors (Morris 1991, "Factorial sampling plans for
//! preliminary computational experiments", Technometrics 33; μ* of Campolongo,
//! Cariboni & Saltelli 2007; Saltelli et al. 2008, *Global Sensitivity
//! Analysis*, §3).
//!
//! Each factor's quantile takes one of p = 4 levels, the centres
//! (j + ½)/p of p equal bins (so no quantile is 0 or 1), j = 0..p − 1. A
//! trajectory starts at a random grid point whose levels leave room for a jump
//! of Δ = p/(2(p − 1)) (two levels, in units where the levels span [0, 1]),
//! then moves one factor at a time, in a random order and a random direction,
//! by Δ: k + 1 runs, one elementary effect per factor,
//! EE_i = (f(x with factor i one jump up) − f(x)) / Δ.
//! Over r trajectories: μ (mean EE), μ* (mean |EE|, the ranking measure) and
//! σ (standard deviation of the EEs: non-linearity or interactions).

use rand_core::RngCore;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::sample::{Purpose, index_below, stream};

/// Levels per factor.
pub const LEVELS: usize = 4;

/// One factor's elementary-effect statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisFactor {
    pub factor: String,
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (denominator r − 1).
    pub sigma: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Morris {
    pub trajectories: usize,
    pub levels: usize,
    /// Jump Δ in level units.
    pub delta: f64,
    /// Model runs: r(k + 1).
    pub runs: usize,
    /// In the order of the factors.
    pub factors: Vec<MorrisFactor>,
}

/// The quantile of level `j` of `p`: the centre of the j-th of p equal bins.
///
/// Unit: a uniform quantile. Example: p = 4 → 0.125, 0.375, 0.625, 0.875.
pub fn level_quantile(j: usize, p: usize) -> f64 {
    (j as f64 + 0.5) / p as f64
}

/// For each step of a trajectory: the factor moved and whether it moved up.
type Steps = Vec<(usize, bool)>;

/// One trajectory: the k + 1 level vectors, and its steps.
fn trajectory(seed: u64, t: usize, k: usize) -> (Vec<Vec<usize>>, Steps) {
    let jump = LEVELS / 2;
    let mut rng = stream(seed, Purpose::Morris, t as u64);
    // Start levels 0..p − jump, then a random direction per factor: a factor
    // going down starts one jump higher.
    let up: Vec<bool> = (0..k).map(|_| rng.next_u32() & 1 == 1).collect();
    let mut x: Vec<usize> = (0..k)
        .map(|i| index_below(&mut rng, LEVELS - jump) + if up[i] { 0 } else { jump })
        .collect();
    // A random order of the factors (Fisher–Yates).
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        order.swap(i, index_below(&mut rng, i + 1));
    }
    let mut points = vec![x.clone()];
    let mut steps = Vec::with_capacity(k);
    for &i in &order {
        if up[i] {
            x[i] += jump;
        } else {
            x[i] -= jump;
        }
        points.push(x.clone());
        steps.push((i, up[i]));
    }
    (points, steps)
}

/// Elementary effects of `f` (given factor quantiles) over `r` trajectories.
pub fn morris(
    r: usize,
    k: usize,
    names: &[String],
    seed: u64,
    f: impl Fn(&[f64]) -> Result<f64, Error> + Sync,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Morris, Error> {
    if r < 2 {
        return Err(Error::setting(
            crate::error::Setting::Morris,
            format!("needs at least 2 trajectories (σ needs two effects per factor), got {r}"),
        ));
    }
    let delta = LEVELS as f64 / (2.0 * (LEVELS as f64 - 1.0));
    let ys: Vec<(Vec<f64>, Steps)> = (0..r)
        .into_par_iter()
        .map(|t| {
            let (points, steps) = trajectory(seed, t, k);
            let y = points
                .iter()
                .map(|p| {
                    let u: Vec<f64> = p.iter().map(|&j| level_quantile(j, LEVELS)).collect();
                    let v = f(&u);
                    progress(1);
                    v
                })
                .collect::<Result<Vec<f64>, Error>>()?;
            Ok((y, steps))
        })
        .collect::<Result<_, Error>>()?;
    let mut effects: Vec<Vec<f64>> = vec![Vec::with_capacity(r); k];
    for (y, steps) in &ys {
        for (s, &(i, up)) in steps.iter().enumerate() {
            let d = y[s + 1] - y[s];
            effects[i].push(if up { d } else { -d } / delta);
        }
    }
    let factors = effects
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let n = e.len() as f64;
            let mu = e.iter().sum::<f64>() / n;
            MorrisFactor {
                factor: names[i].clone(),
                mu,
                mu_star: e.iter().map(|x| x.abs()).sum::<f64>() / n,
                sigma: (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt(),
            }
        })
        .collect();
    Ok(Morris {
        trajectories: r,
        levels: LEVELS,
        delta,
        runs: r * (k + 1),
        factors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A factor's level back from its quantile, in units where the levels span [0, 1].
    fn level(u: f64) -> f64 {
        (u * LEVELS as f64 - 0.5) / (LEVELS as f64 - 1.0)
    }

    fn names(k: usize) -> Vec<String> {
        (1..=k).map(|i| format!("x{i}")).collect()
    }

    #[test]
    fn a_linear_function_has_its_coefficients_as_effects() {
        // f = 3·x₁ − x₂ (+ 0·x₃): every EE of x₁ is 3, of x₂ −1, of x₃ 0.
        let m = morris(
            10,
            3,
            &names(3),
            5,
            |u| Ok(3.0 * level(u[0]) - level(u[1])),
            &|_| {},
        )
        .unwrap();
        let want = [(3.0, 3.0), (-1.0, 1.0), (0.0, 0.0)];
        for (f, (mu, mu_star)) in m.factors.iter().zip(want) {
            assert!((f.mu - mu).abs() < 1e-12, "{}: μ {}", f.factor, f.mu);
            assert!((f.mu_star - mu_star).abs() < 1e-12);
            assert!(f.sigma.abs() < 1e-12);
        }
        assert_eq!(m.runs, 40);
        assert!((m.delta - 2.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn an_interaction_shows_in_sigma_and_threads_do_not_matter() {
        // f = x₁·x₂: the effect of x₁ is x₂, which varies between trajectories.
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| {
                    morris(
                        30,
                        2,
                        &names(2),
                        9,
                        |u| Ok(level(u[0]) * level(u[1])),
                        &|_| {},
                    )
                    .unwrap()
                })
        };
        let m = run(1);
        assert_eq!(m, run(2));
        assert!(m.factors[0].sigma > 0.1 && m.factors[1].sigma > 0.1);
        assert!(morris(1, 2, &names(2), 1, |_| Ok(0.0), &|_| {}).is_err());
    }
}
