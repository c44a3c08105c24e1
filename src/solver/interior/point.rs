//! The primal-dual point of the interior-point method beyond x: slacks t
//! of the inequalities, constraint multipliers y and the bound multipliers
//! z (of x) and v (of t), with the steps that move them.
//!
//! Everything here is in the solver's scaled space: t bounds the scaled
//! constraint value cᵢ = sᵢ gᵢ, and y, z, v are multipliers of the scaled
//! problem (minimize φ = σ s_f f).

use super::structure::Bounds;

/// Bound multipliers of one kind of primal variable (x or t): one entry per
/// variable, zero where the end is absent.
#[derive(Debug, Default)]
pub struct BoundDuals {
    /// Multipliers of the lower ends (≥ 0).
    pub lower: Vec<f64>,
    /// Multipliers of the upper ends (≥ 0).
    pub upper: Vec<f64>,
}

impl Clone for BoundDuals {
    fn clone(&self) -> Self {
        Self {
            lower: self.lower.clone(),
            upper: self.upper.clone(),
        }
    }

    /// Field by field, reusing the vectors' storage.
    fn clone_from(&mut self, source: &Self) {
        self.lower.clone_from(&source.lower);
        self.upper.clone_from(&source.upper);
    }
}

impl BoundDuals {
    /// `value` on every finite end, 0 elsewhere.
    pub fn new(bounds: &Bounds, value: f64) -> Self {
        let mut duals = BoundDuals {
            lower: vec![0.0; bounds.len()],
            upper: vec![0.0; bounds.len()],
        };
        bounds
            .has_lower
            .iter()
            .for_each(|&i| duals.lower[i] = value);
        bounds
            .has_upper
            .iter()
            .for_each(|&i| duals.upper[i] = value);
        duals
    }

    /// out += z_U − z_L (the bound multipliers' part of ∇L).
    pub fn add_net(&self, out: &mut [f64]) {
        for ((o, l), u) in out.iter_mut().zip(&self.lower).zip(&self.upper) {
            *o += u - l;
        }
    }

    /// Σ = z_L / (v − v_L) + z_U / (v_U − v) into `sigma`.
    pub fn sigma(&self, bounds: &Bounds, v: &[f64], sigma: &mut [f64]) {
        sigma.fill(0.0);
        for &i in &bounds.has_lower {
            sigma[i] += self.lower[i] / (v[i] - bounds.lower[i]);
        }
        for &i in &bounds.has_upper {
            sigma[i] += self.upper[i] / (bounds.upper[i] - v[i]);
        }
    }

    /// The steps of the multipliers, given the primal step `dv`:
    /// dz_L = μ/(v − v_L) − z_L − Σ_L dv, dz_U = μ/(v_U − v) − z_U + Σ_U dv.
    pub fn step(&self, bounds: &Bounds, v: &[f64], dv: &[f64], mu: f64, step: &mut BoundDuals) {
        step.lower.fill(0.0);
        step.upper.fill(0.0);
        for &i in &bounds.has_lower {
            let d = v[i] - bounds.lower[i];
            step.lower[i] = mu / d - self.lower[i] - self.lower[i] / d * dv[i];
        }
        for &i in &bounds.has_upper {
            let d = bounds.upper[i] - v[i];
            step.upper[i] = mu / d - self.upper[i] + self.upper[i] / d * dv[i];
        }
    }

    /// The largest α ∈ (0, 1] with z + α dz ≥ (1 − τ) z (fraction to the
    /// boundary).
    pub fn max_step(&self, bounds: &Bounds, step: &BoundDuals, tau: f64) -> f64 {
        let mut alpha = 1.0f64;
        for (&i, values, steps) in bounds
            .has_lower
            .iter()
            .map(|i| (i, &self.lower, &step.lower))
            .chain(
                bounds
                    .has_upper
                    .iter()
                    .map(|i| (i, &self.upper, &step.upper)),
            )
        {
            if steps[i] < 0.0 {
                alpha = alpha.min(-tau * values[i] / steps[i]);
            }
        }
        alpha
    }

    /// z += α dz.
    pub fn advance(&mut self, step: &BoundDuals, alpha: f64) {
        for (z, d) in self.lower.iter_mut().zip(&step.lower) {
            *z += alpha * d;
        }
        for (z, d) in self.upper.iter_mut().zip(&step.upper) {
            *z += alpha * d;
        }
    }

    /// Keeps each zᵢ within [μ/(κ_Σ dᵢ), κ_Σ μ/dᵢ] of the primal-dual
    /// central value μ/dᵢ (IPOPT's κ_Σ = 10¹⁰), so that Σ cannot drift
    /// arbitrarily far from the primal Hessian of the barrier.
    pub fn safeguard(&mut self, bounds: &Bounds, v: &[f64], mu: f64) {
        const KAPPA_SIGMA: f64 = 1e10;
        for &i in &bounds.has_lower {
            let central = mu / (v[i] - bounds.lower[i]);
            self.lower[i] = self.lower[i]
                .min(KAPPA_SIGMA * central)
                .max(central / KAPPA_SIGMA);
        }
        for &i in &bounds.has_upper {
            let central = mu / (bounds.upper[i] - v[i]);
            self.upper[i] = self.upper[i]
                .min(KAPPA_SIGMA * central)
                .max(central / KAPPA_SIGMA);
        }
    }

