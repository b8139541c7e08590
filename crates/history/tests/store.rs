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
