//! What the Newton machine holds between calls, grouped by what it is for.
//! Everything of size n or m is allocated once, in `Newton::init` (see
//! `start`); the iterations reuse it.

use faer::Mat;

use super::hessian::HessianArgs;
use super::Status;
use crate::solver::evaluate::{EvaluationCounter, Iterate, Scaling};
use crate::solver::inertia::InertiaCorrector;
use crate::solver::line_search::Filter;
use crate::solver::linear::KktSolver;
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::result::IterationRecord;
use crate::solver::settings::Settings;
use crate::solver::timers::PhaseTimers;

/// The current and trial points (unscaled values and derivatives), with
/// the scaling that maps them to the scaled problem. The two are swapped
/// when a trial is accepted.
#[derive(Debug)]
pub(super) struct Points {
    pub(super) scaling: Scaling,
    pub(super) current: Iterate,
    pub(super) trial: Iterate,
}

/// Multipliers: internal y (scaled problem) at the current point, the
/// Newton estimate y⁺ and the trial point's y; the contract's λ at the
/// current point and its stationarity residual.
#[derive(Debug, Default)]
pub(super) struct Multipliers {
    pub(super) y: Vec<f64>,
    pub(super) newton: Vec<f64>,
    pub(super) trial: Vec<f64>,
    pub(super) lambda: Vec<f64>,
    /// ‖∇f − Jᵀλ‖∞ at the current point (NaN before the first test).
    pub(super) stationarity: f64,
}

/// The local model the Newton system is built from, at the current point:
/// ∇φ, J_c and W (which may also hold the Hessian at a trial point whose
/// derivatives were evaluated; `hessian_args` tells which).
#[derive(Debug)]
pub(super) struct Model {
    pub(super) grad_phi: Vec<f64>,
    pub(super) jac_c: Jacobian,
    pub(super) hessian: Hessian,
    pub(super) hessian_args: HessianArgs,
}

/// Linear algebra and scratch memory.
#[derive(Debug)]
pub(super) struct Workspace {
    /// The KKT matrix and its factorization (dense or sparse).
    pub(super) kkt: KktSolver,
    pub(super) inertia: InertiaCorrector,
    /// Right-hand side and solution of the KKT systems (length n + m).
    pub(super) rhs: Vec<f64>,
    /// The primal Newton step d.
    pub(super) step: Vec<f64>,
    /// Accumulated constraint values of the second-order correction.
    pub(super) c_soc: Vec<f64>,
    /// wᵢ = sᵢ yᵢ, the constraint weights (the λ argument) the problem's
    /// Hessian is called with.
    pub(super) hessian_weights: Vec<f64>,
    /// Scratch vectors of lengths n, n and m.
    pub(super) n: Vec<f64>,
    pub(super) n2: Vec<f64>,
    pub(super) m: Vec<f64>,
}

/// What the iteration remembers of its past iterates.
#[derive(Debug)]
pub(super) struct Memory {
    /// The line search's filter.
    pub(super) filter: Filter,
    /// θ = ‖c‖₁ at the previous iterate (for the stall test).
    pub(super) last_theta: f64,
    /// Successive iterates that looked locally infeasible.
    pub(super) infeasible_streak: usize,
}

/// The run's record: iterations, status, history.
#[derive(Debug, Default)]
pub(super) struct Progress {
    pub(super) iteration: usize,
    pub(super) status: Option<Status>,
    pub(super) message: String,
    /// A note on the choice of linear solver, appended to the final message.
    pub(super) note: Option<String>,
    pub(super) history: Vec<IterationRecord>,
}

/// Evaluation counts and time per phase.
#[derive(Debug, Default)]
pub(super) struct Clock {
    pub(super) evaluations: EvaluationCounter,
    pub(super) timers: PhaseTimers,
}

impl Points {
    /// Points of dimension 0 (before `init`).
    pub(super) fn empty() -> Self {
        let jacobian = Jacobian::Dense(Mat::zeros(0, 0));
        Points {
            scaling: Scaling::identity(1.0, 0),
            current: Iterate::new(0, 0, &jacobian),
            trial: Iterate::new(0, 0, &jacobian),
        }
    }

    /// Number of variables and constraints.
    pub(super) fn dimensions(&self) -> (usize, usize) {
        (self.current.x.len(), self.current.constraints.len())
    }

    /// out = c = diag(s) g at the current point.
    pub(super) fn scaled_constraints(&self, out: &mut [f64]) {
        let g = &self.current.constraints;
        for ((c, s), g) in out.iter_mut().zip(&self.scaling.constraints).zip(g) {
            *c = s * g;
        }
    }

    /// out = −c at the current point: the constraint block of the Newton
    /// right-hand side.
    pub(super) fn negated_scaled_constraints(&self, out: &mut [f64]) {
        let g = &self.current.constraints;
        for ((c, s), g) in out.iter_mut().zip(&self.scaling.constraints).zip(g) {
            *c = -s * g;
        }
    }
}

impl Multipliers {
    pub(super) fn new(m: usize) -> Self {
        Multipliers {
            y: vec![0.0; m],
            newton: vec![0.0; m],
            trial: vec![0.0; m],
            lambda: vec![0.0; m],
            stationarity: f64::NAN,
        }
    }

    /// λ from y.
    pub(super) fn update_lambda(&mut self, scaling: &Scaling) {
        scaling.to_lambda(&self.y, &mut self.lambda);
    }
}

impl Model {
    /// A model of dimension 0 (before `init`).
    pub(super) fn empty() -> Self {
        Model {
            grad_phi: Vec::new(),
            jac_c: Jacobian::Dense(Mat::zeros(0, 0)),
            hessian: Hessian::Dense(Mat::zeros(0, 0)),
            hessian_args: HessianArgs::default(),
        }
    }

    /// ∇φ = σ s_f ∇f and J_c = diag(s) J at `point`.
    pub(super) fn update(&mut self, point: &Iterate, scaling: &Scaling) {
        let factor = scaling.sense * scaling.objective;
        for (gp, g) in self.grad_phi.iter_mut().zip(&point.gradient) {
            *gp = factor * g;
        }
        self.jac_c
            .scale_rows_from(&point.jacobian, &scaling.constraints);
    }
}

impl Workspace {
    /// A workspace of dimension 0 (before `init`).
    pub(super) fn empty() -> Self {
        Workspace::new(0, 0)
    }

    /// Vectors for n variables and m constraints, without a KKT solver.
    pub(super) fn new(n: usize, m: usize) -> Self {
        Workspace {
            kkt: KktSolver::dense(0, 0),
            inertia: InertiaCorrector::new(),
            rhs: vec![0.0; n + m],
            step: vec![0.0; n],
            c_soc: vec![0.0; m],
            hessian_weights: vec![0.0; m],
            n: vec![0.0; n],
            n2: vec![0.0; n],
            m: vec![0.0; m],
        }
    }
}

impl Memory {
    pub(super) fn new() -> Self {
        Memory {
            filter: Filter::default(),
            last_theta: f64::INFINITY,
            infeasible_streak: 0,
        }
    }

    /// An empty filter for a run whose start has infeasibility `theta0`,
    /// with room for an entry per iteration (up to a thousand).
    pub(super) fn start(&mut self, theta0: f64, settings: &Settings) {
        self.filter = Filter::new(theta0, settings.max_iterations().min(1000) + 1);
    }
}
