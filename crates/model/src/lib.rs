//! Guarantor's scenario format.
//!
//! A scenario is one TOML file that declares dimensions, actors (positions,
//! saliences, red lines, inventories, caveats), capabilities, guarantee
//! components with their options and tasks, and synergies. This crate turns
//! the text into the plain data of [`types`], or into a [`ScenarioError`]
//! that lists *every* problem with its file, line, column and a hint.
//!
//! Invariants:
//! - Reading never panics on any input and never returns a partial scenario.
//! - Validation returns every error, never the first only.
//! - This crate does no I/O: callers pass the file name and its text.

pub mod air_defence;
pub mod deterrence;
pub mod diagnostic;
pub mod geography;
pub mod idpaths;
pub mod injects;
pub mod number;
mod paths;
mod read;
pub mod rules;
pub mod suggest;
pub mod synth;
pub mod types;
pub mod uncertainty;
mod validate;

use std::sync::Arc;

pub use diagnostic::{LocatedProblem, Problem, ProblemKind, ScenarioError};
pub use geography::Geography;
pub use paths::{PathError, Target, apply, resolve};
pub use types::*;

/// The notional Ukraine (August 2025) scenario, embedded so that `guarantor run`
/// works with no arguments.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/ukraine-2025-08.toml");
/// The name under which the embedded scenario is reported.
pub const DEFAULT_SCENARIO_NAME: &str = "scenarios/ukraine-2025-08.toml";

/// One scenario of the embedded library: its id (`meta.id`), the name it is
/// reported under, and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedScenario {
    pub id: &'static str,
    pub name: &'static str,
    pub text: &'static str,
}

/// The embedded library of dated scenarios, oldest first: each is built only
/// from sources dated on or before its `meta.as_of`. The first is the default.
pub const SCENARIOS: &[EmbeddedScenario] = &[
    EmbeddedScenario {
        id: "ukraine-2025-08",
        name: DEFAULT_SCENARIO_NAME,
        text: DEFAULT_SCENARIO,
    },
    EmbeddedScenario {
        id: "ukraine-2025-11",
        name: "scenarios/ukraine-2025-11.toml",
        text: include_str!("../../../scenarios/ukraine-2025-11.toml"),
    },
    EmbeddedScenario {
        id: "ukraine-2026-01",
        name: "scenarios/ukraine-2026-01.toml",
        text: include_str!("../../../scenarios/ukraine-2026-01.toml"),
    },
];

/// The embedded scenario with this id, if any.
pub fn embedded_scenario(id: &str) -> Option<&'static EmbeddedScenario> {
    SCENARIOS.iter().find(|e| e.id == id)
}

/// Read and validate a scenario. `file` is only used in messages.
pub fn load(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let (scenario, mut problems, spans) = read::read(text);
    if let Some(s) = &scenario {
        if problems.is_empty() {
            problems.extend(validate::validate(s, &spans));
        } else {
            // Structural problems first; semantic checks on a half-read file
            // would mostly repeat them.
            problems.extend(
                validate::validate(s, &spans)
                    .into_iter()
                    .filter(|p| p.kind.reliable_on_a_half_read_file()),
            );
        }
    }
    if let Some(s) = &scenario {
        for p in &mut problems {
            p.message = idpaths::by_id(&p.message, s);
            p.help = p.help.as_ref().map(|h| idpaths::by_id(h, s));
        }
    }
    match scenario {
        Some(s) if problems.is_empty() => Ok(s),
        _ => Err(ScenarioError::new(
            file,
            Arc::new(text.to_string()),
            problems,
        )),
    }
}

/// Read a red line a live inject adds (`guarantor serve`'s live-inject form):
/// TOML keys, one `key = value` a line — `actor` and the keys of an
/// `[[actors.red_lines]]` entry (docs/scenario-format.md) — read by the scenario reader and then checked as `guarantor check` checks
/// the red lines of a scenario (its component, options, dimension and
/// organisations exist), on `s` with the line added. The error is one line:
/// the first problem and its fix.
///
/// Example: `actor = "ru"`, `id = "no_air_policing"`, `kind = "option"`,
/// `component = "air"`, `options = ["air_policing"]`, `hardness = "stated"`
/// on the default scenario is a red line of ru; `component = "aír"` is refused
/// naming the unknown component.
pub fn read_added_red_line(s: &Scenario, text: &str) -> Result<injects::AddedRedLine, String> {
    let first = |problems: Vec<Problem>, s: &Scenario| {
        let p = &problems[0];
        let mut line = idpaths::by_id(&p.message, s);
        if let Some(h) = &p.help {
            line.push_str(&format!(" ({})", idpaths::by_id(h, s)));
        }
        line
    };
    let added = read::read_added_red_line(text).map_err(|p| first(p, s))?;
    let Some(actor) = s.actor(&added.actor) else {
        let known: Vec<&str> = s.actors.iter().map(|a| a.id.as_str()).collect();
        return Err(format!(
            "a red line added to \"{}\", which is no actor; known actors: {}",
            added.actor,
            known.join(", ")
        ));
    };
    if actor.red_lines.iter().any(|r| r.id == added.red_line.id) {
        return Err(format!(
            "{} already has a red line \"{}\"; pick a new id",
            actor.id, added.red_line.id
        ));
    }
    let mut with = s.clone();
    with.injects.clear();
    if let Some(a) = with.actors.iter_mut().find(|a| a.id == added.actor) {
        a.red_lines.push(added.red_line.clone());
    }
    let problems = validate::validate(&with, &read::SpanMap::default());
    if problems.is_empty() {
        Ok(added)
    } else {
        Err(first(problems, &with))
    }
}

/// The embedded default scenario. It is checked by the test suite, so this never fails.
pub fn default_scenario() -> Scenario {
    load(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO).expect("the embedded scenario is valid (tested)")
}

/// JSON Schema (draft 2020-12) of the scenario format, for editor completion.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema is always serialisable")
}
