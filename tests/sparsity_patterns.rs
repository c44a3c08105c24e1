//! Sparsity detection on known structures: the detected Jacobian and
//! Hessian patterns are exactly the structures written (tridiagonal,
//! arrowhead, block-diagonal, banded `A @ x`, dense), the number of sweeps is
//! what a coloring of that structure needs, and the compressed values equal
//! the dense tape's Jacobian and Hessian (an independent evaluation: one
//! unit direction per column) at a random point.

use faer::Mat;
use lagrange::autodiff::{Tape, Tensor};
use lagrange::problem::{CompiledProblem, Problem};
use lagrange::solver::NlpProblem;
use lagrange_test_support::Rng;
use std::collections::BTreeSet;

/// A deterministic point with entries in [0.5, 1.5).
fn point(n: usize, seed: u64) -> Vec<f64> {
    Rng::new(seed).uniform(n, 0.5, 1.5)
}

/// Dense Jacobian of g and Hessian of σf − λᵀg straight from the tape.
fn dense(c: &CompiledProblem, x: &[f64], sigma: f64, lambda: &[f64]) -> (Mat<f64>, Mat<f64>) {
    let mut tape = c.tape().clone();
    let (n, m) = (x.len(), lambda.len());
    tape.forward(x);
    let mut all = Mat::zeros(tape.num_outputs(), n);
    tape.jacobian(all.as_mut());
    let jac = Mat::from_fn(m, n, |i, j| all[(1 + i, j)]);
    let mut seed = vec![0.0; tape.num_outputs()];
    seed[0] = sigma;
    for i in 0..m {
        seed[1 + i] = -lambda[i];
    }
    let mut hess = Mat::zeros(n, n);
    tape.hessian(&seed, hess.as_mut());
    (jac, hess)
}

/// Checks values against the dense tape and that every dense nonzero is in
/// the pattern; returns the patterns as sets of (row, col).
#[allow(clippy::type_complexity)]
fn check(c: &mut CompiledProblem) -> (BTreeSet<(usize, usize)>, BTreeSet<(usize, usize)>) {
    let (n, m) = (c.num_variables(), c.num_constraints());
    let x = point(n, 7);
    let lambda = point(m, 11);
    let sigma = 0.7;
    let (jd, hd) = dense(c, &x, sigma, &lambda);
    let jp = c.jacobian_pattern().expect("a Jacobian pattern");
    let hp = c.hessian_pattern().expect("a Hessian pattern");
    let mut jv = vec![0.0; jp.nnz()];
    c.jacobian_values(&x, &mut jv);
    let mut hv = vec![0.0; hp.nnz()];
    c.hessian_values(&x, sigma, &lambda, &mut hv);
    let js: BTreeSet<_> = jp
        .rows
        .iter()
        .copied()
        .zip(jp.cols.iter().copied())
        .collect();
    let hs: BTreeSet<_> = hp
        .rows
        .iter()
        .copied()
        .zip(hp.cols.iter().copied())
        .collect();
    assert_eq!(js.len(), jp.nnz(), "duplicate Jacobian entries");
    assert_eq!(hs.len(), hp.nnz(), "duplicate Hessian entries");
    for ((&r, &col), &v) in jp.rows.iter().zip(&jp.cols).zip(&jv) {
        let want = jd[(r, col)];
        assert!(
            (v - want).abs() <= 1e-12 * (1.0 + want.abs()),
            "J[{r},{col}] = {v} != {want}"
        );
    }
    for ((&r, &col), &v) in hp.rows.iter().zip(&hp.cols).zip(&hv) {
        assert!(r >= col, "Hessian entry ({r},{col}) above the diagonal");
        let want = hd[(r, col)];
        assert!(
            (v - want).abs() <= 1e-11 * (1.0 + want.abs()),
            "H[{r},{col}] = {v} != {want}"
        );
    }
    for i in 0..m {
        for j in 0..n {
            assert!(
                jd[(i, j)] == 0.0 || js.contains(&(i, j)),
                "J[{i},{j}] missed"
            );
        }
    }
    for i in 0..n {
        for j in 0..=i {
            assert!(
                hd[(i, j)] == 0.0 || hs.contains(&(i, j)),
                "H[{i},{j}] missed"
            );
        }
    }
    // The dense methods of the problem agree too (they may use the sweeps).
    let mut jm = Mat::zeros(m, n);
    c.jacobian(&x, jm.as_mut());
    let mut hm = Mat::zeros(n, n);
    c.hessian_of_lagrangian(&x, sigma, &lambda, hm.as_mut());
    for i in 0..m {
        for j in 0..n {
            assert!((jm[(i, j)] - jd[(i, j)]).abs() <= 1e-12 * (1.0 + jd[(i, j)].abs()));
        }
    }
    for i in 0..n {
        for j in 0..n {
            assert!((hm[(i, j)] - hd[(i, j)]).abs() <= 1e-11 * (1.0 + hd[(i, j)].abs()));
            assert_eq!(hm[(i, j)], hm[(j, i)], "dense Hessian not symmetric");
        }
    }
    (js, hs)
}

