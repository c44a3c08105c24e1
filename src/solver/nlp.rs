//! The evaluation interface between a problem and the solver.
//!
//! The solver sees a problem only through [`NlpProblem`]: values and exact
//! derivatives at a point. Problems built in Rust, read from files, or
//! evaluated on a GPU all implement it, so none of them needs the solver to
//! know where they come from. This module knows nothing of JSON, the command
//! line or the autodiff engine.

use faer::MatMut;

/// An equality-constrained nonlinear program: optimize f(x) subject to g(x) = 0.
///
/// The solver always *minimizes* `sense · f`; [`Sense`] says how f was written.
/// Constraint values are gᵢ(x) = lhsᵢ(x) − rhsᵢ(x).
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
}
