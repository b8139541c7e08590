//! Rendering of evaluations: terminal text and JSON.
//!
//! Invariants: rendering never changes a verdict; every number shown is one the
//! engine computed; nothing here does I/O (callers print the strings).

mod listing;
mod map;
mod text;

pub use listing::{Listing, listing};
pub use text::{Fixes, Style, render_explain, render_fixes, render_run, render_run_styled};
pub mod charts;
pub mod document;
pub mod export;
pub mod html;
pub mod markdown;
pub mod robustness;
pub mod sections;
pub mod timeline;
pub mod why;

use guarantor_engine::{Evaluation, PackageVerdict};
use serde_json::{Value, json};

/// `run --json`: one object with the scenario, the counts, the listed
/// packages (`listed` says whether they are the best passing ones or the
/// closest failing ones, as in the terminal) and every frontier package.
pub fn run_json(e: &Evaluation, top: usize) -> Value {
    let listed = listing(e, top);
    json!({
        "scenario": e.scenario,
        "title": e.title,
        "disclaimer": e.disclaimer,
        "currency": e.currency,
        "required_acceptance": e.required_acceptance,
        "evaluated": e.counts.evaluated,
        "counts": e.counts,
        "failures": e.failures,
        "objectives": e.objectives,
        "listed": if listed.passing { "passing" } else { "closest" },
        "packages": listed.packages,
        "frontier": e.packages.iter().filter(|p| p.frontier).collect::<Vec<_>>(),
    })
}

/// `explain --json`: the package's full verdict, its nearest fixes and,
/// when no single change is enough, its best two-change fixes
/// (`two_change_fixes`, with `two_change_search_truncated`).
pub fn explain_json(scenario: &str, v: &PackageVerdict, fixes: &Fixes) -> Value {
    let mut out = serde_json::to_value(v).expect("verdicts are plain data");
    out["scenario"] = json!(scenario);
    out["nearest_fixes"] = serde_json::to_value(&fixes.single).expect("fixes are plain data");
    out["two_change_fixes"] = serde_json::to_value(&fixes.pairs).expect("fixes are plain data");
    out["two_change_search_truncated"] = json!(fixes.pairs_truncated);
    out
}
