//! `guarantor forecast` and `guarantor validate deu3`: the bargaining crate
//! wired to files, the scenario and the engine.

use std::collections::BTreeMap;
use std::path::Path;

use guarantor_bargaining as bargaining;
use guarantor_engine::{PackageVerdict, evaluate_package};
use guarantor_engine::{decode, package_levels};
use guarantor_model::Scenario;
use serde_json::json;

use crate::common::{Failure, ScenarioArgs, emit};

/// The scenario's actors as a negotiation: positions and saliences on 0–100,
/// saliences rescaled to sum to 100 per actor; actors without capability or
/// salience do not bargain.
pub fn negotiation(s: &Scenario) -> bargaining::Scenario {
    let dims: Vec<&str> = s.dimensions.iter().map(|d| d.id.as_str()).collect();
    let actors = s
        .actors
        .iter()
        .filter(|a| a.capability > 0.0)
        .filter_map(|a| {
            let total: f64 = dims.iter().filter_map(|d| a.salience.get(*d)).sum();
            (total > 0.0).then(|| bargaining::Actor {
                name: a.id.clone(),
                description: a.name.clone(),
                capability: a.capability,
                // A dimension the actor does not weigh gets salience 0; its position
                // there is irrelevant, so the middle of the scale is used.
                positions: dims
                    .iter()
                    .map(|d| a.position.get(*d).copied().unwrap_or(0.5) * 100.0)
                    .collect(),
                saliences: dims
                    .iter()
                    .map(|d| a.salience.get(*d).copied().unwrap_or(0.0) / total * 100.0)
                    .collect(),
            })
        })
        .collect();
    bargaining::Scenario {
        name: s.meta.id.clone(),
        description: s.meta.title.clone(),
        dimensions: dims.iter().map(|d| d.to_string()).collect(),
        actors,
    }
}

/// The package whose levels are nearest (Euclidean, 0–100 scale) to the forecast point;
/// ties go to the first in enumeration order.
pub fn nearest_package(s: &Scenario, point: &[f64]) -> BTreeMap<String, String> {
    let radices: Vec<usize> = s.components.iter().map(|c| c.options.len()).collect();
    let size = s.option_space_size() as u64;
    let mut best = (f64::INFINITY, vec![0u16; radices.len()]);
    for i in 0..size {
        let choice = decode(i, &radices);
        let levels = package_levels(s, &choice);
        let d: f64 = levels
            .iter()
            .zip(point)
            .map(|(x, p)| (x * 100.0 - p).powi(2))
            .sum();
        if d < best.0 {
            best = (d, choice);
        }
    }
    s.components
        .iter()
        .zip(&best.1)
        .map(|(c, &o)| (c.id.clone(), c.options[o as usize].id.clone()))
        .collect()
}

pub struct ForecastOutput {
    pub forecast: bargaining::Forecast,
    pub package: Option<PackageVerdict>,
}

pub fn run_forecast(
    s: Option<&Scenario>,
    ktab: Option<&Path>,
    model: &str,
    options: &[(String, String)],
) -> Result<ForecastOutput, String> {
    let negotiation = match (ktab, s) {
        (Some(path), _) => bargaining::read_ktab_csv(path).map_err(|e| format!("error: {e}"))?,
        (None, Some(s)) => negotiation(s),
        (None, None) => unreachable!("the CLI always passes a scenario or a KTAB file"),
    };
    let pairs: Vec<(&str, &str)> = options
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let m = bargaining::Model::with_options(model, &pairs).map_err(|e| format!("error: {e}"))?;
    let forecast = m.run(&negotiation).map_err(|e| format!("error: {e}"))?;
    let package = match (ktab, s) {
        (None, Some(s)) => {
            let chosen = nearest_package(s, &forecast.final_state.outcome);
            Some(evaluate_package(s, &chosen).map_err(|e| format!("error: {e}"))?)
        }
        _ => None,
    };
    Ok(ForecastOutput { forecast, package })
}

pub fn forecast_json(out: &ForecastOutput) -> serde_json::Value {
    let mut v = serde_json::to_value(&out.forecast).expect("plain data");
    if let Some(p) = &out.package {
        v["nearest_package"] = serde_json::to_value(p).expect("plain data");
    }
    v
}

