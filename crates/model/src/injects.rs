//! Injects of a live exercise: news the facilitator releases to some roles
//! during a round, optionally changing the scenario from then on (a red line
//! added or dropped, a capacity, a level, a reservation).
//!
//! A scenario declares pre-scripted injects as `[[injects]]`; the facilitator
//! may write more during the exercise. Scenario changes reuse the `--set` /
//! `[[uncertainty]]` paths ([`crate::resolve`]), so a change names exactly
//! the number it sets, with did-you-mean on a typo.

use crate::diagnostic::ProblemKind;
use crate::paths::{PathError, Target, resolve};
use crate::suggest::closest;
use crate::types::Scenario;
pub use crate::types::{AddedRedLine, Inject};

/// One `PATH=VALUE` change, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub path: String,
    pub value: f64,
    pub target: Target,
}

/// What is wrong with an inject and where: `field` is the key inside the
/// inject (`"set[0]"`, `"targets[1]"`, `"add_red_lines[0].id"`, `"date"`, or
/// `""` for the inject as a whole), so that `guarantor check` can point at
/// the key's own line; `kind` is the diagnostic's kind.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectProblem {
    pub field: String,
    pub kind: ProblemKind,
    pub message: String,
    /// A few words under the source line (what is wrong at this spot).
    pub label: &'static str,
    /// How to fix it.
    pub help: String,
}

impl std::fmt::Display for InjectProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.help)
    }
}

fn problem(
    field: impl Into<String>,
    kind: ProblemKind,
    label: &'static str,
    message: String,
    help: impl Into<String>,
) -> InjectProblem {
    InjectProblem {
        field: field.into(),
        kind,
        message,
        label,
        help: help.into(),
    }
}

/// The nearest known path to a path that does not resolve: the segment the
/// resolver names as unknown replaced by its did-you-mean, kept only if the
/// whole path then resolves.
///
/// Example: `actors.b.reservaton` on a scenario with actor `b` gives
/// `actors.b.reservation`.
fn nearest_path(s: &Scenario, path: &str, e: &PathError) -> Option<String> {
    let quoted = |text: &str, after: &str| -> Option<String> {
        let rest = &text[text.find(after)? + after.len()..];
        let rest = rest.strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_string())
    };
    let near = quoted(&e.help, "did you mean ")?;
    let bad = e.message.rsplit_once(" \"")?.1.strip_suffix('"')?;
    let segs: Vec<&str> = path.split('.').collect();
    let i = segs.iter().position(|x| *x == bad)?;
    let mut fixed: Vec<&str> = segs.clone();
    fixed[i] = near.as_str();
    let fixed = fixed.join(".");
    resolve(s, &fixed).is_ok().then_some(fixed)
}

/// Parse and check one `PATH=VALUE` change against a scenario: the path
/// resolves (with the nearest known path otherwise) and the value is a number
/// in its domain. `field` names the change's key for the problem (e.g. `set[0]`).
///
/// Example: `"actors.ru.reservation=0.7"` on the default scenario gives the
/// target `Reservation(ru)` and 0.7; `"actors.ru.reservaton=0.7"` is refused
/// as an unknown path with "did you mean \"actors.ru.reservation\"?".
pub fn parse_setting_at(s: &Scenario, item: &str, field: &str) -> Result<Setting, InjectProblem> {
    let Some((path, value)) = item.split_once('=') else {
        return Err(problem(
            field,
            ProblemKind::WrongType,
            "not PATH=VALUE",
            format!("\"{item}\" is not a change: it has no `=`"),
            "write PATH=VALUE, e.g. \"actors.ru.reservation=0.55\"",
        ));
    };
    let path = path.trim();
    let target = resolve(s, path).map_err(|e| {
        let help = match nearest_path(s, path, &e) {
            Some(near) => {
                // The resolver's own did-you-mean names one segment; name the whole path.
                let rest = e.help.split_once("? ").map_or("", |(_, r)| r);
                format!("did you mean \"{near}\"? {rest}")
            }
            None => e.help.clone(),
        };
        problem(
            field,
            ProblemKind::UnknownReference,
            "unknown path",
            format!("unknown path: {}", e.message),
            help,
        )
    })?;
    let value: f64 = value.trim().parse().map_err(|_| {
        problem(
            field,
            ProblemKind::WrongType,
            "not a number",
            format!("{path}: \"{}\" is not a number", value.trim()),
            format!("write a number after `=`, e.g. \"{path}=0.5\""),
        )
    })?;
    let domain = target.domain(s);
    if !domain.contains(value) {
        return Err(problem(
            field,
            ProblemKind::OutOfRange,
            "outside the domain",
            format!("{path}: {value} is outside the parameter's domain"),
            format!("the value must be {}", domain.describe()),
        ));
    }
    Ok(Setting {
        path: path.to_string(),
        value,
        target,
    })
}

