//! What every verb shares: the one failure type, writing to stdout, reading
//! and validating a scenario file, and the flags several verbs take (through
//! `#[command(flatten)]`). Verb modules import from here; nothing here
//! imports a verb.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use guarantor_model::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Scenario, ScenarioError};
use miette::{GraphicalReportHandler, GraphicalTheme};

/// A failure already worded for the user: `main` prints it to stderr and
/// exits with status 1.
pub struct Failure(pub String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The scenario a verb works on, with its what-ifs.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Scenario file (default: the embedded Ukraine, August 2025 scenario).
    pub file: Option<PathBuf>,
    /// An embedded scenario by its id instead of a file (`guarantor scenarios`
    /// lists them), e.g. --scenario ukraine-2025-11.
    #[arg(long = "scenario", value_name = "ID", conflicts_with = "file")]
    pub scenario: Option<String>,
    /// What-if: set one number of the scenario by its dotted path, as
    /// `[[uncertainty]]` names it (e.g. actors.ru.reservation=0.55,
    /// actors.ru.red_lines.no_nato_mission.holds=0). Repeatable.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// One applied what-if: the path, the value set and the scenario's own value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WhatIf {
    pub path: String,
    pub value: f64,
    pub was: f64,
}

impl WhatIf {
    /// "actors.ru.reservation = 0.55 (scenario: 0.5)".
    pub fn describe(&self) -> String {
        format!(
            "{} = {} (scenario: {})",
            self.path,
            guarantor_model::number::fmt(self.value),
            guarantor_model::number::fmt(self.was)
        )
    }
}

/// The what-ifs in words, separated by "; ".
pub fn describe_what_ifs(what_ifs: &[WhatIf]) -> String {
    what_ifs
        .iter()
        .map(WhatIf::describe)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The what-ifs as a header line for text output, empty without any.
pub fn what_if_header(what_ifs: &[WhatIf]) -> String {
    if what_ifs.is_empty() {
        return String::new();
    }
    format!("What-if: {}\n", describe_what_ifs(what_ifs))
}

/// Apply `PATH=VALUE` what-ifs to a scenario: each path resolved with
/// did-you-mean, each value checked against its domain.
pub fn apply_what_ifs(s: &mut Scenario, set: &[String]) -> Result<Vec<WhatIf>, Failure> {
    let mut out: Vec<WhatIf> = Vec::new();
    for item in set {
        let Some((path, value)) = item.split_once('=') else {
            return Err(Failure(format!(
                "error: --set \"{item}\" must be PATH=VALUE, e.g. --set actors.ru.reservation=0.55"
            )));
        };
        let path = path.trim();
        let target = guarantor_model::resolve(s, path)
            .map_err(|e| Failure(format!("error: --set: {}\n  help: {}", e.message, e.help)))?;
        let value: f64 = value.trim().parse().map_err(|_| {
            Failure(format!(
                "error: --set {path}: \"{}\" is not a number",
                value.trim()
            ))
        })?;
        let domain = target.domain(s);
        if !domain.contains(value) {
            return Err(Failure(format!(
                "error: --set {path}: {value} is outside the parameter's domain; it must be {}",
                domain.describe()
            )));
        }
        if out.iter().any(|w| w.path == path) {
            return Err(Failure(format!("error: --set {path} is given twice")));
        }
        let was = target.value(s);
        guarantor_model::apply(s, &[target], &[value]);
        out.push(WhatIf {
            path: path.to_string(),
            value,
            was,
        });
    }
    Ok(out)
}

impl ScenarioArgs {
    /// The scenario's name in messages and records: its path, or the embedded name.
    pub fn name(&self) -> String {
        if let Some(e) = self
            .scenario
            .as_deref()
            .and_then(guarantor_model::embedded_scenario)
        {
            return e.name.to_string();
        }
        self.file
            .as_ref()
            .map_or(DEFAULT_SCENARIO_NAME.to_string(), |p| {
                p.display().to_string()
            })
    }

    /// The scenario's name and text: the file, the embedded scenario named by
    /// `--scenario`, or the default.
    pub fn source(&self) -> Result<(String, String), Failure> {
        source_of(self.file.as_ref(), self.scenario.as_deref())
    }

    /// Read and validate the scenario, then apply the what-ifs.
    pub fn load(&self) -> Result<Scenario, Failure> {
        Ok(self.load_with_what_ifs()?.0)
    }

    /// The scenario with the what-ifs applied, and the what-ifs.
    pub fn load_with_what_ifs(&self) -> Result<(Scenario, Vec<WhatIf>), Failure> {
        let (name, text) = self.source()?;
        let mut s =
            guarantor_model::load(&name, &text).map_err(|e| Failure(render_diagnostics(&e)))?;
        let what_ifs = apply_what_ifs(&mut s, &self.set)?;
        Ok((s, what_ifs))
    }
}

/// `--threads`, checked the same way by every verb that takes it.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct ThreadsArgs {
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

impl ThreadsArgs {
    /// The thread count, refusing 0.
    pub fn get(self) -> Result<Option<usize>, Failure> {
        check_threads(self.threads)?;
        Ok(self.threads)
    }
}

/// `--history`: which run history database to use.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct HistoryArgs {
    /// Run history database (default: $GUARANTOR_HISTORY, else
    /// $XDG_DATA_HOME/guarantor/history.sqlite, else ~/.local/share/guarantor/history.sqlite).
    #[arg(long, value_name = "PATH")]
    pub history: Option<PathBuf>,
}

