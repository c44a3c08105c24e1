//! The tape's instruction representation.
//!
//! All values live in one flat `Vec<f64>` of registers; an [`Operand`] is a
//! range of it (offset + shape). Instructions are kept in two kinds:
//!
//! - [`ScalarInstr`]: an elementwise op on one-element operands, with
//!   operands as direct register indices; these run in a tight loop with no
//!   slices and one `match` per instruction (the path that decides the cost
//!   of problems written as thousands of scalar expressions);
//! - [`TensorInstr`]: any op on tensors, run through the op's slice rules.
//!
//! [`Block`]s keep program order while grouping consecutive scalar
//! instructions, so a scalar-only program is a single tight loop.
//!
//! Later passes (sparsity detection by index sets, device storage) walk the
//! same lists: an instruction names its operands and its result, nothing
//! else.

use crate::autodiff::ops::{BinaryFn, Op, UnaryFn};
use crate::autodiff::shape::Shape;

/// A range of registers holding one tensor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Operand {
    /// First register.
    pub(crate) off: usize,
    /// Shape (the range has `shape.numel()` registers).
    pub(crate) shape: Shape,
}

impl Operand {
    /// The register range.
    #[inline]
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        self.off..self.off + self.shape.numel()
    }
}

/// The op of a scalar instruction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ScalarOp {
    /// y = f(a) (b unused).
    Unary(UnaryFn),
    /// y = f(a, b).
    Binary(BinaryFn),
}

/// `out = op(a, b)` on single registers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ScalarInstr {
    pub(crate) op: ScalarOp,
    pub(crate) a: u32,
    pub(crate) b: u32,
    pub(crate) out: u32,
}

/// `out = op(args…)` on register ranges.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TensorInstr {
    pub(crate) op: Op,
    pub(crate) args: Vec<Operand>,
    /// Whether each argument depends on the tape's inputs (has a tangent and
    /// receives an adjoint); the others are constants.
    pub(crate) dynamic: Vec<bool>,
    pub(crate) out: Operand,
}

/// A run of the program in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Block {
    /// Scalar instructions `start..end`.
    Scalar { start: usize, end: usize },
    /// One tensor instruction.
    Tensor(usize),
    /// Run `i` of [`Program::runs`]: tensor instructions run tile by tile
    /// (see `tape::tiled`); only in the value and gradient sweeps.
    Tiled(usize),
}

/// A run of elementwise tensor instructions of one length, executed tile by
/// tile in the value and gradient sweeps.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TiledRun {
    /// Tensor instructions `start..end`.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Results read only inside the run (and not tape outputs): their
    /// adjoints are zeroed tile by tile inside the run's reverse sweep
    /// instead of in a separate pass.
    pub(crate) internal: Vec<Operand>,
    /// A full sum of one of the run's results right after it, folded into
    /// the run (see `tape::tiled`).
    pub(crate) sum: Option<TiledSum>,
}

/// The trailing sum of a tiled run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TiledSum {
    /// Its tensor instruction (the one after the run's elementwise ones).
    pub(crate) instr: usize,
    /// First of the scratch registers that hold one partial sum per tile.
    pub(crate) partials: usize,
}

impl TiledRun {
    /// Whether tensor instruction `t` belongs to the run.
    pub(crate) fn contains(&self, t: usize) -> bool {
        (self.start..self.end).contains(&t) || self.sum.is_some_and(|s| s.instr == t)
    }
}

/// A compiled program: instructions, their order, and the register layout.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    pub(crate) scalar: Vec<ScalarInstr>,
    pub(crate) tensor: Vec<TensorInstr>,
    pub(crate) blocks: Vec<Block>,
    /// `blocks` with tiled runs, for the value and gradient sweeps.
    pub(crate) fast_blocks: Vec<Block>,
    /// The tiled runs.
    pub(crate) runs: Vec<TiledRun>,
    /// Number of input registers (registers `0..num_inputs`).
    pub(crate) num_inputs: usize,
    /// Register of each output element, in order.
    pub(crate) outputs: Vec<usize>,
    /// Register file being built by `record` (moved into the tape after):
    /// inputs at the recording point, constants, and room for every
    /// instruction's result.
    pub(crate) init: Vec<f64>,
    /// Register ranges that carry adjoints and tangents (inputs and results;
    /// not constants), merged where adjacent. Only these are zeroed before a
    /// reverse sweep, so a large constant (a dense matrix) costs nothing
    /// there.
    pub(crate) dynamic: Vec<std::ops::Range<usize>>,
    /// Internal results of tiled runs: dynamic, but not in `dynamic`, since
    /// the tiled reverse sweep zeroes their adjoints itself; the other
    /// reverse sweeps zero them with [`Program::zero_dynamic_all`].
    pub(crate) internal: Vec<std::ops::Range<usize>>,
}

impl Program {
    /// Marks registers `range` as dynamic.
    pub(crate) fn mark_dynamic(&mut self, range: std::ops::Range<usize>) {
        match self.dynamic.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => self.dynamic.push(range),
        }
    }

    /// Sets the dynamic registers of `buf` to zero, except the internal
    /// results of tiled runs (for the gradient sweep).
    pub(crate) fn zero_dynamic(&self, buf: &mut [f64]) {
        for r in &self.dynamic {
            crate::autodiff::ops::par::zero(&mut buf[r.clone()]);
        }
    }

    /// Sets all dynamic registers of `buf` to zero (for the sweeps that do
    /// not tile).
    pub(crate) fn zero_dynamic_all(&self, buf: &mut [f64]) {
        self.zero_dynamic(buf);
        for r in &self.internal {
            crate::autodiff::ops::par::zero(&mut buf[r.clone()]);
        }
    }

    /// Appends a scalar instruction, extending the current scalar block.
    pub(crate) fn push_scalar(&mut self, ins: ScalarInstr) {
        let i = self.scalar.len();
        self.scalar.push(ins);
        match self.blocks.last_mut() {
            Some(Block::Scalar { end, .. }) if *end == i => *end = i + 1,
            _ => self.blocks.push(Block::Scalar {
                start: i,
                end: i + 1,
            }),
        }
    }

    /// Appends a tensor instruction.
    pub(crate) fn push_tensor(&mut self, ins: TensorInstr) {
        self.blocks.push(Block::Tensor(self.tensor.len()));
        self.tensor.push(ins);
    }
}
