//! Rank detection: the constraints whose rows of J depend on the others,
//! read from a factorization that decouples the pivots that vanish.

use faer::dyn_stack::MemStack;
use faer::linalg::cholesky::ldlt::factor::LdltRegularization;
use faer::sparse::SparseColMatRef;

use super::factor::{for_each_pivot, is_replaced, numeric_ldlt};
use super::SparseKkt;

/// Replacement of a vanishing pivot in the rank detection: large enough
/// that the replaced row no longer feeds any later pivot.
const DECOUPLE: f64 = 1e150;

impl SparseKkt {
    /// Factors the assembled K with pivots of magnitude ≤ `tolerance`
    /// replaced by a huge value (which decouples their rows) and returns the
    /// constraints (0-based, among the m) whose pivots were replaced: with
    /// K = [I Jᵀ; J 0], rows of J that depend on the rows eliminated before
    /// them. `None` when the factors are not finite. Leaves no usable
    /// factorization.
    pub fn dependent_constraints(&mut self, tolerance: f64) -> Option<Vec<usize>> {
        self.factored = false;
        if !self.max_abs.is_finite() {
            return None;
        }
        let a = SparseColMatRef::new(self.structure.as_ref(), &self.values);
        let stack = MemStack::new(&mut self.factor_mem);
        let regularization = LdltRegularization {
            dynamic_regularization_signs: None,
            dynamic_regularization_delta: DECOUPLE,
            dynamic_regularization_epsilon: tolerance,
        };
        numeric_ldlt(&self.symbolic, &mut self.factors, a, regularization, stack).ok()?;
        // faer reports how many pivots it replaced, not which: the
        // positions come from the pivots themselves.
        let (n, forward) = (self.n, &self.forward);
        let mut dependent = Vec::new();
        let finite = for_each_pivot(&self.symbolic, &self.factors, |k, d| {
            if !d.is_finite() {
                return false;
            }
            if is_replaced(d, DECOUPLE) && forward[k] >= n {
                dependent.push(forward[k] - n);
            }
            true
        });
        if !finite {
            return None;
        }
        dependent.sort_unstable();
        Some(dependent)
    }
}
