//! [`Tape`]: an eager graph compiled once into a flat program, re-evaluated
//! at new points without recording, allocation or reference counting — the
//! path the solver takes every iteration.
//!
//! - `instr`: the instruction representation (scalar fast path, tensor ops);
//! - `record`: compiling a graph (constants baked in, aliases, folding);
//! - `eval`: the sweeps (values, adjoints, tangents, HVPs);
//! - `tiled`: tile-by-tile execution of runs of large elementwise ops.

mod batched;
mod eval;
pub(crate) mod instr;
mod record;
mod sparsity;
mod tiled;

use crate::autodiff::error::AutodiffError;
use crate::autodiff::graph::with_arena;
use crate::autodiff::ops::par;
use crate::autodiff::tensor::Tensor;
use faer::{MatMut, MatRef};
use instr::Program;
pub use sparsity::{
    NonzeroPattern, SparseHessian, SparseJacobian, SparsityError, DEFAULT_SPARSITY_LIMIT,
};

/// Directions per sweep when a Hessian or Jacobian is built from HVPs/JVPs.
const BATCH: usize = 8;
/// Up to this many directions in all, a Hessian or sparse derivative takes
/// them in one sweep instead of sweeps of [`BATCH`]: a last, short sweep
/// costs nearly the per-instruction work of a full one (measurement in
/// `docs/benchmarks.md`).
/// Every direction's arithmetic is the same in any batch (see `batched`),
/// so the results do not change.
const ONE_SWEEP_MAX: usize = 2 * BATCH;

/// Directions per sweep for `total` directions: all of them when there are
/// at most [`ONE_SWEEP_MAX`] and `cap_one` allows, else at most `cap`.
fn directions_per_sweep(total: usize, cap_one: usize, cap: usize) -> usize {
    if total <= ONE_SWEEP_MAX.min(cap_one) {
        total.max(1)
    } else {
        cap
    }
}

/// A recorded graph compiled for fast re-evaluation.
///
/// The inputs (leaf tensors with `requires_grad`) are flattened in order into
/// one vector x of length [`num_inputs`](Tape::num_inputs); the outputs
/// likewise into one vector y of length [`num_outputs`](Tape::num_outputs).
/// Everything else the outputs depend on (parameters, tensors without grad)
/// is a constant, baked in at record time.
///
/// Call [`forward`](Tape::forward) at a point, then any of
/// [`vjp`](Tape::vjp), [`jvp`](Tape::jvp), [`hvp`](Tape::hvp),
/// [`hessian`](Tape::hessian), [`jacobian`](Tape::jacobian) at that point.
/// After recording, the tape holds the values of the recording point. All
/// buffers are reused between calls: on a scalar program no call allocates
/// (JVP/HVP buffers are allocated on their first use).
///
/// ```
/// use lagrange::autodiff::{Tape, Tensor};
/// let x = Tensor::vector(vec![1.0, 2.0]).requires_grad();
/// let f = (x.index(0) * x.index(1)).sin(); // sin(x₀x₁)
/// let mut tape = Tape::record(&[&x], &[&f]).unwrap();
/// tape.forward(&[0.5, 3.0]);
/// let mut g = [0.0; 2];
/// tape.vjp(&[1.0], &mut g);
/// let c = 1.5f64.cos();
/// assert!((g[0] - 3.0 * c).abs() < 1e-15 && (g[1] - 0.5 * c).abs() < 1e-15);
/// ```
#[derive(Clone, Debug)]
pub struct Tape {
    pub(crate) prog: Program,
    vals: Vec<f64>,
    adj: Vec<f64>,
    /// Tangents and adjoint tangents, `dirs` directions, direction-major.
    tan: Vec<f64>,
    adj_tan: Vec<f64>,
    dirs: usize,
    outputs: Vec<f64>,
    /// Per-element partials of the batched tangent and HVP rules (sized
    /// with the tangent buffers).
    partials: Vec<f64>,
    /// Scratch for Jacobians and Hessians.
    scratch_in: Vec<f64>,
    scratch_out: Vec<f64>,
}

