//! lagrange: constrained optimization with Lagrange multipliers.
pub mod autodiff;
pub mod problem_file;
pub mod solver;
