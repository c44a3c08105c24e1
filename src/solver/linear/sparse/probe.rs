//! The nonsingularity probe: after pivots were replaced, the factors are
//! those of K + E; a solve with a generic right-hand side, refined against
//! K, tells whether K itself is nonsingular.

use super::SparseKkt;
use crate::solver::linear::lcg::Lcg;
use crate::solver::vector::inf_norm;

/// A probe solve whose refined residual stays above this times ‖b‖∞ shows
/// K singular, even when it reached
/// [`PROBE_TOLERANCE`](super::solve::PROBE_TOLERANCE): against a
/// singular K the relative test alone can pass, with a huge z (the backward
/// error ‖r‖/(‖K‖‖z‖) of z → ∞ along the replaced pivot's direction goes to
/// zero while ‖r‖ stays at b's distance from the range of K, of the order
/// of ‖b‖ for a generic b and a null vector that is not spread over
/// millions of entries). A legitimately ill-conditioned K (a 10⁶-link
/// chain, cond ≈ 3·10¹¹) leaves 10⁻⁷ at most.
const PROBE_RESIDUAL: f64 = 1e-4;

impl SparseKkt {
    /// Whether refinement against K converges for a generic right-hand
    /// side with the current factors (of K + E): false when K is singular or
    /// too close to it for the replaced pivots to be harmless.
    pub(super) fn probe_nonsingular(&mut self) -> bool {
        let dim = self.n + self.m;
        let mut b = std::mem::take(&mut self.probe);
        let mut lcg = Lcg::new(0x9E37_79B9_7F4A_7C15);
        // Generic in the equilibrated system (the solve multiplies by S):
        // a right-hand side generic in K's own units would weigh only the
        // rows S scales up, and miss a near-singular direction elsewhere.
        for (&f, s) in self.forward.iter().zip(&self.scale) {
            b[f] = (lcg.unit() - 0.5) / s;
        }
        debug_assert_eq!(b.len(), dim);
        let solved = self.solve_in_place(&mut b);
        self.probe = b;
        // (`residual` and `original` are b − K z and b of the last solve.)
        solved
            && self.last_refinement_converged
            && inf_norm(&self.residual) <= PROBE_RESIDUAL * inf_norm(&self.original)
    }
}
