//! Sharded search, written to partial files and merged, gives the same
//! evaluation as one machine: for random synthetic scenarios, shard plans,
//! shard orders, thread counts and `prune`.

use guarantor_engine::{SearchOptions, finish_search, search_partial, search_with_stats};
use guarantor_model::synth::{SynthParams, synth};
use guarantor_model::{Scenario, load};
use guarantor_scale::{Body, Meta, Named, Partial, Plan, Shard, check_set, sha256_hex};
use proptest::prelude::*;

fn synthetic(components: usize, options: usize, seed: u64) -> (String, Scenario) {
    let p = SynthParams {
        components,
        options,
        contributors: 4,
        capabilities: 4,
        actors: 4,
        seed,
    };
    let text = synth(&p);
    let s = load("synthetic.toml", &text).expect("synth writes valid scenarios");
    (text, s)
}

fn strides(s: &Scenario) -> (u64, Vec<u64>) {
    let space = guarantor_engine::PackageSpace::new(s);
    let st = (0..space.radices.len()).map(|c| space.stride(c)).collect();
    (s.option_space_size() as u64, st)
}

fn partial(text: &str, shard: Shard, size: u64, body: Body, start: u64, end: u64) -> Partial {
    Partial {
        meta: Meta {
            format: guarantor_scale::FORMAT,
            verb: "run".into(),
            engine_version: "test".into(),
            scenario_name: "synthetic.toml".into(),
            scenario_sha256: sha256_hex(text.as_bytes()),
            scenario_text: text.into(),
            args: vec!["--top".into(), "5".into()],
            seed: None,
            sampler: None,
            shard,
            plan: Plan {
                unit: "packages".into(),
                total: size,
            },
            start,
            end,
            stats: serde_json::Value::Null,
            stage: None,
        },
        body,
    }
}

/// The partials of shards 0..n of `s`, through their Parquet bytes.
fn shard_files(text: &str, s: &Scenario, n: u64, opts: &SearchOptions<'_>) -> Vec<Named> {
    let (size, st) = strides(s);
    (0..n)
        .map(|k| {
            let shard = Shard::new(k, n).unwrap();
            let r = shard.package_range(size, &st);
            let (part, _) = search_partial(s, opts, r.clone()).unwrap();
            let p = partial(text, shard, size, Body::Run(part), r.start, r.end);
            let bytes = p.to_parquet().unwrap();
            Named {
                name: format!("p{k}.parquet"),
                partial: Partial::from_parquet(bytes).unwrap(),
            }
        })
        .collect()
}

