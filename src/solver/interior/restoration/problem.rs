//! The restoration problem as an [`NlpProblem`] over the original one
//! (IPOPT's `RestoIpoptNLP`, Wächter & Biegler 2006, §3.3): in the
//! variables (x, p, n), with one p and one n per constraint row,
//!
//! ```text
//! minimize    ρ Σᵢ (pᵢ + nᵢ) + ζ/2 Σⱼ dⱼ² (xⱼ − x_R,ⱼ)²
//! subject to  cᵢ(x) − pᵢ + nᵢ within the row's ends,  x within its bounds,  p, n ≥ 0,
//! ```
//!
//! where cᵢ = sᵢ gᵢ are the rows as the original iteration scales them, so
//! that Σ(p + n) at a solution is the θ that iteration measures. Its
//! derivatives are the original's with the identity blocks of p and n:
//! J_R = [S J, −I, I] and W_R = W(x, 0, Sλ) + ζ D² on x alone, dense or
//! sparse as the original's are.
//!
//! The original's values at the last point asked for are kept, so that the
//! phase can judge a restoration iterate by the original problem without
//! evaluating it twice. This module knows nothing of the iteration that
//! solves the problem.

use faer::MatMut;

use crate::solver::nlp::{NlpProblem, Sense, SparsityPattern};

/// Sparse derivatives of the restoration problem: its patterns, and where
/// the proximity term's diagonal goes among the Hessian's values.
struct Sparse {
    jacobian: SparsityPattern,
    hessian: SparsityPattern,
    /// Number of the original Jacobian's and Hessian's entries (they come
    /// first, in the original's order).
    original_jacobian: usize,
    original_hessian: usize,
    /// Position of (j, j) in the Hessian's values, for each xⱼ.
    diagonal: Vec<usize>,
}

/// The data of a restoration problem, from the original iterate where the
/// filter line search failed.
pub struct Definition {
    /// The row scales sᵢ of the original iteration.
    pub row_scale: Vec<f64>,
    /// Bounds of x (as the original iteration sees them).
    pub x_lower: Vec<f64>,
    /// Upper bounds of x.
    pub x_upper: Vec<f64>,
    /// Scaled ends of the rows (±∞ where absent).
    pub row_lower: Vec<f64>,
    /// Scaled upper ends of the rows.
    pub row_upper: Vec<f64>,
    /// The start (x, p, n).
    pub start: Vec<f64>,
    /// The penalty ρ on Σ(p + n).
    pub rho: f64,
    /// The proximity weights ζ dⱼ² on (xⱼ − x_R,ⱼ)², x_R being the start's x.
    pub proximity: Vec<f64>,
    /// The original's Jacobian and Hessian patterns, when it is solved
    /// with sparse matrices.
    pub patterns: Option<(SparsityPattern, SparsityPattern)>,
}

/// The original problem's values at one point.
#[derive(Clone, Debug, Default)]
pub struct Original {
    /// Which of f, g and the magnitudes (bits 0, 1, 2) hold for `x`.
    valid: u8,
    /// The point.
    pub x: Vec<f64>,
    /// f(x).
    pub objective: f64,
    /// g(x), unscaled.
    pub constraints: Vec<f64>,
    /// The constraints' magnitudes.
    pub magnitudes: Vec<f64>,
}

/// The restoration problem over `P`.
pub struct RestorationProblem<'a, P: ?Sized> {
    problem: &'a mut P,
    n: usize,
    m: usize,
    definition: Definition,
    sparse: Option<Sparse>,
    /// The original's values at the last point asked for.
    original: Original,
    /// Scratch: the weights Sλ of the original rows' curvature.
    weighted: Vec<f64>,
}

