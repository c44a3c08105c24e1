//! The answer in the contract's terms: multipliers λ and z of the problem
//! as written, which end of each constraint and bound holds, and the
//! convergence test of the contract (stationarity, feasibility,
//! complementarity, signs), all unscaled.
//!
//! The convergence test is judged on exactly what is reported: multipliers
//! of inactive constraints and bounds are set to 0 first.

use crate::solver::evaluate::{Iterate, Scaling};
use crate::solver::result::Activity;
use crate::solver::vector::inf_norm;

use super::point::BoundDuals;
use super::structure::Structure;

/// The contract's view of one iterate.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    /// λ (length m).
    pub lambda: Vec<f64>,
    /// z (length n).
    pub z: Vec<f64>,
    /// Which end of each constraint holds.
    pub constraint_activity: Vec<Activity>,
    /// Which bound of each variable holds.
    pub bound_activity: Vec<Activity>,
    /// ‖∇f − Jᵀλ − z‖∞.
    pub stationarity: f64,
    /// The largest violation of a constraint end or bound.
    pub violation: f64,
    /// The largest |λᵢ| slackᵢ or |zⱼ| distanceⱼ.
    pub complementarity: f64,
    /// The largest wrong-sign part of a multiplier.
    pub wrong_sign: f64,
    /// Whether every part of the contract's convergence test holds.
    pub converged: bool,
}

impl Answer {
    /// max(stationarity, violation, complementarity, wrong sign).
    pub fn kkt_residual(&self) -> f64 {
        self.stationarity
            .max(self.violation)
            .max(self.complementarity)
            .max(self.wrong_sign)
    }
}

/// Where a value stands against its ends, within a feasibility tolerance
/// `tol · max(1, |value| or magnitude, |end|)`.
struct Ends {
    lower: f64,
    upper: f64,
}

impl Ends {
    /// (activity, violation, slack to the lower end, slack to the upper end).
    fn classify(&self, value: f64, magnitude: f64, tol: f64) -> (Activity, f64, f64, f64) {
        let below = self.lower - value;
        let above = value - self.upper;
        let violation = below.max(above).max(0.0);
        if self.lower == self.upper {
            return (Activity::Fixed, violation, below.abs(), above.abs());
        }
        let near = |end: f64| {
            end.is_finite() && (value - end).abs() <= tol * magnitude.max(end.abs()).max(1.0)
        };
        let activity = match (near(self.lower), near(self.upper)) {
            (true, true) => {
                if below.abs() <= above.abs() {
                    Activity::Lower
                } else {
                    Activity::Upper
                }
            }
            (true, false) => Activity::Lower,
            (false, true) => Activity::Upper,
            (false, false) => Activity::Inactive,
        };
        (
            activity,
            violation,
            (value - self.lower).abs(),
            (self.upper - value).abs(),
        )
    }
}

/// Inputs of [`evaluate`]: the iterate and the internal multipliers.
pub struct Internal<'a> {
    /// The iterate (unscaled values and derivatives).
    pub iterate: &'a Iterate,
    /// Internal scaling.
    pub scaling: &'a Scaling,
    /// Internal constraint multipliers y.
    pub y: &'a [f64],
    /// Internal bound multipliers of x.
    pub z: &'a BoundDuals,
}

