//! Events and the exercise state they fold into.
//!
//! Every facilitator action and every delegation move is an [`Event`]. The
//! state is never stored: [`fold`] rebuilds it from the event log, and the
//! writer applies each new event with the same [`ExerciseState::check`] and
//! [`ExerciseState::apply`], so the state after a restart equals the state
//! before it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use guarantor_model::injects::{Inject, When, inject_when};
use guarantor_model::{Actor, Scenario};
use serde::{Deserialize, Serialize};

use crate::game::{Band, Clock, NoteKind, Ruling, Stage};
use crate::outcome::Adjudication;

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "role", content = "actor", rename_all = "snake_case")]
pub enum Principal {
    Facilitator,
    Observer,
    /// Keeps notes (note / moment / quote) and edits the lessons learned; sees the public picture.
    Notetaker,
    /// The delegation of one actor.
    Delegation(String),
}

impl Principal {
    /// The key under which the principal's code hash is stored.
    pub fn key(&self) -> String {
        match self {
            Principal::Facilitator => "facilitator".into(),
            Principal::Observer => "observer".into(),
            Principal::Notetaker => "notetaker".into(),
            Principal::Delegation(a) => format!("delegation:{a}"),
        }
    }

    pub fn from_key(key: &str) -> Option<Principal> {
        match key {
            "facilitator" => Some(Principal::Facilitator),
            "observer" => Some(Principal::Observer),
            "notetaker" => Some(Principal::Notetaker),
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

/// The delegation input a scenario path names, if it names one: its actor
/// and the part of its private inputs (reservation, red lines, offered count
/// or deployable share).
pub fn private_part(path: &str) -> Option<(&str, Part)> {
    let seg: Vec<&str> = path.split('.').collect();
    match seg.as_slice() {
        ["actors", a, "reservation"] => Some((a, Part::Reservation)),
        ["actors", a, "red_lines", ..] => Some((a, Part::RedLines)),
        ["actors", a, "inventory", _, "count" | "deployable_share"] => Some((a, Part::Inventory)),
        _ => None,
    }
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

    /// An inject changed the actor from `before` to `after`: every value it
    /// changed replaces the delegation's own (which the delegation may move
    /// again), a red line it added is held, one it dropped is gone.
    ///
    /// Example: the delegation offered 3 brigades; an inject sets the
    /// scenario's count from 4 to 2 → the offer becomes 2. An inject that
    /// leaves the count at 4 leaves the offer at 3.
    pub fn follow_inject(&mut self, before: &Actor, after: &Actor) {
        for (k, item) in &after.inventory {
            let old = before.inventory.get(k);
            let offer = self.inventory.entry(k.clone()).or_insert(Offer {
                count: item.count,
                deployable_share: item.deployable_share,
            });
            if old.is_some_and(|o| o.count != item.count) {
                offer.count = item.count;
            }
            if old.is_some_and(|o| o.deployable_share != item.deployable_share) {
                offer.deployable_share = item.deployable_share;
            }
        }
        self.inventory
            .retain(|k, _| after.inventory.contains_key(k));
        if before.reservation != after.reservation {
            self.reservation = after.reservation;
        }
        let old_lines = std::mem::take(&mut self.red_lines);
        self.red_lines = after
            .red_lines
            .iter()
            .map(|r| (r.id.clone(), old_lines.get(&r.id).copied().unwrap_or(true)))
            .collect();
        let old_caveats = std::mem::take(&mut self.caveats);
        self.caveats = after
            .caveats
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    old_caveats.get(&c.id).copied().unwrap_or(true),
                )
            })
            .collect();
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
    /// The facilitator set the in-game clock (before round 1).
    ClockSet {
        clock: Clock,
    },
    /// The facilitator moved the open round from planning to negotiation.
    NegotiationStarted {
        round: u32,
    },
    /// The in-game clock moved on within the open round (by the facilitator,
    /// or to a dated inject's day before the round closes); injects dated up
    /// to it are released next.
    ClockAdvanced {
        round: u32,
        /// The new in-game date, YYYY-MM-DD.
        date: String,
    },
    /// An inject was released: pre-scripted (`live` false, at its round's
    /// opening) or written by the facilitator. Its scenario changes apply from
    /// now on; its text is shown to its targets.
    InjectReleased {
        round: u32,
        inject: Inject,
        live: bool,
    },
    /// The uncertainty engine's band for the round's first-ranked package.
    BandComputed {
        round: u32,
        band: Result<Band, String>,
    },
    /// The facilitator overrode a round's verdict, with a reason.
    VerdictOverridden {
        round: u32,
        ruling: Ruling,
        /// The facilitator's own P(pass), if it gives one.
        p_pass: Option<f64>,
        reason: String,
    },
    /// A note by the notetaker or the facilitator (principal key in `author`).
    NoteAdded {
        round: u32,
        kind: NoteKind,
        text: String,
        author: String,
    },
    /// A lesson learned written (`lesson` None) or rewritten (its number).
    LessonWritten {
        lesson: Option<u32>,
        text: String,
        author: String,
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
            Event::ClockSet { .. } => "clock_set",
            Event::NegotiationStarted { .. } => "negotiation_started",
            Event::ClockAdvanced { .. } => "clock_advanced",
            Event::InjectReleased { .. } => "inject_released",
            Event::BandComputed { .. } => "band_computed",
            Event::VerdictOverridden { .. } => "verdict_overridden",
            Event::NoteAdded { .. } => "note_added",
            Event::LessonWritten { .. } => "lesson_written",
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

/// A released inject, with the event that released it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleasedInject {
    pub seq: u64,
    pub round: u32,
    /// The in-game date it was released on.
    pub date: String,
    pub live: bool,
    pub inject: Inject,
}

/// A facilitator's override of a round's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverrideRecord {
    pub seq: u64,
    pub round: u32,
    pub ruling: Ruling,
    pub p_pass: Option<f64>,
    pub reason: String,
    /// Whether `p_pass` lies inside the round's band (None: no P(pass) given, or no band).
    pub inside_band: Option<bool>,
}

/// A note tied to its round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteRecord {
    pub seq: u64,
    pub round: u32,
    /// The in-game date it was written on.
    pub date: String,
    pub kind: NoteKind,
    pub text: String,
    pub author: String,
}

