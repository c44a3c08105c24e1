//! The device graph's autograd semantics (PyTorch's): closed forms from the
//! seed tutorial, matrix-calculus identities, finite differences, gradient
//! accumulation, no_grad / detach / grad_fn, and the three routes to the
//! benchmark gradient (op by op, fused map_sum, one-pass value-and-grad).
//!
//! Skipped (with a note) without a GPU; kernels/gpu-check.sh runs them with
//! LAGRANGE_REQUIRE_GPU=1.
#![cfg(feature = "cuda")]

mod cuda_common;

use cuda_common::gpu;
use lagrange::cuda::{no_grad, sum_value_and_grad, DeviceTensor, Expr};
use lagrange_test_support::accuracy::{
    assert_reduction, assert_rel, sum_ref, ELEMENTWISE_TOL, REDUCTION_TOL,
};
use lagrange_test_support::Rng;

#[test]
fn seed_tutorial_closed_forms() {
    let Some(dev) = gpu() else { return };
    // d/dx (3x³ − 5x²) at 1.5 = 9x² − 10x = 5.25.
    let x = DeviceTensor::scalar(1.5, dev).unwrap().requires_grad();
    let y = x
        .powf(3.0)
        .unwrap()
        .mul_scalar(3.0)
        .unwrap()
        .sub(&x.square().unwrap().mul_scalar(5.0).unwrap())
        .unwrap();
    y.backward().unwrap();
    assert!((x.grad().unwrap().item().unwrap() - 5.25).abs() < 1e-14);

    // d = a·(a + b): ∂d/∂a = 2a + b, ∂d/∂b = a.
    let a = DeviceTensor::scalar(2.0, dev).unwrap().requires_grad();
    let b = DeviceTensor::scalar(-3.0, dev).unwrap().requires_grad();
    let d = a.mul(&a.add(&b).unwrap()).unwrap();
    assert_eq!(d.grad_fn(), Some("MulBackward"));
    d.backward().unwrap();
    assert_eq!(a.grad().unwrap().item().unwrap(), 1.0);
    assert_eq!(b.grad().unwrap().item().unwrap(), 2.0);

    // o = mean(3 (x + 2)²) at x = 1 (4 entries): 27, gradient 4.5 each.
    let x = DeviceTensor::full(&[2, 2], 1.0, dev)
        .unwrap()
        .requires_grad();
    let o = x
        .add_scalar(2.0)
        .unwrap()
        .square()
        .unwrap()
        .mul_scalar(3.0)
        .unwrap()
        .mean()
        .unwrap();
    assert_eq!(o.item().unwrap(), 27.0);
    o.backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec().unwrap(), vec![4.5; 4]);
    assert_eq!(x.grad().unwrap().shape(), &[2, 2]);

    // VJP of a doubling loop (y = x · 2¹⁰) with v = [0.1, 1.0, 0.0001].
    let x = DeviceTensor::from_vec(vec![0.3, -1.2, 2.0], dev)
        .unwrap()
        .requires_grad();
    let mut y = x.clone();
    for _ in 0..10 {
        y = y.mul_scalar(2.0).unwrap();
    }
    y.backward_with(&DeviceTensor::from_vec(vec![0.1, 1.0, 0.0001], dev).unwrap())
        .unwrap();
    assert_eq!(
        x.grad().unwrap().to_vec().unwrap(),
        vec![102.4, 1024.0, 0.1024]
    );
}

#[test]
fn matrix_calculus_identities() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("identities");
    let n = 300;
    let av = rng.uniform(n * n, -1.0, 1.0);
    let xv = rng.uniform(n, -1.0, 1.0);
    let a = DeviceTensor::from_slice(&av, &[n, n], dev).unwrap();
    let avec = DeviceTensor::from_vec(av[..n].to_vec(), dev).unwrap();

    // ∇ₓ(aᵀx) = a
    let x = DeviceTensor::from_vec(xv.clone(), dev)
        .unwrap()
        .requires_grad();
    avec.dot(&x).unwrap().backward().unwrap();
    assert_rel(
        "∇(aᵀx)",
        &x.grad().unwrap().to_vec().unwrap(),
        &av[..n],
        ELEMENTWISE_TOL,
    );

    // ∇ₓ(xᵀAx) = (A + Aᵀ)x
    let x = DeviceTensor::from_vec(xv.clone(), dev)
        .unwrap()
        .requires_grad();
    x.dot(&a.matvec(&x).unwrap()).unwrap().backward().unwrap();
    let got = x.grad().unwrap().to_vec().unwrap();
    for (i, g) in got.iter().enumerate() {
        let (want, scale) = sum_ref((0..n).map(|j| (av[i * n + j] + av[j * n + i]) * xv[j]));
        assert_reduction(&format!("∇(xᵀAx)[{i}]"), *g, want, scale, REDUCTION_TOL);
    }
}

