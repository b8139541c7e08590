//! `guarantor`: verbs over the model, engine and report crates. Only this crate
//! knows about files, terminals and exit codes.

mod forecast;
mod uncertainty;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guarantor_engine::{EvalOptions, evaluate, evaluate_package};
use guarantor_model::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Scenario, ScenarioError};
use miette::{GraphicalReportHandler, GraphicalTheme};

#[derive(Parser)]
#[command(
    name = "guarantor",
    version,
    about = "Planning-exercise engine for multinational security guarantees"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate every package: size, allocate, judge, rank, and mark the frontier.
    Run {
        /// Scenario file (default: the embedded Ukraine, August 2025 scenario).
        file: Option<PathBuf>,
        /// How many passing packages to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print one JSON object instead of tables.
        #[arg(long)]
        json: bool,
        /// Worker threads (default: one per core). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Validate a scenario file and list every problem with its line and a hint.
    Check {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Explain one package: every requirement, allocation, red line and utility.
    Explain {
        /// Scenario file (default: the embedded scenario).
        file: Option<PathBuf>,
        /// COMPONENT=OPTION; components not named take their first option.
        #[arg(long = "option", value_name = "COMPONENT=OPTION")]
        options: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Forecast where bargaining over the dimensions lands, and the nearest package.
    Forecast {
        /// Scenario file (default: the embedded scenario); ignored with --ktab-csv.
        file: Option<PathBuf>,
        /// compromise, median, smp, eum (= eum:scholz-code) or eum:literal.
        #[arg(long, default_value = "smp")]
        model: String,
        /// Read a KTAB SMP input CSV instead of a scenario.
        #[arg(long, value_name = "FILE")]
        ktab_csv: Option<PathBuf>,
        /// Model switch KEY=VALUE (e.g. VotingRule=Binary for smp); repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Validate a forecast model on real decisions with known outcomes.
    Validate {
        #[command(subcommand)]
        data: ValidateData,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Robust packages under the scenario's declared uncertainties: P(pass), tornado, Sobol', PRIM.
    Uncertainty(uncertainty::UncertaintyArgs),
}

#[derive(Subcommand)]
enum ValidateData {
    /// DEU III: EU legislative decisions (Arregui & Perarnaud 2021, CC BY 4.0), a TSV file.
    Deu3 {
        path: PathBuf,
        #[arg(long, default_value = "compromise")]
        model: String,
        /// Capability proxy: equal, or gdp (the file's second row).
        #[arg(long, default_value = "equal")]
        capability: String,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Write to stdout; a closed pipe (`guarantor run | head`) ends the program quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// Largest option space for which `explain` evaluates everything to tell frontier membership.
const EXPLAIN_FRONTIER_LIMIT: u128 = 100_000;

/// A failure already worded for the user.
struct Failure(String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn render_report(e: &ScenarioError) -> String {
    let mut out = String::new();
    let theme = if std::env::var_os("NO_COLOR").is_some()
        || !std::io::IsTerminal::is_terminal(&std::io::stderr())
    {
        GraphicalTheme::unicode_nocolor()
    } else {
        GraphicalTheme::unicode()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, e)
        .expect("writing to a String cannot fail");
    out
}

/// The text of a scenario file, or an error naming it.
fn read_scenario_text(path: &std::path::Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure(format!(
            "error: cannot read scenario file {}: {e}",
            path.display()
        ))
    })
}

/// Read a scenario file (or the embedded one) and validate it.
fn load(file: Option<&PathBuf>) -> Result<Scenario, Failure> {
    let (name, text) = match file {
        None => (
            DEFAULT_SCENARIO_NAME.to_string(),
            DEFAULT_SCENARIO.to_string(),
        ),
        Some(p) => (p.display().to_string(), read_scenario_text(p)?),
    };
    guarantor_model::load(&name, &text).map_err(|e| Failure(render_report(&e)))
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Run {
            file,
            top,
            json,
            threads,
        } => {
            if threads == Some(0) {
                return Err(Failure("error: --threads must be at least 1".into()));
            }
            let s = load(file.as_ref())?;
            let e = evaluate(&s, &EvalOptions { threads })
                .map_err(|e| Failure(format!("error: {e}")))?;
            if json {
                emit(&format!("{}\n", guarantor_report::run_json(&e, top)));
            } else {
                emit(&guarantor_report::render_run(&e, top));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { file, json } => {
            let text = read_scenario_text(&file)?;
            let name = file.display().to_string();
            match guarantor_model::load(&name, &text) {
                Ok(s) => {
                    if json {
                        emit(&format!(
                            "{}\n",
                            serde_json::json!({ "file": name, "valid": true, "errors": [] })
                        ));
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
                    if json {
                        emit(&format!(
                            "{}\n",
                            serde_json::json!({ "file": name, "valid": false, "errors": e.located() })
                        ));
                    } else {
                        eprint!("{}", render_report(&e));
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Explain {
            file,
            options,
            json,
        } => {
            let s = load(file.as_ref())?;
            let mut chosen = BTreeMap::new();
            for o in &options {
                let Some((c, v)) = o.split_once('=') else {
                    return Err(Failure(format!(
                        "error: --option \"{o}\" must be COMPONENT=OPTION, e.g. --option ground_force=reassurance_medium"
                    )));
                };
                if chosen
                    .insert(c.trim().to_string(), v.trim().to_string())
                    .is_some()
                {
                    return Err(Failure(format!(
                        "error: component \"{c}\" is given twice in --option"
                    )));
                }
            }
            let mut v =
                evaluate_package(&s, &chosen).map_err(|e| Failure(format!("error: {e}")))?;
            // Frontier membership needs the whole space; evaluate it when that is cheap.
            let size = s.option_space_size();
            if v.passes && size <= EXPLAIN_FRONTIER_LIMIT {
                let e = evaluate(&s, &EvalOptions::default())
                    .map_err(|e| Failure(format!("error: {e}")))?;
                v.frontier = e.packages.iter().any(|p| p.label == v.label && p.frontier);
            }
            if json {
                emit(&format!(
                    "{}\n",
                    guarantor_report::explain_json(&s.meta.id, &v)
                ));
            } else {
                emit(&guarantor_report::render_explain(
                    &s.meta.id,
                    &s.meta.currency,
                    &v,
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Forecast {
            file,
            model,
            ktab_csv,
            set,
            json,
        } => {
            let scenario = match &ktab_csv {
                Some(_) => None,
                None => Some(load(file.as_ref())?),
            };
            let mut options = Vec::new();
            for kv in &set {
                let Some((k, v)) = kv.split_once('=') else {
                    return Err(Failure(format!(
                        "error: --set \"{kv}\" must be KEY=VALUE, e.g. --set VotingRule=Binary"
                    )));
                };
                options.push((k.trim().to_string(), v.trim().to_string()));
            }
            let out =
                forecast::run_forecast(scenario.as_ref(), ktab_csv.as_deref(), &model, &options)
                    .map_err(Failure)?;
            if json {
                emit(&format!("{}\n", forecast::forecast_json(&out)));
            } else {
                emit(&forecast::forecast_text(&out));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            data:
                ValidateData::Deu3 {
                    path,
                    model,
                    capability,
                    json,
                },
        } => {
            emit(
                &forecast::run_validate(&path, &model, &capability, json)
                    .map_err(Failure)?
                    .to_string(),
            );
            if json {
                emit("\n");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Uncertainty(args) => uncertainty::run(args),
        Command::Schema => {
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&guarantor_model::json_schema())
                    .expect("schema serialises")
            ));
            Ok(ExitCode::SUCCESS)
        }
    }
}