fn set(entries: impl IntoIterator<Item = (usize, usize)>) -> BTreeSet<(usize, usize)> {
    entries.into_iter().collect()
}

#[test]
fn chain_gives_bidiagonal_jacobian_and_tridiagonal_hessian() {
    let n = 40;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    let d = x.slice(1, n) - x.slice(0, n - 1);
    p.minimize((&d * &d * &d * &d).sum() + (&x * &x).sum());
    p.constraint("links", d.sin(), 0.1);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(js, set((0..n - 1).flat_map(|i| [(i, i), (i, i + 1)])));
    assert_eq!(
        hs,
        set((0..n).flat_map(|i| {
            let mut e = vec![(i, i)];
            if i + 1 < n {
                e.push((i + 1, i));
            }
            e
        }))
    );
    let r = c.sparsity_report().unwrap();
    assert_eq!(r.jacobian_sweeps(), 2, "{r}");
    assert_eq!(r.hessian_sweeps(), 3, "{r}");
}

#[test]
fn tridiagonal_jacobian_needs_three_colors() {
    let n = 30;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    p.minimize(x.sum());
    // c_i = x_{i-1} x_{i+1} + x_i² for interior i
    let c_expr = x.slice(0, n - 2) * x.slice(2, n) + x.slice(1, n - 1).powf(2.0);
    p.constraint("tri", c_expr, 1.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(
        js,
        set((0..n - 2).flat_map(|i| [(i, i), (i, i + 1), (i, i + 2)]))
    );
    // Hessian of λᵀc: x_{i-1}x_{i+1} couples i-1 and i+1; x_i² is diagonal.
    let mut want = set((1..n - 1).map(|i| (i, i)));
    want.extend((0..n - 2).map(|i| (i + 2, i)));
    assert_eq!(hs, want);
    let r = c.sparsity_report().unwrap();
    assert_eq!(r.jacobian_colors, 3, "{r}");
    assert_eq!(r.jacobian_dense_rows, 0, "{r}");
}

#[test]
fn arrowhead_hessian_takes_its_hub_out() {
    let n = 50;
    let mut p = Problem::new();
    let t = p.scalar_variable("t", 1.0);
    let x = p.vector_variable("x", vec![1.0; n]);
    // t · Σ xᵢ² + Σ exp(xᵢ): arrowhead with hub t (index 0).
    p.minimize(&t * (&x * &x).sum() + x.exp().sum());
    p.constraint("budget", x.sum() + &t, 3.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(js, set((0..=n).map(|j| (0, j))));
    let mut want = set((1..=n).map(|i| (i, i)));
    want.extend((1..=n).map(|i| (i, 0)));
    assert_eq!(hs, want);
    let r = c.sparsity_report().unwrap();
    assert_eq!(r.hessian_dense_columns, 1, "{r}");
    assert_eq!(r.hessian_colors, 1, "{r}");
    // One constraint: one reverse sweep beats n colors.
    assert_eq!(r.jacobian_sweeps(), 1, "{r}");
}

#[test]
fn block_diagonal_hessian() {
    let (blocks, b) = (12, 3);
    let n = blocks * b;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    let mut f = Tensor::scalar(0.0);
    for k in 0..blocks {
        let s = x.slice(k * b, (k + 1) * b).sum();
        f = f + &s * &s;
    }
    p.minimize(f);
    let mut c = p.compile().unwrap();
    let (_, hs) = check(&mut c);
    let want = set((0..blocks)
        .flat_map(|k| (0..b).flat_map(move |i| (0..=i).map(move |j| (k * b + i, k * b + j)))));
    assert_eq!(hs, want);
    assert_eq!(c.sparsity_report().unwrap().hessian_sweeps(), b);
}

#[test]
fn banded_matrix_product_keeps_the_matrix_structure() {
    let n: usize = 25;
    // Pentadiagonal constant A (half-bandwidth 2), explicit zeros elsewhere.
    let a: Vec<f64> = (0..n * n)
        .map(|k| {
            let (i, j) = (k / n, k % n);
            if i.abs_diff(j) <= 2 {
                1.0 + (i + 2 * j) as f64 / 10.0
            } else {
                0.0
            }
        })
        .collect();
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    p.minimize(x.dot(&x));
    p.constraint("band", Tensor::matrix(n, n, a).matmul(&x), 1.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    let want = set((0..n).flat_map(|i| (i.saturating_sub(2)..(i + 3).min(n)).map(move |j| (i, j))));
    assert_eq!(js, want);
    assert_eq!(hs, set((0..n).map(|i| (i, i))));
    let r = c.sparsity_report().unwrap();
    assert_eq!(r.jacobian_sweeps(), 5, "{r}");
    assert_eq!(r.hessian_sweeps(), 1, "{r}");
}

#[test]
fn dense_hessian_of_a_squared_sum() {
    let n = 12;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    let s = x.sum();
    p.minimize(&s * &s + x.index(0));
    p.constraint("sphere", x.dot(&x), 1.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(js.len(), n);
    assert_eq!(hs.len(), n * (n + 1) / 2);
}

#[test]
fn sphere_row_among_chain_links_is_one_reverse_sweep() {
    let n = 60;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    p.minimize(x.powf(4.0).sum());
    p.constraint("links", x.slice(1, n) - x.slice(0, n - 1), 0.01);
    p.constraint("sphere", x.dot(&x), 1.0);
    let mut c = p.compile().unwrap();
    check(&mut c);
    let r = c.sparsity_report().unwrap();
    assert_eq!(r.jacobian_dense_rows, 1, "{r}");
    assert_eq!(r.jacobian_colors, 2, "{r}");
    assert_eq!(r.hessian_sweeps(), 1, "{r}");
}

#[test]
fn scalar_written_chain_matches_vector_written_chain() {
    let n = 20;
    let build = |scalar: bool| {
        let mut p = Problem::new();
        let x = p.vector_variable("x", vec![1.0; n]);
        p.minimize(x.powf(4.0).sum());
        if scalar {
            for i in 0..n - 1 {
                let d = x.index(i as isize + 1) - x.index(i as isize);
                p.constraint(&format!("link{i}"), &d * &d, 0.01);
            }
        } else {
            let d = x.slice(1, n) - x.slice(0, n - 1);
            p.constraint("links", &d * &d, 0.01);
        }
        p.compile().unwrap()
    };
    let (mut a, mut b) = (build(true), build(false));
    let (ja, ha) = check(&mut a);
    let (jb, hb) = check(&mut b);
    assert_eq!(ja, jb);
    assert_eq!(ha, hb);
    assert_eq!(a.sparsity_report().unwrap(), b.sparsity_report().unwrap());
}

#[test]
fn zero_constants_are_structural_zeros() {
    let n = 6;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    let mask = Tensor::vector(vec![1.0, 0.0, 2.0, 0.0, 0.0, 3.0]);
    p.minimize((&mask * &x.exp()).sum() + (x.dot(&mask) * 0.0));
    p.constraint("masked", mask.dot(&x), 1.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(js, set([(0, 0), (0, 2), (0, 5)]));
    assert_eq!(hs, set([(0, 0), (2, 2), (5, 5)]));
}

#[test]
fn tape_level_api_reports_bad_ranges() {
    let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
    let y = x.exp();
    let tape = Tape::record(&[&x], &[&y]).unwrap();
    let err = tape.sparse_derivatives(0..3, 0..0).unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
    let err = tape
        .sparse_derivatives_with_limit(0..2, 0..2, 1)
        .unwrap_err();
    assert!(err.to_string().contains("too dense"), "{err}");
}

#[test]
fn sweeps_do_not_grow_with_the_chain_length() {
    for n in [100, 10_000] {
        let mut p = Problem::new();
        let x = p.vector_variable("x", vec![1.0; n]);
        let d = x.slice(1, n) - x.slice(0, n - 1);
        p.minimize((&d * &d * &d * &d).sum());
        p.constraint("links", &d * &d, 0.01);
        p.constraint("sphere", x.dot(&x), 1.0);
        let mut c = p.compile().unwrap();
        let r = c.sparsity_report().unwrap();
        assert_eq!(r.jacobian_nnz, 2 * (n - 1) + n, "{r}");
        assert_eq!(r.hessian_nnz, 2 * n - 1, "{r}");
        assert_eq!(r.jacobian_sweeps(), 3, "n = {n}: {r}");
        assert_eq!(r.hessian_sweeps(), 3, "n = {n}: {r}");
    }
}

#[test]
fn matrix_products_transposes_and_logdet() {
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; 6]);
    let m = x.reshape(&[2, 3]);
    let gram = m.matmul(&m.t()); // 2 x 2, both factors dynamic
    let eye = Tensor::matrix(2, 2, vec![1.0, 0.0, 0.0, 1.0]);
    p.minimize(gram.sum() + (&gram + &eye).logdet());
    // Mᵀ c with c = (2, 0): only the first row of M enters.
    let c = Tensor::vector(vec![2.0, 0.0]);
    p.constraint("first_row", m.t().matmul(&c), 1.0);
    let mut c = p.compile().unwrap();
    let (js, hs) = check(&mut c);
    assert_eq!(js, set([(0, 0), (1, 1), (2, 2)]));
    // logdet couples every entry of the Gram matrix: dense Hessian.
    assert_eq!(hs.len(), 21);
}

/// An objective written term by term (`x0^2 + x1^2 + …`) is a chain of n
/// scalar additions whose partial sums depend on ever more inputs; their
/// sets are never needed (no nonlinear op reads them), so detection stays
/// linear: it succeeds with a limit of a few entries per variable, where
/// building the partial sums' sets would take n²/2.
#[test]
fn scalar_written_sums_stay_linear() {
    let n = 20_000;
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0; n]);
    let mut f = x.index(0).powf(2.0);
    for i in 1..n {
        f = f + x.index(i as isize).powf(2.0);
    }
    p.minimize(f);
    for i in 0..n - 1 {
        let d = x.index(i as isize + 1) - x.index(i as isize);
        p.constraint(&format!("link{i}"), d, 0.001);
    }
    let c = p.compile().unwrap();
    let m = n - 1;
    let (jac, hess) = c
        .tape()
        .sparse_derivatives_with_limit(1..1 + m, 0..1 + m, 8 * n)
        .unwrap();
    assert_eq!(jac.pattern().nnz(), 2 * m);
    assert_eq!(jac.num_sweeps(), 2);
    assert_eq!(hess.pattern().nnz(), n);
    assert_eq!(hess.num_sweeps(), 1);
}
