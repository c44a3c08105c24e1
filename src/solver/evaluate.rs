//! Evaluation of the problem at a point, with the solver's internal scaling
//! and checks that every number is finite.
//!
//! An [`Iterate`] keeps the unscaled values of the problem (f as written,
//! g = lhs − rhs, ∇f, J); [`Scaling`] maps them to the scaled problem the
//! Newton iteration works on: minimize φ = σ s_f f subject to c = diag(s) g = 0,
//! with internal multipliers y (∇φ = J_cᵀ y). Contract multipliers are
//! λᵢ = σ sᵢ yᵢ / s_f.

use std::time::{Duration, Instant};

use super::matrices::{Hessian, Jacobian};
use super::nlp::NlpProblem;
use super::vector::{all_finite, inf_norm};

/// The problem's values and first derivatives at one point, unscaled.
#[derive(Clone, Debug)]
pub struct Iterate {
    /// The point.
    pub x: Vec<f64>,
    /// f(x) as written.
    pub objective: f64,
    /// g(x) = lhs − rhs.
    pub constraints: Vec<f64>,
    /// max(|lhsᵢ|, |rhsᵢ|).
    pub magnitudes: Vec<f64>,
    /// ∇f(x).
    pub gradient: Vec<f64>,
    /// ∂g/∂x (m × n), dense or sparse.
    pub jacobian: Jacobian,
}

impl Iterate {
    /// Zero storage for n variables and m constraints, with a Jacobian in
    /// the layout of `jacobian`.
    pub fn new(n: usize, m: usize, jacobian: &Jacobian) -> Self {
        Iterate {
            x: vec![0.0; n],
            objective: 0.0,
            constraints: vec![0.0; m],
            magnitudes: vec![0.0; m],
            gradient: vec![0.0; n],
            jacobian: Jacobian::zeros_like(jacobian),
        }
    }

    /// ‖g‖∞, unscaled.
    pub fn constraint_violation(&self) -> f64 {
        inf_norm(&self.constraints)
    }

    /// Whether every constraint passes the contract's relative feasibility
    /// test |gᵢ| ≤ tol · max(1, |lhsᵢ|, |rhsᵢ|).
    pub fn is_feasible(&self, tol: f64) -> bool {
        self.constraints
            .iter()
            .zip(&self.magnitudes)
            .all(|(g, mag)| g.abs() <= tol * mag.max(1.0))
    }
}

/// Internal scaling factors of objective and constraints (IPOPT's
/// gradient-based scaling) together with the direction of optimization.
#[derive(Clone, Debug)]
pub struct Scaling {
    /// σ = +1 (minimize) or −1 (maximize).
    pub sense: f64,
    /// s_f ∈ (0, 1].
    pub objective: f64,
    /// sᵢ ∈ (0, 1].
    pub constraints: Vec<f64>,
}

impl Scaling {
    /// No scaling.
    pub fn identity(sense: f64, m: usize) -> Self {
        Scaling {
            sense,
            objective: 1.0,
            constraints: vec![1.0; m],
        }
    }

    /// Factors that bring each gradient at the start to ∞-norm ≤ `max_gradient`.
    pub fn from_start(sense: f64, start: &Iterate, max_gradient: f64) -> Self {
        let factor = |norm: f64| {
            if norm > max_gradient && norm.is_finite() {
                max_gradient / norm
            } else {
                1.0
            }
        };
        let objective = factor(inf_norm(&start.gradient));
        let mut constraints = vec![0.0; start.constraints.len()];
        start.jacobian.row_max_abs(&mut constraints);
        constraints.iter_mut().for_each(|s| *s = factor(*s));
        Scaling {
            sense,
            objective,
            constraints,
        }
    }

    /// φ = σ s_f f.
    pub fn phi(&self, objective: f64) -> f64 {
        self.sense * self.objective * objective
    }

    /// ‖c‖₁ = Σ sᵢ |gᵢ|.
    pub fn c_l1(&self, g: &[f64]) -> f64 {
        g.iter()
            .zip(&self.constraints)
            .map(|(g, s)| (s * g).abs())
            .sum()
    }

    /// Contract multipliers λ from internal y.
    pub fn to_lambda(&self, y: &[f64], lambda: &mut [f64]) {
        for ((l, y), s) in lambda.iter_mut().zip(y).zip(&self.constraints) {
            *l = self.sense * s * y / self.objective;
        }
    }
}

