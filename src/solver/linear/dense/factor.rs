//! The Bunch–Kaufman factorization of a dense symmetric matrix and its
//! inertia.

use faer::dyn_stack::MemStack;
use faer::linalg::cholesky::lblt;
use faer::{Auto, MatRef, Par};

use super::super::Inertia;
use super::DenseLdlt;

impl DenseLdlt {
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
            // faer marks a 1×1 block by a zero subdiagonal entry (its own
            // solve reads the blocks the same way).
            if s == 0.0 || i + 1 == n {
                inertia.count(d, zero_pivot_tolerance);
                i += 1;
            } else {
                let e = self.factors[(i + 1, i + 1)];
                if !e.is_finite() {
                    return None;
                }
                for eig in block_eigenvalues(d, s, e) {
                    inertia.count(eig, zero_pivot_tolerance);
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
}

/// The eigenvalues of the 2×2 block [d s; s e]: the larger in magnitude
/// from trace and discriminant, the smaller as det / larger (no
/// cancellation).
fn block_eigenvalues(d: f64, s: f64, e: f64) -> [f64; 2] {
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
    [big, small]
}
