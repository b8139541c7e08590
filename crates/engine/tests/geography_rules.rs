//! The geographic sizing rules wired to the default scenario (issue #14):
//! `patrol_zone`, `air_defence_umbrella`, `monitor_line`, `garrison_places`,
//! their derivations, overrides, warnings, and a zone no base can reach.

use std::collections::BTreeMap;

use guarantor_engine::{NO_BASE_WITHIN_REACH, Requirement, evaluate_package, size_task};
use guarantor_model::{Scenario, SizingRule, default_scenario};

fn option_requirements(s: &Scenario, component: &str, option: &str) -> Vec<Requirement> {
    let c = s.components.iter().find(|c| c.id == component).unwrap();
    let o = c.options.iter().find(|o| o.id == option).unwrap();
    o.tasks
        .iter()
        .flat_map(|t| size_task(s, t, &format!("{component}.{option}.{}", t.id)))
        .collect()
}

fn task_rule<'s>(s: &'s mut Scenario, component: &str, option: &str) -> &'s mut SizingRule {
    let c = s.components.iter_mut().find(|c| c.id == component).unwrap();
    let o = c.options.iter_mut().find(|o| o.id == option).unwrap();
    &mut o.tasks[0].rule
}

fn d(r: &Requirement, key: &str) -> f64 {
    *r.derivation
        .get(key)
        .unwrap_or_else(|| panic!("{} has no `{key}` in {:?}", r.task, r.derivation))
}

#[test]
fn the_european_no_fly_zone_is_sized_from_the_sky_shield_geometry() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    let f = reqs.iter().find(|r| r.capability == "fighters").unwrap();
    // The calibration's covering: 7 stations, nothing uncovered.
    assert_eq!(d(f, "stations"), 7.0);
    assert!(d(f, "uncovered_area_km2") < 1.0);
    // By hand: sortie 2.5 + 1 h = 3.5 h; each station's time on station
    // 3.5 − 2 × transit ÷ 780; ready = Σ 2 × 24 ÷ tos ÷ 1.5 (1.5 sorties a
    // day caps 24 ÷ (3.5 + 3)); deployed = ⌈ready ÷ 0.6⌉ + 8 QRA.
    assert_eq!(d(f, "sortie_h"), 3.5);
    let tos = d(f, "time_on_station_h");
    let transit = d(f, "transit_km");
    assert!(
        (tos - (3.5 - 2.0 * transit / 780.0)).abs() < 0.15,
        "{tos} {transit}"
    );
    let ready = d(f, "ready_aircraft");
    assert!((ready - d(f, "sorties_per_day") / 1.5).abs() < 1e-9);
    assert_eq!(f.deployed, (ready / 0.6 - 1e-9).ceil() + 8.0);
    assert_eq!(d(f, "aircraft_deployed"), f.deployed);
    assert_eq!(f.pool, f.deployed * 3.0);
    assert!(f.overrides.is_empty());
    // Tankers from the fuel: sorties × 2.5 t ÷ (60 t × 24 h ÷ 8 h) a day.
    let t = reqs.iter().find(|r| r.capability == "tankers").unwrap();
    let fuel = d(t, "refuelling_fuel_t_per_day");
    assert!((fuel - d(f, "sorties_per_day") * 2.5).abs() < 1e-9);
    assert_eq!(d(t, "tanker_orbits"), (fuel / 180.0 - 1e-9).ceil());
    // The map geometry: stations and the bases they fly from.
    let geo = f.geometry.as_ref().unwrap();
    assert_eq!(geo.stations.len(), 7);
    assert!(!geo.bases.is_empty());
}

#[test]
fn a_hand_set_station_count_overrides_the_covering_and_says_so() {
    let mut s = default_scenario();
    let derived = option_requirements(&s, "air_cover", "western_nfz");
    let ready7 = d(&derived[0], "ready_aircraft");
    if let SizingRule::PatrolZone(r) = task_rule(&mut s, "air_cover", "western_nfz") {
        r.stations = Some(4.0);
    } else {
        panic!("western_nfz is a patrol_zone");
    }
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    let f = &reqs[0];
    assert_eq!(d(f, "stations"), 4.0);
    assert_eq!(d(f, "stations_covering"), 7.0);
    assert!((d(f, "ready_aircraft") - ready7 * 4.0 / 7.0).abs() < 1e-9);
    assert_eq!(f.overrides.len(), 1);
    assert!(f.overrides[0].contains("override"), "{:?}", f.overrides);
    assert!(
        f.working
            .contains("stations = 4 (override; the covering gives 7)")
    );
}

