//! Briefing-ready output (issue #19): readable package titles, what-ifs with
//! `--set`, the same packages in every output, diagnostics that do not depend
//! on the checkout's path, did-you-mean on options, the forecast's table.

use serde_json::Value;

use crate::common::{guarantor, json, repo_file, success};

fn stderr_of(args: &[&str]) -> String {
    let out = guarantor().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn packages_carry_readable_titles_and_keep_their_ids() {
    let v = json(&["run", "--json", "--top", "1"]);
    let p = &v["packages"][0];
    assert_eq!(
        p["title"],
        "Ground force: none · Command: national flags, European-led · Air defence: US batteries · \
         Air cover: none · Weapons: halted · Commitment: Art. 5-like, binding · \
         Monitoring: ground teams · Ukraine's army: no cap"
    );
    assert_eq!(
        p["label"],
        "none · coalition_national_flags · us_systems · none · halted · art5_like_binding · ground_teams · no_cap"
    );
    let text = guarantor().args(["run", "--top", "1"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Command: national flags, European-led"),
        "{text}"
    );
    assert!(!text.contains("coalition_national_flags ·"), "{text}");
}

#[test]
fn run_text_and_json_list_the_same_packages() {
    // Exact codings (precision 0), so that some packages pass.
    let exact = ["--set", "parameters.acceptance_precision=0"];
    let v = json(&["run", "--json", exact[0], exact[1]]);
    assert_eq!(v["listed"], "passing");
    let listed = v["packages"].as_array().unwrap();
    assert_eq!(
        listed.len() as u64,
        v["counts"]["passing"].as_u64().unwrap()
    );
    assert!(listed.iter().all(|p| p["passes"] == true));
    let text = guarantor().arg("run").args(exact).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!("Top {} passing packages", listed.len())),
        "{text}"
    );
    // Nothing passes: both list the closest packages.
    let v = json(&["run", "--json", "--set", "actors.ru.reservation=0.99"]);
    assert_eq!(v["listed"], "closest");
    assert_eq!(v["packages"].as_array().unwrap().len(), 10);
}

