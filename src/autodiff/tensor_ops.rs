//! `std::ops` overloads for [`Tensor`]: `+ - * /` between tensors (owned or
//! borrowed) and with `f64` on either side, and unary `-`.
//!
//! A number operand does not become a node: `x * 2.0` records one op that
//! carries the constant (`MulC(2)`), so constants cost nothing in the graph
//! and the tape.

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
                Tensor::apply(Op::Binary($f), &[&self, &rhs])
            }
        }
        impl $Trait<&Tensor> for Tensor {
            type Output = Tensor;
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::apply(Op::Binary($f), &[&self, rhs])
            }
        }
        impl $Trait<Tensor> for &Tensor {
            type Output = Tensor;
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::apply(Op::Binary($f), &[self, &rhs])
            }
        }
    };
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
                Tensor::apply(Op::Unary($right), &[&self])
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
                Tensor::apply(Op::Unary($left), &[&rhs])
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
        Tensor::apply(Op::Unary(UnaryFn::Neg), &[&self])
    }
}
