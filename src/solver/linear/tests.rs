//! The KKT solver on a badly scaled system, through both backends.

use super::*;
use crate::solver::nlp::SparsityPattern;
use faer::Mat;
use std::sync::Arc;

/// A chain-like KKT system: W ≈ 10⁷ (a Laplacian of two links, made
/// nonsingular by the end constraint) and links of Jacobian entries
/// ≈ 10⁻². Its constraint pivots (≈ J²/W ≈ 10⁻¹¹) are far below
/// 10⁻¹³ · max|K| = 10⁻⁶, yet K is nonsingular with inertia (3, 2, 0):
/// on the equilibrated matrix both backends see that and solve to the
/// componentwise accuracy of the data.
#[test]
fn badly_scaled_kkt_keeps_its_inertia_and_solves_accurately() {
    let (n, m) = (3, 2);
    let w = [[2e7, -1e7, 0.0], [-1e7, 2e7, -1e7], [0.0, -1e7, 1e7]];
    let j = [[0.0143, -0.0143, 0.0], [0.0, 0.0, 1.0]];
    let mut dense_w = Mat::<f64>::zeros(n, n);
    let mut dense_j = Mat::<f64>::zeros(m, n);
    let (mut hp, mut hv) = (SparsityPattern::default(), Vec::new());
    let (mut jp, mut jv) = (SparsityPattern::default(), Vec::new());
    (hp.nrows, hp.ncols, jp.nrows, jp.ncols) = (n, n, m, n);
    for r in 0..n {
        for c in 0..=r {
            dense_w[(r, c)] = w[r][c];
            if w[r][c] != 0.0 {
                hp.rows.push(r);
                hp.cols.push(c);
                hv.push(w[r][c]);
            }
        }
    }
    for r in 0..m {
        for c in 0..n {
            dense_j[(r, c)] = j[r][c];
            if j[r][c] != 0.0 {
                jp.rows.push(r);
                jp.cols.push(c);
                jv.push(j[r][c]);
            }
        }
    }
    let x = [0.3, -0.2, 0.5, 1.5e6, -2.0];
    let k = |row: usize, col: usize| -> f64 {
        match (row < n, col < n) {
            (true, true) => w[row][col],
            (true, false) => j[col - n][row],
            (false, true) => j[row - n][col],
            (false, false) => 0.0,
        }
    };
    let b: Vec<f64> = (0..n + m)
        .map(|r| (0..n + m).map(|c| k(r, c) * x[c]).sum())
        .collect();
    let solvers = [
        (
            KktSolver::dense(n, m),
            Hessian::Dense(dense_w),
            Jacobian::Dense(dense_j),
        ),
        (
            KktSolver::Sparse(Box::new(SparseKkt::new(&hp, &jp).unwrap())),
            Hessian::Sparse {
                pattern: Arc::new(hp.clone()),
                values: hv,
            },
            Jacobian::Sparse {
                pattern: Arc::new(jp.clone()),
                values: jv,
            },
        ),
    ];
    for (mut kkt, hessian, jacobian) in solvers {
        kkt.assemble(Some(&hessian), &jacobian, 0.0, 0.0);
        let inertia = kkt.factor(1e-13 * kkt.max_abs()).unwrap();
        let name = if kkt.is_sparse() { "sparse" } else { "dense" };
        assert_eq!(
            inertia,
            Inertia {
                positive: n,
                negative: m,
                zero: 0
            },
            "{name}"
        );
        let mut z = b.clone();
        assert!(kkt.solve_in_place(&mut z), "{name}");
        // The link row: J d = b exactly to the data's accuracy.
        for (i, (zi, xi)) in z.iter().zip(&x).enumerate() {
            assert!(
                (zi - xi).abs() <= 1e-6 * xi.abs(),
                "{name}: z[{i}] = {zi}, want {xi}"
            );
        }
    }
}
