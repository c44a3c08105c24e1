//! The matrix-calculus identities of the seed tutorial, with seeded random
//! data at several sizes, for the eager graph and the tape. Tolerances scale
//! with the size: ε · 16 · n.

use faer::{Mat, MatRef};
use lagrange::autodiff::{Tape, Tensor};
use lagrange_test_support::Rng;

fn tol(n: usize, scale: f64) -> f64 {
    f64::EPSILON * 16.0 * n as f64 * scale.max(1.0)
}

fn assert_vec_close(a: &[f64], b: &[f64], n: usize, what: &str) {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol(n, scale), "{what}[{i}]: {x} vs {y}");
    }
}

/// Row-major y = M x for an r × c matrix.
fn matvec(m: &[f64], r: usize, c: usize, x: &[f64]) -> Vec<f64> {
    (0..r)
        .map(|i| (0..c).map(|j| m[i * c + j] * x[j]).sum())
        .collect()
}

/// Row-major Mᵀ x.
fn matvec_t(m: &[f64], r: usize, c: usize, x: &[f64]) -> Vec<f64> {
    (0..c)
        .map(|j| (0..r).map(|i| m[i * c + j] * x[i]).sum())
        .collect()
}

const SIZES: [usize; 4] = [1, 3, 10, 40];

#[test]
fn gradient_of_a_dot_x_is_a() {
    let mut rng = Rng::new(0x9e3779b97f4a7c15);
    for n in SIZES {
        let a = rng.vec(n);
        let x = Tensor::vector(rng.vec(n)).requires_grad();
        let at = Tensor::vector(a.clone());
        let f = at.dot(&x);
        let mut tape = Tape::record(&[&x], &[&f]).unwrap();
        f.backward().unwrap();
        assert_vec_close(&x.grad().unwrap(), &a, n, "eager ∇(aᵀx)");
        let mut g = vec![0.0; n];
        tape.forward(&rng.vec(n));
        tape.vjp(&[1.0], &mut g);
        assert_vec_close(&g, &a, n, "tape ∇(aᵀx)");
    }
}

#[test]
fn vjp_of_a_x_is_a_transpose_v() {
    let mut rng = Rng::new(42);
    for n in SIZES {
        let m = n + 2;
        let a = rng.vec(m * n);
        let v = rng.vec(m);
        let x = Tensor::vector(rng.vec(n)).requires_grad();
        let y = Tensor::matrix(m, n, a.clone()).matmul(&x);
        let mut tape = Tape::record(&[&x], &[&y]).unwrap();
        y.backward_with(&v, false).unwrap();
        let want = matvec_t(&a, m, n, &v);
        assert_vec_close(&x.grad().unwrap(), &want, n, "eager vᵀA");
        let mut g = vec![0.0; n];
        tape.vjp(&v, &mut g);
        assert_vec_close(&g, &want, n, "tape vᵀA");
        // The Jacobian of Ax is A.
        let mut jac = Mat::<f64>::zeros(m, n);
        tape.jacobian(jac.as_mut());
        for i in 0..m {
            for j in 0..n {
                assert_eq!(jac[(i, j)], a[i * n + j]);
            }
        }
    }
}

#[test]
fn gradient_of_x_a_x_is_a_plus_a_transpose_x() {
    let mut rng = Rng::new(7);
    for n in SIZES {
        let a = rng.vec(n * n);
        let p = rng.vec(n);
        let x = Tensor::vector(p.clone()).requires_grad();
        let at = Tensor::matrix(n, n, a.clone());
        let f = x.dot(&at.matmul(&x));
        let mut tape = Tape::record(&[&x], &[&f]).unwrap();
        f.backward().unwrap();
        let ax = matvec(&a, n, n, &p);
        let atx = matvec_t(&a, n, n, &p);
        let want: Vec<f64> = ax.iter().zip(&atx).map(|(u, v)| u + v).collect();
        assert_vec_close(&x.grad().unwrap(), &want, n, "∇(xᵀAx)");
        // Its Hessian is A + Aᵀ, everywhere.
        tape.forward(&rng.vec(n));
        let mut h = Mat::<f64>::zeros(n, n);
        tape.hessian(&[1.0], h.as_mut());
        for i in 0..n {
            for j in 0..n {
                let w = a[i * n + j] + a[j * n + i];
                assert!((h[(i, j)] - w).abs() <= tol(n, 2.0), "H[{i},{j}]");
            }
        }
    }
}

