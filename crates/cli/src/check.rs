//! `guarantor check`: validate a scenario file and list every problem.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::common::{Failure, emit, emit_json, render_diagnostics, scenario_source};

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file to check (default: the embedded scenario).
    file: Option<PathBuf>,
    /// Print one JSON object: the file, whether it is valid, and every error with its line.
    #[arg(long)]
    json: bool,
}

/// ", 144 of them excluded by requires / excludes" when options declare rules
/// (counted when the option space is small enough to walk).
fn excluded_note(s: &guarantor_model::Scenario, packages: u128) -> String {
    let space = guarantor_engine::PackageSpace::new(s);
    if !space.has_rules() {
        return String::new();
    }
    if packages > guarantor_engine::MAX_PACKAGES_IN_MEMORY {
        return ", some excluded by requires / excludes".into();
    }
    let excluded: u64 = space.walk(0, packages as u64, |_, _| {}).iter().sum();
    format!(", {excluded} of them excluded by requires / excludes")
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let (name, text) = scenario_source(a.file.as_ref())?;
    match guarantor_model::load(&name, &text) {
        Ok(s) => {
            if a.json {
                emit_json(&serde_json::json!({ "file": name, "valid": true, "errors": [] }));
            } else {
                let packages = s.option_space_size();
                emit(&format!(
                    "{name}: valid — {} actors, {} dimensions, {} components, {packages} packages{}\n",
                    s.actors.len(),
                    s.dimensions.len(),
                    s.components.len(),
                    excluded_note(&s, packages)
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if a.json {
                emit_json(
                    &serde_json::json!({ "file": name, "valid": false, "errors": e.located() }),
                );
            } else {
                eprint!("{}", render_diagnostics(&e));
            }
            Ok(ExitCode::from(1))
        }
    }
}
