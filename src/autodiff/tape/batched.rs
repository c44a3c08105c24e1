//! The tangent and HVP rules of elementwise tensor instructions (unary and
//! binary ops, and sums) for all directions of a batched sweep at once.
//!
//! Why: the generic path calls the op's rules once per direction, and each
//! call dispatches on the op and recomputes the partials f', f'' of every
//! element (inside the element loop, through a `match` on the op). On short
//! tensors with many directions per sweep that overhead outweighs the
//! arithmetic of a dense Hessian (measurement in `docs/benchmarks.md`).
//! Here the partials are computed once per instruction and
//! sweep into a scratch buffer, and each direction is a plain multiply-add
//! loop over them.
//!
//! Every (element, direction) result is computed with exactly the
//! products and the order of additions of the generic rules (including the
//! `0 + …` of an overwriting JVP and the skipped terms of constant
//! operands), so both paths give bitwise equal results; the unit test
//! below compares them. Elementwise results long enough for the rules'
//! parallel loops (`PAR_THRESHOLD`) keep the generic path; sums call the
//! same (possibly parallel) helpers as their generic rule.

use super::instr::{Program, TensorInstr};
use crate::autodiff::ops::binary::{at, BinaryFn};
use crate::autodiff::ops::elementwise::fill_partials;
use crate::autodiff::ops::par::{self, PAR_THRESHOLD};
use crate::autodiff::ops::{Op, Reduce, UnaryFn};

/// Partials stored per element by the widest rule (binary: f_a, f_b,
/// f_aa, f_ab, f_bb).
const PARTIALS: usize = 5;

/// Length of the scratch buffer the batched rules need on `p`: room for
/// the partials of its longest eligible instruction.
pub(crate) fn scratch_len(p: &Program) -> usize {
    p.tensor
        .iter()
        .filter(|ins| eligible(ins).is_some())
        .map(|ins| PARTIALS * ins.out.shape.numel())
        .max()
        .unwrap_or(0)
}

/// The length of an instruction the batched rules handle: a unary op or a
/// sum of a dynamic operand, or a binary op, shorter than the parallel
/// threshold.
fn eligible(ins: &TensorInstr) -> Option<usize> {
    let len = ins.out.shape.numel();
    let ok = len < PAR_THRESHOLD
        && match ins.op {
            Op::Unary(_) | Op::Reduce(Reduce::Sum) => ins.dynamic[0],
            Op::Binary(_) => true,
            _ => false,
        };
    ok.then_some(len)
}

