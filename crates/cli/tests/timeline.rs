//! The scenario library (`scenarios`, `--scenario ID`, hindsight warnings in
//! `check`) and `timeline`, end to end. The three-date fixture in
//! `tests/timeline/` is built so that every move is known in advance (see its
//! README): the assertions below are those moves, worked out by hand.

use serde_json::Value;

use crate::common::{guarantor, json, repo_file, success};

const IDS: [&str; 3] = ["ukraine-2025-08", "ukraine-2025-11", "ukraine-2026-01"];

#[test]
fn scenarios_json_lists_the_library_in_date_order() {
    let v = json(&["scenarios", "--json"]);
    let list = v.as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, IDS);
    let dates: Vec<&str> = list.iter().map(|e| e["as_of"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2025-08-20", "2025-11-23", "2026-01-08"]);
    // The default's package space: 8,640 combinations less the 432 that US
    // command and control without a force excludes (as `check` counts them).
    assert_eq!(list[0]["packages"], 8208);
    assert!(
        list[2]["title"]
            .as_str()
            .unwrap()
            .contains("Paris Declaration")
    );
}

#[test]
fn each_embedded_scenario_checks_clean_without_hindsight() {
    for id in IDS {
        let v = json(&["check", "--scenario", id, "--json"]);
        assert_eq!(v["valid"], true, "{id}");
        assert_eq!(
            v["warnings"],
            Value::Array(Vec::new()),
            "{id}: {}",
            v["warnings"]
        );
    }
    // And the files on disk are the embedded ones.
    for id in IDS {
        let v = json(&[
            "check",
            &repo_file(&format!("scenarios/{id}.toml")),
            "--json",
        ]);
        assert_eq!(v["warnings"], Value::Array(Vec::new()), "{id}");
    }
}

#[test]
fn check_warns_of_a_cited_source_dated_after_as_of() {
    let text = std::fs::read_to_string(repo_file("tests/timeline/t1.toml")).unwrap()
        + "\n[[meta.sources]]\nid = \"later\"\ndate = \"2025-06\"\ncitation = \"A later report\"\n";
    // Cite it on the line of Beta's reservation (line numbers counted below).
    let text = text.replacen(
        "reservation = 0.1\nposition = { troops = 0.5, air = 0.5 }\nsalience = { troops = 1.0, air = 1.0 }\n\n[[components]]",
        "reservation = 0.1   # [src later]\nposition = { troops = 0.5, air = 0.5 }\nsalience = { troops = 1.0, air = 1.0 }\n\n[[components]]",
        1,
    );
    let line = text
        .lines()
        .position(|l| l.contains("[src later]"))
        .unwrap()
        + 1;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("hindsight.toml");
    std::fs::write(&f, &text).unwrap();
    let v = json(&["check", f.to_str().unwrap(), "--json"]);
    assert_eq!(v["valid"], true);
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0]["line"], line);
    assert_eq!(w[0]["column"], 23);
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("dated 2025-06, after the scenario's as_of 2025-01-01")
    );
    // The terminal names file and line; the check still succeeds.
    let out = success(guarantor().args(["check", f.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("hindsight.toml:{line}:23: cites source \"later\"")),
        "{err}"
    );
}

#[test]
fn scenario_ids_work_wherever_a_scenario_is_taken() {
    let v = json(&[
        "run",
        "--scenario",
        "ukraine-2025-11",
        "--json",
        "--top",
        "1",
    ]);
    assert_eq!(v["scenario"], "ukraine-2025-11");
    // diff takes ids as it takes files: November adds the fighters-in-Poland option.
    let d = json(&["diff", "ukraine-2025-08", "ukraine-2025-11", "--json"]);
    assert_eq!(d["verdicts"]["only_in_b"], 2052);
    let out = guarantor()
        .args(["run", "--scenario", "ukraine-2025-12"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no embedded scenario \"ukraine-2025-12\""),
        "{err}"
    );
    assert!(err.contains("did you mean"), "{err}");
}

fn fixture(n: usize) -> String {
    repo_file(&format!("tests/timeline/t{n}.toml"))
}

