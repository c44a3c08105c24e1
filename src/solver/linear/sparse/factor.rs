//! The numeric LDLᵀ factorization of the assembled K, its inertia, and the
//! pivots faer's dynamic regularization replaced.

use faer::dyn_stack::MemStack;
use faer::linalg::cholesky::ldlt::factor::{LdltError, LdltInfo, LdltParams, LdltRegularization};
use faer::sparse::linalg::cholesky::{
    simplicial, supernodal, supernodal::SupernodalLdltRef, SymbolicCholesky, SymbolicCholeskyRaw,
};
use faer::sparse::SparseColMatRef;
use faer::{Auto, Par};

use super::super::Inertia;
use super::SparseKkt;

/// Replacement of a (near-)zero pivot, relative to the largest entry of K.
const PIVOT_REPLACEMENT: f64 = 1e-8;

impl SparseKkt {
    /// Factors the assembled K and returns its inertia; a pivot below
    /// `zero_pivot_tolerance` in magnitude counts as zero, and a pivot that
    /// vanishes exactly (the factorization cannot go on) is reported as one
    /// zero eigenvalue with the other counts incomplete. `None` when K or
    /// its factors are not finite.
    pub fn factor(&mut self, zero_pivot_tolerance: f64) -> Option<Inertia> {
        self.factored = false;
        if !self.max_abs.is_finite() {
            return None;
        }
        let a = SparseColMatRef::new(self.structure.as_ref(), &self.values);
        let stack = MemStack::new(&mut self.factor_mem);
        // Pivots at or below the zero tolerance are replaced by ±δ_p (their
        // sign kept): the factors are those of K + E with E diagonal and
        // tiny, which has K's inertia when K is safely nonsingular, and the
        // solves refine against K itself. A pivot can vanish merely from
        // the order (a zero Hessian diagonal met first, as in max xy), so
        // this keeps δ = 0 Newton steps possible; whether K itself is
        // nonsingular is then checked with a probe solve.
        let replacement = PIVOT_REPLACEMENT * self.max_abs.max(f64::MIN_POSITIVE);
        let regularization = LdltRegularization {
            dynamic_regularization_signs: None,
            dynamic_regularization_delta: replacement,
            // faer replaces nothing at ε = 0, and stops at an exact zero pivot.
            dynamic_regularization_epsilon: zero_pivot_tolerance.max(f64::MIN_POSITIVE),
        };
        // Only a non-finite pivot stops the factorization now: the values
        // are finite, so overflow.
        let info =
            numeric_ldlt(&self.symbolic, &mut self.factors, a, regularization, stack).ok()?;
        let mut inertia = Inertia::default();
        let finite = for_each_pivot(&self.symbolic, &self.factors, |_, d| {
            if !d.is_finite() {
                return false;
            }
            inertia.count(d, zero_pivot_tolerance);
            true
        });
        if !finite || !self.factors.iter().all(|v| v.is_finite()) {
            return None;
        }
        let replaced = replaced_count(&self.symbolic, &self.factors, info, replacement);
        self.factored = inertia.zero == 0;
        self.replaced = replaced;
        if replaced > 0 && self.factored && !self.probe_nonsingular() {
            // K + E is invertible but K is (numerically) singular: report
            // the replaced pivots as zero eigenvalues.
            self.factored = false;
            let moved = replaced.min(inertia.positive + inertia.negative);
            let from_positive = moved.min(inertia.positive);
            inertia.positive -= from_positive;
            inertia.negative -= moved - from_positive;
            inertia.zero += moved;
        }
        Some(inertia)
    }
}

/// The numeric LDLᵀ factorization of `a`, stored as the symbolic analysis
/// expects it (upper triangle for simplicial, lower for supernodal; already
/// in elimination order), with what faer reports about it.
pub(super) fn numeric_ldlt(
    symbolic: &SymbolicCholesky<usize>,
    factors: &mut [f64],
    a: SparseColMatRef<'_, usize, f64>,
    regularization: LdltRegularization<'_, f64>,
    stack: &mut MemStack,
) -> Result<LdltInfo, LdltError> {
    match symbolic.raw() {
        SymbolicCholeskyRaw::Simplicial(s) => {
            simplicial::factorize_simplicial_numeric_ldlt(factors, a, regularization, s, stack)
        }
        SymbolicCholeskyRaw::Supernodal(s) => {
            let params = <LdltParams as Auto<f64>>::auto();
            supernodal::factorize_supernodal_numeric_ldlt(
                factors,
                a,
                regularization,
                s,
                Par::Seq,
                stack,
                params.into(),
            )
        }
    }
}

/// Calls `visit(k, d)` with each pivot d of D, k being its position in the
/// elimination order, until `visit` returns false; whether every call
/// returned true.
pub(super) fn for_each_pivot(
    symbolic: &SymbolicCholesky<usize>,
    factors: &[f64],
    mut visit: impl FnMut(usize, f64) -> bool,
) -> bool {
    match symbolic.raw() {
        SymbolicCholeskyRaw::Simplicial(s) => {
            (0..s.nrows()).all(|k| visit(k, factors[s.col_ptr()[k]]))
        }
        SymbolicCholeskyRaw::Supernodal(s) => {
            let l = SupernodalLdltRef::new(s, factors);
            (0..s.n_supernodes()).all(|k| {
                let node = l.supernode(k);
                let block = node.val();
                (0..block.ncols()).all(|j| visit(node.start() + j, block[(j, j)]))
            })
        }
    }
}

/// How many pivots the last numeric factorization replaced by ±`delta`.
///
/// faer's own count (`LdltInfo::dynamic_regularization_count`) is complete
/// on the simplicial path. On the supernodal path faer 0.24 factors each
/// diagonal block with its dense LDLᵀ, which counts a replacement only when
/// expected signs are given and the pivot's is +1; without signs (which
/// would force pivots the inertia must read as they are) it replaces
/// pivots and reports none. There the pivots themselves are inspected.
pub(super) fn replaced_count(
    symbolic: &SymbolicCholesky<usize>,
    factors: &[f64],
    info: LdltInfo,
    delta: f64,
) -> usize {
    match symbolic.raw() {
        SymbolicCholeskyRaw::Simplicial(_) => info.dynamic_regularization_count,
        SymbolicCholeskyRaw::Supernodal(_) => {
            let mut count = 0;
            for_each_pivot(symbolic, factors, |_, d| {
                count += usize::from(is_replaced(d, delta));
                true
            });
            count
        }
    }
}

/// Whether faer's dynamic regularization replaced pivot `d`: it stores
/// exactly ±`delta` in the replaced pivot's place, and reports how many
/// pivots it replaced (on one path) but never which. Used where the
/// position matters (the dependent constraints) or faer's count is missing
/// (see [`replaced_count`]).
pub(super) fn is_replaced(d: f64, delta: f64) -> bool {
    d.abs() == delta
}