/// Tangents of `ins`'s result for `dirs` directions (direction-major, `n`
/// registers each), as the op's `jvp` rule computes them. Returns false,
/// touching nothing, when `ins` is not eligible or `scratch` too short.
pub(crate) fn tangent(
    ins: &TensorInstr,
    vals: &[f64],
    tan: &mut [f64],
    dirs: usize,
    n: usize,
    scratch: &mut [f64],
) -> bool {
    let Some(len) = eligible(ins).filter(|&len| scratch.len() >= PARTIALS * len) else {
        return false;
    };
    let y = &vals[ins.out.range()];
    let out = ins.out.off;
    match ins.op {
        Op::Unary(u) => {
            let x = &vals[ins.args[0].range()];
            let d1 = &mut scratch[..len];
            unary_partials(u, x, y, d1, None);
            let a = ins.args[0].range();
            for d in 0..dirs {
                let (lo, hi) = tan[d * n..(d + 1) * n].split_at_mut(out);
                let (t, ydot) = (&lo[a.clone()], &mut hi[..len]);
                for (yd, (c, t)) in ydot.iter_mut().zip(d1.iter().zip(t)) {
                    // The generic rule zeroes ẏ, then adds f' ẋ.
                    *yd = 0.0 + c * t;
                }
            }
        }
        Op::Binary(f) => {
            let (ra, rb) = (ins.args[0].range(), ins.args[1].range());
            let (a, b) = (&vals[ra.clone()], &vals[rb.clone()]);
            let (da, rest) = scratch.split_at_mut(len);
            let db = &mut rest[..len];
            binary_partials(f, a, b, y, da, db, None);
            for d in 0..dirs {
                let (lo, hi) = tan[d * n..(d + 1) * n].split_at_mut(out);
                let ydot = &mut hi[..len];
                let adot = ins.dynamic[0].then(|| &lo[ra.clone()]);
                let bdot = ins.dynamic[1].then(|| &lo[rb.clone()]);
                match (adot, bdot) {
                    // Operands of the result's length: zipped, without the
                    // broadcast test and the bounds checks per element.
                    (Some(ta), Some(tb)) if ta.len() == len && tb.len() == len => {
                        let coefs = da.iter().zip(db.iter());
                        for ((yd, (ca, cb)), (a, b)) in
                            ydot.iter_mut().zip(coefs).zip(ta.iter().zip(tb))
                        {
                            *yd = 0.0 + ca * a + cb * b;
                        }
                    }
                    (Some(ta), Some(tb)) => {
                        for i in 0..len {
                            ydot[i] = 0.0 + da[i] * at(ta, i) + db[i] * at(tb, i);
                        }
                    }
                    (Some(ta), None) => {
                        for i in 0..len {
                            ydot[i] = 0.0 + da[i] * at(ta, i);
                        }
                    }
                    (None, Some(tb)) => {
                        for i in 0..len {
                            ydot[i] = 0.0 + db[i] * at(tb, i);
                        }
                    }
                    (None, None) => ydot.fill(0.0),
                }
            }
        }
        Op::Reduce(Reduce::Sum) => {
            let a = ins.args[0].range();
            for d in 0..dirs {
                let t = &tan[d * n + a.start..d * n + a.end];
                tan[d * n + out] = par::sum_by(t.len(), |i| t[i]);
            }
        }
        _ => unreachable!("only eligible instructions get here"),
    }
    true
}

