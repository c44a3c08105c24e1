//! Regressions on the hanging chain, the badly scaled family: link
//! Jacobians of size 2ℓ ≈ 10⁻³ beside Hessian entries of 10⁴–10⁷ once the
//! multipliers (tensions ≈ n/4) are in W.
//!
//! - 500 links, dense: the second Newton step needs δ = 1e4 and leaves
//!   multipliers of ~1e5 at a nearly feasible point; resetting them to the
//!   least-squares estimate there (as a multiplier safeguard once did) gave
//!   34 iterations (193 at 1000 links). Keeping them, as IPOPT does: 12.
//! - Sparse path, 500 … 3000 links: K was once declared singular because
//!   its legitimate constraint pivots (≈ J²/W ≈ 10⁻¹¹) fell below a
//!   threshold relative to max|K|; the γ-regularized step then absorbed the
//!   violation into the multipliers (`infeasible` at 500, `singular` at
//!   1000). Fixed by equilibrating K (Ruiz) and by GMRES refinement when a
//!   pivot is replaced. IPOPT needs 12 / 14 / 16 iterations at 500 / 1000 /
//!   2000 links and diverges from 5000 on (multipliers past 10²⁰).

use lagrange::families::generate;
use lagrange::problem_file::compile;
use lagrange::problem_file::load_str;
use lagrange::solver::{solve, LinearSolver, NlpProblem, Settings, Solution, Status};
use std::path::Path;

fn solve_chain(n: usize, linear_solver: LinearSolver) -> (Solution, f64) {
    solve_family("chain", n, linear_solver)
}

/// Generates `family` at size n (checking its constraint count: n links and
/// 4 end conditions), loads it as a file and solves it.
fn solve_family(family: &str, n: usize, linear_solver: LinearSolver) -> (Solution, f64) {
    let generated = generate(family, n).unwrap();
    let text = serde_json::to_string(&generated.file).unwrap();
    let definition = load_str(Path::new("chain.json"), &text).unwrap();
    let mut problem = compile(&definition).unwrap();
    assert_eq!(problem.num_constraints(), n + 4);
    let settings = Settings::builder()
        .tolerance(1e-8)
        .linear_solver(linear_solver)
        .build()
        .unwrap();
    (solve(&mut problem, &settings), generated.objective)
}

fn assert_solved(n: usize, s: &Solution, objective: f64, max_iterations: usize) {
    assert_eq!(s.status, Status::Converged, "n = {n}: {}", s.message);
    let rel = (s.objective - objective).abs() / objective.abs();
    assert!(
        rel < 1e-8,
        "n = {n}: objective {} vs closed form {objective}",
        s.objective
    );
    assert!(
        s.iterations <= max_iterations,
        "n = {n}: {} iterations",
        s.iterations
    );
}

#[test]
fn chain_500_keeps_newton_multipliers_near_feasibility() {
    let (s, objective) = solve_chain(500, LinearSolver::Dense);
    // IPOPT: 12 iterations on this file; 34 before the fix.
    assert_solved(500, &s, objective, 16);
}

#[test]
fn long_chains_converge_on_the_sparse_path() {
    for (n, max_iterations) in [(500, 14), (1000, 16), (3000, 20)] {
        let (s, objective) = solve_chain(n, LinearSolver::Sparse);
        assert_eq!(s.linear_solver, LinearSolver::Sparse);
        assert_solved(n, &s, objective, max_iterations);
    }
}

/// The chain written with one constraint string per link reaches the same
/// point, multipliers and iteration count as the sliced form (the speed
/// comparison is `lagrange bench --families chain,chain-scalar`).
#[test]
fn scalar_and_sliced_chains_agree() {
    let n = 300;
    let (sliced, _) = solve_family("chain", n, LinearSolver::Auto);
    let (scalar, _) = solve_family("chain-scalar", n, LinearSolver::Auto);
    assert_eq!(sliced.status, Status::Converged, "{}", sliced.message);
    assert_eq!(scalar.status, Status::Converged, "{}", scalar.message);
    assert_eq!(sliced.iterations, scalar.iterations);
    let gap = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .fold(0.0f64, |m, (u, v)| m.max((u - v).abs()))
    };
    assert!(gap(&sliced.x, &scalar.x) < 1e-10);
    assert!(gap(&sliced.multipliers, &scalar.multipliers) < 1e-6);
}