#[test]
fn a_zone_no_base_can_reach_is_a_shortfall_not_a_panic() {
    let mut s = default_scenario();
    // A 30-km combat radius: no station of western Ukraine is within reach
    // of a base in Poland or Romania.
    s.geography.aircraft[0].combat_radius_km = 30.0;
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    let unmet = reqs
        .iter()
        .find(|r| r.providers == [NO_BASE_WITHIN_REACH])
        .expect("a line no contributor can fill");
    assert_eq!(d(unmet, "unreachable_stations"), 7.0);
    assert!(unmet.deployed > 0.0);
    let chosen: BTreeMap<String, String> =
        [("air_cover".to_string(), "western_nfz".to_string())].into();
    let v = evaluate_package(&s, &chosen).unwrap();
    assert!(!v.feasible);
    let short = v
        .shortfalls
        .iter()
        .find(|x| x.capability == "fighters")
        .unwrap();
    assert!(
        short
            .lines
            .iter()
            .any(|l| l.providers == [NO_BASE_WITHIN_REACH]),
        "{short:?}"
    );
}

#[test]
fn the_patriot_umbrella_needs_five_sites_and_reports_interceptors_against_production() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "air_defence", "us_systems");
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    // Kyiv, Odesa, Lviv, Dnipro, Kharkiv are all more than 40 km apart.
    assert_eq!(d(r, "sites"), 5.0);
    assert_eq!(r.deployed, 10.0);
    assert_eq!(r.pool, 10.0, "transferred: no rotation");
    assert_eq!(d(r, "interceptors_per_year"), 300.0);
    assert!((d(r, "share_of_production") - 300.0 / 620.0).abs() < 1e-12);
    assert_eq!(r.geometry.as_ref().unwrap().air_defence.len(), 5);
}

#[test]
fn monitors_follow_the_measured_line_and_an_override_replaces_it() {
    let mut s = default_scenario();
    let reqs = option_requirements(&s, "monitoring", "ground_teams");
    let r = &reqs[0];
    let line = guarantor_engine::geography::line_polyline(&s.geography.lines[0]).unwrap();
    assert!((d(r, "line_km") - line.length_km()).abs() < 1e-9);
    assert!((r.deployed - 1.4 * line.length_km()).abs() < 1e-9);
    // ~1,069 km on the simplified polyline (Syrskyi: ~1,250 km).
    assert!((1_000.0..1_150.0).contains(&d(r, "line_km")));
    if let SizingRule::MonitorLine(m) = task_rule(&mut s, "monitoring", "ground_teams") {
        m.line_km = Some(500.0);
    }
    let reqs = option_requirements(&s, "monitoring", "ground_teams");
    assert!(
        (reqs[0].deployed - 700.0).abs() < 1e-9,
        "OSCE: 500 km × 1.4"
    );
    assert!(reqs[0].working.contains("override"));
}

#[test]
fn the_large_deterrence_force_is_warned_by_force_to_space() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "ground_force", "deterrence_large");
    let people = reqs
        .iter()
        .find(|r| r.capability == "ground_personnel")
        .unwrap();
    assert_eq!(people.deployed, 60_000.0);
    assert_eq!(d(people, "places"), 6.0);
    let brigades = reqs.iter().find(|r| r.capability == "brigades").unwrap();
    assert_eq!(brigades.deployed, 7.0);
    // ~1,069 km ÷ 20 km per brigade → 54 brigades; 7 fall short.
    assert_eq!(
        d(brigades, "brigades_for_sector"),
        (d(brigades, "sector_km").round() / 20.0 - 1e-9).ceil()
    );
    assert_eq!(brigades.warnings.len(), 1);
    assert!(brigades.warnings[0].contains("force-to-space asks for"));
    assert_eq!(
        brigades.geometry.as_ref().unwrap().garrisons.len(),
        6,
        "six garrisons on the map"
    );
}

#[test]
fn hand_set_rules_carry_their_numbers_too() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "ground_force", "reassurance_small");
    let r = reqs
        .iter()
        .find(|r| r.capability == "ground_personnel")
        .unwrap();
    assert_eq!(d(r, "personnel"), 10_000.0);
    assert_eq!(d(r, "rotation_ratio"), 3.0);
    assert_eq!(d(r, "pool"), 30_000.0);
}

#[test]
fn the_package_map_draws_what_the_tasks_derived() {
    let s = default_scenario();
    let mut reqs = option_requirements(&s, "air_cover", "western_nfz");
    reqs.extend(option_requirements(&s, "air_defence", "us_systems"));
    let title = guarantor_engine::map_title(&s, &reqs);
    assert_eq!(
        title,
        "The package on the map: European NFZ west · US batteries"
    );
    let svg = guarantor_engine::package_map(&s, &reqs, &title).unwrap();
    assert_eq!(svg.matches("class=\"station\"").count(), 7);
    assert!(svg.contains("Line of contact (2025)"));
    assert!(!svg.contains("<script"));
}
