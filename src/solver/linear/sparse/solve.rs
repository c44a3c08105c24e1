//! Solves with the factors, refined iteratively against K itself: plain
//! correction steps when the factors are those of K, flexible GMRES
//! preconditioned by the factors when pivots were replaced or plain steps
//! stall.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::linalg::cholesky::{LdltRef, SymbolicCholesky};
use faer::{Conj, Mat, Par};

use super::assemble::symmetric_mul_sub;
use super::SparseKkt;
use crate::solver::vector::inf_norm;

/// Largest number of iterative-refinement steps per solve.
const MAX_REFINEMENT: usize = 3;
/// Refinement stops once ‖b − K z‖∞ is below this times ‖K‖·‖z‖∞ + ‖b‖∞.
const REFINEMENT_TOLERANCE: f64 = 1e-14;
/// A solve whose refined residual stays above this (relative, as above) is
/// rejected: the factors are too far from K. For the probe, this shows K
/// singular.
pub(super) const PROBE_TOLERANCE: f64 = 1e-10;
/// Krylov vectors per GMRES cycle (a replaced pivot costs about one
/// iteration, see [`Gmres`](super::gmres::Gmres)). Each costs two vectors
/// of K's dimension (flexible GMRES keeps M⁻¹vⱼ too): 160 MB per 10⁶ rows
/// at 10.
const GMRES_RESTART: usize = 10;
/// GMRES restarts before the solve gives up improving.
const GMRES_CYCLES: usize = 6;

impl SparseKkt {
    /// Solves K z = b in place with the last factorization, refined
    /// iteratively against K: plain correction steps when the factors are
    /// those of K, GMRES preconditioned by the factors when pivots were
    /// replaced or plain steps stall (see [`Gmres`](super::gmres::Gmres)).
    /// False when there is no usable factorization, the solution is not
    /// finite, or refinement could not bring the residual to
    /// `PROBE_TOLERANCE` (the factors are too far from K: a solution would
    /// be silently wrong).
    pub fn solve_in_place(&mut self, b: &mut [f64]) -> bool {
        let dim = self.n + self.m;
        if !self.factored || b.len() != dim {
            return false;
        }
        // Everything below is in the permuted order of the stored
        // K̃ = S P K Pᵀ S, which solves for S⁻¹ P z with right-hand side S P b.
        for ((o, &f), s) in self.original.iter_mut().zip(&self.forward).zip(&self.scale) {
            *o = b[f] * s;
        }
        self.solution.fill(0.0);
        self.residual.copy_from_slice(&self.original);
        self.last_refinement_converged = false;
        let b_norm = inf_norm(&self.original);
        let converged = self.replaced == 0 && self.plain_refinement(b_norm);
        if !converged {
            // Start again from z = 0: a stalled plain iterate may be far
            // off (and large), which would loosen the relative target.
            self.solution.fill(0.0);
            self.residual.copy_from_slice(&self.original);
            let max_abs = self.max_abs;
            let (col_ptr, row_idx) = (self.structure.col_ptr(), self.structure.row_idx());
            let values = &self.values;
            let (symbolic, factors) = (&self.symbolic, &self.factors);
            let (rhs, solve_mem) = (&mut self.rhs, &mut self.solve_mem);
            let outcome = self.gmres.refine(
                &self.original,
                &mut self.solution,
                &mut self.residual,
                GMRES_RESTART,
                GMRES_CYCLES,
                |z| REFINEMENT_TOLERANCE * (max_abs * inf_norm(z) + b_norm),
                |v, y| {
                    y.fill(0.0);
                    symmetric_mul_sub(col_ptr, row_idx, values, v, y);
                    for yi in y.iter_mut() {
                        *yi = -*yi;
                    }
                },
                |v| {
                    factor_solve(symbolic, factors, rhs, solve_mem, v);
                    for (i, x) in v.iter_mut().enumerate() {
                        *x = rhs[(i, 0)];
                    }
                },
            );
            let scale = max_abs * inf_norm(&self.solution) + b_norm;
            self.last_refinement_converged = outcome.residual <= PROBE_TOLERANCE * scale;
            if !self.last_refinement_converged {
                return false;
            }
        }
        for ((z, &f), s) in self.solution.iter().zip(&self.forward).zip(&self.scale) {
            b[f] = z * s;
        }
        b.iter().all(|v| v.is_finite())
    }

    /// Plain iterative refinement z ← z + (LDLᵀ)⁻¹(b − K z) from z = 0;
    /// true when it reached [`REFINEMENT_TOLERANCE`].
    fn plain_refinement(&mut self, b_norm: f64) -> bool {
        let mut best = b_norm;
        for _ in 0..=MAX_REFINEMENT {
            // Correction from the factors, added to the current solution.
            factor_solve(
                &self.symbolic,
                &self.factors,
                &mut self.rhs,
                &mut self.solve_mem,
                &self.residual,
            );
            for (i, z) in self.solution.iter_mut().enumerate() {
                *z += self.rhs[(i, 0)];
            }
            // r = b − K z.
            self.residual.copy_from_slice(&self.original);
            symmetric_mul_sub(
                self.structure.col_ptr(),
                self.structure.row_idx(),
                &self.values,
                &self.solution,
                &mut self.residual,
            );
            let r_norm = inf_norm(&self.residual);
            if !r_norm.is_finite() {
                return false;
            }
            let scale = self.max_abs * inf_norm(&self.solution) + b_norm;
            if r_norm <= REFINEMENT_TOLERANCE * scale {
                self.last_refinement_converged = true;
                return true;
            }
            if r_norm >= 0.5 * best && best < b_norm {
                // Stalled (or worse): GMRES takes over.
                return false;
            }
            best = r_norm;
        }
        false
    }
}

/// `rhs` = (LDLᵀ)⁻¹ v with the factors (in the stored, permuted order).
fn factor_solve(
    symbolic: &SymbolicCholesky<usize>,
    factors: &[f64],
    rhs: &mut Mat<f64>,
    solve_mem: &mut MemBuffer,
    v: &[f64],
) {
    for (i, x) in v.iter().enumerate() {
        rhs[(i, 0)] = *x;
    }
    LdltRef::new(symbolic, factors).solve_in_place_with_conj(
        Conj::No,
        rhs.as_mut(),
        Par::Seq,
        MemStack::new(solve_mem),
    );
}
