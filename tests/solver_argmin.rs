//! The solver inside argmin's Executor: observers see every iteration,
//! argmin's iteration limit stops the run with a `max_iterations` solution,
//! convergence is argmin's `SolverConverged`, and the result equals the
//! plain `solve` call.

use std::sync::{Arc, Mutex};

use argmin::core::observers::{Observe, ObserverMode};
use argmin::core::{Error, Executor, OptimizationResult, State, TerminationReason, KV};
use lagrange::solver::{solve, NewtonKkt, NewtonKktState, Settings, Status};
use lagrange_test_support::hs::{problems, Hs};

/// (iteration, cost, kkt_residual) of every observed iteration.
type Log = Arc<Mutex<Vec<(u64, f64, f64)>>>;

/// Records every observed iteration into its [`Log`].
struct Recorder(Log);

impl Observe<NewtonKktState> for Recorder {
    fn observe_iter(&mut self, state: &NewtonKktState, kv: &KV) -> Result<(), Error> {
        let residual = kv
            .get("kkt_residual")
            .and_then(|v| v.get_float())
            .unwrap_or(f64::NAN);
        self.0
            .lock()
            .unwrap()
            .push((state.get_iter(), state.get_cost(), residual));
        Ok(())
    }
}

/// Runs `p` in argmin's Executor for at most `max_iters` iterations with a
/// [`Recorder`] observing every iteration.
fn observed_run(p: Hs, max_iters: u64) -> (OptimizationResult<Hs, NewtonKkt, NewtonKktState>, Log) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let result = Executor::new(p, NewtonKkt::new(Settings::default()))
        .configure(|state| state.max_iters(max_iters))
        .add_observer(Recorder(log.clone()), ObserverMode::Always)
        .run()
        .unwrap();
    (result, log)
}

#[test]
fn executor_runs_to_convergence_with_an_observer() {
    let p = problems().into_iter().find(|p| p.name == "hs77").unwrap();
    let (result, log) = observed_run(p, 100);
    let state = result.state();
    assert_eq!(
        state.get_termination_reason(),
        Some(&TerminationReason::SolverConverged)
    );
    let solution = state.solution().expect("a solution at the end");
    assert_eq!(solution.status, Status::Converged);
    // Same answer as the plain call.
    let mut q = p;
    let plain = solve(&mut q, &Settings::default());
    assert_eq!(solution.iterations, plain.iterations);
    assert_eq!(solution.x, plain.x);
    assert_eq!(state.get_best_param(), Some(&plain.x));
    assert_eq!(state.multipliers(), plain.multipliers.as_slice());
    let log = log.lock().unwrap();
    assert_eq!(log.len(), plain.iterations);
    assert!(log.last().unwrap().2 <= 1e-8);
    assert!(state.get_func_counts()["objective_count"] > 0);
}

#[test]
fn argmin_iteration_limit_stops_with_max_iterations() {
    let p = problems().into_iter().find(|p| p.name == "hs27").unwrap();
    let (result, log) = observed_run(p, 3);
    let state = result.state();
    assert_eq!(
        state.get_termination_reason(),
        Some(&TerminationReason::MaxItersReached)
    );
    assert_eq!(state.get_iter(), 3);
    let solution = state.solution().unwrap();
    assert_eq!(solution.status, Status::MaxIterations);
    assert_eq!(solution.iterations, 3);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[test]
fn solver_failures_end_the_run_with_their_status() {
    // x = 1 and x = 2.
    let mut p = lagrange_test_support::Closure::new(1, 2, vec![0.0]);
    p.cons = Box::new(|x, c| {
        c[0] = x[0] - 1.0;
        c[1] = x[0] - 2.0;
    });
    p.jac = Box::new(|_, mut j| {
        j[(0, 0)] = 1.0;
        j[(1, 0)] = 1.0;
    });
    let result = Executor::new(&mut p, NewtonKkt::new(Settings::default()))
        .run()
        .unwrap();
    let state = result.state();
    assert_eq!(
        state.get_termination_reason(),
        Some(&TerminationReason::SolverExit("infeasible".into()))
    );
    assert_eq!(state.solution().unwrap().status, Status::Infeasible);
}
