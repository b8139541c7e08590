//! The append-only event store (SQLite, WAL, `synchronous=FULL`) and its single writer.
//!
//! One thread owns the connection. Handlers send it proposed events; it checks
//! each against the state, writes a batch in one transaction, commits, and only
//! then publishes the new state and answers every proposer. An answer of `Ok`
//! therefore means the event is on disk.
//!
//! Tamper evidence: every event row carries `chain`, the SHA-256 of the
//! previous row's chain and this row's fields ([`chain_hash`]), and the table
//! `chain_head` holds the last sequence number and chain, written in the same
//! transaction. Opening the store recomputes the chain: an edited, deleted or
//! inserted row, or a log cut short, is refused with the first event at fault.
//! (Someone who recomputes every hash is not stopped: that would need a key
//! kept outside the database.) Rows written before the chain existed (NULL
//! `chain`) are accepted as a prefix and chained over.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, params};
use tokio::sync::{broadcast, oneshot};

use crate::state::{Event, ExerciseState, Rejected, fold};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {path}: event {seq} cannot be read: {message}")]
    Corrupt {
        path: String,
        seq: i64,
        message: String,
    },
    #[error("database {path}: {message}")]
    Replay { path: String, message: String },
    #[error(
        "database {path}: the event log was changed outside Guarantor: {message}; restore the database from a backup"
    )]
    Tampered { path: String, message: String },
    #[error(
        "database {path} cannot be written ({why}): the exercise could not record a single move. Make the file and its directory writable by this user (e.g. chmod u+w), or stop the other process using it, then start again"
    )]
    ReadOnly { path: String, why: String },
}

/// A stored event with its sequence number and time.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct StoredEvent {
    pub seq: u64,
    /// Milliseconds since the Unix epoch when the event was committed.
    pub recorded_at_ms: u64,
    pub event: Event,
}

pub struct Store {
    conn: Connection,
    path: String,
    /// The chain of the last event (64 zeros before the first), set by
    /// [`Store::events`] and carried forward by every append.
    head: String,
}

