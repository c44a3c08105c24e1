//! Every status has a problem that triggers it, and none of them is ever
//! reported as converged. Also: dependent constraints, NaN recovery by
//! backtracking, bad scaling, far starts.

use std::cell::Cell;
use std::rc::Rc;

use lagrange::solver::{solve, NlpProblem, Settings, Status};
use lagrange_test_support::hs::problems;
use lagrange_test_support::{close, Closure};

fn linear_constraints(p: &mut Closure, rows: Vec<(Vec<f64>, f64)>) {
    let r1 = rows.clone();
    p.cons = Box::new(move |x, c| {
        for (i, (a, b)) in r1.iter().enumerate() {
            c[i] = a.iter().zip(x).map(|(a, x)| a * x).sum::<f64>() - b;
        }
    });
    p.jac = Box::new(move |_, mut j| {
        for (i, (a, _)) in rows.iter().enumerate() {
            for (k, &v) in a.iter().enumerate() {
                j[(i, k)] = v;
            }
        }
    });
}

/// min Σ xᵢ² with the given linear constraints.
fn sum_of_squares(n: usize, rows: Vec<(Vec<f64>, f64)>, start: Vec<f64>) -> Closure {
    let mut p = Closure::new(n, rows.len(), start);
    p.f = Box::new(|x| x.iter().map(|v| v * v).sum());
    p.grad = Box::new(|x, g| {
        for (g, v) in g.iter_mut().zip(x) {
            *g = 2.0 * v;
        }
    });
    p.hess = Box::new(move |_, s, _, mut h| {
        for i in 0..n {
            h[(i, i)] = 2.0 * s;
        }
    });
    linear_constraints(&mut p, rows);
    p
}

#[test]
fn converged_at_the_start_takes_no_iteration() {
    let mut p = sum_of_squares(2, vec![(vec![1.0, 1.0], 1.0)], vec![0.5, 0.5]);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Converged);
    assert_eq!(s.iterations, 0);
    assert_eq!(s.status.as_str(), "converged");
}

#[test]
fn iteration_limit_gives_max_iterations() {
    let mut p = problems().into_iter().find(|p| p.name == "hs27").unwrap();
    let settings = Settings::builder().max_iterations(5).build().unwrap();
    let s = solve(&mut p, &settings);
    assert_eq!(s.status, Status::MaxIterations);
    assert_eq!(s.status.as_str(), "max_iterations");
    assert_eq!(s.iterations, 5);
    assert_eq!(s.history.len(), 6);
}

#[test]
fn contradictory_linear_constraints_are_infeasible() {
    // x = 1 and x = 2.
    let mut p = sum_of_squares(1, vec![(vec![1.0], 1.0), (vec![1.0], 2.0)], vec![0.0]);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Infeasible, "{}", s.message);
    assert_eq!(s.status.as_str(), "infeasible");
    // The least-squares point of the violation.
    assert!(close(s.x[0], 1.5, 1e-6));
    assert!(close(s.constraint_violation, 0.5, 1e-6));
}

#[test]
fn concentric_circles_are_infeasible() {
    // x² + y² = 1 and x² + y² = 4: ½‖g‖² is stationary on x² + y² = 2.5.
    let mut p = Closure::new(2, 2, vec![3.0, 1.0]);
    p.f = Box::new(|x| x[0] + x[1]);
    p.grad = Box::new(|_, g| g.fill(1.0));
    p.cons = Box::new(|x, c| {
        let r = x[0] * x[0] + x[1] * x[1];
        c[0] = r - 1.0;
        c[1] = r - 4.0;
    });
    p.jac = Box::new(|x, mut j| {
        for i in 0..2 {
            j[(i, 0)] = 2.0 * x[0];
            j[(i, 1)] = 2.0 * x[1];
        }
    });
    p.hess = Box::new(|_, _, l, mut h| {
        h[(0, 0)] = -2.0 * (l[0] + l[1]);
        h[(1, 1)] = -2.0 * (l[0] + l[1]);
    });
    let s = solve(&mut p, &Settings::default());
    assert_eq!(
        s.status,
        Status::Infeasible,
        "{} {:?}",
        s.message,
        s.history
    );
    let r = s.x[0] * s.x[0] + s.x[1] * s.x[1];
    assert!(close(r, 2.5, 1e-5), "r² = {r}");
}

#[test]
fn consistent_dependent_constraints_converge_and_are_flagged() {
    // x + y = 1 twice (scaled), and a third row making m > n.
    for rows in [
        vec![(vec![1.0, 1.0], 1.0), (vec![2.0, 2.0], 2.0)],
        vec![
            (vec![1.0, 1.0], 1.0),
            (vec![1.0, -1.0], 0.0),
            (vec![2.0, 0.0], 1.0),
        ],
    ] {
        let mut p = sum_of_squares(2, rows, vec![3.0, -1.0]);
        let s = solve(&mut p, &Settings::default());
        assert_eq!(s.status, Status::Converged, "{}", s.message);
        assert!(s.dependent_constraints);
        assert!(close(s.x[0], 0.5, 1e-8) && close(s.x[1], 0.5, 1e-8));
        assert!(s.kkt_residual < 1e-8);
    }
}

