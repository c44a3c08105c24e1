//! Bounds, inequalities and ranges through the interior-point method, on
//! problems with closed-form answers: the point, the multipliers in the
//! contract's convention (λ = d f*/d(active end), z = d f*/d(active bound),
//! checked against their formulas and against central differences of
//! re-solves), the activities, and honest statuses when there is no answer.

use faer::MatMut;
use lagrange::solver::{solve, Activity, Barrier, PointKind, Sense, Settings, Solution, Status};
use lagrange_test_support::Closure;

/// A problem written with plain functions: f, ∇f, g, J by rows, the
/// Hessians of f and of each gᵢ, bounds and constraint ends; it runs as the
/// shared closure problem ([`Closure`]), which forms the Hessian of
/// σf − Σ λᵢgᵢ.
struct Spec {
    n: usize,
    m: usize,
    sense: Sense,
    start: Vec<f64>,
    x_bounds: (Vec<f64>, Vec<f64>),
    g_bounds: (Vec<f64>, Vec<f64>),
    f: fn(&[f64]) -> f64,
    grad: fn(&[f64], &mut [f64]),
    g: fn(&[f64], &mut [f64]),
    jac: fn(&[f64], &mut [Vec<f64>]),
    /// Hessian of f (n × n) and of each gᵢ.
    hess_f: fn(&[f64], &mut [Vec<f64>]),
    hess_g: fn(usize, &[f64], &mut [Vec<f64>]),
}

impl From<Spec> for Closure {
    fn from(p: Spec) -> Closure {
        let (n, m) = (p.n, p.m);
        let (f, grad, g, jac, hess_f, hess_g) = (p.f, p.grad, p.g, p.jac, p.hess_f, p.hess_g);
        Closure {
            sense: p.sense,
            x_bounds: p.x_bounds,
            g_bounds: p.g_bounds,
            f: Box::new(f),
            grad: Box::new(grad),
            cons: Box::new(g),
            jac: Box::new(move |x, mut out: MatMut<'_, f64>| {
                let mut rows = vec![vec![0.0; n]; m];
                jac(x, &mut rows);
                for i in 0..m {
                    for j in 0..n {
                        out[(i, j)] = rows[i][j];
                    }
                }
            }),
            hess: Box::new(move |x, factor, lambda, mut out: MatMut<'_, f64>| {
                let mut h = vec![vec![0.0; n]; n];
                hess_f(x, &mut h);
                for r in 0..n {
                    for c in 0..n {
                        out[(r, c)] = factor * h[r][c];
                    }
                }
                for (i, l) in lambda.iter().enumerate() {
                    let mut h = vec![vec![0.0; n]; n];
                    hess_g(i, x, &mut h);
                    for r in 0..n {
                        for c in 0..n {
                            out[(r, c)] -= l * h[r][c];
                        }
                    }
                }
            }),
            ..Closure::new(n, m, p.start)
        }
    }
}

const INF: f64 = f64::INFINITY;

fn no_hess(_: &[f64], _: &mut [Vec<f64>]) {}
fn no_hess_g(_: usize, _: &[f64], _: &mut [Vec<f64>]) {}

/// Solves with both barrier updates; both converge to the same point.
fn solved(p: &mut Closure) -> Solution {
    let monotone = Settings::builder()
        .barrier(Barrier::Monotone)
        .build()
        .unwrap();
    let m = solve(p, &monotone);
    assert_eq!(m.status, Status::Converged, "monotone: {}", m.message);
    let s = solve(p, &Settings::default());
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    for (a, b) in m.x.iter().zip(&s.x) {
        assert!(
            close(*a, *b, 1e-7),
            "monotone {:?}, adaptive {:?}",
            m.x,
            s.x
        );
    }
    s
}