/// The chain value before the first event.
pub const CHAIN_START: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain value of one event row: SHA-256 (hex) of the previous chain,
/// the sequence number, the commit time, the kind and the JSON body, each
/// followed by a newline.
pub fn chain_hash(previous: &str, seq: u64, recorded_at_ms: u64, kind: &str, body: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        previous,
        &seq.to_string(),
        &recorded_at_ms.to_string(),
        kind,
        body,
    ] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Store {
    /// Open (or create) the database with durable settings.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let p = path.display().to_string();
        let err = |source| StoreError::Sqlite {
            path: p.clone(),
            source,
        };
        // The database holds every delegation's private inputs: readable by its owner only.
        // SQLite gives the -wal and -shm files the same permissions.
        #[cfg(unix)]
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|e| StoreError::Replay {
                    path: p.clone(),
                    message: format!("cannot create the database file: {e}"),
                })?;
        }
        let conn = Connection::open(path).map_err(err)?;
        // WAL plus synchronous=FULL: a committed transaction survives a process kill
        // and a power loss; `journal_mode` returns the mode actually in force.
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Replay {
                path: p,
                message: format!("could not switch to WAL journal mode (got {mode})"),
            });
        }
        conn.execute_batch(
            "PRAGMA synchronous=FULL;
             PRAGMA foreign_keys=ON;
             PRAGMA busy_timeout=5000;
             CREATE TABLE IF NOT EXISTS events (
                 seq INTEGER PRIMARY KEY,
                 recorded_at_ms INTEGER NOT NULL,
                 kind TEXT NOT NULL,
                 body TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS credentials (
                 principal TEXT PRIMARY KEY,
                 hash TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS chain_head (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 seq INTEGER NOT NULL,
                 hash TEXT NOT NULL
             );
             CREATE TRIGGER IF NOT EXISTS events_append_only_update
                 BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
             CREATE TRIGGER IF NOT EXISTS events_append_only_delete
                 BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
        )
        .map_err(err)?;
        // Databases from before the chain gain the column (their rows stay NULL).
        let has_chain: bool = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name = 'chain'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(err)?
            > 0;
        if !has_chain {
            conn.execute_batch("ALTER TABLE events ADD COLUMN chain TEXT")
                .map_err(err)?;
        }
        conn.execute_batch(SESSIONS_TABLE).map_err(err)?;
        check_writable(&conn, &p)?;
        Ok(Store {
            conn,
            path: p,
            head: CHAIN_START.to_string(),
        })
    }

    /// A connection that only reads (for exports): it takes no write lock,
    /// so it never waits for the writer nor makes the writer wait.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let p = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Sqlite {
            path: p.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|source| StoreError::Sqlite {
                path: p.clone(),
                source,
            })?;
        Ok(Store {
            conn,
            path: p,
            head: CHAIN_START.to_string(),
        })
    }

    /// Every event and the state they fold into, read in one transaction:
    /// a consistent snapshot however many moves are committed meanwhile
    /// (the export's move count always equals its moves in the event list).
    pub fn snapshot(path: &Path) -> Result<(Vec<StoredEvent>, ExerciseState), StoreError> {
        Store::open_read_only(path)?.replay()
    }

    /// The journal mode and `synchronous` level in force on this connection.
    pub fn durability(&self) -> Result<(String, i64), StoreError> {
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(|e| self.sqlite(e))?;
        let sync = self
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .map_err(|e| self.sqlite(e))?;
        Ok((mode, sync))
    }

    fn sqlite(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Every event in order, checked against the hash chain. Gaps, unreadable
    /// rows and rows that do not match the chain are errors, never skipped.
    pub fn events(&mut self) -> Result<Vec<StoredEvent>, StoreError> {
        // One read transaction: the rows and the head come from one snapshot,
        // even while the writer appends on another connection.
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| self.sqlite(e))?;
        let mut stmt = tx
            .prepare("SELECT seq, recorded_at_ms, kind, body, chain FROM events ORDER BY seq")
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?;
        let mut out = Vec::new();
        let mut chain = CHAIN_START.to_string();
        let mut chained = false;
        for row in rows {
            let (seq, at, kind, body, stored) = row.map_err(|e| self.sqlite(e))?;
            if seq != out.len() as i64 + 1 {
                return Err(StoreError::Corrupt {
                    path: self.path.clone(),
                    seq,
                    message: format!("expected sequence number {}", out.len() + 1),
                });
            }
            chain = chain_hash(&chain, seq as u64, at as u64, &kind, &body);
            match stored {
                Some(h) if h == chain => chained = true,
                Some(_) => {
                    return Err(self.tampered(format!(
                        "event {seq} does not match its hash chain (edited, inserted or an earlier event removed)"
                    )));
                }
                None if chained => {
                    return Err(self.tampered(format!("event {seq} has lost its chain value")));
                }
                None => {}
            }
            let event = serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                seq,
                message: e.to_string(),
            })?;
            out.push(StoredEvent {
                seq: seq as u64,
                recorded_at_ms: at as u64,
                event,
            });
        }
        drop(stmt);
        let head: Option<(i64, String)> = tx
            .query_row("SELECT seq, hash FROM chain_head WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(|e| self.sqlite(e))?;
        drop(tx);
        let last = out.len() as i64;
        match head {
            Some((seq, hash)) if seq == last && hash == chain => {}
            Some((seq, _)) if seq > last => {
                let removed = if seq == last + 1 {
                    format!("event {seq} was removed")
                } else {
                    format!("events {}–{seq} were removed", last + 1)
                };
                return Err(self.tampered(format!(
                    "the log ends at event {last} but event {seq} was committed: {removed}"
                )));
            }
            Some((seq, _)) => {
                return Err(self.tampered(format!(
                    "the recorded head (event {seq}) does not match the log's last event {last}"
                )));
            }
            None if chained => {
                return Err(self.tampered("the chain's head record is missing".into()));
            }
            None => {}
        }
        self.head = chain;
        Ok(out)
    }

    fn tampered(&self, message: String) -> StoreError {
        StoreError::Tampered {
            path: self.path.clone(),
            message,
        }
    }

    /// Append events after `last_seq` in one transaction; returns when it is committed.
    pub fn append(&mut self, last_seq: u64, events: &[&Event]) -> Result<(), StoreError> {
        self.append_with_credentials(last_seq, events, &[])
    }

    /// Append events and replace code hashes (principal key, hash) in one transaction.
    pub fn append_with_credentials(
        &mut self,
        last_seq: u64,
        events: &[&Event],
        credentials: &[(String, String)],
    ) -> Result<(), StoreError> {
        let at = now_ms() as i64;
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut chain = self.head.clone();
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO events (seq, recorded_at_ms, kind, body, chain) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(err)?;
            for (i, e) in events.iter().enumerate() {
                let body = serde_json::to_string(e).expect("events always serialise");
                let seq = last_seq + 1 + i as u64;
                chain = chain_hash(&chain, seq, at as u64, e.kind(), &body);
                stmt.execute(params![seq as i64, at, e.kind(), body, chain])
                    .map_err(err)?;
            }
            if !events.is_empty() {
                set_head(&tx, last_seq + events.len() as u64, &chain).map_err(err)?;
            }
            for (principal, hash) in credentials {
                tx.execute(
                    "INSERT INTO credentials (principal, hash) VALUES (?1, ?2)
                     ON CONFLICT(principal) DO UPDATE SET hash = excluded.hash",
                    params![principal, hash],
                )
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        self.head = chain;
        Ok(())
    }

    /// Store the code hashes together with the creation event (one transaction).
    pub fn create(
        &mut self,
        created: &Event,
        hashes: &[(String, String)],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        for (principal, hash) in hashes {
            tx.execute(
                "INSERT INTO credentials (principal, hash) VALUES (?1, ?2)",
                params![principal, hash],
            )
            .map_err(err)?;
        }
        let at = now_ms();
        let body = serde_json::to_string(created).expect("events always serialise");
        let chain = chain_hash(CHAIN_START, 1, at, created.kind(), &body);
        tx.execute(
            "INSERT INTO events (seq, recorded_at_ms, kind, body, chain) VALUES (1, ?1, ?2, ?3, ?4)",
            params![at as i64, created.kind(), body, chain],
        )
        .map_err(err)?;
        set_head(&tx, 1, &chain).map_err(err)?;
        tx.commit().map_err(err)?;
        self.head = chain;
        Ok(())
    }

    /// Principal key → argon2 hash of its code.
    pub fn credentials(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT principal, hash FROM credentials ORDER BY principal")
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sqlite(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sqlite(e))
    }

    /// Rebuild the state from the log.
    pub fn replay(&mut self) -> Result<(Vec<StoredEvent>, ExerciseState), StoreError> {
        let events = self.events()?;
        let state =
            fold(events.iter().map(|e| &e.event)).map_err(|message| StoreError::Replay {
                path: self.path.clone(),
                message,
            })?;
        Ok((events, state))
    }
}

