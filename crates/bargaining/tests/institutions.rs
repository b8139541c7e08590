//! The institutional switches of `guarantor forecast`: hand-checked pulls and veto
//! constraint, defaults that leave the forecast alone, and located errors.

use guarantor_bargaining::institutions::{Institutions, Veto, pull, veto_interval};
use guarantor_bargaining::{Actor, Scenario};

fn scenario() -> Scenario {
    let actor = |name: &str, p: f64| Actor {
        name: name.into(),
        description: String::new(),
        capability: 1.0,
        positions: vec![p],
        saliences: vec![50.0],
    };
    Scenario {
        name: "t".into(),
        description: String::new(),
        dimensions: vec!["depth".into()],
        actors: vec![actor("a", 50.0), actor("b", 80.0), actor("c", 10.0)],
    }
}

#[test]
fn documented_examples() {
    assert_eq!(pull(60.0, 20.0, 0.25), 50.0);
    assert_eq!(pull(60.0, 20.0, 0.0), 60.0);
    assert_eq!(veto_interval(20.0, &[50.0, 80.0]), Some((20.0, 80.0)));
    assert_eq!(veto_interval(20.0, &[]), None);
    // A player at the status quo blocks every move.
    assert_eq!(veto_interval(30.0, &[30.0, 90.0]), Some((30.0, 30.0)));
}

#[test]
fn defaults_leave_the_forecast_alone() {
    let i = Institutions::default();
    assert!(i.is_off());
    let r = i.apply(&scenario(), &[47.0]).unwrap();
    assert_eq!(r.outcome, vec![47.0]);
    assert!(r.steps.is_empty());
}

#[test]
fn switches_apply_in_order_setter_status_quo_veto() {
    let mut i = Institutions::default();
    for (k, v) in [
        ("agenda_setter", "b"),
        ("agenda_weight", "0.5"),
        ("status_quo.depth", "20"),
        ("status_quo_pull", "0.25"),
        ("veto", "a"),
    ] {
        assert!(i.set(k, v).unwrap(), "{k}");
    }
    assert!(
        !i.set("VotingRule", "Binary").unwrap(),
        "model switches pass through"
    );
    // 40 → setter b (80) halfway: 60 → a quarter back to 20: 50 → a (50) with status
    // quo 20 accepts [20, 80]: 50 stays.
    let r = i.apply(&scenario(), &[40.0]).unwrap();
    assert_eq!(r.outcome, vec![50.0]);
    assert_eq!(r.model_outcome, vec![40.0]);
    assert_eq!(r.steps.len(), 3);
    // Veto by c (10) with status quo 20 accepts only [0, 20]: the outcome stops at 20.
    i.set("veto", "a,c").unwrap();
    assert_eq!(i.veto, Veto::Actors(vec!["a".into(), "c".into()]));
    assert_eq!(i.apply(&scenario(), &[40.0]).unwrap().outcome, vec![20.0]);
}

#[test]
fn bad_switches_say_what_is_wrong() {
    let mut i = Institutions::default();
    assert!(i.set("status_quo_pull", "1.5").is_err());
    assert!(i.set("agenda_weight", "x").is_err());
    assert!(i.set("status_quo.depth", "-3").is_err());
    i.set("status_quo_pull", "0.5").unwrap();
    let e = i.apply(&scenario(), &[40.0]).unwrap_err().to_string();
    assert!(e.contains("no status quo for dimension \"depth\""), "{e}");
    let mut j = Institutions::default();
    j.set("agenda_setter", "zz").unwrap();
    let e = j.apply(&scenario(), &[40.0]).unwrap_err().to_string();
    assert!(e.contains("zz") && e.contains("a, b, c"), "{e}");
}
