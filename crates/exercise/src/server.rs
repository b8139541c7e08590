//! Opening an exercise (create or replay), the handlers, and serving.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use guarantor_model::Scenario;
use serde::Serialize;

pub use crate::limits::{IDLE_TIMEOUT, MAX_CONNECTIONS, ServeOptions};

use crate::adjudicate::adjudicate;
use crate::app::App;
use crate::auth::{RateLimiter, Sessions, hash_code, new_code};
use crate::routes::{BODY_LIMIT, ROUTES, guard, security_headers};
use crate::state::{Event, Principal};
use crate::store::{Log, Store, StoreError};

/// The plaintext codes, known only at creation (the database keeps argon2 hashes).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Codes {
    pub facilitator: String,
    pub observer: String,
    /// Actor id → its delegation's invitation code.
    pub delegations: BTreeMap<String, String>,
    /// The notetaker's code (empty in codes files written before the role existed).
    #[serde(default)]
    pub notetaker: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "database {0} holds no exercise and no scenario was given to create one; pass a scenario to create one, or open another database"
    )]
    NoScenario(String),
    #[error(
        "database {path} holds sign-in codes but no events: its event log was deleted or emptied; restore the database from a backup (a new exercise is not created over it)"
    )]
    EventsMissing { path: String },
    #[error(
        "database {path} holds an exercise but no sign-in code for {missing}: its credentials table was emptied or edited; restore the database from a backup"
    )]
    CredentialsMissing { path: String, missing: String },
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

/// Argon2 verifications allowed at once (each takes 19 MiB and tens of milliseconds).
pub const MAX_CONCURRENT_HASHES: usize = 4;

/// An exercise opened from its database, ready to serve.
pub struct Opened {
    pub app: Arc<App>,
    /// Set only when this call created the exercise.
    pub new_codes: Option<Codes>,
}

/// The event log and the credentials must agree: codes without events mean
/// the log was lost (never create a new exercise over it); events without a
/// code for the facilitator or a delegation mean nobody could sign in.
fn check_credentials(
    db: &Path,
    events: &[crate::store::StoredEvent],
    state: &crate::state::ExerciseState,
    credentials: &[(String, String)],
) -> Result<(), ServeError> {
    let path = db.display().to_string();
    if events.is_empty() {
        return if credentials.is_empty() {
            Ok(())
        } else {
            Err(ServeError::EventsMissing { path })
        };
    }
    let have: std::collections::BTreeSet<&str> =
        credentials.iter().map(|(p, _)| p.as_str()).collect();
    let mut needed = vec![Principal::Facilitator.key(), Principal::Observer.key()];
    needed.extend(
        state
            .inputs
            .keys()
            .map(|a| Principal::Delegation(a.clone()).key()),
    );
    let missing: Vec<String> = needed
        .into_iter()
        .filter(|k| !have.contains(k.as_str()))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ServeError::CredentialsMissing {
            path,
            missing: missing.join(", "),
        })
    }
}

/// Open the exercise in `db`, creating it on `scenario` when the database is new.
/// A round closed but not yet adjudicated (the server stopped during adjudication)
/// is adjudicated now, so the log always ends in a consistent state.
pub fn open(db: &Path, scenario: Option<(String, Scenario)>) -> Result<Opened, ServeError> {
    open_with_hosts(db, scenario, Vec::new())
}

/// [`open`], also answering requests addressed to these host names (e.g. the public
/// name of a TLS proxy in front of the server). Loopback names are always answered.
pub fn open_with_hosts(
    db: &Path,
    scenario: Option<(String, Scenario)>,
    public_hosts: Vec<String>,
) -> Result<Opened, ServeError> {
    open_with_options(db, scenario, public_hosts, ServeOptions::default())
}

