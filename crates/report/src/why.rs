//! Why a package fails, in short sentences taken from the engine's reasons.
//! Shared by the HTML and Markdown reports, the exports and the run history.

use guarantor_engine::{ActorVerdict, PackageVerdict, ReasonKind, Verdict};

/// Actors that reject the package, in id order; only required ones when
/// `required_only`. Undetermined verdicts are not rejections.
pub fn rejecting_actors(p: &PackageVerdict, required_only: bool) -> Vec<&str> {
    actors_with(p, Verdict::Rejects, required_only)
}

/// Actors whose verdict on the package is undetermined, in id order; only
/// required ones when `required_only`.
pub fn undetermined_actors(p: &PackageVerdict, required_only: bool) -> Vec<&str> {
    actors_with(p, Verdict::Undetermined, required_only)
}

fn actors_with(p: &PackageVerdict, verdict: Verdict, required_only: bool) -> Vec<&str> {
    p.acceptance
        .iter()
        .filter(|(_, v)| v.verdict == verdict && (v.required || !required_only))
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
    /// Neither accepts nor rejects: a margin or a level within the precision
    /// of its boundary.
    Undetermined,
}

/// The actor's stance: a red-line rejection outranks a utility one.
pub fn stance(v: &ActorVerdict) -> Stance {
    if v.accepts {
        Stance::Accepts
    } else if v.verdict == Verdict::Undetermined {
        Stance::Undetermined
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
        format!("{}: {}", v.verdict.as_str(), texts.join("; "))
    }
}

/// Every reason the package fails, one sentence each: shortfalls first, then
/// each required actor that rejects, or whose verdict is undetermined, with
/// its reasons. Empty when the package passes.
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
