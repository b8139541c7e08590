//! Robustness beyond P(pass): regret, satisficing, and paired differences
//! between packages on their common draws — the metrics of robust decision
//! making (Lempert, Groves, Popper & Bankes 2006; McPhail et al. 2018,
//! "Robustness metrics: how are they calculated, when should they be used and
//! why do they give different results?").
//!
//! Every package studied has been evaluated on the same draws, so draw i is
//! one "state of the world" for all of them: regret compares packages within a
//! draw, and differences of P(pass) are paired.

use serde::Serialize;

use crate::error::{Error, Setting};
use crate::robust::{Estimate, PackageDraws, quantile_sorted};

/// The outcome on which regret is measured (larger is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegretOutcome {
    /// Deterrence if the package passes in the draw, else 0 (a package that
    /// fails deters nothing, since it is not agreed or cannot be staffed).
    DeterrenceIfPass,
    /// 1 if the package passes, else 0.
    Pass,
    /// Deterrence whether or not the package passes.
    Deterrence,
}

impl RegretOutcome {
    pub const NAMES: [&'static str; 3] = ["deterrence-if-pass", "pass", "deterrence"];

    pub fn parse(s: &str) -> Result<RegretOutcome, Error> {
        match s {
            "deterrence-if-pass" => Ok(RegretOutcome::DeterrenceIfPass),
            "pass" => Ok(RegretOutcome::Pass),
            "deterrence" => Ok(RegretOutcome::Deterrence),
            _ => Err(Error::setting(
                Setting::RegretOutcome,
                format!(
                    "\"{s}\" is not an outcome; use one of {}",
                    Self::NAMES.join(", ")
                ),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RegretOutcome::DeterrenceIfPass => Self::NAMES[0],
            RegretOutcome::Pass => Self::NAMES[1],
            RegretOutcome::Deterrence => Self::NAMES[2],
        }
    }

    /// The outcome of draw `i`.
    pub fn value(self, d: &PackageDraws, i: usize) -> f64 {
        match self {
            RegretOutcome::DeterrenceIfPass => {
                if d.passes[i] {
                    d.deterrence[i]
                } else {
                    0.0
                }
            }
            RegretOutcome::Pass => f64::from(u8::from(d.passes[i])),
            RegretOutcome::Deterrence => d.deterrence[i],
        }
    }
}

/// User thresholds for satisficing: a draw satisfices when the package passes
/// and its cost and deterrence meet the thresholds given.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Thresholds {
    /// Cost per year at most this (the scenario's currency).
    pub max_cost: Option<f64>,
    /// Deterrence at least this.
    pub min_deterrence: Option<f64>,
}

impl Thresholds {
    /// "cost<=800,deterrence>=0.6" (either part may be left out).
    pub fn parse(s: &str) -> Result<Thresholds, Error> {
        let bad = |part: &str, why: &str| {
            Err(Error::setting(
                Setting::Thresholds,
                format!(
                    "\"{s}\": \"{part}\" {why}; write cost<=X and/or deterrence>=Y, separated by a comma (e.g. cost<=800,deterrence>=0.6)"
                ),
            ))
        };
        let mut t = Thresholds::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, op, value) = if let Some((n, v)) = part.split_once("<=") {
                (n.trim(), "<=", v.trim())
            } else if let Some((n, v)) = part.split_once(">=") {
                (n.trim(), ">=", v.trim())
            } else {
                return bad(part, "has no <= or >=");
            };
            let Ok(x) = value.parse::<f64>() else {
                return bad(part, "does not end in a number");
            };
            if !x.is_finite() {
                return bad(part, "is not a finite number");
            }
            match (name, op) {
                ("cost", "<=") if t.max_cost.is_none() => t.max_cost = Some(x),
                ("deterrence", ">=") if t.min_deterrence.is_none() => t.min_deterrence = Some(x),
                ("cost", "<=") | ("deterrence", ">=") => return bad(part, "is given twice"),
                ("cost", _) => return bad(part, "must be an upper bound (cost<=X)"),
                ("deterrence", _) => return bad(part, "must be a lower bound (deterrence>=Y)"),
                _ => return bad(part, "names no outcome (cost or deterrence)"),
            }
        }
        if t.max_cost.is_none() && t.min_deterrence.is_none() {
            return bad(s, "sets no threshold");
        }
        Ok(t)
    }

