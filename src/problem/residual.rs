//! The contract's unscaled KKT residual at any (x, λ, z), for any
//! [`NlpProblem`] with bounds and inequalities: what `lagrange eval` prints
//! and what a test can check a solution against.

use faer::Mat;

use crate::solver::{NlpProblem, Sense, NO_BOUND};

/// The parts of the KKT residual at (x, λ, z).
#[derive(Clone, Debug, PartialEq)]
pub struct KktResidual {
    /// ∇f − Jᵀλ − z (length n).
    pub lagrangian_gradient: Vec<f64>,
    /// ‖∇f − Jᵀλ − z‖∞.
    pub stationarity: f64,
    /// The largest violation of any constraint end or bound.
    pub violation: f64,
    /// The largest |λᵢ|·slackᵢ or |zⱼ|·distanceⱼ, the slack taken to the end
    /// that the multiplier's sign selects.
    pub complementarity: f64,
    /// The largest multiplier that points at an end that does not exist
    /// (for example λ > 0 on an active `<=` of a minimization).
    pub wrong_sign: f64,
}

impl KktResidual {
    /// max of the four parts; for equality-only problems
    /// max(‖∇f − Jᵀλ‖∞, ‖g‖∞).
    pub fn value(&self) -> f64 {
        self.stationarity
            .max(self.violation)
            .max(self.complementarity)
            .max(self.wrong_sign)
    }
}

/// The residual of the KKT conditions of `problem` at (x, λ, z), unscaled,
/// in the convention ∇f = Jᵀλ + z, λᵢ = d f*/d(active end), for f as
/// written (the sense decides which sign selects which end).
pub fn kkt_residual<P: NlpProblem + ?Sized>(
    problem: &mut P,
    x: &[f64],
    lambda: &[f64],
    z: &[f64],
) -> KktResidual {
    let (n, m) = (problem.num_variables(), problem.num_constraints());
    assert!(
        x.len() == n && z.len() == n && lambda.len() == m,
        "kkt_residual: x and z need {n} values, λ {m}; found {}, {} and {}",
        x.len(),
        z.len(),
        lambda.len()
    );
    let mut gradient = vec![0.0; n];
    problem.gradient(x, &mut gradient);
    let mut g = vec![0.0; m];
    problem.constraints(x, &mut g);
    let mut jacobian = Mat::<f64>::zeros(m, n);
    problem.jacobian(x, jacobian.as_mut());
    let (mut x_lower, mut x_upper) = (vec![0.0; n], vec![0.0; n]);
    problem.variable_bounds(&mut x_lower, &mut x_upper);
    let (mut g_lower, mut g_upper) = (vec![0.0; m], vec![0.0; m]);
    problem.constraint_bounds(&mut g_lower, &mut g_upper);

    let mut lagrangian_gradient = gradient;
    for (j, r) in lagrangian_gradient.iter_mut().enumerate() {
        for (i, &l) in lambda.iter().enumerate() {
            *r -= jacobian[(i, j)] * l;
        }
        *r -= z[j];
    }
    let sigma = match problem.sense() {
        Sense::Minimize => 1.0,
        Sense::Maximize => -1.0,
    };
    let mut out = KktResidual {
        stationarity: lagrangian_gradient.iter().fold(0.0, |a, r| a.max(r.abs())),
        lagrangian_gradient,
        violation: 0.0,
        complementarity: 0.0,
        wrong_sign: 0.0,
    };
    for i in 0..m {
        out.add(g[i], g_lower[i], g_upper[i], sigma * lambda[i]);
    }
    for j in 0..n {
        out.add(x[j], x_lower[j], x_upper[j], sigma * z[j]);
    }
    out
}

impl KktResidual {
    /// Folds in one value v with ends (lo, hi) and its multiplier μ, signed
    /// so that μ > 0 selects the lower end (σ = +1 minimize, −1 maximize).
    fn add(&mut self, v: f64, lo: f64, hi: f64, mu: f64) {
        let lo = if lo <= -NO_BOUND {
            f64::NEG_INFINITY
        } else {
            lo
        };
        let hi = if hi >= NO_BOUND { f64::INFINITY } else { hi };
        self.violation = self.violation.max(lo - v).max(v - hi);
        if lo == hi {
            // An equation or a fixed variable: either sign is right and the
            // slack is the violation, already counted.
            return;
        }
        let end = if mu > 0.0 {
            lo
        } else if mu < 0.0 {
            hi
        } else {
            return;
        };
        if end.is_finite() {
            self.complementarity = self.complementarity.max(mu.abs() * (v - end).abs());
        } else {
            self.wrong_sign = self.wrong_sign.max(mu.abs());
        }
    }
}
