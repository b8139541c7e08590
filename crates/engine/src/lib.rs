//! Guarantor's engine: sizing, allocation, acceptability, scoring, frontier.
//!
//! Data flow: a validated [`guarantor_model::Scenario`] → [`search`] streams the
//! option space (screening every package from memoised allocation outcomes,
//! keeping the top N, the frontier and the why-not counts), or [`evaluate`]
//! plans, allocates and judges every package in memory (for exports and small
//! spaces). Both give the same counts, frontier and ranking. A search split
//! over machines is [`search_partial`] per range of the package numbering
//! and [`finish_search`] over the partials: the same evaluation as [`search`].
//!
//! Invariants:
//! - The engine does no I/O and knows nothing of files, terminals or HTTP.
//! - Results are identical for any number of threads and any order of actors
//!   or contributors in the scenario.
//! - A contributor's own caveats and red lines are never violated by an allocation;
//!   what nobody may supply is a shortfall, never silently allocated.

//!
//! Layers, each importing only from those above it in this list:
//! `verdict`, `sizing`, `frontier`, `allocate` (leaves) → `deterrence` →
//! `error`, `prepare`,
//! `accept`, `tally` → `package` (the per-package core) → `space` (the
//! package space and its `requires` / `excludes` rules) → `evaluate`,
//! `search`, `batch` (peers) → `fixes`. Every module is private; the API is
//! the `pub use` list below.

mod accept;
mod allocate;
mod batch;
mod deterrence;
mod error;
mod evaluate;
mod fixes;
mod frontier;
mod gap;
mod package;
mod prepare;
mod search;
mod sizing;
mod space;
mod tally;
mod verdict;

pub use accept::{
    acceptance_margin, level_red_line_verdict, margin_verdict, spatial_utility, utility_upper_bound,
};
pub use allocate::{
    AllocationError, CapabilityData, LineKey, NEGLIGIBLE_REL, NEGLIGIBLE_UNITS, SubProblem,
    SubSolution, available_blocks, largest_share, line_demand, negligible_amount, solve,
    solve_in_blocks,
};
pub use batch::{SolveCache, evaluate_choices, evaluate_choices_cached};
pub use deterrence::{
    Allotted, Assessment, Tables as DeterrenceTables, assess, denial_on_axis, deployed_units,
    derived_level, deterrence_total, escalation_risk, exposure, judgement_term,
    punishment_credibility, tripwire,
};
pub use error::{EngineError, MAX_PACKAGES_IN_MEMORY};
pub use evaluate::{EvalOptions, evaluate, evaluate_package};
pub use fixes::{
    Change, Fix, FixPair, FixResult, PAIR_EVALUATION_LIMIT, nearest_fixes, two_change_fixes,
};
pub use frontier::{Frontier, Objective, dominates, mark_frontier, objective_vector};
pub use gap::{gap_to_passing, margin_deficit, red_line_weight, shortfall_share};
pub use package::{Choice, decode, package_levels, package_title, rank, resolve_choice};
pub use prepare::{WHOLE_NOISE_REL, available_units, bundles_available};
pub use search::{
    ScreenedPackage, SearchOptions, SearchPartial, finish_search, screen_choices_cached, search,
    search_partial, search_with_stats,
};
#[doc(hidden)]
pub use search::{Screening, search_partial_screened};
pub use sizing::flight_hour_line_cost;
pub use sizing::geography;
pub use sizing::{
    Derivation, NO_BASE_WITHIN_REACH, TaskGeometry, map_title, options_map, package_map,
};
pub use sizing::{
    Requirement, air_policing_aircraft_deployed, cap_fighters_deployed, cap_sorties_per_day,
    garrison_personnel, monitors_needed, orbit_aircraft_deployed, point_air_defence_batteries,
    rotation_pool, size_task, whole_units,
};
pub use space::{OptionRule, PackageSpace};
pub use verdict::*;
