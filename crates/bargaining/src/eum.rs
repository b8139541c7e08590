//! The Bueno de Mesquita expected-utility model (EUM), one dimension at a time, as
//! described by Bueno de Mesquita (1994) and unravelled by Scholz, Calbert & Smith
//! (2011). The printed equations leave choices open that change the forecast; each is
//! a named switch here, and two named modes fix them all:
//!
//! - `scholz-code` (default): what jmckib's "faithful to Scholz' code" replication
//!   does (global probability denominator, evaluator's risk exponent, compromise
//!   chosen by the smallest weighted target, capitulation unreachable).
//! - `literal`: the printed equations (pairwise probability, P_ij + P_ji = 1),
//!   risk-neutral votes, each actor's own risk exponent, capitulation as printed,
//!   least-move offer choice, positions rescaled to [0, 1]. With the emission example
//!   this reproduces the clean-room transcription of the Scholz appendix; its other
//!   variants are this mode with `perspective`, `probability` or `offer_selection`
//!   changed.
//!
//! Positions are in the scenario's units (0–100 for Guarantor; any range works);
//! saliences 0–100 are divided by 100; capability as given.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::forecast::{FinalState, Forecast, make_turn};
use crate::names::{named_enum, normalise};
use crate::scenario::Scenario;

named_enum! {
    /// Denominator of the probability that i's position beats j's.
    ProbabilityDenominator {
        /// Σ_k |vote_k(i, j)|: the printed eq. 30/31, so P_ij + P_ji = 1.
        Pairwise = "pairwise",
        /// Σ_k Σ_a Σ_b |vote_k(a, b)| over all pairs (Scholz's code): every P is small.
        Global = "global",
    } default Global
}

named_enum! {
    /// Whose risk exponent enters the expected utilities an actor compares.
    Perspective {
        /// The evaluating actor's own r for both E_ij and E_ji (Scholz's code).
        Evaluator = "evaluator",
        /// E_ij with r_i and E_ji with r_j.
        Own = "own",
    } default Evaluator
}

named_enum! {
    /// Whose risk exponent the votes behind a win probability use.
    VoteRisk {
        /// Each voter its own r_k (jmckib / Scholz's code).
        Voter = "voter",
        /// Every voter the r of the actor whose expected utility is computed.
        Perspective = "perspective",
        /// Risk-neutral votes, r = 1 for every voter: c_k s_k (|x_k − b| − |x_k − a|)/range
        /// (the clean-room transcription of the Scholz appendix).
        Neutral = "neutral",
    } default Voter
}

named_enum! {
    /// Which offer an actor accepts when it has several.
    OfferSelection {
        /// The offer that moves it least, whatever its kind.
        LeastMove = "least-move",
        /// Confrontations first, then compromises, then capitulations; least move within.
        CategoryThenLeastMove = "category-then-least-move",
        /// As above, but among compromises the smallest |E|-weighted target (Scholz's code).
        CategoryScholzCompromise = "category-scholz-compromise",
    } default CategoryScholzCompromise
}

named_enum! {
    /// The capitulation test (E_ji > 0 > E_ij and E_ji < |E_ij|).
    Capitulation {
        /// As printed: the actor capitulates and moves to the other's position.
        AsPrinted = "as-printed",
        /// Scholz's code compares E_ji with |E_ji|, so it never capitulates.
        ScholzTypo = "scholz-typo",
    } default ScholzTypo
}

named_enum! {
    /// The units positions are computed in. Mathematically the same; they round
    /// differently, which decides ties once two actors' positions nearly coincide.
    PositionScale {
        /// The scenario's units; distances are divided by the range of the initial
        /// positions (jmckib).
        Raw = "raw",
        /// Positions mapped to [0, 1] by (x − x_min)/(x_max − x_min) of the initial
        /// positions before the run and mapped back after every round (clean-room).
        Unit = "unit",
    } default Raw
}

