//! Sizing rules: tasks → requirements in capability units.
//!
//! Every formula is one small pure function named after the concept, with its
//! unit and source; docs/model.md explains each with a worked example.

mod geo_rules;
mod map;
pub use map::{map_title, options_map, package_map};
pub mod geography;
pub use geo_rules::{NO_BASE_WITHIN_REACH, TaskGeometry};

use guarantor_model::number::fmt;
use guarantor_model::{AirParameters, Scenario, SizingRule, Task};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tolerance before rounding up, so that 48.000000001 does not become 49.
const ROUND_EPS: f64 = 1e-9;

/// Round up to whole units, ignoring floating-point noise.
///
/// ```
/// use guarantor_engine::whole_units;
/// assert_eq!(whole_units(53.33), 54.0);
/// assert_eq!(whole_units(48.000000000001), 48.0);
/// ```
pub fn whole_units(x: f64) -> f64 {
    (x - ROUND_EPS).ceil().max(0.0)
}

/// Rotation pool: units a force needs in its pool to keep `deployed` units
/// deployed continuously, at `rotation_ratio` pool units per deployed unit
/// (rule of thirds = 3: one deployed, one preparing, one recovering).
///
/// Unit: the capability's unit (personnel, aircraft, batteries). Worked
/// example: 25,000 personnel deployed at 3:1 → 75,000 in the pool.
///
/// ```
/// use guarantor_engine::rotation_pool;
/// assert_eq!(rotation_pool(25_000.0, 3.0), 75_000.0);
/// ```
pub fn rotation_pool(deployed: f64, rotation_ratio: f64) -> f64 {
    deployed * rotation_ratio
}

/// Combat air patrol sorties per day: stations × aircraft per station × hours
/// of coverage ÷ time on station per sortie (S·a·H/T).
///
/// Unit: sorties a day. Worked example: 4 stations, two-ship, 24 h, 4 h on
/// station → 48 sorties a day.
///
/// ```
/// use guarantor_engine::cap_sorties_per_day;
/// assert_eq!(cap_sorties_per_day(4.0, 2.0, 24.0, 4.0), 48.0);
/// ```
pub fn cap_sorties_per_day(
    stations: f64,
    aircraft_per_station: f64,
    hours_per_day: f64,
    time_on_station_h: f64,
) -> f64 {
    stations * aircraft_per_station * hours_per_day / time_on_station_h
}

/// Fighters deployed to fly a CAP: sorties a day ÷ sustained sorties per
/// aircraft a day ÷ availability, rounded up, plus quick-reaction alert.
///
/// Unit: aircraft deployed. Worked example: 48 sorties ÷ 1.5 ÷ 0.6 = 53.3 →
/// 54, + 8 QRA = 62 aircraft.
///
/// ```
/// use guarantor_engine::cap_fighters_deployed;
/// assert_eq!(cap_fighters_deployed(48.0, 1.5, 0.6, 8.0), 62.0);
/// ```
pub fn cap_fighters_deployed(
    sorties_per_day: f64,
    sorties_per_aircraft_day: f64,
    availability: f64,
    qra_aircraft: f64,
) -> f64 {
    whole_units(sorties_per_day / sorties_per_aircraft_day / availability)
        + whole_units(qra_aircraft)
}

/// Support aircraft (tanker, airborne early warning, ISR) deployed to hold
/// `orbits` orbits for `hours_per_day`: each orbit needs ⌈H ÷ T_orbit⌉ sorties
/// in the air in turn, divided by availability; the total is rounded up.
///
/// Example: 2 tanker orbits, 24 h, 8 h on station, availability 0.6 →
/// 2 × 3 ÷ 0.6 = 10 tankers.
///
/// ```
/// use guarantor_engine::orbit_aircraft_deployed;
/// assert_eq!(orbit_aircraft_deployed(2.0, 24.0, 8.0, 0.6), 10.0);
/// ```
pub fn orbit_aircraft_deployed(
    orbits: f64,
    hours_per_day: f64,
    on_station_h: f64,
    availability: f64,
) -> f64 {
    whole_units(orbits * whole_units(hours_per_day / on_station_h) / availability)
}

/// Air policing: fighters deployed to keep `on_duty` aircraft on duty at a
/// given availability. Unit: aircraft deployed. Calibration: CSIS "safe
/// skies", 24 on duty at 50% readiness → 48 deployed.
///
/// ```
/// use guarantor_engine::air_policing_aircraft_deployed;
/// assert_eq!(air_policing_aircraft_deployed(24.0, 0.5), 48.0);
/// ```
pub fn air_policing_aircraft_deployed(on_duty: f64, availability: f64) -> f64 {
    whole_units(on_duty / availability)
}

