//! The DEU III data set (Arregui & Perarnaud 2021, CC BY 4.0) as validation data:
//! a reader for its tab-separated form and a scorer that runs a model on every
//! scoreable issue and reports the mean absolute error against the real outcome.
//!
//! File layout: line 1 holds quoted column names; line 2 holds each actor's GDP under
//! its position column (a capability proxy); then one issue per line. Actors are the
//! codes `a` for which both a `p<a>` (position) and an `s<a>` (salience) column exist.
//! Empty cells are missing values. The issue id is the `isnr` column, the reference
//! point `rp`, the outcome `out`, all on 0–100.

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scenario::{Actor, Scenario};
use crate::text::{number, numbered_lines, read_text, split_cells};
use crate::{Model, simple};

/// One issue (row) of DEU III.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deu3Issue {
    /// The `isnr` id, e.g. `d00032i1`.
    pub id: String,
    /// 1-based line in the file.
    pub line: usize,
    /// Position per actor (0–100), `None` where missing.
    pub positions: Vec<Option<f64>>,
    /// Salience per actor (0–100), `None` where missing.
    pub saliences: Vec<Option<f64>>,
    /// Reference point (status quo), if given.
    pub reference_point: Option<f64>,
    /// The legislative outcome, if given.
    pub outcome: Option<f64>,
    /// The dossier (`prnr` column, e.g. `d00032`); empty when the file has no such
    /// column or the cell is empty. Issues of one dossier are decided together, so
    /// cross-validation keeps them in one fold.
    #[serde(default)]
    pub dossier: String,
    /// The legislative procedure (`proc` column: `COD` co-decision, `CNS`
    /// consultation), as written; empty when absent.
    #[serde(default)]
    pub procedure: String,
    /// The Council's decision rule (`counvte` column: `QMV`, `QMV(10)`, `Unan`), as
    /// written; empty when absent.
    #[serde(default)]
    pub rule: String,
}

/// The whole data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deu3 {
    /// Actor codes (`com`, `ep`, `at`, ...), in column order.
    pub actors: Vec<String>,
    /// GDP per actor from line 2 (`None` where empty).
    pub gdp: Vec<Option<f64>>,
    /// Every issue, in file order.
    pub issues: Vec<Deu3Issue>,
    /// 1-based cell numbers of the optional columns `prnr`, `proc` and `counvte`
    /// (`None` when the header lacks them), for located error messages.
    #[serde(default)]
    pub columns: Deu3Columns,
}

/// Where the optional descriptive columns are (1-based cell numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deu3Columns {
    /// The dossier id `prnr`.
    pub dossier: Option<usize>,
    /// The procedure `proc`.
    pub procedure: Option<usize>,
    /// The Council's decision rule `counvte`.
    pub rule: Option<usize>,
}

/// How capabilities are set when a DEU III issue becomes a [`Scenario`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Capability {
    /// Every actor 1.
    Equal,
    /// The GDP row (an actor without GDP gets the smallest GDP in the row).
    Gdp,
}

/// Reads `deu3.tsv` from disk. See [`parse_deu3`].
/// Errors in the text name the file (see [`Error::in_file`]).
pub fn read_deu3(path: impl AsRef<Path>) -> Result<Deu3> {
    let text = read_text(path.as_ref())?;
    parse_deu3(&text).map_err(|e| e.in_file(path.as_ref()))
}

fn optional(cell: Option<&String>, line: usize, column: usize, field: &str) -> Result<Option<f64>> {
    match cell.map(String::as_str) {
        None | Some("") | Some("NA") => Ok(None),
        Some(c) => number(c, line, column, field).map(Some),
    }
}

/// A position or salience: empty, or a number on the 0–100 scale.
fn scale_cell(
    cell: Option<&String>,
    line: usize,
    column: usize,
    field: &str,
) -> Result<Option<f64>> {
    let x = optional(cell, line, column, field)?;
    if let Some(v) = x
        && !(0.0..=100.0).contains(&v)
    {
        return Err(Error::parse(
            line,
            column,
            field,
            format!("{v} is outside 0–100"),
            "DEU III positions and saliences are on the 0–100 scale; leave the cell empty if unknown",
        ));
    }
    Ok(x)
}

