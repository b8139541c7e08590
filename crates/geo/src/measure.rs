//! Geodesic measures on WGS84 (Karney 2013, through the `geo` crate).

use crate::latlon::LatLon;
use geo::{Bearing, Destination, Distance, Geodesic, GeodesicArea, LineString, Polygon};

/// Geodesic distance in km between two points on WGS84.
///
/// Example: Rzeszów-Jasionka (50.11, 22.02) → Kyiv (50.45, 30.52) = 606 km
/// (the reference note's haversine on a 6,371 km sphere gives 605).
///
/// ```
/// use guarantor_geo::{distance_km, LatLon};
/// let rzeszow = LatLon::new(50.11, 22.02).unwrap();
/// let kyiv = LatLon::new(50.45, 30.52).unwrap();
/// assert!((distance_km(rzeszow, kyiv) - 605.0).abs() < 3.0);
/// ```
pub fn distance_km(a: LatLon, b: LatLon) -> f64 {
    Geodesic.distance(a.point(), b.point()) / 1000.0
}

/// Initial bearing from `a` to `b`, degrees clockwise from north, 0..360.
pub fn bearing_deg(a: LatLon, b: LatLon) -> f64 {
    Geodesic.bearing(a.point(), b.point()).rem_euclid(360.0)
}

/// The point `distance_km` from `origin` along the geodesic that leaves it
/// at `bearing_deg` (clockwise from north).
pub fn destination(origin: LatLon, bearing_deg: f64, distance_km: f64) -> LatLon {
    LatLon::from_point(Geodesic.destination(origin.point(), bearing_deg, distance_km * 1000.0))
}

/// Geodesic area in km² of a closed ring, whatever its winding.
pub fn geodesic_area_km2(ring: &[LatLon]) -> f64 {
    let ls: LineString<f64> = ring.iter().map(|p| (p.lon, p.lat)).collect();
    ring_area_km2(Polygon::new(ls, vec![]))
}

/// Geodesic area in km² of a lon/lat polygon with holes, whatever the
/// winding of its rings (each is measured as the smaller of its two sides).
pub(crate) fn ring_area_km2(poly: Polygon<f64>) -> f64 {
    let outer = Polygon::new(poly.exterior().clone(), vec![]);
    let holes: f64 = poly
        .interiors()
        .iter()
        .map(|r| Polygon::new(r.clone(), vec![]).geodesic_area_signed().abs())
        .sum();
    (outer.geodesic_area_signed().abs() - holes) / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shapes::{Circle, Polyline};

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    #[test]
    fn a_degree_of_latitude_at_50_north_is_111_2_km() {
        // WGS84 meridian arc from 49.5 to 50.5 N: 111.22 km (Karney's
        // GeodSolve gives 111,224 m).
        let d = distance_km(p(49.5, 30.0), p(50.5, 30.0));
        assert!((d - 111.22).abs() < 0.01, "{d}");
    }

    #[test]
    fn rzeszow_to_kyiv_is_about_605_km() {
        // The reference note's haversine on a sphere of 6,371 km gives 605;
        // the ellipsoid differs by well under 0.5%.
        let d = distance_km(p(50.11, 22.02), p(50.45, 30.52));
        assert!((d - 605.0).abs() < 3.0, "{d}");
    }

    #[test]
    fn bearing_due_east_and_destination_round_trip() {
        let a = p(50.0, 30.0);
        let b = destination(a, 90.0, 100.0);
        assert!((distance_km(a, b) - 100.0).abs() < 1e-6);
        assert!((bearing_deg(a, b) - 90.0).abs() < 1e-9);
        assert!((b.lat - 50.0).abs() < 0.02, "{b:?}");
    }

    #[test]
    fn polyline_length_is_the_sum_of_its_geodesics() {
        let line = Polyline::new(vec![p(50.0, 30.0), p(50.0, 31.0), p(51.0, 31.0)]).unwrap();
        let expected =
            distance_km(p(50.0, 30.0), p(50.0, 31.0)) + distance_km(p(50.0, 31.0), p(51.0, 31.0));
        assert!((line.length_km() - expected).abs() < 1e-9);
        // 1° of longitude at 50 N ≈ 71.7 km, 1° of latitude ≈ 111.2 km.
        assert!(
            (line.length_km() - 182.9).abs() < 0.5,
            "{}",
            line.length_km()
        );
    }

    #[test]
    fn a_one_degree_square_at_50_north_is_about_7_890_km2() {
        // A degree of latitude at 50.5 N is 111.23 km; a degree of longitude
        // is a cos φ / √(1 − e² sin² φ) × π/180 = 6,378.137 × 0.63608 ÷
        // 0.99800 × 0.0174533 = 70.95 km; 111.23 × 70.95 = 7,892 km².
        // Winding does not matter.
        let ring = [
            p(50.0, 30.0),
            p(50.0, 31.0),
            p(51.0, 31.0),
            p(51.0, 30.0),
            p(50.0, 30.0),
        ];
        let a = geodesic_area_km2(&ring);
        let mut rev = ring.to_vec();
        rev.reverse();
        assert!((a - geodesic_area_km2(&rev)).abs() < 1e-6);
        assert!((a - 7_892.0).abs() < 10.0, "{a}");
    }

    #[test]
    fn a_circle_of_100_km_has_the_area_of_its_72_gon() {
        // π × 100² = 31,416 km²; the inscribed 72-gon is 0.13% smaller.
        let c = Circle::new(p(48.0, 31.0), 100.0).unwrap();
        let a = c.zone().area_km2();
        let polygon = 0.5 * 72.0 * 100.0_f64.powi(2) * (2.0 * std::f64::consts::PI / 72.0).sin();
        assert!((a - polygon).abs() / polygon < 0.002, "{a} vs {polygon}");
    }
}
