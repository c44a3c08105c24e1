//! Classification on the tangent space of an active set: the equations,
//! the active inequalities and the variables held at a bound.
//!
//! J and W are restricted to the kept rows and the free columns, then
//! classified as an equality-constrained point: the SVD path for small
//! dense problems, KKT inertias otherwise (with a symbolic analysis of the
//! restricted pattern, so that no structurally present entry is zeroed
//! behind the elimination order's back).

use std::sync::Arc;

use faer::Mat;

use super::{
    inertia_verdict, isolated_point, null_space, rank_by_inertia, reduced_hessian_verdict,
    DENSE_INERTIA_MIN_VARIABLES,
};
use crate::solver::linear::{KktSolver, SparseKkt};
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::nlp::{Sense, SparsityPattern};
use crate::solver::result::PointKind;

/// Which rows of J and which variables define the tangent space.
#[derive(Clone, Copy, Debug)]
pub struct ActiveSet<'a> {
    /// `true` for each row of J that constrains the tangent space
    /// (equations and active inequalities).
    pub rows: &'a [bool],
    /// `true` for each variable held at a bound (d_j = 0 on the tangent
    /// space).
    pub held: &'a [bool],
}

/// Classifies a point whose Jacobian is `jac` and whose Hessian of
/// L = f − λᵀg (f as written) is `hessian`, on
/// {d : J_rows d = 0, d_held = 0}. None when a factorization or the
/// eigensolver fails.
pub fn classify_on_active_set(
    sense: Sense,
    jac: &Jacobian,
    hessian: &Hessian,
    active: ActiveSet<'_>,
) -> Option<PointKind> {
    let row_map = renumber(active.rows.iter().copied());
    let col_map = renumber(active.held.iter().map(|h| !h));
    let kept_rows = originals(&row_map);
    let free = originals(&col_map);
    let (m, n) = (kept_rows.len(), free.len());
    if n == 0 {
        return Some(isolated_point(sense));
    }
    match (jac, hessian) {
        (Jacobian::Dense(a), Hessian::Dense(h)) => {
            let j = Mat::from_fn(m, n, |r, c| a[(kept_rows[r], free[c])]);
            let w = Mat::from_fn(n, n, |r, c| {
                let (i, k) = (free[r], free[c]);
                h[(i.max(k), i.min(k))]
            });
            if n <= DENSE_INERTIA_MIN_VARIABLES {
                let (_, z) = null_space(j.as_ref())?;
                if z.ncols() == 0 {
                    return Some(isolated_point(sense));
                }
                return reduced_hessian_verdict(z.as_ref(), w.as_ref());
            }
            let mut kkt = KktSolver::dense(n, m);
            by_inertia(
                sense,
                &mut kkt,
                &Jacobian::Dense(j),
                &Hessian::Dense(w),
                n,
                m,
            )
        }
        (
            Jacobian::Sparse {
                pattern: jp,
                values: jv,
            },
            Hessian::Sparse {
                pattern: hp,
                values: hv,
            },
        ) => {
            let (jp, jv) = restrict(jp, jv, &row_map, &col_map, m, n);
            let (hp, hv) = restrict(hp, hv, &col_map, &col_map, n, n);
            let mut kkt = KktSolver::Sparse(Box::new(SparseKkt::new(&hp, &jp).ok()?));
            let jac = Jacobian::Sparse {
                pattern: Arc::new(jp),
                values: jv,
            };
            let hessian = Hessian::Sparse {
                pattern: Arc::new(hp),
                values: hv,
            };
            by_inertia(sense, &mut kkt, &jac, &hessian, n, m)
        }
        _ => None,
    }
}

/// The inertia path on the restricted matrices.
fn by_inertia(
    sense: Sense,
    kkt: &mut KktSolver,
    jac: &Jacobian,
    hessian: &Hessian,
    n: usize,
    m: usize,
) -> Option<PointKind> {
    let (rank, dependent) = rank_by_inertia(kkt, jac, m)?;
    let tangent = n - rank.min(n);
    if tangent == 0 {
        return Some(isolated_point(sense));
    }
    if rank < m && dependent.is_empty() {
        // Dense with dependent rows: the counts would not hold.
        return None;
    }
    inertia_verdict(kkt, hessian, jac, &dependent, rank, tangent)
}

/// New indices of the kept entries (None for the others).
fn renumber(keep: impl Iterator<Item = bool>) -> Vec<Option<usize>> {
    let mut next = 0;
    keep.map(|k| {
        k.then(|| {
            next += 1;
            next - 1
        })
    })
    .collect()
}

/// The old index of each kept entry, in order.
fn originals(map: &[Option<usize>]) -> Vec<usize> {
    (0..map.len()).filter(|&i| map[i].is_some()).collect()
}

/// The pattern entries whose row and column are both kept, renumbered.
fn restrict(
    pattern: &SparsityPattern,
    values: &[f64],
    row_map: &[Option<usize>],
    col_map: &[Option<usize>],
    nrows: usize,
    ncols: usize,
) -> (SparsityPattern, Vec<f64>) {
    let mut out = SparsityPattern {
        nrows,
        ncols,
        rows: Vec::new(),
        cols: Vec::new(),
    };
    let mut kept = Vec::new();
    for ((&r, &c), &v) in pattern.rows.iter().zip(&pattern.cols).zip(values) {
        if let (Some(r), Some(c)) = (row_map[r], col_map[c]) {
            out.rows.push(r);
            out.cols.push(c);
            kept.push(v);
        }
    }
    (out, kept)
}
