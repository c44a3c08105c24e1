//! Moving tensors between the CPU engine ([`autodiff::Tensor`]) and a CUDA
//! device: PyTorch's `tensor.to("cuda:0")` and `tensor.cpu()`.
//!
//! The two graphs are separate: a tensor moved to the device starts a new
//! device graph (a leaf that requires grad when the CPU tensor did), and a
//! tensor moved back is a new CPU leaf. Gradients computed on the device
//! come back with [`DeviceTensor::grad`] and [`DeviceTensor::to_cpu`].

use crate::autodiff::Tensor;

use super::{CudaError, Device, DeviceTensor};

/// Copies a CPU tensor's values to `device` (PyTorch's `t.to(device)`): a
/// device leaf of the same shape, requiring grad when `t` does.
pub fn to_device(t: &Tensor, device: Device) -> Result<DeviceTensor, CudaError> {
    let d = t.with_values(|values| DeviceTensor::from_slice(values, t.shape(), device))?;
    Ok(if t.is_requires_grad() {
        d.requires_grad()
    } else {
        d
    })
}

impl DeviceTensor {
    /// Copies the values into a new CPU tensor (a leaf that does not require
    /// grad). The CPU engine holds ranks 0 to 2; a device tensor of higher
    /// rank is an error (reshape it first).
    pub fn to_cpu(&self) -> Result<Tensor, CudaError> {
        if self.shape().len() > 2 {
            return Err(CudaError::Shape {
                op: "to_cpu",
                left: self.shape().to_vec(),
                right: vec![],
                expected: "rank 0, 1 or 2, the ranks of autodiff::Tensor",
            });
        }
        Ok(Tensor::from_shape(self.shape(), self.to_vec()?))
    }
}
