//! The result of a run: the current point and its multipliers, the
//! history, the timings, and the second-order classification of a
//! converged point.

use std::time::Instant;

use super::{Newton, NlpProblem, Status};
use crate::solver::classify::Classification;
use crate::solver::classify::{classify, classify_by_inertia, DENSE_INERTIA_MIN_VARIABLES};
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::result::{Activity, Solution};
use crate::solver::settings::LinearSolver;

impl Newton {
    /// Builds the result: the current point, its multipliers, the history,
    /// and the second-order classification. `forced` gives the status when
    /// the iteration was stopped from outside (e.g. argmin's iteration
    /// limit) before it set one itself.
    pub fn finish<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        forced: Option<Status>,
    ) -> Solution {
        let progress = &self.progress;
        let status = progress.status.or(forced).unwrap_or(Status::MaxIterations);
        let mut message = if progress.status.is_some() {
            progress.message.clone()
        } else {
            default_message(status)
        };
        if let Some(note) = &progress.note {
            message.push_str(" (");
            message.push_str(note);
            message.push(')');
        }
        let clock = Instant::now();
        let classification = self.classify(problem, status);
        let classification_time = clock.elapsed();
        let timings = self
            .clock
            .timers
            .timings(self.clock.evaluations.time, classification_time);
        let current = &self.points.current;
        let lambda = &self.multipliers.lambda;
        Solution {
            status,
            message,
            x: current.x.clone(),
            multipliers: lambda.clone(),
            bound_multipliers: vec![0.0; current.x.len()],
            constraint_activity: vec![Activity::Fixed; lambda.len()],
            bound_activity: vec![Activity::Inactive; current.x.len()],
            objective: current.objective,
            iterations: self.progress.iteration,
            kkt_residual: self.kkt_residual(),
            constraint_violation: current.constraint_violation(),
            point: classification.and_then(|c| c.point),
            dependent_constraints: classification.is_some_and(|c| c.dependent_constraints),
            history: self.progress.history.clone(),
            timings,
            linear_solver: if self.work.kkt.is_sparse() {
                LinearSolver::Sparse
            } else {
                LinearSolver::Dense
            },
        }
    }

    /// The second-order classification of the current point (None where
    /// the multipliers, and so ∇²L, are not meaningful); the point's kind
    /// for converged runs only.
    fn classify<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        status: Status,
    ) -> Option<Classification> {
        let usable = !matches!(status, Status::InvalidProblem | Status::EvaluationError)
            && self.multipliers.stationarity.is_finite();
        if !usable {
            return None;
        }
        let with_hessian = self.settings.classify() && status == Status::Converged;
        let (n, _) = self.points.dimensions();
        let current = &self.points.current;
        let lambda = &self.multipliers.lambda;
        let evaluations = &mut self.clock.evaluations;
        Some(match &current.jacobian {
            Jacobian::Dense(jac) if n <= DENSE_INERTIA_MIN_VARIABLES => {
                // The last W is ∇²(f − λᵀg) itself when it was evaluated at
                // this point with factor 1 and weights λ, bit for bit (no
                // scaling, minimizing): reused instead of evaluated again.
                let reusable = match &self.model.hessian {
                    Hessian::Dense(h) if self.model.hessian_args.are(&current.x, 1.0, lambda) => {
                        Some(h.as_ref())
                    }
                    _ => None,
                };
                classify(
                    problem,
                    evaluations,
                    &current.x,
                    lambda,
                    jac.as_ref(),
                    with_hessian,
                    reusable,
                )
            }
            jac => classify_by_inertia(
                problem,
                evaluations,
                &current.x,
                lambda,
                jac,
                &mut self.work.kkt,
                &mut self.model.hessian,
                with_hessian,
            ),
        })
    }
}

