//! The game around the rounds: the in-game clock, the phases (stages) of a
//! round, the adjudication band and the facilitator's override, notes and
//! lessons learned. Plain data and the formulas on it; `state` folds the
//! events that carry them.

use serde::{Deserialize, Serialize};

/// The stage of the exercise, which decides who may write what
/// ([`crate::routes::ROUTES`] lists the stages each route is open in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Created; no round opened yet.
    Setup,
    /// A round is open: delegations prepare and submit moves.
    Planning,
    /// The facilitator moved the round to negotiation: delegations may still
    /// revise their moves (final offers); the round closes next.
    Negotiation,
    /// Closed; the engine is adjudicating.
    Adjudication,
    /// The round's verdict is published: debrief, override, lessons.
    Debrief,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Setup,
        Stage::Planning,
        Stage::Negotiation,
        Stage::Adjudication,
        Stage::Debrief,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Setup => "setup",
            Stage::Planning => "planning",
            Stage::Negotiation => "negotiation",
            Stage::Adjudication => "adjudication",
            Stage::Debrief => "debrief",
        }
    }
}

/// The in-game clock: round 1 starts on `start`, each later round
/// `interval_days` after the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// ISO 8601 date, e.g. "2025-08-20".
    pub start: String,
    pub interval_days: u32,
}

/// Days between rounds unless the facilitator sets the clock.
pub const DEFAULT_INTERVAL_DAYS: u32 = 14;

/// Dates are the model's calendar (`guarantor_model::injects`: Hinnant's
/// `days_from_civil` and its inverse), shared with the injects' dates.
pub use guarantor_model::injects::{format_date, parse_date};

/// The in-game date of a round: start + (round − 1) × interval days.
///
/// Unit: a calendar date (ISO 8601). Example: start 2025-08-20, 14 days,
/// round 3 → 2025-08-20 + 28 days = 2025-09-17. Round 0 (before the first)
/// is the start date.
pub fn round_date(clock: &Clock, round: u32) -> Result<String, String> {
    round_day(clock, round).map(format_date)
}

/// The in-game date (days since 1970-01-01) of a round's first day:
/// start + (round − 1) × interval, as [`round_date`].
pub fn round_day(clock: &Clock, round: u32) -> Result<i64, String> {
    Ok(parse_date(&clock.start)?
        + i64::from(round.saturating_sub(1)) * i64::from(clock.interval_days))
}

/// The last in-game day of a round: the day before the next round opens.
///
/// Unit: days since 1970-01-01. Example: start 2025-09-01, 14 days → round 1
/// ends on 2025-09-14, round 2 on 2025-09-28.
pub fn round_last_day(clock: &Clock, round: u32) -> Result<i64, String> {
    Ok(round_day(clock, round.max(1) + 1)? - 1)
}

/// The likely/best/worst band of one round's chosen package, from the
/// uncertainty engine: P(pass) with its standard error, and the cost per
/// year at p5/p50/p95 over the draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// The package the band is for: the round's first-ranked package.
    pub package: String,
    pub title: String,
    pub draws: usize,
    /// Uncertainty declarations drawn (those on delegations' own inputs are left out).
    pub uncertainties: usize,
    /// Likely: P(feasible and acceptable) over the draws.
    pub p_pass: f64,
    pub p_pass_se: f64,
    /// Worst and best: P(pass) ∓ 1.96 standard errors, clamped to [0, 1].
    pub p_pass_worst: f64,
    pub p_pass_best: f64,
    /// Cost per year in the scenario's currency: best (p5), likely (p50), worst (p95).
    pub cost_p5: f64,
    pub cost_p50: f64,
    pub cost_p95: f64,
}

/// The ends of a P(pass) band: p ∓ 1.96·se, clamped to [0, 1] (a normal
/// 95% interval of a proportion).
///
/// Unit: probability. Example: p = 0.5, se = 0.05 → (0.402, 0.598).
pub fn p_pass_band(p: f64, se: f64) -> (f64, f64) {
    (
        (p - 1.96 * se).clamp(0.0, 1.0),
        (p + 1.96 * se).clamp(0.0, 1.0),
    )
}

/// The facilitator's ruling on a round's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ruling {
    Passes,
    Fails,
}

impl Ruling {
    pub fn as_str(self) -> &'static str {
        match self {
            Ruling::Passes => "passes",
            Ruling::Fails => "fails",
        }
    }

    pub fn parse(s: &str) -> Option<Ruling> {
        match s {
            "passes" => Some(Ruling::Passes),
            "fails" => Some(Ruling::Fails),
            _ => None,
        }
    }
}

/// Whether an override's P(pass) lies inside the band `[worst, best]`.
///
/// Example: band [0.40, 0.60]: 0.55 → inside; 0.9 → outside.
pub fn inside_band(band: &Band, p_pass: f64) -> bool {
    (band.p_pass_worst..=band.p_pass_best).contains(&p_pass)
}

/// What a note records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// An observation.
    Note,
    /// A key moment of the game.
    Moment,
    /// Someone's words, as said.
    Quote,
}

impl NoteKind {
    pub const ALL: [NoteKind; 3] = [NoteKind::Note, NoteKind::Moment, NoteKind::Quote];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Note => "note",
            NoteKind::Moment => "moment",
            NoteKind::Quote => "quote",
        }
    }

    pub fn parse(s: &str) -> Option<NoteKind> {
        NoteKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Longest note, lesson or reason accepted, in characters.
pub const MAX_TEXT: usize = 4000;

/// Check a free text: not empty, at most [`MAX_TEXT`] characters.
pub fn check_text(what: &str, text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(format!(
            "{what} is {n} characters long; shorten it to at most {MAX_TEXT}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_dates_step_by_the_interval_across_months_and_leap_days() {
        let c = Clock {
            start: "2025-08-20".into(),
            interval_days: 14,
        };
        assert_eq!(round_date(&c, 1).unwrap(), "2025-08-20");
        assert_eq!(round_date(&c, 3).unwrap(), "2025-09-17");
        assert_eq!(round_date(&c, 0).unwrap(), "2025-08-20");
        let leap = Clock {
            start: "2028-02-20".into(),
            interval_days: 10,
        };
        assert_eq!(round_date(&leap, 2).unwrap(), "2028-03-01");
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("20-08-2025").is_err());
        assert_eq!(parse_date("1970-01-01").unwrap(), 0);
        let sept = Clock {
            start: "2025-09-01".into(),
            interval_days: 14,
        };
        assert_eq!(format_date(round_last_day(&sept, 1).unwrap()), "2025-09-14");
        assert_eq!(format_date(round_last_day(&sept, 2).unwrap()), "2025-09-28");
        assert_eq!(format_date(round_day(&sept, 2).unwrap()), "2025-09-15");
    }

    #[test]
    fn the_band_is_a_95_percent_interval_clamped_to_probabilities() {
        let (lo, hi) = p_pass_band(0.5, 0.05);
        assert!((lo - 0.402).abs() < 1e-12 && (hi - 0.598).abs() < 1e-12);
        let (lo, hi) = p_pass_band(0.98, 0.02);
        assert!((lo - 0.9408).abs() < 1e-12 && hi == 1.0);
        assert_eq!(p_pass_band(0.0, 0.0), (0.0, 0.0));
    }
}
