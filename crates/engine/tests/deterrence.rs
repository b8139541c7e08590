//! Computed deterrence, escalation risk and derived levels (issue #15):
//! each formula reproduced by hand on a small scenario, and the invariants
//! — more combat power never lowers denial, a stronger commitment never
//! lowers credibility, results do not depend on threads or actor order.

use std::collections::BTreeMap;

use guarantor_engine::{
    EvalOptions, PackageVerdict, denial_on_axis, evaluate, evaluate_package, exposure,
    punishment_credibility,
};
use guarantor_model::{Scenario, load};
use proptest::prelude::*;

const HAND: &str = r#"
[meta]
id = "deter"
title = "deterrence by hand"
[parameters]
required_acceptance = ["a"]
rotation = { land = 2.0, air = 1.0 }
[parameters.deterrence]
breakthrough_ratio = 3.0
attacker_personnel = 90000
defender_personnel = 20000
commitment_dimension = "commitment"
us_actors = ["u"]
half_distance_km = 100
default_distance_km = 300
tripwire_nations = 2
[parameters.deterrence.weights]
denial = 0.5
punishment = 0.3
judgement = 0.2
[parameters.deterrence.combat_power]
troops = 1.0
fighters = 100.0
[parameters.escalation]
direct_combat_capabilities = ["fighters"]
direct_combat_weight = 0.5
targets_weight = 0.4
[[capabilities]]
id = "troops"
name = "troops"
force_type = "land"
ground = true
integer = false
[[capabilities]]
id = "fighters"
name = "fighters"
force_type = "air"
[[dimensions]]
id = "commitment"
name = "commitment"
[[dimensions]]
id = "us_role"
name = "US role"
default = 0.0
[[dimensions.derive]]
from = "unit_share"
contributors = ["u"]
capabilities = ["fighters"]
in_theatre_only = true
full_at = 0.5
level_at_full = 1.0
[[actors]]
id = "a"
name = "A"
reservation = 0.0
position = { commitment = 1.0 }
salience = { commitment = 1.0 }
[[actors.red_lines]]
id = "no_us_fighters"
kind = "level"
dimension = "us_role"
op = "gt"
value = 0.9
hardness = "stated"
[[actors]]
id = "e"
name = "E"
reservation = 0.0
position = { commitment = 1.0 }
salience = { commitment = 1.0 }
inventory = { troops = { count = 10000 }, fighters = { count = 10 } }
[[actors]]
id = "u"
name = "U"
reservation = 0.0
position = { commitment = 1.0 }
salience = { commitment = 1.0 }
inventory = { fighters = { count = 30 } }
[[components]]
id = "force"
name = "force"
[[components.options]]
id = "none"
[[components.options]]
id = "troops"
deterrence = 0.5
distance_to_line_km = 100
tasks = [{ id = "land", rule = "standing_ground_force", personnel = 5000, personnel_capability = "troops" }]
[[components]]
id = "air"
name = "air"
[[components.options]]
id = "none"
[[components.options]]
id = "cap"
tasks = [{ id = "cap", rule = "fixed_units", capability = "fighters", units = 20 }]
[[components]]
id = "commit"
name = "commitment"
[[components.options]]
id = "weak"
levels = { commitment = 0.5 }
[[components.options]]
id = "strong"
levels = { commitment = 1.0 }
"#;

fn hand() -> Scenario {
    load("deter.toml", HAND).expect("valid")
}

fn package(s: &Scenario, pairs: &[(&str, &str)]) -> PackageVerdict {
    let chosen: BTreeMap<String, String> = pairs
        .iter()
        .map(|(c, o)| (c.to_string(), o.to_string()))
        .collect();
    evaluate_package(s, &chosen).expect("evaluates")
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} ≠ {b}");
}

