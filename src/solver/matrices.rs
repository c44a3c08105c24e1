//! Storage of the constraint Jacobian and of the Hessian of the Lagrangian,
//! dense or sparse, with the few operations the Newton iteration needs
//! (products, row and column norms, finiteness checks).
//!
//! The dense form is an m × n (Jacobian) or n × n (Hessian, lower triangle
//! read) matrix; the sparse form is a shared [`SparsityPattern`] in
//! coordinate form and one value per pattern entry, so that nothing on the
//! sparse path is O(n²) in memory. Duplicate pattern entries are allowed:
//! their values add up.

use std::sync::Arc;

use faer::Mat;

use super::error::{PatternKind, SetupError};
use super::nlp::{NlpProblem, SparsityPattern};

/// The constraint Jacobian J (m × n).
#[derive(Clone, Debug)]
pub enum Jacobian {
    /// Every entry stored.
    Dense(Mat<f64>),
    /// Only the pattern's entries stored.
    Sparse {
        /// Positions of the stored entries.
        pattern: Arc<SparsityPattern>,
        /// Value of each entry of the pattern.
        values: Vec<f64>,
    },
}

impl Jacobian {
    /// Zeros in the layout of `template` (same pattern, shared).
    pub fn zeros_like(template: &Jacobian) -> Jacobian {
        match template {
            Jacobian::Dense(a) => Jacobian::Dense(Mat::zeros(a.nrows(), a.ncols())),
            Jacobian::Sparse { pattern, .. } => Jacobian::Sparse {
                pattern: pattern.clone(),
                values: vec![0.0; pattern.nnz()],
            },
        }
    }

    /// Number of stored entries (m·n when dense).
    pub fn stored(&self) -> usize {
        match self {
            Jacobian::Dense(a) => a.nrows() * a.ncols(),
            Jacobian::Sparse { values, .. } => values.len(),
        }
    }

    /// J at x from the problem (its dense or its sparse methods).
    pub fn evaluate<P: NlpProblem + ?Sized>(&mut self, problem: &mut P, x: &[f64]) {
        match self {
            Jacobian::Dense(a) => problem.jacobian(x, a.as_mut()),
            Jacobian::Sparse { values, .. } => problem.jacobian_values(x, values),
        }
    }

    /// Whether every stored entry is finite.
    pub fn all_finite(&self) -> bool {
        match self {
            Jacobian::Dense(a) => {
                (0..a.ncols()).all(|j| (0..a.nrows()).all(|i| a[(i, j)].is_finite()))
            }
            Jacobian::Sparse { values, .. } => values.iter().all(|v| v.is_finite()),
        }
    }

    /// maxⱼ |Jᵢⱼ| of each row i into `out` (length m).
    pub fn row_max_abs(&self, out: &mut [f64]) {
        out.fill(0.0);
        match self {
            Jacobian::Dense(a) => {
                for j in 0..a.ncols() {
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = o.max(a[(i, j)].abs());
                    }
                }
            }
            Jacobian::Sparse { pattern, values } => {
                for (&r, v) in pattern.rows.iter().zip(values) {
                    out[r] = out[r].max(v.abs());
                }
            }
        }
    }

    /// self = diag(s) · `source` (same layout).
    pub fn scale_rows_from(&mut self, source: &Jacobian, s: &[f64]) {
        match (self, source) {
            (Jacobian::Dense(a), Jacobian::Dense(b)) => {
                for j in 0..a.ncols() {
                    for (i, si) in s.iter().enumerate() {
                        a[(i, j)] = si * b[(i, j)];
                    }
                }
            }
            (Jacobian::Sparse { pattern, values }, Jacobian::Sparse { values: src, .. }) => {
                for ((v, b), &r) in values.iter_mut().zip(src).zip(&pattern.rows) {
                    *v = s[r] * b;
                }
            }
            _ => unreachable!("Jacobians of different layouts"),
        }
    }

    /// out = J x (x of length n, out of length m).
    pub fn mul(&self, x: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        match self {
            Jacobian::Dense(a) => {
                for (j, xj) in x.iter().enumerate() {
                    for (i, o) in out.iter_mut().enumerate() {
                        *o += a[(i, j)] * xj;
                    }
                }
            }
            Jacobian::Sparse { pattern, values } => {
                for ((&r, &c), v) in pattern.rows.iter().zip(&pattern.cols).zip(values) {
                    out[r] += v * x[c];
                }
            }
        }
    }

    /// out = out + α Jᵀ y (y of length m, out of length n).
    pub fn add_transpose_mul(&self, alpha: f64, y: &[f64], out: &mut [f64]) {
        match self {
            Jacobian::Dense(a) => {
                for (j, o) in out.iter_mut().enumerate() {
                    let mut s = 0.0;
                    for (i, yi) in y.iter().enumerate() {
                        s += a[(i, j)] * yi;
                    }
                    *o += alpha * s;
                }
            }
            Jacobian::Sparse { pattern, values } => {
                for ((&r, &c), v) in pattern.rows.iter().zip(&pattern.cols).zip(values) {
                    out[c] += alpha * v * y[r];
                }
            }
        }
    }

    /// Σᵢ |Jᵢⱼ| of each column j into `out` (length n).
    pub fn col_abs_sums(&self, out: &mut [f64]) {
        out.fill(0.0);
        match self {
            Jacobian::Dense(a) => {
                for (j, o) in out.iter_mut().enumerate() {
                    *o = (0..a.nrows()).map(|i| a[(i, j)].abs()).sum();
                }
            }
            Jacobian::Sparse { pattern, values } => {
                for (&c, v) in pattern.cols.iter().zip(values) {
                    out[c] += v.abs();
                }
            }
        }
    }
}

