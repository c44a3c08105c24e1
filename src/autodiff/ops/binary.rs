//! Elementwise functions of two tensors, y = f(a, b), where either operand
//! may be a scalar that broadcasts to the other's shape.
//!
//! Each function states its value, its two partials (f_a, f_b) and its three
//! second partials (f_aa, f_ab, f_bb). The rules:
//!
//! | rule               | formula                                              |
//! |--------------------|------------------------------------------------------|
//! | forward            | y = f(a, b)                                          |
//! | JVP                | ẏ = f_a ȧ + f_b ḃ                                    |
//! | VJP                | ā += f_a ȳ,  b̄ += f_b ȳ  (summed over broadcasts)   |
//! | tangent of the VJP | ā̇ += (f_aa ȧ + f_ab ḃ) ȳ + f_a ȳ̇  (and b alike)     |
//!
//! [`vjp_tangent`] adds only the second-order part (the f_a ȳ̇ half is the
//! VJP applied to ȳ̇). A constant operand has no tangent (`None`), and its
//! terms are skipped rather than multiplied by zero, so that a NaN partial
//! (ln of a negative base in `pow`) never leaks into a derivative that does
//! not need it.

use super::par;
use crate::autodiff::shape::Shape;

/// An elementwise function of two arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryFn {
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

impl BinaryFn {
    /// The value f(a, b).
    #[inline(always)]
    pub(crate) fn f(self, a: f64, b: f64) -> f64 {
        match self {
            BinaryFn::Add => a + b,
            BinaryFn::Sub => a - b,
            BinaryFn::Mul => a * b,
            BinaryFn::Div => a / b,
            BinaryFn::Pow => a.powf(b),
        }
    }

    /// The partials (f_a, f_b), given y = f(a, b).
    #[inline(always)]
    pub(crate) fn d1(self, a: f64, b: f64, y: f64) -> (f64, f64) {
        match self {
            BinaryFn::Add => (1.0, 1.0),
            BinaryFn::Sub => (1.0, -1.0),
            BinaryFn::Mul => (b, a),
            BinaryFn::Div => {
                let r = 1.0 / b;
                (r, -y * r)
            }
            BinaryFn::Pow => pow_d1(a, b, y),
        }
    }

    /// The second partials (f_aa, f_ab, f_bb), given y = f(a, b).
    #[inline(always)]
    pub(crate) fn d2(self, a: f64, b: f64, y: f64) -> (f64, f64, f64) {
        match self {
            BinaryFn::Add | BinaryFn::Sub => (0.0, 0.0, 0.0),
            BinaryFn::Mul => (0.0, 1.0, 0.0),
            BinaryFn::Div => {
                let r = 1.0 / b;
                (0.0, -r * r, 2.0 * y * r * r)
            }
            BinaryFn::Pow => pow_d2(a, b, y),
        }
    }

    /// Whether f is bilinear or linear, so that f_aa = f_bb = 0.
    #[inline]
    fn has_no_pure_second(self) -> bool {
        matches!(self, BinaryFn::Add | BinaryFn::Sub | BinaryFn::Mul)
    }

    /// The PyTorch-style name of the backward node, for `grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            BinaryFn::Add => "AddBackward",
            BinaryFn::Sub => "SubBackward",
            BinaryFn::Mul => "MulBackward",
            BinaryFn::Div => "DivBackward",
            BinaryFn::Pow => "PowBackward",
        }
    }

    /// The operator symbol, for messages.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinaryFn::Add => "+",
            BinaryFn::Sub => "-",
            BinaryFn::Mul => "*",
            BinaryFn::Div => "/",
            BinaryFn::Pow => "pow",
        }
    }
}

// The power's rules call ln and powf and stay out of line: inlined into the
// elementwise loops, their side-effect-free `ln` could be hoisted or
// speculated for every op (see `elementwise_unary`).

#[inline(never)]
fn pow_d1(a: f64, b: f64, y: f64) -> (f64, f64) {
    (pow_da(a, b), pow_db(a, y))
}

#[inline(never)]
fn pow_d2(a: f64, b: f64, y: f64) -> (f64, f64, f64) {
    let l = a.ln();
    let daa = if b == 0.0 || b == 1.0 {
        0.0
    } else {
        b * (b - 1.0) * a.powf(b - 2.0)
    };
    // ∂/∂b (b a^(b-1)) = a^(b-1) (1 + b ln a)
    let dab = a.powf(b - 1.0) * (1.0 + b * l);
    (daa, dab, y * l * l)
}

#[inline(always)]
fn pow_da(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else if b == 2.0 {
        2.0 * a
    } else {
        b * a.powf(b - 1.0)
    }
}

#[inline(always)]
fn pow_db(a: f64, y: f64) -> f64 {
    if y == 0.0 {
        0.0
    } else {
        y * a.ln()
    }
}

/// The result shape: equal shapes, or a scalar against anything.
///
/// # Panics
/// When the shapes differ and neither is a scalar; the message names both.
pub(crate) fn out_shape(f: BinaryFn, a: Shape, b: Shape) -> Shape {
    if a == b || b.is_scalar() {
        a
    } else if a.is_scalar() {
        b
    } else {
        panic!(
            "shape mismatch in elementwise `{}`: left operand has shape {a}, right operand has shape {b} \
             (shapes must be equal, or one of them a scalar)",
            f.symbol()
        )
    }
}

/// Element `i` of an operand that may be a broadcast scalar.
#[inline(always)]
pub(crate) fn at(s: &[f64], i: usize) -> f64 {
    if s.len() == 1 {
        s[0]
    } else {
        s[i]
    }
}

