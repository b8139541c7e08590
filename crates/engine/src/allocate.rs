//! Allocation: who supplies how much of each requirement.
//!
//! One capability's allocation is a transportation problem: lines (pools to
//! fill) on one side, contributors (available units, a cost per unit-year) on
//! the other, an arc wherever a contributor is eligible for a line. It is
//! solved lexicographically — (1) the smallest shortfall share, (2) the
//! smallest cost, (3) the smallest largest share of any contributor's
//! available force — and among the allocations optimal on all three, one
//! deterministic allocation is reported (the tie rule in [`solve`]).
//!
//! There is no LP solver and no stage tolerance: every stage is a sequence of
//! maximum flows on a small network (Edmonds–Karp), because both earlier
//! objectives are linear functions over a polymatroid — the set of line totals
//! a transportation network can deliver, and the set of contributor totals —
//! and a linear function with ordered weights is optimised over a polymatroid
//! by the greedy algorithm (Edmonds 1970; Fujishige, *Submodular Functions and
//! Optimization*, 2005, §3.2). The greedy only compares inputs (pools with
//! pools, costs with costs), never sums of them, so near-ties such as costs 1
//! and 1.000000005 are decided exactly. The burden stage is a parametric
//! maximum flow solved by Newton's method on the minimum cut (exact for
//! continuous capabilities, exact rational breakpoints for whole units).
//! docs/model.md §3 states every tolerance, rounding and tie rule.
//!
//! Capabilities never compete for the same constraint, so the programme
//! separates into one small sub-problem per capability; the lexicographic
//! objective separates too, because the largest share over all capabilities
//! is minimised by minimising it in each. Sub-problems are keyed by their
//! exact data and memoised across packages.

use std::time::Instant;

use thiserror::Error;

/// One requirement line of a sub-problem: a pool to fill from eligible contributors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineKey {
    /// `f64::to_bits` of the pool size, so the key is exact and hashable.
    pub pool_bits: u64,
    /// Contributor indices allowed to supply this line, ascending.
    pub eligible: Vec<u32>,
    /// `f64::to_bits` of the line's flight-hour cost a year when it is
    /// costed by the flight hour (`Requirement::flight_hour_cost_per_year`);
    /// none: by the unit-year.
    pub flight_hour_cost_bits: Option<u64>,
}

impl LineKey {
    pub fn pool(&self) -> f64 {
        f64::from_bits(self.pool_bits)
    }

    /// The line's flight-hour cost a year, when it is costed by the flight hour.
    pub fn flight_hour_cost(&self) -> Option<f64> {
        self.flight_hour_cost_bits.map(f64::from_bits)
    }
}

/// The complete data of one capability's allocation problem.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubProblem {
    pub capability: u32,
    pub lines: Vec<LineKey>,
}

impl SubProblem {
    /// Bit of `capability` marking a sub-problem of a capability that also
    /// comes inside other capabilities' bundles, in a package that asks for
    /// those bundles: only the units outside the bundles are available
    /// (`Prepared::availability`, docs/model.md §3).
    pub const LOOSE: u32 = 1 << 31;

    /// Index of the capability (without the [`SubProblem::LOOSE`] bit).
    pub fn capability_index(&self) -> usize {
        (self.capability & !Self::LOOSE) as usize
    }

    /// Only the units outside bundles are available ([`SubProblem::LOOSE`]).
    pub fn loose(&self) -> bool {
        self.capability & Self::LOOSE != 0
    }
}

/// The solved allocation of one capability.
#[derive(Debug, Clone, PartialEq)]
pub struct SubSolution {
    /// Per line, units from each eligible contributor (parallel to `LineKey::eligible`).
    pub units: Vec<Vec<f64>>,
    /// Per line, units nobody could supply.
    pub shortfall: Vec<f64>,
    /// Operating cost per year of the units allocated: units × cost per
    /// unit-year, except on lines costed by the flight hour
    /// ([`crate::sizing::flight_hour_line_cost`]).
    pub cost: f64,
    /// Largest share of any contributor's available force used, in [0, 1].
    pub max_share: f64,
    /// Whose share `max_share` is: the contributor index with the largest
    /// share, the first in index order on ties; none when nothing is allocated.
    pub max_share_holder: Option<u32>,
    /// Why the allocation could not be computed (non-finite data): nothing is
    /// then allocated and every line is short. The package carries the
    /// reason; no other package is affected.
    pub error: Option<String>,
}

impl SubSolution {
    pub fn total_shortfall(&self) -> f64 {
        self.shortfall.iter().sum()
    }

