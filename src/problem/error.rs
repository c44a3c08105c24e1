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
    /// Recording the tape failed.
    #[error("recording the problem's graph failed: {0}")]
    Record(String),
}
