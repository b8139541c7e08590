//! The draws are evaluated with the engine's screen (no full verdicts) unless
//! the experiments table asks for margins; both paths must agree exactly.

use guarantor_engine::{
    EvalOptions, SolveCache, evaluate, evaluate_choices_cached, resolve_choice,
    screen_choices_cached,
};
use guarantor_uncertainty::{Options, PackageSet, Plan, Sampler, Space, analyse};

#[test]
fn the_screen_gives_every_package_the_numbers_of_its_full_verdict() {
    // Every red line uncertain, so that acceptance flips from draw to draw.
    let s = guarantor_uncertainty::with_all_red_lines(&guarantor_model::default_scenario());
    let space = Space::new(&s).unwrap();
    let plan = Plan::replicated(Sampler::Lhs, 3, 40, space.n_factors(), 1);
    let det = evaluate(&s, &EvalOptions::default()).unwrap();
    // Every 7th package (309 of 2,160) keeps the debug build quick.
    let choices: Vec<_> = det
        .packages
        .iter()
        .step_by(7)
        .map(|v| resolve_choice(&s, &v.options).unwrap())
        .collect();
    let cache = SolveCache::new();
    let (mut passes, mut rejected) = (0, 0);
    for i in [0, 13, 27] {
        let sc = space.scenario(&s, &space.values(&plan.draw(i)));
        let full = evaluate_choices_cached(&sc, &choices, &cache).unwrap();
        let (ids, screened) = screen_choices_cached(&sc, &choices, &cache).unwrap();
        let mut required = s.parameters.required_acceptance.clone();
        required.sort();
        assert_eq!(ids, required);
        for (f, x) in full.iter().zip(&screened) {
            assert_eq!(f.feasible, x.feasible, "{}", f.label);
            assert_eq!(f.passes, x.passes, "{}", f.label);
            assert_eq!(f.undetermined, x.undetermined, "{}", f.label);
            let accepts: Vec<bool> = ids.iter().map(|a| f.acceptance[a].accepts).collect();
            assert_eq!(accepts, x.accepts, "{}", f.label);
            // Bit for bit: the same sums in the same order.
            assert_eq!(f.cost_per_year.to_bits(), x.cost_per_year.to_bits());
            assert_eq!(f.deterrence.total.to_bits(), x.deterrence.to_bits());
            assert_eq!(f.smallest_margin().to_bits(), x.min_margin.to_bits());
            passes += usize::from(x.passes || x.undetermined);
            rejected += x.accepts.iter().filter(|a| !**a).count();
        }
    }
    // The comparison covers both verdicts (passing or undetermined) and rejections.
    assert!(passes > 0 && rejected > 0, "{passes} {rejected}");
}

#[test]
fn the_analysis_is_the_same_with_and_without_full_verdicts() {
    let s = guarantor_model::default_scenario();
    let o = Options {
        draws: 64,
        screen_draws: 8,
        packages: PackageSet::Adaptive(4),
        tornado_draws: 0,
        sobol_rows: 0,
        ..Options::default()
    };
    let screened = analyse(&s, &o, &()).unwrap();
    // The experiments table keeps margins, which only full verdicts have.
    let full = analyse(
        &s,
        &Options {
            experiments: true,
            ..o
        },
        &(),
    )
    .unwrap();
    assert_eq!(screened.ranking, full.ranking);
    assert_eq!(screened.screening, full.screening);
    assert_eq!(screened.comparison, full.comparison);
    assert_eq!(screened.discovery, full.discovery);
}
