//! What a solve returns: the point, its multipliers, and information about
//! the run.

use std::time::Duration;

use super::settings::LinearSolver;
use super::status::Status;

/// Second-order classification of a point on the constraints' tangent space
/// (the null space of J), for the objective f as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PointKind {
    /// The reduced Hessian Zᵀ∇²L Z is positive definite: a strict local
    /// minimum of f on the constraint set. Also reported for a minimization
    /// whose constraints leave no tangent directions (an isolated feasible
    /// point is a minimum and a maximum at once).
    Minimum,
    /// The reduced Hessian is negative definite: a strict local maximum of f.
    /// Also reported for a maximization without tangent directions.
    Maximum,
    /// The reduced Hessian has eigenvalues of both signs.
    Saddle,
    /// The reduced Hessian has a (numerically) zero eigenvalue and no
    /// eigenvalues of both signs: second-order conditions cannot decide.
    Degenerate,
}

impl PointKind {
    /// The contract's word: `minimum`, `maximum`, `saddle` or `degenerate`.
    pub fn as_str(self) -> &'static str {
        match self {
            PointKind::Minimum => "minimum",
            PointKind::Maximum => "maximum",
            PointKind::Saddle => "saddle",
            PointKind::Degenerate => "degenerate",
        }
    }
}

impl std::fmt::Display for PointKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which end of a constraint or bound holds at the returned point.
///
/// A constraint or bound is active when its slack is within the feasibility
/// tolerance of the convergence test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activity {
    /// Neither end holds: the multiplier is 0.
    Inactive,
    /// The lower end holds (`e >= lo`, or x at its lower bound).
    Lower,
    /// The upper end holds (`e <= hi`, or x at its upper bound).
    Upper,
    /// Both ends are one value: an equation, or a fixed variable.
    Fixed,
}

impl Activity {
    /// Whether the constraint or bound holds with equality.
    pub fn is_active(self) -> bool {
        self != Activity::Inactive
    }

    /// The word used in reports: `inactive`, `lower`, `upper`, `fixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Inactive => "inactive",
            Activity::Lower => "lower",
            Activity::Upper => "upper",
            Activity::Fixed => "fixed",
        }
    }
}

/// One iterate of the run. Entry 0 is the start point (with `step_length`
/// and `regularization` zero); entry k the iterate after k Newton steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IterationRecord {
    /// Iteration number k.
    pub iteration: usize,
    /// f(xₖ) as written.
    pub objective: f64,
    /// ‖g(xₖ)‖∞, unscaled.
    pub constraint_violation: f64,
    /// ‖∇f(xₖ) − J(xₖ)ᵀλₖ‖∞, unscaled.
    pub stationarity: f64,
    /// Step length α of the line search that produced this iterate.
    pub step_length: f64,
    /// Regularization δ added to the Hessian block for the step that
    /// produced this iterate.
    pub regularization: f64,
}

/// Wall-clock time spent in each phase of the solver.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timings {
    /// Evaluating f, g and their derivatives (the problem's own time; the
    /// few operations between a trial point's values and its derivatives,
    /// the filter's verdict among them, count with them: values and
    /// derivatives of a trial are timed as one interval, saving clock reads).
    pub evaluation: Duration,
    /// Assembling and factoring KKT matrices, including inertia correction.
    pub factorization: Duration,
    /// The line search, excluding the evaluations it triggers.
    pub line_search: Duration,
    /// The second-order classification of the returned point.
    pub classification: Duration,
    /// The whole solve.
    pub total: Duration,
}

/// Result of a solve. Always returned, whatever the [`Status`].
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Why the solver stopped.
    pub status: Status,
    /// A human-readable explanation of the status.
    pub message: String,
    /// The returned point (length n).
    pub x: Vec<f64>,
    /// Multipliers λ (length m) in the contract's convention:
    /// L = f − Σ λᵢ gᵢ − Σ zⱼ xⱼ, so ∇f = Jᵀλ + z and λᵢ = d f*/d(the active
    /// end of constraint i) for f as written, whether it was minimized or
    /// maximized; exactly 0 for an inactive inequality.
    pub multipliers: Vec<f64>,
    /// Bound multipliers z (length n): zⱼ = d f*/d(the active bound of xⱼ),
    /// exactly 0 when neither bound is active (all 0 without bounds).
    pub bound_multipliers: Vec<f64>,
    /// Which end of each constraint holds (length m; [`Activity::Fixed`]
    /// for every equation).
    pub constraint_activity: Vec<Activity>,
    /// Which bound of each variable holds (length n).
    pub bound_activity: Vec<Activity>,
    /// f(x) as written.
    pub objective: f64,
    /// Number of Newton iterations taken.
    pub iterations: usize,
    /// max(‖∇f − Jᵀλ‖∞, ‖g‖∞) at x, unscaled.
    pub kkt_residual: f64,
    /// ‖g(x)‖∞, unscaled.
    pub constraint_violation: f64,
    /// Second-order classification of x, for converged runs only (None when
    /// the status is not [`Status::Converged`], when
    /// [`crate::solver::Settings::classify`] is off, or when it could not be
    /// computed, e.g. a non-finite Hessian).
    pub point: Option<PointKind>,
    /// Whether the constraint Jacobian at x is numerically rank-deficient
    /// (computed whatever the status)
    /// (dependent constraints; when they are consistent the solver still
    /// converges, and the multipliers are one of many valid choices).
    pub dependent_constraints: bool,
    /// One record per iterate, the start included (empty when
    /// [`crate::solver::Settings::record_history`] is off).
    pub history: Vec<IterationRecord>,
    /// Time per phase.
    pub timings: Timings,
    /// The linear algebra used: [`LinearSolver::Dense`] or
    /// [`LinearSolver::Sparse`] (never `Auto`: the choice it made).
    pub linear_solver: LinearSolver,
}