    /// Does draw `i` satisfice?
    pub fn met(&self, d: &PackageDraws, i: usize) -> bool {
        d.passes[i]
            && self.max_cost.is_none_or(|c| d.cost[i] <= c)
            && self.min_deterrence.is_none_or(|m| d.deterrence[i] >= m)
    }

    pub fn describe(&self) -> String {
        let mut parts = vec!["passes".to_string()];
        if let Some(c) = self.max_cost {
            parts.push(format!("cost ≤ {c}"));
        }
        if let Some(m) = self.min_deterrence {
            parts.push(format!("deterrence ≥ {m}"));
        }
        parts.join(" and ")
    }
}

/// Regret of each package in each draw: the best outcome any package studied
/// reaches in that draw minus the package's own, r_k(i) = max_j v_j(i) − v_k(i).
///
/// Unit: the outcome's. Source: Savage (1951), "The theory of statistical
/// decision"; the regret metric of robust decision making (Lempert et al.
/// 2006). Example: outcomes per package [[0.6, 0.0], [0.5, 0.4]] (two
/// packages, two draws) → regrets [[0.0, 0.4], [0.1, 0.0]].
pub fn regret(outcomes: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = outcomes.first().map_or(0, Vec::len);
    let best: Vec<f64> = (0..n)
        .map(|i| {
            outcomes
                .iter()
                .map(|v| v[i])
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    outcomes
        .iter()
        .map(|v| v.iter().zip(&best).map(|(x, b)| b - x).collect())
        .collect()
}

/// A difference of two P(pass) on common draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// P(a passes) − P(b passes).
    pub diff: f64,
    /// Standard error using the pairing (McNemar's variance).
    pub se_paired: f64,
    /// Standard error as if the two estimates came from independent draws.
    pub se_unpaired: f64,
}

/// Paired difference of two pass/fail series on the same draws:
/// d = p₁₀ − p₀₁ with p₁₀ the share of draws where only a passes and p₀₁ where
/// only b does, SE = √((p₁₀ + p₀₁ − d²)/n); against the unpaired
/// √(p_a(1 − p_a)/n + p_b(1 − p_b)/n). Positive correlation between the two
/// (common draws) makes the paired SE smaller.
///
/// Unit: probability. Source: the variance of a difference of paired
/// proportions (McNemar 1947; Agresti, *Categorical Data Analysis*, §10.1).
/// Example: a = [1, 1, 0, 0], b = [1, 0, 0, 0]: d = 0.25, paired SE
/// √((0.25 − 0.0625)/4) = 0.2165, unpaired √(0.0625 + 0.046875) = 0.3307.
pub fn paired_difference(a: &[bool], b: &[bool]) -> Difference {
    let n = a.len().min(b.len());
    if n == 0 {
        return Difference {
            diff: f64::NAN,
            se_paired: f64::NAN,
            se_unpaired: f64::NAN,
        };
    }
    let nf = n as f64;
    let only_a = a.iter().zip(b).filter(|(x, y)| **x && !**y).count() as f64 / nf;
    let only_b = a.iter().zip(b).filter(|(x, y)| !**x && **y).count() as f64 / nf;
    let d = only_a - only_b;
    let pa = Estimate::proportion(a[..n].iter().filter(|&&x| x).count(), n);
    let pb = Estimate::proportion(b[..n].iter().filter(|&&x| x).count(), n);
    Difference {
        diff: d,
        se_paired: ((only_a + only_b - d * d).max(0.0) / nf).sqrt(),
        se_unpaired: (pa.se * pa.se + pb.se * pb.se).sqrt(),
    }
}

/// One package's robustness metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageMetrics {
    /// Robust rank (by P(pass)).
    pub rank: usize,
    pub label: String,
    pub max_regret: f64,
    /// 90th percentile of regret over the draws (Hyndman & Fan type 7).
    pub p90_regret: f64,
    pub mean_regret: f64,
    /// P(satisfices), with thresholds only.
    pub satisficing: Option<Estimate>,
    /// P(robust #1 passes) − P(this package passes), on the common draws
    /// (None for the robust #1 itself).
    pub behind_top: Option<Difference>,
}

