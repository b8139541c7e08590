//! The request handlers. Each runs behind [`crate::routes::guard`], which has
//! already checked the role, the CSRF token and the origin, and put a [`Ctx`] in
//! the request.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};

use crate::adjudicate::{Viewer, adjudicate, round_band};
use crate::app::App;
use crate::auth::{hash_code, new_code};
use crate::game::{Clock, NoteKind, Ruling, Stage};
use crate::pages;
use crate::routes::{COOKIE, Ctx, RouteSpec, Verb, deny};
use crate::signin::{SignIn, check_sign_in};
use crate::state::{Event, ExerciseState, Offer, Part, Principal, PrivateInputs};
use crate::store::{AppendError, Store};
use crate::views;

pub(crate) fn handler(spec: &RouteSpec) -> MethodRouter<Arc<App>> {
    match (spec.verb, spec.path) {
        (Verb::Get, "/") => get(sign_in_page),
        (Verb::Post, "/signin") => post(sign_in),
        (Verb::Get, "/static/app.js") => get(|| async {
            (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                pages::APP_JS,
            )
        }),
        (Verb::Get, "/static/app.css") => get(|| async {
            (
                [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                pages::APP_CSS,
            )
        }),
        (Verb::Post, "/signout") => post(sign_out),
        (Verb::Get, "/public") => get(public_page),
        (Verb::Get, "/api/state") => get(api_state),
        (Verb::Get, "/events") => get(events),
        (Verb::Get, "/delegation") => get(delegation_page),
        (Verb::Post, "/delegation/move") => post(submit_move),
        (Verb::Get, "/facilitator") => get(facilitator_page),
        (Verb::Post, "/facilitator/open") => post(open_round),
        (Verb::Post, "/facilitator/close") => post(close_round),
        (Verb::Post, "/facilitator/disclose") => post(disclose),
        (Verb::Post, "/facilitator/reissue") => post(reissue),
        (Verb::Get, "/api/export") => get(export),
        (Verb::Post, "/facilitator/clock") => post(set_clock),
        (Verb::Post, "/facilitator/advance") => post(advance),
        (Verb::Post, "/facilitator/inject") => post(live_inject),
        (Verb::Post, "/facilitator/time") => post(advance_clock),
        (Verb::Post, "/facilitator/override") => post(override_verdict),
        (Verb::Get, "/debrief") => get(debrief_page),
        (Verb::Get, "/notes") => get(notes_page),
        (Verb::Post, "/notes/add") => post(add_note),
        (Verb::Get, "/lessons") => get(lessons_page),
        (Verb::Post, "/lessons/write") => post(write_lesson),
        (Verb::Get, "/report/after-action") => get(after_action),
        (Verb::Get, "/export/events.csv") => get(export_csv),
        (Verb::Get, "/export/events.json") => get(export_json),
        (Verb::Get, "/export/events.parquet") => get(export_parquet),
        (verb, path) => unreachable!("route {verb:?} {path} in ROUTES has no handler"),
    }
}

fn home_of(p: &Principal) -> &'static str {
    match p {
        Principal::Facilitator => "/facilitator",
        Principal::Observer => "/public",
        Principal::Notetaker => "/notes",
        Principal::Delegation(_) => "/delegation",
    }
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn append_failure(e: AppendError) -> Response {
    match e {
        AppendError::Rejected(r) => deny(StatusCode::CONFLICT, &r.0),
        AppendError::Storage(m) => deny(StatusCode::SERVICE_UNAVAILABLE, &m),
        AppendError::Stopped => deny(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"),
    }
}

async fn sign_in_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    pages::sign_in(&st, ctx.principal(), None).into_response()
}

async fn sign_in(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let who = ctx.field("who").unwrap_or("").to_string();
    let code = ctx.field("code").unwrap_or("").to_string();
    match check_sign_in(&app, ctx.peer.ip(), &who, code).await {
        SignIn::Locked(wait) => {
            let secs = wait.as_secs().max(1);
            let mut res = (
                StatusCode::TOO_MANY_REQUESTS,
                pages::sign_in(
                    &st,
                    None,
                    Some(&format!(
                        "Too many wrong codes. Try again in {secs} seconds."
                    )),
                ),
            )
                .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
        SignIn::Admitted(p) => {
            let (token, _) = app.sessions.create(p.clone());
            let mut res = see_other(home_of(&p));
            res.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&format!(
                    "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
                    crate::auth::SESSION_LIFETIME.as_secs()
                ))
                .expect("hex token is a valid header value"),
            );
            res
        }
        SignIn::Wrong => (
            StatusCode::UNAUTHORIZED,
            pages::sign_in(&st, None, Some("Wrong code or role.")),
        )
            .into_response(),
    }
}

