//! The solver as an argmin 0.11 [`Solver`], so that argmin's `Executor`,
//! observers, iteration limits, timeouts and termination reasons work with
//! it: the Newton–KKT iteration for equations, the interior-point method
//! when the problem has bounds or inequalities.
//!
//! argmin-math has no faer backend, so the solver carries its own state type
//! [`NewtonKktState`] (parameter `Vec<f64>`, cost f as written). The problem
//! given to the `Executor` is any [`NlpProblem`] (a `&mut P` too); no
//! wrapper is needed.
//!
//! ```
//! use argmin::core::{Executor, State};
//! use faer::MatMut;
//! use lagrange::solver::{NewtonKkt, NlpProblem, Settings, Status};
//!
//! /// Minimize x² + y² subject to x + y = 1.
//! struct Line;
//! impl NlpProblem for Line {
//!     fn num_variables(&self) -> usize { 2 }
//!     fn num_constraints(&self) -> usize { 1 }
//!     fn start(&self) -> Vec<f64> { vec![3.0, -1.0] }
//!     fn objective(&mut self, x: &[f64]) -> f64 { x[0] * x[0] + x[1] * x[1] }
//!     fn gradient(&mut self, x: &[f64], g: &mut [f64]) { g[0] = 2.0 * x[0]; g[1] = 2.0 * x[1]; }
//!     fn constraints(&mut self, x: &[f64], c: &mut [f64]) { c[0] = x[0] + x[1] - 1.0; }
//!     fn jacobian(&mut self, _x: &[f64], mut j: MatMut<'_, f64>) { j[(0, 0)] = 1.0; j[(0, 1)] = 1.0; }
//!     fn hessian_of_lagrangian(&mut self, _x: &[f64], s: f64, _l: &[f64], mut h: MatMut<'_, f64>) {
//!         h.fill(0.0); h[(0, 0)] = 2.0 * s; h[(1, 1)] = 2.0 * s;
//!     }
//! }
//!
//! let result = Executor::new(Line, NewtonKkt::new(Settings::default()))
//!     .configure(|state| state.max_iters(50))
//!     .run()
//!     .unwrap();
//! let solution = result.state().solution().unwrap();
//! assert_eq!(solution.status, Status::Converged);
//! assert!((solution.x[0] - 0.5).abs() < 1e-12);
//! ```

use std::collections::HashMap;
use std::time::Duration;

use argmin::core::{Error, Problem, Solver, State, TerminationReason, TerminationStatus, KV};

use super::algorithm::Algorithm;
use super::newton::Newton;
use super::nlp::NlpProblem;
use super::result::Solution;
use super::settings::Settings;
use super::status::Status;

/// argmin [`Solver`] running the Newton–KKT iteration ([`Newton`]), or the
/// interior-point method when the problem has bounds or inequalities
/// ([`Algorithm`] decides in `init`).
#[derive(Debug)]
pub struct NewtonKkt {
    settings: Settings,
    algorithm: Algorithm,
}

impl NewtonKkt {
    /// A solver with the given settings. Its own iteration limit
    /// ([`Settings::max_iterations`]) and argmin's (`state.max_iters`) both
    /// apply; the smaller one wins.
    pub fn new(settings: Settings) -> Self {
        NewtonKkt {
            algorithm: Algorithm::Newton(Box::new(Newton::new(settings.clone()))),
            settings,
        }
    }

    /// The underlying state machine (current point, multipliers, ...).
    pub fn algorithm(&self) -> &Algorithm {
        &self.algorithm
    }

    /// Builds the [`Solution`] at the current iterate. Needed only when
    /// argmin stopped the run for a reason the solver does not see (a
    /// timeout, an interrupt), in which case [`NewtonKktState::solution`] is
    /// None; the status is then [`Status::MaxIterations`] unless the solver
    /// had set one. Call it as
    /// `result.solver.finish(result.problem.problem.as_mut().unwrap())`.
    pub fn finish<O: NlpProblem>(&mut self, problem: &mut O) -> Solution {
        self.algorithm.finish(problem, Some(Status::MaxIterations))
    }
}

/// State of a [`NewtonKkt`] run in argmin's `Executor`.
///
/// The "best" parameter is always the latest iterate: the line search
/// is a filter method, not a descent method on f, so f may rise on the way to a
/// feasible optimum.
#[derive(Clone, Debug)]
pub struct NewtonKktState {
    x: Option<Vec<f64>>,
    multipliers: Vec<f64>,
    cost: f64,
    kkt_residual: f64,
    iter: u64,
    max_iters: u64,
    termination_status: TerminationStatus,
    counts: HashMap<String, u64>,
    time: Option<Duration>,
    solution: Option<Solution>,
}

impl NewtonKktState {
    /// Sets argmin's iteration limit (builder style, for `Executor::configure`).
    #[must_use]
    pub fn max_iters(mut self, iters: u64) -> Self {
        self.max_iters = iters;
        self
    }

    /// Contract multipliers λ at the current iterate.
    pub fn multipliers(&self) -> &[f64] {
        &self.multipliers
    }

    /// The contract's KKT residual at the current iterate (max(‖∇f − Jᵀλ‖∞,
    /// ‖g‖∞) with equations only).
    pub fn kkt_residual(&self) -> f64 {
        self.kkt_residual
    }

    /// The full result, available once the run has ended.
    pub fn solution(&self) -> Option<&Solution> {
        self.solution.as_ref()
    }

