use thiserror::Error;

/// What can be wrong with geographic input. Every variant says what was
/// found and, where it helps, how to fix it.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeoError {
    #[error(
        "coordinate out of range: latitude {lat}, longitude {lon} (latitude must be within -90..90 and longitude within -180..180, in decimal degrees)"
    )]
    CoordinateOutOfRange { lat: f64, lon: f64 },

    #[error("coordinate is not a number: latitude {lat}, longitude {lon}")]
    NotANumber { lat: f64, lon: f64 },

    #[error(
        "polygon is not closed: it starts at {first_lat}, {first_lon} but ends at {last_lat}, {last_lon} (repeat the first point at the end)"
    )]
    NotClosed {
        first_lat: f64,
        first_lon: f64,
        last_lat: f64,
        last_lon: f64,
    },

    #[error("polygon has {distinct} distinct points; it needs at least 3")]
    TooFewPoints { distinct: usize },

    #[error(
        "polygon intersects itself: edge {first} (from point {first}) crosses edge {second} (from point {second}); list the points in order around the boundary"
    )]
    SelfIntersecting { first: usize, second: usize },

    #[error(
        "polygon spans {span_deg:.1} degrees of longitude; zones must not cross the antimeridian or span more than 90 degrees"
    )]
    TooWide { span_deg: f64 },

    #[error("polyline has {points} points; it needs at least 2")]
    PolylineTooShort { points: usize },

    #[error("{what} must be a positive number of {unit}, got {value}")]
    NotPositive {
        what: &'static str,
        unit: &'static str,
        value: f64,
    },

    #[error("{what} must not be negative, got {value}")]
    Negative { what: &'static str, value: f64 },

    #[error("nothing to cover: the list of zones is empty")]
    NothingToCover,

    #[error(
        "the area studied is {extent_km:.0} km across; the local projection is only accurate within about 3,000 km"
    )]
    TooLarge { extent_km: f64 },

    #[error(
        "about {estimate:.0} lattice cells would be needed (limit {limit}); the engagement radius is too small for the zone"
    )]
    TooManyStations { estimate: f64, limit: usize },

    #[error("basemap data is malformed: {0}")]
    Basemap(String),
}

/// Check that `value` is a finite number above zero.
pub(crate) fn positive(
    what: &'static str,
    unit: &'static str,
    value: f64,
) -> Result<f64, GeoError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(GeoError::NotPositive { what, unit, value })
    }
}

/// Check that `value` is a finite number, zero or above.
pub(crate) fn non_negative(what: &'static str, value: f64) -> Result<f64, GeoError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(GeoError::Negative { what, value })
    }
}
