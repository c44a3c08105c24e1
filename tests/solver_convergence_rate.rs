//! Local quadratic convergence of the Newton–KKT iteration: on the last
//! iterations of nonlinear problems with nondegenerate solutions, the KKT
//! error eₖ = max(‖∇f − Jᵀλ‖∞, ‖g‖∞) satisfies eₖ₊₁ ≤ C eₖ².

use lagrange::solver::{solve, Settings, Status};
use lagrange_test_support::hs::problems;

#[test]
fn kkt_error_converges_quadratically() {
    let settings = Settings::builder().tolerance(1e-14).build().unwrap();
    // Nondegenerate solutions (second-order sufficient conditions, full rank J).
    for name in ["hs7", "hs39", "hs40", "hs77", "hs78", "hs79"] {
        let mut p = problems().into_iter().find(|p| p.name == name).unwrap();
        let s = solve(&mut p, &settings);
        assert_eq!(s.status, Status::Converged, "{name}: {}", s.message);
        let e: Vec<f64> = s
            .history
            .iter()
            .map(|h| h.stationarity.max(h.constraint_violation))
            .collect();
        // Pairs in the region of fast local convergence: eₖ small, eₖ₊₁
        // above the rounding floor, and a full step taken.
        let mut pairs = 0;
        for k in 0..e.len() - 1 {
            let full_step = s.history[k + 1].step_length == 1.0;
            if e[k] < 1e-2 && e[k + 1] > 1e-13 && full_step {
                let ratio = e[k + 1] / (e[k] * e[k]);
                println!(
                    "{name}: e{k} = {:.3e}, e{} = {:.3e}, ratio {ratio:.3}",
                    e[k],
                    k + 1,
                    e[k + 1]
                );
                assert!(ratio <= 50.0, "{name}: e{} / e{k}² = {ratio}", k + 1);
                pairs += 1;
            }
        }
        assert!(pairs >= 1, "{name}: no pair in the quadratic region: {e:?}");
        // And the last step takes the error from above 1e-5 or so to rounding.
        println!(
            "{name}: {} iterations, last errors {:?}",
            s.iterations,
            &e[e.len().saturating_sub(4)..]
        );
    }
}
