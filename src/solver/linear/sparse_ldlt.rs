//! Sparse LDLᵀ factorization of the regularized KKT matrix
//!
//! ```text
//! K(δ, γ) = [ W + δI   Jᵀ  ]
//!           [ J       −γI  ]
//! ```
//!
//! in faer's compressed sparse column format (lower triangle).
//!
//! The structure of K (the diagonal, the Hessian pattern, the Jacobian
//! pattern) is built once from the problem's patterns, together with a map
//! from every pattern entry to its slot in the CSC value array: each
//! assembly only scatters values. The symbolic analysis (AMD fill-reducing
//! ordering, elimination tree, supernodal or simplicial structure chosen by
//! faer) is done once too and reused by every numeric factorization.
//!
//! The numeric factorization is LDLᵀ *without pivoting* (faer's sparse
//! Cholesky module), so the inertia is read from the signs of D. With the
//! inertia correction's δ, γ the matrix is quasi-definite in the cases that
//! matter (W + δI positive definite, γ > 0), where such a factorization
//! exists for every symmetric ordering and is stable. Elsewhere a pivot may
//! vanish merely from the order (a zero Hessian diagonal met first): pivots
//! at or below the zero tolerance are replaced by ±10⁻⁸‖K‖ (their sign
//! kept), so the factors are those of K + E with a tiny diagonal E, which
//! has the inertia of K when K is safely nonsingular; a probe solve checks
//! that (refinement against K converges), and otherwise the replaced
//! pivots are reported as zero eigenvalues. Every solve is refined
//! iteratively against K itself, which also repairs the effect of tiny
//! pivots.
//!
//! The elimination order is AMD on the pattern of K, adjusted so that each
//! constraint follows the variable it is matched with (see
//! `kkt_ordering`); K is stored already permuted, in the triangle faer's
//! factorization reads, so no factorization permutes or transposes it.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::ldlt::factor::{LdltParams, LdltRegularization};
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, simplicial, supernodal, supernodal::SupernodalLdltRef,
    CholeskySymbolicParams, LdltRef, SymbolicCholesky, SymbolicCholeskyRaw, SymmetricOrdering,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMat, SymbolicSparseColMatRef};
use faer::{Auto, Conj, Mat, Par, Side};

use super::equilibrate;
use super::gmres::Gmres;
use super::Inertia;
use crate::solver::kkt::Diagonal;
use crate::solver::nlp::SparsityPattern;
use crate::solver::vector::inf_norm;

/// Largest number of iterative-refinement steps per solve.
const MAX_REFINEMENT: usize = 3;
/// Refinement stops once ‖b − K z‖∞ is below this times ‖K‖·‖z‖∞ + ‖b‖∞.
const REFINEMENT_TOLERANCE: f64 = 1e-14;
/// A probe solve whose refined residual stays above this (relative, as
/// above) shows K singular.
const PROBE_TOLERANCE: f64 = 1e-10;
/// ... and so does one whose residual stays above this times ‖b‖∞: against a
/// singular K the relative test alone can pass, with a huge z (the backward
/// error ‖r‖/(‖K‖‖z‖) of z → ∞ along the replaced pivot's direction goes to
/// zero while ‖r‖ stays at b's distance from the range of K, of the order
/// of ‖b‖ for a generic b and a null vector that is not spread over
/// millions of entries). A legitimately ill-conditioned K (a 10⁶-link
/// chain, cond ≈ 3·10¹¹) leaves 10⁻⁷ at most.
const PROBE_RESIDUAL: f64 = 1e-4;
/// Krylov vectors per GMRES cycle (a replaced pivot costs about one
/// iteration, see [`Gmres`]). Each costs two vectors of K's dimension
/// (flexible GMRES keeps M⁻¹vⱼ too): 160 MB per 10⁶ rows at 10.
const GMRES_RESTART: usize = 10;
/// GMRES restarts before the solve gives up improving.
const GMRES_CYCLES: usize = 6;
/// Replacement of a (near-)zero pivot, relative to the largest entry of K.
const PIVOT_REPLACEMENT: f64 = 1e-8;

/// The KKT structure, its symbolic factorization, the numeric factors and
/// the workspaces of the solves, for one pair of patterns.
pub struct SparseKkt {
    n: usize,
    m: usize,
    /// One triangle of P K Pᵀ in CSC form (upper for a simplicial, lower
    /// for a supernodal factorization), and its values.
    structure: SymbolicSparseColMat<usize>,
    values: Vec<f64>,
    /// The elimination order: row `forward[k]` of K is row k of P K Pᵀ.
    forward: Vec<usize>,
    /// Slot in `values` of each diagonal entry, Hessian and Jacobian
    /// pattern entry.
    diag_slot: Vec<usize>,
    hess_slot: Vec<usize>,
    jac_slot: Vec<usize>,
    symbolic: SymbolicCholesky<usize>,
    factors: Vec<f64>,
    factor_mem: MemBuffer,
    solve_mem: MemBuffer,
    rhs: Mat<f64>,
    original: Vec<f64>,
    residual: Vec<f64>,
    solution: Vec<f64>,
    /// The equilibration S (permuted order): `values` hold S K S.
    scale: Vec<f64>,
    /// Row maxima (workspace of the equilibration).
    row_max: Vec<f64>,
    max_abs: f64,
    factored: bool,
    /// Right-hand side of the nonsingularity probe.
    probe: Vec<f64>,
    /// Whether the last solve's refinement reached [`PROBE_TOLERANCE`].
    last_refinement_converged: bool,
    /// Pivots the last factorization replaced (refinement then needs
    /// GMRES rather than plain correction steps).
    replaced: usize,
    /// Krylov workspace for refinement against K when plain steps stall.
    gmres: Gmres,
}

