//! Robustness of packages across draws: P(feasible), P(accepted) per required
//! actor, P(feasible and acceptable), cost quantiles, expected deterrence, and
//! the robust ranking.

use std::collections::BTreeMap;

use guarantor_engine::Choice;
use guarantor_engine::{
    PackageVerdict, ScreenedPackage, SolveCache, evaluate_choices_cached, screen_choices_cached,
};
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

/// Standard error of a proportion from R independent replicates (replicated
/// Latin hypercube sampling; Iman 1981; Owen 1997): with p_r the proportion in
/// replicate r and p̄ their mean, SE = √(Σ_r (p_r − p̄)² / (R(R − 1))). Unlike
/// the Monte Carlo formula it is not an upper bound: it measures the LHS
/// variance itself (replicates differing in size by one draw are treated as
/// equal).
///
/// Unit: probability. Example: two replicates with p = 0.2 and 0.4 → p̄ = 0.3,
/// SE = √(0.02/2) = 0.1. Fewer than two replicates: None.
pub fn replicated_se(proportions: &[f64]) -> Option<f64> {
    let r = proportions.len();
    if r < 2 {
        return None;
    }
    let mean = proportions.iter().sum::<f64>() / r as f64;
    let ss = proportions.iter().map(|p| (p - mean).powi(2)).sum::<f64>();
    Some((ss / (r * (r - 1)) as f64).sqrt())
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
    /// Feasible, rejected by no required actor, but some required actor's
    /// verdict undetermined (within the precision of the codings): neither
    /// passing nor failing, counted apart.
    pub undetermined: Estimate,
    /// The standard error of `passes` from independent Latin hypercube
    /// replicates (`--replicates R`, R ≥ 2), see [`replicated_se`].
    pub passes_se_replicated: Option<f64>,
    pub cost_per_year: CostQuantiles,
    pub expected_deterrence: f64,
    /// Passed in the deterministic run.
    pub passes_as_written: bool,
}

/// What one draw says about one package (a row of a shard's partial file).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub feasible: bool,
    pub passes: bool,
    pub undetermined: bool,
    /// Parallel to the required actors.
    pub accepted: Vec<bool>,
    /// Parallel to the required actors; empty unless margins are kept.
    pub margins: Vec<f64>,
    pub cost: f64,
    pub deterrence: f64,
}

/// One draw: its parameter values and each studied package's outcome (in
/// the order of the ids asked for).
pub type DrawRow = (Vec<f64>, Vec<Outcome>);

fn outcome(v: &PackageVerdict, required: &[String], keep_margins: bool) -> Outcome {
    Outcome {
        feasible: v.feasible,
        passes: v.passes,
        undetermined: v.undetermined,
        accepted: required.iter().map(|a| v.acceptance[a].accepts).collect(),
        margins: if keep_margins {
            required.iter().map(|a| v.acceptance[a].margin).collect()
        } else {
            Vec::new()
        },
        cost: v.cost_per_year,
        deterrence: v.deterrence.total,
    }
}

/// What one draw says about one package, from the engine's screen; `at[r]`
/// is the index in the screen's actors of required actor r.
fn screened_outcome(v: &ScreenedPackage, at: &[usize]) -> Outcome {
    Outcome {
        feasible: v.feasible,
        passes: v.passes,
        undetermined: v.undetermined,
        accepted: at.iter().map(|&j| v.accepts[j]).collect(),
        margins: Vec::new(),
        cost: v.cost_per_year,
        deterrence: v.deterrence,
    }
}

/// What the draws said about one package, draw by draw (draw i at index i).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackageDraws {
    pub passes: Vec<bool>,
    /// Draws in which the package is undetermined (see [`PackageRobustness::undetermined`]).
    pub undetermined: Vec<bool>,
    pub feasible: Vec<bool>,
    /// Cost per year, in the scenario's currency.
    pub cost: Vec<f64>,
    pub deterrence: Vec<f64>,
    /// Draws in which each required actor accepts.
    pub accepted: Vec<usize>,
    /// Per draw, per required actor (draw-major): whether the actor accepts.
    pub accepts: Vec<bool>,
    /// Same layout, kept only for the experiments table: the actor's margin
    /// (utility − reservation).
    pub margins: Vec<f64>,
}

