//! `lagrange eval`: values and exact derivatives at a point, as JSON.

use std::io::Write;

use faer::Mat;
use lagrange::problem_file::suggest::nearest;
use lagrange::problem_file::{self, Definition, Shape};
use lagrange::solver::NlpProblem;
use serde_json::Value;

use crate::args::EvalArgs;
use crate::json::{rows, shaped, Json};
use crate::solve::load;
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

/// Numbers of a value of `shape` from JSON: a number (every element), an
/// array, or an array of rows.
fn values_of(value: &Value, shape: Shape, what: &str) -> Result<Vec<f64>, String> {
    let number = |v: &Value| {
        v.as_f64()
            .ok_or_else(|| format!("{what}: expected a number, found {v}"))
    };
    if let Some(v) = value.as_f64() {
        return Ok(vec![v; shape.numel()]);
    }
    let flat: Vec<f64> = match (value, shape) {
        (Value::Array(items), Shape::Matrix(r, c)) => {
            if items.len() != r {
                return Err(format!("{what}: expected {r} rows, found {}", items.len()));
            }
            let mut out = Vec::with_capacity(r * c);
            for (i, row) in items.iter().enumerate() {
                match row {
                    Value::Array(row) if row.len() == c => {
                        for v in row {
                            out.push(number(v)?);
                        }
                    }
                    _ => return Err(format!("{what}: row {i} must be an array of {c} numbers")),
                }
            }
            out
        }
        (Value::Array(items), Shape::Vector(n)) => {
            if items.len() != n {
                return Err(format!(
                    "{what}: expected {n} numbers, found {}",
                    items.len()
                ));
            }
            items.iter().map(number).collect::<Result<_, _>>()?
        }
        _ => {
            return Err(format!(
                "{what}: expected {}, found {value}",
                describe(shape)
            ))
        }
    };
    Ok(flat)
}

fn describe(shape: Shape) -> String {
    match shape {
        Shape::Scalar => "a number".to_string(),
        Shape::Vector(n) => format!("a number or an array of {n} numbers"),
        Shape::Matrix(r, c) => format!("a number or {r} rows of {c} numbers"),
    }
}

/// The point: start values, overridden by `--at`.
fn point(definition: &Definition, at: Option<&str>) -> Result<Vec<f64>, String> {
    let mut x = definition.start();
    let Some(text) = at else {
        return Ok(x);
    };
    let Value::Object(map) = argument_json("--at", text)? else {
        return Err("--at: expected a JSON object from variable names to values".to_string());
    };
    for (name, value) in &map {
        let Some(index) = definition.variable_index(name) else {
            let hint = nearest(name, definition.variables.iter().map(|v| v.name.as_str()))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(format!("--at: unknown variable '{name}'{hint}"));
        };
        let v = &definition.variables[index];
        let values = values_of(value, v.shape, &format!("--at: variable '{name}'"))?;
        x[v.offset..v.offset + values.len()].copy_from_slice(&values);
    }
    Ok(x)
}

/// The multipliers: zeros, or `--multipliers`.
fn multipliers(definition: &Definition, text: Option<&str>) -> Result<Vec<f64>, String> {
    let mut lambda = vec![0.0; definition.num_constraints()];
    let Some(text) = text else {
        return Ok(lambda);
    };
    let Value::Array(items) = argument_json("--multipliers", text)? else {
        return Err(
            "--multipliers: expected a JSON array with one entry per constraint".to_string(),
        );
    };
    if items.len() != definition.constraints.len() {
        return Err(format!(
            "--multipliers: {} entries for {} constraints; give one per constraint",
            items.len(),
            definition.constraints.len()
        ));
    }
    for (item, c) in items.iter().zip(&definition.constraints) {
        let values = values_of(
            item,
            c.shape,
            &format!("--multipliers: constraint '{}'", c.name),
        )?;
        lambda[c.offset..c.offset + values.len()].copy_from_slice(&values);
    }
    Ok(lambda)
}

/// Run `lagrange eval`.
pub fn run(args: &EvalArgs) -> Outcome {
    let definition = match load(&args.file) {
        Ok(d) => d,
        Err(outcome) => return outcome,
    };
    let arguments = point(&definition, args.at.as_deref())
        .and_then(|x| Ok((x, multipliers(&definition, args.multipliers.as_deref())?)));
    let (x, lambda) = match arguments {
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
    let mut problem = match problem_file::compile::compile(&definition) {
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

    let by_variable = |values: &[f64]| {
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
        ("gradient", by_variable(&gradient)),
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
        ("x", by_variable(&x)),
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
