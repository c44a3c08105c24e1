//! Feasibility restoration: when the filter line search finds no acceptable
//! step, reduce the infeasibility θ = ‖c‖₁ alone by Gauss–Newton steps
//! (the least-norm solution of J_c d = −c, from the projection system
//! [I J_cᵀ; J_c −γI] with γ = 0, or Levenberg–Marquardt damping
//! γ = min(‖c‖₂, 1) when the Gauss–Newton step is huge) with backtracking
//! on ‖c‖₂², until the point is acceptable to the filter (IPOPT's
//! restoration phase, in its simplest form). If θ cannot be reduced, the
//! iterate is a stationary point of θ: locally infeasible when J_cᵀc ≈ 0,
//! otherwise the solver reports the failure.
//!
//! Each restoration step counts as an iteration and appears in the history.
//! The multipliers stay as they were during restoration; the Newton
//! iteration restarts from least-squares multipliers.

use std::time::Instant;

use super::{Newton, NlpProblem, Status, Stop};
use crate::solver::timers::Phase;
use crate::solver::vector::{add_scaled, inf_norm};

/// Sufficient decrease of ‖c‖₂² required of a restoration step (relative
/// to the decrease the linearization predicts).
const ETA_THETA: f64 = 1e-4;
/// A Gauss–Newton step longer than this times max(1, ‖x‖∞) is replaced by
/// a Levenberg–Marquardt step.
const HUGE_STEP: f64 = 1e2;
/// Smallest restoration step length.
const ALPHA_MIN: f64 = 1e-10;

/// A restoration direction in the KKT solver's right-hand side.
struct Direction {
    /// ‖c‖₂² at the current iterate.
    norm2: f64,
    /// Whether the direction was found.
    solved: bool,
    /// Whether it predicts no decrease of ‖c‖₂²: x is stationary for it.
    stationary: bool,
}

impl Newton {
    /// Runs the restoration phase from the current iterate (the Newton step
    /// had regularization `delta`), then restarts the Newton iteration with
    /// least-squares multipliers there.
    pub(super) fn restore<P: NlpProblem + ?Sized>(&mut self, problem: &mut P, delta: f64) {
        let alpha = match self.restoration_phase(problem) {
            Ok(alpha) => alpha,
            Err(stop) => return self.stop(stop),
        };
        self.least_squares_multipliers();
        self.multipliers.update_lambda(&self.points.scaling);
        if !self.evaluate_hessian(problem) {
            let msg = "the Hessian of the Lagrangian is not finite after restoration";
            return self.stop(Stop::new(Status::EvaluationError, msg));
        }
        self.check_termination(alpha, delta);
    }

    /// Restoration steps until the iterate is acceptable to the filter and
    /// θ fell by a tenth, or it is feasible, or the iteration limit is
    /// reached; the last step's length.
    fn restoration_phase<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> Result<f64, Stop> {
        let (_, m) = self.points.dimensions();
        if m == 0 || self.points.current.is_feasible(self.settings.tolerance()) {
            let msg = "the line search found no acceptable step at a feasible point \
                       (tolerance below what rounding allows, or inconsistent derivatives)";
            return Err(Stop::new(Status::LineSearchFailed, msg));
        }
        let theta_start = self.points.scaling.c_l1(&self.points.current.constraints);
        loop {
            let alpha = self.restoration_step(problem)?;
            self.accept_point();
            if self.restored(theta_start) {
                return Ok(alpha);
            }
            self.record_restoration_step(alpha);
        }
    }

    /// One restoration step into the trial point (values and derivatives
    /// evaluated): its length, or why restoration ends without one.
    fn restoration_step<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> Result<f64, Stop> {
        let opened = Instant::now();
        let evaluation_before = self.clock.evaluations.time;
        let direction = self.restoration_direction();
        let accepted = if direction.solved && !direction.stationary {
            self.backtrack_on_infeasibility(problem, direction.norm2)
        } else {
            None
        };
        let evaluation = self.clock.evaluations.time - evaluation_before;
        self.clock
            .timers
            .add_interval(Phase::LineSearch, opened, Instant::now(), evaluation);
        match accepted {
            Some(alpha) => Ok(alpha),
            None => Err(self.restoration_failure(direction.stationary)),
        }
    }

    /// The Gauss–Newton (least-norm) step d_r = −J_cᵀ(J_c J_cᵀ)⁻¹c; where J_c
    /// is nearly rank-deficient and that step is huge compared with x, a
    /// Levenberg–Marquardt step −J_cᵀ(J_c J_cᵀ + γI)⁻¹c with
    /// γ = min(‖c‖₂, 1) instead. Both descend on ½‖c‖₂² (‖c‖₁ can be flat,
    /// e.g. between the solutions of x = 1 and x = 2).
    fn restoration_direction(&mut self) -> Direction {
        let (n, _) = self.points.dimensions();
        let norm2 = self.scaled_norm2(Slot::Current);
        let tol = self.settings.infeasibility_tolerance();
        let mut solved = self.projection_step(0.0);
        let huge = HUGE_STEP * inf_norm(&self.points.current.x).max(1.0);
        if !solved || inf_norm(&self.work.rhs[..n]) > huge {
            let damping = norm2.sqrt().min(1.0);
            solved = self.projection_step(damping);
            if solved && self.predicted_decrease(1.0, norm2) <= tol * norm2 {
                // Too damped to predict a decrease: back to Gauss–Newton.
                solved = self.projection_step(0.0);
            }
        }
        let stationary = solved && self.predicted_decrease(1.0, norm2) <= tol * norm2;
        Direction {
            norm2,
            solved,
            stationary,
        }
    }

