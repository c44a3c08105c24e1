//! [`Problem`]: stating variables, an objective and equality constraints in
//! Rust (inequalities and ranges in `inequality.rs`, bounds in `bounds.rs`).

use super::bounds::BoundDecl;
use super::compiled::CompiledProblem;
use super::error::ProblemError;
use super::layout::ConstraintKind;
use super::solution::NamedSolution;
use crate::autodiff::Tensor;
use crate::solver::{Sense, Settings};

/// One declared variable: a leaf tensor and its start value.
pub(super) struct VariableDecl {
    pub name: String,
    pub tensor: Tensor,
    pub start: Vec<f64>,
}

/// One declared constraint: g = lhs − rhs, and for a range the constant
/// ends (lo, hi), with g = e stated as `lhs = e`, `rhs = 0`.
pub(super) struct ConstraintDecl {
    pub name: String,
    pub kind: ConstraintKind,
    pub lhs: Tensor,
    pub rhs: Tensor,
    pub ends: Option<(Tensor, Tensor)>,
}

/// A constrained problem under construction.
///
/// Variables are leaf tensors that require grad; the objective and the
/// constraints are any tensors computed from them. Constraints are
/// equations ([`constraint`](Self::constraint)), one-sided inequalities
/// ([`at_most`](Self::at_most), [`at_least`](Self::at_least)) and ranges
/// ([`between`](Self::between)); variables may have bounds
/// ([`lower_bound`](Self::lower_bound), [`upper_bound`](Self::upper_bound)).
/// [`Problem::compile`] records the graph once for the solver.
///
/// ```
/// use lagrange::problem::Problem;
/// use lagrange::solver::NlpProblem;
///
/// // Maximize x·y on the line x + y = 10, with x ≥ 0 and y ≤ 4.
/// let mut p = Problem::new();
/// let x = p.scalar_variable("x", 1.0);
/// let y = p.scalar_variable("y", 2.0);
/// p.maximize(&x * &y);
/// p.constraint("budget", &x + &y, 10.0);
/// p.lower_bound(&x, 0.0);
/// p.at_most("cap", y.clone(), 4.0);
/// let compiled = p.compile().unwrap();
/// assert_eq!(compiled.layout().num_variables(), 2);
/// assert_eq!(compiled.layout().num_constraints(), 2);
/// let (mut lower, mut upper) = ([0.0; 2], [0.0; 2]);
/// compiled.variable_bounds(&mut lower, &mut upper);
/// assert_eq!(lower, [0.0, f64::NEG_INFINITY]);
/// compiled.constraint_bounds(&mut lower, &mut upper);
/// assert_eq!((lower[1], upper[1]), (f64::NEG_INFINITY, 0.0));
/// ```
#[derive(Default)]
pub struct Problem {
    pub(super) variables: Vec<VariableDecl>,
    pub(super) objective: Option<(Sense, Tensor)>,
    pub(super) constraints: Vec<ConstraintDecl>,
    pub(super) bounds: Vec<BoundDecl>,
}

impl Problem {
    /// An empty problem.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a scalar variable with a start value; returns its tensor.
    pub fn scalar_variable(&mut self, name: &str, start: f64) -> Tensor {
        let tensor = Tensor::scalar(start).requires_grad();
        self.push_variable(name, tensor, vec![start])
    }

    /// Declares a vector variable of `start.len()` elements; returns its tensor.
    pub fn vector_variable(&mut self, name: &str, start: Vec<f64>) -> Tensor {
        let tensor = Tensor::vector(start.clone()).requires_grad();
        self.push_variable(name, tensor, start)
    }

    fn push_variable(&mut self, name: &str, tensor: Tensor, start: Vec<f64>) -> Tensor {
        self.variables.push(VariableDecl {
            name: name.to_string(),
            tensor: tensor.clone(),
            start,
        });
        tensor
    }

    /// Sets the objective to be minimized (replacing any earlier one).
    pub fn minimize(&mut self, objective: Tensor) {
        self.objective = Some((Sense::Minimize, objective));
    }

    /// Sets the objective to be maximized (replacing any earlier one).
    pub fn maximize(&mut self, objective: Tensor) {
        self.objective = Some((Sense::Maximize, objective));
    }

    /// Adds the named equation `lhs = rhs`. The sides must have the same shape,
    /// or one of them must be a scalar (broadcast); a vector or matrix equation
    /// stands for one scalar constraint per element.
    pub fn constraint(&mut self, name: &str, lhs: impl Into<Tensor>, rhs: impl Into<Tensor>) {
        self.push_constraint(name, ConstraintKind::Equation, lhs.into(), rhs.into(), None);
    }

    pub(super) fn push_constraint(
        &mut self,
        name: &str,
        kind: ConstraintKind,
        lhs: Tensor,
        rhs: Tensor,
        ends: Option<(Tensor, Tensor)>,
    ) {
        self.constraints.push(ConstraintDecl {
            name: name.to_string(),
            kind,
            lhs,
            rhs,
            ends,
        });
    }

    /// Checks the problem and records its graph once for the solver.
    pub fn compile(self) -> Result<CompiledProblem, ProblemError> {
        CompiledProblem::new(self)
    }

    /// Compiles and solves the problem from its start values.
    pub fn solve(self, settings: &Settings) -> Result<NamedSolution, ProblemError> {
        let mut compiled = self.compile()?;
        let solution = crate::solver::solve(&mut compiled, settings);
        Ok(NamedSolution {
            solution,
            layout: compiled.layout().clone(),
        })
    }
}
