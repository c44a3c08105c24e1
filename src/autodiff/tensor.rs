//! [`Tensor`]: a handle to a node of the eager graph, with PyTorch's autograd
//! semantics.

use crate::autodiff::error::AutodiffError;
use crate::autodiff::graph::{backward::backward, with_arena, Arena, Value, NONE};
use crate::autodiff::ops::elementwise::elementwise_table;
use crate::autodiff::ops::{self, BinaryFn, Elementwise, Linalg, Move, Op, Reduce, UnaryFn};
use crate::autodiff::shape::Shape;
use std::fmt;
use std::marker::PhantomData;

/// A row-major f64 tensor of rank 0 (scalar `[]`), 1 (vector `[n]`) or 2
/// (matrix `[r, c]`) that can record the operations applied to it.
///
/// A `Tensor` is a handle into a thread-local graph arena: cloning it is
/// cheap and shares the node (like a Python reference), dropping the last
/// handle frees the node. Handles cannot leave their thread; compile a
/// [`Tape`](crate::autodiff::Tape) to evaluate a graph elsewhere.
///
/// ```
/// use lagrange::autodiff::Tensor;
/// let a = Tensor::scalar(2.0).requires_grad();
/// let b = Tensor::scalar(3.0).requires_grad();
/// let d = &a * &(&a + &b); // d = a (a + b)
/// d.backward().unwrap();
/// assert_eq!(a.grad().unwrap(), vec![7.0]); // 2a + b
/// assert_eq!(b.grad().unwrap(), vec![2.0]); // a
/// assert_eq!(d.grad_fn(), Some("MulBackward"));
/// ```
pub struct Tensor {
    pub(crate) id: u32,
    shape: Shape,
    dims: [usize; 2],
    _not_send: PhantomData<*const ()>,
}

