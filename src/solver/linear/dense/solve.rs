//! Solves with the dense LBLᵀ factors.

use faer::dyn_stack::MemStack;
use faer::linalg::cholesky::lblt;
use faer::Par;

use super::DenseLdlt;

impl DenseLdlt {
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
