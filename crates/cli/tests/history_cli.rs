//! `--record`, `guarantor history` and `guarantor diff`.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn guarantor(db: &Path) -> Command {
    let mut c = Command::cargo_bin("guarantor").unwrap();
    // Never touch the user's real history.
    c.env("GUARANTOR_HISTORY", db);
    c
}

const SCENARIO: &str = include_str!("../../../scenarios/ukraine-2025-08.toml");
/// The US commits half its share of Patriot batteries: 5 instead of the 10
/// every passing package of the default needs.
const DE_MATERIEL: &str = "gbad_long = { count = 60, readiness = 0.85, deployable_share = 0.2, cost_per_unit_year = 12.5, force_model_tier = 2 }";
const DE_MATERIEL_LOW: &str = "gbad_long = { count = 60, readiness = 0.85, deployable_share = 0.1, cost_per_unit_year = 12.5, force_model_tier = 2 }";
/// The codings read as exact (precision 0), so that some packages pass.
const PRECISION: &str = "acceptance_precision = 0.02";
const EXACT: &str = "acceptance_precision = 0.0";

fn scenarios(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    assert_eq!(
        SCENARIO.matches(DE_MATERIEL).count(),
        1,
        "the test edits the US batteries' line"
    );
    assert_eq!(SCENARIO.matches(PRECISION).count(), 1);
    let exact = SCENARIO.replace(PRECISION, EXACT);
    let a = dir.join("a.toml");
    let b = dir.join("b.toml");
    std::fs::write(&a, &exact).unwrap();
    std::fs::write(&b, exact.replace(DE_MATERIEL, DE_MATERIEL_LOW)).unwrap();
    (a, b)
}

#[test]
fn history_is_empty_until_a_run_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    guarantor(&db)
        .arg("history")
        .assert()
        .success()
        .stdout(predicate::str::contains("No run history"));
    assert!(!db.exists(), "listing must not create the database");
    guarantor(&db)
        .args(["run", "--record", "--top", "1"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Recorded as run 1"));
    let o = guarantor(&db).args(["history", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["verb"], "run");
    assert_eq!(runs[0]["scenario_id"], "ukraine-2025-08");
    assert_eq!(runs[0]["engine_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(runs[0]["summary"]["counts"]["evaluated"], 8208);
    assert_eq!(runs[0]["scenario_hash"].as_str().unwrap().len(), 64);
    guarantor(&db)
        .arg("history")
        .assert()
        .success()
        .stdout(predicate::str::contains("ukraine-2025-08").and(predicate::str::contains("8208")));
}

#[test]
fn history_flag_overrides_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let env_db = dir.path().join("env.sqlite");
    let flag_db = dir.path().join("flag.sqlite");
    guarantor(&env_db)
        .args([
            "report",
            "--forecast-model",
            "none",
            "--record",
            "--history",
        ])
        .arg(&flag_db)
        .arg("-o")
        .arg(dir.path().join("rep"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Recorded as run 1"));
    assert!(flag_db.exists());
    assert!(!env_db.exists());
}

#[test]
fn diff_of_two_files_names_the_input_and_the_flipped_packages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    let (a, b) = scenarios(dir.path());
    let o = guarantor(&db).arg("diff").arg(&a).arg(&b).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("actors.us.inventory.gbad_long.deployable_share: 0.2 → 0.1"),
        "{text}"
    );
    assert!(text.contains("passing 4 → 0; 4 flipped"), "{text}");
    assert!(text.contains("passes → infeasible"));
    assert!(text.contains("+ infeasible: long-range air-defence batteries short by 5"));
    let o = guarantor(&db)
        .args(["diff", "--json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inputs"].as_array().unwrap().len(), 1);
    let flipped = v["verdicts"]["flipped"].as_array().unwrap();
    assert_eq!(flipped.len(), 4);
    assert!(
        flipped
            .iter()
            .any(|f| f["label"] == "none · coalition_national_flags · us_systems · none · halted · art5_like_binding · ground_teams · no_cap")
    );
    for f in flipped {
        assert_eq!(f["before"]["passes"], true);
        assert_eq!(f["after"]["feasible"], false);
    }
}

#[test]
fn diff_of_a_file_with_itself_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = scenarios(dir.path());
    guarantor(&dir.path().join("h.sqlite"))
        .arg("diff")
        .arg(&a)
        .arg(&a)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Inputs: identical.")
                .and(predicate::str::contains("0 flipped")),
        );
}

#[test]
fn diff_of_two_recorded_runs_uses_what_was_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    let (a, b) = scenarios(dir.path());
    for f in [&a, &b] {
        guarantor(&db)
            .args(["run", "--record", "--top", "1"])
            .arg(f)
            .assert()
            .success();
    }
    // The files may change or vanish afterwards: the runs keep their own copy.
    std::fs::remove_file(&a).unwrap();
    std::fs::remove_file(&b).unwrap();
    let o = guarantor(&db)
        .args(["diff", "run:1", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("A: run 1"));
    assert!(text.contains("actors.us.inventory.gbad_long.deployable_share: 0.2 → 0.1"));
    assert!(text.contains("4 flipped"), "{text}");
}

#[test]
fn diff_explains_a_bad_argument() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    guarantor(&db)
        .args(["diff", "no-such-file.toml", "run:1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "neither a scenario file nor a run id",
        ));
    guarantor(&db)
        .args(["run", "--record", "--top", "1"])
        .assert()
        .success();
    guarantor(&db)
        .args(["diff", "run:1", "run:7"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no recorded run 7"));
}