impl Tape {
    /// Compiles the graph from `inputs` to `outputs`.
    ///
    /// Linear in the size of the graph; the eager graph is left as it was
    /// (record before calling `backward`, or use `retain_graph`).
    ///
    /// # Errors
    /// When an input is not a leaf, does not require grad, or appears twice,
    /// or when the graph was freed by a backward pass.
    pub fn record(inputs: &[&Tensor], outputs: &[&Tensor]) -> Result<Tape, AutodiffError> {
        let ins: Vec<u32> = inputs.iter().map(|t| t.id).collect();
        let outs: Vec<u32> = outputs.iter().map(|t| t.id).collect();
        let mut prog = with_arena(|ar| record::record(ar, &ins, &outs))?;
        tiled::tile(&mut prog);
        // The register file starts as the recorded values (constants stay).
        let vals = std::mem::take(&mut prog.init);
        let n = vals.len();
        let mut tape = Tape {
            vals,
            adj: vec![0.0; n],
            tan: Vec::new(),
            adj_tan: Vec::new(),
            dirs: 0,
            outputs: vec![0.0; prog.outputs.len()],
            partials: Vec::new(),
            scratch_in: Vec::new(),
            scratch_out: Vec::new(),
            prog,
        };
        tape.gather_outputs();
        Ok(tape)
    }

    /// Length of the flattened input vector x.
    pub fn num_inputs(&self) -> usize {
        self.prog.num_inputs
    }

    /// Length of the flattened output vector y.
    pub fn num_outputs(&self) -> usize {
        self.prog.outputs.len()
    }

    /// Number of instructions (scalar and tensor) the tape runs per sweep.
    pub fn num_instructions(&self) -> usize {
        self.prog.scalar.len() + self.prog.tensor.len()
    }

    /// Number of f64 registers (inputs, constants, results).
    pub fn num_registers(&self) -> usize {
        self.vals.len()
    }

    fn gather_outputs(&mut self) {
        for (o, &r) in self.outputs.iter_mut().zip(&self.prog.outputs) {
            *o = self.vals[r];
        }
    }

    fn check(&self, what: &'static str, expected: usize, found: usize) {
        assert!(
            expected == found,
            "{}",
            AutodiffError::WrongLength {
                what,
                expected,
                found
            }
        );
    }

    /// Evaluates the outputs at x (read them with [`outputs`](Tape::outputs)).
    ///
    /// # Panics
    /// When `x.len() != num_inputs()`.
    pub fn forward(&mut self, x: &[f64]) {
        self.check("x", self.num_inputs(), x.len());
        par::copy(&mut self.vals[..x.len()], x);
        eval::forward(&self.prog, &mut self.vals);
        self.gather_outputs();
    }

    /// The outputs of the last [`forward`](Tape::forward) (or of the
    /// recording point).
    pub fn outputs(&self) -> &[f64] {
        &self.outputs
    }

    /// Seeds the adjoints with `seed` after zeroing them.
    fn seed_adjoints(&mut self, seed: &[f64]) {
        self.prog.zero_dynamic(&mut self.adj);
        for (&r, &s) in self.prog.outputs.iter().zip(seed) {
            self.adj[r] += s;
        }
    }

    /// Vector-Jacobian product: `grad = seedᵀ J` at the point of the last
    /// forward (for one output and `seed = [1]`, the gradient).
    ///
    /// # Panics
    /// When `seed.len() != num_outputs()` or `grad.len() != num_inputs()`.
    pub fn vjp(&mut self, seed: &[f64], grad: &mut [f64]) {
        self.check("seed", self.num_outputs(), seed.len());
        self.check("grad", self.num_inputs(), grad.len());
        self.seed_adjoints(seed);
        eval::reverse(&self.prog, &self.vals, &mut self.adj);
        par::copy(grad, &self.adj[..grad.len()]);
    }

