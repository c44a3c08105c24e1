//! Matrix products, transposition and the log-determinant.
//!
//! | op        | forward          | VJP                           | second-order part of the VJP tangent |
//! |-----------|------------------|-------------------------------|--------------------------------------|
//! | matmul    | Y = A B          | Ā += Ȳ Bᵀ,  B̄ += Aᵀ Ȳ         | Ā += Ȳ Ḃᵀ,  B̄ += Ȧᵀ Ȳ (bilinear)      |
//! | transpose | Y = Aᵀ           | Ā += Ȳᵀ                       | 0 (linear)                           |
//! | logdet    | y = ln ∣det A∣   | Ā += ȳ A⁻ᵀ                    | −ȳ A⁻ᵀ Ȧᵀ A⁻ᵀ                        |
//!
//! Products go through faer's `matmul` on views of the row-major buffers, so
//! a matrix-vector product in a gradient costs what faer's product costs.
//! A vector on the left of `matmul` is a row (1 × p), on the right a column
//! (p × 1), as in NumPy.

use crate::autodiff::shape::Shape;
use faer::linalg::matmul::matmul as faer_matmul;
use faer::linalg::solvers::DenseSolveCore;
use faer::{Accum, Mat, MatMut, MatRef, Par};

/// Which linear-algebra op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Linalg {
    /// Matrix product (matrix·matrix, matrix·vector, vector·matrix).
    MatMul,
    /// Matrix transpose (identity on vectors and scalars).
    Transpose,
    /// ln |det A| of a square matrix.
    LogDet,
}

impl Linalg {
    /// The PyTorch-style name of the backward node, for `grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            Linalg::MatMul => "MmBackward",
            Linalg::Transpose => "TBackward",
            Linalg::LogDet => "LogdetBackward",
        }
    }
}

/// Rows and columns of an operand of `matmul`: a left vector is a row, a
/// right vector a column.
fn as_mat(s: Shape, left: bool) -> (usize, usize) {
    match s.ndim() {
        2 => (s.dim(0), s.dim(1)),
        1 if left => (1, s.dim(0)),
        1 => (s.dim(0), 1),
        _ => (1, 1),
    }
}

/// Result shape.
///
/// # Panics
/// On a scalar operand, inner dimensions that differ, or a non-square
/// `logdet` operand; the message names both shapes.
pub(crate) fn out_shape(op: Linalg, shapes: &[Shape]) -> Shape {
    match op {
        Linalg::MatMul => {
            let (a, b) = (shapes[0], shapes[1]);
            if a.is_scalar() || b.is_scalar() {
                panic!("matmul needs vectors or matrices: left operand has shape {a}, right operand has shape {b} (use * to scale by a scalar)");
            }
            let (m, p) = as_mat(a, true);
            let (q, n) = as_mat(b, false);
            if p != q {
                panic!("shape mismatch in matmul: left operand has shape {a}, right operand has shape {b} (inner dimensions {p} and {q} differ)");
            }
            match (a.ndim(), b.ndim()) {
                (2, 2) => Shape::matrix(m, n),
                (2, 1) => Shape::vector(m),
                (1, 2) => Shape::vector(n),
                _ => Shape::SCALAR,
            }
        }
        Linalg::Transpose => {
            let a = shapes[0];
            if a.ndim() == 2 {
                Shape::matrix(a.dim(1), a.dim(0))
            } else {
                a
            }
        }
        Linalg::LogDet => {
            let a = shapes[0];
            if a.ndim() != 2 || a.dim(0) != a.dim(1) {
                panic!("logdet needs a square matrix, but its operand has shape {a}");
            }
            Shape::SCALAR
        }
    }
}

/// faer is built without its `rayon` feature (lean build), so products run
/// on one thread; matrix-vector products are memory-bound anyway.
fn par_for(_flops: usize) -> Par {
    Par::Seq
}

fn view(x: &[f64], s: Shape, left: bool) -> MatRef<'_, f64> {
    let (r, c) = as_mat(s, left);
    MatRef::from_row_major_slice(x, r, c)
}

fn view_mut(x: &mut [f64], r: usize, c: usize) -> MatMut<'_, f64> {
    MatMut::from_row_major_slice_mut(x, r, c)
}

/// `dst (+)= lhs · rhs` on row-major buffers.
fn product(
    dst: MatMut<'_, f64>,
    accum: Accum,
    lhs: MatRef<'_, f64>,
    rhs: MatRef<'_, f64>,
    alpha: f64,
) {
    let flops = lhs.nrows() * lhs.ncols() * rhs.ncols();
    faer_matmul(dst, accum, lhs, rhs, alpha, par_for(flops));
}

/// A⁻ᵀ of a square row-major matrix, or NaNs when A is singular.
fn inverse_transpose(a: &[f64], n: usize) -> Mat<f64> {
    let lu = MatRef::from_row_major_slice(a, n, n).partial_piv_lu();
    lu.inverse().transpose().to_owned()
}

/// Forward.
pub(crate) fn forward(op: Linalg, xs: &[&[f64]], shapes: &[Shape], y: &mut [f64]) {
    match op {
        Linalg::MatMul => {
            let a = view(xs[0], shapes[0], true);
            let b = view(xs[1], shapes[1], false);
            let (m, n) = (a.nrows(), b.ncols());
            product(view_mut(y, m, n), Accum::Replace, a, b, 1.0);
        }
        Linalg::Transpose => transpose_into(xs[0], shapes[0], y, false),
        Linalg::LogDet => {
            let n = shapes[0].dim(0);
            let lu = MatRef::from_row_major_slice(xs[0], n, n).partial_piv_lu();
            let u = lu.U();
            y[0] = (0..n).map(|i| u[(i, i)].abs().ln()).sum();
        }
    }
}

