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

/// (feasible, passes) and [deterrence, cost, smallest margin] of a package.
type Summary = ((bool, bool), [f64; 3]);

/// Verdicts keyed by the option map, which does not depend on component order
/// (labels do). Sums taken in another order may differ in the last bits, so
/// the numbers are compared with a relative tolerance of 1e-12.
fn summary(e: &Evaluation) -> BTreeMap<Vec<(String, String)>, Summary> {
    e.packages
        .iter()
        .map(|p| {
            (
                p.options.clone().into_iter().collect(),
                (
                    (p.feasible, p.passes),
                    [p.deterrence.total, p.cost_per_year, p.smallest_margin()],
                ),
            )
        })
        .collect()
}

fn same_up_to_rounding(a: &[f64; 3], b: &[f64; 3]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0))
}

/// Reverse the components and capabilities and rotate the actors: counts,
/// why-not counts and every verdict stay the same.
fn permuted_scenario_gives_the_same_verdicts(
    components: usize,
    options: usize,
    contributors: usize,
    seed: u64,
    rotate: usize,
) -> Result<(), TestCaseError> {
    let s = load(
        "s.toml",
        &synthetic(components, options, contributors, seed),
    )
    .unwrap();
    let base = all(&s);
    let mut t = s.clone();
    t.components.reverse();
    let k = rotate % t.actors.len();
    t.actors.rotate_left(k);
    t.capabilities.reverse();
    let permuted = all(&t);
    prop_assert_eq!(&base.counts, &permuted.counts);
    prop_assert_eq!(&base.failures, &permuted.failures);
    let (one, two) = (summary(&base), summary(&permuted));
    prop_assert_eq!(one.len(), two.len());
    for (k, (flags, numbers)) in &one {
        let (flags2, numbers2) = &two[k];
        prop_assert_eq!(flags, flags2, "{:?}", k);
        prop_assert!(
            same_up_to_rounding(numbers, numbers2),
            "{:?}: {:?} vs {:?}",
            k,
            numbers,
            numbers2
        );
    }
    Ok(())
}

#[test]
fn permutation_regression_costs_summed_in_another_order() {
    // A seed where reversing the components changed a cost in its 10th digit;
    // text comparison at 6 decimals once failed on it.
    permuted_scenario_gives_the_same_verdicts(3, 3, 3, 2093755378663254281, 1).unwrap();
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
        permuted_scenario_gives_the_same_verdicts(components, options, contributors, seed, rotate)?;
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