fn bodies(parts: Vec<Named>) -> Vec<guarantor_engine::SearchPartial> {
    parts
        .into_iter()
        .map(|p| match p.partial.body {
            Body::Run(x) => x,
            Body::Draws(_) => unreachable!("run partials"),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn merged_shards_equal_one_machine(
        seed in 0u64..1000,
        components in 3usize..6,
        n in 1u64..7,
        threads in 1usize..4,
        prune in any::<bool>(),
        rotate in 0usize..7,
    ) {
        let (text, s) = synthetic(components, 3, seed);
        let opts = |t| SearchOptions { threads: Some(t), top: 5, prune, ..SearchOptions::default() };
        let (one, _) = search_with_stats(&s, &opts(1)).unwrap();
        let mut parts = shard_files(&text, &s, n, &opts(threads));
        check_set(&parts).unwrap();
        let len = parts.len();
        parts.rotate_left(rotate % len);
        let (merged, _) = finish_search(&s, &opts(threads), bodies(parts)).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&merged).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Report shards (`report --shard`): every package kept, merged, is the
    /// evaluation `report` makes on one machine (`evaluate`), which its
    /// exports and pages are rendered from.
    #[test]
    fn merged_report_shards_equal_the_full_evaluation(
        seed in 0u64..1000,
        components in 3usize..6,
        n in 1u64..6,
        threads in 1usize..3,
        rotate in 0usize..6,
    ) {
        let (text, s) = synthetic(components, 3, seed);
        let one = guarantor_engine::evaluate(&s, &guarantor_engine::EvalOptions::default()).unwrap();
        let all = SearchOptions {
            threads: Some(threads),
            top: s.option_space_size() as usize,
            ..SearchOptions::default()
        };
        let mut parts = shard_files(&text, &s, n, &all);
        let len = parts.len();
        parts.rotate_left(rotate % len);
        let (merged, _) = finish_search(&s, &all, bodies(parts)).unwrap();
        prop_assert_eq!(
            serde_json::to_string(&one).unwrap(),
            serde_json::to_string(&merged).unwrap()
        );
        prop_assert_eq!(merged.packages.len() as u64, one.counts.evaluated);
        // Fields the JSON leaves out (the levels) too.
        prop_assert!(one == merged);
    }
}

#[test]
fn merging_is_associative() {
    // ((0 ⊕ 1) ⊕ 2) as one partial of 0..b, then ⊕ 2 … by finishing two
    // different groupings of the same shards.
    let (text, s) = synthetic(4, 3, 11);
    let opts = SearchOptions {
        threads: Some(2),
        top: 4,
        ..SearchOptions::default()
    };
    let a = bodies(shard_files(&text, &s, 3, &opts));
    let mut b = a.clone();
    b.reverse();
    let (x, _) = finish_search(&s, &opts, a).unwrap();
    let (y, _) = finish_search(&s, &opts, b).unwrap();
    assert_eq!(
        serde_json::to_string(&x).unwrap(),
        serde_json::to_string(&y).unwrap()
    );
    assert_eq!(x.counts.evaluated + x.counts.excluded, 81);
}

#[test]
fn damaged_or_mixed_partials_are_refused() {
    let (text, s) = synthetic(4, 3, 3);
    let opts = SearchOptions {
        top: 3,
        ..SearchOptions::default()
    };
    let parts = shard_files(&text, &s, 3, &opts);
    let bytes = parts[1].partial.to_parquet().unwrap();
    // Truncated: the footer is gone.
    let e = Partial::from_parquet(bytes[..bytes.len() / 2].to_vec()).unwrap_err();
    assert!(e.contains("truncated"), "{e}");
    // One changed byte in the metadata JSON: the checksum catches it.
    let at = bytes
        .windows(8)
        .position(|w| w == b"\"evaluat")
        .expect("the tally is in the footer");
    let mut bad = bytes.clone();
    let digit = bad[at..].iter().position(|b| b.is_ascii_digit()).unwrap() + at;
    bad[digit] = if bad[digit] == b'9' {
        b'8'
    } else {
        bad[digit] + 1
    };
    let e = Partial::from_parquet(bad).unwrap_err();
    assert!(e.contains("checksum") || e.contains("corrupted"), "{e}");
    // A missing shard, a duplicate, another scenario.
    let two: Vec<Named> = shard_files(&text, &s, 3, &opts)
        .into_iter()
        .take(2)
        .collect();
    let e = check_set(&two).unwrap_err();
    assert!(e.contains("1 of the 3 shards is missing: 2"), "{e}");
    let mut dup = shard_files(&text, &s, 3, &opts);
    dup[2] = Named {
        name: "again.parquet".into(),
        partial: dup[1].partial.clone(),
    };
    let e = check_set(&dup).unwrap_err();
    assert!(
        e.contains("shard 1/3 is given twice: p1.parquet and again.parquet"),
        "{e}"
    );
    let (text2, s2) = synthetic(4, 3, 4);
    let mut mixed = shard_files(&text, &s, 2, &opts);
    mixed[1] = shard_files(&text2, &s2, 2, &opts).remove(1);
    let e = check_set(&mixed).unwrap_err();
    assert!(e.contains("scenario (SHA-256)"), "{e}");
    // The engine refuses ranges that do not tile the space, too.
    let b = bodies(shard_files(&text, &s, 3, &opts));
    let e = finish_search(&s, &opts, vec![b[0].clone(), b[2].clone()]).unwrap_err();
    assert!(e.to_string().contains("covered by no partial"), "{e}");
}
