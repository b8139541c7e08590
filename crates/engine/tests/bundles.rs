//! Whole force packages: a brigade allocated with its personnel as one
//! bundle (`capabilities.bundle`), issue #15 item 4 (docs/model.md §3).

use std::collections::BTreeMap;

use guarantor_engine::{
    EvalOptions, PackageVerdict, SearchOptions, bundles_available, evaluate, evaluate_package,
    search,
};
use guarantor_model::load;

/// Brigades come with 5,000 personnel each; personnel are allocated loose in
/// battalion groups of 1,000; rotation 1:1 so pools equal deployments.
///
/// - x: 2 brigades, 12,000 personnel at 1.0 → min(2, ⌊12,000 ÷ 5,000⌋) = 2
///   bundles (cost 5,000 each), 2,000 personnel left loose.
/// - y: 3 brigades, 8,000 personnel at 0.5 → min(3, 1) = 1 bundle (cost
///   2,500), 3,000 loose.
/// - z: 20,000 personnel at 2.0, no brigades.
pub(crate) fn scenario() -> String {
    r#"
[meta]
id = "bundles"
title = "bundles"
[parameters]
required_acceptance = ["x"]
rotation = { land = 1.0 }
[[capabilities]]
id = "ground_personnel"
name = "ground personnel"
force_type = "land"
ground = true
integer = false
granularity = 1000
[[capabilities]]
id = "brigades"
name = "brigades"
force_type = "land"
ground = true
bundle = { ground_personnel = 5000 }
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
inventory = { brigades = { count = 2 }, ground_personnel = { count = 12000, cost_per_unit_year = 1.0 } }
[[actors]]
id = "y"
name = "Y"
reservation = 0.0
position = { d = 0.0 }
salience = { d = 1.0 }
inventory = { brigades = { count = 3 }, ground_personnel = { count = 8000, cost_per_unit_year = 0.5 } }
[[actors]]
id = "z"
name = "Z"
reservation = 0.0
position = { d = 0.0 }
salience = { d = 1.0 }
inventory = { ground_personnel = { count = 20000, cost_per_unit_year = 2.0 } }
[[components]]
id = "force"
name = "force"
[[components.options]]
id = "two"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 12000, units = 2 }]
[[components.options]]
id = "three"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 15000, units = 3 }]
[[components.options]]
id = "four"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 20000, units = 4 }]
[[components.options]]
id = "two_big"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 30000, units = 2 }]
[[components.options]]
id = "loose"
tasks = [{ id = "t", rule = "standing_ground_force", personnel = 20000 }]
"#
    .to_string()
}

fn package(option: &str) -> PackageVerdict {
    let s = load("bundles.toml", &scenario()).unwrap();
    evaluate_package(
        &s,
        &BTreeMap::from([("force".to_string(), option.to_string())]),
    )
    .unwrap()
}

/// (units, units in bundles of brigades, personnel the units bring).
fn line(v: &PackageVerdict, who: &str, cap: &str) -> (f64, f64, f64) {
    v.allocation
        .iter()
        .find(|a| a.contributor == who && a.capability == cap)
        .map_or((0.0, 0.0, 0.0), |a| {
            (
                a.units,
                a.in_bundles.get("brigades").copied().unwrap_or(0.0),
                a.brings.get("ground_personnel").copied().unwrap_or(0.0),
            )
        })
}

#[test]
fn whole_bundles_a_contributor_can_field() {
    assert_eq!(bundles_available(2.0, [(12_000.0, 5_000.0)]), 2.0);
    assert_eq!(bundles_available(3.0, [(8_000.0, 5_000.0)]), 1.0);
    assert_eq!(bundles_available(3.0, [(29_963.0, 5_000.0)]), 3.0);
    assert_eq!(bundles_available(2.0, [(0.0, 5_000.0)]), 0.0);
}

#[test]
fn a_brigade_brings_its_personnel_from_the_same_nation() {
    // 2 brigades and 12,000 personnel: the brigades bring 10,000, so 2,000
    // are allocated loose. Bundles cost y 2,500, x 5,000: y's one bundle
    // first, then one of x's. Loose personnel: y's 3,000 at 0.5 are the
    // cheapest → 2,000 from y.
    let v = package("two");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(line(&v, "y", "brigades"), (1.0, 0.0, 5_000.0));
    assert_eq!(line(&v, "x", "brigades"), (1.0, 0.0, 5_000.0));
    assert_eq!(line(&v, "y", "ground_personnel"), (7_000.0, 5_000.0, 0.0));
    assert_eq!(line(&v, "x", "ground_personnel"), (5_000.0, 5_000.0, 0.0));
    assert_eq!(line(&v, "z", "ground_personnel").0, 0.0);
    // Cost: bundles 2,500 + 5,000, loose 2,000 × 0.5 = 1,000.
    assert_eq!(v.cost_per_year, 8_500.0);
    // Largest share: y sends its only bundle (1 of 1).
    assert_eq!(v.max_share, 1.0);
    let h = v.max_share_of.as_ref().unwrap();
    assert_eq!(
        (h.contributor.as_str(), h.capability.as_str()),
        ("y", "brigades")
    );
}

