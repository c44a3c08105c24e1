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
//! Requirements on the problem: f and g twice continuously differentiable
//! near the iterates, exact first and second derivatives. Reference: Nocedal
//! & Wright, *Numerical Optimization* (2006), ch. 18; Wächter & Biegler, *On
//! the implementation of an interior-point filter line-search algorithm*
//! (2006) for the filter line search, inertia correction and scaling.

use std::sync::Arc;
use std::time::{Duration, Instant};

use faer::Mat;

use super::classify::{classify_by_inertia, classify_with_hessian, DENSE_INERTIA_MIN_VARIABLES};
use super::evaluate::{EvaluationCounter, Iterate, Scaling};
use super::inertia::{InertiaCorrector, InertiaFailure};
use super::layout::{choose_layout, Layout};
use super::line_search::{Filter, FilterSearch, Trial, Verdict};
use super::linear::KktSolver;
use super::matrices::{Hessian, Jacobian};
use super::nlp::{NlpProblem, SparsityPattern};
use super::result::{Activity, IterationRecord, Solution, Timings};
use super::settings::{LinearSolver, Settings};
use super::status::Status;
use super::vector::{dot, inf_norm};

/// Multipliers larger than this (scaled problem) count as exploded: a
/// Newton update with γ > 0 is not taken, and the safeguard after a step
/// looks for a smaller least-squares estimate (IPOPT's
/// `constr_mult_init_max`).
const MAX_INITIAL_MULTIPLIER: f64 = 1e3;
/// Least-squares multipliers larger than this (scaled problem) are replaced
/// by zero. IPOPT caps them at 10³ (`constr_mult_init_max`); but at a
/// (nearly) feasible start the estimate is the first-order one, and
/// legitimately large multipliers are common: a hanging chain of n links
/// has tensions ≈ n/4 in the file's units (2 500 at n = 10⁴). Replacing
/// them by zero leaves W = 0 for the first step, which then tears the chain
/// apart (IPOPT itself diverges from n = 5 000 on); keeping them gives 16
/// iterations at n = 2 000 … 10⁵, and no Hock–Schittkowski run changed for
/// the worse (perturbed starts: 223 of 228 converge, 220 before). The
/// solve is equilibrated and refined, so large values are not noise.
const MAX_LEAST_SQUARES_MULTIPLIER: f64 = 1e8;
/// Successive iterates that must look locally infeasible before the solver
/// says so.
const INFEASIBLE_STREAK: usize = 2;

#[path = "restoration.rs"]
mod restoration;

/// The solver as a state machine: [`Newton::init`], then
/// [`Newton::next_iter`] until [`Newton::status`] is set, then
/// [`Newton::finish`]. [`solve`] runs this loop; the argmin adapter drives
/// the same machine from argmin's `Executor`.
#[derive(Debug)]
pub struct Newton {
    settings: Settings,
    started: Option<Instant>,
    n: usize,
    m: usize,
    scaling: Scaling,
    /// The current iterate and a trial point (swapped on acceptance).
    current: Iterate,
    trial: Iterate,
    /// Internal multipliers y (scaled problem), the Newton estimate y⁺, and
    /// the multipliers at the trial point.
    y: Vec<f64>,
    y_newton: Vec<f64>,
    y_trial: Vec<f64>,
    /// μᵢ = sᵢ yᵢ, the multipliers the problem's Hessian is called with.
    mu: Vec<f64>,
    /// Contract multipliers λ and the residual ∇f − Jᵀλ at the current iterate.
    lambda: Vec<f64>,
    residual: Vec<f64>,
    /// W: Hessian of the scaled Lagrangian at (current x, y).
    hessian: Hessian,
    /// The arguments `hessian` was last evaluated with.
    hessian_args: HessianArgs,
    /// Scaled Jacobian J_c and gradient ∇φ at the current iterate.
    jac_c: Jacobian,
    grad_phi: Vec<f64>,
    /// The KKT matrix and its factorization (dense or sparse).
    kkt: KktSolver,
    /// Scratch vectors of lengths n, n and m.
    work_n: Vec<f64>,
    work_n2: Vec<f64>,
    work_m: Vec<f64>,
    /// A note on the choice of linear solver, appended to the final message.
    note: Option<String>,
    inertia: InertiaCorrector,
    filter: Filter,
    /// Accumulated constraint values of the second-order correction.
    c_soc: Vec<f64>,
    rhs: Vec<f64>,
    step: Vec<f64>,
    iteration: usize,
    infeasible_streak: usize,
    /// θ = ‖c‖₁ at the previous iterate (for the stall test).
    last_theta: f64,
    stationarity: f64,
    status: Option<Status>,
    message: String,
    history: Vec<IterationRecord>,
    counter: EvaluationCounter,
    factorization_time: Duration,
    line_search_time: Duration,
}

