//! The `[geography]` section: a valid one is read; each bad input gives a
//! located error with a hint, never a panic.

use guarantor_model::geography::ZoneKind;
use guarantor_model::{LocatedProblem, ProblemKind, load};

/// A small valid scenario without geography, to append to (the default
/// scenario has a `[geography]` of its own).
const BASE: &str = r#"[meta]
id = "small"
title = "Small test scenario"

[parameters]
required_acceptance = ["a", "b"]
[parameters.rotation]
land = 3.0

[[capabilities]]
id = "brigades"
name = "brigades"
force_type = "land"
ground = true

[[dimensions]]
id = "troops"
name = "Foreign troops"

[[actors]]
id = "a"
name = "Alpha"
reservation = 0.4
member_of = ["club"]
position = { troops = 1.0 }
salience = { troops = 1.0 }
[actors.inventory]
brigades = { count = 10, readiness = 0.5, deployable_share = 0.6 }

[[actors]]
id = "b"
name = "Beta"
reservation = 0.5
position = { troops = 0.0 }
salience = { troops = 1.0 }
[[actors.red_lines]]
id = "no_club_troops"
kind = "contribution"
ground = true
from_members_of = ["club"]
hardness = "stated"

[[components]]
id = "force"
name = "Force"
[[components.options]]
id = "none"
levels = { troops = 0.0 }
[[components.options]]
id = "one"
levels = { troops = 0.5 }
tasks = [{ id = "land", rule = "fixed_units", capability = "brigades", units = 1 }]
"#;

const GOOD: &str = r#"
[[geography.places]]
id = "kyiv"
name = "Kyiv"
kind = "city"
lat = 50.45
lon = 30.52
source = "[RECALLED] https://en.wikipedia.org/wiki/Kyiv"

[[geography.places]]
id = "rzeszow"
name = "Rzeszów-Jasionka"
kind = "air_base"
lat = 50.11
lon = 22.02
source = "[src] https://www.rzeszowairport.pl/en/airport/airport/infrastructure"

[[geography.zones]]
id = "west"
kind = "cover"
points = [[48.0, 24.0], [48.0, 30.0], [51.0, 30.0], [51.0, 24.0], [48.0, 24.0]]
source = "[EST]"

[[geography.zones]]
id = "ring"
kind = "threat_ring"
centre = "kyiv"
radius_km = 40
source = "[EST]"

[[geography.lines]]
id = "contact"
kind = "contact"
points = [[47.1, 37.75], [48.0, 37.8], [48.3, 38.05]]
source = "[EST]"

[[geography.bases]]
id = "rzeszow_base"
place = "rzeszow"
source = "[src]"

[[geography.aircraft]]
id = "f16"
name = "F-16C/D"
cruise_speed_kmh = 780
endurance_h = 2.5
combat_radius_km = 800
turnaround_h = 3.0
source = "[src] 2.5 h; [EST] 780 km/h"
"#;

fn with(extra: &str) -> String {
    format!("{BASE}\n{extra}")
}

fn problems(extra: &str) -> Vec<LocatedProblem> {
    let text = with(extra);
    match load("test.toml", &text) {
        Ok(_) => Vec::new(),
        Err(e) => e.located(),
    }
}

/// Line (1-based) of the first occurrence of `needle` in the appended text.
fn line_of(extra: &str, needle: &str) -> usize {
    let base = BASE.lines().count() + 1;
    base + extra
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in the extra text")
        + 1
}

#[test]
fn a_valid_geography_is_read() {
    let s = load("test.toml", &with(GOOD)).unwrap();
    let g = &s.geography;
    assert_eq!(g.places.len(), 2);
    assert_eq!(g.place("kyiv").unwrap().lat, 50.45);
    assert_eq!(g.zones[0].points.len(), 5);
    assert_eq!(g.zones[1].kind, ZoneKind::ThreatRing);
    assert_eq!(g.zones[1].radius_km, Some(40.0));
    assert_eq!(g.lines[0].points[2], [48.3, 38.05]);
    assert_eq!(g.bases[0].place, "rzeszow");
    assert_eq!(g.aircraft_type("f16").unwrap().endurance_h, 2.5);
}

