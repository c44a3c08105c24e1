//! The Newton–KKT iteration for equality-constrained problems
//! (minimize σ f(x) subject to g(x) = 0, σ = ±1).
//!
//! Each iteration solves the Newton system of ∇φ − Jᵀy = 0, c = 0 on the
//! internally scaled problem (see [`super::evaluate`]):
//!
//! ```text
//! [ W + δI   Jᵀ  ] [  d  ]     [ ∇φ ]
//! [ J       −γI  ] [ −y⁺ ] = − [  c ]
//! ```
//!
//! with δ, γ from the inertia correction, then globalizes the step with the
//! filter line search of IPOPT (with second-order corrections; a
//! Gauss–Newton feasibility restoration when no step is acceptable), and
//! updates y ← y + α (y⁺ − y).
//!
//! The KKT systems are dense (Bunch–Kaufman LBLᵀ) or sparse (LDLᵀ of the
//! KKT matrix in compressed column form, structure and symbolic analysis
//! built once from the problem's sparsity patterns), as
//! [`Settings::linear_solver`] and the problem's size and density decide;
//! on the sparse path nothing is O(n²) in memory (J and W are stored as
//! pattern values, the classification uses KKT inertias).
//!
//! One file per step of the iteration: `state` (what the machine holds),
//! `start` (allocation, the start point and the scaling),
//! `factorization` (K with inertia correction), `direction` (right-hand
//! sides and solves), `trials` (the line search along the step),
//! `acceptance` (taking the trial point), `multipliers` (least-squares
//! estimates and the safeguard), `hessian` (evaluations of W),
//! `termination`, `restoration`, and `solution` (the result).
//!
//! Requirements on the problem: f and g twice continuously differentiable
//! near the iterates, exact first and second derivatives. Reference: Nocedal
//! & Wright, *Numerical Optimization* (2006), ch. 18; Wächter & Biegler, *On
//! the implementation of an interior-point filter line-search algorithm*
//! (2006) for the filter line search, inertia correction and scaling.

use std::time::Instant;

use super::evaluate::EvaluationCounter;
use super::linear::KktSolver;
use super::nlp::NlpProblem;
use super::settings::Settings;
use super::status::Status;
use super::timers::Phase;

mod acceptance;
mod direction;
mod factorization;
mod hessian;
mod multipliers;
mod restoration;
mod solution;
mod start;
mod state;
mod termination;
mod trials;

use state::{Clock, Memory, Model, Multipliers, Points, Progress, Workspace};
use trials::Search;

/// The solver as a state machine: [`Newton::init`], then
/// [`Newton::next_iter`] until [`Newton::status`] is set, then
/// [`Newton::finish`]. [`solve`](super::solve) runs this loop; the argmin
/// adapter drives the same machine from argmin's `Executor`.
#[derive(Debug)]
pub struct Newton {
    settings: Settings,
    points: Points,
    multipliers: Multipliers,
    model: Model,
    work: Workspace,
    memory: Memory,
    progress: Progress,
    clock: Clock,
}

/// Why the iteration stops: the status and its message.
#[derive(Debug)]
struct Stop {
    status: Status,
    message: String,
}

impl Stop {
    fn new(status: Status, message: impl Into<String>) -> Self {
        Stop {
            status,
            message: message.into(),
        }
    }
}

impl Newton {
    /// A solver with the given settings; workspaces are sized in [`Newton::init`].
    pub fn new(settings: Settings) -> Self {
        Newton {
            settings,
            points: Points::empty(),
            multipliers: Multipliers::default(),
            model: Model::empty(),
            work: Workspace::empty(),
            memory: Memory::new(),
            progress: Progress::default(),
            clock: Clock::default(),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Why the iteration stopped, once it has.
    pub fn status(&self) -> Option<Status> {
        self.progress.status
    }

    /// Number of Newton steps taken.
    pub fn iteration(&self) -> usize {
        self.progress.iteration
    }

    /// The current point.
    pub fn x(&self) -> &[f64] {
        &self.points.current.x
    }

    /// f at the current point, as written.
    pub fn objective(&self) -> f64 {
        self.points.current.objective
    }

    /// Contract multipliers λ at the current point.
    pub fn multipliers(&self) -> &[f64] {
        &self.multipliers.lambda
    }

    /// max(‖∇f − Jᵀλ‖∞, ‖g‖∞) at the current point.
    pub fn kkt_residual(&self) -> f64 {
        let violation = self.points.current.constraint_violation();
        self.multipliers.stationarity.max(violation)
    }

    /// Counts of problem evaluations so far.
    pub fn evaluations(&self) -> &EvaluationCounter {
        &self.clock.evaluations
    }

    /// Whether the KKT systems are solved with the sparse factorization
    /// (decided in [`Newton::init`]).
    pub fn uses_sparse(&self) -> bool {
        self.work.kkt.is_sparse()
    }

    /// On the sparse path, the structural nonzeros of the KKT matrix's lower
    /// triangle and of its factor L (fill included).
    pub fn sparse_nonzeros(&self) -> Option<(usize, usize)> {
        match &self.work.kkt {
            KktSolver::Sparse(kkt) => Some((kkt.nnz(), kkt.factor_nnz())),
            KktSolver::Dense { .. } => None,
        }
    }

    /// Initialization: allocate workspaces, evaluate the start point, choose
    /// the scaling, estimate least-squares multipliers, evaluate the Hessian,
    /// and test for convergence at the start.
    pub fn init<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        self.clock.timers.start();
        let started = self
            .allocate(problem)
            .and_then(|()| self.evaluate_start(problem));
        if let Err(stop) = started {
            return self.stop(stop);
        }
        self.scale_from_start();
        self.least_squares_multipliers();
        self.multipliers.update_lambda(&self.points.scaling);
        if !self.evaluate_hessian(problem) {
            let msg = "the Hessian of the Lagrangian is not finite at the start point";
            return self.stop(Stop::new(Status::EvaluationError, msg));
        }
        self.check_termination(0.0, 0.0);
    }

    /// One Newton iteration, as named steps.
    pub fn next_iter<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        if self.progress.status.is_some() {
            return;
        }
        // Newton step: factor K(δ, γ) with the right inertia and solve for
        // (d, y⁺). One clock interval covers both; the line search's
        // interval opens where it closes.
        let opened = Instant::now();
        let regularization = match self.factor_kkt() {
            Ok(regularization) => regularization,
            Err(stop) => {
                self.clock.timers.lap(Phase::Factorization, opened);
                return self.stop(stop);
            }
        };
        let solved = self.newton_direction(regularization);
        let searching = self.clock.timers.lap(Phase::Factorization, opened);
        if let Err(stop) = solved {
            return self.stop(stop);
        }

        // Line search along d: filter, second-order corrections, trials
        // with finite derivatives only.
        let alpha = match self.line_search(problem, searching) {
            Search::Accepted(alpha) => alpha,
            Search::Failed(stop) => return self.stop(stop),
            Search::Exhausted => return self.restore(problem, regularization.delta),
        };

        // The trial point and its multipliers become the iterate.
        self.accept_trial();
        if let Err(stop) = self.safeguard_multipliers(problem) {
            return self.stop(stop);
        }
        self.multipliers.update_lambda(&self.points.scaling);

        self.check_termination(alpha, regularization.delta);
    }

    fn stop(&mut self, stop: Stop) {
        self.progress.status = Some(stop.status);
        self.progress.message = stop.message;
    }
}
