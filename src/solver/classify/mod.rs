//! Second-order classification of a point on the constraints' tangent space.
//!
//! With Z an orthonormal basis of the null space of J (from the SVD of J,
//! whose numerical rank also tells whether constraints are dependent), the
//! reduced Hessian Zᵀ ∇²L Z of L = f − λᵀg (f as written) decides:
//! positive definite → minimum, negative definite → maximum, both signs →
//! saddle, otherwise degenerate.
//!
//! [`classify`] computes Z and the eigenvalues densely (O(n³), small
//! problems); [`classify_by_inertia`] reaches the same verdict from the
//! inertia of KKT matrices (sparse problems, large dense ones).

mod active_set;

pub use active_set::{classify_on_active_set, ActiveSet};

use faer::{Mat, MatRef, Side};

use super::evaluate::EvaluationCounter;
use super::linear::KktSolver;
use super::matrices::{Hessian, Jacobian};
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
/// `with_hessian` is false only the rank is computed (no Hessian
/// evaluation). `hessian` is ∇²(f − λᵀg) at `x` when the caller already
/// holds it (n × n, at least its lower triangle, exactly what
/// `problem.hessian_of_lagrangian(x, 1.0, lambda, ·)` writes); `None`
/// evaluates it. The solver passes the Hessian of its last iteration when
/// that was evaluated with these very arguments: on small problems the
/// evaluation is a visible part of the solve.
pub fn classify<P: NlpProblem + ?Sized>(
    problem: &mut P,
    counter: &mut EvaluationCounter,
    x: &[f64],
    lambda: &[f64],
    jac: MatRef<'_, f64>,
    with_hessian: bool,
    hessian: Option<MatRef<'_, f64>>,
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
        out.point = Some(isolated_point(problem.sense()));
        return out;
    }
    let evaluated;
    let hess = match hessian {
        Some(h) => {
            // Held by the caller, finite (it was checked when evaluated).
            assert!(h.nrows() == n && h.ncols() == n, "Hessian is not n × n");
            h
        }
        None => {
            let mut h = Hessian::Dense(Mat::zeros(n, n));
            if !counter.hessian(problem, x, 1.0, lambda, &mut h) {
                return out;
            }
            let Hessian::Dense(h) = h else { unreachable!() };
            evaluated = h;
            evaluated.as_ref()
        }
    };
    out.point = reduced_hessian_verdict(z.as_ref(), hess);
    out
}

/// The verdict from the eigenvalues of Zᵀ W Z (Z: orthonormal basis of the
/// tangent space, at least one column; `w`: lower triangle read); None when
/// the eigensolver fails.
fn reduced_hessian_verdict(z: MatRef<'_, f64>, w: MatRef<'_, f64>) -> Option<PointKind> {
    let n = w.nrows();
    // Symmetric W from its lower triangle.
    let w = Mat::from_fn(n, n, |i, j| w[(i.max(j), i.min(j))]);
    let scale = (0..n).fold(0.0f64, |a, j| (0..n).fold(a, |a, i| a.max(w[(i, j)].abs())));
    let reduced = z.transpose() * &w * z;
    let eigenvalues = reduced.self_adjoint_eigenvalues(Side::Lower).ok()?;
    let zero = (EIGEN_RELATIVE * scale).max(EIGEN_ABSOLUTE);
    let positive = eigenvalues.iter().filter(|&&e| e > zero).count();
    let negative = eigenvalues.iter().filter(|&&e| e < -zero).count();
    Some(verdict(z.ncols(), positive, negative))
}

/// Minimum, maximum, saddle or degenerate from the counts of reduced
/// eigenvalues above ε and below −ε on a tangent space of this dimension.
fn verdict(tangent: usize, positive: usize, negative: usize) -> PointKind {
    if positive == tangent {
        PointKind::Minimum
    } else if negative == tangent {
        PointKind::Maximum
    } else if positive > 0 && negative > 0 {
        PointKind::Saddle
    } else {
        PointKind::Degenerate
    }
}

/// Dense problems with more variables than this are classified from KKT
/// inertias (O((n + m)³/3) per factorization) instead of an SVD of J and an
/// eigensolve of the reduced Hessian (several times slower at that size).
pub const DENSE_INERTIA_MIN_VARIABLES: usize = 200;
/// A pivot of the equilibrated [I Jᵀ; J 0] below this times its largest
/// entry counts as zero when judging the rank of J from inertia.
const RANK_PIVOT_RELATIVE: f64 = 1e-13;
/// −γ on the diagonal of the constraint block once dependent rows are
/// removed: their only entry (and negligible beside the other pivots).
const DECOUPLED_GAMMA: f64 = 1e-200;

