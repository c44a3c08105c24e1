//! Reductions to a scalar: sum, mean, dot product and Euclidean norm.
//!
//! | op   | forward        | VJP                      | second-order part of the VJP tangent      |
//! |------|----------------|--------------------------|-------------------------------------------|
//! | sum  | y = Σ xᵢ       | x̄ᵢ += ȳ                  | 0 (linear)                                |
//! | mean | y = Σ xᵢ / n   | x̄ᵢ += ȳ / n              | 0 (linear)                                |
//! | dot  | y = Σ aᵢ bᵢ    | āᵢ += ȳ bᵢ, b̄ᵢ += ȳ aᵢ   | āᵢ += ȳ ḃᵢ, b̄ᵢ += ȳ ȧᵢ (bilinear)         |
//! | norm | y = √(Σ xᵢ²)   | x̄ᵢ += ȳ xᵢ / y           | ȳ (ẋᵢ − xᵢ (x·ẋ)/y²) / y                   |
//!
//! The norm's derivative at x = 0 is taken as 0 (a subgradient), as in PyTorch.

use super::par;
use crate::autodiff::shape::Shape;

/// Which reduction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reduce {
    /// Σ xᵢ
    Sum,
    /// Σ xᵢ / n
    Mean,
    /// Σ aᵢ bᵢ
    Dot,
    /// ‖x‖₂
    Norm,
}

impl Reduce {
    /// The PyTorch-style name of the backward node, for `grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            Reduce::Sum => "SumBackward",
            Reduce::Mean => "MeanBackward",
            Reduce::Dot => "DotBackward",
            Reduce::Norm => "NormBackward",
        }
    }
}

/// Shape check for `dot`: two vectors of one length (or two tensors of one shape).
///
/// # Panics
/// When the shapes differ; the message names both.
pub(crate) fn dot_shape(a: Shape, b: Shape) {
    if a != b {
        panic!("shape mismatch in dot: left operand has shape {a}, right operand has shape {b} (they must be equal)");
    }
}

/// Forward value.
pub(crate) fn forward(r: Reduce, xs: &[&[f64]]) -> f64 {
    let x = xs[0];
    match r {
        Reduce::Sum => par::sum_by(x.len(), |i| x[i]),
        Reduce::Mean => par::sum_by(x.len(), |i| x[i]) / x.len() as f64,
        Reduce::Dot => {
            let b = xs[1];
            par::sum_by(x.len(), |i| x[i] * b[i])
        }
        Reduce::Norm => par::sum_by(x.len(), |i| x[i] * x[i]).sqrt(),
    }
}

/// VJP into operand `k`.
pub(crate) fn vjp(r: Reduce, k: usize, xs: &[&[f64]], y: f64, ybar: f64, xbar: &mut [f64]) {
    match r {
        Reduce::Sum => par::add_const(xbar, ybar),
        Reduce::Mean => par::add_const(xbar, ybar / xbar.len() as f64),
        Reduce::Dot => par::axpy(xbar, ybar, xs[1 - k]),
        Reduce::Norm => {
            if y > 0.0 {
                par::axpy(xbar, ybar / y, xs[0]);
            }
        }
    }
}

/// JVP: ẏ from the operands' tangents (`None` for constants).
pub(crate) fn jvp(r: Reduce, xs: &[&[f64]], y: f64, xdots: &[Option<&[f64]>]) -> f64 {
    match r {
        Reduce::Sum => xdots[0].map_or(0.0, |t| par::sum_by(t.len(), |i| t[i])),
        Reduce::Mean => xdots[0].map_or(0.0, |t| par::sum_by(t.len(), |i| t[i]) / t.len() as f64),
        Reduce::Dot => {
            let (a, b) = (xs[0], xs[1]);
            let ta = xdots[0].map_or(0.0, |t| par::sum_by(t.len(), |i| t[i] * b[i]));
            let tb = xdots[1].map_or(0.0, |t| par::sum_by(t.len(), |i| a[i] * t[i]));
            ta + tb
        }
        Reduce::Norm => {
            let x = xs[0];
            match xdots[0] {
                Some(t) if y > 0.0 => par::sum_by(t.len(), |i| x[i] * t[i]) / y,
                _ => 0.0,
            }
        }
    }
}

/// Second-order part of the tangent of the VJP into operand `k`.
pub(crate) fn vjp_tangent(
    r: Reduce,
    k: usize,
    xs: &[&[f64]],
    y: f64,
    xdots: &[Option<&[f64]>],
    ybar: f64,
    xbardot: &mut [f64],
) {
    match r {
        Reduce::Sum | Reduce::Mean => {}
        Reduce::Dot => {
            if let Some(t) = xdots[1 - k] {
                par::axpy(xbardot, ybar, t);
            }
        }
        Reduce::Norm => {
            let x = xs[0];
            if let (Some(t), true) = (xdots[0], y > 0.0) {
                let xt = par::sum_by(x.len(), |i| x[i] * t[i]);
                par::axpy(xbardot, ybar / y, t);
                par::axpy(xbardot, -ybar * xt / (y * y * y), x);
            }
        }
    }
}
