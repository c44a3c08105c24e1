//! Feasibility restoration: when the filter line search finds no acceptable
//! step, reduce the infeasibility θ = ‖c‖₁ alone by Gauss–Newton steps
//! (the least-norm solution of J_c d = −c, from the projection system
//! [I J_cᵀ; J_c −γI]) with backtracking on ‖c‖₂², until the point is acceptable
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
            // Least-norm Gauss–Newton step d_r on J_c d = −c.
            let mut solved = self.factor_projection();
            if solved {
                self.rhs[..n].fill(0.0);
                for i in 0..self.m {
                    self.rhs[n + i] = -self.scaling.constraints[i] * self.current.constraints[i];
                }
                solved = self.ldlt.solve_in_place(&mut self.rhs);
            }
            // Gauss–Newton descends on ½‖c‖₂² (‖c‖₁ can be flat, e.g. between
            // the solutions of x = 1 and x = 2): backtrack on that, asking
            // for a fraction of the decrease the linearization predicts.
            let norm2 = self.scaled_norm2(&self.current.constraints);
            let predicted = |alpha: f64| -> f64 {
                let mut linear = 0.0;
                for i in 0..self.m {
                    let jd: f64 = (0..n).map(|j| self.jac_c[(i, j)] * self.rhs[j]).sum();
                    let c = self.scaling.constraints[i] * self.current.constraints[i];
                    linear += (c + alpha * jd) * (c + alpha * jd);
                }
                norm2 - linear
            };
            let stationary =
                solved && predicted(1.0) <= self.settings.infeasibility_tolerance() * norm2;
            let mut alpha = 1.0;
            let mut accepted = false;
            while solved && !stationary && alpha >= ALPHA_MIN {
                for j in 0..n {
                    self.trial.x[j] = self.current.x[j] + alpha * self.rhs[j];
                }
                let required = ETA_THETA * predicted(alpha);
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
                let tol = self.settings.infeasibility_tolerance().sqrt();
                if stationary || self.locally_infeasible(tol) {
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
        let mut stationarity = 0.0f64;
        for j in 0..self.n {
            let mut r = it.gradient[j];
            for i in 0..self.m {
                r -= it.jacobian[(i, j)] * self.lambda[i];
            }
            stationarity = stationarity.max(r.abs());
        }
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
