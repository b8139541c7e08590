//! The frontier: packages not dominated on (deterrence ↑, smallest acceptance
//! margin among required actors ↑, cost per year ↓) among those that pass.

use crate::verdict::PackageVerdict;

/// Objective vector, every entry to be maximised.
fn objectives(v: &PackageVerdict) -> [f64; 3] {
    [v.deterrence, v.smallest_margin(), -v.cost_per_year]
}

/// `a` dominates `b`: at least as good on every objective and better on one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// Set `frontier` on every passing package that no other passing package dominates.
/// Packages with identical objectives are all kept.
pub fn mark_frontier(vs: &mut [PackageVerdict]) {
    let passing: Vec<(usize, [f64; 3])> = vs
        .iter()
        .enumerate()
        .filter(|(_, v)| v.passes)
        .map(|(i, v)| (i, objectives(v)))
        .collect();
    for &(i, oi) in &passing {
        vs[i].frontier = !passing.iter().any(|(_, oj)| dominates(oj, &oi));
    }
}

#[cfg(test)]
mod tests {
    use super::dominates;

    #[test]
    fn dominance_needs_one_strict_improvement() {
        assert!(dominates(&[1.0, 1.0], &[1.0, 0.5]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[2.0, 0.0], &[1.0, 1.0]));
    }
}
