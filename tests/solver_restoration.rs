//! The interior-point method's feasibility restoration phase: problems
//! whose filter line search fails, feasible ones (the phase must lead back
//! to the optimum) and infeasible ones (`infeasible` at a point of least
//! violation, never `converged`), with dense and sparse matrices.

use std::path::Path;

use lagrange::problem::CompiledProblem;
use lagrange::problem_file::compile;
use lagrange::problem_file::load_str;
use lagrange::solver::{
    solve, Barrier, LinearSolver, NlpProblem, Sense, Settings, Solution, SparsityPattern, Status,
};
use lagrange_test_support::{close, Closure, Rng, Sparsity};

const INF: f64 = f64::INFINITY;

/// `p` with bounds on x and ends on its constraints.
fn bounded(
    mut p: Closure,
    x_bounds: (Vec<f64>, Vec<f64>),
    g_bounds: (Vec<f64>, Vec<f64>),
) -> Closure {
    p.x_bounds = x_bounds;
    p.g_bounds = g_bounds;
    p
}

fn settings(barrier: Barrier, linear_solver: LinearSolver) -> Settings {
    Settings::builder()
        .barrier(barrier)
        .linear_solver(linear_solver)
        .build()
        .unwrap()
}

/// Every (barrier rule, linear algebra) pair.
fn all_settings() -> Vec<Settings> {
    let mut out = Vec::new();
    for barrier in [Barrier::Monotone, Barrier::Adaptive] {
        for linear in [LinearSolver::Dense, LinearSolver::Sparse] {
            out.push(settings(barrier, linear));
        }
    }
    out
}

/// The contract: `converged` only where every end holds to the tolerance.
fn assert_honest(s: &Solution, tol: f64) {
    if s.status == Status::Converged {
        assert!(
            s.constraint_violation <= tol * 1e2,
            "converged with violation {:e}: {}",
            s.constraint_violation,
            s.message
        );
    }
    assert_eq!(
        s.history.len(),
        s.iterations + 1,
        "one record per iteration"
    );
    for (k, r) in s.history.iter().enumerate() {
        assert_eq!(r.iteration, k, "records in order");
    }
}

/// Wächter & Biegler's example of a line-search interior method that
/// stalls (Math. Prog. 88, 2000): min x₁ subject to x₁² − x₂ − 1 = 0,
/// x₁ − x₃ − 1/2 = 0, x₂, x₃ ≥ 0; solution (1, 0, 1/2), f* = 1. From
/// x₁ < 0 the Newton steps head for x₂ = x₃ = 0 and the fraction to the
/// boundary cuts them to nothing, so the restoration phase takes over; but
/// on the way to x₁ ≥ 1 the ℓ1 violation has a local minimizer, 1.5 at
/// (−1, 0, 0) (for x₁ = −1 + δ it is 1.5 + δ − δ²), where an ℓ1
/// restoration phase (IPOPT's too) stops. Sparse derivatives, which the
/// dense path assembles.
fn stalling_example(start: Vec<f64>) -> Closure {
    let mut p = Closure::new(3, 2, start);
    p.f = Box::new(|x| x[0]);
    p.grad = Box::new(|_, g| {
        g.fill(0.0);
        g[0] = 1.0;
    });
    p.cons = Box::new(|x, c| {
        c[0] = x[0] * x[0] - x[1] - 1.0;
        c[1] = x[0] - x[2] - 0.5;
    });
    p.sparsity = Some(Sparsity {
        jac_pattern: SparsityPattern {
            nrows: 2,
            ncols: 3,
            rows: vec![0, 0, 1, 1],
            cols: vec![0, 1, 0, 2],
        },
        hess_pattern: SparsityPattern {
            nrows: 3,
            ncols: 3,
            rows: vec![0],
            cols: vec![0],
        },
        jac: Box::new(|x, v| v.copy_from_slice(&[2.0 * x[0], -1.0, 1.0, -1.0])),
        hess: Box::new(|_, _, l, v| v[0] = -2.0 * l[0]),
        offered: true,
    });
    bounded(
        p,
        (vec![-INF, 0.0, 0.0], vec![INF; 3]),
        (vec![0.0; 2], vec![0.0; 2]),
    )
}

