//! Events and the exercise state they fold into.
//!
//! Every facilitator action and every delegation move is an [`Event`]. The
//! state is never stored: [`fold`] rebuilds it from the event log, and the
//! writer applies each new event with the same [`ExerciseState::check`] and
//! [`ExerciseState::apply`], so the state after a restart equals the state
//! before it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use guarantor_model::{Actor, Scenario};
use serde::{Deserialize, Serialize};

use crate::outcome::Adjudication;

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "role", content = "actor", rename_all = "snake_case")]
pub enum Principal {
    Facilitator,
    Observer,
    /// The delegation of one actor.
    Delegation(String),
}

impl Principal {
    /// The key under which the principal's code hash is stored.
    pub fn key(&self) -> String {
        match self {
            Principal::Facilitator => "facilitator".into(),
            Principal::Observer => "observer".into(),
            Principal::Delegation(a) => format!("delegation:{a}"),
        }
    }

    pub fn from_key(key: &str) -> Option<Principal> {
        match key {
            "facilitator" => Some(Principal::Facilitator),
            "observer" => Some(Principal::Observer),
            _ => key
                .strip_prefix("delegation:")
                .map(|a| Principal::Delegation(a.to_string())),
        }
    }
}

/// A part of a delegation's private inputs the facilitator may disclose to everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Inventory,
    Caveats,
    RedLines,
    Reservation,
}

impl Part {
    pub const ALL: [Part; 4] = [
        Part::Inventory,
        Part::Caveats,
        Part::RedLines,
        Part::Reservation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Inventory => "inventory",
            Part::Caveats => "caveats",
            Part::RedLines => "red_lines",
            Part::Reservation => "reservation",
        }
    }

    pub fn parse(s: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// What a delegation offers for one capability of its inventory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// Whole national inventory in capability units.
    pub count: f64,
    /// Share of the usable inventory committed to this mission, on [0, 1].
    pub deployable_share: f64,
}

/// A delegation's private inputs: what it offers, which of its caveats and red
/// lines it holds, and its reservation utility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateInputs {
    /// Capability id → offer; the keys are the actor's inventory in the scenario.
    pub inventory: BTreeMap<String, Offer>,
    /// Caveat id → held (true) or lifted (false).
    pub caveats: BTreeMap<String, bool>,
    /// Red line id → held (true) or dropped (false).
    pub red_lines: BTreeMap<String, bool>,
    /// Utility of no deal, on [0, 1].
    pub reservation: f64,
}

/// Largest inventory count a move may state (well above any national inventory).
pub const MAX_COUNT: f64 = 10_000_000.0;

impl PrivateInputs {
    /// The inputs the scenario gives the actor: the starting point of its delegation.
    pub fn from_actor(a: &Actor) -> PrivateInputs {
        PrivateInputs {
            inventory: a
                .inventory
                .iter()
                .map(|(k, i)| {
                    (
                        k.clone(),
                        Offer {
                            count: i.count,
                            deployable_share: i.deployable_share,
                        },
                    )
                })
                .collect(),
            caveats: a.caveats.iter().map(|c| (c.id.clone(), true)).collect(),
            red_lines: a.red_lines.iter().map(|r| (r.id.clone(), true)).collect(),
            reservation: a.reservation,
        }
    }

