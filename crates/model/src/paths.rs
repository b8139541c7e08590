//! Scenario paths: resolving a dotted path (`actors.ru.reservation`) to a
//! [`Target`] in a scenario, the target's domain and nominal value, and
//! writing a value into a copy of the scenario. `[[uncertainty]]`
//! declarations name their parameters this way.

use crate::suggest::closest;
use crate::types::Domain;
use crate::types::*;

/// Fields of `[parameters.air]` that may be uncertain.
const AIR_FIELDS: &[&str] = &[
    "aircraft_per_station",
    "hours_per_day",
    "time_on_station_h",
    "sorties_per_aircraft_day",
    "availability",
    "qra_aircraft",
    "tanker_on_station_h",
    "aew_on_station_h",
];
/// Numbers of `[parameters.deterrence]` that may be uncertain or set by a
/// what-if (the weights are not: they must add up to 1), with their domains.
const DETERRENCE_FIELDS: &[(&str, Domain)] = &[
    ("breakthrough_ratio", Domain::AtLeastOne),
    ("decisiveness", Domain::Positive),
    ("attacker_personnel", Domain::NonNegative),
    ("defender_personnel", Domain::NonNegative),
    ("commitment_weight", Domain::Unit),
    ("us_weight", Domain::Unit),
    ("tripwire_weight", Domain::Unit),
    ("tripwire_nations", Domain::Positive),
    ("half_distance_km", Domain::Positive),
    ("default_distance_km", Domain::NonNegative),
];
const INVENTORY_FIELDS: &[&str] = &[
    "count",
    "readiness",
    "deployable_share",
    "cost_per_unit_year",
];
const OPTION_FIELDS: &[&str] = &[
    "deterrence",
    "cost_per_year",
    "one_off_cost",
    "levels",
    "tasks",
];
const ACTOR_FIELDS: &[&str] = &[
    "reservation",
    "capability",
    "position",
    "salience",
    "inventory",
    "red_lines",
];
const ROOTS: &[&str] = &["parameters", "actors", "components", "synergies"];

/// A resolved uncertainty path: where in the scenario the value goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Rotation(String),
    HorizonYears,
    AcceptancePrecision,
    Air(&'static str),
    /// A number of `[parameters.deterrence]`.
    Deterrence(&'static str),
    Reservation(usize),
    ActorCapability(usize),
    Position(usize, String),
    Salience(usize, String),
    Inventory {
        actor: usize,
        capability: String,
        field: &'static str,
    },
    /// 1: the red line holds; 0: it is relaxed (dropped from the scenario).
    RedLineHolds {
        actor: usize,
        red_line: usize,
    },
    OptionField {
        component: usize,
        option: usize,
        field: &'static str,
    },
    Level {
        component: usize,
        option: usize,
        dimension: String,
    },
    TaskField {
        component: usize,
        option: usize,
        task: usize,
        field: &'static str,
    },
    SynergyBonus(usize),
}

/// Why a path does not resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
    pub help: String,
}

fn bad(path: &str, segment: &str, what: &str, known: &[&str]) -> PathError {
    let near = closest(segment, known);
    let list: Vec<&str> = known.iter().copied().take(14).collect();
    let more = if known.len() > 14 { ", …" } else { "" };
    let help = match near {
        Some(n) => format!(
            "did you mean \"{n}\"? Known {what}: {}{more}",
            list.join(", ")
        ),
        None if known.is_empty() => format!("there is no {what} here"),
        None => format!("known {what}: {}{more}", list.join(", ")),
    };
    PathError {
        message: format!("path \"{path}\": unknown {what} \"{segment}\""),
        help,
    }
}

fn short(path: &str, expected: &str) -> PathError {
    PathError {
        message: format!("path \"{path}\" is incomplete"),
        help: format!("continue it with {expected}"),
    }
}

fn too_long(path: &str, rest: &[&str]) -> PathError {
    PathError {
        message: format!(
            "path \"{path}\" goes on after a number: \"{}\"",
            rest.join(".")
        ),
        help: "end the path at the number's own key".into(),
    }
}

