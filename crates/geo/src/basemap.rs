//! The embedded basemap: Natural Earth country outlines, land borders and
//! coastlines for Ukraine and its neighbours (public domain), converted by
//! `tools/basemap/convert.py`; see `crates/geo/data/NOTICE.md`.
//!
//! Borders are the internationally recognised ones: Crimea is part of
//! Ukraine, and is also given as an occupied-territory feature so maps can
//! show it as such. Nothing is downloaded at run time.

use crate::error::GeoError;
use crate::latlon::LatLon;
use serde_json::Value;

/// The GeoJSON written by `tools/basemap/convert.py`.
pub const UKRAINE_GEOJSON: &str = include_str!("../data/basemap-ukraine.geojson");

/// A country's outline: polygons, each an outer ring then holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub name: String,
    /// ISO 3166-1 numeric code (Ukraine "804").
    pub iso_n3: String,
    pub polygons: Vec<Vec<Vec<LatLon>>>,
}

/// A piece of land border between two countries.
#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    pub countries: [String; 2],
    pub line: Vec<LatLon>,
}

/// Territory shown as occupied.
#[derive(Debug, Clone, PartialEq)]
pub struct Occupied {
    pub name: String,
    pub ring: Vec<LatLon>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Basemap {
    pub source: String,
    /// west, south, east, north (degrees).
    pub bbox: [f64; 4],
    pub countries: Vec<Country>,
    pub borders: Vec<Border>,
    pub coasts: Vec<Vec<LatLon>>,
    pub occupied: Vec<Occupied>,
}

impl Basemap {
    /// The embedded basemap around Ukraine.
    pub fn ukraine() -> Result<Basemap, GeoError> {
        Basemap::parse(UKRAINE_GEOJSON)
    }

    pub fn country(&self, name: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.name == name)
    }

    /// Parse the converter's GeoJSON.
    pub fn parse(text: &str) -> Result<Basemap, GeoError> {
        let bad = |m: &str| GeoError::Basemap(m.to_string());
        let v: Value = serde_json::from_str(text).map_err(|e| GeoError::Basemap(e.to_string()))?;
        let source = v["source"].as_str().unwrap_or("").to_string();
        let bbox_v = v["bbox"].as_array().ok_or_else(|| bad("no bbox"))?;
        if bbox_v.len() != 4 {
            return Err(bad("bbox must have 4 numbers"));
        }
        let mut bbox = [0.0; 4];
        for (b, x) in bbox.iter_mut().zip(bbox_v) {
            *b = x.as_f64().ok_or_else(|| bad("bbox must be numbers"))?;
        }
        let mut map = Basemap {
            source,
            bbox,
            countries: vec![],
            borders: vec![],
            coasts: vec![],
            occupied: vec![],
        };
        let features = v["features"].as_array().ok_or_else(|| bad("no features"))?;
        for f in features {
            let props = &f["properties"];
            let geom = &f["geometry"];
            let coords = &geom["coordinates"];
            let name = props["name"].as_str().unwrap_or("").to_string();
            match props["kind"].as_str() {
                Some("country") => map.countries.push(Country {
                    name,
                    iso_n3: props["iso_n3"].as_str().unwrap_or("").to_string(),
                    polygons: coords
                        .as_array()
                        .ok_or_else(|| bad("country without polygons"))?
                        .iter()
                        .map(rings)
                        .collect::<Result<_, _>>()?,
                }),
                Some("occupied") => map.occupied.push(Occupied {
                    name,
                    ring: rings(coords)?
                        .into_iter()
                        .next()
                        .ok_or_else(|| bad("occupied zone without a ring"))?,
                }),
                Some("border") => {
                    let c = props["countries"]
                        .as_array()
                        .filter(|c| c.len() == 2)
                        .ok_or_else(|| bad("border without two countries"))?;
                    let name = |i: usize| c[i].as_str().unwrap_or("").to_string();
                    map.borders.push(Border {
                        countries: [name(0), name(1)],
                        line: line(coords)?,
                    });
                }
                Some("coast") => map.coasts.push(line(coords)?),
                _ => return Err(bad("feature of unknown kind")),
            }
        }
        Ok(map)
    }
}

