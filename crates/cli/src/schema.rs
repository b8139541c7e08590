//! `guarantor schema`: the JSON Schema of the scenario format.

use std::process::ExitCode;

use crate::common::{Failure, emit};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args) -> Result<ExitCode, Failure> {
    emit(&format!(
        "{}\n",
        serde_json::to_string_pretty(&guarantor_model::json_schema()).expect("schema serialises")
    ));
    Ok(ExitCode::SUCCESS)
}
