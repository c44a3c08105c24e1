//! Where the restoration phase starts (IPOPT's `RestoIterateInitializer`):
//! the restoration problem's definition from the original iterate, its
//! primal-dual start and the settings of the iteration that solves it.

use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::nlp::{NlpProblem, SparsityPattern};
use crate::solver::settings::{LinearSolver, Settings};
use crate::solver::vector::inf_norm;

use super::super::point::BoundDuals;
use super::super::structure::{Bounds, Structure};
use super::problem::Definition;
use super::{Entry, RHO};

/// A primal-dual start, used as given: the restoration problem's slacks,
/// bound multipliers and barrier parameter (its x is the problem's start;
/// the constraint multipliers are the least-squares ones there).
#[derive(Clone, Debug)]
pub struct PrimalDualStart {
    /// Slacks of the inequality rows.
    pub t: Vec<f64>,
    /// Bound multipliers of the variables.
    pub z: BoundDuals,
    /// Bound multipliers of the slacks.
    pub v: BoundDuals,
    /// The barrier parameter.
    pub mu: f64,
}

/// Where the restoration problem starts: the original x and t, moved
/// inside their bounds by at least μ_R/ρ (the distance at which a
/// multiplier of ρ is central), g at that x, and μ_R.
pub struct Start {
    /// x.
    pub x: Vec<f64>,
    /// The slacks.
    pub t: Vec<f64>,
    /// g(x), unscaled.
    pub g: Vec<f64>,
    /// μ_R = max(μ, ‖residuals‖∞).
    pub mu: f64,
    /// Evaluations of the original problem this took.
    pub evaluations: u64,
}

impl Entry<'_> {
    /// The start of the restoration problem: x and t kept at least μ_R/ρ
    /// inside their bounds, g evaluated again if x moved.
    pub fn start<P: NlpProblem + ?Sized>(&self, problem: &mut P) -> Start {
        let residuals = self.residuals(self.constraints, self.t);
        let mu = self.mu.max(inf_norm(&residuals));
        let mut start = Start {
            x: self.x.to_vec(),
            t: self.t.to_vec(),
            g: self.constraints.to_vec(),
            mu,
            evaluations: 0,
        };
        keep_inside(self.slack_bounds, &mut start.t, mu / RHO);
        if keep_inside(self.x_bounds, &mut start.x, mu / RHO) {
            problem.constraints(&start.x, &mut start.g);
            start.evaluations += 1;
        }
        start
    }

    /// The restoration problem's definition from its start: x, and p and n
    /// central for μ_R with p − n the residuals of the rows at (x, t).
    pub fn definition(&self, start: &Start) -> Definition {
        let (n, m) = (self.x.len(), self.constraints.len());
        let mut point = start.x.clone();
        point.resize(n + 2 * m, 0.0);
        for (i, r) in self.residuals(&start.g, &start.t).into_iter().enumerate() {
            (point[n + i], point[n + m + i]) = p_and_n(r, start.mu, RHO);
        }
        // Rows as the original iteration scales them: the slacks' bounds
        // for inequalities, the scaled right-hand side for equations.
        let (mut row_lower, mut row_upper) = (vec![0.0; m], vec![0.0; m]);
        for i in 0..m {
            let s = self.scaling.constraints[i];
            (row_lower[i], row_upper[i]) = match self.structure.slack_of[i] {
                Some(k) => (self.slack_bounds.lower[k], self.slack_bounds.upper[k]),
                None => {
                    let end = s * self.structure.constraint_lower[i];
                    (end, end)
                }
            };
        }
        // ζ = √μ, dⱼ = min(1, 1/|x_R,ⱼ|): a pull towards x_R that keeps
        // the problem's Hessian positive on x and is the weaker the
        // further the original iteration has gone.
        let zeta = self.mu.sqrt();
        let proximity = start
            .x
            .iter()
            .map(|x| zeta * (1.0 / x.abs().max(1.0)).powi(2))
            .collect();
        let patterns = match self.matrices {
            (Jacobian::Sparse { pattern: j, .. }, Hessian::Sparse { pattern: h, .. }) => {
                Some((SparsityPattern::clone(j), SparsityPattern::clone(h)))
            }
            _ => None,
        };
        Definition {
            row_scale: self.scaling.constraints.clone(),
            x_lower: self.x_bounds.lower.clone(),
            x_upper: self.x_bounds.upper.clone(),
            row_lower,
            row_upper,
            start: point,
            rho: RHO,
            proximity,
            patterns,
        }
    }

    /// The restoration iteration's primal-dual start: the slacks and every
    /// bound multiplier on the central path of μ_R: μ/p and μ/n for p and
    /// n (as IPOPT), at most ρ for x and t. IPOPT keeps the original
    /// multipliers of x and t (capped at ρ), but those can be far from
    /// central for μ_R: a multiplier of 10⁻¹⁰ at a distance of 10⁻¹⁶ asks
    /// for a first step of 10¹¹. The constraint multipliers are the least
    /// squares ones, where IPOPT starts from y = 0: a row's multiplier is
    /// near −ρ where it is violated, and with y = 0 the Hessian lacks that
    /// row's curvature, which is all there is near a stationary point of
    /// the violation (x² + y² ≤ −1 at the origin: a first step of 10²).
    pub fn primal_dual_start(
        &self,
        structure: &Structure,
        x: &[f64],
        start: &Start,
    ) -> PrimalDualStart {
        let n = self.x.len();
        let mut z = central(&structure.x, x, start.mu, RHO);
        for (z, p) in z.lower[n..].iter_mut().zip(&x[n..]) {
            *z = start.mu / p;
        }
        PrimalDualStart {
            t: start.t.clone(),
            z,
            v: central(self.slack_bounds, &start.t, start.mu, RHO),
            mu: start.mu,
        }
    }

    /// Settings of the restoration iteration: those of the solve, with the
    /// iterations left, no scaling of its own (its rows come scaled), the
    /// linear algebra of the original iteration, and no classification.
    pub fn inner_settings(&self) -> Settings {
        let s = self.settings;
        let sparse = matches!(self.matrices.0, Jacobian::Sparse { .. });
        Settings::builder()
            .tolerance(s.tolerance())
            .max_iterations(s.max_iterations().saturating_sub(self.iteration).max(1))
            .infeasibility_tolerance(s.infeasibility_tolerance())
            .unbounded_objective(s.unbounded_objective())
            .max_gradient_scale(f64::INFINITY)
            .record_history(s.record_history())
            .classify(false)
            .linear_solver(if sparse {
                LinearSolver::Sparse
            } else {
                LinearSolver::Dense
            })
            .barrier(s.barrier())
            .build()
            .expect("settings derived from valid settings")
    }
}

