//! Problems with inequalities whose objective is unbounded in the direction
//! of optimization over the feasible set: the status must say so (the
//! contract's `unbounded`, exit status 1, the JSON still printed), and must
//! never be `converged`. (Objectives bounded only by bounds, and unbounded
//! along equations, are in tests/solver_inequalities.rs and
//! tests/solver_statuses.rs.)

use lagrange::autodiff::Tensor;
use lagrange::problem::Problem;
use lagrange::solver::{Settings, Status};
use lagrange_test_support::cli;

/// `lagrange solve FILE --json` on a problem written to a scratch file.
fn solve_file(test: &str, problem: &str) -> (Option<i32>, serde_json::Value) {
    let dir = cli::scratch(test);
    let path = cli::write(&dir, "problem.json", problem);
    cli::json(&["solve", cli::s(&path), "--json"])
}

#[test]
fn a_convex_objective_maximized_above_an_inequality_is_unbounded() {
    // maximize x² subject to x >= 1: x → ∞.
    let (code, out) = solve_file(
        "maximize_square",
        r#"{"variables": [{"name": "x", "start": 2.0}],
            "maximize": "x^2", "constraints": ["x >= 1"]}"#,
    );
    assert_eq!(out["status"], "unbounded", "{out}");
    assert_eq!(code, Some(1));
    assert!(out["objective"].as_f64().unwrap() > 1e20, "{out}");
    assert!(out["message"].as_str().unwrap().contains("unbounded"));
    assert_eq!(out["constraint_violation"], 0.0, "{out}");
}

#[test]
fn a_saddle_objective_on_the_positive_quadrant_is_unbounded() {
    // minimize −xy subject to x >= 0, y >= 0 (inequality rows, not bounds):
    // f → −∞ along x = y → ∞.
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 1.0);
    let y = p.scalar_variable("y", 1.0);
    p.minimize(-(&x * &y));
    p.at_least("x_nonnegative", x.clone(), 0.0);
    p.at_least("y_nonnegative", y.clone(), 0.0);
    let s = p.solve(&Settings::default()).unwrap().solution;
    assert_eq!(s.status, Status::Unbounded, "{}", s.message);
    assert!(s.objective < -1e20, "{}", s.objective);
    assert!(s.x.iter().all(|&v| v >= 0.0), "{:?}", s.x);
}

/// The issue's example and its relatives: linear objectives unbounded along
/// inequality rows. The slack's step is limited only by its Σₜ⁻¹ (the
/// barrier's curvature), so the iterates diverge geometrically to the
/// unboundedness test instead of creeping along by a capped step.
#[test]
fn linear_objectives_unbounded_along_inequalities_are_unbounded() {
    for (name, problem) in [
        (
            "minus_x",
            r#"{"variables": [{"name": "x", "start": 1.0}],
                "minimize": "-x", "constraints": ["x >= 0"]}"#,
        ),
        (
            "minus_x_from_outside",
            r#"{"variables": [{"name": "x", "start": -5.0}],
                "minimize": "-x", "constraints": ["x >= 0"]}"#,
        ),
        (
            "wide_range",
            r#"{"variables": [{"name": "x", "start": 1.0}],
                "minimize": "-x", "constraints": ["1 <= x <= 1e30"]}"#,
        ),
        (
            "cone",
            r#"{"variables": [{"name": "x", "size": 2, "start": 0.0}],
                "maximize": "x[0] + 2 * x[1]",
                "constraints": ["x[0] - x[1] <= 1", "x[1] - 2 * x[0] <= 3"]}"#,
        ),
        (
            "with_a_bound",
            r#"{"variables": [{"name": "x", "start": 0.0}, {"name": "y", "start": 0.0, "upper": 2}],
                "minimize": "-x - y", "constraints": ["x + y >= 1"]}"#,
        ),
    ] {
        let (code, out) = solve_file(name, problem);
        let status = out["status"].as_str().unwrap();
        assert_eq!(status, "unbounded", "{name}: {out}");
        assert_eq!(code, Some(1), "{name}");
        // Driven far in the direction of optimization, feasibly.
        let f = out["objective"].as_f64().unwrap();
        let sense = if problem.contains("maximize") {
            1.0
        } else {
            -1.0
        };
        assert!(sense * f > 1e20, "{name}: objective {f}");
        assert_eq!(out["constraint_violation"], 0.0, "{name}: {out}");
    }
}

#[test]
fn a_bounded_twin_of_the_unbounded_problem_converges() {
    // The same objective with the inequality closed by a second one: the
    // solver must not call everything with a linear objective unbounded.
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 1.0);
    p.minimize(-x.clone());
    p.at_least("floor", x.clone(), 0.0);
    p.at_most("cap", x.clone(), Tensor::scalar(3.0));
    let s = p.solve(&Settings::default()).unwrap();
    assert_eq!(
        s.solution.status,
        Status::Converged,
        "{}",
        s.solution.message
    );
    assert!((s.value("x")[0] - 3.0).abs() < 1e-7);
    // d f*/d cap = −1: raising the cap lowers the minimum of −x.
    assert!((s.multiplier("cap")[0] + 1.0).abs() < 1e-7);
    assert_eq!(s.multiplier("floor")[0], 0.0);
}
