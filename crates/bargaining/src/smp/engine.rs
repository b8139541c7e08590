//! One SMP state and the step to the next, as KTAB's SMP computes them (SMP-SPEC
//! "One step of the model"). Internal scale 0–1; `x[i * d + k]` is actor i's
//! position on dimension k.

use rayon::prelude::*;

use super::formulas::{
    CHALLENGE_SEED, MIN_SIGNIFICANT_GAIN, POSITION_TOLERANCE, challenge_gain,
    estimated_risk_attitude, euclidean_distance, interpolated_bargain, max_margin_bargain,
    risk_attitude, salience_weighted_distance, spatial_utility, third_party_join_values,
};
use super::options::{BargnModel, InterVecBrgn, SmpOptions, StateTransition};
use super::pce::{option_probabilities, vote};
use crate::rng::uniform01;

/// Below this many actors the per-actor loops run on the calling thread: the work per
/// step is then too small to pay for handing it to other threads.
const PARALLEL_MIN_ACTORS: usize = 24;

/// `(0..n).map(f)` collected in order, in parallel when `n` is large. The result is the
/// same either way: each element depends only on its index.
fn map_indices<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    if n >= PARALLEL_MIN_ACTORS {
        (0..n).into_par_iter().map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
}

/// The fixed part of a run: capabilities and saliences (0–1), sizes, options.
pub(crate) struct Problem {
    pub n: usize,
    pub d: usize,
    pub capability: Vec<f64>,
    pub salience: Vec<f64>,
    /// S_i = Σ_k s_ik, summed in dimension order.
    pub total_salience: Vec<f64>,
    pub opts: SmpOptions,
}

/// Everything derived from one state's positions that the step needs.
pub(crate) struct StateView<'a> {
    p: &'a Problem,
    x: &'a [f64],
    /// Each actor's own risk attitude R_i.
    pub risk: Vec<f64>,
    /// `util[(h * n + i) * n + j]`: h's estimate of i's utility of j's position.
    util: Vec<f64>,
}

/// A proposed bargain: where the initiator and the receiver would move.
struct Bargain {
    init: usize,
    rcvr: usize,
    pos_init: Vec<f64>,
    pos_rcvr: Vec<f64>,
}

impl Problem {
    fn pos<'x>(&self, x: &'x [f64], i: usize) -> &'x [f64] {
        &x[i * self.d..(i + 1) * self.d]
    }

    fn sal(&self, i: usize) -> &[f64] {
        &self.salience[i * self.d..(i + 1) * self.d]
    }

    /// PCE over `m` options with capability-weighted votes; `util[a * m + o]`.
    fn pce(&self, util: &[f64], m: usize) -> Vec<f64> {
        let o = &self.opts;
        option_probabilities(
            o.voting_rule,
            o.victory_prob_model,
            o.pce_model,
            &self.capability,
            util,
            m,
        )
    }
}

impl<'a> StateView<'a> {
    /// Step 1 of SMP: infer risk attitudes from the risk-neutral PCE over all
    /// positions, then every actor's perceived utilities.
    pub fn new(p: &'a Problem, x: &'a [f64]) -> Self {
        let n = p.n;
        let dist: Vec<f64> = (0..n * n)
            .map(|ij| {
                let (i, j) = (ij / n, ij % n);
                salience_weighted_distance(p.pos(x, i), p.pos(x, j), p.sal(i))
            })
            .collect();
        let neutral: Vec<f64> = dist.iter().map(|&d| spatial_utility(d, 0.0)).collect();
        let prob = p.pce(&neutral, n);
        let p_min = prob.iter().copied().fold(f64::INFINITY, f64::min);
        let p_max = prob.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let risk: Vec<f64> = prob
            .iter()
            .map(|&pi| risk_attitude(p.opts.big_r_range, pi, p_min, p_max))
            .collect();
        let util: Vec<f64> = map_indices(n, |h| {
            (0..n * n)
                .map(|ij| {
                    let r = estimated_risk_attitude(p.opts.big_r_adjust, risk[h], risk[ij / n]);
                    spatial_utility(dist[ij], r)
                })
                .collect::<Vec<f64>>()
        })
        .concat();
        StateView { p, x, risk, util }
    }

    fn u(&self, h: usize, i: usize, j: usize) -> f64 {
        self.util[(h * self.p.n + i) * self.p.n + j]
    }

