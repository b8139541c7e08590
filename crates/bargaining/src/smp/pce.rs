//! Votes, coalitions and Probabilistic Condorcet Elections (PCE), as KTAB computes them.
//! Every sum runs left to right in index order so that results match KTAB bit for bit.

use super::options::{PceModel, VictoryProbModel, VotingRule};

/// Seed strength of every coalition over options (KTAB `minCltn`).
pub const COALITION_SEED: f64 = 1e-8;

/// Iteration cap for the Markov PCE variants (KTAB has none; we never loop forever).
const MARKOV_MAX_ITERATIONS: usize = 100_000;

/// An actor's vote of weight `w` for option a over option b, given its utilities
/// `ua`, `ub` (unitless; positive favours a). Source: KTAB `Model::vote`, SMP-SPEC
/// "Vote". Weights ≤ 0 are excluded by input validation.
pub fn vote(rule: VotingRule, w: f64, ua: f64, ub: f64) -> f64 {
    let delta = ua - ub;
    let binary = || (delta / 1e-8).clamp(-1.0, 1.0);
    match rule {
        VotingRule::Prop => w * delta,
        VotingRule::Binary => w * binary(),
        VotingRule::PropBin => w * (0.8 * delta + 0.2 * binary()),
        VotingRule::PropCbc => w * (0.5 * delta + 0.5 * delta * delta * delta),
        VotingRule::Cubic => w * (delta * delta * delta),
        VotingRule::ASymProsp => {
            if delta < 0.0 {
                w * delta
            } else {
                (2.0 / 3.0) * w * delta
            }
        }
    }
}

/// Coalition strengths C_ab = 1e-8 + Σ_k [vote_k(a, b)]⁺ over voters k in index order
/// (unitless, capability × utility). `util[k * m + a]` is voter k's utility of option a.
/// Returns an m × m row-major matrix with C_aa = 1e-8. Source: SMP-SPEC "Coalition strength".
pub fn coalition_strengths(rule: VotingRule, weights: &[f64], util: &[f64], m: usize) -> Vec<f64> {
    let mut c = vec![COALITION_SEED; m * m];
    for a in 0..m {
        for b in 0..m {
            if a == b {
                continue;
            }
            let mut s = COALITION_SEED;
            for (k, &w) in weights.iter().enumerate() {
                let v = vote(rule, w, util[k * m + a], util[k * m + b]);
                if v > 0.0 {
                    s += v;
                }
            }
            c[a * m + b] = s;
        }
    }
    c
}

/// The victory-probability transform f(s) (KTAB `VictoryProbModel`), unitless.
fn victory_power(model: VictoryProbModel, s: f64) -> f64 {
    match model {
        VictoryProbModel::Linear | VictoryProbModel::Binary => s,
        VictoryProbModel::Square => s * s,
        VictoryProbModel::Quartic => {
            let s2 = s * s;
            s2 * s2
        }
        VictoryProbModel::Octic => {
            let s2 = s * s;
            let s4 = s2 * s2;
            s4 * s4
        }
    }
}

/// Pairwise victory probabilities V_ab (probability that option a beats b) from
/// coalition strengths: V_ab = f(C_ab)/(f(C_ab) + f(C_ba)), V_aa = 0.5; for `Binary`
/// a 10% stronger side wins with certainty (loser 1e-6), with a linear ramp between.
/// Source: SMP-SPEC "Victory probability".
pub fn victory_probabilities(model: VictoryProbModel, coal: &[f64], m: usize) -> Vec<f64> {
    let mut v = vec![0.5; m * m];
    for a in 0..m {
        for b in (a + 1)..m {
            let (s1, s2) = (coal[a * m + b], coal[b * m + a]);
            let (pab, pba) = if model == VictoryProbModel::Binary {
                binary_victory(s1, s2)
            } else {
                let (f1, f2) = (victory_power(model, s1), victory_power(model, s2));
                (f1 / (f1 + f2), f2 / (f1 + f2))
            };
            v[a * m + b] = pab;
            v[b * m + a] = pba;
        }
    }
    v
}

