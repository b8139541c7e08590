//! Partial files: the mergeable state of one shard, as one Parquet file.
//!
//! The rows are the shard's per-draw outcomes (uncertainty shards; a run
//! shard has none), one row per (draw, package studied), so that DuckDB,
//! DataFusion or polars can query them directly. The footer's key–value
//! metadata holds the rest:
//!
//! - `guarantor.meta`: [`Meta`] as JSON — engine version, the scenario's
//!   text and SHA-256, the verb's options, seed, sampler and the shard plan;
//! - `guarantor.state`: the non-row state as JSON — a run's why-not tally,
//!   top N and local frontier ([`guarantor_engine::SearchPartial`]), or an
//!   uncertainty shard's studied packages and required actors;
//! - `guarantor.sha256`: SHA-256 of the meta, the state and every row
//!   (written canonically), so a truncated or altered file is refused.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use guarantor_engine::SearchPartial;
use guarantor_uncertainty::robust::Outcome;
use guarantor_uncertainty::{DrawShard, Halving};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::shard::Shard;

/// Version of the partial file layout; a merge refuses any other.
pub const FORMAT: u32 = 1;

/// What a partial says about where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// [`FORMAT`].
    pub format: u32,
    /// The verb whose work it holds: `run`, `report` (a run partial keeping
    /// every package) or `uncertainty`.
    pub verb: String,
    /// The engine version that wrote it (the workspace version).
    pub engine_version: String,
    /// The scenario's name as given (a path, or the embedded default's name).
    pub scenario_name: String,
    /// SHA-256 of `scenario_text`, hex.
    pub scenario_sha256: String,
    /// The scenario file's text, so that a merge needs no other input.
    pub scenario_text: String,
    /// The verb's options that shape the results, as command-line words
    /// (what-ifs included; not the shard, the partial, threads or output
    /// options). A merge parses them again.
    pub args: Vec<String>,
    /// Uncertainty shards: the seed and sampler of the plan.
    pub seed: Option<u64>,
    pub sampler: Option<String>,
    pub shard: Shard,
    /// The numbering split: `packages` (a run) or `draws` (uncertainty),
    /// and how many there are in all.
    pub plan: Plan,
    /// The shard's part: packages or draws `start..end`.
    pub start: u64,
    pub end: u64,
    /// Measurements of the shard's work (seconds, sub-problems solved);
    /// not results, not compared by a merge.
    pub stats: serde_json::Value,
    /// A stage of a sharded adaptive analysis (`--packages adaptive:K`);
    /// absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
}

/// One stage of a sharded adaptive analysis: successive halving runs one
/// round per stage, each an array of shards over the round's draws, and the
/// merge of a stage's partials writes the next stage's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// The round: its packages, its draws `from..to`, the rounds before it.
    pub halving: Halving,
    /// A shard's partial: SHA-256 of the stage plan file it read (none at
    /// stage 0). A stage plan: none.
    pub plan_sha256: Option<String>,
    /// The file is a stage plan written by `merge` (its rows: the
    /// survivors' outcomes on draws `0..from`), not a shard's partial.
    pub is_plan: bool,
}

/// What a shard plan splits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// `packages` or `draws`.
    pub unit: String,
    /// Packages in the option space, or draws in the sampling plan.
    pub total: u64,
}

/// The state a partial carries besides its rows.
#[derive(Debug, Clone, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per partial file; boxing buys nothing"
)]
pub enum Body {
    Run(SearchPartial),
    Draws(DrawShard),
}

/// One shard's partial file, in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub meta: Meta,
    pub body: Body,
}

/// The SHA-256 of a text, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Serialize, Deserialize)]
struct DrawState {
    packages: Vec<String>,
    required: Vec<String>,
    /// Parameters per draw (columns value_0 …).
    values: usize,
}

fn state_json(body: &Body) -> String {
    match body {
        Body::Run(p) => serde_json::to_string(p).expect("plain data"),
        Body::Draws(d) => serde_json::to_string(&DrawState {
            packages: d.packages.clone(),
            required: d.required.clone(),
            values: d.rows.first().map_or(0, |r| r.0.len()),
        })
        .expect("plain data"),
    }
}

/// The canonical bytes of one row for the checksum.
fn hash_row(h: &mut Sha256, draw: u64, package: u32, o: &Outcome, values: &[f64]) {
    h.update(draw.to_le_bytes());
    h.update(package.to_le_bytes());
    h.update([
        u8::from(o.feasible),
        u8::from(o.passes),
        u8::from(o.undetermined),
    ]);
    h.update(o.cost.to_bits().to_le_bytes());
    h.update(o.deterrence.to_bits().to_le_bytes());
    h.update((o.accepted.len() as u64).to_le_bytes());
    h.update(o.accepted.iter().map(|&a| u8::from(a)).collect::<Vec<u8>>());
    for v in values {
        h.update(v.to_bits().to_le_bytes());
    }
}

