//! `evaluate_choices` gives the same verdicts as `evaluate_package`, and a
//! solve cache shared across perturbed scenarios changes nothing.

use guarantor_engine::{
    EvalOptions, SolveCache, evaluate, evaluate_choices, evaluate_choices_cached, evaluate_package,
    resolve_choice,
};

#[test]
fn batch_verdicts_equal_single_verdicts() {
    let s = guarantor_model::default_scenario();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let picked: Vec<_> = e.packages.iter().step_by(97).collect();
    let choices: Vec<_> = picked
        .iter()
        .map(|v| resolve_choice(&s, &v.options).unwrap())
        .collect();
    let batch = evaluate_choices(&s, &choices).unwrap();
    for (v, b) in picked.iter().zip(&batch) {
        let single = evaluate_package(&s, &v.options).unwrap();
        assert_eq!(&single, b);
        assert_eq!(v.passes, b.passes);
        assert_eq!(v.cost_per_year, b.cost_per_year);
    }
}

#[test]
fn a_shared_cache_changes_no_verdict() {
    let base = guarantor_model::default_scenario();
    let e = evaluate(&base, &EvalOptions::default()).unwrap();
    let choices: Vec<_> = e.packages[..6]
        .iter()
        .map(|v| resolve_choice(&base, &v.options).unwrap())
        .collect();
    let cache = SolveCache::new();
    for (i, readiness) in [0.5, 0.67, 0.8, 0.5, 0.67].into_iter().enumerate() {
        let mut s = base.clone();
        let de = s.actors.iter_mut().find(|a| a.id == "de").unwrap();
        de.inventory.get_mut("gbad_long").unwrap().readiness = readiness;
        s.parameters
            .rotation
            .insert("land".into(), 2.0 + i as f64 * 0.5);
        let cached = evaluate_choices_cached(&s, &choices, &cache).unwrap();
        let fresh = evaluate_choices(&s, &choices).unwrap();
        assert_eq!(cached, fresh);
    }
    assert!(!cache.is_empty());
}
