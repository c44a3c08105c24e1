//! lagrange: constrained optimization with Lagrange multipliers.
pub mod autodiff;
#[cfg(feature = "cuda")]
pub mod cuda;