#[test]
fn a_latitude_out_of_range_is_located_with_a_hint() {
    let extra = GOOD.replace("lat = 50.45", "lat = 150.45");
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, ProblemKind::OutOfRange);
    assert_eq!(p[0].line, line_of(&extra, "lat = 150.45"));
    assert!(
        p[0].message.contains("geography.places[0].lat"),
        "{}",
        p[0].message
    );
    assert!(p[0].help.as_deref().unwrap().contains("swapped"));
}

#[test]
fn a_point_out_of_range_is_located_at_the_point() {
    let extra = GOOD.replace("[51.0, 30.0]", "[51.0, 230.0]");
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, ProblemKind::OutOfRange);
    assert!(
        p[0].message.contains("geography.zones[0].points[2]"),
        "{}",
        p[0].message
    );
}

#[test]
fn an_open_polygon_names_the_point_to_repeat() {
    let extra = GOOD.replace(", [48.0, 24.0]]", "]");
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, ProblemKind::Inconsistent);
    assert!(p[0].message.contains("not closed"), "{}", p[0].message);
    assert_eq!(
        p[0].help.as_deref(),
        Some("repeat the first point at the end: `[48, 24]`")
    );
}

#[test]
fn a_self_intersecting_polygon_names_its_edges() {
    // A bow tie: edges 0 and 2 cross.
    let extra = GOOD.replace(
        "[[48.0, 24.0], [48.0, 30.0], [51.0, 30.0], [51.0, 24.0], [48.0, 24.0]]",
        "[[48.0, 24.0], [51.0, 30.0], [51.0, 24.0], [48.0, 30.0], [48.0, 24.0]]",
    );
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].message.contains("intersects itself"),
        "{}",
        p[0].message
    );
    assert!(p[0].message.contains("point 0") && p[0].message.contains("point 2"));
}

#[test]
fn zero_speed_and_endurance_are_out_of_range() {
    let extra = GOOD
        .replace("cruise_speed_kmh = 780", "cruise_speed_kmh = 0")
        .replace("endurance_h = 2.5", "endurance_h = 0");
    let p = problems(&extra);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p.iter().all(|x| x.kind == ProblemKind::OutOfRange));
    assert_eq!(p[0].line, line_of(&extra, "cruise_speed_kmh = 0"));
}

#[test]
fn unknown_place_and_kind_get_did_you_mean() {
    let extra = GOOD
        .replace("place = \"rzeszow\"", "place = \"rzeszuw\"")
        .replace("kind = \"nuclear_plant\"", "")
        .replace("kind = \"city\"", "kind = \"cty\"");
    let p = problems(&extra);
    assert_eq!(p.len(), 2, "{p:#?}");
    let kind = p
        .iter()
        .find(|x| x.kind == ProblemKind::UnknownValue)
        .unwrap();
    assert!(
        kind.help
            .as_deref()
            .unwrap()
            .contains("did you mean \"city\"")
    );
    let place = p
        .iter()
        .find(|x| x.kind == ProblemKind::UnknownReference)
        .unwrap();
    assert!(
        place
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean \"rzeszow\"")
    );
}

#[test]
fn a_zone_needs_exactly_one_shape() {
    let both = GOOD.replace(
        "radius_km = 40",
        "radius_km = 40\npoints = [[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [1.0, 1.0]]",
    );
    let p = problems(&both);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].message.contains("both"));
    let none = GOOD.replace("centre = \"kyiv\"\nradius_km = 40\n", "");
    let p = problems(&none);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, ProblemKind::MissingKey);
}

#[test]
fn a_line_of_one_point_is_refused() {
    let extra = GOOD.replace(
        "[[47.1, 37.75], [48.0, 37.8], [48.3, 38.05]]",
        "[[47.1, 37.75]]",
    );
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].message.contains("at least 2"));
}

#[test]
fn duplicate_place_ids_are_reported() {
    let extra = GOOD
        .replace("id = \"rzeszow\"\n", "id = \"kyiv\"\n")
        .replace("place = \"rzeszow\"", "place = \"kyiv\"");
    let p = problems(&extra);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, ProblemKind::Duplicate);
}
