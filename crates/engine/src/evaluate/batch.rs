//! Several packages of one scenario at once: one preparation, one set of
//! allocation solves shared by every package, then one verdict per package.
//!
//! This is the inner loop of the uncertainty analysis, which re-evaluates the
//! same few packages on thousands of perturbed copies of a scenario; it runs
//! on the calling thread's rayon pool like the rest of the engine.

use guarantor_model::Scenario;

use super::{Choice, EngineError, judge, plan, solve_all};
use crate::prepare::Prepared;
use crate::verdict::PackageVerdict;

/// Evaluate the packages `choices` (option indices per component, in the
/// scenario's component order) and return their verdicts in the same order.
/// Frontier membership is not marked (it needs the whole option space).
pub fn evaluate_choices(
    s: &Scenario,
    choices: &[Choice],
) -> Result<Vec<PackageVerdict>, EngineError> {
    let p = Prepared::new(s);
    let plans: Vec<_> = choices.iter().map(|c| plan(&p, c.clone())).collect();
    let memo = solve_all(&p, plans.iter())?;
    plans.iter().map(|pl| judge(&p, pl, &memo)).collect()
}
