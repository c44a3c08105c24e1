//! lagrange: constrained optimization with Lagrange multipliers.
pub mod autodiff;
