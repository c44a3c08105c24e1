//! Checks of the sparse backend against the dense factorization and
//! on small systems with zero pivots and duplicate entries.

use faer::sparse::linalg::cholesky::SymbolicCholeskyRaw;
use faer::Mat;

use super::factor::{for_each_pivot, is_replaced, numeric_ldlt, replaced_count};
use super::SparseKkt;
use crate::solver::kkt::Diagonal;
use crate::solver::linear::lcg::Lcg;
use crate::solver::linear::DenseLdlt;
use crate::solver::linear::Inertia;
use crate::solver::nlp::SparsityPattern;

fn tridiagonal_kkt(n: usize, diag: f64) -> (SparsityPattern, Vec<f64>, SparsityPattern, Vec<f64>) {
    // W tridiagonal (diag on the diagonal, 1 below), J: m = n/2 rows
    // with entries at columns 2i and 2i + 1.
    let mut h = SparsityPattern {
        nrows: n,
        ncols: n,
        ..Default::default()
    };
    let mut hv = Vec::new();
    for j in 0..n {
        h.rows.push(j);
        h.cols.push(j);
        hv.push(diag + (j % 3) as f64);
        if j + 1 < n {
            h.rows.push(j + 1);
            h.cols.push(j);
            hv.push(1.0);
        }
    }
    let m = n / 2;
    let mut jp = SparsityPattern {
        nrows: m,
        ncols: n,
        ..Default::default()
    };
    let mut jv = Vec::new();
    for i in 0..m {
        for (c, v) in [(2 * i, 1.0 + i as f64 * 0.01), (2 * i + 1, -2.0)] {
            jp.rows.push(i);
            jp.cols.push(c);
            jv.push(v);
        }
    }
    (h, hv, jp, jv)
}

fn dense_of(kkt: &SparseKkt) -> Mat<f64> {
    let d = kkt.n + kkt.m;
    let mut a = Mat::zeros(d, d);
    let (col_ptr, row_idx) = (kkt.structure.col_ptr(), kkt.structure.row_idx());
    for j in 0..d {
        let range = col_ptr[j]..col_ptr[j + 1];
        for (&r, &v) in row_idx[range.clone()].iter().zip(&kkt.values[range]) {
            let (i, fj) = (kkt.forward[r], kkt.forward[j]);
            a[(i, fj)] = v;
            a[(fj, i)] = v;
        }
    }
    a
}

#[test]
fn inertia_and_solution_match_the_dense_factorization() {
    for (n, diag, delta, gamma) in [
        (40, 4.0, 0.0, 0.0),
        (40, -1.0, 0.0, 0.0),
        (41, -3.0, 0.5, 1e-8),
        (60, 0.5, 0.0, 1e-6),
    ] {
        let (h, hv, jp, jv) = tridiagonal_kkt(n, diag);
        let mut sparse = SparseKkt::new(&h, &jp).unwrap();
        sparse.assemble(Some(&hv), &jv, &Diagonal::regularization(delta, gamma));
        let dense_matrix = dense_of(&sparse);
        let d = dense_matrix.nrows();
        let mut dense = DenseLdlt::new(d);
        let want = dense.factor(dense_matrix.as_ref(), 1e-13).unwrap();
        match sparse.factor(1e-13) {
            Some(got) if got.zero == 0 => {
                assert_eq!(got, want, "n = {n}, diag = {diag}");
                let b: Vec<f64> = (0..d).map(|i| (i as f64 * 0.37).sin()).collect();
                let worst = residual_after_solve(&mut sparse, &b);
                assert!(worst < 1e-10, "n = {n}: residual {worst}");
            }
            other => panic!(
                "n = {n}, diag = {diag}: sparse factorization gave {other:?}, dense {want:?}"
            ),
        }
    }
}

/// Dense patterns make faer choose its supernodal factorization (the
/// lower-triangle storage path): inertia and solutions still match.
#[test]
fn supernodal_factorization_matches_the_dense_one() {
    let (n, m) = (150, 30);
    let mut lcg = Lcg::new(7);
    let mut next = move || lcg.symmetric();
    let mut h = SparsityPattern {
        nrows: n,
        ncols: n,
        ..Default::default()
    };
    let mut hv = Vec::new();
    for c in 0..n {
        for r in c..n {
            h.rows.push(r);
            h.cols.push(c);
            hv.push(if r == c { 3.0 + next() } else { 0.2 * next() });
        }
    }
    let mut jp = SparsityPattern {
        nrows: m,
        ncols: n,
        ..Default::default()
    };
    let mut jv = Vec::new();
    for r in 0..m {
        for c in 0..n {
            jp.rows.push(r);
            jp.cols.push(c);
            jv.push(next());
        }
    }
    let mut sparse = SparseKkt::new(&h, &jp).unwrap();
    assert!(matches!(
        sparse.symbolic.raw(),
        SymbolicCholeskyRaw::Supernodal(_)
    ));
    for delta in [0.0, -2.5] {
        // δ = −2.5 makes W indefinite.
        sparse.assemble(Some(&hv), &jv, &Diagonal::regularization(delta, 1e-8));
        let a = dense_of(&sparse);
        let d = n + m;
        let mut dense = DenseLdlt::new(d);
        let want = dense.factor(a.as_ref(), 0.0).unwrap();
        let got = sparse.factor(0.0).unwrap();
        assert_eq!(got, want, "δ = {delta}");
        let b: Vec<f64> = (0..d).map(|i| (i as f64).cos()).collect();
        let worst = residual_after_solve(&mut sparse, &b);
        assert!(worst < 1e-9, "δ = {delta}: residual {worst}");
    }
}

