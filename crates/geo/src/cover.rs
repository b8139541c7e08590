//! Covering a zone with engagement circles, keeping stand-off, and choosing
//! each station's base.
//!
//! # Method
//!
//! 1. The zones to cover are projected ([`LocalProjection`], about the centre
//!    of their bounding box) and merged. Their edges are first split into
//!    pieces of at most 25 km, so that geodesic edges stay geodesic.
//! 2. Station centres are laid on a hexagonal lattice: rows 1.5 R apart,
//!    centres √3 R apart within a row, every other row shifted by √3 R / 2.
//!    Each centre's hexagonal cell (circumradius R) lies inside its circle
//!    and the cells tile the plane, so the circles of all the cells that
//!    touch the zone cover it. A lattice point is kept only if its cell
//!    meets the zone.
//! 3. **Stand-off**: a station may not sit inside hostile territory, nearer
//!    than the stand-off distance to it, or nearer than a threat ring's
//!    radius plus the stand-off to the ring's centre. A lattice point that
//!    breaks this is pulled back to the nearest allowed point within R of
//!    it (sampled every R/8 in distance and 15° in bearing, choosing among
//!    the nearest ring of allowed samples the one closest to the part of
//!    the zone its cell held); if there is none the station is dropped.
//!    Pulled-back stations whose removal leaves no more than 1% of a
//!    circle's area newly uncovered are then removed as redundant.
//! 4. Nine lattice phases (offsets of 0, ⅓ and ⅔ of a cell in each
//!    direction) are tried; the covering kept leaves the least area
//!    uncovered (to 0.1% of the zone) with the fewest stations.
//! 5. The uncovered area is the zone minus the union of the station circles
//!    (72-gons), measured geodesically after projecting back.

use crate::error::{GeoError, non_negative, positive};
use crate::latlon::LatLon;
use crate::measure::{bearing_deg, destination, distance_km, ring_area_km2};
use crate::projection::LocalProjection;
use crate::shapes::{CIRCLE_SIDES, Circle, Zone};
use geo::{
    BooleanOps, Centroid, Contains, Coord, Distance, Euclidean, Intersects, LineString,
    MultiPolygon, Point, Polygon,
};
use serde::Serialize;

/// Longest edge, km, kept straight in the projection before splitting.
const DENSIFY_KM: f64 = 25.0;
/// Farthest a zone point may lie from the projection centre, km.
const MAX_EXTENT_KM: f64 = 1_500.0;
/// Most lattice cells examined for one phase (a guard against a tiny radius).
pub const MAX_CELLS: usize = 20_000;

/// What to cover and what to keep away from.
#[derive(Debug, Clone, Copy)]
pub struct CoverRequest<'a> {
    /// Zones to cover; their union is covered.
    pub zones: &'a [Zone],
    /// Engagement radius of one station, km.
    pub radius_km: f64,
    /// Hostile territory that stations keep away from.
    pub hostile: &'a [Zone],
    /// Threat rings (e.g. long-range surface-to-air systems) that stations
    /// keep out of, plus the stand-off.
    pub threat_rings: &'a [Circle],
    /// Declared distance, km, that stations keep from hostile territory and
    /// from threat rings.
    pub standoff_km: f64,
}

/// One station of a covering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Station {
    pub centre: LatLon,
    pub radius_km: f64,
    /// How far the station was pulled back from its lattice point to keep
    /// stand-off, km (0 if it was not moved).
    pub pulled_back_km: f64,
}

impl Station {
    pub fn circle(&self) -> Circle {
        Circle {
            centre: self.centre,
            radius_km: self.radius_km,
        }
    }
}

/// The result of a covering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Covering {
    pub stations: Vec<Station>,
    /// Geodesic area of the zones to cover, km².
    pub zone_area_km2: f64,
    /// Geodesic area of the zones that no station circle reaches, km².
    pub uncovered_area_km2: f64,
    /// The uncovered parts, as polygons (outer ring, then holes), for maps.
    pub uncovered: Vec<Vec<Vec<LatLon>>>,
    /// Lattice points dropped because no allowed point lay within R.
    pub dropped_for_standoff: usize,
}

