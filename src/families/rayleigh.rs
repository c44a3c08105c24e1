//! Rayleigh quotient of T = tridiag(−1, 2, −1):
//! minimize xᵀT x subject to xᵀx = 1.
//!
//! The minimum is the smallest eigenvalue 2 − 2cos(π/(n+1)) = 4 sin²(π/(2n+2)),
//! at the eigenvector xⱼ = √(2/(n+1)) sin(jπ/(n+1)); since ∇(xᵀTx) = 2Tx = λ·2x
//! the multiplier equals the eigenvalue. The start has a positive component
//! along that eigenvector, so the minimum reached is the positive one.
//!
//! The eigenvalue is ≈ π²/n², 10⁻⁷ at n = 10⁴, against ‖T‖ = 4: both the
//! closed form and the objective are written without cancellation
//! (4 sin²(h/2), and xᵀTx = Σ(xᵢ₊₁ − xᵢ)² + x₀² + x²ₙ₋₁, a sum of squares),
//! so that a relative error of 10⁻⁸ measures the solver, not rounding.

use super::util::expected;
use super::GeneratedProblem;
use serde_json::json;
use std::f64::consts::PI;

pub fn generate(n: usize) -> GeneratedProblem {
    let h = PI / (n + 1) as f64;
    let eigenvalue = 4.0 * (h / 2.0).sin().powi(2);
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
             2 - 2 cos(pi/(n+1)) = 4 sin^2(pi/(2n+2)) at x_j = sqrt(2/(n+1)) sin(j pi/(n+1)); the multiplier equals the eigenvalue."
        ),
        "variables": [{"name": "x", "size": n, "start": start}],
        "minimize": "sum((x[1:] - x[:-1])^2) + x[0]^2 + x[-1]^2",
        "constraints": [{"name": "unit_norm", "equation": "dot(x, x) = 1"}],
        "expected": expected(eigenvalue, Some(&xs), Some(json!([eigenvalue]))),
    });
    GeneratedProblem {
        file,
        objective: eigenvalue,
        x: xs,
        multipliers: Some(vec![eigenvalue]),
        bound_multipliers: None,
    }
}
