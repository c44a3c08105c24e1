//! Shared helpers of the solver tests: a problem made of closures with
//! hand-coded derivatives, a finite-difference check of those derivatives,
//! and a seeded random generator.
#![allow(dead_code)]

pub mod hs;
pub mod sparse;

use faer::{Mat, MatMut};
use lagrange::solver::{NlpProblem, Sense};

type Scalar = Box<dyn Fn(&[f64]) -> f64>;
type Vector = Box<dyn Fn(&[f64], &mut [f64])>;
type Matrix = Box<dyn Fn(&[f64], MatMut<'_, f64>)>;
type Hessian = Box<dyn Fn(&[f64], f64, &[f64], MatMut<'_, f64>)>;

/// A problem given by closures. `hessian` receives (x, σ, λ, H) and must
/// write the full Hessian of σ f − Σ λᵢ gᵢ.
pub struct Closure {
    pub n: usize,
    pub m: usize,
    pub sense: Sense,
    pub start: Vec<f64>,
    pub f: Scalar,
    pub grad: Vector,
    pub cons: Vector,
    pub jac: Matrix,
    pub hess: Hessian,
    /// Constraint magnitudes max(|lhs|, |rhs|); None: zeros.
    pub mags: Option<Vector>,
}

impl Closure {
    /// An unconstrained/constrained problem with no constraints defaults.
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
        }
    }
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
        (self.jac)(x, jac)
    }
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        hess.fill(0.0);
        (self.hess)(x, objective_factor, lambda, hess)
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

/// A small deterministic generator (64-bit LCG, top bits), for seeded data.
pub struct Lcg(pub u64);

impl Lcg {
    /// Uniform in [−1, 1).
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }

    /// A random symmetric positive definite matrix B Bᵀ + n I.
    pub fn spd(&mut self, n: usize) -> Mat<f64> {
        let b = Mat::from_fn(n, n, |_, _| self.next());
        let mut a = &b * b.transpose();
        for i in 0..n {
            a[(i, i)] += n as f64 * 0.5;
        }
        a
    }
}

/// Whether a and b agree to `tol`, absolutely or relative to their size.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}