/// [`parse_setting_at`] for a change typed on its own (the live-inject form,
/// `--set`): the problem as one line of text.
pub fn parse_setting(s: &Scenario, item: &str) -> Result<Setting, String> {
    parse_setting_at(s, item, "").map_err(|p| p.to_string())
}

/// Roles an inject may target besides actor ids.
pub const ROLE_TARGETS: &[&str] = &["all", "facilitator", "observer", "notetaker"];

/// When an inject is released: at a round's opening, or when the in-game
/// clock reaches a day of the exercise or a calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The opening of this round (1, 2, …).
    Round(u32),
    /// In-game day N of the exercise; day 1 is the day round 1 opens.
    Day(u32),
    /// A calendar date, as days since 1970-01-01.
    Date(i64),
}

/// When the inject is released: exactly one of `round`, `day` and `date`.
/// Problems name the key at fault: none given, two given, a day 0, a date
/// that is not `YYYY-MM-DD`.
pub fn inject_when(inj: &Inject) -> Result<When, InjectProblem> {
    let mut given: Vec<(&str, When)> = Vec::new();
    if inj.round != 0 {
        given.push(("round", When::Round(inj.round)));
    }
    if let Some(d) = inj.day {
        if d == 0 {
            return Err(problem(
                "day",
                ProblemKind::OutOfRange,
                "day 0",
                "day 0 is before the exercise: day 1 is the day round 1 opens".into(),
                "write day = 1 or later",
            ));
        }
        given.push(("day", When::Day(d)));
    }
    if let Some(date) = &inj.date {
        let days = parse_date(date).map_err(|m| {
            problem(
                "date",
                ProblemKind::WrongType,
                "not a date",
                m,
                "write the in-game date as YYYY-MM-DD, e.g. date = 2025-09-20",
            )
        })?;
        given.push(("date", When::Date(days)));
    }
    match given.as_slice() {
        [(_, w)] => Ok(*w),
        [] => Err(problem(
            "",
            ProblemKind::MissingKey,
            "no time",
            "the inject says neither its round, its day nor its date".into(),
            "add one of: round = 2 (released when round 2 opens), day = 17 (in-game day 17) or date = 2025-09-20",
        )),
        [(first, _), (second, _), ..] => Err(problem(
            *second,
            ProblemKind::Inconsistent,
            "a second time",
            format!("the inject gives both `{first}` and `{second}`; an inject has one time"),
            format!("keep either `{first}` or `{second}`"),
        )),
    }
}

/// The in-game date (days since 1970-01-01) a timed inject falls on, on a
/// clock whose round 1 opens on day `start`; `None` for a round's inject.
///
/// Unit: days. Example: start 2025-09-01, `day = 17` → 2025-09-17 (day 1 is
/// the start); `date = "2025-09-20"` → 2025-09-20 whatever the start.
pub fn inject_date(when: When, start: i64) -> Option<i64> {
    match when {
        When::Round(_) => None,
        When::Day(d) => Some(start + i64::from(d) - 1),
        When::Date(d) => Some(d),
    }
}

