//! Globalization: the filter line search of Wächter & Biegler (*On the
//! implementation of an interior-point filter line-search algorithm for
//! large-scale nonlinear programming*, Math. Prog. 106, 2006, §2.3–2.5),
//! specialised to equality constraints (no barrier term), with second-order
//! corrections against the Maratos effect.
//!
//! A trial point is judged on two measures, the infeasibility θ = ‖c‖₁ and
//! the objective φ (both of the scaled problem): it must not be dominated by
//! an entry of the filter, and it must decrease φ (Armijo, when the step is
//! "f-type": the iterate is nearly feasible and the step promises enough
//! decrease of φ) or θ or φ by a margin proportional to θ. This module holds
//! the rules; the Newton iteration evaluates the trial points it asks for.

/// γ_θ, γ_φ: margins of the sufficient-decrease tests and filter entries.
const GAMMA_THETA: f64 = 1e-5;
const GAMMA_PHI: f64 = 1e-8;
/// Switching condition α(−∇φᵀd)^s_φ > δ θ^s_θ.
const DELTA_SWITCH: f64 = 1.0;
const S_THETA: f64 = 1.1;
const S_PHI: f64 = 2.3;
/// Armijo constant η_φ.
const ETA_PHI: f64 = 1e-8;
/// Safety factor γ_α of the minimum step length.
const GAMMA_ALPHA: f64 = 0.05;
/// Absolute floor of the minimum step length.
const ALPHA_FLOOR: f64 = 1e-14;
/// Backtracking factor.
const SHRINK: f64 = 0.5;
/// Largest number of successive second-order corrections, and the decrease
/// of θ each must achieve to try the next.
const MAX_SOC: usize = 4;
const KAPPA_SOC: f64 = 0.99;

/// The filter: (θ, φ) pairs that future iterates must not be dominated by,
/// with the bounds θ_max (never exceeded) and θ_min (below it, f-type steps
/// are allowed).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    entries: Vec<(f64, f64)>,
    theta_max: f64,
    theta_min: f64,
}

impl Filter {
    /// An empty filter for a run whose start has infeasibility `theta0`;
    /// room for `capacity` entries is reserved.
    pub fn new(theta0: f64, capacity: usize) -> Self {
        let scale = theta0.max(1.0);
        Filter {
            entries: Vec::with_capacity(capacity),
            theta_max: 1e4 * scale,
            theta_min: 1e-4 * scale,
        }
    }

    /// max(1, θ₀), the infeasibility scale of the run (θ_min and θ_max are
    /// 1e-4 and 1e4 times it).
    pub fn scale(&self) -> f64 {
        1e4 * self.theta_min
    }

    /// Whether (θ, φ) is acceptable: below θ_max and not dominated.
    pub fn acceptable(&self, theta: f64, phi: f64) -> bool {
        theta <= self.theta_max && self.entries.iter().all(|&(t, p)| theta < t || phi < p)
    }

