//! lagrange: constrained optimization with Lagrange multipliers.
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
