//! Opening a CUDA device, and the clear error when there is none.
//!
//! On a machine without a GPU (CI links the stub driver of kernels/stub/,
//! which answers CUDA_ERROR_NO_DEVICE everywhere) these tests check that every
//! entry point returns `CudaError::Unavailable` naming the driver's error;
//! `LAGRANGE_EXPECT_NO_DEVICE=1` (set by kernels/ci-stub-test.sh) makes that
//! expectation strict. On a GPU machine they check the device opens and that
//! misuse is an error, not a panic.
#![cfg(feature = "cuda")]

mod cuda_common;

use lagrange::cuda::{device_info, is_available, CudaError, Device, DeviceTensor, Expr, GpuTimer};

fn expect_no_device() -> bool {
    std::env::var_os("LAGRANGE_EXPECT_NO_DEVICE").is_some()
}

#[test]
fn no_device_is_a_clear_error_not_a_panic() {
    match device_info(Device::Cuda(0)) {
        Ok(info) => {
            assert!(
                !expect_no_device(),
                "LAGRANGE_EXPECT_NO_DEVICE set but found {info:?}"
            );
            assert!(!info.name.is_empty());
            assert!(info.compute_capability.0 >= 7, "{info:?}");
            assert!(info.driver_version >= 11_000, "{info:?}");
            eprintln!("device 0: {info:?}");
        }
        Err(e) => {
            let msg = e.to_string();
            eprintln!("CUDA unavailable, as reported to the user: {msg}");
            assert!(e.is_unavailable(), "{e:?}");
            if expect_no_device() {
                assert!(e.is_no_device(), "{e:?}");
                assert_eq!(
                    msg,
                    "CUDA is not available: cuInit failed with CUDA_ERROR_NO_DEVICE (100): \
                     no CUDA-capable device is detected"
                );
            }
            // Every way in reports the same error instead of panicking.
            let from_data = DeviceTensor::from_vec(vec![1.0, 2.0], Device::Cuda(0)).unwrap_err();
            assert_eq!(from_data, e);
            assert_eq!(DeviceTensor::zeros(&[3], Device::Cuda(0)).unwrap_err(), e);
            assert_eq!(DeviceTensor::scalar(1.0, Device::Cuda(0)).unwrap_err(), e);
            assert_eq!(GpuTimer::new(Device::Cuda(0)).err(), Some(e.clone()));
            assert!(!is_available(Device::Cuda(0)));
            // A second attempt gives the same answer (nothing cached half-open).
            assert_eq!(device_info(Device::Cuda(0)).unwrap_err(), e);
        }
    }
}

#[test]
fn the_cpu_is_not_a_cuda_device() {
    let err = DeviceTensor::from_vec(vec![1.0], Device::Cpu).unwrap_err();
    assert_eq!(err, CudaError::NotACudaDevice(Device::Cpu));
    assert!(err.to_string().contains("not on cpu"), "{err}");
}

#[test]
fn data_that_does_not_fit_the_shape_is_an_error() {
    // Checked before the device is touched, so this holds with or without a GPU.
    let err = DeviceTensor::from_slice(&[1.0, 2.0, 3.0], &[2, 2], Device::Cuda(0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3 values cannot fill a tensor of shape [2, 2] (4 elements)"
    );
}

#[test]
fn expressions_compile_without_a_device() {
    let f = (Expr::x().sin().exp() * Expr::x().square())
        .compile()
        .unwrap();
    assert_eq!(f.instructions(), 6);
    assert_eq!(f.registers(), 2);
    let (v, d) = f.expr().eval(0.5);
    let e = 0.5f64.sin().exp();
    assert!((v - e * 0.25).abs() < 1e-15);
    assert!((d - e * (0.5f64.cos() * 0.25 + 1.0)).abs() < 1e-15);
}

#[test]
fn a_missing_device_ordinal_is_an_error() {
    let Some(_) = cuda_common::gpu() else { return };
    let err = device_info(Device::Cuda(4096)).unwrap_err();
    assert!(
        matches!(err, CudaError::NoSuchDevice { ordinal: 4096, .. }),
        "{err:?}"
    );
    assert!(err.is_unavailable());
}

#[test]
fn misuse_is_an_error_naming_the_shapes() {
    let Some(dev) = cuda_common::gpu() else {
        return;
    };
    let a = DeviceTensor::from_vec(vec![1.0, 2.0, 3.0], dev).unwrap();
    let b = DeviceTensor::from_vec(vec![1.0, 2.0], dev).unwrap();
    let err = a.mul(&b).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mul: shape [3] does not fit shape [2] (equal shapes, or one operand with a single element)"
    );
    assert!(a.dot(&b).unwrap_err().to_string().contains("[3]"));
    let m = DeviceTensor::from_slice(&[1.0; 6], &[2, 3], dev).unwrap();
    assert!(m
        .matvec(&b)
        .unwrap_err()
        .to_string()
        .contains("a vector [n] for a matrix [m, n]"));
    assert!(m.matvec_t(&a).is_err());
    assert!(a
        .matvec(&a)
        .unwrap_err()
        .to_string()
        .contains("a matrix [m, n]"));
    assert!(a.reshape(&[2, 2]).is_err());
    assert!(a.item().is_err());
    // backward misuse
    let x = a.requires_grad();
    let y = x.sin().unwrap();
    assert_eq!(y.backward().unwrap_err(), CudaError::NotScalar(vec![3]));
    assert_eq!(a.sum().unwrap().backward().unwrap_err(), CudaError::NoGrad);
    assert!(y.backward_with(&b).is_err());
}
