//! The functions and constants that expressions may use.

/// A function callable in an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// Elementwise sine.
    Sin,
    /// Elementwise cosine.
    Cos,
    /// Elementwise tangent.
    Tan,
    /// Elementwise exponential.
    Exp,
    /// Elementwise natural logarithm.
    Log,
    /// Elementwise square root.
    Sqrt,
    /// Elementwise hyperbolic tangent.
    Tanh,
    /// Elementwise absolute value.
    Abs,
    /// Sum of all elements.
    Sum,
    /// Inner product of two values of one shape.
    Dot,
    /// Euclidean (Frobenius) norm.
    Norm,
    /// `pow(a, b)`, the same as `a ^ b`.
    Pow,
}

/// Every function: its name and itself.
pub const FUNCTIONS: [(&str, Function); 12] = [
    ("sin", Function::Sin),
    ("cos", Function::Cos),
    ("tan", Function::Tan),
    ("exp", Function::Exp),
    ("log", Function::Log),
    ("sqrt", Function::Sqrt),
    ("tanh", Function::Tanh),
    ("abs", Function::Abs),
    ("sum", Function::Sum),
    ("dot", Function::Dot),
    ("norm", Function::Norm),
    ("pow", Function::Pow),
];

/// The named constants: `pi` and `e`.
pub const CONSTANTS: [(&str, f64); 2] = [("pi", std::f64::consts::PI), ("e", std::f64::consts::E)];

impl Function {
    /// The function called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Function> {
        FUNCTIONS.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// Its name in expressions.
    pub fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }

    /// How many arguments it takes.
    pub fn arity(self) -> usize {
        match self {
            Function::Dot | Function::Pow => 2,
            _ => 1,
        }
    }

    /// The elementwise map it applies, for the one-argument elementwise functions.
    pub fn elementwise(self) -> Option<Elementwise> {
        Some(match self {
            Function::Sin => Elementwise::Sin,
            Function::Cos => Elementwise::Cos,
            Function::Tan => Elementwise::Tan,
            Function::Exp => Elementwise::Exp,
            Function::Log => Elementwise::Log,
            Function::Sqrt => Elementwise::Sqrt,
            Function::Tanh => Elementwise::Tanh,
            Function::Abs => Elementwise::Abs,
            _ => return None,
        })
    }
}

/// A one-argument function applied to every element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Elementwise {
    /// sin
    Sin,
    /// cos
    Cos,
    /// tan
    Tan,
    /// exp
    Exp,
    /// natural log
    Log,
    /// square root
    Sqrt,
    /// tanh
    Tanh,
    /// absolute value
    Abs,
}

impl Elementwise {
    /// Its value at `v`.
    pub fn apply(self, v: f64) -> f64 {
        match self {
            Elementwise::Sin => v.sin(),
            Elementwise::Cos => v.cos(),
            Elementwise::Tan => v.tan(),
            Elementwise::Exp => v.exp(),
            Elementwise::Log => v.ln(),
            Elementwise::Sqrt => v.sqrt(),
            Elementwise::Tanh => v.tanh(),
            Elementwise::Abs => v.abs(),
        }
    }
}

/// Whether `name` is reserved (a function or a constant) and so cannot name
/// a variable or parameter.
pub fn is_reserved(name: &str) -> bool {
    Function::from_name(name).is_some() || CONSTANTS.iter().any(|(n, _)| *n == name)
}
