//! Geography for Guarantor: places, lines and zones on the WGS84 ellipsoid,
//! the coverings and coverages that force sizing needs, and SVG maps drawn on
//! an embedded Natural Earth basemap.
//!
//! # Method and error
//!
//! * **Distances, bearings and destinations** are geodesics on the WGS84
//!   ellipsoid, solved with Karney's algorithms (*Algorithms for geodesics*,
//!   J. Geodesy 87, 2013) as implemented by the `geo` crate
//!   (`geo::Geodesic`, through `geographiclib-rs`). Their error is of the
//!   order of nanometres, far below the precision of any input here: a
//!   coordinate given to 2 decimals is uncertain by ±0.55 km in latitude.
//! * **Areas** of polygons are geodesic areas on the same ellipsoid
//!   (`geo::GeodesicArea`, Karney 2013), exact for polygons whose edges are
//!   geodesics.
//! * **Coverings, stand-off and clipping** are planar operations in a local
//!   azimuthal equidistant projection centred on the area studied
//!   ([`LocalProjection`]). Distances from the centre are exact; other
//!   distances and areas are off by a factor of about 1 + (ρ/R)²/6 at a
//!   distance ρ from the centre (R = 6,371 km): under 0.5% within 1,000 km,
//!   about 1.1% at 1,500 km. Areas reported to the user (zone, uncovered) are
//!   measured geodesically after projecting back, so only the shape of the
//!   clipping carries the planar error. Circles are drawn as 72-sided
//!   polygons, whose area is 0.13% below the circle's.
//!
//! Bad input (coordinates out of range, open or self-intersecting polygons,
//! radii that are not positive) gives a typed [`GeoError`], never a panic.

pub mod airdefence;
pub mod basemap;
pub mod cover;
mod error;
mod latlon;
pub mod measure;
pub mod projection;
pub mod shapes;
pub mod svg;

pub use error::GeoError;
pub use latlon::LatLon;
pub use measure::{bearing_deg, destination, distance_km};
pub use projection::LocalProjection;
pub use shapes::{Circle, Polyline, Zone};
