//! Guarantor's engine: sizing, allocation, acceptability, scoring, frontier.
//!
//! Data flow: a validated [`guarantor_model::Scenario`] → [`evaluate`] plans every
//! package (levels, requirements), solves each distinct allocation sub-problem
//! once, judges each package for every actor, and marks the frontier.
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
pub mod frontier;
pub mod prepare;
pub mod sizing;
pub mod verdict;

pub use evaluate::batch::{SolveCache, evaluate_choices, evaluate_choices_cached};
pub use evaluate::{EngineError, EvalOptions, evaluate, evaluate_package, resolve_choice};
pub use verdict::*;
