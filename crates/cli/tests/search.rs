//! End-to-end: search at scale, why-not counts, nearest fixes, synthetic scenarios.

use std::collections::BTreeMap;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use crate::common::json;

fn guarantor() -> Command {
    Command::cargo_bin("guarantor").unwrap()
}

#[test]
fn run_prints_why_not_counts_and_json_carries_failures() {
    guarantor()
        .arg("run")
        .assert()
        .success()
        .stdout(predicate::str::contains("Why packages fail"))
        .stdout(predicate::str::contains(
            "fail on infeasible + ru (1,086 packages)",
        ))
        .stdout(predicate::str::contains("gbad_long 2,736"));
    let v = json(&["run", "--json"]);
    let f = &v["failures"];
    assert_eq!(f["infeasible"], 5832);
    assert_eq!(f["short_of"]["brigades"], 3456);
    assert_eq!(f["short_of"]["fighters"], 2052);
    assert_eq!(f["short_of"]["gbad_long"], 2736);
    assert_eq!(
        f["rejected_by"]["ru"]["red_lines"]["no_nato_country_ground_troops"],
        6912
    );
    let combos = f["combinations"].as_array().unwrap();
    let total: u64 = combos.iter().map(|c| c["packages"].as_u64().unwrap()).sum();
    assert_eq!(total, f["failing"].as_u64().unwrap());
    // Every package of the package space passes, is undetermined or fails;
    // with the 432 excluded that is the whole option space.
    let c = &v["counts"];
    assert_eq!(
        total + c["passing"].as_u64().unwrap() + c["undetermined"].as_u64().unwrap(),
        8208
    );
    assert_eq!(
        c["evaluated"].as_u64().unwrap() + c["excluded"].as_u64().unwrap(),
        8640
    );
    assert_eq!(
        v["objectives"],
        serde_json::json!(["deterrence", "margin", "cost", "burden"])
    );
}

#[test]
fn objectives_choose_the_frontier() {
    // With cost alone, only the cheapest passing packages are on the frontier.
    let v = json(&[
        "run",
        "--json",
        "--objectives",
        "cost",
        "--set",
        "parameters.acceptance_precision=0",
    ]);
    let frontier = v["frontier"].as_array().unwrap();
    let cheapest = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["passes"] == true)
        .map(|p| p["cost_per_year"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert!(!frontier.is_empty());
    for p in frontier {
        assert_eq!(p["cost_per_year"].as_f64().unwrap(), cheapest);
    }
    guarantor()
        .args(["run", "--objectives", "deterrence,price"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown objective \"price\""));
}

#[test]
fn explain_json_gives_nearest_fixes_that_work() {
    let options = [
        "ground_force=none",
        "command=coalition_national_flags",
        "air_defence=european_systems",
        "air_cover=none",
        "weapons=halted",
        "commitment=art5_like_binding",
        "monitoring=ground_teams",
    ];
    // Exact codings (precision 0), so that a single swap makes it pass.
    let mut args = vec![
        "explain",
        "--json",
        "--set",
        "parameters.acceptance_precision=0",
    ];
    for o in &options {
        args.push("--option");
        args.push(o);
    }
    let v = json(&args);
    assert_eq!(v["passes"], false);
    let fixes = v["nearest_fixes"].as_array().unwrap();
    assert!(!fixes.is_empty());
    assert_eq!(fixes[0]["kind"], "swap_option");
    assert_eq!(fixes[0]["result"]["passes"], true);
    // Apply the first fix through the CLI: the package passes.
    let detail = &fixes[0]["detail"];
    let mut chosen: BTreeMap<String, String> = options
        .iter()
        .map(|o| {
            let (c, v) = o.split_once('=').unwrap();
            (c.to_string(), v.to_string())
        })
        .collect();
    chosen.insert(
        detail["component"].as_str().unwrap().to_string(),
        detail["to"].as_str().unwrap().to_string(),
    );
    let mut args = vec![
        "explain".to_string(),
        "--json".to_string(),
        "--set".to_string(),
        "parameters.acceptance_precision=0".to_string(),
    ];
    for (c, o) in &chosen {
        args.push("--option".into());
        args.push(format!("{c}={o}"));
    }
    let out = guarantor().args(&args).output().unwrap();
    let w: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(w["passes"], true);
    assert_eq!(w["nearest_fixes"], serde_json::json!([]));
}

#[test]
fn synth_writes_a_valid_seeded_scenario_that_runs() {
    let dir = std::env::temp_dir().join(format!("guarantor-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("s.toml");
    let args = [
        "synth",
        "--components",
        "5",
        "--options",
        "3",
        "--contributors",
        "8",
        "--capabilities",
        "4",
        "--actors",
        "5",
        "--seed",
        "42",
    ];
    let a = guarantor().args(args).output().unwrap();
    let b = guarantor().args(args).output().unwrap();
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed, same scenario");
    std::fs::write(&file, &a.stdout).unwrap();
    guarantor()
        .arg("check")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("243 packages"));
    let v = json(&["run", "--json", file.to_str().unwrap()]);
    assert_eq!(v["evaluated"], 243);
    guarantor()
        .args(["synth", "--options", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "synth: options must be at least 2",
        ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_progress_bar_or_colour_when_not_a_terminal() {
    // Under test, stdout and stderr are pipes: nothing on stderr, no escape codes.
    let out = guarantor().arg("run").output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn prune_cuts_subtrees_but_keeps_the_passing_packages() {
    let full = json(&["run", "--json", "--top", "6"]);
    let pruned = json(&["run", "--json", "--top", "6", "--prune"]);
    assert_eq!(pruned["counts"]["passing"], full["counts"]["passing"]);
    assert_eq!(pruned["frontier"], full["frontier"]);
    let cut = pruned["counts"]["pruned"].as_u64().unwrap();
    assert!(cut > 0);
    assert_eq!(
        cut + pruned["counts"]["evaluated"].as_u64().unwrap()
            + pruned["counts"]["excluded"].as_u64().unwrap(),
        8640
    );
    assert!(
        pruned["failures"]["pruned_by"]
            .as_object()
            .unwrap()
            .contains_key("ru: red line no_nato_mission")
    );
    guarantor()
        .args(["run", "--prune"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "cut unscreened (they cannot pass)",
        ));
}

#[test]
fn a_solver_time_limit_is_an_error_naming_the_package_and_capability() {
    let text = std::fs::read_to_string(format!(
        "{}/../../scenarios/ukraine-2025-08.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace(
        "solver_time_limit_s = 10",
        "solver_time_limit_s = 0.000000001",
    );
    let dir = std::env::temp_dir().join(format!("guarantor-tl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tl.toml");
    std::fs::write(&file, text).unwrap();
    guarantor()
        .arg("run")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error: package "))
        .stderr(predicate::str::contains("hit its time limit"))
        .stderr(predicate::str::contains("on capability"));
    std::fs::remove_dir_all(&dir).ok();
}
