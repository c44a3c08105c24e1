//! Sparsity detection by index-set propagation over a compiled program.
//!
//! Three passes over the instruction lists, each linear in the program size
//! (plus the size of the sets they build):
//!
//! 1. **Liveness** (reverse): which registers reach the outputs whose
//!    Jacobian is wanted (bit [`JAC`]) and those whose Hessian is wanted
//!    (bit [`HESS`]). Elementwise ops are followed element by element, so a
//!    slice feeding one constraint does not make its whole operand live.
//! 2. **Index sets** (forward): for every live register, the set of inputs
//!    it depends on (see [`IndexSets`]). The Jacobian row of an output is the
//!    set of its register. A product with a constant whose value is 0
//!    contributes nothing (structural zeros of constant matrices and vectors
//!    stay zeros).
//! 3. **Nonlinear interactions** (during 2): every op whose result is
//!    Hessian-live and whose second derivative is not identically zero adds
//!    the pairs of inputs it couples: for y = φ(u) with φ'' ≢ 0 all pairs of
//!    set(u) (a clique); for y = a·b the cross pairs set(a) × set(b); for
//!    a / b the cross pairs and the clique of set(b); for dot products the
//!    cross pairs element by element. Linear ops add nothing. This is the
//!    forward "nonlinear interaction domain" method (Walther 2008), exact
//!    for the structure of the program when every op is live.
//!
//! Pairs are stored lower-triangular (row ≥ col) and bucketed by column at
//! the end, so the Hessian pattern costs O(pairs + n).

use super::super::instr::{Block, Program, ScalarOp, TensorInstr};
use super::index_sets::IndexSets;
use super::SparsityError;
use crate::autodiff::ops::{BinaryFn, Elementwise, Linalg, Move, Op, Reduce, UnaryFn};
use std::collections::HashSet;

/// Liveness bit: the register reaches an output whose Jacobian is wanted.
pub(super) const JAC: u8 = 1;
/// Liveness bit: the register reaches an output whose Hessian is wanted.
pub(super) const HESS: u8 = 2;
/// Liveness bit: the register's index set is needed, because it reaches an
/// operand of a Hessian-live nonlinear op (whose pairs are built from the
/// operands' sets). A long scalar sum feeding only the objective needs no
/// sets at all, which keeps `x0^2 + x1^2 + …` written term by term linear.
pub(super) const NEED: u8 = 4;

/// The bits an operand inherits from a result with bits `m` through an op
/// that is (or is not) nonlinear at that element.
#[inline]
fn inherit(m: u8, nonlinear: bool) -> u8 {
    if nonlinear && m & HESS != 0 {
        m | NEED
    } else {
        m
    }
}

/// Whether a binary op couples its operands (f'' ≢ 0), given which are dynamic.
fn binary_is_nonlinear(f: BinaryFn, dyn_a: bool, dyn_b: bool) -> bool {
    match f {
        BinaryFn::Add | BinaryFn::Sub => false,
        BinaryFn::Mul => dyn_a && dyn_b,
        BinaryFn::Div => dyn_b,
        BinaryFn::Pow => dyn_a || dyn_b,
    }
}

/// Cliques at least this large are remembered, so that a chain of nonlinear
/// ops on one shared set emits its pairs once.
const REMEMBER_CLIQUE: u32 = 4;

/// What detection found.
pub(super) struct Detected {
    /// Jacobian rows (CSR): row k is output `jac_outputs.start + k`.
    pub(super) jac_ptr: Vec<usize>,
    pub(super) jac_cols: Vec<u32>,
    /// Lower-triangular Hessian pattern (CSC): column j holds rows ≥ j, sorted.
    pub(super) hess_ptr: Vec<usize>,
    pub(super) hess_rows: Vec<u32>,
}

