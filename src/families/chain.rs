//! A discretized hanging chain: N rigid links of length ℓ = L/N and mass ℓ
//! each (mass at the link's midpoint), ends fixed at (0, 0) and (D, 0);
//! minimize the potential energy ℓ Σₖ (yₖ + yₖ₊₁)/2 subject to each link's
//! squared length being ℓ².
//!
//! Closed form of the discrete equilibrium: the horizontal tension H is the
//! same in every link and each interior node carries weight ℓ, so the link
//! slopes grow linearly: tan θₖ = (k − (N−1)/2)·s with s = ℓ/H; s is the root
//! of Σₖ ℓ cos θₖ = D (monotone). Node positions are the cumulative sums of
//! ℓ(cos θₖ, sin θₖ). As N → ∞ this tends to the catenary
//! y = a cosh((x − D/2)/a) − a cosh(D/(2a)) with 2a sinh(D/(2a)) = L.
//!
//! Multipliers (L = f − Σλg): the link multipliers are −Tₖ/(2ℓ) with
//! Tₖ = H/cos θₖ the tension; the end constraints carry the support
//! reactions.

use super::util::{bisect, expected};
use super::GeneratedProblem;
use serde_json::json;
use std::f64::consts::PI;

const SPAN: f64 = 1.0;
const LENGTH: f64 = 1.5;

pub fn generate(links: usize) -> GeneratedProblem {
    let nl = links as f64;
    let l = LENGTH / nl;
    let mid = (nl - 1.0) / 2.0;
    let span_minus_d = |s: f64| -> f64 {
        (0..links)
            .map(|k| l / (1.0 + ((k as f64 - mid) * s).powi(2)).sqrt())
            .sum::<f64>()
            - SPAN
    };
    let s = bisect(0.0, 1e6, span_minus_d);
    let h = l / s;
    let tan: Vec<f64> = (0..links).map(|k| (k as f64 - mid) * s).collect();
    let (mut x, mut y) = (vec![0.0; links + 1], vec![0.0; links + 1]);
    for k in 0..links {
        let c = 1.0 / (1.0 + tan[k] * tan[k]).sqrt();
        x[k + 1] = x[k] + l * c;
        y[k + 1] = y[k] + l * c * tan[k];
    }
    // Close the last node exactly on its support (rounding in the sums).
    x[links] = SPAN;
    y[links] = 0.0;
    let objective: f64 = (0..links).map(|k| l * 0.5 * (y[k] + y[k + 1])).sum();
    let link_multipliers: Vec<f64> = tan
        .iter()
        .map(|t| -h * (1.0 + t * t).sqrt() / (2.0 * l))
        .collect();
    let ends = [-h, 0.5 * l - h * tan[0], h, 0.5 * l + h * tan[links - 1]];
    let multipliers = json!([link_multipliers, ends[0], ends[1], ends[2], ends[3]]);
    let mut flat = link_multipliers;
    flat.extend_from_slice(&ends);

    let start_x: Vec<f64> = (0..=links).map(|k| SPAN * k as f64 / nl).collect();
    let start_y: Vec<f64> = (0..=links)
        .map(|k| -0.4 * (PI * k as f64 / nl).sin())
        .collect();
    let xs = vec![("x".to_string(), x), ("y".to_string(), y)];
    let file = json!({
        "name": format!("chain-{links}"),
        "description": format!(
            "Hanging chain of {links} rigid links (total length {LENGTH}, span {SPAN}, mass per link = its length, \
             at its midpoint). Closed form of the discrete equilibrium: tan(theta_k) = (k - (N-1)/2) s with s \
             the root of sum l cos(theta_k) = D (s = {s:.12}); compare with the catenary y = a cosh((x-D/2)/a) - \
             a cosh(D/(2a)), 2a sinh(D/(2a)) = L, to which it tends as N grows."
        ),
        "variables": [
            {"name": "x", "size": links + 1, "start": start_x},
            {"name": "y", "size": links + 1, "start": start_y}
        ],
        "parameters": {"l": l, "D": SPAN},
        "minimize": "l * (sum(y) - (y[0] + y[-1]) / 2)",
        "constraints": [
            {"name": "links", "equation": "(x[1:] - x[:-1])^2 + (y[1:] - y[:-1])^2 = l^2"},
            {"name": "left_x", "equation": "x[0] = 0"},
            {"name": "left_y", "equation": "y[0] = 0"},
            {"name": "right_x", "equation": "x[-1] = D"},
            {"name": "right_y", "equation": "y[-1] = 0"}
        ],
        "expected": expected(objective, Some(&xs), Some(multipliers)),
    });
    GeneratedProblem {
        file,
        objective,
        x: xs,
        multipliers: Some(flat),
        bound_multipliers: None,
    }
}

/// The same chain with one scalar constraint per link (`link_0` …
/// `link_{N−1}`, each `(x[k+1] - x[k])^2 + (y[k+1] - y[k])^2 = l^2`) instead
/// of one vector constraint: the form a user writes link by link, whose
/// graph has N small constraint expressions instead of one sliced one.
/// Same solution; the multipliers are the same numbers, flattened.
pub fn generate_scalar(links: usize) -> GeneratedProblem {
    let mut generated = generate(links);
    let file = generated
        .file
        .as_object_mut()
        .expect("the chain file is a JSON object");
    file.insert("name".into(), json!(format!("chain-scalar-{links}")));
    let mut constraints: Vec<serde_json::Value> = (0..links)
        .map(|k| {
            json!({
                "name": format!("link_{k}"),
                "equation": format!("(x[{j}] - x[{k}])^2 + (y[{j}] - y[{k}])^2 = l^2", j = k + 1),
            })
        })
        .collect();
    let ends = file["constraints"]
        .as_array()
        .expect("the chain's constraints are a list")[1..]
        .to_vec();
    constraints.extend(ends);
    file.insert("constraints".into(), json!(constraints));
    let flat = generated
        .multipliers
        .clone()
        .expect("the chain has closed-form multipliers");
    file["expected"]["multipliers"] = json!(flat);
    generated
}
