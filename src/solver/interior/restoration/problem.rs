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
    /// Scratch: Sλ, and the original's sparse values.
    weighted: Vec<f64>,
}

impl<'a, P: NlpProblem + ?Sized> RestorationProblem<'a, P> {
    /// The restoration problem of `problem` (n variables, m rows).
    pub fn new(problem: &'a mut P, definition: Definition) -> Self {
        let (n, m) = (definition.x_lower.len(), definition.row_scale.len());
        let sparse = definition
            .patterns
            .as_ref()
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
fn sparse_patterns(jac: &SparsityPattern, hess: &SparsityPattern, n: usize, m: usize) -> Sparse {
    let mut jacobian = jac.clone();
    jacobian.ncols = n + 2 * m;
    for i in 0..m {
        jacobian.rows.extend([i, i]);
        jacobian.cols.extend([n + i, n + m + i]);
    }
    // The proximity term adds to the diagonal: at the original's entry
    // (j, j) when it has one, at a new entry otherwise.
    let mut hessian = hess.clone();
    hessian.nrows = n + 2 * m;
    hessian.ncols = n + 2 * m;
    let mut diagonal = vec![usize::MAX; n];
    for (k, (&r, &c)) in hess.rows.iter().zip(&hess.cols).enumerate() {
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
        original_jacobian: jac.nnz(),
        original_hessian: hess.nnz(),
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
