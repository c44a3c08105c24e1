//! Greedy graph coloring for compressed derivative evaluation.
//!
//! Columns j and k of a matrix may share one tangent sweep (seeded with
//! eⱼ + eₖ) when no row has a nonzero in both: then each entry of the
//! compressed product belongs to exactly one column ("direct recovery").
//! That is a distance-2 coloring of the columns in the bipartite
//! row/column graph, done greedily in natural order, which is optimal for
//! banded structures (2b + 1 colors for half-bandwidth b).
//!
//! A single dense row forces every column it touches to its own color, so
//! rows (for Jacobians) or columns (for symmetric Hessians) much denser than
//! the rest are taken out first and computed by one sweep each
//! ([`split_dense`]).

/// "No color": the column has no entry in the rows being colored.
pub(super) const NONE: u32 = u32::MAX;

/// Compressed sparse rows (or columns): `idx[ptr[i]..ptr[i + 1]]`.
pub(super) struct Csr<'a> {
    pub(super) ptr: &'a [usize],
    pub(super) idx: &'a [u32],
}

impl Csr<'_> {
    #[inline]
    pub(super) fn row(&self, i: usize) -> &[u32] {
        &self.idx[self.ptr[i]..self.ptr[i + 1]]
    }

    pub(super) fn len(&self) -> usize {
        self.ptr.len() - 1
    }
}

/// Greedy partial distance-2 coloring: columns that share a row get
/// different colors. `col_rows` lists each column's rows, `row_cols` each
/// row's columns (the same matrix, transposed); a column with no rows gets
/// [`NONE`]. Returns the colors and their number.
///
/// Cost: Σ over rows of (row length)².
pub(super) fn color_columns(col_rows: &Csr<'_>, row_cols: &Csr<'_>) -> (Vec<u32>, usize) {
    let ncols = col_rows.len();
    let mut color = vec![NONE; ncols];
    // forbidden[c] == j + 1: color c is taken by a neighbour of column j.
    let mut forbidden: Vec<usize> = Vec::new();
    let mut num_colors = 0;
    for j in 0..ncols {
        let rows = col_rows.row(j);
        if rows.is_empty() {
            continue;
        }
        for &i in rows {
            for &k in row_cols.row(i as usize) {
                let c = color[k as usize];
                if c != NONE {
                    forbidden[c as usize] = j + 1;
                }
            }
        }
        let c = forbidden
            .iter()
            .position(|&f| f != j + 1)
            .unwrap_or(forbidden.len());
        if c == forbidden.len() {
            forbidden.push(0);
            num_colors += 1;
        }
        color[j] = c as u32;
    }
    (color, num_colors)
}

/// The lines in decreasing order of length, ties by index (counting sort:
/// lengths are at most the matrix dimension).
fn by_length(lengths: impl Fn(usize) -> usize, n: usize) -> Vec<usize> {
    let max = (0..n).map(&lengths).max().unwrap_or(0);
    let mut next = vec![0usize; max + 2];
    for i in 0..n {
        next[max - lengths(i) + 1] += 1;
    }
    for k in 0..=max {
        next[k + 1] += next[k];
    }
    let mut order = vec![0usize; n];
    for i in 0..n {
        let key = max - lengths(i);
        order[next[key]] = i;
        next[key] += 1;
    }
    order
}

/// Chooses which rows of a Jacobian to take out and compute with one
/// reverse sweep each, given each row's number of entries: the k longest
/// rows, with k minimizing k + (length of the longest row left), a lower
/// bound on the colors the rest needs. Returns a mask (true = taken out).
pub(super) fn split_dense_rows(lengths: &[usize]) -> Vec<bool> {
    let order = by_length(|i| lengths[i], lengths.len());
    let mut best = (usize::MAX, 0);
    for k in 0..=order.len() {
        let cost = k + order.get(k).map_or(0, |&i| lengths[i]);
        if cost < best.0 {
            best = (cost, k);
        }
    }
    let mut mask = vec![false; lengths.len()];
    for &i in &order[..best.1] {
        mask[i] = true;
    }
    mask
}

