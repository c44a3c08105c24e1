//! `solve --warm-start PREVIOUS.json`: a previous `solve --json` output
//! read back into [`WarmStart`] (x by name, multipliers, bound_multipliers).

use std::path::Path;

use lagrange::problem_file::Definition;
use lagrange::solver::WarmStart;
use serde_json::Value;

use crate::values::{by_constraint, by_variable};

/// The warm start in `path`, or the rendered error (file and field).
pub fn read(definition: &Definition, path: &Path) -> Result<WarmStart, String> {
    let fail = |field: &str, message: String| {
        let at = if field.is_empty() {
            String::new()
        } else {
            format!(": {field}")
        };
        format!(
            "error: --warm-start: {message}\n --> {}{at}",
            path.display()
        )
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail("", format!("cannot read the warm-start file: {e}")))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| fail("", format!("not valid JSON: {e}")))?;
    let Value::Object(output) = value else {
        return Err(fail(
            "",
            "expected the JSON object of 'solve --json'".to_string(),
        ));
    };
    let Some(Value::Object(x)) = output.get("x") else {
        return Err(fail(
            "x",
            "expected an object from variable names to values".to_string(),
        ));
    };
    if let Some(missing) = definition
        .variables
        .iter()
        .find(|v| !x.contains_key(&v.name))
    {
        return Err(fail(
            "x",
            format!("no value for variable '{}'", missing.name),
        ));
    }
    let x = by_variable(definition, x, "x", definition.start()).map_err(|m| fail("x", m))?;
    let multipliers = match output.get("multipliers") {
        Some(Value::Array(items)) => {
            by_constraint(definition, items, "multipliers").map_err(|m| fail("multipliers", m))?
        }
        None if definition.constraints.is_empty() => Vec::new(),
        _ => {
            return Err(fail(
                "multipliers",
                "expected an array with one entry per constraint".to_string(),
            ))
        }
    };
    let zeros = vec![0.0; definition.num_variables()];
    let bound_multipliers = match output.get("bound_multipliers") {
        None => zeros,
        Some(Value::Object(z)) => by_variable(definition, z, "bound_multipliers", zeros)
            .map_err(|m| fail("bound_multipliers", m))?,
        Some(_) => {
            return Err(fail(
                "bound_multipliers",
                "expected an object from variable names to values".to_string(),
            ))
        }
    };
    Ok(WarmStart {
        x,
        multipliers,
        bound_multipliers,
    })
}
