//! Taking an accepted point: it becomes the current iterate, and the local
//! model moves with it.

use super::Newton;

impl Newton {
    /// Swaps the trial point and its multipliers in (W was evaluated with
    /// the trial's derivatives), counts the step and updates ∇φ and J_c.
    pub(super) fn accept_trial(&mut self) {
        let multipliers = &mut self.multipliers;
        std::mem::swap(&mut multipliers.y, &mut multipliers.trial);
        self.accept_point();
    }

    /// Swaps the trial point in, multipliers unchanged (restoration),
    /// counts the step and updates ∇φ and J_c.
    pub(super) fn accept_point(&mut self) {
        let points = &mut self.points;
        std::mem::swap(&mut points.current, &mut points.trial);
        self.progress.iteration += 1;
        self.model.update(&points.current, &points.scaling);
    }
}
