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

/// Large elementwise runs are executed tile by tile; the results must not
/// differ from the eager graph, across repeated calls (adjoints zeroed),
/// with intermediates that are also outputs or read outside the run, and on
/// the HVP path (which does not tile).
#[test]
fn tiled_elementwise_runs_match_eager() {
    let n = 70_001;
    let p: Vec<f64> = (0..n).map(|i| ((i % 997) as f64) * 2e-3 - 1.0).collect();
    let build = |x: &Tensor| {
        let s = x.sin();
        let e = s.exp();
        let q = x.powf(2.0);
        let m = &e * &q * 0.5 + &s;
        // s is read outside the run too (by its sum), m is an output.
        let f = m.sum() + s.sum() * 0.1;
        (f, m)
    };
    let x = Tensor::vector(p.clone()).requires_grad();
    let (f, m) = build(&x);
    let mut tape = Tape::record(&[&x], &[&f, &m]).unwrap();
    assert_eq!(tape.num_outputs(), 1 + n);
    let w: Vec<f64> = (0..=n)
        .map(|i| if i == 0 { 1.0 } else { ((i % 7) as f64) * 0.01 })
        .collect();
    let mut g = vec![0.0; n];
    for round in 0..3 {
        let q: Vec<f64> = p.iter().map(|v| v + 0.01 * round as f64).collect();
        tape.forward(&q);
        tape.vjp(&w, &mut g);
        let xe = Tensor::vector(q.clone()).requires_grad();
        let (fe, me) = build(&xe);
        let out = Tensor::concat(&[&fe, &me]);
        assert!((tape.outputs()[0] - fe.item()).abs() < 1e-9 * fe.item().abs().max(1.0));
        out.backward_with(&w, false).unwrap();
        let ge = xe.grad().unwrap();
        for i in (0..n).step_by(997) {
            assert!(
                (g[i] - ge[i]).abs() < 1e-12 * (1.0 + ge[i].abs()),
                "round {round}, [{i}]: {} vs {}",
                g[i],
                ge[i]
            );
        }
    }
    // HVP on the same tape, twice (internal adjoints must be re-zeroed),
    // against finite differences of the tiled gradient.
    let v: Vec<f64> = (0..n).map(|i| ((i % 5) as f64) - 2.0).collect();
    let mut hv = vec![0.0; n];
    tape.forward(&p);
    tape.hvp(&w, &v, &mut hv);
    tape.hvp(&w, &v, &mut hv);
    let eps = 1e-6;
    let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
    let pp: Vec<f64> = p.iter().zip(&v).map(|(a, b)| a + eps * b).collect();
    let pm: Vec<f64> = p.iter().zip(&v).map(|(a, b)| a - eps * b).collect();
    tape.forward(&pp);
    tape.vjp(&w, &mut gp);
    tape.forward(&pm);
    tape.vjp(&w, &mut gm);
    for i in (0..n).step_by(1009) {
        let fd = (gp[i] - gm[i]) / (2.0 * eps);
        assert!(
            (hv[i] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
            "HVP[{i}]: {} vs {fd}",
            hv[i]
        );
    }
}

/// A scalar-op function of 12 variables with a dense Hessian: the Hessian
/// (built from batches of 8 directions) and batched HVPs against finite
/// differences of the gradient.
#[test]
fn batched_hessian_of_scalar_graph() {
    let n = 12;
    let build = |x: &Tensor| {
        let xs: Vec<Tensor> = (0..n).map(|i| x.index(i as isize)).collect();
        let mut f = Tensor::scalar(0.0);
        let mut s = Tensor::scalar(0.0);
        for i in 0..n {
            let next = &xs[(i + 1) % n];
            let d = &xs[i] - next;
            f = f + &d * &d + xs[i].sin() * next + (&xs[i] / 10.0).exp();
            s = s + &xs[i] * &xs[i];
        }
        f + &s * &s
    };
    let p: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let x = Tensor::vector(p.clone()).requires_grad();
    let f = build(&x);
    let mut tape = Tape::record(&[&x], &[&f]).unwrap();
    let mut h = Mat::<f64>::zeros(n, n);
    tape.hessian(&[1.0], h.as_mut());
    let grad = |z: &[f64], t: &mut Tape| {
        let mut g = vec![0.0; n];
        t.gradient(z, &mut g);
        g
    };
    let mut t2 = tape.clone();
    let eps = 1e-5;
    for j in 0..n {
        let (mut a, mut b) = (p.clone(), p.clone());
        a[j] += eps;
        b[j] -= eps;
        let (ga, gb) = (grad(&a, &mut t2), grad(&b, &mut t2));
        for i in 0..n {
            let fd = (ga[i] - gb[i]) / (2.0 * eps);
            assert!(
                (h[(i, j)] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                "H[{i},{j}] = {} vs {fd}",
                h[(i, j)]
            );
            assert_eq!(h[(i, j)], h[(j, i)]);
        }
    }
    // Batched HVPs: 10 directions (one full batch and a partial one).
    let v = Mat::<f64>::from_fn(n, 10, |i, j| ((i * 7 + j * 3) % 5) as f64 - 2.0);
    let mut hv = Mat::<f64>::zeros(n, 10);
    tape.hvp_batch(&[1.0], v.as_ref(), hv.as_mut());
    let want = &h * &v;
    for i in 0..n {
        for j in 0..10 {
            assert!((hv[(i, j)] - want[(i, j)]).abs() < 1e-10 * (1.0 + want[(i, j)].abs()));
        }
    }
}

/// Several directions per sweep take batched elementwise rules (partials
/// computed once per sweep); one direction takes the ops' generic rules.
/// Both must give bitwise equal Hessian-vector products, on every unary
/// and binary op, with broadcast scalars (dynamic and constant) and
/// constant tensor operands, over several outputs with a weighted seed.
#[test]
fn batched_elementwise_rules_match_single_direction_bitwise() {
    let x = Tensor::vector(vec![0.3, 0.9, 1.7, 0.45, 1.2, 0.6]).requires_grad();
    let s = Tensor::scalar(0.8).requires_grad();
    let c = Tensor::vector(vec![1.5, -0.5, 2.0, 0.25, -1.0, 3.0]);
    let k = Tensor::scalar(1.3);
    let y = &x * 0.7 + 0.2;
    let unary = x.exp() + x.log() + x.sin() + x.cos() + x.tan() + x.tanh() + x.sqrt() - x.abs()
        + x.powf(3.5)
        + x.powf(2.0)
        + (2.0 / &x)
        + (1.0 - &x) * 0.5
        + (-&x) / 4.0;
    let binary = &x * &y + &x / &y + x.pow(&y) + (&x - &s) * &c + &s * &x / &s.exp() - &c / &x
        + x.pow(&k)
        + k.pow(&x)
        + &s.pow(&x) * &s;
    let f0 = (&unary * &binary).sum();
    let f1 = (&binary * &binary).sum() + s.sin() * &s;
    let g = &unary - &binary * &s;
    let mut tape = Tape::record(&[&x, &s], &[&f0, &f1, &g]).unwrap();
    let n = tape.num_inputs();
    let seed: Vec<f64> = (0..tape.num_outputs())
        .map(|i| 0.5 - 0.3 * i as f64)
        .collect();
    // 7 directions: one batched sweep.
    let v = Mat::<f64>::from_fn(n, 7, |i, j| ((i * 5 + j * 3) % 7) as f64 / 3.0 - 1.0);
    let mut batched = Mat::<f64>::zeros(n, 7);
    tape.hvp_batch(&seed, v.as_ref(), batched.as_mut());
    let mut col = vec![0.0; n];
    let mut single = vec![0.0; n];
    for j in 0..7 {
        for i in 0..n {
            col[i] = v[(i, j)];
        }
        tape.hvp(&seed, &col, &mut single);
        for i in 0..n {
            assert_eq!(
                batched[(i, j)].to_bits(),
                single[i].to_bits(),
                "direction {j}, entry {i}: {} vs {}",
                batched[(i, j)],
                single[i]
            );
        }
    }
}

#[test]
fn tape_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Tape>();
}

/// A dense Hessian takes all its directions in one sweep up to 16 inputs,
/// batches of 8 beyond: either way every entry is bitwise the
/// symmetrized single-direction Hessian-vector products.
#[test]
fn hessian_in_one_sweep_or_batches_matches_single_directions_bitwise() {
    for n in [10, 16, 17, 20] {
        let p: Vec<f64> = (0..n).map(|i| 0.2 + 0.05 * i as f64).collect();
        let x = Tensor::vector(p).requires_grad();
        let y = &x * 0.7 + 0.2;
        let f = (x.exp() * x.sin() + &x * &y + x.powf(2.5)).sum() + (&x * &y).sum().log()
            - (x.cos() / &y).sum() * x.sum();
        let mut tape = Tape::record(&[&x], &[&f]).unwrap();
        let mut h = Mat::<f64>::zeros(n, n);
        tape.hessian(&[0.75], h.as_mut());
        let mut columns = Mat::<f64>::zeros(n, n);
        let mut e = vec![0.0; n];
        let mut hv = vec![0.0; n];
        for j in 0..n {
            e[j] = 1.0;
            tape.hvp(&[0.75], &e, &mut hv);
            e[j] = 0.0;
            for i in 0..n {
                columns[(i, j)] = hv[i];
            }
        }
        for j in 0..n {
            for i in 0..n {
                let want = if i == j {
                    columns[(i, j)]
                } else {
                    0.5 * (columns[(i, j)] + columns[(j, i)])
                };
                assert_eq!(h[(i, j)].to_bits(), want.to_bits(), "n = {n}, ({i}, {j})");
            }
        }
    }
}
