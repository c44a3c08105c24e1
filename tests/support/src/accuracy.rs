//! Accuracy assertions against a CPU reference: elementwise relative
//! error, reductions judged against the size of their terms, and the
//! compensated sum that serves as their reference.

/// Relative tolerance for elementwise kernels (f64).
pub const ELEMENTWISE_TOL: f64 = 1e-12;
/// Relative tolerance for reductions (relative to the sum of |terms|).
pub const REDUCTION_TOL: f64 = 1e-10;

/// Largest elementwise relative error |got − want| / |want| (NaN counts as
/// infinite, so an element a kernel did not write — poisoned — fails).
pub fn max_rel(got: &[f64], want: &[f64]) -> (f64, usize) {
    assert_eq!(got.len(), want.len(), "lengths");
    let mut worst = (0.0, 0);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let e = if g == w {
            0.0
        } else {
            let e = (g - w).abs() / w.abs().max(f64::MIN_POSITIVE);
            if e.is_nan() {
                f64::INFINITY
            } else {
                e
            }
        };
        if e > worst.0 {
            worst = (e, i);
        }
    }
    worst
}

/// Asserts every element within `tol` relative error.
pub fn assert_rel(what: &str, got: &[f64], want: &[f64], tol: f64) {
    let (e, i) = max_rel(got, want);
    assert!(
        e <= tol,
        "{what}: relative error {e:.3e} > {tol:.0e} at element {i} of {}: got {}, want {}",
        got.len(),
        got[i],
        want[i]
    );
}

/// Asserts a reduction's value within `tol` relative to `scale` (the sum
/// of the absolute values of its terms: the condition-aware yardstick).
pub fn assert_reduction(what: &str, got: f64, want: f64, scale: f64, tol: f64) {
    let e = (got - want).abs() / scale.max(f64::MIN_POSITIVE);
    assert!(
        e <= tol && got.is_finite(),
        "{what}: error {e:.3e} (relative to Σ|terms| = {scale:.6e}) > {tol:.0e}: got {got}, want {want}"
    );
}

/// Compensated (Neumaier) sum: the CPU reference for reductions.
pub fn sum_ref(terms: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut s, mut c, mut abs) = (0.0f64, 0.0f64, 0.0f64);
    for t in terms {
        abs += t.abs();
        let u = s + t;
        if s.abs() >= t.abs() {
            c += (s - u) + t;
        } else {
            c += (t - u) + s;
        }
        s = u;
    }
    (s + c, abs)
}

/// Asserts every element within `tol` relative to the size of the terms it
/// sums: |got − want| ≤ tol · max(|want|, scaleᵢ). A derivative that is a
/// sum of terms cancelling to a small number is only as accurate as its
/// terms (rounding in pow or sin on the device is amplified by the
/// cancellation), as in the contract's relative feasibility test.
pub fn assert_rel_to_terms(what: &str, got: &[f64], want: &[f64], scale: &[f64], tol: f64) {
    for (i, ((g, w), s)) in got.iter().zip(want).zip(scale).enumerate() {
        let bound = tol * w.abs().max(*s);
        assert!(
            (g - w).abs() <= bound,
            "{what}: error {:.3e} > {bound:.3e} at element {i} of {}: got {g}, want {w} (terms of size {s})",
            (g - w).abs(),
            got.len()
        );
    }
}
