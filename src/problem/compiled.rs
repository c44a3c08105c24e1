//! [`CompiledProblem`]: a stated problem recorded once into a tape, seen by
//! the solver through [`NlpProblem`].

use super::bounds::resolve;
use super::builder::Problem;
use super::ends::push_ends;
use super::error::ProblemError;
use super::layout::{ConstraintLayout, Layout, VariableLayout};
use crate::autodiff::{NonzeroPattern, SparseHessian, SparseJacobian, SparsityError, Tape, Tensor};
use crate::solver::{NlpProblem, Sense, SparsityPattern};
use faer::MatMut;
use std::collections::HashSet;

/// The sparse derivatives of a compiled problem, detected once.
type Sparse = Result<(SparseJacobian, SparseHessian), SparsityError>;

/// Below this many sweeps the dense Jacobian and Hessian are computed by
/// unit directions without detecting sparsity first.
const DENSE_SWEEPS_WITHOUT_DETECTION: usize = 8;

/// Sizes of a problem's sparse derivatives and the sweeps that evaluate them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SparsityReport {
    /// Structural nonzeros of the constraint Jacobian (m × n).
    pub jacobian_nnz: usize,
    /// Column colors of the Jacobian: one tangent sweep each.
    pub jacobian_colors: usize,
    /// Jacobian rows denser than the rest, one reverse sweep each.
    pub jacobian_dense_rows: usize,
    /// Structural nonzeros of the lower triangle of the Hessian of the
    /// Lagrangian (n × n).
    pub hessian_nnz: usize,
    /// Column colors of the Hessian: one Hessian-vector product each.
    pub hessian_colors: usize,
    /// Hessian columns denser than the rest, one Hessian-vector product each.
    pub hessian_dense_columns: usize,
}

impl SparsityReport {
    /// Sweeps per Jacobian evaluation (colors plus dense rows).
    pub fn jacobian_sweeps(&self) -> usize {
        self.jacobian_colors + self.jacobian_dense_rows
    }

    /// Hessian-vector products per Hessian evaluation.
    pub fn hessian_sweeps(&self) -> usize {
        self.hessian_colors + self.hessian_dense_columns
    }
}

impl std::fmt::Display for SparsityReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Jacobian: {} nonzeros, {} sweeps ({} colors, {} dense rows); \
             Hessian: {} nonzeros (lower), {} sweeps ({} colors, {} dense columns)",
            self.jacobian_nnz,
            self.jacobian_sweeps(),
            self.jacobian_colors,
            self.jacobian_dense_rows,
            self.hessian_nnz,
            self.hessian_sweeps(),
            self.hessian_colors,
            self.hessian_dense_columns
        )
    }
}

/// A problem whose objective and constraints are recorded in one [`Tape`].
///
/// Tape outputs, in order: f, then g = lhs − rhs of every constraint, then
/// lhs and rhs of every constraint (for the relative feasibility test). A
/// range `lo <= e <= hi` is recorded as lhs = e, rhs = 0, so its g and its
/// magnitude are those of e; its ends live beside the tape, with the bounds.
/// Evaluations at the same point share one forward sweep.
pub struct CompiledProblem {
    tape: Tape,
    sense: Sense,
    layout: Layout,
    start: Vec<f64>,
    /// Variable bounds (x_L, x_U), ±∞ where none.
    bounds: (Vec<f64>, Vec<f64>),
    /// Constraint ends (g_L, g_U), ±∞ where none.
    ends: (Vec<f64>, Vec<f64>),
    /// Number of elements of each constraint's lhs and rhs output (1 when a
    /// side is a scalar broadcast against the other).
    side_lens: Vec<(usize, usize)>,
    /// The point of the last forward sweep, if any.
    evaluated_at: Option<Vec<f64>>,
    /// Seed over the tape outputs, reused for every reverse sweep.
    seed: Vec<f64>,
    /// Scratch gradient over the inputs.
    scratch: Vec<f64>,
    /// Sparse derivatives, detected on first use.
    sparse: Option<Sparse>,
    /// Scratch values for scattering sparse derivatives into dense matrices.
    sparse_values: Vec<f64>,
}

