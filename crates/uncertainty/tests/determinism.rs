//! The analysis of the embedded scenario is the same on 1 and 2 threads and
//! across runs with the same seed, and its parts fit together.

use guarantor_uncertainty::{Error, Options, PackageSet, Sampler, analyse};

fn small(threads: Option<usize>, seed: u64) -> Options {
    Options {
        draws: 48,
        sampler: Sampler::Lhs,
        seed,
        packages: PackageSet::Top(3),
        tornado_draws: 6,
        sobol_rows: 64,
        bootstrap: 20,
        threads,
        ..Options::default()
    }
}

#[test]
fn results_are_identical_on_one_and_two_threads_and_across_runs() {
    let s = guarantor_model::default_scenario();
    let one = analyse(&s, &small(Some(1), 7), &()).unwrap();
    let two = analyse(&s, &small(Some(2), 7), &()).unwrap();
    assert_eq!(one, two);
    let again = analyse(&s, &small(Some(2), 7), &()).unwrap();
    assert_eq!(
        serde_json::to_string(&two).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    let other_seed = analyse(&s, &small(Some(2), 8), &()).unwrap();
    assert_ne!(
        two.ranking.iter().map(|p| p.passes.p).collect::<Vec<_>>(),
        other_seed
            .ranking
            .iter()
            .map(|p| p.passes.p)
            .collect::<Vec<_>>(),
        "a different seed gives different draws"
    );

    // The parts fit together.
    assert_eq!(one.ranking.len(), 3);
    assert!(
        one.ranking
            .windows(2)
            .all(|w| w[0].passes.p >= w[1].passes.p)
    );
    for p in &one.ranking {
        assert!(p.passes.p <= p.feasible.p + 1e-12);
        for e in p.accepted.values() {
            assert!(p.passes.p <= e.p + 1e-12);
        }
        assert!(p.cost_per_year.p5 <= p.cost_per_year.p50);
        assert!(p.cost_per_year.p50 <= p.cost_per_year.p95);
    }
    let sens = one.sensitivity.as_ref().unwrap();
    assert_eq!(sens.package, one.ranking[0].label);
    let t = sens.tornado.as_ref().unwrap();
    assert_eq!(t.bars.len(), one.factors.len());
    assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
    let d = one.discovery.as_ref().unwrap();
    assert_eq!(d.draws, 48);
    assert_eq!(
        d.failures,
        ((1.0 - one.ranking[0].passes.p) * 48.0).round() as usize
    );
}

#[test]
fn a_scenario_without_uncertainties_is_refused() {
    let mut s = guarantor_model::default_scenario();
    s.uncertainty.clear();
    let e = analyse(&s, &small(Some(1), 1), &()).unwrap_err();
    assert!(matches!(e, Error::NoUncertainty { .. }), "{e}");
}

#[test]
fn invalid_options_are_refused_before_any_work() {
    let s = guarantor_model::default_scenario();
    let mut o = small(Some(1), 1);
    o.sobol_rows = 20;
    assert!(matches!(
        analyse(&s, &o, &()).unwrap_err(),
        Error::SobolSampleSize { n: 20, .. }
    ));
    let mut o = small(Some(1), 1);
    o.draws = 1;
    assert!(
        analyse(&s, &o, &())
            .unwrap_err()
            .to_string()
            .contains("--draws")
    );
}
