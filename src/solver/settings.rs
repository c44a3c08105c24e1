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
    /// (default true; costs one SVD of J and one symmetric eigensolve).
    pub fn classify(&self) -> bool {
        self.classify
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
