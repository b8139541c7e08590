//! End-to-end: `guarantor uncertainty` as a user runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn guarantor() -> Command {
    Command::cargo_bin("guarantor").unwrap()
}

const SMALL: &[&str] = &[
    "uncertainty",
    "--draws",
    "40",
    "--packages",
    "top:2",
    "--tornado-draws",
    "4",
    "--sobol",
    "64",
    "--threads",
    "2",
];

#[test]
fn text_output_has_the_ranking_the_tornado_and_the_prim_boxes() {
    guarantor()
        .args(SMALL)
        .assert()
        .success()
        .stdout(predicate::str::contains("Robust ranking"))
        .stdout(predicate::str::contains(
            "P(accepted) for the robust top package",
        ))
        .stdout(predicate::str::contains("Tornado for"))
        .stdout(predicate::str::contains("Where"))
        .stdout(predicate::str::contains("of draws where"))
        // No progress bar: stderr is not a terminal here.
        .stderr(predicate::str::is_empty());
}

#[test]
fn json_carries_everything_and_repeats_exactly() {
    let run = || {
        let out = guarantor().args(SMALL).arg("--json").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let first = run();
    assert_eq!(first, run(), "same seed, same output");
    let v: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["draws"], 40);
    assert_eq!(v["sampler"], "lhs");
    let ranking = v["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 2);
    for key in [
        "passes",
        "feasible",
        "accepted",
        "cost_per_year",
        "expected_deterrence",
    ] {
        assert!(ranking[0].get(key).is_some(), "ranking lacks {key}");
    }
    assert!(ranking[0]["passes"]["se"].is_number());
    assert!(ranking[0]["accepted"]["ru"]["p"].is_number());
    let sens = &v["sensitivity"];
    assert!(sens["tornado"]["bars"].as_array().unwrap().len() > 5);
    assert!(sens["sobol"].is_object() || sens["sobol_note"].is_string());
    assert!(v["discovery"]["boxes"].is_array());
    let paths: Vec<&str> = v["uncertainties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"parameters.rotation.land"));
}

#[test]
fn bad_options_get_clear_errors() {
    guarantor()
        .args(["uncertainty", "--sampler", "sobolx"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--sampler \"sobolx\" must be mc"));
    guarantor()
        .args(["uncertainty", "--sobol", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("at least 64 base rows"));
    guarantor()
        .args(["uncertainty", "--packages", "top:0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("top:K with K ≥ 1"));
    guarantor()
        .args(["uncertainty", "--packages", "all", "--draws", "100000"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "lower --draws or study fewer packages",
        ));
}

#[test]
fn a_scenario_without_uncertainties_is_refused_with_a_hint() {
    let file = format!(
        "{}/../model/tests/data/small.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    guarantor()
        .args(["uncertainty", &file, "--draws", "10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("declares no uncertainties"))
        .stderr(predicate::str::contains("[[uncertainty]]"));
}

#[test]
fn option_chooses_the_package_to_study_and_joins_it_to_the_ranking() {
    let out = guarantor()
        .args([
            "uncertainty",
            "--draws",
            "30",
            "--packages",
            "top:1",
            "--tornado-draws",
            "3",
            "--sobol",
            "0",
            "--option",
            "ground_force=reassurance_small",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let label = v["sensitivity"]["package"].as_str().unwrap();
    assert!(label.starts_with("reassurance_small · "), "{label}");
    assert_eq!(v["sensitivity"]["chosen_as"], "chosen with --option");
    assert_eq!(v["discovery"]["package"], label);
    let ranking = v["ranking"].as_array().unwrap();
    assert_eq!(ranking.len(), 2);
    assert!(ranking.iter().any(|p| p["label"] == label));

    guarantor()
        .args([
            "uncertainty",
            "--draws",
            "5",
            "--option",
            "ground_forse=none",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "unknown component \"ground_forse\"",
        ));
}
