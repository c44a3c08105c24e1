//! [`Real`]: the numbers a user function can be written over, so that one
//! function serves plain evaluation (`f64`, e.g. for finite differences),
//! forward mode ([`Dual`], directional derivatives) and reverse mode
//! ([`Tensor`], gradients; a [`Tape`](crate::autodiff::Tape) of it gives
//! Hessians).

use crate::autodiff::dual::Dual;
use crate::autodiff::ops::elementwise::elementwise_table;
use crate::autodiff::ops::Elementwise;
use crate::autodiff::tensor::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Defines [`Real`] with one provided method per entry of the op table.
macro_rules! real_trait {
    ($($(#[doc = $doc:expr])* $V:ident $name:ident { $($rules:tt)* })*) => {
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
            /// The named elementwise function `f` (an entry of the op table);
            /// the methods named after the functions (`x.sin()`,
            /// `x.sigmoid()`) call it.
            fn elementwise(&self, f: Elementwise) -> Self;
            $(
                $(#[doc = $doc])*
                fn $name(&self) -> Self {
                    self.elementwise(Elementwise::$V)
                }
            )*
        }
    };
}
elementwise_table!(real_trait);

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
    fn elementwise(&self, f: Elementwise) -> f64 {
        f.apply(*self)
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
    fn elementwise(&self, f: Elementwise) -> Dual {
        Dual::elementwise(*self, f)
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
    fn elementwise(&self, f: Elementwise) -> Tensor {
        Tensor::elementwise(self, f)
    }
}
