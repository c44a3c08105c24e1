//! Water-filling (capacity of parallel Gaussian channels):
//! maximize Σ log(αᵢ + xᵢ) subject to Σ xᵢ = P and x ≥ 0.
//!
//! Closed form (Cover and Thomas, §9.4): xᵢ = max(0, L − αᵢ) with the water
//! level L = 1/ν at which the powers add up to P; sorting α increasingly, L
//! is (P + Σᵢ≤ₖ α₍ᵢ₎)/k for the largest k with α₍ₖ₎ < (P + Σᵢ≤ₖ α₍ᵢ₎)/k.
//!
//! Multipliers (maximize, g = Σ xᵢ − P, ∇f = λ·1 + z): a channel with power
//! has 1/(αᵢ + xᵢ) = 1/L = λ, so λ = 1/L = d f*/dP > 0; a channel without
//! has zᵢ = 1/αᵢ − 1/L < 0 (raising its lower bound forces power where it
//! is worth less). f* = Σ log(max(αᵢ, L)).
//!
//! Data: the even channels are below the level by 0.1 to 0.6, the odd ones
//! above it by 0.4 to 1.4 (level 0.8 by construction), so every power is at
//! least 0.1 and every active bound has zᵢ = −r/(L(L + r)) ≤ −0.41.

use super::util::{expected, with_bound_multipliers, Lcg};
use super::GeneratedProblem;
use serde_json::json;

/// The level of the construction.
const LEVEL: f64 = 0.8;

/// The noise levels α and the total power P.
fn data(n: usize) -> (Vec<f64>, f64) {
    let mut rng = Lcg::new(0x3a7e + n as u64);
    let mut power = 0.0;
    let alpha = (0..n)
        .map(|i| {
            let u = rng.next_f64();
            if i % 2 == 0 {
                let depth = 0.1 + 0.5 * u;
                power += depth;
                LEVEL - depth
            } else {
                LEVEL + 0.4 + u
            }
        })
        .collect();
    (alpha, power)
}

/// The water level L of noise levels `alpha` and power `power`, by sorting.
fn level(alpha: &[f64], power: f64) -> f64 {
    let mut sorted = alpha.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (mut sum, mut level) = (power, f64::NAN);
    for (k, &a) in sorted.iter().enumerate() {
        sum += a;
        let candidate = sum / (k + 1) as f64;
        if a < candidate {
            level = candidate;
        } else {
            break;
        }
    }
    level
}

/// The powers x, the multiplier λ, the bound multipliers z and f*.
fn solve(alpha: &[f64], power: f64) -> (Vec<f64>, f64, Vec<f64>, f64) {
    let level = level(alpha, power);
    let x: Vec<f64> = alpha.iter().map(|&a| (level - a).max(0.0)).collect();
    let z: Vec<f64> = alpha
        .iter()
        .map(|&a| {
            if a < level {
                0.0
            } else {
                1.0 / a - 1.0 / level
            }
        })
        .collect();
    let objective = alpha.iter().map(|&a| a.max(level).ln()).sum();
    (x, 1.0 / level, z, objective)
}

pub fn generate(n: usize) -> GeneratedProblem {
    let (alpha, power) = data(n);
    let (x, lambda, z, objective) = solve(&alpha, power);
    let xs = vec![("x".to_string(), x)];
    let zs = vec![("x".to_string(), z)];
    let file = json!({
        "name": format!("water-filling-{n}"),
        "description": format!(
            "Water-filling over n = {n} channels with noise levels alpha: maximize sum(log(alpha + x)) \
             subject to sum(x) = P, x >= 0. Closed form: x_i = max(0, L - alpha_i) with the water level \
             L = (P + sum of the k smallest alpha)/k for the largest k whose k-th smallest alpha is below \
             that value (here L = {LEVEL} by construction; x_i > 0 exactly for even i). Multipliers: \
             lambda = 1/L = d f*/dP for the power, z_i = 1/alpha_i - 1/L < 0 where x_i = 0."
        ),
        "variables": [{"name": "x", "size": n, "start": power / n as f64, "lower": 0.0}],
        "parameters": {"alpha": alpha, "P": power},
        "maximize": "sum(log(alpha + x))",
        "constraints": [{"name": "power", "equation": "sum(x) = P"}],
        "expected": with_bound_multipliers(
            expected(objective, Some(&xs), Some(json!([lambda]))),
            &zs,
        ),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(vec![lambda]),
        bound_multipliers: Some(zs),
    }
}

#[cfg(test)]
mod tests {
    use super::super::util::bisect;
    use super::*;

    #[test]
    fn level_matches_a_bisection_and_the_construction() {
        for n in [2, 3, 10, 101, 1000] {
            let (alpha, power) = data(n);
            let filled = |l: f64| alpha.iter().map(|&a| (l - a).max(0.0)).sum::<f64>() - power;
            let by_bisection = bisect(0.0, 10.0 + power, filled);
            let l = level(&alpha, power);
            assert!(
                (l - by_bisection).abs() <= 1e-13,
                "n={n}: {l} vs {by_bisection}"
            );
            assert!((l - LEVEL).abs() <= 1e-12 * n as f64, "n={n}: {l}");
            let (x, _, z, _) = solve(&alpha, power);
            for i in 0..n {
                assert_eq!(x[i] >= 0.1 - 1e-12, i % 2 == 0, "n={n} i={i}");
                assert_eq!(z[i] < -0.4, i % 2 == 1, "n={n} i={i}");
            }
        }
    }

    #[test]
    fn the_multipliers_are_derivatives_of_the_optimal_value() {
        let (alpha, power) = data(10);
        let (_, lambda, z, objective) = solve(&alpha, power);
        // f* with power p and the odd channels' lower bound raised to b
        // (the free set stays the even channels near p = P, b = 0).
        let value = |p: f64, b: f64| {
            let below: Vec<f64> = alpha.iter().step_by(2).cloned().collect();
            let l = (p - 5.0 * b + below.iter().sum::<f64>()) / 5.0;
            alpha
                .iter()
                .enumerate()
                .map(|(i, a)| if i % 2 == 0 { l.ln() } else { (a + b).ln() })
                .sum::<f64>()
        };
        assert!((value(power, 0.0) - objective).abs() <= 1e-13);
        let h = 1e-6;
        let d_power = (value(power + h, 0.0) - value(power - h, 0.0)) / (2.0 * h);
        assert!((d_power - lambda).abs() <= 1e-8, "{d_power} vs {lambda}");
        // Raising all five odd bounds together moves f* by the sum of their z.
        let d_bounds = (value(power, h) - value(power, -h)) / (2.0 * h);
        let z_sum: f64 = z.iter().skip(1).step_by(2).sum();
        assert!((d_bounds - z_sum).abs() <= 1e-8, "{d_bounds} vs {z_sum}");
    }
}
