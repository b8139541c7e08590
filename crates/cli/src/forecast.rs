//! `guarantor forecast` and `guarantor validate deu3`: the bargaining crate
//! wired to files, the scenario and the engine.

use std::collections::BTreeMap;
use std::path::Path;

use guarantor_bargaining as bargaining;
use guarantor_engine::{PackageSpace, package_levels};
use guarantor_engine::{PackageVerdict, evaluate_package};
use guarantor_model::Scenario;

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

/// The package of the package space (no `requires` / `excludes` broken) whose
/// levels are nearest (Euclidean, 0–100 scale) to the forecast point; ties go to
/// the first in enumeration order.
pub fn nearest_package(s: &Scenario, point: &[f64]) -> BTreeMap<String, String> {
    let space = PackageSpace::new(s);
    let size = s.option_space_size() as u64;
    let mut best = (f64::INFINITY, vec![0u16; space.radices.len()]);
    space.walk(0, size, |_, choice| {
        let levels = package_levels(s, choice);
        let d: f64 = levels
            .iter()
            .zip(point)
            .map(|(x, p)| (x * 100.0 - p).powi(2))
            .sum();
        if d < best.0 {
            best = (d, choice.to_vec());
        }
    });
    s.components
        .iter()
        .zip(&best.1)
        .map(|(c, &o)| (c.id.clone(), c.options[o as usize].id.clone()))
        .collect()
}

pub struct ForecastOutput {
    pub forecast: bargaining::Forecast,
    pub package: Option<PackageVerdict>,
    /// The institutional switches' effect, when any is on.
    pub institutions: Option<bargaining::institutions::Adjusted>,
}

/// Splits `--set` pairs into institutional switches (`status_quo.DIM`,
/// `status_quo_pull`, `veto`, `agenda_setter`, `agenda_weight`) and model switches.
/// Status-quo levels are on the input's scale (scenario: [0, 1]; KTAB CSV: 0–100);
/// without one, a dimension's `default` level stands for its status quo, and
/// `veto=required` means the scenario's `required_acceptance` actors.
fn institutions(
    s: Option<&Scenario>,
    options: &[(String, String)],
) -> Result<
    (
        bargaining::institutions::Institutions,
        Vec<(String, String)>,
    ),
    String,
> {
    let scale = if s.is_some() { 100.0 } else { 1.0 };
    let mut inst = bargaining::institutions::Institutions::default();
    let mut rest = Vec::new();
    for (k, v) in options {
        let value = match (k.strip_prefix("status_quo."), v.trim().parse::<f64>()) {
            (Some(_), Ok(x)) => (x * scale).to_string(),
            _ => v.clone(),
        };
        if !inst
            .set(k, &value)
            .map_err(|e| format!("error: --set {k}: {e}"))?
        {
            rest.push((k.clone(), v.clone()));
        }
    }
    if let Some(s) = s {
        for d in &s.dimensions {
            if let Some(level) = d.default
                && !inst.status_quo.iter().any(|(n, _)| n == &d.id)
            {
                inst.status_quo.push((d.id.clone(), level * 100.0));
            }
        }
        if inst.veto == bargaining::institutions::Veto::Required {
            inst.veto =
                bargaining::institutions::Veto::Actors(s.parameters.required_acceptance.clone());
        }
    } else if inst.veto == bargaining::institutions::Veto::Required {
        return Err("error: --set veto=required needs a scenario file (a KTAB CSV declares no required actors); list the actors: --set veto=A,B".into());
    }
    Ok((inst, rest))
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
    let scenario = if ktab.is_some() { None } else { s };
    let (inst, model_options) = institutions(scenario, options)?;
    let pairs: Vec<(&str, &str)> = model_options
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let m = bargaining::Model::with_options(model, &pairs).map_err(|e| format!("error: {e}"))?;
    let mut forecast = m.run(&negotiation).map_err(|e| format!("error: {e}"))?;
    let institutions = if inst.is_off() {
        None
    } else {
        let adjusted = inst
            .apply(&negotiation, &forecast.final_state.outcome)
            .map_err(|e| format!("error: {e}"))?;
        forecast.final_state.outcome = adjusted.outcome.clone();
        Some(adjusted)
    };
    let package = match scenario {
        Some(s) => {
            let chosen = nearest_package(s, &forecast.final_state.outcome);
            Some(evaluate_package(s, &chosen).map_err(|e| format!("error: {e}"))?)
        }
        None => None,
    };
    Ok(ForecastOutput {
        forecast,
        package,
        institutions,
    })
}

pub fn forecast_json(out: &ForecastOutput) -> serde_json::Value {
    let mut v = serde_json::to_value(&out.forecast).expect("plain data");
    if let Some(p) = &out.package {
        v["nearest_package"] = serde_json::to_value(p).expect("plain data");
    }
    if let Some(i) = &out.institutions {
        v["institutions"] = serde_json::to_value(i).expect("plain data");
    }
    v
}

