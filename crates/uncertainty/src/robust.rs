//! Robustness of packages across draws: P(feasible), P(accepted) per required
//! actor, P(feasible and acceptable), cost quantiles, expected deterrence, and
//! the robust ranking.

use std::collections::BTreeMap;

use guarantor_engine::Choice;
use guarantor_engine::{PackageVerdict, SolveCache, evaluate_choices_cached};
use guarantor_model::Scenario;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::Error;
use crate::sample::Plan;
use crate::space::Space;

/// A probability estimated from draws, with its standard error
/// √(p(1 − p)/n): the Monte Carlo formula, an upper bound (up to n/(n − 1))
/// for Latin hypercube draws (Owen 1997).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub p: f64,
    pub se: f64,
}

impl Estimate {
    /// Proportion of `hits` in `n` draws.
    pub fn proportion(hits: usize, n: usize) -> Estimate {
        let p = hits as f64 / n as f64;
        Estimate {
            p,
            se: (p * (1.0 - p) / n as f64).sqrt(),
        }
    }
}

/// Quantile `q` of sorted data by linear interpolation between order
/// statistics (Hyndman & Fan 1996, type 7, the default of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Cost per year across draws, in the scenario's currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostQuantiles {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One package's robustness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageRobustness {
    /// 1-based robust rank.
    pub rank: usize,
    /// 1-based rank in the deterministic run.
    pub deterministic_rank: usize,
    pub label: String,
    pub options: BTreeMap<String, String>,
    pub feasible: Estimate,
    /// Required actor → chance it accepts.
    pub accepted: BTreeMap<String, Estimate>,
    /// Feasible and acceptable to every required actor.
    pub passes: Estimate,
    pub cost_per_year: CostQuantiles,
    pub expected_deterrence: f64,
    /// Passed in the deterministic run.
    pub passes_as_written: bool,
}

/// What one draw says about one package.
#[derive(Debug, Clone)]
struct Outcome {
    feasible: bool,
    passes: bool,
    /// Parallel to the required actors.
    accepted: Vec<bool>,
    cost: f64,
    deterrence: f64,
}

fn outcome(v: &PackageVerdict, required: &[String]) -> Outcome {
    Outcome {
        feasible: v.feasible,
        passes: v.passes,
        accepted: required.iter().map(|a| v.acceptance[a].accepts).collect(),
        cost: v.cost_per_year,
        deterrence: v.deterrence,
    }
}

/// The packages under study and what the draws said about each.
#[derive(Debug, Clone)]
pub struct RobustRun {
    pub ranking: Vec<PackageRobustness>,
    /// `passes[k][i]`: package `ranking[k]` passed in draw i.
    pub passes: Vec<Vec<bool>>,
    /// `values[i]`: the parameter values of draw i.
    pub values: Vec<Vec<f64>>,
    /// Choices parallel to `ranking`.
    pub choices: Vec<Choice>,
}

/// Draws per chunk: results are folded chunk by chunk, in draw order.
const CHUNK: usize = 256;

