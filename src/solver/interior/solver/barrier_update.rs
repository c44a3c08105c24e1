//! The barrier parameter's update: the monotone rule or Mehrotra probing, by
//! the settings.

use super::*;

impl InteriorPoint {
    /// Sets μ (and τ), with a fresh filter: the barrier objective changed.
    pub(super) fn set_mu(&mut self, mu: f64) {
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
    pub(super) fn monotone_update(&mut self, floor: f64) -> bool {
        let mut decreased = false;
        loop {
            let error = self.barrier_error(self.mu);
            let Some(mu) = Monotone.next(self.mu, error, floor) else {
                return decreased;
            };
            let mu = last_stage(mu, self.settings.tolerance(), floor);
            self.set_mu(mu);
            decreased = true;
        }
    }

    /// The barrier update of the settings; false when the probing solve
    /// fails.
    pub(super) fn update_barrier(&mut self) -> bool {
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
}
