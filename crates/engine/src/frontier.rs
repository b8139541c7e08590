//! The frontier: passing packages that no other passing package dominates on
//! the chosen objectives (default: deterrence ↑, smallest acceptance margin
//! among required actors ↑, cost per year ↓, burden ↓ — the largest share of
//! any contributor's available force used).

use std::fmt;

use crate::verdict::PackageVerdict;

/// One objective of the frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Objective {
    /// Deterrence value, higher is better.
    Deterrence,
    /// Smallest acceptance margin among required actors, higher is better.
    Margin,
    /// Cost per year, lower is better.
    Cost,
    /// Burden fairness: the largest share of any contributor's available force
    /// used, lower is better.
    Burden,
}

impl Objective {
    pub const ALL: [Objective; 4] = [
        Objective::Deterrence,
        Objective::Margin,
        Objective::Cost,
        Objective::Burden,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Objective::Deterrence => "deterrence",
            Objective::Margin => "margin",
            Objective::Cost => "cost",
            Objective::Burden => "burden",
        }
    }

    /// Parse a comma-separated list such as `deterrence,cost`.
    pub fn parse_list(text: &str) -> Result<Vec<Objective>, String> {
        let mut out = Vec::new();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let o = Objective::ALL
                .into_iter()
                .find(|o| o.name() == word)
                .ok_or_else(|| {
                    format!(
                        "unknown objective \"{word}\"; choose from deterrence, margin, cost, burden"
                    )
                })?;
            if out.contains(&o) {
                return Err(format!("objective \"{word}\" is listed twice"));
            }
            out.push(o);
        }
        if out.is_empty() {
            return Err("name at least one objective: deterrence, margin, cost, burden".into());
        }
        Ok(out)
    }

    /// The objective's value for maximisation.
    pub fn value(self, deterrence: f64, margin: f64, cost: f64, burden: f64) -> f64 {
        match self {
            Objective::Deterrence => deterrence,
            Objective::Margin => margin,
            Objective::Cost => -cost,
            Objective::Burden => -burden,
        }
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Objective vector of a verdict, every entry to be maximised.
pub fn objective_vector(v: &PackageVerdict, objectives: &[Objective]) -> Vec<f64> {
    objectives
        .iter()
        .map(|o| {
            o.value(
                v.deterrence.total,
                v.smallest_margin(),
                v.cost_per_year,
                v.max_share,
            )
        })
        .collect()
}

/// `a` dominates `b`: at least as good on every objective and better on one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// Set `frontier` on every passing package that no other passing package dominates.
/// Packages with identical objectives are all kept.
pub fn mark_frontier(vs: &mut [PackageVerdict], objectives: &[Objective]) {
    let mut f = Frontier::default();
    for (i, v) in vs.iter().enumerate().filter(|(_, v)| v.passes) {
        f.offer(objective_vector(v, objectives), i as u64);
    }
    for v in vs.iter_mut() {
        v.frontier = false;
    }
    for (_, i) in f.members {
        vs[i as usize].frontier = true;
    }
}

/// A non-dominated set kept while packages stream past: each offer is kept
/// only if nothing kept dominates it, and evicts what it dominates. The set
/// does not depend on the order of offers, so partial frontiers built on
/// different threads merge to the same result.
#[derive(Debug, Clone, Default)]
pub struct Frontier {
    /// (objective vector, package number).
    pub members: Vec<(Vec<f64>, u64)>,
}

impl Frontier {
    pub fn offer(&mut self, objectives: Vec<f64>, package: u64) {
        if self.members.iter().any(|(m, _)| dominates(m, &objectives)) {
            return;
        }
        self.members.retain(|(m, _)| !dominates(&objectives, m));
        self.members.push((objectives, package));
    }

    pub fn merge(mut self, other: Frontier) -> Frontier {
        for (o, i) in other.members {
            self.offer(o, i);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominance_needs_one_strict_improvement() {
        assert!(dominates(&[1.0, 1.0], &[1.0, 0.5]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[2.0, 0.0], &[1.0, 1.0]));
    }

    #[test]
    fn objectives_parse_and_reject_unknown_or_repeated_names() {
        assert_eq!(
            Objective::parse_list("cost, deterrence").unwrap(),
            vec![Objective::Cost, Objective::Deterrence]
        );
        assert!(
            Objective::parse_list("cost,costs")
                .unwrap_err()
                .contains("costs")
        );
        assert!(
            Objective::parse_list("cost,cost")
                .unwrap_err()
                .contains("twice")
        );
        assert!(Objective::parse_list("").is_err());
    }

    #[test]
    fn streaming_frontier_keeps_ties_and_evicts_dominated() {
        let mut f = Frontier::default();
        f.offer(vec![1.0, 1.0], 0);
        f.offer(vec![1.0, 1.0], 1);
        f.offer(vec![0.0, 2.0], 2);
        f.offer(vec![2.0, 2.0], 3);
        let kept: Vec<u64> = f.members.iter().map(|m| m.1).collect();
        assert_eq!(kept, vec![3]);
    }
}