    /// h's estimate of the probability that i wins a challenge against j, and of
    /// k's expected gain from it (KTAB `probEduChlg`).
    fn challenge_estimate(&self, h: usize, k: usize, i: usize, j: usize) -> (f64, f64) {
        let p = self.p;
        let rule = p.opts.voting_rule;
        let w = |x: usize| p.total_salience[x] * p.capability[x];
        let pos = |v: f64| if v > 0.0 { v } else { 0.0 };
        let a_i = vote(rule, w(i), self.u(h, i, i), self.u(h, i, j));
        let a_j = vote(rule, w(j), self.u(h, j, i), self.u(h, j, j));
        let mut chi_ij = CHALLENGE_SEED + pos(a_i) + pos(a_j);
        let mut chi_ji = CHALLENGE_SEED + pos(-a_i) + pos(-a_j);
        let (base_ij, base_ji) = (chi_ij, chi_ji);
        for t in 0..p.n {
            if t == i || t == j {
                continue;
            }
            let (u_ti, u_tj, u_tt) = (self.u(h, t, i), self.u(h, t, j), self.u(h, t, t));
            let a_t = vote(rule, w(t), u_ti, u_tj);
            let pi = (base_ij + pos(a_t)) / (base_ij + pos(a_t) + base_ji + pos(-a_t));
            let (join_i, join_j) =
                third_party_join_values(p.opts.third_party_commit, pi, u_ti, u_tj, u_tt);
            let v_t = vote(rule, w(t), join_i, join_j);
            chi_ij += pos(v_t);
            chi_ji += pos(-v_t);
        }
        let prob = chi_ij / (chi_ij + chi_ji);
        let gain = challenge_gain(prob, p.total_salience[j], self.u(h, k, i), self.u(h, k, j));
        (prob, gain)
    }

