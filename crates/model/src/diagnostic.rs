//! Problems found in a scenario, and their rendering for people and machines.

use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use thiserror::Error;

/// What kind of problem a [`Problem`] is. The kind, not the wording, decides
/// which problems are still reported when the file could only be half read,
/// and gives each problem its diagnostic code (`guarantor::scenario::<kind>`,
/// also in `check --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not TOML.
    Syntax,
    /// A value of the wrong type (a string where a number belongs).
    WrongType,
    /// A required key is absent.
    MissingKey,
    /// A key the format does not have (usually a typo).
    UnknownKey,
    /// A number outside its domain (negative, not finite, above 1, …).
    OutOfRange,
    /// A word that is not one of the allowed ones (a sizing rule, a distribution, …).
    UnknownValue,
    /// An id that is empty or malformed.
    BadId,
    /// Something defined or listed twice.
    Duplicate,
    /// A reference to an id (or path) the scenario does not define.
    UnknownReference,
    /// A set that must not be empty is.
    Empty,
    /// Values that each look right but contradict each other.
    Inconsistent,
    /// More problems than are listed.
    Truncated,
}

impl ProblemKind {
    /// The diagnostic code, e.g. `guarantor::scenario::unknown_reference`.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Syntax => "guarantor::scenario::syntax",
            ProblemKind::WrongType => "guarantor::scenario::wrong_type",
            ProblemKind::MissingKey => "guarantor::scenario::missing_key",
            ProblemKind::UnknownKey => "guarantor::scenario::unknown_key",
            ProblemKind::OutOfRange => "guarantor::scenario::out_of_range",
            ProblemKind::UnknownValue => "guarantor::scenario::unknown_value",
            ProblemKind::BadId => "guarantor::scenario::bad_id",
            ProblemKind::Duplicate => "guarantor::scenario::duplicate",
            ProblemKind::UnknownReference => "guarantor::scenario::unknown_reference",
            ProblemKind::Empty => "guarantor::scenario::empty",
            ProblemKind::Inconsistent => "guarantor::scenario::inconsistent",
            ProblemKind::Truncated => "guarantor::scenario::truncated",
        }
    }

    /// Whether a semantic problem of this kind is still worth reporting when
    /// the file has structural problems: duplicates and dangling references
    /// do not depend on the parts that could not be read; the other checks
    /// would mostly repeat the structural problems.
    pub fn reliable_on_a_half_read_file(self) -> bool {
        matches!(self, ProblemKind::Duplicate | ProblemKind::UnknownReference)
    }
}

/// One problem at one place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    /// Byte range in the source.
    pub span: Range<usize>,
    /// Short text under the underlined source.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// A problem rendered as miette diagnostic, carrying its own source.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct ProblemReport {
    kind: ProblemKind,
    message: String,
    src: NamedSource<Arc<String>>,
    span: SourceSpan,
    label: String,
    help: Option<String>,
}

impl Diagnostic for ProblemReport {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }
}

/// Every problem of one scenario file. A scenario with problems never yields a result.
#[derive(Debug, Error, Diagnostic)]
#[error("{file}: {} in the scenario", plural(.problems.len()))]
#[diagnostic(
    code(guarantor::invalid_scenario),
    help("fix the problems listed above; `guarantor check FILE` lists them again")
)]
pub struct ScenarioError {
    pub file: String,
    pub source_text: Arc<String>,
    pub problems: Vec<Problem>,
    #[related]
    reports: Vec<ProblemReport>,
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

/// A problem located by line and column, for `--json` output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LocatedProblem {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What kind of problem it is (`syntax`, `unknown_reference`, …).
    pub kind: ProblemKind,
    pub message: String,
    pub help: Option<String>,
}

/// Problems listed at most; a file with more is almost surely not a scenario
/// (or is systematically wrong), and thousands of reports help nobody.
pub const MAX_PROBLEMS_SHOWN: usize = 100;

impl ScenarioError {
    pub fn new(file: &str, source_text: Arc<String>, mut problems: Vec<Problem>) -> Self {
        problems.sort_by(|a, b| (a.span.start, &a.message).cmp(&(b.span.start, &b.message)));
        problems.dedup();
        if problems.len() > MAX_PROBLEMS_SHOWN {
            let more = problems.len() - MAX_PROBLEMS_SHOWN;
            problems.truncate(MAX_PROBLEMS_SHOWN);
            let at = problems.last().map_or(0..0, |p| p.span.clone());
            problems.push(Problem {
                kind: ProblemKind::Truncated,
                message: format!("… and {more} more problems after this one, not shown"),
                span: at,
                label: "the listing stops here".into(),
                help: Some("fix the problems above and run `guarantor check` again".into()),
            });
        }
        let reports = problems
            .iter()
            .map(|p| ProblemReport {
                kind: p.kind,
                message: p.message.clone(),
                src: NamedSource::new(file, source_text.clone()),
                span: clamp(&p.span, source_text.len()).into(),
                label: p.label.clone(),
                help: p.help.clone(),
            })
            .collect();
        ScenarioError {
            file: file.to_string(),
            source_text,
            problems,
            reports,
        }
    }

    /// Every problem with its line and column.
    pub fn located(&self) -> Vec<LocatedProblem> {
        self.problems
            .iter()
            .map(|p| {
                let (line, column) = line_column(&self.source_text, p.span.start);
                LocatedProblem {
                    file: self.file.clone(),
                    line,
                    column,
                    kind: p.kind,
                    message: p.message.clone(),
                    help: p.help.clone(),
                }
            })
            .collect()
    }
}

fn clamp(span: &Range<usize>, len: usize) -> Range<usize> {
    let start = span.start.min(len);
    start..span.end.clamp(start, len)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = src[line_start..offset].chars().count() + 1;
    (line, column)
}
