//! Problems with closed-form solutions: quadratic programs with linear
//! constraints, entropy maximization, minimum-variance portfolio, Rayleigh
//! quotient, nearest points on a sphere and an ellipse, and the budget
//! problem. Multipliers are also checked as sensitivities of the optimal
//! value to the right-hand side.

use faer::prelude::Solve;
use faer::{Mat, Side};
use lagrange::solver::{solve, PointKind, Sense, Settings, Solution, Status};
use lagrange_test_support::{check_derivatives, close, Closure, Rng};

fn tight() -> Settings {
    Settings::builder().tolerance(1e-12).build().unwrap()
}

fn assert_converged(s: &Solution) {
    assert_eq!(
        s.status,
        Status::Converged,
        "{}: {:?}",
        s.message,
        s.history
    );
}

/// min ½xᵀQx + cᵀx s.t. Ax = b + shift·1.
fn quadratic(q: &Mat<f64>, c: &[f64], a: &Mat<f64>, b: &[f64], shift: f64) -> Closure {
    let (n, m) = (q.nrows(), a.nrows());
    let mut p = Closure::new(n, m, vec![1.0; n]);
    let (q1, c1) = (q.clone(), c.to_vec());
    p.f = Box::new(move |x| {
        let mut f = 0.0;
        for i in 0..n {
            f += c1[i] * x[i];
            for j in 0..n {
                f += 0.5 * x[i] * q1[(i, j)] * x[j];
            }
        }
        f
    });
    let (q2, c2) = (q.clone(), c.to_vec());
    p.grad = Box::new(move |x, g| {
        for i in 0..n {
            g[i] = c2[i] + (0..n).map(|j| q2[(i, j)] * x[j]).sum::<f64>();
        }
    });
    let (a1, b1) = (a.clone(), b.to_vec());
    p.cons = Box::new(move |x, v| {
        for i in 0..m {
            v[i] = (0..n).map(|j| a1[(i, j)] * x[j]).sum::<f64>() - b1[i] - shift;
        }
    });
    let a2 = a.clone();
    p.jac = Box::new(move |_, mut jac| jac.copy_from(&a2));
    let q3 = q.clone();
    p.hess = Box::new(move |_, s, _, mut h| {
        for i in 0..n {
            for j in 0..n {
                h[(i, j)] = s * q3[(i, j)];
            }
        }
    });
    p
}

/// A random convex QP (Q positive definite, random c, A, b) with `m`
/// constraints, and its solution (x, λ) from one LU solve of
/// [Q −Aᵀ; A 0] (x, λ) = (−c, b).
fn random_qp(rng: &mut Rng, n: usize, m: usize) -> (Closure, Mat<f64>) {
    let q = rng.spd(n);
    let c: Vec<f64> = (0..n).map(|_| rng.next()).collect();
    let a = Mat::from_fn(m, n, |_, _| rng.next());
    let b: Vec<f64> = (0..m).map(|_| rng.next()).collect();
    let k = Mat::from_fn(n + m, n + m, |i, j| match (i < n, j < n) {
        (true, true) => q[(i, j)],
        (true, false) => -a[(j - n, i)],
        (false, true) => a[(i - n, j)],
        (false, false) => 0.0,
    });
    let rhs = Mat::from_fn(n + m, 1, |i, _| if i < n { -c[i] } else { b[i - n] });
    let reference = k.full_piv_lu().solve(&rhs);
    (quadratic(&q, &c, &a, &b, 0.0), reference)
}

#[test]
fn quadratic_with_linear_constraints_matches_one_kkt_solve() {
    let mut rng = Rng::new(7);
    for (n, m) in [(2, 1), (5, 2), (12, 5), (30, 10)] {
        let (mut p, reference) = random_qp(&mut rng, n, m);
        check_derivatives(&mut p, &vec![0.3; n], &vec![0.5; m], 1e-6);
        let s = solve(&mut p, &Settings::default());
        assert_converged(&s);
        let tol = 1e-9 * n as f64;
        for i in 0..n {
            assert!(close(s.x[i], reference[(i, 0)], tol), "x[{i}] n={n}");
        }
        for i in 0..m {
            assert!(
                close(s.multipliers[i], reference[(n + i, 0)], tol),
                "λ[{i}] n={n}"
            );
        }
        // A convex QP is solved by one Newton step.
        assert!(s.iterations <= 1, "n={n}: {} iterations", s.iterations);
        assert_eq!(s.point, Some(PointKind::Minimum));
        println!("qp n={n} m={m}: {} iterations", s.iterations);
    }
}

