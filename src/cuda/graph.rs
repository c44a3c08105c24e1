//! The recorded graph and reverse-mode differentiation on the device.
//!
//! Each op's derivative rule sits in [`backward_op`] beside the op's name;
//! the kernels it launches are the fused derivative kernels of
//! `kernels/lagrange_kernels.cu`. Gradients flowing backward are either dense
//! buffers or one broadcast value (what a reduction's backward produces), so
//! `sum(f(x)).backward()` never materialises a tensor of ones. Adjoints
//! accumulate (`+=`) in the kernels themselves: a tensor used twice gets both
//! contributions without an extra pass.

use std::collections::HashMap;
use std::rc::Rc;

use super::error::CudaError;
use super::expr::ElementwiseFn;
use super::kernels::Kernel;
use super::launch::{self, GradIn, GradOut, Reduction};
use super::runtime::{DeviceMem, Runtime};
use super::tensor::{DeviceTensor, Node};
use crate::autodiff::Elementwise;

/// Whether an op on these inputs records itself.
pub(crate) fn recording(inputs: &[&DeviceTensor]) -> bool {
    // The CPU engine's grad mode: `autodiff::no_grad` is one switch for both.
    crate::autodiff::is_grad_enabled() && inputs.iter().any(|t| t.node.requires_grad)
}

/// Elementwise one-input ops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Unary {
    Neg,
    /// A named function of the engine's op table.
    Map(Elementwise),
    Square,
    Powf(f64),
    AddScalar(f64),
    MulScalar(f64),
    RdivScalar(f64),
}

/// The forward and derivative kernels of each function of the op table:
/// the one place here that a new entry of the table must be handled (the
/// compiler points at it), beside its `UNARY(...)` line in the `.cu` file.
fn table_kernels(e: Elementwise) -> (Kernel, Kernel) {
    use Kernel as K;
    match e {
        Elementwise::Sin => (K::SinFwd, K::SinBwd),
        Elementwise::Cos => (K::CosFwd, K::CosBwd),
        Elementwise::Tan => (K::TanFwd, K::TanBwd),
        Elementwise::Exp => (K::ExpFwd, K::ExpBwd),
        Elementwise::Log => (K::LogFwd, K::LogBwd),
        Elementwise::Sqrt => (K::SqrtFwd, K::SqrtBwd),
        Elementwise::Tanh => (K::TanhFwd, K::TanhBwd),
        Elementwise::Abs => (K::AbsFwd, K::AbsBwd),
        Elementwise::Log1p => (K::Log1pFwd, K::Log1pBwd),
        Elementwise::Expm1 => (K::Expm1Fwd, K::Expm1Bwd),
        Elementwise::Atan => (K::AtanFwd, K::AtanBwd),
        Elementwise::Sigmoid => (K::SigmoidFwd, K::SigmoidBwd),
    }
}

impl Unary {
    /// Forward kernel and its constant.
    pub(crate) fn forward(self) -> (Kernel, f64) {
        let (f, _, p) = self.kernels();
        (f, p)
    }

    /// (forward kernel, derivative kernel, constant).
    fn kernels(self) -> (Kernel, Kernel, f64) {
        use Kernel as K;
        match self {
            Unary::Neg => (K::NegFwd, K::NegBwd, 0.0),
            Unary::Map(e) => {
                let (f, b) = table_kernels(e);
                (f, b, 0.0)
            }
            Unary::Square => (K::SquareFwd, K::SquareBwd, 0.0),
            Unary::Powf(p) => (K::PowfFwd, K::PowfBwd, p),
            Unary::AddScalar(c) => (K::AddScalarFwd, K::AddScalarBwd, c),
            Unary::MulScalar(c) => (K::MulScalarFwd, K::MulScalarBwd, c),
            Unary::RdivScalar(c) => (K::RdivScalarFwd, K::RdivScalarBwd, c),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unary::Neg => "NegBackward",
            Unary::Map(e) => e.grad_fn_name(),
            Unary::Square => "SquareBackward",
            Unary::Powf(_) => "PowBackward",
            Unary::AddScalar(_) => "AddBackward",
            Unary::MulScalar(_) => "MulBackward",
            Unary::RdivScalar(_) => "DivBackward",
        }
    }
}

/// Elementwise two-input ops (one operand may be a broadcast single element).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl Binary {
    pub(crate) fn forward(self) -> Kernel {
        self.kernels().0
    }

    fn kernels(self) -> (Kernel, Kernel) {
        use Kernel as K;
        match self {
            Binary::Add => (K::AddFwd, K::AddBwd),
            Binary::Sub => (K::SubFwd, K::SubBwd),
            Binary::Mul => (K::MulFwd, K::MulBwd),
            Binary::Div => (K::DivFwd, K::DivBwd),
            Binary::Pow => (K::PowFwd, K::PowBwd),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Binary::Add => "add",
            Binary::Sub => "sub",
            Binary::Mul => "mul",
            Binary::Div => "div",
            Binary::Pow => "pow",
        }
    }
}