/// The contract's multipliers, activities and convergence test at an
/// iterate; `residual` is scratch of length n.
pub fn evaluate(
    structure: &Structure,
    input: &Internal<'_>,
    tol: f64,
    answer: &mut Answer,
    residual: &mut [f64],
) {
    let it = input.iterate;
    let (n, m) = (it.x.len(), it.constraints.len());
    let sigma = input.scaling.sense;
    answer.lambda.resize(m, 0.0);
    answer.z.resize(n, 0.0);
    answer.constraint_activity.resize(m, Activity::Inactive);
    answer.bound_activity.resize(n, Activity::Inactive);
    input.scaling.to_lambda(input.y, &mut answer.lambda);
    let scale = tol * inf_norm(&it.gradient).max(1.0);
    let (mut violation, mut complementarity, mut wrong_sign) = (0.0f64, 0.0f64, 0.0f64);

    // Constraints: the value g (or e for a range) against its ends.
    for i in 0..m {
        let ends = Ends {
            lower: structure.constraint_lower[i],
            upper: structure.constraint_upper[i],
        };
        let g = it.constraints[i];
        let (activity, v, to_lower, to_upper) = ends.classify(g, it.magnitudes[i], tol);
        let lambda = &mut answer.lambda[i];
        violation = violation.max(v);
        match activity {
            Activity::Fixed => {}
            Activity::Inactive => *lambda = 0.0,
            Activity::Lower => {
                // Minimizing, a lower end has λ ≥ 0; maximizing, λ ≤ 0.
                wrong_sign = wrong_sign.max((-sigma * *lambda).max(0.0));
                complementarity = complementarity.max(lambda.abs() * to_lower);
            }
            Activity::Upper => {
                wrong_sign = wrong_sign.max((sigma * *lambda).max(0.0));
                complementarity = complementarity.max(lambda.abs() * to_upper);
            }
        }
        answer.constraint_activity[i] = activity;
    }

    // Bounds: z = σ (z_L − z_U) / s_f, by the activity of xⱼ.
    for j in 0..n {
        let ends = Ends {
            lower: structure.x.lower[j],
            upper: structure.x.upper[j],
        };
        // Judged where the point is returned: moved into its bounds (the
        // iteration may have moved them by a few units in the last place).
        let x = it.x[j].clamp(ends.lower, ends.upper);
        let (activity, v, to_lower, to_upper) = ends.classify(x, x.abs(), tol);
        violation = violation.max(v);
        let z = sigma * (input.z.lower[j] - input.z.upper[j]) / input.scaling.objective;
        answer.z[j] = match activity {
            Activity::Inactive => 0.0,
            _ => z,
        };
        match activity {
            Activity::Lower => {
                wrong_sign = wrong_sign.max((-sigma * z).max(0.0));
                complementarity = complementarity.max(z.abs() * to_lower);
            }
            Activity::Upper => {
                wrong_sign = wrong_sign.max((sigma * z).max(0.0));
                complementarity = complementarity.max(z.abs() * to_upper);
            }
            _ => {}
        }
        answer.bound_activity[j] = activity;
    }

    // r = ∇f − Jᵀλ − z; a fixed variable's z is what makes its entry zero.
    residual.copy_from_slice(&it.gradient);
    it.jacobian
        .add_transpose_mul(-1.0, &answer.lambda, residual);
    for &j in &structure.fixed {
        answer.z[j] = residual[j];
    }
    for (r, z) in residual.iter_mut().zip(&answer.z) {
        *r -= z;
    }
    answer.stationarity = inf_norm(residual);
    answer.violation = violation;
    answer.complementarity = complementarity;
    answer.wrong_sign = wrong_sign;
    let feasible = feasible(structure, it, tol);
    answer.converged =
        feasible && answer.stationarity <= scale && complementarity <= scale && wrong_sign <= scale;
}

/// The contract's feasibility test: every equation within
/// tol · max(1, magnitude), every inequality and range end within
/// tol · max(1, magnitude, |end|). Bounds always hold: the returned point
/// is moved into them.
pub fn feasible(structure: &Structure, it: &Iterate, tol: f64) -> bool {
    rows_feasible(structure, &it.constraints, &it.magnitudes, tol)
}

/// [`feasible`] on the constraint values g and their magnitudes alone.
pub fn rows_feasible(structure: &Structure, g: &[f64], magnitudes: &[f64], tol: f64) -> bool {
    let within = |value: f64, lower: f64, upper: f64, magnitude: f64| {
        let below = lower - value;
        let above = value - upper;
        below <= tol * magnitude.max(lower.abs()).max(1.0)
            && above <= tol * magnitude.max(upper.abs()).max(1.0)
    };
    (0..g.len()).all(|i| {
        let (l, u) = (structure.constraint_lower[i], structure.constraint_upper[i]);
        within(g[i], l, u, magnitudes[i])
    })
}

/// The largest violation of a constraint end by the values g (unscaled):
/// the `constraint_violation` of a point inside its bounds.
pub fn rows_violation(structure: &Structure, g: &[f64]) -> f64 {
    g.iter().enumerate().fold(0.0f64, |worst, (i, &g)| {
        let below = structure.constraint_lower[i] - g;
        let above = g - structure.constraint_upper[i];
        worst.max(below.max(above))
    })
}