    /// Nothing allocated, every line short, and why.
    fn failed(p: &SubProblem, error: String) -> Self {
        SubSolution {
            units: p
                .lines
                .iter()
                .map(|l| vec![0.0; l.eligible.len()])
                .collect(),
            shortfall: p
                .lines
                .iter()
                .map(|l| {
                    let pool = l.pool();
                    if pool.is_finite() && pool > 0.0 {
                        pool
                    } else {
                        0.0
                    }
                })
                .collect(),
            cost: 0.0,
            max_share: 0.0,
            max_share_holder: None,
            error: Some(error),
        }
    }
}

#[derive(Debug, Clone, Error, PartialEq)]
pub enum AllocationError {
    #[error(
        "the allocation solver hit its time limit of {seconds} s on capability \"{capability}\""
    )]
    TimeLimit { capability: String, seconds: f64 },
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

/// Smallest amount of a continuous capability that counts, in units
/// (personnel, monitors, tonnes of materiel): one millionth of a unit.
pub const NEGLIGIBLE_UNITS: f64 = 1e-6;

/// Relative floor of the negligible amount: a millionth of a millionth of the
/// largest pool or availability of the sub-problem (binary floating point
/// resolves about 1e-16 of a magnitude; sums of a few dozen terms stay well
/// within 1e-12).
pub const NEGLIGIBLE_REL: f64 = 1e-12;

/// Whole-unit quantities are exact in binary floating point up to 2^53; a
/// whole-unit sub-problem with larger numbers is solved as a continuous one.
const EXACT_WHOLE: f64 = 4_503_599_627_370_496.0; // 2^52

/// Negligible amount of one sub-problem, in the capability's units: below it a
/// pool needs nothing, a contributor has nothing to give, an allocation is not
/// made and a shortfall is not reported.
///
/// Continuous capabilities: `max(1e-6, 1e-12 × scale)` with `scale` the
/// largest pool or availability in the sub-problem. Whole units: 0.5 (every
/// whole unit counts). Example: personnel pools of 10^6 → 10^-6 personnel;
/// pools of 10^9 → 10^-3 personnel.
pub fn negligible_amount(integer: bool, scale: f64) -> f64 {
    if integer {
        0.5
    } else {
        NEGLIGIBLE_UNITS.max(NEGLIGIBLE_REL * scale)
    }
}

/// Units a line must be given (its **demand**): whole units ⌈pool⌉ (for whole
/// x, Σx ≥ pool ⇔ Σx ≥ ⌈pool⌉, with the sizing's 1e-9 noise guard), the pool
/// itself for continuous capabilities, and nothing when the pool is
/// negligible. Example: pool 4.2 brigades → demand 5; pool 10^-8 personnel → 0.
pub fn line_demand(pool: f64, integer: bool, negligible: f64) -> f64 {
    if integer {
        crate::sizing::whole_units(pool)
    } else if pool <= negligible {
        0.0
    } else {
        pool
    }
}

/// Whole blocks of `granularity` units a contributor can give (blocks):
/// ⌊available ÷ granularity⌋, except that a quotient within 64 ulp below a
/// whole number is that number (binary noise, as in `available_units`).
/// Example: 9,500 personnel in blocks of 4,000 → 2 blocks; 12,000 → 3.
pub fn available_blocks(available: f64, granularity: f64) -> f64 {
    let x = available / granularity;
    let up = x.ceil();
    if up - x <= 64.0 * f64::EPSILON * up.abs() {
        up
    } else {
        x.floor()
    }
}