/// f* of a re-solve at tolerance 1e-11, for central differences.
fn optimum(mut p: Closure) -> f64 {
    let settings = Settings::builder().tolerance(1e-11).build().unwrap();
    let s = solve(&mut p, &settings);
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    s.objective
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

/// min (x − 2)² subject to x ≤ u: x = u, z = d f*/du = 2(u − 2) < 0.
fn upper_bounded(u: f64) -> Closure {
    Spec {
        n: 1,
        m: 0,
        sense: Sense::Minimize,
        start: vec![0.0],
        x_bounds: (vec![-INF], vec![u]),
        g_bounds: (vec![], vec![]),
        f: |x| (x[0] - 2.0).powi(2),
        grad: |x, g| g[0] = 2.0 * (x[0] - 2.0),
        g: |_, _| {},
        jac: |_, _| {},
        hess_f: |_, h| h[0][0] = 2.0,
        hess_g: no_hess_g,
    }
    .into()
}

#[test]
fn an_active_upper_bound_has_the_shadow_price_of_its_bound() {
    let s = solved(&mut upper_bounded(1.0));
    assert!(close(s.x[0], 1.0, 1e-8), "{:?}", s.x);
    assert!(
        close(s.bound_multipliers[0], -2.0, 1e-6),
        "{:?}",
        s.bound_multipliers
    );
    assert_eq!(s.bound_activity, vec![Activity::Upper]);
    assert_eq!(s.point, Some(PointKind::Minimum));
    // z = d f*/du by central differences of re-solves.
    let h = 1e-4;
    let fd = (optimum(upper_bounded(1.0 + h)) - optimum(upper_bounded(1.0 - h))) / (2.0 * h);
    assert!(close(s.bound_multipliers[0], fd, 1e-6), "{fd}");
}

#[test]
fn an_inactive_bound_reports_a_zero_multiplier() {
    let s = solved(&mut upper_bounded(5.0));
    assert!(close(s.x[0], 2.0, 1e-8));
    assert_eq!(s.bound_multipliers[0], 0.0);
    assert_eq!(s.bound_activity, vec![Activity::Inactive]);
}

/// min x² + y² subject to x + y ≥ lo: x = y = lo/2, λ = d f*/d lo = lo.
fn half_plane(lo: f64) -> Closure {
    Spec {
        n: 2,
        m: 1,
        sense: Sense::Minimize,
        start: vec![3.0, -1.0],
        x_bounds: (vec![-INF; 2], vec![INF; 2]),
        g_bounds: (vec![lo], vec![INF]),
        f: |x| x[0] * x[0] + x[1] * x[1],
        grad: |x, g| {
            g[0] = 2.0 * x[0];
            g[1] = 2.0 * x[1];
        },
        g: |x, c| c[0] = x[0] + x[1],
        jac: |_, j| j[0] = vec![1.0, 1.0],
        hess_f: |_, h| {
            h[0][0] = 2.0;
            h[1][1] = 2.0;
        },
        hess_g: no_hess_g,
    }
    .into()
}

#[test]
fn a_lower_end_has_a_nonnegative_multiplier_when_minimizing() {
    let s = solved(&mut half_plane(1.0));
    assert!(
        close(s.x[0], 0.5, 1e-8) && close(s.x[1], 0.5, 1e-8),
        "{:?}",
        s.x
    );
    assert!(close(s.multipliers[0], 1.0, 1e-6), "{:?}", s.multipliers);
    assert_eq!(s.constraint_activity, vec![Activity::Lower]);
    let h = 1e-4;
    let fd = (optimum(half_plane(1.0 + h)) - optimum(half_plane(1.0 - h))) / (2.0 * h);
    assert!(close(s.multipliers[0], fd, 1e-6), "{fd}");
    // Inactive: the unconstrained minimum is feasible.
    let s = solved(&mut half_plane(-1.0));
    assert!(s.x.iter().all(|x| x.abs() < 1e-7));
    assert_eq!(s.multipliers[0], 0.0);
    assert_eq!(s.constraint_activity, vec![Activity::Inactive]);
}

/// max x·y subject to x + 2y ≤ hi, x, y ≥ 0: x = hi/2, y = hi/4,
/// f* = hi²/8, λ = hi/4 (≥ 0: maximizing, an upper end's sign flips).
fn budget(hi: f64) -> Closure {
    Spec {
        n: 2,
        m: 1,
        sense: Sense::Maximize,
        start: vec![1.0, 1.0],
        x_bounds: (vec![0.0; 2], vec![INF; 2]),
        g_bounds: (vec![-INF], vec![0.0]),
        f: |x| x[0] * x[1],
        grad: |x, g| {
            g[0] = x[1];
            g[1] = x[0];
        },
        // g = lhs − rhs with the constant on the right: x + 2y − 4.
        g: |x, c| c[0] = x[0] + 2.0 * x[1] - 4.0,
        jac: |_, j| j[0] = vec![1.0, 2.0],
        hess_f: |_, h| {
            h[0][1] = 1.0;
            h[1][0] = 1.0;
        },
        hess_g: no_hess_g,
    }
    .with_rhs(hi)
    .into()
}

impl Spec {
    /// Moves the upper end of the single `lhs − 4 <= 0` row to hi − 4.
    fn with_rhs(mut self, hi: f64) -> Self {
        self.g_bounds.1[0] = hi - 4.0;
        self
    }
}

#[test]
fn maximizing_under_a_budget_gives_the_budgets_shadow_price() {
    let s = solved(&mut budget(4.0));
    assert!(
        close(s.x[0], 2.0, 1e-8) && close(s.x[1], 1.0, 1e-8),
        "{:?}",
        s.x
    );
    assert!(close(s.objective, 2.0, 1e-8));
    assert!(close(s.multipliers[0], 1.0, 1e-6), "{:?}", s.multipliers);
    assert_eq!(s.bound_multipliers, vec![0.0, 0.0]);
    assert_eq!(s.point, Some(PointKind::Maximum));
    let h = 1e-4;
    let fd = (optimum(budget(4.0 + h)) - optimum(budget(4.0 - h))) / (2.0 * h);
    assert!(close(s.multipliers[0], fd, 1e-6), "{fd}");
}

/// min (x − 3)² subject to the range 0 ≤ x ≤ hi (g = x): λ = 2(hi − 3).
fn range(hi: f64) -> Closure {
    Spec {
        n: 1,
        m: 1,
        sense: Sense::Minimize,
        start: vec![0.5],
        x_bounds: (vec![-INF], vec![INF]),
        g_bounds: (vec![0.0], vec![hi]),
        f: |x| (x[0] - 3.0).powi(2),
        grad: |x, g| g[0] = 2.0 * (x[0] - 3.0),
        g: |x, c| c[0] = x[0],
        jac: |_, j| j[0] = vec![1.0],
        hess_f: |_, h| h[0][0] = 2.0,
        hess_g: no_hess_g,
    }
    .into()
}

#[test]
fn a_range_reports_the_multiplier_of_its_active_end() {
    let s = solved(&mut range(1.0));
    assert!(close(s.x[0], 1.0, 1e-8));
    assert!(close(s.multipliers[0], -4.0, 1e-6), "{:?}", s.multipliers);
    assert_eq!(s.constraint_activity, vec![Activity::Upper]);
}

#[test]
fn inconsistent_inequalities_are_infeasible_not_converged() {
    // x² + y² ≤ −1.
    let mut p: Closure = Spec {
        n: 2,
        m: 1,
        sense: Sense::Minimize,
        start: vec![1.0, 1.0],
        x_bounds: (vec![-INF; 2], vec![INF; 2]),
        g_bounds: (vec![-INF], vec![0.0]),
        f: |x| x[0] + x[1],
        grad: |_, g| g.fill(1.0),
        g: |x, c| c[0] = x[0] * x[0] + x[1] * x[1] + 1.0,
        jac: |x, j| j[0] = vec![2.0 * x[0], 2.0 * x[1]],
        hess_f: no_hess,
        hess_g: |_, _, h| {
            h[0][0] = 2.0;
            h[1][1] = 2.0;
        },
    }
    .into();
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Infeasible, "{}", s.message);
    assert!(s.constraint_violation >= 1.0 - 1e-6);
}

