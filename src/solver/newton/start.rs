//! Initialization: the layout and the workspaces for the problem's
//! dimensions, the start point and its evaluation, and the scaling chosen
//! there.

use std::sync::Arc;

use super::hessian::HessianArgs;
use super::state::{Memory, Model, Multipliers, Progress, Workspace};
use super::{Newton, NlpProblem, Status, Stop};
use crate::solver::error::SetupError;
use crate::solver::evaluate::{Iterate, Scaling};
use crate::solver::layout::{choose_layout, Layout};
use crate::solver::nlp::SparsityPattern;

impl Newton {
    /// Chooses the layout and sizes every workspace for the problem (an
    /// error when the sparsity patterns are unusable or the sparse
    /// structure cannot be analysed; the storage then still has the
    /// problem's dimensions, for the result).
    pub(super) fn allocate<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) -> Result<(), Stop> {
        let (n, m) = (problem.num_variables(), problem.num_constraints());
        let chosen = choose_layout(&self.settings, problem, n, m);
        let sense = problem.sense().sign();
        let result = match chosen {
            Ok((layout, note)) => {
                self.progress.note = note;
                self.allocate_layout(n, m, layout, true)
            }
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
                let _ = self.allocate_layout(n, m, Layout::Sparse(empty(m, n), empty(n, n)), false);
                Err(msg)
            }
        };
        self.points.scaling = Scaling::identity(sense, m);
        result.map_err(|error| Stop::new(Status::InvalidProblem, error.to_string()))
    }

    /// Sizes every workspace for n variables, m constraints and the layout;
    /// builds the KKT solver when `with_kkt` (an error when the sparse
    /// structure cannot be analysed).
    fn allocate_layout(
        &mut self,
        n: usize,
        m: usize,
        layout: Layout,
        with_kkt: bool,
    ) -> Result<(), SetupError> {
        let (jacobian, hessian) = layout.matrices(n, m);
        self.points.current = Iterate::new(n, m, &jacobian);
        self.points.trial = Iterate::new(n, m, &jacobian);
        self.multipliers = Multipliers::new(m);
        self.model = Model {
            grad_phi: vec![0.0; n],
            jac_c: jacobian,
            hessian,
            hessian_args: HessianArgs::new(n, m),
        };
        self.work = Workspace::new(n, m);
        self.memory = Memory::new();
        let note = self.progress.note.take();
        self.progress = Progress {
            note,
            ..Progress::default()
        };
        if self.settings.record_history() {
            let capacity = self.settings.max_iterations().min(1000) + 1;
            self.progress.history.reserve(capacity);
        }
        if with_kkt {
            self.work.kkt = layout.kkt_solver(n, m)?;
        }
        Ok(())
    }

    /// Copies the start point and evaluates f, g and their derivatives
    /// there; an error when any is missing or not finite.
    pub(super) fn evaluate_start<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
    ) -> Result<(), Stop> {
        let (n, _) = self.points.dimensions();
        let start = problem.start();
        if start.len() != n {
            let msg = format!(
                "the start point has {} entries but the problem has {n} variables",
                start.len()
            );
            return Err(Stop::new(Status::InvalidProblem, msg));
        }
        let current = &mut self.points.current;
        current.x.copy_from_slice(&start);
        if !current.x.iter().all(|v| v.is_finite()) {
            let msg = "the start point has a non-finite entry";
            return Err(Stop::new(Status::InvalidProblem, msg));
        }
        if !self.clock.evaluations.values(problem, current) {
            let msg = "the objective or a constraint is not finite at the start point";
            return Err(Stop::new(Status::EvaluationError, msg));
        }
        if !self.clock.evaluations.derivatives(problem, current) {
            let msg = "the gradient or the Jacobian is not finite at the start point";
            return Err(Stop::new(Status::EvaluationError, msg));
        }
        Ok(())
    }

    /// The scaling from the gradients at the start point, the scaled
    /// derivatives there, and the filter from its infeasibility.
    pub(super) fn scale_from_start(&mut self) {
        let points = &mut self.points;
        let max_gradient = self.settings.max_gradient_scale();
        points.scaling = Scaling::from_start(points.scaling.sense, &points.current, max_gradient);
        self.model.update(&points.current, &points.scaling);
        let theta0 = points.scaling.c_l1(&points.current.constraints);
        self.memory.start(theta0, &self.settings);
    }
}