/// Signed-in sessions, kept so that a restart signs nobody out. The token
/// itself is never stored, only its SHA-256; the CSRF token is stored as is
/// (it is worthless without the session cookie).
const SESSIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_ms INTEGER NOT NULL
)";

/// One stored session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// SHA-256 (hex) of the session token.
    pub token_hash: String,
    /// Principal key ("facilitator", "observer", "delegation:ID").
    pub principal: String,
    pub csrf: String,
    /// Milliseconds since the Unix epoch when the session began.
    pub created_ms: u64,
}

/// The sessions table on its own connection (sign-ins and sign-outs are
/// written at once, `synchronous=FULL`, beside the event writer: a sign-out
/// or a revocation survives a crash like a move does).
pub struct SessionStore {
    conn: Connection,
    path: String,
}

impl SessionStore {
    /// Open the sessions table of the database `path` (created by [`Store::open`]).
    pub fn open(path: &Path) -> Result<SessionStore, StoreError> {
        let p = path.display().to_string();
        let err = |source| StoreError::Sqlite {
            path: p.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        // Checkpoints are the checkpointer's (see `Log::start`), never a sign-in's.
        conn.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;",
        )
        .map_err(err)?;
        conn.execute_batch(SESSIONS_TABLE).map_err(err)?;
        Ok(SessionStore { conn, path: p })
    }

