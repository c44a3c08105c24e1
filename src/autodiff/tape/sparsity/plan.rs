//! Evaluation plans: for each sweep direction, the unit vectors summed into
//! its seed and the (value position, index) pairs read back from its result.

use super::coloring::{color_columns, split_dense_columns, split_dense_rows, transpose, Csr, NONE};
use super::detect::symmetric_adjacency;

/// Directions of compressed sweeps, stored compressed.
#[derive(Clone, Debug, Default)]
pub(super) struct Plan {
    seed_ptr: Vec<usize>,
    seed_idx: Vec<u32>,
    read_ptr: Vec<usize>,
    read_pos: Vec<usize>,
    read_idx: Vec<u32>,
}

impl Plan {
    /// Number of directions.
    pub(super) fn len(&self) -> usize {
        self.seed_ptr.len().saturating_sub(1)
    }

    /// The unit vectors summed into direction `d`'s seed.
    pub(super) fn seeds(&self, d: usize) -> &[u32] {
        &self.seed_idx[self.seed_ptr[d]..self.seed_ptr[d + 1]]
    }

    /// (value position, index into the sweep's result) of direction `d`.
    pub(super) fn reads(&self, d: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let r = self.read_ptr[d]..self.read_ptr[d + 1];
        self.read_pos[r.clone()]
            .iter()
            .copied()
            .zip(self.read_idx[r].iter().copied())
    }

    /// Builds a plan of `dirs` directions from each direction's seeds and
    /// reads, given as (direction, item) lists in any order.
    fn build(dirs: usize, seeds: &[(u32, u32)], reads: &[(u32, usize, u32)]) -> Plan {
        let mut seed_ptr = vec![0usize; dirs + 1];
        for &(d, _) in seeds {
            seed_ptr[d as usize + 1] += 1;
        }
        let mut read_ptr = vec![0usize; dirs + 1];
        for &(d, _, _) in reads {
            read_ptr[d as usize + 1] += 1;
        }
        for d in 0..dirs {
            seed_ptr[d + 1] += seed_ptr[d];
            read_ptr[d + 1] += read_ptr[d];
        }
        let mut seed_idx = vec![0u32; seeds.len()];
        let mut next = seed_ptr.clone();
        for &(d, i) in seeds {
            seed_idx[next[d as usize]] = i;
            next[d as usize] += 1;
        }
        let mut read_pos = vec![0usize; reads.len()];
        let mut read_idx = vec![0u32; reads.len()];
        let mut next = read_ptr.clone();
        for &(d, pos, i) in reads {
            let k = next[d as usize];
            read_pos[k] = pos;
            read_idx[k] = i;
            next[d as usize] += 1;
        }
        Plan {
            seed_ptr,
            seed_idx,
            read_ptr,
            read_pos,
            read_idx,
        }
    }
}

/// The plans of a Jacobian.
pub(super) struct JacobianPlan {
    pub(super) forward: Plan,
    pub(super) reverse: Plan,
    pub(super) num_colors: usize,
}

/// Plans a Jacobian with rows `ptr`/`cols` (CSR over `n` columns); row k is
/// tape output `first_output + k`.
pub(super) fn jacobian(ptr: &[usize], cols: &[u32], n: usize, first_output: usize) -> JacobianPlan {
    let m = ptr.len() - 1;
    let lengths: Vec<usize> = (0..m).map(|i| ptr[i + 1] - ptr[i]).collect();
    let dense = split_dense_rows(&lengths);
    let plan = jacobian_with(ptr, cols, n, first_output, &dense);
    if plan.num_colors + plan.reverse.len() > m {
        // The coloring did worse than its bound: one reverse sweep per row.
        return jacobian_with(ptr, cols, n, first_output, &vec![true; m]);
    }
    plan
}

