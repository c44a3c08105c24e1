//! [`NamedSolution`]: a solver [`Solution`] read by variable and constraint name.

use super::layout::Layout;
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
}

impl std::ops::Deref for NamedSolution {
    type Target = Solution;

    fn deref(&self) -> &Solution {
        &self.solution
    }
}
