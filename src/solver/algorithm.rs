//! Which method solves a problem: the Newton–KKT iteration for problems
//! with equations only, the interior-point method as soon as a bound or an
//! inequality appears. [`Algorithm`] puts both state machines behind one
//! interface, so [`solve`], the argmin adapter and callers that drive the
//! iteration themselves need not know which one runs.

use super::evaluate::EvaluationCounter;
use super::interior::structure::Structure;
use super::interior::InteriorPoint;
use super::newton::Newton;
use super::nlp::NlpProblem;
use super::result::Solution;
use super::settings::Settings;
use super::status::Status;

/// The solver's state machine for one problem: `init`, then `next_iter`
/// until `status` is set, then `finish`.
#[derive(Debug)]
pub enum Algorithm {
    /// Equations only: Newton's method on the KKT conditions.
    Newton(Box<Newton>),
    /// Bounds or inequalities: the primal-dual interior-point method.
    InteriorPoint(Box<InteriorPoint>),
}

impl Algorithm {
    /// The method for this problem (its bounds and constraint ends are
    /// asked once). Ends that cross give an interior-point machine that
    /// reports [`Status::InvalidProblem`].
    pub fn for_problem<P: NlpProblem + ?Sized>(settings: &Settings, problem: &P) -> Self {
        match Structure::of(problem) {
            Ok(structure) if !structure.needs_interior_point() => {
                Algorithm::Newton(Box::new(Newton::new(settings.clone())))
            }
            Ok(structure) => {
                Algorithm::InteriorPoint(Box::new(InteriorPoint::new(settings.clone(), structure)))
            }
            Err(error) => {
                let mut interior = InteriorPoint::new(settings.clone(), Structure::default());
                interior.reject(error.to_string());
                Algorithm::InteriorPoint(Box::new(interior))
            }
        }
    }

    /// Allocation, evaluation at the start and the first termination test.
    pub fn init<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        match self {
            Algorithm::Newton(m) => m.init(problem),
            // An interior point rejected at construction keeps its status.
            Algorithm::InteriorPoint(m) if m.status().is_some() => {}
            Algorithm::InteriorPoint(m) => m.init(problem),
        }
    }

    /// One iteration.
    pub fn next_iter<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
        match self {
            Algorithm::Newton(m) => m.next_iter(problem),
            Algorithm::InteriorPoint(m) => m.next_iter(problem),
        }
    }

    /// Why the iteration stopped, once it has.
    pub fn status(&self) -> Option<Status> {
        match self {
            Algorithm::Newton(m) => m.status(),
            Algorithm::InteriorPoint(m) => m.status(),
        }
    }

    /// The result; `forced` is the status when the run was stopped from
    /// outside before the method set one.
    pub fn finish<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        forced: Option<Status>,
    ) -> Solution {
        match self {
            Algorithm::Newton(m) => m.finish(problem, forced),
            Algorithm::InteriorPoint(m) => m.finish(problem, forced),
        }
    }

    /// The current point.
    pub fn x(&self) -> &[f64] {
        match self {
            Algorithm::Newton(m) => m.x(),
            Algorithm::InteriorPoint(m) => m.x(),
        }
    }

    /// f at the current point, as written.
    pub fn objective(&self) -> f64 {
        match self {
            Algorithm::Newton(m) => m.objective(),
            Algorithm::InteriorPoint(m) => m.objective(),
        }
    }

    /// Contract multipliers λ at the current point.
    pub fn multipliers(&self) -> &[f64] {
        match self {
            Algorithm::Newton(m) => m.multipliers(),
            Algorithm::InteriorPoint(m) => m.multipliers(),
        }
    }

    /// The contract's KKT residual at the current point.
    pub fn kkt_residual(&self) -> f64 {
        match self {
            Algorithm::Newton(m) => m.kkt_residual(),
            Algorithm::InteriorPoint(m) => m.kkt_residual(),
        }
    }

    /// Counts of problem evaluations so far.
    pub fn evaluations(&self) -> &EvaluationCounter {
        match self {
            Algorithm::Newton(m) => m.evaluations(),
            Algorithm::InteriorPoint(m) => m.evaluations(),
        }
    }
}

/// Solves the problem (the Newton–KKT method for equations only, the
/// interior-point method with bounds or inequalities) and returns the
/// result, whatever happened (see [`Solution::status`]).
///
/// ```
/// use faer::MatMut;
/// use lagrange::solver::{solve, NlpProblem, Sense, Settings, Status};
///
/// /// Maximize x·y subject to x + y = 10.
/// struct Budget;
/// impl NlpProblem for Budget {
///     fn num_variables(&self) -> usize { 2 }
///     fn num_constraints(&self) -> usize { 1 }
///     fn sense(&self) -> Sense { Sense::Maximize }
///     fn start(&self) -> Vec<f64> { vec![1.0, 2.0] }
///     fn objective(&mut self, x: &[f64]) -> f64 { x[0] * x[1] }
///     fn gradient(&mut self, x: &[f64], g: &mut [f64]) { g[0] = x[1]; g[1] = x[0]; }
///     fn constraints(&mut self, x: &[f64], c: &mut [f64]) { c[0] = x[0] + x[1] - 10.0; }
///     fn jacobian(&mut self, _x: &[f64], mut j: MatMut<'_, f64>) { j[(0, 0)] = 1.0; j[(0, 1)] = 1.0; }
///     fn hessian_of_lagrangian(&mut self, _x: &[f64], s: f64, _l: &[f64], mut h: MatMut<'_, f64>) {
///         h[(0, 0)] = 0.0; h[(1, 1)] = 0.0; h[(0, 1)] = s; h[(1, 0)] = s;
///     }
/// }
///
/// let solution = solve(&mut Budget, &Settings::default());
/// assert_eq!(solution.status, Status::Converged);
/// assert!((solution.objective - 25.0).abs() < 1e-9);
/// assert!((solution.multipliers[0] - 5.0).abs() < 1e-9);
/// ```
pub fn solve<P: NlpProblem + ?Sized>(problem: &mut P, settings: &Settings) -> Solution {
    let mut algorithm = Algorithm::for_problem(settings, problem);
    algorithm.init(problem);
    while algorithm.status().is_none() {
        algorithm.next_iter(problem);
    }
    algorithm.finish(problem, None)
}
