//! The eager graph: every tensor is a node in a thread-local arena, and each
//! op on tensors that require grad records a node with edges to its operands.
//!
//! Memory management is by reference counts. A node is kept alive by the
//! [`Tensor`](crate::autodiff::Tensor) handles pointing at it and by the edges
//! from nodes that consume it; when the count drops to zero its slot is
//! freed and its edges are released in turn (with an explicit work list, so
//! dropping a chain of 10⁶ nodes does not recurse).
//!
//! Free slots are handed out lowest first, so that a graph recorded after
//! the previous one was released gets ascending slots in creation order: a
//! backward pass can then sweep the slots downwards instead of walking the
//! edges (see `backward`).
//!
//! A node is kept small (80 bytes) because a backward pass over a chain of
//! scalar ops is bound by memory traffic over the nodes: a one-element value
//! and adjoint live inline, while vector values, vector adjoints, gradients
//! and operand lists longer than two live in a side slab of [`Extra`]s. So
//! recording a scalar op in the steady state reuses a slot and does not touch
//! the heap.
//!
//! This module knows nothing of the tape: `tape::record` reads the arena
//! through the accessors here.

pub(crate) mod backward;

use crate::autodiff::ops::Op;
use crate::autodiff::shape::Shape;
use std::cell::RefCell;

/// "No index".
pub(crate) const NONE: u32 = u32::MAX;
/// Marks operands kept in the extra.
const MANY: u32 = u32::MAX - 1;

/// Number of inline operands.
#[inline]
fn inline_len(ins: [u32; 2]) -> usize {
    if ins[0] == NONE {
        0
    } else if ins[1] == NONE {
        1
    } else {
        2
    }
}

/// Values handed to or taken from the arena: inline for one element.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// One element (scalar, or any shape with one element).
    Scalar(f64),
    /// Several elements, row-major.
    Buf(Vec<f64>),
}

impl Value {
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

/// One tensor in the arena (the fields a backward pass touches).
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The op that computed it; `None` for leaves (user tensors, constants,
    /// results computed without grad).
    pub(crate) op: Option<Op>,
    /// Up to two operands inline, unused entries `NONE`; `[MANY, NONE]`
    /// when the operands are in the extra.
    ins: [u32; 2],
    pub(crate) requires_grad: bool,
    /// Its edges were released by a backward pass without retain_graph.
    pub(crate) freed: bool,
    has_adj: bool,
    /// Every operand that is not a leaf sits in a lower slot and is itself
    /// ordered, so the graph below this node is topologically sorted by slot
    /// and a backward pass can sweep the slots downwards (see `backward`).
    /// Set once when the node is recorded; edges never change afterwards.
    pub(crate) ordered: bool,
    pub(crate) shape: Shape,
    /// The value of a one-element node.
    scalar: f64,
    /// The adjoint of a one-element node during a backward pass.
    adj: f64,
    /// Handles plus consumer edges. Zero on a live node only while it is
    /// doomed: it lost its last reference during a backward pass while its
    /// VJP (or grad accumulation) was pending, and is freed right after it.
    pub(crate) refs: u32,
    /// Traversal stamp (equal to the arena's epoch when visited).
    pub(crate) mark: u32,
    /// Scratch of a traversal (pending consumers; tape register).
    pub(crate) aux: u32,
    /// Index of this node's [`Extra`], or `NONE`.
    extra: u32,
}

/// The heap-held parts of a node.
#[derive(Debug, Default)]
struct Extra {
    /// The value of a node with other than one element.
    value: Vec<f64>,
    /// Its adjoint during a backward pass.
    adj: Option<Vec<f64>>,
    /// Accumulated gradient of a leaf.
    grad: Option<Vec<f64>>,
    /// Operands of a node with more than two.
    many: Vec<u32>,
}

/// The slab of nodes of one thread.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<Node>,
    free: FreeSlots,
    extras: Vec<Extra>,
    free_extras: Vec<u32>,
    epoch: u32,
    /// Number of nodes whose edges a backward pass released (`freed`) that
    /// still hold a slot: while none does, no graph can reach one, and a
    /// backward pass needs no walk to look for them.
    pub(crate) freed_live: u32,
    /// Inside `no_grad` (kept here so that recording an op reads one
    /// thread-local, not two).
    pub(crate) grad_disabled: bool,
    /// Scratch work lists, kept to reuse their capacity.
    pub(crate) stack: Vec<u32>,
    pub(crate) stack2: Vec<u32>,
    pub(crate) edges: Vec<u32>,
    release: Vec<u32>,
}

