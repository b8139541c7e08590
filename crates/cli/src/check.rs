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

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let (name, text) = scenario_source(a.file.as_ref())?;
    match guarantor_model::load(&name, &text) {
        Ok(s) => {
            if a.json {
                emit_json(&serde_json::json!({ "file": name, "valid": true, "errors": [] }));
            } else {
                let packages = s.option_space_size();
                emit(&format!(
                    "{name}: valid — {} actors, {} dimensions, {} components, {packages} packages\n",
                    s.actors.len(),
                    s.dimensions.len(),
                    s.components.len()
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
