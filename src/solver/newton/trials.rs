//! The line search along the Newton step: forms the trial points the
//! filter search asks for, evaluates them, and hands their (θ, φ) to the
//! search's acceptance policy. A trial is taken only when its derivatives
//! and Hessian are finite too.

use std::time::Instant;

use super::{Newton, NlpProblem, Status, Stop};
use crate::solver::line_search::{FilterSearch, Trial, Verdict};
use crate::solver::timers::Phase;
use crate::solver::vector::{add_scaled, all_finite, dot, inf_norm};

/// How a line search ended.
pub(super) enum Search {
    /// A trial point with step length α was accepted; its values,
    /// derivatives, Hessian and multipliers are in the trial slots.
    Accepted(f64),
    /// No step is acceptable: feasibility restoration is needed.
    Exhausted,
    /// The problem could not be evaluated along the step.
    Failed(Stop),
}

impl Newton {
    /// The filter line search along d, its interval opened at `opened`;
    /// augments the filter with the current iterate unless the accepted
    /// step was f-type.
    pub(super) fn line_search<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        opened: Instant,
    ) -> Search {
        let (n, _) = self.points.dimensions();
        let evaluation_before = self.clock.evaluations.time;
        let current = &self.points.current;
        let slope = dot(&self.model.grad_phi, &self.work.step);
        let theta0 = self.points.scaling.c_l1(&current.constraints);
        let phi0 = self.points.scaling.phi(current.objective);
        // A step below rounding of x is taken as it is: no trial would
        // tell its measures apart from those of x.
        let tiny = inf_norm(&self.work.step) <= 10.0 * f64::EPSILON * inf_norm(&current.x).max(1.0);
        let mut search = FilterSearch::new(theta0, phi0, slope).with_noise_terms(n);
        let mut accepted = None;
        // The clock read ending the search when a trial is accepted (that
        // of its evaluation: nothing but the loop's exit follows).
        let mut ended = None;
        while let Some(trial) = search.next_trial() {
            if !self.form_trial_point(trial) {
                search.reject_non_finite(trial);
                continue;
            }
            // The values' timing interval stays open: the derivatives of an
            // accepted trial close it, a rejection closes it here.
            let (finite, values_opened) = self
                .clock
                .evaluations
                .values_open(problem, &mut self.points.trial);
            let values = finite.then(|| {
                let scaling = &self.points.scaling;
                let trial = &self.points.trial;
                (
                    scaling.c_l1(&trial.constraints),
                    scaling.phi(trial.objective),
                )
            });
            let verdict = if tiny && values.is_some() {
                Verdict::Accept
            } else {
                search.judge(trial, values, &self.memory.filter)
            };
            if verdict == Verdict::Reject {
                self.clock.evaluations.close_interval(values_opened);
                continue;
            }
            let alpha = trial.step_length();
            self.trial_multipliers(alpha);
            let (finite, end) = self.evaluate_trial_derivatives(problem, values_opened);
            if finite {
                accepted = Some(alpha);
                ended = Some(end);
                break;
            }
            search.reject_non_finite(trial);
        }
        let ended = ended.unwrap_or_else(Instant::now);
        let evaluation = self.clock.evaluations.time - evaluation_before;
        self.clock
            .timers
            .add_interval(Phase::LineSearch, opened, ended, evaluation);
        match accepted {
            Some(alpha) => {
                if search.augments_filter() {
                    self.memory.filter.augment(theta0, phi0);
                }
                Search::Accepted(alpha)
            }
            None if search.saw_non_finite => {
                let msg = "f, g or a derivative is not finite at every trial point along the \
                           Newton step, even after backtracking";
                Search::Failed(Stop::new(Status::EvaluationError, msg))
            }
            None => {
                self.memory.filter.augment(theta0, phi0);
                Search::Exhausted
            }
        }
    }

    /// Writes the trial point's x; false if it is not finite.
    fn form_trial_point(&mut self, trial: Trial) -> bool {
        match trial {
            Trial::Step(alpha) => {
                let points = &mut self.points;
                add_scaled(
                    &mut points.trial.x,
                    &points.current.x,
                    alpha,
                    &self.work.step,
                );
            }
            Trial::SecondOrderCorrection(k) => {
                if !self.correction_direction(k) {
                    return false;
                }
            }
        }
        all_finite(&self.points.trial.x)
    }

    /// The trial multipliers y + α (y⁺ − y).
    fn trial_multipliers(&mut self, alpha: f64) {
        let multipliers = &mut self.multipliers;
        for ((t, y), newton) in multipliers
            .trial
            .iter_mut()
            .zip(&multipliers.y)
            .zip(&multipliers.newton)
        {
            *t = y + alpha * (newton - y);
        }
    }
}
