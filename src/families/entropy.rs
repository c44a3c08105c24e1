//! Maximum entropy with normalization and a mean constraint:
//! maximize −Σ pᵢ ln pᵢ subject to Σ pᵢ = 1 and Σ eᵢ pᵢ = μ.
//!
//! Stationarity −ln pᵢ − 1 = λ₁ + λ₂ eᵢ gives the Gibbs distribution
//! pᵢ = e^{−β eᵢ}/Z with β = λ₂ and λ₁ = ln Z − 1; β is the root of
//! Σ eᵢ e^{−β eᵢ}/Z = μ (monotone in β), found by bisection. The optimal
//! entropy is β μ + ln Z.

use super::util::{bisect, expected};
use super::GeneratedProblem;
use serde_json::json;

pub fn generate(n: usize) -> GeneratedProblem {
    let energy: Vec<f64> = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
    let mu = 0.3;
    // Shifted by the smallest energy (0) so Z stays finite for large β.
    let gibbs = |beta: f64| -> (Vec<f64>, f64) {
        let w: Vec<f64> = energy.iter().map(|&e| (-beta * e).exp()).collect();
        let z: f64 = w.iter().sum();
        (w, z)
    };
    let mean_minus_mu = |beta: f64| {
        let (w, z) = gibbs(beta);
        energy.iter().zip(&w).map(|(e, w)| e * w).sum::<f64>() / z - mu
    };
    let beta = bisect(0.0, 200.0, mean_minus_mu);
    let (w, z) = gibbs(beta);
    let p: Vec<f64> = w.iter().map(|w| w / z).collect();
    let objective = -p.iter().map(|&p| p * p.ln()).sum::<f64>();
    let multipliers = vec![z.ln() - 1.0, beta];

    let xs = vec![("p".to_string(), p)];
    let file = json!({
        "name": format!("entropy-{n}"),
        "description": format!(
            "Maximum entropy of p over n = {n} states with energies e_i = i/(n-1) and mean energy {mu}. \
             Closed form: the Gibbs distribution p_i = exp(-beta e_i)/Z with beta the root of the mean \
             condition (beta = {beta:.12}); multipliers ln Z - 1 and beta; entropy beta*mu + ln Z."
        ),
        "variables": [{"name": "p", "size": n, "start": 1.0 / n as f64}],
        "parameters": {"energy": energy, "mu": mu},
        "maximize": "-sum(p * log(p))",
        "constraints": [
            {"name": "normalization", "equation": "sum(p) = 1"},
            {"name": "mean_energy", "equation": "dot(energy, p) = mu"}
        ],
        "expected": expected(objective, Some(&xs), Some(json!(multipliers.clone()))),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(multipliers),
        bound_multipliers: None,
    }
}
