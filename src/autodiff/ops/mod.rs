//! The op rules: for every op, its forward value and its derivative rules
//! side by side, on plain slices of row-major f64 data.
//!
//! Each op has four rules, and both the eager graph (`graph/`) and the
//! compiled tape (`tape/`) call exactly these, so an op is written once:
//!
//! - `forward`: y = f(x₁, …, xₙ);
//! - `vjp`: x̄ₖ += Jₖᵀ ȳ (reverse mode, accumulating);
//! - `jvp`: ẏ = Σₖ Jₖ ẋₖ (forward mode, overwriting);
//! - `vjp_tangent`: the second-order part of the directional derivative of
//!   the VJP, x̄̇ₖ += (d/dε Jₖᵀ) ȳ, whose other part (Jₖᵀ ȳ̇) is the VJP rule
//!   applied to ȳ̇. Together they give forward-over-reverse Hessian-vector
//!   products (see `tape::eval`).
//!
//! A tangent given as `None` belongs to a constant operand and is zero; rules
//! skip its terms.
//!
//! The named elementwise functions (`sin`, `log1p`, ...) are one table,
//! [`elementwise`]: the single list of them in the crate.
//!
//! One file per family: [`elementwise_unary`], [`binary`], [`reduce`],
//! [`linalg`], [`shape_ops`]; [`par`] holds the (possibly parallel) loops.

pub(crate) mod binary;
pub(crate) mod elementwise;
pub(crate) mod elementwise_unary;
pub(crate) mod linalg;
pub(crate) mod par;
pub(crate) mod reduce;
pub(crate) mod shape_ops;
pub(crate) mod vector_math;

use crate::autodiff::shape::Shape;
pub(crate) use binary::BinaryFn;
pub use elementwise::Elementwise;
pub(crate) use elementwise_unary::UnaryFn;
pub(crate) use linalg::Linalg;
pub(crate) use reduce::Reduce;
pub(crate) use shape_ops::Move;

/// One differentiable operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    /// Elementwise function of one tensor (possibly with a constant number).
    Unary(UnaryFn),
    /// Elementwise function of two tensors with scalar broadcasting.
    Binary(BinaryFn),
    /// Reduction to a scalar.
    Reduce(Reduce),
    /// Matrix product, transpose, log-determinant.
    Linalg(Linalg),
    /// Index, slice, reshape, concat.
    Move(Move),
}

impl Op {
    /// The PyTorch-style name of the backward node, for `Tensor::grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            Op::Unary(u) => u.grad_fn_name(),
            Op::Binary(b) => b.grad_fn_name(),
            Op::Reduce(r) => r.grad_fn_name(),
            Op::Linalg(l) => l.grad_fn_name(),
            Op::Move(m) => m.grad_fn_name(),
        }
    }
}

/// The result shape of `op` on operands of `shapes`.
///
/// # Panics
/// When the shapes do not fit the op; the message names the shapes.
pub(crate) fn out_shape(op: Op, shapes: &[Shape]) -> Shape {
    match op {
        Op::Unary(_) => shapes[0],
        Op::Binary(b) => binary::out_shape(b, shapes[0], shapes[1]),
        Op::Reduce(r) => {
            if r == Reduce::Dot {
                reduce::dot_shape(shapes[0], shapes[1]);
            }
            Shape::SCALAR
        }
        Op::Linalg(l) => linalg::out_shape(l, shapes),
        Op::Move(m) => shape_ops::out_shape(m, shapes),
    }
}

/// Forward: writes y (of the shape given by [`out_shape`]).
pub(crate) fn forward(op: Op, xs: &[&[f64]], shapes: &[Shape], y: &mut [f64]) {
    match op {
        Op::Unary(u) => elementwise_unary::forward(u, xs[0], y),
        Op::Binary(b) => binary::forward(b, xs[0], xs[1], y),
        Op::Reduce(r) => y[0] = reduce::forward(r, xs),
        Op::Linalg(l) => linalg::forward(l, xs, shapes, y),
        Op::Move(m) => shape_ops::forward(m, xs, shapes, y),
    }
}

/// VJP into operand `k`: `xbar += Jₖᵀ ybar`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn vjp(
    op: Op,
    k: usize,
    xs: &[&[f64]],
    shapes: &[Shape],
    y: &[f64],
    y_shape: Shape,
    ybar: &[f64],
    xbar: &mut [f64],
) {
    match op {
        Op::Unary(u) => elementwise_unary::vjp(u, xs[0], y, ybar, xbar),
        Op::Binary(b) => binary::vjp(b, k, xs[0], xs[1], y, ybar, xbar),
        Op::Reduce(r) => reduce::vjp(r, k, xs, y[0], ybar[0], xbar),
        Op::Linalg(l) => linalg::vjp(l, k, xs, shapes, y_shape, ybar, xbar),
        Op::Move(m) => shape_ops::vjp(m, k, shapes, ybar, xbar),
    }
}

/// JVP: `ydot = Σₖ Jₖ xdotₖ` (overwrites `ydot`).
pub(crate) fn jvp(
    op: Op,
    xs: &[&[f64]],
    shapes: &[Shape],
    y: &[f64],
    xdots: &[Option<&[f64]>],
    ydot: &mut [f64],
) {
    match op {
        Op::Unary(u) => match xdots[0] {
            Some(t) => elementwise_unary::jvp(u, xs[0], y, t, ydot),
            None => ydot.fill(0.0),
        },
        Op::Binary(b) => binary::jvp(b, xs[0], xs[1], y, xdots[0], xdots[1], ydot),
        Op::Reduce(r) => ydot[0] = reduce::jvp(r, xs, y[0], xdots),
        Op::Linalg(l) => linalg::jvp(l, xs, shapes, xdots, ydot),
        Op::Move(m) => shape_ops::jvp(m, shapes, xdots, ydot),
    }
}

/// Second-order part of the tangent of the VJP into operand `k`:
/// `xbardot += (d/dε Jₖᵀ) ybar` along the operands' tangents `xdots`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn vjp_tangent(
    op: Op,
    k: usize,
    xs: &[&[f64]],
    shapes: &[Shape],
    y: &[f64],
    xdots: &[Option<&[f64]>],
    ybar: &[f64],
    xbardot: &mut [f64],
) {
    match op {
        Op::Unary(u) => {
            if let Some(t) = xdots[0] {
                elementwise_unary::vjp_tangent(u, xs[0], y, t, ybar, xbardot);
            }
        }
        Op::Binary(b) => {
            binary::vjp_tangent(b, k, xs[0], xs[1], y, xdots[0], xdots[1], ybar, xbardot)
        }
        Op::Reduce(r) => reduce::vjp_tangent(r, k, xs, y[0], xdots, ybar[0], xbardot),
        Op::Linalg(l) => linalg::vjp_tangent(l, k, xs, shapes, xdots, ybar, xbardot),
        Op::Move(_) => {}
    }
}
