//! Reverse-mode sweep over the eager graph.
//!
//! Only nodes that require grad take part (a subgraph that does not, such as
//! the constant A in ½xᵀAx − bᵀx, is never entered, so it gets no adjoint at
//! all). Each node is processed once all its consumers in the pass have
//! added into its adjoint: its op's VJP adds (`+=`) into the operands'
//! adjoints; a leaf adds its adjoint into its `.grad`. Unless the graph is
//! retained, each processed node's edges are released right after its VJP,
//! so memory returns to the arena during the pass; the values of tensors the
//! user still holds stay readable, and a second backward through them is an
//! error.
//!
//! Two ways to find that order:
//!
//! - **Slot sweep** (the common case). The arena hands out slots so that a
//!   graph recorded in one go usually has every operand in a lower slot than
//!   its consumer; each node records whether that holds for the whole graph
//!   below it (`Node::ordered`). Then descending slot order is a topological
//!   order, and the pass just walks the slots down from the root, processing
//!   those that have received an adjoint, until none is pending. This reads
//!   the nodes in address order, which the prefetcher follows, instead of
//!   chasing edges node by node; there is no counting walk. Leaves have no
//!   VJP, so they can sit anywhere and are handled at the end. Should the
//!   walk skip many more foreign slots than it processes (graphs recorded
//!   interleaved), the rest of the pass takes the pending nodes from a
//!   max-heap on the slot instead, which skips nothing.
//! - **Kahn's order** otherwise: a walk from the root counts, for each node,
//!   its consumers inside the pass; a node is processed when that count
//!   drops to zero. The walk also finds nodes whose graph was freed by an
//!   earlier pass, which is an error reported before anything changes; so
//!   while any such node is alive (`Arena::freed_live`) this way is taken.

use super::{Arena, Value};
use crate::autodiff::error::AutodiffError;
use crate::autodiff::ops::{self, Op};
use crate::autodiff::shape::Shape;
use std::collections::BinaryHeap;

/// Runs a backward pass from node `root`, seeded with `seed` (one value per
/// element of the root).
pub(crate) fn backward(
    ar: &mut Arena,
    root: u32,
    seed: &[f64],
    retain: bool,
) -> Result<(), AutodiffError> {
    let r = &ar.nodes[root as usize];
    if !r.requires_grad {
        return Err(AutodiffError::DoesNotRequireGrad);
    }
    if seed.len() != r.shape.numel() {
        return Err(AutodiffError::WrongLength {
            what: "seed",
            expected: r.shape.numel(),
            found: seed.len(),
        });
    }
    let seed_value = match seed {
        [s] => Value::Scalar(*s),
        _ => Value::Buf(seed.to_vec()),
    };
    if r.ordered && ar.freed_live == 0 {
        sweep(ar, root, seed_value, retain);
        Ok(())
    } else {
        kahn(ar, root, seed_value, retain)
    }
}

/// How a pass learns that node `j` has received a contribution to its
/// adjoint (`first`: the first one in this pass).
trait Schedule {
    fn arrive(&mut self, ar: &mut Arena, j: u32, first: bool);
}

/// Kahn's order: `aux` counts the consumers still to come.
struct Kahn<'a> {
    ready: &'a mut Vec<u32>,
}

impl Schedule for Kahn<'_> {
    #[inline]
    fn arrive(&mut self, ar: &mut Arena, j: u32, _first: bool) {
        let m = &mut ar.nodes[j as usize];
        m.aux -= 1;
        if m.aux == 0 {
            self.ready.push(j);
        }
    }
}

/// Slot order: remembers which nodes entered the pass.
struct Slots {
    /// Non-leaf nodes that have received an adjoint, in arrival order.
    pending: Vec<u32>,
    /// Leaves that have received an adjoint.
    leaves: Vec<u32>,
    /// After the switch away from sweeping: the pending nodes.
    heap: BinaryHeap<u32>,
    use_heap: bool,
}

impl Schedule for Slots {
    #[inline]
    fn arrive(&mut self, ar: &mut Arena, j: u32, first: bool) {
        if first {
            if ar.nodes[j as usize].is_leaf() {
                self.leaves.push(j);
            } else if self.use_heap {
                self.heap.push(j);
            } else {
                self.pending.push(j);
            }
        }
    }
}

