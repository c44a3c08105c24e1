//! A maximum matching of constraints to distinct variables of their rows
//! of J (greedy, then augmenting paths), which the elimination order uses
//! to keep constraint pivots from vanishing merely from the order.

use crate::solver::nlp::SparsityPattern;

/// No match.
pub(super) const NONE: usize = usize::MAX;

/// For each of the m constraints, the variable it is matched with (`NONE`
/// for a constraint left unmatched: its row depends structurally on the
/// others). The greedy pass prefers the variable eliminated first
/// (smallest `position`, the AMD position of each variable); augmenting
/// paths (iterative depth-first search) then match the rest.
pub(super) fn match_constraints(jacobian: &SparsityPattern, position: &[usize]) -> Vec<usize> {
    let (n, m) = (jacobian.ncols, jacobian.nrows);
    // The variables of each row of J's pattern (duplicates kept).
    let (row_start, vars_of) = buckets(m, &jacobian.rows, &jacobian.cols);
    let mut mate_var = vec![NONE; n];
    let mut mate_con = vec![NONE; m];
    for c in 0..m {
        let best = vars_of[row_start[c]..row_start[c + 1]]
            .iter()
            .copied()
            .filter(|&v| mate_var[v] == NONE)
            .min_by_key(|&v| position[v]);
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
    mate_con
}

/// Groups `values` by `keys` (each < `count`): (start, grouped), the group
/// of key k being grouped[start[k]..start[k + 1]].
pub(super) fn buckets(count: usize, keys: &[usize], values: &[usize]) -> (Vec<usize>, Vec<usize>) {
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
