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

/// The default scenario without its threat rings: the Sky Shield geometry
/// of the calibration (stand-off from hostile territory only).
fn without_threat_rings() -> Scenario {
    let mut s = default_scenario();
    s.geography
        .zones
        .retain(|z| z.kind != guarantor_model::geography::ZoneKind::ThreatRing);
    s
}

#[test]
fn the_european_no_fly_zone_is_sized_from_the_sky_shield_geometry() {
    let s = without_threat_rings();
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
    let mut s = without_threat_rings();
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
    let mut s = without_threat_rings();
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
    assert_eq!(reqs.len(), 2, "batteries and interceptors a year");
    let r = &reqs[0];
    // The radius comes from the coverage table: PAC-3 MSE against
    // ballistic missiles, 40 km; no override.
    assert_eq!(d(r, "coverage_radius_km"), 40.0);
    assert_eq!(d(r, "coverage_radius_km_table"), 40.0);
    assert!(r.overrides.is_empty(), "{:?}", r.overrides);
    // Kyiv, Odesa, Lviv, Dnipro, Kharkiv are all more than 40 km apart.
    assert_eq!(d(r, "sites"), 5.0);
    assert_eq!(r.deployed, 10.0);
    assert_eq!(r.pool, 10.0, "transferred: no rotation");
    assert_eq!(r.geometry.as_ref().unwrap().air_defence.len(), 5);
    // Interceptors: 150 engagements a year × 2 = 300 a year, a requirement
    // in its own capability, never rotated.
    let i = &reqs[1];
    assert_eq!(i.capability, "pac3_mse_per_year");
    assert_eq!(i.deployed, 300.0);
    assert_eq!(i.pool, 300.0);
    assert_eq!(i.rotation_ratio, 1.0);
    assert_eq!(i.providers, ["us"]);
    assert_eq!(d(i, "interceptors_per_year"), 300.0);
    assert!((d(i, "share_of_production") - 300.0 / 620.0).abs() < 1e-12);
    assert!(
        i.working
            .contains("150 engagements a year × 2 interceptors per engagement = 300 a year"),
        "{}",
        i.working
    );
}

#[test]
fn the_samp_t_umbrella_takes_25_km_against_ballistic_missiles_from_the_table() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "air_defence", "european_systems");
    assert_eq!(
        reqs.len(),
        1,
        "no engagements declared: no interceptor line"
    );
    assert_eq!(d(&reqs[0], "coverage_radius_km"), 25.0);
    assert_eq!(reqs[0].deployed, 10.0);
    // Rotated as gbad (3:1).
    assert_eq!(reqs[0].pool, 30.0);
}

#[test]
fn a_hand_set_coverage_radius_overrides_the_table_and_says_so() {
    let mut s = default_scenario();
    if let SizingRule::AirDefenceUmbrella(u) = task_rule(&mut s, "air_defence", "us_systems") {
        // 200 km: Dnipro (48.46 N, 35.05 E) and Kharkiv (50.00 N, 36.25 E)
        // are 1.54° of latitude (171 km) and 1.2° of longitude at 49.2 N
        // (87 km) apart, ~192 km: one site covers both; Kyiv, Odesa and
        // Lviv are each 300+ km from every other place.
        u.coverage_radius_km = Some(200.0);
    }
    let reqs = option_requirements(&s, "air_defence", "us_systems");
    let r = &reqs[0];
    assert_eq!(d(r, "coverage_radius_km"), 200.0);
    assert_eq!(d(r, "coverage_radius_km_table"), 40.0);
    assert_eq!(d(r, "sites"), 4.0);
    assert_eq!(r.deployed, 8.0);
    assert_eq!(
        r.overrides,
        ["coverage_radius_km = 200 (override; the table gives 40 km)"]
    );
    assert!(r.working.contains("override; the table gives 40 km"));
    // A system the table does not list, with a hand-set radius: a label.
    if let SizingRule::AirDefenceUmbrella(u) = task_rule(&mut s, "air_defence", "us_systems") {
        u.system = "Skyranger".into();
    }
    let reqs = option_requirements(&s, "air_defence", "us_systems");
    assert_eq!(
        reqs[0].overrides,
        ["coverage_radius_km = 200 (override; not in the coverage table)"]
    );
    // Without the override an unknown system cannot be sized (the reader
    // refuses it with a located error; the engine never panics).
    if let SizingRule::AirDefenceUmbrella(u) = task_rule(&mut s, "air_defence", "us_systems") {
        u.coverage_radius_km = None;
    }
    let reqs = option_requirements(&s, "air_defence", "us_systems");
    assert!(
        reqs[0].providers[0].starts_with("cannot be sized: unknown air-defence system"),
        "{:?}",
        reqs[0].providers
    );
}

