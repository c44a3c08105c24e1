//! Compilation of a checked problem into the autodiff engine: every
//! expression is built once as [`Tensor`] operations through the
//! [`Problem`] builder, which records them for the solver.

use std::sync::Arc;

use super::definition::Definition;
use super::dense::Dense;
use super::error::{ErrorKind, FileError};
use super::functions::Elementwise;
use super::lower::{lower, Backend, Binary};
use super::shape::Shape;
use crate::autodiff::Tensor;
use crate::problem::{CompiledProblem, ConstraintKind, Problem};
use crate::solver::Sense;

/// Builds tensors for checked expressions.
pub struct TensorBackend<'a> {
    variables: Vec<Tensor>,
    parameters: &'a [Arc<Dense>],
    /// Tensors of parameters already built: a parameter used many times is
    /// one constant, not many copies.
    parameter_tensors: Vec<Option<Tensor>>,
}

impl<'a> TensorBackend<'a> {
    /// A backend whose variable `i` is `variables[i]`.
    pub fn new(variables: Vec<Tensor>, parameters: &'a [Arc<Dense>]) -> TensorBackend<'a> {
        TensorBackend {
            variables,
            parameters,
            parameter_tensors: vec![None; parameters.len()],
        }
    }
}

/// A constant tensor holding `value`.
pub fn tensor_of(value: &Dense) -> Tensor {
    match value.shape {
        Shape::Scalar => Tensor::scalar(value.data[0]),
        Shape::Vector(_) => Tensor::vector(value.data.clone()),
        Shape::Matrix(r, c) => Tensor::matrix(r, c, value.data.clone()),
    }
}

impl Backend for TensorBackend<'_> {
    type Value = Tensor;

    fn constant(&mut self, value: &Arc<Dense>) -> Tensor {
        tensor_of(value)
    }

    fn variable(&mut self, index: usize) -> Tensor {
        self.variables[index].clone()
    }

    fn parameter(&mut self, index: usize) -> Tensor {
        if let Some(t) = &self.parameter_tensors[index] {
            return t.clone();
        }
        let t = tensor_of(&self.parameters[index]);
        self.parameter_tensors[index] = Some(t.clone());
        t
    }

    fn neg(&mut self, a: &Tensor) -> Tensor {
        a.neg()
    }

    fn binary(&mut self, op: Binary, a: &Tensor, b: &Tensor) -> Tensor {
        match op {
            Binary::Add => a.add(b),
            Binary::Sub => a.sub(b),
            Binary::Mul => a.mul(b),
            Binary::Div => a.div(b),
            Binary::Pow => a.pow(b),
        }
    }

    fn powf(&mut self, a: &Tensor, exponent: f64) -> Tensor {
        if exponent == 1.0 {
            a.clone()
        } else {
            a.powf(exponent)
        }
    }

    fn map(&mut self, f: Elementwise, a: &Tensor) -> Tensor {
        a.elementwise(f)
    }

    fn matmul(&mut self, a: &Tensor, b: &Tensor) -> Tensor {
        a.matmul(b)
    }

    fn index(&mut self, a: &Tensor, i: usize) -> Tensor {
        a.index(i as isize)
    }

    fn slice(&mut self, a: &Tensor, start: usize, end: usize) -> Tensor {
        a.slice(start, end)
    }

    fn sum(&mut self, a: &Tensor) -> Tensor {
        a.sum()
    }

    fn norm(&mut self, a: &Tensor) -> Tensor {
        a.norm()
    }

    fn dot(&mut self, a: &Tensor, b: &Tensor) -> Tensor {
        a.dot(b)
    }
}

/// State the checked problem with the [`Problem`] builder (variables,
/// objective, named constraints, in file order).
pub fn build(definition: &Definition) -> Problem {
    let mut problem = Problem::new();
    let variables: Vec<Tensor> = definition
        .variables
        .iter()
        .map(|v| match v.shape {
            Shape::Scalar => problem.scalar_variable(&v.name, v.start[0]),
            _ => problem.vector_variable(&v.name, v.start.clone()),
        })
        .collect();
    let parameters: Vec<Arc<Dense>> = definition
        .parameters
        .iter()
        .map(|p| p.value.clone())
        .collect();
    let mut backend = TensorBackend::new(variables.clone(), &parameters);
    let objective = lower(&definition.objective.node, &mut backend);
    match definition.sense {
        Sense::Minimize => problem.minimize(objective),
        Sense::Maximize => problem.maximize(objective),
    }
    for c in &definition.constraints {
        let lhs = lower(&c.lhs, &mut backend);
        let rhs = lower(&c.rhs, &mut backend);
        match c.kind {
            ConstraintKind::Equation => problem.constraint(&c.name, lhs, rhs),
            ConstraintKind::AtMost => problem.at_most(&c.name, lhs, rhs),
            ConstraintKind::AtLeast => problem.at_least(&c.name, lhs, rhs),
            // A range's lhs is e (its rhs the constant 0); the ends were
            // checked and evaluated when the file was loaded.
            ConstraintKind::Range => problem.between(
                &c.name,
                Tensor::from_shape(lhs.shape(), c.ends.0.clone()),
                lhs.clone(),
                Tensor::from_shape(lhs.shape(), c.ends.1.clone()),
            ),
        }
    }
    for (v, tensor) in definition.variables.iter().zip(&variables) {
        if v.lower.iter().any(|b| b.is_finite()) {
            problem.lower_bound(tensor, v.lower.clone());
        }
        if v.upper.iter().any(|b| b.is_finite()) {
            problem.upper_bound(tensor, v.upper.clone());
        }
    }
    problem
}

/// Build and compile the checked problem for the solver.
pub fn compile(definition: &Definition) -> Result<CompiledProblem, FileError> {
    build(definition).compile().map_err(|e| {
        FileError::new(
            &definition.path,
            ErrorKind::Invalid {
                message: e.to_string(),
            },
        )
    })
}