    /// Check the inputs against the actor they belong to; the message names the field and the fix.
    pub fn check(&self, a: &Actor) -> Result<(), String> {
        let same_keys = |got: Vec<&String>, want: Vec<&String>, what: &str| {
            if got == want {
                Ok(())
            } else {
                Err(format!(
                    "{what} of {} must be exactly: {}",
                    a.id,
                    want.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        same_keys(
            self.inventory.keys().collect(),
            a.inventory.keys().collect(),
            "the inventory capabilities",
        )?;
        let mut caveat_ids: Vec<&String> = a.caveats.iter().map(|c| &c.id).collect();
        caveat_ids.sort();
        same_keys(self.caveats.keys().collect(), caveat_ids, "the caveats")?;
        let mut red_line_ids: Vec<&String> = a.red_lines.iter().map(|r| &r.id).collect();
        red_line_ids.sort();
        same_keys(
            self.red_lines.keys().collect(),
            red_line_ids,
            "the red lines",
        )?;
        for (k, o) in &self.inventory {
            if !(o.count.is_finite() && (0.0..=MAX_COUNT).contains(&o.count)) {
                return Err(format!(
                    "count of {k} must be a number from 0 to {MAX_COUNT}, not {}",
                    o.count
                ));
            }
            if !(o.deployable_share.is_finite() && (0.0..=1.0).contains(&o.deployable_share)) {
                return Err(format!(
                    "deployable share of {k} must be from 0 to 1, not {}",
                    o.deployable_share
                ));
            }
        }
        if !(self.reservation.is_finite() && (0.0..=1.0).contains(&self.reservation)) {
            return Err(format!(
                "reservation must be from 0 to 1, not {}",
                self.reservation
            ));
        }
        Ok(())
    }

    /// Put these inputs into the actor: counts and shares, held caveats and red lines, reservation.
    pub fn apply_to(&self, a: &mut Actor) {
        for (k, o) in &self.inventory {
            if let Some(item) = a.inventory.get_mut(k) {
                item.count = o.count;
                item.deployable_share = o.deployable_share;
            }
        }
        a.caveats
            .retain(|c| self.caveats.get(&c.id).copied().unwrap_or(true));
        a.red_lines
            .retain(|r| self.red_lines.get(&r.id).copied().unwrap_or(true));
        a.reservation = self.reservation;
    }
}

/// One entry of the append-only log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The facilitator created the exercise on a scenario; every actor has a delegation.
    ExerciseCreated {
        scenario_name: String,
        scenario: Box<Scenario>,
    },
    RoundOpened {
        round: u32,
    },
    /// A delegation's move: its private inputs for the open round (the last one counts).
    MoveSubmitted {
        round: u32,
        actor: String,
        inputs: PrivateInputs,
    },
    /// No more moves; the engine adjudicates the combined inputs next.
    RoundClosed {
        round: u32,
    },
    /// The engine's result on the combined inputs of the closed round.
    RoundAdjudicated {
        round: u32,
        result: Result<Adjudication, String>,
    },
    /// The facilitator disclosed one part of a delegation's inputs to everyone.
    Disclosed {
        actor: String,
        part: Part,
    },
    /// The facilitator replaced a role's code (its hash is stored beside the log, not in it).
    CodeReissued {
        /// Principal key: "facilitator", "observer" or "delegation:ID".
        principal: String,
    },
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::ExerciseCreated { .. } => "exercise_created",
            Event::RoundOpened { .. } => "round_opened",
            Event::MoveSubmitted { .. } => "move_submitted",
            Event::RoundClosed { .. } => "round_closed",
            Event::RoundAdjudicated { .. } => "round_adjudicated",
            Event::Disclosed { .. } => "disclosed",
            Event::CodeReissued { .. } => "code_reissued",
        }
    }
}

/// Where the exercise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Created; no round opened yet.
    Setup,
    /// Delegations may submit moves for this round.
    Open,
    /// Closed; the engine has not yet published the result.
    Adjudicating,
    /// The last round's result is published; the facilitator may open the next.
    Published,
}

/// The published result of one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundResult {
    pub round: u32,
    pub result: Result<Adjudication, String>,
}

/// Everything the server knows, rebuilt from the events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseState {
    pub scenario_name: String,
    /// The scenario as created (before any delegation's inputs).
    #[serde(skip)]
    pub scenario: Option<Arc<Scenario>>,
    /// Number of the current (or last) round; 0 before the first.
    pub round: u32,
    pub phase: Phase,
    /// Actor → its current private inputs (the scenario's until it moves).
    pub inputs: BTreeMap<String, PrivateInputs>,
    /// Actor → the last round in which it submitted a move.
    pub submitted: BTreeMap<String, u32>,
    /// Moves accepted so far, all rounds.
    pub moves: u64,
    pub disclosed: BTreeMap<String, BTreeSet<Part>>,
    pub results: Vec<Arc<RoundResult>>,
    /// Events applied so far (the sequence number of the last one).
    pub events: u64,
}