impl CompiledProblem {
    pub(super) fn new(problem: Problem) -> Result<Self, ProblemError> {
        let (sense, objective) = problem.objective.ok_or(ProblemError::MissingObjective)?;
        if !objective.shape().is_empty() {
            return Err(ProblemError::ObjectiveNotScalar {
                shape: objective.shape().to_vec(),
            });
        }

        let mut layout = Layout::default();
        let mut start = Vec::new();
        let mut names = HashSet::new();
        for v in &problem.variables {
            check_unique(&mut names, &v.name, "variable")?;
            if let Some((index, &value)) = v.start.iter().enumerate().find(|(_, s)| !s.is_finite())
            {
                return Err(ProblemError::NonFiniteStart {
                    name: v.name.clone(),
                    index,
                    value,
                });
            }
            layout.variables.push(VariableLayout {
                name: v.name.clone(),
                shape: v.tensor.shape().to_vec(),
                offset: start.len(),
                len: v.start.len(),
            });
            start.extend_from_slice(&v.start);
        }

        let bounds = resolve(&problem.variables, &problem.bounds)?;
        let mut ends = (Vec::new(), Vec::new());
        let mut residuals = Vec::with_capacity(problem.constraints.len());
        let mut side_lens = Vec::with_capacity(problem.constraints.len());
        let mut offset = 0;
        names.clear();
        for c in &problem.constraints {
            check_unique(&mut names, &c.name, "constraint")?;
            let (lhs, rhs) = (c.lhs.shape().to_vec(), c.rhs.shape().to_vec());
            let shape = if lhs == rhs || rhs.is_empty() {
                lhs.clone()
            } else if lhs.is_empty() {
                rhs.clone()
            } else {
                return Err(ProblemError::ConstraintShape {
                    name: c.name.clone(),
                    lhs,
                    rhs,
                });
            };
            let residual = &c.lhs - &c.rhs;
            let len = residual.numel();
            push_ends(c, len, &mut ends.0, &mut ends.1)?;
            layout.constraints.push(ConstraintLayout {
                name: c.name.clone(),
                kind: c.kind,
                shape,
                offset,
                len,
            });
            side_lens.push((c.lhs.numel(), c.rhs.numel()));
            offset += len;
            residuals.push(residual);
        }

        let inputs: Vec<&Tensor> = problem.variables.iter().map(|v| &v.tensor).collect();
        let mut outputs: Vec<&Tensor> = vec![&objective];
        outputs.extend(residuals.iter());
        for c in &problem.constraints {
            outputs.push(&c.lhs);
            outputs.push(&c.rhs);
        }
        let tape =
            Tape::record(&inputs, &outputs).map_err(|e| ProblemError::Record(e.to_string()))?;
        let n = start.len();
        let seed = vec![0.0; tape.num_outputs()];
        Ok(Self {
            tape,
            sense,
            layout,
            start,
            bounds,
            ends,
            side_lens,
            evaluated_at: None,
            seed,
            scratch: vec![0.0; n],
            sparse: None,
            sparse_values: Vec::new(),
        })
    }

    /// The sparse Jacobian and Hessian, detected on first call: Jacobian rows
    /// are g (tape outputs 1..1+m), the Hessian is that of any σ f − Σ λᵢ gᵢ.
    fn sparse(&mut self) -> &mut Sparse {
        let m = self.num_g();
        let tape = &self.tape;
        self.sparse
            .get_or_insert_with(|| tape.sparse_derivatives(1..1 + m, 0..1 + m))
    }

    /// The structure of the problem's derivatives and the number of sweeps
    /// that evaluate them (detected on first call, then cached).
    ///
    /// # Errors
    /// When the derivatives are too dense for sparse detection
    /// ([`SparsityError::TooDense`]); the dense methods still work.
    pub fn sparsity_report(&mut self) -> Result<SparsityReport, SparsityError> {
        let (jac, hess) = self.sparse().as_ref().map_err(Clone::clone)?;
        Ok(SparsityReport {
            jacobian_nnz: jac.pattern().nnz(),
            jacobian_colors: jac.num_colors(),
            jacobian_dense_rows: jac.num_reverse_rows(),
            hessian_nnz: hess.pattern().nnz(),
            hessian_colors: hess.num_colors(),
            hessian_dense_columns: hess.num_dense_columns(),
        })
    }

