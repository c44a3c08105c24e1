//! The evaluation interface between a problem and the solver.
//!
//! The solver sees a problem only through [`NlpProblem`]: values and exact
//! derivatives at a point. Problems built in Rust, read from files, or
//! evaluated on a GPU all implement it, so none of them needs the solver to
//! know where they come from. This module knows nothing of JSON, the command
//! line or the autodiff engine.

use faer::MatMut;

/// A nonlinear program: optimize f(x) subject to g_L ≤ g(x) ≤ g_U and
/// x_L ≤ x ≤ x_U.
///
/// The solver always *minimizes* `sense · f`; [`Sense`] says how f was written.
/// Constraint values are gᵢ(x) = lhsᵢ(x) − rhsᵢ(x) for equations and for
/// `lhs <= rhs` / `lhs >= rhs`, and gᵢ = e(x) for a range `lo <= e <= hi`;
/// [`constraint_bounds`](Self::constraint_bounds) says which ends hold
/// (both 0 for an equation, the default, so an implementor that states
/// only equations needs neither bound method).
///
/// Multipliers follow one convention for every kind: λᵢ = d f*/d(the active
/// end of gᵢ) and zᵢ = d f*/d(the active bound of xᵢ), so ∇f = Jᵀλ + z at a
/// solution, for f as written, minimized or maximized.
///
/// Implementations may cache work between calls at the same `x` (the solver
/// calls `objective`, `gradient`, `constraints` and `jacobian` at one point
/// before moving on), but must return values for the `x` they are given.
pub trait NlpProblem {
    /// Number of scalar variables n.
    fn num_variables(&self) -> usize;
    /// Number of scalar equality constraints m.
    fn num_constraints(&self) -> usize;
    /// Whether f is to be minimized or maximized.
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    /// The start point x₀ (length n).
    fn start(&self) -> Vec<f64>;
    /// The bounds x_L ≤ x ≤ x_U into `lower` and `upper` (length n each).
    /// An infinite entry, or one of magnitude ≥ [`NO_BOUND`], means none;
    /// equal ends fix the variable. The default: no bounds.
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.fill(f64::NEG_INFINITY);
        upper.fill(f64::INFINITY);
    }
    /// The ends g_L ≤ g(x) ≤ g_U of each constraint into `lower` and `upper`
    /// (length m each): (0, 0) for an equation, (−∞, 0) for `lhs <= rhs`,
    /// (0, ∞) for `lhs >= rhs`, (lo, hi) for a range. Entries of magnitude
    /// ≥ [`NO_BOUND`] mean none. The default: every constraint an equation.
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.fill(0.0);
        upper.fill(0.0);
    }
    /// f(x), as written (not negated for maximization).
    fn objective(&mut self, x: &[f64]) -> f64;
    /// ∇f(x) into `grad` (length n).
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]);
    /// gᵢ(x) = lhsᵢ(x) − rhsᵢ(x) into `values` (length m).
    fn constraints(&mut self, x: &[f64], values: &mut [f64]);
    /// max(|lhsᵢ(x)|, |rhsᵢ(x)|) into `magnitudes` (length m): the size of the
    /// terms of each constraint, used to judge feasibility relative to them.
    /// The default, zeros, judges feasibility in absolute terms.
    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        let _ = x;
        magnitudes.fill(0.0);
    }
    /// The Jacobian ∂g/∂x (m × n, dense) into `jac`.
    fn jacobian(&mut self, x: &[f64], jac: MatMut<'_, f64>);
    /// The Hessian of σ·f − Σ λᵢ gᵢ (n × n, dense, both triangles) into `hess`.
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        hess: MatMut<'_, f64>,
    );

    /// The structural nonzeros of the Jacobian (m × n), for problems too large
    /// for dense matrices; `None` (the default) means dense only. Asked once:
    /// the pattern must hold at every x.
    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        None
    }
    /// The Jacobian's values at x, in the order of
    /// [`jacobian_pattern`](Self::jacobian_pattern). The default gathers them
    /// from the dense [`jacobian`](Self::jacobian) (correct, but O(mn) memory).
    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        let pattern = self
            .jacobian_pattern()
            .expect("jacobian_values called on a problem without a jacobian_pattern");
        let mut dense = faer::Mat::<f64>::zeros(pattern.nrows, pattern.ncols);
        self.jacobian(x, dense.as_mut());
        pattern.gather(dense.as_ref(), values);
    }
    /// The structural nonzeros of the lower triangle (row ≥ col) of the
    /// Hessian of the Lagrangian (n × n), valid for every σ and λ; `None` (the
    /// default) means dense only. Asked once.
    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        None
    }
    /// The lower-triangle values of ∇²(σ·f − Σ λᵢ gᵢ) at x, in the order of
    /// [`hessian_pattern`](Self::hessian_pattern). The default gathers them
    /// from the dense [`hessian_of_lagrangian`](Self::hessian_of_lagrangian).
    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        let pattern = self
            .hessian_pattern()
            .expect("hessian_values called on a problem without a hessian_pattern");
        let mut dense = faer::Mat::<f64>::zeros(pattern.nrows, pattern.ncols);
        self.hessian_of_lagrangian(x, objective_factor, lambda, dense.as_mut());
        pattern.gather(dense.as_ref(), values);
    }
}

