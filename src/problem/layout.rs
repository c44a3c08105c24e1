//! Where each named variable and constraint lives in the flat vectors the
//! solver works with.

/// A named variable's place in the flat vector x.
#[derive(Clone, Debug, PartialEq)]
pub struct VariableLayout {
    /// The variable's name.
    pub name: String,
    /// Its shape: `[]` for a scalar, `[n]` for a vector.
    pub shape: Vec<usize>,
    /// Index of its first element in x.
    pub offset: usize,
    /// Number of scalar elements.
    pub len: usize,
}

/// What a constraint states about its value gᵢ, element by element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    /// `lhs = rhs`: gᵢ = lhs − rhs, ends (0, 0).
    Equation,
    /// `lhs <= rhs`: gᵢ = lhs − rhs, ends (−∞, 0).
    AtMost,
    /// `lhs >= rhs`: gᵢ = lhs − rhs, ends (0, ∞).
    AtLeast,
    /// `lo <= e <= hi`: gᵢ = e, ends (lo, hi) (an equation when lo = hi).
    Range,
}

impl ConstraintKind {
    /// The word used in reports: `equation`, `at_most`, `at_least`, `range`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Equation => "equation",
            ConstraintKind::AtMost => "at_most",
            ConstraintKind::AtLeast => "at_least",
            ConstraintKind::Range => "range",
        }
    }
}

/// A named constraint's place in the flat vectors g and λ.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstraintLayout {
    /// The constraint's name.
    pub name: String,
    /// Equation, one-sided inequality or range.
    pub kind: ConstraintKind,
    /// Shape of the equation: `[]` scalar, `[n]` vector, `[r, c]` matrix.
    pub shape: Vec<usize>,
    /// Index of its first scalar constraint in g (and λ).
    pub offset: usize,
    /// Number of scalar constraints it stands for.
    pub len: usize,
}

/// The layout of a compiled problem: variables in declaration order, then
/// constraints in declaration order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Variables in declaration order.
    pub variables: Vec<VariableLayout>,
    /// Constraints in declaration order.
    pub constraints: Vec<ConstraintLayout>,
}

impl Layout {
    /// Name of scalar element `k` of a value called `name` of `shape`:
    /// `x`, `w[2]`, `A[1][0]`.
    pub fn element_name(name: &str, shape: &[usize], k: usize) -> String {
        match shape {
            [] => name.to_string(),
            [_] => format!("{name}[{k}]"),
            [_, cols, ..] => format!("{name}[{}][{}]", k / cols, k % cols),
        }
    }

    /// Total number of scalar variables n.
    pub fn num_variables(&self) -> usize {
        self.variables.last().map_or(0, |v| v.offset + v.len)
    }

    /// Total number of scalar constraints m.
    pub fn num_constraints(&self) -> usize {
        self.constraints.last().map_or(0, |c| c.offset + c.len)
    }

    /// The layout of the variable called `name`, if any.
    pub fn variable(&self, name: &str) -> Option<&VariableLayout> {
        self.variables.iter().find(|v| v.name == name)
    }

    /// The layout of the constraint called `name`, if any.
    pub fn constraint(&self, name: &str) -> Option<&ConstraintLayout> {
        self.constraints.iter().find(|c| c.name == name)
    }
}
