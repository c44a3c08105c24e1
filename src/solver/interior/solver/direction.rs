//! The search direction: the barrier diagonals of the reduced KKT matrix, the
//! primal-dual step with the slack and bound-multiplier steps recovered
//! afterwards, the largest steps that keep the point interior, and the trial
//! point.

use super::*;

impl InteriorPoint {
    /// Σₓ, Σₜ and the constraint block's diagonal D (0 on equation rows,
    /// Σₜ⁻¹ on inequality rows).
    pub(super) fn barrier_diagonals(&mut self) {
        self.point
            .z
            .sigma(&self.x_bounds, &self.current.x, &mut self.work.sigma_x);
        self.point
            .v
            .sigma(&self.slack_bounds, &self.point.t, &mut self.work.sigma_t);
        self.work.dual_diagonal.fill(0.0);
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let sigma = match self.work.sigma_t[k] {
                0.0 => FREE_SLACK_SIGMA,
                sigma => sigma.max(MIN_SLACK_SIGMA),
            };
            self.work.dual_diagonal[i] = 1.0 / sigma;
        }
    }

    /// Solves the factored system for the primal-dual direction into
    /// `self.direction`; the rows' residuals are those of the current
    /// iterate, or `rows` (a second-order correction's c_soc). False when
    /// the solve fails.
    pub(super) fn direction(&mut self, rows: Option<&[f64]>) -> bool {
        let (n, m) = (self.n(), self.m());
        let mu = self.mu;
        // rₜ = y_I − μ/(t − t_L) + μ/(t_U − t).
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            self.work.r_t[k] = self.point.y[i];
        }
        add_barrier_gradient(&self.slack_bounds, &self.point.t, mu, &mut self.work.r_t);
        // x part: −(∇φ − J_cᵀy + barrier gradient).
        let rhs = &mut self.work.rhs;
        rhs[..n].copy_from_slice(&self.grad_phi);
        self.jac_c
            .add_transpose_mul(-1.0, &self.point.y, &mut rhs[..n]);
        add_barrier_gradient(&self.x_bounds, &self.current.x, mu, &mut rhs[..n]);
        for r in &mut rhs[..n] {
            *r = -*r;
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        match rows {
            Some(rows) => residual.copy_from_slice(rows),
            None => self.row_residuals(&self.current, &self.point.t, &mut residual),
        }
        for (i, (rhs, r)) in self.work.rhs[n..].iter_mut().zip(&residual).enumerate() {
            let extra = match self.structure.slack_of[i] {
                Some(k) => self.work.r_t[k] * self.work.dual_diagonal[i],
                None => 0.0,
            };
            *rhs = -(r + extra);
        }
        self.work.residual = residual;
        if !self.kkt.solve_in_place(&mut self.work.rhs) {
            return false;
        }
        let d = &mut self.direction;
        d.dx.copy_from_slice(&self.work.rhs[..n]);
        for i in 0..m {
            d.dy[i] = -self.work.rhs[n + i];
        }
        // dt = (w_I − rₜ)/Σₜ with w = −dy.
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            d.dt[k] = (self.work.rhs[n + i] - self.work.r_t[k]) * self.work.dual_diagonal[i];
        }
        self.point
            .z
            .step(&self.x_bounds, &self.current.x, &d.dx, mu, &mut d.dz);
        self.point
            .v
            .step(&self.slack_bounds, &self.point.t, &d.dt, mu, &mut d.dv);
        d.dx.iter().chain(&d.dt).chain(&d.dy).all(|v| v.is_finite())
    }

    /// The largest primal step along the direction (fraction to the boundary).
    pub(super) fn max_primal_step(&self) -> f64 {
        let d = &self.direction;
        max_primal_step(&self.x_bounds, &self.current.x, &d.dx, self.tau).min(max_primal_step(
            &self.slack_bounds,
            &self.point.t,
            &d.dt,
            self.tau,
        ))
    }

    /// The largest dual step along the direction (fraction to the boundary).
    pub(super) fn max_dual_step(&self) -> f64 {
        let d = &self.direction;
        self.point
            .z
            .max_step(&self.x_bounds, &d.dz, self.tau)
            .min(self.point.v.max_step(&self.slack_bounds, &d.dv, self.tau))
    }

    /// Writes the trial (x + α dx, t + α dt); false if not finite.
    pub(super) fn form_trial(&mut self, alpha: f64) -> bool {
        for (j, x) in self.trial.x.iter_mut().enumerate() {
            *x = self.current.x[j] + alpha * self.direction.dx[j];
        }
        for (k, t) in self.trial_point.t.iter_mut().enumerate() {
            *t = self.point.t[k] + alpha * self.direction.dt[k];
        }
        self.trial
            .x
            .iter()
            .chain(&self.trial_point.t)
            .all(|v| v.is_finite())
    }
}