pub fn forecast_text(out: &ForecastOutput) -> String {
    let f = &out.forecast;
    let mut s = format!("Model {}: {} steps.\n", f.model, f.steps);
    s.push_str("Forecast point (0–100):\n");
    for (d, x) in f.dimensions.iter().zip(&f.final_state.outcome) {
        s.push_str(&format!("  {d} = {x:.2}\n"));
    }
    s.push_str("Final positions:\n");
    for p in &f.final_state.positions {
        let vals: Vec<String> = p.1.iter().map(|x| format!("{x:.2}")).collect();
        s.push_str(&format!("  {:<12} {}\n", p.0, vals.join("  ")));
    }
    if let Some(w) = &f.final_state.win_probabilities {
        s.push_str("Win probabilities of the final positions:\n");
        for (a, p) in w {
            s.push_str(&format!("  {a:<12} {p:.4}\n"));
        }
    }
    if let Some(p) = &out.package {
        s.push_str(&format!(
            "\nNearest package: {}\n  {} (feasible: {}, acceptable to required actors: {})\n  explain it: guarantor explain{}\n",
            p.label,
            if p.passes { "PASSES" } else { "FAILS" },
            p.feasible,
            p.acceptable_to_required,
            p.options.iter().map(|(c, o)| format!(" --option {c}={o}")).collect::<String>()
        ));
    }
    s
}

pub fn run_validate(
    path: &Path,
    model: &str,
    capability: &str,
    json_out: bool,
) -> Result<String, String> {
    let data = bargaining::deu3::read_deu3(path).map_err(|e| format!("error: {e}"))?;
    let m = bargaining::Model::from_name(model).map_err(|e| format!("error: {e}"))?;
    let cap = match capability {
        "equal" => bargaining::deu3::Capability::Equal,
        "gdp" => bargaining::deu3::Capability::Gdp,
        other => {
            return Err(format!(
                "error: --capability must be \"equal\" or \"gdp\", not \"{other}\""
            ));
        }
    };
    let v = bargaining::deu3::validate(&data, &m, cap).map_err(|e| format!("error: {e}"))?;
    if json_out {
        Ok(json!({
            "model": v.model,
            "capability": capability,
            "issues": v.rows.len(),
            "mae": v.mae,
            "test_mae": v.test_mae,
            "test_n": v.test_n,
            "rows": v.rows.iter().map(|r| json!({"issue": r.issue, "forecast": r.forecast, "outcome": r.outcome, "test": r.test})).collect::<Vec<_>>(),
        })
        .to_string())
    } else {
        Ok(format!(
            "DEU III, model {}, capability {capability}: {} scoreable issues, mean absolute error {:.2} (test split: {:.2} on {} issues). The salience-weighted mean's 23.64 is the bar to beat.\n",
            v.model,
            v.rows.len(),
            v.mae,
            v.test_mae,
            v.test_n
        ))
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (default: the embedded scenario); ignored with --ktab-csv.
    file: Option<std::path::PathBuf>,
    /// compromise, median, smp, eum (= eum:scholz-code) or eum:literal.
    #[arg(long, default_value = "smp")]
    model: String,
    /// Read a KTAB SMP input CSV instead of a scenario.
    #[arg(long, value_name = "FILE")]
    ktab_csv: Option<std::path::PathBuf>,
    /// Model switch KEY=VALUE (e.g. VotingRule=Binary for smp); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Print the forecast as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    let scenario = match &a.ktab_csv {
        Some(_) => None,
        None => Some(
            ScenarioArgs {
                file: a.file.clone(),
            }
            .load()?,
        ),
    };
    let mut options = Vec::new();
    for kv in &a.set {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(Failure(format!(
                "error: --set \"{kv}\" must be KEY=VALUE, e.g. --set VotingRule=Binary"
            )));
        };
        options.push((k.trim().to_string(), v.trim().to_string()));
    }
    let out = run_forecast(scenario.as_ref(), a.ktab_csv.as_deref(), &a.model, &options)
        .map_err(Failure)?;
    if a.json {
        emit(&format!("{}\n", forecast_json(&out)));
    } else {
        emit(&forecast_text(&out));
    }
    Ok(std::process::ExitCode::SUCCESS)
}
