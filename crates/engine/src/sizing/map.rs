//! A package drawn on a map: the scenario's `[geography]` (zones, lines,
//! threat rings, places) and what the package's geographic tasks derived
//! (patrol stations with their circles, the bases they fly from, the area
//! left uncovered, air-defence sites with their coverage, garrisons), on the
//! embedded basemap. The SVG comes from [`guarantor_geo::svg::render`]:
//! no script, no network.

use guarantor_geo::basemap::Basemap;
use guarantor_geo::svg::{LineKind, Map, MapCircle, MapLine, MapPoint, MapZone, ZoneKind, render};
use guarantor_geo::{Circle, LatLon};
use guarantor_model::Scenario;
use guarantor_model::geography::{LineKind as ModelLine, ZoneKind as ModelZone};

use super::Requirement;
use super::geography::{line_polyline, place_point, zone_polygon};

/// Margin around the scenario's geography, degrees.
const FRAME_MARGIN_DEG: f64 = 0.8;

/// The map of a package as a standalone SVG document, or `None` when the
/// scenario has no `[geography]`.
///
/// `requirements` are the package's (a verdict's `requirements`); the
/// geometry of each geographic task is drawn once.
pub fn package_map(s: &Scenario, requirements: &[Requirement], title: &str) -> Option<String> {
    let g = &s.geography;
    if g.is_empty() {
        return None;
    }
    let basemap = Basemap::ukraine().ok();
    let mut map = Map {
        title: title.to_string(),
        basemap: basemap.as_ref(),
        ..Map::default()
    };
    let mut extent: Vec<LatLon> = Vec::new();
    // Areas to cover are drawn when one of the package's tasks covers them.
    let covered: Vec<&str> = requirements
        .iter()
        .filter_map(|r| r.geometry.as_deref())
        .flat_map(|geo| geo.zones.iter().map(String::as_str))
        .collect();
    for z in &g.zones {
        if z.kind == ModelZone::Cover && !covered.contains(&z.id.as_str()) {
            continue;
        }
        let Ok(poly) = zone_polygon(z, g) else {
            continue;
        };
        let name = if z.name.is_empty() { &z.id } else { &z.name };
        let kind = match z.kind {
            ModelZone::Cover => ZoneKind::Cover,
            ModelZone::Buffer => ZoneKind::Buffer,
            ModelZone::Hostile => ZoneKind::Hostile,
            ModelZone::Occupied => ZoneKind::Occupied,
            ModelZone::ThreatRing => {
                if let (Some(c), Some(r)) = (&z.centre, z.radius_km)
                    && let Some(p) = g.place(c)
                    && let Ok(at) = place_point(p)
                    && let Ok(circle) = Circle::new(at, r)
                {
                    map.threat_rings.push(MapCircle {
                        name: name.clone(),
                        circle,
                    });
                    extent.push(at);
                    continue;
                }
                ZoneKind::Hostile
            }
        };
        // Hostile areas drawn far beyond the frame do not widen it.
        if matches!(
            kind,
            ZoneKind::Cover | ZoneKind::Buffer | ZoneKind::Occupied
        ) {
            extent.extend(poly.ring().iter().copied());
        }
        map.zones.push(MapZone {
            name: name.clone(),
            kind,
            ring: poly.ring().to_vec(),
        });
    }
    for l in &g.lines {
        let Ok(pl) = line_polyline(l) else {
            continue;
        };
        extent.extend(pl.points().iter().copied());
        map.lines.push(MapLine {
            name: if l.name.is_empty() {
                l.id.clone()
            } else {
                l.name.clone()
            },
            kind: match l.kind {
                ModelLine::Contact => LineKind::Contact,
                ModelLine::Monitored | ModelLine::Border => LineKind::Monitored,
                ModelLine::Sector => LineKind::Other,
            },
            points: pl.points().to_vec(),
        });
    }
    let mut seen: Vec<&str> = Vec::new();
    for r in requirements {
        let Some(geo) = &r.geometry else {
            continue;
        };
        if seen.contains(&geo.task.as_str()) {
            continue;
        }
        seen.push(&geo.task);
        let short = geo.task.rsplit('.').next().unwrap_or(&geo.task);
        for (i, c) in geo.stations.iter().enumerate() {
            map.stations.push(MapCircle {
                name: format!("{short} station {}", i + 1),
                circle: *c,
            });
        }
        map.uncovered.extend(geo.uncovered.iter().cloned());
        for (name, at) in &geo.bases {
            extent.push(*at);
            if !map.bases.iter().any(|b| &b.name == name) {
                map.bases.push(MapPoint {
                    name: name.clone(),
                    at: *at,
                });
            }
        }
        for (i, c) in geo.air_defence.iter().enumerate() {
            map.air_defence.push(MapCircle {
                name: format!("{short} site {}", i + 1),
                circle: *c,
            });
        }
        for (name, at) in &geo.defended {
            if !map.places.iter().any(|p| &p.name == name) {
                map.places.push(MapPoint {
                    name: name.clone(),
                    at: *at,
                });
            }
        }
        for (name, at) in &geo.garrisons {
            map.garrisons.push(MapPoint {
                name: name.clone(),
                at: *at,
            });
        }
    }
    // A garrisoned place is drawn once, as a garrison.
    map.places
        .retain(|p| !map.garrisons.iter().any(|g| g.name == p.name));
    for p in &g.places {
        if let Ok(at) = place_point(p) {
            extent.push(at);
        }
    }
    map.frame = frame(&extent);
    Some(render(&map))
}