impl<'a, P: NlpProblem + ?Sized> RestorationProblem<'a, P> {
    /// The restoration problem of `problem` (n variables, m rows).
    pub fn new(problem: &'a mut P, mut definition: Definition) -> Self {
        let (n, m) = (definition.x_lower.len(), definition.row_scale.len());
        let sparse = definition
            .patterns
            .take()
            .map(|(jac, hess)| sparse_patterns(jac, hess, n, m));
        RestorationProblem {
            problem,
            n,
            m,
            definition,
            sparse,
            original: Original {
                valid: 0,
                x: vec![f64::NAN; n],
                objective: f64::NAN,
                constraints: vec![0.0; m],
                magnitudes: vec![0.0; m],
            },
            weighted: vec![0.0; m],
        }
    }

    /// The original's values at x (the first n entries of a restoration
    /// point), evaluated only when x is not the last point asked for;
    /// whether an evaluation was needed.
    pub fn original_at(&mut self, x: &[f64]) -> (&Original, bool) {
        let x = &x[..self.n];
        let fresh = self.original.valid != ALL || self.original.x != x;
        if fresh {
            self.original.x.copy_from_slice(x);
            self.original.objective = self.problem.objective(x);
            self.problem.constraints(x, &mut self.original.constraints);
            self.problem
                .constraint_magnitudes(x, &mut self.original.magnitudes);
            self.original.valid = ALL;
        }
        (&self.original, fresh)
    }

    /// Marks one of the original's values (a bit of [`ALL`]) as holding at
    /// x, forgetting the others if they held at another point.
    fn keep(&mut self, x: &[f64], bit: u8) {
        if self.original.x != x[..self.n] {
            self.original.x.copy_from_slice(&x[..self.n]);
            self.original.valid = 0;
        }
        self.original.valid |= bit;
    }
}

/// The bits of f, g and the magnitudes in [`Original`]'s record.
const ALL: u8 = 0b111;

/// The restoration problem's patterns from the original's.
fn sparse_patterns(jac: SparsityPattern, hess: SparsityPattern, n: usize, m: usize) -> Sparse {
    let (original_jacobian, original_hessian) = (jac.nnz(), hess.nnz());
    let mut jacobian = jac;
    jacobian.ncols = n + 2 * m;
    for i in 0..m {
        jacobian.rows.extend([i, i]);
        jacobian.cols.extend([n + i, n + m + i]);
    }
    // The proximity term adds to the diagonal: at the original's entry
    // (j, j) when it has one, at a new entry otherwise.
    let mut hessian = hess;
    hessian.nrows = n + 2 * m;
    hessian.ncols = n + 2 * m;
    let mut diagonal = vec![usize::MAX; n];
    for (k, (&r, &c)) in hessian.rows.iter().zip(&hessian.cols).enumerate() {
        if r == c && diagonal[r] == usize::MAX {
            diagonal[r] = k;
        }
    }
    for (j, d) in diagonal.iter_mut().enumerate() {
        if *d == usize::MAX {
            *d = hessian.rows.len();
            hessian.rows.push(j);
            hessian.cols.push(j);
        }
    }
    Sparse {
        jacobian,
        hessian,
        original_jacobian,
        original_hessian,
        diagonal,
    }
}

