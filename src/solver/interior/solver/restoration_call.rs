//! Entering and leaving the feasibility restoration phase, the least-change
//! step it falls back on, and the test of a stationary violation.

use super::*;

impl InteriorPoint {
    /// The restoration phase (see [`restoration`]) from the current
    /// iterate; the iteration goes on from the point it reaches, or stops
    /// there with its verdict.
    pub(super) fn restore<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        let entry = Entry {
            x: &self.current.x,
            t: &self.point.t,
            z: &self.point.z,
            v: &self.point.v,
            constraints: &self.current.constraints,
            mu: self.mu,
            tau: self.tau,
            scaling: &self.scaling,
            x_bounds: &self.x_bounds,
            slack_bounds: &self.slack_bounds,
            structure: &self.structure,
            filter: &self.filter,
            matrices: (&self.current.jacobian, &self.hessian),
            settings: &self.settings,
            iteration: self.iteration,
        };
        let phase = restoration::run(problem, &entry, &mut self.history);
        self.counter.add(&phase.evaluations);
        self.clock.factorization += phase.factorization;
        self.clock.line_search += phase.line_search;
        if phase.iterations > 0 && !self.adopt_restoration(problem, &phase) {
            return;
        }
        match phase.exit {
            Exit::Return => {}
            Exit::Stop(status, message) => self.stop(status, message),
            Exit::Stalled if self.violation_is_stationary() => self.stop(
                Status::Infeasible,
                "locally infeasible: the constraint violation cannot be reduced further \
                 (stationary point of the violation within the bounds)",
            ),
            Exit::Stalled => self.stop(
                Status::LineSearchFailed,
                "no acceptable step: the filter line search and the restoration phase both failed",
            ),
        }
    }

    /// Moves to the point where the restoration phase ended, with its
    /// bound multipliers and least-squares constraint multipliers, and
    /// records it; false when the solve stops there (evaluation error, or
    /// the termination tests).
    pub(super) fn adopt_restoration<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        phase: &restoration::Phase,
    ) -> bool {
        self.iteration += phase.iterations;
        self.current.x.copy_from_slice(&phase.x);
        self.point.t.copy_from_slice(&phase.t);
        self.x_bounds.keep_distance(&self.current.x);
        self.slack_bounds.keep_distance(&self.point.t);
        self.point.z.clone_from(&phase.z);
        self.point.v.clone_from(&phase.v);
        let finite = self.counter.values(problem, &mut self.current)
            && self.counter.derivatives(problem, &mut self.current);
        if !finite {
            self.stop(
                Status::EvaluationError,
                "f, g or a derivative is not finite where the restoration phase ended",
            );
            return false;
        }
        self.update_scaled_derivatives();
        self.least_squares_multipliers();
        if !self.evaluate_hessian(problem) {
            self.stop(
                Status::EvaluationError,
                "the Hessian of the Lagrangian is not finite where the restoration phase ended",
            );
            return false;
        }
        self.check_termination(phase.step_length, phase.regularization);
        self.status.is_none()
    }

    /// Inside a restoration phase, when the filter accepts no step: one
    /// feasibility step, the least-change step onto the linearized
    /// constraints (IPOPT restores a restoration problem by moving its p
    /// and n alone; this step moves them and x),
    ///
    /// ```text
    /// min ½ dxᵀ(Σₓ + I)dx + ½ dtᵀ Σₜ dt   subject to   J dx − dt = −(c − t),
    /// ```
    ///
    /// (the bounds' Σ keep it away from them), shortened by the fraction to
    /// the boundary and backtracked until θ decreases; the filter is
    /// augmented with the current iterate. When θ cannot decrease along it,
    /// the iterate is a stationary point of the violation (`infeasible`),
    /// unless it is feasible already (`line_search_failed`).
    pub(super) fn feasibility_fallback<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        theta0: f64,
        phi0: f64,
    ) -> Result<f64, Status> {
        let (n, m) = (self.n(), self.m());
        let clock = Instant::now();
        let primal: Vec<f64> = self.work.sigma_x.iter().map(|s| s + 1.0).collect();
        let mut factored = false;
        for gamma in [0.0, 1e-8] {
            let diagonal = Diagonal {
                delta: 0.0,
                gamma,
                primal: &primal,
                dual: &self.work.dual_diagonal,
            };
            self.kkt.assemble_with(None, &self.jac_c, &diagonal);
            let tol = 1e-13 * self.kkt.max_abs();
            if self
                .kkt
                .factor(tol)
                .is_some_and(|i| i.zero == 0 && i.negative == m)
            {
                factored = true;
                break;
            }
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let rhs = &mut self.work.rhs;
        rhs[..n].fill(0.0);
        for (b, r) in rhs[n..].iter_mut().zip(&residual) {
            *b = -r;
        }
        self.work.residual = residual;
        let solved = factored && self.kkt.solve_in_place(&mut self.work.rhs);
        self.clock.factorization += clock.elapsed();
        let d = &mut self.direction;
        if solved {
            d.dx.copy_from_slice(&self.work.rhs[..n]);
            for (k, &i) in self.structure.inequalities.iter().enumerate() {
                d.dt[k] = self.work.rhs[n + i] * self.work.dual_diagonal[i];
            }
            d.dy.fill(0.0);
            for duals in [&mut d.dz, &mut d.dv] {
                duals.lower.fill(0.0);
                duals.upper.fill(0.0);
            }
            let mut alpha = self.max_primal_step();
            while alpha > 1e-12 {
                if self.form_trial(alpha) && self.counter.values(problem, &mut self.trial) {
                    let theta = self.theta(&self.trial, &self.trial_point.t);
                    if theta <= (1.0 - 1e-4 * alpha) * theta0 {
                        self.filter.augment(theta0, phi0);
                        return Ok(alpha);
                    }
                }
                alpha *= 0.5;
            }
        }
        let tol = self.settings.tolerance();
        if answer::feasible(&self.structure, &self.current, tol) {
            Err(Status::LineSearchFailed)
        } else if self.violation_is_stationary() {
            Err(Status::Infeasible)
        } else {
            Err(Status::LineSearchFailed)
        }
    }

    /// Whether the current iterate is a stationary point of ½θ₂² =
    /// ½‖c − t‖² within the slacks' bounds: ‖J_cᵀ r‖∞ ≤ 10⁻⁶ ‖J_c‖ ‖r‖∞ for
    /// the residuals r, and every slack's component −rₖ either small alike
    /// or pushing against the bound the slack sits at.
    pub(super) fn violation_is_stationary(&mut self) -> bool {
        const RELATIVE: f64 = 1e-6;
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let r_max = inf_norm(&residual);
        let g = &mut self.work.n;
        g.fill(0.0);
        self.jac_c.add_transpose_mul(1.0, &residual, g);
        let mut sums = vec![0.0; g.len()];
        self.jac_c.col_abs_sums(&mut sums);
        let scale = inf_norm(&sums).max(1.0) * r_max;
        let mut stationary = inf_norm(g) <= RELATIVE * scale;
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            // d(½r²)/dt = −r: decreasing it means moving t towards c.
            let r = residual[i];
            let t = self.point.t[k];
            let near = |end: f64| (t - end).abs() <= 1e-6 * end.abs().max(1.0);
            let blocked = (r > 0.0 && near(self.slack_bounds.upper[k]))
                || (r < 0.0 && near(self.slack_bounds.lower[k]));
            stationary &= blocked || r.abs() <= RELATIVE * r_max;
        }
        self.work.residual = residual;
        r_max > 0.0 && stationary
    }
}
