//! Eager tensors: the autograd semantics of the seed tutorial, memory
//! release and misuse errors.

use lagrange::autodiff::{live_tensor_count, no_grad, AutodiffError, NoGradGuard, Tensor};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn polynomial_derivative_is_5_25() {
    let x = Tensor::scalar(1.5).requires_grad();
    let f = 3.0 * x.powf(3.0) - 5.0 * x.powf(2.0);
    f.backward().unwrap();
    assert!(close(
        x.grad().unwrap()[0],
        9.0 * 1.5 * 1.5 - 10.0 * 1.5,
        1e-15
    ));
    assert!(close(f.item(), 3.0 * 1.5f64.powi(3) - 5.0 * 2.25, 1e-15));
}

#[test]
fn d_equals_a_times_a_plus_b() {
    let a = Tensor::scalar(1.7).requires_grad();
    let b = Tensor::scalar(-0.4).requires_grad();
    let c = &a + &b;
    let d = &a * &c;
    assert_eq!(c.grad_fn(), Some("AddBackward"));
    assert_eq!(d.grad_fn(), Some("MulBackward"));
    assert_eq!(a.grad_fn(), None);
    d.backward().unwrap();
    assert!(close(a.grad().unwrap()[0], 2.0 * 1.7 - 0.4, 1e-15));
    assert!(close(b.grad().unwrap()[0], 1.7, 1e-15));
}

#[test]
fn mean_of_three_x_plus_two_squared() {
    let x = Tensor::matrix(2, 2, vec![1.0; 4]).requires_grad();
    let y = &x + 2.0;
    let z = &y * &y * 3.0;
    let out = z.mean();
    assert_eq!(z.to_vec(), vec![27.0; 4]);
    assert_eq!(out.item(), 27.0);
    out.backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![4.5; 4]);
}

#[test]
fn vjp_of_doubling_loop() {
    let x = Tensor::vector(vec![0.3, -1.2, 2.5]).requires_grad();
    let mut y = &x * 2.0;
    let mut k = 1;
    while y.norm().item() < 1000.0 {
        y = &y * 2.0;
        k += 1;
    }
    let v = [0.1, 1.0, 0.0001];
    y.backward_with(&v, false).unwrap();
    let scale = 2f64.powi(k);
    let g = x.grad().unwrap();
    for i in 0..3 {
        assert!(close(g[i], scale * v[i], 1e-15));
    }
}

#[test]
fn gradients_accumulate_until_zeroed() {
    let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
    for _ in 0..3 {
        let f = (&x * &x).sum();
        f.backward().unwrap();
    }
    assert_eq!(x.grad().unwrap(), vec![6.0, 12.0]);
    x.zero_grad();
    (&x * &x).sum().backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![2.0, 4.0]);
}

#[test]
fn no_grad_and_detach_stop_recording() {
    let x = Tensor::vector(vec![1.0, 2.0, 3.0]).requires_grad();
    assert!(x.is_requires_grad());
    assert!(x.powf(2.0).is_requires_grad());
    let y = no_grad(|| x.powf(2.0));
    assert!(!y.is_requires_grad());
    {
        let _g = NoGradGuard::new();
        assert!(!(&x * 3.0).is_requires_grad());
    }
    assert!((&x * 3.0).is_requires_grad());
    let d = x.detach();
    assert!(!d.is_requires_grad());
    assert_eq!(d.to_vec(), x.to_vec());
    // The detached copy is a constant: only the x path gets a gradient.
    let f = (&x * &d).sum();
    f.backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![1.0, 2.0, 3.0]);
    assert!(d.grad().is_none());
}

#[test]
fn backward_misuse_is_an_error() {
    let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
    let y = &x * 2.0;
    assert!(matches!(
        y.backward(),
        Err(AutodiffError::NonScalarOutput { .. })
    ));
    let msg = y.backward().unwrap_err().to_string();
    assert!(
        msg.contains("[2]") && msg.contains("backward_with"),
        "{msg}"
    );
    assert!(matches!(
        y.backward_with(&[1.0], false),
        Err(AutodiffError::WrongLength {
            expected: 2,
            found: 1,
            ..
        })
    ));
    let c = Tensor::scalar(3.0);
    let e = c.exp();
    assert_eq!(e.backward(), Err(AutodiffError::DoesNotRequireGrad));
    assert!(e
        .backward()
        .unwrap_err()
        .to_string()
        .contains("does not require grad"));

    let f = y.sum();
    f.backward().unwrap();
    assert_eq!(f.item(), 6.0, "values stay readable after backward");
    let err = f.backward().unwrap_err();
    assert_eq!(err, AutodiffError::GraphFreed);
    assert!(err.to_string().contains("retain_graph"));
}

