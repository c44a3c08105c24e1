//! lagrange: constrained optimization with Lagrange multipliers.
pub mod autodiff;
pub mod solver;