impl Default for ExerciseState {
    fn default() -> Self {
        ExerciseState {
            scenario_name: String::new(),
            scenario: None,
            round: 0,
            phase: Phase::Setup,
            inputs: BTreeMap::new(),
            submitted: BTreeMap::new(),
            moves: 0,
            disclosed: BTreeMap::new(),
            results: Vec::new(),
            events: 0,
        }
    }
}

/// Why an event cannot be applied to the current state.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Rejected(pub String);

fn reject<T>(msg: impl Into<String>) -> Result<T, Rejected> {
    Err(Rejected(msg.into()))
}

impl ExerciseState {
    pub fn is_delegation(&self, actor: &str) -> bool {
        self.inputs.contains_key(actor)
    }

    /// The event would change nothing: a move equal to the one the delegation
    /// already submitted in the open round (a double click, a resent form).
    /// Such a move is acknowledged but not logged again.
    pub fn is_repeat(&self, e: &Event) -> bool {
        match e {
            Event::MoveSubmitted {
                round,
                actor,
                inputs,
            } => {
                self.phase == Phase::Open
                    && *round == self.round
                    && self.submitted.get(actor) == Some(round)
                    && self.inputs.get(actor) == Some(inputs)
            }
            _ => false,
        }
    }

    /// Whether the event may follow the current state.
    pub fn check(&self, e: &Event) -> Result<(), Rejected> {
        let created = self.scenario.is_some();
        if !created && !matches!(e, Event::ExerciseCreated { .. }) {
            return reject("the exercise has not been created");
        }
        match e {
            Event::ExerciseCreated { .. } => {
                if created {
                    return reject("the exercise already exists");
                }
            }
            Event::RoundOpened { round } => {
                if !matches!(self.phase, Phase::Setup | Phase::Published) {
                    return reject(format!(
                        "round {} is not finished; close it before opening another",
                        self.round
                    ));
                }
                if *round != self.round + 1 {
                    return reject(format!("the next round is {}", self.round + 1));
                }
            }
            Event::MoveSubmitted {
                round,
                actor,
                inputs,
            } => {
                if self.phase != Phase::Open || *round != self.round {
                    return reject("no round is open for moves; wait for the facilitator");
                }
                let scenario = self.scenario.as_ref().expect("created");
                let Some(a) = scenario.actor(actor) else {
                    return reject(format!("unknown delegation {actor}"));
                };
                inputs.check(a).map_err(Rejected)?;
            }
            Event::RoundClosed { round } => {
                if self.phase != Phase::Open || *round != self.round {
                    return reject("no round is open");
                }
            }
            Event::RoundAdjudicated { round, .. } => {
                if self.phase != Phase::Adjudicating || *round != self.round {
                    return reject("no closed round awaits adjudication");
                }
            }
            Event::Disclosed { actor, .. } => {
                if !self.is_delegation(actor) {
                    return reject(format!("unknown delegation {actor}"));
                }
            }
            Event::CodeReissued { principal } => match Principal::from_key(principal) {
                Some(Principal::Delegation(a)) if !self.is_delegation(&a) => {
                    return reject(format!("unknown delegation {a}"));
                }
                Some(_) => {}
                None => return reject(format!("unknown role {principal}")),
            },
        }
        Ok(())
    }

    /// Apply an event that passed [`ExerciseState::check`].
    pub fn apply(&mut self, e: Event) {
        self.events += 1;
        match e {
            Event::ExerciseCreated {
                scenario_name,
                scenario,
            } => {
                self.inputs = scenario
                    .actors
                    .iter()
                    .map(|a| (a.id.clone(), PrivateInputs::from_actor(a)))
                    .collect();
                self.scenario_name = scenario_name;
                self.scenario = Some(Arc::new(*scenario));
            }
            Event::RoundOpened { round } => {
                self.round = round;
                self.phase = Phase::Open;
            }
            Event::MoveSubmitted {
                round,
                actor,
                inputs,
            } => {
                self.submitted.insert(actor.clone(), round);
                self.inputs.insert(actor, inputs);
                self.moves += 1;
            }
            Event::RoundClosed { .. } => self.phase = Phase::Adjudicating,
            Event::RoundAdjudicated { round, result } => {
                self.phase = Phase::Published;
                self.results.push(Arc::new(RoundResult { round, result }));
            }
            Event::Disclosed { actor, part } => {
                self.disclosed.entry(actor).or_default().insert(part);
            }
            Event::CodeReissued { .. } => {}
        }
    }

