//! The streaming search against the in-memory evaluation, on random synthetic
//! scenarios: same counts, why-not tallies, frontier and ranking, for any
//! number of threads; the frontier equals a brute-force non-dominated filter;
//! and every nearest fix really flips the verdict.

use std::collections::{BTreeMap, BTreeSet};

use guarantor_engine::{
    EvalOptions, Objective, SearchOptions, evaluate, evaluate_package, nearest_fixes, search,
    two_change_fixes,
};
use guarantor_engine::{Frontier, dominates};
use guarantor_model::synth::{SynthParams, synth};
use guarantor_model::{Scenario, load};
use proptest::prelude::*;

fn synthetic(components: usize, options: usize, contributors: usize, seed: u64) -> Scenario {
    let p = SynthParams {
        components,
        options,
        contributors,
        capabilities: 5,
        actors: 4,
        seed,
    };
    load("synthetic.toml", &synth(&p)).expect("synth writes valid scenarios")
}

fn objectives_strategy() -> impl Strategy<Value = Vec<Objective>> {
    prop::sample::subsequence(Objective::ALL.to_vec(), 1..=4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn search_equals_evaluating_every_package(
        components in 2usize..5,
        options in 2usize..4,
        contributors in 2usize..7,
        seed in any::<u64>(),
        objectives in objectives_strategy(),
        top in 0usize..12,
    ) {
        let s = synthetic(components, options, contributors, seed);
        let full = evaluate(&s, &EvalOptions { threads: Some(1), objectives: objectives.clone() }).unwrap();
        let found = search(&s, &SearchOptions { threads: Some(2), top, objectives: objectives.clone(), progress: None, prune: false }).unwrap();
        prop_assert_eq!(&found.counts, &full.counts);
        prop_assert_eq!(&found.failures, &full.failures);
        // The top N are the first N of the full ranking, verdict for verdict.
        prop_assert_eq!(&found.packages[..top.min(found.packages.len())], &full.packages[..top.min(full.packages.len())]);
        // The frontier is the same set, with the same verdicts.
        let f1: Vec<_> = full.packages.iter().filter(|p| p.frontier).collect();
        let f2: Vec<_> = found.packages.iter().filter(|p| p.frontier).collect();
        prop_assert_eq!(f1, f2);
    }

    #[test]
    fn pruning_never_changes_the_passing_packages_or_the_frontier(
        components in 2usize..5,
        options in 2usize..4,
        contributors in 2usize..7,
        seed in any::<u64>(),
        top in 1usize..12,
    ) {
        let s = synthetic(components, options, contributors, seed);
        let full = evaluate(&s, &EvalOptions::default()).unwrap();
        let pruned = search(&s, &SearchOptions { top, prune: true, ..SearchOptions::default() }).unwrap();
        prop_assert_eq!(pruned.counts.evaluated + pruned.counts.pruned, full.counts.evaluated);
        prop_assert_eq!(pruned.counts.passing, full.counts.passing);
        prop_assert_eq!(pruned.counts.frontier, full.counts.frontier);
        let pass = |e: &guarantor_engine::Evaluation| e.packages.iter().filter(|p| p.passes).take(top).cloned().collect::<Vec<_>>();
        prop_assert_eq!(pass(&pruned), pass(&full));
        let f1: Vec<_> = full.packages.iter().filter(|p| p.frontier).collect();
        let f2: Vec<_> = pruned.packages.iter().filter(|p| p.frontier).collect();
        prop_assert_eq!(f1, f2);
        let cut: u64 = pruned.failures.pruned_by.values().sum();
        prop_assert_eq!(cut, pruned.counts.pruned);
    }

    #[test]
    fn search_does_not_depend_on_thread_count(
        components in 2usize..5,
        options in 2usize..4,
        seed in any::<u64>(),
    ) {
        let s = synthetic(components, options, 5, seed);
        for prune in [false, true] {
            let run = |threads| search(&s, &SearchOptions { threads: Some(threads), top: 7, prune, ..SearchOptions::default() }).unwrap();
            prop_assert_eq!(run(1), run(2));
        }
    }

    #[test]
    fn streaming_frontier_equals_brute_force(
        points in prop::collection::vec(prop::collection::vec(0u8..4, 3), 1..60),
    ) {
        // Small integer grids make ties and duplicates common.
        let pts: Vec<Vec<f64>> = points.iter().map(|p| p.iter().map(|&x| f64::from(x)).collect()).collect();
        let brute: BTreeSet<u64> = (0..pts.len())
            .filter(|&i| !pts.iter().any(|q| dominates(q, &pts[i])))
            .map(|i| i as u64)
            .collect();
        // Offer in two halves merged, as threads do.
        let mid = pts.len() / 2;
        let mut a = Frontier::default();
        let mut b = Frontier::default();
        for (i, p) in pts.iter().enumerate() {
            if i < mid { a.offer(p.clone(), i as u64) } else { b.offer(p.clone(), i as u64) }
        }
        let kept: BTreeSet<u64> = b.merge(a).members.iter().map(|m| m.1).collect();
        prop_assert_eq!(kept, brute);
    }
}

/// Every nearest fix, applied to the scenario and package, makes it pass.
fn check_fixes(s: &Scenario, chosen: &BTreeMap<String, String>) -> usize {
    let v = evaluate_package(s, chosen).unwrap();
    let fixes = nearest_fixes(s, chosen, &v).unwrap();
    for f in &fixes {
        let mut s2 = s.clone();
        let mut c2 = chosen.clone();
        f.detail.apply(&mut s2, &mut c2);
        let w = evaluate_package(&s2, &c2).unwrap();
        assert!(w.passes, "fix {} does not make {} pass", f.change, v.label);
        assert_eq!(w.deterrence.total, f.result.deterrence);
        assert_eq!(w.cost_per_year, f.result.cost_per_year);
    }
    fixes.len()
}

/// The default scenario read with exact codings (precision 0), so that some
/// packages pass (with the default precision none does, docs/model.md §4).
fn exact_default() -> guarantor_model::Scenario {
    let mut s = guarantor_model::default_scenario();
    s.parameters.acceptance_precision = 0.0;
    s
}

#[test]
fn nearest_fixes_flip_the_verdict_on_the_default_scenario() {
    // Failing neighbours of passing packages: one option changed. Swapping it
    // back must be among the fixes, and every fix listed must really work.
    // Neighbours outside the package space (requires / excludes) are skipped.
    let s = exact_default();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let mut kinds = BTreeSet::new();
    let mut neighbours = 0;
    for top in e.packages.iter().filter(|p| p.passes).take(6) {
        for comp in &s.components {
            for o in &comp.options {
                let mut chosen = top.options.clone();
                let original = chosen.insert(comp.id.clone(), o.id.clone()).unwrap();
                let v = match evaluate_package(&s, &chosen) {
                    Err(guarantor_engine::EngineError::Excluded { .. }) => continue,
                    other => other.unwrap(),
                };
                if v.passes {
                    continue;
                }
                neighbours += 1;
                let fixes = nearest_fixes(&s, &chosen, &v).unwrap();
                assert!(
                    fixes
                        .iter()
                        .any(|f| f.change == format!("{}: {} → {}", comp.id, o.id, original)),
                    "swapping {} back to {original} is not offered for {}",
                    comp.id,
                    v.label
                );
                check_fixes(&s, &chosen);
                kinds.extend(fixes.iter().map(|f| f.kind));
            }
        }
    }
    assert!(neighbours > 10, "only {neighbours} failing neighbours");
    // The default's neighbours fail on red lines and utilities (Russia's
    // conditions, Ukraine's rejection of cuts); `add_units` fixes are
    // checked on synthetic scenarios and hand-built cases.
    assert!(
        kinds.contains("swap_option") && kinds.contains("relax_red_line"),
        "{kinds:?}"
    );
}

#[test]
fn relaxing_the_only_violated_red_line_is_offered() {
    // Give Russia a red line against the top package's command option: the
    // package now fails on that alone, and relaxing it is a fix.
    let mut s = exact_default();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let top = e
        .packages
        .iter()
        .find(|p| p.passes)
        .unwrap()
        .options
        .clone();
    let ru = s.actors.iter_mut().find(|a| a.id == "ru").unwrap();
    ru.red_lines.push(guarantor_model::RedLine {
        id: "no_us_command".into(),
        hardness: guarantor_model::Hardness::Inferred,
        flexibility: 0.4,
        statement: String::new(),
        source: String::new(),
        rule: guarantor_model::RedLineRule::Option {
            component: "command".into(),
            options: vec![top["command"].clone()],
        },
    });
    let v = evaluate_package(&s, &top).unwrap();
    assert!(!v.passes);
    let fixes = nearest_fixes(&s, &top, &v).unwrap();
    assert!(
        fixes.iter().any(|f| f.kind == "relax_red_line"
            && f.change.contains("no_us_command")
            && f.change.contains("inferred, flexibility 0.4")),
        "{fixes:#?}"
    );
    check_fixes(&s, &top);
}

#[test]
fn added_units_are_the_fewest_that_work() {
    // Long-range air defence operated by Europeans is short in every package;
    // wherever adding one contributor's batteries fixes it, one battery fewer must not.
    let s = exact_default();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let top = e.packages.iter().find(|p| p.passes).unwrap();
    let mut chosen = top.options.clone();
    chosen.insert("air_defence".into(), "european_systems".into());
    let v = evaluate_package(&s, &chosen).unwrap();
    assert!(!v.feasible);
    check_fixes(&s, &chosen);
    for f in nearest_fixes(&s, &chosen, &v).unwrap() {
        if let guarantor_engine::Change::AddUnits {
            units,
            contributor,
            capability,
            ..
        } = &f.detail
        {
            assert!(*units >= 1.0);
            let mut s2 = s.clone();
            let it = s2
                .actors
                .iter_mut()
                .find(|a| &a.id == contributor)
                .unwrap()
                .inventory
                .get_mut(capability)
                .unwrap();
            let ready = it.count * it.readiness;
            let now = (ready * it.deployable_share + 1e-9).floor();
            it.deployable_share = (now + units - 1.0) / ready;
            assert!(
                !evaluate_package(&s2, &chosen).unwrap().passes,
                "{} is not the smallest",
                f.change
            );
        }
    }
}

#[test]
fn synthetic_fixes_flip_the_verdict() {
    let s = synthetic(4, 3, 6, 7);
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let mut checked = 0;
    for v in e.packages.iter().filter(|p| !p.passes).take(15) {
        checked += check_fixes(&s, &v.options);
    }
    assert!(checked > 0, "no fix found for the 15 closest misses");
}

#[test]
fn two_change_fixes_when_no_single_change_is_enough() {
    // Russia bans the top package's command option and its air-defence
    // option: one swap or one relaxed red line leaves the other breach, so
    // no single change works; pairs do, and every pair listed really works.
    // Exact codings (precision 0), so that the default has passing packages.
    let mut s = guarantor_model::default_scenario();
    s.parameters.acceptance_precision = 0.0;
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let top = e
        .packages
        .iter()
        .find(|p| p.passes)
        .unwrap()
        .options
        .clone();
    let ru = s.actors.iter_mut().find(|a| a.id == "ru").unwrap();
    for (id, component) in [
        ("no_this_command", "command"),
        ("no_this_air_defence", "air_defence"),
    ] {
        ru.red_lines.push(guarantor_model::RedLine {
            id: id.into(),
            hardness: guarantor_model::Hardness::Inferred,
            flexibility: 0.4,
            statement: String::new(),
            source: String::new(),
            rule: guarantor_model::RedLineRule::Option {
                component: component.into(),
                options: vec![top[component].clone()],
            },
        });
    }
    let v = evaluate_package(&s, &top).unwrap();
    assert!(!v.passes);
    assert!(nearest_fixes(&s, &top, &v).unwrap().is_empty());
    let (pairs, truncated) = two_change_fixes(&s, &top, &v, usize::MAX).unwrap();
    assert!(!truncated);
    assert!(!pairs.is_empty());
    // Relaxing both new red lines restores the original, passing package.
    assert!(
        pairs
            .iter()
            .any(|p| p.change.iter().all(|c| c.contains("no_this_"))),
        "{pairs:#?}"
    );
    for p in &pairs {
        let mut s2 = s.clone();
        let mut c2 = top.clone();
        p.apply(&mut s2, &mut c2);
        let w = evaluate_package(&s2, &c2).unwrap();
        assert!(w.passes, "pair {:?} does not make it pass", p.change);
        assert_eq!(w.cost_per_year, p.result.cost_per_year);
        // Neither change alone passes.
        for d in &p.detail {
            let mut s1 = s.clone();
            let mut c1 = top.clone();
            d.apply(&mut s1, &mut c1);
            assert!(
                !evaluate_package(&s1, &c1).unwrap().passes,
                "{d:?} alone passes"
            );
        }
    }
    // Ranked: no pair with a lower sum of kind ranks follows a higher one.
    let rank = |k: &str| match k {
        "swap_option" => 0,
        "add_units" => 1,
        _ => 2,
    };
    let sums: Vec<u8> = pairs
        .iter()
        .map(|p| rank(p.kinds[0]) + rank(p.kinds[1]))
        .collect();
    assert!(sums.windows(2).all(|w| w[0] <= w[1]), "{sums:?}");
}

#[test]
fn a_shortfall_is_fixed_by_adding_units() {
    // The default's best package, with the US committing half its usual
    // share of Patriot batteries, is short of batteries only: adding units
    // is among its fixes, and every fix listed works. Exact codings
    // (precision 0), so that the default has passing packages.
    let mut s = guarantor_model::default_scenario();
    s.parameters.acceptance_precision = 0.0;
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let top = e.packages.iter().find(|p| p.passes).unwrap();
    let chosen = top.options.clone();
    assert_eq!(chosen["air_defence"], "us_systems");
    let us = s.actors.iter_mut().find(|a| a.id == "us").unwrap();
    us.inventory.get_mut("gbad_long").unwrap().deployable_share = 0.1;
    let v = evaluate_package(&s, &chosen).unwrap();
    assert!(
        !v.feasible && v.acceptable_to_required,
        "{:?}",
        v.shortfalls
    );
    let fixes = nearest_fixes(&s, &chosen, &v).unwrap();
    let kinds: BTreeSet<&str> = fixes.iter().map(|f| f.kind).collect();
    assert!(kinds.contains("add_units"), "{kinds:?}");
    check_fixes(&s, &chosen);
}
