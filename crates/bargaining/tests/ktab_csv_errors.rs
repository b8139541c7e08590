//! The KTAB CSV reader: accepted variants, and one test per malformed case, each
//! asserting that the error names the line and the column.

use guarantor_bargaining::{Error, parse_ktab_csv};

const GOOD: &str = "Demo,A demo,3,2,\nActor,Description,Power,P1,S1,P2,S2,\nA,a,10,20,30,40,50,\nB,b,20,60,40,10,10,\nC,c,30,90,20,50,30,\n";

fn located(text: &str, line: usize, column: usize) -> String {
    match parse_ktab_csv(text) {
        Err(e @ Error::Parse { .. }) => {
            let Error::Parse {
                line: l, column: c, ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!((*l, *c), (line, column), "wrong location in: {e}");
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("line {line}, column {column}")),
                "{msg}"
            );
            assert!(msg.contains("Fix:"), "{msg}");
            msg
        }
        other => panic!("expected a parse error at line {line}, column {column}, got {other:?}"),
    }
}

#[test]
fn reads_trailing_comma_and_no_final_comma_variants_alike() {
    let a = parse_ktab_csv(GOOD).unwrap();
    let b = parse_ktab_csv(&GOOD.replace(",\n", "\n").replace('\n', "\r\n")).unwrap();
    assert_eq!(a.actors, b.actors);
    assert_eq!(a.dimensions, vec!["P1", "P2"]);
    assert_eq!(a.actors[1].capability, 20.0);
    assert_eq!(a.actors[2].positions, vec![90.0, 50.0]);
}

#[test]
fn empty_file_is_an_error_at_line_1() {
    assert!(located("", 1, 1).contains("empty"));
    located("\n , ,\n", 1, 1);
}

#[test]
fn non_numeric_actor_count_is_located() {
    located(
        &GOOD.replace("Demo,A demo,3,2", "Demo,A demo,three,2"),
        1,
        3,
    );
}

#[test]
fn missing_dimension_count_is_located() {
    located("Demo,A demo,3\nActor,Description,Power,P1,S1\n", 1, 4);
}

#[test]
fn header_with_wrong_number_of_labels_is_located() {
    let msg = located(&GOOD.replace("P2,S2,", ""), 2, 6);
    assert!(msg.contains("3 + 2 × 2"), "{msg}");
}

#[test]
fn too_few_actor_rows_is_located() {
    let text: String = GOOD.lines().take(4).map(|l| format!("{l}\n")).collect();
    assert!(located(&text, 5, 1).contains("only 2 actor rows"));
}

#[test]
fn too_many_actor_rows_is_located() {
    located(&format!("{GOOD}D,d,5,1,1,1,1,\n"), 6, 1);
}

#[test]
fn short_actor_row_is_located() {
    let msg = located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,60,40,10"),
        4,
        7,
    );
    assert!(msg.contains("salience on \"P2\""), "{msg}");
}

#[test]
fn long_actor_row_is_located() {
    located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,60,40,10,10,7"),
        4,
        8,
    );
}

#[test]
fn non_numeric_cell_is_located() {
    let msg = located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,sixty,40,10,10,"),
        4,
        4,
    );
    assert!(msg.contains("\"sixty\" is not a number"), "{msg}");
}

#[test]
fn empty_cell_inside_a_row_is_located() {
    located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,60,,10,10,"),
        4,
        5,
    );
}

#[test]
fn saliences_over_100_are_located() {
    let msg = located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,60,70,10,40,"),
        4,
        5,
    );
    assert!(msg.contains("over 100"), "{msg}");
}

#[test]
fn zero_capability_is_located() {
    assert!(located(&GOOD.replace("B,b,20,", "B,b,0,"), 4, 3).contains("not positive"));
}

#[test]
fn negative_capability_is_located() {
    located(&GOOD.replace("B,b,20,", "B,b,-3,"), 4, 3);
}

#[test]
fn position_outside_0_100_is_located() {
    located(&GOOD.replace("C,c,30,90,", "C,c,30,190,"), 5, 4);
}

#[test]
fn all_zero_saliences_are_located() {
    located(
        &GOOD.replace("B,b,20,60,40,10,10,", "B,b,20,60,0,10,0,"),
        4,
        5,
    );
}

#[test]
fn nan_and_infinity_are_not_numbers() {
    located(&GOOD.replace("B,b,20,", "B,b,NaN,"), 4, 3);
    located(&GOOD.replace("B,b,20,", "B,b,inf,"), 4, 3);
}

#[test]
fn every_bundled_ktab_input_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ktab/inputs");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let sc = guarantor_bargaining::read_ktab_csv(&path).unwrap();
        assert!(sc.actors.len() >= 7, "{}", path.display());
    }
}

#[test]
fn missing_file_is_an_io_error() {
    let e = guarantor_bargaining::read_ktab_csv("/nonexistent/x.csv").unwrap_err();
    assert!(matches!(e, Error::Io { .. }));
}
