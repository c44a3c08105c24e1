//! The elimination order of K: AMD on its pattern, adjusted so that each
//! constraint follows the variable it is matched with.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::SymbolicSparseColMatRef;

use super::matching::{buckets, match_constraints, NONE};
use crate::solver::error::SetupError;
use crate::solver::nlp::SparsityPattern;

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
pub(super) fn kkt_ordering(
    structure: SymbolicSparseColMatRef<'_, usize>,
    jacobian: &SparsityPattern,
) -> Result<(Vec<usize>, Vec<usize>), SetupError> {
    let dim = structure.nrows();
    let (n, m) = (jacobian.ncols, jacobian.nrows);
    let mut amd_forward = vec![0usize; dim];
    let mut inverse = vec![0usize; dim];
    {
        let nnz = structure.row_idx().len();
        let req = faer::sparse::linalg::amd::order_maybe_unsorted_scratch::<usize>(dim, nnz);
        let mut mem = MemBuffer::try_new(req).map_err(|_| SetupError::OrderingOutOfMemory)?;
        faer::sparse::linalg::amd::order_maybe_unsorted(
            &mut amd_forward,
            &mut inverse,
            structure,
            faer::sparse::linalg::amd::Control::default(),
            MemStack::new(&mut mem),
        )
        .map_err(SetupError::Ordering)?;
    }
    let mate_con = match_constraints(jacobian, &inverse);
    // The constraints of each column of J's pattern (duplicates kept).
    let (col_start, cons_of) = buckets(n, &jacobian.cols, &jacobian.rows);
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
