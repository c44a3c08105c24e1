//! Moving tensors between the CPU engine and the device, and the two engines
//! agreeing on gradients. Skipped (with a note) without a GPU.
#![cfg(feature = "cuda")]

mod cuda_common;

use cuda_common::gpu;
use lagrange::autodiff::Tensor;
use lagrange::cuda::{to_device, DeviceTensor, Expr};
use lagrange_test_support::accuracy::{
    assert_reduction, assert_rel, sum_ref, ELEMENTWISE_TOL, REDUCTION_TOL,
};
use lagrange_test_support::Rng;

#[test]
fn round_trip_keeps_values_shape_and_requires_grad() {
    let Some(dev) = gpu() else { return };
    let m = Tensor::matrix(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).requires_grad();
    let d = to_device(&m, dev).unwrap();
    assert_eq!(d.shape(), &[2, 3]);
    assert!(d.is_requires_grad() && d.is_leaf());
    let back = d.to_cpu().unwrap();
    assert_eq!(back.shape(), &[2, 3]);
    assert_eq!(back.to_vec(), m.to_vec());
    assert!(!back.is_requires_grad());
    let s = to_device(&Tensor::scalar(2.5), dev).unwrap();
    assert_eq!(s.shape(), &[] as &[usize]);
    assert!(!s.is_requires_grad());
    assert_eq!(s.to_cpu().unwrap().item(), 2.5);
    let r3 = DeviceTensor::from_slice(&[0.0; 8], &[2, 2, 2], dev).unwrap();
    assert!(r3
        .to_cpu()
        .unwrap_err()
        .to_string()
        .contains("rank 0, 1 or 2"));
}

#[test]
fn cpu_engine_and_device_agree_on_gradients() {
    let Some(dev) = gpu() else { return };
    let mut rng = Rng::fresh("engines");
    let n = 100_003;
    let xs = rng.uniform(n, -2.0, 2.0);

    // f(x) = Σ exp(sin x)·x² on the CPU engine ...
    let x = Tensor::vector(xs.clone()).requires_grad();
    let f = x.sin().exp().mul(&x.powf(2.0)).sum();
    f.backward().unwrap();
    let cpu_grad = x.grad().unwrap();

    // ... op by op on the device ...
    let xd = to_device(&x, dev).unwrap();
    let fd = xd
        .sin()
        .unwrap()
        .exp()
        .unwrap()
        .mul(&xd.powf(2.0).unwrap())
        .unwrap()
        .sum()
        .unwrap();
    let (_, scale) = sum_ref(xs.iter().map(|x| x.sin().exp() * x * x));
    assert_reduction("f", fd.item().unwrap(), f.item(), scale, REDUCTION_TOL);
    fd.backward().unwrap();
    let dev_grad = xd.grad().unwrap().to_cpu().unwrap().to_vec();
    assert_rel(
        "device vs CPU engine gradient",
        &dev_grad,
        &cpu_grad,
        ELEMENTWISE_TOL,
    );

    // ... and fused.
    let e = (Expr::x().sin().exp() * Expr::x().square())
        .compile()
        .unwrap();
    let xf = to_device(&x, dev).unwrap();
    xf.map_sum(&e).unwrap().backward().unwrap();
    assert_rel(
        "fused vs CPU engine gradient",
        &xf.grad().unwrap().to_vec().unwrap(),
        &cpu_grad,
        ELEMENTWISE_TOL,
    );
}
