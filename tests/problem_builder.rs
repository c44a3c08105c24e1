//! The Rust problem API end to end: state with tensors, compile, solve, read
//! by name. Closed forms from the Lagrange conditions.

use approx::assert_relative_eq;
use lagrange::autodiff::Tensor;
use lagrange::problem::{Problem, ProblemError};
use lagrange::solver::{NlpProblem, PointKind, Settings, Status};

#[test]
fn budget_maximum_of_xy_on_a_line() {
    // ∇(xy) = λ∇(x + y): y = λ, x = λ, x + y = 10 → x = y = λ = 5, f = 25.
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 1.0);
    let y = p.scalar_variable("y", 2.0);
    p.maximize(&x * &y);
    p.constraint("budget", &x + &y, 10.0);
    let s = p.solve(&Settings::default()).unwrap();
    assert_eq!(s.status, Status::Converged);
    assert_relative_eq!(s.value("x")[0], 5.0, epsilon = 1e-9);
    assert_relative_eq!(s.value("y")[0], 5.0, epsilon = 1e-9);
    assert_relative_eq!(s.multiplier("budget")[0], 5.0, epsilon = 1e-9);
    assert_relative_eq!(s.objective, 25.0, epsilon = 1e-9);
    assert_eq!(s.point, Some(PointKind::Maximum));
}

#[test]
fn nearest_point_on_a_plane_vector_variable() {
    // min ‖w − p‖² s.t. aᵀw = c: w = p + t a with t = (c − aᵀp)/‖a‖²,
    // λ = d f*/dc = 2t (since f* = (c − aᵀp)²/‖a‖²).
    let (pt, a, c) = ([1.0, -2.0, 0.5], [1.0, 2.0, 2.0], 3.0);
    let mut prob = Problem::new();
    let w = prob.vector_variable("w", vec![0.0; 3]);
    let d = &w - &Tensor::vector(pt.to_vec());
    prob.minimize(d.dot(&d));
    prob.constraint("plane", w.dot(&Tensor::vector(a.to_vec())), c);
    let s = prob.solve(&Settings::default()).unwrap();
    let t = (c - (pt[0] * a[0] + pt[1] * a[1] + pt[2] * a[2])) / 9.0;
    assert_eq!(s.status, Status::Converged);
    for k in 0..3 {
        assert_relative_eq!(s.value("w")[k], pt[k] + t * a[k], epsilon = 1e-9);
    }
    assert_relative_eq!(s.multiplier("plane")[0], 2.0 * t, epsilon = 1e-9);
    assert_eq!(s.point, Some(PointKind::Minimum));
}

#[test]
fn vector_equation_with_scalar_right_side_and_magnitudes() {
    // x − 3 = 0 elementwise as one vector constraint; magnitudes are
    // max(|lhs|, |rhs|) per element, with the scalar rhs broadcast.
    let mut p = Problem::new();
    let x = p.vector_variable("x", vec![1.0, -5.0]);
    p.minimize(x.dot(&x));
    p.constraint("fix", x.clone(), 3.0);
    let mut c = p.compile().unwrap();
    let mut mags = vec![0.0; 2];
    c.constraint_magnitudes(&[1.0, -5.0], &mut mags);
    assert_eq!(mags, vec![3.0, 5.0]);
    let mut g = vec![0.0; 2];
    c.constraints(&[1.0, -5.0], &mut g);
    assert_eq!(g, vec![-2.0, -8.0]);
}

#[test]
fn statement_errors_are_reported() {
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 0.0);
    p.scalar_variable("x", 0.0);
    p.minimize(x.clone());
    assert!(matches!(
        p.compile(),
        Err(ProblemError::DuplicateName { .. })
    ));

    let mut p = Problem::new();
    p.scalar_variable("x", 0.0);
    assert_eq!(p.compile().err(), Some(ProblemError::MissingObjective));

    let mut p = Problem::new();
    let v = p.vector_variable("v", vec![1.0, 2.0]);
    p.minimize(v.clone());
    assert!(matches!(
        p.compile(),
        Err(ProblemError::ObjectiveNotScalar { .. })
    ));

    let mut p = Problem::new();
    let v = p.vector_variable("v", vec![1.0, f64::NAN]);
    p.minimize(v.sum());
    assert!(matches!(
        p.compile(),
        Err(ProblemError::NonFiniteStart { index: 1, .. })
    ));
}