/// From starts on both sides of the ridge: the optimum, or `infeasible` at
/// the violation's local minimizer, nothing else (before the restoration
/// phase, the solver said `infeasible` at points such as x₁ = −0.41, where
/// the violation still decreases).
#[test]
fn the_stalling_example_ends_at_its_optimum_or_at_the_least_violation() {
    let mut rng = Rng::new(12);
    for _ in 0..20 {
        let start = vec![
            rng.uniform(1, -4.0, 2.0)[0],
            rng.uniform(1, 0.0, 3.0)[0],
            rng.uniform(1, 0.0, 3.0)[0],
        ];
        for s in all_settings() {
            let sol = solve(&mut stalling_example(start.clone()), &s);
            assert_honest(&sol, s.tolerance());
            let at = |want: [f64; 3]| sol.x.iter().zip(want).all(|(x, w)| close(*x, w, 1e-6));
            match sol.status {
                Status::Converged => assert!(at([1.0, 0.0, 0.5]), "{start:?}: {:?}", sol.x),
                Status::Infeasible => {
                    assert!(at([-1.0, 0.0, 0.0]), "{start:?}: {:?}", sol.x);
                    assert!(close(sol.constraint_violation, 1.5, 1e-6));
                }
                other => panic!("{start:?} {s:?}: {other:?}: {}", sol.message),
            }
        }
    }
    let sol = solve(
        &mut stalling_example(vec![0.0, 1.0, 1.0]),
        &Settings::default(),
    );
    assert_eq!(sol.status, Status::Converged, "{}", sol.message);
}

/// A Hock–Schittkowski file with its start replaced.
fn hock_schittkowski_from(name: &str, starts: &[(&str, f64)]) -> (CompiledProblem, f64) {
    let path = format!("tests/data/hock_schittkowski_inequalities/{name}.json");
    let mut raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for v in raw["variables"].as_array_mut().unwrap() {
        let name = v["name"].as_str().unwrap().to_string();
        let (_, start) = starts.iter().find(|(n, _)| *n == name).unwrap();
        v["start"] = serde_json::json!(start);
    }
    let f_star = raw["expected"]["objective"].as_f64().unwrap();
    let definition = load_str(Path::new(&path), &raw.to_string()).unwrap();
    (compile(&definition).unwrap(), f_star)
}

/// Feasible problems whose filter line search fails from these starts
/// (HS107, a power flow, and HS93, a transformer design, started up to 10
/// away from their standard starts): the restoration phase leads back to
/// the optimum, where the least-change step alone ended `infeasible` at
/// points that were not stationary for the violation.
#[test]
fn restoration_leads_feasible_problems_from_bad_starts_to_their_optimum() {
    let hs107 = [
        ("x1", 7.40071386548654),
        ("x2", 4.206111328281421),
        ("x3", -3.7326297813416476),
        ("x4", 1.9516121228711885),
        ("x5", 8.694980016637153),
        ("x6", 7.969348368566254),
        ("x7", 1.1510764115920076),
        ("x8", 1.7800451596510332),
        ("x9", -9.309483396973167),
    ];
    let hs93 = [
        ("x1", 6.188225545547155),
        ("x2", 4.247788550774115),
        ("x3", 12.889259768582058),
        ("x4", 12.443122344046524),
        ("x5", 2.162839430764441),
        ("x6", -1.4389260384959246),
    ];
    for (name, starts) in [("hs107", &hs107[..]), ("hs93", &hs93[..])] {
        for s in all_settings() {
            let (mut p, f_star) = hock_schittkowski_from(name, starts);
            let sol = solve(&mut p, &s);
            assert_eq!(
                sol.status,
                Status::Converged,
                "{name} {s:?}: {}",
                sol.message
            );
            assert_honest(&sol, s.tolerance());
            assert!(
                close(sol.objective, f_star, 1e-7),
                "{name}: {}",
                sol.objective
            );
        }
    }
}

/// x² + y² ≤ −1 (minimize x + y): the violation x² + y² + 1 is least, 1, at
/// the origin.
fn disk_below_zero(start: Vec<f64>) -> Closure {
    let mut p = Closure::new(2, 1, start);
    p.f = Box::new(|x| x[0] + x[1]);
    p.grad = Box::new(|_, g| g.fill(1.0));
    p.cons = Box::new(|x, c| c[0] = x[0] * x[0] + x[1] * x[1] + 1.0);
    p.jac = Box::new(|x, mut j| {
        j[(0, 0)] = 2.0 * x[0];
        j[(0, 1)] = 2.0 * x[1];
    });
    p.hess = Box::new(|_, _, l, mut h| {
        h[(0, 0)] = -2.0 * l[0];
        h[(1, 1)] = -2.0 * l[0];
    });
    bounded(p, (vec![-INF; 2], vec![INF; 2]), (vec![-INF], vec![0.0]))
}

