//! Feasibility restoration: when the filter line search finds no acceptable
//! step, reduce the infeasibility θ = ‖c‖₁ alone by Gauss–Newton steps
//! (the least-norm solution of J_c d = −c, from the projection system
//! [I J_cᵀ; J_c −μI] with μ = 0, or Levenberg–Marquardt μ = min(‖c‖₂, 1)
//! when the Gauss–Newton step is huge) with backtracking on ‖c‖₂², until the point is acceptable
//! to the filter (IPOPT's restoration phase, in its simplest form). If θ
//! cannot be reduced, the iterate is a stationary point of θ: locally
//! infeasible when J_cᵀc ≈ 0, otherwise the solver reports the failure.
//!
//! Each restoration step counts as an iteration and appears in the history.

use std::time::Instant;

use super::{inf_norm, Newton, NlpProblem, Status, Which};

/// Sufficient decrease of θ required of a restoration step (relative, per
/// unit step length).
const ETA_THETA: f64 = 1e-4;
/// A Gauss–Newton step longer than this times max(1, ‖x‖∞) is replaced by
/// a Levenberg–Marquardt step.
const HUGE_STEP: f64 = 1e2;
/// Smallest restoration step length.
const ALPHA_MIN: f64 = 1e-10;

impl Newton {
    /// Runs the restoration phase from the current iterate, then restarts
    /// the Newton iteration with least-squares multipliers there.
    pub(super) fn restore<P: NlpProblem + ?Sized>(&mut self, problem: &mut P, delta: f64) {
        let n = self.n;
        let tol = self.settings.tolerance();
        if self.m == 0 || self.current.is_feasible(tol) {
            let msg = "the line search found no acceptable step at a feasible point \
                       (tolerance below what rounding allows, or inconsistent derivatives)";
            return self.stop(Status::LineSearchFailed, msg.into());
        }
        let theta_start = self.scaling.c_l1(&self.current.constraints);
        let last_alpha = loop {
            let clock = Instant::now();
            let eval_before = self.counter.time;
            // Gauss–Newton (least-norm) step d_r = −J_cᵀ(J_c J_cᵀ)⁻¹c; where
            // J_c is nearly rank-deficient and that step is huge compared
            // with x, a Levenberg–Marquardt step −J_cᵀ(J_c J_cᵀ + μI)⁻¹c with
            // μ = min(‖c‖₂, 1) instead. Both descend on ½‖c‖₂² (‖c‖₁ can
            // be flat, e.g. between the solutions of x = 1 and x = 2):
            // backtrack on that, asking for a fraction of the decrease the
            // linearization predicts.
            let norm2 = self.scaled_norm2(&self.current.constraints);
            let tol = self.settings.infeasibility_tolerance();
            let mut solved = self.projection_step(0.0);
            let huge = HUGE_STEP * inf_norm(&self.current.x).max(1.0);
            if !solved || inf_norm(&self.rhs[..n]) > huge {
                let mu = norm2.sqrt().min(1.0);
                solved = self.projection_step(mu);
                if solved && self.predicted_decrease(1.0, norm2) <= tol * norm2 {
                    // Too damped to predict a decrease: back to Gauss–Newton.
                    solved = self.projection_step(0.0);
                }
            }
            let stationary = solved && self.predicted_decrease(1.0, norm2) <= tol * norm2;
            let mut alpha = 1.0;
            let mut accepted = false;
            while solved && !stationary && alpha >= ALPHA_MIN {
                for j in 0..n {
                    self.trial.x[j] = self.current.x[j] + alpha * self.rhs[j];
                }
                let required = ETA_THETA * self.predicted_decrease(alpha, norm2);
                if self.counter.values(problem, &mut self.trial)
                    && norm2 - self.scaled_norm2(&self.trial.constraints) >= required
                    && self.counter.derivatives(problem, &mut self.trial)
                {
                    accepted = true;
                    break;
                }
                alpha *= 0.5;
            }
            self.line_search_time += clock
                .elapsed()
                .saturating_sub(self.counter.time - eval_before);
            if !accepted {
                // The linearization predicts no decrease of ‖c‖₂ (or none is
                // found along tiny steps): judge stationarity of ½‖c‖² with a
                // looser tolerance than between iterations.
                if stationary || self.locally_infeasible(tol.sqrt()) {
                    let msg = format!(
                        "locally infeasible: the constraint violation {:e} cannot be reduced \
                         (stationary point of ½‖g‖²)",
                        self.current.constraint_violation()
                    );
                    return self.stop(Status::Infeasible, msg);
                }
                let msg = "the restoration phase could not reduce the constraint violation";
                return self.stop(Status::LineSearchFailed, msg.into());
            }
            std::mem::swap(&mut self.current, &mut self.trial);
            self.iteration += 1;
            self.update_scaled_derivatives();
            let theta = self.scaling.c_l1(&self.current.constraints);
            let phi = self.scaling.phi(self.current.objective);
            let done = (self.filter.acceptable(theta, phi) && theta <= 0.9 * theta_start)
                || self.current.is_feasible(tol)
                || self.iteration >= self.settings.max_iterations();
            if done {
                break alpha;
            }
            self.record_restoration_step(alpha);
        };
        // Back to Newton: least-squares multipliers and the Hessian there.
        self.least_squares_multipliers();
        self.scaling.to_lambda(&self.y, &mut self.lambda);
        if !self.evaluate_hessian(problem, Which::Current) {
            let msg = "the Hessian of the Lagrangian is not finite after restoration";
            return self.stop(Status::EvaluationError, msg.into());
        }
        self.check_termination(last_alpha, delta);
    }