impl Newton {
    /// A solver with the given settings; workspaces are sized in [`Newton::init`].
    pub fn new(settings: Settings) -> Self {
        Newton {
            settings,
            started: None,
            n: 0,
            m: 0,
            scaling: Scaling::identity(1.0, 0),
            current: Iterate::new(0, 0, &Jacobian::Dense(Mat::zeros(0, 0))),
            trial: Iterate::new(0, 0, &Jacobian::Dense(Mat::zeros(0, 0))),
            y: Vec::new(),
            y_newton: Vec::new(),
            y_trial: Vec::new(),
            mu: Vec::new(),
            lambda: Vec::new(),
            residual: Vec::new(),
            hessian: Hessian::Dense(Mat::zeros(0, 0)),
            hessian_args: HessianArgs::default(),
            jac_c: Jacobian::Dense(Mat::zeros(0, 0)),
            grad_phi: Vec::new(),
            kkt: KktSolver::dense(0, 0),
            work_n: Vec::new(),
            work_n2: Vec::new(),
            work_m: Vec::new(),
            note: None,
            inertia: InertiaCorrector::new(),
            filter: Filter::default(),
            c_soc: Vec::new(),
            rhs: Vec::new(),
            step: Vec::new(),
            iteration: 0,
            infeasible_streak: 0,
            last_theta: f64::INFINITY,
            stationarity: f64::NAN,
            status: None,
            message: String::new(),
            history: Vec::new(),
            counter: EvaluationCounter::default(),
            factorization_time: Duration::ZERO,
            line_search_time: Duration::ZERO,
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Why the iteration stopped, once it has.
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// Number of Newton steps taken.
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

    /// Contract multipliers λ at the current point.
    pub fn multipliers(&self) -> &[f64] {
        &self.lambda
    }

    /// max(‖∇f − Jᵀλ‖∞, ‖g‖∞) at the current point.
    pub fn kkt_residual(&self) -> f64 {
        self.stationarity.max(self.current.constraint_violation())
    }

    /// Counts of problem evaluations so far.
    pub fn evaluations(&self) -> &EvaluationCounter {
        &self.counter
    }

    /// Whether the KKT systems are solved with the sparse factorization
    /// (decided in [`Newton::init`]).
    pub fn uses_sparse(&self) -> bool {
        self.kkt.is_sparse()
    }

    /// On the sparse path, the structural nonzeros of the KKT matrix's lower
    /// triangle and of its factor L (fill included).
    pub fn sparse_nonzeros(&self) -> Option<(usize, usize)> {
        match &self.kkt {
            KktSolver::Sparse(kkt) => Some((kkt.nnz(), kkt.factor_nnz())),
            KktSolver::Dense { .. } => None,
        }
    }

    /// Initialization: allocate workspaces, evaluate the start point, choose
    /// the scaling, estimate least-squares multipliers, evaluate the Hessian,
    /// and test for convergence at the start.
    pub fn init<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        self.started = Some(Instant::now());
        let (n, m) = (problem.num_variables(), problem.num_constraints());
        let layout = choose_layout(&self.settings, problem, n, m).map(|(layout, note)| {
            self.note = note;
            layout
        });
        let sense = problem.sense().sign();
        let layout = match layout {
            Ok(layout) => layout,
            Err(msg) => {
                // Storage without any matrix, for the result.
                let empty = |r, c| {
                    Arc::new(SparsityPattern {
                        nrows: r,
                        ncols: c,
                        ..Default::default()
                    })
                };
                // Without the KKT solver, allocation cannot fail.
                let _ = self.allocate(n, m, Layout::Sparse(empty(m, n), empty(n, n)), false);
                self.scaling = Scaling::identity(sense, m);
                return self.stop(Status::InvalidProblem, msg);
            }
        };
        if let Err(msg) = self.allocate(n, m, layout, true) {
            self.scaling = Scaling::identity(sense, m);
            return self.stop(Status::InvalidProblem, msg);
        }
        self.scaling = Scaling::identity(sense, m);

        let start = problem.start();
        if start.len() != n {
            let msg = format!(
                "the start point has {} entries but the problem has {n} variables",
                start.len()
            );
            return self.stop(Status::InvalidProblem, msg);
        }
        self.current.x.copy_from_slice(&start);
        if !self.current.x.iter().all(|v| v.is_finite()) {
            let msg = "the start point has a non-finite entry".to_string();
            return self.stop(Status::InvalidProblem, msg);
        }
        if !self.counter.values(problem, &mut self.current) {
            let msg = "the objective or a constraint is not finite at the start point";
            return self.stop(Status::EvaluationError, msg.into());
        }
        if !self.counter.derivatives(problem, &mut self.current) {
            let msg = "the gradient or the Jacobian is not finite at the start point";
            return self.stop(Status::EvaluationError, msg.into());
        }
        self.scaling =
            Scaling::from_start(sense, &self.current, self.settings.max_gradient_scale());
        self.update_scaled_derivatives();
        let theta0 = self.scaling.c_l1(&self.current.constraints);
        self.filter = Filter::new(theta0, self.settings.max_iterations().min(1000) + 1);
        self.least_squares_multipliers();
        self.scaling.to_lambda(&self.y, &mut self.lambda);
        if !self.evaluate_hessian(problem, Which::Current) {
            let msg = "the Hessian of the Lagrangian is not finite at the start point";
            return self.stop(Status::EvaluationError, msg.into());
        }
        self.check_termination(0.0, 0.0);
    }

    /// One Newton iteration: factor, step, filter line search (or restoration),
    /// acceptance, termination test.
    pub fn next_iter<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        if self.status.is_some() {
            return;
        }
        let (n, m) = (self.n, self.m);

        // Phase 1: factor the KKT matrix, correcting its inertia. One clock
        // interval covers phases 1 and 2, and phase 3 starts at its end:
        // on small problems an iteration takes a microsecond or two, and
        // each clock read tens of nanoseconds.
        let clock = Instant::now();
        let reg = self.inertia.factor(
            &mut self.kkt,
            (n, m),
            &self.hessian,
            &self.jac_c,
            (&[], &[]),
        );
        if reg.is_err() {
            self.factorization_time += clock.elapsed();
        }
        let reg = match reg {
            Ok(reg) => reg,
            Err(InertiaFailure::TooLarge) => {
                let msg = "the KKT matrix stays singular or indefinite with the largest \
                           Hessian regularization";
                return self.stop(Status::Singular, msg.into());
            }
            Err(InertiaFailure::NonFinite) => {
                let msg = "the factorization of the KKT matrix overflowed";
                return self.stop(Status::Singular, msg.into());
            }
        };

        // Phase 2: the Newton step (d, y⁺) from K (d, −y⁺) = −(∇φ, c).
        for j in 0..n {
            self.rhs[j] = -self.grad_phi[j];
        }
        for i in 0..m {
            self.rhs[n + i] = -self.scaling.constraints[i] * self.current.constraints[i];
        }
        let solved = self.kkt.solve_in_place(&mut self.rhs);
        let solved_at = Instant::now();
        self.factorization_time += solved_at - clock;
        if !solved {
            let msg = "the Newton system has no finite solution, or its factorization could not be refined to the required accuracy";
            return self.stop(Status::Singular, msg.into());
        }
        self.step.copy_from_slice(&self.rhs[..n]);
        for i in 0..m {
            self.y_newton[i] = -self.rhs[n + i];
        }
        // With γ > 0 (J rank-deficient) and an inconsistent linearization,
        // y⁺ grows like c/γ: meaningless, and it would swamp W. Keep y then.
        if reg.gamma > 0.0
            && inf_norm(&self.y_newton) > MAX_INITIAL_MULTIPLIER * inf_norm(&self.y).max(1.0)
        {
            self.y_newton.copy_from_slice(&self.y);
        }

        // Phase 3: filter line search along d, with second-order corrections;
        // a trial is taken only when its derivatives are finite too.
        let clock = solved_at;
        let eval_before = self.counter.time;
        let slope = dot(&self.grad_phi, &self.step);
        let theta0 = self.scaling.c_l1(&self.current.constraints);
        let phi0 = self.scaling.phi(self.current.objective);
        let tiny = inf_norm(&self.step) <= 10.0 * f64::EPSILON * inf_norm(&self.current.x).max(1.0);
        let mut search = FilterSearch::new(theta0, phi0, slope).with_noise_terms(n);
        let mut accepted = None;
        // The clock read ending the search when a trial is accepted (that
        // of its evaluation: nothing but the loop's exit follows).
        let mut ended = None;
        while let Some(trial) = search.next_trial() {
            if !self.form_trial_point(trial) {
                search.reject_non_finite(trial);
                continue;
            }
            // The values' timing interval stays open: the derivatives of an
            // accepted trial close it, a rejection closes it here.
            let (finite, opened) = self.counter.values_open(problem, &mut self.trial);
            let values = finite.then(|| {
                let theta = self.scaling.c_l1(&self.trial.constraints);
                (theta, self.scaling.phi(self.trial.objective))
            });
            let verdict = if tiny && values.is_some() {
                Verdict::Accept
            } else {
                search.judge(trial, values, &self.filter)
            };
            if verdict == Verdict::Reject {
                self.counter.close_interval(opened);
                continue;
            }
            let alpha = trial.step_length();
            for i in 0..m {
                self.y_trial[i] = self.y[i] + alpha * (self.y_newton[i] - self.y[i]);
            }
            let (finite, end) = self.evaluate_trial_derivatives(problem, opened);
            if finite {
                accepted = Some(alpha);
                ended = Some(end);
                break;
            }
            search.reject_non_finite(trial);
        }
        let ended = ended.unwrap_or_else(Instant::now);
        self.line_search_time += ended
            .saturating_duration_since(clock)
            .saturating_sub(self.counter.time - eval_before);
        let Some(alpha) = accepted else {
            if search.saw_non_finite {
                let msg = "f, g or a derivative is not finite at every trial point \
                           along the Newton step, even after backtracking";
                return self.stop(Status::EvaluationError, msg.into());
            }
            // Phase 4b: no acceptable step: feasibility restoration.
            self.filter.augment(theta0, phi0);
            return self.restore(problem, reg.delta);
        };
        if search.augments_filter() {
            self.filter.augment(theta0, phi0);
        }

        // Phase 5: accept the trial point and its multipliers.
        std::mem::swap(&mut self.current, &mut self.trial);
        std::mem::swap(&mut self.y, &mut self.y_trial);
        self.iteration += 1;
        self.update_scaled_derivatives();
        // Safeguard: multipliers that exploded (typically after a heavily
        // regularized step) are replaced by the least-squares estimate at
        // the new point when that is much smaller. Only while the iterate
        // is more infeasible than the run's scale max(1, θ₀): there the
        // explosion comes with a diverging linearization. Near the feasible
        // set the large Newton multipliers are a consistent, self-correcting
        // estimate whose curvature keeps the next steps short (IPOPT has no
        // such reset), whereas the least-squares estimate can leave the
        // reduced Hessian nearly singular: on hanging chains of 500 and
        // more links that gave a step far off the feasible set and
        // 34 (500) to 193 (1000) iterations instead of 12.
        if inf_norm(&self.y) > MAX_INITIAL_MULTIPLIER
            && self.scaling.c_l1(&self.current.constraints) > self.filter.scale()
        {
            self.y_trial.copy_from_slice(&self.y);
            self.least_squares_multipliers();
            if inf_norm(&self.y) > 0.0 && 10.0 * inf_norm(&self.y) < inf_norm(&self.y_trial) {
                if !self.evaluate_hessian(problem, Which::Current) {
                    let msg = "the Hessian of the Lagrangian is not finite at the new point";
                    return self.stop(Status::EvaluationError, msg.into());
                }
            } else {
                std::mem::swap(&mut self.y, &mut self.y_trial);
            }
        }
        self.scaling.to_lambda(&self.y, &mut self.lambda);

        // Phase 6: termination tests.
        self.check_termination(alpha, reg.delta);
    }

