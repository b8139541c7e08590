//! Adjudication: the engine's verdicts on the combined inputs of a round, and
//! the redaction that keeps each delegation's private values private.

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_model::Scenario;
use serde::Serialize;

use crate::outcome::{Adjudication, PackageOutcome};
use crate::state::{ExerciseState, Part};

/// Run the engine on a combined scenario.
pub fn adjudicate(combined: &Scenario) -> Result<Adjudication, String> {
    evaluate(combined, &EvalOptions::default())
        .map(|e| Adjudication::from_evaluation(&e))
        .map_err(|e| e.to_string())
}

/// One actor's verdict as a given viewer may see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisibleVerdict {
    pub actor: String,
    pub accepts: bool,
    /// "accepts", "rejects" or "undetermined".
    pub verdict: String,
    pub required: bool,
    /// Only for the actor itself, the facilitator, or once its reservation is disclosed.
    pub margin: Option<f64>,
    pub reasons: Vec<String>,
}

/// Who is looking at a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer<'a> {
    Facilitator,
    Public,
    Delegation(&'a str),
}

impl Viewer<'_> {
    fn sees(&self, st: &ExerciseState, actor: &str, part: Part) -> bool {
        match self {
            Viewer::Facilitator => true,
            Viewer::Delegation(me) if *me == actor => true,
            _ => st.is_disclosed(actor, part),
        }
    }
}

/// The verdicts of one package with every private value the viewer may not see replaced
/// by its kind: a red line's text (and id) stays hidden until the facilitator discloses
/// the actor's red lines, the reservation and margin until it discloses the reservation.
pub fn visible_verdicts(
    st: &ExerciseState,
    p: &PackageOutcome,
    viewer: Viewer<'_>,
) -> Vec<VisibleVerdict> {
    p.verdicts
        .iter()
        .map(|(actor, v)| {
            let reasons = v
                .reasons
                .iter()
                .map(|r| match (r.kind.as_str(), &r.red_line) {
                    ("red_line", _) if viewer.sees(st, actor, Part::RedLines) => r.text.clone(),
                    ("red_line", _) => "a red line".to_string(),
                    ("undetermined", Some(_)) if viewer.sees(st, actor, Part::RedLines) => {
                        r.text.clone()
                    }
                    ("undetermined", Some(_)) => {
                        "a red line within the precision of its boundary".to_string()
                    }
                    ("undetermined", None) if !viewer.sees(st, actor, Part::Reservation) => {
                        "a margin within the precision of the codings".to_string()
                    }
                    _ if viewer.sees(st, actor, Part::Reservation) => r.text.clone(),
                    _ => "below its reservation".to_string(),
                })
                .collect();
            VisibleVerdict {
                actor: actor.clone(),
                accepts: v.accepts,
                verdict: v.verdict().to_string(),
                required: v.required,
                margin: viewer
                    .sees(st, actor, Part::Reservation)
                    .then_some(v.margin),
                reasons,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{ActorOutcome, ReasonOutcome};
    use crate::state::Event;
    use std::collections::BTreeMap;

    fn outcome() -> PackageOutcome {
        let reason = |kind: &str, red_line: Option<&str>, text: &str| ReasonOutcome {
            kind: kind.into(),
            red_line: red_line.map(str::to_string),
            text: text.into(),
        };
        PackageOutcome {
            label: "p".into(),
            title: "P: p".into(),
            options: BTreeMap::new(),
            feasible: true,
            passes: false,
            undetermined: false,
            frontier: false,
            deterrence: 1.0,
            cost_per_year: 1.0,
            shortfalls: vec![],
            allocation: vec![],
            verdicts: BTreeMap::from([(
                "ru".to_string(),
                ActorOutcome {
                    accepts: false,
                    verdict: "rejects".into(),
                    required: true,
                    utility: 0.3,
                    margin: -0.3,
                    reasons: vec![
                        reason(
                            "red_line",
                            Some("secret_line"),
                            "red line \"secret_line\" violated",
                        ),
                        reason(
                            "utility",
                            None,
                            "utility 0.300 is below its reservation 0.600",
                        ),
                    ],
                },
            )]),
        }
    }

    fn state_with_ru() -> ExerciseState {
        let mut st = ExerciseState::default();
        st.apply(Event::ExerciseCreated {
            scenario_name: "default".into(),
            scenario: Box::new(guarantor_model::default_scenario()),
        });
        st
    }

    #[test]
    fn others_see_that_an_actor_rejects_but_not_its_private_reasons() {
        let mut st = state_with_ru();
        let p = outcome();
        for viewer in [Viewer::Public, Viewer::Delegation("uk")] {
            let v = &visible_verdicts(&st, &p, viewer)[0];
            assert_eq!(v.reasons, ["a red line", "below its reservation"]);
            assert_eq!(v.margin, None);
        }
        for viewer in [Viewer::Facilitator, Viewer::Delegation("ru")] {
            let v = &visible_verdicts(&st, &p, viewer)[0];
            assert!(v.reasons[0].contains("secret_line") && v.reasons[1].contains("0.600"));
            assert_eq!(v.margin, Some(-0.3));
        }
        // Disclosing the red lines reveals them, and only them.
        st.apply(Event::Disclosed {
            actor: "ru".into(),
            part: Part::RedLines,
        });
        let v = &visible_verdicts(&st, &p, Viewer::Public)[0];
        assert!(v.reasons[0].contains("secret_line"));
        assert_eq!(v.reasons[1], "below its reservation");
        assert_eq!(v.margin, None);
    }
}