/// EUM switches. `EumOptions::default()` is the `scholz-code` mode.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EumOptions {
    /// See [`ProbabilityDenominator`].
    pub probability: ProbabilityDenominator,
    /// See [`Perspective`].
    pub perspective: Perspective,
    /// See [`VoteRisk`].
    pub vote_risk: VoteRisk,
    /// See [`OfferSelection`].
    pub offer_selection: OfferSelection,
    /// See [`Capitulation`].
    pub capitulation: Capitulation,
    /// See [`PositionScale`].
    pub position_scale: PositionScale,
    /// Q: probability that the status quo persists if nobody challenges (1.0 as in Scholz).
    pub q: f64,
    /// Number of rounds (the model has no stopping rule).
    pub rounds: usize,
}

impl Default for EumOptions {
    fn default() -> Self {
        EumOptions {
            probability: ProbabilityDenominator::Global,
            perspective: Perspective::Evaluator,
            vote_risk: VoteRisk::Voter,
            offer_selection: OfferSelection::CategoryScholzCompromise,
            capitulation: Capitulation::ScholzTypo,
            position_scale: PositionScale::Raw,
            q: 1.0,
            rounds: 10,
        }
    }
}

/// EUM mode names accepted by [`EumOptions::mode`].
pub const EUM_MODES: &[&str] = &["scholz-code", "literal"];

impl EumOptions {
    /// A named mode: `scholz-code` or `literal`.
    pub fn mode(name: &str) -> Result<Self> {
        match normalise(name).as_str() {
            "scholzcode" | "scholz" | "jmckib" => Ok(EumOptions::default()),
            "literal" => Ok(EumOptions {
                probability: ProbabilityDenominator::Pairwise,
                perspective: Perspective::Own,
                vote_risk: VoteRisk::Neutral,
                offer_selection: OfferSelection::LeastMove,
                capitulation: Capitulation::AsPrinted,
                position_scale: PositionScale::Unit,
                ..EumOptions::default()
            }),
            _ => Err(Error::UnknownName {
                what: "EUM mode".into(),
                given: name.to_string(),
                allowed: EUM_MODES.join(", "),
            }),
        }
    }

    /// Sets one switch: `probability`, `perspective`, `vote_risk`, `offer_selection`,
    /// `capitulation`, `position_scale`, `q`, `rounds`, or `mode` (resets all to the
    /// mode).
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let bad = |what: &str, allowed: &str| Error::UnknownName {
            what: format!("value of {what}"),
            given: value.to_string(),
            allowed: allowed.to_string(),
        };
        match normalise(key).as_str() {
            "mode" => *self = EumOptions::mode(value)?,
            "probability" => self.probability = value.parse()?,
            "perspective" => self.perspective = value.parse()?,
            "voterisk" => self.vote_risk = value.parse()?,
            "offerselection" => self.offer_selection = value.parse()?,
            "capitulation" => self.capitulation = value.parse()?,
            "positionscale" => self.position_scale = value.parse()?,
            "q" => {
                self.q = value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .ok_or_else(|| bad("q", "a number in [0, 1]"))?
            }
            "rounds" => {
                self.rounds = value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| bad("rounds", "a whole number"))?
            }
            _ => {
                return Err(Error::UnknownName {
                    what: "EUM option".into(),
                    given: key.to_string(),
                    allowed: "mode, probability, perspective, vote_risk, offer_selection, \
                              capitulation, position_scale, q, rounds"
                        .into(),
                });
            }
        }
        Ok(())
    }

    /// Short label: the mode name if the switches equal a mode, else the switches.
    pub fn label(&self) -> String {
        for m in EUM_MODES {
            if EumOptions::mode(m).is_ok_and(|o| o == *self) {
                return format!("eum:{m}");
            }
        }
        format!(
            "eum:probability={},perspective={},vote_risk={},offer_selection={},capitulation={},\
             position_scale={},q={},rounds={}",
            self.probability,
            self.perspective,
            self.vote_risk,
            self.offer_selection,
            self.capitulation,
            self.position_scale,
            self.q,
            self.rounds
        )
    }
}

/// One issue (dimension) of the EUM: capabilities, saliences (0–1) and the fixed
/// position range used to normalise distances.
struct Issue<'a> {
    c: &'a [f64],
    s: Vec<f64>,
    range: f64,
    q: f64,
}

/// Voter k's vote for position `a` over position `b` with risk exponent `r`
/// (capability × salience units): c_k s_k ((|x_k − b|/range)^r − (|x_k − a|/range)^r).
/// Scholz et al. (2011) eq. 29.
pub fn eum_vote(c_k: f64, s_k: f64, x_k: f64, a: f64, b: f64, range: f64, r: f64) -> f64 {
    c_k * s_k * (((x_k - b).abs() / range).powf(r) - ((x_k - a).abs() / range).powf(r))
}