/// The pass in descending slot order, for a root whose graph is `ordered`
/// and reaches no freed node.
fn sweep(ar: &mut Arena, root: u32, seed: Value, retain: bool) {
    let mut s = Slots {
        pending: std::mem::take(&mut ar.stack),
        leaves: std::mem::take(&mut ar.stack2),
        heap: BinaryHeap::new(),
        use_heap: false,
    };
    s.pending.clear();
    s.leaves.clear();
    let mut edges = std::mem::take(&mut ar.edges);
    ar.take_adj(root);
    ar.put_adj(root, seed);
    s.arrive(ar, root, true);

    // Every pending node at or above `cur` has been processed; those below
    // are found by walking down (`ordered`: no consumer sits below its
    // operand, so a node's adjoint is complete when the walk reaches it).
    let mut cur = root as usize + 1;
    let mut done = 0usize;
    let mut skipped = 0usize;
    while done < s.pending.len() {
        cur -= 1;
        let n = &ar.nodes[cur];
        let op = match n.op {
            Some(op) if n.has_adj => op,
            _ => {
                skipped += 1;
                // A slot costs little to skip, but graphs recorded
                // interleaved could make the walk long.
                if skipped > 4 * done + 4096 {
                    s.use_heap = true;
                    #[cfg(test)]
                    tests::HEAP_SWITCHES.with(|c| c.set(c.get() + 1));
                    break;
                }
                continue;
            }
        };
        process(ar, cur as u32, op, &mut s, retain, &mut edges);
        done += 1;
    }
    if s.use_heap {
        // The pending nodes not yet processed are exactly those below `cur`.
        let rest: Vec<u32> = s
            .pending
            .iter()
            .copied()
            .filter(|&j| (j as usize) < cur)
            .collect();
        s.heap.extend(rest);
        while let Some(id) = s.heap.pop() {
            let op = ar.nodes[id as usize]
                .op
                .expect("pending nodes are not leaves");
            process(ar, id, op, &mut s, retain, &mut edges);
        }
    }
    for &id in &s.leaves {
        let adj = ar.take_adj(id);
        ar.accumulate_grad(id, adj.as_slice());
        if ar.nodes[id as usize].is_doomed() {
            ar.free_slot(id);
        }
    }
    edges.clear();
    ar.stack = s.pending;
    ar.stack2 = s.leaves;
    ar.edges = edges;
}

/// The pass in Kahn's order.
fn kahn(ar: &mut Arena, root: u32, seed: Value, retain: bool) -> Result<(), AutodiffError> {
    // 1. Count consumers within the graph that requires grad.
    let epoch = ar.next_epoch();
    let mut stack = std::mem::take(&mut ar.stack);
    stack.clear();
    {
        let r = &mut ar.nodes[root as usize];
        r.mark = epoch;
        r.aux = 0;
    }
    stack.push(root);
    while let Some(id) = stack.pop() {
        let n = &ar.nodes[id as usize];
        if n.is_leaf() {
            continue;
        }
        if n.freed {
            ar.stack = stack;
            return Err(AutodiffError::GraphFreed);
        }
        match ar.inline_inputs(id) {
            Some((ins, len)) => {
                for &j in &ins[..len] {
                    count_consumer(ar, j, epoch, &mut stack);
                }
            }
            None => {
                for k in 0..ar.num_inputs(id) {
                    let j = ar.input(id, k);
                    count_consumer(ar, j, epoch, &mut stack);
                }
            }
        }
    }

    // 2. Propagate adjoints in an order where each node comes after all its
    // consumers.
    ar.take_adj(root);
    ar.put_adj(root, seed);
    let mut edges = std::mem::take(&mut ar.edges);
    stack.push(root);
    while let Some(id) = stack.pop() {
        let Some(op) = ar.nodes[id as usize].op else {
            let adj = ar.take_adj(id);
            ar.accumulate_grad(id, adj.as_slice());
            if ar.nodes[id as usize].is_doomed() {
                ar.free_slot(id);
            }
            continue;
        };
        process(
            ar,
            id,
            op,
            &mut Kahn { ready: &mut stack },
            retain,
            &mut edges,
        );
    }
    edges.clear();
    ar.stack = stack;
    ar.edges = edges;
    Ok(())
}