    /// Step 3: the target of actor i's challenge (largest gain above 1e-5, lowest
    /// index on ties) and i's estimate of its probability of winning.
    fn choose_target(&self, i: usize) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64, f64)> = None;
        for j in 0..self.p.n {
            if j == i {
                continue;
            }
            let (prob, gain) = self.challenge_estimate(i, i, i, j);
            if gain > MIN_SIGNIFICANT_GAIN && best.is_none_or(|(_, g, _)| gain > g) {
                best = Some((j, gain, prob));
            }
        }
        best.map(|(j, _, prob)| (j, prob))
    }

    /// Step 4: the bargain i proposes to j when i wins with probability `p_i`.
    fn interpolate(&self, i: usize, j: usize, p_i: f64) -> Bargain {
        let p = self.p;
        let p_j = 1.0 - p_i;
        let (xi, xj, si, sj) = (p.pos(self.x, i), p.pos(self.x, j), p.sal(i), p.sal(j));
        let mut pos_init = Vec::with_capacity(p.d);
        let mut pos_rcvr = Vec::with_capacity(p.d);
        for k in 0..p.d {
            let (bi, bj) = match p.opts.inter_vec_brgn {
                InterVecBrgn::S2P2 => interpolated_bargain(
                    (si[k] * si[k]) * (p_i * p_i),
                    xi[k],
                    (sj[k] * sj[k]) * (p_j * p_j),
                    xj[k],
                ),
                InterVecBrgn::S1P1 => interpolated_bargain(si[k] * p_i, xi[k], sj[k] * p_j, xj[k]),
                InterVecBrgn::S2PMax => max_margin_bargain(p_i, si[k], xi[k], p_j, sj[k], xj[k]),
            };
            pos_init.push(bi);
            pos_rcvr.push(bj);
        }
        Bargain {
            init: i,
            rcvr: j,
            pos_init,
            pos_rcvr,
        }
    }

    /// The bargains actor i initiates this step (none, one, or two for InitRcvrInterp).
    fn proposals(&self, i: usize) -> Vec<Bargain> {
        let Some((j, p_i)) = self.choose_target(i) else {
            return Vec::new();
        };
        let own = self.interpolate(i, j, p_i);
        match self.p.opts.bargn_model {
            BargnModel::InitOnlyInterp => vec![own],
            BargnModel::InitRcvrInterp | BargnModel::PWCompInterp => {
                let (p_by_j, _) = self.challenge_estimate(j, j, i, j);
                let theirs = self.interpolate(i, j, p_by_j);
                if self.p.opts.bargn_model == BargnModel::InitRcvrInterp {
                    vec![own, theirs]
                } else {
                    vec![self.weighted_average(own, theirs)]
                }
            }
        }
    }

    /// PWCompInterp: average of the initiator's and the receiver's bargains, weighted
    /// by each side's capability × total salience (KTAB used the initiator's
    /// capability for both; we use each side's own).
    fn weighted_average(&self, a: Bargain, b: Bargain) -> Bargain {
        let p = self.p;
        let wa = p.capability[a.init] * p.total_salience[a.init];
        let wb = p.capability[a.rcvr] * p.total_salience[a.rcvr];
        let round = p.opts.inter_vec_brgn != InterVecBrgn::S2PMax;
        let mix = |x: &[f64], y: &[f64]| -> Vec<f64> {
            x.iter()
                .zip(y)
                .map(|(x, y)| {
                    let v = (wa * x + wb * y) / (wa + wb);
                    if round { super::formulas::round4(v) } else { v }
                })
                .collect()
        };
        Bargain {
            init: a.init,
            rcvr: a.rcvr,
            pos_init: mix(&a.pos_init, &b.pos_init),
            pos_rcvr: mix(&a.pos_rcvr, &b.pos_rcvr),
        }
    }

    /// Actor a's utility of the status quo: mean over x of U^a_ax.
    fn status_quo_utility(&self, a: usize) -> f64 {
        let n = self.p.n;
        let mut sum = 0.0;
        for x in 0..n {
            sum += self.u(a, a, x);
        }
        sum / n as f64
    }

    /// Actor a's utility of a bargain: the mean over actors of a's utility of their
    /// positions, with the two parties moved to the bargain (own R_a for those two).
    fn bargain_utility(&self, a: usize, b: &Bargain) -> f64 {
        let p = self.p;
        let (qa, sa, ra) = (p.pos(self.x, a), p.sal(a), self.risk[a]);
        let mut sum = 0.0;
        for x in 0..p.n {
            sum += if x == b.init {
                spatial_utility(salience_weighted_distance(qa, &b.pos_init, sa), ra)
            } else if x == b.rcvr {
                spatial_utility(salience_weighted_distance(qa, &b.pos_rcvr, sa), ra)
            } else {
                self.u(a, a, x)
            };
        }
        sum / p.n as f64
    }

    /// Steps 2–5: every actor proposes, then resolves its queue. Returns the new
    /// positions. `turn` selects the random streams of stochastic transitions.
    pub fn next_positions(&self, turn: usize) -> Vec<f64> {
        let p = self.p;
        let n = p.n;
        let bargains: Vec<Bargain> = map_indices(n, |i| self.proposals(i))
            .into_iter()
            .flatten()
            .collect();
        let sq: Vec<f64> = (0..n).map(|a| self.status_quo_utility(a)).collect();
        let bargain_util: Vec<Vec<f64>> = map_indices(bargains.len(), |q| {
            (0..n)
                .map(|a| self.bargain_utility(a, &bargains[q]))
                .collect()
        });
        let moves: Vec<Vec<f64>> = map_indices(n, |k| {
            // Queue: SQ, k's own bargains, then bargains aimed at k (initiator order).
            let mut queue: Vec<usize> = bargains
                .iter()
                .enumerate()
                .filter(|(_, b)| b.init == k)
                .map(|(q, _)| q)
                .collect();
            queue.extend(
                bargains
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.rcvr == k)
                    .map(|(q, _)| q),
            );
            if queue.is_empty() {
                return p.pos(self.x, k).to_vec();
            }
            let m = queue.len() + 1;
            let mut util = vec![0.0; n * m];
            for a in 0..n {
                util[a * m] = sq[a];
                for (o, &q) in queue.iter().enumerate() {
                    util[a * m + o + 1] = bargain_util[q][a];
                }
            }
            let prob = p.pce(&util, m);
            let chosen = match p.opts.state_transition {
                StateTransition::Deterministic => first_argmax(&prob),
                StateTransition::Stochastic => {
                    inverse_cdf(&prob, uniform01(p.opts.seed, turn as u64, k as u64))
                }
            };
            if chosen == 0 {
                p.pos(self.x, k).to_vec()
            } else {
                let b = &bargains[queue[chosen - 1]];
                if b.init == k {
                    b.pos_init.clone()
                } else {
                    b.pos_rcvr.clone()
                }
            }
        });
        moves.concat()
    }

    /// KTAB's reported win probabilities for this state: positions within 1e-3 are one
    /// option (first-seen order); each actor gets the probability of the last option it
    /// is equivalent to. Also returns the distinct options (actor indices) and their
    /// probabilities.
    pub fn win_probabilities(&self) -> (Vec<f64>, Vec<usize>, Vec<f64>) {
        let p = self.p;
        let n = p.n;
        let mut reps: Vec<usize> = Vec::new();
        for i in 0..n {
            let xi = p.pos(self.x, i);
            if !reps
                .iter()
                .any(|&r| euclidean_distance(xi, p.pos(self.x, r)) < POSITION_TOLERANCE)
            {
                reps.push(i);
            }
        }
        let m = reps.len();
        let mut util = vec![0.0; n * m];
        for i in 0..n {
            for (o, &r) in reps.iter().enumerate() {
                util[i * m + o] = self.u(i, i, r);
            }
        }
        let prob = p.pce(&util, m);
        let per_actor = (0..n)
            .map(|i| {
                let xi = p.pos(self.x, i);
                let last = reps
                    .iter()
                    .rposition(|&r| euclidean_distance(xi, p.pos(self.x, r)) < POSITION_TOLERANCE)
                    .unwrap_or(0);
                prob[last]
            })
            .collect();
        (per_actor, reps, prob)
    }
}

/// Index of the first largest value (KTAB's deterministic choice).
fn first_argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (o, &v) in p.iter().enumerate() {
        if v > p[best] {
            best = o;
        }
    }
    best
}

/// Index drawn by inverse CDF for a uniform `u` in [0, 1).
fn inverse_cdf(p: &[f64], u: f64) -> usize {
    let total: f64 = p.iter().sum();
    let mut cum = 0.0;
    for (o, &v) in p.iter().enumerate() {
        cum += v / total;
        if u < cum {
            return o;
        }
    }
    p.len() - 1
}
