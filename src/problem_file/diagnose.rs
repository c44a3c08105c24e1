//! Precise locations for errors that serde reports without a path.
//!
//! The fast path reads a file straight into the serde model. When that
//! fails, this module walks the JSON as a generic value to name the field
//! (`variables[1].start`) and say what was expected; for text that is not
//! JSON at all it reports line and column, and recognises the non-finite
//! numbers (`NaN`, `Infinity`, `1e999`) that some JSON writers produce.

use std::path::Path;

use serde_json::{Map, Value};

use super::error::{ErrorKind, FileError, Snippet};
use super::model::TOP_LEVEL_FIELDS;
use super::suggest::nearest;

/// Marker substituted for a non-finite token to find the field that holds it.
const MARKER: &str = "\u{1}lagrange-non-finite\u{1}";

/// Explain why `text` did not read into the model (`serde_error` is the
/// fast path's error, the fallback when no better explanation is found).
pub fn diagnose(file: &Path, text: &str, serde_error: &serde_json::Error) -> FileError {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return syntax_error(file, text, &e),
    };
    if let Err(error) = walk_file(&value) {
        return FileError::new(file, error.kind).at(error.field);
    }
    // The walk found nothing: fall back on serde's message and position.
    json_error(file, text, serde_error)
}

/// An error found by the walk: the field and what is wrong.
struct Found {
    field: String,
    kind: ErrorKind,
}

fn found(field: &str, kind: ErrorKind) -> Found {
    Found {
        field: field.to_string(),
        kind,
    }
}

fn invalid(field: &str, message: String) -> Found {
    found(field, ErrorKind::InvalidValue { message })
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a string".to_string(),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

fn object<'a>(
    value: &'a Value,
    field: &str,
    allowed: &[&'static str],
) -> Result<&'a Map<String, Value>, Found> {
    let Value::Object(map) = value else {
        return Err(invalid(
            field,
            format!("expected an object, found {}", describe(value)),
        ));
    };
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            let at = if field.is_empty() {
                key.clone()
            } else {
                format!("{field}.{key}")
            };
            return Err(found(
                &at,
                ErrorKind::UnknownField {
                    field: key.clone(),
                    expected: allowed
                        .iter()
                        .copied()
                        .filter(|f| !f.starts_with('$'))
                        .collect(),
                    suggestion: nearest(key, allowed.iter().copied()),
                },
            ));
        }
    }
    Ok(map)
}

fn string(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::String(_) => Ok(()),
        _ => Err(invalid(
            field,
            format!("expected a string, found {}", describe(value)),
        )),
    }
}

fn number(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::Number(_) => Ok(()),
        Value::String(s) if s == MARKER => Err(found(
            field,
            ErrorKind::NonFinite {
                token: "NaN".into(),
            },
        )),
        _ => Err(invalid(
            field,
            format!("expected a number, found {}", describe(value)),
        )),
    }
}

fn count(value: &Value, field: &str) -> Result<(), Found> {
    match value.as_u64() {
        Some(_) => Ok(()),
        None => Err(invalid(
            field,
            format!("expected a non-negative integer, found {}", describe(value)),
        )),
    }
}

fn numbers(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                number(item, &format!("{field}[{i}]"))?;
            }
            Ok(())
        }
        _ => Err(invalid(
            field,
            format!("expected an array of numbers, found {}", describe(value)),
        )),
    }
}

fn number_or_array(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::Array(_) => numbers(value, field),
        Value::Number(_) => Ok(()),
        _ => number(value, field).map_err(|e| match e.kind {
            ErrorKind::InvalidValue { .. } => invalid(
                field,
                format!(
                    "expected a number or an array of numbers, found {}",
                    describe(value)
                ),
            ),
            _ => e,
        }),
    }
}

/// A bound: a number, an array of numbers and nulls, or an expression string.
fn bound_value(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::String(s) if s == MARKER => number(value, field),
        Value::String(_) | Value::Number(_) => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if !item.is_null() {
                    number(item, &format!("{field}[{i}]")).map_err(|e| match e.kind {
                        ErrorKind::InvalidValue { .. } => invalid(
                            &format!("{field}[{i}]"),
                            format!("expected a number or null, found {}", describe(item)),
                        ),
                        _ => e,
                    })?;
                }
            }
            Ok(())
        }
        _ => Err(invalid(
            field,
            format!(
                "expected a number, an array of numbers and nulls, or an expression string, found {}",
                describe(value)
            ),
        )),
    }
}