/// Plans a Jacobian whose rows `dense` are computed by reverse sweeps.
fn jacobian_with(
    ptr: &[usize],
    cols: &[u32],
    n: usize,
    first_output: usize,
    dense: &[bool],
) -> JacobianPlan {
    let m = ptr.len() - 1;

    // Columns of the rows left for the coloring, with each entry's position.
    let mut kept_ptr = vec![0usize; m + 1];
    let mut kept_cols = Vec::new();
    let mut kept_pos = Vec::new();
    for i in 0..m {
        if !dense[i] {
            kept_cols.extend_from_slice(&cols[ptr[i]..ptr[i + 1]]);
            kept_pos.extend(ptr[i]..ptr[i + 1]);
        }
        kept_ptr[i + 1] = kept_cols.len();
    }
    let rows = Csr {
        ptr: &kept_ptr,
        idx: &kept_cols,
    };
    let (col_ptr, col_rows) = transpose(&rows, n);
    let by_col = Csr {
        ptr: &col_ptr,
        idx: &col_rows,
    };
    let (color, num_colors) = color_columns(&by_col, &rows);

    let seeds: Vec<(u32, u32)> = (0..n)
        .filter(|&j| color[j] != NONE)
        .map(|j| (color[j], j as u32))
        .collect();
    let mut reads = Vec::with_capacity(kept_cols.len());
    for i in 0..m {
        for k in kept_ptr[i]..kept_ptr[i + 1] {
            let c = color[kept_cols[k] as usize];
            reads.push((c, kept_pos[k], (first_output + i) as u32));
        }
    }
    let forward = Plan::build(num_colors, &seeds, &reads);

    let dense_rows: Vec<usize> = (0..m).filter(|&i| dense[i]).collect();
    let seeds: Vec<(u32, u32)> = dense_rows
        .iter()
        .enumerate()
        .map(|(d, &i)| (d as u32, (first_output + i) as u32))
        .collect();
    let reads: Vec<(u32, usize, u32)> = dense_rows
        .iter()
        .enumerate()
        .flat_map(|(d, &i)| (ptr[i]..ptr[i + 1]).map(move |k| (d as u32, k, cols[k])))
        .collect();
    let reverse = Plan::build(dense_rows.len(), &seeds, &reads);
    JacobianPlan {
        forward,
        reverse,
        num_colors,
    }
}

/// The plan of a Hessian.
pub(super) struct HessianPlan {
    pub(super) plan: Plan,
    pub(super) num_colors: usize,
    pub(super) num_hubs: usize,
}

/// Plans a symmetric Hessian from its lower triangle `ptr`/`rows` (CSC over
/// `n` columns): colors first, then one direction per dense column.
pub(super) fn hessian(ptr: &[usize], rows: &[u32], n: usize) -> HessianPlan {
    let (adj_ptr, adj, diag) = symmetric_adjacency(n, ptr, rows);
    let graph = Csr {
        ptr: &adj_ptr,
        idx: &adj,
    };
    let hub = split_dense_columns(&graph);
    let plan = hessian_with(ptr, rows, n, &graph, &diag, &hub);
    if plan.num_colors + plan.num_hubs > n {
        // The coloring did worse than its bound: one product per column.
        return hessian_with(ptr, rows, n, &graph, &diag, &vec![true; n]);
    }
    plan
}

/// Plans a Hessian whose columns `hub` get a product each.
fn hessian_with(
    ptr: &[usize],
    rows: &[u32],
    n: usize,
    graph: &Csr<'_>,
    diag: &[bool],
    hub: &[bool],
) -> HessianPlan {
    // The rows of each non-hub column outside the hub rows: its neighbours,
    // and itself when the diagonal entry is in the pattern. Columns that
    // share none of these rows can share a product (direct recovery).
    let mut nb_ptr = vec![0usize; n + 1];
    let mut nb = Vec::new();
    for v in 0..n {
        if !hub[v] {
            nb.extend(graph.row(v).iter().copied().filter(|&w| !hub[w as usize]));
            if diag[v] {
                nb.push(v as u32);
            }
        }
        nb_ptr[v + 1] = nb.len();
    }
    let rows_of = Csr {
        ptr: &nb_ptr,
        idx: &nb,
    };
    let (color, num_colors) = color_columns(&rows_of, &rows_of);

    let hubs: Vec<usize> = (0..n).filter(|&v| hub[v]).collect();
    let mut hub_dir = vec![NONE; n];
    for (k, &v) in hubs.iter().enumerate() {
        hub_dir[v] = (num_colors + k) as u32;
    }
    let mut seeds: Vec<(u32, u32)> = (0..n)
        .filter(|&j| color[j] != NONE)
        .map(|j| (color[j], j as u32))
        .collect();
    seeds.extend(hubs.iter().map(|&v| (hub_dir[v], v as u32)));
    let mut reads = Vec::with_capacity(rows.len());
    for c in 0..n {
        for (pos, &r) in rows.iter().enumerate().take(ptr[c + 1]).skip(ptr[c]) {
            let r = r as usize;
            let read = if hub[c] {
                (hub_dir[c], pos, r as u32)
            } else if hub[r] {
                (hub_dir[r], pos, c as u32)
            } else {
                (color[c], pos, r as u32)
            };
            reads.push(read);
        }
    }
    let plan = Plan::build(num_colors + hubs.len(), &seeds, &reads);
    HessianPlan {
        plan,
        num_colors,
        num_hubs: hubs.len(),
    }
}
