//! Regression: the hanging chain of 500 links. Its second Newton step needs
//! δ = 1e4 and leaves multipliers of size ~1e5 at a nearly feasible point;
//! resetting them to the least-squares estimate there (as the multiplier
//! safeguard once did) gave a nearly singular reduced Hessian, a step far
//! off the feasible set and 34 iterations (193 at 1000 links, where IPOPT
//! needs 14). Keeping the Newton multipliers, as IPOPT does, converges in 12.
//!
//! Run on the dense backend, where the fix is shown. The sparse backend
//! (chosen by `auto` here) still fails on this chain — `infeasible` after 83
//! iterations at 500 links, `singular` at 1000 — an open bug of the sparse
//! KKT path (issue 7), not of the multiplier logic tested here.

use lagrange::families::generate;
use lagrange::problem_file::compile::compile;
use lagrange::problem_file::load_str;
use lagrange::solver::{solve, LinearSolver, Settings, Status};
use std::path::Path;

#[test]
fn chain_500_keeps_newton_multipliers_near_feasibility() {
    let n = 500;
    let generated = generate("chain", n).unwrap();
    let text = serde_json::to_string(&generated.file).unwrap();
    let definition = load_str(Path::new("chain-500.json"), &text).unwrap();
    let mut problem = compile(&definition).unwrap();
    let settings = Settings::builder()
        .tolerance(1e-8)
        .linear_solver(LinearSolver::Dense)
        .build()
        .unwrap();
    let s = solve(&mut problem, &settings);
    assert_eq!(s.status, Status::Converged, "{}", s.message);
    let rel = (s.objective - generated.objective).abs() / generated.objective.abs();
    assert!(
        rel < 1e-6,
        "objective {} vs closed form {}",
        s.objective,
        generated.objective
    );
    // IPOPT: 12 iterations on this file; 34 before the fix.
    assert!(s.iterations <= 16, "{} iterations", s.iterations);
}
