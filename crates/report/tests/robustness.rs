//! The uncertainty section built from a small analysis of the default scenario.

use guarantor_report::robustness::uncertainty_section;
use guarantor_uncertainty::{Options, PackageSet, Sampler, analyse};

#[test]
fn the_uncertainty_section_shows_the_analysis_numbers() {
    // Exact codings (precision 0): the default's top packages pass in some
    // draws and fail in others, so P(pass) varies and Sobol' has a signal.
    let mut s = guarantor_model::default_scenario();
    s.parameters.acceptance_precision = 0.0;
    let r = analyse(
        &s,
        &Options {
            draws: 200,
            sampler: Sampler::Lhs,
            packages: PackageSet::Top(3),
            tornado_draws: 20,
            sobol_rows: 64,
            bootstrap: 20,
            ..Options::default()
        },
        &(),
    )
    .unwrap();
    let sec = uncertainty_section(&r).unwrap();
    assert_eq!(sec.id, "uncertainty");
    let ids: Vec<&str> = sec.figures.iter().map(|f| f.id.as_str()).collect();
    for id in ["fig-robust-ranking", "fig-tornado", "fig-sobol"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let d = r.discovery.as_ref().unwrap();
    assert!(
        !d.boxes.is_empty(),
        "the default scenario's top package fails somewhere"
    );
    assert!(ids.contains(&"fig-prim-box-1") && ids.contains(&"fig-prim-tradeoff"));
    // Every box is a sentence and a chart.
    for (k, b) in d.boxes.iter().enumerate() {
        assert!(
            sec.paragraphs
                .contains(&format!("Box {}: the package {}.", k + 1, b.text))
        );
    }

    // The ranking table: one row per package, P(pass) and its 95% interval.
    let fig = &sec.figures[0];
    assert_eq!(fig.table.rows.len(), r.ranking.len());
    for (row, p) in fig.table.rows.iter().zip(&r.ranking) {
        assert_eq!(row[2], p.label);
        assert_eq!(row[3], format!("{:.1}%", 100.0 * p.passes.p));
        let lo = (p.passes.p - 1.96 * p.passes.se).max(0.0);
        let hi = (p.passes.p + 1.96 * p.passes.se).min(1.0);
        assert_eq!(row[4], format!("{:.1}%–{:.1}%", 100.0 * lo, 100.0 * hi));
    }

    // The tornado chart leaves out factors that do not move P(pass); its table has them all.
    let t = r.sensitivity.as_ref().unwrap().tornado.as_ref().unwrap();
    let tornado = sec.figures.iter().find(|f| f.id == "fig-tornado").unwrap();
    assert_eq!(tornado.table.rows.len(), t.bars.len());
    let still = t.bars.iter().filter(|b| b.swing < 0.005).count();
    assert!(
        tornado
            .description
            .contains(&format!("{still} of {} factors", t.bars.len()))
    );
    for b in &t.bars {
        assert_eq!(
            tornado.svg.contains(&format!("\n{}\n</text>", b.factor)),
            b.swing >= 0.005,
            "{}",
            b.factor
        );
    }

    // Box restrictions print as the sentence does (rounded outward).
    let b = &d.boxes[0];
    let table = &sec
        .figures
        .iter()
        .find(|f| f.id == "fig-prim-box-1")
        .unwrap()
        .table;
    for (row, x) in table.rows.iter().zip(&b.restrictions) {
        if let Some(l) = x.lower {
            let t = guarantor_uncertainty::prim::limit_text(l, true);
            assert_eq!(row[1], t);
            assert!(b.text.contains(&t), "{} has {t}", b.text);
        }
    }
}