/// Numeric parameters of a sizing rule that may be uncertain, with their
/// domains: the number fields of the rule's row in [`crate::rules::SIZING_RULES`].
fn task_fields(rule: &SizingRule) -> Vec<(&'static str, Domain)> {
    crate::rules::rule_spec(rule.name())
        .map(|spec| spec.numbers().collect())
        .unwrap_or_default()
}

/// Field names of `list` matching `name`, as a static str.
fn field(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|f| *f == name)
}

/// Resolve a dotted path against a scenario.
pub fn resolve(s: &Scenario, path: &str) -> Result<Target, PathError> {
    let seg: Vec<&str> = path.split('.').collect();
    let at = |i: usize, expected: &str| -> Result<&str, PathError> {
        seg.get(i).copied().ok_or_else(|| short(path, expected))
    };
    let end = |n: usize, t: Target| -> Result<Target, PathError> {
        if seg.len() > n {
            Err(too_long(path, &seg[n..]))
        } else {
            Ok(t)
        }
    };
    match seg[0] {
        "parameters" => match at(
            1,
            "\"rotation\", \"horizon_years\", \"air\" or \"acceptance_precision\"",
        )? {
            "rotation" => {
                let ft = at(2, "a force type, e.g. \"land\"")?;
                if !s.parameters.rotation.contains_key(ft) {
                    let known: Vec<&str> =
                        s.parameters.rotation.keys().map(String::as_str).collect();
                    return Err(bad(path, ft, "force type in [parameters.rotation]", &known));
                }
                end(3, Target::Rotation(ft.to_string()))
            }
            "horizon_years" => end(2, Target::HorizonYears),
            "acceptance_precision" => end(2, Target::AcceptancePrecision),
            "air" => {
                let f = at(2, "a field of [parameters.air]")?;
                match field(AIR_FIELDS, f) {
                    Some(f) => end(3, Target::Air(f)),
                    None => Err(bad(path, f, "field of [parameters.air]", AIR_FIELDS)),
                }
            }
            "deterrence" => {
                let f = at(2, "a field of [parameters.deterrence]")?;
                let names: Vec<&str> = DETERRENCE_FIELDS.iter().map(|x| x.0).collect();
                match DETERRENCE_FIELDS.iter().find(|x| x.0 == f) {
                    Some((n, _)) => end(3, Target::Deterrence(n)),
                    None => Err(bad(path, f, "field of [parameters.deterrence]", &names)),
                }
            }
            other => Err(bad(
                path,
                other,
                "parameter",
                &[
                    "rotation",
                    "horizon_years",
                    "air",
                    "acceptance_precision",
                    "deterrence",
                ],
            )),
        },
        "actors" => {
            let id = at(1, "an actor id")?;
            let Some(ai) = s.actors.iter().position(|a| a.id == id) else {
                let known: Vec<&str> = s.actors.iter().map(|a| a.id.as_str()).collect();
                return Err(bad(path, id, "actor", &known));
            };
            let a = &s.actors[ai];
            match at(
                2,
                "\"reservation\", \"capability\", \"position\", \"salience\", \"inventory\" or \"red_lines\"",
            )? {
                "reservation" => end(3, Target::Reservation(ai)),
                "capability" => end(3, Target::ActorCapability(ai)),
                "position" | "salience" => {
                    let which = seg[2];
                    let d = at(3, "a dimension id")?;
                    let map = if which == "position" {
                        &a.position
                    } else {
                        &a.salience
                    };
                    if !map.contains_key(d) {
                        let known: Vec<&str> = map.keys().map(String::as_str).collect();
                        return Err(bad(
                            path,
                            d,
                            &format!("dimension in {}'s {which}", a.id),
                            &known,
                        ));
                    }
                    let t = if which == "position" {
                        Target::Position(ai, d.to_string())
                    } else {
                        Target::Salience(ai, d.to_string())
                    };
                    end(4, t)
                }
                "inventory" => {
                    let k = at(3, "a capability id")?;
                    if !a.inventory.contains_key(k) {
                        let known: Vec<&str> = a.inventory.keys().map(String::as_str).collect();
                        return Err(bad(
                            path,
                            k,
                            &format!("capability in {}'s inventory", a.id),
                            &known,
                        ));
                    }
                    let f = at(
                        4,
                        "\"count\", \"readiness\", \"deployable_share\" or \"cost_per_unit_year\"",
                    )?;
                    match field(INVENTORY_FIELDS, f) {
                        Some(f) => end(
                            5,
                            Target::Inventory {
                                actor: ai,
                                capability: k.to_string(),
                                field: f,
                            },
                        ),
                        None => Err(bad(path, f, "inventory field", INVENTORY_FIELDS)),
                    }
                }
                "red_lines" => {
                    let id = at(3, "a red-line id")?;
                    let Some(ri) = a.red_lines.iter().position(|r| r.id == id) else {
                        let known: Vec<&str> = a.red_lines.iter().map(|r| r.id.as_str()).collect();
                        return Err(bad(path, id, &format!("red line of {}", a.id), &known));
                    };
                    match at(4, "\"holds\"")? {
                        "holds" => end(
                            5,
                            Target::RedLineHolds {
                                actor: ai,
                                red_line: ri,
                            },
                        ),
                        other => Err(bad(path, other, "red-line field", &["holds"])),
                    }
                }
                other => Err(bad(path, other, "actor field", ACTOR_FIELDS)),
            }
        }
        "components" => {
            let id = at(1, "a component id")?;
            let Some(ci) = s.components.iter().position(|c| c.id == id) else {
                let known: Vec<&str> = s.components.iter().map(|c| c.id.as_str()).collect();
                return Err(bad(path, id, "component", &known));
            };
            let c = &s.components[ci];
            match at(2, "\"options\"")? {
                "options" => {}
                other => return Err(bad(path, other, "component field", &["options"])),
            }
            let oid = at(3, "an option id")?;
            let Some(oi) = c.options.iter().position(|o| o.id == oid) else {
                let known: Vec<&str> = c.options.iter().map(|o| o.id.as_str()).collect();
                return Err(bad(path, oid, &format!("option of {}", c.id), &known));
            };
            let o = &c.options[oi];
            match at(
                4,
                "\"deterrence\", \"cost_per_year\", \"one_off_cost\", \"levels\" or \"tasks\"",
            )? {
                "levels" => {
                    let d = at(5, "a dimension id")?;
                    if !o.levels.contains_key(d) {
                        let known: Vec<&str> = o.levels.keys().map(String::as_str).collect();
                        return Err(bad(
                            path,
                            d,
                            &format!("level set by option {}", o.id),
                            &known,
                        ));
                    }
                    end(
                        6,
                        Target::Level {
                            component: ci,
                            option: oi,
                            dimension: d.to_string(),
                        },
                    )
                }
                "tasks" => {
                    let tid = at(5, "a task id")?;
                    let Some(ti) = o.tasks.iter().position(|t| t.id == tid) else {
                        let known: Vec<&str> = o.tasks.iter().map(|t| t.id.as_str()).collect();
                        return Err(bad(path, tid, &format!("task of option {}", o.id), &known));
                    };
                    let fields = task_fields(&o.tasks[ti].rule);
                    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
                    let f = at(6, "a numeric parameter of the task's sizing rule")?;
                    match fields.iter().find(|(n, _)| *n == f) {
                        Some((n, _)) => end(
                            7,
                            Target::TaskField {
                                component: ci,
                                option: oi,
                                task: ti,
                                field: n,
                            },
                        ),
                        None => Err(bad(
                            path,
                            f,
                            &format!("parameter of rule {}", o.tasks[ti].rule.name()),
                            &names,
                        )),
                    }
                }
                f => match field(OPTION_FIELDS, f) {
                    Some(f) => end(
                        5,
                        Target::OptionField {
                            component: ci,
                            option: oi,
                            field: f,
                        },
                    ),
                    None => Err(bad(path, f, "option field", OPTION_FIELDS)),
                },
            }
        }
        "synergies" => {
            let id = at(1, "a synergy id")?;
            let Some(si) = s.synergies.iter().position(|x| x.id == id) else {
                let known: Vec<&str> = s.synergies.iter().map(|x| x.id.as_str()).collect();
                return Err(bad(path, id, "synergy", &known));
            };
            match at(2, "\"bonus\"")? {
                "bonus" => end(3, Target::SynergyBonus(si)),
                other => Err(bad(path, other, "synergy field", &["bonus"])),
            }
        }
        other => Err(bad(path, other, "section", ROOTS)),
    }
}

