//! # guarantor-history
//!
//! The run history: an embedded SQLite database in which `guarantor run --record`
//! and `guarantor report --record` store what they computed — the scenario's text
//! and content hash (SHA-256), the engine version, the parameters, a summary of
//! the counts and one verdict summary per package — so that `guarantor history`
//! can list runs and `guarantor diff` can compare two of them (see [`diff`]).
//!
//! Storage rules:
//! - The schema carries a version (`PRAGMA user_version`); [`History::open`]
//!   applies the missing migrations in one transaction and refuses a database
//!   written by a newer version instead of touching it.
//! - The database runs in WAL mode with a busy timeout, and each run is written
//!   in one `IMMEDIATE` transaction: concurrent writers wait for each other,
//!   readers never block, and a crash leaves either the whole run or none of it.
//! - Nothing is ever deleted or rewritten by this crate.
//!
//! Default location: `$GUARANTOR_HISTORY` if set, else
//! `$XDG_DATA_HOME/guarantor/history.sqlite`, else
//! `$HOME/.local/share/guarantor/history.sqlite` ([`default_path`]).

pub mod diff;
pub mod timeline;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The environment variable that overrides the default database path.
pub const HISTORY_ENV: &str = "GUARANTOR_HISTORY";

/// Errors of the run history.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("run history {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("run history {path}: cannot create the folder: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "run history {path}: schema version {found} is newer than this guarantor understands ({known}); upgrade guarantor or use another history file"
    )]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("run history {path}: stored data is not valid JSON ({what}): {message}")]
    Corrupt {
        path: String,
        what: String,
        message: String,
    },
    #[error(
        "no folder for the run history: set {HISTORY_ENV}, XDG_DATA_HOME or HOME, or name a history file"
    )]
    NoLocation,
}

pub type Result<T> = std::result::Result<T, HistoryError>;

/// One package's verdict, as stored: enough to tell what changed and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRecord {
    pub label: String,
    /// The package for people ("Ground force: none · …"); empty in runs
    /// recorded before schema version 2.
    #[serde(default)]
    pub title: String,
    /// Component → option.
    pub options: BTreeMap<String, String>,
    pub feasible: bool,
    pub acceptable_to_required: bool,
    pub passes: bool,
    pub frontier: bool,
    pub deterrence: f64,
    pub cost_per_year: f64,
    /// Why the package fails (empty when it passes), one sentence each.
    pub reasons: Vec<String>,
    /// Largest share of any contributor's available force used (burden), in
    /// [0, 1]; `None` in runs recorded before schema version 2.
    #[serde(default)]
    pub max_share: Option<f64>,
    /// Smallest acceptance margin among required actors; `None` when there is
    /// none or the run predates schema version 2.
    #[serde(default)]
    pub min_margin: Option<f64>,
}

impl PackageRecord {
    /// The package for people: its title, or its label in runs recorded
    /// before schema version 2.
    pub fn display_title(&self) -> &str {
        if self.title.is_empty() {
            &self.label
        } else {
            &self.title
        }
    }
}

/// A run to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewRun {
    /// The verb that produced it (`run`, `report`).
    pub verb: String,
    pub scenario_id: String,
    /// The file as the user named it (or the embedded scenario's name).
    pub scenario_file: String,
    pub scenario_text: String,
    pub engine_version: String,
    /// Options of the run (e.g. threads, forecast model), as JSON.
    pub parameters: serde_json::Value,
    /// Counts and headline figures, as JSON.
    pub summary: serde_json::Value,
    pub packages: Vec<PackageRecord>,
}

/// A recorded run, without its package verdicts and scenario text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    pub id: i64,
    /// UTC, ISO 8601 (`2026-11-26T10:45:00Z`).
    pub recorded_at: String,
    pub verb: String,
    pub scenario_id: String,
    pub scenario_file: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_hash: String,
    pub engine_version: String,
    pub parameters: serde_json::Value,
    pub summary: serde_json::Value,
}

/// A recorded run in full.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    pub info: RunInfo,
    pub scenario_text: String,
    pub packages: Vec<PackageRecord>,
}

