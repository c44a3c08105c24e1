//! Equality-constrained Hock–Schittkowski problems from their standard
//! starts. Each published optimum is first verified independently (the KKT
//! conditions hold at the published point, with least-squares multipliers,
//! to the precision of its printed digits), then compared with the solver.

use faer::prelude::SolveLstsq;
use faer::Mat;
use lagrange::solver::{solve, NlpProblem, PointKind, Settings, Status};
use lagrange_test_support::hs::problems;
use lagrange_test_support::{check_derivatives, close};

#[test]
fn hand_coded_derivatives_match_finite_differences() {
    for mut p in problems() {
        let x: Vec<f64> = p.start.iter().map(|v| v * 0.9 + 0.1).collect();
        let lambda: Vec<f64> = (0..p.m).map(|i| 0.3 + 0.2 * i as f64).collect();
        check_derivatives(&mut p, &x, &lambda, 2e-5);
    }
}

/// max(‖∇f − Jᵀλ‖∞, ‖g‖∞) at x with least-squares λ.
fn kkt_error_at(p: &mut impl NlpProblem, x: &[f64]) -> f64 {
    let (n, m) = (p.num_variables(), p.num_constraints());
    let mut grad = vec![0.0; n];
    p.gradient(x, &mut grad);
    let mut jac = Mat::zeros(m, n);
    p.jacobian(x, jac.as_mut());
    let mut g = vec![0.0; m];
    p.constraints(x, &mut g);
    let jt = jac.transpose().to_owned();
    let rhs = Mat::from_fn(n, 1, |i, _| grad[i]);
    let lambda = jt.qr().solve_lstsq(&rhs);
    let residual = &rhs - &jt * &lambda;
    let stat = (0..n).fold(0.0f64, |a, i| a.max(residual[(i, 0)].abs()));
    g.iter().fold(stat, |a, v| a.max(v.abs()))
}

#[test]
fn published_optima_satisfy_the_kkt_conditions() {
    for mut p in problems() {
        let x = p.x_star;
        let err = kkt_error_at(&mut p, x);
        // Published points carry about 7 significant digits.
        assert!(
            err < 2e-5,
            "{}: KKT error {err:e} at the published point",
            p.name
        );
        let f = p.objective(x);
        assert!(
            close(f, p.f_star, 1e-6),
            "{}: f(x*) {f} vs {}",
            p.name,
            p.f_star
        );
    }
}

#[test]
fn converge_to_published_optima_from_standard_starts() {
    let settings = Settings::default();
    let mut report = Vec::new();
    let mut at_most_ipopt = 0;
    let all = problems();
    for mut p in all.clone() {
        let s = solve(&mut p, &settings);
        assert_eq!(
            s.status,
            Status::Converged,
            "{}: {} {:#?}",
            p.name,
            s.message,
            s.history
        );
        let f_tol = 1e-6;
        assert!(
            close(s.objective, p.f_star, f_tol),
            "{}: f {} vs {}",
            p.name,
            s.objective,
            p.f_star
        );
        assert!(
            p.matches_optimum(&s.x, 2e-5, 2e-2),
            "{}: x = {:?}",
            p.name,
            s.x
        );
        assert!(
            matches!(s.point, Some(PointKind::Minimum | PointKind::Degenerate)),
            "{}: {:?}",
            p.name,
            s.point
        );
        if s.iterations <= p.ipopt_iterations {
            at_most_ipopt += 1;
        }
        report.push(format!(
            "{:5} {:3} iterations (IPOPT {:3})  f = {:.10}  point {:?}",
            p.name, s.iterations, p.ipopt_iterations, s.objective, s.point
        ));
    }
    println!("{}", report.join("\n"));
    // Acceptance: no more iterations than IPOPT on at least 90% of them.
    assert!(
        at_most_ipopt * 10 >= all.len() * 9,
        "only {at_most_ipopt} of {} within IPOPT's iteration count",
        all.len()
    );
}

/// Robustness beyond the standard starts: seeded random perturbations of
/// each start (size 1, 10 and 100). Converged runs must end at a KKT point
/// (possibly another local solution); the others must say why.
#[test]
fn perturbed_starts_converge_or_say_why() {
    let mut rng = lagrange_test_support::Rng::new(1);
    let (mut total, mut converged) = (0, 0);
    let mut failures = Vec::new();
    for p in problems() {
        for trial in 0..12 {
            let size = [1.0, 10.0, 100.0][trial % 3];
            let start: Vec<f64> = p.start.iter().map(|v| v + size * rng.next()).collect();
            let mut q = p;
            q.start = Box::leak(start.clone().into_boxed_slice());
            let settings = Settings::builder().max_iterations(3000).build().unwrap();
            let s = solve(&mut q, &settings);
            total += 1;
            if s.status == Status::Converged {
                converged += 1;
                let err = kkt_error_at(&mut q, &s.x);
                assert!(
                    err < 1e-6,
                    "{}: converged to a non-KKT point ({err:e})",
                    p.name
                );
            } else {
                failures.push(format!("{} from {start:?}: {}", p.name, s.status));
            }
        }
    }
    println!(
        "{converged}/{total} converged; failures:\n{}",
        failures.join("\n")
    );
    // 223/228 at the time of writing (iteration limit 3000, as IPOPT's);
    // IPOPT converges on 225 of the same starts and reports two feasible
    // HS77 runs as infeasible (benches/solver_ipopt.py --perturbed).
    // Guard against regressions:
    assert!(converged * 100 >= total * 93, "{converged}/{total}");
}