#[test]
fn gradients_agree_with_central_differences() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("finite differences");
    let n = 1000;
    let xs = rng.uniform(n, 0.2, 1.5);
    let f = |x: &DeviceTensor| -> DeviceTensor {
        // A composition using most ops: Σ tanh(x)·log(x+1) / (1 + x²) + ‖sin x‖ + mean(√x · cos x)
        let t = x
            .tanh()
            .unwrap()
            .mul(&x.add_scalar(1.0).unwrap().log().unwrap())
            .unwrap();
        let u = t
            .div(&x.square().unwrap().add_scalar(1.0).unwrap())
            .unwrap()
            .sum()
            .unwrap();
        let v = x.sin().unwrap().norm().unwrap();
        let w = x
            .sqrt()
            .unwrap()
            .mul(&x.cos().unwrap())
            .unwrap()
            .mean()
            .unwrap();
        u.add(&v).unwrap().add(&w).unwrap()
    };
    let x = DeviceTensor::from_vec(xs.clone(), dev)
        .unwrap()
        .requires_grad();
    f(&x).backward().unwrap();
    let g = x.grad().unwrap().to_vec().unwrap();
    for &i in &[0, 1, 17, 499, 998, 999] {
        let h = 1e-5;
        let at = |d: f64| {
            let mut p = xs.clone();
            p[i] += d;
            no_grad(|| f(&DeviceTensor::from_vec(p, dev).unwrap()).item().unwrap())
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        assert!(
            (g[i] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "element {i}: AD {} vs FD {fd}",
            g[i]
        );
    }
}

#[test]
fn accumulation_no_grad_detach_and_grad_fn() {
    let Some(dev) = gpu() else { return };
    let x = DeviceTensor::from_vec(vec![1.0, 2.0, 3.0], dev)
        .unwrap()
        .requires_grad();
    assert!(x.is_leaf() && x.is_requires_grad() && x.grad_fn().is_none() && x.grad().is_none());
    let y = x.square().unwrap().sum().unwrap();
    assert_eq!(y.grad_fn(), Some("SumBackward"));
    y.backward().unwrap();
    y.backward().unwrap();
    assert_eq!(
        x.grad().unwrap().to_vec().unwrap(),
        vec![4.0, 8.0, 12.0],
        "two backward calls add up"
    );
    x.zero_grad();
    assert!(x.grad().is_none());

    let z = no_grad(|| x.square().unwrap());
    assert!(!z.is_requires_grad() && z.grad_fn().is_none());
    assert!(
        x.square().unwrap().is_requires_grad(),
        "recording resumes after no_grad"
    );
    // One switch for both engines: the CPU engine's guard stops device
    // recording too, and a CPU tensor and a device tensor agree on it.
    {
        let _guard = lagrange::autodiff::NoGradGuard::new();
        assert!(!x.square().unwrap().is_requires_grad());
        let cpu = lagrange::autodiff::Tensor::scalar(1.0).requires_grad();
        assert!(!(&cpu * 2.0).is_requires_grad());
    }
    assert!(x.square().unwrap().is_requires_grad());

    // detach cuts the graph: the detached factor counts as a constant.
    let d = x.detach();
    assert!(!d.is_requires_grad());
    x.mul(&d).unwrap().sum().unwrap().backward().unwrap();
    assert_eq!(x.grad().unwrap().to_vec().unwrap(), vec![1.0, 2.0, 3.0]);

    // Ops on tensors that do not require grad record nothing.
    let c = d.exp().unwrap();
    assert!(c.grad_fn().is_none());
    let names: Vec<_> = [
        x.neg().unwrap(),
        x.exp().unwrap(),
        x.add(&x).unwrap(),
        x.dot(&x).unwrap(),
        x.norm().unwrap(),
        x.mean().unwrap(),
    ]
    .iter()
    .map(|t| t.grad_fn().unwrap())
    .collect();
    assert_eq!(
        names,
        [
            "NegBackward",
            "ExpBackward",
            "AddBackward",
            "DotBackward",
            "NormBackward",
            "MeanBackward"
        ]
    );
}

#[test]
fn benchmark_gradient_three_ways() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("exp(sin x) x²");
    let n = 1_000_003;
    let xs = rng.uniform(n, -2.0, 2.0);
    // CPU closed form: f = Σ e^{sin x} x², f' = e^{sin x} (x² cos x + 2x).
    let (want_f, scale) = sum_ref(xs.iter().map(|x| x.sin().exp() * x * x));
    let want_g: Vec<f64> = xs
        .iter()
        .map(|x| x.sin().exp() * (x * x * x.cos() + 2.0 * x))
        .collect();

    // 1. op by op, as an eager engine records it.
    let x = DeviceTensor::from_vec(xs.clone(), dev)
        .unwrap()
        .requires_grad();
    let f = x
        .sin()
        .unwrap()
        .exp()
        .unwrap()
        .mul(&x.square().unwrap())
        .unwrap()
        .sum()
        .unwrap();
    assert_reduction(
        "f op by op",
        f.item().unwrap(),
        want_f,
        scale,
        REDUCTION_TOL,
    );
    f.backward().unwrap();
    assert_rel(
        "∇f op by op",
        &x.grad().unwrap().to_vec().unwrap(),
        &want_g,
        ELEMENTWISE_TOL,
    );

    // 2. fused forward (one pass) and fused backward (one pass).
    let e = (Expr::x().sin().exp() * Expr::x().square())
        .compile()
        .unwrap();
    let x = x.detach().requires_grad();
    let f = x.map_sum(&e).unwrap();
    assert_eq!(f.grad_fn(), Some("MapSumBackward"));
    assert_reduction("f fused", f.item().unwrap(), want_f, scale, REDUCTION_TOL);
    f.backward().unwrap();
    assert_rel(
        "∇f fused",
        &x.grad().unwrap().to_vec().unwrap(),
        &want_g,
        ELEMENTWISE_TOL,
    );

    // 3. value and gradient in a single pass over x.
    let (value, grad) = sum_value_and_grad(&x.detach(), &e).unwrap();
    assert_reduction("f one pass", value, want_f, scale, REDUCTION_TOL);
    assert_rel(
        "∇f one pass",
        &grad.to_vec().unwrap(),
        &want_g,
        ELEMENTWISE_TOL,
    );
}