impl<P: NlpProblem + ?Sized> NlpProblem for RestorationProblem<'_, P> {
    fn num_variables(&self) -> usize {
        self.n + 2 * self.m
    }
    fn num_constraints(&self) -> usize {
        self.m
    }
    fn sense(&self) -> Sense {
        Sense::Minimize
    }
    fn start(&self) -> Vec<f64> {
        self.definition.start.clone()
    }
    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        let n = self.n;
        lower[..n].copy_from_slice(&self.definition.x_lower);
        upper[..n].copy_from_slice(&self.definition.x_upper);
        lower[n..].fill(0.0);
        upper[n..].fill(f64::INFINITY);
    }
    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.copy_from_slice(&self.definition.row_lower);
        upper.copy_from_slice(&self.definition.row_upper);
    }

    /// ρ Σ(p + n) + ζ/2 Σ dⱼ²(xⱼ − x_R,ⱼ)²; NaN where the original objective
    /// is not finite, so that the iteration never accepts a point the
    /// original problem cannot be evaluated at (IPOPT's
    /// `evaluate_orig_obj_at_resto_trial`).
    fn objective(&mut self, x: &[f64]) -> f64 {
        let n = self.n;
        self.keep(x, 0b001);
        self.original.objective = self.problem.objective(&x[..n]);
        if !self.original.objective.is_finite() {
            return f64::NAN;
        }
        let d = &self.definition;
        let penalty: f64 = x[n..].iter().sum();
        let proximity: f64 = (0..n)
            .map(|j| d.proximity[j] * (x[j] - d.start[j]).powi(2))
            .sum();
        d.rho * penalty + 0.5 * proximity
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        let (n, d) = (self.n, &self.definition);
        for j in 0..n {
            grad[j] = d.proximity[j] * (x[j] - d.start[j]);
        }
        grad[n..].fill(d.rho);
    }
    /// sᵢ gᵢ(x) − pᵢ + nᵢ.
    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        let (n, m) = (self.n, self.m);
        // The iteration asks for f, g and the magnitudes at each point it
        // judges: the original's are kept for the phase's own judgement.
        self.keep(x, 0b010);
        self.problem
            .constraints(&x[..n], &mut self.original.constraints);
        for i in 0..m {
            values[i] = self.definition.row_scale[i] * self.original.constraints[i] - x[n + i]
                + x[n + m + i];
        }
    }
    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        self.keep(x, 0b100);
        self.problem
            .constraint_magnitudes(&x[..self.n], &mut self.original.magnitudes);
        for (out, (s, g)) in magnitudes.iter_mut().zip(
            self.definition
                .row_scale
                .iter()
                .zip(&self.original.magnitudes),
        ) {
            *out = s * g;
        }
    }
    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        let (n, m) = (self.n, self.m);
        jac.fill(0.0);
        self.problem
            .jacobian(&x[..n], jac.as_mut().submatrix_mut(0, 0, m, n));
        for i in 0..m {
            let s = self.definition.row_scale[i];
            for j in 0..n {
                jac[(i, j)] *= s;
            }
            jac[(i, n + i)] = -1.0;
            jac[(i, n + m + i)] = 1.0;
        }
    }
    /// ζ D² on x (times the objective factor), plus the original's
    /// constraint curvature −Σ λᵢ sᵢ ∇²gᵢ; p and n enter linearly.
    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        mut hess: MatMut<'_, f64>,
    ) {
        let n = self.n;
        hess.fill(0.0);
        self.weigh(lambda);
        self.problem.hessian_of_lagrangian(
            &x[..n],
            0.0,
            &self.weighted,
            hess.as_mut().submatrix_mut(0, 0, n, n),
        );
        for j in 0..n {
            hess[(j, j)] += objective_factor * self.definition.proximity[j];
        }
    }
    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        self.sparse.as_ref().map(|s| s.jacobian.clone())
    }
    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        let Some(sparse) = &self.sparse else {
            unreachable!("jacobian_values of a restoration problem without patterns")
        };
        let k = sparse.original_jacobian;
        self.problem.jacobian_values(&x[..self.n], &mut values[..k]);
        for (v, &i) in values[..k].iter_mut().zip(&sparse.jacobian.rows) {
            *v *= self.definition.row_scale[i];
        }
        for pair in values[k..].chunks_exact_mut(2) {
            pair[0] = -1.0;
            pair[1] = 1.0;
        }
    }
    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        self.sparse.as_ref().map(|s| s.hessian.clone())
    }
    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        self.weigh(lambda);
        let Some(sparse) = &self.sparse else {
            unreachable!("hessian_values of a restoration problem without patterns")
        };
        let k = sparse.original_hessian;
        self.problem
            .hessian_values(&x[..self.n], 0.0, &self.weighted, &mut values[..k]);
        values[k..].fill(0.0);
        for (&at, w) in sparse.diagonal.iter().zip(&self.definition.proximity) {
            values[at] += objective_factor * w;
        }
    }
}

