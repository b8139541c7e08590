//! The run history on disk: round trip, concurrent writers, schema versions.

use std::collections::BTreeMap;

use guarantor_history::{
    History, HistoryError, NewRun, PackageRecord, SCHEMA_VERSION, content_hash,
};

fn run(scenario: &str, passes: bool) -> NewRun {
    NewRun {
        verb: "run".into(),
        scenario_id: "demo".into(),
        scenario_file: "demo.toml".into(),
        scenario_text: scenario.into(),
        engine_version: "0.1.0".into(),
        parameters: serde_json::json!({ "threads": 2 }),
        summary: serde_json::json!({ "counts": { "evaluated": 2, "passing": u8::from(passes) } }),
        packages: vec![
            PackageRecord {
                label: "a · x".into(),
                options: BTreeMap::from([("c".into(), "a".into())]),
                feasible: true,
                acceptable_to_required: passes,
                passes,
                frontier: passes,
                deterrence: 0.7,
                cost_per_year: 10.0,
                reasons: if passes {
                    vec![]
                } else {
                    vec!["ru rejects: red line".into()]
                },
                title: "C: a".into(),
                max_share: Some(0.5),
                min_margin: Some(if passes { 0.1 } else { -0.1 }),
            },
            PackageRecord {
                label: "b · x".into(),
                options: BTreeMap::from([("c".into(), "b".into())]),
                feasible: false,
                acceptable_to_required: true,
                passes: false,
                frontier: false,
                deterrence: 0.2,
                cost_per_year: 5.0,
                reasons: vec!["infeasible: short".into()],
                title: "C: b".into(),
                max_share: Some(1.0),
                min_margin: None,
            },
        ],
    }
}

#[test]
fn recorded_runs_read_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("history.sqlite");
    let mut h = History::open(&path).unwrap();
    let a = h.record(&run("x = 1\n", true)).unwrap();
    let b = h.record(&run("x = 2\n", false)).unwrap();
    assert!(b > a);
    let list = h.list(10).unwrap();
    assert_eq!(list.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b, a]);
    assert_eq!(list[1].scenario_hash, content_hash("x = 1\n"));
    assert_eq!(list[0].summary["counts"]["passing"], 0);
    assert_eq!(list[0].parameters["threads"], 2);
    assert!(list[0].recorded_at.ends_with('Z'));
    let got = h.get(a).unwrap().unwrap();
    assert_eq!(got.scenario_text, "x = 1\n");
    assert_eq!(got.packages, run("", true).packages);
    assert!(h.get(999).unwrap().is_none());
    drop(h);
    // Reopening applies no migration twice and keeps every run.
    let h = History::open(&path).unwrap();
    assert_eq!(h.list(1).unwrap()[0].id, b);
}

#[test]
fn concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut h = History::open(&path).unwrap();
                (0..10)
                    .map(|i| {
                        h.record(&run(&format!("t = {t}\ni = {i}\n"), i % 2 == 0))
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<i64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let h = History::open(&path).unwrap();
    assert_eq!(h.list(100).unwrap().len(), 40);
    for id in ids {
        assert_eq!(h.get(id).unwrap().unwrap().packages.len(), 2);
    }
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    History::open(&path)
        .unwrap()
        .record(&run("x = 1\n", true))
        .unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = History::open(&path)
        .err()
        .expect("a newer schema is refused");
    assert!(matches!(err, HistoryError::NewerSchema { .. }), "{err}");
    assert!(err.to_string().contains("newer"));
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    std::fs::write(&path, b"this is not sqlite, and it must stay as it is").unwrap();
    let err = History::open(&path).err().expect("not a database");
    assert!(err.to_string().contains("history.sqlite"), "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not sqlite, and it must stay as it is"
    );
}

/// A history written by 0.1.0 (schema version 1) opens, is migrated in place,
/// and its packages read back with no title, burden or margin.
#[test]
fn a_version_1_history_is_migrated_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE runs (
                id INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, verb TEXT NOT NULL,
                scenario_id TEXT NOT NULL, scenario_file TEXT NOT NULL,
                scenario_hash TEXT NOT NULL, scenario_text TEXT NOT NULL,
                engine_version TEXT NOT NULL, parameters TEXT NOT NULL, summary TEXT NOT NULL);
            CREATE INDEX runs_by_hash ON runs(scenario_hash);
            CREATE TABLE package_verdicts (
                run_id INTEGER NOT NULL REFERENCES runs(id), label TEXT NOT NULL,
                options TEXT NOT NULL, feasible INTEGER NOT NULL,
                acceptable_to_required INTEGER NOT NULL, passes INTEGER NOT NULL,
                frontier INTEGER NOT NULL, deterrence REAL NOT NULL,
                cost_per_year REAL NOT NULL, reasons TEXT NOT NULL,
                PRIMARY KEY (run_id, label));
            INSERT INTO runs VALUES (1, '2026-11-01T00:00:00Z', 'run', 's', 's.toml', 'h', 'x',
                '0.1.0', '{}', '{}');
            INSERT INTO package_verdicts VALUES (1, 'a', '{}', 1, 1, 1, 1, 0.5, 10.0, '[]');
            PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let h = History::open(&path).unwrap();
    let run = h.get(1).unwrap().unwrap();
    assert_eq!(run.packages.len(), 1);
    assert_eq!(run.packages[0].title, "");
    assert_eq!(run.packages[0].max_share, None);
    let c = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
}