fn checksum(meta: &str, state: &str, body: &Body) -> String {
    let mut h = Sha256::new();
    h.update((meta.len() as u64).to_le_bytes());
    h.update(meta.as_bytes());
    h.update((state.len() as u64).to_le_bytes());
    h.update(state.as_bytes());
    if let Body::Draws(d) = body {
        for (i, (values, outs)) in d.rows.iter().enumerate() {
            for (k, o) in outs.iter().enumerate() {
                hash_row(&mut h, d.start as u64 + i as u64, k as u32, o, values);
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn schema(values: usize) -> Schema {
    let mut fields = vec![
        Field::new("draw", DataType::UInt64, false),
        Field::new("package", DataType::UInt32, false),
        Field::new("label", DataType::Utf8, false),
        Field::new("feasible", DataType::Boolean, false),
        Field::new("passes", DataType::Boolean, false),
        Field::new("undetermined", DataType::Boolean, false),
        Field::new("cost_per_year", DataType::Float64, false),
        Field::new("deterrence", DataType::Float64, false),
        Field::new("accepts", DataType::Utf8, false),
    ];
    for j in 0..values {
        fields.push(Field::new(format!("value_{j}"), DataType::Float64, false));
    }
    Schema::new(fields)
}

impl Partial {
    /// The partial as the bytes of a Parquet file.
    pub fn to_parquet(&self) -> Result<Vec<u8>, String> {
        let meta = serde_json::to_string(&self.meta).expect("plain data");
        let state = state_json(&self.body);
        let sum = checksum(&meta, &state, &self.body);
        let (rows, values) = match &self.body {
            Body::Run(_) => (&[][..], 0),
            Body::Draws(d) => (&d.rows[..], d.rows.first().map_or(0, |r| r.0.len())),
        };
        let labels: &[String] = match &self.body {
            Body::Draws(d) => &d.packages,
            Body::Run(_) => &[],
        };
        let mut draw = Vec::new();
        let mut package = Vec::new();
        let mut label = Vec::new();
        let (mut feasible, mut passes, mut undetermined) = (Vec::new(), Vec::new(), Vec::new());
        let (mut cost, mut deterrence, mut accepts) = (Vec::new(), Vec::new(), Vec::new());
        let mut vals: Vec<Vec<f64>> = vec![Vec::new(); values];
        for (i, (v, outs)) in rows.iter().enumerate() {
            for (k, o) in outs.iter().enumerate() {
                draw.push(self.meta.start + i as u64);
                package.push(k as u32);
                label.push(labels.get(k).cloned().unwrap_or_default());
                feasible.push(o.feasible);
                passes.push(o.passes);
                undetermined.push(o.undetermined);
                cost.push(o.cost);
                deterrence.push(o.deterrence);
                accepts.push(
                    o.accepted
                        .iter()
                        .map(|&a| if a { '1' } else { '0' })
                        .collect::<String>(),
                );
                for (j, x) in v.iter().enumerate() {
                    vals[j].push(*x);
                }
            }
        }
        let mut arrays: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from(draw)),
            Arc::new(UInt32Array::from(package)),
            Arc::new(StringArray::from(label)),
            Arc::new(BooleanArray::from(feasible)),
            Arc::new(BooleanArray::from(passes)),
            Arc::new(BooleanArray::from(undetermined)),
            Arc::new(Float64Array::from(cost)),
            Arc::new(Float64Array::from(deterrence)),
            Arc::new(StringArray::from(accepts)),
        ];
        for v in vals {
            arrays.push(Arc::new(Float64Array::from(v)));
        }
        let schema = Arc::new(schema(values));
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![
                KeyValue::new("guarantor.meta".to_string(), meta),
                KeyValue::new("guarantor.state".to_string(), state),
                KeyValue::new("guarantor.sha256".to_string(), sum),
            ]))
            .build();
        let mut buf = Vec::new();
        let mut w =
            ArrowWriter::try_new(&mut buf, schema, Some(props)).map_err(|e| e.to_string())?;
        w.write(&batch).map_err(|e| e.to_string())?;
        w.close().map_err(|e| e.to_string())?;
        Ok(buf)
    }

    /// Read a partial from the bytes of a file. Errors say what is wrong in
    /// words (the caller names the file).
    pub fn from_parquet(bytes: Vec<u8>) -> Result<Partial, String> {
        let not_partial = |why: String| {
            format!(
                "not a complete partial file ({why}); it is truncated, corrupted or not written by `--partial`: run its shard again"
            )
        };
        if bytes.len() < 12 || &bytes[..4] != b"PAR1" || &bytes[bytes.len() - 4..] != b"PAR1" {
            return Err(not_partial("no Parquet marker at both ends".to_string()));
        }
        let b = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
            .map_err(|e| not_partial(e.to_string()))?;
        let kv: Vec<KeyValue> = b
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .cloned()
            .unwrap_or_default();
        let get = |k: &str| -> Result<String, String> {
            kv.iter()
                .find(|x| x.key == k)
                .and_then(|x| x.value.clone())
                .ok_or_else(|| not_partial(format!("no {k} in its metadata")))
        };
        let meta_text = get("guarantor.meta")?;
        let state_text = get("guarantor.state")?;
        let sum = get("guarantor.sha256")?;
        let meta: Meta = serde_json::from_str(&meta_text)
            .map_err(|e| not_partial(format!("its metadata does not parse: {e}")))?;
        if meta.format != FORMAT {
            return Err(format!(
                "partial format {} is not the format {FORMAT} this version reads; write the partials and merge them with the same version",
                meta.format
            ));
        }
        let body = match meta.verb.as_str() {
            "run" | "report" => Body::Run(
                serde_json::from_str(&state_text)
                    .map_err(|e| not_partial(format!("its state does not parse: {e}")))?,
            ),
            "uncertainty" => {
                let st: DrawState = serde_json::from_str(&state_text)
                    .map_err(|e| not_partial(format!("its state does not parse: {e}")))?;
                let reader = b.build().map_err(|e| not_partial(e.to_string()))?;
                let mut rows: Vec<guarantor_uncertainty::robust::DrawRow> = Vec::new();
                let n_pkg = st.packages.len();
                for batch in reader {
                    let batch = batch.map_err(|e| not_partial(e.to_string()))?;
                    read_rows(&batch, st.values, n_pkg, meta.start, &mut rows)
                        .map_err(not_partial)?;
                }
                Body::Draws(DrawShard {
                    start: meta.start as usize,
                    end: meta.end as usize,
                    packages: st.packages,
                    required: st.required,
                    rows,
                })
            }
            other => return Err(not_partial(format!("unknown verb \"{other}\""))),
        };
        if checksum(&meta_text, &state_text, &body) != sum {
            return Err(
                "its checksum does not match its contents (altered or corrupted since it was written); run its shard again"
                    .into(),
            );
        }
        Ok(Partial { meta, body })
    }
}

