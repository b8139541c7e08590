//! Helpers the CLI test modules share.

use assert_cmd::Command;
use serde_json::Value;

/// The binary, without colour and without an inherited `COLUMNS`.
pub fn guarantor() -> Command {
    let mut c = Command::cargo_bin("guarantor").unwrap();
    c.env("NO_COLOR", "1").env_remove("COLUMNS");
    c
}

/// Run a command that must succeed; its output.
pub fn success(c: &mut Command) -> std::process::Output {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run `guarantor ARGS` (which must succeed) and parse its JSON.
pub fn json(args: &[&str]) -> Value {
    let out = success(guarantor().args(args));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A file of the repository, by its path from the root.
pub fn repo_file(rel: &str) -> String {
    format!("{}/../../{rel}", env!("CARGO_MANIFEST_DIR"))
}