#[test]
fn set_changes_the_scenario_names_itself_in_the_output_and_moves_the_verdict() {
    let base = json(&[
        "run",
        "--json",
        "--set",
        "parameters.acceptance_precision=0",
    ]);
    let what_if = json(&["run", "--json", "--set", "actors.ru.reservation=0.99"]);
    assert_eq!(what_if["what_if"][0]["path"], "actors.ru.reservation");
    assert_eq!(what_if["what_if"][0]["value"], 0.99);
    assert_eq!(what_if["what_if"][0]["was"], 0.6);
    assert!(base["counts"]["passing"].as_u64().unwrap() > 0);
    assert_eq!(what_if["counts"]["passing"], 0);
    let out = guarantor()
        .args(["run", "--top", "1", "--set", "actors.ru.reservation=0.99"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("What-if: actors.ru.reservation = 0.99 (scenario: 0.6)\n"),
        "{text}"
    );
    // explain takes the same what-ifs.
    let v = json(&["explain", "--json", "--set", "actors.ru.reservation=0.99"]);
    assert_eq!(v["what_if"][0]["path"], "actors.ru.reservation");
}

#[test]
fn set_refuses_unknown_paths_with_a_suggestion_and_values_outside_the_domain() {
    let e = stderr_of(&["run", "--set", "actors.ru.reservaton=0.5"]);
    assert!(e.contains("did you mean \"reservation\""), "{e}");
    let e = stderr_of(&["run", "--set", "actors.ru.reservation=1.5"]);
    assert!(e.contains("between 0 and 1"), "{e}");
    let e = stderr_of(&["run", "--set", "actors.ru.reservation"]);
    assert!(e.contains("must be PATH=VALUE"), "{e}");
    let e = stderr_of(&["run", "--set", "actors.ru.reservation=lots"]);
    assert!(e.contains("is not a number"), "{e}");
}

#[test]
fn diff_compares_a_scenario_with_a_what_if_of_itself() {
    let file = repo_file("scenarios/ukraine-2025-08.toml");
    let v = json(&[
        "diff",
        &file,
        "--json",
        "--set",
        "actors.ru.reservation=0.99",
    ]);
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert_eq!(inputs[0]["path"], "actors.ru.reservation (what-if)");
    assert_eq!(inputs[0]["before"], "0.6");
    assert_eq!(inputs[0]["after"], "0.99");
    assert_eq!(v["verdicts"]["passing_after"], 0);
    assert!(v["b"].as_str().unwrap().contains("with what-ifs"));
}

#[test]
fn a_misspelt_option_gets_a_suggestion() {
    let e = stderr_of(&["explain", "--option", "command=national_flag_us_c2"]);
    assert!(e.contains("did you mean \"national_flags_us_c2\""), "{e}");
    let e = stderr_of(&["explain", "--option", "comand=nato_mission"]);
    assert!(e.contains("did you mean \"command\""), "{e}");
}

#[test]
fn check_defaults_to_the_embedded_scenario() {
    let out = guarantor().arg("check").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid"));
}

/// A long checkout path must not wrap a diagnostic (it once pushed "errors"
/// onto the next line and failed a test in a deeper clone).
#[test]
fn diagnostics_do_not_wrap_however_long_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().to_path_buf();
    for i in 0..8 {
        deep.push(format!("a-deliberately-long-folder-name-{i:02}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    let file = deep.join("bad.toml");
    std::fs::copy(
        repo_file("tests/bad-inputs/scenario/several_errors_at_once.toml"),
        &file,
    )
    .unwrap();
    let path = file.display().to_string();
    assert!(path.len() > 250);
    let e = stderr_of(&["check", &path]);
    let summary = e
        .lines()
        .find(|l| l.contains("errors in the scenario"))
        .unwrap_or_else(|| panic!("no summary line:\n{e}"));
    assert!(summary.starts_with(&path), "{summary}");
    assert!(summary.ends_with("again."), "{summary}");
    assert!(e.contains("guarantor::scenario::out_of_range"), "{e}");
    assert!(e.contains("`actors.a.reservation`"), "{e}");
}

#[test]
fn forecast_shows_dimensions_moves_and_what_win_probabilities_mean() {
    let out = guarantor().arg("forecast").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("actor "))
        .unwrap_or_else(|| panic!("no header row:\n{text}"));
    assert!(header.contains("foreign_ground_troops"), "{header}");
    assert!(text.contains("Who moved"), "{text}");
    assert!(text.contains("sums to more than 1"), "{text}");
    assert!(text.contains("Nearest package: Ground force:"), "{text}");
}

#[test]
fn a_recorded_what_if_keeps_its_set_and_can_be_diffed_against_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    success(guarantor().env("GUARANTOR_HISTORY", &db).args([
        "run",
        "--record",
        "--quiet",
        "--set",
        "actors.ru.reservation=0.99",
    ]));
    let out = guarantor()
        .env("GUARANTOR_HISTORY", &db)
        .args(["history", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["runs"][0]["parameters"]["set"][0],
        "actors.ru.reservation=0.99"
    );
    let file = repo_file("scenarios/ukraine-2025-08.toml");
    let out = guarantor()
        .env("GUARANTOR_HISTORY", &db)
        .args(["diff", &file, "run:1", "--json"])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["inputs"][0]["path"], "actors.ru.reservation (what-if)");
    assert_eq!(d["verdicts"]["passing_after"], 0);
}

#[test]
fn diff_leads_with_the_top_package_the_frontier_and_score_changes() {
    // The default scenario read with exact codings (precision 0), so that
    // some packages pass.
    let text = std::fs::read_to_string(repo_file("scenarios/ukraine-2025-08.toml"))
        .unwrap()
        .replace("acceptance_precision = 0.02", "acceptance_precision = 0.0");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exact.toml");
    std::fs::write(&path, text).unwrap();
    let file = path.to_str().unwrap();
    // A dearer US battery changes no verdict, but every passing package's cost.
    let args = [
        "diff",
        file,
        "--set",
        "actors.us.inventory.gbad_long.cost_per_unit_year=400",
    ];
    let out = guarantor().args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Top package: unchanged"), "{text}");
    assert!(text.contains("Frontier: unchanged."), "{text}");
    assert!(text.contains("cost 7,462 → 11,337 (+3,875)"), "{text}");
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let v = json(&json_args);
    let h = &v["verdicts"]["headline"];
    assert_eq!(h["top_before"]["label"], h["top_after"]["label"]);
    assert!(!h["scores"].as_array().unwrap().is_empty());
    assert_eq!(v["verdicts"]["flipped"].as_array().unwrap().len(), 0);
}

/// With Russia's reservation at 0.8 nothing passes; the closest packages are
/// those with the smallest gap to passing, not the fewest failed tests.
#[test]
fn closest_packages_are_ranked_by_their_gap_to_passing() {
    let v = json(&[
        "run",
        "--json",
        "--top",
        "3000",
        "--set",
        "actors.ru.reservation=0.8",
    ]);
    assert_eq!(v["listed"], "closest");
    let ps = v["packages"].as_array().unwrap();
    let gaps: Vec<f64> = ps
        .iter()
        .map(|p| p["gap_to_passing"].as_f64().unwrap())
        .collect();
    assert!(gaps.windows(2).all(|w| w[0] <= w[1]), "sorted by gap");
    assert!(gaps[0] > 0.0 && gaps[0] < 0.2, "{}", gaps[0]);
    let first = &ps[0];
    let red_lines = first["acceptance"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|a| a["reasons"].as_array().unwrap().iter())
        .filter(|r| r["kind"] == "red_line")
        .count();
    assert_eq!(red_lines, 0, "the closest package breaks no red line");
    // Passing packages have no gap.
    let base = json(&[
        "run",
        "--json",
        "--set",
        "parameters.acceptance_precision=0",
    ]);
    assert!(
        base["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["gap_to_passing"] == 0.0)
    );
}
