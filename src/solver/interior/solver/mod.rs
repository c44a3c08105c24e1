//! The interior-point iteration as a state machine: [`InteriorPoint::init`],
//! then [`InteriorPoint::next_iter`] until a status is set, then
//! [`InteriorPoint::finish`]. Each iteration reads as the algorithm:
//! barrier update, factorization with inertia correction, direction,
//! fraction to the boundary, filter line search, acceptance, termination.
//!
//! This file holds the state and the loop ([`InteriorPoint::next_iter`]);
//! each step is a file of its own: `start` (the start point, slacks and
//! workspaces), `multipliers` (least-squares or warm-start estimates),
//! `measures` (θ, the barrier objective φ_μ, the error E_μ),
//! `barrier_update` (μ), `direction` (the primal-dual step and the
//! fraction to the boundary), `line_search` (the filter search with
//! second-order corrections), `restoration_call` (entering and leaving the
//! restoration phase of `interior::restoration`), `termination` and
//! `solution` (the answer, the original bounds, the classification).

mod barrier_update;
mod direction;
mod line_search;
mod measures;
mod multipliers;
mod restoration_call;
mod solution;
mod start;
mod termination;

use std::time::{Duration, Instant};

use faer::Mat;

use crate::solver::classify::{classify_on_active_set, ActiveSet};
use crate::solver::evaluate::{EvaluationCounter, Iterate, Scaling};
use crate::solver::inertia::{InertiaCorrector, InertiaFailure};
use crate::solver::kkt::Diagonal;
use crate::solver::layout::choose_layout;
use crate::solver::line_search::{Filter, FilterSearch, Trial, Verdict};
use crate::solver::linear::KktSolver;
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::nlp::{NlpProblem, Sense};
use crate::solver::result::{Activity, IterationRecord, PointKind, Solution, Timings};
use crate::solver::settings::{Barrier, LinearSolver, Settings};
use crate::solver::status::Status;
use crate::solver::vector::inf_norm;

use super::answer::{self, Answer, Internal};
use super::barrier::{
    fraction_to_boundary, last_stage, Adaptive, BarrierUpdate, Monotone, INITIAL_MU,
};
use super::fixed::Reduction;
use super::point::{
    add_barrier_gradient, barrier_value, complementarity_after, max_primal_step, BoundDuals,
};
use super::restoration::{self, start::PrimalDualStart, Entry, Exit};
use super::structure::{Bounds, Structure};

/// Least-squares multipliers larger than this (scaled problem) are replaced
/// by zero (IPOPT's `constr_mult_init_max`).
const MAX_INITIAL_MULTIPLIER: f64 = 1e3;
/// The smallest μ: a bound whose multiplier matters to the tolerance
/// (z > tol) must come within the feasibility tolerance of its end to count
/// as active (distance = μ/z ≤ tol), so μ may have to reach tol² (IPOPT's
/// floor, tol/10, leaves such bounds "inactive" in the contract's sense).
fn mu_floor(tol: f64) -> f64 {
    (tol * tol).min(tol / 10.0)
}

/// Successive iterates that must look locally infeasible before the solver
/// says so.
const INFEASIBLE_STREAK: usize = 3;
/// Σₜ of a slack without bounds (a row with no finite end): large enough
/// that its multiplier stays 0.
const FREE_SLACK_SIGMA: f64 = 1e-12;
/// The smallest Σₜ of a bounded slack. Far from its end Σₜ = v/t is tiny,
/// and the step of such a slack is limited only by Σₜ⁻¹: a floor as large
/// as [`FREE_SLACK_SIGMA`] would cap it, so that an objective unbounded
/// along an inequality decreases by a constant per iteration instead of
/// diverging to the unboundedness test.
const MIN_SLACK_SIGMA: f64 = 1e-100;

/// The primal-dual point beyond x: slacks and multipliers (scaled).
#[derive(Clone, Debug, Default)]
struct Duals {
    /// Slacks t of the inequality rows.
    t: Vec<f64>,
    /// Constraint multipliers y (all rows).
    y: Vec<f64>,
    /// Bound multipliers of x.
    z: BoundDuals,
    /// Bound multipliers of t.
    v: BoundDuals,
}

