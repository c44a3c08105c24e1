//! Fixed variables (lower = upper) leave the iteration: [`Reduced`] shows
//! the interior-point method a problem in the free variables only, with
//! the fixed ones held at their value (IPOPT's `fixed_variable_treatment
//! make_parameter`). A log barrier cannot hold a variable between equal
//! ends, and a fixed variable has no step to take.

use faer::{Mat, MatMut};

use crate::solver::nlp::{NlpProblem, Sense, SparsityPattern};

/// The map between the full and the reduced variables, with the full-size
/// buffers the reduced problem evaluates into.
#[derive(Clone, Debug)]
pub struct Reduction {
    /// Full index of each free variable, in order.
    pub free: Vec<usize>,
    /// The full point, fixed entries at their values.
    pub x_full: Vec<f64>,
    gradient: Vec<f64>,
    jacobian: Mat<f64>,
    hessian: Mat<f64>,
    /// Positions kept from the problem's patterns (and the patterns'
    /// sizes), and the values buffer.
    jacobian_kept: Option<(Vec<usize>, usize)>,
    hessian_kept: Option<(Vec<usize>, usize)>,
    values: Vec<f64>,
}

impl Reduction {
    /// For `n` variables of which `fixed` are fixed at `values[j]`.
    pub fn new(n: usize, fixed: &[usize], values: &[f64]) -> Self {
        let mut is_fixed = vec![false; n];
        let mut x_full = vec![0.0; n];
        for &j in fixed {
            is_fixed[j] = true;
            x_full[j] = values[j];
        }
        Reduction {
            free: (0..n).filter(|&j| !is_fixed[j]).collect(),
            x_full,
            gradient: vec![0.0; n],
            jacobian: Mat::zeros(0, 0),
            hessian: Mat::zeros(0, 0),
            jacobian_kept: None,
            hessian_kept: None,
            values: Vec::new(),
        }
    }

    /// The problem seen in the free variables.
    pub fn of<'a, P: NlpProblem + ?Sized>(&'a mut self, problem: &'a mut P) -> Reduced<'a, P> {
        Reduced {
            problem,
            reduction: self,
        }
    }

    /// Writes the reduced point into the full one.
    pub fn expand(&mut self, x: &[f64]) {
        for (&j, v) in self.free.iter().zip(x) {
            self.x_full[j] = *v;
        }
    }

    /// Gathers the free entries of a full-length vector.
    pub fn gather(&self, full: &[f64], out: &mut [f64]) {
        for (o, &j) in out.iter_mut().zip(&self.free) {
            *o = full[j];
        }
    }

    /// The pattern's entries whose indices are all free, renumbered, and
    /// the positions they had.
    fn reduce_pattern(
        &self,
        pattern: &SparsityPattern,
        rows_are_variables: bool,
    ) -> (SparsityPattern, Vec<usize>) {
        let mut index = vec![usize::MAX; self.x_full.len()];
        for (k, &j) in self.free.iter().enumerate() {
            index[j] = k;
        }
        let mut out = SparsityPattern {
            nrows: if rows_are_variables {
                self.free.len()
            } else {
                pattern.nrows
            },
            ncols: self.free.len(),
            ..Default::default()
        };
        let mut kept = Vec::new();
        for (e, (&r, &c)) in pattern.rows.iter().zip(&pattern.cols).enumerate() {
            let row = if rows_are_variables { index[r] } else { r };
            if index[c] != usize::MAX && row != usize::MAX {
                out.rows.push(row);
                out.cols.push(index[c]);
                kept.push(e);
            }
        }
        (out, kept)
    }
}

impl Reduction {
    /// The full-size solution from the reduced one: x with the fixed values,
    /// and for each fixed variable zⱼ = (∇f − Jᵀλ)ⱼ (what makes its
    /// stationarity hold: d f*/d(the fixed value)) and activity `Fixed`.
    pub fn expand_solution<P: NlpProblem + ?Sized>(
        &mut self,
        problem: &mut P,
        mut solution: crate::solver::result::Solution,
    ) -> crate::solver::result::Solution {
        use crate::solver::result::Activity;
        let n = self.x_full.len();
        self.expand(&solution.x);
        let (mut z, mut activity) = (vec![0.0; n], vec![Activity::Fixed; n]);
        for (k, &j) in self.free.iter().enumerate() {
            z[j] = solution.bound_multipliers[k];
            activity[j] = solution.bound_activity[k];
        }
        let m = problem.num_constraints();
        if solution.multipliers.len() == m && self.free.len() < n {
            let mut residual = vec![0.0; n];
            problem.gradient(&self.x_full, &mut residual);
            match problem.jacobian_pattern() {
                Some(pattern) => {
                    let mut values = vec![0.0; pattern.nnz()];
                    problem.jacobian_values(&self.x_full, &mut values);
                    for ((&r, &c), v) in pattern.rows.iter().zip(&pattern.cols).zip(&values) {
                        residual[c] -= v * solution.multipliers[r];
                    }
                }
                None => {
                    let mut jac = Mat::zeros(m, n);
                    problem.jacobian(&self.x_full, jac.as_mut());
                    for c in 0..n {
                        for r in 0..m {
                            residual[c] -= jac[(r, c)] * solution.multipliers[r];
                        }
                    }
                }
            }
            for (j, a) in activity.iter().enumerate() {
                if *a == Activity::Fixed {
                    z[j] = residual[j];
                }
            }
        }
        solution.x = self.x_full.clone();
        solution.bound_multipliers = z;
        solution.bound_activity = activity;
        solution
    }
}

