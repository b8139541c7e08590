//! The default scenario's declarations: groups move together, red lines hold
//! with probability 1 − flexibility, and the nominal values are the file's.

use guarantor_uncertainty::{Plan, Sampler, Space};

#[test]
fn a_group_is_one_factor_and_its_members_move_together() {
    let s = guarantor_model::default_scenario();
    let space = Space::new(&s).unwrap();
    let members: Vec<_> = space
        .parameters
        .iter()
        .filter(|p| p.group == "european_fighter_readiness")
        .collect();
    assert_eq!(members.len(), 4);
    let f = members[0].factor;
    assert!(members.iter().all(|p| p.factor == f));
    assert_eq!(space.factors[f], "group european_fighter_readiness");
    let plan = Plan::new(Sampler::Lhs, 3, 200, space.n_factors());
    let idx: Vec<usize> = space
        .parameters
        .iter()
        .enumerate()
        .filter(|(_, p)| p.group == "european_fighter_readiness")
        .map(|(i, _)| i)
        .collect();
    let rows: Vec<Vec<f64>> = (0..200).map(|i| space.values(&plan.draw(i))).collect();
    // Comonotone: sorting the draws by one member sorts them by every member.
    let mut order: Vec<usize> = (0..200).collect();
    order.sort_by(|&a, &b| rows[a][idx[0]].total_cmp(&rows[b][idx[0]]));
    for &m in &idx[1..] {
        assert!(order.windows(2).all(|w| rows[w[0]][m] <= rows[w[1]][m]));
    }
}

#[test]
fn red_lines_hold_with_one_minus_flexibility_unless_p_is_given() {
    let s = guarantor_model::default_scenario();
    let space = Space::new(&s).unwrap();
    let p = space
        .parameters
        .iter()
        .find(|p| p.path == "actors.ru.red_lines.no_foreign_air_policing_over_ukraine.holds")
        .unwrap();
    assert_eq!(p.p_holds, Some(0.7));
    assert_eq!(p.nominal, 1.0);
    assert!(p.is_red_line());
}

#[test]
fn nominal_values_are_the_scenario_as_written_and_a_draw_changes_them() {
    let s = guarantor_model::default_scenario();
    let space = Space::new(&s).unwrap();
    let land = space
        .parameters
        .iter()
        .find(|p| p.path == "parameters.rotation.land")
        .unwrap();
    assert_eq!(land.nominal, 3.0);
    let plan = Plan::new(Sampler::Mc, 1, 10, space.n_factors());
    let values = space.values(&plan.draw(0));
    let c = space.scenario(&s, &values);
    let i = space
        .parameters
        .iter()
        .position(|p| p.path == "parameters.rotation.land")
        .unwrap();
    assert_eq!(c.rotation_ratio("land"), values[i]);
    assert_ne!(c.rotation_ratio("land"), 3.0);
    // The base scenario is untouched.
    assert_eq!(s.rotation_ratio("land"), 3.0);
}

#[test]
fn all_red_lines_adds_the_undeclared_flexible_ones_once() {
    let s = guarantor_model::default_scenario();
    let flexible = s
        .actors
        .iter()
        .flat_map(|a| &a.red_lines)
        .filter(|r| r.flexibility > 0.0 && r.flexibility < 1.0)
        .count();
    let declared = s
        .uncertainty
        .iter()
        .filter(|u| u.path.ends_with(".holds"))
        .count();
    let all = guarantor_uncertainty::with_all_red_lines(&s);
    assert_eq!(
        all.uncertainty.len(),
        s.uncertainty.len() + flexible - declared
    );
    let space = Space::new(&all).unwrap();
    let us = space
        .parameters
        .iter()
        .find(|p| p.path == "actors.us.red_lines.no_us_ground_troops.holds")
        .unwrap();
    assert_eq!(us.p_holds, Some(0.95));
    // Applying it twice adds nothing more.
    assert_eq!(
        guarantor_uncertainty::with_all_red_lines(&all)
            .uncertainty
            .len(),
        all.uncertainty.len()
    );
}