    /// Σ over the finite ends of |z|, and their number.
    pub fn l1_and_count(&self, bounds: &Bounds) -> (f64, usize) {
        let lower: f64 = bounds.has_lower.iter().map(|&i| self.lower[i].abs()).sum();
        let upper: f64 = bounds.has_upper.iter().map(|&i| self.upper[i].abs()).sum();
        (
            lower + upper,
            bounds.has_lower.len() + bounds.has_upper.len(),
        )
    }

    /// max |zᵢ dᵢ − μ| over the finite ends (the complementarity error of
    /// the barrier problem), and Σ zᵢ dᵢ.
    pub fn complementarity(&self, bounds: &Bounds, v: &[f64], mu: f64) -> (f64, f64) {
        let (mut worst, mut sum) = (0.0f64, 0.0);
        for &i in &bounds.has_lower {
            let p = self.lower[i] * (v[i] - bounds.lower[i]);
            worst = worst.max((p - mu).abs());
            sum += p;
        }
        for &i in &bounds.has_upper {
            let p = self.upper[i] * (bounds.upper[i] - v[i]);
            worst = worst.max((p - mu).abs());
            sum += p;
        }
        (worst, sum)
    }
}

/// Σ (dᵢ + α_P ddᵢ)(zᵢ + α_D dzᵢ) over the finite ends: the complementarity
/// after a step of lengths α_P (primal) and α_D (dual).
pub fn complementarity_after(
    bounds: &Bounds,
    v: &[f64],
    dv: &[f64],
    duals: &BoundDuals,
    step: &BoundDuals,
    (alpha_primal, alpha_dual): (f64, f64),
) -> f64 {
    let mut sum = 0.0;
    for &i in &bounds.has_lower {
        let d = v[i] + alpha_primal * dv[i] - bounds.lower[i];
        sum += d * (duals.lower[i] + alpha_dual * step.lower[i]);
    }
    for &i in &bounds.has_upper {
        let d = bounds.upper[i] - v[i] - alpha_primal * dv[i];
        sum += d * (duals.upper[i] + alpha_dual * step.upper[i]);
    }
    sum
}

/// The largest α ∈ (0, 1] with v + α dv − v_L ≥ (1 − τ)(v − v_L) and
/// v_U − v − α dv ≥ (1 − τ)(v_U − v) (fraction to the boundary).
pub fn max_primal_step(bounds: &Bounds, v: &[f64], dv: &[f64], tau: f64) -> f64 {
    let mut alpha = 1.0f64;
    for &i in &bounds.has_lower {
        if dv[i] < 0.0 {
            alpha = alpha.min(-tau * (v[i] - bounds.lower[i]) / dv[i]);
        }
    }
    for &i in &bounds.has_upper {
        if dv[i] > 0.0 {
            alpha = alpha.min(tau * (bounds.upper[i] - v[i]) / dv[i]);
        }
    }
    alpha
}

/// −μ Σ ln(v − v_L) − μ Σ ln(v_U − v): the barrier terms of the objective
/// (+∞ outside the bounds).
pub fn barrier_value(bounds: &Bounds, v: &[f64], mu: f64) -> f64 {
    let mut sum = 0.0;
    for &i in &bounds.has_lower {
        sum += (v[i] - bounds.lower[i]).ln();
    }
    for &i in &bounds.has_upper {
        sum += (bounds.upper[i] - v[i]).ln();
    }
    let value = -mu * sum;
    if value.is_nan() {
        f64::INFINITY
    } else {
        value
    }
}

/// The barrier terms' gradient −μ/(v − v_L) + μ/(v_U − v), added to `grad`.
pub fn add_barrier_gradient(bounds: &Bounds, v: &[f64], mu: f64, grad: &mut [f64]) {
    for &i in &bounds.has_lower {
        grad[i] -= mu / (v[i] - bounds.lower[i]);
    }
    for &i in &bounds.has_upper {
        grad[i] += mu / (bounds.upper[i] - v[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_to_the_boundary_keeps_a_tenth_of_each_distance() {
        let bounds = Bounds::new(vec![0.0, f64::NEG_INFINITY], vec![2.0, 1.0]);
        let v = [1.0, 0.0];
        // The first coordinate hits 0 at α = 0.5, the second 1 at α = 0.25.
        let alpha = max_primal_step(&bounds, &v, &[-2.0, 4.0], 0.9);
        assert!((alpha - 0.9 * 0.25).abs() < 1e-15);
        let moved = v[1] + alpha * 4.0;
        assert!((1.0 - moved - 0.1 * 1.0).abs() < 1e-15);
    }

    #[test]
    fn multiplier_steps_solve_the_linearized_complementarity() {
        let bounds = Bounds::new(vec![0.0], vec![3.0]);
        let duals = BoundDuals {
            lower: vec![0.7],
            upper: vec![0.2],
        };
        let (v, dv, mu) = ([1.0], [0.3], 0.05);
        let mut step = BoundDuals::new(&bounds, 0.0);
        duals.step(&bounds, &v, &dv, mu, &mut step);
        // (v − v_L) dz_L + z_L dv = μ − (v − v_L) z_L, and likewise above.
        let lower = (v[0] - 0.0) * step.lower[0] + duals.lower[0] * dv[0];
        assert!((lower - (mu - v[0] * duals.lower[0])).abs() < 1e-15);
        let upper = (3.0 - v[0]) * step.upper[0] - duals.upper[0] * dv[0];
        assert!((upper - (mu - (3.0 - v[0]) * duals.upper[0])).abs() < 1e-15);
    }
}
