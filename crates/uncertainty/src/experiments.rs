//! The experiments table: one row per draw of the main run, with the factor
//! quantiles and parameter values that made it, and what every package studied
//! did in it — the "experiments and outcomes" of the EMA Workbench
//! (Kwakkel 2017), for analysis in pandas, polars, R or a spreadsheet.
//!
//! Columns, in order:
//! - `draw`: the draw's index in the plan (0-based);
//! - `quantile.<factor>`: the factor's uniform quantile u ∈ [0, 1);
//! - `value.<path>`: each declared parameter's value (a red line: 1 holds, 0 relaxed);
//! - per package, `pkg<R>.` with R its robust rank (the `rank` of `--json`):
//!   `pass`, `feasible`, `cost` (per year, the scenario's currency),
//!   `deterrence`, and per required actor `accepts.<actor>` and
//!   `margin.<actor>` (utility − reservation).
//!
//! The crate does no I/O: the CLI writes the table as CSV or Parquet.

use crate::robust::RobustRun;
use crate::sample::Plan;
use crate::space::Space;

/// One column's cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    U32(Vec<u32>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

impl Cells {
    pub fn len(&self) -> usize {
        match self {
            Cells::U32(v) => v.len(),
            Cells::F64(v) => v.len(),
            Cells::Bool(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Named columns of equal length, one row per draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Experiments {
    pub columns: Vec<(String, Cells)>,
}

impl Experiments {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Cells> {
        self.columns.iter().find(|c| c.0 == name).map(|c| &c.1)
    }
}

/// Build the table of `run` (made from `plan` over `space`). Per-actor columns
/// need a run that kept actor verdicts; without them they are left out.
pub fn experiments(space: &Space, plan: &Plan, run: &RobustRun) -> Experiments {
    let n = run.values.len();
    let mut cols: Vec<(String, Cells)> = Vec::new();
    cols.push(("draw".into(), Cells::U32((0..n as u32).collect())));
    let quantiles: Vec<Vec<f64>> = (0..n).map(|i| plan.draw(i)).collect();
    for (f, name) in space.factors.iter().enumerate() {
        cols.push((
            format!("quantile.{name}"),
            Cells::F64(quantiles.iter().map(|q| q[f]).collect()),
        ));
    }
    for (j, p) in space.parameters.iter().enumerate() {
        cols.push((
            format!("value.{}", p.path),
            Cells::F64(run.values.iter().map(|v| v[j]).collect()),
        ));
    }
    let actors = run.required.len();
    for (r, d) in run.ranking.iter().zip(&run.draws) {
        let pre = format!("pkg{}", r.rank);
        cols.push((format!("{pre}.pass"), Cells::Bool(d.passes.clone())));
        cols.push((format!("{pre}.feasible"), Cells::Bool(d.feasible.clone())));
        cols.push((format!("{pre}.cost"), Cells::F64(d.cost.clone())));
        cols.push((
            format!("{pre}.deterrence"),
            Cells::F64(d.deterrence.clone()),
        ));
        if d.accepts.len() == n * actors && d.margins.len() == n * actors {
            for (a, actor) in run.required.iter().enumerate() {
                cols.push((
                    format!("{pre}.accepts.{actor}"),
                    Cells::Bool((0..n).map(|i| d.accepts[i * actors + a]).collect()),
                ));
                cols.push((
                    format!("{pre}.margin.{actor}"),
                    Cells::F64((0..n).map(|i| d.margins[i * actors + a]).collect()),
                ));
            }
        }
    }
    Experiments { columns: cols }
}

/// The Saltelli design of the Sobol' analysis with its outputs, one row per
/// model run: `run` (0-based), `matrix` (0 = A, 1 = B, 2 + i = A with factor
/// i's column from B), `row` (j of the N base rows), `quantile.<factor>`,
/// `value.<path>`, then one column per outcome named in `outcomes` (the pass
/// indicator first; indicators 1/0, cost and deterrence in their units). The
/// Jansen estimators of [`crate::sobol`] can be recomputed from it.
pub fn saltelli_table(space: &Space, d: &crate::sobol::Design, outcomes: &[String]) -> Experiments {
    let n = d.matrix.len();
    let mut cols: Vec<(String, Cells)> = vec![
        ("run".into(), Cells::U32((0..n as u32).collect())),
        ("matrix".into(), Cells::U32(d.matrix.clone())),
        ("row".into(), Cells::U32(d.row.clone())),
    ];
    for (f, name) in space.factors.iter().enumerate() {
        cols.push((
            format!("quantile.{name}"),
            Cells::F64(d.quantiles.iter().map(|q| q[f]).collect()),
        ));
    }
    let values: Vec<Vec<f64>> = d.quantiles.iter().map(|q| space.values(q)).collect();
    for (j, p) in space.parameters.iter().enumerate() {
        cols.push((
            format!("value.{}", p.path),
            Cells::F64(values.iter().map(|v| v[j]).collect()),
        ));
    }
    for (o, name) in outcomes.iter().enumerate() {
        cols.push((
            format!("out.{name}"),
            Cells::F64(d.outputs.iter().map(|y| y[o]).collect()),
        ));
    }
    Experiments { columns: cols }
}
