//! The debrief of each round, the notes and lessons-learned pages, the
//! after-action report, and the exports filtered by round. Everything a
//! viewer reads goes through the same redaction as the other pages:
//! results through [`crate::views::visible_rounds`], a delegation's changes
//! only in the parts the viewer may see ([`Viewer::sees`]).

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;
use serde_json::{Value, json};

use crate::adjudicate::Viewer;
use crate::auth::Session;
use crate::game::{NoteKind, Stage};
use crate::pages::{
    actor_name, band_markup, layout, override_markup, package_map_svg, rounds_markup,
};
use crate::state::{Event, ExerciseState, Part, Principal, PrivateInputs};
use crate::store::StoredEvent;
use crate::views::{VisibleRound, sees_notes, visible_injects, visible_rounds};

/// Every delegation's inputs before its moves of round `round`: when the
/// round opened, with the round's injects applied (their changes are the
/// injects', listed apart); the scenario's if no baseline was recorded.
fn inputs_before(st: &ExerciseState, round: u32) -> BTreeMap<String, PrivateInputs> {
    if let Some(base) = st.round_baseline.get(&round) {
        return base.clone();
    }
    st.scenario
        .as_ref()
        .map(|s| {
            s.actors
                .iter()
                .map(|a| (a.id.clone(), PrivateInputs::from_actor(a)))
                .collect()
        })
        .unwrap_or_default()
}

/// What changed in one delegation's inputs, in the parts `sees` admits.
///
/// Example: a reservation from 0.6 to 0.5 and a dropped red line `x`, seen in
/// full → ["reservation 0.6 → 0.5", "dropped red line x"].
pub fn input_changes(
    before: &PrivateInputs,
    after: &PrivateInputs,
    sees: impl Fn(Part) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut hidden = false;
    let mut note = |part: Part, line: String, out: &mut Vec<String>| {
        if sees(part) {
            out.push(line);
        } else {
            hidden = true;
        }
    };
    for (k, o) in &after.inventory {
        match before.inventory.get(k) {
            Some(b) if b == o => {}
            Some(b) => note(
                Part::Inventory,
                format!(
                    "offer of {k}: {} × {} → {} × {}",
                    b.count, b.deployable_share, o.count, o.deployable_share
                ),
                &mut out,
            ),
            None => note(
                Part::Inventory,
                format!("offer of {k}: {} × {}", o.count, o.deployable_share),
                &mut out,
            ),
        }
    }
    for (k, held) in &after.caveats {
        if before.caveats.get(k) != Some(held) {
            let verb = if *held {
                "holds caveat"
            } else {
                "lifted caveat"
            };
            note(Part::Caveats, format!("{verb} {k}"), &mut out);
        }
    }
    for (k, held) in &after.red_lines {
        if before.red_lines.get(k) != Some(held) {
            let verb = if *held {
                "holds red line"
            } else {
                "dropped red line"
            };
            note(Part::RedLines, format!("{verb} {k}"), &mut out);
        }
    }
    if before.reservation != after.reservation {
        note(
            Part::Reservation,
            format!("reservation {} → {}", before.reservation, after.reservation),
            &mut out,
        );
    }
    if hidden && out.is_empty() {
        out.push("its changes are private to the delegation".into());
    } else if hidden {
        out.push("other changes are private to the delegation".into());
    }
    out
}

/// How the verdict changed from one round to the next, as the viewer sees it.
pub fn verdict_changes(prev: Option<&VisibleRound>, now: &VisibleRound) -> Vec<String> {
    let mut out = Vec::new();
    let Some(prev) = prev else {
        out.push(format!(
            "first verdict: {} of {} packages pass",
            now.passing, now.evaluated
        ));
        return out;
    };
    if prev.passing != now.passing {
        out.push(format!(
            "passing packages {} → {}",
            prev.passing, now.passing
        ));
    }
    if prev.feasible != now.feasible {
        out.push(format!(
            "feasible packages {} → {}",
            prev.feasible, now.feasible
        ));
    }
    let (Some(a), Some(b)) = (prev.packages.first(), now.packages.first()) else {
        return out;
    };
    if a.label != b.label {
        out.push(format!("first-ranked package: {} → {}", a.title, b.title));
    }
    for v in &b.verdicts {
        let before = a.verdicts.iter().find(|w| w.actor == v.actor);
        if let Some(w) = before
            && w.verdict != v.verdict
        {
            let why = if v.reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.reasons.join("; "))
            };
            out.push(format!("{}: {} → {}{why}", v.actor, w.verdict, v.verdict));
        }
    }
    if out.is_empty() {
        out.push("no change in the verdict".into());
    }
    out
}

