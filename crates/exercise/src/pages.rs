//! Server-rendered HTML (maud). No page shows a private value its viewer may
//! not see: results go through [`crate::views::visible_rounds`], and only the
//! delegation page renders the delegation's own inputs.

use maud::{DOCTYPE, Markup, html};

use crate::adjudicate::Viewer;
use crate::auth::Session;
use crate::game::{Ruling, Stage};
use crate::state::{ExerciseState, Part, Phase, Principal};
use crate::views::{VisibleRound, disclosed_parts, visible_rounds};

pub const APP_JS: &str = include_str!("../assets/app.js");
pub const APP_CSS: &str = include_str!("../assets/app.css");

fn title(st: &ExerciseState) -> String {
    st.scenario
        .as_ref()
        .map(|s| s.meta.title.clone())
        .unwrap_or_default()
}

pub(crate) fn actor_name(st: &ExerciseState, id: &str) -> String {
    st.scenario
        .as_ref()
        .and_then(|s| s.actor(id))
        .map(|a| format!("{} ({id})", a.name))
        .unwrap_or_else(|| id.to_string())
}

fn phase_text(st: &ExerciseState) -> String {
    let date = st.today_date();
    let when = if date.is_empty() {
        String::new()
    } else {
        format!(" · in-game date {date}")
    };
    let what = match st.stage() {
        Stage::Setup => "Waiting for the facilitator to open round 1".into(),
        Stage::Planning => format!("Round {} is open for moves · planning", st.round),
        Stage::Negotiation => format!(
            "Round {} is open for moves · negotiation: final moves until the facilitator closes the round",
            st.round
        ),
        Stage::Adjudication => format!("Round {} is closed; the engine is adjudicating", st.round),
        Stage::Debrief => format!("Round {} verdict published · debrief", st.round),
    };
    format!("{what}{when}")
}

/// The links every signed-in page carries, by role.
fn nav(p: &Principal) -> Markup {
    html! {
        nav.links {
            a href=(match p { Principal::Facilitator => "/facilitator", Principal::Observer => "/public", Principal::Notetaker => "/notes", Principal::Delegation(_) => "/delegation" }) { "Home" }
            " · " a href="/public" { "Public picture" }
            " · " a href="/debrief" { "Debrief" }
            " · " a href="/lessons" { "Lessons learned" }
            @if matches!(p, Principal::Facilitator) {
                " · " a href="/report/after-action" { "After-action report" }
            }
        }
    }
}

