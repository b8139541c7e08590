//! Whole force packages (`granularity`) and time to deploy (`deploy_days`,
//! NATO Force Model tiers, `within_days`): issue #15, items 4 and 5.

use std::collections::BTreeMap;

use guarantor_engine::{
    CapabilityData, EvalOptions, LineKey, SubProblem, available_blocks, evaluate, evaluate_package,
    solve, solve_in_blocks,
};
use guarantor_model::{default_scenario, force_model_tier_days, load};
use proptest::prelude::*;

/// Personnel in blocks of 4,000: x has 20,000 (5 blocks, cost 1), y 14,000
/// (3 blocks, cost 2). Option "small" deploys 10,000 → 30,000 in the pool
/// at 3:1 → 8 blocks: x gives 5 (20,000) and y 3 (12,000) = 32,000, no
/// shortfall. Option "big" deploys 12,000 → 36,000 → 9 blocks: only 8 exist
/// → 32,000 given, short 4,000. x deploys in 10 days (Tier 1), y declares
/// 45 days. Option "quick" needs 6,000 in pool within 20 days: only x.
fn scenario() -> String {
    r#"
[meta]
id = "blocks"
title = "blocks"
[parameters]
required_acceptance = ["x"]
rotation = { land = 3.0 }
[[capabilities]]
id = "ground_personnel"
name = "ground personnel"
force_type = "land"
integer = false
granularity = 4000
[[dimensions]]
id = "d"
name = "d"
default = 0.0
[[actors]]
id = "x"
name = "X"
reservation = 0.0
position = { d = 0.0 }
salience = { d = 1.0 }
inventory = { ground_personnel = { count = 20000, cost_per_unit_year = 1.0, force_model_tier = 1 } }
[[actors]]
id = "y"
name = "Y"
reservation = 0.0
position = { d = 0.0 }
salience = { d = 1.0 }
inventory = { ground_personnel = { count = 14000, cost_per_unit_year = 2.0, deploy_days = 45 } }
[[components]]
id = "force"
name = "force"
[[components.options]]
id = "small"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 10000 }]
[[components.options]]
id = "big"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 12000 }]
[[components.options]]
id = "quick"
within_days = 20
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 2000 }]
[[components.options]]
id = "too_quick"
within_days = 20
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 8000 }]
"#
    .to_string()
}

fn package(option: &str) -> guarantor_engine::PackageVerdict {
    let s = load("blocks.toml", &scenario()).unwrap();
    evaluate_package(
        &s,
        &BTreeMap::from([("force".to_string(), option.to_string())]),
    )
    .unwrap()
}

fn units(v: &guarantor_engine::PackageVerdict, who: &str) -> f64 {
    v.allocation
        .iter()
        .filter(|a| a.contributor == who)
        .map(|a| a.units)
        .sum()
}

#[test]
fn personnel_come_in_whole_blocks() {
    let v = package("small");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(units(&v, "x"), 20_000.0);
    assert_eq!(units(&v, "y"), 12_000.0);
    // Cost: 20,000 × 1 + 12,000 × 2 = 44,000; largest share: x gives all
    // its 20,000 (y 12,000 of 14,000).
    assert_eq!(v.cost_per_year, 44_000.0);
    assert_eq!(v.max_share, 1.0);
    // In place by the slower contributor: y's 45 days.
    assert_eq!(v.in_place_by_days, Some(45.0));

    let big = package("big");
    assert_eq!(big.shortfalls.len(), 1);
    assert_eq!(big.shortfalls[0].short, 4_000.0);
    assert_eq!(units(&big, "x") + units(&big, "y"), 32_000.0);
}

#[test]
fn a_deadline_admits_only_contributors_fast_enough() {
    // 2,000 deployed at 3:1 = 6,000 in pool = 2 blocks, within 20 days: x
    // (Tier 1, 10 days) gives both; y (45 days) is not eligible.
    let v = package("quick");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(units(&v, "x"), 8_000.0);
    assert_eq!(units(&v, "y"), 0.0);
    assert_eq!(v.in_place_by_days, Some(10.0));
    // 8,000 deployed = 24,000 in pool = 6 blocks; x alone has 5: short 4,000
    // on a line that must be in place within 20 days, y too slow.
    let t = package("too_quick");
    assert!(!t.feasible);
    let sf = &t.shortfalls[0];
    assert_eq!(sf.short, 4_000.0);
    assert_eq!(sf.lines[0].within_days, Some(20.0));
    assert!(sf.text.contains("in place within 20 days"), "{}", sf.text);
    assert!(sf.text.contains("too slow to deploy"), "{}", sf.text);
}

