//! SMP reproduces KTAB's `smpc` on every bundled KTAB example: the number of steps
//! exactly, every per-turn position within 1e-6 (0–100 scale), win probabilities
//! within 1.5e-4 and risk attitudes within 1.5e-3 (KTAB logs them at 4 and 3 dp).

use crate::common;

use common::assert_matches_ktab;

#[test]
fn smp_matches_ktab_on_dummy_data_3dim() {
    assert_matches_ktab("dummyData_3Dim");
}

#[test]
fn smp_matches_ktab_on_dummy_data_3dim_without_final_commas() {
    assert_matches_ktab("dummyData_3Dim-no-final-comma");
}

#[test]
fn smp_matches_ktab_on_soe_pol_comp() {
    assert_matches_ktab("SOE-Pol-Comp");
}

#[test]
fn smp_matches_ktab_on_soe_policy() {
    assert_matches_ktab("SOE-Policy");
}

#[test]
fn smp_matches_ktab_on_dummy_data_6dim() {
    assert_matches_ktab("dummyData_6Dim");
}

#[test]
fn smp_matches_ktab_on_soe_competitive() {
    assert_matches_ktab("SOE-Competitive");
}

#[test]
fn smp_matches_ktab_on_dummy_data_a040() {
    assert_matches_ktab("dummyData-a040");
}

/// 80 actors: still well under a second in a debug build.
#[test]
fn smp_matches_ktab_on_dummy_data_a080() {
    assert_matches_ktab("dummyData-a080");
}
