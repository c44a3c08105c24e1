//! The primal-dual interior-point method for bounds and inequalities, in
//! the manner of IPOPT (Wächter & Biegler, *On the implementation of an
//! interior-point filter line-search algorithm for large-scale nonlinear
//! programming*, Math. Prog. 106, 2006).
//!
//! Every inequality row gᵢ(x) gets a slack tᵢ with the row's ends as its
//! bounds (cᵢ(x) − tᵢ = 0); the bounds of x and t enter a log barrier with
//! parameter μ. Each iteration takes the Newton step of the primal-dual
//! barrier conditions on the same inertia-corrected KKT matrix as the
//! equality path, with the slacks eliminated:
//!
//! ```text
//! [ W + Σₓ + δI   Jᵀ               ] [ dx ]     [ ∇φ − Jᵀy − μ(X − X_L)⁻¹e + μ(X_U − X)⁻¹e ]
//! [ J            −Σₜ⁻¹ − γI        ] [ −dy ] = − [ c − t + Σₜ⁻¹ rₜ                         ]
//! ```
//!
//! (Σ = Z/distance, the primal-dual barrier Hessian; equation rows have no
//! slack and no Σₜ⁻¹ term), recovers the steps of t, z and v afterwards,
//! keeps iterates inside the bounds by the fraction to the boundary, and
//! globalizes with the filter line search on (θ, barrier objective) of the
//! equality path. Layout: [`structure`] (which bounds and rows exist),
//! [`point`] (slacks, bound multipliers, boundary rules), [`barrier`] (μ),
//! [`fixed`] (fixed variables leave the iteration),
//! [`answer`] (the contract's multipliers and convergence test),
//! [`restoration`] (the feasibility restoration phase, when the filter
//! accepts no step), [`solver`] (the iteration).
//!
//! Requirements on the problem: as for the equality path; the bounds and
//! constraint ends are asked once per solve.

pub mod answer;
pub mod barrier;
pub mod fixed;
pub mod point;
pub mod restoration;
pub mod solver;
pub mod structure;

pub use solver::InteriorPoint;