async fn sign_out(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    if let Some((token, _)) = &ctx.session {
        app.sessions.remove(token);
    }
    let mut res = see_other("/");
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("gx_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    res
}

fn session_of(ctx: &Ctx) -> &crate::auth::Session {
    &ctx.session
        .as_ref()
        .expect("the guard checked the session")
        .1
}

async fn public_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let s = session_of(&ctx);
    pages::public(&st, s, Viewer::of(&s.principal)).into_response()
}

async fn delegation_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let s = session_of(&ctx);
    let Principal::Delegation(actor) = &s.principal else {
        unreachable!("the guard admits only delegations")
    };
    pages::delegation(&st, s, actor, None).into_response()
}

async fn facilitator_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    pages::facilitator(&st, session_of(&ctx)).into_response()
}

async fn api_state(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    axum::Json(views::state_view(&st, session_of(&ctx))).into_response()
}

/// Read a delegation's move from the form: `count.CAP`, `share.CAP`, a checkbox
/// `caveat.ID` / `red_line.ID` for each one it holds, and `reservation`.
pub fn inputs_from_form(
    st: &ExerciseState,
    actor: &str,
    ctx: &Ctx,
) -> Result<PrivateInputs, String> {
    let scenario = st.current_scenario().ok_or("no exercise")?;
    let a = scenario
        .actor(actor)
        .ok_or_else(|| format!("unknown delegation {actor}"))?;
    let number = |name: &str| -> Result<f64, String> {
        let v = ctx
            .field(name)
            .ok_or_else(|| format!("the form lacks the field {name}"))?;
        v.trim()
            .parse::<f64>()
            .map_err(|_| format!("{name} must be a number, not \"{v}\""))
    };
    let mut inputs = PrivateInputs {
        inventory: BTreeMap::new(),
        caveats: BTreeMap::new(),
        red_lines: BTreeMap::new(),
        reservation: number("reservation")?,
    };
    for k in a.inventory.keys() {
        inputs.inventory.insert(
            k.clone(),
            Offer {
                count: number(&format!("count.{k}"))?,
                deployable_share: number(&format!("share.{k}"))?,
            },
        );
    }
    for c in &a.caveats {
        inputs
            .caveats
            .insert(c.id.clone(), ctx.has(&format!("caveat.{}", c.id)));
    }
    for r in &a.red_lines {
        inputs
            .red_lines
            .insert(r.id.clone(), ctx.has(&format!("red_line.{}", r.id)));
    }
    inputs.check(a)?;
    Ok(inputs)
}

async fn submit_move(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let s = session_of(&ctx);
    // The actor always comes from the session, never from the request.
    let Principal::Delegation(actor) = &s.principal else {
        unreachable!("the guard admits only delegations")
    };
    let inputs = match inputs_from_form(&st, actor, &ctx) {
        Ok(i) => i,
        Err(msg) => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::delegation(&st, s, actor, Some(&msg)),
            )
                .into_response();
        }
    };
    let ev = Event::MoveSubmitted {
        round: st.round,
        actor: actor.clone(),
        inputs,
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/delegation", seq),
        Err(e) => append_failure(e),
    }
}

/// 303 back to the page, sent only after the event is committed; `X-Event-Seq` names it.
fn acknowledged(to: &str, seq: u64) -> Response {
    let mut res = see_other(to);
    res.headers_mut()
        .insert("x-event-seq", HeaderValue::from(seq));
    res
}