impl Covering {
    /// Share of the zone covered, 0..1.
    pub fn covered_share(&self) -> f64 {
        if self.zone_area_km2 <= 0.0 {
            return 1.0;
        }
        1.0 - self.uncovered_area_km2 / self.zone_area_km2
    }
}

/// Cover the zones with circles of radius R on a hexagonal lattice clipped to
/// the zones, keeping stand-off; see the module documentation.
///
/// Example: a square of 200 × 200 km with R = 100 km needs 4 stations. By
/// area a hexagonal cell holds 2.598 R² = 25,981 km², so at least
/// ⌈40,000 ÷ 25,981⌉ = 2; but the square meets two of the lattice's rows
/// (bands 150 km tall), and each band 200 km wide needs 2 cells of width
/// √3 R = 173 km.
///
/// ```
/// use guarantor_geo::cover::{cover, CoverRequest};
/// use guarantor_geo::{destination, LatLon, Zone};
/// let c = LatLon::new(48.0, 31.0).unwrap();
/// let (n, s) = (destination(c, 0.0, 100.0).lat, destination(c, 180.0, 100.0).lat);
/// let (e, w) = (destination(c, 90.0, 100.0).lon, destination(c, 270.0, 100.0).lon);
/// let square = Zone::from_pairs(&[(s, w), (s, e), (n, e), (n, w), (s, w)]).unwrap();
/// let covering = cover(&CoverRequest {
///     zones: &[square],
///     radius_km: 100.0,
///     hostile: &[],
///     threat_rings: &[],
///     standoff_km: 0.0,
/// })
/// .unwrap();
/// assert_eq!(covering.stations.len(), 4);
/// assert!(covering.uncovered_area_km2 < 1.0);
/// ```
pub fn cover(req: &CoverRequest<'_>) -> Result<Covering, GeoError> {
    let r = positive("engagement radius", "km", req.radius_km)?;
    let standoff = non_negative("stand-off distance", req.standoff_km)?;
    if req.zones.is_empty() {
        return Err(GeoError::NothingToCover);
    }
    let all: Vec<LatLon> = req
        .zones
        .iter()
        .flat_map(|z| z.ring().iter().copied())
        .collect();
    let proj = LocalProjection::around(&all).ok_or(GeoError::NothingToCover)?;
    let extent = all
        .iter()
        .map(|p| distance_km(proj.centre, *p))
        .fold(0.0, f64::max);
    if extent > MAX_EXTENT_KM {
        return Err(GeoError::TooLarge {
            extent_km: 2.0 * extent,
        });
    }
    let mut target = MultiPolygon::new(vec![]);
    for z in req.zones {
        target = target.union(&project_ring(&proj, z.ring()));
    }
    let hostile: Vec<Polygon<f64>> = req
        .hostile
        .iter()
        .map(|z| project_ring(&proj, z.ring()))
        .collect();
    let rings: Vec<((f64, f64), f64)> = req
        .threat_rings
        .iter()
        .map(|c| (proj.project(c.centre), c.radius_km))
        .collect();
    let allowed = |x: f64, y: f64| -> bool {
        let p = Point::new(x, y);
        for h in &hostile {
            if h.contains(&p) || Euclidean.distance(&p, h) < standoff {
                return false;
            }
        }
        rings
            .iter()
            .all(|&((cx, cy), rr)| (x - cx).hypot(y - cy) >= rr + standoff)
    };

    let (mut w, mut e, mut so, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for c in target.0.iter().flat_map(|p| p.exterior().0.iter()) {
        w = w.min(c.x);
        e = e.max(c.x);
        so = so.min(c.y);
        n = n.max(c.y);
    }
    if w <= e {
        let estimate = ((e - w) / (3f64.sqrt() * r) + 3.0) * ((n - so) / (1.5 * r) + 3.0);
        if estimate > MAX_CELLS as f64 {
            return Err(GeoError::TooManyStations {
                estimate,
                limit: MAX_CELLS,
            });
        }
    }
    let zone_area = multi_area_km2(&proj, &target);
    let mut best: Option<(i64, usize, PlanarCovering)> = None;
    for pu in 0..3 {
        for pv in 0..3 {
            let c = lay_out(&target, r, pu as f64 / 3.0, pv as f64 / 3.0, &allowed);
            let uncovered = multi_area_km2(&proj, &c.uncovered);
            // Compare uncovered area to 0.1% of the zone, then station count.
            let key = (uncovered / (zone_area * 1e-3).max(1e-9)).round() as i64;
            let better = match &best {
                None => true,
                Some((k, n, _)) => (key, c.centres.len()) < (*k, *n),
            };
            if better {
                best = Some((key, c.centres.len(), c));
            }
        }
    }
    let (_, _, c) = best.expect("nine phases were tried");
    // Rounding in the boolean operations can leave a few m² or a -0.
    let uncovered_area = multi_area_km2(&proj, &c.uncovered);
    let uncovered_area = if uncovered_area > 0.0 {
        uncovered_area
    } else {
        0.0
    };
    Ok(Covering {
        stations: c
            .centres
            .iter()
            .map(|&(x, y, moved)| Station {
                centre: proj.unproject(x, y),
                radius_km: r,
                pulled_back_km: moved,
            })
            .collect(),
        zone_area_km2: zone_area,
        uncovered_area_km2: uncovered_area,
        uncovered: c
            .uncovered
            .0
            .iter()
            .map(|poly| {
                std::iter::once(poly.exterior())
                    .chain(poly.interiors())
                    .map(|ring| ring.0.iter().map(|c| proj.unproject(c.x, c.y)).collect())
                    .collect()
            })
            .collect(),
        dropped_for_standoff: c.dropped,
    })
}

/// A covering in the projected plane.
struct PlanarCovering {
    /// (x, y, km pulled back)
    centres: Vec<(f64, f64, f64)>,
    uncovered: MultiPolygon<f64>,
    dropped: usize,
}

fn lay_out(
    target: &MultiPolygon<f64>,
    r: f64,
    phase_u: f64,
    phase_v: f64,
    allowed: &dyn Fn(f64, f64) -> bool,
) -> PlanarCovering {
    let dx = 3f64.sqrt() * r;
    let dy = 1.5 * r;
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in target.0.iter().flat_map(|p| p.exterior().0.iter()) {
        minx = minx.min(c.x);
        miny = miny.min(c.y);
        maxx = maxx.max(c.x);
        maxy = maxy.max(c.y);
    }
    let ox = minx - r + phase_u * dx;
    let oy = miny - r + phase_v * dy;
    let rows = ((maxy + r - oy) / dy).ceil() as i64 + 1;
    let cols = ((maxx + r - ox) / dx).ceil() as i64 + 1;
    let mut centres = Vec::new();
    let mut dropped = 0;
    for j in -1..=rows {
        let shift = if j.rem_euclid(2) == 1 { dx / 2.0 } else { 0.0 };
        for i in -1..=cols {
            let (x, y) = (ox + i as f64 * dx + shift, oy + j as f64 * dy);
            let cell = hexagon(x, y, r);
            if !cell.intersects(target) {
                continue;
            }
            if allowed(x, y) {
                centres.push((x, y, 0.0));
                continue;
            }
            let held = cell.intersection(target);
            match pull_back(x, y, r, &held, allowed) {
                Some((px, py)) => centres.push((px, py, (px - x).hypot(py - y))),
                None => dropped += 1,
            }
        }
    }
    prune_pulled_back(target, r, &mut centres);
    let uncovered = target.difference(&circles(&centres, r));
    PlanarCovering {
        centres,
        uncovered,
        dropped,
    }
}

/// Nearest allowed point within R of (x, y), whose circle still reaches the
/// part of the zone that the cell held.
fn pull_back(
    x: f64,
    y: f64,
    r: f64,
    held: &MultiPolygon<f64>,
    allowed: &dyn Fn(f64, f64) -> bool,
) -> Option<(f64, f64)> {
    let aim = held.centroid()?;
    for step in 1..=8 {
        let d = r * step as f64 / 8.0;
        let mut best: Option<(f64, (f64, f64))> = None;
        for k in 0..24 {
            let t = (k as f64 * 15.0).to_radians();
            let (px, py) = (x + d * t.sin(), y + d * t.cos());
            if !allowed(px, py) {
                continue;
            }
            let to_aim = (px - aim.x()).hypot(py - aim.y());
            if best.is_none_or(|(b, _)| to_aim < b) {
                best = Some((to_aim, (px, py)));
            }
        }
        if let Some((_, (px, py))) = best {
            let circle = circle_polygon(px, py, r);
            return circle.intersects(held).then_some((px, py));
        }
    }
    None
}

/// Remove pulled-back stations that add less than 1% of a circle's area of
/// coverage of the target, the largest pull-back first.
fn prune_pulled_back(target: &MultiPolygon<f64>, r: f64, centres: &mut Vec<(f64, f64, f64)>) {
    let threshold = 0.01 * std::f64::consts::PI * r * r;
    let mut order: Vec<usize> = (0..centres.len()).filter(|&i| centres[i].2 > 0.0).collect();
    order.sort_by(|&a, &b| centres[b].2.total_cmp(&centres[a].2));
    let mut removed = vec![false; centres.len()];
    for i in order {
        let with: Vec<_> = (0..centres.len())
            .filter(|&k| !removed[k])
            .map(|k| centres[k])
            .collect();
        let without: Vec<_> = (0..centres.len())
            .filter(|&k| !removed[k] && k != i)
            .map(|k| centres[k])
            .collect();
        let gain = planar_area(&target.intersection(&circles(&with, r)))
            - planar_area(&target.intersection(&circles(&without, r)));
        if gain < threshold {
            removed[i] = true;
        }
    }
    let mut k = 0;
    centres.retain(|_| {
        let keep = !removed[k];
        k += 1;
        keep
    });
}

fn planar_area(m: &MultiPolygon<f64>) -> f64 {
    use geo::Area;
    m.unsigned_area()
}

fn circles(centres: &[(f64, f64, f64)], r: f64) -> MultiPolygon<f64> {
    let polys: Vec<Polygon<f64>> = centres
        .iter()
        .map(|&(x, y, _)| circle_polygon(x, y, r))
        .collect();
    geo::unary_union(&polys)
}

/// A pointy-top hexagon of circumradius r: it tiles the plane on the lattice
/// used here, and lies within the circle of radius r.
fn hexagon(x: f64, y: f64, r: f64) -> Polygon<f64> {
    let ring: Vec<Coord<f64>> = (0..=6)
        .map(|k| {
            let t = ((30 + 60 * (k % 6)) as f64).to_radians();
            Coord {
                x: x + r * t.cos(),
                y: y + r * t.sin(),
            }
        })
        .collect();
    Polygon::new(LineString(ring), vec![])
}

/// The planar circle of radius r as a counter-clockwise 72-gon.
fn circle_polygon(x: f64, y: f64, r: f64) -> Polygon<f64> {
    let ring: Vec<Coord<f64>> = (0..=CIRCLE_SIDES)
        .map(|k| {
            let t = 2.0 * std::f64::consts::PI * (k % CIRCLE_SIDES) as f64 / CIRCLE_SIDES as f64;
            Coord {
                x: x + r * t.cos(),
                y: y + r * t.sin(),
            }
        })
        .collect();
    Polygon::new(LineString(ring), vec![])
}

/// Project a closed ring, splitting edges longer than [`DENSIFY_KM`] along
/// the geodesic first.
pub(crate) fn project_ring(proj: &LocalProjection, ring: &[LatLon]) -> Polygon<f64> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.len());
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let d = distance_km(a, b);
        let pieces = (d / DENSIFY_KM).ceil().max(1.0) as usize;
        let bearing = bearing_deg(a, b);
        for k in 0..pieces {
            let p = if k == 0 {
                a
            } else {
                destination(a, bearing, d * k as f64 / pieces as f64)
            };
            let (x, y) = proj.project(p);
            out.push(Coord { x, y });
        }
    }
    if let Some(&first) = out.first() {
        out.push(first);
    }
    Polygon::new(LineString(out), vec![])
}

