//! The analysis of the embedded scenario is the same on 1 and 2 threads and
//! across runs with the same seed, and its parts fit together.

use guarantor_uncertainty::{Error, Options, PackageSet, Sampler, Setting, analyse};

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
    // The library names the setting, not a CLI flag.
    assert!(matches!(
        analyse(&s, &o, &()).unwrap_err(),
        Error::Setting {
            setting: Setting::Draws,
            ..
        }
    ));
}

/// The default scenario with its option space cut to the first three options
/// of the first four components (3⁴ × the rest's first option = 81 packages).
fn smaller() -> guarantor_model::Scenario {
    let mut s = guarantor_model::default_scenario();
    for (i, c) in s.components.iter_mut().enumerate() {
        c.options.truncate(if i < 4 { 3 } else { 1 });
    }
    // Declarations about options cut away go with them.
    let keep: Vec<bool> = s
        .uncertainty
        .iter()
        .map(|u| guarantor_model::resolve(&s, &u.path).is_ok())
        .collect();
    let mut k = keep.iter();
    s.uncertainty.retain(|_| *k.next().unwrap());
    assert!(!s.uncertainty.is_empty());
    s
}

fn adaptive(threads: Option<usize>, packages: PackageSet) -> Options {
    Options {
        draws: 96,
        screen_draws: 8,
        packages,
        tornado_draws: 0,
        sobol_rows: 0,
        threads,
        ..Options::default()
    }
}

#[test]
fn the_adaptive_choice_is_thread_independent_and_finds_the_exhaustive_best() {
    let s = smaller();
    // The packages of the package space (US C2 of no force is left out).
    let space = guarantor_engine::PackageSpace::new(&s);
    let mut size = 0usize;
    space.walk(0, s.option_space_size() as u64, |_, _| size += 1);
    assert!(size < s.option_space_size() as usize);
    let one = analyse(&s, &adaptive(Some(1), PackageSet::Adaptive(3)), &()).unwrap();
    let two = analyse(&s, &adaptive(Some(2), PackageSet::Adaptive(3)), &()).unwrap();
    assert_eq!(one, two);
    let sc = one.screening.as_ref().unwrap();
    assert_eq!(sc.candidates, size);
    assert_eq!(sc.rounds[0].packages, size);
    assert_eq!(sc.rounds[0].draws, 8);
    assert_eq!(sc.rounds.last().unwrap().draws, 96);
    // Evaluations: each round's packages on the draws it added.
    let mut want = 0;
    let mut before = 0;
    for r in &sc.rounds {
        want += r.packages * (r.draws - before);
        before = r.draws;
    }
    assert_eq!(sc.evaluations, want);
    assert!(sc.evaluations < sc.exhaustive_evaluations);
    // The best three, plus the deterministic #1 kept for comparison.
    assert!(one.ranking.len() == 3 || one.ranking.len() == 4);
    assert!(one.ranking.iter().any(|p| p.deterministic_rank == 1));
    // Every package on every draw: the adaptive top is the exhaustive top,
    // with the same estimate (same draws).
    let all = analyse(&s, &adaptive(Some(2), PackageSet::All), &()).unwrap();
    assert_eq!(all.ranking.len(), size);
    assert_eq!(one.ranking[0].label, all.ranking[0].label);
    assert_eq!(one.ranking[0].passes, all.ranking[0].passes);
    assert!(all.screening.is_none());
}