/// Write to stdout; a closed pipe (`guarantor run | head`) ends the program quietly.
pub fn emit(text: &str) {
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

/// Write one JSON value and a newline to stdout.
pub fn emit_json(value: &serde_json::Value) {
    emit(&format!("{value}\n"));
}

/// A scenario's problems as miette renders them — file, line, column, the
/// source line and a hint, each with its code — then one summary line after
/// the list. Colour only on a terminal without `NO_COLOR`.
pub fn render_diagnostics(e: &ScenarioError) -> String {
    use miette::Diagnostic;
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let theme = if std::env::var_os("NO_COLOR").is_some() || !terminal {
        GraphicalTheme::unicode_nocolor()
    } else {
        GraphicalTheme::unicode()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(output_width(terminal));
    let mut out = String::new();
    for (i, problem) in e.related().into_iter().flatten().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        handler
            .render_report(&mut out, problem)
            .expect("writing to a String cannot fail");
    }
    let them = if e.problems.len() == 1 { "it" } else { "them" };
    out.push_str(&format!(
        "\n{e}: fix {them} and run `guarantor check {}` again.\n",
        e.file
    ));
    out
}

/// Width that text output wraps at when it is not a terminal: generous, so
/// that a long file path never pushes a word onto the next line.
pub const PIPE_WIDTH: usize = 1000;

/// How wide to wrap text: `COLUMNS` when set (as shells export it), else the
/// terminal's width, else [`PIPE_WIDTH`] when the output is a file or a pipe.
pub fn output_width(is_terminal: bool) -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n >= 20)
    {
        return n;
    }
    if is_terminal {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return usize::from(w).max(20);
        }
        return 100;
    }
    PIPE_WIDTH
}

/// Largest scenario file read. Hand-written scenarios are tens of kilobytes; the
/// largest synthetic benchmark scenarios are under 1 MB.
const MAX_SCENARIO_BYTES: u64 = 8 * 1024 * 1024;

/// The text of a scenario file, or an error naming it.
pub fn read_scenario_text(path: &Path) -> Result<String, Failure> {
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
pub fn parse_choice(pairs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
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
pub fn check_threads(threads: Option<usize>) -> Result<(), Failure> {
    if threads == Some(0) {
        return Err(Failure("error: --threads must be at least 1".into()));
    }
    Ok(())
}

/// The name and text of the scenario a verb was given: the embedded one named
/// by `--scenario ID`, else the file, else the default.
pub fn source_of(file: Option<&PathBuf>, id: Option<&str>) -> Result<(String, String), Failure> {
    match id {
        Some(id) => embedded_source(id),
        None => scenario_source(file),
    }
}

/// The scenario's name and text as the user gave it (or the embedded one).
pub fn scenario_source(file: Option<&PathBuf>) -> Result<(String, String), Failure> {
    match file {
        None => Ok((
            DEFAULT_SCENARIO_NAME.to_string(),
            DEFAULT_SCENARIO.to_string(),
        )),
        Some(p) => Ok((p.display().to_string(), read_scenario_text(p)?)),
    }
}

/// The name and text of the embedded scenario `id`, or an error listing the ids.
pub fn embedded_source(id: &str) -> Result<(String, String), Failure> {
    match guarantor_model::embedded_scenario(id) {
        Some(e) => Ok((e.name.to_string(), e.text.to_string())),
        None => {
            let ids: Vec<&str> = guarantor_model::SCENARIOS.iter().map(|e| e.id).collect();
            let hint = guarantor_model::suggest::closest(id, &ids)
                .map_or(String::new(), |k| format!(" (did you mean \"{k}\"?)"));
            Err(Failure(format!(
                "error: there is no embedded scenario \"{id}\"{hint}; the embedded scenarios are {} (`guarantor scenarios` lists them)",
                ids.join(", ")
            )))
        }
    }
}

/// An engine error for the user.
pub fn engine_failure(e: impl std::fmt::Display) -> Failure {
    Failure(format!("error: {e}"))
}