/// One round's debrief, as `p` may see it.
fn round_markup(st: &ExerciseState, p: &Principal, round: u32) -> Markup {
    let viewer = Viewer::of(p);
    let rounds = visible_rounds(st, viewer);
    let now = rounds.iter().find(|r| r.round == round);
    let prev = rounds.iter().rev().find(|r| r.round < round);
    let before = inputs_before(st, round);
    let after = st.round_inputs.get(&round);
    let moved = st.moved.get(&round);
    let injects: Vec<_> = visible_injects(st, p)
        .into_iter()
        .filter(|i| i.round == round)
        .collect();
    html! {
        section.debrief data-round=(round) {
            h2 { "Round " (round) " · in-game " (st.round_date(round)) }
            h3 { "What each delegation changed" }
            @if after.is_none() { p.small { "The round has not closed yet." } }
            ul {
                @for a in st.inputs.keys() {
                    @let did_move = moved.is_some_and(|m| m.contains(a));
                    li {
                        strong { (actor_name(st, a)) } ": "
                        @if !did_move { "did not move" }
                        @else if let (Some(b), Some(n)) = (before.get(a), after.and_then(|x| x.get(a))) {
                            @let lines = input_changes(b, n, |part| viewer.sees(st, a, part));
                            @if lines.is_empty() { "moved, nothing changed" } @else { (lines.join("; ")) }
                        } @else { "moved" }
                    }
                }
            }
            h3 { "Injects" }
            @if injects.is_empty() { p.small { "None you were shown." } }
            ul { @for i in &injects { li { (i.inject.text) @if !i.inject.set.is_empty() { span.small { " (" (i.inject.set.join("; ")) ")" } } } } }
            h3 { "Verdict" }
            (override_markup(st, round))
            @match now {
                Some(r) => {
                    ul { @for line in verdict_changes(prev, r) { li { (line) } } }
                    (band_markup(st, round))
                    @if let Some(first) = r.packages.first() {
                        p { "First-ranked package: " (first.title) }
                        @if let Some(svg) = package_map_svg(st, &first.options) {
                            figure.map { (PreEscaped(svg)) }
                        }
                    }
                }
                None => { p.small { "Not adjudicated yet." } }
            }
            @if sees_notes(p) {
                h3 { "Notes" }
                ul { @for n in st.notes.iter().filter(|n| n.round == round) {
                    li data-note-kind=(n.kind.as_str()) { span.small { (n.kind.as_str()) " · " (n.author) } " " (n.text) }
                } }
            }
        }
    }
}

/// `/debrief?round=N`: one round's debrief, with links to the others.
pub fn debrief_page(st: &ExerciseState, s: &Session, round: u32) -> Markup {
    let body = html! {
        @if st.round == 0 { p { "No round has been played yet." } }
        @else {
            p.small { "Rounds: "
                @for r in 1..=st.round { @if r > 1 { " · " } a href=(format!("/debrief?round={r}")) { (r) } }
            }
            @if (1..=st.round).contains(&round) { (round_markup(st, &s.principal, round)) }
            @else { p.error { "There is no round " (round) "; pick one above." } }
        }
    };
    layout(st, Some(s), "Debrief", body)
}

/// The notes list and the form to add one (notetaker and facilitator).
pub fn notes_page(st: &ExerciseState, s: &Session) -> Markup {
    let rounds = visible_rounds(st, Viewer::of(&s.principal));
    let body = html! {
        @if st.stage() != Stage::Setup {
            form.card #note-form method="post" data-dirty-watch="1" action="/notes/add" {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "Kind "
                    select name="kind" { @for k in NoteKind::ALL { option value=(k.as_str()) { (k.as_str()) } } }
                }
                label { "Text " textarea name="text" rows="3" required {} }
                button type="submit" { "Add to round " (st.round) }
            }
        } @else { p { "Notes open with round 1." } }
        (notes_list(st))
        (rounds_markup(st, &rounds))
    };
    layout(st, Some(s), "Notes", body)
}

fn notes_list(st: &ExerciseState) -> Markup {
    html! {
        section #notes {
            h2 { "Notes" }
            @if st.notes.is_empty() { p.small { "No notes yet." } }
            table.status {
                thead { tr { th { "Round" } th { "In-game date" } th { "Kind" } th { "By" } th { "Text" } } }
                tbody {
                    @for n in &st.notes {
                        tr data-note-kind=(n.kind.as_str()) {
                            td { (n.round) } td { (n.date) } td { (n.kind.as_str()) } td { (n.author) }
                            td { @if n.kind == NoteKind::Quote { q { (n.text) } } @else { (n.text) } }
                        }
                    }
                }
            }
        }
    }
}

