//! Reverse-mode automatic differentiation over f64 tensors.
//!
//! Two ways to use one engine:
//!
//! - **Eager** ([`Tensor`]): PyTorch-style. Ops on tensors with
//!   `requires_grad` record a graph in a thread-local arena;
//!   [`Tensor::backward`] fills the leaves' `.grad`; [`no_grad`] and
//!   [`Tensor::detach`] stop recording.
//! - **Compiled** ([`Tape`]): record a graph once, then re-evaluate values,
//!   gradients, vector-Jacobian and Jacobian-vector products, exact
//!   Hessian-vector products and dense Hessians and Jacobians at new points
//!   with no recording overhead. This is the path a solver uses every
//!   iteration.
//!
//! Forward mode for user code is in [`Dual`]; write a function once over the
//! [`Real`] trait and evaluate it on `f64`, [`Dual`] or [`Tensor`].
//!
//! Every op's forward value and derivative rules live side by side in
//! `ops/` and are shared by the eager graph and the tape. The named
//! elementwise functions (`sin`, `log1p`, `sigmoid`, ...) are one table,
//! [`Elementwise`]: the methods of [`Tensor`], [`Dual`] and [`Real`], the
//! problem-file function names and the CUDA expressions all derive from it.
//!
//! This module knows nothing of problems, solvers, files or the command line.

mod dual;
mod error;
mod grad_mode;
mod graph;
pub(crate) mod ops;
mod real;
mod shape;
mod tape;
mod tensor;
mod tensor_ops;

pub use dual::Dual;
pub use error::AutodiffError;
pub use grad_mode::{is_grad_enabled, no_grad, NoGradGuard};
pub use ops::Elementwise;
pub use real::Real;
pub use shape::Shape;
pub use tape::{
    NonzeroPattern, SparseHessian, SparseJacobian, SparsityError, Tape, DEFAULT_SPARSITY_LIMIT,
};
pub use tensor::{live_tensor_count, Tensor};
