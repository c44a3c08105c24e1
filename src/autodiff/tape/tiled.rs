//! Tiled execution of runs of large elementwise instructions.
//!
//! A run such as `sum(exp(sin(x)) · x²)` on 10⁷ elements is bound by memory
//! traffic when every instruction streams its whole operands through the
//! caches one after the other. Tiling walks the run tile by tile instead:
//! each thread takes a tile of `TILE` elements and applies every instruction
//! of the run to it, so intermediate results are read back while still in
//! cache, in the forward sweep and (in reverse order) in the reverse sweep.
//! The instructions still write their results to their registers, so the
//! other sweeps (tangents, HVPs) and later instructions see the same
//! register file.
//!
//! A run qualifies when every instruction is a unary or binary elementwise
//! op whose operands all have the run's length, except constant scalars
//! (whose broadcast needs no reduction in the reverse sweep), and when the
//! register ranges it touches are pairwise equal or disjoint, so that the
//! tiles of different threads never touch the same element.
//!
//! A full `sum` of one of the run's results that follows the run (the
//! common `sum(f(x))` objective) is folded in: each tile adds up its part
//! while it is in cache, into one scratch register per tile, and the total
//! is the sum of those partials in tile order (deterministic, whatever the
//! threads); in the reverse sweep each tile starts from the broadcast
//! adjoint. The summed vector then never goes back to memory for the sum,
//! and its adjoint is neither zeroed nor written in a separate pass.

use super::instr::{Block, Operand, Program, TensorInstr, TiledRun, TiledSum};
use crate::autodiff::ops::Reduce;
use crate::autodiff::ops::{self, par::PAR_THRESHOLD, Op};
use crate::autodiff::shape::Shape;
use rayon::prelude::*;

/// Elements per tile (two f64 buffers of this size fit in L1).
const TILE: usize = 2048;
/// Longest run; keeps the (quadratic) range check of a run cheap, and a
/// run's tiles of all its registers within L2.
const MAX_RUN: usize = 32;

/// Length of the elementwise result of `ins` when it can be tiled.
fn tileable_len(ins: &TensorInstr) -> Option<usize> {
    let n = ins.out.shape.numel();
    if n < PAR_THRESHOLD || !matches!(ins.op, Op::Unary(_) | Op::Binary(_)) {
        return None;
    }
    let ok = ins
        .args
        .iter()
        .zip(&ins.dynamic)
        .all(|(a, &d)| a.shape.numel() == n || (a.shape.numel() == 1 && !d));
    ok.then_some(n)
}

/// Whether the ranges touched by `instrs` are pairwise equal or disjoint.
fn ranges_separate(instrs: &[TensorInstr]) -> bool {
    let mut ranges: Vec<(usize, usize)> = instrs
        .iter()
        .flat_map(|ins| {
            ins.args
                .iter()
                .filter(|a| a.shape.numel() > 1)
                .chain(std::iter::once(&ins.out))
                .map(|a| (a.off, a.off + a.shape.numel()))
        })
        .collect();
    ranges.sort_unstable();
    ranges.dedup();
    ranges.windows(2).all(|w| w[0].1 <= w[1].0)
}

/// Whether `ins` is the full sum of (all of) one of the results of `run`.
fn is_sum_of_result(ins: &TensorInstr, run: &[TensorInstr]) -> bool {
    ins.op == Op::Reduce(Reduce::Sum)
        && ins.args.len() == 1
        && ins.dynamic[0]
        && run.iter().any(|r| r.out == ins.args[0])
}

