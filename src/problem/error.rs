//! Errors in stating a problem in Rust.

/// What is wrong with a [`Problem`](super::Problem) as stated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProblemError {
    /// Neither `minimize` nor `maximize` was called.
    #[error("the problem has no objective: call minimize or maximize")]
    MissingObjective,
    /// The objective is not a scalar.
    #[error("the objective must be a scalar, found shape {shape:?}")]
    ObjectiveNotScalar {
        /// The objective's shape.
        shape: Vec<usize>,
    },
    /// Two variables or two constraints share a name.
    #[error("duplicate {kind} name '{name}'")]
    DuplicateName {
        /// "variable" or "constraint".
        kind: &'static str,
        /// The repeated name.
        name: String,
    },
    /// The two sides of an equation have different shapes and neither is a scalar.
    #[error("constraint '{name}': left side has shape {lhs:?}, right side {rhs:?}; they must match or one must be a scalar")]
    ConstraintShape {
        /// The constraint's name.
        name: String,
        /// Shape of the left side.
        lhs: Vec<usize>,
        /// Shape of the right side.
        rhs: Vec<usize>,
    },
    /// A start value is NaN or infinite.
    #[error("variable '{name}': start value {value} at element {index} is not finite")]
    NonFiniteStart {
        /// The variable's name.
        name: String,
        /// The offending element.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A bound was set on a tensor that is not a variable of this problem.
    #[error("{side} bound on a tensor of shape {shape:?} that is not a declared variable of this problem")]
    BoundNotVariable {
        /// "lower" or "upper".
        side: &'static str,
        /// The tensor's shape.
        shape: Vec<usize>,
    },
    /// A bound has neither one number nor one per element.
    #[error("variable '{name}': {side} bound has {found} values; give 1 or {expected}")]
    BoundLength {
        /// The variable's name.
        name: String,
        /// "lower" or "upper".
        side: &'static str,
        /// The variable's number of elements.
        expected: usize,
        /// The number of values given.
        found: usize,
    },
    /// A bound or a range end is NaN.
    #[error("{what}: bound at element {index} is NaN")]
    NanBound {
        /// `variable 'x'` or `constraint 'c'`.
        what: String,
        /// The offending element.
        index: usize,
    },
    /// A variable's lower bound exceeds its upper bound.
    #[error("variable '{name}': lower bound {lower} > upper bound {upper} at element {index}")]
    CrossedBounds {
        /// The variable's name.
        name: String,
        /// The offending element.
        index: usize,
        /// Its lower bound.
        lower: f64,
        /// Its upper bound.
        upper: f64,
    },
    /// A range's lower end exceeds its upper end.
    #[error("constraint '{name}': lower end {lo} > upper end {hi} at element {index}")]
    CrossedRange {
        /// The constraint's name.
        name: String,
        /// The offending element.
        index: usize,
        /// The lower end.
        lo: f64,
        /// The upper end.
        hi: f64,
    },
    /// An end of a range requires grad (depends on variables).
    #[error("constraint '{name}': the {end} end of a range must be a constant, not a tensor that requires grad")]
    RangeEndNotConstant {
        /// The constraint's name.
        name: String,
        /// "lower" or "upper".
        end: &'static str,
    },
    /// An end of a range is neither a scalar nor of the constrained value's shape.
    #[error("constraint '{name}': the {end} end has shape {found:?}; give a scalar or shape {expected:?}")]
    RangeEndShape {
        /// The constraint's name.
        name: String,
        /// "lower" or "upper".
        end: &'static str,
        /// The constrained value's shape.
        expected: Vec<usize>,
        /// The end's shape.
        found: Vec<usize>,
    },
    /// Recording the tape failed.
    #[error("recording the problem's graph failed: {0}")]
    Record(String),
}