    /// Adds the entry ((1 − γ_θ) θ, φ − γ_φ θ) for an iterate (θ, φ), and
    /// drops the entries it dominates.
    pub fn augment(&mut self, theta: f64, phi: f64) {
        let entry = ((1.0 - GAMMA_THETA) * theta, phi - GAMMA_PHI * theta);
        self.entries.retain(|&(t, p)| t < entry.0 || p < entry.1);
        self.entries.push(entry);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the filter has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

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

/// One backtracking filter search along a Newton step d from an iterate
/// with infeasibility θ₀, objective φ₀ and slope ∇φᵀd.
#[derive(Clone, Debug)]
pub struct FilterSearch {
    theta0: f64,
    phi0: f64,
    slope: f64,
    /// (−slope)^s_φ and δ θ₀^s_θ, the sides of the switching condition
    /// without α (when slope < 0): computed once per search rather than
    /// two `powf` per trial.
    switch_slope: f64,
    switch_theta: f64,
    alpha: f64,
    /// The first step length tried (1, or the fraction to the boundary).
    alpha_first: f64,
    alpha_min: f64,
    /// Whether a rejected first step may be followed by second-order
    /// corrections.
    corrections: bool,
    soc_next: Option<usize>,
    soc_theta: f64,
    /// Whether any trial point had a non-finite value or derivative.
    pub saw_non_finite: bool,
    /// Number of trial points judged.
    pub trials: usize,
    /// Whether the accepted trial was f-type with Armijo decrease (then
    /// the filter is not augmented).
    accepted_f_type: bool,
    /// Rounding noise allowed in comparisons of φ.
    noise: f64,
}

impl FilterSearch {
    /// Starts a search; `slope` is ∇φᵀd.
    pub fn new(theta0: f64, phi0: f64, slope: f64) -> Self {
        let (switch_slope, switch_theta) = if slope < 0.0 {
            ((-slope).powf(S_PHI), DELTA_SWITCH * theta0.powf(S_THETA))
        } else {
            (0.0, 0.0)
        };
        let alpha_min = if slope < 0.0 {
            let t = GAMMA_THETA
                .min(GAMMA_PHI * theta0 / -slope)
                .min(switch_theta / switch_slope);
            GAMMA_ALPHA * t
        } else {
            GAMMA_ALPHA * GAMMA_THETA
        };
        FilterSearch {
            theta0,
            phi0,
            slope,
            switch_slope,
            switch_theta,
            alpha: 1.0,
            alpha_first: 1.0,
            alpha_min: alpha_min.max(ALPHA_FLOOR),
            corrections: true,
            soc_next: None,
            soc_theta: f64::INFINITY,
            saw_non_finite: false,
            trials: 0,
            accepted_f_type: false,
            noise: 10.0 * f64::EPSILON * phi0.abs(),
        }
    }

    /// Allows for the rounding noise of an objective summed over `terms`
    /// terms (typically n): comparisons of φ tolerate 10 ε |φ₀| √terms
    /// instead of 10 ε |φ₀|. Near a solution of a large problem the
    /// decrease a Newton step promises falls below the rounding error of
    /// evaluating φ itself, which grows like the square root of the number
    /// of terms; without this allowance the search backtracks on noise.
    pub fn with_noise_terms(mut self, terms: usize) -> Self {
        self.noise = 10.0 * f64::EPSILON * self.phi0.abs() * (terms.max(1) as f64).sqrt();
        self
    }

    /// Starts the backtracking at `alpha_max` ≤ 1 (the fraction to the
    /// boundary of an interior-point step) instead of 1.
    pub fn with_max_step(mut self, alpha_max: f64) -> Self {
        self.alpha = alpha_max;
        self.alpha_first = alpha_max;
        self
    }

    /// Backtracks without second-order corrections.
    pub fn without_corrections(mut self) -> Self {
        self.corrections = false;
        self
    }

    /// The next trial to evaluate, or None when α fell below α_min (the
    /// search failed: restoration is needed).
    pub fn next_trial(&mut self) -> Option<Trial> {
        if let Some(k) = self.soc_next.take() {
            return Some(Trial::SecondOrderCorrection(k));
        }
        (self.alpha >= self.alpha_min).then_some(Trial::Step(self.alpha))
    }

    /// Whether the step is f-type at length α: it promises a decrease of φ
    /// that dominates the infeasibility (switching condition), near feasibility.
    fn f_type(&self, alpha: f64) -> bool {
        self.slope < 0.0 && alpha * self.switch_slope > self.switch_theta
    }

    /// Judges a trial from its (θ, φ) (None: not finite).
    pub fn judge(&mut self, trial: Trial, values: Option<(f64, f64)>, filter: &Filter) -> Verdict {
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
        let noise = self.noise;
        let f_type = self.f_type(alpha) && self.theta0 <= filter.theta_min;
        let accept = filter.acceptable(theta, phi)
            && if f_type {
                phi <= self.phi0 + ETA_PHI * alpha * self.slope + noise
            } else {
                theta <= (1.0 - GAMMA_THETA) * self.theta0
                    || phi <= self.phi0 - GAMMA_PHI * self.theta0 + noise
            };
        if accept {
            self.accepted_f_type = f_type;
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

    /// Whether the accepted point must augment the filter with the current
    /// iterate (every step except f-type steps with Armijo decrease).
    pub fn augments_filter(&self) -> bool {
        !self.accepted_f_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_rejects_dominated_points_and_keeps_nondominated_entries() {
        let mut filter = Filter::new(1.0, 8);
        filter.augment(1.0, 5.0);
        assert!(!filter.acceptable(2.0, 6.0));
        assert!(filter.acceptable(0.5, 6.0));
        assert!(filter.acceptable(2.0, 4.0));
        assert!(!filter.acceptable(1e5, -1e9), "θ_max bounds the filter");
        filter.augment(0.1, 1.0);
        assert_eq!(filter.len(), 1, "the new entry dominates the old one");
    }

    #[test]
    fn backtracks_after_corrections_fail() {
        let filter = Filter::new(1.0, 8);
        let mut ls = FilterSearch::new(1.0, 0.0, -1.0);
        assert_eq!(ls.next_trial(), Some(Trial::Step(1.0)));
        assert_eq!(
            ls.judge(Trial::Step(1.0), Some((2.0, 1.0)), &filter),
            Verdict::Reject
        );
        assert_eq!(ls.next_trial(), Some(Trial::SecondOrderCorrection(1)));
        let soc = Trial::SecondOrderCorrection(1);
        assert_eq!(ls.judge(soc, Some((2.0, 1.0)), &filter), Verdict::Reject);
        assert_eq!(ls.next_trial(), Some(Trial::Step(0.5)));
        assert_eq!(
            ls.judge(Trial::Step(0.5), Some((0.5, 0.5)), &filter),
            Verdict::Accept
        );
        assert!(ls.augments_filter());
        let mut ls = FilterSearch::new(0.0, 0.0, -1.0);
        let mut count = 0;
        while let Some(t) = ls.next_trial() {
            ls.judge(t, None, &filter);
            count += 1;
        }
        assert!(ls.saw_non_finite);
        assert!(count > 30);
    }
}