    fn sqlite(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Every stored session, oldest first.
    pub fn load(&self) -> Result<Vec<SessionRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT token_hash, principal, csrf, created_ms FROM sessions ORDER BY created_ms",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SessionRow {
                    token_hash: r.get(0)?,
                    principal: r.get(1)?,
                    csrf: r.get(2)?,
                    created_ms: r.get::<_, i64>(3)? as u64,
                })
            })
            .map_err(|e| self.sqlite(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sqlite(e))
    }

    pub fn insert(&self, row: &SessionRow) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO sessions (token_hash, principal, csrf, created_ms) VALUES (?1, ?2, ?3, ?4)",
                params![row.token_hash, row.principal, row.csrf, row.created_ms as i64],
            )
            .map(|_| ())
            .map_err(|e| self.sqlite(e))
    }

    /// Delete the sessions with these token hashes (one transaction).
    pub fn delete(&mut self, token_hashes: &[String]) -> Result<(), StoreError> {
        if token_hashes.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        for h in token_hashes {
            tx.execute("DELETE FROM sessions WHERE token_hash = ?1", params![h])
                .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

/// Refuse a database the server could read but not write: every move would
/// then fail mid-exercise. SQLite opens a file it may not write read-only
/// without an error, so ask it (`sqlite3_db_readonly`), then make sure a write
/// really goes through: a probe row written and rolled back, which also
/// catches a read-only directory (no journal can be created) and a database
/// another process holds locked.
fn check_writable(conn: &Connection, path: &str) -> Result<(), StoreError> {
    let refuse = |why: String| StoreError::ReadOnly {
        path: path.to_string(),
        why,
    };
    if conn
        .is_readonly(rusqlite::MAIN_DB)
        .map_err(|e| refuse(e.to_string()))?
    {
        return Err(refuse("SQLite opened it read-only".into()));
    }
    let probe = || -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let wrote = conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS write_probe (x INTEGER); INSERT INTO write_probe VALUES (1);",
        );
        conn.execute_batch("ROLLBACK")?;
        wrote
    };
    probe().map_err(|e| refuse(e.to_string()))
}

/// Record the chain's head (last sequence number and chain) in the transaction.
fn set_head(tx: &rusqlite::Transaction<'_>, seq: u64, chain: &str) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![seq as i64, chain],
    )
}

/// Why an append failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppendError {
    #[error("{0}")]
    Rejected(Rejected),
    #[error("the event could not be stored: {0}")]
    Storage(String),
    #[error("the event store has stopped")]
    Stopped,
}

/// A change other pages should know about (sent over server-sent events).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub seq: u64,
    pub kind: &'static str,
    pub round: u32,
    /// The actor who moved, for moves; empty otherwise.
    pub actor: String,
    /// The notice as a server-sent event, formatted once for every open
    /// stream (see `live`): the same for every viewer, as it holds no
    /// private input.
    pub frame: axum::body::Bytes,
}

impl Notice {
    pub fn new(seq: u64, kind: &'static str, round: u32, actor: String) -> Notice {
        let data = serde_json::json!({ "seq": seq, "kind": kind, "round": round, "actor": actor });
        let frame = format!("event: {kind}\ndata: {data}\n\n").into();
        Notice {
            seq,
            kind,
            round,
            actor,
            frame,
        }
    }
}

struct Proposal {
    event: Event,
    /// A code hash to store with the event (principal key, argon2 hash).
    credential: Option<(String, String)>,
    reply: oneshot::Sender<Result<u64, AppendError>>,
}

/// Most events written in one transaction.
const MAX_BATCH: usize = 256;

/// Shortest time between two checkpoints of the write-ahead log.
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Copy the committed write-ahead log into the database file, on a thread of
/// its own: once after each `tick` (the writer sends one after a commit;
/// ticks sent meanwhile are merged), then at least `every` apart, until the
/// writer stops. SQLite's automatic checkpoint would instead run inside the
/// commit that crosses 1,000 pages and hold that batch of moves for the
/// copy and its fsync (up to 113 ms under load, #17). A passive checkpoint
/// takes no write lock, so commits go on meanwhile; every commit is still
/// durable on its own (the log is fsynced at commit, `synchronous=FULL`).
///
/// While commits never pause, a passive checkpoint never catches up with the
/// log's end and SQLite cannot start the log over: beyond [`WAL_RESTART_FRAMES`]
/// the checkpointer copies the few frames committed meanwhile with the write
/// lock held (a short wait for the commits of that moment) so that the next
/// commit starts the log over, bounding it.
fn checkpointer(path: &str, ticks: &mpsc::Receiver<()>, every: std::time::Duration) {
    let conn = match Connection::open(path)
        .and_then(|c| c.execute_batch("PRAGMA busy_timeout=5000;").map(|()| c))
    {
        Ok(c) => c,
        Err(e) => return crate::log::log_error(&e),
    };
    let checkpoint = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
            r.get::<_, i64>(1)
        })
    };
    while ticks.recv().is_ok() {
        let frames = checkpoint("PASSIVE");
        let restarted = match frames {
            Ok(n) if n > WAL_RESTART_FRAMES => checkpoint("RESTART").map(|_| ()),
            other => other.map(|_| ()),
        };
        if let Err(e) = restarted {
            crate::log::log_error(&e);
        }
        std::thread::sleep(every);
    }
}

