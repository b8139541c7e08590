//! Reading the `[geography]` section: places, zones, lines, air bases and
//! aircraft types, with a located error for every bad coordinate, open or
//! self-intersecting polygon, missing shape and non-positive performance
//! figure. References between them (a base's place, a circle's centre) and
//! duplicate ids are checked in `crate::validate`.

use super::{Cx, Range01, Tbl, Val, each, read_num};
use crate::diagnostic::ProblemKind;
use crate::geography::*;
use crate::suggest::closest;
use toml::de::DeValue;

pub(super) fn read_geography(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Geography {
    Geography {
        places: t.tables("places", "place", cx, read_place),
        zones: t.tables("zones", "zone", cx, read_zone),
        lines: t.tables("lines", "line", cx, read_line),
        bases: t.tables("bases", "air base", cx, read_base),
        aircraft: t.tables("aircraft", "aircraft type", cx, read_aircraft),
    }
}

/// A word from a fixed list, e.g. a place kind.
fn word<K: Copy>(
    t: &mut Tbl<'_, '_>,
    key: &'static str,
    words: &[(&str, K)],
    what: &str,
    cx: &mut Cx,
) -> Option<K> {
    let s = t.opt_str(key, cx);
    let Some(s) = s else {
        if t.t.get(key).is_none() {
            let first = words.first().map(|w| w.0).unwrap_or("");
            t.missing(key, cx, &format!("\"{first}\""));
        }
        return None;
    };
    if let Some((_, k)) = words.iter().find(|(w, _)| *w == s) {
        return Some(*k);
    }
    let names: Vec<&str> = words.iter().map(|w| w.0).collect();
    let path = t.key_path(key);
    let help = match closest(&s, &names) {
        Some(n) => format!("did you mean \"{n}\"? {what} kinds: {}", names.join(", ")),
        None => format!("{what} kinds: {}", names.join(", ")),
    };
    cx.error(
        ProblemKind::UnknownValue,
        cx.spans.get(&path),
        format!("unknown {what} kind \"{s}\" at `{path}`"),
        "unknown kind",
        Some(help),
    );
    None
}

/// Latitude (limit 90) or longitude (limit 180), in decimal degrees.
fn coordinate(t: &mut Tbl<'_, '_>, key: &'static str, limit: f64, cx: &mut Cx) -> f64 {
    let x = t.req_num(key, Range01::Finite, cx);
    if x.abs() > limit {
        let path = t.key_path(key);
        cx.error(
            ProblemKind::OutOfRange,
            cx.spans.get(&path),
            format!("`{path}` must be within -{limit}..{limit} degrees, found {x}"),
            "coordinate out of range",
            Some(coordinate_help(key)),
        );
    }
    x
}

fn coordinate_help(key: &str) -> String {
    format!(
        "{key} is in decimal degrees on WGS84 (latitude -90..90, longitude -180..180); check for swapped latitude and longitude or minutes written as decimals"
    )
}

/// One `[lat, lon]` pair.
fn read_point(v: &Val<'_>, path: &str, cx: &mut Cx) -> Option<[f64; 2]> {
    cx.spans.insert(path, v.span());
    let pair = match v.get_ref() {
        DeValue::Array(items) if items.len() == 2 => items,
        other => {
            cx.error(
                ProblemKind::WrongType,
                v.span(),
                format!(
                    "`{path}` must be a point `[lat, lon]`, found {}",
                    match other {
                        DeValue::Array(a) => format!("an array of {} values", a.len()),
                        o => o.type_str().to_string(),
                    }
                ),
                "expected [lat, lon]",
                Some("write each point as `[latitude, longitude]` in decimal degrees, e.g. `[50.45, 30.52]`".into()),
            );
            return None;
        }
    };
    let lat = read_num(&pair[0], &format!("{path}[0]"), Range01::Finite, cx)?;
    let lon = read_num(&pair[1], &format!("{path}[1]"), Range01::Finite, cx)?;
    if lat.abs() > 90.0 || lon.abs() > 180.0 {
        cx.error(
            ProblemKind::OutOfRange,
            v.span(),
            format!("`{path}` = [{lat}, {lon}] is not a coordinate: latitude must be within -90..90 and longitude within -180..180"),
            "coordinate out of range",
            Some(coordinate_help("each point")),
        );
        return None;
    }
    Some([lat, lon])
}

fn points(t: &mut Tbl<'_, '_>, key: &'static str, cx: &mut Cx) -> Option<Vec<[f64; 2]>> {
    let v = t.get(key)?;
    let path = t.key_path(key);
    Some(each(v, &path, cx, read_point))
}

fn read_place(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Place {
    Place {
        id: t.req_str("id", cx),
        name: t.str_or("name", cx, ""),
        kind: word(t, "kind", PLACE_KINDS, "place", cx).unwrap_or(PlaceKind::Other),
        lat: coordinate(t, "lat", 90.0, cx),
        lon: coordinate(t, "lon", 180.0, cx),
        source: t.str_or("source", cx, ""),
    }
}

fn read_zone(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Zone {
    let id = t.req_str("id", cx);
    let name = t.str_or("name", cx, "");
    let kind = word(t, "kind", ZONE_KINDS, "zone", cx).unwrap_or(ZoneKind::Cover);
    let pts = points(t, "points", cx);
    let centre = t.opt_str("centre", cx);
    let radius_km = t.opt_num("radius_km", Range01::Positive, cx);
    let source = t.str_or("source", cx, "");
    let path = t.path.clone();
    match (&pts, &centre, radius_km) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => cx.error(
            ProblemKind::Inconsistent,
            t.span.clone(),
            format!(
                "zone `{path}` has both `points` (a polygon) and a circle (`centre`, `radius_km`)"
            ),
            "two shapes",
            Some("keep `points` for a polygon, or `centre` and `radius_km` for a circle".into()),
        ),
        (None, None, None) => t.missing(
            "points",
            cx,
            "[[lat, lon], …] (closed), or give `centre` and `radius_km`",
        ),
        (None, Some(_), None) => t.missing("radius_km", cx, "<km>"),
        (None, None, Some(_)) => t.missing("centre", cx, "\"<place id>\""),
        _ => {}
    }
    if let (Some(p), None, None) = (&pts, &centre, radius_km) {
        check_polygon(p, &format!("{path}.points"), cx);
    }
    Zone {
        id,
        name,
        kind,
        points: pts.unwrap_or_default(),
        centre,
        radius_km,
        source,
    }
}

/// Closed, at least 3 distinct points, not self-intersecting, less than 90°
/// of longitude across.
fn check_polygon(p: &[[f64; 2]], path: &str, cx: &mut Cx) {
    let span = cx.spans.get(path);
    let (Some(first), Some(last)) = (p.first(), p.last()) else {
        cx.error(
            ProblemKind::Empty,
            span,
            format!("`{path}` is empty"),
            "no points",
            Some("list at least 3 points and repeat the first at the end".into()),
        );
        return;
    };
    if first != last {
        cx.error(
            ProblemKind::Inconsistent,
            span,
            format!(
                "polygon `{path}` is not closed: it starts at [{}, {}] and ends at [{}, {}]",
                first[0], first[1], last[0], last[1]
            ),
            "open polygon",
            Some(format!(
                "repeat the first point at the end: `[{}, {}]`",
                first[0], first[1]
            )),
        );
        return;
    }
    let mut distinct: Vec<[f64; 2]> = Vec::new();
    for q in &p[..p.len() - 1] {
        if !distinct.contains(q) {
            distinct.push(*q);
        }
    }
    if distinct.len() < 3 {
        cx.error(
            ProblemKind::Inconsistent,
            span,
            format!(
                "polygon `{path}` has {} distinct points; it needs at least 3",
                distinct.len()
            ),
            "too few points",
            Some("a polygon needs 3 or more corners, then the first repeated".into()),
        );
        return;
    }
    let (lo, hi) = p.iter().fold((f64::MAX, f64::MIN), |(lo, hi), q| {
        (lo.min(q[1]), hi.max(q[1]))
    });
    if hi - lo > 90.0 {
        cx.error(
            ProblemKind::OutOfRange,
            span,
            format!("polygon `{path}` spans {:.1}° of longitude", hi - lo),
            "too wide",
            Some("zones must not cross the antimeridian or span more than 90° of longitude".into()),
        );
        return;
    }
    if let Some((i, j)) = self_intersection(p) {
        let s = cx.spans.get(&format!("{path}[{j}]"));
        cx.error(
            ProblemKind::Inconsistent,
            s,
            format!(
                "polygon `{path}` intersects itself: the edge from point {i} crosses the edge from point {j}"
            ),
            "edges cross here",
            Some("list the corners in order around the boundary".into()),
        );
    }
}

/// First pair of non-adjacent edges that cross (edge i runs from point i to
/// i + 1), in a plane with longitude scaled by cos(mean latitude). The same
/// test as `guarantor_geo::Zone::new`, which the engine applies again.
fn self_intersection(p: &[[f64; 2]]) -> Option<(usize, usize)> {
    let mean = p.iter().map(|q| q[0]).sum::<f64>() / p.len() as f64;
    let k = mean.to_radians().cos();
    let xy: Vec<(f64, f64)> = p.iter().map(|q| (q[1] * k, q[0])).collect();
    let n = xy.len() - 1;
    let orient = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let within = |a: (f64, f64), b: (f64, f64), q: (f64, f64)| {
        q.0 >= a.0.min(b.0) && q.0 <= a.0.max(b.0) && q.1 >= a.1.min(b.1) && q.1 <= a.1.max(b.1)
    };
    for i in 0..n {
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue; // adjacent through the closing point
            }
            let (a, b, c, d) = (xy[i], xy[i + 1], xy[j], xy[j + 1]);
            let (o1, o2, o3, o4) = (
                orient(a, b, c),
                orient(a, b, d),
                orient(c, d, a),
                orient(c, d, b),
            );
            let proper = o1 * o2 < 0.0 && o3 * o4 < 0.0;
            let touch = (o1 == 0.0 && within(a, b, c))
                || (o2 == 0.0 && within(a, b, d))
                || (o3 == 0.0 && within(c, d, a))
                || (o4 == 0.0 && within(c, d, b));
            if proper || touch {
                return Some((i, j));
            }
        }
    }
    None
}