/// A search direction.
#[derive(Debug, Default)]
struct Direction {
    dx: Vec<f64>,
    dt: Vec<f64>,
    dy: Vec<f64>,
    dz: BoundDuals,
    dv: BoundDuals,
}

impl Clone for Direction {
    fn clone(&self) -> Self {
        Self {
            dx: self.dx.clone(),
            dt: self.dt.clone(),
            dy: self.dy.clone(),
            dz: self.dz.clone(),
            dv: self.dv.clone(),
        }
    }

    /// Field by field, so that the line search's copies reuse the
    /// vectors' storage (the derived form would allocate anew).
    fn clone_from(&mut self, source: &Self) {
        self.dx.clone_from(&source.dx);
        self.dt.clone_from(&source.dt);
        self.dy.clone_from(&source.dy);
        self.dz.clone_from(&source.dz);
        self.dv.clone_from(&source.dv);
    }
}

/// Scratch vectors, sized once.
#[derive(Clone, Debug, Default)]
struct Workspace {
    /// Σₓ (n) and the constraint block's diagonal (m).
    sigma_x: Vec<f64>,
    dual_diagonal: Vec<f64>,
    /// Σₜ and rₜ (slacks).
    sigma_t: Vec<f64>,
    r_t: Vec<f64>,
    /// Right-hand side / solution of the KKT system (n + m).
    rhs: Vec<f64>,
    /// Scaled constraint residuals c − t (inequalities) or c − end (m).
    residual: Vec<f64>,
    /// The barrier gradient of the slacks (line search).
    grad_t: Vec<f64>,
    /// The accumulated second-order correction's rows (m).
    c_soc: Vec<f64>,
    /// The direction a line search starts from, kept while corrections
    /// overwrite the current one.
    step: Direction,
    /// Length-n scratch.
    n: Vec<f64>,
}

/// Where time went.
#[derive(Clone, Copy, Debug, Default)]
struct Clock {
    factorization: Duration,
    line_search: Duration,
}

/// The interior-point solver's state.
#[derive(Debug)]
pub struct InteriorPoint {
    settings: Settings,
    started: Option<Instant>,
    /// The structure of the problem the iteration sees (fixed variables
    /// removed).
    structure: Structure,
    /// The map to the full problem when some variables are fixed.
    reduction: Option<Reduction>,
    /// Bounds of x as the iteration sees them: moved (by a few units in the
    /// last place) when an iterate comes closer to one than rounding
    /// resolves.
    x_bounds: Bounds,
    /// Bounds of the slacks, scaled like their rows, moved likewise.
    slack_bounds: Bounds,
    scaling: Scaling,
    current: Iterate,
    trial: Iterate,
    point: Duals,
    trial_point: Duals,
    direction: Direction,
    hessian: Hessian,
    jac_c: Jacobian,
    grad_phi: Vec<f64>,
    kkt: KktSolver,
    inertia: InertiaCorrector,
    filter: Filter,
    adaptive: Adaptive,
    /// Largest μ the adaptive rule may choose (10³ times the first average
    /// complementarity, IPOPT's `mu_max_fact`).
    mu_ceiling: f64,
    mu: f64,
    tau: f64,
    work: Workspace,
    answer: Answer,
    note: Option<String>,
    iteration: usize,
    infeasible_streak: usize,
    status: Option<Status>,
    message: String,
    history: Vec<IterationRecord>,
    counter: EvaluationCounter,
    clock: Clock,
    /// Whether this solver solves a restoration problem: it starts from
    /// `given_start` and has no restoration phase of its own.
    in_restoration: bool,
    given_start: Option<Box<PrimalDualStart>>,
}

