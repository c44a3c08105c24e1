//! Rayleigh quotient of T = tridiag(−1, 2, −1):
//! minimize xᵀT x subject to xᵀx = 1.
//!
//! The minimum is the smallest eigenvalue 2 − 2cos(π/(n+1)), at the
//! eigenvector xⱼ = √(2/(n+1)) sin(jπ/(n+1)); since ∇(xᵀTx) = 2Tx = λ·2x the
//! multiplier equals the eigenvalue. The start has a positive component
//! along that eigenvector, so the minimum reached is the positive one.

use super::util::expected;
use super::GeneratedProblem;
use serde_json::json;
use std::f64::consts::PI;

pub fn generate(n: usize) -> GeneratedProblem {
    let h = PI / (n + 1) as f64;
    let eigenvalue = 2.0 - 2.0 * h.cos();
    let scale = (2.0 / (n + 1) as f64).sqrt();
    let x: Vec<f64> = (1..=n).map(|j| scale * (j as f64 * h).sin()).collect();
    // A smooth positive start, not an eigenvector.
    let start: Vec<f64> = (1..=n)
        .map(|j| {
            let t = j as f64 / (n + 1) as f64;
            (t * (1.0 - t) + 0.05) / (n as f64).sqrt()
        })
        .collect();
    let xs = vec![("x".to_string(), x)];
    let file = json!({
        "name": format!("rayleigh-{n}"),
        "description": format!(
            "Rayleigh quotient of tridiag(-1, 2, -1), n = {n}: the minimum is the smallest eigenvalue \
             2 - 2 cos(pi/(n+1)) at x_j = sqrt(2/(n+1)) sin(j pi/(n+1)); the multiplier equals the eigenvalue."
        ),
        "variables": [{"name": "x", "size": n, "start": start}],
        "minimize": "2 * dot(x, x) - 2 * dot(x[1:], x[:-1])",
        "constraints": [{"name": "unit_norm", "equation": "dot(x, x) = 1"}],
        "expected": expected(eigenvalue, Some(&xs), Some(json!([eigenvalue]))),
    });
    GeneratedProblem {
        file,
        objective: eigenvalue,
        x: xs,
        multipliers: Some(vec![eigenvalue]),
    }
}
