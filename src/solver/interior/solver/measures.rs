//! What the iteration measures: the scaled derivatives, the rows' residuals, θ,
//! the barrier objective φ_μ, the Hessian and the barrier problem's error E_μ.

use super::*;

impl InteriorPoint {
    /// ∇φ = σ s_f ∇f and J_c = diag(s) J at the current iterate.
    pub(super) fn update_scaled_derivatives(&mut self) {
        let factor = self.scaling.sense * self.scaling.objective;
        for (gp, g) in self.grad_phi.iter_mut().zip(&self.current.gradient) {
            *gp = factor * g;
        }
        self.jac_c
            .scale_rows_from(&self.current.jacobian, &self.scaling.constraints);
    }

    /// Scaled residuals of the rows at an iterate: cᵢ − end (equations) or
    /// cᵢ − tₖ (inequalities), into `out`.
    pub(super) fn row_residuals(&self, it: &Iterate, t: &[f64], out: &mut [f64]) {
        for (i, r) in out.iter_mut().enumerate() {
            let s = self.scaling.constraints[i];
            *r = self.structure.row_residual(i, s, it.constraints[i], t);
        }
    }

    /// θ = ‖residuals‖₁.
    pub(super) fn theta(&self, it: &Iterate, t: &[f64]) -> f64 {
        self.structure
            .theta(&self.scaling.constraints, &it.constraints, t)
    }

    /// The barrier objective φ_μ = φ − μ Σ ln(distances) at an iterate.
    pub(super) fn barrier_objective(&self, it: &Iterate, t: &[f64]) -> f64 {
        self.scaling.phi(it.objective)
            + barrier_value(&self.x_bounds, &it.x, self.mu)
            + barrier_value(&self.slack_bounds, t, self.mu)
    }

    /// W at the current point with the current y.
    pub(super) fn evaluate_hessian<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> bool {
        let factor = self.scaling.sense * self.scaling.objective;
        let weights: Vec<f64> = self
            .point
            .y
            .iter()
            .zip(&self.scaling.constraints)
            .map(|(y, s)| s * y)
            .collect();
        self.counter.hessian(
            problem,
            &self.current.x,
            factor,
            &weights,
            &mut self.hessian,
        )
    }

    /// E_μ: IPOPT's scaled error of the barrier problem at the current
    /// iterate (dual infeasibility and complementarity divided by s_d, s_c).
    pub(super) fn barrier_error(&mut self, mu: f64) -> f64 {
        const S_MAX: f64 = 100.0;
        let m = self.m();
        let r = &mut self.work.n;
        r.copy_from_slice(&self.grad_phi);
        self.jac_c.add_transpose_mul(-1.0, &self.point.y, r);
        self.point.z.add_net(r);
        let mut dual = inf_norm(r);
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let rt = self.point.y[i] - self.point.v.lower[k] + self.point.v.upper[k];
            dual = dual.max(rt.abs());
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let primal = inf_norm(&residual);
        self.work.residual = residual;
        let (zx, cx) = self.point.z.l1_and_count(&self.x_bounds);
        let (zt, ct) = self.point.v.l1_and_count(&self.slack_bounds);
        let y1: f64 = self.point.y.iter().map(|y| y.abs()).sum();
        let s_d = (S_MAX.max((y1 + zx + zt) / ((m + cx + ct).max(1) as f64))) / S_MAX;
        let s_c = (S_MAX.max((zx + zt) / ((cx + ct).max(1) as f64))) / S_MAX;
        let (kx, _) = self
            .point
            .z
            .complementarity(&self.x_bounds, &self.current.x, mu);
        let (kt, _) = self
            .point
            .v
            .complementarity(&self.slack_bounds, &self.point.t, mu);
        (dual / s_d).max(primal).max(kx.max(kt) / s_c)
    }
}