/// Bounds of this magnitude or more mean "no bound" (IPOPT's
/// `nlp_lower_bound_inf` / `nlp_upper_bound_inf`).
pub const NO_BOUND: f64 = 1e20;

/// Positions of the structural nonzeros of a sparse matrix, in coordinate
/// form: entry k is at (`rows[k]`, `cols[k]`). Values are passed separately
/// in the same order, so the pattern is computed once and reused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparsityPattern {
    /// Number of rows of the matrix.
    pub nrows: usize,
    /// Number of columns of the matrix.
    pub ncols: usize,
    /// Row index of each nonzero.
    pub rows: Vec<usize>,
    /// Column index of each nonzero.
    pub cols: Vec<usize>,
}

impl SparsityPattern {
    /// Number of structural nonzeros.
    pub fn nnz(&self) -> usize {
        self.rows.len()
    }

    /// Copies the pattern's entries of a dense matrix into `values`.
    pub fn gather(&self, dense: faer::MatRef<'_, f64>, values: &mut [f64]) {
        assert_eq!(
            values.len(),
            self.nnz(),
            "values has {} entries, the pattern {}",
            values.len(),
            self.nnz()
        );
        for ((v, &r), &c) in values.iter_mut().zip(&self.rows).zip(&self.cols) {
            *v = dense[(r, c)];
        }
    }
}

/// Direction of optimization of the objective as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sense {
    /// Minimize f.
    #[default]
    Minimize,
    /// Maximize f (solved as minimization of −f; multipliers still reported
    /// as λᵢ = d f*/d rhsᵢ for f as written).
    Maximize,
}

impl Sense {
    /// +1 for minimization, −1 for maximization: the solver minimizes `sign · f`.
    pub fn sign(self) -> f64 {
        match self {
            Sense::Minimize => 1.0,
            Sense::Maximize => -1.0,
        }
    }
}

/// A mutable reference to a problem is a problem, so that argmin's
/// `Executor` (which takes its problem by value) can borrow one.
impl<P: NlpProblem + ?Sized> NlpProblem for &mut P {
    fn num_variables(&self) -> usize {
        (**self).num_variables()
    }
    fn num_constraints(&self) -> usize {
        (**self).num_constraints()
    }
    fn sense(&self) -> Sense {
        (**self).sense()
    }
    fn start(&self) -> Vec<f64> {
        (**self).start()
    }
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        (**self).variable_bounds(lower, upper)
    }
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        (**self).constraint_bounds(lower, upper)
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        (**self).objective(x)
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        (**self).gradient(x, grad)
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        (**self).constraints(x, values)
    }
    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        (**self).constraint_magnitudes(x, magnitudes)
    }
    fn jacobian(&mut self, x: &[f64], jac: MatMut<'_, f64>) {
        (**self).jacobian(x, jac)
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        hess: MatMut<'_, f64>,
    ) {
        (**self).hessian_of_lagrangian(x, objective_factor, lambda, hess)
    }
    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        (**self).jacobian_pattern()
    }
    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        (**self).jacobian_values(x, values)
    }
    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        (**self).hessian_pattern()
    }
    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        (**self).hessian_values(x, objective_factor, lambda, values)
    }
}
