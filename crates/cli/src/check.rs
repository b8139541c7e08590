//! `guarantor check`: validate a scenario file and list every problem, then
//! warn of hindsight: a cited source dated after the scenario's `as_of`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::common::{Failure, emit, emit_json, render_diagnostics, source_of};

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file to check (default: the embedded scenario).
    file: Option<PathBuf>,
    /// Check an embedded scenario by its id instead (`guarantor scenarios` lists them).
    #[arg(long = "scenario", value_name = "ID", conflicts_with = "file")]
    scenario: Option<String>,
    /// Print one JSON object: the file, whether it is valid, and every error with its line.
    #[arg(long)]
    json: bool,
}

/// ", 144 of them excluded by requires / excludes" when options declare rules
/// (counted when the option space is small enough to walk).
fn excluded_note(s: &guarantor_model::Scenario, packages: u128) -> String {
    let space = guarantor_engine::PackageSpace::new(s);
    if !space.has_rules() {
        return String::new();
    }
    if packages > guarantor_engine::MAX_PACKAGES_IN_MEMORY {
        return ", some excluded by requires / excludes".into();
    }
    let excluded: u64 = space.walk(0, packages as u64, |_, _| {}).iter().sum();
    format!(", {excluded} of them excluded by requires / excludes")
}

/// A warning located in the scenario file: it does not make the file invalid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Warning {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// A date `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as (year, month, day); a month or
/// a year counts from its first day. `None` when it is not such a date.
pub fn date_key(d: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = d.split('-').collect();
    let num = |s: &str, len: usize, max: u32| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|&n| (1..=max).contains(&n))
    };
    match parts.as_slice() {
        [y] => Some((num(y, 4, 9999)?, 1, 1)),
        [y, m] => Some((num(y, 4, 9999)?, num(m, 2, 12)?, 1)),
        [y, m, d] => Some((num(y, 4, 9999)?, num(m, 2, 12)?, num(d, 2, 31)?)),
        _ => None,
    }
}

/// Source ids cited on one line: `[src ID]` tags (an id ends at a space, a
/// colon or the closing bracket) and `source = "ID"` values, with the
/// 1-based column of each.
fn citations(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("[src ") {
        let rest = &line[at + "[src ".len()..];
        let id: String = rest
            .chars()
            .take_while(|c| !matches!(c, ']' | ':' | ' ' | ';' | ','))
            .collect();
        if !id.is_empty() {
            out.push((line[..at].chars().count() + 1, id));
        }
    }
    let code = line.split('#').next().unwrap_or("");
    if let Some(v) = code
        .trim_start()
        .strip_prefix("source")
        .and_then(|v| v.trim_start().strip_prefix('='))
        && let Some(id) = v.trim().strip_prefix('"').and_then(|v| v.strip_suffix('"'))
    {
        let col = line.find('"').map_or(1, |i| line[..i].chars().count() + 1);
        out.push((col, id.to_string()));
    }
    out
}

/// Dates written out in a line (`YYYY-MM-DD`, not part of a longer run of
/// digits), with the 1-based column of each: a statement's or a note's date
/// is a citation too.
fn written_dates(line: &str) -> Vec<(usize, String)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while i + 10 <= b.len() {
        let shape = (0..10).all(|k| {
            if k == 4 || k == 7 {
                b[i + k] == b'-'
            } else {
                digit(i + k)
            }
        });
        let bounded = (i == 0 || !digit(i - 1)) && !digit(i + 10);
        if shape && bounded && date_key(&line[i..i + 10]).is_some() {
            out.push((line[..i].chars().count() + 1, line[i..i + 10].to_string()));
            i += 10;
        } else {
            i += 1;
        }
    }
    out
}

