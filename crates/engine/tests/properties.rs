//! Invariants of the engine on random small scenarios.

use guarantor_engine::{EvalOptions, Evaluation, evaluate};
use guarantor_model::load;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Contributor {
    club: bool,
    units: u32,
    planes: u32,
    readiness: f64,
    cost: f64,
}

#[derive(Debug, Clone)]
struct Params {
    contributors: Vec<Contributor>,
    small: u32,
    large: u32,
    patrol: u32,
    a_pos: f64,
    b_pos: f64,
    b_limit: f64,
    reservation: f64,
}

fn params() -> impl Strategy<Value = Params> {
    let contributor = (any::<bool>(), 0u32..12, 0u32..10, 0.5f64..1.0, 1.0f64..5.0).prop_map(
        |(club, units, planes, readiness, cost)| Contributor {
            club,
            units,
            planes,
            readiness,
            cost,
        },
    );
    (
        prop::collection::vec(contributor, 2..=3),
        1u32..3,
        2u32..5,
        1u32..4,
        0.0f64..1.0,
        0.0f64..1.0,
        0.2f64..0.9,
        0.2f64..0.6,
    )
        .prop_map(
            |(contributors, small, large, patrol, a_pos, b_pos, b_limit, reservation)| Params {
                contributors,
                small,
                large,
                patrol,
                a_pos,
                b_pos,
                b_limit,
                reservation,
            },
        )
}

/// Actor tables, so tests can reorder them.
fn actors(p: &Params, level_red_line: bool, contribution_red_line: bool) -> Vec<String> {
    let mut out: Vec<String> = p
        .contributors
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "[[actors]]\nid = \"c{i}\"\nname = \"C{i}\"\nreservation = 0.0\nmember_of = [{}]\nposition = {{ troops = 0.5 }}\nsalience = {{ troops = 1.0 }}\ninventory = {{ units = {{ count = {}, readiness = {}, cost_per_unit_year = {} }}, planes = {{ count = {}, cost_per_unit_year = {} }} }}\n",
                if c.club { "\"club\"" } else { "" },
                c.units,
                c.readiness,
                c.cost,
                c.planes,
                c.cost * 2.0
            )
        })
        .collect();
    out.push(format!(
        "[[actors]]\nid = \"a\"\nname = \"A\"\nreservation = {}\nmember_of = [\"club\"]\nposition = {{ troops = {}, air = 1.0 }}\nsalience = {{ troops = 0.7, air = 0.3 }}\n",
        p.reservation, p.a_pos
    ));
    let mut b = format!(
        "[[actors]]\nid = \"b\"\nname = \"B\"\nreservation = {}\nposition = {{ troops = {}, air = 0.0 }}\nsalience = {{ troops = 0.5, air = 0.5 }}\n",
        p.reservation, p.b_pos
    );
    if level_red_line {
        b.push_str(&format!("[[actors.red_lines]]\nid = \"limit\"\nkind = \"level\"\ndimension = \"troops\"\nop = \"gt\"\nvalue = {}\nhardness = \"stated\"\n", p.b_limit));
    }
    if contribution_red_line {
        b.push_str("[[actors.red_lines]]\nid = \"no_club\"\nkind = \"contribution\"\nground = true\nfrom_members_of = [\"club\"]\nhardness = \"inferred\"\n");
    }
    out.push(b);
    out
}

fn scenario(p: &Params, actors: &[String]) -> String {
    format!(
        r#"[meta]
id = "random"
title = "random"
[parameters]
required_acceptance = ["a", "b"]
rotation = {{ land = 2.0, air = 3.0 }}
[[capabilities]]
id = "units"
name = "units"
force_type = "land"
ground = true
[[capabilities]]
id = "planes"
name = "planes"
force_type = "air"
[[dimensions]]
id = "troops"
name = "troops"
[[dimensions]]
id = "air"
name = "air"
default = 0.0
{}
[[components]]
id = "force"
name = "force"
[[components.options]]
id = "none"
levels = {{ troops = 0.0 }}
[[components.options]]
id = "small"
levels = {{ troops = 0.4 }}
deterrence = 0.2
tasks = [{{ id = "t", rule = "fixed_units", capability = "units", units = {} }}]
[[components.options]]
id = "large"
levels = {{ troops = 0.8 }}
deterrence = 0.5
tasks = [{{ id = "t", rule = "fixed_units", capability = "units", units = {} }}]
[[components]]
id = "air"
name = "air"
[[components.options]]
id = "none"
[[components.options]]
id = "patrol"
levels = {{ air = 1.0 }}
deterrence = 0.2
tasks = [{{ id = "t", rule = "fixed_units", capability = "planes", units = {} }}]
"#,
        actors.join("\n"),
        p.small,
        p.large,
        p.patrol
    )
}

fn run(text: &str, threads: Option<usize>) -> Evaluation {
    let s = load("random.toml", text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    evaluate(
        &s,
        &EvalOptions {
            threads,
            ..EvalOptions::default()
        },
    )
    .unwrap()
}

fn by_label(
    e: &Evaluation,
) -> std::collections::BTreeMap<String, &guarantor_engine::PackageVerdict> {
    e.packages.iter().map(|p| (p.label.clone(), p)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn adding_inventory_never_makes_a_feasible_package_infeasible(p in params(), who in 0usize..3, extra in 1u32..6) {
        let before = run(&scenario(&p, &actors(&p, true, true)), None);
        let mut q = p.clone();
        let i = who % q.contributors.len();
        q.contributors[i].units += extra;
        q.contributors[i].planes += extra;
        let after = run(&scenario(&q, &actors(&q, true, true)), None);
        let after = by_label(&after);
        for v in &before.packages {
            if v.feasible {
                prop_assert!(after[&v.label].feasible, "{} became infeasible", v.label);
            }
        }
    }

    #[test]
    fn dropping_a_red_line_never_turns_acceptance_into_rejection(p in params()) {
        let with = run(&scenario(&p, &actors(&p, true, true)), None);
        // A package-level red line does not touch the allocation: nobody who accepted rejects.
        let no_level = run(&scenario(&p, &actors(&p, false, true)), None);
        let no_level = by_label(&no_level);
        for v in &with.packages {
            for (actor, av) in &v.acceptance {
                if av.accepts {
                    prop_assert!(no_level[&v.label].acceptance[actor].accepts, "{actor} on {}", v.label);
                }
            }
        }
        // Dropping its contribution red line never makes its owner reject.
        let no_contrib = run(&scenario(&p, &actors(&p, true, false)), None);
        let no_contrib = by_label(&no_contrib);
        for v in &with.packages {
            if v.acceptance["b"].accepts {
                prop_assert!(no_contrib[&v.label].acceptance["b"].accepts, "b on {}", v.label);
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_thread_count_or_actor_order(p in params()) {
        let list = actors(&p, true, true);
        let one = run(&scenario(&p, &list), Some(1));
        let two = run(&scenario(&p, &list), Some(2));
        prop_assert_eq!(&one, &two);
        let mut reversed = list.clone();
        reversed.reverse();
        let rev = run(&scenario(&p, &reversed), Some(2));
        prop_assert_eq!(&one, &rev);
    }
}
