//! Regression: the hanging chain of 500 links. Its second Newton step needs
//! δ = 1e4 and leaves multipliers of size ~1e5 at a nearly feasible point;
//! resetting them to the least-squares estimate there (as the multiplier
//! safeguard once did) gave a nearly singular reduced Hessian, a step far
//! off the feasible set and 34 iterations (193 at 1000 links, where IPOPT
//! needs 14). Keeping the Newton multipliers, as IPOPT does, converges in 12.

use lagrange::families::generate;
use lagrange::problem_file::compile::compile;
use lagrange::problem_file::load_str;
use lagrange::solver::{solve, Settings, Status};
use std::path::Path;

#[test]
fn chain_500_keeps_newton_multipliers_near_feasibility() {
    let n = 500;
    let generated = generate("chain", n).unwrap();
    let text = serde_json::to_string(&generated.file).unwrap();
    let definition = load_str(Path::new("chain-500.json"), &text).unwrap();
    let mut problem = compile(&definition).unwrap();
    let settings = Settings::builder().tolerance(1e-8).build().unwrap();
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
