//! `lagrange generate`: write a problem file of a scalable family.

use std::io::Write;
use std::path::Path;

use lagrange::problem_file::TOP_LEVEL_FIELDS;
use serde_json::Value;

use crate::args::GenerateArgs;
use crate::{unusable, Outcome};

/// Largest size `generate` and `bench` accept (the files stay in memory).
pub const MAX_N: usize = 1_000_000;

/// Parameters with more elements than this go to a `.npy` file under `--npy`.
const NPY_THRESHOLD: usize = 100;

/// A family's problem file at size `n`, or the message of why not.
pub fn family_file(family: &str, n: usize) -> Result<lagrange::families::GeneratedProblem, String> {
    if n > MAX_N {
        return Err(format!("error: n = {n} is too large (at most {MAX_N})"));
    }
    lagrange::families::generate(family, n).map_err(|e| format!("error: {e}"))
}

/// The NumPy (format 1.0, little-endian float64, C order) bytes of an array.
pub fn npy_bytes(shape: &[usize], data: &[f64]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {dims}, }}");
    // Magic (6) + version (2) + length (2) + header, padded to 64 with a final newline.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + 8 * data.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// The shape and row-major numbers of a JSON vector or matrix of numbers.
fn numeric_array(value: &Value) -> Option<(Vec<usize>, Vec<f64>)> {
    let items = value.as_array()?;
    if let Some(v) = items
        .iter()
        .map(Value::as_f64)
        .collect::<Option<Vec<f64>>>()
    {
        return Some((vec![v.len()], v));
    }
    let rows: Vec<Vec<f64>> = items
        .iter()
        .map(|r| r.as_array()?.iter().map(Value::as_f64).collect())
        .collect::<Option<_>>()?;
    let cols = rows.first().map_or(0, Vec::len);
    if rows.iter().any(|r| r.len() != cols) {
        return None;
    }
    Some((vec![rows.len(), cols], rows.concat()))
}

/// Moves large array parameters of `file` into `.npy` files beside `path`.
fn externalize(file: &mut Value, path: &Path) -> Result<(), String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("problem")
        .to_string();
    let dir = path.parent().unwrap_or(Path::new(""));
    let Some(params) = file.get_mut("parameters").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (name, value) in params.iter_mut() {
        let Some((shape, data)) = numeric_array(value) else {
            continue;
        };
        if data.len() <= NPY_THRESHOLD {
            continue;
        }
        let npy_name = format!("{stem}.{name}.npy");
        let npy_path = dir.join(&npy_name);
        std::fs::write(&npy_path, npy_bytes(&shape, &data)).map_err(|e| {
            format!(
                "error: cannot write the NumPy file: {e}\n --> {}",
                npy_path.display()
            )
        })?;
        *value = serde_json::json!({ "npy": npy_name });
    }
    Ok(())
}

/// The file as JSON text with its top-level fields in the contract's order
/// (name first, expected last), pretty or on one line, with a final newline.
pub fn render(file: &Value, compact: bool) -> String {
    let Some(map) = file.as_object() else {
        return format!("{file}\n");
    };
    let rank = |key: &str| {
        TOP_LEVEL_FIELDS
            .iter()
            .position(|k| *k == key)
            .unwrap_or(TOP_LEVEL_FIELDS.len())
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| rank(k));
    let fields: Vec<String> = keys
        .iter()
        .map(|k| {
            let key = serde_json::to_string(k).unwrap_or_default();
            let value = if compact {
                serde_json::to_string(&map[k.as_str()])
            } else {
                serde_json::to_string_pretty(&map[k.as_str()])
            }
            .unwrap_or_default();
            if compact {
                format!("{key}:{value}")
            } else {
                format!("  {key}: {}", value.replace('\n', "\n  "))
            }
        })
        .collect();
    if compact {
        format!("{{{}}}\n", fields.join(","))
    } else {
        format!("{{\n{}\n}}\n", fields.join(",\n"))
    }
}

/// Run `lagrange generate`.
pub fn run(args: &GenerateArgs) -> Outcome {
    let generated = match family_file(&args.family, args.n) {
        Ok(g) => g,
        Err(message) => return unusable(message),
    };
    let mut file = generated.file;
    if args.npy {
        if let Some(path) = &args.output {
            if let Err(message) = externalize(&mut file, path) {
                return unusable(message);
            }
        }
    }
    let text = render(&file, args.compact);
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                return unusable(format!(
                    "error: cannot write the problem file: {e}\n --> {}",
                    path.display()
                ));
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
    }
    Outcome::Success
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_padded_to_64_bytes_and_data_follows() {
        let bytes = npy_bytes(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        assert_eq!((10 + header_len) % 64, 0);
        let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
        assert!(header.contains("'shape': (2, 3)"));
        assert!(header.ends_with('\n'));
        let data = &bytes[10 + header_len..];
        assert_eq!(data.len(), 48);
        assert_eq!(f64::from_le_bytes(data[40..48].try_into().unwrap()), 6.0);
    }

    #[test]
    fn rendering_keeps_the_contract_order_and_the_value() {
        let file = lagrange::families::generate("chain", 4).unwrap().file;
        for compact in [false, true] {
            let text = render(&file, compact);
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, file);
            let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
            assert!(at("name") < at("variables"));
            assert!(at("variables") < at("minimize"));
            assert!(at("constraints") < at("expected"));
        }
    }

    #[test]
    fn matrices_and_vectors_are_recognized() {
        let m = serde_json::json!([[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(
            numeric_array(&m),
            Some((vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]))
        );
        assert_eq!(
            numeric_array(&serde_json::json!([1.0, 2.0])),
            Some((vec![2], vec![1.0, 2.0]))
        );
        assert_eq!(numeric_array(&serde_json::json!([[1.0], [2.0, 3.0]])), None);
        assert_eq!(numeric_array(&serde_json::json!(1.0)), None);
    }
}
