//! The functions and constants that expressions may use.
//!
//! The elementwise functions are the engine's op table
//! ([`Elementwise`]), by their table names:
//! a function added there is callable in problem files with no change here.

pub use crate::autodiff::Elementwise;

/// A function callable in an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// A one-argument function of the op table applied to every element
    /// (`sin`, `log1p`, `sigmoid`, ...).
    Elementwise(Elementwise),
    /// Sum of all elements.
    Sum,
    /// Inner product of two values of one shape.
    Dot,
    /// Euclidean (Frobenius) norm.
    Norm,
    /// `pow(a, b)`, the same as `a ^ b`.
    Pow,
}

/// The functions that are not elementwise: their names and themselves.
const REDUCTIONS: [(&str, Function); 4] = [
    ("sum", Function::Sum),
    ("dot", Function::Dot),
    ("norm", Function::Norm),
    ("pow", Function::Pow),
];

/// Every function: its name and itself (the elementwise functions of the op
/// table first, in table order).
pub const FUNCTIONS: [(&str, Function); Elementwise::ALL.len() + REDUCTIONS.len()] = {
    let mut all = [REDUCTIONS[0]; Elementwise::ALL.len() + REDUCTIONS.len()];
    let mut i = 0;
    while i < Elementwise::ALL.len() {
        let e = Elementwise::ALL[i];
        all[i] = (e.name(), Function::Elementwise(e));
        i += 1;
    }
    let mut j = 0;
    while j < REDUCTIONS.len() {
        all[i + j] = REDUCTIONS[j];
        j += 1;
    }
    all
};

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
        match self {
            Function::Elementwise(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether `name` is reserved (a function or a constant) and so cannot name
/// a variable or parameter.
pub fn is_reserved(name: &str) -> bool {
    Function::from_name(name).is_some() || CONSTANTS.iter().any(|(n, _)| *n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_function_is_callable_and_reserved() {
        for &e in Elementwise::ALL {
            let f = Function::from_name(e.name()).unwrap();
            assert_eq!(f.elementwise(), Some(e));
            assert_eq!(f.name(), e.name());
            assert!(is_reserved(e.name()));
        }
        for name in ["log1p", "expm1", "atan", "sigmoid", "sum", "pi"] {
            assert!(is_reserved(name), "{name}");
        }
        assert_eq!(Function::from_name("dot").map(Function::arity), Some(2));
    }
}
