//! Point coverage of defended places by air-defence sites.
//!
//! A site placed at a defended place protects every defended place within the
//! system's coverage radius against a given threat class (a Patriot battery
//! reaches far further against aircraft and cruise missiles than against
//! ballistic missiles). Sites are chosen greedily (the classic set-cover
//! heuristic, within a factor ln n of the fewest): at each step the place
//! whose circle holds the most still-undefended places, ties to the earlier
//! place in the list.

use crate::error::{GeoError, positive};
use crate::latlon::LatLon;
use crate::measure::distance_km;
use crate::shapes::Circle;
use serde::Serialize;

/// An air-defence site and the defended places it covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// Index of the defended place where the site stands.
    pub at: usize,
    pub location: LatLon,
    pub radius_km: f64,
    /// Indices of the defended places within its radius (including `at`).
    pub covers: Vec<usize>,
}

impl Site {
    pub fn circle(&self) -> Circle {
        Circle {
            centre: self.location,
            radius_km: self.radius_km,
        }
    }
}

/// Sites needed so that every place is within `radius_km` of one.
///
/// Example: Kyiv (50.45, 30.52) and Zhytomyr (50.25, 28.66), 134 km apart,
/// with a cruise-missile radius of 160 km → one site (at Kyiv); against
/// ballistic missiles at 40 km → two sites.
///
/// ```
/// use guarantor_geo::{airdefence::point_coverage, LatLon};
/// let places = [LatLon::new(50.45, 30.52).unwrap(), LatLon::new(50.25, 28.66).unwrap()];
/// assert_eq!(point_coverage(&places, 160.0).unwrap().len(), 1);
/// assert_eq!(point_coverage(&places, 40.0).unwrap().len(), 2);
/// ```
pub fn point_coverage(places: &[LatLon], radius_km: f64) -> Result<Vec<Site>, GeoError> {
    positive("air-defence coverage radius", "km", radius_km)?;
    let n = places.len();
    let reach: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| distance_km(places[i], places[j]) <= radius_km)
                .collect()
        })
        .collect();
    let mut defended = vec![false; n];
    let mut sites = Vec::new();
    while defended.iter().any(|d| !d) {
        let (best, gain) = (0..n)
            .map(|i| (i, reach[i].iter().filter(|&&j| !defended[j]).count()))
            .fold((0, 0), |acc, x| if x.1 > acc.1 { x } else { acc });
        if gain == 0 {
            break; // unreachable: every place covers itself
        }
        for &j in &reach[best] {
            defended[j] = true;
        }
        sites.push(Site {
            at: best,
            location: places[best],
            radius_km,
            covers: reach[best].clone(),
        });
    }
    Ok(sites)
}

/// For each place, whether some circle holds it.
pub fn covered(places: &[LatLon], circles: &[Circle]) -> Vec<bool> {
    places
        .iter()
        .map(|p| circles.iter().any(|c| c.contains(*p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    #[test]
    fn kyiv_and_zhytomyr_share_a_site_against_cruise_missiles_not_ballistic() {
        let places = [p(50.45, 30.52), p(50.25, 28.66)];
        let d = distance_km(places[0], places[1]);
        assert!((d - 134.0).abs() < 2.0, "{d}");
        let cruise = point_coverage(&places, 160.0).unwrap();
        assert_eq!(cruise.len(), 1);
        assert_eq!(cruise[0].covers, vec![0, 1]);
        let ballistic = point_coverage(&places, 40.0).unwrap();
        assert_eq!(ballistic.len(), 2);
    }

    #[test]
    fn greedy_picks_the_middle_place_of_three_in_a_row() {
        // Three places 100 km apart on a meridian: a 110 km radius from the
        // middle one covers all three.
        let a = p(50.0, 30.0);
        let b = crate::measure::destination(a, 0.0, 100.0);
        let c = crate::measure::destination(b, 0.0, 100.0);
        let sites = point_coverage(&[a, b, c], 110.0).unwrap();
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].at, 1);
        assert_eq!(covered(&[a, b, c], &[sites[0].circle()]), vec![true; 3]);
    }

    #[test]
    fn no_places_need_no_sites_and_a_zero_radius_is_an_error() {
        assert!(point_coverage(&[], 40.0).unwrap().is_empty());
        assert!(matches!(
            point_coverage(&[p(50.0, 30.0)], 0.0),
            Err(GeoError::NotPositive { .. })
        ));
    }
}
