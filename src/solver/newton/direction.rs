//! Search directions: right-hand sides and solves with the factored KKT
//! matrix. The Newton step (d, y⁺) from K (d, −y⁺) = −(∇φ, c), and the
//! second-order corrections, which replace c by the accumulated c_soc.

use super::multipliers::MAX_INITIAL_MULTIPLIER;
use super::{Newton, Status, Stop};
use crate::solver::inertia::Regularization;
use crate::solver::timers::{timed, Phase};
use crate::solver::vector::{inf_norm, negated};

impl Newton {
    /// The Newton step d and multiplier estimate y⁺ from the factors of
    /// K(δ, γ). Untimed: the caller times it with the factorization.
    pub(super) fn newton_direction(&mut self, regularization: Regularization) -> Result<(), Stop> {
        let (n, _) = self.points.dimensions();
        let work = &mut self.work;
        negated(&mut work.rhs[..n], &self.model.grad_phi);
        self.points.negated_scaled_constraints(&mut work.rhs[n..]);
        if !work.kkt.solve_in_place(&mut work.rhs) {
            let msg = "the Newton system has no finite solution, or its factorization could \
                       not be refined to the required accuracy";
            return Err(Stop::new(Status::Singular, msg));
        }
        work.step.copy_from_slice(&work.rhs[..n]);
        let multipliers = &mut self.multipliers;
        negated(&mut multipliers.newton, &work.rhs[n..]);
        // With γ > 0 (J rank-deficient) and an inconsistent linearization,
        // y⁺ grows like c/γ: meaningless, and it would swamp W. Keep y then.
        if regularization.gamma > 0.0
            && inf_norm(&multipliers.newton)
                > MAX_INITIAL_MULTIPLIER * inf_norm(&multipliers.y).max(1.0)
        {
            multipliers.newton.copy_from_slice(&multipliers.y);
        }
        Ok(())
    }

    /// The k-th second-order correction into the trial point: x + s with
    /// K (s, ·) = −(∇φ, c_soc), c_soc = c(x) + c(x + d) + … (the trial
    /// point still holds the constraint values of the rejected trial).
    /// False when the system has no finite solution.
    pub(super) fn correction_direction(&mut self, k: usize) -> bool {
        let (n, _) = self.points.dimensions();
        let points = &mut self.points;
        let work = &mut self.work;
        let scaling = &points.scaling.constraints;
        for (i, c_soc) in work.c_soc.iter_mut().enumerate() {
            let s = scaling[i];
            let previous = if k == 1 {
                s * points.current.constraints[i]
            } else {
                *c_soc
            };
            *c_soc = previous + s * points.trial.constraints[i];
        }
        negated(&mut work.rhs[..n], &self.model.grad_phi);
        negated(&mut work.rhs[n..], &work.c_soc);
        let solved = timed!(
            self.clock.timers,
            Phase::Factorization,
            work.kkt.solve_in_place(&mut work.rhs)
        );
        if solved {
            for ((t, x), s) in points
                .trial
                .x
                .iter_mut()
                .zip(&points.current.x)
                .zip(&work.rhs)
            {
                *t = x + s;
            }
        }
        solved
    }
}