/// Utility of succeeding in a challenge over distance |x_i − x_j| (unitless, BdM 1994):
/// 2 − 4(0.5 − 0.5|x_i − x_j|/range)^r.
pub fn utility_success(distance: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * (0.5 - 0.5 * distance / range).powf(r)
}

/// Utility of failing in a challenge: 2 − 4(0.5 + 0.5|x_i − x_j|/range)^r.
pub fn utility_failure(distance: f64, range: f64, r: f64) -> f64 {
    2.0 - 4.0 * (0.5 + 0.5 * distance / range).powf(r)
}

/// Utility of the status quo: 2 − 4·0.5^r.
pub fn utility_status_quo(r: f64) -> f64 {
    2.0 - 4.0 * 0.5f64.powf(r)
}

/// Risk exponent from the risk acceptance R ∈ [−1, 1]: r = (1 − R/3)/(1 + R/3) ∈ [0.5, 2].
pub fn risk_exponent(big_r: f64) -> f64 {
    (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
}

impl Issue<'_> {
    fn vote(&self, k: usize, x: &[f64], a: f64, b: f64, r: f64) -> f64 {
        eum_vote(self.c[k], self.s[k], x[k], a, b, self.range, r)
    }

    /// P(i's position beats j's) for every ordered pair, with voters' exponents `r`.
    fn probabilities(&self, x: &[f64], r: &[f64], denom: ProbabilityDenominator) -> Vec<f64> {
        let n = x.len();
        let global = match denom {
            ProbabilityDenominator::Global => {
                let mut sum = 0.0;
                for (k, &rk) in r.iter().enumerate() {
                    for &xa in x {
                        for &xb in x {
                            sum += self.vote(k, x, xa, xb, rk).abs();
                        }
                    }
                }
                sum
            }
            ProbabilityDenominator::Pairwise => 0.0,
        };
        let mut p = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                if x[i] == x[j] {
                    continue;
                }
                let mut num = 0.0;
                let mut pair = 0.0;
                for (k, &rk) in r.iter().enumerate() {
                    let v = self.vote(k, x, x[i], x[j], rk);
                    num += v.max(0.0);
                    pair += v.abs();
                }
                let d = if denom == ProbabilityDenominator::Global {
                    global
                } else {
                    pair
                };
                p[i * n + j] = if d > 0.0 { num / d } else { 0.0 };
            }
        }
        p
    }

    /// E^r_ij: expected utility to i of challenging j, with risk exponent `r`
    /// (Scholz et al. 2011 eqs. 22–28 with Q as the status-quo weight).
    fn expected_utility(&self, x: &[f64], prob: &[f64], i: usize, j: usize, r: f64) -> f64 {
        let n = x.len();
        let p = prob[i * n + j];
        let dist = (x[i] - x[j]).abs();
        let us = utility_success(dist, self.range, r);
        let uf = utility_failure(dist, self.range, r);
        let resist = self.s[j] * (p * us + (1.0 - p) * uf);
        let not_resist = (1.0 - self.s[j]) * us;
        resist + not_resist - self.q * utility_status_quo(r)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum OfferKind {
    Confrontation,
    Compromise,
    Capitulation,
}

struct Offer {
    kind: OfferKind,
    position: f64,
    scholz_key: f64,
}

/// Risk exponents r_i for one round: with every r = 1 (and the chosen denominator), an
/// actor's danger is the sum of the others' expected utilities of challenging it;
/// R_i = (2 danger_i − max − min)/(max − min) over the actors, r_i = [`risk_exponent`].
/// Returns (r, P with r = 1).
fn risk_exponents(issue: &Issue, x: &[f64], denom: ProbabilityDenominator) -> (Vec<f64>, Vec<f64>) {
    let n = x.len();
    let prob1 = issue.probabilities(x, &vec![1.0; n], denom);
    let danger: Vec<f64> = (0..n)
        .map(|a| {
            (0..n)
                .filter(|&o| o != a)
                .map(|o| issue.expected_utility(x, &prob1, o, a, 1.0))
                .fold(0.0, |acc, v| acc + v)
        })
        .collect();
    let dmax = danger.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let dmin = danger.iter().copied().fold(f64::INFINITY, f64::min);
    let r = danger
        .iter()
        .map(|&dl| {
            let big_r = if dmax > dmin {
                (2.0 * dl - dmax - dmin) / (dmax - dmin)
            } else {
                0.0
            };
            risk_exponent(big_r)
        })
        .collect();
    (r, prob1)
}

/// What every actor sees in one round: risk exponents and the win probabilities the
/// expected utilities use.
struct RoundView {
    r: Vec<f64>,
    /// P from the voters' exponents (`voter`) or with r = 1 (`neutral`).
    shared_prob: Vec<f64>,
    /// P per perspective actor h, every voter with r_h (`perspective` only).
    perspective_prob: Vec<Vec<f64>>,
}

impl RoundView {
    fn new(issue: &Issue, x: &[f64], opts: &EumOptions) -> Self {
        let n = x.len();
        let (r, prob1) = risk_exponents(issue, x, opts.probability);
        let shared_prob = match opts.vote_risk {
            VoteRisk::Neutral => prob1,
            VoteRisk::Voter => issue.probabilities(x, &r, opts.probability),
            VoteRisk::Perspective => Vec::new(),
        };
        let perspective_prob = match opts.vote_risk {
            VoteRisk::Voter | VoteRisk::Neutral => Vec::new(),
            VoteRisk::Perspective => (0..n)
                .map(|h| issue.probabilities(x, &vec![r[h]; n], opts.probability))
                .collect(),
        };
        RoundView {
            r,
            shared_prob,
            perspective_prob,
        }
    }

    fn prob_for(&self, h: usize) -> &[f64] {
        if self.perspective_prob.is_empty() {
            &self.shared_prob
        } else {
            &self.perspective_prob[h]
        }
    }

    /// (E_ij, E_ji) as i weighs them: E_ij with r_i; E_ji with r_j (`own`) or r_i
    /// (`evaluator`).
    fn expected_utilities(
        &self,
        issue: &Issue,
        x: &[f64],
        i: usize,
        j: usize,
        perspective: Perspective,
    ) -> (f64, f64) {
        let e_ij = issue.expected_utility(x, self.prob_for(i), i, j, self.r[i]);
        let h = match perspective {
            Perspective::Own => j,
            Perspective::Evaluator => i,
        };
        let e_ji = issue.expected_utility(x, self.prob_for(h), j, i, self.r[h]);
        (e_ij, e_ji)
    }
}

/// One round on one issue: risk exponents from danger levels, then every actor
/// accepts its best offer; moves are simultaneous. Returns the new positions.
fn eum_round(issue: &Issue, x: &[f64], opts: &EumOptions) -> Vec<f64> {
    let n = x.len();
    let view = RoundView::new(issue, x, opts);
    (0..n)
        .map(|i| {
            let mut offers = Vec::new();
            for j in 0..n {
                if x[i] == x[j] {
                    continue;
                }
                let (e_ij, e_ji) = view.expected_utilities(issue, x, i, j, opts.perspective);
                let capitulation_test = match opts.capitulation {
                    Capitulation::AsPrinted => e_ji < e_ij.abs(),
                    Capitulation::ScholzTypo => e_ji < e_ji.abs(),
                };
                let (kind, position) = if e_ji > e_ij && e_ij > 0.0 {
                    (OfferKind::Confrontation, x[j])
                } else if e_ji > 0.0 && 0.0 > e_ij && e_ji > e_ij.abs() {
                    (
                        OfferKind::Compromise,
                        x[i] + (x[j] - x[i]) * (e_ij / e_ji).abs(),
                    )
                } else if e_ji > 0.0 && 0.0 > e_ij && capitulation_test {
                    (OfferKind::Capitulation, x[j])
                } else {
                    continue;
                };
                let scholz_key =
                    (e_ij.abs() * x[i] + e_ji.abs() * x[j]) / (e_ij.abs() + e_ji.abs());
                offers.push(Offer {
                    kind,
                    position,
                    scholz_key,
                });
            }
            best_offer(&offers, x[i], opts.offer_selection).unwrap_or(x[i])
        })
        .collect()
}

/// The accepted offer's position (first in actor order on ties), or `None`.
fn best_offer(offers: &[Offer], xi: f64, rule: OfferSelection) -> Option<f64> {
    let least = |it: &mut dyn Iterator<Item = &Offer>, key: &dyn Fn(&Offer) -> f64| {
        let mut best: Option<&Offer> = None;
        for o in it {
            if best.is_none_or(|b| key(o) < key(b)) {
                best = Some(o);
            }
        }
        best.map(|o| o.position)
    };
    let moved = |o: &Offer| (xi - o.position).abs();
    if rule == OfferSelection::LeastMove {
        return least(&mut offers.iter(), &moved);
    }
    for kind in [
        OfferKind::Confrontation,
        OfferKind::Compromise,
        OfferKind::Capitulation,
    ] {
        let mut it = offers.iter().filter(|o| o.kind == kind);
        let pick =
            if kind == OfferKind::Compromise && rule == OfferSelection::CategoryScholzCompromise {
                least(&mut it, &|o: &Offer| o.scholz_key)
            } else {
                least(&mut it, &moved)
            };
        if pick.is_some() {
            return pick;
        }
    }
    None
}

/// The weighted (Condorcet) median the EUM reports: the distinct positions, in
/// first-seen order, play a sequential pairwise vote with r = 1 and the winner stays.
pub fn eum_median(c: &[f64], s: &[f64], x: &[f64], range: f64) -> f64 {
    let mut distinct: Vec<f64> = Vec::new();
    for &v in x {
        if !distinct.contains(&v) {
            distinct.push(v);
        }
    }
    let range = if range > 0.0 { range } else { 1.0 };
    let mut median = distinct[0];
    for &cand in &distinct[1..] {
        let votes: f64 = (0..x.len())
            .map(|k| c[k] * s[k] * ((x[k] - median).abs() / range - (x[k] - cand).abs() / range))
            .sum();
        if votes > 0.0 {
            median = cand;
        }
    }
    median
}

/// The weighted mean Σ c s x / Σ c s the EUM literature reports beside the median.
pub fn eum_mean(c: &[f64], s: &[f64], x: &[f64]) -> f64 {
    let num: f64 = (0..x.len()).map(|k| c[k] * s[k] * x[k]).sum();
    let den: f64 = (0..x.len()).map(|k| c[k] * s[k]).sum();
    if den > 0.0 { num / den } else { f64::NAN }
}

/// Runs the EUM for `opts.rounds` rounds on every dimension independently. The
/// outcome per dimension is the weighted median ([`eum_median`]) after the last round.
pub fn eum(scenario: &Scenario, opts: &EumOptions) -> Result<Forecast> {
    scenario.validate()?;
    let n = scenario.num_actors();
    let d = scenario.num_dims();
    let c: Vec<f64> = scenario.actors.iter().map(|a| a.capability).collect();
    // traj[t][i][k]
    let mut traj: Vec<Vec<Vec<f64>>> = vec![scenario.positions(); opts.rounds + 1];
    let mut outcome = Vec::with_capacity(d);
    for k in 0..d {
        let mut x: Vec<f64> = scenario.actors.iter().map(|a| a.positions[k]).collect();
        let s: Vec<f64> = scenario
            .actors
            .iter()
            .map(|a| a.saliences[k] / 100.0)
            .collect();
        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
        let range = hi - lo;
        // With `unit`, the rounds run on (x − lo)/range and report lo + x'·range.
        let unit = opts.position_scale == PositionScale::Unit && range > 0.0;
        if unit {
            x.iter_mut().for_each(|v| *v = (*v - lo) / range);
        }
        let to_units = |v: f64| if unit { lo + v * range } else { v };
        let issue = Issue {
            c: &c,
            s: s.clone(),
            range: if unit { 1.0 } else { range },
            q: opts.q,
        };
        for round in traj.iter_mut().skip(1) {
            if issue.range > 0.0 {
                x = eum_round(&issue, &x, opts);
            }
            for i in 0..n {
                round[i][k] = to_units(x[i]);
            }
        }
        let last: Vec<f64> = x.iter().map(|&v| to_units(v)).collect();
        outcome.push(eum_median(&c, &s, &last, range));
    }
    let names: Vec<String> = scenario.actors.iter().map(|a| a.name.clone()).collect();
    let turns: Vec<_> = traj
        .iter()
        .enumerate()
        .map(|(t, p)| make_turn(t, &names, p))
        .collect();
    Ok(Forecast {
        model: opts.label(),
        dimensions: scenario.dimensions.clone(),
        steps: opts.rounds,
        final_state: FinalState::after(&turns, outcome, None),
        turns,
        risk_attitudes: Vec::new(),
        win_probability_history: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    //! Round 1 of the emission example against jmckib's trace
    //! (`run_jmckib_emission_round1_trace.json` in the EUM reference; numbers only).

    use super::*;

    // Netherlands, Belgium, Luxembourg, Germany, France, Italy, UK, Ireland, Denmark, Greece
    const C: [f64; 10] = [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08];
    const X: [f64; 10] = [4.0, 7.0, 4.0, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0];
    const S: [f64; 10] = [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7];
    const BELGIUM: usize = 1;
    const FRANCE: usize = 4;

    fn issue() -> Issue<'static> {
        Issue {
            c: &C,
            s: S.to_vec(),
            range: 6.0,
            q: 1.0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn global_probabilities_with_r_1_match_the_trace() {
        let p = issue().probabilities(&X, &[1.0; 10], ProbabilityDenominator::Global);
        // P(Belgium beats Netherlands / France), P(France beats Belgium / Netherlands).
        assert!(close(p[BELGIUM * 10], 0.00759749229624911));
        assert!(close(p[BELGIUM * 10 + FRANCE], 0.006039032338044165));
        assert!(close(p[FRANCE * 10 + BELGIUM], 0.00595048347678252));
        assert!(close(p[FRANCE * 10], 0.01190096695356504));
        assert_eq!(p[BELGIUM * 10 + 7], 0.0);
    }

    #[test]
    fn pairwise_probabilities_sum_to_one() {
        let p = issue().probabilities(&X, &[1.0; 10], ProbabilityDenominator::Pairwise);
        assert!(close(
            p[BELGIUM * 10 + FRANCE] + p[FRANCE * 10 + BELGIUM],
            1.0
        ));
    }

    #[test]
    fn risk_exponents_match_the_trace() {
        let (r, _) = risk_exponents(&issue(), &X, ProbabilityDenominator::Global);
        let trace = [
            1.4056527842180304,
            0.7541959272436861,
            0.5088637910269406,
            1.4056527842180304,
            1.0465238960570615,
            1.0465238960570615,
            1.9648982295073372,
            0.5,
            2.0,
            1.112124970858258,
        ];
        for (ours, theirs) in r.iter().zip(trace) {
            assert!((ours - theirs).abs() < 1e-12, "{ours} vs {theirs}");
        }
    }

    /// jmckib recomputes P with each voter's r_k before the offers (E_ij = −0.11483,
    /// E_ji = 0.24330, Belgium → 8.41593); the clean-room code keeps the r = 1 votes
    /// (`vote_risk = neutral`): E_ij = −0.11622, E_ji = 0.24429, Belgium → 8.42722.
    #[test]
    fn belgium_france_expected_utilities_differ_only_by_vote_risk() {
        let mut opts = EumOptions::default();
        let view = RoundView::new(&issue(), &X, &opts);
        let (e_ij, e_ji) =
            view.expected_utilities(&issue(), &X, BELGIUM, FRANCE, Perspective::Evaluator);
        assert!(close(e_ij, -0.11483050347300794));
        assert!(close(e_ji, 0.2432965945234421));
        assert!(close(7.0 + 3.0 * (e_ij / e_ji).abs(), 8.415932315426764));

        opts.vote_risk = VoteRisk::Neutral;
        let view = RoundView::new(&issue(), &X, &opts);
        let (e_ij, e_ji) =
            view.expected_utilities(&issue(), &X, BELGIUM, FRANCE, Perspective::Evaluator);
        assert!((e_ij + 0.1162179).abs() < 1e-7, "{e_ij}");
        assert!((e_ji - 0.2442890).abs() < 1e-7, "{e_ji}");
        assert!((7.0 + 3.0 * (e_ij / e_ji).abs() - 8.4272).abs() < 5e-5);
    }
}