fn lessons_list(st: &ExerciseState) -> Markup {
    html! {
        section #lessons {
            h2 { "Lessons learned" }
            @if st.lessons.is_empty() { p.small { "No lessons yet." } }
            ol {
                @for l in &st.lessons {
                    li data-lesson=(l.number) { (l.text)
                        span.small { " — by " (l.versions.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>().join(", ")) } }
                }
            }
        }
    }
}

/// `/lessons`: the list for everyone; the facilitator, the notetaker and the
/// delegations may add a lesson or rewrite one.
pub fn lessons_page(st: &ExerciseState, s: &Session) -> Markup {
    let edits = !matches!(s.principal, Principal::Observer) && st.stage() != Stage::Setup;
    let body = html! {
        (lessons_list(st))
        @if edits {
            form.card #lesson-form method="post" data-dirty-watch="1" action="/lessons/write" {
                input type="hidden" name="csrf" value=(s.csrf);
                label { "Lesson "
                    select name="lesson" {
                        option value="" { "a new lesson" }
                        @for l in &st.lessons { option value=(l.number) { "rewrite lesson " (l.number) } }
                    }
                }
                label { "Text " textarea name="text" rows="3" required {} }
                button type="submit" { "Save the lesson" }
            }
        }
    };
    layout(st, Some(s), "Lessons learned", body)
}

/// The after-action report's style (the pages' own stylesheet), inline.
const AAR_CSS: &str = crate::pages::APP_CSS;

/// The report's Content-Security-Policy: nothing but its own inline style,
/// allowed by its SHA-256.
pub fn after_action_csp() -> String {
    use base64_free::encode;
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(AAR_CSS.as_bytes());
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        encode(&hash)
    )
}

/// Standard base64 without a dependency (the CSP hash needs it).
mod base64_free {
    pub fn encode(bytes: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            out.push(T[(n >> 18) as usize & 63] as char);
            out.push(T[(n >> 12) as usize & 63] as char);
            out.push(if c.len() > 1 {
                T[(n >> 6) as usize & 63] as char
            } else {
                '='
            });
            out.push(if c.len() > 2 {
                T[n as usize & 63] as char
            } else {
                '='
            });
        }
        out
    }
}

/// The after-action report: one self-contained HTML document (inline style,
/// no script, nothing fetched): every round's debrief as the facilitator sees
/// it, with injects, bands and overrides marked, then the notes and the
/// lessons learned.
pub fn after_action(st: &ExerciseState) -> Markup {
    let title = st
        .scenario
        .as_ref()
        .map(|s| s.meta.title.clone())
        .unwrap_or_default();
    let disclaimer = st
        .scenario
        .as_ref()
        .map(|s| s.meta.disclaimer.clone())
        .unwrap_or_default();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "After-action report — " (title) }
                style { (PreEscaped(AAR_CSS)) }
            }
            body {
                main {
                    h1 { "After-action report" }
                    p { strong { (title) } }
                    p.small { (disclaimer) }
                    p { (st.round) " rounds, " (st.moves) " moves, "
                        (st.injects.len()) " injects, " (st.overrides.len()) " overrides, "
                        (st.notes.len()) " notes, " (st.lessons.len()) " lessons. In-game from "
                        (st.round_date(1)) ", " (st.clock.interval_days) " days a round." }
                    @for r in 1..=st.round { (round_markup(st, &Principal::Facilitator, r)) }
                    @if !st.overrides.is_empty() {
                        section #overrides {
                            h2 { "Overrides" }
                            ul { @for o in &st.overrides {
                                li.override { "Round " (o.round) ": overridden — the package " (o.ruling.as_str())
                                    @if let Some(p) = o.p_pass { ", P(pass) " (format!("{p:.2}")) }
                                    @match o.inside_band { Some(true) => { ", inside the band" } Some(false) => { ", outside the band" } None => {} }
                                    ". " (o.reason) }
                            } }
                        }
                    }
                    (notes_list(st))
                    (lessons_list(st))
                }
            }
        }
    }
}

/// One row of the event exports: every row carries its round and in-game date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub round: u32,
    pub in_game_date: String,
    pub seq: u64,
    pub recorded_at_ms: u64,
    pub kind: &'static str,
    /// The actor of a move, the author of a note or lesson; empty otherwise.
    pub who: String,
    /// One line for people.
    pub summary: String,
    pub event: Event,
}