/// A recorded op with the inputs its derivative needs.
pub(crate) enum Op {
    Unary {
        op: Unary,
        x: DeviceTensor,
    },
    Binary {
        op: Binary,
        a: DeviceTensor,
        b: DeviceTensor,
    },
    Sum {
        x: DeviceTensor,
    },
    Mean {
        x: DeviceTensor,
    },
    Dot {
        a: DeviceTensor,
        b: DeviceTensor,
    },
    Norm {
        x: DeviceTensor,
    },
    MatVec {
        a: DeviceTensor,
        x: DeviceTensor,
    },
    MatVecT {
        a: DeviceTensor,
        y: DeviceTensor,
    },
    Map {
        f: ElementwiseFn,
        x: DeviceTensor,
    },
    MapSum {
        f: ElementwiseFn,
        x: DeviceTensor,
    },
    Reshape {
        x: DeviceTensor,
    },
}

impl Op {
    /// The `grad_fn` name, as PyTorch prints it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Unary { op, .. } => op.name(),
            Op::Binary { op, .. } => match op {
                Binary::Add => "AddBackward",
                Binary::Sub => "SubBackward",
                Binary::Mul => "MulBackward",
                Binary::Div => "DivBackward",
                Binary::Pow => "PowBackward",
            },
            Op::Sum { .. } => "SumBackward",
            Op::Mean { .. } => "MeanBackward",
            Op::Dot { .. } => "DotBackward",
            Op::Norm { .. } => "NormBackward",
            Op::MatVec { .. } => "MvBackward",
            Op::MatVecT { .. } => "MvTBackward",
            Op::Map { .. } => "MapBackward",
            Op::MapSum { .. } => "MapSumBackward",
            Op::Reshape { .. } => "ReshapeBackward",
        }
    }

    fn inputs(&self) -> Vec<&DeviceTensor> {
        match self {
            Op::Unary { x, .. }
            | Op::Sum { x }
            | Op::Mean { x }
            | Op::Norm { x }
            | Op::Map { x, .. }
            | Op::MapSum { x, .. }
            | Op::Reshape { x } => vec![x],
            Op::Binary { a, b, .. } | Op::Dot { a, b } => vec![a, b],
            Op::MatVec { a, x } => vec![a, x],
            Op::MatVecT { a, y } => vec![a, y],
        }
    }
}

/// The gradient flowing into one node during a backward pass.
enum Grad {
    /// One value per element.
    Dense(Rc<DeviceMem>),
    /// One value (a 1-element buffer) standing for every element.
    Broadcast(Rc<DeviceMem>),
}

impl Grad {
    fn input(&self) -> GradIn {
        match self {
            Grad::Dense(m) => GradIn {
                ptr: m.ptr(),
                scalar: false,
            },
            Grad::Broadcast(m) => GradIn {
                ptr: m.ptr(),
                scalar: true,
            },
        }
    }

    /// The single value of the gradient of a single-element node.
    fn scalar_ptr(&self) -> u64 {
        match self {
            Grad::Dense(m) | Grad::Broadcast(m) => m.ptr(),
        }
    }
}

type Key = *const Node;

fn key(t: &DeviceTensor) -> Key {
    Rc::as_ptr(&t.node)
}

/// Gradients of the nodes still to be processed.
struct Slots<'a> {
    rt: &'a std::sync::Arc<Runtime>,
    map: HashMap<Key, Grad>,
}

impl Slots<'_> {
    /// Where to write t's gradient contribution: a fresh buffer (write) or
    /// the existing one (accumulate). A broadcast gradient is made dense first.
    fn target(&mut self, t: &DeviceTensor) -> Result<GradOut, CudaError> {
        let n = t.numel();
        match self.map.remove(&key(t)) {
            None => {
                let m = self.rt.alloc(n)?;
                let out = GradOut {
                    ptr: m.ptr(),
                    acc: false,
                };
                self.map.insert(key(t), Grad::Dense(Rc::new(m)));
                Ok(out)
            }
            Some(Grad::Dense(m)) => {
                let out = GradOut {
                    ptr: m.ptr(),
                    acc: true,
                };
                self.map.insert(key(t), Grad::Dense(m));
                Ok(out)
            }
            Some(Grad::Broadcast(s)) => {
                let m = self.dense_from(&s, n)?;
                let out = GradOut {
                    ptr: m.ptr(),
                    acc: true,
                };
                self.map.insert(key(t), Grad::Dense(Rc::new(m)));
                Ok(out)
            }
        }
    }

    fn dense_from(&self, s: &DeviceMem, n: usize) -> Result<DeviceMem, CudaError> {
        let m = self.rt.alloc(n)?;
        launch::broadcast_fill(
            self.rt,
            s.ptr(),
            GradOut {
                ptr: m.ptr(),
                acc: false,
            },
            n,
        )?;
        Ok(m)
    }

    /// Adds a broadcast value s to t's gradient (free when t has none yet).
    fn add_broadcast(&mut self, t: &DeviceTensor, s: Rc<DeviceMem>) -> Result<(), CudaError> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.map.entry(key(t)) {
            e.insert(Grad::Broadcast(s));
            return Ok(());
        }
        let out = self.target(t)?;
        launch::broadcast_fill(self.rt, s.ptr(), out, t.numel())
    }

    /// g as a dense buffer of n elements (for kernels that need one).
    fn densify(&self, g: &Grad, n: usize) -> Result<Rc<DeviceMem>, CudaError> {
        match g {
            Grad::Dense(m) => Ok(m.clone()),
            Grad::Broadcast(s) => Ok(Rc::new(self.dense_from(s, n)?)),
        }
    }
}