/// max −Σ xᵢ ln xᵢ s.t. Σ xᵢ = 1 + shift.
fn entropy(start: Vec<f64>, shift: f64) -> Closure {
    let n = start.len();
    let mut p = Closure::new(n, 1, start);
    p.sense = Sense::Maximize;
    p.f = Box::new(|x| -x.iter().map(|&v| v * v.ln()).sum::<f64>());
    p.grad = Box::new(|x, g| {
        for (g, &v) in g.iter_mut().zip(x) {
            *g = -v.ln() - 1.0;
        }
    });
    p.cons = Box::new(move |x, c| c[0] = x.iter().sum::<f64>() - 1.0 - shift);
    p.jac = Box::new(|_, mut j| j.fill(1.0));
    p.hess = Box::new(|x, s, _, mut h| {
        for i in 0..x.len() {
            h[(i, i)] = -s / x[i];
        }
    });
    p.mags = Some(Box::new(move |x, mag| {
        mag[0] = x.iter().sum::<f64>().abs().max((1.0 + shift).abs())
    }));
    p
}

#[test]
fn entropy_maximization_gives_uniform_distribution() {
    for start in [
        vec![0.1, 0.2, 0.3, 0.25, 0.15],
        vec![0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.05],
        vec![3.0, 0.001, 0.5],
    ] {
        let n = start.len();
        let mut p = entropy(start.clone(), 0.0);
        check_derivatives(&mut p, &start, &[0.3], 1e-5);
        let s = solve(&mut p, &Settings::default());
        assert_converged(&s);
        for &v in &s.x {
            assert!(close(v, 1.0 / n as f64, 1e-8));
        }
        assert!(close(s.objective, (n as f64).ln(), 1e-10));
        // ∇f = −ln x − 1 = λ·1 at x = 1/n.
        assert!(close(s.multipliers[0], (n as f64).ln() - 1.0, 1e-8));
        assert_eq!(s.point, Some(PointKind::Maximum));
        println!("entropy n={n}: {} iterations", s.iterations);
    }
}

/// min wᵀΣw s.t. 1ᵀw = 1 + shift.
fn portfolio(sigma: &Mat<f64>, shift: f64) -> Closure {
    let n = sigma.nrows();
    let mut p = Closure::new(
        n,
        1,
        (0..n).map(|i| if i == 0 { 1.0 } else { 0.0 }).collect(),
    );
    let s1 = sigma.clone();
    p.f = Box::new(move |w| {
        (0..n)
            .map(|i| (0..n).map(|j| w[i] * s1[(i, j)] * w[j]).sum::<f64>())
            .sum()
    });
    let s2 = sigma.clone();
    p.grad = Box::new(move |w, g| {
        for i in 0..n {
            g[i] = 2.0 * (0..n).map(|j| s2[(i, j)] * w[j]).sum::<f64>();
        }
    });
    p.cons = Box::new(move |w, c| c[0] = w.iter().sum::<f64>() - 1.0 - shift);
    p.jac = Box::new(|_, mut j| j.fill(1.0));
    let s3 = sigma.clone();
    p.hess = Box::new(move |_, s, _, mut h| {
        for i in 0..n {
            for j in 0..n {
                h[(i, j)] = 2.0 * s * s3[(i, j)];
            }
        }
    });
    p
}

#[test]
fn minimum_variance_portfolio() {
    let mut rng = Rng::new(11);
    for n in [3, 8, 20] {
        let sigma = rng.spd(n);
        let ones = Mat::from_fn(n, 1, |_, _| 1.0);
        let u = sigma.llt(Side::Lower).unwrap().solve(&ones);
        let total: f64 = (0..n).map(|i| u[(i, 0)]).sum();
        let mut p = portfolio(&sigma, 0.0);
        check_derivatives(&mut p, &vec![0.2; n], &[0.4], 1e-6);
        let s = solve(&mut p, &Settings::default());
        assert_converged(&s);
        for i in 0..n {
            assert!(close(s.x[i], u[(i, 0)] / total, 1e-9), "w[{i}]");
        }
        assert!(close(s.objective, 1.0 / total, 1e-9));
        assert_eq!(s.point, Some(PointKind::Minimum));
    }
}