/// The message of a status the iteration did not set itself.
fn default_message(status: Status) -> String {
    match status {
        Status::MaxIterations => "the iteration limit was reached before convergence".into(),
        other => other.as_str().replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::evaluate::EvaluationCounter;
    use crate::solver::settings::Settings;
    use crate::solver::Sense;
    use faer::{Mat, MatMut};

    /// c · (x₀⁴ + x₀x₁ + x₁² + x₂²) (minimized, or its negative maximized)
    /// subject to x₀² + x₁ + x₂ = 1: a Lagrangian Hessian that depends on
    /// x and λ; counts the Hessian evaluations.
    struct Quartic {
        sense: Sense,
        c: f64,
        hessians: usize,
    }

    impl Quartic {
        fn sign(&self) -> f64 {
            self.sense.sign() * self.c
        }
    }

    impl NlpProblem for Quartic {
        fn num_variables(&self) -> usize {
            3
        }
        fn num_constraints(&self) -> usize {
            1
        }
        fn sense(&self) -> Sense {
            self.sense
        }
        fn start(&self) -> Vec<f64> {
            vec![0.5, 0.4, 0.3]
        }
        fn objective(&mut self, x: &[f64]) -> f64 {
            self.sign() * (x[0].powi(4) + x[0] * x[1] + x[1] * x[1] + x[2] * x[2])
        }
        fn gradient(&mut self, x: &[f64], g: &mut [f64]) {
            let s = self.sign();
            g[0] = s * (4.0 * x[0].powi(3) + x[1]);
            g[1] = s * (x[0] + 2.0 * x[1]);
            g[2] = s * 2.0 * x[2];
        }
        fn constraints(&mut self, x: &[f64], v: &mut [f64]) {
            v[0] = x[0] * x[0] + x[1] + x[2] - 1.0;
        }
        fn jacobian(&mut self, x: &[f64], mut j: MatMut<'_, f64>) {
            j[(0, 0)] = 2.0 * x[0];
            j[(0, 1)] = 1.0;
            j[(0, 2)] = 1.0;
        }
        fn hessian_of_lagrangian(
            &mut self,
            x: &[f64],
            factor: f64,
            lambda: &[f64],
            mut h: MatMut<'_, f64>,
        ) {
            self.hessians += 1;
            let s = factor * self.sign();
            h.fill(0.0);
            h[(0, 0)] = s * 12.0 * x[0] * x[0] - 2.0 * lambda[0];
            h[(1, 0)] = s;
            h[(0, 1)] = s;
            h[(1, 1)] = 2.0 * s;
            h[(2, 2)] = 2.0 * s;
        }
    }

    /// The classification takes the solver's last Hessian only when it was
    /// evaluated at the returned point with factor 1 and weights λ (then it is
    /// bit for bit the Hessian it would evaluate); maximizing (weights −λ) and
    /// a scaled objective (factor s_f ≠ 1) evaluate it afresh. Either way
    /// the verdict is that of a fresh evaluation.
    #[test]
    fn classification_reuses_only_the_hessian_it_needs() {
        for (sense, c, reused) in [
            (Sense::Minimize, 1.0, true),
            (Sense::Maximize, 1.0, false),
            (Sense::Minimize, 1e4, false),
        ] {
            let mut p = Quartic {
                sense,
                c,
                hessians: 0,
            };
            let mut newton = Newton::new(Settings::default());
            newton.init(&mut p);
            while newton.status().is_none() {
                newton.next_iter(&mut p);
            }
            assert_eq!(newton.status(), Some(Status::Converged));
            let (x, lambda) = (newton.x().to_vec(), newton.multipliers().to_vec());
            assert_eq!(newton.model.hessian_args.are(&x, 1.0, &lambda), reused);
            if reused {
                let Hessian::Dense(held) = &newton.model.hessian else {
                    panic!("dense storage expected")
                };
                let mut fresh = Mat::zeros(3, 3);
                p.hessian_of_lagrangian(&x, 1.0, &lambda, fresh.as_mut());
                for j in 0..3 {
                    for i in j..3 {
                        assert_eq!(held[(i, j)].to_bits(), fresh[(i, j)].to_bits());
                    }
                }
            }
            let before = p.hessians;
            let solution = newton.finish(&mut p, None);
            assert_eq!(
                p.hessians - before,
                usize::from(!reused),
                "{sense:?}, c = {c}"
            );
            let mut jac = Mat::zeros(1, 3);
            p.jacobian(&x, jac.as_mut());
            let mut counter = EvaluationCounter::default();
            let fresh = classify(&mut p, &mut counter, &x, &lambda, jac.as_ref(), true, None);
            assert!(fresh.point.is_some());
            assert_eq!(solution.point, fresh.point, "{sense:?}, c = {c}");
        }
    }
}