thread_local! {
    // A const initializer: no lazy-initialization check on every access.
    pub(crate) static ARENA: RefCell<Arena> = const { RefCell::new(Arena::EMPTY) };
}

/// Runs `f` on this thread's arena.
#[inline]
pub(crate) fn with_arena<R>(f: impl FnOnce(&mut Arena) -> R) -> R {
    ARENA.with(|a| f(&mut a.borrow_mut()))
}

impl Node {
    /// A free slot.
    const EMPTY: Node = Node {
        op: None,
        ins: [NONE; 2],
        requires_grad: false,
        freed: false,
        has_adj: false,
        ordered: true,
        shape: Shape::SCALAR,
        scalar: 0.0,
        adj: 0.0,
        refs: 0,
        mark: 0,
        aux: 0,
        extra: NONE,
    };

    /// Whether this node lost its last reference during a backward pass
    /// that still has to process it (see `refs`).
    #[inline]
    pub(crate) fn is_doomed(&self) -> bool {
        self.refs == 0
    }

    /// Whether this node is a leaf (no op recorded).
    #[inline]
    pub(crate) fn is_leaf(&self) -> bool {
        self.op.is_none()
    }

    /// For a one-element node: its value and adjoint (0 if none yet).
    #[inline]
    pub(crate) fn scalar_and_adj(&self) -> Option<(f64, f64)> {
        (self.shape.numel() == 1)
            .then_some((self.scalar, if self.has_adj { self.adj } else { 0.0 }))
    }

    /// Forgets the adjoint of a one-element node.
    #[inline]
    pub(crate) fn clear_adj(&mut self) {
        self.has_adj = false;
    }

    /// Adds into the adjoint of a one-element node.
    #[inline]
    pub(crate) fn add_scalar_adj(&mut self, d: f64) {
        self.adj = if self.has_adj { self.adj + d } else { d };
        self.has_adj = true;
    }
}

impl Arena {
    const EMPTY: Arena = Arena {
        nodes: Vec::new(),
        free: FreeSlots::EMPTY,
        extras: Vec::new(),
        free_extras: Vec::new(),
        epoch: 0,
        freed_live: 0,
        grad_disabled: false,
        stack: Vec::new(),
        stack2: Vec::new(),
        edges: Vec::new(),
        release: Vec::new(),
    };

    fn alloc_extra(&mut self) -> u32 {
        if let Some(e) = self.free_extras.pop() {
            e
        } else {
            self.extras.push(Extra::default());
            (self.extras.len() - 1) as u32
        }
    }

    /// The node's extra, created on demand.
    fn extra_mut(&mut self, id: u32) -> &mut Extra {
        let mut e = self.nodes[id as usize].extra;
        if e == NONE {
            e = self.alloc_extra();
            self.nodes[id as usize].extra = e;
        }
        &mut self.extras[e as usize]
    }

