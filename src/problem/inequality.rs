//! One-sided inequalities and ranges: [`Problem::at_most`],
//! [`Problem::at_least`] and [`Problem::between`].

use super::builder::Problem;
use super::layout::ConstraintKind;
use crate::autodiff::Tensor;

impl Problem {
    /// Adds the named inequality `lhs <= rhs` (g = lhs − rhs, ends (−∞, 0)),
    /// with the shape rule of [`constraint`](Self::constraint). Its
    /// multiplier is λ = d f*/d rhs: ≤ 0 when active in a minimization.
    pub fn at_most(&mut self, name: &str, lhs: impl Into<Tensor>, rhs: impl Into<Tensor>) {
        self.push_constraint(name, ConstraintKind::AtMost, lhs.into(), rhs.into(), None);
    }

    /// Adds the named inequality `lhs >= rhs` (g = lhs − rhs, ends (0, ∞)).
    /// Its multiplier is λ = d f*/d rhs: ≥ 0 when active in a minimization.
    pub fn at_least(&mut self, name: &str, lhs: impl Into<Tensor>, rhs: impl Into<Tensor>) {
        self.push_constraint(name, ConstraintKind::AtLeast, lhs.into(), rhs.into(), None);
    }

    /// Adds the named range `lo <= e <= hi` (g = e, ends (lo, hi)). The ends
    /// are constants: numbers, or tensors that do not require grad, each a
    /// scalar or of e's shape. Equal ends make it the equation e = lo, with
    /// λ = d f*/d(the common value). An end of magnitude ≥
    /// [`NO_BOUND`](crate::solver::NO_BOUND) (or infinite) means none.
    pub fn between(
        &mut self,
        name: &str,
        lo: impl Into<Tensor>,
        e: impl Into<Tensor>,
        hi: impl Into<Tensor>,
    ) {
        let ends = Some((lo.into(), hi.into()));
        self.push_constraint(
            name,
            ConstraintKind::Range,
            e.into(),
            Tensor::scalar(0.0),
            ends,
        );
    }
}