/// A problem in the free variables of another (see [`Reduction`]).
pub struct Reduced<'a, P: ?Sized> {
    problem: &'a mut P,
    reduction: &'a mut Reduction,
}

impl<P: NlpProblem + ?Sized> NlpProblem for Reduced<'_, P> {
    fn num_variables(&self) -> usize {
        self.reduction.free.len()
    }
    fn num_constraints(&self) -> usize {
        self.problem.num_constraints()
    }
    fn sense(&self) -> Sense {
        self.problem.sense()
    }
    fn start(&self) -> Vec<f64> {
        let full = self.problem.start();
        let mut x = vec![0.0; self.reduction.free.len()];
        if full.len() == self.reduction.x_full.len() {
            self.reduction.gather(&full, &mut x);
        }
        x
    }
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        let n = self.reduction.x_full.len();
        let (mut l, mut u) = (vec![f64::NEG_INFINITY; n], vec![f64::INFINITY; n]);
        self.problem.variable_bounds(&mut l, &mut u);
        self.reduction.gather(&l, lower);
        self.reduction.gather(&u, upper);
    }
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        self.problem.constraint_bounds(lower, upper)
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        self.reduction.expand(x);
        self.problem.objective(&self.reduction.x_full)
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        let r = &mut *self.reduction;
        r.expand(x);
        self.problem.gradient(&r.x_full, &mut r.gradient);
        r.gather(&r.gradient, grad);
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        self.reduction.expand(x);
        self.problem.constraints(&self.reduction.x_full, values)
    }
    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        self.reduction.expand(x);
        self.problem
            .constraint_magnitudes(&self.reduction.x_full, magnitudes)
    }
    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        let r = &mut *self.reduction;
        r.expand(x);
        let (m, n) = (jac.nrows(), r.x_full.len());
        if r.jacobian.nrows() != m || r.jacobian.ncols() != n {
            r.jacobian = Mat::zeros(m, n);
        }
        self.problem.jacobian(&r.x_full, r.jacobian.as_mut());
        for (k, &j) in r.free.iter().enumerate() {
            for i in 0..m {
                jac[(i, k)] = r.jacobian[(i, j)];
            }
        }
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        let r = &mut *self.reduction;
        r.expand(x);
        let n = r.x_full.len();
        if r.hessian.nrows() != n {
            r.hessian = Mat::zeros(n, n);
        }
        self.problem
            .hessian_of_lagrangian(&r.x_full, objective_factor, lambda, r.hessian.as_mut());
        for (a, &i) in r.free.iter().enumerate() {
            for (b, &j) in r.free.iter().enumerate() {
                hess[(a, b)] = r.hessian[(i, j)];
            }
        }
    }
    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        let full = self.problem.jacobian_pattern()?;
        let (reduced, kept) = self.reduction.reduce_pattern(&full, false);
        self.reduction.jacobian_kept = Some((kept, full.nnz()));
        Some(reduced)
    }
    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        let r = &mut *self.reduction;
        r.expand(x);
        let (kept, total) = r
            .jacobian_kept
            .as_ref()
            .expect("jacobian_values before jacobian_pattern");
        r.values.resize(*total, 0.0);
        self.problem.jacobian_values(&r.x_full, &mut r.values);
        for (v, &e) in values.iter_mut().zip(kept) {
            *v = r.values[e];
        }
    }
    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        let full = self.problem.hessian_pattern()?;
        let (reduced, kept) = self.reduction.reduce_pattern(&full, true);
        self.reduction.hessian_kept = Some((kept, full.nnz()));
        Some(reduced)
    }
    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        let r = &mut *self.reduction;
        r.expand(x);
        let (kept, total) = r
            .hessian_kept
            .as_ref()
            .expect("hessian_values before hessian_pattern");
        r.values.resize(*total, 0.0);
        self.problem
            .hessian_values(&r.x_full, objective_factor, lambda, &mut r.values);
        for (v, &e) in values.iter_mut().zip(kept) {
            *v = r.values[e];
        }
    }
}
