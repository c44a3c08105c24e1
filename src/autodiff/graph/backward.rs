//! Reverse-mode sweep over the eager graph.
//!
//! 1. Walk from the output over the nodes that require grad (a subgraph
//!    that does not, such as the constant A in ½xᵀAx − bᵀx, is never
//!    entered, so it gets no adjoint at all), counting for each node how
//!    many consumers inside the walked graph will send it an adjoint.
//! 2. Process nodes once all their consumers have been processed (Kahn's
//!    order, linear in the graph size, no sort): apply the op's VJP rule,
//!    adding (`+=`) into the operands' adjoints; a leaf adds its adjoint
//!    into its `.grad`.
//! 3. Unless the graph is retained, release each processed node's edges
//!    right after its VJP, so memory returns to the arena during the pass;
//!    the values of tensors the user still holds stay readable, and a second
//!    backward through them is an error.

use super::{Arena, Value};
use crate::autodiff::error::AutodiffError;
use crate::autodiff::ops::{self, Op};
use crate::autodiff::shape::Shape;

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
    let seed_value = match seed {
        [s] => Value::Scalar(*s),
        _ => Value::Buf(seed.to_vec()),
    };
    ar.take_adj(root);
    ar.put_adj(root, seed_value);
    let mut edges = std::mem::take(&mut ar.stack2);
    stack.push(root);
    while let Some(id) = stack.pop() {
        let Some(op) = ar.nodes[id as usize].op else {
            let adj = ar.take_adj(id);
            ar.accumulate_grad(id, adj.as_slice());
            if ar.nodes[id as usize].doomed {
                ar.free_slot(id);
            }
            continue;
        };
        if !scalar_step(ar, id, op, &mut stack) {
            let adj = ar.take_adj(id);
            let n_in = ar.num_inputs(id);
            for k in 0..n_in {
                let j = ar.input(id, k);
                if !ar.nodes[j as usize].requires_grad {
                    continue;
                }
                let mut xbar = ar.take_adj(j);
                accumulate(ar, op, id, k, adj.as_slice(), &mut xbar);
                ar.put_adj(j, xbar);
                let m = &mut ar.nodes[j as usize];
                m.aux -= 1;
                if m.aux == 0 {
                    stack.push(j);
                }
            }
        }
        if !retain {
            // 3. Release this node's edges now. An operand left without
            // references is freed at once if it is outside this pass (its
            // value is needed by no one), or after its own VJP if it is
            // still pending here (its value is needed by that VJP).
            ar.release_after_vjp(id, epoch, &mut edges);
        }
    }
    edges.clear();
    ar.stack = stack;
    ar.stack2 = edges;
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

/// The VJP of an elementwise op on one-element operands, on the nodes'
/// inline fields (the common case of graphs of scalar expressions). Returns
/// false when the node is not of that kind.
#[inline]
fn scalar_step(ar: &mut Arena, id: u32, op: Op, ready: &mut Vec<u32>) -> bool {
    let n = &ar.nodes[id as usize];
    let Some((y, g)) = n.scalar_and_adj() else {
        return false;
    };
    match op {
        Op::Unary(u) => {
            let a = ar.input(id, 0);
            let Some(x) = ar.scalar(a) else {
                return false;
            };
            ar.nodes[id as usize].clear_adj();
            add_adj(ar, a, u.d1(x, y) * g, ready);
            true
        }
        Op::Binary(f) => {
            let (a, b) = (ar.input(id, 0), ar.input(id, 1));
            let (Some(xa), Some(xb)) = (ar.scalar(a), ar.scalar(b)) else {
                return false;
            };
            ar.nodes[id as usize].clear_adj();
            let (da, db) = f.d1(xa, xb, y);
            add_adj(ar, a, da * g, ready);
            add_adj(ar, b, db * g, ready);
            true
        }
        _ => false,
    }
}

/// Adds `d` into the inline adjoint of a one-element node that requires
/// grad, and marks it ready when its last consumer has been processed.
#[inline]
fn add_adj(ar: &mut Arena, j: u32, d: f64, ready: &mut Vec<u32>) {
    let m = &mut ar.nodes[j as usize];
    if !m.requires_grad {
        return;
    }
    m.add_scalar_adj(d);
    m.aux -= 1;
    if m.aux == 0 {
        ready.push(j);
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
