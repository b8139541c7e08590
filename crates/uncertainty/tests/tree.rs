//! The classification tree of the analysis partitions the draws of the
//! package studied, and its failures are that package's.

use guarantor_uncertainty::{Options, PackageSet, analyse};

#[test]
fn the_tree_partitions_the_draws_and_counts_the_failures() {
    let s = guarantor_model::default_scenario();
    let r = analyse(
        &s,
        &Options {
            draws: 300,
            packages: PackageSet::Top(2),
            tornado_draws: 0,
            sobol_rows: 0,
            ..Options::default()
        },
        &(),
    )
    .unwrap();
    let t = r.tree.as_ref().unwrap();
    let top = &r.ranking[0];
    assert_eq!(t.package, top.label);
    assert_eq!(t.rules.iter().map(|x| x.draws).sum::<usize>(), 300);
    let failures = t.rules.iter().map(|x| x.failures).sum::<usize>();
    assert_eq!(failures, 300 - (top.passes.p * 300.0).round() as usize);
    assert!(t.rules.iter().all(|x| x.draws >= t.params.min_leaf));
    // The root line counts every draw.
    assert!(t.text.starts_with(&format!(
        "all draws: fails in {:.1}% ({failures} of 300 draws)",
        100.0 * failures as f64 / 300.0
    )));
    // PRIM on cost above its 75th percentile: a quarter of the draws at most.
    let cost = r
        .outcome_boxes
        .iter()
        .find(|d| {
            d.outcome
                .starts_with("cost per year above its 75th percentile")
        })
        .expect("the top package's cost varies");
    assert!(
        cost.failures <= 75 && cost.failures >= 10,
        "{}",
        cost.failures
    );
    assert_eq!(cost.draws, 300);
    assert!(cost.boxes.len() <= 1);
    // No tree when its depth is 0.
    let none = analyse(
        &s,
        &Options {
            draws: 50,
            packages: PackageSet::Top(1),
            tornado_draws: 0,
            sobol_rows: 0,
            cart: guarantor_uncertainty::cart::CartParams {
                max_depth: 0,
                min_leaf: 20,
            },
            ..Options::default()
        },
        &(),
    )
    .unwrap();
    assert!(none.tree.is_none());
}
