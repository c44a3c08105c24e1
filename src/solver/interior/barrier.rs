//! The barrier parameter μ and how it goes to zero.
//!
//! [`Monotone`] is Fiacco–McCormick as in IPOPT (`mu_strategy monotone`):
//! μ is kept until the barrier problem is solved to κ_ε μ, then decreased
//! superlinearly, μ ← max(μ_min, min(κ_μ μ, μ^θ_μ)), possibly several times
//! at one iterate. [`Adaptive`] is Mehrotra's probing as in IPOPT
//! (`mu_strategy adaptive`, `mu_oracle probing`; Nocedal, Wächter & Waltz,
//! *Adaptive barrier update strategies for nonlinear interior methods*,
//! SIAM J. Optim. 19, 2009): every iteration takes μ = σ · (average
//! complementarity) with σ = (complementarity an affine-scaling step would
//! reach / the current one)³, as long as the optimality error keeps
//! decreasing (the `kkt-error` globalization); otherwise it falls back to the
//! monotone rule until it does. The fraction-to-the-boundary parameter
//! follows μ, τ = max(τ_min, 1 − μ).

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

/// Once μ falls below the tolerance, the last barrier problem is solved at
/// this times the tolerance (see [`last_stage`]).
const LAST_STAGE_FACTOR: f64 = 0.01;

/// The monotone decrease's value once it falls below the tolerance `tol`:
/// at most `LAST_STAGE_FACTOR · tol` (never below `floor`). An inequality
/// with multiplier λ ends at slack ≈ μ/λ, and the contract counts it as
/// active (with λ reported) only within tol · max(1, |e|, |end|) of its
/// end; IPOPT's last μ (about tol/3 from μ^θ_μ) leaves such constraints
/// just outside, which costs one more iteration at a smaller μ. Jumping
/// to tol/100 at once puts every constraint with λ ≳ 0.01 inside.
pub fn last_stage(mu: f64, tol: f64, floor: f64) -> f64 {
    if mu < tol {
        mu.min(LAST_STAGE_FACTOR * tol).max(floor)
    } else {
        mu
    }
}

/// Reference errors kept by the adaptive rule's progress test
/// (IPOPT's `adaptive_mu_kkterror_red_iters`).
const PROGRESS_REFERENCES: usize = 4;
/// Required decrease of the error against the largest reference
/// (IPOPT's `adaptive_mu_kkterror_red_fact`).
const PROGRESS_FACTOR: f64 = 0.9999;
/// σ ≤ this (IPOPT's `sigma_max`).
const SIGMA_MAX: f64 = 100.0;
/// The monotone fallback starts at this times the average complementarity
/// (IPOPT's `adaptive_mu_monotone_init_factor`).
const FALLBACK_FACTOR: f64 = 0.8;

/// Mehrotra probing with a monotone fallback.
#[derive(Clone, Debug, Default)]
pub struct Adaptive {
    /// Whether μ follows the probing rule (free mode) or the monotone one.
    fixed: bool,
    /// Optimality errors of recent accepted iterates.
    references: Vec<f64>,
}

impl Adaptive {
    /// Whether the optimality error `error` shows progress against the
    /// references (always, while there are none); records it if so.
    pub fn progress(&mut self, error: f64) -> bool {
        let largest = self.references.iter().copied().fold(0.0f64, f64::max);
        let ok = self.references.is_empty() || error <= PROGRESS_FACTOR * largest;
        if ok {
            if self.references.len() == PROGRESS_REFERENCES {
                self.references.remove(0);
            }
            self.references.push(error);
        }
        ok
    }

    /// Whether μ is in the monotone fallback.
    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// Switches to the monotone fallback; returns its first μ.
    pub fn fall_back(&mut self, average_complementarity: f64, floor: f64) -> f64 {
        self.fixed = true;
        (FALLBACK_FACTOR * average_complementarity).max(floor)
    }

    /// Returns to free mode, with `error` as the only reference.
    pub fn resume(&mut self, error: f64) {
        self.fixed = false;
        self.references.clear();
        self.references.push(error);
    }

    /// Mehrotra's μ from the average complementarity now and after the
    /// affine-scaling step, within [floor, ceiling].
    pub fn probe(average: f64, affine: f64, floor: f64, ceiling: f64) -> f64 {
        let sigma = (affine / average).powi(3).min(SIGMA_MAX);
        (sigma * average).min(ceiling).max(floor)
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

    #[test]
    fn the_last_stage_jumps_below_the_tolerance() {
        assert_eq!(last_stage(1e-3, 1e-8, 1e-16), 1e-3, "above tol: unchanged");
        assert_eq!(last_stage(3e-9, 1e-8, 1e-16), 1e-10, "below tol: tol/100");
        assert_eq!(last_stage(1e-12, 1e-8, 1e-16), 1e-12, "already smaller");
        assert_eq!(last_stage(3e-9, 1e-8, 1e-9), 1e-9, "never below the floor");
    }

    #[test]
    fn probing_takes_the_cube_of_the_affine_reduction() {
        // The affine step halves the complementarity: σ = 1/8.
        assert!((Adaptive::probe(0.4, 0.2, 1e-9, 1e3) - 0.05).abs() < 1e-15);
        assert_eq!(Adaptive::probe(0.4, 0.0, 1e-9, 1e3), 1e-9, "floor");
        assert!(
            (Adaptive::probe(1e-3, 1.0, 1e-9, 5.0) - 0.1).abs() < 1e-15,
            "σ ≤ 100"
        );
        assert_eq!(Adaptive::probe(0.1, 1.0, 1e-9, 5.0), 5.0, "ceiling");
    }

    #[test]
    fn adaptive_falls_back_without_progress_and_resumes() {
        let mut rule = Adaptive::default();
        assert!(rule.progress(1.0));
        assert!(rule.progress(0.5));
        assert!(rule.progress(0.99), "below the largest of the references");
        assert!(!rule.progress(1.5));
        assert!((rule.fall_back(0.1, 1e-9) - 0.08).abs() < 1e-15);
        assert!(rule.is_fixed());
        rule.resume(0.3);
        assert!(!rule.is_fixed());
        assert!(!rule.progress(0.3), "no decrease against the new reference");
    }
}
