//! Shared helpers of the GPU tests (tests/cuda_*.rs).
//!
//! - `gpu()` opens CUDA device 0 with the test checks on (every allocation
//!   poisoned with NaN, a synchronisation after every launch so that a failing
//!   kernel is named). Without a usable device it prints why and returns
//!   `None`, so the test passes as skipped, unless `LAGRANGE_REQUIRE_GPU=1`
//!   (set by kernels/gpu-check.sh), which turns "no device" into a failure.
//!
//! The random inputs (`Rng::fresh`: seed from the clock, printed;
//! `LAGRANGE_TEST_SEED=N` replays one) and the accuracy assertions are the
//! shared test scaffolding's (`lagrange_test_support`).

use lagrange::cuda::{device_info, set_checks, Checks, Device};

/// CUDA device 0 with test checks on, or `None` (skip) without one.
pub fn gpu() -> Option<Device> {
    let dev = Device::Cuda(0);
    match device_info(dev) {
        Ok(info) => {
            set_checks(Checks {
                poison_outputs: true,
                synchronize_each_launch: true,
            });
            eprintln!(
                "GPU: {} (cc {}.{}, PTX {})",
                info.name, info.compute_capability.0, info.compute_capability.1, info.ptx
            );
            Some(dev)
        }
        Err(e) if e.is_unavailable() && std::env::var_os("LAGRANGE_REQUIRE_GPU").is_none() => {
            eprintln!("note: GPU test skipped, CUDA unavailable: {e}");
            None
        }
        Err(e) => panic!("CUDA device required (LAGRANGE_REQUIRE_GPU) but not usable: {e}"),
    }
}