#[test]
fn search_and_evaluate_agree_on_blocks_and_deadlines() {
    let s = load("blocks.toml", &scenario()).unwrap();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    // small and quick are feasible; big and too_quick are short.
    assert_eq!(e.counts.feasible, 2);
    for threads in [1, 2] {
        let r = guarantor_engine::search(
            &s,
            &guarantor_engine::SearchOptions {
                threads: Some(threads),
                top: 4,
                ..guarantor_engine::SearchOptions::default()
            },
        )
        .unwrap();
        assert_eq!(r.counts, e.counts);
        assert_eq!(r.failures, e.failures);
        assert_eq!(r.packages, e.packages);
    }
}

#[test]
fn nato_force_model_tiers_bound_the_days_to_deploy() {
    assert_eq!(force_model_tier_days(1), Some(10.0));
    assert_eq!(force_model_tier_days(2), Some(30.0));
    assert_eq!(force_model_tier_days(3), Some(180.0));
    assert_eq!(force_model_tier_days(4), None);
    assert_eq!(available_blocks(9_500.0, 4_000.0), 2.0);
    assert_eq!(available_blocks(12_000.0, 4_000.0), 3.0);
    // 0.3 × 10 = 3.0000000000000004 / 0.1 … a quotient within 64 ulp below a
    // whole number is that number.
    assert_eq!(available_blocks(0.7, 0.1), 7.0);
}