    fn sync(&mut self, newton: &Algorithm) {
        self.x = Some(newton.x().to_vec());
        self.multipliers.clear();
        self.multipliers.extend_from_slice(newton.multipliers());
        self.cost = newton.objective();
        self.kkt_residual = newton.kkt_residual();
    }
}

impl State for NewtonKktState {
    type Param = Vec<f64>;
    type Float = f64;

    fn new() -> Self {
        NewtonKktState {
            x: None,
            multipliers: Vec::new(),
            cost: f64::INFINITY,
            kkt_residual: f64::INFINITY,
            iter: 0,
            max_iters: u64::MAX,
            termination_status: TerminationStatus::NotTerminated,
            counts: HashMap::new(),
            time: None,
            solution: None,
        }
    }

    fn update(&mut self) {}

    fn get_param(&self) -> Option<&Vec<f64>> {
        self.x.as_ref()
    }

    fn get_best_param(&self) -> Option<&Vec<f64>> {
        self.x.as_ref()
    }

    fn get_max_iters(&self) -> u64 {
        self.max_iters
    }

    fn increment_iter(&mut self) {
        self.iter += 1;
    }

    fn get_iter(&self) -> u64 {
        self.iter
    }

    fn get_cost(&self) -> f64 {
        self.cost
    }

    fn get_best_cost(&self) -> f64 {
        self.cost
    }

    fn get_target_cost(&self) -> f64 {
        f64::NEG_INFINITY
    }

    fn func_counts<O>(&mut self, problem: &Problem<O>) {
        for (k, &v) in problem.counts.iter() {
            self.counts.insert(k.to_string(), v);
        }
    }

    fn get_func_counts(&self) -> &HashMap<String, u64> {
        &self.counts
    }

    fn time(&mut self, time: Option<Duration>) -> &mut Self {
        self.time = time;
        self
    }

    fn get_time(&self) -> Option<Duration> {
        self.time
    }

    fn get_last_best_iter(&self) -> u64 {
        self.iter
    }

    fn is_best(&self) -> bool {
        true
    }

    fn terminate_with(mut self, reason: TerminationReason) -> Self {
        if !self.terminated() {
            self.termination_status = TerminationStatus::Terminated(reason);
        }
        self
    }

    fn get_termination_status(&self) -> &TerminationStatus {
        &self.termination_status
    }

    fn get_termination_reason(&self) -> Option<&TerminationReason> {
        match &self.termination_status {
            TerminationStatus::Terminated(reason) => Some(reason),
            TerminationStatus::NotTerminated => None,
        }
    }
}

impl NewtonKkt {
    /// Runs the bookkeeping after `init`/`next_iter`: state sync, function
    /// counts, and the final [`Solution`] when this was the last iteration
    /// (the solver stopped, or argmin's limit is reached).
    fn after_step<O: NlpProblem>(
        &mut self,
        problem: &mut Problem<O>,
        mut state: NewtonKktState,
        next_iter_number: u64,
    ) -> Result<(NewtonKktState, Option<KV>), Error> {
        state.sync(&self.algorithm);
        let counts = self.algorithm.evaluations();
        problem.counts.insert("objective_count", counts.values);
        problem.counts.insert("gradient_count", counts.derivatives);
        problem.counts.insert("hessian_count", counts.hessians);
        let last = self.algorithm.status().is_some() || next_iter_number >= state.max_iters;
        if last {
            let inner = problem
                .problem
                .as_mut()
                .ok_or_else(|| Error::msg("the argmin problem was taken out of the executor"))?;
            state.solution = Some(self.algorithm.finish(inner, Some(Status::MaxIterations)));
        }
        let mut kv = KV::new();
        kv.insert("kkt_residual", state.kkt_residual.into());
        if let Some(record) = state.solution.as_ref().and_then(|s| s.history.last()) {
            kv.insert("step_length", record.step_length.into());
        }
        Ok((state, Some(kv)))
    }
}

/// The problem inside argmin's wrapper (argmin's executor holds it until
/// the run ends).
fn inner<O>(problem: &mut Problem<O>) -> Result<&mut O, Error> {
    problem
        .problem
        .as_mut()
        .ok_or_else(|| Error::msg("the argmin problem was taken out of the executor"))
}

impl<O: NlpProblem> Solver<O, NewtonKktState> for NewtonKkt {
    fn name(&self) -> &str {
        "Newton-KKT"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: NewtonKktState,
    ) -> Result<(NewtonKktState, Option<KV>), Error> {
        let inner = inner(problem)?;
        self.algorithm = Algorithm::for_problem(&self.settings, inner);
        self.algorithm.init(inner);
        let iter = state.iter;
        self.after_step(problem, state, iter)
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: NewtonKktState,
    ) -> Result<(NewtonKktState, Option<KV>), Error> {
        let inner = inner(problem)?;
        self.algorithm.next_iter(inner);
        let next = state.iter + 1;
        self.after_step(problem, state, next)
    }

    fn terminate(&mut self, _state: &NewtonKktState) -> TerminationStatus {
        match self.algorithm.status() {
            None => TerminationStatus::NotTerminated,
            Some(Status::Converged) => {
                TerminationStatus::Terminated(TerminationReason::SolverConverged)
            }
            Some(status) => {
                TerminationStatus::Terminated(TerminationReason::SolverExit(status.as_str().into()))
            }
        }
    }
}