/// Hindsight and dating warnings: every citation of a source dated after
/// `meta.as_of`, every source without a valid date, and an `as_of` that is
/// not a date. The line of a source's definition is that of its `id`.
pub fn hindsight_warnings(s: &guarantor_model::Scenario, text: &str) -> Vec<Warning> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |needle: &str| {
        lines
            .iter()
            .position(|l| l.trim() == needle)
            .map_or(1, |i| i + 1)
    };
    let as_of = date_key(&s.meta.as_of);
    if as_of.is_none() {
        out.push(Warning {
            line: line_of(&format!("as_of = \"{}\"", s.meta.as_of)),
            column: 1,
            message: format!(
                "meta.as_of \"{}\" is not a date, so citations cannot be checked for hindsight",
                s.meta.as_of
            ),
            help: "give the date the scenario describes, e.g. as_of = \"2025-08-20\"".into(),
        });
    }
    for src in &s.meta.sources {
        if date_key(&src.date).is_none() {
            out.push(Warning {
                line: line_of(&format!("id = \"{}\"", src.id)),
                column: 1,
                message: format!(
                    "source \"{}\" has {}",
                    src.id,
                    if src.date.is_empty() {
                        "no date".to_string()
                    } else {
                        format!("the date \"{}\", which is not YYYY, YYYY-MM or YYYY-MM-DD", src.date)
                    }
                ),
                help: "add the date it was published, e.g. date = \"2025-08-20\" (a month or a year when the day is unknown)".into(),
            });
        }
    }
    let Some(as_of) = as_of else {
        return out;
    };
    for (n, line) in lines.iter().enumerate() {
        for (column, id) in citations(line) {
            let Some(src) = s.meta.sources.iter().find(|x| x.id == id) else {
                continue;
            };
            if date_key(&src.date).is_some_and(|d| d > as_of) {
                out.push(Warning {
                    line: n + 1,
                    column,
                    message: format!(
                        "cites source \"{id}\" dated {}, after the scenario's as_of {} (hindsight)",
                        src.date, s.meta.as_of
                    ),
                    help: "cite a source dated on or before as_of, or move the scenario's as_of"
                        .into(),
                });
            }
        }
        // A date written in a statement, a note or a comment; the sources' own
        // `date` lines and `as_of` are checked above.
        let key = line.trim_start();
        if key.starts_with("date") || key.starts_with("as_of") {
            continue;
        }
        for (column, date) in written_dates(line) {
            if date_key(&date).is_some_and(|d| d > as_of) {
                out.push(Warning {
                    line: n + 1,
                    column,
                    message: format!(
                        "mentions the date {date}, after the scenario's as_of {} (hindsight)",
                        s.meta.as_of
                    ),
                    help:
                        "cite only what was known on or before as_of, or move the scenario's as_of"
                            .into(),
                });
            }
        }
    }
    out
}

pub fn run(a: Args) -> Result<ExitCode, Failure> {
    let (name, text) = source_of(a.file.as_ref(), a.scenario.as_deref())?;
    match guarantor_model::load(&name, &text) {
        Ok(s) => {
            let warnings = hindsight_warnings(&s, &text);
            if a.json {
                emit_json(&serde_json::json!({
                    "file": name, "valid": true, "errors": [], "warnings": warnings
                }));
            } else {
                let packages = s.option_space_size();
                emit(&format!(
                    "{name}: valid — {} actors, {} dimensions, {} components, {packages} packages{}\n",
                    s.actors.len(),
                    s.dimensions.len(),
                    s.components.len(),
                    excluded_note(&s, packages)
                ));
                for w in &warnings {
                    eprintln!(
                        "warning: {name}:{}:{}: {}\n  help: {}",
                        w.line, w.column, w.message, w.help
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if a.json {
                emit_json(
                    &serde_json::json!({ "file": name, "valid": false, "errors": e.located() }),
                );
            } else {
                eprint!("{}", render_diagnostics(&e));
            }
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{citations, date_key, written_dates};

    #[test]
    fn dates_count_from_the_first_day_of_their_period() {
        assert_eq!(date_key("2025-08-20"), Some((2025, 8, 20)));
        assert_eq!(date_key("2025-11"), Some((2025, 11, 1)));
        assert_eq!(date_key("2024"), Some((2024, 1, 1)));
        assert_eq!(date_key("2025-13"), None);
        assert_eq!(date_key("Aug 2025"), None);
        assert_eq!(date_key(""), None);
        assert!(date_key("2025-09-26") > date_key("2025-08-20"));
        assert!(date_key("2025-08") < date_key("2025-08-20"));
    }

    #[test]
    fn written_dates_are_whole_iso_dates() {
        assert_eq!(
            written_dates("said so (Putin 2025-09-05); see 2025-08-18"),
            vec![
                (16, "2025-09-05".to_string()),
                (33, "2025-08-18".to_string())
            ]
        );
        assert!(written_dates("id 12025-09-05 or 2025-09-051 or 2025-13-01").is_empty());
        assert!(written_dates("2025-09").is_empty());
    }

    #[test]
    fn citations_are_src_tags_and_source_values() {
        assert_eq!(
            citations("x = 1  # [src a-1] and [src b: 5 km]"),
            vec![(10, "a-1".to_string()), (24, "b".to_string())]
        );
        assert_eq!(
            citations("source = \"ru-memo\""),
            vec![(10, "ru-memo".to_string())]
        );
        assert!(citations("source = \"EST coding\" # note").len() == 1);
        assert!(citations("sources = 3").is_empty());
    }
}
