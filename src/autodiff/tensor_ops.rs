//! `std::ops` overloads for [`Tensor`]: `+ - * /` between tensors (owned or
//! borrowed) and with `f64` on either side, and unary `-`.
//!
//! A number operand does not become a node: `x * 2.0` records one op that
//! carries the constant (`MulC(2)`), so constants cost nothing in the graph
//! and the tape.
//!
//! A tensor operand given by value (the temporaries of an expression such as
//! `a.sin() * &b + &c`) hands its reference to the arena in the same visit
//! that records the op, instead of releasing it through `Drop` in another.

use crate::autodiff::ops::{BinaryFn, Op, UnaryFn};
use crate::autodiff::tensor::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

macro_rules! tensor_tensor {
    ($Trait:ident, $method:ident, $f:expr) => {
        impl $Trait<&Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::apply(Op::Binary($f), &[self, rhs])
            }
        }
        impl $Trait<Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                let out = Tensor::apply_owning(Op::Binary($f), &[&self, &rhs], [true, true]);
                std::mem::forget(self);
                std::mem::forget(rhs);
                out
            }
        }
        impl $Trait<&Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                let out = Tensor::apply_owning(Op::Binary($f), &[&self, rhs], [true, false]);
                std::mem::forget(self);
                out
            }
        }
        impl $Trait<Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                let out = Tensor::apply_owning(Op::Binary($f), &[self, &rhs], [false, true]);
                std::mem::forget(rhs);
                out
            }
        }
    };
}

/// Applies a unary `op` to a handle given by value (see the module docs).
#[inline(always)]
fn unary_owning(op: Op, t: Tensor) -> Tensor {
    let out = Tensor::apply_owning(op, &[&t], [true, false]);
    std::mem::forget(t);
    out
}

tensor_tensor!(Add, add, BinaryFn::Add);
tensor_tensor!(Sub, sub, BinaryFn::Sub);
tensor_tensor!(Mul, mul, BinaryFn::Mul);
tensor_tensor!(Div, div, BinaryFn::Div);

macro_rules! tensor_number {
    ($Trait:ident, $method:ident, |$c:ident| $right:expr, $left:expr) => {
        impl $Trait<f64> for &Tensor {
            type Output = Tensor;
            fn $method(self, $c: f64) -> Tensor {
                Tensor::apply(Op::Unary($right), &[self])
            }
        }
        impl $Trait<f64> for Tensor {
            type Output = Tensor;
            fn $method(self, $c: f64) -> Tensor {
                unary_owning(Op::Unary($right), self)
            }
        }
        impl $Trait<&Tensor> for f64 {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                let $c = self;
                Tensor::apply(Op::Unary($left), &[rhs])
            }
        }
        impl $Trait<Tensor> for f64 {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                let $c = self;
                unary_owning(Op::Unary($left), rhs)
            }
        }
    };
}

tensor_number!(Add, add, |c| UnaryFn::AddC(c), UnaryFn::AddC(c));
tensor_number!(Sub, sub, |c| UnaryFn::AddC(-c), UnaryFn::RSubC(c));
tensor_number!(Mul, mul, |c| UnaryFn::MulC(c), UnaryFn::MulC(c));
tensor_number!(Div, div, |c| UnaryFn::DivC(c), UnaryFn::RDivC(c));

impl Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::apply(Op::Unary(UnaryFn::Neg), &[self])
    }
}

impl Neg for Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        unary_owning(Op::Unary(UnaryFn::Neg), self)
    }
}

/// A number becomes a scalar constant tensor (no grad), so APIs taking
/// `impl Into<Tensor>` accept plain numbers.
impl From<f64> for Tensor {
    fn from(value: f64) -> Tensor {
        Tensor::scalar(value)
    }
}
