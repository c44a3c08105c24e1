//! JSON output in a fixed key order: objects as written, arrays of numbers
//! on one line, arrays of rows one row per line, non-finite numbers as null.

use std::fmt::Write;

use lagrange::problem_file::Shape;

/// A JSON value to print.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// A number (printed as `null` when not finite).
    Number(f64),
    /// An integer.
    Integer(u64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in the order given.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// An object from (key, value) pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Whether any number in it is NaN or infinite.
    pub fn has_non_finite(&self) -> bool {
        match self {
            Json::Number(v) => !v.is_finite(),
            Json::Null | Json::Integer(_) | Json::String(_) => false,
            Json::Array(items) => items.iter().any(Json::has_non_finite),
            Json::Object(pairs) => pairs.iter().any(|(_, v)| v.has_non_finite()),
        }
    }

    /// The pretty-printed text, with a final newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn is_flat(&self) -> bool {
        !matches!(self, Json::Array(_) | Json::Object(_))
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Number(v) => out.push_str(&number(*v)),
            Json::Integer(v) => {
                let _ = write!(out, "{v}");
            }
            Json::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Json::Array(items) if items.iter().all(Json::is_flat) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, indent);
                }
                out.push(']');
            }
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i > 0 { ",\n" } else { "\n" });
                    push_indent(out, indent + 1);
                    item.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push(']');
            }
            Json::Object(pairs) if pairs.is_empty() => out.push_str("{}"),
            Json::Object(pairs) => {
                out.push('{');
                for (i, (key, value)) in pairs.iter().enumerate() {
                    out.push_str(if i > 0 { ",\n" } else { "\n" });
                    push_indent(out, indent + 1);
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push_str(": ");
                    value.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push('}');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// A number as JSON: shortest round-trip form, `null` when not finite.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "null".to_string();
    }
    let mut buffer = String::new();
    // serde_json writes integers-valued floats as `5.0`, others in shortest form.
    buffer.push_str(&serde_json::to_string(&v).unwrap_or_else(|_| "null".to_string()));
    buffer
}

/// Elements of a value of `shape` as JSON: a number, an array, or an array of rows.
pub fn shaped(shape: Shape, data: &[f64]) -> Json {
    match shape {
        Shape::Scalar => Json::Number(data[0]),
        Shape::Vector(_) => Json::Array(data.iter().map(|&v| Json::Number(v)).collect()),
        Shape::Matrix(_, cols) => Json::Array(
            data.chunks(cols)
                .map(|row| Json::Array(row.iter().map(|&v| Json::Number(v)).collect()))
                .collect(),
        ),
    }
}

/// A row-major dense matrix (rows × cols) as an array of row arrays.
pub fn rows(data: &[f64], cols: usize) -> Json {
    if cols == 0 {
        return Json::Array(Vec::new());
    }
    Json::Array(
        data.chunks(cols)
            .map(|row| Json::Array(row.iter().map(|&v| Json::Number(v)).collect()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_order_with_null_for_non_finite() {
        let value = Json::object([
            ("b", Json::Number(1.5)),
            (
                "a",
                Json::Array(vec![Json::Number(f64::NAN), Json::Number(2.0)]),
            ),
        ]);
        assert!(value.has_non_finite());
        let text = value.render();
        assert!(text.find("\"b\"").unwrap() < text.find("\"a\"").unwrap());
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["a"][0], serde_json::Value::Null);
        assert_eq!(parsed["b"], 1.5);
    }
}