fn read_line(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Line {
    let id = t.req_str("id", cx);
    let name = t.str_or("name", cx, "");
    let kind = word(t, "kind", LINE_KINDS, "line", cx).unwrap_or(LineKind::Sector);
    let pts = points(t, "points", cx);
    let path = t.key_path("points");
    match &pts {
        None => t.missing("points", cx, "[[lat, lon], [lat, lon], …]"),
        Some(p) if p.len() < 2 => cx.error(
            ProblemKind::Inconsistent,
            cx.spans.get(&path),
            format!(
                "line `{path}` has {} point(s); it needs at least 2",
                p.len()
            ),
            "too few points",
            Some("list the line's points in order, at least a start and an end".into()),
        ),
        _ => {}
    }
    Line {
        id,
        name,
        kind,
        points: pts.unwrap_or_default(),
        source: t.str_or("source", cx, ""),
    }
}

fn read_base(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> AirBase {
    AirBase {
        id: t.req_str("id", cx),
        place: t.req_str("place", cx),
        contributors: t.str_list("contributors", cx),
        source: t.str_or("source", cx, ""),
    }
}

fn read_aircraft(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> AircraftType {
    AircraftType {
        id: t.req_str("id", cx),
        name: t.str_or("name", cx, ""),
        cruise_speed_kmh: t.req_num("cruise_speed_kmh", Range01::Positive, cx),
        endurance_h: t.req_num("endurance_h", Range01::Positive, cx),
        combat_radius_km: t.req_num("combat_radius_km", Range01::Positive, cx),
        turnaround_h: t.req_num("turnaround_h", Range01::NonNegative, cx),
        cost_per_flight_hour_usd: t
            .opt_num("cost_per_flight_hour_usd", Range01::NonNegative, cx)
            .unwrap_or(0.0),
        source: t.str_or("source", cx, ""),
    }
}