/// A number, an array of numbers, or an array of arrays of numbers.
fn tensor(value: &Value, field: &str) -> Result<(), Found> {
    match value {
        Value::Array(items) if items.iter().any(Value::is_array) => {
            for (i, item) in items.iter().enumerate() {
                numbers(item, &format!("{field}[{i}]"))?;
            }
            Ok(())
        }
        _ => number_or_array(value, field).map_err(|e| match e.kind {
            ErrorKind::InvalidValue { .. } if !matches!(value, Value::Array(_)) => invalid(
                field,
                format!(
                    "expected a number, an array or an array of rows, found {}",
                    describe(value)
                ),
            ),
            _ => e,
        }),
    }
}

fn walk_file(value: &Value) -> Result<(), Found> {
    let Value::Object(_) = value else {
        return Err(invalid(
            "",
            format!("a problem file is a JSON object, found {}", describe(value)),
        ));
    };
    let map = object(value, "", &TOP_LEVEL_FIELDS)?;
    for (key, item) in map {
        match key.as_str() {
            "name" | "description" | "$schema" | "minimize" | "maximize" => string(item, key)?,
            "variables" => {
                let Value::Array(vars) = item else {
                    return Err(invalid(
                        key,
                        format!("expected an array of variables, found {}", describe(item)),
                    ));
                };
                for (i, var) in vars.iter().enumerate() {
                    let field = format!("variables[{i}]");
                    let obj = object(var, &field, &["name", "size", "start", "lower", "upper"])?;
                    match obj.get("name") {
                        Some(name) => string(name, &format!("{field}.name"))?,
                        None => {
                            return Err(found(&field, ErrorKind::MissingField { field: "name" }))
                        }
                    }
                    if let Some(size) = obj.get("size") {
                        count(size, &format!("{field}.size"))?;
                    }
                    if let Some(start) = obj.get("start") {
                        number_or_array(start, &format!("{field}.start"))?;
                    }
                    for side in ["lower", "upper"] {
                        if let Some(bound) = obj.get(side) {
                            bound_value(bound, &format!("{field}.{side}"))?;
                        }
                    }
                }
            }
            "parameters" => {
                let Value::Object(params) = item else {
                    return Err(invalid(
                        key,
                        format!(
                            "expected an object of named parameters, found {}",
                            describe(item)
                        ),
                    ));
                };
                for (name, param) in params {
                    let field = format!("parameters.{name}");
                    if param.is_object() {
                        let obj = object(param, &field, &["npy"])?;
                        match obj.get("npy") {
                            Some(path) => string(path, &format!("{field}.npy"))?,
                            None => {
                                return Err(found(&field, ErrorKind::MissingField { field: "npy" }))
                            }
                        }
                    } else {
                        tensor(param, &field)?;
                    }
                }
            }
            "constraints" => {
                let Value::Array(items) = item else {
                    return Err(invalid(
                        key,
                        format!("expected an array of constraints, found {}", describe(item)),
                    ));
                };
                for (i, c) in items.iter().enumerate() {
                    let field = format!("constraints[{i}]");
                    match c {
                        Value::String(_) => {}
                        Value::Object(_) => {
                            let obj = object(c, &field, &["name", "equation"])?;
                            for required in ["name", "equation"] {
                                match obj.get(required) {
                                    Some(v) => string(v, &format!("{field}.{required}"))?,
                                    None => {
                                        return Err(found(&field, ErrorKind::MissingField { field: required }))
                                    }
                                }
                            }
                        }
                        _ => {
                            return Err(invalid(
                                &field,
                                format!(
                                    "expected an equation string or {{\"name\": ..., \"equation\": ...}}, found {}",
                                    describe(c)
                                ),
                            ))
                        }
                    }
                }
            }
            "options" => {
                let obj = object(
                    item,
                    key,
                    &["tolerance", "max_iterations", "barrier", "linear_solver"],
                )?;
                if let Some(t) = obj.get("tolerance") {
                    number(t, "options.tolerance")?;
                }
                for word in ["barrier", "linear_solver"] {
                    if let Some(v) = obj.get(word) {
                        string(v, &format!("options.{word}"))?;
                    }
                }
                if let Some(n) = obj.get("max_iterations") {
                    count(n, "options.max_iterations")?;
                }
            }
            "expected" => {
                let obj = object(
                    item,
                    key,
                    &[
                        "objective",
                        "x",
                        "multipliers",
                        "bound_multipliers",
                        "tolerance",
                    ],
                )?;
                for scalar in ["objective", "tolerance"] {
                    if let Some(v) = obj.get(scalar) {
                        number(v, &format!("expected.{scalar}"))?;
                    }
                }
                for by_name in ["x", "bound_multipliers"] {
                    let Some(x) = obj.get(by_name) else {
                        continue;
                    };
                    let Value::Object(values) = x else {
                        return Err(invalid(
                            &format!("expected.{by_name}"),
                            format!(
                                "expected an object from variable names to values, found {}",
                                describe(x)
                            ),
                        ));
                    };
                    for (name, v) in values {
                        tensor(v, &format!("expected.{by_name}.{name}"))?;
                    }
                }
                if let Some(m) = obj.get("multipliers") {
                    let Value::Array(values) = m else {
                        return Err(invalid(
                            "expected.multipliers",
                            format!(
                                "expected an array with one entry per constraint, found {}",
                                describe(m)
                            ),
                        ));
                    };
                    for (i, v) in values.iter().enumerate() {
                        tensor(v, &format!("expected.multipliers[{i}]"))?;
                    }
                }
            }
            _ => unreachable!("unknown fields are rejected by `object`"),
        }
    }
    if !map.contains_key("variables") {
        return Err(found("", ErrorKind::MissingField { field: "variables" }));
    }
    Ok(())
}

