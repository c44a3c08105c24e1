//! Factorizations of the KKT matrix: the Newton matrix K(δ, γ) with the
//! inertia correction choosing δ and γ, and the projection matrix
//! [I J_cᵀ; J_c −γI] of least-squares multipliers and restoration steps.

use super::{Newton, Status, Stop};
use crate::solver::inertia::{InertiaFailure, Regularization};
use crate::solver::timers::{timed, Phase};

impl Newton {
    /// Factors K(δ, γ) = [W + δI, J_cᵀ; J_c, −γI] with the smallest δ (and
    /// γ) giving the inertia of a descent step on the tangent space.
    /// Untimed: the caller times it with the solve that follows.
    pub(super) fn factor_kkt(&mut self) -> Result<Regularization, Stop> {
        let dimensions = self.points.dimensions();
        let model = &self.model;
        let factored = self.work.inertia.factor(
            &mut self.work.kkt,
            dimensions,
            &model.hessian,
            &model.jac_c,
            (&[], &[]),
        );
        factored.map_err(|failure| {
            let msg = match failure {
                InertiaFailure::TooLarge => {
                    "the KKT matrix stays singular or indefinite with the largest \
                     Hessian regularization"
                }
                InertiaFailure::NonFinite => "the factorization of the KKT matrix overflowed",
            };
            Stop::new(Status::Singular, msg)
        })
    }

    /// Factors the projection system [I J_cᵀ; J_c −γI] (γ = `gamma`, or
    /// at least 1e-8 when J_c is rank-deficient); false when neither works.
    pub(super) fn factor_projection(&mut self, gamma: f64) -> bool {
        let kkt = &mut self.work.kkt;
        let jac_c = &self.model.jac_c;
        timed!(self.clock.timers, Phase::Factorization, {
            [gamma, gamma.max(1e-8)].into_iter().any(|gamma| {
                // W = 0 with δ = 1: the identity block.
                kkt.assemble(None, jac_c, 1.0, gamma);
                let tol = 1e-13 * kkt.max_abs();
                kkt.factor(tol).is_some_and(|i| i.zero == 0)
            })
        })
    }
}
