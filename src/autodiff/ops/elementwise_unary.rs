//! Elementwise functions of one tensor, y = f(x): the named functions of
//! the op table ([`Elementwise`], in `elementwise.rs`) and the ops that
//! combine a tensor with a constant number (x + c, c / x, x^p, ...).
//!
//! Each function states three scalar facts side by side: the value f(x),
//! the first derivative f'(x) and the second derivative f''(x) (both may
//! use y = f(x) when that is cheaper): in the table for the named
//! functions, in [`UnaryFn`] for the others. Every rule follows from them:
//!
//! | rule                  | formula                                   |
//! |-----------------------|-------------------------------------------|
//! | forward               | y = f(x)                                  |
//! | JVP (tangent)         | ẏ = f'(x) ẋ                               |
//! | VJP (adjoint)         | x̄ += f'(x) ȳ                              |
//! | tangent of the VJP    | d/dε x̄ += f''(x) ẋ ȳ + f'(x) ȳ̇           |
//!
//! The last line is what forward-over-reverse Hessian-vector products need;
//! its f'(x) ȳ̇ half is the VJP rule applied to ȳ̇, so [`vjp_tangent`] adds
//! only the f''(x) ẋ ȳ half. The tape's scalar fast path calls the same
//! scalar functions ([`UnaryFn::f`], [`UnaryFn::d1`], [`UnaryFn::d2`]).

use super::elementwise::Elementwise;
use super::par;
use super::vector_math::{self, Func};

/// An elementwise function of one argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum UnaryFn {
    /// −x
    Neg,
    /// A named function of the op table (`sin`, `log1p`, ...).
    Map(Elementwise),
    /// xᵖ for a constant p
    Powf(f64),
    /// cˣ for a constant c > 0
    RPowC(f64),
    /// x + c
    AddC(f64),
    /// c − x
    RSubC(f64),
    /// c · x
    MulC(f64),
    /// x / c
    DivC(f64),
    /// c / x
    RDivC(f64),
}

impl From<Elementwise> for UnaryFn {
    fn from(e: Elementwise) -> UnaryFn {
        UnaryFn::Map(e)
    }
}

impl UnaryFn {
    /// The value f(x).
    #[inline(always)]
    pub(crate) fn f(self, x: f64) -> f64 {
        match self {
            UnaryFn::Neg => -x,
            UnaryFn::Map(e) => e.f(x),
            UnaryFn::Powf(p) => powf(x, p),
            UnaryFn::RPowC(c) => c.powf(x),
            UnaryFn::AddC(c) => x + c,
            UnaryFn::RSubC(c) => c - x,
            UnaryFn::MulC(c) => c * x,
            UnaryFn::DivC(c) => x / c,
            UnaryFn::RDivC(c) => c / x,
        }
    }

    /// The derivative f'(x), given y = f(x).
    #[inline(always)]
    pub(crate) fn d1(self, x: f64, y: f64) -> f64 {
        match self {
            UnaryFn::Neg => -1.0,
            UnaryFn::Map(e) => e.d1(x, y),
            UnaryFn::Powf(p) => powf_d1(x, p),
            UnaryFn::RPowC(c) => rpowc_d1(y, c),
            UnaryFn::AddC(_) => 1.0,
            UnaryFn::RSubC(_) => -1.0,
            UnaryFn::MulC(c) => c,
            UnaryFn::DivC(c) => 1.0 / c,
            UnaryFn::RDivC(_) => -y / x,
        }
    }

    /// The second derivative f''(x), given y = f(x).
    #[inline(always)]
    pub(crate) fn d2(self, x: f64, y: f64) -> f64 {
        match self {
            UnaryFn::Neg
            | UnaryFn::AddC(_)
            | UnaryFn::RSubC(_)
            | UnaryFn::MulC(_)
            | UnaryFn::DivC(_) => 0.0,
            UnaryFn::Map(e) => e.d2(x, y),
            UnaryFn::Powf(p) => powf_d2(x, p),
            UnaryFn::RPowC(c) => rpowc_d2(y, c),
            UnaryFn::RDivC(_) => 2.0 * y / (x * x),
        }
    }

    /// Whether f is linear (f'' ≡ 0), so the tangent of its VJP has no
    /// second-order part.
    #[inline]
    pub(crate) fn is_linear(self) -> bool {
        matches!(
            self,
            UnaryFn::Neg
                | UnaryFn::AddC(_)
                | UnaryFn::RSubC(_)
                | UnaryFn::MulC(_)
                | UnaryFn::DivC(_)
        )
    }

    /// The PyTorch-style name of the backward node, for `grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            UnaryFn::Neg => "NegBackward",
            UnaryFn::Map(e) => e.grad_fn_name(),
            UnaryFn::Powf(_) | UnaryFn::RPowC(_) => "PowBackward",
            UnaryFn::AddC(_) => "AddBackward",
            UnaryFn::RSubC(_) => "SubBackward",
            UnaryFn::MulC(_) => "MulBackward",
            UnaryFn::DivC(_) | UnaryFn::RDivC(_) => "DivBackward",
        }
    }
}

/// xᵖ with the common small powers computed exactly and fast.
#[inline(always)]
fn powf(x: f64, p: f64) -> f64 {
    if p == 2.0 {
        x * x
    } else if p == 1.0 {
        x
    } else if p == 0.5 {
        x.sqrt()
    } else if p == -1.0 {
        1.0 / x
    } else {
        x.powf(p)
    }
}

