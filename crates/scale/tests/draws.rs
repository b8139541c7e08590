//! Uncertainty shards over draw ranges, through their Parquet partials and
//! merged, give the same report as one machine: for random shard counts,
//! shard orders, thread counts, samplers and seeds.

use guarantor_scale::{Body, Meta, Partial, Plan, Shard};
use guarantor_uncertainty::{Options, PackageSet, Sampler, analyse, analyse_draws, analyse_shards};
use proptest::prelude::*;

fn options(draws: usize, seed: u64, sampler: Sampler, threads: usize) -> Options {
    Options {
        draws,
        sampler,
        seed,
        packages: PackageSet::Top(2),
        tornado_draws: 4,
        sobol_rows: 0,
        bootstrap: 10,
        threads: Some(threads),
        ..Options::default()
    }
}

fn through_file(
    d: guarantor_uncertainty::DrawShard,
    shard: Shard,
    total: u64,
) -> guarantor_uncertainty::DrawShard {
    let p = Partial {
        meta: Meta {
            format: guarantor_scale::FORMAT,
            verb: "uncertainty".into(),
            engine_version: "test".into(),
            scenario_name: "default".into(),
            scenario_sha256: "0".repeat(64),
            scenario_text: String::new(),
            args: Vec::new(),
            seed: Some(1),
            sampler: Some("lhs".into()),
            shard,
            plan: Plan {
                unit: "draws".into(),
                total,
            },
            start: d.start as u64,
            end: d.end as u64,
            stats: serde_json::Value::Null,
            stage: None,
        },
        body: Body::Draws(d),
    };
    match Partial::from_parquet(p.to_parquet().unwrap()).unwrap().body {
        Body::Draws(d) => d,
        Body::Run(_) => unreachable!("a draws partial"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    #[test]
    fn merged_draw_shards_equal_one_machine(
        n in 1u64..5,
        threads in 1usize..3,
        seed in 0u64..100,
        lhs in any::<bool>(),
        rotate in 0usize..5,
    ) {
        let s = guarantor_model::default_scenario();
        let draws = 20;
        let sampler = if lhs { Sampler::Lhs } else { Sampler::Mc };
        let one = analyse(&s, &options(draws, seed, sampler, 1), &()).unwrap();
        let o = options(draws, seed, sampler, threads);
        let mut shards: Vec<_> = (0..n)
            .map(|k| {
                let shard = Shard::new(k, n).unwrap();
                let r = shard.split(draws as u64);
                let d = analyse_draws(&s, &o, r.start as usize..r.end as usize, &()).unwrap();
                through_file(d, shard, draws as u64)
            })
            .collect();
        let len = shards.len();
        shards.rotate_left(rotate % len);
        let merged = analyse_shards(&s, &o, shards, &()).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&merged).unwrap()
        );
    }
}

#[test]
fn adaptive_choice_and_missing_draws_are_refused() {
    let s = guarantor_model::default_scenario();
    let mut o = options(10, 1, Sampler::Lhs, 1);
    let d = analyse_draws(&s, &o, 0..5, &()).unwrap();
    let e = analyse_shards(&s, &o, vec![d], &())
        .unwrap_err()
        .to_string();
    assert!(e.contains("0..5, not 0..10"), "{e}");
    o.packages = PackageSet::Adaptive(3);
    let e = analyse_draws(&s, &o, 0..5, &()).unwrap_err().to_string();
    assert!(e.contains("top:K or all"), "{e}");
}

/// A small synthetic scenario (64 packages) whose red lines with a
/// flexibility are declared uncertain.
fn adaptive_scenario(seed: u64) -> guarantor_model::Scenario {
    let text = guarantor_model::synth::synth(&guarantor_model::synth::SynthParams {
        components: 3,
        options: 4,
        contributors: 4,
        capabilities: 3,
        actors: 4,
        seed,
    });
    let s = guarantor_model::load("synthetic.toml", &text).expect("synth writes valid scenarios");
    guarantor_uncertainty::with_all_red_lines(&s)
}

