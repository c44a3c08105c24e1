//! The sweeps over a [`Program`]: values forward, adjoints in reverse,
//! tangents forward, and adjoints with their tangents in reverse.
//!
//! # Why forward-over-reverse for second derivatives
//!
//! A Hessian-vector product H·v is the directional derivative of the
//! gradient along v. We get it by pushing a tangent (ẋ = v) through the
//! forward sweep and then differentiating every step of the reverse sweep
//! along that tangent: each adjoint x̄ gets a companion x̄̇ = d x̄/dε. The
//! extra work per op is a fixed small multiple of its VJP, so an HVP costs
//! about 2–3 gradients and needs two more register buffers, nothing else.
//! The alternative, reverse-over-reverse ("double backward" with
//! `create_graph`), would record the backward pass as a new graph and
//! differentiate that: a graph of the graph, allocated on every call,
//! with larger constants. Forward-over-reverse also batches well: with K
//! directions at once ([`hvp_reverse`] with `dirs = K`), the values, the
//! adjoints and every transcendental function (f', f'') are computed once
//! per sweep and shared by the K tangents, which is how a dense Hessian of
//! n variables costs far less than n separate HVPs.
//!
//! Tangent buffers are direction-major: direction d of register r lives at
//! `d · n + r` for `n` registers, so tensor rules see each direction as a
//! contiguous slice of the register file.

use super::batched;
use super::instr::{Block, Program, ScalarInstr, ScalarOp, TensorInstr};
use super::tiled;
use crate::autodiff::ops;
use crate::autodiff::shape::Shape;

/// Calls `f` with the argument slices (taken from `buf`) and shapes of `ins`.
#[inline]
fn with_args<R>(ins: &TensorInstr, buf: &[f64], f: impl FnOnce(&[&[f64]], &[Shape]) -> R) -> R {
    if ins.args.len() <= 2 {
        let mut xs: [&[f64]; 2] = [&[], &[]];
        let mut shapes = [Shape::SCALAR; 2];
        for (i, a) in ins.args.iter().enumerate() {
            xs[i] = &buf[a.range()];
            shapes[i] = a.shape;
        }
        let n = ins.args.len();
        f(&xs[..n], &shapes[..n])
    } else {
        let xs: Vec<&[f64]> = ins.args.iter().map(|a| &buf[a.range()]).collect();
        let shapes: Vec<Shape> = ins.args.iter().map(|a| a.shape).collect();
        f(&xs, &shapes)
    }
}

/// Calls `f` with the argument tangents of `ins` (`None` for constants).
#[inline]
fn with_tangents<R>(ins: &TensorInstr, tan: &[f64], f: impl FnOnce(&[Option<&[f64]>]) -> R) -> R {
    if ins.args.len() <= 2 {
        let mut ts: [Option<&[f64]>; 2] = [None, None];
        for (i, a) in ins.args.iter().enumerate() {
            if ins.dynamic[i] {
                ts[i] = Some(&tan[a.range()]);
            }
        }
        f(&ts[..ins.args.len()])
    } else {
        let ts: Vec<Option<&[f64]>> = ins
            .args
            .iter()
            .zip(&ins.dynamic)
            .map(|(a, &d)| d.then(|| &tan[a.range()]))
            .collect();
        f(&ts)
    }
}

// ---- values ---------------------------------------------------------------

/// Recomputes every instruction's result from the input registers.
pub(crate) fn forward(p: &Program, vals: &mut [f64]) {
    for block in &p.fast_blocks {
        match *block {
            Block::Scalar { start, end } => scalar_forward(&p.scalar[start..end], vals),
            Block::Tensor(i) => tensor_forward(&p.tensor[i], vals),
            Block::Tiled(r) => tiled::forward(&p.runs[r], &p.tensor, vals),
        }
    }
}

#[inline]
fn scalar_forward(code: &[ScalarInstr], v: &mut [f64]) {
    for ins in code {
        let a = v[ins.a as usize];
        let y = match ins.op {
            ScalarOp::Unary(u) => u.f(a),
            ScalarOp::Binary(b) => b.f(a, v[ins.b as usize]),
        };
        v[ins.out as usize] = y;
    }
}

