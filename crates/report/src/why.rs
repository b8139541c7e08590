//! Why a package fails, in short sentences taken from the engine's reasons.
//! Shared by the HTML and Markdown reports, the exports and the run history.

use guarantor_engine::{ActorVerdict, PackageVerdict, ReasonKind};

/// Actors that reject the package, in id order; only required ones when
/// `required_only`.
pub fn rejecting_actors(p: &PackageVerdict, required_only: bool) -> Vec<&str> {
    p.acceptance
        .iter()
        .filter(|(_, v)| !v.accepts && (v.required || !required_only))
        .map(|(a, _)| a.as_str())
        .collect()
}

/// How an actor judges a package, as one of three classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Accepts,
    /// Rejects because at least one of its red lines is violated.
    RedLine,
    /// Rejects on utility alone (below its reservation utility).
    Utility,
}

/// The actor's stance: a red-line rejection outranks a utility one.
pub fn stance(v: &ActorVerdict) -> Stance {
    if v.accepts {
        Stance::Accepts
    } else if v.reasons.iter().any(|r| r.kind == ReasonKind::RedLine) {
        Stance::RedLine
    } else {
        Stance::Utility
    }
}

/// The reasons behind one actor's verdict in one line: the red lines and
/// utility text from the engine, or the margin when it accepts.
pub fn actor_reason(v: &ActorVerdict) -> String {
    if v.accepts {
        format!(
            "accepts: utility {:.3} ≥ reservation {:.3} (margin {:+.3})",
            v.utility, v.reservation, v.margin
        )
    } else {
        let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.as_str()).collect();
        format!("rejects: {}", texts.join("; "))
    }
}

/// Every reason the package fails, one sentence each: shortfalls first, then
/// each rejecting required actor with its reasons. Empty when the package passes.
pub fn failure_reasons(p: &PackageVerdict) -> Vec<String> {
    let mut out: Vec<String> = p
        .shortfalls
        .iter()
        .map(|s| format!("infeasible: {}", s.text))
        .collect();
    for (a, v) in &p.acceptance {
        if v.required && !v.accepts {
            out.push(format!("{a} {}", actor_reason(v)));
        }
    }
    out
}