/// min xᵀAx s.t. xᵀx = 1 + shift.
fn rayleigh(a: &Mat<f64>, start: Vec<f64>, shift: f64) -> Closure {
    let n = a.nrows();
    let mut p = Closure::new(n, 1, start);
    let a1 = a.clone();
    p.f = Box::new(move |x| {
        (0..n)
            .map(|i| (0..n).map(|j| x[i] * a1[(i, j)] * x[j]).sum::<f64>())
            .sum()
    });
    let a2 = a.clone();
    p.grad = Box::new(move |x, g| {
        for i in 0..n {
            g[i] = 2.0 * (0..n).map(|j| a2[(i, j)] * x[j]).sum::<f64>();
        }
    });
    p.cons = Box::new(move |x, c| c[0] = x.iter().map(|v| v * v).sum::<f64>() - 1.0 - shift);
    p.jac = Box::new(|x, mut j| {
        for (k, &v) in x.iter().enumerate() {
            j[(0, k)] = 2.0 * v;
        }
    });
    let a3 = a.clone();
    p.hess = Box::new(move |_, s, l, mut h| {
        for i in 0..n {
            for j in 0..n {
                h[(i, j)] = 2.0 * s * a3[(i, j)];
            }
            h[(i, i)] -= 2.0 * l[0];
        }
    });
    p.mags = Some(Box::new(move |x, mag| {
        mag[0] = x
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .max((1.0 + shift).abs())
    }));
    p
}

#[test]
fn rayleigh_quotient_gives_smallest_eigenvalue() {
    let mut rng = Rng::new(3);
    for n in [2, 5, 10] {
        let b = Mat::from_fn(n, n, |_, _| rng.next());
        let a = Mat::from_fn(n, n, |i, j| b[(i, j)] + b[(j, i)]);
        let eig = a.self_adjoint_eigen(Side::Lower).unwrap();
        let lambda_min = eig.S()[0];
        let v = eig.U().col(0);
        // A start with a clear component along the smallest eigenvector.
        let start: Vec<f64> = (0..n).map(|i| 0.5 * v[i] + 0.3 * rng.next()).collect();
        let overlap: f64 = (0..n).map(|i| start[i] * v[i]).sum();
        assert!(overlap.abs() > 0.1);
        let mut p = rayleigh(&a, start.clone(), 0.0);
        check_derivatives(&mut p, &start, &[0.8], 1e-6);
        let s = solve(&mut p, &tight());
        assert_converged(&s);
        assert!(
            close(s.objective, lambda_min, 1e-9),
            "{} vs {lambda_min}",
            s.objective
        );
        assert!(close(s.multipliers[0], lambda_min, 1e-8));
        let dot: f64 = (0..n).map(|i| s.x[i] * v[i]).sum();
        assert!(close(dot.abs(), 1.0, 1e-8));
        assert_eq!(s.point, Some(PointKind::Minimum));
        println!("rayleigh n={n}: {} iterations", s.iterations);
    }
}

/// min ‖x − p‖² s.t. ‖x‖² = r².
fn sphere(point: Vec<f64>, radius: f64, start: Vec<f64>) -> Closure {
    let n = point.len();
    let mut p = Closure::new(n, 1, start);
    let p1 = point.clone();
    p.f = Box::new(move |x| x.iter().zip(&p1).map(|(a, b)| (a - b) * (a - b)).sum());
    let p2 = point;
    p.grad = Box::new(move |x, g| {
        for k in 0..x.len() {
            g[k] = 2.0 * (x[k] - p2[k]);
        }
    });
    p.cons = Box::new(move |x, c| c[0] = x.iter().map(|v| v * v).sum::<f64>() - radius * radius);
    p.jac = Box::new(|x, mut j| {
        for (k, &v) in x.iter().enumerate() {
            j[(0, k)] = 2.0 * v;
        }
    });
    p.hess = Box::new(move |_, s, l, mut h| {
        for i in 0..n {
            h[(i, i)] = 2.0 * s - 2.0 * l[0];
        }
    });
    p
}