/// The Hessian of the Lagrangian W (n × n, symmetric; the lower triangle
/// is what counts).
#[derive(Clone, Debug)]
pub enum Hessian {
    /// Every entry stored (the lower triangle is read).
    Dense(Mat<f64>),
    /// Only the pattern's entries (row ≥ col) stored.
    Sparse {
        /// Positions of the stored entries.
        pattern: Arc<SparsityPattern>,
        /// Value of each entry of the pattern.
        values: Vec<f64>,
    },
}

impl Hessian {
    /// ∇²(σ f − Σ μᵢ gᵢ) at x from the problem; false when a stored entry
    /// (of the lower triangle, when dense) is not finite.
    pub fn evaluate<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        x: &[f64],
        objective_factor: f64,
        mu: &[f64],
    ) -> bool {
        match self {
            Hessian::Dense(h) => {
                problem.hessian_of_lagrangian(x, objective_factor, mu, h.as_mut());
                let n = h.nrows();
                (0..n).all(|j| (j..n).all(|i| h[(i, j)].is_finite()))
            }
            Hessian::Sparse { values, .. } => {
                problem.hessian_values(x, objective_factor, mu, values);
                values.iter().all(|v| v.is_finite())
            }
        }
    }

    /// Multiplies every entry by −1.
    pub fn negate(&mut self) {
        match self {
            Hessian::Dense(h) => {
                let n = h.nrows();
                for j in 0..n {
                    for i in 0..n {
                        h[(i, j)] = -h[(i, j)];
                    }
                }
            }
            Hessian::Sparse { values, .. } => values.iter_mut().for_each(|v| *v = -*v),
        }
    }
}

/// Checks a pattern's shape and indices against an `nrows` × `ncols`
/// matrix (for the Hessian, also that every entry is in the lower
/// triangle); the first problem found otherwise.
pub fn check_pattern(
    which: PatternKind,
    pattern: &SparsityPattern,
    nrows: usize,
    ncols: usize,
) -> Result<(), SetupError> {
    if pattern.nrows != nrows || pattern.ncols != ncols {
        return Err(SetupError::PatternShape {
            pattern: which,
            found: (pattern.nrows, pattern.ncols),
            expected: (nrows, ncols),
        });
    }
    if pattern.rows.len() != pattern.cols.len() {
        return Err(SetupError::PatternLengths {
            pattern: which,
            rows: pattern.rows.len(),
            cols: pattern.cols.len(),
        });
    }
    let lower = which == PatternKind::Hessian;
    for (&row, &col) in pattern.rows.iter().zip(&pattern.cols) {
        if row >= nrows || col >= ncols {
            return Err(SetupError::EntryOutside {
                pattern: which,
                row,
                col,
                shape: (nrows, ncols),
            });
        }
        if lower && row < col {
            return Err(SetupError::EntryAboveDiagonal {
                pattern: which,
                row,
                col,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(nrows: usize, ncols: usize, entries: &[(usize, usize)]) -> SparsityPattern {
        SparsityPattern {
            nrows,
            ncols,
            rows: entries.iter().map(|e| e.0).collect(),
            cols: entries.iter().map(|e| e.1).collect(),
        }
    }

    /// Each check names the pattern and the facts, in the messages the
    /// solver reports.
    #[test]
    fn pattern_errors_carry_the_facts() {
        let (jac, hess) = (PatternKind::Jacobian, PatternKind::Hessian);
        assert_eq!(check_pattern(hess, &pattern(2, 2, &[(1, 0)]), 2, 2), Ok(()));
        let shape = check_pattern(jac, &pattern(2, 3, &[]), 1, 3).unwrap_err();
        assert_eq!(
            shape,
            SetupError::PatternShape {
                pattern: jac,
                found: (2, 3),
                expected: (1, 3)
            }
        );
        assert_eq!(
            shape.to_string(),
            "the Jacobian pattern is 2 × 3, expected 1 × 3"
        );
        let mut lengths = pattern(2, 2, &[(0, 0)]);
        lengths.cols.push(1);
        assert_eq!(
            check_pattern(hess, &lengths, 2, 2).unwrap_err().to_string(),
            "the Hessian pattern has 1 row indices but 2 column indices"
        );
        let outside = check_pattern(jac, &pattern(1, 3, &[(0, 3)]), 1, 3).unwrap_err();
        assert_eq!(
            outside,
            SetupError::EntryOutside {
                pattern: jac,
                row: 0,
                col: 3,
                shape: (1, 3)
            }
        );
        assert_eq!(
            outside.to_string(),
            "the Jacobian pattern has entry (0, 3) outside 1 × 3"
        );
        // Above the diagonal is an error for the Hessian only.
        let upper = pattern(2, 2, &[(0, 1)]);
        assert_eq!(check_pattern(jac, &upper, 2, 2), Ok(()));
        assert_eq!(
            check_pattern(hess, &upper, 2, 2).unwrap_err().to_string(),
            "the Hessian pattern has entry (0, 1) above the diagonal (row ≥ col expected)"
        );
    }
}