#[test]
fn non_finite_start_is_an_evaluation_error() {
    let mut p = Closure::new(1, 0, vec![-1.0]);
    p.f = Box::new(|x| x[0].ln());
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::EvaluationError);
    assert_eq!(s.status.as_str(), "evaluation_error");
}

#[test]
fn non_finite_everywhere_but_the_start_is_an_evaluation_error() {
    let mut p = Closure::new(1, 0, vec![3.0]);
    p.f = Box::new(|x| if x[0] == 3.0 { 9.0 } else { f64::NAN });
    p.grad = Box::new(|x, g| g[0] = 2.0 * x[0]);
    p.hess = Box::new(|_, s, _, mut h| h[(0, 0)] = 2.0 * s);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::EvaluationError, "{}", s.message);
    assert_eq!(s.x, vec![3.0], "the last finite point is returned");
}

#[test]
fn backtracking_recovers_from_nan_trial_points() {
    // min x − 2 ln x from x = 10: the full Newton step lands at x = −30.
    let nan_trials = Rc::new(Cell::new(0));
    let counter = nan_trials.clone();
    let mut p = Closure::new(1, 0, vec![10.0]);
    p.f = Box::new(move |x| {
        let v = x[0] - 2.0 * x[0].ln();
        if v.is_nan() {
            counter.set(counter.get() + 1);
        }
        v
    });
    p.grad = Box::new(|x, g| g[0] = 1.0 - 2.0 / x[0]);
    p.hess = Box::new(|x, s, _, mut h| h[(0, 0)] = s * 2.0 / (x[0] * x[0]));
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    assert!(close(s.x[0], 2.0, 1e-8));
    assert!(nan_trials.get() > 0, "the test must meet a NaN");
}

#[test]
fn non_finite_derivatives_are_backtracked_then_reported() {
    // min (x − 2)² from x = 5, but the gradient is NaN below x = 3: every
    // step towards the minimizer is cut back until no step is left.
    let mut p = Closure::new(1, 0, vec![5.0]);
    p.f = Box::new(|x| (x[0] - 2.0).powi(2));
    p.grad = Box::new(|x, g| {
        g[0] = if x[0] < 3.0 {
            f64::NAN
        } else {
            2.0 * (x[0] - 2.0)
        }
    });
    p.hess = Box::new(|_, s, _, mut h| h[(0, 0)] = 2.0 * s);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::EvaluationError, "{}", s.message);
    assert!(s.iterations > 0, "backtracking made progress first");
    assert!(
        s.x[0] >= 3.0 && s.x[0] < 3.1,
        "last point with finite derivatives: {}",
        s.x[0]
    );
    assert!(s.objective.is_finite());
}

#[test]
fn objective_decreasing_along_the_constraints_is_unbounded() {
    // min x + y s.t. x − y = 0: f = 2x → −∞ on the line.
    let mut p = Closure::new(2, 1, vec![1.0, 1.0]);
    p.f = Box::new(|x| x[0] + x[1]);
    p.grad = Box::new(|_, g| g.fill(1.0));
    linear_constraints(&mut p, vec![(vec![1.0, -1.0], 0.0)]);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Unbounded, "{}", s.message);
    assert_eq!(s.status.as_str(), "unbounded");
    assert!(s.objective < -1e19);
    // Unconstrained concave objective.
    let mut p = Closure::new(1, 0, vec![1.0]);
    p.f = Box::new(|x| -x[0] * x[0]);
    p.grad = Box::new(|x, g| g[0] = -2.0 * x[0]);
    p.hess = Box::new(|_, s, _, mut h| h[(0, 0)] = -2.0 * s);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Unbounded, "{}", s.message);
}

#[test]
fn hessian_beyond_any_regularization_is_singular() {
    // With scaling off, W = −2e45 needs δ > δ_max = 1e40.
    let mut p = Closure::new(1, 0, vec![1e-30]);
    p.f = Box::new(|x| -1e45 * x[0] * x[0]);
    p.grad = Box::new(|x, g| g[0] = -2e45 * x[0]);
    p.hess = Box::new(|_, s, _, mut h| h[(0, 0)] = -2e45 * s);
    let settings = Settings::builder()
        .max_gradient_scale(f64::INFINITY)
        .build()
        .unwrap();
    let s = solve(&mut p, &settings);
    assert_eq!(s.status, Status::Singular, "{}", s.message);
    assert_eq!(s.status.as_str(), "singular");
}