fn tensor_forward(ins: &TensorInstr, vals: &mut [f64]) {
    let (lo, hi) = vals.split_at_mut(ins.out.off);
    let y = &mut hi[..ins.out.shape.numel()];
    with_args(ins, lo, |xs, shapes| ops::forward(ins.op, xs, shapes, y));
}

// ---- adjoints -------------------------------------------------------------

/// Accumulates adjoints from the outputs (already seeded in `adj`) back to
/// every register, using the values of the last forward sweep.
pub(crate) fn reverse(p: &Program, vals: &[f64], adj: &mut [f64]) {
    for block in p.fast_blocks.iter().rev() {
        match *block {
            Block::Scalar { start, end } => scalar_reverse(&p.scalar[start..end], vals, adj),
            Block::Tensor(i) => tensor_reverse(&p.tensor[i], vals, adj),
            Block::Tiled(r) => tiled::reverse(&p.runs[r], &p.tensor, vals, adj),
        }
    }
}

#[inline]
fn scalar_reverse(code: &[ScalarInstr], v: &[f64], g: &mut [f64]) {
    for ins in code.iter().rev() {
        let (a, out) = (ins.a as usize, ins.out as usize);
        let gy = g[out];
        match ins.op {
            ScalarOp::Unary(u) => g[a] += u.d1(v[a], v[out]) * gy,
            ScalarOp::Binary(f) => {
                let b = ins.b as usize;
                let (da, db) = f.d1(v[a], v[b], v[out]);
                g[a] += da * gy;
                g[b] += db * gy;
            }
        }
    }
}

fn tensor_reverse(ins: &TensorInstr, vals: &[f64], adj: &mut [f64]) {
    let (lo, hi) = adj.split_at_mut(ins.out.off);
    let ybar = &hi[..ins.out.shape.numel()];
    let y = &vals[ins.out.range()];
    with_args(ins, vals, |xs, shapes| {
        for (k, a) in ins.args.iter().enumerate() {
            if ins.dynamic[k] {
                ops::vjp(
                    ins.op,
                    k,
                    xs,
                    shapes,
                    y,
                    ins.out.shape,
                    ybar,
                    &mut lo[a.range()],
                );
            }
        }
    });
}

// ---- tangents -------------------------------------------------------------

/// Pushes `dirs` tangents (inputs already set in `tan`) forward; `n` is the
/// number of registers. With several directions, elementwise instructions
/// take the batched rules (see [`batched`]) when `scratch` has room.
pub(crate) fn tangent_forward(
    p: &Program,
    vals: &[f64],
    tan: &mut [f64],
    dirs: usize,
    n: usize,
    scratch: &mut [f64],
) {
    for block in &p.blocks {
        match *block {
            Block::Scalar { start, end } => {
                for ins in &p.scalar[start..end] {
                    let (a, out) = (ins.a as usize, ins.out as usize);
                    match ins.op {
                        ScalarOp::Unary(u) => {
                            let d1 = u.d1(vals[a], vals[out]);
                            for d in 0..dirs {
                                tan[d * n + out] = d1 * tan[d * n + a];
                            }
                        }
                        ScalarOp::Binary(f) => {
                            let b = ins.b as usize;
                            let (da, db) = f.d1(vals[a], vals[b], vals[out]);
                            for d in 0..dirs {
                                let base = d * n;
                                tan[base + out] = da * tan[base + a] + db * tan[base + b];
                            }
                        }
                    }
                }
            }
            Block::Tensor(i) => {
                let ins = &p.tensor[i];
                if dirs > 1 && batched::tangent(ins, vals, tan, dirs, n, scratch) {
                    continue;
                }
                let y = &vals[ins.out.range()];
                with_args(ins, vals, |xs, shapes| {
                    for d in 0..dirs {
                        let (lo, hi) = tan[d * n..(d + 1) * n].split_at_mut(ins.out.off);
                        let ydot = &mut hi[..ins.out.shape.numel()];
                        with_tangents(ins, lo, |ts| ops::jvp(ins.op, xs, shapes, y, ts, ydot));
                    }
                });
            }
            Block::Tiled(_) => unreachable!("tiled runs are only in fast_blocks"),
        }
    }
}

