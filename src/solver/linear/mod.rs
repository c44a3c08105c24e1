//! Linear solvers for the symmetric indefinite KKT systems.
//!
//! A backend factors a symmetric matrix, reports its inertia and solves with
//! the factors: [`DenseLdlt`] (Bunch–Kaufman LBLᵀ on a dense matrix, in
//! [`dense`]) and [`SparseKkt`] (LDLᵀ of the KKT matrix in compressed
//! sparse column form, with a fill-reducing ordering, in [`sparse`]); both
//! equilibrate K first ([`equilibrate`]). [`KktSolver`] puts either behind
//! one interface — assemble K(δ, γ), factor it, solve — so the Newton
//! iteration does not branch on the backend; [`Inertia`] is what a
//! factorization reports.

pub mod dense;
pub mod equilibrate;
mod lcg;
pub mod sparse;

pub use dense::{DenseLdlt, DenseRefinement};
pub use sparse::SparseKkt;

use super::kkt::{Diagonal, KktMatrix};
use super::matrices::{Hessian, Jacobian};

/// Inertia of a symmetric matrix: the numbers of positive, negative and zero
/// eigenvalues (by Sylvester's law, those of the block diagonal factor).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inertia {
    /// Number of positive eigenvalues.
    pub positive: usize,
    /// Number of negative eigenvalues.
    pub negative: usize,
    /// Number of (numerically) zero eigenvalues.
    pub zero: usize,
}

impl Inertia {
    /// Counts one eigenvalue (or pivot, by Sylvester's law): zero when its
    /// magnitude is at most `zero_tolerance`, else by its sign.
    pub(crate) fn count(&mut self, eigenvalue: f64, zero_tolerance: f64) {
        if eigenvalue.abs() <= zero_tolerance {
            self.zero += 1;
        } else if eigenvalue > 0.0 {
            self.positive += 1;
        } else {
            self.negative += 1;
        }
    }
}

/// The KKT matrix K(δ, γ) = [W + δI, Jᵀ; J, −γI] and its factorization,
/// dense or sparse.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per solver, never moved in a loop
pub enum KktSolver {
    /// Dense (n + m)² storage and Bunch–Kaufman LBLᵀ.
    Dense {
        /// The assembled matrix.
        matrix: KktMatrix,
        /// Its factorization.
        ldlt: DenseLdlt,
        /// Right-hand side and residual of the refinement steps.
        refinement: DenseRefinement,
    },
    /// Sparse storage, structure and symbolic analysis built once.
    Sparse(Box<SparseKkt>),
}

impl KktSolver {
    /// A dense solver for n variables and m constraints.
    pub fn dense(n: usize, m: usize) -> Self {
        KktSolver::Dense {
            matrix: KktMatrix::new(n, m),
            ldlt: DenseLdlt::new(n + m),
            refinement: DenseRefinement::new(n + m),
        }
    }

    /// Whether this is the sparse backend.
    pub fn is_sparse(&self) -> bool {
        matches!(self, KktSolver::Sparse(_))
    }

    /// Writes K(δ, γ) from W (`None`: W = 0) and J. The layouts of W and J
    /// must match the backend (dense matrices for the dense one, the
    /// patterns the sparse one was built from).
    pub fn assemble(&mut self, w: Option<&Hessian>, jac: &Jacobian, delta: f64, gamma: f64) {
        self.assemble_with(w, jac, &Diagonal::regularization(delta, gamma));
    }

    /// Writes K from W (`None`: W = 0), J and the diagonal terms (δ, γ and
    /// the barrier's diagonals); layouts as for [`Self::assemble`].
    pub fn assemble_with(&mut self, w: Option<&Hessian>, jac: &Jacobian, diagonal: &Diagonal<'_>) {
        match self {
            KktSolver::Dense { matrix, .. } => {
                let Jacobian::Dense(j) = jac else {
                    unreachable!("dense KKT matrix with a sparse Jacobian")
                };
                let w = w.map(|w| match w {
                    Hessian::Dense(h) => h.as_ref(),
                    Hessian::Sparse { .. } => {
                        unreachable!("dense KKT matrix with a sparse Hessian")
                    }
                });
                matrix.assemble(w, j.as_ref(), diagonal);
            }
            KktSolver::Sparse(kkt) => {
                let Jacobian::Sparse { values: j, .. } = jac else {
                    unreachable!("sparse KKT matrix with a dense Jacobian")
                };
                let w = w.map(|w| match w {
                    Hessian::Sparse { values, .. } => values.as_slice(),
                    Hessian::Dense(_) => unreachable!("sparse KKT matrix with a dense Hessian"),
                });
                kkt.assemble(w, j, diagonal);
            }
        }
    }

    /// Largest magnitude among the entries of the assembled K, equilibrated
    /// (about 1: pivot tolerances are relative to it).
    pub fn max_abs(&self) -> f64 {
        match self {
            KktSolver::Dense { matrix, .. } => matrix.max_abs(),
            KktSolver::Sparse(kkt) => kkt.max_abs(),
        }
    }

    /// Factors the assembled K; its inertia, with pivots below
    /// `zero_pivot_tolerance` counted as zero (`None`: not finite).
    pub fn factor(&mut self, zero_pivot_tolerance: f64) -> Option<Inertia> {
        match self {
            KktSolver::Dense { matrix, ldlt, .. } => {
                ldlt.factor(matrix.as_ref(), zero_pivot_tolerance)
            }
            KktSolver::Sparse(kkt) => kkt.factor(zero_pivot_tolerance),
        }
    }

    /// Solves K z = b in place with the last factorization, refined
    /// against K; false when there is none usable or z is not finite.
    pub fn solve_in_place(&mut self, b: &mut [f64]) -> bool {
        match self {
            KktSolver::Dense {
                matrix,
                ldlt,
                refinement,
            } => refinement.solve(matrix, ldlt, b),
            KktSolver::Sparse(kkt) => kkt.solve_in_place(b),
        }
    }
}

#[cfg(test)]
mod tests;
