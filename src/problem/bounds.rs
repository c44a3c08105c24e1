//! Bounds on variables: [`Problem::lower_bound`] and [`Problem::upper_bound`],
//! resolved into flat vectors when the problem is compiled.

use super::builder::{Problem, VariableDecl};
use super::error::ProblemError;
use crate::autodiff::Tensor;
use crate::solver::NO_BOUND;

/// Numbers for the elements of a variable: one for every element, or one
/// per element.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundValues(Vec<f64>);

impl From<f64> for BoundValues {
    fn from(value: f64) -> Self {
        BoundValues(vec![value])
    }
}

impl From<Vec<f64>> for BoundValues {
    fn from(values: Vec<f64>) -> Self {
        BoundValues(values)
    }
}

impl From<&[f64]> for BoundValues {
    fn from(values: &[f64]) -> Self {
        BoundValues(values.to_vec())
    }
}

impl<const N: usize> From<[f64; N]> for BoundValues {
    fn from(values: [f64; N]) -> Self {
        BoundValues(values.to_vec())
    }
}

/// Which bound a declaration sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Lower,
    Upper,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Lower => "lower",
            Side::Upper => "upper",
        }
    }
}

/// One `lower_bound` or `upper_bound` call, checked at compile time (so the
/// builder methods stay infallible, as `constraint` is).
pub(super) struct BoundDecl {
    pub variable: Tensor,
    pub side: Side,
    pub values: Vec<f64>,
}

impl Problem {
    /// Sets the lower bound of the declared variable `variable`: one number
    /// for every element, or one per element. `-∞` (or a magnitude ≥
    /// [`NO_BOUND`]) means none; a later call replaces an earlier one.
    /// Checked by [`compile`](Self::compile): the tensor must be a variable
    /// of this problem, the length must fit, no bound may be NaN, and no
    /// lower bound may exceed its upper bound (equal bounds fix the element).
    pub fn lower_bound(&mut self, variable: &Tensor, bound: impl Into<BoundValues>) {
        self.push_bound(variable, Side::Lower, bound.into());
    }

    /// Sets the upper bound of the declared variable `variable`, as
    /// [`lower_bound`](Self::lower_bound) does the lower one.
    pub fn upper_bound(&mut self, variable: &Tensor, bound: impl Into<BoundValues>) {
        self.push_bound(variable, Side::Upper, bound.into());
    }

    fn push_bound(&mut self, variable: &Tensor, side: Side, values: BoundValues) {
        self.bounds.push(BoundDecl {
            variable: variable.clone(),
            side,
            values: values.0,
        });
    }
}

/// The flat bounds (lower, upper) of the variables, in declaration order;
/// ±∞ where there is none.
pub(super) fn resolve(
    variables: &[VariableDecl],
    bounds: &[BoundDecl],
) -> Result<(Vec<f64>, Vec<f64>), ProblemError> {
    let n: usize = variables.iter().map(|v| v.start.len()).sum();
    let mut lower = vec![f64::NEG_INFINITY; n];
    let mut upper = vec![f64::INFINITY; n];
    let offsets: Vec<usize> = variables
        .iter()
        .scan(0, |offset, v| {
            let at = *offset;
            *offset += v.start.len();
            Some(at)
        })
        .collect();
    for b in bounds {
        let Some(i) = variables.iter().position(|v| v.tensor.id == b.variable.id) else {
            return Err(ProblemError::BoundNotVariable {
                side: b.side.as_str(),
                shape: b.variable.shape().to_vec(),
            });
        };
        let v = &variables[i];
        let len = v.start.len();
        if b.values.len() != 1 && b.values.len() != len {
            return Err(ProblemError::BoundLength {
                name: v.name.clone(),
                side: b.side.as_str(),
                expected: len,
                found: b.values.len(),
            });
        }
        let target = match b.side {
            Side::Lower => &mut lower,
            Side::Upper => &mut upper,
        };
        for k in 0..len {
            let value = b.values[if b.values.len() == 1 { 0 } else { k }];
            if value.is_nan() {
                return Err(ProblemError::NanBound {
                    what: format!("variable '{}'", v.name),
                    index: k,
                });
            }
            target[offsets[i] + k] = no_bound_as_infinite(value, b.side == Side::Lower);
        }
    }
    for (v, &offset) in variables.iter().zip(&offsets) {
        for k in 0..v.start.len() {
            let (lo, hi) = (lower[offset + k], upper[offset + k]);
            if lo > hi {
                return Err(ProblemError::CrossedBounds {
                    name: v.name.clone(),
                    index: k,
                    lower: lo,
                    upper: hi,
                });
            }
        }
    }
    Ok((lower, upper))
}

/// A lower (or upper) end of magnitude ≥ [`NO_BOUND`] means none: −∞ (+∞),
/// so that comparisons of ends see no bound as no bound.
pub(super) fn no_bound_as_infinite(value: f64, lower: bool) -> f64 {
    match (value.abs() >= NO_BOUND, lower) {
        (false, _) => value,
        (true, true) => f64::NEG_INFINITY,
        (true, false) => f64::INFINITY,
    }
}