    /// Backtracks along the direction from ‖c‖₂² = `norm2`, asking for a
    /// fraction of the decrease the linearization predicts; the step length
    /// of the first trial that achieves it with finite derivatives.
    fn backtrack_on_infeasibility<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        norm2: f64,
    ) -> Option<f64> {
        let (n, _) = self.points.dimensions();
        let mut alpha = 1.0;
        while alpha >= ALPHA_MIN {
            let points = &mut self.points;
            add_scaled(
                &mut points.trial.x,
                &points.current.x,
                alpha,
                &self.work.rhs[..n],
            );
            let required = ETA_THETA * self.predicted_decrease(alpha, norm2);
            if self
                .clock
                .evaluations
                .values(problem, &mut self.points.trial)
                && norm2 - self.scaled_norm2(Slot::Trial) >= required
                && self
                    .clock
                    .evaluations
                    .derivatives(problem, &mut self.points.trial)
            {
                return Some(alpha);
            }
            alpha *= 0.5;
        }
        None
    }

    /// Why restoration found no step: the linearization predicts no
    /// decrease of ‖c‖₂ (`stationary`), or none is found along tiny steps.
    /// Stationarity of ½‖c‖² is judged with a looser tolerance than between
    /// iterations.
    fn restoration_failure(&mut self, stationary: bool) -> Stop {
        let tol = self.settings.infeasibility_tolerance();
        if stationary || self.locally_infeasible(tol.sqrt()) {
            let msg = format!(
                "locally infeasible: the constraint violation {:e} cannot be reduced \
                 (stationary point of ½‖g‖²)",
                self.points.current.constraint_violation()
            );
            return Stop::new(Status::Infeasible, msg);
        }
        let msg = "the restoration phase could not reduce the constraint violation";
        Stop::new(Status::LineSearchFailed, msg)
    }

    /// Whether restoration is done at the new iterate: acceptable to the
    /// filter with θ ≤ 0.9 θ_start, or feasible (to the infeasibility
    /// tolerance), or out of iterations.
    fn restored(&self, theta_start: f64) -> bool {
        let current = &self.points.current;
        let theta = self.points.scaling.c_l1(&current.constraints);
        let phi = self.points.scaling.phi(current.objective);
        (self.memory.filter.acceptable(theta, phi) && theta <= 0.9 * theta_start)
            || current.is_feasible(self.settings.infeasibility_tolerance())
            || self.progress.iteration >= self.settings.max_iterations()
    }

    /// Solves [I J_cᵀ; J_c −γI] (d, ·) = (0, −c) into the right-hand side
    /// (γ = `damping`); false when the system could not be factored or
    /// solved.
    fn projection_step(&mut self, damping: f64) -> bool {
        let (n, _) = self.points.dimensions();
        if !self.factor_projection(damping) {
            return false;
        }
        let work = &mut self.work;
        work.rhs[..n].fill(0.0);
        self.points.negated_scaled_constraints(&mut work.rhs[n..]);
        work.kkt.solve_in_place(&mut work.rhs)
    }

    /// ‖c‖₂² − ‖c + α J_c d‖₂² for the step d in the right-hand side
    /// (‖c‖₂² = `norm2`).
    fn predicted_decrease(&mut self, alpha: f64, norm2: f64) -> f64 {
        let (n, _) = self.points.dimensions();
        let work = &mut self.work;
        self.model.jac_c.mul(&work.rhs[..n], &mut work.m);
        let scaling = &self.points.scaling.constraints;
        let g = &self.points.current.constraints;
        let mut linear = 0.0;
        for ((jd, s), g) in work.m.iter().zip(scaling).zip(g) {
            let c = s * g;
            linear += (c + alpha * jd) * (c + alpha * jd);
        }
        norm2 - linear
    }

    /// ‖diag(s) g‖₂² at the current or the trial point.
    fn scaled_norm2(&self, slot: Slot) -> f64 {
        let g = match slot {
            Slot::Current => &self.points.current.constraints,
            Slot::Trial => &self.points.trial.constraints,
        };
        g.iter()
            .zip(&self.points.scaling.constraints)
            .map(|(g, s)| (s * g) * (s * g))
            .sum()
    }

    /// History entry for an intermediate restoration iterate (stationarity
    /// with the multipliers from before restoration, no regularization).
    fn record_restoration_step(&mut self, alpha: f64) {
        if !self.settings.record_history() {
            return;
        }
        let stationarity = self.stationarity();
        self.record_iterate(alpha, 0.0, stationarity);
    }
}

/// Which point's constraints.
#[derive(Clone, Copy)]
enum Slot {
    Current,
    Trial,
}
