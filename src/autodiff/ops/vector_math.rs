//! `sin`, `cos` and `exp` over slices, vectorized where the CPU allows.
//!
//! On long vectors these three functions dominate an elementwise graph such
//! as Σ exp(sin x)·x² when each element is one libm call (measurement in
//! `docs/benchmarks.md`). With AVX2 and FMA (checked once at run time),
//! the kernels below evaluate four elements per instruction, eight with
//! AVX-512: Cody–Waite
//! reduction by π/2 (three-part constant, exact products up to |x| = 2²⁰)
//! and fdlibm's minimax polynomials for sin and cos on [−π/4, π/4]; for exp,
//! reduction by ln 2 and a degree-13 Taylor polynomial on [−ln2/2, ln2/2]
//! (truncation error below 10⁻¹⁷), scaled by 2ᵏ built in the exponent bits.
//! Quadrant and scale come from the bits of x·(2/π) + 1.5·2⁵² (the usual
//! rounding trick), so every step is a branch-free lane operation. Arguments
//! outside the reduced ranges (|x| > 2²⁰ for sin and cos, |x| > 708 for exp,
//! non-finite values) are recomputed with libm afterwards. The unit test
//! holds them within 2 ulp of libm. Without AVX2 + FMA, libm throughout.
//!
//! Only slices of at least [`MIN_LEN`] elements take the vectorized kernels,
//! so scalar expressions and short vectors keep libm's exact results.

// The constants are fdlibm's, digits as published (each rounds to the
// intended double).
#![allow(clippy::excessive_precision)]

use super::par;

/// Shorter slices call libm element by element.
pub(crate) const MIN_LEN: usize = 64;

/// 1.5·2⁵²: adding it rounds a double of magnitude < 2⁵¹ to an integer,
/// which then sits in the low bits of the sum's representation.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
/// Largest |x| reduced by π/2 here (k·PIO2_1 stays exact for |k| < 2²⁰).
const TRIG_MAX: f64 = 1_048_576.0;
/// Largest |x| for which exp needs no overflow or subnormal handling.
const EXP_MAX: f64 = 708.0;

const FRAC_2_PI: f64 = std::f64::consts::FRAC_2_PI;
// π/2 in three parts (fdlibm): 33 + 33 + 53 bits.
const PIO2_1: f64 = 1.570_796_326_734_125_614_17e0;
const PIO2_2: f64 = 6.077_100_506_303_965_976_60e-11;
const PIO2_3: f64 = 2.022_266_248_711_166_455_80e-21;
const PIO2_3T: f64 = 8.478_427_660_368_899_569_97e-32;
// fdlibm __kernel_sin and __kernel_cos coefficients.
const S1: f64 = -1.666_666_666_666_663_243_48e-1;
const S2: f64 = 8.333_333_333_322_489_461_24e-3;
const S3: f64 = -1.984_126_982_985_794_931_34e-4;
const S4: f64 = 2.755_731_370_707_006_767_89e-6;
const S5: f64 = -2.505_076_025_340_686_341_95e-8;
const S6: f64 = 1.589_690_995_211_550_102_21e-10;
const C1: f64 = 4.166_666_666_666_660_190_37e-2;
const C2: f64 = -1.388_888_888_887_410_957_49e-3;
const C3: f64 = 2.480_158_728_947_672_941_78e-5;
const C4: f64 = -2.755_731_435_139_066_330_35e-7;
const C5: f64 = 2.087_572_321_298_174_827_90e-9;
const C6: f64 = -1.135_964_755_778_819_482_65e-11;
const LOG2_E: f64 = std::f64::consts::LOG2_E;
// ln 2 in two parts (fdlibm): the first has 32 bits, so k·LN2_HI is exact.
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;

/// Which function a kernel computes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Func {
    /// sin x.
    Sin,
    /// cos x.
    Cos,
    /// eˣ.
    Exp,
}

impl Func {
    fn libm(self, x: f64) -> f64 {
        match self {
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Exp => x.exp(),
        }
    }

    /// Whether the kernel's reduction covers x (false for NaN and ±∞).
    #[inline(always)]
    fn in_range(self, x: f64) -> bool {
        match self {
            Func::Sin | Func::Cos => x.abs() <= TRIG_MAX,
            Func::Exp => x.abs() <= EXP_MAX,
        }
    }
}

/// `y[i] = f(x[i])`, in parallel chunks for long slices.
pub(crate) fn map(f: Func, x: &[f64], y: &mut [f64]) {
    assert_eq!(x.len(), y.len(), "vector_math::map: lengths differ");
    if x.len() < MIN_LEN || !has_avx2_fma() {
        par::map1(x, y, |x| f.libm(x));
        return;
    }
    par::chunks2(x, y, |x, y| kernel(f, x, y));
}