/// Runs the passes for Jacobian rows `jac_outputs` and the Hessian of any
/// combination of `hess_outputs` (ranges of tape output indices).
pub(super) fn detect(
    prog: &Program,
    consts: &[f64],
    jac_outputs: std::ops::Range<usize>,
    hess_outputs: std::ops::Range<usize>,
    limit: usize,
) -> Result<Detected, SparsityError> {
    let num_regs = consts.len();
    let n = prog.num_inputs;
    let mut live = vec![0u8; num_regs];
    for k in jac_outputs.clone() {
        live[prog.outputs[k]] |= JAC;
    }
    for k in hess_outputs {
        live[prog.outputs[k]] |= HESS;
    }
    liveness(prog, consts, &mut live);

    let mut pass = Propagation {
        consts,
        live: &live,
        sets: IndexSets::new(num_regs, n, limit),
        pairs: Vec::new(),
        cliques: HashSet::new(),
        limit,
    };
    for block in &prog.blocks {
        match *block {
            Block::Scalar { start, end } => {
                for ins in &prog.scalar[start..end] {
                    pass.scalar(ins.op, ins.a as usize, ins.b as usize, ins.out as usize)?;
                }
            }
            Block::Tensor(i) => pass.tensor(&prog.tensor[i])?,
            Block::Tiled(_) => unreachable!("tiled runs are only in fast_blocks"),
        }
    }

    let mut jac_ptr = Vec::with_capacity(jac_outputs.len() + 1);
    jac_ptr.push(0);
    let mut jac_cols = Vec::new();
    for k in jac_outputs {
        jac_cols.extend_from_slice(pass.sets.get(prog.outputs[k]));
        jac_ptr.push(jac_cols.len());
    }
    let pairs = std::mem::take(&mut pass.pairs);
    drop(pass);
    let (hess_ptr, hess_rows) = bucket_pairs(n, &pairs);
    Ok(Detected {
        jac_ptr,
        jac_cols,
        hess_ptr,
        hess_rows,
    })
}

/// Whether a binary op's operands line up element by element with the result
/// (operand `len` 1 is a broadcast scalar).
#[inline]
fn elem(off: usize, len: usize, i: usize) -> usize {
    if len == 1 {
        off
    } else {
        off + i
    }
}

