//! Vector helpers shared by the solvers, with one rule for NaN.
//!
//! The rule: a NaN entry makes a norm NaN. A NaN then fails every `<=`
//! test it meets (convergence, feasibility, "small enough" safeguards), so
//! a vector that went bad is never mistaken for a small one. (`f64::max`
//! would drop the NaN instead: `0.0f64.max(NaN)` is 0.)
//!
//! This module knows about slices of `f64` only: no matrices, no scaling,
//! no problem.

/// ‖v‖∞ = maxᵢ |vᵢ|; 0 for an empty slice, NaN when an entry is NaN.
pub fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |a, &b| {
        if b.is_nan() || a.is_nan() {
            f64::NAN
        } else {
            a.max(b.abs())
        }
    })
}

/// aᵀb over the common length, summed left to right.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// out = x + α d, entry by entry.
pub fn add_scaled(out: &mut [f64], x: &[f64], alpha: f64, d: &[f64]) {
    for ((o, x), d) in out.iter_mut().zip(x).zip(d) {
        *o = x + alpha * d;
    }
}

/// out = −v, entry by entry.
pub fn negated(out: &mut [f64], v: &[f64]) {
    for (o, v) in out.iter_mut().zip(v) {
        *o = -v;
    }
}

/// Whether every entry is finite (neither infinite nor NaN).
pub fn all_finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_entry_makes_the_norm_nan_wherever_it_stands() {
        assert_eq!(inf_norm(&[]), 0.0);
        assert_eq!(inf_norm(&[1.0, -3.0, 2.0]), 3.0);
        assert!(inf_norm(&[f64::NAN, 5.0]).is_nan());
        assert!(inf_norm(&[5.0, f64::NAN]).is_nan());
        assert!(inf_norm(&[f64::INFINITY, f64::NAN]).is_nan());
        assert_eq!(inf_norm(&[f64::NEG_INFINITY, 1.0]), f64::INFINITY);
    }

    #[test]
    fn helpers_compute_what_they_say() {
        assert_eq!(dot(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
        let mut out = [0.0; 2];
        add_scaled(&mut out, &[1.0, 2.0], 0.5, &[2.0, -4.0]);
        assert_eq!(out, [2.0, 0.0]);
        negated(&mut out, &[1.0, -2.0]);
        assert_eq!(out, [-1.0, 2.0]);
        assert!(all_finite(&[0.0, -1e308]));
        assert!(!all_finite(&[0.0, f64::INFINITY]));
        assert!(!all_finite(&[f64::NAN]));
    }
}
