//! The shared scaffolding of lagrange's integration tests, benches and
//! examples (a dev-dependency, so that every helper is compiled once, used
//! where it is needed, and never needs `#[allow(dead_code)]`):
//!
//! - [`cli`]: run the `lagrange` binary, fixtures and scratch directories;
//! - [`Closure`]: the one `NlpProblem` made of closures with hand-written
//!   derivatives, with an optional sparsity pattern ([`Sparsity`]), optional
//!   bounds and constraint ends, and an optional closed-form solution;
//! - [`Rng`]: the one seeded random generator;
//! - [`accuracy`]: relative-error assertions against a CPU reference;
//! - [`check_derivatives`], [`close`], [`max_relative_error`]: comparisons;
//! - [`hs`]: the equality-constrained Hock–Schittkowski problems in Rust;
//!   [`sparse`]: sparse problems with closed-form solutions.

pub mod accuracy;
pub mod cli;
mod closure;
pub mod hs;
mod rng;
pub mod sparse;

pub use closure::{check_derivatives, close, max_relative_error, Closure, Sparsity};
pub use rng::Rng;
