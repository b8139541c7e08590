//! Conditional options (`requires` / `excludes`): packages that break a rule
//! are never enumerated, and are counted by rule (issue #15, item 3).

use std::collections::BTreeMap;

use guarantor_engine::{
    EngineError, EvalOptions, PackageSpace, SearchOptions, evaluate, evaluate_package, search,
};
use guarantor_model::{Scenario, default_scenario, load};
use proptest::prelude::*;

/// Components a (3 options), b (2), c (2): 12 packages. `a.a1` requires
/// `b.b1`; `c.c1` excludes `a.a2`.
///
/// By hand: a1 with b0 breaks the first rule (c0, c1: 2 packages); c1 with
/// a2 breaks the second (b0, b1: 2 packages); no package breaks both (a1 and
/// a2 are one component). Excluded 4, evaluated 8.
fn small(rules: &str) -> String {
    format!(
        r#"
[meta]
id = "space"
title = "package space"
[parameters]
required_acceptance = ["x"]
rotation = {{ land = 1.0 }}
[[capabilities]]
id = "k"
name = "k"
force_type = "land"
[[dimensions]]
id = "d"
name = "d"
[[actors]]
id = "x"
name = "X"
reservation = 0.0
position = {{ d = 0.0 }}
salience = {{ d = 1.0 }}
inventory = {{ k = {{ count = 10 }} }}
[[components]]
id = "a"
name = "a"
[[components.options]]
id = "a0"
levels = {{ d = 0.0 }}
[[components.options]]
id = "a1"
levels = {{ d = 0.1 }}
{rules}
[[components.options]]
id = "a2"
levels = {{ d = 0.2 }}
[[components]]
id = "b"
name = "b"
[[components.options]]
id = "b0"
[[components.options]]
id = "b1"
deterrence = 0.1
[[components]]
id = "c"
name = "c"
[[components.options]]
id = "c0"
[[components.options]]
id = "c1"
excludes = ["a.a2"]
"#
    )
}

fn scenario(text: &str) -> Scenario {
    load("space.toml", text).expect("valid scenario")
}

#[test]
fn excluded_packages_are_counted_by_rule_and_never_evaluated() {
    let s = scenario(&small("requires = [\"b.b1\"]"));
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    assert_eq!(e.counts.evaluated, 8);
    assert_eq!(e.counts.excluded, 4);
    assert_eq!(
        e.failures.excluded_by,
        BTreeMap::from([
            ("a.a1 requires b ∈ {b1}".to_string(), 2),
            ("c.c1 excludes a.a2".to_string(), 2),
        ])
    );
    for p in &e.packages {
        assert!(
            !(p.options["a"] == "a1" && p.options["b"] == "b0"),
            "{}",
            p.label
        );
        assert!(
            !(p.options["c"] == "c1" && p.options["a"] == "a2"),
            "{}",
            p.label
        );
    }
    // The streaming search agrees, for any number of threads.
    for threads in [1, 3] {
        let r = search(
            &s,
            &SearchOptions {
                threads: Some(threads),
                top: 20,
                ..SearchOptions::default()
            },
        )
        .unwrap();
        assert_eq!(r.counts, e.counts);
        assert_eq!(r.failures, e.failures);
        assert_eq!(r.packages, e.packages);
    }
}

#[test]
fn explaining_an_excluded_package_names_the_rule() {
    let s = scenario(&small("requires = [\"b.b1\"]"));
    let chosen = BTreeMap::from([("a".to_string(), "a1".to_string())]);
    let err = evaluate_package(&s, &chosen).unwrap_err();
    assert_eq!(
        err,
        EngineError::Excluded {
            package: "a1 · b0 · c0".into(),
            rule: "a.a1 requires b ∈ {b1}".into(),
        }
    );
}

#[test]
fn no_package_of_the_default_scenario_has_us_command_and_control_without_a_force() {
    let s = default_scenario();
    let e = evaluate(&s, &EvalOptions::default()).unwrap();
    // 5 × 4 × 3 × 4 × 3 × 3 × 2 × 2 = 8,640 (ground force, command, air
    // defence, air cover, weapons, commitment, monitoring, Ukraine's army);
    // US C2 with no ground force: 1 × 1 × 3 × 4 × 3 × 3 × 2 × 2 = 432 left out.
    assert_eq!(e.counts.excluded, 432);
    assert_eq!(e.counts.evaluated, 8_208);
    for p in &e.packages {
        assert!(
            !(p.options["command"] == "national_flags_us_c2"
                && p.options["ground_force"] == "none"),
            "{} is enumerated",
            p.label
        );
    }
    assert!(
        e.packages
            .iter()
            .filter(|p| p.passes || p.undetermined)
            .all(|p| p.options["command"] != "national_flags_us_c2"
                || p.options["ground_force"] != "none"),
        "no passing package has US C2 without a force"
    );
}