#[test]
fn an_unreachable_disk_is_infeasible_at_the_origin() {
    for start in [vec![1.0, 1.0], vec![-3.0, 0.5], vec![10.0, -20.0]] {
        for s in all_settings() {
            let sol = solve(&mut disk_below_zero(start.clone()), &s);
            assert_eq!(
                sol.status,
                Status::Infeasible,
                "{start:?} {s:?}: {}",
                sol.message
            );
            assert_honest(&sol, s.tolerance());
            assert!(
                sol.x.iter().all(|x| x.abs() < 1e-3),
                "{start:?}: least violation at the origin, got {:?}",
                sol.x
            );
            assert!(close(sol.constraint_violation, 1.0, 1e-6));
        }
    }
}

/// The same with a third variable fixed at 1/2 (it leaves the iteration,
/// and the phase works on the reduced problem) and the objective
/// maximized: least violation 1.25 at (0, 0, 1/2).
#[test]
fn a_fixed_variable_and_a_maximization_go_through_the_phase() {
    let mut p = Closure::new(3, 1, vec![1.0, -2.0, 0.5]);
    p.sense = Sense::Maximize;
    p.f = Box::new(|x| x[0] + x[1] + x[2]);
    p.grad = Box::new(|_, g| g.fill(1.0));
    p.cons = Box::new(|x, c| c[0] = x.iter().map(|v| v * v).sum::<f64>() + 1.0);
    p.jac = Box::new(|x, mut j| {
        for k in 0..3 {
            j[(0, k)] = 2.0 * x[k];
        }
    });
    p.hess = Box::new(|_, _, l, mut h| {
        for k in 0..3 {
            h[(k, k)] = -2.0 * l[0];
        }
    });
    let mut p = bounded(
        p,
        (vec![-INF, -INF, 0.5], vec![INF, INF, 0.5]),
        (vec![-INF], vec![0.0]),
    );
    for s in all_settings() {
        let sol = solve(&mut p, &s);
        assert_eq!(sol.status, Status::Infeasible, "{s:?}: {}", sol.message);
        assert_honest(&sol, s.tolerance());
        assert!(
            sol.x[0].abs() < 1e-3 && sol.x[1].abs() < 1e-3,
            "{:?}",
            sol.x
        );
        assert_eq!(sol.x[2], 0.5);
        assert!(close(sol.constraint_violation, 1.25, 1e-6));
    }
}

/// x + y ≥ 2 and x + y ≤ 1: every point with 1 ≤ x + y ≤ 2 violates the
/// two by 1 in all.
fn inconsistent_half_planes() -> Closure {
    let mut p = Closure::new(2, 2, vec![0.3, -0.2]);
    p.f = Box::new(|x| x[0] * x[0] + x[1] * x[1]);
    p.grad = Box::new(|x, g| {
        g[0] = 2.0 * x[0];
        g[1] = 2.0 * x[1];
    });
    p.cons = Box::new(|x, c| {
        c[0] = x[0] + x[1];
        c[1] = x[0] + x[1];
    });
    p.jac = Box::new(|_, mut j| {
        j.fill(1.0);
    });
    p.hess = Box::new(|_, s, _, mut h| {
        h[(0, 0)] = 2.0 * s;
        h[(1, 1)] = 2.0 * s;
    });
    bounded(
        p,
        (vec![-INF; 2], vec![INF; 2]),
        (vec![2.0, -INF], vec![INF, 1.0]),
    )
}

#[test]
fn inconsistent_linear_inequalities_are_infeasible() {
    for s in all_settings() {
        let sol = solve(&mut inconsistent_half_planes(), &s);
        assert_eq!(sol.status, Status::Infeasible, "{s:?}: {}", sol.message);
        assert_honest(&sol, s.tolerance());
        let sum = sol.x[0] + sol.x[1];
        assert!(
            (1.0 - 1e-6..=2.0 + 1e-6).contains(&sum),
            "a point of least total violation has 1 ≤ x + y ≤ 2, got {sum}"
        );
        assert!(sol.constraint_violation >= 0.5 - 1e-6 && sol.constraint_violation <= 1.0 + 1e-6);
    }
}

