//! The eager graph: every tensor is a node in a thread-local arena, and each
//! op on tensors that require grad records a node with edges to its operands.
//!
//! Memory management is by reference counts. A node is kept alive by the
//! [`Tensor`](crate::autodiff::Tensor) handles pointing at it and by the edges
//! from nodes that consume it; when the count drops to zero its slot goes on
//! a free list and its edges are released in turn (with an explicit work
//! list, so dropping a chain of 10⁶ nodes does not recurse). Scalar values
//! live inline in the node, so recording a scalar op in the steady state
//! reuses a slot and does not touch the heap.
//!
//! This module knows nothing of the tape: `tape::record` reads the arena
//! through the accessors here.

pub(crate) mod backward;

use crate::autodiff::ops::Op;
use crate::autodiff::shape::Shape;
use std::cell::RefCell;

/// The values of a node: inline for one element, on the heap otherwise.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// One element (scalar, or any shape with one element).
    Scalar(f64),
    /// Several elements, row-major.
    Buf(Vec<f64>),
}

impl Value {
    /// `n` zeros.
    pub(crate) fn zeros(n: usize) -> Value {
        if n == 1 {
            Value::Scalar(0.0)
        } else {
            Value::Buf(vec![0.0; n])
        }
    }

    /// Takes ownership of data, storing one element inline.
    pub(crate) fn from_vec(v: Vec<f64>) -> Value {
        if v.len() == 1 {
            Value::Scalar(v[0])
        } else {
            Value::Buf(v)
        }
    }

    /// The elements.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[f64] {
        match self {
            Value::Scalar(v) => std::slice::from_ref(v),
            Value::Buf(v) => v,
        }
    }

    /// The elements, mutably.
    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [f64] {
        match self {
            Value::Scalar(v) => std::slice::from_mut(v),
            Value::Buf(v) => v,
        }
    }
}

/// The operands of a node: inline for up to two, boxed for `concat`.
#[derive(Clone, Debug)]
pub(crate) enum Inputs {
    /// Up to two operand ids (`n` of them).
    Fixed { ids: [u32; 2], n: u8 },
    /// Any number of operand ids.
    Many(Box<[u32]>),
}

impl Inputs {
    /// No operands (leaves, constants, freed nodes).
    pub(crate) const NONE: Inputs = Inputs::Fixed { ids: [0, 0], n: 0 };

    pub(crate) fn from_ids(ids: &[u32]) -> Inputs {
        match *ids {
            [] => Inputs::NONE,
            [a] => Inputs::Fixed { ids: [a, 0], n: 1 },
            [a, b] => Inputs::Fixed { ids: [a, b], n: 2 },
            _ => Inputs::Many(ids.into()),
        }
    }

    #[inline]
    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Inputs::Fixed { ids, n } => &ids[..*n as usize],
            Inputs::Many(ids) => ids,
        }
    }
}

/// One tensor in the arena.
#[derive(Debug)]
pub(crate) struct Node {
    /// The op that computed it; `None` for leaves (user tensors, constants,
    /// results computed without grad).
    pub(crate) op: Option<Op>,
    /// Operands (kept only while the node requires grad and is not freed).
    pub(crate) inputs: Inputs,
    pub(crate) shape: Shape,
    pub(crate) value: Value,
    /// Accumulated gradient of a leaf.
    pub(crate) grad: Option<Value>,
    /// Adjoint during a backward pass.
    pub(crate) adj: Option<Value>,
    /// Handles plus consumer edges.
    pub(crate) refs: u32,
    pub(crate) requires_grad: bool,
    /// Its edges were released by a backward pass without retain_graph.
    pub(crate) freed: bool,
    /// Traversal stamp (equal to the arena's epoch when visited).
    pub(crate) mark: u32,
    /// Scratch counter of a traversal (pending consumers; tape register).
    pub(crate) aux: u32,
}

impl Node {
    /// A leaf holding `value`.
    pub(crate) fn leaf(shape: Shape, value: Value, requires_grad: bool) -> Node {
        Node {
            op: None,
            inputs: Inputs::NONE,
            shape,
            value,
            grad: None,
            adj: None,
            refs: 1,
            requires_grad,
            freed: false,
            mark: 0,
            aux: 0,
        }
    }

    /// Whether this node is a leaf (no op recorded).
    pub(crate) fn is_leaf(&self) -> bool {
        self.op.is_none()
    }
}

/// The slab of nodes of one thread.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
    free: Vec<u32>,
    epoch: u32,
    /// Scratch work lists, kept to reuse their capacity.
    pub(crate) stack: Vec<u32>,
    pub(crate) stack2: Vec<u32>,
    release: Vec<u32>,
}

thread_local! {
    pub(crate) static ARENA: RefCell<Arena> = RefCell::new(Arena::default());
}

/// Runs `f` on this thread's arena.
#[inline]
pub(crate) fn with_arena<R>(f: impl FnOnce(&mut Arena) -> R) -> R {
    ARENA.with(|a| f(&mut a.borrow_mut()))
}

impl Arena {
    /// Stores a node (refcount 1 for the handle about to be made) and
    /// returns its id.
    #[inline]
    pub(crate) fn alloc(&mut self, node: Node) -> u32 {
        if let Some(id) = self.free.pop() {
            self.nodes[id as usize] = node;
            id
        } else {
            let id = u32::try_from(self.nodes.len()).expect("more than 2³² live tensors");
            self.nodes.push(node);
            id
        }
    }

    /// A fresh traversal stamp.
    pub(crate) fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // Wrapped: clear all stamps so stale ones cannot match.
            self.nodes.iter_mut().for_each(|n| n.mark = 0);
            self.epoch = 1;
        }
        self.epoch
    }

    #[inline]
    pub(crate) fn inc_ref(&mut self, id: u32) {
        self.nodes[id as usize].refs += 1;
    }

    /// Drops one reference; frees the node (and, in turn, its operands)
    /// when none is left.
    pub(crate) fn dec_ref(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        node.refs -= 1;
        if node.refs > 0 {
            return;
        }
        let mut work = std::mem::take(&mut self.release);
        work.push(id);
        while let Some(id) = work.pop() {
            let node = &mut self.nodes[id as usize];
            if node.refs > 0 {
                node.refs -= 1;
                if node.refs > 0 {
                    continue;
                }
            }
            let inputs = std::mem::replace(&mut node.inputs, Inputs::NONE);
            node.value = Value::Scalar(0.0);
            node.grad = None;
            node.adj = None;
            node.op = None;
            self.free.push(id);
            for &j in inputs.as_slice() {
                work.push(j);
            }
        }
        self.release = work;
    }

    /// Number of live nodes (for tests of memory release).
    pub(crate) fn live(&self) -> usize {
        self.nodes.len() - self.free.len()
    }
}