#[test]
fn an_objective_bounded_only_on_one_side_is_unbounded() {
    // min x subject to x ≤ 0.
    let mut p: Closure = Spec {
        n: 1,
        m: 0,
        sense: Sense::Minimize,
        start: vec![-1.0],
        x_bounds: (vec![-INF], vec![0.0]),
        g_bounds: (vec![], vec![]),
        f: |x| x[0],
        grad: |_, g| g[0] = 1.0,
        g: |_, _| {},
        jac: |_, _| {},
        hess_f: no_hess,
        hess_g: no_hess_g,
    }
    .into();
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::Unbounded, "{}", s.message);
}

#[test]
fn the_argmin_adapter_runs_the_interior_point_method() {
    use argmin::core::Executor;
    use lagrange::solver::NewtonKkt;
    let result = Executor::new(budget(4.0), NewtonKkt::new(Settings::default()))
        .configure(|state| state.max_iters(100))
        .run()
        .unwrap();
    let s = result.state().solution().unwrap();
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    let direct = solve(&mut budget(4.0), &Settings::default());
    assert_eq!(s.iterations, direct.iterations);
    assert_eq!(s.x, direct.x);
    assert!(close(s.multipliers[0], 1.0, 1e-6));
}

/// min (x − 1)² + (y − 2)² with y fixed at `value` (lower = upper) and
/// x + y ≥ 0 (inactive): x = 1, z_y = d f*/d value = 2 (value − 2).
fn fixed(value: f64) -> Closure {
    Spec {
        n: 2,
        m: 1,
        sense: Sense::Minimize,
        start: vec![5.0, -7.0],
        x_bounds: (vec![-INF, value], vec![INF, value]),
        g_bounds: (vec![0.0], vec![INF]),
        f: |x| (x[0] - 1.0).powi(2) + (x[1] - 2.0).powi(2),
        grad: |x, g| {
            g[0] = 2.0 * (x[0] - 1.0);
            g[1] = 2.0 * (x[1] - 2.0);
        },
        g: |x, c| c[0] = x[0] + x[1],
        jac: |_, j| j[0] = vec![1.0, 1.0],
        hess_f: |_, h| {
            h[0][0] = 2.0;
            h[1][1] = 2.0;
        },
        hess_g: no_hess_g,
    }
    .into()
}