impl InteriorPoint {
    /// A solver for a problem of this structure; workspaces are sized in
    /// [`InteriorPoint::init`].
    pub fn new(settings: Settings, mut structure: Structure) -> Self {
        let empty = Jacobian::Dense(Mat::zeros(0, 0));
        let mut reduction = None;
        if !structure.fixed.is_empty() {
            let n = structure.x.len();
            let r = Reduction::new(n, &structure.fixed, &structure.x.lower);
            structure = structure.without_fixed(&r.free);
            reduction = Some(r);
        }
        let x_bounds = structure.x.clone();
        InteriorPoint {
            settings,
            started: None,
            structure,
            reduction,
            x_bounds,
            slack_bounds: Bounds::default(),
            scaling: Scaling::identity(1.0, 0),
            current: Iterate::new(0, 0, &empty),
            trial: Iterate::new(0, 0, &empty),
            point: Duals::default(),
            trial_point: Duals::default(),
            direction: Direction::default(),
            hessian: Hessian::Dense(Mat::zeros(0, 0)),
            jac_c: empty,
            grad_phi: Vec::new(),
            kkt: KktSolver::dense(0, 0),
            inertia: InertiaCorrector::new(),
            filter: Filter::default(),
            adaptive: Adaptive::default(),
            mu_ceiling: f64::INFINITY,
            mu: INITIAL_MU,
            tau: fraction_to_boundary(INITIAL_MU),
            work: Workspace::default(),
            answer: Answer::default(),
            note: None,
            iteration: 0,
            infeasible_streak: 0,
            status: None,
            message: String::new(),
            history: Vec::new(),
            counter: EvaluationCounter::default(),
            clock: Clock::default(),
            in_restoration: false,
            given_start: None,
        }
    }

    /// A solver for the restoration problem of another (see
    /// [`restoration`]): it starts at the problem's start with `start`'s
    /// slacks, multipliers and μ as given, and when its filter line search
    /// fails it takes the least-change step onto the linearized rows
    /// instead of a restoration phase.
    pub(super) fn for_restoration(
        settings: Settings,
        structure: Structure,
        start: PrimalDualStart,
    ) -> Self {
        let mut solver = InteriorPoint::new(settings, structure);
        solver.in_restoration = true;
        solver.given_start = Some(Box::new(start));
        solver
    }

    /// The slacks of the inequality rows at the current point (scaled).
    pub(super) fn slacks(&self) -> &[f64] {
        &self.point.t
    }

    /// Why the iteration stopped, once it has.
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// Number of iterations taken.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// The current point.
    pub fn x(&self) -> &[f64] {
        &self.current.x
    }

    /// f at the current point, as written.
    pub fn objective(&self) -> f64 {
        self.current.objective
    }

    /// Contract multipliers λ at the current point (0 for inactive
    /// inequalities).
    pub fn multipliers(&self) -> &[f64] {
        &self.answer.lambda
    }

    /// Contract bound multipliers z at the current point.
    pub fn bound_multipliers(&self) -> &[f64] {
        &self.answer.z
    }

    /// The contract's KKT residual at the current point.
    pub fn kkt_residual(&self) -> f64 {
        self.answer.kkt_residual()
    }

    /// Counts of problem evaluations so far.
    pub fn evaluations(&self) -> &EvaluationCounter {
        &self.counter
    }

    /// Marks the problem unusable before [`InteriorPoint::init`] (bounds
    /// or constraint ends that cross).
    pub fn reject(&mut self, message: String) {
        self.stop(Status::InvalidProblem, message);
    }

    fn stop(&mut self, status: Status, message: impl Into<String>) {
        self.status = Some(status);
        self.message = message.into();
    }

    fn n(&self) -> usize {
        self.current.x.len()
    }

    fn m(&self) -> usize {
        self.current.constraints.len()
    }

