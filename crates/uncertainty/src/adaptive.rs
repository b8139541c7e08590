//! Adaptive choice of the packages to study: successive halving (Jamieson &
//! Talwalkar 2016, "Non-stochastic best arm identification and hyperparameter
//! optimization", AISTATS; the fixed-budget halving of Karnin, Koren & Somekh
//! 2013) over common, nested draws.
//!
//! Every candidate package is first evaluated on the first `n₀` draws of the
//! plan (the screen). Each round then keeps the better half by the robust order
//! (never fewer than the K packages asked for, and always the protected ones:
//! the deterministic #1 and a package chosen with `--option`) and doubles the
//! draws, until K remain; those are evaluated on every draw, so the reported
//! estimates have the precision the user asked for. Draws are nested (round r
//! adds draws n_{r−1}..n_r to the survivors' first n_{r−1}), so no evaluation is
//! thrown away, and all packages are compared on the same draws (common random
//! numbers), which makes the comparisons paired.
//!
//! The total cost is about C·n₀ + (log₂(C/K) − 1)·C·n₀/2 + K·N package
//! evaluations, instead of C·N for every package on every draw.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::robust::{Study, robust_order};

/// One round of the halving.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// Packages evaluated in this round.
    pub packages: usize,
    /// Draws each of them has seen at the end of the round.
    pub draws: usize,
    /// Packages kept for the next round (all of them in the last round).
    pub kept: usize,
    /// P(pass) of the weakest package kept.
    pub cutoff: f64,
    /// The best P(pass) among the packages dropped (None: none dropped).
    pub best_dropped: Option<f64>,
}

/// How the packages studied were chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub method: String,
    /// Packages screened.
    pub candidates: usize,
    /// Draws of the screen, n₀.
    pub first_draws: usize,
    /// Packages asked for, K.
    pub keep: usize,
    pub rounds: Vec<Round>,
    /// Package evaluations (package × draw) spent.
    pub evaluations: usize,
    /// Package evaluations that every candidate on every draw would take.
    pub exhaustive_evaluations: usize,
    pub note: Option<String>,
}

/// Packages kept by one halving round of `alive` packages when `keep` are
/// asked for: max(K, ⌈alive/2⌉) (before protected packages are added back).
///
/// Unit: packages. Source: Jamieson & Talwalkar (2016), Algorithm 1 (keep the
/// better half each round). Example: 2,160 alive, K = 10 → 1,080; 17 alive →
/// 10 (never below K); 8 alive → 8.
pub fn halving_survivors(alive: usize, keep: usize) -> usize {
    alive.div_ceil(2).max(keep).min(alive)
}

/// Draws for the next round: twice the current ones, capped at the plan's N,
/// and N at once when no more than K packages (plus the protected ones) remain,
/// since nothing is left to eliminate.
///
/// Unit: draws. Source: Jamieson & Talwalkar (2016), budget r_k doubling as
/// the arms halve. Example: current 32, N = 10,000, 1,080 left, K = 10 → 64;
/// current 8,192 → 10,000; 10 left → 10,000.
pub fn halving_next_draws(current: usize, total: usize, alive: usize, keep: usize) -> usize {
    if alive <= keep {
        total
    } else {
        current.saturating_mul(2).min(total)
    }
}

/// Run successive halving over every candidate of `study`, starting with
/// `first_draws` draws; `protected` candidates are never dropped. Returns the
/// packages studied on every draw (the best K by the robust order, plus the
/// protected ones), and the record of the rounds.
pub fn successive_halving(
    study: &mut Study<'_>,
    keep: usize,
    protected: &[usize],
    first_draws: usize,
    total: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<usize>, Screening), Error> {
    let c = study.candidates.len();
    let mut h = Halving::first(c, first_draws, total);
    loop {
        study.extend(&h.alive, h.to, progress)?;
        if let Some(alive) = h.round(study, keep, protected, total) {
            return Ok((alive, h.screening(c, first_draws, total, keep)));
        }
    }
}

/// Successive halving between two rounds: which packages the next round
/// evaluates, on which draws, and the rounds so far. One machine runs the
/// rounds in a loop ([`successive_halving`]); under shards each round is a
/// stage (one job array evaluating `from..to` for `alive`), and the merge of
/// a stage's partials calls [`Halving::round`] to write the next stage's plan.
/// Floating-point values are kept as bit patterns, so a plan written to a
/// file and read back continues exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Halving {
    /// Stage (round) number, from 0.
    pub stage: usize,
    /// Candidates (indices into the study's candidates, ascending) the round evaluates.
    pub alive: Vec<usize>,
    /// Draws the alive packages have seen before the round.
    pub from: usize,
    /// Draws they have seen after it.
    pub to: usize,
    /// The rounds done: packages, draws, kept, cutoff bits, best dropped bits.
    rounds: Vec<(usize, usize, usize, u64, Option<u64>)>,
    /// Package evaluations spent so far.
    pub evaluations: usize,
}

impl Halving {
    /// The first round: every one of `candidates` on the first n₀ draws.
    pub fn first(candidates: usize, first_draws: usize, total: usize) -> Halving {
        Halving {
            stage: 0,
            alive: (0..candidates).collect(),
            from: 0,
            to: first_draws.clamp(1, total.max(1)),
            rounds: Vec::new(),
            evaluations: 0,
        }
    }

