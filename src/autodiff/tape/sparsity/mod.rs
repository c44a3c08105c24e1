//! Sparse derivatives of a [`Tape`]: structure detection and compressed
//! evaluation.
//!
//! - `index_sets`, `detect`: the Jacobian's and the Hessian's structural
//!   nonzeros, found once from the recorded program by index-set
//!   propagation (no evaluation, linear in the program size);
//! - `coloring`: which columns can share one sweep;
//! - `plan`, [`SparseJacobian`], [`SparseHessian`]: the sweeps (tangent
//!   sweeps per column color, reverse sweeps for dense rows,
//!   Hessian-vector products per color of the Hessian's columns) and where
//!   each entry is read back.
//!
//! This module sees the tape's program and buffers but changes neither the
//! program nor the sweeps: it only chooses seeds and reads results.

mod coloring;
mod detect;
mod index_sets;
mod plan;

use super::Tape;
use plan::Plan;
use std::ops::Range;
use thiserror::Error;

/// Largest number of index-set entries or Hessian interactions the
/// detection builds before it gives up (about 1 GiB of memory): past that
/// the derivatives are too dense for sparse storage to pay.
pub const DEFAULT_SPARSITY_LIMIT: usize = 1 << 27;

/// Values per tangent buffer that batched sweeps may use; the number of
/// directions per sweep is this divided by the number of registers (at
/// least 1, at most 8), so batching never costs more than 2 × 128 MiB.
const BATCH_BUDGET: usize = 1 << 24;

/// Why sparsity detection gave up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SparsityError {
    /// The derivatives have more structural nonzeros than the limit allows.
    #[error(
        "the {what} exceed {limit} entries: the derivatives are too dense for sparse \
         evaluation; use the dense Jacobian and Hessian"
    )]
    TooDense {
        /// Which structure overflowed ("index sets", "Hessian interactions").
        what: &'static str,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// An output range does not fit the tape.
    #[error("{what} outputs {start}..{end} are out of range for a tape with {outputs} outputs")]
    OutputRange {
        /// Which range ("Jacobian", "Hessian").
        what: &'static str,
        /// Range start.
        start: usize,
        /// Range end.
        end: usize,
        /// Number of outputs of the tape.
        outputs: usize,
    },
}

/// The structural nonzeros of a sparse matrix, in the order in which
/// [`SparseJacobian::evaluate`] and [`SparseHessian::evaluate`] write their
/// values: compressed by rows (Jacobians: row by row, columns ascending) or
/// by columns (Hessians: column by column, rows ascending).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonzeroPattern {
    nrows: usize,
    ncols: usize,
    by_rows: bool,
    ptr: Vec<usize>,
    idx: Vec<u32>,
}

impl NonzeroPattern {
    /// Number of rows of the matrix.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns of the matrix.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// Number of structural nonzeros.
    pub fn nnz(&self) -> usize {
        self.idx.len()
    }

    /// The (row, column) of every nonzero, in value order.
    pub fn entries(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.ptr.len() - 1).flat_map(move |o| {
            self.idx[self.ptr[o]..self.ptr[o + 1]]
                .iter()
                .map(move |&i| {
                    if self.by_rows {
                        (o, i as usize)
                    } else {
                        (i as usize, o)
                    }
                })
        })
    }

    /// Whether (row, col) is a structural nonzero.
    pub fn contains(&self, row: usize, col: usize) -> bool {
        let (o, i) = if self.by_rows { (row, col) } else { (col, row) };
        o + 1 < self.ptr.len()
            && self.idx[self.ptr[o]..self.ptr[o + 1]]
                .binary_search(&(i as u32))
                .is_ok()
    }
}

/// How many directions one batched sweep may carry on a tape of `regs`
/// registers, for `total` directions in all (in one sweep when they are
/// few and the memory budget allows).
fn max_dirs(regs: usize, total: usize) -> usize {
    let budget = BATCH_BUDGET / regs.max(1);
    super::directions_per_sweep(total, budget, budget.clamp(1, 8))
}