fn deterrence_value(d: &crate::deterrence::DeterrenceParameters, f: &str) -> f64 {
    match f {
        "breakthrough_ratio" => d.breakthrough_ratio,
        "decisiveness" => d.decisiveness,
        "attacker_personnel" => d.attacker_personnel,
        "defender_personnel" => d.defender_personnel,
        "commitment_weight" => d.commitment_weight,
        "us_weight" => d.us_weight,
        "tripwire_weight" => d.tripwire_weight,
        "tripwire_nations" => d.tripwire_nations,
        "half_distance_km" => d.half_distance_km,
        _ => d.default_distance_km,
    }
}

fn deterrence_slot<'a>(d: &'a mut crate::deterrence::DeterrenceParameters, f: &str) -> &'a mut f64 {
    match f {
        "breakthrough_ratio" => &mut d.breakthrough_ratio,
        "decisiveness" => &mut d.decisiveness,
        "attacker_personnel" => &mut d.attacker_personnel,
        "defender_personnel" => &mut d.defender_personnel,
        "commitment_weight" => &mut d.commitment_weight,
        "us_weight" => &mut d.us_weight,
        "tripwire_weight" => &mut d.tripwire_weight,
        "tripwire_nations" => &mut d.tripwire_nations,
        "half_distance_km" => &mut d.half_distance_km,
        _ => &mut d.default_distance_km,
    }
}