/// [`open_with_hosts`] with the connection limits and timeouts to serve with.
pub fn open_with_options(
    db: &Path,
    scenario: Option<(String, Scenario)>,
    public_hosts: Vec<String>,
    options: ServeOptions,
) -> Result<Opened, ServeError> {
    let mut store = Store::open(db)?;
    let (events, mut state) = store.replay()?;
    check_credentials(db, &events, &state, &store.credentials()?)?;
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
            notetaker: new_code(),
        };
        let mut hashes = vec![
            (Principal::Facilitator.key(), hash_code(&codes.facilitator)),
            (Principal::Observer.key(), hash_code(&codes.observer)),
            (Principal::Notetaker.key(), hash_code(&codes.notetaker)),
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
    // The band of the last round, if the server stopped before it was stored.
    if state.phase == crate::state::Phase::Published && !state.bands.contains_key(&state.round) {
        let round = state.round;
        let combined = state.combined_scenario().expect("created");
        let result = &state.latest_result().expect("published").result;
        let ev = Event::BandComputed {
            round,
            band: crate::adjudicate::round_band(&combined, result),
        };
        store.append(state.events, &[&ev])?;
        state.apply(ev);
    }
    let credentials = store
        .credentials()?
        .into_iter()
        .map(|(principal, hash)| (principal, crate::app::Credential { seq: 0, hash }))
        .collect();
    // A session begun before its principal's code was last replaced is void,
    // even if the server stopped before deleting it.
    let mut reissued = std::collections::HashMap::new();
    for e in &events {
        if let Event::CodeReissued { principal } = &e.event {
            reissued.insert(principal.clone(), e.recorded_at_ms);
        }
    }
    let sessions = Sessions::persistent(
        crate::store::SessionStore::open(db)?,
        options.session_lifetime,
        crate::auth::MAX_SESSIONS,
        &reissued,
    )?;
    // Moves already logged in the current round count against its quota.
    let mut in_round = std::collections::HashMap::new();
    for e in &events {
        if let Event::MoveSubmitted { round, actor, .. } = &e.event
            && *round == state.round
        {
            *in_round
                .entry(Principal::Delegation(actor.clone()).key())
                .or_insert(0u32) += 1;
        }
    }
    let moves = crate::auth::MoveLimiter::new(options.moves, state.round, &in_round);
    let log = Log::start(store, state);
    Ok(Opened {
        app: Arc::new(App {
            log,
            sessions,
            moves,
            limiter: RateLimiter::default(),
            hashing: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_HASHES)),
            credentials: RwLock::new(credentials),
            dummy_hash: hash_code("not a code"),
            db: db.to_path_buf(),
            public_hosts,
            options,
        }),
        new_codes,
    })
}

/// The router: every route of [`ROUTES`] behind the guard.
pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new();
    for spec in ROUTES {
        let h = crate::api::handler(spec).unwrap_or_else(|| crate::handlers::handler(spec));
        r = r.route(spec.path, h);
    }
    r.route_layer(from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(security_headers))
        .with_state(app)
}

/// Serve until the future `shutdown` resolves, with the default [`ServeOptions`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    serve_with(listener, app, shutdown).await
}

/// File descriptors kept free for the database, its journal and the runtime
/// when the connection limit is derived from the process's limit.
const RESERVED_FDS: u64 = 32;

/// The soft limit on open files of this process (Linux: `/proc/self/limits`).
fn open_files_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// The connection cap in force: the configured one, lowered so that the
/// connections never exhaust the process's file descriptors.
pub fn effective_max_connections(configured: usize) -> usize {
    let by_fds = open_files_limit()
        .map(|n| n.saturating_sub(RESERVED_FDS).max(1) as usize)
        .unwrap_or(usize::MAX);
    configured.min(by_fds).max(1)
}

/// One open connection, as the accept loop tracks it.
struct ConnEntry {
    /// Requests whose response is not yet fully sent.
    in_flight: usize,
    /// When a request last started or ended (or the connection opened).
    last_active: Instant,
    /// Notified to close the connection.
    close: Arc<tokio::sync::Notify>,
}

/// The open connections, so that the idle ones can be closed to make room.
struct Connections {
    max: usize,
    next: std::sync::atomic::AtomicU64,
    map: std::sync::Mutex<std::collections::HashMap<u64, ConnEntry>>,
}

