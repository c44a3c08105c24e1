//! Why the solver stopped.
//!
//! A status is not an error: every run returns a [`crate::solver::Solution`]
//! with one of these, and only [`Status::Converged`] means the returned point
//! satisfies the convergence test of the problem-file contract.

/// Outcome of a solve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// The scaled KKT conditions hold to the tolerance at the returned point:
    /// ‖∇f − Jᵀλ‖∞ ≤ tol · max(1, ‖∇f‖∞) and |gᵢ| ≤ tol · max(1, |lhsᵢ|, |rhsᵢ|).
    Converged,
    /// The iteration limit was reached first; the returned point is the last
    /// iterate, which may be close to a solution or not.
    MaxIterations,
    /// Locally infeasible: the iterates reached a stationary point of the
    /// constraint violation where it is not zero (e.g. the constraints
    /// x = 1 and x = 2): of ½‖g‖² with equations only; with bounds or
    /// inequalities, of the violation's ℓ1 norm within the bounds, where
    /// the interior-point method's restoration phase converged. The
    /// returned point is a local minimizer of the violation, not a
    /// solution.
    Infeasible,
    /// f, g or one of their derivatives was NaN or infinite at the start, or
    /// at every trial point of a line search after backtracking. The returned
    /// point is the last point where everything was finite.
    EvaluationError,
    /// The objective (in the direction of optimization) passed
    /// [`crate::solver::Settings::unbounded_objective`] at a feasible iterate,
    /// or the iterates diverged while staying feasible: the problem appears
    /// unbounded along its constraint set.
    Unbounded,
    /// The KKT matrix could not be made to have the right inertia even with
    /// the largest regularization: the Newton system is numerically singular.
    Singular,
    /// No acceptable step was found although derivatives were finite: the
    /// filter line search failed at a (nearly) feasible point, or the
    /// feasibility restoration could not reduce the constraint violation
    /// (often a sign that the tolerance is below what rounding allows, or
    /// of inconsistent derivatives supplied by the problem).
    LineSearchFailed,
    /// The problem itself is unusable: wrong dimensions (e.g. a start point
    /// whose length is not the number of variables).
    InvalidProblem,
}

impl Status {
    /// The status word of the problem-file contract: `converged`,
    /// `max_iterations`, `infeasible`, `evaluation_error`, `unbounded`,
    /// `singular`, `line_search_failed`, `invalid_problem`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Converged => "converged",
            Status::MaxIterations => "max_iterations",
            Status::Infeasible => "infeasible",
            Status::EvaluationError => "evaluation_error",
            Status::Unbounded => "unbounded",
            Status::Singular => "singular",
            Status::LineSearchFailed => "line_search_failed",
            Status::InvalidProblem => "invalid_problem",
        }
    }

    /// Whether this status means success.
    pub fn is_converged(self) -> bool {
        self == Status::Converged
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
