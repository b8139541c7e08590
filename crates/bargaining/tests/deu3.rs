//! DEU III validation: the reader, the scoreable set and the compromise baseline.

use crate::common;

use guarantor_bargaining::Model;
use guarantor_bargaining::deu3::{Capability, parse_deu3, read_deu3, validate};

fn data() -> guarantor_bargaining::deu3::Deu3 {
    read_deu3(common::data("deu3/deu3.tsv")).expect("DEU III parses")
}

#[test]
fn reader_finds_30_actors_gdp_and_364_issues() {
    let d = data();
    assert_eq!(d.actors.len(), 30);
    assert_eq!(&d.actors[..2], &["com", "ep"]);
    assert_eq!(d.gdp[12], Some(4.1)); // de
    assert_eq!(d.issues.len(), 364);
    assert_eq!(d.issues[0].id, "d00032i1");
    assert_eq!(d.issues.iter().filter(|i| i.is_scoreable()).count(), 351);
}

#[test]
fn compromise_with_equal_capabilities_reproduces_the_23_64_baseline() {
    let v = validate(&data(), &Model::Compromise, Capability::Equal).unwrap();
    assert_eq!(v.rows.len(), 351);
    assert_eq!(format!("{:.2}", v.mae), "23.64");
    assert_eq!(v.test_n, 351 - 351 * 7 / 10);
}

#[test]
fn compromise_with_gdp_capabilities_reproduces_the_23_21_baseline() {
    let v = validate(&data(), &Model::Compromise, Capability::Gdp).unwrap();
    assert_eq!(format!("{:.2}", v.mae), "23.21");
}

#[test]
fn malformed_number_is_located() {
    let text = "\"isnr\"\t\"pa\"\t\"pb\"\t\"sa\"\t\"sb\"\t\"out\"\n\t1\t1\t\t\t\nx1\t10\tabc\t50\t50\t20\n";
    let e = parse_deu3(text).unwrap_err().to_string();
    assert!(e.contains("line 3, column 3"), "{e}");
    assert!(parse_deu3("").unwrap_err().to_string().contains("line 1"));
}
