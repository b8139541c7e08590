//! Places, polylines, circles and zones, validated on construction.

use crate::error::{GeoError, positive};
use crate::latlon::LatLon;
use crate::measure::{destination, distance_km, geodesic_area_km2};
use serde::Serialize;

/// Check points again: `LatLon`'s fields are public, so a point may have been
/// built without [`LatLon::new`].
fn recheck(points: &[LatLon]) -> Result<(), GeoError> {
    for p in points {
        LatLon::new(p.lat, p.lon)?;
    }
    Ok(())
}

/// Check a list of `(lat, lon)` pairs.
pub fn points(pairs: &[(f64, f64)]) -> Result<Vec<LatLon>, GeoError> {
    pairs
        .iter()
        .map(|&(lat, lon)| LatLon::new(lat, lon))
        .collect()
}

/// An open line through two or more points (a line of contact, a border).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Polyline {
    points: Vec<LatLon>,
}

impl Polyline {
    pub fn new(points: Vec<LatLon>) -> Result<Self, GeoError> {
        recheck(&points)?;
        if points.len() < 2 {
            return Err(GeoError::PolylineTooShort {
                points: points.len(),
            });
        }
        Ok(Polyline { points })
    }

    pub fn points(&self) -> &[LatLon] {
        &self.points
    }

    /// Length in km: the sum of the geodesics between successive points.
    ///
    /// Example: Kyiv (50.45, 30.52) → Odesa (46.48, 30.72) is one segment of
    /// 441.9 km.
    ///
    /// ```
    /// use guarantor_geo::{LatLon, Polyline};
    /// let kyiv = LatLon::new(50.45, 30.52).unwrap();
    /// let odesa = LatLon::new(46.48, 30.72).unwrap();
    /// let line = Polyline::new(vec![kyiv, odesa]).unwrap();
    /// assert!((line.length_km() - 441.9).abs() < 0.5);
    /// ```
    pub fn length_km(&self) -> f64 {
        self.points
            .windows(2)
            .map(|w| distance_km(w[0], w[1]))
            .sum()
    }
}

/// A circle of a given radius around a centre: an engagement circle, a
/// threat ring, an air-defence coverage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Circle {
    pub centre: LatLon,
    pub radius_km: f64,
}

/// Sides of the polygon that stands for a circle.
pub const CIRCLE_SIDES: usize = 72;

impl Circle {
    pub fn new(centre: LatLon, radius_km: f64) -> Result<Self, GeoError> {
        recheck(&[centre])?;
        positive("circle radius", "km", radius_km)?;
        Ok(Circle { centre, radius_km })
    }

    /// The circle as a polygon of [`CIRCLE_SIDES`] geodesic destinations,
    /// counter-clockwise, closed.
    pub fn ring(&self) -> Vec<LatLon> {
        let mut ring: Vec<LatLon> = (0..CIRCLE_SIDES)
            .map(|i| {
                // Bearings clockwise from north; walk them backwards for a
                // counter-clockwise ring.
                let bearing = 360.0 - 360.0 * i as f64 / CIRCLE_SIDES as f64;
                destination(self.centre, bearing % 360.0, self.radius_km)
            })
            .collect();
        ring.push(ring[0]);
        ring
    }

    /// The circle as a zone (its 72-sided polygon).
    pub fn zone(&self) -> Zone {
        Zone { ring: self.ring() }
    }

    /// Whether `p` lies within the circle (geodesic distance ≤ radius).
    pub fn contains(&self, p: LatLon) -> bool {
        distance_km(self.centre, p) <= self.radius_km
    }
}

/// A validated simple polygon: closed, at least 3 distinct points, not
/// self-intersecting, spanning less than 90° of longitude.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    ring: Vec<LatLon>,
}

