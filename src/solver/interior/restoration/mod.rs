//! Feasibility restoration (Wächter & Biegler 2006, §3.3; IPOPT's
//! `MinC_1NrmRestorationPhase`): when the filter line search accepts no
//! step, the iteration minimizes the constraint violation alone until it
//! reaches a point the original filter accepts.
//!
//! The restoration problem ([`problem`]: ρ‖c(x) − t‖₁ in elastic variables
//! p, n, plus a proximity term) is solved by the same interior-point
//! method, so its iterates stay inside the bounds and their slacks
//! positive. It starts at the original iterate ([`start`]): x and the
//! slacks kept at least μ_R/ρ inside their bounds, μ_R = max(μ,
//! ‖residuals‖∞), p and n central in closed form, every bound multiplier
//! central for μ_R, least-squares y. When its own line search fails it
//! takes the least-change step onto the linearized rows (which p and n
//! can always satisfy), never a nested phase.
//!
//! The phase ends
//! - back in the original iteration at the first restoration iterate that
//!   has θ ≤ κ θ_R and is acceptable to the original filter (which holds
//!   the iterate where the phase began): bound multipliers from one Newton
//!   step of complementarity for the whole move (all reset to 1 if one
//!   exceeds 10³), constraint multipliers by least squares there;
//! - `infeasible` when the restoration problem converges while the
//!   original constraints are violated: a stationary point of the
//!   violation, returned as the point of least violation;
//! - otherwise with the reason the restoration problem stopped (iteration
//!   limit, evaluation error, singular), or, when it stalls, with the
//!   original iteration's own test of a stationary violation.
//!
//! Each restoration iteration counts as an iteration of the solve and has
//! its record in the history: f and the violation of the original problem,
//! the stationarity of the restoration problem. This module sees the
//! original iteration only through [`Entry`] and changes none of its state.

pub mod problem;
pub mod start;

use std::time::Duration;

use crate::solver::evaluate::{inf_norm, EvaluationCounter, Scaling};
use crate::solver::line_search::Filter;
use crate::solver::matrices::{Hessian, Jacobian};
use crate::solver::nlp::{NlpProblem, SparsityPattern};
use crate::solver::result::IterationRecord;
use crate::solver::settings::{LinearSolver, Settings};
use crate::solver::status::Status;

use super::answer;
use super::point::{barrier_value, BoundDuals};
use super::solver::InteriorPoint;
use super::structure::{Bounds, Structure};
use problem::{Definition, RestorationProblem};
use start::{
    central, keep_inside, largest, multipliers_after, p_and_n, PrimalDualStart, MULTIPLIER_RESET,
};

/// Where the restoration problem starts: the original x and t, moved
/// inside their bounds by at least μ_R/ρ (the distance at which a
/// multiplier of ρ is central), g at that x, and μ_R.
struct Start {
    x: Vec<f64>,
    t: Vec<f64>,
    g: Vec<f64>,
    mu: f64,
}

/// The penalty ρ on Σ(p + n) (IPOPT's `resto_penalty_parameter`).
const RHO: f64 = 1e3;
/// The reduction of θ required before the phase ends (IPOPT's
/// `required_infeasibility_reduction`).
const KAPPA_RESTO: f64 = 0.9;

/// The original iterate where the filter line search failed, and what the
/// phase needs of the original iteration (all in its scaled space).
pub struct Entry<'a> {
    /// The point.
    pub x: &'a [f64],
    /// The slacks of the inequality rows.
    pub t: &'a [f64],
    /// Bound multipliers of x.
    pub z: &'a BoundDuals,
    /// Bound multipliers of t.
    pub v: &'a BoundDuals,
    /// g(x), unscaled.
    pub constraints: &'a [f64],
    /// The barrier parameter and the fraction to the boundary.
    pub mu: f64,
    /// τ.
    pub tau: f64,
    /// The original iteration's scaling.
    pub scaling: &'a Scaling,
    /// Bounds of x and of the slacks, as the iteration sees them.
    pub x_bounds: &'a Bounds,
    /// Bounds of the slacks.
    pub slack_bounds: &'a Bounds,
    /// Which rows are equations, and their ends.
    pub structure: &'a Structure,
    /// The filter, holding the entry point.
    pub filter: &'a Filter,
    /// J and W of the original iteration: dense, or sparse with the
    /// patterns the restoration problem extends.
    pub matrices: (&'a Jacobian, &'a Hessian),
    /// The settings of the solve.
    pub settings: &'a Settings,
    /// Iterations taken before the phase.
    pub iteration: usize,
}

