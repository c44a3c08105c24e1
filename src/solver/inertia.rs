//! Inertia correction (Wächter & Biegler 2006, IPOPT, Algorithm IC).
//!
//! The Newton step is a descent direction on the constraints' tangent space
//! only when K(δ, γ) = [W + δI, Jᵀ; J, −γI] has inertia (n, m, 0), i.e. when
//! W + δI is positive definite on the null space of J and J has full rank.
//! This module finds the smallest δ of a geometric sequence that achieves it:
//!
//! 1. try δ = 0, γ = 0;
//! 2. if K is singular and there are constraints, set γ = γ̄ (the constraint
//!    Jacobian may be rank-deficient: dependent constraints) and try again;
//! 3. start δ at δ₀ the first time, or at max(δ_min, κ⁻ δ_last) later, and
//!    multiply it by κ̄⁺ (first time) or κ⁺ until the inertia is right;
//!    give up past δ_max.

use super::kkt::Diagonal;
use super::linear::{Inertia, KktSolver};
use super::matrices::{Hessian, Jacobian};

const DELTA_0: f64 = 1e-4;
const DELTA_MIN: f64 = 1e-20;
const DELTA_MAX: f64 = 1e40;
const KAPPA_MINUS: f64 = 1.0 / 3.0;
const KAPPA_PLUS: f64 = 8.0;
const KAPPA_PLUS_FIRST: f64 = 100.0;
const GAMMA_BAR: f64 = 1e-8;
/// A pivot below this times the largest entry of K counts as zero.
const ZERO_PIVOT_RELATIVE: f64 = 1e-13;

/// The regularization that gave K the right inertia.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Regularization {
    /// δ added to the Hessian block.
    pub delta: f64,
    /// γ subtracted on the constraint block (nonzero when K was singular).
    pub gamma: f64,
    /// Number of factorizations this correction took.
    pub factorizations: usize,
}

/// Why no regularization worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InertiaFailure {
    /// δ passed δ_max without reaching the inertia (n, m, 0).
    TooLarge,
    /// The factors were not finite.
    NonFinite,
}

/// State of the inertia correction across iterations (δ_last).
#[derive(Clone, Debug, Default)]
pub struct InertiaCorrector {
    last_delta: f64,
}

impl InertiaCorrector {
    /// A corrector that has never regularized.
    pub fn new() -> Self {
        InertiaCorrector { last_delta: 0.0 }
    }

    /// Assembles and factors K(δ, γ) with the smallest δ (of the IPOPT
    /// sequence) giving inertia (n, m, 0) for n variables and m
    /// constraints. On success `kkt` holds the factors of K(δ, γ).
    /// `barrier` gives the interior-point diagonals D_x and D_c (empty
    /// slices without bounds and inequalities).
    pub fn factor(
        &mut self,
        kkt: &mut KktSolver,
        (n, m): (usize, usize),
        w: &Hessian,
        jac: &Jacobian,
        barrier: (&[f64], &[f64]),
    ) -> Result<Regularization, InertiaFailure> {
        let wanted = Inertia {
            positive: n,
            negative: m,
            zero: 0,
        };
        let mut factorizations = 0;
        // Zero pivots are judged relative to the size of K only without
        // regularization (to detect a rank-deficient J or a singular W);
        // once δ or γ is added, only exact zeros count: the pivots of
        // −J Jᵀ/δ are legitimately tiny when δ is large.
        let mut attempt = |delta: f64, gamma: f64| -> Result<Inertia, InertiaFailure> {
            let diagonal = Diagonal {
                delta,
                gamma,
                primal: barrier.0,
                dual: barrier.1,
            };
            kkt.assemble_with(Some(w), jac, &diagonal);
            let tol = if delta == 0.0 && gamma == 0.0 {
                ZERO_PIVOT_RELATIVE * kkt.max_abs()
            } else {
                0.0
            };
            factorizations += 1;
            kkt.factor(tol).ok_or(InertiaFailure::NonFinite)
        };

        // IC-1: no regularization.
        let inertia = attempt(0.0, 0.0)?;
        if inertia == wanted {
            return Ok(Regularization {
                delta: 0.0,
                gamma: 0.0,
                factorizations,
            });
        }
        // IC-2: singular K: regularize the constraint block first.
        let mut gamma = 0.0;
        if inertia.zero > 0 && m > 0 {
            gamma = GAMMA_BAR;
            if attempt(0.0, gamma)? == wanted {
                return Ok(Regularization {
                    delta: 0.0,
                    gamma,
                    factorizations,
                });
            }
        }
        // IC-3: increase δ geometrically until the inertia is right.
        let first = self.last_delta == 0.0;
        let mut delta = if first {
            DELTA_0
        } else {
            (KAPPA_MINUS * self.last_delta).max(DELTA_MIN)
        };
        let growth = if first { KAPPA_PLUS_FIRST } else { KAPPA_PLUS };
        loop {
            let inertia = attempt(delta, gamma)?;
            if inertia == wanted {
                self.last_delta = delta;
                return Ok(Regularization {
                    delta,
                    gamma,
                    factorizations,
                });
            }
            if inertia.zero > 0 && m > 0 && gamma == 0.0 {
                gamma = GAMMA_BAR;
            }
            delta *= growth;
            if delta > DELTA_MAX {
                return Err(InertiaFailure::TooLarge);
            }
        }
    }
}