#[test]
fn default_scenario_allocates_battalion_groups_and_whole_monitors() {
    let e = evaluate(&default_scenario(), &EvalOptions::default()).unwrap();
    for p in &e.packages {
        for a in &p.allocation {
            if a.capability == "ground_personnel" {
                assert_eq!(a.units % 1000.0, 0.0, "{}: {a:?}", p.label);
            }
            if a.capability == "monitors" {
                assert_eq!(a.units.fract(), 0.0, "{}: {a:?}", p.label);
            }
        }
        assert_eq!(
            p.in_place_by_days,
            p.allocation
                .iter()
                .map(|a| a.days_to_deploy)
                .reduce(f64::max)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every allocation in blocks is a multiple of the granularity, within
    /// availability, and equals the exact whole-unit allocation of the block
    /// problem (whose optimality the oracle tests check) scaled by g.
    #[test]
    fn block_allocations_are_multiples_of_the_granularity(
        g in prop::sample::select(vec![2.0, 3.0, 5.0, 1000.0, 4000.0]),
        pools in prop::collection::vec(0.0f64..12.0, 1..=3),
        available in prop::collection::vec(0.0f64..8.0, 1..=3),
        costs in prop::collection::vec(prop::sample::select(vec![0.0, 1.0, 2.0, 3.5]), 3),
        eligible_bits in prop::collection::vec(0u8..8, 3),
        integer in any::<bool>(),
    ) {
        let nc = available.len();
        let pools_u: Vec<f64> = pools.iter().map(|p| (p * g).round()).collect();
        let avail_u: Vec<f64> = available.iter().map(|a| (a * g).round()).collect();
        let cost: Vec<f64> = costs[..nc].to_vec();
        let lines: Vec<LineKey> = pools_u
            .iter()
            .zip(&eligible_bits)
            .map(|(p, bits)| LineKey {
                pool_bits: p.to_bits(),
                eligible: (0..nc as u32).filter(|c| bits & (1 << c) != 0).collect(),
                flight_hour_cost_bits: None,
            })
            .collect();
        let sp = SubProblem { capability: 0, lines };
        let data = CapabilityData { name: "k", integer, available: &avail_u, cost: &cost };
        let sol = solve_in_blocks(&sp, &data, Some(g), 60.0).unwrap();
        let mut used = vec![0.0; nc];
        for (l, xs) in sp.lines.iter().zip(&sol.units) {
            for (&c, &x) in l.eligible.iter().zip(xs) {
                prop_assert_eq!(x % g, 0.0, "{} not a multiple of {}", x, g);
                used[c as usize] += x;
            }
        }
        for c in 0..nc {
            prop_assert!(used[c] <= avail_u[c], "{:?} > {:?}", used, avail_u);
        }
        // The block problem, solved as whole units.
        let blocks: Vec<f64> = avail_u.iter().map(|&a| available_blocks(a, g)).collect();
        let bcost: Vec<f64> = cost.iter().map(|k| k * g).collect();
        let bp = SubProblem {
            capability: 0,
            lines: sp.lines.iter().map(|l| LineKey { pool_bits: (l.pool() / g).to_bits(), eligible: l.eligible.clone(), flight_hour_cost_bits: None }).collect(),
        };
        let bsol = solve(&bp, &CapabilityData { name: "k", integer: true, available: &blocks, cost: &bcost }, 60.0).unwrap();
        for (xs, bxs) in sol.units.iter().zip(&bsol.units) {
            let scaled: Vec<f64> = bxs.iter().map(|b| b * g).collect();
            prop_assert_eq!(xs, &scaled);
        }
        prop_assert_eq!(sol.cost, bsol.cost);
        for ((l, xs), short) in sp.lines.iter().zip(&sol.units).zip(&sol.shortfall) {
            let given: f64 = xs.iter().sum();
            prop_assert_eq!(*short, (l.pool() - given).max(0.0));
        }
    }
}

#[test]
fn the_largest_share_in_blocks_is_clamped_at_one() {
    // 2,999.9999999999995 personnel available in blocks of 1,000: the
    // quotient lies within 64 ulp below 3, so 3 blocks (3,000) are given;
    // 3,000 ÷ 2,999.9999999999995 = 1.0000000000000002 would exceed 1.
    let available = 2_999.999_999_999_999_5_f64;
    assert!(3_000.0 / available > 1.0);
    let p = SubProblem {
        capability: 0,
        lines: vec![LineKey {
            pool_bits: 3_000.0f64.to_bits(),
            eligible: vec![0],
            flight_hour_cost_bits: None,
        }],
    };
    let data = CapabilityData {
        name: "ground_personnel",
        integer: false,
        available: &[available],
        cost: &[1.0],
    };
    let s = solve_in_blocks(&p, &data, Some(1_000.0), 10.0).unwrap();
    assert_eq!(s.units, vec![vec![3_000.0]]);
    assert_eq!(s.max_share, 1.0);
    assert_eq!(s.max_share_holder, Some(0));
}

#[test]
fn the_allocator_names_the_largest_share_holder() {
    // Shares 2/8 = 0.25, 6/6 = 1, 3/3 = 1: the first contributor at the
    // largest share in index order is 1.
    assert_eq!(
        guarantor_engine::largest_share(&[2.0, 6.0, 3.0], &[8.0, 6.0, 3.0]),
        (1.0, Some(1))
    );
    assert_eq!(
        guarantor_engine::largest_share(&[0.0, 0.0], &[8.0, 6.0]),
        (0.0, None)
    );
    // In blocks of 4,000 (the scenario above): x gives 20,000 of 20,000 and
    // y 12,000 of 14,000, so x (index 0) holds the largest share, 1.
    let p = SubProblem {
        capability: 0,
        lines: vec![LineKey {
            pool_bits: 30_000.0f64.to_bits(),
            eligible: vec![0, 1],
            flight_hour_cost_bits: None,
        }],
    };
    let data = CapabilityData {
        name: "ground_personnel",
        integer: false,
        available: &[20_000.0, 14_000.0],
        cost: &[1.0, 2.0],
    };
    let s = solve_in_blocks(&p, &data, Some(4_000.0), 10.0).unwrap();
    assert_eq!((s.max_share, s.max_share_holder), (1.0, Some(0)));
    let v = package("small");
    let h = v.max_share_of.as_ref().unwrap();
    assert_eq!(
        (h.contributor.as_str(), h.capability.as_str()),
        ("x", "ground_personnel")
    );
}