/// Counts one more consumer of `j` inside the pass (first visit: stamps it
/// and queues it for the walk).
#[inline]
fn count_consumer(ar: &mut Arena, j: u32, epoch: u32, stack: &mut Vec<u32>) {
    let m = &mut ar.nodes[j as usize];
    if !m.requires_grad {
        return;
    }
    if m.mark != epoch {
        m.mark = epoch;
        m.aux = 0;
        stack.push(j);
    }
    m.aux += 1;
}

/// Processes non-leaf node `id`, whose adjoint is complete: adds its VJP
/// into the adjoints of its operands that require grad, then (unless the
/// graph is retained) releases its edges.
///
/// Releasing an edge right after the VJP returns memory to the arena during
/// the pass. An operand left without references is freed at once if it is
/// outside this pass (its value is needed by no one), or after its own VJP
/// if it is still pending here (its value is needed by that VJP).
#[inline(always)]
fn process(
    ar: &mut Arena,
    id: u32,
    op: Op,
    s: &mut impl Schedule,
    retain: bool,
    edges: &mut Vec<u32>,
) {
    if scalar_step(ar, id, op, s, !retain) {
        if !retain {
            ar.finish_released(id);
        }
        return;
    }
    let adj = ar.take_adj(id);
    let n_in = ar.num_inputs(id);
    for k in 0..n_in {
        let j = ar.input(id, k);
        let m = &ar.nodes[j as usize];
        if !m.requires_grad {
            continue;
        }
        let first = !m.has_adj;
        let mut xbar = ar.take_adj(j);
        accumulate(ar, op, id, k, adj.as_slice(), &mut xbar);
        ar.put_adj(j, xbar);
        s.arrive(ar, j, first);
    }
    if !retain {
        ar.release_after_vjp(id, edges);
    }
}

/// The VJP of an elementwise op with a one-element result, on the nodes'
/// inline fields (the common case of graphs of scalar expressions); with
/// `release`, each edge is released as soon as its operand has its share
/// (the caller then finishes the node). Returns false, having done
/// nothing, when the node is not of that kind.
#[inline(always)]
fn scalar_step(ar: &mut Arena, id: u32, op: Op, s: &mut impl Schedule, release: bool) -> bool {
    let n = &ar.nodes[id as usize];
    let Some((y, g)) = n.scalar_and_adj() else {
        return false;
    };
    // An elementwise op with one element out has one element in each
    // operand (a scalar broadcasts only to a larger shape), and its one or
    // two operands are inline.
    let [a, b] = n.ins;
    match op {
        Op::Unary(u) => {
            let x = ar.scalar_unchecked(a);
            ar.nodes[id as usize].clear_adj();
            contribute(ar, a, u.d1(x, y) * g, s, release);
        }
        Op::Binary(f) => {
            let (xa, xb) = (ar.scalar_unchecked(a), ar.scalar_unchecked(b));
            ar.nodes[id as usize].clear_adj();
            let (da, db) = f.d1(xa, xb, y);
            contribute(ar, a, da * g, s, release);
            contribute(ar, b, db * g, s, release);
        }
        _ => return false,
    }
    true
}

/// Adds `d` into the inline adjoint of one-element operand `j` if it
/// requires grad, and tells the schedule; with `release`, also drops the
/// edge to it (see [`process`]).
#[inline(always)]
fn contribute(ar: &mut Arena, j: u32, d: f64, s: &mut impl Schedule, release: bool) {
    let m = &mut ar.nodes[j as usize];
    if release {
        m.refs -= 1;
    }
    if m.requires_grad {
        // Left at refs 0 it is doomed, and freed after its own turn.
        let first = !m.has_adj;
        m.add_scalar_adj(d);
        s.arrive(ar, j, first);
    } else if release && m.refs == 0 {
        ar.free_cascade(j);
    }
}