    /// Solves [I J_cᵀ; J_c −μI] (d, ·) = (0, −c) into `rhs`; false when the
    /// system could not be factored or solved.
    fn projection_step(&mut self, mu: f64) -> bool {
        let n = self.n;
        if !self.factor_projection(mu) {
            return false;
        }
        self.rhs[..n].fill(0.0);
        for i in 0..self.m {
            self.rhs[n + i] = -self.scaling.constraints[i] * self.current.constraints[i];
        }
        self.kkt.solve_in_place(&mut self.rhs)
    }

    /// ‖c‖₂² − ‖c + α J_c d‖₂² for the step d in `rhs` (‖c‖₂² = `norm2`).
    fn predicted_decrease(&mut self, alpha: f64, norm2: f64) -> f64 {
        let n = self.n;
        self.jac_c.mul(&self.rhs[..n], &mut self.work_m);
        let mut linear = 0.0;
        for i in 0..self.m {
            let jd = self.work_m[i];
            let c = self.scaling.constraints[i] * self.current.constraints[i];
            linear += (c + alpha * jd) * (c + alpha * jd);
        }
        norm2 - linear
    }

    /// ‖diag(s) g‖₂².
    fn scaled_norm2(&self, g: &[f64]) -> f64 {
        g.iter()
            .zip(&self.scaling.constraints)
            .map(|(g, s)| (s * g) * (s * g))
            .sum()
    }

    /// History entry for an intermediate restoration iterate (multipliers
    /// are not updated during restoration; stationarity uses the last ones).
    fn record_restoration_step(&mut self, alpha: f64) {
        if !self.settings.record_history() {
            return;
        }
        let it = &self.current;
        self.work_n.copy_from_slice(&it.gradient);
        it.jacobian
            .add_transpose_mul(-1.0, &self.lambda, &mut self.work_n);
        let stationarity = inf_norm(&self.work_n);
        self.history.push(super::IterationRecord {
            iteration: self.iteration,
            objective: it.objective,
            constraint_violation: inf_norm(&it.constraints),
            stationarity,
            step_length: alpha,
            regularization: 0.0,
        });
    }
}
