//! Index sets: for every register, the sorted set of tape inputs its value
//! depends on, stored in one pool.
//!
//! A register's set is a span (start, length) of the pool. Ops that do not
//! mix elements (unary elementwise ops, transposes, concatenation, a binary
//! op against a constant) give their result the *same span* as their
//! operand, so a chain of elementwise ops costs one span per register and no
//! new pool entries. New sets are appended; nothing is ever freed until the
//! analysis ends. Memory is therefore the number of registers times 12
//! bytes plus the total size of the sets that had to be built.

use super::SparsityError;

/// Per-register index sets over the tape inputs.
pub(super) struct IndexSets {
    pool: Vec<u32>,
    start: Vec<usize>,
    len: Vec<u32>,
    /// Largest pool size allowed before the analysis gives up.
    limit: usize,
    /// Stamps over the inputs for unions of many sets.
    stamp: Vec<u32>,
    epoch: u32,
    /// Scratch for the set being built.
    scratch: Vec<u32>,
}

impl IndexSets {
    /// Registers `0..num_inputs` get `{i}`; all others start empty.
    pub(super) fn new(num_registers: usize, num_inputs: usize, limit: usize) -> Self {
        let mut start = vec![0; num_registers];
        let mut len = vec![0; num_registers];
        for i in 0..num_inputs {
            start[i] = i;
            len[i] = 1;
        }
        Self {
            pool: (0..num_inputs as u32).collect(),
            start,
            len,
            limit,
            stamp: vec![0; num_inputs],
            epoch: 0,
            scratch: Vec::new(),
        }
    }

    /// The set of register `r`.
    #[inline]
    pub(super) fn get(&self, r: usize) -> &[u32] {
        let s = self.start[r];
        &self.pool[s..s + self.len[r] as usize]
    }

    /// The span of register `r` (identifies shared sets).
    #[inline]
    pub(super) fn span(&self, r: usize) -> (usize, u32) {
        (self.start[r], self.len[r])
    }

    /// Register `dst` gets the same set as `src`.
    #[inline]
    pub(super) fn share(&mut self, dst: usize, src: usize) {
        self.start[dst] = self.start[src];
        self.len[dst] = self.len[src];
    }

    /// Register `dst` gets the empty set.
    #[inline]
    pub(super) fn clear(&mut self, dst: usize) {
        self.len[dst] = 0;
    }

    /// Register `dst` gets set(a) ∪ set(b).
    pub(super) fn union2(&mut self, dst: usize, a: usize, b: usize) -> Result<(), SparsityError> {
        let (sa, sb) = (self.span(a), self.span(b));
        if sb.1 == 0 || sa == sb {
            self.share(dst, a);
            return Ok(());
        }
        if sa.1 == 0 {
            self.share(dst, b);
            return Ok(());
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let (x, y) = (self.get(a), self.get(b));
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            let (p, q) = (x[i], y[j]);
            out.push(p.min(q));
            i += usize::from(p <= q);
            j += usize::from(q <= p);
        }
        out.extend_from_slice(&x[i..]);
        out.extend_from_slice(&y[j..]);
        // One set contains the other: share it (keeps cliques on it deduplicated).
        let res = if out.len() == x.len() {
            self.share(dst, a);
            Ok(())
        } else if out.len() == y.len() {
            self.share(dst, b);
            Ok(())
        } else {
            self.push(dst, &out)
        };
        self.scratch = out;
        res
    }

    /// Register `dst` gets the union of the sets of `regs`.
    pub(super) fn union_many(
        &mut self,
        dst: usize,
        regs: impl Iterator<Item = usize>,
    ) -> Result<(), SparsityError> {
        self.collect_union(regs);
        let out = std::mem::take(&mut self.scratch);
        let res = self.push(dst, &out);
        self.scratch = out;
        res
    }

    /// Leaves the sorted union of the sets of `regs` in `self.scratch`.
    fn collect_union(&mut self, regs: impl Iterator<Item = usize>) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        self.scratch.clear();
        for r in regs {
            let s = self.start[r];
            for &i in &self.pool[s..s + self.len[r] as usize] {
                let st = &mut self.stamp[i as usize];
                if *st != epoch {
                    *st = epoch;
                    self.scratch.push(i);
                }
            }
        }
        self.scratch.sort_unstable();
    }

    /// Register `dst` gets the sorted set `items` (appended to the pool).
    fn push(&mut self, dst: usize, items: &[u32]) -> Result<(), SparsityError> {
        if self.pool.len() + items.len() > self.limit {
            return Err(SparsityError::TooDense {
                what: "index sets",
                limit: self.limit,
            });
        }
        self.start[dst] = self.pool.len();
        self.len[dst] = items.len() as u32;
        self.pool.extend_from_slice(items);
        Ok(())
    }
}
