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

/// The scenario a verb works on.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Scenario file (default: the embedded Ukraine, August 2025 scenario).
    pub file: Option<PathBuf>,
}

impl ScenarioArgs {
    /// The scenario's name in messages and records: its path, or the embedded name.
    pub fn name(&self) -> String {
        self.file
            .as_ref()
            .map_or(DEFAULT_SCENARIO_NAME.to_string(), |p| {
                p.display().to_string()
            })
    }

    /// Read and validate the scenario.
    pub fn load(&self) -> Result<Scenario, Failure> {
        load(self.file.as_ref())
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

/// Read a scenario file (or the embedded one) and validate it.
pub fn load(file: Option<&PathBuf>) -> Result<Scenario, Failure> {
    let (name, text) = match file {
        None => (
            DEFAULT_SCENARIO_NAME.to_string(),
            DEFAULT_SCENARIO.to_string(),
        ),
        Some(p) => (p.display().to_string(), read_scenario_text(p)?),
    };
    guarantor_model::load(&name, &text).map_err(|e| Failure(render_diagnostics(&e)))
}

/// An engine error for the user.
pub fn engine_failure(e: impl std::fmt::Display) -> Failure {
    Failure(format!("error: {e}"))
}