/// Check an inject against the scenario it would change: one time (round,
/// day or date), text not empty, targets known, every change resolvable and
/// in its domain, every added red line on a known actor with a new id.
/// Returns the first problem, naming its key, the kind of problem and the fix.
pub fn check_inject(s: &Scenario, inj: &Inject) -> Result<(), InjectProblem> {
    inject_when(inj)?;
    if inj.text.trim().is_empty() {
        return Err(problem(
            "text",
            ProblemKind::Empty,
            "empty",
            "the inject's text is empty".into(),
            "write what the targets read",
        ));
    }
    for (i, t) in inj.targets.iter().enumerate() {
        if !ROLE_TARGETS.contains(&t.as_str()) && s.actor(t).is_none() {
            let known: Vec<&str> = ROLE_TARGETS
                .iter()
                .copied()
                .chain(s.actors.iter().map(|a| a.id.as_str()))
                .collect();
            let near = closest(t, &known)
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            return Err(problem(
                format!("targets[{i}]"),
                ProblemKind::UnknownReference,
                "unknown role",
                format!("target \"{t}\" is no role and no actor"),
                format!("{near}use one of: {}", known.join(", ")),
            ));
        }
    }
    for (i, item) in inj.set.iter().enumerate() {
        parse_setting_at(s, item, &format!("set[{i}]"))?;
    }
    let mut added: Vec<(&str, &str)> = Vec::new();
    for (i, a) in inj.add_red_lines.iter().enumerate() {
        let field = format!("add_red_lines[{i}]");
        let Some(actor) = s.actor(&a.actor) else {
            let known: Vec<&str> = s.actors.iter().map(|a| a.id.as_str()).collect();
            let near = closest(&a.actor, &known)
                .map(|n| format!("did you mean \"{n}\"? "))
                .unwrap_or_default();
            return Err(problem(
                format!("{field}.actor"),
                ProblemKind::UnknownReference,
                "unknown actor",
                format!("a red line added to \"{}\", which is no actor", a.actor),
                format!("{near}known actors: {}", known.join(", ")),
            ));
        };
        if a.red_line.id.trim().is_empty() {
            return Err(problem(
                format!("{field}.id"),
                ProblemKind::BadId,
                "empty id",
                "an added red line needs an id".into(),
                "give it an id no red line of the actor has, e.g. id = \"no_ground_force\"",
            ));
        }
        if actor.red_lines.iter().any(|r| r.id == a.red_line.id)
            || added.contains(&(a.actor.as_str(), a.red_line.id.as_str()))
        {
            return Err(problem(
                format!("{field}.id"),
                ProblemKind::Duplicate,
                "already a red line",
                format!("{} already has a red line \"{}\"", actor.id, a.red_line.id),
                "pick a new id (to change that red line, drop it with \
                 actors.ID.red_lines.LINE.holds=0 and add the new one)",
            ));
        }
        added.push((a.actor.as_str(), a.red_line.id.as_str()));
    }
    Ok(())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
/// "chrono-compatible low-level date algorithms", `days_from_civil`).
///
/// Unit: days. Example: 1970-01-01 → 0; 2025-09-01 → 20332.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`] (Hinnant's `civil_from_days`).
///
/// Example: 20332 → (2025, 9, 1).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parse an ISO 8601 calendar date `YYYY-MM-DD` into days since 1970-01-01.
/// 31 February and the like are refused.
pub fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || format!("\"{s}\" is not a date; write it as YYYY-MM-DD, e.g. 2025-08-20");
    let mut it = s.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let y: i64 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    let d: u32 = d.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) || d == 0 {
        return Err(bad());
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return Err(bad());
    }
    Ok(days)
}