    /// Stores a new node (refcount 1, for the handle about to be made) and
    /// returns its id. `inputs` are the operands whose edges it keeps (their
    /// refcounts are raised here).
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        op: Option<Op>,
        inputs: &[u32],
        shape: Shape,
        value: Value,
        requires_grad: bool,
    ) -> u32 {
        let id = match self.free.pop() {
            Some(id) => id,
            None => self.grow(),
        };
        let mut ordered = true;
        for &i in inputs {
            let m = &mut self.nodes[i as usize];
            m.refs += 1;
            ordered &= m.op.is_none() || (i < id && m.ordered);
        }
        let scalar_value = match &value {
            Value::Scalar(v) if shape.numel() == 1 => Some(*v),
            Value::Buf(v) if shape.numel() == 1 => Some(v[0]),
            _ => None,
        };
        let extra = if scalar_value.is_none() || inputs.len() > 2 {
            let e = self.alloc_extra();
            let ex = &mut self.extras[e as usize];
            if scalar_value.is_none() {
                ex.value = match value {
                    Value::Buf(v) => v,
                    Value::Scalar(v) => vec![v],
                };
            }
            if inputs.len() > 2 {
                ex.many = inputs.to_vec();
            }
            e
        } else {
            NONE
        };
        // Field by field into the slot: building the node on the stack and
        // copying it stalls on store forwarding, and this is the hot path of
        // eager recording.
        let node = &mut self.nodes[id as usize];
        node.op = op;
        node.ins = match *inputs {
            [] => [NONE; 2],
            [a] => [a, NONE],
            [a, b] => [a, b],
            _ => [MANY, NONE],
        };
        node.requires_grad = requires_grad;
        node.freed = false;
        node.has_adj = false;
        node.ordered = ordered;
        node.shape = shape;
        node.scalar = scalar_value.unwrap_or(0.0);
        node.refs = 1;
        node.extra = extra;
        id
    }

    /// [`push`](Arena::push) for a one-element node with at most two
    /// operands (`NONE` for unused entries), the hot path of recording
    /// scalar expressions: no value to move, no extra. It requires grad
    /// exactly when it has an op. The edge to operand `k` takes a new
    /// reference to it, or, when `handed[k]`, the caller's.
    #[inline(always)]
    pub(crate) fn push_scalar(
        &mut self,
        op: Option<Op>,
        ins: [u32; 2],
        value: f64,
        handed: [bool; 2],
    ) -> u32 {
        let id = match self.free.pop() {
            Some(id) => id,
            None => self.grow(),
        };
        let mut ordered = true;
        for (k, &i) in ins[..inline_len(ins)].iter().enumerate() {
            let m = &mut self.nodes[i as usize];
            m.refs += u32::from(!handed[k]);
            ordered &= m.op.is_none() || (i < id && m.ordered);
        }
        let node = &mut self.nodes[id as usize];
        node.op = op;
        node.ins = ins;
        node.requires_grad = op.is_some();
        node.freed = false;
        node.has_adj = false;
        node.ordered = ordered;
        node.shape = Shape::SCALAR;
        node.scalar = value;
        node.refs = 1;
        // A free slot has no extra.
        debug_assert_eq!(node.extra, NONE);
        id
    }

    /// A new slot at the end of the arena.
    fn grow(&mut self) -> u32 {
        let id = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&i| i < MANY)
            .expect("more than 2³² − 2 live tensors");
        self.nodes.push(Node::EMPTY);
        id
    }

    /// The value of a node known to have one element.
    #[inline(always)]
    pub(crate) fn scalar_unchecked(&self, id: u32) -> f64 {
        let n = &self.nodes[id as usize];
        debug_assert_eq!(n.shape.numel(), 1);
        n.scalar
    }

    /// The values of node `id`.
    #[inline]
    pub(crate) fn value(&self, id: u32) -> &[f64] {
        let n = &self.nodes[id as usize];
        if n.shape.numel() == 1 {
            std::slice::from_ref(&n.scalar)
        } else {
            &self.extras[n.extra as usize].value
        }
    }

    /// The value of a one-element node, or `None`.
    #[inline]
    pub(crate) fn scalar(&self, id: u32) -> Option<f64> {
        let n = &self.nodes[id as usize];
        (n.shape.numel() == 1).then_some(n.scalar)
    }

    /// A copy of the values of node `id`.
    pub(crate) fn value_owned(&self, id: u32) -> Value {
        match self.scalar(id) {
            Some(v) => Value::Scalar(v),
            None => Value::Buf(self.value(id).to_vec()),
        }
    }

    /// The operands of node `id` (empty for leaves and freed nodes).
    #[inline]
    pub(crate) fn inputs(&self, id: u32) -> &[u32] {
        let n = &self.nodes[id as usize];
        if n.ins[0] == MANY {
            &self.extras[n.extra as usize].many
        } else {
            &n.ins[..inline_len(n.ins)]
        }
    }

    /// The operands of node `id` when they are inline (at most two): the
    /// array and the count.
    #[inline]
    pub(crate) fn inline_inputs(&self, id: u32) -> Option<([u32; 2], usize)> {
        let ins = self.nodes[id as usize].ins;
        (ins[0] != MANY).then(|| (ins, inline_len(ins)))
    }

    /// Operand `k` of node `id`.
    #[inline]
    pub(crate) fn input(&self, id: u32, k: usize) -> u32 {
        self.inputs(id)[k]
    }

    /// Number of operands of node `id`.
    #[inline]
    pub(crate) fn num_inputs(&self, id: u32) -> usize {
        let n = &self.nodes[id as usize];
        if n.ins[0] == MANY {
            self.extras[n.extra as usize].many.len()
        } else {
            inline_len(n.ins)
        }
    }

    /// Forgets the operands of node `id` (after its edges were handed to the
    /// caller for release); returns them.
    pub(crate) fn detach_inputs(&mut self, id: u32, out: &mut Vec<u32>) {
        let n = &mut self.nodes[id as usize];
        if n.ins[0] == MANY {
            out.append(&mut self.extras[n.extra as usize].many);
        } else {
            out.extend_from_slice(&n.ins[..inline_len(n.ins)]);
        }
        n.ins = [NONE; 2];
    }

    /// Takes the adjoint of node `id` out (zeros if it has none yet).
    #[inline]
    pub(crate) fn take_adj(&mut self, id: u32) -> Value {
        let n = &mut self.nodes[id as usize];
        let had = std::mem::replace(&mut n.has_adj, false);
        if n.shape.numel() == 1 {
            Value::Scalar(if had { n.adj } else { 0.0 })
        } else {
            let len = n.shape.numel();
            let e = n.extra;
            match self.extras[e as usize].adj.take() {
                Some(v) if had => Value::Buf(v),
                _ => Value::Buf(vec![0.0; len]),
            }
        }
    }

    /// Puts an adjoint back.
    #[inline]
    pub(crate) fn put_adj(&mut self, id: u32, adj: Value) {
        let n = &mut self.nodes[id as usize];
        n.has_adj = true;
        if n.shape.numel() == 1 {
            n.adj = adj.as_slice()[0];
        } else {
            self.extra_mut(id).adj = Some(match adj {
                Value::Buf(v) => v,
                Value::Scalar(v) => vec![v],
            });
        }
    }

    /// The gradient accumulated in leaf `id`.
    pub(crate) fn grad(&self, id: u32) -> Option<&[f64]> {
        let e = self.nodes[id as usize].extra;
        if e == NONE {
            None
        } else {
            self.extras[e as usize].grad.as_deref()
        }
    }

    /// Adds `g` into the gradient of leaf `id`.
    pub(crate) fn accumulate_grad(&mut self, id: u32, g: &[f64]) {
        let e = self.extra_mut(id);
        match &mut e.grad {
            Some(acc) => acc.iter_mut().zip(g).for_each(|(a, b)| *a += b),
            None => e.grad = Some(g.to_vec()),
        }
    }

    /// Sets the gradient of leaf `id` to zeros, if it has one.
    pub(crate) fn zero_grad(&mut self, id: u32) {
        let e = self.nodes[id as usize].extra;
        if e != NONE {
            if let Some(g) = &mut self.extras[e as usize].grad {
                g.fill(0.0);
            }
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
    #[inline]
    pub(crate) fn dec_ref(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        node.refs -= 1;
        if node.refs == 0 {
            self.free_cascade(id);
        }
    }

    /// Releases the edges of node `id`, just processed by a backward pass,
    /// and marks it freed. An operand left without references is freed at
    /// once if it does not require grad (no one needs its value), or doomed
    /// if it does: every operand of a processed node that requires grad is
    /// in the pass and its own VJP (or, for a leaf, its grad accumulation)
    /// is still pending and needs its value. `id` itself is freed if it was
    /// doomed.
    #[inline(always)]
    pub(crate) fn release_after_vjp(&mut self, id: u32, scratch: &mut Vec<u32>) {
        let ins = self.nodes[id as usize].ins;
        if ins[0] == MANY {
            self.release_many_after_vjp(id, scratch);
            return;
        }
        for &j in &ins[..inline_len(ins)] {
            self.release_edge(j);
        }
        self.finish_released(id);
    }

    /// Marks node `id`, whose edges were just released after its VJP, as
    /// freed, or frees it if it was doomed.
    #[inline(always)]
    pub(crate) fn finish_released(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        node.ins = [NONE; 2];
        if node.is_doomed() {
            // Freed at once; it never counts as `freed_live`.
            self.free_slot(id);
        } else {
            node.freed = true;
            self.freed_live += 1;
        }
    }

    /// [`release_after_vjp`](Arena::release_after_vjp) for a node with its
    /// operands in the extra.
    #[cold]
    fn release_many_after_vjp(&mut self, id: u32, scratch: &mut Vec<u32>) {
        scratch.clear();
        self.detach_inputs(id, scratch);
        for &j in scratch.iter() {
            self.release_edge(j);
        }
        self.finish_released(id);
    }

    #[inline]
    fn release_edge(&mut self, j: u32) {
        let m = &mut self.nodes[j as usize];
        m.refs -= 1;
        // Doomed (refs left at 0) if it requires grad.
        if m.refs == 0 && !m.requires_grad {
            self.free_cascade(j);
        }
    }

    /// Frees node `id` (whose count just reached zero) and, in turn, the
    /// operands left without references.
    pub(crate) fn free_cascade(&mut self, id: u32) {
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
            self.detach_inputs(id, &mut work);
            self.free_slot(id);
        }
        self.release = work;
    }

    /// Returns the slot of a node without references and operands to the
    /// free list.
    #[inline(always)]
    pub(crate) fn free_slot(&mut self, id: u32) {
        let node = &mut self.nodes[id as usize];
        node.op = None;
        node.has_adj = false;
        node.ins = [NONE; 2];
        if node.freed {
            node.freed = false;
            self.freed_live -= 1;
        }
        if node.extra != NONE {
            self.free_extra(id);
        }
        self.free.push(id);
    }

    /// Returns the extra of node `id` to its free list.
    #[cold]
    fn free_extra(&mut self, id: u32) {
        let e = std::mem::replace(&mut self.nodes[id as usize].extra, NONE);
        self.extras[e as usize] = Extra::default();
        self.free_extras.push(e);
    }

    /// Number of live nodes (for tests of memory release).
    pub(crate) fn live(&self) -> usize {
        self.nodes.len() - self.free.len
    }
}

