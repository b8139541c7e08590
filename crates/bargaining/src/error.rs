//! The crate's single error type.
//!
//! Every variant says *where* the problem is (file line and column, or actor and
//! dimension) and *how to fix it*, so the CLI can print it as is.

/// Everything that can go wrong in this crate. No function of the crate panics on
/// user input; they return one of these instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A text input (KTAB CSV, DEU III TSV) is malformed at a known place.
    /// `line` and `column` are 1-based; `column` counts cells (fields), not characters.
    #[error("line {line}, column {column} ({field}): {problem}. Fix: {fix}")]
    Parse {
        /// 1-based line number in the file.
        line: usize,
        /// 1-based cell (field) number in the line.
        column: usize,
        /// What the cell should hold, e.g. `capability` or `salience of dimension "Pstn1"`.
        field: String,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// A scenario built in code (not read from a file) is invalid for the chosen model.
    #[error("actor {actor} (\"{name}\"), {field}: {problem}. Fix: {fix}")]
    InvalidActor {
        /// 0-based index of the actor in the scenario.
        actor: usize,
        /// The actor's name.
        name: String,
        /// The offending field.
        field: String,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// The scenario as a whole cannot be forecast (too few actors, no dimension, ...).
    #[error("invalid scenario: {problem}. Fix: {fix}")]
    InvalidScenario {
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path given.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A problem inside a named input file (the inner error gives the line).
    #[error("{path}: {inner}")]
    InFile {
        /// The path as given.
        path: String,
        /// The problem, with its line.
        inner: Box<Error>,
    },
    /// A model name or a model option (switch) is unknown or has an unknown value.
    #[error("unknown {what} \"{given}\"; expected one of: {allowed}")]
    UnknownName {
        /// What was being named: `model`, `SMP option`, `value of VotingRule`, ...
        what: String,
        /// The name given.
        given: String,
        /// The accepted names, comma-separated.
        allowed: String,
    },
}

impl Error {
    /// The same error, prefixed with the file it was found in (I/O errors and errors
    /// already naming a file are returned unchanged).
    pub fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Error::Io { .. } | Error::InFile { .. } => self,
            inner => Error::InFile {
                path: path.display().to_string(),
                inner: Box::new(inner),
            },
        }
    }

    pub(crate) fn parse(
        line: usize,
        column: usize,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Error::Parse {
            line,
            column,
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn scenario(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::InvalidScenario {
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn actor(
        actor: usize,
        name: &str,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Error::InvalidActor {
            actor,
            name: name.to_string(),
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