/// `acc[i] += c · f(x[i]) · g[i]` (the VJP of sin is cos x · ȳ, of cos
/// −sin x · ȳ).
pub(crate) fn acc_mul(f: Func, c: f64, x: &[f64], g: &[f64], acc: &mut [f64]) {
    assert!(
        x.len() == acc.len() && g.len() == acc.len(),
        "vector_math::acc_mul: lengths differ"
    );
    let fast = x.len() >= MIN_LEN && has_avx2_fma();
    par::chunks3(x, g, acc, |x, g, acc| {
        if !fast {
            for ((a, x), g) in acc.iter_mut().zip(x).zip(g) {
                *a += c * f.libm(*x) * g;
            }
            return;
        }
        let mut buf = [0.0f64; 256];
        for ((x, g), acc) in x.chunks(256).zip(g.chunks(256)).zip(acc.chunks_mut(256)) {
            let b = &mut buf[..x.len()];
            kernel(f, x, b);
            for ((a, v), g) in acc.iter_mut().zip(b.iter()).zip(g) {
                *a += c * v * g;
            }
        }
    });
}

fn has_avx2_fma() -> bool {
    simd_level() >= 1
}

/// 0: neither; 1: AVX2 and FMA; 2: AVX-512F as well (eight lanes).
fn simd_level() -> u8 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static DETECTED: OnceLock<u8> = OnceLock::new();
        *DETECTED.get_or_init(|| {
            let avx2 =
                std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
            match (avx2, std::is_x86_feature_detected!("avx512f")) {
                (true, true) => 2,
                (true, false) => 1,
                _ => 0,
            }
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        0
    }
}

/// The vectorized kernel, then libm for the arguments it does not cover.
fn kernel(f: Func, x: &[f64], y: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: only called after `has_avx2_fma` found both features,
        // and the AVX-512 forms only when `simd_level` found that too.
        let all_in_range = unsafe {
            match (f, simd_level() >= 2) {
                (Func::Sin, false) => trig_avx2(x, y, 0),
                (Func::Cos, false) => trig_avx2(x, y, 1),
                (Func::Exp, false) => exp_avx2(x, y),
                (Func::Sin, true) => trig_avx512(x, y, 0),
                (Func::Cos, true) => trig_avx512(x, y, 1),
                (Func::Exp, true) => exp_avx512(x, y),
            }
        };
        if all_in_range {
            return;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (y, &x) in y.iter_mut().zip(x) {
        *y = f.libm(x);
    }
    for (y, &x) in y.iter_mut().zip(x) {
        if !f.in_range(x) {
            *y = f.libm(x);
        }
    }
}

/// `y[i] = lane(x[i])` for the kernels below; false when some |x[i]| is
/// above `max` (or NaN). Inlined into each `target_feature` wrapper, so the
/// loop is vectorized with that wrapper's instruction set; the range test
/// rides along in the vector loop, and the caller rescans only when it
/// failed somewhere.
#[inline(always)]
fn lanes(x: &[f64], y: &mut [f64], max: f64, lane: impl Fn(f64) -> f64) -> bool {
    let mut inside = true;
    for (y, &x) in y.iter_mut().zip(x) {
        *y = lane(x);
        inside &= x.abs() <= max;
    }
    inside
}

/// sin (`shift` 0) or cos (`shift` 1: cos x = sin(x + π/2), one quadrant
/// on), four lanes; see [`lanes`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn trig_avx2(x: &[f64], y: &mut [f64], shift: u64) -> bool {
    lanes(x, y, TRIG_MAX, |x| trig_lane(x, shift))
}

/// [`trig_avx2`] with eight lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn trig_avx512(x: &[f64], y: &mut [f64], shift: u64) -> bool {
    lanes(x, y, TRIG_MAX, |x| trig_lane(x, shift))
}