/// Sets direction `d`'s input tangents to the sum of the unit vectors `seeds`.
fn seed_direction(tape: &mut Tape, d: usize, seeds: &[u32]) {
    let n = tape.vals.len();
    let t = &mut tape.tan[d * n..d * n + tape.prog.num_inputs];
    t.fill(0.0);
    for &j in seeds {
        t[j as usize] = 1.0;
    }
}

/// Compressed evaluation of the Jacobian of a range of a tape's outputs
/// with respect to all its inputs.
///
/// Columns are grouped by a distance-2 coloring and each group costs one
/// tangent (JVP) sweep seeded with the sum of its unit vectors; rows much
/// denser than the rest (a `dot(x, x) = 1` constraint among chain links)
/// are taken out first and cost one reverse (VJP) sweep each. Tangent
/// sweeps are batched up to 8 directions, memory permitting.
///
/// ```
/// use lagrange::autodiff::{Tape, Tensor};
/// let x = Tensor::vector(vec![1.0, 2.0, 3.0, 4.0]).requires_grad();
/// let d = x.slice(1, 4) - x.slice(0, 3); // bidiagonal Jacobian
/// let mut tape = Tape::record(&[&x], &[&d]).unwrap();
/// let (mut jac, _) = tape.sparse_derivatives(0..3, 0..0).unwrap();
/// assert_eq!(jac.pattern().nnz(), 6);
/// assert_eq!(jac.num_sweeps(), 2);
/// let mut values = vec![0.0; 6];
/// tape.forward(&[0.0, 1.0, 4.0, 9.0]);
/// jac.evaluate(&mut tape, &mut values);
/// assert_eq!(values, vec![-1.0, 1.0, -1.0, 1.0, -1.0, 1.0]);
/// ```
#[derive(Clone, Debug)]
pub struct SparseJacobian {
    pattern: NonzeroPattern,
    /// Column colors: seeds are inputs, reads are (value, tape output).
    forward: Plan,
    /// Dense rows: seeds are one tape output each, reads are (value, input).
    reverse: Plan,
    num_colors: usize,
    shape: (usize, usize, usize),
    seed: Vec<f64>,
}

impl SparseJacobian {
    /// The structural nonzeros (rows: the outputs of the range, in order;
    /// columns: the inputs), row by row.
    pub fn pattern(&self) -> &NonzeroPattern {
        &self.pattern
    }

    /// Number of column colors (tangent directions).
    pub fn num_colors(&self) -> usize {
        self.num_colors
    }

    /// Number of rows computed by their own reverse sweep.
    pub fn num_reverse_rows(&self) -> usize {
        self.reverse.len()
    }

    /// Directions per evaluation: colors plus reverse rows.
    pub fn num_sweeps(&self) -> usize {
        self.num_colors + self.reverse.len()
    }

    /// Writes the Jacobian's values at the point of the tape's last forward
    /// sweep into `values`, in the order of [`pattern`](Self::pattern).
    ///
    /// # Panics
    /// When `tape` is not the tape this was detected on (other sizes) or
    /// `values.len() != pattern().nnz()`.
    pub fn evaluate(&mut self, tape: &mut Tape, values: &mut [f64]) {
        check_tape(self.shape, tape);
        assert_eq!(
            values.len(),
            self.pattern.nnz(),
            "values has {} entries, the Jacobian pattern {}",
            values.len(),
            self.pattern.nnz()
        );
        let n = tape.vals.len();
        let max = max_dirs(n, self.forward.len());
        let mut d0 = 0;
        while d0 < self.forward.len() {
            let dirs = max.min(self.forward.len() - d0);
            tape.ensure_dirs(dirs);
            for d in 0..dirs {
                seed_direction(tape, d, self.forward.seeds(d0 + d));
            }
            super::eval::tangent_forward(
                &tape.prog,
                &tape.vals,
                &mut tape.tan,
                dirs,
                n,
                &mut tape.partials,
            );
            for d in 0..dirs {
                let tan = &tape.tan[d * n..(d + 1) * n];
                for (pos, o) in self.forward.reads(d0 + d) {
                    values[pos] = tan[tape.prog.outputs[o as usize]];
                }
            }
            d0 += dirs;
        }
        for r in 0..self.reverse.len() {
            let o = self.reverse.seeds(r)[0] as usize;
            self.seed[o] = 1.0;
            tape.seed_adjoints(&self.seed);
            self.seed[o] = 0.0;
            super::eval::reverse(&tape.prog, &tape.vals, &mut tape.adj);
            for (pos, j) in self.reverse.reads(r) {
                values[pos] = tape.adj[j as usize];
            }
        }
    }
}