/// How the phase ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Exit {
    /// The point is acceptable to the original iteration: it goes on.
    Return,
    /// The solve stops with this status and message.
    Stop(Status, String),
    /// The phase could not reduce the violation further; whether the point
    /// is a stationary point of the violation is for the original
    /// iteration to judge.
    Stalled,
}

/// The result of the phase.
#[derive(Clone, Debug)]
pub struct Phase {
    /// The point reached, and its slacks.
    pub x: Vec<f64>,
    /// Slacks.
    pub t: Vec<f64>,
    /// Bound multipliers for the original iteration to resume with.
    pub z: BoundDuals,
    /// Slack bound multipliers.
    pub v: BoundDuals,
    /// Restoration iterations taken.
    pub iterations: usize,
    /// Step length and regularization of the last one (for its record).
    pub step_length: f64,
    /// Regularization.
    pub regularization: f64,
    /// How the phase ended.
    pub exit: Exit,
    /// Evaluations of the problem during the phase.
    pub evaluations: EvaluationCounter,
    /// Time in factorizations and in line searches during the phase.
    pub factorization: Duration,
    /// Line search time.
    pub line_search: Duration,
}

impl Entry<'_> {
    /// The scaled residual of each row at g and t.
    fn residuals(&self, g: &[f64], t: &[f64]) -> Vec<f64> {
        (0..g.len())
            .map(|i| {
                let s = self.scaling.constraints[i];
                self.structure.row_residual(i, s, g[i], t)
            })
            .collect()
    }

    /// The original's φ_μ at (x, t) with objective value f.
    fn barrier_objective(&self, f: f64, x: &[f64], t: &[f64]) -> f64 {
        self.scaling.phi(f)
            + barrier_value(self.x_bounds, x, self.mu)
            + barrier_value(self.slack_bounds, t, self.mu)
    }

    /// The restoration problem's definition from its start: x, and p and n
    /// central for μ_R with p − n the residuals of the rows at (x, t).
    fn definition(&self, start: &Start) -> Definition {
        let (n, m) = (self.x.len(), self.constraints.len());
        let mut point = start.x.clone();
        point.resize(n + 2 * m, 0.0);
        for (i, r) in self.residuals(&start.g, &start.t).into_iter().enumerate() {
            (point[n + i], point[n + m + i]) = p_and_n(r, start.mu, RHO);
        }
        // Rows as the original iteration scales them: the slacks' bounds
        // for inequalities, the scaled right-hand side for equations.
        let (mut row_lower, mut row_upper) = (vec![0.0; m], vec![0.0; m]);
        for i in 0..m {
            let s = self.scaling.constraints[i];
            (row_lower[i], row_upper[i]) = match self.structure.slack_of[i] {
                Some(k) => (self.slack_bounds.lower[k], self.slack_bounds.upper[k]),
                None => {
                    let end = s * self.structure.constraint_lower[i];
                    (end, end)
                }
            };
        }
        // ζ = √μ, dⱼ = min(1, 1/|x_R,ⱼ|): a pull towards x_R that keeps
        // the problem's Hessian positive on x and is the weaker the
        // further the original iteration has gone.
        let zeta = self.mu.sqrt();
        let proximity = start
            .x
            .iter()
            .map(|x| zeta * (1.0 / x.abs().max(1.0)).powi(2))
            .collect();
        let patterns = match self.matrices {
            (Jacobian::Sparse { pattern: j, .. }, Hessian::Sparse { pattern: h, .. }) => {
                Some((SparsityPattern::clone(j), SparsityPattern::clone(h)))
            }
            _ => None,
        };
        Definition {
            row_scale: self.scaling.constraints.clone(),
            x_lower: self.x_bounds.lower.clone(),
            x_upper: self.x_bounds.upper.clone(),
            row_lower,
            row_upper,
            start: point,
            rho: RHO,
            proximity,
            patterns,
        }
    }

    /// The restoration iteration's primal-dual start: the slacks and every
    /// bound multiplier on the central path of μ_R: μ/p and μ/n for p and
    /// n (as IPOPT), at most ρ for x and t. IPOPT keeps the original
    /// multipliers of x and t (capped at ρ), but those can be far from
    /// central for μ_R: a multiplier of 10⁻¹⁰ at a distance of 10⁻¹⁶ asks
    /// for a first step of 10¹¹. The constraint multipliers are the least
    /// squares ones, where IPOPT starts from y = 0: a row's multiplier is
    /// near −ρ where it is violated, and with y = 0 the Hessian lacks that
    /// row's curvature, which is all there is near a stationary point of
    /// the violation (x² + y² ≤ −1 at the origin: a first step of 10²).
    fn primal_dual_start(
        &self,
        structure: &Structure,
        x: &[f64],
        start: &Start,
    ) -> PrimalDualStart {
        let n = self.x.len();
        let mut z = central(&structure.x, x, start.mu, RHO);
        for (z, p) in z.lower[n..].iter_mut().zip(&x[n..]) {
            *z = start.mu / p;
        }
        PrimalDualStart {
            t: start.t.clone(),
            z,
            v: central(self.slack_bounds, &start.t, start.mu, RHO),
            mu: start.mu,
        }
    }

    /// Settings of the restoration iteration: those of the solve, with the
    /// iterations left, no scaling of its own (its rows come scaled), the
    /// linear algebra of the original iteration, and no classification.
    fn inner_settings(&self) -> Settings {
        let s = self.settings;
        let sparse = matches!(self.matrices.0, Jacobian::Sparse { .. });
        Settings::builder()
            .tolerance(s.tolerance())
            .max_iterations(s.max_iterations().saturating_sub(self.iteration).max(1))
            .infeasibility_tolerance(s.infeasibility_tolerance())
            .unbounded_objective(s.unbounded_objective())
            .max_gradient_scale(f64::INFINITY)
            .record_history(s.record_history())
            .classify(false)
            .linear_solver(if sparse {
                LinearSolver::Sparse
            } else {
                LinearSolver::Dense
            })
            .barrier(s.barrier())
            .build()
            .expect("settings derived from valid settings")
    }
}