fn air_value(a: &AirParameters, f: &str) -> f64 {
    match f {
        "aircraft_per_station" => a.aircraft_per_station,
        "hours_per_day" => a.hours_per_day,
        "time_on_station_h" => a.time_on_station_h,
        "sorties_per_aircraft_day" => a.sorties_per_aircraft_day,
        "availability" => a.availability,
        "qra_aircraft" => a.qra_aircraft,
        "tanker_on_station_h" => a.tanker_on_station_h,
        _ => a.aew_on_station_h,
    }
}

fn air_slot<'a>(a: &'a mut AirParameters, f: &str) -> &'a mut f64 {
    match f {
        "aircraft_per_station" => &mut a.aircraft_per_station,
        "hours_per_day" => &mut a.hours_per_day,
        "time_on_station_h" => &mut a.time_on_station_h,
        "sorties_per_aircraft_day" => &mut a.sorties_per_aircraft_day,
        "availability" => &mut a.availability,
        "qra_aircraft" => &mut a.qra_aircraft,
        "tanker_on_station_h" => &mut a.tanker_on_station_h,
        _ => &mut a.aew_on_station_h,
    }
}

fn inventory_slot<'a>(it: &'a mut InventoryItem, f: &str) -> &'a mut f64 {
    match f {
        "count" => &mut it.count,
        "readiness" => &mut it.readiness,
        "deployable_share" => &mut it.deployable_share,
        _ => &mut it.cost_per_unit_year,
    }
}

fn option_slot<'a>(o: &'a mut OptionDef, f: &str) -> &'a mut f64 {
    match f {
        "deterrence" => &mut o.deterrence,
        "cost_per_year" => &mut o.cost_per_year,
        _ => &mut o.one_off_cost,
    }
}

impl Target {
    /// The values the parameter may take.
    pub fn domain(&self, s: &Scenario) -> Domain {
        match self {
            Target::Rotation(_) => Domain::AtLeastOne,
            Target::HorizonYears => Domain::Positive,
            Target::AcceptancePrecision => Domain::Unit,
            Target::Deterrence(f) => DETERRENCE_FIELDS
                .iter()
                .find(|x| x.0 == *f)
                .map_or(Domain::NonNegative, |x| x.1),
            Target::Air(f) => match *f {
                "hours_per_day" => Domain::Hours,
                "availability" => Domain::UnitPositive,
                "qra_aircraft" => Domain::NonNegative,
                _ => Domain::Positive,
            },
            Target::Reservation(_) | Target::Position(..) | Target::Salience(..) => Domain::Unit,
            Target::Level { .. } => Domain::Unit,
            Target::ActorCapability(_) => Domain::NonNegative,
            Target::Inventory { field, .. } => match *field {
                "readiness" | "deployable_share" => Domain::Unit,
                _ => Domain::NonNegative,
            },
            Target::RedLineHolds { .. } => Domain::Binary,
            Target::OptionField { field, .. } => match *field {
                "deterrence" => Domain::Finite,
                _ => Domain::NonNegative,
            },
            Target::TaskField {
                component,
                option,
                task,
                field,
            } => {
                let rule = &s.components[*component].options[*option].tasks[*task].rule;
                task_fields(rule)
                    .iter()
                    .find(|(n, _)| n == field)
                    .map_or(Domain::NonNegative, |(_, d)| *d)
            }
            Target::SynergyBonus(_) => Domain::Finite,
        }
    }

