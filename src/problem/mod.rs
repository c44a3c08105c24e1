//! Problems stated in Rust with the autodiff engine.
//!
//! [`Problem`] collects named variables (leaf tensors), one objective and
//! named equality constraints `lhs = rhs`, all built from
//! [`Tensor`](crate::autodiff::Tensor) operations. [`Problem::compile`]
//! records them once into a [`Tape`](crate::autodiff::Tape) and returns a
//! [`CompiledProblem`], which the solver sees only through
//! [`NlpProblem`](crate::solver::NlpProblem): every solver iteration
//! re-evaluates the recorded tape at the new point, nothing is re-recorded.
//!
//! This module knows nothing of JSON or the command line.

mod builder;
mod compiled;
mod error;
mod layout;
mod solution;

pub use builder::Problem;
pub use compiled::{CompiledProblem, SparsityReport};
pub use error::ProblemError;
pub use layout::{ConstraintLayout, Layout, VariableLayout};
pub use solution::NamedSolution;
