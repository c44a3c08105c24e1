//! lagrange: constrained optimization with Lagrange multipliers.
pub mod autodiff;
pub mod families;
pub mod problem;
pub mod solver;
