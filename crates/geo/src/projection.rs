//! A local azimuthal equidistant projection, in km.

use crate::latlon::LatLon;
use crate::measure::{bearing_deg, destination, distance_km};

/// Azimuthal equidistant projection about `centre`, in km: a point at
/// geodesic distance ρ and bearing θ from the centre maps to
/// (x, y) = (ρ sin θ, ρ cos θ), x east, y north.
///
/// Distances from the centre are exact. Elsewhere the scale across the
/// radial direction is (ρ/R) / sin(ρ/R), so lengths and areas are off by
/// about (ρ/R)²/6: 0.4% at 1,000 km from the centre, 1.1% at 1,500 km.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalProjection {
    pub centre: LatLon,
}

impl LocalProjection {
    pub fn new(centre: LatLon) -> Self {
        LocalProjection { centre }
    }

    /// Centred on the middle of the bounding box of `points`.
    pub fn around(points: &[LatLon]) -> Option<Self> {
        let first = points.first()?;
        let (mut s, mut n, mut w, mut e) = (first.lat, first.lat, first.lon, first.lon);
        for p in points {
            s = s.min(p.lat);
            n = n.max(p.lat);
            w = w.min(p.lon);
            e = e.max(p.lon);
        }
        Some(LocalProjection::new(LatLon {
            lat: (s + n) / 2.0,
            lon: (w + e) / 2.0,
        }))
    }

    /// Project to (x east, y north) in km.
    pub fn project(&self, p: LatLon) -> (f64, f64) {
        let d = distance_km(self.centre, p);
        if d == 0.0 {
            return (0.0, 0.0);
        }
        let t = bearing_deg(self.centre, p).to_radians();
        (d * t.sin(), d * t.cos())
    }

    /// Back from (x, y) in km to latitude/longitude.
    pub fn unproject(&self, x: f64, y: f64) -> LatLon {
        let d = x.hypot(y);
        if d == 0.0 {
            return self.centre;
        }
        let bearing = x.atan2(y).to_degrees().rem_euclid(360.0);
        destination(self.centre, bearing, d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_exact_distance_from_the_centre() {
        let proj = LocalProjection::new(LatLon::new(48.5, 31.0).unwrap());
        let lviv = LatLon::new(49.84, 24.03).unwrap();
        let (x, y) = proj.project(lviv);
        assert!((x.hypot(y) - distance_km(proj.centre, lviv)).abs() < 1e-9);
        assert!(x < 0.0 && y > 0.0, "Lviv is north-west: {x}, {y}");
        let back = proj.unproject(x, y);
        assert!((back.lat - lviv.lat).abs() < 1e-9 && (back.lon - lviv.lon).abs() < 1e-9);
    }

    #[test]
    fn distances_off_centre_are_within_half_a_percent_at_500_km() {
        let proj = LocalProjection::new(LatLon::new(48.5, 31.0).unwrap());
        let a = LatLon::new(50.45, 30.52).unwrap(); // Kyiv
        let b = LatLon::new(46.48, 30.72).unwrap(); // Odesa
        let (ax, ay) = proj.project(a);
        let (bx, by) = proj.project(b);
        let planar = (ax - bx).hypot(ay - by);
        let geodesic = distance_km(a, b);
        assert!(
            (planar / geodesic - 1.0).abs() < 0.005,
            "{planar} vs {geodesic}"
        );
    }
}
