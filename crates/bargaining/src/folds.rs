//! Grouped folds for cross-validation, shared by the scorer (`cv`) and the
//! fitted model's inner hyper-parameter search (`fitted`).

use crate::rng::uniform01;

/// Assigns each item to one of `k` folds so that items of one group (dossier) share a
/// fold: the distinct groups are shuffled (Fisher–Yates driven by `seed`), then each
/// goes, in that order, to the fold holding the fewest items so far (ties: the lowest
/// fold). `k` is capped at the number of groups. Returns the fold (0-based) per item.
/// Source: grouped k-fold cross-validation (as scikit-learn's `GroupKFold`), with a
/// seeded shuffle so that the folds are not tied to file order.
///
/// Example: groups a, a, b, c with k = 2 put both a's in one fold and b, c in the other
/// (a holds 2 items; whichever of b and c comes first joins the empty fold, the other
/// the lighter one).
pub fn grouped_folds(groups: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut distinct: Vec<&str> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut group_of = Vec::with_capacity(groups.len());
    for g in groups {
        let i = match distinct.iter().position(|d| d == g) {
            Some(i) => i,
            None => {
                distinct.push(g);
                sizes.push(0);
                distinct.len() - 1
            }
        };
        sizes[i] += 1;
        group_of.push(i);
    }
    let n = distinct.len();
    let k = k.clamp(1, n.max(1));
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (uniform01(seed, 0x5EED, i as u64) * (i + 1) as f64) as usize;
        order.swap(i, j.min(i));
    }
    let mut load = vec![0usize; k];
    let mut fold_of_group = vec![0usize; n];
    for g in order {
        let f = (0..k).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        fold_of_group[g] = f;
        load[f] += sizes[g];
    }
    group_of.iter().map(|&g| fold_of_group[g]).collect()
}
