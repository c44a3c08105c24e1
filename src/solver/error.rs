//! Errors in setting up the solver's matrices for a problem: sparsity
//! patterns that do not fit the problem, and a sparse KKT structure that
//! cannot be ordered or analysed.
//!
//! These are the solver layer's only errors; the solver reports them as an
//! `InvalidProblem` status whose message is the error's text. A failure to
//! converge is a status, never one of these.

use faer::sparse::FaerError;
use thiserror::Error;

/// Which of the problem's sparsity patterns an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternKind {
    /// The constraint Jacobian's (m × n).
    Jacobian,
    /// The Hessian of the Lagrangian's (n × n, lower triangle: row ≥ col).
    Hessian,
}

impl std::fmt::Display for PatternKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PatternKind::Jacobian => "Jacobian",
            PatternKind::Hessian => "Hessian",
        })
    }
}

/// Why the solver could not set up the Jacobian, Hessian or KKT storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum SetupError {
    /// A pattern's declared shape is not the problem's.
    #[error(
        "the {pattern} pattern is {} × {}, expected {} × {}",
        found.0, found.1, expected.0, expected.1
    )]
    PatternShape {
        /// The pattern.
        pattern: PatternKind,
        /// Its declared (rows, columns).
        found: (usize, usize),
        /// The problem's (rows, columns) for it.
        expected: (usize, usize),
    },
    /// A pattern's row and column index lists differ in length.
    #[error("the {pattern} pattern has {rows} row indices but {cols} column indices")]
    PatternLengths {
        /// The pattern.
        pattern: PatternKind,
        /// Length of its row index list.
        rows: usize,
        /// Length of its column index list.
        cols: usize,
    },
    /// A pattern entry lies outside the matrix.
    #[error(
        "the {pattern} pattern has entry ({row}, {col}) outside {} × {}",
        shape.0, shape.1
    )]
    EntryOutside {
        /// The pattern.
        pattern: PatternKind,
        /// The entry's row index.
        row: usize,
        /// The entry's column index.
        col: usize,
        /// The matrix's (rows, columns).
        shape: (usize, usize),
    },
    /// A Hessian pattern entry lies above the diagonal (only the lower
    /// triangle is stored).
    #[error(
        "the {pattern} pattern has entry ({row}, {col}) above the diagonal (row ≥ col expected)"
    )]
    EntryAboveDiagonal {
        /// The pattern.
        pattern: PatternKind,
        /// The entry's row index.
        row: usize,
        /// The entry's column index.
        col: usize,
    },
    /// The workspace of the fill-reducing ordering could not be allocated.
    #[error("out of memory ordering the sparse KKT matrix")]
    OrderingOutOfMemory,
    /// faer's fill-reducing (AMD) ordering failed.
    #[error("ordering of the sparse KKT matrix failed: {0:?}")]
    Ordering(FaerError),
    /// faer's symbolic Cholesky analysis failed.
    #[error("symbolic analysis of the sparse KKT matrix failed: {0:?}")]
    SymbolicAnalysis(FaerError),
}
