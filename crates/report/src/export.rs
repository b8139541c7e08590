//! Data export: every evaluated package, every allocation line and every
//! shortfall as flat tables, written as CSV, JSON (an array of records) or
//! Parquet, so that pandas, polars or a spreadsheet load them directly.
//!
//! The column layout is documented in `docs/reports.md`; per-scenario columns
//! (one per component, dimension and actor) carry a prefix (`option.`,
//! `level.`, `accepts.`, `margin.`) so that their names never collide.

use std::io::Write;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use guarantor_engine::{Evaluation, PackageVerdict, ShareHolder};
use serde_json::{Map, Value};

use crate::why::{rejecting_actors, undetermined_actors};

/// A file format for [`Frame`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Parquet,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 3] = [Format::Csv, Format::Json, Format::Parquet];

    /// Parses `csv`, `json` or `parquet` (case-insensitive).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// The file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
        }
    }
}

/// One column of a [`Frame`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Str(Vec<Option<String>>),
    F64(Vec<Option<f64>>),
    Bool(Vec<bool>),
    U32(Vec<u32>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Str(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::U32(v) => v.len(),
        }
    }

    fn cell(&self, i: usize) -> Value {
        match self {
            Column::Str(v) => v[i].clone().map_or(Value::Null, Value::String),
            Column::F64(v) => v[i].map_or(Value::Null, |x| {
                serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
            }),
            Column::Bool(v) => Value::Bool(v[i]),
            Column::U32(v) => Value::from(v[i]),
        }
    }

    fn csv_cell(&self, i: usize) -> String {
        match self {
            Column::Str(v) => v[i].clone().unwrap_or_default(),
            Column::F64(v) => v[i].map(|x| x.to_string()).unwrap_or_default(),
            Column::Bool(v) => v[i].to_string(),
            Column::U32(v) => v[i].to_string(),
        }
    }
}

/// A flat table: named, typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub name: &'static str,
    pub columns: Vec<(String, Column)>,
}

impl Frame {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The column names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Writes the frame in `format`.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> Result<(), ExportError> {
        match format {
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
            Format::Parquet => self.write_parquet(out),
        }
    }

    fn write_csv(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.names())?;
        for i in 0..self.rows() {
            w.write_record(self.columns.iter().map(|(_, c)| c.csv_cell(i)))?;
        }
        w.flush()?;
        Ok(())
    }

    /// An array of records, written one record at a time (memory stays flat).
    fn write_json(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut out = std::io::BufWriter::new(out);
        out.write_all(b"[")?;
        for i in 0..self.rows() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            let mut m = Map::new();
            for (n, c) in &self.columns {
                m.insert(n.clone(), c.cell(i));
            }
            serde_json::to_writer(&mut out, &Value::Object(m))
                .map_err(|e| ExportError::Io(e.into()))?;
        }
        out.write_all(b"]\n")?;
        out.flush()?;
        Ok(())
    }

    /// The frame as one Arrow record batch.
    pub fn record_batch(&self) -> Result<RecordBatch, ExportError> {
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (name, c) in &self.columns {
            let (dt, nullable, array): (DataType, bool, ArrayRef) = match c {
                Column::Str(v) => (DataType::Utf8, true, Arc::new(StringArray::from(v.clone()))),
                Column::F64(v) => (
                    DataType::Float64,
                    true,
                    Arc::new(Float64Array::from(v.clone())),
                ),
                Column::Bool(v) => (
                    DataType::Boolean,
                    false,
                    Arc::new(BooleanArray::from(v.clone())),
                ),
                Column::U32(v) => (
                    DataType::UInt32,
                    false,
                    Arc::new(UInt32Array::from(v.clone())),
                ),
            };
            fields.push(Field::new(name, dt, nullable));
            arrays.push(array);
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| ExportError::Parquet(e.to_string()))
    }

    fn write_parquet(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let batch = self.record_batch()?;
        let mut buf = Vec::new();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut buf, batch.schema(), None)
            .map_err(|e| ExportError::Parquet(e.to_string()))?;
        w.write(&batch)
            .map_err(|e| ExportError::Parquet(e.to_string()))?;
        w.close().map_err(|e| ExportError::Parquet(e.to_string()))?;
        out.write_all(&buf)?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("Parquet: {0}")]
    Parquet(String),
}

