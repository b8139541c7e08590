//! Allocation: who supplies how much of each requirement.
//!
//! The model is a mixed-integer programme written once against `good_lp`
//! (pure-Rust `microlp` by default, HiGHS behind the `highs` feature). It is
//! transportation-like — no fixed charges — so the LP relaxation is nearly
//! integral and solves stay fast and bounded.
//!
//! Capabilities never compete for the same constraint, so the programme
//! separates into one small sub-problem per capability; the lexicographic
//! objective (shortfall, then cost, then the largest share of any
//! contributor's available force) separates too, because the largest share
//! over all capabilities is minimised by minimising it in each. Sub-problems
//! are keyed by their exact data and memoised across packages.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, WithTimeLimit, constraint,
    variable,
};
use thiserror::Error;

#[cfg(feature = "highs")]
use good_lp::highs as solver;
#[cfg(not(feature = "highs"))]
use good_lp::microlp as solver;

/// One requirement line of a sub-problem: a pool to fill from eligible contributors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineKey {
    /// `f64::to_bits` of the pool size, so the key is exact and hashable.
    pub pool_bits: u64,
    /// Contributor indices allowed to supply this line, ascending.
    pub eligible: Vec<u32>,
}

impl LineKey {
    pub fn pool(&self) -> f64 {
        f64::from_bits(self.pool_bits)
    }
}

/// The complete data of one capability's allocation problem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubProblem {
    pub capability: u32,
    pub lines: Vec<LineKey>,
}

/// The solved allocation of one capability.
#[derive(Debug, Clone, PartialEq)]
pub struct SubSolution {
    /// Per line, units from each eligible contributor (parallel to `LineKey::eligible`).
    pub units: Vec<Vec<f64>>,
    /// Per line, units nobody could supply.
    pub shortfall: Vec<f64>,
    /// Operating cost per year of the units allocated.
    pub cost: f64,
    /// Largest share of any contributor's available force used, in [0, 1].
    pub max_share: f64,
}

impl SubSolution {
    pub fn total_shortfall(&self) -> f64 {
        self.shortfall.iter().sum()
    }
}

#[derive(Debug, Clone, Error, PartialEq)]
pub enum AllocationError {
    #[error(
        "the allocation solver hit its time limit of {seconds} s on capability \"{capability}\""
    )]
    TimeLimit { capability: String, seconds: f64 },
    #[error("the allocation solver failed on capability \"{capability}\": {message}")]
    Solver { capability: String, message: String },
}

/// What the solver needs to know about one capability's contributors.
pub struct CapabilityData<'a> {
    pub name: &'a str,
    pub integer: bool,
    /// Units available per contributor: inventory × readiness × deployable share.
    pub available: &'a [f64],
    /// Cost per unit-year per contributor.
    pub cost: &'a [f64],
}

/// Above this many breakpoints `m / available` of the burden stage, the
/// bisection runs on the share itself instead of the listed breakpoints.
const MAX_BREAKPOINTS: f64 = 100_000.0;

/// Relative tolerance used to hold an earlier stage's optimum in later stages.
const STAGE_TOL: f64 = 1e-7;

/// Solve one capability's allocation: minimise the shortfall (as a share of
/// each line's pool), then the cost, then the largest share of any
/// contributor's available force used.
pub fn solve(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
) -> Result<SubSolution, AllocationError> {
    let has_supply = p
        .lines
        .iter()
        .any(|l| l.eligible.iter().any(|&c| data.available[c as usize] > 0.0));
    if !has_supply {
        return Ok(SubSolution {
            units: p
                .lines
                .iter()
                .map(|l| vec![0.0; l.eligible.len()])
                .collect(),
            shortfall: p.lines.iter().map(LineKey::pool).collect(),
            cost: 0.0,
            max_share: 0.0,
        });
    }
    let integral = if data.integer {
        solve_integer_by_flows(p, data, time_limit_s)?
    } else {
        None
    };
    let units = match integral {
        Some(units) => units,
        None => solve_by_stages(p, data, time_limit_s)?,
    };
    let shortfall: Vec<f64> = p
        .lines
        .iter()
        .zip(&units)
        .map(|(l, u)| {
            let short = l.pool() - u.iter().sum::<f64>();
            // Solver noise on large continuous pools is relative, not absolute.
            if short <= 1e-6 * l.pool().max(1.0) {
                0.0
            } else {
                clean(short)
            }
        })
        .collect();
    let mut cost = 0.0;
    let mut used = vec![0.0; data.available.len()];
    for (l, u) in p.lines.iter().zip(&units) {
        for (&c, &x) in l.eligible.iter().zip(u) {
            cost += x * data.cost[c as usize];
            used[c as usize] += x;
        }
    }
    let max_share = used
        .iter()
        .zip(data.available)
        .filter(|(_, a)| **a > 0.0)
        .map(|(u, a)| u / a)
        .fold(0.0, f64::max);
    Ok(SubSolution {
        units,
        shortfall,
        cost,
        max_share,
    })
}