impl std::fmt::Debug for SparseKkt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparseKkt")
            .field("n", &self.n)
            .field("m", &self.m)
            .field("nnz", &self.values.len())
            .field("factor_nnz", &self.factors.len())
            .field("factored", &self.factored)
            .finish_non_exhaustive()
    }
}

impl SparseKkt {
    /// Builds the structure of K for a Hessian pattern (n × n, row ≥ col)
    /// and a Jacobian pattern (m × n), and its symbolic factorization.
    /// The patterns must have been checked (indices in range).
    pub fn new(hessian: &SparsityPattern, jacobian: &SparsityPattern) -> Result<Self, String> {
        let n = hessian.ncols;
        let m = jacobian.nrows;
        let dim = n + m;
        let (hnnz, jnnz) = (hessian.nnz(), jacobian.nnz());
        let total = dim + hnnz + jnnz;
        // Entry e: the diagonal (e < dim), then the Hessian, then the
        // Jacobian (row n + i, column j: below the diagonal).
        let entry = |e: usize| -> (usize, usize) {
            if e < dim {
                (e, e)
            } else if e < dim + hnnz {
                let k = e - dim;
                let (r, c) = (hessian.rows[k], hessian.cols[k]);
                (r.max(c), r.min(c))
            } else {
                let k = e - dim - hnnz;
                (n + jacobian.rows[k], jacobian.cols[k])
            }
        };
        // The structure of K (lower triangle) for the ordering, then the
        // structure of P K Pᵀ in the triangle faer's numeric factorization
        // reads (upper for simplicial, lower for supernodal), so that each
        // factorization factors the stored matrix as it is, without
        // permuting it first.
        let (forward, inverse) = {
            let (col_ptr, row_idx, _) = build_csc(dim, total, false, entry);
            let structure =
                SymbolicSparseColMatRef::new_checked(dim, dim, &col_ptr, None, &row_idx);
            kkt_ordering(structure, jacobian)?
        };
        let permuted = |e: usize| -> (usize, usize) {
            let (r, c) = entry(e);
            let (a, b) = (inverse[r], inverse[c]);
            (a.max(b), a.min(b))
        };
        // faer's symbolic analysis without ordering reads the upper triangle.
        let upper = |e: usize| -> (usize, usize) {
            let (r, c) = permuted(e);
            (c, r)
        };
        let (mut col_ptr, mut row_idx, mut slot_of) = build_csc(dim, total, true, upper);
        let symbolic = factorize_symbolic_cholesky(
            SymbolicSparseColMatRef::new_checked(dim, dim, &col_ptr, None, &row_idx),
            Side::Upper,
            SymmetricOrdering::Identity,
            CholeskySymbolicParams::default(),
        )
        .map_err(|e| format!("symbolic analysis of the sparse KKT matrix failed: {e:?}"))?;
        if let SymbolicCholeskyRaw::Supernodal(_) = symbolic.raw() {
            drop((col_ptr, row_idx, slot_of));
            (col_ptr, row_idx, slot_of) = build_csc(dim, total, true, permuted);
        }
        let diag_slot = slot_of[..dim].to_vec();
        let hess_slot = slot_of[dim..dim + hnnz].to_vec();
        let jac_slot = slot_of[dim + hnnz..].to_vec();
        drop(slot_of);
        let structure = SymbolicSparseColMat::new_checked(dim, dim, col_ptr, None, row_idx);
        let params = <LdltParams as Auto<f64>>::auto();
        // The numeric factorization is called on the stored triangle as it
        // is (no permuted or transposed copy), so only its own scratch.
        let factor_req = match symbolic.raw() {
            SymbolicCholeskyRaw::Simplicial(_) => {
                simplicial::factorize_simplicial_numeric_ldlt_scratch::<usize, f64>(dim)
            }
            SymbolicCholeskyRaw::Supernodal(s) => {
                supernodal::factorize_supernodal_numeric_ldlt_scratch::<usize, f64>(
                    s,
                    Par::Seq,
                    params.into(),
                )
            }
        };
        let solve_req = symbolic.solve_in_place_scratch::<f64>(1, Par::Seq);
        let nnz = structure.row_idx().len();
        Ok(SparseKkt {
            n,
            m,
            structure,
            forward,
            values: vec![0.0; nnz],
            diag_slot,
            hess_slot,
            jac_slot,
            factors: vec![0.0; symbolic.len_val()],
            symbolic,
            factor_mem: MemBuffer::new(factor_req),
            solve_mem: MemBuffer::new(solve_req),
            rhs: Mat::zeros(dim, 1),
            original: vec![0.0; dim],
            residual: vec![0.0; dim],
            solution: vec![0.0; dim],
            scale: vec![1.0; dim],
            row_max: vec![0.0; dim],
            max_abs: 0.0,
            factored: false,
            probe: vec![0.0; dim],
            last_refinement_converged: false,
            replaced: 0,
            gmres: Gmres::default(),
        })
    }

