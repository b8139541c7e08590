//! The timeline section: one figure per measure, each with the numbers it draws.

use guarantor_report::timeline::{DatePoint, timeline_section};

fn point(id: &str, as_of: &str, passing: usize, p_pass: Option<(f64, usize)>) -> DatePoint {
    DatePoint {
        id: id.into(),
        as_of: as_of.into(),
        title: format!("{id} title"),
        evaluated: 6,
        feasible: 4,
        passing,
        top_title: "Force: none".into(),
        top_deterrence: 0.25,
        top_passes: passing > 0,
        p_pass,
    }
}

#[test]
fn the_section_draws_counts_deterrence_and_p_pass_with_their_tables() {
    let points = [
        point("a", "2025-01-01", 4, Some((0.5, 64))),
        point("b", "2025-02-01", 1, None),
    ];
    let s = timeline_section(&points, &["a → b".to_string()]).unwrap();
    assert_eq!(s.id, "scenario-timeline");
    let ids: Vec<&str> = s.figures.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "fig-timeline-counts",
            "fig-timeline-top",
            "fig-timeline-p-pass"
        ]
    );
    // Counts: evaluated 6, feasible 4, passing 4 then 1.
    assert_eq!(
        s.figures[0].table.rows[1],
        ["2025-02-01", "b", "6", "4", "1"]
    );
    assert_eq!(s.figures[2].table.rows[0][2], "50.0%");
    assert_eq!(s.figures[2].table.rows[1][2], "not computed");
    assert!(s.paragraphs.iter().any(|p| p == "a → b"));
    assert!(s.figures.iter().all(|f| f.svg.starts_with("<svg")));
    // Without any P(pass), no P(pass) figure.
    let s = timeline_section(&[point("a", "2025-01-01", 4, None)], &[]).unwrap();
    assert_eq!(s.figures.len(), 2);
}