/// Robustness metrics of the packages studied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub regret_outcome: RegretOutcome,
    pub thresholds: Option<Thresholds>,
    pub packages: Vec<PackageMetrics>,
    /// Metric → the package it ranks best.
    pub best: Vec<(String, String)>,
    /// Set when the metrics pick different packages.
    pub note: Option<String>,
}

/// Regret, satisficing and paired differences for `packages` (labels and
/// draws in robust order).
pub fn compare(
    labels: &[(usize, String)],
    draws: &[&PackageDraws],
    outcome: RegretOutcome,
    thresholds: Option<Thresholds>,
) -> Comparison {
    let n = draws.first().map_or(0, |d| d.len());
    let values: Vec<Vec<f64>> = draws
        .iter()
        .map(|d| (0..n).map(|i| outcome.value(d, i)).collect())
        .collect();
    let regrets = regret(&values);
    let packages: Vec<PackageMetrics> = labels
        .iter()
        .zip(draws)
        .zip(&regrets)
        .enumerate()
        .map(|(k, (((rank, label), d), r))| {
            let mut sorted = r.clone();
            sorted.sort_by(f64::total_cmp);
            PackageMetrics {
                rank: *rank,
                label: label.clone(),
                max_regret: sorted.last().copied().unwrap_or(f64::NAN),
                p90_regret: quantile_sorted(&sorted, 0.9),
                mean_regret: r.iter().sum::<f64>() / n.max(1) as f64,
                satisficing: thresholds
                    .map(|t| Estimate::proportion((0..n).filter(|&i| t.met(d, i)).count(), n)),
                behind_top: (k > 0).then(|| paired_difference(&draws[0].passes, &d.passes)),
            }
        })
        .collect();
    // The best package by each metric; ties go to the better robust rank.
    let pick = |key: &dyn Fn(&PackageMetrics) -> f64| -> Option<String> {
        packages
            .iter()
            .min_by(|a, b| key(a).total_cmp(&key(b)).then(a.rank.cmp(&b.rank)))
            .map(|p| p.label.clone())
    };
    let mut best = Vec::new();
    if let Some(p) = packages.iter().min_by_key(|p| p.rank) {
        best.push(("P(pass)".to_string(), p.label.clone()));
    }
    if let Some(l) = pick(&|p| p.max_regret) {
        best.push(("minimax regret".into(), l));
    }
    if let Some(l) = pick(&|p| p.p90_regret) {
        best.push(("90th-percentile regret".into(), l));
    }
    if thresholds.is_some()
        && let Some(l) = pick(&|p| -p.satisficing.map_or(0.0, |e| e.p))
    {
        best.push(("satisficing".into(), l));
    }
    let disagree = best.windows(2).any(|w| w[0].1 != w[1].1);
    let note = disagree.then(|| {
        let parts: Vec<String> = best.iter().map(|(m, l)| format!("{m} picks {l}")).collect();
        format!(
            "the metrics disagree on the best package: {}",
            parts.join("; ")
        )
    });
    Comparison {
        regret_outcome: outcome,
        thresholds,
        packages,
        best,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(passes: &[bool], det: &[f64], cost: &[f64]) -> PackageDraws {
        PackageDraws {
            passes: passes.to_vec(),
            feasible: passes.to_vec(),
            cost: cost.to_vec(),
            deterrence: det.to_vec(),
            ..PackageDraws::default()
        }
    }

    #[test]
    fn regret_is_the_gap_to_the_best_in_each_draw() {
        let r = regret(&[vec![0.6, 0.0], vec![0.5, 0.4]]);
        assert_eq!(r[0], vec![0.0, 0.4]);
        assert!((r[1][0] - 0.1).abs() < 1e-12);
        assert_eq!(r[1][1], 0.0);
    }

    #[test]
    fn paired_difference_matches_the_worked_example() {
        let d = paired_difference(&[true, true, false, false], &[true, false, false, false]);
        assert_eq!(d.diff, 0.25);
        assert!((d.se_paired - 0.216_506_350_946_109_6).abs() < 1e-12);
        assert!((d.se_unpaired - (0.0625f64 + 0.046875).sqrt()).abs() < 1e-12);
        // Identical series: no difference and no uncertainty about it.
        let same = paired_difference(&[true, false, true], &[true, false, true]);
        assert_eq!((same.diff, same.se_paired), (0.0, 0.0));
    }

    #[test]
    fn thresholds_parse_and_refuse_nonsense() {
        let t = Thresholds::parse("cost<=800, deterrence>=0.6").unwrap();
        assert_eq!(t.max_cost, Some(800.0));
        assert_eq!(t.min_deterrence, Some(0.6));
        assert_eq!(Thresholds::parse("deterrence>=0.5").unwrap().max_cost, None);
        for bad in [
            "",
            "cost>=800",
            "deterrence<=1",
            "cost<=abc",
            "speed<=3",
            "cost<=1,cost<=2",
            "cost=5",
            "cost<=inf",
        ] {
            let e = Thresholds::parse(bad).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::Setting {
                        setting: Setting::Thresholds,
                        ..
                    }
                ),
                "{bad}: {e}"
            );
            assert!(!e.to_string().contains("--"), "{bad}: {e}");
        }
        assert!(
            RegretOutcome::parse("utility")
                .unwrap_err()
                .to_string()
                .contains("deterrence-if-pass")
        );
    }

    #[test]
    fn metrics_that_disagree_are_flagged() {
        // Package A passes more often (3 of 4) with low deterrence; B passes
        // in 2 of 4 with high deterrence: P(pass) picks A, regret picks B.
        let a = draws(&[true, true, true, false], &[0.2, 0.2, 0.2, 0.2], &[1.0; 4]);
        let b = draws(
            &[true, true, false, false],
            &[0.9, 0.9, 0.9, 0.9],
            &[5.0; 4],
        );
        let labels = vec![(1, "A".to_string()), (2, "B".to_string())];
        let c = compare(
            &labels,
            &[&a, &b],
            RegretOutcome::DeterrenceIfPass,
            Thresholds::parse("cost<=2").ok(),
        );
        // Regret of A: [0.7, 0.7, 0, 0]; of B: [0, 0, 0.2, 0].
        assert!((c.packages[0].max_regret - 0.7).abs() < 1e-12);
        assert!((c.packages[1].max_regret - 0.2).abs() < 1e-12);
        assert_eq!(c.packages[0].satisficing.unwrap().p, 0.75);
        assert_eq!(c.packages[1].satisficing.unwrap().p, 0.0);
        let behind = c.packages[1].behind_top.unwrap();
        assert_eq!(behind.diff, 0.25);
        assert_eq!(
            c.best,
            vec![
                ("P(pass)".to_string(), "A".to_string()),
                ("minimax regret".to_string(), "B".to_string()),
                ("90th-percentile regret".to_string(), "B".to_string()),
                ("satisficing".to_string(), "A".to_string()),
            ]
        );
        assert!(c.note.unwrap().contains("minimax regret picks B"));
    }
}