/// The three lexicographic stages as (mixed-integer) programmes.
fn solve_by_stages(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
) -> Result<Vec<Vec<f64>>, AllocationError> {
    let shortfall_share = run_stage(p, data, time_limit_s, Stage::Shortfall)?.objective;
    let cost = if p
        .lines
        .iter()
        .any(|l| l.eligible.iter().any(|&c| data.cost[c as usize] > 0.0))
    {
        Some(run_stage(p, data, time_limit_s, Stage::Cost { shortfall_share })?.objective)
    } else {
        None
    };
    Ok(run_stage(
        p,
        data,
        time_limit_s,
        Stage::Share {
            shortfall_share,
            cost,
        },
    )?
    .units)
}

/// Whole-unit allocation by linear programmes only.
///
/// With whole-unit demands `ceil(pool)` and whole-unit capacities, the
/// allocation is a transportation problem: its constraint matrix is totally
/// unimodular, so the simplex method's vertex solutions are already whole.
/// Stage 1 minimises the shortfall share and fixes each line's shortfall;
/// stage 2 minimises cost; stage 3 finds the smallest share `z` of available
/// force such that capacities `floor(available × z)` still meet the demand at
/// the stage-2 cost, by bisection over the breakpoints `m / available`
/// (feasibility only grows with `z`). Returns `None` if a vertex is not whole
/// (degenerate cases), and the caller falls back to branch and bound.
fn solve_integer_by_flows(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
) -> Result<Option<Vec<Vec<f64>>>, AllocationError> {
    let demand: Vec<f64> = p
        .lines
        .iter()
        .map(|l| crate::sizing::whole_units(l.pool()))
        .collect();
    let full: Vec<f64> = data.available.to_vec();
    let Some((_, stage1)) = flow_lp(p, data, &demand, &full, None, false, time_limit_s)? else {
        return Ok(None);
    };
    if !whole(&stage1) {
        return Ok(None);
    }
    let short: Vec<f64> = demand
        .iter()
        .zip(&stage1)
        .map(|(d, u)| (d - u.iter().sum::<f64>()).max(0.0))
        .collect();
    let Some((best_cost, stage2)) =
        flow_lp(p, data, &demand, &full, Some(&short), true, time_limit_s)?
    else {
        return Ok(None);
    };
    if !whole(&stage2) {
        return Ok(None);
    }
    let limit = best_cost * (1.0 + STAGE_TOL) + 1e-6;
    // Breakpoints of the largest share: m / a for every contributor that can supply.
    let mut touched = vec![false; data.available.len()];
    for l in &p.lines {
        for &c in &l.eligible {
            touched[c as usize] = true;
        }
    }
    let breakpoints: f64 = data
        .available
        .iter()
        .zip(&touched)
        .filter(|(a, t)| **t && **a > 0.0)
        .map(|(a, _)| a + 1.0)
        .sum();
    let caps_at = |z: f64| -> Vec<f64> {
        data.available
            .iter()
            .map(|&a| (a * z + 1e-9).floor().min(a))
            .collect()
    };
    let try_z = |z: f64| -> Result<Option<Vec<Vec<f64>>>, AllocationError> {
        Ok(flow_lp(
            p,
            data,
            &demand,
            &caps_at(z),
            Some(&short),
            true,
            time_limit_s,
        )?
        .filter(|(cost, _)| *cost <= limit)
        .map(|(_, u)| u))
    };
    let mut best = stage2;
    if let Some(u) = try_z(0.0)? {
        return Ok(whole(&u).then_some(u));
    }
    if breakpoints <= MAX_BREAKPOINTS {
        // Exact: bisection over the sorted breakpoints; the last is 1.0, where
        // the stage-2 allocation is feasible, and the first (0.0) is not.
        let mut zs: Vec<f64> = Vec::new();
        for (c, &a) in data.available.iter().enumerate() {
            if touched[c] && a > 0.0 {
                let n = a.round() as u64;
                zs.extend((0..=n).map(|m| m as f64 / a));
            }
        }
        zs.sort_by(f64::total_cmp);
        zs.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        let (mut lo, mut hi) = (0usize, zs.len() - 1);
        while hi > lo + 1 {
            let mid = (lo + hi) / 2;
            match try_z(zs[mid])? {
                Some(u) => {
                    hi = mid;
                    best = u;
                }
                None => lo = mid,
            }
        }
    } else {
        // Huge availabilities: bisection on z itself, to within 1e-9 of the
        // smallest feasible share (feasibility only grows with z).
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        while hi - lo > 1e-9 {
            let mid = 0.5 * (lo + hi);
            match try_z(mid)? {
                Some(u) => {
                    hi = mid;
                    best = u;
                }
                None => lo = mid,
            }
        }
    }
    Ok(whole(&best).then_some(best))
}