impl<P: ?Sized> RestorationProblem<'_, P> {
    /// Sλ into the scratch: the weights of the original rows' curvature.
    fn weigh(&mut self, lambda: &[f64]) {
        for ((w, l), s) in self
            .weighted
            .iter_mut()
            .zip(lambda)
            .zip(&self.definition.row_scale)
        {
            *w = s * l;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::Mat;

    /// f = x₀ x₁, g₀ = x₀² + 3 x₁, g₁ = x₁ − x₀³: no curvature in x₁, so
    /// the Hessian's pattern has no (1, 1) entry, which the proximity term
    /// must add.
    struct Small;

    impl NlpProblem for Small {
        fn num_variables(&self) -> usize {
            2
        }
        fn num_constraints(&self) -> usize {
            2
        }
        fn start(&self) -> Vec<f64> {
            vec![0.0; 2]
        }
        fn objective(&mut self, x: &[f64]) -> f64 {
            x[0] * x[1]
        }
        fn gradient(&mut self, x: &[f64], g: &mut [f64]) {
            g.copy_from_slice(&[x[1], x[0]]);
        }
        fn constraints(&mut self, x: &[f64], c: &mut [f64]) {
            c.copy_from_slice(&[x[0] * x[0] + 3.0 * x[1], x[1] - x[0].powi(3)]);
        }
        fn jacobian(&mut self, x: &[f64], mut j: MatMut<'_, f64>) {
            j[(0, 0)] = 2.0 * x[0];
            j[(0, 1)] = 3.0;
            j[(1, 0)] = -3.0 * x[0] * x[0];
            j[(1, 1)] = 1.0;
        }
        fn hessian_of_lagrangian(&mut self, x: &[f64], s: f64, l: &[f64], mut h: MatMut<'_, f64>) {
            h[(0, 0)] = -2.0 * l[0] + 6.0 * l[1] * x[0];
            h[(1, 0)] = s;
            h[(0, 1)] = s;
            h[(1, 1)] = 0.0;
        }
        fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
            Some(SparsityPattern {
                nrows: 2,
                ncols: 2,
                rows: vec![0, 0, 1, 1],
                cols: vec![0, 1, 0, 1],
            })
        }
        fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
            Some(SparsityPattern {
                nrows: 2,
                ncols: 2,
                rows: vec![0, 1],
                cols: vec![0, 0],
            })
        }
    }

    fn restoration(p: &mut Small, sparse: bool) -> RestorationProblem<'_, Small> {
        let patterns =
            sparse.then(|| (p.jacobian_pattern().unwrap(), p.hessian_pattern().unwrap()));
        let definition = Definition {
            row_scale: vec![0.5, 2.0],
            x_lower: vec![f64::NEG_INFINITY; 2],
            x_upper: vec![f64::INFINITY; 2],
            row_lower: vec![0.0, f64::NEG_INFINITY],
            row_upper: vec![0.0, 1.0],
            start: vec![0.3, -0.2, 0.1, 0.2, 0.3, 0.4],
            rho: 1e3,
            proximity: vec![0.25, 0.5],
            patterns,
        };
        RestorationProblem::new(p, definition)
    }

    /// Dense derivatives against central differences; σ = 0.7.
    #[test]
    fn derivatives_match_central_differences() {
        let (x, lambda, sigma, h) = ([0.7, -0.4, 0.2, 0.5, 0.1, 0.3], [1.3, -0.6], 0.7, 1e-6);
        let mut small = Small;
        let mut r = restoration(&mut small, false);
        let (nv, m) = (r.num_variables(), r.num_constraints());
        let mut grad = vec![0.0; nv];
        r.gradient(&x, &mut grad);
        let mut jac = Mat::<f64>::zeros(m, nv);
        r.jacobian(&x, jac.as_mut());
        let mut hess = Mat::<f64>::zeros(nv, nv);
        r.hessian_of_lagrangian(&x, sigma, &lambda, hess.as_mut());
        let grad_l = |r: &mut RestorationProblem<'_, Small>, x: &[f64]| {
            let mut g = vec![0.0; nv];
            r.gradient(x, &mut g);
            let mut j = Mat::<f64>::zeros(m, nv);
            r.jacobian(x, j.as_mut());
            (0..nv)
                .map(|k| sigma * g[k] - (0..m).map(|i| lambda[i] * j[(i, k)]).sum::<f64>())
                .collect::<Vec<_>>()
        };
        for k in 0..nv {
            let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
            xp[k] += h;
            xm[k] -= h;
            let fd = (r.objective(&xp) - r.objective(&xm)) / (2.0 * h);
            assert!(
                (fd - grad[k]).abs() < 1e-6,
                "gradient {k}: {fd} vs {}",
                grad[k]
            );
            let (mut cp, mut cm) = (vec![0.0; m], vec![0.0; m]);
            r.constraints(&xp, &mut cp);
            r.constraints(&xm, &mut cm);
            let (gp, gm) = (grad_l(&mut r, &xp), grad_l(&mut r, &xm));
            for i in 0..m {
                let fd = (cp[i] - cm[i]) / (2.0 * h);
                assert!((fd - jac[(i, k)]).abs() < 1e-6, "jacobian ({i}, {k})");
            }
            for i in 0..nv {
                let fd = (gp[i] - gm[i]) / (2.0 * h);
                assert!((fd - hess[(i, k)]).abs() < 1e-6, "hessian ({i}, {k})");
            }
        }
    }

    /// The sparse values are the dense matrices' entries at the patterns.
    #[test]
    fn sparse_values_match_the_dense_matrices() {
        let (x, lambda, sigma) = ([0.7, -0.4, 0.2, 0.5, 0.1, 0.3], [1.3, -0.6], 0.7);
        let (mut a, mut b) = (Small, Small);
        let mut dense = restoration(&mut a, false);
        let mut sparse = restoration(&mut b, true);
        assert!(dense.jacobian_pattern().is_none());
        let (nv, m) = (dense.num_variables(), dense.num_constraints());
        let mut jac = Mat::<f64>::zeros(m, nv);
        dense.jacobian(&x, jac.as_mut());
        let mut hess = Mat::<f64>::zeros(nv, nv);
        dense.hessian_of_lagrangian(&x, sigma, &lambda, hess.as_mut());
        let jp = sparse.jacobian_pattern().unwrap();
        let mut values = vec![0.0; jp.nnz()];
        sparse.jacobian_values(&x, &mut values);
        let mut assembled = Mat::<f64>::zeros(m, nv);
        for ((&r, &c), v) in jp.rows.iter().zip(&jp.cols).zip(&values) {
            assembled[(r, c)] += v;
        }
        assert_eq!(assembled, jac);
        let hp = sparse.hessian_pattern().unwrap();
        assert!(hp.rows.iter().zip(&hp.cols).all(|(r, c)| r >= c));
        let mut values = vec![0.0; hp.nnz()];
        sparse.hessian_values(&x, sigma, &lambda, &mut values);
        let mut assembled = Mat::<f64>::zeros(nv, nv);
        for ((&r, &c), v) in hp.rows.iter().zip(&hp.cols).zip(&values) {
            assembled[(r, c)] += v;
        }
        for c in 0..nv {
            for r in c..nv {
                assert_eq!(assembled[(r, c)], hess[(r, c)], "({r}, {c})");
            }
        }
    }

    #[test]
    fn the_original_values_are_kept_for_the_last_point() {
        let mut small = Small;
        let mut r = restoration(&mut small, false);
        let x = [0.7, -0.4, 0.2, 0.5, 0.1, 0.3];
        let mut c = [0.0; 2];
        r.objective(&x);
        r.constraints(&x, &mut c);
        r.constraint_magnitudes(&x, &mut c);
        let (original, fresh) = r.original_at(&x);
        assert!(!fresh);
        assert_eq!(original.objective, 0.7 * -0.4);
        let y = [0.1, 0.2, 0.2, 0.5, 0.1, 0.3];
        r.objective(&y);
        let (original, fresh) = r.original_at(&y);
        assert!(fresh, "g was last evaluated elsewhere");
        assert_eq!(original.constraints[1], 0.2 - 0.1f64.powi(3));
    }
}