/// Parses the DEU III tab-separated text.
pub fn parse_deu3(text: &str) -> Result<Deu3> {
    let mut lines = numbered_lines(text).filter(|(_, l)| !l.trim().is_empty());
    let (l1, header) = lines.next().ok_or_else(|| {
        Error::parse(
            1,
            1,
            "header",
            "the file is empty",
            "give the DEU III header line, the GDP line, then the issues",
        )
    })?;
    let header = split_cells(header, '\t');
    let col = |name: &str| header.iter().position(|h| h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            Error::parse(
                l1,
                header.len() + 1,
                name,
                format!("no \"{name}\" column"),
                "use the DEU III file with its original header",
            )
        })
    };
    let (c_id, c_out) = (need("isnr")?, need("out")?);
    let c_rp = col("rp");
    let mut actors = Vec::new();
    let mut cols = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(code) = h.strip_prefix('p')
            && let Some(j) = col(&format!("s{code}"))
        {
            actors.push(code.to_string());
            cols.push((i, j));
        }
    }
    if actors.is_empty() {
        return Err(Error::parse(
            l1,
            1,
            "header",
            "no p<actor>/s<actor> column pairs",
            "use the DEU III file with its original header",
        ));
    }
    let (l2, gdp_line) = lines.next().ok_or_else(|| {
        Error::parse(
            l1 + 1,
            1,
            "GDP line",
            "missing",
            "line 2 must hold each actor's GDP under its position column",
        )
    })?;
    let gdp_cells = split_cells(gdp_line, '\t');
    // The GDP line has no issue id. A file cut from DEU III without it (e.g. a
    // training or test split) starts its issues on line 2; GDP is then unknown.
    let first_issue = gdp_cells
        .get(c_id)
        .is_some_and(|id| !id.is_empty())
        .then_some((l2, gdp_line));
    let gdp = if first_issue.is_some() {
        vec![None; actors.len()]
    } else {
        cols.iter()
            .zip(&actors)
            .map(|(&(p, _), a)| optional(gdp_cells.get(p), l2, p + 1, &format!("GDP of {a}")))
            .collect::<Result<Vec<_>>>()?
    };
    let (c_dossier, c_proc, c_rule) = (col("prnr"), col("proc"), col("counvte"));
    let text_cell = |cells: &[String], c: Option<usize>| {
        c.and_then(|c| cells.get(c)).cloned().unwrap_or_default()
    };
    let mut issues = Vec::new();
    for (ln, line) in first_issue.into_iter().chain(lines) {
        let cells = split_cells(line, '\t');
        let mut positions = Vec::with_capacity(actors.len());
        let mut saliences = Vec::with_capacity(actors.len());
        for (&(p, s), a) in cols.iter().zip(&actors) {
            positions.push(scale_cell(
                cells.get(p),
                ln,
                p + 1,
                &format!("position of {a}"),
            )?);
            saliences.push(scale_cell(
                cells.get(s),
                ln,
                s + 1,
                &format!("salience of {a}"),
            )?);
        }
        issues.push(Deu3Issue {
            id: cells.get(c_id).cloned().unwrap_or_default(),
            line: ln,
            positions,
            saliences,
            reference_point: match c_rp {
                Some(c) => optional(cells.get(c), ln, c + 1, "reference point")?,
                None => None,
            },
            outcome: optional(cells.get(c_out), ln, c_out + 1, "outcome")?,
            dossier: text_cell(&cells, c_dossier),
            procedure: text_cell(&cells, c_proc),
            rule: text_cell(&cells, c_rule),
        });
    }
    Ok(Deu3 {
        actors,
        gdp,
        issues,
        columns: Deu3Columns {
            dossier: c_dossier.map(|c| c + 1),
            procedure: c_proc.map(|c| c + 1),
            rule: c_rule.map(|c| c + 1),
        },
    })
}

impl Deu3Issue {
    /// Actors with both a position and a salience on this issue.
    pub fn known_actors(&self) -> Vec<usize> {
        (0..self.positions.len())
            .filter(|&i| self.positions[i].is_some() && self.saliences[i].is_some())
            .collect()
    }

    /// Scoreable: the outcome is in [0, 100] and at least 3 actors have both a position
    /// and a salience. 351 of the 364 issues qualify.
    pub fn is_scoreable(&self) -> bool {
        self.outcome.is_some_and(|o| (0.0..=100.0).contains(&o)) && self.known_actors().len() >= 3
    }

    /// The issue as a one-dimensional [`Scenario`] over the actors with a position and
    /// a salience (saliences kept as given, 0–100).
    pub fn scenario(&self, data: &Deu3, capability: Capability) -> Scenario {
        let min_gdp = data
            .gdp
            .iter()
            .flatten()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let min_gdp = if min_gdp.is_finite() { min_gdp } else { 1.0 };
        let actors = self
            .known_actors()
            .into_iter()
            .map(|i| Actor {
                name: data.actors[i].clone(),
                description: String::new(),
                capability: match capability {
                    Capability::Equal => 1.0,
                    Capability::Gdp => data.gdp[i].filter(|g| *g > 0.0).unwrap_or(min_gdp),
                },
                positions: vec![self.positions[i].unwrap_or(0.0)],
                saliences: vec![self.saliences[i].unwrap_or(0.0)],
            })
            .collect();
        Scenario {
            name: self.id.clone(),
            description: String::new(),
            dimensions: vec![self.id.clone()],
            actors,
        }
    }
}

