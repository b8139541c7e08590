//! The bad-input corpus (`tests/bad-inputs/`): every file must give a clear
//! error — non-zero exit, no panic, a message that names the place — and the
//! message is pinned by a snapshot beside the corpus.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/bad-inputs")
}

fn guarantor() -> Command {
    let mut c = Command::cargo_bin("guarantor").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// The verb that reads each kind of file.
fn run(kind: &str, file: &Path) -> Output {
    let f = file.to_str().unwrap();
    let args: Vec<&str> = match kind {
        "scenario" => vec!["check", f],
        "ktab" => vec!["forecast", "--ktab-csv", f],
        "deu3" => vec!["validate", "deu3", f],
        other => panic!("unknown corpus folder {other}"),
    };
    guarantor()
        .current_dir(corpus())
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

/// The error must say where: `file:line:column` (scenario diagnostics) or `line N`.
fn names_a_place(stderr: &str) -> bool {
    let has_file_line = stderr.lines().any(|l| {
        l.split(['[', ' ']).any(|w| {
            w.split(':')
                .filter(|p| p.trim_end_matches(']').parse::<u32>().is_ok())
                .count()
                >= 2
        })
    });
    has_file_line || stderr.contains("line ")
}

fn check_one(kind: &str, path: &Path) -> String {
    let rel = path.strip_prefix(corpus()).unwrap().to_path_buf();
    let out = run(kind, &rel);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let name = rel.display();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: expected exit 1\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name}: panicked\n{stderr}");
    assert!(!stderr.trim().is_empty(), "{name}: no message");
    assert!(
        names_a_place(&stderr),
        "{name}: the message names no line\n{stderr}"
    );
    assert!(
        out.stdout.is_empty() || kind != "scenario",
        "{name}: printed a result"
    );
    if kind == "scenario" {
        every_problem_has_a_line_and_a_hint(&rel);
    }
    stderr
}

/// `check --json` lists each problem with its line, column and a hint (an
/// empty or unreadable file has nothing to hint at beyond the message).
fn every_problem_has_a_line_and_a_hint(rel: &Path) {
    let out = guarantor()
        .current_dir(corpus())
        .args(["check", "--json"])
        .arg(rel)
        .output()
        .unwrap();
    let name = rel.display();
    if out.stdout.is_empty() {
        // Refused before parsing (not UTF-8, too large): the message says why.
        return;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: check --json is not JSON: {e}"));
    assert_eq!(v["valid"], false, "{name}");
    let errors = v["errors"].as_array().unwrap();
    assert!(!errors.is_empty(), "{name}: no errors listed");
    for e in errors {
        assert!(
            e["line"].as_u64().unwrap_or(0) >= 1,
            "{name}: a problem without a line: {e}"
        );
        let text = std::fs::read_to_string(corpus().join(rel)).unwrap_or_default();
        if !text.trim().lines().all(|l| l.starts_with('#')) {
            assert!(
                e["help"].is_string(),
                "{name}: a problem without a hint: {e}"
            );
        }
    }
}

#[test]
fn every_bad_input_gets_a_located_error_and_its_snapshot() {
    let mut n = 0;
    for kind in ["scenario", "ktab", "deu3"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join(kind))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            let stderr = check_one(kind, &f);
            let stem = f.file_stem().unwrap().to_str().unwrap().to_string();
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(corpus().join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_snapshot_suffix(kind);
            settings.bind(|| insta::assert_snapshot!(stem, stderr));
            n += 1;
        }
    }
    assert!(n >= 100, "the corpus has only {n} files");
}

/// Ten-megabyte inputs are generated here rather than committed.
#[test]
fn ten_megabyte_inputs_fail_fast_with_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("guarantor-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ten_mb = 10 * 1024 * 1024;

    // A 10 MB "scenario": refused by size before parsing.
    let big = dir.join("big.toml");
    let mut text = String::from("[meta]\nid = \"big\"\ntitle = \"big\"\n");
    while text.len() < ten_mb {
        text.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&big, &text).unwrap();
    let out = guarantor().arg("check").arg(&big).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("more than the 8 MB a scenario may have")
    );

    // 7 MB of unknown keys, under the size limit: parsed, every problem found,
    // but the listing stops at 100.
    let many = dir.join("many.toml");
    let mut text = String::from("[meta]\nid = \"many\"\ntitle = \"many\"\n");
    let mut i = 0;
    while text.len() < 7 * 1024 * 1024 {
        text.push_str(&format!("unknown_key_{i} = {i}\n"));
        i += 1;
    }
    std::fs::write(&many, &text).unwrap();
    let out = guarantor()
        .args(["check", "--json"])
        .arg(&many)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(
        errors.len(),
        101,
        "100 problems and the note that more were cut"
    );
    assert!(
        errors[100]["message"]
            .as_str()
            .unwrap()
            .contains("more problems")
    );

    // A 10 MB KTAB file declaring 3 actors: stops at the first extra row.
    let ktab = dir.join("big.csv");
    let mut text = String::from("Big,\"big\",3,1,\nActor,Description,Power,Pstn1,Sal1,\n");
    let mut i = 0;
    while text.len() < ten_mb {
        text.push_str(&format!("A{i}, Actor, 10, 50, 50,\n"));
        i += 1;
    }
    std::fs::write(&ktab, &text).unwrap();
    let out = guarantor()
        .args(["forecast", "--ktab-csv"])
        .arg(&ktab)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 6, column 1"));

    // A 10 MB KTAB file that declares 200,000 actors: refused before any forecast.
    let huge = dir.join("huge.csv");
    text.replace_range(..text.find('\n').unwrap(), "Big,\"big\",200000,1,");
    std::fs::write(&huge, &text).unwrap();
    let out = guarantor()
        .args(["forecast", "--ktab-csv"])
        .arg(&huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 1000 actors"));

    std::fs::remove_dir_all(&dir).ok();
}