fn adaptive_options(draws: usize, seed: u64, threads: usize) -> Options {
    Options {
        draws,
        seed,
        packages: PackageSet::Adaptive(3),
        screen_draws: 4,
        tornado_draws: 4,
        sobol_rows: 0,
        bootstrap: 10,
        threads: Some(threads),
        ..Options::default()
    }
}

/// A stage's shard or plan through its Parquet file.
fn staged_through_file(
    d: guarantor_uncertainty::DrawShard,
    stage: guarantor_scale::Stage,
    shard: Shard,
) -> guarantor_uncertainty::DrawShard {
    let total = stage.halving.to as u64;
    let p = Partial {
        meta: Meta {
            format: guarantor_scale::FORMAT,
            verb: "uncertainty".into(),
            engine_version: "test".into(),
            scenario_name: "synthetic.toml".into(),
            scenario_sha256: "0".repeat(64),
            scenario_text: String::new(),
            args: Vec::new(),
            seed: Some(1),
            sampler: Some("lhs".into()),
            shard,
            plan: Plan {
                unit: "draws".into(),
                total,
            },
            start: d.start as u64,
            end: d.end as u64,
            stats: serde_json::Value::Null,
            stage: Some(stage.clone()),
        },
        body: Body::Draws(d),
    };
    let back = Partial::from_parquet(p.to_parquet().unwrap()).unwrap();
    assert_eq!(back.meta.stage, Some(stage));
    match back.body {
        Body::Draws(d) => d,
        Body::Run(_) => unreachable!("a draws partial"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    /// Adaptive choice split into stages (one array of shards per halving
    /// round, each merge writing the next stage's plan) ends with the
    /// report of one machine, for random shard counts (per stage), shard
    /// orders, thread counts and seeds.
    #[test]
    fn staged_adaptive_choice_equals_one_machine(
        n in 1u64..4,
        threads in 1usize..3,
        seed in 0u64..50,
        rotate in 0usize..4,
    ) {
        let s = adaptive_scenario(seed);
        let draws = 24;
        let one = analyse(&s, &adaptive_options(draws, seed, 1), &()).unwrap();
        let o = adaptive_options(draws, seed, threads);
        let mut stage = guarantor_uncertainty::first_stage(&s, &o).unwrap();
        let mut before = None;
        let mut stages = 0;
        let merged = loop {
            stages += 1;
            prop_assert!(stages <= guarantor_uncertainty::Halving::max_stages(4, draws));
            let st = guarantor_scale::Stage {
                halving: stage.clone(),
                plan_sha256: None,
                is_plan: false,
            };
            let mut shards: Vec<_> = (0..n)
                .map(|k| {
                    let shard = Shard::new(k, n).unwrap();
                    let r = shard.split((stage.to - stage.from) as u64);
                    let range = stage.from + r.start as usize..stage.from + r.end as usize;
                    let d = guarantor_uncertainty::stage_draws(&s, &o, &stage, range, &()).unwrap();
                    staged_through_file(d, st.clone(), shard)
                })
                .collect();
            let len = shards.len();
            shards.rotate_left(rotate % len);
            match guarantor_uncertainty::finish_stage(&s, &o, &stage, before.take(), shards, &())
                .unwrap()
            {
                guarantor_uncertainty::StageEnd::Done(r) => break r,
                guarantor_uncertainty::StageEnd::Next { next, rows } => {
                    prop_assert_eq!(next.stage, stage.stage + 1);
                    prop_assert_eq!(next.from, stage.to);
                    let plan = guarantor_scale::Stage {
                        halving: next.clone(),
                        plan_sha256: None,
                        is_plan: true,
                    };
                    before = Some(staged_through_file(rows, plan, Shard::new(0, 1).unwrap()));
                    stage = next;
                }
            }
        };
        prop_assert!(stages >= 2, "the halving takes more than one round here");
        prop_assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&merged).unwrap()
        );
    }
}