/// Finds the runs of at least two tileable instructions of one length,
/// records them in `p.runs` and `p.fast_blocks`, and moves the runs'
/// internal results from `p.dynamic` to `p.internal`.
pub(crate) fn tile(p: &mut Program) {
    let mut blocks: Vec<Block> = Vec::with_capacity(p.blocks.len());
    let mut runs = Vec::new();
    let mut i = 0;
    while i < p.blocks.len() {
        let Block::Tensor(first) = p.blocks[i] else {
            blocks.push(p.blocks[i]);
            i += 1;
            continue;
        };
        let Some(n) = tileable_len(&p.tensor[first]) else {
            blocks.push(p.blocks[i]);
            i += 1;
            continue;
        };
        // Extend the run while the next block is the next tileable tensor
        // instruction of the same length and the ranges stay separate.
        let mut end = first + 1;
        let mut j = i + 1;
        while j < p.blocks.len() {
            match p.blocks[j] {
                Block::Tensor(t)
                    if t == end
                        && end - first < MAX_RUN
                        && tileable_len(&p.tensor[t]) == Some(n)
                        && ranges_separate(&p.tensor[first..=t]) =>
                {
                    end += 1;
                    j += 1;
                }
                _ => break,
            }
        }
        if end - first >= 2 {
            let sum = match p.blocks.get(j) {
                Some(&Block::Tensor(t))
                    if t == end && is_sum_of_result(&p.tensor[t], &p.tensor[first..end]) =>
                {
                    j += 1;
                    let partials = p.init.len();
                    p.init.resize(partials + n.div_ceil(TILE), 0.0);
                    Some(TiledSum { instr: t, partials })
                }
                _ => None,
            };
            blocks.push(Block::Tiled(runs.len()));
            runs.push(TiledRun {
                start: first,
                end,
                internal: Vec::new(),
                sum,
            });
        } else {
            blocks.push(p.blocks[i]);
        }
        i = j;
    }
    find_internal(p, &mut runs);
    p.fast_blocks = blocks;
    p.runs = runs;
}

/// Fills each run's `internal` results and splits them off `p.dynamic`.
fn find_internal(p: &mut Program, runs: &mut [TiledRun]) {
    if runs.is_empty() {
        return;
    }
    // Every read: (first register, reading tensor instruction or MAX for a
    // scalar instruction). A read of a run's result starts inside the
    // result's register, since registers never overlap and aliases lie
    // inside one register.
    let mut reads: Vec<(usize, usize)> = Vec::new();
    for (t, ins) in p.tensor.iter().enumerate() {
        reads.extend(ins.args.iter().map(|a| (a.off, t)));
    }
    for ins in &p.scalar {
        reads.push((ins.a as usize, usize::MAX));
        reads.push((ins.b as usize, usize::MAX));
    }
    reads.sort_unstable();
    let mut outputs = p.outputs.clone();
    outputs.sort_unstable();
    let mut internal_ranges = Vec::new();
    for run in runs.iter_mut() {
        for ins in &p.tensor[run.start..run.end] {
            let r = ins.out.range();
            let first = reads.partition_point(|&(off, _)| off < r.start);
            let inside = reads[first..]
                .iter()
                .take_while(|&&(off, _)| off < r.end)
                .all(|&(_, t)| t != usize::MAX && run.contains(t));
            let o = outputs.partition_point(|&o| o < r.start);
            let is_output = outputs.get(o).is_some_and(|&o| o < r.end);
            if inside && !is_output {
                run.internal.push(ins.out);
                internal_ranges.push(r);
            }
        }
    }
    if internal_ranges.is_empty() {
        return;
    }
    internal_ranges.sort_unstable_by_key(|r| r.start);
    // Rebuild the dynamic ranges without the internal ones.
    let mut dynamic = Vec::new();
    let mut k = 0;
    for r in std::mem::take(&mut p.dynamic) {
        let mut start = r.start;
        while k < internal_ranges.len() && internal_ranges[k].start < r.end {
            let cut = &internal_ranges[k];
            if cut.start > start {
                dynamic.push(start..cut.start);
            }
            start = start.max(cut.end);
            k += 1;
        }
        if start < r.end {
            dynamic.push(start..r.end);
        }
    }
    p.dynamic = dynamic;
    p.internal = internal_ranges;
}