fn line(v: &Value) -> Result<Vec<LatLon>, GeoError> {
    v.as_array()
        .ok_or_else(|| GeoError::Basemap("expected a list of positions".into()))?
        .iter()
        .map(|pos| {
            let lon = pos[0].as_f64();
            let lat = pos[1].as_f64();
            match (lat, lon) {
                (Some(lat), Some(lon)) => LatLon::new(lat, lon),
                _ => Err(GeoError::Basemap("a position is not [lon, lat]".into())),
            }
        })
        .collect()
}

fn rings(v: &Value) -> Result<Vec<Vec<LatLon>>, GeoError> {
    v.as_array()
        .ok_or_else(|| GeoError::Basemap("expected a list of rings".into()))?
        .iter()
        .map(line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::geodesic_area_km2;

    #[test]
    fn ukraine_with_crimea_has_its_official_area_within_2_percent() {
        // Official area 603,628 km² (incl. Crimea and Sevastopol, 26,945 km²).
        let map = Basemap::ukraine().unwrap();
        let ua = map.country("Ukraine").unwrap();
        let area: f64 = ua
            .polygons
            .iter()
            .map(|p| {
                geodesic_area_km2(&p[0]) - p[1..].iter().map(|h| geodesic_area_km2(h)).sum::<f64>()
            })
            .sum();
        assert!((area - 603_628.0).abs() / 603_628.0 < 0.02, "{area}");
    }

    #[test]
    fn crimea_is_drawn_as_occupied_and_not_as_russia() {
        let map = Basemap::ukraine().unwrap();
        assert_eq!(map.occupied.len(), 1);
        let crimea = &map.occupied[0];
        // Simferopol (44.95, 34.10) lies inside the occupied ring.
        let simferopol = LatLon::new(44.95, 34.10).unwrap();
        let zone = crate::Zone::new(crimea.ring.clone()).unwrap();
        assert!(zone.contains(simferopol));
        let russia = map.country("Russia").unwrap();
        for p in &russia.polygons {
            let z = crate::Zone::new(p[0].clone());
            if let Ok(z) = z {
                assert!(!z.contains(simferopol), "Russia's outline holds Crimea");
            }
        }
        // No border is drawn across the isthmuses (Perekop 46.15 N 33.7 E,
        // Chonhar 46.05 N 34.5 E, the Arabat spit up to 35.2 E).
        for b in map
            .borders
            .iter()
            .filter(|b| b.countries.contains(&"Ukraine".to_string()))
        {
            for p in &b.line {
                let isthmus = (45.9..=46.3).contains(&p.lat) && (33.3..=35.3).contains(&p.lon);
                assert!(!isthmus, "{p:?} in {:?}", b.countries);
            }
        }
    }

    #[test]
    fn ukraine_borders_all_its_land_neighbours() {
        let map = Basemap::ukraine().unwrap();
        let mut n: Vec<&str> = map
            .borders
            .iter()
            .filter(|b| b.countries.contains(&"Ukraine".to_string()))
            .flat_map(|b| b.countries.iter().map(String::as_str))
            .filter(|c| *c != "Ukraine")
            .collect();
        n.sort();
        n.dedup();
        assert_eq!(
            n,
            [
                "Belarus", "Hungary", "Moldova", "Poland", "Romania", "Russia", "Slovakia"
            ]
        );
    }

    #[test]
    fn malformed_basemap_is_an_error_not_a_panic() {
        assert!(matches!(Basemap::parse("{"), Err(GeoError::Basemap(_))));
        assert!(matches!(
            Basemap::parse(
                r#"{"bbox":[0,0,1,1],"features":[{"properties":{"kind":"coast"},"geometry":{"coordinates":[[0,95]]}}]}"#
            ),
            Err(GeoError::CoordinateOutOfRange { .. })
        ));
    }
}