/// A boolean / numeric column's value for one package.
type BoolOf = fn(&PackageVerdict) -> bool;
type NumOf = fn(&PackageVerdict) -> Option<f64>;
type HolderOf = fn(&ShareHolder) -> String;

fn str_col<'a>(ps: &[&'a PackageVerdict], f: impl Fn(&'a PackageVerdict) -> String) -> Column {
    Column::Str(ps.iter().map(|p| Some(f(p))).collect())
}

/// One row per evaluated package, in the engine's ranking order.
///
/// Columns: `rank`, `title` (the package for people), `label` (option ids),
/// `option.<component>` per component, `feasible`,
/// `acceptable_to_required`, `passes`, `frontier`, `deterrence` (total),
/// `denial`, `punishment`, `escalation` (risk),
/// `cost_per_year`, `max_share`, `min_margin`, `max_share_contributor` and
/// `max_share_capability` (whose force the largest share is), `min_margin_actor`,
/// `short_of` (capabilities short, `;`-separated), `shortfall_units`,
/// `rejected_by` (required actors that reject, `;`-separated), `synergies`,
/// `level.<dimension>` per dimension, per actor `accepts.<actor>` and
/// `margin.<actor>` (utility − reservation), then `undetermined`,
/// `undetermined_for` (required actors whose verdict is undetermined),
/// `in_place_by_days`, and per actor `verdict.<actor>` ("accepts",
/// "rejects" or "undetermined").
pub fn packages_frame(e: &Evaluation) -> Frame {
    let ps: Vec<&PackageVerdict> = e.packages.iter().collect();
    let mut cols: Vec<(String, Column)> = vec![
        ("rank".into(), Column::U32((1..=ps.len() as u32).collect())),
        ("title".into(), str_col(&ps, |p| p.title.clone())),
        ("label".into(), str_col(&ps, |p| p.label.clone())),
    ];
    let components: Vec<String> = ps
        .first()
        .map(|p| p.options.keys().cloned().collect())
        .unwrap_or_default();
    for c in &components {
        cols.push((
            format!("option.{c}"),
            Column::Str(ps.iter().map(|p| p.options.get(c).cloned()).collect()),
        ));
    }
    let bools: [(&str, BoolOf); 4] = [
        ("feasible", |p| p.feasible),
        ("acceptable_to_required", |p| p.acceptable_to_required),
        ("passes", |p| p.passes),
        ("frontier", |p| p.frontier),
    ];
    for (n, f) in bools {
        cols.push((n.into(), Column::Bool(ps.iter().map(|p| f(p)).collect())));
    }
    let nums: [(&str, NumOf); 7] = [
        ("deterrence", |p| Some(p.deterrence.total)),
        ("denial", |p| Some(p.deterrence.denial)),
        ("punishment", |p| Some(p.deterrence.punishment)),
        ("escalation", |p| Some(p.escalation.risk)),
        ("cost_per_year", |p| Some(p.cost_per_year)),
        ("max_share", |p| Some(p.max_share)),
        ("min_margin", |p| p.min_margin.as_ref().map(|m| m.margin)),
    ];
    for (n, f) in nums {
        cols.push((n.into(), Column::F64(ps.iter().map(|p| f(p)).collect())));
    }
    let holders: [(&str, HolderOf); 2] = [
        ("max_share_contributor", |h| h.contributor.clone()),
        ("max_share_capability", |h| h.capability.clone()),
    ];
    for (n, f) in holders {
        cols.push((
            n.into(),
            Column::Str(ps.iter().map(|p| p.max_share_of.as_ref().map(f)).collect()),
        ));
    }
    cols.push((
        "min_margin_actor".into(),
        Column::Str(
            ps.iter()
                .map(|p| p.min_margin.as_ref().map(|m| m.actor.clone()))
                .collect(),
        ),
    ));
    cols.push((
        "short_of".into(),
        str_col(&ps, |p| {
            p.shortfalls
                .iter()
                .map(|s| s.capability.as_str())
                .collect::<Vec<_>>()
                .join(";")
        }),
    ));
    cols.push((
        "shortfall_units".into(),
        Column::F64(
            ps.iter()
                .map(|p| Some(p.shortfalls.iter().fold(0.0, |t, s| t + s.short)))
                .collect(),
        ),
    ));
    cols.push((
        "rejected_by".into(),
        str_col(&ps, |p| rejecting_actors(p, true).join(";")),
    ));
    cols.push(("synergies".into(), str_col(&ps, |p| p.synergies.join(";"))));
    let dims: Vec<String> = ps
        .first()
        .map(|p| p.levels.keys().cloned().collect())
        .unwrap_or_default();
    for d in &dims {
        cols.push((
            format!("level.{d}"),
            Column::F64(ps.iter().map(|p| p.levels.get(d).copied()).collect()),
        ));
    }
    let actors: Vec<String> = ps
        .first()
        .map(|p| p.acceptance.keys().cloned().collect())
        .unwrap_or_default();
    for a in &actors {
        cols.push((
            format!("accepts.{a}"),
            Column::Bool(
                ps.iter()
                    .map(|p| p.acceptance.get(a).is_some_and(|v| v.accepts))
                    .collect(),
            ),
        ));
    }
    for a in &actors {
        cols.push((
            format!("margin.{a}"),
            Column::F64(
                ps.iter()
                    .map(|p| p.acceptance.get(a).map(|v| v.margin))
                    .collect(),
            ),
        ));
    }
    cols.push((
        "undetermined".into(),
        Column::Bool(ps.iter().map(|p| p.undetermined).collect()),
    ));
    cols.push((
        "undetermined_for".into(),
        str_col(&ps, |p| undetermined_actors(p, true).join(";")),
    ));
    cols.push((
        "in_place_by_days".into(),
        Column::F64(ps.iter().map(|p| p.in_place_by_days).collect()),
    ));
    for a in &actors {
        cols.push((
            format!("verdict.{a}"),
            Column::Str(
                ps.iter()
                    .map(|p| p.acceptance.get(a).map(|v| v.verdict.as_str().to_string()))
                    .collect(),
            ),
        ));
    }
    Frame {
        name: "packages",
        columns: cols,
    }
}

