//! Dual numbers x + εẋ with ε² = 0: forward-mode differentiation of plain
//! Rust code. Evaluating f at (x + εv) gives f(x) + ε J v, a Jacobian-vector
//! product (directional derivative) at about twice the cost of f.
//!
//! The derivative of each function comes from the same scalar rules the
//! tensor ops use (`ops::elementwise_unary`, `ops::binary`).

use crate::autodiff::ops::elementwise::elementwise_table;
use crate::autodiff::ops::{BinaryFn, Elementwise, UnaryFn};
use std::fmt;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A dual number `value + ε·tangent` (ε² = 0).
///
/// ```
/// use lagrange::autodiff::Dual;
/// // d/dx (3x³ − 5x²) at x = 1.5
/// let x = Dual::variable(1.5);
/// let f = x.powf(3.0) * 3.0 - x * x * 5.0;
/// assert!((f.tangent - 5.25).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Dual {
    /// The primal value.
    pub value: f64,
    /// The coefficient of ε: the directional derivative.
    pub tangent: f64,
}

impl Dual {
    /// `value + ε·tangent`.
    pub const fn new(value: f64, tangent: f64) -> Dual {
        Dual { value, tangent }
    }

    /// A constant (tangent 0).
    pub const fn constant(value: f64) -> Dual {
        Dual {
            value,
            tangent: 0.0,
        }
    }

    /// The variable of differentiation (tangent 1).
    pub const fn variable(value: f64) -> Dual {
        Dual {
            value,
            tangent: 1.0,
        }
    }

    /// Duals for a point `x` and direction `v` (panics if lengths differ).
    pub fn seed(x: &[f64], v: &[f64]) -> Vec<Dual> {
        assert_eq!(
            x.len(),
            v.len(),
            "point has {} values, direction has {}",
            x.len(),
            v.len()
        );
        x.iter().zip(v).map(|(&a, &b)| Dual::new(a, b)).collect()
    }

    #[inline]
    fn unary(self, u: UnaryFn) -> Dual {
        let y = u.f(self.value);
        Dual::new(y, u.d1(self.value, y) * self.tangent)
    }

    #[inline]
    fn binary(self, f: BinaryFn, o: Dual) -> Dual {
        let y = f.f(self.value, o.value);
        let (da, db) = f.d1(self.value, o.value, y);
        let mut t = da * self.tangent;
        // Skip a zero tangent, so ln of a negative base (pow) never leaks NaN.
        if o.tangent != 0.0 {
            t += db * o.tangent;
        }
        Dual::new(y, t)
    }

    /// The named elementwise function `f` at this number; each function
    /// of the op table is also a method (`x.sigmoid()`).
    pub fn elementwise(self, f: Elementwise) -> Dual {
        self.unary(UnaryFn::Map(f))
    }
    /// ln x (same as [`log`](Dual::log))
    pub fn ln(self) -> Dual {
        self.log()
    }
    /// xᵖ for a constant p
    pub fn powf(self, p: f64) -> Dual {
        self.unary(UnaryFn::Powf(p))
    }
    /// xᵉ for a dual exponent
    pub fn pow(self, e: Dual) -> Dual {
        self.binary(BinaryFn::Pow, e)
    }
}

/// One method per entry of the op table (`x.sin()`, `x.log1p()`, ...).
macro_rules! dual_methods {
    ($($(#[doc = $doc:expr])* $V:ident $name:ident { $($rules:tt)* })*) => {
        impl Dual {
            $(
                $(#[doc = $doc])*
                pub fn $name(self) -> Dual {
                    self.elementwise(Elementwise::$V)
                }
            )*
        }
    };
}
elementwise_table!(dual_methods);

impl From<f64> for Dual {
    fn from(v: f64) -> Dual {
        Dual::constant(v)
    }
}

impl fmt::Display for Dual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {}ε", self.value, self.tangent)
    }
}

macro_rules! dual_ops {
    ($Trait:ident, $method:ident, $Assign:ident, $assign:ident, $f:expr, $right:expr, $left:expr) => {
        impl $Trait for Dual {
            type Output = Dual;
            #[inline]
            fn $method(self, o: Dual) -> Dual {
                self.binary($f, o)
            }
        }
        impl $Trait<f64> for Dual {
            type Output = Dual;
            #[inline]
            fn $method(self, c: f64) -> Dual {
                self.unary($right(c))
            }
        }
        impl $Trait<Dual> for f64 {
            type Output = Dual;
            #[inline]
            fn $method(self, d: Dual) -> Dual {
                d.unary($left(self))
            }
        }
        impl $Assign for Dual {
            #[inline]
            fn $assign(&mut self, o: Dual) {
                *self = self.binary($f, o);
            }
        }
    };
}

dual_ops!(
    Add,
    add,
    AddAssign,
    add_assign,
    BinaryFn::Add,
    UnaryFn::AddC,
    UnaryFn::AddC
);
dual_ops!(
    Sub,
    sub,
    SubAssign,
    sub_assign,
    BinaryFn::Sub,
    |c: f64| UnaryFn::AddC(-c),
    UnaryFn::RSubC
);
dual_ops!(
    Mul,
    mul,
    MulAssign,
    mul_assign,
    BinaryFn::Mul,
    UnaryFn::MulC,
    UnaryFn::MulC
);
dual_ops!(
    Div,
    div,
    DivAssign,
    div_assign,
    BinaryFn::Div,
    UnaryFn::DivC,
    UnaryFn::RDivC
);

impl Neg for Dual {
    type Output = Dual;
    #[inline]
    fn neg(self) -> Dual {
        Dual::new(-self.value, -self.tangent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_and_quotient_rules() {
        let x = Dual::new(2.0, 1.0);
        let y = Dual::new(3.0, 0.5);
        let p = x * y;
        assert_eq!(p, Dual::new(6.0, 3.0 + 2.0 * 0.5));
        let q = x / y;
        assert!((q.tangent - (1.0 * 3.0 - 2.0 * 0.5) / 9.0).abs() < 1e-15);
        assert_eq!((1.0 - x).tangent, -1.0);
        assert_eq!((2.0 / x).tangent, -0.5);
    }

    #[test]
    fn pow_with_negative_base_and_constant_exponent_is_finite() {
        let x = Dual::variable(-2.0);
        let y = x.pow(Dual::constant(2.0));
        assert_eq!(y, Dual::new(4.0, -4.0));
    }
}