impl Connections {
    fn new(max: usize) -> Connections {
        Connections {
            max,
            next: std::sync::atomic::AtomicU64::new(0),
            map: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Close the connection idle longest; false when every connection is busy.
    fn evict_idle(map: &mut std::collections::HashMap<u64, ConnEntry>) -> bool {
        let oldest = map
            .iter()
            .filter(|(_, c)| c.in_flight == 0)
            .min_by_key(|(_, c)| c.last_active)
            .map(|(id, _)| *id);
        match oldest.and_then(|id| map.remove(&id)) {
            Some(c) => {
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Register a new connection, closing the idle-longest one when at the
    /// cap; `None` when the cap is reached and every connection is busy.
    fn admit(&self) -> Option<(u64, Arc<tokio::sync::Notify>)> {
        let mut map = self.map.lock().expect("connections lock");
        if map.len() >= self.max && !Self::evict_idle(&mut map) {
            return None;
        }
        let id = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let close = Arc::new(tokio::sync::Notify::new());
        map.insert(
            id,
            ConnEntry {
                in_flight: 0,
                last_active: Instant::now(),
                close: close.clone(),
            },
        );
        Some((id, close))
    }

    fn remove(&self, id: u64) {
        self.map.lock().expect("connections lock").remove(&id);
    }

    fn busy(self: &Arc<Self>, id: u64) -> InFlight {
        if let Some(c) = self.map.lock().expect("connections lock").get_mut(&id) {
            c.in_flight += 1;
            c.last_active = Instant::now();
        }
        InFlight {
            conns: self.clone(),
            id,
        }
    }

    fn len(&self) -> usize {
        self.map.lock().expect("connections lock").len()
    }
}

/// A request in progress on a connection; dropped when its response has been sent.
struct InFlight {
    conns: Arc<Connections>,
    id: u64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(c) = self
            .conns
            .map
            .lock()
            .expect("connections lock")
            .get_mut(&self.id)
        {
            c.in_flight = c.in_flight.saturating_sub(1);
            c.last_active = Instant::now();
        }
    }
}

/// A response body that holds its connection's [`InFlight`] until it is sent.
struct TrackedBody {
    inner: axum::body::Body,
    _busy: InFlight,
}

impl hyper::body::Body for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// Serve until `shutdown` resolves: one accept loop with the timeouts and
/// the connection cap of the app's [`ServeOptions`]. On shutdown it stops
/// accepting and gives requests in progress up to two seconds.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let options = app.options;
    let router = router(app);
    let conns = Arc::new(Connections::new(effective_max_connections(
        options.max_connections,
    )));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.idle_timeout)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors (or another transient error): make
                // room by closing the connection idle longest, then retry.
                let freed =
                    Connections::evict_idle(&mut conns.map.lock().expect("connections lock"));
                if !freed {
                    crate::log::log_error(&e);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Some((id, close)) = conns.admit() else {
            // Every connection is busy with a request: refuse this one.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conns = conns.clone();
        let router = router.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            let svc_conns = conns.clone();
            let svc = hyper::service::service_fn(
                move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    let busy = svc_conns.busy(id);
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    let router = router.clone();
                    async move {
                        use hyper::service::Service as _;
                        let svc = hyper_util::service::TowerToHyperService::new(router);
                        let res = svc.call(req).await?;
                        Ok::<_, std::convert::Infallible>(
                            res.map(|inner| TrackedBody { inner, _busy: busy }),
                        )
                    }
                },
            );
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                // Closed to make room for another connection (it was idle).
                _ = close.notified() => {}
            }
            conns.remove(id);
        });
    }
    {
        let mut map = conns.map.lock().expect("connections lock");
        while Connections::evict_idle(&mut map) {}
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while conns.len() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
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
        Running::start_with(db, scenario, bind, ServeOptions::default())
    }

    /// [`Running::start`] with other connection limits and timeouts.
    pub fn start_with(
        db: &Path,
        scenario: Option<(String, Scenario)>,
        bind: SocketAddr,
        options: ServeOptions,
    ) -> Result<Running, ServeError> {
        let opened = open_with_options(db, scenario, Vec::new(), options)?;
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
                        if let Err(e) = r {
                            crate::log::log_error(&e);
                        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_fits_the_open_files_limit() {
        // Reproduction (#17): under `ulimit -n 128`, accepting 150 silent
        // connections used up the descriptors and the server answered no one.
        if let Some(limit) = open_files_limit() {
            let cap = effective_max_connections(usize::MAX);
            assert_eq!(cap as u64, limit.saturating_sub(RESERVED_FDS).max(1));
        }
        assert_eq!(
            effective_max_connections(20),
            20.min(effective_max_connections(usize::MAX))
        );
        assert!(effective_max_connections(0) >= 1);
    }

    #[test]
    fn at_the_cap_the_idle_longest_connection_makes_room_and_busy_ones_never_do() {
        let conns = Arc::new(Connections::new(2));
        let (a, close_a) = conns.admit().unwrap();
        let (b, _close_b) = conns.admit().unwrap();
        let busy_a = conns.busy(a);
        // a has a request in progress; b, idle, makes room.
        let (_c, _) = conns.admit().unwrap();
        assert_eq!(conns.len(), 2);
        assert!(!conns.map.lock().unwrap().contains_key(&b));
        // Both remaining busy: the next connection is refused.
        let _busy_c = conns.busy(_c);
        assert!(conns.admit().is_none());
        drop(busy_a);
        assert!(conns.admit().is_some());
        // a was closed to make room: its notification is waiting.
        assert!(
            futures_util::FutureExt::now_or_never(close_a.notified()).is_some(),
            "a was not told to close"
        );
    }
}