/// KTAB's binary victory rule for strengths s1, s2 → (P(1 wins), P(2 wins)).
fn binary_victory(s1: f64, s2: f64) -> (f64, f64) {
    if s1 >= 1.1 * s2 {
        (1.0, 1e-6)
    } else if s2 >= 1.1 * s1 {
        (1e-6, 1.0)
    } else {
        let r = s1 / (s1 + s2);
        let p = (2.1 * r - 1.0) / 0.1;
        (p, 1.0 - p)
    }
}

/// Probability of each of m options prevailing (PCE), from victory probabilities
/// `v` and coalition strengths `coal`. Sums to 1. Source: SMP-SPEC "PCE".
pub fn pce(model: PceModel, v: &[f64], coal: &[f64], m: usize) -> Vec<f64> {
    match model {
        PceModel::Conditional => conditional_pce(v, m),
        PceModel::MarkovUniform => markov_uniform_pce(v, m),
        PceModel::MarkovIncentive => markov_incentive_pce(v, coal, m),
    }
}

/// Conditional PCE: P_a = Π_b V_ab / Σ_a' Π_b V_a'b.
fn conditional_pce(v: &[f64], m: usize) -> Vec<f64> {
    let mut p: Vec<f64> = (0..m)
        .map(|a| v[a * m..(a + 1) * m].iter().fold(1.0, |acc, x| acc * x))
        .collect();
    let total: f64 = p.iter().sum();
    for x in &mut p {
        *x /= total;
    }
    p
}

/// MarkovUniform PCE: iterate q_a = (1/m) Σ_b V_ab (P_a + P_b), P ← (P + q)/2 until
/// max |q − P| ≤ 1e-6.
fn markov_uniform_pce(v: &[f64], m: usize) -> Vec<f64> {
    markov_fixed_point(m, 1e-6, |p| {
        (0..m)
            .map(|a| (0..m).map(|b| v[a * m + b] * (p[a] + p[b])).sum::<f64>() / m as f64)
            .collect()
    })
}

/// MarkovIncentive PCE: n_ab = C_ab·V_ab (+1e-10 on the diagonal),
/// K(b,a) = n_ba / Σ_x n_xa; iterate q_a = Σ_b V_ab (P_a K(b,a) + P_b K(a,b)),
/// P ← (P + q)/2 until max |q − P| ≤ 1e-8.
fn markov_incentive_pce(v: &[f64], coal: &[f64], m: usize) -> Vec<f64> {
    let mut n = vec![0.0; m * m];
    for a in 0..m {
        for b in 0..m {
            n[a * m + b] = coal[a * m + b] * v[a * m + b] + if a == b { 1e-10 } else { 0.0 };
        }
    }
    let col_sum: Vec<f64> = (0..m).map(|a| (0..m).map(|x| n[x * m + a]).sum()).collect();
    let k = |b: usize, a: usize| n[b * m + a] / col_sum[a];
    markov_fixed_point(m, 1e-8, |p| {
        (0..m)
            .map(|a| {
                (0..m)
                    .map(|b| v[a * m + b] * (p[a] * k(b, a) + p[b] * k(a, b)))
                    .sum()
            })
            .collect()
    })
}

/// The damped iteration both Markov PCEs share: start from uniform P, compute
/// q = step(P), set P ← (P + q)/2, and stop once max |q − P| ≤ `tolerance`
/// (at most `MARKOV_MAX_ITERATIONS` rounds).
fn markov_fixed_point(m: usize, tolerance: f64, step: impl Fn(&[f64]) -> Vec<f64>) -> Vec<f64> {
    let mut p = vec![1.0 / m as f64; m];
    for _ in 0..MARKOV_MAX_ITERATIONS {
        let q = step(&p);
        let change = q
            .iter()
            .zip(&p)
            .map(|(q, p)| (q - p).abs())
            .fold(0.0, f64::max);
        for (pa, qa) in p.iter_mut().zip(&q) {
            *pa = (*pa + qa) / 2.0;
        }
        if change <= tolerance {
            break;
        }
    }
    p
}

/// One full PCE over m options voted on by `weights.len()` voters:
/// coalitions → victory probabilities → option probabilities.
pub fn option_probabilities(
    rule: VotingRule,
    vpm: VictoryProbModel,
    model: PceModel,
    weights: &[f64],
    util: &[f64],
    m: usize,
) -> Vec<f64> {
    let coal = coalition_strengths(rule, weights, util, m);
    let v = victory_probabilities(vpm, &coal, m);
    pce(model, &v, &coal, m)
}
