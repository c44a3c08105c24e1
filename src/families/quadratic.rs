//! Convex quadratic with m linear constraints:
//! minimize ½ Σ qᵢxᵢ² − cᵀx subject to A x = b, q > 0.
//!
//! Stationarity Qx − c = Aᵀλ gives x = Q⁻¹(c + Aᵀλ); feasibility then gives
//! the m × m system (A Q⁻¹ Aᵀ) λ = b − A Q⁻¹ c: one KKT solve.

use super::util::{expected, Lcg};
use super::GeneratedProblem;
use faer::linalg::solvers::Solve;
use faer::Mat;
use serde_json::json;

pub fn generate(n: usize) -> GeneratedProblem {
    let m = (n / 2).clamp(1, 5);
    let mut rng = Lcg::new(0x51ad + n as u64);
    let q: Vec<f64> = (0..n).map(|_| 1.0 + 9.0 * rng.next_f64()).collect();
    let c: Vec<f64> = (0..n).map(|_| rng.next_f64() - 0.5).collect();
    let a: Vec<Vec<f64>> = (0..m)
        .map(|_| (0..n).map(|_| rng.next_f64() - 0.5).collect())
        .collect();
    let b: Vec<f64> = (0..m).map(|_| rng.next_f64() - 0.5).collect();

    // M = A Q⁻¹ Aᵀ, r = b − A Q⁻¹ c.
    let mut mat = Mat::<f64>::zeros(m, m);
    let mut rhs = Mat::<f64>::zeros(m, 1);
    for i in 0..m {
        for j in 0..m {
            mat[(i, j)] = (0..n).map(|k| a[i][k] * a[j][k] / q[k]).sum();
        }
        rhs[(i, 0)] = b[i] - (0..n).map(|k| a[i][k] * c[k] / q[k]).sum::<f64>();
    }
    mat.partial_piv_lu().solve_in_place(rhs.as_mut());
    let lambda: Vec<f64> = (0..m).map(|i| rhs[(i, 0)]).collect();
    let x: Vec<f64> = (0..n)
        .map(|k| (c[k] + (0..m).map(|i| a[i][k] * lambda[i]).sum::<f64>()) / q[k])
        .collect();
    let objective: f64 = (0..n).map(|k| 0.5 * q[k] * x[k] * x[k] - c[k] * x[k]).sum();

    let xs = vec![("x".to_string(), x)];
    let file = json!({
        "name": format!("quadratic-{n}"),
        "description": format!(
            "Convex quadratic 0.5*sum(q*x^2) - c.x with {m} random linear constraints A x = b, n = {n}. \
             Closed form: x = Q^-1 (c + A^T lambda) with (A Q^-1 A^T) lambda = b - A Q^-1 c."
        ),
        "variables": [{"name": "x", "size": n, "start": 0.0}],
        "parameters": {"q": q, "c": c, "A": a, "b": b},
        "minimize": "0.5 * sum(q * x^2) - dot(c, x)",
        "constraints": [{"name": "rows", "equation": "A @ x = b"}],
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
