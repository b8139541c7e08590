//! `guarantor scenarios`: the embedded library of dated scenarios.

use std::process::ExitCode;

use guarantor_model::SCENARIOS;
use serde_json::json;

use crate::common::{Failure, emit, emit_json, render_diagnostics};

#[derive(clap::Args)]
pub struct Args {
    /// Print a JSON array: [{id, title, as_of, packages}].
    #[arg(long)]
    json: bool,
}

/// One embedded scenario as the listing shows it.
pub struct Entry {
    pub id: String,
    pub title: String,
    pub as_of: String,
    /// Packages in the package space (the option space less those excluded
    /// by requires / excludes).
    pub packages: u64,
}

/// Every embedded scenario, oldest first.
pub fn entries() -> Result<Vec<Entry>, Failure> {
    SCENARIOS
        .iter()
        .map(|e| {
            let s = guarantor_model::load(e.name, e.text)
                .map_err(|err| Failure(render_diagnostics(&err)))?;
            let size = s.option_space_size();
            let space = guarantor_engine::PackageSpace::new(&s);
            let packages = if size > guarantor_engine::MAX_PACKAGES_IN_MEMORY {
                u64::MAX
            } else {
                let excluded: u64 = space.walk(0, size as u64, |_, _| {}).iter().sum();
                size as u64 - excluded
            };
            Ok(Entry {
                id: s.meta.id.clone(),
                title: s.meta.title.clone(),
                as_of: s.meta.as_of.clone(),
                packages,
            })
        })
        .collect()
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let list = entries()?;
    if a.json {
        emit_json(&json!(
            list.iter()
                .map(|e| json!({ "id": e.id, "title": e.title, "as_of": e.as_of, "packages": e.packages }))
                .collect::<Vec<_>>()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::from(
        "Embedded scenarios (use one with --scenario ID; the first is the default):\n",
    );
    for e in &list {
        out.push_str(&format!(
            "  {}  as of {}  {:>7} packages  {}\n",
            e.id,
            e.as_of,
            guarantor_model::number::grouped(e.packages as f64),
            e.title
        ));
    }
    out.push_str(
        "`guarantor timeline` explains how the verdicts move from one date to the next.\n",
    );
    emit(&out);
    Ok(ExitCode::SUCCESS)
}
