//! Initialization: the start point pushed inside its bounds, the slacks, the
//! scaled bounds, and the workspaces.

use super::*;

impl InteriorPoint {
    pub(super) fn init_with<P: NlpProblem + ?Sized>(&mut self, problem: &mut P) {
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
                return self.stop(Status::InvalidProblem, msg.to_string());
            }
        };
        self.allocate_vectors(n, m, &layout);
        match layout.kkt_solver(n, m) {
            Ok(kkt) => self.kkt = kkt,
            Err(msg) => return self.stop(Status::InvalidProblem, msg.to_string()),
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
        let given = self.given_start.take();
        match &given {
            // A restoration start is interior already; pushing it would
            // undo the elastic variables' balance with the residuals.
            Some(_) => self.x_bounds.keep_distance(&self.current.x),
            None => self.x_bounds.push_inside(&mut self.current.x),
        }
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
        match (given, &warm) {
            (Some(given), _) => self.adopt_start(*given),
            (None, Some(w)) => self.warm_multipliers(&w.multipliers, &w.bound_multipliers),
            (None, None) => self.least_squares_multipliers(),
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

    pub(super) fn allocate_vectors(
        &mut self,
        n: usize,
        m: usize,
        layout: &crate::solver::layout::Layout,
    ) {
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
            grad_t: vec![0.0; mi],
            c_soc: vec![0.0; m],
            step: Direction::default(),
            n: vec![0.0; n],
        };
        self.answer = Answer::default();
        if self.settings.record_history() {
            self.history
                .reserve(self.settings.max_iterations().min(1000) + 1);
        }
    }

    /// The slacks' bounds: each inequality row's ends times its scale.
    pub(super) fn scale_slack_bounds(&mut self) {
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

    /// Slacks, bound multipliers and μ of a restoration start, as given,
    /// and least-squares constraint multipliers for them.
    pub(super) fn adopt_start(&mut self, start: PrimalDualStart) {
        self.point.t.copy_from_slice(&start.t);
        self.slack_bounds.keep_distance(&self.point.t);
        self.point.z = start.z;
        self.point.v = start.v;
        self.mu = start.mu;
        self.tau = fraction_to_boundary(start.mu);
        self.least_squares_multipliers();
    }
}