/// The reverse step of `ins` in an HVP sweep, as the generic rules take it:
/// for every dynamic operand k, x̄̇ₖ += Jₖᵀ ȳ̇ + (d/dε Jₖᵀ) ȳ in each
/// direction, then x̄ₖ += Jₖᵀ ȳ. Returns false, touching nothing, when
/// `ins` is not eligible or `scratch` too short.
#[allow(clippy::too_many_arguments)]
pub(crate) fn hvp_reverse(
    ins: &TensorInstr,
    vals: &[f64],
    adj: &mut [f64],
    tan: &[f64],
    adj_tan: &mut [f64],
    dirs: usize,
    n: usize,
    scratch: &mut [f64],
) -> bool {
    let Some(len) = eligible(ins).filter(|&len| scratch.len() >= PARTIALS * len) else {
        return false;
    };
    let y = &vals[ins.out.range()];
    let out = ins.out.off;
    let (alo, ahi) = adj.split_at_mut(out);
    let ybar = &ahi[..len];
    match ins.op {
        Op::Unary(u) => {
            let ra = ins.args[0].range();
            let x = &vals[ra.clone()];
            let (d1, rest) = scratch.split_at_mut(len);
            let d2 = &mut rest[..len];
            let linear = u.is_linear();
            unary_partials(u, x, y, d1, (!linear).then_some(&mut *d2));
            for d in 0..dirs {
                let (glo, ghi) = adj_tan[d * n..(d + 1) * n].split_at_mut(out);
                let (ybardot, xbardot) = (&ghi[..len], &mut glo[ra.clone()]);
                if linear {
                    for (x, (c, g)) in xbardot.iter_mut().zip(d1.iter().zip(ybardot)) {
                        *x += c * g;
                    }
                } else {
                    let t = &tan[d * n + ra.start..d * n + ra.end];
                    let coefs = d1.iter().zip(d2.iter());
                    let inputs = ybardot.iter().zip(t.iter().zip(ybar));
                    for (x, ((c1, c2), (gd, (t, g)))) in xbardot.iter_mut().zip(coefs.zip(inputs)) {
                        *x += c1 * gd;
                        *x += c2 * t * g;
                    }
                }
            }
            let xbar = &mut alo[ra];
            for i in 0..len {
                xbar[i] += d1[i] * ybar[i];
            }
        }
        Op::Binary(f) => {
            let (ra, rb) = (ins.args[0].range(), ins.args[1].range());
            let (a, b) = (&vals[ra.clone()], &vals[rb.clone()]);
            let (first, second) = scratch.split_at_mut(2 * len);
            let (da, db) = first.split_at_mut(len);
            let (daa, rest) = second.split_at_mut(len);
            let (dab, rest) = rest.split_at_mut(len);
            let dbb = &mut rest[..len];
            // Add and sub have no second-order part; mul only the cross term.
            let second_order = !matches!(f, BinaryFn::Add | BinaryFn::Sub);
            let cross_only = matches!(f, BinaryFn::Mul);
            let seconds = second_order.then_some((&mut *daa, &mut *dab, &mut *dbb));
            binary_partials(f, a, b, y, da, db, seconds);
            let (da, db, daa, dab, dbb) = (&*da, &*db, &*daa, &*dab, &*dbb);
            for (k, r) in [ra.clone(), rb.clone()].into_iter().enumerate() {
                if !ins.dynamic[k] {
                    continue;
                }
                let (part, own_coef) = if k == 0 { (da, daa) } else { (db, dbb) };
                let broadcast = r.len() != len;
                for d in 0..dirs {
                    let (glo, ghi) = adj_tan[d * n..(d + 1) * n].split_at_mut(out);
                    let (ybardot, xbardot) = (&ghi[..len], &mut glo[r.clone()]);
                    // Jₖᵀ ȳ̇ (summed when operand k was broadcast).
                    if broadcast {
                        xbardot[0] += par::sum_by(len, |i| part[i] * ybardot[i]);
                    } else {
                        for (x, (c, g)) in xbardot.iter_mut().zip(part.iter().zip(ybardot)) {
                            *x += c * g;
                        }
                    }
                    if !second_order {
                        continue;
                    }
                    // (d/dε Jₖᵀ) ȳ = (f_kk ẋₖ + f_ab ẋ_other) ȳ.
                    let t = &tan[d * n..(d + 1) * n];
                    let adot = ins.dynamic[0].then(|| &t[ra.clone()]);
                    let bdot = ins.dynamic[1].then(|| &t[rb.clone()]);
                    let (own, other) = if k == 0 { (adot, bdot) } else { (bdot, adot) };
                    let own = if cross_only { None } else { own };
                    if !broadcast {
                        // The common cases without broadcasting, zipped.
                        let full = |o: Option<&[f64]>| o.is_none_or(|o| o.len() == len);
                        match (own, other) {
                            (None, Some(o)) if full(other) => {
                                let terms = dab.iter().zip(o).zip(ybar);
                                for (x, ((c, t), g)) in xbardot.iter_mut().zip(terms) {
                                    *x += (0.0 + c * t) * g;
                                }
                                continue;
                            }
                            (Some(w), Some(o)) if full(own) && full(other) => {
                                let coefs = own_coef.iter().zip(dab.iter());
                                let terms = coefs.zip(w.iter().zip(o)).zip(ybar);
                                for (x, (((cw, co), (tw, to)), g)) in xbardot.iter_mut().zip(terms)
                                {
                                    *x += (0.0 + cw * tw + co * to) * g;
                                }
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let term = |i: usize| {
                        let mut s = 0.0;
                        if let Some(o) = own {
                            s += own_coef[i] * at(o, i);
                        }
                        if let Some(o) = other {
                            s += dab[i] * at(o, i);
                        }
                        s * ybar[i]
                    };
                    if broadcast {
                        xbardot[0] += par::sum_by(len, term);
                    } else {
                        for (i, x) in xbardot.iter_mut().enumerate() {
                            *x += term(i);
                        }
                    }
                }
                let xbar = &mut alo[r];
                if broadcast {
                    xbar[0] += par::sum_by(len, |i| part[i] * ybar[i]);
                } else {
                    for i in 0..len {
                        xbar[i] += part[i] * ybar[i];
                    }
                }
            }
        }
        Op::Reduce(Reduce::Sum) => {
            // Linear: no second-order part.
            let ra = ins.args[0].range();
            for d in 0..dirs {
                let (glo, ghi) = adj_tan[d * n..(d + 1) * n].split_at_mut(out);
                par::add_const(&mut glo[ra.clone()], ghi[0]);
            }
            par::add_const(&mut alo[ra], ybar[0]);
        }
        _ => unreachable!("only eligible instructions get here"),
    }
    true
}

/// f' (and f'' when `d2` is given) of every element of a unary op, with
/// the dispatch on the op outside the element loop: matched inside it (the
/// inlined `UnaryFn::d1`), every element paid a jump, and loop-invariant
/// parts of other ops' rules were computed on entry. The named functions
/// dispatch in the op table ([`Elementwise::partials`]).
///
/// [`Elementwise::partials`]: crate::autodiff::ops::Elementwise::partials
fn unary_partials(u: UnaryFn, x: &[f64], y: &[f64], d1: &mut [f64], d2: Option<&mut [f64]>) {
    // Each arm passes a constant variant, so the inlined rules fold to it.
    macro_rules! each {
        ($($v:ident $(($c:ident))?),*) => {
            match u {
                UnaryFn::Map(e) => e.partials(x, y, d1, d2),
                $(UnaryFn::$v $(($c))? => {
                    let u = UnaryFn::$v $(($c))?;
                    fill_partials(|x, y| u.d1(x, y), |x, y| u.d2(x, y), x, y, d1, d2)
                })*
            }
        };
    }
    each!(
        Neg,
        Powf(p),
        RPowC(c),
        AddC(c),
        RSubC(c),
        MulC(c),
        DivC(c),
        RDivC(c)
    )
}

/// f_a, f_b (and f_aa, f_ab, f_bb when `d2` is given) of every element of
/// a binary op, with the dispatch on the op outside the element loop (see
/// [`unary_partials`]).
fn binary_partials(
    f: BinaryFn,
    a: &[f64],
    b: &[f64],
    y: &[f64],
    da: &mut [f64],
    db: &mut [f64],
    d2: Option<(&mut [f64], &mut [f64], &mut [f64])>,
) {
    match f {
        BinaryFn::Add => binary_partials_of(BinaryFn::Add, a, b, y, da, db, d2),
        BinaryFn::Sub => binary_partials_of(BinaryFn::Sub, a, b, y, da, db, d2),
        BinaryFn::Mul => binary_partials_of(BinaryFn::Mul, a, b, y, da, db, d2),
        BinaryFn::Div => binary_partials_of(BinaryFn::Div, a, b, y, da, db, d2),
        BinaryFn::Pow => binary_partials_of(BinaryFn::Pow, a, b, y, da, db, d2),
    }
}

#[inline(always)]
fn binary_partials_of(
    f: BinaryFn,
    a: &[f64],
    b: &[f64],
    y: &[f64],
    da: &mut [f64],
    db: &mut [f64],
    d2: Option<(&mut [f64], &mut [f64], &mut [f64])>,
) {
    let len = da.len();
    let (y, db) = (&y[..len], &mut db[..len]);
    for i in 0..len {
        (da[i], db[i]) = f.d1(at(a, i), at(b, i), y[i]);
    }
    if let Some((daa, dab, dbb)) = d2 {
        let (daa, dab, dbb) = (&mut daa[..len], &mut dab[..len], &mut dbb[..len]);
        for i in 0..len {
            (daa[i], dab[i], dbb[i]) = f.d2(at(a, i), at(b, i), y[i]);
        }
    }
}
