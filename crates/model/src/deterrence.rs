//! Scenario data for computed deterrence, escalation risk and levels that
//! follow the allocation (plain data; the formulas are in the engine's
//! `deterrence` and `derive` modules, documented in docs/model.md §1 and §5).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[parameters.deterrence]`: inputs of denial and punishment and the weights
/// of the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeterrenceParameters {
    /// Force ratio an attacker needs at the point of attack (3, Mearsheimer 1989).
    #[serde(default = "d_breakthrough_ratio")]
    pub breakthrough_ratio: f64,
    /// Decisiveness m of the ratio contest function (1: the Tullock ratio form).
    #[serde(default = "d_decisiveness")]
    pub decisiveness: f64,
    /// Attacker personnel available for a renewed offensive.
    #[serde(default)]
    pub attacker_personnel: f64,
    /// The defended state's own personnel when no option caps them.
    #[serde(default)]
    pub defender_personnel: f64,
    /// Personnel-equivalents of combat power per deployed unit in the theatre,
    /// by capability id (ground personnel 1; a fighter, a battery, USD 1 m of
    /// materiel a year…). Capabilities not named add nothing.
    #[serde(default)]
    pub combat_power: BTreeMap<String, f64>,
    /// Axes or sectors of a renewed offensive; none: one axis holding everything.
    #[serde(default)]
    pub axes: Vec<Axis>,
    /// Dimension whose level is the strength of the commitment (0 assurances … 1 Article 5).
    #[serde(default)]
    pub commitment_dimension: String,
    /// Contributors whose share of the allocation is the US involvement (none by default).
    #[serde(default)]
    pub us_actors: Vec<String>,
    /// Most credibility the commitment alone gives (at strength 1).
    #[serde(default = "d_commitment_weight")]
    pub commitment_weight: f64,
    /// Most credibility US involvement alone gives (at share 1).
    #[serde(default = "d_us_weight")]
    pub us_weight: f64,
    /// Most credibility the tripwire alone gives (at full exposure).
    #[serde(default = "d_tripwire_weight")]
    pub tripwire_weight: f64,
    /// Exposed guarantor nations at which the tripwire is full.
    #[serde(default = "d_tripwire_nations")]
    pub tripwire_nations: f64,
    /// Distance from the line at which a nation's exposure halves, km.
    #[serde(default = "d_half_distance")]
    pub half_distance_km: f64,
    /// Distance of in-theatre forces from the line when an option gives none, km.
    #[serde(default = "d_default_distance")]
    pub default_distance_km: f64,
    /// Weights of denial, punishment and judgement in the total (sum 1).
    #[serde(default)]
    pub weights: DeterrenceWeights,
}

/// One axis or sector of a renewed offensive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Share of the attacker's personnel massed on this axis.
    pub attacker_share: f64,
    /// Share of the defended state's personnel holding this axis.
    pub defender_share: f64,
    /// Share of the guarantors' in-theatre combat power that bears on this axis.
    #[serde(default)]
    pub guarantor_share: f64,
    #[serde(default)]
    pub source: String,
}

/// Weights of the deterrence total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeterrenceWeights {
    pub denial: f64,
    pub punishment: f64,
    pub judgement: f64,
}

impl Default for DeterrenceWeights {
    fn default() -> Self {
        DeterrenceWeights {
            denial: 0.4,
            punishment: 0.4,
            judgement: 0.2,
        }
    }
}

fn d_breakthrough_ratio() -> f64 {
    3.0
}
fn d_decisiveness() -> f64 {
    1.0
}
fn d_commitment_weight() -> f64 {
    0.6
}
fn d_us_weight() -> f64 {
    0.5
}
fn d_tripwire_weight() -> f64 {
    0.5
}
fn d_tripwire_nations() -> f64 {
    5.0
}
fn d_half_distance() -> f64 {
    200.0
}
fn d_default_distance() -> f64 {
    300.0
}

impl Default for DeterrenceParameters {
    fn default() -> Self {
        DeterrenceParameters {
            breakthrough_ratio: d_breakthrough_ratio(),
            decisiveness: d_decisiveness(),
            attacker_personnel: 0.0,
            defender_personnel: 0.0,
            combat_power: BTreeMap::new(),
            axes: Vec::new(),
            commitment_dimension: String::new(),
            us_actors: Vec::new(),
            commitment_weight: d_commitment_weight(),
            us_weight: d_us_weight(),
            tripwire_weight: d_tripwire_weight(),
            tripwire_nations: d_tripwire_nations(),
            half_distance_km: d_half_distance(),
            default_distance_km: d_default_distance(),
            weights: DeterrenceWeights::default(),
        }
    }
}

/// `[parameters.escalation]`: weights of the escalation channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationParameters {
    /// Risk when guarantor units of these capabilities fly or fight in the
    /// theatre: direct combat with the attacker's aircraft (a no-fly zone); none by default.
    #[serde(default)]
    pub direct_combat_capabilities: Vec<String>,
    /// Most risk from direct combat.
    #[serde(default = "d_direct_weight")]
    pub direct_combat_weight: f64,
    /// Most risk from guarantor forces in the theatre that the attacker has
    /// declared legitimate targets, at the line (scaled by exposure).
    #[serde(default = "d_targets_weight")]
    pub targets_weight: f64,
}

fn d_direct_weight() -> f64 {
    0.5
}
fn d_targets_weight() -> f64 {
    0.4
}

impl Default for EscalationParameters {
    fn default() -> Self {
        EscalationParameters {
            direct_combat_capabilities: Vec::new(),
            direct_combat_weight: d_direct_weight(),
            targets_weight: d_targets_weight(),
        }
    }
}

/// What a derived level is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeriveSource {
    /// Share of the allocated units that the selected contributors supply,
    /// averaged over the capabilities allocated (each capability counts once).
    UnitShare,
    /// Units the selected contributors supply (summed over the capabilities).
    Units,
    /// Number of selected contributors that supply anything.
    Contributors,
}

impl DeriveSource {
    pub const ALL: [(&'static str, DeriveSource); 3] = [
        ("unit_share", DeriveSource::UnitShare),
        ("units", DeriveSource::Units),
        ("contributors", DeriveSource::Contributors),
    ];

    pub fn name(self) -> &'static str {
        match self {
            DeriveSource::UnitShare => "unit_share",
            DeriveSource::Units => "units",
            DeriveSource::Contributors => "contributors",
        }
    }
}

/// A level derived from the allocation: `level_at_full × min(1, value ÷ full_at)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    pub from: DeriveSource,
    /// Only these contributors (empty: every contributor).
    #[serde(default)]
    pub contributors: Vec<String>,
    /// Or members of these organisations.
    #[serde(default)]
    pub members_of: Vec<String>,
    /// Only these capabilities (empty: every capability).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// Only units in the theatre.
    #[serde(default)]
    pub in_theatre_only: bool,
    /// Value at which the derived level reaches `level_at_full`.
    pub full_at: f64,
    /// The derived level at and above `full_at`, on [0, 1].
    #[serde(default = "d_one")]
    pub level_at_full: f64,
    #[serde(default)]
    pub statement: String,
}

fn d_one() -> f64 {
    1.0
}
