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
//! 3. Unless the graph is retained, release the processed nodes' edges so
//!    their memory returns to the arena; the values of tensors the user still
//!    holds stay readable, and a second backward through them is an error.

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
        let ids = n.inputs.clone();
        for &j in ids.as_slice() {
            let m = &mut ar.nodes[j as usize];
            if !m.requires_grad {
                continue;
            }
            if m.mark != epoch {
                m.mark = epoch;
                m.aux = 0;
                stack.push(j);
            }
            m.aux += 1;
        }
    }

    // 2. Propagate adjoints in an order where each node comes after all its
    // consumers.
    ar.nodes[root as usize].adj = Some(Value::from_vec(seed.to_vec()));
    let mut release = std::mem::take(&mut ar.stack2);
    release.clear();
    stack.push(root);
    while let Some(id) = stack.pop() {
        let node = &mut ar.nodes[id as usize];
        let adj = node.adj.take().expect("a ready node has an adjoint");
        let Some(op) = node.op else {
            // A leaf: accumulate into .grad.
            match &mut node.grad {
                Some(g) => g
                    .as_mut_slice()
                    .iter_mut()
                    .zip(adj.as_slice())
                    .for_each(|(g, a)| *g += a),
                None => node.grad = Some(adj),
            }
            continue;
        };
        let inputs = if retain {
            node.inputs.clone()
        } else {
            node.freed = true;
            std::mem::replace(&mut node.inputs, super::Inputs::NONE)
        };
        let ids = inputs.as_slice();
        for (k, &j) in ids.iter().enumerate() {
            if !ar.nodes[j as usize].requires_grad {
                continue;
            }
            let mut xbar = ar.nodes[j as usize]
                .adj
                .take()
                .unwrap_or_else(|| Value::zeros(ar.nodes[j as usize].shape.numel()));
            accumulate(ar, op, id, ids, k, adj.as_slice(), &mut xbar);
            let m = &mut ar.nodes[j as usize];
            m.adj = Some(xbar);
            m.aux -= 1;
            if m.aux == 0 {
                stack.push(j);
            }
        }
        if !retain {
            release.extend_from_slice(ids);
        }
    }

    // 3. Release the edges of the processed nodes.
    for &j in &release {
        ar.dec_ref(j);
    }
    release.clear();
    ar.stack = stack;
    ar.stack2 = release;
    Ok(())
}

/// `xbar += J_kᵀ ybar` for operand `k` of node `id`.
#[inline]
fn accumulate(ar: &Arena, op: Op, id: u32, ids: &[u32], k: usize, ybar: &[f64], xbar: &mut Value) {
    let node = &ar.nodes[id as usize];
    // Scalar fast path: no slices, no dispatch through the slice rules.
    if let (Value::Scalar(y), [g], Value::Scalar(xb)) = (&node.value, ybar, &mut *xbar) {
        let (y, g) = (*y, *g);
        match op {
            Op::Unary(u) => {
                if let Value::Scalar(x) = ar.nodes[ids[0] as usize].value {
                    *xb += u.d1(x, y) * g;
                    return;
                }
            }
            Op::Binary(b) => {
                if let (Value::Scalar(a), Value::Scalar(bv)) = (
                    &ar.nodes[ids[0] as usize].value,
                    &ar.nodes[ids[1] as usize].value,
                ) {
                    let (da, db) = b.d1(*a, *bv, y);
                    *xb += if k == 0 { da } else { db } * g;
                    return;
                }
            }
            _ => {}
        }
    }
    let mut xs_small: [&[f64]; 2] = [&[], &[]];
    let mut shapes_small = [Shape::SCALAR; 2];
    let xs_vec: Vec<&[f64]>;
    let shapes_vec: Vec<Shape>;
    let (xs, shapes): (&[&[f64]], &[Shape]) = if ids.len() <= 2 {
        for (i, &j) in ids.iter().enumerate() {
            xs_small[i] = ar.nodes[j as usize].value.as_slice();
            shapes_small[i] = ar.nodes[j as usize].shape;
        }
        (&xs_small[..ids.len()], &shapes_small[..ids.len()])
    } else {
        xs_vec = ids
            .iter()
            .map(|&j| ar.nodes[j as usize].value.as_slice())
            .collect();
        shapes_vec = ids.iter().map(|&j| ar.nodes[j as usize].shape).collect();
        (&xs_vec, &shapes_vec)
    };
    ops::vjp(
        op,
        k,
        xs,
        shapes,
        node.value.as_slice(),
        node.shape,
        ybar,
        xbar.as_mut_slice(),
    );
}