/// Forward: `y[i] = f(a[i], b[i])`.
pub(crate) fn forward(f: BinaryFn, a: &[f64], b: &[f64], y: &mut [f64]) {
    if a.len() == y.len() && b.len() == y.len() {
        match f {
            BinaryFn::Mul => par::map2(a, b, y, |a, b| a * b),
            BinaryFn::Add => par::map2(a, b, y, |a, b| a + b),
            _ => par::map2(a, b, y, |a, b| f.f(a, b)),
        }
    } else if a.len() == 1 {
        let a = a[0];
        par::map1(b, y, |b| f.f(a, b));
    } else {
        let b = b[0];
        par::map1(a, y, |a| f.f(a, b));
    }
}

/// VJP into operand `k` (0 = a, 1 = b): `x̄ₖ += ∂f/∂xₖ ȳ`, summed when
/// operand `k` was broadcast.
pub(crate) fn vjp(
    f: BinaryFn,
    k: usize,
    a: &[f64],
    b: &[f64],
    y: &[f64],
    ybar: &[f64],
    xbar: &mut [f64],
) {
    let n = y.len();
    let part = move |i: usize| {
        let (da, db) = f.d1(at(a, i), at(b, i), y[i]);
        if k == 0 {
            da
        } else {
            db
        }
    };
    if xbar.len() == n {
        match (f, k) {
            (BinaryFn::Add, _) | (BinaryFn::Sub, 0) => par::axpy(xbar, 1.0, ybar),
            (BinaryFn::Sub, _) => par::axpy(xbar, -1.0, ybar),
            (BinaryFn::Mul, _) if a.len() == n && b.len() == n => {
                let other = if k == 0 { b } else { a };
                par::acc3(xbar, other, ybar, ybar, |o, g, _| o * g);
            }
            _ => {
                // Sequential index walk keeps broadcasting simple; the common
                // large case (equal shapes, mul/add) is handled above.
                for (i, xb) in xbar.iter_mut().enumerate() {
                    *xb += part(i) * ybar[i];
                }
            }
        }
    } else {
        // Operand k was a broadcast scalar: its adjoint is the sum.
        xbar[0] += par::sum_by(n, |i| part(i) * ybar[i]);
    }
}

/// JVP: `ẏ = f_a ȧ + f_b ḃ`, with `None` for a constant operand.
pub(crate) fn jvp(
    f: BinaryFn,
    a: &[f64],
    b: &[f64],
    y: &[f64],
    adot: Option<&[f64]>,
    bdot: Option<&[f64]>,
    ydot: &mut [f64],
) {
    for (i, yd) in ydot.iter_mut().enumerate() {
        let (da, db) = f.d1(at(a, i), at(b, i), y[i]);
        let mut t = 0.0;
        if let Some(ad) = adot {
            t += da * at(ad, i);
        }
        if let Some(bd) = bdot {
            t += db * at(bd, i);
        }
        *yd = t;
    }
}

/// Second-order part of the tangent of the VJP into operand `k`:
/// `x̄̇ₖ += (f_kа ȧ + f_kb ḃ) ȳ`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn vjp_tangent(
    f: BinaryFn,
    k: usize,
    a: &[f64],
    b: &[f64],
    y: &[f64],
    adot: Option<&[f64]>,
    bdot: Option<&[f64]>,
    ybar: &[f64],
    xbardot: &mut [f64],
) {
    if matches!(f, BinaryFn::Add | BinaryFn::Sub) {
        return;
    }
    // For mul only the cross term survives: ā̇ += ḃ ȳ, b̄̇ += ȧ ȳ.
    let cross_only = f.has_no_pure_second();
    let n = y.len();
    let term = move |i: usize| {
        let (aa, ab, bb) = f.d2(at(a, i), at(b, i), y[i]);
        let (own, own_coef, other, other_coef) = if k == 0 {
            (adot, aa, bdot, ab)
        } else {
            (bdot, bb, adot, ab)
        };
        let mut t = 0.0;
        if !cross_only {
            if let Some(o) = own {
                t += own_coef * at(o, i);
            }
        }
        if let Some(o) = other {
            t += other_coef * at(o, i);
        }
        t * ybar[i]
    };
    if xbardot.len() == n {
        for (i, x) in xbardot.iter_mut().enumerate() {
            *x += term(i);
        }
    } else {
        xbardot[0] += par::sum_by(n, term);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_match_central_differences() {
        let h = 1e-5;
        for f in [
            BinaryFn::Add,
            BinaryFn::Sub,
            BinaryFn::Mul,
            BinaryFn::Div,
            BinaryFn::Pow,
        ] {
            let (a, b) = (1.3, 0.7);
            let (da, db) = f.d1(a, b, f.f(a, b));
            let fa = (f.f(a + h, b) - f.f(a - h, b)) / (2.0 * h);
            let fb = (f.f(a, b + h) - f.f(a, b - h)) / (2.0 * h);
            assert!((da - fa).abs() < 1e-8 && (db - fb).abs() < 1e-8, "{f:?}");
            let (aa, ab, bb) = f.d2(a, b, f.f(a, b));
            let d = |a: f64, b: f64| f.d1(a, b, f.f(a, b));
            let faa = (d(a + h, b).0 - d(a - h, b).0) / (2.0 * h);
            let fab = (d(a, b + h).0 - d(a, b - h).0) / (2.0 * h);
            let fbb = (d(a, b + h).1 - d(a, b - h).1) / (2.0 * h);
            assert!(
                (aa - faa).abs() < 1e-7 && (ab - fab).abs() < 1e-7 && (bb - fbb).abs() < 1e-7,
                "{f:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "left operand has shape [2], right operand has shape [3]")]
    fn mismatch_names_both_shapes() {
        out_shape(BinaryFn::Add, Shape::vector(2), Shape::vector(3));
    }
}
