//! Small scenarios whose allocation, shortfall, utilities and verdicts are
//! worked out by hand in the comments.

use std::collections::BTreeMap;

use guarantor_engine::{EvalOptions, ReasonKind, evaluate, evaluate_package};
use guarantor_model::load;

/// Two contributors of brigades: x (member of "club", cost 1) and y (cost 2).
/// Option "one" needs 2 brigades deployed; at 3:1 rotation, 6 in the pool.
/// x has 10 × 0.5 × 0.6 = 3 available; y has `y_count` × 1 × 1.
/// Actor b (required) forbids ground troops from club members.
fn scenario(y_count: u32) -> String {
    format!(
        r#"
[meta]
id = "hand"
title = "hand-checked"
[parameters]
required_acceptance = ["a", "b"]
rotation = {{ land = 3.0 }}
# Exact codings: a margin of exactly 0 accepts (docs/model.md §4).
acceptance_precision = 0.0
[[capabilities]]
id = "brigades"
name = "brigades"
force_type = "land"
ground = true
[[dimensions]]
id = "troops"
name = "troops"
[[dimensions]]
id = "money"
name = "money"
default = 0.5
[[actors]]
id = "x"
name = "X"
reservation = 0.0
member_of = ["club"]
position = {{ troops = 1.0 }}
salience = {{ troops = 1.0 }}
inventory = {{ brigades = {{ count = 10, readiness = 0.5, deployable_share = 0.6, cost_per_unit_year = 1.0 }} }}
[[actors]]
id = "y"
name = "Y"
reservation = 0.0
position = {{ troops = 1.0 }}
salience = {{ troops = 1.0 }}
inventory = {{ brigades = {{ count = {y_count}, cost_per_unit_year = 2.0 }} }}
[[actors]]
id = "a"
name = "A"
reservation = 0.4
position = {{ troops = 1.0, money = 0.0 }}
salience = {{ troops = 0.6, money = 0.2 }}
[[actors]]
id = "b"
name = "B"
reservation = 0.5
position = {{ troops = 0.0 }}
salience = {{ troops = 1.0 }}
[[actors.red_lines]]
id = "no_club_troops"
kind = "contribution"
ground = true
from_members_of = ["club"]
hardness = "stated"
[[components]]
id = "force"
name = "force"
[[components.options]]
id = "none"
levels = {{ troops = 0.0 }}
[[components.options]]
id = "one"
levels = {{ troops = 0.5 }}
deterrence = 0.3
tasks = [{{ id = "land", rule = "fixed_units", capability = "brigades", units = 2 }}]
"#
    )
}

fn one(y_count: u32) -> guarantor_engine::PackageVerdict {
    let s = load("hand.toml", &scenario(y_count)).unwrap();
    evaluate_package(
        &s,
        &BTreeMap::from([("force".to_string(), "one".to_string())]),
    )
    .unwrap()
}

fn units(v: &guarantor_engine::PackageVerdict, who: &str) -> f64 {
    v.allocation
        .iter()
        .filter(|l| l.contributor == who)
        .map(|l| l.units)
        .sum()
}

#[test]
fn cheaper_contributor_first_and_red_line_judged_against_the_allocation() {
    // y has 4: honouring b's red line (y only) leaves 2 short, so the allocator
    // falls back to x 3 (cheaper, all it has) + y 3. Cost 3×1 + 3×2 = 9.
    let v = one(4);
    assert!(v.feasible);
    assert_eq!(units(&v, "x"), 3.0);
    assert_eq!(units(&v, "y"), 3.0);
    assert_eq!(v.cost_per_year, 9.0);
    // Max share: x uses 3 of 3 → 1.0.
    assert_eq!(v.max_share, 1.0);
    // a: u = (0.6 × (1 − |0.5 − 1|) + 0.2 × (1 − |0.5 − 0|)) / 0.8 = (0.3 + 0.1) / 0.8 = 0.5 ≥ 0.4.
    let a = &v.acceptance["a"];
    assert!((a.utility - 0.5).abs() < 1e-12);
    assert!((a.margin - 0.1).abs() < 1e-12);
    assert!(a.accepts);
    // b: u = 1 − |0.5 − 0| = 0.5 ≥ 0.5, but x (a club member) supplies 3 brigades.
    let b = &v.acceptance["b"];
    assert!((b.utility - 0.5).abs() < 1e-12);
    assert!(!b.accepts);
    assert_eq!(b.reasons.len(), 1);
    assert_eq!(b.reasons[0].kind, ReasonKind::RedLine);
    assert_eq!(b.reasons[0].red_line.as_deref(), Some("no_club_troops"));
    assert!(
        b.reasons[0].text.contains("x 3 brigades"),
        "{}",
        b.reasons[0].text
    );
    assert!(!v.passes);
}

#[test]
fn red_line_honoured_when_the_others_can_supply_everything() {
    // y has 6: the allocator honours b's red line, y supplies all 6 at cost 12.
    let v = one(6);
    assert!(v.feasible);
    assert_eq!(units(&v, "x"), 0.0);
    assert_eq!(units(&v, "y"), 6.0);
    assert_eq!(v.cost_per_year, 12.0);
    assert!(v.acceptance["b"].accepts);
    assert!(v.passes);
}

