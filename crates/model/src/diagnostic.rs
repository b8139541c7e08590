//! Problems found in a scenario, and their rendering for people and machines.

use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Serialize;
use thiserror::Error;

/// One problem at one place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    /// Byte range in the source.
    pub span: Range<usize>,
    /// Short text under the underlined source.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// A problem rendered as miette diagnostic, carrying its own source.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(guarantor::scenario))]
pub struct ProblemReport {
    message: String,
    #[source_code]
    src: NamedSource<Arc<String>>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
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
                message: format!("… and {more} more problems after this one, not shown"),
                span: at,
                label: "the listing stops here".into(),
                help: Some("fix the problems above and run `guarantor check` again".into()),
            });
        }
        let reports = problems
            .iter()
            .map(|p| ProblemReport {
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
