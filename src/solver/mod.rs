//! Newton–KKT solver for equality-constrained problems, and the
//! interior-point method for bounds and inequalities.
//!
//! The solver sees a problem only through [`NlpProblem`]; it knows nothing of
//! JSON, the command line or the autodiff engine. Entry points: [`solve`]
//! (one call), the state machines [`Newton`] and [`InteriorPoint`] behind
//! [`Algorithm`], and [`NewtonKkt`] (an argmin `Solver`, for argmin's
//! `Executor`, observers and iteration limits). All return a [`Solution`].
//!
//! Layout, one file or folder per part (all private; what users need is
//! re-exported here): `settings` (options), `status` (why it stopped),
//! `result` (what it returns), `evaluate` (problem evaluation and scaling),
//! `vector` (vector helpers, one NaN rule), `kkt` (KKT assembly), `matrices`
//! (dense or sparse J and W), `layout` (the choice between them), `linear`
//! (dense LBLᵀ and sparse LDLᵀ factorizations and inertia), `inertia`
//! (inertia correction), `line_search` (backtracking with an acceptance
//! policy, the filter), `timers` (named phase timers), `newton` (the
//! Newton–KKT iteration, one file per step, with its restoration phase),
//! `interior` (the interior-point method), `classify` (second-order check),
//! `algorithm` (the choice of method and [`solve`]), `argmin_adapter`.
#![warn(missing_docs)]

mod algorithm;
mod argmin_adapter;
mod classify;
mod error;
mod evaluate;
mod inertia;
mod interior;
mod kkt;
mod layout;
mod line_search;
mod linear;
mod matrices;
mod newton;
mod nlp;
mod result;
mod settings;
mod status;
mod timers;
mod vector;

pub use algorithm::{solve, Algorithm};
pub use argmin_adapter::{NewtonKkt, NewtonKktState};
pub use classify::DENSE_INERTIA_MIN_VARIABLES;
pub use error::{PatternKind, SetupError};
pub use evaluate::EvaluationCounter;
pub use interior::InteriorPoint;
pub use newton::Newton;
pub use nlp::{NlpProblem, Sense, SparsityPattern, NO_BOUND};
pub use result::{Activity, IterationRecord, PointKind, Solution, Timings};
pub use settings::{
    Barrier, LinearSolver, Settings, SettingsBuilder, SettingsError, WarmStart, SPARSE_MAX_DENSITY,
    SPARSE_MIN_DIMENSION,
};
pub use status::Status;

/// Internals that integration tests drive directly (the inertia-based
/// classification against the SVD one, on hand-built KKT storage). Not
/// part of the API: no stability promise.
#[doc(hidden)]
pub mod internals {
    pub use super::classify::{classify, classify_by_inertia};
    pub use super::linear::{KktSolver, SparseKkt};
    pub use super::matrices::{Hessian, Jacobian};
}