/// Evaluate `choices` (with their deterministic verdicts) on every draw of `plan`.
pub fn run(
    base: &Scenario,
    space: &Space,
    plan: &Plan,
    choices: &[(Choice, PackageVerdict, usize)],
    cache: &SolveCache,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RobustRun, Error> {
    let mut required: Vec<String> = base.parameters.required_acceptance.clone();
    required.sort();
    required.dedup();
    let k = choices.len();
    let just_choices: Vec<Choice> = choices.iter().map(|c| c.0.clone()).collect();
    let mut feasible = vec![0usize; k];
    let mut passes_n = vec![0usize; k];
    let mut accepted = vec![vec![0usize; required.len()]; k];
    let mut costs: Vec<Vec<f64>> = vec![Vec::with_capacity(plan.n); k];
    let mut deterrence = vec![0.0f64; k];
    let mut passes: Vec<Vec<bool>> = vec![Vec::with_capacity(plan.n); k];
    let mut values: Vec<Vec<f64>> = Vec::with_capacity(plan.n);
    let mut start = 0;
    while start < plan.n {
        let end = (start + CHUNK).min(plan.n);
        let chunk: Vec<(Vec<f64>, Vec<Outcome>)> = (start..end)
            .into_par_iter()
            .map(|i| {
                let vals = space.values(&plan.draw(i));
                let s = space.scenario(base, &vals);
                let verdicts = evaluate_choices_cached(&s, &just_choices, cache).map_err(|e| {
                    Error::Engine {
                        what: format!("draw {i}"),
                        message: e.to_string(),
                    }
                })?;
                progress(1);
                Ok((
                    vals,
                    verdicts.iter().map(|v| outcome(v, &required)).collect(),
                ))
            })
            .collect::<Result<_, Error>>()?;
        for (vals, outs) in chunk {
            for (j, o) in outs.into_iter().enumerate() {
                feasible[j] += usize::from(o.feasible);
                passes_n[j] += usize::from(o.passes);
                for (a, &acc) in o.accepted.iter().enumerate() {
                    accepted[j][a] += usize::from(acc);
                }
                costs[j].push(o.cost);
                deterrence[j] += o.deterrence;
                passes[j].push(o.passes);
            }
            values.push(vals);
        }
        start = end;
    }
    let n = plan.n;
    let mut ranking: Vec<(PackageRobustness, Vec<bool>, Choice)> = choices
        .iter()
        .enumerate()
        .map(|(j, (choice, v, det_rank))| {
            let mut c = costs[j].clone();
            c.sort_by(f64::total_cmp);
            (
                PackageRobustness {
                    rank: 0,
                    deterministic_rank: *det_rank,
                    label: v.label.clone(),
                    options: v.options.clone(),
                    feasible: Estimate::proportion(feasible[j], n),
                    accepted: required
                        .iter()
                        .zip(&accepted[j])
                        .map(|(a, &h)| (a.clone(), Estimate::proportion(h, n)))
                        .collect(),
                    passes: Estimate::proportion(passes_n[j], n),
                    cost_per_year: CostQuantiles {
                        p5: quantile_sorted(&c, 0.05),
                        p50: quantile_sorted(&c, 0.5),
                        p95: quantile_sorted(&c, 0.95),
                    },
                    expected_deterrence: deterrence[j] / n as f64,
                    passes_as_written: v.passes,
                },
                std::mem::take(&mut passes[j]),
                choice.clone(),
            )
        })
        .collect();
    ranking.sort_by(|a, b| robust_order(&a.0, &b.0));
    for (i, r) in ranking.iter_mut().enumerate() {
        r.0.rank = i + 1;
    }
    let mut out = RobustRun {
        ranking: Vec::with_capacity(k),
        passes: Vec::with_capacity(k),
        values,
        choices: Vec::with_capacity(k),
    };
    for (r, p, c) in ranking {
        out.ranking.push(r);
        out.passes.push(p);
        out.choices.push(c);
    }
    Ok(out)
}

/// Robust order: P(feasible and acceptable) ↓, then expected deterrence ↓,
/// then median cost ↑, then the label.
pub fn robust_order(a: &PackageRobustness, b: &PackageRobustness) -> std::cmp::Ordering {
    b.passes
        .p
        .total_cmp(&a.passes.p)
        .then(b.expected_deterrence.total_cmp(&a.expected_deterrence))
        .then(a.cost_per_year.p50.total_cmp(&b.cost_per_year.p50))
        .then(a.label.cmp(&b.label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_7_quantiles() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&x, 0.5), 3.0);
        assert_eq!(quantile_sorted(&x, 0.0), 1.0);
        assert_eq!(quantile_sorted(&x, 1.0), 5.0);
        assert!((quantile_sorted(&x, 0.05) - 1.2).abs() < 1e-12);
    }

    #[test]
    fn proportion_standard_error() {
        let e = Estimate::proportion(25, 100);
        assert_eq!(e.p, 0.25);
        assert!((e.se - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }
}
