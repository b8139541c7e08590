//! Guarantor's engine: sizing, allocation, acceptability, scoring, frontier.
//!
//! Data flow: a validated [`guarantor_model::Scenario`] → [`search`] streams the
//! option space (screening every package from memoised allocation outcomes,
//! keeping the top N, the frontier and the why-not counts), or [`evaluate`]
//! plans, allocates and judges every package in memory (for exports and small
//! spaces). Both give the same counts, frontier and ranking.
//!
//! Invariants:
//! - The engine does no I/O and knows nothing of files, terminals or HTTP.
//! - Results are identical for any number of threads and any order of actors
//!   or contributors in the scenario.
//! - A contributor's own caveats and red lines are never violated by an allocation;
//!   what nobody may supply is a shortfall, never silently allocated.

pub mod accept;
pub mod allocate;
pub mod evaluate;
pub mod fixes;
pub mod frontier;
pub mod prepare;
pub mod search;
pub mod sizing;
pub mod verdict;

pub use evaluate::batch::{SolveCache, evaluate_choices, evaluate_choices_cached};
pub use evaluate::{EngineError, EvalOptions, evaluate, evaluate_package, resolve_choice};
pub use fixes::{Change, Fix, FixResult, nearest_fixes};
pub use frontier::Objective;
pub use search::{SearchOptions, search};
pub use verdict::*;