/// Every value is a whole number (within solver noise).
fn whole(units: &[Vec<f64>]) -> bool {
    units
        .iter()
        .flatten()
        .all(|&x| (x - x.round()).abs() < 1e-6)
}

/// Objective value and units per line and eligible contributor.
type FlowSolution = (f64, Vec<Vec<f64>>);

/// One linear programme over the transportation structure: lines with
/// demands, contributors with capacities, optional per-line shortfall caps.
/// Minimises the shortfall share (`cost = false`) or the cost. `None` when
/// infeasible.
fn flow_lp(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    demand: &[f64],
    caps: &[f64],
    short_max: Option<&[f64]>,
    cost: bool,
    time_limit_s: f64,
) -> Result<Option<FlowSolution>, AllocationError> {
    let mut vars = ProblemVariables::new();
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(p.lines.len());
    let mut short: Vec<Variable> = Vec::with_capacity(p.lines.len());
    for (li, l) in p.lines.iter().enumerate() {
        let row = l
            .eligible
            .iter()
            .map(|&c| {
                vars.add(
                    variable()
                        .min(0.0)
                        .max(caps[c as usize].min(demand[li]).max(0.0)),
                )
            })
            .collect();
        x.push(row);
        let smax = short_max.map_or(demand[li], |m| m[li]);
        short.push(vars.add(variable().min(0.0).max(smax)));
    }
    let (cost_expr, used, touched) = usage(p, data, &x);
    let objective: Expression = if cost {
        cost_expr
    } else {
        short
            .iter()
            .zip(demand)
            .map(|(s, d)| *s * (1.0 / d.max(1.0)))
            .sum()
    };
    let mut model = vars
        .minimise(objective.clone())
        .using(solver)
        .with_time_limit(time_limit_s);
    for ((row, s), d) in x.iter().zip(&short).zip(demand) {
        let supplied: Expression = row.iter().copied().sum();
        model = model.with(constraint!(supplied + *s >= *d));
    }
    for (c, u) in used.iter().enumerate() {
        if touched[c] {
            model = model.with(constraint!(u.clone() <= caps[c]));
        }
    }
    let sol = match model.solve() {
        Ok(sol) => sol,
        Err(good_lp::ResolutionError::Infeasible) => return Ok(None),
        Err(e) => return Err(solver_error(data, time_limit_s, e)),
    };
    check_time_limit(&sol, data, time_limit_s)?;
    let units = x
        .iter()
        .map(|row| row.iter().map(|v| clean(sol.value(*v))).collect())
        .collect();
    Ok(Some((sol.eval(&objective), units)))
}

