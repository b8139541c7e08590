//! Scale-out for Guarantor on the schedulers people already run (Slurm job
//! arrays, Kubernetes Indexed Jobs): no scheduler of our own.
//!
//! Data flow: a shard plan ([`Shard`]) gives each task one contiguous block
//! of the mixed-radix package numbering (`run`) or one range of draw indices
//! (`uncertainty`); the task writes its mergeable state as a [`Partial`]
//! (one Parquet file: per-draw rows, and the rest in the footer); `merge`
//! checks the set ([`check_set`]) and folds the partials with the engine's
//! own accumulators ([`guarantor_engine::finish_search`],
//! [`guarantor_uncertainty::analyse_shards`]), which is why the merged result
//! is byte-identical to a single-machine run. Adaptive choice of the
//! packages studied runs in stages, one per halving round ([`Stage`]): the
//! merge of a stage writes the next stage's plan, a partial-format file
//! holding the halving state and the survivors' rows.
//!
//! Invariants:
//! - A partial carries the scenario text, its SHA-256, the engine version,
//!   the options, seed, sampler and shard plan, and a checksum over all of
//!   it; nothing from another run, a missing or duplicate shard, or an
//!   altered file is ever merged silently.
//! - No I/O here: callers read and write the bytes.

mod merge;
mod partial;
mod shard;

pub use merge::{Named, check_set, check_stage_plan, same_run};
pub use partial::{Body, FORMAT, Meta, Partial, Plan, Stage, sha256_hex};
pub use shard::Shard;
