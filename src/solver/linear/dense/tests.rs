//! Inertia and solves of the dense factorization on indefinite, KKT-shaped
//! and singular matrices.

use super::*;
use crate::solver::linear::lcg::Lcg;

#[test]
fn solves_and_counts_inertia_of_indefinite_matrix() {
    // [[4, 1, 2], [1, -3, 0], [2, 0, 0]]: one negative block, indefinite.
    let a = faer::mat![[4.0, 1.0, 2.0], [1.0, -3.0, 0.0], [2.0, 0.0, 0.0]];
    let mut ldlt = DenseLdlt::new(3);
    let inertia = ldlt.factor(a.as_ref(), 1e-12).unwrap();
    let eig = a.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
    let pos = eig.iter().filter(|&&e| e > 0.0).count();
    assert_eq!(inertia.positive, pos);
    assert_eq!(inertia.negative, 3 - pos);
    let mut b = vec![1.0, 2.0, 3.0];
    assert!(ldlt.solve_in_place(&mut b));
    for i in 0..3 {
        let r: f64 = (0..3).map(|j| a[(i, j)] * b[j]).sum::<f64>() - [1.0, 2.0, 3.0][i];
        assert!(r.abs() < 1e-12, "residual {r}");
    }
}

/// Random KKT-structured matrices [W Jᵀ; J 0] and random symmetric
/// ones, of several sizes: small residual and inertia equal to the
/// eigenvalue signs.
#[test]
fn random_symmetric_indefinite_systems() {
    let mut lcg = Lcg::new(12345);
    let mut next = move || lcg.symmetric();
    for trial in 0..200 {
        let n = 1 + trial % 9;
        let m = trial % (n + 1);
        let d = n + m + (trial % 3) * 40;
        let kkt_shape = trial % 2 == 0;
        let mut a = Mat::<f64>::zeros(d, d);
        for j in 0..d {
            for i in j..d {
                let zero_block = kkt_shape && i >= n && j >= n && i < n + m;
                let v = if zero_block { 0.0 } else { next() };
                a[(i, j)] = v;
                a[(j, i)] = v;
            }
        }
        let mut ldlt = DenseLdlt::new(d);
        let inertia = ldlt.factor(a.as_ref(), 1e-13).unwrap();
        let eig = a.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
        let pos = eig.iter().filter(|&&e| e > 1e-9).count();
        let neg = eig.iter().filter(|&&e| e < -1e-9).count();
        if pos + neg == d {
            assert_eq!(
                (inertia.positive, inertia.negative),
                (pos, neg),
                "trial {trial}"
            );
        }
        let b: Vec<f64> = (0..d).map(|_| next()).collect();
        let mut z = b.clone();
        if inertia.zero == 0 {
            assert!(ldlt.solve_in_place(&mut z));
            let mut worst = 0.0f64;
            for i in 0..d {
                let r: f64 = (0..d).map(|j| a[(i, j)] * z[j]).sum::<f64>() - b[i];
                worst = worst.max(r.abs());
            }
            let scale = z.iter().fold(1.0f64, |a, v| a.max(v.abs()));
            assert!(
                worst < 1e-10 * scale,
                "trial {trial} (d = {d}): residual {worst}"
            );
        }
    }
}

/// A sparse KKT matrix (diagonal W, sparse J) that needs 2×2 pivots.
#[test]
fn sparse_kkt_matrix() {
    let (a3, a4) = (2.0 * 0.4614208960359518, 2.0 * 1.8239177096399408);
    let w = 4.904492132379487;
    let a = faer::mat![
        [2.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 2.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, w, 0.0, 0.0, a3],
        [0.0, 0.0, 0.0, w, 0.0, a4],
        [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, a3, a4, 0.0, 0.0],
    ];
    let mut ldlt = DenseLdlt::new(6);
    // A previous factorization with 2×2 blocks must leave no trace.
    let previous = Mat::from_fn(6, 6, |i, j| if i == j { 0.0 } else { 1.0 + (i + j) as f64 });
    ldlt.factor(previous.as_ref(), 1e-13).unwrap();
    let inertia = ldlt.factor(a.as_ref(), 1e-13).unwrap();
    assert_eq!(
        (inertia.positive, inertia.negative, inertia.zero),
        (4, 2, 0)
    );
    let b = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut z = b.clone();
    assert!(ldlt.solve_in_place(&mut z));
    for i in 0..6 {
        let r: f64 = (0..6).map(|j| a[(i, j)] * z[j]).sum::<f64>() - b[i];
        assert!(r.abs() < 1e-12, "row {i}: residual {r}, z = {z:?}");
    }
}

#[test]
fn reports_zero_pivot_of_singular_matrix() {
    let a = faer::mat![[1.0, 1.0], [1.0, 1.0]];
    let mut ldlt = DenseLdlt::new(2);
    let inertia = ldlt.factor(a.as_ref(), 1e-12).unwrap();
    assert_eq!(inertia.zero, 1);
    assert_eq!(inertia.positive, 1);
    let mut b = vec![1.0, 0.0];
    assert!(!ldlt.solve_in_place(&mut b));
}
