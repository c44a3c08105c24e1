//! Solver settings: one struct with documented defaults and a validating
//! builder.
//!
//! Settings are read-only once built, so a [`Settings`] value is always
//! valid: the builder is the only way to change a default, and it rejects
//! values outside their range with a [`SettingsError`] that names the field.

use thiserror::Error;

/// Options of the Newton–KKT solver.
///
/// Build one with [`Settings::builder`], or take [`Settings::default`].
///
/// ```
/// use lagrange::solver::Settings;
/// let settings = Settings::builder().tolerance(1e-10).max_iterations(500).build().unwrap();
/// assert_eq!(settings.max_iterations(), 500);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    tolerance: f64,
    max_iterations: usize,
    infeasibility_tolerance: f64,
    unbounded_objective: f64,
    max_gradient_scale: f64,
    record_history: bool,
    classify: bool,
    linear_solver: LinearSolver,
    barrier: Barrier,
    warm_start: Option<WarmStart>,
}

/// How the interior-point method drives the barrier parameter μ to zero
/// (problems with bounds or inequalities only).
///
/// Its text forms (for options and the command line) are `monotone` and
/// `adaptive`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Barrier {
    /// Fiacco–McCormick: μ is kept until the barrier problem is solved to
    /// κ_ε μ, then decreased superlinearly (IPOPT's `mu_strategy monotone`).
    /// The default: on the Hock–Schittkowski problems with inequalities it
    /// solves more of them, in fewer iterations, than the adaptive rule
    /// (docs/benchmarks.md).
    #[default]
    Monotone,
    /// Mehrotra's probing: each iteration takes μ from the complementarity
    /// an affine-scaling step would reach (IPOPT's `mu_strategy adaptive`
    /// with `mu_oracle probing`), falling back to the monotone rule when
    /// progress stalls.
    Adaptive,
}

impl Barrier {
    /// The text form: `monotone` or `adaptive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Barrier::Monotone => "monotone",
            Barrier::Adaptive => "adaptive",
        }
    }
}

impl std::fmt::Display for Barrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Barrier {
    type Err = SettingsError;

    /// Parses `monotone` or `adaptive`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "monotone" => Ok(Barrier::Monotone),
            "adaptive" => Ok(Barrier::Adaptive),
            other => Err(SettingsError::Invalid {
                name: "barrier",
                value: other.to_string(),
                expected: "one of monotone, adaptive",
            }),
        }
    }
}

/// A starting point with its multipliers, typically an earlier solution
/// of a nearby problem (shapes as in [`crate::solver::Solution`]).
#[derive(Clone, Debug, PartialEq)]
pub struct WarmStart {
    /// The point (length n); replaces the problem's start.
    pub x: Vec<f64>,
    /// Constraint multipliers λ (length m), in the solution's convention.
    pub multipliers: Vec<f64>,
    /// Bound multipliers z (length n), in the solution's convention.
    pub bound_multipliers: Vec<f64>,
}

/// Which linear algebra the Newton iteration uses for the KKT systems.
///
/// Its text forms (for options and the command line) are `auto`, `dense`
/// and `sparse`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LinearSolver {
    /// Sparse when the problem provides sparsity patterns
    /// ([`crate::solver::NlpProblem::jacobian_pattern`] and
    /// [`crate::solver::NlpProblem::hessian_pattern`]), n + m ≥
    /// [`SPARSE_MIN_DIMENSION`], and the KKT matrix's lower triangle has at
    /// most [`SPARSE_MAX_DENSITY`] of its entries structurally nonzero;
    /// dense otherwise (the default).
    #[default]
    Auto,
    /// Dense matrices and Bunch–Kaufman LBLᵀ: O((n + m)²) memory and
    /// O((n + m)³) time per factorization.
    Dense,
    /// Sparse KKT matrix and sparse LDLᵀ with a fill-reducing ordering.
    /// A problem without sparsity patterns is solved with the dense solver
    /// instead, and the solution's message says so.
    Sparse,
}