/// `xbar += J_kᵀ ybar` for operand `k` of node `id`.
#[inline]
fn accumulate(ar: &Arena, op: Op, id: u32, k: usize, ybar: &[f64], xbar: &mut Value) {
    // Scalar fast path: no slices, no dispatch through the slice rules.
    if let (Some(y), [g], Value::Scalar(xb)) = (ar.scalar(id), ybar, &mut *xbar) {
        match op {
            Op::Unary(u) => {
                if let Some(x) = ar.scalar(ar.input(id, 0)) {
                    *xb += u.d1(x, y) * g;
                    return;
                }
            }
            Op::Binary(b) => {
                if let (Some(a), Some(c)) = (ar.scalar(ar.input(id, 0)), ar.scalar(ar.input(id, 1)))
                {
                    let (da, db) = b.d1(a, c, y);
                    *xb += if k == 0 { da } else { db } * g;
                    return;
                }
            }
            _ => {}
        }
    }
    let ids = ar.inputs(id);
    let mut xs_small: [&[f64]; 2] = [&[], &[]];
    let mut shapes_small = [Shape::SCALAR; 2];
    let xs_vec: Vec<&[f64]>;
    let shapes_vec: Vec<Shape>;
    let (xs, shapes): (&[&[f64]], &[Shape]) = if ids.len() <= 2 {
        for (i, &j) in ids.iter().enumerate() {
            xs_small[i] = ar.value(j);
            shapes_small[i] = ar.nodes[j as usize].shape;
        }
        (&xs_small[..ids.len()], &shapes_small[..ids.len()])
    } else {
        xs_vec = ids.iter().map(|&j| ar.value(j)).collect();
        shapes_vec = ids.iter().map(|&j| ar.nodes[j as usize].shape).collect();
        (&xs_vec, &shapes_vec)
    };
    let node = &ar.nodes[id as usize];
    ops::vjp(
        op,
        k,
        xs,
        shapes,
        ar.value(id),
        node.shape,
        ybar,
        xbar.as_mut_slice(),
    );
}

#[cfg(test)]
mod tests {
    //! The three ways of ordering a pass (slot sweep, its switch to a heap,
    //! Kahn's order) on graphs that force each, against the derivative
    //! carried forward by hand.

    use crate::autodiff::graph::with_arena;
    use crate::autodiff::Tensor;
    use std::cell::Cell;

    thread_local! {
        /// Number of sweeps that switched to the heap.
        pub(super) static HEAP_SWITCHES: Cell<usize> = const { Cell::new(0) };
    }

    /// One step v ← sin(v)·y + v·v/(1+y).
    fn step(v: &Tensor, y: &Tensor) -> Tensor {
        v.sin() * y + v * v / (1.0 + y)
    }

    /// The chain of `n` steps and its derivatives (d/dx, d/dy), carried
    /// forward in f64.
    fn reference(x: f64, y: f64, n: usize) -> (f64, f64, f64) {
        let (mut v, mut dx, mut dy) = (x, 1.0, 0.0);
        for _ in 0..n {
            let dv = v.cos() * y + 2.0 * v / (1.0 + y);
            let py = v.sin() - v * v / ((1.0 + y) * (1.0 + y));
            (dx, dy) = (dv * dx, dv * dy + py);
            v = v.sin() * y + v * v / (1.0 + y);
        }
        (v, dx, dy)
    }

