//! Newton–KKT solver for equality-constrained problems.
//!
//! The solver sees a problem only through [`NlpProblem`]; it knows nothing of
//! JSON, the command line or the autodiff engine. Entry points: [`solve`]
//! (one call) and [`NewtonKkt`] (an argmin `Solver`, for argmin's
//! `Executor`, observers and iteration limits). Both return a [`Solution`].
//!
//! Layout: [`settings`] (options), [`status`] (why it stopped), [`result`]
//! (what it returns), [`evaluate`] (problem evaluation and scaling), [`kkt`]
//! (KKT assembly), [`matrices`] (dense or sparse J and W), [`linear`] (dense
//! LBLᵀ and sparse LDLᵀ factorizations and inertia), [`inertia`]
//! (inertia correction), [`line_search`] (filter line search),
//! [`newton`] (the iteration, with its restoration phase), [`classify`] (second-order check),
//! [`argmin_adapter`].
#![warn(missing_docs)]

mod algorithm;
pub mod argmin_adapter;
pub mod classify;
pub mod evaluate;
pub mod inertia;
mod interior;
pub mod kkt;
mod layout;
pub mod line_search;
pub mod linear;
pub mod matrices;
pub mod newton;
pub mod nlp;
pub mod result;
pub mod settings;
pub mod status;
mod timers;
pub mod vector;

pub use algorithm::{solve, Algorithm};
pub use argmin_adapter::{NewtonKkt, NewtonKktState};
pub use interior::InteriorPoint;
pub use newton::Newton;
pub use nlp::{NlpProblem, Sense, SparsityPattern, NO_BOUND};
pub use result::{Activity, IterationRecord, PointKind, Solution, Timings};
pub use settings::{Barrier, LinearSolver, Settings, SettingsBuilder, SettingsError, WarmStart};
pub use status::Status;