/// Nodes reachable from `root` through inputs that require grad, each after
/// all of its inputs (iterative depth-first post-order).
fn topological_order(root: &DeviceTensor) -> Vec<DeviceTensor> {
    let mut order = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(root.clone(), false)];
    while let Some((t, expanded)) = stack.pop() {
        if expanded {
            order.push(t);
            continue;
        }
        if !seen.insert(key(&t)) {
            continue;
        }
        stack.push((t.clone(), true));
        if let Some(op) = &t.node.op {
            for input in op.inputs() {
                if input.node.requires_grad && !seen.contains(&key(input)) {
                    stack.push((input.clone(), false));
                }
            }
        }
    }
    order
}

/// Runs the backward pass from `root` with the (dense) seed gradient.
pub(crate) fn backward(root: &DeviceTensor, seed: DeviceMem) -> Result<(), CudaError> {
    if !root.node.requires_grad {
        return Err(CudaError::NoGrad);
    }
    let rt = root.rt().clone();
    let mut slots = Slots {
        rt: &rt,
        map: HashMap::new(),
    };
    slots.map.insert(key(root), Grad::Dense(Rc::new(seed)));
    for t in topological_order(root).iter().rev() {
        let Some(g) = slots.map.remove(&key(t)) else {
            continue;
        };
        match &t.node.op {
            Some(op) => backward_op(&t.node, op, &g, &mut slots)?,
            None => accumulate_leaf(&rt, t, g)?,
        }
    }
    Ok(())
}

/// Adds a finished gradient into a leaf's `grad`.
fn accumulate_leaf(
    rt: &std::sync::Arc<Runtime>,
    t: &DeviceTensor,
    g: Grad,
) -> Result<(), CudaError> {
    let n = t.numel();
    let mut grad = t.node.grad.borrow_mut();
    match (grad.as_ref(), g) {
        (None, Grad::Dense(m)) => {
            // Take the buffer if nothing else holds it, else copy it.
            let m = match Rc::try_unwrap(m) {
                Ok(m) => m,
                Err(shared) => rt.copy(&shared)?,
            };
            *grad = Some(Rc::new(m));
        }
        (None, Grad::Broadcast(s)) => {
            let m = rt.alloc(n)?;
            launch::broadcast_fill(
                rt,
                s.ptr(),
                GradOut {
                    ptr: m.ptr(),
                    acc: false,
                },
                n,
            )?;
            *grad = Some(Rc::new(m));
        }
        (Some(existing), Grad::Dense(m)) => launch::accumulate(rt, &m, existing)?,
        (Some(existing), Grad::Broadcast(s)) => launch::broadcast_fill(
            rt,
            s.ptr(),
            GradOut {
                ptr: existing.ptr(),
                acc: true,
            },
            n,
        )?,
    }
    Ok(())
}

