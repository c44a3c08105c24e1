//! Tensor shapes: scalar `[]`, vector `[n]` and row-major matrix `[r, c]`.
//!
//! A shape is a small `Copy` value stored inline in tensor handles, graph
//! nodes and tape registers, so that asking for a shape never touches the
//! heap.

use std::fmt;

/// The shape of a tensor of rank 0, 1 or 2 (row-major).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Shape {
    // u32 keeps graph nodes and ops small; sizes are checked on creation.
    dims: [u32; 2],
    ndim: u8,
}

fn dim32(n: usize) -> u32 {
    u32::try_from(n)
        .unwrap_or_else(|_| panic!("a tensor dimension of {n} is above the supported 2³² − 1"))
}

impl Shape {
    /// The shape `[]` of a scalar.
    pub const SCALAR: Shape = Shape {
        dims: [0, 0],
        ndim: 0,
    };

    /// The shape `[n]` of a vector.
    pub fn vector(n: usize) -> Shape {
        Shape {
            dims: [dim32(n), 0],
            ndim: 1,
        }
    }

    /// The shape `[rows, cols]` of a row-major matrix.
    pub fn matrix(rows: usize, cols: usize) -> Shape {
        Shape {
            dims: [dim32(rows), dim32(cols)],
            ndim: 2,
        }
    }

    /// Builds a shape from its dimensions, or `None` for a rank above 2.
    pub fn from_dims(dims: &[usize]) -> Option<Shape> {
        match *dims {
            [] => Some(Shape::SCALAR),
            [n] => Some(Shape::vector(n)),
            [r, c] => Some(Shape::matrix(r, c)),
            _ => None,
        }
    }

    /// The dimensions as a fixed array (unused entries are 0) and the rank.
    pub fn dims_array(&self) -> ([usize; 2], usize) {
        (
            [self.dims[0] as usize, self.dims[1] as usize],
            self.ndim as usize,
        )
    }

    /// The dimensions, `[]`, `[n]` or `[r, c]`.
    pub fn to_vec(&self) -> Vec<usize> {
        let (d, n) = self.dims_array();
        d[..n].to_vec()
    }

    /// Dimension `i` (0 or 1).
    #[inline]
    pub fn dim(&self, i: usize) -> usize {
        self.dims[i] as usize
    }

    /// The rank (number of dimensions): 0, 1 or 2.
    pub fn ndim(&self) -> usize {
        self.ndim as usize
    }

    /// Number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        match self.ndim {
            0 => 1,
            1 => self.dims[0] as usize,
            _ => self.dims[0] as usize * self.dims[1] as usize,
        }
    }

    /// Whether this is the scalar shape `[]`.
    pub fn is_scalar(&self) -> bool {
        self.ndim == 0
    }

    /// Size of axis 0 (1 for a scalar).
    pub fn rows(&self) -> usize {
        if self.ndim == 0 {
            1
        } else {
            self.dims[0] as usize
        }
    }

    /// Elements per entry of axis 0: 1 for scalars and vectors, the column
    /// count for matrices.
    pub fn row_len(&self) -> usize {
        if self.ndim == 2 {
            self.dims[1] as usize
        } else {
            1
        }
    }

    /// The shape of `rows` entries along axis 0 of this shape.
    pub fn with_rows(&self, rows: usize) -> Shape {
        match self.ndim {
            2 => Shape::matrix(rows, self.dims[1] as usize),
            _ => Shape::vector(rows),
        }
    }

    /// The shape of one entry along axis 0: a scalar for a vector, a row
    /// vector for a matrix.
    pub fn row_shape(&self) -> Shape {
        match self.ndim {
            2 => Shape::vector(self.dims[1] as usize),
            _ => Shape::SCALAR,
        }
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_print_like_their_dims() {
        assert_eq!(Shape::SCALAR.to_string(), "[]");
        assert_eq!(Shape::vector(3).to_string(), "[3]");
        assert_eq!(Shape::matrix(2, 5).to_string(), "[2, 5]");
        assert_eq!(Shape::matrix(2, 5).numel(), 10);
        assert_eq!(Shape::from_dims(&[1, 2, 3]), None);
    }
}