/// Point air defence: protected sites × batteries per site, rounded up.
/// Unit: batteries deployed. Worked example: 5 sites × 2 batteries = 10.
///
/// ```
/// use guarantor_engine::point_air_defence_batteries;
/// assert_eq!(point_air_defence_batteries(5.0, 2.0), 10.0);
/// ```
pub fn point_air_defence_batteries(sites: f64, batteries_per_site: f64) -> f64 {
    whole_units(sites * batteries_per_site)
}

/// Ceasefire monitors: km of line × monitors per km
/// (OSCE SMM: ~700 monitors for ~500 km of contact line ≈ 1.4 per km).
/// Unit: monitors (persons) deployed.
///
/// ```
/// use guarantor_engine::monitors_needed;
/// assert!((monitors_needed(500.0, 1.4) - 700.0).abs() < 1e-9);
/// ```
pub fn monitors_needed(line_km: f64, monitors_per_km: f64) -> f64 {
    line_km * monitors_per_km
}

/// Garrisons: personnel held at named sites (hubs, bases, headquarters) ×
/// sites, in persons deployed. A German brigade garrisoned in Lithuania
/// counts about 4,800 troops (defencereview.gr, 2023), so two such hubs:
///
/// ```
/// use guarantor_engine::garrison_personnel;
/// assert_eq!(garrison_personnel(2.0, 4_800.0), 9_600.0);
/// ```
///
/// At a 3:1 land rotation the pool is 28,800 ([`rotation_pool`]).
pub fn garrison_personnel(sites: f64, personnel_per_site: f64) -> f64 {
    sites * personnel_per_site
}

/// The named numbers of a requirement's arithmetic, shared (not copied) by
/// every package verdict that carries the requirement; serialises as a map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Derivation(Arc<BTreeMap<String, f64>>);

impl Derivation {
    pub fn new(map: BTreeMap<String, f64>) -> Self {
        Derivation(Arc::new(map))
    }
}

impl std::ops::Deref for Derivation {
    type Target = BTreeMap<String, f64>;
    fn deref(&self) -> &BTreeMap<String, f64> {
        &self.0
    }
}

impl Serialize for Derivation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// One requirement of one task, in one capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub capability: String,
    /// Units deployed (or delivered) at any time.
    pub deployed: f64,
    /// Units the contributors must hold in the pool: deployed × rotation ratio.
    pub pool: f64,
    /// Rotation ratio applied (1 for transfers and materiel).
    pub rotation_ratio: f64,
    /// Only these contributors may supply it (empty: anyone).
    pub providers: Vec<String>,
    pub in_theatre: bool,
    /// `component.option.task` that needs it.
    pub task: String,
    /// The arithmetic, in words, for explanations.
    pub working: String,
    /// The named numbers of the arithmetic (`explain --json`): the rule's
    /// own numbers, what a geographic rule derives, `deployed`, `pool` and
    /// `rotation_ratio`.
    pub derivation: Derivation,
    /// Hand-set numbers that replaced derived ones, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// Warnings (e.g. a force below a sector's force-to-space).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// What the task puts on a map (geographic rules only); shared by the
    /// task's requirements.
    #[serde(skip)]
    pub geometry: Option<Arc<TaskGeometry>>,
    /// Cost basis: the incremental flight-hour cost of the whole pool, in
    /// the scenario's currency a year (USD million), when the line is a
    /// patrol flown by an aircraft type with a cost per flight hour; the
    /// package then costs the line by the hours flown instead of allocated
    /// units × cost per unit-year ([`flight_hour_line_cost`]). None: the
    /// line is costed by the unit-year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flight_hour_cost_per_year: Option<f64>,
}

