//! The barrier parameter μ and how it goes to zero.
//!
//! [`Monotone`] is Fiacco–McCormick as in IPOPT (`mu_strategy monotone`):
//! μ is kept until the barrier problem is solved to κ_ε μ, then decreased
//! superlinearly, μ ← max(μ_min, min(κ_μ μ, μ^θ_μ)), possibly several times
//! at one iterate. The fraction-to-the-boundary parameter follows it,
//! τ = max(τ_min, 1 − μ).

/// μ₀ (IPOPT's `mu_init`).
pub const INITIAL_MU: f64 = 0.1;
/// κ_ε: the barrier problem counts as solved when its error is below κ_ε μ.
const KAPPA_EPSILON: f64 = 10.0;
/// κ_μ, θ_μ: the decrease μ ← min(κ_μ μ, μ^θ_μ).
const KAPPA_MU: f64 = 0.2;
const THETA_MU: f64 = 1.5;
/// τ_min of the fraction to the boundary.
const TAU_MIN: f64 = 0.99;

/// A rule that decides when and how far μ decreases.
pub trait BarrierUpdate: std::fmt::Debug {
    /// The next μ given the current one and the barrier problem's error
    /// E_μ at the current iterate, or `None` to keep μ. Never below `floor`.
    fn next(&mut self, mu: f64, error: f64, floor: f64) -> Option<f64>;
}

/// Fiacco–McCormick: decrease only once the barrier problem is solved.
#[derive(Clone, Copy, Debug, Default)]
pub struct Monotone;

impl BarrierUpdate for Monotone {
    fn next(&mut self, mu: f64, error: f64, floor: f64) -> Option<f64> {
        (mu > floor && error <= KAPPA_EPSILON * mu)
            .then(|| (KAPPA_MU * mu).min(mu.powf(THETA_MU)).max(floor))
    }
}

/// τ = max(τ_min, 1 − μ).
pub fn fraction_to_boundary(mu: f64) -> f64 {
    TAU_MIN.max(1.0 - mu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotone_waits_for_the_barrier_problem_then_decreases_superlinearly() {
        let mut rule = Monotone;
        assert_eq!(rule.next(0.1, 1.5, 1e-9), None, "error above κ_ε μ");
        assert_eq!(rule.next(0.1, 0.5, 1e-9), Some(0.1 * 0.2));
        let small = rule.next(1e-4, 1e-4, 1e-9).unwrap();
        assert!((small - 1e-6).abs() < 1e-20, "μ^1.5 once below κ_μ μ");
        assert_eq!(
            rule.next(2e-9, 0.0, 1e-9),
            Some(1e-9),
            "never below the floor"
        );
        assert_eq!(rule.next(1e-9, 0.0, 1e-9), None);
    }
}