#[test]
fn weighted_least_squares_gradient() {
    // ∂/∂s (x − As)ᵀ W (x − As) = −2 Aᵀ W (x − As) for symmetric W.
    let mut rng = Rng::new(1234);
    for n in SIZES {
        let k = n.div_ceil(2);
        let a = rng.vec(n * k);
        let b = rng.vec(n * n);
        // W = B + Bᵀ is symmetric.
        let w: Vec<f64> = (0..n * n)
            .map(|ij| b[ij] + b[(ij % n) * n + ij / n])
            .collect();
        let xv = rng.vec(n);
        let sv = rng.vec(k);
        let s = Tensor::vector(sv.clone()).requires_grad();
        let x = Tensor::vector(xv.clone());
        let r = &x - &Tensor::matrix(n, k, a.clone()).matmul(&s);
        let f = r.dot(&Tensor::matrix(n, n, w.clone()).matmul(&r));
        let mut tape = Tape::record(&[&s], &[&f]).unwrap();
        f.backward().unwrap();
        let res: Vec<f64> = xv
            .iter()
            .zip(matvec(&a, n, k, &sv))
            .map(|(p, q)| p - q)
            .collect();
        let wr = matvec(&w, n, n, &res);
        let want: Vec<f64> = matvec_t(&a, n, k, &wr).iter().map(|v| -2.0 * v).collect();
        assert_vec_close(&s.grad().unwrap(), &want, n * n, "eager −2AᵀW(x − As)");
        let mut g = vec![0.0; k];
        tape.vjp(&[1.0], &mut g);
        assert_vec_close(&g, &want, n * n, "tape −2AᵀW(x − As)");
    }
}

#[test]
fn gradient_of_trace_ab_is_b_transpose() {
    let mut rng = Rng::new(99);
    for n in SIZES {
        let bv = rng.vec(n * n);
        let a = Tensor::matrix(n, n, rng.vec(n * n)).requires_grad();
        let b = Tensor::matrix(n, n, bv.clone());
        // tr(AB) = Σᵢⱼ Aᵢⱼ Bⱼᵢ = sum(A ∘ Bᵀ), and also Σᵢ (AB)ᵢᵢ.
        let f1 = (&a * &b.t()).sum();
        f1.backward().unwrap();
        let bt: Vec<f64> = (0..n * n).map(|ij| bv[(ij % n) * n + ij / n]).collect();
        assert_vec_close(&a.grad().unwrap(), &bt, n, "∂tr(AB)/∂A via sum(A∘Bᵀ)");
        a.zero_grad();
        let ab = a.matmul(&b);
        let diag: Vec<Tensor> = (0..n)
            .map(|i| ab.index(i as isize).index(i as isize))
            .collect();
        let parts: Vec<&Tensor> = diag.iter().collect();
        let f2 = Tensor::concat(&parts).sum();
        f2.backward().unwrap();
        assert_vec_close(&a.grad().unwrap(), &bt, n, "∂tr(AB)/∂A via the diagonal");
    }
}

#[test]
fn gradient_of_logdet_is_inverse_transpose() {
    let mut rng = Rng::new(5);
    for n in SIZES {
        // Diagonally dominant, so well conditioned.
        let mut av = rng.vec(n * n);
        for i in 0..n {
            av[i * n + i] += n as f64 + 1.0;
        }
        let a = Tensor::matrix(n, n, av.clone()).requires_grad();
        let f = a.logdet();
        let mut tape = Tape::record(&[&a], &[&f]).unwrap();
        f.backward().unwrap();
        let inv = MatRef::from_row_major_slice(&av, n, n).partial_piv_lu();
        let inv = faer::linalg::solvers::DenseSolveCore::inverse(&inv);
        let want: Vec<f64> = (0..n * n).map(|ij| inv[(ij % n, ij / n)]).collect(); // A⁻ᵀ row-major
        assert_vec_close(&a.grad().unwrap(), &want, n * n, "∂ln|A|/∂A");
        // Value: ln|det A| against the LU of faer.
        let det_ln: f64 = {
            let lu = MatRef::from_row_major_slice(&av, n, n).partial_piv_lu();
            (0..n).map(|i| lu.U()[(i, i)].abs().ln()).sum()
        };
        assert!((f.item() - det_ln).abs() < 1e-12 * (1.0 + det_ln.abs()));
        // Second order: the HVP of ln|A| along V is −tr(A⁻¹ V A⁻¹ ·) → −A⁻ᵀ Vᵀ A⁻ᵀ.
        if n <= 10 {
            let v = rng.vec(n * n);
            let mut hv = vec![0.0; n * n];
            tape.hvp(&[1.0], &v, &mut hv);
            let eps = 1e-6;
            let mut gp = vec![0.0; n * n];
            let mut gm = vec![0.0; n * n];
            let ap: Vec<f64> = av.iter().zip(&v).map(|(a, d)| a + eps * d).collect();
            let am: Vec<f64> = av.iter().zip(&v).map(|(a, d)| a - eps * d).collect();
            tape.forward(&ap);
            tape.vjp(&[1.0], &mut gp);
            tape.forward(&am);
            tape.vjp(&[1.0], &mut gm);
            for i in 0..n * n {
                let fd = (gp[i] - gm[i]) / (2.0 * eps);
                assert!(
                    (hv[i] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                    "logdet HVP[{i}]: {} vs {fd}",
                    hv[i]
                );
            }
        }
    }
}