/// Solve one capability's allocation in whole blocks of `granularity` units
/// (a battalion group of 1,000 personnel; docs/model.md §3): the sub-problem
/// is solved in blocks — pools ⌈pool ÷ g⌉ blocks, availability
/// [`available_blocks`], cost g × cost per unit — exactly as [`solve`] solves
/// whole units, and the blocks are given back in units. Every allocation is
/// then a multiple of g; a line short of whole blocks is short by
/// pool − allocated units; the largest share is of the units available.
/// Without a granularity (or g = 1 on a whole-unit capability) this is [`solve`].
///
/// Example: a pool of 30,000 personnel in blocks of 4,000 needs 8 blocks; a
/// contributor with 20,000 available gives 5 blocks (20,000) and one with
/// 14,000 gives 3 (12,000): 32,000 allocated, no shortfall.
pub fn solve_in_blocks(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    granularity: Option<f64>,
    time_limit_s: f64,
) -> Result<SubSolution, AllocationError> {
    let Some(g) = granularity.filter(|&g| g.is_finite() && g > 0.0 && !(data.integer && g == 1.0))
    else {
        return solve(p, data, time_limit_s);
    };
    let blocks: Vec<f64> = data
        .available
        .iter()
        .map(|&a| {
            if a.is_finite() {
                available_blocks(a, g)
            } else {
                a
            }
        })
        .collect();
    let cost: Vec<f64> = data.cost.iter().map(|&k| k * g).collect();
    let bp = SubProblem {
        capability: p.capability,
        lines: p
            .lines
            .iter()
            .map(|l| LineKey {
                pool_bits: (l.pool() / g).to_bits(),
                eligible: l.eligible.clone(),
                flight_hour_cost_bits: l.flight_hour_cost_bits,
            })
            .collect(),
    };
    let bd = CapabilityData {
        name: data.name,
        integer: true,
        available: &blocks,
        cost: &cost,
    };
    let sol = solve(&bp, &bd, time_limit_s)?;
    if let Some(e) = sol.error {
        return Ok(SubSolution::failed(p, e));
    }
    let units: Vec<Vec<f64>> = sol
        .units
        .iter()
        .map(|xs| xs.iter().map(|&x| x * g).collect())
        .collect();
    let shortfall = p
        .lines
        .iter()
        .zip(&units)
        .map(|(l, xs)| {
            let given: f64 = xs.iter().sum();
            let pool = l.pool();
            if given >= pool { 0.0 } else { pool - given }
        })
        .collect();
    let mut used = vec![0.0; data.available.len()];
    for (l, xs) in p.lines.iter().zip(&units) {
        for (&c, &x) in l.eligible.iter().zip(xs) {
            used[c as usize] += x;
        }
    }
    let (max_share, max_share_holder) = largest_share(&used, data.available);
    Ok(SubSolution {
        units,
        shortfall,
        cost: sol.cost,
        max_share,
        max_share_holder,
        error: None,
    })
}

/// Solve one capability's allocation, exactly and deterministically.
///
/// Stages (each holds the earlier ones' optima exactly):
/// 1. **Shortfall share** Σ_l s_l / pool_l, minimised by filling lines in
///    order of increasing pool (largest weight 1/pool first; lines with equal
///    pools together), each as far as the network allows without taking
///    units from lines already filled.
/// 2. **Cost** Σ cost_c · x_cl, minimised by opening contributors in order of
///    increasing cost per unit (equal costs together) with every line group's
///    stage-1 total fixed. Lines costed by the flight hour are ordered the
///    same way: their reported cost is the hours flown
///    ([`crate::sizing::flight_hour_line_cost`]), the same whoever flies them
///    (one cost per flight hour per aircraft type), so the cost per
///    unit-year only decides who flies.
/// 3. **Largest share** z = max_c Σ_l x_cl / available_c: the smallest z for
///    which a flow with capacities available_c · z (⌊available_c · z⌋ for
///    whole units) still delivers every stage-1 line group's total from every
///    stage-2 cost group's total; Newton's method on the minimum cut.
/// 4. **Tie rule** among allocations optimal on all three: contributors with
///    the most available units first (then contributor order, which is id
///    order), each giving as much as possible to the first line, then the next
///    — lexicographically largest (contributor, line) units, so that each line
///    is served by as few contributors as the optimum allows.
///
/// Amounts below [`negligible_amount`] are never allocated or reported short.
/// Non-finite or negative data (never produced by a validated scenario) give
/// a solution with nothing allocated, every line short and the reason in
/// `error`. The only error is a sub-problem outlasting `time_limit_s`.
pub fn solve(
    p: &SubProblem,
    data: &CapabilityData<'_>,
    time_limit_s: f64,
) -> Result<SubSolution, AllocationError> {
    let started = Instant::now();
    let invalid = |message: String| Ok(SubSolution::failed(p, message));
    let n = data.available.len();
    let mut touched = vec![false; n];
    for l in &p.lines {
        let pool = l.pool();
        if !pool.is_finite() || pool < 0.0 {
            return invalid(format!("a pool of {pool} units"));
        }
        if let Some(f) = l.flight_hour_cost()
            && (!f.is_finite() || f < 0.0)
        {
            return invalid(format!("a flight-hour cost of {f} a year"));
        }
        for &c in &l.eligible {
            let c = c as usize;
            if c >= n || data.cost.len() <= c {
                return invalid(format!("contributor index {c} out of range"));
            }
            touched[c] = true;
        }
    }
    for c in (0..n).filter(|&c| touched[c]) {
        let (a, k) = (data.available[c], data.cost[c]);
        if !a.is_finite() || a < 0.0 || !k.is_finite() || k < 0.0 {
            return invalid(format!(
                "contributor {c} has {a} units available at {k} per unit-year"
            ));
        }
    }
    let scale = p
        .lines
        .iter()
        .map(LineKey::pool)
        .chain((0..n).filter(|&c| touched[c]).map(|c| data.available[c]))
        .fold(0.0, f64::max);
    let integer = data.integer && scale < EXACT_WHOLE;
    let neg = negligible_amount(integer, scale);
    let demand: Vec<f64> = p
        .lines
        .iter()
        .map(|l| line_demand(l.pool(), integer, neg))
        .collect();
    let caps: Vec<f64> = (0..n)
        .map(|c| {
            let a = data.available[c];
            match (touched[c], integer) {
                (false, _) => 0.0,
                (true, true) => a.floor(),
                (true, false) if a <= neg => 0.0,
                (true, false) => a,
            }
        })
        .collect();
    let check_time = || {
        if started.elapsed().as_secs_f64() > time_limit_s {
            Err(AllocationError::TimeLimit {
                capability: data.name.to_string(),
                seconds: time_limit_s,
            })
        } else {
            Ok(())
        }
    };
    let g = Graph::new(p, &caps, &demand, integer, neg);
    let units = g.solve(p, data.cost, &caps, &demand, &check_time)?;

    let mut shortfall = Vec::with_capacity(p.lines.len());
    for ((l, u), d) in p.lines.iter().zip(&units).zip(&demand) {
        let given: f64 = u.iter().sum();
        let short = if given >= *d { 0.0 } else { l.pool() - given };
        shortfall.push(if short <= neg { 0.0 } else { short });
    }
    let mut cost = 0.0;
    let mut used = vec![0.0; n];
    for (l, u) in p.lines.iter().zip(&units) {
        match l.flight_hour_cost() {
            // Costed by the flight hour: the hours flown, whoever flies them.
            Some(f) => {
                let given: f64 = u.iter().sum();
                cost += crate::sizing::flight_hour_line_cost(f, l.pool(), given);
            }
            None => {
                for (&c, &x) in l.eligible.iter().zip(u) {
                    cost += x * data.cost[c as usize];
                }
            }
        }
        for (&c, &x) in l.eligible.iter().zip(u) {
            used[c as usize] += x;
        }
    }
    let (max_share, max_share_holder) = largest_share(&used, data.available);
    Ok(SubSolution {
        units,
        shortfall,
        cost,
        max_share,
        max_share_holder,
        error: None,
    })
}