/// West, south, east, north around `points`, with a margin; Ukraine and its
/// neighbours when there is nothing to frame.
fn frame(points: &[LatLon]) -> [f64; 4] {
    if points.is_empty() {
        return [17.0, 43.5, 41.0, 53.5];
    }
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in points {
        w = w.min(p.lon);
        e = e.max(p.lon);
        s = s.min(p.lat);
        n = n.max(p.lat);
    }
    [
        (w - FRAME_MARGIN_DEG).max(-180.0),
        (s - FRAME_MARGIN_DEG).max(-85.0),
        (e + FRAME_MARGIN_DEG).min(180.0),
        (n + FRAME_MARGIN_DEG).min(85.0),
    ]
}

/// A short map title: the options of the package that put something on
/// the map, by their short names.
pub fn map_title(s: &Scenario, requirements: &[Requirement]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for r in requirements.iter().filter(|r| r.geometry.is_some()) {
        let mut it = r.task.split('.');
        let (Some(c), Some(o)) = (it.next(), it.next()) else {
            continue;
        };
        let name = s
            .components
            .iter()
            .find(|x| x.id == c)
            .and_then(|x| x.options.iter().find(|y| y.id == o))
            .map(|y| {
                if y.short.is_empty() {
                    y.id.clone()
                } else {
                    y.short.clone()
                }
            })
            .unwrap_or_else(|| o.to_string());
        if !parts.contains(&name) {
            parts.push(name);
        }
    }
    if parts.is_empty() {
        "The package on the map: no geographic task".to_string()
    } else {
        format!("The package on the map: {}", parts.join(" · "))
    }
}

/// The map of the package that picks `options` (component id → option id),
/// sized afresh from the scenario (for callers that hold a package's
/// options but not its requirements, e.g. the exercise pages).
pub fn options_map(
    s: &Scenario,
    options: &std::collections::BTreeMap<String, String>,
) -> Option<String> {
    let mut requirements = Vec::new();
    for c in &s.components {
        let Some(o) = options
            .get(&c.id)
            .and_then(|id| c.options.iter().find(|o| &o.id == id))
        else {
            continue;
        };
        for t in &o.tasks {
            requirements.extend(super::size_task(
                s,
                t,
                &format!("{}.{}.{}", c.id, o.id, t.id),
            ));
        }
    }
    package_map(s, &requirements, &map_title(s, &requirements))
}