    /// Fills the tape seed for the Lagrangian σ f − Σ λᵢ gᵢ.
    fn lagrangian_seed(&mut self, objective_factor: f64, lambda: &[f64]) {
        self.seed.fill(0.0);
        self.seed[0] = objective_factor;
        for (s, &l) in self.seed[1..1 + lambda.len()].iter_mut().zip(lambda) {
            *s = -l;
        }
    }

    /// Where each named variable and constraint lives in x, g and λ.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The recorded tape (inputs: x; outputs: f, g, then each constraint's sides).
    pub fn tape(&self) -> &Tape {
        &self.tape
    }

    /// Runs the forward sweep at `x` unless the last one was at the same point.
    fn evaluate(&mut self, x: &[f64]) {
        assert_eq!(
            x.len(),
            self.start.len(),
            "point has {} elements, the problem has {} variables",
            x.len(),
            self.start.len()
        );
        if self.evaluated_at.as_deref() != Some(x) {
            self.tape.forward(x);
            match &mut self.evaluated_at {
                Some(at) => at.copy_from_slice(x),
                None => self.evaluated_at = Some(x.to_vec()),
            }
        }
    }

    fn num_g(&self) -> usize {
        self.layout.num_constraints()
    }
}

/// Records `name` as seen; an error if it was seen before.
fn check_unique<'a>(
    seen: &mut HashSet<&'a str>,
    name: &'a str,
    kind: &'static str,
) -> Result<(), ProblemError> {
    if !seen.insert(name) {
        return Err(ProblemError::DuplicateName {
            kind,
            name: name.to_string(),
        });
    }
    Ok(())
}

impl NlpProblem for CompiledProblem {
    fn num_variables(&self) -> usize {
        self.start.len()
    }

    fn num_constraints(&self) -> usize {
        self.num_g()
    }

    fn sense(&self) -> Sense {
        self.sense
    }

    fn start(&self) -> Vec<f64> {
        self.start.clone()
    }

