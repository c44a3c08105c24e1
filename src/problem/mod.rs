//! Problems stated in Rust with the autodiff engine.
//!
//! [`Problem`] collects named variables (leaf tensors) with optional bounds,
//! one objective and named constraints (equations `lhs = rhs`, inequalities
//! `lhs <= rhs`, `lhs >= rhs`, ranges `lo <= e <= hi`), all built from
//! [`Tensor`](crate::autodiff::Tensor) operations. [`Problem::compile`]
//! records them once into a [`Tape`](crate::autodiff::Tape) and returns a
//! [`CompiledProblem`], which the solver sees only through
//! [`NlpProblem`](crate::solver::NlpProblem): every solver iteration
//! re-evaluates the recorded tape at the new point, nothing is re-recorded.
//!
//! This module knows nothing of JSON or the command line.

mod active;
mod bounds;
mod builder;
mod compiled;
mod ends;
mod error;
mod inequality;
mod layout;
mod residual;
mod solution;

pub use active::{ActiveEntry, ActiveKind};
pub use bounds::BoundValues;
pub use builder::Problem;
pub use compiled::{CompiledProblem, SparsityReport};
pub use error::ProblemError;
pub use layout::{ConstraintKind, ConstraintLayout, Layout, VariableLayout};
pub use residual::{kkt_residual, KktResidual};
pub use solution::NamedSolution;