#[test]
fn shortfall_is_what_nobody_can_supply() {
    // y has 1: x 3 + y 1 = 4 of 6 → 2 short; the text lists the availability.
    let v = one(1);
    assert!(!v.feasible);
    assert_eq!(v.shortfalls.len(), 1);
    let s = &v.shortfalls[0];
    assert_eq!((s.short, s.need, s.available), (2.0, 6.0, 4.0));
    assert_eq!(
        s.text,
        "brigades short by 2 (need 6 in pool, available 4: x 3, y 1)"
    );
}

#[test]
fn a_requirement_only_a_forbidden_contributor_could_meet_is_short() {
    // x refuses ground troops by its own caveat; y has none: all 6 are short,
    // and x is named as holding brigades it may not use here.
    let text = scenario(0).replace(
        "[[actors]]\nid = \"y\"",
        "[[actors.caveats]]\nid = \"no_ground\"\nground = true\n[[actors]]\nid = \"y\"",
    );
    let s = load("hand.toml", &text).unwrap();
    let v = evaluate_package(
        &s,
        &BTreeMap::from([("force".to_string(), "one".to_string())]),
    )
    .unwrap();
    assert!(!v.feasible);
    assert!(v.allocation.is_empty(), "{:?}", v.allocation);
    assert_eq!(v.shortfalls[0].short, 6.0);
    assert!(
        v.shortfalls[0].text.contains("held but not usable here"),
        "{}",
        v.shortfalls[0].text
    );
}

#[test]
fn whole_space_counts_and_frontier() {
    // Two packages: "none" (troops 0: a gets (0.6×0 + 0.2×0.5)/0.8 = 0.125 < 0.4, rejects)
    // and "one" (passes with y = 6).
    let s = load("hand.toml", &scenario(6)).unwrap();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    assert_eq!(e.counts.evaluated, 2);
    assert_eq!(e.counts.passing, 1);
    assert_eq!(e.failures.rejected_by["a"].rejects, 1);
    assert_eq!(e.failures.rejected_by["a"].utility_only, 1);
    assert_eq!(e.packages[0].label, "one");
    assert!(e.packages[0].frontier);
    assert!(!e.packages[1].frontier);
}

/// One required actor r who wants presence (position 1, salience 1, so its
/// utility is the presence level itself) at a reservation of 0.6, and three
/// components that only set presence: c0 low 0.1 / high 0.9, c1 a 0.2 / b 0.7,
/// c2 x 0.0 / y 0.5. A package's presence is the largest its options set.
const BOUND: &str = r#"
[meta]
id = "bound"
title = "utility bound"
[parameters]
required_acceptance = ["r"]
acceptance_precision = 0.0
[[dimensions]]
id = "presence"
name = "presence"
[[actors]]
id = "r"
name = "R"
reservation = 0.6
position = { presence = 1.0 }
salience = { presence = 1.0 }
[[components]]
id = "c0"
name = "c0"
options = [{ id = "low", levels = { presence = 0.1 } }, { id = "high", levels = { presence = 0.9 } }]
[[components]]
id = "c1"
name = "c1"
options = [{ id = "a", levels = { presence = 0.2 } }, { id = "b", levels = { presence = 0.7 } }]
[[components]]
id = "c2"
name = "c2"
options = [{ id = "x", levels = { presence = 0.0 } }, { id = "y", levels = { presence = 0.5 } }]
"#;

#[test]
fn pruning_by_utility_bound_cuts_exactly_the_blocks_no_completion_can_save() {
    use guarantor_engine::{SearchOptions, search};
    // By hand: after "low", presence can still reach max(0.1, 0.7, 0.5) = 0.7
    // ≥ 0.6, so the block of c0 = low is not cut. After "low, a" it can reach
    // max(0.2, 0.5) = 0.5 only: r's best utility is 0.5, margin −0.1, so both
    // packages "low, a, *" are cut. Every other package reaches 0.7 or 0.9 and
    // passes: 6 of 8.
    let pruned_search = |s| {
        search(
            s,
            &SearchOptions {
                prune: true,
                ..SearchOptions::default()
            },
        )
        .unwrap()
    };
    let s = load("bound.toml", BOUND).unwrap();
    let full = search(&s, &SearchOptions::default()).unwrap();
    assert_eq!(full.counts.evaluated, 8);
    assert_eq!(full.counts.passing, 6);
    assert_eq!(full.failures.rejected_by["r"].below_reservation, 2);
    let pruned = pruned_search(&s);
    assert_eq!(pruned.counts.evaluated, 6);
    assert_eq!(pruned.counts.pruned, 2);
    assert_eq!(
        pruned.failures.pruned_by["r: utility below its reservation whatever else is chosen"],
        2
    );
    assert_eq!(pruned.counts.passing, 6);
    let labels = |e: &guarantor_engine::Evaluation| {
        e.packages
            .iter()
            .filter(|p| p.passes)
            .map(|p| p.label.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(&pruned), labels(&full));
    // With c0 = low at 0.1 and c1's largest option at 0.55 instead, the block
    // of "low" cannot reach 0.6 at all: 4 packages cut at the first component.
    let s = load(
        "bound.toml",
        &BOUND.replace("presence = 0.7", "presence = 0.55"),
    )
    .unwrap();
    let pruned = pruned_search(&s);
    assert_eq!(pruned.counts.pruned, 4);
    assert_eq!(pruned.counts.passing, 4);
}
