//! The allocator against exact oracles written here (issue #13).
//!
//! - Single line (≥ 1,000 random sub-problems, continuous and whole units,
//!   near-tied costs, magnitudes up to 10^10, tiny pools): cheapest-first
//!   filling by cost group; the largest share is the partly used cost group's
//!   total over its availability (continuous) or the smallest breakpoint
//!   m / available at which ⌊available · z⌋ covers it (whole units, found
//!   per contributor by bisection in exact integer arithmetic).
//! - Several lines, whole units: exhaustive enumeration of every whole
//!   allocation, ranked lexicographically.
//! - Several lines, continuous, integral data: the first two stages equal
//!   the whole-unit enumeration's (the transportation polytope and its
//!   optimal faces have whole vertices); the largest share is the maximum,
//!   over every cut of the stage-3 network (enumerated exhaustively), of
//!   (total − fixed capacity of the cut) / (availability on the cut).
//!
//! Every solution is also checked for validity: within availability, only
//! eligible contributors, nothing negative, nothing below the negligible
//! amount, whole units whole.

use guarantor_engine::{
    CapabilityData, LineKey, SubProblem, SubSolution, line_demand, negligible_amount, solve,
};

/// splitmix64: a small deterministic generator, so that every run checks the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Log-uniform in [lo, hi].
    fn log(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp()
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// Costs with exact and near ties: 0 against 1e-7, 1 against 1 + 5e-9.
const COSTS: [f64; 8] = [0.0, 1e-7, 1.0, 1.000_000_005, 2.0, 3.5, 1e3, 1.0];

struct Case {
    integer: bool,
    pools: Vec<f64>,
    eligible: Vec<Vec<u32>>,
    available: Vec<f64>,
    cost: Vec<f64>,
}

impl Case {
    fn problem(&self) -> SubProblem {
        SubProblem {
            capability: 0,
            lines: self
                .pools
                .iter()
                .zip(&self.eligible)
                .map(|(p, e)| LineKey {
                    pool_bits: p.to_bits(),
                    eligible: e.clone(),
                    flight_hour_cost_bits: None,
                })
                .collect(),
        }
    }
    fn solve(&self) -> SubSolution {
        solve(
            &self.problem(),
            &CapabilityData {
                name: "test",
                integer: self.integer,
                available: &self.available,
                cost: &self.cost,
            },
            60.0,
        )
        .expect("solves")
    }
    fn scale(&self) -> f64 {
        self.pools
            .iter()
            .chain(&self.available)
            .fold(0.0_f64, |a, &b| a.max(b))
    }
    fn negligible(&self) -> f64 {
        negligible_amount(self.integer, self.scale())
    }
    /// Units a contributor can give: whole units as they are, continuous
    /// amounts at or below the negligible amount count as nothing.
    fn cap(&self, c: usize) -> f64 {
        let a = self.available[c];
        if !self.integer && a <= self.negligible() {
            0.0
        } else {
            a
        }
    }
    fn demand(&self, l: usize) -> f64 {
        line_demand(self.pools[l], self.integer, self.negligible())
    }
}

/// The three stage values of a solution, recomputed from its units:
/// Σ (demand − given)⁺ / weight, cost, largest share.
fn stages(case: &Case, sol: &SubSolution) -> (f64, f64, f64) {
    let mut share = 0.0;
    let mut cost = 0.0;
    let mut used = vec![0.0; case.available.len()];
    for (l, row) in sol.units.iter().enumerate() {
        let given: f64 = row.iter().sum();
        let d = case.demand(l);
        if d > 0.0 && given < d {
            share += (d - given) / d;
        }
        for (&c, &x) in case.eligible[l].iter().zip(row) {
            cost += x * case.cost[c as usize];
            used[c as usize] += x;
        }
    }
    let z = used
        .iter()
        .enumerate()
        .filter(|(_, u)| **u > 0.0)
        .map(|(c, u)| u / case.available[c])
        .fold(0.0, f64::max);
    (share, cost, z)
}

/// Equal within `rel` relative (both finite).
fn close(a: f64, b: f64, rel: f64) -> bool {
    a.is_finite() && b.is_finite() && (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Equal within `rel` relative or `abs` absolute (both finite).
fn near(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    close(a, b, rel) || (a.is_finite() && b.is_finite() && (a - b).abs() <= abs)
}

/// Within availability, eligible only, nothing negative or negligible, whole units whole.
fn assert_valid(case: &Case, sol: &SubSolution, what: &str) {
    let neg = case.negligible();
    let mut used = vec![0.0; case.available.len()];
    for (l, row) in sol.units.iter().enumerate() {
        assert_eq!(row.len(), case.eligible[l].len(), "{what}");
        for (&c, &x) in case.eligible[l].iter().zip(row) {
            assert!(x == 0.0 || x > neg, "{what}: a crumb of {x}");
            if case.integer {
                assert_eq!(x, x.round(), "{what}: {x} is not whole");
            }
            used[c as usize] += x;
        }
        let given: f64 = row.iter().sum();
        assert!(
            given <= case.demand(l) * (1.0 + 1e-12),
            "{what}: line {l} given {given} for a demand of {}",
            case.demand(l)
        );
    }
    for (c, u) in used.iter().enumerate() {
        assert!(
            *u <= case.cap(c) * (1.0 + 1e-12),
            "{what}: contributor {c} gives {u} of {}",
            case.cap(c)
        );
    }
}

/// Smallest z = m / a (some contributor's breakpoint) with Σ ⌊a_c · z⌋ ≥ need,
/// in exact integer arithmetic: per contributor, bisection on m.
fn whole_z(avail: &[u128], need: u128) -> (u128, u128) {
    let covers = |num: u128, den: u128| avail.iter().map(|&a| a * num / den).sum::<u128>() >= need;
    let mut best: Option<(u128, u128)> = None;
    for &a in avail.iter().filter(|&&a| a > 0) {
        if !covers(a, a) {
            continue;
        }
        let (mut lo, mut hi) = (0u128, a); // covers(hi / a) holds
        while hi > lo + 1 {
            let mid = (lo + hi) / 2;
            if covers(mid, a) { hi = mid } else { lo = mid }
        }
        let m = if covers(lo, a) { lo } else { hi };
        best = Some(match best {
            Some((n, d)) if n * a <= m * d => (n, d),
            _ => (m, a),
        });
    }
    best.expect("feasible")
}

/// The single-line oracle: (shortfall, cost, largest share).
fn single_line_oracle(case: &Case) -> (f64, f64, f64) {
    let d = case.demand(0);
    let elig: Vec<usize> = case.eligible[0].iter().map(|&c| c as usize).collect();
    let total: f64 = elig.iter().map(|&c| case.cap(c)).sum();
    let supplied = d.min(total);
    let short = if supplied >= d {
        0.0
    } else {
        case.pools[0] - supplied
    };
    let short = if short <= case.negligible() {
        0.0
    } else {
        short
    };
    // Cost groups, cheapest first.
    let mut costs: Vec<f64> = elig
        .iter()
        .filter(|&&c| case.cap(c) > 0.0)
        .map(|&c| case.cost[c])
        .collect();
    costs.sort_by(f64::total_cmp);
    costs.dedup();
    let mut left = supplied;
    let mut cost = 0.0;
    let mut z = 0.0_f64;
    for k in costs {
        if left <= 0.0 {
            break;
        }
        let group: Vec<usize> = elig
            .iter()
            .copied()
            .filter(|&c| case.cost[c] == k && case.cap(c) > 0.0)
            .collect();
        let cap: f64 = group.iter().map(|&c| case.cap(c)).sum();
        let take = left.min(cap);
        cost += k * take;
        left -= take;
        if take >= cap {
            z = 1.0;
        } else if case.integer {
            let avail: Vec<u128> = group.iter().map(|&c| case.cap(c) as u128).collect();
            let (n, den) = whole_z(&avail, take as u128);
            z = z.max(n as f64 / den as f64);
        } else {
            z = z.max(take / cap);
        }
    }
    (short, cost, z)
}

/// Draws one availability.
type Draw = Box<dyn Fn(&mut Rng) -> f64>;

fn single_line_case(rng: &mut Rng, kind: u64) -> Case {
    let n = 1 + rng.below(6) as usize;
    let integer = matches!(kind, 3 | 4);
    let (pool, avail): (f64, Draw) = match kind {
        0 => (rng.log(1.0, 1e4), Box::new(|r: &mut Rng| r.log(1.0, 5e3))),
        1 => (rng.log(1e8, 1e10), Box::new(|r: &mut Rng| r.log(1e7, 5e9))),
        2 => {
            let (small, negligible) = (rng.log(1e-5, 1e-2), rng.log(1e-11, 1e-7));
            (
                if rng.below(4) == 0 { negligible } else { small },
                Box::new(|r: &mut Rng| r.log(1e-8, 1e-2)),
            )
        }
        3 => (
            (rng.unit() * 60.0 * 4.0).round() / 4.0,
            Box::new(|r: &mut Rng| r.below(21) as f64),
        ),
        4 => (
            rng.log(1e6, 1e9).round(),
            Box::new(|r: &mut Rng| r.log(1e5, 5e8).round()),
        ),
        _ => (rng.log(1e7, 1e9), Box::new(|r: &mut Rng| r.log(1e6, 1e9))),
    };
    let available: Vec<f64> = (0..n)
        .map(|_| if rng.below(8) == 0 { 0.0 } else { avail(rng) })
        .collect();
    let cost: Vec<f64> = (0..n)
        .map(|i| {
            if kind == 5 {
                // Near ties only: 0 vs 1e-7, 1 vs 1 + 5e-9.
                [0.0, 1e-7, 1.0, 1.000_000_005][(i + rng.below(2) as usize) % 4]
            } else {
                rng.pick(&COSTS)
            }
        })
        .collect();
    let eligible: Vec<u32> = (0..n as u32).filter(|_| rng.below(5) != 0).collect();
    Case {
        integer,
        pools: vec![pool],
        eligible: vec![eligible],
        available,
        cost,
    }
}

#[test]
fn single_line_allocations_equal_the_cheapest_first_oracle() {
    let mut rng = Rng(13);
    let mut checked = 0;
    for i in 0..1_800u64 {
        let case = single_line_case(&mut rng, i % 6);
        let sol = case.solve();
        let what = format!(
            "case {i}: pool {:e}, available {:?}, cost {:?}, eligible {:?}, integer {}",
            case.pools[0], case.available, case.cost, case.eligible[0], case.integer
        );
        assert_valid(&case, &sol, &what);
        let (short, cost, z) = single_line_oracle(&case);
        let (_, got_cost, got_z) = stages(&case, &sol);
        // Exact within 1e-9 relative, except that an amount at or below the
        // negligible amount is not allocated (docs/model.md §3): the cost may
        // then be short of that amount's cost.
        let neg = case.negligible();
        let crumbs = neg * case.available.len() as f64 * 1e3;
        assert!(
            near(sol.total_shortfall(), short, 1e-9, neg),
            "{what}: short {} vs {short}",
            sol.total_shortfall()
        );
        assert!(
            near(got_cost, cost, 1e-9, crumbs),
            "{what}: cost {got_cost} vs {cost}"
        );
        assert!(
            near(sol.cost, cost, 1e-9, crumbs),
            "{what}: reported cost {} vs {cost}",
            sol.cost
        );
        assert!(
            close(got_z, z, 1e-9) || (z == 0.0 && got_z == 0.0),
            "{what}: z {got_z} vs {z}"
        );
        assert!(
            close(sol.max_share, z, 1e-9) || (z == 0.0 && sol.max_share == 0.0),
            "{what}: reported z {} vs {z}",
            sol.max_share
        );
        checked += 1;
    }
    assert_eq!(checked, 1_800);
}

/// Every whole allocation of a small sub-problem, lexicographically best
/// (shortfall share, cost, largest share) with exact comparisons of these
/// small values; ties within 1e-12 of the value. Returns the stage values and
/// one optimal allocation.
fn enumerate_best(case: &Case) -> ((f64, f64, f64), Vec<Vec<f64>>) {
    let arcs: Vec<(usize, usize)> = case
        .eligible
        .iter()
        .enumerate()
        .flat_map(|(l, e)| e.iter().map(move |&c| (l, c as usize)))
        .collect();
    let mut x = vec![0u64; arcs.len()];
    let mut best = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let mut best_x = x.clone();
    loop {
        let mut given = vec![0u64; case.pools.len()];
        let mut used = vec![0u64; case.available.len()];
        for (&(l, c), &v) in arcs.iter().zip(&x) {
            given[l] += v;
            used[c] += v;
        }
        let ok = given
            .iter()
            .enumerate()
            .all(|(l, &g)| g as f64 <= case.demand(l))
            && used
                .iter()
                .enumerate()
                .all(|(c, &u)| u as f64 <= case.cap(c));
        if ok {
            let share: f64 = (0..case.pools.len())
                .filter(|&l| case.demand(l) > 0.0)
                .map(|l| (case.demand(l) - given[l] as f64) / case.demand(l))
                .sum();
            let cost: f64 = arcs
                .iter()
                .zip(&x)
                .map(|(&(_, c), &v)| v as f64 * case.cost[c])
                .sum();
            let z = used
                .iter()
                .enumerate()
                .filter(|(_, u)| **u > 0)
                .map(|(c, &u)| u as f64 / case.available[c])
                .fold(0.0, f64::max);
            let better = |a: f64, b: f64| {
                if b.is_finite() {
                    a < b - 1e-12 * b.abs()
                } else {
                    a < b
                }
            };
            let same = |a: f64, b: f64| !better(a, b) && !better(b, a);
            if better(share, best.0)
                || (same(share, best.0) && better(cost, best.1))
                || (same(share, best.0) && same(cost, best.1) && better(z, best.2))
            {
                best = (share, cost, z);
                best_x = x.clone();
            }
        }
        // Next vector in mixed radix (each arc up to its contributor's availability).
        let mut i = 0;
        loop {
            if i == arcs.len() {
                let mut units: Vec<Vec<f64>> =
                    case.eligible.iter().map(|e| vec![0.0; e.len()]).collect();
                let mut k = 0;
                for row in &mut units {
                    for v in row.iter_mut() {
                        *v = best_x[k] as f64;
                        k += 1;
                    }
                }
                return (best, units);
            }
            x[i] += 1;
            let (l, c) = arcs[i];
            if (x[i] as f64) <= case.cap(c).min(case.demand(l)) {
                break;
            }
            x[i] = 0;
            i += 1;
        }
    }
}

fn multi_line_case(rng: &mut Rng, integer: bool) -> Case {
    loop {
        let nl = 2 + rng.below(2) as usize;
        let nc = 2 + rng.below(2) as usize;
        let pools: Vec<f64> = (0..nl)
            .map(|_| {
                let p = 1 + rng.below(5);
                if integer && rng.below(3) == 0 {
                    p as f64 - 0.5
                } else {
                    p as f64
                }
            })
            .collect();
        let available: Vec<f64> = (0..nc).map(|_| rng.below(5) as f64).collect();
        let cost: Vec<f64> = (0..nc).map(|_| rng.pick(&COSTS)).collect();
        let eligible: Vec<Vec<u32>> = (0..nl)
            .map(|_| (0..nc as u32).filter(|_| rng.below(3) != 0).collect())
            .collect();
        let arcs: usize = eligible.iter().map(Vec::len).sum();
        if arcs <= 7 {
            return Case {
                integer,
                pools,
                eligible,
                available,
                cost,
            };
        }
    }
}

#[test]
fn whole_unit_multi_line_allocations_equal_exhaustive_enumeration() {
    let mut rng = Rng(1313);
    for i in 0..400 {
        let case = multi_line_case(&mut rng, true);
        let sol = case.solve();
        let what = format!(
            "case {i}: pools {:?}, available {:?}, cost {:?}, eligible {:?}",
            case.pools, case.available, case.cost, case.eligible
        );
        assert_valid(&case, &sol, &what);
        let (best, _) = enumerate_best(&case);
        let got = stages(&case, &sol);
        assert!(
            close(got.0, best.0, 1e-9),
            "{what}: share {got:?} vs {best:?}"
        );
        assert!(
            close(got.1, best.1, 1e-9),
            "{what}: cost {got:?} vs {best:?}"
        );
        assert!(close(got.2, best.2, 1e-9), "{what}: z {got:?} vs {best:?}");
        assert!(close(sol.max_share, best.2, 1e-9), "{what}");
    }
}

/// The exact continuous largest share: build the stage-3 network from the
/// stage-1 line-group totals and stage-2 cost-group totals of an optimal
/// whole allocation (`units`), and take the maximum over all cuts of
/// (total − fixed capacity) / (availability of the contributor arcs cut).
fn continuous_z(case: &Case, units: &[Vec<f64>]) -> f64 {
    let nl = case.pools.len();
    let nc = case.available.len();
    // Line groups by equal pool, cost groups by equal cost (among contributors that give).
    let mut pools: Vec<f64> = (0..nl)
        .filter(|&l| case.demand(l) > 0.0)
        .map(|l| case.pools[l])
        .collect();
    pools.sort_by(f64::total_cmp);
    pools.dedup();
    let mut costs: Vec<f64> = (0..nc)
        .filter(|&c| case.cap(c) > 0.0)
        .map(|c| case.cost[c])
        .collect();
    costs.sort_by(f64::total_cmp);
    costs.dedup();
    let mut line_total = vec![0.0; pools.len()];
    let mut cost_total = vec![0.0; costs.len()];
    for (l, row) in units.iter().enumerate() {
        for (&c, &x) in case.eligible[l].iter().zip(row) {
            if x > 0.0 {
                line_total[pools.iter().position(|&p| p == case.pools[l]).unwrap()] += x;
                cost_total[costs
                    .iter()
                    .position(|&k| k == case.cost[c as usize])
                    .unwrap()] += x;
            }
        }
    }
    let total: f64 = line_total.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    // Nodes: 0 S, 1 T, cost groups, contributors, lines, line groups.
    let (ng, nk) = (costs.len(), pools.len());
    let cg = |j: usize| 2 + j;
    let cn = |c: usize| 2 + ng + c;
    let ln = |l: usize| 2 + ng + nc + l;
    let lg = |k: usize| 2 + ng + nc + nl + k;
    let nodes = 2 + ng + nc + nl + nk;
    // (from, to, fixed capacity, availability scaled by z)
    let mut arcs: Vec<(usize, usize, f64, f64)> = Vec::new();
    for (j, &u) in cost_total.iter().enumerate() {
        arcs.push((0, cg(j), u, 0.0));
    }
    for c in (0..nc).filter(|&c| case.cap(c) > 0.0) {
        let j = costs.iter().position(|&k| k == case.cost[c]).unwrap();
        arcs.push((cg(j), cn(c), 0.0, case.cap(c)));
    }
    for (l, e) in case.eligible.iter().enumerate() {
        if case.demand(l) == 0.0 {
            continue;
        }
        for &c in e {
            arcs.push((cn(c as usize), ln(l), f64::INFINITY, 0.0));
        }
        let k = pools.iter().position(|&p| p == case.pools[l]).unwrap();
        arcs.push((ln(l), lg(k), case.demand(l), 0.0));
    }
    for (k, &d) in line_total.iter().enumerate() {
        arcs.push((lg(k), 1, d, 0.0));
    }
    let mut z = 0.0_f64;
    for mask in 0u64..(1 << (nodes - 2)) {
        let side = |v: usize| v == 0 || (v >= 2 && mask >> (v - 2) & 1 == 1);
        let (mut fixed, mut slope) = (0.0, 0.0);
        for &(u, v, f, a) in &arcs {
            if side(u) && !side(v) {
                fixed += f;
                slope += a;
            }
        }
        if fixed.is_finite() && slope > 0.0 {
            z = z.max((total - fixed) / slope);
        }
    }
    z.min(1.0)
}

#[test]
fn continuous_multi_line_allocations_equal_the_exact_optimum() {
    let mut rng = Rng(131313);
    for i in 0..300 {
        let mut case = multi_line_case(&mut rng, false);
        let sol = case.solve();
        let what = format!(
            "case {i}: pools {:?}, available {:?}, cost {:?}, eligible {:?}",
            case.pools, case.available, case.cost, case.eligible
        );
        assert_valid(&case, &sol, &what);
        // Integral data: the continuous first two stages equal the whole ones.
        case.integer = true;
        let (best, units) = enumerate_best(&case);
        case.integer = false;
        let got = stages(&case, &sol);
        assert!(
            close(got.0, best.0, 1e-9),
            "{what}: share {got:?} vs {best:?}"
        );
        assert!(
            close(got.1, best.1, 1e-9),
            "{what}: cost {got:?} vs {best:?}"
        );
        let z = continuous_z(&case, &units);
        assert!(close(got.2, z, 1e-9), "{what}: z {} vs {z}", got.2);
        assert!(close(sol.max_share, z, 1e-9), "{what}");
        assert!(z <= best.2 + 1e-12, "{what}: continuous above whole");
    }
}