pub fn forecast_text(out: &ForecastOutput) -> String {
    let f = &out.forecast;
    let mut s = format!("Model {}: {} steps.\n", f.model, f.steps);
    if let Some(i) = &out.institutions {
        let before: Vec<String> = i.model_outcome.iter().map(|x| format!("{x:.2}")).collect();
        s.push_str(&format!(
            "Model's own point (0–100): {}; then {}.\n",
            before.join(", "),
            i.steps.join("; ")
        ));
    }
    s.push_str("Forecast point (0–100):\n");
    for (d, x) in f.dimensions.iter().zip(&f.final_state.outcome) {
        s.push_str(&format!("  {d} = {x:.2}\n"));
    }
    // Positions table: one column per dimension, each cell "final (±move)".
    let width = f
        .dimensions
        .iter()
        .map(|d| d.chars().count().max(15))
        .collect::<Vec<_>>();
    let name_width = f
        .final_state
        .positions
        .iter()
        .map(|p| p.0.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    s.push_str(&format!(
        "Final positions (0–100), with the move from the input in brackets:\n  {:<name_width$}",
        "actor"
    ));
    for (d, w) in f.dimensions.iter().zip(&width) {
        s.push_str(&format!("  {d:>w$}"));
    }
    s.push('\n');
    let first = f.turns.first();
    let mut moves: Vec<(f64, &str)> = Vec::new();
    for p in &f.final_state.positions {
        let start = first.and_then(|t| t.positions.iter().find(|q| q.0 == p.0));
        s.push_str(&format!("  {:<name_width$}", p.0));
        let mut total = 0.0;
        for (k, (x, w)) in p.1.iter().zip(&width).enumerate() {
            let moved = start.map_or(0.0, |q| x - q.1[k]);
            total += moved.abs();
            let cell = if moved.abs() >= 0.005 {
                format!("{x:.2} ({moved:+.2})")
            } else {
                format!("{x:.2}")
            };
            s.push_str(&format!("  {cell:>w$}"));
        }
        s.push('\n');
        moves.push((total, p.0.as_str()));
    }
    moves.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let movers: Vec<String> = moves
        .iter()
        .filter(|m| m.0 >= 0.005)
        .map(|(m, a)| format!("{a} {m:.2}"))
        .collect();
    if movers.is_empty() {
        s.push_str("Nobody moved (this model does not move actors).\n");
    } else {
        s.push_str(&format!(
            "Who moved (total distance over all dimensions, 0–100 scale): {}.\n",
            movers.join(", ")
        ));
    }
    if let Some(w) = &f.final_state.win_probabilities {
        s.push_str(
            "Win probabilities: for each actor, the probability that its final position prevails \
             (a Probabilistic Condorcet Election among the distinct final positions, votes weighted \
             by capability). Actors at the same position share that position's probability, so \
             the column sums to more than 1 when positions coincide.\n",
        );
        for (a, p) in w {
            s.push_str(&format!("  {a:<name_width$} {p:.4}\n"));
        }
    }
    if let Some(p) = &out.package {
        s.push_str(&format!(
            "\nNearest package: {}\n  {} (feasible: {}, acceptable to required actors: {})\n  explain it: guarantor explain{}\n",
            p.title,
            if p.passes { "PASSES" } else { "FAILS" },
            p.feasible,
            p.acceptable_to_required,
            p.options.iter().map(|(c, o)| format!(" --option {c}={o}")).collect::<String>()
        ));
    }
    s
}

/// `guarantor validate deu3`: all the work is in `guarantor_bargaining::cv`.
pub fn run_validate(
    path: &Path,
    train: Option<&Path>,
    model: &str,
    capability: &str,
    folds: usize,
    seed: u64,
    json_out: bool,
) -> Result<String, String> {
    let cap = match capability {
        "equal" => bargaining::deu3::Capability::Equal,
        "gdp" => bargaining::deu3::Capability::Gdp,
        other => {
            return Err(format!(
                "error: --capability must be \"equal\" or \"gdp\", not \"{other}\""
            ));
        }
    };
    let options = bargaining::cv::RunOptions {
        capability: cap,
        folds,
        seed,
        ..Default::default()
    };
    let r = bargaining::cv::validate_files(path, train, model, options)
        .map_err(|e| format!("error: {e}"))?;
    if json_out {
        Ok(serde_json::to_string(&r).expect("plain data"))
    } else {
        Ok(bargaining::cv::report_text(&r))
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The scenario (ignored with --ktab-csv) and its what-ifs.
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// compromise, median, smp, eum (= eum:scholz-code) or eum:literal.
    #[arg(long, default_value = "smp")]
    model: String,
    /// Read a KTAB SMP input CSV instead of a scenario.
    #[arg(long, value_name = "FILE")]
    ktab_csv: Option<std::path::PathBuf>,
    /// Model switch KEY=VALUE (e.g. VotingRule=Binary for smp), or an institutional one (status_quo_pull, status_quo.DIM, veto, agenda_setter, agenda_weight; see docs/forecast.md); repeatable.
    #[arg(long = "switch", value_name = "KEY=VALUE")]
    switches: Vec<String>,
    /// Print the forecast as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    let scenario = match &a.ktab_csv {
        Some(_) => None,
        None => Some(a.scenario.load()?),
    };
    let mut options = Vec::new();
    for kv in &a.switches {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(Failure(format!(
                "error: --switch \"{kv}\" must be KEY=VALUE, e.g. --switch VotingRule=Binary"
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
