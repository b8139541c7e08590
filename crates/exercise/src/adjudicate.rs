//! Adjudication: the engine's verdicts on the combined inputs of a round, and
//! the redaction that keeps each delegation's private values private.

use guarantor_engine::{EvalOptions, evaluate};
use guarantor_model::Scenario;
use serde::Serialize;

use crate::game::Band;
use crate::outcome::{Adjudication, PackageOutcome};
use crate::state::{ExerciseState, Part};

/// Run the engine on a combined scenario.
pub fn adjudicate(combined: &Scenario) -> Result<Adjudication, String> {
    evaluate(combined, &EvalOptions::default())
        .map(|e| Adjudication::from_evaluation(&e))
        .map_err(|e| e.to_string())
}

/// Draws of a round's band: modest, so a band takes seconds, computed once per round.
pub const BAND_DRAWS: usize = 64;
/// Seed of the band's draws (the same inputs give the same band).
pub const BAND_SEED: u64 = 17;

/// The likely/best/worst band of a package on the round's combined scenario:
/// P(pass) and cost per year over `draws` Latin-hypercube draws of the
/// scenario's `[[uncertainty]]` declarations (those on delegations' own inputs
/// and those that no longer resolve, e.g. a dropped red line, are left out).
///
/// Unit: probability and the scenario's currency per year. Example: 64
/// draws of which 48 pass → likely P(pass) 0.75, se √(0.75·0.25/64) = 0.054,
/// band [0.644, 0.856] ([`crate::game::p_pass_band`]). A scenario without
/// uncertainty declarations gives P(pass) 0 or 1 and one cost.
pub fn band(
    combined: &Scenario,
    label: &str,
    title: &str,
    options: &std::collections::BTreeMap<String, String>,
    draws: usize,
) -> Result<Band, String> {
    use guarantor_uncertainty::robust::{AsWritten, run};
    use guarantor_uncertainty::{Plan, Sampler, Space};
    let mut s = combined.clone();
    s.uncertainty.retain(|u| {
        crate::state::private_part(&u.path).is_none()
            && guarantor_model::resolve(combined, &u.path).is_ok()
    });
    let choice = guarantor_engine::resolve_choice(&s, options).map_err(|e| e.to_string())?;
    let verdict = guarantor_engine::evaluate_choices(&s, std::slice::from_ref(&choice))
        .map_err(|e| e.to_string())?
        .remove(0);
    let uncertainties = s.uncertainty.len();
    if uncertainties == 0 {
        let p = if verdict.passes { 1.0 } else { 0.0 };
        return Ok(Band {
            package: label.into(),
            title: title.into(),
            draws: 1,
            uncertainties,
            p_pass: p,
            p_pass_se: 0.0,
            p_pass_worst: p,
            p_pass_best: p,
            cost_p5: verdict.cost_per_year,
            cost_p50: verdict.cost_per_year,
            cost_p95: verdict.cost_per_year,
        });
    }
    let space = Space::new(&s).map_err(|e| e.to_string())?;
    let plan = Plan::new(Sampler::Lhs, BAND_SEED, draws, space.n_factors());
    let cache = guarantor_engine::SolveCache::new();
    let r = run(
        &s,
        &space,
        &plan,
        &[(choice, AsWritten::of(&verdict), 1)],
        &cache,
        &|_| {},
    )
    .map_err(|e| e.to_string())?;
    let p = &r.ranking[0];
    let (worst, best) = crate::game::p_pass_band(p.passes.p, p.passes.se);
    Ok(Band {
        package: label.into(),
        title: title.into(),
        draws,
        uncertainties,
        p_pass: p.passes.p,
        p_pass_se: p.passes.se,
        p_pass_worst: worst,
        p_pass_best: best,
        cost_p5: p.cost_per_year.p5,
        cost_p50: p.cost_per_year.p50,
        cost_p95: p.cost_per_year.p95,
    })
}

/// The band of a round's first-ranked package (the best passing one, or the
/// one nearest to passing), or why there is none.
pub fn round_band(
    combined: &Scenario,
    result: &Result<Adjudication, String>,
) -> Result<Band, String> {
    let a = result.as_ref().map_err(|e| format!("no verdict: {e}"))?;
    let p = a
        .packages
        .first()
        .ok_or("the round's result lists no package")?;
    band(combined, &p.label, &p.title, &p.options, BAND_DRAWS)
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

impl<'a> Viewer<'a> {
    /// How a signed-in principal views results (the notetaker and the observer see the public picture).
    pub fn of(p: &'a crate::state::Principal) -> Viewer<'a> {
        use crate::state::Principal;
        match p {
            Principal::Facilitator => Viewer::Facilitator,
            Principal::Delegation(a) => Viewer::Delegation(a),
            Principal::Observer | Principal::Notetaker => Viewer::Public,
        }
    }

    /// Whether the viewer sees this part of the actor's inputs.
    pub fn sees(&self, st: &ExerciseState, actor: &str, part: Part) -> bool {
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
    fn a_band_without_uncertainty_is_the_deterministic_verdict_and_private_inputs_are_not_drawn() {
        let mut s = guarantor_model::default_scenario();
        let result = adjudicate(&s);
        let a = result.as_ref().unwrap();
        let top = &a.packages[0];
        // The default scenario: 26 declarations, 9 on delegations' inputs.
        let b = round_band(&s, &result).unwrap();
        assert_eq!((b.draws, b.uncertainties), (BAND_DRAWS, 17));
        assert!(b.cost_p5 <= b.cost_p50 && b.cost_p50 <= b.cost_p95);
        assert!(b.p_pass_worst <= b.p_pass && b.p_pass <= b.p_pass_best);
        // Without declarations: P(pass) 0 or 1 as the engine says, one cost.
        s.uncertainty.clear();
        let b = round_band(&s, &result).unwrap();
        let p = if top.passes { 1.0 } else { 0.0 };
        assert_eq!((b.p_pass, b.p_pass_worst, b.p_pass_best), (p, p, p));
        assert_eq!(
            (b.cost_p5, b.cost_p95),
            (top.cost_per_year, top.cost_per_year)
        );
        assert_eq!(b.package, top.label);
        assert!(
            round_band(&s, &Err("engine".into()))
                .unwrap_err()
                .contains("engine")
        );
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