/// Geodesic area of a projected multipolygon, after projecting it back.
fn multi_area_km2(proj: &LocalProjection, m: &MultiPolygon<f64>) -> f64 {
    let back = |ls: &LineString<f64>| -> LineString<f64> {
        ls.0.iter()
            .map(|c| {
                let p = proj.unproject(c.x, c.y);
                (p.lon, p.lat)
            })
            .collect()
    };
    m.0.iter()
        .map(|p| {
            ring_area_km2(Polygon::new(
                back(p.exterior()),
                p.interiors().iter().map(back).collect(),
            ))
        })
        .sum()
}

/// The base nearest to a station among `bases`, if any lies within
/// `max_km` (a combat radius); `None` means "no base within reach".
///
/// Example: a station over Lviv (49.84, 24.03) with bases at
/// Rzeszów-Jasionka (147 km) and Câmpia Turzii (372 km) → Rzeszów, 147 km.
///
/// ```
/// use guarantor_geo::{cover::nearest_base, LatLon};
/// let lviv = LatLon::new(49.84, 24.03).unwrap();
/// let bases = [LatLon::new(46.50, 23.89).unwrap(), LatLon::new(50.11, 22.02).unwrap()];
/// let (i, km) = nearest_base(lviv, &bases, 800.0).unwrap();
/// assert_eq!(i, 1);
/// assert!((km - 147.0).abs() < 2.0);
/// assert_eq!(nearest_base(lviv, &bases, 100.0), None); // no base within reach
/// ```
pub fn nearest_base(station: LatLon, bases: &[LatLon], max_km: f64) -> Option<(usize, f64)> {
    bases
        .iter()
        .enumerate()
        .map(|(i, b)| (i, distance_km(station, *b)))
        .filter(|&(_, d)| d <= max_km)
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    /// A square about 2a km on a side centred on (48, 31).
    fn square(half_km: f64) -> Zone {
        let c = p(48.0, 31.0);
        let n = destination(c, 0.0, half_km).lat;
        let s = destination(c, 180.0, half_km).lat;
        let e = destination(c, 90.0, half_km).lon;
        let w = destination(c, 270.0, half_km).lon;
        Zone::from_pairs(&[(s, w), (s, e), (n, e), (n, w), (s, w)]).unwrap()
    }

    #[test]
    fn a_small_zone_inside_one_circle_needs_one_station() {
        // A 60 × 60 km square fits in one 100-km circle wherever the lattice
        // falls? Not always: a cell is smaller than the circle. The best of
        // the nine phases puts one cell around it.
        let zone = square(30.0);
        let c = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap();
        assert_eq!(c.stations.len(), 1, "{:?}", c.stations);
        assert!(c.uncovered_area_km2 < 1.0, "{}", c.uncovered_area_km2);
        assert!(
            (c.zone_area_km2 - 3_600.0).abs() < 40.0,
            "{}",
            c.zone_area_km2
        );
    }

    #[test]
    fn a_400_km_square_with_r_100_needs_9_stations() {
        // 400 × 400 km = 160,000 km². By area, ⌈160,000 ÷ 25,981⌉ = 7 cells
        // of R = 100 km. On the lattice, rows are bands 150 km tall, so the
        // square meets at least ⌈400 ÷ 150⌉ = 3 rows, and each band 400 km
        // wide needs at least ⌈400 ÷ 173⌉ = 3 cells: 9, which the best phase
        // reaches.
        let zone = square(200.0);
        let c = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap();
        let n = c.stations.len();
        assert_eq!(n, 9, "{n} stations");
        assert!(c.uncovered_area_km2 < 1.0, "{}", c.uncovered_area_km2);
        assert!((c.zone_area_km2 - 160_000.0).abs() / 160_000.0 < 0.01);
    }

    #[test]
    fn stand_off_from_hostile_territory_leaves_the_near_edge_uncovered() {
        // Zone: 400 × 400 km square. Hostile territory begins 50 km east of
        // its east edge; stand-off 300 km, so stations stay 250 km west of
        // the east edge, and with R = 100 the eastmost 150 km strip (60,000
        // km²) cannot be covered.
        let zone = square(200.0);
        let c0 = p(48.0, 31.0);
        let east = destination(c0, 90.0, 250.0).lon;
        let far = destination(c0, 90.0, 600.0).lon;
        let n = destination(c0, 0.0, 800.0).lat;
        let s = destination(c0, 180.0, 800.0).lat;
        let hostile =
            Zone::from_pairs(&[(s, east), (s, far), (n, far), (n, east), (s, east)]).unwrap();
        let c = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: std::slice::from_ref(&hostile),
            threat_rings: &[],
            standoff_km: 300.0,
        })
        .unwrap();
        let want = 150.0 * 400.0;
        // Circles leave scallops along the covered edge: allow +15%.
        assert!(
            c.uncovered_area_km2 > want * 0.97 && c.uncovered_area_km2 < want * 1.15,
            "{} km² uncovered",
            c.uncovered_area_km2
        );
        // The hostile edge is the meridian `east`: check every station's
        // geodesic distance to points on it every 5 km.
        let edge: Vec<LatLon> = (0..=320)
            .map(|k| p(s + (n - s) * k as f64 / 320.0, east))
            .collect();
        for st in &c.stations {
            let d = edge
                .iter()
                .map(|e| distance_km(st.centre, *e))
                .fold(f64::MAX, f64::min);
            assert!(d >= 297.0, "station {st:?} is {d} km from hostile ground");
        }
    }

    #[test]
    fn a_threat_ring_keeps_stations_out_of_its_radius_plus_stand_off() {
        let zone = square(200.0);
        let ring = Circle::new(p(48.0, 31.0), 80.0).unwrap();
        let c = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: std::slice::from_ref(&ring),
            standoff_km: 20.0,
        })
        .unwrap();
        for st in &c.stations {
            assert!(distance_km(st.centre, ring.centre) >= 99.0, "{st:?}");
        }
        // Stations at 100 km reach the ring centre, so nothing is lost.
        assert!(
            c.uncovered_area_km2 < 0.01 * c.zone_area_km2,
            "{}",
            c.uncovered_area_km2
        );
    }

    #[test]
    fn bad_radius_stand_off_and_empty_zone_list_are_errors() {
        let zone = square(50.0);
        let mut req = CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 0.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        };
        assert!(matches!(cover(&req), Err(GeoError::NotPositive { .. })));
        req.radius_km = 100.0;
        req.standoff_km = -1.0;
        assert!(matches!(cover(&req), Err(GeoError::Negative { .. })));
        req.standoff_km = 0.0;
        req.zones = &[];
        assert_eq!(cover(&req).unwrap_err(), GeoError::NothingToCover);
    }

    #[test]
    fn a_200_km_square_with_r_100_needs_4_stations() {
        // By area, 40,000 ÷ 25,981 km² per cell ⇒ at least 2 cells. But
        // the lattice's rows are bands 150 km tall, so a square 200 km tall
        // meets two rows, and in each the band is 200 km wide while a cell is
        // only √3 × 100 = 173 km wide: 2 cells a row, 4 in all.
        let zone = square(100.0);
        let c = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap();
        assert!(c.uncovered_area_km2 < 1.0);
        assert_eq!(c.stations.len(), 4);
    }

    #[test]
    fn a_tiny_radius_over_a_large_zone_is_refused_not_run() {
        let zone = square(200.0);
        let e = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 0.5,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap_err();
        assert!(matches!(e, GeoError::TooManyStations { .. }), "{e:?}");
    }

    #[test]
    fn a_zone_too_far_across_for_the_projection_is_refused() {
        let zone = Zone::from_pairs(&[
            (40.0, 0.0),
            (40.0, 40.0),
            (60.0, 40.0),
            (60.0, 0.0),
            (40.0, 0.0),
        ])
        .unwrap();
        let e = cover(&CoverRequest {
            zones: std::slice::from_ref(&zone),
            radius_km: 100.0,
            hostile: &[],
            threat_rings: &[],
            standoff_km: 0.0,
        })
        .unwrap_err();
        assert!(matches!(e, GeoError::TooLarge { .. }), "{e:?}");
    }

    #[test]
    fn nearest_base_respects_the_combat_radius() {
        let lviv = p(49.84, 24.03);
        let rzeszow = p(50.11, 22.02);
        let campia = p(46.50, 23.89);
        let (i, d) = nearest_base(lviv, &[campia, rzeszow], 800.0).unwrap();
        assert_eq!(i, 1);
        assert!((d - 147.0).abs() < 2.0, "{d}");
        assert_eq!(nearest_base(lviv, &[campia, rzeszow], 100.0), None);
    }
}
