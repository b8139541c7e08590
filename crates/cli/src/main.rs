//! `guarantor`: verbs over the model, engine and report crates. Only this crate
//! knows about files, terminals and exit codes.

mod diff;
mod forecast;
mod history;
mod progress;
mod report;
mod serve;
mod uncertainty;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guarantor_engine::{Objective, SearchOptions, evaluate_package, nearest_fixes, search};
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
        /// Frontier objectives, comma-separated: deterrence, margin, cost, burden.
        #[arg(long, default_value = "deterrence,margin,cost,burden")]
        objectives: String,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Skip subtrees that cannot contain a passing package (faster; the
        /// why-not counts then cover the screened packages only).
        #[arg(long)]
        prune: bool,
        /// Record the run in the run history (see `guarantor history`).
        #[arg(long)]
        record: bool,
        /// Run history database (default: $GUARANTOR_HISTORY, else $XDG_DATA_HOME/guarantor/history.sqlite).
        #[arg(long, value_name = "PATH")]
        history: Option<PathBuf>,
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
        /// Model switch KEY=VALUE (e.g. VotingRule=Binary for smp), or an institutional one (status_quo_pull, status_quo.DIM, veto, agenda_setter, agenda_weight; see docs/forecast.md); repeatable.
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
    /// Write a random but valid synthetic scenario (for benchmarks and tests) to stdout.
    Synth {
        #[arg(long, default_value_t = 6)]
        components: usize,
        #[arg(long, default_value_t = 4)]
        options: usize,
        #[arg(long, default_value_t = 12)]
        contributors: usize,
        #[arg(long, default_value_t = 6)]
        capabilities: usize,
        #[arg(long, default_value_t = 16)]
        actors: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Host a live planning exercise in the browser (facilitator, delegations, observers).
    Serve {
        /// Scenario for a new exercise (default: the embedded scenario); ignored when the database already holds one.
        file: Option<PathBuf>,
        /// SQLite database holding the exercise's events; created if missing.
        #[arg(long, default_value = "guarantor-exercise.db")]
        db: PathBuf,
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Write the new exercise's invitation codes to this file (mode 0600) instead of printing them.
        #[arg(long, value_name = "FILE")]
        codes_file: Option<PathBuf>,
        /// Also answer requests for this host name (e.g. a TLS proxy's); loopback names always work. Repeatable.
        #[arg(long = "public-host", value_name = "NAME")]
        public_hosts: Vec<String>,
    },
    /// Write an HTML report, a Markdown summary and CSV/JSON/Parquet data into a folder.
    Report(report::ReportArgs),
    /// List recorded runs (`run --record`, `report --record`), newest first.
    ///
    /// Default database: $GUARANTOR_HISTORY, else $XDG_DATA_HOME/guarantor/history.sqlite,
    /// else ~/.local/share/guarantor/history.sqlite.
    History {
        #[arg(long, value_name = "PATH")]
        history: Option<PathBuf>,
        /// How many runs to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Compare two scenario files or recorded runs: changed inputs, changed verdicts and why.
    ///
    /// A and B are scenario files or run ids from `guarantor history` (e.g. run:3).
    Diff {
        a: String,
        b: String,
        #[arg(long, value_name = "PATH")]
        history: Option<PathBuf>,
        /// How many changes of each kind to list (--json lists all).
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        threads: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Robust packages under the scenario's declared uncertainties: P(pass), tornado, Sobol', PRIM.
    Uncertainty(uncertainty::UncertaintyArgs),
}

#[derive(Subcommand)]
enum ValidateData {
    /// DEU III: EU legislative decisions (Arregui & Perarnaud 2021, CC BY 4.0), a TSV file.
    Deu3 {
        path: PathBuf,
        /// compromise, median, smp, eum, eum:literal, or fitted (learns from --train).
        #[arg(long, default_value = "compromise")]
        model: String,
        /// Fit on this DEU III file and score PATH; without it, grouped CV on PATH.
        #[arg(long, value_name = "TRAIN")]
        train: Option<PathBuf>,
        /// Cross-validation folds (grouped by dossier, `prnr`).
        #[arg(long, default_value_t = 10)]
        folds: usize,
        /// Seed of the folds and of the bootstrap interval.
        #[arg(long, default_value_t = 21)]
        seed: u64,
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

/// Option spaces above this get a note on stderr before `run` starts.
const LARGE_OPTION_SPACE: u128 = 100_000_000;

/// Largest option space for which `explain` searches everything to tell frontier membership.
const EXPLAIN_FRONTIER_LIMIT: u128 = 2_000_000;

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

/// Largest scenario file read. Hand-written scenarios are tens of kilobytes; the
/// largest synthetic benchmark scenarios are under 1 MB.
const MAX_SCENARIO_BYTES: u64 = 8 * 1024 * 1024;

/// The text of a scenario file, or an error naming it.
fn read_scenario_text(path: &std::path::Path) -> Result<String, Failure> {
    let cannot = |e: &dyn std::fmt::Display| {
        Failure(format!(
            "error: cannot read scenario file {}: {e}",
            path.display()
        ))
    };
    let size = std::fs::metadata(path).map_err(|e| cannot(&e))?.len();
    if size > MAX_SCENARIO_BYTES {
        return Err(Failure(format!(
            "error: scenario file {} is {:.1} MB, more than the {} MB a scenario may have; is it the right file?",
            path.display(),
            size as f64 / 1e6,
            MAX_SCENARIO_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| cannot(&e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.into_bytes()[..at]).into_owned();
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Failure(format!(
            "error: {}:{line}:{column}: the file is not UTF-8 text (invalid byte at offset {at}); save it as UTF-8",
            path.display()
        ))
    })
}

/// COMPONENT=OPTION pairs (`--option`) into a package.
fn parse_choice(pairs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut chosen = BTreeMap::new();
    for o in pairs {
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
                "error: component \"{}\" is given twice in --option",
                c.trim()
            )));
        }
    }
    Ok(chosen)
}

/// `--threads 0` is refused by every verb that takes it.
fn check_threads(threads: Option<usize>) -> Result<(), Failure> {
    if threads == Some(0) {
        return Err(Failure("error: --threads must be at least 1".into()));
    }
    Ok(())
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
            objectives,
            quiet,
            prune,
            record,
            history,
        } => {
            check_threads(threads)?;
            let objectives = Objective::parse_list(&objectives)
                .map_err(|m| Failure(format!("error: --objectives: {m}")))?;
            let s = load(file.as_ref())?;
            let size = s.option_space_size();
            if size > LARGE_OPTION_SPACE && !quiet {
                eprintln!(
                    "note: {size} packages; the search streams them in constant memory at roughly \
                     a million packages a second per core{}",
                    if prune {
                        ""
                    } else {
                        "; --prune skips subtrees that cannot pass"
                    }
                );
            }
            let bar = progress::Bar::new(
                u64::try_from(s.option_space_size()).unwrap_or(u64::MAX),
                !(json || quiet),
            );
            let tick = |done: u64| bar.set(done);
            let e = search(
                &s,
                &SearchOptions {
                    threads,
                    top,
                    objectives: objectives.clone(),
                    progress: Some(&tick),
                    prune,
                },
            )
            .map_err(|e| Failure(format!("error: {e}")))?;
            bar.finish();
            if json {
                emit(&format!("{}\n", guarantor_report::run_json(&e, top)));
            } else {
                let style = guarantor_report::Style {
                    color: progress::stdout_wants_color(),
                };
                emit(&guarantor_report::render_run_styled(&e, top, style));
            }
            if record {
                // The history keeps every package's verdict (for `diff`), which the
                // streaming search does not hold: evaluate the space in memory.
                let all = guarantor_engine::evaluate(
                    &s,
                    &guarantor_engine::EvalOptions {
                        threads,
                        objectives,
                    },
                )
                .map_err(|e| {
                    Failure(format!(
                        "error: the run was not recorded: {e}; --record keeps every package's verdict for `guarantor diff`"
                    ))
                })?;
                let id = history::record(
                    "run",
                    file.as_ref(),
                    &s,
                    &all,
                    serde_json::json!({ "threads": threads, "top": top }),
                    history.as_deref(),
                )?;
                eprintln!("Recorded as run {id} (see `guarantor history`).");
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
            let chosen = parse_choice(&options)?;
            let mut v =
                evaluate_package(&s, &chosen).map_err(|e| Failure(format!("error: {e}")))?;
            // Frontier membership needs the whole space; search it when that is quick.
            let size = s.option_space_size();
            if v.passes && size <= EXPLAIN_FRONTIER_LIMIT {
                let e = search(
                    &s,
                    &SearchOptions {
                        top: 0,
                        ..SearchOptions::default()
                    },
                )
                .map_err(|e| Failure(format!("error: {e}")))?;
                v.frontier = e.packages.iter().any(|p| p.label == v.label && p.frontier);
            }
            let fixes =
                nearest_fixes(&s, &chosen, &v).map_err(|e| Failure(format!("error: {e}")))?;
            if json {
                emit(&format!(
                    "{}\n",
                    guarantor_report::explain_json(&s.meta.id, &v, &fixes)
                ));
            } else {
                let mut text = guarantor_report::render_explain(&s.meta.id, &s.meta.currency, &v);
                if !v.passes {
                    text.push_str(&guarantor_report::render_fixes(&fixes, &s.meta.currency));
                }
                emit(&text);
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
                    train,
                    folds,
                    seed,
                    capability,
                    json,
                },
        } => {
            emit(
                &forecast::run_validate(
                    &path,
                    train.as_deref(),
                    &model,
                    &capability,
                    folds,
                    seed,
                    json,
                )
                .map_err(Failure)?
                .to_string(),
            );
            if json {
                emit("\n");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth {
            components,
            options,
            contributors,
            capabilities,
            actors,
            seed,
        } => {
            let p = guarantor_model::synth::SynthParams {
                components,
                options,
                contributors,
                capabilities,
                actors,
                seed,
            };
            p.check().map_err(|m| Failure(format!("error: {m}")))?;
            emit(&guarantor_model::synth::synth(&p));
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            file,
            db,
            bind,
            codes_file,
            public_hosts,
        } => {
            let name = file
                .as_ref()
                .map_or(DEFAULT_SCENARIO_NAME.to_string(), |p| {
                    p.display().to_string()
                });
            let scenario = (name, load(file.as_ref())?);
            serve::run_serve(
                scenario,
                file.is_some(),
                &db,
                bind,
                codes_file.as_ref(),
                public_hosts,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => {
            check_threads(args.threads)?;
            emit(&report::run_report(&args)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::History {
            history,
            limit,
            json,
        } => {
            emit(&history::list(history.as_deref(), limit, json)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff {
            a,
            b,
            history,
            limit,
            threads,
            json,
        } => {
            check_threads(threads)?;
            let d = diff::run_diff(&a, &b, history.as_deref(), threads)?;
            if json {
                emit(&format!("{}\n", diff::diff_json(&d)));
            } else {
                emit(&diff::diff_text(&d, limit));
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
