//! Dense symmetric indefinite factorization P A Pᵀ = L B Lᵀ (Bunch–Kaufman,
//! faer's `lblt`), with the inertia read from the 1×1 and 2×2 blocks of B.
//!
//! The factor storage, permutation and scratch memory are allocated once for
//! a dimension and reused by every factorization.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::lblt;
use faer::{Auto, Mat, MatRef, Par};

use super::Inertia;

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

    /// Factors the symmetric matrix whose lower triangle is in `a` and returns
    /// its inertia. A pivot block whose eigenvalue is below
    /// `zero_pivot_tolerance` in magnitude counts as zero. Returns `None` when
    /// the factors are not finite (the matrix held NaN/Inf, or overflow).
    pub fn factor(&mut self, a: MatRef<'_, f64>, zero_pivot_tolerance: f64) -> Option<Inertia> {
        assert_eq!(a.nrows(), self.dim);
        assert_eq!(a.ncols(), self.dim);
        self.factored = false;
        let n = self.dim;
        for j in 0..n {
            let dst = self.factors.col_as_slice_mut(j);
            dst[..j].fill(0.0);
            match a.col(j).try_as_col_major() {
                Some(src) => dst[j..].copy_from_slice(&src.as_slice()[j..]),
                None => {
                    for i in j..n {
                        dst[i] = a[(i, j)];
                    }
                }
            }
        }
        // The factorization writes the subdiagonal only where it makes 2×2
        // blocks: clear what a previous factorization left.
        self.subdiag.as_mut().fill(0.0);
        let params = <lblt::factor::LbltParams as Auto<f64>>::auto();
        let stack = MemStack::new(&mut self.factor_mem);
        lblt::factor::cholesky_in_place(
            self.factors.as_mut(),
            self.subdiag.as_mut(),
            &mut self.perm,
            &mut self.perm_inv,
            Par::Seq,
            stack,
            params.into(),
        );
        let mut inertia = Inertia::default();
        let mut i = 0;
        while i < n {
            let d = self.factors[(i, i)];
            let s = self.subdiag[i];
            if !d.is_finite() || !s.is_finite() {
                return None;
            }
            if s == 0.0 || i + 1 == n {
                if d.abs() <= zero_pivot_tolerance {
                    inertia.zero += 1;
                } else if d > 0.0 {
                    inertia.positive += 1;
                } else {
                    inertia.negative += 1;
                }
                i += 1;
            } else {
                // 2×2 block [d s; s e]: the larger eigenvalue from trace and
                // discriminant, the smaller as det / larger (no cancellation).
                let e = self.factors[(i + 1, i + 1)];
                if !e.is_finite() {
                    return None;
                }
                let half_trace = 0.5 * (d + e);
                let radius = (0.25 * (d - e) * (d - e) + s * s).sqrt();
                let big = if half_trace >= 0.0 {
                    half_trace + radius
                } else {
                    half_trace - radius
                };
                let small = if big == 0.0 {
                    0.0
                } else {
                    (d * e - s * s) / big
                };
                for eig in [big, small] {
                    if eig.abs() <= zero_pivot_tolerance {
                        inertia.zero += 1;
                    } else if eig > 0.0 {
                        inertia.positive += 1;
                    } else {
                        inertia.negative += 1;
                    }
                }
                i += 2;
            }
        }
        for j in 0..n {
            if !self.factors.col_as_slice(j)[j + 1..]
                .iter()
                .all(|v| v.is_finite())
            {
                return None;
            }
        }
        self.factored = inertia.zero == 0;
        Some(inertia)
    }

    /// Solves A z = b in place (`b` becomes z) with the last factorization.
    /// Returns false when there is no usable factorization (none yet, or the
    /// last one was singular) or the solution is not finite.
    pub fn solve_in_place(&mut self, b: &mut [f64]) -> bool {
        if !self.factored || b.len() != self.dim {
            return false;
        }
        for (i, &v) in b.iter().enumerate() {
            self.rhs[(i, 0)] = v;
        }
        let stack = MemStack::new(&mut self.solve_mem);
        let perm = faer::perm::PermRef::new_checked(&self.perm, &self.perm_inv, self.dim);
        lblt::solve::solve_in_place(
            self.factors.as_ref(),
            self.factors.diagonal(),
            self.subdiag.as_ref(),
            perm,
            self.rhs.as_mut(),
            Par::Seq,
            stack,
        );
        let mut finite = true;
        for (i, v) in b.iter_mut().enumerate() {
            *v = self.rhs[(i, 0)];
            finite &= v.is_finite();
        }
        finite
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_counts_inertia_of_indefinite_matrix() {
        // [[4, 1, 2], [1, -3, 0], [2, 0, 0]]: one negative block, indefinite.
        let a = faer::mat![[4.0, 1.0, 2.0], [1.0, -3.0, 0.0], [2.0, 0.0, 0.0]];
        let mut ldlt = DenseLdlt::new(3);
        let inertia = ldlt.factor(a.as_ref(), 1e-12).unwrap();
        let eig = a.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
        let pos = eig.iter().filter(|&&e| e > 0.0).count();
        assert_eq!(inertia.positive, pos);
        assert_eq!(inertia.negative, 3 - pos);
        let mut b = vec![1.0, 2.0, 3.0];
        assert!(ldlt.solve_in_place(&mut b));
        for i in 0..3 {
            let r: f64 = (0..3).map(|j| a[(i, j)] * b[j]).sum::<f64>() - [1.0, 2.0, 3.0][i];
            assert!(r.abs() < 1e-12, "residual {r}");
        }
    }

    /// Random KKT-structured matrices [W Jᵀ; J 0] and random symmetric
    /// ones, of several sizes: small residual and inertia equal to the
    /// eigenvalue signs.
    #[test]
    fn random_symmetric_indefinite_systems() {
        let mut state = 12345u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for trial in 0..200 {
            let n = 1 + trial % 9;
            let m = trial % (n + 1);
            let d = n + m + (trial % 3) * 40;
            let kkt_shape = trial % 2 == 0;
            let mut a = Mat::<f64>::zeros(d, d);
            for j in 0..d {
                for i in j..d {
                    let zero_block = kkt_shape && i >= n && j >= n && i < n + m;
                    let v = if zero_block { 0.0 } else { next() };
                    a[(i, j)] = v;
                    a[(j, i)] = v;
                }
            }
            let mut ldlt = DenseLdlt::new(d);
            let inertia = ldlt.factor(a.as_ref(), 1e-13).unwrap();
            let eig = a.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
            let pos = eig.iter().filter(|&&e| e > 1e-9).count();
            let neg = eig.iter().filter(|&&e| e < -1e-9).count();
            if pos + neg == d {
                assert_eq!(
                    (inertia.positive, inertia.negative),
                    (pos, neg),
                    "trial {trial}"
                );
            }
            let b: Vec<f64> = (0..d).map(|_| next()).collect();
            let mut z = b.clone();
            if inertia.zero == 0 {
                assert!(ldlt.solve_in_place(&mut z));
                let mut worst = 0.0f64;
                for i in 0..d {
                    let r: f64 = (0..d).map(|j| a[(i, j)] * z[j]).sum::<f64>() - b[i];
                    worst = worst.max(r.abs());
                }
                let scale = z.iter().fold(1.0f64, |a, v| a.max(v.abs()));
                assert!(
                    worst < 1e-10 * scale,
                    "trial {trial} (d = {d}): residual {worst}"
                );
            }
        }
    }

    /// A sparse KKT matrix (diagonal W, sparse J) that needs 2×2 pivots.
    #[test]
    fn sparse_kkt_matrix() {
        let (a3, a4) = (2.0 * 0.4614208960359518, 2.0 * 1.8239177096399408);
        let w = 4.904492132379487;
        let a = faer::mat![
            [2.0, 0.0, 0.0, 0.0, 1.0, 0.0],
            [0.0, 2.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, w, 0.0, 0.0, a3],
            [0.0, 0.0, 0.0, w, 0.0, a4],
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, a3, a4, 0.0, 0.0],
        ];
        let mut ldlt = DenseLdlt::new(6);
        // A previous factorization with 2×2 blocks must leave no trace.
        let previous = Mat::from_fn(6, 6, |i, j| if i == j { 0.0 } else { 1.0 + (i + j) as f64 });
        ldlt.factor(previous.as_ref(), 1e-13).unwrap();
        let inertia = ldlt.factor(a.as_ref(), 1e-13).unwrap();
        assert_eq!(
            (inertia.positive, inertia.negative, inertia.zero),
            (4, 2, 0)
        );
        let b = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let mut z = b.clone();
        assert!(ldlt.solve_in_place(&mut z));
        for i in 0..6 {
            let r: f64 = (0..6).map(|j| a[(i, j)] * z[j]).sum::<f64>() - b[i];
            assert!(r.abs() < 1e-12, "row {i}: residual {r}, z = {z:?}");
        }
    }

    #[test]
    fn reports_zero_pivot_of_singular_matrix() {
        let a = faer::mat![[1.0, 1.0], [1.0, 1.0]];
        let mut ldlt = DenseLdlt::new(2);
        let inertia = ldlt.factor(a.as_ref(), 1e-12).unwrap();
        assert_eq!(inertia.zero, 1);
        assert_eq!(inertia.positive, 1);
        let mut b = vec![1.0, 0.0];
        assert!(!ldlt.solve_in_place(&mut b));
    }
}
