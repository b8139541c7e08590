//! Invariants on random synthetic scenarios (issue #8): no NaN or infinity in
//! any verdict, whatever finite numbers the scenario holds; permutation
//! invariance of actors, contributors and components; feasibility only grows
//! with inventory.

use std::collections::BTreeMap;

use guarantor_engine::{EvalOptions, Evaluation, PackageVerdict, SearchOptions, evaluate, search};
use guarantor_model::synth::{SynthParams, overwrite_numbers, synth};
use guarantor_model::{Scenario, load};
use proptest::prelude::*;

fn synthetic(components: usize, options: usize, contributors: usize, seed: u64) -> String {
    synth(&SynthParams {
        components,
        options,
        contributors,
        capabilities: 4,
        actors: 3,
        seed,
    })
}

fn by_label(e: &Evaluation) -> BTreeMap<String, &PackageVerdict> {
    e.packages.iter().map(|p| (p.label.clone(), p)).collect()
}

fn all(s: &Scenario) -> Evaluation {
    evaluate(s, &EvalOptions::default()).unwrap()
}

/// (feasible, passes, deterrence, cost, smallest margin), numbers as text.
type Summary = (bool, bool, String, String, String);

/// Verdicts compared on what must not depend on input order (allocation lines
/// are listed in id order already; labels follow the component order, so
/// compare by the option map).
fn summary(e: &Evaluation) -> BTreeMap<Vec<(String, String)>, Summary> {
    e.packages
        .iter()
        .map(|p| {
            (
                p.options.clone().into_iter().collect(),
                (
                    p.feasible,
                    p.passes,
                    format!("{:.9}", p.deterrence),
                    format!("{:.6}", p.cost_per_year),
                    format!("{:.9}", p.smallest_margin()),
                ),
            )
        })
        .collect()
}

proptest! {
    // About one edited file in four still loads; 256 cases evaluate ~60 of them.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_nan_or_infinity_reaches_a_verdict(
        components in 1usize..4,
        options in 2usize..4,
        contributors in 1usize..6,
        seed in any::<u64>(),
        // Extremes that stay in range for most keys (so most edited files
        // still load), plus a few that do not.
        edits in prop::collection::vec((any::<usize>(), prop_oneof![
            4 => Just(0.0), 2 => Just(1e-300), 2 => Just(1.0), 2 => Just(1e-9),
            4 => 0.0f64..1.0, 3 => 1.0f64..1e6, 2 => Just(1e12), 1 => Just(-1.0),
        ]), 1..4),
    ) {
        let text = overwrite_numbers(&synthetic(components, options, contributors, seed), &edits);
        // Edits may make the scenario invalid; then the error is the answer.
        if let Ok(s) = load("edited.toml", &text) {
            let full = evaluate(&s, &EvalOptions::default());
            let found = search(&s, &SearchOptions { top: 5, ..SearchOptions::default() });
            match (full, found) {
                (Ok(full), Ok(found)) => {
                    for v in full.packages.iter().chain(&found.packages) {
                        prop_assert!(v.is_finite(), "non-finite number in {}", v.label);
                    }
                    prop_assert_eq!(found.counts, full.counts);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "evaluate {:?} vs search {:?}", a.err(), b.err()),
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn order_of_components_actors_and_contributors_does_not_matter(
        components in 2usize..4,
        options in 2usize..4,
        contributors in 2usize..6,
        seed in any::<u64>(),
        rotate in 1usize..5,
    ) {
        let s = load("s.toml", &synthetic(components, options, contributors, seed)).unwrap();
        let base = all(&s);
        let mut t = s.clone();
        t.components.reverse();
        let k = rotate % t.actors.len();
        t.actors.rotate_left(k);
        t.capabilities.reverse();
        let permuted = all(&t);
        prop_assert_eq!(&base.counts, &permuted.counts);
        prop_assert_eq!(&base.failures, &permuted.failures);
        prop_assert_eq!(summary(&base), summary(&permuted));
    }

    #[test]
    fn more_inventory_never_makes_a_feasible_package_infeasible(
        components in 1usize..4,
        options in 2usize..4,
        contributors in 1usize..6,
        seed in any::<u64>(),
        who in any::<usize>(),
        factor in 1.0f64..3.0,
    ) {
        let s = load("s.toml", &synthetic(components, options, contributors, seed)).unwrap();
        let before = all(&s);
        let mut t = s.clone();
        let holders: Vec<usize> = (0..t.actors.len()).filter(|&i| !t.actors[i].inventory.is_empty()).collect();
        prop_assume!(!holders.is_empty());
        let a = holders[who % holders.len()];
        for it in t.actors[a].inventory.values_mut() {
            it.count = (it.count * factor).ceil();
        }
        let after = all(&t);
        let after = by_label(&after);
        for v in &before.packages {
            if v.feasible {
                prop_assert!(after[&v.label].feasible, "{} became infeasible", v.label);
            }
        }
    }
}