/// Classifies `x` (contract multipliers `lambda`, Jacobian `jac`) from the
/// inertia of KKT matrices, without any dense n × n work on the sparse path.
///
/// The rank of J comes from [I Jᵀ; J 0], whose inertia is
/// (n, rank, m − rank). When J has full rank, Haynsworth's inertia formula
/// gives In([W Jᵀ; J 0]) = In(Zᵀ W Z) + (m, m, 0) for Z a basis of the null
/// space of J; with a shift s, the matrix with W + sI counts the reduced
/// eigenvalues above −s (positive) or below −s (negative). Two shifted
/// factorizations, s = −ε and s = +ε with ε the threshold of the dense path,
/// thus count the reduced eigenvalues > ε and < −ε; the others count as
/// zero. When J is rank-deficient, the sparse path finds the dependent rows
/// (the tiny pivots of [I Jᵀ; J 0]) and removes them, so the same counts
/// hold with the rank in place of m among the positive ones; a large dense
/// problem with dependent rows falls back to [`classify`].
///
/// `kkt` must be a solver for this problem's layout and `hessian` storage
/// of the same layout (both are overwritten).
#[allow(clippy::too_many_arguments)]
pub fn classify_by_inertia<P: NlpProblem + ?Sized>(
    problem: &mut P,
    counter: &mut EvaluationCounter,
    x: &[f64],
    lambda: &[f64],
    jac: &Jacobian,
    kkt: &mut KktSolver,
    hessian: &mut Hessian,
    with_hessian: bool,
) -> Classification {
    let (n, m) = (x.len(), lambda.len());
    let mut out = Classification {
        point: None,
        rank: m,
        dependent_constraints: false,
    };
    let Some((rank, dependent)) = rank_by_inertia(kkt, jac, m) else {
        return out;
    };
    out.rank = rank;
    out.dependent_constraints = rank < m;
    if !with_hessian {
        return out;
    }
    let tangent = n - out.rank.min(n);
    if tangent == 0 {
        out.point = Some(isolated_point(problem.sense()));
        return out;
    }
    if out.dependent_constraints {
        if let Jacobian::Dense(j) = jac {
            // Rare on this path (large dense problems): the dense analysis.
            return classify(problem, counter, x, lambda, j.as_ref(), true, None);
        }
    }
    if !counter.hessian(problem, x, 1.0, lambda, hessian) {
        return out;
    }
    out.point = inertia_verdict(kkt, hessian, jac, &dependent, rank, tangent);
    out
}

/// An isolated feasible point: a strict minimum and maximum at once, named
/// after the objective's sense.
fn isolated_point(sense: Sense) -> PointKind {
    match sense {
        Sense::Minimize => PointKind::Minimum,
        Sense::Maximize => PointKind::Maximum,
    }
}

/// The rank of J from the inertia of [I Jᵀ; J 0] (pivots of the
/// equilibrated matrix, entries ≤ about 1), with the dependent rows where
/// the sparse path identifies them (the dense one only counts them).
fn rank_by_inertia(kkt: &mut KktSolver, jac: &Jacobian, m: usize) -> Option<(usize, Vec<usize>)> {
    if m == 0 {
        return Some((0, Vec::new()));
    }
    kkt.assemble(None, jac, 1.0, 0.0);
    let rank_tolerance = RANK_PIVOT_RELATIVE * kkt.max_abs();
    match kkt {
        KktSolver::Sparse(sparse) => {
            let rows = sparse.dependent_constraints(rank_tolerance)?;
            Some((m - rows.len().min(m), rows))
        }
        KktSolver::Dense { .. } => {
            let inertia = kkt.factor(rank_tolerance)?;
            Some((
                m.saturating_sub(inertia.zero).min(inertia.negative),
                Vec::new(),
            ))
        }
    }
}

/// The verdict from two shifted factorizations of [W + sI Jᵀ; J −γ] given
/// W, the rank of J and its dependent rows (removed: their Jacobian values
/// zeroed and a tiny −γ left alone on their diagonal, one negative
/// eigenvalue each).
fn inertia_verdict(
    kkt: &mut KktSolver,
    hessian: &Hessian,
    jac: &Jacobian,
    dependent: &[usize],
    rank: usize,
    tangent: usize,
) -> Option<PointKind> {
    let m = match jac {
        Jacobian::Dense(a) => a.nrows(),
        Jacobian::Sparse { pattern, .. } => pattern.nrows,
    };
    let w_scale = match hessian {
        Hessian::Dense(h) => {
            let n = h.nrows();
            (0..n).fold(0.0f64, |a, j| (j..n).fold(a, |a, i| a.max(h[(i, j)].abs())))
        }
        Hessian::Sparse { values, .. } => values.iter().fold(0.0f64, |a, v| a.max(v.abs())),
    };
    let eps = (EIGEN_RELATIVE * w_scale).max(EIGEN_ABSOLUTE);
    let masked;
    let (jac, gamma) = if dependent.is_empty() {
        (jac, 0.0)
    } else {
        let mut copy = jac.clone();
        if let Jacobian::Sparse { pattern, values } = &mut copy {
            for (v, r) in values.iter_mut().zip(&pattern.rows) {
                if dependent.binary_search(r).is_ok() {
                    *v = 0.0;
                }
            }
        }
        masked = copy;
        (&masked, DECOUPLED_GAMMA)
    };
    let mut counts = [0usize; 2];
    for (k, shift) in [-eps, eps].into_iter().enumerate() {
        kkt.assemble(Some(hessian), jac, shift, gamma);
        let inertia = kkt.factor(0.0)?;
        if inertia.zero > 0 {
            return None;
        }
        counts[k] = if k == 0 {
            // Reduced eigenvalues > ε.
            inertia.positive.saturating_sub(rank)
        } else {
            // Reduced eigenvalues < −ε.
            inertia.negative.saturating_sub(m)
        };
    }
    Some(verdict(
        tangent,
        counts[0].min(tangent),
        counts[1].min(tangent),
    ))
}