/// Frames (pages of 4 KiB) in the write-ahead log beyond which the
/// checkpointer makes the next commit start the log over (about 32 MB).
pub const WAL_RESTART_FRAMES: i64 = 8192;

/// Handle to the writer thread and the committed state.
#[derive(Clone)]
pub struct Log {
    tx: mpsc::Sender<Proposal>,
    state: Arc<RwLock<Arc<ExerciseState>>>,
    notices: broadcast::Sender<Arc<Notice>>,
}

impl Log {
    /// Start the writer thread on an opened store whose events fold into `state`.
    pub fn start(mut store: Store, state: ExerciseState) -> Log {
        let (tx, rx) = mpsc::channel::<Proposal>();
        // Checkpoints move off the commit path, to the checkpointer.
        let (tick, ticks) = mpsc::sync_channel::<()>(1);
        match store.conn.execute_batch("PRAGMA wal_autocheckpoint=0;") {
            Ok(()) => {
                let path = store.conn.path().unwrap_or_default().to_string();
                std::thread::Builder::new()
                    .name("checkpointer".into())
                    .spawn(move || checkpointer(&path, &ticks, CHECKPOINT_EVERY))
                    .expect("the checkpointer thread starts");
            }
            Err(e) => crate::log::log_error(&e),
        }
        let shared = Arc::new(RwLock::new(Arc::new(state)));
        let (notices, _) = broadcast::channel(1024);
        let log = Log {
            tx,
            state: shared.clone(),
            notices: notices.clone(),
        };
        std::thread::Builder::new()
            .name("event-writer".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(p) => batch.push(p),
                            Err(_) => break,
                        }
                    }
                    write_batch(&mut store, &shared, &notices, batch);
                    let _ = tick.try_send(());
                }
            })
            .expect("the writer thread starts");
        log
    }

    /// The committed state (a cheap snapshot).
    pub fn state(&self) -> Arc<ExerciseState> {
        self.state.read().expect("state lock").clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notice>> {
        self.notices.subscribe()
    }

    /// Append one event; resolves with its sequence number once it is committed.
    pub async fn append(&self, event: Event) -> Result<u64, AppendError> {
        self.append_with_credential(event, None).await
    }

    /// Append one event and store a code hash in the same transaction.
    pub async fn append_with_credential(
        &self,
        event: Event,
        credential: Option<(String, String)>,
    ) -> Result<u64, AppendError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Proposal {
                event,
                credential,
                reply,
            })
            .map_err(|_| AppendError::Stopped)?;
        rx.await.map_err(|_| AppendError::Stopped)?
    }
}

