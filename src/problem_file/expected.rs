//! Comparing a solution with a problem's `expected` answer.

use std::fmt;

use super::definition::{Definition, Expected};

/// One compared number that is off by more than the tolerance.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// What was compared: `objective`, `x.w[2]`, `multipliers[1][0]` (with the constraint name).
    pub what: String,
    /// The value found.
    pub found: f64,
    /// The value expected.
    pub expected: f64,
    /// The allowed error: tolerance · max(1, |expected|).
    pub allowed: f64,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {} but expected {} (error {:.3e} > {:.3e})",
            self.what,
            self.found,
            self.expected,
            (self.found - self.expected).abs(),
            self.allowed
        )
    }
}

impl Mismatch {
    /// The mismatch of `found` against `expected` at `tolerance`, if any.
    fn check(
        what: impl FnOnce() -> String,
        found: f64,
        expected: f64,
        tolerance: f64,
    ) -> Option<Self> {
        (!within(found, expected, tolerance)).then(|| Mismatch {
            what: what(),
            found,
            expected,
            allowed: tolerance * expected.abs().max(1.0),
        })
    }
}

/// Whether `found` is within `tolerance` of `expected`, absolutely or
/// relatively to its size, whichever is larger. Non-finite values never match.
pub fn within(found: f64, expected: f64, tolerance: f64) -> bool {
    found.is_finite() && (found - expected).abs() <= tolerance * expected.abs().max(1.0)
}

/// Compare a solution (flat `x` and `multipliers` as in [`Definition`]'s
/// layout, and the objective) with `expected`; every number off by more
/// than the tolerance is returned, in file order.
pub fn compare(
    definition: &Definition,
    expected: &Expected,
    objective: f64,
    x: &[f64],
    multipliers: &[f64],
) -> Vec<Mismatch> {
    let tol = expected.tolerance;
    let mut out = Vec::new();
    let mut push = |what: String, found: f64, exp: f64| {
        out.extend(Mismatch::check(|| what, found, exp, tol));
    };
    if let Some(exp) = expected.objective {
        push("objective".to_string(), objective, exp);
    }
    for (index, value) in &expected.x {
        let v = &definition.variables[*index];
        for (k, &exp) in value.data.iter().enumerate() {
            let what = if value.data.len() == 1 && v.shape.numel() == 1 && v.shape.dims().is_empty()
            {
                format!("x.{}", v.name)
            } else {
                format!("x.{}[{k}]", v.name)
            };
            push(what, x[v.offset + k], exp);
        }
    }
    if let Some(values) = &expected.multipliers {
        for (k, (value, c)) in values.iter().zip(&definition.constraints).enumerate() {
            let cols = match c.shape {
                super::shape::Shape::Matrix(_, cols) => cols,
                _ => 0,
            };
            for (i, &exp) in value.data.iter().enumerate() {
                let what = match c.shape {
                    super::shape::Shape::Scalar => format!("multipliers[{k}] ('{}')", c.name),
                    super::shape::Shape::Vector(_) => {
                        format!("multipliers[{k}][{i}] ('{}')", c.name)
                    }
                    super::shape::Shape::Matrix(..) => {
                        format!(
                            "multipliers[{k}][{}][{}] ('{}')",
                            i / cols,
                            i % cols,
                            c.name
                        )
                    }
                };
                push(what, multipliers[c.offset + i], exp);
            }
        }
    }
    out
}

/// Compare bound multipliers z (flat, in [`Definition`]'s layout) with
/// `expected.bound_multipliers`; every number off by more than the
/// tolerance is returned, in file order.
pub fn compare_bound_multipliers(
    definition: &Definition,
    expected: &Expected,
    bound_multipliers: &[f64],
) -> Vec<Mismatch> {
    let tol = expected.tolerance;
    let mut out = Vec::new();
    for (index, value) in &expected.bound_multipliers {
        let v = &definition.variables[*index];
        for (k, &exp) in value.data.iter().enumerate() {
            let what = || match v.shape {
                super::shape::Shape::Scalar => format!("bound_multipliers.{}", v.name),
                _ => format!("bound_multipliers.{}[{k}]", v.name),
            };
            out.extend(Mismatch::check(
                what,
                bound_multipliers[v.offset + k],
                exp,
                tol,
            ));
        }
    }
    out
}
