//! The one error type of the CUDA backend.
//!
//! Every driver call is checked; a failure carries the call, the driver's
//! error code, its name and its message (`cuGetErrorName` /
//! `cuGetErrorString`), so "no GPU here" reads as the driver says it.

use std::ffi::{c_char, CStr};

use super::Device;

/// What went wrong in the CUDA backend.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CudaError {
    /// The driver could not be initialised or the device could not be opened:
    /// no GPU, no driver behind the `libcuda` that was loaded (such as the stub
    /// driver of `kernels/stub/`), or a device the driver refuses.
    #[error("CUDA is not available: {call} failed with {name} ({code}): {message}")]
    Unavailable {
        /// The driver entry point that failed, e.g. `cuInit`.
        call: &'static str,
        /// The driver's `CUresult` code.
        code: u32,
        /// The code's name, e.g. `CUDA_ERROR_NO_DEVICE`.
        name: String,
        /// The driver's message, e.g. `no CUDA-capable device is detected`.
        message: String,
    },
    /// `Device::Cuda(ordinal)` names a device that the driver does not have.
    #[error("CUDA device {ordinal} does not exist: the driver sees {count} device(s)")]
    NoSuchDevice {
        /// The ordinal asked for.
        ordinal: usize,
        /// How many devices the driver reports.
        count: usize,
    },
    /// The kernels could not be loaded on the device (PTX rejected by the
    /// driver's JIT compiler, e.g. a PTX ISA newer than the driver knows).
    #[error("loading the CUDA kernels failed with {name} ({code}): {message}; JIT log: {log}")]
    ModuleLoad {
        /// The driver's `CUresult` code.
        code: u32,
        /// The code's name.
        name: String,
        /// The driver's message.
        message: String,
        /// The JIT compiler's error log (empty when it wrote none).
        log: String,
    },
    /// A driver call or a kernel failed after initialisation.
    #[error("CUDA call {call} failed with {name} ({code}): {message}")]
    Driver {
        /// The call (for a kernel: its name, and whether the failure was seen
        /// at launch or at the synchronisation after it).
        call: String,
        /// The driver's `CUresult` code.
        code: u32,
        /// The code's name.
        name: String,
        /// The driver's message.
        message: String,
    },
    /// Operand shapes that the op cannot combine.
    #[error("{op}: shape {left:?} does not fit shape {right:?} ({expected})")]
    Shape {
        /// The op, e.g. `mul`.
        op: &'static str,
        /// Shape of the left (or only) operand.
        left: Vec<usize>,
        /// Shape of the right operand (or the shape the op needed).
        right: Vec<usize>,
        /// What the op accepts.
        expected: &'static str,
    },
    /// Host data whose length does not match the shape given for it.
    #[error("{len} values cannot fill a tensor of shape {shape:?} ({numel} elements)")]
    DataLength {
        /// The number of values given.
        len: usize,
        /// The shape asked for.
        shape: Vec<usize>,
        /// The number of elements of that shape.
        numel: usize,
    },
    /// Operands that live on different devices.
    #[error("{op}: operands live on different devices ({left} and {right}); move one with .to()")]
    DeviceMismatch {
        /// The op.
        op: &'static str,
        /// Device of the left operand.
        left: Device,
        /// Device of the right operand.
        right: Device,
    },
    /// A device tensor was asked to live on the CPU.
    #[error("a DeviceTensor lives on a CUDA device, not on {0}: use to_vec() to bring its values to the host")]
    NotACudaDevice(Device),
    /// `backward()` without a seed on an output with more than one element.
    #[error("backward() needs a single-element output, got shape {0:?}: pass a seed of the same shape with backward_with()")]
    NotScalar(Vec<usize>),
    /// `backward()` on a tensor that does not require grad.
    #[error("backward() through a tensor that does not require grad: call requires_grad() on an input before the computation")]
    NoGrad,
    /// A fused elementwise expression that does not fit the kernel's program.
    #[error("fused expression too large: it needs {instructions} instructions and {registers} registers, the kernel holds {max_instructions} and {max_registers}")]
    ExprTooLarge {
        /// Instructions the expression compiles to.
        instructions: usize,
        /// Registers it needs.
        registers: usize,
        /// The kernel's instruction limit.
        max_instructions: usize,
        /// The kernel's register limit.
        max_registers: usize,
    },
    /// A tensor too large for the kernels' launch configuration.
    #[error("{op}: {numel} elements exceed what one launch covers ({max})")]
    TooLarge {
        /// The op.
        op: &'static str,
        /// Its element count.
        numel: usize,
        /// The largest supported.
        max: usize,
    },
    /// A kernel launched with arguments that do not match its signature (a
    /// bug in this crate, reported rather than sent to the device).
    #[error("internal error: kernel {kernel} launched with {found} arguments of the wrong kind (expected {expected})")]
    KernelSignature {
        /// The kernel.
        kernel: &'static str,
        /// The expected argument kinds.
        expected: String,
        /// What was passed.
        found: String,
    },
}