/// The cost, the units used per contributor (summed over lines) and which
/// contributors appear at all, as expressions over the allocation variables.
fn usage(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    x: &[Vec<Variable>],
) -> (Expression, Vec<Expression>, Vec<bool>) {
    let n_contrib = data.available.len();
    let mut cost_expr = Expression::from(0.0);
    let mut used: Vec<Expression> = vec![Expression::from(0.0); n_contrib];
    let mut touched = vec![false; n_contrib];
    for (l, row) in p.lines.iter().zip(x) {
        for (&c, v) in l.eligible.iter().zip(row) {
            cost_expr += *v * data.cost[c as usize];
            used[c as usize] += *v;
            touched[c as usize] = true;
        }
    }
    (cost_expr, used, touched)
}

/// A solve that stopped at its time limit is an error, never a result.
fn check_time_limit(
    sol: &impl Solution,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
) -> Result<(), AllocationError> {
    if matches!(sol.status(), good_lp::SolutionStatus::TimeLimit) {
        return Err(AllocationError::TimeLimit {
            capability: data.name.to_string(),
            seconds: time_limit_s,
        });
    }
    Ok(())
}

fn solver_error(
    data: &CapabilityData<'_>,
    time_limit_s: f64,
    e: good_lp::ResolutionError,
) -> AllocationError {
    match e {
        good_lp::ResolutionError::Other(m) if m.contains("Time limit") => {
            AllocationError::TimeLimit {
                capability: data.name.to_string(),
                seconds: time_limit_s,
            }
        }
        other => AllocationError::Solver {
            capability: data.name.to_string(),
            message: other.to_string(),
        },
    }
}

enum Stage {
    Shortfall,
    Cost {
        shortfall_share: f64,
    },
    Share {
        shortfall_share: f64,
        cost: Option<f64>,
    },
}

struct StageResult {
    objective: f64,
    units: Vec<Vec<f64>>,
}

fn run_stage(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
    stage: Stage,
) -> Result<StageResult, AllocationError> {
    let mut vars = ProblemVariables::new();
    let mut x: Vec<Vec<Variable>> = Vec::with_capacity(p.lines.len());
    let mut short: Vec<Variable> = Vec::with_capacity(p.lines.len());
    for l in &p.lines {
        let row = l
            .eligible
            .iter()
            .map(|&c| {
                let a = data.available[c as usize];
                let v = variable().min(0.0).max(a.min(l.pool()).max(0.0));
                vars.add(if data.integer { v.integer() } else { v })
            })
            .collect();
        x.push(row);
        short.push(vars.add(variable().min(0.0).max(l.pool())));
    }
    let z = vars.add(variable().min(0.0).max(1.0));

    let shortfall_share: Expression = p
        .lines
        .iter()
        .zip(&short)
        .map(|(l, s)| *s * (1.0 / l.pool()))
        .sum();
    let (cost_expr, used, touched) = usage(p, data, &x);
    let objective = match &stage {
        Stage::Shortfall => shortfall_share.clone(),
        Stage::Cost { .. } => cost_expr.clone(),
        Stage::Share { .. } => Expression::from(z),
    };
    let mut model = vars
        .minimise(objective.clone())
        .using(solver)
        .with_time_limit(time_limit_s);
    for ((l, row), s) in p.lines.iter().zip(&x).zip(&short) {
        let supplied: Expression = row.iter().copied().sum();
        model = model.with(constraint!(supplied + *s >= l.pool()));
    }
    for (c, u) in used.iter().enumerate() {
        if touched[c] {
            model = model.with(constraint!(u.clone() <= data.available[c]));
        }
    }
    match stage {
        Stage::Shortfall => {}
        Stage::Cost {
            shortfall_share: best,
        } => {
            // Hold the first stage's optimum: exactly no shortfall when none
            // was needed, otherwise within a small tolerance.
            if best <= 1e-9 {
                for s in &short {
                    model = model.with(constraint!(*s <= 0.0));
                }
            } else {
                model = model.with(constraint!(shortfall_share.clone() <= best + STAGE_TOL));
            }
        }
        Stage::Share {
            shortfall_share: best,
            cost,
        } => {
            // Hold the first stage's optimum: exactly no shortfall when none
            // was needed, otherwise within a small tolerance.
            if best <= 1e-9 {
                for s in &short {
                    model = model.with(constraint!(*s <= 0.0));
                }
            } else {
                model = model.with(constraint!(shortfall_share.clone() <= best + STAGE_TOL));
            }
            if let Some(c) = cost {
                model = model.with(constraint!(cost_expr <= c * (1.0 + STAGE_TOL) + 1e-6));
            }
            for (c, u) in used.iter().enumerate() {
                let a = data.available[c];
                if touched[c] && a > 0.0 {
                    model = model.with(constraint!(u.clone() <= a * z));
                }
            }
        }
    }
    let sol = model
        .solve()
        .map_err(|e| solver_error(data, time_limit_s, e))?;
    check_time_limit(&sol, data, time_limit_s)?;
    let units = x
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| {
                    let val = clean(sol.value(*v));
                    if data.integer { val.round() } else { val }
                })
                .collect()
        })
        .collect();
    Ok(StageResult {
        objective: sol.eval(&objective),
        units,
    })
}