/// One entry of the lessons-learned list, with who wrote each version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonRecord {
    /// 1-based number in the list.
    pub number: u32,
    pub text: String,
    /// (principal key, event sequence number) of every version, first first.
    pub versions: Vec<(String, u64)>,
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
    /// The in-game clock (default: the scenario's `as_of`, 14 days a round).
    pub clock: Clock,
    /// The open round was moved to negotiation.
    pub negotiating: bool,
    /// The in-game clock now (days since 1970-01-01): the open round's date,
    /// or later once the clock advanced within the round; None before round 1.
    #[serde(skip)]
    pub today: Option<i64>,
    /// The scenario with every released inject applied (None before creation).
    #[serde(skip)]
    pub current: Option<Arc<Scenario>>,
    pub injects: Vec<ReleasedInject>,
    /// Round → the uncertainty band of its first-ranked package.
    pub bands: BTreeMap<u32, Result<Band, String>>,
    pub overrides: Vec<OverrideRecord>,
    pub notes: Vec<NoteRecord>,
    pub lessons: Vec<LessonRecord>,
    /// Round → every delegation's inputs when the round closed.
    pub round_inputs: BTreeMap<u32, BTreeMap<String, PrivateInputs>>,
    /// Round → every delegation's inputs when the round opened, as the
    /// round's injects changed them: what the delegations' own moves are
    /// measured against in the debrief.
    pub round_baseline: BTreeMap<u32, BTreeMap<String, PrivateInputs>>,
    /// Round → the delegations that moved in it.
    pub moved: BTreeMap<u32, BTreeSet<String>>,
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
            clock: Clock {
                start: String::new(),
                interval_days: crate::game::DEFAULT_INTERVAL_DAYS,
            },
            negotiating: false,
            today: None,
            current: None,
            injects: Vec::new(),
            bands: BTreeMap::new(),
            overrides: Vec::new(),
            notes: Vec::new(),
            lessons: Vec::new(),
            round_inputs: BTreeMap::new(),
            round_baseline: BTreeMap::new(),
            moved: BTreeMap::new(),
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
                let scenario = self.current_scenario().expect("created");
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
            Event::ClockSet { clock } => {
                if self.phase != Phase::Setup {
                    return reject("the clock is set before round 1 opens");
                }
                let start = crate::game::parse_date(&clock.start).map_err(Rejected)?;
                if !(1..=366).contains(&clock.interval_days) {
                    return reject("the interval between rounds must be 1 to 366 days");
                }
                let scripted = self.scenario.as_ref().map_or(&[][..], |s| &s.injects[..]);
                for inj in scripted {
                    if let Ok(When::Date(d)) = inject_when(inj)
                        && d < start
                    {
                        return reject(format!(
                            "inject {} is dated {}, before round 1 on {}; start the clock on or before {}",
                            inj.id,
                            crate::game::format_date(d),
                            clock.start,
                            crate::game::format_date(d)
                        ));
                    }
                }
            }
            Event::NegotiationStarted { round } => {
                if self.phase != Phase::Open || *round != self.round || self.negotiating {
                    return reject("negotiation follows planning in an open round");
                }
            }
            Event::ClockAdvanced { round, date } => {
                if self.phase != Phase::Open || *round != self.round {
                    return reject("the in-game clock moves within an open round");
                }
                let day = crate::game::parse_date(date).map_err(Rejected)?;
                let today = self.today.unwrap_or(i64::MIN);
                let last =
                    crate::game::round_last_day(&self.clock, self.round).map_err(Rejected)?;
                if day <= today || day > last {
                    return reject(format!(
                        "the clock of round {} may move from {} up to {} (the day before round {} opens), not to {date}",
                        self.round,
                        self.today_date(),
                        crate::game::format_date(last),
                        self.round + 1
                    ));
                }
            }
            Event::InjectReleased {
                round,
                inject,
                live,
            } => {
                if *round != self.round.max(1) {
                    return reject(format!(
                        "an inject released now belongs to round {}",
                        self.round.max(1)
                    ));
                }
                match inject_when(inject).map_err(|p| Rejected(p.to_string()))? {
                    When::Round(r) if r != *round => {
                        return reject(format!(
                            "inject {} belongs to round {r}, not round {round}",
                            inject.id
                        ));
                    }
                    When::Round(_) => {}
                    timed if *live => {
                        return reject(format!(
                            "a live inject is released now; it has no day or date ({timed:?})"
                        ));
                    }
                    timed => {
                        let due = self.inject_day(timed);
                        if self.today.is_none() || due > self.today {
                            return reject(format!(
                                "inject {} is released when the in-game clock reaches {}; it is {}",
                                inject.id,
                                due.map(crate::game::format_date).unwrap_or_default(),
                                self.today_date()
                            ));
                        }
                    }
                }
                if self.phase == Phase::Adjudicating {
                    return reject("the round is being adjudicated; release the inject after");
                }
                if self.injects.iter().any(|i| i.inject.id == inject.id) {
                    return reject(format!("inject {} was already released", inject.id));
                }
                let s = self.current_scenario().expect("created");
                guarantor_model::injects::check_inject(s, inject)
                    .map_err(|p| Rejected(p.to_string()))?;
            }
            Event::BandComputed { round, .. } => {
                if self.phase != Phase::Published
                    || *round != self.round
                    || self.bands.contains_key(round)
                {
                    return reject("the band follows its round's adjudication, once");
                }
            }
            Event::VerdictOverridden {
                round,
                p_pass,
                reason,
                ..
            } => {
                if !self.results.iter().any(|r| r.round == *round) {
                    return reject(format!("round {round} has no verdict to override"));
                }
                if let Some(p) = p_pass
                    && !(p.is_finite() && (0.0..=1.0).contains(p))
                {
                    return reject("P(pass) must be from 0 to 1");
                }
                crate::game::check_text("the reason", reason).map_err(Rejected)?;
            }
            Event::NoteAdded { round, text, .. } => {
                if *round != self.round {
                    return reject(format!("a note now belongs to round {}", self.round));
                }
                crate::game::check_text("the note", text).map_err(Rejected)?;
            }
            Event::LessonWritten { lesson, text, .. } => {
                if let Some(n) = lesson
                    && !self.lessons.iter().any(|l| l.number == *n)
                {
                    return reject(format!("there is no lesson {n}"));
                }
                crate::game::check_text("the lesson", text).map_err(Rejected)?;
            }
        }
        Ok(())
    }

    /// The stage the exercise is in (who may write what).
    pub fn stage(&self) -> Stage {
        match self.phase {
            Phase::Setup => Stage::Setup,
            Phase::Open if self.negotiating => Stage::Negotiation,
            Phase::Open => Stage::Planning,
            Phase::Adjudicating => Stage::Adjudication,
            Phase::Published => Stage::Debrief,
        }
    }

    /// The scenario as the released injects leave it.
    pub fn current_scenario(&self) -> Option<&Scenario> {
        self.current.as_deref().or(self.scenario.as_deref())
    }

    /// The in-game date of a round ("" when the clock has no valid start).
    pub fn round_date(&self, round: u32) -> String {
        crate::game::round_date(&self.clock, round).unwrap_or_default()
    }

    /// The in-game clock now, YYYY-MM-DD (round 1's date before it opens).
    pub fn today_date(&self) -> String {
        match self.today {
            Some(d) => crate::game::format_date(d),
            None => self.round_date(self.round.max(1)),
        }
    }

    /// The in-game day a timed inject falls on, on this exercise's clock
    /// (None for a round's inject, or without a valid clock).
    pub fn inject_day(&self, when: When) -> Option<i64> {
        let start = crate::game::parse_date(&self.clock.start).ok()?;
        guarantor_model::injects::inject_date(when, start)
    }

    /// The pre-scripted injects not yet released that are due: those of the
    /// open round, and the timed ones whose day the in-game clock reached, in
    /// the order of their days.
    pub fn pending_injects(&self) -> Vec<Inject> {
        self.scripted_until(self.today)
    }

    /// The in-game days, in order, of the timed injects not yet released that
    /// fall on or before the open round's last day: before the round closes,
    /// the clock moves to each in turn (the round's date range decides when
    /// the facilitator did not move the clock there).
    pub fn timed_due_by_round_end(&self) -> Vec<i64> {
        let Ok(last) = crate::game::round_last_day(&self.clock, self.round) else {
            return Vec::new();
        };
        let mut days: Vec<i64> = self
            .scripted_until(Some(last))
            .iter()
            .filter_map(|i| inject_when(i).ok().and_then(|w| self.inject_day(w)))
            .collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    fn scripted_until(&self, today: Option<i64>) -> Vec<Inject> {
        let Some(s) = self.scenario.as_ref() else {
            return Vec::new();
        };
        if self.phase == Phase::Setup {
            return Vec::new();
        }
        let mut due: Vec<(i64, Inject)> = s
            .injects
            .iter()
            .filter(|i| !self.injects.iter().any(|r| r.inject.id == i.id))
            .filter_map(|i| match inject_when(i) {
                Ok(When::Round(r)) => (r == self.round).then_some((i64::MIN, i.clone())),
                Ok(timed) => {
                    let day = self.inject_day(timed)?;
                    (Some(day) <= today).then_some((day, i.clone()))
                }
                Err(_) => None,
            })
            .collect();
        due.sort_by_key(|(d, _)| *d);
        due.into_iter().map(|(_, i)| i).collect()
    }

    /// The latest override of a round, if any.
    pub fn override_of(&self, round: u32) -> Option<&OverrideRecord> {
        self.overrides.iter().rev().find(|o| o.round == round)
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
                self.clock.start = if crate::game::parse_date(&scenario.meta.as_of).is_ok() {
                    scenario.meta.as_of.clone()
                } else {
                    "2025-01-01".into()
                };
                self.scenario_name = scenario_name;
                self.scenario = Some(Arc::new(*scenario));
            }
            Event::RoundOpened { round } => {
                self.round = round;
                self.phase = Phase::Open;
                self.negotiating = false;
                self.today = crate::game::round_day(&self.clock, round).ok();
                self.round_baseline.insert(round, self.inputs.clone());
            }
            Event::MoveSubmitted {
                round,
                actor,
                inputs,
            } => {
                self.submitted.insert(actor.clone(), round);
                self.moved.entry(round).or_default().insert(actor.clone());
                self.inputs.insert(actor, inputs);
                self.moves += 1;
            }
            Event::RoundClosed { round } => {
                self.phase = Phase::Adjudicating;
                self.round_inputs.insert(round, self.inputs.clone());
            }
            Event::RoundAdjudicated { round, result } => {
                self.phase = Phase::Published;
                self.results.push(Arc::new(RoundResult { round, result }));
            }
            Event::Disclosed { actor, part } => {
                self.disclosed.entry(actor).or_default().insert(part);
            }
            Event::CodeReissued { .. } => {}
            Event::ClockSet { clock } => self.clock = clock,
            Event::NegotiationStarted { .. } => self.negotiating = true,
            Event::ClockAdvanced { date, .. } => {
                self.today = crate::game::parse_date(&date).ok();
            }
            Event::InjectReleased {
                round,
                inject,
                live,
            } => {
                if let Some(before) = self.current_scenario().cloned() {
                    let mut after = before.clone();
                    if guarantor_model::injects::apply_inject(&mut after, &inject).is_ok() {
                        for a in &after.actors {
                            let Some(old) = before.actor(&a.id) else {
                                continue;
                            };
                            if let Some(inputs) = self.inputs.get_mut(&a.id) {
                                inputs.follow_inject(old, a);
                            }
                            if let Some(base) = self
                                .round_baseline
                                .get_mut(&round)
                                .and_then(|b| b.get_mut(&a.id))
                            {
                                base.follow_inject(old, a);
                            }
                        }
                        self.current = Some(Arc::new(after));
                    }
                }
                self.injects.push(ReleasedInject {
                    seq: self.events,
                    round,
                    date: self.today_date(),
                    live,
                    inject,
                });
            }
            Event::BandComputed { round, band } => {
                self.bands.insert(round, band);
            }
            Event::VerdictOverridden {
                round,
                ruling,
                p_pass,
                reason,
            } => {
                let inside_band = match (p_pass, self.bands.get(&round)) {
                    (Some(p), Some(Ok(b))) => Some(crate::game::inside_band(b, p)),
                    _ => None,
                };
                self.overrides.push(OverrideRecord {
                    seq: self.events,
                    round,
                    ruling,
                    p_pass,
                    reason,
                    inside_band,
                });
            }
            Event::NoteAdded {
                round,
                kind,
                text,
                author,
            } => self.notes.push(NoteRecord {
                seq: self.events,
                round,
                date: self.today_date(),
                kind,
                text,
                author,
            }),
            Event::LessonWritten {
                lesson,
                text,
                author,
            } => {
                let seq = self.events;
                match lesson.and_then(|n| self.lessons.iter_mut().find(|l| l.number == n)) {
                    Some(l) => {
                        l.text = text;
                        l.versions.push((author, seq));
                    }
                    None => {
                        let number = self.lessons.len() as u32 + 1;
                        self.lessons.push(LessonRecord {
                            number,
                            text,
                            versions: vec![(author, seq)],
                        });
                    }
                }
            }
        }
    }

    /// The scenario with every delegation's current inputs put in: what the engine adjudicates.
    pub fn combined_scenario(&self) -> Option<Scenario> {
        let mut s = self.current_scenario()?.clone();
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