    fn variable_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.copy_from_slice(&self.bounds.0);
        upper.copy_from_slice(&self.bounds.1);
    }

    fn constraint_bounds(&self, lower: &mut [f64], upper: &mut [f64]) {
        lower.copy_from_slice(&self.ends.0);
        upper.copy_from_slice(&self.ends.1);
    }

    fn objective(&mut self, x: &[f64]) -> f64 {
        self.evaluate(x);
        self.tape.outputs()[0]
    }

    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        self.evaluate(x);
        self.seed.fill(0.0);
        self.seed[0] = 1.0;
        self.tape.vjp(&self.seed, grad);
    }

    fn constraints(&mut self, x: &[f64], values: &mut [f64]) {
        self.evaluate(x);
        let m = self.num_g();
        values.copy_from_slice(&self.tape.outputs()[1..1 + m]);
    }

    fn constraint_magnitudes(&mut self, x: &[f64], magnitudes: &mut [f64]) {
        self.evaluate(x);
        let out = self.tape.outputs();
        // Sides follow f and g: lhs₀, rhs₀, lhs₁, rhs₁, ...; a scalar side is
        // broadcast over the constraint's elements.
        let mut side = 1 + self.num_g();
        for (c, &(lhs_len, rhs_len)) in self.layout.constraints.iter().zip(&self.side_lens) {
            let lhs = &out[side..side + lhs_len];
            let rhs = &out[side + lhs_len..side + lhs_len + rhs_len];
            for k in 0..c.len {
                let l = lhs[if lhs_len == 1 { 0 } else { k }];
                let r = rhs[if rhs_len == 1 { 0 } else { k }];
                magnitudes[c.offset + k] = l.abs().max(r.abs());
            }
            side += lhs_len + rhs_len;
        }
    }

    fn jacobian(&mut self, x: &[f64], mut jac: MatMut<'_, f64>) {
        self.evaluate(x);
        let (m, n) = (self.num_g(), self.start.len());
        if m.min(n) > DENSE_SWEEPS_WITHOUT_DETECTION {
            let mut values = std::mem::take(&mut self.sparse_values);
            self.sparse();
            let done = match &mut self.sparse {
                Some(Ok((j, _))) if j.num_sweeps() < m.min(n) => {
                    values.resize(j.pattern().nnz(), 0.0);
                    j.evaluate(&mut self.tape, &mut values);
                    jac.fill(0.0);
                    for ((r, c), &v) in j.pattern().entries().zip(&values) {
                        jac[(r, c)] = v;
                    }
                    true
                }
                _ => false,
            };
            self.sparse_values = values;
            if done {
                return;
            }
        }
        if m <= n {
            // One reverse sweep per constraint row.
            for i in 0..m {
                self.seed.fill(0.0);
                self.seed[1 + i] = 1.0;
                self.tape.vjp(&self.seed, &mut self.scratch);
                for (j, &d) in self.scratch.iter().enumerate() {
                    jac[(i, j)] = d;
                }
            }
        } else {
            // More rows than columns: one forward (tangent) sweep per variable.
            let mut direction = vec![0.0; n];
            let mut column = vec![0.0; self.tape.num_outputs()];
            for j in 0..n {
                direction[j] = 1.0;
                self.tape.jvp(&direction, &mut column);
                direction[j] = 0.0;
                for i in 0..m {
                    jac[(i, j)] = column[1 + i];
                }
            }
        }
    }

    fn hessian_of_lagrangian(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        hess: MatMut<'_, f64>,
    ) {
        self.evaluate(x);
        // ∇²(σ f − Σ λᵢ gᵢ): seed σ on f and −λ on g, nothing on the sides.
        self.lagrangian_seed(objective_factor, lambda);
        let n = self.start.len();
        let mut hess = hess;
        if n > DENSE_SWEEPS_WITHOUT_DETECTION {
            let mut values = std::mem::take(&mut self.sparse_values);
            let seed = std::mem::take(&mut self.seed);
            self.sparse();
            let done = match &mut self.sparse {
                Some(Ok((_, h))) if h.num_sweeps() < n => {
                    values.resize(h.pattern().nnz(), 0.0);
                    h.evaluate(&mut self.tape, &seed, &mut values);
                    hess.fill(0.0);
                    for ((r, c), &v) in h.pattern().entries().zip(&values) {
                        hess[(r, c)] = v;
                        hess[(c, r)] = v;
                    }
                    true
                }
                _ => false,
            };
            self.seed = seed;
            self.sparse_values = values;
            if done {
                return;
            }
        }
        self.tape.hessian(&self.seed, hess);
    }

    fn jacobian_pattern(&mut self) -> Option<SparsityPattern> {
        self.sparse()
            .as_ref()
            .ok()
            .map(|(j, _)| coordinates(j.pattern()))
    }

    fn jacobian_values(&mut self, x: &[f64], values: &mut [f64]) {
        self.evaluate(x);
        self.sparse();
        match &mut self.sparse {
            Some(Ok((jac, _))) => jac.evaluate(&mut self.tape, values),
            _ => panic!("jacobian_values called on a problem whose jacobian_pattern is None"),
        }
    }

    fn hessian_pattern(&mut self) -> Option<SparsityPattern> {
        self.sparse()
            .as_ref()
            .ok()
            .map(|(_, h)| coordinates(h.pattern()))
    }

    fn hessian_values(
        &mut self,
        x: &[f64],
        objective_factor: f64,
        lambda: &[f64],
        values: &mut [f64],
    ) {
        self.evaluate(x);
        self.lagrangian_seed(objective_factor, lambda);
        let seed = std::mem::take(&mut self.seed);
        self.sparse();
        match &mut self.sparse {
            Some(Ok((_, hess))) => hess.evaluate(&mut self.tape, &seed, values),
            _ => panic!("hessian_values called on a problem whose hessian_pattern is None"),
        }
        self.seed = seed;
    }
}

/// The solver's coordinate form of a detected pattern (same entry order).
fn coordinates(p: &NonzeroPattern) -> SparsityPattern {
    let (rows, cols) = p.entries().unzip();
    SparsityPattern {
        nrows: p.nrows(),
        ncols: p.ncols(),
        rows,
        cols,
    }
}
