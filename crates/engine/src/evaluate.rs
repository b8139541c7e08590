//! Evaluation of the option space: plan every package (levels and
//! requirements), solve each distinct allocation sub-problem once, then judge
//! every package. Each phase runs in parallel; results are collected in
//! package order and sub-problems are keyed by their data, so the outcome is
//! the same for any number of threads.

use std::collections::BTreeMap;

use guarantor_model::Scenario;
use rayon::prelude::*;

use crate::error::{EngineError, MAX_PACKAGES_IN_MEMORY};
use crate::frontier::{Objective, mark_frontier};
use crate::package::{
    Plan, decode, evaluation, in_pool, judge, plan, rank, resolve_choice, solve_all,
};
use crate::prepare::Prepared;
use crate::space::PackageSpace;
use crate::tally::Tally;
use crate::verdict::*;

/// How to run an evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Worker threads; `None` lets rayon choose (one per core).
    pub threads: Option<usize>,
    /// Objectives of the frontier.
    pub objectives: Vec<Objective>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            threads: None,
            objectives: Objective::ALL.to_vec(),
        }
    }
}

/// Evaluate every package of the option space.
pub fn evaluate(s: &Scenario, opts: &EvalOptions) -> Result<Evaluation, EngineError> {
    in_pool(opts.threads, || evaluate_inner(s, &opts.objectives))?
}

fn evaluate_inner(s: &Scenario, objectives: &[Objective]) -> Result<Evaluation, EngineError> {
    let p = Prepared::new(s);
    let size = s.option_space_size();
    if size > MAX_PACKAGES_IN_MEMORY {
        return Err(EngineError::TooLarge {
            size,
            limit: MAX_PACKAGES_IN_MEMORY,
        });
    }
    let space = PackageSpace::new(s);
    let mut live = Vec::new();
    let excluded = space.walk(0, size as u64, |i, _| live.push(i));
    let plans: Vec<Plan> = live
        .into_par_iter()
        .map(|i| plan(&p, decode(i, &space.radices)))
        .collect();
    let memo = solve_all(&p, plans.iter())?;
    let mut verdicts: Vec<PackageVerdict> = plans
        .par_iter()
        .map(|pl| judge(&p, pl, &memo))
        .collect::<Result<_, _>>()?;
    mark_frontier(&mut verdicts, objectives);
    let mut tally = Tally::new(&p).with_exclusion_rules(&space.rule_texts());
    tally.excluded = excluded;
    for v in &verdicts {
        tally.add_verdict(&p, v);
    }
    let frontier = verdicts.iter().filter(|v| v.frontier).count() as u64;
    let (counts, failures) = tally.finish(&p, frontier);
    rank(&mut verdicts);
    Ok(evaluation(&p, counts, failures, objectives, verdicts))
}

/// Evaluate one package given as component → option ids; components not named
/// take their first option.
pub fn evaluate_package(
    s: &Scenario,
    chosen: &BTreeMap<String, String>,
) -> Result<PackageVerdict, EngineError> {
    let choice = resolve_choice(s, chosen)?;
    let space = PackageSpace::new(s);
    if let Some((r, _)) = space.excluded_by(&choice) {
        return Err(EngineError::Excluded {
            package: crate::package::label(s, &choice),
            rule: space.rule_texts().swap_remove(r),
        });
    }
    let p = Prepared::new(s);
    let pl = plan(&p, choice);
    let memo = solve_all(&p, std::iter::once(&pl))?;
    judge(&p, &pl, &memo)
}
