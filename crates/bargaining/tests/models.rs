//! Properties of the models: forecasts stay within the actors' range, the baselines
//! do not depend on actor order, SMP is deterministic and thread-count independent,
//! degenerate inputs give well-defined results, and the JSON layout is as documented.

use guarantor_bargaining::{Actor, Model, Scenario, SmpOptions, compromise, eum, median, smp};
use proptest::prelude::*;

fn scenario(rows: &[(f64, f64, f64)]) -> Scenario {
    Scenario {
        name: "p".into(),
        description: String::new(),
        dimensions: vec!["d".into()],
        actors: rows
            .iter()
            .enumerate()
            .map(|(i, &(c, x, s))| Actor {
                name: format!("A{i}"),
                description: String::new(),
                capability: c,
                positions: vec![x],
                saliences: vec![s],
            })
            .collect(),
    }
}

fn rows_strategy() -> impl Strategy<Value = Vec<(f64, f64, f64)>> {
    prop::collection::vec((0.1f64..100.0, 0.0f64..=100.0, 1.0f64..=100.0), 2..9)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn baselines_are_within_range_and_invariant_to_actor_order(rows in rows_strategy(), rot in 0usize..8) {
        let lo = rows.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        let hi = rows.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let mut shuffled = rows.clone();
        shuffled.reverse();
        let k = rot % shuffled.len();
        shuffled.rotate_left(k);
        for f in [compromise, median] {
            let a = f(&scenario(&rows)).unwrap().final_state.outcome[0];
            let b = f(&scenario(&shuffled)).unwrap().final_state.outcome[0];
            prop_assert!(a >= lo - 1e-9 && a <= hi + 1e-9);
            prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn smp_and_eum_stay_within_the_actors_range(rows in prop::collection::vec((0.1f64..100.0, 0.0f64..=100.0, 1.0f64..=100.0), 2..6)) {
        let lo = rows.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        let hi = rows.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let sc = scenario(&rows);
        let f = smp(&sc, &SmpOptions::default()).unwrap();
        let e = eum(&sc, &Default::default()).unwrap();
        // SMP rounds bargains to 4 dp on the 0–1 scale (KTAB), so it may overshoot the
        // range by up to 0.005 on the 0–100 scale.
        for (forecast, tol) in [(&f, 0.005 + 1e-9), (&e, 1e-9)] {
            prop_assert!(forecast.final_state.outcome[0] >= lo - tol && forecast.final_state.outcome[0] <= hi + tol);
            for t in &forecast.turns {
                for (_, p) in &t.positions {
                    prop_assert!(p[0] >= lo - tol && p[0] <= hi + tol);
                }
            }
        }
        let total: f64 = f.win_probability_history.last().unwrap().iter().sum();
        prop_assert!(total > 0.0);
    }
}

fn soe_pol_comp() -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ktab/inputs/SOE-Pol-Comp.csv");
    guarantor_bargaining::read_ktab_csv(path).unwrap()
}

#[test]
fn smp_is_deterministic_across_runs() {
    let sc = soe_pol_comp();
    let a = smp(&sc, &SmpOptions::default()).unwrap();
    let b = smp(&sc, &SmpOptions::default()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn stochastic_smp_is_repeatable_for_a_seed_whatever_the_thread_count() {
    // 26 actors: above the size at which SMP spreads its per-actor loops over threads.
    let sc = ktab_input("SOE-Policy");
    let mut opts = SmpOptions::default();
    opts.set("StateTransition", "Stochastic").unwrap();
    opts.set("Seed", "42").unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| smp(&sc, &opts).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
    opts.set("Seed", "43").unwrap();
    let other = smp(&sc, &opts).unwrap();
    assert_ne!(
        one.turns, other.turns,
        "a different seed should give a different path"
    );
}

#[test]
fn every_smp_switch_runs_and_is_named() {
    let sc = soe_pol_comp();
    let switches: &[(&str, &[&str])] = &[
        (
            "VictoryProbModel",
            &["Square", "Quartic", "Octic", "Binary"],
        ),
        ("PCEModel", &["MarkovIncentive", "MarkovUniform"]),
        (
            "VotingRule",
            &["Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"],
        ),
        ("BigRRange", &["Min", "Max"]),
        ("BigRAdjust", &["None", "Half", "TwoThirds", "Full"]),
        ("ThirdPartyCommit", &["NoCommit", "FullCommit"]),
        ("InterVecBrgn", &["S1P1", "S2PMax"]),
        ("BargnModel", &["InitRcvrInterp", "PWCompInterp"]),
    ];
    for (key, values) in switches {
        for value in *values {
            let model = Model::with_options("smp", &[(key, value)]).unwrap();
            let f = model
                .run(&sc)
                .unwrap_or_else(|e| panic!("{key}={value}: {e}"));
            assert!(f.model.contains(&format!("{key}={value}")), "{}", f.model);
            assert!(f.steps >= 1 && f.steps <= 100);
            assert!(
                f.final_state.outcome.iter().all(|v| v.is_finite()),
                "{key}={value}"
            );
        }
    }
    assert!(Model::with_options("smp", &[("VotingRule", "Majority")]).is_err());
    assert!(Model::with_options("smp", &[("Colour", "red")]).is_err());
    assert!(Model::from_name("astrology").is_err());
}

#[test]
fn all_actors_at_one_position_is_well_defined() {
    let sc = scenario(&[(1.0, 40.0, 50.0), (2.0, 40.0, 30.0), (3.0, 40.0, 80.0)]);
    let f = smp(&sc, &SmpOptions::default()).unwrap();
    assert_eq!(f.steps, 2);
    assert_eq!(f.final_state.outcome, vec![40.0]);
    assert!(f.risk_attitudes.iter().flatten().all(|&r| r == 0.0));
    let e = eum(&sc, &Default::default()).unwrap();
    assert_eq!(e.final_state.outcome, vec![40.0]);
}

#[test]
fn zero_capability_and_zero_salience_are_clear_errors() {
    let e = smp(
        &scenario(&[(0.0, 10.0, 50.0), (1.0, 90.0, 50.0)]),
        &SmpOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("capability"), "{e}");
    let e = smp(
        &scenario(&[(1.0, 10.0, 0.0), (1.0, 90.0, 50.0)]),
        &SmpOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("all saliences are 0"), "{e}");
    let e = compromise(&scenario(&[(1.0, 10.0, 0.0), (1.0, 90.0, 0.0)])).unwrap_err();
    assert!(e.to_string().contains("salience 0"), "{e}");
    let e = compromise(&scenario(&[(1.0, 10.0, 60.0)])).unwrap_err();
    assert!(e.to_string().contains("at least 2"), "{e}");
}

#[test]
fn json_layout_is_steps_turns_final() {
    let f = smp(&soe_pol_comp(), &SmpOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&f.to_json()).unwrap();
    assert_eq!(v["steps"], 27);
    assert_eq!(v["turns"].as_array().unwrap().len(), 28);
    assert_eq!(v["turns"][0]["turn"], 0);
    assert_eq!(v["turns"][0]["positions"][0][0], "XJ");
    assert_eq!(v["turns"][0]["positions"][0][1][0], 30.0);
    assert_eq!(v["final"]["positions"].as_array().unwrap().len(), 13);
    assert_eq!(v["final"]["outcome"].as_array().unwrap().len(), 2);
    assert!(v["final"]["win_probabilities"][0][1].is_number());
    let back: guarantor_bargaining::Forecast = serde_json::from_value(v).unwrap();
    assert_eq!(back.steps, 27);
}

#[test]
fn baselines_match_hand_computation() {
    let sc = scenario(&[(1.0, 0.0, 50.0), (1.0, 50.0, 50.0), (3.0, 100.0, 50.0)]);
    assert_eq!(compromise(&sc).unwrap().final_state.outcome, vec![70.0]);
    assert_eq!(median(&sc).unwrap().final_state.outcome, vec![100.0]);
}

fn ktab_input(name: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/data/ktab/inputs/{name}.csv"));
    guarantor_bargaining::read_ktab_csv(path).unwrap()
}