    /// The parameter's value in the scenario as written (1 for a red line that holds).
    pub fn value(&self, s: &Scenario) -> f64 {
        match self {
            Target::Rotation(ft) => s.rotation_ratio(ft),
            Target::HorizonYears => s.parameters.horizon_years,
            Target::AcceptancePrecision => s.parameters.acceptance_precision,
            Target::Air(f) => air_value(&s.parameters.air, f),
            Target::Deterrence(f) => deterrence_value(&s.parameters.deterrence, f),
            Target::Reservation(a) => s.actors[*a].reservation,
            Target::ActorCapability(a) => s.actors[*a].capability,
            Target::Position(a, d) => s.actors[*a].position[d],
            Target::Salience(a, d) => s.actors[*a].salience[d],
            Target::Inventory {
                actor,
                capability,
                field,
            } => {
                let it = &s.actors[*actor].inventory[capability];
                match *field {
                    "count" => it.count,
                    "readiness" => it.readiness,
                    "deployable_share" => it.deployable_share,
                    _ => it.cost_per_unit_year,
                }
            }
            Target::RedLineHolds { .. } => 1.0,
            Target::OptionField {
                component,
                option,
                field,
            } => {
                let o = &s.components[*component].options[*option];
                match *field {
                    "deterrence" => o.deterrence,
                    "cost_per_year" => o.cost_per_year,
                    _ => o.one_off_cost,
                }
            }
            Target::Level {
                component,
                option,
                dimension,
            } => s.components[*component].options[*option].levels[dimension],
            Target::TaskField {
                component,
                option,
                task,
                field,
            } => {
                let t = &s.components[*component].options[*option].tasks[*task];
                let v = t.rule.number(field);
                if v.is_nan() {
                    // Unset on the task: the [parameters.air] value of the same name.
                    air_value(&s.parameters.air, field)
                } else {
                    v
                }
            }
            Target::SynergyBonus(i) => s.synergies[*i].bonus,
        }
    }

    /// The red line this target switches, if any.
    pub fn red_line(&self) -> Option<(usize, usize)> {
        match self {
            Target::RedLineHolds { actor, red_line } => Some((*actor, *red_line)),
            _ => None,
        }
    }
}