/// SHA-256 of a scenario's text, lowercase hex.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The default database path (see the crate documentation), from the given
/// environment lookup (pass `|k| std::env::var_os(k)`).
pub fn default_path(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<PathBuf> {
    let nonempty = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(p) = nonempty(HISTORY_ENV) {
        return Ok(PathBuf::from(p));
    }
    if let Some(d) = nonempty("XDG_DATA_HOME") {
        return Ok(PathBuf::from(d).join("guarantor").join("history.sqlite"));
    }
    if let Some(h) = nonempty("HOME") {
        return Ok(PathBuf::from(h)
            .join(".local")
            .join("share")
            .join("guarantor")
            .join("history.sqlite"));
    }
    Err(HistoryError::NoLocation)
}

/// Schema migrations; migration `i` takes the database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: runs and their package verdicts.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        verb TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        scenario_file TEXT NOT NULL,
        scenario_hash TEXT NOT NULL,
        scenario_text TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        parameters TEXT NOT NULL,
        summary TEXT NOT NULL
    );
    CREATE INDEX runs_by_hash ON runs(scenario_hash);
    CREATE TABLE package_verdicts (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        label TEXT NOT NULL,
        options TEXT NOT NULL,
        feasible INTEGER NOT NULL,
        acceptable_to_required INTEGER NOT NULL,
        passes INTEGER NOT NULL,
        frontier INTEGER NOT NULL,
        deterrence REAL NOT NULL,
        cost_per_year REAL NOT NULL,
        reasons TEXT NOT NULL,
        PRIMARY KEY (run_id, label)
    );",
    // 2: package titles, burden and smallest margin, for `diff`'s headline.
    "ALTER TABLE package_verdicts ADD COLUMN title TEXT NOT NULL DEFAULT '';
    ALTER TABLE package_verdicts ADD COLUMN max_share REAL;
    ALTER TABLE package_verdicts ADD COLUMN min_margin REAL;",
];

/// The schema version this crate writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open run history.
pub struct History {
    conn: Connection,
    path: String,
}

impl History {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<History> {
        let name = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| HistoryError::Folder {
                path: name.clone(),
                source,
            })?;
        }
        let sql = |source| HistoryError::Sqlite {
            path: name.clone(),
            source,
        };
        let mut conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(sql)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        migrate(&mut conn, &name)?;
        Ok(History { conn, path: name })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> HistoryError + '_ {
        |source| HistoryError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records a run in one transaction; returns its id.
    pub fn record(&mut self, run: &NewRun) -> Result<i64> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute(
            "INSERT INTO runs (recorded_at, verb, scenario_id, scenario_file, scenario_hash,
                               scenario_text, engine_version, parameters, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                now_utc(),
                run.verb,
                run.scenario_id,
                run.scenario_file,
                content_hash(&run.scenario_text),
                run.scenario_text,
                run.engine_version,
                run.parameters.to_string(),
                run.summary.to_string(),
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO package_verdicts (run_id, label, options, feasible,
                        acceptable_to_required, passes, frontier, deterrence, cost_per_year, reasons,
                        title, max_share, min_margin)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(sql)?;
            for p in &run.packages {
                stmt.execute(params![
                    id,
                    p.label,
                    serde_json::to_string(&p.options).expect("a string map serialises"),
                    p.feasible,
                    p.acceptable_to_required,
                    p.passes,
                    p.frontier,
                    p.deterrence,
                    p.cost_per_year,
                    serde_json::to_string(&p.reasons).expect("strings serialise"),
                    p.title,
                    p.max_share,
                    p.min_margin,
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// The most recent runs, newest first (at most `limit`).
    pub fn list(&self, limit: usize) -> Result<Vec<RunInfo>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {INFO_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([limit as i64], raw_info)
            .map_err(self.sql())?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        rows.into_iter().map(|r| r.parse(&self.path)).collect()
    }

    /// One run in full, or `None` if there is no run with this id.
    pub fn get(&self, id: i64) -> Result<Option<StoredRun>> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {INFO_COLUMNS}, scenario_text FROM runs WHERE id = ?1"),
                [id],
                |r| Ok((raw_info(r)?, r.get::<_, String>(9)?)),
            )
            .optional()
            .map_err(self.sql())?;
        let Some((raw, scenario_text)) = row else {
            return Ok(None);
        };
        let info = raw.parse(&self.path)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT label, options, feasible, acceptable_to_required, passes, frontier,
                        deterrence, cost_per_year, reasons, title, max_share, min_margin
                 FROM package_verdicts WHERE run_id = ?1 ORDER BY rowid",
            )
            .map_err(self.sql())?;
        let raw_packages = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, f64>(6)?,
                    r.get::<_, f64>(7)?,
                    r.get::<_, String>(8)?,
                    (
                        r.get::<_, String>(9)?,
                        r.get::<_, Option<f64>>(10)?,
                        r.get::<_, Option<f64>>(11)?,
                    ),
                ))
            })
            .map_err(self.sql())?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(self.sql())?;
        let mut packages = Vec::with_capacity(raw_packages.len());
        for (
            label,
            options,
            feasible,
            acc,
            passes,
            frontier,
            deterrence,
            cost,
            reasons,
            (title, max_share, min_margin),
        ) in raw_packages
        {
            packages.push(PackageRecord {
                options: json(&self.path, "package options", &options)?,
                reasons: json(&self.path, "package reasons", &reasons)?,
                label,
                feasible,
                acceptable_to_required: acc,
                passes,
                frontier,
                deterrence,
                cost_per_year: cost,
                title,
                max_share,
                min_margin,
            });
        }
        Ok(Some(StoredRun {
            info,
            scenario_text,
            packages,
        }))
    }
}