#[test]
fn a_fixed_variable_keeps_its_value_and_reports_its_shadow_price() {
    let s = solved(&mut fixed(3.0));
    assert_eq!(s.x[1], 3.0, "the fixed value exactly");
    assert!(close(s.x[0], 1.0, 1e-8), "{:?}", s.x);
    assert_eq!(s.bound_activity[1], Activity::Fixed);
    assert!(
        close(s.bound_multipliers[1], 2.0, 1e-8),
        "{:?}",
        s.bound_multipliers
    );
    assert_eq!(s.bound_multipliers[0], 0.0);
    assert_eq!(s.multipliers[0], 0.0, "x + y ≥ 0 is inactive");
    let h = 1e-4;
    let fd = (optimum(fixed(3.0 + h)) - optimum(fixed(3.0 - h))) / (2.0 * h);
    assert!(close(s.bound_multipliers[1], fd, 1e-6), "{fd}");
}

#[test]
fn a_start_outside_the_bounds_is_moved_inside() {
    // upper_bounded(1.0) starts at 0; start it at 10, beyond x ≤ 1.
    let mut p = upper_bounded(1.0);
    p.start = vec![10.0];
    let s = solved(&mut p);
    assert!(s.x[0] <= 1.0, "the returned point satisfies its bound");
    assert!(close(s.x[0], 1.0, 1e-8));
}

#[test]
fn crossed_bounds_are_an_invalid_problem() {
    let mut p = upper_bounded(1.0);
    p.x_bounds = (vec![2.0], vec![1.0]);
    let s = solve(&mut p, &Settings::default());
    assert_eq!(s.status, Status::InvalidProblem);
    assert!(s.message.contains("variable 0"), "{}", s.message);
}

