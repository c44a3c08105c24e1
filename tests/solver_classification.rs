//! Second-order classification of the returned point on the tangent space
//! of the constraints: known minima, maxima, saddles and degenerate points.

use lagrange::solver::{solve, PointKind, Sense, Settings, Status};
use lagrange_test_support::Closure;

/// f = a x² + b y² + c z² with the constraint z = 0 (tangent space: x, y).
fn diagonal_quadratic(a: f64, b: f64, c: f64, sense: Sense, start: Vec<f64>) -> Closure {
    let mut p = Closure::new(3, 1, start);
    p.sense = sense;
    p.f = Box::new(move |x| a * x[0] * x[0] + b * x[1] * x[1] + c * x[2] * x[2]);
    p.grad = Box::new(move |x, g| {
        g[0] = 2.0 * a * x[0];
        g[1] = 2.0 * b * x[1];
        g[2] = 2.0 * c * x[2];
    });
    p.hess = Box::new(move |_, s, _, mut h| {
        h[(0, 0)] = 2.0 * a * s;
        h[(1, 1)] = 2.0 * b * s;
        h[(2, 2)] = 2.0 * c * s;
    });
    p.cons = Box::new(|x, v| v[0] = x[2]);
    p.jac = Box::new(|_, mut j| j[(0, 2)] = 1.0);
    p
}

fn classify(p: &mut Closure) -> Option<PointKind> {
    let s = solve(p, &Settings::default());
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    s.point
}

#[test]
fn known_minimum() {
    // x² + 2y² − 5z² on z = 0: the negative curvature is off the tangent space.
    let mut p = diagonal_quadratic(1.0, 2.0, -5.0, Sense::Minimize, vec![1.0, 1.0, 1.0]);
    assert_eq!(classify(&mut p), Some(PointKind::Minimum));
}

#[test]
fn known_maximum() {
    let mut p = diagonal_quadratic(-1.0, -3.0, 4.0, Sense::Maximize, vec![1.0, -2.0, 0.5]);
    assert_eq!(classify(&mut p), Some(PointKind::Maximum));
    // The same point found by a minimization is still a maximum of f.
    let mut p = diagonal_quadratic(-1.0, -3.0, 4.0, Sense::Minimize, vec![0.0, 0.0, 0.5]);
    assert_eq!(classify(&mut p), Some(PointKind::Maximum));
}

#[test]
fn known_saddle() {
    // x² − y² on z = 0, started on the x axis (y = 0 stays 0).
    let mut p = diagonal_quadratic(1.0, -1.0, 1.0, Sense::Minimize, vec![2.0, 0.0, 1.0]);
    assert_eq!(classify(&mut p), Some(PointKind::Saddle));
}

#[test]
fn known_degenerate_point() {
    // x² + 0·y²: flat along y.
    let mut p = diagonal_quadratic(1.0, 0.0, 1.0, Sense::Minimize, vec![2.0, 3.0, 1.0]);
    assert_eq!(classify(&mut p), Some(PointKind::Degenerate));
}

#[test]
fn curvature_of_the_constraints_counts() {
    // min x + y on the unit circle: f is linear, the minimum comes from the
    // constraint's curvature through λ (at (−1/√2, −1/√2), λ = −1/√2).
    let mut p = Closure::new(2, 1, vec![-0.5, -1.0]);
    p.f = Box::new(|x| x[0] + x[1]);
    p.grad = Box::new(|_, g| g.fill(1.0));
    p.cons = Box::new(|x, c| c[0] = x[0] * x[0] + x[1] * x[1] - 1.0);
    p.jac = Box::new(|x, mut j| {
        j[(0, 0)] = 2.0 * x[0];
        j[(0, 1)] = 2.0 * x[1];
    });
    p.hess = Box::new(|_, _, l, mut h| {
        h[(0, 0)] = -2.0 * l[0];
        h[(1, 1)] = -2.0 * l[0];
    });
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Converged);
    assert!((s.x[0] + 0.5f64.sqrt()).abs() < 1e-8);
    assert_eq!(s.point, Some(PointKind::Minimum));
    // Maximizing the same f gives the opposite point, a maximum.
    p.sense = Sense::Maximize;
    p.start = vec![0.5, 1.0];
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Converged);
    assert!((s.x[0] - 0.5f64.sqrt()).abs() < 1e-8);
    assert!(
        (s.multipliers[0] - 0.5f64.sqrt()).abs() < 1e-8,
        "λ = d f*/d rhs"
    );
    assert_eq!(s.point, Some(PointKind::Maximum));
}

#[test]
fn isolated_feasible_point_follows_the_sense() {
    // x = 1, y = 2: no tangent directions.
    for (sense, kind) in [
        (Sense::Minimize, PointKind::Minimum),
        (Sense::Maximize, PointKind::Maximum),
    ] {
        let mut p = Closure::new(2, 2, vec![0.0, 0.0]);
        p.sense = sense;
        p.f = Box::new(|x| x[0] * x[1]);
        p.grad = Box::new(|x, g| {
            g[0] = x[1];
            g[1] = x[0];
        });
        p.hess = Box::new(|_, s, _, mut h| {
            h[(0, 1)] = s;
            h[(1, 0)] = s;
        });
        p.cons = Box::new(|x, c| {
            c[0] = x[0] - 1.0;
            c[1] = x[1] - 2.0;
        });
        p.jac = Box::new(|_, mut j| {
            j[(0, 0)] = 1.0;
            j[(1, 1)] = 1.0;
        });
        assert_eq!(classify(&mut p), Some(kind));
    }
}
