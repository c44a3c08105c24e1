//! Backtracking along a step: which trial point to evaluate next, given the
//! verdicts so far. The verdicts themselves come from an
//! [`Acceptance`] policy.

use super::Acceptance;

/// Backtracking factor.
const SHRINK: f64 = 0.5;
/// Largest number of successive second-order corrections, and the decrease
/// of θ each must achieve to try the next.
const MAX_SOC: usize = 4;
const KAPPA_SOC: f64 = 0.99;

/// A trial point the search asks the iteration to evaluate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trial {
    /// x + α d.
    Step(f64),
    /// The k-th second-order correction (k = 1, 2, …): x + s where s solves
    /// the KKT system with the constraint right-hand side replaced by the
    /// accumulated c_soc = c(x) + c(x + d) + … (IPOPT's SOC).
    SecondOrderCorrection(usize),
}

impl Trial {
    /// The step length the trial stands for (1 for a correction).
    pub fn step_length(self) -> f64 {
        match self {
            Trial::Step(alpha) => alpha,
            Trial::SecondOrderCorrection(_) => 1.0,
        }
    }
}

/// Verdict on an evaluated trial point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Acceptable: take this point.
    Accept,
    /// Try the next trial.
    Reject,
}

/// One backtracking search along a step d from an iterate with
/// infeasibility θ₀, judged by the policy `A`.
#[derive(Clone, Debug)]
pub struct Backtracking<A> {
    acceptance: A,
    theta0: f64,
    alpha: f64,
    /// The first step length tried (1, or the fraction to the boundary).
    alpha_first: f64,
    /// Whether a rejected first step may be followed by second-order
    /// corrections.
    corrections: bool,
    soc_next: Option<usize>,
    soc_theta: f64,
    /// Whether any trial point had a non-finite value or derivative.
    pub saw_non_finite: bool,
    /// Number of trial points judged.
    pub trials: usize,
}

impl<A: Acceptance> Backtracking<A> {
    /// Starts a search from an iterate with infeasibility `theta0`, at step
    /// length 1, with second-order corrections.
    pub fn with_acceptance(theta0: f64, acceptance: A) -> Self {
        Backtracking {
            acceptance,
            theta0,
            alpha: 1.0,
            alpha_first: 1.0,
            corrections: true,
            soc_next: None,
            soc_theta: f64::INFINITY,
            saw_non_finite: false,
            trials: 0,
        }
    }

    /// Starts the backtracking at `alpha_max` ≤ 1 (the fraction to the
    /// boundary of an interior-point step) instead of 1.
    pub fn with_max_step(mut self, alpha_max: f64) -> Self {
        self.alpha = alpha_max;
        self.alpha_first = alpha_max;
        self
    }

    /// Backtracks without second-order corrections (for searches whose
    /// corrections cannot be formed; today only the tests use it).
    #[cfg(test)]
    pub fn without_corrections(mut self) -> Self {
        self.corrections = false;
        self
    }

    /// The search with its policy replaced by `f(policy)` (for the
    /// policy's own builder methods).
    pub fn map_acceptance(mut self, f: impl FnOnce(A) -> A) -> Self {
        self.acceptance = f(self.acceptance);
        self
    }

    /// The policy judging this search's trials.
    pub fn acceptance(&self) -> &A {
        &self.acceptance
    }

    /// The next trial to evaluate, or None when α fell below the policy's
    /// smallest step (the search failed: restoration is needed).
    pub fn next_trial(&mut self) -> Option<Trial> {
        if let Some(k) = self.soc_next.take() {
            return Some(Trial::SecondOrderCorrection(k));
        }
        (self.alpha >= self.acceptance.min_step()).then_some(Trial::Step(self.alpha))
    }

    /// Judges a trial from its (θ, φ) (None: not finite), with the policy's
    /// memory (for the filter method, the filter).
    pub fn judge(
        &mut self,
        trial: Trial,
        values: Option<(f64, f64)>,
        memory: &A::Memory,
    ) -> Verdict {
        self.trials += 1;
        let Some((theta, phi)) = values else {
            self.reject_non_finite(trial);
            return Verdict::Reject;
        };
        // A correction is judged as the first step it corrects.
        let alpha = match trial {
            Trial::Step(alpha) => alpha,
            Trial::SecondOrderCorrection(_) => self.alpha_first,
        };
        if self.acceptance.accepts(alpha, theta, phi, memory) {
            return Verdict::Accept;
        }
        match trial {
            // The full step was rejected while raising the infeasibility:
            // the Maratos effect is likely; try second-order corrections.
            Trial::Step(a) if self.corrections && a == self.alpha_first && theta >= self.theta0 => {
                self.soc_theta = theta;
                self.soc_next = Some(1);
            }
            Trial::Step(_) => self.alpha *= SHRINK,
            Trial::SecondOrderCorrection(k) => {
                if k < MAX_SOC && theta <= KAPPA_SOC * self.soc_theta {
                    self.soc_theta = theta;
                    self.soc_next = Some(k + 1);
                } else {
                    self.alpha = SHRINK * self.alpha_first;
                }
            }
        }
        Verdict::Reject
    }

    /// Rejects a trial whose values or derivatives are not finite.
    pub fn reject_non_finite(&mut self, trial: Trial) {
        self.saw_non_finite = true;
        match trial {
            Trial::Step(_) => self.alpha *= SHRINK,
            Trial::SecondOrderCorrection(_) => self.alpha = SHRINK * self.alpha_first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy without memory: plain decrease of θ + φ, steps down to 1/8.
    struct Decrease(f64);

    impl Acceptance for Decrease {
        type Memory = ();
        fn min_step(&self) -> f64 {
            0.125
        }
        fn accepts(&mut self, _alpha: f64, theta: f64, phi: f64, _: &()) -> bool {
            theta + phi < self.0
        }
    }

    /// The search runs with any policy: here one that is not a filter.
    #[test]
    fn another_policy_needs_no_change_of_the_search() {
        let mut ls = Backtracking::with_acceptance(1.0, Decrease(1.0)).without_corrections();
        assert_eq!(ls.next_trial(), Some(Trial::Step(1.0)));
        assert_eq!(
            ls.judge(Trial::Step(1.0), Some((2.0, 0.0)), &()),
            Verdict::Reject
        );
        assert_eq!(ls.next_trial(), Some(Trial::Step(0.5)));
        assert_eq!(
            ls.judge(Trial::Step(0.5), Some((0.5, 0.0)), &()),
            Verdict::Accept
        );
        // A first step that raises θ is followed by a correction; a
        // correction that does not reduce θ enough goes back to halving.
        let mut ls = Backtracking::with_acceptance(0.5, Decrease(0.0)).with_max_step(0.5);
        let mut tried = Vec::new();
        while let Some(trial) = ls.next_trial() {
            tried.push(trial);
            ls.judge(trial, Some((0.5, 0.5)), &());
        }
        let expected = [
            Trial::Step(0.5),
            Trial::SecondOrderCorrection(1),
            Trial::Step(0.25),
            Trial::Step(0.125),
        ];
        assert_eq!(tried, expected);
        assert_eq!(ls.trials, 4);
    }
}