/// Largest share of a contributor's available force used (a fraction in
/// [0, 1]) and whose it is: max over contributors with units used and
/// available of min(1, used ÷ available), the first contributor in index
/// order on ties; (0, none) when nothing is used. The clamp at 1 absorbs
/// binary noise where whole blocks were counted from an availability a few
/// ulp below a whole number of blocks ([`available_blocks`]).
///
/// Example: used [2, 6, 3] of available [8, 6, 3] → shares 0.25, 1, 1 →
/// (1, contributor 1).
pub fn largest_share(used: &[f64], available: &[f64]) -> (f64, Option<u32>) {
    let mut best: (f64, Option<u32>) = (0.0, None);
    for (c, (&u, &a)) in used.iter().zip(available).enumerate() {
        if u > 0.0 && a > 0.0 {
            let share = (u / a).min(1.0);
            if best.1.is_none() || share > best.0 {
                best = (share, Some(c as u32));
            }
        }
    }
    best
}

/// A flow network with paired arcs (arc `e` and its reverse `e ^ 1`).
struct Net {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<f64>,
    flow: Vec<f64>,
}

const S: usize = 0;
const T: usize = 1;

impl Net {
    fn new(nodes: usize) -> Self {
        Net {
            adj: vec![Vec::new(); nodes],
            to: Vec::new(),
            cap: Vec::new(),
            flow: Vec::new(),
        }
    }

    fn add(&mut self, u: usize, v: usize, cap: f64) -> usize {
        let e = self.to.len();
        self.adj[u].push(e);
        self.to.push(v);
        self.cap.push(cap);
        self.flow.push(0.0);
        self.adj[v].push(e + 1);
        self.to.push(u);
        self.cap.push(0.0);
        self.flow.push(0.0);
        e
    }

    fn res(&self, e: usize) -> f64 {
        self.cap[e] - self.flow[e]
    }

    fn push(&mut self, e: usize, x: f64) {
        self.flow[e] += x;
        self.flow[e ^ 1] -= x;
    }

    /// Shortest path (fewest arcs) from `from` to `to` through arcs with
    /// residual capacity above `eps`, avoiding `skip_node`s and `fixed` arcs.
    fn path(
        &self,
        from: usize,
        to: usize,
        eps: f64,
        skip_node: &[bool],
        fixed: &[bool],
    ) -> Option<Vec<usize>> {
        let mut via = vec![usize::MAX; self.adj.len()];
        let mut seen = vec![false; self.adj.len()];
        seen[from] = true;
        let mut queue = std::collections::VecDeque::from([from]);
        while let Some(u) = queue.pop_front() {
            for &e in &self.adj[u] {
                let v = self.to[e];
                if seen[v] || skip_node[v] || fixed[e >> 1] || self.res(e) <= eps {
                    continue;
                }
                seen[v] = true;
                via[v] = e;
                if v == to {
                    let mut arcs = Vec::new();
                    let mut w = to;
                    while w != from {
                        arcs.push(via[w]);
                        w = self.to[via[w] ^ 1];
                    }
                    arcs.reverse();
                    return Some(arcs);
                }
                queue.push_back(v);
            }
        }
        None
    }