const INFO_COLUMNS: &str = "id, recorded_at, verb, scenario_id, scenario_file, scenario_hash, engine_version, parameters, summary";

struct RawInfo {
    id: i64,
    recorded_at: String,
    verb: String,
    scenario_id: String,
    scenario_file: String,
    scenario_hash: String,
    engine_version: String,
    parameters: String,
    summary: String,
}

fn raw_info(r: &rusqlite::Row) -> rusqlite::Result<RawInfo> {
    Ok(RawInfo {
        id: r.get(0)?,
        recorded_at: r.get(1)?,
        verb: r.get(2)?,
        scenario_id: r.get(3)?,
        scenario_file: r.get(4)?,
        scenario_hash: r.get(5)?,
        engine_version: r.get(6)?,
        parameters: r.get(7)?,
        summary: r.get(8)?,
    })
}

impl RawInfo {
    fn parse(self, path: &str) -> Result<RunInfo> {
        Ok(RunInfo {
            parameters: json(path, "run parameters", &self.parameters)?,
            summary: json(path, "run summary", &self.summary)?,
            id: self.id,
            recorded_at: self.recorded_at,
            verb: self.verb,
            scenario_id: self.scenario_id,
            scenario_file: self.scenario_file,
            scenario_hash: self.scenario_hash,
            engine_version: self.engine_version,
        })
    }
}

fn json<T: serde::de::DeserializeOwned>(path: &str, what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| HistoryError::Corrupt {
        path: path.to_string(),
        what: what.to_string(),
        message: e.to_string(),
    })
}

fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let sql = |source| HistoryError::Sqlite {
        path: path.to_string(),
        source,
    };
    // IMMEDIATE: two processes opening a new file at once must not both migrate.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    let version: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sql)?;
    if version > SCHEMA_VERSION {
        return Err(HistoryError::NewerSchema {
            path: path.to_string(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    for m in &MIGRATIONS[version as usize..] {
        tx.execute_batch(m).map_err(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(sql)?;
    tx.commit().map_err(sql)
}

/// The current time, UTC, ISO 8601 to the second.
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    iso8601(secs)
}

/// Seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian,
/// Howard Hinnant's `civil_from_days`).
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 12:34:56 UTC (a leap day in a century leap year).
        assert_eq!(iso8601(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(iso8601(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn content_hash_is_sha256() {
        assert_eq!(
            content_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn default_path_prefers_env_then_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert_eq!(
            default_path(env(&[(HISTORY_ENV, "/x/h.db"), ("HOME", "/home/a")])).unwrap(),
            PathBuf::from("/x/h.db")
        );
        assert_eq!(
            default_path(env(&[("XDG_DATA_HOME", "/d"), ("HOME", "/home/a")])).unwrap(),
            PathBuf::from("/d/guarantor/history.sqlite")
        );
        assert_eq!(
            default_path(env(&[("HOME", "/home/a")])).unwrap(),
            PathBuf::from("/home/a/.local/share/guarantor/history.sqlite")
        );
        assert!(matches!(
            default_path(env(&[])),
            Err(HistoryError::NoLocation)
        ));
    }
}