/// Zero pivots: replaced (and the solve exact) when K is nonsingular,
/// reported as zero eigenvalues when it is singular.
#[test]
fn zero_pivots_are_replaced_or_reported() {
    // W = [0 1; 1 0], J = [1 1]: nonsingular, inertia (1, 2, 0), every
    // diagonal entry zero.
    let h = pattern(2, 2, vec![0, 1, 1], vec![0, 0, 1]);
    let j = pattern(1, 2, vec![0, 0], vec![0, 1]);
    let mut kkt = SparseKkt::new(&h, &j).unwrap();
    let inertia = assemble_and_factor(&mut kkt, &[0.0, 1.0, 0.0], &[1.0, 1.0]);
    assert_eq!(
        (inertia.positive, inertia.negative, inertia.zero),
        (1, 2, 0)
    );
    let b = [1.0, 2.0, 10.0];
    let mut z = b;
    assert!(kkt.solve_in_place(&mut z));
    let mut kz = [0.0; 3];
    kkt.mul(&z, &mut kz);
    for (a, b) in kz.iter().zip(b) {
        assert!((a - b).abs() < 1e-12, "{kz:?}");
    }
    // W = [0 0; 0 0], J = [1 1]: singular (W is zero on the null space).
    let inertia = assemble_and_factor(&mut kkt, &[0.0, 0.0, 0.0], &[1.0, 1.0]);
    assert!(inertia.zero > 0, "{inertia:?}");
    let mut z = b;
    assert!(!kkt.solve_in_place(&mut z));
}

#[test]
fn duplicate_entries_add_and_reuse_keeps_no_trace() {
    let h = pattern(2, 2, vec![0, 0, 1], vec![0, 0, 1]);
    let j = pattern(1, 2, vec![0, 0], vec![0, 1]);
    let mut kkt = SparseKkt::new(&h, &j).unwrap();
    assert_eq!(kkt.nnz(), 5);
    // K = [2 0 1; 0 2 1; 1 1 0]: eigenvalues 2, 1 ± √3... inertia (2, 1, 0).
    let inertia = assemble_and_factor(&mut kkt, &[1.0, 1.0, 2.0], &[1.0, 1.0]);
    assert_eq!(
        (inertia.positive, inertia.negative, inertia.zero),
        (2, 1, 0)
    );
    let mut z = vec![3.0, 3.0, 2.0];
    assert!(kkt.solve_in_place(&mut z));
    // x1 = x2 = 1 − y/2, x1 + x2 = 2 → y = 1... check K z = b instead.
    let mut kz = vec![0.0; 3];
    kkt.mul(&z, &mut kz);
    for (a, b) in kz.iter().zip([3.0, 3.0, 2.0]) {
        assert!((a - b).abs() < 1e-12);
    }
    // Negative definite W: inertia (1, 2, 0).
    let inertia = assemble_and_factor(&mut kkt, &[-1.0, -1.0, -2.0], &[1.0, 1.0]);
    assert_eq!(
        (inertia.positive, inertia.negative, inertia.zero),
        (1, 2, 0)
    );
}

/// W = 0 (n × n, full lower pattern) and a dense m × n J: every variable
/// pivot met before a constraint vanishes. `dense` patterns make faer
/// choose its supernodal factorization, a diagonal W its simplicial one.
fn zero_hessian_kkt(n: usize, m: usize, dense: bool) -> (SparseKkt, Vec<f64>, Vec<f64>) {
    let mut h = SparsityPattern {
        nrows: n,
        ncols: n,
        ..Default::default()
    };
    for c in 0..n {
        let last = if dense { n } else { c + 1 };
        for r in c..last {
            h.rows.push(r);
            h.cols.push(c);
        }
    }
    let mut jp = SparsityPattern {
        nrows: m,
        ncols: n,
        ..Default::default()
    };
    let mut jv = Vec::new();
    let mut lcg = Lcg::new(11);
    for r in 0..m {
        for c in 0..n {
            if dense || c % m == r {
                jp.rows.push(r);
                jp.cols.push(c);
                jv.push(0.5 + lcg.unit());
            }
        }
    }
    let hv = vec![0.0; h.nnz()];
    (SparseKkt::new(&h, &jp).unwrap(), hv, jv)
}

