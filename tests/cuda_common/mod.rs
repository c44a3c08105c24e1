//! Shared helpers of the GPU tests (tests/cuda_*.rs).
//!
//! - `gpu()` opens CUDA device 0 with the test checks on (every allocation
//!   poisoned with NaN, a synchronisation after every launch so that a failing
//!   kernel is named). Without a usable device it prints why and returns
//!   `None`, so the test passes as skipped, unless `LAGRANGE_REQUIRE_GPU=1`
//!   (set by kernels/gpu-check.sh), which turns "no device" into a failure.
//! - `Rng`: fresh random inputs each run (seed from the clock, printed;
//!   `LAGRANGE_TEST_SEED=N` replays one).
//! - `assert_rel`: elementwise relative error against a CPU reference.
#![allow(dead_code)]

use lagrange::cuda::{device_info, set_checks, Checks, Device};

/// Relative tolerance for elementwise kernels (f64).
pub const ELEMENTWISE_TOL: f64 = 1e-12;
/// Relative tolerance for reductions (relative to the sum of |terms|).
pub const REDUCTION_TOL: f64 = 1e-10;

/// CUDA device 0 with test checks on, or `None` (skip) without one.
pub fn gpu() -> Option<Device> {
    let dev = Device::Cuda(0);
    match device_info(dev) {
        Ok(info) => {
            set_checks(Checks {
                poison_outputs: true,
                synchronize_each_launch: true,
            });
            eprintln!(
                "GPU: {} (cc {}.{}, PTX {})",
                info.name, info.compute_capability.0, info.compute_capability.1, info.ptx
            );
            Some(dev)
        }
        Err(e) if e.is_unavailable() && std::env::var_os("LAGRANGE_REQUIRE_GPU").is_none() => {
            eprintln!("note: GPU test skipped, CUDA unavailable: {e}");
            None
        }
        Err(e) => panic!("CUDA device required (LAGRANGE_REQUIRE_GPU) but not usable: {e}"),
    }
}

/// xorshift64* generator.
pub struct Rng(u64);

impl Rng {
    /// Seeded from LAGRANGE_TEST_SEED or the clock; the seed is printed.
    pub fn fresh(test: &str) -> Rng {
        let seed = std::env::var("LAGRANGE_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("{test}: LAGRANGE_TEST_SEED={seed}");
        Rng(seed.max(1))
    }

    /// Uniform in [0, 1).
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// n values uniform in [lo, hi).
    pub fn uniform(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| lo + (hi - lo) * self.next()).collect()
    }
}

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