fn write_batch(
    store: &mut Store,
    shared: &RwLock<Arc<ExerciseState>>,
    notices: &broadcast::Sender<Arc<Notice>>,
    batch: Vec<Proposal>,
) {
    let current = shared.read().expect("state lock").clone();
    let mut staged = ExerciseState::clone(&current);
    let mut accepted = Vec::new();
    // Moves equal to the delegation's move already in: acknowledged with the
    // sequence number the log stands at once the batch is written, never logged twice.
    let mut repeats = Vec::new();
    for p in batch {
        if staged.is_repeat(&p.event) {
            repeats.push(p);
            continue;
        }
        match staged.check(&p.event) {
            Ok(()) => {
                staged.apply(p.event.clone());
                accepted.push(p);
            }
            Err(r) => {
                let _ = p.reply.send(Err(AppendError::Rejected(r)));
            }
        }
    }
    if accepted.is_empty() {
        for p in repeats {
            let _ = p.reply.send(Ok(current.events));
        }
        return;
    }
    let events: Vec<&Event> = accepted.iter().map(|p| &p.event).collect();
    let credentials: Vec<(String, String)> = accepted
        .iter()
        .filter_map(|p| p.credential.clone())
        .collect();
    let events_written = events.len() as u64;
    match store.append_with_credentials(current.events, &events, &credentials) {
        Ok(()) => {
            let round = staged.round;
            *shared.write().expect("state lock") = Arc::new(staged);
            for (i, p) in accepted.into_iter().enumerate() {
                let seq = current.events + 1 + i as u64;
                let actor = match &p.event {
                    crate::state::Event::MoveSubmitted { actor, .. } => actor.clone(),
                    _ => String::new(),
                };
                let _ = notices.send(Arc::new(Notice::new(seq, p.event.kind(), round, actor)));
                let _ = p.reply.send(Ok(seq));
            }
            let last = current.events + events_written;
            for p in repeats {
                let _ = p.reply.send(Ok(last));
            }
        }
        Err(e) => {
            crate::log::log_error(&e);
            for p in accepted.into_iter().chain(repeats) {
                let _ = p.reply.send(Err(AppendError::Storage(e.to_string())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("gx-store-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d.join("t.db")
    }

    #[test]
    fn the_store_runs_in_wal_with_full_sync_and_refuses_to_rewrite_history() {
        let path = temp_db("durability");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.durability().unwrap(), ("wal".to_string(), 2));
        let created = Event::ExerciseCreated {
            scenario_name: "default".into(),
            scenario: Box::new(guarantor_model::default_scenario()),
        };
        store
            .create(&created, &[("facilitator".into(), "h".into())])
            .unwrap();
        store
            .append(1, &[&Event::RoundOpened { round: 1 }])
            .unwrap();
        assert!(store.conn.execute("DELETE FROM events", []).is_err());
        assert!(
            store
                .conn
                .execute("UPDATE events SET body = '{}'", [])
                .is_err()
        );
        // A second append at an existing sequence number is refused, not merged.
        assert!(
            store
                .append(1, &[&Event::RoundOpened { round: 1 }])
                .is_err()
        );
        let (events, state) = store.replay().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(state.round, 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    /// A store with the creation event and `rounds` pairs of events after it
    /// (the chain does not check that events fit; `replay` does).
    fn store_with_events(tag: &str, rounds: u32) -> (std::path::PathBuf, Store) {
        let path = temp_db(tag);
        let mut store = Store::open(&path).unwrap();
        let created = Event::ExerciseCreated {
            scenario_name: "default".into(),
            scenario: Box::new(guarantor_model::default_scenario()),
        };
        store
            .create(&created, &[("facilitator".into(), "h".into())])
            .unwrap();
        let mut last = 1;
        for round in 1..=rounds {
            store
                .append(
                    last,
                    &[&Event::RoundOpened { round }, &Event::RoundClosed { round }],
                )
                .unwrap();
            last += 2;
        }
        (path, store)
    }

    fn tamper(path: &Path, sql: &str) -> String {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete;",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        match Store::open(path).unwrap().events() {
            Ok(_) => panic!("the edited log was accepted: {sql}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_edited_or_cut_log_is_refused_at_start() {
        // Reproduction (#17): after dropping the triggers, deleting the last
        // events or editing one was accepted silently on restart.
        let (path, store) = store_with_events("tamper-edit", 3);
        drop(store);
        let err = tamper(
            &path,
            "UPDATE events SET body = replace(body, '\"round\":2', '\"round\":2 ') WHERE seq = 4",
        );
        assert!(
            err.contains("event 4 does not match its hash chain"),
            "{err}"
        );
        assert!(err.contains("restore the database from a backup"), "{err}");

        let (path, store) = store_with_events("tamper-cut", 3);
        drop(store);
        let err = tamper(&path, "DELETE FROM events WHERE seq > 4");
        assert!(
            err.contains(
                "the log ends at event 4 but event 7 was committed: events 5–7 were removed"
            ),
            "{err}"
        );

        let (path, store) = store_with_events("tamper-head", 2);
        drop(store);
        let err = tamper(
            &path,
            "DELETE FROM events WHERE seq = 5; UPDATE chain_head SET seq = 4",
        );
        assert!(
            err.contains("the recorded head (event 4) does not match"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn an_intact_log_reopens_and_a_log_from_before_the_chain_is_chained_over() {
        let (path, store) = store_with_events("chain-ok", 2);
        drop(store);
        let mut store = Store::open(&path).unwrap();
        let events = store.events().unwrap();
        assert_eq!(events.len(), 5);
        // Appends after reopening continue the chain.
        store
            .append(5, &[&Event::RoundOpened { round: 3 }])
            .unwrap();
        drop(store);
        assert_eq!(Store::open(&path).unwrap().events().unwrap().len(), 6);

        // A database written before the chain: no chain values, no head.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER events_append_only_update; UPDATE events SET chain = NULL; DELETE FROM chain_head;",
        )
        .unwrap();
        drop(conn);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.events().unwrap().len(), 6);
        store
            .append(6, &[&Event::RoundClosed { round: 3 }])
            .unwrap();
        drop(store);
        // The new row is chained over the old ones; editing an old one now shows.
        assert_eq!(Store::open(&path).unwrap().events().unwrap().len(), 7);
        let err = tamper(&path, "UPDATE events SET recorded_at_ms = 1 WHERE seq = 2");
        assert!(
            err.contains("event 7 does not match its hash chain"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_database_that_cannot_be_written_is_refused_at_open() {
        // Reproduction (#17): a read-only database was accepted at start and
        // every write then failed mid-exercise. SQLite falls back to a
        // read-only connection when the file may not be written; such a
        // connection (opened read-only here, so that the test means the same
        // when run as root, whom file modes do not stop) is refused.
        let (path, store) = store_with_events("read-only", 1);
        drop(store);
        let conn =
            Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let err = check_writable(&conn, "x.db").unwrap_err().to_string();
        assert!(
            err.contains("database x.db cannot be written (SQLite opened it read-only)"),
            "{err}"
        );
        assert!(err.contains("chmod u+w"), "{err}");
        // A write that really fails (here: another process holds the write
        // lock past the busy timeout) is caught by the probe, even as root.
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let err = match Store::open(&path) {
            Ok(_) => panic!("a database locked for writing was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains("cannot be written (database is locked)"),
            "{err}"
        );
        holder.execute_batch("ROLLBACK").unwrap();
        drop(holder);
        // The probe leaves nothing behind.
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.events().unwrap().len(), 3);
        let probes: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'write_probe'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(probes, 0);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn the_checkpointer_copies_committed_events_into_the_database_file() {
        let (path, mut store) = store_with_events("checkpoint", 0);
        store
            .conn
            .execute_batch("PRAGMA wal_autocheckpoint=0;")
            .unwrap();
        let mut last = 1;
        for round in 1..=300 {
            store
                .append(
                    last,
                    &[&Event::RoundOpened { round }, &Event::RoundClosed { round }],
                )
                .unwrap();
            last += 2;
        }
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();
        // One tick, then the writer stops: one checkpoint, and the thread ends.
        let (tick, ticks) = mpsc::sync_channel(1);
        tick.send(()).unwrap();
        drop(tick);
        checkpointer(path.to_str().unwrap(), &ticks, std::time::Duration::ZERO);
        assert!(
            size() > before,
            "the database file did not grow: {before} bytes before and after"
        );
        // Appends go on, and the log reads back whole and chained.
        store
            .append(last, &[&Event::RoundOpened { round: 301 }])
            .unwrap();
        drop(store);
        assert_eq!(Store::open(&path).unwrap().events().unwrap().len(), 602);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_snapshot_reads_events_and_state_in_one_transaction_without_a_write_lock() {
        let (path, mut store) = store_with_events("snapshot", 1);
        // A reader in the middle of a write transaction sees the committed log.
        let tx = store.conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO events (seq, recorded_at_ms, kind, body, chain) VALUES (4, 0, 'x', '{}', NULL)",
            [],
        )
        .unwrap();
        let (events, state) = Store::snapshot(&path).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(state.events, 3);
        assert_eq!(state.round, 1);
        drop(tx);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
