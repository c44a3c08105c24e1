//! Reading NumPy `.npy` files: float64, 1-D or 2-D, C or Fortran order.

use std::path::Path;

use super::dense::Dense;

/// Why a `.npy` file cannot be a parameter. The messages are plain
/// sentences; the caller adds the file and the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NpyError {
    /// The file could not be read.
    #[error("{message}")]
    Read {
        /// The operating system's message.
        message: String,
    },
    /// The file does not start with the `.npy` magic bytes.
    #[error("not a NumPy .npy file (bad magic bytes)")]
    BadMagic,
    /// The header is cut short.
    #[error("truncated header")]
    TruncatedHeader,
    /// A format version other than 1, 2 or 3.
    #[error("unsupported .npy format version {version}")]
    UnsupportedVersion {
        /// The major version byte.
        version: u8,
    },
    /// The header is not UTF-8 text.
    #[error("header is not text")]
    HeaderNotText,
    /// The header dictionary lacks a key.
    #[error("header has no '{key}'")]
    MissingKey {
        /// `descr`, `fortran_order` or `shape`.
        key: &'static str,
    },
    /// The elements are not float64.
    #[error("element type '{descr}' is not float64 (save with dtype=np.float64)")]
    NotFloat64 {
        /// The header's `descr`, such as `<i8`.
        descr: String,
    },
    /// The shape is not a tuple of sizes.
    #[error("bad shape '{shape}'")]
    BadShape {
        /// The header's `shape` text.
        shape: String,
    },
    /// The element count overflows.
    #[error("shape too large")]
    ShapeTooLarge,
    /// The data does not have the bytes the shape needs.
    #[error("data has {found} bytes, the shape {dims:?} needs {expected}")]
    DataLength {
        /// The shape in the header.
        dims: Vec<usize>,
        /// 8 bytes per element of the shape.
        expected: usize,
        /// Bytes after the header.
        found: usize,
    },
    /// An element is NaN or infinite.
    #[error("element {index} is {value}, not a finite number")]
    NotFinite {
        /// Position in file order.
        index: usize,
        /// The element.
        value: f64,
    },
    /// A dimension is zero.
    #[error("the array is empty")]
    Empty,
    /// Neither 1-D nor 2-D.
    #[error("the array has {dims} dimensions; only 1-D and 2-D arrays can be parameters")]
    Rank {
        /// Number of dimensions.
        dims: usize,
    },
}

/// Read a `.npy` file into a vector (1-D) or a row-major matrix (2-D).
pub fn read_npy(path: &Path) -> Result<Dense, NpyError> {
    let bytes = std::fs::read(path).map_err(|e| NpyError::Read {
        message: e.to_string(),
    })?;
    parse_npy(&bytes)
}