#[test]
fn every_part_of_deterrence_by_hand() {
    let s = hand();
    let v = package(
        &s,
        &[("force", "troops"), ("air", "cap"), ("commit", "strong")],
    );
    // 5,000 troops deployed (10,000 in the pool at 2:1) from e; 20 fighters
    // at 1:1, split at the smallest largest share z = 20 ÷ 40 = 0.5: u 15, e 5.
    let d = &v.deterrence;
    // Guarantor power 5,000 × 1 + 20 × 100 = 7,000; own 20,000; D = 27,000.
    close(d.guarantor_power, 7_000.0);
    close(d.defender_personnel, 20_000.0);
    // denial = 3·27,000 ÷ (3·27,000 + 90,000) = 81 ÷ 171.
    close(d.denial, 81.0 / 171.0);
    // US share of the forces: troops 0, fighters 15/20 = 0.75 → mean 0.375.
    close(d.us_share, 0.375);
    // Exposure: e nearest at 100 km → 100 ÷ 200 = 0.5; u at 300 km → 0.25.
    assert_eq!(d.exposures.len(), 2);
    close(d.exposures[0].exposure, 0.5);
    close(d.exposures[1].exposure, 0.25);
    // Tripwire min(1, 0.75 ÷ 2) = 0.375.
    close(d.tripwire, 0.375);
    // punishment = 1 − (1 − 0.6·1)(1 − 0.5·0.375)(1 − 0.5·0.375).
    close(d.punishment, 1.0 - 0.4 * 0.8125 * 0.8125);
    close(d.judgement, 0.5);
    close(
        d.total,
        0.5 * (81.0 / 171.0) + 0.3 * (1.0 - 0.4 * 0.8125 * 0.8125) + 0.2 * 0.5,
    );
    // Escalation: fighters over the theatre (1) and exposure 0.5:
    // 1 − (1 − 0.5)(1 − 0.4 · 0.5) = 0.6.
    close(v.escalation.risk, 0.6);
    assert!(v.escalation.direct_combat);
    // The US role follows the allocation: u gives 0.75 of the fighters in
    // theatre → 1 × min(1, 0.75 ÷ 0.5) = 1; A's red line (us_role > 0.9) fires.
    close(v.levels["us_role"], 1.0);
    assert!(v.level_derivations["us_role"].derived);
    assert!(v.level_derivations["us_role"].text.contains("unit_share"));
    // `explain --json`: each level entry carries its derivation.
    let json = serde_json::to_value(&v).unwrap();
    let level = &json["levels"]["us_role"];
    assert_eq!(level["level"], 1.0);
    assert_eq!(level["derived"], true);
    assert!(level["text"].as_str().unwrap().contains("unit_share"));
    assert!(level["from_options"].is_number());
    assert!(json.get("level_derivations").is_none());
    assert!(!v.acceptance["a"].accepts);
    assert!(d.working.iter().any(|w| w.starts_with("denial = ")));
}

#[test]
fn no_forces_no_tripwire_and_assurances_weigh_less() {
    let s = hand();
    let v = package(&s, &[("commit", "weak")]);
    let d = &v.deterrence;
    close(d.denial, 60.0 / 150.0);
    close(d.us_share, 0.0);
    close(d.tripwire, 0.0);
    close(d.punishment, 0.6 * 0.5);
    close(v.escalation.risk, 0.0);
    close(v.levels["us_role"], 0.0);
    let strong = package(&s, &[("commit", "strong")]);
    assert!(strong.deterrence.punishment > d.punishment);
}

#[test]
fn search_and_evaluate_agree_on_computed_deterrence() {
    let s = hand();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    let top = guarantor_engine::search(&s, &guarantor_engine::SearchOptions::default()).unwrap();
    for p in &top.packages {
        let q = e.packages.iter().find(|q| q.label == p.label).unwrap();
        assert_eq!(p.deterrence.total, q.deterrence.total);
        assert_eq!(p.passes, q.passes);
    }
}

#[test]
fn deterrence_does_not_depend_on_threads_or_actor_order() {
    let s = hand();
    let one = evaluate(
        &s,
        &EvalOptions {
            threads: Some(1),
            ..EvalOptions::default()
        },
    )
    .unwrap();
    let mut r = s.clone();
    r.actors.reverse();
    let two = evaluate(
        &r,
        &EvalOptions {
            threads: Some(2),
            ..EvalOptions::default()
        },
    )
    .unwrap();
    for (a, b) in one.packages.iter().zip(&two.packages) {
        assert_eq!(a.label, b.label);
        assert_eq!(a.deterrence, b.deterrence);
        assert_eq!(a.escalation, b.escalation);
        assert_eq!(a.levels, b.levels);
    }
}

#[test]
fn more_combat_power_of_a_capability_never_lowers_denial() {
    let s = hand();
    for factor in [0.0, 0.5, 2.0, 10.0] {
        let mut t = s.clone();
        for x in t.parameters.deterrence.combat_power.values_mut() {
            *x *= factor;
        }
        let all = [("force", "troops"), ("air", "cap"), ("commit", "strong")];
        let base = package(&s, &all).deterrence.denial;
        let scaled = package(&t, &all).deterrence.denial;
        assert_eq!(factor >= 1.0, scaled >= base, "factor {factor}");
    }
}

