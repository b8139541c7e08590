//! Which packages a run lists, decided once for the terminal, `--json` and
//! the report.

use guarantor_engine::{Evaluation, PackageVerdict};

/// The packages a run lists, the same in the terminal, `--json` and the
/// report: the best `top` passing packages or, when none passes, the `top`
/// closest ones. `passing` says which.
pub struct Listing<'e> {
    pub packages: Vec<&'e PackageVerdict>,
    pub passing: bool,
}

/// See [`Listing`].
pub fn listing(e: &Evaluation, top: usize) -> Listing<'_> {
    let passing = e.packages.iter().any(|p| p.passes);
    Listing {
        packages: e
            .packages
            .iter()
            .filter(|p| p.passes || !passing)
            .take(top)
            .collect(),
        passing,
    }
}