async fn open_round(State(app): State<Arc<App>>) -> Response {
    match open_next_round(app).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

/// Open the next round and release its pre-scripted injects, each an event
/// (on a task of its own, so that a client going away does not stop it between the two).
async fn open_next_round(app: Arc<App>) -> Result<u64, AppendError> {
    tokio::spawn(async move {
        let round = app.log.state().round + 1;
        let seq = app.log.append(Event::RoundOpened { round }).await?;
        Ok(release_pending(&app).await?.unwrap_or(seq))
    })
    .await
    .unwrap_or(Err(AppendError::Stopped))
}

/// Release the current round's pre-scripted injects not yet released (after a
/// round opens; again before it closes, should the server have stopped in between).
async fn release_pending(app: &App) -> Result<Option<u64>, AppendError> {
    let st = app.log.state();
    let mut last = None;
    for inject in st.pending_injects() {
        let ev = Event::InjectReleased {
            round: st.round,
            inject,
            live: false,
        };
        last = Some(app.log.append(ev).await?);
    }
    Ok(last)
}

/// Move the in-game clock to each day, up to the open round's last, on which
/// a scripted inject not yet released falls, releasing what falls due.
async fn release_through_round_end(app: &App) -> Result<(), AppendError> {
    for day in app.log.state().timed_due_by_round_end() {
        let st = app.log.state();
        if st.today.is_some_and(|t| t < day) {
            let date = crate::game::format_date(day);
            app.log
                .append(Event::ClockAdvanced {
                    round: st.round,
                    date,
                })
                .await?;
        }
        release_pending(app).await?;
    }
    Ok(())
}

/// Move the in-game clock on within the open round: `date` (YYYY-MM-DD) or
/// `days` (how many days on); the scripted injects dated up to the new date
/// are released at once.
async fn advance_clock(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let date = match (
        ctx.field("date").map(str::trim).filter(|d| !d.is_empty()),
        ctx.field("days").map(str::trim).filter(|d| !d.is_empty()),
    ) {
        (Some(d), None) => d.to_string(),
        (None, Some(n)) => match (n.parse::<u32>(), st.today) {
            (Ok(n), Some(today)) if n >= 1 => crate::game::format_date(today + i64::from(n)),
            _ => {
                return deny(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "days must be a whole number of days from 1, e.g. 3",
                );
            }
        },
        _ => {
            return deny(
                StatusCode::UNPROCESSABLE_ENTITY,
                "give the new in-game date (date = YYYY-MM-DD) or how many days on (days = N), not both",
            );
        }
    };
    let moved = app
        .log
        .append(Event::ClockAdvanced {
            round: st.round,
            date,
        })
        .await;
    match moved {
        Ok(seq) => match release_pending(&app).await {
            Ok(last) => acknowledged("/facilitator", last.unwrap_or(seq)),
            Err(e) => append_failure(e),
        },
        Err(e) => append_failure(e),
    }
}

async fn close_round(State(app): State<Arc<App>>) -> Response {
    close_and_adjudicate(app).await
}

/// Close the round, adjudicate it and compute its band, on a task of its own:
/// a client that goes away mid-way (a reloaded page) does not leave the round
/// closed but never adjudicated.
async fn close_and_adjudicate(app: Arc<App>) -> Response {
    tokio::spawn(close_adjudicate_band(app))
        .await
        .unwrap_or_else(|e| deny(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
}

async fn close_adjudicate_band(app: Arc<App>) -> Response {
    let app = app.as_ref();
    if let Err(e) = release_pending(app).await {
        return append_failure(e);
    }
    // The round's date range decides: the injects dated in it that the clock
    // has not reached are released now, the clock moving to each one's day.
    if let Err(e) = release_through_round_end(app).await {
        return append_failure(e);
    }
    let round = app.log.state().round;
    if let Err(e) = app.log.append(Event::RoundClosed { round }).await {
        return append_failure(e);
    }
    // No move is accepted once the round is closed, so this snapshot is the round's final input.
    let st = app.log.state();
    let combined = st.combined_scenario().expect("created");
    let combined_for_band = combined.clone();
    let result = tokio::task::spawn_blocking(move || adjudicate(&combined))
        .await
        .unwrap_or_else(|e| Err(format!("the engine stopped: {e}")));
    let for_band = result.clone();
    if let Err(e) = app
        .log
        .append(Event::RoundAdjudicated { round, result })
        .await
    {
        return append_failure(e);
    }
    // The band of the round's first-ranked package, once per round.
    let band = tokio::task::spawn_blocking(move || round_band(&combined_for_band, &for_band))
        .await
        .unwrap_or_else(|e| Err(format!("the uncertainty engine stopped: {e}")));
    match app.log.append(Event::BandComputed { round, band }).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

async fn disclose(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let actor = ctx.field("actor").unwrap_or("").to_string();
    let Some(part) = ctx.field("part").and_then(Part::parse) else {
        return deny(
            StatusCode::UNPROCESSABLE_ENTITY,
            "part must be one of inventory, caveats, red_lines, reservation",
        );
    };
    match app.log.append(Event::Disclosed { actor, part }).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

/// Replace a role's code: the new code is shown once, the old one and its sessions end.
async fn reissue(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let who = ctx.field("who").unwrap_or("").to_string();
    let Some(principal) = Principal::from_key(&who) else {
        return deny(
            StatusCode::UNPROCESSABLE_ENTITY,
            "who must be facilitator, observer or delegation:ID",
        );
    };
    let code = new_code();
    let hash = {
        let code = code.clone();
        match tokio::task::spawn_blocking(move || hash_code(&code)).await {
            Ok(h) => h,
            Err(e) => return deny(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        }
    };
    let ev = Event::CodeReissued {
        principal: principal.key(),
    };
    match app
        .log
        .append_with_credential(ev, Some((principal.key(), hash.clone())))
        .await
    {
        Ok(seq) => {
            app.store_credential(principal.key(), seq, hash);
            app.sessions.remove_principal(&principal);
            let st = app.log.state();
            match app.sessions.get(&ctx.session.as_ref().expect("guarded").0) {
                Some(s) => pages::new_code(&st, &s, &principal, &code).into_response(),
                // The facilitator replaced its own code: sign in again with it.
                None => pages::sign_in(
                    &st,
                    None,
                    Some(&format!("Your new code is {code}. Sign in with it.")),
                )
                .into_response(),
            }
        }
        Err(e) => append_failure(e),
    }
}

async fn export(State(app): State<Arc<App>>) -> Response {
    let db = app.db.clone();
    // One read transaction on a read-only connection gives the events and the
    // state folded from them (a consistent snapshot, #17); reading, folding and
    // serialising run off the async threads, so other requests go on.
    let body = tokio::task::spawn_blocking(move || {
        Store::snapshot(&db).map(|(events, st)| {
            serde_json::to_vec(&views::export_view(&st, &events)).expect("the export serialises")
        })
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()));
    match body {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"exercise-export.json\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(m) => deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}

async fn events(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let (token, _) = ctx.session.as_ref().expect("the guard checked the session");
    crate::live::events(app, token)
}

/// Set the in-game clock: `start` (YYYY-MM-DD) and `interval` (days between rounds).
async fn set_clock(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let start = ctx.field("start").unwrap_or("").trim().to_string();
    let Ok(interval_days) = ctx.field("interval").unwrap_or("").trim().parse::<u32>() else {
        return deny(
            StatusCode::UNPROCESSABLE_ENTITY,
            "interval must be a whole number of days, e.g. 14",
        );
    };
    let ev = Event::ClockSet {
        clock: Clock {
            start,
            interval_days,
        },
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

/// Move the exercise to its next stage: setup or debrief → the next round
/// opens (planning); planning → negotiation; negotiation → the round closes
/// and is adjudicated (then debrief).
async fn advance(State(app): State<Arc<App>>) -> Response {
    let st = app.log.state();
    match st.stage() {
        Stage::Setup | Stage::Debrief => match open_next_round(app.clone()).await {
            Ok(seq) => acknowledged("/facilitator", seq),
            Err(e) => append_failure(e),
        },
        Stage::Planning => {
            match app
                .log
                .append(Event::NegotiationStarted { round: st.round })
                .await
            {
                Ok(seq) => acknowledged("/facilitator", seq),
                Err(e) => append_failure(e),
            }
        }
        Stage::Negotiation => close_and_adjudicate(app.clone()).await,
        Stage::Adjudication => deny(StatusCode::CONFLICT, "the engine is adjudicating"),
    }
}

/// A live inject: `text`, `target` (repeatable; none: everyone), `set`
/// (one `PATH=VALUE` per line), `drop_red_line` (repeatable, `ACTOR/LINE`:
/// the change `actors.ACTOR.red_lines.LINE.holds=0`), `add_red_line`
/// (repeatable; each the TOML keys of one red line with its `actor`, as
/// `[[injects.add_red_lines]]`), optional `id`.
async fn live_inject(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let Some(current) = st.current_scenario() else {
        return deny(StatusCode::CONFLICT, "the exercise has not been created");
    };
    let mut set: Vec<String> = ctx
        .field("set")
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    for (_, v) in ctx
        .form
        .iter()
        .filter(|(k, v)| k == "drop_red_line" && !v.trim().is_empty())
    {
        let Some((actor, line)) = v.trim().split_once('/') else {
            return deny(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("drop_red_line \"{v}\" must be ACTOR/LINE, e.g. ru/no_nato_mission"),
            );
        };
        set.push(format!("actors.{actor}.red_lines.{line}.holds=0"));
    }
    let mut add_red_lines = Vec::new();
    for (k, (_, text)) in ctx
        .form
        .iter()
        .filter(|(k, v)| k == "add_red_line" && !v.trim().is_empty())
        .enumerate()
    {
        match guarantor_model::read_added_red_line(current, text) {
            Ok(line) => add_red_lines.push(line),
            Err(m) => {
                return deny(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("red line to add #{}: {m}", k + 1),
                );
            }
        }
    }
    let round = st.round.max(1);
    let id = match ctx.field("id").map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => id.to_string(),
        None => format!("live-{}", st.events + 1),
    };
    let inject = guarantor_model::injects::Inject {
        id,
        round,
        text: ctx.field("text").unwrap_or("").trim().to_string(),
        targets: ctx
            .form
            .iter()
            .filter(|(k, v)| k == "target" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect(),
        set,
        add_red_lines,
        day: None,
        date: None,
        source: ctx.field("source").unwrap_or("").trim().to_string(),
    };
    let ev = Event::InjectReleased {
        round,
        inject,
        live: true,
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

/// Override a round's verdict: `round`, `ruling` (passes / fails),
/// optional `p_pass`, and a `reason`.
async fn override_verdict(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let round = match ctx.field("round").map(str::trim) {
        None | Some("") => st.round,
        Some(r) => match r.parse::<u32>() {
            Ok(r) => r,
            Err(_) => {
                return deny(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "round must be a round number",
                );
            }
        },
    };
    let Some(ruling) = ctx.field("ruling").and_then(Ruling::parse) else {
        return deny(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ruling must be passes or fails",
        );
    };
    let p_pass = match ctx.field("p_pass").map(str::trim) {
        None | Some("") => None,
        Some(p) => match p.parse::<f64>() {
            Ok(p) => Some(p),
            Err(_) => {
                return deny(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "P(pass) must be a number from 0 to 1, or empty",
                );
            }
        },
    };
    let ev = Event::VerdictOverridden {
        round,
        ruling,
        p_pass,
        reason: ctx.field("reason").unwrap_or("").trim().to_string(),
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

/// The query string's fields.
fn query_fields(uri: &axum::http::Uri) -> Vec<(String, String)> {
    crate::routes::parse_form(uri.query().unwrap_or("").as_bytes())
}

/// `round=N` of the query; `None` when absent or not a number.
fn query_round(uri: &axum::http::Uri) -> Option<u32> {
    query_fields(uri)
        .into_iter()
        .find(|(k, _)| k == "round")
        .and_then(|(_, v)| v.trim().parse().ok())
}

async fn debrief_page(
    State(app): State<Arc<App>>,
    Extension(ctx): Extension<Ctx>,
    uri: axum::http::Uri,
) -> Response {
    let st = app.log.state();
    let s = session_of(&ctx);
    let round = query_round(&uri).unwrap_or(st.round);
    crate::debrief::debrief_page(&st, s, round).into_response()
}

async fn notes_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    crate::debrief::notes_page(&st, session_of(&ctx)).into_response()
}

async fn add_note(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    let s = session_of(&ctx);
    let Some(kind) = ctx.field("kind").and_then(NoteKind::parse) else {
        return deny(
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind must be note, moment or quote",
        );
    };
    let ev = Event::NoteAdded {
        round: st.round,
        kind,
        text: ctx.field("text").unwrap_or("").trim().to_string(),
        author: s.principal.key(),
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/notes", seq),
        Err(e) => append_failure(e),
    }
}

async fn lessons_page(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let st = app.log.state();
    crate::debrief::lessons_page(&st, session_of(&ctx)).into_response()
}

/// Write a new lesson (`lesson` empty) or rewrite lesson `lesson`.
async fn write_lesson(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>) -> Response {
    let s = session_of(&ctx);
    let lesson = match ctx.field("lesson").map(str::trim) {
        None | Some("") => None,
        Some(n) => match n.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                return deny(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "lesson must be a lesson number",
                );
            }
        },
    };
    let ev = Event::LessonWritten {
        lesson,
        text: ctx.field("text").unwrap_or("").trim().to_string(),
        author: s.principal.key(),
    };
    match app.log.append(ev).await {
        Ok(seq) => acknowledged("/lessons", seq),
        Err(e) => append_failure(e),
    }
}

/// Every stored event, read on a second connection (WAL).
async fn stored_events(app: &App) -> Result<Vec<crate::store::StoredEvent>, String> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || Store::open(&db).and_then(|mut s| s.events()))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
}

/// The after-action report: one self-contained HTML file (its style inline,
/// allowed by hash; no script; nothing loaded from anywhere).
async fn after_action(State(app): State<Arc<App>>) -> Response {
    let st = app.log.state();
    let html = crate::debrief::after_action(&st).into_string();
    let mut res = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&crate::debrief::after_action_csp())
            .expect("a hash is a valid header value"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"after-action-report.html\""),
    );
    res
}

async fn export_csv(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    match stored_events(&app).await {
        Ok(events) => {
            let st = app.log.state();
            let rows = crate::debrief::event_rows(&st, &events, query_round(&uri));
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"exercise-events.csv\"",
                    ),
                ],
                crate::debrief::rows_csv(&rows),
            )
                .into_response()
        }
        Err(m) => deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}

async fn export_json(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    match stored_events(&app).await {
        Ok(events) => {
            let st = app.log.state();
            let round = query_round(&uri);
            let rows = crate::debrief::event_rows(&st, &events, round);
            let mut res = axum::Json(crate::debrief::rows_json(&st, &rows, round)).into_response();
            res.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"exercise-events.json\""),
            );
            res
        }
        Err(m) => deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}

/// `/export/events.parquet?round=N`: the rows of the CSV and JSON exports
/// (the same rows, built by the same [`crate::debrief::event_rows`]) as one
/// Parquet file; written off the request threads.
async fn export_parquet(State(app): State<Arc<App>>, uri: axum::http::Uri) -> Response {
    let events = match stored_events(&app).await {
        Ok(events) => events,
        Err(m) => return deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    };
    let st = app.log.state();
    let round = query_round(&uri);
    let body = tokio::task::spawn_blocking(move || {
        let rows = crate::debrief::event_rows(&st, &events, round);
        crate::debrief::rows_parquet(&rows, round)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    match body {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/vnd.apache.parquet"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"exercise-events.parquet\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(m) => deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}
