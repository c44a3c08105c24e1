//! Termination: the contract's convergence test, unboundedness, local
//! infeasibility and the iteration limit.

use super::*;

impl InteriorPoint {
    /// The contract's multipliers, activities and convergence test at the
    /// current iterate, into `self.answer`.
    pub(super) fn evaluate_answer(&mut self) {
        let input = Internal {
            iterate: &self.current,
            scaling: &self.scaling,
            y: &self.point.y,
            z: &self.point.z,
        };
        answer::evaluate(
            &self.structure,
            &input,
            self.settings.tolerance(),
            &mut self.answer,
            &mut self.work.n,
        );
    }

    /// The contract's test (converged), unboundedness, a stalled
    /// infeasible iterate, and the iteration limit; records the history.
    pub(super) fn check_termination(&mut self, alpha: f64, delta: f64) {
        let tol = self.settings.tolerance();
        self.evaluate_answer();
        if self.settings.record_history() {
            self.history.push(IterationRecord {
                iteration: self.iteration,
                objective: self.current.objective,
                constraint_violation: self.answer.violation,
                stationarity: self.answer.stationarity,
                step_length: alpha,
                regularization: delta,
            });
        }
        if self.answer.converged {
            return self.stop(
                Status::Converged,
                "the KKT conditions hold to the tolerance",
            );
        }
        let feasible = answer::feasible(&self.structure, &self.current, tol);
        let limit = self.settings.unbounded_objective();
        if feasible
            && (self.scaling.sense * self.current.objective < -limit
                || inf_norm(&self.current.x) > limit)
        {
            let msg = format!(
                "the objective reached {:e} at a feasible point: the problem appears unbounded",
                self.current.objective
            );
            return self.stop(Status::Unbounded, msg);
        }
        if !feasible && alpha > 0.0 && alpha < 1e-8 {
            self.infeasible_streak += 1;
            if self.infeasible_streak >= INFEASIBLE_STREAK {
                return self.stop(
                    Status::Infeasible,
                    "locally infeasible: the steps vanish while the constraints are violated",
                );
            }
        } else {
            self.infeasible_streak = 0;
        }
        if self.iteration >= self.settings.max_iterations() {
            let msg = format!(
                "the iteration limit ({}) was reached before convergence",
                self.settings.max_iterations()
            );
            self.stop(Status::MaxIterations, msg);
        }
    }
}