/// `y (+)= xᵀ` for a matrix, `y (+)= x` otherwise.
fn transpose_into(x: &[f64], s: Shape, y: &mut [f64], accumulate: bool) {
    if s.ndim() == 2 {
        let (r, c) = (s.dim(0), s.dim(1));
        for i in 0..r {
            for j in 0..c {
                let v = x[i * c + j];
                let d = &mut y[j * r + i];
                *d = if accumulate { *d + v } else { v };
            }
        }
    } else if accumulate {
        y.iter_mut().zip(x).for_each(|(d, v)| *d += v);
    } else {
        y.copy_from_slice(x);
    }
}

/// x̄ₖ += Jₖᵀ ȳ of Y = A B: Ā += Ȳ Bᵀ (k = 0), B̄ += Aᵀ Ȳ (k = 1).
fn matmul_vjp(
    k: usize,
    a: MatRef<'_, f64>,
    b: MatRef<'_, f64>,
    g: MatRef<'_, f64>,
    xbar: &mut [f64],
) {
    if k == 0 {
        product(
            view_mut(xbar, a.nrows(), a.ncols()),
            Accum::Add,
            g,
            b.transpose(),
            1.0,
        );
    } else {
        product(
            view_mut(xbar, b.nrows(), b.ncols()),
            Accum::Add,
            a.transpose(),
            g,
            1.0,
        );
    }
}

/// VJP into operand `k`.
pub(crate) fn vjp(
    op: Linalg,
    k: usize,
    xs: &[&[f64]],
    shapes: &[Shape],
    y_shape: Shape,
    ybar: &[f64],
    xbar: &mut [f64],
) {
    match op {
        Linalg::MatMul => {
            let a = view(xs[0], shapes[0], true);
            let b = view(xs[1], shapes[1], false);
            let g = MatRef::from_row_major_slice(ybar, a.nrows(), b.ncols());
            matmul_vjp(k, a, b, g, xbar);
        }
        Linalg::Transpose => transpose_into(ybar, y_shape, xbar, true),
        Linalg::LogDet => {
            let n = shapes[0].dim(0);
            let inv_t = inverse_transpose(xs[0], n);
            for i in 0..n {
                for j in 0..n {
                    xbar[i * n + j] += ybar[0] * inv_t[(i, j)];
                }
            }
        }
    }
}

/// JVP: Ẏ from the operands' tangents (`None` for constants); overwrites `ydot`.
pub(crate) fn jvp(
    op: Linalg,
    xs: &[&[f64]],
    shapes: &[Shape],
    xdots: &[Option<&[f64]>],
    ydot: &mut [f64],
) {
    match op {
        Linalg::MatMul => {
            let a = view(xs[0], shapes[0], true);
            let b = view(xs[1], shapes[1], false);
            let (m, n) = (a.nrows(), b.ncols());
            ydot.fill(0.0);
            if let Some(ta) = xdots[0] {
                product(
                    view_mut(ydot, m, n),
                    Accum::Add,
                    view(ta, shapes[0], true),
                    b,
                    1.0,
                );
            }
            if let Some(tb) = xdots[1] {
                product(
                    view_mut(ydot, m, n),
                    Accum::Add,
                    a,
                    view(tb, shapes[1], false),
                    1.0,
                );
            }
        }
        Linalg::Transpose => match xdots[0] {
            Some(t) => transpose_into(t, shapes[0], ydot, false),
            None => ydot.fill(0.0),
        },
        Linalg::LogDet => {
            let n = shapes[0].dim(0);
            ydot[0] = match xdots[0] {
                Some(t) => {
                    let inv_t = inverse_transpose(xs[0], n);
                    (0..n)
                        .flat_map(|i| (0..n).map(move |j| (i, j)))
                        .map(|(i, j)| inv_t[(i, j)] * t[i * n + j])
                        .sum()
                }
                None => 0.0,
            };
        }
    }
}

/// Second-order part of the tangent of the VJP into operand `k`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn vjp_tangent(
    op: Linalg,
    k: usize,
    xs: &[&[f64]],
    shapes: &[Shape],
    xdots: &[Option<&[f64]>],
    ybar: &[f64],
    xbardot: &mut [f64],
) {
    match op {
        Linalg::MatMul => {
            let a = view(xs[0], shapes[0], true);
            let b = view(xs[1], shapes[1], false);
            let g = MatRef::from_row_major_slice(ybar, a.nrows(), b.ncols());
            // The VJP with the other operand replaced by its tangent.
            if k == 0 {
                if let Some(tb) = xdots[1] {
                    matmul_vjp(0, a, view(tb, shapes[1], false), g, xbardot);
                }
            } else if let Some(ta) = xdots[0] {
                matmul_vjp(1, view(ta, shapes[0], true), b, g, xbardot);
            }
        }
        Linalg::Transpose => {}
        Linalg::LogDet => {
            if let Some(t) = xdots[0] {
                let n = shapes[0].dim(0);
                let inv_t = inverse_transpose(xs[0], n);
                let t = MatRef::from_row_major_slice(t, n, n);
                // −ȳ A⁻ᵀ Ȧᵀ A⁻ᵀ
                let tmp = &inv_t * t.transpose();
                product(
                    view_mut(xbardot, n, n),
                    Accum::Add,
                    tmp.as_ref(),
                    inv_t.as_ref(),
                    -ybar[0],
                );
            }
        }
    }
}