    /// Allocation, the start pushed inside the bounds, scaling, slacks,
    /// bound multipliers 1, least-squares constraint multipliers, the first
    /// Hessian and the termination test at the start.
    pub fn init<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        self.started = Some(Instant::now());
        match self.reduction.take() {
            Some(mut reduction) => {
                self.init_with(&mut reduction.of(problem));
                self.reduction = Some(reduction);
            }
            None => self.init_with(problem),
        }
    }

    /// One iteration of the interior-point method.
    pub fn next_iter<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        match self.reduction.take() {
            Some(mut reduction) => {
                self.iterate(&mut reduction.of(problem));
                self.reduction = Some(reduction);
            }
            None => self.iterate(problem),
        }
    }

    fn iterate<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        if self.status.is_some() {
            return;
        }
        let (n, m) = (self.n(), self.m());

        // Step 1: factor the KKT matrix with the barrier diagonals,
        // correcting its inertia (the matrix does not depend on μ).
        let clock = Instant::now();
        self.barrier_diagonals();
        let reg = self.inertia.factor(
            &mut self.kkt,
            (n, m),
            &self.hessian,
            &self.jac_c,
            (&self.work.sigma_x, &self.work.dual_diagonal),
        );
        let reg = match reg {
            Ok(reg) => reg,
            Err(InertiaFailure::TooLarge) => {
                self.clock.factorization += clock.elapsed();
                return self.stop(
                    Status::Singular,
                    "the KKT matrix stays singular or indefinite with the largest Hessian \
                     regularization",
                );
            }
            Err(InertiaFailure::NonFinite) => {
                self.clock.factorization += clock.elapsed();
                return self.stop(
                    Status::Singular,
                    "the factorization of the KKT matrix overflowed",
                );
            }
        };

        // Step 2: the barrier update (which may probe with an affine step),
        // then step 3: the search direction (dx, dt, dy, dz, dv).
        let solved = self.update_barrier() && self.direction(None);
        self.clock.factorization += clock.elapsed();
        if !solved {
            return self.stop(
                Status::Singular,
                "the Newton system has no finite solution, or its factorization could not be \
                 refined to the required accuracy",
            );
        }

        // Step 4: fraction to the boundary.
        let alpha_primal = self.max_primal_step();

        // Step 5: filter line search on (θ, φ_μ).
        let clock = Instant::now();
        let eval_before = self.counter.time;
        let accepted = self.line_search(problem, alpha_primal);
        self.clock.line_search += clock
            .elapsed()
            .saturating_sub(self.counter.time - eval_before);
        let alpha = match accepted {
            Ok(alpha) => alpha,
            Err(Status::LineSearchFailed) if !self.in_restoration => {
                return self.restore(problem);
            }
            Err(status) => {
                let msg = match status {
                    Status::EvaluationError => {
                        "f, g or a derivative is not finite at every trial point along the step"
                    }
                    Status::Infeasible => {
                        "locally infeasible: the constraint violation cannot be reduced further \
                         (stationary point of the violation within the bounds)"
                    }
                    _ => {
                        "no acceptable step: the filter line search and the feasibility \
                         fallback both failed"
                    }
                };
                return self.stop(status, msg);
            }
        };
        // The direction holds the accepted step (a correction replaces it).
        let alpha_dual = self.max_dual_step();

        // Step 6: accept the trial point and advance the multipliers.
        std::mem::swap(&mut self.current, &mut self.trial);
        std::mem::swap(&mut self.point.t, &mut self.trial_point.t);
        // Rounding may put a coordinate on its bound: move the bound first,
        // everything below divides by the distance.
        self.x_bounds.keep_distance(&self.current.x);
        self.slack_bounds.keep_distance(&self.point.t);
        for (y, dy) in self.point.y.iter_mut().zip(&self.direction.dy) {
            *y += alpha * dy;
        }
        self.point.z.advance(&self.direction.dz, alpha_dual);
        self.point.v.advance(&self.direction.dv, alpha_dual);
        self.point
            .z
            .safeguard(&self.x_bounds, &self.current.x, self.mu);
        self.point
            .v
            .safeguard(&self.slack_bounds, &self.point.t, self.mu);
        self.iteration += 1;
        if !self.counter.derivatives(problem, &mut self.current) {
            return self.stop(
                Status::EvaluationError,
                "the gradient or the Jacobian is not finite at the new point",
            );
        }
        self.update_scaled_derivatives();
        if !self.evaluate_hessian(problem) {
            return self.stop(
                Status::EvaluationError,
                "the Hessian of the Lagrangian is not finite at the new point",
            );
        }

        // Step 7: termination tests.
        self.check_termination(alpha, reg.delta);
    }
}