/// Byte offset of 1-based (line, column) in `text`, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(text.len());
    let mut offset = line_start;
    for ch in text[line_start..].chars().take(column.saturating_sub(1)) {
        if ch == '\n' {
            break;
        }
        offset += ch.len_utf8();
    }
    offset
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-')
}

/// The number-like token around byte `offset`, if it is a non-finite number.
fn non_finite_token(text: &str, offset: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // serde_json reports the position at or just after the token.
    for probe in [offset, offset.saturating_sub(1)] {
        if probe >= bytes.len() || !is_token_char(bytes[probe]) {
            continue;
        }
        let mut start = probe;
        while start > 0 && is_token_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = probe;
        while end < bytes.len() && is_token_char(bytes[end]) {
            end += 1;
        }
        let token = &text[start..end];
        let lower = token.to_ascii_lowercase();
        let named = matches!(
            lower.trim_start_matches(['-', '+']),
            "nan" | "inf" | "infinity"
        );
        let overflow = token.parse::<f64>().is_ok_and(|v| !v.is_finite());
        if named || overflow {
            return Some((start, end));
        }
    }
    None
}

fn path_of(value: &Value, path: &mut String) -> bool {
    match value {
        Value::String(s) => s == MARKER,
        Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let hit = path_of(item, path);
            if !hit {
                path.truncate(len);
            }
            hit
        }),
        Value::Object(map) => map.iter().any(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let hit = path_of(item, path);
            if !hit {
                path.truncate(len);
            }
            hit
        }),
        _ => false,
    }
}

fn syntax_error(file: &Path, text: &str, error: &serde_json::Error) -> FileError {
    let offset = offset_of(text, error.line(), error.column());
    if let Some((start, end)) = non_finite_token(text, offset) {
        let token = text[start..end].to_string();
        // JSON escapes for the marker's control characters.
        let patched = format!(
            r#"{}"\u0001lagrange-non-finite\u0001"{}"#,
            &text[..start],
            &text[end..]
        );
        let mut patched = patched;
        let mut field = String::new();
        let mut located = false;
        // Later non-finite numbers would stop the parse too: neutralise them.
        for _ in 0..1000 {
            match serde_json::from_str::<Value>(&patched) {
                Ok(v) => {
                    located = path_of(&v, &mut field);
                    break;
                }
                Err(e) => {
                    let at = offset_of(&patched, e.line(), e.column());
                    match non_finite_token(&patched, at) {
                        Some((s, e)) => patched.replace_range(s..e, "0"),
                        None => break,
                    }
                }
            }
        }
        let mut err = FileError::new(file, ErrorKind::NonFinite { token });
        err.json_position = Some((error.line(), column_of(text, start)));
        err.snippet = Some(Box::new(line_snippet(text, start, end)));
        if located {
            err.field = Some(field);
        }
        return err;
    }
    json_error(file, text, error)
}

fn column_of(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].chars().count() + 1
}

/// A snippet holding just the line of `text` around `start..end`.
fn line_snippet(text: &str, start: usize, end: usize) -> Snippet {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    Snippet::new(line, start - line_start, end.min(line_end) - line_start)
}

/// serde_json's error with its position, without the "at line L column C" suffix.
pub fn json_error(file: &Path, text: &str, error: &serde_json::Error) -> FileError {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let mut err = FileError::new(file, ErrorKind::Json { message });
    if error.line() > 0 {
        let offset = offset_of(text, error.line(), error.column().max(1));
        err.json_position = Some((error.line(), error.column()));
        if offset < text.len() && !text[offset..].starts_with('\n') {
            err.snippet = Some(Box::new(line_snippet(text, offset, offset + 1)));
        } else if let Some(line) = text.lines().nth(error.line() - 1) {
            let line = line.trim_end_matches('\r');
            err.snippet = Some(Box::new(Snippet::new(line, line.len(), line.len())));
        }
    }
    err
}
