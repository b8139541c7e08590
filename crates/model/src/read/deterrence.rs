//! Reading `[parameters.deterrence]`, `[parameters.escalation]` and a
//! dimension's `derive` list, with a located error for every unknown source,
//! out-of-range weight or share. References (contributors, capabilities, the
//! commitment dimension) are checked in `crate::validate`.

use super::{Cx, Range01, Tbl, sub};
use crate::deterrence::*;
use crate::diagnostic::ProblemKind;
use crate::suggest::closest;

pub(super) fn read_deterrence(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> DeterrenceParameters {
    let d = DeterrenceParameters::default();
    let breakthrough_ratio = t.num_or(
        "breakthrough_ratio",
        Range01::AtLeastOne,
        cx,
        d.breakthrough_ratio,
    );
    let decisiveness = t.num_or("decisiveness", Range01::Positive, cx, d.decisiveness);
    let attacker_personnel = t.num_or("attacker_personnel", Range01::NonNegative, cx, 0.0);
    let defender_personnel = t.num_or("defender_personnel", Range01::NonNegative, cx, 0.0);
    let combat_power = t.num_map("combat_power", Range01::NonNegative, cx);
    let axes = t.tables("axes", "axis", cx, |a, cx| Axis {
        id: a.req_str("id", cx),
        name: a.str_or("name", cx, ""),
        attacker_share: a.req_num("attacker_share", Range01::Unit, cx),
        defender_share: a.req_num("defender_share", Range01::Unit, cx),
        guarantor_share: a.num_or("guarantor_share", Range01::Unit, cx, 0.0),
        source: a.str_or("source", cx, ""),
    });
    let commitment_dimension = t.str_or("commitment_dimension", cx, "");
    let us_actors = t.str_list("us_actors", cx);
    let commitment_weight = t.num_or("commitment_weight", Range01::Unit, cx, d.commitment_weight);
    let us_weight = t.num_or("us_weight", Range01::Unit, cx, d.us_weight);
    let tripwire_weight = t.num_or("tripwire_weight", Range01::Unit, cx, d.tripwire_weight);
    let tripwire_nations = t.num_or(
        "tripwire_nations",
        Range01::Positive,
        cx,
        d.tripwire_nations,
    );
    let half_distance_km = t.num_or(
        "half_distance_km",
        Range01::Positive,
        cx,
        d.half_distance_km,
    );
    let default_distance_km = t.num_or(
        "default_distance_km",
        Range01::NonNegative,
        cx,
        d.default_distance_km,
    );
    let weights = match sub(t, "weights", "section", cx) {
        Some(mut w) => {
            let path = w.path.clone();
            let span = w.span.clone();
            let dw = DeterrenceWeights::default();
            let before = cx.problems.len();
            let out = DeterrenceWeights {
                denial: w.num_or("denial", Range01::Unit, cx, dw.denial),
                punishment: w.num_or("punishment", Range01::Unit, cx, dw.punishment),
                judgement: w.num_or("judgement", Range01::Unit, cx, dw.judgement),
            };
            w.finish(cx);
            let sum = out.denial + out.punishment + out.judgement;
            let in_range = cx.problems.len() == before;
            if in_range && (sum - 1.0).abs() > 1e-9 {
                cx.error(
                    ProblemKind::Inconsistent,
                    span,
                    format!(
                        "the deterrence weights in `{path}` must add up to 1, found {}",
                        crate::number::fmt(sum)
                    ),
                    "weights of denial, punishment and judgement",
                    Some("make denial + punishment + judgement = 1, e.g. 0.4, 0.4 and 0.2".into()),
                );
            }
            out
        }
        None => d.weights.clone(),
    };
    DeterrenceParameters {
        breakthrough_ratio,
        decisiveness,
        attacker_personnel,
        defender_personnel,
        combat_power,
        axes,
        commitment_dimension,
        us_actors,
        commitment_weight,
        us_weight,
        tripwire_weight,
        tripwire_nations,
        half_distance_km,
        default_distance_km,
        weights,
    }
}

pub(super) fn read_escalation(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> EscalationParameters {
    let d = EscalationParameters::default();
    let direct_combat_capabilities = t.str_list("direct_combat_capabilities", cx);
    EscalationParameters {
        direct_combat_capabilities,
        direct_combat_weight: t.num_or(
            "direct_combat_weight",
            Range01::Unit,
            cx,
            d.direct_combat_weight,
        ),
        targets_weight: t.num_or("targets_weight", Range01::Unit, cx, d.targets_weight),
    }
}

pub(super) fn read_derivation(t: &mut Tbl<'_, '_>, cx: &mut Cx) -> Derivation {
    let from = match t.opt_str("from", cx) {
        Some(s) => match DeriveSource::ALL.iter().find(|(w, _)| *w == s) {
            Some((_, k)) => *k,
            None => {
                let names: Vec<&str> = DeriveSource::ALL.iter().map(|w| w.0).collect();
                let path = t.key_path("from");
                let near = closest(&s, &names)
                    .map(|n| format!("did you mean \"{n}\"? "))
                    .unwrap_or_default();
                cx.error(
                    ProblemKind::UnknownValue,
                    cx.spans.get(&path),
                    format!("unknown derive source \"{s}\" in `{path}`"),
                    "unknown source",
                    Some(format!(
                        "{near}a level can be derived from: {}",
                        names.join(", ")
                    )),
                );
                DeriveSource::UnitShare
            }
        },
        None => {
            if t.t.get("from").is_none() {
                t.missing("from", cx, "\"unit_share\"");
            }
            DeriveSource::UnitShare
        }
    };
    Derivation {
        from,
        contributors: t.str_list("contributors", cx),
        members_of: t.str_list("members_of", cx),
        capabilities: t.str_list("capabilities", cx),
        in_theatre_only: t.bool_or("in_theatre_only", cx, false),
        full_at: t.req_num("full_at", Range01::Positive, cx),
        level_at_full: t.num_or("level_at_full", Range01::Unit, cx, 1.0),
        statement: t.str_or("statement", cx, ""),
    }
}