/// A random scenario: 2–4 components of 2–3 options and random rules.
fn random_scenario(radices: &[usize], rules: &[(usize, usize, bool, usize, Vec<bool>)]) -> String {
    let mut t = String::from(
        r#"
[meta]
id = "r"
title = "r"
[parameters]
rotation = { land = 1.0 }
[[capabilities]]
id = "k"
name = "k"
force_type = "land"
[[dimensions]]
id = "d"
name = "d"
default = 0.5
[[actors]]
id = "x"
name = "X"
reservation = 0.0
position = { d = 0.0 }
salience = { d = 1.0 }
"#,
    );
    for (ci, &r) in radices.iter().enumerate() {
        t.push_str(&format!(
            "[[components]]\nid = \"c{ci}\"\nname = \"c{ci}\"\n"
        ));
        for oi in 0..r {
            t.push_str(&format!(
                "[[components.options]]\nid = \"o{oi}\"\ndeterrence = {}\n",
                (ci * 3 + oi) as f64 / 10.0
            ));
            let mut requires = Vec::new();
            let mut excludes = Vec::new();
            for (c, o, req, target, which) in rules {
                if *c != ci || *o != oi || *target == ci {
                    continue;
                }
                let names: Vec<String> = which
                    .iter()
                    .enumerate()
                    .filter(|(x, on)| **on && *x < radices[*target])
                    .map(|(x, _)| format!("\"c{target}.o{x}\""))
                    .collect();
                if names.is_empty() {
                    continue;
                }
                if *req {
                    requires.extend(names);
                } else {
                    excludes.extend(names);
                }
            }
            // Keep the scenario valid: nothing both required and excluded.
            excludes.retain(|e| !requires.contains(e));
            if !requires.is_empty() {
                t.push_str(&format!("requires = [{}]\n", requires.join(", ")));
            }
            if !excludes.is_empty() {
                t.push_str(&format!("excludes = [{}]\n", excludes.join(", ")));
            }
        }
    }
    t
}

/// Does the package break any rule, by the definition in docs/model.md §1?
fn breaks(s: &Scenario, choice: &[usize]) -> bool {
    s.components.iter().enumerate().any(|(ci, comp)| {
        let opt = &comp.options[choice[ci]];
        let chosen = |e: &String| {
            let (c, o) = e.split_once('.').unwrap();
            let t = s.components.iter().position(|x| x.id == c).unwrap();
            s.components[t].options[choice[t]].id == o
        };
        let mut by_comp: BTreeMap<&str, bool> = BTreeMap::new();
        for e in &opt.requires {
            let c = e.split_once('.').unwrap().0;
            *by_comp.entry(c).or_insert(false) |= chosen(e);
        }
        by_comp.values().any(|ok| !ok) || opt.excludes.iter().any(chosen)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Excluded packages are never enumerated; evaluated + excluded is the
    /// whole option space; the per-rule counts add up to the excluded count;
    /// search (1 and 3 threads, with and without pruning) and evaluate agree.
    #[test]
    fn excluded_packages_are_never_enumerated_and_counts_add_up(
        radices in prop::collection::vec(2usize..=3, 2..=4),
        rules in prop::collection::vec(
            (0usize..4, 0usize..3, any::<bool>(), 0usize..4, prop::collection::vec(any::<bool>(), 3)),
            0..5,
        ),
    ) {
        let rules: Vec<_> = rules
            .into_iter()
            .filter(|(c, o, _, t, _)| *c < radices.len() && *t < radices.len() && *o < radices[*c])
            .collect();
        let text = random_scenario(&radices, &rules);
        let Ok(s) = load("random.toml", &text) else {
            // A random rule set may make an option unsatisfiable (a requires
            // cycle), which validation rightly refuses.
            return Ok(());
        };
        let size: u64 = radices.iter().map(|&r| r as u64).product();
        let e = evaluate(&s, &EvalOptions::default()).unwrap();
        prop_assert_eq!(e.counts.evaluated + e.counts.excluded, size);
        prop_assert_eq!(e.failures.excluded_by.values().sum::<u64>(), e.counts.excluded);
        let space = PackageSpace::new(&s);
        let mut broken = 0u64;
        for i in 0..size {
            let choice = guarantor_engine::decode(i, &radices);
            let c: Vec<usize> = choice.iter().map(|&x| x as usize).collect();
            let b = breaks(&s, &c);
            prop_assert_eq!(space.excluded_by(&choice).is_some(), b, "package {:?}", c);
            broken += u64::from(b);
        }
        prop_assert_eq!(broken, e.counts.excluded);
        for p in &e.packages {
            let c: Vec<usize> = s
                .components
                .iter()
                .map(|comp| comp.options.iter().position(|o| o.id == p.options[&comp.id]).unwrap())
                .collect();
            prop_assert!(!breaks(&s, &c), "{} enumerated", p.label);
        }
        for threads in [1, 3] {
            let r = search(&s, &SearchOptions { threads: Some(threads), top: 100, ..SearchOptions::default() }).unwrap();
            prop_assert_eq!(&r.counts, &e.counts);
            prop_assert_eq!(&r.failures, &e.failures);
            prop_assert_eq!(&r.packages, &e.packages);
            let pruned = search(&s, &SearchOptions { threads: Some(threads), top: 100, prune: true, ..SearchOptions::default() }).unwrap();
            prop_assert_eq!(
                pruned.counts.evaluated + pruned.counts.excluded + pruned.counts.pruned,
                size
            );
            prop_assert_eq!(pruned.counts.passing, e.counts.passing);
        }
    }
}
