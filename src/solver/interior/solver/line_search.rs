//! The filter line search on (θ, φ_μ) from the fraction to the boundary, with
//! second-order corrections.

use super::*;

impl InteriorPoint {
    /// The filter line search from α_max; on failure, a step that reduces θ
    /// alone. Returns the accepted α, or the status to stop with.
    pub(super) fn line_search<P: NlpProblem + ?Sized>(
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
        let mut grad_t = std::mem::take(&mut self.work.grad_t);
        grad_t.fill(0.0);
        add_barrier_gradient(&self.slack_bounds, &self.point.t, self.mu, &mut grad_t);
        slope += grad_t
            .iter()
            .zip(&self.direction.dt)
            .map(|(g, d)| g * d)
            .sum::<f64>();
        self.work.grad_t = grad_t;
        let mut search = FilterSearch::new(theta0, phi0, slope)
            .with_noise_terms(n)
            .with_max_step(alpha_max);
        // The direction of the step; corrections overwrite self.direction.
        let mut step = std::mem::take(&mut self.work.step);
        step.clone_from(&self.direction);
        let mut c_soc = std::mem::take(&mut self.work.c_soc);
        c_soc.fill(0.0);
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
                self.work.step = step;
                self.work.c_soc = c_soc;
                return Ok(alpha);
            }
        }
        std::mem::swap(&mut self.direction, &mut step);
        self.work.step = step;
        self.work.c_soc = c_soc;
        if search.saw_non_finite {
            return Err(Status::EvaluationError);
        }
        if self.in_restoration {
            return self.feasibility_fallback(problem, theta0, phi0);
        }
        // The restoration phase starts here: the filter keeps this point.
        self.filter.augment(theta0, phi0);
        Err(Status::LineSearchFailed)
    }
}