/// Each op's derivative rule: sends the gradient `g` of `node` to its inputs.
fn backward_op(node: &Node, op: &Op, g: &Grad, slots: &mut Slots) -> Result<(), CudaError> {
    let rt = slots.rt;
    let needs = |t: &DeviceTensor| t.node.requires_grad;
    match op {
        // dx += g · f'(x, y): one fused kernel per op (kernels/…cu, UNARY).
        Op::Unary { op, x } => {
            let (_, k, p) = op.kernels();
            let gx = slots.target(x)?;
            launch::unary_bwd(rt, k, x.mem(), &node.data, g.input(), gx, p)
        }
        // da += g · ∂f/∂a, db += g · ∂f/∂b in one pass; a broadcast operand's
        // elementwise contributions are summed into its single element.
        Op::Binary { op, a, b } => {
            let (_, k) = op.kernels();
            let n = node.data.len();
            let mut reduce_after = Vec::new();
            let mut side =
                |t: &DeviceTensor, slots: &mut Slots| -> Result<Option<GradOut>, CudaError> {
                    if !needs(t) {
                        return Ok(None);
                    }
                    if t.numel() == 1 && n != 1 {
                        let tmp = rt.alloc(n)?;
                        let out = GradOut {
                            ptr: tmp.ptr(),
                            acc: false,
                        };
                        reduce_after.push((t.clone(), tmp));
                        Ok(Some(out))
                    } else {
                        slots.target(t).map(Some)
                    }
                };
            let ga = side(a, slots)?;
            let gb = side(b, slots)?;
            launch::binary_bwd(rt, k, a.mem(), b.mem(), &node.data, g.input(), ga, gb)?;
            for (t, tmp) in reduce_after {
                let out = slots.target(&t)?;
                launch::reduce(rt, Reduction::Sum, &tmp, None, out, false, 1.0)?;
            }
            Ok(())
        }
        // dx += g (broadcast: no kernel at all when x has no gradient yet).
        Op::Sum { x } => {
            let s = match g {
                Grad::Dense(m) | Grad::Broadcast(m) => m.clone(),
            };
            slots.add_broadcast(x, s)
        }
        // dx += g / n.
        Op::Mean { x } => {
            let s =
                launch::unary_fwd(rt, Kernel::MulScalarFwd, &rt_one(g), 1.0 / x.numel() as f64)?;
            slots.add_broadcast(x, Rc::new(s))
        }
        // da += g · b, db += g · a: the mul derivative kernel with g broadcast.
        Op::Dot { a, b } => {
            let ga = if needs(a) {
                Some(slots.target(a)?)
            } else {
                None
            };
            let gb = if needs(b) {
                Some(slots.target(b)?)
            } else {
                None
            };
            let gin = GradIn {
                ptr: g.scalar_ptr(),
                scalar: true,
            };
            launch::binary_bwd(rt, Kernel::MulBwd, a.mem(), b.mem(), a.mem(), gin, ga, gb)
        }
        // dx += g · x / ‖x‖.
        Op::Norm { x } => {
            let gx = slots.target(x)?;
            launch::norm_bwd(rt, x.mem(), &node.data, g.scalar_ptr(), gx)
        }
        // y = A x: dx += Aᵀ g, dA += g xᵀ.
        Op::MatVec { a, x } => {
            let (m, n) = (a.shape()[0], a.shape()[1]);
            if needs(x) {
                let gx = slots.target(x)?;
                launch::matvec_t(rt, a.mem(), g.input(), gx, m, n)?;
            }
            if needs(a) {
                let ga = slots.target(a)?;
                let xin = GradIn {
                    ptr: x.mem().ptr(),
                    scalar: false,
                };
                launch::outer(rt, g.input(), xin, ga, m, n)?;
            }
            Ok(())
        }
        // z = Aᵀ y: dy += A g, dA += y gᵀ.
        Op::MatVecT { a, y } => {
            let (m, n) = (a.shape()[0], a.shape()[1]);
            if needs(y) {
                let dense = slots.densify(g, n)?;
                let gy = slots.target(y)?;
                launch::matvec(rt, a.mem(), dense.ptr(), gy, m, n)?;
            }
            if needs(a) {
                let ga = slots.target(a)?;
                let yin = GradIn {
                    ptr: y.mem().ptr(),
                    scalar: false,
                };
                launch::outer(rt, yin, g.input(), ga, m, n)?;
            }
            Ok(())
        }
        // dx += g · f'(x), f' from the same dual-number program as f.
        Op::Map { f, x } => {
            let gx = slots.target(x)?;
            launch::expr_bwd(rt, &f.program, x.mem(), g.input(), gx)
        }
        // s = Σ f(x): dx += g · f'(x) with the scalar g broadcast.
        Op::MapSum { f, x } => {
            let gx = slots.target(x)?;
            let gin = GradIn {
                ptr: g.scalar_ptr(),
                scalar: true,
            };
            launch::expr_bwd(rt, &f.program, x.mem(), gin, gx)
        }
        // The gradient passes through unchanged.
        Op::Reshape { x } => match g {
            Grad::Broadcast(s) => slots.add_broadcast(x, s.clone()),
            Grad::Dense(m) => {
                let gx = slots.target(x)?;
                launch::unary_bwd(
                    rt,
                    Kernel::AddScalarBwd,
                    m,
                    m,
                    GradIn {
                        ptr: m.ptr(),
                        scalar: false,
                    },
                    gx,
                    0.0,
                )
            }
        },
    }
}

/// The 1-element buffer behind a scalar node's gradient.
fn rt_one(g: &Grad) -> Rc<DeviceMem> {
    match g {
        Grad::Dense(m) | Grad::Broadcast(m) => m.clone(),
    }
}
