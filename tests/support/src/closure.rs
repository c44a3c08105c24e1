//! The one closure-based `NlpProblem` of the tests: hand-written
//! derivatives, dense or through a sparsity pattern, with the closed-form
//! solution when it is known; and the comparisons the tests share.

use faer::{Mat, MatMut};
use lagrange::solver::{NlpProblem, Sense, SparsityPattern};

type Scalar = Box<dyn Fn(&[f64]) -> f64>;
type Vector = Box<dyn Fn(&[f64], &mut [f64])>;
type Matrix = Box<dyn Fn(&[f64], MatMut<'_, f64>)>;
type Hessian = Box<dyn Fn(&[f64], f64, &[f64], MatMut<'_, f64>)>;
type HessianValues = Box<dyn Fn(&[f64], f64, &[f64], &mut [f64])>;

/// A problem given by closures. `hess` receives (x, σ, λ, H) and must write
/// the full Hessian of σ f − Σ λᵢ gᵢ; with [`Sparsity`], the dense Jacobian
/// and Hessian are assembled from the pattern values instead.
pub struct Closure {
    /// Number of variables.
    pub n: usize,
    /// Number of constraints.
    pub m: usize,
    /// Minimize or maximize.
    pub sense: Sense,
    /// The starting point.
    pub start: Vec<f64>,
    /// The objective.
    pub f: Scalar,
    /// Its gradient.
    pub grad: Vector,
    /// The constraint values g(x).
    pub cons: Vector,
    /// The dense Jacobian (written into a zeroed matrix).
    pub jac: Matrix,
    /// The dense Hessian of the Lagrangian (written into a zeroed matrix).
    pub hess: Hessian,
    /// Constraint magnitudes max(|lhs|, |rhs|); None: zeros.
    pub mags: Option<Vector>,
    /// Sparse derivatives, when the problem has them.
    pub sparsity: Option<Sparsity>,
    /// Variable bounds (lower, upper); empty: none.
    pub x_bounds: (Vec<f64>, Vec<f64>),
    /// Constraint ends (lower, upper); empty: every constraint an equation.
    pub g_bounds: (Vec<f64>, Vec<f64>),
    /// The closed-form x*, when known (else empty).
    pub x_star: Vec<f64>,
    /// The closed-form λ* (contract convention), when known (else empty).
    pub lambda_star: Vec<f64>,
    /// The closed-form f*, when known.
    pub f_star: f64,
}

/// Sparse derivatives of a [`Closure`]: the patterns and the values in
/// their order.
pub struct Sparsity {
    /// The Jacobian's pattern.
    pub jac_pattern: SparsityPattern,
    /// The lower triangle of the Hessian's pattern.
    pub hess_pattern: SparsityPattern,
    /// Jacobian values in the order of `jac_pattern`.
    pub jac: Vector,
    /// Lower-triangle Hessian values of σ f − Σ λᵢ gᵢ in the order of
    /// `hess_pattern`.
    pub hess: HessianValues,
    /// Whether the patterns are offered to the solver (false: the problem
    /// looks dense-only).
    pub offered: bool,
}

impl Closure {
    /// A problem with `n` variables and `m` constraints, all of whose
    /// functions are zero until set.
    pub fn new(n: usize, m: usize, start: Vec<f64>) -> Self {
        Closure {
            n,
            m,
            sense: Sense::Minimize,
            start,
            f: Box::new(|_| 0.0),
            grad: Box::new(|_, g| g.fill(0.0)),
            cons: Box::new(|_, c| c.fill(0.0)),
            jac: Box::new(|_, mut j| j.fill(0.0)),
            hess: Box::new(|_, _, _, mut h| h.fill(0.0)),
            mags: None,
            sparsity: None,
            x_bounds: (Vec::new(), Vec::new()),
            g_bounds: (Vec::new(), Vec::new()),
            x_star: Vec::new(),
            lambda_star: Vec::new(),
            f_star: 0.0,
        }
    }

    /// The sparse derivatives (panics on a dense problem).
    ///
    /// A literal with sparse derivatives sets `sparsity` and takes the dense
    /// closures, unused then, from `..Default::default()`.
    pub fn sparsity_mut(&mut self) -> &mut Sparsity {
        self.sparsity
            .as_mut()
            .expect("a problem with sparsity patterns")
    }
}

impl Default for Closure {
    /// No variables, no constraints.
    fn default() -> Self {
        Closure::new(0, 0, Vec::new())
    }
}

/// A pattern of `nrows` × `ncols` with these (row, column) entries.
pub fn pattern(
    nrows: usize,
    ncols: usize,
    entries: impl Iterator<Item = (usize, usize)>,
) -> SparsityPattern {
    let mut p = SparsityPattern {
        nrows,
        ncols,
        ..Default::default()
    };
    for (r, c) in entries {
        p.rows.push(r);
        p.cols.push(c);
    }
    p
}

impl NlpProblem for Closure {
    fn num_variables(&self) -> usize {
        self.n
    }
    fn num_constraints(&self) -> usize {
        self.m
    }
    fn sense(&self) -> Sense {
        self.sense
    }
    fn start(&self) -> Vec<f64> {
        self.start.clone()
    }
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        if self.x_bounds.0.is_empty() {
            lower.fill(f64::NEG_INFINITY);
            upper.fill(f64::INFINITY);
        } else {
            lower.copy_from_slice(&self.x_bounds.0);
            upper.copy_from_slice(&self.x_bounds.1);
        }
    }
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        if self.g_bounds.0.is_empty() {
            lower.fill(0.0);
            upper.fill(0.0);
        } else {
            lower.copy_from_slice(&self.g_bounds.0);
            upper.copy_from_slice(&self.g_bounds.1);
        }
    }
    fn objective(&mut self, x: &[f64]) -> f64 {
        (self.f)(x)
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        (self.grad)(x, grad)
    }
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        (self.cons)(x, values)
    }
    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        match &self.mags {
            Some(mags) => mags(x, magnitudes),
            None => magnitudes.fill(0.0),
        }
    }
    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        jac.fill(0.0);
        let Some(s) = &self.sparsity else {
            return (self.jac)(x, jac);
        };
        let mut values = vec![0.0; s.jac_pattern.nnz()];
        (s.jac)(x, &mut values);
        let p = &s.jac_pattern;
        for ((&r, &c), v) in p.rows.iter().zip(&p.cols).zip(&values) {
            jac[(r, c)] += v;
        }
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        hess.fill(0.0);
        let Some(s) = &self.sparsity else {
            return (self.hess)(x, objective_factor, lambda, hess);
        };
        let mut values = vec![0.0; s.hess_pattern.nnz()];
        (s.hess)(x, objective_factor, lambda, &mut values);
        let p = &s.hess_pattern;
        for ((&r, &c), v) in p.rows.iter().zip(&p.cols).zip(&values) {
            hess[(r, c)] += v;
            if r != c {
                hess[(c, r)] += v;
            }
        }
    }
    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        let s = self.sparsity.as_ref().filter(|s| s.offered)?;
        Some(s.jac_pattern.clone())
    }
    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        (self.sparsity_mut().jac)(x, values)
    }
    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        let s = self.sparsity.as_ref().filter(|s| s.offered)?;
        Some(s.hess_pattern.clone())
    }
    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        (self.sparsity_mut().hess)(x, objective_factor, lambda, values)
    }
}