/// Counts and times evaluations of the problem.
#[derive(Clone, Debug, Default)]
pub struct EvaluationCounter {
    /// Objective and constraint value evaluations.
    pub values: u64,
    /// Gradient and Jacobian evaluations.
    pub derivatives: u64,
    /// Hessian-of-the-Lagrangian evaluations.
    pub hessians: u64,
    /// Time spent in the problem's methods.
    pub time: Duration,
}

impl EvaluationCounter {
    /// Adds another counter's counts and time (a sub-solve's, such as a
    /// restoration phase's).
    pub fn add(&mut self, other: &EvaluationCounter) {
        self.values += other.values;
        self.derivatives += other.derivatives;
        self.hessians += other.hessians;
        self.time += other.time;
    }

    /// f, g and the constraint magnitudes at `it.x`; false if any is not finite.
    pub fn values<P: NlpProblem + ?Sized>(&mut self, problem: &mut P, it: &mut Iterate) -> bool {
        let (finite, opened) = self.values_open(problem, it);
        self.close_interval(opened);
        finite
    }

    /// [`values`](Self::values) with its timing interval left open: returns
    /// whether they are finite and the clock read that opened the
    /// interval. The caller closes it with
    /// [`close_interval`](Self::close_interval), or passes it on to
    /// [`derivatives_and_hessian`](Self::derivatives_and_hessian), which
    /// then times values and derivatives as one interval.
    pub fn values_open<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        it: &mut Iterate,
    ) -> (bool, Instant) {
        let opened = Instant::now();
        self.values += 1;
        it.objective = problem.objective(&it.x);
        problem.constraints(&it.x, &mut it.constraints);
        problem.constraint_magnitudes(&it.x, &mut it.magnitudes);
        (
            it.objective.is_finite() && all_finite(&it.constraints),
            opened,
        )
    }

    /// Adds the time since `opened` (from [`values_open`](Self::values_open))
    /// and returns the clock read that closed the interval.
    pub fn close_interval(&mut self, opened: Instant) -> Instant {
        let now = Instant::now();
        self.time += now.saturating_duration_since(opened);
        now
    }

    /// ∇f and J at `it.x`; false if any entry is not finite.
    pub fn derivatives<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        it: &mut Iterate,
    ) -> bool {
        let start = Instant::now();
        self.derivatives += 1;
        problem.gradient(&it.x, &mut it.gradient);
        it.jacobian.evaluate(problem, &it.x);
        self.time += start.elapsed();
        all_finite(&it.gradient) && it.jacobian.all_finite()
    }

    /// [`derivatives`](Self::derivatives) at `it.x`, then, if they are
    /// finite, [`hessian`](Self::hessian) there, timed as one interval with
    /// the values' evaluation at this point, opened at `since` by
    /// [`values_open`](Self::values_open): values, derivatives and Hessian
    /// follow each other at every accepted point, and on small problems a
    /// clock read costs as much as the little solver work in between (the
    /// filter's verdict), which therefore counts with the evaluation. Returns whether all of them are finite, and the clock
    /// read that closed the interval.
    pub fn derivatives_and_hessian<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        it: &mut Iterate,
        objective_factor: f64,
        weights: &[f64],
        hess: &mut Hessian,
        since: Instant,
    ) -> (bool, Instant) {
        self.derivatives += 1;
        problem.gradient(&it.x, &mut it.gradient);
        it.jacobian.evaluate(problem, &it.x);
        let mut finite = all_finite(&it.gradient) && it.jacobian.all_finite();
        if finite {
            self.hessians += 1;
            finite = hess.evaluate(problem, &it.x, objective_factor, weights);
        }
        let end = Instant::now();
        self.time += end.saturating_duration_since(since);
        (finite, end)
    }

    /// Hessian of `objective_factor` · f − Σ wᵢ gᵢ (w = `weights`, the
    /// problem's λ argument) into `hess`; false if its lower triangle is not
    /// finite.
    pub fn hessian<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        x: &[f64],
        objective_factor: f64,
        weights: &[f64],
        hess: &mut Hessian,
    ) -> bool {
        let start = Instant::now();
        self.hessians += 1;
        let finite = hess.evaluate(problem, x, objective_factor, weights);
        self.time += start.elapsed();
        finite
    }
}