/// Compressed evaluation of the Hessian Σₖ seedₖ ∇²yₖ of any weighted sum
/// of a range of a tape's outputs (a Lagrangian), lower triangle.
///
/// Columns are grouped by a distance-2 coloring of the Hessian's graph and
/// each group costs one Hessian-vector product; columns much denser than
/// the rest (the hub of an arrowhead) are taken out first and cost one
/// Hessian-vector product each, which also gives their row.
///
/// ```
/// use lagrange::autodiff::{Tape, Tensor};
/// let x = Tensor::vector(vec![1.0, 2.0, 3.0]).requires_grad();
/// let f = (&x * &x).sum() * x.index(0); // x₀ Σ xᵢ²: arrowhead on x₀
/// let mut tape = Tape::record(&[&x], &[&f]).unwrap();
/// let (_, mut hess) = tape.sparse_derivatives(0..0, 0..1).unwrap();
/// assert_eq!(hess.pattern().nnz(), 5); // (0,0) (1,0) (2,0) (1,1) (2,2)
/// assert_eq!(hess.num_sweeps(), 2);
/// let mut h = vec![0.0; 5];
/// hess.evaluate(&mut tape, &[1.0], &mut h);
/// assert_eq!(h, vec![6.0, 4.0, 6.0, 2.0, 2.0]);
/// ```
#[derive(Clone, Debug)]
pub struct SparseHessian {
    pattern: NonzeroPattern,
    /// Colors then hub columns: seeds are inputs, reads are (value, input).
    plan: Plan,
    num_colors: usize,
    num_hubs: usize,
    shape: (usize, usize, usize),
}

impl SparseHessian {
    /// The structural nonzeros of the lower triangle (row ≥ column), column
    /// by column; valid for every seed supported on the output range.
    pub fn pattern(&self) -> &NonzeroPattern {
        &self.pattern
    }

    /// Number of column colors.
    pub fn num_colors(&self) -> usize {
        self.num_colors
    }

    /// Number of dense columns computed by their own product.
    pub fn num_dense_columns(&self) -> usize {
        self.num_hubs
    }

    /// Hessian-vector products per evaluation: colors plus dense columns.
    pub fn num_sweeps(&self) -> usize {
        self.num_colors + self.num_hubs
    }

    /// Writes the lower triangle of Σₖ seedₖ ∇²yₖ at the point of the tape's
    /// last forward sweep into `values`, in the order of
    /// [`pattern`](Self::pattern). `seed` has one weight per tape output;
    /// outputs outside the detected range must have weight 0.
    ///
    /// # Panics
    /// When `tape` is not the tape this was detected on, or the lengths of
    /// `seed` or `values` are wrong.
    pub fn evaluate(&mut self, tape: &mut Tape, seed: &[f64], values: &mut [f64]) {
        check_tape(self.shape, tape);
        tape.check("seed", tape.num_outputs(), seed.len());
        assert_eq!(
            values.len(),
            self.pattern.nnz(),
            "values has {} entries, the Hessian pattern {}",
            values.len(),
            self.pattern.nnz()
        );
        let n = tape.vals.len();
        let max = max_dirs(n, self.plan.len());
        let mut d0 = 0;
        while d0 < self.plan.len() {
            let dirs = max.min(self.plan.len() - d0);
            tape.ensure_dirs(dirs);
            for d in 0..dirs {
                seed_direction(tape, d, self.plan.seeds(d0 + d));
            }
            tape.hvp_sweeps(seed, dirs);
            for d in 0..dirs {
                let hv = &tape.adj_tan[d * n..(d + 1) * n];
                for (pos, i) in self.plan.reads(d0 + d) {
                    values[pos] = hv[i as usize];
                }
            }
            d0 += dirs;
        }
    }
}