#[test]
fn nearest_point_on_a_sphere() {
    let point = vec![3.0, -1.0, 2.0];
    let norm = 14f64.sqrt();
    for (radius, start) in [(1.0, vec![1.0, 1.0, 1.0]), (2.5, vec![-0.5, 4.0, 0.1])] {
        let mut p = sphere(point.clone(), radius, start.clone());
        check_derivatives(&mut p, &start, &[0.3], 1e-6);
        let s = solve(&mut p, &Settings::default());
        assert_converged(&s);
        for (x, p) in s.x.iter().zip(&point) {
            assert!(close(*x, radius * p / norm, 1e-9));
        }
        assert!(close(s.objective, (norm - radius).powi(2), 1e-9));
        assert_eq!(s.point, Some(PointKind::Minimum));
        println!("sphere r={radius}: {} iterations", s.iterations);
    }
}

/// min (x − p)² + (y − q)² s.t. x²/a² + y²/b² = 1.
fn ellipse(a: f64, b: f64, px: f64, py: f64, start: Vec<f64>) -> Closure {
    let mut p = Closure::new(2, 1, start);
    p.f = Box::new(move |x| (x[0] - px).powi(2) + (x[1] - py).powi(2));
    p.grad = Box::new(move |x, g| {
        g[0] = 2.0 * (x[0] - px);
        g[1] = 2.0 * (x[1] - py);
    });
    p.cons = Box::new(move |x, c| c[0] = x[0] * x[0] / (a * a) + x[1] * x[1] / (b * b) - 1.0);
    p.jac = Box::new(move |x, mut j| {
        j[(0, 0)] = 2.0 * x[0] / (a * a);
        j[(0, 1)] = 2.0 * x[1] / (b * b);
    });
    p.hess = Box::new(move |_, s, l, mut h| {
        h[(0, 0)] = 2.0 * s - 2.0 * l[0] / (a * a);
        h[(1, 1)] = 2.0 * s - 2.0 * l[0] / (b * b);
    });
    p
}

/// The nearest point of the ellipse to an outside point (p, q) in the first
/// quadrant: x = a²p/(t + a²), y = b²q/(t + b²) with t > 0 the root of
/// (ap/(t + a²))² + (bq/(t + b²))² = 1 (monotone in t), found by bisection.
fn ellipse_reference(a: f64, b: f64, px: f64, py: f64) -> (f64, f64) {
    let h = |t: f64| (a * px / (t + a * a)).powi(2) + (b * py / (t + b * b)).powi(2) - 1.0;
    let (mut lo, mut hi) = (0.0, 1.0);
    while h(hi) > 0.0 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if h(mid) > 0.0 {
            lo = mid
        } else {
            hi = mid
        }
    }
    let t = 0.5 * (lo + hi);
    (a * a * px / (t + a * a), b * b * py / (t + b * b))
}

#[test]
fn nearest_point_on_an_ellipse() {
    for (a, b, px, py, start) in [
        (3.0, 1.0, 4.0, 2.0, vec![0.0, 1.0]),
        (1.0, 2.0, 0.5, 3.0, vec![1.0, 0.1]),
        (2.0, 0.5, 5.0, 0.2, vec![-2.0, 0.1]),
    ] {
        let (rx, ry) = ellipse_reference(a, b, px, py);
        let mut p = ellipse(a, b, px, py, start.clone());
        check_derivatives(&mut p, &[0.7, 0.4], &[0.3], 1e-6);
        let s = solve(&mut p, &Settings::default());
        assert_converged(&s);
        assert!(close(s.x[0], rx, 1e-8), "{} vs {rx}", s.x[0]);
        assert!(close(s.x[1], ry, 1e-8), "{} vs {ry}", s.x[1]);
        assert_eq!(s.point, Some(PointKind::Minimum));
        println!("ellipse a={a} b={b}: {} iterations", s.iterations);
    }
}

/// max xy s.t. x + y = 10 + shift.
fn budget(shift: f64) -> Closure {
    let mut p = Closure::new(2, 1, vec![1.0, 2.0]);
    p.sense = Sense::Maximize;
    p.f = Box::new(|x| x[0] * x[1]);
    p.grad = Box::new(|x, g| {
        g[0] = x[1];
        g[1] = x[0];
    });
    p.cons = Box::new(move |x, c| c[0] = x[0] + x[1] - 10.0 - shift);
    p.jac = Box::new(|_, mut j| j.fill(1.0));
    p.hess = Box::new(|_, s, _, mut h| {
        h[(0, 1)] = s;
        h[(1, 0)] = s;
    });
    p.mags = Some(Box::new(move |x, mag| {
        mag[0] = (x[0] + x[1]).abs().max(10.0 + shift)
    }));
    p
}