    /// Builds the result: the current point, its multipliers, the history,
    /// and the second-order classification. `forced` gives the status when
    /// the iteration was stopped from outside (e.g. argmin's iteration
    /// limit) before it set one itself.
    pub fn finish<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        forced: Option<Status>,
    ) -> Solution {
        let status = self.status.or(forced).unwrap_or(Status::MaxIterations);
        let mut message = if self.status.is_some() {
            self.message.clone()
        } else {
            Self::default_message(status)
        };
        if let Some(note) = &self.note {
            message.push_str(" (");
            message.push_str(note);
            message.push(')');
        }
        // Second-order information is reported for converged points only:
        // elsewhere the multipliers (and so ∇²L) are not meaningful.
        let usable = self.n == self.current.x.len()
            && !matches!(status, Status::InvalidProblem | Status::EvaluationError)
            && self.stationarity.is_finite();
        let clock = Instant::now();
        let with_hessian = self.settings.classify() && status == Status::Converged;
        let classification = usable.then(|| match &self.current.jacobian {
            Jacobian::Dense(jac) if self.n <= DENSE_INERTIA_MIN_VARIABLES => {
                // The last W is ∇²(f − λᵀg) itself when it was evaluated at
                // this point with factor 1 and μ = λ, bit for bit (no
                // scaling, minimizing): reused instead of evaluated again.
                let reusable = match &self.hessian {
                    Hessian::Dense(h)
                        if self.hessian_args.are(&self.current.x, 1.0, &self.lambda) =>
                    {
                        Some(h.as_ref())
                    }
                    _ => None,
                };
                classify_with_hessian(
                    problem,
                    &mut self.counter,
                    &self.current.x,
                    &self.lambda,
                    jac.as_ref(),
                    with_hessian,
                    reusable,
                )
            }
            jac => classify_by_inertia(
                problem,
                &mut self.counter,
                &self.current.x,
                &self.lambda,
                jac,
                &mut self.kkt,
                &mut self.hessian,
                with_hessian,
            ),
        });
        let classification_time = clock.elapsed();
        let timings = Timings {
            evaluation: self.counter.time,
            factorization: self.factorization_time,
            line_search: self.line_search_time,
            classification: classification_time,
            total: self.started.map(|s| s.elapsed()).unwrap_or_default(),
        };
        Solution {
            status,
            message,
            x: self.current.x.clone(),
            multipliers: self.lambda.clone(),
            bound_multipliers: vec![0.0; self.current.x.len()],
            constraint_activity: vec![Activity::Fixed; self.lambda.len()],
            bound_activity: vec![Activity::Inactive; self.current.x.len()],
            objective: self.current.objective,
            iterations: self.iteration,
            kkt_residual: self.kkt_residual(),
            constraint_violation: self.current.constraint_violation(),
            point: classification.and_then(|c| c.point),
            dependent_constraints: classification.is_some_and(|c| c.dependent_constraints),
            history: self.history.clone(),
            timings,
            linear_solver: if self.kkt.is_sparse() {
                LinearSolver::Sparse
            } else {
                LinearSolver::Dense
            },
        }
    }

    fn default_message(status: Status) -> String {
        match status {
            Status::MaxIterations => "the iteration limit was reached before convergence".into(),
            other => other.as_str().replace('_', " "),
        }
    }

    /// Sizes every workspace for n variables, m constraints and the layout;
    /// builds the KKT solver when `with_kkt` (an error when the sparse
    /// structure cannot be analysed).
    fn allocate(
        &mut self,
        n: usize,
        m: usize,
        layout: Layout,
        with_kkt: bool,
    ) -> Result<(), String> {
        self.n = n;
        self.m = m;
        let (jacobian, hessian) = layout.matrices(n, m);
        self.current = Iterate::new(n, m, &jacobian);
        self.trial = Iterate::new(n, m, &jacobian);
        self.y = vec![0.0; m];
        self.y_newton = vec![0.0; m];
        self.y_trial = vec![0.0; m];
        self.mu = vec![0.0; m];
        self.lambda = vec![0.0; m];
        self.residual = vec![0.0; n];
        self.hessian = hessian;
        self.hessian_args = HessianArgs {
            x: vec![0.0; n],
            objective_factor: 0.0,
            mu: vec![0.0; m],
            valid: false,
        };
        self.jac_c = jacobian;
        self.grad_phi = vec![0.0; n];
        self.work_n = vec![0.0; n];
        self.work_n2 = vec![0.0; n];
        self.work_m = vec![0.0; m];
        self.kkt = KktSolver::dense(0, 0);
        self.inertia = InertiaCorrector::new();
        self.filter = Filter::default();
        self.c_soc = vec![0.0; m];
        self.rhs = vec![0.0; n + m];
        self.step = vec![0.0; n];
        self.iteration = 0;
        self.infeasible_streak = 0;
        self.last_theta = f64::INFINITY;
        self.stationarity = f64::NAN;
        self.status = None;
        self.message.clear();
        self.history.clear();
        if self.settings.record_history() {
            self.history
                .reserve(self.settings.max_iterations().min(1000) + 1);
        }
        if with_kkt {
            self.kkt = layout.kkt_solver(n, m)?;
        }
        Ok(())
    }

    fn stop(&mut self, status: Status, message: String) {
        self.status = Some(status);
        self.message = message;
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

    /// Factors the projection system [I J_cᵀ; J_c −γI] (γ = `gamma`, or
    /// at least 1e-8 when J_c is rank-deficient); false when neither works.
    fn factor_projection(&mut self, gamma: f64) -> bool {
        let clock = Instant::now();
        let mut ok = false;
        for gamma in [gamma, gamma.max(1e-8)] {
            // W = 0 with δ = 1: the identity block.
            self.kkt.assemble(None, &self.jac_c, 1.0, gamma);
            let tol = 1e-13 * self.kkt.max_abs();
            if self.kkt.factor(tol).is_some_and(|i| i.zero == 0) {
                ok = true;
                break;
            }
        }
        self.factorization_time += clock.elapsed();
        ok
    }

    /// y = argmin ‖∇φ − J_cᵀ y‖ from [I J_cᵀ; J_c −γI] (w, y) = (∇φ, 0);
    /// zero when not finite or above [`MAX_LEAST_SQUARES_MULTIPLIER`].
    fn least_squares_multipliers(&mut self) {
        let n = self.n;
        self.y.fill(0.0);
        if self.m == 0 || !self.factor_projection(0.0) {
            return;
        }
        self.rhs[..n].copy_from_slice(&self.grad_phi);
        self.rhs[n..].fill(0.0);
        if self.kkt.solve_in_place(&mut self.rhs)
            && inf_norm(&self.rhs[n..]) <= MAX_LEAST_SQUARES_MULTIPLIER
        {
            self.y.copy_from_slice(&self.rhs[n..]);
        }
    }

    /// W at the current point with y, or at the trial point with y_trial.
    fn evaluate_hessian<P: NlpProblem + ?Sized>(&mut self, problem: &mut P, which: Which) -> bool {
        let factor = self.lagrangian_weights(which);
        let x = match which {
            Which::Current => &self.current.x,
            Which::Trial => &self.trial.x,
        };
        let finite = self
            .counter
            .hessian(problem, x, factor, &self.mu, &mut self.hessian);
        self.hessian_args.set(x, factor, &self.mu, finite);
        finite
    }

    /// ∇f, J and then W (with y_trial) at the trial point, timed as one
    /// evaluation with its values (interval opened at `since`); whether all
    /// are finite, and the clock read that ended the evaluation.
    fn evaluate_trial_derivatives<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        since: Instant,
    ) -> (bool, Instant) {
        let factor = self.lagrangian_weights(Which::Trial);
        let (finite, end) = self.counter.derivatives_and_hessian(
            problem,
            &mut self.trial,
            factor,
            &self.mu,
            &mut self.hessian,
            since,
        );
        // Derivatives that are not finite leave the Hessian unevaluated:
        // invalid either way.
        self.hessian_args
            .set(&self.trial.x, factor, &self.mu, finite);
        (finite, end)
    }

    /// Sets μ = diag(s) y (y, or y_trial) for the problem's Hessian and
    /// returns the objective's factor σ s_f.
    fn lagrangian_weights(&mut self, which: Which) -> f64 {
        let y = match which {
            Which::Current => &self.y,
            Which::Trial => &self.y_trial,
        };
        for ((mu, y), s) in self.mu.iter_mut().zip(y).zip(&self.scaling.constraints) {
            *mu = s * y;
        }
        self.scaling.sense * self.scaling.objective
    }

    /// Writes the trial point's x; false if it is not finite. The k-th
    /// second-order correction is x + s with K (s, ·) = −(∇φ, c_soc).
    fn form_trial_point(&mut self, trial: Trial) -> bool {
        let n = self.n;
        match trial {
            Trial::Step(alpha) => {
                for j in 0..n {
                    self.trial.x[j] = self.current.x[j] + alpha * self.step[j];
                }
            }
            Trial::SecondOrderCorrection(k) => {
                // c_soc = c(x) + c(x + d) + … : the trial iterate still holds
                // the constraint values of the previous rejected trial.
                for i in 0..self.m {
                    let s = self.scaling.constraints[i];
                    let previous = if k == 1 {
                        s * self.current.constraints[i]
                    } else {
                        self.c_soc[i]
                    };
                    self.c_soc[i] = previous + s * self.trial.constraints[i];
                }
                for j in 0..n {
                    self.rhs[j] = -self.grad_phi[j];
                }
                for i in 0..self.m {
                    self.rhs[n + i] = -self.c_soc[i];
                }
                let clock = Instant::now();
                let solved = self.kkt.solve_in_place(&mut self.rhs);
                self.factorization_time += clock.elapsed();
                if !solved {
                    return false;
                }
                for j in 0..n {
                    self.trial.x[j] = self.current.x[j] + self.rhs[j];
                }
            }
        }
        self.trial.x.iter().all(|v| v.is_finite())
    }

    /// Convergence (the contract's relative test), unboundedness, local
    /// infeasibility and the iteration limit, in that order; records the
    /// iterate in the history.
    fn check_termination(&mut self, alpha: f64, delta: f64) {
        let m = self.m;
        let it = &self.current;
        // r = ∇f − Jᵀλ, unscaled.
        self.residual.copy_from_slice(&it.gradient);
        it.jacobian
            .add_transpose_mul(-1.0, &self.lambda, &mut self.residual);
        self.stationarity = inf_norm(&self.residual);
        let violation = it.constraint_violation();
        if self.settings.record_history() {
            self.history.push(IterationRecord {
                iteration: self.iteration,
                objective: it.objective,
                constraint_violation: violation,
                stationarity: self.stationarity,
                step_length: alpha,
                regularization: delta,
            });
        }
        let tol = self.settings.tolerance();
        let feasible = it.is_feasible(tol);
        if feasible && self.stationarity <= tol * inf_norm(&it.gradient).max(1.0) {
            return self.stop(
                Status::Converged,
                "the KKT conditions hold to the tolerance".into(),
            );
        }
        let limit = self.settings.unbounded_objective();
        if feasible && (self.scaling.sense * it.objective < -limit || inf_norm(&it.x) > limit) {
            let msg = format!(
                "the objective reached {:e} at a feasible point: the problem appears unbounded",
                it.objective
            );
            return self.stop(Status::Unbounded, msg);
        }
        let theta = self.scaling.c_l1(&it.constraints);
        let stalled = theta >= 0.99 * self.last_theta;
        self.last_theta = theta;
        if !feasible && m > 0 {
            // Stationary for ½‖c‖² to the tolerance, or (the γ-regularized
            // step stops short of exact stationarity) to its square root
            // while the infeasibility no longer decreases.
            let tol = self.settings.infeasibility_tolerance();
            if self.locally_infeasible(tol) || (stalled && self.locally_infeasible(tol.sqrt())) {
                self.infeasible_streak += 1;
            } else {
                self.infeasible_streak = 0;
            }
            if self.infeasible_streak >= INFEASIBLE_STREAK {
                let msg = format!(
                    "locally infeasible: the constraint violation {violation:e} cannot be \
                     reduced to first order (stationary point of ½‖g‖²)"
                );
                return self.stop(Status::Infeasible, msg);
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
}

impl Newton {
    /// Whether the current iterate is a stationary point of ½‖c‖²:
    /// ‖J_cᵀc‖∞ ≤ tol · ‖J_c‖₁ · ‖c‖∞.
    fn locally_infeasible(&mut self, tol: f64) -> bool {
        for ((c, s), g) in self
            .work_m
            .iter_mut()
            .zip(&self.scaling.constraints)
            .zip(&self.current.constraints)
        {
            *c = s * g;
        }
        let c_max = inf_norm(&self.work_m);
        self.work_n.fill(0.0);
        self.jac_c
            .add_transpose_mul(1.0, &self.work_m, &mut self.work_n);
        let jtc = inf_norm(&self.work_n);
        self.jac_c.col_abs_sums(&mut self.work_n2);
        let col_sum = inf_norm(&self.work_n2);
        c_max > 0.0 && jtc <= tol * col_sum * c_max
    }
}

/// The arguments of the last evaluation of the solver's Hessian storage,
/// so that a later use can tell whether it holds the Hessian it needs.
#[derive(Debug, Default)]
struct HessianArgs {
    x: Vec<f64>,
    objective_factor: f64,
    mu: Vec<f64>,
    /// False before the first evaluation and after one that was not finite.
    valid: bool,
}

impl HessianArgs {
    /// Records an evaluation (copies into the storage sized at allocation).
    fn set(&mut self, x: &[f64], objective_factor: f64, mu: &[f64], finite: bool) {
        self.x.copy_from_slice(x);
        self.objective_factor = objective_factor;
        self.mu.copy_from_slice(mu);
        self.valid = finite;
    }

    /// Whether the last evaluation was finite and had exactly these
    /// arguments (bit for bit: the same call gives the same matrix).
    fn are(&self, x: &[f64], objective_factor: f64, mu: &[f64]) -> bool {
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
        };
        self.valid
            && self.objective_factor.to_bits() == objective_factor.to_bits()
            && same(&self.x, x)
            && same(&self.mu, mu)
    }
}

#[derive(Clone, Copy)]
enum Which {
    Current,
    Trial,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::classify::classify;
    use crate::solver::Sense;
    use faer::MatMut;

    /// c · (x₀⁴ + x₀x₁ + x₁² + x₂²) (minimized, or its negative maximized)
    /// subject to x₀² + x₁ + x₂ = 1: a Lagrangian Hessian that depends on
    /// x and λ; counts the Hessian evaluations.
    struct Quartic {
        sense: Sense,
        c: f64,
        hessians: usize,
    }

    impl Quartic {
        fn sign(&self) -> f64 {
            self.sense.sign() * self.c
        }
    }

    impl NlpProblem for Quartic {
        fn num_variables(&self) -> usize {
            3
        }
        fn num_constraints(&self) -> usize {
            1
        }
        fn sense(&self) -> Sense {
            self.sense
        }
        fn start(&self) -> Vec<f64> {
            vec![0.5, 0.4, 0.3]
        }
        fn objective(&mut self, x: &[f64]) -> f64 {
            self.sign() * (x[0].powi(4) + x[0] * x[1] + x[1] * x[1] + x[2] * x[2])
        }
        fn gradient(&mut self, x: &[f64], g: &mut [f64]) {
            let s = self.sign();
            g[0] = s * (4.0 * x[0].powi(3) + x[1]);
            g[1] = s * (x[0] + 2.0 * x[1]);
            g[2] = s * 2.0 * x[2];
        }
        fn constraints(&mut self, x: &[f64], v: &mut [f64]) {
            v[0] = x[0] * x[0] + x[1] + x[2] - 1.0;
        }
        fn jacobian(&mut self, x: &[f64], mut j: MatMut<'_, f64>) {
            j[(0, 0)] = 2.0 * x[0];
            j[(0, 1)] = 1.0;
            j[(0, 2)] = 1.0;
        }
        fn hessian_of_lagrangian(
            &mut self,
            x: &[f64],
            factor: f64,
            lambda: &[f64],
            mut h: MatMut<'_, f64>,
        ) {
            self.hessians += 1;
            let s = factor * self.sign();
            h.fill(0.0);
            h[(0, 0)] = s * 12.0 * x[0] * x[0] - 2.0 * lambda[0];
            h[(1, 0)] = s;
            h[(0, 1)] = s;
            h[(1, 1)] = 2.0 * s;
            h[(2, 2)] = 2.0 * s;
        }
    }

    /// The classification takes the solver's last Hessian only when it was
    /// evaluated at the returned point with factor 1 and μ = λ (then it is
    /// bit for bit the Hessian it would evaluate); maximizing (μ = −λ) and
    /// a scaled objective (factor s_f ≠ 1) evaluate it afresh. Either way
    /// the verdict is that of a fresh evaluation.
    #[test]
    fn classification_reuses_only_the_hessian_it_needs() {
        for (sense, c, reused) in [
            (Sense::Minimize, 1.0, true),
            (Sense::Maximize, 1.0, false),
            (Sense::Minimize, 1e4, false),
        ] {
            let mut p = Quartic {
                sense,
                c,
                hessians: 0,
            };
            let mut newton = Newton::new(Settings::default());
            newton.init(&mut p);
            while newton.status().is_none() {
                newton.next_iter(&mut p);
            }
            assert_eq!(newton.status(), Some(Status::Converged));
            let (x, lambda) = (newton.x().to_vec(), newton.multipliers().to_vec());
            assert_eq!(newton.hessian_args.are(&x, 1.0, &lambda), reused);
            if reused {
                let Hessian::Dense(held) = &newton.hessian else {
                    panic!("dense storage expected")
                };
                let mut fresh = Mat::zeros(3, 3);
                p.hessian_of_lagrangian(&x, 1.0, &lambda, fresh.as_mut());
                for j in 0..3 {
                    for i in j..3 {
                        assert_eq!(held[(i, j)].to_bits(), fresh[(i, j)].to_bits());
                    }
                }
            }
            let before = p.hessians;
            let solution = newton.finish(&mut p, None);
            assert_eq!(
                p.hessians - before,
                usize::from(!reused),
                "{sense:?}, c = {c}"
            );
            let mut jac = Mat::zeros(1, 3);
            p.jacobian(&x, jac.as_mut());
            let mut counter = EvaluationCounter::default();
            let fresh = classify(&mut p, &mut counter, &x, &lambda, jac.as_ref(), true);
            assert!(fresh.point.is_some());
            assert_eq!(solution.point, fresh.point, "{sense:?}, c = {c}");
        }
    }
}