/// One row per allocation line of every package: `rank`, `label`,
/// `contributor`, `capability`, `units`, `in_theatre`.
pub fn allocations_frame(e: &Evaluation) -> Frame {
    let mut rank = Vec::new();
    let mut label = Vec::new();
    let mut contributor = Vec::new();
    let mut capability = Vec::new();
    let mut units = Vec::new();
    let mut in_theatre = Vec::new();
    for (i, p) in e.packages.iter().enumerate() {
        for a in &p.allocation {
            rank.push(i as u32 + 1);
            label.push(Some(p.label.clone()));
            contributor.push(Some(a.contributor.clone()));
            capability.push(Some(a.capability.clone()));
            units.push(Some(a.units));
            in_theatre.push(a.in_theatre);
        }
    }
    Frame {
        name: "allocations",
        columns: vec![
            ("rank".into(), Column::U32(rank)),
            ("label".into(), Column::Str(label)),
            ("contributor".into(), Column::Str(contributor)),
            ("capability".into(), Column::Str(capability)),
            ("units".into(), Column::F64(units)),
            ("in_theatre".into(), Column::Bool(in_theatre)),
        ],
    }
}

/// One row per shortfall of every package: `rank`, `label`, `capability`,
/// `short`, `need`, `available` (units of the capability).
pub fn shortfalls_frame(e: &Evaluation) -> Frame {
    let mut rank = Vec::new();
    let mut label = Vec::new();
    let mut capability = Vec::new();
    let (mut short, mut need, mut available) = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in e.packages.iter().enumerate() {
        for s in &p.shortfalls {
            rank.push(i as u32 + 1);
            label.push(Some(p.label.clone()));
            capability.push(Some(s.capability.clone()));
            short.push(Some(s.short));
            need.push(Some(s.need));
            available.push(Some(s.available));
        }
    }
    Frame {
        name: "shortfalls",
        columns: vec![
            ("rank".into(), Column::U32(rank)),
            ("label".into(), Column::Str(label)),
            ("capability".into(), Column::Str(capability)),
            ("short".into(), Column::F64(short)),
            ("need".into(), Column::F64(need)),
            ("available".into(), Column::F64(available)),
        ],
    }
}

/// Every export frame of an evaluation: packages, allocations, shortfalls.
pub fn frames(e: &Evaluation) -> Vec<Frame> {
    vec![packages_frame(e), allocations_frame(e), shortfalls_frame(e)]
}