#[test]
fn retain_graph_allows_a_second_backward() {
    let x = Tensor::scalar(2.0).requires_grad();
    let f = x.sin() * &x;
    f.backward_with(&[1.0], true).unwrap();
    f.backward_with(&[1.0], false).unwrap();
    let g = 2.0f64.cos() * 2.0 + 2.0f64.sin();
    assert!(close(x.grad().unwrap()[0], 2.0 * g, 1e-15));
}

#[test]
fn constant_subgraph_gets_no_adjoint() {
    // ½ xᵀAx − bᵀx: A and b do not require grad.
    let a = Tensor::matrix(2, 2, vec![2.0, 1.0, 0.0, 3.0]);
    let b = Tensor::vector(vec![1.0, -1.0]);
    let x = Tensor::vector(vec![0.5, 2.0]).requires_grad();
    let f = 0.5 * x.dot(&a.matmul(&x)) - b.dot(&x);
    f.backward().unwrap();
    // ∇ = ½ (A + Aᵀ) x − b
    let g = x.grad().unwrap();
    assert!(close(g[0], 0.5 * (4.0 * 0.5 + 1.0 * 2.0) - 1.0, 1e-15));
    assert!(close(g[1], 0.5 * (1.0 * 0.5 + 6.0 * 2.0) + 1.0, 1e-15));
    assert!(a.grad().is_none() && b.grad().is_none());
}

#[test]
fn graph_memory_is_released() {
    let before = live_tensor_count();
    {
        let x = Tensor::scalar(0.5).requires_grad();
        let mut y = x.clone();
        for _ in 0..10_000 {
            y = y.sin() * 1.0001 + 0.1;
        }
        let f = y;
        assert!(live_tensor_count() >= before + 20_000);
        f.backward().unwrap();
        // Only x and f remain.
        assert_eq!(live_tensor_count(), before + 2);
    }
    assert_eq!(live_tensor_count(), before);
}

#[test]
fn dropping_a_long_chain_does_not_overflow_the_stack() {
    let before = live_tensor_count();
    {
        let x = Tensor::scalar(0.5).requires_grad();
        let mut y = x.clone();
        for _ in 0..200_000 {
            y = &y + 1.0;
        }
    }
    assert_eq!(live_tensor_count(), before);
}

#[test]
fn indexing_slicing_concat_reshape() {
    let x = Tensor::vector(vec![1.0, 2.0, 3.0, 4.0]).requires_grad();
    let m = x.reshape(&[2, 2]);
    assert_eq!(m.shape(), &[2, 2]);
    let row = m.index(-1);
    assert_eq!(row.to_vec(), vec![3.0, 4.0]);
    let s = x.slice(1, 3);
    assert_eq!(s.to_vec(), vec![2.0, 3.0]);
    let c = Tensor::concat(&[&s, &x.index(0), &row]);
    assert_eq!(c.to_vec(), vec![2.0, 3.0, 1.0, 3.0, 4.0]);
    let w = Tensor::vector(vec![1.0, 10.0, 100.0, 1000.0, 10000.0]);
    c.dot(&w).backward().unwrap();
    assert_eq!(x.grad().unwrap(), vec![100.0, 1.0, 10.0 + 1000.0, 10000.0]);
}

#[test]
fn requires_grad_only_changes_on_leaves() {
    let x = Tensor::scalar(1.0).requires_grad();
    let y = x.exp();
    assert!(!y.is_leaf());
    assert!(matches!(
        y.set_requires_grad(false),
        Err(AutodiffError::NotALeaf { .. })
    ));
    x.set_requires_grad(false).unwrap();
    assert!(!x.is_requires_grad());
}

#[test]
#[should_panic(expected = "left operand has shape [2], right operand has shape [3]")]
fn shape_mismatch_names_both_shapes() {
    let a = Tensor::vector(vec![1.0, 2.0]);
    let b = Tensor::vector(vec![1.0, 2.0, 3.0]);
    let _ = &a + &b;
}

#[test]
#[should_panic(expected = "left operand has shape [2, 3], right operand has shape [2]")]
fn matmul_mismatch_names_both_shapes() {
    let a = Tensor::matrix(2, 3, vec![0.0; 6]);
    let b = Tensor::vector(vec![1.0, 2.0]);
    let _ = a.matmul(&b);
}

#[test]
fn try_from_shape_reports_bad_data() {
    let t = Tensor::try_from_shape(&[2, 3], vec![1.0; 6]).unwrap();
    assert_eq!(t.shape(), &[2, 3]);
    let e = Tensor::try_from_shape(&[2, 3], vec![1.0; 5]).unwrap_err();
    assert!(
        e.to_string().contains("[2, 3]") && e.to_string().contains("5 values"),
        "{e}"
    );
    assert!(Tensor::try_from_shape(&[1, 2, 3], vec![1.0; 6]).is_err());
    assert!(Tensor::try_from_shape(&[], vec![2.5]).unwrap().item() == 2.5);
}
