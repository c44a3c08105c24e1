//! The Rust API for bounds, inequalities and ranges: the bounds and ends as
//! compiled, the constraint values and magnitudes the solver sees, the typed
//! errors, the readable active set and the KKT residual at any (x, λ, z).
//! (Solutions of bounded problems are the interior-point method's tests.)

use lagrange::autodiff::Tensor;
use lagrange::problem::{
    kkt_residual, ActiveKind, CompiledProblem, ConstraintKind, NamedSolution, Problem, ProblemError,
};
use lagrange::solver::{Activity, NlpProblem, Settings};

const INF: f64 = f64::INFINITY;

fn bounds(p: &CompiledProblem) -> (Vec<f64>, Vec<f64>) {
    let n = p.num_variables();
    let (mut lo, mut hi) = (vec![0.0; n], vec![0.0; n]);
    p.variable_bounds(&mut lo, &mut hi);
    (lo, hi)
}

fn ends(p: &CompiledProblem) -> (Vec<f64>, Vec<f64>) {
    let m = p.num_constraints();
    let (mut lo, mut hi) = (vec![0.0; m], vec![0.0; m]);
    p.constraint_bounds(&mut lo, &mut hi);
    (lo, hi)
}

/// x (scalar), w (3), with one of each kind of constraint.
fn example() -> (Problem, Tensor, Tensor) {
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 1.0);
    let w = p.vector_variable("w", vec![0.5, -1.0, 2.0]);
    p.minimize(&x * &x + w.dot(&w));
    p.constraint("sum", &x + &w.sum(), 3.0);
    p.at_most("cap", w.clone(), Tensor::vector(vec![1.0, 2.0, 3.0]));
    p.at_least("floor", &x * 2.0, 1.0);
    p.between("band", Tensor::vector(vec![-1.0, 0.0, 1.0]), &w * 3.0, 4.0);
    (p, x, w)
}

#[test]
fn bounds_per_element_scalar_and_none() {
    let (mut p, x, w) = example();
    p.lower_bound(&x, 0.0);
    p.upper_bound(&w, vec![1.0, INF, 2.0]);
    p.lower_bound(&w, [-1e20, -5.0, 2.0]);
    let c = p.compile().unwrap();
    let (lo, hi) = bounds(&c);
    assert_eq!(lo, [0.0, -INF, -5.0, 2.0]);
    assert_eq!(hi, [INF, 1.0, INF, 2.0]);
}

#[test]
fn a_later_bound_replaces_an_earlier_one() {
    let (mut p, x, _) = example();
    p.upper_bound(&x, 1.0);
    p.upper_bound(&x, 7.0);
    let (_, hi) = bounds(&p.compile().unwrap());
    assert_eq!(hi[0], 7.0);
}

#[test]
fn constraint_ends_kinds_values_and_magnitudes() {
    let (p, _, _) = example();
    let mut c = p.compile().unwrap();
    let kinds: Vec<ConstraintKind> = c.layout().constraints.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ConstraintKind::Equation,
            ConstraintKind::AtMost,
            ConstraintKind::AtLeast,
            ConstraintKind::Range
        ]
    );
    let (lo, hi) = ends(&c);
    assert_eq!(lo, [0.0, -INF, -INF, -INF, 0.0, -1.0, 0.0, 1.0]);
    assert_eq!(hi, [0.0, 0.0, 0.0, 0.0, INF, 4.0, 4.0, 4.0]);
    // g = lhs − rhs, and e itself for the range.
    let x = c.start();
    let mut g = vec![0.0; 8];
    c.constraints(&x, &mut g);
    assert_eq!(g, [1.0 + 1.5 - 3.0, -0.5, -3.0, -1.0, 1.0, 1.5, -3.0, 6.0]);
    // max(|lhs|, |rhs|), and |e| for the range.
    let mut mag = vec![0.0; 8];
    c.constraint_magnitudes(&x, &mut mag);
    assert_eq!(mag, [3.0, 1.0, 2.0, 3.0, 2.0, 1.5, 3.0, 6.0]);
}

#[test]
fn a_range_with_equal_ends_is_an_equation_on_e() {
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 2.0);
    p.minimize(&x * &x);
    p.between("pin", 1.5, &x * 1.0, 1.5);
    let mut c = p.compile().unwrap();
    assert_eq!(ends(&c), (vec![1.5], vec![1.5]));
    let mut g = [0.0];
    c.constraints(&[2.0], &mut g);
    assert_eq!(g, [2.0]);
}

