//! What each role may see, as plain data: the JSON API and the HTML pages are
//! both built from these views, so the redaction rules live in one place.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::adjudicate::{Viewer, VisibleVerdict, visible_verdicts};
use crate::auth::Session;
use crate::outcome::ShortfallOutcome;
use crate::state::{ExerciseState, Part, Principal, PrivateInputs, ReleasedInject};
use crate::store::StoredEvent;

#[derive(Debug, Clone, Serialize)]
pub struct VisiblePackage {
    pub label: String,
    /// The package for people; `label` when the round predates titles.
    pub title: String,
    pub passes: bool,
    /// No required actor rejects, but some required actor's verdict is undetermined.
    pub undetermined: bool,
    pub feasible: bool,
    pub frontier: bool,
    pub deterrence: f64,
    pub cost_per_year: f64,
    pub shortfalls: Vec<ShortfallOutcome>,
    pub allocation: Vec<(String, String, f64)>,
    pub verdicts: Vec<VisibleVerdict>,
    /// Component id → option id (public: the options are the scenario's);
    /// the pages draw the package's map from it.
    #[serde(skip)]
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VisibleRound {
    pub round: u32,
    /// The engine's error, when it could not adjudicate.
    pub error: Option<String>,
    pub evaluated: u64,
    pub feasible: u64,
    pub passing: u64,
    pub frontier: u64,
    pub rejected_by: BTreeMap<String, u64>,
    pub packages: Vec<VisiblePackage>,
}

/// Every round's result as the viewer may see it, latest last.
pub fn visible_rounds(st: &ExerciseState, viewer: Viewer<'_>) -> Vec<VisibleRound> {
    st.results
        .iter()
        .map(|r| match &r.result {
            Err(e) => VisibleRound {
                round: r.round,
                error: Some(e.clone()),
                evaluated: 0,
                feasible: 0,
                passing: 0,
                frontier: 0,
                rejected_by: BTreeMap::new(),
                packages: Vec::new(),
            },
            Ok(a) => VisibleRound {
                round: r.round,
                error: None,
                evaluated: a.evaluated,
                feasible: a.feasible,
                passing: a.passing,
                frontier: a.frontier,
                rejected_by: a.rejected_by.clone(),
                packages: a
                    .packages
                    .iter()
                    .map(|p| VisiblePackage {
                        label: p.label.clone(),
                        title: if p.title.is_empty() {
                            p.label.clone()
                        } else {
                            p.title.clone()
                        },
                        passes: p.passes,
                        undetermined: p.undetermined,
                        feasible: p.feasible,
                        frontier: p.frontier,
                        deterrence: p.deterrence,
                        cost_per_year: p.cost_per_year,
                        shortfalls: p.shortfalls.clone(),
                        allocation: p.allocation.clone(),
                        verdicts: visible_verdicts(st, p, viewer),
                        options: p.options.clone(),
                    })
                    .collect(),
            },
        })
        .collect()
}

/// The parts of an actor's current inputs the facilitator disclosed.
pub fn disclosed_parts(st: &ExerciseState) -> BTreeMap<String, BTreeMap<&'static str, Value>> {
    let mut out = BTreeMap::new();
    for (actor, parts) in &st.disclosed {
        let Some(inputs) = st.inputs.get(actor) else {
            continue;
        };
        let m: BTreeMap<&'static str, Value> = parts
            .iter()
            .map(|p| (p.as_str(), part_value(inputs, *p)))
            .collect();
        out.insert(actor.clone(), m);
    }
    out
}

pub fn part_value(inputs: &PrivateInputs, part: Part) -> Value {
    match part {
        Part::Inventory => json!(inputs.inventory),
        Part::Caveats => json!(inputs.caveats),
        Part::RedLines => json!(inputs.red_lines),
        Part::Reservation => json!(inputs.reservation),
    }
}

/// The released injects a principal may read, in release order, with every
/// change to a delegation's private inputs the principal may not see replaced
/// by its kind ("a change to ru's reservation"): an inject's text is the
/// facilitator's to write, its numbers are the delegations' to keep.
pub fn visible_injects(st: &ExerciseState, p: &Principal) -> Vec<ReleasedInject> {
    let (role, actor) = match p {
        Principal::Facilitator => ("facilitator", None),
        Principal::Observer => ("observer", None),
        Principal::Notetaker => ("notetaker", None),
        Principal::Delegation(a) => ("delegation", Some(a.as_str())),
    };
    let viewer = Viewer::of(p);
    st.injects
        .iter()
        .filter(|i| guarantor_model::injects::inject_visible_to(&i.inject, role, actor))
        .map(|i| {
            let mut i = i.clone();
            let mut set = Vec::new();
            for item in &i.inject.set {
                let path = item
                    .split_once('=')
                    .map_or(item.as_str(), |(p, _)| p)
                    .trim();
                match crate::state::private_part(path) {
                    Some((a, part)) if !viewer.sees(st, a, part) => set.push(format!(
                        "a change to {a}'s {} (private)",
                        part.as_str().replace('_', " ")
                    )),
                    _ => set.push(item.clone()),
                }
            }
            i.inject.add_red_lines.retain(|r| {
                let shown = viewer.sees(st, &r.actor, Part::RedLines);
                if !shown {
                    set.push(format!("a new red line of {} (private)", r.actor));
                }
                shown
            });
            i.inject.set = set;
            i
        })
        .collect()
}

/// Who sees the notes: the notetaker and the facilitator (and the after-action report).
pub fn sees_notes(p: &Principal) -> bool {
    matches!(p, Principal::Facilitator | Principal::Notetaker)
}

/// `/api/state`: the public picture for everyone, plus own inputs for a delegation,
/// plus everything for the facilitator.
pub fn state_view(st: &ExerciseState, s: &Session) -> Value {
    let viewer = Viewer::of(&s.principal);
    let mut v = json!({
        "session": { "principal": s.principal, "csrf": s.csrf },
        "scenario": st.scenario_name,
        "title": st.scenario.as_ref().map(|s| s.meta.title.clone()),
        "round": st.round,
        "phase": st.phase,
        "delegations": st.inputs.keys().collect::<Vec<_>>(),
        "submitted": st.submitted,
        "moves": st.moves,
        "events": st.events,
        "disclosed": disclosed_parts(st),
        "results": visible_rounds(st, viewer),
        "stage": st.stage(),
        "in_game_date": st.today_date(),
        "clock": st.clock,
        "injects": visible_injects(st, &s.principal),
        "bands": st.bands,
        "overrides": st.overrides,
        "lessons": st.lessons,
    });
    if sees_notes(&s.principal) {
        v["notes"] = json!(st.notes);
    }
    match &s.principal {
        Principal::Delegation(a) => {
            v["own_inputs"] = json!(st.inputs.get(a));
        }
        Principal::Facilitator => {
            v["inputs"] = json!(st.inputs);
        }
        Principal::Observer | Principal::Notetaker => {}
    }
    v
}

/// `/api/export`: the whole exercise for the after-action review: every event (with the
/// scenario and every move), and every round's full result.
pub fn export_view(st: &ExerciseState, events: &[StoredEvent]) -> Value {
    json!({
        "format": "guarantor-exercise-export/1",
        "scenario": st.scenario_name,
        "round": st.round,
        "phase": st.phase,
        "moves": st.moves,
        "events": events,
        "results": st.results,
        "final_inputs": st.inputs,
        "disclosed": st.disclosed,
        "clock": st.clock,
        "injects": st.injects,
        "bands": st.bands,
        "overrides": st.overrides,
        "notes": st.notes,
        "lessons": st.lessons,
    })
}