#[test]
fn an_umbrella_firing_more_interceptors_than_contributors_supply_is_infeasible() {
    let mut s = default_scenario();
    let chosen: BTreeMap<String, String> =
        [("air_defence".to_string(), "us_systems".to_string())].into();
    // The US supplies half of its 620 a year for Ukraine: 310 ≥ 150 × 2.
    let v = evaluate_package(&s, &chosen).unwrap();
    assert!(v.feasible, "{:?}", v.shortfalls);
    let line = v
        .allocation
        .iter()
        .find(|l| l.capability == "pac3_mse_per_year")
        .unwrap();
    assert_eq!((line.contributor.as_str(), line.units), ("us", 300.0));
    // At 40% of the output (620 × 0.4 = 248 a year) the umbrella is 52
    // short, and only the interceptor line is.
    let us = s.actors.iter_mut().find(|a| a.id == "us").unwrap();
    us.inventory
        .get_mut("pac3_mse_per_year")
        .unwrap()
        .deployable_share = 0.4;
    let v = evaluate_package(&s, &chosen).unwrap();
    assert!(!v.feasible);
    assert_eq!(v.shortfalls.len(), 1, "{:?}", v.shortfalls);
    let short = &v.shortfalls[0];
    assert_eq!(short.capability, "pac3_mse_per_year");
    assert_eq!(short.need, 300.0);
    assert_eq!(short.available, 248.0);
    assert_eq!(short.short, 52.0);
    assert!(short.text.contains("short by 52"), "{}", short.text);
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
    let s = without_threat_rings();
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

#[test]
fn stations_keep_the_stand_off_from_the_default_threat_rings_and_kyiv_is_left_uncovered() {
    use guarantor_geo::{LatLon, distance_km};
    use guarantor_model::geography::ZoneKind;
    let s = default_scenario();
    let rings: Vec<(LatLon, f64)> = s
        .geography
        .zones
        .iter()
        .filter(|z| z.kind == ZoneKind::ThreatRing)
        .map(|z| {
            let p = s.geography.place(z.centre.as_deref().unwrap()).unwrap();
            (LatLon::new(p.lat, p.lon).unwrap(), z.radius_km.unwrap())
        })
        .collect();
    assert_eq!(rings.len(), 3, "Crimea, Belgorod, Belarus");
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    let f = &reqs[0];
    let geo = f.geometry.as_ref().unwrap();
    // Every station keeps the ring's 250 km plus the task's 200 km.
    for st in &geo.stations {
        for (c, r) in &rings {
            assert!(distance_km(st.centre, *c) >= r + 200.0 - 1.0, "{st:?}");
        }
    }
    // Kyiv (50.45 N, 30.52 E) is ~222 km from the Gomel site (52.43 N,
    // 30.99 E: 1.98° of latitude = 220 km, 0.47° of longitude at 51.4 N =
    // 33 km); a station at least 450 km from Gomel is at least 450 − 222 =
    // 228 km from Kyiv, beyond its 200-km circle: Kyiv is not covered.
    let kyiv = LatLon::new(50.45, 30.52).unwrap();
    let gomel = LatLon::new(52.43, 30.99).unwrap();
    assert!((distance_km(kyiv, gomel) - 222.0).abs() < 3.0);
    assert!(
        geo.stations
            .iter()
            .all(|st| distance_km(st.centre, kyiv) > 200.0)
    );
    // The uncovered area is reported, in the derivation and as a warning;
    // fewer stations are flown than with the rings left out (7).
    let uncovered = d(f, "uncovered_area_km2");
    assert!(uncovered > 10_000.0, "{uncovered}");
    assert!(d(f, "stations") < 7.0);
    assert_eq!(f.warnings.len(), 1);
    assert!(
        f.warnings[0].contains(
            "stay uncovered: stations keep 200 km from hostile territory and threat rings"
        ),
        "{:?}",
        f.warnings
    );
    assert!(f.working.contains("— warning:"));
    // The map draws the rings and says so in its legend.
    let title = guarantor_engine::map_title(&s, &reqs);
    let svg = guarantor_engine::package_map(&s, &reqs, &title).unwrap();
    assert!(svg.contains("id=\"threat-rings\"><path"));
    assert!(svg.contains("Threat ring"));
    assert!(svg.contains("Not covered (stand-off)"));
}

#[test]
fn the_no_fly_zone_is_costed_by_the_flight_hour() {
    let s = default_scenario();
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    let f = &reqs[0];
    // Every sortie flown whole: sorties a day × 3.5 h × 365, at the F-16
    // class's USD 26,000 a flight hour.
    let hours = d(f, "sorties_per_day") * 3.5 * 365.0;
    assert!((d(f, "flight_hours_per_year") - hours).abs() < 1e-6);
    assert_eq!(d(f, "cost_per_flight_hour_usd"), 26_000.0);
    let cost = d(f, "flight_hour_cost_usd_m_per_year");
    assert!((cost - hours * 26_000.0 / 1e6).abs() < 1e-6);
    // 102.61 sorties a day with the threat rings: ~131,084 h, ~USD 3,408 m.
    assert!((hours - 131_084.0).abs() < 50.0, "{hours}");
    assert!(
        f.working.contains("USD 26000 per flight hour"),
        "{}",
        f.working
    );
    // No figure, no hourly cost.
    let mut s = s;
    s.geography.aircraft[0].cost_per_flight_hour_usd = 0.0;
    let reqs = option_requirements(&s, "air_cover", "western_nfz");
    assert!(!reqs[0].derivation.contains_key("flight_hours_per_year"));
}