pub(crate) fn layout(
    st: &ExerciseState,
    session: Option<&Session>,
    heading: &str,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (heading) " — Guarantor exercise" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body data-live=[session.map(|_| "1")] data-seq=(st.events) {
                header {
                    strong { "Guarantor exercise" }
                    span.scenario { (title(st)) }
                    @if let Some(s) = session {
                        span.who { (who(st, &s.principal)) }
                        (nav(&s.principal))
                        form.inline method="post" action="/signout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                div #live-banner hidden { "The exercise has changed. " a href="" { "Reload" } " to see it." }
                main {
                    h1 { (heading) }
                    @if session.is_some() { p.phase #phase { (phase_text(st)) } }
                    @if let Some(s) = session { (injects_markup(st, &s.principal)) }
                    (body)
                }
                footer { "Notional scenario built from public figures. Private inputs stay with their delegation unless the facilitator discloses them." }
            }
        }
    }
}

/// The injects the principal may read, newest first.
fn injects_markup(st: &ExerciseState, p: &Principal) -> Markup {
    let injects = crate::views::visible_injects(st, p);
    html! {
        @if !injects.is_empty() {
            section.injects #injects {
                h2 { "Injects" }
                @for i in injects.iter().rev() {
                    div.inject data-inject=(i.inject.id) {
                        p { strong { "Round " (i.round) " · " (i.date) }
                            @if i.live { " · live" } @else { " · scripted" }
                            ": " (i.inject.text) }
                        @if !i.inject.set.is_empty() || !i.inject.add_red_lines.is_empty() {
                            p.small { "Changes from now on: "
                                @for (k, s) in i.inject.set.iter().enumerate() { @if k > 0 { "; " } code { (s) } }
                                @for r in &i.inject.add_red_lines { "; new red line of " (r.actor) ": "
                                    @if r.red_line.statement.trim().is_empty() { code { (r.red_line.id) } } @else { (r.red_line.statement) } }
                            }
                        }
                        @if !i.inject.source.is_empty() { p.small { "Source: " (i.inject.source) } }
                        @if matches!(p, Principal::Facilitator) {
                            p.small { "Shown to: " @if i.inject.targets.is_empty() { "everyone" } @else { (i.inject.targets.join(", ")) } }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) fn who(st: &ExerciseState, p: &Principal) -> String {
    match p {
        Principal::Facilitator => "Facilitator".into(),
        Principal::Observer => "Observer".into(),
        Principal::Notetaker => "Notetaker".into(),
        Principal::Delegation(a) => format!("Delegation of {}", actor_name(st, a)),
    }
}

pub fn sign_in(st: &ExerciseState, signed_in: Option<&Principal>, error: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(p) = signed_in {
            p { "You are signed in as " (who(st, p)) ". "
                a href=(match p { Principal::Facilitator => "/facilitator", Principal::Observer => "/public", Principal::Notetaker => "/notes", Principal::Delegation(_) => "/delegation" }) { "Continue" } }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form.card method="post" action="/signin" {
            label { "Role "
                select name="who" {
                    option value="facilitator" { "Facilitator" }
                    option value="observer" { "Observer" }
                    option value="notetaker" { "Notetaker" }
                    @for a in st.inputs.keys() {
                        option value=(format!("delegation:{a}")) { "Delegation of " (actor_name(st, a)) }
                    }
                }
            }
            label { "Code " input type="password" name="code" autocomplete="off" required; }
            button type="submit" { "Sign in" }
        }
        p.hint { "The facilitator received every invitation code when the exercise was created." }
    };
    layout(st, None, "Sign in", body)
}

/// Numbers as the terminal writes them (`guarantor_model::number`).
fn fmt_num(x: f64) -> String {
    guarantor_model::number::fmt(x)
}

/// A yearly cost with thousands separators and its unit: "31,810 USD million/yr".
pub(crate) fn cost_per_year(st: &ExerciseState, x: f64) -> String {
    let currency = st
        .scenario
        .as_ref()
        .map_or(String::new(), |s| format!(" {}", s.meta.currency));
    format!("{}{currency}/yr", guarantor_model::number::grouped(x))
}

pub(crate) fn rounds_markup(st: &ExerciseState, rounds: &[VisibleRound]) -> Markup {
    html! {
        @for r in rounds.iter().rev() {
            section.round data-round=(r.round) {
                h2 { "Round " (r.round) " verdict" span.small { " · in-game " (st.round_date(r.round)) } }
                (override_markup(st, r.round))
                (band_markup(st, r.round))
                @if let Some(e) = &r.error {
                    p.error { "The engine could not adjudicate: " (e) }
                } @else {
                    p { (r.evaluated) " packages evaluated, " (r.feasible) " feasible, "
                        strong { (r.passing) " pass" } " (feasible and acceptable to every required actor), "
                        (r.frontier) " on the frontier." }
                    @if !r.rejected_by.is_empty() {
                        p.small { "Packages rejected, by required actor: "
                            @for (i, (a, n)) in r.rejected_by.iter().enumerate() {
                                @if i > 0 { ", " } (a) " " (n)
                            }
                        }
                    }
                    @for (i, p) in r.packages.iter().enumerate() {
                        details.package open[p.passes && p.frontier] {
                            summary {
                                @if p.passes { span.pass { "passes" } } @else if p.undetermined { span.fail { "undetermined" } } @else { span.fail { "fails" } }
                                @if p.frontier { " · frontier" }
                                " · " (p.title)
                                " · deterrence " (format!("{:.2}", p.deterrence))
                                " · cost " (cost_per_year(st, p.cost_per_year))
                            }
                            @for s in &p.shortfalls {
                                p.fail { "Short of " (s.capability) ": " (fmt_num(s.short)) " of " (fmt_num(s.need)) " needed" }
                            }
                            @if !p.allocation.is_empty() {
                                p.small { "Allocation: "
                                    @for (i, (c, k, u)) in p.allocation.iter().enumerate() {
                                        @if i > 0 { "; " } (c) " " (fmt_num(*u)) " " (k)
                                    }
                                }
                            }
                            // The top package of the latest round on the map.
                            @if i == 0 && Some(r.round) == rounds.last().map(|x| x.round) {
                                @if let Some(svg) = package_map_svg(st, &p.options) {
                                    figure.map { (maud::PreEscaped(svg)) }
                                }
                            }
                            ul.verdicts {
                                @for v in p.verdicts.iter().filter(|v| v.required || !v.accepts) {
                                    li {
                                        @if v.accepts { span.pass { "accepted by " (v.actor) } }
                                        @else if v.verdict == "undetermined" {
                                            span.fail { "undetermined for " (v.actor) }
                                            ": " (v.reasons.join("; "))
                                        }
                                        @else {
                                            span.fail { "rejected by " (v.actor) }
                                            ": " (v.reasons.join("; "))
                                        }
                                        @if let Some(m) = v.margin { span.small { " (margin " (format!("{m:.3}")) ")" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if rounds.is_empty() { p { "No round has been adjudicated yet." } }
    }
}

/// The facilitator's override of a round, marked as an override wherever the round is shown.
pub(crate) fn override_markup(st: &ExerciseState, round: u32) -> Markup {
    html! {
        @if let Some(o) = st.override_of(round) {
            div.override data-override=(round) {
                p { strong { "Overridden by the facilitator: " }
                    "the round's package " (o.ruling.as_str())
                    @if let Some(p) = o.p_pass { " (P(pass) " (format!("{p:.2}")) ")" }
                    @match o.inside_band { Some(true) => { " — inside the engine's band" } Some(false) => { " — outside the engine's band" } None => {} }
                    ". Reason: " (o.reason) }
                p.small { "The engine's own verdict follows; the override replaces it for the exercise." }
            }
        }
    }
}

/// The likely/best/worst band of a round's first-ranked package.
pub(crate) fn band_markup(st: &ExerciseState, round: u32) -> Markup {
    html! {
        @match st.bands.get(&round) {
            Some(Ok(b)) => {
                table.band data-band=(round) {
                    caption { "Band for " (b.title) " (" (b.draws) " draws over " (b.uncertainties) " uncertainties)" }
                    thead { tr { th {} th { "worst" } th { "likely" } th { "best" } } }
                    tbody {
                        tr { td { "P(pass)" } td { (format!("{:.2}", b.p_pass_worst)) } td { (format!("{:.2}", b.p_pass)) } td { (format!("{:.2}", b.p_pass_best)) } }
                        tr { td { "cost" } td { (cost_per_year(st, b.cost_p95)) } td { (cost_per_year(st, b.cost_p50)) } td { (cost_per_year(st, b.cost_p5)) } }
                    }
                }
            }
            Some(Err(e)) => { p.small { "No band for this round: " (e) } }
            None => {}
        }
    }
}

/// The package's map (inline SVG, no script) when the scenario has a
/// `[geography]` section.
pub(crate) fn package_map_svg(
    st: &ExerciseState,
    options: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    guarantor_engine::options_map(st.scenario.as_ref()?, options)
}

pub(crate) fn status_markup(st: &ExerciseState) -> Markup {
    html! {
        section {
            h2 { "Delegations" }
            table.status {
                thead { tr { th { "Delegation" } th { "Moved this round" } th { "Disclosed" } } }
                tbody {
                    @for a in st.inputs.keys() {
                        tr {
                            td { (actor_name(st, a)) }
                            td { @if st.phase != Phase::Setup && st.submitted.get(a) == Some(&st.round) { "yes" } @else { "—" } }
                            td { @if let Some(parts) = disclosed_parts(st).get(a) {
                                @for (k, v) in parts { div.small { (k) ": " code { (v.to_string()) } } }
                            } }
                        }
                    }
                }
            }
        }
    }
}

pub fn public(st: &ExerciseState, s: &Session, viewer: Viewer<'_>) -> Markup {
    let rounds = visible_rounds(st, viewer);
    layout(
        st,
        Some(s),
        "Public picture",
        html! { (rounds_markup(st, &rounds)) (status_markup(st)) },
    )
}

/// Who sees a delegation's inputs, as its form says it: the facilitator
/// may have disclosed some parts to everyone.
pub fn privacy_notice(st: &ExerciseState, actor: &str) -> String {
    let disclosed: Vec<&str> = st
        .disclosed
        .get(actor)
        .map(|parts| parts.iter().map(|p| p.as_str()).collect())
        .unwrap_or_default();
    if disclosed.is_empty() {
        "Only your delegation and the facilitator see these values.".into()
    } else if disclosed.len() == crate::state::Part::ALL.len() {
        "The facilitator has disclosed all of these values to every participant.".into()
    } else {
        format!(
            "The facilitator has disclosed your {} to every participant; only your delegation and the facilitator see the rest.",
            disclosed.join(", ").replace('_', " ")
        )
    }
}

pub fn delegation(st: &ExerciseState, s: &Session, actor: &str, error: Option<&str>) -> Markup {
    let scenario = st.current_scenario().expect("created");
    let a = scenario.actor(actor).expect("a delegation is an actor");
    let inputs = &st.inputs[actor];
    let rounds = visible_rounds(st, Viewer::Delegation(actor));
    let open = st.phase == Phase::Open;
    let body = html! {
        @if let Some(e) = error { p.error role="alert" { (e) } }
        section {
            h2 { "Your private inputs" }
            p.small { (privacy_notice(st, actor)) " "
                @if st.submitted.get(actor) == Some(&st.round) && st.phase != Phase::Setup { "You have moved in round " (st.round) "; a new move replaces it." } }
            form #move-form.card method="post" action="/delegation/move" data-dirty-watch="1" {
                input type="hidden" name="csrf" value=(s.csrf);
                @if !a.inventory.is_empty() {
                    table {
                        thead { tr { th { "Capability" } th { "Inventory" } th { "Deployable share" } } }
                        tbody {
                            @for (k, o) in &inputs.inventory {
                                tr {
                                    td { (scenario.capability(k).map(|c| c.name.as_str()).unwrap_or(k)) }
                                    td { input type="number" step="any" min="0" name=(format!("count.{k}")) value=(o.count) required; }
                                    td { input type="number" step="any" min="0" max="1" name=(format!("share.{k}")) value=(o.deployable_share) required; }
                                }
                            }
                        }
                    }
                }
                @if !a.caveats.is_empty() {
                    fieldset { legend { "Caveats you hold" }
                        @for c in &a.caveats {
                            label.check { input type="checkbox" name=(format!("caveat.{}", c.id)) checked[inputs.caveats.get(&c.id).copied().unwrap_or(true)];
                                " " code { (c.id) } " " span.small { (c.statement) } }
                        }
                    }
                }
                @if !a.red_lines.is_empty() {
                    fieldset { legend { "Red lines you hold" }
                        @for r in &a.red_lines {
                            label.check { input type="checkbox" name=(format!("red_line.{}", r.id)) checked[inputs.red_lines.get(&r.id).copied().unwrap_or(true)];
                                " " code { (r.id) } " " span.small { (r.statement) } }
                        }
                    }
                }
                label { "Reservation utility (0–1) "
                    input type="number" step="any" min="0" max="1" name="reservation" value=(inputs.reservation) required; }
                button type="submit" disabled[!open] { @if open { "Submit move for round " (st.round) } @else { "No round is open" } }
            }
        }
        (rounds_markup(st, &rounds))
        (status_markup(st))
    };
    layout(
        st,
        Some(s),
        &format!("Delegation of {}", actor_name(st, actor)),
        body,
    )
}

pub fn facilitator(st: &ExerciseState, s: &Session) -> Markup {
    let rounds = visible_rounds(st, Viewer::Facilitator);
    let body = html! {
        section.card {
            h2 { "Rounds" }
            @match st.phase {
                Phase::Setup | Phase::Published => {
                    form.inline method="post" action="/facilitator/open" {
                        input type="hidden" name="csrf" value=(s.csrf);
                        button #open-round type="submit" { "Open round " (st.round + 1) }
                    }
                }
                Phase::Open => {
                    p { (st.submitted.values().filter(|r| **r == st.round).count()) " of " (st.inputs.len()) " delegations have moved." }
                    form.inline method="post" action="/facilitator/close" {
                        input type="hidden" name="csrf" value=(s.csrf);
                        button #close-round type="submit" { "Close round " (st.round) " and adjudicate" }
                    }
                }
                Phase::Adjudicating => { p { "Adjudicating…" } }
            }
            " " a href="/api/export" { "Export the exercise (JSON)" }
            " · events: " a href="/export/events.csv" { "CSV" }
            " " a href="/export/events.json" { "JSON" }
            " " a href="/export/events.parquet" { "Parquet" }
        }
        (game_controls(st, s))
        section.card {
            h2 { "Disclose" }
            form.inline method="post" action="/facilitator/disclose" {
                input type="hidden" name="csrf" value=(s.csrf);
                select name="actor" { @for a in st.inputs.keys() { option value=(a) { (actor_name(st, a)) } } }
                select name="part" { @for p in Part::ALL { option value=(p.as_str()) { (p.as_str()) } } }
                button type="submit" { "Disclose to everyone" }
            }
        }
        section.card {
            h2 { "Invitation codes" }
            p.small { "A lost code is replaced here: the new code is shown once, and the old code and its sessions stop working." }
            form.inline method="post" action="/facilitator/reissue" {
                input type="hidden" name="csrf" value=(s.csrf);
                select name="who" {
                    option value="observer" { "Observer" }
                    option value="notetaker" { "Notetaker" }
                    @for a in st.inputs.keys() { option value=(format!("delegation:{a}")) { "Delegation of " (actor_name(st, a)) } }
                    option value="facilitator" { "Facilitator (you)" }
                }
                button type="submit" { "Issue a new code" }
            }
        }
        (rounds_markup(st, &rounds))
        section {
            h2 { "Every delegation's inputs (facilitator only)" }
            table.status {
                thead { tr { th { "Delegation" } th { "Reservation" } th { "Inventory offered" } th { "Dropped red lines / lifted caveats" } } }
                tbody {
                    @for (a, i) in &st.inputs {
                        tr {
                            td { (actor_name(st, a)) }
                            td { (i.reservation) }
                            td.small { @for (k, o) in &i.inventory { (k) " " (fmt_num(o.count)) "×" (o.deployable_share) " " } }
                            td.small {
                                @for (r, held) in &i.red_lines { @if !held { "red line " (r) " " } }
                                @for (c, held) in &i.caveats { @if !held { "caveat " (c) " " } }
                            }
                        }
                    }
                }
            }
        }
        (status_markup(st))
    };
    layout(st, Some(s), "Facilitator", body)
}

/// The one time a replaced code is shown.
pub fn new_code(st: &ExerciseState, s: &Session, p: &Principal, code: &str) -> Markup {
    let body = html! {
        section.card {
            p { "New code for " strong { (who(st, p)) } ":" }
            p { code #new-code { (code) } }
            p.small { "It is shown only now. The previous code no longer works, and whoever was signed in with it has been signed out." }
            a href="/facilitator" { "Back to the facilitator page" }
        }
    };
    layout(st, Some(s), "New invitation code", body)
}

/// The facilitator's game controls: advance the stage, the clock (before
/// round 1), a live inject, the pending scripted injects, the override.
/// When a scripted inject is released, in words: "round 2", "day 17", "2025-09-20".
fn inject_when_text(i: &guarantor_model::injects::Inject) -> String {
    match (i.round, i.day, &i.date) {
        (r, _, _) if r > 0 => format!("round {r}"),
        (_, Some(d), _) => format!("day {d}"),
        (_, _, Some(d)) => d.clone(),
        _ => "no time".into(),
    }
}

fn game_controls(st: &ExerciseState, s: &Session) -> Markup {
    let next = match st.stage() {
        Stage::Setup => Some(format!("Open round 1 (planning, {})", st.round_date(1))),
        Stage::Planning => Some(format!("Move round {} to negotiation", st.round)),
        Stage::Negotiation => Some(format!("Close round {} and adjudicate", st.round)),
        Stage::Adjudication => None,
        Stage::Debrief => Some(format!(
            "Open round {} (planning, {})",
            st.round + 1,
            st.round_date(st.round + 1)
        )),
    };
    let scripted: Vec<_> = st
        .scenario
        .as_ref()
        .map(|sc| {
            sc.injects
                .iter()
                .filter(|i| !st.injects.iter().any(|r| r.inject.id == i.id))
                .collect()
        })
        .unwrap_or_default();
    html! {
        section.card #game {
            h2 { "Stage" }
            @if let Some(label) = next {
                form.inline method="post" action="/facilitator/advance" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    button #advance type="submit" { (label) }
                }
            }
            @if st.stage() == Stage::Setup {
                form.inline #clock-form method="post" action="/facilitator/clock" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label { "Round 1 in-game date " input type="date" name="start" value=(st.clock.start) required; }
                    label { " days between rounds " input type="number" name="interval" min="1" max="366" value=(st.clock.interval_days) required; }
                    button type="submit" { "Set the clock" }
                }
            }
            @if matches!(st.stage(), Stage::Planning | Stage::Negotiation) {
                form.inline #time-form method="post" action="/facilitator/time" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label { "In-game clock: " (st.today_date()) ", move it to " input type="date" name="date" required; }
                    button type="submit" { "Move the clock" }
                }
            }
            @if !scripted.is_empty() {
                p.small { "Scripted injects to come: "
                    @for (k, i) in scripted.iter().enumerate() { @if k > 0 { "; " } (inject_when_text(i)) ": " (i.id) }
                }
            }
        }
        @if st.stage() != Stage::Adjudication {
            section.card {
                h2 { "Live inject" }
                form #inject-form method="post" data-dirty-watch="1" action="/facilitator/inject" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label { "Text " textarea name="text" rows="2" required {} }
                    fieldset { legend { "Shown to (none ticked: everyone)" }
                        label.check { input type="checkbox" name="target" value="observer"; " observer" }
                        label.check { input type="checkbox" name="target" value="notetaker"; " notetaker" }
                        @for a in st.inputs.keys() {
                            label.check { input type="checkbox" name="target" value=(a); " " (a) }
                        }
                    }
                    label { "Scenario changes, one PATH=VALUE a line (e.g. actors.ru.reservation=0.6) "
                        textarea name="set" rows="2" {} }
                    @if let Some(sc) = st.current_scenario() {
                        @if sc.actors.iter().any(|a| !a.red_lines.is_empty()) {
                            fieldset #drop-red-lines { legend { "Red lines to drop" }
                                @for a in &sc.actors { @for r in &a.red_lines {
                                    label.check { input type="checkbox" name="drop_red_line" value=(format!("{}/{}", a.id, r.id)); " " (a.id) ": " (r.id) }
                                } }
                            }
                        }
                    }
                    label { "A red line to add: its keys, one key = value a line, as in [[injects.add_red_lines]] (actor, id, kind, hardness, …) "
                        textarea name="add_red_line" rows="4" placeholder="actor = \"ru\"\nid = \"no_air_policing\"\nkind = \"option\"\ncomponent = \"…\"\noptions = [\"…\"]\nhardness = \"stated\"" {} }
                    label { "Source " input type="text" name="source"; }
                    button type="submit" { "Release the inject" }
                }
            }
        }
        @if st.stage() == Stage::Debrief {
            section.card {
                h2 { "Override round " (st.round) "'s verdict" }
                (band_markup(st, st.round))
                form #override-form method="post" data-dirty-watch="1" action="/facilitator/override" {
                    input type="hidden" name="csrf" value=(s.csrf);
                    input type="hidden" name="round" value=(st.round);
                    label { "Ruling "
                        select name="ruling" {
                            option value=(Ruling::Passes.as_str()) { "the package passes" }
                            option value=(Ruling::Fails.as_str()) { "the package fails" }
                        }
                    }
                    label { " P(pass) (optional) " input type="number" name="p_pass" min="0" max="1" step="any"; }
                    label { "Reason " textarea name="reason" rows="2" required {} }
                    button type="submit" { "Override" }
                }
            }
        }
    }
}