/// One method per entry of the op table (`x.sin()`, `x.log1p()`, ...).
macro_rules! tensor_methods {
    ($($(#[doc = $doc:expr])* $V:ident $name:ident { $($rules:tt)* })*) => {
        impl Tensor {
            $(
                $(#[doc = $doc])*
                ///
                /// Applied to every element.
                pub fn $name(&self) -> Tensor {
                    self.elementwise(Elementwise::$V)
                }
            )*
        }
    };
}
elementwise_table!(tensor_methods);

impl Tensor {
    fn from_node(id: u32, shape: Shape) -> Tensor {
        Tensor {
            id,
            shape,
            dims: shape.dims_array().0,
            _not_send: PhantomData,
        }
    }

    fn leaf_node(shape: Shape, value: Value) -> Tensor {
        let id = with_arena(|ar| ar.push(None, &[], shape, value, false));
        Tensor::from_node(id, shape)
    }

    fn new_leaf(shape: Shape, data: Vec<f64>) -> Tensor {
        assert_eq!(
            shape.numel(),
            data.len(),
            "a tensor of shape {shape} needs {} values, but {} were given",
            shape.numel(),
            data.len()
        );
        Tensor::leaf_node(shape, Value::Buf(data))
    }

    /// A scalar (shape `[]`).
    pub fn scalar(value: f64) -> Tensor {
        Tensor::leaf_node(Shape::SCALAR, Value::Scalar(value))
    }

    /// A vector (shape `[n]`).
    pub fn vector(data: impl Into<Vec<f64>>) -> Tensor {
        let data = data.into();
        Tensor::new_leaf(Shape::vector(data.len()), data)
    }

    /// A row-major matrix (shape `[rows, cols]`).
    ///
    /// # Panics
    /// When `data.len() != rows * cols`.
    pub fn matrix(rows: usize, cols: usize, data: impl Into<Vec<f64>>) -> Tensor {
        Tensor::new_leaf(Shape::matrix(rows, cols), data.into())
    }

    /// A tensor of the given shape (`&[]`, `&[n]` or `&[r, c]`).
    ///
    /// # Panics
    /// On a rank above 2 or when the data length does not match the shape.
    pub fn from_shape(shape: &[usize], data: impl Into<Vec<f64>>) -> Tensor {
        let s = Shape::from_dims(shape).unwrap_or_else(|| {
            panic!("tensors have rank 0, 1 or 2, but shape {shape:?} was given")
        });
        Tensor::new_leaf(s, data.into())
    }

    /// A tensor of the given shape, or an error (instead of a panic) when the
    /// data does not fit it: for shapes and data read from files.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidShape`] on a rank above 2 or a data length
    /// other than the product of the dimensions.
    pub fn try_from_shape(
        shape: &[usize],
        data: impl Into<Vec<f64>>,
    ) -> Result<Tensor, AutodiffError> {
        let data = data.into();
        let err = |reason| AutodiffError::InvalidShape {
            dims: shape.to_vec(),
            values: data.len(),
            reason,
        };
        if shape.len() > 2 {
            return Err(err("tensors have rank 0, 1 or 2"));
        }
        let numel = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        if numel != Some(data.len()) {
            return Err(err(
                "the number of values must be the product of the dimensions",
            ));
        }
        if shape.iter().any(|&d| d >= u32::MAX as usize) {
            return Err(err("dimensions must be below 2³² − 1"));
        }
        Ok(Tensor::from_shape(shape, data))
    }

    /// A tensor of zeros.
    pub fn zeros(shape: &[usize]) -> Tensor {
        let n = shape.iter().product();
        Tensor::from_shape(shape, vec![0.0; n])
    }

    /// Marks this leaf as requiring grad (builder form of
    /// [`set_requires_grad`](Tensor::set_requires_grad)). On a tensor computed
    /// by an op, which already requires grad, it changes nothing.
    pub fn requires_grad(self) -> Tensor {
        with_arena(|ar| {
            let n = &mut ar.nodes[self.id as usize];
            if n.is_leaf() {
                n.requires_grad = true;
            }
        });
        self
    }

    /// Sets whether this leaf records the ops applied to it.
    ///
    /// # Errors
    /// [`AutodiffError::NotALeaf`] when turning it off on a tensor computed by
    /// an op (use [`detach`](Tensor::detach)).
    pub fn set_requires_grad(&self, on: bool) -> Result<(), AutodiffError> {
        with_arena(|ar| {
            let n = &mut ar.nodes[self.id as usize];
            match n.op {
                Some(op) if !on => Err(AutodiffError::NotALeaf {
                    op: op.grad_fn_name(),
                }),
                Some(_) => Ok(()),
                None => {
                    n.requires_grad = on;
                    Ok(())
                }
            }
        })
    }

    /// Whether ops on this tensor are recorded for differentiation.
    pub fn is_requires_grad(&self) -> bool {
        with_arena(|ar| ar.nodes[self.id as usize].requires_grad)
    }

    /// Whether this tensor was created by the user (or without grad) rather
    /// than computed by a recorded op.
    pub fn is_leaf(&self) -> bool {
        with_arena(|ar| ar.nodes[self.id as usize].is_leaf())
    }

    /// The dimensions: `&[]`, `&[n]` or `&[r, c]`.
    pub fn shape(&self) -> &[usize] {
        &self.dims[..self.shape.ndim()]
    }

    /// Number of elements (1 for a scalar).
    pub fn numel(&self) -> usize {
        self.shape.numel()
    }

    /// The rank: 0, 1 or 2.
    pub fn ndim(&self) -> usize {
        self.shape.ndim()
    }

    /// The value of a one-element tensor.
    ///
    /// # Panics
    /// When the tensor has more than one element.
    pub fn item(&self) -> f64 {
        assert!(
            self.numel() == 1,
            "item() needs a tensor with one element, but this one has shape {}",
            self.shape
        );
        with_arena(|ar| ar.value(self.id)[0])
    }

    /// The values, row-major.
    pub fn to_vec(&self) -> Vec<f64> {
        with_arena(|ar| ar.value(self.id).to_vec())
    }

    /// Runs `f` on the values without copying them.
    pub fn with_values<R>(&self, f: impl FnOnce(&[f64]) -> R) -> R {
        with_arena(|ar| f(ar.value(self.id)))
    }

    /// The gradient accumulated by backward passes (row-major, same shape),
    /// or `None` before the first backward pass that reached this leaf.
    pub fn grad(&self) -> Option<Vec<f64>> {
        with_arena(|ar| ar.grad(self.id).map(<[f64]>::to_vec))
    }

    /// Sets the accumulated gradient to zeros (if there is one), so the next
    /// backward pass starts afresh; gradients otherwise accumulate.
    pub fn zero_grad(&self) {
        with_arena(|ar| ar.zero_grad(self.id));
    }

    /// The name of the backward op that produced this tensor (PyTorch style,
    /// e.g. `"MulBackward"`), or `None` for a leaf.
    pub fn grad_fn(&self) -> Option<&'static str> {
        with_arena(|ar| ar.nodes[self.id as usize].op.map(Op::grad_fn_name))
    }

    /// A new leaf with the same values that does not require grad and is cut
    /// off from the graph.
    pub fn detach(&self) -> Tensor {
        let value = with_arena(|ar| ar.value_owned(self.id));
        Tensor::leaf_node(self.shape, value)
    }

    /// Backward pass from a scalar: adds d(self)/d(leaf) into the `.grad` of
    /// every leaf that requires grad, then frees the graph.
    ///
    /// # Errors
    /// [`AutodiffError::NonScalarOutput`] for a tensor with more than one
    /// element, [`AutodiffError::DoesNotRequireGrad`] when nothing it depends
    /// on requires grad, [`AutodiffError::GraphFreed`] when an earlier
    /// backward pass freed the graph.
    pub fn backward(&self) -> Result<(), AutodiffError> {
        if self.numel() != 1 {
            return Err(AutodiffError::NonScalarOutput {
                shape: self.shape.to_string(),
                numel: self.numel(),
            });
        }
        self.backward_with(&[1.0], false)
    }

    /// Backward pass seeded with `seed` (one value per element): adds the
    /// vector-Jacobian product seedᵀ J into the leaves' `.grad`. With
    /// `retain_graph` the graph is kept for another backward pass.
    ///
    /// # Errors
    /// As [`backward`](Tensor::backward), and
    /// [`AutodiffError::WrongLength`] when the seed length differs from the
    /// number of elements.
    pub fn backward_with(&self, seed: &[f64], retain_graph: bool) -> Result<(), AutodiffError> {
        with_arena(|ar| backward(ar, self.id, seed, retain_graph))
    }

    // ---- recording ----------------------------------------------------

    /// Applies `op` to `operands`, recording a node when grad is on and an
    /// operand requires it.
    #[inline(always)]
    pub(crate) fn apply(op: Op, operands: &[&Tensor]) -> Tensor {
        Tensor::apply_owning(op, operands, [false; 2])
    }

    /// [`apply`](Tensor::apply), where `owned[k]` says that operand `k` is a
    /// handle the caller gives up: its reference is released in the same
    /// visit to the arena that records the op (rather than by `Drop` in a
    /// second visit), and the caller must `mem::forget` the handle after
    /// this returns. Only the first two operands can be owned.
    #[inline(always)]
    pub(crate) fn apply_owning(op: Op, operands: &[&Tensor], owned: [bool; 2]) -> Tensor {
        // Fast path for scalar expressions: no shape rules, one arena visit.
        if let (Op::Unary(_) | Op::Binary(_), true) =
            (op, operands.iter().all(|t| t.shape.is_scalar()))
        {
            let id = with_arena(|ar| record_scalar(ar, op, operands, owned));
            return Tensor::from_node(id, Shape::SCALAR);
        }
        let release = |ar: &mut Arena| {
            for (t, _) in operands.iter().zip(owned).filter(|(_, o)| *o) {
                ar.dec_ref(t.id);
            }
        };
        let mut shapes_small = [Shape::SCALAR; 2];
        let shapes_vec: Vec<Shape>;
        let shapes: &[Shape] = if operands.len() <= 2 {
            for (i, t) in operands.iter().enumerate() {
                shapes_small[i] = t.shape;
            }
            &shapes_small[..operands.len()]
        } else {
            shapes_vec = operands.iter().map(|t| t.shape).collect();
            &shapes_vec
        };
        // Shape errors panic here, before the arena is borrowed.
        let out_shape = ops::out_shape(op, shapes);
        let mut ids_small = [0u32; 2];
        let ids_vec: Vec<u32>;
        let ids: &[u32] = if operands.len() <= 2 {
            for (i, t) in operands.iter().enumerate() {
                ids_small[i] = t.id;
            }
            &ids_small[..operands.len()]
        } else {
            ids_vec = operands.iter().map(|t| t.id).collect();
            &ids_vec
        };
        let id = with_arena(|ar| {
            let grad_on = !ar.grad_disabled;
            let id = record(ar, op, ids, shapes, out_shape, grad_on);
            release(ar);
            id
        });
        Tensor::from_node(id, out_shape)
    }

    fn unary(&self, u: UnaryFn) -> Tensor {
        Tensor::apply(Op::Unary(u), &[self])
    }

    fn binary(&self, b: BinaryFn, other: &Tensor) -> Tensor {
        Tensor::apply(Op::Binary(b), &[self, other])
    }

    // ---- ops ----------------------------------------------------------

    /// Elementwise sum (a scalar operand broadcasts).
    ///
    /// # Panics
    /// When the shapes differ and neither is a scalar.
    pub fn add(&self, other: &Tensor) -> Tensor {
        self.binary(BinaryFn::Add, other)
    }
    /// Elementwise difference (a scalar operand broadcasts).
    ///
    /// # Panics
    /// When the shapes differ and neither is a scalar.
    pub fn sub(&self, other: &Tensor) -> Tensor {
        self.binary(BinaryFn::Sub, other)
    }
    /// Elementwise product (a scalar operand broadcasts).
    ///
    /// # Panics
    /// When the shapes differ and neither is a scalar.
    pub fn mul(&self, other: &Tensor) -> Tensor {
        self.binary(BinaryFn::Mul, other)
    }
    /// Elementwise quotient (a scalar operand broadcasts).
    ///
    /// # Panics
    /// When the shapes differ and neither is a scalar.
    pub fn div(&self, other: &Tensor) -> Tensor {
        self.binary(BinaryFn::Div, other)
    }
    /// Elementwise power selfᵉ with a tensor exponent (a scalar broadcasts).
    ///
    /// # Panics
    /// When the shapes differ and neither is a scalar.
    pub fn pow(&self, exponent: &Tensor) -> Tensor {
        self.binary(BinaryFn::Pow, exponent)
    }
    /// Elementwise power selfᵖ with a constant exponent.
    pub fn powf(&self, p: f64) -> Tensor {
        self.unary(UnaryFn::Powf(p))
    }
    /// Elementwise negation.
    pub fn neg(&self) -> Tensor {
        self.unary(UnaryFn::Neg)
    }
    /// The named elementwise function `f` of every element; each function
    /// of the op table is also a method (`x.sigmoid()`).
    pub fn elementwise(&self, f: Elementwise) -> Tensor {
        self.unary(UnaryFn::Map(f))
    }
    /// Sum of all elements (a scalar).
    pub fn sum(&self) -> Tensor {
        Tensor::apply(Op::Reduce(Reduce::Sum), &[self])
    }
    /// Mean of all elements (a scalar).
    pub fn mean(&self) -> Tensor {
        Tensor::apply(Op::Reduce(Reduce::Mean), &[self])
    }
    /// Dot product Σ aᵢ bᵢ of two tensors of one shape (a scalar).
    ///
    /// # Panics
    /// When the shapes differ.
    pub fn dot(&self, other: &Tensor) -> Tensor {
        Tensor::apply(Op::Reduce(Reduce::Dot), &[self, other])
    }
    /// Euclidean (Frobenius) norm of all elements (a scalar); its derivative
    /// at 0 is taken as 0.
    pub fn norm(&self) -> Tensor {
        Tensor::apply(Op::Reduce(Reduce::Norm), &[self])
    }
    /// Matrix product: matrix·matrix, matrix·vector, vector·matrix or
    /// vector·vector (a scalar), as `torch.matmul`.
    ///
    /// # Panics
    /// When an operand is a scalar or the inner dimensions differ.
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        Tensor::apply(Op::Linalg(Linalg::MatMul), &[self, other])
    }
    /// Transpose of a matrix (vectors and scalars are returned unchanged).
    pub fn t(&self) -> Tensor {
        Tensor::apply(Op::Linalg(Linalg::Transpose), &[self])
    }
    /// ln |det A| of a square matrix (−∞ when it is singular).
    ///
    /// # Panics
    /// When the tensor is not a square matrix.
    pub fn logdet(&self) -> Tensor {
        Tensor::apply(Op::Linalg(Linalg::LogDet), &[self])
    }
    /// Entry `i` along axis 0 (an element of a vector, a row of a matrix);
    /// negative `i` counts from the end.
    ///
    /// # Panics
    /// On a scalar or an index out of range.
    pub fn index(&self, i: isize) -> Tensor {
        let i = ops::shape_ops::resolve_index(self.shape, i);
        Tensor::apply(Op::Move(Move::Index(i)), &[self])
    }
    /// Entries `start..end` along axis 0.
    ///
    /// # Panics
    /// When the range is out of bounds.
    pub fn slice(&self, start: usize, end: usize) -> Tensor {
        let rows = self.shape.rows();
        if start > end || end > rows || self.shape.is_scalar() {
            panic!(
                "slice {start}..{end} is out of range for axis 0 of a tensor with shape {}",
                self.shape
            );
        }
        let (start, end) = (start as u32, end as u32);
        Tensor::apply(Op::Move(Move::Slice { start, end }), &[self])
    }
    /// The same elements in a new shape.
    ///
    /// # Panics
    /// When the element count differs or the rank is above 2.
    pub fn reshape(&self, shape: &[usize]) -> Tensor {
        let s = Shape::from_dims(shape).unwrap_or_else(|| {
            panic!("tensors have rank 0, 1 or 2, but shape {shape:?} was given")
        });
        Tensor::apply(Op::Move(Move::Reshape(s)), &[self])
    }
    /// Stacks tensors along axis 0: scalars and vectors into a vector,
    /// matrices with equal column counts into a matrix.
    ///
    /// # Panics
    /// On an empty list or rows of different lengths.
    pub fn concat(parts: &[&Tensor]) -> Tensor {
        Tensor::apply(Op::Move(Move::Concat), parts)
    }
}

/// Records an elementwise op on scalar operands, taking over the references
/// of the handles flagged in `owned`.
#[inline(always)]
fn record_scalar(ar: &mut Arena, op: Op, operands: &[&Tensor], owned: [bool; 2]) -> u32 {
    // The handles' shapes say the nodes hold one element each.
    let (value, ins): (f64, [u32; 2]) = match op {
        Op::Unary(u) => {
            let a = operands[0].id;
            (u.f(ar.scalar_unchecked(a)), [a, NONE])
        }
        Op::Binary(b) => {
            let (a, c) = (operands[0].id, operands[1].id);
            let v = b.f(ar.scalar_unchecked(a), ar.scalar_unchecked(c));
            (v, [a, c])
        }
        _ => unreachable!("only elementwise ops take the scalar path"),
    };
    let requires = !ar.grad_disabled
        && (ar.nodes[ins[0] as usize].requires_grad
            || (ins[1] != NONE && ar.nodes[ins[1] as usize].requires_grad));
    if requires {
        // An owned handle's reference becomes the edge's.
        ar.push_scalar(Some(op), ins, value, owned)
    } else {
        let id = ar.push_scalar(None, [NONE; 2], value, [false; 2]);
        for (&j, _) in ins.iter().zip(owned).filter(|(_, o)| *o) {
            ar.dec_ref(j);
        }
        id
    }
}

/// Computes the value of `op` and stores its node.
fn record(
    ar: &mut Arena,
    op: Op,
    ids: &[u32],
    shapes: &[Shape],
    out_shape: Shape,
    grad_on: bool,
) -> u32 {
    let requires = grad_on && ids.iter().any(|&i| ar.nodes[i as usize].requires_grad);
    let value = compute(ar, op, ids, shapes, out_shape);
    if requires {
        ar.push(Some(op), ids, out_shape, value, true)
    } else {
        ar.push(None, &[], out_shape, value, false)
    }
}

/// The forward value of `op` on the nodes `ids`.
#[inline]
fn compute(ar: &Arena, op: Op, ids: &[u32], shapes: &[Shape], out_shape: Shape) -> Value {
    // Scalar fast path: no slices, no allocation.
    match (op, ids) {
        (Op::Unary(u), &[a]) => {
            if let Some(x) = ar.scalar(a) {
                return Value::Scalar(u.f(x));
            }
        }
        (Op::Binary(b), &[a, c]) => {
            if let (Some(x), Some(y)) = (ar.scalar(a), ar.scalar(c)) {
                return Value::Scalar(b.f(x, y));
            }
        }
        _ => {}
    }
    let mut xs_small: [&[f64]; 2] = [&[], &[]];
    let xs_vec: Vec<&[f64]>;
    let xs: &[&[f64]] = if ids.len() <= 2 {
        for (i, &j) in ids.iter().enumerate() {
            xs_small[i] = ar.value(j);
        }
        &xs_small[..ids.len()]
    } else {
        xs_vec = ids.iter().map(|&j| ar.value(j)).collect();
        &xs_vec
    };
    let n = out_shape.numel();
    if n == 1 {
        let mut y = [0.0];
        ops::forward(op, xs, shapes, &mut y);
        Value::Scalar(y[0])
    } else {
        let mut y = vec![0.0; n];
        ops::forward(op, xs, shapes, &mut y);
        Value::Buf(y)
    }
}

impl Clone for Tensor {
    /// Another handle to the same node (shares values, grad and graph).
    fn clone(&self) -> Tensor {
        with_arena(|ar| ar.inc_ref(self.id));
        Tensor {
            id: self.id,
            shape: self.shape,
            dims: self.dims,
            _not_send: PhantomData,
        }
    }
}

impl Drop for Tensor {
    fn drop(&mut self) {
        let id = self.id;
        // The arena may already be gone when a thread shuts down.
        let _ = crate::autodiff::graph::ARENA.try_with(|a| {
            if let Ok(mut ar) = a.try_borrow_mut() {
                ar.dec_ref(id);
            }
        });
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (values, requires, op) = with_arena(|ar| {
            let n = &ar.nodes[self.id as usize];
            (
                ar.value(self.id).to_vec(),
                n.requires_grad,
                n.op.map(Op::grad_fn_name),
            )
        });
        write!(f, "tensor(")?;
        match self.shape.ndim() {
            0 => write!(f, "{}", values[0])?,
            1 => write!(f, "{values:?}")?,
            _ => {
                let c = self.shape.dim(1).max(1);
                let rows: Vec<&[f64]> = values.chunks(c).collect();
                write!(f, "{rows:?}")?;
            }
        }
        if let Some(op) = op {
            write!(f, ", grad_fn=<{op}>")?;
        } else if requires {
            write!(f, ", requires_grad=true")?;
        }
        write!(f, ")")
    }
}

/// Number of live nodes in this thread's arena (tensors alive plus graph
/// nodes kept for backward passes); for tests that check memory is released.
pub fn live_tensor_count() -> usize {
    with_arena(|ar| ar.live())
}
