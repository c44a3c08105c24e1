//! Symmetric equilibration of the KKT matrix: K̃ = S K S with S diagonal
//! (Ruiz's iteration, factors rounded to powers of two so that scaling is
//! exact in floating point).
//!
//! Why: a factorization judges a pivot "zero" against a threshold, and
//! chooses pivots by comparing magnitudes. On K itself both depend on the
//! units of each row: a hanging chain with multipliers of 10⁶ has Hessian
//! entries of 10⁷ beside link Jacobians of 10⁻²; the legitimate pivots of
//! the constraint block (≈ J²/W ≈ 10⁻¹¹) then fall below any threshold
//! relative to max|K|, K is declared singular, and the γ-regularized step
//! absorbs the whole constraint violation into the multipliers. After
//! equilibration every row of K̃ has its largest entry near 1, so the same
//! relative thresholds mean the same thing on every row. The inertia is
//! unchanged (congruence), and K z = b is solved as K̃ (S⁻¹z) = S b.

use faer::Mat;

/// Largest number of Ruiz sweeps per assembly: each halves the spread of
/// the row maxima's logarithms. The sweeps start from the previous
/// assembly's S (successive KKT matrices differ by a step and a δ), so
/// after the first assembly one or two usually suffice.
pub const SWEEPS: usize = 6;

/// Runs the Ruiz sweeps on a symmetric matrix given by one triangle:
/// `entries()` yields each stored (row, column, value) once. `scale` is
/// updated in place from its previous value; `row_max` is workspace of the
/// matrix dimension. The caller then multiplies entry (i, j) by sᵢ sⱼ.
pub fn sweeps<I>(scale: &mut [f64], row_max: &mut [f64], entries: impl Fn() -> I)
where
    I: Iterator<Item = (usize, usize, f64)>,
{
    for _ in 0..SWEEPS {
        row_max.fill(0.0);
        for (i, j, value) in entries() {
            let v = (scale[i] * value * scale[j]).abs();
            row_max[i] = row_max[i].max(v);
            row_max[j] = row_max[j].max(v);
        }
        if update(scale, row_max) {
            break;
        }
    }
}

/// [`sweeps`] for a dense symmetric matrix given by the lower triangle of
/// `lower` (entries i ≥ j; column-major storage). Same factors as
/// [`sweeps`] over that triangle's entries (the row maxima do not depend on
/// the order of the entries), but the running maximum of the column being
/// read stays in a register: through `row_max[j]` in memory, every entry of
/// the column waited for the previous one's store, and on small dense KKT
/// matrices that chain was most of an assembly.
pub fn sweeps_dense(scale: &mut [f64], row_max: &mut [f64], lower: &Mat<f64>) {
    let d = lower.ncols();
    for _ in 0..SWEEPS {
        row_max.fill(0.0);
        for j in 0..d {
            let col = lower.col_as_slice(j);
            let sj = scale[j];
            let mut column_max = max_ignoring_nan(row_max[j], (scale[j] * col[j] * sj).abs());
            for i in j + 1..d {
                let v = (scale[i] * col[i] * sj).abs();
                row_max[i] = max_ignoring_nan(row_max[i], v);
                column_max = max_ignoring_nan(column_max, v);
            }
            row_max[j] = column_max;
        }
        if update(scale, row_max) {
            break;
        }
    }
}

/// `f64::max(acc, v)` for an accumulator that is never NaN (it starts at
/// zero and only ever takes values of `v` that compare greater): a NaN `v`
/// is ignored, as `f64::max` ignores it. One `maxsd` instead of the
/// compare-and-blend `f64::max` needs to handle a NaN in either operand; on
/// small dense KKT matrices the sweeps are a visible part of an assembly.
#[inline(always)]
fn max_ignoring_nan(acc: f64, v: f64) -> f64 {
    if v > acc {
        v
    } else {
        acc
    }
}

