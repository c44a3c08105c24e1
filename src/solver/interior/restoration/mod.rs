//! Feasibility restoration (Wächter & Biegler 2006, §3.3; IPOPT's
//! `MinC_1NrmRestorationPhase`): when the filter line search accepts no
//! step, the iteration minimizes the constraint violation alone until it
//! reaches a point the original filter accepts.
//!
//! The restoration problem ([`problem`]: ρ‖c(x) − t‖₁ in elastic variables
//! p, n, plus a proximity term) is solved by the same interior-point
//! method, so its iterates stay inside the bounds and their slacks
//! positive. It starts at the original iterate ([`start`]): x and the
//! slacks kept at least μ_R/ρ inside their bounds, μ_R = max(μ,
//! ‖residuals‖∞), p and n central in closed form, every bound multiplier
//! central for μ_R, least-squares y. When its own line search fails it
//! takes the least-change step onto the linearized rows (which p and n
//! can always satisfy), never a nested phase.
//!
//! The phase ends
//! - back in the original iteration at the first restoration iterate that
//!   has θ ≤ κ θ_R and is acceptable to the original filter (which holds
//!   the iterate where the phase began): bound multipliers from one Newton
//!   step of complementarity for the whole move (all reset to 1 if one
//!   exceeds 10³), constraint multipliers by least squares there;
//! - `infeasible` when the restoration problem converges while the
//!   original constraints are violated: a stationary point of the
//!   violation, returned as the point of least violation;
//! - otherwise with the reason the restoration problem stopped (iteration
//!   limit, evaluation error, singular), or, when it stalls, with the
//!   original iteration's own test of a stationary violation.
//!
//! Each restoration iteration counts as an iteration of the solve and has
//! its record in the history: f and the violation of the original problem,
//! the stationarity of the restoration problem. This module sees the
//! original iteration only through [`Entry`] and changes none of its state.
//!
//! Layout: [`problem`] (the restoration problem as an `NlpProblem`),
//! [`start`] (its start), [`phase`] (the loop), [`exit`] (the verdict and
//! the multipliers to resume with).

mod exit;
mod phase;
pub mod problem;
pub mod start;

use std::time::Duration;

use crate::solver::evaluate::{EvaluationCounter, Scaling};
use crate::solver::line_search::Filter;
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::settings::Settings;
use crate::solver::status::Status;

use super::point::{barrier_value, BoundDuals};
use super::structure::{Bounds, Structure};

pub use phase::run;

/// The penalty ρ on Σ(p + n) (IPOPT's `resto_penalty_parameter`).
const RHO: f64 = 1e3;
/// The reduction of θ required before the phase ends (IPOPT's
/// `required_infeasibility_reduction`).
const KAPPA_RESTO: f64 = 0.9;

/// The original iterate where the filter line search failed, and what the
/// phase needs of the original iteration (all in its scaled space).
pub struct Entry<'a> {
    /// The point.
    pub x: &'a [f64],
    /// The slacks of the inequality rows.
    pub t: &'a [f64],
    /// Bound multipliers of x.
    pub z: &'a BoundDuals,
    /// Bound multipliers of t.
    pub v: &'a BoundDuals,
    /// g(x), unscaled.
    pub constraints: &'a [f64],
    /// The barrier parameter μ.
    pub mu: f64,
    /// The fraction to the boundary τ.
    pub tau: f64,
    /// The original iteration's scaling.
    pub scaling: &'a Scaling,
    /// Bounds of x, as the iteration sees them.
    pub x_bounds: &'a Bounds,
    /// Bounds of the slacks (scaled), as the iteration sees them.
    pub slack_bounds: &'a Bounds,
    /// Which rows are equations, and their ends.
    pub structure: &'a Structure,
    /// The filter, holding the entry point.
    pub filter: &'a Filter,
    /// J and W of the original iteration: dense, or sparse with the
    /// patterns the restoration problem extends.
    pub matrices: (&'a Jacobian, &'a Hessian),
    /// The settings of the solve.
    pub settings: &'a Settings,
    /// Iterations taken before the phase.
    pub iteration: usize,
}

/// How the phase ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Exit {
    /// The point is acceptable to the original iteration: it goes on.
    Return,
    /// The solve stops with this status and message.
    Stop(Status, String),
    /// The phase could not reduce the violation further; whether the point
    /// is a stationary point of the violation is for the original
    /// iteration to judge.
    Stalled,
}

/// The result of the phase.
#[derive(Clone, Debug)]
pub struct Phase {
    /// The point reached.
    pub x: Vec<f64>,
    /// Its slacks.
    pub t: Vec<f64>,
    /// Bound multipliers of x for the original iteration to resume with.
    pub z: BoundDuals,
    /// Bound multipliers of the slacks, likewise.
    pub v: BoundDuals,
    /// Restoration iterations taken.
    pub iterations: usize,
    /// Step length of the last one (for its record).
    pub step_length: f64,
    /// Hessian regularization of the last one (for its record).
    pub regularization: f64,
    /// How the phase ended.
    pub exit: Exit,
    /// Evaluations of the problem during the phase.
    pub evaluations: EvaluationCounter,
    /// Time in factorizations during the phase.
    pub factorization: Duration,
    /// Time in line searches during the phase.
    pub line_search: Duration,
}

impl Entry<'_> {
    /// The scaled residual of each row at g and t.
    pub fn residuals(&self, g: &[f64], t: &[f64]) -> Vec<f64> {
        (0..g.len())
            .map(|i| {
                let s = self.scaling.constraints[i];
                self.structure.row_residual(i, s, g[i], t)
            })
            .collect()
    }

    /// The original's φ_μ at (x, t) with objective value f.
    pub fn barrier_objective(&self, f: f64, x: &[f64], t: &[f64]) -> f64 {
        self.scaling.phi(f)
            + barrier_value(self.x_bounds, x, self.mu)
            + barrier_value(self.slack_bounds, t, self.mu)
    }
}