    /// Augment from S to T along shortest paths until none is left
    /// (Edmonds–Karp); returns the amount added.
    fn max_flow(&mut self, eps: f64) -> f64 {
        let none = vec![false; self.adj.len()];
        let fixed = vec![false; self.to.len() / 2];
        let mut total = 0.0;
        while let Some(arcs) = self.path(S, T, eps, &none, &fixed) {
            let x = arcs
                .iter()
                .map(|&e| self.res(e))
                .fold(f64::INFINITY, f64::min);
            for &e in &arcs {
                self.push(e, x);
            }
            total += x;
        }
        total
    }

    /// Nodes reachable from S in the residual network (the source side of a
    /// minimum cut once the flow is maximum).
    fn source_side(&self, eps: f64) -> Vec<bool> {
        let mut seen = vec![false; self.adj.len()];
        seen[S] = true;
        let mut stack = vec![S];
        while let Some(u) = stack.pop() {
            for &e in &self.adj[u] {
                let v = self.to[e];
                if !seen[v] && self.res(e) > eps {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }
}

/// The sub-problem's arcs in a compact index: contributors that can supply
/// (capacity above the negligible amount) and lines with a demand.
struct Graph {
    /// Contributors with something to give, ascending.
    contributors: Vec<usize>,
    /// Per line, per eligible position: index into `contributors`, if it can supply.
    arcs: Vec<Vec<Option<usize>>>,
    /// Lines with a demand, grouped by equal demand (whole units) or pool,
    /// smallest first: the stage-1 order.
    line_groups: Vec<Vec<usize>>,
    integer: bool,
    /// Residual capacities at or below this count as zero.
    eps: f64,
}

/// Rational z = num / den for whole-unit burden breakpoints.
#[derive(Clone, Copy)]
struct Ratio {
    num: u128,
    den: u128,
}

impl Ratio {
    fn lt(self, o: Ratio) -> bool {
        self.num * o.den < o.num * self.den
    }
    /// ⌊a · z⌋ for a whole a.
    fn floor_of(self, a: f64) -> f64 {
        ((a as u128 * self.num) / self.den) as f64
    }
}

impl Graph {
    fn new(p: &SubProblem, caps: &[f64], demand: &[f64], integer: bool, neg: f64) -> Self {
        let mut contributors: Vec<usize> = p
            .lines
            .iter()
            .flat_map(|l| l.eligible.iter().map(|&c| c as usize))
            .filter(|&c| caps[c] > 0.0)
            .collect();
        contributors.sort_unstable();
        contributors.dedup();
        let arcs = p
            .lines
            .iter()
            .map(|l| {
                l.eligible
                    .iter()
                    .map(|&c| contributors.binary_search(&(c as usize)).ok())
                    .collect()
            })
            .collect();
        let mut order: Vec<usize> = (0..p.lines.len()).filter(|&l| demand[l] > 0.0).collect();
        // Weight 1/pool (1/⌈pool⌉ for whole units): the smallest pool first.
        let weight_key = |l: usize| {
            if integer {
                demand[l]
            } else {
                p.lines[l].pool()
            }
        };
        order.sort_by(|&a, &b| weight_key(a).total_cmp(&weight_key(b)).then(a.cmp(&b)));
        let mut line_groups: Vec<Vec<usize>> = Vec::new();
        for l in order {
            match line_groups.last_mut() {
                Some(g) if weight_key(g[0]) == weight_key(l) => g.push(l),
                _ => line_groups.push(vec![l]),
            }
        }
        Graph {
            contributors,
            arcs,
            line_groups,
            integer,
            eps: if integer { 0.5 } else { neg * 1e-3 },
        }
    }

    fn solve(
        &self,
        p: &SubProblem,
        cost: &[f64],
        caps: &[f64],
        demand: &[f64],
        check_time: &dyn Fn() -> Result<(), AllocationError>,
    ) -> Result<Vec<Vec<f64>>, AllocationError> {
        let zero = || {
            p.lines
                .iter()
                .map(|l| vec![0.0; l.eligible.len()])
                .collect()
        };
        if self.contributors.is_empty() || self.line_groups.is_empty() {
            return Ok(zero());
        }
        let group_totals = self.stage_shortfall(caps, demand);
        check_time()?;
        let (cost_groups, cost_totals) = self.stage_cost(cost, caps, demand, &group_totals);
        check_time()?;
        let total: f64 = group_totals.iter().sum();
        if total <= self.eps {
            return Ok(zero());
        }
        let caps_at = self.stage_burden(caps, demand, &group_totals, &cost_groups, &cost_totals);
        check_time()?;
        let (mut net, arc_ids) =
            self.burden_net(&caps_at, demand, &group_totals, &cost_groups, &cost_totals);
        net.max_flow(self.eps);
        self.tie_break(&mut net, &arc_ids, caps);
        check_time()?;
        Ok(arc_ids
            .iter()
            .map(|row| {
                row.iter()
                    .map(|e| match e {
                        Some(e) => self.clean(net.flow[*e]),
                        None => 0.0,
                    })
                    .collect()
            })
            .collect())
    }

    /// A flow value as an allocation: whole units rounded (flows on whole
    /// capacities are whole; this only removes the binary representation),
    /// continuous amounts at or below the negligible amount dropped.
    fn clean(&self, x: f64) -> f64 {
        if self.integer {
            x.round()
        } else if x <= self.eps * 1e3 {
            0.0
        } else {
            x
        }
    }

    fn node_c(&self, i: usize) -> usize {
        2 + i
    }

    fn node_l(&self, l: usize) -> usize {
        2 + self.contributors.len() + l
    }

    /// Contributor → line arcs of a network whose contributor and line nodes
    /// are at `node_c` and `node_l`.
    fn add_line_arcs(&self, net: &mut Net) -> Vec<Vec<Option<usize>>> {
        self.arcs
            .iter()
            .enumerate()
            .map(|(l, row)| {
                row.iter()
                    .map(|ci| ci.map(|ci| net.add(self.node_c(ci), self.node_l(l), f64::INFINITY)))
                    .collect()
            })
            .collect()
    }

    /// Stage 1: the total delivered to each line group, filling groups in
    /// order of decreasing weight (polymatroid greedy; augmenting paths never
    /// take flow away from a line's arc to the sink).
    fn stage_shortfall(&self, caps: &[f64], demand: &[f64]) -> Vec<f64> {
        let nl = self.arcs.len();
        let mut net = Net::new(2 + self.contributors.len() + nl);
        for (i, &c) in self.contributors.iter().enumerate() {
            net.add(S, self.node_c(i), caps[c]);
        }
        self.add_line_arcs(&mut net);
        let to_sink: Vec<usize> = (0..nl).map(|l| net.add(self.node_l(l), T, 0.0)).collect();
        self.line_groups
            .iter()
            .map(|g| {
                for &l in g {
                    net.cap[to_sink[l]] = demand[l];
                }
                net.max_flow(self.eps);
                g.iter().map(|&l| net.flow[to_sink[l]]).sum()
            })
            .collect()
    }

    /// Stage 2: contributors grouped by equal cost, cheapest first, and the
    /// total each group gives in the cheapest allocation that delivers the
    /// stage-1 group totals (greedy over the contributors' polymatroid).
    fn stage_cost(
        &self,
        cost: &[f64],
        caps: &[f64],
        demand: &[f64],
        group_totals: &[f64],
    ) -> (Vec<Vec<usize>>, Vec<f64>) {
        let mut order: Vec<usize> = (0..self.contributors.len()).collect();
        let cost_of = |i: usize| cost[self.contributors[i]];
        order.sort_by(|&a, &b| cost_of(a).total_cmp(&cost_of(b)).then(a.cmp(&b)));
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in order {
            match groups.last_mut() {
                Some(g) if cost_of(g[0]) == cost_of(i) => g.push(i),
                _ => groups.push(vec![i]),
            }
        }
        let (mut net, _) = self.delivery_net(demand, group_totals, 0, |net, i| {
            net.add(S, self.node_c(i), 0.0)
        });
        // Source arcs were added first, one per contributor, in index order.
        let totals = groups
            .iter()
            .map(|g| {
                for &i in g {
                    net.cap[2 * i] = caps[self.contributors[i]];
                }
                net.max_flow(self.eps);
                g.iter().map(|&i| net.flow[2 * i]).sum()
            })
            .collect();
        (groups, totals)
    }

    /// A network delivering exactly the stage-1 group totals: source arcs made
    /// by `source_arc` (called once per contributor, first), contributor →
    /// line arcs, line → group arcs of the line's demand, group → sink arcs of
    /// the group's total; `extra` further nodes after the line groups'.
    fn delivery_net(
        &self,
        demand: &[f64],
        group_totals: &[f64],
        extra: usize,
        mut source_arc: impl FnMut(&mut Net, usize) -> usize,
    ) -> (Net, Vec<Vec<Option<usize>>>) {
        let nc = self.contributors.len();
        let nl = self.arcs.len();
        let ng = self.line_groups.len();
        let mut net = Net::new(2 + nc + nl + ng + extra);
        for i in 0..nc {
            source_arc(&mut net, i);
        }
        let arc_ids = self.add_line_arcs(&mut net);
        for (gi, g) in self.line_groups.iter().enumerate() {
            let gn = 2 + nc + nl + gi;
            for &l in g {
                net.add(self.node_l(l), gn, demand[l]);
            }
            net.add(gn, T, group_totals[gi]);
        }
        (net, arc_ids)
    }

    /// The stage-3 network for contributor capacities `caps_at`: source → cost
    /// group (its stage-2 total) → contributor (`caps_at`) → line → line group
    /// (its stage-1 total) → sink. Returns the net and the contributor → line arcs.
    fn burden_net(
        &self,
        caps_at: &[f64],
        demand: &[f64],
        group_totals: &[f64],
        cost_groups: &[Vec<usize>],
        cost_totals: &[f64],
    ) -> (Net, Vec<Vec<Option<usize>>>) {
        let nc = self.contributors.len();
        let nl = self.arcs.len();
        let ng = self.line_groups.len();
        let mut group_of = vec![0; nc];
        for (j, g) in cost_groups.iter().enumerate() {
            for &i in g {
                group_of[i] = j;
            }
        }
        let (mut net, arc_ids) =
            self.delivery_net(demand, group_totals, cost_groups.len(), |net, i| {
                net.add(2 + nc + nl + ng + group_of[i], self.node_c(i), caps_at[i])
            });
        for (j, &u) in cost_totals.iter().enumerate() {
            net.add(S, 2 + nc + nl + ng + j, u);
        }
        (net, arc_ids)
    }

    /// Stage 3: per contributor (in `contributors` order), the capacity at the
    /// smallest feasible largest share z.
    fn stage_burden(
        &self,
        caps: &[f64],
        demand: &[f64],
        group_totals: &[f64],
        cost_groups: &[Vec<usize>],
        cost_totals: &[f64],
    ) -> Vec<f64> {
        let full: Vec<f64> = self.contributors.iter().map(|&c| caps[c]).collect();
        let total: f64 = group_totals.iter().sum();
        // A flow within this of the total delivers it: half a unit for whole
        // units, for continuous ones the residual threshold once per line.
        let tol = if self.integer {
            0.5
        } else {
            self.eps * (1 + self.arcs.len()) as f64
        };
        let mut z_cont = 0.0_f64;
        let mut z_whole = Ratio { num: 0, den: 1 };
        // Newton's method on the minimum cut: each step moves z to where the
        // current minimum cut would carry the total; z never overshoots the
        // optimum (the cut function is concave) and no cut is used twice.
        for _ in 0..(4 * self.contributors.len() + 16) {
            let caps_at: Vec<f64> = if self.integer {
                full.iter().map(|&a| z_whole.floor_of(a)).collect()
            } else {
                full.iter().map(|&a| a * z_cont).collect()
            };
            let (mut net, _) =
                self.burden_net(&caps_at, demand, group_totals, cost_groups, cost_totals);
            if net.max_flow(self.eps) >= total - tol {
                return caps_at;
            }
            let side = net.source_side(self.eps);
            // Cut arcs: contributor capacities scale with z; the others are fixed.
            let mut fixed = 0.0;
            let mut cut: Vec<usize> = Vec::new();
            for e in (0..net.to.len()).step_by(2) {
                let (u, v) = (net.to[e ^ 1], net.to[e]);
                if side[u] && !side[v] {
                    if (2..2 + self.contributors.len()).contains(&v) {
                        cut.push(v - 2);
                    } else {
                        fixed += net.cap[e];
                    }
                }
            }
            let slope: f64 = cut.iter().map(|&i| full[i]).sum();
            let need = total - fixed;
            if slope <= 0.0 || need > slope + tol {
                break;
            }
            if self.integer {
                let need = need.round() as u128;
                let mut z = Ratio {
                    num: need,
                    den: slope as u128,
                };
                if z.lt(z_whole) {
                    z = z_whole;
                }
                // Step to the next breakpoint m / a until the cut carries the need.
                loop {
                    let have: u128 = cut.iter().map(|&i| z.floor_of(full[i]) as u128).sum();
                    if have >= need {
                        break;
                    }
                    let next = cut
                        .iter()
                        .filter(|&&i| z.floor_of(full[i]) < full[i])
                        .map(|&i| Ratio {
                            num: z.floor_of(full[i]) as u128 + 1,
                            den: full[i] as u128,
                        })
                        .reduce(|a, b| if b.lt(a) { b } else { a });
                    match next {
                        Some(n) => z = n,
                        None => break,
                    }
                }
                if !z_whole.lt(z) {
                    break;
                }
                z_whole = z;
            } else {
                // Rounding can leave the new z at the old one: step past it.
                let z = (need / slope).max(z_cont * (1.0 + 4.0 * f64::EPSILON) + f64::MIN_POSITIVE);
                z_cont = z.min(1.0);
            }
        }
        // Not reached for consistent data (z = 1 is the stage-2 allocation);
        // kept so that rounding can never lose the stage-2 optimum.
        full
    }

    /// Stage 4, the tie rule: contributors with the most units first (then in
    /// index order), lines in order; each (contributor, line) arc in turn takes
    /// as much as cycles through it allow while the arcs before it keep their
    /// units. Cycles avoid source and sink, so every stage total is kept.
    fn tie_break(&self, net: &mut Net, arc_ids: &[Vec<Option<usize>>], caps: &[f64]) {
        let mut order: Vec<usize> = (0..self.contributors.len()).collect();
        order.sort_by(|&a, &b| {
            caps[self.contributors[b]]
                .total_cmp(&caps[self.contributors[a]])
                .then(a.cmp(&b))
        });
        let mut skip = vec![false; net.adj.len()];
        skip[S] = true;
        skip[T] = true;
        let mut fixed = vec![false; net.to.len() / 2];
        for &i in &order {
            for (l, row) in self.arcs.iter().enumerate() {
                for (pos, ci) in row.iter().enumerate() {
                    if *ci != Some(i) {
                        continue;
                    }
                    let Some(arc) = arc_ids[l][pos] else { continue };
                    fixed[arc >> 1] = true;
                    for _ in 0..1000 {
                        let Some(path) =
                            net.path(self.node_l(l), self.node_c(i), self.eps, &skip, &fixed)
                        else {
                            break;
                        };
                        let x = path
                            .iter()
                            .map(|&e| net.res(e))
                            .fold(net.res(arc), f64::min);
                        if x <= self.eps {
                            break;
                        }
                        for &e in &path {
                            net.push(e, x);
                        }
                        net.push(arc, x);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pool: f64, eligible: &[u32]) -> LineKey {
        LineKey {
            flight_hour_cost_bits: None,
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
    fn a_line_costed_by_the_flight_hour_costs_the_hours_flown() {
        // As above, but the line is a patrol of 50 a year in flight hours:
        // the same units (A 4, B 3, 3 short), and the cost is the share of
        // the pool flown, 50 × 7 ÷ 10 = 35, not 4 × 1 + 3 × 2 = 10.
        let mut l = line(10.0, &[0, 1]);
        l.flight_hour_cost_bits = Some(50.0f64.to_bits());
        let data = CapabilityData {
            name: "fighters",
            integer: true,
            available: &[4.0, 3.0],
            cost: &[1.0, 2.0],
        };
        let p = SubProblem {
            capability: 0,
            lines: vec![l.clone()],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.units, vec![vec![4.0, 3.0]]);
        assert_eq!(s.cost, 35.0);
        // With a unit-year line beside it (pool 2, only B): the smaller
        // pool is filled first (B gives 2 there), then A 4 and B 1 fly the
        // patrol: 50 × 5 ÷ 10 = 25, plus 2 × 2 = 4 → 29.
        let p = SubProblem {
            capability: 0,
            lines: vec![l, line(2.0, &[1])],
        };
        let s = solve(&p, &data, 10.0).unwrap();
        assert_eq!(s.units, vec![vec![4.0, 1.0], vec![2.0]]);
        assert_eq!(s.cost, 29.0);
        // In blocks of 2 (A 2 blocks, B 1): B's block fills the small line
        // and A's 2 blocks (4 units) fly the patrol; the block problem
        // carries the line's flight-hour cost unchanged (a share of the
        // pool is scale-free): 50 × 4 ÷ 10 + 2 × 2 = 24.
        let b = solve_in_blocks(&p, &data, Some(2.0), 10.0).unwrap();
        assert_eq!(b.units, vec![vec![4.0, 0.0], vec![2.0]]);
        assert_eq!(b.cost, 50.0 * 4.0 / 10.0 + 2.0 * 2.0);
        // A negative flight-hour cost is refused, never allocated.
        let mut bad = line(10.0, &[0, 1]);
        bad.flight_hour_cost_bits = Some((-1.0f64).to_bits());
        let s = solve(
            &SubProblem {
                capability: 0,
                lines: vec![bad],
            },
            &data,
            10.0,
        )
        .unwrap();
        assert!(s.error.is_some());
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