/// Incremental cost of a patrol line costed by the flight hour, in the
/// scenario's currency a year (USD million): the patrol's flight-hour cost
/// F × the share of the line's pool allocated, min(1, allocated ÷ pool).
/// It **replaces** allocated units × cost per unit-year for the line: the
/// aircraft and their crews exist whether or not they patrol, so the
/// guarantee's incremental cost is the hours it makes them fly. Source:
/// the US DoD Financial Management Regulation (DoD 7000.14-R), vol. 12,
/// ch. 23, costs contingency operations as *incremental* costs, those that
/// would not be incurred without the operation — flying hours above the
/// normal training programme, not the standing force's pay and upkeep
/// `[RECALLED]`. A line short of aircraft flies, and costs, only the share
/// filled.
///
/// Unit: USD million a year. Example: a no-fly zone of 131,084 flight hours
/// a year at USD 26,000 costs F = USD 3,408.2 m a year; 186 fighters in
/// the pool, all allocated → 3,408.2; 93 allocated (half the pool short)
/// → 1,704.1.
///
/// ```
/// use guarantor_engine::flight_hour_line_cost;
/// assert_eq!(flight_hour_line_cost(3_408.2, 186.0, 186.0), 3_408.2);
/// assert_eq!(flight_hour_line_cost(3_408.2, 186.0, 93.0), 1_704.1);
/// // More than the pool (whole units over a fractional pool): still F.
/// assert_eq!(flight_hour_line_cost(100.0, 2.5, 3.0), 100.0);
/// ```
pub fn flight_hour_line_cost(flight_hour_cost_per_year: f64, pool: f64, allocated: f64) -> f64 {
    if pool <= 0.0 || allocated <= 0.0 {
        return 0.0;
    }
    if allocated >= pool {
        flight_hour_cost_per_year
    } else {
        flight_hour_cost_per_year * (allocated / pool)
    }
}

