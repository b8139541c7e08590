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
