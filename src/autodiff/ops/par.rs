//! Elementwise loops over slices, split across rayon's threads when a
//! slice is large enough for the split to pay for itself.
//!
//! Every op rule that walks its operands element by element goes through
//! these helpers, so the threshold and the chunking live in one place.

use rayon::prelude::*;

/// Slices at least this long are processed in parallel chunks.
pub(crate) const PAR_THRESHOLD: usize = 1 << 15;
/// Elements per parallel work item.
const CHUNK: usize = 1 << 14;

/// `y[i] = f(x[i])`.
#[inline]
pub(crate) fn map1(x: &[f64], y: &mut [f64], f: impl Fn(f64) -> f64 + Sync) {
    debug_assert_eq!(x.len(), y.len());
    if y.len() >= PAR_THRESHOLD {
        y.par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(|(y, x)| y.iter_mut().zip(x).for_each(|(y, &x)| *y = f(x)));
    } else {
        y.iter_mut().zip(x).for_each(|(y, &x)| *y = f(x));
    }
}

/// `f` over matching chunks of `x` and `y` (one call for short slices).
#[inline]
pub(crate) fn chunks2(x: &[f64], y: &mut [f64], f: impl Fn(&[f64], &mut [f64]) + Sync) {
    debug_assert_eq!(x.len(), y.len());
    if y.len() >= PAR_THRESHOLD {
        y.par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(|(y, x)| f(x, y));
    } else {
        f(x, y);
    }
}

/// `f` over matching chunks of `a`, `b` and `acc` (one call for short
/// slices).
#[inline]
pub(crate) fn chunks3(
    a: &[f64],
    b: &[f64],
    acc: &mut [f64],
    f: impl Fn(&[f64], &[f64], &mut [f64]) + Sync,
) {
    debug_assert!(a.len() == acc.len() && b.len() == acc.len());
    if acc.len() >= PAR_THRESHOLD {
        acc.par_chunks_mut(CHUNK)
            .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
            .for_each(|(acc, (a, b))| f(a, b, acc));
    } else {
        f(a, b, acc);
    }
}

/// `y[i] = f(a[i], b[i])`.
#[inline]
pub(crate) fn map2(a: &[f64], b: &[f64], y: &mut [f64], f: impl Fn(f64, f64) -> f64 + Sync) {
    debug_assert!(a.len() == y.len() && b.len() == y.len());
    if y.len() >= PAR_THRESHOLD {
        y.par_chunks_mut(CHUNK)
            .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
            .for_each(|(y, (a, b))| {
                for i in 0..y.len() {
                    y[i] = f(a[i], b[i]);
                }
            });
    } else {
        for i in 0..y.len() {
            y[i] = f(a[i], b[i]);
        }
    }
}

/// `acc[i] += f(a[i], b[i], c[i])`.
#[inline]
pub(crate) fn acc3(
    acc: &mut [f64],
    a: &[f64],
    b: &[f64],
    c: &[f64],
    f: impl Fn(f64, f64, f64) -> f64 + Sync,
) {
    debug_assert!(a.len() == acc.len() && b.len() == acc.len() && c.len() == acc.len());
    if acc.len() >= PAR_THRESHOLD {
        acc.par_chunks_mut(CHUNK)
            .zip(
                a.par_chunks(CHUNK)
                    .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK))),
            )
            .for_each(|(acc, (a, (b, c)))| {
                for i in 0..acc.len() {
                    acc[i] += f(a[i], b[i], c[i]);
                }
            });
    } else {
        for i in 0..acc.len() {
            acc[i] += f(a[i], b[i], c[i]);
        }
    }
}

/// `acc[i] += f(a[i], b[i], c[i], d[i])`.
#[inline]
pub(crate) fn acc4(
    acc: &mut [f64],
    a: &[f64],
    b: &[f64],
    c: &[f64],
    d: &[f64],
    f: impl Fn(f64, f64, f64, f64) -> f64 + Sync,
) {
    let n = acc.len();
    debug_assert!(a.len() == n && b.len() == n && c.len() == n && d.len() == n);
    if n >= PAR_THRESHOLD {
        acc.par_chunks_mut(CHUNK)
            .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
            .zip(c.par_chunks(CHUNK).zip(d.par_chunks(CHUNK)))
            .for_each(|((acc, (a, b)), (c, d))| {
                for i in 0..acc.len() {
                    acc[i] += f(a[i], b[i], c[i], d[i]);
                }
            });
    } else {
        for i in 0..n {
            acc[i] += f(a[i], b[i], c[i], d[i]);
        }
    }
}

/// `Σᵢ f(i)` over `0..n`, summed in parallel chunks when `n` is large.
#[inline]
pub(crate) fn sum_by(n: usize, f: impl Fn(usize) -> f64 + Sync) -> f64 {
    if n >= PAR_THRESHOLD {
        (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let end = ((c + 1) * CHUNK).min(n);
                (c * CHUNK..end).map(&f).sum::<f64>()
            })
            .sum()
    } else {
        (0..n).map(f).sum()
    }
}

/// `acc[i] += c` for every `i`.
#[inline]
pub(crate) fn add_const(acc: &mut [f64], c: f64) {
    if acc.len() >= PAR_THRESHOLD {
        acc.par_chunks_mut(CHUNK)
            .for_each(|acc| acc.iter_mut().for_each(|v| *v += c));
    } else {
        acc.iter_mut().for_each(|v| *v += c);
    }
}

/// `acc[i] += s · x[i]`.
#[inline]
pub(crate) fn axpy(acc: &mut [f64], s: f64, x: &[f64]) {
    debug_assert_eq!(acc.len(), x.len());
    if acc.len() >= PAR_THRESHOLD {
        acc.par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(|(acc, x)| acc.iter_mut().zip(x).for_each(|(a, &x)| *a += s * x));
    } else {
        acc.iter_mut().zip(x).for_each(|(a, &x)| *a += s * x);
    }
}

/// Sets every element to zero.
#[inline]
pub(crate) fn zero(buf: &mut [f64]) {
    // (Beside `copy`: one core does not saturate the memory bandwidth.)
    if buf.len() >= PAR_THRESHOLD * 4 {
        buf.par_chunks_mut(CHUNK * 4).for_each(|b| b.fill(0.0));
    } else {
        buf.fill(0.0);
    }
}

/// `dst.copy_from_slice(src)`, in parallel chunks for long slices.
pub(crate) fn copy(dst: &mut [f64], src: &[f64]) {
    assert_eq!(dst.len(), src.len(), "par::copy: lengths differ");
    if dst.len() >= PAR_THRESHOLD * 4 {
        dst.par_chunks_mut(CHUNK * 4)
            .zip(src.par_chunks(CHUNK * 4))
            .for_each(|(d, s)| d.copy_from_slice(s));
    } else {
        dst.copy_from_slice(src);
    }
}
