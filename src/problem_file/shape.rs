//! Shapes of expression values: scalar, vector or matrix.

use std::fmt;

/// The shape of a value in a problem file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A single number.
    Scalar,
    /// A vector of n numbers.
    Vector(usize),
    /// A matrix of rows × columns numbers, row-major.
    Matrix(usize, usize),
}

impl Shape {
    /// Number of scalar elements.
    pub fn numel(self) -> usize {
        match self {
            Shape::Scalar => 1,
            Shape::Vector(n) => n,
            Shape::Matrix(r, c) => r * c,
        }
    }

    /// Whether the shape is a scalar.
    pub fn is_scalar(self) -> bool {
        self == Shape::Scalar
    }

    /// The dimensions as a list (`[]`, `[n]`, `[r, c]`).
    pub fn dims(self) -> Vec<usize> {
        match self {
            Shape::Scalar => vec![],
            Shape::Vector(n) => vec![n],
            Shape::Matrix(r, c) => vec![r, c],
        }
    }

    /// Length of axis 0 (what indexing and slicing act on); `None` for a scalar.
    pub fn leading(self) -> Option<usize> {
        match self {
            Shape::Scalar => None,
            Shape::Vector(n) => Some(n),
            Shape::Matrix(r, _) => Some(r),
        }
    }

    /// The shape of an elementwise combination (equal shapes, or one scalar
    /// broadcast to the other), or `None` when they do not fit.
    pub fn broadcast(self, other: Shape) -> Option<Shape> {
        if self == other || other.is_scalar() {
            Some(self)
        } else if self.is_scalar() {
            Some(other)
        } else {
            None
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Scalar => write!(f, "a scalar"),
            Shape::Vector(n) => write!(f, "a vector of {n}"),
            Shape::Matrix(r, c) => write!(f, "a {r}×{c} matrix"),
        }
    }
}
