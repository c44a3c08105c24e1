//! Multiplier estimates besides the Newton update: least-squares
//! multipliers (at the start and after restoration), and the safeguard that
//! replaces exploded multipliers after a step.

use super::{Newton, NlpProblem, Status, Stop};
use crate::solver::vector::inf_norm;

/// Multipliers larger than this (scaled problem) count as exploded: a
/// Newton update with γ > 0 is not taken, and the safeguard after a step
/// looks for a smaller least-squares estimate (IPOPT's
/// `constr_mult_init_max`).
pub(super) const MAX_INITIAL_MULTIPLIER: f64 = 1e3;
/// Least-squares multipliers larger than this (scaled problem) are replaced
/// by zero. IPOPT caps them at 10³ (`constr_mult_init_max`); but at a
/// (nearly) feasible start the estimate is the first-order one, and
/// legitimately large multipliers are common: a hanging chain of n links
/// has tensions ≈ n/4 in the file's units. Replacing them by zero leaves
/// W = 0 for the first step, which then tears a long chain apart, where
/// keeping them converges as fast as on a short one. The solve is
/// equilibrated and refined, so large values are not noise.
const MAX_LEAST_SQUARES_MULTIPLIER: f64 = 1e8;

impl Newton {
    /// y = argmin ‖∇φ − J_cᵀ y‖ from [I J_cᵀ; J_c −γI] (w, y) = (∇φ, 0);
    /// zero when not finite or above [`MAX_LEAST_SQUARES_MULTIPLIER`].
    pub(super) fn least_squares_multipliers(&mut self) {
        let (n, m) = self.points.dimensions();
        self.multipliers.y.fill(0.0);
        if m == 0 || !self.factor_projection(0.0) {
            return;
        }
        let work = &mut self.work;
        work.rhs[..n].copy_from_slice(&self.model.grad_phi);
        work.rhs[n..].fill(0.0);
        if work.kkt.solve_in_place(&mut work.rhs)
            && inf_norm(&work.rhs[n..]) <= MAX_LEAST_SQUARES_MULTIPLIER
        {
            self.multipliers.y.copy_from_slice(&work.rhs[n..]);
        }
    }

    /// After a step: multipliers that exploded (typically after a heavily
    /// regularized step) are replaced by the least-squares estimate at the
    /// new point when that is much smaller, and W is evaluated again.
    ///
    /// Only while the iterate is more infeasible than the run's scale
    /// max(1, θ₀): there the explosion comes with a diverging
    /// linearization. Near the feasible set the large Newton multipliers
    /// are a consistent, self-correcting estimate whose curvature keeps the
    /// next steps short (IPOPT has no such reset), whereas the
    /// least-squares estimate can leave the reduced Hessian nearly singular
    /// (on long hanging chains, a step far off the feasible set).
    pub(super) fn safeguard_multipliers<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
    ) -> Result<(), Stop> {
        let exploded = inf_norm(&self.multipliers.y) > MAX_INITIAL_MULTIPLIER
            && self.points.scaling.c_l1(&self.points.current.constraints)
                > self.memory.filter.scale();
        if !exploded {
            return Ok(());
        }
        let multipliers = &mut self.multipliers;
        multipliers.trial.copy_from_slice(&multipliers.y);
        self.least_squares_multipliers();
        let multipliers = &mut self.multipliers;
        let estimate = inf_norm(&multipliers.y);
        if estimate > 0.0 && 10.0 * estimate < inf_norm(&multipliers.trial) {
            if !self.evaluate_hessian(problem) {
                let msg = "the Hessian of the Lagrangian is not finite at the new point";
                return Err(Stop::new(Status::EvaluationError, msg));
            }
        } else {
            std::mem::swap(&mut multipliers.y, &mut multipliers.trial);
        }
        Ok(())
    }
}
