//! A checked point on the WGS84 ellipsoid.

use crate::error::GeoError;
use serde::Serialize;

/// A point on the WGS84 ellipsoid, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

impl LatLon {
    /// A checked point: latitude within −90..90, longitude within −180..180.
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeoError> {
        if lat.is_nan() || lon.is_nan() {
            return Err(GeoError::NotANumber { lat, lon });
        }
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::CoordinateOutOfRange { lat, lon });
        }
        Ok(LatLon { lat, lon })
    }

    pub(crate) fn point(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }

    pub(crate) fn from_point(p: geo::Point<f64>) -> Self {
        LatLon {
            lat: p.y(),
            lon: p.x(),
        }
    }
}