impl CudaError {
    /// True when the cause is that the machine has no CUDA device
    /// (`CUDA_ERROR_NO_DEVICE`, which the stub driver returns from every call).
    pub fn is_no_device(&self) -> bool {
        matches!(self, CudaError::Unavailable { code: 100, .. })
    }

    /// True when CUDA cannot be used here at all (no driver, no device, a
    /// device the driver refuses, or device ordinal out of range).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            CudaError::Unavailable { .. } | CudaError::NoSuchDevice { .. }
        )
    }
}

// The error-description entry points, declared with the code as a plain
// integer: the bindings take the `CUresult` enum, and turning an arbitrary
// code (one the bindings' enum does not list) into that enum would be
// undefined behaviour. `CUresult` is a C enum, passed as a 32-bit integer.
extern "C" {
    #[link_name = "cuGetErrorName"]
    fn cu_get_error_name(error: u32, p_str: *mut *const c_char) -> u32;
    #[link_name = "cuGetErrorString"]
    fn cu_get_error_string(error: u32, p_str: *mut *const c_char) -> u32;
}

/// The driver's name and message for a `CUresult` code.
pub(crate) fn describe(code: u32) -> (String, String) {
    let lookup = |f: unsafe extern "C" fn(u32, *mut *const c_char) -> u32| {
        let mut p: *const c_char = std::ptr::null();
        // SAFETY: the driver writes a pointer to a static NUL-terminated string
        // or leaves it null; both are checked before reading.
        let status = unsafe { f(code, &mut p) };
        if status == 0 && !p.is_null() {
            // SAFETY: non-null pointer to a static C string owned by the driver.
            Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        } else {
            None
        }
    };
    (
        lookup(cu_get_error_name).unwrap_or_else(|| format!("CUresult {code}")),
        lookup(cu_get_error_string).unwrap_or_else(|| "unrecognized error code".to_string()),
    )
}

/// The code, name and message of a failed driver call (`None`: success).
fn failure(result: cust::sys::CUresult) -> Option<(u32, String, String)> {
    let code = result as u32;
    (code != 0).then(|| {
        let (name, message) = describe(code);
        (code, name, message)
    })
}

/// Turns a raw driver result into `Ok` or a [`CudaError::Driver`] naming `call`.
pub(crate) fn check(
    call: impl FnOnce() -> String,
    result: cust::sys::CUresult,
) -> Result<(), CudaError> {
    match failure(result) {
        None => Ok(()),
        Some((code, name, message)) => Err(CudaError::Driver {
            call: call(),
            code,
            name,
            message,
        }),
    }
}

/// Like [`check`], for the calls that decide whether CUDA is usable at all.
pub(crate) fn check_available(
    call: &'static str,
    result: cust::sys::CUresult,
) -> Result<(), CudaError> {
    match failure(result) {
        None => Ok(()),
        Some((code, name, message)) => Err(CudaError::Unavailable {
            call,
            code,
            name,
            message,
        }),
    }
}

/// Converts an error from cust's safe wrappers (memory allocation and copies).
pub(crate) fn from_cust(call: &str, err: cust::error::CudaError) -> CudaError {
    let code = err as u32;
    let (name, message) = if code <= 999 {
        describe(code)
    } else {
        (format!("{err:?}"), err.to_string())
    };
    CudaError::Driver {
        call: call.to_string(),
        code,
        name,
        message,
    }
}
