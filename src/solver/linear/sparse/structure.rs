//! The structure of K: its CSC pattern (one triangle of P K Pᵀ, in the
//! triangle faer's numeric factorization reads), the slot of every
//! diagonal, Hessian and Jacobian pattern entry in the value array, the
//! symbolic analysis, and the workspaces sized from them. Built once per
//! pair of patterns; nothing here looks at values.

use faer::dyn_stack::MemBuffer;
use faer::linalg::cholesky::ldlt::factor::LdltParams;
use faer::sparse::linalg::cholesky::{
    factorize_symbolic_cholesky, simplicial, supernodal, CholeskySymbolicParams,
    SymbolicCholeskyRaw, SymmetricOrdering,
};
use faer::sparse::{SymbolicSparseColMat, SymbolicSparseColMatRef};
use faer::{Auto, Mat, Par, Side};

use super::gmres::Gmres;
use super::ordering::kkt_ordering;
use super::SparseKkt;
use crate::solver::error::SetupError;
use crate::solver::nlp::SparsityPattern;

impl SparseKkt {
    /// Builds the structure of K for a Hessian pattern (n × n, row ≥ col)
    /// and a Jacobian pattern (m × n), and its symbolic factorization.
    /// The patterns must have been checked (indices in range); an error when
    /// the structure cannot be ordered or analysed.
    pub fn new(hessian: &SparsityPattern, jacobian: &SparsityPattern) -> Result<Self, SetupError> {
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
        .map_err(SetupError::SymbolicAnalysis)?;
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