/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Apply an inject's changes to a scenario: the `set` values first, then the
/// added red lines. Checked first with [`check_inject`]; on error the scenario
/// is unchanged.
///
/// Example: an inject with `set = ["actors.ru.reservation=0.7"]` leaves Russia's
/// reservation at 0.7 from its round on; one with
/// `set = ["actors.ru.red_lines.no_nato_mission.holds=0"]` removes that red line.
pub fn apply_inject(s: &mut Scenario, inj: &Inject) -> Result<(), InjectProblem> {
    check_inject(s, inj)?;
    let settings: Vec<Setting> = inj
        .set
        .iter()
        .enumerate()
        .map(|(n, i)| parse_setting_at(s, i, &format!("set[{n}]")))
        .collect::<Result<_, _>>()?;
    let targets: Vec<Target> = settings.iter().map(|x| x.target.clone()).collect();
    let values: Vec<f64> = settings.iter().map(|x| x.value).collect();
    crate::paths::apply(s, &targets, &values);
    for added in &inj.add_red_lines {
        if let Some(a) = s.actors.iter_mut().find(|a| a.id == added.actor) {
            a.red_lines.push(added.red_line.clone());
        }
    }
    Ok(())
}

/// Whether a role sees an inject: the facilitator always; others when the
/// targets are empty, name `"all"`, or name the role (a delegation by its actor id).
pub fn inject_visible_to(inj: &Inject, role: &str, actor: Option<&str>) -> bool {
    role == "facilitator"
        || inj.targets.is_empty()
        || inj
            .targets
            .iter()
            .any(|t| t == "all" || t == role || Some(t.as_str()) == actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inject(set: &[&str]) -> Inject {
        Inject {
            id: "i".into(),
            round: 2,
            day: None,
            date: None,
            text: "news".into(),
            targets: vec![],
            set: set.iter().map(|s| s.to_string()).collect(),
            add_red_lines: vec![],
            source: String::new(),
        }
    }

    #[test]
    fn an_inject_sets_numbers_and_drops_red_lines() {
        let mut s = crate::default_scenario();
        let ru = s.actor("ru").unwrap();
        let before = ru.red_lines.len();
        let line = ru.red_lines[0].id.clone();
        let inj = inject(&[
            "actors.ru.reservation=0.7",
            &format!("actors.ru.red_lines.{line}.holds=0"),
        ]);
        apply_inject(&mut s, &inj).unwrap();
        let ru = s.actor("ru").unwrap();
        assert_eq!(ru.reservation, 0.7);
        assert_eq!(ru.red_lines.len(), before - 1);
        assert!(ru.red_lines.iter().all(|r| r.id != line));
    }

    #[test]
    fn a_bad_change_is_refused_with_its_fix_and_changes_nothing() {
        let mut s = crate::default_scenario();
        let copy = s.clone();
        let err = apply_inject(&mut s, &inject(&["actors.ru.reservaton=0.7"])).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("set[0]", ProblemKind::UnknownReference)
        );
        assert!(
            err.help
                .starts_with("did you mean \"actors.ru.reservation\"? Known actor field"),
            "{}",
            err.help
        );
        let err = apply_inject(
            &mut s,
            &inject(&["actors.ru.reservation=0.5", "actors.ru.reservation=7"]),
        )
        .unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("set[1]", ProblemKind::OutOfRange)
        );
        assert_eq!(err.help, "the value must be between 0 and 1");
        let err = apply_inject(&mut s, &inject(&["actors.ru.reservation=high"])).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("set[0]", ProblemKind::WrongType)
        );
        let mut bad = inject(&[]);
        bad.targets = vec!["all".into(), "obsever".into()];
        let err = check_inject(&s, &bad).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("targets[1]", ProblemKind::UnknownReference)
        );
        assert!(
            err.help.starts_with("did you mean \"observer\"?"),
            "{}",
            err.help
        );
        assert_eq!(s, copy);
    }

    #[test]
    fn an_inject_has_exactly_one_time_and_a_day_counts_from_round_one() {
        let mut i = inject(&[]);
        assert_eq!(inject_when(&i), Ok(When::Round(2)));
        i.date = Some("2025-09-20".into());
        let err = inject_when(&i).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.kind),
            ("date", ProblemKind::Inconsistent)
        );
        assert!(
            err.message.contains("both `round` and `date`"),
            "{}",
            err.message
        );
        i.round = 0;
        let start = parse_date("2025-09-01").unwrap();
        assert_eq!(start, 20332);
        let w = inject_when(&i).unwrap();
        assert_eq!(
            inject_date(w, start).map(format_date).as_deref(),
            Some("2025-09-20")
        );
        i.date = None;
        i.day = Some(17);
        let w = inject_when(&i).unwrap();
        assert_eq!(
            inject_date(w, start).map(format_date).as_deref(),
            Some("2025-09-17")
        );
        i.day = Some(0);
        assert_eq!(inject_when(&i).unwrap_err().field, "day");
        i.day = None;
        assert_eq!(inject_when(&i).unwrap_err().kind, ProblemKind::MissingKey);
        i.date = Some("2025-02-30".into());
        assert_eq!(inject_when(&i).unwrap_err().kind, ProblemKind::WrongType);
    }

    #[test]
    fn the_calendar_round_trips_and_refuses_impossible_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(20332), (2025, 9, 1));
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2025-9-1").is_err());
    }

    #[test]
    fn a_live_red_line_is_read_and_checked_like_a_scenarios() {
        let s = crate::default_scenario();
        let line = |extra: &str| {
            format!(
                "actor = \"ru\"\nid = \"no_monitors\"\nkind = \"option\"\nhardness = \"stated\"\n{extra}"
            )
        };
        let ok = crate::read_added_red_line(
            &s,
            &line("component = \"ground_force\"\noptions = [\"trainers_monitors\"]"),
        )
        .unwrap();
        assert_eq!(
            (ok.actor.as_str(), ok.red_line.id.as_str()),
            ("ru", "no_monitors")
        );
        let err = crate::read_added_red_line(
            &s,
            &line("component = \"ground_forse\"\noptions = [\"trainers_monitors\"]"),
        )
        .unwrap_err();
        assert!(
            err.contains("ground_forse") && err.contains("ground_force"),
            "{err}"
        );
        let err = crate::read_added_red_line(
            &s,
            &line("component = \"ground_force\"\noptions = [\"x\"]\ncolour = 1"),
        )
        .unwrap_err();
        assert!(err.contains("colour"), "{err}");
        let err = crate::read_added_red_line(&s, "actor = \"ru\"\nid = ").unwrap_err();
        assert!(err.starts_with("TOML syntax error"), "{err}");
        let held = &s.actor("ru").unwrap().red_lines[0].id;
        let text = line("component = \"ground_force\"\noptions = [\"trainers_monitors\"]")
            .replace("no_monitors", held);
        assert!(
            crate::read_added_red_line(&s, &text)
                .unwrap_err()
                .contains("already has")
        );
        let text = line("component = \"ground_force\"\noptions = [\"trainers_monitors\"]")
            .replace("\"ru\"", "\"rus\"");
        assert!(
            crate::read_added_red_line(&s, &text)
                .unwrap_err()
                .contains("no actor")
        );
    }

    #[test]
    fn targets_decide_who_reads_an_inject() {
        let mut i = inject(&[]);
        assert!(inject_visible_to(&i, "observer", None));
        i.targets = vec!["ru".into(), "notetaker".into()];
        assert!(inject_visible_to(&i, "delegation", Some("ru")));
        assert!(!inject_visible_to(&i, "delegation", Some("uk")));
        assert!(inject_visible_to(&i, "notetaker", None));
        assert!(!inject_visible_to(&i, "observer", None));
        assert!(inject_visible_to(&i, "facilitator", None));
    }
}
