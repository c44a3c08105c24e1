//! The result: the point moved into its original bounds, the contract's
//! multipliers and activities, and the second-order classification on the
//! active set.

use super::*;

impl InteriorPoint {
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

    pub(super) fn finish_with<P: NlpProblem + ?Sized>(
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
    pub(super) fn honor_original_bounds<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
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
            self.evaluate_answer();
        }
    }

    /// Second-order classification on the tangent space of the equations
    /// and the strongly active inequalities and bounds; `degenerate` when
    /// the weakly active ones change the verdict.
    pub(super) fn classify<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
    ) -> Option<PointKind> {
        let (n, m) = (self.n(), self.m());
        let tol = self.settings.tolerance();
        let zero = tol * inf_norm(&self.current.gradient).max(1.0);
        // Per row and per variable: None (not in T's definition), or
        // Some(weakly active).
        let rows: Vec<Option<bool>> = (0..m)
            .map(|i| match self.answer.constraint_activity[i] {
                Activity::Fixed => Some(false),
                Activity::Lower | Activity::Upper => Some(self.answer.lambda[i].abs() <= zero),
                Activity::Inactive => None,
            })
            .collect();
        let bounds: Vec<Option<bool>> = (0..n)
            .map(|j| {
                self.answer.bound_activity[j]
                    .is_active()
                    .then(|| self.answer.z[j].abs() <= zero)
            })
            .collect();
        let inequality_rows = (0..m).filter(|&i| self.structure.slack_of[i].is_some());
        let strongly_active = inequality_rows.into_iter().any(|i| rows[i] == Some(false))
            || bounds.contains(&Some(false));
        let has_weak = rows.iter().chain(&bounds).any(|r| *r == Some(true));
        let sense = problem.sense();
        let (x, lambda) = (&self.current.x, &self.answer.lambda);
        if !self
            .counter
            .hessian(problem, x, 1.0, lambda, &mut self.hessian)
        {
            return None;
        }
        let verdict = |with_weak: bool| {
            let keep = |a: &Option<bool>| a.is_some_and(|weak| with_weak || !weak);
            let kept_rows: Vec<bool> = rows.iter().map(keep).collect();
            let held: Vec<bool> = bounds.iter().map(keep).collect();
            let active = ActiveSet {
                rows: &kept_rows,
                held: &held,
            };
            let point =
                classify_on_active_set(sense, &self.current.jacobian, &self.hessian, active);
            point.map(|p| match (strongly_active, sense, p) {
                // The active inequalities' multipliers already bound the
                // objective's sense: curvature the other way is a saddle.
                (true, Sense::Minimize, PointKind::Maximum) => PointKind::Saddle,
                (true, Sense::Maximize, PointKind::Minimum) => PointKind::Saddle,
                (_, _, p) => p,
            })
        };
        let with = verdict(true);
        if has_weak && verdict(false) != with {
            return Some(PointKind::Degenerate);
        }
        with
    }
}