/// One scored issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationRow {
    /// The `isnr` id.
    pub issue: String,
    /// The model's forecast (0–100).
    pub forecast: f64,
    /// The real outcome (0–100).
    pub outcome: f64,
    /// Whether the issue is in the fixed test split (see [`Validation`]).
    pub test: bool,
}

/// A model's score on DEU III.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// The model label.
    pub model: String,
    /// The capability proxy used.
    pub capability: Capability,
    /// One row per scoreable issue, in file order.
    pub rows: Vec<ValidationRow>,
    /// Mean absolute error over all rows (0–100 scale).
    pub mae: f64,
    /// Mean absolute error over the test split: the last 30% of scoreable issues in file
    /// order (rows with index ≥ floor(0.7 · N)); no model here has a tuned parameter, so
    /// the training part is not used for fitting.
    pub test_mae: f64,
    /// Number of test rows.
    pub test_n: usize,
}

/// Forecast of one issue: the model's outcome point. SMP needs every actor to care,
/// so actors with salience 0 are left out; with fewer than 2 left, the forecast is the
/// remaining actor's position (the weighted mean).
pub(crate) fn forecast_issue(model: &Model, scenario: &Scenario) -> Result<f64> {
    let mut sc = scenario.clone();
    if matches!(model, Model::Smp(_)) {
        sc.actors.retain(|a| a.saliences[0] > 0.0);
        if sc.actors.len() < 2 {
            return simple::compromise(scenario).map(|f| f.final_state.outcome[0]);
        }
    }
    model.run(&sc).map(|f| f.final_state.outcome[0])
}

/// Runs `model` on every scoreable issue (in parallel; the result does not depend on
/// the thread count) and scores it against the outcomes.
pub fn validate(data: &Deu3, model: &Model, capability: Capability) -> Result<Validation> {
    let scoreable: Vec<&Deu3Issue> = data.issues.iter().filter(|i| i.is_scoreable()).collect();
    if scoreable.is_empty() {
        return Err(no_scoreable_issue(data));
    }
    let split = scoreable.len() * 7 / 10;
    let rows = scoreable
        .par_iter()
        .enumerate()
        .map(|(k, issue)| {
            let forecast = forecast_issue(model, &issue.scenario(data, capability))?;
            Ok(ValidationRow {
                issue: issue.id.clone(),
                forecast,
                outcome: issue.outcome.unwrap_or(f64::NAN),
                test: k >= split,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mae_of = |rows: &mut dyn Iterator<Item = &ValidationRow>| {
        let (sum, n) = rows.fold((0.0, 0usize), |(s, n), r| {
            (s + (r.forecast - r.outcome).abs(), n + 1)
        });
        (if n > 0 { sum / n as f64 } else { f64::NAN }, n)
    };
    let (mae, _) = mae_of(&mut rows.iter());
    let (test_mae, test_n) = mae_of(&mut rows.iter().filter(|r| r.test));
    let label = model_label(model);
    Ok(Validation {
        model: label,
        capability,
        rows,
        mae,
        test_mae,
        test_n,
    })
}

/// The error for a file without any scoreable issue, naming its first and last line.
pub(crate) fn no_scoreable_issue(data: &Deu3) -> Error {
    Error::InvalidScenario {
        problem: match (data.issues.first(), data.issues.last()) {
            (Some(a), Some(b)) => format!(
                "none of the {} issues (line {} to line {}) is scoreable: each needs an outcome in 0–100 and at least 3 actors with a position and a salience",
                data.issues.len(),
                a.line,
                b.line
            ),
            _ => "the file holds no issue after the header and GDP lines (line 3 onwards)".into(),
        },
        fix: "give each issue its outcome in the `out` column and the actors' positions and saliences".into(),
    }
}

/// A model's label in reports: `compromise`, `median`, `smp[:switches]`, `eum:<mode>`.
pub fn model_label(model: &Model) -> String {
    match model {
        Model::Compromise => "compromise".to_string(),
        Model::Median => "median".to_string(),
        Model::Smp(o) => {
            let nd = o.non_default();
            if nd.is_empty() {
                "smp".into()
            } else {
                format!("smp:{}", nd.join(","))
            }
        }
        Model::Eum(o) => o.label(),
    }
}