/// A raw register-file pointer that threads may share: they touch disjoint
/// elements (see the module notes).
#[derive(Clone, Copy)]
struct Regs(*mut f64);
// SAFETY: used only for tiles whose element ranges are disjoint between
// threads (checked by `ranges_separate` when the run was formed).
unsafe impl Send for Regs {}
unsafe impl Sync for Regs {}

impl Regs {
    /// The tile `lo..lo + m` of `a` (or its single element if it is a
    /// broadcast scalar).
    ///
    /// # Safety
    /// The range must lie in the buffer and not be written concurrently.
    unsafe fn tile<'a>(self, a: &Operand, lo: usize, m: usize) -> &'a [f64] {
        if a.shape.numel() == 1 {
            std::slice::from_raw_parts(self.0.add(a.off), 1)
        } else {
            std::slice::from_raw_parts(self.0.add(a.off + lo), m)
        }
    }

    /// The tile `lo..lo + m` of `a`, mutably.
    ///
    /// # Safety
    /// The range must lie in the buffer and be accessed by no one else.
    #[allow(clippy::mut_from_ref)]
    unsafe fn tile_mut<'a>(self, a: &Operand, lo: usize, m: usize) -> &'a mut [f64] {
        std::slice::from_raw_parts_mut(self.0.add(a.off + lo), m)
    }
}

/// Runs `f(lo, m)` over the tiles of `0..n` in parallel.
fn for_tiles(n: usize, f: impl Fn(usize, usize) + Sync) {
    (0..n.div_ceil(TILE)).into_par_iter().for_each(|c| {
        let lo = c * TILE;
        f(lo, TILE.min(n - lo));
    });
}

/// Forward sweep over the tiled run `instrs`.
pub(crate) fn forward(run: &TiledRun, all: &[TensorInstr], vals: &mut [f64]) {
    let instrs = &all[run.start..run.end];
    let n = instrs[0].out.shape.numel();
    let sum = run.sum.map(|s| (&all[s.instr], s.partials));
    let regs = Regs(vals.as_mut_ptr());
    for_tiles(n, |lo, m| {
        for ins in instrs {
            // SAFETY: operands precede the result in the register file and
            // the run's ranges are equal or disjoint, so this thread's tile
            // of the result is touched by no one else, and the operand tiles
            // it reads are written (earlier in this loop) only by this thread.
            unsafe {
                let a = regs.tile(&ins.args[0], lo, m);
                let y = regs.tile_mut(&ins.out, lo, m);
                match ins.op {
                    Op::Unary(u) => ops::elementwise_unary::forward(u, a, y),
                    Op::Binary(b) => ops::binary::forward(b, a, regs.tile(&ins.args[1], lo, m), y),
                    _ => unreachable!("only elementwise ops are tiled"),
                }
            }
        }
        if let Some((ins, partials)) = sum {
            // SAFETY: this tile of a run result, written above by this
            // thread; the partial's register is this tile's alone.
            unsafe {
                let part = regs.tile(&ins.args[0], lo, m).iter().sum::<f64>();
                *regs.0.add(partials + lo / TILE) = part;
            }
        }
    });
    if let Some((ins, partials)) = sum {
        let total = vals[partials..partials + n.div_ceil(TILE)].iter().sum();
        vals[ins.out.off] = total;
    }
}