#[test]
fn typed_errors() {
    let err = |f: &dyn Fn(&mut Problem, &Tensor, &Tensor)| {
        let (mut p, x, w) = example();
        f(&mut p, &x, &w);
        p.compile().err().expect("an error")
    };
    assert_eq!(
        err(&|p, _, _| p.lower_bound(&Tensor::scalar(1.0), 0.0)),
        ProblemError::BoundNotVariable {
            side: "lower",
            shape: vec![]
        }
    );
    assert_eq!(
        err(&|p, _, w| p.upper_bound(w, vec![1.0, 2.0])),
        ProblemError::BoundLength {
            name: "w".into(),
            side: "upper",
            expected: 3,
            found: 2
        }
    );
    assert_eq!(
        err(&|p, _, w| p.upper_bound(w, vec![1.0, f64::NAN, 2.0])),
        ProblemError::NanBound {
            what: "variable 'w'".into(),
            index: 1
        }
    );
    let crossed = err(&|p, _, w| {
        p.lower_bound(w, 0.0);
        p.upper_bound(w, vec![1.0, 1.0, -2.0]);
    });
    assert_eq!(
        crossed,
        ProblemError::CrossedBounds {
            name: "w".into(),
            index: 2,
            lower: 0.0,
            upper: -2.0
        }
    );
    assert!(crossed
        .to_string()
        .contains("lower bound 0 > upper bound -2 at element 2"));
    let range = err(&|p, x, _| p.between("r", 2.0, x.clone(), 1.0));
    assert_eq!(
        range,
        ProblemError::CrossedRange {
            name: "r".into(),
            index: 0,
            lo: 2.0,
            hi: 1.0
        }
    );
    assert!(range.to_string().contains("'r'") && range.to_string().contains("2 > upper end 1"));
    assert!(matches!(
        err(&|p, x, w| p.between("r", x * 1.0, w.clone(), 1.0)),
        ProblemError::RangeEndNotConstant { end: "lower", .. }
    ));
    assert!(matches!(
        err(&|p, _, w| p.between("r", 0.0, w.clone(), Tensor::vector(vec![1.0, 2.0]))),
        ProblemError::RangeEndShape { end: "upper", .. }
    ));
    assert!(matches!(
        err(&|p, x, _| p.between("r", f64::NAN, x.clone(), 1.0)),
        ProblemError::NanBound { .. }
    ));
}

/// A solved example whose activities and multipliers are then set by hand,
/// as the interior-point method would report them.
fn hand_built() -> NamedSolution {
    let (mut p, x, w) = example();
    p.lower_bound(&x, 0.0);
    p.upper_bound(&w, 5.0);
    let mut s = p.solve(&Settings::default()).unwrap();
    s.solution.multipliers = vec![1.0, -0.5, 0.0, 0.0, 2.0, 0.0, 0.0, -3.0];
    s.solution.constraint_activity = vec![
        Activity::Fixed,
        Activity::Upper,
        Activity::Inactive,
        Activity::Inactive,
        Activity::Lower,
        Activity::Inactive,
        Activity::Inactive,
        Activity::Upper,
    ];
    s.solution.bound_multipliers = vec![4.0, 0.0, -6.0, 0.0];
    s.solution.bound_activity = vec![
        Activity::Lower,
        Activity::Inactive,
        Activity::Upper,
        Activity::Inactive,
    ];
    s
}

#[test]
fn bound_multipliers_by_name_and_the_active_set() {
    let s = hand_built();
    assert_eq!(s.bound_multiplier("x"), [4.0]);
    assert_eq!(s.bound_multiplier("w"), [0.0, -6.0, 0.0]);
    let active: Vec<String> = s.active_set().iter().map(|a| a.to_string()).collect();
    assert_eq!(
        active,
        [
            "constraint cap[0] at its upper end, λ = -0.5",
            "constraint floor at its lower end, λ = 2",
            "constraint band[2] at its upper end, λ = -3",
            "bound x at its lower end, z = 4",
            "bound w[1] at its upper end, z = -6",
        ]
    );
    assert_eq!(s.active_set()[3].kind, ActiveKind::Bound);
}

#[test]
fn kkt_residual_parts_by_hand() {
    // min x² + y² with x + y >= 1 (λ), x <= 0.2 bound (z): at x = 0.2,
    // y = 0.8, λ = 1.6, z = 0.4 − 1.6 = −1.2 the KKT conditions hold.
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 0.0);
    let y = p.scalar_variable("y", 0.0);
    p.minimize(&x * &x + &y * &y);
    p.at_least("sum", &x + &y, 1.0);
    p.upper_bound(&x, 0.2);
    let mut c = p.compile().unwrap();
    let r = kkt_residual(&mut c, &[0.2, 0.8], &[1.6], &[-1.2, 0.0]);
    assert!(r.value() < 1e-15, "{r:?}");
    // A wrong-sign λ (an active >= of a minimization needs λ ≥ 0) and a z
    // on the missing lower bound: both count fully.
    let r = kkt_residual(&mut c, &[0.2, 0.8], &[-1.0], &[0.5, 0.0]);
    assert_eq!(r.wrong_sign, 1.0);
    // λ of the right sign, slack 0.5 away from the end: complementarity.
    let r = kkt_residual(&mut c, &[0.2, 1.3], &[2.0], &[0.0, 0.0]);
    assert!((r.complementarity - 1.0).abs() < 1e-15);
    assert_eq!(r.violation, 0.0);
    // Outside the bound and below the inequality: violations.
    let r = kkt_residual(&mut c, &[0.5, 0.1], &[0.0], &[0.0, 0.0]);
    assert!((r.violation - 0.4).abs() < 1e-15);
    assert_eq!(r.lagrangian_gradient, [1.0, 0.2]);
}

#[test]
fn kkt_residual_of_equations_is_the_classic_one() {
    // f = xy, g = x + y − 10; at (4, 7) with λ = 3: ∇f − λ∇g = (4, 1), |g| = 1.
    let mut p = Problem::new();
    let x = p.scalar_variable("x", 0.0);
    let y = p.scalar_variable("y", 0.0);
    p.maximize(&x * &y);
    p.constraint("budget", &x + &y, 10.0);
    let mut c = p.compile().unwrap();
    let r = kkt_residual(&mut c, &[4.0, 7.0], &[3.0], &[0.0, 0.0]);
    assert_eq!(r.lagrangian_gradient, [4.0, 1.0]);
    assert_eq!(r.value(), 4.0);
    let r = kkt_residual(&mut c, &[5.0, 5.5], &[100.0], &[0.0, 0.0]);
    // ∇f = (5.5, 5) − 100·(1, 1): the larger part is 95.
    assert_eq!(r.value(), 95.0);
}
