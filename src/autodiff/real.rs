//! [`Real`]: the numbers a user function can be written over, so that one
//! function serves plain evaluation (`f64`, e.g. for finite differences),
//! forward mode ([`Dual`], directional derivatives) and reverse mode
//! ([`Tensor`], gradients; a [`Tape`](crate::autodiff::Tape) of it gives
//! Hessians).

use crate::autodiff::dual::Dual;
use crate::autodiff::tensor::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A number type with the arithmetic and elementary functions of the
/// autodiff ops.
///
/// ```
/// use lagrange::autodiff::{Dual, Real, Tensor};
/// fn f<T: Real>(x: &[T]) -> T {
///     // x₀² sin(x₁) + 3
///     x[0].clone() * x[0].clone() * x[1].sin() + 3.0
/// }
/// let v = f(&[2.0, 0.5]);
/// let d = f(&[Dual::new(2.0, 1.0), Dual::new(0.5, 0.0)]); // ∂f/∂x₀
/// let t = [Tensor::scalar(2.0).requires_grad(), Tensor::scalar(0.5).requires_grad()];
/// let y = f(&t);
/// y.backward().unwrap();
/// assert!((v - y.item()).abs() < 1e-15);
/// assert!((d.tangent - t[0].grad().unwrap()[0]).abs() < 1e-15);
/// ```
pub trait Real:
    Clone
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// A constant.
    fn from_f64(v: f64) -> Self;
    /// selfᵖ for a constant p.
    fn powf(&self, p: f64) -> Self;
    /// selfᵉ.
    fn pow(&self, e: &Self) -> Self;
    /// eˣ.
    fn exp(&self) -> Self;
    /// Natural logarithm.
    fn log(&self) -> Self;
    /// Square root.
    fn sqrt(&self) -> Self;
    /// Sine.
    fn sin(&self) -> Self;
    /// Cosine.
    fn cos(&self) -> Self;
    /// Tangent.
    fn tan(&self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(&self) -> Self;
    /// Absolute value.
    fn abs(&self) -> Self;
}

impl Real for f64 {
    fn from_f64(v: f64) -> f64 {
        v
    }
    fn powf(&self, p: f64) -> f64 {
        f64::powf(*self, p)
    }
    fn pow(&self, e: &f64) -> f64 {
        f64::powf(*self, *e)
    }
    fn exp(&self) -> f64 {
        f64::exp(*self)
    }
    fn log(&self) -> f64 {
        f64::ln(*self)
    }
    fn sqrt(&self) -> f64 {
        f64::sqrt(*self)
    }
    fn sin(&self) -> f64 {
        f64::sin(*self)
    }
    fn cos(&self) -> f64 {
        f64::cos(*self)
    }
    fn tan(&self) -> f64 {
        f64::tan(*self)
    }
    fn tanh(&self) -> f64 {
        f64::tanh(*self)
    }
    fn abs(&self) -> f64 {
        f64::abs(*self)
    }
}

impl Real for Dual {
    fn from_f64(v: f64) -> Dual {
        Dual::constant(v)
    }
    fn powf(&self, p: f64) -> Dual {
        Dual::powf(*self, p)
    }
    fn pow(&self, e: &Dual) -> Dual {
        Dual::pow(*self, *e)
    }
    fn exp(&self) -> Dual {
        Dual::exp(*self)
    }
    fn log(&self) -> Dual {
        Dual::ln(*self)
    }
    fn sqrt(&self) -> Dual {
        Dual::sqrt(*self)
    }
    fn sin(&self) -> Dual {
        Dual::sin(*self)
    }
    fn cos(&self) -> Dual {
        Dual::cos(*self)
    }
    fn tan(&self) -> Dual {
        Dual::tan(*self)
    }
    fn tanh(&self) -> Dual {
        Dual::tanh(*self)
    }
    fn abs(&self) -> Dual {
        Dual::abs(*self)
    }
}

impl Real for Tensor {
    fn from_f64(v: f64) -> Tensor {
        Tensor::scalar(v)
    }
    fn powf(&self, p: f64) -> Tensor {
        Tensor::powf(self, p)
    }
    fn pow(&self, e: &Tensor) -> Tensor {
        Tensor::pow(self, e)
    }
    fn exp(&self) -> Tensor {
        Tensor::exp(self)
    }
    fn log(&self) -> Tensor {
        Tensor::log(self)
    }
    fn sqrt(&self) -> Tensor {
        Tensor::sqrt(self)
    }
    fn sin(&self) -> Tensor {
        Tensor::sin(self)
    }
    fn cos(&self) -> Tensor {
        Tensor::cos(self)
    }
    fn tan(&self) -> Tensor {
        Tensor::tan(self)
    }
    fn tanh(&self) -> Tensor {
        Tensor::tanh(self)
    }
    fn abs(&self) -> Tensor {
        Tensor::abs(self)
    }
}
