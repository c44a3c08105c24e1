//! The filter method: the [`Filter`] of (θ, φ) pairs that later iterates
//! must not be dominated by, and the acceptance test built on it
//! ([`FilterAcceptance`]): not dominated, and a sufficient decrease of φ
//! (Armijo, when the step is "f-type": the iterate is nearly feasible and
//! the step promises enough decrease of φ) or of θ, or of φ by a margin
//! proportional to θ (Wächter & Biegler 2006, §2.3).

use super::{Acceptance, Backtracking};

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
}

/// The filter method's acceptance test for one search along a step d from
/// an iterate with infeasibility θ₀, objective φ₀ and slope ∇φᵀd.
#[derive(Clone, Debug)]
pub struct FilterAcceptance {
    theta0: f64,
    phi0: f64,
    slope: f64,
    /// (−slope)^s_φ and δ θ₀^s_θ, the sides of the switching condition
    /// without α (when slope < 0): computed once per search rather than
    /// two `powf` per trial.
    switch_slope: f64,
    switch_theta: f64,
    alpha_min: f64,
    /// Whether the accepted trial was f-type with Armijo decrease (then
    /// the filter is not augmented).
    accepted_f_type: bool,
    /// Rounding noise allowed in comparisons of φ.
    noise: f64,
}

impl FilterAcceptance {
    /// The test for a search from (θ₀, φ₀) = (`theta0`, `phi0`) with
    /// `slope` = ∇φᵀd.
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
        FilterAcceptance {
            theta0,
            phi0,
            slope,
            switch_slope,
            switch_theta,
            alpha_min: alpha_min.max(ALPHA_FLOOR),
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

    /// Whether the step is f-type at length α: it promises a decrease of φ
    /// that dominates the infeasibility (switching condition), near feasibility.
    fn f_type(&self, alpha: f64) -> bool {
        self.slope < 0.0 && alpha * self.switch_slope > self.switch_theta
    }

    /// Whether the accepted point must augment the filter with the current
    /// iterate (every step except f-type steps with Armijo decrease).
    pub fn augments_filter(&self) -> bool {
        !self.accepted_f_type
    }
}

impl Acceptance for FilterAcceptance {
    type Memory = Filter;

    fn min_step(&self) -> f64 {
        self.alpha_min
    }

    fn accepts(&mut self, alpha: f64, theta: f64, phi: f64, filter: &Filter) -> bool {
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
        }
        accept
    }
}

/// The filter line search: backtracking judged by the filter method.
pub type FilterSearch = Backtracking<FilterAcceptance>;

impl FilterSearch {
    /// Starts a search from (θ₀, φ₀) = (`theta0`, `phi0`) along a step with
    /// `slope` = ∇φᵀd.
    pub fn new(theta0: f64, phi0: f64, slope: f64) -> Self {
        Backtracking::with_acceptance(theta0, FilterAcceptance::new(theta0, phi0, slope))
    }

    /// See [`FilterAcceptance::with_noise_terms`].
    pub fn with_noise_terms(self, terms: usize) -> Self {
        self.map_acceptance(|a| a.with_noise_terms(terms))
    }

    /// Whether the accepted point must augment the filter with the current
    /// iterate (every step except f-type steps with Armijo decrease).
    pub fn augments_filter(&self) -> bool {
        self.acceptance().augments_filter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::line_search::{Trial, Verdict};

    #[test]
    fn filter_rejects_dominated_points_and_keeps_nondominated_entries() {
        let mut filter = Filter::new(1.0, 8);
        filter.augment(1.0, 5.0);
        assert!(!filter.acceptable(2.0, 6.0));
        assert!(filter.acceptable(0.5, 6.0));
        assert!(filter.acceptable(2.0, 4.0));
        assert!(!filter.acceptable(1e5, -1e9), "θ_max bounds the filter");
        filter.augment(0.1, 1.0);
        assert_eq!(
            filter.entries.len(),
            1,
            "the new entry dominates the old one"
        );
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