impl PackageDraws {
    /// Draws seen.
    pub fn len(&self) -> usize {
        self.passes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }
    fn push(&mut self, o: Outcome, keep: bool) {
        if self.accepted.len() < o.accepted.len() {
            self.accepted.resize(o.accepted.len(), 0);
        }
        for (a, &acc) in o.accepted.iter().enumerate() {
            self.accepted[a] += usize::from(acc);
        }
        self.accepts.extend_from_slice(&o.accepted);
        if keep {
            self.margins.extend_from_slice(&o.margins);
        }
        self.passes.push(o.passes);
        self.undetermined.push(o.undetermined);
        self.feasible.push(o.feasible);
        self.cost.push(o.cost);
        self.deterrence.push(o.deterrence);
    }
}

/// What a study keeps of a package's deterministic verdict (a whole verdict,
/// with its allocation, is far larger, and thousands are screened).
#[derive(Debug, Clone, PartialEq)]
pub struct AsWritten {
    pub label: String,
    pub options: BTreeMap<String, String>,
    /// Passed in the deterministic run.
    pub passes: bool,
}

impl AsWritten {
    pub fn of(v: &PackageVerdict) -> AsWritten {
        AsWritten {
            label: v.label.clone(),
            options: v.options.clone(),
            passes: v.passes,
        }
    }
}

/// A package under study: its choice, its deterministic verdict and rank, and
/// what the draws evaluated so far said about it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub choice: Choice,
    pub verdict: AsWritten,
    /// 1-based rank in the deterministic run (0: not in it).
    pub deterministic_rank: usize,
    pub draws: PackageDraws,
}

/// Draws shared by every candidate: candidate k's draw i is always draw i of
/// the plan (common random numbers), so packages are compared on the same
/// draws and a package's estimate only grows as draws are added.
pub struct Study<'a> {
    base: &'a Scenario,
    space: &'a Space,
    plan: &'a Plan,
    cache: &'a SolveCache,
    /// Required actors, sorted.
    pub required: Vec<String>,
    /// Keep per-draw actor verdicts and margins (for the experiments table).
    keep_actors: bool,
    /// `values[i]`: the parameter values of draw i, for the draws evaluated so far.
    pub values: Vec<Vec<f64>>,
    pub candidates: Vec<Candidate>,
}

/// Draws per chunk: results are folded chunk by chunk, in draw order.
const CHUNK: usize = 256;