    /// Number of variables n and constraints m.
    pub fn dims(&self) -> (usize, usize) {
        (self.n, self.m)
    }

    /// Structural nonzeros of K's lower triangle.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Stored entries of the factor L (fill included).
    pub fn factor_nnz(&self) -> usize {
        self.factors.len()
    }

    /// Writes K(δ, γ) from the Hessian values (`None`: W = 0) and the
    /// Jacobian values, in the order of the patterns given to [`Self::new`].
    pub fn assemble(&mut self, w: Option<&[f64]>, jac: &[f64], diagonal: &Diagonal<'_>) {
        let (delta, gamma) = (diagonal.delta, diagonal.gamma);
        self.factored = false;
        self.values.fill(0.0);
        if let Some(w) = w {
            for (&s, v) in self.hess_slot.iter().zip(w) {
                self.values[s] += v;
            }
        }
        for (&s, v) in self.jac_slot.iter().zip(jac) {
            self.values[s] += v;
        }
        for (j, &s) in self.diag_slot.iter().enumerate() {
            self.values[s] += if j < self.n { delta } else { -gamma };
        }
        for (&s, d) in self.diag_slot.iter().zip(diagonal.primal) {
            self.values[s] += d;
        }
        for (&s, d) in self.diag_slot[self.n..].iter().zip(diagonal.dual) {
            self.values[s] -= d;
        }
        self.equilibrate();
        self.max_abs = self.values.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    }

    /// Replaces the stored P K Pᵀ by its Ruiz equilibration S P K Pᵀ S.
    fn equilibrate(&mut self) {
        let (col_ptr, row_idx) = (self.structure.col_ptr(), self.structure.row_idx());
        let values = &self.values;
        equilibrate::sweeps(&mut self.scale, &mut self.row_max, || {
            (0..col_ptr.len() - 1).flat_map(move |j| {
                let range = col_ptr[j]..col_ptr[j + 1];
                row_idx[range.clone()]
                    .iter()
                    .zip(&values[range])
                    .map(move |(&i, &v)| (i, j, v))
            })
        });
        for j in 0..col_ptr.len() - 1 {
            let sj = self.scale[j];
            let range = col_ptr[j]..col_ptr[j + 1];
            for (&i, value) in row_idx[range.clone()].iter().zip(&mut self.values[range]) {
                *value *= self.scale[i] * sj;
            }
        }
    }

    /// Largest magnitude among the entries of K, equilibrated (about 1).
    pub fn max_abs(&self) -> f64 {
        self.max_abs
    }

    /// Factors the assembled K and returns its inertia; a pivot below
    /// `zero_pivot_tolerance` in magnitude counts as zero, and a pivot that
    /// vanishes exactly (the factorization cannot go on) is reported as one
    /// zero eigenvalue with the other counts incomplete. `None` when K or
    /// its factors are not finite.
    pub fn factor(&mut self, zero_pivot_tolerance: f64) -> Option<Inertia> {
        self.factored = false;
        if !self.max_abs.is_finite() {
            return None;
        }
        let dim = self.n + self.m;
        let a = SparseColMatRef::new(self.structure.as_ref(), &self.values);
        let stack = MemStack::new(&mut self.factor_mem);
        // Pivots at or below the zero tolerance are replaced by ±δ_p (their
        // sign kept): the factors are those of K + E with E diagonal and
        // tiny, which has K's inertia when K is safely nonsingular, and the
        // solves refine against K itself. A pivot can vanish merely from
        // the order (a zero Hessian diagonal met first, as in max xy), so
        // this keeps δ = 0 Newton steps possible; whether K itself is
        // nonsingular is then checked with a probe solve.
        let replacement = PIVOT_REPLACEMENT * self.max_abs.max(f64::MIN_POSITIVE);
        let regularization = LdltRegularization {
            dynamic_regularization_signs: None,
            dynamic_regularization_delta: replacement,
            // faer replaces nothing at ε = 0, and stops at an exact zero pivot.
            dynamic_regularization_epsilon: zero_pivot_tolerance.max(f64::MIN_POSITIVE),
        };
        let result = numeric_ldlt(&self.symbolic, &mut self.factors, a, regularization, stack);
        if result.is_err() {
            // Only a non-finite pivot stops the factorization now: the
            // values are finite, so overflow.
            return None;
        }
        let mut replaced = 0usize;
        let mut inertia = Inertia::default();
        let mut count = |d: f64| -> bool {
            if !d.is_finite() {
                return false;
            }
            if d.abs() == replacement {
                replaced += 1;
            }
            if d.abs() <= zero_pivot_tolerance {
                inertia.zero += 1;
            } else if d > 0.0 {
                inertia.positive += 1;
            } else {
                inertia.negative += 1;
            }
            true
        };
        match self.symbolic.raw() {
            SymbolicCholeskyRaw::Simplicial(s) => {
                for k in 0..dim {
                    if !count(self.factors[s.col_ptr()[k]]) {
                        return None;
                    }
                }
            }
            SymbolicCholeskyRaw::Supernodal(s) => {
                let l = SupernodalLdltRef::new(s, &self.factors);
                for k in 0..s.n_supernodes() {
                    let block = l.supernode(k).val();
                    for j in 0..block.ncols() {
                        if !count(block[(j, j)]) {
                            return None;
                        }
                    }
                }
            }
        }
        if !self.factors.iter().all(|v| v.is_finite()) {
            return None;
        }
        self.factored = inertia.zero == 0;
        self.replaced = replaced;
        if replaced > 0 && self.factored && !self.probe_nonsingular() {
            // K + E is invertible but K is (numerically) singular: report
            // the replaced pivots as zero eigenvalues.
            self.factored = false;
            let moved = replaced.min(inertia.positive + inertia.negative);
            let from_positive = moved.min(inertia.positive);
            inertia.positive -= from_positive;
            inertia.negative -= moved - from_positive;
            inertia.zero += moved;
        }
        Some(inertia)
    }

