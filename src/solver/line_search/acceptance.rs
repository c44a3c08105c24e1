//! The acceptance test of a line search, as a policy: what makes an
//! evaluated trial point good enough. It knows nothing of how the trials
//! are chosen (that is [`super::Backtracking`]) or evaluated (the solver).

/// Judges trial points of one line search, started from an iterate with
/// known infeasibility θ₀ and objective φ₀ (given at construction).
pub trait Acceptance {
    /// What the test remembers of earlier iterations and reads at each
    /// verdict (for the filter method, the [`super::Filter`]). The solver
    /// owns it and lends it per verdict, so that it may borrow itself
    /// mutably to evaluate the trial in between.
    type Memory: ?Sized;

    /// The smallest step length worth trying: below it the search has
    /// failed and the solver turns to feasibility restoration.
    fn min_step(&self) -> f64;

    /// Whether a trial with infeasibility `theta` and objective `phi`,
    /// standing for step length `alpha`, is acceptable. Called once per
    /// evaluated trial; an implementation may note facts about the trial it
    /// accepts (the filter method notes whether the step was f-type).
    fn accepts(&mut self, alpha: f64, theta: f64, phi: f64, memory: &Self::Memory) -> bool;
}