impl Zone {
    /// Check and build a zone from a closed ring (first point repeated last).
    pub fn new(ring: Vec<LatLon>) -> Result<Self, GeoError> {
        recheck(&ring)?;
        let (Some(first), Some(last)) = (ring.first(), ring.last()) else {
            return Err(GeoError::TooFewPoints { distinct: 0 });
        };
        if first != last {
            return Err(GeoError::NotClosed {
                first_lat: first.lat,
                first_lon: first.lon,
                last_lat: last.lat,
                last_lon: last.lon,
            });
        }
        let mut distinct: Vec<LatLon> = Vec::new();
        for p in &ring[..ring.len() - 1] {
            if !distinct.contains(p) {
                distinct.push(*p);
            }
        }
        if distinct.len() < 3 {
            return Err(GeoError::TooFewPoints {
                distinct: distinct.len(),
            });
        }
        let (lo, hi) = ring.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
            (lo.min(p.lon), hi.max(p.lon))
        });
        if hi - lo > 90.0 {
            return Err(GeoError::TooWide { span_deg: hi - lo });
        }
        if let Some((first, second)) = self_intersection(&ring) {
            return Err(GeoError::SelfIntersecting { first, second });
        }
        Ok(Zone { ring })
    }

    /// Build a zone from `(lat, lon)` pairs, checking each point.
    pub fn from_pairs(pairs: &[(f64, f64)]) -> Result<Self, GeoError> {
        Zone::new(points(pairs)?)
    }

    /// The closed ring (first point repeated last).
    pub fn ring(&self) -> &[LatLon] {
        &self.ring
    }

    /// Geodesic area in km² (Karney 2013 on WGS84).
    pub fn area_km2(&self) -> f64 {
        geodesic_area_km2(&self.ring)
    }

    /// Whether `p` is inside the zone (even-odd rule on lon/lat; exact for
    /// points away from the edges, which run along rhumb-ish chords here).
    pub fn contains(&self, p: LatLon) -> bool {
        let mut inside = false;
        for w in self.ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.lat > p.lat) != (b.lat > p.lat) {
                let x = a.lon + (p.lat - a.lat) / (b.lat - a.lat) * (b.lon - a.lon);
                if p.lon < x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// First pair of non-adjacent edges that cross, in a plane with longitude
/// scaled by cos(mean latitude). Edge i runs from point i to point i+1.
fn self_intersection(ring: &[LatLon]) -> Option<(usize, usize)> {
    let mean_lat = ring.iter().map(|p| p.lat).sum::<f64>() / ring.len() as f64;
    let k = mean_lat.to_radians().cos();
    let xy: Vec<(f64, f64)> = ring.iter().map(|p| (p.lon * k, p.lat)).collect();
    let n = xy.len() - 1; // edges
    for i in 0..n {
        for j in i + 1..n {
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            let (a, b, c, d) = (xy[i], xy[i + 1], xy[j], xy[j + 1]);
            if adjacent {
                // Adjacent edges share a point; they only cross if they fold
                // back onto each other (collinear and overlapping).
                if collinear_overlap(a, b, c, d) {
                    return Some((i, j));
                }
                continue;
            }
            if segments_intersect(a, b, c, d) {
                return Some((i, j));
            }
        }
    }
    None
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

fn segments_intersect(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
}

fn collinear_overlap(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    if orient(a, b, c) != 0.0 || orient(a, b, d) != 0.0 {
        return false;
    }
    // Shared point plus collinear: overlap if the edges point back along
    // each other (a→b and c→d with b == c means d lies on a→b).
    let (p, q, r) = if b == c {
        (a, b, d)
    } else if d == a {
        (c, d, b)
    } else {
        return false;
    };
    // r folds back if it lies on the segment p–q (other than at q).
    r != q && on_segment(p, q, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_nan_coordinates_are_typed_errors() {
        assert_eq!(
            LatLon::new(91.0, 30.0),
            Err(GeoError::CoordinateOutOfRange {
                lat: 91.0,
                lon: 30.0
            })
        );
        assert!(matches!(
            LatLon::new(50.0, -180.5),
            Err(GeoError::CoordinateOutOfRange { .. })
        ));
        assert!(matches!(
            LatLon::new(f64::NAN, 1.0),
            Err(GeoError::NotANumber { .. })
        ));
    }

    #[test]
    fn points_built_by_hand_are_checked_again() {
        let bad = LatLon {
            lat: 50.0,
            lon: 200.0,
        };
        let ok = LatLon::new(50.0, 30.0).unwrap();
        assert!(matches!(
            Polyline::new(vec![ok, bad]),
            Err(GeoError::CoordinateOutOfRange { .. })
        ));
        assert!(matches!(
            Circle::new(bad, 10.0),
            Err(GeoError::CoordinateOutOfRange { .. })
        ));
        assert!(matches!(
            Zone::new(vec![ok, bad, ok]),
            Err(GeoError::CoordinateOutOfRange { .. })
        ));
    }

    #[test]
    fn an_open_ring_is_refused_with_its_ends() {
        let e = Zone::from_pairs(&[(50.0, 30.0), (50.0, 31.0), (51.0, 31.0)]).unwrap_err();
        assert_eq!(
            e,
            GeoError::NotClosed {
                first_lat: 50.0,
                first_lon: 30.0,
                last_lat: 51.0,
                last_lon: 31.0
            }
        );
    }

    #[test]
    fn two_distinct_points_are_too_few() {
        let e = Zone::from_pairs(&[(50.0, 30.0), (50.0, 31.0), (50.0, 30.0), (50.0, 30.0)])
            .unwrap_err();
        assert_eq!(e, GeoError::TooFewPoints { distinct: 2 });
        assert_eq!(
            Zone::new(vec![]).unwrap_err(),
            GeoError::TooFewPoints { distinct: 0 }
        );
    }

    #[test]
    fn a_bow_tie_is_self_intersecting() {
        // (50,30) → (51,31) → (51,30) → (50,31) → back: edges 0 and 2 cross.
        let e = Zone::from_pairs(&[
            (50.0, 30.0),
            (51.0, 31.0),
            (51.0, 30.0),
            (50.0, 31.0),
            (50.0, 30.0),
        ])
        .unwrap_err();
        assert_eq!(
            e,
            GeoError::SelfIntersecting {
                first: 0,
                second: 2
            }
        );
    }

    #[test]
    fn an_edge_folding_back_is_self_intersecting() {
        let e = Zone::from_pairs(&[
            (50.0, 30.0),
            (50.0, 32.0),
            (50.0, 31.0),
            (51.0, 31.0),
            (50.0, 30.0),
        ])
        .unwrap_err();
        assert!(matches!(e, GeoError::SelfIntersecting { .. }), "{e:?}");
    }

    #[test]
    fn a_zone_across_the_antimeridian_is_refused() {
        let e = Zone::from_pairs(&[(60.0, 170.0), (60.0, -170.0), (61.0, -170.0), (60.0, 170.0)])
            .unwrap_err();
        assert!(matches!(e, GeoError::TooWide { .. }));
    }

    #[test]
    fn a_square_is_valid_and_contains_its_centre() {
        let z = Zone::from_pairs(&[
            (50.0, 30.0),
            (50.0, 31.0),
            (51.0, 31.0),
            (51.0, 30.0),
            (50.0, 30.0),
        ])
        .unwrap();
        assert!(z.contains(LatLon::new(50.5, 30.5).unwrap()));
        assert!(!z.contains(LatLon::new(49.5, 30.5).unwrap()));
    }

    #[test]
    fn polylines_need_two_points_and_circles_a_positive_radius() {
        assert_eq!(
            Polyline::new(vec![]).unwrap_err(),
            GeoError::PolylineTooShort { points: 0 }
        );
        let c = LatLon::new(50.0, 30.0).unwrap();
        assert!(matches!(
            Circle::new(c, 0.0),
            Err(GeoError::NotPositive { .. })
        ));
        assert!(matches!(
            Circle::new(c, f64::NAN),
            Err(GeoError::NotPositive { .. })
        ));
    }
}