#[test]
fn an_objective_bounded_only_by_its_bounds_stops_at_them() {
    // min x − 2y on the box [0, 1]²: x = 0 (z = 1), y = 1 (z = −2).
    let mut p: Closure = Spec {
        n: 2,
        m: 0,
        sense: Sense::Minimize,
        start: vec![0.5, 0.5],
        x_bounds: (vec![0.0, 0.0], vec![1.0, 1.0]),
        g_bounds: (vec![], vec![]),
        f: |x| x[0] - 2.0 * x[1],
        grad: |_, g| {
            g[0] = 1.0;
            g[1] = -2.0;
        },
        g: |_, _| {},
        jac: |_, _| {},
        hess_f: no_hess,
        hess_g: no_hess_g,
    }
    .into();
    let s = solved(&mut p);
    assert!(s.x[0].abs() < 1e-8 && close(s.x[1], 1.0, 1e-8), "{:?}", s.x);
    assert!(close(s.bound_multipliers[0], 1.0, 1e-8));
    assert!(close(s.bound_multipliers[1], -2.0, 1e-8));
    assert_eq!(s.bound_activity, vec![Activity::Lower, Activity::Upper]);
    assert_eq!(
        s.point,
        Some(PointKind::Minimum),
        "T = {{0}} for a minimization"
    );
}

#[test]
fn a_duplicated_inequality_shares_its_shadow_price() {
    // min x² + y² with x + y ≥ 1 written twice: λ₁ + λ₂ = d f*/d lo = 1,
    // each ≥ 0 (the split is not unique).
    let mut p = half_plane(1.0);
    p.m = 2;
    p.g_bounds = (vec![1.0, 1.0], vec![INF, INF]);
    p.cons = Box::new(|x, c| {
        c[0] = x[0] + x[1];
        c[1] = x[0] + x[1];
    });
    p.jac = Box::new(|_, mut j| {
        for i in 0..2 {
            j[(i, 0)] = 1.0;
            j[(i, 1)] = 1.0;
        }
    });
    let s = solved(&mut p);
    assert!(
        close(s.x[0], 0.5, 1e-8) && close(s.x[1], 0.5, 1e-8),
        "{:?}",
        s.x
    );
    let total = s.multipliers[0] + s.multipliers[1];
    assert!(close(total, 1.0, 1e-6), "{:?}", s.multipliers);
    assert!(s.multipliers.iter().all(|&l| l >= -1e-8));
}

#[test]
fn a_weakly_active_bound_has_a_zero_multiplier() {
    // min x² subject to x ≥ 0: x = 0 with z = 0; in or out of the tangent
    // space, the curvature says minimum.
    let mut p: Closure = Spec {
        n: 1,
        m: 0,
        sense: Sense::Minimize,
        start: vec![1.0],
        x_bounds: (vec![0.0], vec![INF]),
        g_bounds: (vec![], vec![]),
        f: |x| x[0] * x[0],
        grad: |x, g| g[0] = 2.0 * x[0],
        g: |_, _| {},
        jac: |_, _| {},
        hess_f: |_, h| h[0][0] = 2.0,
        hess_g: no_hess_g,
    }
    .into();
    let s = solved(&mut p);
    assert!(s.x[0] >= 0.0 && s.x[0] < 1e-7, "{:?}", s.x);
    assert!(s.bound_multipliers[0].abs() < 1e-7);
    assert_eq!(s.point, Some(PointKind::Minimum));
}

#[test]
fn a_warm_start_from_a_nearby_solution_takes_fewer_iterations() {
    let first = solved(&mut budget(4.0));
    let cold = solved(&mut budget(4.2));
    let warm = Settings::builder()
        .warm_start(lagrange::solver::WarmStart {
            x: first.x.clone(),
            multipliers: first.multipliers.clone(),
            bound_multipliers: first.bound_multipliers.clone(),
        })
        .build()
        .unwrap();
    let s = solve(&mut budget(4.2), &warm);
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    assert!(
        close(s.x[0], 2.1, 1e-8) && close(s.x[1], 1.05, 1e-8),
        "{:?}",
        s.x
    );
    assert!(
        s.iterations < cold.iterations,
        "warm {} vs cold {} iterations",
        s.iterations,
        cold.iterations
    );
}