/// Smallest n + m for which [`LinearSolver::Auto`] picks the sparse solver.
/// Below it the dense path needs no sparsity detection. Measured warm on
/// the families at n = 100 (`lagrange solve --repeat`): sparse 0.15–0.18 ms,
/// dense 1.1–1.6 ms (dense LBLᵀ each iteration plus the dense second-order
/// check); on Hock–Schittkowski (n ≤ 15) the two are within 15 %.
pub const SPARSE_MIN_DIMENSION: usize = 50;
/// Largest fraction of structurally nonzero entries in the lower triangle
/// of the KKT matrix for which [`LinearSolver::Auto`] picks the sparse
/// solver (a quadratic with 5 dense constraint rows at n = 100 has 13 %).
pub const SPARSE_MAX_DENSITY: f64 = 0.25;

impl LinearSolver {
    /// The text form: `auto`, `dense` or `sparse`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinearSolver::Auto => "auto",
            LinearSolver::Dense => "dense",
            LinearSolver::Sparse => "sparse",
        }
    }
}

impl std::fmt::Display for LinearSolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LinearSolver {
    type Err = SettingsError;

    /// Parses `auto`, `dense` or `sparse`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(LinearSolver::Auto),
            "dense" => Ok(LinearSolver::Dense),
            "sparse" => Ok(LinearSolver::Sparse),
            other => Err(SettingsError::Invalid {
                name: "linear_solver",
                value: other.to_string(),
                expected: "one of auto, dense, sparse",
            }),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tolerance: 1e-8,
            max_iterations: 200,
            infeasibility_tolerance: 1e-8,
            unbounded_objective: 1e20,
            max_gradient_scale: 100.0,
            record_history: true,
            classify: true,
            linear_solver: LinearSolver::Auto,
            barrier: Barrier::default(),
            warm_start: None,
        }
    }
}

impl Settings {
    /// A builder starting from the defaults.
    pub fn builder() -> SettingsBuilder {
        SettingsBuilder {
            settings: Settings::default(),
        }
    }

    /// Relative tolerance of the convergence test (default 1e-8):
    /// ‖∇f − Jᵀλ‖∞ ≤ tol · max(1, ‖∇f‖∞) and |gᵢ| ≤ tol · max(1, |lhsᵢ|, |rhsᵢ|).
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }

    /// Largest number of Newton iterations (default 200).
    pub fn max_iterations(&self) -> usize {
        self.max_iterations
    }

    /// Relative tolerance for local infeasibility (default 1e-8): the point is
    /// declared a stationary point of ½‖g‖² when ‖Jᵀg‖∞ ≤ tol · ‖J‖₁ · ‖g‖∞
    /// (scaled constraints) while g is not feasible, at two successive
    /// iterates.
    pub fn infeasibility_tolerance(&self) -> f64 {
        self.infeasibility_tolerance
    }

    /// A feasible iterate whose objective (in the direction of optimization)
    /// passes this size, or whose coordinates do, counts as unbounded
    /// (default 1e20).
    pub fn unbounded_objective(&self) -> f64 {
        self.unbounded_objective
    }

    /// Gradient-based scaling (as in IPOPT): the objective and each
    /// constraint are multiplied inside the solver by a factor ≤ 1 so that
    /// their gradients at the start have ∞-norm at most this value
    /// (default 100). The convergence test is always on the unscaled problem.
    pub fn max_gradient_scale(&self) -> f64 {
        self.max_gradient_scale
    }

    /// Whether to keep the per-iteration history (default true).
    pub fn record_history(&self) -> bool {
        self.record_history
    }

    /// Whether to classify the returned point by second-order conditions
    /// (default true). Small dense problems use one SVD of J and one
    /// symmetric eigensolve; sparse problems, and dense ones with more than
    /// [`crate::solver::classify::DENSE_INERTIA_MIN_VARIABLES`] variables,
    /// use the inertia of KKT matrices (two or three factorizations).
    pub fn classify(&self) -> bool {
        self.classify
    }

    /// Dense or sparse linear algebra (default [`LinearSolver::Auto`]).
    pub fn linear_solver(&self) -> LinearSolver {
        self.linear_solver
    }

    /// The barrier update of the interior-point method (default
    /// [`Barrier::Monotone`]).
    pub fn barrier(&self) -> Barrier {
        self.barrier
    }

    /// The warm start, if any (default none: the problem's start, least-squares
    /// multipliers).
    pub fn warm_start(&self) -> Option<&WarmStart> {
        self.warm_start.as_ref()
    }
}

/// Builder of [`Settings`]; [`SettingsBuilder::build`] validates.
#[derive(Clone, Debug)]
pub struct SettingsBuilder {
    settings: Settings,
}