fn paths(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn timeline_attributes_each_move_to_the_inputs_that_cause_it() {
    // Given out of order: the timeline runs by as_of.
    let v = json(&["timeline", &fixture(3), &fixture(1), &fixture(2), "--json"]);
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    let (s1, s2) = (&steps[0], &steps[1]);
    assert_eq!(
        (s1["from"].as_str(), s1["to"].as_str()),
        (Some("fixture-1"), Some("fixture-2"))
    );

    // Step 1: Beta's new red line vetoes the two patrol packages; Alpha's
    // brigades (10 → 0) make the two "one brigade" packages infeasible.
    // (one, patrol) fails under either change alone.
    let inputs: Vec<(&str, &str)> = s1["changed_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["path"].as_str().unwrap(), u["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("actors.a.inventory.brigades.count", "capacity"),
            ("actors.b.red_lines.no_patrols", "red line")
        ]
    );
    assert_eq!(s1["flipped"], 3);
    assert_eq!(
        (s1["passing_before"].as_u64(), s1["passing_after"].as_u64()),
        (Some(4), Some(1))
    );
    let cause = |s: &Value, pkg: &str| {
        let m = s["moves"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["package"] == pkg)
            .unwrap_or_else(|| panic!("no move of {pkg}"));
        paths(&m["causes"])
    };
    let red_line = "actors.b.red_lines.no_patrols";
    let capacity = "actors.a.inventory.brigades.count";
    assert_eq!(cause(s1, "air=patrol · force=none"), [red_line]);
    assert_eq!(cause(s1, "air=none · force=one"), [capacity]);
    assert_eq!(cause(s1, "air=patrol · force=one"), [capacity, red_line]);
    assert_eq!(s1["joint"], 0);
    let reasons = s1["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 2);
    for r in reasons {
        assert_eq!(
            (r["moves"].as_u64(), r["to_fail"].as_u64()),
            (Some(2), Some(2)),
            "{r}"
        );
    }
    // The top package (nothing, nothing) stays on top.
    assert_eq!(s1["top_before"]["label"], s1["top_after"]["label"]);

    // Step 2: the red line goes (the one move that flips, and the one that
    // only changes acceptability); Beta's position moves no verdict; a new
    // force option adds two packages and becomes the top package alone.
    assert_eq!(s2["flipped"], 1);
    assert_eq!(s2["changed"], 1);
    assert_eq!(s2["only_after"], 2);
    assert_eq!(cause(s2, "air=patrol · force=none"), [red_line]);
    assert_eq!(cause(s2, "air=patrol · force=one"), [red_line]);
    let r2: Vec<(&str, u64)> = s2["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["input"].as_str().unwrap(), r["moves"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        r2,
        [
            ("actors.b.red_lines.no_patrols", 2),
            ("actors.b.position.troops", 0),
            ("components.force.options.small", 0)
        ]
    );
    assert_eq!(s2["top_after"]["label"], "air=none · force=small");
    assert_eq!(paths(&s2["top_causes"]), ["components.force.options.small"]);
    // Dates: passing counts 4, 1, 4.
    let passing: Vec<u64> = v["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["passing"].as_u64().unwrap())
        .collect();
    assert_eq!(passing, [4, 1, 4]);
}

#[test]
fn timeline_terminal_output() {
    let out = success(guarantor().args(["timeline", &fixture(1), &fixture(2), &fixture(3)]));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn timeline_report_has_the_section_and_its_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    success(guarantor().args([
        "timeline",
        &fixture(1),
        &fixture(2),
        &fixture(3),
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"scenario-timeline\""));
    assert!(html.contains("id=\"fig-timeline-counts\""));
    assert!(html.contains("id=\"fig-timeline-top\""));
    assert!(html.matches("<svg").count() >= 2);
    assert!(html.contains("red line actors.b.red_lines.no_patrols added"));
}

#[test]
fn timeline_needs_two_scenarios() {
    let out = guarantor()
        .args(["timeline", "ukraine-2025-08"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least two scenarios"));
}
