//! The engine's error type. Messages speak of the scenario and the API, never
//! of command-line flags: callers add their own advice.

use thiserror::Error;

use crate::allocate::AllocationError;

#[derive(Debug, Error, PartialEq)]
pub enum EngineError {
    #[error("package {package}: {source}")]
    Allocation {
        package: String,
        #[source]
        source: AllocationError,
    },
    #[error("unknown component \"{component}\"{hint}")]
    UnknownComponent { component: String, hint: String },
    #[error("component \"{component}\" has no option \"{option}\"{hint}; its options are: {known}")]
    UnknownOption {
        component: String,
        option: String,
        /// "; did you mean \"x\"?" when one is close, else empty.
        hint: String,
        known: String,
    },
    #[error(
        "the option space has {size} packages, more than the {limit} this evaluation holds in memory"
    )]
    TooLarge { size: u128, limit: u128 },
    #[error(
        "{count} actors are required to accept; the search tracks at most 63 (parameters.required_acceptance)"
    )]
    TooManyRequired { count: usize },
    #[error(
        "package {package} is not in the package space: it breaks the rule \"{rule}\" (an option's `requires` / `excludes`)"
    )]
    Excluded { package: String, rule: String },
    #[error("could not start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    /// Partial searches that do not fit together (`finish_search`).
    #[error("the partial searches do not fit together: {0}")]
    Partials(String),
}

/// Largest option space `evaluate` keeps in memory.
pub const MAX_PACKAGES_IN_MEMORY: u128 = 2_000_000;
