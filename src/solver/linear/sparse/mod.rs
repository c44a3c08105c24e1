//! Sparse LDLᵀ factorization of the regularized KKT matrix
//!
//! ```text
//! K(δ, γ) = [ W + δI   Jᵀ  ]
//!           [ J       −γI  ]
//! ```
//!
//! in faer's compressed sparse column format (one triangle).
//!
//! The structure of K (the diagonal, the Hessian pattern, the Jacobian
//! pattern) is built once from the problem's patterns, together with a map
//! from every pattern entry to its slot in the CSC value array: each
//! assembly only scatters values. The symbolic analysis (elimination tree,
//! supernodal or simplicial structure chosen by faer) is done once too and
//! reused by every numeric factorization.
//!
//! The numeric factorization is LDLᵀ *without pivoting* (faer's sparse
//! Cholesky module), so the inertia is read from the signs of D. With the
//! inertia correction's δ, γ the matrix is quasi-definite in the cases that
//! matter (W + δI positive definite, γ > 0), where such a factorization
//! exists for every symmetric ordering and is stable. Elsewhere a pivot may
//! vanish merely from the order (a zero Hessian diagonal met first): pivots
//! at or below the zero tolerance are replaced by ±10⁻⁸‖K‖ (their sign
//! kept), so the factors are those of K + E with a tiny diagonal E, which
//! has the inertia of K when K is safely nonsingular; a probe solve checks
//! that (refinement against K converges), and otherwise the replaced
//! pivots are reported as zero eigenvalues. Every solve is refined
//! iteratively against K itself, which also repairs the effect of tiny
//! pivots.
//!
//! The elimination order is AMD on the pattern of K, adjusted so that each
//! constraint follows the variable it is matched with; K is stored already
//! permuted, in the triangle faer's factorization reads, so no
//! factorization permutes or transposes it.
//!
//! One file per step: `structure` (the CSC structure of K, the slot of
//! every pattern entry, the symbolic analysis), `ordering` and `matching`
//! (the elimination order), `assemble` (scattering values, the
//! equilibration, products with K), `factor` (numeric factorization,
//! inertia, replaced pivots), `probe` (is K itself nonsingular?), `solve`
//! (solves refined against K), [`gmres`] (the Krylov refinement), `rank`
//! (dependent constraints). This module must not know about the Newton
//! iteration: it factors and solves the matrix it is given.

use faer::dyn_stack::MemBuffer;
use faer::sparse::linalg::cholesky::SymbolicCholesky;
use faer::sparse::SymbolicSparseColMat;
use faer::Mat;

mod assemble;
mod factor;
pub mod gmres;
mod matching;
mod ordering;
mod probe;
mod rank;
mod solve;
mod structure;
#[cfg(test)]
mod tests;

use gmres::Gmres;

/// The KKT structure, its symbolic factorization, the numeric factors and
/// the workspaces of the solves, for one pair of patterns.
pub struct SparseKkt {
    n: usize,
    m: usize,
    /// One triangle of P K Pᵀ in CSC form (upper for a simplicial, lower
    /// for a supernodal factorization), and its values.
    structure: SymbolicSparseColMat<usize>,
    values: Vec<f64>,
    /// The elimination order: row `forward[k]` of K is row k of P K Pᵀ.
    forward: Vec<usize>,
    /// Slot in `values` of each diagonal entry, Hessian and Jacobian
    /// pattern entry.
    diag_slot: Vec<usize>,
    hess_slot: Vec<usize>,
    jac_slot: Vec<usize>,
    symbolic: SymbolicCholesky<usize>,
    factors: Vec<f64>,
    factor_mem: MemBuffer,
    solve_mem: MemBuffer,
    rhs: Mat<f64>,
    original: Vec<f64>,
    residual: Vec<f64>,
    solution: Vec<f64>,
    /// The equilibration S (permuted order): `values` hold S K S.
    scale: Vec<f64>,
    /// Row maxima (workspace of the equilibration).
    row_max: Vec<f64>,
    max_abs: f64,
    factored: bool,
    /// Right-hand side of the nonsingularity probe.
    probe: Vec<f64>,
    /// Whether the last solve's refinement reached the probe's tolerance.
    last_refinement_converged: bool,
    /// Pivots the last factorization replaced (refinement then needs
    /// GMRES rather than plain correction steps).
    replaced: usize,
    /// Krylov workspace for refinement against K when plain steps stall.
    gmres: Gmres,
}

impl std::fmt::Debug for SparseKkt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparseKkt")
            .field("n", &self.n)
            .field("m", &self.m)
            .field("nnz", &self.values.len())
            .field("factor_nnz", &self.factors.len())
            .field("factored", &self.factored)
            .finish_non_exhaustive()
    }
}

impl SparseKkt {
    /// Number of variables n and constraints m.
    pub fn dims(&self) -> (usize, usize) {
        (self.n, self.m)
    }

    /// Structural nonzeros of K's lower triangle.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Stored entries of the factor L (fill included).
    pub fn factor_nnz(&self) -> usize {
        self.factors.len()
    }

    /// Largest magnitude among the entries of K, equilibrated (about 1).
    pub fn max_abs(&self) -> f64 {
        self.max_abs
    }
}
