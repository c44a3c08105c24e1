//! Second-order classification of a point on the constraints' tangent space.
//!
//! With Z an orthonormal basis of the null space of J (from the SVD of J,
//! whose numerical rank also tells whether constraints are dependent), the
//! reduced Hessian Zᵀ ∇²L Z of L = f − λᵀg (f as written) decides:
//! positive definite → minimum, negative definite → maximum, both signs →
//! saddle, otherwise degenerate.

use faer::{Mat, MatRef, Side};

use super::evaluate::EvaluationCounter;
use super::nlp::{NlpProblem, Sense};
use super::result::PointKind;

/// A singular value below this times the largest (times max(m, n)) counts
/// as zero when judging the rank of J.
const RANK_RELATIVE: f64 = 1e3 * f64::EPSILON;
/// A reduced-Hessian eigenvalue below this times the largest Hessian entry
/// counts as zero.
const EIGEN_RELATIVE: f64 = 1e-8;
/// Floor of the zero threshold for eigenvalues.
const EIGEN_ABSOLUTE: f64 = 1e-14;

/// Outcome of the second-order analysis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Classification {
    /// The kind of point (None when the Hessian was not finite or the
    /// eigensolver failed).
    pub point: Option<PointKind>,
    /// Numerical rank of J.
    pub rank: usize,
    /// rank < m: the constraints are dependent at this point.
    pub dependent_constraints: bool,
}

/// Numerical rank of J and an orthonormal basis of its null space (n × (n − rank)).
pub fn null_space(jac: MatRef<'_, f64>) -> Option<(usize, Mat<f64>)> {
    let (m, n) = (jac.nrows(), jac.ncols());
    if m == 0 || n == 0 {
        return Some((0, Mat::identity(n, n)));
    }
    let svd = jac.svd().ok()?;
    let s = svd.S();
    let count = m.min(n);
    let largest = (0..count).fold(0.0f64, |a, i| a.max(s[i].abs()));
    let threshold = RANK_RELATIVE * (m.max(n) as f64) * largest;
    let rank = (0..count).filter(|&i| s[i].abs() > threshold).count();
    // faer orders singular values non-increasingly, so the last n − rank
    // columns of V span the null space.
    let v = svd.V();
    let z = Mat::from_fn(n, n - rank, |i, j| v[(i, rank + j)]);
    Some((rank, z))
}

/// Classifies `x` with contract multipliers `lambda`; `jac` is J(x). When
/// `with_hessian` is false only the rank is computed (no Hessian evaluation).
pub fn classify<P: NlpProblem + ?Sized>(
    problem: &mut P,
    counter: &mut EvaluationCounter,
    x: &[f64],
    lambda: &[f64],
    jac: MatRef<'_, f64>,
    with_hessian: bool,
) -> Classification {
    let m = jac.nrows();
    let n = x.len();
    let Some((rank, z)) = null_space(jac) else {
        return Classification {
            point: None,
            rank: 0,
            dependent_constraints: false,
        };
    };
    let mut out = Classification {
        point: None,
        rank,
        dependent_constraints: rank < m,
    };
    if !with_hessian {
        return out;
    }
    let tangent = z.ncols();
    if tangent == 0 {
        // An isolated feasible point: a strict minimum and maximum at once.
        out.point = Some(match problem.sense() {
            Sense::Minimize => PointKind::Minimum,
            Sense::Maximize => PointKind::Maximum,
        });
        return out;
    }
    let mut hess = Mat::zeros(n, n);
    if !counter.hessian(problem, x, 1.0, lambda, &mut hess) {
        return out;
    }
    // Symmetric W from its lower triangle.
    let w = Mat::from_fn(n, n, |i, j| hess[(i.max(j), i.min(j))]);
    let scale = (0..n).fold(0.0f64, |a, j| (0..n).fold(a, |a, i| a.max(w[(i, j)].abs())));
    let reduced = z.transpose() * &w * &z;
    let Ok(eigenvalues) = reduced.self_adjoint_eigenvalues(Side::Lower) else {
        return out;
    };
    let zero = (EIGEN_RELATIVE * scale).max(EIGEN_ABSOLUTE);
    let positive = eigenvalues.iter().filter(|&&e| e > zero).count();
    let negative = eigenvalues.iter().filter(|&&e| e < -zero).count();
    out.point = Some(if positive == tangent {
        PointKind::Minimum
    } else if negative == tangent {
        PointKind::Maximum
    } else if positive > 0 && negative > 0 {
        PointKind::Saddle
    } else {
        PointKind::Degenerate
    });
    out
}
