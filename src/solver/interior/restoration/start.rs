//! Where the restoration phase starts, and the bound multipliers the
//! original iteration resumes with (IPOPT's `RestoIterateInitializer` and
//! the end of `MinC_1NrmRestorationPhase::PerformRestoration`).

use super::super::point::BoundDuals;
use super::super::structure::Bounds;

/// Bound multipliers larger than this after the phase are all reset to 1
/// (IPOPT's `bound_mult_reset_threshold`): the move through the phase is
/// no Newton step, and a huge multiplier would pin its variable.
pub const MULTIPLIER_RESET: f64 = 1e3;

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

/// Bound multipliers for the original iteration after the phase moved v
/// from `before` to `after`: one primal-dual Newton step of the
/// complementarity z·(v − end) = μ, taking the whole move as its primal
/// step, kept positive by the fraction to the boundary τ (IPOPT's
/// `ComputeBoundMultiplierStep`).
pub fn multipliers_after(
    bounds: &Bounds,
    duals: &BoundDuals,
    (before, after): (&[f64], &[f64]),
    mu: f64,
    tau: f64,
) -> BoundDuals {
    let moved: Vec<f64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    let mut step = BoundDuals::new(bounds, 0.0);
    duals.step(bounds, before, &moved, mu, &mut step);
    let alpha = duals.max_step(bounds, &step, tau);
    let mut out = duals.clone();
    out.advance(&step, alpha);
    out
}

/// The largest multiplier of a finite end.
pub fn largest(bounds: &Bounds, duals: &BoundDuals) -> f64 {
    let lower = bounds.has_lower.iter().map(|&i| duals.lower[i]);
    let upper = bounds.has_upper.iter().map(|&i| duals.upper[i]);
    lower.chain(upper).fold(0.0, f64::max)
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

    #[test]
    fn the_multiplier_step_solves_the_linearized_complementarity() {
        // z d_after + d_before Δz = μ for the lower end at 0.
        let bounds = Bounds::new(vec![0.0], vec![f64::INFINITY]);
        let duals = BoundDuals {
            lower: vec![0.01],
            upper: vec![0.0],
        };
        let mu = 0.01;
        let out = multipliers_after(&bounds, &duals, (&[0.5], &[0.6]), mu, 0.99);
        let dz = out.lower[0] - 0.01;
        assert!((0.01 * 0.6 + 0.5 * dz - mu).abs() < 1e-15);
    }
}
