//! A loaded and checked problem: what the file defines, ready to compile.

use std::path::PathBuf;
use std::sync::Arc;

use super::dense::{Dense, DenseBackend};
use super::ir::Node;
use super::lower::lower;
use super::shape::Shape;
use crate::problem::ConstraintKind;
use crate::solver::{Barrier, LinearSolver, Sense};

/// A variable of a loaded problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// Its name.
    pub name: String,
    /// `Scalar` or `Vector(size)`.
    pub shape: Shape,
    /// Start values, `shape.numel()` of them.
    pub start: Vec<f64>,
    /// Position of its first element in the flat vector x.
    pub offset: usize,
    /// Lower bound of each element, −∞ where there is none.
    pub lower: Vec<f64>,
    /// Upper bound of each element, +∞ where there is none.
    pub upper: Vec<f64>,
}

impl Variable {
    /// Whether some element has a bound.
    pub fn has_bounds(&self) -> bool {
        self.lower.iter().chain(&self.upper).any(|b| b.is_finite())
    }
}

/// A parameter of a loaded problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: Arc<Dense>,
}

/// A checked expression with the text it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    /// The source text.
    pub text: String,
    /// The field it came from (`minimize`, `constraints[2].equation`).
    pub field: String,
    /// The checked form.
    pub node: Node,
}

/// A constraint of a loaded problem: g = lhs − rhs for an equation or an
/// inequality, g = e for a range `lo <= e <= hi` (stored as lhs = e,
/// rhs = 0, so that g is computed the same way for every kind).
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// Its name (given, or `c<k>`).
    pub name: String,
    /// The constraint text.
    pub text: String,
    /// The field it came from.
    pub field: String,
    /// Equation, `<=`, `>=` or range.
    pub kind: ConstraintKind,
    /// Left side (e for a range).
    pub lhs: Node,
    /// Right side (0 for a range).
    pub rhs: Node,
    /// Ends (g_L, g_U) of each scalar constraint, ±∞ where there is none.
    pub ends: (Vec<f64>, Vec<f64>),
    /// Shape of g: one scalar constraint per element.
    pub shape: Shape,
    /// Position of its first scalar constraint in the flat multiplier vector.
    pub offset: usize,
}

/// Solver options from the file.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// Convergence tolerance, if given.
    pub tolerance: Option<f64>,
    /// Iteration limit, if given.
    pub max_iterations: Option<usize>,
    /// Barrier strategy, if given.
    pub barrier: Option<Barrier>,
    /// Linear algebra, if given.
    pub linear_solver: Option<LinearSolver>,
}

/// The known answer from `expected`, checked against the problem's shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    /// Optimal objective.
    pub objective: Option<f64>,
    /// Optimal values of some variables: (variable index, value).
    pub x: Vec<(usize, Dense)>,
    /// Multipliers, one entry per constraint.
    pub multipliers: Option<Vec<Dense>>,
    /// Bound multipliers of some variables: (variable index, value).
    pub bound_multipliers: Vec<(usize, Dense)>,
    /// Error bound per number, absolute or relative, whichever is larger.
    pub tolerance: f64,
}

/// A problem file, loaded, validated and with every expression checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// Its `description`, if any.
    pub description: Option<String>,
    /// Variables in declaration order.
    pub variables: Vec<Variable>,
    /// Parameters (the index used by checked expressions).
    pub parameters: Vec<Parameter>,
    /// Minimize or maximize.
    pub sense: Sense,
    /// The objective (scalar).
    pub objective: Expression,
    /// Constraints in file order.
    pub constraints: Vec<Constraint>,
    /// Solver options.
    pub options: Options,
    /// The known answer, if given.
    pub expected: Option<Expected>,
}

impl Definition {
    /// Number of scalar variables.
    pub fn num_variables(&self) -> usize {
        self.variables.iter().map(|v| v.shape.numel()).sum()
    }

    /// Number of scalar constraints.
    pub fn num_constraints(&self) -> usize {
        self.constraints.iter().map(|c| c.shape.numel()).sum()
    }

    /// Whether some variable has a bound (the output then has
    /// `bound_multipliers`).
    pub fn has_bounds(&self) -> bool {
        self.variables.iter().any(Variable::has_bounds)
    }

    /// The start point as a flat vector.
    pub fn start(&self) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.num_variables());
        for v in &self.variables {
            x.extend_from_slice(&v.start);
        }
        x
    }

    /// The index of the variable called `name`.
    pub fn variable_index(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }

    fn variable_values(&self, x: &[f64]) -> Vec<Arc<Dense>> {
        assert_eq!(x.len(), self.num_variables(), "point has the wrong length");
        self.variables
            .iter()
            .map(|v| {
                let data = x[v.offset..v.offset + v.shape.numel()].to_vec();
                Arc::new(Dense {
                    shape: v.shape,
                    data,
                })
            })
            .collect()
    }

    /// f(x), evaluated directly on `f64` values (no derivatives).
    pub fn evaluate_objective(&self, x: &[f64]) -> f64 {
        let variables = self.variable_values(x);
        let parameters: Vec<Arc<Dense>> = self.parameters.iter().map(|p| p.value.clone()).collect();
        let mut backend = DenseBackend {
            variables: &variables,
            parameters: &parameters,
        };
        lower(&self.objective.node, &mut backend).data[0]
    }

    /// g(x) = lhs − rhs for every scalar constraint, flat, evaluated directly.
    pub fn evaluate_constraints(&self, x: &[f64]) -> Vec<f64> {
        let variables = self.variable_values(x);
        let parameters: Vec<Arc<Dense>> = self.parameters.iter().map(|p| p.value.clone()).collect();
        let mut backend = DenseBackend {
            variables: &variables,
            parameters: &parameters,
        };
        let mut out = Vec::with_capacity(self.num_constraints());
        for c in &self.constraints {
            let lhs = lower(&c.lhs, &mut backend);
            let rhs = lower(&c.rhs, &mut backend);
            let n = c.shape.numel();
            for i in 0..n {
                let l = if lhs.data.len() == 1 {
                    lhs.data[0]
                } else {
                    lhs.data[i]
                };
                let r = if rhs.data.len() == 1 {
                    rhs.data[0]
                } else {
                    rhs.data[i]
                };
                out.push(l - r);
            }
        }
        out
    }
}