/// Drop solver noise around zero and whole numbers.
fn clean(x: f64) -> f64 {
    if x.abs() < 1e-6 {
        0.0
    } else if (x - x.round()).abs() < 1e-6 {
        x.round()
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pool: f64, eligible: &[u32]) -> LineKey {
        LineKey {
            pool_bits: pool.to_bits(),
            eligible: eligible.to_vec(),
        }
    }

    #[test]
    fn cheapest_contributor_supplies_first_and_the_rest_is_short() {
        // Need 10; A has 4 at cost 1, B has 3 at cost 2 → A 4, B 3, short 3.
        let p = SubProblem {
            capability: 0,
            lines: vec![line(10.0, &[0, 1])],
        };
        let data = CapabilityData {
            name: "brigades",
            integer: true,
            available: &[4.0, 3.0],
            cost: &[1.0, 2.0],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.units, vec![vec![4.0, 3.0]]);
        assert_eq!(s.shortfall, vec![3.0]);
        assert_eq!(s.cost, 10.0);
        assert_eq!(s.max_share, 1.0);
    }

    #[test]
    fn equal_costs_spread_the_burden() {
        // Need 4 from two contributors of 8 each at equal cost: 2 + 2 (share 0.25), not 4 + 0.
        let p = SubProblem {
            capability: 0,
            lines: vec![line(4.0, &[0, 1])],
        };
        let data = CapabilityData {
            name: "batteries",
            integer: true,
            available: &[8.0, 8.0],
            cost: &[1.0, 1.0],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.units, vec![vec![2.0, 2.0]]);
        assert_eq!(s.max_share, 0.25);
    }

    #[test]
    fn pinned_line_gets_its_provider_and_the_open_line_the_others() {
        // Line 0 only contributor 0 (has 5), line 1 anyone: 0 must serve line 0 first.
        let p = SubProblem {
            capability: 0,
            lines: vec![line(5.0, &[0]), line(3.0, &[0, 1])],
        };
        let data = CapabilityData {
            name: "fighters",
            integer: true,
            available: &[5.0, 3.0],
            cost: &[1.0, 1.0],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.units, vec![vec![5.0], vec![0.0, 3.0]]);
        assert_eq!(s.total_shortfall(), 0.0);
    }

    #[test]
    fn no_eligible_contributor_means_the_whole_pool_is_short() {
        let p = SubProblem {
            capability: 0,
            lines: vec![line(6.0, &[])],
        };
        let data = CapabilityData {
            name: "brigades",
            integer: true,
            available: &[9.0],
            cost: &[1.0],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.shortfall, vec![6.0]);
    }

    #[test]
    fn huge_availabilities_are_solved_without_listing_every_breakpoint() {
        // Found by the no-NaN property test: 10^12 units available made the
        // burden stage list 10^12 breakpoints (a 2 TB allocation).
        let p = SubProblem {
            capability: 0,
            lines: vec![line(1_000_000.0, &[0, 1])],
        };
        let data = CapabilityData {
            name: "personnel",
            integer: true,
            available: &[1e12, 5e11],
            cost: &[1.0, 1.0],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.total_shortfall(), 0.0);
        assert_eq!(s.units[0].iter().sum::<f64>(), 1_000_000.0);
        // Equal cost: the burden is spread so that both use the same share.
        assert!((s.max_share - 1e6 / 1.5e12).abs() < 1e-8, "{}", s.max_share);
    }
}
