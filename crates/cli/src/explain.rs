//! `guarantor explain`: one package — requirements with their arithmetic,
//! allocation, shortfalls, every actor's reasons, and the nearest fixes.

use std::process::ExitCode;

use guarantor_engine::{SearchOptions, evaluate_package, nearest_fixes, search, two_change_fixes};
use guarantor_report::Fixes;

use crate::common::{
    Failure, ScenarioArgs, emit, emit_json, engine_failure, parse_choice, what_if_header,
};

/// Largest option space for which `explain` searches everything to tell frontier membership.
const EXPLAIN_FRONTIER_LIMIT: u128 = 2_000_000;

/// How many two-change fixes `explain` shows when no single change is enough.
const TWO_CHANGE_FIXES_SHOWN: usize = 5;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// COMPONENT=OPTION; components not named take their first option. Repeatable.
    #[arg(long = "option", value_name = "COMPONENT=OPTION")]
    options: Vec<String>,
    /// Print the verdict and the nearest fixes as one JSON object.
    #[arg(long)]
    json: bool,
    /// Also draw the package on a map (SVG): borders, zones, lines, bases,
    /// patrol stations, air-defence sites, garrisons, uncovered area.
    #[arg(long, value_name = "FILE.svg")]
    map: Option<std::path::PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let (s, what_ifs) = a.scenario.load_with_what_ifs()?;
    let chosen = parse_choice(&a.options)?;
    let mut v = evaluate_package(&s, &chosen).map_err(engine_failure)?;
    // Frontier membership needs the whole space; search it when that is quick.
    if v.passes && s.option_space_size() <= EXPLAIN_FRONTIER_LIMIT {
        let e = search(
            &s,
            &SearchOptions {
                top: 0,
                ..SearchOptions::default()
            },
        )
        .map_err(engine_failure)?;
        v.frontier = e.packages.iter().any(|p| p.label == v.label && p.frontier);
    }
    let single = nearest_fixes(&s, &chosen, &v).map_err(engine_failure)?;
    let (pairs, pairs_truncated) = if single.is_empty() && !v.passes {
        two_change_fixes(&s, &chosen, &v, TWO_CHANGE_FIXES_SHOWN).map_err(engine_failure)?
    } else {
        (Vec::new(), false)
    };
    let fixes = Fixes {
        single,
        pairs,
        pairs_truncated,
    };
    if let Some(path) = &a.map {
        write_map(&s, &v, path)?;
    }
    if a.json {
        let mut out = guarantor_report::explain_json(&s.meta.id, &v, &fixes);
        out["what_if"] = serde_json::json!(what_ifs);
        emit_json(&out);
    } else {
        let mut text = what_if_header(&what_ifs);
        text.push_str(&guarantor_report::render_explain(
            &s.meta.id,
            &s.meta.currency,
            &v,
        ));
        if !v.passes {
            text.push_str(&guarantor_report::render_fixes(&fixes, &s.meta.currency));
        }
        emit(&text);
    }
    Ok(ExitCode::SUCCESS)
}

/// Draw the package's map into `path`.
fn write_map(
    s: &guarantor_model::Scenario,
    v: &guarantor_engine::PackageVerdict,
    path: &std::path::Path,
) -> Result<(), Failure> {
    let Some(svg) = guarantor_engine::package_map(
        s,
        &v.requirements,
        &guarantor_engine::map_title(s, &v.requirements),
    ) else {
        return Err(Failure(format!(
            "--map: scenario \"{}\" has no [geography] section to draw",
            s.meta.id
        )));
    };
    std::fs::write(path, svg)
        .map_err(|e| Failure(format!("--map: cannot write {}: {e}", path.display())))
}
