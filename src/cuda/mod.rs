//! CUDA tensors (feature `cuda`): f64 tensors in device memory with
//! PyTorch-like autograd, running the large-tensor kernels of `kernels/`.
//!
//! - [`Device`]: where a tensor lives (`Device::Cuda(0)` is PyTorch's `cuda:0`).
//! - [`DeviceTensor`]: a device tensor; elementwise ops with their fused
//!   derivative kernels, deterministic reductions (sum, mean, dot, norm),
//!   matrix-vector products A·x and Aᵀ·y, and fused elementwise expressions
//!   ([`Expr`]); `backward()` runs the derivative kernels on the device.
//! - [`CudaError`]: every failure, including "no GPU here", which
//!   [`device_info`] (or the first tensor made) reports with the driver's
//!   own error name and message instead of panicking.
//!
//! ```no_run
//! use lagrange::cuda::{Device, DeviceTensor, Expr};
//! # fn main() -> Result<(), lagrange::cuda::CudaError> {
//! let x = DeviceTensor::from_vec(vec![0.5, 1.0, 1.5], Device::Cuda(0))?.requires_grad();
//! // f(x) = Σ exp(sin x) · x², op by op ...
//! let f = x.sin()?.exp()?.mul(&x.square()?)?.sum()?;
//! f.backward()?;
//! let g = x.grad().unwrap().to_vec()?;
//! // ... or fused: one pass forward, one pass backward.
//! let fused = (Expr::x().sin().exp() * Expr::x().square()).compile()?;
//! let y = x.detach().requires_grad();
//! y.map_sum(&fused)?.backward()?;
//! assert_eq!(g.len(), y.grad().unwrap().to_vec()?.len());
//! # Ok(()) }
//! ```
//!
//! One autograd story, two graphs. The device graph is a separate engine
//! from the CPU one in `autodiff`: device tensors record their own nodes
//! and their `backward()` launches derivative kernels on device buffers,
//! where the CPU engine's graph arena and compiled tape work on host slices
//! and would have to copy every intermediate across the bus. What the two
//! share is what makes them one story: the op table
//! ([`Elementwise`](crate::autodiff::Elementwise): the same functions, names
//! and `grad_fn` names, and the expressions' derivatives are the table's
//! rules), PyTorch's semantics (`requires_grad`, accumulated `.grad`,
//! `detach`, `grad_fn`), and the grad mode: [`no_grad`] and
//! [`NoGradGuard`] are the CPU engine's, so one switch stops recording on
//! both. Nothing outside this module depends on CUDA, and with the feature
//! off it is not compiled.
//! The kernels' semantics (deterministic reductions, fused backward passes)
//! are documented in `kernels/lagrange_kernels.cu`; building and checking on
//! a GPU machine in `kernels/README.md`.

mod device;
mod error;
mod expr;
mod graph;
mod host;
mod kernels;
mod launch;
mod runtime;
mod tensor;

/// The CPU engine's [`no_grad`](crate::autodiff::no_grad): one switch for
/// both graphs.
pub use crate::autodiff::{is_grad_enabled, no_grad, NoGradGuard};
pub use device::Device;
pub use error::CudaError;
pub use expr::{BinaryFn, ElementwiseFn, Expr, UnaryFn};
pub use host::to_device;
pub use runtime::{
    checks, device_info, empty_cache, set_checks, synchronize, Checks, DeviceInfo, GpuTimer,
};
pub use tensor::{sum_value_and_grad, DeviceTensor};

/// Whether CUDA device `k` can be used here (opens it on first call).
pub fn is_available(device: Device) -> bool {
    device_info(device).is_ok()
}
