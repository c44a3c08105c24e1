//! [`Problem`]: stating variables, an objective and equality constraints in Rust.

use super::compiled::CompiledProblem;
use super::error::ProblemError;
use super::solution::NamedSolution;
use crate::autodiff::Tensor;
use crate::solver::{Sense, Settings};

/// One declared variable: a leaf tensor and its start value.
pub(super) struct VariableDecl {
    pub name: String,
    pub tensor: Tensor,
    pub start: Vec<f64>,
}

/// One declared equation `lhs = rhs`.
pub(super) struct ConstraintDecl {
    pub name: String,
    pub lhs: Tensor,
    pub rhs: Tensor,
}

/// An equality-constrained problem under construction.
///
/// Variables are leaf tensors that require grad; the objective and the
/// constraints are any tensors computed from them. [`Problem::compile`]
/// records the graph once for the solver.
///
/// ```
/// use lagrange::problem::Problem;
///
/// // Maximize x·y on the line x + y = 10.
/// let mut p = Problem::new();
/// let x = p.scalar_variable("x", 1.0);
/// let y = p.scalar_variable("y", 2.0);
/// p.maximize(&x * &y);
/// p.constraint("budget", &x + &y, 10.0);
/// let compiled = p.compile().unwrap();
/// assert_eq!(compiled.layout().num_variables(), 2);
/// assert_eq!(compiled.layout().num_constraints(), 1);
/// ```
#[derive(Default)]
pub struct Problem {
    pub(super) variables: Vec<VariableDecl>,
    pub(super) objective: Option<(Sense, Tensor)>,
    pub(super) constraints: Vec<ConstraintDecl>,
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
        self.constraints.push(ConstraintDecl {
            name: name.to_string(),
            lhs: lhs.into(),
            rhs: rhs.into(),
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