    /// The scenario with every delegation's current inputs put in: what the engine adjudicates.
    pub fn combined_scenario(&self) -> Option<Scenario> {
        let mut s = Scenario::clone(self.scenario.as_ref()?);
        for a in &mut s.actors {
            if let Some(inputs) = self.inputs.get(&a.id) {
                inputs.apply_to(a);
            }
        }
        Some(s)
    }

    pub fn is_disclosed(&self, actor: &str, part: Part) -> bool {
        self.disclosed.get(actor).is_some_and(|p| p.contains(&part))
    }

    pub fn latest_result(&self) -> Option<&RoundResult> {
        self.results.last().map(|r| r.as_ref())
    }
}

/// Rebuild the state from the log. An event that does not fit is reported with its sequence number.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Result<ExerciseState, String> {
    let mut s = ExerciseState::default();
    for e in events {
        s.check(e)
            .map_err(|r| format!("event {} ({}) does not fit: {r}", s.events + 1, e.kind()))?;
        s.apply(e.clone());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created() -> Event {
        Event::ExerciseCreated {
            scenario_name: "default".into(),
            scenario: Box::new(guarantor_model::default_scenario()),
        }
    }

    #[test]
    fn moves_are_accepted_only_while_their_round_is_open() {
        let mut st = fold(&[created()]).unwrap();
        let inputs = st.inputs["ru"].clone();
        let mv = |round| Event::MoveSubmitted {
            round,
            actor: "ru".into(),
            inputs: inputs.clone(),
        };
        assert!(st.check(&mv(0)).is_err());
        st.apply(Event::RoundOpened { round: 1 });
        assert!(st.check(&mv(1)).is_ok());
        assert!(st.check(&mv(2)).is_err());
        st.apply(Event::RoundClosed { round: 1 });
        assert!(st.check(&mv(1)).is_err());
        assert!(
            st.check(&Event::RoundOpened { round: 2 }).is_err(),
            "adjudicate first"
        );
    }

    #[test]
    fn a_move_must_match_its_actor_and_stay_in_range() {
        let st = fold(&[created()]).unwrap();
        let s = st.scenario.clone().unwrap();
        let uk = s.actor("uk").unwrap();
        let mut i = PrivateInputs::from_actor(uk);
        assert!(i.check(uk).is_ok());
        i.reservation = f64::NAN;
        assert!(i.check(uk).unwrap_err().contains("reservation"));
        let mut i = PrivateInputs::from_actor(uk);
        i.inventory.insert(
            "made_up".into(),
            Offer {
                count: 1.0,
                deployable_share: 1.0,
            },
        );
        assert!(
            i.check(uk)
                .unwrap_err()
                .contains("inventory capabilities of uk")
        );
        // Another actor's inputs do not fit.
        let ru_inputs = PrivateInputs::from_actor(s.actor("ru").unwrap());
        assert!(ru_inputs.check(uk).is_err());
    }

    #[test]
    fn fold_reports_the_first_event_that_does_not_fit() {
        let err = fold(&[created(), Event::RoundClosed { round: 1 }]).unwrap_err();
        assert!(
            err.starts_with("event 2 (round_closed) does not fit"),
            "{err}"
        );
        assert!(fold(&[Event::RoundOpened { round: 1 }]).is_err());
    }

    #[test]
    fn combined_scenario_carries_each_delegations_inputs() {
        let mut st = fold(&[created()]).unwrap();
        st.apply(Event::RoundOpened { round: 1 });
        let mut inputs = st.inputs["ru"].clone();
        inputs.reservation = 0.2;
        for held in inputs.red_lines.values_mut() {
            *held = false;
        }
        st.apply(Event::MoveSubmitted {
            round: 1,
            actor: "ru".into(),
            inputs,
        });
        let c = st.combined_scenario().unwrap();
        let ru = c.actor("ru").unwrap();
        assert_eq!(ru.reservation, 0.2);
        assert!(ru.red_lines.is_empty());
        assert_eq!(c.actor("us"), st.scenario.as_ref().unwrap().actor("us"));
    }
}