/// The p, n > 0 with p − n = r (the row's residual) that satisfy the
/// barrier problem's conditions in p and n, ρ + y = μ/p and ρ − y = μ/n,
/// with the row's multiplier y eliminated: μ/p + μ/n = 2ρ (IPOPT's
/// quadratic formula):
///
/// ```text
/// p = μ/(2ρ) + r/2 + √((μ/(2ρ))² + (r/2)²),   n = p − r.
/// ```
///
/// The smaller of the two is computed from the larger, L, as μL/(2ρL − μ),
/// which does not cancel when |r| ≫ μ/ρ.
pub fn p_and_n(r: f64, mu: f64, rho: f64) -> (f64, f64) {
    let a = mu / (2.0 * rho);
    let larger = a + 0.5 * r.abs() + a.hypot(0.5 * r);
    let smaller = mu * larger / (2.0 * rho * larger - mu);
    if r >= 0.0 {
        (larger, smaller)
    } else {
        (smaller, larger)
    }
}

/// Moves each entry of v at least min(`distance`, 10⁻² max(1, |end|),
/// 10⁻² (upper − lower)) inside its bounds (the caps are those of the
/// first start, [`Bounds::push_inside`]); whether any moved.
pub fn keep_inside(bounds: &Bounds, v: &mut [f64], distance: f64) -> bool {
    const KAPPA: f64 = 1e-2;
    let mut moved = false;
    for (i, v) in v.iter_mut().enumerate() {
        let (l, u) = (bounds.lower[i], bounds.upper[i]);
        let width = u - l;
        let before = *v;
        if l.is_finite() {
            *v = v.max(l + distance.min(KAPPA * l.abs().max(1.0)).min(KAPPA * width));
        }
        if u.is_finite() {
            *v = v.min(u - distance.min(KAPPA * u.abs().max(1.0)).min(KAPPA * width));
        }
        moved |= *v != before;
    }
    moved
}

/// Bound multipliers on the central path of the barrier problem with
/// parameter μ, z·(v − end) = μ, at most `cap`.
pub fn central(bounds: &Bounds, v: &[f64], mu: f64, cap: f64) -> BoundDuals {
    let mut z = BoundDuals::new(bounds, 0.0);
    for &i in &bounds.has_lower {
        z.lower[i] = (mu / (v[i] - bounds.lower[i])).min(cap);
    }
    for &i in &bounds.has_upper {
        z.upper[i] = (mu / (bounds.upper[i] - v[i])).min(cap);
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_and_n_are_central_and_match_the_residual() {
        let (mu, rho) = (0.1, 1e3);
        for r in [0.0, 1e-9, -3e-5, 2.5, -1e8] {
            let (p, n) = p_and_n(r, mu, rho);
            assert!(p > 0.0 && n > 0.0, "r = {r}: p = {p}, n = {n}");
            assert!((p - n - r).abs() <= 1e-15 * r.abs().max(1.0), "r = {r}");
            let central = mu / p + mu / n;
            assert!((central - 2.0 * rho).abs() <= 1e-12 * rho, "r = {r}");
        }
    }

    #[test]
    fn keep_inside_moves_only_what_is_too_close() {
        let bounds = Bounds::new(vec![0.0, 0.0, f64::NEG_INFINITY], vec![1e-3, 5.0, 1.0]);
        let mut v = [1e-16, 2.0, 1.0 - 1e-12];
        assert!(keep_inside(&bounds, &mut v, 1e-3));
        // The first is capped by its width, the second is far enough.
        assert_eq!(v, [1e-5, 2.0, 1.0 - 1e-3]);
        let z = central(&bounds, &v, 1e-3, 50.0);
        assert_eq!(z.lower[0], 50.0);
        assert!((z.upper[2] - 1.0).abs() < 1e-9);
        assert!(!keep_inside(&bounds, &mut v, 1e-3));
    }
}
