//! Evaluations of W, the Hessian of the scaled Lagrangian, and the record
//! of what the stored W was evaluated at (the classification reuses it when
//! it is exactly the Hessian it needs).

use std::time::Instant;

use super::{Newton, NlpProblem};

impl Newton {
    /// W at the current point with the current y; whether it is finite.
    pub(super) fn evaluate_hessian<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> bool {
        let factor = self.hessian_weights(Weights::Current);
        let x = &self.points.current.x;
        let weights = &self.work.hessian_weights;
        let hessian = &mut self.model.hessian;
        let finite = self
            .clock
            .evaluations
            .hessian(problem, x, factor, weights, hessian);
        self.model.hessian_args.set(x, factor, weights, finite);
        finite
    }

    /// ∇f, J and then W (with the trial y) at the trial point, timed as one
    /// evaluation with its values (interval opened at `since`); whether all
    /// are finite, and the clock read that ended the evaluation.
    pub(super) fn evaluate_trial_derivatives<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        since: Instant,
    ) -> (bool, Instant) {
        let factor = self.hessian_weights(Weights::Trial);
        let weights = &self.work.hessian_weights;
        let (finite, end) = self.clock.evaluations.derivatives_and_hessian(
            problem,
            &mut self.points.trial,
            factor,
            weights,
            &mut self.model.hessian,
            since,
        );
        // Derivatives that are not finite leave the Hessian unevaluated:
        // invalid either way.
        let x = &self.points.trial.x;
        self.model.hessian_args.set(x, factor, weights, finite);
        (finite, end)
    }

    /// Sets the weights w = diag(s) y (current or trial y) of the problem's
    /// Hessian and returns the objective's factor σ s_f: then the problem's
    /// ∇²(σ s_f f − Σ wᵢ gᵢ) is W of the scaled problem.
    fn hessian_weights(&mut self, which: Weights) -> f64 {
        let y = match which {
            Weights::Current => &self.multipliers.y,
            Weights::Trial => &self.multipliers.trial,
        };
        let scaling = &self.points.scaling;
        for ((w, y), s) in self
            .work
            .hessian_weights
            .iter_mut()
            .zip(y)
            .zip(&scaling.constraints)
        {
            *w = s * y;
        }
        scaling.sense * scaling.objective
    }
}

/// Which multipliers weigh the constraints' Hessians.
#[derive(Clone, Copy)]
enum Weights {
    Current,
    Trial,
}

/// The arguments of the last evaluation of the solver's Hessian storage,
/// so that a later use can tell whether it holds the Hessian it needs.
#[derive(Debug, Default)]
pub(super) struct HessianArgs {
    x: Vec<f64>,
    objective_factor: f64,
    weights: Vec<f64>,
    /// False before the first evaluation and after one that was not finite.
    valid: bool,
}

impl HessianArgs {
    /// Storage for n variables and m constraints, no evaluation recorded.
    pub(super) fn new(n: usize, m: usize) -> Self {
        HessianArgs {
            x: vec![0.0; n],
            objective_factor: 0.0,
            weights: vec![0.0; m],
            valid: false,
        }
    }

    /// Records an evaluation (copies into the storage sized at allocation).
    fn set(&mut self, x: &[f64], objective_factor: f64, weights: &[f64], finite: bool) {
        self.x.copy_from_slice(x);
        self.objective_factor = objective_factor;
        self.weights.copy_from_slice(weights);
        self.valid = finite;
    }

    /// Whether the last evaluation was finite and had exactly these
    /// arguments (bit for bit: the same call gives the same matrix).
    pub(super) fn are(&self, x: &[f64], objective_factor: f64, weights: &[f64]) -> bool {
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
        };
        self.valid
            && self.objective_factor.to_bits() == objective_factor.to_bits()
            && same(&self.x, x)
            && same(&self.weights, weights)
    }
}
