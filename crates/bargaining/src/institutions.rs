//! Institutional switches applied to a model's forecast point: an agenda-setter's pull,
//! a pull towards the status quo, and veto players who block any move that leaves them
//! worse off than the status quo. They carry the DEU III features that mean something
//! outside the EU to `guarantor forecast` (`--set KEY=VALUE`, see [`Institutions::set`]).
//!
//! Every switch is off by default, so a forecast is the model's own unless asked
//! otherwise; `docs/forecast.md` explains why (on DEU III none of the three improved
//! cross-validated forecasts of real outcomes). Order: the agenda setter's pull, then
//! the status-quo pull, then the veto constraint (a veto binds whatever is proposed).
//! Each dimension is treated on its own (0–100 scale).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Who can veto.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "actors")]
pub enum Veto {
    /// Nobody (default).
    #[default]
    None,
    /// The actors whose acceptance the scenario requires (`required_acceptance`);
    /// resolved by the caller into [`Veto::Actors`].
    Required,
    /// These actors (by name).
    Actors(Vec<String>),
}

/// The switches. `Default` is "all off": the model's forecast unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Institutions {
    /// Status quo per dimension name (0–100); needed by `status_quo_pull` and `veto`.
    pub status_quo: Vec<(String, f64)>,
    /// Share w ∈ [0, 1] of the way from the forecast to the status quo (default 0).
    pub status_quo_pull: f64,
    /// Veto players (default none).
    pub veto: Veto,
    /// The actor that writes the proposal, if any (default none).
    pub agenda_setter: Option<String>,
    /// Share w ∈ [0, 1] of the way from the forecast to the setter's position (default
    /// 0.5 once a setter is named: halfway, no more supported than any other value).
    pub agenda_weight: Option<f64>,
}

/// The keys [`Institutions::set`] accepts (`status_quo.DIM` takes a dimension name).
pub const INSTITUTION_KEYS: &[&str] = &[
    "status_quo.DIM",
    "status_quo_pull",
    "veto",
    "agenda_setter",
    "agenda_weight",
];

/// Pull of x towards a target: x + w (target − x), in the unit of x (points).
/// Source: the linear "pull" of the DEU III fitted model, e.g. the status-quo
/// coefficient (`docs/forecast.md`). Example: x = 60, target 20, w = 0.25 give 50.
pub fn pull(x: f64, target: f64, w: f64) -> f64 {
    x + w * (target - x)
}

/// The set of points no veto player rejects against the status quo q, on one dimension
/// (points): player i accepts y when |y − p_i| ≤ |q − p_i|, i.e. y ∈ [p_i − |q − p_i|,
/// p_i + |q − p_i|]; the set is the intersection over the players, and always holds q.
/// Source: Tsebelis (2002), *Veto Players*, the unanimity winset of the status quo in
/// one dimension. `None` without veto players.
///
/// Example: q = 20, players at 50 and 80 give [20, 80] ∩ [20, 140] = [20, 80].
pub fn veto_interval(status_quo: f64, players: &[f64]) -> Option<(f64, f64)> {
    players.iter().fold(None, |acc, &p| {
        let r = (status_quo - p).abs();
        let (lo, hi) = (p - r, p + r);
        Some(match acc {
            None => (lo, hi),
            Some((a, b)) => (f64::max(a, lo), f64::min(b, hi)),
        })
    })
}

/// The result of [`Institutions::apply`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjusted {
    /// The model's own forecast point (0–100 per dimension).
    pub model_outcome: Vec<f64>,
    /// After the switches (0–100 per dimension).
    pub outcome: Vec<f64>,
    /// What each switch did, in order, in words.
    pub steps: Vec<String>,
}

fn unit_share(key: &str, value: &str) -> Result<f64> {
    match value.trim().parse::<f64>() {
        Ok(w) if (0.0..=1.0).contains(&w) => Ok(w),
        _ => Err(Error::UnknownName {
            what: format!("value of {key}"),
            given: value.to_string(),
            allowed: "a number from 0 to 1".into(),
        }),
    }
}

impl Institutions {
    /// Whether every switch is off.
    pub fn is_off(&self) -> bool {
        self.status_quo_pull == 0.0 && self.veto == Veto::None && self.agenda_setter.is_none()
    }