#[test]
fn brigades_with_all_their_personnel_leave_no_personnel_line() {
    // 3 brigades bring 15,000 = the whole personnel requirement: x 2, y 1.
    let v = package("three");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(line(&v, "x", "brigades"), (2.0, 0.0, 10_000.0));
    assert_eq!(line(&v, "y", "brigades"), (1.0, 0.0, 5_000.0));
    assert_eq!(line(&v, "x", "ground_personnel"), (10_000.0, 10_000.0, 0.0));
    assert_eq!(line(&v, "y", "ground_personnel"), (5_000.0, 5_000.0, 0.0));
    assert_eq!(v.cost_per_year, 12_500.0);
}

#[test]
fn a_brigade_without_its_personnel_cannot_be_sent() {
    // y holds 3 brigades but personnel for one: only 3 bundles exist.
    let v = package("four");
    assert!(!v.feasible);
    let sf: Vec<(&str, f64)> = v
        .shortfalls
        .iter()
        .map(|s| (s.capability.as_str(), s.short))
        .collect();
    assert_eq!(sf, vec![("brigades", 1.0)]);
    assert_eq!(v.shortfalls[0].available, 3.0);
}

#[test]
fn with_brigades_asked_for_personnel_inside_bundles_are_not_allocated_loose() {
    // 2 brigades and 30,000 personnel: the brigades bring 10,000 (y's bundle
    // and one of x's, as in "two"); 20,000 loose from what lies outside the
    // bundles: y 3,000 (0.5), x 2,000 (1.0), z 15,000 (2.0) → loose cost
    // 1,500 + 2,000 + 30,000 = 33,500, bundles 7,500.
    let v = package("two_big");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(line(&v, "y", "ground_personnel"), (8_000.0, 5_000.0, 0.0));
    assert_eq!(line(&v, "x", "ground_personnel"), (7_000.0, 5_000.0, 0.0));
    assert_eq!(line(&v, "z", "ground_personnel"), (15_000.0, 0.0, 0.0));
    assert_eq!(v.cost_per_year, 41_000.0);
}

#[test]
fn without_brigades_asked_for_all_personnel_serve_loose() {
    // No brigades in the package: every contributor's personnel are loose,
    // x 12,000 (1.0), y 8,000 (0.5), z 20,000 (2.0); 20,000 needed →
    // y 8,000 + x 12,000, cost 4,000 + 12,000.
    let v = package("loose");
    assert!(v.feasible, "{:?}", v.shortfalls);
    assert_eq!(line(&v, "y", "ground_personnel"), (8_000.0, 0.0, 0.0));
    assert_eq!(line(&v, "x", "ground_personnel"), (12_000.0, 0.0, 0.0));
    assert_eq!(line(&v, "z", "ground_personnel").0, 0.0);
    assert_eq!(v.cost_per_year, 16_000.0);
}

#[test]
fn search_and_evaluate_agree_with_bundles() {
    let s = load("bundles.toml", &scenario()).unwrap();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    assert_eq!(e.counts.feasible, 4);
    for threads in [1, 2] {
        for prune in [false, true] {
            let r = search(
                &s,
                &SearchOptions {
                    threads: Some(threads),
                    top: 5,
                    prune,
                    ..SearchOptions::default()
                },
            )
            .unwrap();
            let passing = |ps: &[PackageVerdict]| -> Vec<PackageVerdict> {
                ps.iter().filter(|p| p.passes).cloned().collect()
            };
            assert!(passing(&r.packages) == passing(&e.packages));
            if !prune {
                // Pruning cuts "four" (short of brigades whatever else is chosen).
                assert_eq!(r.counts.feasible, e.counts.feasible);
                assert!(r.packages == e.packages);
                assert_eq!(r.failures, e.failures);
            }
        }
    }
}

#[test]
fn a_caveat_on_personnel_keeps_the_brigades_that_carry_them_home() {
    // x refuses to send ground personnel: its brigades bring personnel, so
    // they stay home too; y's single bundle is all there is → 2 brigades
    // asked, 1 short.
    let text = scenario().replace(
        "inventory = { brigades = { count = 2 }",
        "caveats = [{ id = \"no_troops\", capabilities = [\"ground_personnel\"] }]\ninventory = { brigades = { count = 2 }",
    );
    let s = load("bundles.toml", &text).unwrap();
    let v = evaluate_package(
        &s,
        &BTreeMap::from([("force".to_string(), "two".to_string())]),
    )
    .unwrap();
    assert_eq!(line(&v, "x", "brigades").0, 0.0);
    assert_eq!(line(&v, "y", "brigades").0, 1.0);
    assert_eq!(v.shortfalls[0].capability, "brigades");
    assert_eq!(v.shortfalls[0].short, 1.0);
}
