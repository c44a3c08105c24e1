//! How the restoration phase ends (the end of IPOPT's
//! `MinC_1NrmRestorationPhase::PerformRestoration`): the verdict when the
//! original filter accepted no restoration iterate, and the bound
//! multipliers the original iteration resumes with.

use crate::solver::status::Status;

use super::super::point::BoundDuals;
use super::super::structure::Bounds;
use super::{Entry, Exit};

/// Bound multipliers larger than this after the phase are all reset to 1
/// (IPOPT's `bound_mult_reset_threshold`): the move through the phase is
/// no Newton step, and a huge multiplier would pin its variable.
pub const MULTIPLIER_RESET: f64 = 1e3;

/// The bound multipliers of x and t for the original iteration after the
/// phase moved them to (x, t): [`multipliers_after`] for each, all reset to
/// 1 when one exceeds [`MULTIPLIER_RESET`].
pub fn resume_multipliers(entry: &Entry<'_>, x: &[f64], t: &[f64]) -> (BoundDuals, BoundDuals) {
    let z = multipliers_after(entry.x_bounds, entry.z, (entry.x, x), entry.mu, entry.tau);
    let v = multipliers_after(
        entry.slack_bounds,
        entry.v,
        (entry.t, t),
        entry.mu,
        entry.tau,
    );
    if largest(entry.x_bounds, &z).max(largest(entry.slack_bounds, &v)) > MULTIPLIER_RESET {
        return (
            BoundDuals::new(entry.x_bounds, 1.0),
            BoundDuals::new(entry.slack_bounds, 1.0),
        );
    }
    (z, v)
}

/// Bound multipliers for the original iteration after the phase moved v
/// from `before` to `after`: one primal-dual Newton step of the
/// complementarity z·(v − end) = μ, taking the whole move as its primal
/// step, kept positive by the fraction to the boundary τ (IPOPT's
/// `ComputeBoundMultiplierStep`).
pub fn multipliers_after(
    bounds: &Bounds,
    duals: &BoundDuals,
    (before, after): (&[f64], &[f64]),
    mu: f64,
    tau: f64,
) -> BoundDuals {
    let moved: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let mut step = BoundDuals::new(bounds, 0.0);
    duals.step(bounds, before, &moved, mu, &mut step);
    let alpha = duals.max_step(bounds, &step, tau);
    let mut out = duals.clone();
    out.advance(&step, alpha);
    out
}

/// The largest multiplier of a finite end.
pub fn largest(bounds: &Bounds, duals: &BoundDuals) -> f64 {
    let lower = bounds.has_lower.iter().map(|&i| duals.lower[i]);
    let upper = bounds.has_upper.iter().map(|&i| duals.upper[i]);
    lower.chain(upper).fold(0.0, f64::max)
}

/// The verdict when the restoration iteration stopped before the original
/// filter accepted one of its iterates.
pub fn judge(status: Option<Status>, feasible: bool, message: &str) -> Exit {
    match status {
        Some(Status::Converged) if !feasible => Exit::Stop(
            Status::Infeasible,
            "locally infeasible: the restoration phase converged to a stationary point of the \
             constraint violation"
                .into(),
        ),
        Some(Status::Converged) => Exit::Stop(
            Status::LineSearchFailed,
            "the restoration phase converged to a feasible point that the filter does not \
             accept (tolerance below what rounding allows, or inconsistent derivatives)"
                .into(),
        ),
        Some(Status::EvaluationError | Status::Singular) => Exit::Stop(
            status.expect("matched"),
            format!("in the restoration phase: {message}"),
        ),
        None | Some(Status::MaxIterations) => Exit::Stop(
            Status::MaxIterations,
            "the iteration limit was reached in the restoration phase".into(),
        ),
        Some(_) if feasible => Exit::Stop(
            Status::LineSearchFailed,
            "no acceptable step: the filter line search failed at a nearly feasible point and \
             the restoration phase found no better one"
                .into(),
        ),
        Some(_) => Exit::Stalled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multiplier_step_solves_the_linearized_complementarity() {
        // z d_after + d_before Δz = μ for the lower end at 0.
        let bounds = Bounds::new(vec![0.0], vec![f64::INFINITY]);
        let duals = BoundDuals {
            lower: vec![0.01],
            upper: vec![0.0],
        };
        let mu = 0.01;
        let out = multipliers_after(&bounds, &duals, (&[0.5], &[0.6]), mu, 0.99);
        let dz = out.lower[0] - 0.01;
        assert!((0.01 * 0.6 + 0.5 * dz - mu).abs() < 1e-15);
    }
}