    /// Sets one switch; `Ok(false)` when `key` is not an institution switch (so the
    /// caller can pass it to the model). Keys: `status_quo.DIM` (0–100),
    /// `status_quo_pull` (0–1), `veto` (`none`, `required` or comma-separated actor
    /// names), `agenda_setter` (an actor name), `agenda_weight` (0–1).
    pub fn set(&mut self, key: &str, value: &str) -> Result<bool> {
        let k = key.trim();
        if let Some(dim) = k.strip_prefix("status_quo.") {
            let v = value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| (0.0..=100.0).contains(v))
                .ok_or_else(|| Error::UnknownName {
                    what: format!("value of {k}"),
                    given: value.to_string(),
                    allowed: "a level on the input's scale".into(),
                })?;
            self.status_quo.retain(|(d, _)| d != dim);
            self.status_quo.push((dim.to_string(), v));
            return Ok(true);
        }
        match k {
            "status_quo_pull" => self.status_quo_pull = unit_share(k, value)?,
            "agenda_weight" => self.agenda_weight = Some(unit_share(k, value)?),
            "agenda_setter" => self.agenda_setter = Some(value.trim().to_string()),
            "veto" => {
                self.veto = match value.trim() {
                    "none" | "" => Veto::None,
                    "required" => Veto::Required,
                    list => Veto::Actors(list.split(',').map(|a| a.trim().to_string()).collect()),
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Applies the switches to a forecast point `outcome` (0–100 per dimension of
    /// `scenario`). Errors name the missing status quo or the unknown actor.
    pub fn apply(&self, scenario: &Scenario, outcome: &[f64]) -> Result<Adjusted> {
        let mut x = outcome.to_vec();
        let mut steps = Vec::new();
        let actor = |name: &str| {
            scenario
                .actors
                .iter()
                .find(|a| a.name == name)
                .ok_or_else(|| Error::UnknownName {
                    what: "actor".into(),
                    given: name.to_string(),
                    allowed: scenario
                        .actors
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
        };
        let sq = |k: usize| -> Result<f64> {
            let d = &scenario.dimensions[k];
            self.status_quo
                .iter()
                .find(|(n, _)| n == d)
                .map(|p| p.1)
                .ok_or_else(|| {
                    Error::scenario(
                        format!("no status quo for dimension \"{d}\""),
                        format!("give --set status_quo.{d}=LEVEL (or a `default` level for the dimension in the scenario)"),
                    )
                })
        };
        if let Some(name) = &self.agenda_setter {
            let a = actor(name)?;
            let w = self.agenda_weight.unwrap_or(0.5);
            for (k, v) in x.iter_mut().enumerate() {
                *v = pull(*v, a.positions[k], w);
            }
            steps.push(format!(
                "agenda setter {name}: {w} of the way to its position"
            ));
        }
        if self.status_quo_pull > 0.0 {
            for (k, v) in x.iter_mut().enumerate() {
                *v = pull(*v, sq(k)?, self.status_quo_pull);
            }
            steps.push(format!(
                "status quo: {} of the way to it",
                self.status_quo_pull
            ));
        }
        let players: Vec<&str> = match &self.veto {
            Veto::None => Vec::new(),
            Veto::Required => {
                return Err(Error::scenario(
                    "veto=required was not resolved to actor names",
                    "list the veto players: --set veto=A,B",
                ));
            }
            Veto::Actors(list) => list.iter().map(String::as_str).collect(),
        };
        if !players.is_empty() {
            let actors = players
                .iter()
                .map(|n| actor(n))
                .collect::<Result<Vec<_>>>()?;
            for (k, v) in x.iter_mut().enumerate() {
                let pos: Vec<f64> = actors.iter().map(|a| a.positions[k]).collect();
                if let Some((lo, hi)) = veto_interval(sq(k)?, &pos) {
                    // max then min, not clamp: rounding may leave lo a hair above hi.
                    *v = v.max(lo).min(hi);
                }
            }
            steps.push(format!(
                "veto players {}: the outcome kept where none of them prefers the status quo",
                players.join(", ")
            ));
        }
        Ok(Adjusted {
            model_outcome: outcome.to_vec(),
            outcome: x,
            steps,
        })
    }
}