#[test]
fn the_experiments_table_gives_back_every_p_pass_and_actor_verdict() {
    use guarantor_uncertainty::Cells;
    let s = guarantor_model::default_scenario();
    let o = Options {
        experiments: true,
        tornado_draws: 0,
        sobol_rows: 0,
        ..small(Some(2), 3)
    };
    let r = analyse(&s, &o, &()).unwrap();
    let x = r.experiments.as_ref().unwrap();
    assert_eq!(x.rows(), 48);
    let Some(Cells::U32(draw)) = x.column("draw") else {
        panic!("no draw column")
    };
    assert_eq!(draw, &(0..48).collect::<Vec<u32>>());
    for p in &r.ranking {
        let Some(Cells::Bool(pass)) = x.column(&format!("pkg{}.pass", p.rank)) else {
            panic!("no pass column for rank {}", p.rank)
        };
        let hits = pass.iter().filter(|&&b| b).count();
        assert_eq!(hits as f64 / 48.0, p.passes.p);
        // P(accepted) per actor from the accepts columns.
        for (actor, e) in &p.accepted {
            let Some(Cells::Bool(acc)) = x.column(&format!("pkg{}.accepts.{actor}", p.rank)) else {
                panic!("no accepts column for {actor}")
            };
            assert_eq!(acc.iter().filter(|&&b| b).count() as f64 / 48.0, e.p);
        }
        // Passing means feasible and every required actor accepting.
        let Some(Cells::Bool(feas)) = x.column(&format!("pkg{}.feasible", p.rank)) else {
            panic!("no feasible column")
        };
        for i in 0..48 {
            let all_accept = p.accepted.keys().all(|a| {
                matches!(x.column(&format!("pkg{}.accepts.{a}", p.rank)), Some(Cells::Bool(v)) if v[i])
            });
            assert_eq!(pass[i], feas[i] && all_accept, "draw {i}");
        }
    }
    // Failure modes of the robust top package count what the ranking says.
    let top = &r.ranking[0];
    assert!(!r.failure_modes.is_empty());
    for m in &r.failure_modes {
        let want = if m.outcome == "infeasible" {
            1.0 - top.feasible.p
        } else {
            let a = m.outcome.strip_prefix("rejected by ").unwrap();
            1.0 - top.accepted[a].p
        };
        assert_eq!(m.failures, (want * 48.0).round() as usize, "{}", m.outcome);
        assert!(m.failures >= 10 && m.boxes.len() <= 1);
        assert_eq!(m.package, top.label);
    }
    // Quantiles map to the values through the declared distributions.
    let space = guarantor_uncertainty::Space::new(&s).unwrap();
    for (j, par) in space.parameters.iter().enumerate() {
        let Some(Cells::F64(q)) = x.column(&format!("quantile.{}", space.factors[par.factor]))
        else {
            panic!("no quantile column")
        };
        let Some(Cells::F64(v)) = x.column(&format!("value.{}", par.path)) else {
            panic!("no value column")
        };
        for i in 0..48 {
            assert_eq!(par.value_at(q[i]), v[i], "parameter {j}, draw {i}");
        }
    }
}

#[test]
fn replicated_latin_hypercubes_give_their_own_standard_error() {
    let s = guarantor_model::default_scenario();
    let o = Options {
        replicates: 4,
        tornado_draws: 0,
        sobol_rows: 0,
        experiments: true,
        ..small(Some(2), 5)
    };
    let r = analyse(&s, &o, &()).unwrap();
    assert_eq!(r.replicates, 4);
    let x = r.experiments.as_ref().unwrap();
    for p in &r.ranking {
        let Some(guarantor_uncertainty::Cells::Bool(pass)) =
            x.column(&format!("pkg{}.pass", p.rank))
        else {
            panic!("no pass column")
        };
        // Four replicates of 12 draws: the SE of the four proportions' mean.
        let ps: Vec<f64> = pass
            .chunks(12)
            .map(|c| c.iter().filter(|&&b| b).count() as f64 / 12.0)
            .collect();
        let mean = ps.iter().sum::<f64>() / 4.0;
        let want = (ps.iter().map(|q| (q - mean).powi(2)).sum::<f64>() / 12.0).sqrt();
        assert!((p.passes_se_replicated.unwrap() - want).abs() < 1e-12);
        assert!((p.passes.p - mean).abs() < 1e-12);
    }
    let mut bad = o.clone();
    bad.replicates = 30;
    assert!(matches!(
        analyse(&s, &bad, &()).unwrap_err(),
        Error::Setting {
            setting: Setting::Replicates,
            ..
        }
    ));
    bad.replicates = 2;
    bad.sampler = Sampler::Mc;
    assert!(
        analyse(&s, &bad, &())
            .unwrap_err()
            .to_string()
            .contains("Latin hypercube")
    );
}
