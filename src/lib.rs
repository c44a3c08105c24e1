//! lagrange: constrained optimization with Lagrange multipliers.
//!
//! Minimize or maximize f(x) subject to equations gᵢ(x) = 0, inequalities,
//! ranges and variable bounds: Newton's method on the KKT system
//! ∇L(x, λ) = 0 for equations only, a primal-dual interior-point method in
//! the manner of IPOPT as soon as an inequality or a bound appears, both with
//! exact derivatives from the crate's own reverse-mode automatic
//! differentiation engine.
//!
//! # The public API
//!
//! - [`autodiff`]: the engine. [`Tensor`](autodiff::Tensor) (PyTorch-style
//!   eager tensors: `requires_grad`, `backward`, `.grad`, `grad_fn`),
//!   [`no_grad`](autodiff::no_grad) / [`NoGradGuard`](autodiff::NoGradGuard)
//!   / [`is_grad_enabled`](autodiff::is_grad_enabled), the compiled
//!   [`Tape`](autodiff::Tape) (gradients, JVPs, VJPs, Hessian-vector
//!   products, dense and sparse Hessians and Jacobians with
//!   [`NonzeroPattern`](autodiff::NonzeroPattern),
//!   [`SparseJacobian`](autodiff::SparseJacobian),
//!   [`SparseHessian`](autodiff::SparseHessian)), forward mode with
//!   [`Dual`](autodiff::Dual), the [`Real`](autodiff::Real) trait for code
//!   written once over `f64`, `Dual` and `Tensor`, the op table of named
//!   elementwise functions [`Elementwise`](autodiff::Elementwise), and
//!   [`AutodiffError`](autodiff::AutodiffError).
//! - [`problem`]: state a problem in Rust with tensors
//!   ([`Problem`](problem::Problem)), compile it
//!   ([`CompiledProblem`](problem::CompiledProblem)) and read the answer by
//!   name ([`NamedSolution`](problem::NamedSolution)).
//! - [`problem_file`]: the JSON problem files of the command line:
//!   [`load`](problem_file::load()), [`load_str`](problem_file::load_str),
//!   [`Definition`](problem_file::Definition),
//!   [`compile`](problem_file::compile()) into a solvable problem,
//!   [`compare`](problem_file::compare) against a file's `expected`,
//!   NumPy files ([`read_npy`](problem_file::read_npy),
//!   [`encode_npy`](problem_file::encode_npy)) and
//!   [`FileError`](problem_file::FileError) with rustc-style rendering.
//! - [`solver`]: the Newton–KKT solver behind one interface,
//!   [`NlpProblem`](solver::NlpProblem): [`solve`](solver::solve),
//!   [`Settings`](solver::Settings), [`Solution`](solver::Solution),
//!   [`Status`](solver::Status), [`PointKind`](solver::PointKind), the state
//!   machines [`Newton`](solver::Newton) and
//!   [`InteriorPoint`](solver::InteriorPoint) and their argmin adapter
//!   [`NewtonKkt`](solver::NewtonKkt).
//! - [`families`]: scalable problem files with closed-form solutions
//!   ([`generate`](families::generate), [`FAMILIES`](families::FAMILIES)).
//! - `cuda` (feature `cuda`): device tensors (`DeviceTensor`) with their own
//!   autograd graph and the CPU engine's grad mode, fused elementwise
//!   expressions (`Expr`), and `CudaError`; see `kernels/README.md`.
//!
//! The command line (`lagrange solve`, `eval`, `check`, `generate`,
//! `bench`) is the binary of this package; the README shows both.
#![warn(missing_docs)]

pub mod autodiff;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod families;
pub mod problem;
pub mod problem_file;
pub mod solver;

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