/// One Ruiz update from the row maxima of the currently scaled matrix:
/// sᵢ ← sᵢ / √max_j |K̃ᵢⱼ| (rounded to a power of two). Rows that are zero
/// or not finite keep their factor. Returns whether every factor stayed.
fn update(scale: &mut [f64], row_max: &[f64]) -> bool {
    let mut settled = true;
    for (s, &r) in scale.iter_mut().zip(row_max) {
        if r > 0.0 && r.is_finite() {
            let factor = power_of_two(1.0 / r.sqrt());
            if factor != 1.0 {
                settled = false;
                *s = power_of_two(*s * factor);
            }
        }
    }
    settled
}

/// The power of two nearest to x (x > 0, finite; nearest in the
/// logarithm, ties to the larger), clamped to the range where products of
/// two factors stay normal numbers. From the bits: no log/exp per row.
fn power_of_two(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // Mantissa ≥ √2 rounds up (subnormal x have exponent −1023: clamped).
    if (bits & ((1u64 << 52) - 1)) as f64 >= (std::f64::consts::SQRT_2 - 1.0) * (1u64 << 52) as f64
    {
        exponent += 1;
    }
    f64::from_bits(((exponent.clamp(-250, 250) + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_of_two_is_nearest_in_the_logarithm() {
        for x in [1.0, 1.4, 1.5, 0.7, 0.71, 3.0, 1e-7, 12345.6, 1e300, 1e-300] {
            let want = f64::log2(x).round().clamp(-250.0, 250.0).exp2();
            assert_eq!(power_of_two(x), want, "x = {x}");
        }
    }

    /// The dense loop gives exactly the factors of the generic one, from a
    /// badly scaled start and from a previous scale.
    #[test]
    fn dense_sweeps_equal_generic_sweeps() {
        let d = 7;
        let mut lcg = crate::solver::linear::lcg::Lcg::new(7);
        let mut next = move || lcg.symmetric();
        let lower = Mat::from_fn(d, d, |i, j| {
            let v = next() * 10f64.powi(((i * 3 + j * 5) % 13) as i32 - 6);
            if i >= j && (i + j) % 4 != 1 {
                v
            } else {
                0.0
            }
        });
        // Also with NaN entries (on and below the diagonal): both ignore
        // them in the row maxima.
        let mut with_nan = lower.clone();
        with_nan[(3, 3)] = f64::NAN;
        with_nan[(5, 2)] = f64::NAN;
        with_nan[(6, 0)] = f64::NAN;
        for lower in [lower, with_nan] {
            for start in [1.0, 0.25, 1024.0] {
                let (mut s1, mut s2) = (vec![start; d], vec![start; d]);
                let (mut r1, mut r2) = (vec![0.0; d], vec![0.0; d]);
                sweeps(&mut s1, &mut r1, || {
                    let lower = &lower;
                    (0..d).flat_map(move |j| (j..d).map(move |i| (i, j, lower[(i, j)])))
                });
                sweeps_dense(&mut s2, &mut r2, &lower);
                assert_eq!(s1, s2, "start {start}");
                assert_eq!(r1, r2, "start {start}");
            }
        }
    }

    /// A badly scaled symmetric matrix: after the sweeps every row's largest
    /// entry lies within [1/4, 4] (the rounding to powers of two).
    #[test]
    fn sweeps_bring_row_maxima_near_one() {
        let d = 4;
        let k = [
            [1e7, 3e6, 0.0143, 0.0],
            [3e6, 2e7, 0.0, 0.0015],
            [0.0143, 0.0, 0.0, 0.0],
            [0.0, 0.0015, 0.0, 1e-8],
        ];
        let mut s = vec![1.0f64; d];
        let mut row_max = vec![0.0; d];
        sweeps(&mut s, &mut row_max, || {
            (0..d).flat_map(move |j| (j..d).map(move |i| (i, j, k[i][j])))
        });
        for i in 0..d {
            let r = (0..d).fold(0.0f64, |a, j| a.max((s[i] * k[i][j] * s[j]).abs()));
            assert!((0.25..=4.0).contains(&r), "row {i}: max {r}");
            assert_eq!(
                s[i],
                power_of_two(s[i]),
                "factor {} not a power of two",
                s[i]
            );
        }
    }
}
