//! Plain dense values and a direct evaluator of checked expressions.
//!
//! Used to fold constant subexpressions while checking, to hold parameter
//! values, and as an independent reference for the tensor compilation.

use std::sync::Arc;

use super::functions::Elementwise;
use super::lower::{Backend, Binary};
use super::shape::Shape;

/// A dense value: a shape and its elements in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// The shape.
    pub shape: Shape,
    /// The elements, row-major; `shape.numel()` of them.
    pub data: Vec<f64>,
}

impl Dense {
    /// A scalar.
    pub fn scalar(value: f64) -> Dense {
        Dense {
            shape: Shape::Scalar,
            data: vec![value],
        }
    }

    /// A vector.
    pub fn vector(data: Vec<f64>) -> Dense {
        Dense {
            shape: Shape::Vector(data.len()),
            data,
        }
    }

    /// A row-major matrix; `data.len()` must be `rows * cols`.
    pub fn matrix(rows: usize, cols: usize, data: Vec<f64>) -> Dense {
        debug_assert_eq!(rows * cols, data.len());
        Dense {
            shape: Shape::Matrix(rows, cols),
            data,
        }
    }

    fn with_shape(shape: Shape, data: Vec<f64>) -> Dense {
        Dense { shape, data }
    }

    /// The elements of row `i` of axis 0 (one element for a vector).
    fn row_width(&self) -> usize {
        match self.shape {
            Shape::Matrix(_, c) => c,
            _ => 1,
        }
    }
}

/// Elementwise combination with scalar broadcasting (shapes already checked).
fn zip(a: &Dense, b: &Dense, f: impl Fn(f64, f64) -> f64) -> Dense {
    let shape = a.shape.broadcast(b.shape).unwrap_or(a.shape);
    let data = if a.data.len() == b.data.len() {
        a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect()
    } else if a.data.len() == 1 {
        b.data.iter().map(|&y| f(a.data[0], y)).collect()
    } else {
        a.data.iter().map(|&x| f(x, b.data[0])).collect()
    };
    Dense::with_shape(shape, data)
}

/// Evaluates checked expressions on plain `f64` data.
pub struct DenseBackend<'a> {
    /// Variable values, by index.
    pub variables: &'a [Arc<Dense>],
    /// Parameter values, by index.
    pub parameters: &'a [Arc<Dense>],
}

impl Backend for DenseBackend<'_> {
    type Value = Arc<Dense>;

    fn constant(&mut self, value: &Arc<Dense>) -> Arc<Dense> {
        value.clone()
    }

    fn variable(&mut self, index: usize) -> Arc<Dense> {
        self.variables[index].clone()
    }

    fn parameter(&mut self, index: usize) -> Arc<Dense> {
        self.parameters[index].clone()
    }

    fn neg(&mut self, a: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(Dense::with_shape(
            a.shape,
            a.data.iter().map(|v| -v).collect(),
        ))
    }

    fn binary(&mut self, op: Binary, a: &Arc<Dense>, b: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(match op {
            Binary::Add => zip(a, b, |x, y| x + y),
            Binary::Sub => zip(a, b, |x, y| x - y),
            Binary::Mul => zip(a, b, |x, y| x * y),
            Binary::Div => zip(a, b, |x, y| x / y),
            Binary::Pow => zip(a, b, f64::powf),
        })
    }

    fn powf(&mut self, a: &Arc<Dense>, exponent: f64) -> Arc<Dense> {
        Arc::new(Dense::with_shape(
            a.shape,
            a.data.iter().map(|v| v.powf(exponent)).collect(),
        ))
    }

    fn map(&mut self, f: Elementwise, a: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(Dense::with_shape(
            a.shape,
            a.data.iter().map(|&v| f.apply(v)).collect(),
        ))
    }

    fn matmul(&mut self, a: &Arc<Dense>, b: &Arc<Dense>) -> Arc<Dense> {
        // Treat a vector on the left as a row, on the right as a column.
        let (m, k) = match a.shape {
            Shape::Matrix(r, c) => (r, c),
            Shape::Vector(n) => (1, n),
            Shape::Scalar => (1, 1),
        };
        let n = match b.shape {
            Shape::Matrix(_, c) => c,
            _ => 1,
        };
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for p in 0..k {
                let aip = a.data[i * k + p];
                let row = &b.data[p * n..(p + 1) * n];
                for (o, &bpj) in out[i * n..(i + 1) * n].iter_mut().zip(row) {
                    *o += aip * bpj;
                }
            }
        }
        let shape = match (a.shape, b.shape) {
            (Shape::Matrix(..), Shape::Matrix(..)) => Shape::Matrix(m, n),
            (Shape::Matrix(..), _) => Shape::Vector(m),
            (_, Shape::Matrix(..)) => Shape::Vector(n),
            _ => Shape::Scalar,
        };
        Arc::new(Dense::with_shape(shape, out))
    }

    fn index(&mut self, a: &Arc<Dense>, i: usize) -> Arc<Dense> {
        let w = a.row_width();
        let data = a.data[i * w..(i + 1) * w].to_vec();
        Arc::new(match a.shape {
            Shape::Matrix(..) => Dense::vector(data),
            _ => Dense::scalar(data[0]),
        })
    }

    fn slice(&mut self, a: &Arc<Dense>, start: usize, end: usize) -> Arc<Dense> {
        let w = a.row_width();
        let data = a.data[start * w..end * w].to_vec();
        Arc::new(match a.shape {
            Shape::Matrix(_, c) => Dense::matrix(end - start, c, data),
            _ => Dense::vector(data),
        })
    }

    fn sum(&mut self, a: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(Dense::scalar(a.data.iter().sum()))
    }

    fn norm(&mut self, a: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(Dense::scalar(
            a.data.iter().map(|v| v * v).sum::<f64>().sqrt(),
        ))
    }

    fn dot(&mut self, a: &Arc<Dense>, b: &Arc<Dense>) -> Arc<Dense> {
        Arc::new(Dense::scalar(
            a.data.iter().zip(&b.data).map(|(x, y)| x * y).sum(),
        ))
    }
}

/// The matrix product rule of `@` on shapes, or `None` when it does not apply.
pub fn matmul_shape(a: Shape, b: Shape) -> Option<Shape> {
    match (a, b) {
        (Shape::Matrix(m, k), Shape::Vector(k2)) if k == k2 => Some(Shape::Vector(m)),
        (Shape::Matrix(m, k), Shape::Matrix(k2, n)) if k == k2 => Some(Shape::Matrix(m, n)),
        (Shape::Vector(k), Shape::Matrix(k2, n)) if k == k2 => Some(Shape::Vector(n)),
        (Shape::Vector(k), Shape::Vector(k2)) if k == k2 => Some(Shape::Scalar),
        _ => None,
    }
}
