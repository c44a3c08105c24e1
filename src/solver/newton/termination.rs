//! Termination tests after each iterate: convergence (the contract's
//! relative test), unboundedness, local infeasibility and the iteration
//! limit, in that order. Also records the iterate in the history.

use super::{Newton, Status, Stop};
use crate::solver::result::IterationRecord;
use crate::solver::vector::inf_norm;

/// Successive iterates that must look locally infeasible before the solver
/// says so.
const INFEASIBLE_STREAK: usize = 2;

impl Newton {
    /// Computes the stationarity at the current iterate, records it
    /// (`alpha` and `delta` are the step length and regularization that
    /// produced it), and stops the iteration when a test says so.
    pub(super) fn check_termination(&mut self, alpha: f64, delta: f64) {
        self.multipliers.stationarity = self.stationarity();
        self.record_iterate(alpha, delta, self.multipliers.stationarity);
        let feasible = self.points.current.is_feasible(self.settings.tolerance());
        let stop = self
            .converged_or_unbounded(feasible)
            .or_else(|| self.infeasible(feasible))
            .or_else(|| self.iteration_limit());
        if let Some(stop) = stop {
            self.stop(stop);
        }
    }

    /// ‖∇f − Jᵀλ‖∞ at the current iterate, unscaled (λ as they stand).
    pub(super) fn stationarity(&mut self) -> f64 {
        let current = &self.points.current;
        let residual = &mut self.work.n;
        residual.copy_from_slice(&current.gradient);
        current
            .jacobian
            .add_transpose_mul(-1.0, &self.multipliers.lambda, residual);
        inf_norm(residual)
    }

    /// Appends the current iterate to the history (when it is recorded).
    pub(super) fn record_iterate(&mut self, alpha: f64, delta: f64, stationarity: f64) {
        if !self.settings.record_history() {
            return;
        }
        let current = &self.points.current;
        self.progress.history.push(IterationRecord {
            iteration: self.progress.iteration,
            objective: current.objective,
            constraint_violation: current.constraint_violation(),
            stationarity,
            step_length: alpha,
            regularization: delta,
        });
    }

    /// At a feasible iterate (`feasible`): converged when stationary to the tolerance,
    /// unbounded when the objective or x passed the settings' limit.
    fn converged_or_unbounded(&self, feasible: bool) -> Option<Stop> {
        if !feasible {
            return None;
        }
        let current = &self.points.current;
        let tol = self.settings.tolerance();
        if self.multipliers.stationarity <= tol * inf_norm(&current.gradient).max(1.0) {
            let msg = "the KKT conditions hold to the tolerance";
            return Some(Stop::new(Status::Converged, msg));
        }
        let limit = self.settings.unbounded_objective();
        let sense = self.points.scaling.sense;
        if sense * current.objective < -limit || inf_norm(&current.x) > limit {
            let msg = format!(
                "the objective reached {:e} at a feasible point: the problem appears unbounded",
                current.objective
            );
            return Some(Stop::new(Status::Unbounded, msg));
        }
        None
    }

    /// Local infeasibility: an infeasible iterate (not `feasible`) that is stationary for
    /// ½‖c‖² to the tolerance, or (the γ-regularized step stops short of
    /// exact stationarity) to its square root while the infeasibility no
    /// longer decreases, [`INFEASIBLE_STREAK`] times in a row.
    fn infeasible(&mut self, feasible: bool) -> Option<Stop> {
        let (_, m) = self.points.dimensions();
        let theta = self.points.scaling.c_l1(&self.points.current.constraints);
        let stalled = theta >= 0.99 * self.memory.last_theta;
        self.memory.last_theta = theta;
        if feasible || m == 0 {
            self.memory.infeasible_streak = 0;
            return None;
        }
        let tol = self.settings.infeasibility_tolerance();
        if self.locally_infeasible(tol) || (stalled && self.locally_infeasible(tol.sqrt())) {
            self.memory.infeasible_streak += 1;
        } else {
            self.memory.infeasible_streak = 0;
        }
        (self.memory.infeasible_streak >= INFEASIBLE_STREAK).then(|| {
            let violation = self.points.current.constraint_violation();
            let msg = format!(
                "locally infeasible: the constraint violation {violation:e} cannot be \
                 reduced to first order (stationary point of ½‖g‖²)"
            );
            Stop::new(Status::Infeasible, msg)
        })
    }

    fn iteration_limit(&self) -> Option<Stop> {
        let limit = self.settings.max_iterations();
        (self.progress.iteration >= limit).then(|| {
            let msg = format!("the iteration limit ({limit}) was reached before convergence");
            Stop::new(Status::MaxIterations, msg)
        })
    }

    /// Whether the current iterate is a stationary point of ½‖c‖²:
    /// ‖J_cᵀc‖∞ ≤ tol · ‖J_c‖₁ · ‖c‖∞.
    pub(super) fn locally_infeasible(&mut self, tol: f64) -> bool {
        let work = &mut self.work;
        let jac_c = &self.model.jac_c;
        self.points.scaled_constraints(&mut work.m);
        let c_max = inf_norm(&work.m);
        work.n.fill(0.0);
        jac_c.add_transpose_mul(1.0, &work.m, &mut work.n);
        let jtc = inf_norm(&work.n);
        jac_c.col_abs_sums(&mut work.n2);
        let col_sum = inf_norm(&work.n2);
        c_max > 0.0 && jtc <= tol * col_sum * c_max
    }
}
