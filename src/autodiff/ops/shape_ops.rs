//! Ops that move elements without arithmetic: indexing, slicing (both along
//! axis 0), reshaping and concatenation.
//!
//! In row-major storage an index, a slice or a reshape is one contiguous
//! range of its operand, so all three share one rule: copy the range forward,
//! add the adjoint back into it. They are linear, so the tangent of their VJP
//! has no second-order part. The tape does not even copy: it makes the
//! result an alias of the operand's register range (see `tape::record`).

use crate::autodiff::shape::Shape;

/// Which element-moving op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Move {
    /// Entry `i` along axis 0 (an element of a vector, a row of a matrix).
    Index(u32),
    /// Entries `start..end` along axis 0.
    Slice {
        /// First entry.
        start: u32,
        /// One past the last entry.
        end: u32,
    },
    /// The same elements in a new shape.
    Reshape(Shape),
    /// Operands stacked along axis 0.
    Concat,
}

impl Move {
    /// The PyTorch-style name of the backward node, for `grad_fn`.
    pub(crate) fn grad_fn_name(self) -> &'static str {
        match self {
            Move::Index(_) => "SelectBackward",
            Move::Slice { .. } => "SliceBackward",
            Move::Reshape(_) => "ReshapeBackward",
            Move::Concat => "CatBackward",
        }
    }

    /// For index, slice and reshape: the range `(start, len)` of the operand's
    /// elements that forms the result.
    pub(crate) fn range(self, x: Shape) -> Option<(usize, usize)> {
        let rl = x.row_len();
        match self {
            Move::Index(i) => Some((i as usize * rl, rl)),
            Move::Slice { start, end } => Some((start as usize * rl, (end - start) as usize * rl)),
            Move::Reshape(_) => Some((0, x.numel())),
            Move::Concat => None,
        }
    }
}

/// Resolves a possibly negative index along axis 0 of `s`.
///
/// # Panics
/// On a scalar or an index out of range; the message names the shape.
pub(crate) fn resolve_index(s: Shape, i: isize) -> u32 {
    if s.is_scalar() {
        panic!("cannot index a scalar (shape [])");
    }
    let n = s.rows() as isize;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        panic!("index {i} is out of range for axis 0 of a tensor with shape {s}");
    }
    j as u32
}

/// Result shape.
///
/// # Panics
/// On out-of-range slices, reshapes that change the element count, or
/// concatenated operands whose rows differ in length; messages name the shapes.
pub(crate) fn out_shape(m: Move, shapes: &[Shape]) -> Shape {
    match m {
        Move::Index(_) => shapes[0].row_shape(),
        Move::Slice { start, end } => {
            let s = shapes[0];
            if s.is_scalar() {
                panic!("cannot slice a scalar (shape [])");
            }
            if start > end || end as usize > s.rows() {
                panic!(
                    "slice {start}..{end} is out of range for axis 0 of a tensor with shape {s}"
                );
            }
            s.with_rows((end - start) as usize)
        }
        Move::Reshape(to) => {
            let s = shapes[0];
            if s.numel() != to.numel() {
                panic!("cannot reshape a tensor with shape {s} ({} elements) to shape {to} ({} elements)", s.numel(), to.numel());
            }
            to
        }
        Move::Concat => {
            if shapes.is_empty() {
                panic!("concat needs at least one tensor");
            }
            let first = shapes[0];
            let rows: usize = shapes.iter().map(|s| s.rows()).sum();
            for s in shapes {
                if s.row_len() != first.row_len() || (s.ndim() == 2) != (first.ndim() == 2) {
                    panic!("shape mismatch in concat: shape {first} and shape {s} cannot be stacked along axis 0");
                }
            }
            first.with_rows(rows)
        }
    }
}

/// Forward: copy.
pub(crate) fn forward(m: Move, xs: &[&[f64]], shapes: &[Shape], y: &mut [f64]) {
    match m.range(shapes[0]) {
        Some((start, len)) => y.copy_from_slice(&xs[0][start..start + len]),
        None => {
            let mut off = 0;
            for x in xs {
                y[off..off + x.len()].copy_from_slice(x);
                off += x.len();
            }
        }
    }
}

/// Where operand `k`'s elements sit in the result of a concat.
fn concat_offset(k: usize, shapes: &[Shape]) -> usize {
    shapes[..k].iter().map(|s| s.numel()).sum()
}

/// VJP into operand `k`: add the result's adjoint back where the elements came from.
pub(crate) fn vjp(m: Move, k: usize, shapes: &[Shape], ybar: &[f64], xbar: &mut [f64]) {
    match m.range(shapes[0]) {
        Some((start, len)) => xbar[start..start + len]
            .iter_mut()
            .zip(ybar)
            .for_each(|(x, g)| *x += g),
        None => {
            let off = concat_offset(k, shapes);
            xbar.iter_mut().zip(&ybar[off..]).for_each(|(x, g)| *x += g);
        }
    }
}

/// JVP: move the tangents like the values (`None` tangents are zero).
pub(crate) fn jvp(m: Move, shapes: &[Shape], xdots: &[Option<&[f64]>], ydot: &mut [f64]) {
    match m.range(shapes[0]) {
        Some((start, len)) => match xdots[0] {
            Some(t) => ydot.copy_from_slice(&t[start..start + len]),
            None => ydot.fill(0.0),
        },
        None => {
            let mut off = 0;
            for (t, s) in xdots.iter().zip(shapes) {
                let n = s.numel();
                match t {
                    Some(t) => ydot[off..off + n].copy_from_slice(t),
                    None => ydot[off..off + n].fill(0.0),
                }
                off += n;
            }
        }
    }
}
