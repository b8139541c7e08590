//! Injects of a live exercise: news the facilitator releases to some roles
//! during a round, optionally changing the scenario from then on (a red line
//! added or dropped, a capacity, a level, a reservation).
//!
//! A scenario declares pre-scripted injects as `[[injects]]`; the facilitator
//! may write more during the exercise. Scenario changes reuse the `--set` /
//! `[[uncertainty]]` paths ([`crate::resolve`]), so a change names exactly
//! the number it sets, with did-you-mean on a typo.

use crate::paths::{Target, resolve};
use crate::types::Scenario;
pub use crate::types::{AddedRedLine, Inject};

/// One `PATH=VALUE` change, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub path: String,
    pub value: f64,
    pub target: Target,
}

/// Parse and check one `PATH=VALUE` change against a scenario: the path
/// resolves (did-you-mean otherwise) and the value lies in its domain.
///
/// Example: `"actors.ru.reservation=0.7"` on the default scenario gives the
/// target `Reservation(ru)` and 0.7; `"actors.ru.reservaton=0.7"` is refused
/// with "did you mean \"reservation\"?".
pub fn parse_setting(s: &Scenario, item: &str) -> Result<Setting, String> {
    let Some((path, value)) = item.split_once('=') else {
        return Err(format!(
            "\"{item}\" must be PATH=VALUE, e.g. actors.ru.reservation=0.55"
        ));
    };
    let path = path.trim();
    let target = resolve(s, path).map_err(|e| format!("{} ({})", e.message, e.help))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("{path}: \"{}\" is not a number", value.trim()))?;
    let domain = target.domain(s);
    if !domain.contains(value) {
        return Err(format!(
            "{path}: {value} is outside the parameter's domain; it must be {}",
            domain.describe()
        ));
    }
    Ok(Setting {
        path: path.to_string(),
        value,
        target,
    })
}

/// Roles an inject may target besides actor ids.
pub const ROLE_TARGETS: &[&str] = &["all", "facilitator", "observer", "notetaker"];

/// Check an inject against the scenario it would change: round ≥ 1, text
/// not empty, targets known, every change resolvable and in its domain,
/// every added red line on a known actor with a new id. Returns the first
/// problem, naming the field and the fix.
pub fn check_inject(s: &Scenario, inj: &Inject) -> Result<(), String> {
    if inj.round == 0 {
        return Err("round must be 1 or later (the round whose opening releases it)".into());
    }
    if inj.text.trim().is_empty() {
        return Err("text must not be empty: write what the targets read".into());
    }
    for t in &inj.targets {
        if !ROLE_TARGETS.contains(&t.as_str()) && s.actor(t).is_none() {
            let known: Vec<&str> = ROLE_TARGETS
                .iter()
                .copied()
                .chain(s.actors.iter().map(|a| a.id.as_str()))
                .collect();
            return Err(format!(
                "target \"{t}\" is no role; use one of: {}",
                known.join(", ")
            ));
        }
    }
    for item in &inj.set {
        parse_setting(s, item)?;
    }
    for added in &inj.add_red_lines {
        let Some(a) = s.actor(&added.actor) else {
            return Err(format!("add_red_lines: unknown actor \"{}\"", added.actor));
        };
        if added.red_line.id.is_empty() {
            return Err("add_red_lines: a red line needs an id".into());
        }
        if a.red_lines.iter().any(|r| r.id == added.red_line.id) {
            return Err(format!(
                "add_red_lines: {} already has a red line \"{}\"; pick a new id",
                a.id, added.red_line.id
            ));
        }
    }
    Ok(())
}

/// Apply an inject's changes to a scenario: the `set` values first, then the
/// added red lines. Checked first with [`check_inject`]; on error the scenario
/// is unchanged.
///
/// Example: an inject with `set = ["actors.ru.reservation=0.7"]` leaves Russia's
/// reservation at 0.7 from its round on; one with
/// `set = ["actors.ru.red_lines.no_nato_mission.holds=0"]` removes that red line.
pub fn apply_inject(s: &mut Scenario, inj: &Inject) -> Result<(), String> {
    check_inject(s, inj)?;
    let settings: Vec<Setting> = inj
        .set
        .iter()
        .map(|i| parse_setting(s, i))
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
        assert!(err.contains("did you mean \"reservation\""), "{err}");
        let err = apply_inject(&mut s, &inject(&["actors.ru.reservation=7"])).unwrap_err();
        assert!(err.contains("outside the parameter's domain"), "{err}");
        let mut bad = inject(&[]);
        bad.targets = vec!["martians".into()];
        assert!(check_inject(&s, &bad).unwrap_err().contains("martians"));
        assert_eq!(s, copy);
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
