//! Opening an exercise (create or replay), the handlers, and serving.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use guarantor_model::Scenario;
use serde::Serialize;

use crate::adjudicate::{Viewer, adjudicate};
use crate::auth::{RateLimiter, Sessions, hash_code, new_code, verify_code};
use crate::pages;
use crate::routes::{
    BODY_LIMIT, COOKIE, Ctx, ROUTES, RouteSpec, Verb, deny, guard, security_headers,
};
use crate::state::{Event, ExerciseState, Offer, Part, Principal, PrivateInputs};
use crate::store::{AppendError, Log, Store, StoreError};
use crate::views;

/// The plaintext codes, known only at creation (the database keeps argon2 hashes).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Codes {
    pub facilitator: String,
    pub observer: String,
    /// Actor id → its delegation's invitation code.
    pub delegations: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "database {0} holds no exercise and no scenario was given to create one; pass a scenario file or omit --db to use a new database"
    )]
    NoScenario(String),
    #[error("round {round} could not be adjudicated on start-up: {message}")]
    Adjudication { round: u32, message: String },
    #[error("cannot listen on {bind}: {source}")]
    Bind {
        bind: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

pub struct App {
    pub(crate) log: Log,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: RateLimiter,
    /// Principal key → argon2 hash of its code.
    credentials: RwLock<HashMap<String, String>>,
    /// Verified against when the principal is unknown, so a wrong name costs the same time.
    dummy_hash: String,
    db: PathBuf,
}

/// An exercise opened from its database, ready to serve.
pub struct Opened {
    pub app: Arc<App>,
    /// Set only when this call created the exercise.
    pub new_codes: Option<Codes>,
}

/// Open the exercise in `db`, creating it on `scenario` when the database is new.
/// A round closed but not yet adjudicated (the server stopped during adjudication)
/// is adjudicated now, so the log always ends in a consistent state.
pub fn open(db: &Path, scenario: Option<(String, Scenario)>) -> Result<Opened, ServeError> {
    let mut store = Store::open(db)?;
    let (events, mut state) = store.replay()?;
    let mut new_codes = None;
    if events.is_empty() {
        let Some((name, scenario)) = scenario else {
            return Err(ServeError::NoScenario(db.display().to_string()));
        };
        let codes = Codes {
            facilitator: new_code(),
            observer: new_code(),
            delegations: scenario
                .actors
                .iter()
                .map(|a| (a.id.clone(), new_code()))
                .collect(),
        };
        let mut hashes = vec![
            (Principal::Facilitator.key(), hash_code(&codes.facilitator)),
            (Principal::Observer.key(), hash_code(&codes.observer)),
        ];
        for (a, c) in &codes.delegations {
            hashes.push((Principal::Delegation(a.clone()).key(), hash_code(c)));
        }
        let created = Event::ExerciseCreated {
            scenario_name: name,
            scenario: Box::new(scenario),
        };
        store.create(&created, &hashes)?;
        state.apply(created);
        new_codes = Some(codes);
    }
    if state.phase == crate::state::Phase::Adjudicating {
        let round = state.round;
        let combined = state.combined_scenario().expect("created");
        let ev = Event::RoundAdjudicated {
            round,
            result: adjudicate(&combined),
        };
        store.append(state.events, &[&ev])?;
        state.apply(ev);
    }
    let credentials = store.credentials()?.into_iter().collect();
    let log = Log::start(store, state);
    Ok(Opened {
        app: Arc::new(App {
            log,
            sessions: Sessions::default(),
            limiter: RateLimiter::default(),
            credentials: RwLock::new(credentials),
            dummy_hash: hash_code("not a code"),
            db: db.to_path_buf(),
        }),
        new_codes,
    })
}

fn handler(spec: &RouteSpec) -> MethodRouter<Arc<App>> {
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
        (verb, path) => unreachable!("route {verb:?} {path} in ROUTES has no handler"),
    }
}

/// The router: every route of [`ROUTES`] behind the guard.
pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new();
    for spec in ROUTES {
        r = r.route(spec.path, handler(spec));
    }
    r.route_layer(from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(security_headers))
        .with_state(app)
}

/// Serve until the future `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