proptest! {
    #[test]
    fn denial_never_falls_with_more_defender_power(
        d in 0.0f64..1e7, extra in 0.0f64..1e7, a in 0.0f64..1e7,
        b in 1.0f64..6.0, m in 0.2f64..4.0,
    ) {
        let lo = denial_on_axis(d, a, b, m);
        let hi = denial_on_axis(d + extra, a, b, m);
        prop_assert!(hi >= lo, "{hi} < {lo}");
        prop_assert!((0.0..=1.0).contains(&lo));
    }

    #[test]
    fn credibility_never_falls_with_a_stronger_commitment(
        c in 0.0f64..1.0, dc in 0.0f64..1.0, u in 0.0f64..1.0, t in 0.0f64..1.0,
        wc in 0.0f64..1.0, wu in 0.0f64..1.0, wt in 0.0f64..1.0,
    ) {
        let c2 = (c + dc).min(1.0);
        let lo = punishment_credibility(c, u, t, wc, wu, wt);
        let hi = punishment_credibility(c2, u, t, wc, wu, wt);
        prop_assert!(hi >= lo - 1e-15, "{hi} < {lo}");
        prop_assert!((0.0..=1.0 + 1e-15).contains(&hi));
    }

    #[test]
    fn exposure_falls_with_distance(d in 0.0f64..5000.0, more in 0.0f64..5000.0, h in 1.0f64..1000.0) {
        prop_assert!(exposure(d + more, h) <= exposure(d, h));
    }

    #[test]
    fn more_committed_troops_never_lower_denial_of_a_package(personnel in 100u32..5000, extra in 0u32..5000) {
        let with = |p: u32| {
            let text = HAND.replace("personnel = 5000", &format!("personnel = {p}"));
            let s = load("deter.toml", &text).unwrap();
            package(&s, &[("force", "troops"), ("commit", "strong")]).deterrence.denial
        };
        prop_assert!(with(personnel + extra) >= with(personnel));
    }
}

#[test]
fn deterrence_parameters_take_what_ifs_by_path() {
    let s = hand();
    let t = guarantor_model::resolve(&s, "parameters.deterrence.attacker_personnel").unwrap();
    assert_eq!(t.value(&s), 90_000.0);
    let mut bigger = s.clone();
    guarantor_model::apply(&mut bigger, &[t], &[180_000.0]);
    let all = [("force", "troops"), ("commit", "strong")];
    // 3·25,000 ÷ (3·25,000 + 180,000) < 3·25,000 ÷ (3·25,000 + 90,000).
    close(package(&bigger, &all).deterrence.denial, 75.0 / 255.0);
    close(package(&s, &all).deterrence.denial, 75.0 / 165.0);
    assert!(guarantor_model::resolve(&s, "parameters.deterrence.weights").is_err());
}

/// The hand scenario with a flow of 100 shells a year that only u holds
/// (sized as fixed units, like an umbrella's interceptors, not as
/// handed-over materiel), declared `kind`, and a level derived from u's
/// share of every capability.
fn with_shells(kind: &str) -> Scenario {
    let text = HAND
        .replace(
            "rotation = { land = 2.0, air = 1.0 }",
            "rotation = { land = 2.0, air = 1.0, materiel = 1.0 }",
        )
        .replace(
            "[[dimensions]]\nid = \"commitment\"",
            &format!(
                "[[capabilities]]\nid = \"shells\"\nname = \"shells a year\"\nforce_type = \"materiel\"\nkind = \"{kind}\"\n\
                 [[dimensions]]\nid = \"commitment\""
            ),
        )
        .replace(
            "[[actors]]\nid = \"a\"",
            "[[dimensions]]\nid = \"u_everything\"\nname = \"u's share of everything\"\ndefault = 0.0\n\
             [[dimensions.derive]]\nfrom = \"unit_share\"\ncontributors = [\"u\"]\nfull_at = 1.0\n\
             [[actors]]\nid = \"a\"",
        )
        .replace(
            "inventory = { fighters = { count = 30 } }",
            "inventory = { fighters = { count = 30 }, shells = { count = 1000 } }",
        )
        + "[[components]]\nid = \"supply\"\nname = \"supply\"\n[[components.options]]\nid = \"none\"\n\
           [[components.options]]\nid = \"shells\"\n\
           tasks = [{ id = \"shells\", rule = \"fixed_units\", units = 100, capability = \"shells\" }]\n";
    load("shells.toml", &text).expect("valid")
}