    fn assert_close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    }

    fn ordered(t: &Tensor) -> bool {
        with_arena(|ar| ar.nodes[t.id as usize].ordered)
    }

    fn freed_live() -> u32 {
        with_arena(|ar| ar.freed_live)
    }

    /// Records the chain, checks its gradient after one backward pass and
    /// returns whether the sweep could take it.
    fn run_chain(x0: f64, n: usize) -> bool {
        let x = Tensor::scalar(x0).requires_grad();
        let y = Tensor::scalar(0.5).requires_grad();
        let mut v = x.clone();
        for _ in 0..n {
            v = step(&v, &y);
        }
        let (val, dx, dy) = reference(x0, 0.5, n);
        assert_close(v.item(), val);
        let was_ordered = ordered(&v);
        v.backward().unwrap();
        assert_close(x.grad().unwrap()[0], dx);
        assert_close(y.grad().unwrap()[0], dy);
        was_ordered
    }

    #[test]
    fn graphs_recorded_after_a_release_are_sorted_by_slot() {
        for _ in 0..3 {
            assert!(run_chain(0.3, 200));
        }
        // Dropping the leaves and the loss in the other order (the loss
        // last, so that its high slot was freed last) changes nothing.
        for _ in 0..3 {
            let x = Tensor::scalar(0.3).requires_grad();
            let y = Tensor::scalar(0.5).requires_grad();
            let f = step(&step(&x, &y), &y);
            f.backward().unwrap();
            drop((x, y, f));
            assert!(run_chain(0.3, 50));
        }
    }

    #[test]
    fn a_graph_out_of_slot_order_takes_kahns_order() {
        let x = Tensor::scalar(0.3).requires_grad();
        let y = Tensor::scalar(0.5).requires_grad();
        let hole = Tensor::scalar(1.0);
        let a = step(&x, &y);
        // `b` lands in the slot of `hole`, below its operand `a`.
        drop(hole);
        let b = step(&a, &y);
        assert!(ordered(&a) && !ordered(&b));
        let (val, dx, dy) = reference(0.3, 0.5, 2);
        assert_close(b.item(), val);
        b.backward().unwrap();
        assert_close(x.grad().unwrap()[0], dx);
        assert_close(y.grad().unwrap()[0], dy);
    }

    #[test]
    fn interleaved_graphs_switch_to_the_heap() {
        // Eight chains recorded step by step in turn: each one's slots are
        // spread over the range of all eight, so sweeping for one of them
        // skips seven slots for each one it processes.
        let y = Tensor::scalar(0.5).requires_grad();
        let xs: Vec<Tensor> = (0..8)
            .map(|k| Tensor::scalar(0.1 + 0.05 * k as f64).requires_grad())
            .collect();
        let mut vs: Vec<Tensor> = xs.clone();
        let n = 1500;
        for _ in 0..n {
            for v in &mut vs {
                *v = step(v, &y);
            }
        }
        let before = HEAP_SWITCHES.with(Cell::get);
        let mut dy = 0.0;
        for (k, (x, v)) in xs.iter().zip(&vs).enumerate() {
            assert!(ordered(v));
            v.backward().unwrap();
            let (_, dxk, dyk) = reference(0.1 + 0.05 * k as f64, 0.5, n);
            assert_close(x.grad().unwrap()[0], dxk);
            dy += dyk;
        }
        assert_close(y.grad().unwrap()[0], dy);
        assert!(HEAP_SWITCHES.with(Cell::get) > before);
    }

    #[test]
    fn a_live_freed_graph_takes_kahns_order_and_still_errs() {
        let x = Tensor::scalar(0.3).requires_grad();
        let y = Tensor::scalar(0.5).requires_grad();
        let first = step(&x, &y);
        let second = step(&first, &y);
        second.backward().unwrap();
        assert!(freed_live() > 0);
        // A graph through the freed `second` is an error, and leaves the
        // gradients as they were.
        let g = x.grad();
        // Leaves take up the free slots, so that `third` gets fresh slots
        // above `second`: sorted, but reaching a freed node.
        let holes = with_arena(|ar| ar.free.len);
        let fill: Vec<Tensor> = (0..holes).map(|_| Tensor::scalar(0.0)).collect();
        let third = step(&second, &y);
        assert!(ordered(&third));
        assert_eq!(
            third.backward(),
            Err(crate::autodiff::AutodiffError::GraphFreed)
        );
        assert_eq!(x.grad(), g);
        // A new graph is fine while the freed node lives.
        x.zero_grad();
        y.zero_grad();
        let (_, dx, dy) = reference(0.3, 0.5, 3);
        let f = step(&step(&step(&x, &y), &y), &y);
        f.backward().unwrap();
        assert_close(x.grad().unwrap()[0], dx);
        assert_close(y.grad().unwrap()[0], dy);
        drop((first, second, third, f, fill));
        assert_eq!(freed_live(), 0);
    }

    #[test]
    fn sweep_with_vectors_shared_parts_and_retained_graph() {
        // f = Σ sin(x)·x + (x·x)²  with x a vector, run twice on one graph.
        let x = Tensor::vector(vec![0.2, -0.7, 1.1]).requires_grad();
        let c = Tensor::vector(vec![1.0, 2.0, 3.0]);
        let s = x.dot(&x);
        let f = (x.sin() * &x).sum() + &s * &s + c.dot(&c);
        assert!(ordered(&f));
        f.backward_with(&[1.0], true).unwrap();
        f.backward_with(&[1.0], false).unwrap();
        let xv = [0.2f64, -0.7, 1.1];
        let sv: f64 = xv.iter().map(|a| a * a).sum();
        for (g, a) in x.grad().unwrap().iter().zip(xv) {
            assert_close(*g, 2.0 * (a.cos() * a + a.sin() + 4.0 * sv * a));
        }
        assert!(c.grad().is_none());
        assert_eq!(
            f.backward(),
            Err(crate::autodiff::AutodiffError::GraphFreed)
        );
    }
}
