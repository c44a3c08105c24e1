//! Linear solvers for the symmetric indefinite KKT systems.
//!
//! A backend factors a symmetric matrix, reports its inertia and solves with
//! the factors: [`DenseLdlt`] (Bunch–Kaufman LBLᵀ on a dense matrix) and
//! [`SparseKkt`] (LDLᵀ of the KKT matrix in compressed sparse column form,
//! with a fill-reducing ordering). [`KktSolver`] puts either behind one
//! interface — assemble K(δ, γ), factor it, solve — so the Newton iteration
//! does not branch on the backend.

pub mod dense_ldlt;
pub mod equilibrate;
pub mod gmres;
pub mod sparse_ldlt;

pub use dense_ldlt::DenseLdlt;
pub use sparse_ldlt::SparseKkt;

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

/// Workspace of iterative refinement on the dense path.
#[derive(Debug)]
pub struct DenseRefinement {
    original: Vec<f64>,
    residual: Vec<f64>,
    size: Vec<f64>,
}

/// Largest number of refinement steps after the first dense solve.
const DENSE_REFINEMENT_STEPS: usize = 3;

impl DenseRefinement {
    fn new(dim: usize) -> Self {
        DenseRefinement {
            original: vec![0.0; dim],
            residual: vec![0.0; dim],
            size: vec![0.0; dim],
        }
    }

    /// Solves, then refines until the componentwise backward error is at
    /// rounding level. Bunch–Kaufman is normwise backward stable, but on
    /// badly scaled systems (a long chain's Hessian with multipliers of
    /// 10⁶ against link Jacobians of 10⁻³) a normwise-small residual can
    /// still leave J d = −c unsatisfied; each step costs O((n + m)²)
    /// against the factorization's O((n + m)³).
    fn solve(&mut self, matrix: &KktMatrix, ldlt: &mut DenseLdlt, b: &mut [f64]) -> bool {
        // K z = b as K̃ (S⁻¹ z) = S b.
        for (v, s) in b.iter_mut().zip(matrix.scale()) {
            *v *= s;
        }
        self.original.copy_from_slice(b);
        if !ldlt.solve_in_place(b) {
            return false;
        }
        let mut previous = f64::INFINITY;
        for _ in 0..DENSE_REFINEMENT_STEPS {
            self.residual.copy_from_slice(&self.original);
            for (s, o) in self.size.iter_mut().zip(&self.original) {
                *s = o.abs();
            }
            matrix.mul_sub(b, &mut self.residual, &mut self.size);
            let omega = componentwise_backward_error(&self.residual, &self.size);
            // (A NaN ω stops too: no comparison holds.)
            let improving = omega > REFINED_BACKWARD_ERROR && omega < 0.5 * previous;
            if !improving {
                break;
            }
            previous = omega;
            if !ldlt.solve_in_place(&mut self.residual) {
                break;
            }
            for (z, d) in b.iter_mut().zip(&self.residual) {
                *z += d;
            }
        }
        for (v, s) in b.iter_mut().zip(matrix.scale()) {
            *v *= s;
        }
        b.iter().all(|v| v.is_finite())
    }
}

/// Refinement stops once the componentwise backward error is below this.
const REFINED_BACKWARD_ERROR: f64 = 4.0 * f64::EPSILON;

/// max_i |rᵢ| / (|K||z| + |b|)ᵢ (rows with a zero scale and a zero residual
/// count as exact): the smallest relative perturbation of each entry of K
/// and b for which z is exact (Oettli–Prager).
fn componentwise_backward_error(residual: &[f64], size: &[f64]) -> f64 {
    residual.iter().zip(size).fold(0.0f64, |acc, (r, s)| {
        if *r == 0.0 {
            acc
        } else if *s == 0.0 {
            f64::INFINITY
        } else {
            acc.max(r.abs() / s)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::nlp::SparsityPattern;
    use faer::Mat;
    use std::sync::Arc;

    /// A chain-like KKT system: W ≈ 10⁷ (a Laplacian of two links, made
    /// nonsingular by the end constraint) and links of Jacobian entries
    /// ≈ 10⁻². Its constraint pivots (≈ J²/W ≈ 10⁻¹¹) are far below
    /// 10⁻¹³ · max|K| = 10⁻⁶, yet K is nonsingular with inertia (3, 2, 0):
    /// on the equilibrated matrix both backends see that and solve to the
    /// componentwise accuracy of the data.
    #[test]
    fn badly_scaled_kkt_keeps_its_inertia_and_solves_accurately() {
        let (n, m) = (3, 2);
        let w = [[2e7, -1e7, 0.0], [-1e7, 2e7, -1e7], [0.0, -1e7, 1e7]];
        let j = [[0.0143, -0.0143, 0.0], [0.0, 0.0, 1.0]];
        let mut dense_w = Mat::<f64>::zeros(n, n);
        let mut dense_j = Mat::<f64>::zeros(m, n);
        let (mut hp, mut hv) = (SparsityPattern::default(), Vec::new());
        let (mut jp, mut jv) = (SparsityPattern::default(), Vec::new());
        (hp.nrows, hp.ncols, jp.nrows, jp.ncols) = (n, n, m, n);
        for r in 0..n {
            for c in 0..=r {
                dense_w[(r, c)] = w[r][c];
                if w[r][c] != 0.0 {
                    hp.rows.push(r);
                    hp.cols.push(c);
                    hv.push(w[r][c]);
                }
            }
        }
        for r in 0..m {
            for c in 0..n {
                dense_j[(r, c)] = j[r][c];
                if j[r][c] != 0.0 {
                    jp.rows.push(r);
                    jp.cols.push(c);
                    jv.push(j[r][c]);
                }
            }
        }
        let x = [0.3, -0.2, 0.5, 1.5e6, -2.0];
        let k = |row: usize, col: usize| -> f64 {
            match (row < n, col < n) {
                (true, true) => w[row][col],
                (true, false) => j[col - n][row],
                (false, true) => j[row - n][col],
                (false, false) => 0.0,
            }
        };
        let b: Vec<f64> = (0..n + m)
            .map(|r| (0..n + m).map(|c| k(r, c) * x[c]).sum())
            .collect();
        let solvers = [
            (
                KktSolver::dense(n, m),
                Hessian::Dense(dense_w),
                Jacobian::Dense(dense_j),
            ),
            (
                KktSolver::Sparse(Box::new(SparseKkt::new(&hp, &jp).unwrap())),
                Hessian::Sparse {
                    pattern: Arc::new(hp.clone()),
                    values: hv,
                },
                Jacobian::Sparse {
                    pattern: Arc::new(jp.clone()),
                    values: jv,
                },
            ),
        ];
        for (mut kkt, hessian, jacobian) in solvers {
            kkt.assemble(Some(&hessian), &jacobian, 0.0, 0.0);
            let inertia = kkt.factor(1e-13 * kkt.max_abs()).unwrap();
            let name = if kkt.is_sparse() { "sparse" } else { "dense" };
            assert_eq!(
                inertia,
                Inertia {
                    positive: n,
                    negative: m,
                    zero: 0
                },
                "{name}"
            );
            let mut z = b.clone();
            assert!(kkt.solve_in_place(&mut z), "{name}");
            // The link row: J d = b exactly to the data's accuracy.
            for (i, (zi, xi)) in z.iter().zip(&x).enumerate() {
                assert!(
                    (zi - xi).abs() <= 1e-6 * xi.abs(),
                    "{name}: z[{i}] = {zi}, want {xi}"
                );
            }
        }
    }
}
