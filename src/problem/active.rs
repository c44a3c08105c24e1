//! The active set of a solution in readable form: which inequalities,
//! ranges and bounds hold with equality, and their multipliers.

use std::fmt;

use crate::solver::Activity;

/// Whether an active entry is a constraint or a variable bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActiveKind {
    /// An inequality or range (multiplier λ).
    Constraint,
    /// A variable bound (multiplier z).
    Bound,
}

/// One scalar inequality, range or bound that holds at the returned point.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveEntry {
    /// Constraint or bound.
    pub kind: ActiveKind,
    /// The scalar element: `cap`, `cap[2]` (a constraint), `w[1]` (a variable).
    pub name: String,
    /// Which end holds.
    pub activity: Activity,
    /// Its multiplier, the shadow price d f*/d(the active end).
    pub multiplier: f64,
}

impl fmt::Display for ActiveEntry {
    /// `constraint cap[2] at its upper end, λ = -0.5` or
    /// `bound w[1] at its lower end, z = 2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, symbol) = match self.kind {
            ActiveKind::Constraint => ("constraint", "λ"),
            ActiveKind::Bound => ("bound", "z"),
        };
        let at = match self.activity {
            Activity::Fixed => "fixed",
            Activity::Lower => "at its lower end",
            Activity::Upper => "at its upper end",
            Activity::Inactive => "inactive",
        };
        write!(
            f,
            "{kind} {} {at}, {symbol} = {}",
            self.name, self.multiplier
        )
    }
}
