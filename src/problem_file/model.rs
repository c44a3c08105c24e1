//! The serde model of a problem file, field for field as in the spec.
//!
//! Every struct rejects unknown fields. The loader ([`super::load()`]) reads
//! files into these types and then validates what serde cannot (names,
//! lengths, rectangular matrices, expressions).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The top-level fields a problem file may have, in the contract's order.
pub const TOP_LEVEL_FIELDS: [&str; 10] = [
    "name",
    "description",
    "variables",
    "parameters",
    "minimize",
    "maximize",
    "constraints",
    "options",
    "expected",
    "$schema",
];

/// A problem file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemFile {
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON-schema reference for editors; ignored.
    #[serde(default, rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The variables, in order.
    pub variables: Vec<VariableSpec>,
    /// Named constants.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, ParameterSpec>,
    /// The objective to minimize.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimize: Option<String>,
    /// The objective to maximize.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximize: Option<String>,
    /// The equality constraints, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintSpec>,
    /// Solver options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsSpec>,
    /// The known answer, for `lagrange check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<ExpectedSpec>,
}

/// A variable: a scalar, or a vector when `size` is given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    /// An identifier.
    pub name: String,
    /// Number of elements of a vector variable; absent for a scalar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    /// The start value; absent means 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<NumberOrArray>,
    /// The lower bound; absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<BoundSpec>,
    /// The upper bound; absent means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<BoundSpec>,
}

/// A variable bound as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BoundSpec {
    /// One number for every element.
    Number(f64),
    /// One entry per element, `null` for none.
    Array(Vec<Option<f64>>),
    /// An expression of parameters only, scalar or of the variable's size.
    Expression(String),
}

/// A number, or an array of numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberOrArray {
    /// One number.
    Number(f64),
    /// An array of numbers.
    Array(Vec<f64>),
}

/// A parameter value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParameterSpec {
    /// A scalar.
    Number(f64),
    /// A vector.
    Vector(Vec<f64>),
    /// A matrix, as an array of rows of equal length.
    Matrix(Vec<Vec<f64>>),
    /// A NumPy `.npy` file (float64, 1-D or 2-D), relative to the problem file.
    Npy(NpySpec),
}

/// `{"npy": "A.npy"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NpySpec {
    /// Path of the `.npy` file, relative to the problem file.
    pub npy: String,
}

/// A constraint: an equation string, or a named one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConstraintSpec {
    /// `"lhs = rhs"`, named `c<k>` after its position k.
    Equation(String),
    /// `{"name": ..., "equation": ...}`.
    Named(NamedConstraint),
}

/// A named constraint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedConstraint {
    /// The name used in reports.
    pub name: String,
    /// `"lhs = rhs"`.
    pub equation: String,
}

/// Solver options given in the file (command-line flags override them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionsSpec {
    /// Convergence tolerance (default 1e-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    /// Iteration limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_iterations: Option<usize>,
    /// `"monotone"` or `"adaptive"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barrier: Option<String>,
    /// `"auto"`, `"dense"` or `"sparse"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear_solver: Option<String>,
}

/// The known answer of a problem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedSpec {
    /// The optimal objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<f64>,
    /// The optimal variables, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<BTreeMap<String, ValueSpec>>,
    /// The multipliers, one entry per constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multipliers: Option<Vec<ValueSpec>>,
    /// The bound multipliers, by variable name (shaped like `x`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_multipliers: Option<BTreeMap<String, ValueSpec>>,
    /// Error bound of each number, absolute or relative (default 1e-6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
}

/// A number, a vector or a matrix (array of rows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValueSpec {
    /// A scalar.
    Number(f64),
    /// A vector.
    Vector(Vec<f64>),
    /// A matrix, as rows.
    Matrix(Vec<Vec<f64>>),
}
