//! EUM on Bueno de Mesquita's (1994) EU car-emission example, as transcribed by
//! Scholz et al. (2011): the `scholz-code` mode reproduces jmckib's replication
//! round by round; the `literal` mode reproduces its clean-room reference row.

mod common;

use common::csv_rows;
use guarantor_bargaining::eum::{EumOptions, eum_mean, eum_median};
use guarantor_bargaining::{Actor, Scenario, eum};

fn emission() -> Scenario {
    let actors = csv_rows("eum/inputs_emission_bdm1994.csv")
        .into_iter()
        .map(|r| Actor {
            name: r[0].clone(),
            description: String::new(),
            capability: r[1].parse().unwrap(),
            positions: vec![r[2].parse().unwrap()],
            saliences: vec![r[3].parse().unwrap()],
        })
        .collect();
    Scenario {
        name: "emission".into(),
        description: String::new(),
        dimensions: vec!["year".into()],
        actors,
    }
}

fn medians_and_means(opts: &EumOptions) -> Vec<(f64, f64, Vec<f64>)> {
    let sc = emission();
    let f = eum(&sc, opts).unwrap();
    let c: Vec<f64> = sc.actors.iter().map(|a| a.capability).collect();
    let s: Vec<f64> = sc.actors.iter().map(|a| a.saliences[0] / 100.0).collect();
    f.turns
        .iter()
        .map(|t| {
            let x: Vec<f64> = t.positions.iter().map(|p| p.1[0]).collect();
            (eum_median(&c, &s, &x, 6.0), eum_mean(&c, &s, &x), x)
        })
        .collect()
}

#[test]
fn initial_median_and_mean_match_the_published_statistics() {
    let r = medians_and_means(&EumOptions::default());
    assert_eq!(r[0].0, 7.0);
    assert!((r[0].1 - 7.38996).abs() < 1e-5);
}

#[test]
fn scholz_code_mode_reproduces_jmckib_trajectory_for_10_rounds() {
    let ours = medians_and_means(&EumOptions::mode("scholz-code").unwrap());
    let reference = csv_rows("eum/run_jmckib_emission_10rounds.csv");
    assert_eq!(ours.len(), reference.len());
    for (row, (median, mean, x)) in reference.iter().zip(&ours) {
        let v: Vec<f64> = row.iter().map(|c| c.parse().unwrap()).collect();
        assert!(
            (median - v[1]).abs() < 1e-5,
            "round {}: median {median} vs {}",
            v[0],
            v[1]
        );
        assert!(
            (mean - v[2]).abs() < 1e-5,
            "round {}: mean {mean} vs {}",
            v[0],
            v[2]
        );
        for (i, xi) in x.iter().enumerate() {
            assert!(
                (xi - v[3 + i]).abs() < 1e-5,
                "round {}, actor {i}: {xi} vs {}",
                v[0],
                v[3 + i]
            );
        }
    }
}

/// The clean-room study's key finding for the printed (pairwise) probability: the
/// median stays at 7.0 in all 8 rounds and the mean stays within 6.96–7.89. The exact
/// per-round means are pinned to our own literal-mode run (4 dp) as a regression row;
/// the clean-room variants' means themselves are not reproduced (see docs/forecast.md).
#[test]
fn literal_mode_keeps_the_median_at_7_and_reproduces_its_reference_row() {
    let mut opts = EumOptions::mode("literal").unwrap();
    opts.rounds = 8;
    let r = medians_and_means(&opts);
    let pinned_means = [
        7.2540, 7.2036, 7.1642, 7.1607, 7.1633, 7.1716, 7.0935, 7.0612,
    ];
    for (round, ((median, mean, _), pinned)) in r.iter().skip(1).zip(pinned_means).enumerate() {
        assert_eq!(*median, 7.0, "round {}", round + 1);
        assert!(
            (6.96..=7.89).contains(mean),
            "round {}: mean {mean}",
            round + 1
        );
        assert!(
            (mean - pinned).abs() < 5e-5,
            "round {}: mean {mean} vs pinned {pinned}",
            round + 1
        );
    }
}

#[test]
fn global_denominator_reproduces_the_published_rise_of_the_median() {
    // Scholz et al. (2011) Table 2, rounds 1, 3, 6, 7, 8 truncated to one decimal.
    let r = medians_and_means(&EumOptions::default());
    let published = [
        (1, 8.4),
        (3, 9.9),
        (4, 9.9),
        (5, 9.9),
        (6, 7.4),
        (7, 8.8),
        (8, 9.6),
    ];
    for (round, value) in published {
        let truncated = (r[round].0 * 10.0).floor() / 10.0;
        assert_eq!(truncated, value, "round {round}");
    }
}

#[test]
fn eum_switches_are_named() {
    let mut o = EumOptions::default();
    o.set("probability", "pairwise").unwrap();
    o.set("offer-selection", "least_move").unwrap();
    assert!(o.set("probability", "bogus").is_err());
    assert!(o.set("nonsense", "1").is_err());
    assert!(EumOptions::mode("nope").is_err());
    assert_eq!(EumOptions::mode("literal").unwrap().label(), "eum:literal");
}
