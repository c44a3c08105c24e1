//! Linear solvers for the symmetric indefinite KKT systems.
//!
//! A backend factors a symmetric matrix, reports its inertia and solves with
//! the factors. Only the dense Bunch–Kaufman backend exists so far; a sparse
//! one would be a sibling file.

pub mod dense_ldlt;

pub use dense_ldlt::DenseLdlt;

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
