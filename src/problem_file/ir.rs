//! The checked form of an expression: names resolved, shapes known,
//! constant parts folded. Building tensors from it cannot fail.

use std::sync::Arc;

use super::ast::{AddOp, MulOp};
use super::dense::Dense;
use super::functions::Elementwise;
use super::shape::Shape;

/// A checked expression node and the shape of its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The shape of the value.
    pub shape: Shape,
    /// What computes it.
    pub op: Op,
}

/// The operations of checked expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A value that depends on no variable (a literal, a constant, or a folded subexpression).
    Constant(Arc<Dense>),
    /// The variable with this index (declaration order).
    Variable(usize),
    /// The parameter with this index.
    Parameter(usize),
    /// −a.
    Neg(Box<Node>),
    /// A chain of `+` and `-`; the first operator is always `Add`.
    Sum(Vec<(AddOp, Node)>),
    /// A left-to-right chain of `*`, `/` and `@`; the first operator is always `Mul`.
    Product(Vec<(MulOp, Node)>),
    /// aᵇ elementwise (either side may be a scalar).
    Power(Box<Node>, Box<Node>),
    /// An elementwise function.
    Map(Elementwise, Box<Node>),
    /// Sum of all elements.
    SumAll(Box<Node>),
    /// Euclidean norm of all elements.
    Norm(Box<Node>),
    /// Inner product of two values of the same shape.
    Dot(Box<Node>, Box<Node>),
    /// Element (vector) or row (matrix) `i` of axis 0, `i` already non-negative and in range.
    Index(Box<Node>, usize),
    /// Rows `start..end` of axis 0, already clamped and non-empty.
    Slice(Box<Node>, usize, usize),
}

impl Node {
    /// Whether the value depends on no variable (parameters are constants).
    pub fn is_constant(&self) -> bool {
        matches!(self.op, Op::Constant(_) | Op::Parameter(_))
    }

    /// The scalar value, if this is a scalar literal or folded constant.
    pub fn scalar_constant(&self) -> Option<f64> {
        match &self.op {
            Op::Constant(c) if c.shape == Shape::Scalar => Some(c.data[0]),
            _ => None,
        }
    }

    /// Whether any variable occurs in the expression.
    pub fn depends_on_variables(&self) -> bool {
        match &self.op {
            Op::Constant(_) | Op::Parameter(_) => false,
            Op::Variable(_) => true,
            Op::Neg(a)
            | Op::Map(_, a)
            | Op::SumAll(a)
            | Op::Norm(a)
            | Op::Index(a, _)
            | Op::Slice(a, _, _) => a.depends_on_variables(),
            Op::Power(a, b) | Op::Dot(a, b) => a.depends_on_variables() || b.depends_on_variables(),
            Op::Sum(terms) => terms.iter().any(|(_, t)| t.depends_on_variables()),
            Op::Product(factors) => factors.iter().any(|(_, f)| f.depends_on_variables()),
        }
    }
}
