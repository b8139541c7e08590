//! Allocation properties on random scenarios (issue #13): the reported
//! allocation — not only the scores — is the same for 1 and 2 threads and
//! for any order of the actors (contributors) in the file, and never holds a
//! crumb below the negligible amount.

use guarantor_engine::{EvalOptions, Evaluation, evaluate};
use guarantor_model::synth::{SynthParams, synth};
use guarantor_model::{Scenario, load};
use proptest::prelude::*;

fn scenario(components: usize, options: usize, contributors: usize, seed: u64) -> Scenario {
    let text = synth(&SynthParams {
        components,
        options,
        contributors,
        capabilities: 4,
        actors: 3,
        seed,
    });
    load("s.toml", &text).expect("valid synthetic scenario")
}

fn run(s: &Scenario, threads: usize) -> Evaluation {
    evaluate(
        s,
        &EvalOptions {
            threads: Some(threads),
            ..EvalOptions::default()
        },
    )
    .expect("evaluates")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn allocations_do_not_depend_on_threads_or_contributor_order(
        components in 1usize..4,
        options in 2usize..4,
        contributors in 2usize..7,
        seed in any::<u64>(),
        rotate in 1usize..6,
    ) {
        let s = scenario(components, options, contributors, seed);
        let one = run(&s, 1);
        let two = run(&s, 2);
        let mut t = s.clone();
        let n = t.actors.len();
        t.actors.rotate_left(rotate % n);
        t.actors.reverse();
        let permuted = run(&t, 2);
        prop_assert_eq!(one.packages.len(), two.packages.len());
        for ((a, b), c) in one.packages.iter().zip(&two.packages).zip(&permuted.packages) {
            prop_assert_eq!(&a.label, &b.label);
            prop_assert_eq!(&a.allocation, &b.allocation);
            prop_assert_eq!(&a.shortfalls, &b.shortfalls);
            prop_assert_eq!(a.max_share, b.max_share);
            prop_assert_eq!(a.cost_per_year, b.cost_per_year);
            prop_assert_eq!(&a.label, &c.label);
            prop_assert_eq!(&a.allocation, &c.allocation, "{}", a.label);
            prop_assert_eq!(a.max_share, c.max_share);
            prop_assert_eq!(a.cost_per_year, c.cost_per_year);
            for l in &a.allocation {
                prop_assert!(l.units >= 1e-6, "a crumb in {}: {:?}", a.label, l);
            }
        }
    }
}
