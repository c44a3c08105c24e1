//! Scalable problem families with closed-form solutions, for benchmarks and
//! tests: each generator writes a problem file (the JSON of the contract in
//! `shared/spec/problem-format.md`, with vector operations so files stay
//! small) together with its exact solution.
//!
//! This module produces problem files; it knows nothing of the solver.

mod chain;
mod entropy;
mod quadratic;
mod rayleigh;
mod sphere_quartic;
mod util;

use serde_json::Value;

/// A generated problem: its file and its exact solution.
#[derive(Clone, Debug)]
pub struct GeneratedProblem {
    /// The problem file as JSON (with `expected` filled in).
    pub file: Value,
    /// The exact optimal objective.
    pub objective: f64,
    /// The exact solution, per variable name, in declaration order.
    pub x: Vec<(String, Vec<f64>)>,
    /// The exact multipliers, flat, when they are part of the closed form.
    pub multipliers: Option<Vec<f64>>,
}

/// The names of the families, as accepted by [`generate`].
pub const FAMILIES: [&str; 6] = [
    "quadratic",
    "entropy",
    "rayleigh",
    "chain",
    "chain-scalar",
    "sphere-quartic",
];

/// Error from [`generate`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FamilyError {
    /// The family name is not one of [`FAMILIES`].
    #[error(
        "unknown family '{0}' (known: quadratic, entropy, rayleigh, chain, chain-scalar, sphere-quartic)"
    )]
    UnknownFamily(String),
    /// The size is below the family's minimum.
    #[error("family '{family}' needs n >= {min}, got {n}")]
    TooSmall {
        /// The family.
        family: &'static str,
        /// Smallest size it supports.
        min: usize,
        /// The size asked for.
        n: usize,
    },
}

/// Generates the family `name` at size `n` (number of variables, or of links
/// for the chain; `chain-scalar` is the chain written with one constraint
/// string per link).
pub fn generate(name: &str, n: usize) -> Result<GeneratedProblem, FamilyError> {
    let (family, min) = match name {
        "quadratic" => ("quadratic", 2),
        "entropy" => ("entropy", 3),
        "rayleigh" => ("rayleigh", 2),
        "chain" => ("chain", 2),
        "chain-scalar" => ("chain-scalar", 2),
        "sphere-quartic" => ("sphere-quartic", 2),
        _ => return Err(FamilyError::UnknownFamily(name.to_string())),
    };
    if n < min {
        return Err(FamilyError::TooSmall { family, min, n });
    }
    Ok(match family {
        "quadratic" => quadratic::generate(n),
        "entropy" => entropy::generate(n),
        "rayleigh" => rayleigh::generate(n),
        "chain" => chain::generate(n),
        "chain-scalar" => chain::generate_scalar(n),
        _ => sphere_quartic::generate(n),
    })
}
