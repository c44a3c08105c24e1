//! Scalable problem families with closed-form solutions, for benchmarks and
//! tests: each generator writes a problem file (the JSON of the contract in
//! `shared/spec/problem-format.md`, with vector operations so files stay
//! small) together with its exact solution.
//!
//! The inequality families (`simplex`, `water-filling`, `knapsack`,
//! `isotonic`) use variable bounds and `>=` constraints; their `expected`
//! adds `bound_multipliers` where the problem has bounds, in the contract's
//! convention (∇f = Jᵀλ + z, λ and z the derivatives of the optimal
//! objective with respect to the right-hand side and the active bound).
//!
//! This module produces problem files; it knows nothing of the solver.

mod chain;
mod entropy;
mod isotonic;
mod knapsack;
mod quadratic;
mod rayleigh;
mod simplex;
mod sphere_quartic;
mod util;
mod water_filling;

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
    /// The exact bound multipliers z, per variable name and shaped like `x`,
    /// when the problem has variable bounds.
    pub bound_multipliers: Option<Vec<(String, Vec<f64>)>>,
}

/// The names of the families, as accepted by [`generate`]: the
/// [`EQUALITY_FAMILIES`] followed by the [`INEQUALITY_FAMILIES`].
pub const FAMILIES: [&str; 10] = [
    "quadratic",
    "entropy",
    "rayleigh",
    "chain",
    "chain-scalar",
    "sphere-quartic",
    "simplex",
    "water-filling",
    "knapsack",
    "isotonic",
];

/// The families whose constraints are all equations (no bounds, no
/// inequalities): the ones the equality-constrained Newton solver takes.
pub const EQUALITY_FAMILIES: [&str; 6] = [
    "quadratic",
    "entropy",
    "rayleigh",
    "chain",
    "chain-scalar",
    "sphere-quartic",
];

/// The families with variable bounds or inequality constraints, which need
/// the bound and inequality grammar and the interior-point solver.
pub const INEQUALITY_FAMILIES: [&str; 4] = ["simplex", "water-filling", "knapsack", "isotonic"];

/// Error from [`generate`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FamilyError {
    /// The family name is not one of [`FAMILIES`].
    #[error(
        "unknown family '{0}' (known: quadratic, entropy, rayleigh, chain, chain-scalar, sphere-quartic, \
         simplex, water-filling, knapsack, isotonic)"
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
///
/// The inequality families are well posed at every n from their minimum to
/// 10⁶, with strict complementarity: every active bound or inequality has a
/// nonzero multiplier, every inactive one a positive distance.
pub fn generate(name: &str, n: usize) -> Result<GeneratedProblem, FamilyError> {
    let (family, min) = match name {
        "quadratic" => ("quadratic", 2),
        "entropy" => ("entropy", 3),
        "rayleigh" => ("rayleigh", 2),
        "chain" => ("chain", 2),
        "chain-scalar" => ("chain-scalar", 2),
        "sphere-quartic" => ("sphere-quartic", 2),
        "simplex" => ("simplex", 2),
        "water-filling" => ("water-filling", 2),
        "knapsack" => ("knapsack", 3),
        "isotonic" => ("isotonic", 2),
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
        "sphere-quartic" => sphere_quartic::generate(n),
        "simplex" => simplex::generate(n),
        "water-filling" => water_filling::generate(n),
        "knapsack" => knapsack::generate(n),
        _ => isotonic::generate(n),
    })
}