/// Reverse sweep over the tiled run `instrs` (adjoints accumulate).
pub(crate) fn reverse(run: &TiledRun, all: &[TensorInstr], vals: &[f64], adj: &mut [f64]) {
    let instrs = &all[run.start..run.end];
    let n = instrs[0].out.shape.numel();
    // The sum's adjoint, broadcast into its operand's tiles below.
    let sum = run
        .sum
        .map(|s| (&all[s.instr].args[0], adj[all[s.instr].out.off]));
    // The values are only read; the pointer is shared for tiles.
    let v = Regs(vals.as_ptr() as *mut f64);
    let g = Regs(adj.as_mut_ptr());
    for_tiles(n, |lo, m| {
        for r in &run.internal {
            // SAFETY: this thread's tile, touched by no one else.
            unsafe { g.tile_mut(r, lo, m).fill(0.0) };
        }
        if let Some((a, ybar)) = sum {
            // SAFETY: this thread's tile of a run result.
            unsafe { g.tile_mut(a, lo, m).iter_mut().for_each(|v| *v += ybar) };
        }
        for ins in instrs.iter().rev() {
            // SAFETY: as in `forward`; adjoint tiles of distinct threads are
            // disjoint, and a thread creates one mutable tile at a time.
            unsafe {
                let mut xs: [&[f64]; 2] = [&[], &[]];
                for (k, a) in ins.args.iter().enumerate() {
                    xs[k] = v.tile(a, lo, m);
                }
                let xs = &xs[..ins.args.len()];
                let y = v.tile(&ins.out, lo, m);
                let ybar = g.tile(&ins.out, lo, m);
                let shapes = [Shape::vector(m); 2];
                for (k, a) in ins.args.iter().enumerate() {
                    if ins.dynamic[k] {
                        let xbar = g.tile_mut(a, lo, m);
                        ops::vjp(
                            ins.op,
                            k,
                            xs,
                            &shapes[..xs.len()],
                            y,
                            Shape::vector(m),
                            ybar,
                            xbar,
                        );
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use crate::autodiff::{Tape, Tensor};

    #[test]
    fn elementwise_run_is_tiled_with_internal_results() {
        let n = 40_000;
        let x = Tensor::vector(vec![0.5; n]).requires_grad();
        let s = x.sin();
        let m = s.exp() * x.powf(2.0) + &s;
        let f = m.sum() + s.sum();
        let tape = Tape::record(&[&x], &[&f, &m]).unwrap();
        let p = &tape.prog;
        assert_eq!(p.runs.len(), 1, "{:?}", p.fast_blocks);
        // powf, exp, mul, add: the first three results are read only in
        // the run; m is an output and s precedes the run.
        let run = &p.runs[0];
        assert_eq!(run.end - run.start, 4);
        assert_eq!(run.internal.len(), 3);
    }

    /// sum(exp(sin x)·x²) + sum(x): the first sum is folded into the run
    /// (its operand becomes internal), the second follows a different
    /// instruction and is not; value and gradient agree with the eager
    /// graph, which never tiles.
    #[test]
    fn trailing_sum_is_folded_and_gradient_matches_eager() {
        let n = 40_001;
        let data: Vec<f64> = (0..n).map(|i| (i % 997) as f64 * 1e-3 - 0.4).collect();
        let x = Tensor::vector(data.clone()).requires_grad();
        let f = (x.sin().exp() * x.powf(2.0)).sum() + x.sum();
        let mut tape = Tape::record(&[&x], &[&f]).unwrap();
        {
            let p = &tape.prog;
            assert_eq!(p.runs.len(), 1, "{:?}", p.fast_blocks);
            let run = &p.runs[0];
            assert!(run.sum.is_some(), "the sum is folded");
            // sin, exp, x², and the product (read only by the folded sum).
            assert_eq!(run.internal.len(), 4, "{:?}", run.internal);
        }
        f.backward().unwrap();
        let eager = x.grad().unwrap();
        let mut g = vec![0.0; n];
        // Twice: the second sweep must not see the first's partials.
        for _ in 0..2 {
            tape.forward(&data);
            tape.vjp(&[1.0], &mut g);
        }
        let value = tape.outputs()[0];
        assert!(
            (value - f.item()).abs() <= 1e-12 * f.item().abs(),
            "{value} vs {}",
            f.item()
        );
        for (i, (a, b)) in g.iter().zip(&eager).enumerate() {
            assert!(
                (a - b).abs() <= 1e-13 * b.abs().max(1.0),
                "x[{i}]: {a} vs {b}"
            );
        }
    }
}