/// Reverse liveness sweep: an instruction's operands inherit the bits of the
/// results they feed.
fn liveness(prog: &Program, consts: &[f64], live: &mut [u8]) {
    for block in prog.blocks.iter().rev() {
        match *block {
            Block::Scalar { start, end } => {
                for ins in prog.scalar[start..end].iter().rev() {
                    let m = live[ins.out as usize];
                    if m != 0 && ins.op != ScalarOp::Unary(UnaryFn::MulC(0.0)) {
                        let nonlinear = match ins.op {
                            ScalarOp::Unary(u) => !unary_is_linear(u),
                            ScalarOp::Binary(f) => binary_is_nonlinear(f, true, true),
                        };
                        let m = inherit(m, nonlinear);
                        live[ins.a as usize] |= m;
                        live[ins.b as usize] |= m;
                    }
                }
            }
            Block::Tiled(_) => unreachable!("tiled runs are only in fast_blocks"),
            Block::Tensor(i) => {
                let ins = &prog.tensor[i];
                let out = ins.out.range();
                match ins.op {
                    Op::Unary(u) => {
                        if u != UnaryFn::MulC(0.0) {
                            let a = ins.args[0].off;
                            let nonlinear = !unary_is_linear(u);
                            for (i, r) in out.enumerate() {
                                live[a + i] |= inherit(live[r], nonlinear);
                            }
                        }
                    }
                    Op::Binary(f) => {
                        // A product with a constant 0 does not depend on the
                        // other factor: nothing behind it is live through it.
                        let zero = |k: usize, i: usize| {
                            let a = ins.args[k];
                            f == BinaryFn::Mul
                                && !ins.dynamic[k]
                                && consts[elem(a.off, a.shape.numel(), i)] == 0.0
                        };
                        let nonlinear = binary_is_nonlinear(f, ins.dynamic[0], ins.dynamic[1]);
                        for (k, a) in ins.args.iter().enumerate() {
                            let len = a.shape.numel();
                            for (i, r) in out.clone().enumerate() {
                                let m = live[r];
                                if m != 0 && !zero(1 - k, i) {
                                    live[elem(a.off, len, i)] |= inherit(m, nonlinear);
                                }
                            }
                        }
                    }
                    Op::Reduce(Reduce::Dot) => {
                        let m = inherit(live[out.start], ins.dynamic[0] && ins.dynamic[1]);
                        if m != 0 {
                            let (a, b) = (ins.args[0], ins.args[1]);
                            for i in 0..a.shape.numel() {
                                let za = !ins.dynamic[0] && consts[a.off + i] == 0.0;
                                let zb = !ins.dynamic[1] && consts[b.off + i] == 0.0;
                                if !zb {
                                    live[a.off + i] |= m;
                                }
                                if !za {
                                    live[b.off + i] |= m;
                                }
                            }
                        }
                    }
                    Op::Move(Move::Concat) => {
                        let mut o = out.start;
                        for a in &ins.args {
                            for r in a.range() {
                                live[r] |= live[o];
                                o += 1;
                            }
                        }
                    }
                    _ => {
                        let nonlinear = match ins.op {
                            Op::Reduce(r) => r == Reduce::Norm,
                            Op::Linalg(Linalg::MatMul) => ins.dynamic.iter().all(|&d| d),
                            Op::Linalg(Linalg::LogDet) => true,
                            _ => false,
                        };
                        let m = inherit(live[out].iter().fold(0, |m, &b| m | b), nonlinear);
                        if m != 0 {
                            for a in &ins.args {
                                live[a.range()].iter_mut().for_each(|b| *b |= m);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether f'' is identically zero (the op adds no interactions).
fn unary_is_linear(u: UnaryFn) -> bool {
    u.is_linear()
        || matches!(
            u,
            UnaryFn::Map(Elementwise::Abs) | UnaryFn::Powf(0.0) | UnaryFn::Powf(1.0)
        )
}

/// The forward pass state.
struct Propagation<'p> {
    /// The register file: constants hold their (fixed) values.
    consts: &'p [f64],
    live: &'p [u8],
    sets: IndexSets,
    /// Interactions (row, col) with row ≥ col.
    pairs: Vec<(u32, u32)>,
    cliques: HashSet<(usize, u32)>,
    limit: usize,
}

impl Propagation<'_> {
    fn check_pairs(&self) -> Result<(), SparsityError> {
        if self.pairs.len() > self.limit {
            return Err(SparsityError::TooDense {
                what: "Hessian interactions",
                limit: self.limit,
            });
        }
        Ok(())
    }

    /// All pairs of set(r).
    fn clique(&mut self, r: usize) -> Result<(), SparsityError> {
        let span = self.sets.span(r);
        if span.1 >= REMEMBER_CLIQUE && !self.cliques.insert(span) {
            return Ok(());
        }
        let s = self.sets.get(r);
        for (k, &i) in s.iter().enumerate() {
            for &j in &s[..=k] {
                self.pairs.push((i, j));
            }
        }
        self.check_pairs()
    }

    /// set(a) × set(b), both orders folded into the lower triangle.
    fn cross(&mut self, a: usize, b: usize) -> Result<(), SparsityError> {
        if self.sets.span(a) == self.sets.span(b) {
            return self.clique(a);
        }
        let (x, y) = (self.sets.get(a), self.sets.get(b));
        for &i in x {
            for &j in y {
                self.pairs.push((i.max(j), i.min(j)));
            }
        }
        self.check_pairs()
    }

    fn hess_live(&self, r: usize) -> bool {
        self.live[r] & HESS != 0
    }

    /// Whether register r's own index set is needed (a Jacobian row or an
    /// operand of a nonlinear op, directly or through other ops).
    fn needs_set(&self, r: usize) -> bool {
        self.live[r] & (JAC | NEED) != 0
    }

    /// Pairs of an elementwise binary op on registers a, b (each possibly
    /// constant: `dyn_*` false).
    fn binary_pairs(
        &mut self,
        f: BinaryFn,
        a: usize,
        b: usize,
        dyn_a: bool,
        dyn_b: bool,
    ) -> Result<(), SparsityError> {
        match f {
            BinaryFn::Add | BinaryFn::Sub => Ok(()),
            BinaryFn::Mul => {
                if dyn_a && dyn_b {
                    self.cross(a, b)
                } else {
                    Ok(())
                }
            }
            BinaryFn::Div => {
                if dyn_b {
                    self.clique(b)?;
                    if dyn_a {
                        self.cross(a, b)?;
                    }
                }
                Ok(())
            }
            BinaryFn::Pow => {
                if dyn_a {
                    self.clique(a)?;
                }
                if dyn_b {
                    self.clique(b)?;
                }
                if dyn_a && dyn_b {
                    self.cross(a, b)?;
                }
                Ok(())
            }
        }
    }

    fn scalar(
        &mut self,
        op: ScalarOp,
        a: usize,
        b: usize,
        out: usize,
    ) -> Result<(), SparsityError> {
        if self.live[out] == 0 {
            return Ok(());
        }
        match op {
            ScalarOp::Unary(u) => {
                if u == UnaryFn::MulC(0.0) {
                    self.sets.clear(out);
                    return Ok(());
                }
                self.sets.share(out, a);
                if self.hess_live(out) && !unary_is_linear(u) {
                    self.clique(a)?;
                }
            }
            ScalarOp::Binary(f) => {
                if self.needs_set(out) {
                    self.sets.union2(out, a, b)?;
                }
                if self.hess_live(out) {
                    self.binary_pairs(f, a, b, true, true)?;
                }
            }
        }
        Ok(())
    }

    /// Whether register `r` of a constant operand holds the value 0.
    fn const_zero(&self, r: usize) -> bool {
        self.consts[r] == 0.0
    }

    fn tensor(&mut self, ins: &TensorInstr) -> Result<(), SparsityError> {
        let out = ins.out.range();
        if self.live[out.clone()].iter().all(|&m| m == 0) {
            return Ok(());
        }
        match ins.op {
            Op::Unary(u) => {
                let a = ins.args[0].off;
                for (i, r) in out.enumerate() {
                    if u == UnaryFn::MulC(0.0) {
                        self.sets.clear(r);
                        continue;
                    }
                    self.sets.share(r, a + i);
                    if self.hess_live(r) && !unary_is_linear(u) {
                        self.clique(a + i)?;
                    }
                }
            }
            Op::Binary(f) => {
                let (a, b) = (ins.args[0], ins.args[1]);
                let (la, lb) = (a.shape.numel(), b.shape.numel());
                let (da, db) = (ins.dynamic[0], ins.dynamic[1]);
                for (i, r) in out.enumerate() {
                    let (ra, rb) = (elem(a.off, la, i), elem(b.off, lb, i));
                    let zero_factor = f == BinaryFn::Mul
                        && ((!da && self.const_zero(ra)) || (!db && self.const_zero(rb)));
                    if zero_factor {
                        self.sets.clear(r);
                        continue;
                    }
                    if self.needs_set(r) {
                        self.sets.union2(r, ra, rb)?;
                    }
                    if self.hess_live(r) {
                        self.binary_pairs(f, ra, rb, da, db)?;
                    }
                }
            }
            Op::Reduce(red) => self.reduce(red, ins)?,
            Op::Linalg(Linalg::MatMul) => self.matmul(ins)?,
            Op::Linalg(Linalg::Transpose) => {
                let a = ins.args[0];
                if a.shape.ndim() == 2 {
                    let (rows, cols) = (a.shape.dim(0), a.shape.dim(1));
                    for i in 0..rows {
                        for j in 0..cols {
                            self.sets
                                .share(out.start + j * rows + i, a.off + i * cols + j);
                        }
                    }
                } else {
                    for (i, r) in out.enumerate() {
                        self.sets.share(r, a.off + i);
                    }
                }
            }
            Op::Linalg(Linalg::LogDet) => {
                let a = ins.args[0];
                if self.needs_set(out.start) || self.hess_live(out.start) {
                    self.sets.union_many(out.start, a.range())?;
                }
                if self.hess_live(out.start) {
                    self.clique(out.start)?;
                }
            }
            Op::Move(m) => {
                let mut o = out.start;
                match m.range(ins.args[0].shape) {
                    Some((start, len)) => {
                        for r in ins.args[0].off + start..ins.args[0].off + start + len {
                            self.sets.share(o, r);
                            o += 1;
                        }
                    }
                    None => {
                        for a in &ins.args {
                            for r in a.range() {
                                self.sets.share(o, r);
                                o += 1;
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn reduce(&mut self, red: Reduce, ins: &TensorInstr) -> Result<(), SparsityError> {
        let y = ins.out.off;
        let a = ins.args[0];
        match red {
            Reduce::Sum | Reduce::Mean => {
                if self.needs_set(y) {
                    self.sets.union_many(y, a.range())?;
                }
            }
            Reduce::Norm => {
                if self.needs_set(y) || self.hess_live(y) {
                    self.sets.union_many(y, a.range())?;
                }
                if self.hess_live(y) {
                    self.clique(y)?;
                }
            }
            Reduce::Dot => {
                let b = ins.args[1];
                let (da, db) = (ins.dynamic[0], ins.dynamic[1]);
                // Elements multiplied by a constant 0 contribute nothing.
                let keep = |i: usize, s: &Self| {
                    (da || !s.const_zero(a.off + i)) && (db || !s.const_zero(b.off + i))
                };
                let kept: Vec<usize> = (0..a.shape.numel()).filter(|&i| keep(i, self)).collect();
                if self.needs_set(y) {
                    let regs = kept
                        .iter()
                        .flat_map(|&i| [a.off + i, b.off + i])
                        .collect::<Vec<_>>();
                    self.sets.union_many(y, regs.into_iter())?;
                }
                if self.hess_live(y) && da && db {
                    for &i in &kept {
                        self.cross(a.off + i, b.off + i)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Y = A B: Y[i,k] depends on A[i,j] where B[j,k] is not a constant 0 and
    /// on B[j,k] where A[i,j] is not a constant 0; when both are dynamic the
    /// products couple set(A[i,j]) × set(B[j,k]).
    fn matmul(&mut self, ins: &TensorInstr) -> Result<(), SparsityError> {
        let (a, b) = (ins.args[0], ins.args[1]);
        let (da, db) = (ins.dynamic[0], ins.dynamic[1]);
        let (m, p) = match a.shape.ndim() {
            2 => (a.shape.dim(0), a.shape.dim(1)),
            _ => (1, a.shape.numel()),
        };
        let q = match b.shape.ndim() {
            2 => b.shape.dim(1),
            _ => 1,
        };
        let mut regs = Vec::new();
        for i in 0..m {
            for k in 0..q {
                let y = ins.out.off + i * q + k;
                if self.live[y] == 0 {
                    continue;
                }
                if !self.needs_set(y) {
                    if da && db && self.hess_live(y) {
                        for j in 0..p {
                            self.cross(a.off + i * p + j, b.off + j * q + k)?;
                        }
                    }
                    continue;
                }
                regs.clear();
                for j in 0..p {
                    let (ra, rb) = (a.off + i * p + j, b.off + j * q + k);
                    let a_nz = da || !self.const_zero(ra);
                    let b_nz = db || !self.const_zero(rb);
                    if a_nz && b_nz {
                        if da {
                            regs.push(ra);
                        }
                        if db {
                            regs.push(rb);
                        }
                    }
                }
                self.sets.union_many(y, regs.iter().copied())?;
                if da && db && self.hess_live(y) {
                    for j in 0..p {
                        self.cross(a.off + i * p + j, b.off + j * q + k)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Sorts and deduplicates lower-triangular pairs into CSC (column pointers,
/// row indices sorted within each column), by counting sort on columns.
fn bucket_pairs(n: usize, pairs: &[(u32, u32)]) -> (Vec<usize>, Vec<u32>) {
    let mut ptr = vec![0usize; n + 1];
    for &(_, c) in pairs {
        ptr[c as usize + 1] += 1;
    }
    for j in 0..n {
        ptr[j + 1] += ptr[j];
    }
    let mut rows = vec![0u32; pairs.len()];
    let mut next = ptr.clone();
    for &(r, c) in pairs {
        rows[next[c as usize]] = r;
        next[c as usize] += 1;
    }
    // Sort and deduplicate each column in place, compacting as we go.
    let mut out_ptr = Vec::with_capacity(n + 1);
    out_ptr.push(0);
    let mut w = 0;
    for j in 0..n {
        let (s, e) = (ptr[j], ptr[j + 1]);
        rows[s..e].sort_unstable();
        let mut last = u32::MAX;
        for k in s..e {
            let r = rows[k];
            if r != last {
                rows[w] = r;
                w += 1;
                last = r;
            }
        }
        out_ptr.push(w);
    }
    rows.truncate(w);
    rows.shrink_to_fit();
    (out_ptr, rows)
}

/// Per-column sets of a symmetric matrix from its lower triangle: the full
/// (both triangles) adjacency, as CSR, and whether each diagonal entry is in
/// the pattern.
pub(super) fn symmetric_adjacency(
    n: usize,
    ptr: &[usize],
    rows: &[u32],
) -> (Vec<usize>, Vec<u32>, Vec<bool>) {
    let mut deg = vec![0usize; n + 1];
    let mut diag = vec![false; n];
    for j in 0..n {
        for &r in &rows[ptr[j]..ptr[j + 1]] {
            let r = r as usize;
            if r == j {
                diag[j] = true;
            } else {
                deg[j + 1] += 1;
                deg[r + 1] += 1;
            }
        }
    }
    for j in 0..n {
        deg[j + 1] += deg[j];
    }
    let mut adj = vec![0u32; deg[n]];
    let mut next = deg.clone();
    for j in 0..n {
        for &r in &rows[ptr[j]..ptr[j + 1]] {
            let r = r as usize;
            if r != j {
                adj[next[j]] = r as u32;
                next[j] += 1;
                adj[next[r]] = j as u32;
                next[r] += 1;
            }
        }
    }
    (deg, adj, diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_sort_and_deduplicate() {
        let pairs = [(2, 0), (0, 0), (2, 0), (1, 1), (2, 1), (1, 0)];
        let (ptr, rows) = bucket_pairs(3, &pairs);
        assert_eq!(ptr, vec![0, 3, 5, 5]);
        assert_eq!(rows, vec![0, 1, 2, 1, 2]);
    }

    #[test]
    fn adjacency_has_both_triangles() {
        // Lower triangle of a 3x3 arrowhead on node 0: (0,0),(1,0),(2,0),(1,1)
        let (ptr, adj, diag) = symmetric_adjacency(3, &[0, 3, 4, 4], &[0, 1, 2, 1]);
        assert_eq!(ptr, vec![0, 2, 3, 4]);
        assert_eq!(adj, vec![1, 2, 0, 0]);
        assert_eq!(diag, vec![true, true, false]);
    }
}