/// One lane of sin/cos, branch-free (out-of-range x give garbage, fixed
/// up by the caller).
#[inline(always)]
fn trig_lane(x: f64, shift: u64) -> f64 {
    let t = x.mul_add(FRAC_2_PI, ROUND_MAGIC);
    let quadrant = t.to_bits().wrapping_add(shift);
    let k = t - ROUND_MAGIC;
    // r = x − k·π/2 in double-double precision's worth of parts.
    let r = (-k).mul_add(PIO2_1, x);
    let r = (-k).mul_add(PIO2_2, r);
    let r = (-k).mul_add(PIO2_3, r);
    let r = (-k).mul_add(PIO2_3T, r);
    let z = r * r;
    // sin r = r + r³(S1 + z(S2 + …)).
    let ps = S6
        .mul_add(z, S5)
        .mul_add(z, S4)
        .mul_add(z, S3)
        .mul_add(z, S2);
    let sin = (z * r).mul_add(ps.mul_add(z, S1), r);
    // cos r = 1 − z/2 + z²(C1 + z(C2 + …)), with fdlibm's correction for
    // the rounding of 1 − z/2.
    let pc = C6
        .mul_add(z, C5)
        .mul_add(z, C4)
        .mul_add(z, C3)
        .mul_add(z, C2)
        .mul_add(z, C1);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    let cos = w + (((1.0 - w) - hz) + (z * z) * pc);
    // Quadrant q: sin x = (sin r, cos r, −sin r, −cos r)[q mod 4].
    let odd = 0u64.wrapping_sub(quadrant & 1);
    let bits = (sin.to_bits() & !odd) | (cos.to_bits() & odd);
    f64::from_bits(bits ^ ((quadrant & 2) << 62))
}

/// exp, four lanes; see [`lanes`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn exp_avx2(x: &[f64], y: &mut [f64]) -> bool {
    lanes(x, y, EXP_MAX, exp_lane)
}

/// [`exp_avx2`] with eight lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn exp_avx512(x: &[f64], y: &mut [f64]) -> bool {
    lanes(x, y, EXP_MAX, exp_lane)
}

/// One lane of exp for |x| ≤ 708 (others fixed up by the caller).
#[inline(always)]
fn exp_lane(x: f64) -> f64 {
    let t = x.mul_add(LOG2_E, ROUND_MAGIC);
    let k = t - ROUND_MAGIC;
    let r = (-k).mul_add(LN2_HI, x);
    let r = (-k).mul_add(LN2_LO, r);
    // Taylor series of eʳ to r¹³ (|r| ≤ 0.347: remainder < 5·10⁻¹⁸).
    let mut p: f64 = 1.0 / 6_227_020_800.0;
    for c in [
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p.mul_add(r, c);
    }
    // 2ᵏ from k's bits in t (two's complement in the low bits).
    let k_int = t.to_bits().wrapping_sub(ROUND_MAGIC.to_bits());
    let scale = f64::from_bits(k_int.wrapping_add(1023) << 52);
    p * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        let ulp = f64::EPSILON * b.abs().max(f64::MIN_POSITIVE);
        (a - b).abs() / ulp
    }

    /// Arguments over the kernels' ranges and beyond (fix-up path), with a
    /// deterministic generator.
    fn arguments() -> Vec<f64> {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut xs: Vec<f64> = (0..200_000)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                let scale = [1.0, 4.0, 40.0, 700.0, 1e4, 2e6][i % 6];
                (2.0 * u - 1.0) * scale
            })
            .collect();
        xs.extend([
            0.0,
            -0.0,
            1e-300,
            std::f64::consts::PI * 1000.0,
            708.0,
            -708.0,
            709.5,
            -745.0,
            -800.0,
            800.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1.0e300,
        ]);
        xs
    }

    #[test]
    fn kernels_agree_with_libm_within_two_ulp() {
        let xs = arguments();
        let mut y = vec![0.0; xs.len()];
        for f in [Func::Sin, Func::Cos, Func::Exp] {
            map(f, &xs, &mut y);
            let mut worst = 0.0f64;
            for (&x, &v) in xs.iter().zip(&y) {
                let want = f.libm(x);
                if want.is_nan() {
                    assert!(v.is_nan(), "{f:?}({x}) = {v}, want NaN");
                    continue;
                }
                // Near a zero of sin/cos the result's ulp is tiny; measure
                // against the ulp of 1 there (absolute error ≤ 2⁻⁵² · 2).
                let e = if f == Func::Exp {
                    ulps(v, want)
                } else {
                    (v - want).abs() / (f64::EPSILON * want.abs().max(0.5))
                };
                assert!(e <= 2.0, "{f:?}({x}) = {v:e}, libm {want:e}: {e} ulp");
                worst = worst.max(e);
            }
            eprintln!("{f:?}: worst {worst} ulp over {} arguments", xs.len());
        }
    }

    #[test]
    fn accumulated_derivative_matches_libm() {
        let xs: Vec<f64> = (0..1000).map(|i| i as f64 * 0.0137 - 6.0).collect();
        let g: Vec<f64> = (0..1000).map(|i| 1.0 + (i % 7) as f64).collect();
        let mut acc = vec![0.5; 1000];
        acc_mul(Func::Sin, -1.0, &xs, &g, &mut acc);
        for ((a, x), g) in acc.iter().zip(&xs).zip(&g) {
            let want = 0.5 - x.sin() * g;
            assert!((a - want).abs() <= 4.0 * f64::EPSILON * want.abs().max(1.0));
        }
    }
}