/// Checks gradient, Jacobian and Hessian of the Lagrangian against central
/// differences at `x` (with multipliers `lambda` and σ = 0.7), to relative
/// accuracy `tol`. Guards the hand-coded derivatives of the test problems.
pub fn check_derivatives<P: NlpProblem>(p: &mut P, x: &[f64], lambda: &[f64], tol: f64) {
    let (n, m) = (p.num_variables(), p.num_constraints());
    let h = 1e-6;
    let mut grad = vec![0.0; n];
    p.gradient(x, &mut grad);
    let mut jac = Mat::zeros(m, n);
    p.jacobian(x, jac.as_mut());
    let sigma = 0.7;
    let mut hess = Mat::zeros(n, n);
    p.hessian_of_lagrangian(x, sigma, lambda, hess.as_mut());
    // ∇ₓL = σ∇f − Jᵀλ at a point.
    let grad_l = |p: &mut P, x: &[f64]| -> Vec<f64> {
        let mut g = vec![0.0; n];
        p.gradient(x, &mut g);
        let mut j = Mat::zeros(m, n);
        p.jacobian(x, j.as_mut());
        (0..n)
            .map(|k| sigma * g[k] - (0..m).map(|i| j[(i, k)] * lambda[i]).sum::<f64>())
            .collect()
    };
    for k in 0..n {
        let mut xp = x.to_vec();
        let mut xm = x.to_vec();
        xp[k] += h;
        xm[k] -= h;
        let fd = (p.objective(&xp) - p.objective(&xm)) / (2.0 * h);
        let close = |a: f64, b: f64| (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0);
        assert!(close(fd, grad[k]), "gradient[{k}]: {} vs fd {fd}", grad[k]);
        let mut cp = vec![0.0; m];
        let mut cm = vec![0.0; m];
        p.constraints(&xp, &mut cp);
        p.constraints(&xm, &mut cm);
        for i in 0..m {
            let fd = (cp[i] - cm[i]) / (2.0 * h);
            assert!(
                close(fd, jac[(i, k)]),
                "jacobian[{i},{k}]: {} vs fd {fd}",
                jac[(i, k)]
            );
        }
        let gp = grad_l(p, &xp);
        let gm = grad_l(p, &xm);
        for i in 0..n {
            let fd = (gp[i] - gm[i]) / (2.0 * h);
            assert!(
                close(fd, hess[(i, k)]),
                "hessian[{i},{k}]: {} vs fd {fd}",
                hess[(i, k)]
            );
        }
    }
}

/// Whether a and b agree to `tol`, absolutely or relative to their size.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// max |aᵢ − bᵢ| / max(1, |bᵢ|).
pub fn max_relative_error(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len());
    got.iter()
        .zip(want)
        .fold(0.0f64, |a, (g, w)| a.max((g - w).abs() / w.abs().max(1.0)))
}
