//! Euclidean projection onto the probability simplex:
//! minimize ½‖x − a‖² subject to Σ xⱼ = 1 and x ≥ 0.
//!
//! Closed form (Held, Wolfe and Crowder 1974; Duchi et al. 2008): x =
//! max(a − τ, 0) with τ the threshold at which the clipped sum is 1; sorting
//! a in decreasing order, ρ is the largest k with a₍ₖ₎ > (Σᵢ≤ₖ a₍ᵢ₎ − 1)/k and
//! τ = (Σᵢ≤ρ a₍ᵢ₎ − 1)/ρ.
//!
//! Multipliers (g = Σ xⱼ − 1, ∇f = λ·1 + z): a free xⱼ has xⱼ − aⱼ = λ, so
//! λ = −τ = d f*/d(the sum's right-hand side); a zero xⱼ has
//! zⱼ = −aⱼ − λ = τ − aⱼ > 0, the rise of f* per unit rise of its lower bound.
//! f* = ½ (ρ τ² + Σ over zero xⱼ of aⱼ²).
//!
//! Data: the free set is the even indices, with a margin on both sides of
//! the threshold: the free xⱼ are about 0.5 to 1.5 times their mean 1/⌈n/2⌉,
//! and the zⱼ are 0.5 to 1.5 whatever n, so complementarity is strict at
//! every n and the bounds' multipliers do not shrink with it (a solver that
//! stops at barrier parameter μ leaves a zero xⱼ at about μ/zⱼ).

use super::util::{expected, with_bound_multipliers, Lcg};
use super::GeneratedProblem;
use serde_json::json;

/// The data: a with τ = 1/n by construction, the even entries above it.
fn data(n: usize) -> Vec<f64> {
    let mut rng = Lcg::new(0x5171 + n as u64);
    let nf = n as f64;
    let tau = 1.0 / nf;
    let raw: Vec<f64> = (0..n).map(|_| 0.5 + rng.next_f64()).collect();
    let free_total: f64 = raw.iter().step_by(2).sum();
    raw.iter()
        .enumerate()
        .map(|(j, r)| {
            if j % 2 == 0 {
                tau + r / free_total
            } else {
                tau - r
            }
        })
        .collect()
}

/// The threshold τ of the projection of `a` onto the simplex, by sorting.
fn threshold(a: &[f64]) -> f64 {
    let mut sorted = a.to_vec();
    sorted.sort_by(|p, q| q.total_cmp(p));
    let (mut sum, mut tau) = (0.0, 0.0);
    for (k, &v) in sorted.iter().enumerate() {
        sum += v;
        let candidate = (sum - 1.0) / (k + 1) as f64;
        if v > candidate {
            tau = candidate;
        } else {
            break;
        }
    }
    tau
}

/// The projection x, the multiplier λ, the bound multipliers z and f*.
fn solve(a: &[f64]) -> (Vec<f64>, f64, Vec<f64>, f64) {
    let tau = threshold(a);
    let x: Vec<f64> = a.iter().map(|&v| (v - tau).max(0.0)).collect();
    let z: Vec<f64> = a
        .iter()
        .map(|&v| if v > tau { 0.0 } else { tau - v })
        .collect();
    let objective = 0.5
        * a.iter()
            .map(|&v| if v > tau { tau * tau } else { v * v })
            .sum::<f64>();
    (x, -tau, z, objective)
}

pub fn generate(n: usize) -> GeneratedProblem {
    let a = data(n);
    let (x, lambda, z, objective) = solve(&a);
    let xs = vec![("x".to_string(), x)];
    let zs = vec![("x".to_string(), z)];
    let file = json!({
        "name": format!("simplex-{n}"),
        "description": format!(
            "Euclidean projection of a onto the probability simplex, n = {n}: minimize 0.5*|x - a|^2 \
             subject to sum(x) = 1, x >= 0. Closed form: x = max(a - tau, 0) with the threshold tau from \
             a sorted decreasingly (tau = (sum of the rho largest - 1)/rho, rho the largest k with \
             a_(k) > (sum of the k largest - 1)/k); here tau = 1/n by construction and x_j > 0 exactly \
             for even j. Multipliers: lambda = -tau for the sum, z_j = tau - a_j > 0 where x_j = 0."
        ),
        "variables": [{"name": "x", "size": n, "start": 1.0 / n as f64, "lower": 0.0}],
        "parameters": {"a": a},
        "minimize": "0.5 * sum((x - a)^2)",
        "constraints": [{"name": "total", "equation": "sum(x) = 1"}],
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
    fn threshold_matches_a_bisection_and_the_construction() {
        for n in [2, 3, 10, 101, 1000] {
            let a = data(n);
            let clipped_sum = |t: f64| a.iter().map(|&v| (v - t).max(0.0)).sum::<f64>() - 1.0;
            let lo = a.iter().cloned().fold(f64::INFINITY, f64::min) - 1.0;
            let hi = a.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let by_bisection = bisect(lo, hi, clipped_sum);
            let tau = threshold(&a);
            assert!((tau - by_bisection).abs() <= 1e-14, "n={n}");
            assert!((tau - 1.0 / n as f64).abs() <= 1e-15, "n={n}");
            let (x, _, z, _) = solve(&a);
            for j in 0..n {
                assert_eq!(x[j] > 0.0, j % 2 == 0, "n={n} j={j}");
                assert_eq!(z[j] > 0.0, j % 2 == 1, "n={n} j={j}");
            }
        }
    }

    #[test]
    fn the_multiplier_is_the_derivative_of_the_optimal_value() {
        // f*(s) for the sum s, with the free set (the even indices) of s = 1,
        // which it keeps near s = 1.
        let a = data(10);
        let free_sum: f64 = a.iter().step_by(2).sum();
        let value = |s: f64| {
            let tau = (free_sum - s) / 5.0;
            0.5 * a
                .iter()
                .map(|&v| if v > tau { tau * tau } else { v * v })
                .sum::<f64>()
        };
        let (_, lambda, _, objective) = solve(&a);
        assert!((value(1.0) - objective).abs() <= 1e-15);
        let h = 1e-6;
        let derivative = (value(1.0 + h) - value(1.0 - h)) / (2.0 * h);
        assert!(
            (derivative - lambda).abs() <= 1e-8,
            "{derivative} vs {lambda}"
        );
    }
}
