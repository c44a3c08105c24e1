//! A nonconvex problem with a known global minimum:
//! minimize Σ xᵢ⁴ subject to Σ xᵢ² = 1.
//!
//! By Cauchy–Schwarz Σxᵢ⁴ ≥ (Σxᵢ²)²/n = 1/n, with equality exactly when
//! |xᵢ| = 1/√n; the critical points with zeros are saddles, so every local
//! minimum is global. Stationarity 4xᵢ³ = λ·2xᵢ gives λ = 2/n. Every sign
//! pattern is a global minimum (Newton from the positive start can land on
//! any), so the file's `expected` holds the objective and the multiplier,
//! and [`GeneratedProblem::x`](super::GeneratedProblem) the positive one.

use super::util::{expected, Lcg};
use super::GeneratedProblem;
use serde_json::json;

pub fn generate(n: usize) -> GeneratedProblem {
    let mut rng = Lcg::new(0x9a47 + n as u64);
    let start: Vec<f64> = (0..n)
        .map(|_| (0.5 + rng.next_f64()) / (n as f64).sqrt())
        .collect();
    let x = vec![1.0 / (n as f64).sqrt(); n];
    let objective = 1.0 / n as f64;
    let lambda = 2.0 / n as f64;
    let xs = vec![("x".to_string(), x)];
    let file = json!({
        "name": format!("sphere-quartic-{n}"),
        "description": format!(
            "Nonconvex: minimize sum(x^4) on the unit sphere, n = {n}. Global minimum 1/n at |x_i| = 1/sqrt(n) \
             (Cauchy-Schwarz); points with zero entries are saddles. Multiplier 2/n."
        ),
        "variables": [{"name": "x", "size": n, "start": start}],
        "minimize": "sum(x^4)",
        "constraints": [{"name": "sphere", "equation": "sum(x^2) = 1"}],
        "expected": expected(objective, None, Some(json!([lambda]))),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(vec![lambda]),
        bound_multipliers: None,
    }
}