/// Size one task into requirements.
pub fn size_task(s: &Scenario, task: &Task, label: &str) -> Vec<Requirement> {
    let air = &s.parameters.air;
    let mut out = Vec::new();
    // The rule's own numbers (those set), for every requirement's derivation.
    let own: BTreeMap<String, f64> = guarantor_model::rules::rule_spec(task.rule.name())
        .into_iter()
        .flat_map(|spec| spec.numbers())
        .filter_map(|(k, _)| {
            let v = task.rule.number(k);
            (!v.is_nan()).then(|| (k.to_string(), v))
        })
        .collect();
    if let Some(g) = geo_rules::size_geographic(s, task, label) {
        for l in g.lines {
            let Some(cap) = s.capability(&l.capability) else {
                continue;
            };
            let ratio = if l.rotate {
                s.rotation_ratio(&cap.force_type)
            } else {
                1.0
            };
            let deployed = if cap.integer {
                whole_units(l.deployed)
            } else {
                l.deployed
            };
            let pool = rotation_pool(deployed, ratio);
            let pool = if cap.integer { whole_units(pool) } else { pool };
            if pool <= 0.0 {
                continue;
            }
            let mut derivation = own.clone();
            derivation.extend(l.derivation.iter().map(|(k, v)| (k.to_string(), *v)));
            derivation.insert("deployed".into(), deployed);
            derivation.insert("rotation_ratio".into(), ratio);
            derivation.insert("pool".into(), pool);
            out.push(Requirement {
                capability: l.capability,
                deployed,
                pool,
                rotation_ratio: ratio,
                providers: l.providers.unwrap_or_else(|| task.providers.clone()),
                in_theatre: task.in_theatre,
                task: label.to_string(),
                working: format!(
                    "{}; pool = {} × {} = {}",
                    l.working,
                    fmt(deployed),
                    fmt(ratio),
                    fmt(pool)
                ),
                derivation: Derivation::new(derivation),
                overrides: l.overrides,
                warnings: l.warnings,
                geometry: Some(g.geometry.clone()),
                flight_hour_cost_per_year: l.flight_hour_cost_per_year,
            });
        }
        return out;
    }
    let mut push = |capability: &str, deployed: f64, rotate: bool, working: String| {
        let Some(cap) = s.capability(capability) else {
            return;
        };
        let ratio = if rotate {
            s.rotation_ratio(&cap.force_type)
        } else {
            1.0
        };
        let deployed = if cap.integer {
            whole_units(deployed)
        } else {
            deployed
        };
        let pool = rotation_pool(deployed, ratio);
        let pool = if cap.integer { whole_units(pool) } else { pool };
        if pool <= 0.0 {
            return;
        }
        out.push(Requirement {
            capability: capability.to_string(),
            deployed,
            pool,
            rotation_ratio: ratio,
            providers: task.providers.clone(),
            in_theatre: task.in_theatre,
            task: label.to_string(),
            working: format!(
                "{working}; pool = {} × {} = {}",
                fmt(deployed),
                fmt(ratio),
                fmt(pool)
            ),
            derivation: {
                let mut d = own.clone();
                d.insert("deployed".into(), deployed);
                d.insert("rotation_ratio".into(), ratio);
                d.insert("pool".into(), pool);
                Derivation::new(d)
            },
            overrides: Vec::new(),
            warnings: Vec::new(),
            geometry: None,
            flight_hour_cost_per_year: None,
        });
    };
    match &task.rule {
        SizingRule::StandingGroundForce {
            personnel,
            units,
            personnel_capability,
            unit_capability,
        } => {
            push(
                personnel_capability,
                *personnel,
                true,
                format!(
                    "standing ground force: {} personnel deployed",
                    fmt(*personnel)
                ),
            );
            if *units > 0.0 {
                push(
                    unit_capability,
                    *units,
                    true,
                    format!("standing ground force: {} units deployed", fmt(*units)),
                );
            }
        }
        SizingRule::CombatAirPatrol {
            stations,
            tanker_orbits,
            aew_orbits,
            overrides,
            fighter_capability,
            tanker_capability,
            aew_capability,
        } => {
            let p = CapGeometry::resolve(air, overrides);
            let sorties = cap_sorties_per_day(
                *stations,
                p.aircraft_per_station,
                p.hours_per_day,
                p.time_on_station_h,
            );
            let fighters = cap_fighters_deployed(
                sorties,
                p.sorties_per_aircraft_day,
                p.availability,
                p.qra_aircraft,
            );
            push(
                fighter_capability,
                fighters,
                true,
                format!(
                    "CAP: {} stations × {} aircraft × {} h ÷ {} h on station = {} sorties/day; ÷ {} sorties/aircraft/day ÷ {} availability, rounded up, + {} QRA = {} deployed",
                    fmt(*stations),
                    fmt(p.aircraft_per_station),
                    fmt(p.hours_per_day),
                    fmt(p.time_on_station_h),
                    fmt(sorties),
                    fmt(p.sorties_per_aircraft_day),
                    fmt(p.availability),
                    fmt(p.qra_aircraft),
                    fmt(fighters)
                ),
            );
            for (orbits, on_station, cap) in [
                (*tanker_orbits, air.tanker_on_station_h, tanker_capability),
                (*aew_orbits, air.aew_on_station_h, aew_capability),
            ] {
                if orbits > 0.0 {
                    let n = orbit_aircraft_deployed(
                        orbits,
                        p.hours_per_day,
                        on_station,
                        p.availability,
                    );
                    push(
                        cap,
                        n,
                        true,
                        orbit_working(orbits, p.hours_per_day, on_station, p.availability, n),
                    );
                }
            }
        }
        SizingRule::AirPolicing {
            aircraft_on_duty,
            availability,
            fighter_capability,
        } => {
            let a = availability.unwrap_or(air.availability);
            let n = air_policing_aircraft_deployed(*aircraft_on_duty, a);
            push(
                fighter_capability,
                n,
                true,
                format!(
                    "air policing: {} on duty ÷ {} availability = {} deployed",
                    fmt(*aircraft_on_duty),
                    fmt(a),
                    fmt(n)
                ),
            );
        }
        SizingRule::Orbit {
            capability,
            orbits,
            on_station_h,
            availability,
        } => {
            let a = availability.unwrap_or(air.availability);
            let n = orbit_aircraft_deployed(*orbits, air.hours_per_day, *on_station_h, a);
            push(
                capability,
                n,
                true,
                orbit_working(*orbits, air.hours_per_day, *on_station_h, a, n),
            );
        }
        SizingRule::PointAirDefence {
            sites,
            batteries_per_site,
            capability,
            transfer,
        } => {
            let n = point_air_defence_batteries(*sites, *batteries_per_site);
            let how = if *transfer {
                " (transferred: no rotation)"
            } else {
                ""
            };
            push(
                capability,
                n,
                !transfer,
                format!(
                    "point air defence: {} sites × {} batteries = {}{how}",
                    fmt(*sites),
                    fmt(*batteries_per_site),
                    fmt(n)
                ),
            );
        }
        SizingRule::Monitoring {
            line_km,
            monitors_per_km,
            capability,
        } => {
            let n = monitors_needed(*line_km, *monitors_per_km);
            push(
                capability,
                n,
                true,
                format!(
                    "monitoring: {} km × {} per km = {} monitors",
                    fmt(*line_km),
                    fmt(*monitors_per_km),
                    fmt(n)
                ),
            );
        }
        SizingRule::Garrison {
            sites,
            personnel_per_site,
            capability,
        } => {
            let n = garrison_personnel(*sites, *personnel_per_site);
            push(
                capability,
                n,
                true,
                format!(
                    "garrison: {} sites × {} personnel = {} deployed",
                    fmt(*sites),
                    fmt(*personnel_per_site),
                    fmt(n)
                ),
            );
        }
        SizingRule::MaterielSupply {
            value_per_year,
            capability,
        } => {
            push(
                capability,
                *value_per_year,
                false,
                format!(
                    "materiel supply: {} a year (no rotation)",
                    fmt(*value_per_year)
                ),
            );
        }
        SizingRule::FixedUnits { capability, units } => {
            push(
                capability,
                *units,
                true,
                format!("{} units deployed", fmt(*units)),
            );
        }
        SizingRule::PatrolZone(_)
        | SizingRule::AirDefenceUmbrella(_)
        | SizingRule::MonitorLine(_)
        | SizingRule::GarrisonPlaces(_) => unreachable!("sized by geo_rules above"),
    }
    out
}