/// Parse the bytes of a `.npy` file.
pub fn parse_npy(bytes: &[u8]) -> Result<Dense, NpyError> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(NpyError::BadMagic);
    }
    let major = bytes[6];
    let (header_len, header_start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10usize),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(NpyError::TruncatedHeader);
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        version => return Err(NpyError::UnsupportedVersion { version }),
    };
    let data_start = header_start
        .checked_add(header_len)
        .filter(|&end| end <= bytes.len())
        .ok_or(NpyError::TruncatedHeader)?;
    let header = std::str::from_utf8(&bytes[header_start..data_start])
        .map_err(|_| NpyError::HeaderNotText)?;
    let key = |key: &'static str| header_value(header, key).ok_or(NpyError::MissingKey { key });
    let descr = key("descr")?.trim_matches(|c| c == '\'' || c == '"');
    let little = cfg!(target_endian = "little");
    let native_f8 = matches!(descr, "<f8" | "=f8" | "f8") && little;
    if !(native_f8 || descr == ">f8") {
        return Err(NpyError::NotFloat64 {
            descr: descr.to_string(),
        });
    }
    let swap = descr == ">f8";
    let fortran = key("fortran_order")?.starts_with("True");
    let shape_text = key("shape")?;
    let dims: Vec<usize> = shape_text
        .trim_start_matches('(')
        .split(')')
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<usize>().map_err(|_| NpyError::BadShape {
                shape: shape_text.to_string(),
            })
        })
        .collect::<Result<_, _>>()?;
    let count = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or(NpyError::ShapeTooLarge)?;
    let payload = &bytes[data_start..];
    if payload.len() != count * 8 {
        return Err(NpyError::DataLength {
            expected: count * 8,
            found: payload.len(),
            dims,
        });
    }
    let mut data: Vec<f64> = payload
        .chunks_exact(8)
        .map(|c| {
            let b: [u8; 8] = c.try_into().expect("chunks of 8");
            if swap {
                f64::from_be_bytes(b)
            } else {
                f64::from_le_bytes(b)
            }
        })
        .collect();
    if let Some(index) = data.iter().position(|v| !v.is_finite()) {
        return Err(NpyError::NotFinite {
            index,
            value: data[index],
        });
    }
    match dims.as_slice() {
        [0] | [0, _] | [_, 0] => Err(NpyError::Empty),
        [_] => Ok(Dense::vector(data)),
        [r, c] => {
            if fortran {
                let mut row_major = vec![0.0; r * c];
                for j in 0..*c {
                    for i in 0..*r {
                        row_major[i * c + j] = data[j * r + i];
                    }
                }
                data = row_major;
            }
            Ok(Dense::matrix(*r, *c, data))
        }
        _ => Err(NpyError::Rank { dims: dims.len() }),
    }
}

/// The text after `'key':` in a Python dict literal, up to the next top-level comma.
fn header_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = header[at + key.len() + 2..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    if rest.starts_with('(') {
        let end = rest.find(')')?;
        return Some(&rest[..=end]);
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Encode a float64 array as `.npy` bytes (version 1.0, C order): for tests
/// and for users who generate parameter files from Rust.
pub fn encode_npy(value: &Dense) -> Vec<u8> {
    let shape = match value.shape.dims().as_slice() {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    // Pad so that the data starts at a multiple of 64 bytes, ending with '\n'.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + value.data.len() * 8);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in &value.data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
        let at = bytes
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("pattern present");
        let mut out = bytes[..at].to_vec();
        out.extend_from_slice(to.as_bytes());
        out.extend_from_slice(&bytes[at + from.len()..]);
        out
    }

    #[test]
    fn round_trip_vector_and_matrix() {
        let v = Dense::vector(vec![1.0, -2.5, 3.0]);
        assert_eq!(parse_npy(&encode_npy(&v)).unwrap(), v);
        let m = Dense::matrix(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(parse_npy(&encode_npy(&m)).unwrap(), m);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(parse_npy(b"hello"), Err(NpyError::BadMagic));
        let mut bytes = encode_npy(&Dense::vector(vec![1.0, 2.0]));
        bytes.pop();
        let err = parse_npy(&bytes).unwrap_err();
        assert_eq!(
            err,
            NpyError::DataLength {
                dims: vec![2],
                expected: 16,
                found: 15
            }
        );
        assert_eq!(err.to_string(), "data has 15 bytes, the shape [2] needs 16");
        let int = replace(&encode_npy(&Dense::vector(vec![1.0])), "<f8", "<i8");
        let err = parse_npy(&int).unwrap_err();
        assert!(err.to_string().contains("float64"), "{err}");
        assert!(matches!(err, NpyError::NotFloat64 { descr } if descr == "<i8"));
        let nan = encode_npy(&Dense::vector(vec![1.0, f64::NAN]));
        assert!(matches!(
            parse_npy(&nan),
            Err(NpyError::NotFinite { index: 1, .. })
        ));
    }

    #[test]
    fn fortran_order_is_transposed_to_rows() {
        let m = Dense::matrix(2, 3, vec![1.0, 3.0, 5.0, 2.0, 4.0, 6.0]);
        let bytes = encode_npy(&m);
        let fortran = replace(&bytes, "'fortran_order': False", "'fortran_order': True ");
        let parsed = parse_npy(&fortran).unwrap();
        assert_eq!(parsed.data, vec![1.0, 5.0, 4.0, 3.0, 2.0, 6.0]);
    }
}