/// Reverse sweep computing adjoints `adj` (seeded) and, for `dirs`
/// directions, their tangents `adj_tan` (zeroed), given the tangents `tan`
/// of the last [`tangent_forward`]; `scratch` as there.
#[allow(clippy::too_many_arguments)]
pub(crate) fn hvp_reverse(
    p: &Program,
    vals: &[f64],
    adj: &mut [f64],
    tan: &[f64],
    adj_tan: &mut [f64],
    dirs: usize,
    n: usize,
    scratch: &mut [f64],
) {
    for block in p.blocks.iter().rev() {
        match *block {
            Block::Scalar { start, end } => {
                scalar_hvp_reverse(&p.scalar[start..end], vals, adj, tan, adj_tan, dirs, n)
            }
            Block::Tensor(i) => {
                let ins = &p.tensor[i];
                let batched = dirs > 1
                    && batched::hvp_reverse(ins, vals, adj, tan, adj_tan, dirs, n, scratch);
                if !batched {
                    tensor_hvp_reverse(ins, vals, adj, tan, adj_tan, dirs, n);
                }
            }
            Block::Tiled(_) => unreachable!("tiled runs are only in fast_blocks"),
        }
    }
}

#[inline]
fn scalar_hvp_reverse(
    code: &[ScalarInstr],
    v: &[f64],
    g: &mut [f64],
    t: &[f64],
    gt: &mut [f64],
    dirs: usize,
    n: usize,
) {
    for ins in code.iter().rev() {
        let (a, out) = (ins.a as usize, ins.out as usize);
        let gy = g[out];
        match ins.op {
            ScalarOp::Unary(u) => {
                let (x, y) = (v[a], v[out]);
                let d1 = u.d1(x, y);
                let d2 = u.d2(x, y);
                g[a] += d1 * gy;
                for d in 0..dirs {
                    let base = d * n;
                    gt[base + a] += d2 * t[base + a] * gy + d1 * gt[base + out];
                }
            }
            ScalarOp::Binary(f) => {
                let b = ins.b as usize;
                let (xa, xb, y) = (v[a], v[b], v[out]);
                let (da, db) = f.d1(xa, xb, y);
                let (daa, dab, dbb) = f.d2(xa, xb, y);
                g[a] += da * gy;
                g[b] += db * gy;
                for d in 0..dirs {
                    let base = d * n;
                    let (ta, tb, gty) = (t[base + a], t[base + b], gt[base + out]);
                    gt[base + a] += (daa * ta + dab * tb) * gy + da * gty;
                    gt[base + b] += (dab * ta + dbb * tb) * gy + db * gty;
                }
            }
        }
    }
}

fn tensor_hvp_reverse(
    ins: &TensorInstr,
    vals: &[f64],
    adj: &mut [f64],
    tan: &[f64],
    adj_tan: &mut [f64],
    dirs: usize,
    n: usize,
) {
    let y = &vals[ins.out.range()];
    let len = ins.out.shape.numel();
    let (alo, ahi) = adj.split_at_mut(ins.out.off);
    let ybar = &ahi[..len];
    with_args(ins, vals, |xs, shapes| {
        for (k, a) in ins.args.iter().enumerate() {
            if !ins.dynamic[k] {
                continue;
            }
            for d in 0..dirs {
                let (glo, ghi) = adj_tan[d * n..(d + 1) * n].split_at_mut(ins.out.off);
                let ybardot = &ghi[..len];
                let xbardot = &mut glo[a.range()];
                // x̄̇ₖ = Jₖᵀ ȳ̇ + (d/dε Jₖᵀ) ȳ
                ops::vjp(ins.op, k, xs, shapes, y, ins.out.shape, ybardot, xbardot);
                with_tangents(ins, &tan[d * n..(d + 1) * n], |ts| {
                    ops::vjp_tangent(ins.op, k, xs, shapes, y, ts, ybar, xbardot)
                });
            }
            ops::vjp(
                ins.op,
                k,
                xs,
                shapes,
                y,
                ins.out.shape,
                ybar,
                &mut alo[a.range()],
            );
        }
    });
}
