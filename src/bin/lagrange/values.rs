//! Values shaped like `x` or like `multipliers`, read from JSON: for
//! `eval --at/--multipliers/--bound-multipliers` and `solve --warm-start`.

use lagrange::problem_file::internals::nearest;
use lagrange::problem_file::{Definition, Shape};
use serde_json::{Map, Value};

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

/// `base` with the variables named in `map` replaced (a number sets every
/// element); `what` prefixes error messages.
pub fn by_variable(
    definition: &Definition,
    map: &Map<String, Value>,
    what: &str,
    mut base: Vec<f64>,
) -> Result<Vec<f64>, String> {
    for (name, value) in map {
        let Some(index) = definition.variable_index(name) else {
            let hint = nearest(name, definition.variables.iter().map(|v| v.name.as_str()))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(format!("{what}: unknown variable '{name}'{hint}"));
        };
        let v = &definition.variables[index];
        let values = values_of(value, v.shape, &format!("{what}: variable '{name}'"))?;
        base[v.offset..v.offset + values.len()].copy_from_slice(&values);
    }
    Ok(base)
}

/// Flat multipliers from one JSON entry per constraint.
pub fn by_constraint(
    definition: &Definition,
    items: &[Value],
    what: &str,
) -> Result<Vec<f64>, String> {
    if items.len() != definition.constraints.len() {
        return Err(format!(
            "{what}: {} entries for {} constraints; give one per constraint",
            items.len(),
            definition.constraints.len()
        ));
    }
    let mut lambda = vec![0.0; definition.num_constraints()];
    for (item, c) in items.iter().zip(&definition.constraints) {
        let values = values_of(item, c.shape, &format!("{what}: constraint '{}'", c.name))?;
        lambda[c.offset..c.offset + values.len()].copy_from_slice(&values);
    }
    Ok(lambda)
}