fn column<'a, T: 'static>(b: &'a RecordBatch, name: &str) -> Result<&'a T, String> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| format!("no column {name} of the expected type"))
}

fn read_rows(
    b: &RecordBatch,
    values: usize,
    n_pkg: usize,
    start: u64,
    rows: &mut Vec<guarantor_uncertainty::robust::DrawRow>,
) -> Result<(), String> {
    let draw = column::<UInt64Array>(b, "draw")?;
    let package = column::<UInt32Array>(b, "package")?;
    let feasible = column::<BooleanArray>(b, "feasible")?;
    let passes = column::<BooleanArray>(b, "passes")?;
    let undetermined = column::<BooleanArray>(b, "undetermined")?;
    let cost = column::<Float64Array>(b, "cost_per_year")?;
    let deterrence = column::<Float64Array>(b, "deterrence")?;
    let accepts = column::<StringArray>(b, "accepts")?;
    let vals: Vec<&Float64Array> = (0..values)
        .map(|j| column::<Float64Array>(b, &format!("value_{j}")))
        .collect::<Result<_, _>>()?;
    for r in 0..b.num_rows() {
        let d = draw.value(r);
        let k = package.value(r) as usize;
        let expect_draw = start + rows.len() as u64 - u64::from(k > 0);
        if k == 0 {
            rows.push((vals.iter().map(|c| c.value(r)).collect(), Vec::new()));
        }
        let Some(last) = rows.last_mut() else {
            return Err(format!("row {r} is not the first package of a draw"));
        };
        if d != expect_draw || k != last.1.len() || k >= n_pkg {
            return Err(format!("row {r} (draw {d}, package {k}) is out of order"));
        }
        last.1.push(Outcome {
            feasible: feasible.value(r),
            passes: passes.value(r),
            undetermined: undetermined.value(r),
            accepted: accepts.value(r).chars().map(|c| c == '1').collect(),
            margins: Vec::new(),
            cost: cost.value(r),
            deterrence: deterrence.value(r),
        });
    }
    Ok(())
}