fn summary(e: &Event) -> (String, String) {
    match e {
        Event::ExerciseCreated { scenario_name, .. } => (
            String::new(),
            format!("exercise created on {scenario_name}"),
        ),
        Event::RoundOpened { round } => (String::new(), format!("round {round} opened")),
        Event::MoveSubmitted { actor, inputs, .. } => (
            actor.clone(),
            format!("move (reservation {})", inputs.reservation),
        ),
        Event::RoundClosed { round } => (String::new(), format!("round {round} closed")),
        Event::RoundAdjudicated { result, .. } => (
            String::new(),
            match result {
                Ok(a) => format!("{} of {} packages pass", a.passing, a.evaluated),
                Err(e) => format!("not adjudicated: {e}"),
            },
        ),
        Event::Disclosed { actor, part } => (actor.clone(), format!("disclosed {}", part.as_str())),
        Event::CodeReissued { principal } => (principal.clone(), "code replaced".to_string()),
        Event::ClockSet { clock } => (
            String::new(),
            format!(
                "clock: round 1 on {}, {} days a round",
                clock.start, clock.interval_days
            ),
        ),
        Event::NegotiationStarted { round } => {
            (String::new(), format!("round {round} moved to negotiation"))
        }
        Event::ClockAdvanced { round, date } => (
            String::new(),
            format!("in-game clock of round {round} moved to {date}"),
        ),
        Event::InjectReleased { inject, live, .. } => (
            String::new(),
            format!(
                "{} inject {}: {}",
                if *live { "live" } else { "scripted" },
                inject.id,
                inject.text
            ),
        ),
        Event::BandComputed { band, .. } => (
            String::new(),
            match band {
                Ok(b) => format!(
                    "band: P(pass) {:.2} [{:.2}, {:.2}], cost p5/p50/p95 {:.0}/{:.0}/{:.0}",
                    b.p_pass, b.p_pass_worst, b.p_pass_best, b.cost_p5, b.cost_p50, b.cost_p95
                ),
                Err(e) => format!("no band: {e}"),
            },
        ),
        Event::VerdictOverridden {
            round,
            ruling,
            reason,
            ..
        } => (
            "facilitator".into(),
            format!(
                "OVERRIDE of round {round}: the package {}; {reason}",
                ruling.as_str()
            ),
        ),
        Event::NoteAdded {
            kind, text, author, ..
        } => (author.clone(), format!("{}: {text}", kind.as_str())),
        Event::LessonWritten {
            lesson,
            text,
            author,
        } => (
            author.clone(),
            match lesson {
                Some(n) => format!("lesson {n} rewritten: {text}"),
                None => format!("lesson: {text}"),
            },
        ),
    }
}

/// The stored events as export rows, each with the round it belongs to (the
/// last round opened before it; 0 before round 1) and that round's in-game
/// date; only round `only`'s rows when given.
pub fn event_rows(st: &ExerciseState, events: &[StoredEvent], only: Option<u32>) -> Vec<EventRow> {
    let mut round = 0;
    // The in-game clock as the log moves it: a round's date when it opens,
    // a later date when the clock advances within the round.
    let mut today = st.round_date(0);
    let mut out = Vec::new();
    for e in events {
        match &e.event {
            Event::RoundOpened { round: r } => {
                round = *r;
                today = st.round_date(*r);
            }
            Event::ClockAdvanced { date, .. } => today = date.clone(),
            _ => {}
        }
        // Adjudication, band and override name their round themselves.
        let own = match &e.event {
            Event::RoundAdjudicated { round: r, .. }
            | Event::BandComputed { round: r, .. }
            | Event::VerdictOverridden { round: r, .. } => *r,
            _ => round,
        };
        if only.is_some_and(|o| o != own) {
            continue;
        }
        let (who, summary) = summary(&e.event);
        out.push(EventRow {
            round: own,
            in_game_date: if own == round {
                today.clone()
            } else {
                st.round_date(own)
            },
            seq: e.seq,
            recorded_at_ms: e.recorded_at_ms,
            kind: e.event.kind(),
            who,
            summary,
            event: e.event.clone(),
        });
    }
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The rows as CSV: round, in-game date, sequence, time, kind, who, summary.
pub fn rows_csv(rows: &[EventRow]) -> String {
    let mut out = String::from("round,in_game_date,seq,recorded_at_ms,kind,who,summary\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.round,
            r.in_game_date,
            r.seq,
            r.recorded_at_ms,
            r.kind,
            csv_field(&r.who),
            csv_field(&r.summary)
        ));
    }
    out
}