#[test]
fn munitions_are_no_forces_in_harms_way_and_in_no_share_of_units() {
    let all = [
        ("force", "troops"),
        ("air", "cap"),
        ("commit", "strong"),
        ("supply", "shells"),
    ];
    let v = package(&with_shells("munitions"), &all);
    assert!(
        v.allocation
            .iter()
            .any(|a| a.capability == "shells" && a.contributor == "u" && a.units == 100.0)
    );
    let d = &v.deterrence;
    // As without the shells: troops 0, fighters 15/20 → US share 0.375;
    // tripwire 0.375; punishment 1 − 0.4 × 0.8125 × 0.8125.
    close(d.us_share, 0.375);
    close(d.tripwire, 0.375);
    close(d.punishment, 1.0 - 0.4 * 0.8125 * 0.8125);
    // u's share of every capability: troops 0, fighters 0.75 → 0.375
    // (the shells are named by no derivation, so they do not count).
    close(v.levels["u_everything"], 0.375);
    // The same flow declared as forces (the default) would count: the US
    // share of forces mean(0, 0.75, 1) = 0.5833…, and so would the level.
    let f = package(&with_shells("forces"), &all);
    close(f.deterrence.us_share, 1.75 / 3.0);
    close(f.levels["u_everything"], 1.75 / 3.0);
    assert!(f.deterrence.punishment > d.punishment);
    // The screen agrees with the full verdict on both.
    for s in [with_shells("munitions"), with_shells("forces")] {
        let e = evaluate(&s, &EvalOptions::default()).unwrap();
        let top = guarantor_engine::search(
            &s,
            &guarantor_engine::SearchOptions {
                top: 64,
                ..guarantor_engine::SearchOptions::default()
            },
        )
        .unwrap();
        for p in &top.packages {
            let q = e.packages.iter().find(|q| q.label == p.label).unwrap();
            assert_eq!(p.deterrence.total, q.deterrence.total, "{}", p.label);
            assert_eq!(p.levels, q.levels, "{}", p.label);
        }
    }
}

#[test]
fn transferred_umbrella_batteries_are_no_us_forces_in_harms_way() {
    // Was (0.5.0 review): the default's US Patriot batteries, handed over
    // (`air_defence_umbrella` with `transfer = true`), still counted as US
    // forces — US share 0.656 = mean(gbad_long 1, monitors 702 ÷ 2,246) and
    // punishment 0.614 — although a `point_air_defence` transfer did not.
    let s = guarantor_model::default_scenario();
    let v = package(
        &s,
        &[
            ("ground_force", "none"),
            ("command", "coalition_national_flags"),
            ("air_defence", "us_systems"),
            ("air_cover", "none"),
            ("weapons", "halted"),
            ("commitment", "art5_like_binding"),
            ("monitoring", "ground_teams"),
            ("army_size", "no_cap"),
        ],
    );
    let us = |cap: &str| -> f64 {
        v.allocation
            .iter()
            .filter(|l| l.capability == cap && l.contributor == "us")
            .map(|l| l.units)
            .sum()
    };
    let all = |cap: &str| -> f64 {
        v.allocation
            .iter()
            .filter(|l| l.capability == cap)
            .map(|l| l.units)
            .sum()
    };
    assert_eq!(us("gbad_long"), 10.0, "the US still supplies the batteries");
    assert_eq!((us("monitors"), all("monitors")), (702.0, 2_246.0));
    let d = &v.deterrence;
    // Only the monitors count: u = 702 ÷ 2,246; no nation in harm's way.
    close(d.us_share, 702.0 / 2_246.0);
    close(d.tripwire, 0.0);
    // punishment = 1 − (1 − 0.6 × 0.67)(1 − 0.5 × u)(1 − 0.5 × 0) = 0.4955.
    close(
        d.punishment,
        1.0 - (1.0 - 0.6 * 0.67) * (1.0 - 0.5 * 702.0 / 2_246.0),
    );
    assert!((d.punishment - 0.4955).abs() < 5e-4, "{}", d.punishment);
}