/// Write `values[i]` into `targets[i]` of the scenario. A red line whose
/// `holds` value is below 0.5 is removed (it has relaxed in this draw); removals
/// happen after every value is written, so indices stay valid.
pub fn apply(s: &mut Scenario, targets: &[Target], values: &[f64]) {
    let mut relaxed: Vec<(usize, usize)> = Vec::new();
    for (t, &x) in targets.iter().zip(values) {
        match t {
            Target::Rotation(ft) => {
                s.parameters.rotation.insert(ft.clone(), x);
            }
            Target::HorizonYears => s.parameters.horizon_years = x,
            Target::AcceptancePrecision => s.parameters.acceptance_precision = x,
            Target::Air(f) => *air_slot(&mut s.parameters.air, f) = x,
            Target::Deterrence(f) => *deterrence_slot(&mut s.parameters.deterrence, f) = x,
            Target::Reservation(a) => s.actors[*a].reservation = x,
            Target::ActorCapability(a) => s.actors[*a].capability = x,
            Target::Position(a, d) => {
                s.actors[*a].position.insert(d.clone(), x);
            }
            Target::Salience(a, d) => {
                s.actors[*a].salience.insert(d.clone(), x);
            }
            Target::Inventory {
                actor,
                capability,
                field,
            } => {
                if let Some(it) = s.actors[*actor].inventory.get_mut(capability) {
                    *inventory_slot(it, field) = x;
                }
            }
            Target::RedLineHolds { actor, red_line } => {
                if x < 0.5 {
                    relaxed.push((*actor, *red_line));
                }
            }
            Target::OptionField {
                component,
                option,
                field,
            } => *option_slot(&mut s.components[*component].options[*option], field) = x,
            Target::Level {
                component,
                option,
                dimension,
            } => {
                s.components[*component].options[*option]
                    .levels
                    .insert(dimension.clone(), x);
            }
            Target::TaskField {
                component,
                option,
                task,
                field,
            } => {
                let t = &mut s.components[*component].options[*option].tasks[*task];
                if let Some(slot) = t.rule.number_mut(field) {
                    *slot = x;
                }
            }
            Target::SynergyBonus(i) => s.synergies[*i].bonus = x,
        }
    }
    // Remove from the back so earlier indices of the same actor stay valid.
    relaxed.sort_unstable();
    for (a, r) in relaxed.into_iter().rev() {
        s.actors[a].red_lines.remove(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Scenario;
    use crate::uncertainty::*;

    fn scenario() -> Scenario {
        crate::default_scenario()
    }

    #[test]
    fn paths_resolve_to_their_parameter_and_apply_writes_it() {
        let s = scenario();
        let paths = [
            ("parameters.rotation.land", 4.0),
            ("actors.de.inventory.gbad_long.readiness", 0.5),
            ("actors.ru.reservation", 0.7),
            ("components.air_cover.options.western_nfz.deterrence", 0.3),
            (
                "components.ground_force.options.reassurance_medium.tasks.land_component.personnel_per_place",
                5000.0,
            ),
            ("parameters.air.availability", 0.5),
            ("actors.us.position.us_role", 0.3),
        ];
        let targets: Vec<Target> = paths.iter().map(|(p, _)| resolve(&s, p).unwrap()).collect();
        let values: Vec<f64> = paths.iter().map(|(_, v)| *v).collect();
        let mut c = s.clone();
        apply(&mut c, &targets, &values);
        for (t, v) in targets.iter().zip(&values) {
            assert_eq!(t.value(&c), *v);
            assert_ne!(
                t.value(&s),
                *v,
                "the test values differ from the scenario's"
            );
        }
    }

    #[test]
    fn a_relaxed_red_line_is_removed_and_the_others_stay() {
        let s = scenario();
        let ru = s.actors.iter().position(|a| a.id == "ru").unwrap();
        let n = s.actors[ru].red_lines.len();
        let t1 = resolve(&s, "actors.ru.red_lines.no_nato_mission.holds").unwrap();
        let t2 = resolve(
            &s,
            "actors.ru.red_lines.no_foreign_air_policing_over_ukraine.holds",
        )
        .unwrap();
        let mut c = s.clone();
        apply(&mut c, &[t1.clone(), t2.clone()], &[0.0, 0.0]);
        assert_eq!(c.actors[ru].red_lines.len(), n - 2);
        let mut c = s.clone();
        apply(&mut c, &[t1, t2], &[1.0, 0.0]);
        let ids: Vec<&str> = c.actors[ru]
            .red_lines
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(ids.contains(&"no_nato_mission"));
        assert!(!ids.contains(&"no_foreign_air_policing_over_ukraine"));
    }

    #[test]
    fn a_typo_in_a_path_gets_a_did_you_mean() {
        let s = scenario();
        let e = resolve(&s, "actors.de.inventory.gbad_long.readines").unwrap_err();
        assert!(e.help.contains("did you mean \"readiness\""), "{e:?}");
        let e = resolve(&s, "actors.dee.reservation").unwrap_err();
        assert!(e.help.contains("did you mean \"de\""), "{e:?}");
        let e = resolve(&s, "parameters.rotation").unwrap_err();
        assert!(e.message.contains("incomplete"), "{e:?}");
    }

    #[test]
    fn names_are_made_from_paths() {
        let u = Uncertainty {
            path: "actors.de.inventory.gbad_long.readiness".into(),
            dist: Distribution::Uniform { min: 0.5, max: 0.8 },
            label: String::new(),
            source: String::new(),
            group: String::new(),
        };
        assert_eq!(display_name(&u), "de gbad_long readiness");
    }
}
