//! Multiplier estimates: least squares at the start, or those of a warm start.

use super::*;

impl InteriorPoint {
    /// Warm-start multipliers: contract λ and z mapped to the scaled
    /// problem (z split by sign into the lower and upper multipliers, kept
    /// at least μ so the iterate stays interior in the dual space too).
    pub(super) fn warm_multipliers(&mut self, lambda: &[f64], z: &[f64]) {
        let (sigma, sf) = (self.scaling.sense, self.scaling.objective);
        for (i, y) in self.point.y.iter_mut().enumerate() {
            *y = sigma * lambda[i] * sf / self.scaling.constraints[i];
        }
        let floor = self.mu;
        for &j in &self.x_bounds.has_lower {
            self.point.z.lower[j] = (sigma * z[j] * sf).max(floor);
        }
        for &j in &self.x_bounds.has_upper {
            self.point.z.upper[j] = (-sigma * z[j] * sf).max(floor);
        }
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let y = self.point.y[i];
            if self.slack_bounds.lower[k].is_finite() {
                self.point.v.lower[k] = y.max(floor);
            }
            if self.slack_bounds.upper[k].is_finite() {
                self.point.v.upper[k] = (-y).max(floor);
            }
        }
    }

    /// y = argmin ‖∇φ − z_L + z_U − J_cᵀ y‖² + ‖y_I − v_L + v_U‖², from
    /// [I J_cᵀ; J_c −D] (w, y) = (∇φ − z_L + z_U, (0, v_L − v_U)) with D = 1
    /// on the inequality rows; zero when it is larger than
    /// [`MAX_INITIAL_MULTIPLIER`] or the system is singular.
    pub(super) fn least_squares_multipliers(&mut self) {
        let (n, m) = (self.n(), self.m());
        self.point.y.fill(0.0);
        if m == 0 {
            return;
        }
        let d = &mut self.work.dual_diagonal;
        d.fill(0.0);
        for &i in &self.structure.inequalities {
            d[i] = 1.0;
        }
        let clock = Instant::now();
        let mut factored = false;
        for gamma in [0.0, 1e-8] {
            let diagonal = Diagonal {
                delta: 1.0,
                gamma,
                primal: &[],
                dual: &self.work.dual_diagonal,
            };
            self.kkt.assemble_with(None, &self.jac_c, &diagonal);
            let tol = 1e-13 * self.kkt.max_abs();
            if self.kkt.factor(tol).is_some_and(|i| i.zero == 0) {
                factored = true;
                break;
            }
        }
        if factored {
            let rhs = &mut self.work.rhs;
            rhs[..n].copy_from_slice(&self.grad_phi);
            self.point.z.add_net(&mut rhs[..n]);
            rhs[n..].fill(0.0);
            for (k, &i) in self.structure.inequalities.iter().enumerate() {
                rhs[n + i] = -(self.point.v.lower[k] - self.point.v.upper[k]);
            }
            if self.kkt.solve_in_place(rhs) && inf_norm(&rhs[n..]) <= MAX_INITIAL_MULTIPLIER {
                self.point.y.copy_from_slice(&rhs[n..]);
            }
        }
        self.clock.factorization += clock.elapsed();
    }
}