fn home_of(p: &Principal) -> &'static str {
    match p {
        Principal::Facilitator => "/facilitator",
        Principal::Observer => "/public",
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
    let ip = ctx.peer.ip();
    if let Some(wait) = app.limiter.locked(ip, &who) {
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
        return res;
    }
    let known = Principal::from_key(&who).and_then(|p| {
        let creds = app.credentials.read().expect("credentials lock");
        creds.get(&p.key()).map(|h| (p, h.clone()))
    });
    let (principal, hash) = match known {
        Some((p, h)) => (Some(p), h),
        None => (None, app.dummy_hash.clone()),
    };
    let ok = tokio::task::spawn_blocking(move || verify_code(&code, &hash))
        .await
        .unwrap_or(false);
    match principal {
        Some(p) if ok => {
            app.limiter.succeeded(ip, &who);
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
        _ => {
            app.limiter.failed(ip, &who);
            (
                StatusCode::UNAUTHORIZED,
                pages::sign_in(&st, None, Some("Wrong code or role.")),
            )
                .into_response()
        }
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
    let viewer = match &s.principal {
        Principal::Facilitator => Viewer::Facilitator,
        Principal::Delegation(a) => Viewer::Delegation(a),
        Principal::Observer => Viewer::Public,
    };
    pages::public(&st, s, viewer).into_response()
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
    let scenario = st.scenario.as_ref().ok_or("no exercise")?;
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
    let round = app.log.state().round + 1;
    match app.log.append(Event::RoundOpened { round }).await {
        Ok(seq) => acknowledged("/facilitator", seq),
        Err(e) => append_failure(e),
    }
}

async fn close_round(State(app): State<Arc<App>>) -> Response {
    let round = app.log.state().round;
    if let Err(e) = app.log.append(Event::RoundClosed { round }).await {
        return append_failure(e);
    }
    // No move is accepted once the round is closed, so this snapshot is the round's final input.
    let st = app.log.state();
    let combined = st.combined_scenario().expect("created");
    let result = tokio::task::spawn_blocking(move || adjudicate(&combined))
        .await
        .unwrap_or_else(|e| Err(format!("the engine stopped: {e}")));
    match app
        .log
        .append(Event::RoundAdjudicated { round, result })
        .await
    {
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
        Ok(_) => {
            app.credentials
                .write()
                .expect("credentials lock")
                .insert(principal.key(), hash);
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
    // A second connection reads while the writer goes on (WAL allows it).
    let events = tokio::task::spawn_blocking(move || Store::open(&db).and_then(|s| s.events()))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
    match events {
        Ok(events) => {
            let st = app.log.state();
            let mut res = axum::Json(views::export_view(&st, &events)).into_response();
            res.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"exercise-export.json\""),
            );
            res
        }
        Err(m) => deny(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}

async fn events(State(app): State<Arc<App>>) -> Response {
    // Subscribe before reading the state: an event committed in between arrives through
    // the subscription, so a page that compares sequence numbers misses nothing.
    let rx = app.log.subscribe();
    let seq = app.log.state().events;
    let sync = SseEvent::default()
        .event("sync")
        .data(serde_json::json!({ "seq": seq }).to_string());
    let first = futures_util::stream::once(async move { Ok::<_, Infallible>(sync) });
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(n) => {
                    let data = serde_json::json!({
                        "seq": n.seq, "kind": n.kind, "round": n.round, "actor": n.actor
                    });
                    let ev = SseEvent::default().event(n.kind).data(data.to_string());
                    return Some((Ok::<_, Infallible>(ev), rx));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(futures_util::StreamExt::chain(first, rest))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Write the codes to a new file readable only by its owner.
pub fn write_codes_file(path: &Path, codes: &Codes) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(
        serde_json::to_string_pretty(codes)
            .expect("codes serialise")
            .as_bytes(),
    )?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// A server running on its own thread and runtime (for tests, benches and embedding).
pub struct Running {
    pub addr: SocketAddr,
    pub codes: Option<Codes>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Open the exercise and serve it on `bind` (port 0 picks a free port).
    pub fn start(
        db: &Path,
        scenario: Option<(String, Scenario)>,
        bind: SocketAddr,
    ) -> Result<Running, ServeError> {
        let opened = open(db, scenario)?;
        let std_listener = std::net::TcpListener::bind(bind)
            .map_err(|source| ServeError::Bind { bind, source })?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = opened.app;
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime starts");
            rt.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(std_listener).expect("listener registers");
                tokio::select! {
                    r = serve(listener, app, std::future::pending()) => {
                        if let Err(e) = r { eprintln!("error: {e}"); }
                    }
                    _ = stopped => {}
                }
            });
            // Dropping the runtime ends open event streams.
        });
        Ok(Running {
            addr,
            codes: opened.new_codes,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
