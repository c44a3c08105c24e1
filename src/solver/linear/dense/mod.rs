//! Dense symmetric indefinite factorization P A Pᵀ = L B Lᵀ (Bunch–Kaufman,
//! faer's `lblt`), with the inertia read from the 1×1 and 2×2 blocks of B,
//! and the iterative refinement of the dense KKT solves.
//!
//! The factor storage, permutation and scratch memory are allocated once for
//! a dimension and reused by every factorization. One file per step:
//! `factor` (factorization and inertia), `solve` (solves with the factors),
//! `refine` (refinement against the equilibrated KKT matrix).

use faer::dyn_stack::MemBuffer;
use faer::linalg::cholesky::lblt;
use faer::{Auto, Mat, Par};

mod factor;
mod refine;
mod solve;
#[cfg(test)]
mod tests;

pub use refine::DenseRefinement;

/// Workspace and factors of a dense LBLᵀ factorization of dimension `dim`.
pub struct DenseLdlt {
    dim: usize,
    /// L strictly below the diagonal, B's diagonal on the diagonal.
    factors: Mat<f64>,
    /// B's subdiagonal (nonzero entry i: a 2×2 block on rows i, i+1).
    subdiag: faer::diag::Diag<f64>,
    perm: Vec<usize>,
    perm_inv: Vec<usize>,
    factor_mem: MemBuffer,
    solve_mem: MemBuffer,
    rhs: Mat<f64>,
    factored: bool,
}

impl std::fmt::Debug for DenseLdlt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DenseLdlt")
            .field("dim", &self.dim)
            .field("factored", &self.factored)
            .finish_non_exhaustive()
    }
}

impl DenseLdlt {
    /// Allocates everything for matrices of dimension `dim`.
    pub fn new(dim: usize) -> Self {
        let params = <lblt::factor::LbltParams as Auto<f64>>::auto();
        let factor_req =
            lblt::factor::cholesky_in_place_scratch::<usize, f64>(dim, Par::Seq, params.into());
        let solve_req = lblt::solve::solve_in_place_scratch::<usize, f64>(dim, 1, Par::Seq);
        DenseLdlt {
            dim,
            factors: Mat::zeros(dim, dim),
            subdiag: faer::diag::Diag::zeros(dim),
            perm: vec![0; dim],
            perm_inv: vec![0; dim],
            factor_mem: MemBuffer::new(factor_req),
            solve_mem: MemBuffer::new(solve_req),
            rhs: Mat::zeros(dim, 1),
            factored: false,
        }
    }

    /// Dimension of the matrices this workspace factors.
    pub fn dim(&self) -> usize {
        self.dim
    }
}