    /// Whether refinement against K converges for a generic right-hand
    /// side with the current factors (of K + E): false when K is singular or
    /// too close to it for the replaced pivots to be harmless.
    fn probe_nonsingular(&mut self) -> bool {
        let dim = self.n + self.m;
        let mut b = std::mem::take(&mut self.probe);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        // Generic in the equilibrated system (the solve multiplies by S):
        // a right-hand side generic in K's own units would weigh only the
        // rows S scales up, and miss a near-singular direction elsewhere.
        for (&f, s) in self.forward.iter().zip(&self.scale) {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b[f] = (((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5) / s;
        }
        debug_assert_eq!(b.len(), dim);
        let solved = self.solve_in_place(&mut b);
        self.probe = b;
        // (`residual` and `original` are b − K z and b of the last solve.)
        solved
            && self.last_refinement_converged
            && inf_norm(&self.residual) <= PROBE_RESIDUAL * inf_norm(&self.original)
    }

    /// Solves K z = b in place with the last factorization, refined
    /// iteratively against K: plain correction steps when the factors are
    /// those of K, GMRES preconditioned by the factors when pivots were
    /// replaced or plain steps stall (see [`Gmres`]). False when there is no
    /// usable factorization, the solution is not finite, or refinement could
    /// not bring the residual to `PROBE_TOLERANCE` (the factors are too far
    /// from K: a solution would be silently wrong).
    pub fn solve_in_place(&mut self, b: &mut [f64]) -> bool {
        let dim = self.n + self.m;
        if !self.factored || b.len() != dim {
            return false;
        }
        // Everything below is in the permuted order of the stored
        // K̃ = S P K Pᵀ S, which solves for S⁻¹ P z with right-hand side S P b.
        for ((o, &f), s) in self.original.iter_mut().zip(&self.forward).zip(&self.scale) {
            *o = b[f] * s;
        }
        self.solution.fill(0.0);
        self.residual.copy_from_slice(&self.original);
        self.last_refinement_converged = false;
        let b_norm = inf_norm(&self.original);
        let converged = self.replaced == 0 && self.plain_refinement(b_norm);
        if !converged {
            // Start again from z = 0: a stalled plain iterate may be far
            // off (and large), which would loosen the relative target.
            self.solution.fill(0.0);
            self.residual.copy_from_slice(&self.original);
            let max_abs = self.max_abs;
            let (col_ptr, row_idx) = (self.structure.col_ptr(), self.structure.row_idx());
            let values = &self.values;
            let (symbolic, factors) = (&self.symbolic, &self.factors);
            let (rhs, solve_mem) = (&mut self.rhs, &mut self.solve_mem);
            let outcome = self.gmres.refine(
                &self.original,
                &mut self.solution,
                &mut self.residual,
                GMRES_RESTART,
                GMRES_CYCLES,
                |z| REFINEMENT_TOLERANCE * (max_abs * inf_norm(z) + b_norm),
                |v, y| {
                    y.fill(0.0);
                    symmetric_mul_sub(col_ptr, row_idx, values, v, y);
                    for yi in y.iter_mut() {
                        *yi = -*yi;
                    }
                },
                |v| {
                    factor_solve(symbolic, factors, rhs, solve_mem, v);
                    for (i, x) in v.iter_mut().enumerate() {
                        *x = rhs[(i, 0)];
                    }
                },
            );
            let scale = max_abs * inf_norm(&self.solution) + b_norm;
            self.last_refinement_converged = outcome.residual <= PROBE_TOLERANCE * scale;
            if !self.last_refinement_converged {
                return false;
            }
        }
        for ((z, &f), s) in self.solution.iter().zip(&self.forward).zip(&self.scale) {
            b[f] = z * s;
        }
        b.iter().all(|v| v.is_finite())
    }

    /// Plain iterative refinement z ← z + (LDLᵀ)⁻¹(b − K z) from z = 0;
    /// true when it reached [`REFINEMENT_TOLERANCE`].
    fn plain_refinement(&mut self, b_norm: f64) -> bool {
        let mut best = b_norm;
        for _ in 0..=MAX_REFINEMENT {
            // Correction from the factors, added to the current solution.
            factor_solve(
                &self.symbolic,
                &self.factors,
                &mut self.rhs,
                &mut self.solve_mem,
                &self.residual,
            );
            for (i, z) in self.solution.iter_mut().enumerate() {
                *z += self.rhs[(i, 0)];
            }
            // r = b − K z.
            self.residual.copy_from_slice(&self.original);
            symmetric_mul_sub(
                self.structure.col_ptr(),
                self.structure.row_idx(),
                &self.values,
                &self.solution,
                &mut self.residual,
            );
            let r_norm = inf_norm(&self.residual);
            if !r_norm.is_finite() {
                return false;
            }
            let scale = self.max_abs * inf_norm(&self.solution) + b_norm;
            if r_norm <= REFINEMENT_TOLERANCE * scale {
                self.last_refinement_converged = true;
                return true;
            }
            if r_norm >= 0.5 * best && best < b_norm {
                // Stalled (or worse): GMRES takes over.
                return false;
            }
            best = r_norm;
        }
        false
    }

    /// Factors the assembled K with pivots of magnitude ≤ `tolerance`
    /// replaced by a huge value (which decouples their rows) and returns the
    /// constraints (0-based, among the m) whose pivots were replaced: with
    /// K = [I Jᵀ; J 0], rows of J that depend on the rows eliminated before
    /// them. `None` when the factors are not finite. Leaves no usable
    /// factorization.
    pub fn dependent_constraints(&mut self, tolerance: f64) -> Option<Vec<usize>> {
        const DECOUPLE: f64 = 1e150;
        self.factored = false;
        if !self.max_abs.is_finite() {
            return None;
        }
        let dim = self.n + self.m;
        let a = SparseColMatRef::new(self.structure.as_ref(), &self.values);
        let stack = MemStack::new(&mut self.factor_mem);
        let regularization = LdltRegularization {
            dynamic_regularization_signs: None,
            dynamic_regularization_delta: DECOUPLE,
            dynamic_regularization_epsilon: tolerance,
        };
        numeric_ldlt(&self.symbolic, &mut self.factors, a, regularization, stack).ok()?;
        let forward = &self.forward;
        let mut dependent = Vec::new();
        let mut visit = |k: usize, d: f64| -> bool {
            if !d.is_finite() {
                return false;
            }
            if d.abs() == DECOUPLE && forward[k] >= self.n {
                dependent.push(forward[k] - self.n);
            }
            true
        };
        match self.symbolic.raw() {
            SymbolicCholeskyRaw::Simplicial(s) => {
                for k in 0..dim {
                    if !visit(k, self.factors[s.col_ptr()[k]]) {
                        return None;
                    }
                }
            }
            SymbolicCholeskyRaw::Supernodal(s) => {
                let l = SupernodalLdltRef::new(s, &self.factors);
                for k in 0..s.n_supernodes() {
                    let node = l.supernode(k);
                    let block = node.val();
                    for j in 0..block.ncols() {
                        if !visit(node.start() + j, block[(j, j)]) {
                            return None;
                        }
                    }
                }
            }
        }
        dependent.sort_unstable();
        Some(dependent)
    }

    /// y = K x with K the last assembled matrix, unscaled (allocates two
    /// vectors).
    pub fn mul(&self, x: &[f64], y: &mut [f64]) {
        let xp: Vec<f64> = self
            .forward
            .iter()
            .zip(&self.scale)
            .map(|(&f, s)| x[f] / s)
            .collect();
        let mut yp = vec![0.0; xp.len()];
        symmetric_mul_sub(
            self.structure.col_ptr(),
            self.structure.row_idx(),
            &self.values,
            &xp,
            &mut yp,
        );
        for ((v, &f), s) in yp.iter().zip(&self.forward).zip(&self.scale) {
            y[f] = -v / s;
        }
    }
}

/// The elimination order: AMD on the pattern of K, then every constraint
/// is deferred until the variable it is matched with has been eliminated.
///
/// The matching (a maximum matching of constraints to distinct variables
/// of their rows of J) makes J restricted to the eliminated constraints and
/// their eliminated variables structurally nonsingular at every stage, so
/// without regularization (γ = 0) constraint pivots do not vanish merely
/// from the order: eliminating a variable j first puts −Jᵢⱼ²/(Wⱼⱼ + δ) on a
/// constraint's (otherwise zero) diagonal, and two constraints fed by one
/// variable only would cancel exactly. A constraint without a match
/// (structurally dependent rows) waits for any variable of its row.
/// Returns (forward, inverse): forward[k] is the row of K eliminated k-th.
fn kkt_ordering(
    structure: SymbolicSparseColMatRef<'_, usize>,
    jacobian: &SparsityPattern,
) -> Result<(Vec<usize>, Vec<usize>), String> {
    const NONE: usize = usize::MAX;
    let dim = structure.nrows();
    let (n, m) = (jacobian.ncols, jacobian.nrows);
    let mut amd_forward = vec![0usize; dim];
    let mut inverse = vec![0usize; dim];
    {
        let nnz = structure.row_idx().len();
        let req = faer::sparse::linalg::amd::order_maybe_unsorted_scratch::<usize>(dim, nnz);
        let mut mem = MemBuffer::try_new(req)
            .map_err(|_| "out of memory ordering the sparse KKT matrix".to_string())?;
        faer::sparse::linalg::amd::order_maybe_unsorted(
            &mut amd_forward,
            &mut inverse,
            structure,
            faer::sparse::linalg::amd::Control::default(),
            MemStack::new(&mut mem),
        )
        .map_err(|e| format!("ordering of the sparse KKT matrix failed: {e:?}"))?;
    }
    // Rows and columns of J's pattern (duplicates kept).
    let (col_start, cons_of) = buckets(n, &jacobian.cols, &jacobian.rows);
    let (row_start, vars_of) = buckets(m, &jacobian.rows, &jacobian.cols);
    // Greedy matching, preferring the variable AMD eliminates first, then
    // augmenting paths (iterative depth-first search) for the rest.
    let mut mate_var = vec![NONE; n];
    let mut mate_con = vec![NONE; m];
    for c in 0..m {
        let best = vars_of[row_start[c]..row_start[c + 1]]
            .iter()
            .copied()
            .filter(|&v| mate_var[v] == NONE)
            .min_by_key(|&v| inverse[v]);
        if let Some(v) = best {
            mate_var[v] = c;
            mate_con[c] = v;
        }
    }
    let mut visited = vec![NONE; n];
    let mut stack: Vec<(usize, usize, usize)> = Vec::new();
    for c0 in 0..m {
        if mate_con[c0] != NONE {
            continue;
        }
        stack.clear();
        stack.push((c0, row_start[c0], NONE));
        while let Some(top) = stack.last_mut() {
            let (c, k) = (top.0, top.1);
            if k == row_start[c + 1] {
                stack.pop();
                continue;
            }
            top.1 += 1;
            let v = vars_of[k];
            if visited[v] == c0 {
                continue;
            }
            visited[v] = c0;
            top.2 = v;
            if mate_var[v] == NONE {
                // Augment along the stack: each level takes its `via`.
                for &(c, _, via) in stack.iter() {
                    mate_var[via] = c;
                    mate_con[c] = via;
                }
                break;
            }
            stack.push((mate_var[v], row_start[mate_var[v]], NONE));
        }
    }
    drop((visited, stack, row_start, vars_of));
    // 0: waiting, 1: its variable (matched, or any for the unmatched) was
    // placed, 2: deferred, 3: placed.
    let mut state = vec![0u8; m];
    let mut forward = Vec::with_capacity(dim);
    for &node in &amd_forward {
        if node < n {
            forward.push(node);
            for &i in &cons_of[col_start[node]..col_start[node + 1]] {
                if mate_con[i] == node || mate_con[i] == NONE {
                    match state[i] {
                        0 => state[i] = 1,
                        2 => {
                            forward.push(n + i);
                            state[i] = 3;
                        }
                        _ => {}
                    }
                }
            }
        } else {
            let i = node - n;
            if state[i] == 1 {
                forward.push(node);
                state[i] = 3;
            } else {
                state[i] = 2;
            }
        }
    }
    // Constraints without variables (empty rows of J) go last.
    for (i, s) in state.iter().enumerate() {
        if *s != 3 {
            forward.push(n + i);
        }
    }
    debug_assert_eq!(forward.len(), dim);
    for (k, &node) in forward.iter().enumerate() {
        inverse[node] = k;
    }
    Ok((forward, inverse))
}

/// CSC structure (column pointers, row indices) of the entries
/// `entry(0..total)` (row, column) of a dim × dim matrix, rows sorted in each
/// column and duplicates merged; with `slots`, the slot of each entry.
fn build_csc(
    dim: usize,
    total: usize,
    slots: bool,
    entry: impl Fn(usize) -> (usize, usize),
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; dim + 1];
    for e in 0..total {
        start[entry(e).1 + 1] += 1;
    }
    for j in 0..dim {
        start[j + 1] += start[j];
    }
    let mut next = start.clone();
    let mut order = vec![0usize; total];
    for e in 0..total {
        let c = entry(e).1;
        order[next[c]] = e;
        next[c] += 1;
    }
    drop(next);
    let mut slot_of = if slots {
        vec![0usize; total]
    } else {
        Vec::new()
    };
    let mut col_ptr = Vec::with_capacity(dim + 1);
    let mut row_idx = Vec::with_capacity(total);
    col_ptr.push(0);
    for j in 0..dim {
        let segment = &mut order[start[j]..start[j + 1]];
        segment.sort_unstable_by_key(|&e| entry(e).0);
        let mut last = usize::MAX;
        for &e in segment.iter() {
            let r = entry(e).0;
            if r != last {
                row_idx.push(r);
                last = r;
            }
            if slots {
                slot_of[e] = row_idx.len() - 1;
            }
        }
        col_ptr.push(row_idx.len());
    }
    row_idx.shrink_to_fit();
    (col_ptr, row_idx, slot_of)
}

/// Groups `values` by `keys` (each < `count`): (start, grouped), the group
/// of key k being grouped[start[k]..start[k + 1]].
fn buckets(count: usize, keys: &[usize], values: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; count + 1];
    for &k in keys {
        start[k + 1] += 1;
    }
    for k in 0..count {
        start[k + 1] += start[k];
    }
    let mut grouped = vec![0usize; keys.len()];
    let mut next = start.clone();
    for (&k, &v) in keys.iter().zip(values) {
        grouped[next[k]] = v;
        next[k] += 1;
    }
    (start, grouped)
}