/// x² ≥ 4 with 0 ≤ x ≤ 1: least violation 3 at the bound x = 1, which the
/// returned point respects.
#[test]
fn infeasibility_against_a_bound_stops_at_the_bound() {
    let mut p = Closure::new(1, 1, vec![0.5]);
    p.f = Box::new(|x| -x[0]);
    p.grad = Box::new(|_, g| g[0] = -1.0);
    p.cons = Box::new(|x, c| c[0] = x[0] * x[0]);
    p.jac = Box::new(|x, mut j| j[(0, 0)] = 2.0 * x[0]);
    p.hess = Box::new(|_, _, l, mut h| h[(0, 0)] = -2.0 * l[0]);
    let mut p = bounded(p, (vec![0.0], vec![1.0]), (vec![4.0], vec![INF]));
    for s in all_settings() {
        let sol = solve(&mut p, &s);
        assert_eq!(sol.status, Status::Infeasible, "{s:?}: {}", sol.message);
        assert_honest(&sol, s.tolerance());
        assert!(
            sol.x[0] <= 1.0 && close(sol.x[0], 1.0, 1e-6),
            "x = {:?}",
            sol.x
        );
        assert!(close(sol.constraint_violation, 3.0, 1e-6));
    }
}

/// Random starts of problems with and without solutions: `converged` only
/// at feasible points, every iteration recorded.
#[test]
fn no_status_claims_convergence_at_an_infeasible_point() {
    let mut rng = Rng::new(7);
    for _ in 0..30 {
        let start = rng.uniform(2, -5.0, 5.0);
        for s in all_settings() {
            for sol in [
                solve(&mut disk_below_zero(start.clone()), &s),
                solve(&mut inconsistent_half_planes(), &s),
            ] {
                assert_ne!(sol.status, Status::Converged, "{start:?}");
                assert_honest(&sol, s.tolerance());
            }
        }
    }
}

/// Every row within its ends to the contract's tolerance,
/// tol · max(1, magnitude, |end|).
fn rows_hold<P: NlpProblem>(p: &mut P, x: &[f64], tol: f64) -> bool {
    let m = p.num_constraints();
    let (mut lo, mut hi) = (vec![0.0; m], vec![0.0; m]);
    p.constraint_bounds(&mut lo, &mut hi);
    let (mut g, mut mags) = (vec![0.0; m], vec![0.0; m]);
    p.constraints(x, &mut g);
    p.constraint_magnitudes(x, &mut mags);
    (0..m).all(|i| {
        lo[i] - g[i] <= tol * mags[i].max(lo[i].abs()).max(1.0)
            && g[i] - hi[i] <= tol * mags[i].max(hi[i].abs()).max(1.0)
    })
}

/// The Hock–Schittkowski files with inequalities from seeded starts up to
/// 10 away from the standard ones (many enter the restoration phase):
/// `converged` only where every constraint holds to the tolerance, and one
/// record per iteration.
#[test]
fn converged_means_feasible_from_scattered_starts() {
    let mut rng = Rng::new(3);
    let dir = "tests/data/hock_schittkowski_inequalities";
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let settings = Settings::default();
    let mut converged = 0;
    for path in &files {
        let mut raw: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for v in raw["variables"].as_array_mut().unwrap() {
            let moved = |x: f64, rng: &mut Rng| x + rng.uniform(1, -10.0, 10.0)[0];
            v["start"] = match &v["start"] {
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| moved(x.as_f64().unwrap(), &mut rng))
                    .collect(),
                x => serde_json::json!(moved(x.as_f64().unwrap_or(0.0), &mut rng)),
            };
        }
        let definition = load_str(path, &raw.to_string()).unwrap();
        let mut p = compile(&definition).unwrap();
        let sol = solve(&mut p, &settings);
        assert_honest(&sol, settings.tolerance());
        if sol.status == Status::Converged {
            converged += 1;
            assert!(
                rows_hold(&mut p, &sol.x, settings.tolerance()),
                "{}: converged at a point that violates a constraint",
                path.display()
            );
        }
    }
    assert!(
        converged * 10 >= files.len() * 8,
        "{converged} of {}",
        files.len()
    );
}