/// The rows as JSON, with the rounds' results, bands and overrides.
pub fn rows_json(st: &ExerciseState, rows: &[EventRow], only: Option<u32>) -> Value {
    let keep = |r: u32| only.is_none_or(|o| o == r);
    json!({
        "format": "guarantor-exercise-events/1",
        "round": only,
        "clock": st.clock,
        "rows": rows,
        "results": st.results.iter().filter(|r| keep(r.round)).collect::<Vec<_>>(),
        "bands": st.bands.iter().filter(|(r, _)| keep(**r)).collect::<BTreeMap<_, _>>(),
        "overrides": st.overrides.iter().filter(|o| keep(o.round)).collect::<Vec<_>>(),
        "notes": st.notes.iter().filter(|n| keep(n.round)).collect::<Vec<_>>(),
    })
}

/// The Parquet columns of the event export, in order: the CSV's columns and
/// `event`, each row's event as JSON (the JSON export's `event`).
pub const PARQUET_COLUMNS: [&str; 8] = [
    "round",
    "in_game_date",
    "seq",
    "recorded_at_ms",
    "kind",
    "who",
    "summary",
    "event",
];

/// The rows as one Parquet file (one row group): `round` (UInt32),
/// `in_game_date` (UTF-8, ISO date), `seq` and `recorded_at_ms` (UInt64),
/// `kind`, `who`, `summary` and `event` (UTF-8; `event` is the event as JSON).
/// The file's key-value metadata names the format
/// (`guarantor.format` = `guarantor-exercise-events/1`) and the round filter
/// (`guarantor.round`, empty for every round).
pub fn rows_parquet(rows: &[EventRow], only: Option<u32>) -> Result<Vec<u8>, String> {
    use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt32Array, UInt64Array};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let types = [
        DataType::UInt32,
        DataType::Utf8,
        DataType::UInt64,
        DataType::UInt64,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
    ];
    let schema = Arc::new(Schema::new(
        PARQUET_COLUMNS
            .iter()
            .zip(types)
            .map(|(name, t)| Field::new(*name, t, false))
            .collect::<Vec<_>>(),
    ));
    let text = |f: &dyn Fn(&EventRow) -> String| -> ArrayRef {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let events = rows
        .iter()
        .map(|r| serde_json::to_string(&r.event).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from(
            rows.iter().map(|r| r.round).collect::<Vec<_>>(),
        )),
        text(&|r| r.in_game_date.clone()),
        Arc::new(UInt64Array::from(
            rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
        )),
        Arc::new(UInt64Array::from(
            rows.iter().map(|r| r.recorded_at_ms).collect::<Vec<_>>(),
        )),
        text(&|r| r.kind.to_string()),
        text(&|r| r.who.clone()),
        text(&|r| r.summary.clone()),
        Arc::new(StringArray::from(events)),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![
            KeyValue::new(
                "guarantor.format".to_string(),
                "guarantor-exercise-events/1".to_string(),
            ),
            KeyValue::new(
                "guarantor.round".to_string(),
                only.map(|r| r.to_string()).unwrap_or_default(),
            ),
        ]))
        .build();
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, schema, Some(props)).map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.close().map_err(|e| e.to_string())?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Offer;

    fn inputs(res: f64, count: f64, line_held: bool) -> PrivateInputs {
        PrivateInputs {
            inventory: BTreeMap::from([(
                "brigades".to_string(),
                Offer {
                    count,
                    deployable_share: 0.5,
                },
            )]),
            caveats: BTreeMap::new(),
            red_lines: BTreeMap::from([("x".to_string(), line_held)]),
            reservation: res,
        }
    }

    #[test]
    fn a_delegations_changes_show_only_in_the_parts_the_viewer_sees() {
        let a = inputs(0.6, 4.0, true);
        let b = inputs(0.5, 2.0, false);
        let all = input_changes(&a, &b, |_| true);
        assert_eq!(
            all,
            [
                "offer of brigades: 4 × 0.5 → 2 × 0.5",
                "dropped red line x",
                "reservation 0.6 → 0.5"
            ]
        );
        let none = input_changes(&a, &b, |_| false);
        assert_eq!(none, ["its changes are private to the delegation"]);
        let some = input_changes(&a, &b, |p| p == Part::RedLines);
        assert_eq!(
            some,
            [
                "dropped red line x",
                "other changes are private to the delegation"
            ]
        );
        assert!(input_changes(&a, &a, |_| false).is_empty());
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_base64_matches_the_rfc() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        // RFC 4648 test vectors.
        assert_eq!(base64_free::encode(b"f"), "Zg==");
        assert_eq!(base64_free::encode(b"fo"), "Zm8=");
        assert_eq!(base64_free::encode(b"foobar"), "Zm9vYmFy");
    }
}