#[test]
fn wrong_derivatives_make_the_line_search_fail() {
    // The gradient has the wrong sign: every "descent" step goes uphill.
    let mut p = Closure::new(1, 0, vec![1.0]);
    p.f = Box::new(|x| x[0] * x[0]);
    p.grad = Box::new(|x, g| g[0] = -2.0 * x[0]);
    p.hess = Box::new(|_, s, _, mut h| h[(0, 0)] = 2.0 * s);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::LineSearchFailed, "{}", s.message);
    assert_eq!(s.x, vec![1.0]);
}

#[test]
fn start_of_the_wrong_length_is_an_invalid_problem() {
    let mut p = Closure::new(3, 0, vec![1.0]);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::InvalidProblem);
    assert!(s.message.contains("3 variables"), "{}", s.message);
}

/// Wraps a problem, multiplying its objective by a factor.
struct ScaledObjective<P>(P, f64);

impl<P: NlpProblem> NlpProblem for ScaledObjective<P> {
    fn num_variables(&self) -> usize {
        self.0.num_variables()
    }
    fn num_constraints(&self) -> usize {
        self.0.num_constraints()
    }
    fn start(&self) -> Vec<f64> {
        self.0.start()
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        self.1 * self.0.objective(x)
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        self.0.gradient(x, grad);
        grad.iter_mut().for_each(|g| *g *= self.1);
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        self.0.constraints(x, values)
    }
    fn jacobian(&mut self, x: &[f64], jac: faer::MatMut<'_, f64>) {
        self.0.jacobian(x, jac)
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        hess: faer::MatMut<'_, f64>,
    ) {
        self.0
            .hessian_of_lagrangian(x, self.1 * objective_factor, lambda, hess)
    }
}

#[test]
fn badly_scaled_objectives_still_converge() {
    // (Objectives scaled down are judged against the contract's absolute
    // floor max(1, ‖∇f‖∞), so they converge to looser x; not tested here.)
    for scale in [1e8, 1e4] {
        for p in problems() {
            let name = p.name;
            let mut scaled = ScaledObjective(p, scale);
            let s = solve(&mut scaled, &Settings::default());
            assert_eq!(
                s.status,
                Status::Converged,
                "{name} ×{scale}: {}",
                s.message
            );
            assert!(
                p.matches_optimum(&s.x, 1e-4, 3e-2),
                "{name} ×{scale}: {:?}",
                s.x
            );
        }
    }
}

#[test]
fn badly_scaled_constraints_converge_relative_to_their_terms() {
    // min x² + y² s.t. 1e8·x + 1e8·y = 1e8 (terms of size 1e8).
    let mut p = sum_of_squares(2, vec![(vec![1e8, 1e8], 1e8)], vec![3.0, -7.0]);
    p.mags = Some(Box::new(|x, m| m[0] = (1e8 * (x[0] + x[1])).abs().max(1e8)));
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    assert!(close(s.x[0], 0.5, 1e-8));
    assert!(
        close(s.multipliers[0], 1e-8, 1e-6),
        "λ = {}",
        s.multipliers[0]
    );
}

#[test]
fn far_starts_converge() {
    // Nearest point on the unit circle to (3, 4), from far away.
    for start in [vec![1e4, -3e4], vec![-1e6, 1.0], vec![1e-3, 1e-3]] {
        let mut p = Closure::new(2, 1, start.clone());
        p.f = Box::new(|x| (x[0] - 3.0).powi(2) + (x[1] - 4.0).powi(2));
        p.grad = Box::new(|x, g| {
            g[0] = 2.0 * (x[0] - 3.0);
            g[1] = 2.0 * (x[1] - 4.0);
        });
        p.cons = Box::new(|x, c| c[0] = x[0] * x[0] + x[1] * x[1] - 1.0);
        p.jac = Box::new(|x, mut j| {
            j[(0, 0)] = 2.0 * x[0];
            j[(0, 1)] = 2.0 * x[1];
        });
        p.hess = Box::new(|_, s, l, mut h| {
            h[(0, 0)] = 2.0 * s - 2.0 * l[0];
            h[(1, 1)] = 2.0 * s - 2.0 * l[0];
        });
        p.mags = Some(Box::new(|x, m| m[0] = (x[0] * x[0] + x[1] * x[1]).max(1.0)));
        let s = solve(&mut p, &Settings::default());
        assert_eq!(s.status, Status::Converged, "{start:?}: {}", s.message);
        assert!(
            close(s.x[0], 0.6, 1e-8) && close(s.x[1], 0.8, 1e-8),
            "{start:?}: {:?}",
            s.x
        );
        println!("circle from {start:?}: {} iterations", s.iterations);
    }
}
