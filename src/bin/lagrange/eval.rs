//! `lagrange eval`: values and exact derivatives at a point, as JSON.

use std::io::Write;

use faer::Mat;
use lagrange::problem::kkt_residual;
use lagrange::problem_file::{self, Definition};
use lagrange::solver::NlpProblem;
use serde_json::Value;

use crate::args::EvalArgs;
use crate::json::{rows, shaped, Json};
use crate::solve::load;
use crate::values::{by_constraint, by_variable};
use crate::{unusable, Outcome};

/// Dense Jacobians and Hessians above this many entries are refused.
const MAX_DENSE_ENTRIES: usize = 50_000_000;

/// An argument that is JSON text, or `@FILE` naming a file holding it.
fn argument_json(flag: &str, text: &str) -> Result<Value, String> {
    let (source, text) = match text.strip_prefix('@') {
        Some(path) => (
            format!("{flag} @{path}"),
            std::fs::read_to_string(path)
                .map_err(|e| format!("{flag}: cannot read '{path}': {e}"))?,
        ),
        None => (flag.to_string(), text.to_string()),
    };
    serde_json::from_str(&text).map_err(|e| format!("{source}: not valid JSON: {e}"))
}

/// The point: start values, overridden by `--at`.
fn point(definition: &Definition, at: Option<&str>) -> Result<Vec<f64>, String> {
    let x = definition.start();
    let Some(text) = at else {
        return Ok(x);
    };
    let Value::Object(map) = argument_json("--at", text)? else {
        return Err("--at: expected a JSON object from variable names to values".to_string());
    };
    by_variable(definition, &map, "--at", x)
}

/// The bound multipliers: zeros, overridden by `--bound-multipliers`.
fn bound_multipliers(definition: &Definition, text: Option<&str>) -> Result<Vec<f64>, String> {
    let z = vec![0.0; definition.num_variables()];
    let Some(text) = text else {
        return Ok(z);
    };
    let Value::Object(map) = argument_json("--bound-multipliers", text)? else {
        return Err(
            "--bound-multipliers: expected a JSON object from variable names to values".to_string(),
        );
    };
    by_variable(definition, &map, "--bound-multipliers", z)
}

/// The multipliers: zeros, or `--multipliers`.
fn multipliers(definition: &Definition, text: Option<&str>) -> Result<Vec<f64>, String> {
    let Some(text) = text else {
        return Ok(vec![0.0; definition.num_constraints()]);
    };
    let Value::Array(items) = argument_json("--multipliers", text)? else {
        return Err(
            "--multipliers: expected a JSON array with one entry per constraint".to_string(),
        );
    };
    by_constraint(definition, &items, "--multipliers")
}

/// Run `lagrange eval`.
pub fn run(args: &EvalArgs) -> Outcome {
    let definition = match load(&args.file) {
        Ok(d) => d,
        Err(outcome) => return outcome,
    };
    let arguments = point(&definition, args.at.as_deref()).and_then(|x| {
        let lambda = multipliers(&definition, args.multipliers.as_deref())?;
        let z = bound_multipliers(&definition, args.bound_multipliers.as_deref())?;
        Ok((x, lambda, z))
    });
    let (x, lambda, z) = match arguments {
        Ok(v) => v,
        Err(message) => return unusable(format!("error: {message}")),
    };
    let n = definition.num_variables();
    let m = definition.num_constraints();
    if n.saturating_mul(n.max(m)) > MAX_DENSE_ENTRIES {
        return unusable(format!(
            "error: {n} variables and {m} constraints: the dense Jacobian and Hessian are too large to print\n --> {}",
            definition.path.display()
        ));
    }
    let mut problem = match problem_file::compile(&definition) {
        Ok(p) => p,
        Err(e) => return unusable(e.render()),
    };
    let objective = problem.objective(&x);
    let mut gradient = vec![0.0; n];
    problem.gradient(&x, &mut gradient);
    let mut g = vec![0.0; m];
    problem.constraints(&x, &mut g);
    let mut jacobian = Mat::<f64>::zeros(m, n);
    problem.jacobian(&x, jacobian.as_mut());
    let mut hessian = Mat::<f64>::zeros(n, n);
    problem.hessian_of_lagrangian(&x, 1.0, &lambda, hessian.as_mut());
    let residual = kkt_residual(&mut problem, &x, &lambda, &z);

    let shaped_by_variable = |values: &[f64]| {
        Json::object(definition.variables.iter().map(|v| {
            (
                v.name.clone(),
                shaped(v.shape, &values[v.offset..v.offset + v.shape.numel()]),
            )
        }))
    };
    let dense = |mat: &Mat<f64>| {
        let mut data = Vec::with_capacity(mat.nrows() * mat.ncols());
        for i in 0..mat.nrows() {
            for j in 0..mat.ncols() {
                data.push(mat[(i, j)]);
            }
        }
        rows(&data, mat.ncols())
    };
    let output = Json::object([
        ("objective", Json::Number(objective)),
        ("gradient", shaped_by_variable(&gradient)),
        (
            "constraints",
            Json::Array(
                definition
                    .constraints
                    .iter()
                    .map(|c| shaped(c.shape, &g[c.offset..c.offset + c.shape.numel()]))
                    .collect(),
            ),
        ),
        ("jacobian", dense(&jacobian)),
        ("hessian", dense(&hessian)),
        (
            "lagrangian_gradient",
            shaped_by_variable(&residual.lagrangian_gradient),
        ),
        ("kkt_residual", Json::Number(residual.value())),
        ("x", shaped_by_variable(&x)),
    ]);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(output.render().as_bytes());
    let _ = stdout.flush();
    if output.has_non_finite() {
        Outcome::NotConverged
    } else {
        Outcome::Success
    }
}
