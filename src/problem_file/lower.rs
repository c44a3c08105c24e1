//! Lowering of checked expressions onto a computation backend.
//!
//! A [`Backend`] supplies the operations (plain `f64` arrays in
//! [`super::dense`], autodiff tensors in [`super::compile`]); [`lower`] walks
//! a checked [`Node`] once and combines the backend's values. The walk
//! recurses only as deep as the expression nests; long sums are combined as
//! a balanced tree, so the values built stay shallow too.

use super::ast::{AddOp, MulOp};
use super::functions::Elementwise;
use super::ir::{Node, Op};

/// An elementwise binary operation (a scalar side is broadcast).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a · b
    Mul,
    /// a / b
    Div,
    /// aᵇ
    Pow,
}

/// The operations a checked expression needs. Shapes are checked before
/// lowering, so implementations may assume every call is well-shaped.
pub trait Backend {
    /// A value of the backend (a dense array, a tensor).
    type Value: Clone;
    /// A constant.
    fn constant(&mut self, value: &std::sync::Arc<super::dense::Dense>) -> Self::Value;
    /// The variable with this index.
    fn variable(&mut self, index: usize) -> Self::Value;
    /// The parameter with this index.
    fn parameter(&mut self, index: usize) -> Self::Value;
    /// −a.
    fn neg(&mut self, a: &Self::Value) -> Self::Value;
    /// An elementwise binary operation with scalar broadcasting.
    fn binary(&mut self, op: Binary, a: &Self::Value, b: &Self::Value) -> Self::Value;
    /// a^exponent elementwise, for a constant scalar exponent.
    fn powf(&mut self, a: &Self::Value, exponent: f64) -> Self::Value;
    /// An elementwise function.
    fn map(&mut self, f: Elementwise, a: &Self::Value) -> Self::Value;
    /// `a @ b` (matrix·vector, matrix·matrix, vector·matrix, vector·vector).
    fn matmul(&mut self, a: &Self::Value, b: &Self::Value) -> Self::Value;
    /// Element or row `i` of axis 0.
    fn index(&mut self, a: &Self::Value, i: usize) -> Self::Value;
    /// Rows `start..end` of axis 0.
    fn slice(&mut self, a: &Self::Value, start: usize, end: usize) -> Self::Value;
    /// Sum of all elements.
    fn sum(&mut self, a: &Self::Value) -> Self::Value;
    /// Euclidean norm of all elements.
    fn norm(&mut self, a: &Self::Value) -> Self::Value;
    /// Inner product of two values of one shape.
    fn dot(&mut self, a: &Self::Value, b: &Self::Value) -> Self::Value;
}

/// Build the value of `node` with `backend`.
pub fn lower<B: Backend>(node: &Node, backend: &mut B) -> B::Value {
    match &node.op {
        Op::Constant(c) => backend.constant(c),
        Op::Variable(i) => backend.variable(*i),
        Op::Parameter(i) => backend.parameter(*i),
        Op::Neg(a) => {
            let a = lower(a, backend);
            backend.neg(&a)
        }
        Op::Sum(terms) => lower_sum(terms, backend),
        Op::Product(factors) => lower_product(factors, backend),
        Op::Power(a, b) => {
            let base = lower(a, backend);
            match b.scalar_constant() {
                Some(exponent) => backend.powf(&base, exponent),
                None => {
                    let exponent = lower(b, backend);
                    backend.binary(Binary::Pow, &base, &exponent)
                }
            }
        }
        Op::Map(f, a) => {
            let a = lower(a, backend);
            backend.map(*f, &a)
        }
        Op::SumAll(a) => {
            let a = lower(a, backend);
            backend.sum(&a)
        }
        Op::Norm(a) => {
            let a = lower(a, backend);
            backend.norm(&a)
        }
        Op::Dot(a, b) => {
            let a = lower(a, backend);
            let b = lower(b, backend);
            backend.dot(&a, &b)
        }
        Op::Index(a, i) => {
            let a = lower(a, backend);
            backend.index(&a, *i)
        }
        Op::Slice(a, start, end) => {
            let a = lower(a, backend);
            backend.slice(&a, *start, *end)
        }
    }
}

/// A sum of signed terms, combined pairwise: (±a) ⊕ (±b) needs one add or
/// sub and at most one negation at the very end.
fn lower_sum<B: Backend>(terms: &[(AddOp, Node)], backend: &mut B) -> B::Value {
    // (negated, value) pairs.
    let mut level: Vec<(bool, B::Value)> = terms
        .iter()
        .map(|(op, term)| (*op == AddOp::Sub, lower(term, backend)))
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut items = level.into_iter();
        while let Some((na, a)) = items.next() {
            match items.next() {
                None => next.push((na, a)),
                Some((nb, b)) => next.push(match (na, nb) {
                    (false, false) => (false, backend.binary(Binary::Add, &a, &b)),
                    (false, true) => (false, backend.binary(Binary::Sub, &a, &b)),
                    (true, false) => (false, backend.binary(Binary::Sub, &b, &a)),
                    (true, true) => (true, backend.binary(Binary::Add, &a, &b)),
                }),
            }
        }
        level = next;
    }
    let (negated, value) = level.pop().expect("a sum has at least one term");
    if negated {
        backend.neg(&value)
    } else {
        value
    }
}

/// A product chain. Without `@` it is combined pairwise like a sum
/// (multiplication and division by scalars or equal shapes commute);
/// with `@` it is folded left to right as written.
fn lower_product<B: Backend>(factors: &[(MulOp, Node)], backend: &mut B) -> B::Value {
    if factors.iter().any(|(op, _)| *op == MulOp::MatMul) {
        let mut acc = lower(&factors[0].1, backend);
        for (op, factor) in &factors[1..] {
            let f = lower(factor, backend);
            acc = match op {
                MulOp::Mul => backend.binary(Binary::Mul, &acc, &f),
                MulOp::Div => backend.binary(Binary::Div, &acc, &f),
                MulOp::MatMul => backend.matmul(&acc, &f),
            };
        }
        return acc;
    }
    // (reciprocal, value) pairs: the value divides rather than multiplies.
    let mut level: Vec<(bool, B::Value)> = factors
        .iter()
        .map(|(op, f)| (*op == MulOp::Div, lower(f, backend)))
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut items = level.into_iter();
        while let Some((ra, a)) = items.next() {
            match items.next() {
                None => next.push((ra, a)),
                Some((rb, b)) => next.push(match (ra, rb) {
                    (false, false) => (false, backend.binary(Binary::Mul, &a, &b)),
                    (false, true) => (false, backend.binary(Binary::Div, &a, &b)),
                    (true, false) => (false, backend.binary(Binary::Div, &b, &a)),
                    (true, true) => (true, backend.binary(Binary::Mul, &a, &b)),
                }),
            }
        }
        level = next;
    }
    let (reciprocal, value) = level.pop().expect("a product has at least one factor");
    if reciprocal {
        let one = std::sync::Arc::new(super::dense::Dense::scalar(1.0));
        let one = backend.constant(&one);
        backend.binary(Binary::Div, &one, &value)
    } else {
        value
    }
}