impl<'a> Study<'a> {
    pub fn new(
        base: &'a Scenario,
        space: &'a Space,
        plan: &'a Plan,
        cache: &'a SolveCache,
        candidates: Vec<(Choice, AsWritten, usize)>,
        keep_actors: bool,
    ) -> Study<'a> {
        let mut required: Vec<String> = base.parameters.required_acceptance.clone();
        required.sort();
        required.dedup();
        Study {
            base,
            space,
            plan,
            cache,
            required,
            keep_actors,
            values: Vec::new(),
            candidates: candidates
                .into_iter()
                .map(|(choice, verdict, r)| Candidate {
                    choice,
                    verdict,
                    deterministic_rank: r,
                    draws: PackageDraws::default(),
                })
                .collect(),
        }
    }

    /// Draws evaluated so far.
    pub fn evaluated(&self) -> usize {
        self.values.len()
    }

    /// Evaluate candidates `ids` on draws `evaluated()..upto`; each must have
    /// seen exactly the draws evaluated so far. Other candidates stay where
    /// they are (they drop out of the study). `progress` gets one step per draw.
    pub fn extend(
        &mut self,
        ids: &[usize],
        upto: usize,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<(), Error> {
        let from = self.values.len();
        let upto = upto.min(self.plan.n);
        if let Some(&k) = ids
            .iter()
            .find(|&&k| self.candidates[k].draws.len() != from)
        {
            return Err(Error::Internal(format!(
                "package {} has seen {} draws, not {from}",
                self.candidates[k].verdict.label,
                self.candidates[k].draws.len()
            )));
        }
        let mut start = from;
        while start < upto {
            let end = (start + CHUNK).min(upto);
            let chunk = self.rows(ids, start..end, progress)?;
            self.push_rows(ids, chunk);
            start = end;
        }
        Ok(())
    }

    /// Whether per-draw actor verdicts and margins are kept.
    pub fn keeps_actors(&self) -> bool {
        self.keep_actors
    }

    /// Evaluate candidates `ids` on the draws `range` (any range of the
    /// plan: draw i depends only on the seed and i) without adding them to
    /// the study: the rows a shard writes. `progress` gets one step per draw.
    pub fn rows(
        &self,
        ids: &[usize],
        range: std::ops::Range<usize>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<DrawRow>, Error> {
        let choices: Vec<Choice> = ids
            .iter()
            .map(|&k| self.candidates[k].choice.clone())
            .collect();
        let keep = self.keep_actors;
        // Without the experiments table only pass, feasibility, acceptance,
        // cost and deterrence are kept: the engine's screen gives them
        // without building full verdicts (allocations, reasons).
        let screen = !keep;
        range
            .into_par_iter()
            .map(|i| {
                let vals = self.space.values(&self.plan.draw(i));
                let s = self.space.scenario(self.base, &vals);
                let engine = |e: guarantor_engine::EngineError| Error::Engine {
                    what: format!("draw {i}"),
                    message: e.to_string(),
                };
                let outs = if screen {
                    let (ids, screened) =
                        screen_choices_cached(&s, &choices, self.cache).map_err(engine)?;
                    let at: Vec<usize> = self
                        .required
                        .iter()
                        .map(|a| ids.iter().position(|x| x == a))
                        .collect::<Option<_>>()
                        .ok_or_else(|| {
                            Error::Internal(format!(
                                "draw {i}: the screen's required actors {ids:?} are not {:?}",
                                self.required
                            ))
                        })?;
                    screened.iter().map(|v| screened_outcome(v, &at)).collect()
                } else {
                    evaluate_choices_cached(&s, &choices, self.cache)
                        .map_err(engine)?
                        .iter()
                        .map(|v| outcome(v, &self.required, keep))
                        .collect()
                };
                progress(1);
                Ok((vals, outs))
            })
            .collect()
    }

    /// Add rows (the next draws, in draw order) for candidates `ids`.
    pub fn push_rows(&mut self, ids: &[usize], rows: Vec<DrawRow>) {
        let keep = self.keep_actors;
        for (vals, outs) in rows {
            for (&k, o) in ids.iter().zip(outs) {
                self.candidates[k].draws.push(o, keep);
            }
            self.values.push(vals);
        }
    }

    /// Candidate `k`'s robustness over the draws it has seen (rank 0: unranked).
    pub fn robustness(&self, k: usize) -> PackageRobustness {
        robustness(&self.candidates[k], &self.required, self.plan)
    }
}

/// One package's robustness from its draws (rank left 0).
fn robustness(c: &Candidate, required: &[String], plan: &Plan) -> PackageRobustness {
    let d = &c.draws;
    let n = d.len();
    let passes_se_replicated = if plan.replicates >= 2 && n == plan.n {
        let ps: Vec<f64> = (0..plan.replicates)
            .map(|r| {
                let (a, b) = plan.replicate_bounds(r);
                d.passes[a..b].iter().filter(|&&x| x).count() as f64 / (b - a).max(1) as f64
            })
            .collect();
        replicated_se(&ps)
    } else {
        None
    };
    let mut costs = d.cost.clone();
    costs.sort_by(f64::total_cmp);
    PackageRobustness {
        rank: 0,
        deterministic_rank: c.deterministic_rank,
        label: c.verdict.label.clone(),
        options: c.verdict.options.clone(),
        feasible: Estimate::proportion(d.feasible.iter().filter(|&&f| f).count(), n),
        accepted: required
            .iter()
            .enumerate()
            .map(|(a, name)| {
                (
                    name.clone(),
                    Estimate::proportion(d.accepted.get(a).copied().unwrap_or(0), n),
                )
            })
            .collect(),
        passes: Estimate::proportion(d.passes.iter().filter(|&&f| f).count(), n),
        undetermined: Estimate::proportion(d.undetermined.iter().filter(|&&f| f).count(), n),
        passes_se_replicated,
        cost_per_year: CostQuantiles {
            p5: quantile_sorted(&costs, 0.05),
            p50: quantile_sorted(&costs, 0.5),
            p95: quantile_sorted(&costs, 0.95),
        },
        expected_deterrence: d.deterrence.iter().sum::<f64>() / n as f64,
        passes_as_written: c.verdict.passes,
    }
}

/// The packages under study and what the draws said about each, in robust order.
#[derive(Debug, Clone)]
pub struct RobustRun {
    pub ranking: Vec<PackageRobustness>,
    /// Parallel to `ranking`: every draw's outcome.
    pub draws: Vec<PackageDraws>,
    /// `values[i]`: the parameter values of draw i.
    pub values: Vec<Vec<f64>>,
    /// Choices parallel to `ranking`.
    pub choices: Vec<Choice>,
    /// Required actors, sorted (the order of `PackageDraws::accepts`).
    pub required: Vec<String>,
}

impl RobustRun {
    /// Rank candidates `ids` of a study (each must have seen every draw).
    pub fn from_study(study: Study<'_>, ids: &[usize]) -> RobustRun {
        let required = study.required.clone();
        let mut rows: Vec<(PackageRobustness, usize)> = ids
            .iter()
            .map(|&k| (robustness(&study.candidates[k], &required, study.plan), k))
            .collect();
        rows.sort_by(|a, b| robust_order(&a.0, &b.0));
        let mut candidates: Vec<Option<Candidate>> =
            study.candidates.into_iter().map(Some).collect();
        let mut out = RobustRun {
            ranking: Vec::with_capacity(rows.len()),
            draws: Vec::with_capacity(rows.len()),
            values: study.values,
            choices: Vec::with_capacity(rows.len()),
            required,
        };
        for (i, (mut r, k)) in rows.into_iter().enumerate() {
            let c = candidates[k].take().expect("each candidate ranked once");
            r.rank = i + 1;
            out.ranking.push(r);
            out.draws.push(c.draws);
            out.choices.push(c.choice);
        }
        out
    }
}

/// Evaluate `choices` (with their deterministic verdicts and ranks) on every
/// draw of `plan`.
pub fn run(
    base: &Scenario,
    space: &Space,
    plan: &Plan,
    choices: &[(Choice, AsWritten, usize)],
    cache: &SolveCache,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<RobustRun, Error> {
    let mut study = Study::new(base, space, plan, cache, choices.to_vec(), false);
    let ids: Vec<usize> = (0..choices.len()).collect();
    study.extend(&ids, plan.n, progress)?;
    Ok(RobustRun::from_study(study, &ids))
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
    fn replicated_standard_error_matches_the_worked_example() {
        assert!((replicated_se(&[0.2, 0.4]).unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(replicated_se(&[0.3, 0.3, 0.3]), Some(0.0));
        assert_eq!(replicated_se(&[0.5]), None);
    }

    #[test]
    fn proportion_standard_error() {
        let e = Estimate::proportion(25, 100);
        assert_eq!(e.p, 0.25);
        assert!((e.se - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }
}