    /// End the round once `study` holds draws `0..to` of every alive
    /// package: rank them, keep the better half (the best `keep` in the last
    /// round, and always the `protected` ones), free the dropped ones' draws.
    /// Returns the packages studied on every draw after the last round
    /// (ascending), or `None` and moves `self` on to the next round.
    pub fn round(
        &mut self,
        study: &mut Study<'_>,
        keep: usize,
        protected: &[usize],
        total: usize,
    ) -> Option<Vec<usize>> {
        let keep = keep.max(1);
        self.evaluations += self.alive.len() * (self.to - self.from);
        // Rank the alive packages on the draws they have seen.
        let mut ranked: Vec<(crate::robust::PackageRobustness, usize)> = self
            .alive
            .iter()
            .map(|&k| (study.robustness(k), k))
            .collect();
        ranked.sort_by(|a, b| robust_order(&a.0, &b.0));
        let last = self.to >= total;
        // The last round keeps the best K; earlier ones the better half.
        let m = if last {
            keep.min(ranked.len())
        } else {
            halving_survivors(ranked.len(), keep)
        };
        let mut kept: Vec<usize> = ranked[..m].iter().map(|r| r.1).collect();
        for &p in protected {
            if self.alive.contains(&p) && !kept.contains(&p) {
                kept.push(p);
            }
        }
        let cutoff = ranked
            .iter()
            .filter(|r| kept.contains(&r.1))
            .map(|r| r.0.passes.p)
            .fold(f64::INFINITY, f64::min);
        let best_dropped = ranked
            .iter()
            .find(|r| !kept.contains(&r.1))
            .map(|r| r.0.passes.p);
        self.rounds.push((
            self.alive.len(),
            study.evaluated(),
            kept.len(),
            cutoff.to_bits(),
            best_dropped.map(f64::to_bits),
        ));
        // Free what the dropped packages' draws hold.
        for &k in &self.alive {
            if !kept.contains(&k) {
                study.candidates[k].draws = Default::default();
            }
        }
        kept.sort_unstable();
        if last {
            self.alive = kept.clone();
            return Some(kept);
        }
        let extra = protected.iter().filter(|p| kept.contains(p)).count();
        let next = halving_next_draws(self.to, total, kept.len() - extra, keep);
        self.alive = kept;
        self.stage += 1;
        self.from = self.to;
        self.to = next;
        None
    }

    /// The rounds done so far.
    pub fn rounds(&self) -> Vec<Round> {
        self.rounds
            .iter()
            .map(|&(packages, draws, kept, cutoff, best)| Round {
                packages,
                draws,
                kept,
                cutoff: f64::from_bits(cutoff),
                best_dropped: best.map(f64::from_bits),
            })
            .collect()
    }

    /// The record of a finished halving over `candidates` packages.
    pub fn screening(
        &self,
        candidates: usize,
        first_draws: usize,
        total: usize,
        keep: usize,
    ) -> Screening {
        let keep = keep.max(1);
        Screening {
            method: "successive halving on common draws (Jamieson & Talwalkar 2016)".into(),
            candidates,
            first_draws: first_draws.clamp(1, total),
            keep,
            rounds: self.rounds(),
            evaluations: self.evaluations,
            exhaustive_evaluations: candidates.saturating_mul(total),
            note: (candidates <= keep)
                .then(|| format!("only {candidates} packages: every one is studied on every draw")),
        }
    }

    /// Most rounds (stages) a halving from `first_draws` to `total` draws
    /// can take: the draws double every round until they reach the total
    /// (fewer when only K packages are left earlier).
    ///
    /// Unit: rounds. Example: n₀ = 32, N = 1,000 → 32, 64, …, 512, 1,000: 6.
    pub fn max_stages(first_draws: usize, total: usize) -> usize {
        let total = total.max(1);
        let mut n = first_draws.clamp(1, total);
        let mut stages = 1;
        while n < total {
            n = n.saturating_mul(2).min(total);
            stages += 1;
        }
        stages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_keeps_the_better_half_but_never_fewer_than_asked() {
        assert_eq!(halving_survivors(2160, 10), 1080);
        assert_eq!(halving_survivors(17, 10), 10);
        assert_eq!(halving_survivors(21, 10), 11);
        assert_eq!(halving_survivors(8, 10), 8);
        assert_eq!(halving_survivors(1, 1), 1);
    }

    #[test]
    fn stages_are_bounded_by_the_doublings_of_the_draws() {
        assert_eq!(Halving::max_stages(32, 1000), 6);
        assert_eq!(Halving::max_stages(32, 32), 1);
        assert_eq!(Halving::max_stages(32, 10), 1);
        assert_eq!(Halving::max_stages(32, 10_000), 10);
    }

    #[test]
    fn draws_double_until_the_plan_is_used_up() {
        assert_eq!(halving_next_draws(32, 10_000, 1080, 10), 64);
        assert_eq!(halving_next_draws(8192, 10_000, 20, 10), 10_000);
        assert_eq!(halving_next_draws(64, 10_000, 10, 10), 10_000);
        // The whole schedule from 2,160 packages, K = 10, n₀ = 32, N = 10,000.
        let (mut alive, mut n, mut sched) = (2160usize, 32usize, vec![]);
        loop {
            sched.push((alive, n));
            if n == 10_000 {
                break;
            }
            alive = halving_survivors(alive, 10);
            n = halving_next_draws(n, 10_000, alive, 10);
        }
        assert_eq!(
            sched,
            vec![
                (2160, 32),
                (1080, 64),
                (540, 128),
                (270, 256),
                (135, 512),
                (68, 1024),
                (34, 2048),
                (17, 4096),
                (10, 10_000)
            ]
        );
    }
}