impl SettingsBuilder {
    /// Sets [`Settings::tolerance`]; must be finite and in (0, 1).
    pub fn tolerance(mut self, value: f64) -> Self {
        self.settings.tolerance = value;
        self
    }

    /// Sets [`Settings::max_iterations`]; must be at least 1.
    pub fn max_iterations(mut self, value: usize) -> Self {
        self.settings.max_iterations = value;
        self
    }

    /// Sets [`Settings::infeasibility_tolerance`]; must be finite and in (0, 1).
    pub fn infeasibility_tolerance(mut self, value: f64) -> Self {
        self.settings.infeasibility_tolerance = value;
        self
    }

    /// Sets [`Settings::unbounded_objective`]; must be finite and ≥ 1.
    pub fn unbounded_objective(mut self, value: f64) -> Self {
        self.settings.unbounded_objective = value;
        self
    }

    /// Sets [`Settings::max_gradient_scale`]; must be finite and > 0
    /// (`f64::INFINITY` is also accepted and turns scaling off).
    pub fn max_gradient_scale(mut self, value: f64) -> Self {
        self.settings.max_gradient_scale = value;
        self
    }

    /// Sets [`Settings::record_history`].
    pub fn record_history(mut self, value: bool) -> Self {
        self.settings.record_history = value;
        self
    }

    /// Sets [`Settings::classify`].
    pub fn classify(mut self, value: bool) -> Self {
        self.settings.classify = value;
        self
    }

    /// Sets [`Settings::linear_solver`].
    pub fn linear_solver(mut self, value: LinearSolver) -> Self {
        self.settings.linear_solver = value;
        self
    }

    /// Sets [`Settings::barrier`].
    pub fn barrier(mut self, value: Barrier) -> Self {
        self.settings.barrier = value;
        self
    }

    /// Sets [`Settings::warm_start`]; every entry must be finite (lengths
    /// are checked against the problem when it is solved).
    pub fn warm_start(mut self, value: WarmStart) -> Self {
        self.settings.warm_start = Some(value);
        self
    }

    /// Checks every value and returns the settings, or the first invalid field.
    pub fn build(self) -> Result<Settings, SettingsError> {
        let s = self.settings;
        let invalid = |name: &'static str, value: String, expected: &'static str| {
            Err(SettingsError::Invalid {
                name,
                value,
                expected,
            })
        };
        if !(s.tolerance.is_finite() && s.tolerance > 0.0 && s.tolerance < 1.0) {
            return invalid("tolerance", s.tolerance.to_string(), "a number in (0, 1)");
        }
        if s.max_iterations == 0 {
            return invalid("max_iterations", "0".into(), "at least 1");
        }
        let t = s.infeasibility_tolerance;
        if !(t.is_finite() && t > 0.0 && t < 1.0) {
            return invalid(
                "infeasibility_tolerance",
                t.to_string(),
                "a number in (0, 1)",
            );
        }
        if !(s.unbounded_objective.is_finite() && s.unbounded_objective >= 1.0) {
            return invalid(
                "unbounded_objective",
                s.unbounded_objective.to_string(),
                "a finite number ≥ 1",
            );
        }
        if s.max_gradient_scale.is_nan() || s.max_gradient_scale <= 0.0 {
            return invalid(
                "max_gradient_scale",
                s.max_gradient_scale.to_string(),
                "a number > 0",
            );
        }
        if let Some(w) = &s.warm_start {
            let all_finite = |v: &[f64]| v.iter().all(|v| v.is_finite());
            for (name, values) in [
                ("warm_start.x", &w.x),
                ("warm_start.multipliers", &w.multipliers),
                ("warm_start.bound_multipliers", &w.bound_multipliers),
            ] {
                if !all_finite(values) {
                    return invalid(name, "a non-finite entry".into(), "finite numbers");
                }
            }
        }
        Ok(s)
    }
}

/// A setting outside its valid range.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SettingsError {
    /// The named setting has a value outside its range.
    #[error("invalid solver setting `{name}` = {value}: expected {expected}")]
    Invalid {
        /// Name of the setting.
        name: &'static str,
        /// The rejected value, as text.
        value: String,
        /// What the setting accepts.
        expected: &'static str,
    },
}
