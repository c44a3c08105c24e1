//! Isotonic regression: minimize ½‖x − y‖² subject to x[1:] − x[:-1] ≥ 0
//! (one vector inequality of n − 1 rows).
//!
//! Closed form: pool adjacent violators (Ayer et al. 1955; Barlow et al.
//! 1972) merges neighbouring blocks while their means decrease; x is the
//! mean of y over its block.
//!
//! Multipliers (gₖ = xₖ₊₁ − xₖ, ∇f = Jᵀλ): row i of stationarity reads
//! xᵢ − yᵢ = λᵢ₋₁ − λᵢ (λ₋₁ = λₙ₋₁ = 0), so λᵢ = Σⱼ≤ᵢ (yⱼ − xⱼ), the partial
//! sums of the residuals. A block's residuals add up to zero, so the sum
//! restarts at every block: λ is zero between blocks (inactive rows) and,
//! inside a block, the prefix sum of y minus its mean, which is ≥ 0 because
//! pooling leaves every prefix of a block with a mean at least the block's.
//! That is λₖ = d f*/d(the lower end 0 of row k) ≥ 0, as the contract wants
//! of an active `>=` in a minimization.
//!
//! Data: blocks of 1 to 6 points whose means rise by 0.1 to 0.3 from one
//! block to the next, each block a line falling by 0.5 to 1.5 per point
//! around its mean; so the pooled blocks are exactly these, every row
//! between blocks has slack ≥ 0.1, and every row inside a block has
//! λ ≥ 0.25 (the prefix sums of a falling line are smallest at the ends).

use super::util::{expected, Lcg};
use super::GeneratedProblem;
use serde_json::json;

/// The observations y and the first index of each constructed block.
fn data(n: usize) -> (Vec<f64>, Vec<usize>) {
    let mut rng = Lcg::new(0x150 + n as u64);
    let (mut y, mut starts) = (Vec::with_capacity(n), Vec::new());
    let mut mean = 0.0;
    while y.len() < n {
        let len = (1 + (6.0 * rng.next_f64()) as usize).min(n - y.len());
        let fall = 0.5 + rng.next_f64();
        starts.push(y.len());
        let middle = (len - 1) as f64 / 2.0;
        y.extend((0..len).map(|t| mean + fall * (middle - t as f64)));
        mean += 0.1 + 0.2 * rng.next_f64();
    }
    (y, starts)
}

/// Pool adjacent violators: the blocks of the solution as (first index,
/// length, mean).
fn pool(y: &[f64]) -> Vec<(usize, usize, f64)> {
    // Each block keeps its sum and length; its mean is their ratio.
    let mut blocks: Vec<(usize, usize, f64)> = Vec::new();
    for (i, &v) in y.iter().enumerate() {
        let (mut start, mut len, mut sum) = (i, 1, v);
        while let Some(&(s, l, t)) = blocks.last() {
            if t / l as f64 >= sum / len as f64 {
                blocks.pop();
                (start, len, sum) = (s, l + len, t + sum);
            } else {
                break;
            }
        }
        blocks.push((start, len, sum));
    }
    blocks
        .into_iter()
        .map(|(s, l, t)| (s, l, t / l as f64))
        .collect()
}

/// The fit x, the multipliers λ (n − 1 of them) and f*.
fn solve(y: &[f64]) -> (Vec<f64>, Vec<f64>, f64) {
    let n = y.len();
    let (mut x, mut lambda) = (vec![0.0; n], vec![0.0; n - 1]);
    for (start, len, mean) in pool(y) {
        let mut partial = 0.0;
        for i in start..start + len {
            x[i] = mean;
            partial += y[i] - mean;
            // The last row of a block separates it from the next: inactive.
            if i + 1 < start + len {
                lambda[i] = partial;
            }
        }
    }
    let objective = 0.5 * x.iter().zip(y).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
    (x, lambda, objective)
}

pub fn generate(n: usize) -> GeneratedProblem {
    let (y, _) = data(n);
    let (x, lambda, objective) = solve(&y);
    // A strictly increasing start across the range of y: feasible, inside.
    let lo = y.iter().cloned().fold(f64::INFINITY, f64::min);
    let hi = y.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let start: Vec<f64> = (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect();
    let xs = vec![("x".to_string(), x)];
    let file = json!({
        "name": format!("isotonic-{n}"),
        "description": format!(
            "Isotonic regression of y, n = {n}: minimize 0.5*|x - y|^2 subject to x[1:] - x[:-1] >= 0. \
             Closed form: pool adjacent violators; x is the mean of y over its pooled block, and the \
             multiplier of row k (x[k+1] - x[k] >= 0) is the partial sum of the residuals y - x from the \
             start of k's block to k: > 0 inside a block, 0 between blocks. The data are blocks of 1 to 6 \
             points, each a falling line around a mean that rises from block to block, so the pooled \
             blocks are the constructed ones."
        ),
        "variables": [{"name": "x", "size": n, "start": start}],
        "parameters": {"y": y},
        "minimize": "0.5 * sum((x - y)^2)",
        "constraints": [{"name": "monotone", "equation": "x[1:] - x[:-1] >= 0"}],
        "expected": expected(objective, Some(&xs), Some(json!([lambda.clone()]))),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(lambda),
        bound_multipliers: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooling_finds_the_constructed_blocks() {
        for n in [2, 3, 10, 101, 1000] {
            let (y, starts) = data(n);
            let found: Vec<usize> = pool(&y).iter().map(|b| b.0).collect();
            assert_eq!(found, starts, "n={n}");
            let (x, lambda, _) = solve(&y);
            for k in 0..n - 1 {
                let between = starts.contains(&(k + 1));
                if between {
                    assert!(x[k + 1] - x[k] >= 0.1 - 1e-12 && lambda[k] == 0.0);
                } else {
                    assert!(x[k + 1] == x[k] && lambda[k] >= 0.25 - 1e-12, "n={n} k={k}");
                }
            }
        }
    }

    #[test]
    fn each_multiplier_is_the_derivative_of_the_optimal_value_by_its_lower_end() {
        // With x[k+1] - x[k] >= e_k, w = x - s (s_i = sum of e_j, j < i) is
        // isotonic: f*(e) = ½‖PAV(y − s) − (y − s)‖².
        let (y, _) = data(12);
        let (_, lambda, objective) = solve(&y);
        let value = |k: usize, e: f64| {
            let shifted: Vec<f64> = y
                .iter()
                .enumerate()
                .map(|(i, v)| if i > k { v - e } else { *v })
                .collect();
            solve(&shifted).2
        };
        assert!((value(0, 0.0) - objective).abs() <= 1e-15);
        let h = 1e-6;
        for (k, l) in lambda.iter().enumerate() {
            let derivative = (value(k, h) - value(k, -h)) / (2.0 * h);
            assert!((derivative - l).abs() <= 1e-7, "k={k}: {derivative} vs {l}");
        }
    }
}