fn orbit_working(orbits: f64, hours: f64, on_station: f64, availability: f64, n: f64) -> String {
    format!(
        "orbits: {} × ⌈{} h ÷ {} h⌉ ÷ {} availability, rounded up = {} deployed",
        fmt(orbits),
        fmt(hours),
        fmt(on_station),
        fmt(availability),
        fmt(n)
    )
}

/// CAP geometry after applying a task's overrides to the scenario defaults.
struct CapGeometry {
    aircraft_per_station: f64,
    hours_per_day: f64,
    time_on_station_h: f64,
    sorties_per_aircraft_day: f64,
    availability: f64,
    qra_aircraft: f64,
}

impl CapGeometry {
    fn resolve(d: &AirParameters, o: &guarantor_model::AirOverrides) -> Self {
        CapGeometry {
            aircraft_per_station: o.aircraft_per_station.unwrap_or(d.aircraft_per_station),
            hours_per_day: o.hours_per_day.unwrap_or(d.hours_per_day),
            time_on_station_h: o.time_on_station_h.unwrap_or(d.time_on_station_h),
            sorties_per_aircraft_day: o
                .sorties_per_aircraft_day
                .unwrap_or(d.sorties_per_aircraft_day),
            availability: o.availability.unwrap_or(d.availability),
            qra_aircraft: o.qra_aircraft.unwrap_or(d.qra_aircraft),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_of_thirds_triples_the_deployed_force() {
        assert_eq!(rotation_pool(25_000.0, 3.0), 75_000.0);
    }

    #[test]
    fn csis_safe_skies_24_on_duty_at_half_readiness_needs_48() {
        assert_eq!(air_policing_aircraft_deployed(24.0, 0.5), 48.0);
    }

    #[test]
    fn four_cap_stations_need_48_sorties_and_62_fighters_with_qra() {
        let sorties = cap_sorties_per_day(4.0, 2.0, 24.0, 4.0);
        assert_eq!(sorties, 48.0);
        // 48 / 1.5 / 0.6 = 53.33 → 54, + 8 QRA.
        assert_eq!(cap_fighters_deployed(sorties, 1.5, 0.6, 8.0), 62.0);
        assert_eq!(whole_units(rotation_pool(62.0, 3.0)), 186.0);
    }

    #[test]
    fn two_tanker_orbits_of_eight_hours_need_ten_tankers_at_60_percent() {
        assert_eq!(orbit_aircraft_deployed(2.0, 24.0, 8.0, 0.6), 10.0);
        assert_eq!(orbit_aircraft_deployed(1.0, 24.0, 8.0, 0.6), 5.0);
    }

    #[test]
    fn two_brigade_hubs_garrison_9600_and_rotate_on_land() {
        let s = guarantor_model::default_scenario();
        let task = guarantor_model::Task {
            id: "hubs".into(),
            rule: SizingRule::Garrison {
                sites: 2.0,
                personnel_per_site: 4_800.0,
                capability: "ground_personnel".into(),
            },
            providers: Vec::new(),
            in_theatre: true,
        };
        let reqs = size_task(&s, &task, "ground.hubs");
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!(r.capability, "ground_personnel");
        assert_eq!(r.deployed, 9_600.0);
        let land = s.rotation_ratio("land");
        assert_eq!(r.pool, 9_600.0 * land);
        assert!(
            r.working
                .contains("2 sites × 4800 personnel = 9600 deployed"),
            "{}",
            r.working
        );
    }

    #[test]
    fn osce_smm_density_gives_700_monitors_for_500_km() {
        assert!((monitors_needed(500.0, 1.4) - 700.0).abs() < 1e-9);
    }

    #[test]
    fn whole_units_ignores_float_noise() {
        assert_eq!(whole_units(48.000000000001), 48.0);
        assert_eq!(whole_units(48.01), 49.0);
        assert_eq!(point_air_defence_batteries(5.0, 2.0), 10.0);
    }

    #[test]
    fn numbers_print_as_people_write_them() {
        assert_eq!(fmt(3.0), "3");
        assert_eq!(fmt(0.6), "0.6");
        assert_eq!(fmt(53.333), "53.33");
    }
}