/// The free slots of the arena, handed out lowest first (a LIFO list would
/// hand the slot of the last tensor dropped, often the loss of the previous
/// graph and high up, to the first node of the next graph, so that its
/// graph would not be sorted by slot).
#[derive(Default)]
struct FreeSlots {
    /// Bit `i % 64` of `words[i / 64]` is set when slot `i` is free.
    words: Vec<u64>,
    /// Bit `w % 64` of `summary[w / 64]` is set when `words[w]` is not 0,
    /// so that finding the lowest free slot skips 4096 taken ones per word
    /// read.
    summary: Vec<u64>,
    /// No word below this one has a bit set.
    low: usize,
    /// Number of free slots.
    len: usize,
}

impl FreeSlots {
    const EMPTY: FreeSlots = FreeSlots {
        words: Vec::new(),
        summary: Vec::new(),
        low: 0,
        len: 0,
    };

    #[inline(always)]
    fn push(&mut self, id: u32) {
        let i = id as usize;
        let w = i / 64;
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
            self.summary.resize(w / 64 + 1, 0);
        }
        let word = self.words[w];
        if word == 0 {
            self.summary[w / 64] |= 1 << (w % 64);
        }
        self.words[w] = word | 1 << (i % 64);
        self.low = self.low.min(w);
        self.len += 1;
    }

    /// The lowest free slot, taken.
    #[inline(always)]
    fn pop(&mut self) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let mut w = self.low;
        let mut word = self.words[w];
        if word == 0 {
            w = self.find_word();
            self.low = w;
            word = self.words[w];
        }
        let rest = word & (word - 1);
        self.words[w] = rest;
        if rest == 0 {
            self.summary[w / 64] &= !(1 << (w % 64));
        }
        self.len -= 1;
        Some((w * 64 + word.trailing_zeros() as usize) as u32)
    }

    /// The lowest word with a free slot (there is one).
    #[cold]
    fn find_word(&self) -> usize {
        let mut s = self.low / 64;
        while self.summary[s] == 0 {
            s += 1;
        }
        s * 64 + self.summary[s].trailing_zeros() as usize
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nodes_stay_small() {
        assert!(
            std::mem::size_of::<super::Node>() <= 80,
            "{}",
            std::mem::size_of::<super::Node>()
        );
    }

    #[test]
    fn free_slots_come_lowest_first() {
        let mut f = super::FreeSlots::default();
        // Spread over several words and summary words.
        let ids = [9000u32, 3, 64, 4095, 4096, 0, 70, 12345, 63];
        for &i in &ids {
            f.push(i);
        }
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(f.pop().unwrap());
        }
        assert_eq!(got, sorted[..4]);
        // Slots returned in between are found again.
        f.push(1);
        f.push(5000);
        assert_eq!(f.pop(), Some(1));
        let rest: Vec<u32> = std::iter::from_fn(|| f.pop()).collect();
        let mut want = sorted[4..].to_vec();
        want.push(5000);
        want.sort_unstable();
        assert_eq!(rest, want);
        assert_eq!(f.len, 0);
    }
}
