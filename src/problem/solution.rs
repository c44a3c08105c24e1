//! [`NamedSolution`]: a solver [`Solution`] read by variable and constraint name.

use super::active::{ActiveEntry, ActiveKind};
use super::layout::{ConstraintKind, Layout};
use crate::solver::Solution;

/// A [`Solution`] together with the layout of its problem, so values and
/// multipliers can be looked up by name.
#[derive(Clone, Debug)]
pub struct NamedSolution {
    /// The solver's result (flat x and λ, status, certificate, history).
    pub solution: Solution,
    /// Where each named variable and constraint lives in x and λ.
    pub layout: Layout,
}

impl NamedSolution {
    /// The optimal value of the variable `name` (one element for a scalar).
    ///
    /// Panics if the problem has no variable of that name.
    pub fn value(&self, name: &str) -> &[f64] {
        let v = self
            .layout
            .variable(name)
            .unwrap_or_else(|| panic!("the problem has no variable named '{name}'"));
        &self.solution.x[v.offset..v.offset + v.len]
    }

    /// The multipliers of the constraint `name` (one per scalar constraint it
    /// stands for), in the convention λᵢ = d f*/d rhsᵢ.
    ///
    /// Panics if the problem has no constraint of that name.
    pub fn multiplier(&self, name: &str) -> &[f64] {
        let c = self
            .layout
            .constraint(name)
            .unwrap_or_else(|| panic!("the problem has no constraint named '{name}'"));
        &self.solution.multipliers[c.offset..c.offset + c.len]
    }

    /// The bound multipliers of the variable `name` (one per element):
    /// zⱼ = d f*/d(the active bound of xⱼ), 0 where no bound is active.
    ///
    /// Panics if the problem has no variable of that name.
    pub fn bound_multiplier(&self, name: &str) -> &[f64] {
        let v = self
            .layout
            .variable(name)
            .unwrap_or_else(|| panic!("the problem has no variable named '{name}'"));
        &self.solution.bound_multipliers[v.offset..v.offset + v.len]
    }

    /// The inequalities, ranges and bounds that hold at the returned point
    /// (by the solution's activities), constraints first, each with its
    /// multiplier. Equations, always active, are left out.
    pub fn active_set(&self) -> Vec<ActiveEntry> {
        let s = &self.solution;
        let mut out = Vec::new();
        for c in &self.layout.constraints {
            if c.kind == ConstraintKind::Equation {
                continue;
            }
            for k in 0..c.len {
                let i = c.offset + k;
                match s.constraint_activity.get(i) {
                    Some(&activity) if activity.is_active() => out.push(ActiveEntry {
                        kind: ActiveKind::Constraint,
                        name: Layout::element_name(&c.name, &c.shape, k),
                        activity,
                        multiplier: s.multipliers[i],
                    }),
                    _ => {}
                }
            }
        }
        for v in &self.layout.variables {
            for k in 0..v.len {
                let j = v.offset + k;
                match s.bound_activity.get(j) {
                    Some(&activity) if activity.is_active() => out.push(ActiveEntry {
                        kind: ActiveKind::Bound,
                        name: Layout::element_name(&v.name, &v.shape, k),
                        activity,
                        multiplier: s.bound_multipliers.get(j).copied().unwrap_or(0.0),
                    }),
                    _ => {}
                }
            }
        }
        out
    }
}

impl std::ops::Deref for NamedSolution {
    type Target = Solution;

    fn deref(&self) -> &Solution {
        &self.solution
    }
}
