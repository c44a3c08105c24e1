//! The compiled tape: values, VJPs, JVPs, HVPs, Hessians and Jacobians
//! against the eager graph and finite differences.

use faer::Mat;
use lagrange::autodiff::{AutodiffError, Tape, Tensor};

/// A function of 3 variables mixing scalar and tensor ops.
fn build(x: &Tensor) -> Tensor {
    let a = Tensor::matrix(2, 3, vec![1.0, -0.5, 2.0, 0.3, 0.7, -1.1]);
    let ax = a.matmul(x); // [2]
    let s = (ax.sin() * &ax).sum();
    let q = x.index(0) * x.index(2).exp() / (x.index(1).powf(2.0) + 1.0);
    s + q.tanh() + x.norm()
}

fn eval_f(p: &[f64]) -> f64 {
    let x = Tensor::vector(p.to_vec());
    build(&x).item()
}

fn grad_eager(p: &[f64]) -> Vec<f64> {
    let x = Tensor::vector(p.to_vec()).requires_grad();
    build(&x).backward().unwrap();
    x.grad().unwrap()
}

#[test]
fn tape_matches_eager_at_new_points() {
    let x = Tensor::vector(vec![0.2, -0.3, 0.5]).requires_grad();
    let f = build(&x);
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    assert_eq!(tape.num_inputs(), 3);
    assert_eq!(tape.num_outputs(), 1);
    assert_eq!(tape.outputs()[0], f.item());
    for p in [[0.1, 0.2, 0.3], [-1.0, 0.5, 2.0], [0.7, -0.9, -0.4]] {
        tape.forward(&p);
        assert!((tape.outputs()[0] - eval_f(&p)).abs() < 1e-13);
        let mut g = [0.0; 3];
        tape.vjp(&[1.0], &mut g);
        let ge = grad_eager(&p);
        for i in 0..3 {
            assert!((g[i] - ge[i]).abs() < 1e-12, "{g:?} vs {ge:?}");
        }
    }
}

#[test]
fn hvp_and_hessian_match_finite_differences_of_the_gradient() {
    let x = Tensor::vector(vec![0.2, -0.3, 0.5]).requires_grad();
    let f = build(&x);
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    let p = [0.4, 0.1, -0.6];
    tape.forward(&p);
    let mut h = Mat::<f64>::zeros(3, 3);
    tape.hessian(&[1.0], h.as_mut());
    let eps = 1e-5;
    for j in 0..3 {
        let (mut pp, mut pm) = (p, p);
        pp[j] += eps;
        pm[j] -= eps;
        let (gp, gm) = (grad_eager(&pp), grad_eager(&pm));
        for i in 0..3 {
            let fd = (gp[i] - gm[i]) / (2.0 * eps);
            assert!(
                (h[(i, j)] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                "H[{i},{j}] = {} vs {fd}",
                h[(i, j)]
            );
        }
    }
    let v = [0.3, -1.0, 2.0];
    let mut hv = [0.0; 3];
    tape.forward(&p);
    tape.hvp(&[1.0], &v, &mut hv);
    for i in 0..3 {
        let want: f64 = (0..3).map(|j| h[(i, j)] * v[j]).sum();
        assert!((hv[i] - want).abs() < 1e-12 * (1.0 + want.abs()));
    }
}

#[test]
fn jacobian_and_jvp_of_a_vector_function() {
    let x = Tensor::vector(vec![0.5, 1.5]).requires_grad();
    let y0 = x.index(0) * x.index(1);
    let y1 = x.index(0).sin() + x.index(1).log();
    let y2 = x.exp().sum();
    let mut tape = Tape::record(&[&x], &[&y0, &y1, &y2]).unwrap();
    let p = [0.3, 2.0];
    tape.forward(&p);
    let mut j = Mat::<f64>::zeros(3, 2);
    tape.jacobian(j.as_mut());
    let want = [
        [2.0, 0.3],
        [0.3f64.cos(), 0.5],
        [0.3f64.exp(), 2.0f64.exp()],
    ];
    for r in 0..3 {
        for c in 0..2 {
            assert!((j[(r, c)] - want[r][c]).abs() < 1e-14);
        }
    }
    let mut out = [0.0; 3];
    tape.jvp(&[1.0, -2.0], &mut out);
    for r in 0..3 {
        assert!((out[r] - (want[r][0] - 2.0 * want[r][1])).abs() < 1e-14);
    }
}

#[test]
fn record_errors() {
    let x = Tensor::scalar(1.0).requires_grad();
    let c = Tensor::scalar(2.0);
    let y = &x * &c;
    assert!(matches!(
        Tape::record(&[&y], &[&y]),
        Err(AutodiffError::InputNotLeaf { index: 0, .. })
    ));
    assert!(matches!(
        Tape::record(&[&c], &[&y]),
        Err(AutodiffError::InputWithoutGrad { index: 0 })
    ));
    assert!(matches!(
        Tape::record(&[&x, &x], &[&y]),
        Err(AutodiffError::DuplicateInput { index: 1, first: 0 })
    ));
    y.backward().unwrap();
    assert_eq!(
        Tape::record(&[&x], &[&y]).unwrap_err(),
        AutodiffError::GraphFreed
    );
}