/// Chooses which vertices of a symmetric structure (adjacency `adj`, no
/// self loops) to take out and compute with one Hessian-vector product
/// each: vertices in decreasing order of degree, the first k of them, with
/// k minimizing k + 1 + (largest degree left once they are gone), a lower
/// bound on the colors a distance-2 coloring of the rest needs. Degrees are
/// updated as vertices go (an arrowhead's leaves drop to degree 0 once the
/// hub is out), so the cost is O(edges + n). Returns a mask.
pub(super) fn split_dense_columns(adj: &Csr<'_>) -> Vec<bool> {
    let n = adj.len();
    let mut deg: Vec<usize> = (0..n).map(|v| adj.row(v).len()).collect();
    let order = by_length(|v| deg[v], n);
    let maxdeg = order.first().map_or(0, |&v| deg[v]);
    let mut count = vec![0usize; maxdeg + 1];
    for &d in &deg {
        count[d] += 1;
    }
    let mut removed = vec![false; n];
    let mut top = maxdeg;
    let bound = |k: usize, top: usize| if k == n { k } else { k + 1 + top };
    let mut best = (bound(0, top), 0);
    for (k, &v) in order.iter().enumerate() {
        removed[v] = true;
        count[deg[v]] -= 1;
        for &w in adj.row(v) {
            let w = w as usize;
            if !removed[w] {
                count[deg[w]] -= 1;
                deg[w] -= 1;
                count[deg[w]] += 1;
            }
        }
        while top > 0 && count[top] == 0 {
            top -= 1;
        }
        let cost = bound(k + 1, top);
        if cost < best.0 {
            best = (cost, k + 1);
        }
        // Past this point even removing everything cannot beat the best.
        if k + 1 >= best.0 {
            break;
        }
    }
    let mut mask = vec![false; n];
    for &v in &order[..best.1] {
        mask[v] = true;
    }
    mask
}

/// The transpose of a CSR structure with `ncols` columns.
pub(super) fn transpose(m: &Csr<'_>, ncols: usize) -> (Vec<usize>, Vec<u32>) {
    let mut ptr = vec![0usize; ncols + 1];
    for &j in m.idx {
        ptr[j as usize + 1] += 1;
    }
    for j in 0..ncols {
        ptr[j + 1] += ptr[j];
    }
    let mut idx = vec![0u32; m.idx.len()];
    let mut next = ptr.clone();
    for i in 0..m.len() {
        for &j in m.row(i) {
            idx[next[j as usize]] = i as u32;
            next[j as usize] += 1;
        }
    }
    (ptr, idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tridiagonal_needs_three_colors() {
        let n: usize = 10;
        let mut ptr = vec![0];
        let mut idx = Vec::new();
        for i in 0..n {
            for j in i.saturating_sub(1)..(i + 2).min(n) {
                idx.push(j as u32);
            }
            ptr.push(idx.len());
        }
        let m = Csr {
            ptr: &ptr,
            idx: &idx,
        };
        let (color, k) = color_columns(&m, &m);
        assert_eq!(k, 3);
        for i in 0..n {
            let cs: Vec<u32> = m.row(i).iter().map(|&j| color[j as usize]).collect();
            let mut d = cs.clone();
            d.sort();
            d.dedup();
            assert_eq!(d.len(), cs.len(), "row {i} has two columns of one color");
        }
    }

    #[test]
    fn lines_sort_by_decreasing_length_then_index() {
        let l = [1, 3, 0, 3, 2];
        assert_eq!(by_length(|i| l[i], 5), vec![1, 3, 4, 0, 2]);
    }

    #[test]
    fn one_dense_line_is_split_off() {
        let mut lengths = vec![2; 100];
        lengths[7] = 100;
        let mask = split_dense_rows(&lengths);
        assert!(mask[7]);
        assert_eq!(mask.iter().filter(|&&b| b).count(), 1);
        assert!(split_dense_rows(&[3, 3, 3]).iter().all(|&b| !b));
    }

    #[test]
    fn arrowhead_hub_is_split_off() {
        // Star on vertex 2 of 6.
        let mut ptr = vec![0];
        let mut idx = Vec::new();
        for v in 0..6u32 {
            if v == 2 {
                idx.extend((0..6).filter(|&w| w != 2));
            } else {
                idx.push(2);
            }
            ptr.push(idx.len());
        }
        let mask = split_dense_columns(&Csr {
            ptr: &ptr,
            idx: &idx,
        });
        assert_eq!(mask, vec![false, false, true, false, false, false]);
    }

    #[test]
    fn transpose_round_trips() {
        let (ptr, idx) = (vec![0, 2, 3], vec![0u32, 2, 1]);
        let m = Csr {
            ptr: &ptr,
            idx: &idx,
        };
        let (tp, ti) = transpose(&m, 3);
        assert_eq!(tp, vec![0, 1, 2, 3]);
        assert_eq!(ti, vec![0, 1, 0]);
    }
}
