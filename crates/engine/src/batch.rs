//! Several packages of one scenario at once: one preparation, one set of
//! allocation solves shared by every package, then one verdict per package.
//!
//! This is the inner loop of the uncertainty analysis, which re-evaluates the
//! same few packages on thousands of perturbed copies of a scenario. A
//! [`SolveCache`] shared across those copies keys each allocation sub-problem
//! by its complete data (requirement lines, and availability and cost of the
//! eligible contributors), so a sub-problem that recurs in another draw is not
//! solved again. The solver is deterministic, so a cached solution is exactly
//! the one a fresh solve would give, whichever thread stored it first.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use guarantor_model::Scenario;

use crate::allocate::{AllocationError, CapabilityData, SubProblem, SubSolution, solve_in_blocks};
use crate::error::EngineError;
use crate::package::{Choice, Memo, judge, plan};
use crate::prepare::Prepared;
use crate::verdict::PackageVerdict;

/// A sub-problem with every number its solution depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FullKey {
    problem: SubProblem,
    integer: bool,
    /// `f64::to_bits` of the capability's granularity (0: none).
    granularity_bits: u64,
    /// `f64::to_bits` of (available, cost) of each eligible contributor, ascending.
    data: Vec<(u32, u64, u64)>,
    time_limit_bits: u64,
}

/// Allocation solutions shared across scenarios that differ only in numbers.
/// Use one cache per base scenario (contributors are identified by index).
#[derive(Debug, Default)]
pub struct SolveCache {
    map: Mutex<HashMap<FullKey, Result<SubSolution, AllocationError>>>,
}

/// Most sub-problems a cache holds; beyond it new solutions are not stored.
const CACHE_LIMIT: usize = 200_000;

impl SolveCache {
    pub fn new() -> Self {
        Self::default()
    }
    /// Sub-problems stored.
    pub fn len(&self) -> usize {
        self.map.lock().map_or(0, |m| m.len())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Evaluate the packages `choices` (option indices per component, in the
/// scenario's component order) and return their verdicts in the same order.
/// Frontier membership is not marked (it needs the whole option space).
pub fn evaluate_choices(
    s: &Scenario,
    choices: &[Choice],
) -> Result<Vec<PackageVerdict>, EngineError> {
    evaluate_choices_cached(s, choices, &SolveCache::new())
}

/// [`evaluate_choices`] reusing (and filling) `cache`.
pub fn evaluate_choices_cached(
    s: &Scenario,
    choices: &[Choice],
    cache: &SolveCache,
) -> Result<Vec<PackageVerdict>, EngineError> {
    let p = Prepared::new(s);
    let plans: Vec<_> = choices.iter().map(|c| plan(&p, c.clone())).collect();
    let mut keys: BTreeSet<&SubProblem> = BTreeSet::new();
    for pl in &plans {
        for cp in &pl.caps {
            keys.insert(&cp.caveat_key);
            if let Some(h) = &cp.honour_key {
                keys.insert(h);
            }
        }
    }
    let mut memo: Memo = BTreeMap::new();
    for key in keys {
        memo.insert(key.clone(), solve_cached(&p, key, cache));
    }
    plans.iter().map(|pl| judge(&p, pl, &memo)).collect()
}

/// Solve sub-problem `key` of a prepared scenario, or take its solution from
/// `cache` when the same sub-problem with the same numbers was solved before.
pub(crate) fn solve_cached(
    p: &Prepared<'_>,
    key: &SubProblem,
    cache: &SolveCache,
) -> Result<SubSolution, AllocationError> {
    let limit = p.scenario.parameters.solver_time_limit_s;
    let k = key.capability_index();
    let available = p.availability(k, key.loose());
    let eligible: BTreeSet<u32> = key
        .lines
        .iter()
        .flat_map(|l| l.eligible.iter().copied())
        .collect();
    let full = FullKey {
        problem: key.clone(),
        integer: p.capabilities[k].integer,
        granularity_bits: p.capabilities[k].granularity.unwrap_or(0.0).to_bits(),
        data: eligible
            .iter()
            .map(|&c| {
                (
                    c,
                    available[c as usize].to_bits(),
                    p.cost[k][c as usize].to_bits(),
                )
            })
            .collect(),
        time_limit_bits: limit.to_bits(),
    };
    if let Some(sol) = cache.map.lock().ok().and_then(|m| m.get(&full).cloned()) {
        return sol;
    }
    let data = CapabilityData {
        name: &p.capabilities[k].id,
        integer: p.capabilities[k].integer,
        available,
        cost: &p.cost[k],
    };
    let sol = solve_in_blocks(key, &data, p.capabilities[k].granularity, limit);
    if let Ok(mut m) = cache.map.lock()
        && m.len() < CACHE_LIMIT
    {
        m.insert(full, sol.clone());
    }
    sol
}
