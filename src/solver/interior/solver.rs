//! The interior-point iteration as a state machine: [`InteriorPoint::init`],
//! then [`InteriorPoint::next_iter`] until a status is set, then
//! [`InteriorPoint::finish`]. Each iteration reads as the algorithm:
//! barrier update, factorization with inertia correction, direction,
//! fraction to the boundary, filter line search, acceptance, termination.

use std::time::{Duration, Instant};

use faer::Mat;

use crate::solver::classify::classify_with_hessian;
use crate::solver::evaluate::{inf_norm, EvaluationCounter, Iterate, Scaling};
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

use super::answer::{self, Answer, Internal};
use super::barrier::{fraction_to_boundary, Adaptive, BarrierUpdate, Monotone, INITIAL_MU};
use super::fixed::Reduction;
use super::point::{
    add_barrier_gradient, barrier_value, complementarity_after, max_primal_step, BoundDuals,
};
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
#[derive(Clone, Debug, Default)]
struct Direction {
    dx: Vec<f64>,
    dt: Vec<f64>,
    dy: Vec<f64>,
    dz: BoundDuals,
    dv: BoundDuals,
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
        }
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

    fn init_with<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        let (n, m) = (problem.num_variables(), problem.num_constraints());
        let sense = problem.sense().sign();
        self.scaling = Scaling::identity(sense, m);
        let layout = match choose_layout(&self.settings, problem, n, m) {
            Ok((layout, note)) => {
                self.note = note;
                layout
            }
            Err(msg) => {
                self.allocate_vectors(n, m, &crate::solver::layout::Layout::Dense);
                return self.stop(Status::InvalidProblem, msg);
            }
        };
        self.allocate_vectors(n, m, &layout);
        match layout.kkt_solver(n, m) {
            Ok(kkt) => self.kkt = kkt,
            Err(msg) => return self.stop(Status::InvalidProblem, msg),
        }

        // The start: the warm start's point or the problem's, pushed inside.
        let warm = self.settings.warm_start().cloned();
        let start = match &warm {
            Some(w) => w.x.clone(),
            None => problem.start(),
        };
        if start.len() != n {
            let msg = format!(
                "the start point has {} entries but the problem has {n} variables",
                start.len()
            );
            return self.stop(Status::InvalidProblem, msg);
        }
        if let Some(w) = &warm {
            if w.multipliers.len() != m || w.bound_multipliers.len() != n {
                let msg = format!(
                    "the warm start has {} multipliers and {} bound multipliers; the problem \
                     has {m} constraints and {n} variables",
                    w.multipliers.len(),
                    w.bound_multipliers.len()
                );
                return self.stop(Status::InvalidProblem, msg);
            }
        }
        self.current.x.copy_from_slice(&start);
        if !self.current.x.iter().all(|v| v.is_finite()) {
            return self.stop(
                Status::InvalidProblem,
                "the start point has a non-finite entry",
            );
        }
        self.x_bounds.push_inside(&mut self.current.x);
        if !self.counter.values(problem, &mut self.current) {
            return self.stop(
                Status::EvaluationError,
                "the objective or a constraint is not finite at the start point",
            );
        }
        if !self.counter.derivatives(problem, &mut self.current) {
            return self.stop(
                Status::EvaluationError,
                "the gradient or the Jacobian is not finite at the start point",
            );
        }
        self.scaling =
            Scaling::from_start(sense, &self.current, self.settings.max_gradient_scale());
        self.update_scaled_derivatives();
        self.scale_slack_bounds();
        // Slacks start at the (scaled) constraint values, pushed inside.
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            self.point.t[k] = self.scaling.constraints[i] * self.current.constraints[i];
        }
        self.slack_bounds.push_inside(&mut self.point.t);
        self.point.z = BoundDuals::new(&self.x_bounds, 1.0);
        self.point.v = BoundDuals::new(&self.slack_bounds, 1.0);
        match &warm {
            Some(w) => self.warm_multipliers(&w.multipliers, &w.bound_multipliers),
            None => self.least_squares_multipliers(),
        }
        let theta0 = self.theta(&self.current, &self.point.t);
        self.filter = Filter::new(theta0, self.settings.max_iterations().min(1000) + 1);
        if !self.evaluate_hessian(problem) {
            return self.stop(
                Status::EvaluationError,
                "the Hessian of the Lagrangian is not finite at the start point",
            );
        }
        self.check_termination(0.0, 0.0);
    }

    fn allocate_vectors(&mut self, n: usize, m: usize, layout: &crate::solver::layout::Layout) {
        let (jacobian, hessian) = layout.matrices(n, m);
        let mi = self.structure.inequalities.len();
        self.current = Iterate::new(n, m, &jacobian);
        self.trial = Iterate::new(n, m, &jacobian);
        self.hessian = hessian;
        self.jac_c = jacobian;
        self.grad_phi = vec![0.0; n];
        let duals = Duals {
            t: vec![0.0; mi],
            y: vec![0.0; m],
            z: BoundDuals::new(&self.x_bounds, 0.0),
            v: BoundDuals::default(),
        };
        self.point = duals.clone();
        self.trial_point = duals;
        self.direction = Direction {
            dx: vec![0.0; n],
            dt: vec![0.0; mi],
            dy: vec![0.0; m],
            dz: BoundDuals::new(&self.x_bounds, 0.0),
            dv: BoundDuals::default(),
        };
        self.work = Workspace {
            sigma_x: vec![0.0; n],
            dual_diagonal: vec![0.0; m],
            sigma_t: vec![0.0; mi],
            r_t: vec![0.0; mi],
            rhs: vec![0.0; n + m],
            residual: vec![0.0; m],
            n: vec![0.0; n],
        };
        self.answer = Answer::default();
        if self.settings.record_history() {
            self.history
                .reserve(self.settings.max_iterations().min(1000) + 1);
        }
    }

    /// The slacks' bounds: each inequality row's ends times its scale.
    fn scale_slack_bounds(&mut self) {
        let s = &self.scaling.constraints;
        let (lower, upper) = self
            .structure
            .inequalities
            .iter()
            .map(|&i| {
                (
                    s[i] * self.structure.constraint_lower[i],
                    s[i] * self.structure.constraint_upper[i],
                )
            })
            .unzip();
        self.slack_bounds = Bounds::new(lower, upper);
        let mi = self.structure.inequalities.len();
        self.point.v = BoundDuals::new(&self.slack_bounds, 0.0);
        self.trial_point.v = self.point.v.clone();
        self.direction.dv = BoundDuals::new(&self.slack_bounds, 0.0);
        debug_assert_eq!(self.slack_bounds.len(), mi);
    }

    /// ∇φ = σ s_f ∇f and J_c = diag(s) J at the current iterate.
    fn update_scaled_derivatives(&mut self) {
        let factor = self.scaling.sense * self.scaling.objective;
        for (gp, g) in self.grad_phi.iter_mut().zip(&self.current.gradient) {
            *gp = factor * g;
        }
        self.jac_c
            .scale_rows_from(&self.current.jacobian, &self.scaling.constraints);
    }

    /// Scaled residuals of the rows at an iterate: cᵢ − end (equations) or
    /// cᵢ − tₖ (inequalities), into `out`.
    fn row_residuals(&self, it: &Iterate, t: &[f64], out: &mut [f64]) {
        for (i, r) in out.iter_mut().enumerate() {
            let c = self.scaling.constraints[i] * it.constraints[i];
            *r = match self.structure.slack_of[i] {
                Some(k) => c - t[k],
                None => c - self.scaling.constraints[i] * self.structure.constraint_lower[i],
            };
        }
    }

    /// θ = ‖residuals‖₁.
    fn theta(&self, it: &Iterate, t: &[f64]) -> f64 {
        let mut sum = 0.0;
        for i in 0..it.constraints.len() {
            let c = self.scaling.constraints[i] * it.constraints[i];
            sum += match self.structure.slack_of[i] {
                Some(k) => c - t[k],
                None => c - self.scaling.constraints[i] * self.structure.constraint_lower[i],
            }
            .abs();
        }
        sum
    }

    /// The barrier objective φ_μ = φ − μ Σ ln(distances) at an iterate.
    fn barrier_objective(&self, it: &Iterate, t: &[f64]) -> f64 {
        self.scaling.phi(it.objective)
            + barrier_value(&self.x_bounds, &it.x, self.mu)
            + barrier_value(&self.slack_bounds, t, self.mu)
    }

    /// Warm-start multipliers: contract λ and z mapped to the scaled
    /// problem (z split by sign into the lower and upper multipliers, kept
    /// at least μ so the iterate stays interior in the dual space too).
    fn warm_multipliers(&mut self, lambda: &[f64], z: &[f64]) {
        let (sigma, sf) = (self.scaling.sense, self.scaling.objective);
        for (i, y) in self.point.y.iter_mut().enumerate() {
            *y = sigma * lambda[i] * sf / self.scaling.constraints[i];
        }
        let floor = self.mu;
        for &j in &self.x_bounds.has_lower {
            self.point.z.lower[j] = (sigma * z[j] * sf).max(floor);
        }
        for &j in &self.x_bounds.has_upper {
            self.point.z.upper[j] = (-sigma * z[j] * sf).max(floor);
        }
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let y = self.point.y[i];
            if self.slack_bounds.lower[k].is_finite() {
                self.point.v.lower[k] = y.max(floor);
            }
            if self.slack_bounds.upper[k].is_finite() {
                self.point.v.upper[k] = (-y).max(floor);
            }
        }
    }

    /// y = argmin ‖∇φ − z_L + z_U − J_cᵀ y‖² + ‖y_I − v_L + v_U‖², from
    /// [I J_cᵀ; J_c −D] (w, y) = (∇φ − z_L + z_U, (0, v_L − v_U)) with D = 1
    /// on the inequality rows; zero when it is larger than
    /// [`MAX_INITIAL_MULTIPLIER`] or the system is singular.
    fn least_squares_multipliers(&mut self) {
        let (n, m) = (self.n(), self.m());
        self.point.y.fill(0.0);
        if m == 0 {
            return;
        }
        let d = &mut self.work.dual_diagonal;
        d.fill(0.0);
        for &i in &self.structure.inequalities {
            d[i] = 1.0;
        }
        let clock = Instant::now();
        let mut factored = false;
        for gamma in [0.0, 1e-8] {
            let diagonal = Diagonal {
                delta: 1.0,
                gamma,
                primal: &[],
                dual: &self.work.dual_diagonal,
            };
            self.kkt.assemble_with(None, &self.jac_c, &diagonal);
            let tol = 1e-13 * self.kkt.max_abs();
            if self.kkt.factor(tol).is_some_and(|i| i.zero == 0) {
                factored = true;
                break;
            }
        }
        if factored {
            let rhs = &mut self.work.rhs;
            rhs[..n].copy_from_slice(&self.grad_phi);
            self.point.z.add_net(&mut rhs[..n]);
            rhs[n..].fill(0.0);
            for (k, &i) in self.structure.inequalities.iter().enumerate() {
                rhs[n + i] = -(self.point.v.lower[k] - self.point.v.upper[k]);
            }
            if self.kkt.solve_in_place(rhs) && inf_norm(&rhs[n..]) <= MAX_INITIAL_MULTIPLIER {
                self.point.y.copy_from_slice(&rhs[n..]);
            }
        }
        self.clock.factorization += clock.elapsed();
    }

    /// W at the current point with the current y.
    fn evaluate_hessian<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> bool {
        let factor = self.scaling.sense * self.scaling.objective;
        let weights: Vec<f64> = self
            .point
            .y
            .iter()
            .zip(&self.scaling.constraints)
            .map(|(y, s)| s * y)
            .collect();
        self.counter.hessian(
            problem,
            &self.current.x,
            factor,
            &weights,
            &mut self.hessian,
        )
    }

    /// E_μ: IPOPT's scaled error of the barrier problem at the current
    /// iterate (dual infeasibility and complementarity divided by s_d, s_c).
    fn barrier_error(&mut self, mu: f64) -> f64 {
        const S_MAX: f64 = 100.0;
        let m = self.m();
        let r = &mut self.work.n;
        r.copy_from_slice(&self.grad_phi);
        self.jac_c.add_transpose_mul(-1.0, &self.point.y, r);
        self.point.z.add_net(r);
        let mut dual = inf_norm(r);
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let rt = self.point.y[i] - self.point.v.lower[k] + self.point.v.upper[k];
            dual = dual.max(rt.abs());
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let primal = inf_norm(&residual);
        self.work.residual = residual;
        let (zx, cx) = self.point.z.l1_and_count(&self.x_bounds);
        let (zt, ct) = self.point.v.l1_and_count(&self.slack_bounds);
        let y1: f64 = self.point.y.iter().map(|y| y.abs()).sum();
        let s_d = (S_MAX.max((y1 + zx + zt) / ((m + cx + ct).max(1) as f64))) / S_MAX;
        let s_c = (S_MAX.max((zx + zt) / ((cx + ct).max(1) as f64))) / S_MAX;
        let (kx, _) = self
            .point
            .z
            .complementarity(&self.x_bounds, &self.current.x, mu);
        let (kt, _) = self
            .point
            .v
            .complementarity(&self.slack_bounds, &self.point.t, mu);
        (dual / s_d).max(primal).max(kx.max(kt) / s_c)
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

    /// Sets μ (and τ), with a fresh filter: the barrier objective changed.
    fn set_mu(&mut self, mu: f64) {
        self.mu = mu;
        self.tau = fraction_to_boundary(mu);
        let theta = self.theta(&self.current, &self.point.t);
        self.filter = Filter::new(
            theta.max(self.filter.scale()),
            self.settings.max_iterations().min(1000) + 1,
        );
    }

    /// The monotone rule: decrease μ while the barrier problem is solved at
    /// the current iterate; whether it decreased.
    fn monotone_update(&mut self, floor: f64) -> bool {
        let mut decreased = false;
        loop {
            let error = self.barrier_error(self.mu);
            let Some(mu) = Monotone.next(self.mu, error, floor) else {
                return decreased;
            };
            self.set_mu(mu);
            decreased = true;
        }
    }

    /// The barrier update of the settings; false when the probing solve
    /// fails.
    fn update_barrier(&mut self) -> bool {
        let floor = mu_floor(self.settings.tolerance());
        if self.settings.barrier() == Barrier::Monotone {
            self.monotone_update(floor);
            return true;
        }
        let (_, sum_x) = self
            .point
            .z
            .complementarity(&self.x_bounds, &self.current.x, 0.0);
        let (_, sum_t) = self
            .point
            .v
            .complementarity(&self.slack_bounds, &self.point.t, 0.0);
        let count = self.x_bounds.has_lower.len()
            + self.x_bounds.has_upper.len()
            + self.slack_bounds.has_lower.len()
            + self.slack_bounds.has_upper.len();
        if count == 0 {
            self.monotone_update(floor);
            return true;
        }
        let average = (sum_x + sum_t) / count as f64;
        let error = self.barrier_error(0.0);
        if self.adaptive.is_fixed() {
            if self.monotone_update(floor) {
                self.adaptive.resume(error);
            }
            return true;
        }
        if !self.adaptive.progress(error) {
            let mu = self.adaptive.fall_back(average, floor);
            self.set_mu(mu);
            return true;
        }
        if !self.mu_ceiling.is_finite() {
            self.mu_ceiling = 1e3 * average;
        }
        // Affine-scaling probe: the direction with μ = 0 and τ = 1.
        let (mu, tau) = (self.mu, self.tau);
        self.mu = 0.0;
        self.tau = 1.0;
        let solved = self.direction(None);
        let (alpha_primal, alpha_dual) = (self.max_primal_step(), self.max_dual_step());
        self.mu = mu;
        self.tau = tau;
        if !solved {
            return false;
        }
        let d = &self.direction;
        let alphas = (alpha_primal, alpha_dual);
        let affine = (complementarity_after(
            &self.x_bounds,
            &self.current.x,
            &d.dx,
            &self.point.z,
            &d.dz,
            alphas,
        ) + complementarity_after(
            &self.slack_bounds,
            &self.point.t,
            &d.dt,
            &self.point.v,
            &d.dv,
            alphas,
        )) / count as f64;
        let mu = Adaptive::probe(average, affine, floor, self.mu_ceiling);
        self.set_mu(mu);
        true
    }

    /// Σₓ, Σₜ and the constraint block's diagonal D (0 on equation rows,
    /// Σₜ⁻¹ on inequality rows).
    fn barrier_diagonals(&mut self) {
        self.point
            .z
            .sigma(&self.x_bounds, &self.current.x, &mut self.work.sigma_x);
        self.point
            .v
            .sigma(&self.slack_bounds, &self.point.t, &mut self.work.sigma_t);
        self.work.dual_diagonal.fill(0.0);
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            let sigma = self.work.sigma_t[k].max(FREE_SLACK_SIGMA);
            self.work.dual_diagonal[i] = 1.0 / sigma;
        }
    }

    /// Solves the factored system for the primal-dual direction into
    /// `self.direction`; the rows' residuals are those of the current
    /// iterate, or `rows` (a second-order correction's c_soc). False when
    /// the solve fails.
    fn direction(&mut self, rows: Option<&[f64]>) -> bool {
        let (n, m) = (self.n(), self.m());
        let mu = self.mu;
        // rₜ = y_I − μ/(t − t_L) + μ/(t_U − t).
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            self.work.r_t[k] = self.point.y[i];
        }
        add_barrier_gradient(&self.slack_bounds, &self.point.t, mu, &mut self.work.r_t);
        // x part: −(∇φ − J_cᵀy + barrier gradient).
        let rhs = &mut self.work.rhs;
        rhs[..n].copy_from_slice(&self.grad_phi);
        self.jac_c
            .add_transpose_mul(-1.0, &self.point.y, &mut rhs[..n]);
        add_barrier_gradient(&self.x_bounds, &self.current.x, mu, &mut rhs[..n]);
        for r in &mut rhs[..n] {
            *r = -*r;
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        match rows {
            Some(rows) => residual.copy_from_slice(rows),
            None => self.row_residuals(&self.current, &self.point.t, &mut residual),
        }
        for (i, (rhs, r)) in self.work.rhs[n..].iter_mut().zip(&residual).enumerate() {
            let extra = match self.structure.slack_of[i] {
                Some(k) => self.work.r_t[k] * self.work.dual_diagonal[i],
                None => 0.0,
            };
            *rhs = -(r + extra);
        }
        self.work.residual = residual;
        if !self.kkt.solve_in_place(&mut self.work.rhs) {
            return false;
        }
        let d = &mut self.direction;
        d.dx.copy_from_slice(&self.work.rhs[..n]);
        for i in 0..m {
            d.dy[i] = -self.work.rhs[n + i];
        }
        // dt = (w_I − rₜ)/Σₜ with w = −dy.
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            d.dt[k] = (self.work.rhs[n + i] - self.work.r_t[k]) * self.work.dual_diagonal[i];
        }
        self.point
            .z
            .step(&self.x_bounds, &self.current.x, &d.dx, mu, &mut d.dz);
        self.point
            .v
            .step(&self.slack_bounds, &self.point.t, &d.dt, mu, &mut d.dv);
        d.dx.iter().chain(&d.dt).chain(&d.dy).all(|v| v.is_finite())
    }

    /// The largest primal step along the direction (fraction to the boundary).
    fn max_primal_step(&self) -> f64 {
        let d = &self.direction;
        max_primal_step(&self.x_bounds, &self.current.x, &d.dx, self.tau).min(max_primal_step(
            &self.slack_bounds,
            &self.point.t,
            &d.dt,
            self.tau,
        ))
    }

    /// The largest dual step along the direction (fraction to the boundary).
    fn max_dual_step(&self) -> f64 {
        let d = &self.direction;
        self.point
            .z
            .max_step(&self.x_bounds, &d.dz, self.tau)
            .min(self.point.v.max_step(&self.slack_bounds, &d.dv, self.tau))
    }

    /// Writes the trial (x + α dx, t + α dt); false if not finite.
    fn form_trial(&mut self, alpha: f64) -> bool {
        for (j, x) in self.trial.x.iter_mut().enumerate() {
            *x = self.current.x[j] + alpha * self.direction.dx[j];
        }
        for (k, t) in self.trial_point.t.iter_mut().enumerate() {
            *t = self.point.t[k] + alpha * self.direction.dt[k];
        }
        self.trial
            .x
            .iter()
            .chain(&self.trial_point.t)
            .all(|v| v.is_finite())
    }

    /// The filter line search from α_max; on failure, a step that reduces θ
    /// alone. Returns the accepted α, or the status to stop with.
    fn line_search<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        alpha_max: f64,
    ) -> Result<f64, Status> {
        let n = self.n();
        let theta0 = self.theta(&self.current, &self.point.t);
        let phi0 = self.barrier_objective(&self.current, &self.point.t);
        // Slope of φ_μ along (dx, dt).
        let mut grad = std::mem::take(&mut self.work.n);
        grad.copy_from_slice(&self.grad_phi);
        add_barrier_gradient(&self.x_bounds, &self.current.x, self.mu, &mut grad);
        let mut slope: f64 = grad
            .iter()
            .zip(&self.direction.dx)
            .map(|(g, d)| g * d)
            .sum();
        self.work.n = grad;
        let mut grad_t = vec![0.0; self.point.t.len()];
        add_barrier_gradient(&self.slack_bounds, &self.point.t, self.mu, &mut grad_t);
        slope += grad_t
            .iter()
            .zip(&self.direction.dt)
            .map(|(g, d)| g * d)
            .sum::<f64>();
        let mut search = FilterSearch::new(theta0, phi0, slope)
            .with_noise_terms(n)
            .with_max_step(alpha_max);
        // The direction of the step; corrections overwrite self.direction.
        let step = self.direction.clone();
        let mut c_soc = vec![0.0; self.m()];
        let mut alpha_soc = alpha_max;
        while let Some(trial) = search.next_trial() {
            let alpha = match trial {
                Trial::Step(alpha) => {
                    self.direction.clone_from(&step);
                    alpha
                }
                Trial::SecondOrderCorrection(k) => {
                    // c_soc = α c_soc + (c(x + α d) − t − α dt): the trial
                    // iterate still holds the rejected trial's values.
                    let mut rows = std::mem::take(&mut self.work.residual);
                    if k == 1 {
                        self.row_residuals(&self.current, &self.point.t, &mut c_soc);
                    }
                    self.row_residuals(&self.trial, &self.trial_point.t, &mut rows);
                    for (c, r) in c_soc.iter_mut().zip(&rows) {
                        *c = alpha_soc * *c + r;
                    }
                    self.work.residual = rows;
                    let clock = Instant::now();
                    let solved = self.direction(Some(&c_soc));
                    self.clock.factorization += clock.elapsed();
                    if !solved {
                        search.reject_non_finite(trial);
                        continue;
                    }
                    alpha_soc = self.max_primal_step();
                    alpha_soc
                }
            };
            if !self.form_trial(alpha) {
                search.reject_non_finite(trial);
                continue;
            }
            let finite = self.counter.values(problem, &mut self.trial);
            let values = finite.then(|| {
                (
                    self.theta(&self.trial, &self.trial_point.t),
                    self.barrier_objective(&self.trial, &self.trial_point.t),
                )
            });
            if search.judge(trial, values, &self.filter) == Verdict::Accept {
                if search.augments_filter() {
                    self.filter.augment(theta0, phi0);
                }
                return Ok(alpha);
            }
        }
        self.direction = step;
        if search.saw_non_finite {
            return Err(Status::EvaluationError);
        }
        self.feasibility_fallback(problem, theta0, phi0)
    }

    /// When the filter accepts no step: one feasibility-restoration step,
    /// the least-change step onto the linearized constraints,
    ///
    /// ```text
    /// min ½ dxᵀ(Σₓ + I)dx + ½ dtᵀ Σₜ dt   subject to   J dx − dt = −(c − t),
    /// ```
    ///
    /// (the bounds' Σ keep it away from them), shortened by the fraction to
    /// the boundary and backtracked until θ decreases; the filter is
    /// augmented with the current iterate. When θ cannot decrease along it,
    /// the iterate is a stationary point of the violation (`infeasible`),
    /// unless it is feasible already (`line_search_failed`).
    fn feasibility_fallback<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        theta0: f64,
        phi0: f64,
    ) -> Result<f64, Status> {
        let (n, m) = (self.n(), self.m());
        let clock = Instant::now();
        let primal: Vec<f64> = self.work.sigma_x.iter().map(|s| s + 1.0).collect();
        let mut factored = false;
        for gamma in [0.0, 1e-8] {
            let diagonal = Diagonal {
                delta: 0.0,
                gamma,
                primal: &primal,
                dual: &self.work.dual_diagonal,
            };
            self.kkt.assemble_with(None, &self.jac_c, &diagonal);
            let tol = 1e-13 * self.kkt.max_abs();
            if self
                .kkt
                .factor(tol)
                .is_some_and(|i| i.zero == 0 && i.negative == m)
            {
                factored = true;
                break;
            }
        }
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let rhs = &mut self.work.rhs;
        rhs[..n].fill(0.0);
        for (b, r) in rhs[n..].iter_mut().zip(&residual) {
            *b = -r;
        }
        self.work.residual = residual;
        let solved = factored && self.kkt.solve_in_place(&mut self.work.rhs);
        self.clock.factorization += clock.elapsed();
        let d = &mut self.direction;
        if solved {
            d.dx.copy_from_slice(&self.work.rhs[..n]);
            for (k, &i) in self.structure.inequalities.iter().enumerate() {
                d.dt[k] = self.work.rhs[n + i] * self.work.dual_diagonal[i];
            }
            d.dy.fill(0.0);
            for duals in [&mut d.dz, &mut d.dv] {
                duals.lower.fill(0.0);
                duals.upper.fill(0.0);
            }
            let mut alpha = self.max_primal_step();
            while alpha > 1e-12 {
                if self.form_trial(alpha) && self.counter.values(problem, &mut self.trial) {
                    let theta = self.theta(&self.trial, &self.trial_point.t);
                    if theta <= (1.0 - 1e-4 * alpha) * theta0 {
                        self.filter.augment(theta0, phi0);
                        return Ok(alpha);
                    }
                }
                alpha *= 0.5;
            }
        }
        let tol = self.settings.tolerance();
        if answer::feasible(&self.structure, &self.current, tol) {
            Err(Status::LineSearchFailed)
        } else if self.violation_is_stationary() {
            Err(Status::Infeasible)
        } else {
            Err(Status::LineSearchFailed)
        }
    }

    /// Whether the current iterate is a stationary point of ½θ₂² =
    /// ½‖c − t‖² within the slacks' bounds: ‖J_cᵀ r‖∞ ≤ 10⁻⁶ ‖J_c‖ ‖r‖∞ for
    /// the residuals r, and every slack's component −rₖ either small alike
    /// or pushing against the bound the slack sits at.
    fn violation_is_stationary(&mut self) -> bool {
        const RELATIVE: f64 = 1e-6;
        let mut residual = std::mem::take(&mut self.work.residual);
        self.row_residuals(&self.current, &self.point.t, &mut residual);
        let r_max = inf_norm(&residual);
        let g = &mut self.work.n;
        g.fill(0.0);
        self.jac_c.add_transpose_mul(1.0, &residual, g);
        let mut sums = vec![0.0; g.len()];
        self.jac_c.col_abs_sums(&mut sums);
        let scale = inf_norm(&sums).max(1.0) * r_max;
        let mut stationary = inf_norm(g) <= RELATIVE * scale;
        for (k, &i) in self.structure.inequalities.iter().enumerate() {
            // d(½r²)/dt = −r: decreasing it means moving t towards c.
            let r = residual[i];
            let t = self.point.t[k];
            let near = |end: f64| (t - end).abs() <= 1e-6 * end.abs().max(1.0);
            let blocked = (r > 0.0 && near(self.slack_bounds.upper[k]))
                || (r < 0.0 && near(self.slack_bounds.lower[k]));
            stationary &= blocked || r.abs() <= RELATIVE * r_max;
        }
        self.work.residual = residual;
        r_max > 0.0 && stationary
    }

    /// The contract's test (converged), unboundedness, a stalled
    /// infeasible iterate, and the iteration limit; records the history.
    fn check_termination(&mut self, alpha: f64, delta: f64) {
        let tol = self.settings.tolerance();
        let input = Internal {
            iterate: &self.current,
            scaling: &self.scaling,
            y: &self.point.y,
            z: &self.point.z,
        };
        answer::evaluate(
            &self.structure,
            &input,
            tol,
            &mut self.answer,
            &mut self.work.n,
        );
        if self.settings.record_history() {
            self.history.push(IterationRecord {
                iteration: self.iteration,
                objective: self.current.objective,
                constraint_violation: self.answer.violation,
                stationarity: self.answer.stationarity,
                step_length: alpha,
                regularization: delta,
            });
        }
        if self.answer.converged {
            return self.stop(
                Status::Converged,
                "the KKT conditions hold to the tolerance",
            );
        }
        let feasible = answer::feasible(&self.structure, &self.current, tol);
        let limit = self.settings.unbounded_objective();
        if feasible
            && (self.scaling.sense * self.current.objective < -limit
                || inf_norm(&self.current.x) > limit)
        {
            let msg = format!(
                "the objective reached {:e} at a feasible point: the problem appears unbounded",
                self.current.objective
            );
            return self.stop(Status::Unbounded, msg);
        }
        if !feasible && alpha > 0.0 && alpha < 1e-8 {
            self.infeasible_streak += 1;
            if self.infeasible_streak >= INFEASIBLE_STREAK {
                return self.stop(
                    Status::Infeasible,
                    "locally infeasible: the steps vanish while the constraints are violated",
                );
            }
        } else {
            self.infeasible_streak = 0;
        }
        if self.iteration >= self.settings.max_iterations() {
            let msg = format!(
                "the iteration limit ({}) was reached before convergence",
                self.settings.max_iterations()
            );
            self.stop(Status::MaxIterations, msg);
        }
    }

    /// The result: the current point, the contract's multipliers and
    /// activities, the history and (converged, small dense problems) the
    /// second-order classification on the active set.
    pub fn finish<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        forced: Option<Status>,
    ) -> Solution {
        match self.reduction.take() {
            Some(mut reduction) => {
                let solution = self.finish_with(&mut reduction.of(problem), forced);
                let solution = reduction.expand_solution(problem, solution);
                self.reduction = Some(reduction);
                solution
            }
            None => self.finish_with(problem, forced),
        }
    }

    fn finish_with<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        forced: Option<Status>,
    ) -> Solution {
        let status = self.status.or(forced).unwrap_or(Status::MaxIterations);
        let mut message = if self.status.is_some() {
            self.message.clone()
        } else {
            "the iteration limit was reached before convergence".to_string()
        };
        if let Some(note) = &self.note {
            message.push_str(" (");
            message.push_str(note);
            message.push(')');
        }
        let (n, m) = (problem.num_variables(), problem.num_constraints());
        let usable = self.current.x.len() == n && self.answer.lambda.len() == m;
        if !usable {
            // Stopped before the first evaluation: report the sizes anyway.
            self.answer.lambda = vec![0.0; m];
            self.answer.z = vec![0.0; n];
            self.answer.constraint_activity = vec![Activity::Inactive; m];
            self.answer.bound_activity = vec![Activity::Inactive; n];
            self.answer.stationarity = f64::NAN;
        }
        if usable {
            self.honor_original_bounds(problem);
        }
        let clock = Instant::now();
        let point = (usable && status == Status::Converged && self.settings.classify())
            .then(|| self.classify(problem))
            .flatten();
        let classification = clock.elapsed();
        let timings = Timings {
            evaluation: self.counter.time,
            factorization: self.clock.factorization,
            line_search: self.clock.line_search,
            classification,
            total: self.started.map(|s| s.elapsed()).unwrap_or_default(),
        };
        let x = if usable {
            self.current.x.clone()
        } else {
            problem.start()
        };
        Solution {
            status,
            message,
            x,
            multipliers: self.answer.lambda.clone(),
            bound_multipliers: self.answer.z.clone(),
            constraint_activity: self.answer.constraint_activity.clone(),
            bound_activity: self.answer.bound_activity.clone(),
            objective: self.current.objective,
            iterations: self.iteration,
            kkt_residual: self.answer.kkt_residual(),
            constraint_violation: self.answer.violation,
            point,
            dependent_constraints: false,
            history: self.history.clone(),
            timings,
            linear_solver: if self.kkt.is_sparse() {
                LinearSolver::Sparse
            } else {
                LinearSolver::Dense
            },
        }
    }

    /// Moves x into the original bounds (the iteration may have moved them
    /// by a few units in the last place)
    /// and, if that changed it, evaluates the problem there again and
    /// recomputes the answer.
    fn honor_original_bounds<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        let bounds = &self.structure.x;
        let mut moved = false;
        for (j, x) in self.current.x.iter_mut().enumerate() {
            let clamped = x.max(bounds.lower[j]).min(bounds.upper[j]);
            moved |= clamped != *x;
            *x = clamped;
        }
        if !moved {
            return;
        }
        let finite = self.counter.values(problem, &mut self.current)
            && self.counter.derivatives(problem, &mut self.current);
        if finite {
            let input = Internal {
                iterate: &self.current,
                scaling: &self.scaling,
                y: &self.point.y,
                z: &self.point.z,
            };
            let tol = self.settings.tolerance();
            answer::evaluate(
                &self.structure,
                &input,
                tol,
                &mut self.answer,
                &mut self.work.n,
            );
        }
    }

    /// Second-order classification on the tangent space of the equations
    /// and the strongly active inequalities and bounds (dense, n ≤ 200);
    /// `degenerate` when the weakly active ones change the verdict.
    fn classify<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> Option<PointKind> {
        const MAX_DENSE: usize = 200;
        let n = self.n();
        let Jacobian::Dense(jac) = &self.current.jacobian else {
            return None;
        };
        if n > MAX_DENSE {
            return None;
        }
        let tol = self.settings.tolerance();
        let zero = tol * inf_norm(&self.current.gradient).max(1.0);
        // Rows: (is the row an inequality or bound, is it weakly active, row).
        let mut rows: Vec<(bool, bool, Vec<f64>)> = Vec::new();
        for (i, activity) in self.answer.constraint_activity.iter().enumerate() {
            let row = (0..n).map(|j| jac[(i, j)]).collect();
            match activity {
                Activity::Fixed => rows.push((false, false, row)),
                Activity::Lower | Activity::Upper => {
                    rows.push((true, self.answer.lambda[i].abs() <= zero, row))
                }
                Activity::Inactive => {}
            }
        }
        for (j, activity) in self.answer.bound_activity.iter().enumerate() {
            if activity.is_active() {
                let mut row = vec![0.0; n];
                row[j] = 1.0;
                rows.push((true, self.answer.z[j].abs() <= zero, row));
            }
        }
        let strongly_active = rows.iter().any(|(ineq, weak, _)| *ineq && !*weak);
        let has_weak = rows.iter().any(|(_, weak, _)| *weak);
        let x = self.current.x.clone();
        let lambda = self.answer.lambda.clone();
        let sense = problem.sense();
        let mut verdict = |with_weak: bool, counter: &mut EvaluationCounter| {
            let kept: Vec<&Vec<f64>> = rows
                .iter()
                .filter(|(_, weak, _)| with_weak || !*weak)
                .map(|(_, _, r)| r)
                .collect();
            let a = Mat::from_fn(kept.len(), n, |i, j| kept[i][j]);
            let c = classify_with_hessian(problem, counter, &x, &lambda, a.as_ref(), true, None);
            c.point.map(|p| match (strongly_active, sense, p) {
                // The active inequalities' multipliers already bound the
                // objective's sense: curvature the other way is a saddle.
                (true, Sense::Minimize, PointKind::Maximum) => PointKind::Saddle,
                (true, Sense::Maximize, PointKind::Minimum) => PointKind::Saddle,
                (_, _, p) => p,
            })
        };
        let with = verdict(true, &mut self.counter);
        if has_weak && verdict(false, &mut self.counter) != with {
            return Some(PointKind::Degenerate);
        }
        with
    }
}
