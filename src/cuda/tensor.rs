//! `DeviceTensor`: an f64 tensor in device memory that records the ops applied
//! to it, PyTorch-style, and differentiates them on the device.
//!
//! Every op runs eagerly on the GPU (one kernel launch, sometimes two) and,
//! when an input requires grad, records itself as the output's `grad_fn`;
//! `backward()` then walks that graph and runs each op's derivative kernel.
//! Shapes are row-major: `[]` is a scalar, `[n]` a vector, `[m, n]` a matrix.
//! Ops return `Result`: a launch can fail, and misuse (shapes that do not fit,
//! operands on different devices) is an error, never a panic.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use super::error::CudaError;
use super::expr::ElementwiseFn;
use super::graph::{self, Op};
use super::launch::{self, GradOut, Reduction};
use super::runtime::{runtime, DeviceMem, Runtime};
use super::Device;
use crate::autodiff::ops::elementwise::elementwise_table;
use crate::autodiff::Elementwise;

/// An f64 tensor on a CUDA device, with PyTorch-like autograd.
///
/// Cloning is cheap and shares the node (as a Python reference would).
#[derive(Clone)]
pub struct DeviceTensor {
    pub(crate) node: Rc<Node>,
}

/// One value in the graph: its data, and the op that produced it.
pub(crate) struct Node {
    pub(crate) data: Rc<DeviceMem>,
    pub(crate) shape: Vec<usize>,
    pub(crate) requires_grad: bool,
    /// Gradient accumulated by `backward` (leaves only).
    pub(crate) grad: RefCell<Option<Rc<DeviceMem>>>,
    /// The op that produced this value, with its saved inputs (`None` for a
    /// leaf, and for values computed without any input requiring grad).
    pub(crate) op: Option<Op>,
}

impl fmt::Debug for DeviceTensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceTensor")
            .field("device", &self.device())
            .field("shape", &self.node.shape)
            .field("requires_grad", &self.node.requires_grad)
            .field("grad_fn", &self.grad_fn())
            .finish()
    }
}

fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// One method per entry of the op table (`x.sin()`, `x.log1p()`, ...),
/// each launching that function's kernels.
macro_rules! device_methods {
    ($($(#[doc = $doc:expr])* $V:ident $name:ident { $($rules:tt)* })*) => {
        impl DeviceTensor {
            $(
                $(#[doc = $doc])*
                pub fn $name(&self) -> Result<DeviceTensor, CudaError> {
                    self.elementwise(Elementwise::$V)
                }
            )*
        }
    };
}
elementwise_table!(device_methods);

impl DeviceTensor {
    pub(crate) fn from_parts(
        data: DeviceMem,
        shape: Vec<usize>,
        requires_grad: bool,
        op: Option<Op>,
    ) -> Self {
        DeviceTensor {
            node: Rc::new(Node {
                data: Rc::new(data),
                shape,
                requires_grad,
                grad: RefCell::new(None),
                op,
            }),
        }
    }

    /// The result of an op on `inputs`: recorded with `op()` when the grad
    /// mode is on and an input requires grad (the one place that decides).
    fn recorded(
        data: DeviceMem,
        shape: Vec<usize>,
        inputs: &[&DeviceTensor],
        op: impl FnOnce() -> Op,
    ) -> Self {
        let requires_grad = graph::recording(inputs);
        Self::from_parts(data, shape, requires_grad, requires_grad.then(op))
    }

    pub(crate) fn rt(&self) -> &Arc<Runtime> {
        self.node.data.runtime()
    }

    pub(crate) fn mem(&self) -> &DeviceMem {
        &self.node.data
    }

    /// Copies host values onto `device` (row-major, `data.len()` must equal the
    /// product of `shape`). This is PyTorch's `tensor.to("cuda:0")`.
    pub fn from_slice(data: &[f64], shape: &[usize], device: Device) -> Result<Self, CudaError> {
        if data.len() != numel(shape) {
            return Err(CudaError::DataLength {
                len: data.len(),
                shape: shape.to_vec(),
                numel: numel(shape),
            });
        }
        let rt = runtime(device)?;
        Ok(Self::from_parts(
            rt.upload(data)?,
            shape.to_vec(),
            false,
            None,
        ))
    }

    /// A vector `[data.len()]` on `device`.
    pub fn from_vec(data: Vec<f64>, device: Device) -> Result<Self, CudaError> {
        let n = data.len();
        Self::from_slice(&data, &[n], device)
    }

    /// A scalar (shape `[]`) on `device`.
    pub fn scalar(value: f64, device: Device) -> Result<Self, CudaError> {
        Self::from_slice(&[value], &[], device)
    }

    /// A tensor of `shape` filled with `value`, built on the device.
    pub fn full(shape: &[usize], value: f64, device: Device) -> Result<Self, CudaError> {
        let rt = runtime(device)?;
        let data = launch::filled(&rt, numel(shape), value)?;
        Ok(Self::from_parts(data, shape.to_vec(), false, None))
    }

    /// A tensor of zeros.
    pub fn zeros(shape: &[usize], device: Device) -> Result<Self, CudaError> {
        Self::full(shape, 0.0, device)
    }

    /// The device the tensor lives on.
    pub fn device(&self) -> Device {
        self.rt().device()
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        &self.node.shape
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.node.data.len()
    }

    /// Copies the values to the host (row-major); waits for pending work.
    pub fn to_vec(&self) -> Result<Vec<f64>, CudaError> {
        self.rt().download(self.mem())
    }

    /// The value of a single-element tensor, on the host.
    pub fn item(&self) -> Result<f64, CudaError> {
        if self.numel() != 1 {
            return Err(CudaError::Shape {
                op: "item",
                left: self.shape().to_vec(),
                right: vec![],
                expected: "a single-element tensor",
            });
        }
        Ok(self.to_vec()?[0])
    }

    /// The same values on `device`: a differentiable identity on the same
    /// device (shares the node), a copy through host memory to another CUDA
    /// device (a new leaf). `Device::Cpu` is an error: use [`to_vec`](Self::to_vec).
    pub fn to(&self, device: Device) -> Result<DeviceTensor, CudaError> {
        if device == self.device() {
            return Ok(self.clone());
        }
        let host = self.to_vec()?;
        DeviceTensor::from_slice(&host, self.shape(), device)
    }

    /// A copy of the values in new device memory (device-to-device copy), a
    /// new leaf that does not require grad.
    pub fn copy(&self) -> Result<DeviceTensor, CudaError> {
        let data = self.rt().copy(self.mem())?;
        Ok(Self::from_parts(data, self.shape().to_vec(), false, None))
    }

    /// A view of the same shape under a new shape with as many elements
    /// (differentiable: the gradient flows back unchanged).
    pub fn reshape(&self, shape: &[usize]) -> Result<DeviceTensor, CudaError> {
        if numel(shape) != self.numel() {
            return Err(CudaError::Shape {
                op: "reshape",
                left: self.shape().to_vec(),
                right: shape.to_vec(),
                expected: "the same number of elements",
            });
        }
        let requires_grad = graph::recording(&[self]);
        Ok(DeviceTensor {
            node: Rc::new(Node {
                data: self.node.data.clone(),
                shape: shape.to_vec(),
                requires_grad,
                grad: RefCell::new(None),
                op: requires_grad.then(|| Op::Reshape { x: self.clone() }),
            }),
        })
    }

    // ----- autograd ---------------------------------------------------------

    /// This tensor as a leaf that requires grad (PyTorch's
    /// `x.requires_grad_()`): gradients of later results accumulate in
    /// [`grad`](Self::grad). Shares the data; history is dropped.
    pub fn requires_grad(&self) -> DeviceTensor {
        DeviceTensor {
            node: Rc::new(Node {
                data: self.node.data.clone(),
                shape: self.node.shape.clone(),
                requires_grad: true,
                grad: RefCell::new(None),
                op: None,
            }),
        }
    }

    /// Whether gradients flow to or through this tensor.
    pub fn is_requires_grad(&self) -> bool {
        self.node.requires_grad
    }

    /// True for tensors not produced by a recorded op.
    pub fn is_leaf(&self) -> bool {
        self.node.op.is_none()
    }

    /// The same data, cut from the graph (does not require grad).
    pub fn detach(&self) -> DeviceTensor {
        DeviceTensor {
            node: Rc::new(Node {
                data: self.node.data.clone(),
                shape: self.node.shape.clone(),
                requires_grad: false,
                grad: RefCell::new(None),
                op: None,
            }),
        }
    }

    /// The name of the op that produced this tensor, as PyTorch prints it
    /// (`"SinBackward"`, `"MulBackward"`, ...), `None` for a leaf.
    pub fn grad_fn(&self) -> Option<&'static str> {
        self.node.op.as_ref().map(Op::name)
    }

    /// The gradient accumulated in this leaf by `backward` calls, if any.
    /// Like PyTorch's `x.grad`, it is the accumulation buffer itself: a later
    /// `backward` adds into it in place.
    pub fn grad(&self) -> Option<DeviceTensor> {
        self.node.grad.borrow().as_ref().map(|g| DeviceTensor {
            node: Rc::new(Node {
                data: g.clone(),
                shape: self.node.shape.clone(),
                requires_grad: false,
                grad: RefCell::new(None),
                op: None,
            }),
        })
    }

    /// Forgets the accumulated gradient.
    pub fn zero_grad(&self) {
        self.node.grad.borrow_mut().take();
    }

    /// Reverse-mode differentiation from this single-element tensor: adds
    /// d self / d leaf to the `grad` of every leaf that requires grad.
    /// The graph is kept, so `backward` may be called again (gradients add up).
    pub fn backward(&self) -> Result<(), CudaError> {
        if self.numel() != 1 {
            return Err(CudaError::NotScalar(self.shape().to_vec()));
        }
        let seed = launch::filled(self.rt(), 1, 1.0)?;
        graph::backward(self, seed)
    }

    /// Vector-Jacobian product: backward with the seed `v` (same shape as
    /// this tensor), adding vᵀ ∂self/∂leaf to each leaf's `grad`.
    pub fn backward_with(&self, v: &DeviceTensor) -> Result<(), CudaError> {
        self.same_device("backward_with", v)?;
        if v.shape() != self.shape() {
            return Err(CudaError::Shape {
                op: "backward_with",
                left: self.shape().to_vec(),
                right: v.shape().to_vec(),
                expected: "a seed of the output's shape",
            });
        }
        let seed = self.rt().copy(v.mem())?;
        graph::backward(self, seed)
    }

    pub(crate) fn same_device(
        &self,
        op: &'static str,
        other: &DeviceTensor,
    ) -> Result<(), CudaError> {
        if Arc::ptr_eq(self.rt(), other.rt()) {
            Ok(())
        } else {
            Err(CudaError::DeviceMismatch {
                op,
                left: self.device(),
                right: other.device(),
            })
        }
    }

    // ----- elementwise unary ops ---------------------------------------------

    fn unary(&self, op: graph::Unary) -> Result<DeviceTensor, CudaError> {
        let (k, p) = op.forward();
        let data = launch::unary_fwd(self.rt(), k, self.mem(), p)?;
        Ok(Self::recorded(data, self.shape().to_vec(), &[self], || {
            Op::Unary {
                op,
                x: self.clone(),
            }
        }))
    }

    /// −x
    pub fn neg(&self) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::Neg)
    }
    /// The named function `f` of the engine's op table, elementwise; each
    /// function is also a method (`x.sigmoid()`).
    pub fn elementwise(&self, f: Elementwise) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::Map(f))
    }
    /// x²
    pub fn square(&self) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::Square)
    }
    /// xᵖ for a constant exponent.
    pub fn powf(&self, p: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::Powf(p))
    }
    /// x + c
    pub fn add_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::AddScalar(c))
    }
    /// x − c
    pub fn sub_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::AddScalar(-c))
    }
    /// c − x
    pub fn rsub_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.neg()?.add_scalar(c)
    }
    /// x · c
    pub fn mul_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::MulScalar(c))
    }
    /// x / c
    pub fn div_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::MulScalar(1.0 / c))
    }
    /// c / x
    pub fn rdiv_scalar(&self, c: f64) -> Result<DeviceTensor, CudaError> {
        self.unary(graph::Unary::RdivScalar(c))
    }

    // ----- elementwise binary ops --------------------------------------------

    fn binary(&self, op: graph::Binary, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.same_device(op.name(), other)?;
        let shape = if self.shape() == other.shape() || other.numel() == 1 {
            self.shape().to_vec()
        } else if self.numel() == 1 {
            other.shape().to_vec()
        } else {
            return Err(CudaError::Shape {
                op: op.name(),
                left: self.shape().to_vec(),
                right: other.shape().to_vec(),
                expected: "equal shapes, or one operand with a single element",
            });
        };
        let data = launch::binary_fwd(
            self.rt(),
            op.forward(),
            self.mem(),
            other.mem(),
            numel(&shape),
        )?;
        Ok(Self::recorded(data, shape, &[self, other], || Op::Binary {
            op,
            a: self.clone(),
            b: other.clone(),
        }))
    }

    /// a + b (elementwise; a single-element operand is broadcast)
    pub fn add(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.binary(graph::Binary::Add, other)
    }
    /// a − b
    pub fn sub(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.binary(graph::Binary::Sub, other)
    }
    /// a · b
    pub fn mul(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.binary(graph::Binary::Mul, other)
    }
    /// a / b
    pub fn div(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.binary(graph::Binary::Div, other)
    }
    /// aᵇ (a > 0 where b is not an integer)
    pub fn pow(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.binary(graph::Binary::Pow, other)
    }

    // ----- reductions ---------------------------------------------------------

    fn reduction(
        &self,
        op: Op,
        kind: Reduction,
        y: Option<&DeviceTensor>,
        sqrt: bool,
        scale: f64,
    ) -> Result<DeviceTensor, CudaError> {
        let out = self.rt().alloc(1)?;
        launch::reduce(
            self.rt(),
            kind,
            self.mem(),
            y.map(|t| t.mem()),
            GradOut {
                ptr: out.ptr(),
                acc: false,
            },
            sqrt,
            scale,
        )?;
        let inputs: Vec<&DeviceTensor> = std::iter::once(self).chain(y).collect();
        Ok(Self::recorded(out, vec![], &inputs, || op))
    }

    /// Σ x, a scalar (deterministic: the same bits on every run and device).
    pub fn sum(&self) -> Result<DeviceTensor, CudaError> {
        self.reduction(
            Op::Sum { x: self.clone() },
            Reduction::Sum,
            None,
            false,
            1.0,
        )
    }

    /// The mean of the elements.
    pub fn mean(&self) -> Result<DeviceTensor, CudaError> {
        let scale = 1.0 / self.numel() as f64;
        self.reduction(
            Op::Mean { x: self.clone() },
            Reduction::Sum,
            None,
            false,
            scale,
        )
    }

    /// aᵀb for tensors of one shape.
    pub fn dot(&self, other: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        self.same_device("dot", other)?;
        if self.shape() != other.shape() {
            return Err(CudaError::Shape {
                op: "dot",
                left: self.shape().to_vec(),
                right: other.shape().to_vec(),
                expected: "equal shapes",
            });
        }
        let op = Op::Dot {
            a: self.clone(),
            b: other.clone(),
        };
        self.reduction(op, Reduction::Dot, Some(other), false, 1.0)
    }

    /// The Euclidean norm √(Σ x²); its gradient at 0 is taken as 0.
    pub fn norm(&self) -> Result<DeviceTensor, CudaError> {
        self.reduction(
            Op::Norm { x: self.clone() },
            Reduction::SumSq,
            None,
            true,
            1.0,
        )
    }

    // ----- matrix-vector products ---------------------------------------------

    fn matrix_dims(
        &self,
        op: &'static str,
        v: &DeviceTensor,
        transposed: bool,
    ) -> Result<(usize, usize), CudaError> {
        self.same_device(op, v)?;
        let (m, n) = match *self.shape() {
            [m, n] => (m, n),
            _ => {
                return Err(CudaError::Shape {
                    op,
                    left: self.shape().to_vec(),
                    right: v.shape().to_vec(),
                    expected: "a matrix [m, n] on the left",
                })
            }
        };
        let want = if transposed { m } else { n };
        if v.shape() != [want] {
            return Err(CudaError::Shape {
                op,
                left: self.shape().to_vec(),
                right: v.shape().to_vec(),
                expected: if transposed {
                    "a vector [m] for a matrix [m, n]"
                } else {
                    "a vector [n] for a matrix [m, n]"
                },
            });
        }
        Ok((m, n))
    }

    /// A·x for a matrix A = self of shape [m, n] and x of shape [n].
    pub fn matvec(&self, x: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        let (m, n) = self.matrix_dims("matvec", x, false)?;
        let y = self.rt().alloc(m)?;
        launch::matvec(
            self.rt(),
            self.mem(),
            x.mem().ptr(),
            GradOut {
                ptr: y.ptr(),
                acc: false,
            },
            m,
            n,
        )?;
        Ok(Self::recorded(y, vec![m], &[self, x], || Op::MatVec {
            a: self.clone(),
            x: x.clone(),
        }))
    }

    /// Aᵀ·y for a matrix A = self of shape [m, n] and y of shape [m].
    pub fn matvec_t(&self, y: &DeviceTensor) -> Result<DeviceTensor, CudaError> {
        let (m, n) = self.matrix_dims("matvec_t", y, true)?;
        let z = self.rt().alloc(n)?;
        launch::matvec_t(
            self.rt(),
            self.mem(),
            launch::GradIn {
                ptr: y.mem().ptr(),
                scalar: false,
            },
            GradOut {
                ptr: z.ptr(),
                acc: false,
            },
            m,
            n,
        )?;
        Ok(Self::recorded(z, vec![n], &[self, y], || Op::MatVecT {
            a: self.clone(),
            y: y.clone(),
        }))
    }

    // ----- fused elementwise expressions ---------------------------------------

    /// f(x) elementwise for a compiled expression, one kernel; its backward
    /// is one more kernel reading x and the incoming gradient.
    pub fn map(&self, f: &ElementwiseFn) -> Result<DeviceTensor, CudaError> {
        let data = launch::expr_fwd(self.rt(), &f.program, self.mem())?;
        Ok(Self::recorded(data, self.shape().to_vec(), &[self], || {
            Op::Map {
                f: f.clone(),
                x: self.clone(),
            }
        }))
    }

    /// Σ f(x) in one pass over x (no intermediate tensor); its backward
    /// writes f'(x) scaled by the incoming gradient in one more pass.
    pub fn map_sum(&self, f: &ElementwiseFn) -> Result<DeviceTensor, CudaError> {
        let out = self.rt().alloc(1)?;
        launch::expr_sum(self.rt(), &f.program, self.mem(), &out, None, 1.0)?;
        Ok(Self::recorded(out, vec![], &[self], || Op::MapSum {
            f: f.clone(),
            x: self.clone(),
        }))
    }
}

/// Σ f(x) and its gradient f'(x) in a single pass over x: one read of x, one
/// write of the gradient (the least memory traffic a gradient can take).
/// Outside the graph: the gradient is returned, not accumulated.
pub fn sum_value_and_grad(
    x: &DeviceTensor,
    f: &ElementwiseFn,
) -> Result<(f64, DeviceTensor), CudaError> {
    let rt = x.rt();
    let out = rt.alloc(1)?;
    let grad = rt.alloc(x.numel())?;
    launch::expr_sum(
        rt,
        &f.program,
        x.mem(),
        &out,
        Some(GradOut {
            ptr: grad.ptr(),
            acc: false,
        }),
        1.0,
    )?;
    let value = rt.download(&out)?[0];
    Ok((
        value,
        DeviceTensor::from_parts(grad, x.shape().to_vec(), false, None),
    ))
}