/// (faer's count, the count the factorization uses, the pivots equal to
/// ±δ) after factoring the assembled K with pivots ≤ 10⁻¹³ replaced by δ.
fn replacement_counts(kkt: &mut SparseKkt, delta: f64) -> (usize, usize, usize) {
    let a = faer::sparse::SparseColMatRef::new(kkt.structure.as_ref(), &kkt.values);
    let regularization = faer::linalg::cholesky::ldlt::factor::LdltRegularization {
        dynamic_regularization_signs: None,
        dynamic_regularization_delta: delta,
        dynamic_regularization_epsilon: 1e-13,
    };
    let stack = faer::dyn_stack::MemStack::new(&mut kkt.factor_mem);
    let info = numeric_ldlt(&kkt.symbolic, &mut kkt.factors, a, regularization, stack).unwrap();
    let mut seen = 0;
    for_each_pivot(&kkt.symbolic, &kkt.factors, |_, d| {
        seen += usize::from(is_replaced(d, delta));
        true
    });
    let used = replaced_count(&kkt.symbolic, &kkt.factors, info, delta);
    (info.dynamic_regularization_count, used, seen)
}

/// faer counts the pivots its dynamic regularization replaced on the
/// simplicial path; on the supernodal path, without expected signs, it
/// replaces them but reports none. The count the factorization uses is the
/// true one on both. (If faer starts counting there, the second assertion
/// fails and the fallback in `replaced_count` can go.)
#[test]
fn replaced_pivots_are_counted_on_both_paths() {
    let delta = 1e-8;
    let (mut simplicial, hv, jv) = zero_hessian_kkt(12, 3, false);
    assert!(matches!(
        simplicial.symbolic.raw(),
        SymbolicCholeskyRaw::Simplicial(_)
    ));
    simplicial.assemble(Some(&hv), &jv, &Diagonal::regularization(0.0, 0.0));
    let (faer_count, used, seen) = replacement_counts(&mut simplicial, delta);
    assert!(seen > 0);
    assert_eq!((faer_count, used), (seen, seen), "simplicial");

    let (mut supernodal, hv, jv) = zero_hessian_kkt(150, 30, true);
    assert!(matches!(
        supernodal.symbolic.raw(),
        SymbolicCholeskyRaw::Supernodal(_)
    ));
    supernodal.assemble(Some(&hv), &jv, &Diagonal::regularization(0.0, 0.0));
    let (faer_count, used, seen) = replacement_counts(&mut supernodal, delta);
    assert!(seen > 0);
    assert_eq!((faer_count, used), (0, seen), "supernodal");
}

/// K = [I Jᵀ; J 0] with one row of J twice another (or zero): exactly that
/// row, or the one it repeats, is reported dependent, on both
/// factorization paths.
#[test]
fn dependent_constraints_find_a_repeated_row() {
    for (n, m, dense) in [(12, 3, false), (150, 30, true)] {
        let (mut kkt, _, mut jv) = zero_hessian_kkt(n, m, dense);
        // The pattern lists J row by row.
        let per_row = jv.len() / m;
        if dense {
            // Row m − 1 := 2 · row 0.
            for c in 0..n {
                jv[(m - 1) * n + c] = 2.0 * jv[c];
            }
        } else {
            // The rows have disjoint columns here: a zero last row is the
            // only way to lose rank.
            jv[(m - 1) * per_row..].fill(0.0);
        }
        kkt.assemble(None, &jv, &Diagonal::regularization(1.0, 0.0));
        let tolerance = 1e-9 * kkt.max_abs();
        let rows = kkt.dependent_constraints(tolerance).unwrap();
        if dense {
            assert!(rows == [0] || rows == [m - 1], "{rows:?}");
        } else {
            assert_eq!(rows, [m - 1]);
        }
    }
}

/// A pattern from its shape and its entries' rows and columns.
fn pattern(nrows: usize, ncols: usize, rows: Vec<usize>, cols: Vec<usize>) -> SparsityPattern {
    SparsityPattern {
        nrows,
        ncols,
        rows,
        cols,
    }
}

/// Solves K z = b with the current factors (asserting that the solve
/// succeeds) and returns ‖K z − b‖∞.
fn residual_after_solve(kkt: &mut SparseKkt, b: &[f64]) -> f64 {
    let mut z = b.to_vec();
    assert!(kkt.solve_in_place(&mut z));
    let mut kz = vec![0.0; b.len()];
    kkt.mul(&z, &mut kz);
    kz.iter()
        .zip(b)
        .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()))
}

/// K assembled from W's and J's values without regularization, and
/// factored (zero-pivot tolerance 1e-13).
fn assemble_and_factor(kkt: &mut SparseKkt, w: &[f64], j: &[f64]) -> Inertia {
    kkt.assemble(Some(w), j, &Diagonal::regularization(0.0, 0.0));
    kkt.factor(1e-13).unwrap()
}
