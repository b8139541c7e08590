//! Opening an exercise (create or replay), the handlers, and serving.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use guarantor_model::Scenario;
use serde::Serialize;

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
    let log = Log::start(store, state);
    Ok(Opened {
        app: Arc::new(App {
            log,
            sessions: Sessions::default(),
            limiter: RateLimiter::default(),
            hashing: std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_HASHES)),
            credentials: RwLock::new(credentials),
            dummy_hash: hash_code("not a code"),
            db: db.to_path_buf(),
            public_hosts,
        }),
        new_codes,
    })
}

/// The router: every route of [`ROUTES`] behind the guard.
pub fn router(app: Arc<App>) -> Router {
    let mut r = Router::new();
    for spec in ROUTES {
        r = r.route(spec.path, crate::handlers::handler(spec));
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