/// Panics unless `tape` has the (registers, inputs, outputs) seen at detection.
fn check_tape(shape: (usize, usize, usize), tape: &Tape) {
    let found = (tape.vals.len(), tape.num_inputs(), tape.num_outputs());
    assert!(
        shape == found,
        "sparse derivatives detected on a tape with (registers, inputs, outputs) = {shape:?} \
         evaluated on a tape with {found:?}"
    );
}

impl Tape {
    /// Detects the structure of the Jacobian of outputs `jacobian_outputs`
    /// (rows) with respect to the inputs, and of the Hessian of any weighted
    /// sum of outputs `hessian_outputs`, and plans their compressed
    /// evaluation. Either range may be empty.
    ///
    /// Linear in the size of the program plus the sizes of the dependency
    /// sets and interactions it finds; never evaluates anything.
    ///
    /// # Errors
    /// [`SparsityError::OutputRange`] for a range past the outputs;
    /// [`SparsityError::TooDense`] when the structures exceed
    /// [`DEFAULT_SPARSITY_LIMIT`] entries.
    pub fn sparse_derivatives(
        &self,
        jacobian_outputs: Range<usize>,
        hessian_outputs: Range<usize>,
    ) -> Result<(SparseJacobian, SparseHessian), SparsityError> {
        self.sparse_derivatives_with_limit(
            jacobian_outputs,
            hessian_outputs,
            DEFAULT_SPARSITY_LIMIT,
        )
    }

    /// [`sparse_derivatives`](Tape::sparse_derivatives) with a chosen limit
    /// on the entries the detection may build.
    ///
    /// # Errors
    /// As [`sparse_derivatives`](Tape::sparse_derivatives).
    pub fn sparse_derivatives_with_limit(
        &self,
        jacobian_outputs: Range<usize>,
        hessian_outputs: Range<usize>,
        limit: usize,
    ) -> Result<(SparseJacobian, SparseHessian), SparsityError> {
        let outputs = self.num_outputs();
        for (what, r) in [
            ("Jacobian", &jacobian_outputs),
            ("Hessian", &hessian_outputs),
        ] {
            if r.start > r.end || r.end > outputs {
                return Err(SparsityError::OutputRange {
                    what,
                    start: r.start,
                    end: r.end,
                    outputs,
                });
            }
        }
        // Constants are never rewritten, so the register file holds their values.
        let found = detect::detect(
            &self.prog,
            &self.vals,
            jacobian_outputs.clone(),
            hessian_outputs,
            limit,
        )?;
        let shape = (self.vals.len(), self.num_inputs(), outputs);
        let n = self.num_inputs();
        let jac = plan::jacobian(&found.jac_ptr, &found.jac_cols, n, jacobian_outputs.start);
        let jacobian = SparseJacobian {
            pattern: NonzeroPattern {
                nrows: jacobian_outputs.len(),
                ncols: n,
                by_rows: true,
                ptr: found.jac_ptr,
                idx: found.jac_cols,
            },
            forward: jac.forward,
            reverse: jac.reverse,
            num_colors: jac.num_colors,
            shape,
            seed: vec![0.0; outputs],
        };
        let hess = plan::hessian(&found.hess_ptr, &found.hess_rows, n);
        let hessian = SparseHessian {
            pattern: NonzeroPattern {
                nrows: n,
                ncols: n,
                by_rows: false,
                ptr: found.hess_ptr,
                idx: found.hess_rows,
            },
            plan: hess.plan,
            num_colors: hess.num_colors,
            num_hubs: hess.num_hubs,
            shape,
        };
        Ok((jacobian, hessian))
    }
}