/// The numeric LDLᵀ factorization of `a`, stored as the symbolic analysis
/// expects it (upper triangle for simplicial, lower for supernodal; already
/// in elimination order).
fn numeric_ldlt(
    symbolic: &SymbolicCholesky<usize>,
    factors: &mut [f64],
    a: SparseColMatRef<'_, usize, f64>,
    regularization: LdltRegularization<'_, f64>,
    stack: &mut MemStack,
) -> Result<(), faer::linalg::cholesky::ldlt::factor::LdltError> {
    match symbolic.raw() {
        SymbolicCholeskyRaw::Simplicial(s) => {
            simplicial::factorize_simplicial_numeric_ldlt(factors, a, regularization, s, stack)
                .map(|_| ())
        }
        SymbolicCholeskyRaw::Supernodal(s) => {
            let params = <LdltParams as Auto<f64>>::auto();
            supernodal::factorize_supernodal_numeric_ldlt(
                factors,
                a,
                regularization,
                s,
                Par::Seq,
                stack,
                params.into(),
            )
            .map(|_| ())
        }
    }
}

/// `rhs` = (LDLᵀ)⁻¹ v with the factors (in the stored, permuted order).
fn factor_solve(
    symbolic: &SymbolicCholesky<usize>,
    factors: &[f64],
    rhs: &mut Mat<f64>,
    solve_mem: &mut MemBuffer,
    v: &[f64],
) {
    for (i, x) in v.iter().enumerate() {
        rhs[(i, 0)] = *x;
    }
    LdltRef::new(symbolic, factors).solve_in_place_with_conj(
        Conj::No,
        rhs.as_mut(),
        Par::Seq,
        MemStack::new(solve_mem),
    );
}