#[test]
fn budget_maximize_xy_on_a_line() {
    let mut p = budget(0.0);
    check_derivatives(&mut p, &[1.0, 2.0], &[0.5], 1e-6);
    let s = solve(&mut p, &Settings::default());
    assert_converged(&s);
    assert!(close(s.x[0], 5.0, 1e-12) && close(s.x[1], 5.0, 1e-12));
    assert!(close(s.objective, 25.0, 1e-12));
    assert!(close(s.multipliers[0], 5.0, 1e-12));
    assert_eq!(s.point, Some(PointKind::Maximum));
    assert!(s.kkt_residual < 1e-10);
    assert!(!s.dependent_constraints);
    println!("budget: {} iterations", s.iterations);
}

/// (f*(+h) − f*(−h)) / 2h against λ, for problems whose right-hand side is
/// shifted by h.
fn check_sensitivity(name: &str, make: &dyn Fn(f64) -> Closure, lambda_index: usize) {
    let h = 1e-3;
    let settings = tight();
    let base = solve(&mut make(0.0), &settings);
    assert_converged(&base);
    let plus = solve(&mut make(h), &settings);
    let minus = solve(&mut make(-h), &settings);
    assert_converged(&plus);
    assert_converged(&minus);
    let fd = (plus.objective - minus.objective) / (2.0 * h);
    let lambda = base.multipliers[lambda_index];
    assert!(
        close(fd, lambda, 1e-6),
        "{name}: finite difference {fd} vs λ {lambda}"
    );
}

#[test]
fn multipliers_are_sensitivities_of_the_optimal_value() {
    check_sensitivity("budget", &budget, 0);
    check_sensitivity(
        "entropy",
        &|h| entropy(vec![0.1, 0.2, 0.3, 0.25, 0.15], h),
        0,
    );
    let sigma = Rng::new(5).spd(4);
    check_sensitivity("portfolio", &|h| portfolio(&sigma, h), 0);
    let a = Mat::from_fn(4, 4, |i, j| (i + j) as f64 + if i == j { 1.0 } else { 0.0 });
    check_sensitivity(
        "rayleigh",
        &|h| rayleigh(&a, vec![1.0, -1.0, 0.5, 0.2], h),
        0,
    );
    // Sphere of radius² = 4 + h: the constraint is x·x − r² with r² shifted.
    check_sensitivity(
        "sphere",
        &|h| sphere(vec![3.0, -1.0, 2.0], (4.0 + h).sqrt(), vec![1.0, 1.0, 1.0]),
        0,
    );
    let mut rng = Rng::new(9);
    let q = rng.spd(6);
    let c: Vec<f64> = (0..6).map(|_| rng.next()).collect();
    let a = Mat::from_fn(3, 6, |_, _| rng.next());
    let b: Vec<f64> = (0..3).map(|_| rng.next()).collect();
    // Shift applies to every row; the sensitivity is Σ λᵢ.
    let base = solve(&mut quadratic(&q, &c, &a, &b, 0.0), &tight());
    let total: f64 = base.multipliers.iter().sum();
    let h = 1e-3;
    let plus = solve(&mut quadratic(&q, &c, &a, &b, h), &tight()).objective;
    let minus = solve(&mut quadratic(&q, &c, &a, &b, -h), &tight()).objective;
    assert!(close((plus - minus) / (2.0 * h), total, 1e-6));
}

mod random_programs {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random convex QPs with random full-rank linear constraints, from
        /// random starts of random size: converged, equal to one KKT solve.
        #[test]
        fn random_convex_quadratic_programs(
            seed in 0u64..1_000_000,
            n in 1usize..9,
            m_frac in 0.0f64..1.0,
            start_scale in prop::sample::select(vec![1e-3, 1.0, 1e3]),
        ) {
            let m = ((n as f64) * m_frac) as usize;
            let mut rng = lagrange_test_support::Rng::new(seed);
            let (mut p, reference) = super::random_qp(&mut rng, n, m);
            p.start = (0..n).map(|_| start_scale * rng.next()).collect();
            let s = solve(&mut p, &Settings::default());
            prop_assert_eq!(s.status, Status::Converged);
            for i in 0..n {
                prop_assert!(close(s.x[i], reference[(i, 0)], 1e-7), "x[{}]", i);
            }
        }
    }
}
