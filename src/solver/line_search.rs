//! Globalization: backtracking line search on the ℓ1 exact-penalty merit
//! function φ_ν(x) = φ(x) + ν‖c(x)‖₁, with a second-order correction against
//! the Maratos effect (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
//! Algorithm 18.3 and §15.6).
//!
//! This module holds the rules only (penalty update, sufficient decrease,
//! when to try the correction, when to give up); the Newton iteration
//! evaluates the trial points it asks for.

/// Armijo constant η of the sufficient-decrease test.
const ETA: f64 = 1e-4;
/// ρ of the penalty rule (N&W 18.36).
const RHO: f64 = 0.1;
/// Backtracking factor.
const SHRINK: f64 = 0.5;
/// Smallest step length tried before the search fails.
const ALPHA_MIN: f64 = 1e-12;

/// The ℓ1 merit function and its penalty parameter ν (kept across
/// iterations; it never decreases).
#[derive(Clone, Debug)]
pub struct Merit {
    penalty: f64,
}

impl Default for Merit {
    fn default() -> Self {
        Merit::new()
    }
}

impl Merit {
    /// ν = 0 until the first step asks for more.
    pub fn new() -> Self {
        Merit { penalty: 0.0 }
    }

    /// The current penalty parameter ν.
    pub fn penalty(&self) -> f64 {
        self.penalty
    }

    /// Raises ν so that the Newton step d is a descent direction of the merit
    /// function with D(φ_ν; d) ≤ −ρ ν ‖c‖₁ (N&W 18.36):
    /// ν ≥ (∇φᵀd + ½ max(dᵀWd, 0)) / ((1 − ρ) ‖c‖₁).
    pub fn update_penalty(&mut self, grad_phi_dot_d: f64, d_w_d: f64, c_l1: f64) {
        if c_l1 <= 0.0 {
            return;
        }
        let required = (grad_phi_dot_d + 0.5 * d_w_d.max(0.0)) / ((1.0 - RHO) * c_l1);
        if required.is_finite() && self.penalty < required {
            self.penalty = 1.1 * required;
        }
    }

    /// φ_ν = φ + ν‖c‖₁.
    pub fn value(&self, phi: f64, c_l1: f64) -> f64 {
        phi + self.penalty * c_l1
    }

    /// Directional derivative D(φ_ν; d) = ∇φᵀd − ν‖c‖₁ along a step with J d = −c.
    pub fn directional_derivative(&self, grad_phi_dot_d: f64, c_l1: f64) -> f64 {
        grad_phi_dot_d - self.penalty * c_l1
    }
}

/// A trial point the search asks the iteration to evaluate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trial {
    /// x + α d.
    Step(f64),
    /// x + d + d̂, d̂ the second-order correction for c(x + d).
    SecondOrderCorrection,
}

/// Verdict on an evaluated trial point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Sufficient decrease: take this point.
    Accept,
    /// Try the next trial.
    Reject,
}

/// One backtracking search along a Newton step.
#[derive(Clone, Debug)]
pub struct Backtracking {
    merit0: f64,
    c_l1_0: f64,
    slope: f64,
    alpha: f64,
    soc_pending: bool,
    soc_tried: bool,
    /// Whether any trial point had a non-finite value or derivative.
    pub saw_non_finite: bool,
    /// Number of trial points judged.
    pub trials: usize,
}

impl Backtracking {
    /// Starts a search from merit value `merit0` (with ‖c‖₁ = `c_l1_0`) along
    /// a direction of slope `slope` = D(φ_ν; d) < 0.
    pub fn new(merit0: f64, c_l1_0: f64, slope: f64) -> Self {
        Backtracking {
            merit0,
            c_l1_0,
            slope,
            alpha: 1.0,
            soc_pending: false,
            soc_tried: false,
            saw_non_finite: false,
            trials: 0,
        }
    }

    /// The next trial to evaluate, or None when the step length fell below
    /// its minimum (the search failed).
    pub fn next_trial(&mut self) -> Option<Trial> {
        if self.soc_pending {
            self.soc_pending = false;
            return Some(Trial::SecondOrderCorrection);
        }
        (self.alpha >= ALPHA_MIN).then_some(Trial::Step(self.alpha))
    }

    /// The step length a trial stands for (1 for the correction).
    pub fn step_length(trial: Trial) -> f64 {
        match trial {
            Trial::Step(alpha) => alpha,
            Trial::SecondOrderCorrection => 1.0,
        }
    }

    /// Judges a trial from its merit value and ‖c‖₁ (None: not finite).
    pub fn judge(&mut self, trial: Trial, values: Option<(f64, f64)>) -> Verdict {
        self.trials += 1;
        let alpha = Self::step_length(trial);
        let Some((merit, c_l1)) = values else {
            self.reject_non_finite(trial);
            return Verdict::Reject;
        };
        // Sufficient decrease, relaxed by the rounding error of the merit value.
        let noise = 10.0 * f64::EPSILON * self.merit0.abs();
        if merit <= self.merit0 + ETA * alpha * self.slope + noise {
            return Verdict::Accept;
        }
        match trial {
            // The full step was rejected while it raised the infeasibility:
            // the Maratos effect is likely; try the second-order correction.
            Trial::Step(a) if a == 1.0 && !self.soc_tried && c_l1 >= self.c_l1_0 => {
                self.soc_tried = true;
                self.soc_pending = true;
            }
            Trial::Step(_) => self.alpha *= SHRINK,
            Trial::SecondOrderCorrection => self.alpha = SHRINK,
        }
        Verdict::Reject
    }

    /// Rejects an accepted trial after its derivatives turned out not finite.
    pub fn reject_non_finite(&mut self, trial: Trial) {
        self.saw_non_finite = true;
        match trial {
            Trial::Step(_) => self.alpha *= SHRINK,
            Trial::SecondOrderCorrection => self.alpha = SHRINK,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_makes_step_a_descent_direction() {
        let mut merit = Merit::new();
        // ∇φᵀd = 3 > 0 but ‖c‖₁ = 2: ν must exceed 3 / 1.8.
        merit.update_penalty(3.0, 0.0, 2.0);
        assert!(merit.penalty() > 3.0 / 1.8);
        assert!(merit.directional_derivative(3.0, 2.0) < 0.0);
    }

    #[test]
    fn backtracks_then_tries_correction_then_fails() {
        let mut ls = Backtracking::new(1.0, 1.0, -1.0);
        assert_eq!(ls.next_trial(), Some(Trial::Step(1.0)));
        assert_eq!(ls.judge(Trial::Step(1.0), Some((2.0, 2.0))), Verdict::Reject);
        assert_eq!(ls.next_trial(), Some(Trial::SecondOrderCorrection));
        assert_eq!(
            ls.judge(Trial::SecondOrderCorrection, Some((2.0, 2.0))),
            Verdict::Reject
        );
        assert_eq!(ls.next_trial(), Some(Trial::Step(0.5)));
        assert_eq!(ls.judge(Trial::Step(0.5), Some((0.9, 0.5))), Verdict::Accept);
        let mut ls = Backtracking::new(1.0, 0.0, -1.0);
        let mut count = 0;
        while let Some(t) = ls.next_trial() {
            ls.judge(t, None);
            count += 1;
        }
        assert!(ls.saw_non_finite);
        assert!(count > 30);
    }
}