/// y −= K x for K symmetric with one of its triangles in CSC form.
fn symmetric_mul_sub(
    col_ptr: &[usize],
    row_idx: &[usize],
    values: &[f64],
    x: &[f64],
    y: &mut [f64],
) {
    for j in 0..col_ptr.len() - 1 {
        let xj = x[j];
        let mut acc = 0.0;
        for k in col_ptr[j]..col_ptr[j + 1] {
            let (i, v) = (row_idx[k], values[k]);
            y[i] -= v * xj;
            if i != j {
                acc += v * x[i];
            }
        }
        y[j] -= acc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::linear::DenseLdlt;

    fn tridiagonal_kkt(
        n: usize,
        diag: f64,
    ) -> (SparsityPattern, Vec<f64>, SparsityPattern, Vec<f64>) {
        // W tridiagonal (diag on the diagonal, 1 below), J: m = n/2 rows
        // with entries at columns 2i and 2i + 1.
        let mut h = SparsityPattern {
            nrows: n,
            ncols: n,
            ..Default::default()
        };
        let mut hv = Vec::new();
        for j in 0..n {
            h.rows.push(j);
            h.cols.push(j);
            hv.push(diag + (j % 3) as f64);
            if j + 1 < n {
                h.rows.push(j + 1);
                h.cols.push(j);
                hv.push(1.0);
            }
        }
        let m = n / 2;
        let mut jp = SparsityPattern {
            nrows: m,
            ncols: n,
            ..Default::default()
        };
        let mut jv = Vec::new();
        for i in 0..m {
            for (c, v) in [(2 * i, 1.0 + i as f64 * 0.01), (2 * i + 1, -2.0)] {
                jp.rows.push(i);
                jp.cols.push(c);
                jv.push(v);
            }
        }
        (h, hv, jp, jv)
    }

    fn dense_of(kkt: &SparseKkt) -> Mat<f64> {
        let d = kkt.n + kkt.m;
        let mut a = Mat::zeros(d, d);
        let (col_ptr, row_idx) = (kkt.structure.col_ptr(), kkt.structure.row_idx());
        for j in 0..d {
            let range = col_ptr[j]..col_ptr[j + 1];
            for (&r, &v) in row_idx[range.clone()].iter().zip(&kkt.values[range]) {
                let (i, fj) = (kkt.forward[r], kkt.forward[j]);
                a[(i, fj)] = v;
                a[(fj, i)] = v;
            }
        }
        a
    }

    #[test]
    fn inertia_and_solution_match_the_dense_factorization() {
        for (n, diag, delta, gamma) in [
            (40, 4.0, 0.0, 0.0),
            (40, -1.0, 0.0, 0.0),
            (41, -3.0, 0.5, 1e-8),
            (60, 0.5, 0.0, 1e-6),
        ] {
            let (h, hv, jp, jv) = tridiagonal_kkt(n, diag);
            let mut sparse = SparseKkt::new(&h, &jp).unwrap();
            sparse.assemble(Some(&hv), &jv, &Diagonal::regularization(delta, gamma));
            let dense_matrix = dense_of(&sparse);
            let d = dense_matrix.nrows();
            let mut dense = DenseLdlt::new(d);
            let want = dense.factor(dense_matrix.as_ref(), 1e-13).unwrap();
            match sparse.factor(1e-13) {
                Some(got) if got.zero == 0 => {
                    assert_eq!(got, want, "n = {n}, diag = {diag}");
                    let b: Vec<f64> = (0..d).map(|i| (i as f64 * 0.37).sin()).collect();
                    let mut z = b.clone();
                    assert!(sparse.solve_in_place(&mut z));
                    let mut kz = vec![0.0; d];
                    sparse.mul(&z, &mut kz);
                    let worst = kz
                        .iter()
                        .zip(&b)
                        .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
                    assert!(worst < 1e-10, "n = {n}: residual {worst}");
                }
                other => panic!(
                    "n = {n}, diag = {diag}: sparse factorization gave {other:?}, dense {want:?}"
                ),
            }
        }
    }

    /// Dense patterns make faer choose its supernodal factorization (the
    /// lower-triangle storage path): inertia and solutions still match.
    #[test]
    fn supernodal_factorization_matches_the_dense_one() {
        let (n, m) = (150, 30);
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        let mut h = SparsityPattern {
            nrows: n,
            ncols: n,
            ..Default::default()
        };
        let mut hv = Vec::new();
        for c in 0..n {
            for r in c..n {
                h.rows.push(r);
                h.cols.push(c);
                hv.push(if r == c { 3.0 + next() } else { 0.2 * next() });
            }
        }
        let mut jp = SparsityPattern {
            nrows: m,
            ncols: n,
            ..Default::default()
        };
        let mut jv = Vec::new();
        for r in 0..m {
            for c in 0..n {
                jp.rows.push(r);
                jp.cols.push(c);
                jv.push(next());
            }
        }
        let mut sparse = SparseKkt::new(&h, &jp).unwrap();
        assert!(matches!(
            sparse.symbolic.raw(),
            SymbolicCholeskyRaw::Supernodal(_)
        ));
        for delta in [0.0, -2.5] {
            // δ = −2.5 makes W indefinite.
            sparse.assemble(Some(&hv), &jv, &Diagonal::regularization(delta, 1e-8));
            let a = dense_of(&sparse);
            let d = n + m;
            let mut dense = DenseLdlt::new(d);
            let want = dense.factor(a.as_ref(), 0.0).unwrap();
            let got = sparse.factor(0.0).unwrap();
            assert_eq!(got, want, "δ = {delta}");
            let b: Vec<f64> = (0..d).map(|i| (i as f64).cos()).collect();
            let mut z = b.clone();
            assert!(sparse.solve_in_place(&mut z));
            let mut kz = vec![0.0; d];
            sparse.mul(&z, &mut kz);
            let worst = kz
                .iter()
                .zip(&b)
                .fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
            assert!(worst < 1e-9, "δ = {delta}: residual {worst}");
        }
    }

    /// Zero pivots: replaced (and the solve exact) when K is nonsingular,
    /// reported as zero eigenvalues when it is singular.
    #[test]
    fn zero_pivots_are_replaced_or_reported() {
        // W = [0 1; 1 0], J = [1 1]: nonsingular, inertia (1, 2, 0), every
        // diagonal entry zero.
        let h = SparsityPattern {
            nrows: 2,
            ncols: 2,
            rows: vec![0, 1, 1],
            cols: vec![0, 0, 1],
        };
        let j = SparsityPattern {
            nrows: 1,
            ncols: 2,
            rows: vec![0, 0],
            cols: vec![0, 1],
        };
        let mut kkt = SparseKkt::new(&h, &j).unwrap();
        kkt.assemble(
            Some(&[0.0, 1.0, 0.0]),
            &[1.0, 1.0],
            &Diagonal::regularization(0.0, 0.0),
        );
        let inertia = kkt.factor(1e-13).unwrap();
        assert_eq!(
            (inertia.positive, inertia.negative, inertia.zero),
            (1, 2, 0)
        );
        let b = [1.0, 2.0, 10.0];
        let mut z = b;
        assert!(kkt.solve_in_place(&mut z));
        let mut kz = [0.0; 3];
        kkt.mul(&z, &mut kz);
        for (a, b) in kz.iter().zip(b) {
            assert!((a - b).abs() < 1e-12, "{kz:?}");
        }
        // W = [0 0; 0 0], J = [1 1]: singular (W is zero on the null space).
        kkt.assemble(
            Some(&[0.0, 0.0, 0.0]),
            &[1.0, 1.0],
            &Diagonal::regularization(0.0, 0.0),
        );
        let inertia = kkt.factor(1e-13).unwrap();
        assert!(inertia.zero > 0, "{inertia:?}");
        let mut z = b;
        assert!(!kkt.solve_in_place(&mut z));
    }

    #[test]
    fn duplicate_entries_add_and_reuse_keeps_no_trace() {
        let h = SparsityPattern {
            nrows: 2,
            ncols: 2,
            rows: vec![0, 0, 1],
            cols: vec![0, 0, 1],
        };
        let j = SparsityPattern {
            nrows: 1,
            ncols: 2,
            rows: vec![0, 0],
            cols: vec![0, 1],
        };
        let mut kkt = SparseKkt::new(&h, &j).unwrap();
        assert_eq!(kkt.nnz(), 5);
        kkt.assemble(
            Some(&[1.0, 1.0, 2.0]),
            &[1.0, 1.0],
            &Diagonal::regularization(0.0, 0.0),
        );
        // K = [2 0 1; 0 2 1; 1 1 0]: eigenvalues 2, 1 ± √3... inertia (2, 1, 0).
        let inertia = kkt.factor(1e-13).unwrap();
        assert_eq!(
            (inertia.positive, inertia.negative, inertia.zero),
            (2, 1, 0)
        );
        let mut z = vec![3.0, 3.0, 2.0];
        assert!(kkt.solve_in_place(&mut z));
        // x1 = x2 = 1 − y/2, x1 + x2 = 2 → y = 1... check K z = b instead.
        let mut kz = vec![0.0; 3];
        kkt.mul(&z, &mut kz);
        for (a, b) in kz.iter().zip([3.0, 3.0, 2.0]) {
            assert!((a - b).abs() < 1e-12);
        }
        // Negative definite W: inertia (1, 2, 0).
        kkt.assemble(
            Some(&[-1.0, -1.0, -2.0]),
            &[1.0, 1.0],
            &Diagonal::regularization(0.0, 0.0),
        );
        let inertia = kkt.factor(1e-13).unwrap();
        assert_eq!(
            (inertia.positive, inertia.negative, inertia.zero),
            (1, 2, 0)
        );
    }
}