/// Forward: `y[i] = f(x[i])`.
pub(crate) fn forward(u: UnaryFn, x: &[f64], y: &mut [f64]) {
    // A match outside the loop gives each function its own tight loop.
    match u {
        UnaryFn::Map(Elementwise::Sin) => vector_math::map(Func::Sin, x, y),
        UnaryFn::Map(Elementwise::Cos) => vector_math::map(Func::Cos, x, y),
        UnaryFn::Map(Elementwise::Exp) => vector_math::map(Func::Exp, x, y),
        UnaryFn::Powf(2.0) => par::map1(x, y, |x| x * x),
        UnaryFn::MulC(c) => par::map1(x, y, |x| c * x),
        UnaryFn::AddC(c) => par::map1(x, y, |x| x + c),
        _ => par::map1(x, y, |x| u.f(x)),
    }
}

/// VJP: `x̄[i] += f'(x[i]) ȳ[i]`.
pub(crate) fn vjp(u: UnaryFn, x: &[f64], y: &[f64], ybar: &[f64], xbar: &mut [f64]) {
    match u {
        UnaryFn::Map(Elementwise::Sin) => vector_math::acc_mul(Func::Cos, 1.0, x, ybar, xbar),
        UnaryFn::Map(Elementwise::Cos) => vector_math::acc_mul(Func::Sin, -1.0, x, ybar, xbar),
        UnaryFn::Map(Elementwise::Exp) => par::acc3(xbar, x, y, ybar, |_, y, g| y * g),
        UnaryFn::Powf(2.0) => par::acc3(xbar, x, y, ybar, |x, _, g| 2.0 * x * g),
        UnaryFn::AddC(_) => par::axpy(xbar, 1.0, ybar),
        UnaryFn::MulC(c) => par::axpy(xbar, c, ybar),
        _ => par::acc3(xbar, x, y, ybar, |x, y, g| u.d1(x, y) * g),
    }
}

/// JVP: `ẏ[i] = f'(x[i]) ẋ[i]`.
pub(crate) fn jvp(u: UnaryFn, x: &[f64], y: &[f64], xdot: &[f64], ydot: &mut [f64]) {
    ydot.fill(0.0);
    par::acc3(ydot, x, y, xdot, |x, y, t| u.d1(x, y) * t);
}

/// Second-order part of the tangent of the VJP: `x̄̇[i] += f''(x[i]) ẋ[i] ȳ[i]`.
pub(crate) fn vjp_tangent(
    u: UnaryFn,
    x: &[f64],
    y: &[f64],
    xdot: &[f64],
    ybar: &[f64],
    xbardot: &mut [f64],
) {
    if u.is_linear() {
        return;
    }
    par::acc4(xbardot, x, y, xdot, ybar, |x, y, t, g| u.d2(x, y) * t * g);
}

// The power rules stay out of line. Inlined into the elementwise loops,
// which match on the op inside the loop, `RPowC`'s ln c (loop-invariant and
// free of side effects) was hoisted out of the loop for every op, so every
// unary rule paid a logarithm (measurement in docs/benchmarks.md).

#[inline(never)]
fn powf_d1(x: f64, p: f64) -> f64 {
    if p == 2.0 {
        2.0 * x
    } else if p == 0.0 {
        0.0
    } else {
        p * powf(x, p - 1.0)
    }
}

#[inline(never)]
fn powf_d2(x: f64, p: f64) -> f64 {
    if p == 2.0 {
        2.0
    } else if p == 0.0 || p == 1.0 {
        0.0
    } else {
        p * (p - 1.0) * powf(x, p - 2.0)
    }
}

#[inline(never)]
fn rpowc_d1(y: f64, c: f64) -> f64 {
    y * c.ln()
}

#[inline(never)]
fn rpowc_d2(y: f64, c: f64) -> f64 {
    let l = c.ln();
    y * l * l
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ops with a constant (the named functions come from the table).
    const WITH_CONSTANTS: [UnaryFn; 9] = [
        UnaryFn::Neg,
        UnaryFn::Powf(3.5),
        UnaryFn::Powf(2.0),
        UnaryFn::RPowC(1.7),
        UnaryFn::AddC(0.3),
        UnaryFn::RSubC(0.3),
        UnaryFn::MulC(-1.3),
        UnaryFn::DivC(4.0),
        UnaryFn::RDivC(2.5),
    ];

    /// f' and f'' against central differences of f and f', for every
    /// function of the op table and every op with a constant.
    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-5;
        let table = Elementwise::ALL.iter().map(|&e| UnaryFn::Map(e));
        for u in table.chain(WITH_CONSTANTS) {
            for &x in &[0.3, 0.7, 1.9] {
                let y = u.f(x);
                let fd1 = (u.f(x + h) - u.f(x - h)) / (2.0 * h);
                let fd2 = (u.d1(x + h, u.f(x + h)) - u.d1(x - h, u.f(x - h))) / (2.0 * h);
                let d1 = u.d1(x, y);
                let d2 = u.d2(x, y);
                assert!(
                    (d1 - fd1).abs() <= 1e-7 * (1.0 + d1.abs()),
                    "{u:?} f' at {x}: {d1} vs {fd1}"
                );
                assert!(
                    (d2 - fd2).abs() <= 1e-6 * (1.0 + d2.abs()),
                    "{u:?} f'' at {x}: {d2} vs {fd2}"
                );
            }
        }
    }
}