    /// Forward then gradient of a one-output tape; returns f(x).
    ///
    /// # Panics
    /// When the tape does not have exactly one output or the lengths differ.
    pub fn gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        assert!(
            self.num_outputs() == 1,
            "gradient() needs a tape with one output, this one has {}; use vjp",
            self.num_outputs()
        );
        self.forward(x);
        self.vjp(&[1.0], grad);
        self.outputs[0]
    }

    fn ensure_dirs(&mut self, dirs: usize) {
        if self.dirs < dirs {
            let n = self.vals.len();
            self.tan = vec![0.0; dirs * n];
            self.adj_tan = vec![0.0; dirs * n];
            self.dirs = dirs;
            if dirs > 1 && self.partials.is_empty() {
                self.partials = vec![0.0; batched::scratch_len(&self.prog)];
            }
        }
    }

    /// Sets direction `d`'s input tangents.
    fn set_direction(&mut self, d: usize, v: impl Iterator<Item = f64>) {
        let n = self.vals.len();
        for (t, x) in self.tan[d * n..d * n + self.prog.num_inputs]
            .iter_mut()
            .zip(v)
        {
            *t = x;
        }
    }

    /// Jacobian-vector product: `out = J v` (directional derivative of the
    /// outputs along v) at the point of the last forward.
    ///
    /// # Panics
    /// When `v.len() != num_inputs()` or `out.len() != num_outputs()`.
    pub fn jvp(&mut self, v: &[f64], out: &mut [f64]) {
        self.check("v", self.num_inputs(), v.len());
        self.check("out", self.num_outputs(), out.len());
        self.ensure_dirs(1);
        self.set_direction(0, v.iter().copied());
        let n = self.vals.len();
        eval::tangent_forward(&self.prog, &self.vals, &mut self.tan, 1, n, &mut []);
        for (o, &r) in out.iter_mut().zip(&self.prog.outputs) {
            *o = self.tan[r];
        }
    }

    /// The tangents of every register for the first `dirs` directions
    /// already set in `tan` (batched rules with the `partials` scratch).
    fn tangent_sweep(&mut self, dirs: usize) {
        let n = self.vals.len();
        eval::tangent_forward(
            &self.prog,
            &self.vals,
            &mut self.tan,
            dirs,
            n,
            &mut self.partials,
        );
    }

    /// Runs forward-over-reverse for the first `dirs` directions already
    /// set in `tan`, leaving Σₖ seedₖ ∇²yₖ · vᵈ in `adj_tan`.
    fn hvp_sweeps(&mut self, seed: &[f64], dirs: usize) {
        let n = self.vals.len();
        self.tangent_sweep(dirs);
        self.seed_adjoints(seed);
        // The HVP sweep does not tile: zero the tiled runs' internals too.
        for r in &self.prog.internal {
            self.adj[r.clone()].fill(0.0);
        }
        for d in 0..dirs {
            self.prog
                .zero_dynamic_all(&mut self.adj_tan[d * n..(d + 1) * n]);
        }
        eval::hvp_reverse(
            &self.prog,
            &self.vals,
            &mut self.adj,
            &self.tan,
            &mut self.adj_tan,
            dirs,
            n,
            &mut self.partials,
        );
    }

    /// Hessian-vector product `out = (Σₖ seedₖ ∇²yₖ) v` at the point of the
    /// last forward, by forward-over-reverse (about 2–3 gradient costs; see
    /// the notes in the `eval` module).
    ///
    /// # Panics
    /// When `seed.len() != num_outputs()` or `v`, `out` differ from
    /// `num_inputs()` in length.
    pub fn hvp(&mut self, seed: &[f64], v: &[f64], out: &mut [f64]) {
        self.check("seed", self.num_outputs(), seed.len());
        self.check("v", self.num_inputs(), v.len());
        self.check("out", self.num_inputs(), out.len());
        self.ensure_dirs(1);
        self.set_direction(0, v.iter().copied());
        self.hvp_sweeps(seed, 1);
        out.copy_from_slice(&self.adj_tan[..out.len()]);
    }

    /// Several Hessian-vector products at once: column j of `out` is
    /// (Σₖ seedₖ ∇²yₖ) · (column j of `v`). Shares the value and adjoint work
    /// between up to 8 directions per sweep.
    ///
    /// # Panics
    /// When the shapes do not match (`v`, `out`: num_inputs × m).
    pub fn hvp_batch(&mut self, seed: &[f64], v: MatRef<'_, f64>, mut out: MatMut<'_, f64>) {
        let n_in = self.num_inputs();
        self.check("seed", self.num_outputs(), seed.len());
        self.check("rows of v", n_in, v.nrows());
        self.check("rows of out", n_in, out.nrows());
        self.check("columns of out", v.ncols(), out.ncols());
        let n = self.vals.len();
        let m = v.ncols();
        let mut j0 = 0;
        while j0 < m {
            let dirs = BATCH.min(m - j0);
            self.ensure_dirs(dirs);
            for d in 0..dirs {
                let col = v.col(j0 + d);
                self.set_direction(d, col.iter().copied());
            }
            self.hvp_sweeps(seed, dirs);
            for d in 0..dirs {
                for i in 0..n_in {
                    out[(i, j0 + d)] = self.adj_tan[d * n + i];
                }
            }
            j0 += dirs;
        }
    }

    /// The dense Hessian Σₖ seedₖ ∇²yₖ (num_inputs × num_inputs, both
    /// triangles, symmetrized) at the point of the last forward.
    ///
    /// # Panics
    /// When `seed.len() != num_outputs()` or `out` is not n × n.
    pub fn hessian(&mut self, seed: &[f64], mut out: MatMut<'_, f64>) {
        let n_in = self.num_inputs();
        self.check("seed", self.num_outputs(), seed.len());
        self.check("rows of the Hessian", n_in, out.nrows());
        self.check("columns of the Hessian", n_in, out.ncols());
        let n = self.vals.len();
        let batch = directions_per_sweep(n_in, usize::MAX, BATCH);
        let mut j0 = 0;
        while j0 < n_in {
            let dirs = batch.min(n_in - j0);
            self.ensure_dirs(dirs);
            for d in 0..dirs {
                let j = j0 + d;
                self.set_direction(d, (0..n_in).map(|i| if i == j { 1.0 } else { 0.0 }));
            }
            self.hvp_sweeps(seed, dirs);
            for d in 0..dirs {
                for i in 0..n_in {
                    out[(i, j0 + d)] = self.adj_tan[d * n + i];
                }
            }
            j0 += dirs;
        }
        // Exact arithmetic gives a symmetric matrix; average away rounding.
        for j in 0..n_in {
            for i in 0..j {
                let s = 0.5 * (out[(i, j)] + out[(j, i)]);
                out[(i, j)] = s;
                out[(j, i)] = s;
            }
        }
    }

    /// The dense Jacobian ∂y/∂x (num_outputs × num_inputs) at the point of
    /// the last forward: by rows (one reverse sweep per output) when there
    /// are fewer outputs than inputs, else by columns (batched tangents).
    ///
    /// # Panics
    /// When `out` is not num_outputs × num_inputs.
    pub fn jacobian(&mut self, mut out: MatMut<'_, f64>) {
        let (m, n_in) = (self.num_outputs(), self.num_inputs());
        self.check("rows of the Jacobian", m, out.nrows());
        self.check("columns of the Jacobian", n_in, out.ncols());
        if m <= n_in {
            let mut seed = std::mem::take(&mut self.scratch_out);
            let mut row = std::mem::take(&mut self.scratch_in);
            seed.clear();
            seed.resize(m, 0.0);
            row.clear();
            row.resize(n_in, 0.0);
            for i in 0..m {
                seed[i] = 1.0;
                self.vjp(&seed, &mut row);
                seed[i] = 0.0;
                for (j, &g) in row.iter().enumerate() {
                    out[(i, j)] = g;
                }
            }
            self.scratch_out = seed;
            self.scratch_in = row;
        } else {
            let n = self.vals.len();
            let mut j0 = 0;
            while j0 < n_in {
                let dirs = BATCH.min(n_in - j0);
                self.ensure_dirs(dirs);
                for d in 0..dirs {
                    let j = j0 + d;
                    self.set_direction(d, (0..n_in).map(|i| if i == j { 1.0 } else { 0.0 }));
                }
                self.tangent_sweep(dirs);
                for d in 0..dirs {
                    for (i, &r) in self.prog.outputs.iter().enumerate() {
                        out[(i, j0 + d)] = self.tan[d * n + r];
                    }
                }
                j0 += dirs;
            }
        }
    }
}