/// One restoration phase from `entry`; the restoration iterations' records
/// (all but the last, which the original iteration writes) go to `history`.
pub fn run<P: NlpProblem + ?Sized>(
    problem: &mut P,
    entry: &Entry<'_>,
    history: &mut Vec<IterationRecord>,
) -> Phase {
    let n = entry.x.len();
    let theta_entry = entry
        .structure
        .theta(&entry.scaling.constraints, entry.constraints, entry.t);
    let residuals = entry.residuals(entry.constraints, entry.t);
    let mu = entry.mu.max(inf_norm(&residuals));
    let mut start = Start {
        x: entry.x.to_vec(),
        t: entry.t.to_vec(),
        g: entry.constraints.to_vec(),
        mu,
    };
    keep_inside(entry.slack_bounds, &mut start.t, mu / RHO);
    let mut extra_values = 0;
    if keep_inside(entry.x_bounds, &mut start.x, mu / RHO) {
        problem.constraints(&start.x, &mut start.g);
        extra_values += 1;
    }
    let definition = entry.definition(&start);
    let mut restoration = RestorationProblem::new(problem, definition);
    let structure =
        Structure::of(&restoration).expect("the restoration problem's ends are ordered");
    let given = entry.primal_dual_start(&structure, &restoration.start(), &start);
    let mut inner = InteriorPoint::for_restoration(entry.inner_settings(), structure, given);
    // The inner solver sees a trait object: a generic one would make the
    // compiler instantiate restorations of restorations without end.
    inner.init(&mut restoration as &mut dyn NlpProblem);

    // f and the violation of the original problem at each iterate.
    let mut originals: Vec<(f64, f64)> = Vec::new();
    let mut back = false;
    while inner.status().is_none() {
        let before = inner.iteration();
        inner.next_iter(&mut restoration as &mut dyn NlpProblem);
        if inner.iteration() == before {
            continue;
        }
        let (original, fresh) = restoration.original_at(inner.x());
        extra_values += u64::from(fresh);
        originals.push((
            original.objective,
            answer::rows_violation(entry.structure, &original.constraints),
        ));
        let (x, t) = (&inner.x()[..n], inner.slacks());
        let theta = entry
            .structure
            .theta(&entry.scaling.constraints, &original.constraints, t);
        let phi = entry.barrier_objective(original.objective, x, t);
        if theta <= KAPPA_RESTO * theta_entry && entry.filter.acceptable(theta, phi) {
            back = true;
            break;
        }
    }

    let (x, t) = (inner.x()[..n].to_vec(), inner.slacks().to_vec());
    let status = inner.status();
    let (original, fresh) = restoration.original_at(&x);
    extra_values += u64::from(fresh);
    let tol = entry.settings.tolerance();
    let feasible = answer::rows_feasible(
        entry.structure,
        &original.constraints,
        &original.magnitudes,
        tol,
    );
    let solution = inner.finish(&mut restoration as &mut dyn NlpProblem, None);
    let mut evaluations = inner.evaluations().clone();
    evaluations.values += extra_values;
    let exit = if back {
        Exit::Return
    } else {
        judge(status, feasible, &solution.message)
    };

    // Records of every restoration iteration but the last.
    let iterations = originals.len();
    let records = solution.history.get(1..).unwrap_or(&[]);
    if entry.settings.record_history() {
        for (k, (record, (f, violation))) in records.iter().zip(&originals).enumerate() {
            if k + 1 == iterations {
                break;
            }
            history.push(IterationRecord {
                iteration: entry.iteration + k + 1,
                objective: *f,
                constraint_violation: *violation,
                ..*record
            });
        }
    }
    let last = records.last();

    // Bound multipliers for the original iteration.
    let mut z = multipliers_after(entry.x_bounds, entry.z, (entry.x, &x), entry.mu, entry.tau);
    let mut v = multipliers_after(
        entry.slack_bounds,
        entry.v,
        (entry.t, &t),
        entry.mu,
        entry.tau,
    );
    if largest(entry.x_bounds, &z).max(largest(entry.slack_bounds, &v)) > MULTIPLIER_RESET {
        z = BoundDuals::new(entry.x_bounds, 1.0);
        v = BoundDuals::new(entry.slack_bounds, 1.0);
    }
    Phase {
        x,
        t,
        z,
        v,
        iterations,
        step_length: last.map_or(0.0, |r| r.step_length),
        regularization: last.map_or(0.0, |r| r.regularization),
        exit,
        evaluations,
        factorization: solution.timings.factorization,
        line_search: solution.timings.line_search,
    }
}

/// The verdict when the restoration iteration stopped before the original
/// filter accepted one of its iterates.
fn judge(status: Option<Status>, feasible: bool, message: &str) -> Exit {
    match status {
        Some(Status::Converged) if !feasible => Exit::Stop(
            Status::Infeasible,
            "locally infeasible: the restoration phase converged to a stationary point of the \
             constraint violation"
                .into(),
        ),
        Some(Status::Converged) => Exit::Stop(
            Status::LineSearchFailed,
            "the restoration phase converged to a feasible point that the filter does not \
             accept (tolerance below what rounding allows, or inconsistent derivatives)"
                .into(),
        ),
        Some(Status::EvaluationError | Status::Singular) => Exit::Stop(
            status.expect("matched"),
            format!("in the restoration phase: {message}"),
        ),
        None | Some(Status::MaxIterations) => Exit::Stop(
            Status::MaxIterations,
            "the iteration limit was reached in the restoration phase".into(),
        ),
        Some(_) if feasible => Exit::Stop(
            Status::LineSearchFailed,
            "no acceptable step: the filter line search failed at a nearly feasible point and \
             the restoration phase found no better one"
                .into(),
        ),
        Some(_) => Exit::Stalled,
    }
}
